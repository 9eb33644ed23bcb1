/* event_pack.h — the event pack a second station (lap point) joins an event
 * with: the event, its badge key and its settings, "wat-event-pack/1"
 * (docs/BUNDLE.md).  Made from the first station's ledger and written to a
 * file (a USB stick), read back and checked, then set up on the second
 * station's empty ledger.  Shared by `watctl event-pack` and the kiosk (its
 * ledger thread), so both make and read the same file the same way.
 *
 * The pack holds the event's badge key, a secret: files are written 0600,
 * and texts and structs are wiped before they are freed. */
#ifndef WAT_EVENT_PACK_H
#define WAT_EVENT_PACK_H

#include <stddef.h>

#include "badge.h"

struct ledger;
struct event_pack_secret;

#define EVENT_PACK_FORMAT   "wat-event-pack/1"
#define EVENT_PACK_MAX      65536   /* a larger file is not a pack */
#define EVENT_PACK_SUFFIX   ".pack" /* what the kiosk lists on a USB stick */
#define EVENT_PACK_SETTINGS 14

/* The settings a pack carries, in the order they are written (ledger_set
 * keys): the settings table's entries marked pack (setting.h), in its order.
 * NULL past the last; test_setting checks there are EVENT_PACK_SETTINGS. */
const char *event_pack_key(size_t i);

struct event_pack {
	char *station;                       /* the station that made it */
	char *name, *city, *date;            /* city and date "" when absent */
	struct badge_event badge;            /* the event's tag and badge key */
	char *settings[EVENT_PACK_SETTINGS]; /* value of event_pack_key(i); NULL: absent */
	/* The joining station's place in the chain of trust (trust_station.h),
	 * all NULL in a pack of a station without certificates: */
	char *for_station; /* the station id its certificate names */
	char *station_key; /* its secret key (minisign secret key file text) */
	char *cert;        /* its certificate (trust.h), made by the first station */
	char *event_pub;   /* the event's public key (base64) */
	char *charter;     /* the event's charter; NULL: an unchartered event */
};

/* Wipes and frees what p holds (p itself is the caller's). */
void event_pack_clear(struct event_pack *p);

/* The pack of the station's event. */
int event_pack_from_ledger(struct ledger *l, struct event_pack *p, char **cause);
/* Its text: one JSON line (malloc'd; holds the key: util_wipe it, then free). */
char *event_pack_format(const struct event_pack *p);
/* Reads a pack's text.  Refused: a sentence saying what is wrong with it. */
int event_pack_parse(const char *data, size_t len, struct event_pack *p, char **cause);
/* Reads the sealed file at path, opens it with s and parses it; a refusal
 * names the file. */
int event_pack_load(const char *path, const struct event_pack_secret *s, struct event_pack *p,
                    char **cause);

/* ---- the sealed file (docs/BUNDLE.md "Event packs") ----
 *
 * On the stick the pack's text is sealed (libsodium secretbox) under 128
 * random bits the first station shows as a QR code and as 7 groups of 5
 * characters; without them the file reveals nothing (no event name):
 *
 *   "WAT-SEALED-PACK/1\n" | key check [8] | nonce [24] | secretbox(text)
 *
 * The key check (BLAKE2b of the key, 8 bytes) tells a wrong key from a
 * changed file; the box's tag catches any change. */
#define EVENT_PACK_SECRET_LEN  16
#define EVENT_PACK_KEYTEXT_MAX 64 /* "WATPACK:" + 7 groups of 5 + 6 dashes + NUL */
#define EVENT_PACK_QR_PREFIX   "WATPACK:"

struct event_pack_secret {
	unsigned char k[EVENT_PACK_SECRET_LEN];
};

/* 128 new random bits. */
void event_pack_secret_new(struct event_pack_secret *s);
/* "K7QM2-9XH4P-...": 7 groups of 4 Crockford base32 characters and a check
 * character each; 128 bits of key and a 12-bit check over the whole.  With
 * qr, the text the QR code holds ("WATPACK:" first).  Wipe out after use. */
void event_pack_secret_format(const struct event_pack_secret *s, int qr,
                              char out[EVENT_PACK_KEYTEXT_MAX]);
/* Reads a key as typed or scanned: case, spaces, dashes and the QR's prefix
 * do not matter, O reads as 0 and I, L as 1.  A mistyped character is
 * refused naming its group ("group 3 ... has a typing mistake"). */
int event_pack_secret_parse(const char *text, struct event_pack_secret *s, char **cause);

/* Seals text (malloc'd result, *outlen bytes). */
void event_pack_seal(const char *text, size_t len, const struct event_pack_secret *s,
                     unsigned char **out, size_t *outlen);
/* Opens a sealed pack into *text (malloc'd, NUL-terminated; wipe it).
 * Refused in words: not a sealed pack (an older clear one is named as
 * such), a wrong key, a changed or damaged file. */
int event_pack_open(const void *data, size_t len, const struct event_pack_secret *s, char **text,
                    size_t *tlen, char **cause);

/* Writes the pack sealed under s into dir/name (0600, whole or absent:
 * util_write_file), then reads it back and compares, so a failing stick is
 * caught here. */
int event_pack_write(const struct event_pack *p, const char *dir, const char *name,
                     const struct event_pack_secret *s, char **cause);
/* The name a coordinator recognises on the stick, from the event's city and
 * date: "wat-jackson-ms-2026-05-02-event.pack" (malloc'd). */
char *event_pack_file_name(const struct event_pack *p);

/* Joins p's event on an empty ledger as station `station` (as watctl init
 * takes it: letters, digits, '-'): the same event tag and badge key, the
 * pack's settings, and walker-base (where this station's walker numbers
 * start).  Returns 0; -1 refused (*cause: a ledger that is not empty, a bad
 * station id, a walker-base event_pack_walker_base_check refuses...); or EVENT_PACK_SAME_STATION when station is the pack's own
 * (*cause says so).  A setting the ledger refuses does not stop the join:
 * *notes (when not NULL) gets one line for each ("Setting goal was not
 * copied: ..."), malloc'd, or NULL when every one was copied. */
#define EVENT_PACK_SAME_STATION (-2)
int event_pack_join(struct ledger *l, const struct event_pack *p, const char *station,
                    const char *walker_base, const char *op, char **notes, char **cause);

/* 0 when base may start a joining station's walker numbers: a whole number
 * from 1 to 900000 (0 is the first station's: its walkers are 1, 2, ...,
 * and the same number gives the same badge code on both); else -1 and a
 * sentence.  event_pack_join checks it before anything is written. */
int event_pack_walker_base_check(const char *base, char **cause);

/* An id for the station that joins from `from`: T1 → T2, LAP-3 → LAP-4;
 * "T2" when from ends without a number. */
void event_pack_next_station(const char *from, char *buf, size_t len);
/* Where walker numbers start on a station that joins (the kiosk; watctl takes
 * --walker-base, 100000 unless given): T2 → 100000, T3 → 200000, ... T10 →
 * 900000, so the stations of one event never hand out the same number;
 * 100000 for an id that does not end in 2 to 10. */
void event_pack_walker_base(const char *station, char *buf, size_t len);

#endif
