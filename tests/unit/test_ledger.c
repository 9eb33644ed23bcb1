/* test_ledger.c — the ledger on real sqlite files: durability settings,
 * append-only triggers, the hash chain, migrations, the rules applied,
 * annulments, roster imports and the derived figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"
#include <sqlite3.h>

#include "ledger.h"
#include "roster.h"

#define BOOT_A        "6f1c2f8e-4c1a-4b8e-9d7e-2a1b3c4d5e6f"
#define BOOT_B        "0b9a8c7d-1e2f-4a3b-8c5d-6e7f8a9b0c1d"
#define T0            1795521600000LL /* 2026-11-24 12:00:00 UTC */
#define CLOSEOUT_DATA "{\"cash_cents\":0,\"cash_expected_cents\":0}"

struct fixture {
	char dir[64];
	char path[96];
	struct ledger *l;
	struct stamp now; /* the clock the ledger sees */
};

static void
fake_clock(struct stamp *st, void *arg)
{
	*st = ((struct fixture *)arg)->now;
}

static void
advance(struct fixture *f, int64_t ms)
{
	f->now.mono_ms += ms;
	f->now.wall_ms += ms;
}

static void
reopen(struct fixture *f)
{
	char *cause = NULL;

	ledger_free(f->l);
	f->l = NULL;
	assert_int_equal(ledger_open(f->path, &f->l, &cause), 0);
	ledger_set_clock(f->l, fake_clock, f);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct ledger_init in = {
	    "Walk Against Traffick", "Jackson", "2026-11-24", "T1", 500000, NULL};
	char *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/wat-ledger-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/station.db", f->dir);
	f->now.wall_ms = T0;
	f->now.mono_ms = 1000000;
	snprintf(f->now.boot, sizeof f->now.boot, "%s", BOOT_A);
	assert_int_equal(ledger_open(f->path, &f->l, &cause), 0);
	ledger_set_clock(f->l, fake_clock, f);
	assert_int_equal(ledger_init_event(f->l, &in, "test", &cause), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	ledger_free(f->l);
	assert_int_equal(tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

static uint32_t
add(struct fixture *f, const char *name, const char *team)
{
	uint32_t id = 0;
	char *cause = NULL;

	assert_int_equal(ledger_walker_add(f->l, name, team, NULL, NULL, NULL, "test", &id, &cause),
	                 0);
	return id;
}

static void
scan(struct fixture *f, uint32_t id, int role, struct ledger_scan *out)
{
	char code[BADGE_CODE_MAX], *cause = NULL;

	assert_int_equal(ledger_badge_code(f->l, id, code, sizeof code, &cause), 0);
	assert_int_equal(ledger_scan(f->l, code, strlen(code), role, "test", out, &cause), 0);
}

/* Runs one SQL statement on the file with a second connection (ledger closed). */
static int
raw_sql(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* A lap point's first scan of a walker writes the check-in and the lap:
 * one scan, counted and never flagged as a scan within its own hold-off,
 * live and after a rebuild (the property test found it flagged). */
static void
test_lap_with_checkin_not_flagged(void **state)
{
	struct fixture *f = *state;
	struct ledger_totals t;
	struct ledger_scan s;
	char *cause = NULL;
	uint32_t id = add(f, "Maria Lopez", NULL);

	scan(f, id, RULES_ROLE_LAP, &s);
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	assert_int_equal(ledger_totals(f->l, &t, &cause), 0);
	assert_int_equal(t.checked_in, 1);
	assert_int_equal(t.laps, 1);
	assert_int_equal(t.flagged_laps, 0);
	advance(f, 2000); /* within the hold-off: refused, nothing written */
	scan(f, id, RULES_ROLE_LAP, &s);
	assert_int_equal(s.verdict.outcome, RULES_ALREADY_COUNTED);
	assert_int_equal(ledger_rebuild(f->l, &cause), 0);
	assert_int_equal(ledger_check(f->l, &cause), 0);
	assert_int_equal(ledger_totals(f->l, &t, &cause), 0);
	assert_int_equal(t.laps, 1);
	assert_int_equal(t.flagged_laps, 0);

	/* a check-in and a later scan's lap, next to each other in the ledger,
	 * are two scans: the lap is timed from the check-in */
	id = add(f, "Ann Lee", NULL);
	advance(f, 600000);
	scan(f, id, RULES_ROLE_BOTH, &s);
	assert_int_equal(s.verdict.outcome, RULES_CHECKIN);
	advance(f, 65000);
	scan(f, id, RULES_ROLE_BOTH, &s);
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	assert_int_equal(ledger_set(f->l, "min-lap", "120", "test", &cause), 0);
	assert_int_equal(ledger_totals(f->l, &t, &cause), 0);
	assert_int_equal(t.laps, 2);
	assert_int_equal(t.flagged_laps, 1);
	assert_int_equal(ledger_rebuild(f->l, &cause), 0);
	assert_int_equal(ledger_check(f->l, &cause), 0);
}

static void
test_durability_settings(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	char wal[128];

	/* the -shm file is never made: exclusive locking */
	snprintf(wal, sizeof wal, "%s-shm", f->path);
	assert_int_not_equal(access(wal, F_OK), 0);
	/* a second program is refused while the ledger is open */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "SELECT COUNT(*) FROM entries", NULL, NULL, NULL),
	                     SQLITE_OK);
	sqlite3_close(db);
	ledger_free(f->l);
	f->l = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	reopen(f);
}

static void
test_second_open_refused(void **state)
{
	struct fixture *f = *state;
	struct ledger *other = NULL;
	char *cause = NULL;

	/* told apart from any other failure: the kiosk waits for a held file */
	assert_int_equal(ledger_open(f->path, &other, &cause), LEDGER_BUSY);
	assert_non_null(strstr(cause, "in use by another program"));
	free(cause);
}

static void
test_append_only(void **state)
{
	struct fixture *f = *state;

	add(f, "Maria", NULL);
	ledger_free(f->l);
	f->l = NULL;
	assert_int_not_equal(raw_sql(f, "UPDATE entries SET op = 'x' WHERE seq = 1"), SQLITE_OK);
	assert_int_not_equal(raw_sql(f, "DELETE FROM entries WHERE seq = 2"), SQLITE_OK);
	/* a gap in the numbering is refused too */
	assert_int_not_equal(raw_sql(f,
	                             "INSERT INTO entries(seq, kind, wall_ms, mono_ms, boot, op, "
	                             "line, hash) VALUES (9, 'lap', 0, 0, '', '', '{}', x'00')"),
	                     SQLITE_OK);
	reopen(f);
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

static void
test_chain_detects_edits(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	add(f, "Maria", NULL);
	add(f, "Ann", NULL);
	ledger_free(f->l);
	f->l = NULL;
	/* someone with the file and a sqlite shell drops the trigger and edits */
	assert_int_equal(raw_sql(f, "DROP TRIGGER entries_no_update; UPDATE entries SET line = "
	                            "replace(line, 'Maria', 'Mario') WHERE seq = 2"),
	                 SQLITE_OK);
	reopen(f);
	assert_int_equal(ledger_check(f->l, &cause), -1);
	assert_non_null(strstr(cause, "Entry 2 was altered"));
	free(cause);
}

static void
test_check_detects_stale_figures(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	add(f, "Maria", NULL);
	ledger_free(f->l);
	f->l = NULL;
	assert_int_equal(raw_sql(f, "UPDATE walkers SET laps = 40 WHERE id = 1"), SQLITE_OK);
	reopen(f);
	assert_int_equal(ledger_check(f->l, &cause), -1);
	assert_non_null(strstr(cause, "walkers"));
	free(cause);
	assert_int_equal(ledger_rebuild(f->l, NULL), 0);
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

/* The station's annulled table is rebuilt by the fold's one rule
 * (fold_annul_check): an annulment of an annulment written into the file
 * by hand is refused, naming both entries. */
static void
test_rebuild_refuses_bad_annulment(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t d, by = 0;
	uint32_t a = add(f, "Maria", NULL);

	assert_int_equal(ledger_donate(f->l, a, 2500, RULES_CASH, NULL, NULL, "t", &d, NULL), 0);
	assert_int_equal(
	    ledger_annul(f->l, d, "entered twice", "t", RULES_COORDINATOR, NULL, &by, NULL), 0);
	ledger_free(f->l);
	f->l = NULL;
	assert_int_equal(
	    raw_sql(f,
	            "INSERT INTO entries(seq, kind, walker, ref, amount, wall_ms, mono_ms, boot, "
	            "op, line, hash) SELECT MAX(seq) + 1, 'annul', NULL, MAX(seq), 0, 0, 0, 'b', "
	            "'x', '{\"seq\":' || (MAX(seq) + 1) || ',\"station\":\"T1\",\"kind\":"
	            "\"annul\",\"wall_ms\":0,\"mono_ms\":0,\"boot\":\"b\",\"op\":\"x\","
	            "\"ref\":' || MAX(seq) || ',\"data\":{\"reason\":\"x\"}}', zeroblob(32) "
	            "FROM entries"),
	    SQLITE_OK);
	reopen(f);
	assert_int_equal(ledger_rebuild(f->l, &cause), -1);
	assert_non_null(strstr(cause, "The ledger cannot be read"));
	assert_non_null(strstr(cause, "which is an annulment"));
	free(cause);
}

static void
test_migration_from_v1(void **state)
{
	struct fixture *f = *state;
	struct ledger_totals before, after;
	struct ledger_scan s;
	uint32_t a = add(f, "Maria", "Hope"), b = add(f, "Ann", NULL);

	scan(f, a, RULES_ROLE_WELCOME, &s);
	advance(f, 120000);
	scan(f, a, RULES_ROLE_LAP, &s);
	assert_int_equal(ledger_donate(f->l, b, 2500, RULES_CASH, NULL, "Bo", "test", NULL, NULL),
	                 0);
	assert_int_equal(ledger_totals(f->l, &before, NULL), 0);
	ledger_free(f->l);
	f->l = NULL;
	/* what a version-1 file held: the entries, nothing derived */
	assert_int_equal(raw_sql(f, "DROP TABLE walkers; DROP TABLE counters; DROP TABLE settings; "
	                            "DROP TABLE annulled; DROP INDEX entries_walker; DROP INDEX "
	                            "entries_kind; DROP TABLE peers; DROP TABLE peer_entries; "
	                            "PRAGMA user_version = 1"),
	                 SQLITE_OK);
	reopen(f);
	assert_int_equal(ledger_totals(f->l, &after, NULL), 0);
	assert_int_equal(after.walkers, 2);
	assert_int_equal(after.laps, before.laps);
	assert_int_equal(after.cash_cents, 2500);
	assert_int_equal(after.checked_in, 1);
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	ledger_free(f->l);
	f->l = NULL;
	assert_int_equal(raw_sql(f, "PRAGMA user_version = 99"), SQLITE_OK);
	assert_int_equal(ledger_open(f->path, &f->l, &cause), -1);
	assert_non_null(strstr(cause, "newer version"));
	free(cause);
	assert_int_equal(raw_sql(f, "PRAGMA user_version = 2"), SQLITE_OK);
	reopen(f);
}

static void
test_not_a_ledger(void **state)
{
	struct fixture *f = *state;
	char path[128], *cause = NULL;
	struct ledger *l = NULL;
	FILE *fp;

	snprintf(path, sizeof path, "%s/notes.txt", f->dir);
	fp = fopen(path, "w");
	fputs("these are not the droids\n", fp);
	fclose(fp);
	assert_int_equal(ledger_open(path, &l, &cause), -1);
	assert_non_null(strstr(cause, path));
	free(cause);
}

static void
test_scan_rules(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan s;
	uint32_t id = add(f, "Maria", NULL);

	scan(f, id, RULES_ROLE_WELCOME, &s);
	assert_int_equal(s.verdict.outcome, RULES_CHECKIN);
	assert_string_equal(s.name, "Maria");
	assert_true(s.seq > 0);
	advance(f, 2000);
	scan(f, id, RULES_ROLE_WELCOME, &s);
	assert_int_equal(s.verdict.outcome, RULES_ALREADY_COUNTED);
	assert_int_equal(s.seq, 0);
	advance(f, 10000);
	scan(f, id, RULES_ROLE_WELCOME, &s);
	assert_int_equal(s.verdict.outcome, RULES_WELCOME_BACK);
	advance(f, 60000);
	scan(f, id, RULES_ROLE_LAP, &s);
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	assert_int_equal(s.laps, 1);
	advance(f, 40000);
	scan(f, id, RULES_ROLE_LAP, &s);
	assert_int_equal(s.verdict.outcome, RULES_LAP_TOO_SOON);
	assert_non_null(strstr(s.message, "40 s"));
	advance(f, 20000);
	scan(f, id, RULES_ROLE_LAP, &s);
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	assert_int_equal(s.laps, 2);
	/* a reboot: the monotonic clock restarts, the wall clock says 30 s */
	f->now.mono_ms = 5000;
	snprintf(f->now.boot, sizeof f->now.boot, "%s", BOOT_B);
	advance(f, 30000);
	scan(f, id, RULES_ROLE_LAP, &s);
	assert_int_equal(s.verdict.outcome, RULES_LAP_TOO_SOON);
}

static void
test_lap_point_sees_unknown_walker(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan s;
	struct badge_event be = {0};
	struct ledger_event ev;
	struct ledger_walker w;
	char code[BADGE_CODE_MAX], *cause = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;

	/* a badge made for walker 10001 on another station of the same event */
	ledger_event(f->l, &ev);
	ledger_free(f->l);
	f->l = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM secrets", -1, &st, NULL), 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memcpy(be.key, sqlite3_column_blob(st, 0), BADGE_KEY_LEN);
	sqlite3_finalize(st);
	sqlite3_close(db);
	memcpy(be.tag, ev.event_tag, sizeof be.tag);
	badge_encode(&be, 10001, code, sizeof code);
	reopen(f);
	assert_int_equal(ledger_scan(f->l, code, strlen(code), RULES_ROLE_LAP, "t", &s, &cause), 0);
	assert_int_equal(s.badge, BADGE_OK);
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	assert_false(s.known);
	assert_string_equal(s.name, "Walker 10001");
	/* it is counted, and this station's own numbers do not take 10001 */
	assert_int_equal(ledger_walker_get(f->l, 10001, &w, NULL), 0);
	assert_int_equal(w.laps, 1);
	assert_true(w.checked_in);
	ledger_walker_clear(&w);
	assert_int_equal(add(f, "Maria", NULL), 1);
}

static void
test_forged_and_foreign_codes(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan s;
	struct ledger_totals t;
	char code[BADGE_CODE_MAX], *cause = NULL;
	uint32_t id = add(f, "Maria", NULL);
	size_t n;

	assert_int_equal(ledger_badge_code(f->l, id, code, sizeof code, NULL), 0);
	n = strlen(code);
	code[n - 1] = code[n - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(ledger_scan(f->l, code, n, -1, "t", &s, &cause), 0);
	assert_int_equal(s.badge, BADGE_FORGED);
	assert_true(strlen(s.message) > 10);
	assert_int_equal(ledger_scan(f->l, "https://example.com/", 20, -1, "t", &s, &cause), 0);
	assert_int_equal(s.badge, BADGE_NOT_OURS);
	assert_int_equal(ledger_scan(f->l, "", 0, -1, "t", &s, &cause), 0);
	assert_int_equal(s.badge, BADGE_EMPTY);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.checked_in, 0);
	assert_int_equal(t.last_seq, 2); /* the event and the walker: no scan recorded */
}

static void
test_donations_and_annulments(void **state)
{
	struct fixture *f = *state;
	struct ledger_totals t;
	struct ledger_walker w;
	int64_t d1, d2, d3, by;
	char *cause = NULL;
	uint32_t id = add(f, "Maria", NULL);

	assert_int_equal(ledger_donate(f->l, id, 2500, RULES_CASH, NULL, NULL, "t", &d1, NULL), 0);
	assert_int_equal(
	    ledger_donate(f->l, id, 10000, RULES_CHECK, "1043", "Ann Lee", "t", &d2, NULL), 0);
	assert_int_equal(ledger_donate(f->l, id, 500, RULES_OTHER, NULL, NULL, "t", &d3, NULL), 0);
	/* refused: no check number, zero, over the maximum, unknown walker */
	assert_int_equal(ledger_donate(f->l, id, 100, RULES_CHECK, NULL, NULL, "t", NULL, &cause),
	                 -1);
	free(cause);
	assert_int_equal(ledger_donate(f->l, id, 0, RULES_CASH, NULL, NULL, "t", NULL, &cause), -1);
	free(cause);
	assert_int_equal(
	    ledger_donate(f->l, id, 100000000, RULES_CASH, NULL, NULL, "t", NULL, &cause), -1);
	free(cause);
	assert_int_equal(ledger_donate(f->l, 77, 100, RULES_CASH, NULL, NULL, "t", NULL, &cause),
	                 -1);
	assert_non_null(strstr(cause, "77"));
	free(cause);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.total_cents, 13000);
	assert_int_equal(t.checks, 1);

	assert_int_equal(
	    ledger_annul(f->l, d2, "entered twice", "t", RULES_COORDINATOR, NULL, &by, NULL), 0);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.check_cents, 0);
	assert_int_equal(t.checks, 0);
	assert_int_equal(t.total_cents, 3000);
	assert_int_equal(t.annulled, 1);
	assert_int_equal(ledger_walker_get(f->l, id, &w, NULL), 0);
	assert_int_equal(w.raised_cents, 3000);
	ledger_walker_clear(&w);
	/* once only; an annulment is not annulled; a reason is required */
	assert_int_equal(
	    ledger_annul(f->l, d2, "again", "t", RULES_COORDINATOR, NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "already annulled"));
	free(cause);
	assert_int_equal(ledger_annul(f->l, by, "undo", "t", RULES_COORDINATOR, NULL, NULL, &cause),
	                 -1);
	free(cause);
	assert_int_equal(ledger_annul(f->l, d1, "  ", "t", RULES_COORDINATOR, NULL, NULL, &cause),
	                 -1);
	free(cause);
	assert_int_equal(ledger_annul(f->l, 9999, "x", "t", RULES_COORDINATOR, NULL, NULL, &cause),
	                 -1);
	free(cause);
	assert_int_equal(ledger_annul(f->l, 1, "x", "t", RULES_COORDINATOR, NULL, NULL, &cause),
	                 -1);
	free(cause);
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

static void
test_annul_lap_and_checkin(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan s, s2;
	struct ledger_totals t;

	uint32_t id = add(f, "Maria", NULL);
	scan(f, id, RULES_ROLE_LAP, &s); /* checks in and counts lap 1 */
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	advance(f, 70000);
	scan(f, id, RULES_ROLE_LAP, &s2);
	assert_int_equal(s2.laps, 2);
	assert_int_equal(ledger_annul(f->l, s2.seq, "scanned by mistake", "t", RULES_COORDINATOR,
	                              NULL, NULL, NULL),
	                 0);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.laps, 1);
	/* the last lap in force is lap 1 again, 80 s ago, so a lap now counts */
	advance(f, 10000);
	scan(f, id, RULES_ROLE_LAP, &s);
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	assert_int_equal(s.laps, 2);
	assert_int_equal(
	    ledger_annul(f->l, s.seq, "test", "t", RULES_COORDINATOR, NULL, NULL, NULL), 0);
	assert_int_equal(
	    ledger_annul(f->l, 3, "wrong person", "t", RULES_COORDINATOR, NULL, NULL, NULL),
	    0); /* check-in */
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.checked_in, 0);
	assert_int_equal(ledger_check(f->l, NULL), 0);
	reopen(f);
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

static void
test_manual_entries(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan s;
	struct ledger_totals t;
	char *cause = NULL;
	uint32_t id = add(f, "Maria", NULL);

	assert_int_equal(ledger_lap(f->l, id, "vol", &s, NULL), 0);
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	advance(f, 61000);
	assert_int_equal(ledger_lap(f->l, id, "vol", &s, NULL), 0);
	assert_int_equal(s.laps, 2);
	assert_int_equal(ledger_checkin(f->l, id, "vol", &s, NULL), 0);
	assert_int_equal(s.verdict.outcome, RULES_WELCOME_BACK);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.manual_laps, 2);
	assert_int_equal(t.checked_in, 1);
	assert_int_equal(ledger_lap(f->l, 500, "vol", &s, &cause), -1);
	free(cause);
}

/* A lap by hand obeys the shortest lap: refused, nothing written, unless
 * a coordinator overrides, which the entry records. */
static void
test_manual_lap_too_soon(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan s;
	struct ledger_totals t;
	uint32_t id = add(f, "Maria", NULL);

	assert_int_equal(ledger_lap(f->l, id, "vol", &s, NULL), 0);
	advance(f, 20000);
	assert_int_equal(ledger_lap(f->l, id, "vol", &s, NULL), 0);
	assert_int_equal(s.verdict.outcome, RULES_LAP_TOO_SOON);
	assert_int_equal(s.seq, 0);
	assert_int_equal(s.laps, 1);
	assert_non_null(strstr(s.message, "the last lap was 20 s ago"));
	assert_non_null(strstr(s.message, "A coordinator can add it anyway."));
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.laps, 1);
	assert_int_equal(ledger_lap_override(f->l, id, "coord", &s, NULL), 0);
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	assert_int_equal(s.verdict.override, 1);
	assert_true(s.seq > 0);
	assert_int_equal(s.laps, 2);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.laps, 2);
	assert_int_equal(t.flagged_laps, 0); /* a coordinator's word is not flagged */
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

struct lap_line {
	int64_t seq;
	char line[512];
};

static int
lap_line_cb(const struct ledger_entry *e, void *arg)
{
	struct lap_line *ll = arg;

	ll->seq = e->seq;
	snprintf(ll->line, sizeof ll->line, "%s", e->line);
	return 0;
}

/* Counted laps (fold.h, FORMATS.md): laps in force, a flagged one only once
 * accepted; rejected, waiting and annulled ones do not count; a later review
 * replaces an earlier one; an annulled review gives the lap back to the
 * queue.  Live, after a rebuild, and as `check` recomputes them. */
static void
test_counted_laps(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan s;
	struct ledger_totals t;
	struct ledger_walker w;
	struct ledger_flagged *fl = NULL;
	struct lap_line ll;
	size_t n;
	int64_t seq, lap2, lap3, lap4, lap5, review;
	char *cause = NULL;
	uint32_t id = add(f, "Maria", NULL);

	scan(f, id, RULES_ROLE_BOTH, &s); /* check-in */
	advance(f, 70000);
	scan(f, id, RULES_ROLE_BOTH, &s); /* lap 1, counts */
	assert_int_equal(s.verdict.outcome, RULES_LAP);
	advance(f, 10000);
	scan(f, id, RULES_ROLE_BOTH, &s); /* too soon: recorded, flagged */
	assert_int_equal(s.verdict.outcome, RULES_LAP_TOO_SOON);
	assert_true(s.seq > 0);
	assert_int_equal(s.laps, 1); /* the walker sees what counts */
	assert_non_null(strstr(s.message, "recorded for a coordinator to review"));
	lap2 = s.seq;
	assert_int_equal(ledger_entry_get(f->l, lap2, lap_line_cb, &ll, NULL), 0);
	assert_non_null(strstr(ll.line, "\"since_ms\":10000"));
	assert_null(strstr(ll.line, "\"n\":"));
	advance(f, 2000);
	scan(f, id, RULES_ROLE_BOTH, &s); /* within the hold-off: nothing */
	assert_int_equal(s.verdict.outcome, RULES_ALREADY_COUNTED);
	assert_int_equal(s.seq, 0);
	advance(f, 8000);
	scan(f, id, RULES_ROLE_BOTH, &s);
	lap3 = s.seq;
	advance(f, 10000);
	scan(f, id, RULES_ROLE_BOTH, &s);
	lap4 = s.seq;
	advance(f, 10000);
	scan(f, id, RULES_ROLE_BOTH, &s);
	lap5 = s.seq;
	assert_true(lap3 > lap2 && lap4 > lap3 && lap5 > lap4);

	assert_int_equal(ledger_walker_get(f->l, id, &w, NULL), 0);
	assert_int_equal(w.laps, 5);
	assert_int_equal(w.counted_laps, 1);
	assert_int_equal(w.pending_laps, 4);
	ledger_walker_clear(&w);

	/* the queue: this walker's, oldest first, with the scans around */
	assert_int_equal(ledger_flagged_laps(f->l, 1, &fl, &n, NULL), 0);
	assert_int_equal(n, 4);
	assert_int_equal(fl[0].seq, lap2);
	assert_int_equal(fl[0].since_ms, 10000);
	assert_true(fl[0].has_prev && fl[0].has_next);
	assert_string_equal(fl[0].prev_kind, "lap");
	assert_int_equal(fl[0].next_seq, lap3);
	assert_int_equal(fl[3].seq, lap5);
	assert_false(fl[3].has_next);
	free(fl);

	/* accepted counts; rejected does not; annulled does not */
	assert_int_equal(ledger_lap_review(f->l, lap2, 1, NULL, "coord", &review, NULL), 0);
	assert_int_equal(ledger_lap_review(f->l, lap3, 0, "double scan", "coord", &seq, NULL), 0);
	assert_int_equal(ledger_lap_review(f->l, lap4, 1, NULL, "coord", &seq, NULL), 0);
	assert_int_equal(
	    ledger_annul(f->l, lap4, "mistake", "coord", RULES_COORDINATOR, NULL, NULL, NULL), 0);
	assert_int_equal(ledger_walker_get(f->l, id, &w, NULL), 0);
	assert_int_equal(w.laps, 4);         /* lap 4 annulled */
	assert_int_equal(w.counted_laps, 2); /* lap 1 and the accepted lap 2 */
	assert_int_equal(w.pending_laps, 1); /* lap 5 */
	ledger_walker_clear(&w);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.flagged_laps, 3);
	assert_int_equal(t.accepted_laps, 1);
	assert_int_equal(t.rejected_laps, 1);
	assert_int_equal(ledger_check(f->l, NULL), 0);

	/* refused in words: twice the same, not flagged, undone, not a lap */
	assert_int_equal(ledger_lap_review(f->l, lap2, 1, NULL, "coord", &seq, &cause), -1);
	assert_non_null(strstr(cause, "already accepted"));
	free(cause);
	assert_int_equal(ledger_lap_review(f->l, lap2 - 1, 1, NULL, "coord", &seq, &cause), -1);
	assert_non_null(strstr(cause, "was not flagged"));
	free(cause);
	assert_int_equal(ledger_lap_review(f->l, lap4, 1, NULL, "coord", &seq, &cause), -1);
	assert_non_null(strstr(cause, "undone"));
	free(cause);
	assert_int_equal(ledger_lap_review(f->l, 1, 1, NULL, "coord", &seq, &cause), -1);
	assert_non_null(strstr(cause, "not a lap"));
	free(cause);

	/* a later review replaces an earlier one; an annulled review is as if never */
	assert_int_equal(ledger_lap_review(f->l, lap3, 1, NULL, "coord", &seq, NULL), 0);
	assert_int_equal(
	    ledger_annul(f->l, review, "wrong tap", "coord", RULES_COORDINATOR, NULL, NULL, NULL),
	    0);
	assert_int_equal(ledger_walker_get(f->l, id, &w, NULL), 0);
	assert_int_equal(w.counted_laps, 2); /* lap 1 and lap 3 (accepted after rejected) */
	assert_int_equal(w.pending_laps, 2); /* lap 2 (review annulled) and lap 5 */
	ledger_walker_clear(&w);
	assert_int_equal(ledger_flagged_laps(f->l, 1, &fl, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fl[0].seq, lap2);
	assert_int_equal(fl[1].seq, lap5);
	free(fl);
	assert_int_equal(ledger_flagged_laps(f->l, 0, &fl, &n, NULL), 0);
	assert_int_equal(n, 3); /* with lap 3, accepted */
	free(fl);
	assert_int_equal(ledger_check(f->l, NULL), 0);
	assert_int_equal(ledger_rebuild(f->l, NULL), 0);
	assert_int_equal(ledger_walker_get(f->l, id, &w, NULL), 0);
	assert_int_equal(w.counted_laps, 2);
	assert_int_equal(w.pending_laps, 2);
	ledger_walker_clear(&w);
	reopen(f);
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

static void
test_settings_and_annul(void **state)
{
	struct fixture *f = *state;
	struct ledger_event ev;
	char *cause = NULL;
	int64_t seq = 0;

	assert_int_equal(ledger_set(f->l, "min-lap", "90", "c", NULL), 0);
	assert_int_equal(ledger_set(f->l, "lap-length", "0.25mi", "c", NULL), 0);
	assert_int_equal(ledger_set(f->l, "org-ein", "64-0123456", "c", NULL), 0);
	assert_int_equal(ledger_set(f->l, "goal", "$8,000", "c", NULL), 0);
	assert_int_equal(ledger_set(f->l, "role", "lap", "c", NULL), 0);
	ledger_event(f->l, &ev);
	assert_int_equal(ev.rules.min_lap_ms, 90000);
	assert_int_equal(ev.lap.milli, 250); /* as typed: 0.25 mi, not 402 m */
	assert_int_equal(ev.lap.unit, SETTING_MI);
	assert_string_equal(ev.org_ein, "64-0123456");
	assert_int_equal(ev.goal_cents, 800000);
	assert_int_equal(ev.role, RULES_ROLE_LAP);
	assert_int_equal(ledger_set(f->l, "org-ein", "640123456", "c", &cause), -1);
	free(cause);
	assert_int_equal(ledger_set(f->l, "date", "2026-02-30", "c", &cause), -1);
	free(cause);
	assert_int_equal(ledger_set(f->l, "colour", "red", "c", &cause), -1);
	assert_non_null(strstr(cause, "min-lap"));
	free(cause);
	/* annulling a settings entry brings the earlier value back */
	{
		struct ledger_totals t;

		ledger_totals(f->l, &t, NULL);
		seq = t.last_seq; /* the role entry */
	}
	assert_int_equal(
	    ledger_annul(f->l, seq, "wrong station", "c", RULES_COORDINATOR, NULL, NULL, NULL), 0);
	ledger_event(f->l, &ev);
	assert_int_equal(ev.role, RULES_ROLE_BOTH);
	reopen(f);
	ledger_event(f->l, &ev);
	assert_int_equal(ev.role, RULES_ROLE_BOTH);
	assert_int_equal(ev.rules.min_lap_ms, 90000);
}

static const char roster_csv[] = "\xef\xbb\xbf"
                                 "First Name,Last Name,Team,Email,Registration ID\r\n"
                                 "Zoë,Ångström,Hope,zoe@example.org,R-1\r\n"
                                 "Maria,\"Lopez, Jr.\",Hope,,R-2\r\n"
                                 "Иван,Петров,,,R-3\r\n";

static void
test_roster_import_twice(void **state)
{
	struct fixture *f = *state;
	struct roster *r = NULL;
	struct ledger_import res;
	struct ledger_totals t;
	char *cause = NULL;

	assert_int_equal(roster_parse(roster_csv, sizeof roster_csv - 1, &r, &cause), 0);
	assert_int_equal(ledger_roster_import(f->l, r, "c", &res, &cause), 0);
	assert_int_equal(res.added, 3);
	assert_int_equal(ledger_roster_import(f->l, r, "c", &res, &cause), 0);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.unchanged, 3);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.walkers, 3);
	assert_int_equal(t.last_seq, 4);
	roster_free(r);

	/* a later roster with a changed team updates one walker */
	{
		static const char csv3[] = "name,team,email,id\n"
		                           "Zoë Ångström,Grace,zoe@example.org,R-1\n";
		assert_int_equal(roster_parse(csv3, sizeof csv3 - 1, &r, &cause), 0);
		assert_int_equal(ledger_roster_import(f->l, r, "c", &res, &cause), 0);
		assert_int_equal(res.updated, 1);
		roster_free(r);
	}
	{
		struct ledger_walker w;

		assert_int_equal(ledger_walker_get(f->l, 1, &w, NULL), 0);
		assert_string_equal(w.team, "Grace");
		assert_string_equal(w.name, "Zoë Ångström");
		ledger_walker_clear(&w);
	}
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

/* A preview writes nothing; an import takes the good rows only, the bad ones
 * counted; a waiver is recorded once per walker and version. */
static void
test_roster_preview_and_waiver(void **state)
{
	static const char csv[] = "name,id,waiver\n"
	                          "Ann,R-1,2026-1\n"
	                          ",R-2,\n"
	                          "Bob,R-3,no\n"
	                          "Ann,R-1,2026-1\n";
	struct fixture *f = *state;
	struct roster *r = NULL;
	struct ledger_import res;
	struct ledger_totals t;
	char *cause = NULL;

	assert_int_equal(roster_read(csv, sizeof csv - 1, &r, &cause), 0);
	assert_int_equal(r->nbad, 1);
	assert_int_equal(r->nmerged, 1);
	assert_int_equal(ledger_roster_preview(f->l, r, &res, &cause), 0);
	assert_int_equal(res.added, 2);
	assert_int_equal(res.skipped, 1);
	assert_int_equal(res.merged, 1);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.last_seq, 1); /* the event only */
	assert_int_equal(ledger_roster_import(f->l, r, "c", &res, &cause), 0);
	assert_int_equal(res.added, 2);
	assert_int_equal(res.skipped, 1);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.walkers, 2);
	assert_int_equal(t.last_seq, 4); /* two walkers and Ann's waiver from online */
	assert_int_equal(ledger_roster_import(f->l, r, "c", &res, &cause), 0);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.last_seq, 4); /* nothing again */
	roster_free(r);

	/* at the table: once per version; a guardian by name */
	assert_int_equal(ledger_walker_waiver(f->l, 1, "2026-1", "walker", "v", &cause), 0);
	assert_int_equal(ledger_walker_waiver(f->l, 2, "2026-1", "guardian: Ana Lee", "v", &cause),
	                 0);
	assert_int_equal(ledger_walker_waiver(f->l, 2, "2026-1", "walker", "v", &cause), 0);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.last_seq, 5);
	assert_int_equal(ledger_walker_waiver(f->l, 99, "2026-1", "walker", "v", &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(ledger_walker_waiver(f->l, 1, "", "walker", "v", &cause), -1);
	free(cause);
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

static int
count_cb(const struct ledger_walker *w, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

static void
test_find(void **state)
{
	struct fixture *f = *state;
	size_t n;

	add(f, "Zoë Ångström", "Hope");
	add(f, "Иван Петров", NULL);
	add(f, "Maria Lopez", "Hope");
	n = 0;
	assert_int_equal(ledger_walkers(f->l, "ZOE ang", count_cb, &n, NULL), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(ledger_walkers(f->l, "иван", count_cb, &n, NULL), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(ledger_walkers(f->l, "hope", count_cb, &n, NULL), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(ledger_walkers(f->l, "3", count_cb, &n, NULL), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(ledger_walkers(f->l, NULL, count_cb, &n, NULL), 0);
	assert_int_equal(n, 3);
}

static void
test_annul_registration(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan s;
	struct ledger_totals t;
	char code[BADGE_CODE_MAX], *cause = NULL;
	uint32_t id = add(f, "Maria", NULL);

	assert_int_equal(ledger_badge_code(f->l, id, code, sizeof code, NULL), 0);
	assert_int_equal(
	    ledger_annul(f->l, 2, "registered twice", "c", RULES_COORDINATOR, NULL, NULL, NULL), 0);
	ledger_totals(f->l, &t, NULL);
	assert_int_equal(t.walkers, 0);
	assert_int_equal(ledger_scan(f->l, code, strlen(code), -1, "t", &s, &cause), 0);
	assert_int_not_equal(s.badge, BADGE_OK);
	assert_non_null(strstr(s.message, "annulled"));
	assert_int_equal(ledger_check(f->l, NULL), 0);
}

static void
test_clock_doubt(void **state)
{
	struct fixture *f = *state;

	assert_null(ledger_clock_doubt(f->l));
	f->now.wall_ms = 86400000; /* 1970: a Pi without its clock */
	assert_non_null(ledger_clock_doubt(f->l));
	f->now.wall_ms = T0;
	assert_null(ledger_clock_doubt(f->l));
}

static void
test_init_validation(void **state)
{
	struct fixture *f = *state;
	struct ledger *l = NULL;
	char path[128], *cause = NULL;
	struct ledger_init bad = {"Walk", "Jackson", "24/11/2026", "T1", 0, NULL};
	struct ledger_init station = {"Walk", "Jackson", "2026-11-24", "lap point!", 0, NULL};
	struct ledger_init again = {"Walk", "Jackson", "2026-11-24", NULL, 0, NULL};

	snprintf(path, sizeof path, "%s/other.db", f->dir);
	assert_int_equal(ledger_open(path, &l, &cause), 0);
	assert_int_equal(ledger_init_event(l, &bad, "c", &cause), -1);
	assert_non_null(strstr(cause, "YYYY-MM-DD"));
	free(cause);
	assert_int_equal(ledger_init_event(l, &station, "c", &cause), -1);
	free(cause);
	assert_false(ledger_has_event(l));
	ledger_free(l);
	assert_int_equal(ledger_init_event(f->l, &again, "c", &cause), -1);
	assert_non_null(strstr(cause, "already"));
	free(cause);
}

static void
test_closed_refuses_donations(void **state)
{
	struct fixture *f = *state;
	int64_t close_seq = 0, seq = 0;
	char *cause = NULL;
	uint32_t id = add(f, "Maria", NULL);

	assert_int_equal(ledger_closed(f->l, NULL), 0);
	assert_int_equal(
	    ledger_append(f->l, "closeout", 0, 0, 0, CLOSEOUT_DATA, "c", &close_seq, NULL), 0);
	assert_int_equal(ledger_closed(f->l, &seq), 1);
	assert_int_equal(seq, close_seq);
	assert_int_equal(ledger_donate(f->l, id, 500, RULES_CASH, NULL, NULL, "t", NULL, &cause),
	                 -1);
	assert_non_null(strstr(cause, "closed out"));
	free(cause);
	/* a reopening (or annulling the close-out) opens it again */
	assert_int_equal(ledger_append(f->l, "reopen", 0, 0, 0, "{\"reason\":\"late envelope\"}",
	                               "c", NULL, NULL),
	                 0);
	assert_int_equal(ledger_closed(f->l, NULL), 0);
	assert_int_equal(ledger_donate(f->l, id, 500, RULES_CASH, NULL, NULL, "t", NULL, NULL), 0);
	assert_int_equal(
	    ledger_append(f->l, "closeout", 0, 0, 0, CLOSEOUT_DATA, "c", &close_seq, NULL), 0);
	assert_int_equal(ledger_closed(f->l, NULL), 1);
	assert_int_equal(ledger_annul(f->l, close_seq, "counted too early", "c", RULES_COORDINATOR,
	                              NULL, NULL, NULL),
	                 0);
	assert_int_equal(ledger_closed(f->l, NULL), 0);
}

/* Who may undo money: a volunteer cannot undo a donation (the kiosk then asks
 * for the PIN), may undo a fresh lap; after a close-out nothing is undone
 * until a reopen is recorded, not even by the coordinator, except the
 * close-out itself; a reopen after which money came in stays. */
static void
test_who_may_undo_money(void **state)
{
	struct fixture *f = *state;
	int64_t gift = 0, close_seq = 0, reopen = 0, by = 0;
	struct ledger_scan sc;
	char *cause = NULL;
	int need = 0;
	uint32_t id = add(f, "Maria", NULL);

	assert_int_equal(ledger_donate(f->l, id, 50000, RULES_CASH, NULL, NULL, "t", &gift, NULL),
	                 0);
	assert_int_equal(
	    ledger_annul(f->l, gift, "oops", "volunteer", RULES_VOLUNTEER, &need, NULL, &cause),
	    -1);
	assert_int_equal(need, 1);
	assert_non_null(strstr(cause, "Only a coordinator can undo a donation"));
	free(cause);
	cause = NULL;
	/* a lap just recorded: the volunteer may */
	assert_int_equal(ledger_checkin(f->l, id, "volunteer", &sc, NULL), 0);
	assert_int_equal(ledger_annul(f->l, sc.seq, "wrong walker", "volunteer", RULES_VOLUNTEER,
	                              &need, &by, NULL),
	                 0);
	assert_int_equal(need, 0);
	/* closed out: the $500 stays in the count until a reopen is recorded */
	assert_int_equal(
	    ledger_append(f->l, "closeout", 0, 0, 0, CLOSEOUT_DATA, "c", &close_seq, NULL), 0);
	assert_int_equal(
	    ledger_annul(f->l, gift, "oops", "c", RULES_COORDINATOR, &need, NULL, &cause), -1);
	assert_int_equal(need, 0);
	assert_non_null(strstr(cause, "closed out"));
	assert_non_null(strstr(cause, "reopen"));
	free(cause);
	cause = NULL;
	assert_int_equal(
	    ledger_annul(f->l, sc.seq + 0, "x", "volunteer", RULES_VOLUNTEER, &need, NULL, &cause),
	    -1);
	free(cause);
	cause = NULL;
	assert_int_equal(ledger_append(f->l, "reopen", 0, 0, 0, "{\"reason\":\"check bounced\"}",
	                               "c", &reopen, NULL),
	                 0);
	assert_int_equal(
	    ledger_annul(f->l, gift, "check bounced", "c", RULES_COORDINATOR, &need, NULL, NULL),
	    0);
	/* money after the reopen: the reopen cannot be undone (the count would be stale) */
	assert_int_equal(
	    ledger_annul(f->l, reopen, "x", "c", RULES_COORDINATOR, &need, NULL, &cause), -1);
	assert_non_null(strstr(cause, "close out again"));
	free(cause);
	cause = NULL;
	/* the close-out in force may be undone by the coordinator only (a reopen) */
	assert_int_equal(
	    ledger_append(f->l, "closeout", 0, 0, 0, CLOSEOUT_DATA, "c", &close_seq, NULL), 0);
	assert_int_equal(
	    ledger_annul(f->l, close_seq, "x", "volunteer", RULES_VOLUNTEER, &need, NULL, &cause),
	    -1);
	assert_int_equal(need, 1);
	free(cause);
	assert_int_equal(
	    ledger_annul(f->l, close_seq, "too early", "c", RULES_COORDINATOR, &need, NULL, NULL),
	    0);
	assert_int_equal(ledger_closed(f->l, NULL), 0);
}

/* The settings' parsers, as ledger_set and the kiosk's settings screen use
 * them: strict, with units, in range; nothing reaches the ledger otherwise. */
static void
test_setting_parse(void **state)
{
	static const struct {
		const char *in, *want; /* want NULL: refused */
	} lap[] = {
	    {"400", "400 m"},
	    {"400m", "400 m"},
	    {"0.4km", "0.4 km"},
	    {"0.25mi", "0.25 mi"},
	    {"0.25 mile", "0.25 mi"},
	    {"2 miles", "2 mi"},
	    {"1 KM", "1 km"},
	    {"100km", "100 km"},
	    {"0", "0 m"},
	    {"0.001km", "0.001 km"},
	    {" 400 ", "400 m"},
	    {"1.500", "1.5 m"},
	    {"1.250 mi", "1.25 mi"},
	    {"400.000m", "400 m"},
	    {"0.5", NULL},
	    {"1e308km", NULL},
	    {"inf", NULL},
	    {"nan", NULL},
	    {"99999999999999999999mi", NULL},
	    {"0x10", NULL},
	    {"-0", NULL},
	    {"+400", NULL},
	    {"1e3", NULL},
	    {"400mm", NULL},
	    {".5km", NULL},
	    {"400.", NULL},
	    {"0.0001km", NULL},
	    {"100.001km", NULL},
	    {"1000000", NULL},
	    {"4 00", NULL},
	    {"", NULL},
	};
	static const struct {
		const char *in;
		const char *why; /* NULL: accepted */
	} date[] = {
	    {"2026-11-24", NULL},           {"2000-01-01", NULL},
	    {"2099-12-31", NULL},           {"2028-02-29", NULL},
	    {"9999-12-31", "out of range"}, {"2100-01-01", "out of range"},
	    {"1999-12-31", "out of range"}, {"2027-02-29", "not a date"},
	    {"2026-13-01", "not a date"},   {"24/11/2026", "not a date"},
	    {"+026-11-24", "not a date"},   {"2026-11-4", "not a date"},
	};
	char *canon = NULL, *cause = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof lap / sizeof *lap; i++) {
		int rc = ledger_setting_parse("lap-length", lap[i].in, &canon, &cause);

		if (lap[i].want == NULL) {
			if (rc != -1)
				fail_msg("lap-length \"%s\" accepted as %s", lap[i].in, canon);
			assert_non_null(strstr(cause, "lap length"));
			free(cause);
			cause = NULL;
		} else {
			if (rc != 0)
				fail_msg("lap-length \"%s\" refused: %s", lap[i].in, cause);
			assert_string_equal(canon, lap[i].want);
			free(canon);
		}
	}
	for (i = 0; i < sizeof date / sizeof *date; i++) {
		int rc = ledger_setting_parse("date", date[i].in, &canon, &cause);

		if (date[i].why == NULL) {
			assert_int_equal(rc, 0);
			free(canon);
		} else {
			assert_int_equal(rc, -1);
			if (strstr(cause, date[i].why) == NULL)
				fail_msg("date %s: %s", date[i].in, cause);
			free(cause);
			cause = NULL;
		}
	}
	assert_int_equal(ledger_setting_parse("name", "Walk\x1b[31m", &canon, &cause), -1);
	assert_non_null(strstr(cause, "event name"));
	free(cause);
	assert_int_equal(ledger_setting_parse("walker-base", "-1", &canon, NULL), -1);
	assert_int_equal(ledger_setting_parse("walker-base", "100000", &canon, NULL), 0);
	free(canon);
	assert_int_equal(ledger_setting_parse("colour", "red", &canon, &cause), -1);
	assert_non_null(strstr(cause, "no setting"));
	free(cause);
}

/* The contents of a file, for byte-for-byte comparisons. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* The training ledger beside the day's: made from the day's event and
 * settings, with a tag, key and station of its own; the day's file is only
 * read; a real ledger at its path is refused. */
static void
test_training(void **state)
{
	struct fixture *f = *state;
	struct ledger *t = NULL, *t2 = NULL;
	struct ledger_event ev, tev;
	struct ledger_scan s;
	struct ledger_walker w;
	char *path = ledger_training_path(f->path), *cause = NULL, *before, *after;
	char code[BADGE_CODE_MAX], real[BADGE_CODE_MAX];
	size_t nb, na;
	uint32_t id;

	assert_non_null(strstr(path, "/station-training.db"));
	free(ledger_training_path("wat"));
	id = add(f, "Maria", NULL);
	assert_int_equal(ledger_badge_code(f->l, id, real, sizeof real, NULL), 0);
	assert_int_equal(ledger_set(f->l, "org-name", "Hard Places Community", "test", NULL), 0);
	reopen(f); /* the day's file as it stands, checkpointed */
	ledger_free(f->l);
	f->l = NULL;
	before = slurp(f->path, &nb);
	reopen(f);

	assert_int_equal(ledger_training_open(f->l, f->path, &t, &cause), 0);
	assert_int_equal(ledger_event(f->l, &ev), 0);
	assert_int_equal(ledger_event(t, &tev), 0);
	assert_false(ev.training);
	assert_true(tev.training);
	assert_string_equal(tev.station, "TRAIN-T1");
	assert_string_equal(tev.name, ev.name);
	assert_string_equal(tev.org_name, "Hard Places Community");
	assert_string_not_equal(tev.event_tag, ev.event_tag);
	/* practice: a trainee, a badge of its own, the day's badges refused */
	id = 0;
	assert_int_equal(ledger_walker_add(t, "Tess", NULL, NULL, NULL, NULL, "test", &id, NULL),
	                 0);
	assert_int_equal(ledger_badge_code(t, id, code, sizeof code, NULL), 0);
	assert_memory_equal(code, "T1-", 3);
	assert_int_equal(ledger_scan(t, code, strlen(code), -1, "t", &s, NULL), 0);
	assert_int_equal(s.badge, BADGE_OK);
	assert_int_equal(ledger_scan(t, real, strlen(real), -1, "t", &s, NULL), 0);
	assert_int_equal(s.badge, BADGE_REAL);
	assert_int_equal(s.seq, 0);
	/* and the day refuses the trainee's badge, recording nothing */
	assert_int_equal(ledger_scan(f->l, code, strlen(code), -1, "t", &s, NULL), 0);
	assert_int_equal(s.badge, BADGE_TRAINING);
	assert_int_equal(s.seq, 0);
	assert_non_null(strstr(s.message, "training"));
	/* training again: the same file, the practice kept */
	ledger_free(t);
	t = NULL;
	assert_int_equal(ledger_training_open(f->l, f->path, &t2, &cause), 0);
	assert_int_equal(ledger_walker_get(t2, id, &w, NULL), 0);
	assert_string_equal(w.name, "Tess");
	ledger_walker_clear(&w);
	assert_int_equal(ledger_training_open(t2, path, &t, &cause), -1); /* not from training */
	free(cause);
	cause = NULL;
	ledger_free(t2);
	ledger_free(f->l);
	f->l = NULL;
	after = slurp(f->path, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(after, before, nb);
	free(after);
	free(before);
	reopen(f);

	/* a real ledger at the training path is never taken for practice */
	unlink(path);
	{
		struct ledger *r = NULL;
		struct ledger_init in = {"Other", "Jackson", "2026-11-24", "T9", 0, NULL};
		assert_int_equal(ledger_open(path, &r, NULL), 0);
		assert_int_equal(ledger_init_event(r, &in, "test", NULL), 0);
		ledger_free(r);
	}
	assert_int_equal(ledger_training_open(f->l, f->path, &t, &cause), -1);
	assert_non_null(strstr(cause, "not a training one"));
	assert_null(t);
	free(cause);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_durability_settings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lap_with_checkin_not_flagged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_manual_lap_too_soon, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_counted_laps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_second_open_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chain_detects_edits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_detects_stale_figures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rebuild_refuses_bad_annulment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migration_from_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_ledger, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scan_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lap_point_sees_unknown_walker, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forged_and_foreign_codes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_donations_and_annulments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_annul_lap_and_checkin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_manual_entries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_settings_and_annul, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roster_import_twice, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_annul_registration, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clock_doubt, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_init_validation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_closed_refuses_donations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_who_may_undo_money, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_training, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roster_preview_and_waiver, setup, teardown),
	    cmocka_unit_test(test_setting_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
