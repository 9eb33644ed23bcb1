/* hq.h — headquarters' database of many events and stations, fed with
 * verified bundles (docs/HQ-GUIDE.md).
 *
 * Everything HQ counts is keyed by (ledger identity, seq): the identity is
 * the hash of a ledger's first entry (entry.h), so merging a bundle twice,
 * a later export that contains an earlier one, or the same ledger under
 * another event tag or station name, counts nothing twice.  What HQ cannot
 * count without a person is HELD, never lost and never a lockout: a forked
 * ledger (the same seq with another hash), a second ledger under a station
 * id already counted, a ledger signed by another key, a revoked ledger, a
 * distrusted event.  A held bundle is kept (its bytes in the database) with
 * its reason until a person accepts or refuses it; an acceptance can be
 * revoked.  Every decision, the program's and a person's, is in HQ's own
 * hash-chained log.  Only bundles that passed bundle_verify are merged. */
#ifndef WAT_HQ_H
#define WAT_HQ_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "trust.h"

struct hq;

/* PRAGMA user_version; 1: keyed by (event tag, station); 2: no pledges */
#define HQ_SCHEMA      3
#define HQ_SCHEMA_TEXT "3"

enum hq_outcome {
	HQ_MERGED,  /* new entries counted */
	HQ_ALREADY, /* this very export was merged before: nothing counted */
	HQ_REFUSED, /* an older export replayed: nothing to count */
	HQ_HELD,    /* kept for a person to decide (hq-pending): nothing counted */
};

struct hq_merge_result {
	enum hq_outcome outcome;
	int64_t added;     /* entries new to HQ */
	int64_t from_seq;  /* first new seq (when added) */
	int64_t bundle;    /* HQ's number for this bundle (hq-pending, hq-accept) */
	char code[16];     /* HQ_HELD: why, as a word ("chain", "unchartered", ...) */
	char message[700]; /* plain sentences */
};

struct hq_totals {
	int64_t events, stations, walkers, laps, donations, checks;
	int64_t cash_cents, check_cents, other_cents, total_cents;
};

int hq_open(const char *path, struct hq **out, char **cause);
void hq_free(struct hq *h);

/* HQ's signing keys (trust_hq_load of HQ's key folder): from now on a
 * bundle counts only when its station certificate chains to a charter one
 * of them signed, or to an event HQ accepted by its key id; any other is
 * held ("chain", "unchartered").  watctl's merge always sets them; without
 * them (the library alone, tests) the chain is not judged. */
void hq_set_keys(struct hq *h, const struct trust_hq *keys);

/* HQ accepts an event without a charter by its event key id (16 hex
 * digits, as on the close-out sheet): certificates that key signed chain
 * from now on.  Recorded in HQ's log. */
int hq_accept_event(struct hq *h, const char *event_key, const char *reason, char **msg,
                    char **cause);
/* The held bundles waiting for event key event_key ("unchartered"), by id
 * (malloc'd array in *ids, *n of them). */
int hq_held_for_event(struct hq *h, const char *event_key, int64_t **ids, size_t *n, char **cause);

/* Merges a verified bundle in one transaction: counted, or held with its
 * reason (the bytes of file and file.minisig kept), or already there.  -1
 * only when the database could not be written or file could not be read
 * to be kept. */
int hq_merge(struct hq *h, const struct bundle_report *rep, const char *file,
             struct hq_merge_result *res, char **cause);

/* When HQ first received this very export (its ledger, key and export
 * number), wall time in ms; 0 when never. */
int hq_received_at(struct hq *h, const struct bundle_report *rep, int64_t *wall_ms, char **cause);

/* A held bundle as HQ keeps it (hq_held_free). */
struct hq_held {
	int64_t id;
	char *file;       /* the name it arrived under */
	char *data, *sig; /* its bytes and its .minisig; NULL when HQ keeps the
	                   * ledger's entries instead (a distrusted event's
	                   * stations counted before) */
	size_t len, slen;
};
void hq_held_free(struct hq_held *b);
/* Bundle id when it is held: 0; -1 in words otherwise. */
int hq_held_load(struct hq *h, int64_t id, struct hq_held *out, char **cause);

/* A person's decisions, each recorded in HQ's log with its reason; msg is a
 * sentence of what was done.  hq_accept counts held bundle id (rep: the
 * bundle re-verified from its kept bytes; NULL when it has none) past the
 * reason it was held for. */
int hq_accept(struct hq *h, int64_t id, const struct bundle_report *rep, const char *reason,
              struct hq_merge_result *res, char **cause);
/* Held bundle id is not counted, for good (it stays kept). */
int hq_refuse(struct hq *h, int64_t id, const char *reason, char **msg, char **cause);
/* The ledger that counted bundle id brought in leaves the totals; its later
 * bundles are held. */
int hq_revoke(struct hq *h, int64_t id, const char *reason, char **msg, char **cause);
/* Event (its tag, charter id or event key id) distrusted: its counted
 * stations leave the totals and are held with its later bundles, each
 * until a person accepts it (having checked its key id against the paper
 * close-out sheet). */
int hq_distrust(struct hq *h, const char *event, const char *reason, char **msg, char **cause);

/* The held bundles with their reasons, in words (malloc'd). */
int hq_pending(struct hq *h, char **text, char **cause);
/* HQ's log, one decision a line, and whether its hash chain is intact
 * (*intact 0: the first decision changed is named in the text). */
int hq_log(struct hq *h, char **text, int *intact, char **cause);

/* Totals of everything counted (event_tag NULL) or of one event. */
int hq_totals(struct hq *h, const char *event_tag, struct hq_totals *t, char **cause);

/* The report by city, event and station, the held bundles apart (malloc'd). */
int hq_report(struct hq *h, char **text, char **cause);

/* The counted stations as CSV (RFC 4180, CRLF, Excel-safe names), one row
 * each with its figures; city NULL: national. */
int hq_csv(struct hq *h, const char *city, char **text, char **cause);
/* The same, of one city and/or one event (its tag); NULL: any. */
int hq_csv_of(struct hq *h, const char *city, const char *event_tag, char **text, char **cause);

/* Every bundle HQ received (counted, already, held, refused ...), newest
 * first, as a list for the downloads page. */
struct hq_bundle_row {
	int64_t id, wall_ms, export_no;
	char file[160], city[64], event_name[128], event_tag[64], station[17], outcome[16],
	    date[11];
};
int hq_bundle_list(struct hq *h, struct hq_bundle_row **rows, size_t *n, char **cause);

/* ---- HQ staff of the web inbox (wat-hq) ---- */

/* A staff account: name, its Argon2id hash (crypto_pwhash_str), admin or
 * not; recorded in HQ's log as done by `by`. */
int hq_staff_add(struct hq *h, const char *name, const char *pwhash, int admin, const char *by,
                 char **cause);
/* The hash of an enabled account (malloc'd): 0; 1 no such account; -1. */
int hq_staff_get(struct hq *h, const char *name, char **pwhash, int *admin, char **cause);
/* A staff member's action in HQ's hash-chained log (person: who). */
int hq_staff_log(struct hq *h, const char *person, const char *action, int64_t bundle,
                 const char *subject, char **cause);

/* The held bundles, for a page. */
struct hq_held_row {
	int64_t id, wall_ms, total_cents;
	char file[128], city[64], station[17], key_id[17], code[16], reason[520];
	char event_key[17]; /* the event key id its certificate names ("" none) */
};
int hq_held_list(struct hq *h, struct hq_held_row **rows, size_t *n, char **cause);

/* ---- the staff dashboard of wat-hq (plain data; the web renders it) ---- */

/* One line of the table by city, event and station: a station (level 0),
 * then its event's total (1), then its city's (2), in that order. */
struct hq_dash_row {
	int level;
	char city[64], event_name[128], event_tag[64], date[11], station[17], state[16];
	int64_t export_no, bundle;
	/* state "copy": counted from a backup copy in station carrier's bundle
	 * (bundle; export_no 0), its own bundle not received */
	char carrier[17];
	/* state "counted", beyond: its own bundle (up to own_upto_ms), then a
	 * backup copy in station carrier's bundle copy_bundle that goes further
	 * on the same chain (up to copy_upto_ms) */
	int beyond;
	int64_t own_upto_ms, copy_upto_ms, copy_bundle;
	struct hq_totals t;
};
/* A close-out as the station recorded it (closeout.csv), kept at merge. */
struct hq_dash_closeout {
	char city[64], event_name[128], station[17];
	int64_t seq, cash_expected, cash_counted, check_expected, check_counted;
	int reopened; /* a reopen entry came after it */
};
/* An event HQ has bundles of: its last upload, whatever the outcome. */
struct hq_dash_event {
	char event[64]; /* its charter's event id ("" unchartered) */
	char event_tag[64], event_name[128], city[64], date[11], outcome[16], station[17];
	int64_t uploads, last_wall_ms, last_bundle;
};
struct hq_dash {
	struct hq_dash_row *rows;
	size_t nrows;
	struct hq_dash_closeout *closeouts;
	size_t ncloseouts;
	struct hq_dash_event *events;
	size_t nevents;
	struct hq_totals national;
};
int hq_dash_read(struct hq *h, struct hq_dash *d, char **cause);
void hq_dash_free(struct hq_dash *d);

/* Staff accounts for the admin's page. */
struct hq_staff_row {
	char name[64];
	int admin, disabled;
	int64_t wall_ms;
};
int hq_staff_list(struct hq *h, struct hq_staff_row **rows, size_t *n, char **cause);
/* Account name disabled (1) or enabled again (0) by `by`: 0; 1 no such
 * account; -1.  In HQ's log. */
int hq_staff_disable(struct hq *h, const char *name, int disabled, const char *by, char **cause);
/* A new password hash for account name, set by `by`: 0; 1 none; -1.  In HQ's log. */
int hq_staff_reset(struct hq *h, const char *name, const char *pwhash, const char *by,
                   char **cause);

/* ---- pledge payments that arrive at HQ by mail ---- */

/* A sponsor's payment against a statement (its id as printed under its
 * QR: "S:<station>:<first pledge>:<certification>:<still owed>:<ledger
 * identity, 8 hex>", docs/FORMATS.md): put toward the statement's pledges
 * (that walker's and sponsor's in the statement's ledger, counted once
 * across stations as hq-report counts them) in order, each up to what it
 * still owes; the rest is the sponsor's gift.  method: cash, check (with
 * its number), card or other.  Recorded in HQ's log as done by `by`. */
struct hq_pay_result {
	int64_t id;            /* HQ's payment number (recorded) */
	int64_t applied, gift; /* toward the pledges, beyond them */
	int64_t still_before, still_after;
	char message[900]; /* plain sentences, recorded or refused */
};
/* 0 recorded; 1 refused (an unknown statement, one already paid, a bad
 * amount or method: nothing recorded, res->message says why); -1 the
 * database (*cause). */
int hq_pay(struct hq *h, const char *statement, int64_t cents, const char *method,
           const char *check_no, const char *by, struct hq_pay_result *res, char **cause);

/* Collected vs pledged vs still owed: a station (level 0; a pledge held at
 * several stations is the first one's), its event (1), its city (2), the
 * nation (3), in that order. */
struct hq_pledge_row {
	int level;
	char city[64], event_name[128], event_tag[64], station[17];
	int64_t pledges, pledged, collected, at_hq, still, gifts, unknown;
};
/* A payment recorded at HQ, newest first. */
struct hq_payment_row {
	int64_t id, wall_ms, cents, applied, gift, walker;
	char statement[80], sponsor[128], walker_name[128], method[8], check_no[33], by[64];
};
int hq_pledge_rows(struct hq *h, struct hq_pledge_row **rows, size_t *n, char **cause);
/* wat-hq's staff sessions kept across a restart (table staff_sessions):
 * by the hash of the session's id, never the id. */
struct hq_session {
	char idhash[65], user[64], csrf[65];
	int admin;
	int64_t start_ms, seen_ms;
};
/* Kept (or its seen time moved on). */
int hq_session_put(struct hq *h, const struct hq_session *ss, char **cause);
/* 0 and the session when kept and its account is enabled; 1 none; -1. */
int hq_session_get(struct hq *h, const char *idhash, struct hq_session *ss, char **cause);
/* Ends the session idhash, every session of user, and those last seen
 * before before_ms (each NULL / 0: none). */
int hq_session_end(struct hq *h, const char *idhash, const char *user, int64_t before_ms,
                   char **cause);

/* The last max payments recorded at HQ (malloc'd). */
int hq_payment_list(struct hq *h, size_t max, struct hq_payment_row **rows, size_t *n,
                    char **cause);

#endif
