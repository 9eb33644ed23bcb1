/* Unit tests for text.c: UTF-8 checks and the search folding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static int
valid(const char *s)
{
	return text_valid_utf8(s, strlen(s));
}

static void
assert_fold(const char *in, const char *want)
{
	char *got = text_fold(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_valid_utf8(void **state)
{
	(void)state;
	assert_true(valid(""));
	assert_true(valid("plain ASCII"));
	assert_true(valid("Zo\xc3\xab"));                       /* Zoë */
	assert_true(valid("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd")); /* Иван */
	assert_true(valid("\xe7\x8e\x8b\xe8\x8a\xb3"));         /* 王芳 */
	assert_true(valid("\xf0\x9f\x98\x80"));                 /* U+1F600 */
	assert_true(valid("\xf4\x8f\xbf\xbf"));                 /* U+10FFFF */
	assert_true(valid("\xed\x9f\xbf"));                     /* U+D7FF */
	assert_true(valid("\xee\x80\x80"));                     /* U+E000 */
	/* an embedded NUL is a valid code point when the length says so */
	assert_true(text_valid_utf8("a\0b", 3));
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	assert_false(valid("\x80"));             /* lone continuation */
	assert_false(valid("\xc3"));             /* truncated */
	assert_false(valid("\xe2\x82"));         /* truncated */
	assert_false(valid("\xf0\x9f\x98"));     /* truncated */
	assert_false(valid("\xc0\xaf"));         /* overlong '/' */
	assert_false(valid("\xc1\xbf"));         /* overlong */
	assert_false(valid("\xe0\x80\xaf"));     /* overlong */
	assert_false(valid("\xe0\x9f\xbf"));     /* overlong U+07FF */
	assert_false(valid("\xf0\x80\x80\xaf")); /* overlong */
	assert_false(valid("\xf0\x8f\xbf\xbf")); /* overlong U+FFFF */
	assert_false(valid("\xed\xa0\x80"));     /* U+D800 surrogate */
	assert_false(valid("\xed\xbf\xbf"));     /* U+DFFF surrogate */
	assert_false(valid("\xf4\x90\x80\x80")); /* U+110000 */
	assert_false(valid("\xf5\x80\x80\x80"));
	assert_false(valid("\xff"));
	assert_false(valid("\xc3\x28")); /* bad continuation */
	assert_false(valid("Zo\xeb"));   /* Latin-1, not UTF-8 */
	/* the length is respected: a valid prefix of a longer sequence fails */
	assert_false(text_valid_utf8("\xc3\xab", 1));
	assert_true(text_valid_utf8("ab\xff", 2));
}

static void
test_fold_latin(void **state)
{
	(void)state;
	assert_fold("Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", "zoe angstrom");
	assert_fold("Stra\xc3\x9f"
	            "e",
	            "strasse");                                                /* Straße */
	assert_fold("\xc3\x86sir \xc3\x98rsted", "aesir orsted");              /* Æsir Ørsted */
	assert_fold("\xc5\x81ukasz \xc5\xbb\xc3\xb3\xc5\x82w", "lukasz zolw"); /* Łukasz Żółw */
	assert_fold("Jos\xc3\xa9 Nu\xc3\xb1"
	            "ez",
	            "jose nunez");
	assert_fold("\xc3\x89"
	            "LODIE \xc3\x87"
	            "A",
	            "elodie ca");
	assert_fold("\xc5\x92uvre \xc4\xb2sselmeer", "oeuvre ijsselmeer");
	assert_fold("\xc3\x9e\xc3\xb3r \xc3\xb0", "thor d");
	assert_fold("\xc5\xa0koda \xc4\x8c"
	            "ech \xc5\x98"
	            "ezn\xc3\xad\xc4\x8d"
	            "ek",
	            "skoda cech reznicek");
	assert_fold("\xc8\x98tefan \xc8\x9a", "stefan t"); /* Romanian comma-below */
	/* decomposed: e + combining diaeresis */
	assert_fold("Zoe\xcc\x88", "zoe");
	/* signs in Latin-1 that are not letters are kept */
	assert_fold("5\xc3\x97"
	            "3",
	            "5\xc3\x97"
	            "3");
}

static void
test_fold_other_scripts(void **state)
{
	(void)state;
	/* Cyrillic and Greek capitals lowered, CJK kept */
	assert_fold("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd");
	assert_fold("\xd0\x81\xd0\xb6", "\xd1\x91\xd0\xb6"); /* Ёж -> ёж */
	assert_fold("\xce\xa3\xce\xbf\xcf\x86\xce\xaf\xce\xb1",
	            "\xcf\x83\xce\xbf\xcf\x86\xce\xaf\xce\xb1"); /* Σοφία */
	assert_fold("\xe7\x8e\x8b\xe8\x8a\xb3 Wang", "\xe7\x8e\x8b\xe8\x8a\xb3 wang");
	assert_fold("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
}

static void
test_fold_spaces_and_garbage(void **state)
{
	(void)state;
	assert_fold("  Mary \t\r\n  Jane  ", "mary jane");
	assert_fold("Mary\xc2\xa0Jane", "mary jane"); /* no-break space */
	assert_fold("", "");
	assert_fold("   ", "");
	assert_fold("Zo\xeb", "zo"); /* Latin-1 byte dropped */
	assert_fold("a\xc0\xaf"
	            "b",
	            "ab"); /* overlong dropped */
	assert_fold("a\xed\xa0\x80"
	            "b",
	            "ab");             /* surrogate dropped */
	assert_fold("a\xe2\x82", "a"); /* truncated at the end */
	assert_fold("a\x01\x7f"
	            "b",
	            "ab"); /* controls dropped */
	assert_fold("O'Brien-Smith", "o'brien-smith");
}

static void
test_contains(void **state)
{
	char *hay, *needle;

	(void)state;
	hay = text_fold("Zo\xc3\xab M\xc3\xbcller");
	needle = text_fold("zoe");
	assert_true(text_contains(hay, needle));
	free(needle);
	needle = text_fold("MULLER");
	assert_true(text_contains(hay, needle));
	free(needle);
	needle = text_fold("  zo\xc3\xab   m\xc3\xbc ");
	assert_true(text_contains(hay, needle));
	free(needle);
	needle = text_fold("zoey");
	assert_false(text_contains(hay, needle));
	free(needle);
	needle = text_fold("");
	assert_true(text_contains(hay, needle));
	free(needle);
	free(hay);
}

/* Every free-text field is checked by text_check: names, city, team, donor,
 * reasons, notes, settings.  What it refuses, and what it lets through. */
static void
test_check_controls(void **state)
{
	static const char *const refused[] = {
	    "Walk\x1b[31mX", /* ESC: a terminal colour */
	    "a\tb",          /* TAB */
	    "a\nb",          /* line feed */
	    "a\rb",          /* CR */
	    "a\x7f",         /* DEL */
	    "\x07",          /* BEL */
	    "a\xc2\x85",     /* U+0085 NEL, a C1 control */
	    "a\xc2\x9b"
	    "2J",            /* U+009B CSI */
	    "a\xe2\x80\xa8", /* U+2028 line separator */
	    "a\xe2\x80\xaa", /* U+202A LRE */
	    "pay\xe2\x80\xae"
	    "gnp",           /* U+202E RLO: reads "paypng" */
	    "a\xe2\x81\xa6", /* U+2066 LRI */
	    "a\xe2\x81\xa9", /* U+2069 PDI */
	    "Zo\xeb",        /* Latin-1, not UTF-8 */
	};
	static const char *const allowed[] = {
	    "",
	    "Walk Against Traffick",
	    "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m",             /* Zoë Ångström */
	    "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\x8f", /* Hebrew and an RLM */
	    "\xe7\x8e\x8b\xe8\x8a\xb3",                      /* 王芳 */
	    "a\xc2\xa0"
	    "b",                 /* no-break space */
	    "=HYPERLINK(\"x\")", /* CSV's business, not ours */
	};
	char *cause = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof refused / sizeof *refused; i++) {
		assert_int_equal(text_check(refused[i], "event name", &cause), -1);
		assert_non_null(strstr(cause, "event name"));
		free(cause);
		cause = NULL;
	}
	assert_int_equal(text_check("Walk\x1b", "city", &cause), -1);
	assert_string_equal(cause,
	                    "The city holds an invisible control character (U+001B): remove it.");
	free(cause);
	assert_int_equal(text_check("a\xe2\x80\xae", "team", NULL), -1);
	for (i = 0; i < sizeof allowed / sizeof *allowed; i++)
		assert_int_equal(text_check(allowed[i], "name", NULL), 0);
}

static void
assert_escape(const char *in, int flags, const char *want)
{
	char *got = text_escape(in, flags);

	assert_string_equal(got, want);
	free(got);
}

static void
test_escape(void **state)
{
	(void)state;
	assert_escape("plain Zo\xc3\xab", 0, "plain Zo\xc3\xab");
	assert_escape("\x1b[2J\x1b]0;owned\x07", 0, "\\x1b[2J\\x1b]0;owned\\x07");
	assert_escape("a\tb\nc\r", 0, "a\\x09b\\x0ac\\x0d");
	assert_escape("a\tb\nc\r", TEXT_KEEP_LINES, "a\tb\nc\\x0d");
	assert_escape("\xc2\x9b"
	              "31m",
	              0, "\\u009b31m");
	assert_escape("pay\xe2\x80\xae"
	              "gnp",
	              0, "pay\\u202egnp");
	assert_escape("\xe2\x81\xa6x\xe2\x81\xa9", 0, "\\u2066x\\u2069");
	assert_escape("Zo\xeb", 0, "Zo\\xeb");
	assert_escape("\xff\xfe", 0, "\\xff\\xfe");
	assert_escape("", 0, "");
	/* what it writes is itself clean: escaping twice changes nothing */
	{
		char *once = text_escape("\x1b\xe2\x80\xae\xff", 0), *twice = text_escape(once, 0);

		assert_int_equal(text_check(once, "x", NULL), 0);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

static void
test_trim(void **state)
{
	char a[] = "  \t hello world \r\n";
	char b[] = "";
	char c[] = " \t\r\n ";
	char d[] = "x";
	char e[] = "\xc2\xa0keep\xc2\xa0"; /* only ASCII space is trimmed */

	(void)state;
	assert_string_equal(text_trim(a), "hello world");
	assert_ptr_equal(text_trim(a), a);
	assert_string_equal(text_trim(b), "");
	assert_string_equal(text_trim(c), "");
	assert_string_equal(text_trim(d), "x");
	assert_string_equal(text_trim(e), "\xc2\xa0keep\xc2\xa0");
}

static void
test_length(void **state)
{
	(void)state;
	assert_int_equal(text_length(""), 0);
	assert_int_equal(text_length("abc"), 3);
	assert_int_equal(text_length("Zo\xc3\xab"), 3);
	assert_int_equal(text_length("\xe7\x8e\x8b\xe8\x8a\xb3"), 2);
	assert_int_equal(text_length("\xf0\x9f\x98\x80!"), 2);
}

/* The walkers' display names people by first name and last initial. */
static void
test_short_name(void **state)
{
	char b[32];

	(void)state;
	text_short_name("María López", b, sizeof b);
	assert_string_equal(b, "María L.");
	text_short_name("María José Ángström", b, sizeof b);
	assert_string_equal(b, "María Á.");
	text_short_name("  Cher  ", b, sizeof b);
	assert_string_equal(b, "Cher");
	text_short_name("", b, sizeof b);
	assert_string_equal(b, "");
	text_short_name(NULL, b, sizeof b);
	assert_string_equal(b, "");
	/* a first name longer than the room is cut at a character, never inside one */
	text_short_name("ééé X", b, 6);
	assert_string_equal(b, "éé");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_utf8),
	    cmocka_unit_test(test_short_name),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_fold_latin),
	    cmocka_unit_test(test_check_controls),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_fold_other_scripts),
	    cmocka_unit_test(test_fold_spaces_and_garbage),
	    cmocka_unit_test(test_contains),
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
