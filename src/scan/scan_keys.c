/* scan_keys.c — telling a scanner's burst from a person typing. */
#include "scan_keys.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

struct scan_keys {
	char buf[SCAN_KEYS_MAX];
	size_t n;      /* characters in the burst (may exceed what buf holds) */
	size_t stored; /* characters in buf */
	int64_t first_ms, last_ms;
};

struct scan_keys *
scan_keys_new(void)
{
	return xcalloc(1, sizeof(struct scan_keys));
}

void
scan_keys_free(struct scan_keys *k)
{
	free(k);
}

size_t
scan_keys_pending(const struct scan_keys *k)
{
	return k->n;
}

int
scan_keys_feed(struct scan_keys *k, uint32_t ch, int64_t ms, char *out, size_t len, size_t *n)
{
	int64_t gap = ms - k->last_ms;
	int scan;

	if (ch == '\n' || ch == '\r') {
		scan = k->n >= SCAN_KEYS_MIN_CHARS && gap >= 0 && gap <= SCAN_KEYS_GAP_MS &&
		       ms - k->first_ms <= SCAN_KEYS_MAX_MS;
		if (scan && len > 0) {
			size_t m = k->stored < len - 1 ? k->stored : len - 1;
			memcpy(out, k->buf, m);
			out[m] = '\0';
		}
		if (scan && n != NULL)
			*n = k->n;
		k->n = k->stored = 0;
		return scan;
	}
	if (ch < 0x20 || ch == 0x7f) {
		k->n = k->stored = 0;
		return 0;
	}
	/* Too slow for a scanner: this character may start a new burst. */
	if (k->n > 0 && (gap < 0 || gap > SCAN_KEYS_GAP_MS))
		k->n = k->stored = 0;
	if (k->n == 0)
		k->first_ms = ms;
	k->last_ms = ms;
	if (k->stored < sizeof k->buf - 1 && ch < 0x80)
		k->buf[k->stored++] = (char)ch;
	k->n++;
	return 0;
}
