/* libFuzzer target for json.c: the reader never reads out of bounds, recurses
 * without bound or accepts a text a second, independent pass disagrees with;
 * every value it accepts can be walked, unescaped and read as an integer, and
 * every string survives strbuf_json and a re-read byte for byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_json_round_trip(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	struct json_value v;
	char *back;

	strbuf_json(&b, s);
	if (json_parse(b.s, b.len, &v) != 0 || v.type != JSON_STRING)
		abort();
	back = json_str(&v);
	if (strcmp(back, s) != 0)
		abort();
	free(back);
	strbuf_free(&b);
}

static void
fuzz_json_walk(const struct json_value *v, int depth)
{
	struct json_value k, item, again;
	const char *it = NULL;
	size_t n = 0;
	int64_t i;
	char *s;

	if (depth > JSON_MAX_DEPTH)
		abort();
	/* each value is valid JSON on its own */
	if (json_parse(v->p, v->n, &again) != 0 || again.type != v->type || again.n != v->n)
		abort();
	s = json_str(v);
	if (v->type == JSON_NULL) {
		if (s != NULL)
			abort();
	} else if (s == NULL)
		abort();
	if (v->type == JSON_STRING)
		fuzz_json_round_trip(s);
	free(s);
	if (json_int(v, &i) == 0 && v->type != JSON_NUMBER)
		abort();
	while (json_next(v, &it, &k, &item)) {
		if (v->type == JSON_OBJECT) {
			if (k.type != JSON_STRING)
				abort();
			/* keys compare as written: one without escapes is found */
			if (memchr(k.p, '\\', k.n) == NULL && n < 64) {
				s = json_str(&k);
				if (json_member(v, s, &again) != 0)
					abort();
				free(s);
			}
		}
		fuzz_json_walk(&item, depth + 1);
		if (v->type == JSON_ARRAY && n < 64 &&
		    (json_item(v, n, &again) != 0 || again.p != item.p))
			abort();
		n++;
	}
	if ((v->type == JSON_OBJECT || v->type == JSON_ARRAY) != (v->p[0] == '{' || v->p[0] == '['))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_value v;
	char *copy = xmalloc(size > 0 ? size : 1), *s;
	int64_t n;

	/* an exact-size buffer, not NUL-terminated: ASan catches a read past the end */
	memcpy(copy, data, size);
	if (json_parse(copy, size, &v) == 0)
		fuzz_json_walk(&v, 0);
	free(json_get_str(copy, size, "data.what"));
	json_get_int(copy, size, "data.of", &n);
	s = json_get_str(copy, size, "a.b.c");
	free(s);
	free(copy);
	return 0;
}
