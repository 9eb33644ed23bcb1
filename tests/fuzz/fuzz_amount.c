/* libFuzzer target for amount.c: whatever is typed, parsing either refuses
 * with a message or gives cents that format and parse back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *cause = NULL, *words, buf[32], plain[32];
	int64_t cents = 0, again = 0, any = 0;

	if (size > 4096)
		return 0;
	text = xstrndup((const char *)data, size);
	if (amount_parse(text, INT64_MAX, &cents, &cause) == 0) {
		if (cause != NULL || cents <= 0)
			abort();
		amount_format(cents, buf, sizeof buf);
		if (amount_parse(buf, INT64_MAX, &again, NULL) != 0 || again != cents)
			abort();
		amount_format_plain(cents, plain, sizeof plain);
		if (amount_parse(plain, INT64_MAX, &again, NULL) != 0 || again != cents)
			abort();
		words = amount_words(cents);
		free(words);
	} else if (cause == NULL || strncmp(cause, "The amount", 10) != 0)
		abort();
	free(cause);

	/* Formatting any value, the extremes included, stays in bounds. */
	if (size >= sizeof any) {
		memcpy(&any, data, sizeof any);
		amount_format(any, buf, sizeof buf);
		amount_format_plain(any, buf, sizeof buf);
		amount_format(any, buf, (size_t)data[0] % sizeof buf);
		words = amount_words(any);
		free(words);
	}
	free(text);
	return 0;
}
