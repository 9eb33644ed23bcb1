#include "roster.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

#define ROSTER_QUOTE_MAX 64 /* bytes of a value repeated in a message */

enum roster_col {
	ROSTER_COL_NAME,
	ROSTER_COL_FIRST,
	ROSTER_COL_LAST,
	ROSTER_COL_TEAM,
	ROSTER_COL_EMAIL,
	ROSTER_COL_PHONE,
	ROSTER_COL_EXTID,
	ROSTER_NCOLS
};

/* Header names after roster_header_key: lowercase letters and digits only. */
static const struct {
	const char *key;
	enum roster_col col;
} roster_headers[] = {
    {"name", ROSTER_COL_NAME},
    {"fullname", ROSTER_COL_NAME},
    {"walkername", ROSTER_COL_NAME},
    {"participantname", ROSTER_COL_NAME},
    {"firstname", ROSTER_COL_FIRST},
    {"first", ROSTER_COL_FIRST},
    {"givenname", ROSTER_COL_FIRST},
    {"lastname", ROSTER_COL_LAST},
    {"last", ROSTER_COL_LAST},
    {"surname", ROSTER_COL_LAST},
    {"familyname", ROSTER_COL_LAST},
    {"team", ROSTER_COL_TEAM},
    {"teamname", ROSTER_COL_TEAM},
    {"email", ROSTER_COL_EMAIL},
    {"emailaddress", ROSTER_COL_EMAIL},
    {"phone", ROSTER_COL_PHONE},
    {"phonenumber", ROSTER_COL_PHONE},
    {"mobile", ROSTER_COL_PHONE},
    {"id", ROSTER_COL_EXTID},
    {"externalid", ROSTER_COL_EXTID},
    {"registrationid", ROSTER_COL_EXTID},
    {"registrationnumber", ROSTER_COL_EXTID},
    {"walkerid", ROSTER_COL_EXTID},
    {"participantid", ROSTER_COL_EXTID},
};

/* The length limits, in characters, and the words a message uses. */
static const struct {
	const char *what;
	size_t max;
	size_t offset;
} roster_limits[] = {
    {"name", ROSTER_MAX_NAME, offsetof(struct roster_row, name)},
    {"team", ROSTER_MAX_TEAM, offsetof(struct roster_row, team)},
    {"email", ROSTER_MAX_EMAIL, offsetof(struct roster_row, email)},
    {"phone", ROSTER_MAX_PHONE, offsetof(struct roster_row, phone)},
    {"id", ROSTER_MAX_EXTID, offsetof(struct roster_row, ext_id)},
};

struct roster_problem {
	size_t line;
	size_t seq;
	char *msg;
};

struct roster_state {
	struct roster_problem *problems;
	size_t nproblems;
	size_t cap;
};

static void roster_problem(struct roster_state *st, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
roster_problem(struct roster_state *st, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (st->nproblems == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->problems = xrealloc(st->problems, st->cap * sizeof *st->problems);
	}
	va_start(ap, fmt);
	st->problems[st->nproblems].msg = xvasprintf(fmt, ap);
	va_end(ap);
	st->problems[st->nproblems].line = line;
	st->problems[st->nproblems].seq = st->nproblems;
	st->nproblems++;
}

static int
roster_problem_cmp(const void *a, const void *b)
{
	const struct roster_problem *pa = a, *pb = b;

	if (pa->line != pb->line)
		return pa->line < pb->line ? -1 : 1;
	return pa->seq < pb->seq ? -1 : pa->seq > pb->seq;
}

/* A value for a message: cut short on a character boundary. */
static char *
roster_clip(const char *s)
{
	size_t n = strlen(s);

	if (n <= ROSTER_QUOTE_MAX)
		return xstrdup(s);
	n = ROSTER_QUOTE_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return xasprintf("%.*s...", (int)n, s);
}

static char *
roster_header_key(const char *s)
{
	char *key = xmalloc(strlen(s) + 1), *o = key;

	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*o++ = (char)(*s - 'A' + 'a');
		else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		         (unsigned char)*s >= 0x80)
			*o++ = *s;
	}
	*o = '\0';
	return key;
}

/* A copy with the ends trimmed and every run of spaces, tabs, line ends and
 * other control characters made one space; NULL when that leaves nothing. */
static char *
roster_tidy(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	int space = 0;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f) {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			strbuf_add(&b, " ", 1);
		space = 0;
		strbuf_add(&b, s, 1);
	}
	return b.len > 0 ? strbuf_take(&b) : NULL;
}

static int
roster_blank(const struct csv_record *rec)
{
	size_t i;
	const char *p;

	for (i = 0; i < rec->nfields; i++) {
		for (p = rec->fields[i]; *p != '\0'; p++) {
			if ((unsigned char)*p > ' ')
				return 0;
		}
	}
	return 1;
}

static const char *
roster_get(const struct csv_record *rec, const int *cols, enum roster_col col)
{
	if (cols[col] < 0 || (size_t)cols[col] >= rec->nfields)
		return "";
	return rec->fields[cols[col]];
}

static void
roster_row_clear(struct roster_row *row)
{
	free(row->name);
	free(row->team);
	free(row->email);
	free(row->phone);
	free(row->ext_id);
}

void
roster_free(struct roster *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		roster_row_clear(&r->rows[i]);
	free(r->rows);
	free(r);
}

/* Finds the columns; -1 with a problem when there is no name column. */
static int
roster_header(struct roster_state *st, const struct csv_record *rec, int *cols)
{
	struct strbuf list = STRBUF_INIT;
	size_t i, j;
	char *key, *shown;

	for (i = 0; i < ROSTER_NCOLS; i++)
		cols[i] = -1;
	for (i = 0; i < rec->nfields && i < (size_t)CSV_MAX_FIELDS; i++) {
		key = roster_header_key(rec->fields[i]);
		for (j = 0; j < nitems(roster_headers); j++) {
			if (strcmp(key, roster_headers[j].key) == 0 &&
			    cols[roster_headers[j].col] == -1)
				cols[roster_headers[j].col] = (int)i;
		}
		free(key);
	}
	if (cols[ROSTER_COL_NAME] != -1 || cols[ROSTER_COL_FIRST] != -1 ||
	    cols[ROSTER_COL_LAST] != -1)
		return 0;
	for (i = 0; i < rec->nfields; i++) {
		if (list.len > 200) {
			strbuf_puts(&list, ", ...");
			break;
		}
		shown = roster_clip(rec->fields[i]);
		strbuf_printf(&list, "%s\"%s\"", i > 0 ? ", " : "", shown);
		free(shown);
	}
	roster_problem(st, rec->line,
	               "Line %zu: there is no \"name\" column (nor \"first name\" and \"last "
	               "name\"); the header line has %s.",
	               rec->line, list.s);
	strbuf_free(&list);
	return -1;
}

/* Builds a row from a record; the row may break the rules (they are checked
 * afterwards) but every pointer in it is NULL or a tidy, non-empty string. */
static void
roster_row(const struct csv_record *rec, const int *cols, struct roster_row *row)
{
	char *first, *last;

	memset(row, 0, sizeof *row);
	row->line = rec->line;
	row->name = roster_tidy(roster_get(rec, cols, ROSTER_COL_NAME));
	if (row->name == NULL) {
		first = roster_tidy(roster_get(rec, cols, ROSTER_COL_FIRST));
		last = roster_tidy(roster_get(rec, cols, ROSTER_COL_LAST));
		if (first != NULL && last != NULL)
			row->name = xasprintf("%s %s", first, last);
		else if (first != NULL)
			row->name = xstrdup(first);
		else if (last != NULL)
			row->name = xstrdup(last);
		free(first);
		free(last);
	}
	row->team = roster_tidy(roster_get(rec, cols, ROSTER_COL_TEAM));
	row->email = roster_tidy(roster_get(rec, cols, ROSTER_COL_EMAIL));
	row->phone = roster_tidy(roster_get(rec, cols, ROSTER_COL_PHONE));
	row->ext_id = roster_tidy(roster_get(rec, cols, ROSTER_COL_EXTID));
}

static void
roster_check_row(struct roster_state *st, const struct roster_row *row)
{
	size_t i, n;
	const char *value;
	char *why = NULL;

	if (row->name == NULL)
		roster_problem(st, row->line, "Line %zu: the name is missing.", row->line);
	for (i = 0; i < nitems(roster_limits); i++) {
		value = *(char *const *)((const char *)row + roster_limits[i].offset);
		if (value != NULL && text_check(value, roster_limits[i].what, &why) != 0) {
			/* "The name holds..." → "Line 3: the name holds..." */
			why[0] = (char)(why[0] - 'A' + 'a');
			roster_problem(st, row->line, "Line %zu: %s", row->line, why);
			free(why);
			continue;
		}
		if (value == NULL || (n = text_length(value)) <= roster_limits[i].max)
			continue;
		roster_problem(st, row->line,
		               "Line %zu: the %s is %zu characters long; at most %zu fit.",
		               row->line, roster_limits[i].what, n, roster_limits[i].max);
	}
}

static int
roster_extid_cmp(const void *a, const void *b)
{
	const struct roster_row *ra = *(const struct roster_row *const *)a;
	const struct roster_row *rb = *(const struct roster_row *const *)b;
	int c = strcmp(ra->ext_id, rb->ext_id);

	if (c != 0)
		return c;
	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

static void
roster_check_duplicates(struct roster_state *st, const struct roster *r)
{
	const struct roster_row **idx;
	size_t i, n = 0, first = 0;
	char *shown;

	idx = xcalloc(r->n, sizeof *idx);
	for (i = 0; i < r->n; i++) {
		if (r->rows[i].ext_id != NULL)
			idx[n++] = &r->rows[i];
	}
	qsort(idx, n, sizeof *idx, roster_extid_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(idx[i]->ext_id, idx[first]->ext_id) != 0) {
			first = i;
			continue;
		}
		shown = roster_clip(idx[i]->ext_id);
		roster_problem(st, idx[i]->line, "Line %zu: the id \"%s\" is also on line %zu.",
		               idx[i]->line, shown, idx[first]->line);
		free(shown);
	}
	free(idx);
}

static char *
roster_cause(struct roster_state *st)
{
	struct strbuf b = STRBUF_INIT;
	size_t i, more;

	qsort(st->problems, st->nproblems, sizeof *st->problems, roster_problem_cmp);
	for (i = 0; i < st->nproblems && i < ROSTER_MAX_ERRORS; i++)
		strbuf_printf(&b, "%s%s", i > 0 ? "\n" : "", st->problems[i].msg);
	if (st->nproblems > ROSTER_MAX_ERRORS) {
		more = st->nproblems - ROSTER_MAX_ERRORS;
		strbuf_printf(&b, "\nand %zu more problem%s.", more, more == 1 ? "" : "s");
	}
	return strbuf_take(&b);
}

int
roster_parse(const char *data, size_t len, struct roster **out, char **cause)
{
	struct roster_state st = {NULL, 0, 0};
	struct csv_reader *reader = NULL;
	struct csv_record rec;
	struct roster *r = NULL;
	size_t cap = 0, i;
	int cols[ROSTER_NCOLS], rc = -1, got;
	char *err = NULL;

	*out = NULL;
	r = xcalloc(1, sizeof *r);
	reader = csv_reader_new(data, len);

	/* The header: the first line that is not blank. */
	while ((got = csv_next(reader, &rec, &err)) == 1 && roster_blank(&rec))
		continue;
	if (got == 0) {
		util_fail(cause, "The file is empty.");
		goto end;
	}
	if (got == -1) {
		roster_problem(&st, 0, "%s", err);
		goto end;
	}
	for (i = 0; i < rec.nfields; i++) {
		if (!text_valid_utf8(rec.fields[i], strlen(rec.fields[i]))) {
			roster_problem(&st, rec.line,
			               "Line %zu: the header line is not valid UTF-8; save the "
			               "file as \"CSV UTF-8\".",
			               rec.line);
			goto end;
		}
	}
	if (roster_header(&st, &rec, cols) != 0)
		goto end;

	/* The walkers: every problem is noted, none stops the reading. */
	while ((got = csv_next(reader, &rec, &err)) != 0) {
		if (got == -1) {
			roster_problem(&st, rec.line, "%s", err);
			free(err);
			err = NULL;
			continue;
		}
		if (roster_blank(&rec))
			continue;
		for (i = 0; i < rec.nfields; i++) {
			if (!text_valid_utf8(rec.fields[i], strlen(rec.fields[i])))
				break;
		}
		if (i < rec.nfields) {
			roster_problem(&st, rec.line,
			               "Line %zu: the text is not valid UTF-8; save the file as "
			               "\"CSV UTF-8\".",
			               rec.line);
			continue;
		}
		if (r->n == cap) {
			cap = cap ? cap * 2 : 64;
			r->rows = xrealloc(r->rows, cap * sizeof *r->rows);
		}
		roster_row(&rec, cols, &r->rows[r->n]);
		roster_check_row(&st, &r->rows[r->n]);
		r->n++;
	}
	roster_check_duplicates(&st, r);
	if (st.nproblems > 0)
		goto end;
	if (r->n == 0) {
		util_fail(cause, "The file has a header line but no walkers under it.");
		goto end;
	}
	*out = r;
	r = NULL;
	rc = 0;
end:
	if (st.nproblems > 0 && cause != NULL)
		*cause = roster_cause(&st);
	for (i = 0; i < st.nproblems; i++)
		free(st.problems[i].msg);
	free(st.problems);
	free(err);
	csv_reader_free(reader);
	roster_free(r);
	return rc;
}
