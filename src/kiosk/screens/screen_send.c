/* screen_send.c — coordinator: Send to HQ (docs/COORDINATOR-GUIDE.md): the
 * last export, sealed as on the USB stick, posted by the wat-send service to
 * HQ's inbox named in the charter; how it goes ("Not sent yet: no network
 * — retrying every minute"), HQ's receipt as recorded in the ledger ("Sent
 * to HQ Monday 09:14, receipt #12"), or HQ's refusal in its own words.
 * Without a network the USB stick stays the way. */
#include <stdio.h>
#include <string.h>

#include "kiosk_send.h"
#include "screens.h"

static void
screen_send_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), r;
	int gap = k->style.margin, lh = k->style.line, rh = k->style.row_l, y = body.y;
	char line[sizeof k->send_line];
	int service = 0, note;
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
	y += ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, 3 * lh},
	                  "Sends the last export (sealed, as on the USB stick) to HQ's inbox named "
	                  "in the event's charter, over this station's network. HQ's receipt is "
	                  "kept in the ledger.",
	                  k->style.font.small, 0, UI_DIM, UI_LEFT) +
	     gap;
	note = service ? 0 : 3 * lh;
	r = (struct ui_rect){body.x, y, body.w, body.y + body.h - rh - gap - note - y};
	ui_fill(u, r, UI_PANEL);
	ui_fill(u, (struct ui_rect){r.x, r.y, k->style.gap_s, r.h}, c);
	ui_text_wrap(u,
	             (struct ui_rect){r.x + 2 * k->style.pad, r.y + k->style.pad,
	                              r.w - 3 * k->style.pad, r.h - 2 * k->style.pad},
	             line, k->style.font.text, 1, c, UI_LEFT);
	y += r.h + gap / 2;
	if (!service)
		ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, note},
		             "The network service is not running: this station has no Wi-Fi set up "
		             "(wat.conf). Export to a USB stick and take it to HQ, as before.",
		             k->style.font.small, 0, UI_WARN, UI_LEFT);
	r = (struct ui_rect){body.x, body.y + body.h - rh, body.w, rh};
	/* while it retries, a press tries again now (HQ counts an export once) */
	if (ui_button(u, kiosk_col(r, 0, 2, gap), "Send to HQ", UI_OK, k->style.font.body))
		kiosk_send_ask(k->send);
	if (ui_button(u, kiosk_col(r, 1, 2, gap), "Export to USB", UI_ACCENT, k->style.font.body))
		kiosk_go(k, SCREEN_EXPORT);
}

/* The line changes on the Send to HQ thread (kiosk_send wakes the loop). */
static void
screen_send_tick(struct kiosk *k)
{
	char line[sizeof k->send_line];
	int service;

	kiosk_send_view(k->send, line, sizeof line, &service);
	if (strcmp(line, k->send_line) != 0)
		ui_invalidate(k->ui);
}

const struct screen_ops screen_send_ops = {
    .name = "send",
    .draw = screen_send_draw,
    .tick = screen_send_tick,
    .coordinator = SCREEN_COORDINATOR,
};
