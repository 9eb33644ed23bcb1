/* Unit tests for hq.c's own records: HQ's hash-chained decision log (a line
 * changed, removed or put in is found and named), the event key ids HQ
 * accepts, a database of a newer schema refused untouched, and pledge
 * payments by mail against statements, stations counted from a backup
 * copy (the report, a distrusted event).  Bundles
 * merged, held, accepted and revoked: tests/e2e/hq.bats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tmpdir.h"

#include "hq.h"
#include "util.h"

static char tmpdir[] = "/tmp/wat-test-hq-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(tmpdir);
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(tmpdir);
}

static void
raw(const char *db, const char *sql)
{
	sqlite3 *s = NULL;

	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	if (sqlite3_exec(s, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(s));
	sqlite3_close(s);
}

/* Three decisions, then the file edited three ways behind watctl's back. */
static void
test_log_chain(void **state)
{
	char *db = xasprintf("%s/log.db", tmpdir), *cause = NULL, *msg = NULL, *text = NULL;
	struct hq *h = NULL;
	int intact = 0;

	(void)state;
	assert_int_equal(hq_open(db, &h, &cause), 0);
	assert_int_equal(hq_accept_event(h, "8C1E0A7F3B2D4411", "on the sheet", &msg, &cause), 0);
	free(msg);
	assert_int_equal(hq_distrust(h, "2026-jackson-ms", "stick lost", &msg, &cause), 0);
	assert_non_null(strstr(msg, "0 station(s)"));
	free(msg);
	assert_int_equal(hq_distrust(h, "K7QF", "charter lost", &msg, &cause), 0);
	free(msg);
	/* a key id is 16 hex digits as on the sheet */
	assert_int_equal(hq_accept_event(h, "8c1e0a7f", "typo", &msg, &cause), -1);
	assert_non_null(strstr(cause, "16 digits"));
	free(cause);
	cause = NULL;
	assert_int_equal(hq_log(h, &text, &intact, &cause), 0);
	assert_int_equal(intact, 1);
	assert_non_null(strstr(text, "accept-event"));
	assert_non_null(strstr(text, "distrust"));
	assert_non_null(strstr(text, "3 decisions, hash chain intact"));
	free(text);
	hq_free(h);

	/* the triggers refuse an edit through sqlite ... */
	{
		sqlite3 *s = NULL;
		assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
		assert_int_not_equal(
		    sqlite3_exec(s, "UPDATE log SET reason = 'x' WHERE seq = 2", NULL, NULL, NULL),
		    SQLITE_OK);
		assert_int_not_equal(
		    sqlite3_exec(s, "DELETE FROM log WHERE seq = 3", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(s);
	}
	/* ... and with them dropped, the chain names the first decision changed */
	raw(db, "DROP TRIGGER log_no_update; UPDATE log SET reason = 'x' WHERE seq = 2");
	assert_int_equal(hq_open(db, &h, &cause), 0);
	assert_int_equal(hq_log(h, &text, &intact, &cause), 0);
	assert_int_equal(intact, 0);
	assert_non_null(strstr(text, "decision 2 was changed"));
	free(text);
	hq_free(h);
	/* a decision removed (hq_open made the triggers again) */
	raw(db, "DROP TRIGGER log_no_update; UPDATE log SET reason = 'stick lost' WHERE seq = 2");
	raw(db, "DROP TRIGGER log_no_delete; DELETE FROM log WHERE seq = 2");
	assert_int_equal(hq_open(db, &h, &cause), 0);
	assert_int_equal(hq_log(h, &text, &intact, &cause), 0);
	assert_int_equal(intact, 0);
	assert_non_null(strstr(text, "decision 2 was changed"));
	free(text);
	hq_free(h);
	free(db);
}

/* Staff accounts kept by an admin: disabled ones cannot sign in, a reset
 * changes the hash, an unknown name is 1; each change in the log. */
static void
test_staff_accounts(void **state)
{
	char *db = xasprintf("%s/staff.db", tmpdir), *cause = NULL, *hash = NULL, *text = NULL;
	struct hq_staff_row *rows = NULL;
	struct hq_dash d;
	struct hq *h = NULL;
	size_t n = 0;
	int admin = -1, intact = 0;

	(void)state;
	assert_int_equal(hq_open(db, &h, &cause), 0);
	assert_int_equal(hq_staff_add(h, "bea", "$argon2id$one", 1, "watctl", &cause), 0);
	assert_int_equal(hq_staff_add(h, "cal", "$argon2id$two", 0, "bea", &cause), 0);
	assert_int_equal(hq_staff_list(h, &rows, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[1].name, "cal");
	assert_int_equal(rows[1].admin, 0);
	assert_int_equal(rows[1].disabled, 0);
	free(rows);
	assert_int_equal(hq_staff_disable(h, "cal", 1, "bea", &cause), 0);
	assert_int_equal(hq_staff_get(h, "cal", &hash, &admin, &cause), 1);
	assert_null(hash);
	assert_int_equal(hq_staff_disable(h, "cal", 0, "bea", &cause), 0);
	assert_int_equal(hq_staff_reset(h, "cal", "$argon2id$three", "bea", &cause), 0);
	assert_int_equal(hq_staff_get(h, "cal", &hash, &admin, &cause), 0);
	assert_string_equal(hash, "$argon2id$three");
	free(hash);
	assert_int_equal(hq_staff_disable(h, "nobody", 1, "bea", &cause), 1);
	assert_int_equal(hq_staff_reset(h, "nobody", "$x", "bea", &cause), 1);
	assert_int_equal(hq_log(h, &text, &intact, &cause), 0);
	assert_int_equal(intact, 1);
	assert_non_null(strstr(text, "staff-disable"));
	assert_non_null(strstr(text, "staff-enable"));
	assert_non_null(strstr(text, "staff-reset"));
	assert_null(strstr(text, "nobody"));
	free(text);
	/* an HQ with nothing merged: an empty dashboard */
	assert_int_equal(hq_dash_read(h, &d, &cause), 0);
	assert_int_equal(d.nrows, 0);
	assert_int_equal(d.ncloseouts, 0);
	assert_int_equal(d.nevents, 0);
	assert_int_equal(d.national.total_cents, 0);
	hq_dash_free(&d);
	hq_free(h);
	free(db);
}

static void
test_newer_schema(void **state)
{
	char *db = xasprintf("%s/new.db", tmpdir), *cause = NULL, *msg = NULL;
	struct hq *h = NULL;

	(void)state;
	assert_int_equal(hq_open(db, &h, &cause), 0);
	assert_int_equal(hq_accept_event(h, "8C1E0A7F3B2D4411", "on the sheet", &msg, &cause), 0);
	free(msg);
	hq_free(h);
	raw(db, "PRAGMA user_version = 99");
	assert_int_equal(hq_open(db, &h, &cause), -1);
	assert_non_null(strstr(cause, "newer version"));
	free(cause);
	free(db);
}

/* Pledge payments by mail (hq_pay) against two stations' pledges put in
 * the file as merges leave them: one flat pledge held at both stations
 * (the same external id: one pledge), and two of one sponsor at T1. */
static void
test_pay(void **state)
{
	char *db = xasprintf("%s/pay.db", tmpdir), *cause = NULL, *text = NULL;
	struct hq_pay_result res;
	struct hq_pledge_row *rows = NULL;
	struct hq_payment_row *pays = NULL;
	struct hq *h = NULL;
	size_t n = 0, i;
	int intact = 0;

	(void)state;
	assert_int_equal(hq_open(db, &h, &cause), 0);
	hq_free(h);
	raw(db,
	    "INSERT INTO stations(identity, event_tag, station, event_name, city, date, "
	    "key_id, public_key, last_seq, head, last_export, bundle, state, vouched) VALUES "
	    "('aa11bb22cc', 'EV1', 'T1', 'Walk', 'Jackson, MS', '2026-05-02', 'K', 'P', 9, x'00', "
	    "1, 1, 'counted', 0), "
	    "('dd33ee44ff', 'EV1', 'T2', 'Walk', 'Jackson, MS', '2026-05-02', 'K', 'P', 9, x'00', "
	    "1, 2, 'counted', 0), "
	    "('0011223344', 'EV2', 'T1', 'Walk', 'Tupelo, MS', '2026-05-02', 'K', 'P', 9, x'00', "
	    "1, 3, 'held', 0);"
	    "INSERT INTO pledges(identity, seq, ext_id, walker, walker_name, sponsor, kind, rate, "
	    "max, online, paid_here, in_force, laps, billed, owed, final) VALUES "
	    "('aa11bb22cc', 5, '', 1, 'Ann', 'Bo', 'flat', 4000, 0, 0, 0, 1, 0, 0, 4000, 1), "
	    "('aa11bb22cc', 6, '', 1, 'Ann', 'Bo', 'flat', 1000, 0, 0, 0, 1, 0, 0, 1000, 1), "
	    "('aa11bb22cc', 7, 'WEB-1', 2, 'Cy', 'Di', 'flat', 2500, 0, 500, 0, 1, 0, 0, 2500, 1), "
	    "('dd33ee44ff', 3, 'WEB-1', 2, 'Cy', 'Di', 'flat', 2500, 0, 500, 0, 1, 0, 0, 2500, 1), "
	    "('0011223344', 2, '', 1, 'Ed', 'Fay', 'flat', 900, 0, 0, 0, 1, 0, 0, 900, 1);");
	assert_int_equal(hq_open(db, &h, &cause), 0);
	/* refused in words, nothing recorded */
	assert_int_equal(hq_pay(h, "S:T1:5:0:5000", 100, "cash", NULL, "bea", &res, &cause), 1);
	assert_non_null(strstr(res.message, "is not a statement number"));
	assert_int_equal(
	    hq_pay(h, "S:T1:5:0:5000:AA11BB23", 100, "cash", NULL, "bea", &res, &cause), 1);
	assert_non_null(strstr(res.message, "HQ does not know statement"));
	assert_int_equal(hq_pay(h, "S:T1:2:0:900:00112233", 100, "cash", NULL, "bea", &res, &cause),
	                 1);
	assert_non_null(strstr(res.message, "does not count (held or refused)"));
	assert_int_equal(hq_pay(h, "S:T1:9:0:900:AA11BB22", 100, "cash", NULL, "bea", &res, &cause),
	                 1);
	assert_non_null(strstr(res.message, "names pledge 9"));
	assert_int_equal(hq_pay(h, "S:T1:5:0:5000:AA11BB22", 100, "check", "", "bea", &res, &cause),
	                 1);
	assert_int_equal(
	    hq_pay(h, "S:T1:5:0:5000:AA11BB22", 100, "barter", NULL, "bea", &res, &cause), 1);
	assert_int_equal(hq_pay(h, "S:T1:5:0:5000:AA11BB22", 0, "cash", NULL, "bea", &res, &cause),
	                 1);
	/* $45 of Bo's $50: the first pledge whole, $5 of the second */
	assert_int_equal(
	    hq_pay(h, " s:t1:5:0:5000:aa11bb22 ", 4500, "check", "1201", "bea", &res, &cause), 0);
	assert_int_equal(res.id, 1);
	assert_int_equal(res.applied, 4500);
	assert_int_equal(res.gift, 0);
	assert_int_equal(res.still_before, 5000);
	assert_int_equal(res.still_after, 500);
	/* $20 more: $5 to the pledges, $15 a gift */
	assert_int_equal(
	    hq_pay(h, "S:T1:5:0:5000:AA11BB22", 2000, "cash", NULL, "bea", &res, &cause), 0);
	assert_int_equal(res.applied, 500);
	assert_int_equal(res.gift, 1500);
	assert_non_null(strstr(res.message, "$15.00 more than owed is shown as a gift"));
	assert_non_null(strstr(res.message, "The statement said $50.00 still owed"));
	assert_int_equal(
	    hq_pay(h, "S:T1:5:0:5000:AA11BB22", 100, "cash", NULL, "bea", &res, &cause), 1);
	assert_non_null(strstr(res.message, "is already paid"));
	/* Di's pledge, held at both stations, paid $5 online: one pledge, $20
	 * still owed, whichever station's statement is paid */
	assert_int_equal(
	    hq_pay(h, "S:T2:3:0:2000:DD33EE44", 2000, "card", NULL, "cal", &res, &cause), 0);
	assert_int_equal(res.still_before, 2000);
	assert_int_equal(res.still_after, 0);
	assert_int_equal(
	    hq_pay(h, "S:T1:7:0:2000:AA11BB22", 100, "cash", NULL, "cal", &res, &cause), 1);
	/* the table: one station row each (Di's pledge at T1, the first), the
	 * event, the city; Tupelo's held station is not counted */
	assert_int_equal(hq_pledge_rows(h, &rows, &n, &cause), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rows[0].level, 0);
	assert_string_equal(rows[0].station, "T1");
	assert_int_equal(rows[0].pledges, 3);
	assert_int_equal(rows[0].pledged, 7500);
	assert_int_equal(rows[0].collected, 7500);
	assert_int_equal(rows[0].at_hq, 7000);
	assert_int_equal(rows[0].still, 0);
	assert_int_equal(rows[0].gifts, 1500);
	assert_string_equal(rows[1].station, "T2");
	assert_int_equal(rows[1].pledges, 0);
	assert_int_equal(rows[2].level, 1);
	assert_int_equal(rows[3].level, 2);
	assert_int_equal(rows[4].level, 3);
	for (i = 2; i < 5; i++) {
		assert_int_equal(rows[i].pledges, 3);
		assert_int_equal(rows[i].still, 0);
		assert_int_equal(rows[i].gifts, 1500);
	}
	free(rows);
	assert_int_equal(hq_payment_list(h, 2, &pays, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pays[0].id, 3);
	assert_string_equal(pays[1].check_no, "");
	assert_string_equal(pays[1].by, "bea");
	free(pays);
	assert_int_equal(hq_report(h, &text, &cause), 0);
	assert_non_null(strstr(text, "payments by mail at HQ: 3, $85.00 ($70.00 toward pledges, "
	                             "in paid above; $15.00 beyond them: gifts)"));
	free(text);
	assert_int_equal(hq_log(h, &text, &intact, &cause), 0);
	assert_int_equal(intact, 1);
	assert_non_null(strstr(text, "pledge-payment"));
	free(text);
	hq_free(h);
	/* never changed nor deleted */
	{
		sqlite3 *s = NULL;
		assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
		assert_int_not_equal(
		    sqlite3_exec(s, "UPDATE payments SET cents = 1", NULL, NULL, NULL), SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(s, "DELETE FROM payments", NULL, NULL, NULL),
		                     SQLITE_OK);
		sqlite3_close(s);
	}
	free(db);
}

/* An HQ database holding table T1's own bundle (its stations row) and lap
 * point T2 counted from the backup copy T1's bundle carried (a copies row,
 * its figures): as merge leaves them (tests/e2e/hq.bats makes them from real
 * bundles). */
static char *
copies_db(const char *name)
{
	char *db = xasprintf("%s/%s", tmpdir, name), *cause = NULL;
	struct hq *h = NULL;

	assert_int_equal(hq_open(db, &h, &cause), 0);
	hq_free(h);
	raw(db, "INSERT INTO stations(identity, event_tag, station, event_name, city, date, "
	        "key_id, public_key, last_seq, head, last_export, bundle, state, vouched, event, "
	        "event_key, serial) VALUES ('aa', 'PWAK', 'T1', 'Walk Against Traffick', "
	        "'Jackson, MS', '2026-05-02', 'K1', 'P1', 11, x'00', 1, 1, 'counted', 0, "
	        "'2026-jackson-ms', '8C1E0A7F3B2D4411', 1);"
	        "INSERT INTO figures VALUES ('aa', 'PWAK', 'T1', 2, 0, 1, 0, 0, 3, 1, 10000, "
	        "9900, 3000, 0);"
	        "INSERT INTO figures VALUES ('bb', 'PWAK', 'T2', 0, 0, 4, 0, 0, 2, 1, 500, 1200, "
	        "0, 0);"
	        "INSERT INTO copies VALUES ('bb', 'PWAK', 'T2', '2026-jackson-ms', "
	        "'8C1E0A7F3B2D4411', 'aa', 'T1', 1, 14, 1777730587000, 500, 1200, 1);");
	return db;
}

/* A station counted from a copy: in the totals once, the report naming where
 * its figures come from and the money it holds; its own bundle takes over
 * the line; a distrusted event drops the copy with its stations. */
static void
test_copies(void **state)
{
	char *db = copies_db("copies.db"), *cause = NULL, *text = NULL, *msg = NULL;
	struct hq *h = NULL;
	struct hq_totals t;

	(void)state;
	assert_int_equal(hq_open(db, &h, &cause), 0);
	assert_int_equal(hq_totals(h, "PWAK", &t, &cause), 0);
	assert_int_equal(t.stations, 2);
	assert_int_equal(t.laps, 5);
	assert_int_equal(t.total_cents, 22900 + 1700);
	assert_int_equal(hq_report(h, &text, &cause), 0);
	assert_non_null(strstr(text, "station T2 (copy, 14 entries)"));
	assert_non_null(strstr(text, "Station T2: from station T1's backup copy, up to "
	                             "2026-05-02 14:03:07 UTC; its own bundle not received"));
	assert_non_null(strstr(text, "Money held at station T2 (counted from the copy): cash "
	                             "$5.00, checks $12.00 (1): chase its envelope"));
	free(text);
	hq_free(h);
	/* T2's own bundle counted (its stations row): its line, no copy's */
	raw(db, "INSERT INTO stations(identity, event_tag, station, event_name, city, date, "
	        "key_id, public_key, last_seq, head, last_export, bundle, state, vouched) VALUES "
	        "('bb', 'PWAK', 'T2', 'Walk Against Traffick', 'Jackson, MS', '2026-05-02', "
	        "'K2', 'P2', 14, x'00', 1, 2, 'counted', 0)");
	assert_int_equal(hq_open(db, &h, &cause), 0);
	assert_int_equal(hq_report(h, &text, &cause), 0);
	assert_null(strstr(text, "backup copy"));
	assert_non_null(strstr(text, "station T2 (export 1, 14 entries)"));
	free(text);
	assert_int_equal(hq_totals(h, "PWAK", &t, &cause), 0);
	assert_int_equal(t.total_cents, 22900 + 1700);
	hq_free(h);
	free(db);

	/* distrusted while T2 counts from the copy: both out of the totals */
	db = copies_db("copies-distrust.db");
	assert_int_equal(hq_open(db, &h, &cause), 0);
	assert_int_equal(hq_distrust(h, "2026-jackson-ms", "pack lost", &msg, &cause), 0);
	free(msg);
	assert_int_equal(hq_totals(h, NULL, &t, &cause), 0);
	assert_int_equal(t.stations, 0);
	assert_int_equal(t.total_cents, 0);
	assert_int_equal(hq_report(h, &text, &cause), 0);
	assert_null(strstr(text, "backup copy"));
	free(text);
	hq_free(h);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_log_chain),      cmocka_unit_test(test_newer_schema),
	    cmocka_unit_test(test_staff_accounts), cmocka_unit_test(test_pay),
	    cmocka_unit_test(test_copies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
