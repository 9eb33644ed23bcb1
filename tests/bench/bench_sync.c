/* bench_sync — station sync (docs/SYNC.md): a lap point's 10,000 entries
 * (a roster) and 100,000 (a day: walkers, laps, donations) caught up by a
 * welcome table that holds none of them, in one exchange
 * over a socket pair (the handshake, secretstream, signed heads, the
 * receiver's chain checks and commits), beside the stock sqlite3 shell
 * copying the same entries table into a new file in the same run.  The
 * stations are set up by watctl (init, event pack) as on a real day. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "sync.h"
#include "sync_msg.h"
#include "util.h"

#define ROUNDS 3

static void
bench_sh(const char *cmd)
{
	if (system(cmd) != 0)
		bench_die("shell", xasprintf("%s failed", cmd));
}

/* One exchange: the child answers from t2, the parent calls from t1. */
static double
bench_exchange(const char *t1, const char *t2, size_t *received)
{
	struct sync_opts o = {LEDGER_PEER_BUDGET_DEFAULT, SYNC_FORMAT, 0, 0, 30000};
	struct sync_self self;
	struct sync_result res;
	struct ledger *l = NULL;
	char *cause = NULL, *keys;
	int sv[2], status;
	double t0, t;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		bench_die("socketpair", NULL);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		keys = xasprintf("%s.keys", t2);
		if (ledger_open_mode(t2, LEDGER_WRITE, &l, &cause) != 0 ||
		    sync_self_load(l, keys, &self, &cause) != 0 ||
		    sync_exchange(l, &self, sv[1], 0, &o, &res, &cause) != 0)
			bench_die("answer", cause);
		_exit(0);
	}
	close(sv[1]);
	keys = xasprintf("%s.keys", t1);
	if (ledger_open_mode(t1, LEDGER_WRITE, &l, &cause) != 0 ||
	    sync_self_load(l, keys, &self, &cause) != 0)
		bench_die("open", cause);
	t0 = bench_now_ms();
	if (sync_exchange(l, &self, sv[0], 1, &o, &res, &cause) != 0)
		bench_die("exchange", cause);
	t = bench_now_ms() - t0;
	*received = res.received;
	close(sv[0]);
	waitpid(pid, &status, 0);
	sync_self_clear(&self);
	ledger_free(l);
	free(keys);
	return t;
}

/* A lap point t2 (joined by event pack) holding `entries` of a day, and a
 * welcome table t1 that holds none of them; caught up ROUNDS times from
 * t1's fresh copy, beside the sqlite3 shell copying the same entries table
 * into a new file in one transaction (.dump writes BEGIN ... COMMIT): the
 * floor of storing the same rows.  Medians into *ours and *floor. */
static int64_t
bench_size(const char *build, size_t entries, double *ours_med, double *floor_med)
{
	char dir[] = "/tmp/wat-bench-sync-XXXXXX", *cmd, *t1, *t2, *cause = NULL;
	double ours[ROUNDS], peer[ROUNDS], t0;
	struct ledger *l = NULL;
	size_t received = 0;
	int64_t head;
	unsigned char hash[LEDGER_HASH_LEN];

	if (mkdtemp(dir) == NULL)
		bench_die("mkdtemp", NULL);
	cmd = xasprintf("cd %s && W=$OLDPWD/%s/watctl && "
	                "$W --db t1.db init --name Walk --city Oxford --date 2026-05-02 "
	                "--pin-later >/dev/null && $W --db t1.db event-pack export t2.pack "
	                ">t2.out && $W --db t2.db event-pack import t2.pack --key "
	                "\"$(grep -oE '[0-9A-Z]{5}(-[0-9A-Z]{5}){6}' t2.out | head -1)\" "
	                ">/dev/null && "
	                "cp t1.db t1.fresh && cp t1.db-wal t1.fresh-wal 2>/dev/null; true",
	                dir, build);
	bench_sh(cmd);
	free(cmd);
	t1 = xasprintf("%s/t1.db", dir);
	t2 = xasprintf("%s/t2.db", dir);
	if (ledger_open_mode(t2, LEDGER_WRITE, &l, &cause) != 0)
		bench_die("open", cause);
	if (entries <= 10000) {
		/* a joined station numbers its walkers from its own base: a roster */
		struct strbuf csv = STRBUF_INIT;
		struct ledger_import imp;
		struct roster *ro = NULL;

		strbuf_puts(&csv, "name,team,email,id\n");
		for (size_t i = 0; i < entries; i++)
			strbuf_printf(&csv, "Walker %zu Name,Team %zu,w%zu@example.org,R-%zu\n", i,
			              i % 50, i, i);
		if (roster_parse(csv.s, csv.len, &ro, &cause) != 0 ||
		    ledger_roster_import(l, ro, "bench", &imp, &cause) != 0)
			bench_die("roster", cause);
		roster_free(ro);
		strbuf_free(&csv);
	} else {
		/* a day's mix: 5 % walkers, 85 % laps, 10 % donations */
		if (ledger_set(l, "walker-base", "0", "bench", &cause) != 0 ||
		    ledger_set(l, "min-lap", "0", "bench", &cause) != 0 ||
		    ledger_set(l, "holdoff", "0", "bench", &cause) != 0)
			bench_die("settings", cause);
		bench_fill_day(l, entries / 20, entries * 17 / 20, entries / 10);
	}
	ledger_head(l, &head, hash);
	ledger_free(l);
	for (int r = 0; r < ROUNDS; r++) {
		cmd = xasprintf("cd %s && rm -f t1.db-wal && cp t1.fresh t1.db && "
		                "{ [ ! -f t1.fresh-wal ] || cp t1.fresh-wal t1.db-wal; } && "
		                "rm -f copy.db",
		                dir);
		bench_sh(cmd);
		free(cmd);
		ours[r] = bench_exchange(t1, t2, &received);
		if ((int64_t)received != head)
			bench_die("exchange",
			          xasprintf("%zu of %" PRId64 " entries", received, head));
		cmd = xasprintf("cd %s && sqlite3 t2.db '.dump entries' | sqlite3 copy.db", dir);
		t0 = bench_now_ms();
		bench_sh(cmd);
		peer[r] = bench_now_ms() - t0;
		free(cmd);
	}
	*ours_med = bench_median(ours, ROUNDS);
	*floor_med = bench_median(peer, ROUNDS);
	cmd = xasprintf("rm -rf %s", dir);
	bench_sh(cmd);
	free(cmd);
	free(t1);
	free(t2);
	return head;
}

int
main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	double ours, floor;
	int64_t head;
	char extra[64];

	bench_name = "bench_sync";
	head = bench_size(build, 10000, &ours, &floor);
	snprintf(extra, sizeof extra, ",\"entries\":%" PRId64, head);
	bench_pair("sync_catch_up", "median", ours, "sqlite3 .dump entries | sqlite3 new.db", floor,
	           0, extra);
	/* issue 17's figure: 100,000 entries in one exchange, under 10 s */
	head = bench_size(build, 100000, &ours, &floor);
	snprintf(extra, sizeof extra, ",\"entries\":%" PRId64 ",\"target_ms\":10000", head);
	bench_pair("sync_catch_up_100k", "median", ours, "sqlite3 .dump entries | sqlite3 new.db",
	           floor, 0, extra);
	return 0;
}
