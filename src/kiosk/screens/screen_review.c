/* screen_review.c — the lap review (coordinator): the laps scanned too soon,
 * here and at every station held (the lap point's, named "Lap point T2"),
 * by walker, oldest first, each with the walker's scans just before and
 * after it (times in the station's zone); Accept or Reject, one tap each,
 * recorded as lap-review entries of this station (ledger_lap_review,
 * ledger_lap_review_peer).  A flagged lap counts once accepted (fold.h,
 * "counted laps"). */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_review_load(struct kiosk *k)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_FLAGGED;
	kiosk_post(k, &q);
}

static void
screen_review_enter(struct kiosk *k)
{
	kiosk_keep(&k->list, NULL);
	screen_review_load(k);
}

/* "14:03:10" in the station's zone (stamp_zone, set by the worker). */
static const char *
screen_review_time(const struct stamp *at, char *buf, size_t len)
{
	char full[64];

	stamp_format_local(at->wall_ms, full, sizeof full);
	/* "YYYY-MM-DD HH:MM:SS+hhmm": the time of day only */
	snprintf(buf, len, "%.8s", strlen(full) > 11 ? full + 11 : full);
	return buf;
}

static const char *
screen_review_kind(const char *kind)
{
	return strcmp(kind, "checkin") == 0 ? "check-in" : "lap";
}

/* Two lines of one size: "14:03:10 — 10 s after the scan before" and
 * "before: lap at 14:03:00  ·  next: lap at 14:05:40"; another station's: "Lap point T2,
 * 14:03:10 — …" (times on this station's clock).  Timed from the scan
 * just before, as the amber screen said when it was scanned: the time the
 * walker had for this lap, whatever the review of the one before says. */
static void
screen_review_lines(const struct ledger_flagged *f, char *one, size_t len1, char *two, size_t len2)
{
	char t[16], at[80], prev[16], next[16];

	screen_review_time(&f->at, t, sizeof t);
	if (f->peer)
		snprintf(at, sizeof at, "%.48s, %.15s", f->where, t);
	else
		snprintf(at, sizeof at, "%.15s", t);
	if (f->has_prev && f->since_ms >= 0)
		snprintf(one, len1, "%s \xe2\x80\x94 %lld s after the scan before", at,
		         (long long)(f->since_ms / 1000));
	else
		snprintf(one, len1, "%s", at);
	two[0] = '\0';
	if (f->has_prev)
		snprintf(two, len2, "before: %s at %s", screen_review_kind(f->prev_kind),
		         screen_review_time(&f->prev_at, prev, sizeof prev));
	if (f->has_next)
		snprintf(two + strlen(two), len2 - strlen(two), "%snext: %s at %s",
		         two[0] != '\0' ? "  \xc2\xb7  " : "", screen_review_kind(f->next_kind),
		         screen_review_time(&f->next_at, next, sizeof next));
}

static void
screen_review_post(struct kiosk *k, const struct ledger_flagged *f, int accept)
{
	struct kiosk_req q;
	char t[16], name[32];
	const char *src;
	size_t cut;

	/* said once recorded: which lap, as the list showed it (it leaves the
	 * list); a long name shortened on a character's edge to fit one line */
	src = f->name[0] != '\0' ? f->name : "The walker";
	cut = strlen(src);
	if (cut > 24) {
		cut = 24;
		while (cut > 0 && ((unsigned char)src[cut] & 0xC0) == 0x80)
			cut--;
	}
	memcpy(name, src, cut);
	name[cut] = '\0';
	snprintf(k->review_said, sizeof k->review_said, "%s's lap at %s %s.", name,
	         screen_review_time(&f->at, t, sizeof t), accept ? "accepted" : "rejected");
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_LAP_REVIEW;
	q.seq = f->seq;
	q.accept = accept;
	if (f->peer) /* the lap point's lap, reviewed here */
		snprintf(q.review.station, sizeof q.review.station, "%s", f->station);
	kiosk_post(k, &q);
}

/* A lap's button key: its entry, and its station's identity for another's
 * (entry 12 here and entry 12 at the lap point are two laps). */
static uint64_t
screen_review_key(const struct ledger_flagged *f)
{
	uint64_t k = (uint64_t)f->seq;

	if (f->peer)
		for (int i = 0; i < 3; i++)
			k ^= (uint64_t)f->ledger[i] << (40 + 8 * i);
	return k;
}

static void
screen_review_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k);
	int gap = k->style.gap_s, rh = k->style.row, lh = k->style.line_s, y, bw = k->style.back_w;
	int bottom = body.y + body.h, shown = 0, portrait = ui_width(u) < ui_height(u);
	char line[256], two[64];
	size_t i, n;

	if (kiosk_header(k, "Lap review", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	/* two lines on a narrow (portrait) panel */
	y = ui_text_wrap(u, (struct ui_rect){body.x, body.y, body.w, 2 * lh},
	                 "Laps scanned too soon, here and at the other stations. They count only "
	                 "once accepted.",
	                 k->style.font.small, 0, UI_DIM, UI_LEFT);
	y = body.y + (y > lh ? y : lh);
	/* "Recorded. María López's lap at 14:03:10 accepted." takes two lines
	 * on a portrait panel */
	kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, portrait ? 2 * lh : lh});
	y += (portrait ? 2 * lh : lh) + k->style.tight;
	if (k->list == NULL)
		return;
	n = k->list->nflagged;
	if (n == 0)
		ui_text(u, (struct ui_rect){body.x, y, body.w, rh}, "No laps waiting for review.",
		        k->style.font.text, 1, UI_FG, UI_LEFT);
	for (i = 0; i < n; i++) {
		const struct ledger_flagged *f = &k->list->flagged[i];
		int head = i == 0 || f->walker != k->list->flagged[i - 1].walker;
		int need = (portrait ? 2 * rh + gap : rh) + (head ? lh : 0) +
		           (i + 1 < n ? lh : 0); /* room for "N more" */
		struct ui_rect row, text;

		if (y + need > bottom)
			break;
		if (head) {
			if (f->name[0] != '\0')
				snprintf(line, sizeof line, "%s  \xc2\xb7  walker %u", f->name,
				         f->walker);
			else
				snprintf(line, sizeof line, "Walker %u", f->walker);
			ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line,
			        k->style.font.body, 1, UI_FG, UI_LEFT);
			y += lh;
		}
		row = (struct ui_rect){body.x, y, body.w, rh};
		/* a portrait panel: the text across the row, the buttons under it */
		text = (struct ui_rect){row.x + gap * 2, y, row.w - 2 * bw - gap * 5, rh};
		if (portrait)
			text.w = row.w - gap * 4;
		ui_fill(u, (struct ui_rect){row.x, y, row.w, portrait ? 2 * rh + gap : rh},
		        UI_PANEL);
		/* every row in one size, on two lines, cut with "…" where too long
		 * (a peer's name), never shrunk to fit */
		screen_review_lines(f, line, sizeof line, two, sizeof two);
		ui_text_cut(u, (struct ui_rect){text.x, y, text.w, two[0] ? rh / 2 : rh}, line,
		            k->style.font.hint, 0, UI_FG, UI_LEFT);
		if (two[0] != '\0')
			ui_text_cut(u, (struct ui_rect){text.x, y + rh / 2, text.w, rh - rh / 2},
			            two, k->style.font.hint, 0, UI_DIM, UI_LEFT);
		if (portrait) {
			y += rh + gap;
			bw = (row.w - gap) / 2;
		}
		/* keyed by the lap: when the list moves up after a tap, the next
		 * lap's buttons are new ones and a double tap does not reach them */
		if (ui_button_keyed(u, (struct ui_rect){row.x + row.w - 2 * bw - gap, y, bw, rh},
		                    "Accept", screen_review_key(f), UI_OK, k->style.font.text) &&
		    !k->waiting)
			screen_review_post(k, f, 1);
		if (ui_button_keyed(u, (struct ui_rect){row.x + row.w - bw, y, bw, rh}, "Reject",
		                    screen_review_key(f), UI_BAD, k->style.font.text) &&
		    !k->waiting)
			screen_review_post(k, f, 0);
		bw = k->style.back_w;
		y += rh + gap;
		shown++;
	}
	if ((size_t)shown < n) {
		snprintf(line, sizeof line, "and %zu more below: review these first",
		         n - (size_t)shown);
		ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.small, 0,
		        UI_DIM, UI_LEFT);
	}
}

static void
screen_review_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "That did not work.");
		return;
	}
	if (x->op == KIOSK_OP_LAP_REVIEW)
		kiosk_message(k, UI_OK, "Recorded. %s", k->review_said);
	kiosk_keep(&k->list, x);
	*r = NULL;
}

const struct screen_ops screen_review_ops = {
    .name = "review",
    .enter = screen_review_enter,
    .draw = screen_review_draw,
    .reply = screen_review_reply,
    .coordinator = SCREEN_COORDINATOR,
};
