/* Unit tests for roster.c: the registration CSV, checked whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "roster.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

static struct roster *
parse_ok(const char *data)
{
	struct roster *r = NULL;
	char *cause = NULL;

	if (roster_parse(data, strlen(data), &r, &cause) != 0)
		fail_msg("refused: %s", cause);
	assert_non_null(r);
	assert_null(cause);
	return r;
}

/* s without its lines that begin with four spaces (a bad row's own text). */
static char *
problems_only(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	const char *e;

	for (; *s != '\0'; s = *e ? e + 1 : e) {
		e = strchr(s, '\n');
		if (e == NULL)
			e = s + strlen(s);
		if (strncmp(s, "    ", 4) == 0)
			continue;
		strbuf_printf(&b, "%s%.*s", b.len > 0 ? "\n" : "", (int)(e - s), s);
	}
	return b.len > 0 ? strbuf_take(&b) : xstrdup("");
}

static void
assert_refused_len(const char *data, size_t len, const char *want)
{
	struct roster *r = (struct roster *)&r; /* must be set to NULL */
	char *cause = NULL, *only;

	assert_int_equal(roster_parse(data, len, &r, &cause), -1);
	assert_null(r);
	assert_non_null(cause);
	only = problems_only(cause);
	assert_string_equal(only, want);
	free(only);
	free(cause);
	assert_int_equal(roster_parse(data, len, &r, NULL), -1);
	assert_null(r);
}

static void
assert_refused(const char *data, const char *want)
{
	assert_refused_len(data, strlen(data), want);
}

static void
assert_row(const struct roster_row *row, size_t line, const char *name, const char *team,
           const char *email, const char *phone, const char *ext_id)
{
	assert_int_equal(row->line, line);
	assert_string_equal(row->name, name);
	if (team == NULL)
		assert_null(row->team);
	else
		assert_string_equal(row->team, team);
	if (email == NULL)
		assert_null(row->email);
	else
		assert_string_equal(row->email, email);
	if (phone == NULL)
		assert_null(row->phone);
	else
		assert_string_equal(row->phone, phone);
	if (ext_id == NULL)
		assert_null(row->ext_id);
	else
		assert_string_equal(row->ext_id, ext_id);
}

static void
test_basic(void **state)
{
	struct roster *r;

	(void)state;
	r = parse_ok("Name,Team,Email,Phone,ID\n"
	             "Ann Lee,Blue,ann@example.org,555-0100,R1\n"
	             "Bob Ray,,,,\n"
	             "  Cy  Twombly ,  Red ,, 555 0101 , R3 \n");
	assert_int_equal(r->n, 3);
	assert_row(&r->rows[0], 2, "Ann Lee", "Blue", "ann@example.org", "555-0100", "R1");
	assert_row(&r->rows[1], 3, "Bob Ray", NULL, NULL, NULL, NULL);
	assert_row(&r->rows[2], 4, "Cy Twombly", "Red", NULL, "555 0101", "R3");
	roster_free(r);
	roster_free(NULL);
}

static void
test_header_names(void **state)
{
	struct roster *r;

	(void)state;
	/* first + last joined; names matched loosely; unknown columns ignored */
	r = parse_ok("Shirt Size,LAST_NAME,first-name,E-Mail,Phone Number,Registration ID,"
	             "Team Name\n"
	             "M,Lee,Ann,a@x.org,1,77,Blue\n"
	             "L,,Bob,,,78,\n"
	             "S,Ray,,,,79,\n");
	assert_int_equal(r->n, 3);
	assert_row(&r->rows[0], 2, "Ann Lee", "Blue", "a@x.org", "1", "77");
	assert_row(&r->rows[1], 3, "Bob", NULL, NULL, NULL, "78");
	assert_row(&r->rows[2], 4, "Ray", NULL, NULL, NULL, "79");
	roster_free(r);

	r = parse_ok("external_id,name\nX-1,Ann\n");
	assert_row(&r->rows[0], 2, "Ann", NULL, NULL, NULL, "X-1");
	roster_free(r);
	r = parse_ok("External ID,Name\nX-1,Ann\n");
	assert_row(&r->rows[0], 2, "Ann", NULL, NULL, NULL, "X-1");
	roster_free(r);

	/* punctuation in header names is ignored too */
	r = parse_ok("Walker ID#,Name *,team.\n9,Ann,Blue\n");
	assert_row(&r->rows[0], 2, "Ann", "Blue", NULL, NULL, "9");
	roster_free(r);

	/* a name column wins; first + last fill in when it is empty */
	r = parse_ok("name,first name,last name\nAnn Lee,A,L\n,Bob,Ray\n");
	assert_row(&r->rows[0], 2, "Ann Lee", NULL, NULL, NULL, NULL);
	assert_row(&r->rows[1], 3, "Bob Ray", NULL, NULL, NULL, NULL);
	roster_free(r);
}

static void
test_bom_crlf_and_quotes(void **state)
{
	struct roster *r;

	(void)state;
	r = parse_ok("\xef\xbb\xbf\"Name\",\"Team\",\"ID\"\r\n"
	             "\"Lee, Ann\",\"The \"\"Fast\"\" Ones\",1\r\n"
	             "\"Mary\r\nJane\",Blue,2\r\n"
	             "Tom,\"multi\nline\nteam\",3\r\n"
	             "Last,Row,4");
	assert_int_equal(r->n, 4);
	assert_row(&r->rows[0], 2, "Lee, Ann", "The \"Fast\" Ones", NULL, NULL, "1");
	assert_row(&r->rows[1], 3, "Mary Jane", "Blue", NULL, NULL, "2");
	assert_row(&r->rows[2], 5, "Tom", "multi line team", NULL, NULL, "3");
	assert_row(&r->rows[3], 8, "Last", "Row", NULL, NULL, "4");
	roster_free(r);
}

static void
test_empty_lines_skipped(void **state)
{
	struct roster *r;

	(void)state;
	r = parse_ok("\n\n  \nname,team\n\nAnn,A\n,,\n  ,\t\n\"\",\"\"\nBob,B\n\n");
	assert_int_equal(r->n, 2);
	assert_row(&r->rows[0], 6, "Ann", "A", NULL, NULL, NULL);
	assert_row(&r->rows[1], 10, "Bob", "B", NULL, NULL, NULL);
	roster_free(r);
}

static void
test_other_scripts_kept(void **state)
{
	struct roster *r;
	char *hay, *needle;

	(void)state;
	r = parse_ok("name,team\n"
	             "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0"
	             "\xb2,\xe7\xba\xa2\xe9\x98\x9f\n" /* Иван Петров, 红队 */
	             "\xe7\x8e\x8b\xe8\x8a\xb3,\n"     /* 王芳 */
	             "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m,\n"
	             "\xf0\x9f\x98\x80 Smiley,\n");
	assert_int_equal(r->n, 4);
	assert_string_equal(r->rows[0].name, "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x9f\xd0\xb5"
	                                     "\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2");
	assert_string_equal(r->rows[0].team, "\xe7\xba\xa2\xe9\x98\x9f");
	assert_string_equal(r->rows[1].name, "\xe7\x8e\x8b\xe8\x8a\xb3");
	assert_string_equal(r->rows[2].name, "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m");
	assert_string_equal(r->rows[3].name, "\xf0\x9f\x98\x80 Smiley");

	/* "Zoë" is found by "zoe", and "ångström" by "angstrom" */
	hay = text_fold(r->rows[2].name);
	needle = text_fold("zoe");
	assert_true(text_contains(hay, needle));
	free(needle);
	needle = text_fold("ANGSTROM");
	assert_true(text_contains(hay, needle));
	free(needle);
	free(hay);
	hay = text_fold(r->rows[1].name);
	needle = text_fold("\xe7\x8e\x8b");
	assert_true(text_contains(hay, needle));
	free(needle);
	free(hay);
	roster_free(r);
}

static void
test_five_problems(void **state)
{
	(void)state;
	assert_refused("name,team,id\n"       /* 1 */
	               "Ann,Blue,A1\n"        /* 2 */
	               ",Red,A2\n"            /* 3: no name */
	               "Bob,Red,A3\n"         /* 4 */
	               "Zo\xeb,Red,A4\n"      /* 5: Latin-1 */
	               "\"Cy\nDee\",Red,A5\n" /* 6-7 */
	               "Dan,Red,A1\n"         /* 8: same id as 2 */
	               "Eve,0123456789012345678901234567890123456789012345678901234567891,A6\n"
	               "\n"             /* 10 */
	               "Fay,Red,A7\n"   /* 11 */
	               "Gus,\"Red,A8\n" /* 12: never closed */
	               "Hal,Red,A9\n",
	               "Line 3: the name is missing.\n"
	               "Line 5: the text is not valid UTF-8; save the file as \"CSV UTF-8\".\n"
	               "Line 8: the id \"A1\" is also on line 2.\n"
	               "Line 9: the team is 61 characters long; at most 60 fit.\n"
	               "Line 12: a quoted field is never closed.");
}

static void
test_csv_problems_do_not_stop_reading(void **state)
{
	(void)state;
	assert_refused(
	    "name,id\n"
	    "Ann,1\n"
	    "B\"ob,2\n"
	    "\"Cy\"x,3\n"
	    ",4\n",
	    "Line 3: a field holds a quote but does not start with one (the whole field "
	    "must be quoted).\n"
	    "Line 4: there is text after a closing quote (a quote inside a field must be "
	    "doubled).\n"
	    "Line 5: the name is missing.");
}

static void
test_duplicates(void **state)
{
	(void)state;
	assert_refused("id,name\n"
	               "7,Ann\n"
	               "8,Bob\n"
	               "7,Cy\n"
	               "8,Dee\n"
	               " 7 ,Eve\n",
	               "Line 4: the id \"7\" is also on line 2.\n"
	               "Line 5: the id \"8\" is also on line 3.\n"
	               "Line 6: the id \"7\" is also on line 2.");
	/* rows without an id are never duplicates */
	roster_free(parse_ok("id,name\n,Ann\n,Bob\n"));
}

/* roster_read keeps the good rows, and each bad one with its problem and
 * its own text; exact repeats are merged and said so. */
static void
test_read_partial(void **state)
{
	static const char data[] = "name,team,id\n"
	                           "Ann Lee,Hope,R-1\n"
	                           ",Hope,R-2\n"
	                           "Ann Lee,Hope,R-1\n"
	                           "Bob,Hope,R-1\n"
	                           "Cy,\"Grace, Church\",R-3\n"
	                           "Dee\xff,,R-4\n"
	                           " Ann Lee , Hope ,R-1\n";
	struct roster *r = NULL;
	char *cause = NULL, *list;

	(void)state;
	assert_int_equal(roster_read(data, strlen(data), &r, &cause), 0);
	assert_null(cause);
	assert_int_equal(r->nmerged, 2); /* lines 4 and 8 repeat line 2 once tidied */
	assert_int_equal(r->n, 5);
	assert_int_equal(r->nbad, 3);
	assert_string_equal(r->merged,
	                    "Line 4 repeats line 2 exactly (Ann Lee,Hope,R-1): imported once.\n"
	                    "Line 8 repeats line 2 exactly ( Ann Lee , Hope ,R-1): imported once.");
	assert_null(r->rows[0].problem);
	assert_string_equal(r->rows[0].name, "Ann Lee");
	assert_string_equal(r->rows[1].problem, "Line 3: the name is missing.");
	assert_string_equal(r->rows[1].text, ",Hope,R-2");
	assert_string_equal(r->rows[2].problem, "Line 5: the id \"R-1\" is also on line 2.");
	assert_null(r->rows[3].problem);
	assert_string_equal(r->rows[3].team, "Grace, Church");
	assert_string_equal(r->rows[4].text, "Dee?,,R-4"); /* the byte that is not UTF-8 shown */
	list = roster_problems(r, 2);
	assert_string_equal(list, "Line 3: the name is missing.\n"
	                          "    ,Hope,R-2\n"
	                          "Line 5: the id \"R-1\" is also on line 2.\n"
	                          "    Bob,Hope,R-1\n"
	                          "and 1 more row with a problem.");
	free(list);
	roster_free(r);

	/* a good file has no problems to list; the file as a whole still can fail */
	assert_int_equal(roster_read("name\nAnn\n", 9, &r, &cause), 0);
	assert_int_equal(r->nbad, 0);
	assert_null(roster_problems(r, 0));
	assert_null(r->merged);
	roster_free(r);
	assert_int_equal(roster_read("team\nA\n", 7, &r, &cause), -1);
	assert_null(r);
	assert_non_null(cause);
	free(cause);
}

static void
test_lengths(void **state)
{
	struct strbuf b = STRBUF_INIT;
	struct roster *r;
	size_t i;

	(void)state;
	/* limits are in characters: 100 two-byte characters fit in a name */
	strbuf_puts(&b, "name,email,phone,id\n");
	for (i = 0; i < ROSTER_MAX_NAME; i++)
		strbuf_puts(&b, "\xc3\xa9");
	strbuf_puts(&b, ",a@b.c,123,x\n");
	r = parse_ok(b.s);
	assert_int_equal(text_length(r->rows[0].name), ROSTER_MAX_NAME);
	roster_free(r);
	strbuf_free(&b);

	strbuf_puts(&b, "name,email,phone,id\n");
	for (i = 0; i < ROSTER_MAX_NAME + 1; i++)
		strbuf_puts(&b, "\xc3\xa9");
	strbuf_puts(&b, ",");
	for (i = 0; i < ROSTER_MAX_EMAIL + 1; i++)
		strbuf_puts(&b, "e");
	strbuf_puts(&b, ",");
	for (i = 0; i < ROSTER_MAX_PHONE + 1; i++)
		strbuf_puts(&b, "5");
	strbuf_puts(&b, ",");
	for (i = 0; i < ROSTER_MAX_EXTID + 1; i++)
		strbuf_puts(&b, "i");
	strbuf_puts(&b, "\n");
	assert_refused(b.s, "Line 2: the name is 101 characters long; at most 100 fit.\n"
	                    "Line 2: the email is 255 characters long; at most 254 fit.\n"
	                    "Line 2: the phone is 33 characters long; at most 32 fit.\n"
	                    "Line 2: the id is 65 characters long; at most 64 fit.");
	strbuf_free(&b);

	/* first + last are limited together */
	strbuf_puts(&b, "first name,last name\n");
	for (i = 0; i < 50; i++)
		strbuf_puts(&b, "f");
	strbuf_puts(&b, ",");
	for (i = 0; i < 50; i++)
		strbuf_puts(&b, "l");
	strbuf_puts(&b, "\n");
	assert_refused(b.s, "Line 2: the name is 101 characters long; at most 100 fit.");
	strbuf_free(&b);
}

static void
test_many_problems(void **state)
{
	struct strbuf b = STRBUF_INIT, want = STRBUF_INIT;
	size_t i;

	(void)state;
	strbuf_puts(&b, "name,team\n");
	for (i = 0; i < ROSTER_MAX_ERRORS + 1; i++)
		strbuf_puts(&b, ",x\n");
	for (i = 0; i < ROSTER_MAX_ERRORS; i++)
		strbuf_printf(&want, "%sLine %zu: the name is missing.", i > 0 ? "\n" : "", i + 2);
	strbuf_puts(&want, "\nand 1 more row with a problem.");
	assert_refused(b.s, want.s);

	for (i = 0; i < 10; i++)
		strbuf_puts(&b, ",y\n");
	want.len -= strlen("1 more row with a problem.");
	strbuf_puts(&want, "11 more rows with a problem.");
	assert_refused(b.s, want.s);
	strbuf_free(&b);
	strbuf_free(&want);
}

static void
test_no_name_column(void **state)
{
	(void)state;
	assert_refused(
	    "email,team\na@b.c,Blue\n",
	    "Line 1: there is no \"name\" column (nor \"first name\" and \"last name\"); "
	    "the header line has \"email\", \"team\".");
	assert_refused(
	    "\n\nNombre,Equipo\nAna,Azul\n",
	    "Line 3: there is no \"name\" column (nor \"first name\" and \"last name\"); "
	    "the header line has \"Nombre\", \"Equipo\".");
	/* a data line mistaken for a header */
	assert_refused(
	    "Ann Lee,Blue\n",
	    "Line 1: there is no \"name\" column (nor \"first name\" and \"last name\"); "
	    "the header line has \"Ann Lee\", \"Blue\".");
}

static void
test_empty(void **state)
{
	(void)state;
	assert_refused("", "The file is empty.");
	assert_refused("\xef\xbb\xbf", "The file is empty.");
	assert_refused("\r\n\r\n  \n,,\n", "The file is empty.");
	assert_refused("name,team\r\n", "The file has a header line but no walkers under it.");
	assert_refused("name,team\r\n,\r\n\r\n",
	               "The file has a header line but no walkers under it.");
}

static void
test_bad_header(void **state)
{
	(void)state;
	assert_refused("na\xffme,team\nAnn,Blue\n",
	               "Line 1: the header line is not valid UTF-8; save the file as \"CSV "
	               "UTF-8\".");
	assert_refused("\"name,team\nAnn,Blue\n", "Line 1: a quoted field is never closed.");
	/* UTF-16 as Excel's "Unicode text" writes it */
	assert_refused_len("\xff\xfen\0a\0m\0e\0\n\0", 12,
	                   "Line 1: the file holds NUL bytes; save it as \"CSV UTF-8\".");
}

static void
test_short_rows(void **state)
{
	struct roster *r;

	(void)state;
	/* fewer fields than the header: the rest are empty; more: ignored */
	r = parse_ok("name,team,email\nAnn\nBob,Red,r@x.org,extra,fields\n");
	assert_int_equal(r->n, 2);
	assert_row(&r->rows[0], 2, "Ann", NULL, NULL, NULL, NULL);
	assert_row(&r->rows[1], 3, "Bob", "Red", "r@x.org", NULL, NULL);
	roster_free(r);
	assert_refused("team,name\nBlue\n", "Line 2: the name is missing.");
}

/* Pledge columns: one pledge a row; a walker on two rows with two sponsors
 * is one walker (no repeat said), a pledge on a row with no id or a bad row
 * is a problem with the row's line and text; a rate without a sponsor
 * column refuses the file. */
static void
test_pledge_columns(void **state)
{
	static const char csv[] = "name,id,sponsor,pledge kind,pledge rate,pledge id,pledge paid\n"
	                          "Ann Lee,R-1,Grandma,per lap,$1,P-1,\n"
	                          "Ann Lee,R-1,Uncle,flat,$10,P-2,$10\n"
	                          "Bo,,Mom,flat,$5,,\n"
	                          ",R-3,Dad,flat,$2,,\n"
	                          "Cy,R-4,,,,,\n";
	struct roster *r = NULL;
	char *cause = NULL, *list;

	(void)state;
	assert_int_equal(roster_read(csv, sizeof csv - 1, &r, &cause), 0);
	assert_int_equal(r->n, 4); /* Ann Lee once */
	assert_int_equal(r->nmerged, 0);
	assert_null(r->merged);
	assert_int_equal(r->nbad, 1);
	assert_non_null(r->pledges);
	assert_int_equal(r->pledges->n, 4);
	assert_int_equal(r->pledges->rows[0].line, 2);
	assert_string_equal(r->pledges->rows[0].walker_ext, "R-1");
	assert_string_equal(r->pledges->rows[0].p.sponsor, "Grandma");
	assert_int_equal(r->pledges->rows[0].p.t.kind, PLEDGE_LAP);
	assert_int_equal(r->pledges->rows[0].p.t.rate_cents, 100);
	assert_null(r->pledges->rows[0].problem);
	assert_int_equal(r->pledges->rows[1].line, 3);
	assert_int_equal(r->pledges->rows[1].p.online_cents, 1000);
	assert_string_equal(r->pledges->rows[1].p.ext_id, "P-2");
	assert_string_equal(r->pledges->rows[1].text, "Ann Lee,R-1,Uncle,flat,$10,P-2,$10");
	assert_non_null(strstr(r->pledges->rows[2].problem, "no id"));
	assert_non_null(strstr(r->pledges->rows[3].problem, "row has a problem"));
	list = roster_pledge_problems(r->pledges);
	assert_non_null(strstr(list, "Line 4, a pledge: the walker has no id"));
	assert_non_null(strstr(list, "\n    Bo,,Mom,flat,$5,,\n"));
	assert_non_null(strstr(list, "Line 5, a pledge: the walker's row has a problem"));
	free(list);
	roster_free(r);

	/* no pledge columns: none */
	assert_int_equal(roster_read("name\nAnn\n", 9, &r, &cause), 0);
	assert_null(r->pledges);
	roster_free(r);

	assert_int_equal(roster_read("name,pledge\nAnn,$5\n", 19, &r, &cause), -1);
	assert_null(r);
	assert_non_null(strstr(cause, "\"sponsor\""));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_header_names),
	    cmocka_unit_test(test_bom_crlf_and_quotes),
	    cmocka_unit_test(test_empty_lines_skipped),
	    cmocka_unit_test(test_other_scripts_kept),
	    cmocka_unit_test(test_five_problems),
	    cmocka_unit_test(test_csv_problems_do_not_stop_reading),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_read_partial),
	    cmocka_unit_test(test_many_problems),
	    cmocka_unit_test(test_no_name_column),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_bad_header),
	    cmocka_unit_test(test_short_rows),
	    cmocka_unit_test(test_pledge_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
