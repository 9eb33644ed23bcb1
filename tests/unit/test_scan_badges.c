/* test_scan_badges.c — our own badges, rendered with libqrencode and put
 * through what a camera at a welcome table does to them: every one read,
 * and nothing else read; and read the same, at the same corners, without
 * the pre-check (zxing's ReadBarcodes as it is). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scan_decode.h"
#include "scan_synth.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Shaped like badge codes (W1-EVENT-WALKER-MAC), without needing the key. */
static const char *codes[] = {
    "W1-K7QF-42-8XJ2M4PQ9RTA",
    "W1-K7QF-999999-0Z3YH6WC1N5E",
    "W1-R2D2-7-MMMMMMMMMMMM",
};

struct distortion {
	const char *name;
	int width, height;
	struct scan_synth_place at;
	int blur, motion;
	double noise;
	int lo, hi;  /* contrast; 0,0 for none */
	int quality; /* JPEG; 0 for none */
	int invert;
};

static const struct distortion cases[] = {
    {"plain", 640, 480, {320, 240, 220, 0, 0}, 0, 0, 0, 0, 0, 0, 0},
    {"small", 640, 480, {200, 300, 125, 0, 0}, 0, 0, 0, 0, 0, 0, 0},
    {"rotated 17", 640, 480, {320, 240, 220, 17, 0}, 0, 0, 0, 0, 0, 0, 0},
    {"rotated 45", 640, 480, {320, 240, 220, 45, 0}, 0, 0, 0, 0, 0, 0, 0},
    {"rotated 100", 640, 480, {320, 240, 220, 100, 0}, 0, 0, 0, 0, 0, 0, 0},
    {"upside down", 640, 480, {320, 240, 220, 183, 0}, 0, 0, 0, 0, 0, 0, 0},
    {"perspective", 640, 480, {320, 240, 240, 0, 0.35}, 0, 0, 0, 0, 0, 0, 0},
    {"perspective rotated", 640, 480, {330, 230, 240, -25, 0.3}, 0, 0, 0, 0, 0, 0, 0},
    {"blur 1", 640, 480, {320, 240, 220, 5, 0}, 1, 0, 0, 0, 0, 0, 0},
    {"blur 2", 640, 480, {320, 240, 260, 5, 0}, 2, 0, 0, 0, 0, 0, 0},
    {"noise", 640, 480, {320, 240, 220, 10, 0}, 0, 0, 25, 0, 0, 0, 0},
    {"low contrast", 640, 480, {320, 240, 220, 0, 0}, 0, 0, 0, 100, 150, 0, 0},
    {"dim and noisy", 640, 480, {320, 240, 220, 8, 0}, 1, 0, 6, 40, 90, 0, 0},
    {"jpeg 15", 640, 480, {320, 240, 220, 12, 0}, 0, 0, 0, 0, 0, 15, 0},
    {"everything", 640, 480, {300, 250, 230, -20, 0.2}, 1, 0, 10, 60, 200, 30, 0},
    {"phone dark mode", 640, 480, {320, 240, 220, 7, 0}, 0, 0, 5, 0, 0, 0, 1},
    {"hd frame", 1280, 720, {640, 360, 300, 15, 0.1}, 1, 0, 8, 0, 0, 40, 0},
    {"hd small", 1280, 720, {900, 200, 160, 0, 0}, 0, 0, 4, 0, 0, 0, 0},
    {"walking past", 640, 480, {320, 240, 240, 6, 0}, 0, 4, 3, 0, 0, 0, 0},
    {"walking past, dim", 640, 480, {320, 240, 260, -9, 0.1}, 1, 3, 5, 50, 160, 40, 0},
};

static void
apply(struct scan_image *frame, const struct distortion *d)
{
	if (d->blur > 0)
		scan_synth_blur(frame, d->blur);
	if (d->motion > 0)
		scan_synth_motion(frame, d->motion);
	if (d->hi > 0)
		scan_synth_contrast(frame, d->lo, d->hi);
	if (d->noise > 0)
		scan_synth_noise(frame, d->noise, 7);
	if (d->invert)
		scan_synth_invert(frame);
	if (d->quality > 0)
		assert_int_equal(scan_synth_jpeg(frame, d->quality, NULL), 0);
}

static void
test_distortions(void **state)
{
	struct scan_decode_options raw_o = {1, 1, 8, 0, 1};
	struct scan_decoder *dec = scan_decode_new(NULL), *raw = scan_decode_new(&raw_o);
	size_t i, j, k;
	int failures = 0;

	for (i = 0; i < nitems(cases); i++) {
		for (j = 0; j < nitems(codes); j++) {
			struct scan_image qr, frame;
			struct scan_codes got = SCAN_CODES_INIT, plain = SCAN_CODES_INIT;

			assert_int_equal(scan_synth_qr(codes[j], 4, &qr, NULL), 0);
			scan_synth_frame(&frame, cases[i].width, cases[i].height,
			                 (unsigned)(i + j));
			scan_synth_put(&frame, &qr, &cases[i].at);
			apply(&frame, &cases[i]);
			assert_true(scan_decode_luma(dec, frame.luma, frame.width, frame.height,
			                             frame.width, &got, NULL) >= 0);
			if (got.n != 1 || strcmp(got.v[0].text, codes[j]) != 0) {
				print_message("%s, %s: %zu codes, first \"%s\"\n", cases[i].name,
				              codes[j], got.n, got.n ? got.v[0].text : "");
				failures++;
			}
			assert_true(scan_decode_luma(raw, frame.luma, frame.width, frame.height,
			                             frame.width, &plain, NULL) >= 0);
			assert_int_equal(plain.n, got.n);
			for (k = 0; k < got.n; k++) {
				assert_string_equal(plain.v[k].text, got.v[k].text);
				assert_memory_equal(plain.v[k].corner, got.v[k].corner,
				                    sizeof got.v[k].corner);
			}
			scan_codes_free(&plain);
			scan_codes_free(&got);
			scan_file_image_free(&frame);
			scan_file_image_free(&qr);
		}
	}
	scan_decode_free(raw);
	scan_decode_free(dec);
	assert_int_equal(failures, 0);
}

/* Two walkers holding their badges up together: both read. */
static void
test_two_badges(void **state)
{
	struct scan_decoder *dec = scan_decode_new(NULL);
	struct scan_image a, b, frame;
	struct scan_codes got = SCAN_CODES_INIT;
	struct scan_synth_place pa = {170, 240, 220, -8, 0}, pb = {470, 250, 200, 12, 0.15};
	int seen_a = 0, seen_b = 0;
	size_t i;

	assert_int_equal(scan_synth_qr(codes[0], 4, &a, NULL), 0);
	assert_int_equal(scan_synth_qr(codes[1], 4, &b, NULL), 0);
	scan_synth_frame(&frame, 640, 480, 3);
	scan_synth_put(&frame, &a, &pa);
	scan_synth_put(&frame, &b, &pb);
	scan_synth_blur(&frame, 1);
	scan_synth_noise(&frame, 8, 3);
	assert_int_equal(scan_synth_jpeg(&frame, 40, NULL), 0);
	assert_int_equal(
	    scan_decode_luma(dec, frame.luma, frame.width, frame.height, frame.width, &got, NULL),
	    2);
	for (i = 0; i < got.n; i++) {
		seen_a |= strcmp(got.v[i].text, codes[0]) == 0;
		seen_b |= strcmp(got.v[i].text, codes[1]) == 0;
		/* The outline is where the badge was put. */
		assert_true(got.v[i].corner[0].x > 0 && got.v[i].corner[0].x < 640);
	}
	assert_true(seen_a && seen_b);
	scan_codes_free(&got);
	scan_file_image_free(&frame);
	scan_file_image_free(&b);
	scan_file_image_free(&a);
	scan_decode_free(dec);
}

/* Frames with no code at all: nothing found, however noisy. */
static void
test_empty_frames(void **state)
{
	struct scan_decoder *dec = scan_decode_new(NULL);
	struct scan_codes got = SCAN_CODES_INIT;
	struct scan_image frame;
	unsigned seed;

	for (seed = 1; seed <= 20; seed++) {
		scan_synth_frame(&frame, 640, 480, seed);
		scan_synth_noise(&frame, 5.0 * seed, seed);
		assert_int_equal(scan_decode_luma(dec, frame.luma, frame.width, frame.height,
		                                  frame.width, &got, NULL),
		                 0);
		scan_file_image_free(&frame);
	}
	scan_decode_free(dec);
}

/* A badge cut by the frame's edge is not half-read. */
static void
test_cut_badge(void **state)
{
	struct scan_decoder *dec = scan_decode_new(NULL);
	struct scan_codes got = SCAN_CODES_INIT;
	struct scan_image qr, frame;
	struct scan_synth_place at = {640, 240, 260, 0, 0};

	assert_int_equal(scan_synth_qr(codes[0], 4, &qr, NULL), 0);
	scan_synth_frame(&frame, 640, 480, 9);
	scan_synth_put(&frame, &qr, &at);
	assert_int_equal(
	    scan_decode_luma(dec, frame.luma, frame.width, frame.height, frame.width, &got, NULL),
	    0);
	scan_file_image_free(&frame);
	scan_file_image_free(&qr);
	scan_decode_free(dec);
}

static void
test_bad_input(void **state)
{
	struct scan_decoder *dec = scan_decode_new(NULL);
	struct scan_codes got = SCAN_CODES_INIT;
	uint8_t px[16] = {0};
	char *cause = NULL;

	assert_int_equal(scan_decode_luma(dec, NULL, 4, 4, 4, &got, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(scan_decode_luma(dec, px, 4, 4, 2, &got, NULL), -1);
	assert_int_equal(scan_decode_luma(dec, px, 4, 4, 4, &got, NULL), 0);
	assert_non_null(scan_decode_backend());
	scan_decode_free(dec);
}

/* Frames of odd sizes (partial 8x8 blocks; at 1000x700 and up a downscaled
 * layer whose sides are not whole thirds), codes of 2 to 12 px a module
 * anywhere (often cut by the edges), at any angle, in any light, either way
 * round: with the pre-check and without, in watctl decode's and the camera's
 * decoders, the same codes at the same corners.  Fixed seed. */
static void
test_precheck_sweep(void **state)
{
	static const int sizes[][2] = {{333, 257}, {641, 479}, {1000, 700}};
	struct scan_decode_options o[4] = {
	    {1, 1, 8, 0, 0}, {1, 1, 8, 0, 1}, {1, 1, 8, 1, 0}, {1, 1, 8, 1, 1}};
	struct scan_decoder *d[4];
	unsigned seed = 12345;
	int i, k, read = 0;
	size_t c;

	(void)state;
	for (k = 0; k < 4; k++)
		d[k] = scan_decode_new(&o[k]);
	for (i = 0; i < 60; i++) {
		const int *sz = sizes[i % 3];
		struct scan_image qr, frame;
		struct scan_synth_place at;
		int module = 2 + (int)(rand_r(&seed) % 11);

		assert_int_equal(scan_synth_qr(codes[i % 3], module, &qr, NULL), 0);
		at.size = qr.width * (0.7 + (rand_r(&seed) % 60) / 100.0);
		at.cx = (int)(rand_r(&seed) % (unsigned)sz[0]);
		at.cy = (int)(rand_r(&seed) % (unsigned)sz[1]);
		at.angle = (int)(rand_r(&seed) % 360);
		at.tilt = (rand_r(&seed) % 30) / 100.0;
		scan_synth_frame(&frame, sz[0], sz[1], (unsigned)i);
		scan_synth_put(&frame, &qr, &at);
		if (rand_r(&seed) % 2)
			scan_synth_blur(&frame, 1);
		if (rand_r(&seed) % 3 == 0)
			scan_synth_contrast(&frame, (int)(rand_r(&seed) % 100),
			                    155 + (int)(rand_r(&seed) % 100));
		scan_synth_noise(&frame, (rand_r(&seed) % 9), (unsigned)i);
		if (rand_r(&seed) % 3 == 0)
			scan_synth_invert(&frame);
		for (k = 0; k < 4; k += 2) {
			struct scan_codes with = SCAN_CODES_INIT, without = SCAN_CODES_INIT;

			assert_true(scan_decode_luma(d[k], frame.luma, frame.width, frame.height,
			                             frame.width, &with, NULL) >= 0);
			assert_true(scan_decode_luma(d[k + 1], frame.luma, frame.width,
			                             frame.height, frame.width, &without,
			                             NULL) >= 0);
			assert_int_equal(with.n, without.n);
			for (c = 0; c < with.n; c++) {
				assert_string_equal(with.v[c].text, without.v[c].text);
				assert_memory_equal(with.v[c].corner, without.v[c].corner,
				                    sizeof with.v[c].corner);
			}
			read += k == 0 && with.n > 0;
			scan_codes_free(&with);
			scan_codes_free(&without);
		}
		scan_file_image_free(&frame);
		scan_file_image_free(&qr);
	}
	print_message("pre-check sweep: 60 frames, %d with a code read, the same either way\n",
	              read);
	/* many hold a readable code: the comparison is not only of empty reads */
	assert_true(read >= 15);
	for (k = 0; k < 4; k++)
		scan_decode_free(d[k]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distortions),  cmocka_unit_test(test_two_badges),
	    cmocka_unit_test(test_empty_frames), cmocka_unit_test(test_cut_badge),
	    cmocka_unit_test(test_bad_input),    cmocka_unit_test(test_precheck_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
