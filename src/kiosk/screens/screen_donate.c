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
	k->step = DONATE_AMOUNT;
	k->a[0] = k->b[0] = k->c[0] = '\0';
	k->cents = 0;
	k->method = RULES_CASH;
	k->seq = 0;
}

static void
screen_donate_step(struct kiosk *k, int step)
{
	k->step = step;
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
	int gap = ui_px(u, 12), line = ui_px(u, 50);
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
	         kiosk_money(k->cents, money, sizeof money));
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, line}, prompt, 30, 1, UI_FG, UI_LEFT);
	row = (struct ui_rect){body.x, body.y + line + gap, body.w, body.h * 55 / 100};
	for (int i = 0; i < 3; i++) {
		if (ui_button(u, kiosk_col(row, i, 3, gap), methods[i].label, UI_ACCENT, 36)) {
			k->method = methods[i].m;
			screen_donate_step(k,
			                   k->method == RULES_CHECK ? DONATE_CHECK : DONATE_DONOR);
		}
	}
	ui_text(u, (struct ui_rect){body.x, row.y + row.h + gap, body.w, line},
	        "Other: card reader, online, or anything that is not cash or a check.", 18, 0,
	        UI_DIM, UI_LEFT);
}

static void
screen_donate_confirm(struct kiosk *k, const char *title)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k);
	int gap = ui_px(u, 8), y = body.y, lh = ui_px(u, 34), btn = ui_px(u, 70);
	char money[48], line[700];
	char *words;

	if (kiosk_header(k, title, "Back")) {
		screen_donate_step(k, DONATE_DONOR);
		return;
	}
	kiosk_money(k->cents, money, sizeof money);
	ui_text(u, (struct ui_rect){body.x, y, body.w, ui_px(u, 70)}, money, 60, 1, UI_FG, UI_LEFT);
	y += ui_px(u, 70);
	words = amount_words(k->cents);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, words, 22, 0, UI_FG, UI_LEFT);
	free(words);
	y += lh + gap;
	if (k->method == RULES_CHECK)
		snprintf(line, sizeof line, "Check number %s", k->b);
	else
		snprintf(line, sizeof line, "Paid by %s", rules_method_name(k->method));
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, 24, 1, UI_FG, UI_LEFT);
	y += lh;
	snprintf(line, sizeof line, "For %s (#%u)%s%s", screen_donate_who(k), k->walker,
	         k->c[0] ? ", given by " : "", k->c);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, 22, 0, UI_FG, UI_LEFT);
	y += lh;
	/* the ledger's refusal can take a few lines (e.g. the station is closed out) */
	kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, body.y + body.h - btn - gap - y});
	{
		struct ui_rect row = {body.x, body.y + body.h - btn, body.w, btn};
		if (ui_button(u, kiosk_col(row, 0, 2, gap * 2), "Change", UI_PANEL, 26) &&
		    !k->waiting)
			screen_donate_step(k, DONATE_AMOUNT);
		if (ui_button(u, kiosk_col(row, 1, 2, gap * 2), "Confirm donation", UI_OK, 26) &&
		    !k->waiting) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_DONATE;
			q.walker = k->walker;
			q.cents = k->cents;
			q.method = (enum rules_method)k->method;
			snprintf(q.a, sizeof q.a, "%s", k->method == RULES_CHECK ? k->b : "");
			snprintf(q.b, sizeof q.b, "%s", k->c);
			kiosk_post(k, &q);
		}
	}
}

static void
screen_donate_done(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect all = {0, 0, ui_width(u), ui_height(u)};
	int m = ui_px(u, 24), H = all.h;
	char money[48], line[256];

	ui_fill(u, all, UI_OK);
	ui_text(u, (struct ui_rect){m, H * 10 / 100, all.w - 2 * m, H * 20 / 100},
	        "Donation recorded", 52, 1, UI_WHITE, UI_CENTER);
	snprintf(line, sizeof line, "%s %s for %s", kiosk_money(k->cents, money, sizeof money),
	         rules_method_name(k->method), screen_donate_who(k));
	ui_text(u, (struct ui_rect){m, H * 34 / 100, all.w - 2 * m, H * 12 / 100}, line, 32, 1,
	        UI_WHITE, UI_CENTER);
	snprintf(line, sizeof line, "Entry #%lld is saved. Thank you!", (long long)k->seq);
	ui_text(u, (struct ui_rect){m, H * 48 / 100, all.w - 2 * m, H * 10 / 100}, line, 24, 0,
	        UI_WHITE, UI_CENTER);
	{
		struct ui_rect row = {all.w / 8, H * 68 / 100, all.w * 3 / 4, ui_px(u, 70)};
		int gap = ui_px(u, 16);
		if (ui_button(u, kiosk_col(row, 0, 2, gap), "Print receipt", UI_WHITE, 28))
			kiosk_print_start(k, KIOSK_OP_RECEIPT_PDF, k->seq, k->walker, NULL,
			                  SCREEN_WALKER);
		else if (ui_button(u, kiosk_col(row, 1, 2, gap), "Done", UI_WHITE, 28))
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
	switch (k->step) {
	case DONATE_AMOUNT:
		r = kiosk_ask(k, title, "Amount in dollars", k->a, sizeof k->a, KIOSK_KB_AMOUNT, 0);
		if (r == KIOSK_ASK_BACK) {
			kiosk_go(k, SCREEN_WALKER);
		} else if (r == KIOSK_ASK_DONE) {
			if (amount_parse(k->a, max > 0 ? max : AMOUNT_DEFAULT_MAX_CENTS, &k->cents,
			                 &cause) != 0) {
				kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
				free(cause);
			} else {
				screen_donate_step(k, DONATE_METHOD);
			}
		}
		break;
	case DONATE_METHOD: screen_donate_method(k, title); break;
	case DONATE_CHECK:
		r = kiosk_ask(k, title, "Check number", k->b, sizeof k->b, KIOSK_KB_DIGITS, 0);
		if (r == KIOSK_ASK_BACK)
			screen_donate_step(k, DONATE_METHOD);
		else if (r == KIOSK_ASK_DONE)
			screen_donate_step(k, DONATE_DONOR);
		break;
	case DONATE_DONOR:
		r = kiosk_ask(k, title, "Donor's name, if not the walker (optional)", k->c,
		              sizeof k->c, KIOSK_KB_NAME, 1);
		if (r == KIOSK_ASK_BACK)
			screen_donate_step(k,
			                   k->method == RULES_CHECK ? DONATE_CHECK : DONATE_METHOD);
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
	k->seq = (*r)->seq;
	kiosk_keep(&k->card, *r);
	*r = NULL;
	ui_sound(k->ui, UI_SOUND_OK);
	screen_donate_step(k, DONATE_DONE);
}

const struct screen_ops screen_donate_ops = {"donate", screen_donate_enter, screen_donate_draw,
                                             screen_donate_reply, NULL};
