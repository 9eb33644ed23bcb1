/* event_cli.c — watctl's commands over the whole event; see event_cli.h. */
#include "event_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "ledger.h"

static int
event_cli_dup_cb(const struct ledger_duplicate *d, void *arg)
{
	size_t *n = arg;

	if ((*n)++ == 0)
		printf("Likely the same person, registered at two stations (link them with "
		       "`watctl link`, or leave them apart):\n");
	printf("  walker %" PRIu32 " %s here, and walker %" PRIu32 " %s at %s (station %s)\n",
	       d->walker, cli_esc(d->name), d->other, cli_esc(d->other_name), d->station_name,
	       d->station);
	return 0;
}

static int
event_cli_review_cb(const struct ledger_review *r, void *arg)
{
	size_t *n = arg;
	char money[32];

	if ((*n)++ == 0)
		printf("Other stations ask this station to review its money (only this station "
		       "can annul it):\n");
	printf("  entry %" PRId64 ", %s for walker %" PRIu32 ": %s (station %s) asks: %s\n", r->seq,
	       amount_format(r->cents, money, sizeof money), r->walker, r->station_name, r->station,
	       cli_esc(r->reason));
	return 0;
}

/* The rest of the coordinator's list: laps counted once across stations,
 * duplicates between two other stations, one number for two people. */
static int
event_cli_more_cb(const struct ledger_conflict *x, void *arg)
{
	static const char *const heads[] = {
	    [LEDGER_CONFLICT_LAPS] = "Laps counted at two stations too close together (counted "
	                             "once until the wrong one is annulled where it was "
	                             "recorded):",
	    [LEDGER_CONFLICT_PEER_DUPLICATE] = "Likely the same person, registered at two other "
	                                       "stations (linked at either of them):",
	    [LEDGER_CONFLICT_NUMBER] = "One walker number registered to two people:",
	    [LEDGER_CONFLICT_LAP_REVIEW] = "Flagged laps accepted at one station and rejected at "
	                                   "another (the later review counts):",
	};
	int *last = arg;

	if (x->kind == LEDGER_CONFLICT_DUPLICATE || x->kind == LEDGER_CONFLICT_REVIEW)
		return 0; /* above */
	if (*last != (int)x->kind)
		printf("%s\n", heads[x->kind]);
	*last = (int)x->kind;
	printf("  %s\n", cli_esc(x->text));
	return 0;
}

static enum cli_ret
event_cli_conflicts(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;
	size_t ndup = 0, nrev = 0;
	int last = -1;

	if (a->npos != 0)
		return cli_usage(c);
	if (ledger_event_duplicates(c->l, event_cli_dup_cb, &ndup, &cause) != 0 ||
	    ledger_event_reviews(c->l, event_cli_review_cb, &nrev, &cause) != 0 ||
	    ledger_event_conflicts(c->l, event_cli_more_cb, &last, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	if (ndup == 0 && nrev == 0 && last < 0)
		printf("No conflicts with other stations.\n");
	return CLI_OK;
}

const struct cli_cmd_entry event_cli_conflicts_entry = {
    .name = "conflicts",
    .usage = "",
    .about = "likely duplicate registrations across stations, other stations' requests "
             "to review this station's money, laps counted once across stations, and one "
             "walker number registered to two people",
    .needs = CLI_EVENT,
    .how = CLI_READ,
    .exec = event_cli_conflicts,
};

static enum cli_ret
event_cli_link(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;
	int64_t id, other, seq;
	int rc;

	if (a->npos != 1 || cli_val(a, "station") == NULL || cli_val(a, "walker") == NULL)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[0], "walker number", UINT32_MAX, &id)) != 0 ||
	    (rc = cli_number(cli_val(a, "walker"), "walker number", UINT32_MAX, &other)) != 0)
		return rc;
	if (ledger_link(c->l, (uint32_t)id, cli_val(a, "station"), (uint32_t)other, c->op, &seq,
	                &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Walker %" PRId64 " here and walker %" PRId64
	       " at station %s are linked as one person (entry %" PRId64 ").\n",
	       id, other, cli_val(a, "station"), seq);
	return CLI_OK;
}

const struct cli_cmd_entry event_cli_link_entry = {
    .name = "link",
    .usage = "ID --station STATION --walker N",
    .about = "record that walker ID here and walker N of another station are one person",
    .opts = CLI_OPTS(CLI_VALUE("station"), CLI_VALUE("walker")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = event_cli_link,
};

static enum cli_ret
event_cli_review(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;
	int64_t target, seq;
	int rc;

	if (a->npos != 1 || cli_val(a, "station") == NULL || cli_val(a, "reason") == NULL)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[0], "entry number", INT64_MAX, &target)) != 0)
		return rc;
	if (ledger_review_ask(c->l, cli_val(a, "station"), target, cli_val(a, "reason"), c->op,
	                      &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Station %s is asked to review its entry %" PRId64 " (entry %" PRId64
	       " here); it reaches it at the next sync.\n",
	       cli_val(a, "station"), target, seq);
	return CLI_OK;
}

const struct cli_cmd_entry event_cli_review_entry = {
    .name = "review-ask",
    .usage = "SEQ --station STATION --reason TEXT",
    .about = "ask the station holding donation SEQ to review it (money is annulled only there)",
    .opts = CLI_OPTS(CLI_VALUE("station"), CLI_VALUE("reason")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = event_cli_review,
};
