/* libFuzzer target for the pledges CSV (pledge.c): a file is refused with a
 * message, or each row is good (every field the rules allow) or carries its
 * problem; the rule on a good row's terms never fails for lap pledges. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pledge.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_pledges_field(const char *s, size_t max)
{
	if (s == NULL)
		return;
	if (*s == '\0' || !text_valid_utf8(s, strlen(s)) || text_length(s) > max)
		abort();
	if (text_check(s, "field", NULL) != 0)
		abort(); /* no control character or bidi override gets into the ledger */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pledge_csv *c = NULL;
	char *cause = NULL;
	size_t i;

	if (pledge_csv_parse((const char *)data, size, &c, &cause) != 0) {
		if (c != NULL || cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return 0;
	}
	if (c == NULL || cause != NULL)
		abort();
	for (i = 0; i < c->n; i++) {
		const struct pledge_row *r = &c->rows[i];
		int64_t owed;

		if (r->text == NULL || !text_valid_utf8(r->text, strlen(r->text)))
			abort();
		if (r->problem != NULL) {
			if (*r->problem == '\0')
				abort();
			continue;
		}
		if (r->walker == 0 && r->walker_ext == NULL)
			abort();
		fuzz_pledges_field(r->p.sponsor, PLEDGE_MAX_SPONSOR);
		fuzz_pledges_field(r->p.address, PLEDGE_MAX_ADDRESS);
		fuzz_pledges_field(r->p.ext_id, PLEDGE_MAX_EXTID);
		fuzz_pledges_field(r->walker_ext, PLEDGE_MAX_EXTID);
		if (r->p.sponsor == NULL || (size_t)r->p.t.kind >= PLEDGE_NKINDS ||
		    r->p.t.rate_cents <= 0 || r->p.t.rate_cents > PLEDGE_MAX_RATE ||
		    r->p.t.max_cents < 0 || r->p.online_cents < 0)
			abort();
		if ((r->p.t.kind == PLEDGE_FLAT || r->p.t.kind == PLEDGE_LAP) &&
		    (pledge_owed(&r->p.t, 10000, NULL, 0, &owed, NULL) != 0 || owed < 0 ||
		     (r->p.t.max_cents > 0 && owed > r->p.t.max_cents)))
			abort();
	}
	pledge_csv_free(c);
	return 0;
}
