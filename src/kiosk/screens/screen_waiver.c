/* screen_waiver.c — the event's waiver, after a walk-up registers (when the
 * event has one): the walker agrees, or a parent or guardian for a minor,
 * by name; recorded in the ledger with the waiver's version.  Then the
 * badge, as after any registration. */
#include <stdio.h>
#include <string.h>

#include "screens.h"

enum { WAIVER_TEXT, WAIVER_GUARDIAN };

static void
screen_waiver_enter(struct kiosk *k)
{
	k->waiver.step = WAIVER_TEXT;
	k->waiver.guardian[0] = '\0';
}

static void
screen_waiver_post(struct kiosk *k, const char *by)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_WAIVER;
	q.walker = k->walker;
	snprintf(q.waiver.version, sizeof q.waiver.version, "%s",
	         k->st.event.waiver_version[0] ? k->st.event.waiver_version : "1");
	snprintf(q.waiver.by, sizeof q.waiver.by, "%s", by);
	kiosk_post(k, &q);
}

static void
screen_waiver_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row, text;
	int gap = k->style.gap, lh = k->style.line_s, btn = k->style.button;
	const char *name = k->card != NULL && k->card->walker.name[0] ? k->card->walker.name : "";
	char line[300];

	if (k->waiver.step == WAIVER_GUARDIAN) {
		enum kiosk_ask_result r =
		    kiosk_ask(k, "Waiver", "The parent's or guardian's name", k->waiver.guardian,
		              sizeof k->waiver.guardian, KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK) {
			k->waiver.step = WAIVER_TEXT;
			k->msg[0] = '\0';
		} else if (r == KIOSK_ASK_DONE && !k->waiting) {
			snprintf(line, sizeof line, "guardian: %s", k->waiver.guardian);
			screen_waiver_post(k, line);
		}
		return;
	}
	if (kiosk_header(k, "Waiver", "Not now")) {
		kiosk_go(k, SCREEN_BADGE);
		kiosk_message(k, UI_BAD, "No waiver was recorded for %s.", name);
		return;
	}
	snprintf(line, sizeof line, "%s, please read (version %s):", name,
	         k->st.event.waiver_version[0] ? k->st.event.waiver_version : "1");
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, lh}, line, k->style.font.body, 1, UI_FG,
	        UI_LEFT);
	text = (struct ui_rect){body.x, body.y + lh + gap, body.w, body.h - 2 * lh - btn - 3 * gap};
	ui_text_wrap(u, text, k->st.event.waiver, k->style.font.text, 0, UI_FG, UI_LEFT);
	kiosk_draw_message(k, (struct ui_rect){body.x, text.y + text.h + gap, body.w, lh});
	row = (struct ui_rect){body.x, body.y + body.h - btn, body.w, btn};
	if (ui_button(u, kiosk_col(row, 0, 2, gap * 2), "A parent or guardian agrees",
	              k->style.primary, k->style.font.text)) {
		k->waiver.step = WAIVER_GUARDIAN;
		k->msg[0] = '\0';
	}
	if (ui_button(u, kiosk_col(row, 1, 2, gap * 2), "I agree", k->style.done,
	              k->style.font.title) &&
	    !k->waiting)
		screen_waiver_post(k, "walker");
}

static void
screen_waiver_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->op != KIOSK_OP_WAIVER)
		return;
	if ((*r)->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Not recorded.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	kiosk_go(k, SCREEN_BADGE);
	kiosk_message(k, UI_OK, "The waiver is recorded. Print the badge now?");
}

const struct screen_ops screen_waiver_ops = {
    .name = "waiver",
    .enter = screen_waiver_enter,
    .draw = screen_waiver_draw,
    .reply = screen_waiver_reply,
    .coordinator = SCREEN_ANYONE,
};
