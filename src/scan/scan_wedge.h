/* scan_wedge.h — what a USB keyboard-wedge scanner types, from its key events.
 *
 * A pure state machine fed struct input_event (as read from evdev): key codes
 * are mapped with our own fixed US table whatever the host's layout, Shift is
 * tracked, Enter ends a code, and a code whose keys stop for longer than the
 * timeout is dropped.  A key with no place in the table, or typed with Ctrl,
 * Alt or Meta held (the Alt+numpad convention), becomes '?' so the badge check
 * refuses the code with a message rather than the scan vanishing. */
#ifndef WAT_SCAN_WEDGE_H
#define WAT_SCAN_WEDGE_H

#include <linux/input.h>
#include <stddef.h>

#define SCAN_WEDGE_MAX        1024 /* longer codes are cut (and flagged) */
#define SCAN_WEDGE_TIMEOUT_MS 300  /* default gap that drops a partial code */

struct scan_wedge;

struct scan_wedge_code {
	char text[SCAN_WEDGE_MAX]; /* NUL-terminated */
	size_t len;
	int truncated;               /* more keys came than text holds */
	int garbled;                 /* at least one key became '?' */
	long long first_ms, last_ms; /* event times of the first key and of Enter */
};

/* timeout_ms <= 0 means SCAN_WEDGE_TIMEOUT_MS. */
struct scan_wedge *scan_wedge_new(int timeout_ms);
void scan_wedge_free(struct scan_wedge *w);

/* Feeds one event.  Returns 1 when it completed a code (copied to *out), else 0.
 * Non-key events (EV_SYN, EV_MSC, EV_LED...) are ignored. */
int scan_wedge_feed(struct scan_wedge *w, const struct input_event *ev,
                    struct scan_wedge_code *out);

/* Forgets any partial code and the modifier state (device replugged). */
void scan_wedge_reset(struct scan_wedge *w);

/* The character for a key code: shift selects the upper row; 0 when the key
 * has no character in the table. */
int scan_wedge_char(unsigned int code, int shift);

#endif
