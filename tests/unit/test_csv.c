/* Unit tests for csv.c: the RFC 4180 reader and Excel-safe fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "strbuf.h"
#include "util.h"

/* Reads every record of data as "line:[f1|f2]" joined by spaces; errors show
 * as "ERR(message)" in their place and reading goes on. */
static char *
dump_n(const char *data, size_t len)
{
	struct csv_reader *r = csv_reader_new(data, len);
	struct csv_record rec;
	struct strbuf b = STRBUF_INIT;
	char *cause = NULL;
	size_t i;
	int rc;

	while ((rc = csv_next(r, &rec, &cause)) != 0) {
		if (b.len > 0)
			strbuf_add(&b, " ", 1);
		if (rc < 0) {
			strbuf_printf(&b, "ERR(%s)", cause);
			free(cause);
			cause = NULL;
			continue;
		}
		strbuf_printf(&b, "%zu:[", rec.line);
		for (i = 0; i < rec.nfields; i++)
			strbuf_printf(&b, "%s%s", i > 0 ? "|" : "", rec.fields[i]);
		strbuf_add(&b, "]", 1);
	}
	csv_reader_free(r);
	return strbuf_take(&b);
}

static void
assert_csv(const char *data, const char *want)
{
	char *got = dump_n(data, strlen(data));

	assert_string_equal(got, want);
	free(got);
}

static void
test_simple(void **state)
{
	(void)state;
	assert_csv("", "");
	assert_csv("a,b,c\n1,2,3\n", "1:[a|b|c] 2:[1|2|3]");
	assert_csv("a,b\r\n1,2\r\n", "1:[a|b] 2:[1|2]");
	assert_csv("a,b\n1,2", "1:[a|b] 2:[1|2]"); /* no final line end */
	assert_csv("a\rb\r", "1:[a] 2:[b]");       /* old Mac line ends */
	assert_csv("one", "1:[one]");
}

static void
test_empty_fields(void **state)
{
	(void)state;
	assert_csv(",,\n", "1:[||]");
	assert_csv("a,,c\n", "1:[a||c]");
	assert_csv("a,", "1:[a|]");
	assert_csv("a,\n", "1:[a|]");
	assert_csv("\"\",x\n", "1:[|x]");
	/* a blank line is a record of one empty field */
	assert_csv("a\n\nb\n", "1:[a] 2:[] 3:[b]");
	assert_csv("\n", "1:[]");
}

static void
test_quotes(void **state)
{
	(void)state;
	assert_csv("\"a,b\",c\n", "1:[a,b|c]");
	assert_csv("\"say \"\"hi\"\"\",x\n", "1:[say \"hi\"|x]");
	assert_csv("\"\"\"\"\n", "1:[\"]");
	assert_csv("\"line1\nline2\",x\ny,z\n", "1:[line1\nline2|x] 3:[y|z]");
	assert_csv("\"a\r\nb\",c\r\nd\r\n", "1:[a\r\nb|c] 3:[d]");
	assert_csv("\"last\"", "1:[last]");
	assert_csv("\"a\",\"\",\"c\"\r\n", "1:[a||c]");
	/* spaces are data */
	assert_csv(" a , b \n", "1:[ a | b ]");
}

static void
test_bom(void **state)
{
	(void)state;
	assert_csv("\xef\xbb\xbfname,team\r\nZo\xc3\xab,A\r\n", "1:[name|team] 2:[Zo\xc3\xab|A]");
	assert_csv("\xef\xbb\xbf", "");
	/* only at the very start */
	assert_csv("a\n\xef\xbb\xbf"
	           "b\n",
	           "1:[a] 2:[\xef\xbb\xbf"
	           "b]");
}

static void
test_not_nul_terminated(void **state)
{
	const char data[] = {'a', ',', 'b', '\n', 'c', 'X'};
	char *got;

	(void)state;
	got = dump_n(data, 5); /* the X must not be read */
	assert_string_equal(got, "1:[a|b] 2:[c]");
	free(got);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_csv("a\nb\n\"never closed\nc\nd\n",
	           "1:[a] 2:[b] ERR(Line 3: a quoted field is never closed.)");
	assert_csv("a\nab\"c\nd\n", "1:[a] ERR(Line 2: a field holds a quote but does not "
	                            "start with one (the whole field must be quoted).) 3:[d]");
	assert_csv("\"ab\"c,d\ne\n", "ERR(Line 1: there is text after a closing quote (a "
	                             "quote inside a field must be doubled).) 2:[e]");
	/* the line named is the one the problem is on, inside a multi-line record */
	assert_csv("\"a\nb\nc\"x\nok\n", "ERR(Line 3: there is text after a closing quote (a "
	                                 "quote inside a field must be doubled).) 4:[ok]");
	assert_csv("a\n\"x\n\ny", "1:[a] ERR(Line 2: a quoted field is never closed.)");
}

static void
test_nul_byte(void **state)
{
	const char data[] = "a\nb\0c\nd\n";
	char *got;

	(void)state;
	got = dump_n(data, sizeof data - 1);
	assert_string_equal(got, "1:[a] ERR(Line 2: the file holds NUL bytes; save it as "
	                         "\"CSV UTF-8\".) 3:[d]");
	free(got);
}

static void
test_limits(void **state)
{
	struct strbuf b = STRBUF_INIT;
	char *got, *want;
	size_t i;

	(void)state;
	/* exactly CSV_MAX_FIELD bytes is fine, one more is not */
	strbuf_puts(&b, "x\n");
	for (i = 0; i < CSV_MAX_FIELD; i++)
		strbuf_add(&b, "a", 1);
	strbuf_puts(&b, "\n\"");
	for (i = 0; i < CSV_MAX_FIELD + 1; i++)
		strbuf_add(&b, "b", 1);
	strbuf_puts(&b, "\",z\nlast\n");
	got = dump_n(b.s, b.len);
	assert_non_null(strstr(got, "2:[aaaa"));
	want = xasprintf("ERR(Line 3: a field is longer than %d bytes.) 4:[last]", CSV_MAX_FIELD);
	assert_non_null(strstr(got, want));
	free(want);
	free(got);
	strbuf_free(&b);

	/* CSV_MAX_FIELDS fields are fine, one more is not */
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		strbuf_puts(&b, i > 0 ? ",f" : "f");
	strbuf_puts(&b, "\n");
	for (i = 0; i < CSV_MAX_FIELDS + 1; i++)
		strbuf_puts(&b, i > 0 ? ",g" : "g");
	strbuf_puts(&b, "\nend");
	got = dump_n(b.s, b.len);
	assert_int_equal(strncmp(got, "1:[f|f|", 7), 0);
	assert_non_null(strstr(got, "|f] ERR("));
	want = xasprintf("ERR(Line 2: a record has more than %d fields.) 3:[end]", CSV_MAX_FIELDS);
	assert_non_null(strstr(got, want));
	free(want);
	free(got);
	strbuf_free(&b);

	/* a comma at the very end adds a field, which must count too */
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		strbuf_puts(&b, i > 0 ? ",h" : "h");
	strbuf_puts(&b, ",");
	got = dump_n(b.s, b.len);
	want = xasprintf("ERR(Line 1: a record has more than %d fields.)", CSV_MAX_FIELDS);
	assert_string_equal(got, want);
	free(want);
	free(got);
	strbuf_free(&b);
}

static void
test_record_fields(void **state)
{
	const char data[] = "name,team\n\"Smith, Ann\",Blue\n";
	struct csv_reader *r = csv_reader_new(data, strlen(data));
	struct csv_record rec;
	char *cause = NULL;

	(void)state;
	assert_int_equal(csv_next(r, &rec, &cause), 1);
	assert_int_equal(rec.nfields, 2);
	assert_int_equal(rec.line, 1);
	assert_int_equal(csv_next(r, &rec, &cause), 1);
	assert_int_equal(rec.line, 2);
	assert_string_equal(rec.fields[0], "Smith, Ann");
	assert_string_equal(rec.fields[1], "Blue");
	assert_int_equal(csv_next(r, &rec, &cause), 0);
	assert_int_equal(csv_next(r, &rec, &cause), 0);
	assert_null(cause);
	csv_reader_free(r);
	csv_reader_free(NULL);
}

static void
assert_field(const char *value, int excel_safe, const char *want)
{
	char *got = csv_field(value, excel_safe);

	assert_string_equal(got, want);
	free(got);
}

static void
test_field_writing(void **state)
{
	(void)state;
	assert_field("plain", 0, "plain");
	assert_field("", 0, "");
	assert_field("a,b", 0, "\"a,b\"");
	assert_field("say \"hi\"", 0, "\"say \"\"hi\"\"\"");
	assert_field("two\nlines", 0, "\"two\nlines\"");
	assert_field("cr\r", 0, "\"cr\r\"");
	assert_field("=1+2", 0, "=1+2");
}

static void
test_field_excel_safe(void **state)
{
	(void)state;
	assert_field("=HYPERLINK(\"http://x\")", 1, "\"'=HYPERLINK(\"\"http://x\"\")\"");
	assert_field("=1+2", 1, "'=1+2");
	assert_field("+1 555 0100", 1, "'+1 555 0100");
	assert_field("-5", 1, "'-5");
	assert_field("@SUM(A1)", 1, "'@SUM(A1)");
	assert_field("\tx", 1, "'\tx");
	assert_field("\rx", 1, "\"'\rx\"");
	assert_field("Ann", 1, "Ann");
	assert_field("a=b", 1, "a=b");
	assert_field("", 1, "");
}

/* What csv_field writes, csv_next reads back. */
static void
test_round_trip(void **state)
{
	const char *values[] = {"plain", "", "a,b", "\"q\"", "x\r\ny", "Zo\xc3\xab", " s "};
	struct strbuf b = STRBUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	char *f, *cause = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(values); i++) {
		f = csv_field(values[i], 0);
		strbuf_printf(&b, "%s%s", i > 0 ? "," : "", f);
		free(f);
	}
	strbuf_puts(&b, "\r\n");
	r = csv_reader_new(b.s, b.len);
	assert_int_equal(csv_next(r, &rec, &cause), 1);
	assert_int_equal(rec.nfields, nitems(values));
	for (i = 0; i < nitems(values); i++)
		assert_string_equal(rec.fields[i], values[i]);
	assert_int_equal(csv_next(r, &rec, &cause), 0);
	csv_reader_free(r);
	strbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple),
	    cmocka_unit_test(test_empty_fields),
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_record_fields),
	    cmocka_unit_test(test_field_writing),
	    cmocka_unit_test(test_field_excel_safe),
	    cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
