/* libFuzzer target for stationfile.c, a station's entries file read from a
 * USB stick: the input's first byte chooses what it is.  0: the whole file
 * as it lies on the stick (a header, then the sealed part); 1: the payload
 * a station seals (its head line, then its entry lines), sealed here with
 * this harness's event key so the checks after the seal are reached too.
 * Either is refused with a sentence or opened into lines that stay inside
 * the payload and chain to the signed head. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "stationfile.h"
#include "strbuf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char badge[32] = {7};
	unsigned char key[STATIONFILE_KEY_LEN];
	struct sign_pub ev;
	struct stationfile f;
	struct strbuf file = STRBUF_INIT;
	char id[17], *cause = NULL;
	const char *p;
	size_t len;

	if (size < 1)
		return 0;
	memset(&ev, 0, sizeof ev);
	stationfile_key(badge, key, id);
	if (data[0] == 1) {
		stationfile_seal_plain("ABCD", key, "T2", (const char *)data + 1, size - 1, &file);
		p = file.s;
		len = file.len;
	} else {
		p = (const char *)data + 1;
		len = size - 1;
	}
	if (stationfile_open(p, len, "ABCD", key, id, &ev, NULL, &f, &cause) == 0) {
		if (f.n == 0 || (int64_t)f.n != f.h.head_seq)
			abort();
		for (size_t i = 0; i < f.n; i++)
			if (f.lines[i] < f.plain || strlen(f.lines[i]) != f.lens[i])
				abort();
		stationfile_clear(&f);
	} else if (cause == NULL || cause[0] == '\0')
		abort();
	free(cause);
	strbuf_free(&file);
	return 0;
}
