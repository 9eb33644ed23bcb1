#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"

#define CSV_STR(x)  #x
#define CSV_XSTR(x) CSV_STR(x)

struct csv_reader {
	const char *data;
	size_t len;
	size_t pos;
	size_t line; /* physical line at pos */

	struct strbuf buf; /* the record's fields, each NUL-terminated */
	size_t *offs;      /* where each field starts in buf */
	char **fields;
	size_t nfields;

	size_t err_line; /* the record's first problem, reported when it ends */
	const char *err;
};

struct csv_reader *
csv_reader_new(const char *data, size_t len)
{
	struct csv_reader *r = xcalloc(1, sizeof *r);

	r->data = data;
	r->len = len;
	r->line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->pos = 3;
	r->offs = xcalloc(CSV_MAX_FIELDS, sizeof *r->offs);
	r->fields = xcalloc(CSV_MAX_FIELDS, sizeof *r->fields);
	return r;
}

void
csv_reader_free(struct csv_reader *r)
{
	if (r == NULL)
		return;
	strbuf_free(&r->buf);
	free(r->offs);
	free(r->fields);
	free(r);
}

static void
csv_error(struct csv_reader *r, const char *what)
{
	if (r->err == NULL) {
		r->err = what;
		r->err_line = r->line;
	}
}

/* Consumes a line end (CRLF, LF or a lone CR) at pos; returns 1 if there was one. */
static int
csv_line_end(struct csv_reader *r)
{
	if (r->pos >= r->len)
		return 0;
	if (r->data[r->pos] == '\n') {
		r->pos++;
		r->line++;
		return 1;
	}
	if (r->data[r->pos] == '\r') {
		r->pos++;
		if (r->pos < r->len && r->data[r->pos] == '\n')
			r->pos++;
		r->line++;
		return 1;
	}
	return 0;
}

/* Adds one byte to the current field, which starts at start in buf. */
static void
csv_add(struct csv_reader *r, size_t start, char c)
{
	if (c == '\0') {
		csv_error(r, "the file holds NUL bytes; save it as \"CSV UTF-8\"");
		return;
	}
	if (r->buf.len - start >= CSV_MAX_FIELD) {
		csv_error(r, "a field is longer than " CSV_XSTR(CSV_MAX_FIELD) " bytes");
		return;
	}
	strbuf_add(&r->buf, &c, 1);
}

static void
csv_quoted(struct csv_reader *r, size_t start)
{
	size_t open_line = r->line;
	char c;

	r->pos++; /* the opening quote */
	for (;;) {
		if (r->pos >= r->len) {
			if (r->err == NULL) {
				r->err = "a quoted field is never closed";
				r->err_line = open_line;
			}
			return;
		}
		c = r->data[r->pos];
		if (c == '"') {
			if (r->pos + 1 < r->len && r->data[r->pos + 1] == '"') {
				csv_add(r, start, '"');
				r->pos += 2;
				continue;
			}
			r->pos++;
			break;
		}
		if (c == '\n' ||
		    (c == '\r' && (r->pos + 1 >= r->len || r->data[r->pos + 1] != '\n')))
			r->line++;
		csv_add(r, start, c);
		r->pos++;
	}
	/* Text between the closing quote and the next comma or line end. */
	while (r->pos < r->len) {
		c = r->data[r->pos];
		if (c == ',' || c == '\n' || c == '\r')
			break;
		csv_error(r, "there is text after a closing quote (a quote inside a field must "
		             "be doubled)");
		if (c != '"')
			csv_add(r, start, c);
		r->pos++;
	}
}

static void
csv_unquoted(struct csv_reader *r, size_t start)
{
	char c;

	while (r->pos < r->len) {
		c = r->data[r->pos];
		if (c == ',' || c == '\n' || c == '\r')
			break;
		if (c == '"')
			csv_error(r, "a field holds a quote but does not start with one (the "
			             "whole field must be quoted)");
		csv_add(r, start, c);
		r->pos++;
	}
}

/* Ends the field that starts at start in buf. */
static void
csv_end_field(struct csv_reader *r, size_t start)
{
	if (r->nfields == CSV_MAX_FIELDS) {
		csv_error(r, "a record has more than " CSV_XSTR(CSV_MAX_FIELDS) " fields");
		r->buf.len = start;
		return;
	}
	strbuf_add(&r->buf, "", 1);
	r->offs[r->nfields++] = start;
}

int
csv_next(struct csv_reader *r, struct csv_record *rec, char **cause)
{
	size_t i;

	if (r->pos >= r->len)
		return 0;
	r->buf.len = 0;
	r->nfields = 0;
	r->err = NULL;
	rec->line = r->line;
	rec->start = r->pos;
	for (;;) {
		i = r->buf.len;
		if (r->data[r->pos] == '"')
			csv_quoted(r, i);
		else
			csv_unquoted(r, i);
		csv_end_field(r, i);
		if (r->pos < r->len && r->data[r->pos] == ',') {
			r->pos++;
			if (r->pos < r->len)
				continue;
			/* A comma at the very end: one more, empty field. */
			csv_end_field(r, r->buf.len);
			break;
		}
		csv_line_end(r);
		break;
	}
	rec->end = r->pos;
	if (r->err != NULL)
		return util_fail(cause, "Line %zu: %s.", r->err_line, r->err);
	for (i = 0; i < r->nfields; i++)
		r->fields[i] = r->buf.s + r->offs[i];
	rec->nfields = r->nfields;
	rec->fields = r->fields;
	return 1;
}

char *
csv_field(const char *value, int excel_safe)
{
	struct strbuf b = STRBUF_INIT;
	int quote, apostrophe;
	const char *p;

	apostrophe = excel_safe && value[0] != '\0' && strchr("=+-@\t\r", value[0]) != NULL;
	quote = strpbrk(value, ",\"\r\n") != NULL;
	if (quote)
		strbuf_add(&b, "\"", 1);
	if (apostrophe)
		strbuf_add(&b, "'", 1);
	for (p = value; *p != '\0'; p++) {
		if (*p == '"')
			strbuf_add(&b, "\"\"", 2);
		else
			strbuf_add(&b, p, 1);
	}
	if (quote)
		strbuf_add(&b, "\"", 1);
	return strbuf_take(&b);
}
