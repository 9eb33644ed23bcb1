/* screen_stations.c — coordinator: the other stations of the event as
 * wat-sync reaches them (docs/SYNC.md): each by what it does and its id,
 * when it was last reached (in the station's time zone), the entries of it
 * held here, its clock against this one's, and in words a peer refused
 * (not of this event, an altered entry, a forged chain head) or one that
 * speaks a newer format.  Refreshed every few seconds while on show.
 * Conflicts opens the list of conflicts between them (screen_conflicts.c).
 * Without a network, "Read a station's stick" reads the other stations'
 * entries files their exports wrote on the USB stick (docs/SYNC.md
 * "Without a network"), checked as an exchange checks a peer.  Above the
 * buttons, the event's own Wi-Fi (sync_wifi_derive, what board/'s
 * NETWORK=offer|join uses), so a coordinator can join a laptop or phone. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules.h"
#include "screens.h"
#include "util.h"

#define SCREEN_STATIONS_REFRESH_MS 2000

static void
screen_stations_ask(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_STATIONS;
	k->stations_asked_ms = k->now_ms;
	kiosk_post(k, &q);
}

static void
screen_stations_enter(struct kiosk *k)
{
	kiosk_keep(&k->list, NULL);
	k->stations_note[0] = '\0';
	k->stations_reading = 0;
	screen_stations_ask(k);
}

/* Reads the entries files on the stick (the kiosk's --usb folder, else the
 * mounted sticks); the list stays on show meanwhile. */
static void
screen_stations_read(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_READ_STICK;
	snprintf(q.path, sizeof q.path, "%s", k->usb_given ? k->usb_dir : "");
	snprintf(k->stations_note, sizeof k->stations_note, "Reading the USB stick…");
	k->stations_note_bad = 0;
	k->stations_reading = 1;
	kiosk_post(k, &q);
}

/* "Lap point T2": what the station does, as the coordinator names it. */
static void
screen_stations_name(const struct kiosk_station *s, char *out, size_t len)
{
	const char *what = s->role == RULES_ROLE_LAP       ? "Lap point"
	                   : s->role == RULES_ROLE_WELCOME ? "Welcome table"
	                                                   : "Station";

	if (s->station[0] == '\0')
		snprintf(out, len, "A station at %s", s->addr);
	else if (!s->held) /* refused before anything was held: its name is its own claim */
		snprintf(out, len, "A station at %s (it says %s)", s->addr, s->station);
	else
		snprintf(out, len, "%s %s", what, s->station);
}

static int64_t
screen_stations_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "seen 3 s ago", "seen 4 min ago", "not seen since 10:42" (the process's
 * zone is the station's: kiosk_worker sets it). */
static void
screen_stations_seen(int64_t seen_ms, int64_t now_ms, char *out, size_t len)
{
	int64_t ago = (now_ms - seen_ms) / 1000;
	time_t t = (time_t)(seen_ms / 1000);
	struct tm tm;
	char hm[16] = "?";

	if (seen_ms <= 0) {
		snprintf(out, len, "never reached");
		return;
	}
	if (ago < 0)
		ago = 0;
	if (ago < 60)
		snprintf(out, len, "seen %" PRId64 " s ago", ago);
	else if (ago < 5 * 60)
		snprintf(out, len, "seen %" PRId64 " min ago", ago / 60);
	else {
		if (localtime_r(&t, &tm) != NULL)
			strftime(hm, sizeof hm, ago < 20 * 3600 ? "%H:%M" : "%b %d %H:%M", &tm);
		snprintf(out, len, "not seen since %s", hm);
	}
}

static void
screen_stations_clock(int64_t offset_ms, char *out, size_t len)
{
	int64_t s = (offset_ms < 0 ? -offset_ms : offset_ms) / 1000;

	if (s < 2)
		snprintf(out, len, "clock agrees");
	else if (s < 120)
		snprintf(out, len, "clock %" PRId64 " s %s", s, offset_ms > 0 ? "ahead" : "behind");
	else
		snprintf(out, len, "clock %" PRId64 " min %s: check its time", s / 60,
		         offset_ms > 0 ? "ahead" : "behind");
}

static void
screen_stations_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k);
	const struct kiosk_reply *x = k->list;
	int gap = k->style.gap, lh = k->style.line_s, y = body.y;
	int portrait = ui_width(u) < ui_height(u);
	int wifi = portrait && x != NULL && x->wifi_ssid[0] != '\0' ? k->style.button + gap : 0;
	int64_t now = screen_stations_wall_ms();
	char name[96], seen[64], clock[64], line[512];

	if (kiosk_header(k, "Stations", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	/* below the stations: the list of conflicts between them, the stick's
	 * button beside it, and what the stick gave above them */
	{
		int bh = k->style.button, nh = k->stations_note[0] != '\0' ? 3 * lh : 0;
		int cw = k->style.col_w;
		struct ui_rect cr = {body.x, body.y + body.h - bh, cw, bh};
		/* narrow enough to leave the event's Wi-Fi room beside them */
		struct ui_rect br = {body.x + cw + gap, cr.y, k->style.col_w * 3 / 2, bh};

		if (portrait) { /* the two buttons share the width; the Wi-Fi goes above */
			cr = kiosk_col((struct ui_rect){body.x, cr.y, body.w, bh}, 0, 2, gap);
			br = kiosk_col((struct ui_rect){body.x, cr.y, body.w, bh}, 1, 2, gap);
		}
		body.h -= bh + gap + (nh > 0 ? nh + gap : 0) + wifi;
		if (nh > 0)
			ui_text_wrap(u, (struct ui_rect){body.x, cr.y - gap - nh, body.w, nh},
			             k->stations_note, k->style.font.small, 0,
			             k->stations_note_bad ? UI_BAD : UI_OK, UI_LEFT);
		if (!k->stations_reading && ui_button(u, br, "Read a station's stick",
		                                      k->style.primary, k->style.font.text))
			screen_stations_read(k);
		if (ui_button(u, cr, "Conflicts", UI_ACCENT, k->style.font.body)) {
			kiosk_go(k, SCREEN_CONFLICTS);
			return;
		}
	}
	/* the event's own Wi-Fi, in three short lines beside the buttons */
	if (x != NULL && x->wifi_ssid[0] != '\0') {
		int wx = body.x + k->style.col_w * 5 / 2 + 2 * gap;
		int wy = body.y + body.h + gap, wh = k->style.button / 3;
		int ww = body.x + body.w - wx;

		if (portrait)
			wx = body.x, ww = body.w;
		else if (k->stations_note[0] != '\0')
			wy += 3 * lh + gap;
		ui_text(u, (struct ui_rect){wx, wy, ww, wh},
		        "The stations' own Wi-Fi:", k->style.font.hint, 1, UI_FG, UI_LEFT);
		snprintf(line, sizeof line, "%s, passphrase", x->wifi_ssid);
		ui_text(u, (struct ui_rect){wx, wy + wh, ww, wh}, line, k->style.font.hint, 0,
		        UI_FG, UI_LEFT);
		ui_text(u, (struct ui_rect){wx, wy + 2 * wh, ww, wh}, x->wifi_psk,
		        k->style.font.hint, 1, UI_FG, UI_LEFT);
	}
	if (x == NULL) {
		kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, lh});
		return;
	}
	if (x->rc != 0) {
		ui_text_wrap(u, body, x->cause != NULL ? x->cause : "Refused.", k->style.font.body,
		             1, UI_BAD, UI_LEFT);
		return;
	}
	if (x->nstations == 0) {
		ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, (portrait ? 8 : 4) * lh},
		             "No other station of this event reached yet. Stations find each other "
		             "on the local network (or by the addresses in wat.conf, SYNC_PEERS) "
		             "when wat-sync runs on each; without a network, read a station's "
		             "stick below. This station works alone meanwhile.",
		             k->style.font.body, 0, UI_FG, UI_LEFT);
		return;
	}
	for (size_t i = 0; i < x->nstations && y < body.y + body.h - lh; i++) {
		const struct kiosk_station *s = &x->stations[i];
		int rows = s->refused || s->newer ? 4 : 2, h = rows * lh + gap;
		enum ui_color mark = s->refused ? UI_BAD : s->newer ? UI_WARN : UI_OK;

		if (!s->refused && !s->newer && now - s->seen_wall_ms > 60 * 1000)
			mark = UI_DIM;
		ui_fill(u, (struct ui_rect){body.x, y, body.w, h - gap}, UI_PANEL);
		ui_fill(u, (struct ui_rect){body.x, y, k->style.gap_s, h - gap}, mark);
		screen_stations_name(s, name, sizeof name);
		if (s->held) {
			screen_stations_seen(s->seen_wall_ms, now, seen, sizeof seen);
			snprintf(line, sizeof line, "%s: %s", name, seen);
		} else
			snprintf(line, sizeof line, "%s", name);
		ui_text(u,
		        (struct ui_rect){body.x + k->style.pad, y, body.w - 2 * k->style.pad, lh},
		        line, k->style.font.text, 1, UI_FG, UI_LEFT);
		if (s->held) {
			screen_stations_clock(s->offset_ms, clock, sizeof clock);
			snprintf(line, sizeof line, "%" PRId64 " of its entries held here, %s",
			         s->entries, clock);
		} else
			snprintf(line, sizeof line, "nothing of it held here");
		ui_text(
		    u,
		    (struct ui_rect){body.x + k->style.pad, y + lh, body.w - 2 * k->style.pad, lh},
		    line, k->style.font.small, 0, UI_DIM, UI_LEFT);
		if (s->refused)
			snprintf(line, sizeof line, "Refused: %s", s->text);
		else if (s->newer)
			snprintf(
			    line, sizeof line,
			    "%s speaks a newer format: update this station; its own work goes on.",
			    name);
		if (rows > 2)
			ui_text_wrap(u,
			             (struct ui_rect){body.x + k->style.pad, y + 2 * lh,
			                              body.w - 2 * k->style.pad, 2 * lh},
			             line, k->style.font.small, 1, s->refused ? UI_BAD : UI_FG,
			             UI_LEFT);
		y += h;
	}
}

static void
screen_stations_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->op == KIOSK_OP_READ_STICK) {
		const char *said = (*r)->rc == 0 ? (*r)->notes : (*r)->cause;
		snprintf(k->stations_note, sizeof k->stations_note, "%s",
		         said != NULL ? said : "Nothing was read.");
		k->stations_note_bad = (*r)->rc != 0;
		k->stations_reading = 0;
		screen_stations_ask(k); /* what is held now */
		return;
	}
	kiosk_keep(&k->list, *r);
	*r = NULL;
}

static void
screen_stations_tick(struct kiosk *k)
{
	if (!k->waiting && k->now_ms - k->stations_asked_ms >= SCREEN_STATIONS_REFRESH_MS) {
		screen_stations_ask(k);
	}
}

const struct screen_ops screen_stations_ops = {
    .name = "stations",
    .enter = screen_stations_enter,
    .draw = screen_stations_draw,
    .reply = screen_stations_reply,
    .tick = screen_stations_tick,
    .coordinator = SCREEN_COORDINATOR,
};
