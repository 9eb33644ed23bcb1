/* libFuzzer target for trust.c's charter parser: a charter from a USB stick
 * is refused with a sentence, or it is byte for byte what trust_charter_format
 * writes back, and every field keeps the rules the parser names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "trust.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trust_charter c, d;
	struct sign_pub pub;
	char *copy = xmalloc(size > 0 ? size : 1), *cause = NULL, *text;

	/* an exact-size buffer, not NUL-terminated: ASan catches a read past the end */
	memcpy(copy, data, size);
	if (trust_charter_parse(copy, size, &c, &cause) != 0) {
		if (cause == NULL || cause[0] == '\0' || c.minisig != NULL)
			abort();
		free(cause);
		free(copy);
		return 0;
	}
	if (cause != NULL || c.minisig == NULL || trust_check_event_id(c.event, NULL) != 0 ||
	    trust_check_date(c.date, NULL) != 0 || trust_check_ein(c.ein, NULL) != 0 ||
	    text_check(c.name, "name", NULL) != 0 || text_check(c.city, "city", NULL) != 0 ||
	    text_check(c.org, "org", NULL) != 0 || trust_check_age(c.hq_seal, "s", NULL) != 0 ||
	    trust_check_age(c.hq_backup, "b", NULL) != 0)
		abort();
	text = trust_charter_format(&c);
	if (text == NULL || trust_charter_parse(text, strlen(text), &d, &cause) != 0)
		abort();
	if (memcmp(&c.hq, &d.hq, sizeof c.hq) != 0 || strcmp(c.name, d.name) != 0 ||
	    strcmp(c.minisig, d.minisig) != 0)
		abort();
	/* a verify never crashes, whatever key */
	memset(&pub, 0, sizeof pub);
	if (trust_charter_verify(&c, &c.hq, &cause) != 0)
		free(cause), cause = NULL;
	if (trust_charter_verify(&c, &pub, &cause) == 0)
		abort();
	free(cause);
	free(text);
	trust_charter_clear(&c);
	trust_charter_clear(&d);
	free(copy);
	return 0;
}
