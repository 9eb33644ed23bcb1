/* bench_print.c — time to lay pages out as PDF: a receipt on an 80 mm roll,
 * a badge, and a sheet of 30 badges (3x10 labels), each beside the floor of
 * any layout on the same paper (one line of text), alternately.  The first
 * call loads the fonts and is reported apart.  JSON lines on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layout.h"

#include "bench.h"

#define BENCH_N 200

/* The floor of a layout: one line of text on the same paper (the PDF surface,
 * the font, the page finished). */
static double
floor_ms(enum layout_paper paper, const char *assets)
{
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *pdf = NULL, *cause = NULL;
	size_t len = 0;
	double t0 = bench_now_ms();

	layout_doc_add(&d, LAYOUT_TEXT, "Walk Against Traffick", NULL);
	if (layout_render(&d, paper, assets, &pdf, &len, &cause) != 0)
		bench_die("floor", cause);
	layout_doc_free(&d);
	free(pdf);
	return bench_now_ms() - t0;
}

static void
report(const char *name, double *v, double *fl, size_t n, size_t bytes)
{
	char extra[200];

	snprintf(extra, sizeof extra,
	         ",\"n\":%zu,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"pdf_bytes\":%zu", n,
	         bench_pct(v, n, 0.99), bench_pct(v, n, 1.0), bytes);
	bench_pair(name, "median", bench_pct(v, n, 0.5),
	           "one line of text laid out on the same paper", bench_pct(fl, n, 0.5), 0, extra);
}

int
main(void)
{
	struct layout_receipt r = {"International Outreach Ministries",
	                           "64-0123456",
	                           "Walk Against Traffick",
	                           "Jackson, MS",
	                           "2026-05-02 10:03 CDT",
	                           "A-1042",
	                           "Zoë Ångström",
	                           42,
	                           "Pat O'Neil",
	                           12500,
	                           "check",
	                           "1234",
	                           "event T-shirt",
	                           1500,
	                           0,
	                           0};
	struct layout_badge badges[30];
	char codes[30][48], *pdf, *cause = NULL, assets[4096];
	const char *repo = getenv("REPO");
	double t[BENCH_N], fl[BENCH_N], t0, first;
	size_t len = 0, i;
	struct layout_doc d;

	snprintf(assets, sizeof assets, "%s/assets", repo != NULL ? repo : ".");
	for (i = 0; i < 30; i++) {
		snprintf(codes[i], sizeof codes[i], "W1-K7QF-%zu-8XJ2M4PQ9RTA", i + 1);
		badges[i] =
		    (struct layout_badge){"Maria Gonzalez-Hernández", (unsigned)i + 1, codes[i],
		                          "Walk Against Traffick",    "Team Hope",     0};
	}

	t0 = bench_now_ms();
	d = (struct layout_doc)LAYOUT_DOC_INIT;
	layout_receipt_doc(&r, &d);
	if (layout_render(&d, LAYOUT_ROLL80, assets, &pdf, &len, &cause) != 0)
		bench_die("receipt", cause);
	first = bench_now_ms() - t0;
	layout_doc_free(&d);
	free(pdf);
	printf("{\"bench\":\"layout_first_call_with_font_load\",\"ms\":%.3f}\n", first);

	for (i = 0; i < BENCH_N; i++) {
		fl[i] = floor_ms(LAYOUT_ROLL80, assets);
		t0 = bench_now_ms();
		d = (struct layout_doc)LAYOUT_DOC_INIT;
		layout_receipt_doc(&r, &d);
		if (layout_render(&d, LAYOUT_ROLL80, assets, &pdf, &len, &cause) != 0)
			bench_die("receipt", cause);
		layout_doc_free(&d);
		free(pdf);
		t[i] = bench_now_ms() - t0;
	}
	report("layout_receipt_80mm", t, fl, BENCH_N, len);

	for (i = 0; i < BENCH_N; i++) {
		fl[i] = floor_ms(LAYOUT_ROLL80, assets);
		t0 = bench_now_ms();
		if (layout_badge_pdf(&badges[0], LAYOUT_ROLL80, assets, &pdf, &len, &cause) != 0)
			bench_die("badge", cause);
		free(pdf);
		t[i] = bench_now_ms() - t0;
	}
	report("layout_badge_80mm", t, fl, BENCH_N, len);

	for (i = 0; i < BENCH_N / 4; i++) {
		fl[i] = floor_ms(LAYOUT_LETTER, assets);
		t0 = bench_now_ms();
		if (layout_badges_pdf(badges, 30, layout_sheet_find("3x10"), assets, &pdf, &len,
		                      &cause) != 0)
			bench_die("badges", cause);
		free(pdf);
		t[i] = bench_now_ms() - t0;
	}
	report("layout_30_badges_3x10_letter", t, fl, BENCH_N / 4, len);
	return 0;
}
