/* libFuzzer target for the sealed event pack's file layer and its key as
 * typed or scanned: any file is opened with a fixed key or refused with a
 * sentence (and what opens is parsed like a pack); any text given as a key
 * parses to a key that formats back to the same groups, or is refused; a
 * sealed pack with one byte flipped never opens. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event_pack.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_pack_secret key, typed;
	struct event_pack p;
	char *cause = NULL, *text = NULL, *copy, words[EVENT_PACK_KEYTEXT_MAX];
	char again[EVENT_PACK_KEYTEXT_MAX];
	unsigned char *sealed;
	size_t tlen = 0, slen;

	if (size < 1 || size > 70000)
		return 0;
	for (size_t i = 0; i < sizeof key.k; i++)
		key.k[i] = (unsigned char)(i * 7 + 1); /* tests/fuzz/seeds/fuzz_pack_sealed */
	/* an exact-size buffer: ASan catches a read past the end */
	copy = xmalloc(size);
	memcpy(copy, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0: /* a file from a USB stick */
		if (event_pack_open(copy, size - 1, &key, &text, &tlen, &cause) == 0) {
			if (cause != NULL || text == NULL || text[tlen] != '\0')
				abort();
			if (event_pack_parse(text, tlen, &p, &cause) == 0)
				event_pack_clear(&p);
			free(text);
		} else if (cause == NULL || text != NULL)
			abort();
		break;
	case 1: /* a key typed or scanned */
		copy[size - 1] = '\0';
		if (event_pack_secret_parse(copy, &typed, &cause) == 0) {
			event_pack_secret_format(&typed, 0, words);
			if (event_pack_secret_parse(words, &key, NULL) != 0 ||
			    memcmp(key.k, typed.k, sizeof key.k) != 0)
				abort();
			event_pack_secret_format(&key, 1, again);
			if (strcmp(again + strlen(EVENT_PACK_QR_PREFIX), words) != 0)
				abort();
		} else if (cause == NULL)
			abort();
		break;
	default: /* seal, open, flip one byte */
		event_pack_seal(copy, size - 1, &key, &sealed, &slen);
		if (event_pack_open(sealed, slen, &key, &text, &tlen, NULL) != 0 ||
		    tlen != size - 1 || memcmp(text, copy, tlen) != 0)
			abort();
		free(text);
		text = NULL;
		sealed[(size_t)data[0] * 131 % slen] ^= 0x10;
		if (event_pack_open(sealed, slen, &key, &text, &tlen, NULL) == 0)
			abort();
		free(sealed);
		break;
	}
	free(cause);
	free(copy);
	return 0;
}
