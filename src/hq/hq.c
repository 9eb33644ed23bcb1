/* hq.c — HQ's sqlite database of merged bundles (see hq.h, docs/HQ-GUIDE.md).
 *
 * Schema 3 (PRAGMA user_version = 3); "identity" is a ledger's identity in
 * lowercase hex (the hash of its first entry):
 *
 *   stations(id, identity, event_tag, station, event_name, city, date, key_id,
 *            public_key, last_seq, head, last_export, bundle, state, vouched,
 *            event, event_key, serial)
 *            -- one row per ledger HQ took in; state 'counted', 'revoked' or
 *               'distrusted' (only 'counted' ones are in the totals); bundle:
 *               the last bundle that counted; vouched: a person accepted it
 *               while its event was distrusted
 *   entries(ledger, seq, kind, walker, ref, cents, method, manual,
 *           wall_ms, hash)        -- one row per ledger entry, never updated;
 *              ledger: stations.id (a small number for the identity keeps
 *              the table's key short: merge inserts a day's 120,000 rows)
 *   figures(identity, event_tag, station, walkers, checked_in, laps,
 *           manual_laps, flagged_laps, donations, checks, cash_cents,
 *           check_cents, other_cents, annulled)   -- the fold's figures of
 *              each counted ledger (fold.h); derived, refolded when missing
 *   walkers(identity, event_tag, station, walker) -- registered in force
 *   bundles(id, wall_ms, file, identity, event_tag, station, event_name, city,
 *           date, key_id, export_no, last_seq, total_cents, outcome,
 *           reason_code, reason, data, sig)
 *            -- every bundle received: outcome 'counted', 'already',
 *               'refused' (an older export), 'held' (data and sig: its bytes,
 *               kept), 'accepted' or 'refused-by-hq' (a person decided),
 *               'revoked' (its ledger taken out of the totals)
 *   certs(event, station, serial, station_pub, identity, bundle)
 *   events_accepted(event_key, event, wall_ms, reason)
 *   event_pubs(event_key, event_pub, bundle)
 *   distrusted(event, wall_ms, reason)
 *   copies(identity, event_tag, station, event, event_key, carrier, carrier_station,
 *          bundle, head_seq, last_wall_ms, cash_cents, check_cents, checks)
 *            -- the longest backup copy of a ledger HQ has seen in other
 *               stations' bundles (peer-*.jsonl, docs/SYNC.md); while the
 *               ledger has no stations row (its own bundle not received)
 *               its figures and walkers are the copy's fold, its pledges
 *               (pledges, pledge_laps, pledge_rules under its identity)
 *               the copy's CSVs settled over the carrier's lines too;
 *               with a stations row (counted) and head_seq > its last_seq,
 *               the copy extends the own bundle's chain and its fold and
 *               pledges stand in for the own bundle's (hq_copy_extends)
 *   copy_hashes(identity, seq, hash) -- each copy's entry hashes: a later
 *               own bundle is checked against the copy (hq_copy_vs_own)
 *   log(seq, wall_ms, action, bundle, subject, reason, prev, hash)
 *            -- every decision; hash = SHA-256(prev || the line
 *               "seq TAB wall_ms TAB action TAB bundle TAB subject TAB reason")
 *
 * Every bundle holds its station's whole ledger, so each merge replaces the
 * ledger's figures with those the fold made of it (bundle_compute): HQ's
 * sums are the fold's, the same as the station's own and the bundle's.
 * Schema 1 (keyed by event tag and station) is upgraded at open. */
#include "hq.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "amount.h"
#include "csv.h"
#include "entry.h"
#include "fold.h"
#include "pledge.h"
#include "stamp.h"
#include "strbuf.h"
#include "text.h"
#include "trust.h"
#include "util.h"

#define HQ_ID_HEX (2 * BUNDLE_HASH_LEN + 1)

struct hq {
	sqlite3 *db;
	char *path;
	int chain;            /* 1: each bundle must chain to HQ's keys */
	struct trust_hq keys; /* HQ's signing keys (the published one, then rotations) */
};

static const char hq_schema[] =
    "CREATE TABLE IF NOT EXISTS stations("
    " id INTEGER PRIMARY KEY, identity TEXT NOT NULL UNIQUE, event_tag TEXT NOT NULL,"
    " station TEXT NOT NULL, event_name TEXT NOT NULL, city TEXT NOT NULL, date TEXT NOT NULL,"
    " key_id TEXT NOT NULL, public_key TEXT NOT NULL,"
    " last_seq INTEGER NOT NULL, head BLOB NOT NULL, last_export INTEGER NOT NULL,"
    " bundle INTEGER NOT NULL, state TEXT NOT NULL, vouched INTEGER NOT NULL,"
    " event TEXT NOT NULL DEFAULT '', event_key TEXT NOT NULL DEFAULT '',"
    " serial INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS stations_name ON stations(event_tag, station);"
    "CREATE TABLE IF NOT EXISTS entries("
    " ledger INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL, walker INTEGER, ref INTEGER, cents INTEGER NOT NULL,"
    " method TEXT NOT NULL, manual INTEGER NOT NULL, wall_ms INTEGER NOT NULL,"
    " hash BLOB NOT NULL, PRIMARY KEY(ledger, seq)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS figures("
    " identity TEXT PRIMARY KEY, event_tag TEXT NOT NULL, station TEXT NOT NULL,"
    " walkers INTEGER NOT NULL,"
    " checked_in INTEGER NOT NULL, laps INTEGER NOT NULL, manual_laps INTEGER NOT NULL,"
    " flagged_laps INTEGER NOT NULL, donations INTEGER NOT NULL, checks INTEGER NOT NULL,"
    " cash_cents INTEGER NOT NULL, check_cents INTEGER NOT NULL, other_cents INTEGER NOT NULL,"
    " annulled INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS walkers("
    " identity TEXT NOT NULL, event_tag TEXT NOT NULL, station TEXT NOT NULL,"
    " walker INTEGER NOT NULL, PRIMARY KEY(identity, walker));"
    "CREATE TABLE IF NOT EXISTS bundles("
    " id INTEGER PRIMARY KEY, wall_ms INTEGER NOT NULL, file TEXT NOT NULL,"
    " identity TEXT NOT NULL, event_tag TEXT NOT NULL, station TEXT NOT NULL,"
    " event_name TEXT NOT NULL, city TEXT NOT NULL, date TEXT NOT NULL,"
    " key_id TEXT NOT NULL, export_no INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
    " total_cents INTEGER NOT NULL, outcome TEXT NOT NULL, reason_code TEXT NOT NULL,"
    " reason TEXT NOT NULL, data BLOB, sig BLOB,"
    " event TEXT NOT NULL DEFAULT '', event_key TEXT NOT NULL DEFAULT '', head BLOB);"
    "CREATE INDEX IF NOT EXISTS bundles_held ON bundles(outcome) WHERE outcome = 'held';"
    /* the dashboard's last upload of each event (7 ms at 2,000 bundles without) */
    "CREATE INDEX IF NOT EXISTS bundles_event_last ON bundles(event_tag, wall_ms, id);"
    "CREATE TABLE IF NOT EXISTS certs("
    " event TEXT NOT NULL, station TEXT NOT NULL, serial INTEGER NOT NULL,"
    " station_pub TEXT NOT NULL, identity TEXT NOT NULL, bundle INTEGER NOT NULL,"
    " PRIMARY KEY(event, serial));"
    "CREATE TABLE IF NOT EXISTS events_accepted("
    " event_key TEXT PRIMARY KEY, event TEXT NOT NULL, wall_ms INTEGER NOT NULL,"
    " reason TEXT NOT NULL);"
    /* the event key HQ first counted under an accepted key id (a key id
     * is not derived from its key: another key may carry the same id) */
    "CREATE TABLE IF NOT EXISTS event_pubs("
    " event_key TEXT PRIMARY KEY, event_pub TEXT NOT NULL, bundle INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS distrusted("
    " event TEXT PRIMARY KEY, wall_ms INTEGER NOT NULL, reason TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS log("
    " seq INTEGER PRIMARY KEY, wall_ms INTEGER NOT NULL, action TEXT NOT NULL,"
    " bundle INTEGER NOT NULL, subject TEXT NOT NULL, reason TEXT NOT NULL,"
    " prev BLOB NOT NULL, hash BLOB NOT NULL);"
    /* HQ staff of the web inbox (wat-hq): Argon2id hashes (crypto_pwhash_str) */
    "CREATE TABLE IF NOT EXISTS staff("
    " name TEXT PRIMARY KEY, pwhash TEXT NOT NULL, admin INTEGER NOT NULL,"
    " disabled INTEGER NOT NULL DEFAULT 0, wall_ms INTEGER NOT NULL);"
    /* schema 3: each counted ledger's pledges (pledges.csv joined with
     * outstanding.csv by the pledge's entry), replaced at each merge */
    "CREATE TABLE IF NOT EXISTS pledges("
    " identity TEXT NOT NULL, seq INTEGER NOT NULL, ext_id TEXT NOT NULL,"
    " walker INTEGER NOT NULL, walker_name TEXT NOT NULL, sponsor TEXT NOT NULL,"
    " kind TEXT NOT NULL, rate INTEGER NOT NULL, max INTEGER NOT NULL,"
    " online INTEGER NOT NULL, paid_here INTEGER NOT NULL, in_force INTEGER NOT NULL,"
    " laps INTEGER NOT NULL, billed INTEGER NOT NULL, owed INTEGER, final INTEGER NOT NULL,"
    " PRIMARY KEY(identity, seq)) WITHOUT ROWID;"
    /* each pledge's laps by the station that counted them, as its holding
     * station's outstanding.csv states them (laps_by_station), and the lap
     * length and cap its settlement used: a pledge held at several
     * stations counts each station's laps once (added without a schema
     * step: a ledger merged before has none, and its pledges' own laps) */
    "CREATE TABLE IF NOT EXISTS pledge_laps("
    " identity TEXT NOT NULL, seq INTEGER NOT NULL, station TEXT NOT NULL,"
    " upto INTEGER NOT NULL, laps INTEGER NOT NULL,"
    " PRIMARY KEY(identity, seq, station)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS pledge_rules("
    " identity TEXT PRIMARY KEY, lap_milli INTEGER NOT NULL, lap_unit INTEGER NOT NULL,"
    " cap INTEGER NOT NULL) WITHOUT ROWID;"
    /* a station's backup copy carried in its peers' bundles: counted (its
     * figures) only while its own bundle is missing; made where missing */
    "CREATE TABLE IF NOT EXISTS copies("
    " identity TEXT PRIMARY KEY, event_tag TEXT NOT NULL, station TEXT NOT NULL,"
    " event TEXT NOT NULL, event_key TEXT NOT NULL, carrier TEXT NOT NULL, carrier_station TEXT "
    "NOT NULL,"
    " bundle INTEGER NOT NULL, head_seq INTEGER NOT NULL, last_wall_ms INTEGER NOT NULL,"
    " cash_cents INTEGER NOT NULL, check_cents INTEGER NOT NULL, checks INTEGER NOT NULL);"
    /* each copy's entry hashes: a later own bundle must be on its chain */
    "CREATE TABLE IF NOT EXISTS copy_hashes("
    " identity TEXT NOT NULL, seq INTEGER NOT NULL, hash BLOB NOT NULL,"
    " PRIMARY KEY(identity, seq)) WITHOUT ROWID;"
    "CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries BEGIN"
    " SELECT RAISE(ABORT, 'merged entries are never changed'); END;"
    "CREATE TRIGGER IF NOT EXISTS log_no_update BEFORE UPDATE ON log BEGIN"
    " SELECT RAISE(ABORT, 'HQ''s decisions are never changed'); END;"
    "CREATE TRIGGER IF NOT EXISTS log_no_delete BEFORE DELETE ON log BEGIN"
    " SELECT RAISE(ABORT, 'HQ''s decisions are never deleted'); END;";

/* Schema 1 to 2: the same rows keyed by each ledger's identity (the hash of
 * its entry 1); each merge a counted bundle; figures refolded after. */
static const char hq_upgrade_1[] =
    "DROP TRIGGER IF EXISTS entries_no_update; DROP INDEX IF EXISTS entries_ref;"
    "ALTER TABLE stations RENAME TO v1_stations; ALTER TABLE entries RENAME TO v1_entries;"
    "ALTER TABLE merges RENAME TO v1_merges;"
    "DROP TABLE IF EXISTS figures; DROP TABLE IF EXISTS walkers;"
    "CREATE TEMP TABLE v1_ids AS SELECT event_tag, station, lower(hex(hash)) AS identity"
    " FROM v1_entries WHERE seq = 1;"
    "%s"
    "INSERT INTO bundles(wall_ms, file, identity, event_tag, station, event_name, city, date,"
    " key_id, export_no, last_seq, total_cents, outcome, reason_code, reason)"
    " SELECT m.wall_ms, m.file, i.identity, m.event_tag, m.station, s.event_name, s.city,"
    " s.date, s.key_id, m.export_no, m.last_seq, 0, 'counted', '', 'merged before HQ schema 2'"
    " FROM v1_merges m JOIN v1_stations s USING(event_tag, station)"
    " JOIN v1_ids i USING(event_tag, station) ORDER BY m.rowid;"
    "INSERT INTO stations(identity, event_tag, station, event_name, city, date, key_id,"
    " public_key, last_seq, head, last_export, bundle, state, vouched)"
    " SELECT i.identity, s.event_tag, s.station, s.event_name, s.city,"
    " s.date, s.key_id, s.public_key, s.last_seq, s.head, s.last_export,"
    " COALESCE((SELECT MAX(b.id) FROM bundles b WHERE b.identity = i.identity), 0),"
    " 'counted', 0 FROM v1_stations s JOIN v1_ids i USING(event_tag, station);"
    "INSERT INTO entries SELECT s.id, e.seq, e.kind, e.walker, e.ref, e.cents, e.method,"
    " e.manual, e.wall_ms, e.hash FROM v1_entries e JOIN v1_ids i USING(event_tag, station)"
    " JOIN stations s ON s.identity = i.identity;"
    "DROP TABLE v1_entries; DROP TABLE v1_merges; DROP TABLE v1_stations; DROP TABLE v1_ids;";

static int hq_refold(struct hq *h, const char *identity, char **cause);
static int hq_log_add(struct hq *h, const char *action, int64_t bundle, const char *subject,
                      const char *reason);
static int hq_dash_store_closeouts(struct hq *h, const char *id, const struct bundle_content *c);

static int
hq_fail(struct hq *h, char **cause, const char *what)
{
	return util_fail(cause, "The HQ database %s could not %s: %s.", h->path, what,
	                 sqlite3_errmsg(h->db));
}

void
hq_free(struct hq *h)
{
	if (h == NULL)
		return;
	sqlite3_close(h->db);
	free(h->path);
	free(h);
}

void
hq_held_free(struct hq_held *b)
{
	free(b->file);
	free(b->data);
	free(b->sig);
	memset(b, 0, sizeof *b);
}

static int64_t
hq_count(struct hq *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* hq_count with one text parameter. */
static int64_t
hq_count_of(struct hq *h, const char *sql, const char *a)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int64_t
hq_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A statement with its text parameters bound in order (NULL: SQL NULL). */
static sqlite3_stmt *
hq_prep(struct hq *h, const char *sql, int n, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int i;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	va_start(ap, n);
	for (i = 1; i <= n; i++) {
		const char *v = va_arg(ap, const char *);
		if (v != NULL)
			sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	}
	va_end(ap);
	return st;
}

/* Runs a statement made by hq_prep to its end: 0, or -1. */
static int
hq_run(sqlite3_stmt *st)
{
	int rc = st != NULL && sqlite3_step(st) == SQLITE_DONE ? 0 : -1;

	sqlite3_finalize(st);
	return rc;
}

/* The schema of the file: 0 empty (new), 1 to HQ_SCHEMA HQ's, else -1 with a
 * sentence, before anything is written to it: a station's ledger given as
 * --db once got HQ's tables added beside its own. */
static int
hq_version(struct hq *h, char **cause)
{
	int64_t all = hq_count(h, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"),
	        v = hq_count(h, "PRAGMA user_version");

	if (all < 0 || v < 0)
		return hq_fail(h, cause, "be read (is it an HQ database?)");
	if (all == 0)
		return 0;
	if (hq_count(h, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
	                "('meta', 'secrets')") == 2)
		return util_fail(
		    cause,
		    "%s is a station's ledger, not an HQ database: nothing was changed. "
		    "Give merge the HQ database (a new file is made if there is none).",
		    h->path);
	if (v > HQ_SCHEMA)
		return util_fail(
		    cause,
		    "%s is an HQ database of a newer version of W.A.T. (schema %" PRId64
		    "; this one reads %d): nothing was changed. Update this software.",
		    h->path, v, HQ_SCHEMA);
	if ((v == HQ_SCHEMA || v == 2) &&
	    hq_count(h, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
	                "('stations', 'entries', 'bundles', 'log')") == 4)
		return (int)v;
	if (v == 0 &&
	    hq_count(h, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
	                "('stations', 'entries', 'merges')") == 3 &&
	    hq_count(h, "SELECT COUNT(*) FROM pragma_table_info('entries') WHERE name = "
	                "'event_tag'") == 1)
		return 1;
	return util_fail(cause,
	                 "%s is a database of another program, not an HQ database: nothing "
	                 "was changed.",
	                 h->path);
}

/* Pledge payments that arrive at HQ by mail (hq_pay): a payment against a
 * sponsor's statement (its id, ledger identity and first pledge), and its
 * parts: what went toward each pledge, by the pledge's key as hq-report
 * counts it (HQ_PLEDGE_CTE's k); the rest of cents is the gift.  Never
 * changed or deleted; each one in HQ's log. */
static const char hq_pay_schema[] =
    "CREATE TABLE IF NOT EXISTS payments("
    " id INTEGER PRIMARY KEY, wall_ms INTEGER NOT NULL, statement TEXT NOT NULL,"
    " identity TEXT NOT NULL, pledge_seq INTEGER NOT NULL, walker INTEGER NOT NULL,"
    " sponsor TEXT NOT NULL, cents INTEGER NOT NULL, applied INTEGER NOT NULL,"
    " gift INTEGER NOT NULL, method TEXT NOT NULL, check_no TEXT NOT NULL,"
    " by TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS pay_parts("
    " payment INTEGER NOT NULL, k TEXT NOT NULL, cents INTEGER NOT NULL,"
    " PRIMARY KEY(payment, k)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS pay_parts_k ON pay_parts(k);"
    /* wat-hq's staff sessions, kept across a restart: by the hash of the
     * cookie's id (BLAKE2b; the id itself is never stored), ended rows
     * deleted (a session is no record of HQ's) */
    "CREATE TABLE IF NOT EXISTS staff_sessions("
    " idhash TEXT PRIMARY KEY, user TEXT NOT NULL, admin INTEGER NOT NULL,"
    " csrf TEXT NOT NULL, start_ms INTEGER NOT NULL, seen_ms INTEGER NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS payments_no_update BEFORE UPDATE ON payments BEGIN"
    " SELECT RAISE(ABORT, 'payments are never changed'); END;"
    "CREATE TRIGGER IF NOT EXISTS payments_no_delete BEFORE DELETE ON payments BEGIN"
    " SELECT RAISE(ABORT, 'payments are never deleted'); END;";

/* Brings a schema 1 or 2 file up to HQ_SCHEMA in one transaction, each
 * step in HQ's log.  2 to 3 adds the pledges table (hq_schema): a ledger
 * counted before has its pledges from its next bundle, or from the same
 * bundle merged again. */
static int
hq_upgrade(struct hq *h, int from, char **cause)
{
	char *sql = xasprintf(hq_upgrade_1, hq_schema), *note = NULL;
	int64_t n;
	int rc = -1;

	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    (from == 1 && sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK) ||
	    sqlite3_exec(h->db, hq_schema, NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be brought up to date");
		goto end;
	}
	n = hq_count(h, "SELECT COUNT(*) FROM stations");
	if (from == 1)
		note = xasprintf("HQ database upgraded from schema 1 to %d: %" PRId64
		                 " stations' ledgers, now keyed by ledger identity; pledges "
		                 "come with each ledger's next bundle",
		                 HQ_SCHEMA, n);
	else
		note = xasprintf("HQ database upgraded from schema %d to %d: pledges "
		                 "(pledges.csv, outstanding.csv) of the %" PRId64
		                 " stations' ledgers come with each one's next bundle, or "
		                 "the same bundle merged again",
		                 from, HQ_SCHEMA, n);
	rc = hq_log_add(h, "upgrade", 0, "HQ database", note);
	if (rc != 0 || sqlite3_exec(h->db, "PRAGMA user_version = " HQ_SCHEMA_TEXT "; COMMIT", NULL,
	                            NULL, NULL) != SQLITE_OK) {
		rc = hq_fail(h, cause, "be brought up to date");
		goto end;
	}
	rc = 0;
end:
	if (rc != 0)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	free(note);
	free(sql);
	return rc;
}

static void hq_owed_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv);

int
hq_open(const char *path, struct hq **out, char **cause)
{
	struct hq *h = xcalloc(1, sizeof *h);
	int rc = -1, v;

	h->path = xstrdup(path);
	if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		util_fail(cause, "Cannot open the HQ database %s: %s.", path,
		          h->db ? sqlite3_errmsg(h->db) : "out of memory");
		goto end;
	}
	sqlite3_busy_timeout(h->db, 2000);
	sqlite3_create_function(h->db, "hq_owed", 7, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                        hq_owed_fn, NULL, NULL);
	/* One connection, exclusive: see shared notes on sqlite (WAL-reset bug). */
	if (sqlite3_exec(h->db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be opened (is it an HQ database, and not in use?)");
		goto end;
	}
	if ((v = hq_version(h, cause)) < 0)
		goto end;
	if (sqlite3_exec(h->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
	                 NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be opened (is it an HQ database, and not in use?)");
		goto end;
	}
	if (v > 0 && v < HQ_SCHEMA && hq_upgrade(h, v, cause) != 0)
		goto end;
	if (sqlite3_exec(h->db, hq_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(h->db, "PRAGMA user_version = " HQ_SCHEMA_TEXT, NULL, NULL, NULL) !=
	        SQLITE_OK) {
		hq_fail(h, cause, "be opened (is it an HQ database, and not in use?)");
		goto end;
	}
	/* payments by mail (hq_pay): tables of their own, made where missing
	 * (no schema step: a file without them has none) */
	if (sqlite3_exec(h->db, hq_pay_schema, NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be opened (is it an HQ database, and not in use?)");
		goto end;
	}
	if (hq_refold(h, NULL, cause) != 0)
		goto end;
	*out = h;
	h = NULL;
	rc = 0;
end:
	hq_free(h);
	return rc;
}

/* ---- HQ's log ---- */

static void
hq_log_hash(const unsigned char prev[32], int64_t seq, int64_t wall_ms, const char *action,
            int64_t bundle, const char *subject, const char *reason, unsigned char out[32])
{
	struct strbuf b = STRBUF_INIT;

	strbuf_add(&b, (const char *)prev, 32);
	strbuf_printf(&b, "%" PRId64 "\t%" PRId64 "\t%s\t%" PRId64 "\t%s\t%s", seq, wall_ms, action,
	              bundle, subject, reason);
	bundle_sha256(b.s, b.len, out);
	strbuf_free(&b);
}

/* One decision appended to the log, inside the caller's transaction. */
static int
hq_log_add(struct hq *h, const char *action, int64_t bundle, const char *subject,
           const char *reason)
{
	sqlite3_stmt *st = NULL;
	unsigned char prev[32] = {0}, hash[32];
	int64_t seq = 1, now = hq_now_ms();
	int rc = -1;

	if (sqlite3_prepare_v2(h->db, "SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1", -1,
	                       &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		seq = sqlite3_column_int64(st, 0) + 1;
		memcpy(prev, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_finalize(st);
	hq_log_hash(prev, seq, now, action, bundle, subject, reason, hash);
	if (sqlite3_prepare_v2(h->db,
	                       "INSERT INTO log(seq, wall_ms, action, bundle, subject, reason, "
	                       "prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, bundle);
	sqlite3_bind_text(st, 5, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

int
hq_log(struct hq *h, char **text, int *intact, char **cause)
{
	struct strbuf b = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	unsigned char prev[32] = {0}, hash[32];
	int64_t n = 0, bad = 0;
	char when[40];

	*intact = 1;
	if (sqlite3_prepare_v2(h->db,
	                       "SELECT seq, wall_ms, action, bundle, subject, reason, prev, hash "
	                       "FROM log ORDER BY seq",
	                       -1, &st, NULL) != SQLITE_OK)
		return hq_fail(h, cause, "be read");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0), wall = sqlite3_column_int64(st, 1),
		        bundle = sqlite3_column_int64(st, 3);
		const char *action = (const char *)sqlite3_column_text(st, 2),
		           *subject = (const char *)sqlite3_column_text(st, 4),
		           *reason = (const char *)sqlite3_column_text(st, 5);
		char *s1 = text_escape(subject, 0), *s2 = text_escape(reason, 0);

		hq_log_hash(prev, seq, wall, action, bundle, subject, reason, hash);
		if (bad == 0 && (seq != n + 1 || sqlite3_column_bytes(st, 6) != 32 ||
		                 memcmp(sqlite3_column_blob(st, 6), prev, 32) != 0 ||
		                 sqlite3_column_bytes(st, 7) != 32 ||
		                 memcmp(sqlite3_column_blob(st, 7), hash, 32) != 0))
			bad = n + 1;
		if (sqlite3_column_bytes(st, 7) == 32)
			memcpy(prev, sqlite3_column_blob(st, 7), 32);
		strbuf_printf(&b, "%4" PRId64 "  %s  %-9s", seq,
		              stamp_format_utc(wall, when, sizeof when), action);
		if (bundle > 0)
			strbuf_printf(&b, " #%-4" PRId64, bundle);
		strbuf_printf(&b, "  %s: %s\n", s1, s2);
		free(s1);
		free(s2);
		n = seq;
	}
	sqlite3_finalize(st);
	if (bad != 0) {
		*intact = 0;
		strbuf_printf(
		    &b,
		    "HQ's log: decision %" PRId64
		    " was changed, removed or put in after it was recorded (its hash does "
		    "not chain): this database was edited outside watctl. Use a backup.\n",
		    bad);
	} else
		strbuf_printf(&b, "HQ's log: %" PRId64 " decision%s, hash chain intact.\n", n,
		              n == 1 ? "" : "s");
	*text = strbuf_take(&b);
	return 0;
}

/* ---- figures ---- */

/* Replaces a ledger's figures and walkers with the fold's (fig; walkers
 * ws[0..nw)), inside the caller's transaction. */
static int
hq_store_figures(struct hq *h, const char *id, const char *tag, const char *station,
                 const struct fold_figures *fig, const uint32_t *ws, size_t nw)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = -1;

	if (hq_run(hq_prep(h, "DELETE FROM walkers WHERE identity = ?1", 1, id)) != 0)
		goto end;
	if ((st = hq_prep(h,
	                  "INSERT INTO walkers(identity, event_tag, station, walker) VALUES (?1, "
	                  "?2, ?3, ?4)",
	                  3, id, tag, station)) == NULL)
		goto end;
	for (i = 0; i < nw; i++) {
		sqlite3_bind_int64(st, 4, ws[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto end;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if ((st = hq_prep(h,
	                  "INSERT OR REPLACE INTO figures(identity, event_tag, station, walkers, "
	                  "checked_in, laps, manual_laps, flagged_laps, donations, checks, "
	                  "cash_cents, check_cents, other_cents, annulled) VALUES (?1, ?2, ?3, "
	                  "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	                  3, id, tag, station)) == NULL)
		goto end;
	sqlite3_bind_int64(st, 4, fig->walkers);
	sqlite3_bind_int64(st, 5, fig->checked_in);
	sqlite3_bind_int64(st, 6, fig->laps);
	sqlite3_bind_int64(st, 7, fig->manual_laps);
	sqlite3_bind_int64(st, 8, fig->flagged_laps);
	sqlite3_bind_int64(st, 9, fig->donations);
	sqlite3_bind_int64(st, 10, fig->checks);
	sqlite3_bind_int64(st, 11, fig->cash_cents);
	sqlite3_bind_int64(st, 12, fig->check_cents);
	sqlite3_bind_int64(st, 13, fig->other_cents);
	sqlite3_bind_int64(st, 14, fig->annulled);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto end;
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

/* A ledger's figures out of the totals (revoked, distrusted). */
static int
hq_drop_figures(struct hq *h, const char *id)
{
	if (hq_run(hq_prep(h, "DELETE FROM walkers WHERE identity = ?1", 1, id)) != 0 ||
	    hq_run(hq_prep(h, "DELETE FROM figures WHERE identity = ?1", 1, id)) != 0)
		return -1;
	return 0;
}

/* ---- pledges ---- */

/* Cents of a CSV's plain amount ("12.50", as bundle.c writes it): 0, or -1
 * (empty: an amount not known). */
static int
hq_cents(const char *s, int64_t *out)
{
	int64_t v = 0;
	int dec = -1;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s == '.' && dec < 0) {
			dec = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || v > INT64_MAX / 100 || dec == 2)
			return -1;
		v = v * 10 + (*s - '0');
		if (dec >= 0)
			dec++;
	}
	for (; dec < 2; dec = dec < 0 ? 1 : dec + 1)
		v *= 10;
	*out = v;
	return 0;
}

/* A text field as the station wrote it before making it Excel-safe
 * (csv_field's leading apostrophe taken off). */
static const char *
hq_text(const char *s)
{
	return s[0] == '\'' && s[1] != '\0' && strchr("=+-@\t\r", s[1]) != NULL ? s + 1 : s;
}

/* The columns named in names[0..n) of a CSV's header, into col[] (-1: absent). */
static void
hq_columns(const struct csv_record *hdr, const char *const *names, int *col, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		col[k] = -1;
		for (size_t i = 0; i < hdr->nfields; i++)
			if (strcmp(hdr->fields[i], names[k]) == 0)
				col[k] = (int)i;
	}
}

static const char *
hq_field(const struct csv_record *r, const int *col, int k)
{
	return col[k] >= 0 && (size_t)col[k] < r->nfields ? r->fields[col[k]] : "";
}

/* What outstanding.csv says of one pledge in force. */
struct hq_owing {
	int64_t seq, laps, billed, owed; /* owed -1: no amount (no lap length) */
	int final;
	char *by_station; /* laps_by_station: "T1:40:1 T2:55:2" (owned) */
};

static void
hq_owing_free(struct hq_owing *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i].by_station);
	free(v);
}

/* outstanding.csv's rows (malloc'd, *n of them, in the file's order: by seq). */
static int
hq_owing_read(const char *csv, size_t len, struct hq_owing **out, size_t *n)
{
	static const char *const names[] = {"pledge_seq", "laps",  "billed_laps",
	                                    "owed",       "final", "laps_by_station"};
	struct csv_reader *r = csv_reader_new(csv, len);
	struct csv_record rec;
	struct hq_owing *v = NULL;
	int col[6], got, rc = -1;
	char *why = NULL;

	*out = NULL;
	*n = 0;
	if ((got = csv_next(r, &rec, &why)) != 1)
		goto end;
	hq_columns(&rec, names, col, 6);
	while ((got = csv_next(r, &rec, &why)) == 1) {
		struct hq_owing o = {0};
		o.seq = strtoll(hq_field(&rec, col, 0), NULL, 10);
		o.laps = strtoll(hq_field(&rec, col, 1), NULL, 10);
		o.billed = strtoll(hq_field(&rec, col, 2), NULL, 10);
		if (hq_cents(hq_field(&rec, col, 3), &o.owed) != 0)
			o.owed = -1;
		o.final = strcmp(hq_field(&rec, col, 4), "yes") == 0;
		o.by_station = xstrdup(hq_field(&rec, col, 5));
		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = o;
	}
	rc = got == 0 ? 0 : -1;
end:
	free(why);
	csv_reader_free(r);
	if (rc != 0) {
		hq_owing_free(v, *n);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

/* Stores one pledge's laps_by_station ("T1:40:1 T2:55:2": station, its
 * last entry counted, the walker's counted laps there). */
static int
hq_store_laps(struct hq *h, const char *id, int64_t seq, const char *by)
{
	sqlite3_stmt *st = hq_prep(h,
	                           "INSERT OR REPLACE INTO pledge_laps(identity, seq, station, "
	                           "upto, laps) VALUES (?1, ?2, ?3, ?4, ?5)",
	                           1, id);
	int rc = st != NULL ? 0 : -1;

	while (rc == 0 && *by != '\0') {
		char station[ENTRY_STATION_MAX + 1];
		long long upto, laps;
		int used = 0;

		if (sscanf(by, " %16[A-Za-z0-9-]:%lld:%lld%n", station, &upto, &laps, &used) != 3 ||
		    upto < 0 || laps < 0)
			break; /* verify recomputed the file: only what bundle.c writes */
		by += used;
		sqlite3_bind_int64(st, 2, seq);
		sqlite3_bind_text(st, 3, station, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, upto);
		sqlite3_bind_int64(st, 5, laps);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Replaces a ledger's pledges with its bundle's (pledges.csv joined with
 * outstanding.csv), inside the caller's transaction.  The CSVs are those
 * bundle_compute made again from the ledger, so they are the ledger's. */
static int
hq_store_pledges(struct hq *h, const char *id, const struct bundle_content *c)
{
	static const char *const names[] = {
	    "seq", "walker",      "walker_name", "sponsor",   "kind",       "rate",
	    "max", "external_id", "paid_online", "paid_here", "annulled_by"};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct hq_owing *ow = NULL;
	sqlite3_stmt *st = NULL;
	size_t now = 0, k = 0;
	int col[11], got, rc = -1;
	char *why = NULL;

	if (hq_run(hq_prep(h, "DELETE FROM pledges WHERE identity = ?1", 1, id)) != 0 ||
	    hq_run(hq_prep(h, "DELETE FROM pledge_laps WHERE identity = ?1", 1, id)) != 0 ||
	    hq_run(hq_prep(h, "DELETE FROM pledge_rules WHERE identity = ?1", 1, id)) != 0)
		return -1;
	if (!c->fig.pledges || c->csv[BUNDLE_PLEDGES] == NULL)
		return 0;
	if ((st = hq_prep(h,
	                  "INSERT INTO pledge_rules(identity, lap_milli, lap_unit, cap) VALUES "
	                  "(?1, ?2, ?3, ?4)",
	                  1, id)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 2, c->pledge_lap.milli);
	sqlite3_bind_int(st, 3, (int)c->pledge_lap.unit);
	sqlite3_bind_int64(st, 4, c->pledge_lap_cap);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	st = NULL;
	if (rc != 0)
		return -1;
	rc = -1;
	if (c->csv[BUNDLE_OUTSTANDING] == NULL ||
	    hq_owing_read(c->csv[BUNDLE_OUTSTANDING], c->csv_len[BUNDLE_OUTSTANDING], &ow, &now) !=
	        0)
		goto end;
	r = csv_reader_new(c->csv[BUNDLE_PLEDGES], c->csv_len[BUNDLE_PLEDGES]);
	if (csv_next(r, &rec, &why) != 1)
		goto end;
	hq_columns(&rec, names, col, 11);
	if ((st = hq_prep(h,
	                  "INSERT INTO pledges(identity, seq, ext_id, walker, walker_name, "
	                  "sponsor, kind, rate, max, online, paid_here, in_force, laps, billed, "
	                  "owed, final) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	                  "?12, ?13, ?14, ?15, ?16)",
	                  1, id)) == NULL)
		goto end;
	while ((got = csv_next(r, &rec, &why)) == 1) {
		int64_t seq = strtoll(hq_field(&rec, col, 0), NULL, 10), rate = 0, max = 0,
		        online = 0, paid = 0;
		int in_force = hq_field(&rec, col, 10)[0] == '\0';
		const struct hq_owing *o = NULL;

		hq_cents(hq_field(&rec, col, 5), &rate);
		hq_cents(hq_field(&rec, col, 6), &max);
		hq_cents(hq_field(&rec, col, 8), &online);
		hq_cents(hq_field(&rec, col, 9), &paid);
		/* both files are in the pledges' order */
		while (k < now && ow[k].seq < seq)
			k++;
		if (k < now && ow[k].seq == seq)
			o = &ow[k];
		sqlite3_bind_int64(st, 2, seq);
		sqlite3_bind_text(st, 3, hq_text(hq_field(&rec, col, 7)), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, strtoll(hq_field(&rec, col, 1), NULL, 10));
		sqlite3_bind_text(st, 5, hq_text(hq_field(&rec, col, 2)), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, hq_text(hq_field(&rec, col, 3)), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, hq_field(&rec, col, 4), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 8, rate);
		sqlite3_bind_int64(st, 9, max);
		sqlite3_bind_int64(st, 10, online);
		sqlite3_bind_int64(st, 11, paid);
		sqlite3_bind_int(st, 12, in_force && o != NULL);
		sqlite3_bind_int64(st, 13, o != NULL ? o->laps : 0);
		sqlite3_bind_int64(st, 14, o != NULL ? o->billed : 0);
		if (o != NULL && o->owed >= 0)
			sqlite3_bind_int64(st, 15, o->owed);
		else
			sqlite3_bind_null(st, 15);
		sqlite3_bind_int(st, 16, o != NULL && o->final);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto end;
		sqlite3_reset(st);
		if (o != NULL && in_force && hq_store_laps(h, id, seq, o->by_station) != 0)
			goto end;
	}
	rc = got == 0 ? 0 : -1;
end:
	sqlite3_finalize(st);
	csv_reader_free(r);
	hq_owing_free(ow, now);
	free(why);
	return rc;
}

/* The figures of each counted ledger that has none (identity NULL: every
 * one; a database from before they were kept, or upgraded), folded from
 * the entries HQ holds (their kinds, walkers, references, amounts and
 * methods: all that the figures HQ reports depend on). */
static int
hq_refold(struct hq *h, const char *identity, char **cause)
{
	sqlite3_stmt *sts = NULL, *es = NULL;
	struct entry *e = NULL;
	size_t n, cap = 0;
	int rc = -1, own_tx = sqlite3_get_autocommit(h->db);

	if (identity == NULL &&
	    hq_count(h, "SELECT COUNT(*) FROM stations s WHERE state = 'counted' AND NOT EXISTS "
	                "(SELECT 1 FROM figures f WHERE f.identity = s.identity)") == 0)
		return 0;
	if ((sts = hq_prep(h,
	                   "SELECT identity, event_tag, station FROM stations s WHERE "
	                   "(?1 IS NULL AND state = 'counted' AND NOT EXISTS (SELECT 1 FROM "
	                   "figures f WHERE f.identity = s.identity)) OR identity = ?1",
	                   1, identity)) == NULL ||
	    sqlite3_prepare_v2(
	        h->db,
	        "SELECT seq, kind, walker, ref, cents, method, manual, wall_ms FROM "
	        "entries WHERE ledger = (SELECT id FROM stations WHERE identity = ?1) "
	        "ORDER BY seq",
	        -1, &es, NULL) != SQLITE_OK ||
	    (own_tx && sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)) {
		hq_fail(h, cause, "be brought up to date");
		goto end;
	}
	while (sqlite3_step(sts) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(sts, 0),
		           *tag = (const char *)sqlite3_column_text(sts, 1),
		           *station = (const char *)sqlite3_column_text(sts, 2);
		struct fold *f = NULL;
		uint32_t *ids;
		size_t nw;
		int stored;
		char *why = NULL;

		sqlite3_bind_text(es, 1, id, -1, SQLITE_TRANSIENT);
		for (n = 0; sqlite3_step(es) == SQLITE_ROW; n++) {
			const char *kind = (const char *)sqlite3_column_text(es, 1);
			const char *method = (const char *)sqlite3_column_text(es, 5);
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				e = xrealloc(e, cap * sizeof *e);
			}
			memset(&e[n], 0, sizeof e[n]);
			e[n].seq = sqlite3_column_int64(es, 0);
			if (e[n].seq != (int64_t)n + 1 ||
			    entry_kind_find(kind, strlen(kind), &e[n].kind) != 0) {
				util_fail(
				    cause,
				    "The HQ database %s holds an entry %" PRId64
				    " of station %s that cannot be read; nothing was changed.",
				    h->path, e[n].seq, station);
				sqlite3_reset(es);
				goto end;
			}
			e[n].walker = (uint32_t)sqlite3_column_int64(es, 2);
			e[n].ref.seq = sqlite3_column_int64(es, 3);
			e[n].cents = sqlite3_column_int64(es, 4);
			rules_method_parse(method, &e[n].method);
			e[n].manual = sqlite3_column_int(es, 6);
			e[n].at.wall_ms = sqlite3_column_int64(es, 7);
		}
		sqlite3_reset(es);
		if (fold_run(e, n, NULL, &f, &why) != 0) {
			util_fail(cause, "The HQ database %s: station %s: %s", h->path, station,
			          why);
			free(why);
			goto end;
		}
		ids = fold_registered(f, &nw);
		stored = hq_store_figures(h, id, tag, station, fold_figures(f), ids, nw);
		free(ids);
		fold_free(f);
		if (stored != 0) {
			hq_fail(h, cause, "be brought up to date");
			goto end;
		}
	}
	if (own_tx && sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be brought up to date");
		goto end;
	}
	rc = 0;
end:
	if (rc != 0 && own_tx)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(es);
	sqlite3_finalize(sts);
	free(e);
	return rc;
}

/* ---- merging ---- */

/* What HQ holds of one ledger. */
struct hq_station {
	int found;
	char key[128], key_id[17], state[16];
	int64_t last_seq, last_export, bundle;
	int vouched;
};

static int
hq_station_load(struct hq *h, const char *id, struct hq_station *s)
{
	sqlite3_stmt *st = hq_prep(h,
	                           "SELECT public_key, key_id, state, last_seq, last_export, "
	                           "bundle, vouched FROM stations WHERE identity = ?1",
	                           1, id);
	int rc = -1;

	memset(s, 0, sizeof *s);
	if (st == NULL)
		return -1;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		s->found = 1;
		snprintf(s->key, sizeof s->key, "%s", sqlite3_column_text(st, 0));
		snprintf(s->key_id, sizeof s->key_id, "%s", sqlite3_column_text(st, 1));
		snprintf(s->state, sizeof s->state, "%s", sqlite3_column_text(st, 2));
		s->last_seq = sqlite3_column_int64(st, 3);
		s->last_export = sqlite3_column_int64(st, 4);
		s->bundle = sqlite3_column_int64(st, 5);
		s->vouched = sqlite3_column_int(st, 6);
		rc = 0;
		break;
	case SQLITE_DONE: rc = 0; break;
	default: break;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The reason a bundle cannot count without a person, as a code and a
 * sentence; code "" when it can. */
struct hq_case {
	char code[16];
	char why[520];
};

static void hq_case_set(struct hq_case *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
hq_case_set(struct hq_case *c, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (c->code[0] != '\0')
		return; /* the first reason found is the one a person decides first */
	snprintf(c->code, sizeof c->code, "%s", code);
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof c->why, fmt, ap);
	va_end(ap);
}

/* What a bundle's certificate and charter say (hq_chain_read). */
struct hq_chain {
	int cert;                        /* 1: the bundle has a station.cert */
	int chartered;                   /* 1: and a charter */
	char event[TRUST_EVENT_MAX + 1]; /* the certificate's event id */
	char event_key[17];              /* the key id that signed the certificate */
	char station_pub[64];            /* the certified station key */
	unsigned char ledger[TRUST_LEDGER_LEN];
	int64_t serial;
	char event_pub[64]; /* unchartered: the bundle's event.pub, to pin; "" none */
};

/* An event without a charter, accepted by its key id: the bundle's
 * event.pub must carry that id and have made the certificate, and be the
 * key HQ first counted under that id (event_pubs), else the bundle is held
 * naming why.  A first key is kept in ch->event_pub, pinned when counted. */
static int
hq_chain_evpub(struct hq *h, const struct bundle_meta *m, const struct trust_cert *tc,
               struct hq_chain *ch, struct hq_case *c)
{
	struct sign_pub ev;
	sqlite3_stmt *st;
	char *why = NULL, *pub = NULL, kid[17];
	int rc = 0;

	if (m->event_pub == NULL) {
		hq_case_set(c, "chain",
		            "This bundle of event %s (no charter) does not carry the event's key "
		            "(event.pub: made by software from before it did), so nothing shows "
		            "that key %s made its certificate. Check its key id %s against the "
		            "station's paper close-out sheet.",
		            tc->event, ch->event_key, m->key_id);
		return 0;
	}
	if (sign_pub_parse(m->event_pub, strlen(m->event_pub), &ev, &why) != 0 ||
	    trust_cert_verify(tc, &ev, &why) != 0) {
		hq_case_set(c, "chain",
		            "station.cert is not made by event.pub, the key of event %s: %.200s",
		            tc->event, why != NULL ? why : "event.pub is not a key");
		goto end;
	}
	sign_keyid_hex(ev.id, kid);
	if (strcmp(kid, ch->event_key) != 0) {
		hq_case_set(c, "chain", "event.pub is key %s, not the certificate's %s.", kid,
		            ch->event_key);
		goto end;
	}
	pub = sign_pub_base64(&ev);
	if ((st = hq_prep(h, "SELECT event_pub, bundle FROM event_pubs WHERE event_key = ?1", 1,
	                  ch->event_key)) == NULL) {
		rc = -1;
		goto end;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *was = (const char *)sqlite3_column_text(st, 0);
		if (was == NULL || strcmp(was, pub) != 0)
			hq_case_set(c, "chain",
			            "Event key id %s is carried by another key than the one HQ "
			            "counted it with (bundle #%lld): a key made to look like the "
			            "accepted event's (a forged certificate). Not counted.",
			            ch->event_key, (long long)sqlite3_column_int64(st, 1));
	} else
		snprintf(ch->event_pub, sizeof ch->event_pub, "%s", pub);
	sqlite3_finalize(st);
end:
	free(pub);
	free(why);
	return rc;
}

/* The chain cert -> event key -> charter -> HQ's key, checked (h->chain),
 * into ch; what breaks it into c ("chain", or "unchartered": an event HQ
 * has not accepted by its key id). */
static int
hq_chain_read(struct hq *h, const struct bundle_report *rep, const char *id, struct hq_chain *ch,
              struct hq_case *c)
{
	const struct bundle_meta *m = &rep->meta;
	struct trust_cert tc;
	struct trust_charter tch;
	char *why = NULL, *pub;
	static const unsigned char zero[TRUST_LEDGER_LEN];
	char lid[HQ_ID_HEX];
	sqlite3_stmt *st;
	int rc = 0, known;

	memset(ch, 0, sizeof *ch);
	memset(&tc, 0, sizeof tc);
	memset(&tch, 0, sizeof tch);
	if (m->cert == NULL) {
		if (h->chain)
			hq_case_set(
			    c, "chain",
			    "This bundle carries no station certificate (its station runs "
			    "software from before certificates, or joined with a pack that had "
			    "none): nothing chains it to an event HQ chartered or accepted. "
			    "Check its key id %s against the station's paper close-out sheet.",
			    m->key_id);
		return 0;
	}
	if (trust_cert_parse(m->cert, strlen(m->cert), &tc, &why) != 0) {
		hq_case_set(c, "chain", "station.cert cannot be read: %.200s", why);
		goto end;
	}
	ch->cert = 1;
	snprintf(ch->event, sizeof ch->event, "%s", tc.event);
	sign_keyid_hex(tc.event_key, ch->event_key);
	pub = sign_pub_base64(&tc.station_pub);
	snprintf(ch->station_pub, sizeof ch->station_pub, "%s", pub);
	free(pub);
	memcpy(ch->ledger, tc.ledger, sizeof ch->ledger);
	ch->serial = tc.serial;
	bundle_hex(tc.ledger, TRUST_LEDGER_LEN, lid);
	if (memcmp(tc.ledger, zero, sizeof zero) != 0 && strcmp(lid, id) != 0)
		hq_case_set(
		    c, "chain",
		    "station.cert certifies another ledger (%.8s) than this bundle's (%.8s): "
		    "a station's key folder copied to another ledger?",
		    lid, id);
	if (!h->chain)
		goto end;
	if (m->charter != NULL) {
		ch->chartered = 1;
		if (trust_charter_parse(m->charter, strlen(m->charter), &tch, &why) != 0 ||
		    trust_charter_verify_hq(&tch, &h->keys, &why) != 0) {
			hq_case_set(
			    c, "chain",
			    "The bundle's charter is not one HQ issued (%.200s): an outsider's "
			    "event?",
			    why);
			goto end;
		}
		if (strcmp(tch.event, tc.event) != 0 ||
		    trust_cert_verify(&tc, &tch.event_pub, &why) != 0) {
			hq_case_set(c, "chain",
			            "station.cert is not made by the key of the event HQ chartered "
			            "(%s): %.200s",
			            tch.event, why != NULL ? why : "another event id");
			goto end;
		}
		goto end;
	}
	/* no charter: an event HQ accepted by its key id (hq-accept --event-key) */
	if ((st = hq_prep(h, "SELECT 1 FROM events_accepted WHERE event_key = ?1", 1,
	                  ch->event_key)) == NULL) {
		rc = -1;
		goto end;
	}
	known = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (known && hq_chain_evpub(h, m, &tc, ch, c) != 0) {
		rc = -1;
		goto end;
	}
	if (!known)
		hq_case_set(
		    c, "unchartered",
		    "Event %s has no charter from HQ: its first station made its own event "
		    "key, key id %s. If that key id is the one on the event's paper close-out "
		    "sheet, accept the event once: watctl hq-accept --db HQ.db --event-key %s "
		    "--reason \"...\" (its held bundles then count).",
		    tc.event, ch->event_key, ch->event_key);
end:
	free(why);
	trust_cert_clear(&tc);
	trust_charter_clear(&tch);
	return rc;
}

/* A second certificate for one station id, or one serial seen twice. */
static int
hq_cert_check(struct hq *h, const struct hq_chain *ch, const char *id, const char *station,
              struct hq_case *c)
{
	sqlite3_stmt *st;

	if (!ch->cert)
		return 0;
	if ((st = hq_prep(h,
	                  "SELECT station, station_pub, identity, bundle FROM certs WHERE event = "
	                  "?1 AND serial = ?2",
	                  1, ch->event)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 2, ch->serial);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *s0 = (const char *)sqlite3_column_text(st, 0),
		           *p0 = (const char *)sqlite3_column_text(st, 1),
		           *i0 = (const char *)sqlite3_column_text(st, 2);
		if (strcmp(s0, station) != 0 || strcmp(p0, ch->station_pub) != 0)
			hq_case_set(
			    c, "serial",
			    "Certificate serial %" PRId64 " of event %s was counted before for "
			    "station %s (bundle #%lld): one serial used twice (a lost event "
			    "pack reused, or a forged certificate).",
			    ch->serial, ch->event, s0, (long long)sqlite3_column_int64(st, 3));
		else if (strcmp(i0, id) != 0)
			hq_case_set(
			    c, "cert",
			    "The certificate of station %s (serial %" PRId64 ") was counted "
			    "before with another ledger (%.8s, bundle #%lld): one pack or key "
			    "folder used on two stations.",
			    station, ch->serial, i0, (long long)sqlite3_column_int64(st, 3));
	}
	sqlite3_finalize(st);
	if ((st = hq_prep(h,
	                  "SELECT serial, bundle FROM certs WHERE event = ?1 AND station = ?2 AND "
	                  "(serial <> ?3 OR station_pub <> ?4)",
	                  2, ch->event, station)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 3, ch->serial);
	sqlite3_bind_text(st, 4, ch->station_pub, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		hq_case_set(c, "cert",
		            "A second certificate for station %s of event %s: serial %" PRId64
		            " here, serial %lld counted before (bundle #%lld).",
		            station, ch->event, ch->serial, (long long)sqlite3_column_int64(st, 0),
		            (long long)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	return 0;
}

void
hq_set_keys(struct hq *h, const struct trust_hq *keys)
{
	h->keys = *keys;
	h->chain = 1;
}

/* The reasons a bundle of ledger id must wait for a person (sets c). */
static int
hq_judge(struct hq *h, const struct bundle_report *rep, const char *id, const char *tag,
         const struct hq_station *s, struct hq_chain *ch, struct hq_case *c)
{
	const struct bundle_figures *f = &rep->content.fig;
	const struct bundle_meta *m = &rep->meta;
	sqlite3_stmt *st;
	int rc = 0;

	memset(c, 0, sizeof *c);
	memset(ch, 0, sizeof *ch);
	/* a distrusted event (by tag, event id or event key id): only a station
	 * a person vouched for, same key */
	if (hq_chain_read(h, rep, id, ch, &(struct hq_case){{0}, {0}}) != 0)
		return -1;
	if ((st = hq_prep(h,
	                  "SELECT reason FROM distrusted WHERE event IN (?1, NULLIF(?2, ''), "
	                  "NULLIF(?3, ''))",
	                  3, tag, ch->event, ch->event_key)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    !(s->found && s->vouched && strcmp(s->key, m->public_key) == 0))
		hq_case_set(
		    c, "distrusted",
		    "HQ marked this event (tag %s) distrusted (%s): its bundles wait until a "
		    "person checks the station's key id %s against the paper close-out "
		    "sheet.",
		    tag, sqlite3_column_text(st, 0), m->key_id);
	sqlite3_finalize(st);
	if (s->found && strcmp(s->state, "revoked") == 0)
		hq_case_set(c, "revoked",
		            "HQ revoked this station's ledger (bundle #%" PRId64
		            "): its bundles are not counted until a person accepts one.",
		            s->bundle);
	/* a ledger HQ counts, signed by the same key, chained (or a person
	 * accepted it) when it first came */
	if (!(s->found && strcmp(s->state, "counted") == 0 && strcmp(s->key, m->public_key) == 0) &&
	    hq_chain_read(h, rep, id, ch, c) != 0)
		return -1;
	if (s->found && strcmp(s->state, "distrusted") == 0)
		hq_case_set(c, "distrusted",
		            "This station's event was distrusted: its bundles wait until a person "
		            "checks the station's key id %s against the paper close-out sheet.",
		            m->key_id);
	if (s->found && strcmp(s->key, m->public_key) != 0)
		hq_case_set(c, "key",
		            "This ledger (station %s) was counted before signed by key %s; this "
		            "bundle is signed by key %s. Check the key id on the station's "
		            "close-out sheet.",
		            f->station, s->key_id, m->key_id);
	if (s->found && s->last_seq > 0) {
		int64_t k = f->last_seq < s->last_seq ? f->last_seq : s->last_seq;
		const struct bundle_entry *e = &rep->content.entries[k - 1];
		int same = 0;
		if ((st =
		         hq_prep(h,
		                 "SELECT hash FROM entries WHERE ledger = (SELECT id FROM stations "
		                 "WHERE identity = ?1) AND seq = ?2",
		                 1, id)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 2, k);
		same = sqlite3_step(st) == SQLITE_ROW &&
		       sqlite3_column_bytes(st, 0) == BUNDLE_HASH_LEN &&
		       memcmp(sqlite3_column_blob(st, 0), e->hash, BUNDLE_HASH_LEN) == 0;
		sqlite3_finalize(st);
		if (!same)
			hq_case_set(
			    c, "fork",
			    "The ledger's entry %" PRId64
			    " has another hash than the one HQ counted (bundle #%" PRId64
			    "): the ledger was forked (its card copied or restored, then used "
			    "twice). The branch HQ counted stays counted; this one cannot be "
			    "counted beside it.",
			    k, s->bundle);
	}
	/* a certificate seen before: its duplicate says more than the name */
	if (hq_cert_check(h, ch, id, f->station, c) != 0)
		return -1;
	if (!s->found) {
		/* another ledger counted under this station id of this event */
		if ((st = hq_prep(h,
		                  "SELECT key_id, bundle FROM stations WHERE event_tag = ?1 AND "
		                  "station = ?2 AND identity <> ?3 AND state = 'counted'",
		                  3, tag, f->station, id)) == NULL)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *other = (const char *)sqlite3_column_text(st, 0);
			hq_case_set(
			    c, "station",
			    "Station %s of %s (%s) was counted before from another ledger, signed "
			    "by "
			    "%s key %s (bundle #%lld); this one is signed by key %s. One of them "
			    "is "
			    "not the real station: check both key ids against the paper close-out "
			    "sheet, then hq-revoke the wrong one and hq-accept the right one.",
			    f->station, m->city ? m->city : "", m->date ? m->date : "",
			    strcmp(other, m->key_id) == 0 ? "the same" : "another", other,
			    (long long)sqlite3_column_int64(st, 1), m->key_id);
		}
		sqlite3_finalize(st);
	}
	return rc;
}

/* "station T1 of Walk (Jackson, MS, 2026-05-02), export 2, key K, ledger 1a2b3c4d" */
static char *
hq_subject(const struct bundle_report *rep, const char *id)
{
	const struct bundle_meta *m = &rep->meta;

	return xasprintf("station %s of %s (%s, %s), export %" PRId64 ", key %s, ledger %.8s",
	                 rep->content.fig.station, m->event_name ? m->event_name : "",
	                 m->city ? m->city : "", m->date ? m->date : "", m->export_no, m->key_id,
	                 id);
}

/* A row of bundles for rep, outcome and reason; data: file's bytes kept
 * (held).  *out: its id. */
static int
hq_bundle_add(struct hq *h, const struct bundle_report *rep, const char *id, const char *tag,
              const struct hq_chain *ch, const char *file, const char *outcome,
              const struct hq_case *c, int keep, int64_t *out, char **cause)
{
	const struct bundle_meta *m = &rep->meta;
	const struct bundle_figures *f = &rep->content.fig;
	sqlite3_stmt *st = NULL;
	char *data = NULL, *sig = NULL, *sigpath = NULL;
	size_t len = 0, slen = 0;
	int rc = -1;

	if (keep && file != NULL) {
		sigpath = xasprintf("%s.minisig", file);
		if (util_read_file(file, BUNDLE_MAX_ZIP, &data, &len, cause) != 0 ||
		    util_read_file(sigpath, SIGN_MINISIG_MAX, &sig, &slen, cause) != 0)
			goto end;
	}
	if ((st = hq_prep(h,
	                  "INSERT INTO bundles(wall_ms, file, identity, event_tag, station, "
	                  "event_name, city, date, key_id, export_no, last_seq, total_cents, "
	                  "outcome, reason_code, reason, data, sig, event, event_key, head) VALUES "
	                  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
	                  "?17, ?18, ?19, ?20)",
	                  0)) == NULL) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	sqlite3_bind_int64(st, 1, hq_now_ms());
	sqlite3_bind_text(st, 2, file ? file : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->station, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, m->event_name ? m->event_name : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, m->city ? m->city : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, m->date ? m->date : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, m->key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, f->export_no);
	sqlite3_bind_int64(st, 11, f->last_seq);
	sqlite3_bind_int64(st, 12, f->total_cents);
	sqlite3_bind_text(st, 13, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, c != NULL ? c->code : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, c != NULL ? c->why : "", -1, SQLITE_STATIC);
	if (data != NULL) {
		sqlite3_bind_blob(st, 16, data, (int)len, SQLITE_STATIC);
		sqlite3_bind_blob(st, 17, sig, (int)slen, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 18, ch->event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 19, ch->event_key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 20, f->head, BUNDLE_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	*out = sqlite3_last_insert_rowid(h->db);
	rc = 0;
end:
	sqlite3_finalize(st);
	free(sigpath);
	free(sig);
	free(data);
	return rc;
}

/* Sets bundle id's outcome (and its reason, when c is given). */
static int
hq_bundle_set(struct hq *h, int64_t id, const char *outcome, const struct hq_case *c)
{
	sqlite3_stmt *st = hq_prep(h,
	                           "UPDATE bundles SET outcome = ?1, reason_code = COALESCE(?2, "
	                           "reason_code), reason = COALESCE(?3, reason) WHERE id = ?4",
	                           3, outcome, c ? c->code : NULL, c ? c->why : NULL);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 4, id);
	return hq_run(st);
}

/* The entries HQ lacks, the ledger's row and its figures: the bundle counts. */
static int
hq_count_in(struct hq *h, const struct bundle_report *rep, const char *id, const char *tag,
            const struct hq_chain *ch, const struct hq_station *s, int64_t bundle, int vouch,
            int keep)
{
	const struct bundle_figures *f = &rep->content.fig;
	const struct bundle_meta *m = &rep->meta;
	sqlite3_stmt *st = NULL;
	int64_t i, ledger;
	int rc = -1;

	if ((st = hq_prep(h,
	                  "INSERT INTO stations(identity, event_tag, station, event_name, city, "
	                  "date, key_id, public_key, last_seq, head, last_export, bundle, state, "
	                  "vouched) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	                  "'counted', ?13) ON CONFLICT(identity) DO UPDATE SET event_tag = "
	                  "excluded.event_tag, station = excluded.station, event_name = "
	                  "excluded.event_name, city = excluded.city, date = excluded.date, key_id "
	                  "= excluded.key_id, public_key = excluded.public_key, last_seq = "
	                  "excluded.last_seq, head = excluded.head, last_export = "
	                  "excluded.last_export, bundle = excluded.bundle, state = 'counted', "
	                  "vouched = MAX(vouched, excluded.vouched)",
	                  8, id, tag, f->station, m->event_name ? m->event_name : "",
	                  m->city ? m->city : "", m->date ? m->date : "", m->key_id,
	                  m->public_key)) == NULL)
		goto end;
	sqlite3_bind_int64(st, 9, f->last_seq);
	sqlite3_bind_blob(st, 10, f->head, BUNDLE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, f->export_no);
	sqlite3_bind_int64(st, 12, bundle);
	sqlite3_bind_int(st, 13, vouch);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto end;
	sqlite3_finalize(st);
	/* the entries HQ lacks, under the ledger's number */
	if ((st = hq_prep(h, "SELECT id FROM stations WHERE identity = ?1", 1, id)) == NULL ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto end;
	ledger = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((st = hq_prep(h,
	                  "INSERT INTO entries(ledger, seq, kind, walker, ref, cents, method, "
	                  "manual, wall_ms, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	                  "?10)",
	                  0)) == NULL)
		goto end;
	sqlite3_bind_int64(st, 1, ledger);
	for (i = s->last_seq; i < f->last_seq; i++) {
		const struct bundle_entry *e = &rep->content.entries[i];
		sqlite3_bind_int64(st, 2, e->seq);
		sqlite3_bind_text(st, 3, e->kind, -1, SQLITE_STATIC);
		if (e->walker != 0)
			sqlite3_bind_int64(st, 4, e->walker);
		else
			sqlite3_bind_null(st, 4);
		if (e->ref != 0)
			sqlite3_bind_int64(st, 5, e->ref);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_int64(st, 6, e->cents);
		sqlite3_bind_text(st, 7, e->method, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 8, e->manual);
		sqlite3_bind_int64(st, 9, e->wall_ms);
		sqlite3_bind_blob(st, 10, e->hash, BUNDLE_HASH_LEN, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto end;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	/* its certificate, when it has one: seen once per (event, serial) */
	if (ch->cert) {
		sqlite3_finalize(st);
		if ((st = hq_prep(
		         h,
		         "UPDATE stations SET event = ?2, event_key = ?3, serial = ?4 WHERE "
		         "identity = ?1",
		         3, id, ch->event, ch->event_key)) == NULL)
			goto end;
		sqlite3_bind_int64(st, 4, ch->serial);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto end;
		sqlite3_finalize(st);
		if ((st =
		         hq_prep(h,
		                 "INSERT OR IGNORE INTO certs(event, station, serial, station_pub, "
		                 "identity, bundle) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		                 5, ch->event, f->station, NULL, ch->station_pub, id)) == NULL)
			goto end;
		sqlite3_bind_int64(st, 3, ch->serial);
		sqlite3_bind_int64(st, 6, bundle);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto end;
	}
	/* an accepted event's key, pinned by the first bundle counted */
	if (ch->event_pub[0] != '\0') {
		sqlite3_finalize(st);
		if ((st = hq_prep(h,
		                  "INSERT OR IGNORE INTO event_pubs(event_key, event_pub, bundle) "
		                  "VALUES (?1, ?2, ?3)",
		                  2, ch->event_key, ch->event_pub)) == NULL)
			goto end;
		sqlite3_bind_int64(st, 3, bundle);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto end;
	}
	/* the ledger's figures: the fold's of its whole ledger (keep: a backup
	 * copy's, which goes further on its chain) */
	if (!keep && (hq_store_figures(h, id, tag, f->station, &rep->content.folded,
	                               rep->content.walkers, rep->content.nwalkers) != 0 ||
	              hq_dash_store_closeouts(h, id, &rep->content) != 0))
		goto end;
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

/* The event's key a counted bundle chains to (its charter's, else its
 * event.pub): 0, or -1 when it carries neither. */
static int
hq_copies_event_pub(const struct bundle_meta *m, struct sign_pub *ev)
{
	struct trust_charter tch;
	int rc = -1;

	memset(&tch, 0, sizeof tch);
	if (m->charter != NULL) {
		if (trust_charter_parse(m->charter, strlen(m->charter), &tch, NULL) == 0) {
			*ev = tch.event_pub;
			rc = 0;
		}
		trust_charter_clear(&tch);
		return rc;
	}
	if (m->event_pub != NULL &&
	    sign_pub_parse(m->event_pub, strlen(m->event_pub), ev, NULL) == 0)
		return 0;
	return -1;
}

/* The hashes of a copy's entries (copy_hashes): a later own bundle of its
 * ledger is checked against them (it extends the copy, or the copy goes
 * further than it on the same chain, or one of them forked). */
static int
hq_copy_hashes_store(struct hq *h, const char *id, const struct bundle_content *c)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (hq_run(hq_prep(h, "DELETE FROM copy_hashes WHERE identity = ?1", 1, id)) != 0 ||
	    (st = hq_prep(h, "INSERT INTO copy_hashes(identity, seq, hash) VALUES (?1, ?2, ?3)", 1,
	                  id)) == NULL)
		goto end;
	for (int64_t i = 0; i < c->fig.last_seq; i++) {
		sqlite3_bind_int64(st, 2, c->entries[i].seq);
		sqlite3_bind_blob(st, 3, c->entries[i].hash, BUNDLE_HASH_LEN, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto end;
		sqlite3_reset(st);
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

/* A copy of a ledger whose own bundle HQ counted (up to last_seq, head):
 * 1 when it goes further on the same chain (its entry last_seq is the
 * head the own bundle signed), of the same event key; then its fold
 * replaces the own bundle's (each entry once) until a later own bundle
 * reaches as far.  0 when it does not count: shorter, of another key, the
 * ledger not counted (revoked, distrusted), or a fork (logged in words).
 * -1 on a database error. */
static int
hq_copy_extends(struct hq *h, const struct bundle_peer *p, const char *id, const char *ekey,
                int64_t bundle, const char *carrier_station)
{
	sqlite3_stmt *st = NULL;
	int64_t last_seq;
	int rc = -1;

	if ((st = hq_prep(h,
	                  "SELECT state, last_seq, head, event_key, station FROM stations WHERE "
	                  "identity = ?1",
	                  1, id)) == NULL ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto end;
	last_seq = sqlite3_column_int64(st, 1);
	if (strcmp((const char *)sqlite3_column_text(st, 0), "counted") != 0 ||
	    p->head_seq <= last_seq || p->content.fig.last_seq < last_seq ||
	    (*(const char *)sqlite3_column_text(st, 3) != '\0' &&
	     strcmp((const char *)sqlite3_column_text(st, 3), ekey) != 0)) {
		rc = 0;
		goto end;
	}
	if (sqlite3_column_bytes(st, 2) != BUNDLE_HASH_LEN ||
	    memcmp(sqlite3_column_blob(st, 2), p->content.entries[last_seq - 1].hash,
	           BUNDLE_HASH_LEN) != 0) {
		char *subject =
		    xasprintf("station %s's backup copy in station %s's bundle",
		              (const char *)sqlite3_column_text(st, 4), carrier_station);
		char *why = xasprintf(
		    "Not counted: this copy (entries 1-%" PRId64 ") does not extend the station's "
		    "own bundle counted at HQ (entries 1-%" PRId64 "): its entry %" PRId64
		    " differs, so the ledger was forked (its card copied or restored, then used "
		    "in two places). The own bundle's figures stay; ask the station which is "
		    "right.",
		    p->head_seq, last_seq, last_seq);
		int dup =
		    (int)hq_count_of(h,
		                     "SELECT COUNT(*) FROM log WHERE action = 'copy-fork' AND "
		                     "subject = ?1",
		                     subject);
		rc = dup != 0 ? 0 : hq_log_add(h, "copy-fork", bundle, subject, why);
		free(why);
		free(subject);
		goto end;
	}
	rc = 1;
end:
	sqlite3_finalize(st);
	return rc;
}

/* One backup copy in a counted bundle (carrier id, of event tag): counted
 * when its certificate is of the carrier's event, made by the event's key
 * ev, for this ledger; its own bundle not received (no stations row); and
 * longer than any copy HQ holds.  Its figures replace the shorter copy's,
 * so each entry counts once. */
static int
hq_copy_take(struct hq *h, const struct bundle_peer *p, const char *carrier, const char *tag,
             const struct trust_cert *ctc, const struct sign_pub *ev, int64_t bundle,
             const char *carrier_station)
{
	static const unsigned char zero[TRUST_LEDGER_LEN];
	struct trust_cert tc;
	char id[HQ_ID_HEX], ekey[17];
	sqlite3_stmt *st = NULL;
	int64_t held = 0;
	int rc = -1, own;

	memset(&tc, 0, sizeof tc);
	if (p->content.fig.last_seq < 1 || p->cert == NULL)
		return 0;
	bundle_hex(bundle_identity(&p->content), BUNDLE_HASH_LEN, id);
	if (strcmp(id, carrier) == 0 ||
	    trust_cert_parse(p->cert, strlen(p->cert), &tc, NULL) != 0 ||
	    strcmp(tc.event, ctc->event) != 0 || strcmp(tc.station, p->station) != 0 ||
	    trust_cert_verify(&tc, ev, NULL) != 0 ||
	    (memcmp(tc.ledger, zero, sizeof zero) != 0 &&
	     memcmp(tc.ledger, bundle_identity(&p->content), TRUST_LEDGER_LEN) != 0)) {
		rc = 0; /* not a copy HQ can count: verify says what it is */
		goto end;
	}
	sign_keyid_hex(tc.event_key, ekey);
	/* its own bundle (or a decision on it) comes first: a copy counts
	 * beyond it only when it extends the chain HQ counted */
	if ((st = hq_prep(h,
	                  "SELECT (SELECT COUNT(*) FROM stations WHERE identity = ?1), "
	                  "(SELECT head_seq FROM copies WHERE identity = ?1)",
	                  1, id)) == NULL ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto end;
	own = sqlite3_column_int64(st, 0) > 0;
	held = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (held > p->head_seq) {
		rc = 0;
		goto end;
	}
	if (own) {
		switch (hq_copy_extends(h, p, id, ekey, bundle, carrier_station)) {
		case 1: break;
		case 0: rc = 0; goto end;
		default: goto end;
		}
	}
	/* its pledges as its own bundle states them (pledges.csv and
	 * outstanding.csv made from the copy's entries), replaced by the own
	 * bundle's when it comes (the same identity); the same copy again
	 * stores them once more (a copy taken before HQ kept copies' pledges) */
	if (hq_store_pledges(h, id, &p->content) != 0)
		goto end;
	if (held == p->head_seq) {
		rc = 0;
		goto end;
	}
	if (hq_store_figures(h, id, tag, p->station, &p->content.folded, p->content.walkers,
	                     p->content.nwalkers) != 0 ||
	    (st = hq_prep(h,
	                  "INSERT OR REPLACE INTO copies(identity, event_tag, station, event, "
	                  "event_key, carrier, carrier_station, bundle, head_seq, last_wall_ms, "
	                  "cash_cents, check_cents, checks) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	                  "?8, ?9, ?10, ?11, ?12, ?13)",
	                  7, id, tag, p->station, tc.event, ekey, carrier, carrier_station)) ==
	        NULL)
		goto end;
	sqlite3_bind_int64(st, 8, bundle);
	sqlite3_bind_int64(st, 9, p->head_seq);
	sqlite3_bind_int64(st, 10, p->content.max_wall_ms);
	sqlite3_bind_int64(st, 11, p->content.folded.cash_cents);
	sqlite3_bind_int64(st, 12, p->content.folded.check_cents);
	sqlite3_bind_int64(st, 13, p->content.folded.checks);
	if (sqlite3_step(st) != SQLITE_DONE || hq_copy_hashes_store(h, id, &p->content) != 0)
		goto end;
	if (own) {
		/* beyond its own bundle: said in the log, its close-outs too */
		char *subject = xasprintf("station %s", p->station);
		char *why = xasprintf("Counted from station %s's backup copy up to entry %" PRId64
		                      ", beyond its own bundle (same chain)",
		                      carrier_station, p->head_seq);
		int bad = hq_dash_store_closeouts(h, id, &p->content) != 0 ||
		          hq_log_add(h, "copy", bundle, subject, why) != 0;
		free(why);
		free(subject);
		if (bad)
			goto end;
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	trust_cert_clear(&tc);
	return rc;
}

/* The backup copies a counted bundle carries (docs/SYNC.md): each one
 * chain-checked by verify against the head its station signed, counted
 * here while that station's own bundle is missing (hq_copy_take). */
static int
hq_copies_take(struct hq *h, const struct bundle_report *rep, const char *id, const char *tag,
               int64_t bundle)
{
	const struct bundle_meta *m = &rep->meta;
	struct trust_cert ctc;
	struct sign_pub ev;
	struct bundle_file *settle;
	size_t nsettle = 0;
	int rc = 0;

	if (m->npeers == 0 || m->cert == NULL || hq_copies_event_pub(m, &ev) != 0)
		return 0;
	memset(&ctc, 0, sizeof ctc);
	if (trust_cert_parse(m->cert, strlen(m->cert), &ctc, NULL) != 0)
		return 0;
	/* a copy's pledges settled as its own bundle settles them: on its
	 * laps, the carrier's and the other copies' the carrier holds (all
	 * borrowed) */
	settle = xcalloc(m->npeers + 1, sizeof *settle);
	for (size_t i = 0; i < m->npeers; i++)
		settle[nsettle++] = m->peers[i];
	if (rep->own_lines.name != NULL)
		settle[nsettle++] = rep->own_lines;
	for (size_t i = 0; i < m->npeers && rc == 0; i++) {
		struct bundle_peer p;
		size_t len = strlen(m->peers[i].name);

		if (len < 5 || strcmp(m->peers[i].name + len - 5, ".head") != 0)
			continue;
		if (bundle_peer_read(&m->peers[i], m->peers, m->npeers, settle, nsettle, &p,
		                     NULL) == 0)
			rc = hq_copy_take(h, &p, id, tag, &ctc, &ev, bundle,
			                  rep->content.fig.station);
		bundle_peer_clear(&p);
	}
	free(settle);
	trust_cert_clear(&ctc);
	return rc;
}

/* A later own bundle (figures f) of a ledger HQ counted from a backup
 * copy: 1 when the copy still goes further on the same chain (its figures
 * and pledges stay, the own bundle's entries are kept under them); else 0,
 * the copy dropped (the own bundle reaches as far, or one of them forked:
 * logged in words; the own bundle, signed by the station, counts); -1 on
 * a database error. */
static int
hq_copy_vs_own(struct hq *h, const struct bundle_content *own, const char *id, const char *subject,
               int64_t bundle)
{
	const struct bundle_figures *f = &own->fig;
	sqlite3_stmt *st = NULL;
	int64_t head_seq, at;
	int rc = -1, same = -1;
	char carrier[BUNDLE_STATION_MAX + 1] = "";

	if ((st = hq_prep(h, "SELECT head_seq, carrier_station FROM copies WHERE identity = ?1", 1,
	                  id)) == NULL)
		goto end;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = 0;
		goto end;
	}
	head_seq = sqlite3_column_int64(st, 0);
	snprintf(carrier, sizeof carrier, "%s", (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	at = f->last_seq < head_seq ? f->last_seq : head_seq;
	if ((st = hq_prep(h, "SELECT hash FROM copy_hashes WHERE identity = ?1 AND seq = ?2", 1,
	                  id)) == NULL)
		goto end;
	sqlite3_bind_int64(st, 2, at);
	if (sqlite3_step(st) == SQLITE_ROW)
		same = sqlite3_column_bytes(st, 0) == BUNDLE_HASH_LEN &&
		       memcmp(sqlite3_column_blob(st, 0), own->entries[at - 1].hash,
		              BUNDLE_HASH_LEN) == 0;
	sqlite3_finalize(st);
	st = NULL;
	if (same == 1 && f->last_seq < head_seq) {
		rc = 1;
		goto end;
	}
	if (same == 0) {
		char *why =
		    xasprintf("The backup copy in station %s's bundle (entries 1-%" PRId64
		              ") is not on this bundle's chain (entry %" PRId64
		              " differs): the ledger was forked; the own bundle counts, the "
		              "copy no longer does.",
		              carrier, head_seq, at);
		int bad = hq_log_add(h, "copy-fork", bundle, subject, why);
		free(why);
		if (bad != 0)
			goto end;
	}
	if (hq_run(hq_prep(h, "DELETE FROM copies WHERE identity = ?1", 1, id)) != 0 ||
	    hq_run(hq_prep(h, "DELETE FROM copy_hashes WHERE identity = ?1", 1, id)) != 0)
		goto end;
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

/* The merge, as the program decides it (held_id 0), or as a person accepts
 * held bundle held_id past its reason code `allow`. */
static int
hq_merge_as(struct hq *h, const struct bundle_report *rep, const char *file, const char *allow,
            int64_t held_id, const char *person, struct hq_merge_result *res, char **cause)
{
	const struct bundle_figures *f = &rep->content.fig;
	const struct bundle_meta *m = &rep->meta;
	const char *tag = m->event_tag != NULL && *m->event_tag ? m->event_tag : "-";
	const char *outcome;
	struct hq_station s;
	struct hq_case c;
	struct hq_chain ch;
	char id[HQ_ID_HEX], *subject = NULL, *why = NULL;
	int64_t bundle = held_id;
	int rc = -1, in_tx = 0, keep = 0;

	memset(res, 0, sizeof *res);
	if (f->last_seq < 1 || rep->content.entries == NULL)
		return util_fail(cause, "The bundle holds no ledger entries.");
	bundle_hex(bundle_identity(&rep->content), BUNDLE_HASH_LEN, id);
	subject = hq_subject(rep, id);
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "start a transaction");
		goto end;
	}
	in_tx = 1;
	if (hq_station_load(h, id, &s) != 0 || hq_judge(h, rep, id, tag, &s, &ch, &c) != 0) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	if (c.code[0] != '\0' &&
	    (allow == NULL || strcmp(allow, c.code) != 0 || strcmp(c.code, "fork") == 0)) {
		/* held: the same export held before is not kept twice */
		sqlite3_stmt *q =
		    hq_prep(h,
		            "SELECT id FROM bundles WHERE outcome = 'held' AND identity "
		            "= ?1 AND key_id = ?2 AND export_no = ?3 AND head = ?4 AND "
		            "data IS NOT NULL",
		            2, id, m->key_id);
		int64_t before = 0;
		if (q == NULL) {
			hq_fail(h, cause, "be read");
			goto end;
		}
		sqlite3_bind_int64(q, 3, f->export_no);
		sqlite3_bind_blob(q, 4, f->head, BUNDLE_HASH_LEN, SQLITE_STATIC);
		if (held_id == 0 && sqlite3_step(q) == SQLITE_ROW)
			before = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		res->outcome = HQ_HELD;
		snprintf(res->code, sizeof res->code, "%s", c.code);
		if (held_id != 0) {
			if (hq_bundle_set(h, held_id, "held", &c) != 0) {
				hq_fail(h, cause, "be written");
				goto end;
			}
		} else if (before != 0)
			bundle = before;
		else if (hq_bundle_add(h, rep, id, tag, &ch, file, "held", &c, 1, &bundle, cause) !=
		         0)
			goto end;
		res->bundle = bundle;
		why = xasprintf("%s", c.why);
		if (before == 0 && hq_log_add(h, "held", bundle, subject, why) != 0) {
			hq_fail(h, cause, "be written");
			goto end;
		}
		snprintf(res->message, sizeof res->message,
		         "Not counted, held as #%" PRId64 "%s: %s See watctl hq-pending.", bundle,
		         before != 0 ? " (held before)" : "", c.why);
	} else if (s.found && f->last_seq <= s.last_seq && held_id == 0) {
		if (f->export_no == s.last_export) {
			res->outcome = HQ_ALREADY;
			outcome = "already";
			snprintf(res->message, sizeof res->message,
			         "Already merged: export %" PRId64
			         " of station %s (%s, %s); nothing counted twice.",
			         f->export_no, f->station, m->city, m->date);
		} else {
			res->outcome = HQ_REFUSED;
			outcome = "refused";
			snprintf(res->message, sizeof res->message,
			         "Refused: this is export %" PRId64
			         " of station %s (entries 1-%" PRId64
			         "), older than export %" PRId64 " (entries 1-%" PRId64
			         ") already merged: an older export replayed; nothing counted.",
			         f->export_no, f->station, f->last_seq, s.last_export, s.last_seq);
		}
		if (hq_bundle_add(h, rep, id, tag, &ch, file, outcome, NULL, 0, &bundle, cause) !=
		        0 ||
		    hq_log_add(h, outcome, bundle, subject, res->message) != 0) {
			hq_fail(h, cause, "be written");
			goto end;
		}
		res->bundle = bundle;
	} else {
		if (held_id == 0 && hq_bundle_add(h, rep, id, tag, &ch, file, "counted", NULL, 0,
		                                  &bundle, cause) != 0)
			goto end;
		if (f->last_seq <= s.last_seq) {
			/* a person restores a ledger HQ holds: its figures from the
			 * entries (a copy that went further counts again when its
			 * carrier's bundle is merged again) */
			if (hq_run(hq_prep(h,
			                   "UPDATE stations SET state = 'counted', vouched = 1, "
			                   "public_key = ?2, key_id = ?3 WHERE identity = ?1",
			                   3, id, m->public_key, m->key_id)) != 0 ||
			    hq_run(hq_prep(h, "DELETE FROM copies WHERE identity = ?1", 1, id)) !=
			        0 ||
			    hq_run(hq_prep(h, "DELETE FROM copy_hashes WHERE identity = ?1", 1,
			                   id)) != 0 ||
			    hq_refold(h, id, cause) != 0) {
				hq_fail(h, cause, "be written");
				goto end;
			}
		} else if ((keep = hq_copy_vs_own(h, &rep->content, id, subject, bundle)) < 0 ||
		           hq_count_in(h, rep, id, tag, &ch, &s, bundle, held_id != 0, keep) != 0) {
			hq_fail(h, cause, "be written");
			goto end;
		}
		if (held_id != 0 && hq_bundle_set(h, held_id, "accepted", NULL) != 0) {
			hq_fail(h, cause, "be written");
			goto end;
		}
		res->outcome = HQ_MERGED;
		res->bundle = bundle;
		res->added = f->last_seq > s.last_seq ? f->last_seq - s.last_seq : 0;
		res->from_seq = s.last_seq + 1;
		snprintf(res->message, sizeof res->message,
		         "%s export %" PRId64 " of station %s (%s, %s) as #%" PRId64 ": %" PRId64
		         " new entries (%" PRId64 "-%" PRId64 ")%s.",
		         held_id != 0 ? "Accepted" : "Merged", f->export_no, f->station, m->city,
		         m->date, bundle, res->added, s.last_seq + 1, f->last_seq,
		         s.found && s.last_seq > 0 ? ", the earlier ones were already counted"
		                                   : "");
		why = held_id != 0 ? xasprintf("%s (held: %s)", person, allow)
		                   : xstrdup(res->message);
		if (hq_log_add(h, held_id != 0 ? "accept" : "counted", bundle, subject, why) != 0) {
			hq_fail(h, cause, "be written");
			goto end;
		}
	}
	/* the ledger's pledges, as its whole ledger states them; merged again
	 * (already), a ledger counted before HQ schema 3 gets them, unless a
	 * backup copy going further states them (hq_copy_extends) */
	if (res->outcome == HQ_ALREADY &&
	    hq_count_of(h,
	                "SELECT COUNT(*) FROM copies c JOIN stations s ON s.identity = "
	                "c.identity WHERE c.identity = ?1 AND s.state = 'counted' AND c.head_seq "
	                "> s.last_seq",
	                id) > 0)
		keep = 1;
	if ((res->outcome == HQ_MERGED ||
	     (res->outcome == HQ_ALREADY && strcmp(s.state, "counted") == 0)) &&
	    keep == 0 && hq_store_pledges(h, id, &rep->content) != 0) {
		hq_fail(h, cause, "be written (the bundle's pledges)");
		goto end;
	}
	/* the peers' entries it carries, for stations whose own bundle is missing */
	if ((res->outcome == HQ_MERGED ||
	     (res->outcome == HQ_ALREADY && strcmp(s.state, "counted") == 0)) &&
	    hq_copies_take(h, rep, id, tag, res->bundle) != 0) {
		hq_fail(h, cause, "be written (the backup copies it carries)");
		goto end;
	}
	/* a copy and an own bundle of one ledger that fork: said here too */
	if (res->outcome == HQ_MERGED || res->outcome == HQ_ALREADY) {
		sqlite3_stmt *q = hq_prep(h,
		                          "SELECT COUNT(*) FROM log WHERE action = 'copy-fork' AND "
		                          "bundle = ?1",
		                          0);
		if (q != NULL) {
			sqlite3_bind_int64(q, 1, res->bundle);
			if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int64(q, 0) > 0) {
				size_t n = strlen(res->message);
				snprintf(
				    res->message + n, sizeof res->message - n,
				    " A backup copy and an own bundle of one station's ledger fork "
				    "(its card copied or restored, then used in two places): the "
				    "copy is not counted beyond the own bundle; see watctl "
				    "hq-log.");
			}
		}
		sqlite3_finalize(q);
	}
	if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "commit the merge");
		goto end;
	}
	in_tx = 0;
	rc = 0;
end:
	if (in_tx)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	free(why);
	free(subject);
	return rc;
}

int
hq_received_at(struct hq *h, const struct bundle_report *rep, int64_t *wall_ms, char **cause)
{
	char id[HQ_ID_HEX];
	sqlite3_stmt *q;

	*wall_ms = 0;
	if (rep->content.entries == NULL || rep->content.fig.last_seq < 1)
		return util_fail(cause, "The bundle holds no ledger entries.");
	bundle_hex(bundle_identity(&rep->content), BUNDLE_HASH_LEN, id);
	q = hq_prep(h,
	            "SELECT min(wall_ms) FROM bundles WHERE identity = ?1 AND key_id = ?2 "
	            "AND export_no = ?3",
	            2, id, rep->meta.key_id);
	if (q == NULL)
		return hq_fail(h, cause, "be read");
	sqlite3_bind_int64(q, 3, rep->content.fig.export_no);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
		*wall_ms = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return 0;
}

int
hq_merge(struct hq *h, const struct bundle_report *rep, const char *file,
         struct hq_merge_result *res, char **cause)
{
	return hq_merge_as(h, rep, file, NULL, 0, NULL, res, cause);
}

/* ---- a person's decisions ---- */

/* Bundle id's row: outcome and identity (each of size 64+). */
static int
hq_bundle_get(struct hq *h, int64_t id, char *outcome, char *identity, char *code, char **subject,
              char **cause)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(h->db,
	                       "SELECT outcome, identity, reason_code, station, event_name, city, "
	                       "date, export_no, key_id FROM bundles WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return hq_fail(h, cause, "be read");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		util_fail(cause,
		          "HQ has no bundle #%" PRId64 " (see watctl hq-pending and hq-report).",
		          id);
		goto end;
	}
	snprintf(outcome, 64, "%s", sqlite3_column_text(st, 0));
	snprintf(identity, HQ_ID_HEX, "%s", sqlite3_column_text(st, 1));
	snprintf(code, 16, "%s", sqlite3_column_text(st, 2));
	if (subject != NULL)
		*subject = xasprintf("station %s of %s (%s, %s), export %lld, key %s, ledger %.8s",
		                     sqlite3_column_text(st, 3), sqlite3_column_text(st, 4),
		                     sqlite3_column_text(st, 5), sqlite3_column_text(st, 6),
		                     (long long)sqlite3_column_int64(st, 7),
		                     sqlite3_column_text(st, 8), identity);
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

int
hq_held_load(struct hq *h, int64_t id, struct hq_held *out, char **cause)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(h->db, "SELECT outcome, file, data, sig FROM bundles WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return hq_fail(h, cause, "be read");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		util_fail(cause, "HQ has no bundle #%" PRId64 " (see watctl hq-pending).", id);
		goto end;
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), "held") != 0) {
		util_fail(cause, "Bundle #%" PRId64 " is not held (it is %s): nothing to decide.",
		          id, sqlite3_column_text(st, 0));
		goto end;
	}
	out->id = id;
	out->file = xstrdup((const char *)sqlite3_column_text(st, 1));
	if (sqlite3_column_type(st, 2) == SQLITE_BLOB) {
		out->len = (size_t)sqlite3_column_bytes(st, 2);
		out->data = xmalloc(out->len + 1);
		memcpy(out->data, sqlite3_column_blob(st, 2), out->len);
		out->slen = (size_t)sqlite3_column_bytes(st, 3);
		out->sig = xmalloc(out->slen + 1);
		if (out->slen > 0)
			memcpy(out->sig, sqlite3_column_blob(st, 3), out->slen);
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

/* Runs fn's statements and a log line in one transaction. */
static int
hq_tx_begin(struct hq *h, char **cause)
{
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return hq_fail(h, cause, "start a transaction");
	return 0;
}

static int
hq_tx_end(struct hq *h, int ok, char **cause)
{
	if (ok && sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	if (ok)
		hq_fail(h, cause, "be written");
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
hq_accept(struct hq *h, int64_t id, const struct bundle_report *rep, const char *reason,
          struct hq_merge_result *res, char **cause)
{
	char outcome[64], identity[HQ_ID_HEX], code[16], *subject = NULL, *why = NULL,
	                                                 got[HQ_ID_HEX];
	int ok = 0;

	memset(res, 0, sizeof *res);
	if (hq_bundle_get(h, id, outcome, identity, code, &subject, cause) != 0)
		return -1;
	if (strcmp(outcome, "held") != 0) {
		free(subject);
		return util_fail(cause,
		                 "Bundle #%" PRId64 " is not held (it is %s): nothing to accept.",
		                 id, outcome);
	}
	if (strcmp(code, "fork") == 0) {
		free(subject);
		return util_fail(cause,
		                 "Bundle #%" PRId64
		                 " is a fork of a ledger HQ counts: it cannot be "
		                 "counted beside it. Refuse it (watctl hq-refuse).",
		                 id);
	}
	if (rep != NULL) {
		bundle_hex(bundle_identity(&rep->content), BUNDLE_HASH_LEN, got);
		free(subject);
		if (strcmp(got, identity) != 0)
			return util_fail(cause, "The bundle given is not held bundle #%" PRId64 ".",
			                 id);
		return hq_merge_as(h, rep, NULL, code, id, reason, res, cause);
	}
	/* a ledger HQ counted before its event was distrusted: from its entries */
	if (hq_tx_begin(h, cause) != 0) {
		free(subject);
		return -1;
	}
	why = xasprintf("%s (held: %s)", reason, code);
	ok = hq_run(hq_prep(h,
	                    "UPDATE stations SET state = 'counted', vouched = 1 WHERE identity = "
	                    "?1",
	                    1, identity)) == 0 &&
	     hq_refold(h, identity, cause) == 0 && hq_bundle_set(h, id, "accepted", NULL) == 0 &&
	     hq_log_add(h, "accept", id, subject, why) == 0;
	if (hq_tx_end(h, ok, cause) == 0) {
		res->outcome = HQ_MERGED;
		res->bundle = id;
		snprintf(res->message, sizeof res->message,
		         "Accepted #%" PRId64 ": %s counts again.", id, subject);
	}
	free(why);
	free(subject);
	return ok ? 0 : -1;
}

int
hq_refuse(struct hq *h, int64_t id, const char *reason, char **msg, char **cause)
{
	char outcome[64], identity[HQ_ID_HEX], code[16], *subject = NULL;
	int ok;

	if (hq_bundle_get(h, id, outcome, identity, code, &subject, cause) != 0)
		return -1;
	if (strcmp(outcome, "held") != 0) {
		free(subject);
		return util_fail(cause,
		                 "Bundle #%" PRId64 " is not held (it is %s): nothing to refuse.",
		                 id, outcome);
	}
	if (hq_tx_begin(h, cause) != 0) {
		free(subject);
		return -1;
	}
	ok = hq_bundle_set(h, id, "refused-by-hq", NULL) == 0 &&
	     hq_log_add(h, "refuse", id, subject, reason) == 0;
	if (hq_tx_end(h, ok, cause) == 0)
		*msg = xasprintf("Refused #%" PRId64 ": %s is not counted (HQ keeps it).", id,
		                 subject);
	free(subject);
	return ok ? 0 : -1;
}

/* The backup copies where `where` (on copies, ?1 bound to a) holds, with
 * what HQ counted of them (figures, walkers, pledges), out of the totals;
 * a ledger whose own bundle came is not touched (its rows are its own). */
static int
hq_copies_drop(struct hq *h, const char *where, const char *a)
{
	static const char *const tables[] = {"walkers", "figures", "pledges", "pledge_laps",
	                                     "pledge_rules"};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof tables / sizeof tables[0]; i++) {
		char *sql = xasprintf("DELETE FROM %s WHERE identity IN (SELECT identity FROM "
		                      "copies WHERE %s) AND identity NOT IN (SELECT identity FROM "
		                      "stations)",
		                      tables[i], where);
		rc = hq_run(hq_prep(h, sql, 1, a));
		free(sql);
	}
	/* a copy counted beyond its own bundle: the own bundle's entries again
	 * (its pledges stay as the copy stated them, until its next bundle) */
	if (rc == 0) {
		char *sql = xasprintf("SELECT identity FROM copies WHERE (%s) AND identity IN "
		                      "(SELECT identity FROM stations WHERE state = 'counted')",
		                      where);
		sqlite3_stmt *st = hq_prep(h, sql, 1, a);
		char **ids = NULL;
		size_t n = 0;

		free(sql);
		rc = st == NULL ? -1 : 0;
		while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
			ids = xrealloc(ids, (n + 1) * sizeof *ids);
			ids[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_finalize(st);
		for (size_t i = 0; i < n; i++) {
			char *cause = NULL;
			if (rc == 0 &&
			    (hq_run(hq_prep(h, "DELETE FROM copy_hashes WHERE identity = ?1", 1,
			                    ids[i])) != 0 ||
			     hq_refold(h, ids[i], &cause) != 0))
				rc = -1;
			free(cause);
			free(ids[i]);
		}
		free(ids);
	}
	if (rc == 0) {
		char *sql = xasprintf("DELETE FROM copies WHERE %s", where);
		rc = hq_run(hq_prep(h, sql, 1, a));
		free(sql);
	}
	return rc;
}

int
hq_revoke(struct hq *h, int64_t id, const char *reason, char **msg, char **cause)
{
	char outcome[64], identity[HQ_ID_HEX], code[16], *subject = NULL;
	struct hq_station s;
	int64_t ncopies;
	int ok;

	if (hq_bundle_get(h, id, outcome, identity, code, &subject, cause) != 0)
		return -1;
	if (hq_station_load(h, identity, &s) != 0 || !s.found || strcmp(s.state, "counted") != 0) {
		free(subject);
		return util_fail(cause,
		                 "Bundle #%" PRId64
		                 "'s ledger is not counted (it is %s): nothing to "
		                 "revoke.",
		                 id, s.found ? s.state : outcome);
	}
	if (hq_tx_begin(h, cause) != 0) {
		free(subject);
		return -1;
	}
	/* the copies it carried counted on its word (their certificates
	 * checked against the event key its bundle brought): out with it */
	ncopies = hq_count_of(h, "SELECT COUNT(*) FROM copies WHERE carrier = ?1", identity);
	ok = hq_run(hq_prep(h, "UPDATE stations SET state = 'revoked' WHERE identity = ?1", 1,
	                    identity)) == 0 &&
	     hq_drop_figures(h, identity) == 0 &&
	     hq_copies_drop(h, "carrier = ?1", identity) == 0 &&
	     hq_bundle_set(h, s.bundle, "revoked", NULL) == 0 &&
	     hq_log_add(h, "revoke", s.bundle, subject, reason) == 0;
	if (hq_tx_end(h, ok, cause) == 0)
		*msg = xasprintf("Revoked: %s no longer counts (bundle #%" PRId64
		                 "); its later bundles are held.%s",
		                 subject, s.bundle,
		                 ncopies > 0 ? " The backup copies of other stations it carried "
		                               "no longer count either; another station's bundle "
		                               "carrying them counts them again."
		                             : "");
	free(subject);
	return ok ? 0 : -1;
}

int
hq_distrust(struct hq *h, const char *event, const char *reason, char **msg, char **cause)
{
	sqlite3_stmt *st = NULL;
	struct hq_case c;
	int64_t n = 0, bid;
	int ok = 0;

	if (hq_tx_begin(h, cause) != 0)
		return -1;
	memset(&c, 0, sizeof c);
	snprintf(c.code, sizeof c.code, "distrusted");
	snprintf(c.why, sizeof c.why,
	         "HQ marked this event (%s) distrusted (%s): this station counted before; it waits "
	         "until a person checks its key id against the paper close-out sheet.",
	         event, reason);
	st = hq_prep(h,
	             "INSERT OR REPLACE INTO distrusted(event, wall_ms, reason) VALUES (?1, "
	             "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), ?2)",
	             2, event, reason);
	if (hq_run(st) != 0)
		goto end;
	/* each counted station of the event: out of the totals, held */
	if ((st = hq_prep(h,
	                  "SELECT s.identity, s.bundle, b.file, s.station, s.event_name, s.city, "
	                  "s.date, s.last_export, s.key_id, s.last_seq FROM stations s LEFT JOIN "
	                  "bundles b ON b.id = s.bundle WHERE ?1 IN (s.event_tag, s.event, "
	                  "s.event_key) AND s.state = 'counted'",
	                  1, event)) == NULL)
		goto end;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		char *subject = xasprintf(
		    "station %s of %s (%s, %s), export %lld, key %s, ledger %.8s",
		    sqlite3_column_text(st, 3), sqlite3_column_text(st, 4),
		    sqlite3_column_text(st, 5), sqlite3_column_text(st, 6),
		    (long long)sqlite3_column_int64(st, 7), sqlite3_column_text(st, 8), id);
		sqlite3_stmt *ins = hq_prep(
		    h,
		    "INSERT INTO bundles(wall_ms, file, identity, event_tag, station, event_name, "
		    "city, date, key_id, export_no, last_seq, total_cents, outcome, reason_code, "
		    "reason) SELECT ?1, COALESCE(?2, ''), identity, event_tag, station, "
		    "event_name, "
		    "city, date, key_id, last_export, last_seq, (SELECT cash_cents + check_cents + "
		    "other_cents FROM figures f WHERE f.identity = s.identity), 'held', ?3, ?4 "
		    "FROM "
		    "stations s WHERE identity = ?5",
		    0);
		int step;
		if (ins == NULL) {
			free(subject);
			goto end;
		}
		sqlite3_bind_int64(ins, 1, hq_now_ms());
		if (sqlite3_column_type(st, 2) == SQLITE_TEXT)
			sqlite3_bind_text(ins, 2, (const char *)sqlite3_column_text(st, 2), -1,
			                  SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, c.code, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, c.why, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, id, -1, SQLITE_TRANSIENT);
		step = sqlite3_step(ins);
		sqlite3_finalize(ins);
		bid = sqlite3_last_insert_rowid(h->db);
		if (step != SQLITE_DONE ||
		    hq_run(hq_prep(h,
		                   "UPDATE stations SET state = 'distrusted', vouched = 0 WHERE "
		                   "identity = ?1",
		                   1, id)) != 0 ||
		    hq_drop_figures(h, id) != 0 ||
		    hq_log_add(h, "held", bid, subject, c.why) != 0) {
			free(subject);
			goto end;
		}
		free(subject);
		n++;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* backup copies of its stations (own bundles missing): out of the
	 * totals too, taken again from a carrier a person accepts */
	if (hq_copies_drop(h, "?1 IN (event_tag, event, event_key)", event) != 0)
		goto end;
	{
		char *subject = xasprintf("event %s", event);
		ok = hq_log_add(h, "distrust", 0, subject, reason) == 0;
		free(subject);
	}
end:
	sqlite3_finalize(st);
	if (hq_tx_end(h, ok, cause) != 0)
		return ok ? -1 : hq_fail(h, cause, "be written");
	*msg = xasprintf("Event %s is distrusted: %" PRId64
	                 " station(s) counted before left the totals and are held with its later "
	                 "bundles (watctl hq-pending), each until a person checks its key id "
	                 "against the paper close-out sheet and accepts it.",
	                 event, n);
	return 0;
}

/* ---- what HQ shows ---- */

int
hq_pending(struct hq *h, char **text, char **cause)
{
	struct strbuf b = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	char when[40], money[32];
	int64_t n = 0;

	if (sqlite3_prepare_v2(h->db,
	                       "SELECT id, wall_ms, file, station, event_name, city, date, "
	                       "export_no, last_seq, total_cents, key_id, identity, reason, "
	                       "data IS NOT NULL FROM bundles WHERE outcome = 'held' ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK)
		return hq_fail(h, cause, "be read");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *file = (const char *)sqlite3_column_text(st, 2);
		const char *base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
		char *f = text_escape(base, 0),
		     *station = text_escape((const char *)sqlite3_column_text(st, 3), 0),
		     *name = text_escape((const char *)sqlite3_column_text(st, 4), 0),
		     *city = text_escape((const char *)sqlite3_column_text(st, 5), 0),
		     *date = text_escape((const char *)sqlite3_column_text(st, 6), 0),
		     *why = text_escape((const char *)sqlite3_column_text(st, 12), 0);

		strbuf_printf(&b, "#%" PRId64 " %s  held %s\n", id, *f ? f : "(counted before)",
		              stamp_format_utc(sqlite3_column_int64(st, 1), when, sizeof when));
		strbuf_printf(&b,
		              "    station %s of %s (%s, %s), export %lld, %lld entries, %s, "
		              "signed by key %s, ledger %.8s\n",
		              station, name, city, date, (long long)sqlite3_column_int64(st, 7),
		              (long long)sqlite3_column_int64(st, 8),
		              amount_format(sqlite3_column_int64(st, 9), money, sizeof money),
		              sqlite3_column_text(st, 10), sqlite3_column_text(st, 11));
		strbuf_printf(&b, "    why: %s\n", why);
		strbuf_printf(&b,
		              "    decide: watctl hq-accept --db HQ.db %" PRId64
		              " --reason \"...\"  or  watctl hq-refuse --db HQ.db %" PRId64
		              " --reason \"...\"\n",
		              id, id);
		free(f);
		free(station);
		free(name);
		free(city);
		free(date);
		free(why);
		n++;
	}
	sqlite3_finalize(st);
	if (n == 0)
		strbuf_puts(&b,
		            "Nothing is held: every bundle HQ received was counted or decided.\n");
	else
		strbuf_printf(&b, "%" PRId64 " bundle(s) held, none of them counted.\n", n);
	*text = strbuf_take(&b);
	return 0;
}

/* The figures of the stations matching a WHERE clause on e (with ?1, ?2
 * bound): the sum of their fold figures; a walker registered at two
 * stations of an event counts once. */
static int
hq_sum(struct hq *h, const char *where, const char *a, const char *b, struct hq_totals *t,
       char **cause)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	memset(t, 0, sizeof *t);
	strbuf_printf(&sql,
	              "SELECT COUNT(DISTINCT e.event_tag), COUNT(*),"
	              " (SELECT COUNT(*) FROM (SELECT DISTINCT e.event_tag, e.walker FROM walkers e"
	              " WHERE %s)),"
	              " COALESCE(SUM(e.laps), 0), COALESCE(SUM(e.donations), 0),"
	              " COALESCE(SUM(e.checks), 0), COALESCE(SUM(e.cash_cents), 0),"
	              " COALESCE(SUM(e.check_cents), 0), COALESCE(SUM(e.other_cents), 0)"
	              " FROM figures e WHERE %s",
	              where, where);
	if (sqlite3_prepare_v2(h->db, sql.s, -1, &st, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	if (a != NULL)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	t->events = sqlite3_column_int64(st, 0);
	t->stations = sqlite3_column_int64(st, 1);
	t->walkers = sqlite3_column_int64(st, 2);
	t->laps = sqlite3_column_int64(st, 3);
	t->donations = sqlite3_column_int64(st, 4);
	t->checks = sqlite3_column_int64(st, 5);
	t->cash_cents = sqlite3_column_int64(st, 6);
	t->check_cents = sqlite3_column_int64(st, 7);
	t->other_cents = sqlite3_column_int64(st, 8);
	t->total_cents = t->cash_cents + t->check_cents + t->other_cents;
	rc = 0;
end:
	sqlite3_finalize(st);
	strbuf_free(&sql);
	return rc;
}

int
hq_totals(struct hq *h, const char *event_tag, struct hq_totals *t, char **cause)
{
	if (event_tag == NULL)
		return hq_sum(h, "1", NULL, NULL, t, cause);
	return hq_sum(h, "e.event_tag = ?1", event_tag, NULL, t, cause);
}

static void
hq_report_line(struct strbuf *b, const char *indent, const char *label, const struct hq_totals *t)
{
	char c1[32], c2[32], c3[32], c4[32];

	strbuf_printf(b,
	              "%s%-28s walkers %6" PRId64 "  laps %7" PRId64 "  donations %5" PRId64
	              "  cash %12s  checks %12s (%" PRId64 ")  other %10s  total %12s\n",
	              indent, label, t->walkers, t->laps, t->donations,
	              amount_format(t->cash_cents, c1, sizeof c1),
	              amount_format(t->check_cents, c2, sizeof c2), t->checks,
	              amount_format(t->other_cents, c3, sizeof c3),
	              amount_format(t->total_cents, c4, sizeof c4));
}

/* The held bundles, one line each, after the report. */
static int
hq_pending_short(struct hq *h, struct strbuf *b)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;

	if (sqlite3_prepare_v2(h->db,
	                       "SELECT id, file, station, reason FROM bundles WHERE outcome = "
	                       "'held' ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *file = (const char *)sqlite3_column_text(st, 1);
		const char *base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
		char *f = text_escape(base, 0),
		     *station = text_escape((const char *)sqlite3_column_text(st, 2), 0),
		     *why = text_escape((const char *)sqlite3_column_text(st, 3), 0);
		const char *stop = strstr(why, ". ");
		int len = stop != NULL ? (int)(stop - why) + 1 : (int)strlen(why);

		if (n++ == 0)
			strbuf_puts(b, "\nHeld, not counted (watctl hq-pending says why and how to "
			               "decide):\n");
		/* the reason's first sentence */
		strbuf_printf(b, "  #%lld %s (station %s): %.*s\n",
		              (long long)sqlite3_column_int64(st, 0), *f ? f : "(counted before)",
		              station, len < 240 ? len : 240, why);
		free(f);
		free(station);
		free(why);
	}
	sqlite3_finalize(st);
	return 0;
}

/* The ledgers that count (lg: identity, event_tag, station, city): those
 * counted from their own bundle, and those counted from a backup copy
 * while their own bundle is missing (no stations row; the city is the
 * carrier's, of the same event). */
#define HQ_LEDGERS_CTE                                                                             \
	"lg AS (SELECT identity, event_tag, station, city FROM stations WHERE state = "            \
	"'counted' UNION ALL SELECT c.identity, c.event_tag, c.station, COALESCE((SELECT "         \
	"x.city FROM stations x WHERE x.identity = c.carrier), '') FROM copies c WHERE NOT "       \
	"EXISTS (SELECT 1 FROM stations x WHERE x.identity = c.identity))"

/* Each pledge once, of the counted ledgers (lg, own bundle or copy): a pledge with an external id
 * (the platform's, imported) is one pledge however many stations of its
 * event hold it, else it is (ledger identity, seq).  A pledge one station
 * holds owes that station's figure: its outstanding.csv settles it as the
 * station does, on its own laps and its peers' it held (the rule, the lap
 * cap and the maximum applied there).  One held at several stations counts
 * each station's laps once (of the holders' pledge_laps, the one that
 * counted that station furthest), under the rule again (hq_owed: the lap
 * cap as the holders' settlement had it, then the maximum); a ledger
 * merged before pledge_laps counts its own laps.  Paid: online once, plus
 * what each station took, plus what HQ recorded by mail (pay_parts, by the
 * same key). */
#define HQ_PLEDGE_CTE                                                                              \
	"WITH " HQ_LEDGERS_CTE ", "                                                                \
	"c AS (SELECT p.*, s.city, s.event_tag AS tag, CASE WHEN p.ext_id <> '' THEN "             \
	"'x' || s.event_tag || char(10) || p.ext_id ELSE 'l' || p.identity || char(10) || "        \
	"p.seq END AS k, s.station AS station FROM pledges p JOIN lg s ON s.identity = "           \
	"p.identity WHERE p.in_force = 1), "                                                       \
	"lp AS (SELECT c.k, l.station, l.upto, l.laps FROM c JOIN pledge_laps l ON "               \
	"l.identity = c.identity AND l.seq = c.seq UNION ALL SELECT c.k, '#' || c.identity, 0, "   \
	"c.laps FROM c WHERE NOT EXISTS (SELECT 1 FROM pledge_rules r WHERE r.identity = "         \
	"c.identity)), "                                                                           \
	"ls AS (SELECT k, SUM(laps) AS laps FROM (SELECT k, laps, ROW_NUMBER() OVER (PARTITION "   \
	"BY k, station ORDER BY upto DESC, laps DESC) AS rn FROM lp) WHERE rn = 1 GROUP BY k), "   \
	"g AS (SELECT c.k, MIN(city) AS city, MIN(tag) AS tag, MIN(walker) AS walker, "            \
	"MAX(walker_name) AS walker_name, MAX(kind) AS kind, MAX(rate) AS rate, MAX(max) AS mx, "  \
	"MIN(c.station) AS station, (SELECT COALESCE(SUM(x.cents), 0) FROM pay_parts x WHERE "     \
	"x.k = c.k) AS hq, MAX(online) + SUM(paid_here) + (SELECT COALESCE(SUM(x.cents), 0) "      \
	"FROM pay_parts x WHERE x.k = c.k) AS paid, COUNT(*) AS holders, MAX(owed) AS owed1, "     \
	"MAX(r.lap_milli) AS lap_milli, MAX(r.lap_unit) AS lap_unit, MAX(r.cap) AS cap FROM c "    \
	"LEFT JOIN pledge_rules r ON r.identity = c.identity GROUP BY c.k), "                      \
	"o0 AS (SELECT g.*, CASE WHEN holders = 1 THEN owed1 ELSE hq_owed(kind, rate, mx, "        \
	"COALESCE((SELECT laps FROM ls WHERE ls.k = g.k), 0), lap_milli, lap_unit, cap) END AS "   \
	"owed FROM g), "                                                                           \
	"o AS (SELECT o0.*, CASE WHEN owed > paid THEN owed - paid ELSE 0 END AS still FROM o0) "

/* hq_owed(kind, rate, max, laps, lap_milli, lap_unit, cap): the rule
 * (pledge_owed) on laps counted over every station; NULL when it has no
 * amount (per mile or km without a lap length). */
static void
hq_owed_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pledge_terms t = {0};
	struct setting_length lap = {0};
	const char *kind = (const char *)sqlite3_value_text(argv[0]);
	int64_t owed, unit;

	(void)argc;
	if (kind == NULL || pledge_kind_parse(kind, &t.kind) != 0) {
		sqlite3_result_null(ctx);
		return;
	}
	t.rate_cents = sqlite3_value_int64(argv[1]);
	t.max_cents = sqlite3_value_int64(argv[2]);
	lap.milli = sqlite3_value_int64(argv[4]);
	unit = sqlite3_value_int64(argv[5]);
	lap.unit = unit == SETTING_KM ? SETTING_KM : unit == SETTING_MI ? SETTING_MI : SETTING_M;
	if (pledge_owed(&t, sqlite3_value_int64(argv[3]), &lap, sqlite3_value_int64(argv[6]), &owed,
	                NULL) != 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, owed);
}

struct hq_pledge_totals {
	int64_t pledges, walkers, owed, paid, still, unknown;
};

/* The pledges' totals where `where` (on o: city, tag) holds, a bound once. */
static int
hq_pledge_sum(struct hq *h, const char *where, const char *a, struct hq_pledge_totals *t)
{
	char *sql = xasprintf(HQ_PLEDGE_CTE
	                      "SELECT COUNT(*), COUNT(DISTINCT tag || char(10) || walker), "
	                      "COALESCE(SUM(owed), 0), COALESCE(SUM(paid), 0), "
	                      "COALESCE(SUM(still), 0), COALESCE(SUM(owed IS NULL), 0) FROM o "
	                      "WHERE %s",
	                      where);
	sqlite3_stmt *st = hq_prep(h, sql, 1, a);
	int rc = -1;

	memset(t, 0, sizeof *t);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		t->pledges = sqlite3_column_int64(st, 0);
		t->walkers = sqlite3_column_int64(st, 1);
		t->owed = sqlite3_column_int64(st, 2);
		t->paid = sqlite3_column_int64(st, 3);
		t->still = sqlite3_column_int64(st, 4);
		t->unknown = sqlite3_column_int64(st, 5);
		rc = 0;
	}
	sqlite3_finalize(st);
	free(sql);
	return rc;
}

static void
hq_pledge_line(struct strbuf *b, const char *indent, const char *label,
               const struct hq_pledge_totals *t)
{
	char c1[32], c2[32], c3[32];

	strbuf_printf(b, "%s%-28s pledges %6" PRId64, indent, label, t->pledges);
	if (t->walkers >= 0)
		strbuf_printf(b, "  walkers %5" PRId64, t->walkers);
	else
		strbuf_printf(b, "%16s", ""); /* a walker's own line */
	strbuf_printf(b, "  owed %12s  paid %12s  still owed %12s",
	              amount_format(t->owed, c1, sizeof c1), amount_format(t->paid, c2, sizeof c2),
	              amount_format(t->still, c3, sizeof c3));
	if (t->unknown > 0)
		strbuf_printf(b, "  (%" PRId64 " per mile or km without a lap length: no amount)",
		              t->unknown);
	strbuf_puts(b, "\n");
}

/* An event's outstanding pledges: its totals, then each walker who still
 * owes (or whose pledges have no amount), by number. */
static int
hq_pledge_event(struct hq *h, struct strbuf *b, const char *tag)
{
	struct hq_pledge_totals t;
	sqlite3_stmt *st = NULL;

	if (hq_pledge_sum(h, "tag = ?1", tag, &t) != 0)
		return -1;
	if (t.pledges == 0)
		return 0;
	hq_pledge_line(b, "    ", "pledges", &t);
	if ((st = hq_prep(h,
	                  HQ_PLEDGE_CTE
	                  "SELECT walker, MAX(walker_name), COUNT(*), COALESCE(SUM(owed), 0), "
	                  "COALESCE(SUM(paid), 0), COALESCE(SUM(still), 0), "
	                  "COALESCE(SUM(owed IS NULL), 0) FROM o WHERE tag = ?1 GROUP BY walker "
	                  "HAVING SUM(still) > 0 OR SUM(owed IS NULL) > 0 ORDER BY walker",
	                  1, tag)) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct hq_pledge_totals w = {
		    .pledges = sqlite3_column_int64(st, 2),
		    .walkers = -1,
		    .owed = sqlite3_column_int64(st, 3),
		    .paid = sqlite3_column_int64(st, 4),
		    .still = sqlite3_column_int64(st, 5),
		    .unknown = sqlite3_column_int64(st, 6),
		};
		char *label = xasprintf("walker %lld %.40s", (long long)sqlite3_column_int64(st, 0),
		                        (const char *)sqlite3_column_text(st, 1)),
		     *safe = text_escape(label, 0);
		hq_pledge_line(b, "      ", safe, &w);
		free(safe);
		free(label);
	}
	sqlite3_finalize(st);
	return 0;
}

/* The payments HQ recorded by mail, when there are any: how many, the
 * money, and the part beyond the pledges (gifts). */
static int
hq_pay_line(struct hq *h, struct strbuf *b)
{
	sqlite3_stmt *st =
	    hq_prep(h,
	            "SELECT COUNT(*), COALESCE(SUM(cents), 0), "
	            "COALESCE(SUM(applied), 0), COALESCE(SUM(gift), 0) FROM payments",
	            0);
	char c1[32], c2[32], c3[32];
	int rc = -1;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) > 0)
			strbuf_printf(b,
			              "payments by mail at HQ: %" PRId64 ", %s (%s toward pledges, "
			              "in paid above; %s beyond them: gifts)\n",
			              (int64_t)sqlite3_column_int64(st, 0),
			              amount_format(sqlite3_column_int64(st, 1), c1, sizeof c1),
			              amount_format(sqlite3_column_int64(st, 2), c2, sizeof c2),
			              amount_format(sqlite3_column_int64(st, 3), c3, sizeof c3));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* A counted ledger's backup copy that goes further than its own bundle
 * (hq_copy_extends): 1 with the own bundle's and the copy's last wall
 * times, the carrier and its bundle; 0 when none. */
static int
hq_beyond(struct hq *h, const char *id, int64_t *own_ms, int64_t *copy_ms,
          char carrier[BUNDLE_STATION_MAX + 1], int64_t *copy_bundle)
{
	sqlite3_stmt *st =
	    hq_prep(h,
	            "SELECT (SELECT MAX(e.wall_ms) FROM entries e WHERE e.ledger = "
	            "s.id), c.last_wall_ms, c.carrier_station, c.bundle FROM copies "
	            "c JOIN stations s ON s.identity = c.identity WHERE c.identity = "
	            "?1 AND s.state = 'counted' AND c.head_seq > s.last_seq",
	            1, id);
	int rc = 0;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		*own_ms = sqlite3_column_int64(st, 0);
		*copy_ms = sqlite3_column_int64(st, 1);
		snprintf(carrier, BUNDLE_STATION_MAX + 1, "%s",
		         (const char *)sqlite3_column_text(st, 2));
		*copy_bundle = sqlite3_column_int64(st, 3);
		rc = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The stations of event tag counted from a backup copy (their own bundles
 * not received): where their figures come from, and the money they hold,
 * for HQ to chase the envelope. */
static int
hq_report_copies(struct hq *h, struct strbuf *b, const char *tag, char **cause)
{
	sqlite3_stmt *st =
	    hq_prep(h,
	            "SELECT c.station, c.carrier_station, c.head_seq, c.last_wall_ms, "
	            "c.cash_cents, c.check_cents, c.checks, c.identity, c.bundle "
	            "FROM copies c WHERE c.event_tag = ?1 AND NOT EXISTS (SELECT 1 "
	            "FROM stations s WHERE s.identity = c.identity) ORDER BY "
	            "c.station",
	            1, tag);
	struct hq_totals t;
	int rc = -1;

	if (st == NULL)
		return hq_fail(h, cause, "be read");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *station = text_escape((const char *)sqlite3_column_text(st, 0), 0),
		     *carrier = text_escape((const char *)sqlite3_column_text(st, 1), 0);
		const char *id = (const char *)sqlite3_column_text(st, 7);
		char sl[120], when[64], c1[32], c2[32];

		snprintf(sl, sizeof sl, "station %.40s (copy, %lld entries)", station,
		         (long long)sqlite3_column_int64(st, 2));
		if (hq_sum(h, "e.identity = ?1", id, NULL, &t, cause) != 0) {
			free(station);
			free(carrier);
			goto end;
		}
		hq_report_line(b, "    ", sl, &t);
		b->len--;
		strbuf_printf(b, "  [bundle #%lld]\n", (long long)sqlite3_column_int64(st, 8));
		strbuf_printf(
		    b,
		    "      Station %s: from station %s's backup copy, up to %s UTC; its own "
		    "bundle not received\n",
		    station, carrier,
		    stamp_format_utc(sqlite3_column_int64(st, 3), when, sizeof when));
		if (sqlite3_column_int64(st, 4) != 0 || sqlite3_column_int64(st, 5) != 0)
			strbuf_printf(
			    b,
			    "      Money held at station %s (counted from the copy): cash "
			    "%s, checks %s (%lld): chase its envelope\n",
			    station, amount_format(sqlite3_column_int64(st, 4), c1, sizeof c1),
			    amount_format(sqlite3_column_int64(st, 5), c2, sizeof c2),
			    (long long)sqlite3_column_int64(st, 6));
		free(station);
		free(carrier);
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

int
hq_report(struct hq *h, char **text, char **cause)
{
	struct strbuf b = STRBUF_INIT;
	sqlite3_stmt *cities = NULL, *events = NULL, *stations = NULL;
	struct hq_totals t;
	struct hq_pledge_totals pt;
	char carrier[BUNDLE_STATION_MAX + 1];
	int64_t own_ms, copy_ms, cb;
	int rc = -1;

	if (sqlite3_prepare_v2(h->db, "SELECT DISTINCT city FROM stations ORDER BY city", -1,
	                       &cities, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db,
	                       "SELECT DISTINCT event_tag, event_name, date FROM stations WHERE "
	                       "city = ?1 ORDER BY date, event_name",
	                       -1, &events, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	        h->db,
	        "SELECT station, last_export, last_seq, identity, bundle, state FROM "
	        "stations WHERE event_tag = ?1 ORDER BY station, bundle",
	        -1, &stations, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	strbuf_puts(&b, "W.A.T. headquarters report (annulled entries excluded)\n\n");
	while (sqlite3_step(cities) == SQLITE_ROW) {
		const char *city = (const char *)sqlite3_column_text(cities, 0);
		struct strbuf where = STRBUF_INIT;
		char *safe = text_escape(city, 0);

		/* names come from the stations' bundles: escaped for HQ's terminal */
		strbuf_printf(&b, "%s\n", safe);
		free(safe);
		sqlite3_bind_text(events, 1, city, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(events) == SQLITE_ROW) {
			const char *tag = (const char *)sqlite3_column_text(events, 0);
			char *label = xasprintf("%s (%s, %s)", sqlite3_column_text(events, 1),
			                        sqlite3_column_text(events, 2), tag),
			     *safe_label = text_escape(label, 0);

			strbuf_printf(&b, "  %s\n", safe_label);
			free(safe_label);
			free(label);
			sqlite3_bind_text(stations, 1, tag, -1, SQLITE_TRANSIENT);
			while (sqlite3_step(stations) == SQLITE_ROW) {
				const char *st = (const char *)sqlite3_column_text(stations, 0),
				           *id = (const char *)sqlite3_column_text(stations, 3),
				           *state = (const char *)sqlite3_column_text(stations, 5);
				int64_t bundle = sqlite3_column_int64(stations, 4);
				char sl[120], *safe_st;
				safe_st = text_escape(st, 0);
				snprintf(sl, sizeof sl, "station %.40s (export %lld, %lld entries)",
				         safe_st, (long long)sqlite3_column_int64(stations, 1),
				         (long long)sqlite3_column_int64(stations, 2));
				free(safe_st);
				if (strcmp(state, "counted") != 0) {
					strbuf_printf(&b,
					              "    %-28s %s: not counted  [bundle #%" PRId64
					              "]\n",
					              sl, state, bundle);
					continue;
				}
				if (hq_sum(h, "e.identity = ?1", id, NULL, &t, cause) != 0) {
					strbuf_free(&where);
					goto end;
				}
				hq_report_line(&b, "    ", sl, &t);
				b.len--; /* the line's end, after the bundle's number */
				strbuf_printf(&b, "  [bundle #%" PRId64 "]\n", bundle);
				if (hq_beyond(h, id, &own_ms, &copy_ms, carrier, &cb)) {
					char w1[64], w2[64], *sc = text_escape(carrier, 0),
					                     *ss = text_escape(st, 0);
					strbuf_printf(
					    &b,
					    "      Station %s: own bundle up to %s UTC, then from "
					    "station %s's backup copy up to %s UTC [bundle "
					    "#%" PRId64 "]\n",
					    ss, stamp_format_utc(own_ms, w1, sizeof w1), sc,
					    stamp_format_utc(copy_ms, w2, sizeof w2), cb);
					free(sc);
					free(ss);
				}
			}
			sqlite3_reset(stations);
			if (hq_report_copies(h, &b, tag, cause) != 0) {
				strbuf_free(&where);
				goto end;
			}
			if (hq_totals(h, tag, &t, cause) != 0) {
				strbuf_free(&where);
				goto end;
			}
			hq_report_line(&b, "    ", "event total", &t);
			if (hq_pledge_event(h, &b, tag) != 0) {
				strbuf_free(&where);
				hq_fail(h, cause, "be read");
				goto end;
			}
		}
		sqlite3_reset(events);
		if (hq_sum(h,
		           "EXISTS (SELECT 1 FROM stations s WHERE s.event_tag = e.event_tag AND "
		           "s.city = ?1)",
		           city, NULL, &t, cause) != 0) {
			strbuf_free(&where);
			goto end;
		}
		hq_report_line(&b, "  ", "city total", &t);
		if (hq_pledge_sum(h, "city = ?1", city, &pt) != 0) {
			strbuf_free(&where);
			hq_fail(h, cause, "be read");
			goto end;
		}
		if (pt.pledges > 0)
			hq_pledge_line(&b, "  ", "city pledges", &pt);
		strbuf_puts(&b, "\n");
		strbuf_free(&where);
	}
	if (hq_totals(h, NULL, &t, cause) != 0)
		goto end;
	strbuf_printf(&b, "All events: %" PRId64 " events, %" PRId64 " stations\n", t.events,
	              t.stations);
	hq_report_line(&b, "", "national total", &t);
	if (hq_pledge_sum(h, "1 OR ?1 IS NULL", NULL, &pt) != 0) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	if (pt.pledges > 0)
		hq_pledge_line(&b, "", "national pledges", &pt);
	if (hq_pay_line(h, &b) != 0) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	if (hq_pending_short(h, &b) != 0) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	*text = strbuf_take(&b);
	rc = 0;
end:
	sqlite3_finalize(stations);
	sqlite3_finalize(events);
	sqlite3_finalize(cities);
	strbuf_free(&b);
	return rc;
}

int
hq_accept_event(struct hq *h, const char *event_key, const char *reason, char **msg, char **cause)
{
	char *subject;
	size_t i, n = strlen(event_key);
	int ok;

	for (i = 0; i < n; i++)
		if (!((event_key[i] >= '0' && event_key[i] <= '9') ||
		      (event_key[i] >= 'A' && event_key[i] <= 'F')))
			break;
	if (n != 16 || i != n)
		return util_fail(cause,
		                 "An event key id is 16 digits and capital letters A-F, as on the "
		                 "close-out sheet (e.g. 8C1E0A7F3B2D4411).");
	if (hq_tx_begin(h, cause) != 0)
		return -1;
	subject = xasprintf("event key %s", event_key);
	ok = hq_run(hq_prep(h,
	                    "INSERT OR IGNORE INTO events_accepted(event_key, event, wall_ms, "
	                    "reason) SELECT ?1, COALESCE((SELECT event FROM bundles WHERE "
	                    "event_key = ?1 LIMIT 1), ''), CAST((julianday('now') - 2440587.5) * "
	                    "86400000 AS INTEGER), ?2",
	                    2, event_key, reason)) == 0 &&
	     hq_log_add(h, "accept-event", 0, subject, reason) == 0;
	free(subject);
	if (hq_tx_end(h, ok, cause) != 0)
		return -1;
	*msg = xasprintf("HQ accepts the event of key %s: the stations it certified count from now "
	                 "on.",
	                 event_key);
	return 0;
}

int
hq_held_for_event(struct hq *h, const char *event_key, int64_t **ids, size_t *n, char **cause)
{
	sqlite3_stmt *st = hq_prep(h,
	                           "SELECT id FROM bundles WHERE outcome = 'held' AND reason_code "
	                           "= 'unchartered' AND event_key = ?1 ORDER BY id",
	                           1, event_key);
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	if (st == NULL)
		return hq_fail(h, cause, "be read");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			*ids = xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return 0;
}

/* ---- staff of the web inbox ---- */

int
hq_staff_add(struct hq *h, const char *name, const char *pwhash, int admin, const char *by,
             char **cause)
{
	sqlite3_stmt *st;
	char *why;
	int rc = -1;

	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return hq_fail(h, cause, "start a transaction");
	st = hq_prep(h, "INSERT INTO staff(name, pwhash, admin, wall_ms) VALUES(?1, ?2, ?3, ?4)", 2,
	             name, pwhash);
	if (st == NULL) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	sqlite3_bind_int(st, 3, admin != 0);
	sqlite3_bind_int64(st, 4, hq_now_ms());
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_errcode(h->db) == SQLITE_CONSTRAINT)
			util_fail(cause, "There is already a staff account %s.", name);
		else
			hq_fail(h, cause, "be written");
		sqlite3_finalize(st);
		goto end;
	}
	sqlite3_finalize(st);
	why = xasprintf("by %s", by);
	rc = hq_log_add(h, admin ? "staff-add-admin" : "staff-add", 0, name, why);
	free(why);
	if (rc != 0) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = hq_fail(h, cause, "commit");
		goto end;
	}
	return 0;
end:
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
hq_staff_get(struct hq *h, const char *name, char **pwhash, int *admin, char **cause)
{
	sqlite3_stmt *st = hq_prep(h,
	                           "SELECT pwhash, admin FROM staff WHERE name = ?1 AND "
	                           "disabled = 0",
	                           1, name);
	int rc = 1;

	*pwhash = NULL;
	*admin = 0;
	if (st == NULL)
		return hq_fail(h, cause, "be read");
	if (sqlite3_step(st) == SQLITE_ROW) {
		*pwhash = xstrdup((const char *)sqlite3_column_text(st, 0));
		*admin = sqlite3_column_int(st, 1);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
hq_staff_log(struct hq *h, const char *person, const char *action, int64_t bundle,
             const char *subject, char **cause)
{
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return hq_fail(h, cause, "start a transaction");
	if (hq_log_add(h, action, bundle, subject, person) != 0 ||
	    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be written");
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int
hq_held_list(struct hq *h, struct hq_held_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt *st = hq_prep(h,
	                           "SELECT id, wall_ms, file, city, station, key_id, "
	                           "reason_code, reason, total_cents, event_key FROM bundles "
	                           "WHERE outcome = 'held' ORDER BY id",
	                           0);
	size_t cap = 0;

	*rows = NULL;
	*n = 0;
	if (st == NULL)
		return hq_fail(h, cause, "be read");
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct hq_held_row *r;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			*rows = xrealloc(*rows, cap * sizeof **rows);
		}
		r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		r->wall_ms = sqlite3_column_int64(st, 1);
		snprintf(r->file, sizeof r->file, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(r->city, sizeof r->city, "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(r->station, sizeof r->station, "%s",
		         (const char *)sqlite3_column_text(st, 4));
		snprintf(r->key_id, sizeof r->key_id, "%s",
		         (const char *)sqlite3_column_text(st, 5));
		snprintf(r->code, sizeof r->code, "%s", (const char *)sqlite3_column_text(st, 6));
		snprintf(r->reason, sizeof r->reason, "%s",
		         (const char *)sqlite3_column_text(st, 7));
		r->total_cents = sqlite3_column_int64(st, 8);
		snprintf(r->event_key, sizeof r->event_key, "%s",
		         (const char *)sqlite3_column_text(st, 9));
	}
	sqlite3_finalize(st);
	return 0;
}

int
hq_csv(struct hq *h, const char *city, char **text, char **cause)
{
	return hq_csv_of(h, city, NULL, text, cause);
}

int
hq_csv_of(struct hq *h, const char *city, const char *event_tag, char **text, char **cause)
{
	static const char *const head[] = {"city",      "event",  "date",        "event_tag",
	                                   "station",   "export", "walkers",     "laps",
	                                   "donations", "cash",   "checks",      "check_count",
	                                   "other",     "total",  "counted_from"};
	struct strbuf b = STRBUF_INIT;
	sqlite3_stmt *st;
	struct hq_totals t;
	char money[4][32], *f, carrier[BUNDLE_STATION_MAX + 1];
	int64_t own_ms, copy_ms, cb;
	size_t i;

	*text = NULL;
	/* the stations counted from their own bundle, then those counted from
	 * a backup copy (own bundle missing), in the carrier's city and event */
	st = hq_prep(h,
	             "SELECT * FROM (SELECT city, event_name, date, event_tag, station, "
	             "last_export, identity, NULL AS carrier FROM stations WHERE state = "
	             "'counted' UNION ALL SELECT x.city, x.event_name, x.date, c.event_tag, "
	             "c.station, NULL, c.identity, c.carrier_station FROM copies c JOIN stations "
	             "x ON x.identity = c.carrier WHERE NOT EXISTS (SELECT 1 FROM stations y "
	             "WHERE y.identity = c.identity)) WHERE (?1 IS NULL OR city = ?1) AND (?2 IS "
	             "NULL OR event_tag = ?2) ORDER BY city, date, event_name, station",
	             0);
	if (st == NULL)
		return hq_fail(h, cause, "be read");
	if (city != NULL)
		sqlite3_bind_text(st, 1, city, -1, SQLITE_TRANSIENT);
	if (event_tag != NULL)
		sqlite3_bind_text(st, 2, event_tag, -1, SQLITE_TRANSIENT);
	for (i = 0; i < sizeof head / sizeof head[0]; i++)
		strbuf_printf(&b, "%s%s", i ? "," : "", head[i]);
	strbuf_puts(&b, "\r\n");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 6);
		if (hq_sum(h, "e.identity = ?1", id, NULL, &t, cause) != 0) {
			sqlite3_finalize(st);
			strbuf_free(&b);
			return -1;
		}
		/* names come from the stations: Excel-safe (no formula) */
		for (i = 0; i < 5; i++) {
			f = csv_field((const char *)sqlite3_column_text(st, (int)i), 1);
			strbuf_printf(&b, "%s%s", i ? "," : "", f);
			free(f);
		}
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			strbuf_printf(&b, ",%lld", (long long)sqlite3_column_int64(st, 5));
		else
			strbuf_puts(&b, ",");
		strbuf_printf(&b, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%s,%" PRId64 ",%s,%s,",
		              t.walkers, t.laps, t.donations,
		              amount_format_plain(t.cash_cents, money[0], sizeof money[0]),
		              amount_format_plain(t.check_cents, money[1], sizeof money[1]),
		              t.checks,
		              amount_format_plain(t.other_cents, money[2], sizeof money[2]),
		              amount_format_plain(t.total_cents, money[3], sizeof money[3]));
		if (sqlite3_column_type(st, 7) == SQLITE_NULL &&
		    hq_beyond(h, id, &own_ms, &copy_ms, carrier, &cb)) {
			char w1[64], w2[64];
			char *from = xasprintf("own bundle up to %s UTC, then copy in station %s's "
			                       "bundle up to %s UTC",
			                       stamp_format_utc(own_ms, w1, sizeof w1), carrier,
			                       stamp_format_utc(copy_ms, w2, sizeof w2));
			f = csv_field(from, 1);
			strbuf_printf(&b, "%s\r\n", f);
			free(f);
			free(from);
		} else if (sqlite3_column_type(st, 7) == SQLITE_NULL)
			strbuf_puts(&b, "own bundle\r\n");
		else {
			char *from = xasprintf("copy in station %s's bundle",
			                       (const char *)sqlite3_column_text(st, 7));
			f = csv_field(from, 1);
			strbuf_printf(&b, "%s\r\n", f);
			free(f);
			free(from);
		}
	}
	sqlite3_finalize(st);
	*text = strbuf_take(&b);
	return 0;
}

/* ---- the staff dashboard of wat-hq (issue 20) ----
 *
 *   closeouts(identity, seq, kind, cash_expected, cash_counted,
 *             check_expected, check_counted)  -- in cents, from each counted
 *             bundle's closeout.csv (bundle_compute made it from the ledger);
 *             kind 'closeout' or 'reopen'; kept from schema 2's first merge
 *             after this table came (a ledger counted before shows its
 *             close-outs with its next bundle) */
static const char hq_dash_schema[] =
    "CREATE TABLE IF NOT EXISTS closeouts("
    " identity TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
    " cash_expected INTEGER NOT NULL, cash_counted INTEGER NOT NULL,"
    " check_expected INTEGER NOT NULL, check_counted INTEGER NOT NULL,"
    " PRIMARY KEY(identity, seq)) WITHOUT ROWID;";

static int
hq_dash_schema_make(struct hq *h)
{
	return sqlite3_exec(h->db, hq_dash_schema, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* "1,234.50" or "-3.00" (as closeout.csv writes money) in cents; 0 empty. */
static int64_t
hq_dash_cents(const char *s)
{
	int64_t v = 0, sign = 1, frac = 0;
	int nf = 0;

	if (*s == '-') {
		sign = -1;
		s++;
	}
	for (; *s != '\0' && *s != '.'; s++)
		if (*s >= '0' && *s <= '9')
			v = v * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && nf < 2; s++, nf++)
			frac = frac * 10 + (*s - '0');
	if (nf == 1)
		frac *= 10;
	return sign * (v * 100 + frac);
}

/* The close-outs of a counted ledger, from its bundle's closeout.csv. */
static int
hq_dash_store_closeouts(struct hq *h, const char *id, const struct bundle_content *c)
{
	static const char *const want[] = {"seq",
	                                   "kind",
	                                   "cash_expected",
	                                   "cash_counted",
	                                   "checks_expected_total",
	                                   "checks_counted_total"};
	struct csv_reader *r;
	struct csv_record rec;
	sqlite3_stmt *st;
	size_t col[6] = {0}, i, j;
	char *why = NULL;
	int first = 1, rc = 0;

	if (hq_dash_schema_make(h) != 0)
		return -1;
	if (c->csv[BUNDLE_CLOSEOUT] == NULL)
		return 0;
	st = hq_prep(h,
	             "INSERT OR IGNORE INTO closeouts(identity, seq, kind, cash_expected, "
	             "cash_counted, check_expected, check_counted) VALUES (?1, ?2, ?3, ?4, ?5, "
	             "?6, ?7)",
	             1, id);
	if (st == NULL)
		return -1;
	r = csv_reader_new(c->csv[BUNDLE_CLOSEOUT], c->csv_len[BUNDLE_CLOSEOUT]);
	while (rc == 0 && csv_next(r, &rec, &why) == 1) {
		if (first) {
			for (i = 0; i < 6; i++) {
				for (j = 0; j < rec.nfields && strcmp(rec.fields[j], want[i]) != 0;
				     j++)
					;
				if (j == rec.nfields)
					goto end; /* not the columns this reads: nothing kept */
				col[i] = j;
			}
			first = 0;
			continue;
		}
		if (rec.nfields <= col[5] && strcmp(rec.fields[col[1]], "reopen") != 0)
			continue;
		sqlite3_bind_int64(st, 2, strtoll(rec.fields[col[0]], NULL, 10));
		sqlite3_bind_text(st, 3, rec.fields[col[1]], -1, SQLITE_TRANSIENT);
		for (i = 2; i < 6; i++)
			sqlite3_bind_int64(st, (int)i + 2,
			                   col[i] < rec.nfields ? hq_dash_cents(rec.fields[col[i]])
			                                        : 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
	}
end:
	free(why);
	csv_reader_free(r);
	sqlite3_finalize(st);
	return rc;
}

static void *
hq_dash_grow(void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 16;
	return xrealloc(p, *cap * size);
}

#define HQ_DASH_TEXT(dst, st, i)                                                                   \
	snprintf((dst), sizeof(dst), "%s",                                                         \
	         sqlite3_column_text((st), (i)) ? (const char *)sqlite3_column_text((st), (i))     \
	                                        : "")

static struct hq_dash_row *
hq_dash_row_add(struct hq_dash *d, size_t *cap, int level)
{
	struct hq_dash_row *r;

	d->rows = hq_dash_grow(d->rows, d->nrows, cap, sizeof *d->rows);
	r = &d->rows[d->nrows++];
	memset(r, 0, sizeof *r);
	r->level = level;
	return r;
}

/* The table by city, event and station. */
static int
hq_dash_rows(struct hq *h, struct hq_dash *d, char **cause)
{
	/* the ledgers HQ took in, and those counted from a backup copy (under
	 * their carrier's city and event) */
	sqlite3_stmt *st = hq_prep(
	    h,
	    "SELECT city, event_tag, event_name, date, station, state, last_export, bundle, "
	    "identity, '' FROM stations UNION ALL SELECT x.city, c.event_tag, x.event_name, "
	    "x.date, c.station, 'copy', 0, c.bundle, c.identity, c.carrier_station FROM copies c "
	    "JOIN stations x ON x.identity = c.carrier WHERE NOT EXISTS (SELECT 1 FROM stations "
	    "y WHERE y.identity = c.identity) ORDER BY 1, 4, 3, 2, 5, 8",
	    0);
	struct hq_dash_row *r, *prev = NULL;
	size_t cap = 0;
	int rc = -1;

	if (st == NULL)
		return hq_fail(h, cause, "be read");
	for (;;) {
		int more = sqlite3_step(st) == SQLITE_ROW;
		const char *city = more ? (const char *)sqlite3_column_text(st, 0) : "";
		const char *tag = more ? (const char *)sqlite3_column_text(st, 1) : "";
		/* a change of event or city: the totals of the one before */
		if (prev != NULL &&
		    (!more || strcmp(prev->event_tag, tag) != 0 || strcmp(prev->city, city) != 0)) {
			struct hq_dash_row ev = *prev;
			r = hq_dash_row_add(d, &cap, 1);
			*r = ev;
			r->level = 1;
			r->station[0] = '\0';
			if (hq_totals(h, r->event_tag, &r->t, cause) != 0)
				goto end;
		}
		if (prev != NULL && (!more || strcmp(prev->city, city) != 0)) {
			char c[64];
			snprintf(c, sizeof c, "%s", prev->city);
			r = hq_dash_row_add(d, &cap, 2);
			snprintf(r->city, sizeof r->city, "%s", c);
			if (hq_sum(
			        h,
			        "EXISTS (SELECT 1 FROM stations s WHERE s.event_tag = e.event_tag "
			        "AND s.city = ?1)",
			        c, NULL, &r->t, cause) != 0)
				goto end;
		}
		if (!more)
			break;
		r = hq_dash_row_add(d, &cap, 0);
		HQ_DASH_TEXT(r->city, st, 0);
		HQ_DASH_TEXT(r->event_tag, st, 1);
		HQ_DASH_TEXT(r->event_name, st, 2);
		HQ_DASH_TEXT(r->date, st, 3);
		HQ_DASH_TEXT(r->station, st, 4);
		HQ_DASH_TEXT(r->state, st, 5);
		r->export_no = sqlite3_column_int64(st, 6);
		r->bundle = sqlite3_column_int64(st, 7);
		HQ_DASH_TEXT(r->carrier, st, 9);
		if (strcmp(r->state, "counted") == 0)
			r->beyond =
			    hq_beyond(h, (const char *)sqlite3_column_text(st, 8), &r->own_upto_ms,
			              &r->copy_upto_ms, r->carrier, &r->copy_bundle);
		if ((strcmp(r->state, "counted") == 0 || strcmp(r->state, "copy") == 0) &&
		    hq_sum(h, "e.identity = ?1", (const char *)sqlite3_column_text(st, 8), NULL,
		           &r->t, cause) != 0)
			goto end;
		prev = r;
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

int
hq_dash_read(struct hq *h, struct hq_dash *d, char **cause)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = -1;

	memset(d, 0, sizeof *d);
	if (hq_dash_schema_make(h) != 0)
		return hq_fail(h, cause, "be read");
	if (hq_dash_rows(h, d, cause) != 0 || hq_totals(h, NULL, &d->national, cause) != 0)
		goto end;
	/* the close-outs of the ledgers counted, in the order of the table */
	if ((st = hq_prep(h,
	                  "SELECT s.city, s.event_name, s.station, c.seq, c.cash_expected, "
	                  "c.cash_counted, c.check_expected, c.check_counted, EXISTS (SELECT 1 "
	                  "FROM closeouts r WHERE r.identity = c.identity AND r.kind = 'reopen' "
	                  "AND r.seq > c.seq) FROM closeouts c JOIN stations s ON s.identity = "
	                  "c.identity WHERE c.kind = 'closeout' AND s.state = 'counted' ORDER BY "
	                  "s.city, s.date, s.event_name, s.station, c.seq",
	                  0)) == NULL) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct hq_dash_closeout *c;
		d->closeouts =
		    hq_dash_grow(d->closeouts, d->ncloseouts, &cap, sizeof *d->closeouts);
		c = &d->closeouts[d->ncloseouts++];
		memset(c, 0, sizeof *c);
		HQ_DASH_TEXT(c->city, st, 0);
		HQ_DASH_TEXT(c->event_name, st, 1);
		HQ_DASH_TEXT(c->station, st, 2);
		c->seq = sqlite3_column_int64(st, 3);
		c->cash_expected = sqlite3_column_int64(st, 4);
		c->cash_counted = sqlite3_column_int64(st, 5);
		c->check_expected = sqlite3_column_int64(st, 6);
		c->check_counted = sqlite3_column_int64(st, 7);
		c->reopened = sqlite3_column_int(st, 8);
	}
	sqlite3_finalize(st);
	/* each event's last upload, whatever came of it (held ones too) */
	cap = 0;
	if ((st = hq_prep(h,
	                  "SELECT MAX(b.event), b.event_tag, b.event_name, b.city, b.date, "
	                  "COUNT(*), MAX(b.wall_ms), (SELECT l.id FROM bundles l WHERE "
	                  "l.event_tag = b.event_tag ORDER BY l.wall_ms DESC, l.id DESC LIMIT 1) "
	                  "AS last FROM bundles b GROUP BY b.event_tag ORDER BY b.city, b.date, "
	                  "b.event_tag",
	                  0)) == NULL) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct hq_dash_event *e;
		sqlite3_stmt *o;
		d->events = hq_dash_grow(d->events, d->nevents, &cap, sizeof *d->events);
		e = &d->events[d->nevents++];
		memset(e, 0, sizeof *e);
		HQ_DASH_TEXT(e->event, st, 0);
		HQ_DASH_TEXT(e->event_tag, st, 1);
		HQ_DASH_TEXT(e->event_name, st, 2);
		HQ_DASH_TEXT(e->city, st, 3);
		HQ_DASH_TEXT(e->date, st, 4);
		e->uploads = sqlite3_column_int64(st, 5);
		e->last_wall_ms = sqlite3_column_int64(st, 6);
		e->last_bundle = sqlite3_column_int64(st, 7);
		o = hq_prep(h, "SELECT outcome, station FROM bundles WHERE id = ?1", 0);
		if (o == NULL) {
			hq_fail(h, cause, "be read");
			goto end;
		}
		sqlite3_bind_int64(o, 1, e->last_bundle);
		if (sqlite3_step(o) == SQLITE_ROW) {
			HQ_DASH_TEXT(e->outcome, o, 0);
			HQ_DASH_TEXT(e->station, o, 1);
		}
		sqlite3_finalize(o);
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	if (rc != 0)
		hq_dash_free(d);
	return rc;
}

void
hq_dash_free(struct hq_dash *d)
{
	free(d->rows);
	free(d->closeouts);
	free(d->events);
	memset(d, 0, sizeof *d);
}

int
hq_staff_list(struct hq *h, struct hq_staff_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt *st =
	    hq_prep(h, "SELECT name, admin, disabled, wall_ms FROM staff ORDER BY name", 0);
	size_t cap = 0;

	*rows = NULL;
	*n = 0;
	if (st == NULL)
		return hq_fail(h, cause, "be read");
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct hq_staff_row *r;
		*rows = hq_dash_grow(*rows, *n, &cap, sizeof **rows);
		r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		HQ_DASH_TEXT(r->name, st, 0);
		r->admin = sqlite3_column_int(st, 1);
		r->disabled = sqlite3_column_int(st, 2);
		r->wall_ms = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return 0;
}

/* One change to account name and its line in HQ's log, in one transaction. */
static int
hq_staff_change(struct hq *h, sqlite3_stmt *st, const char *name, const char *action,
                const char *by, char **cause)
{
	char *why;
	int rc = -1;

	if (st == NULL)
		return hq_fail(h, cause, "be written");
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return hq_fail(h, cause, "start a transaction");
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	if (sqlite3_changes(h->db) == 0) {
		rc = 1;
		goto end;
	}
	why = xasprintf("by %s", by);
	rc = hq_log_add(h, action, 0, name, why);
	free(why);
	/* a disabled account, or a new password: its kept sessions end too */
	if (rc == 0)
		rc = hq_run(hq_prep(h, "DELETE FROM staff_sessions WHERE user = ?1", 1, name));
	if (rc != 0 || sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = hq_fail(h, cause, "be written");
		goto end;
	}
	sqlite3_finalize(st);
	return 0;
end:
	sqlite3_finalize(st);
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
hq_staff_disable(struct hq *h, const char *name, int disabled, const char *by, char **cause)
{
	sqlite3_stmt *st = hq_prep(h, "UPDATE staff SET disabled = ?2 WHERE name = ?1", 1, name);

	if (st != NULL)
		sqlite3_bind_int(st, 2, disabled != 0);
	return hq_staff_change(h, st, name, disabled ? "staff-disable" : "staff-enable", by, cause);
}

int
hq_staff_reset(struct hq *h, const char *name, const char *pwhash, const char *by, char **cause)
{
	return hq_staff_change(
	    h, hq_prep(h, "UPDATE staff SET pwhash = ?2 WHERE name = ?1", 2, name, pwhash), name,
	    "staff-reset", by, cause);
}

/* ---- pledge payments that arrive at HQ by mail ---- */

static int
hq_pay_refuse(struct hq_pay_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->message, sizeof res->message, fmt, ap);
	va_end(ap);
	return 1;
}

/* One part of a statement: a pledge of its sponsor, by HQ's key. */
struct hq_pay_part {
	char *k;
	int64_t owed, still, put;
	int known;
};

int
hq_pay(struct hq *h, const char *statement, int64_t cents, const char *method, const char *check_no,
       const char *by, struct hq_pay_result *res, char **cause)
{
	char code[96], station[17], hex[9], *p, a1[32], a2[32], a3[32], a4[32];
	char identity[130] = "", walker_name[128] = "", sponsor[128] = "", city[64] = "";
	char *note = NULL, *safe = NULL;
	long long seq = 0, cert = 0, due = 0;
	int64_t walker = 0, left, still = 0, owed = 0, paid = 0;
	struct hq_pay_part *parts = NULL;
	size_t nparts = 0, i;
	sqlite3_stmt *st = NULL;
	int n = 0, known = 0, rc = -1;

	memset(res, 0, sizeof *res);
	/* as printed under the QR, or typed in lower case with spaces around */
	while (*statement == ' ' || *statement == '\t')
		statement++;
	snprintf(code, sizeof code, "%s", statement);
	for (p = code + strlen(code);
	     p > code && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r' || p[-1] == '\n');)
		*--p = '\0';
	safe = text_escape(code, 0);
	for (p = code; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (strlen(statement) >= sizeof code ||
	    sscanf(code, "S:%16[A-Z0-9-]:%lld:%lld:%lld:%8[0-9A-F]%n", station, &seq, &cert, &due,
	           hex, &n) != 5 ||
	    code[n] != '\0' || strlen(hex) != 8 || seq <= 0) {
		rc = hq_pay_refuse(res,
		                   "\"%.60s\" is not a statement number: it is printed under the "
		                   "statement's QR code as S:STATION:...: type it as printed, or "
		                   "scan the code. Nothing was recorded.",
		                   safe);
		goto out;
	}
	if (cents <= 0 || cents > 100000000) {
		rc = hq_pay_refuse(res, "The amount must be more than $0.00 and at most "
		                        "$1,000,000.00. Nothing was recorded.");
		goto out;
	}
	if (method == NULL || (strcmp(method, "cash") != 0 && strcmp(method, "check") != 0 &&
	                       strcmp(method, "card") != 0 && strcmp(method, "other") != 0)) {
		rc = hq_pay_refuse(res, "Say how it was paid: cash, check, card or other. Nothing "
		                        "was recorded.");
		goto out;
	}
	if (check_no == NULL)
		check_no = "";
	if (strcmp(method, "check") == 0 && *check_no == '\0') {
		rc = hq_pay_refuse(res, "A check needs its number (printed at its top right). "
		                        "Nothing was recorded.");
		goto out;
	}
	if (strlen(check_no) > 32 || strcspn(check_no, "\r\n\t") != strlen(check_no)) {
		rc = hq_pay_refuse(res, "A check number is at most 32 characters on one line. "
		                        "Nothing was recorded.");
		goto out;
	}
	if (hq_tx_begin(h, cause) != 0)
		goto out;
	/* the statement's ledger: its station, the first 8 hex of its identity */
	if ((st = hq_prep(h,
	                  "WITH " HQ_LEDGERS_CTE ", k AS (SELECT identity, city, 'counted' AS "
	                  "state FROM lg UNION ALL SELECT identity, city, state FROM stations) "
	                  "SELECT identity, city, state FROM k WHERE identity IN (SELECT "
	                  "identity FROM stations WHERE station = ?1 UNION ALL SELECT identity "
	                  "FROM copies WHERE station = ?1) AND upper(substr(identity, 1, 8)) = "
	                  "?2 ORDER BY state = 'counted' DESC LIMIT 1",
	                  2, station, hex)) == NULL)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW) {
		HQ_DASH_TEXT(identity, st, 0);
		HQ_DASH_TEXT(city, st, 1);
		known = strcmp((const char *)sqlite3_column_text(st, 2), "counted") == 0 ? 1 : -1;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (known == 0) {
		rc = hq_pay_refuse(res,
		                   "HQ does not know statement %s: no bundle of station %s with "
		                   "ledger %s was received. Check the number, or wait for that "
		                   "station's bundle. Nothing was recorded.",
		                   safe, station, hex);
		goto rollback;
	}
	if (known < 0) {
		rc = hq_pay_refuse(
		    res,
		    "Statement %s is of station %s, whose bundle HQ holds but does not "
		    "count (held or refused): decide on it first. Nothing was "
		    "recorded.",
		    safe, station);
		goto rollback;
	}
	if ((st = hq_prep(h,
	                  "SELECT walker, walker_name, sponsor FROM pledges WHERE identity = ?1 "
	                  "AND in_force = 1 AND seq = ?2",
	                  1, identity)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 2, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		walker = sqlite3_column_int64(st, 0);
		HQ_DASH_TEXT(walker_name, st, 1);
		HQ_DASH_TEXT(sponsor, st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (walker == 0) {
		rc = hq_pay_refuse(
		    res,
		    "Statement %s names pledge %lld, which is not a pledge in force in "
		    "station %s's ledger as HQ received it (annulled, or not this "
		    "ledger's). Nothing was recorded.",
		    safe, seq, station);
		goto rollback;
	}
	/* the sponsor's pledges for that walker in that ledger, as hq-report
	 * counts them (across stations, with what HQ recorded before) */
	if ((st = hq_prep(h,
	                  HQ_PLEDGE_CTE
	                  "SELECT c.k, o.owed, o.still FROM c JOIN o ON o.k = c.k WHERE "
	                  "c.identity = ?1 AND c.walker = ?2 AND c.sponsor = ?3 ORDER BY c.seq",
	                  1, identity)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 2, walker);
	sqlite3_bind_text(st, 3, sponsor, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct hq_pay_part *q;
		parts = xrealloc(parts, (nparts + 1) * sizeof *parts);
		q = &parts[nparts++];
		memset(q, 0, sizeof *q);
		q->k = xstrdup((const char *)sqlite3_column_text(st, 0));
		q->known = sqlite3_column_type(st, 1) != SQLITE_NULL;
		q->owed = sqlite3_column_int64(st, 1);
		q->still = sqlite3_column_int64(st, 2);
		still += q->still;
		owed += q->owed;
		known = known && q->known;
	}
	sqlite3_finalize(st);
	st = NULL;
	paid = owed - still;
	free(safe);
	safe = text_escape(sponsor, 0);
	if (nparts == 0 || (still == 0 && owed == 0 && !known)) {
		rc = hq_pay_refuse(res,
		                   "Statement %s has no amount at HQ yet (a pledge per mile or km "
		                   "without a lap length): record it at the station. Nothing was "
		                   "recorded.",
		                   code);
		goto rollback;
	}
	if (still <= 0) {
		rc = hq_pay_refuse(res,
		                   "Statement %s is already paid: %s's pledges for walker %" PRId64
		                   " came to %s and HQ counts them paid in full. Nothing was "
		                   "recorded; if the sponsor sent more, it is a gift to record at "
		                   "the station or in the books.",
		                   code, safe, walker, amount_format(owed, a1, sizeof a1));
		goto rollback;
	}
	if ((st = hq_prep(h,
	                  "INSERT INTO payments(wall_ms, statement, identity, pledge_seq, walker, "
	                  "sponsor, cents, applied, gift, method, check_no, by) VALUES (?5, ?1, "
	                  "?2, ?6, ?7, ?3, ?8, ?9, ?10, ?4, ?11, ?12)",
	                  4, code, identity, sponsor, method)) == NULL)
		goto fail;
	res->applied = cents < still ? cents : still;
	res->gift = cents - res->applied;
	res->still_before = still;
	res->still_after = still - res->applied;
	sqlite3_bind_int64(st, 5, hq_now_ms());
	sqlite3_bind_int64(st, 6, seq);
	sqlite3_bind_int64(st, 7, walker);
	sqlite3_bind_int64(st, 8, cents);
	sqlite3_bind_int64(st, 9, res->applied);
	sqlite3_bind_int64(st, 10, res->gift);
	sqlite3_bind_text(st, 11, check_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 12, by != NULL ? by : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	res->id = sqlite3_last_insert_rowid(h->db);
	left = res->applied;
	for (i = 0; i < nparts && left > 0; i++) {
		int64_t put = parts[i].still < left ? parts[i].still : left;
		if (put <= 0)
			continue;
		if ((st = hq_prep(h, "INSERT INTO pay_parts(payment, k, cents) VALUES (?2, ?1, ?3)",
		                  1, parts[i].k)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 2, res->id);
		sqlite3_bind_int64(st, 3, put);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		st = NULL;
		left -= put;
	}
	{
		char *w = text_escape(walker_name, 0);
		size_t len;
		len = (size_t)snprintf(
		    res->message, sizeof res->message,
		    "Recorded payment %" PRId64 ": %s by %s%s%s from %s for walker %" PRId64
		    " (%s), statement %s. %s toward the pledges; still owed now %s.",
		    res->id, amount_format(cents, a1, sizeof a1), method,
		    *check_no != '\0' ? " " : "", check_no, safe, walker, w, code,
		    amount_format(res->applied, a2, sizeof a2),
		    amount_format(res->still_after, a3, sizeof a3));
		if (res->gift > 0 && len < sizeof res->message)
			len += (size_t)snprintf(res->message + len, sizeof res->message - len,
			                        " %s more than owed is shown as a gift.",
			                        amount_format(res->gift, a4, sizeof a4));
		if (due != still && len < sizeof res->message)
			snprintf(res->message + len, sizeof res->message - len,
			         " (The statement said %s still owed; HQ counted %s before this "
			         "payment: payments or laps came after it was printed.)",
			         amount_format(due, a1, sizeof a1),
			         amount_format(still, a2, sizeof a2));
		free(w);
	}
	note = xasprintf("payment %" PRId64 ": %s by %s%s%s from %s for walker %" PRId64 " (%s): "
	                 "%s toward the pledges, %s gift (staff %s)",
	                 res->id, amount_format(cents, a1, sizeof a1), method,
	                 *check_no != '\0' ? " " : "", check_no, sponsor, walker, city,
	                 amount_format(res->applied, a2, sizeof a2),
	                 amount_format(res->gift, a3, sizeof a3), by != NULL ? by : "");
	if (hq_log_add(h, "pledge-payment", 0, code, note) != 0)
		goto fail;
	rc = hq_tx_end(h, 1, cause);
	goto out;
fail:
	sqlite3_finalize(st);
	st = NULL;
	hq_fail(h, cause, "record the payment");
	memset(res, 0, sizeof *res);
	rc = -1;
rollback:
	hq_tx_end(h, 0, NULL);
out:
	for (i = 0; i < nparts; i++)
		free(parts[i].k);
	free(parts);
	free(note);
	free(safe);
	(void)paid;
	(void)cert;
	return rc;
}

int
hq_pledge_rows(struct hq *h, struct hq_pledge_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt *st = hq_prep(
	    h,
	    HQ_PLEDGE_CTE ", r AS (SELECT city, tag, station, 1 AS n, owed, paid, hq, still, "
	                  "owed IS NULL AS unk, 0 AS gift FROM o UNION ALL SELECT s.city, "
	                  "s.event_tag, s.station, 0, 0, 0, 0, 0, 0, y.gift FROM payments y JOIN "
	                  "lg s ON s.identity = y.identity) "
	                  "SELECT city, tag, station, SUM(n), COALESCE(SUM(owed), 0), "
	                  "SUM(paid), SUM(hq), SUM(still), SUM(unk), SUM(gift), (SELECT "
	                  "MAX(event_name) FROM stations x WHERE x.event_tag = r.tag) FROM r "
	                  "GROUP BY city, tag, station ORDER BY city, tag, station",
	    0);
	struct hq_pledge_row *v = NULL, ev = {0}, ci = {0}, na = {.level = 3};
	size_t cap = 0, k = 0;
	int have = 0;

	*rows = NULL;
	*n = 0;
	if (st == NULL)
		return hq_fail(h, cause, "be read");
#define HQ_PLEDGE_ADD(row)                                                                         \
	do {                                                                                       \
		v = hq_dash_grow(v, k, &cap, sizeof *v);                                           \
		v[k++] = (row);                                                                    \
	} while (0)
#define HQ_PLEDGE_SUM(to, r)                                                                       \
	do {                                                                                       \
		(to).pledges += (r).pledges, (to).pledged += (r).pledged;                          \
		(to).collected += (r).collected, (to).at_hq += (r).at_hq;                          \
		(to).still += (r).still, (to).gifts += (r).gifts, (to).unknown += (r).unknown;     \
	} while (0)
	for (;;) {
		int more = sqlite3_step(st) == SQLITE_ROW;
		struct hq_pledge_row r = {0};
		if (more) {
			HQ_DASH_TEXT(r.city, st, 0);
			HQ_DASH_TEXT(r.event_tag, st, 1);
			HQ_DASH_TEXT(r.station, st, 2);
			HQ_DASH_TEXT(r.event_name, st, 10);
			r.pledges = sqlite3_column_int64(st, 3);
			r.pledged = sqlite3_column_int64(st, 4);
			r.collected = sqlite3_column_int64(st, 5);
			r.at_hq = sqlite3_column_int64(st, 6);
			r.still = sqlite3_column_int64(st, 7);
			r.unknown = sqlite3_column_int64(st, 8);
			r.gifts = sqlite3_column_int64(st, 9);
		}
		if (have && (!more || strcmp(ev.event_tag, r.event_tag) != 0 ||
		             strcmp(ev.city, r.city) != 0)) {
			HQ_PLEDGE_ADD(ev);
			memset(&ev, 0, sizeof ev);
		}
		if (have && (!more || strcmp(ci.city, r.city) != 0)) {
			HQ_PLEDGE_ADD(ci);
			memset(&ci, 0, sizeof ci);
		}
		if (!more)
			break;
		if (ev.event_tag[0] == '\0' && ev.city[0] == '\0') {
			ev = r;
			ev.level = 1;
			ev.station[0] = '\0';
			ev.pledges = ev.pledged = ev.collected = ev.at_hq = ev.still = ev.gifts =
			    ev.unknown = 0;
		}
		if (ci.city[0] == '\0') {
			snprintf(ci.city, sizeof ci.city, "%s", r.city);
			ci.level = 2;
		}
		HQ_PLEDGE_SUM(ev, r);
		HQ_PLEDGE_SUM(ci, r);
		HQ_PLEDGE_SUM(na, r);
		HQ_PLEDGE_ADD(r);
		have = 1;
	}
	HQ_PLEDGE_ADD(na);
#undef HQ_PLEDGE_ADD
#undef HQ_PLEDGE_SUM
	sqlite3_finalize(st);
	*rows = v;
	*n = k;
	return 0;
}

int
hq_payment_list(struct hq *h, size_t max, struct hq_payment_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt *st =
	    hq_prep(h,
	            "SELECT y.id, y.wall_ms, y.cents, y.applied, y.gift, y.walker, "
	            "y.statement, y.sponsor, (SELECT MAX(p.walker_name) FROM pledges "
	            "p WHERE p.identity = y.identity AND p.seq = y.pledge_seq), "
	            "y.method, y.check_no, y.by FROM payments y ORDER BY y.id DESC "
	            "LIMIT ?1",
	            0);
	struct hq_payment_row *v = NULL;
	size_t cap = 0, k = 0;

	*rows = NULL;
	*n = 0;
	if (st == NULL)
		return hq_fail(h, cause, "be read");
	sqlite3_bind_int64(st, 1, (int64_t)max);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct hq_payment_row *r;
		v = hq_dash_grow(v, k, &cap, sizeof *v);
		r = &v[k++];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		r->wall_ms = sqlite3_column_int64(st, 1);
		r->cents = sqlite3_column_int64(st, 2);
		r->applied = sqlite3_column_int64(st, 3);
		r->gift = sqlite3_column_int64(st, 4);
		r->walker = sqlite3_column_int64(st, 5);
		HQ_DASH_TEXT(r->statement, st, 6);
		HQ_DASH_TEXT(r->sponsor, st, 7);
		HQ_DASH_TEXT(r->walker_name, st, 8);
		HQ_DASH_TEXT(r->method, st, 9);
		HQ_DASH_TEXT(r->check_no, st, 10);
		HQ_DASH_TEXT(r->by, st, 11);
	}
	sqlite3_finalize(st);
	*rows = v;
	*n = k;
	return 0;
}

int
hq_bundle_list(struct hq *h, struct hq_bundle_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt *st =
	    hq_prep(h,
	            "SELECT id, wall_ms, file, city, event_name, event_tag, station, "
	            "export_no, outcome, date FROM bundles ORDER BY id DESC",
	            0);
	struct hq_bundle_row *v = NULL;
	size_t cap = 0, k = 0;

	*rows = NULL;
	*n = 0;
	if (st == NULL)
		return hq_fail(h, cause, "be read");
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct hq_bundle_row *r;
		const char *file = (const char *)sqlite3_column_text(st, 2);
		v = hq_dash_grow(v, k, &cap, sizeof *v);
		r = &v[k++];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		r->wall_ms = sqlite3_column_int64(st, 1);
		/* the name it arrived under, without the folder it was merged from */
		if (file != NULL && strrchr(file, '/') != NULL)
			file = strrchr(file, '/') + 1;
		snprintf(r->file, sizeof r->file, "%s", file != NULL ? file : "");
		HQ_DASH_TEXT(r->city, st, 3);
		HQ_DASH_TEXT(r->event_name, st, 4);
		HQ_DASH_TEXT(r->event_tag, st, 5);
		HQ_DASH_TEXT(r->station, st, 6);
		r->export_no = sqlite3_column_int64(st, 7);
		HQ_DASH_TEXT(r->outcome, st, 8);
		HQ_DASH_TEXT(r->date, st, 9);
	}
	sqlite3_finalize(st);
	*rows = v;
	*n = k;
	return 0;
}

/* ---- wat-hq's staff sessions, kept across a restart ---- */

int
hq_session_put(struct hq *h, const struct hq_session *ss, char **cause)
{
	sqlite3_stmt *st =
	    hq_prep(h,
	            "INSERT INTO staff_sessions(idhash, user, csrf, admin, start_ms, "
	            "seen_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(idhash) DO "
	            "UPDATE SET seen_ms = MAX(seen_ms, excluded.seen_ms)",
	            3, ss->idhash, ss->user, ss->csrf);

	if (st == NULL)
		return hq_fail(h, cause, "be written");
	sqlite3_bind_int(st, 4, ss->admin);
	sqlite3_bind_int64(st, 5, ss->start_ms);
	sqlite3_bind_int64(st, 6, ss->seen_ms);
	if (hq_run(st) != 0)
		return hq_fail(h, cause, "be written");
	return 0;
}

int
hq_session_get(struct hq *h, const char *idhash, struct hq_session *ss, char **cause)
{
	/* only while its account is enabled; admin as the account is now */
	sqlite3_stmt *st = hq_prep(h,
	                           "SELECT x.user, x.csrf, a.admin, x.start_ms, x.seen_ms FROM "
	                           "staff_sessions x JOIN staff a ON a.name = x.user AND "
	                           "a.disabled = 0 WHERE x.idhash = ?1",
	                           1, idhash);
	int rc = 1;

	memset(ss, 0, sizeof *ss);
	if (st == NULL)
		return hq_fail(h, cause, "be read");
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(ss->idhash, sizeof ss->idhash, "%s", idhash);
		HQ_DASH_TEXT(ss->user, st, 0);
		HQ_DASH_TEXT(ss->csrf, st, 1);
		ss->admin = sqlite3_column_int(st, 2);
		ss->start_ms = sqlite3_column_int64(st, 3);
		ss->seen_ms = sqlite3_column_int64(st, 4);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
hq_session_end(struct hq *h, const char *idhash, const char *user, int64_t before_ms, char **cause)
{
	sqlite3_stmt *st = hq_prep(h,
	                           "DELETE FROM staff_sessions WHERE idhash = ?1 OR user = ?2 OR "
	                           "seen_ms < ?3",
	                           2, idhash, user);

	if (st == NULL)
		return hq_fail(h, cause, "be written");
	sqlite3_bind_int64(st, 3, before_ms);
	if (hq_run(st) != 0)
		return hq_fail(h, cause, "be written");
	return 0;
}
