/* screen_send.c — coordinator: Send to HQ (docs/COORDINATOR-GUIDE.md): the
 * last export, sealed as on the USB stick, posted by the wat-send service to
 * HQ's inbox named in the charter; how it goes ("Not sent yet: no network
 * — retrying every minute"), HQ's receipt as recorded in the ledger ("Sent
 * to HQ Monday 09:14, receipt #12"), or HQ's refusal in its own words.
 * Without a network the USB stick stays the way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk_export.h"
#include "kiosk_loop.h"
#include "kiosk_send.h"
#include "screens.h"
#include "util.h"

/* "Export and send": a new export into the station's own folder (no USB
 * stick needed), as the export screen makes it; sent once verified. */
static void
screen_send_export(struct kiosk *k)
{
	char *dir = xasprintf("%s.exports", k->db_path);

	if (util_mkdir(dir, 0700) != 0) {
		kiosk_message(k, UI_BAD, "The station's export folder cannot be made.");
		free(dir);
		return;
	}
	k->send_after_export = 0;
	screen_export_go(k, dir);
	free(dir);
}

static void
screen_send_enter(struct kiosk *k)
{
	k->send_off_pressed = 0;
}

static void
screen_send_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->op != KIOSK_OP_EXPORT)
		return;
	if (screen_export_run(k, x) == 0)
		k->send_after_export = 1;
}

static void
screen_send_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), r;
	int gap = k->style.margin, lh = k->style.line, rh = k->style.row_l, y = body.y;
	char line[sizeof k->send_line];
	char why[300];
	int service = 0, note, blocked;
	enum kiosk_send_mood m = kiosk_send_view(k->send, line, sizeof line, &service);
	enum ui_color c = m == KIOSK_SEND_OK        ? UI_OK
	                  : m == KIOSK_SEND_REFUSED ? UI_BAD
	                  : m == KIOSK_SEND_NONE    ? UI_FG
	                                            : UI_WARN;

	if (kiosk_header(k, "Send to HQ", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	memcpy(k->send_line, line, sizeof k->send_line);
	if (k->send_after_export) {
		snprintf(line, sizeof line, "Exporting (%lld s)\xe2\x80\xa6 then sending to HQ.",
		         (long long)((k->now_ms - k->export.started_ms) / 1000));
		c = UI_WARN;
	} else if (k->msg[0] != '\0') {
		snprintf(line, sizeof line, "%.590s", k->msg);
		c = UI_BAD;
	}
	/* training first: the ask would be refused whatever the charter says */
	if (k->st.training) {
		snprintf(why, sizeof why,
		         "Training is on: nothing of it goes to HQ. Switch training off first "
		         "(Coordinator \xe2\x86\x92 Training).");
		blocked = 1;
	} else
		blocked = kiosk_send_blocked(k->send, why, sizeof why);
	/* no HQ address: the reason is the line, before any press; a press
	 * of a send button turns it red */
	if (blocked && !k->send_after_export && k->msg[0] == '\0') {
		snprintf(line, sizeof line, "%s", why);
		c = k->send_off_pressed ? UI_BAD : UI_WARN;
	}
	y += ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, 3 * lh},
	                  "Sends the last export (sealed, as on the USB stick) to HQ's inbox named "
	                  "in the event's charter, over this station's network. HQ's receipt is "
	                  "kept in the ledger.",
	                  k->style.font.small, 0, UI_DIM, UI_LEFT) +
	     gap;
	note = service || blocked ? 0 : 3 * lh;
	r = (struct ui_rect){body.x, y, body.w, body.y + body.h - rh - gap - note - y};
	ui_fill(u, r, UI_PANEL);
	ui_fill(u, (struct ui_rect){r.x, r.y, k->style.gap_s, r.h}, c);
	ui_text_wrap(u,
	             (struct ui_rect){r.x + 2 * k->style.pad, r.y + k->style.pad,
	                              r.w - 3 * k->style.pad, r.h - 2 * k->style.pad},
	             line, k->style.font.text, 1, c == UI_WARN ? UI_FG : c, UI_LEFT);
	y += r.h + gap / 2;
	if (note > 0)
		ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, note},
		             "The network service is not running: this station has no Wi-Fi set up "
		             "(wat.conf). Export to a USB stick and take it to HQ, as before.",
		             k->style.font.small, 0, UI_FG, UI_LEFT);
	r = (struct ui_rect){body.x, body.y + body.h - rh, body.w, rh};
	if (blocked) {
		/* a press only points at the reason above */
		if (ui_button_off(u, kiosk_col(r, 0, 3, gap), "Send to HQ", k->style.font.body) |
		    ui_button_off(u, kiosk_col(r, 1, 3, gap), "Export and send",
		                  k->style.font.body)) {
			k->send_off_pressed = 1;
			ui_invalidate(u);
		}
	} else {
		/* while it retries, a press tries again now (HQ counts an export once) */
		if (ui_button(u, kiosk_col(r, 0, 3, gap), "Send to HQ", UI_OK,
		              k->style.font.body) &&
		    !k->send_after_export) {
			k->msg[0] = '\0';
			kiosk_send_ask(k->send);
		}
		if (ui_button(u, kiosk_col(r, 1, 3, gap), "Export and send", UI_OK,
		              k->style.font.body) &&
		    !k->send_after_export && !k->waiting)
			screen_send_export(k);
	}
	/* a practice ledger is not exported either (the export screen would
	 * refuse it after a press) */
	if (k->st.training) {
		if (ui_button_off(u, kiosk_col(r, 2, 3, gap), "Export to USB",
		                  k->style.font.body)) {
			k->send_off_pressed = 1;
			ui_invalidate(u);
		}
	} else if (ui_button(u, kiosk_col(r, 2, 3, gap), "Export to USB", UI_ACCENT,
	                     k->style.font.body))
		kiosk_go(k, SCREEN_EXPORT);
}

/* The line changes on the Send to HQ thread (kiosk_send wakes the loop). */
static void
screen_send_tick(struct kiosk *k)
{
	char line[sizeof k->send_line];
	int service;

	static int64_t last;

	kiosk_send_view(k->send, line, sizeof line, &service);
	if (strcmp(line, k->send_line) != 0)
		ui_invalidate(k->ui);
	if (k->send_after_export && k->export_job != NULL) {
		const struct bundle_export_result *res;
		const char *cause;
		int st = kiosk_export_result(k->export_job, &res, &cause);
		if (st == 0) {
			k->send_after_export = 0;
			kiosk_send_ask(k->send);
		} else if (st > 0) {
			k->send_after_export = 0;
			kiosk_message(k, UI_BAD, "Export failed: %s", cause ? cause : "unknown.");
		}
		if (st >= 0 || k->now_ms - last >= 1000) {
			last = k->now_ms;
			ui_invalidate(k->ui); /* the seconds count, then the outcome */
		}
	}
}

const struct screen_ops screen_send_ops = {
    .name = "send",
    .enter = screen_send_enter,
    .draw = screen_send_draw,
    .reply = screen_send_reply,
    .tick = screen_send_tick,
    .coordinator = SCREEN_COORDINATOR,
};
