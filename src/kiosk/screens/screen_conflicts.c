/* screen_conflicts.c — coordinator: every conflict between this station and
 * the others of the event, in people's words (ledger_event_conflicts):
 * likely duplicates to link here (Same person: one tap, a link entry),
 * other stations' requests to review this station's money, laps counted
 * once across stations, duplicates between two other stations and one
 * walker number registered to two people.  Nothing is merged or annulled
 * here without the coordinator: money and laps are annulled where they are
 * held (Corrections).  Reached from the Stations screen. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "screens.h"

#define SCREEN_CONFLICTS_REFRESH_MS 5000

static void
screen_conflicts_ask(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_CONFLICTS;
	k->stations_asked_ms = k->now_ms;
	kiosk_post(k, &q);
}

static void
screen_conflicts_enter(struct kiosk *k)
{
	kiosk_keep(&k->list, NULL);
	screen_conflicts_ask(k);
}

/* What each kind is, as a heading, and its mark. */
static const struct {
	const char *head;
	enum ui_color mark;
} screen_conflicts_kinds[] = {
    [LEDGER_CONFLICT_DUPLICATE] = {"Likely the same person", UI_WARN},
    [LEDGER_CONFLICT_REVIEW] = {"Money to review here", UI_BAD},
    [LEDGER_CONFLICT_LAPS] = {"A lap counted at two stations", UI_WARN},
    [LEDGER_CONFLICT_PEER_DUPLICATE] = {"Likely the same person, at two other stations", UI_DIM},
    [LEDGER_CONFLICT_NUMBER] = {"One walker number, two people", UI_BAD},
    [LEDGER_CONFLICT_LAP_REVIEW] = {"A lap reviewed otherwise at two stations", UI_WARN},
};

static void
screen_conflicts_link(struct kiosk *k, const struct ledger_conflict *x)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_LINK;
	q.walker = x->walker;
	snprintf(q.link.station, sizeof q.link.station, "%s", x->station);
	q.link.other = x->other;
	kiosk_post(k, &q);
}

static void
screen_conflicts_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k);
	const struct kiosk_reply *x = k->list;
	int gap = k->style.gap_s, lh = k->style.line_s, bw = k->style.col_w, pad = k->style.pad;
	int th = 2 * lh + k->style.tight, rh = th + lh + 2 * k->style.tight;
	int y, bottom = body.y + body.h;
	size_t i, shown = 0;
	char line[96];

	if (kiosk_header(k, "Conflicts", "Back")) {
		kiosk_go(k, SCREEN_STATIONS);
		return;
	}
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, lh},
	        "Between this station and the others. Nothing is merged or annulled by itself.",
	        k->style.font.small, 0, UI_DIM, UI_LEFT);
	y = body.y + lh;
	kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, lh});
	y += lh + k->style.tight;
	if (x == NULL)
		return;
	if (x->op == KIOSK_OP_CONFLICTS && x->rc != 0) {
		ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, bottom - y},
		             x->cause != NULL ? x->cause : "Refused.", k->style.font.body, 1,
		             UI_BAD, UI_LEFT);
		return;
	}
	if (x->nconflicts_all == 0) {
		ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, 3 * lh},
		             "No conflicts with the other stations: no likely duplicates, no money "
		             "to review, no lap counted at two stations.",
		             k->style.font.body, 0, UI_FG, UI_LEFT);
		return;
	}
	for (i = 0; i < x->nconflicts; i++) {
		const struct ledger_conflict *c = &x->conflicts[i];
		int can_link = c->kind == LEDGER_CONFLICT_DUPLICATE;
		int tw = body.w - 2 * pad - k->style.gap_s - (can_link ? bw + gap : 0);
		struct ui_rect row = {body.x, y, body.w, rh};

		if (y + rh + (i + 1 < x->nconflicts_all ? lh : 0) > bottom)
			break;
		ui_fill(u, row, UI_PANEL);
		ui_fill(u, (struct ui_rect){row.x, y, k->style.gap_s, rh},
		        screen_conflicts_kinds[c->kind].mark);
		ui_text(u, (struct ui_rect){row.x + pad, y + k->style.tight, tw, lh},
		        screen_conflicts_kinds[c->kind].head, k->style.font.small, 1, UI_FG,
		        UI_LEFT);
		ui_text_wrap(u, (struct ui_rect){row.x + pad, y + lh + k->style.tight, tw, th},
		             c->text, k->style.font.hint, 0, UI_FG, UI_LEFT);
		/* keyed by the pair: when the list moves up after a link, the next
		 * row's button is a new one and a double tap does not reach it */
		if (can_link &&
		    ui_button_keyed(u,
		                    (struct ui_rect){row.x + row.w - bw - pad,
		                                     y + (rh - k->style.row) / 2, bw, k->style.row},
		                    "Same person", ((uint64_t)c->walker << 32) | c->other, UI_OK,
		                    k->style.font.text) &&
		    !k->waiting)
			screen_conflicts_link(k, c);
		y += rh + gap;
		shown++;
	}
	if (shown < x->nconflicts_all) {
		snprintf(line, sizeof line, "and %zu more below: these first",
		         x->nconflicts_all - shown);
		ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.small, 0,
		        UI_DIM, UI_LEFT);
	}
}

static void
screen_conflicts_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->op == KIOSK_OP_LINK) {
		if (x->rc != 0)
			kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "That did not work.");
		else
			kiosk_message(k, UI_OK, "%s",
			              "Linked: recorded as an entry of this station.");
		screen_conflicts_ask(k); /* the list without that pair */
		return;
	}
	kiosk_keep(&k->list, x);
	*r = NULL;
}

static void
screen_conflicts_tick(struct kiosk *k)
{
	if (!k->waiting && k->now_ms - k->stations_asked_ms >= SCREEN_CONFLICTS_REFRESH_MS)
		screen_conflicts_ask(k);
}

const struct screen_ops screen_conflicts_ops = {
    .name = "conflicts",
    .enter = screen_conflicts_enter,
    .draw = screen_conflicts_draw,
    .reply = screen_conflicts_reply,
    .tick = screen_conflicts_tick,
    .coordinator = SCREEN_COORDINATOR,
};
