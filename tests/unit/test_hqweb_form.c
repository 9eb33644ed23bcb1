/* Unit tests for hqweb_form.c: what wat-hq makes of outside HTTP data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hqweb_form.h"
#include "strbuf.h"

static void
test_filename(void **state)
{
	char out[HQWEB_FORM_NAME_MAX + 1];

	(void)state;
	assert_int_equal(hqweb_form_filename("wat-x-T1-3.zip.age", 18, out), 0);
	assert_string_equal(out, "wat-x-T1-3.zip.age");
	assert_int_equal(hqweb_form_filename("C:\\Users\\Ann\\b.zip.age", 22, out), 0);
	assert_string_equal(out, "b.zip.age");
	assert_int_equal(hqweb_form_filename("../../etc/passwd", 16, out), 0);
	assert_string_equal(out, "passwd");
	assert_int_equal(hqweb_form_filename("..", 2, out), -1);
	assert_int_equal(hqweb_form_filename("a/", 2, out), -1);
	assert_int_equal(hqweb_form_filename(".bashrc", 7, out), 0);
	assert_string_equal(out, "_bashrc");
	assert_int_equal(hqweb_form_filename("a b;<x>.zip", 11, out), 0);
	assert_string_equal(out, "a_b__x_.zip");
}

static void
test_code(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(hqweb_form_code("k7q 22-xm", 9, out, sizeof out), 0);
	assert_string_equal(out, "K7Q22XM");
	assert_int_equal(hqweb_form_code("K7Q;22XM", 8, out, sizeof out), -1);
	assert_int_equal(hqweb_form_code(" - ", 3, out, sizeof out), -1);
	assert_int_equal(hqweb_form_code("ABCDEFGHIJKLMNOPQRST", 20, out, sizeof out), -1);
}

static void
test_field_and_cookie(void **state)
{
	const char *body = "a=1&code=K7Q%2D22+XM&bad=%4&nul=%00";
	char *v;

	(void)state;
	v = hqweb_form_field(body, strlen(body), "code");
	assert_string_equal(v, "K7Q-22 XM");
	free(v);
	assert_null(hqweb_form_field(body, strlen(body), "bad"));
	assert_null(hqweb_form_field(body, strlen(body), "nul"));
	assert_null(hqweb_form_field(body, strlen(body), "none"));
	v = hqweb_form_cookie("x=1; wat_hq=abc123 ; y=2", "wat_hq");
	assert_string_equal(v, "abc123");
	free(v);
	assert_null(hqweb_form_cookie("wat_hqx=1", "wat_hq"));
}

static void
test_html(void **state)
{
	struct strbuf b = STRBUF_INIT;
	char *s;

	(void)state;
	hqweb_form_html(&b, "<script>alert('x')</script> & \"Bob\"\x01");
	s = strbuf_take(&b);
	assert_string_equal(
	    s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Bob&quot;");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filename),
	    cmocka_unit_test(test_code),
	    cmocka_unit_test(test_field_and_cookie),
	    cmocka_unit_test(test_html),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
