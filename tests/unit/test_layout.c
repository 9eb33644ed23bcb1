/* test_layout.c — receipt wording, and pages that render whatever the text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"

static char assets[4096];

static void
receipt_init(struct layout_receipt *r, int64_t cents, int premium)
{
	memset(r, 0, sizeof *r);
	r->org_name = "International Outreach Ministries";
	r->org_ein = "64-0000000";
	r->event = "Walk Against Traffick";
	r->city = "Jackson, MS";
	r->when = "2026-05-02 10:03 CDT";
	r->number = "A-42";
	r->walker = "Zoë Ångström";
	r->walker_id = 42;
	r->donor = "Pat O'Neil";
	r->cents = cents;
	r->method = "check";
	r->check_no = "1234";
	if (premium) {
		r->premium_desc = "event T-shirt";
		r->premium_cents = 1500;
	}
}

static char *
receipt_text(int64_t cents, int premium, int copy)
{
	struct layout_receipt r;
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *text;

	receipt_init(&r, cents, premium);
	r.copy = copy;
	layout_receipt_doc(&r, &d);
	text = layout_doc_text(&d);
	layout_doc_free(&d);
	return text;
}

static void
test_statement_thresholds(void **state)
{
	static const struct {
		int64_t cents;
		int premium, disclosed, ack;
	} cases[] = {
	    {2000, 0, 0, 0},   {2000, 1, 0, 0},   {7500, 1, 0, 0},  {7501, 0, 0, 0},
	    {7501, 1, 1, 0},   {24999, 1, 1, 0},  {25000, 0, 0, 1}, {25000, 1, 1, 1},
	    {100000, 1, 1, 1}, {100000, 0, 0, 1},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *t = receipt_text(cases[i].cents, cases[i].premium, 0);

		if (cases[i].disclosed) {
			assert_null(strstr(t, LAYOUT_NO_GOODS));
			assert_non_null(strstr(t, "limited to the excess over $15.00, the "
			                          "good-faith estimate of the value of the event "
			                          "T-shirt"));
		} else {
			assert_non_null(strstr(t, LAYOUT_NO_GOODS));
			assert_null(strstr(t, "limited to the excess"));
		}
		assert_int_equal(strstr(t, "written acknowledgment") != NULL, cases[i].ack);
		free(t);
	}
}

/* A sponsor's payment of pledges: the sponsor is the donor and received
 * nothing (the premium is the walker's), what went toward the pledges and
 * the gift beyond are said. */
static void
test_receipt_sponsor(void **state)
{
	struct layout_receipt r;
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *t;

	(void)state;
	receipt_init(&r, 30000, 1);
	r.donor = "Bob Sponsor";
	r.pledged_cents = 25000;
	layout_receipt_doc(&r, &d);
	t = layout_doc_text(&d);
	assert_non_null(strstr(t, "Received from: Bob Sponsor\n"));
	assert_non_null(strstr(t, "Toward pledges: $250.00\n"));
	assert_non_null(strstr(t, "Gift beyond the pledges: $50.00\n"));
	assert_non_null(strstr(t, LAYOUT_NO_GOODS));
	assert_null(strstr(t, "limited to the excess"));
	assert_non_null(strstr(t, "written acknowledgment"));
	free(t);
	layout_doc_free(&d);
}

static void
test_receipt_fields(void **state)
{
	char *t = receipt_text(12500, 0, 0), *c;

	assert_non_null(strstr(t, "International Outreach Ministries\n"));
	assert_non_null(strstr(t, "EIN 64-0000000\n"));
	assert_non_null(strstr(t, "Walk Against Traffick, Jackson, MS\n"));
	assert_non_null(strstr(t, "Receipt no.: A-42\n"));
	assert_non_null(strstr(t, "Date: 2026-05-02 10:03 CDT\n"));
	assert_non_null(strstr(t, "Received from: Pat O'Neil\n"));
	assert_non_null(strstr(t, "For walker: Zoë Ångström (#42)\n"));
	assert_non_null(strstr(t, "Amount: $125.00\n"));
	assert_non_null(strstr(t, "One hundred twenty-five dollars and 00/100"));
	assert_non_null(strstr(t, "Method: Check no. 1234\n"));
	assert_non_null(strstr(t, "[QR A-42]"));
	assert_null(strstr(t, "COPY"));
	c = receipt_text(12500, 0, 1);
	assert_non_null(strstr(c, "COPY\n"));
	free(c);
	free(t);
}

static void
test_receipt_cash_no_donor(void **state)
{
	struct layout_receipt r;
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *t;

	receipt_init(&r, 500, 1);
	r.donor = NULL;
	r.method = "cash";
	r.check_no = NULL;
	layout_receipt_doc(&r, &d);
	t = layout_doc_text(&d);
	assert_non_null(strstr(t, "Received from: Zoë Ångström\n"));
	assert_non_null(strstr(t, "Method: Cash\n"));
	free(t);
	layout_doc_free(&d);
}

static int
count(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;
	int k = 0;

	for (i = 0; i + n <= len; i++)
		k += memcmp(hay + i, needle, n) == 0;
	return k;
}

static void
test_render_rolls(void **state)
{
	static const struct {
		enum layout_paper paper;
		const char *width;
	} papers[] = {{LAYOUT_ROLL80, "[ 0 0 204.094"}, {LAYOUT_ROLL58, "[ 0 0 136.06"}};
	struct layout_receipt r;
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *pdf = NULL, *cause = NULL;
	size_t len, i;

	receipt_init(&r, 30000, 1);
	layout_receipt_doc(&r, &d);
	for (i = 0; i < 2; i++) {
		assert_int_equal(layout_render(&d, papers[i].paper, assets, &pdf, &len, &cause), 0);
		assert_true(len > 1000);
		assert_memory_equal(pdf, "%PDF-", 5);
		assert_int_equal(count(pdf, len, "/Type /Page %"), 1);
		assert_true(count(pdf, len, papers[i].width) >= 1);
		free(pdf);
	}
	assert_int_equal(layout_render(&d, LAYOUT_LETTER, assets, &pdf, &len, &cause), 0);
	assert_true(count(pdf, len, "[ 0 0 612 792 ]") >= 1);
	free(pdf);
	layout_doc_free(&d);
}

/* Names far too long, other scripts, broken UTF-8, controls: never a failure. */
static void
test_hostile_text(void **state)
{
	static const char *names[] = {
	    "Maximiliana Alexandrina Bartholomew-Featherstonehaugh de la Cruz y Montenegro",
	    "Supercalifragilisticexpialidociouslyextraordinarilylongnamewithoutspaces",
	    "山田 太郎",
	    "محمد عبد الله",
	    "Ελένη Παπαδοπούλου",
	    "\xff\xfe\xc3(\xe2\x82 bad",
	    "tab\there\nnewline\x01",
	    "",
	    "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
	};
	static const enum layout_paper papers[] = {LAYOUT_ROLL58, LAYOUT_ROLL80, LAYOUT_A4};
	struct layout_badge b;
	struct layout_receipt r;
	struct layout_doc d;
	char *pdf = NULL, *cause = NULL, *big;
	size_t len, i, j;

	big = malloc(5000);
	memset(big, 'W', 4999);
	big[4999] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0] + 1; i++) {
		const char *name = i < sizeof names / sizeof names[0] ? names[i] : big;

		for (j = 0; j < 3; j++) {
			memset(&b, 0, sizeof b);
			b.name = name;
			b.walker = 999999;
			b.code = "W1-K7QF-999999-8XJ2M4PQ9RTA";
			b.event = name;
			b.team = name;
			assert_int_equal(
			    layout_badge_pdf(&b, papers[j], assets, &pdf, &len, &cause), 0);
			free(pdf);
			d = (struct layout_doc)LAYOUT_DOC_INIT;
			receipt_init(&r, 1, 1);
			r.walker = r.donor = r.org_name = r.event = r.check_no = name;
			r.premium_desc = name;
			r.number = name; /* 5,000 characters: too long for a QR, skipped */
			layout_receipt_doc(&r, &d);
			assert_int_equal(layout_render(&d, papers[j], assets, &pdf, &len, &cause),
			                 0);
			free(pdf);
			layout_doc_free(&d);
		}
		if (layout_badges_pdf(&b, 1, layout_sheet_find("3x10"), assets, &pdf, &len,
		                      &cause) != 0)
			fail_msg("%zu: %s", i, cause);
		free(pdf);
	}
	free(big);
}

/* The progress the print screen shows: one call per badge laid out. */
static void
test_badges_progress_cb(size_t done, size_t n, void *arg)
{
	size_t *calls = arg;

	assert_int_equal(done, calls[0] + 1);
	calls[0] = done;
	calls[1] = n;
}

/* A batch of statements: each ends at a LAYOUT_CUT, a ticket of its own
 * on a roll, a page of its own on a sheet; progress told once each. */
static void
test_render_progress(void **state)
{
	static const enum layout_paper papers[] = {LAYOUT_ROLL80, LAYOUT_LETTER};
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *pdf = NULL, *cause = NULL, line[64];
	size_t len, i, calls[2];

	(void)state;
	for (i = 0; i < 5; i++) {
		if (i > 0)
			layout_doc_add(&d, LAYOUT_CUT, NULL, NULL);
		snprintf(line, sizeof line, "Statement %zu", i + 1);
		layout_doc_add(&d, LAYOUT_HEADING, line, NULL);
		layout_doc_add(&d, LAYOUT_QR, "S:T1:12:0:500:ABCDEF12", "small");
	}
	for (i = 0; i < 2; i++) {
		calls[0] = calls[1] = 0;
		assert_int_equal(layout_render_progress(&d, papers[i], assets,
		                                        test_badges_progress_cb, calls, &pdf, &len,
		                                        &cause),
		                 0);
		assert_int_equal(calls[0], 5);
		assert_int_equal(calls[1], 5);
		assert_int_equal(count(pdf, len, "/Type /Page %"), 5);
		/* each QR one small image, not a path of modules */
		assert_int_equal(count(pdf, len, "/Subtype /Image"), 5);
		free(pdf);
	}
	layout_doc_free(&d);
}

static void
test_badge_sheets(void **state)
{
	size_t calls[2] = {0, 0};
	struct layout_badge b[31];
	char *pdf = NULL, *cause = NULL, code[32];
	size_t len, i;
	const struct layout_sheet *s;

	for (i = 0; i < 31; i++) {
		b[i] = (struct layout_badge){"Maria Gonzalez", (uint32_t)i + 1, code,
		                             "W.A.T. 2026",    "Team Hope",     0};
	}
	snprintf(code, sizeof code, "W1-K7QF-1-8XJ2M4PQ9RTA");
	assert_int_equal(
	    layout_badges_pdf(b, 30, layout_sheet_find("3x10"), assets, &pdf, &len, &cause), 0);
	assert_int_equal(count(pdf, len, "/Type /Page %"), 1);
	free(pdf);
	assert_int_equal(
	    layout_badges_pdf(b, 31, layout_sheet_find("3x10"), assets, &pdf, &len, &cause), 0);
	assert_int_equal(count(pdf, len, "/Type /Page %"), 2);
	free(pdf);
	assert_int_equal(layout_badges_pdf_progress(b, 31, layout_sheet_find("3x10"), LAYOUT_ROLL80,
	                                            assets, test_badges_progress_cb, calls, &pdf,
	                                            &len, &cause),
	                 0);
	assert_int_equal(calls[0], 31);
	assert_int_equal(calls[1], 31);
	free(pdf);
	/* one per roll ticket: 31 pages, each a badge; REPRINT on the marked one */
	b[0].reprint = 1;
	assert_int_equal(layout_badges_pdf_progress(b, 31, NULL, LAYOUT_ROLL58, assets, NULL, NULL,
	                                            &pdf, &len, &cause),
	                 0);
	assert_int_equal(count(pdf, len, "/Type /Page %"), 31);
	free(pdf);
	{
		struct layout_doc d = LAYOUT_DOC_INIT;
		char *t;
		layout_badge_doc(&b[0], &d);
		t = layout_doc_text(&d);
		assert_true(strncmp(t, "REPRINT\n", 8) == 0);
		free(t);
		layout_doc_free(&d);
	}
	b[0].reprint = 0;
	for (i = 0; (s = layout_sheet_get(i)) != NULL; i++) {
		assert_ptr_equal(layout_sheet_find(s->name), s);
		/* every label inside the page */
		assert_true(s->left + s->cols * s->width + (s->cols - 1) * s->hgap <=
		            (s->paper == LAYOUT_A4 ? 595.28 : 612));
		assert_true(s->top + s->rows * s->height + (s->rows - 1) * s->vgap <=
		            (s->paper == LAYOUT_A4 ? 841.9 : 792));
		assert_int_equal(layout_badges_pdf(b, 3, s, assets, &pdf, &len, &cause), 0);
		free(pdf);
	}
	assert_ptr_equal(layout_sheet_find(NULL), layout_sheet_get(0));
	assert_null(layout_sheet_find("9x9"));
}

static void
test_generic_sheet(void **state)
{
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *pdf = NULL, *cause = NULL;
	size_t len, i;

	layout_doc_add(&d, LAYOUT_TITLE, "Close-out", NULL);
	layout_doc_add(&d, LAYOUT_PAIR, "Cash counted", "$1,234.00");
	layout_doc_add(&d, LAYOUT_TABLE, "Check\tPayer\tAmount", "h");
	for (i = 0; i < 120; i++)
		layout_doc_addf(&d, LAYOUT_TABLE, "%zu\tPayer %zu\t$%zu.00", 1000 + i, i, i);
	layout_doc_add(&d, LAYOUT_SIGN, "Counted by", NULL);
	layout_doc_add(&d, LAYOUT_SIGN, "Witness", NULL);
	layout_doc_add(&d, LAYOUT_BREAK, NULL, NULL);
	layout_doc_add(&d, LAYOUT_TEXT, "Last page", NULL);
	assert_int_equal(layout_render(&d, LAYOUT_LETTER, assets, &pdf, &len, &cause), 0);
	assert_true(count(pdf, len, "/Type /Page %") >= 3);
	free(pdf);
	assert_int_equal(layout_render(&d, LAYOUT_ROLL80, assets, &pdf, &len, &cause), 0);
	assert_int_equal(count(pdf, len, "/Type /Page %"), 1);
	free(pdf);
	/* a cut is a new page on the roll too (one badge per ticket) */
	layout_doc_add(&d, LAYOUT_CUT, NULL, NULL);
	layout_doc_add(&d, LAYOUT_TEXT, "Next ticket", NULL);
	assert_int_equal(layout_render(&d, LAYOUT_ROLL80, assets, &pdf, &len, &cause), 0);
	assert_int_equal(count(pdf, len, "/Type /Page %"), 2);
	free(pdf);
	layout_doc_free(&d);
}

static void
test_slip(void **state)
{
	struct layout_slip s = {"Ana", 7,     "W.A.T.", "2026-05-02 15:00", 12, 4800000000 /* µm */,
	                        12345, 800000};
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *t;

	layout_slip_doc(&s, &d);
	t = layout_doc_text(&d);
	assert_non_null(strstr(t, "Laps: 12\n"));
	assert_non_null(strstr(t, "Distance: 4.80 km (2.98 mi)\n"));
	assert_non_null(strstr(t, "Raised: $123.45\n"));
	free(t);
	layout_doc_free(&d);
}

static void
test_paper_and_errors(void **state)
{
	enum layout_paper p;
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *pdf = NULL, *cause = NULL;
	size_t len;

	assert_int_equal(layout_paper_parse("80MM", &p), 0);
	assert_int_equal(p, LAYOUT_ROLL80);
	assert_int_equal(layout_paper_parse("A4", &p), 0);
	assert_int_equal(p, LAYOUT_A4);
	assert_int_equal(layout_paper_parse("legal", &p), -1);
	assert_string_equal(layout_paper_name(LAYOUT_ROLL58), "58mm");
	layout_doc_add(&d, LAYOUT_TEXT, "x", NULL);
	assert_int_equal(layout_render(&d, LAYOUT_ROLL80, "/nonexistent", &pdf, &len, &cause), -1);
	assert_non_null(strstr(cause, "font"));
	free(cause);
	layout_doc_free(&d);
}

/* A training page: TRAINING and its words at the head and the foot, the page
 * itself in between, in order. */
static void
test_training_marks(void **state)
{
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *t;

	(void)state;
	layout_doc_add(&d, LAYOUT_TITLE, "Receipt", NULL);
	layout_doc_add(&d, LAYOUT_TEXT, "Thank you.", NULL);
	layout_doc_training(&d, LAYOUT_NOT_RECEIPT);
	assert_int_equal(d.n, 8);
	assert_int_equal(d.blocks[0].kind, LAYOUT_BANNER);
	assert_string_equal(d.blocks[0].text, "TRAINING");
	assert_string_equal(d.blocks[1].text, "TRAINING \xe2\x80\x94 NOT A RECEIPT");
	assert_string_equal(d.blocks[3].text, "Receipt");
	assert_string_equal(d.blocks[4].text, "Thank you.");
	assert_string_equal(d.blocks[6].text, "TRAINING \xe2\x80\x94 NOT A RECEIPT");
	assert_int_equal(d.blocks[7].kind, LAYOUT_BANNER);
	t = layout_doc_text(&d);
	assert_non_null(strstr(t, "NOT A RECEIPT"));
	free(t);
	layout_doc_free(&d);
	/* a badge: the banner alone */
	layout_doc_add(&d, LAYOUT_BIG, "Tess", NULL);
	layout_doc_training(&d, NULL);
	assert_int_equal(d.n, 5);
	assert_string_equal(d.blocks[2].text, "Tess");
	layout_doc_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_statement_thresholds),  cmocka_unit_test(test_receipt_fields),
	    cmocka_unit_test(test_receipt_cash_no_donor), cmocka_unit_test(test_render_rolls),
	    cmocka_unit_test(test_hostile_text),          cmocka_unit_test(test_badge_sheets),
	    cmocka_unit_test(test_generic_sheet),         cmocka_unit_test(test_slip),
	    cmocka_unit_test(test_training_marks),        cmocka_unit_test(test_paper_and_errors),
	    cmocka_unit_test(test_render_progress),       cmocka_unit_test(test_receipt_sponsor),
	};
	const char *repo = getenv("REPO");

	snprintf(assets, sizeof assets, "%s/assets", repo != NULL ? repo : ".");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
