/* ledger_peer.c — other stations' entries, kept as theirs (ledger.h,
 * docs/SYNC.md).  They live in peer_entries, keyed by (ledger identity,
 * seq), never in entries: the station's own chain, its sequence numbers and
 * its figures do not change when a peer's entries arrive. */
#include "ledger_int.h"

#include <sys/statvfs.h>

static void
ledger_peer_row(sqlite3_stmt *st, struct ledger_peer *p)
{
	memset(p, 0, sizeof *p);
	if (sqlite3_column_bytes(st, 0) == LEDGER_HASH_LEN)
		memcpy(p->ledger, sqlite3_column_blob(st, 0), LEDGER_HASH_LEN);
	ledger_copy(p->station, sizeof p->station, (const char *)sqlite3_column_text(st, 1));
	p->head_seq = sqlite3_column_int64(st, 2);
	if (sqlite3_column_bytes(st, 3) == LEDGER_HASH_LEN)
		memcpy(p->head_hash, sqlite3_column_blob(st, 3), LEDGER_HASH_LEN);
	if (sqlite3_column_bytes(st, 4) == LEDGER_PEER_SIG_LEN)
		memcpy(p->head_sig, sqlite3_column_blob(st, 4), LEDGER_PEER_SIG_LEN);
	p->bytes = sqlite3_column_int64(st, 5);
	p->seen_wall_ms = sqlite3_column_int64(st, 6);
	p->offset_ms = sqlite3_column_int64(st, 7);
	p->format = (int)sqlite3_column_int64(st, 8);
}

#define LEDGER_PEER_COLS                                                                           \
	"ledger, station, head_seq, head_hash, head_sig, bytes, seen_wall_ms, offset_ms, format"

int
ledger_peer_get(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                struct ledger_peer *out, char **cause)
{
	sqlite3_stmt *st =
	    ledger_stmt(l, "SELECT " LEDGER_PEER_COLS " FROM peers WHERE ledger = ?1");
	int rc;

	if (st == NULL)
		return ledger_db_fail(l, cause, "the peers");
	sqlite3_bind_blob(st, 1, ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ledger_peer_row(st, out);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ledger_db_fail(l, cause, "the peers");
	return 0;
}

int
ledger_peers(struct ledger *l, int (*cb)(const struct ledger_peer *, void *), void *arg,
             char **cause)
{
	sqlite3_stmt *st =
	    ledger_stmt(l, "SELECT " LEDGER_PEER_COLS " FROM peers ORDER BY station, ledger");
	struct ledger_peer p;
	int rc;

	if (st == NULL)
		return ledger_db_fail(l, cause, "the peers");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ledger_peer_row(st, &p);
		if (cb(&p, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ledger_db_fail(l, cause, "the peers");
	return 0;
}

int64_t
ledger_peer_bytes(struct ledger *l)
{
	return ledger_query_i(l, "SELECT IFNULL(SUM(bytes), 0) FROM peers", 0, NULL, 0);
}

/* The hash held for peer entry seq (0: none held). */
static int
ledger_peer_hash(struct ledger *l, const unsigned char *ledger, int64_t seq,
                 unsigned char out[LEDGER_HASH_LEN])
{
	sqlite3_stmt *st =
	    ledger_stmt(l, "SELECT hash FROM peer_entries WHERE ledger = ?1 AND seq = ?2");
	int found = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == LEDGER_HASH_LEN) {
		memcpy(out, sqlite3_column_blob(st, 0), LEDGER_HASH_LEN);
		found = 1;
	}
	sqlite3_reset(st);
	return found;
}

static int
ledger_peer_save(struct ledger *l, const struct ledger_peer_batch *b, int64_t head_seq,
                 const unsigned char *head_hash, const unsigned char *head_sig, int64_t bytes)
{
	sqlite3_stmt *st = ledger_stmt(
	    l, "INSERT INTO peers(ledger, station, cert, head_seq, head_hash, head_sig, bytes, "
	       "seen_wall_ms, offset_ms, format) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	       "ON CONFLICT(ledger) DO UPDATE SET station = excluded.station, cert = "
	       "excluded.cert, head_seq = excluded.head_seq, head_hash = excluded.head_hash, "
	       "head_sig = excluded.head_sig, bytes = excluded.bytes, seen_wall_ms = "
	       "excluded.seen_wall_ms, offset_ms = excluded.offset_ms, format = excluded.format");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, b->ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b->station, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b->cert != NULL ? b->cert : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, head_seq);
	sqlite3_bind_blob(st, 5, head_hash, LEDGER_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, head_sig, LEDGER_PEER_SIG_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, bytes);
	sqlite3_bind_int64(st, 8, b->seen_wall_ms);
	sqlite3_bind_int64(st, 9, b->offset_ms);
	sqlite3_bind_int64(st, 10, b->format);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
ledger_peer_store(struct ledger *l, const struct ledger_peer_batch *b, int64_t budget,
                  size_t *added, char **cause)
{
	static const char ins[] =
	    "INSERT INTO peer_entries(ledger, seq, line, hash) VALUES (?1, ?2, ?3, ?4)";
	struct ledger_peer held;
	unsigned char prev[LEDGER_HASH_LEN] = {0}, hash[LEDGER_HASH_LEN], was[LEDGER_HASH_LEN];
	unsigned char own[LEDGER_HASH_LEN];
	int64_t seq, new_bytes = 0, head_seq;
	size_t n_new = 0;
	sqlite3_stmt *st;
	char *why = NULL;
	int known, rc = -1;

	*added = 0;
	if (ledger_identity(l, own) == 0 && memcmp(own, b->ledger, LEDGER_HASH_LEN) == 0)
		return util_fail(cause, "A peer sent this station's own ledger as its: refused.");
	if (b->n == 0 || b->first_seq < 1)
		return util_fail(cause, "A peer sent an empty batch.");
	if ((known = ledger_peer_get(l, b->ledger, &held, cause)) < 0)
		return -1;
	if (!known)
		held.head_seq = 0;
	else if (strcmp(held.station, b->station) != 0)
		return util_fail(
		    cause, "Station %s sent entries of a ledger held as station %s's: refused.",
		    b->station, held.station);
	if (b->first_seq > held.head_seq + 1)
		return util_fail(cause,
		                 "Station %s sent entries from %" PRId64 " on, but %" PRId64
		                 " is the last one held: refused (a gap).",
		                 b->station, b->first_seq, held.head_seq);
	if (ledger_tx_begin(l, cause, "the peer's entries") != 0)
		return -1;
	if (b->first_seq > 1) {
		int f = ledger_peer_hash(l, b->ledger, b->first_seq - 1, prev);
		if (f != 1) {
			if (f < 0)
				ledger_db_fail(l, cause, "the peer's entries");
			else
				util_fail(cause, "Entry %" PRId64 " of station %s is not held.",
				          b->first_seq - 1, b->station);
			goto end;
		}
	}
	for (size_t i = 0; i < b->n; i++) {
		struct entry e;

		seq = b->first_seq + (int64_t)i;
		if (entry_decode(b->lines[i], b->lens[i], &e, &why) != 0) {
			util_fail(cause, "Station %s sent an entry that does not read: %s",
			          b->station, why);
			goto end;
		}
		if (e.seq != seq || strcmp(e.station, b->station) != 0) {
			util_fail(cause,
			          "Station %s sent entry %" PRId64 " numbered %" PRId64
			          " of station %s: refused.",
			          b->station, seq, e.seq, e.station);
			goto end;
		}
		ledger_chain_hash(prev, b->lines[i], b->lens[i], hash);
		if (seq == 1 && memcmp(hash, b->ledger, LEDGER_HASH_LEN) != 0) {
			util_fail(cause,
			          "Station %s's first entry is not the ledger it named: refused.",
			          b->station);
			goto end;
		}
		if (seq <= held.head_seq) {
			/* a second copy: it must be the one held */
			if (ledger_peer_hash(l, b->ledger, seq, was) != 1 ||
			    memcmp(was, hash, LEDGER_HASH_LEN) != 0) {
				util_fail(cause,
				          "Station %s sent an entry %" PRId64
				          " other than the one held: refused.",
				          b->station, seq);
				goto end;
			}
		} else {
			if ((st = ledger_stmt(l, ins)) == NULL) {
				ledger_db_fail(l, cause, "the peer's entries");
				goto end;
			}
			sqlite3_bind_blob(st, 1, b->ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, seq);
			sqlite3_bind_text(st, 3, b->lines[i], (int)b->lens[i], SQLITE_STATIC);
			sqlite3_bind_blob(st, 4, hash, LEDGER_HASH_LEN, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE) {
				sqlite3_reset(st);
				ledger_db_fail(l, cause, "the peer's entries");
				goto end;
			}
			sqlite3_reset(st);
			if (ledger_peer_index_add(l, b->ledger, &e) != 0) {
				ledger_db_fail(l, cause, "the peer's entries");
				goto end;
			}
			new_bytes += (int64_t)b->lens[i];
			n_new++;
		}
		memcpy(prev, hash, LEDGER_HASH_LEN);
	}
	if (memcmp(prev, b->head_hash, LEDGER_HASH_LEN) != 0) {
		util_fail(cause,
		          "Station %s's entries do not lead to the chain head it signed: an entry "
		          "was altered. Nothing of this batch was kept.",
		          b->station);
		goto end;
	}
	if (new_bytes > 0 && ledger_peer_bytes(l) + new_bytes > budget) {
		util_fail(cause,
		          "The space kept for other stations' entries is full (%" PRId64
		          " bytes): station %s's newest entries were not copied. This station's "
		          "own entries are not affected.",
		          budget, b->station);
		goto end;
	}
	if (new_bytes > 0) {
		struct statvfs fs;
		/* the lines, their hashes and keys, the b-tree pages around them */
		int64_t need = LEDGER_PEER_RESERVE + 2 * (new_bytes + (int64_t)n_new * 64);

		if (statvfs(l->path, &fs) == 0 &&
		    (int64_t)fs.f_bavail * (int64_t)fs.f_frsize < need) {
			util_fail(
			    cause,
			    "The card is nearly full: station %s's newest entries were not "
			    "copied, so this station's own entries keep the room that is left.",
			    b->station);
			goto end;
		}
	}
	head_seq = b->first_seq + (int64_t)b->n - 1;
	if (head_seq < held.head_seq) { /* an old batch again: keep the newer head */
		head_seq = held.head_seq;
		if (ledger_peer_save(l, b, head_seq, held.head_hash, held.head_sig, held.bytes) !=
		    0) {
			ledger_db_fail(l, cause, "the peer's entries");
			goto end;
		}
	} else if (ledger_peer_save(l, b, head_seq, b->head_hash, b->head_sig,
	                            (known ? held.bytes : 0) + new_bytes) != 0) {
		ledger_db_fail(l, cause, "the peer's entries");
		goto end;
	}
	if (ledger_tx_commit(l, cause, "the peer's entries") != 0)
		goto out;
	*added = n_new;
	rc = 0;
	goto out;
end:
	ledger_tx_rollback(l);
out:
	free(why);
	return rc;
}

int
ledger_peer_seen(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                 int64_t seen_wall_ms, int64_t offset_ms, int format, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if (ledger_tx_begin(l, cause, "the peer's freshness") != 0)
		return -1;
	st = ledger_stmt(l, "UPDATE peers SET seen_wall_ms = ?2, offset_ms = ?3, format = ?4 WHERE "
	                    "ledger = ?1");
	if (st == NULL)
		goto fail;
	sqlite3_bind_blob(st, 1, ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seen_wall_ms);
	sqlite3_bind_int64(st, 3, offset_ms);
	sqlite3_bind_int64(st, 4, format);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;
	return ledger_tx_commit(l, cause, "the peer's freshness");
fail:
	ledger_db_fail(l, cause, "the peer's freshness");
	ledger_tx_rollback(l);
	return -1;
}

int
ledger_peer_entries(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN], int64_t from,
                    int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause)
{
	sqlite3_stmt *st = ledger_stmt(l, "SELECT seq, line, hash FROM peer_entries WHERE ledger = "
	                                  "?1 AND seq >= ?2 ORDER BY seq");
	struct ledger_entry e;
	int rc;

	if (st == NULL)
		return ledger_db_fail(l, cause, "the peer's entries");
	sqlite3_bind_blob(st, 1, ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.seq = sqlite3_column_int64(st, 0);
		e.line = (const char *)sqlite3_column_text(st, 1);
		if (sqlite3_column_bytes(st, 2) == LEDGER_HASH_LEN)
			memcpy(e.hash, sqlite3_column_blob(st, 2), LEDGER_HASH_LEN);
		if (cb(&e, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ledger_db_fail(l, cause, "the peer's entries");
	return 0;
}

/* An entry of one of these kinds is its station's, read with any walker's. */
static int
ledger_peer_station_kind(enum entry_kind k)
{
	return k == ENTRY_EVENT || k == ENTRY_SETTINGS || k == ENTRY_LINK || k == ENTRY_CERTIFY ||
	       k == ENTRY_CERTIFY_REOPEN || k == ENTRY_LAP_REVIEW || k == ENTRY_ANNUL;
}

int
ledger_peer_index_add(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                      const struct entry *e)
{
	sqlite3_stmt *st = ledger_stmt(
	    l, "INSERT OR IGNORE INTO peer_index(ledger, walker, seq) VALUES (?1, ?2, ?3)");
	uint32_t walkers[2];
	size_t n = 0;

	if (st == NULL)
		return -1;
	if (e->walker != 0)
		walkers[n++] = e->walker;
	if (ledger_peer_station_kind(e->kind))
		walkers[n++] = 0;
	for (size_t i = 0; i < n; i++) {
		int rc;

		sqlite3_bind_blob(st, 1, ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, walkers[i]);
		sqlite3_bind_int64(st, 3, e->seq);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

int
ledger_peer_index_rebuild(struct ledger *l, char **cause)
{
	sqlite3_stmt *st = NULL;
	struct entry e;
	int rc = -1, step;

	if (ledger_exec_i(l, "DELETE FROM peer_index", 0, NULL) != 0 ||
	    sqlite3_prepare_v2(l->db, "SELECT ledger, line FROM peer_entries ORDER BY ledger, seq",
	                       -1, &st, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, "the other stations' index");
		goto end;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 1);

		/* a line that does not read here was refused when stored */
		if (sqlite3_column_bytes(st, 0) != LEDGER_HASH_LEN || line == NULL ||
		    entry_decode(line, strlen(line), &e, NULL) != 0)
			continue;
		if (ledger_peer_index_add(l, sqlite3_column_blob(st, 0), &e) != 0) {
			ledger_db_fail(l, cause, "the other stations' index");
			goto end;
		}
	}
	if (step != SQLITE_DONE) {
		ledger_db_fail(l, cause, "the other stations' index");
		goto end;
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

int
ledger_peer_some_entries(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                         uint32_t walker, int64_t upto,
                         int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause)
{
	static const char sql[] =
	    "SELECT e.seq, e.line FROM peer_index i JOIN peer_entries e ON e.ledger = i.ledger AND "
	    "e.seq = i.seq WHERE i.ledger = ?1 AND i.walker = ?2 AND i.seq <= ?3 ORDER BY i.seq";
	sqlite3_stmt *st = NULL;
	struct ledger_entry e;
	int rc;

	/* not cached: the callback may read the peer's entries */
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, "the peer's entries");
	sqlite3_bind_blob(st, 1, ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, walker);
	sqlite3_bind_int64(st, 3, upto);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.seq = sqlite3_column_int64(st, 0);
		e.line = (const char *)sqlite3_column_text(st, 1);
		if (cb(&e, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ledger_db_fail(l, cause, "the peer's entries");
	return 0;
}

int
ledger_peer_check(struct ledger *l, char **cause)
{
	sqlite3_stmt *ps = NULL, *es = NULL;
	unsigned char prev[LEDGER_HASH_LEN], want[LEDGER_HASH_LEN];
	int rc = -1;

	if (sqlite3_prepare_v2(l->db,
	                       "SELECT ledger, station, head_seq, head_hash, bytes FROM peers", -1,
	                       &ps, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db,
	                       "SELECT seq, line, hash FROM peer_entries WHERE ledger = ?1 "
	                       "ORDER BY seq",
	                       -1, &es, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, "the check");
		goto end;
	}
	while (sqlite3_step(ps) == SQLITE_ROW) {
		const char *station = (const char *)sqlite3_column_text(ps, 1);
		int64_t head = sqlite3_column_int64(ps, 2), bytes = 0, expect = 1;

		memset(prev, 0, sizeof prev);
		sqlite3_reset(es);
		sqlite3_bind_blob(es, 1, sqlite3_column_blob(ps, 0), sqlite3_column_bytes(ps, 0),
		                  SQLITE_TRANSIENT);
		while (sqlite3_step(es) == SQLITE_ROW) {
			int64_t seq = sqlite3_column_int64(es, 0);
			size_t len = (size_t)sqlite3_column_bytes(es, 1);

			ledger_chain_hash(prev, (const char *)sqlite3_column_text(es, 1), len,
			                  want);
			if (seq != expect || sqlite3_column_bytes(es, 2) != LEDGER_HASH_LEN ||
			    memcmp(want, sqlite3_column_blob(es, 2), LEDGER_HASH_LEN) != 0 ||
			    (seq == 1 &&
			     (sqlite3_column_bytes(ps, 0) != LEDGER_HASH_LEN ||
			      memcmp(want, sqlite3_column_blob(ps, 0), LEDGER_HASH_LEN) != 0))) {
				util_fail(
				    cause,
				    "Station %s's entry %" PRId64
				    " held here was altered or is missing: its chain does not "
				    "hold.",
				    station, expect);
				goto end;
			}
			memcpy(prev, want, LEDGER_HASH_LEN);
			bytes += (int64_t)len;
			expect++;
		}
		if (expect - 1 != head || sqlite3_column_bytes(ps, 3) != LEDGER_HASH_LEN ||
		    memcmp(prev, sqlite3_column_blob(ps, 3), LEDGER_HASH_LEN) != 0 ||
		    bytes != sqlite3_column_int64(ps, 4)) {
			util_fail(cause,
			          "Station %s's entries held here do not end at the head it signed "
			          "(entry %" PRId64 ").",
			          station, head);
			goto end;
		}
	}
	rc = 0;
end:
	sqlite3_finalize(es);
	sqlite3_finalize(ps);
	return rc;
}
