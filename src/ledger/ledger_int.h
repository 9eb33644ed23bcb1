/* ledger_int.h — what the ledger's files share, and only they: the ledger's
 * struct, the sqlite plumbing, and the helpers each part lends the others.
 * The ledger is split along its concerns:
 *   ledger_db.c        schema, sqlite plumbing, open and migrate
 *   ledger_settings.c  the settings: parsing, canonical values, the event
 *   ledger_fold.c      entries applied to the derived tables (the figures)
 *   ledger_append.c    appending: the canonical line, the chain, init, set
 *   ledger_walkers.c   walkers and the roster
 *   ledger_money.c     scans, laps, donations, annulments
 *   ledger_query.c     reading: totals, entries
 *   ledger_check.c     checking the chain, the triggers and the figures
 *   ledger_peer.c      other stations' entries, kept as theirs (issue 17)
 *   ledger_pledge.c    pledges, their settlement, payments, certification
 * Only these files include sqlite. */
#ifndef WAT_LEDGER_INT_H
#define WAT_LEDGER_INT_H

#include "ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "amount.h"
#include "entry.h"
#include "fold.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

#define LEDGER_SCHEMA_VERSION      7
#define LEDGER_SCHEMA_VERSION_TEXT "7"

struct ledger_stmt {
	const char *sql; /* identity: the literal's address */
	sqlite3_stmt *stmt;
};

struct ledger {
	sqlite3 *db;
	char *path;
	char *copy_dir;            /* a read-only ledger is read from a private copy here */
	int read_only;             /* nothing may be written: the card (or the file) is read-only */
	struct ledger_stmt *stmts; /* every statement ever prepared by ledger_stmt */
	size_t nstmts, capstmts;
	int in_tx;
	int batch; /* inside ledger_batch: one transaction for many calls */

	/* the head of the chain, as committed */
	int64_t last_seq;
	unsigned char last_hash[LEDGER_HASH_LEN];
	int64_t last_wall_ms;
	/* the head while a transaction is open */
	int64_t tx_seq;
	unsigned char tx_hash[LEDGER_HASH_LEN];

	int has_event;
	struct ledger_event ev;
	struct badge_event badge;

	void (*clock)(struct stamp *, void *);
	void *clock_arg;
	char doubt[160];

	/* peers' folds, brought up to date when asked (ledger_event.c) */
	struct ledger_pfold *pf;
	size_t npf;
	/* every station's laps by walker, judged across stations (ledger_event.c) */
	struct ledger_xj *xj;
	/* this station's reviews of peers' laps in force, as of entry xr_seq */
	struct fold_xreviews xr_own;
	int64_t xr_seq;
	/* walkers checked in at a peer only, for own checked_in ck_own and the
	 * peers' check-ins and folds ck_peers (ck_valid: computed) */
	int64_t ck_own, ck_peers, ck_value;
	int ck_valid;
	/* every ledger's pledges in force, for the event's pledged sums
	 * (ledger_pledge.c) */
	struct ledger_pl_cache *plc;
};

/* The reviews of other stations' laps in force here and at every peer held
 * (their folds brought up to date): *all, fold_xreviews_free. */
int ledger_event_xreviews(struct ledger *l, struct fold_xreviews *all, char **cause);
/* Station `ledger` in people's words ("Welcome table T1") into buf;
 * "another station" when its entries are not held here. */
void ledger_where_ledger(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN], char *buf,
                         size_t len);
/* -1 with *cause while this station's certification of the laps is in
 * force (a review then would not count: reopen first); else 0. */
int ledger_review_certified(struct ledger *l, char **cause);
/* A lap-review entry's data: {"verdict":"accept"|"reject"[,"reason":...]}
 * into data; -1 with *cause for a reason that is not text. */
int ledger_review_data(struct strbuf *data, int accept, const char *reason, char **cause);
/* Peers' flagged laps appended to *out (ledger_flagged_laps). */
int ledger_event_flagged(struct ledger *l, int pending_only, struct ledger_flagged **out, size_t *n,
                         size_t *cap, char **cause);
/* Frees the peers' folds (ledger_free). */
void ledger_pfold_free(struct ledger *l);
void ledger_xj_free(struct ledger_xj *x);
/* Frees the pledges kept for the event's pledged sums (ledger_free). */
void ledger_pl_cache_free(struct ledger *l);
/* The person (a walker number here) peer `ledger`'s walker is, as the
 * event's figures last made them (ledger_event_people): the walker of this
 * station linked to it, else the same number. */
uint32_t ledger_event_person_of(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                                uint32_t walker);

/* The append-only triggers, as sqlite keeps their text (ledger_check compares
 * it byte for byte). */
#define LEDGER_TRIGGER_NO_UPDATE                                                                   \
	"CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN"                          \
	" SELECT RAISE(ABORT, 'the ledger is append-only: entries are never changed'); END"
#define LEDGER_TRIGGER_NO_DELETE                                                                   \
	"CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN"                          \
	" SELECT RAISE(ABORT, 'the ledger is append-only: entries are never deleted'); END"
#define LEDGER_TRIGGER_IN_ORDER                                                                    \
	"CREATE TRIGGER entries_in_order BEFORE INSERT ON entries"                                 \
	" WHEN NEW.seq IS NOT (SELECT IFNULL(MAX(seq), 0) + 1 FROM entries) BEGIN"                 \
	" SELECT RAISE(ABORT, 'ledger entries must be numbered without gaps'); END"

#define LEDGER_NTRIGGERS 3
extern const struct ledger_trigger {
	const char *name, *sql, *guards;
} ledger_triggers[LEDGER_NTRIGGERS];

/* The counters table's keys and where each lands in struct ledger_totals. */
#define LEDGER_NCOUNTERS 13
extern const struct ledger_counter {
	const char *key;
	size_t off;
} ledger_counters[LEDGER_NCOUNTERS];

/* A walker's field as given, for validation and JSON. */
struct ledger_field {
	const char *key;
	const char *value;
	size_t max;
	const char *label;
};

#define LEDGER_WALKER_COLS                                                                         \
	"id, name, team, email, phone, ext_id, reg_seq, active, checkin_seq, laps, raised, "       \
	"flagged_laps, accepted_laps, rejected_laps"

/* ---- ledger_append.c ---- */
/* ledger_init_event, or with training a training ledger's (ledger_training.c):
 * "training": true in its event entry, "T1-" badges. */
int ledger_init_as(struct ledger *l, const struct ledger_init *in, int training, const char *op,
                   char **cause);

/* ---- ledger_db.c: the sqlite plumbing ---- */
/* A plain sentence for a sqlite failure; `what` was not recorded (NULL: opening). */
int ledger_db_fail(struct ledger *l, char **cause, const char *what);
/* A cached prepared statement for a string literal (its address is the key),
 * reset and with bindings cleared; NULL when sqlite refuses it. */
sqlite3_stmt *ledger_stmt(struct ledger *l, const char *sql);
void ledger_bind_text(sqlite3_stmt *st, int i, const char *s);
int ledger_exec_i(struct ledger *l, const char *sql, int n, const int64_t *args);
int ledger_exec1(struct ledger *l, const char *sql, int64_t a);
int64_t ledger_query_i(struct ledger *l, const char *sql, int n, const int64_t *args, int64_t def);
int ledger_tx_begin(struct ledger *l, char **cause, const char *what);
void ledger_tx_rollback(struct ledger *l);
int ledger_tx_commit(struct ledger *l, char **cause, const char *what);
void ledger_copy(char *dst, size_t len, const char *src);
void ledger_load_event(struct ledger *l);
int ledger_load(struct ledger *l, char **cause);
/* ---- ledger_fold.c ---- */
/* Applies one entry just appended (decoded from its line) to the derived tables. */
int ledger_apply(struct ledger *l, const struct entry *e, char **cause);
int ledger_rebuild_locked(struct ledger *l, char **cause);
/* Peer `ledger`'s entry e, just stored, into peer_index: 0, else -1 (a
 * database failure). */
int ledger_peer_index_add(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                          const struct entry *e);
/* peer_index again from every peer's entries; inside a transaction. */
int ledger_peer_index_rebuild(struct ledger *l, char **cause);
void ledger_chain_hash(const unsigned char prev[LEDGER_HASH_LEN], const char *line, size_t len,
                       unsigned char out[LEDGER_HASH_LEN]);
int ledger_put(struct ledger *l, const char *kind, uint32_t walker, int64_t ref, int64_t amount,
               const char *data_json, const char *op, int64_t *seq_out, char **cause);
/* ledger_put naming entry ref of ledger ref_ledger (another station's;
 * NULL: this one's). */
int ledger_put_ref(struct ledger *l, const char *kind, uint32_t walker, int64_t ref,
                   const unsigned char *ref_ledger, int64_t amount, const char *data_json,
                   const char *op, int64_t *seq_out, char **cause);
int ledger_check_fields(const struct ledger_field *f, size_t n, char **cause);
char *ledger_clean(const char *s);
void ledger_walker_row(sqlite3_stmt *st, struct ledger_walker *w);
/* Walker id's row as the fold keeps it (w fresh when there is none): 1
 * found, 0 none, -1 the database failed; fold_walker_clear(w) after. */
int ledger_walker_load(struct ledger *l, uint32_t id, struct fold_walker *w);
/* Walker id folded from their entries in force into w (fresh; with the
 * flagged laps and their reviews, which the row does not keep); 0, or -1
 * with *cause.  fold_walker_clear(w) after. */
int ledger_walker_fold(struct ledger *l, uint32_t id, struct fold_walker *w, char **cause);
/* What one walker's settlement reads of the station's own entries, in
 * order: the walker's (pledges, payments, laps) and the station's settings,
 * links, certifications and lap reviews; annulled_by from the annulled
 * table. */
/* Peer `ledger`'s entries up to upto, in order, as lines (e->line, e->seq):
 * those of walker (by the number the peer gives them), or walker 0: those
 * of the kinds that are its station's (settings, links, certifications, lap
 * reviews, annulments).  By the peer_index table. */
int ledger_peer_some_entries(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                             uint32_t walker, int64_t upto,
                             int (*cb)(const struct ledger_entry *, void *), void *arg,
                             char **cause);
/* This station's pledges, donations and annulments from seq from on, in
 * order (the kind index); annulled_by from the annulled table. */
int ledger_pledge_entries(struct ledger *l, int64_t from,
                          int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause);
int ledger_settle_entries(struct ledger *l, uint32_t id,
                          int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause);

/* ---- ledger_money.c ---- */
/* ledger_donate with a sponsor's payment split (pledge.h's [[seq, cents]]
 * list, NULL: none). */
int ledger_donate_pledges(struct ledger *l, uint32_t id, int64_t cents, enum rules_method m,
                          const char *check_no, const char *donor, const char *pledges_json,
                          const char *op, int64_t *seq, char **cause);

/* ---- ledger_peer.c ---- */
/* Each peer's held entries: numbered 1..head without a gap, the chain
 * recomputed (seq 1's hash its ledger identity) to the head held, the bytes
 * counted; -1 naming the station and entry. */
int ledger_peer_check(struct ledger *l, char **cause);

#endif
