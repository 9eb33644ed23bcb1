/* bench_ledger.c — the ledger's figures on a real file with synchronous=FULL:
 * scan → committed latency, the fsync floor of the same disk, and a report
 * over a full day (5,000 walkers, 100,000 laps).  JSON lines on stdout. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"
#include "roster.h"
#include "strbuf.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
pct(double *v, size_t n, double p)
{
	qsort(v, n, sizeof *v, cmp_double);
	return v[(size_t)(p * (double)(n - 1))];
}

static void
die(const char *what, char *cause)
{
	fprintf(stderr, "bench_ledger: %s: %s\n", what, cause ? cause : "failed");
	exit(1);
}

static int
count_cb(const struct ledger_walker *w, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

/* One day's ledger: walkers from a roster, laps in batches. */
static void
fill(struct ledger *l, size_t walkers, size_t laps)
{
	struct strbuf csv = STRBUF_INIT;
	struct roster *r = NULL;
	struct ledger_import res;
	struct ledger_scan s;
	char *cause = NULL;
	size_t i;

	strbuf_puts(&csv, "name,team,email,id\n");
	for (i = 0; i < walkers; i++)
		strbuf_printf(&csv, "Walker %zu Name,Team %zu,w%zu@example.org,R-%zu\n", i, i % 50,
		              i, i);
	if (roster_parse(csv.s, csv.len, &r, &cause) != 0 ||
	    ledger_roster_import(l, r, "bench", &res, &cause) != 0)
		die("roster", cause);
	roster_free(r);
	strbuf_free(&csv);
	for (i = 0; i < laps; i++) {
		if (i % 5000 == 0 && ledger_batch_begin(l, &cause) != 0)
			die("batch", cause);
		if (ledger_lap(l, (uint32_t)(i % walkers + 1), "bench", &s, &cause) != 0)
			die("lap", cause);
		if ((i % 5000 == 4999 || i == laps - 1) && ledger_batch_end(l, 1, &cause) != 0)
			die("batch", cause);
	}
}

static void
bench_scans(struct ledger *l, const char *name, size_t n, size_t walkers)
{
	double *t = calloc(n, sizeof *t);
	char(*codes)[BADGE_CODE_MAX] = calloc(walkers, sizeof *codes);
	struct ledger_scan s;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < walkers; i++)
		if (ledger_badge_code(l, (uint32_t)i + 1, codes[i], BADGE_CODE_MAX, &cause) != 0)
			die("badge", cause);
	for (i = 0; i < n; i++) {
		const char *code = codes[i % walkers];
		double t0 = now_ms();

		if (ledger_scan(l, code, strlen(code), RULES_ROLE_LAP, "bench", &s, &cause) != 0)
			die("scan", cause);
		t[i] = now_ms() - t0;
		if (s.seq == 0)
			die("scan", "a scan was not recorded");
	}
	printf("{\"bench\":\"%s\",\"n\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
	       "\"target_p99_ms\":5}\n",
	       name, n, pct(t, n, 0.5), pct(t, n, 0.99), pct(t, n, 1.0));
	free(t);
	free(codes);
}

static void
bench_fsync_floor(const char *dir, size_t n)
{
	char path[512], block[4096];
	double *t = calloc(n, sizeof *t);
	size_t i;
	int fd;

	snprintf(path, sizeof path, "%s/fsync.bin", dir);
	memset(block, 'x', sizeof block);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		die("fsync floor", path);
	for (i = 0; i < n; i++) {
		double t0 = now_ms();

		if (write(fd, block, sizeof block) != (ssize_t)sizeof block || fsync(fd) != 0)
			die("fsync floor", "write failed");
		t[i] = now_ms() - t0;
	}
	close(fd);
	unlink(path);
	printf("{\"bench\":\"write_fsync_floor\",\"n\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n", n,
	       pct(t, n, 0.5), pct(t, n, 0.99));
	free(t);
}

int
main(int argc, char **argv)
{
	struct ledger_init in = {"Bench Walk", "Jackson", "2026-11-24", "T1", 0, NULL};
	char dir[] = "/tmp/wat-bench-XXXXXX", path[512], *cause = NULL;
	struct ledger *l = NULL;
	struct ledger_totals t;
	size_t n = 0;
	double t0, fill_ms;
	char cmd[600];

	if (mkdtemp(dir) == NULL)
		die("mkdtemp", NULL);
	/* scans on a fresh ledger */
	snprintf(path, sizeof path, "%s/small.db", dir);
	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "bench", &cause) != 0 ||
	    ledger_set(l, "min-lap", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "holdoff", "0", "bench", &cause) != 0)
		die("setup", cause);
	fill(l, 100, 0);
	bench_fsync_floor(dir, 1000);
	bench_scans(l, "scan_to_commit_100_entries", 10000, 100);
	ledger_free(l);

	/* a full day */
	snprintf(path, sizeof path, "%s/day.db", dir);
	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "bench", &cause) != 0 ||
	    ledger_set(l, "min-lap", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "holdoff", "0", "bench", &cause) != 0)
		die("setup", cause);
	t0 = now_ms();
	fill(l, 5000, 100000);
	fill_ms = now_ms() - t0;
	printf("{\"bench\":\"fill_5000_walkers_100000_laps\",\"ms\":%.1f}\n", fill_ms);
	bench_scans(l, "scan_to_commit_105000_entries", 2000, 5000);
	t0 = now_ms();
	if (ledger_totals(l, &t, &cause) != 0 || ledger_walkers(l, NULL, count_cb, &n, &cause) != 0)
		die("report", cause);
	printf("{\"bench\":\"report_5000_walkers_100000_laps\",\"ms\":%.2f,\"walkers\":%zu,"
	       "\"laps\":%" PRId64 "}\n",
	       now_ms() - t0, n, t.laps);
	t0 = now_ms();
	n = 0;
	if (ledger_walkers(l, "walker 4321", count_cb, &n, &cause) != 0)
		die("find", cause);
	printf("{\"bench\":\"find_walker_5000\",\"ms\":%.2f,\"found\":%zu}\n", now_ms() - t0, n);
	t0 = now_ms();
	if (ledger_check(l, &cause) != 0)
		die("check", cause);
	printf("{\"bench\":\"check_chain_and_figures_105000_entries\",\"ms\":%.1f}\n",
	       now_ms() - t0);
	ledger_free(l);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
