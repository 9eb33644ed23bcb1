/* screen_pack.c — a second station (lap point) of the same event, on the
 * touchscreen alone: the coordinator writes the event pack to a USB stick on
 * the first station ("pack"), and the second station joins the event from it
 * on its first start ("join").  The pack is read, written and joined by the
 * worker (event_pack.h, as `watctl event-pack` does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "event_pack.h"
#include "screens.h"
#include "util.h"

/* ---- coordinator: the event pack to a USB stick ----------------------------- */

static void
screen_pack_enter(struct kiosk *k)
{
	kiosk_keep(&k->list, NULL); /* the last write's reply */
}

static void
screen_pack_write(struct kiosk *k)
{
	kiosk_post_usb(k, KIOSK_OP_PACK_EXPORT);
}

static void
screen_pack_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k);
	struct kiosk_reply *x = k->list;
	int gap = k->style.margin, lh = k->style.line_s, rh = k->style.row_l, y = body.y;
	int done = x != NULL && x->rc == 0;
	char line[KIOSK_PATH_MAX + 600];

	/* the menu's shorter name on a portrait panel's narrow header */
	if (kiosk_header(
	        k, ui_width(u) < ui_height(u) ? "Event pack to USB" : "Event pack to USB stick",
	        "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	if (!done) {
		ui_text(u, (struct ui_rect){body.x, y, body.w, lh},
		        "For a second station (lap point) of this event", k->style.font.text, 1,
		        UI_FG, UI_LEFT);
		y += lh + gap / 2;
		ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, 3 * lh},
		             "The pack is one file on the USB stick. It holds this event, its "
		             "settings and its badge key, so that badges made on either station "
		             "work on both. Each station keeps its own ledger; HQ merges them.",
		             k->style.font.small, 0, UI_FG, UI_LEFT);
		y += 3 * lh + gap;
		if (ui_button(u, (struct ui_rect){body.x, y, body.w, rh},
		              x == NULL ? "Write the event pack to the USB stick" : "Try again",
		              k->style.primary, k->style.font.label) &&
		    !k->waiting) {
			screen_pack_write(k); /* frees x */
			return;
		}
		y += rh + gap;
		if (k->waiting)
			kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, lh});
		else if (x != NULL)
			ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, body.y + body.h - y},
			             x->cause != NULL ? x->cause : "The pack was not written.",
			             k->style.font.body, 1, UI_BAD, UI_LEFT);
		return;
	}
	{
		/* the key: a QR code on the right (above Done), its groups on the
		 * left under the steps, large */
		int side =
		    body.h - rh - gap < body.w / 2 - gap ? body.h - rh - gap : body.w / 2 - gap;
		struct ui_rect qr = {body.x + body.w - side, body.y, side, side};
		int tw = body.w - side - 2 * gap;
		char groups[sizeof x->pack.key];

		ui_qr(u, qr, x->pack.qr);
		snprintf(groups, sizeof groups, "%s", x->pack.key);
		for (char *c = groups; *c != '\0'; c++)
			if (*c == '-')
				*c = ' ';
		ui_fill(u, (struct ui_rect){body.x, y, tw, 2 * lh}, UI_OK);
		ui_text(u, (struct ui_rect){body.x + gap, y, tw - 2 * gap, 2 * lh},
		        "Event pack written, sealed", k->style.font.label, 1, UI_WHITE, UI_CENTER);
		y += 2 * lh + gap;
		{
			/* the file's name on the stick; the stick's own path says nothing */
			const char *base = strrchr(x->pack.file, '/');
			snprintf(line, sizeof line, "File: %s",
			         base != NULL ? base + 1 : x->pack.file);
		}
		y += ui_text_wrap(u, (struct ui_rect){body.x, y, tw, 2 * lh}, line,
		                  k->style.font.small, 1, UI_FG, UI_LEFT) +
		     gap / 2;
		y += ui_text_wrap(u, (struct ui_rect){body.x, y, tw, 5 * lh},
		                  "1. Take the stick to the other station (a new, empty one). On "
		                  "its first start, tap \xe2\x80\x9cStart from HQ's event file or "
		                  "a pack\xe2\x80\x9d and tap this file.",
		                  k->style.font.small, 0, UI_FG, UI_LEFT) +
		     gap / 2;
		y += ui_text_wrap(u, (struct ui_rect){body.x, y, tw, 4 * lh},
		                  "2. It asks for the key: scan this QR code with its scanner or "
		                  "camera, or type the 7 groups below.",
		                  k->style.font.small, 0, UI_FG, UI_LEFT) +
		     gap / 2;
		y += ui_text_wrap(u, (struct ui_rect){body.x, y, tw, 3 * lh}, groups,
		                  k->style.font.label, 1, UI_FG, UI_LEFT) +
		     gap / 2;
		util_wipe(groups, sizeof groups);
		/* left of Done: the whole height is free */
		ui_text_wrap(u, (struct ui_rect){body.x, y, tw, body.y + body.h - y},
		             "Without this key the file shows nothing. Keep the key off the stick; "
		             "delete the file once joined.",
		             k->style.font.small, 1, UI_BAD, UI_LEFT);
	}
	if (ui_button(u,
	              (struct ui_rect){body.x + body.w - k->style.col_w, body.y + body.h - rh,
	                               k->style.col_w, rh},
	              "Done", k->style.done, k->style.font.label))
		kiosk_go(k, SCREEN_COORD);
}

static void
screen_pack_reply(struct kiosk *k, struct kiosk_reply **r)
{
	ui_sound(k->ui, (*r)->rc == 0 ? UI_SOUND_OK : UI_SOUND_ERROR);
	kiosk_keep(&k->list, *r);
	*r = NULL;
}

const struct screen_ops screen_pack_ops = {
    .name = "pack",
    .enter = screen_pack_enter,
    .draw = screen_pack_draw,
    .reply = screen_pack_reply,
    .coordinator = SCREEN_COORDINATOR,
};

/* ---- first start: join an event from a USB stick ---------------------------- */

enum { JOIN_LIST, JOIN_KEY, JOIN_ID };

static void
screen_join_list(struct kiosk *k)
{
	kiosk_post_usb(k, KIOSK_OP_PACK_LIST);
}

static void
screen_join_enter(struct kiosk *k)
{
	k->join.step = JOIN_LIST;
	k->join.path[0] = '\0';
	util_wipe(k->join.key, sizeof k->join.key);
	k->join.station[0] = '\0';
	kiosk_keep(&k->join.pack, NULL);
	screen_join_list(k);
}

static void screen_join_read(struct kiosk *k);

/* A pack tapped: its key comes next.  HQ's event file (a charter) needs
 * none: it is checked against HQ's key and set up from straight away. */
static void
screen_join_pick(struct kiosk *k, const char *dir, const char *name)
{
	size_t n = strlen(name), sl = strlen(".charter");

	snprintf(k->join.path, sizeof k->join.path, "%s/%s", dir, name);
	util_wipe(k->join.key, sizeof k->join.key);
	if (n > sl && strcasecmp(name + n - sl, ".charter") == 0) {
		screen_join_read(k);
		return;
	}
	k->join.step = JOIN_KEY;
	kiosk_message(k, UI_FG, "Pack: %s", name);
}

/* Opened on the worker with the key (k->join.key): refused in words, or
 * the event shown and this station's id asked. */
static void
screen_join_read(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_PACK_READ;
	snprintf(q.path, sizeof q.path, "%s", k->join.path);
	snprintf(q.join.key, sizeof q.join.key, "%s", k->join.key);
	k->msg[0] = '\0';
	kiosk_post(k, &q);
	util_wipe(q.join.key, sizeof q.join.key);
}

int
screen_join_scanned(struct kiosk *k, const char *code)
{
	if (k->screen != SCREEN_JOIN || k->join.step != JOIN_KEY ||
	    strncasecmp(code, EVENT_PACK_QR_PREFIX, strlen(EVENT_PACK_QR_PREFIX)) != 0)
		return 0;
	if (!k->waiting) {
		snprintf(k->join.key, sizeof k->join.key, "%s", code);
		screen_join_read(k);
	}
	return 1;
}

static void
screen_join_post(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_PACK_JOIN;
	snprintf(q.path, sizeof q.path, "%s", k->join.path);
	snprintf(q.join.station, sizeof q.join.station, "%s", k->join.station);
	snprintf(q.join.key, sizeof q.join.key, "%s", k->join.key);
	k->coordinator = 1; /* as the set-up: whoever sets the station up */
	kiosk_post(k, &q);
	util_wipe(q.join.key, sizeof q.join.key);
}

/* On the home screen: joined, and what is left to do. */
static void
screen_join_home(struct kiosk *k)
{
	struct kiosk_reply *x = k->join.pack;
	int notes = x != NULL && x->notes != NULL;

	kiosk_go(k, SCREEN_HOME);
	if (x != NULL && strcmp(x->pack.from, "HQ") == 0) {
		kiosk_message(
		    k, UI_OK,
		    "Station %s set up from HQ's event file. Keep the stick safe: it holds "
		    "the event key.",
		    k->st.event.station);
		return;
	}
	kiosk_message(k, notes ? UI_WARN : UI_OK,
	              notes
	                  ? "Station %s joined the event, but some settings were not copied: "
	                    "check them in Event settings."
	                  : "Station %s joined the event. Now delete the pack from the USB stick.",
	              k->st.event.station);
}

static void
screen_join_list_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), left, right;
	struct kiosk_reply *x = k->list;
	int gap = k->style.gap, rh = k->style.row, lh = k->style.line_s, y;
	char line[KIOSK_PATH_MAX + 160];

	if (kiosk_header(k, "Start from a USB stick", "Back")) {
		kiosk_go(k, SCREEN_SETUP);
		return;
	}
	kiosk_halves(k, body, gap, &left, &right);
	ui_text(u, (struct ui_rect){left.x, left.y, left.w, lh},
	        "Event files on the USB stick:", k->style.font.body, 1, UI_FG, UI_LEFT);
	y = left.y + lh + gap;
	if (x != NULL && x->op == KIOSK_OP_PACK_LIST && x->rc == 0) {
		for (size_t i = 0;
		     i < x->nfound && i < KIOSK_FIND_MAX && y + rh <= left.y + left.h - rh - gap;
		     i++, y += rh + gap) {
			const struct kiosk_found *f = &x->found[i];
			if (ui_button(u, (struct ui_rect){left.x, y, left.w, rh}, f->name,
			              k->style.primary, k->style.font.text) &&
			    !k->waiting && f->id < x->nsticks)
				screen_join_pick(k, x->sticks[f->id], f->name);
		}
		if (x->nsticks == 0)
			ui_text_wrap(
			    u, (struct ui_rect){left.x, y, left.w, 2 * lh},
			    "No USB stick found. Plug it in, wait a moment, then look again.",
			    k->style.font.body, 0, UI_DIM, UI_LEFT);
		else if (x->nfound == 0)
			ui_text_wrap(u, (struct ui_rect){left.x, y, left.w, 2 * lh},
			             "No event file (.charter from HQ, or .pack) on the stick.",
			             k->style.font.body, 0, UI_DIM, UI_LEFT);
	}
	if (ui_button(u, (struct ui_rect){left.x, left.y + left.h - rh, left.w, rh}, "Look again",
	              k->style.quiet, k->style.font.text) &&
	    !k->waiting) {
		k->msg[0] = '\0';
		screen_join_list(k); /* frees x */
		return;
	}
	snprintf(line, sizeof line,
	         "The first station: tap HQ's event file (.charter; its .event.key must be "
	         "beside it).\nA further station: on the first one, Coordinator \xe2\x86\x92 "
	         "Event pack to USB stick, then tap the pack here: this station joins the same "
	         "event, with its own id and its own ledger.%s%s",
	         x != NULL && x->nsticks == 1 ? "\nUSB stick: " : "",
	         x != NULL && x->nsticks == 1 ? x->sticks[0] : "");
	/* a refusal (a damaged pack, a wrong key) takes the column: it is what to read now */
	if (k->msg[0] != '\0' && !k->waiting)
		y = right.y;
	else
		y = right.y +
		    ui_text_wrap(u, (struct ui_rect){right.x, right.y, right.w, 6 * lh}, line,
		                 k->style.font.hint, 0, UI_DIM, UI_LEFT) +
		    2 * gap;
	kiosk_draw_message(k, (struct ui_rect){right.x, y, right.w, right.y + right.h - y});
}

static void
screen_join_draw(struct kiosk *k)
{
	const struct kiosk_pack *p = k->join.pack != NULL ? &k->join.pack->pack : NULL;
	enum kiosk_ask_result r;
	char title[200], prompt[200];

	switch (k->join.step) {
	case JOIN_LIST: screen_join_list_draw(k); break;
	case JOIN_KEY:
		/* a scanner types the QR code's text and Enter into the field */
		r = kiosk_ask(k, "The event pack's key",
		              "Scan the QR code on the first station, or type its 7 groups",
		              k->join.key, sizeof k->join.key, KIOSK_KB_TEXT, 0);
		if (r == KIOSK_ASK_BACK) {
			k->join.step = JOIN_LIST;
			util_wipe(k->join.key, sizeof k->join.key);
			k->msg[0] = '\0';
		} else if (r == KIOSK_ASK_DONE && !k->waiting) {
			screen_join_read(k);
		}
		break;
	case JOIN_ID:
		snprintf(title, sizeof title, "%s \xe2\x80\x9c%s\xe2\x80\x9d",
		         p != NULL && strcmp(p->from, "HQ") == 0 ? "Set up" : "Join",
		         p ? p->name : "");
		if (p != NULL && strcmp(p->from, "HQ") == 0)
			snprintf(prompt, sizeof prompt, "This station's id (HQ's event file)");
		else
			snprintf(prompt, sizeof prompt,
			         "This station's own id (the pack is from %s)", p ? p->from : "?");
		r = kiosk_ask(k, title, prompt, k->join.station, sizeof k->join.station,
		              KIOSK_KB_TEXT, 0);
		if (r == KIOSK_ASK_BACK) {
			k->join.step = JOIN_LIST;
			k->msg[0] = '\0';
		} else if (r == KIOSK_ASK_DONE) {
			screen_join_post(k);
		}
		break;
	default: break;
	}
}

static void
screen_join_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	switch (x->op) {
	case KIOSK_OP_PACK_LIST:
		if (x->rc != 0)
			kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "No USB stick.");
		kiosk_keep(&k->list, x);
		*r = NULL;
		break;
	case KIOSK_OP_PACK_READ:
		if (x->rc != 0) {
			/* still asking for the key: a typo is fixed in place */
			kiosk_message(k, UI_BAD, "%s",
			              x->cause ? x->cause : "The pack was refused.");
			ui_sound(k->ui, UI_SOUND_ERROR);
			break;
		}
		snprintf(k->join.station, sizeof k->join.station, "%s", x->pack.next);
		kiosk_keep(&k->join.pack, x);
		*r = NULL;
		k->join.step = JOIN_ID;
		kiosk_message(k, UI_FG, "Event: %s, %s, %s", k->join.pack->pack.name,
		              k->join.pack->pack.city, k->join.pack->pack.date);
		break;
	case KIOSK_OP_PACK_JOIN:
		if (x->rc != 0) {
			kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "Not joined.");
			ui_sound(k->ui, UI_SOUND_ERROR);
			break;
		}
		ui_sound(k->ui, UI_SOUND_OK);
		kiosk_keep(&k->join.pack, x);
		*r = NULL;
		screen_join_home(k); /* its PIN was chosen first, before anything else */
		break;
	default: break;
	}
}

const struct screen_ops screen_join_ops = {
    .name = "join",
    .enter = screen_join_enter,
    .draw = screen_join_draw,
    .reply = screen_join_reply,
    .coordinator = SCREEN_ANYONE,
};
