/* test_setting.c — the settings table (setting.c) and what it drives: the
 * lap length kept exactly as typed and distances and per-mile money computed
 * from it in integers; every setting canonical, shown and typed back to the
 * same value; every setting through ledger_set and back out of the event (on
 * a real sqlite file); the rules' defaults, the fold's keys, the event pack's
 * keys and the role names from the one table. */
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

#include "event_pack.h"
#include "fold.h"
#include "ledger.h"
#include "rules.h"
#include "setting.h"
#include "util.h"

static struct setting_length
len(const char *typed)
{
	struct setting_length l;

	if (setting_length_parse(typed, 100000, &l) != 0)
		fail_msg("\"%s\" refused", typed);
	return l;
}

/* The issue's own example: 0.25 mi was stored as 402 m, so 100 laps at $1 a
 * mile billed $24.98.  Kept as typed, it is $25.00 exactly. */
static void
test_per_mile_exact(void **state)
{
	struct setting_length q = len("0.25mi"), m400 = len("400"), km = len("1 km");
	char buf[64];

	(void)state;
	assert_int_equal(setting_per_distance(&q, 100, 100, SETTING_MI), 2500);
	assert_int_equal(setting_distance(&q, 100), 40233600000); /* 40,233.6 m */
	setting_distance_format(setting_distance(&q, 100), buf, sizeof buf);
	assert_string_equal(buf, "40.23 km (25.00 mi)");
	/* 4 laps of 0.25 mi is one mile, whatever the rate */
	assert_int_equal(setting_per_distance(&q, 4, 1234567, SETTING_MI), 1234567);
	/* per km: 100 laps of 400 m at $1 a km = $40.00; of 0.25 mi = $40.23 */
	assert_int_equal(setting_per_distance(&m400, 100, 100, SETTING_KM), 4000);
	assert_int_equal(setting_per_distance(&q, 100, 100, SETTING_KM), 4023);
	/* rounded once, half a cent up: 1 lap of 0.001 mi at $0.05 a mile */
	assert_int_equal(
	    setting_per_distance(&(struct setting_length){1, SETTING_MI}, 1, 5, SETTING_MI), 0);
	assert_int_equal(
	    setting_per_distance(&(struct setting_length){100, SETTING_MI}, 1, 5, SETTING_MI),
	    1);                                                            /* 0.5 cent */
	assert_int_equal(setting_per_distance(&km, 3, 7, SETTING_MI), 13); /* 13.049 */
	/* what would not fit is refused, not wrapped */
	assert_int_equal(setting_per_distance(&km, INT64_MAX / 2, 100, SETTING_MI), -1);
	assert_int_equal(setting_distance(&(struct setting_length){0, SETTING_M}, 5), -1);
	setting_distance_format(setting_distance(&m400, 100), buf, sizeof buf);
	assert_string_equal(buf, "40.00 km (24.85 mi)");
}

static void
test_length_as_typed(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
	    {"0.25mi", "0.25 mi"}, {"0.25 mile", "0.25 mi"}, {"2 miles", "2 mi"},
	    {"400", "400 m"},      {"400m", "400 m"},        {"0.4km", "0.4 km"},
	    {"1 KM", "1 km"},      {"1.005 km", "1.005 km"}, {"0", "0 m"},
	    {"402", "402 m"}, /* what an older ledger stored for 0.25mi: still 402 m */
	};
	struct setting_length l;
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(ok); i++) {
		l = len(ok[i].in);
		setting_length_format(&l, buf, sizeof buf);
		assert_string_equal(buf, ok[i].out);
		/* the canonical text reads back to the same length */
		assert_int_equal(setting_length_parse(buf, 100000, &l), 0);
		setting_length_format(&l, buf, sizeof buf);
		assert_string_equal(buf, ok[i].out);
	}
	assert_int_equal(len("0.25 mi").milli, 250);
	assert_int_equal(setting_length_um(&(struct setting_length){250, SETTING_MI}), 402336000);
	assert_int_equal(setting_length_parse("0.5", 100000, &l), -1);       /* under 1 m */
	assert_int_equal(setting_length_parse("100.001km", 100000, &l), -1); /* over */
	assert_int_equal(setting_length_parse("62.1 mi", 100000, &l), 0);    /* 99,940.3 m */
	assert_int_equal(setting_length_parse("62.1 mi", 99939, &l), -1);
}

/* A value of the setting's type other than its default. */
static const char *
sample(const struct setting *s)
{
	switch (s->type) {
	case SETTING_TYPE_TEXT: return "Sample";
	case SETTING_TYPE_DATE: return "2026-12-05";
	case SETTING_TYPE_MONEY: return "$12.34";
	case SETTING_TYPE_SECONDS: return "30";
	case SETTING_TYPE_LENGTH: return "0.25mi";
	case SETTING_TYPE_ROLE: return "lap";
	case SETTING_TYPE_EIN: return "64-0123456";
	case SETTING_TYPE_COUNT: return s->max >= 7 ? "7" : "1"; /* full-names: 0 or 1 */
	case SETTING_TYPE_PAPER: return "a4";
	case SETTING_TYPE_ZONE: return "America/Chicago";
	}
	return "";
}

/* Every setting: a unique key and words; its default canonical; what is
 * shown (on the kiosk, by watctl) and what is typed (an event pack) reads
 * back to the same canonical value. */
static void
test_table(void **state)
{
	const struct setting *s, *t;
	char *canon = NULL, *again = NULL, *cause = NULL, shown[256], typed[256];
	size_t i, j, packed = 0;

	(void)state;
	assert_null(setting_at(SETTING_COUNT));
	for (i = 0; (s = setting_at(i)) != NULL; i++) {
		assert_int_equal(s->id, (int)i); /* setting_at(id) is the setting id */
		assert_ptr_equal(setting_find(s->key), s);
		assert_true(*s->noun && *s->label && *s->help && strchr(s->help, '|') == NULL);
		for (j = 0; (t = setting_at(j)) != NULL; j++)
			assert_true(j == i ||
			            (strcmp(s->key, t->key) && strcmp(s->label, t->label)));
		packed += s->pack;
		if (s->id != SETTING_NAME && s->id != SETTING_CITY && s->id != SETTING_DATE) {
			setting_typed(s, s->def, typed, sizeof typed);
			if (setting_canon(s, typed, &canon, &cause) != 0)
				fail_msg("%s: default \"%s\" refused: %s", s->key, typed, cause);
			assert_string_equal(canon, s->def);
			free(canon);
		}
		if (setting_canon(s, sample(s), &canon, &cause) != 0)
			fail_msg("%s: \"%s\" refused: %s", s->key, sample(s), cause);
		setting_show(s, canon, shown, sizeof shown);
		setting_typed(s, canon, typed, sizeof typed);
		assert_int_equal(setting_canon(s, shown, &again, NULL), 0);
		if (strcmp(again, canon) != 0)
			fail_msg("%s: shown \"%s\" reads back as %s, not %s", s->key, shown, again,
			         canon);
		free(again);
		assert_int_equal(setting_canon(s, typed, &again, NULL), 0);
		assert_string_equal(again, canon);
		free(again);
		free(canon);
	}
	assert_int_equal(i, SETTING_COUNT);
	/* the event pack carries the table's pack settings, no more, no fewer */
	assert_int_equal(packed, EVENT_PACK_SETTINGS);
	for (i = 0; i < EVENT_PACK_SETTINGS; i++)
		assert_true(setting_find(event_pack_key(i))->pack);
	assert_null(event_pack_key(EVENT_PACK_SETTINGS));
	/* the doc's table names every key */
	{
		char *md = setting_markdown(), key[64];
		for (i = 0; (s = setting_at(i)) != NULL; i++) {
			snprintf(key, sizeof key, "| `%s` |", s->key);
			assert_non_null(strstr(md, key));
		}
		free(md);
	}
}

static void
test_rules_from_table(void **state)
{
	struct rules_settings r;
	enum rules_role role;
	size_t i;

	(void)state;
	rules_settings_default(&r);
	assert_int_equal(r.min_lap_ms, 60000);
	assert_int_equal(r.holdoff_ms, 5000);
	assert_int_equal(r.max_donation_cents, 1000000);
	assert_int_equal(r.undo_ms, 10 * 60000);
	setting_apply_rules(&r, "min-lap", "90");
	setting_apply_rules(&r, "undo-minutes", "3");
	setting_apply_rules(&r, "holdoff", "9999999999999"); /* out of range: not canonical */
	setting_apply_rules(&r, "holdoff", "-5");
	setting_apply_rules(&r, "max-donation", "abc");
	assert_int_equal(r.min_lap_ms, 90000);
	assert_int_equal(r.undo_ms, 3 * 60000);
	assert_int_equal(r.holdoff_ms, 5000);
	assert_int_equal(r.max_donation_cents, 1000000);
	/* the fold judges laps by min-lap and holdoff only */
	assert_true(fold_setting_judges("min-lap") && fold_setting_judges("holdoff"));
	assert_false(fold_setting_judges("undo-minutes") || fold_setting_judges("lap-length") ||
	             fold_setting_judges("nonsense"));
	/* the role names, parsed and printed by one pair */
	for (i = RULES_ROLE_WELCOME; i <= RULES_ROLE_BOTH; i++) {
		assert_int_equal(rules_role_parse(rules_role_name((enum rules_role)i), &role), 0);
		assert_int_equal(role, (int)i);
	}
	assert_string_equal(rules_role_name(RULES_ROLE_LAP), "lap");
	assert_int_equal(rules_role_parse("Lap", &role), -1);
	assert_int_equal(rules_role_parse("", &role), -1);
}

/* Every setting through ledger_set on a real ledger, back out of the event
 * (what watctl settings and the kiosk read), and again after reopening. */
static void
test_ledger_round_trip(void **state)
{
	char dir[] = "/tmp/wat-test-setting-XXXXXX", *path, *cause = NULL, *canon;
	struct ledger_init in = {"Walk", "Jackson", "2026-12-05", NULL, 0, NULL};
	struct ledger *l = NULL;
	struct ledger_event ev;
	const struct setting *s;
	char got[512];
	size_t i;
	int round;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/t.db", dir);
	assert_int_equal(ledger_open(path, &l, &cause), 0);
	assert_int_equal(ledger_init_event(l, &in, "test", &cause), 0);
	/* before any settings entry: the table's defaults */
	assert_int_equal(ledger_event(l, &ev), 0);
	for (i = 0; (s = setting_at(i)) != NULL; i++) {
		ledger_event_value(&ev, s, got, sizeof got);
		if (s->id != SETTING_NAME && s->id != SETTING_CITY && s->id != SETTING_DATE &&
		    strcmp(got, s->def) != 0)
			fail_msg("%s: %s before any settings entry, not the default %s", s->key,
			         got, s->def);
	}
	for (i = 0; (s = setting_at(i)) != NULL; i++)
		if (ledger_set(l, s->key, sample(s), "test", &cause) != 0)
			fail_msg("set %s %s: %s", s->key, sample(s), cause);
	for (round = 0; round < 2; round++) {
		assert_int_equal(ledger_event(l, &ev), 0);
		for (i = 0; (s = setting_at(i)) != NULL; i++) {
			assert_int_equal(setting_canon(s, sample(s), &canon, NULL), 0);
			ledger_event_value(&ev, s, got, sizeof got);
			if (strcmp(got, canon) != 0)
				fail_msg("%s: set %s, the event says %s", s->key, canon, got);
			free(canon);
		}
		ledger_free(l);
		l = NULL;
		assert_int_equal(ledger_open(path, &l, &cause), 0);
	}
	ledger_free(l);
	assert_int_equal(tmpdir_remove(dir), 0);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_per_mile_exact),
	    cmocka_unit_test(test_length_as_typed),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_rules_from_table),
	    cmocka_unit_test(test_ledger_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
