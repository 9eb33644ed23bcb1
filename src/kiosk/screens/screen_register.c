/* screen_register.c — a walk-up registration: name, optional team and email,
 * then the new walker's badge QR. */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_register_enter(struct kiosk *k)
{
	k->step = 0;
	k->a[0] = k->b[0] = k->c[0] = '\0';
}

static void
screen_register_step(struct kiosk *k, int step)
{
	k->step = step;
	k->msg[0] = '\0';
	ui_invalidate(k->ui);
}

static void
screen_register_draw(struct kiosk *k)
{
	enum kiosk_ask_result r;
	struct kiosk_req q;

	switch (k->step) {
	case 0:
		r = kiosk_ask(k, "New walker", "Walker's name", k->a, sizeof k->a, KIOSK_KB_NAME,
		              0);
		if (r == KIOSK_ASK_BACK)
			kiosk_go(k, SCREEN_HOME);
		else if (r == KIOSK_ASK_DONE)
			screen_register_step(k, 1);
		break;
	case 1:
		r = kiosk_ask(k, "New walker", "Team (optional)", k->b, sizeof k->b, KIOSK_KB_NAME,
		              1);
		if (r == KIOSK_ASK_BACK)
			screen_register_step(k, 0);
		else if (r != KIOSK_ASK_NONE)
			screen_register_step(k, 2);
		break;
	default:
		r = kiosk_ask(k, "New walker", "Email (optional)", k->c, sizeof k->c,
		              KIOSK_KB_EMAIL, 1);
		if (r == KIOSK_ASK_BACK) {
			screen_register_step(k, 1);
		} else if (r != KIOSK_ASK_NONE) {
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_ADD;
			snprintf(q.a, sizeof q.a, "%s", k->a);
			snprintf(q.b, sizeof q.b, "%s", k->b);
			snprintf(q.c, sizeof q.c, "%s", k->c);
			kiosk_post(k, &q);
		}
		break;
	}
}

static void
screen_register_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0) {
		k->step = 0;
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Not registered.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	k->walker = (*r)->walker.id;
	kiosk_keep(&k->card, *r);
	*r = NULL;
	ui_sound(k->ui, UI_SOUND_OK);
	kiosk_go(k, SCREEN_BADGE);
}

const struct screen_ops screen_register_ops = {"register", screen_register_enter,
                                               screen_register_draw, screen_register_reply, NULL};
