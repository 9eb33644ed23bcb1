/* rules.h — what a scan, a lap or a donation means.  Pure C: no sqlite, no
 * SDL; the ledger feeds it the walker's state and records what it decides. */
#ifndef WAT_RULES_H
#define WAT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "stamp.h"

enum rules_role {
	RULES_ROLE_WELCOME, /* scans check walkers in */
	RULES_ROLE_LAP,     /* scans count laps */
	RULES_ROLE_BOTH,    /* the first scan checks in, later scans count laps */
};

/* The one spelling of each role ("welcome", "lap", "both"): settings, the
 * kiosk's buttons and watctl's scan options.  rules_role_parse returns 0, or
 * -1 for anything else (case matters: these are keys, not prose). */
const char *rules_role_name(enum rules_role r);
int rules_role_parse(const char *text, enum rules_role *r);

struct rules_settings {
	int64_t min_lap_ms;         /* a lap needs at least this since the last one */
	int64_t holdoff_ms;         /* the same code again within this is one scan */
	int64_t max_donation_cents; /* inclusive */
	int64_t undo_ms;            /* a volunteer may undo a lap or check-in this young */
};

/* What the ledger knows of one walker. */
struct rules_walker {
	int checked_in;
	int64_t laps;
	int has_last_scan; /* last scan that counted (check-in or lap) */
	struct stamp last_scan;
	int has_last_lap;
	struct stamp last_lap;
};

enum rules_outcome {
	RULES_CHECKIN,         /* first check-in: record it, "Welcome, Maria!" */
	RULES_WELCOME_BACK,    /* already checked in: record nothing */
	RULES_LAP,             /* record a lap (and a check-in first if none yet) */
	RULES_ALREADY_COUNTED, /* same code within the hold-off: record nothing */
	RULES_LAP_TOO_SOON,    /* before min-lap: since_ms tells how long ago the last lap
	                        * was; a scan is recorded flagged (record_lap, flagged),
	                        * a lap by hand is refused unless a coordinator overrides */
};

struct rules_verdict {
	enum rules_outcome outcome;
	int record_checkin; /* write a check-in entry */
	int record_lap;     /* write a lap entry */
	int64_t since_ms;   /* since the last counted scan / lap, when known */
	int64_t lap_number; /* the lap this scan makes, for RULES_LAP */
	int flagged;        /* the lap is recorded flagged: counted once accepted (fold.h) */
	int override;       /* a lap by hand too soon, recorded on a coordinator's word */
	int from_checkin;   /* since_ms is since the check-in (no lap before) */
};

void rules_settings_default(struct rules_settings *s);

/* A lap scanned now: RULES_LAP, RULES_ALREADY_COUNTED (within the hold-off
 * of the last scan: nothing recorded) or RULES_LAP_TOO_SOON (before min_lap
 * since the last lap, or the check-in for a first lap: recorded, flagged, for
 * a coordinator's review).  rules_scan asks it at the station; the fold asks
 * it again of every lap, whichever station scanned it. */
void rules_lap_check(const struct rules_settings *s, const struct rules_walker *w,
                     const struct stamp *now, struct rules_verdict *v);
/* A check-in or lap entered by hand (walker card, watctl checkin/lap), with a
 * check-in first when the walker has none.  A lap obeys the shortest-lap
 * rule as a scan does (from the last lap, else the last scanned check-in;
 * no hold-off: a hand is not a scanner reading twice): too soon, it is
 * RULES_LAP_TOO_SOON and nothing is recorded, unless `override` (a
 * coordinator's word), when it is recorded with v->override set. */
void rules_by_hand(const struct rules_settings *s, const struct rules_walker *w, int lap,
                   int override, const struct stamp *now, struct rules_verdict *v);

/* Decides what a scan at a station of this role means for the walker now. */
void rules_scan(const struct rules_settings *s, const struct rules_walker *w, enum rules_role role,
                const struct stamp *now, struct rules_verdict *v);

/* A short plain sentence for a verdict, e.g. "Lap too soon: the last lap was
 * 40 s ago." (malloc'd). */
char *rules_describe(const struct rules_verdict *v, const char *name);
/* The same, adding the settings' minimum when a lap was too soon: "Lap too
 * soon: the last lap was 40 s ago. Laps need at least 60 s." (malloc'd). */
char *rules_describe_limit(const struct rules_settings *s, const struct rules_verdict *v,
                           const char *name);

/* Checks a donation before it is recorded: cents within (0, max], a method,
 * a check number for checks (digits, 1-20 characters).  Returns 0 or -1 with
 * *cause. */
enum rules_method { RULES_CASH, RULES_CHECK, RULES_OTHER };
int rules_donation(const struct rules_settings *s, int64_t cents, enum rules_method m,
                   const char *check_no, char **cause);
const char *rules_method_name(enum rules_method m); /* "cash", "check", "other" */
int rules_method_parse(const char *text, enum rules_method *m);

/* Who asks to undo (annul) an entry: a volunteer at the table, or the
 * coordinator (the kiosk unlocked by the PIN; watctl, whose user owns the
 * ledger file). */
enum rules_who { RULES_VOLUNTEER, RULES_COORDINATOR };

/* What the ledger knows of an entry someone wants to annul. */
struct rules_annul {
	const char *kind;
	int age_known;     /* age_ms measured on this boot's monotonic clock */
	int64_t age_ms;    /* since it was recorded */
	int closed;        /* a close-out is in force */
	int is_closed_seq; /* this entry is that close-out */
	int money_since;   /* money was recorded after this entry (a reopen) */
};

/* Who may undo what: nobody the event's own entry or an annulment; while a
 * close-out is in force nothing but that close-out (a coordinator reopens
 * first); a volunteer a lap or check-in younger than s->undo_ms (on this
 * boot's clock: a reboot or a wrong clock never widens it); a coordinator
 * anything else, except a reopen after which money was recorded.  0 when
 * `who` may, else -1 with *cause in plain words; *need_coordinator is set
 * when the coordinator could (the kiosk then asks for the PIN). */
int rules_annul(const struct rules_settings *s, const struct rules_annul *a, enum rules_who who,
                int *need_coordinator, char **cause);

/* Why the clock looks wrong, or NULL when it looks right: before the event's
 * date minus a day, or earlier than the last entry's wall time. */
const char *rules_clock_doubt(int64_t now_wall_ms, int64_t event_day, int64_t last_wall_ms);

#endif
