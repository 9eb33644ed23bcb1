/* screen_donate.c — a donation: amount, method, check number, donor, then a
 * confirmation with the amount in words; "recorded" only once the ledger
 * has committed it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "kiosk_print.h"
#include "screens.h"

enum {
	DONATE_AMOUNT,
	DONATE_METHOD,
	DONATE_CHECK,
	DONATE_TENDERED,
	DONATE_DONOR,
	DONATE_CONFIRM,
	DONATE_DONE
};

/* The bills people hand over: one touch for the amount, or for the cash given. */
static const int screen_donate_quick[] = {5, 10, 20, 50, 100};
#define SCREEN_DONATE_NQUICK (int)(sizeof screen_donate_quick / sizeof screen_donate_quick[0])

static void
screen_donate_enter(struct kiosk *k)
{
	k->donate.step = DONATE_AMOUNT;
	k->donate.amount[0] = k->donate.check_no[0] = k->donate.donor[0] = '\0';
	k->donate.tendered[0] = '\0';
	k->donate.cents = k->donate.tendered_cents = 0;
	k->donate.method = RULES_CASH;
	k->donate.seq = 0;
}

static void
screen_donate_step(struct kiosk *k, int step)
{
	k->donate.step = step;
	k->msg[0] = '\0';
	ui_invalidate(k->ui);
}

static const char *
screen_donate_who(struct kiosk *k)
{
	return k->card != NULL && k->card->walker.id == k->walker ? k->card->walker.name : "walker";
}

static void
screen_donate_method(struct kiosk *k, const char *title)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row;
	int gap = k->style.pad, line = k->style.row;
	char money[48], prompt[128];
	static const struct {
		const char *label;
		int m;
	} methods[] = {{"Cash", RULES_CASH}, {"Check", RULES_CHECK}, {"Other", RULES_OTHER}};

	if (kiosk_header(k, title, "Back")) {
		screen_donate_step(k, DONATE_AMOUNT);
		return;
	}
	snprintf(prompt, sizeof prompt, "How is the %s paid?",
	         kiosk_money(k->donate.cents, money, sizeof money));
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, line}, prompt, k->style.font.big, 1,
	        UI_FG, UI_LEFT);
	row = (struct ui_rect){body.x, body.y + line + gap, body.w, body.h * 55 / 100};
	for (int i = 0; i < 3; i++) {
		if (ui_button(u, kiosk_col(row, i, 3, gap), methods[i].label, k->style.primary,
		              k->style.font.large)) {
			k->donate.method = methods[i].m;
			k->donate.tendered[0] = '\0';
			k->donate.tendered_cents = 0;
			screen_donate_step(k, k->donate.method == RULES_CHECK  ? DONATE_CHECK
			                      : k->donate.method == RULES_CASH ? DONATE_TENDERED
			                                                       : DONATE_DONOR);
		}
	}
	ui_text(u, (struct ui_rect){body.x, row.y + row.h + gap, body.w, line},
	        "Other: card reader, online, or anything that is not cash or a check.",
	        k->style.font.small, 0, UI_DIM, UI_LEFT);
}

static void
screen_donate_confirm(struct kiosk *k, const char *title)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k);
	int gap = k->style.gap, y = body.y, lh = k->style.line, btn = k->style.button_l;
	char money[48], line[700];
	char *words;

	if (kiosk_header(k, title, "Back")) {
		screen_donate_step(k, DONATE_DONOR);
		return;
	}
	kiosk_money(k->donate.cents, money, sizeof money);
	ui_text(u, (struct ui_rect){body.x, y, body.w, k->style.button_l}, money,
	        k->style.font.hero, 1, UI_FG, UI_LEFT);
	y += k->style.button_l;
	words = amount_words(k->donate.cents);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, words, k->style.font.text, 0, UI_FG,
	        UI_LEFT);
	free(words);
	y += lh + gap;
	if (k->donate.method == RULES_CHECK) {
		snprintf(line, sizeof line, "Check number %s", k->donate.check_no);
	} else if (k->donate.method == RULES_CASH && k->donate.tendered_cents > 0) {
		char given[48], change[48];
		snprintf(
		    line, sizeof line, "Cash: %s handed over, change due %s",
		    kiosk_money(k->donate.tendered_cents, given, sizeof given),
		    kiosk_money(k->donate.tendered_cents - k->donate.cents, change, sizeof change));
	} else {
		snprintf(line, sizeof line, "Paid by %s", rules_method_name(k->donate.method));
	}
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.label, 1, UI_FG,
	        UI_LEFT);
	y += lh;
	snprintf(line, sizeof line, "For %s (walker %u)%s%s", screen_donate_who(k), k->walker,
	         k->donate.donor[0] ? ", given by " : "", k->donate.donor);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.text, 0, UI_FG,
	        UI_LEFT);
	y += lh;
	/* the ledger's refusal can take a few lines (e.g. the station is closed out) */
	kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, body.y + body.h - btn - gap - y});
	{
		struct ui_rect row = {body.x, body.y + body.h - btn, body.w, btn};
		if (ui_button(u, kiosk_col(row, 0, 2, gap * 2), "Edit", k->style.quiet,
		              k->style.font.title) &&
		    !k->waiting)
			screen_donate_step(k, DONATE_AMOUNT);
		if (ui_button(u, kiosk_col(row, 1, 2, gap * 2), "Confirm donation", k->style.done,
		              k->style.font.title) &&
		    !k->waiting) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_DONATE;
			q.walker = k->walker;
			q.donate.cents = k->donate.cents;
			q.donate.method = (enum rules_method)k->donate.method;
			snprintf(q.donate.check_no, sizeof q.donate.check_no, "%s",
			         k->donate.method == RULES_CHECK ? k->donate.check_no : "");
			snprintf(q.donate.donor, sizeof q.donate.donor, "%s", k->donate.donor);
			kiosk_post(k, &q);
		}
	}
}

/* Money the ledger has committed, in green: what (title), the amount and from
 * whom (line), a word on the change or a gift (note); Print receipt prints
 * entry seq, and it and Done go back to back. */
void
screen_money_saved(struct kiosk *k, const char *title, const char *line, const char *note,
                   int64_t seq, enum screen_id back)
{
	struct ui *u = k->ui;
	struct ui_rect all = {0, 0, ui_width(u), ui_height(u)};
	int m = k->style.margin_l, H = all.h;

	ui_fill(u, all, UI_OK);
	ui_text(u, (struct ui_rect){m, H * 10 / 100, all.w - 2 * m, H * 20 / 100}, title,
	        k->style.font.banner, 1, UI_WHITE, UI_CENTER);
	ui_text(u, (struct ui_rect){m, H * 34 / 100, all.w - 2 * m, H * 12 / 100}, line,
	        k->style.font.big, 1, UI_WHITE, UI_CENTER);
	ui_text(u, (struct ui_rect){m, H * 48 / 100, all.w - 2 * m, H * 10 / 100}, note,
	        k->style.font.label, 0, UI_WHITE, UI_CENTER);
	{
		struct ui_rect row = {all.w / 8, H * 68 / 100, all.w * 3 / 4, k->style.button_l};
		int gap = k->style.gap_l;
		if (ui_button(u, kiosk_col(row, 0, 2, gap), "Print receipt", UI_WHITE,
		              k->style.font.key))
			kiosk_print_start(k, KIOSK_OP_RECEIPT_PDF, seq, k->walker, NULL, back);
		else if (ui_button(u, kiosk_col(row, 1, 2, gap), "Done", UI_WHITE,
		                   k->style.font.key))
			kiosk_go(k, back);
	}
}

static void
screen_donate_done(struct kiosk *k)
{
	char money[48], line[256], note[256];

	snprintf(line, sizeof line, "%s %s for %s",
	         kiosk_money(k->donate.cents, money, sizeof money),
	         rules_method_name(k->donate.method), screen_donate_who(k));
	if (k->donate.method == RULES_CASH && k->donate.tendered_cents > k->donate.cents)
		snprintf(
		    note, sizeof note, "Change due: %s. It is saved. Thank you!",
		    kiosk_money(k->donate.tendered_cents - k->donate.cents, money, sizeof money));
	else
		snprintf(note, sizeof note, "It is saved. Thank you!");
	screen_money_saved(k, "Donation recorded", line, note, k->donate.seq, SCREEN_WALKER);
}

/* The quick amounts under the keypad's question (where kiosk_ask leaves the
 * left column, or the top part when portrait, free below the message): the
 * dollars touched, or 0. */
static int
screen_donate_quick_row(struct kiosk *k, int64_t at_least_cents, struct ui_rect *above)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), left, rows;
	int gap = k->style.gap, h = k->style.button, n = 0, idx[SCREEN_DONATE_NQUICK];
	char label[16];

	if (ui_width(u) < ui_height(u))
		left = (struct ui_rect){body.x, body.y, body.w, body.h * 2 / 5};
	else
		left = kiosk_col(body, 0, 2, gap * 2);
	for (int i = 0; i < SCREEN_DONATE_NQUICK; i++)
		if ((int64_t)screen_donate_quick[i] * 100 >= at_least_cents)
			idx[n++] = i;
	/* up to three a row, two rows at most */
	rows = (struct ui_rect){left.x,
	                        left.y + left.h -
	                            (n > 3   ? 2 * h + gap
	                             : n > 0 ? h
	                                     : 0),
	                        left.w,
	                        n > 3   ? 2 * h + gap
	                        : n > 0 ? h
	                                : 0};
	if (above != NULL)
		*above = (struct ui_rect){left.x, rows.y - k->style.line_l - gap, left.w,
		                          k->style.line_l};
	for (int j = 0; j < n; j++) {
		int per = n > 3 ? 3 : n, r = j / 3, c = j % 3;
		struct ui_rect row = kiosk_row(rows, r, n > 3 ? 2 : 1, gap);
		snprintf(label, sizeof label, "$%d", screen_donate_quick[idx[j]]);
		if (ui_button(u, kiosk_col(row, c, r == 0 ? per : n - 3, gap), label,
		              k->style.primary, k->style.font.big) &&
		    !k->waiting)
			return screen_donate_quick[idx[j]];
	}
	return 0;
}

/* Cash handed over: the change due, or why the amount will not do. */
static void
screen_donate_tendered(struct kiosk *k, const char *title)
{
	enum kiosk_ask_result r;
	char *cause = NULL, money[48];
	struct ui_rect above;
	int quick;

	r = kiosk_ask(k, title, "Cash handed over (optional)", k->donate.tendered,
	              sizeof k->donate.tendered, KIOSK_KB_AMOUNT, 1);
	quick = screen_donate_quick_row(k, k->donate.cents, &above);
	if (quick > 0) {
		snprintf(k->donate.tendered, sizeof k->donate.tendered, "%d", quick);
		r = KIOSK_ASK_DONE;
	}
	if (r == KIOSK_ASK_BACK) {
		screen_donate_step(k, DONATE_METHOD);
	} else if (r == KIOSK_ASK_SKIP) {
		k->donate.tendered_cents = 0;
		screen_donate_step(k, DONATE_DONOR);
	} else if (r == KIOSK_ASK_DONE) {
		if (amount_parse(k->donate.tendered, AMOUNT_DEFAULT_MAX_CENTS,
		                 &k->donate.tendered_cents, &cause) != 0) {
			kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
			free(cause);
		} else if (k->donate.tendered_cents < k->donate.cents) {
			kiosk_message(k, UI_BAD, "That is less than the %s donation.",
			              kiosk_money(k->donate.cents, money, sizeof money));
			k->donate.tendered_cents = 0;
		} else {
			screen_donate_step(k, DONATE_DONOR);
		}
	}
	if (k->donate.step == DONATE_TENDERED && k->msg[0] == '\0' && k->donate.tendered[0] == '\0')
		/* what the optional question is for, in the room the change will take */
		ui_text_wrap(k->ui,
		             (struct ui_rect){above.x, above.y - above.h, above.w, 2 * above.h},
		             "To work out the change: the cash they hand you. No change due? Skip.",
		             k->style.font.body, 0, UI_DIM, UI_LEFT);
	else if (k->donate.step == DONATE_TENDERED && k->msg[0] == '\0' &&
	         k->donate.tendered[0] != '\0') {
		/* the change as it is typed, above the quick amounts */
		int64_t c = 0;
		if (amount_parse(k->donate.tendered, AMOUNT_DEFAULT_MAX_CENTS, &c, NULL) == 0 &&
		    c >= k->donate.cents) {
			char line[96];
			snprintf(line, sizeof line, "Change due: %s",
			         kiosk_money(c - k->donate.cents, money, sizeof money));
			ui_text(k->ui, above, line, k->style.font.big, 1, UI_OK, UI_LEFT);
		}
	}
}

static void
screen_donate_draw(struct kiosk *k)
{
	char title[160];
	enum kiosk_ask_result r;
	int64_t max = k->st.event.rules.max_donation_cents;
	char *cause = NULL;

	snprintf(title, sizeof title, "Donation for %s", screen_donate_who(k));
	switch (k->donate.step) {
	case DONATE_AMOUNT: {
		int quick;
		r = kiosk_ask(k, title, "Amount in dollars", k->donate.amount,
		              sizeof k->donate.amount, KIOSK_KB_AMOUNT, 0);
		if ((quick = screen_donate_quick_row(k, 0, NULL)) > 0) {
			snprintf(k->donate.amount, sizeof k->donate.amount, "%d", quick);
			r = KIOSK_ASK_DONE;
		}
		if (r == KIOSK_ASK_BACK) {
			kiosk_go(k, SCREEN_WALKER);
		} else if (r == KIOSK_ASK_DONE) {
			if (amount_parse(k->donate.amount, max > 0 ? max : AMOUNT_DEFAULT_MAX_CENTS,
			                 &k->donate.cents, &cause) != 0) {
				kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
				free(cause);
			} else {
				screen_donate_step(k, DONATE_METHOD);
			}
		}
		break;
	}
	case DONATE_TENDERED: screen_donate_tendered(k, title); break;
	case DONATE_METHOD: screen_donate_method(k, title); break;
	case DONATE_CHECK:
		r = kiosk_ask(k, title, "Check number", k->donate.check_no,
		              sizeof k->donate.check_no, KIOSK_KB_DIGITS, 0);
		if (r == KIOSK_ASK_BACK)
			screen_donate_step(k, DONATE_METHOD);
		else if (r == KIOSK_ASK_DONE)
			screen_donate_step(k, DONATE_DONOR);
		break;
	case DONATE_DONOR:
		r = kiosk_ask(k, title, "Donor's name, if not the walker (optional)",
		              k->donate.donor, sizeof k->donate.donor, KIOSK_KB_NAME, 1);
		if (r == KIOSK_ASK_BACK)
			screen_donate_step(k, k->donate.method == RULES_CHECK  ? DONATE_CHECK
			                      : k->donate.method == RULES_CASH ? DONATE_TENDERED
			                                                       : DONATE_METHOD);
		else if (r != KIOSK_ASK_NONE)
			screen_donate_step(k, DONATE_CONFIRM);
		break;
	case DONATE_CONFIRM: screen_donate_confirm(k, title); break;
	default: screen_donate_done(k); break;
	}
}

static void
screen_donate_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0) {
		kiosk_message(k, UI_BAD, "Not recorded: %s",
		              (*r)->cause ? (*r)->cause : "the ledger refused it.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	k->donate.seq = (*r)->seq;
	kiosk_keep(&k->card, *r);
	*r = NULL;
	ui_sound(k->ui, UI_SOUND_OK);
	screen_donate_step(k, DONATE_DONE);
}

const struct screen_ops screen_donate_ops = {
    .name = "donate",
    .enter = screen_donate_enter,
    .draw = screen_donate_draw,
    .reply = screen_donate_reply,
    .coordinator = SCREEN_ANYONE,
};
