/* fuzz_scan_wedge.c — the wedge decoder and the keyboard burst detector fed
 * arbitrary events: never a crash, codes always NUL-terminated and in bounds. */
#include "scan_keys.h"
#include "scan_wedge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned short types[] = {EV_KEY, EV_KEY, EV_KEY, EV_SYN, EV_MSC, EV_LED};
	struct scan_wedge *w;
	struct scan_keys *k;
	struct scan_wedge_code *c = malloc(sizeof *c);
	struct input_event ev;
	long long ms = 0;
	int64_t kms = 0;
	char out[64];
	size_t i, n;

	if (c == NULL || size < 1) {
		free(c);
		return 0;
	}
	w = scan_wedge_new(data[0] * 4);
	k = scan_keys_new();
	for (i = 1; i + 5 <= size; i += 5) {
		memset(&ev, 0, sizeof ev);
		ms += data[i] & 0x7f;
		if (data[i] == 0xff)
			ms -= 1000; /* clocks may step back */
		ev.input_event_sec = ms / 1000;
		ev.input_event_usec = (ms % 1000) * 1000;
		ev.type = types[data[i + 1] % 6];
		ev.code = (unsigned short)(data[i + 2] | (data[i + 1] & 0x3) << 8);
		ev.value = data[i + 3] % 3;
		if (scan_wedge_feed(w, &ev, c)) {
			if (c->len >= sizeof c->text || strlen(c->text) != c->len || c->len == 0)
				abort();
		}
		kms += data[i + 4] & 0x3f;
		if (scan_keys_feed(k, data[i + 2], kms, out, sizeof out, &n) &&
		    strlen(out) >= sizeof out)
			abort();
	}
	scan_keys_free(k);
	scan_wedge_free(w);
	free(c);
	return 0;
}
