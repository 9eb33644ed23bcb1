/* libFuzzer target for the settings' parsers (ledger_setting_parse, what
 * `watctl set` and the kiosk's settings screen go through): "KEY\nVALUE".
 * A value is refused with a sentence, or its canonical text is clean (no
 * control character or bidi override), and a lap length is whole metres in
 * range and reads back as itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
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
		if (strcmp(copy, "lap-length") == 0) {
			if (strspn(canon, "0123456789") != strlen(canon) || strlen(canon) > 6 ||
			    atol(canon) > 100000)
				abort();
			if (ledger_setting_parse(copy, canon, &again, NULL) != 0 ||
			    strcmp(again, canon) != 0)
				abort();
		}
	}
	free(again);
	free(canon);
	free(cause);
	free(copy);
	return 0;
}
