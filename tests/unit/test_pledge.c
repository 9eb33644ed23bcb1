/* test_pledge.c — the pledge rule (caps, rounding, distance from the exact
 * lap length), one ledger's pledges folded from its entries (annulled laps,
 * payments and gifts, certified then reopened), and the pledges CSV. */
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
#include "pledge.h"
#include "setting.h"
#include "util.h"

#define T0 1777730400000LL /* 2026-05-02 14:00:00 UTC */

static int64_t
owed(enum pledge_kind k, int64_t rate, int64_t max, int64_t laps, const char *lap, int64_t cap)
{
	struct pledge_terms t = {k, rate, max};
	struct setting_length len = {0, SETTING_M};
	char *cause = NULL;
	int64_t v;

	if (lap != NULL)
		assert_int_equal(setting_length_parse(lap, 100000, &len), 0);
	if (pledge_owed(&t, laps, &len, cap, &v, &cause) != 0) {
		free(cause);
		return -1;
	}
	return v;
}

static void
test_flat(void **state)
{
	(void)state;
	assert_int_equal(owed(PLEDGE_FLAT, 2500, 0, 0, NULL, 0), 2500);
	assert_int_equal(owed(PLEDGE_FLAT, 2500, 0, 40, NULL, 0), 2500); /* laps change nothing */
	assert_int_equal(owed(PLEDGE_FLAT, 2500, 1000, 40, NULL, 0), 1000);
	/* needs no lap length */
	assert_int_equal(owed(PLEDGE_FLAT, 1, 0, 3, NULL, 0), 1);
}

static void
test_per_lap_and_caps(void **state)
{
	(void)state;
	assert_int_equal(owed(PLEDGE_LAP, 50, 0, 0, NULL, 0), 0);
	assert_int_equal(owed(PLEDGE_LAP, 50, 0, 12, NULL, 0), 600);
	/* the sponsor's maximum */
	assert_int_equal(owed(PLEDGE_LAP, 50, 500, 12, NULL, 0), 500);
	assert_int_equal(owed(PLEDGE_LAP, 50, 500, 10, NULL, 0), 500);
	assert_int_equal(owed(PLEDGE_LAP, 50, 500, 9, NULL, 0), 450);
	/* the event's lap cap: laps beyond it are walked, not billed */
	assert_int_equal(owed(PLEDGE_LAP, 50, 0, 40, NULL, 35), 1750);
	assert_int_equal(owed(PLEDGE_LAP, 50, 0, 35, NULL, 35), 1750);
	assert_int_equal(owed(PLEDGE_LAP, 50, 0, 34, NULL, 35), 1700);
	/* both: the smaller wins */
	assert_int_equal(owed(PLEDGE_LAP, 50, 1000, 40, NULL, 35), 1000);
	assert_int_equal(pledge_billed_laps(40, 0), 40);
	assert_int_equal(pledge_billed_laps(40, 35), 35);
	assert_int_equal(pledge_billed_laps(-3, 35), 0);
}

static void
test_per_mile_quarter_mile_lap(void **state)
{
	(void)state;
	/* 0.25 mi laps: 4 laps are one mile exactly */
	assert_int_equal(owed(PLEDGE_MILE, 100, 0, 4, "0.25 mi", 0), 100);
	assert_int_equal(owed(PLEDGE_MILE, 100, 0, 100, "0.25 mi", 0), 2500);
	/* 1 lap at $0.10 a mile: 2.5 cents, half up once: 3 */
	assert_int_equal(owed(PLEDGE_MILE, 10, 0, 1, "0.25 mi", 0), 3);
	/* 3 laps at $0.33: 24.75 cents: 25 */
	assert_int_equal(owed(PLEDGE_MILE, 33, 0, 3, "0.25 mi", 0), 25);
	/* rounded once per pledge, not per lap: 10 laps at $3.33 = 8.325: 833
	 * (per lap it would be 10 x 83.25 -> 10 x 83 = 830) */
	assert_int_equal(owed(PLEDGE_MILE, 333, 0, 10, "0.25 mi", 0), 833);
	/* the cap and the maximum apply to the laps and to the cents */
	assert_int_equal(owed(PLEDGE_MILE, 100, 0, 12, "0.25 mi", 8), 200);
	assert_int_equal(owed(PLEDGE_MILE, 100, 150, 12, "0.25 mi", 0), 150);
	/* per km on a quarter-mile lap: 402.336 m; 5 laps = 2.01168 km */
	assert_int_equal(owed(PLEDGE_KM, 100, 0, 1, "0.25 mi", 0), 40);
	assert_int_equal(owed(PLEDGE_KM, 100, 0, 5, "0.25 mi", 0), 201);
	/* metric laps */
	assert_int_equal(owed(PLEDGE_KM, 100, 0, 3, "400 m", 0), 120);
	assert_int_equal(owed(PLEDGE_MILE, 100, 0, 4, "400 m", 0), 99); /* 1.6 km = 0.9942 mi */
	/* no lap length: not known, never a guess */
	assert_int_equal(owed(PLEDGE_MILE, 100, 0, 4, NULL, 0), -1);
	assert_int_equal(owed(PLEDGE_KM, 100, 0, 4, NULL, 0), -1);
}

static void
test_kind_words(void **state)
{
	enum pledge_kind k;

	(void)state;
	assert_int_equal(pledge_kind_parse("per lap", &k), 0);
	assert_int_equal(k, PLEDGE_LAP);
	assert_int_equal(pledge_kind_parse("Per-Mile", &k), 0);
	assert_int_equal(k, PLEDGE_MILE);
	assert_int_equal(pledge_kind_parse("km", &k), 0);
	assert_int_equal(k, PLEDGE_KM);
	assert_int_equal(pledge_kind_parse("flat", &k), 0);
	assert_int_equal(k, PLEDGE_FLAT);
	assert_int_equal(pledge_kind_parse("per hour", &k), -1);
	assert_int_equal(pledge_kind_parse("", &k), -1);
}

/* ---- a ledger's entries ---- */

struct day {
	char *lines[64];
	struct entry es[64];
	size_t n;
};

static int64_t
add(struct day *d, const char *kind, uint32_t walker, int64_t ref, const char *data)
{
	char w[32] = "", r[32] = "";
	int64_t seq = (int64_t)d->n + 1;
	char *cause = NULL;

	if (walker != 0)
		snprintf(w, sizeof w, ",\"walker\":%u", walker);
	if (ref != 0)
		snprintf(r, sizeof r, ",\"ref\":%lld", (long long)ref);
	d->lines[d->n] = xasprintf(
	    "{\"seq\":%lld,\"station\":\"T1\",\"kind\":\"%s\",\"wall_ms\":%lld,\"mono_ms\":%lld,"
	    "\"boot\":\"b1\",\"op\":\"test\"%s%s,\"data\":%s}",
	    (long long)seq, kind, (long long)(T0 + seq * 600000), (long long)(seq * 600000), w, r,
	    data);
	if (entry_decode(d->lines[d->n], strlen(d->lines[d->n]), &d->es[d->n], &cause) != 0)
		fail_msg("%s", cause);
	d->n++;
	return seq;
}

static void
day_free(struct day *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
}

/* Folds the day (its first n entries; 0: all). */
static void
run(struct day *d, size_t n, struct fold **f, struct pledge_book **b)
{
	char *cause = NULL;

	if (n == 0)
		n = d->n;
	if (fold_run(d->es, n, NULL, f, &cause) != 0 ||
	    pledge_book_run(d->es, n, *f, b, &cause) != 0)
		fail_msg("%s", cause);
}

static void
test_annulled_laps_and_pledges(void **state)
{
	struct day d = {0};
	struct fold *f;
	struct pledge_book *b;
	int64_t lap2, p1, p2;

	(void)state;
	add(&d, "event", 0, 0,
	    "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"W1\"}");
	add(&d, "walker", 7, 0, "{\"name\":\"Ana\"}");
	add(&d, "lap", 7, 0, "{\"how\":\"manual\"}");
	lap2 = add(&d, "lap", 7, 0, "{\"how\":\"manual\"}");
	add(&d, "lap", 7, 0, "{\"how\":\"manual\"}");
	p1 = add(&d, "pledge", 7, 0, "{\"sponsor\":\"Bob\",\"kind\":\"lap\",\"rate\":50}");
	p2 = add(&d, "pledge", 7, 0, "{\"sponsor\":\"Cy\",\"kind\":\"flat\",\"rate\":1000}");
	add(&d, "annul", 7, lap2, "{\"reason\":\"twice\"}");
	add(&d, "annul", 7, p2, "{\"reason\":\"wrong walker\"}");
	run(&d, 0, &f, &b);
	/* the annulled lap is not counted */
	assert_int_equal(fold_counted_laps(fold_walker(f, 7)), 2);
	assert_int_equal(b->n, 2);
	assert_int_equal(pledge_book_find(b, p1)->annulled_by, 0);
	assert_int_equal(pledge_book_find(b, p2)->annulled_by, 9);
	assert_string_equal(pledge_book_find(b, p1)->sponsor, "Bob");
	assert_int_equal(pledge_book_find(b, p1)->t.kind, PLEDGE_LAP);
	assert_int_equal(pledge_book_find(b, p1)->t.rate_cents, 50);
	pledge_book_free(b);
	fold_free(f);
	day_free(&d);
}

static void
test_payments_and_gift(void **state)
{
	struct day d = {0};
	struct fold *f;
	struct pledge_book *b;
	char data[160];
	int64_t p1, p2, pay;
	char *cause = NULL;

	(void)state;
	add(&d, "event", 0, 0,
	    "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"W1\"}");
	add(&d, "walker", 7, 0, "{\"name\":\"Ana\"}");
	add(&d, "walker", 8, 0, "{\"name\":\"Ben\"}");
	p1 = add(&d, "pledge", 7, 0, "{\"sponsor\":\"Bob\",\"kind\":\"flat\",\"rate\":1000}");
	p2 = add(&d, "pledge", 7, 0,
	         "{\"sponsor\":\"Bob\",\"kind\":\"flat\",\"rate\":500,\"online_cents\":200}");
	/* $20 over both: $10 and $5, $5 a gift */
	snprintf(data, sizeof data,
	         "{\"cents\":2000,\"method\":\"cash\",\"donor\":\"Bob\",\"pledges\":[[%lld,1000],"
	         "[%lld,500]]}",
	         (long long)p1, (long long)p2);
	pay = add(&d, "donation", 7, 0, data);
	run(&d, 0, &f, &b);
	assert_int_equal(pledge_book_find(b, p1)->paid_cents, 1000);
	assert_int_equal(pledge_book_find(b, p2)->paid_cents, 500);
	assert_int_equal(pledge_book_find(b, p2)->online_cents, 200);
	/* the money is a donation like any other for the station's figures */
	assert_int_equal(fold_figures(f)->cash_cents, 2000);
	pledge_book_free(b);
	fold_free(f);
	/* the payment annulled: nothing paid */
	add(&d, "annul", 7, pay, "{\"reason\":\"typo\"}");
	run(&d, 0, &f, &b);
	assert_int_equal(pledge_book_find(b, p1)->paid_cents, 0);
	pledge_book_free(b);
	fold_free(f);
	/* a payment that names another walker's pledge, or puts in more than it
	 * received, is refused */
	snprintf(data, sizeof data, "{\"cents\":100,\"method\":\"cash\",\"pledges\":[[%lld,100]]}",
	         (long long)p1);
	add(&d, "donation", 8, 0, data);
	assert_int_equal(fold_run(d.es, d.n, NULL, &f, &cause), 0);
	assert_int_equal(pledge_book_run(d.es, d.n, f, &b, &cause), -1);
	assert_non_null(strstr(cause, "not a pledge for the same walker"));
	free(cause);
	fold_free(f);
	day_free(&d);
}

static void
test_certified_then_reopened(void **state)
{
	struct day d = {0};
	struct fold *f, *fc;
	struct pledge_book *b;
	struct pledge_terms t = {PLEDGE_LAP, 100, 0};
	int64_t cert, v;
	char data[256];

	(void)state;
	add(&d, "event", 0, 0,
	    "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"W1\"}");
	add(&d, "walker", 7, 0, "{\"name\":\"Ana\"}");
	add(&d, "pledge", 7, 0, "{\"sponsor\":\"Bob\",\"kind\":\"lap\",\"rate\":100}");
	add(&d, "lap", 7, 0, "{\"how\":\"manual\"}");
	add(&d, "lap", 7, 0, "{\"how\":\"manual\"}");
	snprintf(data, sizeof data,
	         "{\"stations\":[{\"station\":\"T1\",\"ledger\":\"%064d\",\"seq\":5}]}", 0);
	cert = add(&d, "certify", 0, 0, data);
	add(&d, "lap", 7, 0, "{\"how\":\"manual\"}"); /* after the certification */
	run(&d, 0, &f, &b);
	assert_int_equal(b->cert_seq, cert);
	assert_int_equal(b->ncert, 1);
	assert_int_equal(b->cert[0].seq, 5);
	/* the certified laps: the entries it counted, es[0..5) */
	assert_int_equal(fold_run(d.es, (size_t)b->cert[0].seq, NULL, &fc, NULL), 0);
	assert_int_equal(fold_counted_laps(fold_walker(fc, 7)), 2);
	assert_int_equal(pledge_owed(&t, fold_counted_laps(fold_walker(fc, 7)), NULL, 0, &v, NULL),
	                 0);
	assert_int_equal(v, 200);
	/* held now: 3 */
	assert_int_equal(fold_counted_laps(fold_walker(f, 7)), 3);
	fold_free(fc);
	pledge_book_free(b);
	fold_free(f);
	/* reopened: nothing certified */
	add(&d, "certify-reopen", 0, 0, "{\"reason\":\"late lap\"}");
	run(&d, 0, &f, &b);
	assert_int_equal(b->cert_seq, 0);
	assert_int_equal(b->ncert, 0);
	pledge_book_free(b);
	fold_free(f);
	/* certified again */
	snprintf(data, sizeof data,
	         "{\"stations\":[{\"station\":\"T1\",\"ledger\":\"%064d\",\"seq\":8}]}", 0);
	cert = add(&d, "certify", 0, 0, data);
	run(&d, 0, &f, &b);
	assert_int_equal(b->cert_seq, cert);
	assert_int_equal(b->cert[0].seq, 8);
	pledge_book_free(b);
	fold_free(f);
	day_free(&d);
}

static void
test_entry_fields(void **state)
{
	struct entry e;
	char *cause = NULL;
	const char *bad =
	    "{\"seq\":3,\"station\":\"T1\",\"kind\":\"pledge\",\"wall_ms\":1,\"mono_ms\":1,"
	    "\"boot\":"
	    "\"b\",\"op\":\"t\",\"walker\":7,\"data\":{\"sponsor\":\"Bob\",\"kind\":\"hour\","
	    "\"rate\":5}}";

	(void)state;
	assert_int_equal(entry_decode(bad, strlen(bad), &e, &cause), -1);
	assert_non_null(strstr(cause, "\"kind\" must be"));
	free(cause);
}

/* ---- the CSV ---- */

static void
test_csv(void **state)
{
	static const char csv[] =
	    "Walker,Sponsor Name,Email,Kind,Rate,Max,Pledge ID,Paid,Paid date\n"
	    "7,Bob Smith,bob@example.org,per lap,0.50,10,P1,,\n"
	    "7,Cy Jones,,flat,25,,P2,25,2026-04-20\n"
	    "x7,Di Nguyen,,flat,5,,P3,,\n"
	    "8,,,flat,5,,P4,,\n"
	    "8,Ed,,per hour,5,,P5,,\n"
	    "8,Flo,,per mile,-2,,P6,,\n"
	    "\n"
	    "9,Gus,,km,1.5,,,,\n";
	struct pledge_csv *c = NULL;
	char *cause = NULL;

	(void)state;
	assert_int_equal(pledge_csv_parse(csv, sizeof csv - 1, &c, &cause), 0);
	assert_int_equal(c->n, 7);
	assert_null(c->rows[0].problem);
	assert_int_equal(c->rows[0].walker, 7);
	assert_int_equal(c->rows[0].p.t.kind, PLEDGE_LAP);
	assert_int_equal(c->rows[0].p.t.rate_cents, 50);
	assert_int_equal(c->rows[0].p.t.max_cents, 1000);
	assert_string_equal(c->rows[0].p.ext_id, "P1");
	assert_null(c->rows[1].problem);
	assert_int_equal(c->rows[1].p.online_cents, 2500);
	assert_string_equal(c->rows[1].p.online_date, "2026-04-20");
	/* each problem named, with the row's own text */
	assert_non_null(strstr(c->rows[2].problem, "\"x7\""));
	assert_non_null(strstr(c->rows[2].text, "Di Nguyen"));
	assert_non_null(strstr(c->rows[3].problem, "sponsor"));
	assert_non_null(strstr(c->rows[4].problem, "per hour"));
	assert_non_null(strstr(c->rows[5].problem, "-2"));
	assert_null(c->rows[6].problem);
	assert_int_equal(c->rows[6].line, 9);
	assert_int_equal(c->rows[6].p.t.kind, PLEDGE_KM);
	pledge_csv_free(c);
	/* no sponsor column: no pledges file */
	assert_int_equal(pledge_csv_parse("walker,rate\n1,2\n", 16, &c, &cause), -1);
	assert_non_null(strstr(cause, "sponsor"));
	free(cause);
}

/* ---- a flagged lap reviewed at another station (fold.h) ---- */

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* An entry of station st at T0 + at_s seconds; ref: a JSON ref or NULL. */
static int64_t
addx(struct day *d, const char *st, const char *kind, uint32_t walker, const char *ref, int at_s,
     const char *data)
{
	char w[32] = "", r[160] = "";
	int64_t seq = (int64_t)d->n + 1;
	char *cause = NULL;

	if (walker != 0)
		snprintf(w, sizeof w, ",\"walker\":%u", walker);
	if (ref != NULL)
		snprintf(r, sizeof r, ",\"ref\":%s", ref);
	d->lines[d->n] = xasprintf(
	    "{\"seq\":%lld,\"station\":\"%s\",\"kind\":\"%s\",\"wall_ms\":%lld,\"mono_ms\":%lld,"
	    "\"boot\":\"b1\",\"op\":\"test\"%s%s,\"data\":%s}",
	    (long long)seq, st, kind, (long long)(T0 + at_s * 1000LL), (long long)at_s * 1000LL, w,
	    r, data);
	if (entry_decode(d->lines[d->n], strlen(d->lines[d->n]), &d->es[d->n], &cause) != 0)
		fail_msg("%s", cause);
	d->n++;
	return seq;
}

/* Walker 7's counted laps over the lap point a and the table b (their
 * first na, nb entries), as the table's settlement counts them. */
static int64_t
xlaps(struct day *a, size_t na, struct day *b, size_t nb, int *disagree)
{
	struct pledge_source src[2] = {{"T1", ID_B, b->es, nb, NULL, 0},
	                               {"T2", ID_A, a->es, na, NULL, 0}};
	struct fold *f;
	struct pledge_book *book;
	struct pledge_tally *t;
	char *cause = NULL;
	int64_t laps;

	if (fold_run(b->es, nb, NULL, &f, &cause) != 0 ||
	    pledge_book_run(b->es, nb, f, &book, &cause) != 0 ||
	    pledge_tally_run(src, 2, book, f, &t, &cause) != 0)
		fail_msg("%s", cause);
	laps = pledge_tally_laps(t, 7, NULL);
	if (disagree != NULL) {
		/* the flag of the lap point's lap 5, as every fold judges it */
		struct fold_xreviews x = {0};
		unsigned char ia[ENTRY_ID_LEN], ib[ENTRY_ID_LEN];
		struct fold *fa;

		assert_int_equal(entry_id_parse(ID_A, 64, ia), 0);
		assert_int_equal(entry_id_parse(ID_B, 64, ib), 0);
		assert_int_equal(fold_run(a->es, na, NULL, &fa, NULL), 0);
		/* the other order: the lap point's reviews first */
		fold_xreviews_add(&x, ia, a->es, na, fa);
		fold_xreviews_add(&x, ib, b->es, nb, f);
		fold_xreviews_apply(fa, ia, &x);
		assert_int_equal(fold_counted_laps(fold_walker(fa, 7)), laps);
		*disagree = fold_lap_flag(fold_walker(fa, 7), 5)->disagree;
		fold_xreviews_free(&x);
		fold_free(fa);
	}
	pledge_tally_free(t);
	pledge_book_free(book);
	fold_free(f);
	return laps;
}

static void
test_reviews_across_stations(void **state)
{
	struct day a = {0}, b = {0};
	const char *xref = "{\"ledger\":\"" ID_A "\",\"seq\":5}";
	int64_t mine, theirs;
	char ref[32];
	int dis = -1;

	(void)state;
	/* the lap point: lap 5 scanned 30 s after lap 4, flagged */
	addx(&a, "T2", "event", 0, NULL, 0,
	     "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"W1\"}");
	addx(&a, "T2", "settings", 0, NULL, 1, "{\"key\":\"min-lap\",\"value\":\"120\"}");
	addx(&a, "T2", "checkin", 7, NULL, 10, "{\"how\":\"scan\"}");
	addx(&a, "T2", "lap", 7, NULL, 300, "{\"how\":\"scan\"}");
	addx(&a, "T2", "lap", 7, NULL, 330, "{\"how\":\"scan\"}");
	/* the table: the walker and a per-lap pledge */
	addx(&b, "T1", "event", 0, NULL, 0,
	     "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"W1\"}");
	addx(&b, "T1", "walker", 7, NULL, 2, "{\"name\":\"Ana\"}");
	addx(&b, "T1", "pledge", 7, NULL, 3, "{\"sponsor\":\"Bob\",\"kind\":\"lap\",\"rate\":100}");
	/* not reviewed: the flagged lap waits, not billed */
	assert_int_equal(xlaps(&a, a.n, &b, b.n, NULL), 1);
	/* accepted at the table: billed */
	mine = addx(&b, "T1", "lap-review", 7, xref, 1000, "{\"verdict\":\"accept\"}");
	assert_int_equal(xlaps(&a, a.n, &b, b.n, &dis), 2);
	assert_int_equal(dis, 0);
	/* a review naming a lap that is not flagged, or another walker's, does nothing */
	addx(&b, "T1", "lap-review", 7, "{\"ledger\":\"" ID_A "\",\"seq\":4}", 1001,
	     "{\"verdict\":\"reject\"}");
	addx(&b, "T1", "lap-review", 8, xref, 1002, "{\"verdict\":\"reject\"}");
	assert_int_equal(xlaps(&a, a.n, &b, b.n, NULL), 2);
	/* rejected at the lap point earlier (by its stamp), arriving later: the
	 * table's later accept stands, a disagreement */
	theirs = addx(&a, "T2", "lap-review", 7, "5", 900, "{\"verdict\":\"reject\"}");
	assert_int_equal(xlaps(&a, a.n, &b, b.n, &dis), 2);
	assert_int_equal(dis, 1);
	/* the lap point's fold alone: its own say */
	assert_int_equal(xlaps(&a, a.n, &b, 3, NULL), 1);
	/* the table's review annulled: the lap point's reject */
	snprintf(ref, sizeof ref, "%lld", (long long)mine);
	addx(&b, "T1", "annul", 7, ref, 1100, "{\"reason\":\"wrong lap\"}");
	assert_int_equal(xlaps(&a, a.n, &b, b.n, &dis), 1);
	assert_int_equal(dis, 0);
	/* the table accepts again, later: counted; then the lap point accepts
	 * too (later still): agreed */
	addx(&b, "T1", "lap-review", 7, xref, 1200, "{\"verdict\":\"accept\"}");
	assert_int_equal(xlaps(&a, a.n, &b, b.n, &dis), 2);
	assert_int_equal(dis, 1);
	addx(&a, "T2", "lap-review", 7, "5", 1300, "{\"verdict\":\"accept\"}");
	assert_int_equal(xlaps(&a, a.n, &b, b.n, &dis), 2);
	assert_int_equal(dis, 0); /* each ledger's say is its last review */
	/* the lap point's last say now reject, the latest: not counted */
	addx(&a, "T2", "lap-review", 7, "5", 1400, "{\"verdict\":\"reject\"}");
	assert_int_equal(xlaps(&a, a.n, &b, b.n, &dis), 1);
	assert_int_equal(dis, 1);
	(void)theirs;
	day_free(&a);
	day_free(&b);
}

/* Equal stamps: the ledger whose identity is greater; the fold brought up
 * to date by fold_more and applied again agrees with a fold from entry 1. */
static void
test_reviews_across_tie_and_more(void **state)
{
	struct day a = {0}, b = {0};
	struct fold_xreviews x = {0};
	unsigned char ia[ENTRY_ID_LEN], ib[ENTRY_ID_LEN];
	struct fold *fa, *fb;

	(void)state;
	assert_int_equal(entry_id_parse(ID_A, 64, ia), 0);
	assert_int_equal(entry_id_parse(ID_B, 64, ib), 0);
	addx(&a, "T2", "event", 0, NULL, 0,
	     "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"W1\"}");
	addx(&a, "T2", "settings", 0, NULL, 1, "{\"key\":\"min-lap\",\"value\":\"120\"}");
	addx(&a, "T2", "checkin", 7, NULL, 10, "{\"how\":\"scan\"}");
	addx(&a, "T2", "lap", 7, NULL, 300, "{\"how\":\"scan\"}");
	addx(&a, "T2", "lap", 7, NULL, 330, "{\"how\":\"scan\"}");
	addx(&b, "T1", "event", 0, NULL, 0,
	     "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"W1\"}");
	addx(&b, "T1", "lap-review", 7, "{\"ledger\":\"" ID_A "\",\"seq\":5}", 500,
	     "{\"verdict\":\"accept\"}");
	assert_int_equal(fold_run(b.es, b.n, NULL, &fb, NULL), 0);
	fold_xreviews_add(&x, ib, b.es, b.n, fb);
	assert_int_equal(x.n, 1);
	assert_true(fold_xreviews_name(&x, ia));
	assert_false(fold_xreviews_name(&x, ib));
	/* the table's fold: nothing of it (another ledger's lap) */
	assert_int_equal(fold_figures(fb)->accepted_laps, 0);
	assert_int_equal(fold_run(a.es, a.n, NULL, &fa, NULL), 0);
	fold_xreviews_apply(fa, ia, &x);
	assert_int_equal(fold_counted_laps(fold_walker(fa, 7)), 2);
	assert_int_equal(fold_figures(fa)->accepted_laps, 1);
	assert_true(fold_lap_flag(fold_walker(fa, 7), 5)->review_other);
	/* the lap point rejects at the same stamp: "b..." > "a...", the table's stands */
	addx(&a, "T2", "lap-review", 7, "5", 500, "{\"verdict\":\"reject\"}");
	assert_int_equal(fold_more(fa, &a.es[5], 1), 0);
	assert_int_equal(fold_counted_laps(fold_walker(fa, 7)), 1); /* before applying again */
	fold_xreviews_apply(fa, ia, &x);
	assert_int_equal(fold_counted_laps(fold_walker(fa, 7)), 2);
	assert_int_equal(fold_figures(fa)->accepted_laps, 1);
	assert_int_equal(fold_figures(fa)->rejected_laps, 0);
	assert_true(fold_lap_flag(fold_walker(fa, 7), 5)->disagree);
	/* no review of another's any more: back to its own say */
	x.n = 0;
	fold_xreviews_apply(fa, ia, &x);
	assert_int_equal(fold_counted_laps(fold_walker(fa, 7)), 1);
	assert_int_equal(fold_figures(fa)->rejected_laps, 1);
	fold_xreviews_free(&x);
	fold_free(fa);
	fold_free(fb);
	day_free(&a);
	day_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flat),
	    cmocka_unit_test(test_per_lap_and_caps),
	    cmocka_unit_test(test_per_mile_quarter_mile_lap),
	    cmocka_unit_test(test_kind_words),
	    cmocka_unit_test(test_annulled_laps_and_pledges),
	    cmocka_unit_test(test_payments_and_gift),
	    cmocka_unit_test(test_certified_then_reopened),
	    cmocka_unit_test(test_entry_fields),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_reviews_across_stations),
	    cmocka_unit_test(test_reviews_across_tie_and_more),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
