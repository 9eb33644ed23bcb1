/* libFuzzer target for hqweb_form_cookie, the Cookie header parser of
 * wat-hq's staff pages, with the names wat-hq asks for (the session,
 * "wat_hq_s", and the sign-in form's, "wat_hq_pre"): no read out of
 * bounds, and a value found is really that cookie's: the header holds
 * "NAME=" at the start of a pair (after the start, ';', space or tab), and
 * the value is a run of the header's bytes with no ';' in it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hqweb_form.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_cookie_check(const char *h, const char *name)
{
	char *v = hqweb_form_cookie(h, name), *pair;
	size_t nl = strlen(name);
	const char *p;
	int at_start = 0;

	if (v == NULL)
		return;
	if (strchr(v, ';') != NULL || strstr(h, v) == NULL)
		abort();
	pair = xasprintf("%s=", name);
	for (p = strstr(h, pair); p != NULL; p = strstr(p + 1, pair)) {
		const char *q = p;
		while (q > h && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q == h || q[-1] == ';') {
			at_start = 1;
			break;
		}
	}
	if (!at_start || nl == 0)
		abort();
	free(pair);
	free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = xstrndup((const char *)data, size); /* as libmicrohttpd gives it */

	fuzz_cookie_check(h, "wat_hq_s");
	fuzz_cookie_check(h, "wat_hq_pre");
	free(h);
	return 0;
}
