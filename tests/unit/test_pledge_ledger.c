/* test_pledge_ledger.c — the settlement on real sqlite files: laps counted
 * at the welcome table and at the lap point (a peer's entries, stored as
 * ledger_peer_store stores them) add up for the walker's pledges; the
 * certification records the lap point's last entry, so its later laps are
 * walked, not billed, until a recorded reopen; a payment is refused before
 * the certification for a per-lap pledge, spread and its gift said after. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "sync_fixture.h"

#include "ledger.h"
#include "pledge.h"
#include "util.h"

struct fixture {
	struct sync_fixture s; /* a: the lap point (T2); b: the welcome table (T1) */
	size_t stored;         /* a's entries stored at b */
};

/* a's entries since the last time, stored at b as the sync stores them. */
static void
sync_a_to_b(struct fixture *f)
{
	struct ledger_peer_batch b;
	char *cause = NULL;
	size_t added;

	sync_fixture_collect(&f->s);
	b = sync_fixture_batch(&f->s, (int64_t)f->stored + 1, (int64_t)f->s.n);
	if (ledger_peer_store(f->s.b, &b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause) != 0)
		fail_msg("%s", cause);
	f->stored = f->s.n;
}

static void
laps(struct ledger *l, int n)
{
	struct ledger_scan out;
	char *cause = NULL;

	for (int i = 0; i < n; i++)
		if (ledger_lap(l, 1, "test", &out, &cause) != 0)
			fail_msg("%s", cause);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *cause = NULL;
	uint32_t id;

	sync_fixture_open(&f->s, "pledge");
	assert_int_equal(
	    ledger_walker_add(f->s.a, "Ana", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(
	    ledger_walker_add(f->s.b, "Ana", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 1);
	assert_int_equal(ledger_set(f->s.b, "lap-length", "0.25mi", "test", &cause), 0);
	/* laps by hand in a row, no shortest lap between them (fold.h: a lap by
	 * hand sooner than min-lap is refused) */
	assert_int_equal(ledger_set(f->s.a, "min-lap", "0", "test", &cause), 0);
	assert_int_equal(ledger_set(f->s.b, "min-lap", "0", "test", &cause), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sync_fixture_close(&f->s);
	free(f);
	return 0;
}

static int64_t
pledge(struct fixture *f, const char *sponsor, enum pledge_kind k, int64_t rate, int64_t max)
{
	struct pledge p;
	char *cause = NULL;
	int64_t seq;

	memset(&p, 0, sizeof p);
	p.walker = 1;
	p.sponsor = (char *)sponsor;
	p.t.kind = k;
	p.t.rate_cents = rate;
	p.t.max_cents = max;
	if (ledger_pledge_add(f->s.b, &p, "test", &seq, &cause) != 0)
		fail_msg("%s", cause);
	return seq;
}

/* The settled line of pledge seq. */
static struct ledger_pledge_line
line(struct fixture *f, int64_t seq, struct ledger_settlement *s)
{
	char *cause = NULL;

	if (ledger_settle(f->s.b, 1, s, &cause) != 0)
		fail_msg("%s", cause);
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].p->seq == seq)
			return s->v[i];
	fail_msg("no pledge %lld", (long long)seq);
	return s->v[0];
}

static void
test_every_station_certified(void **state)
{
	struct fixture *f = *state;
	struct ledger_settlement s;
	struct ledger_pledge_line ln;
	int64_t per_lap, per_mile, seq, gift;
	char *cause = NULL;

	per_lap = pledge(f, "Bob", PLEDGE_LAP, 100, 0);
	per_mile = pledge(f, "Bob", PLEDGE_MILE, 400, 0);
	laps(f->s.b, 2); /* at the table */
	laps(f->s.a, 5); /* at the lap point */
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, 2); /* the lap point's not here yet */
	ledger_settlement_clear(&s);
	sync_a_to_b(f);
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, 7);
	assert_int_equal(ln.owed_cents, 700);
	assert_int_equal(ln.final, 0);
	assert_int_equal(s.nstations, 2);
	ledger_settlement_clear(&s);
	ln = line(f, per_mile, &s);
	assert_int_equal(ln.owed_cents, 700); /* 7 x 0.25 mi x $4 */
	ledger_settlement_clear(&s);

	/* not final: no payment for a per-lap pledge yet */
	assert_int_equal(ledger_pledge_pay(f->s.b, 1, &per_lap, 1, 700, RULES_CASH, NULL, "test",
	                                   &seq, &gift, &cause),
	                 -1);
	assert_non_null(strstr(cause, "not certified"));
	free(cause);
	cause = NULL;

	assert_int_equal(ledger_certify(f->s.b, "test", &seq, &cause), 0);
	/* the lap point walks on: not billed */
	laps(f->s.a, 3);
	sync_a_to_b(f);
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, 7);
	assert_int_equal(ln.final, 1);
	ledger_settlement_clear(&s);
	/* nor is a lap here after it */
	laps(f->s.b, 1);
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, 7);
	ledger_settlement_clear(&s);

	/* $20 for both of Bob's pledges ($14 owed): $6 is his gift */
	{
		int64_t both[2] = {per_lap, per_mile};
		assert_int_equal(ledger_pledge_pay(f->s.b, 1, both, 2, 2000, RULES_CHECK, "77",
		                                   "test", &seq, &gift, &cause),
		                 0);
		assert_int_equal(gift, 600);
	}
	ln = line(f, per_mile, &s);
	assert_int_equal(ln.paid_cents, 700);
	assert_int_equal(ln.due_cents, 0);
	assert_int_equal(s.due_cents, 0);
	ledger_settlement_clear(&s);

	/* reopened: every lap held counts again (11), owed more */
	assert_int_equal(ledger_certify_reopen(f->s.b, "late laps", "test", &seq, &cause), 0);
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, 11);
	assert_int_equal(ln.owed_cents, 1100);
	assert_int_equal(ln.due_cents, 400);
	assert_int_equal(ln.final, 0);
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_check(f->s.b, &cause), 0);
	assert_int_equal(ledger_rebuild(f->s.b, &cause), 0);
	assert_int_equal(ledger_check(f->s.b, &cause), 0);
}

/* Walker w's settlement (their own entries read) says what the settlement
 * of every walker says of them: line by line, the certification and how far
 * each station's laps were counted. */
static void
same_as_all(struct fixture *f, uint32_t w)
{
	struct ledger_settlement one, all;
	char *cause = NULL;
	size_t i, j = 0;

	if (ledger_settle(f->s.b, w, &one, &cause) != 0 ||
	    ledger_settle(f->s.b, 0, &all, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(one.cert_seq, all.cert_seq);
	if (all.cert_seq != 0) /* else now, when each was made */
		assert_int_equal(one.as_of_wall_ms, all.as_of_wall_ms);
	assert_int_equal(one.lap_cap, all.lap_cap);
	assert_int_equal(one.lap.milli, all.lap.milli);
	assert_int_equal(one.nstations, all.nstations);
	for (i = 0; i < one.nstations; i++)
		assert_int_equal(one.stations[i].upto_seq, all.stations[i].upto_seq);
	for (i = 0; i < all.n; i++) {
		if (all.v[i].p->walker != w)
			continue;
		assert_true(j < one.n);
		assert_int_equal(one.v[j].p->seq, all.v[i].p->seq);
		assert_int_equal(one.v[j].counted_laps, all.v[i].counted_laps);
		assert_int_equal(one.v[j].owed_cents, all.v[i].owed_cents);
		assert_int_equal(one.v[j].paid_cents, all.v[i].paid_cents);
		assert_int_equal(one.v[j].due_cents, all.v[i].due_cents);
		assert_int_equal(one.v[j].final, all.v[i].final);
		j++;
	}
	assert_int_equal(j, one.n);
	ledger_settlement_clear(&one);
	ledger_settlement_clear(&all);
}

/* One walker's settlement reads only their entries (and the station's
 * settings, links, certifications): through annulled laps, pledges and
 * payments, other walkers' pledges, a certification then settings and laps
 * after it, a reopen, it comes to what the whole station's does. */
static void
test_one_walker_as_all(void **state)
{
	struct fixture *f = *state;
	struct ledger_scan sc;
	int64_t a, b, c, seq, gift, lap_seq, s1;
	int need = 0;
	uint32_t id;
	char *cause = NULL;

	assert_int_equal(
	    ledger_walker_add(f->s.b, "Cy", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	a = pledge(f, "Bob", PLEDGE_LAP, 100, 500);
	b = pledge(f, "Dee", PLEDGE_FLAT, 2500, 0);
	c = pledge(f, "Eve", PLEDGE_MILE, 300, 0);
	{ /* Cy's pledges and laps: not Ana's */
		struct pledge p = {.walker = id, .sponsor = "Fay", .t = {PLEDGE_LAP, 50, 0}};
		assert_int_equal(ledger_pledge_add(f->s.b, &p, "test", &seq, &cause), 0);
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(ledger_lap(f->s.b, id, "test", &sc, &cause), 0);
	laps(f->s.b, 4);
	assert_int_equal(ledger_lap(f->s.b, 1, "test", &sc, &cause), 0);
	lap_seq = sc.seq;
	laps(f->s.a, 2);
	/* a lap annulled at the lap point */
	assert_int_equal(ledger_lap(f->s.a, 1, "test", &sc, &cause), 0);
	assert_int_equal(
	    ledger_annul(f->s.a, sc.seq, "twice", "test", RULES_COORDINATOR, &need, NULL, &cause),
	    0);
	sync_a_to_b(f);
	same_as_all(f, 1);
	same_as_all(f, id);
	{
		struct ledger_settlement one;
		assert_int_equal(ledger_settle(f->s.b, 1, &one, &cause), 0);
		assert_int_equal(one.v[0].counted_laps, 5 + 2); /* here and there */
		ledger_settlement_clear(&one);
	}
	/* a lap and a pledge annulled, a payment */
	assert_int_equal(
	    ledger_annul(f->s.b, lap_seq, "twice", "test", RULES_COORDINATOR, &need, NULL, &cause),
	    0);
	assert_int_equal(
	    ledger_annul(f->s.b, b, "wrong", "test", RULES_COORDINATOR, &need, NULL, &cause), 0);
	assert_int_equal(ledger_set(f->s.b, "pledge-lap-cap", "5", "test", &cause), 0);
	same_as_all(f, 1);
	assert_int_equal(ledger_certify(f->s.b, "test", &seq, &cause), 0);
	same_as_all(f, 1);
	assert_int_equal(
	    ledger_pledge_pay(f->s.b, 1, &a, 1, 900, RULES_CASH, NULL, "test", &seq, &gift, &cause),
	    0);
	assert_int_equal(gift, 400);
	/* after the certification: laps, the lap length and the cap changed, an
	 * annulment of a lap it counted: none of it counts */
	laps(f->s.b, 2);
	laps(f->s.a, 2);
	sync_a_to_b(f);
	assert_int_equal(ledger_set(f->s.b, "lap-length", "400m", "test", &cause), 0);
	assert_int_equal(ledger_set(f->s.b, "pledge-lap-cap", "0", "test", &cause), 0);
	assert_int_equal(ledger_annul(f->s.b, lap_seq - 1, "test", "test", RULES_COORDINATOR, &need,
	                              NULL, &cause),
	                 0);
	same_as_all(f, 1);
	same_as_all(f, id);
	assert_int_equal(ledger_certify_reopen(f->s.b, "late laps", "test", &s1, &cause), 0);
	same_as_all(f, 1);
	same_as_all(f, id);
	same_as_all(f, 99); /* nobody's */
	/* inside a batch: its entries, not yet committed, are read too */
	assert_int_equal(ledger_batch_begin(f->s.b, &cause), 0);
	laps(f->s.b, 2);
	same_as_all(f, 1);
	assert_int_equal(ledger_batch_end(f->s.b, 1, &cause), 0);
	(void)c;
}

/* A pledge of walker w at station l (ext_id may be NULL). */
static int64_t
pledge_at(struct ledger *l, uint32_t w, const char *sponsor, enum pledge_kind k, int64_t rate,
          const char *ext_id)
{
	struct pledge p = {.walker = w, .sponsor = (char *)sponsor, .t = {k, rate, 0}};
	char *cause = NULL;
	int64_t seq;

	p.ext_id = (char *)ext_id;
	if (ledger_pledge_add(l, &p, "test", &seq, &cause) != 0)
		fail_msg("%s", cause);
	return seq;
}

struct pledged {
	int64_t blue, none, total;
};

static int
pledged_cb(const char *team, int64_t cents, void *arg)
{
	struct pledged *p = arg;

	if (strcmp(team, "Blue") == 0)
		p->blue = cents;
	else if (strcmp(team, "") == 0)
		p->none = cents;
	else
		fail_msg("team \"%s\"", team);
	return 0;
}

static struct pledged
pledged(struct fixture *f)
{
	struct pledged p = {0};
	char *cause = NULL;

	if (ledger_event_pledged(f->s.b, pledged_cb, &p, &p.total, &cause) != 0)
		fail_msg("%s", cause);
	return p;
}

static void
pay(struct ledger *l, uint32_t w, int64_t seq, int64_t cents)
{
	int64_t at, gift;
	char *cause = NULL;

	if (ledger_pledge_pay(l, w, &seq, 1, cents, RULES_CASH, NULL, "test", &at, &gift, &cause) !=
	    0)
		fail_msg("%s", cause);
}

/* The walkers' display's pledged sums are the event's: the pledges held at
 * the lap point count at the table too, the same imported pledge (its
 * external id) held at both once, per-lap pledges on the laps counted at
 * both, less what was paid at either; a pledge annulled there, once its
 * annulment arrives, no more. */
static void
test_event_pledged(void **state)
{
	struct fixture *f = *state;
	struct pledged p;
	struct ledger_scan sc;
	int64_t ten, x1;
	uint32_t id;
	int need = 0;
	char *cause = NULL;

	/* laps in a row at both stations are not doubtful here (the event's
	 * judgement across stations: ledger_event_people) */
	assert_int_equal(ledger_set(f->s.b, "holdoff", "0", "test", &cause), 0);
	/* Cy (walker 2, team Blue) registered at both */
	assert_int_equal(
	    ledger_walker_add(f->s.b, "Cy", "Blue", NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 2);
	assert_int_equal(
	    ledger_walker_add(f->s.a, "Cy", "Blue", NULL, NULL, NULL, "test", &id, &cause), 0);
	/* at the table: Ana's imported $25 (X-1, $5 paid here), Cy's $1 a lap */
	x1 = pledge_at(f->s.b, 1, "Bob", PLEDGE_FLAT, 2500, "X-1");
	pay(f->s.b, 1, x1, 500);
	assert_int_equal(pledge_at(f->s.b, 2, "Dee", PLEDGE_LAP, 100, NULL), x1 + 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(ledger_lap(f->s.b, 2, "test", &sc, &cause), 0);
	/* at the lap point: the same X-1, Cy's $10 ($4 paid there), and laps */
	pledge_at(f->s.a, 1, "Bob", PLEDGE_FLAT, 2500, "X-1");
	ten = pledge_at(f->s.a, 2, "Eve", PLEDGE_FLAT, 1000, NULL);
	pay(f->s.a, 2, ten, 400);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ledger_lap(f->s.a, 2, "test", &sc, &cause), 0);

	p = pledged(f); /* the table's own only, so far */
	assert_int_equal(p.blue, 200);
	assert_int_equal(p.none, 2000);
	assert_int_equal(p.total, 2200);
	sync_a_to_b(f);
	p = pledged(f);
	assert_int_equal(p.blue, 500 + 600); /* 5 laps at $1; $10 less $4 */
	assert_int_equal(p.none, 2000);      /* X-1 once */
	assert_int_equal(p.total, 3100);
	p = pledged(f); /* again, from what is kept */
	assert_int_equal(p.total, 3100);

	/* the $10 annulled at the lap point: the $4 stays a gift */
	assert_int_equal(
	    ledger_annul(f->s.a, ten, "wrong", "test", RULES_COORDINATOR, &need, NULL, &cause), 0);
	sync_a_to_b(f);
	p = pledged(f);
	assert_int_equal(p.blue, 500);
	assert_int_equal(p.total, 2500);
	/* paid in full at the table: nothing pledged left for Ana */
	pay(f->s.b, 1, x1, 2000);
	p = pledged(f);
	assert_int_equal(p.none, 0);
	assert_int_equal(p.total, 500);
	/* Cy's $1 a lap annulled here: nothing pledged is left */
	assert_int_equal(
	    ledger_annul(f->s.b, x1 + 2, "wrong", "test", RULES_COORDINATOR, &need, NULL, &cause),
	    0);
	p = pledged(f);
	assert_int_equal(p.blue, 0);
	assert_int_equal(p.total, 0);
}

/* A ledger of schema 6 holding a lap point's entries (no index of them):
 * opened, the index is made, and one walker's settlement counts the lap
 * point's laps; watctl check finds the index as the entries say, and a
 * row missing from it. */
static void
test_peer_index_migrated(void **state)
{
	struct fixture *f = *state;
	struct ledger_settlement s;
	char *cause = NULL;
	sqlite3 *db;

	pledge(f, "Bob", PLEDGE_LAP, 100, 0);
	laps(f->s.a, 3);
	sync_a_to_b(f);
	ledger_free(f->s.b);
	f->s.b = NULL;
	assert_int_equal(sqlite3_open(f->s.pb, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "DROP TABLE peer_index; PRAGMA user_version = 6", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ledger_open(f->s.pb, &f->s.b, &cause), 0);
	assert_int_equal(ledger_settle(f->s.b, 1, &s, &cause), 0);
	assert_int_equal(s.v[0].counted_laps, 3);
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_check(f->s.b, &cause), 0);
	ledger_free(f->s.b);
	assert_int_equal(sqlite3_open(f->s.pb, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "DELETE FROM peer_index WHERE walker = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ledger_open(f->s.pb, &f->s.b, &cause), 0);
	assert_int_equal(ledger_check(f->s.b, &cause), -1);
	assert_non_null(strstr(cause, "index of other stations' entries"));
	free(cause);
	cause = NULL;
	assert_int_equal(ledger_rebuild(f->s.b, &cause), 0);
	assert_int_equal(ledger_check(f->s.b, &cause), 0);
}

/* The laps a settlement was made on: in people's words on the kiosk (the
 * station as the Stations screen names it, a time), the station ids and
 * entry numbers kept for the statement's fine print. */
static void
test_settlement_words(void **state)
{
	struct fixture *f = *state;
	struct ledger_settlement s;
	char words[256], basis[256], *cause = NULL;

	assert_int_equal(ledger_set(f->s.a, "role", "lap", "test", &cause), 0);
	pledge(f, "Bob", PLEDGE_LAP, 100, 0);
	laps(f->s.b, 1);
	if (ledger_settle(f->s.b, 1, &s, &cause) != 0)
		fail_msg("%s", cause);
	ledger_settlement_words(&s, words, sizeof words);
	ledger_settlement_clear(&s);
	assert_non_null(strstr(words, "Laps counted up to "));
	assert_non_null(strstr(words, " at this table."));

	laps(f->s.a, 2);
	sync_a_to_b(f); /* last heard from long ago (seen_wall_ms 1): stale */
	if (ledger_settle(f->s.b, 1, &s, &cause) != 0)
		fail_msg("%s", cause);
	ledger_settlement_words(&s, words, sizeof words);
	ledger_settlement_basis(&s, basis, sizeof basis);
	ledger_settlement_clear(&s);
	assert_non_null(strstr(words, "Lap point T2 not heard from since "));
	assert_non_null(strstr(words, "at this table and up to "));
	assert_null(strstr(words, "entry"));
	assert_null(strstr(words, "T1"));
	assert_non_null(strstr(basis, "T1 to entry "));
	assert_non_null(strstr(basis, "T2 to entry "));
}

static void
test_statement_number(void **state)
{
	struct fixture *f = *state;
	struct ledger_settlement s;
	char id[128], *said = NULL, *cause = NULL;
	int64_t seq, gift;
	int64_t p = pledge(f, "Cy", PLEDGE_FLAT, 2500, 0);

	assert_int_equal(ledger_settle(f->s.b, 1, &s, &cause), 0);
	ledger_statement_id(f->s.b, &s, 0, id, sizeof id);
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_statement_check(f->s.b, id, &said, &cause), 0);
	assert_non_null(strstr(said, "matches the ledger"));
	free(said);
	/* paid since: out of date, with the current number */
	assert_int_equal(ledger_pledge_pay(f->s.b, 1, &p, 1, 1000, RULES_CASH, NULL, "test", &seq,
	                                   &gift, &cause),
	                 0);
	assert_int_equal(ledger_statement_check(f->s.b, id, &said, &cause), 1);
	assert_non_null(strstr(said, "out of date"));
	free(said);
	/* another ledger's number is refused */
	id[strlen(id) - 1] = id[strlen(id) - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(ledger_statement_check(f->s.b, id, &said, &cause), -1);
	free(cause);
}

/* The same person registered at the lap point under another number, linked
 * here (a "link" entry): their laps there count for the pledges here; the
 * link annulled, they do not. */
static void
test_linked_walker(void **state)
{
	struct fixture *f = *state;
	struct ledger_settlement s;
	struct ledger_pledge_line ln;
	struct ledger_scan out;
	char *cause = NULL;
	int64_t p, link, seq;
	uint32_t id;

	p = pledge(f, "Bob", PLEDGE_LAP, 100, 0);
	laps(f->s.b, 2);
	assert_int_equal(
	    ledger_walker_add(f->s.a, "Ana R", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 2);
	for (int i = 0; i < 4; i++)
		if (ledger_lap(f->s.a, 2, "test", &out, &cause) != 0)
			fail_msg("%s", cause);
	sync_a_to_b(f);
	ln = line(f, p, &s);
	assert_int_equal(ln.counted_laps, 2); /* walker 2 there is someone else, so far */
	ledger_settlement_clear(&s);
	if (ledger_link(f->s.b, 1, "T2", 2, "test", &link, &cause) != 0)
		fail_msg("%s", cause);
	ln = line(f, p, &s);
	assert_int_equal(ln.counted_laps, 6);
	assert_int_equal(ln.owed_cents, 600);
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_annul(f->s.b, link, "not the same Ana", "test", RULES_COORDINATOR,
	                              NULL, &seq, &cause),
	                 0);
	ln = line(f, p, &s);
	assert_int_equal(ln.counted_laps, 2);
	ledger_settlement_clear(&s);
}

/* b's entries (all of them), stored at a as the sync stores them: the lap
 * point hears of the table's reviews. */
struct b_lines {
	char *lines[128];
	size_t lens[128];
	unsigned char hash[LEDGER_HASH_LEN];
	size_t n;
};

static int
b_line_cb(const struct ledger_entry *e, void *arg)
{
	struct b_lines *b = arg;

	assert_true(b->n < 128);
	b->lines[b->n] = xstrdup(e->line);
	b->lens[b->n] = strlen(e->line);
	memcpy(b->hash, e->hash, LEDGER_HASH_LEN);
	b->n++;
	return 0;
}

static void
sync_b_to_a(struct fixture *f)
{
	struct b_lines bl = {0};
	struct ledger_peer_batch b;
	unsigned char idb[LEDGER_HASH_LEN];
	char *cause = NULL;
	size_t added;

	assert_int_equal(ledger_identity(f->s.b, idb), 0);
	if (ledger_entries(f->s.b, 1, b_line_cb, &bl, &cause) != 0)
		fail_msg("%s", cause);
	memset(&b, 0, sizeof b);
	b.ledger = idb;
	b.station = "T1";
	b.cert = "cert";
	b.first_seq = 1;
	b.n = bl.n;
	b.lines = (const char *const *)bl.lines;
	b.lens = bl.lens;
	b.head_hash = bl.hash;
	b.head_sig = f->s.sig;
	b.seen_wall_ms = 1;
	b.format = 1;
	if (ledger_peer_store(f->s.a, &b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause) != 0)
		fail_msg("%s", cause);
	for (size_t i = 0; i < bl.n; i++)
		free(bl.lines[i]);
}

static int
people_cb(const struct ledger_event_person *p, void *arg)
{
	if (p->id == 1)
		*(int64_t *)arg = p->laps;
	return 0;
}

static int
conflict_cb(const struct ledger_conflict *x, void *arg)
{
	if (x->kind == LEDGER_CONFLICT_LAP_REVIEW)
		snprintf(arg, 600, "%s", x->text);
	return 0;
}

/* The lap point's clock (a fake one: scans seconds apart). */
static struct stamp a_now;
static void
a_clock(struct stamp *st, void *arg)
{
	(void)arg;
	*st = a_now;
}

static void
a_scan_as(struct fixture *f, uint32_t walker, int role, int64_t after_ms, struct ledger_scan *out)
{
	char code[BADGE_CODE_MAX], *cause = NULL;

	a_now.wall_ms += after_ms;
	a_now.mono_ms += after_ms;
	assert_int_equal(ledger_badge_code(f->s.a, walker, code, sizeof code, &cause), 0);
	if (ledger_scan(f->s.a, code, strlen(code), role, "test", out, &cause) != 0)
		fail_msg("%s", cause);
}

static void
a_scan(struct fixture *f, int64_t after_ms, struct ledger_scan *out)
{
	a_scan_as(f, 1, RULES_ROLE_LAP, after_ms, out);
}

/* A lap scanned too soon at the lap point, reviewed at the welcome table:
 * listed there with the lap point's name, billed once accepted there, the
 * event's figures agree; a reject at the lap point stamped earlier does not
 * undo the table's later accept (listed as a disagreement); the table's
 * review annulled, the lap point's stands. */
static void
test_lap_reviewed_at_table(void **state)
{
	struct fixture *f = *state;
	struct ledger_settlement s;
	struct ledger_pledge_line ln;
	struct ledger_event_figures ef;
	struct ledger_flagged *fl = NULL;
	struct ledger_scan sc;
	size_t n;
	int64_t per_lap, lapx, lapb, review, seq, base, seen, people = -1;
	uint32_t id;
	char conf[600];
	char *cause = NULL;

	a_now.wall_ms = 1777730400000LL; /* 2026-05-02 14:00 UTC: before the table's clock */
	a_now.mono_ms = 1000000;
	snprintf(a_now.boot, sizeof a_now.boot, "a-boot");
	ledger_set_clock(f->s.a, a_clock, NULL);
	assert_int_equal(ledger_set(f->s.a, "min-lap", "60", "test", &cause), 0);
	assert_int_equal(ledger_set(f->s.a, "role", "lap", "test", &cause), 0);
	per_lap = pledge(f, "Bob", PLEDGE_LAP, 100, 0);
	a_scan(f, 1000, &sc);  /* check-in */
	a_scan(f, 70000, &sc); /* lap 1 */
	assert_int_equal(sc.verdict.outcome, RULES_LAP);
	a_scan(f, 10000, &sc); /* too soon: flagged */
	assert_int_equal(sc.verdict.outcome, RULES_LAP_TOO_SOON);
	lapx = sc.seq;
	seen = sc.laps;
	/* walker 2 checked in at the lap point, a first lap 10 s after: the
	 * scan before it is the check-in */
	assert_int_equal(
	    ledger_walker_add(f->s.a, "Bo", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	a_scan_as(f, id, RULES_ROLE_WELCOME, 1000, &sc);
	a_scan_as(f, id, RULES_ROLE_LAP, 10000, &sc);
	assert_int_equal(sc.verdict.outcome, RULES_LAP_TOO_SOON);
	lapb = sc.seq;
	sync_a_to_b(f);
	assert_int_equal(ledger_flagged_laps(f->s.b, 1, &fl, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fl[1].seq, lapb);
	assert_int_equal(fl[1].walker, id);
	assert_string_equal(fl[1].name, "Bo");
	assert_true(fl[1].has_prev);
	assert_string_equal(fl[1].prev_kind, "checkin");
	assert_int_equal(fl[1].since_ms, 10000);
	free(fl);
	assert_int_equal(
	    ledger_lap_review_peer(f->s.b, "T2", lapb, 0, "no lap", "coord", &seq, &cause), 0);

	/* listed at the table, the lap point named, waiting; not billed */
	assert_int_equal(ledger_flagged_laps(f->s.b, 1, &fl, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_true(fl[0].peer);
	assert_int_equal(fl[0].seq, lapx);
	assert_string_equal(fl[0].where, "Lap point T2");
	assert_string_equal(fl[0].station, "T2");
	assert_string_equal(fl[0].name, "Ana");
	assert_true(fl[0].has_prev);
	assert_string_equal(fl[0].prev_kind, "lap");
	assert_false(fl[0].has_next);
	assert_int_equal(fl[0].since_ms, 10000);
	free(fl);
	ln = line(f, per_lap, &s);
	base = ln.counted_laps; /* what the walker saw at the lap point */
	assert_int_equal(base, seen);
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_event_figures(f->s.b, 1, &ef, &cause), 0);
	assert_int_equal(ef.walker_laps, base);
	assert_int_equal(ef.walker_pending, 1); /* the walker card says 1 lap to review */
	ledger_event_figures_clear(&ef);

	/* not a flagged lap, or not a lap: refused in words */
	assert_int_equal(
	    ledger_lap_review_peer(f->s.b, "T2", lapx - 1, 1, NULL, "coord", &seq, &cause), -1);
	assert_non_null(strstr(cause, "was not flagged"));
	free(cause);
	cause = NULL;
	assert_int_equal(ledger_lap_review_peer(f->s.b, "T2", 1, 1, NULL, "coord", &seq, &cause),
	                 -1);
	assert_non_null(strstr(cause, "not a lap"));
	free(cause);
	cause = NULL;
	assert_int_equal(ledger_lap_review_peer(f->s.b, "T9", lapx, 1, NULL, "coord", &seq, &cause),
	                 -1);
	free(cause);
	cause = NULL;

	/* accepted at the table: billed, and counted in the event's figures */
	assert_int_equal(
	    ledger_lap_review_peer(f->s.b, "T2", lapx, 1, NULL, "coord", &review, &cause), 0);
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, base + 1);
	assert_int_equal(ln.owed_cents, 100 * (base + 1));
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_event_figures(f->s.b, 1, &ef, &cause), 0);
	assert_int_equal(ef.walker_laps, base + 1);
	assert_int_equal(ef.walker_pending, 0);
	assert_int_equal(ef.station[1].fig.accepted_laps, 1);
	ledger_event_figures_clear(&ef);
	assert_int_equal(ledger_event_people(f->s.b, people_cb, &people, &cause), 0);
	assert_int_equal(people, base + 1);

	/* the lap point, before and after it holds the table's entries: its lap
	 * review, its event figures, card and leaderboard take the table's verdict */
	assert_int_equal(ledger_flagged_laps(f->s.a, 1, &fl, &n, &cause), 0);
	assert_int_equal(n, 2); /* Ana's and Bo's */
	free(fl);
	assert_int_equal(ledger_event_figures(f->s.a, 1, &ef, &cause), 0);
	assert_int_equal(ef.walker_laps, base);
	assert_int_equal(ef.walker_pending, 1);
	ledger_event_figures_clear(&ef);
	sync_b_to_a(f);
	assert_int_equal(ledger_flagged_laps(f->s.a, 1, &fl, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(fl);
	assert_int_equal(ledger_flagged_laps(f->s.a, 0, &fl, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_false(fl[0].peer);
	assert_int_equal(fl[0].seq, lapx);
	assert_int_equal(fl[0].review, 1);
	assert_string_equal(fl[0].decided, "Station T1");
	assert_int_equal(fl[1].seq, lapb);
	assert_int_equal(fl[1].review, -1);
	free(fl);
	assert_int_equal(ledger_event_figures(f->s.a, 1, &ef, &cause), 0);
	assert_int_equal(ef.walker_laps, base + 1);
	assert_int_equal(ef.walker_pending, 0);
	assert_int_equal(ef.station[0].fig.accepted_laps, 1);
	ledger_event_figures_clear(&ef);
	people = -1;
	assert_int_equal(ledger_event_people(f->s.a, people_cb, &people, &cause), 0);
	assert_int_equal(people, base + 1);
	/* already accepted over the event: the lap point's own accept is refused */
	assert_int_equal(ledger_lap_review(f->s.a, lapx, 1, NULL, "coord", &seq, &cause), -1);
	assert_non_null(strstr(cause, "already accepted"));
	free(cause);
	cause = NULL;
	assert_int_equal(ledger_flagged_laps(f->s.b, 1, &fl, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(fl);
	assert_int_equal(ledger_lap_review_peer(f->s.b, "T2", lapx, 1, NULL, "coord", &seq, &cause),
	                 -1);
	assert_non_null(strstr(cause, "already accepted"));
	free(cause);
	cause = NULL;

	/* rejected at the lap point, stamped before the table's accept, arriving
	 * after it: the later (the table's) stands, said as a disagreement */
	assert_int_equal(ledger_lap_review(f->s.a, lapx, 0, "double scan", "coord", &seq, &cause),
	                 0);
	sync_a_to_b(f);
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, base + 1);
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_flagged_laps(f->s.b, 0, &fl, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fl[0].seq, lapx);
	assert_int_equal(fl[0].review, 1);
	assert_true(fl[0].disagree);
	assert_string_equal(fl[0].decided, "here");
	free(fl);
	/* on the coordinator's list of conflicts, in words */
	conf[0] = '\0';
	assert_int_equal(ledger_event_conflicts(f->s.b, conflict_cb, conf, &cause), 0);
	assert_non_null(strstr(conf, "Walker 1 (Ana): the lap at Lap point T2 at "));
	assert_non_null(strstr(conf, "accepted at one station and rejected at another. The later "
	                             "review (here) counts: accepted."));
	/* at the lap point, the station whose review counts is named as people
	 * name it, not "another station" */
	assert_int_equal(ledger_set(f->s.b, "role", "welcome", "test", &cause), 0);
	sync_b_to_a(f);
	conf[0] = '\0';
	assert_int_equal(ledger_event_conflicts(f->s.a, conflict_cb, conf, &cause), 0);
	assert_non_null(strstr(conf, "Walker 1 (Ana): the lap scanned here at "));
	assert_non_null(strstr(conf, "The later review (Welcome table T1) counts: accepted."));
	assert_int_equal(ledger_flagged_laps(f->s.a, 0, &fl, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_true(fl[0].disagree);
	assert_string_equal(fl[0].decided, "Welcome table T1");
	free(fl);

	/* the table's review annulled: the lap point's reject */
	assert_int_equal(ledger_annul(f->s.b, review, "wrong lap", "coord", RULES_COORDINATOR, NULL,
	                              NULL, &cause),
	                 0);
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, base);
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_event_figures(f->s.b, 1, &ef, &cause), 0);
	assert_int_equal(ef.walker_laps, base);
	ledger_event_figures_clear(&ef);

	/* certified: the reviews it counted are in; a review after it would not
	 * count, so it is refused until the laps are reopened */
	assert_int_equal(ledger_certify(f->s.b, "coord", &seq, &cause), 0);
	assert_int_equal(ledger_lap_review_peer(f->s.b, "T2", lapx, 1, NULL, "coord", &seq, &cause),
	                 -1);
	assert_non_null(strstr(cause, "certified"));
	free(cause);
	cause = NULL;
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, base);
	assert_int_equal(ln.final, 1);
	ledger_settlement_clear(&s);
	assert_int_equal(ledger_certify_reopen(f->s.b, "a lap to review", "coord", &seq, &cause),
	                 0);
	assert_int_equal(ledger_lap_review_peer(f->s.b, "T2", lapx, 1, NULL, "coord", &seq, &cause),
	                 0);
	ln = line(f, per_lap, &s);
	assert_int_equal(ln.counted_laps, base + 1);
	ledger_settlement_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_station_certified, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_settlement_words, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_statement_number, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_linked_walker, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_walker_as_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_pledged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_peer_index_migrated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lap_reviewed_at_table, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
