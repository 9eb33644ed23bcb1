/* screen_pledges.c — a walker's pledges (walker card → Pledges): each
 * sponsor's pledge, counted laps, owed, paid and still owed, the walker's
 * totals; a quick form for typing the lines of a paper sheet one after
 * another (sponsor, kind, rate, maximum, then the next sponsor at once); a
 * sponsor's payment (the amount still owed offered, cash, check or other).
 * The sums are the ledger's (ledger_settle), never the screen's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "kiosk_print.h"
#include "pledge.h"
#include "screens.h"

enum {
	PLEDGES_LIST,
	PLEDGES_SPONSOR,
	PLEDGES_KIND,
	PLEDGES_RATE,
	PLEDGES_MAX,
	PLEDGES_PAY_AMOUNT,
	PLEDGES_PAY_METHOD,
	PLEDGES_PAY_CHECK,
	PLEDGES_PAY_DONE,
};

static const char *
screen_pledges_who(struct kiosk *k)
{
	return k->card != NULL && k->card->walker.id == k->walker ? k->card->walker.name : "walker";
}

static void
screen_pledges_step(struct kiosk *k, int step)
{
	k->pledges.step = step;
	ui_invalidate(k->ui);
}

static void
screen_pledges_enter(struct kiosk *k)
{
	struct kiosk_req q;

	k->pledges.step = PLEDGES_LIST;
	k->pledges.sponsor[0] = k->pledges.rate[0] = k->pledges.max[0] = '\0';
	k->pledges.added = 0;
	k->pledges.page = 0;
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_PLEDGES;
	q.walker = k->walker;
	kiosk_post(k, &q);
}

/* "12 laps · owed $6.00 · paid $0.00 · $6.00 to pay" for one pledge. */
static void
screen_pledges_figures(const struct kiosk_pledge *p, char *buf, size_t len)
{
	char owed[32], paid[32], due[32], laps[80] = "";

	if (p->per_unit)
		snprintf(laps, sizeof laps, "%lld lap%s%s%s%s  \xc2\xb7  ", (long long)p->laps,
		         p->laps == 1 ? "" : "s", p->billed_laps != p->laps ? " (capped)" : "",
		         p->units[0] ? " = " : "", p->units);
	if (!p->known)
		snprintf(buf, len, "%sno lap length set: not known", laps);
	else
		snprintf(buf, len, "%sowed %s  \xc2\xb7  paid %s  \xc2\xb7  still owed %s", laps,
		         kiosk_money(p->owed_cents, owed, sizeof owed),
		         kiosk_money(p->paid_cents, paid, sizeof paid),
		         kiosk_money(p->due_cents, due, sizeof due));
}

/* Pay what sponsor still owes: every pledge of theirs with something due. */
static void
screen_pledges_pay_start(struct kiosk *k, const struct kiosk_pledges *pl, size_t i)
{
	struct screen_pledges_state *s = &k->pledges;

	snprintf(s->pay_sponsor, sizeof s->pay_sponsor, "%s", pl->v[i].sponsor);
	s->npay = 0;
	s->pay_due = 0;
	for (size_t j = 0; j < pl->n && s->npay < KIOSK_PAY_MAX; j++)
		if (strcmp(pl->v[j].sponsor, s->pay_sponsor) == 0 && pl->v[j].due_cents > 0) {
			s->pay_seqs[s->npay++] = pl->v[j].seq;
			s->pay_due += pl->v[j].due_cents;
		}
	amount_format_plain(s->pay_due, s->amount, sizeof s->amount);
	s->check_no[0] = '\0';
	k->msg[0] = '\0';
	screen_pledges_step(k, PLEDGES_PAY_AMOUNT);
}

static void
screen_pledges_list(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), list, bottom;
	const struct kiosk_pledges *pl = k->pledges.r != NULL ? k->pledges.r->pledges : NULL;
	int gap = k->style.gap, lh = k->style.line_s, rh = 2 * k->style.line_s + gap, y;
	int bw = k->style.back_w, btn = k->style.button, per, pages;
	char title[160], line[256], a[32], b[32], c[32];
	size_t first, i;

	snprintf(title, sizeof title, "Pledges for %s", screen_pledges_who(k));
	if (kiosk_header(k, title, "Back")) {
		kiosk_go(k, SCREEN_WALKER);
		return;
	}
	if (pl == NULL) {
		kiosk_draw_message(k, (struct ui_rect){body.x, body.y, body.w, lh});
		return;
	}
	/* the walker's totals on top, the buttons below, the sponsors between */
	y = body.y;
	snprintf(line, sizeof line, "Owed %s  \xc2\xb7  paid %s  \xc2\xb7  still owed %s",
	         kiosk_money(pl->owed_cents, a, sizeof a), kiosk_money(pl->paid_cents, b, sizeof b),
	         kiosk_money(pl->due_cents, c, sizeof c));
	ui_text(u, (struct ui_rect){body.x, y, body.w, k->style.line_l}, line, k->style.font.label,
	        1, pl->due_cents > 0 ? UI_ACCENT : UI_OK, UI_LEFT);
	y += k->style.line_l;
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh},
	        pl->certified
	            ? "Laps certified: the amounts are final."
	            : "Laps not certified yet: per-lap and distance amounts are as of now.",
	        k->style.font.hint, 0, pl->certified ? UI_OK : UI_DIM, UI_LEFT);
	y += lh;
	/* which laps: this station's, and how fresh the lap point's are */
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, pl->basis, k->style.font.hint, 0,
	        UI_DIM, UI_LEFT);
	y += lh + gap;
	bottom = (struct ui_rect){body.x, body.y + body.h - btn, body.w, btn};
	list = (struct ui_rect){body.x, y, body.w, bottom.y - gap - y};
	per = list.h / rh > 0 ? list.h / rh : 1;
	pages = pl->n > 0 ? (int)((pl->n + (size_t)per - 1) / (size_t)per) : 1;
	if (k->pledges.page >= pages)
		k->pledges.page = 0;
	first = (size_t)k->pledges.page * (size_t)per;
	if (pl->n == 0)
		ui_text_wrap(u, (struct ui_rect){list.x, list.y, list.w, 3 * lh},
		             "No pledges yet. Add the lines of the walker's sponsor sheet with Add "
		             "pledges.",
		             k->style.font.text, 0, UI_DIM, UI_LEFT);
	for (i = first; i < pl->n && i < first + (size_t)per; i++) {
		const struct kiosk_pledge *p = &pl->v[i];
		int pay = p->due_cents > 0 && p->known, tw = list.w - (pay ? bw + gap : 0);

		snprintf(line, sizeof line, "%s: %s", p->sponsor, p->terms);
		ui_text(u, (struct ui_rect){list.x, y, tw, lh}, line, k->style.font.text, 1, UI_FG,
		        UI_LEFT);
		screen_pledges_figures(p, line, sizeof line);
		ui_text(u, (struct ui_rect){list.x, y + lh, tw, lh}, line, k->style.font.hint, 0,
		        p->due_cents > 0 ? UI_FG : UI_OK, UI_LEFT);
		if (pay) {
			/* the amount on the button: what this sponsor still owes here */
			snprintf(line, sizeof line, "Pay %s",
			         kiosk_money(p->due_cents, a, sizeof a));
			if (ui_button(u, (struct ui_rect){list.x + list.w - bw, y, bw, 2 * lh},
			              line, k->style.primary, k->style.font.body) &&
			    !k->waiting) {
				screen_pledges_pay_start(k, pl, i);
				return;
			}
		}
		y += rh;
	}
	{
		int nb = pages > 1 ? 2 : 1, w = k->style.col_w;
		struct ui_rect msg = {bottom.x, bottom.y, bottom.w - nb * (w + gap), bottom.h};
		kiosk_draw_message(k, msg);
		if (pages > 1) {
			snprintf(line, sizeof line, "Page %d of %d", k->pledges.page + 1, pages);
			ui_text(u, (struct ui_rect){msg.x, msg.y, msg.w, lh}, line,
			        k->style.font.hint, 0, UI_DIM, UI_LEFT);
			if (ui_button(u,
			              (struct ui_rect){bottom.x + bottom.w - 2 * w - gap, bottom.y,
			                               w, bottom.h},
			              "More", k->style.quiet, k->style.font.title)) {
				k->pledges.page = (k->pledges.page + 1) % pages;
				ui_invalidate(u);
			}
		}
		if (ui_button(u, (struct ui_rect){bottom.x + bottom.w - w, bottom.y, w, bottom.h},
		              "Add pledges", k->style.done, k->style.font.title) &&
		    !k->waiting) {
			k->msg[0] = '\0';
			k->pledges.sponsor[0] = '\0';
			screen_pledges_step(k, PLEDGES_SPONSOR);
		}
	}
}

/* Flat, per lap, per mile, per km: one touch. */
static void
screen_pledges_kind(struct kiosk *k, const char *title)
{
	static const struct {
		const char *label;
		enum pledge_kind kind;
	} kinds[] = {{"Flat", PLEDGE_FLAT},
	             {"Per lap", PLEDGE_LAP},
	             {"Per mile", PLEDGE_MILE},
	             {"Per km", PLEDGE_KM}};
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row;
	int gap = k->style.pad, line = k->style.row;
	char prompt[KIOSK_FIELD_MAX + 32];

	if (kiosk_header(k, title, "Back")) {
		screen_pledges_step(k, PLEDGES_SPONSOR);
		return;
	}
	snprintf(prompt, sizeof prompt, "%s pledges...", k->pledges.sponsor);
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, line}, prompt, k->style.font.big, 1,
	        UI_FG, UI_LEFT);
	row = (struct ui_rect){body.x, body.y + line + gap, body.w, body.h * 45 / 100};
	for (int i = 0; i < 4; i++)
		if (ui_button(u, kiosk_col(row, i, 4, gap), kinds[i].label, k->style.primary,
		              k->style.font.large)) {
			k->pledges.kind = (int)kinds[i].kind;
			k->pledges.rate[0] = k->pledges.max[0] = '\0';
			k->msg[0] = '\0';
			screen_pledges_step(k, PLEDGES_RATE);
		}
	ui_text(u, (struct ui_rect){body.x, row.y + row.h + gap, body.w, line},
	        "Flat: one sum. Per lap, mile or km: so much for each, on the counted laps.",
	        k->style.font.small, 0, UI_DIM, UI_LEFT);
}

static void
screen_pledges_add(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_PLEDGE_ADD;
	q.walker = k->walker;
	snprintf(q.pledge.sponsor, sizeof q.pledge.sponsor, "%s", k->pledges.sponsor);
	q.pledge.kind = k->pledges.kind;
	q.pledge.rate_cents = k->pledges.rate_cents;
	q.pledge.max_cents = k->pledges.max_cents;
	kiosk_post(k, &q);
}

static void
screen_pledges_pay_method(struct kiosk *k, const char *title)
{
	static const struct {
		const char *label;
		enum rules_method m;
	} methods[] = {{"Cash", RULES_CASH}, {"Check", RULES_CHECK}, {"Other", RULES_OTHER}};
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row;
	int gap = k->style.pad, line = k->style.row;
	char money[48], prompt[160];

	if (kiosk_header(k, title, "Back")) {
		screen_pledges_step(k, PLEDGES_PAY_AMOUNT);
		return;
	}
	snprintf(prompt, sizeof prompt, "How are the %s paid?",
	         kiosk_money(k->pledges.cents, money, sizeof money));
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, line}, prompt, k->style.font.big, 1,
	        UI_FG, UI_LEFT);
	row = (struct ui_rect){body.x, body.y + line + gap, body.w, body.h * 45 / 100};
	for (int i = 0; i < 3; i++)
		if (ui_button(u, kiosk_col(row, i, 3, gap), methods[i].label, k->style.primary,
		              k->style.font.large) &&
		    !k->waiting) {
			k->pledges.method = methods[i].m;
			if (methods[i].m == RULES_CHECK) {
				screen_pledges_step(k, PLEDGES_PAY_CHECK);
			} else {
				struct kiosk_req q;
				memset(&q, 0, sizeof q);
				q.op = KIOSK_OP_PLEDGE_PAY;
				q.walker = k->walker;
				q.pay.cents = k->pledges.cents;
				q.pay.method = methods[i].m;
				q.pay.n = k->pledges.npay;
				memcpy(q.pay.seqs, k->pledges.pay_seqs, sizeof q.pay.seqs);
				kiosk_post(k, &q);
			}
		}
	kiosk_draw_message(k, (struct ui_rect){body.x, row.y + row.h + gap, body.w,
	                                       body.y + body.h - row.y - row.h - gap});
}

static void
screen_pledges_pay_done(struct kiosk *k)
{
	char money[48], gift[48], line[256], note[256];
	const struct kiosk_pledges *pl = k->pledges.r != NULL ? k->pledges.r->pledges : NULL;

	snprintf(line, sizeof line, "%s %s from %s",
	         kiosk_money(k->pledges.cents, money, sizeof money),
	         rules_method_name(k->pledges.method), k->pledges.pay_sponsor);
	if (pl != NULL && pl->gift_cents > 0)
		snprintf(note, sizeof note, "%s is more than owed: a gift from %s. Thank you!",
		         kiosk_money(pl->gift_cents, gift, sizeof gift), k->pledges.pay_sponsor);
	else
		snprintf(note, sizeof note, "It is saved. Thank you!");
	/* Done: the list again, read anew with the payment */
	screen_money_saved(k, "Payment recorded", line, note, k->pledges.seq, SCREEN_PLEDGES);
}

static void
screen_pledges_draw(struct kiosk *k)
{
	struct screen_pledges_state *s = &k->pledges;
	enum kiosk_ask_result r;
	char title[160], prompt[KIOSK_FIELD_MAX + 64], *cause = NULL;

	snprintf(title, sizeof title, "Pledges for %s", screen_pledges_who(k));
	switch (s->step) {
	case PLEDGES_LIST: screen_pledges_list(k); break;
	case PLEDGES_SPONSOR:
		if (s->added > 0)
			snprintf(title, sizeof title, "Pledges for %s: %d added",
			         screen_pledges_who(k), s->added);
		r = kiosk_ask(k, title, "Sponsor's name", s->sponsor, sizeof s->sponsor,
		              KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK) {
			k->msg[0] = '\0';
			screen_pledges_step(k, PLEDGES_LIST);
		} else if (r == KIOSK_ASK_DONE) {
			k->msg[0] = '\0';
			screen_pledges_step(k, PLEDGES_KIND);
		}
		break;
	case PLEDGES_KIND: screen_pledges_kind(k, title); break;
	case PLEDGES_RATE:
		snprintf(prompt, sizeof prompt, "%s: %s", s->sponsor,
		         s->kind == PLEDGE_FLAT   ? "the sum, in dollars"
		         : s->kind == PLEDGE_LAP  ? "dollars a lap"
		         : s->kind == PLEDGE_MILE ? "dollars a mile"
		                                  : "dollars a km");
		r = kiosk_ask(k, title, prompt, s->rate, sizeof s->rate, KIOSK_KB_AMOUNT, 0);
		if (r == KIOSK_ASK_BACK) {
			screen_pledges_step(k, PLEDGES_KIND);
		} else if (r == KIOSK_ASK_DONE) {
			if (amount_parse(s->rate, PLEDGE_MAX_RATE, &s->rate_cents, &cause) != 0) {
				kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
				free(cause);
			} else if (s->kind == PLEDGE_FLAT) {
				s->max_cents = 0;
				screen_pledges_add(k);
			} else {
				k->msg[0] = '\0';
				screen_pledges_step(k, PLEDGES_MAX);
			}
		}
		break;
	case PLEDGES_MAX:
		snprintf(prompt, sizeof prompt, "%s: at most (optional)", s->sponsor);
		r = kiosk_ask(k, title, prompt, s->max, sizeof s->max, KIOSK_KB_AMOUNT, 1);
		if (r == KIOSK_ASK_BACK) {
			screen_pledges_step(k, PLEDGES_RATE);
		} else if (r == KIOSK_ASK_SKIP) {
			s->max_cents = 0;
			screen_pledges_add(k);
		} else if (r == KIOSK_ASK_DONE) {
			if (amount_parse(s->max, INT64_C(100000000), &s->max_cents, &cause) != 0) {
				kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
				free(cause);
			} else {
				screen_pledges_add(k);
			}
		}
		break;
	case PLEDGES_PAY_AMOUNT:
		snprintf(prompt, sizeof prompt, "%s pays (dollars)", s->pay_sponsor);
		r = kiosk_ask(k, title, prompt, s->amount, sizeof s->amount, KIOSK_KB_AMOUNT, 0);
		if (r == KIOSK_ASK_BACK) {
			k->msg[0] = '\0';
			screen_pledges_step(k, PLEDGES_LIST);
		} else if (r == KIOSK_ASK_DONE) {
			int64_t max = k->st.event.rules.max_donation_cents;
			if (amount_parse(s->amount, max > 0 ? max : AMOUNT_DEFAULT_MAX_CENTS,
			                 &s->cents, &cause) != 0) {
				kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
				free(cause);
			} else {
				k->msg[0] = '\0';
				screen_pledges_step(k, PLEDGES_PAY_METHOD);
			}
		}
		break;
	case PLEDGES_PAY_METHOD: screen_pledges_pay_method(k, title); break;
	case PLEDGES_PAY_CHECK:
		r = kiosk_ask(k, title, "Check number", s->check_no, sizeof s->check_no,
		              KIOSK_KB_DIGITS, 0);
		if (r == KIOSK_ASK_BACK) {
			screen_pledges_step(k, PLEDGES_PAY_METHOD);
		} else if (r == KIOSK_ASK_DONE && !k->waiting) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_PLEDGE_PAY;
			q.walker = k->walker;
			q.pay.cents = s->cents;
			q.pay.method = RULES_CHECK;
			snprintf(q.pay.check_no, sizeof q.pay.check_no, "%s", s->check_no);
			q.pay.n = s->npay;
			memcpy(q.pay.seqs, s->pay_seqs, sizeof q.pay.seqs);
			kiosk_post(k, &q);
		}
		break;
	default: screen_pledges_pay_done(k); break;
	}
}

static void
screen_pledges_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct screen_pledges_state *s = &k->pledges;
	struct kiosk_reply *x = *r;

	if (x->rc != 0) {
		kiosk_message(k, UI_BAD, "Not recorded: %s",
		              x->cause ? x->cause : "the ledger refused it.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	kiosk_keep(&s->r, x);
	*r = NULL;
	if (x->op == KIOSK_OP_PLEDGE_ADD) {
		/* the next line of the sheet at once */
		s->added++;
		kiosk_message(k, UI_OK, "Recorded: %s. Next sponsor, or Back for the list.",
		              s->sponsor);
		s->sponsor[0] = s->rate[0] = s->max[0] = '\0';
		ui_sound(k->ui, UI_SOUND_OK);
		screen_pledges_step(k, PLEDGES_SPONSOR);
	} else if (x->op == KIOSK_OP_PLEDGE_PAY) {
		s->seq = x->seq;
		ui_sound(k->ui, UI_SOUND_OK);
		screen_pledges_step(k, PLEDGES_PAY_DONE);
	}
}

const struct screen_ops screen_pledges_ops = {
    .name = "pledges",
    .enter = screen_pledges_enter,
    .draw = screen_pledges_draw,
    .reply = screen_pledges_reply,
    .coordinator = SCREEN_ANYONE,
};

/* ---- certify the laps (coordinator) ----
 * Every walker's pledges on the laps held now, or as certified; certify
 * records each station's last entry (ledger_certify), so the amounts are
 * final; reopening needs a reason. */

enum { CERTIFY_SHOW, CERTIFY_REASON };

static void
screen_certify_enter(struct kiosk *k)
{
	struct kiosk_req q;

	k->pledges.cstep = CERTIFY_SHOW;
	k->pledges.reason[0] = '\0';
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_PLEDGES;
	q.walker = 0;
	kiosk_post(k, &q);
}

static void
screen_certify_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row;
	const struct kiosk_pledges *pl = k->pledges.r != NULL ? k->pledges.r->pledges : NULL;
	int lh = k->style.line, gap = k->style.gap, y = body.y, btn = k->style.button_l;
	char line[256], a[32], b[32], c[32];
	enum kiosk_ask_result r;

	if (k->pledges.cstep == CERTIFY_REASON) {
		r = kiosk_ask(k, "Reopen the laps", "Why are the laps reopened?", k->pledges.reason,
		              sizeof k->pledges.reason, KIOSK_KB_TEXT, 0);
		if (r == KIOSK_ASK_BACK) {
			k->pledges.cstep = CERTIFY_SHOW;
			ui_invalidate(u);
		} else if (r == KIOSK_ASK_DONE && !k->waiting) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_CERTIFY_REOPEN;
			snprintf(q.annul.reason, sizeof q.annul.reason, "%s", k->pledges.reason);
			kiosk_post(k, &q);
		}
		return;
	}
	if (kiosk_header(k, "Certify laps", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	if (pl == NULL) {
		kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, lh});
		return;
	}
	ui_text(u, (struct ui_rect){body.x, y, body.w, k->style.line_l},
	        pl->certified ? "The laps are certified: pledges are final."
	                      : "The laps are not certified: pledges per lap or distance are "
	                        "not final.",
	        k->style.font.label, 1, pl->certified ? UI_OK : UI_FG, UI_LEFT);
	y += k->style.line_l;
	y += ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, 2 * lh}, pl->basis,
	                  k->style.font.hint, 0, UI_DIM, UI_LEFT);
	y += gap;
	snprintf(line, sizeof line,
	         "%zu pledges: owed %s  \xc2\xb7  paid %s  \xc2\xb7  still owed %s",
	         pl->n + pl->more, kiosk_money(pl->owed_cents, a, sizeof a),
	         kiosk_money(pl->paid_cents, b, sizeof b), kiosk_money(pl->due_cents, c, sizeof c));
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.text, 0, UI_FG,
	        UI_LEFT);
	y += lh + gap;
	ui_text_wrap(
	    u, (struct ui_rect){body.x, y, body.w, 2 * lh},
	    pl->certified
	        ? "A lap walked after this is shown, not billed. Reopen only to count late "
	          "laps; certify again after."
	        : "Certify when the walk is over: the last lap of every station held "
	          "now is what every sponsor is billed on.",
	    k->style.font.small, 0, UI_DIM, UI_LEFT);
	kiosk_draw_message(k,
	                   (struct ui_rect){body.x, body.y + body.h - btn - gap - lh, body.w, lh});
	row = (struct ui_rect){body.x + body.w / 3, body.y + body.h - btn, body.w * 2 / 3, btn};
	/* the batch for the sponsors: on the printer, or as a PDF on the stick */
	if (pl->due_cents > 0 &&
	    ui_button(u, (struct ui_rect){body.x, row.y, row.x - body.x - gap, btn},
	              "Print statements still owed", k->style.quiet, k->style.font.text) &&
	    !k->waiting) {
		kiosk_print_start(k, KIOSK_OP_STATEMENTS_PDF, 0, 0, "", SCREEN_CERTIFY);
		return;
	}
	if (!pl->certified) {
		if (ui_button(u, row, "Certify the laps now", k->style.done, k->style.font.title) &&
		    !k->waiting) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_CERTIFY;
			kiosk_post(k, &q);
		}
	} else if (ui_button(u, row, "Reopen the laps", k->style.quiet, k->style.font.title) &&
	           !k->waiting) {
		k->msg[0] = '\0';
		k->pledges.reason[0] = '\0';
		k->pledges.cstep = CERTIFY_REASON;
		ui_invalidate(u);
	}
}

static void
screen_certify_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->rc != 0) {
		kiosk_message(k, UI_BAD, "Not recorded: %s",
		              x->cause ? x->cause : "the ledger refused it.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	kiosk_keep(&k->pledges.r, x);
	*r = NULL;
	k->pledges.cstep = CERTIFY_SHOW;
	if (x->op == KIOSK_OP_CERTIFY)
		kiosk_message(k, UI_OK, "Certified (entry %lld): every sponsor's amount is final.",
		              (long long)x->seq);
	else if (x->op == KIOSK_OP_CERTIFY_REOPEN)
		kiosk_message(k, UI_FG,
		              "Reopened (entry %lld): certify again when the laps are in.",
		              (long long)x->seq);
}

const struct screen_ops screen_certify_ops = {
    .name = "certify",
    .enter = screen_certify_enter,
    .draw = screen_certify_draw,
    .reply = screen_certify_reply,
    .coordinator = SCREEN_COORDINATOR,
};
