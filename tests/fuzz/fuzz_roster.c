/* libFuzzer target for roster.c (and text.c): a roster is refused with a
 * message or every row keeps the rules; folding is safe on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roster.h"
#include "text.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_roster_field(const char *s, size_t max)
{
	char *folded;

	if (s == NULL)
		return;
	if (*s == '\0' || !text_valid_utf8(s, strlen(s)) || text_length(s) > max)
		abort();
	if (text_check(s, "field", NULL) != 0)
		abort(); /* no control character or bidi override gets into the ledger */
	if (s[0] == ' ' || s[strlen(s) - 1] == ' ')
		abort(); /* trimmed */
	folded = text_fold(s);
	if (!text_valid_utf8(folded, strlen(folded)) || !text_contains(folded, ""))
		abort();
	free(folded);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roster *r = NULL;
	char *cause = NULL, *text, *once, *twice;
	size_t i, j;

	if (roster_parse((const char *)data, size, &r, &cause) == 0) {
		if (r == NULL || r->n == 0 || cause != NULL)
			abort();
		for (i = 0; i < r->n; i++) {
			if (r->rows[i].name == NULL)
				abort();
			fuzz_roster_field(r->rows[i].name, ROSTER_MAX_NAME);
			fuzz_roster_field(r->rows[i].team, ROSTER_MAX_TEAM);
			fuzz_roster_field(r->rows[i].email, ROSTER_MAX_EMAIL);
			fuzz_roster_field(r->rows[i].phone, ROSTER_MAX_PHONE);
			fuzz_roster_field(r->rows[i].ext_id, ROSTER_MAX_EXTID);
			if (i > 0 && r->rows[i].line <= r->rows[i - 1].line)
				abort();
			for (j = 0; j < i && r->rows[i].ext_id != NULL; j++) {
				if (r->rows[j].ext_id != NULL &&
				    strcmp(r->rows[i].ext_id, r->rows[j].ext_id) == 0)
					abort();
			}
		}
		roster_free(r);
	} else if (r != NULL || cause == NULL || *cause == '\0')
		abort();
	free(cause);
	cause = NULL;
	r = NULL;

	/* Read as a preview: good rows keep the rules, a bad one has a problem
	 * and its text (valid UTF-8, one line), ids of good rows are unique. */
	if (roster_read((const char *)data, size, &r, &cause) == 0) {
		size_t nbad = 0;
		char *list;

		for (i = 0; i < r->n; i++) {
			const struct roster_row *row = &r->rows[i];
			if (row->text == NULL || !text_valid_utf8(row->text, strlen(row->text)) ||
			    strchr(row->text, '\n') != NULL ||
			    strlen(row->text) > ROSTER_MAX_TEXT + 3) /* and "..." */
				abort();
			if (i > 0 && row->line <= r->rows[i - 1].line)
				abort();
			if (row->problem != NULL) {
				nbad++;
				continue;
			}
			fuzz_roster_field(row->name, ROSTER_MAX_NAME);
			fuzz_roster_field(row->team, ROSTER_MAX_TEAM);
			fuzz_roster_field(row->email, ROSTER_MAX_EMAIL);
			fuzz_roster_field(row->phone, ROSTER_MAX_PHONE);
			fuzz_roster_field(row->ext_id, ROSTER_MAX_EXTID);
			fuzz_roster_field(row->waiver, ROSTER_MAX_WAIVER);
			for (j = 0; j < i && row->ext_id != NULL; j++) {
				if (r->rows[j].problem == NULL && r->rows[j].ext_id != NULL &&
				    strcmp(row->ext_id, r->rows[j].ext_id) == 0)
					abort();
			}
		}
		if (nbad != r->nbad || (r->nmerged > 0) != (r->merged != NULL))
			abort();
		/* the pledge columns: each pledge on a line of the file, with its
		 * row's text; a good one has a walker id, a sponsor and terms the
		 * rule takes, and a walker row that is good */
		for (i = 0; r->pledges != NULL && i < r->pledges->n; i++) {
			const struct pledge_row *p = &r->pledges->rows[i];
			int64_t owed;
			if (p->line == 0 || p->text == NULL ||
			    !text_valid_utf8(p->text, strlen(p->text)) ||
			    strchr(p->text, '\n') != NULL)
				abort();
			if (i > 0 && p->line <= r->pledges->rows[i - 1].line)
				abort();
			if (p->problem != NULL)
				continue;
			if (p->walker_ext == NULL || p->walker != 0 || p->p.sponsor == NULL ||
			    p->p.t.rate_cents <= 0 || p->p.t.rate_cents > PLEDGE_MAX_RATE)
				abort();
			fuzz_roster_field(p->walker_ext, ROSTER_MAX_EXTID);
			for (j = 0; j < r->n; j++)
				if (r->rows[j].line == p->line &&
				    (r->rows[j].problem != NULL || !r->rows[j].pledge ||
				     r->rows[j].ext_id == NULL ||
				     strcmp(r->rows[j].ext_id, p->walker_ext) != 0))
					abort();
			if (p->p.t.kind == PLEDGE_LAP &&
			    pledge_owed(&p->p.t, 7, NULL, 0, &owed, NULL) != 0)
				abort();
		}
		list = roster_pledge_problems(r->pledges);
		free(list);
		list = roster_problems(r, 3);
		if ((list == NULL) != (nbad == 0))
			abort();
		free(list);
		roster_free(r);
		r = NULL;
	} else if (r != NULL || cause == NULL) {
		abort();
	}
	free(cause);
	cause = NULL;

	/* Folding any bytes gives valid UTF-8 and folding again changes nothing. */
	text = xstrndup((const char *)data, size);
	once = text_fold(text);
	twice = text_fold(once);
	if (!text_valid_utf8(once, strlen(once)) || strcmp(once, twice) != 0)
		abort();
	text_valid_utf8((const char *)data, size);
	text_length(once);
	free(twice);
	free(once);
	free(text);
	return 0;
}
