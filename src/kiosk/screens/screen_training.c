/* screen_training.c — the coordinator's switch for the morning's volunteer
 * training: what it does in a volunteer's words, and one button.  The worker
 * does the switching (KIOSK_OP_TRAINING); every screen then shows the striped
 * banner (kiosk_frame). */
#include <stdio.h>
#include <string.h>

#include "screens.h"

#define SCREEN_TRAINING_OFF                                                                        \
	"Practice for volunteers before the walk. Training puts today's records aside, "           \
	"untouched, and uses a separate practice ledger. Walkers, laps and money entered "         \
	"in training do not count: they never reach HQ or another station, and receipts "          \
	"and badges print marked TRAINING. Badges printed in training work only in "               \
	"training. Switching back brings today's records back exactly as they were."

#define SCREEN_TRAINING_ON                                                                         \
	"Training is on: nothing entered now counts. Switch back before the first walker "         \
	"arrives. Today's records were put aside untouched; the practice stays in its own "        \
	"file, and training badges will not work on walk day."

static void
screen_training_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body, text, row;
	int on = k->st.training;
	struct kiosk_req q;

	if (kiosk_header(k, "Training mode", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	body = kiosk_body(k);
	text = (struct ui_rect){body.x, body.y, body.w,
	                        body.h - k->style.button - k->style.line - k->style.gap};
	ui_text_wrap(u, text, on ? SCREEN_TRAINING_ON : SCREEN_TRAINING_OFF, k->style.font.body, 0,
	             UI_FG, UI_LEFT);
	kiosk_draw_message(k, (struct ui_rect){body.x,
	                                       body.y + body.h - k->style.button - k->style.line -
	                                           k->style.gap / 2,
	                                       body.w, k->style.line});
	row = (struct ui_rect){body.x, body.y + body.h - k->style.button, body.w, k->style.button};
	if (ui_button(u, kiosk_inset(kiosk_col(row, 0, 1, 0), 0),
	              on ? "Back to the real day" : "Start training", on ? k->style.done : UI_WARN,
	              k->style.font.label) &&
	    !k->waiting) {
		memset(&q, 0, sizeof q);
		q.op = KIOSK_OP_TRAINING;
		q.training.on = !on;
		kiosk_post(k, &q);
	}
}

static void
screen_training_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Refused.");
		return;
	}
	/* the practice starts (or the day resumes) on the home screen, locked */
	kiosk_lock(k);
	kiosk_go(k, SCREEN_HOME);
	if ((*r)->st.training)
		kiosk_message(k, UI_WARN, "Training is on: nothing entered now counts.");
	else
		kiosk_message(k, UI_OK, "Training is off: back to today's real records.");
}

const struct screen_ops screen_training_ops = {
    .name = "training",
    .draw = screen_training_draw,
    .reply = screen_training_reply,
    .coordinator = SCREEN_COORDINATOR,
};
