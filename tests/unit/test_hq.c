/* Unit tests for hq.c's own records: HQ's hash-chained decision log (a line
 * changed, removed or put in is found and named), the event key ids HQ
 * accepts, and a database of a newer schema refused untouched.  Bundles
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_log_chain),
	    cmocka_unit_test(test_newer_schema),
	    cmocka_unit_test(test_staff_accounts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
