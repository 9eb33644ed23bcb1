/* screen_badges.c — the coordinator's sheets of badges for the morning: all
 * walkers, those registered since the last sheet, or one team; on label
 * sheets or one per receipt-roll ticket.  Made and printed off the UI thread
 * (kiosk_print.h), recorded in the ledger (which walkers, so "new" knows). */
#include <stdio.h>
#include <string.h>

#include "kiosk_print.h"
#include "screens.h"

enum { BADGES_CHOOSE, BADGES_TEAM };

static const struct {
	const char *layout, *label;
} screen_badges_layouts[] = {
    {"3x10", "30 labels a page (Avery 5160)"},
    {"2x5", "10 labels a page (Avery 5163)"},
    {"roll", "Receipt roll, one each"},
};

static void
screen_badges_enter(struct kiosk *k)
{
	struct kiosk_req q;

	k->badges.step = BADGES_CHOOSE;
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_TEAMS;
	q.seq = 1; /* and the counts */
	kiosk_post(k, &q);
}

/* How many badges the choice makes, as the last count said; -1 unknown. */
static int64_t
screen_badges_count(struct kiosk *k)
{
	const struct kiosk_teams *t = k->badges.teams != NULL ? &k->badges.teams->teams : NULL;

	if (t == NULL)
		return -1;
	switch (k->badges.which) {
	case PRINT_CLI_ALL: return t->all;
	case PRINT_CLI_NEW: return t->fresh;
	case PRINT_CLI_TEAM:
		for (size_t i = 0; i < t->n; i++)
			if (strcmp(t->team[i].name, k->badges.team) == 0)
				return t->team[i].walkers;
		return -1;
	default: return -1;
	}
}

static void
screen_badges_teams(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), grid;
	const struct kiosk_teams *t = &k->badges.teams->teams;
	int gap = k->style.gap, cols = ui_width(u) >= ui_height(u) ? 2 : 1, rows;

	if (kiosk_header(k, "Badges of one team", "Back")) {
		k->badges.step = BADGES_CHOOSE;
		return;
	}
	if (t->n == 0) {
		ui_text_wrap(u, body, "No walker has a team yet.", k->style.font.label, 0, UI_FG,
		             UI_LEFT);
		return;
	}
	rows = ((int)t->n + cols - 1) / cols;
	grid = body;
	if (rows * (k->style.row + gap) < grid.h)
		grid.h = rows * (k->style.row + gap);
	for (size_t i = 0; i < t->n; i++) {
		struct ui_rect c = kiosk_col(kiosk_row(grid, (int)i / cols, rows, gap),
		                             (int)i % cols, cols, gap),
		               in = kiosk_inset(c, k->style.gap);
		char count[32];
		int cw;
		/* a row, not a button: a long team's name may end with "…" */
		if (ui_row(u, c, t->team[i].name, k->style.quiet)) {
			snprintf(k->badges.team, sizeof k->badges.team, "%s", t->team[i].name);
			k->badges.which = PRINT_CLI_TEAM;
			k->badges.step = BADGES_CHOOSE;
			k->msg[0] = '\0';
		}
		snprintf(count, sizeof count, "%lld", (long long)t->team[i].walkers);
		cw = ui_text_width(u, count, k->style.font.body, 1) + k->style.gap;
		ui_text_cut(u, (struct ui_rect){in.x, in.y, in.w - cw, in.h}, t->team[i].name,
		            k->style.font.body, 0, UI_FG, UI_LEFT);
		ui_text(u, (struct ui_rect){in.x + in.w - cw, in.y, cw, in.h}, count,
		        k->style.font.body, 1, UI_DIM, UI_RIGHT);
	}
}

static void
screen_badges_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row;
	const struct kiosk_teams *t = k->badges.teams != NULL ? &k->badges.teams->teams : NULL;
	int gap = k->style.gap, rh = k->style.row_l, lh = k->style.line_s, y = body.y;
	int64_t n;
	char label[3][96], line[200];

	if (k->badges.step == BADGES_TEAM && t != NULL) {
		screen_badges_teams(k);
		return;
	}
	if (kiosk_header(k, "Badges", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, "Whose badges", k->style.font.small, 1,
	        UI_DIM, UI_LEFT);
	y += lh;
	row = (struct ui_rect){body.x, y, body.w, kiosk_choices_h(k, 3, rh, gap)};
	snprintf(label[0], sizeof label[0], t ? "All walkers (%lld)" : "All walkers",
	         t ? (long long)t->all : 0LL);
	snprintf(label[1], sizeof label[1], t ? "New since the last sheet (%lld)" : "New",
	         t ? (long long)t->fresh : 0LL);
	snprintf(label[2], sizeof label[2], "One team\xe2\x80\xa6");
	for (int i = 0; i < 3; i++) {
		int on = (int)k->badges.which == i;
		if (ui_button(u, kiosk_choice(k, row, i, 3, gap), label[i],
		              on ? UI_ACCENT : UI_PANEL, k->style.font.body) &&
		    !k->waiting) {
			k->msg[0] = '\0';
			if (i == PRINT_CLI_TEAM)
				k->badges.step = BADGES_TEAM;
			else
				k->badges.which = (enum print_cli_which)i;
		}
	}
	y += row.h;
	if (k->badges.which == PRINT_CLI_TEAM) {
		struct ui_rect under = kiosk_choice(k, row, 2, 3, gap);
		snprintf(line, sizeof line, "Team: %s", k->badges.team);
		ui_text_cut(u, (struct ui_rect){under.x, y, under.w, lh}, line, k->style.font.small,
		            1, UI_ACCENT, UI_LEFT);
	}
	y += lh;
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, "Printed on", k->style.font.small, 1,
	        UI_DIM, UI_LEFT);
	y += lh;
	row = (struct ui_rect){body.x, y, body.w, kiosk_choices_h(k, 3, rh, gap)};
	for (int i = 0; i < 3; i++) {
		int on = k->badges.layout == i;
		if (ui_button(u, kiosk_choice(k, row, i, 3, gap), screen_badges_layouts[i].label,
		              on ? UI_ACCENT : UI_PANEL, k->style.font.body) &&
		    !k->waiting)
			k->badges.layout = i;
	}
	y += row.h + gap;
	kiosk_draw_message(k, (struct ui_rect){body.x, y, body.w, lh});
	y += lh;
	ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, body.y + body.h - k->style.button - y},
	             "Every sheet is recorded: \xe2\x80\x9cNew\xe2\x80\x9d prints those registered "
	             "since the last sheet of all or new that printed. A badge printed again "
	             "from a walker's card says REPRINT.",
	             k->style.font.hint, 0, UI_DIM, UI_LEFT);
	n = screen_badges_count(k);
	if (n < 0)
		snprintf(line, sizeof line, "Print the badges");
	else
		snprintf(line, sizeof line, "Print %lld badge%s", (long long)n, n == 1 ? "" : "s");
	if (ui_button(u,
	              (struct ui_rect){body.x + body.w / 4, body.y + body.h - k->style.button,
	                               body.w / 2, k->style.button},
	              line, k->style.done, k->style.font.title) &&
	    !k->waiting) {
		if (n == 0) {
			kiosk_message(k, UI_FG, "%s",
			              k->badges.which == PRINT_CLI_NEW
			                  ? "Nobody was registered since the last sheet of badges."
			                  : "No walker to print a badge for.");
			return;
		}
		kiosk_print_badges(k, k->badges.which, k->badges.team,
		                   screen_badges_layouts[k->badges.layout].layout, SCREEN_BADGES);
	}
}

static void
screen_badges_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Refused.");
		return;
	}
	kiosk_keep(&k->badges.teams, *r);
	*r = NULL;
}

const struct screen_ops screen_badges_ops = {
    .name = "badges",
    .enter = screen_badges_enter,
    .draw = screen_badges_draw,
    .reply = screen_badges_reply,
    .coordinator = SCREEN_COORDINATOR,
};
