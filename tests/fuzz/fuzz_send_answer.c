/* libFuzzer target for send.c: any bytes given as HQ's answer page (what a
 * network, a proxy or a wrong address may return) are read into an answer
 * with a status and a sentence, never past its buffers; and any bytes given
 * as an outbox file are read or refused. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "send.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[] = "/tmp/fuzz-send-XXXXXX";
	static int made;
	struct send_answer a;
	struct send_job j;
	struct send_progress p;
	long http = size > 0 ? 200 + data[0] % 400 : 200;
	char *cause = NULL;

	send_answer_parse((const char *)data, size, http, &a);
	if (strlen(a.headline) >= sizeof a.headline || a.headline[0] == '\0' || a.number < 0)
		abort();
	if (!made) {
		if (mkdtemp(dir) == NULL)
			abort();
		made = 1;
	}
	if (util_write_file(dir, "answer", data, size, 0600, NULL) == 0 &&
	    util_write_file(dir, "request", data, size, 0600, NULL) == 0 &&
	    util_write_file(dir, "status", data, size, 0600, NULL) == 0) {
		if (send_answer_read(dir, &j, &a, &cause) == 0 && !send_final(a.status))
			abort();
		free(cause);
		cause = NULL;
		send_request_read(dir, &j, &cause);
		free(cause);
		cause = NULL;
		send_progress_read(dir, &p, &cause);
		free(cause);
	}
	return 0;
}
