/* scan_keys.h — a scanner's burst among a person's typing, for a kiosk that
 * only sees window keyboard input (a desktop under X, no evdev access).
 *
 * Pure C, fed one character at a time with a millisecond timestamp (the
 * kiosk feeds it from SDL_TEXTINPUT and Enter).  A scan is a burst of at
 * least SCAN_KEYS_MIN_CHARS characters, each within SCAN_KEYS_GAP_MS of the
 * previous, ending in Enter within SCAN_KEYS_GAP_MS of the last character,
 * SCAN_KEYS_MAX_MS at most from first character to Enter.  A person typing is
 * slower than that, so what they type is left alone. */
#ifndef WAT_SCAN_KEYS_H
#define WAT_SCAN_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_KEYS_GAP_MS    100
#define SCAN_KEYS_MAX_MS    1500
#define SCAN_KEYS_MIN_CHARS 4
#define SCAN_KEYS_MAX       1024

struct scan_keys;

struct scan_keys *scan_keys_new(void);
void scan_keys_free(struct scan_keys *k);

/* Feeds a printable character (ch >= 0x20; UTF-8 is not expected of a
 * scanner), '\n' or '\r' for Enter, or 0 for any other key (which ends a
 * burst).  Returns 1 when Enter completed a scan: its text is copied to out
 * (NUL-terminated, cut to len - 1) and *n is the number of characters that
 * formed it, which the kiosk removes again from a text field that took them.
 * Returns 0 otherwise. */
int scan_keys_feed(struct scan_keys *k, uint32_t ch, int64_t ms, char *out, size_t len, size_t *n);

/* Characters in the burst being watched (0 when none). */
size_t scan_keys_pending(const struct scan_keys *k);

#endif
