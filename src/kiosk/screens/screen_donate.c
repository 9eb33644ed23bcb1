/* screen_donate.c — a donation: amount, method, check number, donor, then a
 * confirmation with the amount in words; "recorded" only once the ledger
 * has committed it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "kiosk_print.h"
#include "screens.h"

enum { DONATE_AMOUNT, DONATE_METHOD, DONATE_CHECK, DONATE_DONOR, DONATE_CONFIRM, DONATE_DONE };

static void
screen_donate_enter(struct kiosk *k)
{
	k->donate.step = DONATE_AMOUNT;
	k->donate.amount[0] = k->donate.check_no[0] = k->donate.donor[0] = '\0';
	k->donate.cents = 0;
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
			screen_donate_step(k, k->donate.method == RULES_CHECK ? DONATE_CHECK
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
	if (k->donate.method == RULES_CHECK)
		snprintf(line, sizeof line, "Check number %s", k->donate.check_no);
	else
		snprintf(line, sizeof line, "Paid by %s", rules_method_name(k->donate.method));
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.label, 1, UI_FG,
	        UI_LEFT);
	y += lh;
	snprintf(line, sizeof line, "For %s (#%u)%s%s", screen_donate_who(k), k->walker,
	         k->donate.donor[0] ? ", given by " : "", k->donate.donor);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.text, 0, UI_FG,
	        UI_LEFT);
	y += lh;
	/* the ledger's refusal can take a few lines (e.g. the station is closed out) */
	kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, body.y + body.h - btn - gap - y});
	{
		struct ui_rect row = {body.x, body.y + body.h - btn, body.w, btn};
		if (ui_button(u, kiosk_col(row, 0, 2, gap * 2), "Change", k->style.quiet,
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

static void
screen_donate_done(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect all = {0, 0, ui_width(u), ui_height(u)};
	int m = k->style.margin_l, H = all.h;
	char money[48], line[256];

	ui_fill(u, all, UI_OK);
	ui_text(u, (struct ui_rect){m, H * 10 / 100, all.w - 2 * m, H * 20 / 100},
	        "Donation recorded", k->style.font.banner, 1, UI_WHITE, UI_CENTER);
	snprintf(line, sizeof line, "%s %s for %s",
	         kiosk_money(k->donate.cents, money, sizeof money),
	         rules_method_name(k->donate.method), screen_donate_who(k));
	ui_text(u, (struct ui_rect){m, H * 34 / 100, all.w - 2 * m, H * 12 / 100}, line,
	        k->style.font.big, 1, UI_WHITE, UI_CENTER);
	snprintf(line, sizeof line, "Entry #%lld is saved. Thank you!", (long long)k->donate.seq);
	ui_text(u, (struct ui_rect){m, H * 48 / 100, all.w - 2 * m, H * 10 / 100}, line,
	        k->style.font.label, 0, UI_WHITE, UI_CENTER);
	{
		struct ui_rect row = {all.w / 8, H * 68 / 100, all.w * 3 / 4, k->style.button_l};
		int gap = k->style.gap_l;
		if (ui_button(u, kiosk_col(row, 0, 2, gap), "Print receipt", UI_WHITE,
		              k->style.font.key))
			kiosk_print_start(k, KIOSK_OP_RECEIPT_PDF, k->donate.seq, k->walker, NULL,
			                  SCREEN_WALKER);
		else if (ui_button(u, kiosk_col(row, 1, 2, gap), "Done", UI_WHITE,
		                   k->style.font.key))
			kiosk_go(k, SCREEN_WALKER);
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
	case DONATE_AMOUNT:
		r = kiosk_ask(k, title, "Amount in dollars", k->donate.amount,
		              sizeof k->donate.amount, KIOSK_KB_AMOUNT, 0);
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
			screen_donate_step(k, k->donate.method == RULES_CHECK ? DONATE_CHECK
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
