/* screen_correct.c — undo a mistake with an annul entry: pick the entry, a
 * reason, confirm.  Nothing disappears: undone entries stay listed. */
#include <stdio.h>
#include <string.h>

#include "screens.h"

enum { CORRECT_LIST, CORRECT_REASON, CORRECT_TYPED, CORRECT_CONFIRM };

static const char *const screen_correct_reasons[] = {"Scanned twice", "Wrong walker",
                                                     "Wrong amount", "Test entry"};

static void
screen_correct_load(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_RECENT;
	q.walker = k->walker;
	kiosk_post(k, &q);
}

static void
screen_correct_enter(struct kiosk *k)
{
	k->correct.step = CORRECT_LIST;
	k->correct.seq = 0;
	k->correct.first = 0;
	k->correct.reason[0] = '\0';
	kiosk_keep(&k->list, NULL);
	screen_correct_load(k);
}

static void
screen_correct_step(struct kiosk *k, int step)
{
	k->correct.step = step;
	ui_invalidate(k->ui);
}

static const struct kiosk_recent *
screen_correct_chosen(struct kiosk *k)
{
	for (size_t i = 0; k->list != NULL && i < k->list->nrecent; i++)
		if (k->list->recent[i].seq == k->correct.seq)
			return &k->list->recent[i];
	return NULL;
}

static void
screen_correct_list(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k);
	int portrait = ui_width(u) < ui_height(u), gap = k->style.gap_s;
	int rh = portrait ? 3 * k->style.line_s : k->style.row, y, bw = k->style.back_w, fit;
	char line[256];
	size_t i, n;

	if (kiosk_header(k, k->walker ? "Correct a mistake" : "Corrections", "Back")) {
		kiosk_go(k, k->walker ? SCREEN_WALKER : SCREEN_COORD);
		return;
	}
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, k->style.line_s},
	        "Nothing is deleted: an undo is recorded with who, when and why.",
	        k->style.font.small, 0, UI_DIM, UI_LEFT);
	y = body.y + k->style.line;
	{
		/* a refusal longer than the line ("reopen the station first") takes two */
		int tw = k->msg[0] != '\0' && !k->waiting
		             ? ui_text_width(u, k->msg, k->style.font.body, 1)
		             : 0;
		int mh = tw > body.w ? (tw / body.w + 1) * k->style.line * 4 / 5 : k->style.line_s;
		kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, mh});
		y += mh + k->style.tight;
	}
	if (k->list == NULL)
		return;
	n = k->list->nrecent;
	if (n == 0)
		ui_text(u, (struct ui_rect){body.x, y, body.w, rh}, "No entries to correct.",
		        k->style.font.text, 1, UI_FG, UI_LEFT);
	/* the rows that fit; when not all do, the last row's room pages them
	 * ("Older…"), so every entry listed can be reached and undone */
	fit = (body.y + body.h - y + gap) / (rh + gap);
	if (fit < 2)
		fit = 2;
	if ((size_t)fit < n)
		fit--;
	if (k->correct.first >= n)
		k->correct.first = 0;
	for (i = k->correct.first; i < n && i < k->correct.first + (size_t)fit; i++) {
		const struct kiosk_recent *e = &k->list->recent[i];
		int can = strcmp(e->kind, "annul") != 0 && e->annulled_by == 0;
		kiosk_entry_line(e, k->walker == 0, line, sizeof line);
		ui_fill(u, (struct ui_rect){body.x, y, body.w, rh}, UI_PANEL);
		if (portrait) /* 480 wide: the entry on up to three lines beside Undo */
			ui_text_wrap(u,
			             (struct ui_rect){body.x + gap * 2, y + gap,
			                              body.w - bw - gap * 4, rh - gap},
			             line, k->style.font.small, can, can ? UI_FG : UI_DIM, UI_LEFT);
		else
			ui_text(u, (struct ui_rect){body.x + gap * 2, y, body.w - bw - gap * 4, rh},
			        line, k->style.font.body, can, can ? UI_FG : UI_DIM, UI_LEFT);
		if (can) {
			if (ui_button(u, (struct ui_rect){body.x + body.w - bw, y, bw, rh}, "Undo",
			              UI_BAD, k->style.font.text)) {
				k->correct.seq = e->seq;
				screen_correct_step(k, CORRECT_REASON);
			}
		}
		y += rh + gap;
	}
	if ((size_t)fit < n) {
		struct ui_rect row = {body.x, y, body.w, rh};
		size_t last =
		    k->correct.first + (size_t)fit < n ? k->correct.first + (size_t)fit : n;

		snprintf(line, sizeof line, "%zu\xe2\x80\x93%zu of the %zu most recent",
		         k->correct.first + 1, last, n);
		ui_text(u, kiosk_col(row, 1, 3, gap), line, k->style.font.small, 0, UI_DIM,
		        UI_CENTER);
		if (k->correct.first > 0 &&
		    ui_button(u, kiosk_col(row, 0, 3, gap), "\xe2\x80\xb9 Newer", k->style.quiet,
		              k->style.font.text)) {
			k->correct.first -=
			    k->correct.first < (size_t)fit ? k->correct.first : (size_t)fit;
			ui_invalidate(u);
		}
		if (last < n && ui_button(u, kiosk_col(row, 2, 3, gap), "Older\xe2\x80\xa6",
		                          k->style.quiet, k->style.font.text)) {
			k->correct.first = last;
			ui_invalidate(u);
		}
	}
}

static void
screen_correct_reason(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), grid;
	int gap = k->style.margin, line = k->style.line_l;
	char prompt[128];

	if (kiosk_header(k, "Correct a mistake", "Back")) {
		screen_correct_step(k, CORRECT_LIST);
		return;
	}
	if (k->walker == 0) /* the coordinator's station-wide list, by entry number */
		snprintf(prompt, sizeof prompt, "Why undo entry #%lld?", (long long)k->correct.seq);
	else
		snprintf(prompt, sizeof prompt, "Why undo it?");
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, line}, prompt, k->style.font.key, 1,
	        UI_FG, UI_LEFT);
	grid = (struct ui_rect){body.x, body.y + line + gap, body.w, body.h - line - gap};
	for (int i = 0; i < 6; i++) {
		struct ui_rect c = kiosk_col(kiosk_row(grid, i / 2, 3, gap), i % 2, 2, gap);
		if (i < 4 && ui_button(u, c, screen_correct_reasons[i], k->style.primary,
		                       k->style.font.title)) {
			snprintf(k->correct.reason, sizeof k->correct.reason, "%s",
			         screen_correct_reasons[i]);
			screen_correct_step(k, CORRECT_CONFIRM);
		} else if (i == 4 && ui_button(u, c, "Other reason\xe2\x80\xa6", k->style.quiet,
		                               k->style.font.title)) {
			k->correct.reason[0] = '\0';
			screen_correct_step(k, CORRECT_TYPED);
		}
	}
}

static void
screen_correct_post(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_ANNUL;
	q.seq = k->correct.seq;
	q.walker = k->walker;
	snprintf(q.annul.reason, sizeof q.annul.reason, "%s", k->correct.reason);
	kiosk_post(k, &q);
}

static void
screen_correct_confirm(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row;
	const struct kiosk_recent *e = screen_correct_chosen(k);
	int gap = k->style.margin, lh = k->style.line_l, y = body.y, btn = k->style.button_l;
	char line[300];

	if (kiosk_header(k, "Correct a mistake", "Back")) {
		screen_correct_step(k, CORRECT_REASON);
		return;
	}
	if (e != NULL)
		kiosk_entry_line(e, k->walker == 0, line, sizeof line);
	else
		snprintf(line, sizeof line, "The entry chosen");
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, "Undo this entry?", k->style.font.big,
	        1, UI_FG, UI_LEFT);
	y += lh + gap;
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.label, 1, UI_FG,
	        UI_LEFT);
	y += lh;
	snprintf(line, sizeof line, "Reason: %s", k->correct.reason);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.label, 0, UI_FG,
	        UI_LEFT);
	y += lh;
	snprintf(line, sizeof line, "Recorded now, by the %s. The entry stays in the ledger.",
	         k->coordinator ? "coordinator" : "volunteer");
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.body, 0, UI_DIM,
	        UI_LEFT);
	y += lh;
	/* a refusal may take several lines: all the room above the buttons */
	kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, body.y + body.h - btn - gap - y});
	row = (struct ui_rect){body.x, body.y + body.h - btn, body.w, btn};
	if (ui_button(u, kiosk_col(row, 0, 2, gap * 2), "Cancel", k->style.quiet,
	              k->style.font.title) &&
	    !k->waiting)
		screen_correct_step(k, CORRECT_LIST);
	if (ui_button(u, kiosk_col(row, 1, 2, gap * 2), "Undo it", UI_BAD, k->style.font.title) &&
	    !k->waiting)
		screen_correct_post(k);
}

static void
screen_correct_draw(struct kiosk *k)
{
	enum kiosk_ask_result r;

	switch (k->correct.step) {
	case CORRECT_LIST: screen_correct_list(k); break;
	case CORRECT_REASON: screen_correct_reason(k); break;
	case CORRECT_TYPED:
		r = kiosk_ask(k, "Correct a mistake", "Why? (a few words)", k->correct.reason,
		              sizeof k->correct.reason, KIOSK_KB_TEXT, 0);
		if (r == KIOSK_ASK_BACK)
			screen_correct_step(k, CORRECT_REASON);
		else if (r == KIOSK_ASK_DONE)
			screen_correct_step(k, CORRECT_CONFIRM);
		break;
	default: screen_correct_confirm(k); break;
	}
}

static void
screen_correct_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->rc != 0 && x->op == KIOSK_OP_ANNUL && x->need_pin && !k->coordinator) {
		/* money, or an old lap: the coordinator's PIN, then undone as confirmed */
		kiosk_unlock(k, screen_correct_post);
		kiosk_message(k, UI_FG, "%s", x->cause ? x->cause : "The coordinator's PIN.");
		return;
	}
	if (x->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "Not undone.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	if (x->op == KIOSK_OP_ANNUL) {
		if (k->walker == 0)
			kiosk_message(k, UI_OK, "Entry #%lld is undone (recorded as entry #%lld).",
			              (long long)k->correct.seq, (long long)x->seq);
		else
			kiosk_message(k, UI_OK, "Undone. It stays listed, marked undone.");
		ui_sound(k->ui, UI_SOUND_OK);
		k->correct.step = CORRECT_LIST;
	}
	kiosk_keep(&k->list, x);
	*r = NULL;
}

const struct screen_ops screen_correct_ops = {
    .name = "correct",
    .enter = screen_correct_enter,
    .draw = screen_correct_draw,
    .reply = screen_correct_reply,
    .coordinator = SCREEN_COORDINATOR_STATION,
};
