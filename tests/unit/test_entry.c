/* test_entry.c — the entry kinds' table and the fold: what an entry's line
 * may hold, and what a day of entries means for the figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "entry.h"
#include "fold.h"
#include "util.h"

#define T0 1777730400000LL /* 2026-05-02 14:00:00 UTC */

/* One entry's line: seq, kind, walker (0: none), ref (NULL: none), data. */
static char *
line(int64_t seq, const char *kind, uint32_t walker, const char *ref, const char *data,
     int64_t at_s)
{
	char w[32] = "", r[160] = "";

	if (walker != 0)
		snprintf(w, sizeof w, ",\"walker\":%u", walker);
	if (ref != NULL)
		snprintf(r, sizeof r, ",\"ref\":%s", ref);
	return xasprintf("{\"seq\":%lld,\"station\":\"T1\",\"kind\":\"%s\",\"wall_ms\":%lld,"
	                 "\"mono_ms\":%lld,\"boot\":\"b1\",\"op\":\"test\"%s%s,\"data\":%s}",
	                 (long long)seq, kind, (long long)(T0 + at_s * 1000),
	                 (long long)(at_s * 1000), w, r, data);
}

static int
decode(const char *l, struct entry *e, char **cause)
{
	return entry_decode(l, strlen(l), e, cause);
}

static void
refused(const char *l, const char *want)
{
	struct entry e;
	char *cause = NULL;

	if (decode(l, &e, &cause) == 0)
		fail_msg("accepted: %s", l);
	if (strstr(cause, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, want);
	free(cause);
}

static void
test_unknown_kind(void **state)
{
	char *l = line(7, "teleport", 1, NULL, "{}", 0);

	/* an error everywhere, naming the entry */
	refused(l, "Entry 7 is of a kind this software does not know (teleport)");
	free(l);
}

static void
test_fields(void **state)
{
	char *l;

	l = line(3, "donation", 1, NULL, "{\"cents\":100,\"method\":\"bitcoin\"}", 0);
	refused(l, "Entry 3 (donation): \"method\" must be");
	free(l);
	l = line(3, "donation", 1, NULL, "{\"cents\":-5,\"method\":\"cash\"}", 0);
	refused(l, "\"cents\" must be a whole number above 0");
	free(l);
	l = line(4, "lap", 0, NULL, "{\"how\":\"scan\"}", 0);
	refused(l, "Entry 4 (lap) names no walker");
	free(l);
	l = line(5, "annul", 0, NULL, "{\"reason\":\"x\"}", 0);
	refused(l, "Entry 5 (annul) names no entry");
	free(l);
	l = line(6, "checkin", 2, NULL, "{}", 0);
	refused(l, "Entry 6 (checkin) has no \"how\"");
	free(l);
}

static void
test_refs(void **state)
{
	static const char id[] = "d7db1516489d9ef005b7b546fd834c68ba20caa89b9c04f282b6847b9421a405";
	struct entry e;
	char *cause = NULL, *l, ref[120];

	/* a plain number: an entry of the same ledger */
	l = line(9, "annul", 0, "4", "{\"reason\":\"x\"}", 0);
	assert_int_equal(decode(l, &e, &cause), 0);
	assert_int_equal(e.ref.seq, 4);
	assert_int_equal(e.ref.other, 0);
	free(l);
	/* (ledger identity, sequence number): another station's */
	snprintf(ref, sizeof ref, "{\"ledger\":\"%s\",\"seq\":12}", id);
	l = line(9, "annul", 0, ref, "{\"reason\":\"x\"}", 0);
	assert_int_equal(decode(l, &e, &cause), 0);
	assert_int_equal(e.ref.seq, 12);
	assert_int_equal(e.ref.other, 1);
	assert_int_equal(e.ref.ledger[0], 0xd7);
	assert_int_equal(e.ref.ledger[31], 0x05);
	free(l);
	l = line(9, "annul", 0, "{\"ledger\":\"zz\",\"seq\":12}", "{\"reason\":\"x\"}", 0);
	refused(l, "\"ref\" is not a reference to an entry");
	free(l);
}

/* A day of entries, folded. */
struct day {
	char *lines[32];
	struct entry es[32];
	size_t n;
};

static void
add(struct day *d, const char *kind, uint32_t walker, const char *ref, const char *data,
    int64_t at_s)
{
	char *cause = NULL;

	d->lines[d->n] = line((int64_t)d->n + 1, kind, walker, ref, data, at_s);
	if (decode(d->lines[d->n], &d->es[d->n], &cause) != 0)
		fail_msg("%s", cause);
	d->n++;
}

static void
day_free(struct day *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->lines[i]);
}

static void
test_fold_figures(void **state)
{
	struct day d = {0};
	struct fold *f = NULL;
	const struct fold_figures *fig;
	char *cause = NULL;

	add(&d, "event", 0, NULL,
	    "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"t\"}", 0);
	add(&d, "settings", 0, NULL, "{\"key\":\"min-lap\",\"value\":\"120\"}", 0);
	add(&d, "walker", 1, NULL, "{\"name\":\"Ann\"}", 1);
	add(&d, "walker", 2, NULL, "{\"name\":\"Bob\"}", 2);
	add(&d, "checkin", 1, NULL, "{\"how\":\"scan\"}", 10);
	add(&d, "lap", 1, NULL, "{\"how\":\"scan\"}", 300);
	add(&d, "lap", 1, NULL, "{\"how\":\"scan\"}", 330); /* 30 s after: too soon */
	add(&d, "lap", 2, NULL, "{\"how\":\"manual\"}", 400);
	/* "manual": true is not how an entry says it was typed: a scanned lap */
	add(&d, "lap", 2, NULL, "{\"how\":\"scan\",\"manual\":true}", 900);
	add(&d, "donation", 1, NULL, "{\"cents\":2500,\"method\":\"cash\"}", 500);
	add(&d, "donation", 2, NULL, "{\"cents\":4050,\"method\":\"check\",\"check_no\":\"7\"}",
	    501);
	add(&d, "donation", 2, NULL, "{\"cents\":1000,\"method\":\"other\"}", 502);
	add(&d, "annul", 0, "12", "{\"reason\":\"typed twice\"}", 503);
	add(&d, "closeout", 0, NULL, "{\"cash_cents\":2500,\"cash_expected_cents\":2500}", 600);

	assert_int_equal(fold_run(d.es, d.n, NULL, &f, &cause), 0);
	fig = fold_figures(f);
	assert_int_equal(fig->walkers, 2);
	assert_int_equal(fig->checked_in, 1);
	assert_int_equal(fig->laps, 4);
	assert_int_equal(fig->manual_laps, 1);
	assert_int_equal(fig->flagged_laps, 1);
	assert_int_equal(fig->donations, 2);
	assert_int_equal(fig->checks, 1);
	assert_int_equal(fig->cash_cents, 2500);
	assert_int_equal(fig->check_cents, 4050);
	assert_int_equal(fig->other_cents, 0);
	assert_int_equal(fig->total_cents, 6550);
	assert_int_equal(fig->annulled, 1);
	assert_int_equal(fold_annulled_by(f, 12), 13);
	assert_int_not_equal(fold_station(f)->closed_seq, 0);
	assert_int_equal(fold_walker(f, 1)->flagged_laps, 1);
	fold_free(f);

	/* the flag is the fold's judgement of the entries: annul the lap before
	 * it and the late one is no longer too soon (the check-in was 320 s
	 * before) */
	add(&d, "reopen", 0, NULL, "{\"reason\":\"late lap\"}", 700);
	add(&d, "annul", 0, "6", "{\"reason\":\"wrong walker\"}", 701);
	assert_int_equal(fold_run(d.es, d.n, NULL, &f, &cause), 0);
	assert_int_equal(fold_figures(f)->laps, 3);
	assert_int_equal(fold_figures(f)->flagged_laps, 0);
	assert_int_equal(fold_station(f)->closed_seq, 0);
	fold_free(f);
	day_free(&d);
}

static void
test_fold_refuses(void **state)
{
	struct day d = {0};
	struct fold *f = NULL;
	char *cause = NULL;

	add(&d, "event", 0, NULL,
	    "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"t\"}", 0);
	add(&d, "walker", 1, NULL, "{\"name\":\"Ann\"}", 1);
	add(&d, "annul", 0, "2", "{\"reason\":\"x\"}", 2);
	add(&d, "annul", 0, "3", "{\"reason\":\"undo the undo\"}", 3);
	assert_int_equal(fold_run(d.es, d.n, NULL, &f, &cause), -1);
	assert_non_null(strstr(cause, "4"));
	free(cause);
	cause = NULL;
	day_free(&d);

	memset(&d, 0, sizeof d);
	add(&d, "event", 0, NULL,
	    "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"t\"}", 0);
	add(&d, "annul", 0, "5", "{\"reason\":\"a later entry\"}", 1);
	assert_int_equal(fold_run(d.es, d.n, NULL, &f, &cause), -1);
	assert_non_null(strstr(cause, "2"));
	free(cause);
	day_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_kind), cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_refs),         cmocka_unit_test(test_fold_figures),
	    cmocka_unit_test(test_fold_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
