/* kiosk_loop.c — the main loop's parts: replies handed to their screens,
 * timeouts, frames, input.  Kept apart from kiosk_app.c (the screens'
 * helpers) because it owns the jobs that outlive screens (kiosk_print.h,
 * kiosk_export.h), which themselves draw on kiosk_app.h. */
#include "kiosk_loop.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "kiosk_export.h"
#include "kiosk_print.h"
#include "screens.h"
#include "text.h"
#include "util.h"

#define KIOSK_SCAN_TYPED_MS 1500 /* a wedge scanner types a code in well under this */
#define KIOSK_TRAINING_BAND 18   /* design px: the training banner across the top */
#define KIOSK_TRAINING_TEXT 15   /* its words, bold */

void
kiosk_init(struct kiosk *k, struct ui *u, struct kiosk_worker *w)
{
	for (int i = 0; i < SCREEN_COUNT; i++) /* every screen is in the table */
		assert(screens[i] != NULL && screens[i]->name != NULL && screens[i]->draw != NULL);
	memset(k, 0, sizeof *k);
	k->ui = u;
	k->w = w;
	k->usb_dir = "/media/usb";
	k->now_ms = kiosk_now_us() / 1000;
	k->screen = SCREEN_OPENING;
	k->active_ms = k->now_ms; /* the walkers' display waits for a while without a touch */
	kiosk_style_scale(&k->style, u);
}

void
kiosk_fini(struct kiosk *k)
{
	kiosk_keep(&k->result, NULL);
	kiosk_keep(&k->card, NULL);
	kiosk_keep(&k->board, NULL);
	kiosk_keep(&k->list, NULL);
	kiosk_keep(&k->close.figures, NULL);
	kiosk_keep(&k->join.pack, NULL);
	kiosk_keep(&k->import.preview, NULL);
	kiosk_keep(&k->badges.teams, NULL);
	kiosk_keep(&k->reg.dups, NULL);
	kiosk_keep(&k->reg.teams, NULL);
	kiosk_keep(&k->pledges.r, NULL);
	kiosk_print_free(k->print_job);
	k->print_job = NULL;
	kiosk_export_free(k->export_job);
	k->export_job = NULL;
	util_wipe(k->pin.pin1, sizeof k->pin.pin1);
	util_wipe(k->pin.pin2, sizeof k->pin.pin2);
	util_wipe(k->pin.old, sizeof k->pin.old);
	util_wipe(k->pin.recovery, sizeof k->pin.recovery);
	util_wipe(k->unlock_pin, sizeof k->unlock_pin);
}

void
kiosk_wake(void *arg)
{
	ui_wake(arg);
}

static void
kiosk_scan_reply(struct kiosk *k, struct kiosk_reply *r)
{
	enum ui_color c = kiosk_scan_color(r);

	ui_sound(k->ui, c == UI_OK ? UI_SOUND_OK : c == UI_WARN ? UI_SOUND_WARN : UI_SOUND_ERROR);
	if (r->rc == 0 && r->scan.badge == BADGE_OK && r->scan.verdict.outcome == RULES_LAP) {
		/* the walkers' display cheers the pass: a public name */
		char name[sizeof r->scan.name];

		if (k->st.event.full_names || !r->scan.known)
			memcpy(name, r->scan.name, sizeof name);
		else
			text_short_name(r->scan.name, name, sizeof name);
		snprintf(k->pass, sizeof k->pass, "%s \xe2\x80\x94 lap %lld!", name,
		         (long long)r->scan.laps);
		k->pass_ms = k->now_ms;
		k->board_ms = 0; /* the leaderboard may have moved */
		k->display_dirty = 1;
	}
	switch (k->screen) {
	case SCREEN_HOME:
	case SCREEN_RESULT:
	case SCREEN_FIND:
	case SCREEN_WALKER:
	case SCREEN_BADGE:
		kiosk_keep(&k->result, r);
		kiosk_go(k, SCREEN_RESULT);
		break;
	default:
		/* in the middle of a form: say it in the message line, keep the form */
		kiosk_message(k, c == UI_WARN ? UI_FG : c, "Scan: %s",
		              r->rc != 0 ? (r->cause ? r->cause : "not recorded")
		                         : r->scan.message);
		kiosk_reply_free(r);
		break;
	}
}

int
kiosk_dispatch(struct kiosk *k)
{
	struct kiosk_reply *r;
	int n = 0;

	while ((r = kiosk_worker_take(k->w)) != NULL) {
		n++;
		k->st = r->st;
		ui_invalidate(k->ui);
		if (r->op == KIOSK_OP_OPEN) {
			if (r->rc > 0) /* held by another program: still opening */
				kiosk_message(k, UI_DIM, "%s", r->cause ? r->cause : "");
			else if (r->rc != 0) {
				kiosk_go(k, SCREEN_FATAL);
				kiosk_message(k, UI_WHITE, "%s", r->cause ? r->cause : "");
			} else {
				/* the coordinator PIN before anything else */
				kiosk_go(k, !r->st.pin_set    ? SCREEN_PIN
				            : r->st.has_event ? SCREEN_HOME
				                              : SCREEN_SETUP);
			}
		} else if (r->op == KIOSK_OP_SCAN) {
			kiosk_scan_reply(k, r);
			r = NULL;
		} else if (r->op == KIOSK_OP_BOARD) {
			if (r->rc == 0) {
				kiosk_keep(&k->board, r);
				k->display_dirty = 1;
				r = NULL;
			}
		} else if (r->op == KIOSK_OP_PRINT_RECORD && r->rc != 0) {
			/* nobody waits for it, but a print the ledger lost must show */
			snprintf(k->printer_status, sizeof k->printer_status,
			         "The last print is not in the ledger: %s",
			         r->cause != NULL ? r->cause : "not recorded");
			k->printer_color = UI_BAD;
		} else if (r->op == KIOSK_OP_PRINT_RECORD && r->notes != NULL) {
			/* what became of a page lost when the print server stopped */
			snprintf(k->printer_status, sizeof k->printer_status, "%s", r->notes);
			k->printer_color = UI_WARN;
		} else if (k->waiting != 0 && r->tag == k->waiting) {
			k->waiting = 0;
			if (k->unlock && r->op == KIOSK_OP_PIN_CHECK)
				kiosk_unlock_reply(k, r);
			else if (screens[k->screen]->reply != NULL)
				screens[k->screen]->reply(k, &r);
		}
		kiosk_reply_free(r);
	}
	return n;
}

int
kiosk_busy(struct kiosk *k)
{
	const struct bundle_export_result *res;
	const char *cause;
	int running = k->export_job != NULL && kiosk_export_result(k->export_job, &res, &cause) < 0;
	int changed = running != k->export_running;

	if (changed) { /* started or ended: the next frame shows it, so not settled yet */
		k->export_running = running;
		ui_invalidate(k->ui);
	}
	return kiosk_print_poll(k) || running || changed;
}

#define KIOSK_BOARD_MS   10000 /* the leaderboard asked again this often while shown */
#define KIOSK_PASS_MS    30000 /* "María L. — lap 12!" stays this long */
#define KIOSK_DISPLAY_MS 1000  /* the second window redrawn at least this often */

/* The leaderboard kept fresh while the walkers' display shows (the idle home
 * screen, or a second window), or the volunteers' home its goal
 * thermometer (the pledged part is the board's), and the last pass taken
 * down in time. */
static void
kiosk_board_tick(struct kiosk *k)
{
	struct kiosk_req q;

	if (k->pass[0] != '\0' && k->now_ms - k->pass_ms >= KIOSK_PASS_MS) {
		k->pass[0] = '\0';
		k->display_dirty = 1;
		ui_invalidate(k->ui);
	}
	if ((k->board_shown || k->display != NULL ||
	     (k->screen == SCREEN_HOME && k->st.event.goal_cents > 0)) &&
	    k->st.has_event && (k->board_ms == 0 || k->now_ms - k->board_ms > KIOSK_BOARD_MS)) {
		k->board_ms = k->now_ms;
		memset(&q, 0, sizeof q);
		q.op = KIOSK_OP_BOARD;
		kiosk_worker_post(k->w, &q);
	}
}

void
kiosk_display_draw(void *arg)
{
	struct kiosk *k = arg;
	struct ui *main = k->ui;
	struct kiosk_style style = k->style;

	/* the board draws with the kiosk's ui and style: lent the second window's */
	k->ui = k->display;
	kiosk_style_scale(&k->style, k->display);
	ui_begin(k->display);
	screen_home_board(k);
	ui_end(k->display);
	k->ui = main;
	k->style = style;
	k->display_ms = k->now_ms;
	k->display_dirty = 0;
}

void
kiosk_display_frame(struct kiosk *k)
{
	if (k->display == NULL || !k->st.has_event ||
	    (!k->display_dirty && k->now_ms - k->display_ms < KIOSK_DISPLAY_MS))
		return;
	kiosk_display_draw(k);
}

void
kiosk_tick(struct kiosk *k)
{
	k->now_ms = kiosk_now_us() / 1000;
	kiosk_busy(k);
	if (k->scanlen > 0 && k->now_ms - k->scan_typed_ms > KIOSK_SCAN_TYPED_MS) {
		k->scanlen = 0; /* typed without Enter: not a scan */
		k->scanbuf[0] = '\0';
	}
	if (k->coordinator && k->st.event.lock_ms > 0 &&
	    k->now_ms - k->active_ms > k->st.event.lock_ms && k->screen != SCREEN_SETUP &&
	    k->screen != SCREEN_JOIN) {
		/* nobody touched it for a while: locked, the form on show kept under the PIN */
		k->coordinator = 0;
		if (kiosk_coordinator_screen(k)) {
			kiosk_unlock(k, NULL);
			kiosk_message(k, UI_FG, "Locked: nobody touched the station for %lld s.",
			              (long long)(k->st.event.lock_ms / 1000));
		}
		ui_invalidate(k->ui);
	}
	if (k->pin_wait_until_ms > k->now_ms) {
		ui_invalidate(k->ui); /* the wait counts down on screen */
	} else if (k->pin_wait_until_ms != 0) {
		k->pin_wait_until_ms = 0; /* over: the keypad again */
		k->msg[0] = '\0';
		ui_invalidate(k->ui);
	}
	kiosk_board_tick(k);
	if (screens[k->screen]->tick != NULL)
		screens[k->screen]->tick(k);
}

void
kiosk_frame(struct kiosk *k)
{
	int64_t t0 = kiosk_now_us();

	k->field = NULL;
	kiosk_style_scale(&k->style, k->ui); /* the window may have turned */
	/* training: every screen under the warning tape */
	ui_set_top(k->ui, k->st.training ? ui_px(k->ui, KIOSK_TRAINING_BAND) : 0);
	ui_begin(k->ui);
	if (k->unlock)
		kiosk_unlock_draw(k);
	else
		screens[k->screen]->draw(k);
	if (k->st.training)
		ui_banner(k->ui, "TRAINING \xe2\x80\x94 nothing counts", KIOSK_TRAINING_TEXT);
	ui_end(k->ui);
	k->frame_us = kiosk_now_us() - t0;
}

void
kiosk_handle(struct kiosk *k, const struct ui_event *ev)
{
	if (ev->type == UI_EV_TEXT || ev->type == UI_EV_KEY || ev->type == UI_EV_INPUT) {
		k->active_ms = k->now_ms;
		k->idle_forced = 0;
	}
	switch (ev->type) {
	case UI_EV_TEXT: kiosk_type(k, ev->text); break;
	case UI_EV_KEY: kiosk_key(k, ev->key); break;
	default: break;
	}
}
