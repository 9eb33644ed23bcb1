/* test_event.c — the figures over the whole event (ledger_event.c) on real
 * sqlite files: a welcome table (T1) holding a lap point's (T2) entries,
 * copied batch by batch as ledger_peer_store stores them.  fold_more gives
 * what fold_run gives over the same entries; a walker's laps at the lap
 * point and money at the table add up; a walker checked in at both is
 * checked in once; the peer's fold follows new entries and an annulment;
 * the table's own figures stay its own. */
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

#include "ledger.h"
#include "util.h"

struct fixture {
	char dir[64], pt[96], pl[96];
	struct ledger *t, *lp; /* t: the welcome table (T1); lp: the lap point (T2) */
	unsigned char idl[LEDGER_HASH_LEN];
	char code[BADGE_CODE_MAX];
	int64_t offset_ms; /* the lap point's clock minus the table's, as measured */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct badge_event bk;
	struct ledger_init it = {"Walk", "Oxford", "2026-05-02", "T1", 0, NULL};
	struct ledger_init il = {"Walk", "Oxford", "2026-05-02", "T2", 0, &bk};
	char *cause = NULL;
	uint32_t id;

	snprintf(f->dir, sizeof f->dir, "/tmp/wat-event-XXXXXX");
	assert_int_equal(tmpdir_make(f->dir), 0);
	snprintf(f->pt, sizeof f->pt, "%s/t1.db", f->dir);
	snprintf(f->pl, sizeof f->pl, "%s/t2.db", f->dir);
	assert_int_equal(ledger_open(f->pt, &f->t, &cause), 0);
	assert_int_equal(ledger_init_event(f->t, &it, "test", &cause), 0);
	assert_int_equal(ledger_badge_key(f->t, &bk, &cause), 0);
	assert_int_equal(ledger_open(f->pl, &f->lp, &cause), 0);
	assert_int_equal(ledger_init_event(f->lp, &il, "test", &cause), 0);
	assert_int_equal(ledger_set(f->lp, "role", "lap", "test", &cause), 0);
	assert_int_equal(
	    ledger_walker_add(f->t, "Ann Lee", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 1);
	assert_int_equal(ledger_badge_code(f->t, 1, f->code, sizeof f->code, &cause), 0);
	assert_int_equal(ledger_identity(f->lp, f->idl), 0);
	f->offset_ms = 250;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ledger_free(f->t);
	ledger_free(f->lp);
	assert_int_equal(tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

struct lines {
	size_t n;
	char *line[256];
	size_t len[256];
	unsigned char hash[LEDGER_HASH_LEN];
};

static int
collect(const struct ledger_entry *e, void *arg)
{
	struct lines *ls = arg;

	assert_true(ls->n < 256);
	ls->line[ls->n] = xstrdup(e->line);
	ls->len[ls->n] = strlen(e->line);
	memcpy(ls->hash, e->hash, LEDGER_HASH_LEN);
	ls->n++;
	return 0;
}

/* The entries of `from` (station `station`) that `to` does not hold yet,
 * copied as sync does (the signature is sync.c's to check: a dummy one
 * here). */
static void
copy_between(struct ledger *from, struct ledger *to, const char *station, int64_t offset_ms)
{
	struct ledger_peer held;
	struct ledger_peer_batch b;
	struct lines ls = {0};
	unsigned char sig[LEDGER_PEER_SIG_LEN], id[LEDGER_HASH_LEN];
	char *cause = NULL;
	size_t added;
	int64_t from_seq;

	assert_int_equal(ledger_identity(from, id), 0);
	from_seq = ledger_peer_get(to, id, &held, &cause) == 1 ? held.head_seq + 1 : 1;
	assert_int_equal(ledger_entries(from, from_seq, collect, &ls, &cause), 0);
	if (ls.n == 0)
		return;
	memset(sig, 0x5a, sizeof sig);
	memset(&b, 0, sizeof b);
	b.ledger = id;
	b.station = station;
	b.cert = "cert";
	b.first_seq = from_seq;
	b.n = ls.n;
	b.lines = (const char *const *)ls.line;
	b.lens = ls.len;
	b.head_hash = ls.hash;
	b.head_sig = sig;
	b.seen_wall_ms = 1000;
	b.offset_ms = offset_ms;
	b.format = 1;
	assert_int_equal(ledger_peer_store(to, &b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause), 0);
	assert_int_equal(added, ls.n);
	for (size_t i = 0; i < ls.n; i++)
		free(ls.line[i]);
}

/* The lap point's newest entries to the table. */
static void
copy(struct fixture *f)
{
	copy_between(f->lp, f->t, "T2", f->offset_ms);
}

static void
scan_lap(struct fixture *f)
{
	struct ledger_scan s;
	char *cause = NULL;

	assert_int_equal(
	    ledger_scan(f->lp, f->code, strlen(f->code), RULES_ROLE_LAP, "scan", &s, &cause), 0);
	assert_int_equal(s.badge, BADGE_OK);
	assert_true(s.seq > 0); /* recorded */
}

/* Laps as fast as the test scans them. */
static void
no_limits(struct ledger *l)
{
	char *cause = NULL;

	assert_int_equal(ledger_set(l, "min-lap", "0", "test", &cause), 0);
	assert_int_equal(ledger_set(l, "holdoff", "0", "test", &cause), 0);
}

static void
figures(struct fixture *f, struct ledger_event_figures *ef)
{
	char *cause = NULL;

	if (ledger_event_figures(f->t, 1, ef, &cause) != 0)
		fail_msg("%s", cause);
}

/* fold_more over a ledger's entries in three steps gives fold_run's
 * figures and walkers; an annulment asks for the whole fold again. */
static void
test_fold_more(void **state)
{
	struct fixture *f = *state;
	struct lines ls = {0};
	struct entry es[256];
	struct fold *all = NULL, *inc = NULL;
	const struct fold_walker *a, *b;
	char *cause = NULL;
	int64_t seq;
	size_t n, na = 0, nb;

	scan_lap(f);
	no_limits(f->lp);
	scan_lap(f);
	assert_int_equal(ledger_walker_add(f->lp, "Bo Day", NULL, NULL, NULL, NULL, "test",
	                                   &(uint32_t){0}, &cause),
	                 0);
	scan_lap(f);
	assert_int_equal(ledger_entries(f->lp, 1, collect, &ls, &cause), 0);
	n = ls.n;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(entry_decode(ls.line[i], ls.len[i], &es[i], &cause), 0);
	assert_int_equal(fold_run(es, n, NULL, &all, &cause), 0);
	assert_int_equal(fold_run(es, 2, NULL, &inc, &cause), 0);
	/* the min-lap setting judges: fold_more declines it */
	assert_int_equal(fold_more(inc, es + 2, n - 2), 1);
	assert_int_equal(fold_entries(inc), 2);
	fold_free(inc);
	/* after the last setting: one entry at a time */
	for (size_t i = 0; i < n; i++)
		if (es[i].kind == ENTRY_SETTINGS)
			na = i;
	assert_true(na < n);
	assert_int_equal(fold_run(es, na + 1, NULL, &inc, &cause), 0);
	for (size_t i = na + 1; i < n; i++)
		assert_int_equal(fold_more(inc, es + i, 1), 0);
	assert_int_equal(fold_entries(inc), n);
	assert_memory_equal(fold_figures(inc), fold_figures(all), sizeof(struct fold_figures));
	a = fold_walkers(all, &na);
	b = fold_walkers(inc, &nb);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].id, b[i].id);
		assert_int_equal(a[i].laps, b[i].laps);
		assert_int_equal(a[i].flagged_laps, b[i].flagged_laps);
		assert_int_equal(a[i].active, b[i].active);
	}
	assert_non_null(fold_walker(inc, 1));
	/* an annulment: the whole fold again */
	assert_int_equal(
	    ledger_annul(f->lp, (int64_t)n, "twice", "test", RULES_COORDINATOR, NULL, &seq, &cause),
	    0);
	for (size_t i = 0; i < ls.n; i++)
		free(ls.line[i]);
	memset(&ls, 0, sizeof ls);
	assert_int_equal(ledger_entries(f->lp, (int64_t)n + 1, collect, &ls, &cause), 0);
	assert_int_equal(ls.n, 1);
	assert_int_equal(entry_decode(ls.line[0], ls.len[0], &es[n], &cause), 0);
	assert_int_equal(fold_more(inc, es + n, 1), 1);
	free(ls.line[0]);
	fold_free(inc);
	fold_free(all);
}

/* The walker's lap at the lap point, money at the table: one walker;
 * checked in at both: checked in once; the peer's fold follows what
 * arrives, an annulment too; the table's own figures are its own. */
static void
test_event_over_peer(void **state)
{
	struct fixture *f = *state;
	struct ledger_event_figures ef;
	struct ledger_scan s;
	struct ledger_totals t;
	char *cause = NULL;
	int64_t seq;

	assert_int_equal(ledger_checkin(f->t, 1, "test", &s, &cause), 0);
	assert_int_equal(ledger_donate(f->t, 1, 2000, RULES_CASH, NULL, NULL, "test", &seq, &cause),
	                 0);
	figures(f, &ef);
	assert_int_equal(ef.n, 1);
	assert_int_equal(ef.walker_laps, 0);
	ledger_event_figures_clear(&ef);

	scan_lap(f); /* checks in and counts a lap at the lap point */
	copy(f);
	figures(f, &ef);
	assert_int_equal(ef.n, 2);
	assert_string_equal(ef.station[1].station, "T2");
	assert_string_equal(ef.station[1].name, "Lap point");
	assert_int_equal(ef.station[1].offset_ms, 250);
	assert_int_equal(ef.station[1].seen_wall_ms, 1000);
	assert_int_equal(ef.all.laps, 1);
	assert_int_equal(ef.all.checked_in, 1); /* at both: one walker */
	assert_int_equal(ef.all.walkers, 1);
	assert_int_equal(ef.all.total_cents, 2000);
	assert_int_equal(ef.walker_laps, 1);
	assert_int_equal(ef.station[1].walker_laps, 1);
	assert_true(ef.station[1].has_walker_lap);
	assert_int_equal(ef.walker_raised_cents, 2000);
	ledger_event_figures_clear(&ef);

	/* more laps arrive: the fold follows (fold_more), nothing refolded */
	no_limits(f->lp);
	copy(f);
	scan_lap(f);
	scan_lap(f);
	copy(f);
	figures(f, &ef);
	assert_int_equal(ef.walker_laps, 3);
	assert_int_equal(ef.all.laps, 3);
	assert_int_equal(ef.station[1].entries,
	                 ledger_totals(f->lp, &t, &cause) == 0 ? t.last_seq : -1);
	ledger_event_figures_clear(&ef);

	/* the lap point undoes its last lap: the table's figures follow */
	assert_int_equal(
	    ledger_annul(f->lp, t.last_seq, "twice", "test", RULES_COORDINATOR, NULL, &seq, &cause),
	    0);
	copy(f);
	figures(f, &ef);
	assert_int_equal(ef.walker_laps, 2);
	assert_int_equal(ef.all.laps, 2);
	assert_int_equal(ef.all.annulled, 1);
	ledger_event_figures_clear(&ef);

	/* the table's own figures are its share */
	assert_int_equal(ledger_totals(f->t, &t, &cause), 0);
	assert_int_equal(t.laps, 0);
	assert_int_equal(t.total_cents, 2000);

	/* reopened: the folds are made again from what is held */
	ledger_free(f->t);
	assert_int_equal(ledger_open(f->pt, &f->t, &cause), 0);
	figures(f, &ef);
	assert_int_equal(ef.walker_laps, 2);
	assert_int_equal(ef.all.checked_in, 1);
	ledger_event_figures_clear(&ef);
}

/* A scan at the lap point and a lap added by hand at the table seconds
 * apart: one lap counted, the other shown for review, never dropped; the
 * same two laps minutes apart by the measured clock offset: two laps. */
static void
test_review_across_stations(void **state)
{
	struct fixture *f = *state;
	struct ledger_event_figures ef;
	struct ledger_scan s;
	char *cause = NULL;

	scan_lap(f);
	assert_int_equal(ledger_lap(f->t, 1, "volunteer", &s, &cause), 0);
	copy(f);
	figures(f, &ef);
	assert_int_equal(ef.station[0].walker_laps, 1);
	assert_int_equal(ef.station[1].walker_laps, 1);
	assert_int_equal(ef.walker_review, 1);
	assert_int_equal(ef.walker_laps, 1); /* counted once */
	assert_true(ef.review_gap_ms < 60 * 1000);
	assert_int_equal(ef.review_a + ef.review_b, 1); /* the table and the lap point */
	ledger_event_figures_clear(&ef);

	/* the lap point's clock was measured 10 minutes behind the table's:
	 * its scans were 10 minutes after the table's lap by the table's clock */
	ledger_free(f->t);
	assert_int_equal(ledger_open(f->pt, &f->t, &cause), 0);
	f->offset_ms = -10 * 60 * 1000;
	no_limits(f->lp);
	scan_lap(f);
	copy(f);
	figures(f, &ef);
	assert_int_equal(ef.station[1].offset_ms, f->offset_ms);
	/* the lap point's two laps are seconds apart, but at one station:
	 * its own rules judged them */
	assert_int_equal(ef.walker_review, 0);
	assert_int_equal(ef.walker_laps, 3);
	ledger_event_figures_clear(&ef);
}

struct board {
	size_t n;
	uint32_t id[8];
	int64_t laps[8];
	size_t nteams;
	char team[8][32];
	int64_t team_laps[8];
};

static int
people_cb(const struct ledger_event_person *p, void *arg)
{
	struct board *b = arg;

	assert_true(b->n < 8);
	b->id[b->n] = p->id;
	b->laps[b->n++] = p->laps;
	return 0;
}

static int
teams_cb(const struct ledger_team *t, void *arg)
{
	struct board *b = arg;

	assert_true(b->nteams < 8);
	snprintf(b->team[b->nteams], sizeof b->team[0], "%s", t->team);
	b->team_laps[b->nteams++] = t->laps;
	return 0;
}

static void
board(struct fixture *f, struct board *b)
{
	char *cause = NULL;

	memset(b, 0, sizeof *b);
	if (ledger_event_people(f->t, people_cb, b, &cause) != 0 ||
	    ledger_event_teams(f->t, teams_cb, b, &cause) != 0)
		fail_msg("%s", cause);
}

/* The event's figures and leaderboard for walker 1 agree with the card. */
static void
agree(struct fixture *f, int64_t laps, int64_t review)
{
	struct ledger_event_figures ef, one;
	char *cause = NULL;

	assert_int_equal(ledger_event_figures(f->t, 0, &ef, &cause), 0);
	assert_int_equal(ef.all.laps, laps);
	assert_int_equal(ef.review_laps, review);
	ledger_event_figures_clear(&ef);
	assert_int_equal(ledger_event_figures(f->t, 1, &one, &cause), 0);
	assert_int_equal(one.all.laps, laps);
	{
		struct board b;
		board(f, &b);
		assert_int_equal(b.id[0], 1);
		assert_int_equal(b.laps[0], one.walker_laps);
	}
	ledger_event_figures_clear(&one);
}

/* A doubtful pair across stations is out of the event's lap total, the
 * leaderboard and its teams as it is out of the walker's card; the
 * judgements follow entries as they arrive (a lap here and there, an
 * annulment, a newly measured clock offset) and give what the ledger
 * reopened computes from scratch. */
static void
test_event_totals(void **state)
{
	struct fixture *f = *state;
	struct ledger_event_figures ef;
	struct ledger_scan s;
	struct board b;
	char code2[BADGE_CODE_MAX], *cause = NULL;
	uint32_t id;
	int64_t seq, hand2;

	assert_int_equal(
	    ledger_walker_add(f->t, "Bo Chan", "Grace", NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 2);
	assert_int_equal(ledger_badge_code(f->t, 2, code2, sizeof code2, &cause), 0);

	/* walker 1: a scan at the lap point, a lap by hand here seconds apart */
	scan_lap(f);
	assert_int_equal(ledger_lap(f->t, 1, "volunteer", &s, &cause), 0);
	copy(f);
	agree(f, 1, 1);

	/* walker 2 the same, arriving on folds already made */
	assert_int_equal(
	    ledger_scan(f->lp, code2, strlen(code2), RULES_ROLE_LAP, "scan", &s, &cause), 0);
	assert_true(s.seq > 0);
	copy(f);
	agree(f, 2, 1);
	assert_int_equal(ledger_lap(f->t, 2, "volunteer", &s, &cause), 0);
	hand2 = s.seq;
	agree(f, 2, 2);
	board(f, &b);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.laps[1], 1); /* Bo Chan: counted once */
	assert_string_equal(b.team[0], "Grace");
	assert_int_equal(b.team_laps[0], 1);

	/* the table's lap of walker 2 annulled: hers at the lap point counts */
	assert_int_equal(ledger_annul(f->t, hand2, "counted at the lap point", "coordinator",
	                              RULES_COORDINATOR, NULL, &seq, &cause),
	                 0);
	agree(f, 2, 1);

	/* the lap point's clock newly measured 10 minutes behind: its scans
	 * were 10 minutes after the table's laps; nothing to review */
	assert_int_equal(ledger_peer_seen(f->t, f->idl, 2000, -10 * 60 * 1000, 1, &cause), 0);
	agree(f, 3, 0);
	ledger_free(f->t); /* reopened: the same from scratch */
	assert_int_equal(ledger_open(f->pt, &f->t, &cause), 0);
	agree(f, 3, 0);
	assert_int_equal(ledger_peer_seen(f->t, f->idl, 3000, f->offset_ms, 1, &cause), 0);
	agree(f, 2, 1);
	assert_int_equal(ledger_event_figures(f->t, 1, &ef, &cause), 0);
	assert_int_equal(ef.walker_review, 1);
	assert_int_equal(ef.walker_laps, 1);
	ledger_event_figures_clear(&ef);
}

struct conflicts {
	int n[5];
	char text[5][480];
};

static int
conflict_cb(const struct ledger_conflict *x, void *arg)
{
	struct conflicts *c = arg;

	snprintf(c->text[x->kind], sizeof c->text[0], "%s", x->text);
	c->n[x->kind]++;
	return 0;
}

static void
conflicts(struct ledger *l, struct conflicts *c)
{
	char *cause = NULL;

	memset(c, 0, sizeof *c);
	if (ledger_event_conflicts(l, conflict_cb, c, &cause) != 0)
		fail_msg("%s", cause);
}

/* The coordinator's list over three stations: a likely duplicate between
 * the lap point and a third station (neither is this one) until one of
 * them links it, one walker number registered to two people at two
 * stations, laps counted once across stations, each in words. */
static void
test_conflicts(void **state)
{
	struct fixture *f = *state;
	struct badge_event bk;
	struct ledger_init i3 = {"Walk", "Oxford", "2026-05-02", "T3", 0, &bk};
	struct ledger *t3 = NULL;
	struct conflicts c;
	struct ledger_scan s;
	char p3[128], *cause = NULL;
	uint32_t id;
	int64_t seq;

	snprintf(p3, sizeof p3, "%s/t3.db", f->dir);
	assert_int_equal(ledger_badge_key(f->t, &bk, &cause), 0);
	assert_int_equal(ledger_open(p3, &t3, &cause), 0);
	assert_int_equal(ledger_init_event(t3, &i3, "test", &cause), 0);
	/* walker 1 at T3 is someone else than the table's walker 1 */
	assert_int_equal(
	    ledger_walker_add(t3, "Bo Chan", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 1);
	assert_int_equal(ledger_set(t3, "walker-base", "900", "test", &cause), 0);
	assert_int_equal(
	    ledger_walker_add(t3, "CY DEE", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 901);
	assert_int_equal(ledger_set(f->lp, "walker-base", "500", "test", &cause), 0);
	assert_int_equal(
	    ledger_walker_add(f->lp, "Cy Dée", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 501);
	scan_lap(f);
	assert_int_equal(ledger_lap(f->t, 1, "volunteer", &s, &cause), 0);
	copy(f);
	copy_between(t3, f->t, "T3", 0);

	conflicts(f->t, &c);
	assert_int_equal(c.n[LEDGER_CONFLICT_DUPLICATE], 0);
	assert_int_equal(c.n[LEDGER_CONFLICT_PEER_DUPLICATE], 1);
	assert_non_null(strstr(c.text[LEDGER_CONFLICT_PEER_DUPLICATE],
	                       "Cy D\xc3\xa9"
	                       "e (walker 501) at Lap point and CY DEE (walker 901) at "
	                       "Station T3: likely the same person"));
	assert_int_equal(c.n[LEDGER_CONFLICT_NUMBER], 1);
	assert_non_null(strstr(c.text[LEDGER_CONFLICT_NUMBER],
	                       "Walker 1 is Ann Lee here and Bo Chan at Station T3: one number for "
	                       "two people"));
	assert_int_equal(c.n[LEDGER_CONFLICT_LAPS], 1);
	assert_non_null(strstr(c.text[LEDGER_CONFLICT_LAPS], "Walker 1 (Ann Lee): 1 lap at "));
	assert_int_equal(c.n[LEDGER_CONFLICT_REVIEW], 0);

	/* linked at the lap point: no longer listed here once its entry arrives */
	copy_between(t3, f->lp, "T3", 0);
	assert_int_equal(ledger_link(f->lp, 501, "T3", 901, "coordinator", &seq, &cause), 0);
	copy(f);
	conflicts(f->t, &c);
	assert_int_equal(c.n[LEDGER_CONFLICT_PEER_DUPLICATE], 0);
	assert_int_equal(c.n[LEDGER_CONFLICT_NUMBER], 1);
	ledger_free(t3);
}

static int
dup_cb(const struct ledger_duplicate *d, void *arg)
{
	struct ledger_duplicate *out = arg;

	*out = *d;
	out[1].walker++; /* the count, in the second slot */
	return 0;
}

static int
duplicates(struct fixture *f, struct ledger_duplicate *d)
{
	char *cause = NULL;

	memset(d, 0, 2 * sizeof *d);
	if (ledger_event_duplicates(f->t, dup_cb, d, &cause) != 0)
		fail_msg("%s", cause);
	return (int)d[1].walker;
}

/* Ann Lee registered at the table and "ann lée" at the lap point: a likely
 * duplicate, shown, never merged; once linked, her laps and money add up,
 * and the pair is no longer shown; the link annulled, it is again. */
static void
test_duplicate_link(void **state)
{
	struct fixture *f = *state;
	struct ledger_duplicate d[2];
	struct ledger_event_figures ef;
	struct ledger_scan s;
	char *cause = NULL;
	int64_t seq, link_seq;
	uint32_t other;

	assert_int_equal(ledger_set(f->lp, "walker-base", "500", "test", &cause), 0);
	assert_int_equal(ledger_walker_add(f->lp,
	                                   "ann l\xc3\xa9"
	                                   "e",
	                                   NULL, NULL, NULL, NULL, "test", &other, &cause),
	                 0);
	assert_int_equal(other, 501);
	assert_int_equal(ledger_lap(f->lp, other, "volunteer", &s, &cause), 0);
	assert_int_equal(
	    ledger_donate(f->lp, other, 1000, RULES_CASH, NULL, NULL, "test", &seq, &cause), 0);
	assert_int_equal(ledger_donate(f->t, 1, 2000, RULES_CASH, NULL, NULL, "test", &seq, &cause),
	                 0);
	copy(f);
	/* her lap point badge: known here by the name given there */
	{
		struct ledger_event_walker ew;
		assert_int_equal(ledger_event_walker(f->t, 501, &ew, &cause), 1);
		assert_string_equal(ew.name, "ann l\xc3\xa9"
		                             "e");
		assert_string_equal(ew.station, "T2");
		assert_int_equal(ledger_event_walker(f->t, 1, &ew, &cause), 0);
	}
	assert_int_equal(duplicates(f, d), 1);
	assert_int_equal(d[0].walker, 1);
	assert_string_equal(d[0].name, "Ann Lee");
	assert_string_equal(d[0].station, "T2");
	assert_string_equal(d[0].station_name, "Lap point");
	assert_int_equal(d[0].other, 501);
	figures(f, &ef);
	assert_int_equal(ef.walker_laps, 0); /* not merged silently */
	assert_int_equal(ef.walker_raised_cents, 2000);
	ledger_event_figures_clear(&ef);

	assert_int_equal(ledger_link(f->t, 1, "T2", 501, "coordinator", &link_seq, &cause), 0);
	assert_int_equal(duplicates(f, d), 0);
	figures(f, &ef);
	assert_int_equal(ef.walker_laps, 1);
	assert_int_equal(ef.walker_raised_cents, 3000);
	assert_int_equal(ef.all.total_cents, 3000); /* the event's money: once */
	ledger_event_figures_clear(&ef);
	assert_int_equal(ledger_link(f->t, 1, "T2", 501, "coordinator", &seq, &cause), -1);
	assert_non_null(strstr(cause, "already linked"));
	free(cause);
	cause = NULL;
	assert_int_equal(ledger_link(f->t, 1, "T9", 501, "coordinator", &seq, &cause), -1);
	assert_non_null(strstr(cause, "sync with it first"));
	free(cause);
	cause = NULL;
	assert_int_equal(ledger_link(f->t, 1, "T2", 777, "coordinator", &seq, &cause), -1);
	free(cause);
	cause = NULL;

	/* the link undone: shown again, apart again */
	assert_int_equal(ledger_annul(f->t, link_seq, "not the same Ann", "coordinator",
	                              RULES_COORDINATOR, NULL, &seq, &cause),
	                 0);
	assert_int_equal(duplicates(f, d), 1);
	figures(f, &ef);
	assert_int_equal(ef.walker_laps, 0);
	ledger_event_figures_clear(&ef);

	/* linked at the lap point instead: the table adds them up too */
	copy_between(f->t, f->lp, "T1", 0);
	assert_int_equal(ledger_link(f->lp, 501, "T1", 1, "coordinator", &seq, &cause), 0);
	copy(f);
	assert_int_equal(duplicates(f, d), 0);
	figures(f, &ef);
	assert_int_equal(ef.walker_laps, 1);
	assert_int_equal(ef.walker_raised_cents, 3000);
	ledger_event_figures_clear(&ef);
}

static int
review_cb(const struct ledger_review *r, void *arg)
{
	struct ledger_review *out = arg;

	*out = *r;
	out[1].seq++;
	return 0;
}

/* The lap point asks the table to review a donation the table holds: the
 * request is the lap point's entry; the table's coordinator sees it until
 * the table annuls the donation itself. */
static void
test_review_request(void **state)
{
	struct fixture *f = *state;
	struct ledger_review rv[2];
	char *cause = NULL;
	int64_t don, seq;

	assert_int_equal(ledger_donate(f->t, 1, 2000, RULES_CASH, NULL, NULL, "test", &don, &cause),
	                 0);
	copy_between(f->t, f->lp, "T1", 0);
	assert_int_equal(ledger_review_ask(f->lp, "T1", 1, "why", "coordinator", &seq, &cause), -1);
	assert_non_null(strstr(cause, "is not a donation"));
	free(cause);
	cause = NULL;
	assert_int_equal(
	    ledger_review_ask(f->lp, "T1", don, "entered twice", "coordinator", &seq, &cause), 0);
	copy(f);
	memset(rv, 0, sizeof rv);
	assert_int_equal(ledger_event_reviews(f->t, review_cb, rv, &cause), 0);
	assert_int_equal(rv[1].seq, 1);
	assert_int_equal(rv[0].seq, don);
	assert_int_equal(rv[0].cents, 2000);
	assert_int_equal(rv[0].walker, 1);
	assert_string_equal(rv[0].station, "T2");
	assert_string_equal(rv[0].reason, "entered twice");
	/* the lap point's own figures are untouched: the money is the table's */
	{
		struct ledger_totals t;
		assert_int_equal(ledger_totals(f->lp, &t, &cause), 0);
		assert_int_equal(t.total_cents, 0);
	}
	/* annulled where it is held: nothing left to review */
	assert_int_equal(ledger_annul(f->t, don, "entered twice", "coordinator", RULES_COORDINATOR,
	                              NULL, &seq, &cause),
	                 0);
	memset(rv, 0, sizeof rv);
	assert_int_equal(ledger_event_reviews(f->t, review_cb, rv, &cause), 0);
	assert_int_equal(rv[1].seq, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fold_more, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_over_peer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_review_across_stations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_totals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_conflicts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_duplicate_link, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_review_request, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
