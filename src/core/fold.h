/* fold.h — what the entries mean for the figures, once: the station's derived
 * tables (ledger_fold.c), the bundle's recomputation (bundle.c) and HQ's sums
 * (hq.c) all come from here.  Pure C (libc, entry.h, rules.h).
 *
 * The figures are a function of the entries in force (not annulled), taken
 * in sequence order: an annulment takes its target out as if it had never
 * been.  Each kind's effect (entry.h's scope):
 *   walker         registers the walker: every detail from the entry (absent
 *                  ones empty); the walker is "active" while a registration
 *                  of theirs is in force
 *   walker-update  the details it gives replace those before
 *   checkin        the walker's first check-in in force checks them in
 *   lap            one lap; "manual" when entered by hand; "flagged" when a
 *                  scan came too soon after the walker's last scan or lap
 *                  for the event's settings (min-lap, holdoff) as they stand
 *                  (the rules' own judgement, rules_lap_check: the same
 *                  whichever station the laps came from, whenever they
 *                  arrived); laps are timed from the last lap that met the
 *                  rule (else the check-in): a flagged lap moves only the
 *                  hold-off's "last scan", reviewed or not; the lap's own
 *                  "since_ms" only tells what the station saw
 *   lap-review     a coordinator's accept or reject of a flagged lap (ref);
 *                  the last review in force of a lap is its verdict; a review
 *                  of a lap that is not flagged (or not in force) does nothing;
 *                  one naming another station's lap ({"ledger", "seq"}: the
 *                  welcome table reviewing the lap point's) does nothing to
 *                  this ledger's fold: the event's folds take it
 *                  (fold_xreviews_apply, below)
 *   donation       money by method (cash, check, other; checks counted)
 *   settings/event the event's settings (the last in force for each key)
 *   closeout       closes the station; reopen opens it again
 *   export         the export's number
 *   annul          counted as an annulment
 *   print, pin-*   nothing (records)
 * A check-in, lap or donation counts for the station whatever became of the
 * walker's registration (money received is money received). */
/* Counted laps (fold_counted_laps; docs/FORMATS.md "Counted laps"): the laps
 * that count for the walker's figures shown to walkers, the leaderboard and
 * pledges: laps in force (not annulled), except those flagged and not
 * accepted: a flagged lap counts once its last review in force accepts it;
 * one rejected (or not yet reviewed) does not.  Laps by hand are never
 * flagged (too soon, they are refused unless a coordinator overrides).
 *   counted = laps - flagged_laps + accepted_laps */
#ifndef WAT_FOLD_H
#define WAT_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "rules.h"
#include "stamp.h"

/* Reviews across stations (docs/FORMATS.md "Counted laps"): a flagged lap
 * may be reviewed at its own station (a plain ref) and at any other (the
 * welcome table: a ref by (ledger identity, seq)).  Its verdict, the same at
 * every station and at HQ whatever order the entries arrived in:
 *   1. each ledger's own say: its last review in force of the lap, by
 *      sequence (a ledger's order is its sequence, never its clock);
 *   2. of those, the one stamped latest (wall_ms) wins; equal stamps: the
 *      ledger whose identity is greater, byte by byte.
 * Two ledgers whose say differs are a disagreement (the Conflicts screen
 * names it); the later still decides, so every place counts the lap alike.
 * A review annulled (in its own ledger) says nothing; the fold of the lap's
 * ledger alone (fold_run) knows only its own reviews. */

/* A flagged lap of the walker and its review (while folding only: the
 * station refolds the walker when a review is recorded). */
struct fold_flag {
	int64_t seq;
	int review;         /* 0: not reviewed; 1: accepted; -1: rejected */
	int64_t review_seq; /* the lap-review entry of that verdict; 0: none */
	int review_other;   /* 1: that entry is another ledger's, review_by */
	unsigned char review_by[ENTRY_ID_LEN];
	int64_t review_wall_ms; /* its stamp */
	int disagree;           /* two ledgers' reviews of the lap differ */
	/* this ledger's own say (what fold_walker_apply folded) */
	int own_review;
	int64_t own_seq, own_wall_ms;
};

/* One walker's figures and details. */
struct fold_walker {
	uint32_t id;
	int64_t reg_seq; /* the registration in force, else the first one; 0: only seen by badge */
	int active;      /* a registration is in force */
	char *name, *team, *email, *phone, *ext_id; /* owned; NULL when not given */
	int64_t checkin_seq;                        /* the check-in in force; 0: none */
	int64_t laps, manual_laps, flagged_laps;
	int64_t accepted_laps, rejected_laps; /* flagged laps reviewed */
	int64_t donations, checks;
	int64_t cash_cents, check_cents, other_cents;
	struct fold_flag *flags; /* owned; the flagged laps folded so far, by seq */
	size_t nflags, capflags;
	int has_scan, has_lap; /* the last check-in or lap by scan; the last lap */
	struct stamp last_scan, last_lap;
};

/* The station's figures: the sum of its walkers' and its own. */
struct fold_figures {
	int64_t walkers; /* active registrations */
	int64_t checked_in, laps, manual_laps, flagged_laps;
	int64_t accepted_laps, rejected_laps;
	int64_t donations, checks;
	int64_t cash_cents, check_cents, other_cents, total_cents;
	int64_t annulled;
};

/* The station's own state. */
struct fold_station {
	int64_t closed_seq; /* the close-out in force (not followed by a reopen); 0: open */
	int64_t export_n, export_seq;
	int64_t annulled;
};

void fold_walker_init(struct fold_walker *w, uint32_t id);
/* The walker's counted laps (the definition above): what pledges bill, what
 * walkers and the leaderboard see. */
int64_t fold_counted_laps(const struct fold_walker *w);
/* Flagged laps waiting for a review. */
int64_t fold_pending_laps(const struct fold_walker *w);
/* The review of flagged lap seq: 0 none, 1 accepted, -1 rejected; -2 when
 * seq is not a flagged lap of w in force. */
int fold_lap_review(const struct fold_walker *w, int64_t seq);
/* Flagged lap seq of w in force and its review; NULL when it is not one. */
const struct fold_flag *fold_lap_flag(const struct fold_walker *w, int64_t seq);
void fold_walker_clear(struct fold_walker *w);
/* The walker's judgement by the rules (for flagging a lap). */
void fold_walker_rules(const struct fold_walker *w, struct rules_walker *rw);
/* Applies one entry in force of ENTRY_WALKER_SCOPE to its walker; s: the
 * event's settings as they stand (a lap too soon is flagged by them). */
void fold_walker_apply(struct fold_walker *w, const struct entry *e,
                       const struct rules_settings *s);
/* Adds (sign +1) or takes back (-1) a walker's share of the figures. */
void fold_figures_walker(struct fold_figures *f, const struct fold_walker *w, int sign);
/* Applies one entry in force of ENTRY_STATION or ENTRY_UNDO to the station. */
void fold_station_apply(struct fold_station *s, const struct entry *e);
/* 1 when a settings entry for key changes what fold_walker_apply judges. */
int fold_setting_judges(const char *key);

/* A whole ledger, entry by entry in sequence order (the station's rebuild
 * streams them), or all at once (fold_run: a bundle). */
struct fold;
/* s: the event's settings as they stand (copied). */
struct fold *fold_new(const struct rules_settings *s);
/* The next entry; annulled_by: the entry that annuls it, 0 when in force. */
void fold_step(struct fold *f, const struct entry *e, int64_t annulled_by);
/* Done: the walkers by number, the figures summed. */
void fold_finish(struct fold *f);
/* One walker's step of fold_step (the station refolds one walker with it). */
void fold_walker_step(struct fold_walker *w, const struct entry *e, int64_t annulled_by,
                      const struct rules_settings *s);
/* Entries es[0..n) of one ledger, in sequence order (es[i].seq == i + 1),
 * decoded by entry_decode. */
/* Folds es; -1 with *cause for an annulment that does not name an earlier
 * entry in force that may be annulled.  s: the event's settings as they
 * stand; NULL: those the settings entries in force among es make. */
int fold_run(const struct entry *es, size_t n, const struct rules_settings *s, struct fold **out,
             char **cause);
/* Folds some entries of one ledger of last entries (a walker's and the
 * station's settings: es in sequence order, not all of them), each with the
 * entry that annuls it (by[i], 0: in force; NULL: all in force), as the
 * ledger recorded it (its annulments checked when they were appended): the
 * figures of the walkers es names are those fold_run of every entry makes,
 * and fold_annulled_by answers for es.  s: as fold_run's. */
int fold_run_some(const struct entry *es, const int64_t *by, size_t n, int64_t last,
                  const struct rules_settings *s, struct fold **out);
void fold_free(struct fold *f);
/* Folds the entries that follow a finished fold's (es[0].seq == the next
 * seq, in order; a peer's newest, as they arrive) without folding the
 * earlier ones again: 0 when done, 1 when one of them is an annulment or a
 * setting that judges (the fold must be run again over the whole ledger; f
 * is unchanged). */
int fold_more(struct fold *f, const struct entry *es, size_t n);
/* How many entries the fold holds (the last seq folded). */
size_t fold_entries(const struct fold *f);
/* 0 when entry seq may annul ref: an earlier entry of the same ledger, of a
 * kind that may be annulled (target; NULL: no such entry), not annulled
 * already; else -1 with a sentence naming both.  The one rule, for the fold
 * and the station's annulled table. */
int fold_annul_check(int64_t seq, const struct entry_ref *ref, const struct entry_kind_def *target,
                     int already, char **cause);
const struct fold_figures *fold_figures(const struct fold *f);
const struct fold_station *fold_station(const struct fold *f);
/* The walkers by number (borrowed). */
const struct fold_walker *fold_walkers(const struct fold *f, size_t *n);
const struct fold_walker *fold_walker(const struct fold *f, uint32_t id);
/* The numbers of the walkers registered (in force), ascending: *n of them
 * (the figures' walkers); malloc'd, never NULL. */
uint32_t *fold_registered(const struct fold *f, size_t *n);
/* The entry that annulled es[seq - 1]; 0 when it is in force. */
int64_t fold_annulled_by(const struct fold *f, int64_t seq);

/* A review of another ledger's lap, in force in the ledger that holds it
 * (by).  walker: the lap's walker at its own station. */
struct fold_xreview {
	unsigned char by[ENTRY_ID_LEN], ledger[ENTRY_ID_LEN];
	int64_t seq, wall_ms, lap;
	uint32_t walker;
	int accept;
};
struct fold_xreviews {
	struct fold_xreview *v; /* owned */
	size_t n, cap;
};
/* Adds e when it reviews another ledger's lap (by: e's ledger; the caller
 * knows it is in force). */
void fold_xreviews_push(struct fold_xreviews *x, const unsigned char by[ENTRY_ID_LEN],
                        const struct entry *e);
/* Adds those among es[0..n) of ledger by in force in f (a fold of them, or
 * of more: an annulment after n does not count). */
void fold_xreviews_add(struct fold_xreviews *x, const unsigned char by[ENTRY_ID_LEN],
                       const struct entry *es, size_t n, const struct fold *f);
void fold_xreviews_free(struct fold_xreviews *x);
/* 1 when one of x names a lap of ledger self. */
int fold_xreviews_name(const struct fold_xreviews *x, const unsigned char self[ENTRY_ID_LEN]);
/* Gives each flagged lap of finished fold f (of ledger self) its verdict
 * over its own reviews and x's (the rule above), walkers' and figures'
 * accepted and rejected laps with it.  Again after each fold_more: it
 * starts from the ledger's own reviews each time. */
void fold_xreviews_apply(struct fold *f, const unsigned char self[ENTRY_ID_LEN],
                         const struct fold_xreviews *x);
/* The same for one walker of ledger self folded alone (the station's own
 * walker, ledger_walker_fold). */
void fold_xreviews_walker(struct fold_walker *w, const unsigned char self[ENTRY_ID_LEN],
                          const struct fold_xreviews *x);

/* A settings entry's canonical value into the rules' settings (the keys
 * fold_setting_judges names; others change nothing here). */
void fold_apply_setting(struct rules_settings *s, const char *key, const char *value);

#endif
