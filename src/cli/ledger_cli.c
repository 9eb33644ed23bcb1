/* ledger_cli.c — watctl's commands of the station's ledger: setting the
 * event up, the roster, walkers, scans, laps and check-ins by hand,
 * donations, annulments, the report, the log and the ledger's upkeep. */
#include "ledger_cli.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bundle.h"
#include "ledger.h"
#include "pin.h"
#include "pin_cli.h"
#include "roster.h"
#include "stamp.h"
#include "strbuf.h"
#include "text.h"
#include "trust_cli.h"
#include "util.h"

/* What report and check say of a training ledger (ledger_training_open). */
#define LEDGER_CLI_TRAINING                                                                        \
	"TRAINING LEDGER: volunteer practice, nothing in it counts (never synced or exported)."

#define LEDGER_CLI_ROSTER_MAX (64u * 1024 * 1024)

static enum cli_ret
ledger_cli_init(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_init in;
	struct ledger_event ev;
	struct trust_cli_charter tc;
	char *cause = NULL, pin[64] = "";
	const char *goal, *charter;
	int rc, later;

	memset(&in, 0, sizeof in);
	memset(&tc, 0, sizeof tc);
	in.name = cli_val(a, "name");
	in.city = cli_val(a, "city");
	in.date = cli_val(a, "date");
	in.station = cli_val(a, "station");
	later = cli_given(a, "pin-later");
	charter = cli_val(a, "charter");
	/* with a charter, the event's name, city and date come from it */
	if ((charter == NULL ? (in.name == NULL || in.city == NULL || in.date == NULL ||
	                        cli_val(a, "event-key") != NULL)
	                     : (in.name != NULL || in.city != NULL || in.date != NULL)) ||
	    a->npos != 0 || (later && cli_val(a, "pin-file") != NULL))
		return cli_usage(c);
	if ((goal = cli_val(a, "goal")) != NULL &&
	    amount_parse(goal, INT64_C(100000000000), &in.goal_cents, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	/* the PIN first: nothing is set up with a PIN that would be refused */
	if (!later) {
		rc = pin_cli_secret(cli_val(a, "pin-file"),
		                    "Choose the coordinator PIN (6 to 8 digits): ", 1, pin,
		                    sizeof pin);
		if (rc < 0)
			rc = cli_fail(
			    CLI_USAGE,
			    "init sets the coordinator PIN: give --pin-file FILE (the PIN on "
			    "its first line), run it on a terminal to type it, or give "
			    "--pin-later to have the kiosk ask for it when it first starts.");
		if (rc == 0 && pin_valid(pin, &cause) != 0)
			rc = cli_cause(CLI_USAGE, cause);
		if (rc != 0)
			goto end;
	}
	if (charter != NULL) {
		if ((rc = trust_cli_charter_open(charter, cli_val(a, "event-key"), &tc)) != CLI_OK)
			goto end;
		in.name = tc.c.name;
		in.city = tc.c.city;
		in.date = tc.c.date;
	}
	if (ledger_init_event(c->l, &in, c->op, &cause) != 0) {
		rc = cli_cause(ledger_has_event(c->l) ? CLI_REFUSED : CLI_USAGE, cause);
		goto end;
	}
	ledger_event(c->l, &ev);
	printf("Event \"%s\" in %s on %s is set up on station %s (badge tag %s).\n",
	       cli_esc(ev.name), cli_esc(ev.city), ev.date, ev.station, ev.event_tag);
	if ((rc = trust_cli_init_finish(c->db, c->l, charter != NULL ? &tc : NULL, c->op)) !=
	    CLI_OK)
		goto end;
	if (later)
		printf("No coordinator PIN yet: the kiosk asks for one before anything else when "
		       "it first starts.\n");
	else
		rc = pin_cli_store(c, pin, NULL, NULL);
end:
	trust_cli_charter_clear(&tc);
	util_wipe(pin, sizeof pin);
	return rc;
}

const struct cli_cmd_entry ledger_cli_init_entry = {
    .name = "init",
    .usage = "--name NAME --city CITY --date YYYY-MM-DD [--goal AMOUNT] [--station ID] "
             "[--pin-file FILE | --pin-later]\n"
             "--charter FILE --event-key FILE [--goal AMOUNT] [--station ID] "
             "[--pin-file FILE | --pin-later]",
    .about = "set the event up (from HQ's charter, or by hand), and the coordinator PIN",
    .opts = CLI_OPTS(CLI_VALUE("name"), CLI_VALUE("city"), CLI_VALUE("date"), CLI_VALUE("goal"),
                     CLI_VALUE("station"), CLI_VALUE("pin-file"), CLI_FLAG("pin-later"),
                     CLI_VALUE("charter"), CLI_VALUE("event-key")),
    .needs = CLI_LEDGER,
    .how = CLI_CREATE,
    .exec = ledger_cli_init,
};

/* The preview: what an import would do, and every bad row with its own text. */
static void
ledger_cli_roster_preview(const char *file, const struct roster *r, const struct ledger_import *p)
{
	char *bad = roster_problems(r, 0);

	printf("%s: %zu new, %zu updated, %zu unchanged", file, p->added, p->updated, p->unchanged);
	if (r->nmerged > 0)
		printf(", %zu exact repeat%s merged", r->nmerged, r->nmerged == 1 ? "" : "s");
	printf("; %zu row%s with a problem.\n", r->nbad, r->nbad == 1 ? "" : "s");
	if (r->merged != NULL)
		printf("%s\n", r->merged);
	if (bad != NULL)
		printf("%s\n", bad);
	free(bad);
	if (r->pledges != NULL) {
		printf("Pledges: %zu new, %zu unchanged (imported before), %zu with a problem.\n",
		       p->pledges_added, p->pledges_unchanged, p->pledges_bad);
		if ((bad = roster_pledge_problems(r->pledges)) != NULL)
			printf("%s\n", bad);
		free(bad);
	}
}

/* import: nothing when a row is bad, unless --good-rows chooses to leave
 * them out (they are listed then, to fix by hand). */
static enum cli_ret
ledger_cli_roster(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct roster *r = NULL;
	struct ledger_import res;
	char *data = NULL, *cause = NULL, *bad = NULL;
	size_t len;
	int rc, preview;

	if (a->npos != 2 || ((preview = strcmp(a->pos[0], "preview") == 0) == 0 &&
	                     strcmp(a->pos[0], "import") != 0))
		return cli_usage(c);
	if (util_read_file(a->pos[1], LEDGER_CLI_ROSTER_MAX, &data, &len, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if (roster_read(data, len, &r, &cause) != 0) {
		fprintf(stderr, "%s: nothing was imported.\n", a->pos[1]);
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	/* the pledges' problems are known once judged against the ledger */
	if (!preview && r->nbad == 0 && r->pledges != NULL && !cli_given(a, "good-rows")) {
		if (ledger_roster_preview(c->l, r, &res, &cause) != 0) {
			rc = cli_cause(CLI_REFUSED, cause);
			goto end;
		}
		if (res.pledges_bad > 0) {
			ledger_cli_roster_preview(a->pos[1], r, &res);
			fprintf(
			    stderr,
			    "%s: nothing was imported: %zu pledge%s a problem. Fix the file, or "
			    "import the good rows with --good-rows and fix the others by hand.\n",
			    a->pos[1], res.pledges_bad, res.pledges_bad == 1 ? " has" : "s have");
			rc = CLI_USAGE;
			goto end;
		}
	}
	if (preview || (r->nbad > 0 && !cli_given(a, "good-rows"))) {
		if (ledger_roster_preview(c->l, r, &res, &cause) != 0) {
			rc = cli_cause(CLI_REFUSED, cause);
			goto end;
		}
		ledger_cli_roster_preview(a->pos[1], r, &res);
		if (preview) {
			rc = CLI_OK;
			goto end;
		}
		if (r->n == r->nbad)
			fprintf(stderr, "%s: nothing was imported: no row is good. Fix the file.\n",
			        a->pos[1]);
		else
			fprintf(stderr,
			        "%s: nothing was imported: %zu row%s a problem. Fix the file, or "
			        "import the %zu good row%s with --good-rows and fix the others by "
			        "hand.\n",
			        a->pos[1], r->nbad, r->nbad == 1 ? " has" : "s have",
			        r->n - r->nbad, r->n - r->nbad == 1 ? "" : "s");
		rc = CLI_USAGE;
		goto end;
	}
	if (ledger_roster_import(c->l, r, c->op, &res, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("Imported %s: %zu added, %zu updated, %zu unchanged.\n", a->pos[1], res.added,
	       res.updated, res.unchanged);
	if (r->pledges != NULL)
		printf("Pledges: %zu new, %zu unchanged (imported before)%s.\n", res.pledges_added,
		       res.pledges_unchanged,
		       res.pledges_bad > 0 ? "; the pledges with a problem were left out" : "");
	if (r->merged != NULL)
		printf("%s\n", r->merged);
	if (r->nbad > 0) {
		bad = roster_problems(r, 0);
		printf("Left out, to fix by hand (%zu row%s):\n%s\n", r->nbad,
		       r->nbad == 1 ? "" : "s", bad);
	}
	if (r->pledges != NULL && res.pledges_bad > 0) {
		free(bad);
		bad = roster_pledge_problems(r->pledges);
		printf("Pledges left out, to fix by hand (%zu):\n%s\n", res.pledges_bad,
		       bad != NULL ? bad : "");
	}
	rc = CLI_OK;
end:
	free(bad);
	roster_free(r);
	free(data);
	return rc;
}

const struct cli_cmd_entry ledger_cli_roster_entry = {
    .name = "roster",
    .usage = "preview FILE.csv | import FILE.csv [--good-rows]",
    .about = "add or update walkers from the online registration's CSV (preview: what an "
             "import would do, and each bad row)",
    .opts = CLI_OPTS(CLI_FLAG("good-rows")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .reads = "preview",
    .exec = ledger_cli_roster,
};

static void
ledger_cli_print_walker_line(const struct ledger_walker *w)
{
	char raised[32];

	printf("%" PRIu32 "\t%s\t%s\t%s\t%" PRId64 " laps\t%s%s\n", w->id,
	       w->name ? cli_esc(w->name) : "(seen by badge)", w->team ? cli_esc(w->team) : "-",
	       w->checked_in ? "checked in" : "not checked in", w->laps,
	       amount_format(w->raised_cents, raised, sizeof raised),
	       w->active || w->reg_seq == 0 ? "" : "\tannulled");
}

static int
ledger_cli_walker_line_cb(const struct ledger_walker *w, void *arg)
{
	size_t *n = arg;

	ledger_cli_print_walker_line(w);
	(*n)++;
	return 0;
}

static int
ledger_cli_entry_line_cb(const struct ledger_entry *e, void *arg)
{
	char when[32];
	const char *data = strstr(e->line, "\"data\":");

	char *text;

	/* the station's time for the person reading; the bundle keeps UTC */
	stamp_format_local(e->at.wall_ms, when, sizeof when);
	printf("%6" PRId64 "  %s  %-13s", e->seq, when, cli_esc(e->kind));
	if (e->walker != 0)
		printf(" walker %-6" PRIu32, e->walker);
	if (e->ref != 0)
		printf(" of %" PRId64, e->ref);
	printf(" by %s", cli_esc(e->op));
	if (data != NULL) {
		/* the JSON escapes C0 controls; C1 and bidi overrides are escaped here */
		text = xstrndup(data + 7, strlen(data + 7) - 1);
		printf("  %s", cli_esc(text));
		free(text);
	}
	if (e->annulled_by != 0)
		printf("  [annulled by %" PRId64 "]", e->annulled_by);
	putchar('\n');
	return arg != NULL && --*(int *)arg <= 0;
}

static enum cli_ret
ledger_cli_walker(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_walker w;
	char code[BADGE_CODE_MAX], raised[32], *cause = NULL;
	int64_t id;
	uint32_t nid;
	size_t n = 0;
	int recent = 10, npos = a->npos - 1;
	const char *sub = a->npos > 0 ? a->pos[0] : "";
	char **pos = a->pos + 1; /* after the subcommand */

	if (strcmp(sub, "add") == 0) {
		if (cli_val(a, "name") == NULL || npos != 0)
			goto usage;
		if (ledger_walker_add(c->l, cli_val(a, "name"), cli_val(a, "team"),
		                      cli_val(a, "email"), cli_val(a, "phone"), cli_val(a, "id"),
		                      c->op, &nid, &cause) != 0)
			return cli_cause(CLI_USAGE, cause);
		if (ledger_badge_code(c->l, nid, code, sizeof code, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		printf("%" PRIu32 "\t%s\n", nid, code);
		return CLI_OK;
	}
	if (strcmp(sub, "list") == 0 || strcmp(sub, "find") == 0) {
		const char *text = NULL;

		if (strcmp(sub, "find") == 0) {
			if (npos != 1)
				goto usage;
			text = pos[0];
		} else if (npos != 0)
			goto usage;
		if (ledger_walkers(c->l, text, ledger_cli_walker_line_cb, &n, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		if (n == 0 && text != NULL)
			return cli_fail(CLI_REFUSED, "No walker matches \"%s\".", text);
		return CLI_OK;
	}
	if (strcmp(sub, "show") == 0) {
		if (npos != 1 || cli_number(pos[0], "walker number", BADGE_MAX_WALKER, &id))
			goto usage;
		if (ledger_walker_get(c->l, (uint32_t)id, &w, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		printf("Walker %" PRIu32 ": %s\n", w.id,
		       w.name ? cli_esc(w.name) : "(seen by badge only)");
		if (w.team)
			printf("Team: %s\n", cli_esc(w.team));
		if (w.email)
			printf("Email: %s\n", cli_esc(w.email));
		if (w.phone)
			printf("Phone: %s\n", cli_esc(w.phone));
		if (w.ext_id)
			printf("Registration id: %s\n", cli_esc(w.ext_id));
		printf(
		    "Status: %s%s\nLaps: %" PRId64, w.checked_in ? "checked in" : "not checked in",
		    w.reg_seq > 0 && !w.active ? " (registration annulled)" : "", w.counted_laps);
		if (w.counted_laps != w.laps) /* fold.h: counted laps */
			printf(" counted (%" PRId64 " recorded; %" PRId64
			       " flagged waiting for review: watctl lap review)",
			       w.laps, w.pending_laps);
		printf("\nRaised: %s\n", amount_format(w.raised_cents, raised, sizeof raised));
		if (w.reg_seq > 0 && w.active &&
		    ledger_badge_code(c->l, w.id, code, sizeof code, NULL) == 0)
			printf("Badge code: %s\n", code);
		printf("Recent entries:\n");
		ledger_walker_clear(&w);
		ledger_walker_entries(c->l, (uint32_t)id, ledger_cli_entry_line_cb, &recent, NULL);
		return CLI_OK;
	}
usage:
	return cli_usage(c);
}

const struct cli_cmd_entry ledger_cli_walker_entry = {
    .name = "walker",
    .usage = "add --name NAME [--team T] [--email E] [--phone P] [--id REG-ID]\n"
             "list | find TEXT | show ID",
    .about = "register a walk-up; list, find or show walkers",
    .opts = CLI_OPTS(CLI_VALUE("name"), CLI_VALUE("team"), CLI_VALUE("email"), CLI_VALUE("phone"),
                     CLI_VALUE("id")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .reads = "list find show",
    .exec = ledger_cli_walker,
};

static enum cli_ret
ledger_cli_badge_code(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char code[BADGE_CODE_MAX], *cause = NULL;
	int64_t id;
	int rc;

	if (a->npos != 1)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[0], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	if (ledger_badge_code(c->l, (uint32_t)id, code, sizeof code, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("%s\n", code);
	return CLI_OK;
}

const struct cli_cmd_entry ledger_cli_badge_code_entry = {
    .name = "badge-code",
    .usage = "ID",
    .about = "the walker's badge code",
    .needs = CLI_EVENT,
    .how = CLI_READ,
    .exec = ledger_cli_badge_code,
};

/* Prints what a scan or a hand entry did; refused outcomes exit 1. */
static int
ledger_cli_outcome(const struct ledger_scan *s)
{
	if (s->badge != BADGE_OK)
		return cli_fail(CLI_REFUSED, "%s", s->message);
	if (s->verdict.outcome == RULES_LAP_TOO_SOON && s->seq == 0)
		return cli_fail(CLI_REFUSED, "%s", s->message); /* by hand: not recorded */
	printf("%s\n", cli_esc(s->message));
	if (s->seq != 0)
		printf("Recorded as entry %" PRId64 ".\n", s->seq);
	return CLI_OK;
}

static enum cli_ret
ledger_cli_scan(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_scan s;
	char *cause = NULL;
	int role = -1;

	if (a->npos != 1)
		return cli_usage(c);
	for (size_t i = 0; a->opts[i].name != NULL; i++) {
		enum rules_role r;
		int known = rules_role_parse(a->opts[i].name, &r) == 0;

		assert(known); /* the options are the roles' own names */
		if (role < 0 && known && cli_given(a, a->opts[i].name))
			role = (int)r;
	}
	if (ledger_scan(c->l, a->pos[0], strlen(a->pos[0]), role, c->op, &s, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	return ledger_cli_outcome(&s);
}

const struct cli_cmd_entry ledger_cli_scan_entry = {
    .name = "scan",
    .usage = "CODE [--lap | --welcome | --both]",
    .about = "a badge scanned (as the station's role, or as told)",
    /* the roles' own names (rules_role_name) */
    .opts = CLI_OPTS(CLI_FLAG("lap"), CLI_FLAG("welcome"), CLI_FLAG("both")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = ledger_cli_scan,
};

static enum cli_ret
ledger_cli_by_hand(struct cli_cmd_ctx *c, struct cli_args *a, int lap)
{
	struct ledger_scan s;
	char *cause = NULL;
	int64_t id;
	int rc;

	if (a->npos != 1)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[0], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	if ((lap ? ledger_lap : ledger_checkin)(c->l, (uint32_t)id, c->op, &s, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	return ledger_cli_outcome(&s);
}

/* "checkin 7 at 10:42" for the review list, in the station's zone. */
static void
ledger_cli_pass(const char *what, int64_t seq, const char *kind, const struct stamp *at)
{
	char when[64];

	stamp_format_local(at->wall_ms, when, sizeof when);
	printf("    %-6s %-8s %-7s entry %" PRId64 "\n", what, when + 11, kind, seq);
}

/* The flagged laps, by walker, oldest first, with the scans around each. */
static enum cli_ret
ledger_cli_lap_list(struct cli_cmd_ctx *c, int all)
{
	struct ledger_flagged *f = NULL;
	char *cause = NULL;
	size_t n, i;

	if (ledger_flagged_laps(c->l, !all, &f, &n, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	if (n == 0)
		printf("No flagged laps %s.\n", all ? "at all" : "waiting for review");
	for (i = 0; i < n; i++) {
		if (i == 0 || f[i].walker != f[i - 1].walker)
			printf("Walker %" PRIu32 "%s%s\n", f[i].walker, f[i].name[0] ? ": " : "",
			       cli_esc(f[i].name));
		printf("  lap, entry %" PRId64 "%s%s: %s", f[i].seq, f[i].peer ? " at " : "",
		       f[i].peer ? f[i].where : "",
		       f[i].review == 1    ? "accepted"
		       : f[i].review == -1 ? "rejected"
		                           : "waiting");
		if (f[i].peer)
			printf(" (review with --station %s)", f[i].station);
		if (f[i].disagree)
			printf(", reviewed otherwise at another station: the later review counts");
		if (f[i].since_ms >= 0)
			printf(", %lld s after the scan before", (long long)(f[i].since_ms / 1000));
		printf("\n");
		if (f[i].has_prev)
			ledger_cli_pass("before", f[i].prev_seq, f[i].prev_kind, &f[i].prev_at);
		ledger_cli_pass("this", f[i].seq, "lap", &f[i].at);
		if (f[i].has_next)
			ledger_cli_pass("after", f[i].next_seq, f[i].next_kind, &f[i].next_at);
	}
	free(f);
	return CLI_OK;
}

static enum cli_ret
ledger_cli_lap_review(struct cli_cmd_ctx *c, struct cli_args *a, int accept)
{
	char *cause = NULL;
	int64_t lap, seq;
	int rc;

	if (a->npos != 2)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[1], "lap's entry number", INT64_MAX, &lap)) != 0)
		return rc;
	if (cli_val(a, "station") != NULL) {
		/* another station's lap, held here: reviewed here (fold.h) */
		if (ledger_lap_review_peer(c->l, cli_val(a, "station"), lap, accept,
		                           cli_val(a, "reason"), c->op, &seq, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		printf("Station %s's lap %" PRId64 " %s: it %s. Recorded as entry %" PRId64 ".\n",
		       cli_esc(cli_val(a, "station")), lap, accept ? "accepted" : "rejected",
		       accept ? "counts" : "does not count", seq);
		return CLI_OK;
	}
	if (ledger_lap_review(c->l, lap, accept, cli_val(a, "reason"), c->op, &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Lap %" PRId64 " %s: it %s. Recorded as entry %" PRId64 ".\n", lap,
	       accept ? "accepted" : "rejected", accept ? "counts" : "does not count", seq);
	return CLI_OK;
}

static enum cli_ret
ledger_cli_lap(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_scan s;
	char *cause = NULL;
	int64_t id;
	int rc;

	if (a->npos >= 1 && strcmp(a->pos[0], "review") == 0)
		return a->npos == 1 ? ledger_cli_lap_list(c, cli_given(a, "all")) : cli_usage(c);
	if (a->npos >= 1 && strcmp(a->pos[0], "accept") == 0)
		return ledger_cli_lap_review(c, a, 1);
	if (a->npos >= 1 && strcmp(a->pos[0], "reject") == 0)
		return ledger_cli_lap_review(c, a, 0);
	if (!cli_given(a, "override"))
		return ledger_cli_by_hand(c, a, 1);
	/* watctl is the coordinator's (it owns the ledger): its word, recorded */
	if (a->npos != 1)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[0], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	if (ledger_lap_override(c->l, (uint32_t)id, c->op, &s, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	if (s.verdict.override)
		printf("Too soon for the shortest lap; recorded on the coordinator's word.\n");
	return ledger_cli_outcome(&s);
}

const struct cli_cmd_entry ledger_cli_lap_entry = {
    .name = "lap",
    .usage = "ID [--override] | review [--all] | accept SEQ [--station ID] [--reason TEXT] | "
             "reject SEQ [--station ID] [--reason TEXT]",
    .about = "add a lap by hand (--override: sooner than the shortest lap); review, accept "
             "or reject flagged laps (--station: another station's lap, held here)",
    .opts =
        CLI_OPTS(CLI_FLAG("override"), CLI_FLAG("all"), CLI_VALUE("reason"), CLI_VALUE("station")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = ledger_cli_lap,
};

static enum cli_ret
ledger_cli_checkin(struct cli_cmd_ctx *c, struct cli_args *a)
{
	return ledger_cli_by_hand(c, a, 0);
}

const struct cli_cmd_entry ledger_cli_checkin_entry = {
    .name = "checkin",
    .usage = "ID",
    .about = "check a walker in by hand",
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = ledger_cli_checkin,
};

static enum cli_ret
ledger_cli_donate(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_event ev;
	enum rules_method m;
	char *cause = NULL, shown[32];
	int64_t id, cents, seq;
	int rc;

	if (a->npos != 2 || cli_val(a, "method") == NULL)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[0], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	if (rules_method_parse(cli_val(a, "method"), &m) != 0)
		return cli_fail(CLI_USAGE, "The method must be cash, check or other.");
	ledger_event(c->l, &ev);
	if (amount_parse(a->pos[1], ev.rules.max_donation_cents, &cents, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if (ledger_donate(c->l, (uint32_t)id, cents, m, cli_val(a, "check-no"), cli_val(a, "donor"),
	                  c->op, &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Donation of %s (%s) for walker %" PRId64 " recorded as entry %" PRId64 ".\n",
	       amount_format(cents, shown, sizeof shown), rules_method_name(m), id, seq);
	return CLI_OK;
}

const struct cli_cmd_entry ledger_cli_donate_entry = {
    .name = "donate",
    .usage = "ID AMOUNT --method cash|check|other [--check-no N] [--donor NAME]",
    .about = "record a donation for a walker",
    .opts = CLI_OPTS(CLI_VALUE("method"), CLI_VALUE("check-no"), CLI_VALUE("donor")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = ledger_cli_donate,
};

static enum cli_ret
ledger_cli_annul(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;
	int64_t seq, by;
	int rc;

	if (a->npos != 1 || cli_val(a, "reason") == NULL)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[0], "entry number", INT64_MAX, &seq)) != 0)
		return rc;
	if (ledger_annul(c->l, seq, cli_val(a, "reason"), c->op, RULES_COORDINATOR, NULL, &by,
	                 &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Entry %" PRId64 " is annulled by entry %" PRId64 ".\n", seq, by);
	return CLI_OK;
}

const struct cli_cmd_entry ledger_cli_annul_entry = {
    .name = "annul",
    .usage = "SEQ --reason TEXT",
    .about = "undo an entry (it stays in the ledger, marked annulled)",
    .opts = CLI_OPTS(CLI_VALUE("reason")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = ledger_cli_annul,
};

/* Appends s padded with spaces to width characters (not bytes: names are UTF-8). */
static void
ledger_cli_pad(struct strbuf *b, const char *s, size_t width)
{
	const char *safe = cli_esc(s);
	size_t n = text_length(safe);

	strbuf_puts(b, safe);
	while (n++ < width)
		strbuf_puts(b, " ");
}

struct ledger_cli_report {
	struct strbuf *b;
	int json;
	int first;
};

static int
ledger_cli_report_walker(const struct ledger_walker *w, void *arg)
{
	struct ledger_cli_report *r = arg;
	char raised[32];

	if (w->reg_seq > 0 && !w->active)
		return 0;
	if (r->json) {
		strbuf_printf(r->b, "%s{\"id\":%" PRIu32 ",\"name\":", r->first ? "" : ",", w->id);
		strbuf_json(r->b, w->name ? w->name : "");
		strbuf_puts(r->b, ",\"team\":");
		strbuf_json(r->b, w->team ? w->team : "");
		strbuf_printf(r->b,
		              ",\"registered\":%s,\"checked_in\":%s,\"laps\":%" PRId64
		              ",\"counted_laps\":%" PRId64 ",\"pending_laps\":%" PRId64
		              ",\"raised_cents\":%" PRId64 "}",
		              w->reg_seq > 0 ? "true" : "false", w->checked_in ? "true" : "false",
		              w->laps, w->counted_laps, w->pending_laps, w->raised_cents);
	} else {
		strbuf_printf(r->b, "  %6" PRIu32 "  ", w->id);
		ledger_cli_pad(r->b, w->name ? w->name : "(seen by badge)", 32);
		strbuf_puts(r->b, " ");
		ledger_cli_pad(r->b, w->team ? w->team : "", 20);
		strbuf_printf(r->b, " %5" PRId64 " %12s%s\n", w->laps,
		              amount_format(w->raised_cents, raised, sizeof raised),
		              w->checked_in ? "" : "  not checked in");
	}
	r->first = 0;
	return 0;
}

static int
ledger_cli_report_team(const struct ledger_team *t, void *arg)
{
	struct ledger_cli_report *r = arg;
	char raised[32];

	if (r->json) {
		strbuf_printf(r->b, "%s{\"team\":", r->first ? "" : ",");
		strbuf_json(r->b, t->team);
		strbuf_printf(r->b,
		              ",\"walkers\":%" PRId64 ",\"laps\":%" PRId64
		              ",\"raised_cents\":%" PRId64 "}",
		              t->walkers, t->laps, t->raised_cents);
	} else {
		strbuf_puts(r->b, "  ");
		ledger_cli_pad(r->b, *t->team ? t->team : "(no team)", 32);
		strbuf_printf(r->b, " %7" PRId64 " %7" PRId64 " %12s\n", t->walkers, t->laps,
		              amount_format(t->raised_cents, raised, sizeof raised));
	}
	r->first = 0;
	return 0;
}

static enum cli_ret
ledger_cli_report(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_event ev;
	struct ledger_totals t;
	struct strbuf b = STRBUF_INIT;
	struct ledger_cli_report r = {&b, 0, 1};
	char m[5][32], *cause = NULL, *text;
	const char *doubt;

	if (a->npos != 0)
		return cli_usage(c);
	r.json = cli_given(a, "json");
	if (ledger_event(c->l, &ev) != 0)
		return cli_fail(CLI_REFUSED, "The event has not been set up yet (run init).");
	if (ledger_totals(c->l, &t, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	doubt = ledger_clock_doubt(c->l);
	if (r.json) {
		strbuf_puts(&b, "{\"event\":{\"name\":");
		strbuf_json(&b, ev.name);
		strbuf_puts(&b, ",\"city\":");
		strbuf_json(&b, ev.city);
		strbuf_puts(&b, ",\"date\":");
		strbuf_json(&b, ev.date);
		strbuf_puts(&b, ",\"station\":");
		strbuf_json(&b, ev.station);
		strbuf_printf(&b, ",\"goal_cents\":%" PRId64 ",\"training\":%s}", ev.goal_cents,
		              ev.training ? "true" : "false");
		strbuf_printf(
		    &b,
		    ",\"totals\":{\"walkers\":%" PRId64 ",\"checked_in\":%" PRId64
		    ",\"laps\":%" PRId64 ",\"manual_laps\":%" PRId64 ",\"donations\":%" PRId64
		    ",\"cash_cents\":%" PRId64 ",\"check_cents\":%" PRId64 ",\"checks\":%" PRId64
		    ",\"other_cents\":%" PRId64 ",\"total_cents\":%" PRId64 ",\"annulled\":%" PRId64
		    ",\"last_seq\":%" PRId64 "}",
		    t.walkers, t.checked_in, t.laps, t.manual_laps, t.donations, t.cash_cents,
		    t.check_cents, t.checks, t.other_cents, t.total_cents, t.annulled, t.last_seq);
		strbuf_puts(&b, ",\"clock_doubt\":");
		if (doubt != NULL)
			strbuf_json(&b, doubt);
		else
			strbuf_puts(&b, "null");
		strbuf_puts(&b, ",\"walkers\":[");
	} else {
		if (ev.training)
			strbuf_puts(&b, LEDGER_CLI_TRAINING "\n");
		strbuf_printf(&b, "%s — %s, %s (station %s)\n", cli_esc(ev.name), cli_esc(ev.city),
		              cli_esc(ev.date), cli_esc(ev.station));
		if (doubt != NULL)
			strbuf_printf(&b, "Warning: %s\n", doubt);
		strbuf_printf(
		    &b,
		    "Walkers registered: %" PRId64 "\nChecked in: %" PRId64 "\nLaps: %" PRId64
		    " (%" PRId64 " entered by hand)\nDonations: %" PRId64 "\n"
		    "  cash   %12s\n  checks %12s (%" PRId64 " checks)\n  other  %12s\n"
		    "  total  %12s",
		    t.walkers, t.checked_in, t.laps, t.manual_laps, t.donations,
		    amount_format(t.cash_cents, m[0], 32), amount_format(t.check_cents, m[1], 32),
		    t.checks, amount_format(t.other_cents, m[2], 32),
		    amount_format(t.total_cents, m[3], 32));
		if (ev.goal_cents > 0)
			strbuf_printf(&b, " of a %s goal (%" PRId64 "%%)",
			              amount_format(ev.goal_cents, m[4], 32),
			              t.total_cents * 100 / ev.goal_cents);
		if (t.flagged_laps > 0)
			strbuf_printf(&b,
			              "\nFlagged laps (too soon): %" PRId64 " (%" PRId64
			              " accepted, %" PRId64 " rejected, %" PRId64 " waiting)",
			              t.flagged_laps, t.accepted_laps, t.rejected_laps,
			              t.flagged_laps - t.accepted_laps - t.rejected_laps);
		strbuf_printf(&b, "\nEntries: %" PRId64 " (%" PRId64 " annulled)\n\nWalkers:\n",
		              t.last_seq, t.annulled);
	}
	if (ledger_walkers(c->l, NULL, ledger_cli_report_walker, &r, &cause) != 0) {
		strbuf_free(&b);
		return cli_cause(CLI_REFUSED, cause);
	}
	strbuf_puts(&b,
	            r.json ? "],\"teams\":["
	                   : "\nTeams:                             walkers    laps       raised\n");
	r.first = 1;
	ledger_teams(c->l, ledger_cli_report_team, &r, NULL);
	if (r.json) {
		strbuf_puts(&b, "]}\n");
		/* JSON escapes C0 controls itself; text_escape writes C1 controls and
		 * bidi overrides as \uXXXX, which JSON reads back as the same text */
		text = text_escape(b.s, TEXT_KEEP_LINES);
		strbuf_free(&b);
		b.s = text;
	}
	fputs(b.s, stdout);
	strbuf_free(&b);
	return CLI_OK;
}

const struct cli_cmd_entry ledger_cli_report_entry = {
    .name = "report",
    .usage = "[--json]",
    .about = "totals, walkers, teams",
    .opts = CLI_OPTS(CLI_FLAG("json")),
    .needs = CLI_EVENT,
    .how = CLI_READ,
    .exec = ledger_cli_report,
};

static enum cli_ret
ledger_cli_log(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;

	if (a->npos != 0)
		return cli_usage(c);
	if (ledger_entries(c->l, 1, ledger_cli_entry_line_cb, NULL, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	return CLI_OK;
}

const struct cli_cmd_entry ledger_cli_log_entry = {
    .name = "log",
    .about = "the ledger, one entry a line",
    .needs = CLI_LEDGER,
    .how = CLI_READ,
    .exec = ledger_cli_log,
};

static enum cli_ret
ledger_cli_check(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_totals t;
	struct ledger_event ev;
	unsigned char id[LEDGER_HASH_LEN];
	char hex[2 * LEDGER_HASH_LEN + 1];
	char *cause = NULL;

	if (ledger_check(c->l, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	ledger_totals(c->l, &t, NULL);
	printf("The ledger is intact: %" PRId64 " entries, hash chain and figures agree.\n",
	       t.last_seq);
	if (ledger_identity(c->l, id) == 0) {
		bundle_hex(id, sizeof id, hex);
		printf("Ledger identity (the hash of its first entry): %s\n", hex);
	}
	if (ledger_event(c->l, &ev) == 0)
		printf("%s\n", ev.training ? LEDGER_CLI_TRAINING : "The day's ledger: it counts.");
	return CLI_OK;
}

const struct cli_cmd_entry ledger_cli_check_entry = {
    .name = "check",
    .about = "verify the hash chain and figures",
    .needs = CLI_LEDGER,
    .how = CLI_READ,
    .exec = ledger_cli_check,
};

static enum cli_ret
ledger_cli_rebuild(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;

	if (ledger_rebuild(c->l, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Figures recomputed from the entries.\n");
	return CLI_OK;
}

const struct cli_cmd_entry ledger_cli_rebuild_entry = {
    .name = "rebuild",
    .about = "recompute figures from the entries",
    .needs = CLI_LEDGER,
    .how = CLI_WRITE,
    .exec = ledger_cli_rebuild,
};
