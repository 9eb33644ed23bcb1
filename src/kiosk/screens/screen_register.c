/* screen_register.c — a walk-up registration: name, optional team and email,
 * then the new walker's badge QR. */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_register_enter(struct kiosk *k)
{
	k->reg.step = 0;
	k->reg.name[0] = k->reg.team[0] = k->reg.email[0] = '\0';
}

static void
screen_register_step(struct kiosk *k, int step)
{
	k->reg.step = step;
	k->msg[0] = '\0';
	ui_invalidate(k->ui);
}

static void
screen_register_draw(struct kiosk *k)
{
	enum kiosk_ask_result r;
	struct kiosk_req q;

	switch (k->reg.step) {
	case 0:
		r = kiosk_ask(k, "New walker", "Walker's name", k->reg.name, sizeof k->reg.name,
		              KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK)
			kiosk_go(k, SCREEN_HOME);
		else if (r == KIOSK_ASK_DONE)
			screen_register_step(k, 1);
		break;
	case 1:
		r = kiosk_ask(k, "New walker", "Team (optional)", k->reg.team, sizeof k->reg.team,
		              KIOSK_KB_NAME, 1);
		if (r == KIOSK_ASK_BACK)
			screen_register_step(k, 0);
		else if (r != KIOSK_ASK_NONE)
			screen_register_step(k, 2);
		break;
	default:
		r = kiosk_ask(k, "New walker", "Email (optional)", k->reg.email,
		              sizeof k->reg.email, KIOSK_KB_EMAIL, 1);
		if (r == KIOSK_ASK_BACK) {
			screen_register_step(k, 1);
		} else if (r != KIOSK_ASK_NONE) {
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_ADD;
			snprintf(q.add.name, sizeof q.add.name, "%s", k->reg.name);
			snprintf(q.add.team, sizeof q.add.team, "%s", k->reg.team);
			snprintf(q.add.email, sizeof q.add.email, "%s", k->reg.email);
			kiosk_post(k, &q);
		}
		break;
	}
}

static void
screen_register_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0) {
		k->reg.step = 0;
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Not registered.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	k->walker = (*r)->walker.id;
	kiosk_keep(&k->card, *r);
	*r = NULL;
	ui_sound(k->ui, UI_SOUND_OK);
	kiosk_go(k, k->st.event.waiver[0] != '\0' ? SCREEN_WAIVER : SCREEN_BADGE);
}

const struct screen_ops screen_register_ops = {
    .name = "register",
    .enter = screen_register_enter,
    .draw = screen_register_draw,
    .reply = screen_register_reply,
    .coordinator = SCREEN_ANYONE,
};
