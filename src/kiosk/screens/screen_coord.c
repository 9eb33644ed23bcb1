/* screen_coord.c — coordinator mode: the PIN, the menu, event settings,
 * roster import, and the first-start setup of the event. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "kiosk_clock.h"
#include "kiosk_print.h"
#include "kiosk_send.h"
#include "pin.h"
#include "screens.h"
#include "util.h"

/* ---- PIN ----------------------------------------------------------------- */

/* The PIN screen: enter it (or, forgotten, the recovery code), change it
 * (the current one first), or choose the first one, which the kiosk asks for
 * before anything else.  A new recovery code is shown once, printable. */
enum { PIN_ENTER, PIN_OLD, PIN_CODE, PIN_CHOOSE, PIN_AGAIN, PIN_SHOW_CODE };

static void
screen_pin_wipe(struct kiosk *k)
{
	util_wipe(k->pin.pin1, sizeof k->pin.pin1);
	util_wipe(k->pin.pin2, sizeof k->pin.pin2);
	util_wipe(k->pin.old, sizeof k->pin.old);
	k->pin.with_code = 0;
}

static void
screen_pin_enter(struct kiosk *k)
{
	if (k->pin.recovery[0] != '\0') { /* back from printing it */
		k->pin.step = PIN_SHOW_CODE;
		return;
	}
	screen_pin_wipe(k);
	k->pin.step = !k->st.pin_set ? PIN_CHOOSE : k->pin.change ? PIN_OLD : PIN_ENTER;
}

static void
screen_pin_post(struct kiosk *k, enum kiosk_op op, const char *pin)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = op;
	snprintf(q.pin.pin, sizeof q.pin.pin, "%s", pin);
	if (op == KIOSK_OP_PIN_SET)
		snprintf(k->pin.with_code ? q.pin.code : q.pin.current, sizeof q.pin.code, "%s",
		         k->pin.old);
	kiosk_post(k, &q);
	util_wipe(&q, sizeof q);
}

/* Choose a PIN and type it again (screens.h). */
int
screen_pin_choose(struct kiosk *k, const char *title, int first, int *back)
{
	enum kiosk_ask_result r;
	char *cause = NULL;

	*back = 0;
	if (k->pin.step == first) {
		r = kiosk_ask(k, title, "Choose a coordinator PIN (6 to 8 digits)", k->pin.pin1,
		              sizeof k->pin.pin1, KIOSK_KB_PIN, 0);
		if (r == KIOSK_ASK_BACK)
			*back = 1;
		if (r != KIOSK_ASK_DONE)
			return 0;
		if (pin_valid(k->pin.pin1, &cause) != 0) {
			kiosk_message(k, UI_BAD, "%s", cause);
			free(cause);
			util_wipe(k->pin.pin1, sizeof k->pin.pin1);
			return 0;
		}
		k->pin.step++;
		k->msg[0] = '\0';
		util_wipe(k->pin.pin2, sizeof k->pin.pin2);
		return 0;
	}
	r = kiosk_ask(k, title, "Type the same PIN again", k->pin.pin2, sizeof k->pin.pin2,
	              KIOSK_KB_PIN, 0);
	if (r == KIOSK_ASK_BACK) {
		k->pin.step--;
		return 0;
	}
	if (r != KIOSK_ASK_DONE)
		return 0;
	if (strcmp(k->pin.pin1, k->pin.pin2) != 0) {
		k->pin.step--;
		util_wipe(k->pin.pin1, sizeof k->pin.pin1);
		util_wipe(k->pin.pin2, sizeof k->pin.pin2);
		kiosk_message(k, UI_BAD, "The two PINs were different. Choose it again.");
		return 0;
	}
	return 1;
}

/* Where the PIN screen goes when done: set-up on a fresh station, else on. */
static void
screen_pin_leave(struct kiosk *k)
{
	screen_pin_wipe(k);
	k->pin.change = 0;
	if (!k->st.has_event)
		kiosk_go(k, SCREEN_SETUP);
	else
		kiosk_go(k, k->coordinator ? SCREEN_COORD : SCREEN_HOME);
}

static void
screen_pin_show_code(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row;
	int gap = k->style.margin, lh = k->style.line_s, y = body.y, btn = k->style.button;

	kiosk_header(k, "Recovery code", NULL);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh},
	        "If the PIN is ever forgotten, this code lets a new one be chosen:",
	        k->style.font.body, 0, UI_FG, UI_LEFT);
	y += lh + gap;
	ui_text(u, (struct ui_rect){body.x, y, body.w, k->style.button_l}, k->pin.recovery,
	        k->style.font.figure, 1, UI_ACCENT, UI_CENTER);
	y += k->style.button_l + gap;
	y += ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, 3 * lh},
	                  "Write it down or print it now, and keep it apart from the station "
	                  "(with the event's papers). It is shown only this once.",
	                  k->style.font.body, 0, UI_FG, UI_LEFT);
	kiosk_draw_message(k, (struct ui_rect){body.x, y + gap, body.w, lh});
	row = (struct ui_rect){body.x, body.y + body.h - btn, body.w, btn};
	if (ui_button(u, kiosk_col(row, 0, 2, gap * 2), "Print it", k->style.primary,
	              k->style.font.label))
		kiosk_print_recovery(k, k->pin.recovery, SCREEN_PIN);
	if (ui_button(u, kiosk_col(row, 1, 2, gap * 2), "I have written it down", k->style.done,
	              k->style.font.text)) {
		util_wipe(k->pin.recovery, sizeof k->pin.recovery);
		screen_pin_leave(k);
	}
}

static void
screen_pin_draw(struct kiosk *k)
{
	struct ui_rect body;
	enum kiosk_ask_result r;
	int back;

	switch (k->pin.step) {
	case PIN_ENTER:
	case PIN_OLD:
		if (k->pin_wait_until_ms > k->now_ms) {
			/* no keypad while the wait lasts: a tap is not another wrong PIN */
			if (kiosk_header(k, "Coordinator", "Back"))
				screen_pin_leave(k);
			body = kiosk_body(k);
			kiosk_pin_wait(k, (struct ui_rect){body.x, body.y, body.w, body.h / 2});
			return;
		}
		r = kiosk_ask_or(
		    k, k->pin.step == PIN_OLD ? "Change the PIN" : "Coordinator",
		    k->pin.step == PIN_OLD ? "Type the current PIN" : "Enter the coordinator PIN",
		    k->pin.pin1, sizeof k->pin.pin1, KIOSK_KB_PIN, 0, "Forgot the PIN?");
		if (r == KIOSK_ASK_BACK) {
			screen_pin_leave(k);
		} else if (r == KIOSK_ASK_ASIDE) {
			screen_pin_wipe(k);
			k->pin.step = PIN_CODE;
			k->msg[0] = '\0';
		} else if (r == KIOSK_ASK_DONE && k->pin.step == PIN_OLD) {
			/* checked with the new one (PIN_SET), so a wrong one costs one try */
			snprintf(k->pin.old, sizeof k->pin.old, "%s", k->pin.pin1);
			util_wipe(k->pin.pin1, sizeof k->pin.pin1);
			k->pin.step = PIN_CHOOSE;
			k->msg[0] = '\0';
		} else if (r == KIOSK_ASK_DONE) {
			screen_pin_post(k, KIOSK_OP_PIN_CHECK, k->pin.pin1);
			util_wipe(k->pin.pin1, sizeof k->pin.pin1);
		}
		return;
	case PIN_CODE:
		if (k->pin_wait_until_ms > k->now_ms) {
			if (kiosk_header(k, "Forgotten PIN", "Back"))
				screen_pin_leave(k);
			body = kiosk_body(k);
			kiosk_pin_wait(k, (struct ui_rect){body.x, body.y, body.w, body.h / 2});
			return;
		}
		r = kiosk_ask(k, "Forgotten PIN",
		              "The recovery code (on paper, e.g. ABCD-EFGH-...)", k->pin.old,
		              sizeof k->pin.old, KIOSK_KB_TEXT, 0);
		if (r == KIOSK_ASK_BACK) {
			screen_pin_wipe(k);
			k->pin.step = PIN_ENTER;
			k->msg[0] = '\0';
		} else if (r == KIOSK_ASK_DONE) {
			k->pin.with_code = 1;
			k->pin.step = PIN_CHOOSE;
			k->msg[0] = '\0';
		}
		return;
	case PIN_SHOW_CODE: screen_pin_show_code(k); return;
	default: break;
	}
	if (screen_pin_choose(k,
	                      !k->st.pin_set  ? "This station's coordinator PIN"
	                      : k->pin.change ? "Change the PIN"
	                                      : "A new PIN",
	                      PIN_CHOOSE, &back)) {
		screen_pin_post(k, KIOSK_OP_PIN_SET, k->pin.pin1);
		util_wipe(k->pin.pin1, sizeof k->pin.pin1);
		util_wipe(k->pin.pin2, sizeof k->pin.pin2);
	} else if (back && !k->st.pin_set) {
		/* the first PIN comes before anything else: nowhere to go back to */
		kiosk_message(k, UI_FG, "Choose the PIN first: it guards money and settings.");
	} else if (back) {
		screen_pin_leave(k);
	}
}

static void
screen_pin_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->rc != 0) {
		if (x->pin_wait_ms > 0)
			k->pin_wait_until_ms = k->now_ms + x->pin_wait_ms;
		kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "Refused.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		if (x->op == KIOSK_OP_PIN_SET) { /* the current PIN or the code was wrong */
			int code = k->pin.with_code;
			screen_pin_wipe(k);
			k->pin.step = !k->st.pin_set ? PIN_CHOOSE : code ? PIN_CODE : PIN_OLD;
		}
		return;
	}
	k->coordinator = 1;
	k->active_ms = k->now_ms;
	k->pin_wait_until_ms = 0;
	if (x->op == KIOSK_OP_PIN_SET && x->recovery[0] != '\0') {
		snprintf(k->pin.recovery, sizeof k->pin.recovery, "%s", x->recovery);
		screen_pin_wipe(k);
		k->pin.step = PIN_SHOW_CODE;
		kiosk_message(k, UI_OK, "The PIN is saved.");
		return;
	}
	screen_pin_leave(k);
	if (x->op == KIOSK_OP_PIN_SET)
		kiosk_message(k, UI_OK, "The new PIN is saved.");
}

const struct screen_ops screen_pin_ops = {
    .name = "pin",
    .enter = screen_pin_enter,
    .draw = screen_pin_draw,
    .reply = screen_pin_reply,
    .coordinator = SCREEN_ANYONE,
};

/* ---- the coordinator's menu ---------------------------------------------- */

static void
screen_coord_draw(struct kiosk *k)
{
	static const char *const role_labels[] = {[RULES_ROLE_WELCOME] = "Welcome table",
	                                          [RULES_ROLE_LAP] = "Lap point",
	                                          [RULES_ROLE_BOTH] = "Both"};
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), row, grid;
	int gap = k->style.margin, rh = k->style.row_l, lh = k->style.line, portrait, top;
	char rot[48], review[48];

	if (kiosk_header(k, "Coordinator", "Home")) {
		kiosk_lock(k); /* leaving the menu for home locks it */
		return;
	}
	/* portrait: the role's label above its three buttons ("Welcome table" fits) */
	portrait = ui_width(u) < ui_height(u);
	top = portrait ? lh : 0;
	row = (struct ui_rect){body.x, body.y + top, body.w, rh};
	ui_text(u,
	        portrait ? (struct ui_rect){body.x, body.y, body.w, lh} : kiosk_col(row, 0, 4, gap),
	        setting_find("role")->label, k->style.font.text, 1, UI_FG, UI_LEFT);
	for (int i = 0; i < 3; i++) {
		int on = (int)k->st.event.role == i;
		struct ui_rect b = kiosk_col(row, i + 1, 4, gap);
		if (portrait) { /* shares of 15: "Welcome table" 7, "Lap point" 5, "Both" 3 */
			static const int at[] = {0, 7, 12, 15};
			int span = row.w - 2 * gap;
			b = (struct ui_rect){row.x + span * at[i] / 15 + i * gap, row.y,
			                     span * (at[i + 1] - at[i]) / 15, row.h};
		}
		/* the body size: "Welcome table" whole, not shrunk beside the others */
		if (ui_button(u, b, role_labels[i], on ? UI_ACCENT : UI_PANEL,
		              k->style.font.body) &&
		    !on && !k->waiting) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_SET;
			snprintf(q.set.key, sizeof q.set.key, "%s", setting_find("role")->key);
			snprintf(q.set.value, sizeof q.set.value, "%s",
			         rules_role_name((enum rules_role)i));
			kiosk_post(k, &q);
		}
	}
	kiosk_draw_message(k, (struct ui_rect){body.x, body.y + top + rh + gap / 2, body.w, lh});
	grid = (struct ui_rect){body.x, body.y + top + rh + lh + gap, body.w,
	                        body.h - top - rh - lh - gap};
	snprintf(rot, sizeof rot, "Rotate (%d\xc2\xb0)", ui_rotation(u));
	{
		const struct ledger_totals *t = &k->st.totals;
		const struct fold_figures *all = &k->st.whole;
		int64_t waiting = t->flagged_laps - t->accepted_laps - t->rejected_laps;

		/* the lap point's flagged laps wait here too (reviewed here) */
		if (k->st.npeers > 0)
			waiting = all->flagged_laps - all->accepted_laps - all->rejected_laps;

		if (waiting > 0)
			snprintf(review, sizeof review, "Lap review (%lld)", (long long)waiting);
		else
			snprintf(review, sizeof review, "Lap review");
	}
	/* the menu: a grid of 4 x 4 (2 x 8 on a portrait panel) */
	{
		const struct {
			const char *label;
			enum ui_color color;
			int action;
		} items[] = {
		    {"Event settings", UI_ACCENT, 0},
		    {"Import roster", UI_ACCENT, 1},
		    {"Badges", UI_ACCENT, 15},
		    {"Corrections", UI_ACCENT, 2},
		    {review, UI_ACCENT, 12},
		    {"Printer", UI_ACCENT, 3},
		    {"Close-out", UI_OK, 4},
		    {"Export to USB", UI_OK, 5},
		    {"Send to HQ", UI_OK, 16},
		    {"Event pack to USB", UI_ACCENT, 10},
		    {"Stations", UI_ACCENT, 14},
		    {rot, UI_PANEL, 6},
		    {"Set the clock", UI_PANEL, 7},
		    {"Change PIN", UI_PANEL, 8},
		    {k->st.training ? "Training: on" : "Training", UI_WARN, 11},
		    {"Certify laps", UI_OK, 13},
		    {"Lock", UI_BAD, 9},
		};
		int cols = ui_width(u) >= ui_height(u) ? 4 : 2, n = (int)nitems(items);
		/* the key id takes a cell too, and whether the bundle reached HQ
		   the rest of the last row */
		int cells = n + (k->st.event_key_id[0] != '\0') + 1;
		int rows = (cells + cols - 1) / cols;
		{
			int at = cells - 1;
			struct ui_rect last = kiosk_row(grid, at / cols, rows, gap);
			struct ui_rect c = kiosk_col(last, at % cols, cols, gap);
			enum kiosk_send_mood m =
			    kiosk_send_brief(k->send, k->send_brief, sizeof k->send_brief);

			c.w = last.x + last.w - c.x;
			ui_text_wrap(u, c, k->send_brief, k->style.font.hint, 1,
			             m == KIOSK_SEND_OK        ? UI_OK
			             : m == KIOSK_SEND_REFUSED ? UI_BAD
			             : m == KIOSK_SEND_NONE    ? UI_DIM
			                                       : UI_FG,
			             UI_CENTER);
		}
		if (k->st.event_key_id[0] != '\0') { /* in the free cell after the last */
			char idl[64];
			struct ui_rect c =
			    kiosk_col(kiosk_row(grid, n / cols, rows, gap), n % cols, cols, gap);
			snprintf(idl, sizeof idl, "Event key id\n%s", k->st.event_key_id);
			/* an id is never cut or wrapped: one with wide letters (D, C) is
			 * drawn a size smaller until it fits the cell */
			int size = k->style.font.hint;
			while (size > 10 && ui_text_width(u, k->st.event_key_id, size, 0) > c.w)
				size--;
			ui_text_wrap(u, c, idl, size, 0, UI_DIM, UI_CENTER);
		}
		for (int i = 0; i < n; i++) {
			struct ui_rect c =
			    kiosk_col(kiosk_row(grid, i / cols, rows, gap), i % cols, cols, gap);
			if (!ui_button(u, c, items[i].label, items[i].color, k->style.font.body))
				continue;
			switch (items[i].action) {
			case 0: kiosk_go(k, SCREEN_SETTINGS); break;
			case 1: kiosk_go(k, SCREEN_IMPORT); break;
			case 2:
				k->walker = 0;
				kiosk_go(k, SCREEN_CORRECT);
				break;
			case 3: kiosk_go(k, SCREEN_PRINTER); break;
			case 4: kiosk_go(k, SCREEN_CLOSE); break;
			case 5: kiosk_go(k, SCREEN_EXPORT); break;
			case 10: kiosk_go(k, SCREEN_PACK); break;
			case 11: kiosk_go(k, SCREEN_TRAINING); break;
			case 12: kiosk_go(k, SCREEN_REVIEW); break;
			case 13: kiosk_go(k, SCREEN_CERTIFY); break;
			case 14: kiosk_go(k, SCREEN_STATIONS); break;
			case 15: kiosk_go(k, SCREEN_BADGES); break;
			case 16: kiosk_go(k, SCREEN_SEND); break;
			case 6: ui_set_rotation(u, (ui_rotation(u) + 90) % 360); break;
			case 7:
				kiosk_go(k, SCREEN_SETTINGS);
				k->settings.key = "clock";
				k->settings.label = "Date and time now (YYYY-MM-DD HH:MM)";
				k->settings.prompt[0] = '\0';
				kiosk_clock_now(k->settings.value, sizeof k->settings.value);
				k->settings.step = 1;
				break;
			case 8:
				k->pin.change = 1;
				kiosk_go(k, SCREEN_PIN);
				break;
			default: kiosk_lock(k); break;
			}
			return;
		}
	}
}

static void
screen_coord_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0)
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Refused.");
	else
		kiosk_message(k, UI_OK, "This station is now: %s.",
		              kiosk_role_name((*r)->st.event.role));
}

/* The Send to HQ line changes on its thread (kiosk_send wakes the loop). */
static void
screen_coord_tick(struct kiosk *k)
{
	char brief[sizeof k->send_brief];

	kiosk_send_brief(k->send, brief, sizeof brief);
	if (strcmp(brief, k->send_brief) != 0)
		ui_invalidate(k->ui);
}

const struct screen_ops screen_coord_ops = {
    .name = "coord",
    .draw = screen_coord_draw,
    .reply = screen_coord_reply,
    .tick = screen_coord_tick,
    .coordinator = SCREEN_COORDINATOR,
};

/* ---- event settings ------------------------------------------------------ */

/* The settings on this screen: those of the table on the form, in its order. */
static const struct setting *
screen_settings_at(int i)
{
	const struct setting *s;
	size_t j;

	for (j = 0; (s = setting_at(j)) != NULL; j++)
		if (s->kiosk == SETTING_KIOSK_FORM && i-- == 0)
			return s;
	return NULL;
}

static int
screen_settings_count(void)
{
	int n = 0;

	while (screen_settings_at(n) != NULL)
		n++;
	return n;
}

/* The value as people read it; "" when unset (shown as a dash). */
static void
screen_settings_value(struct kiosk *k, const struct setting *s, char *buf, size_t len)
{
	char canon[SETTING_VALUE_MAX];

	ledger_event_value(&k->st.event, s, canon, sizeof canon);
	if (setting_is_unset(s, canon))
		buf[0] = '\0';
	else
		setting_show(s, canon, buf, len);
}

/* A length's units on the form; miles first, as US walks measure. */
static const struct {
	const char *unit, *words;
} screen_settings_units[] = {{"mi", "miles"}, {"km", "km"}, {"m", "metres"}};

/* The prompt says the unit of every number; a length is split into its
 * number and its unit (chosen with the aside). */
static void
screen_settings_prompt(struct kiosk *k, const struct setting *s)
{
	const char *unit = s->type == SETTING_TYPE_MONEY     ? "in dollars"
	                   : s->type == SETTING_TYPE_SECONDS ? "in seconds"
	                   : s->type == SETTING_TYPE_COUNT   ? s->unit
	                   : s->type == SETTING_TYPE_LENGTH  ? "a number, then its unit"
	                                                     : NULL;
	char *sp;

	if (unit != NULL && unit[0] != '\0')
		snprintf(k->settings.prompt, sizeof k->settings.prompt, "%s (%s)", s->label, unit);
	else
		snprintf(k->settings.prompt, sizeof k->settings.prompt, "%s", s->label);
	k->settings.unit = 0;
	if (s->type != SETTING_TYPE_LENGTH)
		return;
	if ((sp = strchr(k->settings.value, ' ')) != NULL) {
		for (int i = 0; i < (int)nitems(screen_settings_units); i++)
			if (strcmp(sp + 1, screen_settings_units[i].unit) == 0)
				k->settings.unit = i;
		*sp = '\0';
	}
}

static void
screen_settings_enter(struct kiosk *k)
{
	k->settings.step = 0;
	k->settings.page = 0;
}

static void
screen_settings_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), grid;
	int gap = k->style.gap, lh = k->style.line_s, n = screen_settings_count();
	int cols = ui_width(u) >= ui_height(u) ? 2 : 1, rows, per, pages;
	char value[160], label[256];

	if (k->settings.step == 1) {
		const struct setting *st = setting_find(k->settings.key);
		int length = st != NULL && st->type == SETTING_TYPE_LENGTH;
		char aside[64];
		enum kiosk_ask_result r;
		int clock = strcmp(k->settings.key, "clock") == 0;

		/* a length is a number and a unit chosen apart: "0.25" alone was metres */
		snprintf(aside, sizeof aside, "Unit: %s (change)",
		         screen_settings_units[k->settings.unit].words);
		r = kiosk_ask_or(k, clock ? "Set the clock" : "Event settings",
		                 k->settings.prompt[0] ? k->settings.prompt : k->settings.label,
		                 k->settings.value, sizeof k->settings.value,
		                 length ? KIOSK_KB_NUMBER : KIOSK_KB_TEXT, 1,
		                 length ? aside : NULL);
		if (r == KIOSK_ASK_ASIDE) {
			k->settings.unit =
			    (k->settings.unit + 1) % (int)nitems(screen_settings_units);
			ui_invalidate(k->ui);
			return;
		}
		if (r == KIOSK_ASK_BACK && clock) {
			kiosk_go(k, SCREEN_COORD);
		} else if (r == KIOSK_ASK_BACK) {
			k->settings.step = 0;
			k->msg[0] = '\0';
		} else if (r != KIOSK_ASK_NONE) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = clock ? KIOSK_OP_SET_CLOCK : KIOSK_OP_SET;
			snprintf(q.set.key, sizeof q.set.key, "%s", k->settings.key);
			if (length && k->settings.value[0] != '\0' &&
			    strspn(k->settings.value, "0123456789.") == strlen(k->settings.value))
				snprintf(q.set.value, sizeof q.set.value, "%.200s %s",
				         k->settings.value,
				         screen_settings_units[k->settings.unit].unit);
			else
				snprintf(q.set.value, sizeof q.set.value, "%s", k->settings.value);
			kiosk_post(k, &q);
		}
		return;
	}
	if (kiosk_header(k, "Event settings", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	kiosk_draw_message(k, (struct ui_rect){body.x, body.y, body.w, lh});
	grid = (struct ui_rect){body.x, body.y + lh + gap, body.w, body.h - lh - gap};
	/* rows a finger high; when they do not all fit, pages, and the last cell
	 * turns the page */
	rows = (grid.h + gap) / (k->style.row + gap);
	if (rows < 1)
		rows = 1;
	per = rows * cols;
	if (n > per)
		per--;
	pages = (n + per - 1) / per;
	if (k->settings.page >= pages)
		k->settings.page = 0;
	for (int j = 0; j < per && k->settings.page * per + j < n; j++) {
		int i = k->settings.page * per + j;
		struct ui_rect c =
		    kiosk_col(kiosk_row(grid, j % rows, rows, gap), j / rows, cols, gap);
		const struct setting *s = screen_settings_at(i);
		screen_settings_value(k, s, value, sizeof value);
		if (strlen(value) > 48) { /* a long text (a waiver): its start, then "…" */
			size_t cut = 48;
			while (cut > 0 && ((unsigned char)value[cut] & 0xc0) == 0x80)
				cut--;
			snprintf(value + cut, sizeof value - cut, "\xe2\x80\xa6");
		}
		snprintf(label, sizeof label, "%s: %s", s->label,
		         value[0] ? value : "\xe2\x80\x94");
		/* a long value takes the button's two lines, ended with "…" by the
		 * button when even two are too few (ui_button) */
		if (ui_button(u, c, label, k->style.quiet, k->style.font.body)) {
			char whole[SETTING_VALUE_MAX];

			/* a value longer than the keyboard's field (a waiver set
			 * with watctl or from the event pack) is not cut short by
			 * an edit here: it is said, and left whole */
			screen_settings_value(k, s, whole, sizeof whole);
			if (strlen(whole) >= sizeof k->settings.value) {
				snprintf(k->msg, sizeof k->msg,
				         "%s: %zu characters, kept whole (watctl set %s).",
				         s->label, strlen(whole), s->key);
				continue;
			}
			k->settings.key = s->key;
			k->settings.label = s->label;
			memcpy(k->settings.value, whole, strlen(whole) + 1); /* fits: above */
			screen_settings_prompt(k, s);
			k->settings.step = 1;
			k->msg[0] = '\0';
		}
	}
	if (pages > 1) {
		int j = rows * cols - 1;
		snprintf(label, sizeof label, "More settings (%d of %d)", k->settings.page + 1,
		         pages);
		if (ui_button(u,
		              kiosk_col(kiosk_row(grid, j % rows, rows, gap), j / rows, cols, gap),
		              label, k->style.primary, k->style.font.body))
			k->settings.page = (k->settings.page + 1) % pages;
	}
}

static void
screen_settings_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Refused.");
		return;
	}
	if ((*r)->op == KIOSK_OP_SET_CLOCK) {
		kiosk_go(k, SCREEN_COORD);
		kiosk_message(k, UI_OK, "The clock is set.");
		return;
	}
	k->settings.step = 0;
	kiosk_message(k, UI_OK, "Saved: %s.", k->settings.label);
}

const struct screen_ops screen_settings_ops = {
    .name = "settings",
    .enter = screen_settings_enter,
    .draw = screen_settings_draw,
    .reply = screen_settings_reply,
    .coordinator = SCREEN_COORDINATOR,
};

/* ---- roster import ------------------------------------------------------- */

/* Pick a file, see its preview (new, updated, unchanged, repeats merged, and
 * each bad row with its own text), then import it whole, or, only by the
 * coordinator's choice, its good rows with the others listed and printable. */
enum { IMPORT_FILES, IMPORT_TYPE, IMPORT_PREVIEW };

static void
screen_import_enter(struct kiosk *k)
{
	struct kiosk_req q;

	if (k->import.printing && k->import.preview != NULL) { /* back from printing */
		k->import.printing = 0;
		return;
	}
	k->import.printing = 0;
	k->import.step = IMPORT_FILES;
	k->import.done = 0;
	k->import.pledges = 0;
	kiosk_keep(&k->import.preview, NULL);
	kiosk_keep(&k->list, NULL);
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_LISTDIR;
	snprintf(q.file.path, sizeof q.file.path, "%s", k->usb_dir);
	kiosk_post(k, &q);
}

static void
screen_import_post(struct kiosk *k, enum kiosk_op op, const char *path, int good_rows)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = op;
	q.file.good_rows = good_rows;
	q.file.pledges = k->import.pledges;
	snprintf(q.file.path, sizeof q.file.path, "%s", path);
	if (path != k->import.path)
		snprintf(k->import.path, sizeof k->import.path, "%s", path);
	kiosk_post(k, &q);
}

static void
screen_import_files(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), left, right;
	int gap = k->style.gap, rh = k->style.row, lh = k->style.line_s, y;
	char line[300];

	if (kiosk_header(k, k->import.pledges ? "Import pledges" : "Import roster", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	kiosk_halves(k, body, gap, &left, &right);
	/* what the file holds: the roster (walkers, perhaps with pledge columns) or
	 * the registration's separate pledges CSV */
	ui_text(u, (struct ui_rect){right.x, right.y, right.w, lh},
	        "The file holds:", k->style.font.body, 1, UI_FG, UI_LEFT);
	{
		struct ui_rect kinds = {right.x, right.y + lh + gap / 2, right.w, rh};
		static const char *const what[2] = {"Walkers", "Pledges"};
		for (int i = 0; i < 2; i++) {
			int on = k->import.pledges == i;
			if (ui_button(u, kiosk_col(kinds, i, 2, gap), what[i],
			              on ? UI_ACCENT : UI_PANEL, k->style.font.text) &&
			    !on) {
				k->import.pledges = i;
				k->msg[0] = '\0';
			}
		}
		right.y += lh + rh + gap * 3 / 2;
		right.h -= lh + rh + gap * 3 / 2;
	}
	ui_text(u, (struct ui_rect){left.x, left.y, left.w, lh},
	        "CSV files on the USB stick:", k->style.font.body, 1, UI_FG, UI_LEFT);
	y = left.y + lh + gap;
	if (k->list != NULL) {
		for (size_t i = 0; i < k->list->nfound && i < KIOSK_FIND_MAX &&
		                   y + rh <= left.y + left.h - rh - gap;
		     i++, y += rh + gap) {
			const char *name = k->list->found[i].name;
			if (ui_button(u, (struct ui_rect){left.x, y, left.w, rh}, name,
			              k->style.primary, k->style.font.text) &&
			    !k->waiting) {
				snprintf(line, sizeof line, "%s/%s", k->usb_dir, name);
				k->msg[0] = '\0';
				screen_import_post(k, KIOSK_OP_IMPORT_PREVIEW, line, 0);
			}
		}
		if (k->list->nfound == 0 && k->list->rc == 0) {
			ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, "No CSV file there.",
			        k->style.font.body, 0, UI_DIM, UI_LEFT);
			y += lh + gap;
		} else if (k->list->rc != 0) /* no stick: kept in view, whatever is pressed */
			y += ui_text_wrap(u, (struct ui_rect){left.x, y, left.w, 4 * lh},
			                  k->list->cause != NULL ? k->list->cause : "No USB stick.",
			                  k->style.font.body, 1, UI_BAD, UI_LEFT) +
			     gap;
		/* looked for again once the stick is in */
		if ((k->list->rc != 0 || k->list->nfound == 0) &&
		    ui_button(u, (struct ui_rect){left.x, y, left.w, rh}, "Look again",
		              k->style.primary, k->style.font.text) &&
		    !k->waiting) {
			int pledges = k->import.pledges; /* the kind chosen stays */
			k->msg[0] = '\0';
			screen_import_enter(k);
			k->import.pledges = pledges;
			return;
		}
	}
	if (ui_button(u, (struct ui_rect){left.x, left.y + left.h - rh, left.w, rh},
	              "Type a path\xe2\x80\xa6", k->style.quiet, k->style.font.text)) {
		k->import.step = IMPORT_TYPE;
		k->msg[0] = '\0';
	}
	y = right.y + ui_text_wrap(u, (struct ui_rect){right.x, right.y, right.w, 2 * lh},
	                           k->import.pledges
	                               ? "A pledges CSV (walker or walker id, sponsor, rate): "
	                                 "checked and previewed before anything is imported."
	                               : "A file is checked and previewed before anything is "
	                                 "imported.",
	                           k->style.font.hint, 0, UI_DIM, UI_LEFT);
	kiosk_draw_message(
	    k, (struct ui_rect){right.x, y + gap, right.w, right.y + right.h - y - gap});
}

/* The bad rows on paper (or as a PDF: "Print elsewhere"); back here after. */
static void
screen_import_print(struct kiosk *k)
{
	k->import.printing = 1;
	kiosk_print_roster(k, k->import.path, k->import.pledges, SCREEN_IMPORT);
}

/* The notes (repeats merged, bad rows each with its own text), as many
 * whole rows as fit in r; the rest are counted, and print in full. */
static void
screen_import_notes(struct kiosk *k, struct ui_rect r, const char *notes)
{
	struct ui *u = k->ui;
	int size = k->style.font.hint, lh = ui_px(u, size) * 5 / 4 + 1, y = r.y, more = 0;
	int bottom = r.y + r.h - lh; /* a line kept for "and N more" */
	const char *p = notes, *e;
	char item[1024], tail[96];

	while (*p != '\0') {
		/* an item: lines up to the bad row's own text (indented), or one note */
		size_t n = 0;
		int lines = 0;
		for (e = p; *e != '\0';) {
			const char *eol = strchr(e, '\n');
			size_t len = eol != NULL ? (size_t)(eol - e) : strlen(e);
			int indented = strncmp(e, "    ", 4) == 0;
			if (n + len + 2 < sizeof item) {
				memcpy(item + n, e, len);
				n += len;
				item[n++] = '\n';
			}
			e = eol != NULL ? eol + 1 : e + len;
			if (indented || strncmp(e, "    ", 4) != 0)
				break;
		}
		if (n > 0)
			item[--n] = '\0';
		/* its height, on the generous side: wrapping loses part of a line */
		for (const char *q = item; q != NULL && *q != '\0';) {
			const char *eol = strchr(q, '\n');
			char one[600];
			snprintf(one, sizeof one, "%.*s", eol ? (int)(eol - q) : (int)strlen(q), q);
			lines +=
			    ui_text_width(u, one, size, 0) / (r.w * 3 / 4 > 0 ? r.w * 3 / 4 : 1) +
			    1;
			q = eol ? eol + 1 : NULL;
		}
		if (more > 0 || y + lines * lh > (*e != '\0' ? bottom : r.y + r.h)) {
			more++;
		} else {
			ui_text_wrap(u, (struct ui_rect){r.x, y, r.w, lines * lh}, item, size, 0,
			             UI_FG, UI_LEFT);
			y += lines * lh;
		}
		p = e;
	}
	if (more > 0) {
		snprintf(tail, sizeof tail, "and %d more: print the list to see every one.", more);
		ui_text(u, (struct ui_rect){r.x, r.y + r.h - lh, r.w, lh}, tail, size, 1, UI_BAD,
		        UI_LEFT);
	}
}

/* The preview, or what the import did: the counts left, the notes right. */
static void
screen_import_preview(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct kiosk_reply *x = k->import.preview;
	const struct ledger_import *n = &x->import;
	struct ui_rect body = kiosk_body(k), left, right, row;
	int gap = k->style.gap, lh = k->style.line_s, btn = k->style.button, y;
	int pl = k->import.pledges;
	/* a pledge with a problem asks the same choice as a walker's row */
	size_t skipped = pl ? n->skipped : n->skipped + n->pledges_bad;
	size_t good =
	    pl ? n->pledges_added + n->pledges_unchanged : n->added + n->updated + n->unchanged;
	const char *base = strrchr(k->import.path, '/');
	char line[160], label[96];

	if (kiosk_header(k,
	                 pl ? (k->import.done ? "Pledges imported" : "Import pledges: preview")
	                    : (k->import.done ? "Roster imported" : "Import roster: preview"),
	                 k->import.done ? "Done" : "Back")) {
		k->import.step = IMPORT_FILES;
		k->import.done = 0;
		kiosk_keep(&k->import.preview, NULL);
		k->msg[0] = '\0';
		return;
	}
	base = base != NULL ? base + 1 : k->import.path;
	body.h -= btn + gap;
	kiosk_halves(k, body, gap, &left, &right);
	y = left.y;
	ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, base, k->style.font.body, 1, UI_FG,
	        UI_LEFT);
	y += lh + gap;
	{
		const struct {
			const char *what;
			size_t n;
			enum ui_color c;
		} lines[] = {
		    {k->import.done ? (n->added == 1 ? "new walker added" : "new walkers added")
		                    : (n->added == 1 ? "new walker" : "new walkers"),
		     n->added, UI_FG},
		    {k->import.done ? (n->updated == 1 ? "walker updated" : "walkers updated")
		                    : (n->updated == 1 ? "walker to update" : "walkers to update"),
		     n->updated, UI_FG},
		    {"unchanged", n->unchanged, UI_DIM},
		    {n->merged == 1 ? "exact repeat, merged" : "exact repeats, merged", n->merged,
		     UI_DIM},
		    {k->import.done
		         ? (n->skipped == 1 ? "row left out (listed)" : "rows left out (listed)")
		         : (n->skipped == 1 ? "row with a problem" : "rows with a problem"),
		     n->skipped, n->skipped > 0 ? UI_BAD : UI_DIM},
		};
		const struct {
			const char *what;
			size_t n;
			enum ui_color c;
		} plines[] = {
		    {k->import.done
		         ? (n->pledges_added == 1 ? "new pledge recorded" : "new pledges recorded")
		         : (n->pledges_added == 1 ? "new pledge" : "new pledges"),
		     n->pledges_added, UI_FG},
		    {"unchanged (imported before)", n->pledges_unchanged, UI_DIM},
		    {k->import.done ? (n->pledges_bad == 1 ? "pledge left out (listed)"
		                                           : "pledges left out (listed)")
		                    : (n->pledges_bad == 1 ? "pledge with a problem"
		                                           : "pledges with a problem"),
		     n->pledges_bad, n->pledges_bad > 0 ? UI_BAD : UI_DIM},
		};
		/* a roster's own pledges (its pledge columns) follow its walkers */
		int with = !pl && n->pledges_added + n->pledges_unchanged + n->pledges_bad > 0;
		for (size_t i = 0; pl && i < nitems(plines); i++, y += lh) {
			snprintf(line, sizeof line, "%zu %s", plines[i].n, plines[i].what);
			ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, line,
			        k->style.font.text, i == nitems(plines) - 1 && plines[i].n > 0,
			        plines[i].c, UI_LEFT);
		}
		for (size_t i = 0; !pl && i < nitems(lines); i++, y += lh) {
			snprintf(line, sizeof line, "%zu %s", lines[i].n, lines[i].what);
			ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, line,
			        k->style.font.text, i == nitems(lines) - 1 && lines[i].n > 0,
			        lines[i].c, UI_LEFT);
		}
		/* the roster's pledges, each count on a line that fits the half */
		for (size_t i = 0; with && i < nitems(plines); i++) {
			if (i > 0 && plines[i].n == 0)
				continue;
			snprintf(line, sizeof line, "%zu %s", plines[i].n,
			         i == 1 ? "pledges unchanged" : plines[i].what);
			ui_text(u, (struct ui_rect){left.x, y, left.w, lh}, line,
			        k->style.font.text, i == 2, plines[i].c, UI_LEFT);
			y += lh;
		}
	}
	kiosk_draw_message(k, (struct ui_rect){left.x, y + gap, left.w, left.y + left.h - y - gap});
	if (x->notes != NULL)
		screen_import_notes(k, right, x->notes);
	else
		ui_text_wrap(u, right, "Every row is good.", k->style.font.body, 0, UI_OK, UI_LEFT);

	row = (struct ui_rect){body.x, body.y + body.h + gap, body.w, btn};
	if (k->import.done) {
		if (skipped > 0 &&
		    ui_button(u, kiosk_col(row, 0, 2, gap * 2), "Print the rows to fix",
		              k->style.primary, k->style.font.text))
			screen_import_print(k);
		return;
	}
	if (skipped == 0) {
		if (pl && n->pledges_added == 0) /* nothing new: nothing to import */
			return;
		if (pl)
			snprintf(label, sizeof label, "Import %zu pledge%s", n->pledges_added,
			         n->pledges_added == 1 ? "" : "s");
		else if (n->pledges_added > 0) /* the roster's pledge columns */
			snprintf(label, sizeof label, "Import %zu walker%s, %zu pledge%s", good,
			         good == 1 ? "" : "s", n->pledges_added,
			         n->pledges_added == 1 ? "" : "s");
		else
			snprintf(label, sizeof label, "Import %zu walker%s", good,
			         good == 1 ? "" : "s");
		if (ui_button(u, kiosk_col(row, 1, 2, gap * 2), label, k->style.done,
		              k->style.font.text) &&
		    !k->waiting)
			screen_import_post(k, KIOSK_OP_IMPORT, k->import.path, 0);
		return;
	}
	if (ui_button(u, kiosk_col(row, 0, 2, gap * 2), "Print the rows to fix", k->style.quiet,
	              k->style.font.text)) {
		screen_import_print(k);
		return;
	}
	if (good > 0) {
		snprintf(label, sizeof label, "Import the %zu good row%s", good,
		         good == 1 ? "" : "s");
		if (ui_button(u, kiosk_col(row, 1, 2, gap * 2), label, k->style.done,
		              k->style.font.text) &&
		    !k->waiting)
			screen_import_post(k, KIOSK_OP_IMPORT, k->import.path, 1);
	}
}

static void
screen_import_draw(struct kiosk *k)
{
	enum kiosk_ask_result r;

	if (k->import.step == IMPORT_TYPE) {
		r = kiosk_ask(k, k->import.pledges ? "Import pledges" : "Import roster",
		              k->import.pledges ? "Path of the pledges CSV file"
		                                : "Path of the roster CSV file",
		              k->import.typed, sizeof k->import.typed, KIOSK_KB_TEXT, 0);
		if (r == KIOSK_ASK_BACK) {
			k->import.step = IMPORT_FILES;
		} else if (r == KIOSK_ASK_DONE) {
			k->import.step = IMPORT_FILES;
			screen_import_post(k, KIOSK_OP_IMPORT_PREVIEW, k->import.typed, 0);
		}
		return;
	}
	if (k->import.step == IMPORT_PREVIEW && k->import.preview != NULL) {
		screen_import_preview(k);
		return;
	}
	screen_import_files(k);
}

static void
screen_import_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->op == KIOSK_OP_LISTDIR) { /* a failure is drawn from k->list */
		kiosk_keep(&k->list, x);
		*r = NULL;
		return;
	}
	if (x->op != KIOSK_OP_IMPORT && x->op != KIOSK_OP_IMPORT_PREVIEW)
		return;
	if (x->rc != 0) {
		kiosk_message(k, UI_BAD, "Nothing was imported.\n%s",
		              x->cause ? x->cause : "The file was refused.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	k->import.done = x->op == KIOSK_OP_IMPORT;
	k->import.step = IMPORT_PREVIEW;
	kiosk_keep(&k->import.preview, x);
	*r = NULL;
	if (!k->import.done) {
		k->msg[0] = '\0';
		if (x->import.skipped + (k->import.pledges ? 0 : x->import.pledges_bad) > 0)
			kiosk_message(k, UI_BAD, "Nothing is imported yet.");
		return;
	}
	if (x->import.skipped + (k->import.pledges ? 0 : x->import.pledges_bad) > 0)
		kiosk_message(k, UI_OK,
		              "Imported. The rows listed were left out: fix them by hand.");
	else
		kiosk_message(k, UI_OK, "Imported.");
	ui_sound(k->ui, UI_SOUND_OK);
}

const struct screen_ops screen_import_ops = {
    .name = "import",
    .enter = screen_import_enter,
    .draw = screen_import_draw,
    .reply = screen_import_reply,
    .coordinator = SCREEN_COORDINATOR,
};

/* ---- first start: set the event up --------------------------------------- */

/* The event's name, city, date (picked, not typed: the coordinator confirms
 * it, and the clock warning is judged against it), the organisation's legal
 * name and EIN that every receipt prints, and the goal.  A station with HQ's
 * charter takes name, date and EIN from it instead (the aside of step 1). */
enum { SETUP_NAME, SETUP_CITY, SETUP_DATE, SETUP_ORG, SETUP_EIN, SETUP_GOAL, SETUP_SAVING };

static const char *const screen_setup_months[] = {"January",   "February", "March",    "April",
                                                  "May",       "June",     "July",     "August",
                                                  "September", "October",  "November", "December"};

static void
screen_setup_enter(struct kiosk *k)
{
	time_t t = time(NULL);
	struct tm tm;

	k->setup.step = SETUP_NAME;
	snprintf(k->setup.name, sizeof k->setup.name, "Walk Against Traffick");
	k->setup.city[0] = k->setup.goal[0] = '\0';
	k->setup.org[0] = k->setup.ein[0] = '\0';
	k->setup.year = 2026, k->setup.month = 5, k->setup.day = 2;
	if (localtime_r(&t, &tm) != NULL && tm.tm_year + 1900 >= 2000 &&
	    tm.tm_year + 1900 <= 2099) {
		k->setup.year = tm.tm_year + 1900;
		k->setup.month = tm.tm_mon + 1;
		k->setup.day = tm.tm_mday;
	}
}

static void
screen_setup_step(struct kiosk *k, int step)
{
	k->setup.step = step;
	k->msg[0] = '\0';
	ui_invalidate(k->ui);
}

static int
screen_setup_month_days(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* One tap on the date picker: field 0 (month), 1 (day) or 2 (year) one
 * step up (delta 1) or down (-1).  The month carries into the year
 * (December, one up: January of the next year, for a walk set up in the
 * winter before it); the year stays within 2000-2099, wrapping; the day
 * wraps within its month and stays in the month when the month or the
 * year changes. */
void
screen_setup_date_step(int *year, int *month, int *day, int field, int delta)
{
	int days;

	if (field == 0) {
		*month += delta;
		if (*month > 12 && *year < 2099) {
			*month = 1;
			++*year;
		} else if (*month < 1 && *year > 2000) {
			*month = 12;
			--*year;
		} else if (*month > 12 || *month < 1) {
			*month -= delta;
		}
	} else if (field == 2) {
		*year = *year + delta < 2000 ? 2099 : *year + delta > 2099 ? 2000 : *year + delta;
	} else {
		days = screen_setup_month_days(*year, *month);
		*day = (*day - 1 + delta + days) % days + 1;
	}
	days = screen_setup_month_days(*year, *month);
	if (*day > days)
		*day = days;
}

/* "Saturday, May 2, 2026" for y-m-d, or the ISO date if the C library cannot say. */
static void
screen_setup_date_words(int y, int m, int d, char *buf, size_t len)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d, tm.tm_hour = 12;
	if (timegm(&tm) == (time_t)-1 || strftime(buf, len, "%A, %B %-d, %Y", &tm) == 0)
		snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

/* The date picker: month, day and year, each a finger-high step up and
 * down; "Next" confirms the day of the walk, beside what the clock says. */
static void
screen_setup_date(struct kiosk *k, const char *title)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), cols, c, row;
	int gap = k->style.gap, lh = k->style.line, btn = k->style.button, rh = k->style.row;
	int *field[3] = {&k->setup.month, &k->setup.day, &k->setup.year};
	static const char *const up[3] = {"\xe2\x96\xb2 Month", "\xe2\x96\xb2 Day",
	                                  "\xe2\x96\xb2 Year"};
	static const char *const down[3] = {"\xe2\x96\xbc Month", "\xe2\x96\xbc Day",
	                                    "\xe2\x96\xbc Year"};
	char value[48], words[64], clock[128];
	time_t t = time(NULL);
	struct tm tm;

	if (kiosk_header(k, title, "Back")) {
		screen_setup_step(k, SETUP_CITY);
		return;
	}
	ui_text(u, (struct ui_rect){body.x, body.y, body.w, lh}, "Step 3: the day of the walk",
	        k->style.font.label, 1, UI_FG, UI_LEFT);
	cols =
	    (struct ui_rect){body.x, body.y + lh + gap, body.w, 2 * rh + k->style.line_l + 2 * gap};
	for (int i = 0; i < 3; i++) {
		c = kiosk_col(cols, i, 3, gap * 2);
		int delta = 0;
		if (ui_button(u, (struct ui_rect){c.x, c.y, c.w, rh}, up[i], k->style.quiet,
		              k->style.font.text))
			delta = 1;
		if (i == 0)
			snprintf(value, sizeof value, "%s",
			         screen_setup_months[k->setup.month - 1]);
		else
			snprintf(value, sizeof value, "%d", *field[i]);
		ui_text(u, (struct ui_rect){c.x, c.y + rh + gap, c.w, k->style.line_l}, value,
		        k->style.font.key, 1, UI_FG, UI_CENTER);
		if (ui_button(u,
		              (struct ui_rect){c.x, c.y + rh + k->style.line_l + 2 * gap, c.w, rh},
		              down[i], k->style.quiet, k->style.font.text))
			delta = -1;
		if (delta == 0)
			continue;
		screen_setup_date_step(&k->setup.year, &k->setup.month, &k->setup.day, i, delta);
		k->msg[0] = '\0';
		ui_invalidate(u);
	}
	int y = cols.y + cols.h + gap;
	screen_setup_date_words(k->setup.year, k->setup.month, k->setup.day, words, sizeof words);
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, words, k->style.font.label, 1,
	        UI_ACCENT, UI_CENTER);
	y += lh;
	if (localtime_r(&t, &tm) != NULL) {
		char today[64];
		screen_setup_date_words(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, today,
		                        sizeof today);
		snprintf(clock, sizeof clock, "This station's clock says today is %s.", today);
		ui_text(u, (struct ui_rect){body.x, y, body.w, k->style.line_s}, clock,
		        k->style.font.hint, 0, UI_DIM, UI_CENTER);
	}
	row = (struct ui_rect){body.x, body.y + body.h - btn, body.w, btn};
	if (ui_button(u, kiosk_col(row, 1, 2, gap * 2), "Next: this is the day", k->style.done,
	              k->style.font.text))
		screen_setup_step(k, SETUP_ORG);
}

static void
screen_setup_save(struct kiosk *k)
{
	struct kiosk_req q;
	char *cause = NULL;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_INIT;
	q.coordinator = 1;
	snprintf(q.init.name, sizeof q.init.name, "%s", k->setup.name);
	snprintf(q.init.city, sizeof q.init.city, "%s", k->setup.city);
	snprintf(q.init.date, sizeof q.init.date, "%04d-%02d-%02d", k->setup.year, k->setup.month,
	         k->setup.day);
	snprintf(q.init.org, sizeof q.init.org, "%s", k->setup.org);
	snprintf(q.init.ein, sizeof q.init.ein, "%s", k->setup.ein);
	if (k->setup.goal[0] != '\0' &&
	    amount_parse(k->setup.goal, INT64_MAX / 2, &q.init.goal_cents, &cause) != 0) {
		free(cause);
		q.init.goal_cents = 0;
	}
	k->coordinator = 1;
	k->setup.step = SETUP_SAVING;
	kiosk_post(k, &q);
}

static void
screen_setup_draw(struct kiosk *k)
{
	const char *title = "Set up the event";
	enum kiosk_ask_result r = KIOSK_ASK_NONE;
	char *cause = NULL, *canon = NULL;
	int64_t cents;

	switch (k->setup.step) {
	case SETUP_NAME:
		/* or a second station: the event from the first one's pack */
		r = kiosk_ask_or(k, title, "Step 1: the event's name", k->setup.name,
		                 sizeof k->setup.name, KIOSK_KB_NAME, 0,
		                 "Start from HQ's event file or a pack");
		if (r == KIOSK_ASK_DONE) {
			screen_setup_step(k, SETUP_CITY);
		} else if (r == KIOSK_ASK_ASIDE) {
			kiosk_go(k, SCREEN_JOIN);
		} else if (r == KIOSK_ASK_BACK) {
			/* nothing before the first step: leave set-up locked; the PIN
			 * brings it back */
			k->coordinator = 0;
			k->pin.change = 0;
			kiosk_go(k, SCREEN_PIN);
			kiosk_message(k, UI_FG, "Set-up waits: enter the PIN to go on.");
		}
		break;
	case SETUP_CITY:
		r = kiosk_ask(k, title, "Step 2: the city", k->setup.city, sizeof k->setup.city,
		              KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK)
			screen_setup_step(k, SETUP_NAME);
		else if (r == KIOSK_ASK_DONE)
			screen_setup_step(k, SETUP_DATE);
		break;
	case SETUP_DATE: screen_setup_date(k, title); break;
	case SETUP_ORG:
		r = kiosk_ask(k, title, "Step 4: the organisation's legal name (on every receipt)",
		              k->setup.org, sizeof k->setup.org, KIOSK_KB_NAME, 0);
		if (r == KIOSK_ASK_BACK)
			screen_setup_step(k, SETUP_DATE);
		else if (r == KIOSK_ASK_DONE && setting_canon(setting_find("org-name"),
		                                              k->setup.org, &canon, &cause) != 0) {
			kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not a name.");
			free(cause);
		} else if (r == KIOSK_ASK_DONE)
			screen_setup_step(k, SETUP_EIN);
		free(canon);
		break;
	case SETUP_EIN:
		r = kiosk_ask(k, title, "Step 5: its EIN, NN-NNNNNNN (optional)", k->setup.ein,
		              sizeof k->setup.ein, KIOSK_KB_DIGITS, 1);
		if (r == KIOSK_ASK_BACK) {
			screen_setup_step(k, SETUP_ORG);
		} else if (r == KIOSK_ASK_DONE) {
			/* nine digits typed on the keypad get their dash */
			if (strlen(k->setup.ein) == 9 && strspn(k->setup.ein, "0123456789") == 9) {
				char d[KIOSK_FIELD_MAX];
				snprintf(d, sizeof d, "%.2s-%s", k->setup.ein, k->setup.ein + 2);
				snprintf(k->setup.ein, sizeof k->setup.ein, "%s", d);
			}
			if (setting_canon(setting_find("org-ein"), k->setup.ein, &canon, &cause) !=
			    0) {
				kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an EIN.");
				free(cause);
			} else
				screen_setup_step(k, SETUP_GOAL);
			free(canon);
		} else if (r == KIOSK_ASK_SKIP) {
			screen_setup_step(k, SETUP_GOAL);
		}
		break;
	case SETUP_GOAL:
		r = kiosk_ask(k, title, "Step 6: the goal in dollars (optional)", k->setup.goal,
		              sizeof k->setup.goal, KIOSK_KB_AMOUNT, 1);
		if (r == KIOSK_ASK_BACK) {
			screen_setup_step(k, SETUP_EIN);
		} else if (r == KIOSK_ASK_DONE &&
		           amount_parse(k->setup.goal, INT64_MAX / 2, &cents, &cause) != 0) {
			kiosk_message(k, UI_BAD, "%s", cause ? cause : "Not an amount.");
			free(cause);
		} else if (r != KIOSK_ASK_NONE) {
			screen_setup_save(k); /* the PIN was chosen first, before anything else */
		}
		break;
	default:
		kiosk_header(k, title, NULL);
		kiosk_draw_message(k, kiosk_body(k));
		if (!k->waiting &&
		    ui_button(k->ui,
		              (struct ui_rect){kiosk_body(k).x, ui_height(k->ui) - k->style.tall,
		                               k->style.col_w, k->style.button},
		              "Back", k->style.quiet, k->style.font.label))
			screen_setup_step(k, SETUP_NAME);
		break;
	}
}

static void
screen_setup_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_reply *x = *r;

	if (x->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", x->cause ? x->cause : "The event was not saved.");
		return;
	}
	kiosk_go(k, SCREEN_HOME);
	kiosk_message(k, UI_OK, "The event is ready. Welcome!");
}

const struct screen_ops screen_setup_ops = {
    .name = "setup",
    .enter = screen_setup_enter,
    .draw = screen_setup_draw,
    .reply = screen_setup_reply,
    .coordinator = SCREEN_ANYONE,
};
