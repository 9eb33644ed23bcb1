/* screen_find.c — find a walker by name, the walker's card, the badge QR. */
#include <stdio.h>
#include <string.h>

#include "kiosk_print.h"
#include "screens.h"

static void
screen_find_enter(struct kiosk *k)
{
	k->find.query[0] = '\0';
	snprintf(k->find.query_sent, sizeof k->find.query_sent, "\x01"); /* search at once */
	kiosk_keep(&k->list, NULL);
}

/* A walker's cell: the name and whether checked in on the first line
 * ("Ana Martin        ✓ checked in", or "✓ in" where that is too wide), the
 * team and the walker's number on the second ("Belhaven Runners · walker 4").
 * A long team's name is shortened, never the number. */
static void
screen_find_cell(struct kiosk *k, struct ui_rect t, const struct kiosk_found *f)
{
	struct ui *u = k->ui;
	int hint = k->style.font.hint, body = k->style.font.body, gap = k->style.gap, nw, sw,
	    tw = 0, space = ui_text_width(u, "  ", hint, 0);
	struct ui_rect top = {t.x, t.y, t.w, t.h * 55 / 100},
	               line = {t.x, t.y + top.h, t.w, t.h - top.h};
	const char *state = f->checked_in ? "\xe2\x9c\x93 checked in" : "not in yet";
	char label[64];

	sw = ui_text_width(u, state, hint, f->checked_in);
	if (ui_text_width(u, f->name, body, 1) + gap + sw > top.w) {
		state = f->checked_in ? "\xe2\x9c\x93 in" : "not in";
		sw = ui_text_width(u, state, hint, f->checked_in);
	}
	ui_text(u, (struct ui_rect){top.x, top.y, top.w - sw - gap, top.h}, f->name, body, 1, UI_FG,
	        UI_LEFT);
	ui_text(u, (struct ui_rect){top.x + top.w - sw - 2, top.y, sw + 2, top.h}, state, hint,
	        f->checked_in, f->checked_in ? UI_OK : UI_DIM, UI_RIGHT);
	snprintf(label, sizeof label, "%swalker %u", f->team[0] ? "\xc2\xb7  " : "", f->id);
	nw = ui_text_width(u, label, hint, 0) + 2;
	if (f->team[0] != '\0') {
		tw = ui_text_width(u, f->team, hint, 0) + space;
		if (tw > line.w - nw)
			tw = line.w - nw;
		if (tw > space)
			ui_text_cut(u, (struct ui_rect){line.x, line.y, tw - space, line.h},
			            f->team, hint, 0, UI_DIM, UI_LEFT);
	}
	ui_text(u, (struct ui_rect){line.x + (tw > 0 ? tw : 0), line.y, nw, line.h}, label, hint, 0,
	        UI_DIM, UI_LEFT);
}

static void
screen_find_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), res, kbd;
	int gap = k->style.gap, field = k->style.header, row_h = k->style.row, cols, rows,
	    shown = 0;
	struct kiosk_reply *l = k->list;

	if (kiosk_header(k, "Find a walker", "Back")) {
		kiosk_go(k, SCREEN_HOME);
		return;
	}
	/* results as you type: one search in flight at a time, the latest text next */
	if (strcmp(k->find.query, k->find.query_sent) != 0 && !k->waiting) {
		struct kiosk_req q;
		memset(&q, 0, sizeof q);
		q.op = KIOSK_OP_FIND;
		snprintf(q.find.text, sizeof q.find.text, "%s", k->find.query);
		snprintf(k->find.query_sent, sizeof k->find.query_sent, "%s", k->find.query);
		kiosk_post(k, &q);
	}
	kiosk_field(k, (struct ui_rect){body.x, body.y, body.w, field}, k->find.query,
	            KIOSK_KB_NAME, "Type a name, a team or a walker number");
	kbd = (struct ui_rect){body.x, body.y + body.h * 47 / 100, body.w, body.h * 53 / 100};
	res = (struct ui_rect){body.x, body.y + field + gap, body.w,
	                       kbd.y - gap - (body.y + field + gap)};
	/* a dense list: columns of a narrow column and a quarter, rows of two lines
	 * (the name; team, number and whether checked in) */
	cols = res.w / (k->style.col_w * 5 / 4);
	if (cols < 1)
		cols = 1;
	gap = k->style.gap_s;
	rows = (res.h + gap) / (row_h + gap);
	if (rows < 1)
		rows = 1;
	if (l != NULL) {
		size_t n = l->nfound < KIOSK_FIND_MAX ? l->nfound : KIOSK_FIND_MAX;
		for (size_t i = 0; i < n && shown < rows * cols; i++, shown++) {
			const struct kiosk_found *f = &l->found[i];
			struct ui_rect c = kiosk_col(res, shown % cols, cols, gap), t;
			c.y = res.y + (shown / cols) * (row_h + gap);
			c.h = row_h;
			if (ui_row(u, c, f->name, k->style.quiet)) {
				k->walker = f->id;
				kiosk_go(k, SCREEN_WALKER);
				return;
			}
			t = kiosk_inset(c, k->style.gap);
			screen_find_cell(k, t, f);
		}
		if (l->nfound == 0 && k->find.query[0] != '\0')
			ui_text(u, (struct ui_rect){res.x, res.y, res.w, row_h},
			        "No walker matches. Check the spelling, or register them as a new "
			        "walker.",
			        k->style.font.body, 1, UI_FG, UI_LEFT);
		else if (l->nfound > (size_t)shown)
			ui_text(u,
			        (struct ui_rect){res.x, kbd.y - k->style.margin_l, res.w,
			                         k->style.margin_l},
			        "More walkers match: type more letters.", k->style.font.hint, 0,
			        UI_DIM, UI_RIGHT);
	}
	if (kiosk_keyboard(k, kbd, k->find.query, sizeof k->find.query, KIOSK_KB_NAME, "Search") &&
	    l != NULL && l->nfound == 1) {
		k->walker = l->found[0].id;
		kiosk_go(k, SCREEN_WALKER);
	}
}

static void
screen_find_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Search failed.");
		return;
	}
	kiosk_keep(&k->list, *r);
	*r = NULL;
}

const struct screen_ops screen_find_ops = {
    .name = "find",
    .enter = screen_find_enter,
    .draw = screen_find_draw,
    .reply = screen_find_reply,
    .coordinator = SCREEN_ANYONE,
};

/* ---- walker card --------------------------------------------------------- */

static void
screen_walker_enter(struct kiosk *k)
{
	struct kiosk_req q;

	if (k->card != NULL && k->card->walker.id != k->walker)
		kiosk_keep(&k->card, NULL);
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_WALKER;
	q.walker = k->walker;
	kiosk_post(k, &q);
}

static void
screen_walker_act(struct kiosk *k, enum kiosk_op op)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = op;
	q.walker = k->walker;
	kiosk_post(k, &q);
}

/* Links the walker on the card and the likely duplicate it names (a link
 * entry, the coordinator's). */
static void
screen_walker_link(struct kiosk *k)
{
	struct kiosk_req q;

	if (k->card == NULL || k->card->dup[0] == '\0')
		return;
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_LINK;
	q.walker = k->walker;
	snprintf(q.link.station, sizeof q.link.station, "%s", k->card->dup_station);
	q.link.other = k->card->dup_other;
	kiosk_post(k, &q);
}

static void
screen_walker_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), left, right;
	struct kiosk_reply *c = k->card;
	int gap = k->style.margin, lh = k->style.line_s, y, portrait = ui_width(u) < ui_height(u);
	char title[64], line[256], money[48];

	snprintf(title, sizeof title, "Walker %u", k->walker);
	if (kiosk_header(k, title, "Back")) {
		kiosk_go(k, SCREEN_FIND);
		return;
	}
	if (portrait) {
		left = (struct ui_rect){body.x, body.y, body.w, body.h / 2};
		right =
		    (struct ui_rect){body.x, body.y + body.h / 2 + gap, body.w, body.h / 2 - gap};
	} else {
		left = (struct ui_rect){body.x, body.y, body.w * 56 / 100, body.h};
		right =
		    (struct ui_rect){left.x + left.w + gap, body.y, body.w - left.w - gap, body.h};
	}
	if (c == NULL) {
		kiosk_draw_message(k, (struct ui_rect){left.x, left.y, left.w, lh});
		return;
	}
	y = left.y;
	ui_text(u, (struct ui_rect){left.x, y, left.w, k->style.row}, c->walker.name,
	        k->style.font.large, 1, UI_FG, UI_LEFT);
	y += k->style.row;
	if (c->walker.team[0] != '\0') {
		snprintf(line, sizeof line, "Team %s", c->walker.team);
		ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, line, k->style.font.body, 0,
		        UI_DIM, UI_LEFT);
	}
	y += lh;
	if (c->walker.pending_laps > 0) /* flagged laps count once a coordinator accepts them */
		snprintf(line, sizeof line, "%s  \xc2\xb7  %lld lap%s to review",
		         c->walker.checked_in ? "Checked in" : "Not checked in yet",
		         (long long)c->walker.pending_laps, c->walker.pending_laps == 1 ? "" : "s");
	else
		snprintf(line, sizeof line, "%s",
		         c->walker.checked_in ? "Checked in" : "Not checked in yet");
	ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, line, k->style.font.text, 1,
	        c->walker.checked_in ? UI_OK : UI_BAD, UI_LEFT);
	y += lh + gap / 2;
	kiosk_money(c->walker.raised_cents, money, sizeof money);
	snprintf(line, sizeof line, "%lld lap%s  \xc2\xb7  %s raised", (long long)c->walker.laps,
	         c->walker.laps == 1 ? "" : "s", money);
	ui_text(u, (struct ui_rect){left.x, y, left.w, k->style.line_l}, line, k->style.font.big, 1,
	        UI_ACCENT, UI_LEFT);
	y += k->style.line_l + gap / 2;
	if (c->nwhere > 0) { /* laps counted at another station: where, and how fresh */
		int n = 0;
		for (size_t i = 0; i < c->nwhere && n < (int)sizeof line; i++)
			n += snprintf(line + n, sizeof line - (size_t)n, "%s%lld %s%s",
			              i > 0 ? ", " : "", (long long)c->where[i].laps,
			              c->where[i].name[0] != '\0' ? "at " : "here",
			              c->where[i].name);
		ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, line, k->style.font.body, 0,
		        UI_FG, UI_LEFT);
		y += lh;
	}
	if (c->asked[0] != '\0') { /* only this station can annul its money: Correct */
		ui_text_wrap(u, (struct ui_rect){left.x, y, left.w, k->style.row}, c->asked,
		             k->style.font.hint, 1, UI_BAD, UI_LEFT);
		y += k->style.row;
	}
	if (c->dup[0] != '\0') { /* never merged silently: the coordinator links them */
		int bw = k->style.back_w + k->style.margin_l;
		ui_text_wrap(u, (struct ui_rect){left.x, y, left.w - bw - gap, k->style.row},
		             c->dup, k->style.font.hint, 0, UI_FG, UI_LEFT);
		if (ui_button(u, (struct ui_rect){left.x + left.w - bw, y, bw, k->style.row},
		              "Same person", k->style.quiet, k->style.font.body) &&
		    !k->waiting) {
			if (k->coordinator)
				screen_walker_link(k);
			else
				kiosk_unlock(k, screen_walker_link);
		}
		y += k->style.row;
	}
	if (c->review[0] != '\0') {
		ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, c->review, k->style.font.body,
		        1, UI_BAD, UI_LEFT);
		y += lh;
	}
	for (size_t i = 0; i < c->st.npeers; i++) {
		const struct kiosk_peer *p = &c->st.peers[i];
		kiosk_peer_words(p, line, sizeof line);
		ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, line, k->style.font.hint, 0,
		        p->seen_wall_ms != 0 && p->age_ms < KIOSK_PEER_FRESH_MS ? UI_DIM : UI_BAD,
		        UI_LEFT);
		y += lh;
	}
	{
		/* a message longer than the column takes a second line */
		int mh = k->msg[0] != '\0' && !k->waiting &&
		                 ui_text_width(u, k->msg, k->style.font.body, 1) > left.w
		             ? 2 * lh
		             : lh;
		kiosk_draw_message(k, (struct ui_rect){left.x, y, left.w, mh});
		y += mh;
	}
	for (size_t i = 0; i < c->nrecent; i++) {
		const struct kiosk_recent *e = &c->recent[i];
		/* a donation's row is a finger high: its Receipt button beside it */
		int receipt = strcmp(e->kind, "donation") == 0 && e->annulled_by == 0;
		int rh = receipt ? k->style.row : k->style.margin_l, rw = 0;
		if (y + rh > left.y + left.h)
			break;
		kiosk_entry_line(e, 0, line, sizeof line);
		if (receipt) {
			/* a receipt again (a COPY once one was delivered) */
			rw = k->style.back_w;
			if (ui_button(u, (struct ui_rect){left.x + left.w - rw, y, rw, rh},
			              "Receipt", k->style.quiet, k->style.font.body) &&
			    !k->waiting)
				kiosk_print_start(k, KIOSK_OP_RECEIPT_PDF, e->seq, k->walker, NULL,
				                  SCREEN_WALKER);
			rw += k->style.gap_s;
		}
		ui_text(u, (struct ui_rect){left.x, y, left.w - rw, rh}, line, k->style.font.hint,
		        0, e->annulled_by ? UI_DIM : UI_FG, UI_LEFT);
		y += rh;
	}

	{
		int n = c->walker.checked_in ? 3 : 4, i = 0;
		if (!c->walker.checked_in && ui_button(u, kiosk_row(right, i++, n, gap), "Check in",
		                                       k->style.done, k->style.font.title))
			screen_walker_act(k, KIOSK_OP_CHECKIN);
		/* a lap by hand sooner than min-lap was refused: the coordinator may
		 * add it anyway, and the entry says so */
		int anyway = k->coordinator && c->op == KIOSK_OP_LAP &&
		             c->scan.verdict.outcome == RULES_LAP_TOO_SOON && c->scan.seq == 0;
		if (ui_button(u, kiosk_row(right, i++, n, gap), anyway ? "+1 lap anyway" : "+1 lap",
		              anyway ? UI_WARN : k->style.done, k->style.font.title)) {
			struct kiosk_req q;

			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_LAP;
			q.walker = k->walker;
			q.override_lap = anyway;
			kiosk_post(k, &q);
		}
		{
			/* a donation, or the sponsors' pledges (most of a walker's money) */
			struct ui_rect money_row = kiosk_row(right, i++, n, gap);
			if (ui_button(u, kiosk_col(money_row, 0, 2, gap), "Donation",
			              k->style.primary, k->style.font.title))
				kiosk_go(k, SCREEN_DONATE);
			if (ui_button(u, kiosk_col(money_row, 1, 2, gap), "Pledges",
			              k->style.primary, k->style.font.title))
				kiosk_go(k, SCREEN_PLEDGES);
		}
		{
			struct ui_rect last = kiosk_row(right, i, n, gap);
			if (ui_button(u, kiosk_col(last, 0, 3, gap), "Badge QR", k->style.primary,
			              k->style.font.text))
				kiosk_go(k, SCREEN_BADGE);
			if (ui_button(u, kiosk_col(last, 1, 3, gap), "Print slip", k->style.primary,
			              k->style.font.text) &&
			    !k->waiting)
				kiosk_print_start(k, KIOSK_OP_SLIP_PDF, 0, k->walker, NULL,
				                  SCREEN_WALKER);
			if (ui_button(u, kiosk_col(last, 2, 3, gap), "Correct", k->style.quiet,
			              k->style.font.text))
				kiosk_go(k, SCREEN_CORRECT);
		}
	}
}

static void
screen_walker_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "That did not work.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	if (x->op == KIOSK_OP_LAP && x->scan.verdict.outcome == RULES_LAP_TOO_SOON &&
	    x->scan.seq == 0) {
		/* refused by hand (the ledger's sentence is longer than the line) */
		kiosk_message(k, UI_FG, "%s",
		              k->coordinator ? "Too soon: +1 lap anyway adds it."
		                             : "Lap not added: too soon. Ask the coordinator.");
		ui_sound(k->ui, UI_SOUND_WARN);
	} else if (x->op == KIOSK_OP_CHECKIN || x->op == KIOSK_OP_LAP) {
		enum ui_color c = kiosk_scan_color(x);
		kiosk_message(k, c == UI_WARN ? UI_FG : c, "%s", x->scan.message);
		ui_sound(k->ui, c == UI_OK ? UI_SOUND_OK : UI_SOUND_WARN);
	}
	kiosk_keep(&k->card, x);
	*r = NULL;
}

const struct screen_ops screen_walker_ops = {
    .name = "walker",
    .enter = screen_walker_enter,
    .draw = screen_walker_draw,
    .reply = screen_walker_reply,
    .coordinator = SCREEN_ANYONE,
};

/* ---- badge QR ------------------------------------------------------------ */

static void
screen_badge_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), qr, info;
	struct kiosk_reply *c = k->card;
	int gap = k->style.gap_l, side, y, lh = k->style.line;
	char line[128];

	if (kiosk_header(k, "Badge", "Back")) {
		kiosk_go(k, SCREEN_WALKER);
		return;
	}
	if (c == NULL || c->code[0] == '\0') {
		ui_text(u, body, "No badge code for this walker.", k->style.font.label, 1, UI_BAD,
		        UI_CENTER);
		return;
	}
	if (ui_width(u) >= ui_height(u)) {
		side = body.h < body.w / 2 ? body.h : body.w / 2;
		qr = (struct ui_rect){body.x, body.y, side, side};
		info = (struct ui_rect){body.x + side + gap, body.y, body.w - side - gap, body.h};
	} else {
		side = body.w < body.h * 55 / 100 ? body.w : body.h * 55 / 100;
		qr = (struct ui_rect){body.x + (body.w - side) / 2, body.y, side, side};
		info = (struct ui_rect){body.x, body.y + side + gap, body.w, body.h - side - gap};
	}
	ui_qr(u, qr, c->code);
	y = info.y + k->style.margin;
	ui_text(u, (struct ui_rect){info.x, y, info.w, k->style.header}, c->walker.name,
	        k->style.font.large, 1, UI_FG, UI_LEFT);
	y += k->style.row_l;
	snprintf(line, sizeof line, "Walker %u", c->walker.id);
	ui_text(u, (struct ui_rect){info.x, y, info.w, lh}, line, k->style.font.label, 1, UI_DIM,
	        UI_LEFT);
	y += lh;
	ui_text(u, (struct ui_rect){info.x, y, info.w, lh}, c->code, k->style.font.body, 0, UI_FG,
	        UI_LEFT);
	y += lh + gap;
	if (k->msg[0] != '\0') { /* just registered: "... Print the badge now?" */
		kiosk_draw_message(k,
		                   (struct ui_rect){info.x, y, info.w,
		                                    info.y + info.h - k->style.button - gap - y});
	} else {
		ui_text(u, (struct ui_rect){info.x, y, info.w, lh},
		        "Take a photo of this code, or scan it", k->style.font.body, 0, UI_FG,
		        UI_LEFT);
		y += lh;
		ui_text(u, (struct ui_rect){info.x, y, info.w, lh},
		        "at the table and at the lap point.", k->style.font.body, 0, UI_FG,
		        UI_LEFT);
	}
	{
		struct ui_rect row = {info.x, info.y + info.h - k->style.button, info.w,
		                      k->style.button};
		if (ui_button(u, kiosk_col(row, 0, 2, gap / 2), "Print badge", k->style.primary,
		              k->style.font.label) &&
		    !k->waiting)
			kiosk_print_start(k, KIOSK_OP_BADGE_PDF, 0, c->walker.id, NULL,
			                  SCREEN_BADGE);
		else if (ui_button(u, kiosk_col(row, 1, 2, gap / 2), "Done", k->style.done,
		                   k->style.font.title))
			kiosk_go(k, SCREEN_HOME);
	}
}

const struct screen_ops screen_badge_ops = {
    .name = "badge",
    .draw = screen_badge_draw,
    .coordinator = SCREEN_ANYONE,
};
