/* bench_event — the figures over the whole event as entries arrive
 * (ledger_event.c): a welcome table holding a lap point's day (5,000
 * walkers, 85,000 laps, 10,000 donations), then laps arriving one by one at
 * the lap point, each copied to the table and followed by the event's
 * figures (what the home screen asks after each batch): the cost of one
 * arriving entry (the peer's fold_more and the judgements across stations
 * of that walker), beside receiving that entry (read at the lap point,
 * stored at the table in one transaction) in the same run.  Also the leaderboard over the event
 * (ledger_event_people) beside this station's walkers alone, the first
 * figures after opening (one pass over the held entries), and the figures
 * after a peer's clock offset moved (every lap judged again, from memory). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "util.h"

#define ARRIVE 400

struct lines {
	size_t n, cap;
	char **line;
	size_t *len;
	unsigned char (*hash)[LEDGER_HASH_LEN]; /* the chain's after each line */
};

static int
bench_collect(const struct ledger_entry *e, void *arg)
{
	struct lines *ls = arg;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? 2 * ls->cap : 1024;
		ls->line = xrealloc(ls->line, ls->cap * sizeof *ls->line);
		ls->len = xrealloc(ls->len, ls->cap * sizeof *ls->len);
		ls->hash = xrealloc(ls->hash, ls->cap * sizeof *ls->hash);
	}
	ls->line[ls->n] = xstrdup(e->line);
	ls->len[ls->n] = strlen(e->line);
	memcpy(ls->hash[ls->n], e->hash, LEDGER_HASH_LEN);
	ls->n++;
	return 0;
}

/* The lap point's entries the table does not hold yet, stored as sync
 * stores them (the head's signature is sync.c's to check), 500 a batch. */
static void
bench_copy(struct ledger *from, struct ledger *to)
{
	struct ledger_peer held;
	struct lines ls = {0};
	unsigned char sig[LEDGER_PEER_SIG_LEN], id[LEDGER_HASH_LEN];
	char *cause = NULL;
	int64_t first;

	if (ledger_identity(from, id) != 0)
		bench_die("identity", NULL);
	first = ledger_peer_get(to, id, &held, &cause) == 1 ? held.head_seq + 1 : 1;
	if (ledger_entries(from, first, bench_collect, &ls, &cause) != 0)
		bench_die("entries", cause);
	memset(sig, 0x5a, sizeof sig);
	for (size_t at = 0; at < ls.n; at += 500) {
		struct ledger_peer_batch b;
		size_t n = ls.n - at < 500 ? ls.n - at : 500, added;

		memset(&b, 0, sizeof b);
		b.ledger = id;
		b.station = "T2";
		b.cert = "cert";
		b.first_seq = first + (int64_t)at;
		b.n = n;
		b.lines = (const char *const *)ls.line + at;
		b.lens = ls.len + at;
		b.head_hash = ls.hash[at + n - 1];
		b.head_sig = sig;
		b.seen_wall_ms = 1000;
		b.offset_ms = 250;
		b.format = 1;
		if (ledger_peer_store(to, &b, 1024LL << 20, &added, &cause) != 0)
			bench_die("store", cause);
	}
	for (size_t i = 0; i < ls.n; i++)
		free(ls.line[i]);
	free(ls.line);
	free(ls.len);
	free(ls.hash);
}

static int
bench_person_cb(const struct ledger_event_person *p, void *arg)
{
	(void)p;
	(*(size_t *)arg)++;
	return 0;
}

static int
bench_walker_cb(const struct ledger_walker *w, void *arg)
{
	(void)w;
	(*(size_t *)arg)++;
	return 0;
}

int
main(void)
{
	char dir[] = "/tmp/wat-bench-event-XXXXXX", *pt, *pl, *cause = NULL, *cmd;
	struct ledger_init it = {"Walk", "Oxford", "2026-05-02", "T1", 0, NULL};
	struct ledger_init il = {"Walk", "Oxford", "2026-05-02", "T2", 0, NULL};
	struct badge_event bk;
	struct ledger *t = NULL, *lp = NULL;
	struct ledger_event_figures ef;
	struct ledger_scan s;
	double arrive[ARRIVE], store[ARRIVE], first, t0, board[9], mine[9];
	int64_t entries;
	char extra[128];
	size_t n;

	bench_name = "bench_event";
	if (mkdtemp(dir) == NULL)
		bench_die("mkdtemp", NULL);
	pt = xasprintf("%s/t1.db", dir);
	pl = xasprintf("%s/t2.db", dir);
	il.badge = &bk;
	if (ledger_open(pt, &t, &cause) != 0 || ledger_init_event(t, &it, "bench", &cause) != 0 ||
	    ledger_badge_key(t, &bk, &cause) != 0 || ledger_open(pl, &lp, &cause) != 0 ||
	    ledger_init_event(lp, &il, "bench", &cause) != 0 ||
	    ledger_set(lp, "role", "lap", "bench", &cause) != 0 ||
	    ledger_set(lp, "walker-base", "0", "bench", &cause) != 0 ||
	    ledger_set(lp, "min-lap", "0", "bench", &cause) != 0 ||
	    ledger_set(lp, "holdoff", "0", "bench", &cause) != 0)
		bench_die("setup", cause);
	bench_fill_day(lp, 5000, 85000, 10000);
	/* the table's own walkers: the same roster, and a lap by hand for some */
	bench_fill_day(t, 5000, 2000, 0);
	bench_copy(lp, t);

	/* reopened: the first figures fold the held entries once */
	ledger_free(t);
	if (ledger_open(pt, &t, &cause) != 0)
		bench_die("open", cause);
	t0 = bench_now_ms();
	if (ledger_event_figures(t, 0, &ef, &cause) != 0)
		bench_die("figures", cause);
	first = bench_now_ms() - t0;
	entries = ef.station[1].entries;
	ledger_event_figures_clear(&ef);

	for (int i = 0; i < ARRIVE; i++) {
		uint32_t id = (uint32_t)(i * 13 % 5000 + 1);

		if (ledger_lap(lp, id, "scan", &s, &cause) != 0)
			bench_die("lap", cause);
		t0 = bench_now_ms();
		bench_copy(lp, t);
		store[i] = bench_now_ms() - t0;
		t0 = bench_now_ms();
		if (ledger_event_figures(t, 0, &ef, &cause) != 0)
			bench_die("figures", cause);
		arrive[i] = bench_now_ms() - t0;
		ledger_event_figures_clear(&ef);
	}
	snprintf(extra, sizeof extra, ",\"peer_entries\":%" PRId64 ",\"arrived\":%d,\"p99\":%.3f",
	         entries, ARRIVE, bench_pct(arrive, ARRIVE, 0.99));
	bench_pair("event_figures_per_entry", "median", bench_median(arrive, ARRIVE),
	           "receiving that entry (read at the peer, ledger_peer_store's commit)",
	           bench_median(store, ARRIVE), 0, extra);
	bench_pair("event_figures_first", "once", first, "goal 1 s", 1000, 1.0, extra);

	/* a new offset measured (5 s more): every lap laid out again, from
	   memory, once */
	{
		unsigned char id[LEDGER_HASH_LEN];
		double moved[5];

		if (ledger_identity(lp, id) != 0)
			bench_die("identity", NULL);
		for (int r = 0; r < 5; r++) {
			if (ledger_peer_seen(t, id, 2000 + r, 250 + 5000 * (r + 1), 1, &cause) != 0)
				bench_die("seen", cause);
			t0 = bench_now_ms();
			if (ledger_event_figures(t, 0, &ef, &cause) != 0)
				bench_die("figures", cause);
			moved[r] = bench_now_ms() - t0;
			ledger_event_figures_clear(&ef);
		}
		bench_pair("event_figures_offset_moved", "median", bench_median(moved, 5),
		           "the first figures after opening", first, 0,
		           ",\"laps\":87000,\"stations\":2");
	}
	for (int r = 0; r < 9; r++) {
		n = 0;
		t0 = bench_now_ms();
		if (ledger_event_people(t, bench_person_cb, &n, &cause) != 0)
			bench_die("people", cause);
		board[r] = bench_now_ms() - t0;
		n = 0;
		t0 = bench_now_ms();
		if (ledger_walkers(t, NULL, bench_walker_cb, &n, &cause) != 0)
			bench_die("walkers", cause);
		mine[r] = bench_now_ms() - t0;
	}
	bench_pair("event_leaderboard", "median", bench_median(board, 9),
	           "ledger_walkers (this station's walkers)", bench_median(mine, 9), 0,
	           ",\"walkers\":5000,\"stations\":2");
	/* a walker's settlement at the table, their laps at the lap point
	 * (ledger_settle reads the walker's entries there by index), beside
	 * their card's figures over the event (from memory) */
	{
		struct pledge p = {.walker = 7, .sponsor = "Sponsor", .t = {PLEDGE_LAP, 100, 0}};
		struct ledger_settlement st;
		double settle[9], card[9];

		if (ledger_pledge_add(t, &p, "bench", NULL, &cause) != 0)
			bench_die("pledge", cause);
		for (int r = 0; r < 9; r++) {
			t0 = bench_now_ms();
			if (ledger_settle(t, 7, &st, &cause) != 0)
				bench_die("settle", cause);
			settle[r] = bench_now_ms() - t0;
			if (st.n != 1 || st.v[0].counted_laps <= 0)
				bench_die("settle", "walker 7's laps at the lap point not counted");
			ledger_settlement_clear(&st);
			t0 = bench_now_ms();
			if (ledger_event_figures(t, 7, &ef, &cause) != 0)
				bench_die("figures", cause);
			card[r] = bench_now_ms() - t0;
			ledger_event_figures_clear(&ef);
		}
		bench_pair("settle_walker_lap_point_held", "median", bench_median(settle, 9),
		           "the walker's card figures over the event (ledger_event_figures)",
		           bench_median(card, 9), 0, ",\"peer_entries\":105005,\"stations\":2");
	}
	ledger_free(t);
	ledger_free(lp);
	cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		bench_die("rm", NULL);
	free(cmd);
	free(pt);
	free(pl);
	return 0;
}
