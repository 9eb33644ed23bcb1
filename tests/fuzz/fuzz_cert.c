/* libFuzzer target for trust.c's certificate and rotation parsers: refused
 * with a sentence, or written back byte for byte; a verify never crashes and
 * an all-zero key never verifies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trust_cert c, d;
	struct trust_rotation r;
	struct trust_hq hq;
	struct sign_pub pub;
	char *copy = xmalloc(size > 0 ? size : 1), *cause = NULL, *text;

	memcpy(copy, data, size);
	memset(&pub, 0, sizeof pub);
	if (trust_cert_parse(copy, size, &c, &cause) != 0) {
		if (cause == NULL || cause[0] == '\0' || c.minisig != NULL)
			abort();
		free(cause), cause = NULL;
	} else {
		if (trust_check_station(c.station, NULL) != 0 || c.serial < 1 ||
		    trust_check_event_id(c.event, NULL) != 0)
			abort();
		text = trust_cert_format(&c);
		if (text == NULL || strlen(text) != size || memcmp(text, copy, size) != 0)
			if (trust_cert_parse(text, strlen(text), &d, NULL) != 0)
				abort();
		if (trust_cert_parse(text, strlen(text), &d, NULL) != 0 || d.serial != c.serial ||
		    strcmp(d.station, c.station) != 0)
			abort();
		if (trust_cert_verify(&c, &pub, &cause) == 0)
			abort();
		free(cause), cause = NULL;
		free(text);
		trust_cert_clear(&c);
		trust_cert_clear(&d);
	}
	if (trust_rotation_parse(copy, size, &r, &cause) == 0) {
		if (trust_rotation_verify(&r, &cause) != 0)
			free(cause), cause = NULL;
		trust_rotation_clear(&r);
	} else
		free(cause), cause = NULL;
	if (trust_hq_chain(&pub, copy, size, &hq, &cause) != 0)
		free(cause);
	free(copy);
	return 0;
}
