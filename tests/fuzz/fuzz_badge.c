/* fuzz_badge.c — badge_verify on anything a scanner could type.
 *
 * Never crashes, always explains a refusal, and whatever it accepts is
 * exactly what badge_encode writes for that walker (one spelling per badge).
 * The seeds are codes of this fixed event, so the fuzzer starts next to
 * valid ones. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "badge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct badge_event ev;
	char code[BADGE_CODE_MAX], canon[BADGE_SCAN_MAX + 1], *cause = NULL;
	const char *p = (const char *)data, *end = p + size;
	uint32_t walker = 0;
	enum badge_status s;
	size_t i, n;

	memset(&ev, 0, sizeof ev);
	memcpy(ev.tag, "K7QF", BADGE_TAG_LEN + 1);
	for (i = 0; i < BADGE_KEY_LEN; i++)
		ev.key[i] = (unsigned char)i;

	s = badge_verify(&ev, p, size, &walker, &cause);
	if (s != BADGE_OK) {
		if (cause == NULL || *cause == '\0' || walker != 0)
			abort();
		free(cause);
		return 0;
	}
	if (cause != NULL || walker < 1 || walker > BADGE_MAX_WALKER || size > BADGE_SCAN_MAX)
		abort();

	while (p < end && fuzz_space(*p))
		p++;
	while (end > p && fuzz_space(end[-1]))
		end--;
	n = (size_t)(end - p);
	for (i = 0; i < n; i++)
		canon[i] = (p[i] >= 'a' && p[i] <= 'z') ? (char)(p[i] - 'a' + 'A') : p[i];
	canon[n] = '\0';
	badge_encode(&ev, walker, code, sizeof code);
	if (strlen(code) != n || memcmp(code, canon, n) != 0)
		abort();
	return 0;
}
