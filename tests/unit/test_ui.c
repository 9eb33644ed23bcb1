/* The kiosk's UI layer (headless, SDL's dummy driver), the PIN module and
 * the ledger worker thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk_app.h"
#include "kiosk_clock.h"
#include "kiosk_style.h"
#include "kiosk_worker.h"
#include "pin.h"
#include "screens.h"
#include "ui.h"
#include "util.h"

static struct ui *
test_ui_open(int rotation)
{
	struct ui_config cfg = {800, 480, rotation, "assets/fonts", 0, 1};
	struct ui *u = NULL;
	char *cause = NULL;

	if (ui_open(&cfg, &u, &cause) != 0)
		fail_msg("ui_open: %s", cause);
	return u;
}

static void
test_ui_push(Uint32 type, int x, int y)
{
	SDL_Event e;

	SDL_zero(e);
	e.type = type;
	e.button.button = SDL_BUTTON_LEFT;
	e.button.x = x;
	e.button.y = y;
	SDL_PushEvent(&e);
}

/* Takes every queued event (window events come first after opening). */
static void
test_ui_drain(struct ui *u)
{
	struct ui_event ev;

	while (ui_poll(u, 0, &ev))
		;
}

/* Draws a frame with one button; returns whether it fired. */
static int
test_ui_frame(struct ui *u, struct ui_rect r)
{
	int fired;

	ui_begin(u);
	fired = ui_button(u, r, "Press me", UI_ACCENT, 24);
	ui_end(u);
	return fired;
}

static void
test_ui_fires_on_release(void **state)
{
	struct ui *u = test_ui_open(0);
	struct ui_rect r = {100, 100, 200, 80};
	struct ui_event ev;

	test_ui_drain(u);
	assert_false(test_ui_frame(u, r)); /* on screen before the finger comes */
	SDL_Delay(UI_SETTLE_MS + 20);
	test_ui_push(SDL_MOUSEBUTTONDOWN, 150, 140);
	assert_int_equal(ui_poll(u, 100, &ev), 1);
	assert_int_equal(ev.type, UI_EV_INPUT);
	assert_false(test_ui_frame(u, r)); /* pressed: not yet */
	test_ui_push(SDL_MOUSEBUTTONUP, 160, 150);
	assert_int_equal(ui_poll(u, 100, &ev), 1);
	assert_int_equal(ev.type, UI_EV_INPUT);
	assert_true(test_ui_frame(u, r));  /* released inside: fires */
	assert_false(test_ui_frame(u, r)); /* once */
	ui_free(u);
}

/* ui_check: what script mode fails on.  Nothing is recorded until asked;
 * then a button under the minimum, a row too low, text shortened with "…" and
 * wrapped text with no room for its last line are each named; a frame that
 * fits has none, and a new frame forgets the last one's. */
static void
test_ui_check_faults(void **state)
{
	struct ui *u = test_ui_open(0);
	char *f;

	ui_begin(u);
	ui_button(u, (struct ui_rect){0, 0, 130, 40}, "Back", UI_WHITE, 20);
	ui_end(u);
	assert_null(ui_faults(u)); /* not asked */

	ui_check(u, 48);
	ui_begin(u);
	ui_button(u, (struct ui_rect){0, 0, 130, 40}, "Back", UI_WHITE, 20);
	ui_row(u, (struct ui_rect){0, 50, 300, 30}, "María López", UI_PANEL);
	ui_text(u, (struct ui_rect){0, 100, 60, 30}, "Event name: Walk Against Traffick", 20, 0,
	        UI_FG, UI_LEFT);
	ui_text_wrap(u, (struct ui_rect){0, 140, 200, 30},
	             "reopen the station (Close-out, Reopen) before anything is undone.", 20, 0,
	             UI_FG, UI_LEFT);
	ui_end(u);
	f = ui_faults(u);
	assert_non_null(f);
	assert_non_null(strstr(f, "button \"Back\" is 130x40 px (under 48x48)"));
	assert_non_null(strstr(f, "row \"María López\" is 300x30 px"));
	assert_non_null(strstr(f, "text cut off: \"Event name: Walk Against Traffick\""));
	assert_non_null(strstr(f, "no room for its last lines"));
	free(f);

	ui_begin(u);
	ui_button(u, (struct ui_rect){0, 0, 130, 48}, "Back", UI_WHITE, 20);
	ui_text(u, (struct ui_rect){0, 100, 400, 30}, "Event name", 20, 0, UI_FG, UI_LEFT);
	ui_end(u);
	assert_null(ui_faults(u));
	ui_free(u);
}

/* Draws a frame with one keyed button; returns whether it fired. */
static int
test_ui_frame_keyed(struct ui *u, struct ui_rect r, const char *label, uint64_t key)
{
	int fired;

	ui_begin(u);
	fired = ui_button_keyed(u, r, label, key, UI_ACCENT, 24);
	ui_end(u);
	return fired;
}

static void
test_ui_tap(struct ui *u, int x, int y)
{
	struct ui_event ev;

	test_ui_push(SDL_MOUSEBUTTONDOWN, x, y);
	assert_int_equal(ui_poll(u, 100, &ev), 1);
	test_ui_push(SDL_MOUSEBUTTONUP, x, y);
	assert_int_equal(ui_poll(u, 100, &ev), 1);
}

/* A double tap: the second tap lands on a button the first one's answer
 * put there ("+1 lap" moving up where "Check in" was): within UI_SETTLE_MS
 * of its showing it is ignored; a tap after that fires.  A button that
 * stays where it was takes a quick second tap; in a list, the next item's
 * button moving up under the finger (another key) is a new button. */
static void
test_ui_new_button_settles(void **state)
{
	struct ui *u = test_ui_open(0);
	struct ui_rect r = {100, 100, 200, 80};

	test_ui_drain(u);
	assert_false(test_ui_frame_keyed(u, r, "Check in", 0));
	SDL_Delay(UI_SETTLE_MS + 20);
	test_ui_tap(u, 150, 140);
	assert_true(test_ui_frame_keyed(u, r, "Check in", 0)); /* the first tap */
	/* its answer: "+1 lap" where "Check in" was */
	assert_false(test_ui_frame_keyed(u, r, "+1 lap", 0));
	test_ui_tap(u, 150, 140); /* the double tap's second, at once */
	assert_false(test_ui_frame_keyed(u, r, "+1 lap", 0));
	assert_false(test_ui_frame_keyed(u, r, "+1 lap", 0)); /* not kept for later */
	SDL_Delay(UI_SETTLE_MS + 20);
	test_ui_tap(u, 150, 140); /* a tap meant for it */
	assert_true(test_ui_frame_keyed(u, r, "+1 lap", 0));
	test_ui_tap(u, 150, 140); /* the same button again, quickly: it stayed */
	assert_true(test_ui_frame_keyed(u, r, "+1 lap", 0));
	/* a list: "Accept" of lap 12, then of lap 14 in the same place */
	assert_false(test_ui_frame_keyed(u, r, "Accept", 12));
	SDL_Delay(UI_SETTLE_MS + 20);
	test_ui_tap(u, 150, 140);
	assert_true(test_ui_frame_keyed(u, r, "Accept", 12));
	assert_false(test_ui_frame_keyed(u, r, "Accept", 14));
	test_ui_tap(u, 150, 140);
	assert_false(test_ui_frame_keyed(u, r, "Accept", 14));
	/* a script's press is someone who looked first: taken at once */
	assert_false(test_ui_frame_keyed(u, r, "Reject", 14));
	ui_inject_tap(u, 150, 140);
	test_ui_drain(u);
	assert_true(test_ui_frame_keyed(u, r, "Reject", 14));
	ui_free(u);
}

static void
test_ui_release_outside_cancels(void **state)
{
	struct ui *u = test_ui_open(0);
	struct ui_rect r = {100, 100, 200, 80};
	struct ui_event ev;

	test_ui_drain(u);
	test_ui_push(SDL_MOUSEBUTTONDOWN, 150, 140);
	ui_poll(u, 100, &ev);
	test_ui_frame(u, r);
	test_ui_push(SDL_MOUSEBUTTONUP, 500, 400); /* slid off the button */
	ui_poll(u, 100, &ev);
	assert_false(test_ui_frame(u, r));
	/* pressed elsewhere, released on it: no either */
	test_ui_push(SDL_MOUSEBUTTONDOWN, 10, 10);
	ui_poll(u, 100, &ev);
	test_ui_push(SDL_MOUSEBUTTONUP, 150, 140);
	ui_poll(u, 100, &ev);
	assert_false(test_ui_frame(u, r));
	ui_free(u);
}

static void
test_ui_rotation_turns_touches(void **state)
{
	static const int rotations[] = {90, 180, 270};

	for (size_t i = 0; i < sizeof rotations / sizeof rotations[0]; i++) {
		struct ui *u = test_ui_open(rotations[i]);
		struct ui_rect r = {20, 30, 120, 60};
		int x, y, fired = 0;

		if (rotations[i] != 180) { /* portrait: the logical screen is 480x800 */
			assert_int_equal(ui_width(u), 480);
			assert_int_equal(ui_height(u), 800);
		}
		test_ui_drain(u);
		test_ui_frame(u, r);
		assert_int_equal(ui_button_at(u, "Press me", &x, &y), 0);
		ui_inject_tap(u, x, y);
		test_ui_drain(u);
		fired = test_ui_frame(u, r);
		assert_true(fired);
		ui_free(u);
	}
}

static void
test_ui_text_recorded_and_safe(void **state)
{
	struct ui *u = test_ui_open(0);
	char *all;

	ui_begin(u);
	ui_text(u, (struct ui_rect){0, 0, 800, 60}, "Zoë Ångström", 30, 1, UI_FG, UI_LEFT);
	ui_text(u, (struct ui_rect){0, 60, 800, 60}, "bad \xff\xfe utf-8 \xc0\xaf", 30, 0, UI_FG,
	        UI_LEFT);
	ui_text(u, (struct ui_rect){0, 120, 800, 60}, "Иван 王小明 محمد", 30, 0, UI_FG, UI_LEFT);
	ui_text_wrap(u, (struct ui_rect){0, 200, 200, 200},
	             "A long sentence that must wrap over several lines of a narrow box.", 20, 0,
	             UI_FG, UI_LEFT);
	ui_text(u, (struct ui_rect){0, 420, 60, 40}, "Far too long for this tiny box", 20, 0, UI_FG,
	        UI_LEFT);
	ui_end(u);
	assert_true(ui_seen(u, "Zoë"));
	assert_true(ui_seen(u, "bad ?? utf-8 ??"));
	assert_true(ui_seen(u, "must wrap over several lines"));
	assert_false(ui_seen(u, "not drawn"));
	all = ui_seen_all(u);
	assert_non_null(strstr(all, "Иван"));
	free(all);
	ui_free(u);
}

static void
test_ui_draw(void *arg)
{
	struct ui *u = arg;

	ui_begin(u);
	ui_fill(u, (struct ui_rect){0, 0, 400, 480}, UI_OK);
	ui_qr(u, (struct ui_rect){400, 0, 400, 400}, "W1-K7QF-42-8XJ2M4PQ9RTA");
	ui_end(u);
}

static void
test_ui_screenshot_png(void **state)
{
	struct ui *u = test_ui_open(0);
	char path[] = "/tmp/test_ui_XXXXXX.png", *cause = NULL, *data = NULL;
	size_t len = 0;
	int fd = mkstemps(path, 4);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ui_screenshot(u, path, test_ui_draw, u, &cause), 0);
	assert_int_equal(util_read_file(path, 1 << 22, &data, &len, &cause), 0);
	assert_true(len > 100);
	assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
	free(data);
	assert_int_equal(ui_screenshot(u, "/nonexistent/dir/x.png", test_ui_draw, u, &cause), -1);
	assert_non_null(cause);
	free(cause);
	unlink(path);
	ui_free(u);
}

/* Only malformed times: a valid one would ask timedated to change the clock. */
static void
test_clock_refuses_malformed(void **state)
{
	static const char *const bad[] = {"",
	                                  "2026-13-45 09:00",
	                                  "2026-05-02",
	                                  "2026-05-02 25:00",
	                                  "2026-05-02 09:30x",
	                                  "1999-05-02 09:30",
	                                  "tomorrow"};
	char now[32], *cause = NULL;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(kiosk_clock_set(bad[i], &cause), -1);
		assert_non_null(strstr(cause, "YYYY-MM-DD HH:MM"));
		free(cause);
		cause = NULL;
	}
	kiosk_clock_now(now, sizeof now);
	assert_int_equal(strlen(now), 16);
	assert_int_equal(now[4], '-');
	assert_int_equal(now[10], ' ');
}

static void
test_worker_wake(void *arg)
{
	(void)arg;
}

/* Waits for the reply with tag (0: the OPEN reply). */
static struct kiosk_reply *
test_worker_wait(struct kiosk_worker *w, uint64_t tag)
{
	for (int i = 0; i < 5000; i++) {
		struct kiosk_reply *r = kiosk_worker_take(w);
		if (r != NULL && r->tag == tag)
			return r;
		kiosk_reply_free(r);
		usleep(1000);
	}
	fail_msg("no reply");
	return NULL;
}

static void
test_worker(void **state)
{
	char dir[] = "/tmp/test_worker_XXXXXX", *db, *mark;
	struct kiosk_worker *w = NULL;
	struct kiosk_reply *r;
	struct kiosk_req q;

	assert_non_null(mkdtemp(dir));
	db = xasprintf("%s/station.db", dir);
	assert_int_equal(kiosk_worker_start(db, test_worker_wake, NULL, &w, NULL), 0);
	r = test_worker_wait(w, 0);
	assert_int_equal(r->op, KIOSK_OP_OPEN);
	assert_int_equal(r->rc, 0);
	assert_false(r->st.has_event);
	kiosk_reply_free(r);

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_INIT;
	snprintf(q.init.name, sizeof q.init.name, "Walk");
	snprintf(q.init.city, sizeof q.init.city, "Jackson");
	snprintf(q.init.date, sizeof q.init.date, "2026-11-24");
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, 0);
	assert_true(r->st.has_event);
	kiosk_reply_free(r);

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_ADD;
	snprintf(q.add.name, sizeof q.add.name, "Zoë Ångström");
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->walker.id, 1);
	assert_true(strncmp(r->code, "W1-", 3) == 0);
	kiosk_reply_free(r);

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_FIND;
	snprintf(q.find.text, sizeof q.find.text, "ZOE");
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->nfound, 1);
	assert_string_equal(r->found[0].name, "Zoë Ångström");
	kiosk_reply_free(r);

	/* a wrong PIN with none set is refused with words, not a crash */
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_PIN_CHECK;
	snprintf(q.pin.pin, sizeof q.pin.pin, "1234");
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, -1);
	assert_non_null(r->cause);
	kiosk_reply_free(r);

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_DONATE;
	q.walker = 1;
	q.donate.cents = 2500;
	q.donate.method = RULES_CASH;
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, 0);
	assert_true(r->seq > 0);
	assert_int_equal(r->st.totals.total_cents, 2500);
	kiosk_reply_free(r);

	/* training: the coordinator's only; then a ledger of its own, T1- badges,
	 * no export; off again, the day's figures as they were */
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_TRAINING;
	q.training.on = 1;
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, -1);
	assert_false(r->st.training);
	kiosk_reply_free(r);
	q.coordinator = 1;
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, 0);
	assert_true(r->st.training);
	assert_true(r->st.event.training);
	assert_int_equal(r->st.totals.total_cents, 0);
	kiosk_reply_free(r);
	mark = xasprintf("%s/station-training.db.on", dir);
	assert_int_equal(access(mark, F_OK), 0);
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_ADD;
	snprintf(q.add.name, sizeof q.add.name, "Tess Trainee");
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, 0);
	assert_true(strncmp(r->code, "T1-", 3) == 0);
	kiosk_reply_free(r);
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_EXPORT;
	q.coordinator = 1;
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, -1);
	assert_non_null(strstr(r->cause, "training"));
	kiosk_reply_free(r);
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_TRAINING;
	q.coordinator = 1;
	r = test_worker_wait(w, kiosk_worker_post(w, &q));
	assert_int_equal(r->rc, 0);
	assert_false(r->st.training);
	assert_false(r->st.event.training);
	assert_int_equal(r->st.totals.total_cents, 2500);
	assert_int_equal(r->st.totals.walkers, 1);
	kiosk_reply_free(r);
	assert_int_equal(access(mark, F_OK), -1);
	free(mark);

	kiosk_worker_stop(w);
	free(db);
	assert_int_equal(system("rm -rf /tmp/test_worker_*") >= 0, 1);
}

/* One style for every screen: designed at 800x480, scaled by the window;
 * text sizes stay in design pixels (ui_text scales them itself). */
static void
test_style_scales_with_window(void **state)
{
	static const int sizes[][2] = {{800, 480}, {1600, 960}, {1280, 800}};
	static const int header[] = {56, 112, 90}; /* 1280x800: 56 * min(1.6, 1.667) */

	(void)state;
	for (size_t i = 0; i < nitems(sizes); i++) {
		struct ui_config cfg = {sizes[i][0], sizes[i][1], 0, "assets/fonts", 0, 1};
		struct ui *u = NULL;
		struct kiosk_style s;
		char *cause = NULL;

		if (ui_open(&cfg, &u, &cause) != 0)
			fail_msg("ui_open: %s", cause);
		kiosk_style_scale(&s, u);
		assert_int_equal(s.header, header[i]);
		assert_int_equal(s.header, ui_px(u, 56));
		assert_int_equal(s.back_w, ui_px(u, 130));
		assert_int_equal(s.font.title, 26);
		assert_true(s.gap < s.margin && s.line < s.row && s.row < s.button);
		ui_free(u);
	}
}

/* Who may see a screen is the screen's own flag, corrections of the whole
 * station (no walker on show) being a coordinator's. */
static void
test_screens_coordinator_flag(void **state)
{
	struct kiosk *k = xcalloc(1, sizeof *k);

	(void)state;
	for (int s = 0; s < SCREEN_COUNT; s++) {
		assert_non_null(screens[s]);
		assert_non_null(screens[s]->name);
		assert_non_null(screens[s]->draw);
	}
	k->screen = SCREEN_HOME;
	assert_false(kiosk_coordinator_screen(k));
	k->screen = SCREEN_DONATE;
	assert_false(kiosk_coordinator_screen(k));
	k->screen = SCREEN_CLOSE;
	assert_true(kiosk_coordinator_screen(k));
	k->screen = SCREEN_PACK;
	assert_true(kiosk_coordinator_screen(k));
	k->screen = SCREEN_CORRECT;
	k->walker = 0;
	assert_true(kiosk_coordinator_screen(k));
	k->walker = 7;
	assert_false(kiosk_coordinator_screen(k));
	free(k);
}

/* The set-up date picker's taps: December up is January of the next year,
 * January down December of the year before, the day kept in its month
 * (January 31 up a month: February 28, or 29 in a leap year), the day and
 * the year wrapping. */
static void
test_setup_date_step(void **state)
{
	int y = 2026, m = 12, d = 3;

	(void)state;
	screen_setup_date_step(&y, &m, &d, 0, 1);
	assert_int_equal(y * 10000 + m * 100 + d, 20270103);
	screen_setup_date_step(&y, &m, &d, 0, -1);
	assert_int_equal(y * 10000 + m * 100 + d, 20261203);
	y = 2027, m = 1, d = 31;
	screen_setup_date_step(&y, &m, &d, 0, -1);
	assert_int_equal(y * 10000 + m * 100 + d, 20261231);
	m = 1;
	y = 2028;
	screen_setup_date_step(&y, &m, &d, 0, 1);
	assert_int_equal(y * 10000 + m * 100 + d, 20280229);
	screen_setup_date_step(&y, &m, &d, 2, 1); /* 2029 has no February 29 */
	assert_int_equal(y * 10000 + m * 100 + d, 20290228);
	screen_setup_date_step(&y, &m, &d, 1, 1);
	assert_int_equal(y * 10000 + m * 100 + d, 20290201);
	screen_setup_date_step(&y, &m, &d, 1, -1);
	assert_int_equal(y * 10000 + m * 100 + d, 20290228);
	y = 2099, m = 12, d = 1;
	screen_setup_date_step(&y, &m, &d, 0, 1); /* the end of the range stays */
	assert_int_equal(y * 10000 + m * 100 + d, 20991201);
	screen_setup_date_step(&y, &m, &d, 2, 1);
	assert_int_equal(y * 10000 + m * 100 + d, 20001201);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ui_fires_on_release),
	    cmocka_unit_test(test_ui_new_button_settles),
	    cmocka_unit_test(test_ui_check_faults),
	    cmocka_unit_test(test_ui_release_outside_cancels),
	    cmocka_unit_test(test_ui_rotation_turns_touches),
	    cmocka_unit_test(test_ui_text_recorded_and_safe),
	    cmocka_unit_test(test_ui_screenshot_png),
	    cmocka_unit_test(test_style_scales_with_window),
	    cmocka_unit_test(test_screens_coordinator_flag),
	    cmocka_unit_test(test_setup_date_step),

	    cmocka_unit_test(test_clock_refuses_malformed),
	    cmocka_unit_test(test_worker),
	};

	setenv("SDL_VIDEODRIVER", "dummy", 1);
	setenv("SDL_AUDIODRIVER", "dummy", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
