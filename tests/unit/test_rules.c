/* test_rules.c — what a scan means, donation checks, clock doubts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"

#define BOOT_A "6f1c2f8e-4c1a-4b8e-9d7e-2a1b3c4d5e6f"
#define BOOT_B "0b9a8c7d-1e2f-4a3b-8c5d-6e7f8a9b0c1d"
#define T0     1777730400000LL /* 2026-05-02 14:00:00 UTC */

static struct stamp
at(const char *boot, int64_t mono_ms, int64_t wall_ms)
{
	struct stamp st;

	memset(&st, 0, sizeof st);
	st.mono_ms = mono_ms;
	st.wall_ms = wall_ms;
	snprintf(st.boot, sizeof st.boot, "%s", boot);
	return st;
}

/* Same boot, both clocks moving together. */
static struct stamp
at_a(int64_t ms)
{
	return at(BOOT_A, 100000 + ms, T0 + ms);
}

static struct rules_walker
walker_new(void)
{
	struct rules_walker w;

	memset(&w, 0, sizeof w);
	return w;
}

/* Checked in at time 0 on this station, no laps yet. */
static struct rules_walker
walker_checked_in(void)
{
	struct rules_walker w = walker_new();

	w.checked_in = 1;
	w.has_last_scan = 1;
	w.last_scan = at_a(0);
	return w;
}

/* Checked in, n laps, the last one at time 0. */
static struct rules_walker
walker_lapped(int64_t n)
{
	struct rules_walker w = walker_checked_in();

	w.laps = n;
	w.has_last_lap = 1;
	w.last_lap = at_a(0);
	return w;
}

static struct rules_verdict
scan(const struct rules_walker *w, enum rules_role role, struct stamp now)
{
	struct rules_settings s;
	struct rules_verdict v;

	rules_settings_default(&s);
	memset(&v, 0x5a, sizeof v);
	rules_scan(&s, w, role, &now, &v);
	return v;
}

static void
expect_nothing_recorded(const struct rules_verdict *v)
{
	/* a lap too soon is recorded, flagged, for the coordinator's review */
	if (v->outcome == RULES_LAP_TOO_SOON) {
		assert_int_equal(v->record_lap, 1);
		assert_int_equal(v->flagged, 1);
		return;
	}
	assert_int_equal(v->record_checkin, 0);
	assert_int_equal(v->record_lap, 0);
}

/* A lap by hand: the shortest lap as for a scan (no hold-off), refused
 * unless a coordinator overrides, which the verdict says. */
static void
test_by_hand(void **state)
{
	struct rules_settings s;
	struct rules_walker w;
	struct rules_verdict v;
	struct stamp now = {.wall_ms = 1000000, .mono_ms = 1000000, .boot = "a"};

	(void)state;
	rules_settings_default(&s);
	memset(&w, 0, sizeof w);
	rules_by_hand(&s, &w, 1, 0, &now, &v); /* nothing to time from */
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.record_checkin, 1);
	assert_int_equal(v.record_lap, 1);
	w.checked_in = 1;
	w.laps = 1;
	w.has_last_lap = 1;
	w.last_lap = now;
	now.mono_ms += 3000; /* within the hold-off: still only the shortest lap */
	now.wall_ms += 3000;
	rules_by_hand(&s, &w, 1, 0, &now, &v);
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	assert_int_equal(v.record_lap, 0);
	assert_int_equal(v.since_ms, 3000);
	rules_by_hand(&s, &w, 1, 1, &now, &v);
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.record_lap, 1);
	assert_int_equal(v.override, 1);
	assert_int_equal(v.lap_number, 2);
	now.mono_ms += 60000;
	now.wall_ms += 60000;
	rules_by_hand(&s, &w, 1, 1, &now, &v); /* long enough: no override needed */
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.override, 0);
	rules_by_hand(&s, &w, 0, 0, &now, &v);
	assert_int_equal(v.outcome, RULES_WELCOME_BACK);
	assert_int_equal(v.record_lap + v.record_checkin, 0);
}

static void
test_defaults(void **state)
{
	struct rules_settings s;

	rules_settings_default(&s);
	assert_int_equal(s.min_lap_ms, 60000);
	assert_int_equal(s.holdoff_ms, 5000);
	assert_int_equal(s.max_donation_cents, 1000000);
}

static void
test_welcome(void **state)
{
	struct rules_walker w = walker_new();
	struct rules_verdict v;

	v = scan(&w, RULES_ROLE_WELCOME, at_a(0));
	assert_int_equal(v.outcome, RULES_CHECKIN);
	assert_int_equal(v.record_checkin, 1);
	assert_int_equal(v.record_lap, 0);

	w = walker_checked_in();
	v = scan(&w, RULES_ROLE_WELCOME, at_a(4999));
	assert_int_equal(v.outcome, RULES_ALREADY_COUNTED);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_WELCOME, at_a(5000));
	assert_int_equal(v.outcome, RULES_WELCOME_BACK);
	assert_int_equal(v.since_ms, 5000);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_WELCOME, at_a(3600000));
	assert_int_equal(v.outcome, RULES_WELCOME_BACK);
	expect_nothing_recorded(&v);

	/* Checked in, laps done elsewhere on this ledger: still only welcomed. */
	w = walker_lapped(3);
	v = scan(&w, RULES_ROLE_WELCOME, at_a(120000));
	assert_int_equal(v.outcome, RULES_WELCOME_BACK);
	expect_nothing_recorded(&v);

	/* Checked in but no stamp known (imported): welcome back. */
	w = walker_new();
	w.checked_in = 1;
	v = scan(&w, RULES_ROLE_WELCOME, at_a(0));
	assert_int_equal(v.outcome, RULES_WELCOME_BACK);
	assert_int_equal(v.since_ms, -1);
	expect_nothing_recorded(&v);
}

static void
test_lap_first_scan(void **state)
{
	struct rules_walker w = walker_new();
	struct rules_verdict v;

	/* Never seen at this station: the lap counts and checks the walker in. */
	v = scan(&w, RULES_ROLE_LAP, at_a(0));
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.record_lap, 1);
	assert_int_equal(v.record_checkin, 1);
	assert_int_equal(v.lap_number, 1);
	assert_int_equal(v.since_ms, -1);

	/* Checked in (by another entry) without a stamp: no check-in again. */
	w.checked_in = 1;
	v = scan(&w, RULES_ROLE_LAP, at_a(0));
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.record_checkin, 0);
	assert_int_equal(v.record_lap, 1);
}

/* The first lap is timed from the check-in on this station. */
static void
test_lap_from_checkin(void **state)
{
	struct rules_walker w = walker_checked_in();
	struct rules_verdict v;

	v = scan(&w, RULES_ROLE_LAP, at_a(4999));
	assert_int_equal(v.outcome, RULES_ALREADY_COUNTED);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_LAP, at_a(30000));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	assert_int_equal(v.since_ms, 30000);
	assert_int_equal(v.lap_number, 1);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_LAP, at_a(59999));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	v = scan(&w, RULES_ROLE_LAP, at_a(60000));
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.record_lap, 1);
	assert_int_equal(v.record_checkin, 0);
	assert_int_equal(v.lap_number, 1);
	assert_int_equal(v.since_ms, 60000);
}

static void
test_lap_boundaries(void **state)
{
	struct rules_walker w = walker_lapped(6);
	struct rules_verdict v;

	v = scan(&w, RULES_ROLE_LAP, at_a(0));
	assert_int_equal(v.outcome, RULES_ALREADY_COUNTED);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_LAP, at_a(4999));
	assert_int_equal(v.outcome, RULES_ALREADY_COUNTED);
	assert_int_equal(v.since_ms, 4999);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_LAP, at_a(5000));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	assert_int_equal(v.since_ms, 5000);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_LAP, at_a(59999));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	assert_int_equal(v.since_ms, 59999);
	v = scan(&w, RULES_ROLE_LAP, at_a(60000));
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.record_lap, 1);
	assert_int_equal(v.record_checkin, 0);
	assert_int_equal(v.lap_number, 7);
	assert_int_equal(v.since_ms, 60000);

	/* The last lap decides, not an older check-in. */
	w.last_scan = at_a(-600000);
	v = scan(&w, RULES_ROLE_LAP, at_a(30000));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
}

static void
test_custom_settings(void **state)
{
	struct rules_settings s;
	struct rules_walker w = walker_lapped(1);
	struct rules_verdict v;
	struct stamp now = at_a(1000);

	rules_settings_default(&s);
	s.min_lap_ms = 0;
	s.holdoff_ms = 0;
	rules_scan(&s, &w, RULES_ROLE_LAP, &now, &v);
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.lap_number, 2);

	s.min_lap_ms = 300000;
	s.holdoff_ms = 2000;
	now = at_a(1999);
	rules_scan(&s, &w, RULES_ROLE_LAP, &now, &v);
	assert_int_equal(v.outcome, RULES_ALREADY_COUNTED);
	now = at_a(299999);
	rules_scan(&s, &w, RULES_ROLE_LAP, &now, &v);
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	now = at_a(300000);
	rules_scan(&s, &w, RULES_ROLE_LAP, &now, &v);
	assert_int_equal(v.outcome, RULES_LAP);
}

static void
test_both(void **state)
{
	struct rules_walker w = walker_new();
	struct rules_verdict v;

	v = scan(&w, RULES_ROLE_BOTH, at_a(0));
	assert_int_equal(v.outcome, RULES_CHECKIN);
	assert_int_equal(v.record_checkin, 1);
	assert_int_equal(v.record_lap, 0);

	w = walker_checked_in();
	v = scan(&w, RULES_ROLE_BOTH, at_a(1000));
	assert_int_equal(v.outcome, RULES_ALREADY_COUNTED);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_BOTH, at_a(20000));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	expect_nothing_recorded(&v);
	v = scan(&w, RULES_ROLE_BOTH, at_a(60000));
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.record_lap, 1);
	assert_int_equal(v.record_checkin, 0);
	assert_int_equal(v.lap_number, 1);

	w = walker_lapped(2);
	v = scan(&w, RULES_ROLE_BOTH, at_a(61000));
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.lap_number, 3);
}

/* Across a reboot the monotonic clocks mean nothing: the wall clocks decide. */
static void
test_across_boots(void **state)
{
	struct rules_walker w = walker_lapped(4);
	struct rules_verdict v;

	/* Monotonic says hours, wall says 30 s: too soon. */
	v = scan(&w, RULES_ROLE_LAP, at(BOOT_B, 100000 + 36000000, T0 + 30000));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	assert_int_equal(v.since_ms, 30000);
	/* Monotonic says 1 s (new boot starts low), wall says 2 min: a lap. */
	v = scan(&w, RULES_ROLE_LAP, at(BOOT_B, 1000, T0 + 120000));
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.lap_number, 5);
	assert_int_equal(v.since_ms, 120000);
	/* Hold-off across boots by the wall clock too. */
	v = scan(&w, RULES_ROLE_LAP, at(BOOT_B, 50, T0 + 3000));
	assert_int_equal(v.outcome, RULES_ALREADY_COUNTED);
	/* Unknown boot ids are never "the same boot". */
	w.last_lap = at("", 100000, T0);
	w.last_scan = w.last_lap;
	v = scan(&w, RULES_ROLE_LAP, at("", 100000 + 600000, T0 + 10000));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	assert_int_equal(v.since_ms, 10000);
}

/* A clock that went backwards never stops a walker. */
static void
test_wrong_clock(void **state)
{
	struct rules_walker w = walker_lapped(4);
	struct rules_verdict v;

	/* After a reboot the Pi thinks it is 1970. */
	v = scan(&w, RULES_ROLE_LAP, at(BOOT_B, 2000, 5000));
	assert_int_equal(v.outcome, RULES_LAP);
	assert_int_equal(v.record_lap, 1);
	assert_int_equal(v.lap_number, 5);
	assert_int_equal(v.since_ms, -1);
	/* Also within the hold-off "window" of a negative interval. */
	v = scan(&w, RULES_ROLE_LAP, at(BOOT_B, 2000, T0 - 1));
	assert_int_equal(v.outcome, RULES_LAP);
	v = scan(&w, RULES_ROLE_WELCOME, at(BOOT_B, 2000, T0 - 1));
	assert_int_equal(v.outcome, RULES_WELCOME_BACK);

	/* Same boot, wall clock set back by an hour: the monotonic clock rules. */
	v = scan(&w, RULES_ROLE_LAP, at(BOOT_A, 100000 + 30000, T0 - 3600000));
	assert_int_equal(v.outcome, RULES_LAP_TOO_SOON);
	v = scan(&w, RULES_ROLE_LAP, at(BOOT_A, 100000 + 90000, T0 - 3600000));
	assert_int_equal(v.outcome, RULES_LAP);

	/* A damaged record (monotonic going back in one boot) is not a refusal. */
	v = scan(&w, RULES_ROLE_LAP, at(BOOT_A, 50000, T0 + 10));
	assert_int_equal(v.outcome, RULES_LAP);
}

static void
expect_text(const struct rules_settings *s, enum rules_outcome o, int64_t since, int64_t lap,
            const char *name, const char *want)
{
	struct rules_verdict v;
	char *text;

	memset(&v, 0, sizeof v);
	v.outcome = o;
	v.since_ms = since;
	v.lap_number = lap;
	v.from_checkin = lap == 1; /* these cases: a first lap is timed from the check-in */
	text = s != NULL ? rules_describe_limit(s, &v, name) : rules_describe(&v, name);
	assert_string_equal(text, want);
	free(text);
}

static void
test_describe(void **state)
{
	struct rules_settings s;

	rules_settings_default(&s);
	expect_text(NULL, RULES_CHECKIN, -1, 0, "Maria", "Welcome, Maria!");
	expect_text(NULL, RULES_CHECKIN, -1, 0, NULL, "Welcome!");
	expect_text(NULL, RULES_CHECKIN, -1, 0, "", "Welcome!");
	expect_text(NULL, RULES_WELCOME_BACK, 9000, 0, "Maria", "Welcome back, Maria.");
	expect_text(NULL, RULES_WELCOME_BACK, 9000, 0, NULL, "Welcome back.");
	expect_text(NULL, RULES_LAP, 70000, 7, "Maria", "Maria \xe2\x80\x94 lap 7");
	expect_text(NULL, RULES_LAP, 70000, 7, NULL, "Lap 7");
	expect_text(NULL, RULES_ALREADY_COUNTED, 1000, 0, "Maria", "Already counted.");
	expect_text(NULL, RULES_LAP_TOO_SOON, 40000, 7, "Maria",
	            "Lap too soon: the last lap was 40 s ago.");
	expect_text(&s, RULES_LAP_TOO_SOON, 40999, 7, "Maria",
	            "Lap too soon: the last lap was 40 s ago. Laps need at least 60 s.");
	expect_text(&s, RULES_LAP_TOO_SOON, 12000, 1, "Maria",
	            "Lap too soon: the check-in was 12 s ago. Laps need at least 60 s.");
	expect_text(&s, RULES_LAP, 70000, 2, "Maria", "Maria \xe2\x80\x94 lap 2");
	{
		/* a scan too soon is recorded flagged: the words say so */
		struct rules_verdict v = {.outcome = RULES_LAP_TOO_SOON,
		                          .since_ms = 30000,
		                          .lap_number = 4,
		                          .flagged = 1};
		char *text = rules_describe_limit(&s, &v, "Maria");
		assert_string_equal(text,
		                    "Lap too soon: the last lap was 30 s ago. Laps need at "
		                    "least 60 s. It is recorded for a coordinator to review.");
		free(text);
	}
	/* Elapsed rounds down, the limit up: never "59 s ago, need 59 s". */
	s.min_lap_ms = 59500;
	expect_text(&s, RULES_LAP_TOO_SOON, 59400, 3, NULL,
	            "Lap too soon: the last lap was 59 s ago. Laps need at least 60 s.");
	s.min_lap_ms = 300000;
	expect_text(&s, RULES_LAP_TOO_SOON, 130000, 3, NULL,
	            "Lap too soon: the last lap was 2 min 10 s ago. Laps need at least 5 min.");
}

static void
expect_donation_refused(const struct rules_settings *s, int64_t cents, enum rules_method m,
                        const char *check_no, const char *part)
{
	char *cause = NULL;

	assert_int_equal(rules_donation(s, cents, m, check_no, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, part) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, part);
	free(cause);
	assert_int_equal(rules_donation(s, cents, m, check_no, NULL), -1);
}

static void
test_donation(void **state)
{
	struct rules_settings s;
	char *cause = NULL;

	rules_settings_default(&s);
	assert_int_equal(rules_donation(&s, 1, RULES_CASH, NULL, &cause), 0);
	assert_null(cause);
	assert_int_equal(rules_donation(&s, 1000000, RULES_CASH, NULL, &cause), 0);
	assert_int_equal(rules_donation(&s, 2500, RULES_OTHER, "ignored", &cause), 0);
	assert_int_equal(rules_donation(&s, 2500, RULES_CHECK, "1234", &cause), 0);
	assert_int_equal(rules_donation(&s, 2500, RULES_CHECK, "0012-345 6", &cause), 0);
	assert_int_equal(rules_donation(&s, 2500, RULES_CHECK, "12345678901234567890", &cause), 0);
	assert_int_equal(rules_donation(&s, 2500, RULES_CHECK, "7", &cause), 0);
	assert_null(cause);

	expect_donation_refused(&s, 0, RULES_CASH, NULL, "more than $0.00");
	expect_donation_refused(&s, -500, RULES_CASH, NULL, "more than $0.00");
	expect_donation_refused(&s, 1000001, RULES_CASH, NULL, "$10,000.00");
	expect_donation_refused(&s, INT64_MAX, RULES_CHECK, "12", "$10,000.00");
	expect_donation_refused(&s, 100, (enum rules_method)7, NULL, "cash, check or other");
	expect_donation_refused(&s, 100, RULES_CHECK, NULL, "check number");
	expect_donation_refused(&s, 100, RULES_CHECK, "", "check number");
	expect_donation_refused(&s, 100, RULES_CHECK, "   ", "check number");
	expect_donation_refused(&s, 100, RULES_CHECK, "123456789012345678901", "at most 20");
	expect_donation_refused(&s, 100, RULES_CHECK, "12a4", "digits");
	expect_donation_refused(&s, 100, RULES_CHECK, "--- -", "digits");
	expect_donation_refused(&s, 100, RULES_CHECK, "=1+2", "digits");

	s.max_donation_cents = 123456789;
	assert_int_equal(rules_donation(&s, 123456789, RULES_CASH, NULL, NULL), 0);
	expect_donation_refused(&s, 123456790, RULES_CASH, NULL, "$1,234,567.89");
	s.max_donation_cents = 50;
	expect_donation_refused(&s, 51, RULES_CASH, NULL, "$0.50");
}

static void
test_methods(void **state)
{
	enum rules_method m = RULES_OTHER;

	assert_string_equal(rules_method_name(RULES_CASH), "cash");
	assert_string_equal(rules_method_name(RULES_CHECK), "check");
	assert_string_equal(rules_method_name(RULES_OTHER), "other");
	assert_string_equal(rules_method_name((enum rules_method)42), "unknown");

	assert_int_equal(rules_method_parse("cash", &m), 0);
	assert_int_equal(m, RULES_CASH);
	assert_int_equal(rules_method_parse("Check", &m), 0);
	assert_int_equal(m, RULES_CHECK);
	assert_int_equal(rules_method_parse("other", &m), 0);
	assert_int_equal(m, RULES_OTHER);
	assert_int_equal(rules_method_parse(" CHEQUE ", &m), 0);
	assert_int_equal(m, RULES_CHECK);
	m = RULES_CASH;
	assert_int_equal(rules_method_parse("card", &m), -1);
	assert_int_equal(rules_method_parse("checks", &m), -1);
	assert_int_equal(rules_method_parse("chec", &m), -1);
	assert_int_equal(rules_method_parse("", &m), -1);
	assert_int_equal(rules_method_parse(NULL, &m), -1);
	assert_int_equal(m, RULES_CASH);
}

static void
test_clock_doubt(void **state)
{
	int64_t day = stamp_parse_date("2026-05-02");
	int64_t start = day * 86400000LL;
	int64_t last = start + 3600000;

	assert_true(day > 0);
	assert_null(rules_clock_doubt(start, day, 0));
	assert_null(rules_clock_doubt(start + 43200000, day, 0));
	/* The evening before (time zones, setting up): fine. */
	assert_null(rules_clock_doubt(start - 86400000, day, 0));
	assert_non_null(rules_clock_doubt(start - 86400000 - 1, day, 0));
	assert_non_null(rules_clock_doubt(0, day, 0));
	assert_non_null(strstr(rules_clock_doubt(5000, day, 0), "before the event"));
	/* Unknown event date: only the entries can tell. */
	assert_null(rules_clock_doubt(5000, -1, 0));
	/* Earlier than the last entry by more than a minute. */
	assert_null(rules_clock_doubt(last, day, last));
	assert_null(rules_clock_doubt(last - 60000, day, last));
	assert_non_null(rules_clock_doubt(last - 60001, day, last));
	assert_non_null(strstr(rules_clock_doubt(last - 60001, -1, last), "last entry"));
	/* A day later is not a doubt: walks can run past midnight. */
	assert_null(rules_clock_doubt(start + 2 * 86400000LL, day, last));
}

/* Who may undo what, by kind, age and the close-out. */
static void
test_annul_who(void **state)
{
	struct rules_settings s;
	struct rules_annul a = {.kind = "lap", .age_known = 1, .age_ms = 60000};
	char *cause = NULL;
	int need;

	rules_settings_default(&s);
	assert_int_equal(rules_annul(&s, &a, RULES_VOLUNTEER, &need, NULL), 0);
	a.age_ms = s.undo_ms + 1; /* old: the coordinator's */
	assert_int_equal(rules_annul(&s, &a, RULES_VOLUNTEER, &need, &cause), -1);
	assert_int_equal(need, 1);
	assert_non_null(strstr(cause, "older than 10 minutes"));
	free(cause);
	assert_int_equal(rules_annul(&s, &a, RULES_COORDINATOR, &need, NULL), 0);
	/* an age not measured on this boot, or negative, never widens the window */
	a.age_ms = 1000;
	a.age_known = 0;
	assert_int_equal(rules_annul(&s, &a, RULES_VOLUNTEER, &need, NULL), -1);
	a.age_known = 1;
	a.age_ms = -5;
	assert_int_equal(rules_annul(&s, &a, RULES_VOLUNTEER, &need, NULL), -1);
	a = (struct rules_annul){.kind = "checkin", .age_known = 1, .age_ms = 0};
	assert_int_equal(rules_annul(&s, &a, RULES_VOLUNTEER, &need, NULL), 0);
	/* money and settings: the coordinator, however young */
	for (const char *const *k = (const char *const[]){"donation", "settings", "walker",
	                                                  "closeout", "reopen", NULL};
	     *k != NULL; k++) {
		a = (struct rules_annul){.kind = *k, .age_known = 1, .age_ms = 0};
		assert_int_equal(rules_annul(&s, &a, RULES_VOLUNTEER, &need, NULL), -1);
		assert_int_equal(need, 1);
		assert_int_equal(rules_annul(&s, &a, RULES_COORDINATOR, &need, NULL), 0);
	}
	/* closed out: nothing but the close-out itself, by nobody */
	a = (struct rules_annul){.kind = "donation", .closed = 1};
	assert_int_equal(rules_annul(&s, &a, RULES_COORDINATOR, &need, &cause), -1);
	assert_int_equal(need, 0);
	assert_non_null(strstr(cause, "reopen the station"));
	free(cause);
	a = (struct rules_annul){.kind = "lap", .closed = 1, .age_known = 1};
	assert_int_equal(rules_annul(&s, &a, RULES_VOLUNTEER, &need, NULL), -1);
	assert_int_equal(need, 0);
	a = (struct rules_annul){.kind = "closeout", .closed = 1, .is_closed_seq = 1};
	assert_int_equal(rules_annul(&s, &a, RULES_COORDINATOR, &need, NULL), 0);
	/* never: the event, an undo, a reopen money came after */
	a = (struct rules_annul){.kind = "event"};
	assert_int_equal(rules_annul(&s, &a, RULES_COORDINATOR, &need, NULL), -1);
	a = (struct rules_annul){.kind = "annul"};
	assert_int_equal(rules_annul(&s, &a, RULES_COORDINATOR, &need, NULL), -1);
	a = (struct rules_annul){.kind = "reopen", .money_since = 1};
	assert_int_equal(rules_annul(&s, &a, RULES_COORDINATOR, &need, NULL), -1);
	assert_int_equal(need, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),        cmocka_unit_test(test_welcome),
	    cmocka_unit_test(test_lap_first_scan),  cmocka_unit_test(test_lap_from_checkin),
	    cmocka_unit_test(test_by_hand),         cmocka_unit_test(test_lap_boundaries),
	    cmocka_unit_test(test_custom_settings), cmocka_unit_test(test_both),
	    cmocka_unit_test(test_across_boots),    cmocka_unit_test(test_wrong_clock),
	    cmocka_unit_test(test_describe),        cmocka_unit_test(test_donation),
	    cmocka_unit_test(test_methods),         cmocka_unit_test(test_clock_doubt),
	    cmocka_unit_test(test_annul_who),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
