/* bench_ledger.c — the ledger's figures on a real file with synchronous=FULL:
 * scan → committed latency beside the floor of the same disk (one
 * write+fsync, alternately in the same run), and a report over a full day
 * (5,000 walkers, 100,000 laps).  JSON lines on stdout. */
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

#include "bench.h"

static int
count_cb(const struct ledger_walker *w, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

/* n scans, each after one write+fsync of 4 KiB to a file on the same disk
 * (the floor of any commit there), alternately so both see the same load.
 * One line: the scan's p99 beside the floor's p99, and both p50s. */
static void
bench_scans(struct ledger *l, const char *dir, const char *name, size_t n, size_t walkers)
{
	double *t = calloc(n, sizeof *t), *ft = calloc(n, sizeof *ft), t0, p50, fp50;
	char(*codes)[BADGE_CODE_MAX] = calloc(walkers, sizeof *codes);
	char path[512], block[4096], extra[300];
	struct ledger_scan s;
	char *cause = NULL;
	size_t i;
	int fd;

	snprintf(path, sizeof path, "%s/fsync.bin", dir);
	memset(block, 'x', sizeof block);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		bench_die("fsync floor", path);
	for (i = 0; i < walkers; i++)
		if (ledger_badge_code(l, (uint32_t)i + 1, codes[i], BADGE_CODE_MAX, &cause) != 0)
			bench_die("badge", cause);
	for (i = 0; i < n; i++) {
		const char *code = codes[i % walkers];

		t0 = bench_now_ms();
		if (write(fd, block, sizeof block) != (ssize_t)sizeof block || fsync(fd) != 0)
			bench_die("fsync floor", "write failed");
		ft[i] = bench_now_ms() - t0;
		t0 = bench_now_ms();
		if (ledger_scan(l, code, strlen(code), RULES_ROLE_LAP, "bench", &s, &cause) != 0)
			bench_die("scan", cause);
		t[i] = bench_now_ms() - t0;
		if (s.seq == 0)
			bench_die("scan", "a scan was not recorded");
	}
	close(fd);
	unlink(path);
	p50 = bench_pct(t, n, 0.5);
	fp50 = bench_pct(ft, n, 0.5);
	snprintf(extra, sizeof extra,
	         ",\"n\":%zu,\"p50_ms\":%.3f,\"peer_p50_ms\":%.3f,\"max_ms\":%.3f,"
	         "\"target_p99_ms\":5",
	         n, p50, fp50, bench_pct(t, n, 1.0));
	bench_pair(name, "p99", bench_pct(t, n, 0.99), "one write+fsync of 4 KiB, same disk",
	           bench_pct(ft, n, 0.99), 0, extra);
	free(ft);
	free(t);
	free(codes);
}

int
main(void)
{
	struct ledger_init in = {"Bench Walk", "Jackson", "2026-11-24", "T1", 0, NULL};
	char dir[] = "/tmp/wat-bench-XXXXXX", path[512], *cause = NULL;
	struct ledger *l = NULL;
	struct ledger_totals t;
	size_t n = 0;
	double t0, fill_ms;
	char cmd[600];

	if (mkdtemp(dir) == NULL)
		bench_die("mkdtemp", NULL);
	/* scans on a fresh ledger */
	snprintf(path, sizeof path, "%s/small.db", dir);
	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "bench", &cause) != 0 ||
	    ledger_set(l, "min-lap", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "holdoff", "0", "bench", &cause) != 0)
		bench_die("setup", cause);
	bench_fill_day(l, 100, 0, 0);
	bench_scans(l, dir, "scan_to_commit_100_entries", 5000, 100);
	ledger_free(l);

	/* a full day */
	snprintf(path, sizeof path, "%s/day.db", dir);
	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "bench", &cause) != 0 ||
	    ledger_set(l, "min-lap", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "holdoff", "0", "bench", &cause) != 0)
		bench_die("setup", cause);
	t0 = bench_now_ms();
	bench_fill_day(l, 5000, 100000, 0);
	fill_ms = bench_now_ms() - t0;
	printf("{\"bench\":\"fill_5000_walkers_100000_laps\",\"ms\":%.1f}\n", fill_ms);
	bench_scans(l, dir, "scan_to_commit_105000_entries", 2000, 5000);
	t0 = bench_now_ms();
	if (ledger_totals(l, &t, &cause) != 0 || ledger_walkers(l, NULL, count_cb, &n, &cause) != 0)
		bench_die("report", cause);
	printf("{\"bench\":\"report_5000_walkers_100000_laps\",\"ms\":%.2f,\"walkers\":%zu,"
	       "\"laps\":%" PRId64 "}\n",
	       bench_now_ms() - t0, n, t.laps);
	t0 = bench_now_ms();
	n = 0;
	if (ledger_walkers(l, "walker 4321", count_cb, &n, &cause) != 0)
		bench_die("find", cause);
	printf("{\"bench\":\"find_walker_5000\",\"ms\":%.2f,\"found\":%zu}\n", bench_now_ms() - t0,
	       n);
	t0 = bench_now_ms();
	if (ledger_check(l, &cause) != 0)
		bench_die("check", cause);
	printf("{\"bench\":\"check_chain_and_figures_105000_entries\",\"ms\":%.1f}\n",
	       bench_now_ms() - t0);
	ledger_free(l);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
