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
#include "sync_file.h"
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
	       " flagged, %" PRId64 " more to review across stations), %s raised\n",
	       ef.n, ef.n == 1 ? "" : "s", ef.all.walkers, ef.all.laps, ef.all.flagged_laps,
	       ef.review_laps, amount_format(ef.all.total_cents, money, sizeof money));
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
		printf("Walker %" PRIu32 ": %" PRId64 " laps", walker, ef.walker_laps);
		if (ef.walker_review > 0) /* at two stations too close together: counted once */
			printf(" (%" PRId64 " more to review)", ef.walker_review);
		printf(", %s raised (", amount_format(ef.walker_raised_cents, money, sizeof money));
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

static enum cli_ret
sync_cli_sync(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct sync_opts so = {LEDGER_PEER_BUDGET_DEFAULT, SYNC_FORMAT, 0, 0, 10000};
	const char *listen = cli_val(a, "listen");
	int npeers = cli_given(a, "peer"), status = cli_given(a, "status"),
	    nfiles = cli_given(a, "file");
	struct ledger *l = c->l;
	struct sync_self self;
	struct sync_result res;
	char *keys = NULL, *cause = NULL;
	int64_t v = 0;
	int rc, fd = -1, lfd = -1;

	if ((npeers > 0) + (listen != NULL) + status + (nfiles > 0) != 1 || a->npos != 0 ||
	    (cli_given(a, "once") && listen == NULL) || (cli_given(a, "walker") && !status))
		return cli_usage(c);
	if (status) {
		if (cli_given(a, "walker") &&
		    (rc = cli_number(cli_val(a, "walker"), "--walker", UINT32_MAX, &v)) != 0)
			return rc;
		if (ledger_peers(l, sync_cli_status_cb, NULL, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		return sync_cli_event(l, (uint32_t)v);
	}
	if (cli_given(a, "budget-mb")) {
		if ((rc = cli_number(cli_val(a, "budget-mb"), "--budget-mb", 1024 * 1024, &v)) != 0)
			return rc;
		so.budget = v * 1024 * 1024;
	}
	if (cli_given(a, "timeout")) {
		if ((rc = cli_number(cli_val(a, "timeout"), "--timeout", 3600, &v)) != 0)
			return rc;
		so.timeout_ms = (int)v * 1000;
	}
	so.format = (unsigned)sync_cli_env("WAT_SYNC_FORMAT", SYNC_FORMAT);
	so.cut_after = sync_cli_env("WAT_SYNC_CUT_AFTER", 0);
	so.forge_head = sync_cli_env("WAT_SYNC_FORGE_HEAD", 0);
	if (cli_given(a, "keys"))
		keys = xstrdup(cli_val(a, "keys"));
	else if (c->db != NULL)
		keys = xasprintf("%s.keys", c->db);
	else
		return cli_fail(CLI_USAGE,
		                "Give the ledger with --db, or the key folder with --keys.");
	if (sync_self_load(l, keys, &self, &cause) != 0) {
		free(keys);
		return cli_cause(CLI_REFUSED, cause);
	}
	free(keys);
	rc = CLI_OK;
	if (nfiles > 0) {
		/* without a network: another station's entries file from a stick */
		for (int i = 0; i < nfiles; i++) {
			const char *path = cli_nth(a, "file", i);

			if (sync_file_load(l, &self, path, so.budget, &res, &cause) != 0) {
				fprintf(stderr, "%s: ", path);
				rc = cli_cause(CLI_REFUSED, cause);
				cause = NULL;
			} else if (res.received == 0)
				printf("Read %s: station %s, entries 1-%" PRId64
				       " held already: nothing new.\n",
				       path, res.peer, res.peer_head);
			else
				printf("Read %s: station %s, %zu entries new, its head %" PRId64
				       " (checked to the head it signed).\n",
				       path, res.peer, res.received, res.peer_head);
		}
		goto end;
	}
	if (npeers > 0) {
		for (int i = 0; i < npeers; i++) {
			const char *peer = cli_nth(a, "peer", i);

			if (sync_connect(peer, so.timeout_ms, &fd, &cause) != 0 ||
			    sync_exchange(l, &self, fd, 1, &so, &res, &cause) != 0) {
				rc = cli_cause(CLI_REFUSED, cause);
				cause = NULL;
			} else
				sync_cli_say("Exchanged with", peer, &res);
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		goto end;
	}
	if (sync_listen(listen, &lfd, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	fprintf(stderr, "Listening on %s.\n", listen);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			continue;
		if (sync_exchange(l, &self, fd, 0, &so, &res, &cause) != 0) {
			rc = cli_cause(CLI_REFUSED, cause);
			cause = NULL;
		} else {
			rc = CLI_OK;
			sync_cli_say("Answered", listen, &res);
		}
		close(fd);
		fd = -1;
		if (cli_given(a, "once"))
			break;
	}
end:
	if (lfd >= 0)
		close(lfd);
	sync_self_clear(&self);
	return rc;
}

const struct cli_cmd_entry sync_cli_sync_entry = {
    .name = "sync",
    .usage = "--peer ADDR:PORT... [--budget-mb N] [--timeout S] [--keys DIR]\n"
             "--listen ADDR:PORT [--once] [--budget-mb N] [--timeout S] [--keys DIR]\n"
             "--file STATION.entries... [--budget-mb N] [--keys DIR]\n"
             "--status [--walker ID]",
    .about = "copy other stations' entries, and the event's figures (docs/SYNC.md)",
    .opts = CLI_OPTS(CLI_MANY("peer"), CLI_MANY("file"), CLI_VALUE("listen"), CLI_FLAG("once"),
                     CLI_FLAG("status"), CLI_VALUE("keys"), CLI_VALUE("budget-mb"),
                     CLI_VALUE("timeout"), CLI_VALUE("walker")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = sync_cli_sync,
};
