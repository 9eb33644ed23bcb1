/* ledger_fold.c — see ledger_int.h. */
#include "ledger_int.h"

/* ---- applying entries to the derived tables -------------------------------- */

/* The counters table's keys and where each lands in struct ledger_totals. */
const struct ledger_counter ledger_counters[LEDGER_NCOUNTERS] = {
    {"walkers", offsetof(struct ledger_totals, walkers)},
    {"checked_in", offsetof(struct ledger_totals, checked_in)},
    {"laps", offsetof(struct ledger_totals, laps)},
    {"manual_laps", offsetof(struct ledger_totals, manual_laps)},
    {"donations", offsetof(struct ledger_totals, donations)},
    {"cash", offsetof(struct ledger_totals, cash_cents)},
    {"check", offsetof(struct ledger_totals, check_cents)},
    {"other", offsetof(struct ledger_totals, other_cents)},
    {"checks", offsetof(struct ledger_totals, checks)},
    {"annulled", offsetof(struct ledger_totals, annulled)},
};

static int
ledger_count(struct ledger *l, const char *key, int64_t delta)
{
	static const char sql[] = "UPDATE counters SET value = value + ?2 WHERE key = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, delta);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
ledger_counters_reset(struct ledger *l)
{
	size_t i;

	if (ledger_exec_i(l, "DELETE FROM counters", 0, NULL) != 0)
		return -1;
	for (i = 0; i < nitems(ledger_counters); i++) {
		static const char sql[] = "INSERT INTO counters(key, value) VALUES (?1, 0)";
		sqlite3_stmt *st = ledger_stmt(l, sql);

		if (st == NULL)
			return -1;
		sqlite3_bind_text(st, 1, ledger_counters[i].key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st);
	}
	return 0;
}

static int
ledger_ensure_walker(struct ledger *l, int64_t seq)
{
	return ledger_exec1(l,
	                    "INSERT OR IGNORE INTO walkers(id) SELECT walker FROM entries WHERE "
	                    "seq = ?1 AND walker "
	                    "IS NOT NULL",
	                    seq);
}

static int
ledger_refold(struct ledger *l, int64_t id)
{
	return ledger_exec1(
	    l,
	    "UPDATE walkers SET fold = wat_fold(IFNULL(name, '') || ' ' || IFNULL(team, '') || "
	    "' ' || IFNULL(email, '') || ' ' || IFNULL(ext_id, '')) WHERE id = ?1",
	    id);
}

static int64_t
ledger_entry_walker(struct ledger *l, int64_t seq)
{
	return ledger_query_i(l, "SELECT walker FROM entries WHERE seq = ?1", 1, &seq, 0);
}

static int
ledger_apply_event(struct ledger *l, int64_t seq)
{
	return ledger_exec1(
	    l,
	    "INSERT OR REPLACE INTO settings(key, value) SELECT j.key, CAST(j.value AS TEXT) "
	    "FROM entries e, json_each(e.line, '$.data') j WHERE e.seq = ?1",
	    seq);
}

static int
ledger_apply_settings(struct ledger *l, int64_t seq)
{
	return ledger_exec1(
	    l,
	    "INSERT OR REPLACE INTO settings(key, value) SELECT json_extract(line, '$.data.key'), "
	    "json_extract(line, '$.data.value') FROM entries WHERE seq = ?1",
	    seq);
}

static int
ledger_apply_walker(struct ledger *l, int64_t seq)
{
	int64_t id = ledger_entry_walker(l, seq);

	if (ledger_exec1(
	        l,
	        "INSERT INTO walkers(id, name, team, email, phone, ext_id, reg_seq, active) "
	        "SELECT walker, json_extract(line, '$.data.name'), json_extract(line, "
	        "'$.data.team'), json_extract(line, '$.data.email'), json_extract(line, "
	        "'$.data.phone'), json_extract(line, '$.data.ext_id'), seq, 1 FROM entries WHERE "
	        "seq "
	        "= ?1 ON CONFLICT(id) DO UPDATE SET name = excluded.name, team = excluded.team, "
	        "email = excluded.email, phone = excluded.phone, ext_id = excluded.ext_id, reg_seq "
	        "= "
	        "excluded.reg_seq, active = 1",
	        seq) != 0)
		return -1;
	return ledger_count(l, "walkers", 1) != 0 ? -1 : ledger_refold(l, id);
}

static int
ledger_apply_walker_update(struct ledger *l, int64_t seq)
{
	int64_t id = ledger_entry_walker(l, seq);

	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET "
	        "name = CASE WHEN json_type(e.line, '$.data.name') IS NULL THEN name ELSE "
	        "json_extract(e.line, '$.data.name') END, "
	        "team = CASE WHEN json_type(e.line, '$.data.team') IS NULL THEN team ELSE "
	        "json_extract(e.line, '$.data.team') END, "
	        "email = CASE WHEN json_type(e.line, '$.data.email') IS NULL THEN email ELSE "
	        "json_extract(e.line, '$.data.email') END, "
	        "phone = CASE WHEN json_type(e.line, '$.data.phone') IS NULL THEN phone ELSE "
	        "json_extract(e.line, '$.data.phone') END, "
	        "ext_id = CASE WHEN json_type(e.line, '$.data.ext_id') IS NULL THEN ext_id ELSE "
	        "json_extract(e.line, '$.data.ext_id') END "
	        "FROM entries e WHERE e.seq = ?1 AND walkers.id = e.walker",
	        seq) != 0)
		return -1;
	return ledger_refold(l, id);
}

/* A check-in or lap by scan is also the walker's last scan (the hold-off's
 * reference); one entered by hand is not. */
#define LEDGER_SET_LAST_SCAN                                                                       \
	"scan_wall = CASE WHEN json_extract(e.line, '$.data.how') = 'scan' THEN e.wall_ms ELSE "   \
	"scan_wall END, scan_mono = CASE WHEN json_extract(e.line, '$.data.how') = 'scan' THEN "   \
	"e.mono_ms ELSE scan_mono END, scan_boot = CASE WHEN json_extract(e.line, '$.data.how') "  \
	"= 'scan' THEN e.boot ELSE scan_boot END "

static int
ledger_apply_checkin(struct ledger *l, int64_t seq)
{
	int64_t was;

	if (ledger_ensure_walker(l, seq) != 0)
		return -1;
	was = ledger_query_i(
	    l,
	    "SELECT COUNT(*) FROM walkers w, entries e WHERE e.seq = ?1 AND w.id = e.walker AND "
	    "w.checkin_seq = 0",
	    1, &seq, 0);
	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET checkin_seq = CASE WHEN checkin_seq = 0 THEN e.seq ELSE "
	        "checkin_seq END, " LEDGER_SET_LAST_SCAN
	        "FROM entries e WHERE e.seq = ?1 AND walkers.id = e.walker",
	        seq) != 0)
		return -1;
	return ledger_count(l, "checked_in", was);
}

static int
ledger_apply_lap(struct ledger *l, int64_t seq)
{
	int64_t manual;

	if (ledger_ensure_walker(l, seq) != 0)
		return -1;
	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET laps = laps + 1, lap_wall = e.wall_ms, lap_mono = e.mono_ms, "
	        "lap_boot = e.boot, " LEDGER_SET_LAST_SCAN
	        "FROM entries e WHERE e.seq = ?1 AND walkers.id = e.walker",
	        seq) != 0)
		return -1;
	manual = ledger_query_i(
	    l, "SELECT json_extract(line, '$.data.how') = 'manual' FROM entries WHERE seq = ?1", 1,
	    &seq, 0);
	if (ledger_count(l, "laps", 1) != 0 || ledger_count(l, "manual_laps", manual) != 0)
		return -1;
	return 0;
}

static int
ledger_donation_counters(struct ledger *l, int64_t seq, int sign)
{
	static const char sql[] = "SELECT amount, json_extract(line, '$.data.method') FROM entries "
	                          "WHERE seq = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int64_t cents = 0;
	char method[16] = "other";

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cents = sqlite3_column_int64(st, 0);
		ledger_copy(method, sizeof method, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (strcmp(method, "cash") != 0 && strcmp(method, "check") != 0)
		strcpy(method, "other");
	if (ledger_count(l, "donations", sign) != 0 || ledger_count(l, method, sign * cents) != 0)
		return -1;
	if (strcmp(method, "check") == 0 && ledger_count(l, "checks", sign) != 0)
		return -1;
	return 0;
}

static int
ledger_apply_donation(struct ledger *l, int64_t seq)
{
	if (ledger_ensure_walker(l, seq) != 0)
		return -1;
	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET raised = raised + e.amount FROM entries e WHERE e.seq = ?1 AND "
	        "walkers.id = e.walker",
	        seq) != 0)
		return -1;
	return ledger_donation_counters(l, seq, 1);
}

/* Applies again, in order, the entries a query selects (seq, kind; ?1 = arg).
 * Returns how many were registrations ("walker"), or -1. */
static int
ledger_replay(struct ledger *l, const char *sql, int64_t arg)
{
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int64_t *seqs = NULL;
	char(*kinds)[16] = NULL;
	size_t n = 0, cap = 0, i;
	int rc = -1, registrations = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, arg);
	/* collected first: the appliers use cached statements, this one among them */
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			seqs = xrealloc(seqs, cap * sizeof *seqs);
			kinds = xrealloc(kinds, cap * sizeof *kinds);
		}
		seqs[n] = sqlite3_column_int64(st, 0);
		ledger_copy(kinds[n++], sizeof *kinds, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	for (i = 0; i < n; i++) {
		if (ledger_apply(l, seqs[i], kinds[i]) != 0)
			goto end;
		registrations += strcmp(kinds[i], "walker") == 0;
	}
	rc = registrations;
end:
	free(seqs);
	free(kinds);
	return rc;
}

/* The walker's details again from its registration and updates in force. */
static int
ledger_redo_walker(struct ledger *l, int64_t id)
{
	static const char sql[] = "SELECT seq, kind FROM entries e WHERE walker = ?1 AND kind IN "
	                          "('walker', 'walker-update') AND NOT EXISTS (SELECT 1 FROM "
	                          "annulled a WHERE a.seq = e.seq) ORDER BY seq";
	int registrations;

	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET name = NULL, team = NULL, email = NULL, phone = NULL, ext_id = "
	        "NULL, active = 0 WHERE id = ?1",
	        id) != 0)
		return -1;
	if ((registrations = ledger_replay(l, sql, id)) < 0)
		return -1;
	/* a registration applied again is still one walker: take back what it counted */
	if (ledger_count(l, "walkers", -registrations) != 0)
		return -1;
	return ledger_refold(l, id);
}

static int
ledger_redo_settings(struct ledger *l)
{
	static const char sql[] = "SELECT seq, kind FROM entries e WHERE kind IN ('event', "
	                          "'settings') AND NOT EXISTS (SELECT 1 FROM annulled a WHERE "
	                          "a.seq = e.seq) ORDER BY seq";

	if (ledger_exec_i(l, "DELETE FROM settings", 0, NULL) != 0)
		return -1;
	return ledger_replay(l, sql, 0) < 0 ? -1 : 0;
}

static int
ledger_apply_annul(struct ledger *l, int64_t seq)
{
	static const char sql[] = "SELECT t.seq, t.kind, t.walker, json_extract(t.line, "
	                          "'$.data.how') FROM entries a JOIN entries t ON t.seq = a.ref "
	                          "WHERE a.seq = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int64_t ref = 0, walker = 0, args[2];
	char kind[32] = "", how[16] = "";

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		ref = sqlite3_column_int64(st, 0);
		ledger_copy(kind, sizeof kind, (const char *)sqlite3_column_text(st, 1));
		walker = sqlite3_column_int64(st, 2);
		ledger_copy(how, sizeof how, (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_reset(st);
	if (ref == 0)
		return -1;
	args[0] = ref;
	args[1] = seq;
	if (ledger_exec_i(l, "INSERT INTO annulled(seq, by_seq) VALUES (?1, ?2)", 2, args) != 0 ||
	    ledger_count(l, "annulled", 1) != 0)
		return -1;

	if (strcmp(kind, "lap") == 0) {
		if (ledger_count(l, "laps", -1) != 0 ||
		    ledger_count(l, "manual_laps", strcmp(how, "manual") == 0 ? -1 : 0) != 0)
			return -1;
		return ledger_exec1(
		    l,
		    "UPDATE walkers SET laps = laps - 1, (lap_wall, lap_mono, lap_boot) = (SELECT "
		    "wall_ms, mono_ms, boot FROM entries e WHERE e.walker = walkers.id AND e.kind "
		    "= "
		    "'lap' AND NOT EXISTS (SELECT 1 FROM annulled a WHERE a.seq = e.seq) ORDER BY "
		    "e.seq DESC LIMIT 1) WHERE id = ?1",
		    walker);
	}
	if (strcmp(kind, "checkin") == 0) {
		if (ledger_exec1(l, "UPDATE walkers SET checkin_seq = 0 WHERE checkin_seq = ?1",
		                 ref) != 0)
			return -1;
		return ledger_count(l, "checked_in", sqlite3_changes(l->db) > 0 ? -1 : 0);
	}
	if (strcmp(kind, "donation") == 0) {
		args[0] = walker;
		args[1] = ref;
		if (ledger_exec_i(l,
		                  "UPDATE walkers SET raised = raised - (SELECT amount FROM "
		                  "entries WHERE seq = "
		                  "?2) WHERE id = ?1",
		                  2, args) != 0)
			return -1;
		return ledger_donation_counters(l, ref, -1);
	}
	if (strcmp(kind, "walker") == 0) {
		if (ledger_count(l, "walkers", -1) != 0)
			return -1;
		return ledger_redo_walker(l, walker);
	}
	if (strcmp(kind, "walker-update") == 0)
		return ledger_redo_walker(l, walker);
	if (strcmp(kind, "settings") == 0)
		return ledger_redo_settings(l);
	return 0; /* other kinds carry no derived figures */
}

struct ledger_applier {
	const char *kind;
	int (*apply)(struct ledger *, int64_t);
};

static const struct ledger_applier ledger_appliers[] = {
    {"event", ledger_apply_event},       {"settings", ledger_apply_settings},
    {"walker", ledger_apply_walker},     {"walker-update", ledger_apply_walker_update},
    {"checkin", ledger_apply_checkin},   {"lap", ledger_apply_lap},
    {"donation", ledger_apply_donation}, {"annul", ledger_apply_annul},
};

int
ledger_apply(struct ledger *l, int64_t seq, const char *kind)
{
	size_t i;

	for (i = 0; i < nitems(ledger_appliers); i++)
		if (strcmp(ledger_appliers[i].kind, kind) == 0)
			return ledger_appliers[i].apply(l, seq);
	return 0;
}

/* Empties the derived tables and replays every entry; inside a transaction. */
int
ledger_rebuild_locked(struct ledger *l, char **cause)
{
	static const char sql[] = "SELECT seq, kind FROM entries ORDER BY seq";
	sqlite3_stmt *st = NULL;
	int64_t seq;
	char kind[32];
	int rc = -1, step;

	if (ledger_exec_i(l, "DELETE FROM walkers", 0, NULL) != 0 ||
	    ledger_exec_i(l, "DELETE FROM settings", 0, NULL) != 0 ||
	    ledger_exec_i(l, "DELETE FROM annulled", 0, NULL) != 0 || ledger_counters_reset(l) != 0)
		goto end;
	/* not cached: the applier's statements are used while this one runs */
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto end;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		ledger_copy(kind, sizeof kind, (const char *)sqlite3_column_text(st, 1));
		if (ledger_apply(l, seq, kind) != 0)
			goto end;
	}
	if (step != SQLITE_DONE)
		goto end;
	rc = 0;
end:
	if (rc != 0)
		ledger_db_fail(l, cause, "the rebuilt figures");
	sqlite3_finalize(st);
	return rc;
}
