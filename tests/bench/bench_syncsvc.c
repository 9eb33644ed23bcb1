/* bench_syncsvc — the wat-sync service between two stations on loopback
 * (docs/SYNC.md), each station's ledger owned by a kiosk worker thread
 * (kiosk_worker.h) with the kiosk's socket (kiosk_sync.h), and a real
 * wat-sync process beside each:
 *   - a lap committed at the lap point L is in the welcome table W's ledger
 *     after (p99, of LAPS laps) — beside the 2 s goal; each wat-sync calls
 *     the other every 3 s (the station's default), and L's calls at once
 *     when it sees a new entry of L's (it looks every 250 ms);
 *   - L's scan -> commit time while a peer pulls its entries without end
 *     (a fresh copy of W catching up L's 10,000 entries through L's
 *     wat-sync and L's worker, again and again), beside the same without a
 *     peer, in the same run: the ratio's goal is 1.1. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "kiosk_sync.h"
#include "kiosk_worker.h"
#include "util.h"

#define LAPS      40
#define RUNS      7 /* each run: RUN_SCANS with a peer pulling, as many alone */
#define RUN_SCANS 60
#define SCANS     (RUNS * RUN_SCANS)
#define BLOCK     20 /* alternating blocks within a run */

static void
bench_sh(const char *cmd)
{
	if (system(cmd) != 0)
		bench_die("shell", xasprintf("%s failed", cmd));
}

static pid_t
bench_spawn(const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void
bench_kill(pid_t pid)
{
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Posts q and waits for its reply; the scan's time in ms (posted -> done). */
static double
bench_req(struct kiosk_worker *w, const struct kiosk_req *q, int64_t *seq)
{
	uint64_t tag = kiosk_worker_post(w, q);
	struct kiosk_reply *r;
	double ms;

	for (;;) {
		while ((r = kiosk_worker_take(w)) == NULL)
			usleep(100);
		if (r->tag == tag)
			break;
		kiosk_reply_free(r);
	}
	if (r->rc != 0)
		bench_die("scan", xstrdup(r->cause != NULL ? r->cause : "refused"));
	ms = (double)(r->done_us - r->posted_us) / 1000.0;
	if (seq != NULL)
		*seq = r->scan.seq;
	kiosk_reply_free(r);
	return ms;
}

static double
bench_scan(struct kiosk_worker *w, const char *code, int64_t *seq)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_SCAN;
	snprintf(q.scan.code, sizeof q.scan.code, "%s", code);
	return bench_req(w, &q, seq);
}

/* On W's worker: the last entry of L held. */
struct bench_held {
	int64_t seq;
};

static int
bench_held_cb(const struct ledger_peer *p, void *arg)
{
	struct bench_held *h = arg;
	if (p->head_seq > h->seq)
		h->seq = p->head_seq;
	return 0;
}

static void
bench_held(struct ledger *l, void *arg)
{
	ledger_peers(l, bench_held_cb, arg, NULL);
}

static struct kiosk_worker *
bench_station(const char *db, const char *sock, struct kiosk_sync **ks)
{
	struct kiosk_worker *w = NULL;
	struct kiosk_reply *r;
	char *cause = NULL;

	if (kiosk_worker_start(db, NULL, NULL, &w, &cause) != 0)
		bench_die("worker", cause);
	while ((r = kiosk_worker_take(w)) == NULL) /* the OPEN reply */
		usleep(1000);
	if (r->rc != 0)
		bench_die("open", xstrdup(r->cause));
	kiosk_reply_free(r);
	if (kiosk_sync_start(sock, w, ks, &cause) != 0)
		bench_die("socket", cause);
	return w;
}

int
main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	char dir[] = "/tmp/wat-bench-syncsvc-XXXXXX", *cmd, *cause = NULL, *path;
	char **codes = xcalloc(LAPS + 2 * SCANS, sizeof *codes);
	double vis[LAPS], alone[SCANS], pulled[SCANS], ratio[RUNS], med[RUNS][2];
	struct kiosk_worker *ww, *wl;
	struct kiosk_sync *kw = NULL, *kl = NULL;
	struct ledger *l = NULL;
	pid_t sl, sw, puller;
	int port = 20000 + (int)(getpid() % 20000), c = 0, pulls = 0;
	char extra[192];

	bench_name = "bench_syncsvc";
	if (mkdtemp(dir) == NULL)
		bench_die("mkdtemp", NULL);
	/* W set up, L joined by event pack as a lap point with 10,000 walkers */
	cmd = xasprintf(
	    "cd %s && W=$OLDPWD/%s/watctl && "
	    "$W --db t1.db init --name Walk --city Oxford --date $(date +%%F) --pin-later "
	    ">/dev/null && awk 'BEGIN { print \"name,team,email,id\"; for (i = 0; i < 1000; i++) "
	    "printf \"Table %%d Name,T,,T-%%d\\n\", i, i }' >t1.csv && "
	    "$W --db t1.db roster import t1.csv >/dev/null && "
	    "$W --db t1.db event-pack export t2.pack >t2.out && "
	    "$W --db t2.db event-pack import t2.pack --key "
	    "\"$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' t2.out | head -1)\" >/dev/null && "
	    "$W --db t2.db set role lap >/dev/null && "
	    "awk 'BEGIN { print \"name,team,email,id\"; for (i = 0; i < 10000; i++) "
	    "printf \"Walker %%d Name,Team %%d,w%%d@example.org,R-%%d\\n\", i, i %% 50, i, i }' "
	    ">roster.csv && $W --db t2.db roster import roster.csv >/dev/null && "
	    "cp t1.db w.fresh && cp -r t1.db.keys w.db.keys",
	    dir, build);
	bench_sh(cmd);
	free(cmd);
	path = xasprintf("%s/t1.db", dir);
	if (ledger_open(path, &l, &cause) != 0)
		bench_die("open", cause);
	for (int i = 0; i < LAPS + 2 * SCANS; i++) {
		codes[i] = xcalloc(1, BADGE_CODE_MAX);
		if (ledger_badge_code(l, (uint32_t)(i + 1), codes[i], BADGE_CODE_MAX, &cause) != 0)
			bench_die("badge", cause);
	}
	ledger_free(l);
	free(path);

	path = xasprintf("%s/t2.db", dir);
	cmd = xasprintf("%s/l.sock", dir);
	wl = bench_station(path, cmd, &kl);
	free(path);
	free(cmd);
	/* L's scans while a peer pulls L's 10,000 entries, again and again,
	   and alone (the puller stopped), in alternating blocks: the machine's
	   other load falls on both alike */
	{
		char cwd[4096];
		if (getcwd(cwd, sizeof cwd) == NULL)
			bench_die("getcwd", NULL);
		cmd = xasprintf("cd %s && exec %s/%s/wat-sync --db t2.db --kiosk l.sock --listen "
		                "127.0.0.1:%d --no-avahi --interval 3600 2>l.log",
		                dir, cwd, build, port);
		sl = bench_spawn(cmd);
		free(cmd);
		usleep(300 * 1000);
		/* the puller stands in for another station: its file on tmpfs
		   and its process niced, so it takes neither the disk nor the
		   CPU share another Pi's would not; L's own wat-sync (serving:
		   the handshake, signing heads, encrypting) runs as on a station */
		cmd = xasprintf("d=/dev/shm/%s && mkdir -p $d && cd %s && "
		                "cp -r w.db.keys $d/ && while :; do cp w.fresh $d/w.db && "
		                "rm -f $d/w.db-wal && nice -n 15 %s/%s/wat-sync --db $d/w.db "
		                "--peer 127.0.0.1:%d --no-avahi --rounds 1 2>>w.log; done",
		                strrchr(dir, '/') + 1, dir, cwd, build, port);
		puller = bench_spawn(cmd);
		free(cmd);
		usleep(500 * 1000);
		/* RUNS runs, each of alternating blocks (the first block pulled in
		   every other run): the figure is the run whose ratio is the
		   median of the runs' ratios, so a burst of the machine's other
		   load moves one run, not the figure */
		for (int r = 0, na = 0, np = 0; r < RUNS; r++) {
			int na0 = na, np0 = np;
			double a[RUN_SCANS], p[RUN_SCANS];

			for (int b = 0; b < 2 * RUN_SCANS / BLOCK; b++) {
				int pulling = (b + r) % 2 == 1;

				kill(-puller, pulling ? SIGCONT : SIGSTOP);
				usleep(100 * 1000);
				for (int i = 0; i < BLOCK; i++) {
					double t = bench_scan(wl, codes[c++], NULL);
					if (pulling)
						pulled[np++] = t;
					else
						alone[na++] = t;
				}
			}
			memcpy(a, alone + na0, sizeof a);
			memcpy(p, pulled + np0, sizeof p);
			med[r][0] = bench_median(p, RUN_SCANS);
			med[r][1] = bench_median(a, RUN_SCANS);
			ratio[r] = med[r][1] > 0 ? med[r][0] / med[r][1] : 0;
		}
		kill(-puller, SIGCONT);
		bench_kill(puller);
		cmd =
		    xasprintf("grep -c 'station T2, 10[0-9]* entries received' %s/w.log >%s/pulls; "
		              "rm -rf /dev/shm/%s",
		              dir, dir, strrchr(dir, '/') + 1);
		bench_sh(cmd);
		free(cmd);
		cmd = xasprintf("%s/pulls", dir);
		{
			FILE *f = fopen(cmd, "r");
			if (f == NULL || fscanf(f, "%d", &pulls) != 1)
				pulls = 0;
			if (f != NULL)
				fclose(f);
		}
		free(cmd);

		/* a lap at L, visible at W: W's wat-sync calls every 0.5 s */
		path = xasprintf("%s/t1.db", dir);
		cmd = xasprintf("%s/w.sock", dir);
		ww = bench_station(path, cmd, &kw);
		free(path);
		free(cmd);
		/* both as on a station: calling every 3 s, each the other's peer;
		   a new entry at L makes L's wat-sync call at once */
		bench_kill(sl);
		cmd = xasprintf("cd %s && exec %s/%s/wat-sync --db t2.db --kiosk l.sock --listen "
		                "127.0.0.1:%d --peer 127.0.0.1:%d --no-avahi 2>l2.log",
		                dir, cwd, build, port, port + 1);
		sl = bench_spawn(cmd);
		free(cmd);
		cmd = xasprintf("cd %s && exec %s/%s/wat-sync --db t1.db --kiosk w.sock --listen "
		                "127.0.0.1:%d --peer 127.0.0.1:%d --no-avahi 2>w1.log",
		                dir, cwd, build, port + 1, port);
		sw = bench_spawn(cmd);
		free(cmd);
	}
	{
		struct bench_held h = {0};
		double until = bench_now_ms() + 30000;
		int64_t seq;

		/* the first call catches the 10,000 up */
		while (h.seq < 10000 && bench_now_ms() < until) {
			usleep(20 * 1000);
			kiosk_worker_call(ww, bench_held, &h);
		}
		for (int i = 0; i < LAPS; i++) {
			double t0;

			usleep((useconds_t)(50 + (i * 37) % 450) *
			       1000); /* anywhere in the period */
			bench_scan(wl, codes[c++], &seq);
			t0 = bench_now_ms();
			do {
				usleep(5 * 1000);
				kiosk_worker_call(ww, bench_held, &h);
			} while (h.seq < seq && bench_now_ms() - t0 < 10000);
			if (h.seq < seq)
				bench_die("visible",
				          xasprintf("lap %" PRId64 " not at W in 10 s", seq));
			vis[i] = bench_now_ms() - t0;
		}
	}
	bench_kill(sw);
	bench_kill(sl);
	snprintf(extra, sizeof extra, ",\"laps\":%d,\"interval_ms\":3000,\"watch_ms\":250", LAPS);
	bench_pair("sync_lap_visible", "p99", bench_pct(vis, LAPS, 0.99), "goal 2 s", 2000, 1.0,
	           extra);
	{
		double sorted[RUNS];
		int mid = 0;
		struct strbuf x = STRBUF_INIT;

		memcpy(sorted, ratio, sizeof sorted);
		bench_median(sorted, RUNS); /* sorts */
		for (int r = 0; r < RUNS; r++)
			if (ratio[r] == sorted[RUNS / 2])
				mid = r;
		strbuf_printf(&x,
		              ",\"scans\":%d,\"runs\":%d,\"catch_ups\":%d,\"p99_pulled\":%.3f,"
		              "\"p99_alone\":%.3f,\"run_ratios\":[",
		              SCANS, RUNS, pulls, bench_pct(pulled, SCANS, 0.99),
		              bench_pct(alone, SCANS, 0.99));
		for (int r = 0; r < RUNS; r++)
			strbuf_printf(&x, "%s%.2f", r ? "," : "", ratio[r]);
		strbuf_printf(&x, "],\"all_median_pulled\":%.3f,\"all_median_alone\":%.3f",
		              bench_median(pulled, SCANS), bench_median(alone, SCANS));
		bench_pair("sync_scan_commit_pulled", "median of runs", med[mid][0],
		           "the same scans, no peer pulling", med[mid][1], 1.1, x.s);
		strbuf_free(&x);
	}
	kiosk_sync_stop(kw);
	kiosk_sync_stop(kl);
	kiosk_worker_stop(ww);
	kiosk_worker_stop(wl);
	for (int i = 0; i < LAPS + 2 * SCANS; i++)
		free(codes[i]);
	free(codes);
	cmd = xasprintf("rm -rf %s", dir);
	bench_sh(cmd);
	free(cmd);
	return 0;
}
