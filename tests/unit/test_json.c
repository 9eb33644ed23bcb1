/* Unit tests for json.c: the strict reader (strings and escapes, numbers and
 * their limits, nesting depth, members, items, paths) and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "strbuf.h"
#include "util.h"

static int
parses(const char *s)
{
	struct json_value v;

	return json_parse(s, strlen(s), &v) == 0;
}

/* The string value of a whole text, unescaped; NULL when it does not parse. */
static char *
unescape(const char *s)
{
	struct json_value v;

	if (json_parse(s, strlen(s), &v) != 0 || v.type != JSON_STRING)
		return NULL;
	return json_str(&v);
}

static void
assert_unescapes(const char *json, const char *want)
{
	char *got = unescape(json);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_types(void **state)
{
	static const struct {
		const char *text;
		enum json_type type;
	} cases[] = {
	    {"\"x\"", JSON_STRING},     {"12", JSON_NUMBER}, {"{}", JSON_OBJECT},
	    {"[]", JSON_ARRAY},         {"true", JSON_TRUE}, {"false", JSON_FALSE},
	    {" null\r\n\t", JSON_NULL},
	};
	struct json_value v;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		assert_int_equal(json_parse(cases[i].text, strlen(cases[i].text), &v), 0);
		assert_int_equal(v.type, cases[i].type);
	}
	/* the span excludes the spaces around */
	assert_int_equal(json_parse("  [1, 2]  ", 10, &v), 0);
	assert_int_equal(v.n, 6);
	assert_memory_equal(v.p, "[1, 2]", 6);
}

static void
test_strings(void **state)
{
	(void)state;
	assert_unescapes("\"plain\"", "plain");
	assert_unescapes("\"\"", "");
	assert_unescapes("\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d");
	assert_unescapes("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t");
	assert_unescapes("\"\\u0041\\u00e9\\u00C9\"", "A\xc3\xa9\xc3\x89");
	assert_unescapes("\"\\u20ac\"", "\xe2\x82\xac");              /* 3 bytes */
	assert_unescapes("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80");   /* a pair: U+1F600 */
	assert_unescapes("\"\\uD834\\uDD1E!\"", "\xf0\x9d\x84\x9e!"); /* U+1D11E */
	/* lone surrogates and NUL become U+FFFD: the result stays a C string */
	assert_unescapes("\"\\ud83dx\"", "\xef\xbf\xbdx");
	assert_unescapes("\"\\ude00\"", "\xef\xbf\xbd");
	assert_unescapes("\"\\ud83d\\u0041\"", "\xef\xbf\xbd"
	                                       "A");
	assert_unescapes("\"a\\u0000b\"", "a\xef\xbf\xbd"
	                                  "b");
	/* UTF-8 passes through as it is */
	assert_unescapes("\"Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m\"",
	                 "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m");
	/* what strbuf_json writes reads back the same */
	{
		const char *orig = "quote \" back \\ tab \t nl \n ctl \x01 end";
		struct strbuf b = STRBUF_INIT;
		strbuf_json(&b, orig);
		assert_unescapes(b.s, orig);
		strbuf_free(&b);
	}
}

static void
test_bad_strings(void **state)
{
	static const char *const bad[] = {
	    "\"unterminated",  "\"bad \\x escape\"", "\"\\u12\"", "\"\\u12g4\"",
	    "\"tab\tinside\"", "\"nl\ninside\"",     "\"\\\"",    "'single'",
	    "\"a\" \"b\"",     "\"\\U0041\"",        "\"\\ \"",   "\"ends in \\",
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		if (parses(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	}
	/* a NUL byte inside a string is a control character */
	{
		struct json_value v;
		assert_int_not_equal(json_parse("\"a\0b\"", 5, &v), 0);
		assert_int_equal(v.type, JSON_NONE);
	}
}

static void
int_of(const char *text, int64_t want)
{
	struct json_value v;
	int64_t got = 12345;

	assert_int_equal(json_parse(text, strlen(text), &v), 0);
	assert_int_equal(json_int(&v, &got), 0);
	assert_true(got == want);
}

static void
test_numbers(void **state)
{
	static const char *const not_int[] = {"1.5",  "1e3", "1E+2", "-0.0",
	                                      "0.10", "2e-1"}; /* valid JSON, not integers */
	static const char *const range[] = {"9223372036854775808", "-9223372036854775809",
	                                    "99999999999999999999", "18446744073709551616",
	                                    "100000000000000000000000000000"};
	struct json_value v;
	int64_t n;
	size_t i;

	(void)state;
	int_of("0", 0);
	int_of("-0", 0);
	int_of("7", 7);
	int_of("-42", -42);
	int_of("9223372036854775807", INT64_MAX);
	int_of("-9223372036854775808", INT64_MIN);
	int_of("9999999999999999", 9999999999999999LL);
	for (i = 0; i < nitems(not_int); i++) {
		assert_int_equal(json_parse(not_int[i], strlen(not_int[i]), &v), 0);
		assert_int_equal(v.type, JSON_NUMBER);
		assert_int_not_equal(json_int(&v, &n), 0);
	}
	for (i = 0; i < nitems(range); i++) {
		assert_int_equal(json_parse(range[i], strlen(range[i]), &v), 0);
		if (json_int(&v, &n) == 0)
			fail_msg("out of range, yet read: %s", range[i]);
	}
	/* not numbers at all, or not JSON's form */
	assert_int_not_equal(json_int(&(struct json_value){JSON_STRING, "\"1\"", 3}, &n), 0);
	assert_int_not_equal(json_int(&(struct json_value){JSON_NONE, NULL, 0}, &n), 0);
}

static void
test_bad_numbers(void **state)
{
	static const char *const bad[] = {
	    "01",  "-",    "+1",    ".5",       "1.",       "1.e5",      "1e",  "1e+",
	    "--1", "0x10", "1_000", "NaN",      "Infinity", "-Infinity", "1 2", "- 1",
	    "00",  "-01",  "1.2.3", "\xd9\xa1", "1,5",      "",          " ",
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		if (parses(bad[i]))
			fail_msg("accepted: \"%s\"", bad[i]);
	}
	assert_true(parses("-0.5e-10"));
	assert_true(parses("1E400")); /* valid JSON, not an int */
}

static void
test_depth(void **state)
{
	char buf[2 * (JSON_MAX_DEPTH + 2) + 8];
	struct json_value v, inner;
	size_t d, i;

	(void)state;
	for (d = 1; d <= JSON_MAX_DEPTH + 1; d++) {
		size_t n = 0;
		for (i = 0; i < d; i++)
			buf[n++] = '[';
		buf[n++] = '1';
		for (i = 0; i < d; i++)
			buf[n++] = ']';
		buf[n] = '\0';
		if (d <= JSON_MAX_DEPTH)
			assert_int_equal(json_parse(buf, n, &v), 0);
		else
			assert_int_not_equal(json_parse(buf, n, &v), 0);
	}
	/* objects count too */
	{
		struct strbuf b = STRBUF_INIT;
		for (i = 0; i < JSON_MAX_DEPTH; i++)
			strbuf_puts(&b, "{\"a\":");
		strbuf_puts(&b, "1");
		for (i = 0; i < JSON_MAX_DEPTH; i++)
			strbuf_puts(&b, "}");
		assert_int_equal(json_parse(b.s, b.len, &v), 0);
		/* a member of a deep object can be walked */
		assert_int_equal(json_path(&v, "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a", &inner), 0);
		assert_int_equal(inner.type, JSON_NUMBER);
		strbuf_free(&b);
		b = (struct strbuf)STRBUF_INIT;
		for (i = 0; i <= JSON_MAX_DEPTH; i++)
			strbuf_puts(&b, "{\"a\":");
		strbuf_puts(&b, "1");
		for (i = 0; i <= JSON_MAX_DEPTH; i++)
			strbuf_puts(&b, "}");
		assert_int_not_equal(json_parse(b.s, b.len, &v), 0);
		strbuf_free(&b);
	}
	/* a deep attack is refused quickly, without deep recursion */
	{
		size_t n = 100000;
		char *deep = xmalloc(n);
		memset(deep, '[', n);
		assert_int_not_equal(json_parse(deep, n, &v), 0);
		free(deep);
	}
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
	    "{",
	    "}",
	    "[",
	    "[1,]",
	    "[,1]",
	    "{\"a\":1,}",
	    "{\"a\" 1}",
	    "{\"a\":}",
	    "{a:1}",
	    "{1:1}",
	    "{\"a\":1 \"b\":2}",
	    "[1 2]",
	    "tru",
	    "truex",
	    "nul",
	    "True",
	    "[true false]",
	    "{} {}",
	    "[] x",
	    "/* c */ 1",
	    "1 // c",
	    "[1]]",
	    "[[1]",
	    "{\"a\":1}}",
	    "\xef\xbb\xbf{}", /* a BOM is not JSON */
	};
	struct json_value v;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		if (parses(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	}
	assert_int_not_equal(json_parse(NULL, 0, &v), 0);
	/* a length shorter than the text: only that much is read */
	assert_int_not_equal(json_parse("{\"a\":1}", 6, &v), 0);
	assert_int_equal(json_parse("{\"a\":1}garbage", 7, &v), 0);
}

static void
test_members(void **state)
{
	static const char *const text =
	    "{ \"seq\" : 7, \"kind\":\"donation\", \"data\":{\"cents\":2500,\"method\":\"check\","
	    "\"check_no\":\"10\\u00343\",\"nested\":{\"x\":[1,{\"y\":2}]},\"none\":null},"
	    "\"seq\":8, \"k\\\"q\":1, \"\":\"empty key\"}";
	static const char *const keys[] = {"seq", "kind", "data", "missing", "k\\\"q", ""};
	struct json_value root, m[nitems(keys)], v, k;
	const char *it = NULL;
	int64_t n;
	char *s;
	size_t count = 0;

	(void)state;
	assert_int_equal(json_parse(text, strlen(text), &root), 0);
	json_members(&root, keys, m, nitems(keys));
	assert_int_equal(json_int(&m[0], &n), 0);
	assert_int_equal(n, 7); /* the first of duplicate keys counts */
	assert_true(json_is(&m[1], "donation"));
	assert_false(json_is(&m[1], "donatio"));
	assert_int_equal(m[2].type, JSON_OBJECT);
	assert_int_equal(m[3].type, JSON_NONE);
	assert_int_equal(m[4].type, JSON_NUMBER); /* keys compare as written */
	s = json_str(&m[5]);
	assert_string_equal(s, "empty key");
	free(s);

	assert_int_equal(json_member(&root, "kind", &v), 0);
	assert_int_equal(json_member(&root, "nope", &v), -1);
	assert_int_equal(v.type, JSON_NONE);
	/* members of something that is not an object: none */
	assert_int_equal(json_member(&m[1], "x", &v), -1);

	while (json_next(&root, &it, &k, &v)) {
		assert_int_equal(k.type, JSON_STRING);
		count++;
	}
	assert_int_equal(count, 6);

	/* dotted paths, on a value and on text */
	assert_int_equal(json_path(&root, "data.cents", &v), 0);
	assert_int_equal(json_int(&v, &n), 0);
	assert_int_equal(n, 2500);
	assert_int_equal(json_path(&root, "data.nested.x", &v), 0);
	assert_int_equal(v.type, JSON_ARRAY);
	assert_int_equal(json_path(&root, "data.nested.x.y", &v), -1); /* arrays have no keys */
	assert_int_equal(json_path(&root, "", &v), 0);
	assert_int_equal(v.type, JSON_OBJECT);
	assert_int_equal(json_path(&root, "data.", &v), 0); /* a trailing dot is ignored */
	assert_int_equal(json_get_int(text, strlen(text), "data.cents", &n), 0);
	assert_int_equal(n, 2500);
	s = json_get_str(text, strlen(text), "data.check_no");
	assert_string_equal(s, "1043");
	free(s);
	s = json_get_str(text, strlen(text), "data.cents"); /* a number as written */
	assert_string_equal(s, "2500");
	free(s);
	assert_null(json_get_str(text, strlen(text), "data.none"));
	assert_null(json_get_str(text, strlen(text), "data.nested"));
	assert_null(json_get_str(text, strlen(text), "data.missing"));
	assert_null(json_get_str(text, strlen(text), "kind.x"));
	assert_int_not_equal(json_get_int(text, strlen(text), "kind", &n), 0);
	assert_int_not_equal(json_get_int(text, strlen(text), "data.method", &n), 0);
	/* a key longer than JSON_MAX_PATH */
	{
		char path[JSON_MAX_PATH + 8];
		memset(path, 'a', sizeof path - 1);
		path[sizeof path - 1] = '\0';
		assert_int_not_equal(json_get_int("{}", 2, path, &n), 0);
	}
	/* broken text: nothing */
	assert_null(json_get_str("{\"a\":\"b\"", 8, "a"));
	assert_int_not_equal(json_get_int("{\"a\":1,}", 8, "a", &n), 0);
	/* a ledger line */
	{
		const char *line = "{\"seq\":3,\"station\":\"T1\",\"kind\":\"print\",\"data\":"
		                   "{\"what\":\"receipt\",\"of\":2,\"outcome\":\"completed\"}}";
		assert_int_equal(json_get_int(line, strlen(line), "data.of", &n), 0);
		assert_int_equal(n, 2);
		s = json_get_str(line, strlen(line), "data.what");
		assert_string_equal(s, "receipt");
		free(s);
	}
}

static void
test_items(void **state)
{
	static const char *const text = "[ \"Ann\" , \"Bob \\\"B\\\"\",3,[4,5],{\"a\":[]},null ]";
	struct json_value arr, v;
	const char *it = NULL;
	size_t n = 0;
	char *s;

	(void)state;
	assert_int_equal(json_parse(text, strlen(text), &arr), 0);
	assert_int_equal(json_item(&arr, 0, &v), 0);
	s = json_str(&v);
	assert_string_equal(s, "Ann");
	free(s);
	assert_int_equal(json_item(&arr, 1, &v), 0);
	s = json_str(&v);
	assert_string_equal(s, "Bob \"B\"");
	free(s);
	assert_int_equal(json_item(&arr, 3, &v), 0);
	assert_int_equal(v.type, JSON_ARRAY);
	s = json_str(&v); /* an array as its text */
	assert_string_equal(s, "[4,5]");
	free(s);
	assert_int_equal(json_item(&arr, 5, &v), 0);
	assert_int_equal(v.type, JSON_NULL);
	assert_null(json_str(&v));
	assert_int_equal(json_item(&arr, 6, &v), -1);
	assert_int_equal(v.type, JSON_NONE);
	while (json_next(&arr, &it, NULL, &v))
		n++;
	assert_int_equal(n, 6);
	/* empty containers, and things that are not arrays */
	assert_int_equal(json_parse("[ ]", 3, &arr), 0);
	assert_int_equal(json_item(&arr, 0, &v), -1);
	assert_int_equal(json_parse("{}", 2, &arr), 0);
	it = NULL;
	assert_int_equal(json_next(&arr, &it, NULL, &v), 0);
	assert_int_equal(json_item(&arr, 0, &v), -1);
	assert_int_equal(json_parse("\"[1]\"", 5, &arr), 0);
	assert_int_equal(json_item(&arr, 0, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),       cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_bad_strings), cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_bad_numbers), cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_malformed),   cmocka_unit_test(test_members),
	    cmocka_unit_test(test_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
