/* setting.h — every setting of an event in one table: key, type, unit,
 * range, default and the words people read.  The table drives the ledger's
 * checks and canonical values, the fold's rules, `watctl set` and `watctl
 * settings`, the kiosk's settings screen and the table in docs/FORMATS.md.
 * Pure C: no sqlite, no SDL.
 *
 * Canonical values are text, as a settings entry records them: text as
 * typed (trimmed), money in cents, seconds and counts as whole numbers, the
 * lap length as typed with its unit ("0.25 mi", "400 m", "1 km"). */
#ifndef WAT_SETTING_H
#define WAT_SETTING_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

enum setting_id {
	SETTING_NAME,
	SETTING_CITY,
	SETTING_DATE,
	SETTING_GOAL,
	SETTING_LAP_LENGTH,
	SETTING_MIN_LAP,
	SETTING_HOLDOFF,
	SETTING_MAX_DONATION,
	SETTING_ORG_NAME,
	SETTING_ORG_EIN,
	SETTING_PREMIUM_DESC,
	SETTING_PREMIUM_VALUE,
	SETTING_ROLE,
	SETTING_WALKER_BASE,
	SETTING_PRINTER,
	SETTING_PAPER,
	SETTING_UNDO_MINUTES,
	SETTING_LOCK_SECONDS,
	SETTING_TIME_ZONE,
	SETTING_WAIVER,
	SETTING_WAIVER_VERSION,
	SETTING_FULL_NAMES,
	SETTING_PLEDGE_LAP_CAP,
	SETTING_PAY_ADDRESS,
	SETTING_COUNT
};

enum setting_type {
	SETTING_TYPE_TEXT,
	SETTING_TYPE_DATE,
	SETTING_TYPE_MONEY,   /* cents */
	SETTING_TYPE_SECONDS, /* whole seconds */
	SETTING_TYPE_LENGTH,  /* a distance as typed: struct setting_length */
	SETTING_TYPE_ROLE,    /* rules_role_name */
	SETTING_TYPE_EIN,
	SETTING_TYPE_COUNT, /* a whole number, in unit */
	SETTING_TYPE_PAPER,
	SETTING_TYPE_ZONE, /* an IANA time zone name ("America/Chicago"), or empty */
};

/* Where the kiosk lets the coordinator change it. */
enum setting_kiosk {
	SETTING_KIOSK_FORM, /* Coordinator → Event settings */
	SETTING_KIOSK_MENU, /* the coordinator menu's own row (the station role) */
	SETTING_KIOSK_JOIN, /* given when the station joins an event (not changed after) */
};

struct setting {
	enum setting_id id;
	const char *key;
	enum setting_type type;
	const char *unit;  /* of min, max and the value: "characters", "cents", "s", "m", ... */
	int64_t min, max;  /* characters for text; the value otherwise (metres for the length) */
	const char *def;   /* the canonical value before any settings entry */
	const char *noun;  /* in a sentence: "The lap length ..." */
	const char *label; /* the kiosk's caption */
	const char *empty; /* what an empty value means, for people; NULL: nothing */
	const char *help;  /* one sentence: what it does and how it is written */
	int judges;        /* the fold judges laps by it (rules_settings) */
	int pack;          /* an event pack carries it to the event's other stations */
	enum setting_kiosk kiosk;
};

/* Room for any canonical value and its NUL: the longest is the waiver's
 * 600 characters of up to 4 bytes (ledger_event's waiver). */
#define SETTING_VALUE_MAX 2404

/* The table, in the order people see it. */
const struct setting *setting_at(size_t i); /* NULL past the last */
const struct setting *setting_find(const char *key);

/* The canonical value of value for s (*out malloc'd), or -1 with a sentence
 * naming the setting (*cause).  Takes what setting_show prints back. */
int setting_canon(const struct setting *s, const char *value, char **out, char **cause);

/* A canonical value as one would type it for ledger_set (money as
 * "2500.00"): what an event pack carries. */
void setting_typed(const struct setting *s, const char *canon, char *buf, size_t len);

/* A canonical value for people: "$25.00", "60 s", "10 min", "0.25 mi". */
void setting_show(const struct setting *s, const char *canon, char *buf, size_t len);

/* A canonical value of a key the rules use into s (min-lap, holdoff,
 * max-donation, undo-minutes); other keys, or a value that is not
 * canonical, change nothing. */
void setting_apply_rules(struct rules_settings *s, const char *key, const char *canon);
/* 1 when canon means "none" or "not known" (empty text, no money, no lap
 * length): the kiosk shows a dash for it. */
int setting_is_unset(const struct setting *s, const char *canon);

/* The rules' settings from the table's defaults. */
void setting_rules_default(struct rules_settings *s);

/* The reference table of docs/FORMATS.md ("Settings keys"), malloc'd. */
char *setting_markdown(void);

/* ---- lengths ---- */

enum setting_unit { SETTING_M, SETTING_KM, SETTING_MI };

/* A distance exactly as typed: 0.25 mi is {250, SETTING_MI}. */
struct setting_length {
	int64_t milli; /* thousandths of the unit; 0: not known */
	enum setting_unit unit;
};

/* "400", "400m", "0.4km", "0.25mi", "0.25 mile", "2 miles" (case ignored):
 * at most 6 digits and 3 decimals, then a unit after optional blanks (none:
 * metres, as older ledgers stored whole metres).  0 or 1 m to max_m.  No
 * sign, exponent, hex, inf or nan. */
int setting_length_parse(const char *s, int64_t max_m, struct setting_length *out);
/* "0.25 mi", "400 m", "1.5 km", "0 m". */
void setting_length_format(const struct setting_length *l, char *buf, size_t len);
/* Micrometres in one unit, and in the length (exact: 0.001 mi is 1609344). */
int64_t setting_unit_um(enum setting_unit u);
int64_t setting_length_um(const struct setting_length *l);
/* Micrometres in laps laps of lap; -1 when the length is not known (or
 * the figure would not fit). */
int64_t setting_distance(const struct setting_length *lap, int64_t laps);
/* Cents for laps laps of lap at cents_per a unit (per mile or km), computed
 * exactly and rounded once, half a cent up: 100 laps of 0.25 mi at $1 a
 * mile are $25.00.  -1 when it would not fit. */
int64_t setting_per_distance(const struct setting_length *lap, int64_t laps, int64_t cents_per,
                             enum setting_unit per);
/* A distance in micrometres for people: "40.23 km (25.00 mi)", each figure
 * rounded once, half up, from the exact distance. */
void setting_distance_format(int64_t um, char *buf, size_t len);

#endif
