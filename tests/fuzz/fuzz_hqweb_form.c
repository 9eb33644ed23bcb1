/* libFuzzer target for hqweb_form.c, the parsers of what wat-hq receives
 * (file names, upload codes, urlencoded fields, cookies) and its HTML
 * escaping: no read out of bounds, and what comes out is safe: a file name
 * without a path or a leading dot, a code of capitals and digits, escaped
 * text without markup characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hqweb_form.h"
#include "strbuf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	char name[HQWEB_FORM_NAME_MAX + 1], code[65], *z, *v;
	struct strbuf b = STRBUF_INIT;
	size_t i;

	if (hqweb_form_filename(in, size, name) == 0) {
		if (name[0] == '.' || strchr(name, '/') != NULL || strchr(name, '\\') != NULL ||
		    strlen(name) > HQWEB_FORM_NAME_MAX)
			abort();
		if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
			abort();
	}
	if (hqweb_form_code(in, size, code, sizeof code) == 0)
		for (i = 0; code[i] != '\0'; i++)
			if (!((code[i] >= 'A' && code[i] <= 'Z') ||
			      (code[i] >= '0' && code[i] <= '9')))
				abort();
	v = hqweb_form_field(in, size, "code");
	free(v);
	v = hqweb_form_field(in, size, "");
	free(v);
	z = xstrndup(in, size); /* the NUL-terminated header as libmicrohttpd gives it */
	v = hqweb_form_cookie(z, "wat_hq");
	free(v);
	hqweb_form_html(&b, z);
	if (b.s != NULL && (strpbrk(b.s, "<>\"'") != NULL))
		abort();
	strbuf_free(&b);
	free(z);
	return 0;
}
