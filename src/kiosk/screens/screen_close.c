/* screen_close.c — coordinator: the day's close-out, a blind count (the
 * cash and the checks are counted before what the station expects is shown,
 * as pretixPOS does; then two counters, expected vs counted, over/short, a
 * note when they differ, confirm; the sheet for the envelope; reopen with a
 * reason) and the export of the signed
 * bundle to a USB stick, with the station's public key as a QR code. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "closeout.h"
#include "kiosk_export.h"
#include "kiosk_print.h"
#include "kiosk_loop.h"
#include "screens.h"
#include "text.h"
#include "util.h"

#define SCREEN_CASH_MAX 100000000 /* $1,000,000.00, as closeout.c */

enum {
	CLOSE_LOOK,
	CLOSE_CASH,
	CLOSE_DENOM,
	CLOSE_CHECK_N,
	CLOSE_CHECK_TOTAL,
	CLOSE_NAME1,
	CLOSE_NAME2,
	CLOSE_REVIEW,
	CLOSE_NOTE,
	CLOSE_DONE,
	CLOSE_REOPEN,
};

/* Bills and coins, in cents (as closeout_denominations takes them). */
static const int64_t screen_pieces[12] = {10000, 5000, 2000, 1000, 500, 200, 100, 50, 25, 10, 5, 1};
static_assert(nitems(screen_pieces) == nitems(((struct screen_close_state *)0)->denom),
              "a count per bill or coin");

static void
screen_close_info(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_CLOSE_INFO;
	kiosk_post(k, &q);
}

static void
screen_close_step(struct kiosk *k, int step)
{
	k->close.step = step;
	k->msg[0] = '\0';
	ui_invalidate(k->ui);
}

static void
screen_close_enter(struct kiosk *k)
{
	k->close.step = CLOSE_LOOK;
	k->close.denominations[0] = k->close.counter[0][0] = k->close.counter[1][0] =
	    k->close.checks[0] = k->close.check_total[0] = k->close.note[0] = '\0';
	k->close.cash[0] = k->close.denom_typed[0] = '\0';
	k->close.cash_cents = 0;
	k->close.checks_as_listed = 0; /* a blind count: the checks are counted too */
	memset(k->close.denom, 0, sizeof k->close.denom);
	k->close.denom_sel = -1;
	screen_close_info(k);
}

/* An amount that may be zero. */
static int
screen_close_amount(const char *text, int64_t *cents, char **cause)
{
	const char *p = text;

	while (*p == ' ' || *p == '$')
		p++;
	if (*p == '0' && strspn(p, "0.") == strlen(p)) {
		*cents = 0;
		return 0;
	}
	return amount_parse(text, SCREEN_CASH_MAX, cents, cause);
}

static int64_t
screen_close_checks(struct kiosk *k, int64_t *cents)
{
	const struct kiosk_close *e = &k->close.figures->close;
	char *cause = NULL;

	*cents = e->check_cents;
	if (k->close.checks_as_listed)
		return e->checks;
	if (screen_close_amount(k->close.check_total, cents, &cause) != 0)
		*cents = 0;
	free(cause);
	return strtoll(k->close.checks, NULL, 10);
}

/* 1 when the count differs from what the station expects. */
static int
screen_close_differs(struct kiosk *k)
{
	const struct kiosk_close *e = &k->close.figures->close;
	int64_t checks, cents;

	checks = screen_close_checks(k, &cents);
	return k->close.cash_cents != e->cash_cents || cents != e->check_cents ||
	       checks != e->checks;
}

/* 1 when the second counter's name is the first one's (case, accents and
 * spaces aside), as closeout_record would refuse it at the end. */
static int
screen_close_same(struct kiosk *k)
{
	char *a = text_fold(k->close.counter[0]), *b = text_fold(k->close.counter[1]);
	int same = strcmp(text_trim(a), text_trim(b)) == 0;

	free(a);
	free(b);
	return same;
}

static void
screen_close_pair(struct kiosk *k, struct ui_rect r, const char *key, const char *value,
                  enum ui_color c)
{
	struct ui *u = k->ui;

	ui_text(u, (struct ui_rect){r.x, r.y, r.w * 60 / 100, r.h}, key, k->style.font.body, 0,
	        UI_FG, UI_LEFT);
	ui_text(u, (struct ui_rect){r.x + r.w * 60 / 100, r.y, r.w * 40 / 100, r.h}, value,
	        k->style.font.body, 1, c, UI_RIGHT);
}

/* What the envelope should hold, and the receipts never printed. */
static int
screen_close_expected(struct kiosk *k, struct ui_rect r)
{
	struct ui *u = k->ui;
	const struct kiosk_close *e = &k->close.figures->close;
	int lh = k->style.line_s, y = r.y;
	char m[48], key[64], line[400];
	size_t used = 0;

	ui_text(u, (struct ui_rect){r.x, y, r.w, lh}, "Expected in the envelope",
	        k->style.font.text, 1, UI_FG, UI_LEFT);
	y += lh;
	screen_close_pair(k, (struct ui_rect){r.x, y, r.w, lh}, "Cash",
	                  kiosk_money(e->cash_cents, m, sizeof m), UI_FG);
	y += lh;
	snprintf(key, sizeof key, "Checks (%lld)", (long long)e->checks);
	screen_close_pair(k, (struct ui_rect){r.x, y, r.w, lh}, key,
	                  kiosk_money(e->check_cents, m, sizeof m), UI_FG);
	y += lh;
	screen_close_pair(k, (struct ui_rect){r.x, y, r.w, lh}, "Other (not in the envelope)",
	                  kiosk_money(e->other_cents, m, sizeof m), UI_DIM);
	y += lh + k->style.gap_s;
	used = (size_t)snprintf(
	    line, sizeof line, "Receipts: %lld printed, %lld saved as PDF only, %zu not made",
	    (long long)e->receipts_printed, (long long)e->receipts_pdf, e->nunprinted);
	if (e->nunprinted > 0) {
		used += (size_t)snprintf(line + used, sizeof line - used, " (entry");
		for (size_t i = 0; i < e->nunprinted && i < KIOSK_UNPRINTED_MAX && used < 300; i++)
			used += (size_t)snprintf(line + used, sizeof line - used, "%s #%lld",
			                         i ? "," : "", (long long)e->unprinted[i]);
		snprintf(line + used, sizeof line - used, "%s)",
		         e->nunprinted > KIOSK_UNPRINTED_MAX ? " \xe2\x80\xa6" : "");
	}
	y += ui_text_wrap(u, (struct ui_rect){r.x, y, r.w, 2 * lh}, line, k->style.font.small, 0,
	                  e->nunprinted ? UI_BAD : UI_DIM, UI_LEFT);
	return y;
}

static void
screen_close_look(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), left, right;
	int gap = k->style.margin, rh = k->style.row_l, lh = k->style.line_s, y;
	const struct kiosk_close *e;
	char line[200];

	if (kiosk_header(k, "Close-out", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	left = (struct ui_rect){body.x, body.y, body.w * 55 / 100, body.h};
	right =
	    (struct ui_rect){left.x + left.w + 2 * gap, body.y, body.w - left.w - 2 * gap, body.h};
	if (ui_width(u) < ui_height(u)) { /* portrait: the four buttons under the figures */
		int bh = 4 * rh + 3 * gap;
		right = (struct ui_rect){body.x, body.y + body.h - bh, body.w, bh};
		left = (struct ui_rect){body.x, body.y, body.w, body.h - bh - 2 * gap};
	}
	if (k->close.figures == NULL) {
		kiosk_draw_message(k, (struct ui_rect){left.x, left.y, left.w, lh});
		return;
	}
	e = &k->close.figures->close;
	if (e->closed) {
		y = screen_close_expected(k, left);
	} else {
		/* a blind count: nothing the ledger expects before the money is counted */
		y = left.y;
		ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, "Count first",
		        k->style.font.text, 1, UI_FG, UI_LEFT);
		y += lh;
		y += ui_text_wrap(u, (struct ui_rect){left.x, y, left.w, 4 * lh},
		                  "Two people count the cash and the checks in hand. What the "
		                  "station expects is shown after the count, with over or short.",
		                  k->style.font.body, 0, UI_FG, UI_LEFT);
	}
	kiosk_draw_message(k, (struct ui_rect){left.x, y + gap, left.w, left.y + left.h - y - gap});
	y = right.y;
	if (e->closed) {
		snprintf(line, sizeof line, "Closed out (entry #%lld)", (long long)e->closed_seq);
		ui_text(u, (struct ui_rect){right.x, y, right.w, rh}, line, k->style.font.label, 1,
		        UI_OK, UI_LEFT);
		y += rh + gap;
		if (ui_button(u, (struct ui_rect){right.x, y, right.w, rh}, "Print close-out sheet",
		              k->style.primary, k->style.font.text) &&
		    !k->waiting)
			kiosk_print_start(k, KIOSK_OP_SHEET_PDF, 0, 0, "", SCREEN_CLOSE);
		y += rh + gap;
		if (ui_button(u, (struct ui_rect){right.x, y, right.w, rh}, "Reopen",
		              k->style.quiet, k->style.font.text) &&
		    !k->waiting) {
			k->close.note[0] = '\0';
			screen_close_step(k, CLOSE_REOPEN);
		}
	} else {
		if (ui_button(u, (struct ui_rect){right.x, y, right.w, rh}, "Count the cash",
		              k->style.primary, k->style.font.text) &&
		    !k->waiting)
			screen_close_step(k, CLOSE_CASH);
		y += rh + gap;
		if (ui_button(u, (struct ui_rect){right.x, y, right.w, rh},
		              "Count by bill and coin", k->style.primary, k->style.font.text) &&
		    !k->waiting)
			screen_close_step(k, CLOSE_DENOM);
		y += rh + gap;
	}
	/* the sponsors' statements still owed, to hand out or mail with the envelope */
	if (ui_button(u, (struct ui_rect){right.x, y, right.w, rh}, "Print statements still owed",
	              k->style.quiet, k->style.font.text) &&
	    !k->waiting)
		kiosk_print_start(k, KIOSK_OP_STATEMENTS_PDF, 0, 0, "", SCREEN_CLOSE);
	y += rh + gap;
	if (ui_button(u, (struct ui_rect){right.x, y, right.w, rh}, "Export to USB stick",
	              k->style.quiet, k->style.font.text) &&
	    !k->waiting)
		kiosk_go(k, SCREEN_EXPORT);
}

static void
screen_close_denom_store(struct kiosk *k)
{
	assert(k->close.denom_sel < (int)nitems(k->close.denom));
	if (k->close.denom_sel >= 0)
		k->close.denom[k->close.denom_sel] = strtoll(k->close.denom_typed, NULL, 10);
}

/* Bill by bill: a tile per bill or coin, the keypad types the count of the one chosen. */
static void
screen_close_denom(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), left, right, grid;
	int gap = k->style.gap_s, lh = k->style.line;
	int64_t total = 0;
	char label[64], m[48], line[96], den[KIOSK_TEXT_MAX];
	size_t n = 0;

	if (kiosk_header(k, "Count by bill and coin", "Back")) {
		screen_close_step(k, CLOSE_LOOK);
		return;
	}
	left = kiosk_col(body, 0, 2, 2 * gap);
	right = kiosk_col(body, 1, 2, 2 * gap);
	screen_close_denom_store(k);
	for (int i = 0; i < 12; i++)
		total += screen_pieces[i] * k->close.denom[i];
	snprintf(line, sizeof line, "Total: %s", kiosk_money(total, m, sizeof m));
	ui_text(u, (struct ui_rect){left.x, left.y, left.w, lh}, line, k->style.font.title, 1,
	        UI_FG, UI_LEFT);
	grid = (struct ui_rect){left.x, left.y + lh + gap, left.w, left.h - 2 * lh - 2 * gap};
	for (int i = 0; i < 12; i++) {
		struct ui_rect c = kiosk_col(kiosk_row(grid, i / 3, 4, gap), i % 3, 3, gap);
		if (screen_pieces[i] >= 100)
			snprintf(label, sizeof label, "$%lld \xc3\x97 %lld",
			         (long long)(screen_pieces[i] / 100), (long long)k->close.denom[i]);
		else
			snprintf(label, sizeof label, "%lld\xc2\xa2 \xc3\x97 %lld",
			         (long long)screen_pieces[i], (long long)k->close.denom[i]);
		if (ui_button(u, c, label, i == k->close.denom_sel ? UI_ACCENT : UI_PANEL,
		              k->style.font.small)) {
			screen_close_denom_store(k);
			k->close.denom_sel = i;
			if (k->close.denom[i] > 0)
				snprintf(k->close.denom_typed, sizeof k->close.denom_typed, "%lld",
				         (long long)k->close.denom[i]);
			else
				k->close.denom_typed[0] = '\0';
		}
	}
	kiosk_draw_message(k, (struct ui_rect){left.x, left.y + left.h - lh, left.w, lh});
	if (k->close.denom_sel < 0) {
		ui_text_wrap(u, right, "Tap a bill or coin, then type how many there are.",
		             k->style.font.text, 1, UI_FG, UI_LEFT);
		return;
	}
	kiosk_field(k, (struct ui_rect){right.x, right.y, right.w, lh + gap}, k->close.denom_typed,
	            KIOSK_KB_DIGITS, "How many?");
	if (!kiosk_keyboard(
	        k,
	        (struct ui_rect){right.x, right.y + lh + 2 * gap, right.w, right.h - lh - 2 * gap},
	        k->close.denom_typed, 7, KIOSK_KB_DIGITS, "Next"))
		return;
	screen_close_denom_store(k);
	for (int i = 0; i < 12; i++) {
		if (k->close.denom[i] <= 0)
			continue;
		amount_format_plain(screen_pieces[i], m, sizeof m);
		n += (size_t)snprintf(den + n, sizeof den - n, "%s%sx%lld", n ? "," : "", m,
		                      (long long)k->close.denom[i]);
	}
	if (n == 0) {
		kiosk_message(k, UI_BAD, "Nothing counted yet: tap a bill or coin first.");
		return;
	}
	snprintf(k->close.denominations, sizeof k->close.denominations, "%s", den);
	k->close.cash_cents = total;
	screen_close_step(k, CLOSE_CHECK_N);
}

static void
screen_close_review(struct kiosk *k)
{
	struct ui *u = k->ui;
	const struct kiosk_close *e = &k->close.figures->close;
	struct ui_rect body = kiosk_body(k), row, c;
	int gap = k->style.gap, lh = k->style.line_s, btn = k->style.row_l, y = body.y;
	int64_t checks, check_cents, cash_d, check_d;
	char m1[48], m2[48], d[64], line[1100];
	size_t n;
	int differs;

	if (kiosk_header(k, "Close-out: check and confirm", "Back")) {
		screen_close_step(k, CLOSE_NAME2);
		return;
	}
	checks = screen_close_checks(k, &check_cents);
	cash_d = k->close.cash_cents - e->cash_cents;
	check_d = check_cents - e->check_cents;
	differs = cash_d != 0 || check_d != 0 || checks != e->checks;
	row = (struct ui_rect){body.x, y, body.w, lh};
	ui_text(u, kiosk_col(row, 1, 4, gap), "Expected", k->style.font.small, 1, UI_DIM, UI_RIGHT);
	ui_text(u, kiosk_col(row, 2, 4, gap), "Counted", k->style.font.small, 1, UI_DIM, UI_RIGHT);
	ui_text(u, kiosk_col(row, 3, 4, gap), "Over/short", k->style.font.small, 1, UI_DIM,
	        UI_RIGHT);
	row.y += lh;
	ui_text(u, kiosk_col(row, 0, 4, gap), "Cash", k->style.font.text, 1, UI_FG, UI_LEFT);
	ui_text(u, kiosk_col(row, 1, 4, gap), kiosk_money(e->cash_cents, m1, sizeof m1),
	        k->style.font.text, 0, UI_FG, UI_RIGHT);
	ui_text(u, kiosk_col(row, 2, 4, gap), kiosk_money(k->close.cash_cents, m2, sizeof m2),
	        k->style.font.text, 0, UI_FG, UI_RIGHT);
	ui_text(u, kiosk_col(row, 3, 4, gap), closeout_os_text(cash_d, d, sizeof d),
	        k->style.font.text, 1, cash_d ? UI_BAD : UI_OK, UI_RIGHT);
	row.y += lh;
	snprintf(line, sizeof line, "Checks (%lld)", (long long)checks);
	ui_text(u, kiosk_col(row, 0, 4, gap), line, k->style.font.text, 1, UI_FG, UI_LEFT);
	snprintf(line, sizeof line, "%lld: %s", (long long)e->checks,
	         kiosk_money(e->check_cents, m1, sizeof m1));
	ui_text(u, kiosk_col(row, 1, 4, gap), line, k->style.font.text, 0, UI_FG, UI_RIGHT);
	snprintf(line, sizeof line, "%lld: %s", (long long)checks,
	         kiosk_money(check_cents, m2, sizeof m2));
	ui_text(u, kiosk_col(row, 2, 4, gap), line, k->style.font.text, 0, UI_FG, UI_RIGHT);
	ui_text(u, kiosk_col(row, 3, 4, gap), closeout_os_text(check_d, d, sizeof d),
	        k->style.font.text, 1, check_d || checks != e->checks ? UI_BAD : UI_OK, UI_RIGHT);
	y = row.y + lh + gap;
	n = (size_t)snprintf(line, sizeof line, "Counted by %s and %s%s", k->close.counter[0],
	                     k->close.counter[1], k->close.denominations[0] ? ": " : "");
	for (int i = 0, first = 1; k->close.denominations[0] && i < 12 && n < 900; i++) {
		if (k->close.denom[i] <= 0)
			continue;
		if (screen_pieces[i] >= 100)
			n += (size_t)snprintf(
			    line + n, sizeof line - n, "%s$%lld \xc3\x97 %lld", first ? "" : ", ",
			    (long long)(screen_pieces[i] / 100), (long long)k->close.denom[i]);
		else
			n += (size_t)snprintf(line + n, sizeof line - n,
			                      "%s%lld\xc2\xa2 \xc3\x97 %lld", first ? "" : ", ",
			                      (long long)screen_pieces[i],
			                      (long long)k->close.denom[i]);
		first = 0;
	}
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.body, 0, UI_FG,
	        UI_LEFT);
	y += lh;
	snprintf(line, sizeof line, "Receipts: %lld printed, %lld saved as PDF only, %zu not made",
	         (long long)e->receipts_printed, (long long)e->receipts_pdf, e->nunprinted);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.body, 0,
	        e->nunprinted ? UI_BAD : UI_DIM, UI_LEFT);
	y += lh;
	if (k->close.note[0] != '\0') {
		snprintf(line, sizeof line, "Note: %s", k->close.note);
		ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.body, 0,
		        UI_FG, UI_LEFT);
	} else if (differs) {
		ui_text(u, (struct ui_rect){body.x, y, body.w, lh},
		        "The count differs: write the reason in a note. Over/short is recorded, "
		        "never fixed.",
		        k->style.font.body, 1, UI_BAD, UI_LEFT);
	}
	y += lh;
	kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, body.y + body.h - btn - gap - y});
	row = (struct ui_rect){body.x, body.y + body.h - btn, body.w, btn};
	if (ui_button(u, kiosk_col(row, 0, 3, gap), "Count again", k->style.quiet,
	              k->style.font.text) &&
	    !k->waiting)
		screen_close_step(k, CLOSE_LOOK);
	c = kiosk_col(row, 1, 3, gap);
	if (ui_button(u, c, k->close.note[0] ? "Change the note" : "Write a note", k->style.primary,
	              k->style.font.text) &&
	    !k->waiting)
		screen_close_step(k, CLOSE_NOTE);
	if (ui_button(u, kiosk_col(row, 2, 3, gap), "Confirm close-out", k->style.done,
	              k->style.font.text) &&
	    !k->waiting) {
		struct kiosk_req q;
		if (differs && k->close.note[0] == '\0') {
			/* the reason is required: ask for it rather than refuse */
			screen_close_step(k, CLOSE_NOTE);
			return;
		}
		memset(&q, 0, sizeof q);
		q.op = KIOSK_OP_CLOSE;
		q.close.cash_cents = k->close.cash_cents;
		snprintf(q.close.denominations, sizeof q.close.denominations, "%s",
		         k->close.denominations);
		q.close.checks = k->close.checks_as_listed ? -1 : checks;
		q.close.check_cents = k->close.checks_as_listed ? -1 : check_cents;
		snprintf(q.close.counter[0], sizeof q.close.counter[0], "%s", k->close.counter[0]);
		snprintf(q.close.counter[1], sizeof q.close.counter[1], "%s", k->close.counter[1]);
		snprintf(q.close.note, sizeof q.close.note, "%s", k->close.note);
		kiosk_post(k, &q);
	}
}

static void
screen_close_done(struct kiosk *k)
{
	struct ui *u = k->ui;
	const struct kiosk_close *e = &k->close.figures->close;
	struct ui_rect all = {0, 0, ui_width(u), ui_height(u)}, row;
	int m = k->style.margin_l, H = all.h, gap = k->style.margin;
	char d1[64], d2[64], line[256];

	ui_fill(u, all, UI_OK);
	snprintf(line, sizeof line, "Closed out (entry #%lld)", (long long)e->seq);
	ui_text(u, (struct ui_rect){m, H * 6 / 100, all.w - 2 * m, H * 16 / 100}, line,
	        k->style.font.figure, 1, UI_WHITE, UI_CENTER);
	snprintf(line, sizeof line, "Cash %s  \xc2\xb7  Checks %s",
	         closeout_os_text(e->cash_over_short, d1, sizeof d1),
	         closeout_os_text(e->check_over_short, d2, sizeof d2));
	ui_text(u, (struct ui_rect){m, H * 26 / 100, all.w - 2 * m, H * 12 / 100}, line,
	        k->style.font.big, 1, UI_WHITE, UI_CENTER);
	ui_text_wrap(u, (struct ui_rect){m, H * 42 / 100, all.w - 2 * m, H * 20 / 100},
	             "Print the close-out sheet, both sign it, and put it in the envelope with "
	             "the money. Then export the bundle to a USB stick.",
	             k->style.font.text, 0, UI_WHITE, UI_CENTER);
	row = (struct ui_rect){m, H * 70 / 100, all.w - 2 * m, k->style.button_l};
	if (ui_button(u, kiosk_col(row, 0, 3, gap), "Print close-out sheet", UI_WHITE,
	              k->style.font.text))
		kiosk_print_start(k, KIOSK_OP_SHEET_PDF, 0, 0, "", SCREEN_CLOSE);
	if (ui_button(u, kiosk_col(row, 1, 3, gap), "Export to USB stick", UI_WHITE,
	              k->style.font.text))
		kiosk_go(k, SCREEN_EXPORT);
	if (ui_button(u, kiosk_col(row, 2, 3, gap), "Done", UI_WHITE, k->style.font.text))
		kiosk_go(k, SCREEN_COORD);
}

static void
screen_close_draw(struct kiosk *k)
{
	const char *title = "Close-out";
	enum kiosk_ask_result r;
	char *cause = NULL;
	int64_t v;

	if (k->close.figures == NULL && k->close.step != CLOSE_LOOK)
		k->close.step = CLOSE_LOOK;
	switch (k->close.step) {
	case CLOSE_LOOK: screen_close_look(k); break;
	case CLOSE_CASH:
		r = kiosk_ask(k, title, "Cash counted: the total in dollars", k->close.cash,
		              sizeof k->close.cash, KIOSK_KB_AMOUNT, 0);
		if (r == KIOSK_ASK_BACK) {
			screen_close_step(k, CLOSE_LOOK);
		} else if (r == KIOSK_ASK_DONE) {
			if (screen_close_amount(k->close.cash, &k->close.cash_cents, &cause) != 0) {
				kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
				free(cause);
			} else {
				k->close.denominations[0] = '\0'; /* a total, not bill by bill */
				screen_close_step(k, CLOSE_CHECK_N);
			}
		}
		break;
	case CLOSE_DENOM: screen_close_denom(k); break;
	case CLOSE_CHECK_N:
		r = kiosk_ask(k, title, "How many checks are in hand? (0: none)", k->close.checks,
		              8, KIOSK_KB_DIGITS, 0);
		if (r == KIOSK_ASK_BACK) {
			screen_close_step(k, k->close.denominations[0] != '\0' ? CLOSE_DENOM
			                                                       : CLOSE_CASH);
		} else if (r == KIOSK_ASK_DONE && strtoll(k->close.checks, NULL, 10) == 0) {
			snprintf(k->close.check_total, sizeof k->close.check_total, "0");
			screen_close_step(k, CLOSE_NAME1);
		} else if (r == KIOSK_ASK_DONE) {
			screen_close_step(k, CLOSE_CHECK_TOTAL);
		}
		break;
	case CLOSE_CHECK_TOTAL:
		r = kiosk_ask(k, title, "The checks' total in dollars", k->close.check_total,
		              sizeof k->close.check_total, KIOSK_KB_AMOUNT, 0);
		if (r == KIOSK_ASK_BACK) {
			screen_close_step(k, CLOSE_CHECK_N);
		} else if (r == KIOSK_ASK_DONE) {
			if (screen_close_amount(k->close.check_total, &v, &cause) != 0) {
				kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
				free(cause);
			} else {
				screen_close_step(k, CLOSE_NAME1);
			}
		}
		break;
	case CLOSE_NAME1:
		r = kiosk_ask(k, title, "First person counting: their name", k->close.counter[0],
		              sizeof k->close.counter[0], KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK)
			screen_close_step(k, CLOSE_CHECK_N);
		else if (r == KIOSK_ASK_DONE)
			screen_close_step(k, CLOSE_NAME2);
		break;
	case CLOSE_NAME2:
		r = kiosk_ask(k, title, "Second person counting: their name", k->close.counter[1],
		              sizeof k->close.counter[1], KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK)
			screen_close_step(k, CLOSE_NAME1);
		else if (r == KIOSK_ASK_DONE && screen_close_same(k))
			kiosk_message(
			    k, UI_BAD,
			    "%s is counting already: the second counter is another person.",
			    k->close.counter[0]);
		else if (r == KIOSK_ASK_DONE)
			screen_close_step(k, CLOSE_REVIEW);
		break;
	case CLOSE_REVIEW: screen_close_review(k); break;
	case CLOSE_NOTE:
		/* required when the count differs: no "Skip" then */
		r = kiosk_ask(k, title, "Why does the count differ? (recorded with the close-out)",
		              k->close.note, sizeof k->close.note, KIOSK_KB_TEXT,
		              !screen_close_differs(k));
		if (r != KIOSK_ASK_NONE)
			screen_close_step(k, CLOSE_REVIEW);
		break;
	case CLOSE_DONE: screen_close_done(k); break;
	case CLOSE_REOPEN:
		r = kiosk_ask(k, "Reopen the station", "Why reopen? (e.g. a late donation)",
		              k->close.note, sizeof k->close.note, KIOSK_KB_TEXT, 0);
		if (r == KIOSK_ASK_BACK) {
			screen_close_step(k, CLOSE_LOOK);
		} else if (r == KIOSK_ASK_DONE) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_REOPEN;
			snprintf(q.annul.reason, sizeof q.annul.reason, "%s", k->close.note);
			kiosk_post(k, &q);
		}
		break;
	default: break;
	}
}

static void
screen_close_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	switch (x->op) {
	case KIOSK_OP_CLOSE_INFO:
		if (x->rc != 0) {
			kiosk_message(k, UI_BAD, "%s",
			              x->cause ? x->cause : "Cannot read the ledger.");
			return;
		}
		kiosk_keep(&k->close.figures, x);
		*r = NULL;
		break;
	case KIOSK_OP_CLOSE:
		if (x->rc != 0) {
			kiosk_message(k, UI_BAD, "Not closed out: %s",
			              x->cause ? x->cause : "the ledger refused it.");
			ui_sound(k->ui, UI_SOUND_ERROR);
			kiosk_keep(&k->close.figures, x); /* the figures as they are now */
			*r = NULL;
			return;
		}
		kiosk_keep(&k->close.figures, x);
		*r = NULL;
		ui_sound(k->ui, UI_SOUND_OK);
		screen_close_step(k, CLOSE_DONE);
		break;
	case KIOSK_OP_REOPEN:
		if (x->rc != 0) {
			kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "Not reopened.");
			return;
		}
		screen_close_step(k, CLOSE_LOOK);
		kiosk_message(
		    k, UI_OK,
		    "Reopened (entry #%lld): donations can be taken again. Close out again "
		    "before the final export.",
		    (long long)x->seq);
		screen_close_info(k);
		break;
	default: break;
	}
}

const struct screen_ops screen_close_ops = {
    .name = "close",
    .enter = screen_close_enter,
    .draw = screen_close_draw,
    .reply = screen_close_reply,
    .coordinator = SCREEN_COORDINATOR,
};

/* ---- export to a USB stick ------------------------------------------------ */

static void
screen_export_enter(struct kiosk *k)
{
	const struct bundle_export_result *res;
	const char *cause;

	/* a finished export's result was seen: start afresh */
	if (k->export_job != NULL && kiosk_export_result(k->export_job, &res, &cause) >= 0) {
		kiosk_export_free(k->export_job);
		k->export_job = NULL;
	}
	kiosk_post_usb(k, KIOSK_OP_EXPORT_INFO);
}

/* Asks the worker for the ledger's snapshot to export into dir (then
 * screen_export_run starts the export thread on it). */
void
screen_export_go(struct kiosk *k, const char *dir)
{
	struct kiosk_req q;

	kiosk_export_free(k->export_job);
	k->export_job = NULL;
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_EXPORT;
	snprintf(q.path, sizeof q.path, "%s", dir);
	/* HQ's keys, checked by the worker before an export number is used */
	snprintf(q.export.hq, sizeof q.export.hq, "%s/hq",
	         k->assets_dir != NULL ? k->assets_dir : "assets");
	snprintf(k->export.dir, sizeof k->export.dir, "%s", dir);
	k->msg[0] = '\0';
	kiosk_post(k, &q);
}

/* What the export is doing, or how it ended; 1 while it runs. */
static int
screen_export_state(struct kiosk *k, struct ui_rect r)
{
	struct ui *u = k->ui;
	const struct bundle_export_result *res;
	const char *cause;
	int lh = k->style.line, y = r.y, st;
	char line[600], m[48];

	if (k->waiting) {
		ui_text(u, (struct ui_rect){r.x, y, r.w, lh}, "Copying the ledger\xe2\x80\xa6",
		        k->style.font.title, 1, UI_FG, UI_LEFT);
		return 1;
	}
	if (k->export_job == NULL)
		return 0;
	st = kiosk_export_result(k->export_job, &res, &cause);
	if (st < 0) {
		snprintf(line, sizeof line,
		         "Writing, reading back and verifying\xe2\x80\xa6 %lld s",
		         (long long)((k->now_ms - k->export.started_ms) / 1000));
		ui_text(u, (struct ui_rect){r.x, y, r.w, lh}, line, k->style.font.label, 1, UI_FG,
		        UI_LEFT);
		ui_text(u, (struct ui_rect){r.x, y + lh, r.w, lh}, "Do not remove the USB stick.",
		        k->style.font.text, 1, UI_BAD, UI_LEFT);
		return 1;
	}
	if (st > 0) {
		ui_text(u, (struct ui_rect){r.x, y, r.w, lh}, "Export failed", k->style.font.big, 1,
		        UI_BAD, UI_LEFT);
		ui_text_wrap(u, (struct ui_rect){r.x, y + lh, r.w, 4 * lh}, cause,
		             k->style.font.body, 0, UI_FG, UI_LEFT);
		return 0;
	}
	ui_fill(u, (struct ui_rect){r.x, y, r.w, lh * 2}, UI_OK);
	ui_text(u, (struct ui_rect){r.x + k->style.gap, y, r.w - k->style.gap_l, lh * 2},
	        "Safe to remove the USB stick", k->style.font.big, 1, UI_WHITE, UI_CENTER);
	y += 2 * lh + k->style.gap_s;
	snprintf(line, sizeof line,
	         "Read back and verified: %s (export %lld: %lld entries, %lld donations, %s).%s",
	         res->name, (long long)res->export_no, (long long)res->last_seq,
	         (long long)res->fig.donations, kiosk_money(res->fig.total_cents, m, sizeof m),
	         res->fig.closed ? ""
	                         : " The station is not closed out yet: export again after the "
	                           "close-out.");
	ui_text_wrap(u, (struct ui_rect){r.x, y, r.w, 3 * lh}, line, k->style.font.small, 0, UI_FG,
	             UI_LEFT);
	/* the station's entries for the event's other stations, beside the bundle
	 * (docs/SYNC.md "Without a network") */
	if (res->entries_path != NULL || res->entries_note != NULL) {
		const char *base =
		    res->entries_path != NULL ? strrchr(res->entries_path, '/') : NULL;
		if (res->entries_path != NULL)
			snprintf(
			    line, sizeof line,
			    "Also on the stick: %s, this station's entries for the event's other "
			    "stations (Stations \xe2\x80\x94 Read a station's stick).",
			    base != NULL ? base + 1 : res->entries_path);
		else
			snprintf(line, sizeof line, "%s", res->entries_note);
		ui_text_wrap(u, (struct ui_rect){r.x, y + 3 * lh, r.w, 2 * lh}, line,
		             k->style.font.small, 0, res->entries_path != NULL ? UI_DIM : UI_FG,
		             UI_LEFT);
	}
	return 0;
}

static void
screen_export_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), left, right;
	struct kiosk_reply *x = k->list;
	int gap = k->style.margin, lh = k->style.line_s, rh = k->style.row_l, side, y, running;
	char line[KIOSK_PATH_MAX + 64];

	running = kiosk_busy(k) && k->export_job != NULL;
	if (kiosk_header(k, "Export to USB stick", running ? NULL : "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	side = body.h - 2 * lh < body.w * 38 / 100 ? body.h - 2 * lh : body.w * 38 / 100;
	left = (struct ui_rect){body.x, body.y, side, body.h};
	right = (struct ui_rect){body.x + side + 2 * gap, body.y, body.w - side - 2 * gap, body.h};
	if (ui_width(u) < ui_height(u)) { /* portrait: the key on top, the export under it */
		side = body.w / 2;
		left = (struct ui_rect){body.x, body.y, body.w, side + 2 * lh};
		right =
		    (struct ui_rect){body.x, body.y + left.h + gap, body.w, body.h - left.h - gap};
	}
	if (x != NULL && x->rc == 0 && x->op == KIOSK_OP_EXPORT_INFO) {
		ui_qr(u, (struct ui_rect){left.x + (left.w - side) / 2, left.y, side, side},
		      x->pubkey);
		snprintf(line, sizeof line, "Station key id %s", x->key_id);
		ui_text(u, (struct ui_rect){left.x, left.y + side, left.w, lh}, line,
		        k->style.font.small, 1, UI_FG, UI_CENTER);
		ui_text(u, (struct ui_rect){left.x, left.y + side + lh, left.w, lh},
		        "Give HQ this public key", k->style.font.hint, 0, UI_DIM, UI_CENTER);
	}
	y = right.y;
	if (screen_export_state(k, (struct ui_rect){right.x, y, right.w, right.h - rh - gap}))
		return;
	if (k->export_job != NULL) {
		const struct bundle_export_result *res;
		const char *cause;
		int st = kiosk_export_result(k->export_job, &res, &cause);
		if (ui_button(u, (struct ui_rect){right.x, right.y + right.h - rh, right.w, rh},
		              st == 0 ? "Done" : "Try again", st == 0 ? UI_OK : UI_ACCENT,
		              k->style.font.label)) {
			if (st == 0)
				kiosk_go(k, SCREEN_COORD);
			else
				screen_export_go(k, k->export.dir);
		}
		return;
	}
	if (x == NULL) {
		kiosk_draw_message(k, (struct ui_rect){right.x, y, right.w, 3 * lh});
		return;
	}
	if (x->nsticks == 0) {
		ui_text_wrap(u, (struct ui_rect){right.x, y, right.w, 3 * lh},
		             "No USB stick found. Plug one in, wait a moment, then look again.",
		             k->style.font.text, 1, UI_FG, UI_LEFT);
		if (ui_button(u, (struct ui_rect){right.x, y + 3 * lh, right.w, rh}, "Look again",
		              k->style.primary, k->style.font.text))
			screen_export_enter(k);
		return;
	}
	ui_text(u, (struct ui_rect){right.x, y, right.w, lh},
	        "The bundle for HQ, sealed and signed:", k->style.font.body, 1, UI_FG, UI_LEFT);
	y += lh + gap;
	for (size_t i = 0; i < x->nsticks; i++, y += rh + gap) {
		snprintf(line, sizeof line, "%s%s", x->nsticks == 1 ? "" : "Export to ",
		         x->nsticks == 1 ? "Export to USB stick" : x->sticks[i]);
		if (ui_button(u, (struct ui_rect){right.x, y, right.w, rh}, line, k->style.primary,
		              k->style.font.label))
			screen_export_go(k, x->sticks[i]);
	}
	if (x->nsticks == 1) {
		snprintf(line, sizeof line, "USB stick: %s", x->sticks[0]);
		ui_text(u, (struct ui_rect){right.x, y, right.w, lh}, line, k->style.font.small, 0,
		        UI_DIM, UI_LEFT);
		y += lh;
	}
	kiosk_draw_message(k, (struct ui_rect){right.x, y, right.w, right.y + right.h - y});
}

/* The worker's snapshot of the ledger (x, KIOSK_OP_EXPORT) handed to the
 * export thread, which writes to k->export.dir; a failure is said on the
 * screen.  Returns 0 when the export runs.  Used by Export and by Send to
 * HQ's "Export and send". */
int
screen_export_run(struct kiosk *k, struct kiosk_reply *x)
{
	char *cause = NULL, *hq;
	int rc;

	if (x->rc != 0) {
		kiosk_message(k, UI_BAD, "Export failed: %s",
		              x->cause ? x->cause : "the ledger could not be copied.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return -1;
	}
	hq = xasprintf("%s/hq", k->assets_dir != NULL ? k->assets_dir : "assets");
	rc = kiosk_export_start(x->snap, k->export.dir, k->db_path, hq, kiosk_wake, k->ui,
	                        &k->export_job, &cause);
	free(hq);
	if (rc != 0) {
		kiosk_message(k, UI_BAD, "%s", cause);
		free(cause);
		return -1;
	}
	x->snap = NULL; /* the export thread's now */
	k->export.started_ms = k->now_ms;
	return 0;
}

static void
screen_export_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->op == KIOSK_OP_EXPORT_INFO) {
		if (x->rc != 0)
			kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "No station key.");
		kiosk_keep(&k->list, x);
		*r = NULL;
		return;
	}
	screen_export_run(k, x);
}

static void
screen_export_tick(struct kiosk *k)
{
	static int64_t last;

	/* the seconds count while the export runs */
	if (k->export_running && k->now_ms - last >= 1000) {
		last = k->now_ms;
		ui_invalidate(k->ui);
	}
}

const struct screen_ops screen_export_ops = {
    .name = "export",
    .enter = screen_export_enter,
    .draw = screen_export_draw,
    .reply = screen_export_reply,
    .tick = screen_export_tick,
    .coordinator = SCREEN_COORDINATOR,
};
