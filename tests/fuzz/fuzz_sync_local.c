/* libFuzzer target for sync_local.c: every request wat-sync can send the
 * kiosk, answered against a real ledger (made once, in a temporary folder),
 * gets a reply whose status is 0 or 1, never a crash; a report is parsed
 * into NUL-terminated fields or refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"
#include "sync_local.h"
#include "sync_msg.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ledger *fuzz_ledger;

static struct ledger *
fuzz_open(void)
{
	struct ledger_init in = {"Walk", "Oxford", "2026-05-02", "T1", 0, NULL};
	char dir[] = "/tmp/wat-fuzz-sync-local-XXXXXX", *path, *cause = NULL;
	uint32_t id;

	if (fuzz_ledger != NULL)
		return fuzz_ledger;
	if (mkdtemp(dir) == NULL)
		abort();
	path = xasprintf("%s/t1.db", dir);
	if (ledger_open(path, &fuzz_ledger, &cause) != 0 ||
	    ledger_init_event(fuzz_ledger, &in, "fuzz", &cause) != 0 ||
	    ledger_walker_add(fuzz_ledger, "Ann Lee", NULL, NULL, NULL, NULL, "fuzz", &id,
	                      &cause) != 0)
		abort();
	free(path);
	return fuzz_ledger;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sync_buf out = {0};
	struct sync_report r;
	int rc = sync_local_report_parse(data, size, &r);

	if (rc == 1 && (memchr(r.station, '\0', sizeof r.station) == NULL ||
	                memchr(r.addr, '\0', sizeof r.addr) == NULL ||
	                memchr(r.text, '\0', sizeof r.text) == NULL))
		abort();
	if (rc == 0) {
		sync_local_answer(fuzz_open(), data, size, &out);
		if (out.len < 1 || out.p[0] > 1)
			abort();
	}
	sync_buf_free(&out);
	return 0;
}
