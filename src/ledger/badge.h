/* badge.h — the walker's badge code: short, typable, signed.
 *
 *   W1-<EVENT>-<WALKER>-<MAC>      e.g.  W1-K7QF-42-8XJ2M4PQ9RTA
 *
 * EVENT is the event's 4-character tag (Crockford base32), WALKER the walker's
 * number in decimal, MAC the first 60 bits of keyed BLAKE2b (the event's
 * 32-byte badge key) over "W1-<EVENT>-<WALKER>", as 12 Crockford base32
 * characters.  Only QR alphanumeric characters are used, so a USB scanner on
 * any keyboard layout types it right.  A training ledger's badges begin
 * "T1-" instead (and have their own tag and key): no station takes one for a
 * real walker, and training takes no real badge.  The full format is in
 * docs/FORMATS.md. */
#ifndef WAT_BADGE_H
#define WAT_BADGE_H

#include <stddef.h>
#include <stdint.h>

#define BADGE_KEY_LEN    32
#define BADGE_TAG_LEN    4
#define BADGE_CODE_MAX   48 /* including the NUL */
#define BADGE_MAX_WALKER 999999
#define BADGE_SCAN_MAX   256 /* longer input is refused before any parsing */

struct badge_event {
	char tag[BADGE_TAG_LEN + 1];
	unsigned char key[BADGE_KEY_LEN];
	int training; /* a training ledger's badges: "T1-" */
};

enum badge_status {
	BADGE_OK = 0,
	BADGE_EMPTY,       /* nothing was scanned */
	BADGE_TOO_LONG,    /* far longer than any badge */
	BADGE_NOT_OURS,    /* not a W.A.T. badge at all (a URL, a product code...) */
	BADGE_MALFORMED,   /* looks like ours but a part is missing or damaged */
	BADGE_OTHER_EVENT, /* a well-formed badge of another event */
	BADGE_FORGED,      /* its signature does not match: altered or made up */
	BADGE_TRAINING,    /* a training badge ("T1-") scanned on a real ledger */
	BADGE_REAL,        /* a real badge ("W1-") scanned in training */
};

/* Fills a new random event tag and key (libsodium). */
void badge_event_generate(struct badge_event *ev);

/* Writes walker's code into out (len >= BADGE_CODE_MAX). walker in 1..BADGE_MAX_WALKER. */
void badge_encode(const struct badge_event *ev, uint32_t walker, char *out, size_t len);

/* Checks a scanned code (len bytes, not necessarily NUL-terminated; surrounding
 * spaces/CR/LF ignored, lowercase accepted).  BADGE_OK sets *walker; anything
 * else sets *cause (malloc'd, when cause is not NULL) to a plain sentence
 * telling the walker/volunteer what happened and what to do. */
enum badge_status badge_verify(const struct badge_event *ev, const char *code, size_t len,
                               uint32_t *walker, char **cause);

/* The event tag as text ("K7QF"), for messages. */
const char *badge_status_name(enum badge_status s);

#endif
