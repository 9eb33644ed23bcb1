/* ledger.h — the station's append-only ledger on sqlite.
 *
 * One database file per station, one connection, owned by whichever thread
 * opened it (never share a struct ledger between threads).  Every call that
 * records something returns only after COMMIT, so what the caller then shows or
 * prints is on disk.  Entries are never updated or deleted; a mistake is undone
 * by an annul entry.  Walker and total figures come from tables maintained in
 * the same transaction as the entries (derived data, rebuilt by
 * ledger_rebuild), so a scan costs the same with 100 or 100,000 entries.
 * The schema and the entry format are in docs/FORMATS.md. */
#ifndef WAT_LEDGER_H
#define WAT_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "badge.h"
#include "fold.h"
#include "pledge.h"
#include "roster.h"
#include "rules.h"
#include "setting.h"
#include "stamp.h"

#define LEDGER_HASH_LEN        32
#define LEDGER_STATION_MAX     16
#define LEDGER_DEFAULT_LOCK_MS (60 * 1000)

struct ledger;

/* The event as set up at init and changed by settings entries. */
struct ledger_event {
	char name[128];
	char city[64];
	char date[11];             /* YYYY-MM-DD */
	int64_t goal_cents;        /* 0: none */
	struct setting_length lap; /* as typed; milli 0: not known */
	struct rules_settings rules;
	char org_name[128]; /* legal name, for receipts */
	char org_ein[16];
	char premium_desc[64]; /* e.g. "event T-shirt"; "" when none */
	int64_t premium_cents;
	enum rules_role role;           /* this station's role */
	int64_t walker_base;            /* walk-up numbers of this station start above it */
	char printer[128];              /* CUPS queue; "": the default printer */
	char paper[8];                  /* "58mm", "80mm" (default), "letter", "a4" */
	int64_t lock_ms;                /* the kiosk's coordinator mode locks after this idle */
	char time_zone[72];             /* "America/Chicago"; "": the system's (stamp_zone) */
	char waiver[SETTING_VALUE_MAX]; /* the waiver walk-ups agree to; "": none asked */
	char waiver_version[84];
	int full_names;         /* the walkers' display: full names (else "María L.") */
	int64_t pledge_lap_cap; /* laps billed to a pledge at most; 0: no cap */
	char pay_address[644];  /* where sponsors mail checks (160 characters); "": not said */
	char station[LEDGER_STATION_MAX + 1];
	char event_tag[BADGE_TAG_LEN + 1];
	int training; /* a training ledger: nothing in it counts (ledger_training_open) */
};

struct ledger_walker {
	uint32_t id;
	char *name, *team, *email, *phone, *ext_id; /* NULL when absent */
	int active;                                 /* registration not annulled */
	int checked_in;
	int64_t laps;         /* in force, flagged or not (the reports' "laps") */
	int64_t counted_laps; /* fold_counted_laps: what walkers see and pledges bill */
	int64_t pending_laps; /* flagged, waiting for a coordinator's review */
	int64_t raised_cents;
	int64_t reg_seq; /* the entry that registered the walker; 0: only seen by badge */
};

struct ledger_entry {
	int64_t seq;
	const char *
	    kind; /* "event", "walker", "walker-update", "checkin", "lap", "donation", "annul", "settings", ... */
	struct stamp at;
	const char *op;       /* operator */
	uint32_t walker;      /* 0: none */
	int64_t ref;          /* annul: the entry undone; else 0 */
	int64_t amount_cents; /* donation; else 0 */
	const char *line;     /* the canonical JSON text that is hashed */
	unsigned char hash[LEDGER_HASH_LEN];
	int64_t annulled_by; /* 0: in force */
};

struct ledger_totals {
	int64_t walkers; /* registered, not annulled */
	int64_t checked_in;
	int64_t laps;
	int64_t manual_laps;
	int64_t flagged_laps;  /* scanned too soon for the settings (fold.h) */
	int64_t accepted_laps; /* flagged laps a coordinator accepted (lap review) */
	int64_t rejected_laps; /* flagged laps a coordinator rejected */
	int64_t donations;
	int64_t cash_cents, check_cents, other_cents, total_cents;
	int64_t checks;   /* number of checks */
	int64_t annulled; /* entries undone */
	int64_t last_seq;
	int64_t last_wall_ms;
};

struct ledger_team {
	const char *team; /* "" for walkers with no team */
	int64_t walkers, laps, raised_cents;
};

/* What a scan did, for the screen and the CLI. */
struct ledger_scan {
	enum badge_status badge; /* BADGE_OK or why the code was refused */
	uint32_t walker;
	int known;                    /* registered on this station */
	char name[128];               /* the walker's name, or "Walker 42" */
	struct rules_verdict verdict; /* valid when badge == BADGE_OK */
	/* a lap too soon: since the walker's scan just before it (a check-in or
	 * lap, counted or not), as the lap review times it; -1 none */
	int64_t before_ms;
	int64_t seq;                /* entry written (lap or check-in), 0: none */
	int64_t laps, raised_cents; /* the walker's figures after the scan */
	char message[256];          /* plain sentence for the screen */
};

struct ledger_import {
	size_t added, updated, unchanged;
	size_t skipped; /* rows with a problem, left out */
	size_t merged;  /* rows that repeated another exactly */
	/* the roster's pledge columns (roster.pledges): new, held already, with a
	 * problem (the row's problem set by ledger_pledge_import's judgement) */
	size_t pledges_added, pledges_unchanged, pledges_bad;
};

struct ledger_init {
	const char *name, *city, *date, *station;
	int64_t goal_cents;
	const struct badge_event *badge; /* joining an event: its badge key; NULL: a new one */
};

/* How a ledger is opened.  Only LEDGER_CREATE makes a new file (0600: it
 * holds the badge key), so a mistyped --db is an error, not a new ledger.
 * A ledger that cannot be written (a card remounted read-only, a 0444 file)
 * is refused for LEDGER_CREATE and LEDGER_WRITE in words ("The card is
 * read-only"), and opened for LEDGER_READ from a private copy of the file
 * and its WAL, so what is only in the WAL is read too; every write to it is
 * then refused with the same words. */
enum ledger_open {
	LEDGER_CREATE, /* init, joining an event, the kiosk's first start */
	LEDGER_WRITE,  /* commands that record entries */
	LEDGER_READ,   /* report, log, check...: record nothing */
};

/* Opens and migrates the database; checks WAL and synchronous=FULL.  Fails
 * with a plain message (-1), or LEDGER_BUSY when another program holds the
 * file (watctl, wat-send: the caller may try again once it is free). */
#define LEDGER_BUSY (-2)
int ledger_open_mode(const char *path, enum ledger_open how, struct ledger **out, char **cause);
/* ledger_open_mode(path, LEDGER_CREATE, ...): the kiosk and the tests. */
int ledger_open(const char *path, struct ledger **out, char **cause);
void ledger_free(struct ledger *l);
/* Removes the ledger file and its -wal and -shm (a failed init leaves
 * nothing); 0, or -1 when one could not be removed. */
int ledger_remove_files(const char *path);

/* The training ledger beside the day's ledger at day_path: "<day>-training.db"
 * for "<day>.db", else day_path + "-training" (malloc'd). */
char *ledger_training_path(const char *day_path);
/* Opens the training ledger beside the day's (day, at day_path), making it on
 * first use: the day's event and settings, a badge tag and key of its own, the
 * station id "TRAIN-<station>", and "training": true in its event entry.  The
 * day's ledger is only read.  Refused when the file there is not a training
 * ledger. */
int ledger_training_open(struct ledger *day, const char *day_path, struct ledger **out,
                         char **cause);

/* The event's badge tag and key, for the event pack a second station joins
 * with (secret: never shown or exported otherwise). */
int ledger_badge_key(struct ledger *l, struct badge_event *out, char **cause);

/* 1 when the station is closed out (the last closeout/reopen entry in force
 * is a closeout, *seq set to it), 0 when open. */
int ledger_closed(struct ledger *l, int64_t *seq);

/* 1 once init has run. */
int ledger_has_event(struct ledger *l);
/* Sets the event up on an empty ledger: makes the badge key, records the event. */
int ledger_init_event(struct ledger *l, const struct ledger_init *in, const char *op, char **cause);
int ledger_event(struct ledger *l, struct ledger_event *out);
/* Changes one setting; validates and normalises the value by the settings
 * table (setting.h: every key, its range and how it is written); records a
 * settings entry.  Text values are refused with a control character or bidi
 * override (text_check). */
int ledger_set(struct ledger *l, const char *key, const char *value, const char *op, char **cause);
/* What ledger_set would record for key (*canon, malloc'd), or -1 with the
 * sentence it would refuse value with; reads no ledger (checks before a join,
 * the fuzz target). */
int ledger_setting_parse(const char *key, const char *value, char **canon, char **cause);
/* The event's canonical value of setting s (what a settings entry records). */
void ledger_event_value(const struct ledger_event *ev, const struct setting *s, char *buf,
                        size_t len);

int ledger_walker_add(struct ledger *l, const char *name, const char *team, const char *email,
                      const char *phone, const char *ext_id, const char *op, uint32_t *id,
                      char **cause);
/* Imports the roster's good rows (those without a problem; the bad ones are
 * counted in skipped) in one transaction: all of them or none; then, in the
 * same transaction, the good rows' pledges (r->pledges, judged as
 * ledger_pledge_import does: the rows' states and problems are set). */
int ledger_roster_import(struct ledger *l, const struct roster *r, const char *op,
                         struct ledger_import *res, char **cause);
/* What ledger_roster_import would do, writing nothing (with pledges, the
 * import is made and rolled back: their walkers may be new). */
int ledger_roster_preview(struct ledger *l, const struct roster *r, struct ledger_import *res,
                          char **cause);
/* Records that walker id agreed to the event's waiver of this version: by
 * "walker", "guardian: NAME" or "online" (a walker-update with waiver and
 * waiver_by); nothing when that agreement is already recorded. */
int ledger_walker_waiver(struct ledger *l, uint32_t id, const char *version, const char *by,
                         const char *op, char **cause);
/* 0 found, -1 with *cause ("No walker 42."). Free with ledger_walker_clear. */
int ledger_walker_get(struct ledger *l, uint32_t id, struct ledger_walker *w, char **cause);
void ledger_walker_clear(struct ledger_walker *w);
/* Calls cb for each walker whose name/team/email/id matches text (NULL: all),
 * case- and accent-insensitive, ordered by name; stops when cb returns non-zero. */
int ledger_walkers(struct ledger *l, const char *text,
                   int (*cb)(const struct ledger_walker *, void *), void *arg, char **cause);
int ledger_teams(struct ledger *l, int (*cb)(const struct ledger_team *, void *), void *arg,
                 char **cause);

int ledger_badge_code(struct ledger *l, uint32_t id, char *out, size_t len, char **cause);

/* A badge scan with this station's role (or `role` when >= 0).  Returns 0 when
 * the scan was handled, accepted or refused (see out->badge, out->verdict);
 * -1 only when it could not be recorded (disk), with *cause. */
int ledger_scan(struct ledger *l, const char *code, size_t len, int role, const char *op,
                struct ledger_scan *out, char **cause);
/* A volunteer's check-in or manual lap by walker number (same result shape). */
int ledger_checkin(struct ledger *l, uint32_t id, const char *op, struct ledger_scan *out,
                   char **cause);
/* A lap by hand obeys the shortest-lap rule (rules_by_hand): too soon, it is
 * out->verdict RULES_LAP_TOO_SOON and nothing is recorded; ledger_lap_override
 * (a coordinator's word) records it then, with "override": true. */
int ledger_lap(struct ledger *l, uint32_t id, const char *op, struct ledger_scan *out,
               char **cause);
int ledger_lap_override(struct ledger *l, uint32_t id, const char *op, struct ledger_scan *out,
                        char **cause);

/* A lap flagged by the rules (scanned too soon), with the walker's scans
 * (check-ins and laps in force) just before and after it. */
struct ledger_flagged {
	uint32_t walker;
	char name[128]; /* "" when the walker has no registration here */
	int64_t seq;    /* the flagged lap */
	struct stamp at;
	int64_t since_ms; /* after the scan before it; -1 unknown */
	int has_prev, has_next;
	int64_t prev_seq, next_seq;
	char prev_kind[ENTRY_KIND_MAX + 1], next_kind[ENTRY_KIND_MAX + 1]; /* "lap", "checkin" */
	struct stamp prev_at, next_at;
	int review;        /* 0 waiting; 1 accepted; -1 rejected (fold_lap_review) */
	int64_t first_seq; /* the walker's oldest in the list: the list's order */
	/* a lap of another station (its times on this station's clock; the
	 * scans around it are its laps) and its verdict over the event's
	 * reviews (fold.h), whichever station recorded them */
	int peer;
	unsigned char ledger[32];
	char station[17];      /* its id: "T2" */
	char where[48];        /* in people's words: "Lap point T2"; "" here */
	int disagree;          /* two stations' reviews of it differ */
	char decided[48];      /* where the review in force was made: "here", "Lap point T2" */
	int64_t first_wall_ms; /* the walker's oldest in the list */
};
/* The flagged laps (pending_only: those not reviewed yet) of this station
 * and of every peer held, by walker (the event's number), the walker with
 * the oldest first, each walker's oldest first: *out (malloc'd, free())
 * and *n. */
int ledger_flagged_laps(struct ledger *l, int pending_only, struct ledger_flagged **out, size_t *n,
                        char **cause);
/* ledger_lap_review of station `station`'s lap lap_seq (a peer held here):
 * a lap-review entry of this station naming it by (ledger identity, seq);
 * the event's folds take it (fold.h).  Refused in words as
 * ledger_lap_review. */
int ledger_lap_review_peer(struct ledger *l, const char *station, int64_t lap_seq, int accept,
                           const char *reason, const char *op, int64_t *seq, char **cause);
/* A coordinator's accept (1) or reject (0) of flagged lap lap_seq, recorded
 * as a lap-review entry (reason optional).  Refused in words for an entry
 * that is not a lap, a lap undone, one not flagged, or one already so
 * reviewed; a later review replaces an earlier one (fold.h). */
int ledger_lap_review(struct ledger *l, int64_t lap_seq, int accept, const char *reason,
                      const char *op, int64_t *seq, char **cause);

int ledger_donate(struct ledger *l, uint32_t id, int64_t cents, enum rules_method m,
                  const char *check_no, const char *donor, const char *op, int64_t *seq,
                  char **cause);
/* Undoes entry seq (once; an annulment itself cannot be annulled) when `who`
 * may (rules_annul: money, settings and old laps need the coordinator;
 * nothing while a close-out is in force but that close-out).  Refused with
 * *need_coordinator set (may be NULL) when the coordinator could do it. */
int ledger_annul(struct ledger *l, int64_t seq, const char *reason, const char *op,
                 enum rules_who who, int *need_coordinator, int64_t *annul_seq, char **cause);

/* A generic entry for later modules (printing, close-out): data_json is a
 * JSON object written by the caller; walker/ref/amount are indexed copies. */
int ledger_append(struct ledger *l, const char *kind, uint32_t walker, int64_t ref,
                  int64_t amount_cents, const char *data_json, const char *op, int64_t *seq,
                  char **cause);

int ledger_totals(struct ledger *l, struct ledger_totals *t, char **cause);
/* Entries from seq `from` on, in sequence order; stops when cb returns non-zero. */
int ledger_entries(struct ledger *l, int64_t from, int (*cb)(const struct ledger_entry *, void *),
                   void *arg, char **cause);
/* The last entry of one kind (0: none). */
int64_t ledger_kind_last(struct ledger *l, const char *kind);
/* Entries of one kind from seq `from` on, in sequence order (the kind index). */
int ledger_kind_entries(struct ledger *l, const char *kind, int64_t from,
                        int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause);
int ledger_entry_get(struct ledger *l, int64_t seq, int (*cb)(const struct ledger_entry *, void *),
                     void *arg, char **cause);

/* The walker's entries, newest first (for the walker's card). */
int ledger_walker_entries(struct ledger *l, uint32_t id,
                          int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause);

/* Recomputes the hash chain and the derived tables and compares; 0 when all
 * agree, -1 with the first difference in *cause. */
int ledger_check(struct ledger *l, char **cause);

/* Recomputes the derived tables (walkers, totals, settings) from the entries. */
int ledger_rebuild(struct ledger *l, char **cause);

/* A sentence when the clock looks wrong now, else NULL (borrowed). */
const char *ledger_clock_doubt(struct ledger *l);

/* The ledger's identity: the hash of its first entry (entry.h's references
 * into another station's ledger name it); -1 before the event is set up. */
int ledger_identity(struct ledger *l, unsigned char id[LEDGER_HASH_LEN]);
/* The station id and the head of the hash chain. */
int ledger_head(struct ledger *l, int64_t *seq, unsigned char hash[LEDGER_HASH_LEN]);

/* Many calls in one transaction (imports, HQ merges, benchmarks): nothing
 * in between is acknowledged until ledger_batch_end(l, 1) commits; a failure
 * inside rolls the whole batch back. */
int ledger_batch_begin(struct ledger *l, char **cause);
int ledger_batch_end(struct ledger *l, int commit, char **cause);

/* Test hook: the clock the ledger stamps entries with (NULL: the real one). */
void ledger_set_clock(struct ledger *l, void (*now)(struct stamp *, void *), void *arg);
/* Now, as the ledger stamps its entries (the clock above, else stamp_now). */
void ledger_now(struct ledger *l, struct stamp *st);

/* ---- other stations' entries (ledger_peer.c, docs/SYNC.md) ----
 * Kept as theirs, never as this station's: keyed by the peer's ledger
 * identity and its sequence numbers, in their own tables, under a disk
 * budget of their own (the station's own entries have none but the disk). */
#define LEDGER_PEER_BUDGET_DEFAULT (INT64_C(64) * 1024 * 1024) /* bytes of lines */
#define LEDGER_PEER_SIG_LEN        64
/* Free space on the ledger's disk that peers' entries never take: the
 * station's own entries keep it (bytes). */
#define LEDGER_PEER_RESERVE (INT64_C(16) * 1024 * 1024)

/* What this station holds of one peer. */
struct ledger_peer {
	unsigned char ledger[LEDGER_HASH_LEN];
	char station[LEDGER_STATION_MAX + 1];
	int64_t head_seq; /* the last entry held (0: none) */
	unsigned char head_hash[LEDGER_HASH_LEN];
	unsigned char head_sig[LEDGER_PEER_SIG_LEN]; /* the peer's signature of that head */
	int64_t bytes;                               /* of its lines held */
	int64_t seen_wall_ms;                        /* this station's clock, last exchange */
	int64_t offset_ms;                           /* the peer's clock minus this one's */
	int format;                                  /* the sync format it said */
};

/* Entries first_seq .. first_seq+n-1 of peer `ledger`, as its station sent
 * them, ending at a head whose signature the caller checked (sync.c) with
 * the key of the certificate `cert`. */
struct ledger_peer_batch {
	const unsigned char *ledger; /* LEDGER_HASH_LEN */
	const char *station;
	const char *cert; /* the peer's certificate text, kept */
	int64_t first_seq;
	size_t n;
	const char *const *lines;
	const size_t *lens;
	const unsigned char *head_hash; /* the chain's hash after the last line */
	const unsigned char *head_sig;
	int64_t seen_wall_ms, offset_ms;
	int format;
};

/* 1 and *out when entries of peer `ledger` are held, 0 when none, -1 on
 * a database failure. */
int ledger_peer_get(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                    struct ledger_peer *out, char **cause);
/* Every peer held, by station id; stops when cb returns non-zero. */
int ledger_peers(struct ledger *l, int (*cb)(const struct ledger_peer *, void *), void *arg,
                 char **cause);
/* Stores a batch in one transaction, or nothing: each line must decode, be
 * numbered in order from what is held, name the peer's station, chain from
 * the hash held (seq 1: hash = the ledger identity) and end at head_hash;
 * lines already held must be the same ones (a second copy adds nothing);
 * refused when the peer's ledger is this station's own, when the batch
 * would take the peers' entries past `budget` bytes, or the disk's free
 * space below LEDGER_PEER_RESERVE.  *added: new entries. */
int ledger_peer_store(struct ledger *l, const struct ledger_peer_batch *b, int64_t budget,
                      size_t *added, char **cause);
/* Notes an exchange with a peer that sent nothing new (freshness, clock). */
int ledger_peer_seen(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                     int64_t seen_wall_ms, int64_t offset_ms, int format, char **cause);
/* Peer `ledger`'s entries from seq `from` on, as lines (e->line, e->seq,
 * e->hash set; the rest zero); stops when cb returns non-zero. */
int ledger_peer_entries(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN], int64_t from,
                        int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause);
/* The certificate peer `ledger` showed (malloc'd), NULL when none. */
char *ledger_peer_cert(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN]);
/* Bytes of all peers' lines held. */
int64_t ledger_peer_bytes(struct ledger *l);

/* The figures over the whole event (issue 17's "one fold", ledger_event.c):
 * this station's derived tables and each peer's held entries folded by
 * fold.h's fold on their own, with their own settings (as HQ folds
 * bundles), then summed.  A peer's fold is kept in memory and brought up to
 * date with the entries that arrived since it was last asked (fold_more),
 * so a scan never refolds the event.  Walker numbers are the event's
 * (badges), so one walker's laps at the lap points and money at the table
 * add up. */
#define LEDGER_STATION_NAME_MAX 40
struct ledger_station_figures {
	char station[LEDGER_STATION_MAX + 1];
	char name[LEDGER_STATION_NAME_MAX]; /* in people's words: "Lap point", "Lap point T3" */
	enum rules_role role;               /* its role setting */
	int own;                            /* this station */
	int64_t entries;                    /* held */
	int64_t seen_wall_ms;               /* last exchange (own: 0) */
	int64_t offset_ms;                  /* its clock minus this one's (own: 0) */
	struct fold_figures fig;            /* its figures */
	int64_t walker_laps, walker_raised_cents; /* the walker asked for, here */
	int64_t walker_pending;       /* their flagged laps here waiting for a review (fold.h) */
	int has_walker_lap;           /* the walker's last lap here: */
	struct stamp walker_last_lap; /* by its clock */
};
struct ledger_event_figures {
	struct fold_figures all; /* summed */
	int64_t walker_laps, walker_raised_cents;
	int64_t walker_pending; /* flagged, waiting for a review at any station */
	/* the walker's laps at two stations too close together (clocks set by
	 * the offsets measured): likely one lap counted twice; the later of each
	 * pair is not in walker_laps, and is shown for a coordinator's review.
	 * The first pair: stations review_a and review_b (indexes in station),
	 * the closest gap review_gap_ms. */
	int64_t walker_review, review_gap_ms;
	size_t review_a, review_b;
	/* the same over every walker of the event: taken out of all.laps */
	int64_t review_laps;
	size_t n;                               /* stations: own first, then peers by id */
	struct ledger_station_figures *station; /* malloc'd: ledger_event_figures_clear */
};
/* walker: one walker's figures too (0: none). */
int ledger_event_figures(struct ledger *l, uint32_t walker, struct ledger_event_figures *out,
                         char **cause);
void ledger_event_figures_clear(struct ledger_event_figures *f);
/* Every walker of the event registered at some station (details from this
 * station's registration, else a peer's), with their laps counted over the
 * event as their card counts them (the doubtful laps across stations out)
 * and their money: the leaderboard over the whole event.  A peer's walker
 * linked to one of this station's is that one.  By walker number. */
struct ledger_event_person {
	uint32_t id;
	const char *name, *team; /* borrowed for the callback; NULL when none */
	int64_t laps, raised_cents;
	int here; /* registered at this station */
};
int ledger_event_people(struct ledger *l, int (*cb)(const struct ledger_event_person *, void *),
                        void *arg, char **cause);
/* The event's teams from those, as ledger_teams gives this station's (teams
 * spelt differently only by capitals or accents are one). */
int ledger_event_teams(struct ledger *l, int (*cb)(const struct ledger_team *, void *), void *arg,
                       char **cause);
/* What is pledged over the event and not yet collected, by team (the
 * walkers' display, beside the money raised): each pledge in force held at
 * this station or a peer once (one external id held at several stations is
 * one pledge: the first holder's terms, paid online once, plus what each
 * station took toward it), owed by the rule on its walker's laps counted
 * over the event as ledger_event_people counts them (this station's lap
 * length and cap), less what was paid online and at the stations, never
 * below 0.  cb (may be NULL) for each team with some (as first spelt; ""
 * for walkers with no team or not registered), *total over all. */
int ledger_event_pledged(struct ledger *l, int (*cb)(const char *team, int64_t cents, void *),
                         void *arg, int64_t *total, char **cause);

/* Conflicts between stations, in words (docs/SYNC.md).  The same person
 * registered here and at a peer: the same name, accent- and case-blind
 * (text_fold), under two walker numbers, not linked by either station. */
struct ledger_duplicate {
	uint32_t walker; /* here */
	char name[128];
	char station[LEDGER_STATION_MAX + 1];
	char station_name[LEDGER_STATION_NAME_MAX];
	uint32_t other; /* there */
	char other_name[128];
};
int ledger_event_duplicates(struct ledger *l, int (*cb)(const struct ledger_duplicate *, void *),
                            void *arg, char **cause);
/* Records that this station's walker and walker `other` of station
 * `station` (a peer held) are one person (a "link" entry; annulled like
 * any): from then on the walker's laps and money over the event add up,
 * here and, once it holds this entry, at the peer.  Never merged silently:
 * each station's entries stay as they are. */
int ledger_link(struct ledger *l, uint32_t walker, const char *station, uint32_t other,
                const char *op, int64_t *seq, char **cause);
/* Asks station `station`, which holds donation `target`, to review it (a
 * "review" entry here): money is annulled only where it is held. */
int ledger_review_ask(struct ledger *l, const char *station, int64_t target, const char *reason,
                      const char *op, int64_t *seq, char **cause);
/* The peers' review requests of this station's donations still in force. */
struct ledger_review {
	char station[LEDGER_STATION_MAX + 1]; /* who asks */
	char station_name[LEDGER_STATION_NAME_MAX];
	int64_t request_seq; /* its entry */
	int64_t seq;         /* the donation here */
	uint32_t walker;
	int64_t cents;
	char reason[256];
};
/* A walker registered at a peer (not here): their name there, so a badge of
 * the event greets them by name at any station.  1 found, 0 none, -1. */
struct ledger_event_walker {
	char name[128], team[64];
	char station[LEDGER_STATION_MAX + 1]; /* where registered */
	int checked_in;                       /* there */
};
int ledger_event_walker(struct ledger *l, uint32_t id, struct ledger_event_walker *out,
                        char **cause);
int ledger_event_reviews(struct ledger *l, int (*cb)(const struct ledger_review *, void *),
                         void *arg, char **cause);

/* Every conflict between stations, in people's words (the coordinator's
 * list, watctl conflicts): likely duplicates to link here, review requests
 * of this station's money, laps counted once across stations, likely
 * duplicates between two peers (neither is this station: linked at one of
 * them), and one walker number registered to two names at two stations. */
enum ledger_conflict_kind {
	LEDGER_CONFLICT_DUPLICATE,      /* walker here, other at station: to link here */
	LEDGER_CONFLICT_REVIEW,         /* seq: this station's donation; station asks */
	LEDGER_CONFLICT_LAPS,           /* walker's laps at two stations too close */
	LEDGER_CONFLICT_PEER_DUPLICATE, /* walker and other at two peers */
	LEDGER_CONFLICT_NUMBER,         /* walker: two names (one at station) */
	LEDGER_CONFLICT_LAP_REVIEW,     /* walker's flagged lap seq (at station, "" here)
	                                 * reviewed otherwise at two stations */
};
struct ledger_conflict {
	enum ledger_conflict_kind kind;
	char text[480]; /* in people's words */
	uint32_t walker, other;
	char station[LEDGER_STATION_MAX + 1];
	int64_t seq;
};
int ledger_event_conflicts(struct ledger *l, int (*cb)(const struct ledger_conflict *, void *),
                           void *arg, char **cause);

/* ---- pledges (ledger_pledge.c; the rule: pledge.h, docs/FORMATS.md) ---- */

/* Records a pledge for p->walker (registered here); p->seq and the paid
 * figures are ignored.  Refused when p->ext_id is held already, here or
 * among the peers' entries. */
int ledger_pledge_add(struct ledger *l, const struct pledge *p, const char *op, int64_t *seq,
                      char **cause);

struct ledger_pledge_import {
	size_t added, unchanged, problems;
};
/* Judges each row of c (its state and problem set: an unknown walker, an
 * id twice in the file, an id held already with other terms; held with the
 * same terms: unchanged); with apply, records the new rows in one
 * transaction (the caller's, inside a ledger_batch).  -1 only when nothing could be read or recorded. */
int ledger_pledge_import(struct ledger *l, struct pledge_csv *c, int apply, const char *op,
                         struct ledger_pledge_import *res, char **cause);

/* One pledge settled. */
struct ledger_pledge_line {
	const struct pledge *p; /* borrowed from the settlement's book */
	int64_t counted_laps;   /* every station's, as certified (or as held) */
	int64_t billed_laps;    /* at most the pledge lap cap */
	int64_t distance_um;    /* of the billed laps; -1: lap length not known */
	int64_t owed_cents, paid_cents, due_cents; /* paid: online + here */
	int final;                                 /* certified laps, or a flat pledge */
	char why[200];                             /* owed not known: the sentence */
};
/* A station whose laps the settlement counted. */
struct ledger_station_pledge {
	char station[LEDGER_STATION_MAX + 1];
	int own;
	int64_t upto_seq;     /* its entries counted: 1..upto_seq */
	int64_t seen_wall_ms; /* a peer: when its entries last came (freshness) */
	enum rules_role role; /* a peer: its role setting, for people's words */
	int walker_laps;      /* the settled walkers have laps recorded there */
	int stale;            /* a peer with such laps not heard from for more than
	                       * LEDGER_LAPS_STALE_MS before the settlement (or the
	                       * certification in force): its later laps are missing */
};
/* A constant, not a setting: wat-sync exchanges every 3 s, so five minutes
 * without an exchange means the link is down, while a walker passes the
 * lap point every few minutes. */
#define LEDGER_LAPS_STALE_MS (5 * 60 * 1000)
struct ledger_settlement {
	struct pledge_book *book;     /* this ledger's pledges and payments */
	struct ledger_pledge_line *v; /* the pledges in force, by walker then entry */
	size_t n;
	int64_t cert_seq;          /* the certification in force; 0: laps not final */
	struct setting_length lap; /* as the counted entries set it */
	int64_t lap_cap;
	int64_t owed_cents, paid_cents, due_cents;
	size_t unknown; /* pledges whose amount is not known (no lap length) */
	struct ledger_station_pledge *stations;
	size_t nstations;
	int64_t as_of_wall_ms; /* when the laps counted here end: the certification's
	                        * time, else the settlement's */
};
/* The pledges of walker (0: all) settled by the rule on the laps every
 * station held counts (fold_counted_laps): the entries the
 * certification in force names, else all held.  Reads every entry held. */
int ledger_settle(struct ledger *l, uint32_t walker, struct ledger_settlement *out, char **cause);
void ledger_settlement_clear(struct ledger_settlement *s);
/* The laps it was made on, for a statement: ledger_settlement_words with
 * this station named too, then the record's last entry of each station for
 * HQ: "Certified laps, counted up to 11:05 at Welcome table T1 and up to
 * 10:42 at Lap point T2. Record: T1 to entry 40, T2 to entry 120." */
void ledger_settlement_basis(const struct ledger_settlement *s, char *buf, size_t len);
/* The same for a volunteer's screen, in people's words, without station ids
 * or entry numbers' fine print: "Laps counted up to 10:42, this table and
 * Lap point T2." (stations named as the Stations screen names them, times in
 * the station's zone); a stale station first: "Lap point T2 not heard from
 * since 10:12: its later laps are missing." */
void ledger_settlement_words(const struct ledger_settlement *s, char *buf, size_t len);

/* A sponsor's payment: one donation for walker whose donor is the
 * sponsor, put toward pledges[0..n) in order, each up to what it still
 * owes; the rest is the sponsor's gift (*gift_cents).  The pledges must be
 * one sponsor's and final (flat, or certified laps). */
int ledger_pledge_pay(struct ledger *l, uint32_t walker, const int64_t *pledges, size_t n,
                      int64_t cents, enum rules_method m, const char *check_no, const char *op,
                      int64_t *seq, int64_t *gift_cents, char **cause);

/* Statements: one per sponsor of a walker (the lines of the settlement
 * with the same walker and sponsor).  1 when line i is its sponsor's first
 * (print one statement there). */
int ledger_statement_first(const struct ledger_settlement *s, size_t i);
/* The lines of line i's statement (at most max indices into idx; idx NULL
 * with max 0 to count) and their sums; returns how many. */
size_t ledger_statement_lines(const struct ledger_settlement *s, size_t i, size_t *idx, size_t max,
                              int64_t *owed, int64_t *paid, int64_t *due);
/* Line i's statement id: "S:<station>:<first pledge>:<certification>:<still
 * owed, cents>:<ledger identity, 8 hex>", QR alphanumeric. */
void ledger_statement_id(struct ledger *l, const struct ledger_settlement *s, size_t i, char *buf,
                         size_t len);
/* Checks a statement id against the ledger: 0 and *said when it is what the
 * ledger says now, 1 and *said when it was but is out of date (payments
 * since, laps certified or reopened), -1 and *cause when it is not this
 * ledger's. */
int ledger_statement_check(struct ledger *l, const char *code, char **said, char **cause);

/* Certifies the laps: records the last entry held of this station and of
 * each peer; amounts owed are final from then.  Refused while certified. */
int ledger_certify(struct ledger *l, const char *op, int64_t *seq, char **cause);
/* Reopens certified laps, with a reason. */
int ledger_certify_reopen(struct ledger *l, const char *reason, const char *op, int64_t *seq,
                          char **cause);

#endif
