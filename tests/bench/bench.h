/* bench.h — what every benchmark shares: a clock, percentiles, and a full
 * day's ledger.  Each bench is its own program; these are static. */
#ifndef WAT_BENCH_H
#define WAT_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ledger.h"
#include "roster.h"
#include "strbuf.h"

static const char *bench_name = "bench";

static inline double
bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v and returns its p-quantile (0 <= p <= 1). */
static inline double
bench_pct(double *v, size_t n, double p)
{
	qsort(v, n, sizeof *v, bench_cmp);
	return v[(size_t)(p * (double)(n - 1))];
}

/* One figure beside its peer measured in the same run, as a JSON line:
 *   {"bench":NAME,"stat":STAT,"value":V,"unit":U,"peer":PEER,"peer_value":P,
 *    "ratio":V/P[,"goal_ratio":G]...}
 * A ratio below 1 is better than the peer; goal 0: no goal on the ratio.
 * The peer is a stock tool doing the same work or the floor of that work;
 * extra (may be "") adds ",\"key\":value" pairs.  tests/bench/figures-table
 * turns these lines into the README's table. */
static inline void
bench_pair_unit(const char *name, const char *stat, const char *unit, double value,
                const char *peer, double peer_value, double goal, const char *extra)
{
	printf("{\"bench\":\"%s\",\"stat\":\"%s\",\"value\":%.3f,\"unit\":\"%s\","
	       "\"peer\":\"%s\",\"peer_value\":%.3f,\"ratio\":%.2f",
	       name, stat, value, unit, peer, peer_value,
	       peer_value > 0 ? value / peer_value : 0.0);
	if (goal > 0)
		printf(",\"goal_ratio\":%.2f", goal);
	printf("%s}\n", extra != NULL ? extra : "");
	fflush(stdout);
}

/* The same in milliseconds. */
static inline void
bench_pair(const char *name, const char *stat, double ms, const char *peer, double peer_ms,
           double goal, const char *extra)
{
	bench_pair_unit(name, stat, "ms", ms, peer, peer_ms, goal, extra);
}

/* The median of v (sorted in place). */
static inline double
bench_median(double *v, size_t n)
{
	return bench_pct(v, n, 0.5);
}

static inline void
bench_die(const char *what, char *cause)
{
	fprintf(stderr, "%s: %s: %s\n", bench_name, what, cause != NULL ? cause : "failed");
	exit(1);
}

/* A day's ledger: walkers from a roster, then laps and donations (cash,
 * check, other in turn), committed in batches of 5,000 entries. */
static inline void
bench_fill_day(struct ledger *l, size_t walkers, size_t laps, size_t donations)
{
	static const enum rules_method methods[] = {RULES_CASH, RULES_CHECK, RULES_OTHER};
	struct strbuf csv = STRBUF_INIT;
	struct roster *r = NULL;
	struct ledger_import res;
	struct ledger_scan s;
	char *cause = NULL, check[16];
	size_t i, k;

	strbuf_puts(&csv, "name,team,email,id\n");
	for (i = 0; i < walkers; i++)
		strbuf_printf(&csv, "Walker %zu Name,Team %zu,w%zu@example.org,R-%zu\n", i, i % 50,
		              i, i);
	if (roster_parse(csv.s, csv.len, &r, &cause) != 0 ||
	    ledger_roster_import(l, r, "bench", &res, &cause) != 0)
		bench_die("roster", cause);
	roster_free(r);
	strbuf_free(&csv);
	for (i = 0; i < laps + donations; i++) {
		if (i % 5000 == 0 && ledger_batch_begin(l, &cause) != 0)
			bench_die("batch", cause);
		if (i < laps) {
			if (ledger_lap(l, (uint32_t)(i % walkers + 1), "bench", &s, &cause) != 0)
				bench_die("lap", cause);
		} else {
			k = i - laps;
			snprintf(check, sizeof check, "%zu", 1000 + k);
			if (ledger_donate(l, (uint32_t)(k % walkers + 1),
			                  500 + (int64_t)(k % 9) * 250, methods[k % 3], check,
			                  k % 2 ? "A Sponsor" : NULL, "bench", NULL, &cause) != 0)
				bench_die("donation", cause);
		}
		if ((i % 5000 == 4999 || i == laps + donations - 1) &&
		    ledger_batch_end(l, 1, &cause) != 0)
			bench_die("batch", cause);
	}
}

#endif
