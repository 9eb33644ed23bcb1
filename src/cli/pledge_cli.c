/* pledge_cli.c — `watctl pledge`: add, list, import, pay, certify, reopen
 * (see pledge_cli.h; the rule: core/pledge.h). */
#include "pledge_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "badge.h"
#include "ledger.h"
#include "pledge.h"
#include "stamp.h"
#include "util.h"

#define PLEDGE_CLI_CSV_MAX (16 * 1024 * 1024)
#define PLEDGE_CLI_MAXPAY  32 /* pledges one payment names */

static enum cli_ret
pledge_cli_amount(const char *s, const char *what, int64_t max, int64_t *out)
{
	char *cause = NULL;

	if (amount_parse(s, max, out, &cause) != 0) {
		fprintf(stderr, "The %s: ", what);
		return cli_cause(CLI_USAGE, cause);
	}
	return CLI_OK;
}

static enum cli_ret
pledge_cli_add(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct pledge p;
	const char *kind = cli_val(a, "kind"), *v;
	char *cause = NULL, terms[96];
	int64_t id, seq;
	int rc;

	memset(&p, 0, sizeof p);
	if (a->npos != 2 || cli_val(a, "sponsor") == NULL || cli_val(a, "rate") == NULL)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[1], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	p.walker = (uint32_t)id;
	if (kind == NULL)
		p.t.kind = PLEDGE_FLAT;
	else if (pledge_kind_parse(kind, &p.t.kind) != 0)
		return cli_fail(CLI_USAGE, "The kind must be flat, lap, mile or km.");
	if ((rc = pledge_cli_amount(cli_val(a, "rate"), "rate", PLEDGE_MAX_RATE,
	                            &p.t.rate_cents)) != CLI_OK ||
	    ((v = cli_val(a, "max")) != NULL &&
	     (rc = pledge_cli_amount(v, "maximum", INT64_C(100000000), &p.t.max_cents)) !=
	         CLI_OK) ||
	    ((v = cli_val(a, "paid")) != NULL &&
	     (rc = pledge_cli_amount(v, "amount paid", INT64_C(100000000), &p.online_cents)) !=
	         CLI_OK))
		return rc;
	/* borrowed from the arguments: the ledger copies them into the entry */
	p.sponsor = (char *)cli_val(a, "sponsor");
	p.email = (char *)cli_val(a, "email");
	p.phone = (char *)cli_val(a, "phone");
	p.address = (char *)cli_val(a, "address");
	p.ext_id = (char *)cli_val(a, "id");
	p.online_date = (char *)cli_val(a, "paid-date");
	if (ledger_pledge_add(c->l, &p, c->op, &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	pledge_terms_format(&p.t, terms, sizeof terms);
	printf("Pledge of %s by %s for walker %" PRId64 " recorded as entry %" PRId64 ".\n", terms,
	       cli_esc(p.sponsor), id, seq);
	return CLI_OK;
}

static void
pledge_cli_line(const struct ledger_pledge_line *ln)
{
	char terms[96], owed[32], paid[32], due[32], dist[64] = "";

	pledge_terms_format(&ln->p->t, terms, sizeof terms);
	if (ln->p->t.kind != PLEDGE_FLAT && ln->distance_um >= 0) {
		char d[48];

		setting_distance_format(ln->distance_um, d, sizeof d);
		snprintf(dist, sizeof dist, ", %s", d);
	}
	printf("  pledge %" PRId64 "  %s: %s\n", ln->p->seq, cli_esc(ln->p->sponsor), terms);
	if (ln->p->t.kind != PLEDGE_FLAT) {
		printf("    laps %" PRId64, ln->counted_laps);
		if (ln->billed_laps != ln->counted_laps)
			printf(" (%" PRId64 " billed: the lap cap)", ln->billed_laps);
		printf("%s\n", dist);
	}
	if (ln->why[0] != '\0')
		printf("    owed: not known: %s\n", ln->why);
	else
		printf("    owed %s  paid %s  still owed %s%s\n",
		       amount_format(ln->owed_cents, owed, sizeof owed),
		       amount_format(ln->paid_cents, paid, sizeof paid),
		       amount_format(ln->due_cents, due, sizeof due),
		       ln->final ? "" : "  (laps not certified: not final)");
	if (ln->p->online_cents > 0)
		printf("    paid online %s%s%s\n",
		       amount_format(ln->p->online_cents, paid, sizeof paid),
		       ln->p->online_date ? " on " : "",
		       ln->p->online_date ? cli_esc(ln->p->online_date) : "");
}

static enum cli_ret
pledge_cli_list(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_settlement s;
	struct ledger_walker w;
	char *cause = NULL, buf[3][32], when[40];
	int64_t id = 0;
	uint32_t last = 0;
	size_t i;
	int rc;

	if (a->npos > 2)
		return cli_usage(c);
	if (a->npos == 2 &&
	    (rc = cli_number(a->pos[1], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	if (ledger_settle(c->l, (uint32_t)id, &s, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	if (s.cert_seq != 0)
		printf("Laps certified (entry %" PRId64 "): the amounts are final.\n", s.cert_seq);
	else
		printf("Laps not certified: per-lap and distance amounts are as of now.\n");
	for (i = 0; i < s.nstations; i++) {
		const struct ledger_station_pledge *sp = &s.stations[i];

		if (sp->own)
			printf("Laps of %s (this station) to entry %" PRId64 ".\n", sp->station,
			       sp->upto_seq);
		else
			printf("Laps of %s to entry %" PRId64 ", as of %s.\n", sp->station,
			       sp->upto_seq,
			       sp->seen_wall_ms > 0
			           ? stamp_format_local(sp->seen_wall_ms, when, sizeof when)
			           : "never");
	}
	for (i = 0; i < s.n; i++) {
		const struct ledger_pledge_line *ln = &s.v[i];

		if (ln->p->walker != last) {
			last = ln->p->walker;
			memset(&w, 0, sizeof w);
			ledger_walker_get(c->l, last, &w, NULL);
			printf("Walker %" PRIu32 " %s:\n", last, w.name ? cli_esc(w.name) : "");
			ledger_walker_clear(&w);
		}
		pledge_cli_line(ln);
	}
	printf("Pledged %s, paid %s, still owed %s (%zu pledges).\n",
	       amount_format(s.owed_cents, buf[0], sizeof buf[0]),
	       amount_format(s.paid_cents, buf[1], sizeof buf[1]),
	       amount_format(s.due_cents, buf[2], sizeof buf[2]), s.n);
	ledger_settlement_clear(&s);
	return CLI_OK;
}

static enum cli_ret
pledge_cli_import(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct pledge_csv *csv = NULL;
	struct ledger_pledge_import res;
	int apply = cli_given(a, "import-good-rows") > 0;
	char *data = NULL, *cause = NULL;
	size_t len, i;
	int rc;

	if (a->npos != 2)
		return cli_usage(c);
	if (util_read_file(a->pos[1], PLEDGE_CLI_CSV_MAX, &data, &len, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if (pledge_csv_parse(data, len, &csv, &cause) != 0) {
		fprintf(stderr, "%s: nothing was imported.\n", cli_esc(a->pos[1]));
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	if (ledger_pledge_import(c->l, csv, apply, c->op, &res, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	for (i = 0; i < csv->n; i++) {
		const struct pledge_row *r = &csv->rows[i];

		if (r->state == PLEDGE_ROW_BAD) {
			if (r->line > 0)
				printf("Problem, line %zu \"%s\": %s.\n", r->line, r->text,
				       cli_esc(r->problem));
			else
				printf("Problem: %s\n", cli_esc(r->problem));
		}
	}
	printf("%s: %zu new, %zu unchanged (imported before), %zu with a problem.\n",
	       cli_esc(a->pos[1]), res.added, res.unchanged, res.problems);
	if (apply)
		printf("Imported %zu new pledges%s.\n", res.added,
		       res.problems ? "; the rows with a problem were left out" : "");
	else if (res.added > 0)
		printf("Nothing was imported yet: run again with --import-good-rows to import the "
		       "%zu new pledges%s.\n",
		       res.added, res.problems ? " (the rows with a problem are left out)" : "");
	rc = CLI_OK;
end:
	pledge_csv_free(csv);
	free(data);
	return rc;
}

static enum cli_ret
pledge_cli_pay(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_event ev;
	enum rules_method m;
	int64_t id, cents, seq, gift, pledges[PLEDGE_CLI_MAXPAY];
	char *cause = NULL, shown[32], gifts[32], *list, *tok, *save = NULL;
	size_t n = 0;
	int rc;

	if (a->npos != 4 || cli_val(a, "method") == NULL)
		return cli_usage(c);
	if ((rc = cli_number(a->pos[1], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	list = xstrdup(a->pos[2]);
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (n == PLEDGE_CLI_MAXPAY) {
			free(list);
			return cli_fail(CLI_USAGE, "One payment names at most %d pledges.",
			                PLEDGE_CLI_MAXPAY);
		}
		if ((rc = cli_number(tok, "pledge (its entry number)", INT64_MAX, &pledges[n++])) !=
		    0) {
			free(list);
			return rc;
		}
	}
	free(list);
	if (rules_method_parse(cli_val(a, "method"), &m) != 0)
		return cli_fail(CLI_USAGE, "The method must be cash, check or other.");
	ledger_event(c->l, &ev);
	if (amount_parse(a->pos[3], ev.rules.max_donation_cents, &cents, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if (ledger_pledge_pay(c->l, (uint32_t)id, pledges, n, cents, m, cli_val(a, "check-no"),
	                      c->op, &seq, &gift, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Payment of %s (%s) recorded as entry %" PRId64 ".\n",
	       amount_format(cents, shown, sizeof shown), rules_method_name(m), seq);
	if (gift > 0)
		printf("%s is more than the pledges still owed: recorded as a gift from the same "
		       "sponsor.\n",
		       amount_format(gift, gifts, sizeof gifts));
	return CLI_OK;
}

static enum cli_ret
pledge_cli_certify(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;
	int64_t seq;

	if (a->npos != 1)
		return cli_usage(c);
	if (ledger_certify(c->l, c->op, &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Laps certified as entry %" PRId64 ": the amounts owed are final.\n", seq);
	return CLI_OK;
}

static enum cli_ret
pledge_cli_reopen(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;
	int64_t seq;

	if (a->npos != 1)
		return cli_usage(c);
	if (ledger_certify_reopen(c->l, cli_val(a, "reason"), c->op, &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Laps reopened as entry %" PRId64 ": the amounts owed are not final until the "
	       "laps are certified again.\n",
	       seq);
	return CLI_OK;
}

static enum cli_ret
pledge_cli_verify(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *said = NULL, *cause = NULL;
	int r;

	if (a->npos != 2)
		return cli_usage(c);
	if ((r = ledger_statement_check(c->l, a->pos[1], &said, &cause)) < 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("%s\n", said);
	free(said);
	return r == 0 ? CLI_OK : CLI_REFUSED;
}

/* The subcommands, by their first word. */
static const struct {
	const char *word;
	enum cli_ret (*fn)(struct cli_cmd_ctx *, struct cli_args *);
} pledge_cli_subs[] = {
    {"add", pledge_cli_add},       {"list", pledge_cli_list},       {"import", pledge_cli_import},
    {"pay", pledge_cli_pay},       {"certify", pledge_cli_certify}, {"reopen", pledge_cli_reopen},
    {"verify", pledge_cli_verify},
};

static enum cli_ret
pledge_cli_pledge(struct cli_cmd_ctx *c, struct cli_args *a)
{
	if (a->npos >= 1)
		for (size_t i = 0; i < nitems(pledge_cli_subs); i++)
			if (strcmp(a->pos[0], pledge_cli_subs[i].word) == 0)
				return pledge_cli_subs[i].fn(c, a);
	return cli_usage(c);
}

const struct cli_cmd_entry pledge_cli_pledge_entry = {
    .name = "pledge",
    .usage = "add WALKER --sponsor NAME --rate AMOUNT [--kind flat|lap|mile|km] [--max AMOUNT]\n"
             "    [--email E] [--phone P] [--address A] [--id PLEDGE-ID] [--paid AMOUNT "
             "--paid-date DATE]\n"
             "list [WALKER]\n"
             "import FILE [--import-good-rows]\n"
             "pay WALKER PLEDGE[,PLEDGE...] AMOUNT --method cash|check|other [--check-no N]\n"
             "certify\n"
             "reopen --reason TEXT\n"
             "verify STATEMENT-NUMBER",
    .about = "sponsors' pledges: record, import, settle on the counted laps, take payments",
    .opts = CLI_OPTS(CLI_VALUE("sponsor"), CLI_VALUE("rate"), CLI_VALUE("kind"), CLI_VALUE("max"),
                     CLI_VALUE("email"), CLI_VALUE("phone"), CLI_VALUE("address"), CLI_VALUE("id"),
                     CLI_VALUE("paid"), CLI_VALUE("paid-date"), CLI_FLAG("import-good-rows"),
                     CLI_VALUE("method"), CLI_VALUE("check-no"), CLI_VALUE("reason")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .reads = "list verify",
    .exec = pledge_cli_pledge,
};
