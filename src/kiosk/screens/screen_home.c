/* screen_home.c — start-up, the home/scan screen and the scan result. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "screens.h"

#define SCREEN_RESULT_OK_MS   4000
#define SCREEN_RESULT_WARN_MS 6000
#define SCREEN_REFRESH_MS     30000
#define SCREEN_DISK_LOW_MB    200
#define SCREEN_MESSAGE_MS     10000 /* a note on the home screen fades */
#define SCREEN_IDLE_MS        20000 /* no touch this long: the walkers' display */

static void
screen_opening_draw(struct kiosk *k)
{
	struct ui *u = k->ui;

	int m = k->style.margin_l;

	ui_text(u, (struct ui_rect){0, 0, ui_width(u), ui_height(u)}, "Starting\xe2\x80\xa6",
	        k->style.font.large, 1, UI_DIM, UI_CENTER);
	/* the ledger held by another program for a moment: the worker waits */
	if (k->msg[0] != '\0')
		ui_text_wrap(u,
		             (struct ui_rect){m, ui_height(u) / 2 + k->style.row_l,
		                              ui_width(u) - 2 * m, k->style.tall},
		             k->msg, k->style.font.body, 0, UI_FG, UI_CENTER);
}

const struct screen_ops screen_opening_ops = {
    .name = "opening",
    .draw = screen_opening_draw,
    .coordinator = SCREEN_ANYONE,
};

static void
screen_fatal_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect all = {0, 0, ui_width(u), ui_height(u)};
	int m = k->style.margin_l;

	ui_fill(u, all, UI_BAD);
	ui_text(u, (struct ui_rect){m, ui_height(u) / 5, all.w - 2 * m, k->style.row_l},
	        "The ledger cannot be opened", k->style.font.large, 1, UI_WHITE, UI_CENTER);
	ui_text_wrap(
	    u, (struct ui_rect){m, ui_height(u) / 5 + k->style.tall, all.w - 2 * m, k->style.tall},
	    k->msg, k->style.font.body, 0, UI_WHITE, UI_CENTER);
	ui_text(u, (struct ui_rect){m, ui_height(u) * 3 / 5, all.w - 2 * m, k->style.line_l},
	        "Nothing was lost. Call the coordinator, then restart the kiosk.",
	        k->style.font.text, 1, UI_WHITE, UI_CENTER);
}

static void
screen_fatal_enter(struct kiosk *k)
{
	/* the message was set by the caller before kiosk_go cleared it */
}

const struct screen_ops screen_fatal_ops = {
    .name = "fatal",
    .enter = screen_fatal_enter,
    .draw = screen_fatal_draw,
    .coordinator = SCREEN_ANYONE,
};

/* ---- home ---------------------------------------------------------------- */

static int
screen_home_chip(struct kiosk *k, int x, int y, int h, int maxw, const char *text, enum ui_color c)
{
	struct ui *u = k->ui;
	int pad = k->style.margin, w = ui_text_width(u, text, k->style.font.small, 1) + 2 * pad;

	if (w > maxw)
		w = maxw;
	ui_fill(u, (struct ui_rect){x, y, w, h}, c);
	ui_text(u, (struct ui_rect){x + pad, y, w - 2 * pad, h}, text, k->style.font.small, 1,
	        c == UI_WARN ? UI_FG : UI_WHITE, UI_LEFT);
	return w;
}

static void
screen_home_tile(struct kiosk *k, struct ui_rect r, const char *value, const char *label)
{
	struct ui *u = k->ui;
	int lh = k->style.line_s;

	ui_fill(u, r, UI_PANEL);
	ui_text(u, (struct ui_rect){r.x, r.y + k->style.tight, r.w, r.h - lh - k->style.tight},
	        value, k->style.font.figure, 1, UI_FG, UI_CENTER);
	ui_text(u, (struct ui_rect){r.x, r.y + r.h - lh - k->style.gap_s, r.w, lh}, label,
	        k->style.font.small, 0, UI_DIM, UI_CENTER);
}

/* 1 while the home screen shows the walkers' display: nobody touched the
 * station for SCREEN_IDLE_MS and no coordinator is at it. */
int
screen_home_idle(const struct kiosk *k)
{
	return k->st.has_event && !k->coordinator && k->msg[0] == '\0' &&
	       (k->script ? k->idle_forced : k->now_ms - k->active_ms > SCREEN_IDLE_MS);
}

/* The goal thermometer: collected, then pledged (shown apart), of the goal. */
static void
screen_home_thermo(struct kiosk *k, struct ui_rect bar, int64_t collected, int64_t pledged)
{
	struct ui *u = k->ui;
	const struct ledger_event *ev = &k->st.event;
	int64_t goal = ev->goal_cents, part, ppart;
	int fill, pfill, light;
	char g[48], c[48], p[48], line[200];

	if (goal <= 0)
		return;
	part = collected > goal ? goal : collected;
	ppart = pledged > goal - part ? goal - part : pledged;
	fill = (int)((int64_t)bar.w * part / goal);
	pfill = (int)((int64_t)bar.w * ppart / goal);
	/* the first dollars show: a sliver, and the amount, never "0%" */
	if (collected > 0 && fill < k->style.gap_s)
		fill = k->style.gap_s;
	ui_fill(u, bar, UI_PANEL);
	ui_fill(u, (struct ui_rect){bar.x, bar.y, fill, bar.h}, UI_OK);
	if (pfill > 0)
		ui_fill(u, (struct ui_rect){bar.x + fill, bar.y, pfill, bar.h}, UI_WARN);
	ui_border(u, bar, UI_LINE, k->style.hair);
	kiosk_money(goal, g, sizeof g);
	kiosk_money(collected, c, sizeof c);
	if (pledged > 0) {
		kiosk_money(pledged, p, sizeof p);
		snprintf(line, sizeof line, "%s raised + %s pledged of the %s goal", c, p, g);
	} else
		snprintf(line, sizeof line, "%s raised of the %s goal", c, g);
	light = collected * 2 >= goal;
	ui_text(u, kiosk_inset(bar, k->style.gap_s), line, k->style.font.body, 1,
	        light ? UI_WHITE : UI_FG, light ? UI_LEFT : UI_RIGHT);
}

/* One column of the leaderboard: the figures keep their width, the names
 * share one size (the largest that fits every name, down to the small
 * font), and a name still too long is cut with "…". */
static void
screen_home_board_list(struct kiosk *k, struct ui_rect col, int lh, char names[][200],
                       char figs[][112], size_t n, enum ui_color fig_color)
{
	struct ui *u = k->ui;
	int size = k->style.font.text, figw = 0, namew;
	size_t i;

	for (i = 0; i < n; i++) {
		int w = ui_text_width(u, figs[i], size, 1);
		if (w > figw)
			figw = w;
	}
	if (figw > col.w / 2)
		figw = col.w / 2;
	namew = col.w - figw - k->style.gap_l;
	for (i = 0; i < n; i++)
		while (size > k->style.font.small && ui_text_width(u, names[i], size, 0) > namew)
			size--;
	for (i = 0; i < n; i++) {
		int y = col.y + lh * (int)(i + 1);
		ui_text_cut(u, (struct ui_rect){col.x, y, namew, lh}, names[i], size, 0, UI_FG,
		            UI_LEFT);
		ui_text(u, (struct ui_rect){col.x + col.w - figw, y, figw, lh}, figs[i],
		        k->style.font.text, 1, fig_color, UI_RIGHT);
	}
}

/* The walkers' display: the leaderboard (top walkers by counted laps, teams
 * by money raised and pledged), the goal thermometer, and the last lap that
 * passed.  Names as the event allows (setting full-names). */
void
screen_home_board(struct kiosk *k)
{
	struct ui *u = k->ui;
	const struct ledger_event *ev = &k->st.event;
	const struct kiosk_board *b = k->board != NULL ? &k->board->board : NULL;
	int W = ui_width(u), H = ui_height(u), m = k->style.pad, gap = k->style.margin;
	int hb = k->style.header, lh = k->style.line, y, thermo = k->style.row_l, rows;
	struct ui_rect all = {0, 0, W, H}, cols, left, right;
	size_t i;

	ui_fill(u, (struct ui_rect){0, 0, W, hb}, UI_ACCENT);
	ui_text(u, (struct ui_rect){m + k->style.tight, 0, W - 2 * m, hb}, ev->name,
	        k->style.font.title, 1, UI_WHITE, UI_LEFT);
	y = hb + gap;
	if (k->pass[0] != '\0') /* taken down in time by kiosk_board_tick */
		ui_text(u, (struct ui_rect){m, y, W - 2 * m, k->style.tall}, k->pass,
		        k->style.font.banner, 1, UI_OK, UI_CENTER);
	else
		ui_text(u, (struct ui_rect){m, y, W - 2 * m, k->style.tall}, "Scan your badge",
		        k->style.font.banner, 1, UI_ACCENT, UI_CENTER);
	y += k->style.tall + gap;
	cols = (struct ui_rect){m, y, W - 2 * m, H - y - thermo - 2 * gap - m};
	kiosk_halves(k, cols, gap * 2, &left, &right);
	rows = left.h / lh - 1;
	if (rows > KIOSK_BOARD_MAX)
		rows = KIOSK_BOARD_MAX;
	ui_text(u, (struct ui_rect){left.x, left.y, left.w, lh}, "Top walkers", k->style.font.label,
	        1, UI_FG, UI_LEFT);
	ui_text(u, (struct ui_rect){right.x, right.y, right.w, lh}, "Teams", k->style.font.label, 1,
	        UI_FG, UI_LEFT);
	if (b != NULL) {
		char wl[KIOSK_BOARD_MAX][200], wn[KIOSK_BOARD_MAX][112];
		char tl[KIOSK_BOARD_MAX][200], tn[KIOSK_BOARD_MAX][112];
		size_t nw = b->nwalkers < (size_t)rows ? b->nwalkers : (size_t)rows;
		size_t nt = b->nteams < (size_t)rows ? b->nteams : (size_t)rows;
		for (i = 0; i < nw; i++) {
			snprintf(wl[i], sizeof wl[i], "%zu. %s", i + 1, b->walkers[i].name);
			snprintf(wn[i], sizeof wn[i], "%lld lap%s", (long long)b->walkers[i].laps,
			         b->walkers[i].laps == 1 ? "" : "s");
		}
		for (i = 0; i < nt; i++) {
			char money[48], pl[48];
			kiosk_money(b->teams[i].raised_cents, money, sizeof money);
			if (b->teams[i].pledged_cents > 0) {
				kiosk_money(b->teams[i].pledged_cents, pl, sizeof pl);
				snprintf(tn[i], sizeof tn[i], "%s + %s", money, pl);
			} else
				snprintf(tn[i], sizeof tn[i], "%s", money);
			snprintf(tl[i], sizeof tl[i], "%zu. %s", i + 1, b->teams[i].team);
		}
		screen_home_board_list(k, left, lh, wl, wn, nw, UI_ACCENT);
		screen_home_board_list(k, right, lh, tl, tn, nt, UI_OK);
	}
	if (b != NULL && b->nwalkers == 0)
		ui_text(u, (struct ui_rect){left.x, left.y + lh, left.w, lh}, "No laps yet",
		        k->style.font.text, 0, UI_DIM, UI_LEFT);
	if (b != NULL && b->nteams == 0)
		ui_text(u, (struct ui_rect){right.x, right.y + lh, right.w, lh}, "No teams yet",
		        k->style.font.text, 0, UI_DIM, UI_LEFT);
	screen_home_thermo(k, (struct ui_rect){m, H - m - thermo, W - 2 * m, thermo},
	                   k->st.whole.total_cents, b != NULL ? b->pledged_cents : 0);
	/* a touch anywhere: the volunteers' home screen again */
	if (ui_hit(u, all)) {
		k->active_ms = k->now_ms;
		ui_invalidate(u);
	}
}

static void
screen_home_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	const struct ledger_event *ev = &k->st.event;
	const struct fold_figures *t = &k->st.whole; /* the whole event's */
	int W = ui_width(u), H = ui_height(u), m = k->style.pad, gap = k->style.margin;
	int hb = k->style.header, y, btn_h = k->style.button, chip_h = k->style.line, x;
	char num[3][48], line[160];

	if (screen_home_idle(k)) {
		screen_home_board(k);
		return;
	}
	/* header: the event and this station's role */
	ui_fill(u, (struct ui_rect){0, 0, W, hb}, UI_ACCENT);
	ui_text(u, (struct ui_rect){m + k->style.tight, 0, W * 3 / 5, hb}, ev->name,
	        k->style.font.title, 1, UI_WHITE, UI_LEFT);
	if (k->coordinator) /* unlocked: say so where the role is, with the way to lock */
		kiosk_unlocked_bar(k, (struct ui_rect){W - m - k->style.lock_w, k->style.tight,
		                                       k->style.lock_w, hb - 2 * k->style.tight});
	else
		ui_text(u, (struct ui_rect){W * 3 / 5, 0, W * 2 / 5 - m - k->style.tight, hb},
		        kiosk_role_name(ev->role), k->style.font.body, 1, UI_WHITE, UI_RIGHT);
	y = hb + gap;

	/* what needs attention, as plain chips */
	x = m;
	if (k->st.clock_doubt[0] != '\0')
		x += screen_home_chip(k, x, y, chip_h, W - x - m, k->st.clock_doubt, UI_WARN) + gap;
	if (k->st.disk_free_mb >= 0 && k->st.disk_free_mb < SCREEN_DISK_LOW_MB) {
		snprintf(line, sizeof line, "Disk nearly full (%lld MB left)",
		         (long long)k->st.disk_free_mb);
		x += screen_home_chip(k, x, y, chip_h, W - x - m, line, UI_BAD) + gap;
	}
	if (k->scanner_status[0] != '\0' && x < W - m)
		x += screen_home_chip(k, x, y, chip_h, W - x - m, k->scanner_status, UI_WARN) + gap;
	if (k->printer_status[0] != '\0' && x < W - m)
		x += screen_home_chip(k, x, y, chip_h, W - x - m, k->printer_status,
		                      k->printer_color) +
		     gap;
	if (k->msg[0] != '\0' && x < W - m)
		x += screen_home_chip(k, x, y, chip_h, W - x - m, k->msg, k->msg_color) + gap;
	if (k->st.nasked > 0 && x < W - m)
		x += screen_home_chip(k, x, y, chip_h, W - x - m, k->st.asked, UI_WARN) + gap;
	/* the other stations: how fresh their laps here are */
	for (size_t i = 0; i < k->st.npeers && x < W - m; i++) {
		const struct kiosk_peer *p = &k->st.peers[i];
		kiosk_peer_words(p, line, sizeof line);
		x += screen_home_chip(k, x, y, chip_h, W - x - m, line,
		                      p->seen_wall_ms != 0 && p->age_ms < KIOSK_PEER_FRESH_MS
		                          ? UI_OK
		                          : UI_WARN) +
		     gap;
	}
	y += chip_h + gap;

	/* the call to action */
	{
		int avail = H - y - btn_h - m - gap;
		int big = avail * 30 / 100, sub = k->style.line_s, tiles = avail * 36 / 100;
		int thermo = avail - big - sub - tiles - 3 * gap;
		if (thermo > k->style.row_l) { /* tall screens: keep the bar a bar */
			y += (thermo - k->style.row_l) / 2;
			thermo = k->style.row_l;
		}
		ui_text(u, (struct ui_rect){m, y, W - 2 * m, big}, "Scan your badge",
		        k->style.font.banner, 1, UI_ACCENT, UI_CENTER);
		y += big;
		ui_text(u, (struct ui_rect){m, y, W - 2 * m, sub},
		        "Hold the QR code on your badge under the scanner", k->style.font.body, 0,
		        UI_DIM, UI_CENTER);
		y += sub + gap;
		snprintf(num[0], sizeof num[0], "%lld", (long long)t->checked_in);
		snprintf(num[1], sizeof num[1], "%lld", (long long)t->laps);
		kiosk_money(t->total_cents, num[2], sizeof num[2]);
		{
			struct ui_rect row = {m, y, W - 2 * m, tiles};
			screen_home_tile(k, kiosk_col(row, 0, 3, gap), num[0], "checked in");
			screen_home_tile(k, kiosk_col(row, 1, 3, gap), num[1], "laps");
			screen_home_tile(k, kiosk_col(row, 2, 3, gap), num[2], "raised");
		}
		y += tiles + gap;
		/* the thermometer toward the goal */
		if (ev->goal_cents > 0 && thermo > k->style.gap_l)
			screen_home_thermo(
			    k, (struct ui_rect){m, y + gap / 2, W - 2 * m, thermo - gap},
			    t->total_cents, k->board != NULL ? k->board->board.pledged_cents : 0);
	}

	/* volunteers' way in */
	{
		struct ui_rect row = {m, H - m - btn_h, W - 2 * m, btn_h};
		if (ui_button(u, kiosk_col(row, 0, 3, gap), "Find a walker", k->style.primary,
		              k->style.font.label))
			kiosk_go(k, SCREEN_FIND);
		if (ui_button(u, kiosk_col(row, 1, 3, gap), "New walker", k->style.primary,
		              k->style.font.label))
			kiosk_go(k, SCREEN_REGISTER);
		if (ui_button(u, kiosk_col(row, 2, 3, gap), "Coordinator", k->style.quiet,
		              k->style.font.label))
			kiosk_go(k, k->coordinator ? SCREEN_COORD : SCREEN_PIN);
	}
}

static void
screen_home_tick(struct kiosk *k)
{
	static int64_t last;
	struct kiosk_req q;

	if (k->msg[0] != '\0' && k->now_ms - k->screen_at_ms > SCREEN_MESSAGE_MS) {
		k->msg[0] = '\0';
		ui_invalidate(k->ui);
	}
	if (screen_home_idle(k) != k->board_shown) { /* the display comes, or goes */
		k->board_shown = !k->board_shown;
		ui_invalidate(k->ui);
	}
	/* the clock and the disk can change while nobody touches the screen */
	if (k->script || k->now_ms - last < SCREEN_REFRESH_MS)
		return;
	last = k->now_ms;
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_REFRESH;
	kiosk_worker_post(k->w, &q);
}

const struct screen_ops screen_home_ops = {
    .name = "home",
    .draw = screen_home_draw,
    .tick = screen_home_tick,
    .coordinator = SCREEN_ANYONE,
};

/* ---- scan result --------------------------------------------------------- */

/* What the rule asks, from the ledger's sentence: "Laps need at least 60 s."
 * (that sentence only: the rest is for the coordinator's list). */
static const char *
screen_result_limit(const char *message, char *buf, size_t len)
{
	const char *p = strstr(message, "Laps need"), *end;

	if (p == NULL)
		return "";
	end = strstr(p, ". ");
	/* a scan too soon is recorded, flagged: say who decides */
	snprintf(buf, len, "%.*s%s", end != NULL ? (int)(end - p + 1) : (int)strlen(p), p,
	         strstr(p, "coordinator to review") != NULL ? " A coordinator will review it."
	                                                    : "");
	return buf;
}

/* The local time of the scan that counted ("10:42"), from when the ledger
 * answered less the time since; 0 when the ledger could not measure it. */
static int
screen_result_counted_at(const struct kiosk_reply *r, char *buf, size_t len)
{
	time_t t;
	struct tm tm;

	if (r->scan.verdict.since_ms < 0 || r->at_wall_ms <= 0)
		return 0;
	t = (time_t)((r->at_wall_ms - r->scan.verdict.since_ms) / 1000);
	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%H:%M", &tm) == 0)
		return 0;
	return 1;
}

static void
screen_result_words(const struct kiosk_reply *r, char *title, size_t tlen)
{
	const struct ledger_scan *s = &r->scan;
	char when[16];

	if (r->rc != 0) {
		snprintf(title, tlen, "Not recorded");
		return;
	}
	switch (s->badge) {
	case BADGE_OK: break;
	case BADGE_OTHER_EVENT: snprintf(title, tlen, "Badge of another event"); return;
	case BADGE_FORGED: snprintf(title, tlen, "This badge is not valid"); return;
	case BADGE_NOT_OURS: snprintf(title, tlen, "Not a W.A.T. badge"); return;
	case BADGE_TRAINING: snprintf(title, tlen, "Training badge: not counted"); return;
	case BADGE_REAL: snprintf(title, tlen, "Real badge: not for training"); return;
	default: snprintf(title, tlen, "Badge could not be read"); return;
	}
	switch (s->verdict.outcome) {
	case RULES_CHECKIN: snprintf(title, tlen, "Welcome, %s!", s->name); break;
	case RULES_WELCOME_BACK: snprintf(title, tlen, "Welcome back, %s", s->name); break;
	case RULES_LAP:
		snprintf(title, tlen, "%s \xe2\x80\x94 lap %lld", s->name,
		         (long long)s->verdict.lap_number);
		break;
	case RULES_ALREADY_COUNTED:
		if (screen_result_counted_at(r, when, sizeof when))
			snprintf(title, tlen, "Already counted at %s", when);
		else
			snprintf(title, tlen, "Already counted");
		break;
	case RULES_LAP_TOO_SOON:
		/* timed as the lap review times it: from the scan just before */
		if (s->before_ms >= 0)
			snprintf(title, tlen, "Lap too soon:\n%lld s after the scan before",
			         (long long)(s->before_ms / 1000));
		else
			snprintf(title, tlen, "Lap too soon");
		break;
	}
}

/* An amber result names whose scan it was: "María López · walker 7". */
static void
screen_result_who(const struct kiosk_reply *r, char *buf, size_t len)
{
	const struct ledger_scan *s = &r->scan;

	if (!s->known)
		snprintf(buf, len, "Walker %u", s->walker);
	else
		snprintf(buf, len, "%s  \xc2\xb7  walker %u", s->name, s->walker);
}

static void
screen_result_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct kiosk_reply *r = k->result;
	struct ui_rect all = {0, 0, ui_width(u), ui_height(u)};
	enum ui_color bg, fg;
	char title[256], money[48], line[256], limit[128];
	int m = k->style.margin_l, H = all.h;
	const char *detail;

	if (r == NULL) {
		kiosk_go(k, SCREEN_HOME);
		return;
	}
	bg = kiosk_scan_color(r);
	fg = bg == UI_WARN ? UI_FG : UI_WHITE;
	ui_fill(u, all, bg);
	screen_result_words(r, title, sizeof title);
	if (strchr(title, '\n') != NULL) /* "Lap too soon:", then how soon: two lines */
		ui_text_wrap(u, (struct ui_rect){m, H * 12 / 100, all.w - 2 * m, H * 28 / 100},
		             title, k->style.font.figure, 1, fg, UI_CENTER);
	else
		ui_text(u, (struct ui_rect){m, H * 12 / 100, all.w - 2 * m, H * 28 / 100}, title,
		        k->style.font.hero, 1, fg, UI_CENTER);
	detail = r->rc != 0 ? (r->cause != NULL ? r->cause : "") : r->scan.message;
	if (r->rc == 0 && r->scan.badge == BADGE_OK &&
	    (r->scan.verdict.outcome == RULES_ALREADY_COUNTED ||
	     r->scan.verdict.outcome == RULES_LAP_TOO_SOON)) {
		/* on a busy line: whose scan it was, and what to do */
		screen_result_who(r, line, sizeof line);
		ui_text(u, (struct ui_rect){m, H * 38 / 100, all.w - 2 * m, H * 12 / 100}, line,
		        k->style.font.large, 1, fg, UI_CENTER);
		detail = r->scan.verdict.outcome == RULES_ALREADY_COUNTED
		             ? "This badge was just scanned: it counts once."
		             : screen_result_limit(r->scan.message, limit, sizeof limit);
		ui_text_wrap(u, (struct ui_rect){m, H * 50 / 100, all.w - 2 * m, H * 10 / 100},
		             detail, k->style.font.label, 0, fg, UI_CENTER);
		detail = NULL;
	}
	/* the ledger's sentence, unless it only repeats the title */
	if (detail == NULL) {
		/* drawn above */
	} else if (strncmp(detail, title, strlen(title) - 1) == 0 &&
	           strlen(detail) <= strlen(title) + 1) {
		switch (r->scan.verdict.outcome) {
		case RULES_CHECKIN: detail = "You are checked in. Enjoy the walk!"; break;
		case RULES_ALREADY_COUNTED:
			detail = "This badge was just scanned: it counts once.";
			break;
		default: detail = ""; break;
		}
	}
	if (detail != NULL)
		ui_text_wrap(u, (struct ui_rect){m, H * 40 / 100, all.w - 2 * m, H * 16 / 100},
		             detail, k->style.font.label, 0, fg, UI_CENTER);
	if (r->rc == 0 && r->scan.badge == BADGE_OK) {
		kiosk_money(r->scan.raised_cents, money, sizeof money);
		snprintf(line, sizeof line, "%lld lap%s  \xc2\xb7  %s raised",
		         (long long)r->scan.laps, r->scan.laps == 1 ? "" : "s", money);
		ui_text(u, (struct ui_rect){m, H * 56 / 100, all.w - 2 * m, H * 14 / 100}, line,
		        k->style.font.large, 1, fg, UI_CENTER);
	} else if (r->rc != 0) {
		ui_text(u, (struct ui_rect){m, H * 56 / 100, all.w - 2 * m, H * 14 / 100},
		        "Please show this to a volunteer.", k->style.font.big, 1, fg, UI_CENTER);
	}
	ui_text(u, (struct ui_rect){m, H * 82 / 100, all.w - 2 * m, H * 12 / 100},
	        "Touch the screen to continue", k->style.font.text, 0, fg, UI_CENTER);
	if (ui_hit(u, all))
		kiosk_go(k, SCREEN_HOME);
}

static void
screen_result_tick(struct kiosk *k)
{
	int64_t show = SCREEN_RESULT_OK_MS;

	if (k->result != NULL && kiosk_scan_color(k->result) != UI_OK)
		show = SCREEN_RESULT_WARN_MS;
	if (k->now_ms - k->screen_at_ms >= show)
		kiosk_go(k, SCREEN_HOME);
}

const struct screen_ops screen_result_ops = {
    .name = "result",
    .draw = screen_result_draw,
    .tick = screen_result_tick,
    .coordinator = SCREEN_ANYONE,
};
