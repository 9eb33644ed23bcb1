/* sync_cli.c — see sync_cli.h. */
#include "sync_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "amount.h"
#include "cli.h"
#include "ledger.h"
#include "stamp.h"
#include "sync.h"
#include "sync_msg.h"
#include "util.h"

static void
sync_cli_say(const char *how, const char *addr, const struct sync_result *r)
{
	printf("%s %s: station %s, %zu entries received, %zu sent, its head %" PRId64
	       ", clock offset %+" PRId64 " ms (round trip %" PRId64 " ms)\n",
	       how, addr, r->peer, r->received, r->sent, r->peer_head, r->offset_ms, r->rtt_ms);
	if (r->note[0] != '\0')
		printf("%s\n", r->note);
	fflush(stdout);
}

static int
sync_cli_status_cb(const struct ledger_peer *p, void *arg)
{
	struct stamp now;
	char id[17];

	(void)arg;
	stamp_now(&now);
	for (int i = 0; i < 8; i++)
		snprintf(id + 2 * i, 3, "%02x", p->ledger[i]);
	printf("%-8s ledger %s  entries 1-%" PRId64 "  %" PRId64 " bytes  seen %" PRId64
	       " s ago  clock %+" PRId64 " ms  format %d\n",
	       p->station, id, p->head_seq, p->bytes, (now.wall_ms - p->seen_wall_ms) / 1000,
	       p->offset_ms, p->format);
	return 0;
}

/* The figures over the whole event (ledger_event_figures), and one
 * walker's when asked. */
static int
sync_cli_event(struct ledger *l, uint32_t walker)
{
	struct ledger_event_figures ef;
	struct stamp now;
	char *cause = NULL, money[32];

	if (ledger_event_figures(l, walker, &ef, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	stamp_now(&now);
	printf("Event over %zu station%s: %" PRId64 " walkers, %" PRId64 " laps (%" PRId64
	       " flagged), %s raised\n",
	       ef.n, ef.n == 1 ? "" : "s", ef.all.walkers, ef.all.laps, ef.all.flagged_laps,
	       amount_format(ef.all.total_cents, money, sizeof money));
	for (size_t i = 0; i < ef.n; i++) {
		const struct ledger_station_figures *st = &ef.station[i];

		printf("  %-8s %" PRId64 " entries, %" PRId64 " laps, %s", st->station, st->entries,
		       st->fig.laps, amount_format(st->fig.total_cents, money, sizeof money));
		if (st->own)
			printf(" (this station)\n");
		else
			printf(" (seen %" PRId64 " s ago)\n",
			       (now.wall_ms - st->seen_wall_ms) / 1000);
	}
	if (walker != 0) {
		printf("Walker %" PRIu32 ": %" PRId64 " laps, %s raised (", walker, ef.walker_laps,
		       amount_format(ef.walker_raised_cents, money, sizeof money));
		for (size_t i = 0; i < ef.n; i++)
			printf("%s%s %" PRId64, i ? ", " : "", ef.station[i].station,
			       ef.station[i].walker_laps);
		printf(")\n");
	}
	ledger_event_figures_clear(&ef);
	return CLI_OK;
}

/* The test hooks (docs/SYNC.md): a number from the environment, else def. */
static int
sync_cli_env(const char *name, int def)
{
	const char *v = getenv(name);
	return v != NULL && *v != '\0' ? atoi(v) : def;
}

int
sync_cli_main(struct ledger *l, const char *db, int argc, char **argv)
{
	struct cli_opt o[] = {{"peer", CLI_MANY, 0, {0}}, {"listen", 1, 0, {0}},
	                      {"once", 0, 0, {0}},        {"status", 0, 0, {0}},
	                      {"keys", 1, 0, {0}},        {"budget-mb", 1, 0, {0}},
	                      {"timeout", 1, 0, {0}},     {"walker", 1, 0, {0}}};
	const size_t no = sizeof o / sizeof o[0];
	struct sync_opts so = {LEDGER_PEER_BUDGET_DEFAULT, SYNC_FORMAT, 0, 0, 10000};
	struct sync_self self;
	struct sync_result res;
	struct cli_args a;
	char *keys = NULL, *cause = NULL;
	int64_t v;
	int rc, fd = -1, lfd = -1, modes;

	if ((rc = cli_parse(argc, argv, o, no, &a)) != 0)
		return rc;
	modes = (o[0].n > 0) + (o[1].n > 0) + (o[3].n > 0);
	if (modes != 1 || a.npos != 0 || (o[2].n && !o[1].n) || (o[7].n && !o[3].n))
		return cli_fail(CLI_USAGE, "Usage: watctl sync --peer ADDR:PORT [--peer ...] | "
		                           "--listen ADDR:PORT [--once] | --status [--walker ID]\n"
		                           "        [--keys DIR] [--budget-mb N] [--timeout S]");
	if (o[3].n) {
		if (o[7].n && (rc = cli_number(o[7].val[0], "--walker", UINT32_MAX, &v)) != 0)
			return rc;
		if (ledger_peers(l, sync_cli_status_cb, NULL, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		return sync_cli_event(l, o[7].n ? (uint32_t)v : 0);
	}
	if (o[5].n) {
		if ((rc = cli_number(o[5].val[0], "--budget-mb", 1024 * 1024, &v)) != 0)
			return rc;
		so.budget = v * 1024 * 1024;
	}
	if (o[6].n) {
		if ((rc = cli_number(o[6].val[0], "--timeout", 3600, &v)) != 0)
			return rc;
		so.timeout_ms = (int)v * 1000;
	}
	so.format = (unsigned)sync_cli_env("WAT_SYNC_FORMAT", SYNC_FORMAT);
	so.cut_after = sync_cli_env("WAT_SYNC_CUT_AFTER", 0);
	so.forge_head = sync_cli_env("WAT_SYNC_FORGE_HEAD", 0);
	if (o[4].n)
		keys = xstrdup(o[4].val[0]);
	else if (db != NULL)
		keys = xasprintf("%s.keys", db);
	else
		return cli_fail(CLI_USAGE,
		                "Give the ledger with --db, or the key folder with --keys.");
	if (sync_self_load(l, keys, &self, &cause) != 0) {
		free(keys);
		return cli_cause(CLI_REFUSED, cause);
	}
	free(keys);
	rc = CLI_OK;
	if (o[0].n) {
		for (int i = 0; i < o[0].n; i++) {
			if (sync_connect(o[0].val[i], so.timeout_ms, &fd, &cause) != 0 ||
			    sync_exchange(l, &self, fd, 1, &so, &res, &cause) != 0) {
				rc = cli_cause(CLI_REFUSED, cause);
				cause = NULL;
			} else
				sync_cli_say("Exchanged with", o[0].val[i], &res);
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		goto end;
	}
	if (sync_listen(o[1].val[0], &lfd, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	fprintf(stderr, "Listening on %s.\n", o[1].val[0]);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			continue;
		if (sync_exchange(l, &self, fd, 0, &so, &res, &cause) != 0) {
			rc = cli_cause(CLI_REFUSED, cause);
			cause = NULL;
		} else {
			rc = CLI_OK;
			sync_cli_say("Answered", o[1].val[0], &res);
		}
		close(fd);
		fd = -1;
		if (o[2].n)
			break;
	}
end:
	if (lfd >= 0)
		close(lfd);
	sync_self_clear(&self);
	return rc;
}
