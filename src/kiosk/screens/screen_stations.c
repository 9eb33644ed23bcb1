/* screen_stations.c — coordinator: the other stations of the event as
 * wat-sync reaches them (docs/SYNC.md): each by what it does and its id,
 * when it was last reached (in the station's time zone), the entries of it
 * held here, its clock against this one's, and in words a peer refused
 * (not of this event, an altered entry, a forged chain head) or one that
 * speaks a newer format.  Refreshed every few seconds while on show.
 * Conflicts opens the list of conflicts between them (screen_conflicts.c);
 * beside it, the event's own Wi-Fi (sync_wifi_derive, what board/'s
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
	screen_stations_ask(k);
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
	int64_t now = screen_stations_wall_ms();
	char name[96], seen[64], clock[64], line[512];

	if (kiosk_header(k, "Stations", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	/* the list of conflicts between the stations, below the stations */
	body.h -= k->style.button + gap;
	if (ui_button(u,
	              (struct ui_rect){body.x, body.y + body.h + gap,
	                               k->style.col_w + k->style.col_w / 2, k->style.button},
	              "Conflicts", UI_ACCENT, k->style.font.body)) {
		kiosk_go(k, SCREEN_CONFLICTS);
		return;
	}
	if (x != NULL && x->wifi_ssid[0] != '\0') {
		int wx = body.x + k->style.col_w + k->style.col_w / 2 + gap;
		int wy = body.y + body.h + gap + (k->style.button - 2 * lh) / 2;

		snprintf(line, sizeof line, "The stations' own Wi-Fi: %s", x->wifi_ssid);
		ui_text(u, (struct ui_rect){wx, wy, body.x + body.w - wx, lh}, line,
		        k->style.font.small, 1, UI_FG, UI_LEFT);
		snprintf(line, sizeof line, "passphrase %s", x->wifi_psk);
		ui_text(u, (struct ui_rect){wx, wy + lh, body.x + body.w - wx, lh}, line,
		        k->style.font.small, 0, UI_FG, UI_LEFT);
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
		ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, 4 * lh},
		             "No other station of this event reached yet. Stations find each other "
		             "on the local network (or by the addresses in wat.conf, SYNC_PEERS) "
		             "when wat-sync runs on each; this station works alone meanwhile.",
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
			             line, k->style.font.small, 1, s->refused ? UI_BAD : UI_WARN,
			             UI_LEFT);
		y += h;
	}
}

static void
screen_stations_reply(struct kiosk *k, struct kiosk_reply **r)
{
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
