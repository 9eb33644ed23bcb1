/* Unit tests for amount.c: what a volunteer types, and how money is shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "amount.h"

static void
assert_parses(const char *text, int64_t want)
{
	int64_t cents = -1;
	char *cause = NULL;

	if (amount_parse(text, AMOUNT_DEFAULT_MAX_CENTS, &cents, &cause) != 0)
		fail_msg("\"%s\" was refused: %s", text, cause);
	assert_int_equal(cents, want);
	assert_null(cause);
}

static void
assert_refused(const char *text, int64_t max, const char *want)
{
	int64_t cents = 12345;
	char *cause = NULL;

	assert_int_equal(amount_parse(text, max, &cents, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	assert_int_equal(cents, 12345); /* untouched */
	free(cause);
	/* cause may be NULL */
	assert_int_equal(amount_parse(text, max, &cents, NULL), -1);
}

static void
test_parse_good(void **state)
{
	(void)state;
	assert_parses("25", 2500);
	assert_parses("25.5", 2550);
	assert_parses("25.50", 2550);
	assert_parses("25.05", 2505);
	assert_parses("25.", 2500);
	assert_parses(".50", 50);
	assert_parses("0.01", 1);
	assert_parses("$1,025.00", 102500);
	assert_parses("1,025", 102500);
	assert_parses("$ 40", 4000);
	assert_parses("  $12.34 \n", 1234);
	assert_parses("007", 700);
	assert_parses("10000", 1000000); /* exactly the default limit */
	assert_parses("$10,000.00", 1000000);
}

static void
test_parse_limits(void **state)
{
	int64_t cents = 0;

	(void)state;
	assert_int_equal(amount_parse("1,000,000.00", INT64_C(100000000), &cents, NULL), 0);
	assert_int_equal(cents, INT64_C(100000000));
	/* max <= 0 means the default limit */
	assert_int_equal(amount_parse("10000", 0, &cents, NULL), 0);
	assert_int_equal(amount_parse("10000.01", 0, &cents, NULL), -1);
	assert_refused("10000.01", AMOUNT_DEFAULT_MAX_CENTS,
	               "The amount \"10000.01\" is more than the limit of $10,000.00.");
	assert_refused("$50", 2000, "The amount \"$50\" is more than the limit of $20.00.");
	assert_refused("99999999999999999999999999", AMOUNT_DEFAULT_MAX_CENTS,
	               "The amount \"99999999999999999999999999\" is more than the limit of "
	               "$10,000.00.");
	assert_refused("92233720368547758.08", INT64_MAX,
	               "The amount \"92233720368547758.08\" is more than the limit of "
	               "$92,233,720,368,547,758.07.");
}

static void
test_parse_bad(void **state)
{
	(void)state;
	assert_refused("-5", 0,
	               "The amount \"-5\" is negative; to undo a donation, annul it instead.");
	assert_refused("$-5", 0,
	               "The amount \"$-5\" is negative; to undo a donation, annul it instead.");
	assert_refused("abc", 0,
	               "The amount \"abc\" is not a plain number; type digits only, like 25 or "
	               "25.50.");
	assert_refused("1e9", 0,
	               "The amount \"1e9\" is not a plain number; type digits only, like 25 or "
	               "25.50.");
	assert_refused("25.555", 0, "The amount \"25.555\" has more than two decimals.");
	assert_refused("10,5", 0,
	               "The amount \"10,5\" uses a comma for cents; use a dot, like 10.50.");
	assert_refused("10,50", 0,
	               "The amount \"10,50\" uses a comma for cents; use a dot, like 10.50.");
	assert_refused("1.025,50", 0,
	               "The amount \"1.025,50\" uses a comma for cents; use a dot, like 10.50.");
	assert_refused("1,0000", 0,
	               "The amount \"1,0000\" has a comma in the wrong place; write thousands like "
	               "1,025.");
	assert_refused("1000,000", 0,
	               "The amount \"1000,000\" has a comma in the wrong place; write thousands "
	               "like 1,025.");
	assert_refused(",500", 0,
	               "The amount \",500\" has a comma in the wrong place; write thousands like "
	               "1,025.");
	assert_refused("0", 0, "The amount \"0\" is zero; type how much was given.");
	assert_refused("$0.00", 0, "The amount \"$0.00\" is zero; type how much was given.");
	assert_refused("", 0, "The amount is empty; type how much was given, like 25 or 25.50.");
	assert_refused("   ", 0, "The amount is empty; type how much was given, like 25 or 25.50.");
	assert_refused(NULL, 0, "The amount is empty; type how much was given, like 25 or 25.50.");
}

static void
test_parse_junk(void **state)
{
	const char *junk[] = {"$",
	                      ".",
	                      "$.",
	                      "+5",
	                      "5-",
	                      "2 5",
	                      "$$5",
	                      "5$",
	                      "0x10",
	                      "1.2.3",
	                      "25.5.",
	                      "1,,000",
	                      "1,000,",
	                      "\xe2\x82\xac"
	                      "5",
	                      "5\xc3",
	                      "inf",
	                      "nan",
	                      "25..0",
	                      "1,000.5,0"};
	int64_t cents;
	char *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		cause = NULL;
		if (amount_parse(junk[i], 0, &cents, &cause) == 0)
			fail_msg("\"%s\" was accepted as %lld", junk[i], (long long)cents);
		assert_non_null(cause);
		assert_int_equal(strncmp(cause, "The amount", 10), 0);
		free(cause);
	}
}

static void
test_parse_long_text_is_cut(void **state)
{
	char text[200], *cause = NULL;
	int64_t cents;

	(void)state;
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	assert_int_equal(amount_parse(text, 0, &cents, &cause), -1);
	assert_true(strlen(cause) < 120);
	assert_non_null(strstr(cause, "...\""));
	free(cause);
}

static void
test_parse_message_is_clean_text(void **state)
{
	(void)state;
	assert_refused("5\xc3\xa9\x01", 0,
	               "The amount \"5\xc3\xa9?\" is not a plain number; type digits only, like 25 "
	               "or 25.50.");
	assert_refused("5\xff\xc3\xa9", 0,
	               "The amount \"5???\" is not a plain number; type digits only, like 25 or "
	               "25.50.");
}

static void
test_format(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(amount_format(102500, buf, sizeof buf), "$1,025.00");
	assert_string_equal(amount_format(0, buf, sizeof buf), "$0.00");
	assert_string_equal(amount_format(5, buf, sizeof buf), "$0.05");
	assert_string_equal(amount_format(99999, buf, sizeof buf), "$999.99");
	assert_string_equal(amount_format(100000, buf, sizeof buf), "$1,000.00");
	assert_string_equal(amount_format(123456789, buf, sizeof buf), "$1,234,567.89");
	assert_string_equal(amount_format(-500, buf, sizeof buf), "-$5.00");
	assert_string_equal(amount_format(INT64_MAX, buf, sizeof buf),
	                    "$92,233,720,368,547,758.07");
	assert_string_equal(amount_format(INT64_MIN, buf, sizeof buf),
	                    "-$92,233,720,368,547,758.08");
	/* a short buffer is cut, never overrun */
	assert_string_equal(amount_format(102500, buf, 5), "$1,0");
}

static void
test_format_plain(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(amount_format_plain(102500, buf, sizeof buf), "1025.00");
	assert_string_equal(amount_format_plain(1, buf, sizeof buf), "0.01");
	assert_string_equal(amount_format_plain(0, buf, sizeof buf), "0.00");
	assert_string_equal(amount_format_plain(-250, buf, sizeof buf), "-2.50");
	assert_string_equal(amount_format_plain(INT64_MIN, buf, sizeof buf),
	                    "-92233720368547758.08");
}

/* Formatting then parsing gives the same cents back. */
static void
test_round_trip(void **state)
{
	const int64_t values[] = {1, 9, 10, 99, 100, 101, 2550, 99999, 100000, 102500, 1000000};
	char buf[32];
	int64_t cents;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		assert_int_equal(
		    amount_parse(amount_format(values[i], buf, sizeof buf), 0, &cents, NULL), 0);
		assert_int_equal(cents, values[i]);
		assert_int_equal(
		    amount_parse(amount_format_plain(values[i], buf, sizeof buf), 0, &cents, NULL),
		    0);
		assert_int_equal(cents, values[i]);
	}
}

static void
assert_words(int64_t cents, const char *want)
{
	char *got = amount_words(cents);

	assert_string_equal(got, want);
	free(got);
}

static void
test_words(void **state)
{
	(void)state;
	assert_words(102500, "One thousand twenty-five dollars and 00/100");
	assert_words(2550, "Twenty-five dollars and 50/100");
	assert_words(100, "One dollar and 00/100");
	assert_words(7, "Zero dollars and 07/100");
	assert_words(0, "Zero dollars and 00/100");
	assert_words(1100, "Eleven dollars and 00/100");
	assert_words(4000, "Forty dollars and 00/100");
	assert_words(10000, "One hundred dollars and 00/100");
	assert_words(12199, "One hundred twenty-one dollars and 99/100");
	assert_words(1000000, "Ten thousand dollars and 00/100");
	assert_words(100000000, "One million dollars and 00/100");
	assert_words(100100000, "One million one thousand dollars and 00/100");
	assert_words(99999999, "Nine hundred ninety-nine thousand nine hundred ninety-nine dollars "
	                       "and 99/100");
	assert_words(-500, "Minus five dollars and 00/100");
	assert_words(INT64_MAX, "Ninety-two quadrillion two hundred thirty-three trillion seven "
	                        "hundred twenty billion three hundred sixty-eight million five "
	                        "hundred forty-seven thousand seven hundred fifty-eight dollars "
	                        "and 07/100");
	assert_words(INT64_MIN, "Minus ninety-two quadrillion two hundred thirty-three trillion "
	                        "seven hundred twenty billion three hundred sixty-eight million "
	                        "five hundred forty-seven thousand seven hundred fifty-eight "
	                        "dollars and 08/100");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),
	    cmocka_unit_test(test_parse_limits),
	    cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_parse_junk),
	    cmocka_unit_test(test_parse_long_text_is_cut),
	    cmocka_unit_test(test_parse_message_is_clean_text),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_plain),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
