/* test_scan_schedule.c — light-on-dark codes (a phone in dark mode) in the
 * camera's schedule: the half-resolution inverted pass reads a phone held up
 * to the camera on the first frame, with its corners where the code is in the
 * full frame; a small light-on-dark code, which only the full-resolution pass
 * reads, still arrives within SCAN_INVERT_EVERY frames through the threads;
 * dark-on-light codes never wait for either pass; the pre-check spares zxing
 * empty frames and keeps every code. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scan.h"
#include "scan_decode.h"
#include "scan_file.h"
#include "scan_synth.h"

#define TEXT "W1-K7QF-42-8XJ2M4PQ9RTA"

/* A 640x480 camera-like frame with TEXT of side size at (cx, cy); dark:
 * light-on-dark. */
static void
frame(struct scan_image *f, double cx, double cy, double size, int dark, unsigned seed)
{
	struct scan_image qr;
	struct scan_synth_place at = {cx, cy, size, 8, 0};
	size_t i;

	scan_synth_frame(f, 640, 480, seed);
	assert_int_equal(scan_synth_qr(TEXT, 4, &qr, NULL), 0);
	scan_synth_put(f, &qr, &at);
	scan_file_image_free(&qr);
	scan_synth_blur(f, 1);
	scan_synth_noise(f, 3, seed);
	if (dark)
		for (i = 0; i < (size_t)f->width * (size_t)f->height; i++)
			f->luma[i] = (uint8_t)(255 - f->luma[i]);
}

static int
decode(const struct scan_decode_options *o, const struct scan_image *f, struct scan_codes *c)
{
	struct scan_decoder *d = scan_decode_new(o);
	int n = scan_decode_luma(d, f->luma, f->width, f->height, f->width, c, NULL);

	scan_decode_free(d);
	return n;
}

static void
test_half_pass(void **state)
{
	struct scan_decode_options plain = {0, 1, 8, 0, 0}, half = {1, 1, 8, 1, 0};
	struct scan_codes c = SCAN_CODES_INIT;
	struct scan_image f;
	int k;

	(void)state;
	/* a phone held up: 220 px, to the right of the middle */
	frame(&f, 420, 250, 220, 1, 3);
	assert_int_equal(decode(&plain, &f, &c), 0);
	assert_int_equal(decode(&half, &f, &c), 1);
	assert_string_equal(c.v[0].text, TEXT);
	/* the corners in the full frame's pixels, around the code */
	for (k = 0; k < 4; k++) {
		assert_true(c.v[0].corner[k].x > 420 - 110 && c.v[0].corner[k].x < 420 + 110);
		assert_true(c.v[0].corner[k].y > 250 - 110 && c.v[0].corner[k].y < 250 + 110);
	}
	scan_codes_free(&c);
	scan_file_image_free(&f);
	/* dark on light: read by the plain pass, the half pass not needed */
	frame(&f, 320, 240, 220, 0, 4);
	assert_int_equal(decode(&half, &f, &c), 1);
	assert_string_equal(c.v[0].text, TEXT);
	scan_codes_free(&c);
	scan_file_image_free(&f);
}

static void
test_invert_full_every(void **state)
{
	uint64_t i, start;
	int n;

	(void)state;
	assert_true(scan_invert_full(0));
	/* every window of 8 frames has exactly one full pass (at 30 fps: 267 ms) */
	for (start = 0; start < 40; start++) {
		for (n = 0, i = start; i < start + 8; i++)
			n += scan_invert_full(i);
		assert_int_equal(n, 1);
	}
}

/* A light-on-dark code too small for the half pass arrives through the
 * threads within 8 frames, wherever the schedule stands. */
static void
test_small_dark_through_threads(void **state)
{
	struct scan_decode_options half = {1, 1, 8, 1, 0}, full = {1, 1, 8, 0, 0};
	struct scan_config cfg = {0};
	struct scan_codes c = SCAN_CODES_INIT;
	struct scan_status st;
	struct scan_result r;
	struct scan_image f;
	struct scan *s;
	struct pollfd p;
	int i, got = 0, waited;

	(void)state;
	frame(&f, 300, 200, 116, 1, 5); /* 3.5 px a module: the half pass reads 4 and more */
	/* only the full-resolution pass reads it */
	assert_int_equal(decode(&half, &f, &c), 0);
	assert_int_equal(decode(&full, &f, &c), 1);
	scan_codes_free(&c);

	cfg.hold_ms = 100000;
	s = scan_new(&cfg, NULL);
	assert_non_null(s);
	p.fd = scan_fd(s);
	p.events = POLLIN;
	/* one empty frame first, so the code's first frame is not a full pass */
	for (i = 0; i < 1 + 8 && !got; i++) {
		struct scan_image e;
		const struct scan_image *push = &f;
		if (i == 0) {
			scan_synth_frame(&e, 640, 480, 9);
			push = &e;
		}
		scan_status(s, &st);
		scan_push_frame(s, push->luma, push->width, push->height, push->width, NULL);
		if (i == 0)
			scan_file_image_free(&e);
		/* each frame decoded before the next, as a slow camera would */
		for (waited = 0; waited < 3000; waited += 5) {
			struct scan_status now;
			scan_status(s, &now);
			if (now.frames_decoded > st.frames_decoded)
				break;
			poll(&p, 1, 5);
		}
		if (scan_poll(s, &r)) {
			assert_string_equal(r.text, TEXT);
			got = 1;
		}
	}
	/* frame 0 (empty) had the full pass; the code's frames 1-7 the half
	 * pass, which cannot read it; frame 8 the full pass, which did */
	assert_true(got);
	assert_int_equal(i, 9);
	scan_free(s);
	scan_file_image_free(&f);
}

/* Decodes f with and without the pre-check: the same codes at the same
 * corners either way. */
static int
decode_both(const struct scan_decode_options *o, const struct scan_image *f)
{
	struct scan_decode_options off = *o;
	struct scan_codes a = SCAN_CODES_INIT, b = SCAN_CODES_INIT;
	int n, m;
	size_t i;

	off.no_precheck = 1;
	n = decode(o, f, &a);
	m = decode(&off, f, &b);
	assert_int_equal(n, m);
	for (i = 0; i < a.n; i++) {
		assert_string_equal(a.v[i].text, b.v[i].text);
		assert_memory_equal(a.v[i].corner, b.v[i].corner, sizeof a.v[i].corner);
	}
	scan_codes_free(&a);
	scan_codes_free(&b);
	return n;
}

/* The pre-check spares zxing an empty camera frame (both passes of the
 * camera's usual decoder), and keeps every code: one whose finder patterns
 * touch the frame's edges (the edge counts as an edge for zxing), a faint
 * one, and light-on-dark ones. */
static void
test_precheck(void **state)
{
	struct scan_decode_options plain = {0, 1, 8, 0, 0}, half = {1, 1, 8, 1, 0},
	                           full = {1, 1, 8, 0, 0};
	struct scan_synth_place tall = {320, 237.5, 33 * 19, 0, 0};
	struct scan_codes c = SCAN_CODES_INIT;
	struct scan_image f, qr;
	unsigned long before;
	size_t i;
	int dark;

	(void)state;
	if (strstr(scan_decode_backend(), "1.4") == NULL) {
		skip(); /* built only over zxing-cpp 1.4 */
		return;
	}
	scan_synth_frame(&f, 640, 480, 11);
	scan_synth_blur(&f, 1);
	scan_synth_noise(&f, 3, 11);
	before = scan_decode_precheck_skips();
	assert_int_equal(decode(&half, &f, &c), 0);
	assert_int_equal(scan_decode_precheck_skips() - before, 2);
	assert_int_equal(decode_both(&full, &f), 0);
	scan_file_image_free(&f);

	/* 19 px a module in a frame just the code's height (475 px: not whole
	 * blocks of 8 either), the quiet zone outside: all three finder
	 * patterns touch the top or the bottom edge */
	assert_int_equal(scan_synth_qr(TEXT, 19, &qr, NULL), 0);
	assert_int_equal(qr.height, 33 * 19); /* version 2, 4 modules of quiet zone */
	for (dark = 0; dark < 2; dark++) {
		scan_synth_frame(&f, 640, 475, 12);
		scan_synth_put(&f, &qr, &tall);
		scan_synth_blur(&f, 1);
		scan_synth_noise(&f, 3, 12);
		if (dark)
			for (i = 0; i < (size_t)f.width * (size_t)f.height; i++)
				f.luma[i] = (uint8_t)(255 - f.luma[i]);
		assert_int_equal(decode_both(dark ? &full : &plain, &f), 1);
		assert_int_equal(decode_both(&half, &f), 1);
		scan_file_image_free(&f);
	}
	scan_file_image_free(&qr);
	/* faint: the frame mapped into 100-150 */
	frame(&f, 320, 240, 200, 0, 14);
	scan_synth_contrast(&f, 100, 150);
	assert_int_equal(decode_both(&plain, &f), 1);
	scan_file_image_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_half_pass),
	    cmocka_unit_test(test_invert_full_every),
	    cmocka_unit_test(test_small_dark_through_threads),
	    cmocka_unit_test(test_precheck),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
