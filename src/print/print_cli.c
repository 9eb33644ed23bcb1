/* print_cli.c — receipts, badges and slips from the ledger, to a file or a
 * printer, each request recorded; see print_cli.h. */
#include "print_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "amount.h"
#include "cli.h"
#include "json.h"
#include "layout.h"
#include "ledger.h"
#include "pledge.h"
#include "print.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

/* What a printing command takes before its options. */
enum print_cli_takes {
	PRINT_CLI_TAKES_NONE,   /* badges: whom by --all, --new, --team or --match */
	PRINT_CLI_TAKES_ID,     /* receipt SEQ, badge ID, slip ID */
	PRINT_CLI_TAKES_WALKER, /* statement WALKER, or "owing" */
};

struct print_cli_opts {
	int64_t id; /* SEQ or walker ID; 0: "owing"; -1: none */
	const char *out, *printer, *paper_name, *assets, *spool;
	int print;
	int deadline_s;
	enum layout_paper paper;
	struct print_cli_badges badges; /* PRINT_CLI_TAKES_NONE: whom, on which layout */
	struct ledger_event ev;         /* the station's printer and paper settings */
};

static int
print_cli_number(const char *s, int64_t *v)
{
	char *end;
	long long n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0)
		return -1;
	*v = n;
	return 0;
}

static int
print_cli_no_fonts(void)
{
	return cli_fail(CLI_REFUSED, "Cannot find the fonts: give --assets DIR or set WAT_ASSETS.");
}

/* The badges' whom and layout (--all, the default, --new, --team NAME,
 * --match TEXT; --layout): one at most; a layout that is not known is
 * refused with the list of those that are. */
static int
print_cli_parse_badges(const struct cli_args *a, struct print_cli_opts *o)
{
	struct print_cli_badges *q = &o->badges;
	int given = cli_given(a, "all") > 0;

	q->which = PRINT_CLI_ALL;
	if (cli_given(a, "new") > 0) {
		q->which = PRINT_CLI_NEW;
		given++;
	}
	if (cli_val(a, "team") != NULL) {
		q->which = PRINT_CLI_TEAM;
		q->text = cli_val(a, "team");
		given++;
	}
	if (cli_val(a, "match") != NULL) {
		q->which = PRINT_CLI_MATCH;
		q->text = cli_val(a, "match");
		given++;
	}
	if (given > 1)
		return cli_fail(CLI_USAGE,
		                "Give one of --all, --new, --team NAME or --match TEXT.");
	q->layout = cli_val(a, "layout");
	q->roll = layout_paper_is_roll(o->paper) ? o->paper : LAYOUT_ROLL80;
	if (q->layout != NULL && strcasecmp(q->layout, "roll") == 0)
		return 0;
	if (layout_sheet_find(q->layout) == NULL) {
		fprintf(stderr, "Unknown layout \"%s\". Layouts:\n", q->layout);
		for (size_t i = 0; layout_sheet_get(i) != NULL; i++)
			fprintf(stderr, "  %-8s %s\n", layout_sheet_get(i)->name,
			        layout_sheet_get(i)->description);
		fprintf(stderr, "  %-8s one badge per ticket of the receipt roll (--paper)\n",
		        "roll");
		return CLI_USAGE;
	}
	o->paper = layout_sheet_find(q->layout)->paper; /* the sheet's own paper */
	return 0;
}

/* The options of every printing command, as its entry declares them
 * (PRINT_CLI_OPTS and its own); what comes first is takes.  The printer and
 * the paper: the option, else $WAT_PRINTER / $WAT_PAPER, else the station's
 * settings (printer, paper). */
static int
print_cli_parse(struct cli_cmd_ctx *c, const struct cli_args *a, enum print_cli_takes takes,
                struct print_cli_opts *o)
{
	const char *v;

	memset(o, 0, sizeof *o);
	o->id = -1;
	o->printer = getenv("WAT_PRINTER");
	o->paper_name = getenv("WAT_PAPER");
	o->print = cli_given(a, "print") > 0;
	o->out = cli_val(a, "out");
	if (cli_val(a, "printer") != NULL)
		o->printer = cli_val(a, "printer");
	if (cli_val(a, "paper") != NULL)
		o->paper_name = cli_val(a, "paper");
	o->assets = cli_val(a, "assets");
	o->spool = cli_val(a, "spool");
	if ((v = cli_val(a, "deadline")) != NULL) {
		int64_t s;

		if (print_cli_number(v, &s) != 0 || s > 3600)
			return cli_fail(CLI_USAGE, "--deadline takes seconds (1 to 3600).");
		o->deadline_s = (int)s;
	}
	if (a->npos != (takes == PRINT_CLI_TAKES_NONE ? 0 : 1))
		return cli_usage(c);
	if (takes == PRINT_CLI_TAKES_ID && print_cli_number(a->pos[0], &o->id) != 0)
		return cli_usage(c);
	if ((o->out == NULL) == (o->print == 0))
		return cli_usage(c);
	if (takes == PRINT_CLI_TAKES_WALKER) {
		if (strcmp(a->pos[0], "owing") == 0)
			o->id = 0;
		else if (print_cli_number(a->pos[0], &o->id) != 0 || o->id > BADGE_MAX_WALKER)
			return cli_fail(CLI_USAGE, "Say a walker's number, or \"owing\" for every "
			                           "statement still owed.");
	}
	if (ledger_event(c->l, &o->ev) == 0) {
		if ((o->printer == NULL || *o->printer == '\0') && o->ev.printer[0] != '\0')
			o->printer = o->ev.printer;
		if ((o->paper_name == NULL || *o->paper_name == '\0') && o->ev.paper[0] != '\0')
			o->paper_name = o->ev.paper;
	}
	o->paper = LAYOUT_ROLL80;
	if (o->paper_name != NULL && *o->paper_name != '\0' &&
	    layout_paper_parse(o->paper_name, &o->paper) != 0)
		return cli_fail(CLI_USAGE, "Unknown paper \"%s\": use 58mm, 80mm, letter or a4.",
		                o->paper_name);
	return takes == PRINT_CLI_TAKES_NONE ? print_cli_parse_badges(a, o) : 0;
}

/* The options of every printing command; badges adds --layout and --match. */
#define PRINT_CLI_OPTS                                                                             \
	CLI_VALUE("out"), CLI_FLAG("print"), CLI_VALUE("printer"), CLI_VALUE("paper"),             \
	    CLI_VALUE("assets"), CLI_VALUE("spool"), CLI_VALUE("deadline")
#define PRINT_CLI_COMMON                                                                           \
	"[--paper 58mm|80mm|letter|a4] [--assets DIR] [--spool DIR] [--deadline SECONDS]"
/* The rest of the entry of a command that prints one thing named by FIRST
 * (SEQ, ID), with the common options only. */
#define PRINT_CLI_ONE(FIRST, ABOUT, EXEC)                                                          \
	.usage = FIRST " --out FILE.pdf | --print [--printer QUEUE] " PRINT_CLI_COMMON,            \
	.about = ABOUT, .opts = CLI_OPTS(PRINT_CLI_OPTS), .needs = CLI_EVENT, .how = CLI_WRITE,    \
	.exec = EXEC

char *
print_cli_assets(const char *dir)
{
	static const char *beside[] = {"../share/wat", "../assets", "../../assets"};
	char exe[PATH_MAX], *slash, *p, *font;
	ssize_t n;
	size_t i;

	if (dir == NULL || *dir == '\0')
		dir = getenv("WAT_ASSETS");
	if (dir != NULL && *dir != '\0')
		return xstrdup(dir);
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	for (i = 0; i < nitems(beside); i++) {
		p = xasprintf("%s/%s", exe, beside[i]);
		font = xasprintf("%s/fonts/DejaVuSans.ttf", p);
		if (access(font, R_OK) == 0) {
			free(font);
			return p;
		}
		free(font);
		free(p);
	}
	return NULL;
}

char *
print_cli_spool(const char *dir)
{
	const char *home = getenv("HOME");

	if (dir == NULL || *dir == '\0')
		dir = getenv("WAT_SPOOL");
	if (dir != NULL && *dir != '\0')
		return xstrdup(dir);
	return xasprintf("%s/.local/state/wat/spool",
	                 home != NULL && *home != '\0' ? home : "/tmp");
}

/* ---- reading entries ---- */

struct print_cli_donation {
	int found;
	int is_donation;
	int64_t annulled_by;
	uint32_t walker;
	int64_t cents, wall_ms;
	int64_t pledged_cents; /* a sponsor's payment: put toward pledges */
	char *method, *check_no, *donor;
};

static int
print_cli_pledged_cb(int64_t seq, int64_t cents, void *arg)
{
	(void)seq;
	*(int64_t *)arg += cents;
	return 0;
}

static int
print_cli_donation_cb(const struct ledger_entry *e, void *arg)
{
	struct print_cli_donation *d = arg;
	size_t len;

	d->found = 1;
	d->is_donation = strcmp(e->kind, "donation") == 0;
	d->annulled_by = e->annulled_by;
	d->walker = e->walker;
	d->cents = e->amount_cents;
	d->wall_ms = e->at.wall_ms;
	len = strlen(e->line);
	d->method = json_get_str(e->line, len, "data.method");
	d->check_no = json_get_str(e->line, len, "data.check_no");
	d->donor = json_get_str(e->line, len, "data.donor");
	if (d->is_donation) {
		struct entry de;

		if (entry_decode(e->line, len, &de, NULL) == 0 &&
		    pledge_payment_items(&de, print_cli_pledged_cb, &d->pledged_cents) != 0)
			d->pledged_cents = 0;
	}
	return 1;
}

struct print_cli_prior {
	int64_t seq;
	int delivered;
};

static int
print_cli_prior_cb(const struct ledger_entry *e, void *arg)
{
	struct print_cli_prior *p = arg;
	struct json_value root, m[3];
	static const char *const keys[] = {"what", "of", "outcome"};
	int64_t of;

	if (strcmp(e->kind, "print") != 0 || e->ref != p->seq ||
	    json_get(e->line, strlen(e->line), "data", &root) != 0)
		return 0;
	json_members(&root, keys, m, nitems(keys));
	if (json_is(&m[0], "receipt") && json_int(&m[1], &of) == 0 && of == p->seq &&
	    (json_is(&m[2], "completed") || json_is(&m[2], "saved") || json_is(&m[2], "spooled")))
		p->delivered = 1;
	return p->delivered;
}

static int
print_cli_donation_get(struct ledger *l, int64_t seq, struct print_cli_donation *d, char **cause)
{
	memset(d, 0, sizeof *d);
	if (ledger_entry_get(l, seq, print_cli_donation_cb, d, cause) != 0)
		return -1;
	if (!d->found || !d->is_donation)
		return util_fail(
		    cause, "Entry %" PRId64 " is not a donation: there is no receipt for it.", seq);
	if (d->annulled_by != 0)
		return util_fail(cause,
		                 "Donation %" PRId64 " was annulled by entry %" PRId64
		                 ": no receipt can be printed for it.",
		                 seq, d->annulled_by);
	return 0;
}

static void
print_cli_donation_clear(struct print_cli_donation *d)
{
	free(d->method);
	free(d->check_no);
	free(d->donor);
}

int
print_cli_receipt_delivered(struct ledger *l, int64_t seq, char **cause)
{
	struct print_cli_donation d;
	struct print_cli_prior p = {seq, 0};
	int rc;

	if (print_cli_donation_get(l, seq, &d, cause) != 0) {
		print_cli_donation_clear(&d);
		return -1;
	}
	/* print entries carry the walker, so the walker's index finds them */
	rc = ledger_walker_entries(l, d.walker, print_cli_prior_cb, &p, cause);
	print_cli_donation_clear(&d);
	return rc != 0 ? -1 : p.delivered;
}

void
print_cli_when(int64_t wall_ms, char *buf, size_t len)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(buf, len, "?");
}

int
print_cli_receipt_pdf(struct ledger *l, int64_t seq, enum layout_paper paper,
                      const char *assets_dir, int *copy, char **pdf, size_t *len, char **cause)
{
	struct print_cli_donation d;
	struct ledger_event ev;
	struct ledger_walker w;
	struct layout_receipt r;
	struct layout_doc doc = LAYOUT_DOC_INIT;
	char when[64], *number = NULL;
	int delivered, rc = -1;

	memset(&w, 0, sizeof w);
	if (print_cli_donation_get(l, seq, &d, cause) != 0)
		goto end;
	if ((delivered = print_cli_receipt_delivered(l, seq, cause)) < 0)
		goto end;
	if (ledger_event(l, &ev) != 0) {
		util_fail(cause, "Cannot read the event's settings.");
		goto end;
	}
	if (ledger_walker_get(l, d.walker, &w, cause) != 0)
		goto end;
	number = xasprintf("%s-%" PRId64, ev.station, seq);
	print_cli_when(d.wall_ms, when, sizeof when);
	memset(&r, 0, sizeof r);
	r.org_name = ev.org_name;
	r.org_ein = ev.org_ein;
	r.event = ev.name;
	r.city = ev.city;
	r.when = when;
	r.number = number;
	r.walker = w.name;
	r.walker_id = w.id;
	r.donor = d.donor;
	r.cents = d.cents;
	r.pledged_cents = d.pledged_cents;
	r.method = d.method;
	r.check_no = d.check_no;
	r.premium_desc = ev.premium_desc;
	r.premium_cents = ev.premium_cents;
	r.copy = delivered;
	layout_receipt_doc(&r, &doc);
	if (ev.training)
		layout_doc_training(&doc, LAYOUT_NOT_RECEIPT);
	if (layout_render(&doc, paper, assets_dir, pdf, len, cause) != 0)
		goto end;
	*copy = delivered;
	rc = 0;
end:
	layout_doc_free(&doc);
	free(number);
	ledger_walker_clear(&w);
	print_cli_donation_clear(&d);
	return rc;
}

int
print_cli_record(struct ledger *l, const char *op, const struct print_cli_rec *r, char **cause)
{
	struct strbuf b = STRBUF_INIT;
	int receipt = strcmp(r->what, "receipt") == 0, rc;

	strbuf_puts(&b, "{\"what\":");
	strbuf_json(&b, r->what);
	if (r->of > 0) /* sheets of badges: how many */
		strbuf_printf(&b, ",\"%s\":%" PRId64,
		              strcmp(r->what, "badges") == 0 ? "count" : "of", r->of);
	if (receipt)
		strbuf_printf(&b, ",\"copy\":%s", r->copy ? "true" : "false");
	if (r->reprint)
		strbuf_puts(&b, ",\"reprint\":true");
	if (r->which[0] != '\0') {
		strbuf_puts(&b, ",\"which\":");
		strbuf_json(&b, r->which);
	}
	if (r->through > 0)
		strbuf_printf(&b, ",\"through\":%" PRId64, r->through);
	if (r->team[0] != '\0') {
		strbuf_puts(&b, ",\"team\":");
		strbuf_json(&b, r->team);
	}
	strbuf_puts(&b, ",\"outcome\":");
	strbuf_json(&b, r->outcome);
	if (r->queue[0] != '\0') {
		strbuf_puts(&b, ",\"queue\":");
		strbuf_json(&b, r->queue);
	}
	if (r->job > 0)
		strbuf_printf(&b, ",\"job\":%d", r->job);
	if (r->file[0] != '\0') {
		strbuf_puts(&b, ",\"file\":");
		strbuf_json(&b, r->file);
	}
	if (r->reasons[0] != '\0') {
		strbuf_puts(&b, ",\"reasons\":");
		strbuf_json(&b, r->reasons);
	}
	if (r->settles > 0)
		strbuf_printf(&b, ",\"settles\":%" PRId64, r->settles);
	strbuf_puts(&b, "}");
	rc = ledger_append(l, "print", r->walker, receipt ? r->of : 0, 0, b.s, op, NULL, cause);
	strbuf_free(&b);
	return rc;
}

/* ---- jobs lost when the print server stopped ---- */

/* A JSON string into buf ("" when it is not one). */
static void
print_cli_copy_str(const struct json_value *v, char *buf, size_t len)
{
	char *t = json_str(v);

	snprintf(buf, len, "%s", t != NULL ? t : "");
	free(t);
}

struct print_cli_losts {
	struct print_lost *out;
	size_t max, n;
};

static int
print_cli_lost_cb(const struct ledger_entry *e, void *arg)
{
	struct print_cli_losts *x = arg;
	struct json_value root, m[4];
	static const char *const keys[] = {"outcome", "job", "queue", "settles"};
	int64_t job, settles;
	size_t i;

	if (json_get(e->line, strlen(e->line), "data", &root) != 0)
		return 0;
	json_members(&root, keys, m, nitems(keys));
	if (json_int(&m[3], &settles) == 0) {
		for (i = 0; i < x->n; i++) {
			if (x->out[i].seq == settles) {
				memmove(&x->out[i], &x->out[i + 1],
				        (x->n - i - 1) * sizeof *x->out);
				x->n--;
				break;
			}
		}
		return 0;
	}
	if (!json_is(&m[0], "lost") || json_int(&m[1], &job) != 0 || job <= 0 || job > INT_MAX ||
	    x->n == x->max)
		return 0;
	memset(&x->out[x->n], 0, sizeof x->out[x->n]);
	x->out[x->n].seq = e->seq;
	x->out[x->n].job = (int)job;
	print_cli_copy_str(&m[2], x->out[x->n].queue, sizeof x->out[x->n].queue);
	x->n++;
	return 0;
}

int
print_cli_lost(struct ledger *l, struct print_lost *out, size_t max, size_t *n, char **cause)
{
	struct print_cli_losts x = {out, max, 0};
	int rc = ledger_kind_entries(l, "print", 1, print_cli_lost_cb, &x, cause);

	*n = x.n;
	return rc;
}

static int
print_cli_rec_cb(const struct ledger_entry *e, void *arg)
{
	struct print_cli_rec *r = arg;
	struct json_value root, m[6];
	static const char *const keys[] = {"what", "of", "count", "copy", "queue", "job"};
	int64_t v;

	if (strcmp(e->kind, "print") != 0 || json_get(e->line, strlen(e->line), "data", &root) != 0)
		return 1;
	json_members(&root, keys, m, nitems(keys));
	print_cli_copy_str(&m[0], r->what, sizeof r->what);
	if (json_int(&m[1], &v) == 0 || json_int(&m[2], &v) == 0)
		r->of = v;
	r->copy = json_is(&m[3], "true");
	print_cli_copy_str(&m[4], r->queue, sizeof r->queue);
	if (json_int(&m[5], &v) == 0 && v > 0 && v <= INT_MAX)
		r->job = (int)v;
	r->walker = e->walker;
	return 1;
}

int
print_cli_settle(struct ledger *l, const char *op, const struct print_settled *x,
                 struct print_cli_rec *r, char **cause)
{
	memset(r, 0, sizeof *r);
	if (ledger_entry_get(l, x->seq, print_cli_rec_cb, r, cause) != 0)
		return -1;
	if (r->what[0] == '\0')
		return util_fail(cause, "Entry %" PRId64 " is not a print.", x->seq);
	snprintf(r->outcome, sizeof r->outcome, "%s", x->outcome);
	r->settles = x->seq;
	return print_cli_record(l, op, r, cause);
}

const char *
print_cli_settle_fate(const char *outcome)
{
	if (strcmp(outcome, "completed") == 0)
		return "printed after all, once the print server was back";
	if (strcmp(outcome, "canceled") == 0)
		return "was still waiting when the print server came back and was canceled: it "
		       "will not print";
	if (strcmp(outcome, "aborted") == 0)
		return "did not print: the printer could not print it after the restart";
	return "is not known to the restarted print server: it may or may not have printed";
}

void
print_cli_settle_text(const struct print_cli_rec *r, char *buf, size_t len)
{
	snprintf(buf, len,
	         "The %s%s of entry %" PRId64 " (job %d, lost when the print server stopped) %s.",
	         r->what, r->copy ? " copy" : "", r->of, r->job, print_cli_settle_fate(r->outcome));
}

const char *
print_cli_noun(const char *what)
{
	static const char *const nouns[][2] = {
	    {"receipt", "receipt"},          {"badge", "badge"},
	    {"badges", "sheet of badges"},   {"slip", "slip"},
	    {"closeout", "close-out sheet"}, {"test", "test page"},
	};
	size_t i;

	for (i = 0; i < nitems(nouns); i++)
		if (strcmp(what, nouns[i][0]) == 0)
			return nouns[i][1];
	return "page";
}

/* Delivers a PDF (file or printer), records the outcome, says it; returns
 * the exit status.  r: what it is (what, of, walker, copy, title). */
static int
print_cli_deliver_dest(struct ledger *l, const char *op, const struct print_cli_dest *o,
                       struct print_cli_rec *r, const char *pdf, size_t len)
{
	struct print_request rq;
	struct print_job *job = NULL;
	struct print_status st;
	struct print_lost lost[PRINT_SETTLE_MAX];
	struct print_cli_rec settled;
	char *cause = NULL, *spool = NULL, text[512];
	size_t i, nlost = 0;
	int rc = CLI_REFUSED;

	if (o->out != NULL) {
		if (layout_write_file(o->out, pdf, len, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		snprintf(r->outcome, sizeof r->outcome, "saved");
		snprintf(r->file, sizeof r->file, "%s", o->out);
		if (print_cli_record(l, op, r, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		printf("%s%s saved as %s.\n", r->title, r->copy ? " (COPY)" : "", o->out);
		return CLI_OK;
	}
	if (print_cli_lost(l, lost, nitems(lost), &nlost, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	spool = print_cli_spool(o->spool);
	memset(&rq, 0, sizeof rq);
	rq.printer = o->printer != NULL && *o->printer != '\0' ? o->printer : getenv("WAT_PRINTER");
	rq.title = r->title;
	rq.noun = print_cli_noun(r->what);
	rq.spool_dir = spool;
	rq.deadline_ms = o->deadline_s * 1000;
	rq.roll = layout_paper_is_roll(o->paper);
	rq.lost = lost;
	rq.nlost = nlost;
	if (print_submit(&rq, pdf, len, &job, &cause) != 0) {
		free(spool);
		return cli_cause(CLI_REFUSED, cause);
	}
	print_wait(job, -1, &st);
	print_free(job);
	free(spool);
	for (i = 0; i < st.nsettled; i++) {
		if (print_cli_settle(l, op, &st.settled[i], &settled, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		print_cli_settle_text(&settled, text, sizeof text);
		printf("%s\n", text);
	}
	snprintf(r->outcome, sizeof r->outcome, "%s", st.outcome);
	snprintf(r->queue, sizeof r->queue, "%s", st.queue);
	r->job = st.job_id;
	snprintf(r->file, sizeof r->file, "%s", st.spool_path);
	snprintf(r->reasons, sizeof r->reasons, "%s", st.reasons);
	if (print_cli_record(l, op, r, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	if (st.state == PRINT_DONE) {
		printf("%s%s: %s\n", r->title, r->copy ? " (COPY)" : "", st.message);
		rc = CLI_OK;
	} else
		fprintf(stderr, "%s was not printed: %s\n", r->title, st.message);
	return rc;
}

static int
print_cli_deliver_what(struct ledger *l, const char *op, const char *what, int64_t of,
                       uint32_t walker, int copy, const char *title, const char *pdf, size_t len,
                       const struct print_cli_dest *d)
{
	struct print_cli_rec r;

	memset(&r, 0, sizeof r);
	snprintf(r.what, sizeof r.what, "%s", what);
	r.of = of;
	r.walker = walker;
	r.copy = copy;
	snprintf(r.title, sizeof r.title, "%s", title);
	return print_cli_deliver_dest(l, op, d, &r, pdf, len);
}

static int
print_cli_deliver(struct ledger *l, const char *op, const struct print_cli_opts *o,
                  const char *what, int64_t of, uint32_t walker, int copy, const char *title,
                  const char *pdf, size_t len)
{
	struct print_cli_dest d = {o->out, o->printer, o->spool, o->deadline_s, o->paper};

	return print_cli_deliver_what(l, op, what, of, walker, copy, title, pdf, len, &d);
}

int
print_cli_deliver_pdf(struct ledger *l, const char *op, const char *what, int64_t of,
                      uint32_t walker, const char *title, const char *pdf, size_t len,
                      const struct print_cli_dest *d)
{
	return print_cli_deliver_what(l, op, what, of, walker, 0, title, pdf, len, d);
}

static enum cli_ret
print_cli_receipt(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger *l = c->l;
	struct print_cli_opts o;
	struct print_cli_donation d;
	struct ledger_event ev;
	char *assets = NULL, *pdf = NULL, *cause = NULL, *title = NULL;
	size_t len;
	int copy = 0, rc;

	if ((rc = print_cli_parse(c, a, PRINT_CLI_TAKES_ID, &o)) != 0)
		return rc;
	if ((assets = print_cli_assets(o.assets)) == NULL)
		return print_cli_no_fonts();
	if (print_cli_receipt_pdf(l, o.id, o.paper, assets, &copy, &pdf, &len, &cause) != 0) {
		free(assets);
		return cli_cause(CLI_REFUSED, cause);
	}
	memset(&d, 0, sizeof d);
	if (print_cli_donation_get(l, o.id, &d, &cause) != 0 || ledger_event(l, &ev) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	title = xasprintf("Receipt %s-%" PRId64, ev.station, o.id);
	rc = print_cli_deliver(l, c->op, &o, "receipt", o.id, d.walker, copy, title, pdf, len);
end:
	print_cli_donation_clear(&d);
	free(title);
	free(pdf);
	free(assets);
	return rc;
}

const struct cli_cmd_entry print_cli_receipt_entry = {
    .name = "receipt",
    PRINT_CLI_ONE("SEQ", "a donation receipt (reprints are marked COPY)", print_cli_receipt),
};

static int
print_cli_badge_of(struct ledger *l, uint32_t id, struct ledger_walker *w, char *code, size_t len,
                   char **cause)
{
	if (ledger_walker_get(l, id, w, cause) != 0)
		return -1;
	if (w->reg_seq > 0 && !w->active)
		return util_fail(cause, "Walker %" PRIu32 "'s registration was annulled.", id);
	return ledger_badge_code(l, id, code, len, cause);
}

/* ---- which badges were printed before ---- */

struct print_cli_printed {
	const struct ledger_walker *w; /* NULL: looking for the last sheet's "through" */
	int found;
	int64_t through;
};

/* A print entry of a badge or a sheet of badges that reached paper or a PDF. */
static int
print_cli_printed_cb(const struct ledger_entry *e, void *arg)
{
	struct print_cli_printed *p = arg;
	struct json_value root, m[4];
	static const char *const keys[] = {"what", "outcome", "which", "through"};
	int64_t through = 0;
	char *team = NULL, *ft = NULL, *fw = NULL;

	if (json_get(e->line, strlen(e->line), "data", &root) != 0)
		return 0;
	json_members(&root, keys, m, nitems(keys));
	if (!json_is(&m[1], "completed") && !json_is(&m[1], "saved") && !json_is(&m[1], "spooled"))
		return 0;
	if (json_is(&m[0], "badge")) {
		if (p->w != NULL && e->walker == p->w->id)
			p->found = 1;
		return 0;
	}
	if (!json_is(&m[0], "badges") || json_int(&m[3], &through) != 0)
		return 0;
	if (p->w == NULL) { /* "new" starts after the last sheet of all or new */
		if (json_is(&m[2], "all") || json_is(&m[2], "new"))
			p->through = through;
		return 0;
	}
	if (p->w->reg_seq > through)
		return 0;
	if (json_is(&m[2], "all") || json_is(&m[2], "new")) {
		p->found = 1;
	} else if (json_is(&m[2], "team")) {
		team = json_get_str(e->line, strlen(e->line), "data.team");
		ft = text_fold(team != NULL ? team : "");
		fw = text_fold(p->w->team != NULL ? p->w->team : "");
		if (strcmp(ft, fw) == 0)
			p->found = 1;
	}
	free(team);
	free(ft);
	free(fw);
	return 0;
}

int
print_cli_badges_since(struct ledger *l, int64_t *through, char **cause)
{
	struct print_cli_printed p = {NULL, 0, 0};

	if (ledger_kind_entries(l, "print", 1, print_cli_printed_cb, &p, cause) != 0)
		return -1;
	*through = p.through;
	return 0;
}

int
print_cli_badge_reprint(struct ledger *l, uint32_t id, char **cause)
{
	struct ledger_walker w;
	struct print_cli_printed p = {&w, 0, 0};
	int rc = -1;

	memset(&w, 0, sizeof w);
	if (ledger_walker_get(l, id, &w, cause) != 0)
		goto end;
	if (w.reg_seq <= 0) { /* seen only by badge: registered elsewhere, badge in hand */
		rc = 1;
		goto end;
	}
	if (ledger_kind_entries(l, "print", w.reg_seq, print_cli_printed_cb, &p, cause) != 0)
		goto end;
	rc = p.found;
end:
	ledger_walker_clear(&w);
	return rc;
}

int
print_cli_badge_pdf(struct ledger *l, uint32_t id, enum layout_paper paper, const char *assets_dir,
                    char **pdf, size_t *len, char **cause)
{
	struct ledger_event ev;
	struct ledger_walker w;
	struct layout_badge b;
	struct layout_doc doc = LAYOUT_DOC_INIT;
	char code[BADGE_CODE_MAX];
	int reprint, rc = -1;

	memset(&w, 0, sizeof w);
	if (ledger_event(l, &ev) != 0) {
		util_fail(cause, "Cannot read the event's settings.");
		goto end;
	}
	if (print_cli_badge_of(l, id, &w, code, sizeof code, cause) != 0)
		goto end;
	if ((reprint = print_cli_badge_reprint(l, id, cause)) < 0)
		goto end;
	b = (struct layout_badge){w.name, w.id, code, ev.name, w.team, reprint};
	if (!ev.training) {
		rc = layout_badge_pdf(&b, paper, assets_dir, pdf, len, cause);
		goto end;
	}
	layout_badge_doc(&b, &doc);
	layout_doc_training(&doc, NULL);
	rc = layout_render(&doc, paper, assets_dir, pdf, len, cause);
end:
	layout_doc_free(&doc);
	ledger_walker_clear(&w);
	return rc;
}

/* One walker's page, badge or slip (the entry's name): made, then printed or
 * saved. */
static enum cli_ret
print_cli_walker_page(struct cli_cmd_ctx *c, struct cli_args *a)
{
	int badge = strcmp(c->entry->name, "badge") == 0;
	int (*make)(struct ledger *, uint32_t, enum layout_paper, const char *, char **, size_t *,
	            char **) = badge ? print_cli_badge_pdf : print_cli_slip_pdf;
	struct print_cli_opts o;
	char *assets = NULL, *pdf = NULL, *cause = NULL, *title = NULL;
	size_t len;
	int rc;

	if ((rc = print_cli_parse(c, a, PRINT_CLI_TAKES_ID, &o)) != 0)
		return rc;
	if (o.id > BADGE_MAX_WALKER)
		return cli_fail(CLI_USAGE, "No walker %" PRId64 ".", o.id);
	if ((assets = print_cli_assets(o.assets)) == NULL)
		return print_cli_no_fonts();
	if (make(c->l, (uint32_t)o.id, o.paper, assets, &pdf, &len, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	title = xasprintf("%s %" PRId64, badge ? "Badge" : "Slip", o.id);
	if (badge) {
		struct print_cli_dest d = {o.out, o.printer, o.spool, o.deadline_s, o.paper};
		struct print_cli_rec r;

		memset(&r, 0, sizeof r);
		snprintf(r.what, sizeof r.what, "badge");
		r.of = r.walker = (uint32_t)o.id;
		snprintf(r.title, sizeof r.title, "%s", title);
		/* the page said REPRINT when this is 1 (made just before, same ledger) */
		r.reprint = print_cli_badge_reprint(c->l, (uint32_t)o.id, NULL) == 1;
		rc = print_cli_deliver_dest(c->l, c->op, &d, &r, pdf, len);
		goto end;
	}
	rc = print_cli_deliver(c->l, c->op, &o, "slip", o.id, (uint32_t)o.id, 0, title, pdf, len);
end:
	free(title);
	free(pdf);
	free(assets);
	return rc;
}

const struct cli_cmd_entry print_cli_badge_entry = {
    .name = "badge",
    PRINT_CLI_ONE("ID", "a walker's badge", print_cli_walker_page),
};

struct print_cli_sheet {
	const struct print_cli_badges *q;
	char *team;    /* TEAM: folded */
	int64_t since; /* NEW: registered after this entry */
	struct layout_badge *b;
	char (*codes)[BADGE_CODE_MAX];
	char **strings;
	size_t n, cap, nstrings;
	const char *event;
	int64_t through;
};

static int
print_cli_sheet_cb(const struct ledger_walker *w, void *arg)
{
	struct print_cli_sheet *s = arg;
	char *team;
	int same;

	if (!w->active || w->reg_seq <= 0)
		return 0; /* annulled, or only seen by badge: has a badge already */
	if (s->q->which == PRINT_CLI_NEW && w->reg_seq <= s->since)
		return 0;
	if (s->q->which == PRINT_CLI_TEAM) {
		team = text_fold(w->team != NULL ? w->team : "");
		same = strcmp(team, s->team) == 0;
		free(team);
		if (!same)
			return 0;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->b = xrealloc(s->b, s->cap * sizeof *s->b);
		s->codes = xrealloc(s->codes, s->cap * sizeof *s->codes);
		s->strings = xrealloc(s->strings, 2 * s->cap * sizeof *s->strings);
	}
	/* the walker is borrowed for the callback only: keep copies */
	s->strings[s->nstrings++] = xstrdup(w->name != NULL ? w->name : "");
	s->strings[s->nstrings++] = xstrdup(w->team != NULL ? w->team : "");
	s->b[s->n] = (struct layout_badge){s->strings[s->nstrings - 2], w->id, NULL, s->event,
	                                   s->strings[s->nstrings - 1], 0};
	s->n++;
	if (w->reg_seq > s->through)
		s->through = w->reg_seq;
	return 0;
}

static const char *const print_cli_which_names[] = {"all", "new", "team", "match"};

int
print_cli_badges_pdf(struct ledger *l, const struct print_cli_badges *q, const char *assets_dir,
                     struct print_cli_rec *r, char **pdf, size_t *len, char **cause)
{
	struct print_cli_sheet s;
	struct ledger_event ev;
	const struct layout_sheet *sheet = NULL;
	char *training_event = NULL;
	int roll = q->layout != NULL && strcasecmp(q->layout, "roll") == 0, rc = -1;
	size_t i;

	memset(&s, 0, sizeof s);
	memset(r, 0, sizeof *r);
	s.q = q;
	if (!roll && (sheet = layout_sheet_find(q->layout)) == NULL)
		return util_fail(cause, "Unknown label sheet \"%s\".", q->layout);
	if (ledger_event(l, &ev) != 0)
		return util_fail(cause, "Cannot read the event's settings.");
	/* a training sheet says so on every label */
	training_event =
	    ev.training ? xasprintf(LAYOUT_TRAINING " \xe2\x80\x94 %s", ev.name) : NULL;
	s.event = training_event != NULL ? training_event : ev.name;
	if (q->which == PRINT_CLI_NEW && print_cli_badges_since(l, &s.since, cause) != 0)
		goto end;
	if (q->which == PRINT_CLI_TEAM)
		s.team = text_fold(q->text != NULL ? q->text : "");
	if (ledger_walkers(l, q->which == PRINT_CLI_MATCH ? q->text : NULL, print_cli_sheet_cb, &s,
	                   cause) != 0)
		goto end;
	if (s.n == 0) {
		switch (q->which) {
		case PRINT_CLI_NEW:
			util_fail(cause, "Nobody was registered since the last sheet of badges.");
			break;
		case PRINT_CLI_TEAM:
			util_fail(cause, "No walker in team \"%s\".",
			          q->text != NULL ? q->text : "");
			break;
		case PRINT_CLI_MATCH:
			util_fail(cause, "No registered walker matches \"%s\".",
			          q->text != NULL ? q->text : "");
			break;
		default: util_fail(cause, "No registered walkers: no badges to make."); break;
		}
		goto end;
	}
	for (i = 0; i < s.n; i++) {
		if (ledger_badge_code(l, s.b[i].walker, s.codes[i], sizeof s.codes[i], cause) != 0)
			goto end;
		s.b[i].code = s.codes[i];
	}
	if (layout_badges_pdf_progress(s.b, s.n, sheet, q->roll, assets_dir, q->progress, q->arg,
	                               pdf, len, cause) != 0)
		goto end;
	snprintf(r->what, sizeof r->what, "badges");
	r->of = (int64_t)s.n;
	snprintf(r->which, sizeof r->which, "%s", print_cli_which_names[q->which]);
	r->through = s.through;
	if (q->which == PRINT_CLI_TEAM)
		snprintf(r->team, sizeof r->team, "%s", q->text != NULL ? q->text : "");
	snprintf(r->title, sizeof r->title, "%zu badge%s (%s)", s.n, s.n == 1 ? "" : "s",
	         roll ? "roll" : sheet->name);
	rc = 0;
end:
	for (i = 0; i < s.nstrings; i++)
		free(s.strings[i]);
	free(s.strings);
	free(s.codes);
	free(s.b);
	free(s.team);
	free(training_event);
	return rc;
}

static enum cli_ret
print_cli_badges(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct print_cli_opts o;
	struct print_cli_rec r;
	char *assets = NULL, *pdf = NULL, *cause = NULL;
	size_t len;
	int rc;

	if ((rc = print_cli_parse(c, a, PRINT_CLI_TAKES_NONE, &o)) != 0)
		return rc;
	if ((assets = print_cli_assets(o.assets)) == NULL)
		return print_cli_no_fonts();
	if (print_cli_badges_pdf(c->l, &o.badges, assets, &r, &pdf, &len, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	{
		struct print_cli_dest d = {o.out, o.printer, o.spool, o.deadline_s, o.paper};

		rc = print_cli_deliver_dest(c->l, c->op, &d, &r, pdf, len);
	}
end:
	free(pdf);
	free(assets);
	return rc;
}

const struct cli_cmd_entry print_cli_badges_entry = {
    .name = "badges",
    .usage = "--out FILE.pdf | --print [--printer QUEUE] [--all | --new | --team NAME | --match "
             "TEXT] [--layout 2x5|3x10|2x3|a4-2x7|a4-3x7|roll] " PRINT_CLI_COMMON,
    .about = "badges of all registered walkers (--all, the default), of those registered "
             "since the last sheet (--new), of one team, or matching TEXT; on label sheets "
             "or one per roll ticket (--layout roll)",
    .opts = CLI_OPTS(PRINT_CLI_OPTS, CLI_VALUE("layout"), CLI_VALUE("match"), CLI_FLAG("all"),
                     CLI_FLAG("new"), CLI_VALUE("team")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = print_cli_badges,
};

int
print_cli_slip_pdf(struct ledger *l, uint32_t id, enum layout_paper paper, const char *assets_dir,
                   char **pdf, size_t *len, char **cause)
{
	struct ledger_event ev;
	struct ledger_walker w;
	struct layout_slip s;
	struct layout_doc doc = LAYOUT_DOC_INIT;
	char when[64];
	int rc = -1;

	memset(&w, 0, sizeof w);
	if (ledger_event(l, &ev) != 0) {
		util_fail(cause, "Cannot read the event's settings.");
		goto end;
	}
	if (ledger_walker_get(l, id, &w, cause) != 0)
		goto end;
	print_cli_when((int64_t)time(NULL) * 1000, when, sizeof when);
	s = (struct layout_slip){w.name,         w.id,   ev.name,
	                         when,           w.laps, setting_distance(&ev.lap, w.laps),
	                         w.raised_cents, 0};
	layout_slip_doc(&s, &doc);
	if (ev.training)
		layout_doc_training(&doc, LAYOUT_NOT_RECEIPT);
	rc = layout_render(&doc, paper, assets_dir, pdf, len, cause);
end:
	layout_doc_free(&doc);
	ledger_walker_clear(&w);
	return rc;
}

const struct cli_cmd_entry print_cli_slip_entry = {
    .name = "slip",
    PRINT_CLI_ONE("ID", "a walker's slip: laps, distance and money as of now",
                  print_cli_walker_page),
};

/* ---- sponsors' statements ---- */

#define PRINT_CLI_STATEMENT_LINES 64 /* one sponsor's pledges for one walker */

int
print_cli_statements_pdf(struct ledger *l, uint32_t id, int owing_only, enum layout_paper paper,
                         const char *assets_dir, char **pdf, size_t *len, size_t *count,
                         char **cause)
{
	return print_cli_statements_pdf_progress(l, id, owing_only, paper, assets_dir, NULL, NULL,
	                                         pdf, len, count, cause);
}

int
print_cli_statements_pdf_progress(struct ledger *l, uint32_t id, int owing_only,
                                  enum layout_paper paper, const char *assets_dir,
                                  void (*progress)(size_t done, size_t n, void *arg), void *arg,
                                  char **pdf, size_t *len, size_t *count, char **cause)
{
	struct ledger_settlement s;
	struct ledger_event ev;
	struct layout_doc doc = LAYOUT_DOC_INIT;
	struct layout_statement_line lines[PRINT_CLI_STATEMENT_LINES];
	char terms[PRINT_CLI_STATEMENT_LINES][96], when[64], sid[128], basis[512];
	size_t idx[PRINT_CLI_STATEMENT_LINES], i, j, n;
	int rc = -1;

	*count = 0;
	if (ledger_event(l, &ev) != 0)
		return util_fail(cause, "Cannot read the event's settings.");
	if (ledger_settle(l, id, &s, cause) != 0)
		return -1;
	print_cli_when((int64_t)time(NULL) * 1000, when, sizeof when);
	ledger_settlement_basis(&s, basis, sizeof basis);
	for (i = 0; i < s.n; i++) {
		struct ledger_walker w;
		struct layout_statement st;
		int64_t owed, paid, due;

		if (!ledger_statement_first(&s, i))
			continue;
		n = ledger_statement_lines(&s, i, idx, PRINT_CLI_STATEMENT_LINES, &owed, &paid,
		                           &due);
		if (n > PRINT_CLI_STATEMENT_LINES)
			n = PRINT_CLI_STATEMENT_LINES;
		if (owing_only && due == 0)
			continue;
		memset(&st, 0, sizeof st);
		st.final = 1;
		for (j = 0; j < n; j++) {
			const struct ledger_pledge_line *ln = &s.v[idx[j]];

			pledge_terms_format(&ln->p->t, terms[j], sizeof terms[j]);
			lines[j] = (struct layout_statement_line){terms[j],
			                                          ln->p->t.kind != PLEDGE_FLAT,
			                                          ln->counted_laps,
			                                          ln->billed_laps,
			                                          ln->distance_um,
			                                          ln->owed_cents,
			                                          ln->paid_cents,
			                                          ln->due_cents,
			                                          ln->p->t.kind == PLEDGE_MILE};
			st.final &= ln->final;
		}
		memset(&w, 0, sizeof w);
		ledger_walker_get(l, s.v[i].p->walker, &w, NULL);
		ledger_statement_id(l, &s, i, sid, sizeof sid);
		st.org_name = ev.org_name;
		st.org_ein = ev.org_ein;
		st.event = ev.name;
		st.city = ev.city;
		st.when = when;
		st.walker = w.name;
		st.walker_id = s.v[i].p->walker;
		st.sponsor = s.v[i].p->sponsor;
		st.address = s.v[i].p->address;
		st.lines = lines;
		st.n = n;
		st.owed_cents = owed;
		st.paid_cents = paid;
		st.due_cents = due;
		st.id = sid;
		st.basis = basis;
		if (*count > 0)
			layout_doc_add(&doc, LAYOUT_CUT, NULL, NULL);
		layout_statement_doc(&st, &doc);
		ledger_walker_clear(&w);
		(*count)++;
	}
	if (*count == 0) {
		if (id != 0)
			util_fail(cause,
			          "Walker %" PRIu32 " has no pledge%s: no statement to print.", id,
			          owing_only ? " still owed" : "");
		else
			util_fail(cause, "No pledge%s: no statement to print.",
			          owing_only ? " is still owed" : "");
		goto end;
	}
	rc = layout_render_progress(&doc, paper, assets_dir, progress, arg, pdf, len, cause);
end:
	layout_doc_free(&doc);
	ledger_settlement_clear(&s);
	return rc;
}

static enum cli_ret
print_cli_statement(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct print_cli_opts o;
	char *assets = NULL, *pdf = NULL, *cause = NULL, *title = NULL;
	int64_t id;
	size_t len, count;
	int rc;

	if ((rc = print_cli_parse(c, a, PRINT_CLI_TAKES_WALKER, &o)) != 0)
		return rc;
	id = o.id; /* 0: every statement still owed */
	if ((assets = print_cli_assets(o.assets)) == NULL)
		return print_cli_no_fonts();
	if (print_cli_statements_pdf(c->l, (uint32_t)id, id == 0 || cli_given(a, "owing") > 0,
	                             o.paper, assets, &pdf, &len, &count, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	title = id != 0 ? xasprintf("Statements %" PRId64, id) : xstrdup("Statements still owed");
	rc = print_cli_deliver(c->l, c->op, &o, "statement", id, (uint32_t)id, 0, title, pdf, len);
	if (rc == 0)
		printf("%zu statement%s.\n", count, count == 1 ? "" : "s");
end:
	free(title);
	free(pdf);
	free(assets);
	return rc;
}

const struct cli_cmd_entry print_cli_statement_entry = {
    .name = "statement",
    .usage =
        "WALKER [--owing] | owing --out FILE.pdf | --print [--printer QUEUE] " PRINT_CLI_COMMON,
    .about = "sponsors' pledge statements: a walker's, or all still owed (a QR of each "
             "statement's number; 'watctl pledge verify' checks it)",
    .opts = CLI_OPTS(PRINT_CLI_OPTS, CLI_FLAG("owing")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = print_cli_statement,
};
