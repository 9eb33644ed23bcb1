/* ledger_check.c — see ledger_int.h. */
#include "ledger_int.h"

/* ---- checking ------------------------------------------------------------------ */

static const char *const ledger_derived_sql[] = {
    "SELECT id, name, team, email, phone, ext_id, fold, reg_seq, active, checkin_seq, laps, "
    "manual_laps, flagged_laps, accepted_laps, rejected_laps, donations, checks, cash, "
    "check_cents, other, raised, "
    "scan_wall, scan_mono, scan_boot, lap_wall, lap_mono, lap_boot FROM walkers ORDER BY id",
    "SELECT key, value FROM counters ORDER BY key",
    "SELECT key, value FROM settings ORDER BY key",
    "SELECT seq, by_seq FROM annulled ORDER BY seq",
    "SELECT ledger, walker, seq FROM peer_index ORDER BY ledger, walker, seq",
};
static const char *const ledger_derived_name[] = {"walkers", "totals", "settings", "annulments",
                                                  "index of other stations' entries"};

static int
ledger_digest(struct ledger *l, const char *sql, unsigned char out[32])
{
	crypto_generichash_state h;
	sqlite3_stmt *st = NULL;
	int i, n;

	crypto_generichash_init(&h, NULL, 0, 32);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			size_t len = v ? (size_t)sqlite3_column_bytes(st, i) : 0;

			crypto_generichash_update(&h, v ? v : (const unsigned char *)"\x01",
			                          v ? len : 1);
			crypto_generichash_update(&h, (const unsigned char *)"", 1);
		}
	}
	sqlite3_finalize(st);
	crypto_generichash_final(&h, out, 32);
	return 0;
}

/* The triggers on entries are exactly ours: none dropped, changed or added
 * (a dropped one lets entries be changed or deleted without sqlite refusing;
 * check used to say "intact" all the same). */
static int
ledger_check_triggers(struct ledger *l, char **cause)
{
	static const char sql[] = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
	                          "tbl_name = 'entries' ORDER BY name";
	sqlite3_stmt *st = NULL;
	int seen[nitems(ledger_triggers)] = {0};
	const char *name, *text;
	size_t i;
	int rc = -1;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		text = (const char *)sqlite3_column_text(st, 1);
		for (i = 0; i < nitems(ledger_triggers); i++)
			if (strcmp(name, ledger_triggers[i].name) == 0)
				break;
		if (i == nitems(ledger_triggers)) {
			util_fail(cause,
			          "The ledger has a trigger on its entries that this program never "
			          "makes (%s): someone added it. Keep the file as it is and tell "
			          "HQ.",
			          name);
			goto end;
		}
		seen[i] = 1;
		if (text == NULL || strcmp(text, ledger_triggers[i].sql) != 0) {
			util_fail(cause,
			          "The ledger's append-only trigger %s was changed: it no longer "
			          "stops %s. Keep the file as it is and tell HQ.",
			          name, ledger_triggers[i].guards);
			goto end;
		}
	}
	for (i = 0; i < nitems(ledger_triggers); i++)
		if (!seen[i]) {
			util_fail(
			    cause,
			    "The ledger's append-only trigger %s is missing (it was dropped): "
			    "nothing stopped %s. Keep the file as it is and tell HQ.",
			    ledger_triggers[i].name, ledger_triggers[i].guards);
			goto end;
		}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

int
ledger_check(struct ledger *l, char **cause)
{
	static const char sql[] = "SELECT seq, line, hash FROM entries ORDER BY seq";
	unsigned char prev[LEDGER_HASH_LEN] = {0}, want[LEDGER_HASH_LEN];
	unsigned char before[nitems(ledger_derived_sql)][32], after[32];
	sqlite3_stmt *st = NULL;
	int64_t expect = 1, seq;
	size_t i;
	int rc = -1;

	if (sqlite3_prepare_v2(l->db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		util_fail(cause, "The database file is damaged: %s.", sqlite3_column_text(st, 0));
		goto end;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, "the check");
		goto end;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		if (seq != expect) {
			util_fail(cause,
			          "Entry %" PRId64 " is missing: the sequence jumps to %" PRId64
			          ".",
			          expect, seq);
			goto end;
		}
		ledger_chain_hash(prev, (const char *)sqlite3_column_text(st, 1),
		                  (size_t)sqlite3_column_bytes(st, 1), want);
		if (sqlite3_column_bytes(st, 2) != LEDGER_HASH_LEN ||
		    memcmp(want, sqlite3_column_blob(st, 2), LEDGER_HASH_LEN) != 0) {
			util_fail(cause,
			          "Entry %" PRId64 " was altered: its hash does not match its "
			          "contents and the entry before it.",
			          seq);
			goto end;
		}
		memcpy(prev, want, LEDGER_HASH_LEN);
		expect++;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* after the chain: an entry altered is the worse news, and names the entry */
	if (ledger_check_triggers(l, cause) != 0)
		goto end;
	if (ledger_peer_check(l, cause) != 0)
		goto end;

	for (i = 0; i < nitems(ledger_derived_sql); i++)
		ledger_digest(l, ledger_derived_sql[i], before[i]);
	if (sqlite3_exec(l->db, "SAVEPOINT ledger_check", NULL, NULL, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, "the check");
		goto end;
	}
	if (ledger_rebuild_locked(l, cause) != 0) {
		sqlite3_exec(l->db, "ROLLBACK TO ledger_check; RELEASE ledger_check", NULL, NULL,
		             NULL);
		goto end;
	}
	for (i = 0; i < nitems(ledger_derived_sql); i++) {
		ledger_digest(l, ledger_derived_sql[i], after);
		if (memcmp(before[i], after, 32) != 0)
			break;
	}
	sqlite3_exec(l->db, "ROLLBACK TO ledger_check; RELEASE ledger_check", NULL, NULL, NULL);
	if (i < nitems(ledger_derived_sql)) {
		util_fail(cause,
		          "The %s kept beside the ledger do not match its entries; run "
		          "'watctl rebuild' to recompute them from the entries.",
		          ledger_derived_name[i]);
		goto end;
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

int
ledger_rebuild(struct ledger *l, char **cause)
{
	if (ledger_tx_begin(l, cause, "the rebuilt figures") != 0)
		return -1;
	if (ledger_rebuild_locked(l, cause) != 0) {
		ledger_tx_rollback(l);
		return -1;
	}
	if (ledger_tx_commit(l, cause, "the rebuilt figures") != 0)
		return -1;
	return ledger_load(l, cause);
}
