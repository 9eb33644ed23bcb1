/* closeout.c — expected vs counted, over/short, and the closeout/reopen
 * entries, and the printed sheet.  Reads the ledger's entries; parses their
 * data with json.h. */
#include "closeout.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bundle.h"
#include "json.h"
#include "layout.h"
#include "ledger.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

#define CLOSEOUT_MAX_CENTS (100000000LL) /* $1,000,000.00 counted in one envelope */

/* Per-donation receipt state while walking the ledger.  A receipt counts as
 * given when a "print" entry of it completed, was spooled or saved as a PDF
 * (as print_cli decides whether a reprint is a COPY); only "completed" was
 * printed on paper: "spooled" and "saved" left a PDF only. */
enum { CLOSEOUT_RECEIPT_NONE, CLOSEOUT_RECEIPT_PDF, CLOSEOUT_RECEIPT_PRINTED };
struct closeout_walk {
	struct closeout_expected *e;
	int64_t *donations; /* seqs of donations in force */
	size_t ndonations, cap;
	unsigned char *printed; /* by seq: CLOSEOUT_RECEIPT_* (the best one made) */
	size_t nprinted;
};

static int
closeout_walk_cb(const struct ledger_entry *en, void *arg)
{
	struct closeout_walk *w = arg;
	struct closeout_expected *e = w->e;
	size_t len = strlen(en->line);
	int64_t of;
	char *what, *outcome;

	if (strcmp(en->kind, "donation") == 0 && en->annulled_by == 0) {
		char *method = json_get_str(en->line, len, "data.method");
		if (method != NULL && strcmp(method, "check") == 0) {
			struct closeout_check *c;
			e->list = xrealloc(e->list, (e->nlist + 1) * sizeof *e->list);
			c = &e->list[e->nlist++];
			c->seq = en->seq;
			c->walker = en->walker;
			c->cents = en->amount_cents;
			c->check_no = json_get_str(en->line, len, "data.check_no");
			c->donor = json_get_str(en->line, len, "data.donor");
			if (c->check_no == NULL)
				c->check_no = xstrdup("");
			if (c->donor == NULL)
				c->donor = xstrdup("");
		}
		free(method);
		if (w->ndonations == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 64;
			w->donations = xrealloc(w->donations, w->cap * sizeof *w->donations);
		}
		w->donations[w->ndonations++] = en->seq;
	} else if (strcmp(en->kind, "print") == 0 && en->annulled_by == 0) {
		what = json_get_str(en->line, len, "data.what");
		outcome = json_get_str(en->line, len, "data.outcome");
		if (what != NULL && outcome != NULL && strcmp(what, "receipt") == 0 &&
		    (strcmp(outcome, "completed") == 0 || strcmp(outcome, "spooled") == 0 ||
		     strcmp(outcome, "saved") == 0) &&
		    json_get_int(en->line, len, "data.of", &of) == 0 && of > 0 && of < en->seq) {
			if ((size_t)of >= w->nprinted) {
				size_t n = (size_t)of + 1024;
				w->printed = xrealloc(w->printed, n);
				memset(w->printed + w->nprinted, 0, n - w->nprinted);
				w->nprinted = n;
			}
			if (strcmp(outcome, "completed") == 0)
				w->printed[of] = CLOSEOUT_RECEIPT_PRINTED;
			else if (w->printed[of] == CLOSEOUT_RECEIPT_NONE)
				w->printed[of] = CLOSEOUT_RECEIPT_PDF;
		}
		free(what);
		free(outcome);
	} else if (strcmp(en->kind, "closeout") == 0 && en->annulled_by == 0) {
		e->closed = 1;
		e->closed_seq = en->seq;
	} else if (strcmp(en->kind, "reopen") == 0 && en->annulled_by == 0) {
		e->closed = 0;
	}
	return 0;
}

void
closeout_expected_free(struct closeout_expected *e)
{
	size_t i;

	for (i = 0; i < e->nlist; i++) {
		free(e->list[i].check_no);
		free(e->list[i].donor);
	}
	free(e->list);
	free(e->unprinted);
	memset(e, 0, sizeof *e);
}

int
closeout_expected(struct ledger *l, struct closeout_expected *e, char **cause)
{
	struct closeout_walk w;
	struct ledger_totals t;
	size_t i;
	int rc = -1;

	memset(e, 0, sizeof *e);
	memset(&w, 0, sizeof w);
	w.e = e;
	if (ledger_totals(l, &t, cause) != 0)
		goto end;
	e->cash_cents = t.cash_cents;
	e->check_cents = t.check_cents;
	e->other_cents = t.other_cents;
	e->total_cents = t.total_cents;
	e->checks = t.checks;
	if (ledger_entries(l, 1, closeout_walk_cb, &w, cause) != 0)
		goto end;
	for (i = 0; i < w.ndonations; i++) {
		int64_t s = w.donations[i];
		int got = (size_t)s < w.nprinted ? w.printed[s] : CLOSEOUT_RECEIPT_NONE;
		if (got == CLOSEOUT_RECEIPT_PRINTED)
			e->receipts_printed++;
		else if (got == CLOSEOUT_RECEIPT_PDF)
			e->receipts_pdf++;
		if (got != CLOSEOUT_RECEIPT_NONE)
			continue;
		e->unprinted = xrealloc(e->unprinted, (e->nunprinted + 1) * sizeof *e->unprinted);
		e->unprinted[e->nunprinted++] = s;
	}
	rc = 0;
end:
	if (rc != 0)
		closeout_expected_free(e);
	free(w.donations);
	free(w.printed);
	return rc;
}

/* Bills and coins in circulation, in cents. */
static const int64_t closeout_us_pieces[] = {10000, 5000, 2000, 1000, 500, 200,
                                             100,   50,   25,   10,   5,   1};

/* Parses text as closeout_denominations does, adding each count to
 * counts[] (one per closeout_us_pieces). */
static int
closeout_pieces(const char *text, int64_t *counts, int64_t *cents, char **cause)
{
	char *copy = xstrdup(text), *item, *save = NULL, *x, *why = NULL;
	int64_t total = 0, value, count;
	char *end;
	size_t i;
	int rc = -1;

	for (item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		text_trim(item);
		if ((x = strpbrk(item, "xX*")) == NULL) {
			util_fail(cause,
			          "\"%s\" is not a denomination count: write value x count, e.g. "
			          "20x5,10x3,0.25x4.",
			          item);
			goto end;
		}
		*x = '\0';
		if (amount_parse(item, 10000, &value, &why) != 0) {
			util_fail(cause, "The denomination \"%s\" is not a bill or coin value: %s",
			          item, why);
			goto end;
		}
		for (i = 0; i < nitems(closeout_us_pieces); i++)
			if (closeout_us_pieces[i] == value)
				break;
		if (i == nitems(closeout_us_pieces)) {
			util_fail(cause, "$%s is not a US bill or coin.", item);
			goto end;
		}
		count = strtoll(text_trim(x + 1), &end, 10);
		if (*text_trim(x + 1) == '\0' || *end != '\0' || count < 0 || count > 100000) {
			util_fail(cause, "\"%s\" is not a count of $%s pieces.", x + 1, item);
			goto end;
		}
		counts[i] += count;
		total += value * count;
		if (total > CLOSEOUT_MAX_CENTS) {
			util_fail(cause, "The counted cash is implausibly large.");
			goto end;
		}
	}
	if (total == 0 && strspn(text, " ,") == strlen(text)) {
		util_fail(cause, "No denominations were given.");
		goto end;
	}
	*cents = total;
	rc = 0;
end:
	free(why);
	free(copy);
	return rc;
}

int
closeout_denominations(const char *text, int64_t *cents, char **cause)
{
	int64_t counts[nitems(closeout_us_pieces)] = {0};

	return closeout_pieces(text, counts, cents, cause);
}

static int
closeout_name_ok(const char *s)
{
	return s != NULL && strspn(s, " \t") != strlen(s) && text_valid_utf8(s, strlen(s)) &&
	       text_length(s) <= CLOSEOUT_NAME_MAX && strpbrk(s, "\r\n") == NULL;
}

void
closeout_result_free(struct closeout_result *r)
{
	size_t i;

	closeout_expected_free(&r->exp);
	for (i = 0; i < nitems(r->own); i++)
		free(r->own[i]);
	memset(r, 0, sizeof *r);
}

int
closeout_record(struct ledger *l, const struct closeout_count *c, const char *op,
                struct closeout_result *r, char **cause)
{
	struct strbuf d = STRBUF_INIT;
	char *a = NULL, *b = NULL, *n0 = NULL, *n1 = NULL;
	size_t i;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (!closeout_name_ok(c->counter[0]) || !closeout_name_ok(c->counter[1])) {
		util_fail(cause, "Two people count the cash: give both names.");
		goto end;
	}
	if (text_check(c->counter[0], "counter's name", cause) != 0 ||
	    text_check(c->counter[1], "counter's name", cause) != 0)
		goto end;
	a = text_fold(c->counter[0]);
	b = text_fold(c->counter[1]);
	if (strcmp(text_trim(a), text_trim(b)) == 0) {
		util_fail(cause,
		          "The two counters must be two different people: \"%s\" is given twice.",
		          c->counter[1]);
		goto end;
	}
	if (c->cash_cents < 0 || c->cash_cents > CLOSEOUT_MAX_CENTS || c->checks < -1 ||
	    c->checks > 100000 || c->check_cents < -1 || c->check_cents > CLOSEOUT_MAX_CENTS) {
		util_fail(cause, "The counted amounts are impossible.");
		goto end;
	}
	if (c->note != NULL && text_check(c->note, "note", cause) != 0)
		goto end;
	if (c->note != NULL && text_length(c->note) > 500) {
		util_fail(cause, "The note must be plain text of at most 500 characters.");
		goto end;
	}
	if (closeout_expected(l, &r->exp, cause) != 0)
		goto end;
	if (r->exp.closed) {
		util_fail(cause,
		          "The station is already closed out (entry %" PRId64 "); reopen it first "
		          "to count again.",
		          r->exp.closed_seq);
		goto end;
	}
	r->count = *c;
	if (r->count.checks < 0)
		r->count.checks = r->exp.checks;
	if (r->count.check_cents < 0)
		r->count.check_cents = r->exp.check_cents;
	r->cash_over_short = r->count.cash_cents - r->exp.cash_cents;
	r->check_over_short = r->count.check_cents - r->exp.check_cents;
	if ((r->cash_over_short != 0 || r->check_over_short != 0 ||
	     r->count.checks != r->exp.checks) &&
	    (c->note == NULL || strspn(c->note, " \t") == strlen(c->note))) {
		char x[32], y[32];
		util_fail(
		    cause,
		    "The count differs from the ledger (cash %s %s, checks %s %s): write "
		    "the reason in a note; over/short is recorded, never fixed.",
		    amount_format(r->cash_over_short < 0 ? -r->cash_over_short : r->cash_over_short,
		                  x, sizeof x),
		    r->cash_over_short < 0   ? "short"
		    : r->cash_over_short > 0 ? "over"
		                             : "even",
		    amount_format(r->check_over_short < 0 ? -r->check_over_short
		                                          : r->check_over_short,
		                  y, sizeof y),
		    r->check_over_short < 0   ? "short"
		    : r->check_over_short > 0 ? "over"
		                              : "even");
		goto end;
	}

	strbuf_printf(&d, "{\"cash_cents\":%" PRId64 ",\"cash_expected_cents\":%" PRId64,
	              r->count.cash_cents, r->exp.cash_cents);
	if (c->denominations != NULL) {
		strbuf_puts(&d, ",\"denominations\":");
		strbuf_json(&d, c->denominations);
	}
	strbuf_printf(&d,
	              ",\"checks\":%" PRId64 ",\"check_cents\":%" PRId64
	              ",\"checks_expected\":%" PRId64 ",\"check_expected_cents\":%" PRId64
	              ",\"other_expected_cents\":%" PRId64 ",\"counters\":[",
	              r->count.checks, r->count.check_cents, r->exp.checks, r->exp.check_cents,
	              r->exp.other_cents);
	n0 = text_trim(xstrdup(c->counter[0]));
	n1 = text_trim(xstrdup(c->counter[1]));
	strbuf_json(&d, n0);
	strbuf_puts(&d, ",");
	strbuf_json(&d, n1);
	strbuf_puts(&d, "]");
	if (c->note != NULL && *c->note != '\0') {
		strbuf_puts(&d, ",\"note\":");
		strbuf_json(&d, c->note);
	}
	strbuf_puts(&d, ",\"unprinted\":[");
	for (i = 0; i < r->exp.nunprinted; i++)
		strbuf_printf(&d, "%s%" PRId64, i ? "," : "", r->exp.unprinted[i]);
	strbuf_printf(&d, "],\"receipts_printed\":%" PRId64 ",\"receipts_pdf\":%" PRId64 "}",
	              r->exp.receipts_printed, r->exp.receipts_pdf);
	if (ledger_append(l, "closeout", 0, 0, r->count.cash_cents + r->count.check_cents, d.s, op,
	                  &r->seq, cause) != 0)
		goto end;
	rc = 0;
end:
	if (rc != 0)
		closeout_result_free(r);
	strbuf_free(&d);
	free(n1);
	free(n0);
	free(a);
	free(b);
	return rc;
}

int
closeout_is_closed(struct ledger *l)
{
	return ledger_closed(l, NULL);
}

int
closeout_reopen(struct ledger *l, const char *reason, const char *op, int64_t *seq, char **cause)
{
	struct strbuf d = STRBUF_INIT;
	char *why = reason != NULL ? text_trim(xstrdup(reason)) : NULL;
	int closed, rc = -1;

	if (why == NULL || *why == '\0') {
		util_fail(cause, "Say why the station is reopened (a reason is required).");
		goto end;
	}
	if (text_check(why, "reason", cause) != 0)
		goto end;
	if (text_length(why) > 200) {
		util_fail(cause, "The reason must be plain text of at most 200 characters.");
		goto end;
	}
	if ((closed = closeout_is_closed(l)) < 0) {
		util_fail(cause, "The ledger could not be read.");
		goto end;
	}
	if (!closed) {
		util_fail(cause, "The station is not closed out: there is nothing to reopen.");
		goto end;
	}
	strbuf_puts(&d, "{\"reason\":");
	strbuf_json(&d, why);
	strbuf_puts(&d, "}");
	rc = ledger_append(l, "reopen", 0, 0, 0, d.s, op, seq, cause);
end:
	strbuf_free(&d);
	free(why);
	return rc;
}

/* "Receipts: 3 printed, 2 saved as PDF only (not printed), 1 not made:
 * entries 7" -- what became of each donation's receipt, in words.  An entry
 * recorded before the counts were kept (-1) says only what was not made. */
static void
closeout_receipts_text(struct strbuf *b, const struct closeout_expected *e, size_t most)
{
	size_t i;

	strbuf_puts(b, "Receipts: ");
	if (e->receipts_printed >= 0 && e->receipts_pdf >= 0)
		strbuf_printf(b,
		              "%" PRId64 " printed, %" PRId64 " saved as PDF only (not printed), ",
		              e->receipts_printed, e->receipts_pdf);
	strbuf_printf(b, "%zu not made", e->nunprinted);
	if (e->nunprinted > 0) {
		strbuf_puts(b, e->nunprinted == 1 ? ": entry" : ": entries");
		for (i = 0; i < e->nunprinted && i < most; i++)
			strbuf_printf(b, " %" PRId64, e->unprinted[i]);
		strbuf_puts(b, i < e->nunprinted ? " ..." : "");
	}
	strbuf_puts(b, ".");
}

static void
closeout_line_money(struct strbuf *b, const char *label, int64_t cents)
{
	char buf[32];

	strbuf_printf(b, "  %-24s %14s\n", label, amount_format(cents, buf, sizeof buf));
}

static void
closeout_over_short(struct strbuf *b, const char *what, int64_t d)
{
	char buf[32];

	if (d == 0)
		strbuf_printf(b, "  %-24s %14s\n", what, "even");
	else
		strbuf_printf(b, "  %-24s %14s %s\n", what,
		              amount_format(d < 0 ? -d : d, buf, sizeof buf),
		              d > 0 ? "OVER" : "SHORT");
}

/* The cash by bill and coin, a line each: "    $20.00 x 5  = $100.00". */
static void
closeout_describe_pieces(struct strbuf *b, const char *denominations)
{
	int64_t counts[nitems(closeout_us_pieces)] = {0}, cents;
	char x[32], y[32], *cause = NULL;
	size_t i;

	if (closeout_pieces(denominations, counts, &cents, &cause) != 0) {
		strbuf_printf(b, "  %-24s %14s\n", "by denomination", denominations);
		free(cause);
		return;
	}
	for (i = 0; i < nitems(closeout_us_pieces); i++)
		if (counts[i] > 0)
			strbuf_printf(
			    b, "    %8s x %-6" PRId64 " = %14s\n",
			    amount_format(closeout_us_pieces[i], x, sizeof x), counts[i],
			    amount_format(closeout_us_pieces[i] * counts[i], y, sizeof y));
}

char *
closeout_describe(const struct closeout_result *r)
{
	struct strbuf b = STRBUF_INIT;
	char buf[32];
	size_t i;

	strbuf_printf(&b, "Close-out recorded as entry %" PRId64 ".\n", r->seq);
	strbuf_puts(&b, "Cash\n");
	closeout_line_money(&b, "expected", r->exp.cash_cents);
	closeout_line_money(&b, "counted", r->count.cash_cents);
	if (r->count.denominations != NULL && *r->count.denominations != '\0')
		closeout_describe_pieces(&b, r->count.denominations);
	closeout_over_short(&b, "over/short", r->cash_over_short);
	strbuf_printf(&b, "Checks (%zu listed)\n", r->exp.nlist);
	for (i = 0; i < r->exp.nlist; i++) {
		const struct closeout_check *c = &r->exp.list[i];
		strbuf_printf(&b, "  #%-10s %-20.20s %10s  (entry %" PRId64 ")\n", c->check_no,
		              c->donor, amount_format(c->cents, buf, sizeof buf), c->seq);
	}
	strbuf_printf(&b, "  %-24s %14" PRId64 "\n", "expected count", r->exp.checks);
	closeout_line_money(&b, "expected total", r->exp.check_cents);
	strbuf_printf(&b, "  %-24s %14" PRId64 "\n", "counted count", r->count.checks);
	closeout_line_money(&b, "counted total", r->count.check_cents);
	closeout_over_short(&b, "over/short", r->check_over_short);
	closeout_line_money(&b, "Other methods", r->exp.other_cents);
	closeout_line_money(&b, "All donations", r->exp.total_cents);
	strbuf_printf(&b, "Counted by: %s and %s\n", r->count.counter[0], r->count.counter[1]);
	if (r->count.note != NULL && *r->count.note != '\0')
		strbuf_printf(&b, "Note: %s\n", r->count.note);
	closeout_receipts_text(&b, &r->exp, 50);
	strbuf_puts(&b, "\n");
	return strbuf_take(&b);
}

/* ---- reading a close-out back ---- */

struct closeout_find {
	int64_t want;            /* 0: the last close-out in force */
	int64_t seq, reopen_seq; /* the close-out found, the reopen after it */
	struct closeout_entry info;
	char *line;                    /* its entry, copied */
	struct closeout_check *checks; /* every check donation, annulled or not */
	int64_t *annulled_by;
	size_t nchecks;
};

static int
closeout_find_cb(const struct ledger_entry *en, void *arg)
{
	struct closeout_find *f = arg;
	size_t len = strlen(en->line);
	struct closeout_check *c;
	char *method;

	if (f->seq > 0 && en->seq > f->seq && f->want != 0 && f->reopen_seq != 0)
		return 1; /* the one asked for, and what followed it: done */
	if (strcmp(en->kind, "donation") == 0) {
		method = json_get_str(en->line, len, "data.method");
		if (method != NULL && strcmp(method, "check") == 0) {
			f->checks = xrealloc(f->checks, (f->nchecks + 1) * sizeof *f->checks);
			f->annulled_by =
			    xrealloc(f->annulled_by, (f->nchecks + 1) * sizeof *f->annulled_by);
			c = &f->checks[f->nchecks];
			f->annulled_by[f->nchecks++] = en->annulled_by;
			c->seq = en->seq;
			c->walker = en->walker;
			c->cents = en->amount_cents;
			c->check_no = json_get_str(en->line, len, "data.check_no");
			c->donor = json_get_str(en->line, len, "data.donor");
			if (c->check_no == NULL)
				c->check_no = xstrdup("");
			if (c->donor == NULL)
				c->donor = xstrdup("");
		}
		free(method);
	} else if (strcmp(en->kind, "closeout") == 0 && en->annulled_by == 0 &&
	           (f->want == 0 || f->want == en->seq)) {
		free(f->line);
		f->line = xstrdup(en->line);
		f->seq = en->seq;
		f->reopen_seq = 0;
		f->info.wall_ms = en->at.wall_ms;
		memcpy(f->info.hash, en->hash, sizeof f->info.hash);
	} else if (strcmp(en->kind, "reopen") == 0 && en->annulled_by == 0 && f->seq > 0 &&
	           f->reopen_seq == 0)
		f->reopen_seq = en->seq;
	return 0;
}

static int64_t
closeout_member_int(const struct json_value *data, const char *key)
{
	struct json_value v;
	int64_t n;

	return json_member(data, key, &v) == 0 && json_int(&v, &n) == 0 ? n : 0;
}

static char *
closeout_member_str(const struct json_value *data, const char *key)
{
	struct json_value v;

	json_member(data, key, &v);
	return v.type == JSON_STRING ? json_str(&v) : NULL;
}

int
closeout_load(struct ledger *l, int64_t seq, struct closeout_result *r, struct closeout_entry *info,
              char **cause)
{
	struct closeout_find f;
	struct json_value data, v, names[2];
	struct closeout_expected *e = &r->exp;
	const char *it = NULL;
	size_t i;
	int64_t n;
	int rc = -1;

	memset(r, 0, sizeof *r);
	memset(&f, 0, sizeof f);
	f.want = seq;
	if (ledger_entries(l, 1, closeout_find_cb, &f, cause) != 0)
		goto end;
	if (f.seq == 0) {
		if (seq == 0)
			util_fail(cause, "There is no close-out in the ledger: close out first "
			                 "(watctl close).");
		else
			util_fail(cause, "Entry %" PRId64 " is not a close-out in force.", seq);
		goto end;
	}
	if (json_get(f.line, strlen(f.line), "data", &data) != 0 || data.type != JSON_OBJECT) {
		util_fail(cause, "Close-out entry %" PRId64 " cannot be read.", f.seq);
		goto end;
	}
	r->seq = f.seq;
	/* the checks in force at the close-out: before it, not yet annulled then */
	for (i = 0; i < f.nchecks; i++) {
		if (f.checks[i].seq > f.seq || (f.annulled_by[i] != 0 && f.annulled_by[i] < f.seq))
			continue;
		e->list = xrealloc(e->list, (e->nlist + 1) * sizeof *e->list);
		e->list[e->nlist++] = f.checks[i];
		f.checks[i].check_no = f.checks[i].donor = NULL;
	}
	e->cash_cents = closeout_member_int(&data, "cash_expected_cents");
	e->check_cents = closeout_member_int(&data, "check_expected_cents");
	e->other_cents = closeout_member_int(&data, "other_expected_cents");
	e->total_cents = e->cash_cents + e->check_cents + e->other_cents;
	e->checks = closeout_member_int(&data, "checks_expected");
	if (json_member(&data, "unprinted", &v) == 0)
		while (json_next(&v, &it, NULL, &names[0]))
			if (json_int(&names[0], &n) == 0) {
				e->unprinted = xrealloc(e->unprinted,
				                        (e->nunprinted + 1) * sizeof *e->unprinted);
				e->unprinted[e->nunprinted++] = n;
			}
	e->receipts_printed = e->receipts_pdf = -1; /* not kept before 2026-12-02 */
	if (json_member(&data, "receipts_printed", &v) == 0 && json_int(&v, &n) == 0)
		e->receipts_printed = n;
	if (json_member(&data, "receipts_pdf", &v) == 0 && json_int(&v, &n) == 0)
		e->receipts_pdf = n;
	e->closed = f.reopen_seq == 0;
	e->closed_seq = f.seq;
	r->count.cash_cents = closeout_member_int(&data, "cash_cents");
	r->count.checks = closeout_member_int(&data, "checks");
	r->count.check_cents = closeout_member_int(&data, "check_cents");
	r->own[0] = closeout_member_str(&data, "denominations");
	r->own[3] = closeout_member_str(&data, "note");
	json_member(&data, "counters", &v);
	for (i = 0; i < 2; i++) {
		json_item(&v, i, &names[i]);
		r->own[1 + i] = names[i].type == JSON_STRING ? json_str(&names[i]) : xstrdup("?");
	}
	r->count.denominations = r->own[0];
	r->count.counter[0] = r->own[1];
	r->count.counter[1] = r->own[2];
	r->count.note = r->own[3];
	r->cash_over_short = r->count.cash_cents - e->cash_cents;
	r->check_over_short = r->count.check_cents - e->check_cents;
	if (info != NULL) {
		*info = f.info;
		info->reopen_seq = f.reopen_seq;
	}
	rc = 0;
end:
	if (rc != 0)
		closeout_result_free(r);
	for (i = 0; i < f.nchecks; i++) {
		free(f.checks[i].check_no);
		free(f.checks[i].donor);
	}
	free(f.checks);
	free(f.annulled_by);
	free(f.line);
	return rc;
}

/* ---- the printed sheet ---- */

/* Text for one table cell: tabs and line ends would break the row. */
static char *
closeout_cell(const char *s)
{
	char *c = xstrdup(s != NULL ? s : ""), *p;

	for (p = c; *p != '\0'; p++)
		if (*p == '\t' || *p == '\r' || *p == '\n')
			*p = ' ';
	return c;
}

const char *
closeout_os_text(int64_t d, char *buf, size_t len)
{
	char a[32];

	if (d == 0)
		snprintf(buf, len, "even");
	else
		snprintf(buf, len, "%s %s", amount_format(d < 0 ? -d : d, a, sizeof a),
		         d > 0 ? "over" : "short");
	return buf;
}

/* The cash as counted, one row a bill or coin: "$20.00 x 5 = $100.00". */
static void
closeout_sheet_pieces(const struct closeout_result *r, struct layout_doc *d)
{
	int64_t counts[nitems(closeout_us_pieces)] = {0}, cents = 0;
	char a[32], b[32], *cause = NULL;
	size_t i;

	if (r->count.denominations == NULL || *r->count.denominations == '\0')
		return;
	layout_doc_add(d, LAYOUT_HEADING, "Cash by bill and coin", NULL);
	if (closeout_pieces(r->count.denominations, counts, &cents, &cause) != 0) {
		/* recorded, so it parsed once: show it as recorded rather than nothing */
		layout_doc_addf(d, LAYOUT_TEXT, "As counted: %s", r->count.denominations);
		free(cause);
		layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
		return;
	}
	layout_doc_add(d, LAYOUT_TABLE, "Bill or coin\tCount\tSum", "h");
	for (i = 0; i < nitems(closeout_us_pieces); i++)
		if (counts[i] > 0)
			layout_doc_addf(
			    d, LAYOUT_TABLE, "%s\t%" PRId64 "\t%s",
			    amount_format(closeout_us_pieces[i], a, sizeof a), counts[i],
			    amount_format(closeout_us_pieces[i] * counts[i], b, sizeof b));
	layout_doc_addf(d, LAYOUT_TABLE, "Cash counted\t\t%s", amount_format(cents, a, sizeof a));
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
}

void
closeout_pledges(struct ledger *l, struct closeout_pledges *p)
{
	struct ledger_settlement st;

	memset(p, 0, sizeof *p);
	if (ledger_settle(l, 0, &st, NULL) != 0)
		return;
	p->n = (int64_t)st.n;
	p->pledged_cents = st.owed_cents;
	p->paid_cents = st.paid_cents;
	p->due_cents = st.due_cents;
	p->final = st.cert_seq != 0;
	ledger_settlement_clear(&st);
}

void
closeout_pledges_doc(const struct closeout_pledges *p, struct layout_doc *d)
{
	char a[32];

	if (p->n <= 0)
		return;
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
	layout_doc_addf(d, LAYOUT_HEADING, "Pledges (%" PRId64 ")", p->n);
	layout_doc_add(d, LAYOUT_PAIR, "Pledged", amount_format(p->pledged_cents, a, sizeof a));
	layout_doc_add(d, LAYOUT_PAIR, "Collected (online and here)",
	               amount_format(p->paid_cents, a, sizeof a));
	layout_doc_add(d, LAYOUT_PAIR, "Still owed", amount_format(p->due_cents, a, sizeof a));
	layout_doc_add(d, LAYOUT_SMALL,
	               p->final ? "On the certified laps. Statements of what is still owed: "
	                          "watctl statement owing."
	                        : "The laps are not certified: per-lap and distance pledges are "
	                          "as of printing, not final.",
	               NULL);
}

void
closeout_sheet_doc(const struct closeout_result *r, const struct closeout_sheet *s,
                   struct layout_doc *d)
{
	char a[32], b[32], c[64], *cell[2], *prefix = NULL;
	const struct closeout_expected *e = &r->exp;
	struct strbuf t = STRBUF_INIT;
	size_t i;

	layout_doc_add(d, LAYOUT_TITLE, "Close-out sheet", NULL);
	if (s->event != NULL && *s->event != '\0')
		layout_doc_add(d, LAYOUT_HEADING, s->event, NULL);
	layout_doc_addf(d, LAYOUT_CENTER, "%s%s%s - station %s", s->city != NULL ? s->city : "",
	                s->city != NULL && *s->city != '\0' ? ", " : "",
	                s->date != NULL ? s->date : "", s->station != NULL ? s->station : "");
	snprintf(c, sizeof c, "entry %" PRId64, r->seq);
	layout_doc_add(d, LAYOUT_PAIR, "Close-out", c);
	if (s->when != NULL && *s->when != '\0')
		layout_doc_add(d, LAYOUT_PAIR, "Recorded", s->when);
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);

	layout_doc_add(d, LAYOUT_HEADING, "Totals by method", NULL);
	layout_doc_add(d, LAYOUT_TABLE, "Method\tExpected\tCounted\tOver/short", "h");
	layout_doc_addf(d, LAYOUT_TABLE, "Cash\t%s\t%s\t%s",
	                amount_format(e->cash_cents, a, sizeof a),
	                amount_format(r->count.cash_cents, b, sizeof b),
	                closeout_os_text(r->cash_over_short, c, sizeof c));
	layout_doc_addf(d, LAYOUT_TABLE, "Checks (%" PRId64 ")\t%s\t%s\t%s", e->checks,
	                amount_format(e->check_cents, a, sizeof a),
	                amount_format(r->count.check_cents, b, sizeof b),
	                closeout_os_text(r->check_over_short, c, sizeof c));
	layout_doc_addf(d, LAYOUT_TABLE, "In the envelope\t%s\t%s\t%s",
	                amount_format(e->cash_cents + e->check_cents, a, sizeof a),
	                amount_format(r->count.cash_cents + r->count.check_cents, b, sizeof b),
	                closeout_os_text(r->cash_over_short + r->check_over_short, c, sizeof c));
	layout_doc_add(d, LAYOUT_PAIR, "Other methods (not in the envelope)",
	               amount_format(e->other_cents, a, sizeof a));
	layout_doc_add(d, LAYOUT_PAIR, "All donations", amount_format(e->total_cents, a, sizeof a));
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
	closeout_sheet_pieces(r, d);

	layout_doc_addf(d, LAYOUT_HEADING, "Checks listed in the ledger (%zu)", e->nlist);
	if (e->nlist == 0)
		layout_doc_add(d, LAYOUT_TEXT, "No checks.", NULL);
	else
		layout_doc_add(d, LAYOUT_TABLE, "Check no.\tDonor\tAmount\tEntry", "h");
	for (i = 0; i < e->nlist; i++) {
		cell[0] = closeout_cell(e->list[i].check_no);
		cell[1] = closeout_cell(e->list[i].donor);
		layout_doc_addf(d, LAYOUT_TABLE, "%s%s\t%s\t%s\t%" PRId64,
		                *cell[0] != '\0' ? "#" : "", cell[0], cell[1],
		                amount_format(e->list[i].cents, a, sizeof a), e->list[i].seq);
		free(cell[0]);
		free(cell[1]);
	}
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);

	layout_doc_add(d, LAYOUT_HEADING, "Over/short", NULL);
	layout_doc_add(d, LAYOUT_PAIR, "Cash", closeout_os_text(r->cash_over_short, c, sizeof c));
	layout_doc_add(d, LAYOUT_PAIR, "Checks",
	               closeout_os_text(r->check_over_short, c, sizeof c));
	if (r->count.checks != e->checks) {
		snprintf(c, sizeof c, "%" PRId64 " counted, %" PRId64 " listed", r->count.checks,
		         e->checks);
		layout_doc_add(d, LAYOUT_PAIR, "Number of checks", c);
	}
	if (r->count.note != NULL && *r->count.note != '\0')
		layout_doc_addf(d, LAYOUT_TEXT, "Note: %s", r->count.note);
	closeout_receipts_text(&t, e, 200);
	layout_doc_add(d, LAYOUT_TEXT, t.s, NULL);
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);

	layout_doc_add(d, LAYOUT_HEADING, "Counted by", NULL);
	layout_doc_add(d, LAYOUT_SIGN, "Deposit bag number", NULL);
	layout_doc_addf(d, LAYOUT_SIGN, "Counter 1: %s", r->count.counter[0]);
	layout_doc_addf(d, LAYOUT_SIGN, "Counter 2: %s", r->count.counter[1]);
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);

	layout_doc_addf(d, LAYOUT_SMALL, "Ledger head after this close-out: entry %" PRId64,
	                s->head_seq);
	layout_doc_addf(d, LAYOUT_SMALL, "BLAKE2b-256 %s", s->head_hex != NULL ? s->head_hex : "?");
	if (s->event_key_id != NULL && s->event_key_id[0] != '\0')
		layout_doc_addf(d, LAYOUT_SMALL,
		                "Event key id: %s (HQ checks it against the station's certificate)",
		                s->event_key_id);
	prefix = bundle_file_name(s->city != NULL ? s->city : "", s->date != NULL ? s->date : "",
	                          s->station != NULL ? s->station : "", 0);
	prefix[strlen(prefix) - strlen("0.zip")] = '\0';
	layout_doc_addf(d, LAYOUT_SMALL,
	                "Bundle: %s<n>.zip.age, the export made after this close-out. Line %" PRId64
	                " of its ledger.jsonl carries this hash, and so does every later "
	                "export.",
	                prefix, s->head_seq);
	free(prefix);
	strbuf_free(&t);
}
