/* screen_register.c — a walk-up registration: the name (warned when the
 * walker looks registered already, accent- and case-blind, with the
 * existing walker one tap away), the team picked from the event's teams
 * (or a new one), the email; then the new walker, checked in at a welcome
 * station, and the badge with its print offered at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk_print.h"
#include "screens.h"
#include "text.h"

enum { REG_NAME, REG_DUP, REG_TEAM, REG_NEW_TEAM, REG_EMAIL };

static void
screen_register_enter(struct kiosk *k)
{
	struct kiosk_req q;

	k->reg.step = REG_NAME;
	k->reg.name[0] = k->reg.team[0] = k->reg.email[0] = '\0';
	kiosk_keep(&k->reg.dups, NULL);
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_TEAMS;
	kiosk_post(k, &q);
}

static void
screen_register_step(struct kiosk *k, int step)
{
	k->reg.step = step;
	k->msg[0] = '\0';
	ui_invalidate(k->ui);
}

/* 1 when found looks like the walker being registered: one's name holds the
 * other's, capitals and accents aside ("maria lópez", "María López"). */
static int
screen_register_same(const char *typed, const char *found)
{
	char *a = text_fold(typed), *b = text_fold(found);
	int same = a[0] != '\0' && b[0] != '\0' && (text_contains(b, a) || text_contains(a, b));

	free(a);
	free(b);
	return same;
}

/* The walkers already registered under this name (the FIND reply, kept). */
static size_t
screen_register_dups(struct kiosk *k, const struct kiosk_found **out, size_t max)
{
	const struct kiosk_reply *r = k->reg.dups;
	size_t n = 0;

	for (size_t i = 0; r != NULL && i < r->nfound && n < max; i++)
		if (screen_register_same(k->reg.name, r->found[i].name))
			out[n++] = &r->found[i];
	return n;
}

static void
screen_register_dup_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), c, in;
	const struct kiosk_found *d[3];
	size_t n = screen_register_dups(k, d, 3);
	int gap = k->style.gap, y = body.y, rh = k->style.row_l;
	char line[KIOSK_FIELD_MAX + 128];

	if (kiosk_header(k, "Already registered?", "Back")) {
		screen_register_step(k, REG_NAME);
		return;
	}
	snprintf(line, sizeof line,
	         "%s may be registered already. Tap the walker to open their card:", k->reg.name);
	y += ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, 2 * k->style.line}, line,
	                  k->style.font.label, 1, UI_FG, UI_LEFT);
	y += gap;
	for (size_t i = 0; i < n; i++) {
		c = (struct ui_rect){body.x, y, body.w, rh};
		in = kiosk_inset(c, k->style.gap);
		if (ui_row(u, c, d[i]->name, k->style.quiet)) {
			k->walker = d[i]->id;
			kiosk_go(k, SCREEN_WALKER);
			return;
		}
		{
			/* the name as wide as it is (half the row at most); the number and
			 * whether checked in whole at the right; the team, shortened if
			 * need be, in what is left between */
			int nw = ui_text_width(u, d[i]->name, k->style.font.text, 1), tw;
			int sep = ui_text_width(u, "  \xc2\xb7  ", k->style.font.body, 0);
			if (nw > in.w / 2)
				nw = in.w / 2;
			ui_text(u, (struct ui_rect){in.x, in.y, nw, in.h}, d[i]->name,
			        k->style.font.text, 1, UI_FG, UI_LEFT);
			snprintf(line, sizeof line, "%swalker %u%s",
			         d[i]->team[0] ? "  \xc2\xb7  " : "", d[i]->id,
			         d[i]->checked_in ? "  \xc2\xb7  checked in" : "");
			tw = ui_text_width(u, line, k->style.font.body, 0);
			ui_text(u, (struct ui_rect){in.x + in.w - tw, in.y, tw, in.h}, line,
			        k->style.font.body, 0, UI_DIM, UI_RIGHT);
			if (d[i]->team[0] != '\0')
				ui_text_cut(u,
				            (struct ui_rect){in.x + nw + sep, in.y,
				                             in.w - nw - sep - tw, in.h},
				            d[i]->team, k->style.font.body, 0, UI_DIM, UI_RIGHT);
		}
		y += rh + gap;
	}
	if (ui_button(u,
	              (struct ui_rect){body.x, body.y + body.h - k->style.button, body.w,
	                               k->style.button},
	              "No, a different person: register", k->style.primary, k->style.font.label))
		screen_register_step(k, REG_TEAM);
}

/* The team: one of the event's teams (largest first), none, or a new one. */
static void
screen_register_team_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), grid, row;
	const struct kiosk_teams *t = k->reg.teams != NULL ? &k->reg.teams->teams : NULL;
	int gap = k->style.gap, lh = k->style.line_s, btn = k->style.button, rh = k->style.row;
	int cols = ui_width(u) >= ui_height(u) ? 2 : 1, rows, shown;
	char line[KIOSK_FIELD_MAX + 16];

	if (kiosk_header(k, "New walker", "Back")) {
		screen_register_step(k, REG_NAME);
		return;
	}
	snprintf(line, sizeof line, "%s's team", k->reg.name);
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, lh}, line, k->style.font.label, 1,
	        UI_FG, UI_LEFT);
	grid = (struct ui_rect){body.x, body.y + lh + gap, body.w, body.h - lh - 2 * gap - btn};
	rows = (grid.h + gap) / (rh + gap);
	if (rows < 1)
		rows = 1;
	shown = t != NULL ? (int)t->n : 0;
	if (shown > rows * cols)
		shown = rows * cols; /* the largest teams; another is typed (New team) */
	for (int i = 0; i < shown; i++) {
		struct ui_rect c = kiosk_col(grid, i / rows, cols, gap), in;
		c.y = grid.y + (i % rows) * (rh + gap);
		c.h = rh;
		in = kiosk_inset(c, k->style.gap);
		if (ui_row(u, c, t->team[i].name, k->style.quiet)) {
			snprintf(k->reg.team, sizeof k->reg.team, "%s", t->team[i].name);
			screen_register_step(k, REG_EMAIL);
			return;
		}
		ui_text_cut(u, in, t->team[i].name, k->style.font.text, 0, UI_FG, UI_LEFT);
	}
	if (shown == 0)
		ui_text(u, (struct ui_rect){grid.x, grid.y, grid.w, lh}, "No teams yet.",
		        k->style.font.body, 0, UI_DIM, UI_LEFT);
	row = (struct ui_rect){body.x, body.y + body.h - btn, body.w, btn};
	if (ui_button(u, kiosk_col(row, 0, 2, gap), "No team", k->style.quiet,
	              k->style.font.label)) {
		k->reg.team[0] = '\0';
		screen_register_step(k, REG_EMAIL);
	}
	if (ui_button(u, kiosk_col(row, 1, 2, gap), "New team\xe2\x80\xa6", k->style.primary,
	              k->style.font.label)) {
		k->reg.team[0] = '\0';
		screen_register_step(k, REG_NEW_TEAM);
	}
}

static void
screen_register_draw(struct kiosk *k)
{
	enum kiosk_ask_result r;
	struct kiosk_req q;

	switch (k->reg.step) {
	case REG_NAME:
		r = kiosk_ask(k, "New walker", "Walker's name", k->reg.name, sizeof k->reg.name,
		              KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK) {
			kiosk_go(k, SCREEN_HOME);
		} else if (r == KIOSK_ASK_DONE) {
			/* registered already?  the same search as Find */
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_FIND;
			snprintf(q.find.text, sizeof q.find.text, "%s", k->reg.name);
			kiosk_post(k, &q);
		}
		break;
	case REG_DUP: screen_register_dup_draw(k); break;
	case REG_TEAM: screen_register_team_draw(k); break;
	case REG_NEW_TEAM:
		r = kiosk_ask(k, "New walker", "The new team's name", k->reg.team,
		              sizeof k->reg.team, KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK)
			screen_register_step(k, REG_TEAM);
		else if (r == KIOSK_ASK_DONE)
			screen_register_step(k, REG_EMAIL);
		break;
	default:
		r = kiosk_ask(k, "New walker", "Email (optional)", k->reg.email,
		              sizeof k->reg.email, KIOSK_KB_EMAIL, 1);
		if (r == KIOSK_ASK_BACK) {
			screen_register_step(k, REG_TEAM);
		} else if (r != KIOSK_ASK_NONE) {
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_ADD;
			snprintf(q.add.name, sizeof q.add.name, "%s", k->reg.name);
			snprintf(q.add.team, sizeof q.add.team, "%s", k->reg.team);
			snprintf(q.add.email, sizeof q.add.email, "%s", k->reg.email);
			kiosk_post(k, &q);
		}
		break;
	}
}

static void
screen_register_reply(struct kiosk *k, struct kiosk_reply **r)
{
	const struct kiosk_found *d[1];
	struct kiosk_reply *x = *r;

	if (x->op == KIOSK_OP_TEAMS) {
		if (x->rc == 0) {
			kiosk_keep(&k->reg.teams, x);
			*r = NULL;
		}
		return;
	}
	if (x->rc != 0) {
		if (x->op == KIOSK_OP_ADD)
			k->reg.step = REG_NAME;
		kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "Not registered.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	if (x->op == KIOSK_OP_FIND) {
		kiosk_keep(&k->reg.dups, x);
		*r = NULL;
		screen_register_step(k, screen_register_dups(k, d, 1) > 0 ? REG_DUP : REG_TEAM);
		if (k->reg.step == REG_DUP)
			ui_sound(k->ui, UI_SOUND_WARN);
		return;
	}
	k->walker = x->walker.id;
	kiosk_keep(&k->card, x);
	*r = NULL;
	ui_sound(k->ui, UI_SOUND_OK);
	if (k->st.event.waiver[0] != '\0') { /* the waiver, then the badge */
		kiosk_go(k, SCREEN_WAIVER);
		return;
	}
	kiosk_go(k, SCREEN_BADGE);
	kiosk_message(k, UI_OK, "%s is registered%s. Print the badge now?", k->card->walker.name,
	              k->card->walker.checked_in ? " and checked in" : "");
}

const struct screen_ops screen_register_ops = {
    .name = "register",
    .enter = screen_register_enter,
    .draw = screen_register_draw,
    .reply = screen_register_reply,
    .coordinator = SCREEN_ANYONE,
};
