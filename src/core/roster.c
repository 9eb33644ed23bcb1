#include "roster.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	ROSTER_COL_WAIVER,
	/* the pledge columns, in the order of roster_pledge_header */
	ROSTER_COL_SPONSOR,
	ROSTER_COL_PKIND,
	ROSTER_COL_PRATE,
	ROSTER_COL_PMAX,
	ROSTER_COL_PEMAIL,
	ROSTER_COL_PPHONE,
	ROSTER_COL_PADDRESS,
	ROSTER_COL_PID,
	ROSTER_COL_PPAID,
	ROSTER_COL_PPAID_DATE,
	ROSTER_NCOLS
};

/* The pledges CSV's header (pledge.h) for the pledge columns, as they are
 * handed to pledge_csv_parse: walker id first (the row's id), then the
 * pledge columns from ROSTER_COL_SPONSOR on. */
static const char roster_pledge_header[] =
    "walker id,sponsor,kind,rate,max,sponsor email,sponsor phone,sponsor address,pledge "
    "id,paid,paid date\n";

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
    {"waiver", ROSTER_COL_WAIVER},
    {"waiverversion", ROSTER_COL_WAIVER},
    {"waiveraccepted", ROSTER_COL_WAIVER},
    {"sponsor", ROSTER_COL_SPONSOR},
    {"sponsorname", ROSTER_COL_SPONSOR},
    {"pledgekind", ROSTER_COL_PKIND},
    {"pledgetype", ROSTER_COL_PKIND},
    {"pledgerate", ROSTER_COL_PRATE},
    {"pledge", ROSTER_COL_PRATE},
    {"pledgeamount", ROSTER_COL_PRATE},
    {"pledgemax", ROSTER_COL_PMAX},
    {"pledgemaximum", ROSTER_COL_PMAX},
    {"pledgecap", ROSTER_COL_PMAX},
    {"sponsoremail", ROSTER_COL_PEMAIL},
    {"sponsorphone", ROSTER_COL_PPHONE},
    {"sponsoraddress", ROSTER_COL_PADDRESS},
    {"pledgeid", ROSTER_COL_PID},
    {"pledgepaid", ROSTER_COL_PPAID},
    {"paidonline", ROSTER_COL_PPAID},
    {"pledgepaiddate", ROSTER_COL_PPAID_DATE},
    {"paiddate", ROSTER_COL_PPAID_DATE},
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
    {"waiver", ROSTER_MAX_WAIVER, offsetof(struct roster_row, waiver)},
};

/* Adds a sentence to the row's problem, on a line of its own. */
static void roster_problem(struct roster_row *row, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
roster_problem(struct roster_row *row, const char *fmt, ...)
{
	va_list ap;
	char *msg, *both;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (row->problem == NULL) {
		row->problem = msg;
		return;
	}
	both = xasprintf("%s\n%s", row->problem, msg);
	free(row->problem);
	free(msg);
	row->problem = both;
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

/* The bytes of a record as one line people can read: line ends and other
 * controls made spaces, bytes that are not UTF-8 (and bidi overrides, which
 * would turn the text around) made '?', cut at ROSTER_MAX_TEXT bytes. */
static char *
roster_text(const char *p, size_t len)
{
	struct strbuf b = STRBUF_INIT;
	size_t n;
	unsigned char c;

	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	while (len > 0) {
		c = (unsigned char)*p;
		n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (b.len + n > ROSTER_MAX_TEXT) {
			strbuf_puts(&b, "...");
			break;
		}
		if (n > len || !text_valid_utf8(p, n)) {
			strbuf_add(&b, "?", 1);
			n = 1;
		} else if (n == 1 && (c < ' ' || c == 0x7f)) {
			strbuf_add(&b, " ", 1);
		} else if (n == 3 && c == 0xe2 &&
		           (((unsigned char)p[1] == 0x80 && (unsigned char)p[2] >= 0xaa &&
		             (unsigned char)p[2] <= 0xae) ||
		            ((unsigned char)p[1] == 0x81 && (unsigned char)p[2] >= 0xa6 &&
		             (unsigned char)p[2] <= 0xa9))) {
			strbuf_add(&b, "?", 1);
		} else {
			strbuf_add(&b, p, n);
		}
		p += n;
		len -= n;
	}
	return b.len > 0 ? strbuf_take(&b) : xstrdup("");
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
	free(row->problem);
	free(row->text);
	free(row->name);
	free(row->team);
	free(row->email);
	free(row->phone);
	free(row->ext_id);
	free(row->waiver);
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
	free(r->merged);
	pledge_csv_free(r->pledges);
	free(r);
}

/* Finds the columns; -1 with *cause when there is no name column. */
static int
roster_header(const struct csv_record *rec, int *cols, char **cause)
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
	util_fail(cause,
	          "Line %zu: there is no \"name\" column (nor \"first name\" and \"last "
	          "name\"); the header line has %s.",
	          rec->line, list.s);
	strbuf_free(&list);
	return -1;
}

/* Fills a row's fields from a record; the row may break the rules (they are
 * checked afterwards) but every pointer in it is NULL or a tidy, non-empty string. */
static void
roster_row(const struct csv_record *rec, const int *cols, struct roster_row *row)
{
	char *first, *last;

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
	row->waiver = roster_tidy(roster_get(rec, cols, ROSTER_COL_WAIVER));
	/* a "no" (or "false", "0") is no waiver */
	if (row->waiver != NULL &&
	    (strcasecmp(row->waiver, "no") == 0 || strcasecmp(row->waiver, "false") == 0 ||
	     strcmp(row->waiver, "0") == 0 || strcasecmp(row->waiver, "n") == 0)) {
		free(row->waiver);
		row->waiver = NULL;
	}
}

static void
roster_check_row(struct roster_row *row)
{
	size_t i, n;
	const char *value;
	char *why = NULL;

	if (row->name == NULL)
		roster_problem(row, "Line %zu: the name is missing.", row->line);
	for (i = 0; i < nitems(roster_limits); i++) {
		value = *(char *const *)((const char *)row + roster_limits[i].offset);
		if (value != NULL && text_check(value, roster_limits[i].what, &why) != 0) {
			/* "The name holds..." → "Line 3: the name holds..." */
			why[0] = (char)(why[0] - 'A' + 'a');
			roster_problem(row, "Line %zu: %s", row->line, why);
			free(why);
			continue;
		}
		if (value == NULL || (n = text_length(value)) <= roster_limits[i].max)
			continue;
		roster_problem(row, "Line %zu: the %s is %zu characters long; at most %zu fit.",
		               row->line, roster_limits[i].what, n, roster_limits[i].max);
	}
}

static int
roster_strcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Good rows by every field, then by line: exact repeats end up side by side. */
static int
roster_row_cmp(const void *a, const void *b)
{
	const struct roster_row *ra = *(const struct roster_row *const *)a;
	const struct roster_row *rb = *(const struct roster_row *const *)b;
	int c;

	if ((c = roster_strcmp(ra->ext_id, rb->ext_id)) != 0 ||
	    (c = roster_strcmp(ra->name, rb->name)) != 0 ||
	    (c = roster_strcmp(ra->team, rb->team)) != 0 ||
	    (c = roster_strcmp(ra->email, rb->email)) != 0 ||
	    (c = roster_strcmp(ra->phone, rb->phone)) != 0 ||
	    (c = roster_strcmp(ra->waiver, rb->waiver)) != 0)
		return c;
	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

static int
roster_row_same(const struct roster_row *a, const struct roster_row *b)
{
	return roster_strcmp(a->ext_id, b->ext_id) == 0 && roster_strcmp(a->name, b->name) == 0 &&
	       roster_strcmp(a->team, b->team) == 0 && roster_strcmp(a->email, b->email) == 0 &&
	       roster_strcmp(a->phone, b->phone) == 0 && roster_strcmp(a->waiver, b->waiver) == 0;
}

/* Exact repeats are merged into the first (and said so); a different row
 * with an id already used is a problem.  Then the merged rows leave. */
static void
roster_check_duplicates(struct roster *r)
{
	struct roster_row **idx;
	struct strbuf notes = STRBUF_INIT;
	size_t *gone; /* the line a row repeats; 0: kept */
	size_t i, n = 0, first, o;
	char *shown;

	idx = xcalloc(r->n + 1, sizeof *idx);
	gone = xcalloc(r->n + 1, sizeof *gone);
	for (i = 0; i < r->n; i++) {
		if (r->rows[i].problem == NULL)
			idx[n++] = &r->rows[i];
	}
	qsort(idx, n, sizeof *idx, roster_row_cmp);
	for (i = 1; i < n; i++) {
		if (!roster_row_same(idx[i], idx[i - 1]))
			continue;
		gone[idx[i] - r->rows] = idx[i - 1]->line;
		r->nmerged += !idx[i]->pledge; /* another pledge of the walker: no repeat */
		idx[i] = idx[i - 1];           /* the row kept stands for the repeats */
	}
	/* rows of one id are side by side (sorted by name, then line): each but
	 * the first in the file is a problem */
	for (first = 0; first < n; first = i) {
		size_t keep = first;
		for (i = first + 1; i < n && idx[first]->ext_id != NULL && idx[i]->ext_id != NULL &&
		                    strcmp(idx[i]->ext_id, idx[first]->ext_id) == 0;
		     i++) {
			if (idx[i]->line < idx[keep]->line)
				keep = i;
		}
		for (size_t j = first; j < i; j++) {
			if (idx[j] == idx[keep] || (j > first && idx[j] == idx[j - 1]))
				continue;
			shown = roster_clip(idx[j]->ext_id);
			roster_problem(idx[j], "Line %zu: the id \"%s\" is also on line %zu.",
			               idx[j]->line, shown, idx[keep]->line);
			free(shown);
		}
	}
	for (o = 0, i = 0; i < r->n; i++) {
		if (gone[i] && r->rows[i].pledge) {
			roster_row_clear(&r->rows[i]);
			continue;
		}
		if (gone[i]) {
			strbuf_printf(
			    &notes, "%sLine %zu repeats line %zu exactly (%s): imported once.",
			    notes.len > 0 ? "\n" : "", r->rows[i].line, gone[i], r->rows[i].text);
			roster_row_clear(&r->rows[i]);
			continue;
		}
		r->rows[o++] = r->rows[i];
	}
	r->n = o;
	if (notes.len > 0)
		r->merged = strbuf_take(&notes);
	free(gone);
	free(idx);
}

char *
roster_problems(const struct roster *r, size_t max)
{
	struct strbuf b = STRBUF_INIT;
	size_t i, shown = 0;

	for (i = 0; i < r->n; i++) {
		if (r->rows[i].problem == NULL)
			continue;
		if (max > 0 && shown == max) {
			size_t more = r->nbad - shown;
			strbuf_printf(&b, "\nand %zu more row%s with a problem.", more,
			              more == 1 ? "" : "s");
			break;
		}
		strbuf_printf(&b, "%s%s\n    %s", shown > 0 ? "\n" : "", r->rows[i].problem,
		              r->rows[i].text[0] != '\0' ? r->rows[i].text : "(an empty row)");
		shown++;
	}
	return b.len > 0 ? strbuf_take(&b) : NULL;
}

/* 1 when the header names a pledge column. */
static int
roster_has_pledge_cols(const int *cols)
{
	for (int c = ROSTER_COL_SPONSOR; c < ROSTER_NCOLS; c++)
		if (cols[c] >= 0)
			return 1;
	return 0;
}

/* The row's pledge, when its sponsor or rate cell holds one, as a line of
 * the pledges CSV (roster_pledge_header) in b; 1 when there is one. */
static int
roster_pledge_line(const struct csv_record *rec, const int *cols, const struct roster_row *row,
                   struct strbuf *b)
{
	char *v, *f;

	if ((v = roster_tidy(roster_get(rec, cols, ROSTER_COL_SPONSOR))) == NULL &&
	    (v = roster_tidy(roster_get(rec, cols, ROSTER_COL_PRATE))) == NULL)
		return 0;
	free(v);
	f = csv_field(row->ext_id != NULL ? row->ext_id : "", 0);
	strbuf_puts(b, f);
	free(f);
	for (int c = ROSTER_COL_SPONSOR; c < ROSTER_NCOLS; c++) {
		v = roster_tidy(roster_get(rec, cols, (enum roster_col)c));
		f = csv_field(v != NULL ? v : "", 0);
		strbuf_printf(b, ",%s", f);
		free(f);
		free(v);
	}
	strbuf_puts(b, "\n");
	return 1;
}

/* The pledges of the rows that have one (lines[k]: the roster line of the
 * k-th), read by the pledges CSV's own rules, then told in the roster's
 * terms: the row's line and text, and the walker's row's problems. */
static int
roster_pledges(struct roster *r, struct strbuf *csv, const size_t *lines, char **texts, size_t n,
               char **cause)
{
	struct pledge_csv *c = NULL;
	char *why = NULL;
	size_t k, i;

	if (pledge_csv_parse(csv->s, csv->len, &c, &why) != 0) {
		util_fail(cause, "The pledge columns cannot be read: %s", why);
		free(why);
		return -1;
	}
	for (k = 0; k < c->n && k < n; k++) {
		struct pledge_row *p = &c->rows[k];
		const struct roster_row *w = NULL;

		p->line = lines[k];
		for (i = 0; i < r->n; i++)
			if (r->rows[i].line == lines[k])
				w = &r->rows[i];
		/* a repeat merged away stands for the row it repeats: its walker is good */
		free(p->text);
		p->text = texts[k];
		texts[k] = NULL;
		if (w != NULL && w->problem != NULL) {
			free(p->problem);
			p->problem = xstrdup("the walker's row has a problem (above), so its "
			                     "pledge waits too");
		} else if (w != NULL && w->ext_id == NULL) {
			free(p->problem);
			p->problem =
			    xstrdup("the walker has no id (the \"id\" column), and a "
			            "pledge imported with the roster finds its walker by it");
		}
	}
	r->pledges = c;
	return 0;
}

char *
roster_pledge_problems(const struct pledge_csv *c)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	for (i = 0; c != NULL && i < c->n; i++) {
		const struct pledge_row *p = &c->rows[i];
		if (p->problem == NULL)
			continue;
		if (p->line > 0)
			strbuf_printf(&b, "%sLine %zu, a pledge: %s.\n    %s",
			              b.len > 0 ? "\n" : "", p->line, p->problem,
			              p->text != NULL && p->text[0] != '\0' ? p->text
			                                                    : "(an empty row)");
		else
			strbuf_printf(&b, "%sA pledge: %s.", b.len > 0 ? "\n" : "", p->problem);
	}
	return b.len > 0 ? strbuf_take(&b) : NULL;
}

int
roster_read(const char *data, size_t len, struct roster **out, char **cause)
{
	struct csv_reader *reader = NULL;
	struct csv_record rec;
	struct roster *r = NULL;
	struct roster_row *row;
	struct strbuf pcsv = STRBUF_INIT;
	char **ptexts = NULL;
	size_t cap = 0, i, *plines = NULL, np = 0, pcap = 0;
	int cols[ROSTER_NCOLS], rc = -1, got, pledges;
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
		util_fail(cause, "%s", err);
		goto end;
	}
	for (i = 0; i < rec.nfields; i++) {
		if (!text_valid_utf8(rec.fields[i], strlen(rec.fields[i]))) {
			util_fail(cause,
			          "Line %zu: the header line is not valid UTF-8; save the file as "
			          "\"CSV UTF-8\".",
			          rec.line);
			goto end;
		}
	}
	if (roster_header(&rec, cols, cause) != 0)
		goto end;
	if ((pledges = roster_has_pledge_cols(cols)) != 0) {
		if (cols[ROSTER_COL_SPONSOR] < 0 || cols[ROSTER_COL_PRATE] < 0) {
			util_fail(cause,
			          "Line %zu: the pledge columns need both \"sponsor\" and "
			          "\"pledge rate\" (or \"pledge\").",
			          rec.line);
			goto end;
		}
		strbuf_puts(&pcsv, roster_pledge_header);
	}

	/* The walkers: every problem is noted with its row, none stops the reading. */
	while ((got = csv_next(reader, &rec, &err)) != 0) {
		if (got == 1 && roster_blank(&rec))
			continue;
		if (r->n == cap) {
			cap = cap ? cap * 2 : 64;
			r->rows = xrealloc(r->rows, cap * sizeof *r->rows);
		}
		row = &r->rows[r->n++];
		memset(row, 0, sizeof *row);
		row->line = rec.line;
		row->text = roster_text(data + rec.start, rec.end - rec.start);
		if (got == -1) {
			roster_problem(row, "%s", err);
			free(err);
			err = NULL;
			continue;
		}
		for (i = 0; i < rec.nfields; i++) {
			if (!text_valid_utf8(rec.fields[i], strlen(rec.fields[i])))
				break;
		}
		if (i < rec.nfields) {
			roster_problem(row,
			               "Line %zu: the text is not valid UTF-8; save the file as "
			               "\"CSV UTF-8\".",
			               rec.line);
			continue;
		}
		roster_row(&rec, cols, row);
		roster_check_row(row);
		if (pledges && roster_pledge_line(&rec, cols, row, &pcsv)) {
			row->pledge = 1;
			if (np == pcap) {
				pcap = pcap ? pcap * 2 : 64;
				plines = xrealloc(plines, pcap * sizeof *plines);
				ptexts = xrealloc(ptexts, pcap * sizeof *ptexts);
			}
			ptexts[np] = xstrdup(row->text);
			plines[np++] = row->line;
		}
	}
	if (r->n == 0) {
		util_fail(cause, "The file has a header line but no walkers under it.");
		goto end;
	}
	roster_check_duplicates(r);
	for (i = 0; i < r->n; i++)
		r->nbad += r->rows[i].problem != NULL;
	if (pledges && roster_pledges(r, &pcsv, plines, ptexts, np, cause) != 0)
		goto end;
	*out = r;
	r = NULL;
	rc = 0;
end:
	free(plines);
	for (i = 0; i < np; i++)
		free(ptexts[i]);
	free(ptexts);
	strbuf_free(&pcsv);
	free(err);
	csv_reader_free(reader);
	roster_free(r);
	return rc;
}

int
roster_parse(const char *data, size_t len, struct roster **out, char **cause)
{
	struct roster *r = NULL;

	*out = NULL;
	if (roster_read(data, len, &r, cause) != 0)
		return -1;
	if (r->nbad > 0) {
		if (cause != NULL)
			*cause = roster_problems(r, ROSTER_MAX_ERRORS);
		roster_free(r);
		return -1;
	}
	*out = r;
	return 0;
}
