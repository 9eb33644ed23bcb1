/* hq.c — HQ's sqlite database of merged bundles (see hq.h, docs/HQ-GUIDE.md).
 *
 *   stations(event_tag, station, event_name, city, date, key_id, public_key,
 *            last_seq, head, last_export)
 *   entries(event_tag, station, seq, kind, walker, ref, cents, method, manual,
 *           wall_ms, hash)        -- one row per ledger entry, never updated
 *   merges(file, event_tag, station, export_no, last_seq, added, wall_ms)
 *   figures(event_tag, station, walkers, checked_in, laps, manual_laps,
 *           flagged_laps, donations, checks, cash_cents, check_cents,
 *           other_cents, annulled)   -- the fold's figures of the station's
 *                                        last merged export (fold.h)
 *   walkers(event_tag, station, walker)  -- its walkers registered in force
 *
 * Every bundle holds its station's whole ledger, so each merge replaces the
 * station's figures with those the fold made of it (bundle_compute): HQ's
 * sums are the fold's, the same as the station's own and the bundle's.  An
 * annulment that arrives in a later export than the entry it undoes takes
 * it out then.  A database made before the figures were kept gets them at
 * open, folded from its entries. */
#include "hq.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "amount.h"
#include "entry.h"
#include "fold.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

struct hq {
	sqlite3 *db;
	char *path;
};

static const char hq_schema[] =
    "CREATE TABLE IF NOT EXISTS stations("
    " event_tag TEXT NOT NULL, station TEXT NOT NULL,"
    " event_name TEXT NOT NULL, city TEXT NOT NULL, date TEXT NOT NULL,"
    " key_id TEXT NOT NULL, public_key TEXT NOT NULL,"
    " last_seq INTEGER NOT NULL, head BLOB NOT NULL, last_export INTEGER NOT NULL,"
    " PRIMARY KEY(event_tag, station));"
    "CREATE TABLE IF NOT EXISTS entries("
    " event_tag TEXT NOT NULL, station TEXT NOT NULL, seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL, walker INTEGER, ref INTEGER, cents INTEGER NOT NULL,"
    " method TEXT NOT NULL, manual INTEGER NOT NULL, wall_ms INTEGER NOT NULL,"
    " hash BLOB NOT NULL, PRIMARY KEY(event_tag, station, seq));"
    "CREATE INDEX IF NOT EXISTS entries_ref ON entries(event_tag, station, ref)"
    " WHERE kind = 'annul';"
    "CREATE TABLE IF NOT EXISTS merges("
    " file TEXT NOT NULL, event_tag TEXT NOT NULL, station TEXT NOT NULL,"
    " export_no INTEGER NOT NULL, last_seq INTEGER NOT NULL, added INTEGER NOT NULL,"
    " wall_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS figures("
    " event_tag TEXT NOT NULL, station TEXT NOT NULL, walkers INTEGER NOT NULL,"
    " checked_in INTEGER NOT NULL, laps INTEGER NOT NULL, manual_laps INTEGER NOT NULL,"
    " flagged_laps INTEGER NOT NULL, donations INTEGER NOT NULL, checks INTEGER NOT NULL,"
    " cash_cents INTEGER NOT NULL, check_cents INTEGER NOT NULL, other_cents INTEGER NOT NULL,"
    " annulled INTEGER NOT NULL, PRIMARY KEY(event_tag, station));"
    "CREATE TABLE IF NOT EXISTS walkers("
    " event_tag TEXT NOT NULL, station TEXT NOT NULL, walker INTEGER NOT NULL,"
    " PRIMARY KEY(event_tag, station, walker));"
    "CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries BEGIN"
    " SELECT RAISE(ABORT, 'merged entries are never changed'); END;";

static int hq_refold(struct hq *h, char **cause);

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

/* 0 when the file is empty (a new HQ database) or HQ's own; else -1 with a
 * sentence, before anything is written to it: a station's ledger given as
 * --db once got HQ's tables added beside its own. */
static int
hq_is_hq(struct hq *h, char **cause)
{
	int64_t all = hq_count(h, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");

	if (all < 0)
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
	if (hq_count(h, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
	                "('stations', 'entries', 'merges')") != 3 ||
	    hq_count(h, "SELECT COUNT(*) FROM pragma_table_info('entries') WHERE name = "
	                "'event_tag'") != 1)
		return util_fail(cause,
		                 "%s is a database of another program, not an HQ database: nothing "
		                 "was changed.",
		                 h->path);
	return 0;
}

int
hq_open(const char *path, struct hq **out, char **cause)
{
	struct hq *h = xcalloc(1, sizeof *h);
	int rc = -1;

	h->path = xstrdup(path);
	if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		util_fail(cause, "Cannot open the HQ database %s: %s.", path,
		          h->db ? sqlite3_errmsg(h->db) : "out of memory");
		goto end;
	}
	sqlite3_busy_timeout(h->db, 2000);
	/* One connection, exclusive: see shared notes on sqlite (WAL-reset bug). */
	if (sqlite3_exec(h->db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be opened (is it an HQ database, and not in use?)");
		goto end;
	}
	if (hq_is_hq(h, cause) != 0)
		goto end;
	if (sqlite3_exec(h->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
	                 NULL) != SQLITE_OK ||
	    sqlite3_exec(h->db, hq_schema, NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be opened (is it an HQ database, and not in use?)");
		goto end;
	}
	if (hq_refold(h, cause) != 0)
		goto end;
	*out = h;
	h = NULL;
	rc = 0;
end:
	hq_free(h);
	return rc;
}

static int
hq_station(struct hq *h, const char *tag, const char *station, char **public_key, int64_t *last_seq,
           int64_t *last_export, unsigned char head[BUNDLE_HASH_LEN])
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(h->db,
	                       "SELECT public_key, last_seq, last_export, head FROM stations WHERE "
	                       "event_tag = ?1 AND station = ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, station, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		*public_key = xstrdup((const char *)sqlite3_column_text(st, 0));
		*last_seq = sqlite3_column_int64(st, 1);
		*last_export = sqlite3_column_int64(st, 2);
		if (sqlite3_column_bytes(st, 3) == BUNDLE_HASH_LEN)
			memcpy(head, sqlite3_column_blob(st, 3), BUNDLE_HASH_LEN);
	}
	sqlite3_finalize(st);
	return found;
}

static int64_t
hq_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Replaces a station's figures and walkers with the fold's (fig; walkers
 * ws[0..nw)), inside the caller's transaction. */
static int
hq_store_figures(struct hq *h, const char *tag, const char *station, const struct fold_figures *fig,
                 const uint32_t *ws, size_t nw)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = -1;

	if (sqlite3_prepare_v2(h->db, "DELETE FROM walkers WHERE event_tag = ?1 AND station = ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		goto end;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, station, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto end;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(
	        h->db, "INSERT INTO walkers(event_tag, station, walker) VALUES (?1, ?2, ?3)", -1,
	        &st, NULL) != SQLITE_OK)
		goto end;
	for (i = 0; i < nw; i++) {
		sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, station, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, ws[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto end;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(
	        h->db,
	        "INSERT OR REPLACE INTO figures(event_tag, station, walkers, "
	        "checked_in, laps, manual_laps, flagged_laps, donations, checks, "
	        "cash_cents, check_cents, other_cents, annulled) VALUES (?1, ?2, ?3, "
	        "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	        -1, &st, NULL) != SQLITE_OK)
		goto end;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, station, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, fig->walkers);
	sqlite3_bind_int64(st, 4, fig->checked_in);
	sqlite3_bind_int64(st, 5, fig->laps);
	sqlite3_bind_int64(st, 6, fig->manual_laps);
	sqlite3_bind_int64(st, 7, fig->flagged_laps);
	sqlite3_bind_int64(st, 8, fig->donations);
	sqlite3_bind_int64(st, 9, fig->checks);
	sqlite3_bind_int64(st, 10, fig->cash_cents);
	sqlite3_bind_int64(st, 11, fig->check_cents);
	sqlite3_bind_int64(st, 12, fig->other_cents);
	sqlite3_bind_int64(st, 13, fig->annulled);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto end;
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

/* A database from before the figures were kept: each station's figures
 * folded from the entries it holds (their kinds, walkers, references,
 * amounts and methods: all that the figures HQ reports depend on). */
static int
hq_refold(struct hq *h, char **cause)
{
	sqlite3_stmt *sts = NULL, *es = NULL;
	struct entry *e = NULL;
	size_t n, cap = 0;
	int rc = -1;

	if (hq_count(h, "SELECT COUNT(*) FROM stations s WHERE NOT EXISTS (SELECT 1 FROM figures "
	                "f WHERE f.event_tag = s.event_tag AND f.station = s.station)") == 0)
		return 0;
	if (sqlite3_prepare_v2(h->db,
	                       "SELECT event_tag, station FROM stations s WHERE NOT EXISTS (SELECT "
	                       "1 FROM figures f WHERE f.event_tag = s.event_tag AND f.station = "
	                       "s.station)",
	                       -1, &sts, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db,
	                       "SELECT seq, kind, walker, ref, cents, method, manual, wall_ms FROM "
	                       "entries WHERE event_tag = ?1 AND station = ?2 ORDER BY seq",
	                       -1, &es, NULL) != SQLITE_OK ||
	    sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be brought up to date");
		goto end;
	}
	while (sqlite3_step(sts) == SQLITE_ROW) {
		const char *tag = (const char *)sqlite3_column_text(sts, 0),
		           *station = (const char *)sqlite3_column_text(sts, 1);
		struct fold *f = NULL;
		uint32_t *ids;
		size_t nw;
		int stored;
		char *why = NULL;

		sqlite3_bind_text(es, 1, tag, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(es, 2, station, -1, SQLITE_TRANSIENT);
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
		stored = hq_store_figures(h, tag, station, fold_figures(f), ids, nw);
		free(ids);
		fold_free(f);
		if (stored != 0) {
			hq_fail(h, cause, "be brought up to date");
			goto end;
		}
	}
	if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be brought up to date");
		goto end;
	}
	rc = 0;
end:
	if (rc != 0)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(es);
	sqlite3_finalize(sts);
	free(e);
	return rc;
}

int
hq_merge(struct hq *h, const struct bundle_report *rep, const char *file,
         struct hq_merge_result *res, char **cause)
{
	const struct bundle_figures *f = &rep->content.fig;
	const struct bundle_meta *m = &rep->meta;
	const char *tag = m->event_tag != NULL && *m->event_tag ? m->event_tag : "-";
	sqlite3_stmt *ins = NULL, *up = NULL, *log = NULL;
	unsigned char head[BUNDLE_HASH_LEN];
	char *key = NULL;
	int64_t last_seq = 0, last_export = 0, i;
	int found, rc = -1, in_tx = 0;

	memset(res, 0, sizeof *res);
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "start a transaction");
		goto end;
	}
	in_tx = 1;
	if ((found = hq_station(h, tag, f->station, &key, &last_seq, &last_export, head)) < 0) {
		hq_fail(h, cause, "be read");
		goto end;
	}
	if (found && strcmp(key, m->public_key) != 0) {
		res->outcome = HQ_REFUSED;
		snprintf(
		    res->message, sizeof res->message,
		    "Refused: station %s of %s (%s) was merged before with another signing key; "
		    "this bundle was signed by key %s.",
		    f->station, m->city, m->date, m->key_id);
		rc = 0;
		goto end;
	}
	if (found && f->last_seq <= last_seq) {
		const struct bundle_entry *e = &rep->content.entries[f->last_seq - 1];
		sqlite3_stmt *q = NULL;
		int same = 0;
		if (sqlite3_prepare_v2(
		        h->db,
		        "SELECT hash FROM entries WHERE event_tag = ?1 AND station = ?2 "
		        "AND seq = ?3",
		        -1, &q, NULL) == SQLITE_OK) {
			sqlite3_bind_text(q, 1, tag, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, f->station, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 3, f->last_seq);
			same = sqlite3_step(q) == SQLITE_ROW &&
			       sqlite3_column_bytes(q, 0) == BUNDLE_HASH_LEN &&
			       memcmp(sqlite3_column_blob(q, 0), e->hash, BUNDLE_HASH_LEN) == 0;
		}
		sqlite3_finalize(q);
		if (!same) {
			res->outcome = HQ_REFUSED;
			snprintf(res->message, sizeof res->message,
			         "Refused: entry %" PRId64 " of station %s differs from the one HQ "
			         "merged before: the two ledgers diverge (was the station's ledger "
			         "replaced?).",
			         f->last_seq, f->station);
		} else if (f->export_no == last_export) {
			res->outcome = HQ_ALREADY;
			snprintf(res->message, sizeof res->message,
			         "Already merged: export %" PRId64
			         " of station %s (%s, %s); nothing "
			         "counted twice.",
			         f->export_no, f->station, m->city, m->date);
		} else {
			res->outcome = HQ_REFUSED;
			snprintf(res->message, sizeof res->message,
			         "Refused: this is export %" PRId64
			         " of station %s (entries 1-%" PRId64
			         "), older than export %" PRId64 " (entries 1-%" PRId64
			         ") already merged: an older export replayed; nothing counted.",
			         f->export_no, f->station, f->last_seq, last_export, last_seq);
		}
		rc = 0;
		goto end;
	}
	if (found && last_seq > 0 &&
	    memcmp(rep->content.entries[last_seq - 1].hash, head, BUNDLE_HASH_LEN) != 0) {
		res->outcome = HQ_REFUSED;
		snprintf(res->message, sizeof res->message,
		         "Refused: entry %" PRId64 " of station %s differs from the one HQ merged "
		         "before: the two ledgers diverge (was the station's ledger replaced?).",
		         last_seq, f->station);
		rc = 0;
		goto end;
	}

	if (sqlite3_prepare_v2(h->db,
	                       "INSERT INTO entries(event_tag, station, seq, kind, walker, ref, "
	                       "cents, method, manual, wall_ms, hash) VALUES (?1, ?2, ?3, ?4, ?5, "
	                       "?6, ?7, ?8, ?9, ?10, ?11)",
	                       -1, &ins, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	for (i = last_seq; i < f->last_seq; i++) {
		const struct bundle_entry *e = &rep->content.entries[i];
		sqlite3_bind_text(ins, 1, tag, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, f->station, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, e->seq);
		sqlite3_bind_text(ins, 4, e->kind, -1, SQLITE_STATIC);
		if (e->walker != 0)
			sqlite3_bind_int64(ins, 5, e->walker);
		else
			sqlite3_bind_null(ins, 5);
		if (e->ref != 0)
			sqlite3_bind_int64(ins, 6, e->ref);
		else
			sqlite3_bind_null(ins, 6);
		sqlite3_bind_int64(ins, 7, e->cents);
		sqlite3_bind_text(ins, 8, e->method, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 9, e->manual);
		sqlite3_bind_int64(ins, 10, e->wall_ms);
		sqlite3_bind_blob(ins, 11, e->hash, BUNDLE_HASH_LEN, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			hq_fail(h, cause, "be written");
			goto end;
		}
		sqlite3_reset(ins);
	}
	if (sqlite3_prepare_v2(h->db,
	                       "INSERT INTO stations(event_tag, station, event_name, city, date, "
	                       "key_id, public_key, last_seq, head, last_export) VALUES (?1, ?2, "
	                       "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(event_tag, station) "
	                       "DO UPDATE SET event_name = excluded.event_name, city = "
	                       "excluded.city, date = excluded.date, last_seq = excluded.last_seq, "
	                       "head = excluded.head, last_export = excluded.last_export",
	                       -1, &up, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	sqlite3_bind_text(up, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 2, f->station, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 3, m->event_name ? m->event_name : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 4, m->city ? m->city : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 5, m->date ? m->date : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 6, m->key_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 7, m->public_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(up, 8, f->last_seq);
	sqlite3_bind_blob(up, 9, f->head, BUNDLE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(up, 10, f->export_no);
	if (sqlite3_step(up) != SQLITE_DONE) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	if (sqlite3_prepare_v2(h->db,
	                       "INSERT INTO merges(file, event_tag, station, export_no, last_seq, "
	                       "added, wall_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                       -1, &log, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	sqlite3_bind_text(log, 1, file ? file : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(log, 2, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(log, 3, f->station, -1, SQLITE_STATIC);
	sqlite3_bind_int64(log, 4, f->export_no);
	sqlite3_bind_int64(log, 5, f->last_seq);
	sqlite3_bind_int64(log, 6, f->last_seq - last_seq);
	sqlite3_bind_int64(log, 7, hq_now_ms());
	if (sqlite3_step(log) != SQLITE_DONE) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	/* the station's figures: the fold's of its whole ledger */
	if (hq_store_figures(h, tag, f->station, &rep->content.folded, rep->content.walkers,
	                     rep->content.nwalkers) != 0) {
		hq_fail(h, cause, "be written");
		goto end;
	}
	if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		hq_fail(h, cause, "commit the merge");
		goto end;
	}
	in_tx = 0;
	res->outcome = HQ_MERGED;
	res->added = f->last_seq - last_seq;
	res->from_seq = last_seq + 1;
	snprintf(res->message, sizeof res->message,
	         "Merged export %" PRId64 " of station %s (%s, %s): %" PRId64
	         " new entries (%" PRId64 "-%" PRId64 ")%s.",
	         f->export_no, f->station, m->city, m->date, res->added, last_seq + 1, f->last_seq,
	         found ? ", the earlier ones were already counted" : "");
	rc = 0;
end:
	if (in_tx)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(log);
	sqlite3_finalize(up);
	sqlite3_finalize(ins);
	free(key);
	return rc;
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

int
hq_report(struct hq *h, char **text, char **cause)
{
	struct strbuf b = STRBUF_INIT;
	sqlite3_stmt *cities = NULL, *events = NULL, *stations = NULL;
	struct hq_totals t;
	int rc = -1;

	if (sqlite3_prepare_v2(h->db, "SELECT DISTINCT city FROM stations ORDER BY city", -1,
	                       &cities, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db,
	                       "SELECT DISTINCT event_tag, event_name, date FROM stations WHERE "
	                       "city = ?1 ORDER BY date, event_name",
	                       -1, &events, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db,
	                       "SELECT station, last_export, last_seq, key_id FROM stations WHERE "
	                       "event_tag = ?1 ORDER BY station",
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
				const char *st = (const char *)sqlite3_column_text(stations, 0);
				char sl[120], *safe_st;
				if (hq_sum(h, "e.event_tag = ?1 AND e.station = ?2", tag, st, &t,
				           cause) != 0) {
					strbuf_free(&where);
					goto end;
				}
				safe_st = text_escape(st, 0);
				snprintf(sl, sizeof sl, "station %.40s (export %lld, %lld entries)",
				         safe_st, (long long)sqlite3_column_int64(stations, 1),
				         (long long)sqlite3_column_int64(stations, 2));
				free(safe_st);
				hq_report_line(&b, "    ", sl, &t);
			}
			sqlite3_reset(stations);
			if (hq_totals(h, tag, &t, cause) != 0) {
				strbuf_free(&where);
				goto end;
			}
			hq_report_line(&b, "    ", "event total", &t);
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
		strbuf_puts(&b, "\n");
		strbuf_free(&where);
	}
	if (hq_totals(h, NULL, &t, cause) != 0)
		goto end;
	strbuf_printf(&b, "All events: %" PRId64 " events, %" PRId64 " stations\n", t.events,
	              t.stations);
	hq_report_line(&b, "", "national total", &t);
	*text = strbuf_take(&b);
	rc = 0;
end:
	sqlite3_finalize(stations);
	sqlite3_finalize(events);
	sqlite3_finalize(cities);
	strbuf_free(&b);
	return rc;
}
