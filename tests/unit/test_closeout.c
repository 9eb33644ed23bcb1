/* test_closeout.c — the printed close-out sheet (a pure doc: signature lines,
 * over/short, the check list, the ledger head and the bundle's name), and a
 * close-out read back from a real ledger file the same as it was recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "closeout.h"
#include "layout.h"
#include "ledger.h"
#include "util.h"

#define HEAD "181507ab7a30509f22346b06cf749e10aef9c96acdcc1693fbe383080563fc1d"

static char dir[] = "/tmp/wat-test-closeout-XXXXXX", assets[4096];

static void
sample(struct closeout_result *r, struct closeout_check *checks, int64_t *unprinted)
{
	memset(r, 0, sizeof *r);
	r->seq = 40;
	checks[0] = (struct closeout_check){5, 2, 4050, (char *)"1043", (char *)"Pat O'Neil"};
	checks[1] = (struct closeout_check){6, 2, 1200, (char *)"77", (char *)"Tab\tIn\nName"};
	r->exp.cash_cents = 2500;
	r->exp.check_cents = 5250;
	r->exp.other_cents = 1000;
	r->exp.total_cents = 8750;
	r->exp.checks = 2;
	r->exp.list = checks;
	r->exp.nlist = 2;
	unprinted[0] = 4;
	unprinted[1] = 7;
	r->exp.unprinted = unprinted;
	r->exp.nunprinted = 2;
	r->exp.receipts_printed = 3;
	r->exp.receipts_pdf = 1;
	r->count.cash_cents = 2000;
	r->count.denominations = "10x1,5x1,1x5,10x0";
	r->count.checks = 2;
	r->count.check_cents = 5300;
	r->count.counter[0] = "Ann Smith";
	r->count.counter[1] = "Bob Jones";
	r->count.note = "a five is missing";
	r->cash_over_short = -500;
	r->check_over_short = 50;
}

static const struct layout_block *
find(const struct layout_doc *d, enum layout_kind kind, const char *text, size_t from)
{
	size_t i;

	for (i = from; i < d->n; i++)
		if (d->blocks[i].kind == kind && strstr(d->blocks[i].text, text) != NULL)
			return &d->blocks[i];
	return NULL;
}

static void
test_sheet_doc(void **state)
{
	struct closeout_check checks[2];
	int64_t unprinted[2];
	struct closeout_result r;
	struct closeout_sheet s = {"Walk Against Traffick",
	                           "Jackson, MS",
	                           "2026-05-02",
	                           "T1",
	                           "2026-05-02 17:45 CDT",
	                           40,
	                           HEAD,
	                           "0123456789ABCDEF"};
	struct layout_doc d = LAYOUT_DOC_INIT;
	const struct layout_block *b, *sign1, *sign2;
	size_t i, nsign = 0;
	char *text;

	(void)state;
	sample(&r, checks, unprinted);
	closeout_sheet_doc(&r, &s, &d);
	text = layout_doc_text(&d);

	assert_non_null(find(&d, LAYOUT_TITLE, "Close-out sheet", 0));
	assert_non_null(find(&d, LAYOUT_HEADING, "Walk Against Traffick", 0));
	assert_non_null(find(&d, LAYOUT_CENTER, "Jackson, MS, 2026-05-02 - station T1", 0));
	/* the event key id HQ checks the station's certificate against */
	assert_non_null(find(&d, LAYOUT_SMALL, "Event key id: 0123456789ABCDEF", 0));
	/* the two counters, each on a signature line, after everything counted */
	sign1 = find(&d, LAYOUT_SIGN, "Ann Smith", 0);
	sign2 = find(&d, LAYOUT_SIGN, "Bob Jones", 0);
	assert_non_null(sign1);
	assert_non_null(sign2);
	assert_true(sign1 < sign2);
	for (i = 0; i < d.n; i++)
		nsign += d.blocks[i].kind == LAYOUT_SIGN;
	assert_int_equal(nsign, 3);
	/* a line to write the deposit bag's number on */
	assert_non_null(find(&d, LAYOUT_SIGN, "Deposit bag number", 0));
	assert_true(find(&d, LAYOUT_TABLE, "Cash\t", 0) < sign1);
	/* totals by method: a table with a header row */
	b = find(&d, LAYOUT_TABLE, "Method\tExpected\tCounted\tOver/short", 0);
	assert_non_null(b);
	assert_string_equal(b->value, "h");
	assert_non_null(find(&d, LAYOUT_TABLE, "Cash\t$25.00\t$20.00\t$5.00 short", 0));
	assert_non_null(find(&d, LAYOUT_TABLE, "Checks (2)\t$52.50\t$53.00\t$0.50 over", 0));
	assert_non_null(find(&d, LAYOUT_TABLE, "In the envelope\t$77.50\t$73.00\t$4.50 short", 0));
	b = find(&d, LAYOUT_PAIR, "Other methods", 0);
	assert_non_null(b);
	assert_string_equal(b->value, "$10.00");
	b = find(&d, LAYOUT_PAIR, "All donations", 0);
	assert_string_equal(b->value, "$87.50");
	/* the cash by bill and coin: bill, count, sum; none of a piece: no row */
	b = find(&d, LAYOUT_TABLE, "Bill or coin\tCount\tSum", 0);
	assert_non_null(b);
	assert_string_equal(b->value, "h");
	assert_non_null(find(&d, LAYOUT_TABLE, "$10.00\t1\t$10.00", 0));
	assert_non_null(find(&d, LAYOUT_TABLE, "$5.00\t1\t$5.00", 0));
	assert_non_null(find(&d, LAYOUT_TABLE, "$1.00\t5\t$5.00", 0));
	assert_non_null(find(&d, LAYOUT_TABLE, "Cash counted\t\t$20.00", 0));
	assert_null(find(&d, LAYOUT_TABLE, "\t0\t", 0));
	assert_null(find(&d, LAYOUT_PAIR, "denomination", 0));
	/* the check list; a tab or line end in a name cannot break the row */
	assert_non_null(find(&d, LAYOUT_TABLE, "Check no.\tDonor\tAmount\tEntry", 0));
	assert_non_null(find(&d, LAYOUT_TABLE, "#1043\tPat O'Neil\t$40.50\t5", 0));
	assert_non_null(find(&d, LAYOUT_TABLE, "#77\tTab In Name\t$12.00\t6", 0));
	/* over/short, the note, receipts never printed */
	b = find(&d, LAYOUT_HEADING, "Over/short", 0);
	assert_non_null(b);
	b = find(&d, LAYOUT_PAIR, "Cash", (size_t)(b - d.blocks));
	assert_string_equal(b->value, "$5.00 short");
	b = find(&d, LAYOUT_PAIR, "Checks", (size_t)(b - d.blocks));
	assert_string_equal(b->value, "$0.50 over");
	assert_null(find(&d, LAYOUT_PAIR, "Number of checks", 0));
	assert_non_null(find(&d, LAYOUT_TEXT, "Note: a five is missing", 0));
	assert_non_null(find(&d, LAYOUT_TEXT,
	                     "Receipts: 3 printed, 1 saved as PDF only (not printed), 2 not "
	                     "made: entries 4 7.",
	                     0));
	/* the ledger head and the bundle that carries it, after the signatures */
	b = find(&d, LAYOUT_SMALL, HEAD, 0);
	assert_non_null(b);
	assert_true(b > sign2);
	assert_non_null(find(&d, LAYOUT_SMALL, "entry 40", 0));
	assert_non_null(find(&d, LAYOUT_SMALL, "wat-jackson-ms-2026-05-02-T1-<n>.zip", 0));
	assert_non_null(find(&d, LAYOUT_SMALL, "the export made after this close-out", 0));
	assert_non_null(strstr(text, "Recorded: 2026-05-02 17:45 CDT"));
	free(text);
	layout_doc_free(&d);

	/* even, no checks, every receipt a PDF, a check count that differs */
	r.count.check_cents = 0;
	r.exp.check_cents = 0;
	r.check_over_short = 0;
	r.cash_over_short = 0;
	r.count.checks = 1;
	r.exp.checks = 0;
	r.exp.nlist = 0;
	r.exp.nunprinted = 0;
	r.exp.receipts_printed = 0;
	r.exp.receipts_pdf = 4;
	r.count.note = NULL;
	r.count.denominations = NULL;
	closeout_sheet_doc(&r, &s, &d);
	assert_non_null(find(&d, LAYOUT_TEXT, "No checks.", 0));
	assert_null(find(&d, LAYOUT_TABLE, "Check no.", 0));
	assert_non_null(find(&d, LAYOUT_TEXT,
	                     "Receipts: 0 printed, 4 saved as PDF only (not printed), 0 not made.",
	                     0));
	assert_null(find(&d, LAYOUT_SMALL, "printed receipt", 0));
	assert_null(find(&d, LAYOUT_TEXT, "printed receipt", 0));
	b = find(&d, LAYOUT_PAIR, "Number of checks", 0);
	assert_non_null(b);
	assert_string_equal(b->value, "1 counted, 0 listed");
	assert_null(find(&d, LAYOUT_TEXT, "Note:", 0));
	assert_null(find(&d, LAYOUT_HEADING, "Cash by bill and coin", 0));
	layout_doc_free(&d);
}

/* The sheet lays out on every paper, hostile names included. */
static void
test_sheet_render(void **state)
{
	static const enum layout_paper papers[] = {LAYOUT_LETTER, LAYOUT_A4, LAYOUT_ROLL80,
	                                           LAYOUT_ROLL58};
	struct closeout_check checks[2];
	int64_t unprinted[2];
	struct closeout_result r;
	struct closeout_sheet s = {"Walk", "Jackson, MS", "2026-05-02", "T1", NULL, 40, HEAD, NULL};
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *pdf = NULL, *cause = NULL, long_name[3000];
	size_t len, i;

	(void)state;
	sample(&r, checks, unprinted);
	memset(long_name, 'W', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	r.count.counter[1] = long_name;
	checks[0].donor = (char *)"\xff\xfe broken \xe2\x82";
	closeout_sheet_doc(&r, &s, &d);
	for (i = 0; i < nitems(papers); i++) {
		assert_int_equal(layout_render(&d, papers[i], assets, &pdf, &len, &cause), 0);
		assert_true(len > 1000);
		assert_memory_equal(pdf, "%PDF", 4);
		free(pdf);
	}
	layout_doc_free(&d);
}

static struct ledger *
open_ledger(const char *name)
{
	struct ledger_init in = {
	    "Walk Against Traffick", "Jackson, MS", "2026-05-02", "T1", 0, NULL};
	struct ledger *l = NULL;
	char *path = xasprintf("%s/%s", dir, name), *cause = NULL;

	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "t", &cause) != 0)
		fail_msg("%s", cause);
	free(path);
	return l;
}

/* What closeout_load reads back is what closeout_record recorded, and the
 * checks are those in force then, whatever happened after. */
static void
test_load(void **state)
{
	struct ledger *l = open_ledger("load.db");
	struct closeout_count c = {
	    2000, "10x2", -1, -1, {"Ann Smith", "Bob \"B\" Jones"}, "a five is missing"};
	struct closeout_result rec, back;
	struct closeout_entry info;
	unsigned char head[LEDGER_HASH_LEN];
	char *cause = NULL, *a, *b;
	int64_t seq, gift, late, head_seq, reopen;
	uint32_t id;

	(void)state;
	assert_int_equal(ledger_walker_add(l, "Ana", NULL, NULL, NULL, NULL, "t", &id, &cause), 0);
	assert_int_equal(ledger_donate(l, 1, 2500, RULES_CASH, NULL, NULL, "t", &seq, &cause), 0);
	assert_int_equal(
	    ledger_donate(l, 1, 4050, RULES_CHECK, "1043", "Pat O'Neil", "t", &gift, &cause), 0);
	assert_int_equal(ledger_donate(l, 1, 900, RULES_CHECK, "9", "Gone", "t", &seq, &cause), 0);
	assert_int_equal(ledger_annul(l, seq, "typo", "t", RULES_COORDINATOR, NULL, NULL, &cause),
	                 0);
	assert_int_equal(ledger_donate(l, 1, 1000, RULES_OTHER, NULL, NULL, "t", &seq, &cause), 0);

	/* nothing to read back yet */
	assert_int_equal(closeout_load(l, 0, &back, &info, &cause), -1);
	assert_non_null(strstr(cause, "no close-out"));
	free(cause);
	cause = NULL;

	assert_int_equal(closeout_record(l, &c, "t", &rec, &cause), 0);
	assert_int_equal(ledger_head(l, &head_seq, head), 0);
	assert_int_equal(head_seq, rec.seq);
	assert_int_equal(closeout_load(l, 0, &back, &info, &cause), 0);
	assert_int_equal(back.seq, rec.seq);
	assert_memory_equal(info.hash, head, LEDGER_HASH_LEN);
	assert_int_equal(info.reopen_seq, 0);
	assert_true(info.wall_ms > 0);
	a = closeout_describe(&rec);
	b = closeout_describe(&back);
	assert_string_equal(a, b);
	free(b);
	closeout_result_free(&back);

	/* a gift annulled and another made after a reopen change nothing of it */
	assert_int_equal(closeout_reopen(l, "a late donor", "t", &reopen, &cause), 0);
	assert_int_equal(
	    ledger_annul(l, gift, "bounced", "t", RULES_COORDINATOR, NULL, NULL, &cause), 0);
	assert_int_equal(ledger_donate(l, 1, 700, RULES_CHECK, "5", "Late", "t", &late, &cause), 0);
	assert_int_equal(closeout_load(l, rec.seq, &back, &info, &cause), 0);
	assert_int_equal(info.reopen_seq, reopen);
	assert_int_equal(back.exp.closed, 0);
	b = closeout_describe(&back);
	assert_string_equal(a, b);
	free(b);
	free(a);
	closeout_result_free(&back);

	/* the last close-out in force is the newest */
	c.note = NULL;
	c.denominations = NULL;
	c.cash_cents = 2500;
	c.checks = -1;
	c.check_cents = -1;
	closeout_result_free(&rec);
	assert_int_equal(closeout_record(l, &c, "t", &rec, &cause), 0);
	assert_int_equal(closeout_load(l, 0, &back, &info, &cause), 0);
	assert_int_equal(back.seq, rec.seq);
	assert_int_equal(back.exp.nlist, 1);
	assert_int_equal(back.exp.list[0].seq, late);
	assert_string_equal(back.count.counter[1], "Bob \"B\" Jones");
	assert_null(back.count.note);
	assert_null(back.count.denominations);
	closeout_result_free(&back);

	/* an entry that is not a close-out */
	assert_int_equal(closeout_load(l, late, &back, &info, &cause), -1);
	assert_non_null(strstr(cause, "not a close-out"));
	free(cause);
	closeout_result_free(&rec);
	ledger_free(l);
}

static int
setup(void **state)
{
	const char *repo = getenv("REPO");

	(void)state;
	snprintf(assets, sizeof assets, "%s/assets", repo != NULL ? repo : ".");
	return tmpdir_make(dir);
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sheet_doc),
	    cmocka_unit_test(test_sheet_render),
	    cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
