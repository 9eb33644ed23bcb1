/* ledger_query.c — see ledger_int.h. */
#include "ledger_int.h"

/* ---- reading ----------------------------------------------------------------- */

int
ledger_totals(struct ledger *l, struct ledger_totals *t, char **cause)
{
	static const char sql[] = "SELECT key, value FROM counters";
	sqlite3_stmt *st = ledger_stmt(l, sql);

	memset(t, 0, sizeof *t);
	if (st == NULL)
		return ledger_db_fail(l, cause, "the totals");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		size_t c;

		for (c = 0; c < nitems(ledger_counters); c++)
			if (strcmp(k, ledger_counters[c].key) == 0)
				*(int64_t *)((char *)t + ledger_counters[c].off) =
				    sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	t->total_cents = t->cash_cents + t->check_cents + t->other_cents;
	t->last_seq = l->last_seq;
	t->last_wall_ms = l->last_wall_ms;
	return 0;
}

/* The entries sql selects; ?1 is arg, ?2 text (when not NULL). */
static int
ledger_each(struct ledger *l, const char *sql, int64_t arg, const char *text,
            int (*cb)(const struct ledger_entry *, void *), void *cbarg, char **cause)
{
	sqlite3_stmt *st = NULL;
	struct ledger_entry e;
	int step, rc = 0;

	/* not cached: the callback may use the ledger */
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, "the entries");
	sqlite3_bind_int64(st, 1, arg);
	if (text != NULL)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.seq = sqlite3_column_int64(st, 0);
		e.kind = (const char *)sqlite3_column_text(st, 1);
		e.walker = (uint32_t)sqlite3_column_int64(st, 2);
		e.ref = sqlite3_column_int64(st, 3);
		e.amount_cents = sqlite3_column_int64(st, 4);
		e.at.wall_ms = sqlite3_column_int64(st, 5);
		e.at.mono_ms = sqlite3_column_int64(st, 6);
		ledger_copy(e.at.boot, sizeof e.at.boot, (const char *)sqlite3_column_text(st, 7));
		e.op = (const char *)sqlite3_column_text(st, 8);
		e.line = (const char *)sqlite3_column_text(st, 9);
		if (sqlite3_column_bytes(st, 10) == LEDGER_HASH_LEN)
			memcpy(e.hash, sqlite3_column_blob(st, 10), LEDGER_HASH_LEN);
		e.annulled_by = sqlite3_column_int64(st, 11);
		if ((rc = cb(&e, cbarg)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		ledger_db_fail(l, cause, "the entries"), rc = -1;
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

#define LEDGER_ENTRY_SQL                                                                           \
	"SELECT e.seq, e.kind, e.walker, e.ref, e.amount, e.wall_ms, e.mono_ms, e.boot, e.op, "    \
	"e.line, e.hash, a.by_seq FROM entries e LEFT JOIN annulled a ON a.seq = e.seq "

int
ledger_entries(struct ledger *l, int64_t from, int (*cb)(const struct ledger_entry *, void *),
               void *arg, char **cause)
{
	return ledger_each(l, LEDGER_ENTRY_SQL "WHERE e.seq >= ?1 ORDER BY e.seq", from, NULL, cb,
	                   arg, cause);
}

int64_t
ledger_kind_last(struct ledger *l, const char *kind)
{
	sqlite3_stmt *st = ledger_stmt(l, "SELECT MAX(seq) FROM entries WHERE kind = ?1");
	int64_t seq = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return seq;
}

int
ledger_kind_entries(struct ledger *l, const char *kind, int64_t from,
                    int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause)
{
	return ledger_each(l, LEDGER_ENTRY_SQL "WHERE e.kind = ?2 AND e.seq >= ?1 ORDER BY e.seq",
	                   from, kind, cb, arg, cause);
}

int
ledger_entry_get(struct ledger *l, int64_t seq, int (*cb)(const struct ledger_entry *, void *),
                 void *arg, char **cause)
{
	int64_t n = ledger_query_i(l, "SELECT COUNT(*) FROM entries WHERE seq = ?1", 1, &seq, 0);

	if (n == 0)
		return util_fail(cause, "There is no entry %" PRId64 " in this ledger.", seq);
	return ledger_each(l, LEDGER_ENTRY_SQL "WHERE e.seq = ?1", seq, NULL, cb, arg, cause);
}

int
ledger_walker_entries(struct ledger *l, uint32_t id, int (*cb)(const struct ledger_entry *, void *),
                      void *arg, char **cause)
{
	return ledger_each(l, LEDGER_ENTRY_SQL "WHERE e.walker = ?1 ORDER BY e.seq DESC", id, NULL,
	                   cb, arg, cause);
}

int
ledger_settle_entries(struct ledger *l, uint32_t id, int (*cb)(const struct ledger_entry *, void *),
                      void *arg, char **cause)
{
	/* each half by its index (entries_walker, entries_kind); every lap
	 * review: one of another station's lap names that station's walker
	 * number, which may be linked to this one */
	return ledger_each(l,
	                   LEDGER_ENTRY_SQL
	                   "WHERE e.walker = ?1 OR e.kind IN ('event', 'settings', 'link', "
	                   "'certify', 'certify-reopen', 'lap-review') ORDER BY e.seq",
	                   id, NULL, cb, arg, cause);
}

int
ledger_pledge_entries(struct ledger *l, int64_t from,
                      int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause)
{
	return ledger_each(l,
	                   LEDGER_ENTRY_SQL "WHERE e.kind IN ('pledge', 'donation', 'annul') AND "
	                                    "e.seq >= ?1 ORDER BY e.seq",
	                   from, NULL, cb, arg, cause);
}

int
ledger_identity(struct ledger *l, unsigned char id[LEDGER_HASH_LEN])
{
	sqlite3_stmt *st = ledger_stmt(l, "SELECT hash FROM entries WHERE seq = 1");
	int rc = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == LEDGER_HASH_LEN) {
		memcpy(id, sqlite3_column_blob(st, 0), LEDGER_HASH_LEN);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

int
ledger_head(struct ledger *l, int64_t *seq, unsigned char hash[LEDGER_HASH_LEN])
{
	*seq = l->last_seq;
	memcpy(hash, l->last_hash, LEDGER_HASH_LEN);
	return 0;
}

const char *
ledger_clock_doubt(struct ledger *l)
{
	struct stamp now;
	const char *why;

	if (!l->has_event)
		return NULL;
	ledger_now(l, &now);
	why = rules_clock_doubt(now.wall_ms, stamp_parse_date(l->ev.date), l->last_wall_ms);
	if (why == NULL)
		return NULL;
	snprintf(l->doubt, sizeof l->doubt, "%s", why);
	return l->doubt;
}
