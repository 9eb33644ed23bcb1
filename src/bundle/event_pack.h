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

#define EVENT_PACK_FORMAT   "wat-event-pack/1"
#define EVENT_PACK_MAX      65536   /* a larger file is not a pack */
#define EVENT_PACK_SUFFIX   ".pack" /* what the kiosk lists on a USB stick */
#define EVENT_PACK_SETTINGS 9

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
/* Reads and parses the file at path; a refusal names the file. */
int event_pack_load(const char *path, struct event_pack *p, char **cause);

/* Writes the pack into dir/name (0600, whole or absent: util_write_file),
 * then reads it back and compares, so a failing stick is caught here. */
int event_pack_write(const struct event_pack *p, const char *dir, const char *name, char **cause);
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
