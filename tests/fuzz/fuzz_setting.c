/* libFuzzer target for the settings' parsers (ledger_setting_parse, what
 * `watctl set` and the kiosk's settings screen go through): "KEY\nVALUE".
 * A value is refused with a sentence, or its canonical text is clean (no
 * control character or bidi override), a lap length is in range, and the
 * value as typed (an event pack) and as shown (watctl, the kiosk) reads back
 * as the same canonical text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "setting.h"
#include "text.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = xstrndup((const char *)data, size), *nl = strchr(copy, '\n');
	char *canon = NULL, *again = NULL, *cause = NULL;

	if (nl == NULL) {
		free(copy);
		return 0;
	}
	*nl = '\0';
	if (ledger_setting_parse(copy, nl + 1, &canon, &cause) != 0) {
		if (cause == NULL || cause[0] == '\0' || canon != NULL)
			abort();
	} else {
		if (cause != NULL || canon == NULL || text_check(canon, "value", NULL) != 0)
			abort();
		const struct setting *s = setting_find(copy);
		struct setting_length l;
		char typed[512], shown[512];

		if (s == NULL)
			abort();
		if (s->type == SETTING_TYPE_LENGTH &&
		    (setting_length_parse(canon, s->max, &l) != 0 ||
		     setting_length_um(&l) > s->max * 1000000))
			abort();
		/* what an event pack carries and what people are shown read back the same */
		setting_typed(s, canon, typed, sizeof typed);
		if (ledger_setting_parse(copy, typed, &again, NULL) != 0 ||
		    strcmp(again, canon) != 0)
			abort();
		free(again);
		again = NULL;
		setting_show(s, canon, shown, sizeof shown);
		if (ledger_setting_parse(copy, shown, &again, NULL) != 0 ||
		    strcmp(again, canon) != 0)
			abort();
	}
	free(again);
	free(canon);
	free(cause);
	free(copy);
	return 0;
}
