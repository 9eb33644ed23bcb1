/* test_scan.c — the wedge decoder (recorded key sequences), the keyboard
 * burst detector, picture loading, `watctl decode`, and the scanning threads
 * fed by files, pushed frames and a FIFO standing in for a wedge scanner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "scan.h"
#include "scan_cli.h"
#include "scan_evdev.h"
#include "scan_file.h"
#include "scan_keys.h"
#include "scan_synth.h"
#include "scan_v4l2.h"
#include "scan_wedge.h"
#include "strbuf.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[64];

/* ---- recorded key sequences --------------------------------------------- */

struct rec {
	struct input_event *ev;
	size_t n, cap;
	long long ms;
};

static void
rec_add(struct rec *r, int type, int code, int value)
{
	struct input_event *e;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->ev = xrealloc(r->ev, r->cap * sizeof *r->ev);
	}
	e = &r->ev[r->n++];
	memset(e, 0, sizeof *e);
	e->input_event_sec = r->ms / 1000;
	e->input_event_usec = (r->ms % 1000) * 1000;
	e->type = (unsigned short)type;
	e->code = (unsigned short)code;
	e->value = value;
}

/* A key press and release as a scanner sends it, with EV_MSC and EV_SYN. */
static void
rec_key(struct rec *r, int code, int gap_ms)
{
	r->ms += gap_ms;
	rec_add(r, EV_MSC, MSC_SCAN, 0x70000 + code);
	rec_add(r, EV_KEY, code, 1);
	rec_add(r, EV_SYN, SYN_REPORT, 0);
	r->ms += 1;
	rec_add(r, EV_KEY, code, 0);
	rec_add(r, EV_SYN, SYN_REPORT, 0);
}

static int
key_for(char c, int *shift)
{
	static const char *plain = "1234567890-=qwertyuiop[]asdfghjkl;'`\\zxcvbnm,./ ";
	static const char *upper = "!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:\"~|ZXCVBNM<>? ";
	static const int codes[] = {
	    KEY_1,         KEY_2, KEY_3,     KEY_4,         KEY_5,          KEY_6,
	    KEY_7,         KEY_8, KEY_9,     KEY_0,         KEY_MINUS,      KEY_EQUAL,
	    KEY_Q,         KEY_W, KEY_E,     KEY_R,         KEY_T,          KEY_Y,
	    KEY_U,         KEY_I, KEY_O,     KEY_P,         KEY_LEFTBRACE,  KEY_RIGHTBRACE,
	    KEY_A,         KEY_S, KEY_D,     KEY_F,         KEY_G,          KEY_H,
	    KEY_J,         KEY_K, KEY_L,     KEY_SEMICOLON, KEY_APOSTROPHE, KEY_GRAVE,
	    KEY_BACKSLASH, KEY_Z, KEY_X,     KEY_C,         KEY_V,          KEY_B,
	    KEY_N,         KEY_M, KEY_COMMA, KEY_DOT,       KEY_SLASH,      KEY_SPACE,
	};
	const char *p;

	if ((p = strchr(plain, c)) != NULL && c != '\0') {
		*shift = 0;
		return codes[p - plain];
	}
	if ((p = strchr(upper, c)) != NULL && c != '\0') {
		*shift = 1;
		return codes[p - upper];
	}
	fail_msg("no key for %c", c);
	return 0;
}

/* Types text as a US-configured scanner would (Shift around capitals). */
static void
rec_type(struct rec *r, const char *text, int gap_ms, int enter)
{
	int shift, code;

	for (; *text != '\0'; text++) {
		code = key_for(*text, &shift);
		if (shift) {
			r->ms += gap_ms;
			rec_add(r, EV_KEY, KEY_LEFTSHIFT, 1);
		}
		rec_key(r, code, shift ? 1 : gap_ms);
		if (shift)
			rec_add(r, EV_KEY, KEY_LEFTSHIFT, 0);
	}
	if (enter)
		rec_key(r, KEY_ENTER, gap_ms);
}

/* Feeds a recording; returns the codes completed, joined by '\n'. */
static char *
rec_play(const struct rec *r, int timeout_ms)
{
	struct scan_wedge *w = scan_wedge_new(timeout_ms);
	struct scan_wedge_code *c = xmalloc(sizeof *c);
	struct strbuf out = STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (scan_wedge_feed(w, &r->ev[i], c)) {
			if (out.len > 0)
				strbuf_puts(&out, "\n");
			strbuf_add(&out, c->text, c->len);
			assert_int_equal(strlen(c->text), c->len);
		}
	}
	free(c);
	scan_wedge_free(w);
	return strbuf_take(&out);
}

static void
test_wedge_badge(void **state)
{
	struct rec r = {0};
	char *got;

	rec_type(&r, "W1-K7QF-42-8XJ2M4PQ9RTA", 4, 1);
	got = rec_play(&r, 0);
	assert_string_equal(got, "W1-K7QF-42-8XJ2M4PQ9RTA");
	free(got);
	free(r.ev);
}

static void
test_wedge_shift_and_symbols(void **state)
{
	struct rec r = {0};
	char *got;

	rec_type(&r, "a$B%c*d+e-f.g/h:i j", 3, 1);
	rec_type(&r, "https://x.org/?a=1&b=\"q\"", 3, 1);
	got = rec_play(&r, 0);
	assert_string_equal(got, "a$B%c*d+e-f.g/h:i j\nhttps://x.org/?a=1&b=\"q\"");
	free(got);
	free(r.ev);
	/* Right Shift counts too, and a key held (autorepeat) is one character. */
	memset(&r, 0, sizeof r);
	rec_add(&r, EV_KEY, KEY_RIGHTSHIFT, 1);
	rec_key(&r, KEY_A, 2);
	rec_add(&r, EV_KEY, KEY_RIGHTSHIFT, 0);
	rec_key(&r, KEY_B, 2);
	rec_add(&r, EV_KEY, KEY_C, 1);
	rec_add(&r, EV_KEY, KEY_C, 2);
	rec_add(&r, EV_KEY, KEY_C, 2);
	rec_add(&r, EV_KEY, KEY_C, 0);
	rec_key(&r, KEY_KP4, 2);
	rec_key(&r, KEY_KPENTER, 2);
	got = rec_play(&r, 0);
	assert_string_equal(got, "Abc4");
	free(got);
	free(r.ev);
}

static void
test_wedge_timeout(void **state)
{
	struct rec r = {0};
	char *got;

	/* A partial code, a pause longer than the timeout, then a full code. */
	rec_type(&r, "W1-K7QF", 4, 0);
	r.ms += 800;
	rec_type(&r, "W1-AAAA-1-BBBBBBBBBBBB", 4, 1);
	/* A lone Enter and an Enter after a stall deliver nothing. */
	rec_key(&r, KEY_ENTER, 10);
	rec_type(&r, "XYZ", 4, 0);
	r.ms += 1000;
	rec_key(&r, KEY_ENTER, 0);
	got = rec_play(&r, 300);
	assert_string_equal(got, "W1-AAAA-1-BBBBBBBBBBBB");
	free(got);
	free(r.ev);
}

static void
test_wedge_garbage(void **state)
{
	struct rec r = {0};
	char *got;

	/* Alt+numpad (how Windows scanners send non-ASCII): one '?'. */
	rec_type(&r, "caf", 3, 0);
	rec_add(&r, EV_KEY, KEY_LEFTALT, 1);
	rec_key(&r, KEY_KP0, 3);
	rec_key(&r, KEY_KP2, 3);
	rec_key(&r, KEY_KP3, 3);
	rec_key(&r, KEY_KP3, 3);
	rec_add(&r, EV_KEY, KEY_LEFTALT, 0);
	rec_key(&r, KEY_ENTER, 3);
	/* Function keys, Ctrl combinations, unknown codes. */
	rec_key(&r, KEY_F5, 3);
	rec_type(&r, "ab", 3, 0);
	rec_add(&r, EV_KEY, KEY_LEFTCTRL, 1);
	rec_key(&r, KEY_J, 3);
	rec_add(&r, EV_KEY, KEY_LEFTCTRL, 0);
	rec_key(&r, 0x2ff, 3);
	rec_type(&r, "c", 3, 1);
	/* Events that are not keys are ignored. */
	rec_add(&r, EV_REL, REL_X, 5);
	rec_add(&r, EV_LED, LED_CAPSL, 1);
	rec_type(&r, "ok", 3, 1);
	got = rec_play(&r, 0);
	assert_string_equal(got, "caf?\n?ab?c\nok");
	free(got);
	free(r.ev);
}

static void
test_wedge_long(void **state)
{
	struct scan_wedge *w = scan_wedge_new(0);
	struct scan_wedge_code *c = xmalloc(sizeof *c);
	struct rec r = {0};
	int i, done = 0;
	size_t k;

	for (i = 0; i < 1500; i++)
		rec_key(&r, KEY_7, 1);
	rec_key(&r, KEY_ENTER, 1);
	for (k = 0; k < r.n; k++)
		done += scan_wedge_feed(w, &r.ev[k], c);
	assert_int_equal(done, 1);
	assert_true(c->truncated);
	assert_int_equal(c->len, SCAN_WEDGE_MAX - 1);
	assert_int_equal(scan_wedge_char(KEY_A, 1), 'A');
	assert_int_equal(scan_wedge_char(KEY_F1, 0), 0);
	free(r.ev);
	free(c);
	scan_wedge_free(w);
}

/* ---- keyboard bursts from the window (desktop) ------------------------- */

static int
keys_type(struct scan_keys *k, const char *s, int64_t *ms, int gap, char *out, size_t *n)
{
	int r = 0;

	for (; *s != '\0'; s++) {
		*ms += gap;
		r = scan_keys_feed(k, (unsigned char)*s, *ms, out, 64, n);
	}
	return r;
}

static void
test_keys_burst(void **state)
{
	struct scan_keys *k = scan_keys_new();
	char out[64];
	size_t n = 0;
	int64_t ms = 100000;

	/* A scanner: 23 characters 15 ms apart, then Enter. */
	assert_int_equal(keys_type(k, "W1-K7QF-42-8XJ2M4PQ9RTA\n", &ms, 15, out, &n), 1);
	assert_string_equal(out, "W1-K7QF-42-8XJ2M4PQ9RTA");
	assert_int_equal(n, 23);
	/* A person: 180 ms apart. */
	assert_int_equal(keys_type(k, "Maria\n", &ms, 180, out, &n), 0);
	/* Too short to be a badge. */
	assert_int_equal(keys_type(k, "abc\n", &ms, 10, out, &n), 0);
	/* Fast but far too long in all (a key held down, 2 s). */
	ms += 1000;
	assert_int_equal(
	    keys_type(k, "1111111111111111111111111111111111111111\n", &ms, 50, out, &n), 0);
	/* A person typed slowly, then the scanner fired: only the burst counts. */
	ms += 1000;
	assert_int_equal(keys_type(k, "jo", &ms, 300, out, &n), 0);
	ms += 500;
	assert_int_equal(keys_type(k, "W1-AB-9\n", &ms, 8, out, &n), 1);
	assert_string_equal(out, "W1-AB-9");
	assert_int_equal(n, 7);
	/* Enter long after the burst: a person pressed it. */
	assert_int_equal(keys_type(k, "W1-AB-9", &ms, 8, out, &n), 0);
	assert_int_equal(scan_keys_pending(k), 7);
	ms += 400;
	assert_int_equal(scan_keys_feed(k, '\r', ms, out, sizeof out, &n), 0);
	/* Another key (an arrow, Backspace) breaks a burst. */
	assert_int_equal(keys_type(k, "W1-AB", &ms, 8, out, &n), 0);
	assert_int_equal(scan_keys_feed(k, 0, ms + 5, out, sizeof out, &n), 0);
	ms += 5;
	assert_int_equal(keys_type(k, "-9\n", &ms, 8, out, &n), 0);
	scan_keys_free(k);
}

/* ---- pictures ------------------------------------------------------------ */

static char *
tmp(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
make_badge(const char *name, const char *text, int kind)
{
	struct scan_image qr, frame;
	struct scan_synth_place at = {160, 120, 150, 4, 0};
	char *p = tmp(name);

	scan_synth_frame(&frame, 320, 240, 5);
	if (text != NULL) {
		assert_int_equal(scan_synth_qr(text, 3, &qr, NULL), 0);
		scan_synth_put(&frame, &qr, &at);
		scan_file_image_free(&qr);
	}
	switch (kind) {
	case 0: assert_int_equal(scan_synth_write_png(&frame, p, NULL), 0); break;
	case 1: assert_int_equal(scan_synth_write_jpeg(&frame, 85, p, NULL), 0); break;
	default: assert_int_equal(scan_synth_write_pgm(&frame, p, NULL), 0); break;
	}
	scan_file_image_free(&frame);
	free(p);
}

static void
write_bytes(const char *name, const void *data, size_t len)
{
	char *p = tmp(name);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(p);
}

static void
test_load_formats(void **state)
{
	static const char *names[] = {"a.png", "a.jpg", "a.pgm"};
	struct scan_image img;
	char *p, *cause = NULL;
	size_t i;

	for (i = 0; i < nitems(names); i++) {
		make_badge(names[i], "W1-K7QF-42-8XJ2M4PQ9RTA", (int)i);
		p = tmp(names[i]);
		assert_int_equal(scan_file_load(p, &img, NULL), 0);
		assert_int_equal(img.width, 320);
		assert_int_equal(img.height, 240);
		scan_file_image_free(&img);
		free(p);
	}
	/* Damaged, truncated, foreign and missing files say so. */
	write_bytes("bad.png", "\x89PNG\r\n\x1a\nrubbish", 15);
	write_bytes("bad.jpg", "\xff\xd8\xff\xe0rubbish", 11);
	write_bytes("short.pgm", "P5\n10 10\n255\nabc", 16);
	write_bytes("huge.pgm", "P5\n100000 100000\n255\n", 21);
	write_bytes("text.txt", "hello", 5);
	write_bytes("p5.pgm", "P5 # c\n2 1 65535 \x01\x00\xff\xff", 21);
	p = tmp("p5.pgm");
	assert_int_equal(scan_file_load(p, &img, NULL), 0);
	assert_int_equal(img.luma[0], 1);
	assert_int_equal(img.luma[1], 255);
	scan_file_image_free(&img);
	free(p);
	{
		static const char *bad[] = {"bad.png",  "bad.jpg",  "short.pgm",
		                            "huge.pgm", "text.txt", "absent.png"};
		for (i = 0; i < nitems(bad); i++) {
			p = tmp(bad[i]);
			assert_int_equal(scan_file_load(p, &img, &cause), -1);
			assert_non_null(cause);
			assert_null(img.luma);
			free(cause);
			cause = NULL;
			free(p);
		}
	}
}

static void
test_file_list(void **state)
{
	char *dir = tmp("frames"), *p, **paths, *cause = NULL;
	size_t n;

	mkdir(dir, 0755);
	make_badge("frames/02.png", "B", 0);
	make_badge("frames/01.jpg", "A", 1);
	make_badge("frames/03.PGM", NULL, 2);
	write_bytes("frames/notes.txt", "x", 1);
	assert_int_equal(scan_file_list(dir, &paths, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_non_null(strstr(paths[0], "01.jpg"));
	assert_non_null(strstr(paths[2], "03.PGM"));
	scan_file_list_free(paths, n);
	p = tmp("frames/02.png");
	assert_int_equal(scan_file_list(p, &paths, &n, NULL), 0);
	assert_int_equal(n, 1);
	scan_file_list_free(paths, n);
	free(p);
	p = tmp("nothing-here");
	assert_int_equal(scan_file_list(p, &paths, &n, &cause), -1);
	free(cause);
	free(p);
	free(dir);
}

/* ---- watctl decode ------------------------------------------------------- */

/* Runs scan_cli_decode with stdout captured. */
static int
cli(char **out, int argc, char **argv)
{
	char *p = tmp("cli.out");
	int saved, fd, rc;
	size_t len;

	fflush(stdout);
	saved = dup(1);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 1);
	close(fd);
	{
		struct cli_cmd_ctx c = {NULL, NULL, "watctl", NULL};

		/* argv[0] is the command's name, as watctl gives it */
		rc = cli_cmd_exec(&scan_cli_decode_entry, &c, argc - 1, argv + 1);
	}
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	assert_int_equal(util_read_file(p, 1 << 20, out, &len, NULL), 0);
	free(p);
	return rc;
}

static void
test_cli_escape(void **state)
{
	struct strbuf b = STRBUF_INIT;
	const char in[] = "a\\b|c\td\ne\rf";
	char *s;

	scan_cli_escape(&b, in, sizeof in - 1);
	s = strbuf_take(&b);
	assert_string_equal(s, "a\\\\b\\|c\\td\\ne\\rf");
	free(s);
}

static void
test_cli_decode(void **state)
{
	char *one = tmp("one.png"), *two = tmp("two.png"), *none = tmp("none.pgm"),
	     *esc = tmp("esc.jpg"), *missing = tmp("missing.png"), *out = NULL;
	char *argv[6] = {"decode", one, none, esc, two, NULL};
	struct scan_image a, b, frame;
	struct scan_synth_place pa = {90, 120, 140, 0, 0}, pb = {250, 120, 140, 0, 0};
	char *expect;

	make_badge("one.png", "W1-K7QF-42-8XJ2M4PQ9RTA", 0);
	make_badge("none.pgm", NULL, 2);
	make_badge("esc.jpg", "a|b\\c\td", 1);
	scan_synth_frame(&frame, 340, 240, 1);
	assert_int_equal(scan_synth_qr("W1-AAAA-1-X", 3, &a, NULL), 0);
	assert_int_equal(scan_synth_qr("W1-BBBB-2-Y", 3, &b, NULL), 0);
	scan_synth_put(&frame, &a, &pa);
	scan_synth_put(&frame, &b, &pb);
	assert_int_equal(scan_synth_write_png(&frame, two, NULL), 0);
	scan_file_image_free(&frame);
	scan_file_image_free(&a);
	scan_file_image_free(&b);

	assert_int_equal(cli(&out, 5, argv), 0);
	expect =
	    xasprintf("%s\tW1-K7QF-42-8XJ2M4PQ9RTA\n%s\t\n%s\ta\\|b\\\\c\\td\n", one, none, esc);
	assert_int_equal(strncmp(out, expect, strlen(expect)), 0);
	/* Two codes, in either order. */
	assert_true(strstr(out, "\tW1-AAAA-1-X|W1-BBBB-2-Y\n") != NULL ||
	            strstr(out, "\tW1-BBBB-2-Y|W1-AAAA-1-X\n") != NULL);
	free(expect);
	free(out);
	/* A picture that cannot be loaded: the others are still read, exit 2. */
	argv[1] = missing;
	argv[2] = one;
	assert_int_equal(cli(&out, 3, argv), 2);
	expect = xasprintf("%s\tW1-K7QF-42-8XJ2M4PQ9RTA\n", one);
	assert_string_equal(out, expect);
	free(expect);
	free(out);
	assert_int_equal(cli(&out, 1, argv), 1);
	free(out);
	free(one);
	free(two);
	free(none);
	free(esc);
	free(missing);
}

/* ---- the scanning threads ----------------------------------------------- */

/* Waits up to ms for a result. */
static int
wait_result(struct scan *s, struct scan_result *r, int ms)
{
	struct pollfd p = {scan_fd(s), POLLIN, 0};
	int waited = 0;

	for (;;) {
		if (scan_poll(s, r))
			return 1;
		if (waited >= ms)
			return 0;
		poll(&p, 1, 20);
		waited += 20;
	}
}

static int
wait_state(struct scan *s, int camera, enum scan_device_state want, int ms)
{
	struct scan_status st;
	int waited;

	for (waited = 0; waited <= ms; waited += 10) {
		scan_status(s, &st);
		if ((camera ? st.camera : st.wedge) == want)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* Waits until the decoder has seen more than n frames. */
static int
wait_decoded(struct scan *s, uint64_t n, int ms)
{
	struct scan_status st;
	int waited;

	for (waited = 0; waited <= ms; waited += 5) {
		scan_status(s, &st);
		if (st.frames_decoded > n)
			return 1;
		usleep(5000);
	}
	return 0;
}

static void
test_scan_files(void **state)
{
	struct scan_config cfg = {0};
	struct scan_result r;
	struct scan_status st;
	struct scan *s;
	char *dir = tmp("play"), *cause = NULL;

	mkdir(dir, 0755);
	/* A, A again (one sighting), nothing, B. */
	make_badge("play/1.png", "W1-AAAA-1-X", 0);
	make_badge("play/2.png", "W1-AAAA-1-X", 0);
	make_badge("play/3.pgm", NULL, 2);
	make_badge("play/4.jpg", "W1-BBBB-2-Y", 1);
	cfg.frames = dir;
	cfg.frames_fps = 20;
	s = scan_new(&cfg, &cause);
	assert_non_null(s);
	assert_int_equal(wait_result(s, &r, 5000), 1);
	assert_string_equal(r.text, "W1-AAAA-1-X");
	assert_int_equal(r.origin, SCAN_FROM_FILES);
	assert_true(r.captured.mono_ms > 0 && r.queued.mono_ms >= r.captured.mono_ms);
	assert_int_equal(r.frame_width, 320);
	assert_int_equal(wait_result(s, &r, 5000), 1);
	assert_string_equal(r.text, "W1-BBBB-2-Y");
	assert_int_equal(wait_result(s, &r, 300), 0);
	scan_status(s, &st);
	assert_int_equal(st.camera, SCAN_CAMERA_OK);
	assert_int_equal(st.codes, 2);
	assert_true(st.frames_decoded >= 1);
	scan_free(s);
	/* Frames that do not exist are a configuration error. */
	cfg.frames = "/nonexistent/frames";
	assert_null(scan_new(&cfg, &cause));
	assert_non_null(cause);
	free(cause);
	free(dir);
}

static void
push_badge(struct scan *s, const char *text, unsigned seed)
{
	struct scan_image qr, frame;
	struct scan_synth_place at = {320, 240, 200, 10, 0};

	scan_synth_frame(&frame, 640, 480, seed);
	if (text != NULL) {
		assert_int_equal(scan_synth_qr(text, 4, &qr, NULL), 0);
		scan_synth_put(&frame, &qr, &at);
		scan_file_image_free(&qr);
	}
	scan_push_frame(s, frame.luma, frame.width, frame.height, frame.width, NULL);
	scan_file_image_free(&frame);
}

static void
test_scan_push(void **state)
{
	struct scan_config cfg = {0};
	struct scan_result r;
	struct scan_status st;
	struct scan *s;
	int i;

	cfg.hold_ms = 200;
	s = scan_new(&cfg, NULL);
	assert_non_null(s);
	scan_status(s, &st);
	assert_int_equal(st.camera, SCAN_CAMERA_OFF);
	assert_int_equal(st.wedge, SCAN_DEVICE_OFF);
	assert_int_equal(scan_poll(s, &r), 0);
	push_badge(s, "W1-CCCC-3-Z", 1);
	assert_int_equal(wait_result(s, &r, 3000), 1);
	assert_string_equal(r.text, "W1-CCCC-3-Z");
	assert_int_equal(r.origin, SCAN_FROM_PUSH);
	/* Held in front of the camera: the same code again is not news. */
	for (i = 0; i < 3; i++) {
		push_badge(s, "W1-CCCC-3-Z", (unsigned)i + 2);
		usleep(20000);
	}
	assert_int_equal(wait_result(s, &r, 200), 0);
	/* Taken away, shown again after the hold-off: delivered again. */
	usleep(250000);
	scan_status(s, &st);
	push_badge(s, NULL, 9);
	assert_true(wait_decoded(s, st.frames_decoded, 3000));
	push_badge(s, "W1-CCCC-3-Z", 10);
	assert_int_equal(wait_result(s, &r, 3000), 1);
	assert_string_equal(r.text, "W1-CCCC-3-Z");
	scan_free(s);
}

/* The home screen's chip: a station with a scanner and no camera (or the
 * reverse) shows nothing; a source that went away always shows. */
static void
test_status_chip(void **state)
{
	struct scan_status st;

	(void)state;
	memset(&st, 0, sizeof st);
	assert_null(scan_status_chip(&st)); /* nothing configured: nothing to say */
	st.camera = SCAN_DEVICE_MISSING;
	st.wedge = SCAN_DEVICE_OK;
	assert_null(scan_status_chip(&st));
	st.camera = SCAN_DEVICE_OK;
	st.wedge = SCAN_DEVICE_MISSING;
	assert_null(scan_status_chip(&st));
	st.camera = SCAN_DEVICE_MISSING;
	assert_string_equal(scan_status_chip(&st), "No scanner or camera");
	st.camera = SCAN_DEVICE_OFF;
	assert_string_equal(scan_status_chip(&st), "Scanner missing");
	st.camera = SCAN_DEVICE_MISSING;
	st.wedge = SCAN_DEVICE_OFF;
	assert_string_equal(scan_status_chip(&st), "Camera missing");
	st.camera = SCAN_DEVICE_OK;
	st.wedge = SCAN_DEVICE_DISCONNECTED;
	assert_string_equal(scan_status_chip(&st), "Scanner unplugged");
	st.camera = SCAN_DEVICE_FAILED;
	assert_string_equal(scan_status_chip(&st), "Camera not working");
	st.camera = SCAN_DEVICE_DISCONNECTED;
	st.wedge = SCAN_DEVICE_OK;
	assert_string_equal(scan_status_chip(&st), "Camera unplugged");
}

static void
test_scan_missing_devices(void **state)
{
	struct scan_config cfg = {0};
	struct scan_status st;
	struct scan *s;

	cfg.camera = "/nonexistent/video7";
	cfg.wedge = "/dev/input/by-id/nonexistent-event-kbd";
	s = scan_new(&cfg, NULL);
	assert_non_null(s);
	assert_true(wait_state(s, 1, SCAN_CAMERA_MISSING, 2000));
	assert_true(wait_state(s, 0, SCAN_DEVICE_MISSING, 2000));
	scan_status(s, &st);
	assert_non_null(strstr(st.camera_what, "video7"));
	assert_true(strlen(scan_camera_text(st.camera)) > 10);
	assert_true(strlen(scan_wedge_text(st.wedge)) > 10);
	scan_free(s);
	/* Present but not a camera: unusable, and said so. */
	cfg.camera = "/dev/null";
	cfg.wedge = NULL;
	s = scan_new(&cfg, NULL);
	assert_true(wait_state(s, 1, SCAN_CAMERA_FAILED, 2000));
	scan_status(s, &st);
	assert_non_null(strstr(st.camera_what, "not a camera"));
	scan_free(s);
	/* "auto" with no camera on this machine. */
	if (access("/dev/video0", F_OK) != 0) {
		char *cause = NULL;
		assert_null(scan_v4l2_open(NULL, 0, 0, 0, &cause));
		assert_non_null(cause);
		free(cause);
		cfg.camera = "auto";
		cfg.wedge = NULL;
		s = scan_new(&cfg, NULL);
		assert_true(wait_state(s, 1, SCAN_CAMERA_MISSING, 2000));
		scan_free(s);
	}
}

static void
fifo_type(int fd, const char *text, long long *ms)
{
	struct rec r = {0};

	r.ms = *ms;
	rec_type(&r, text, 3, 1);
	assert_int_equal(write(fd, r.ev, r.n * sizeof *r.ev), (ssize_t)(r.n * sizeof *r.ev));
	*ms = r.ms;
	free(r.ev);
}

/* A FIFO of input_events stands in for the scanner; closing it is an unplug. */
static void
test_scan_wedge_fifo(void **state)
{
	struct scan_config cfg = {0};
	struct scan_result r;
	struct scan *s;
	char *fifo = tmp("kbd");
	long long ms = 1000;
	int fd;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	cfg.wedge = fifo;
	cfg.wedge_nograb = 1;
	s = scan_new(&cfg, NULL);
	assert_true(wait_state(s, 0, SCAN_DEVICE_OK, 3000));
	fd = open(fifo, O_WRONLY);
	assert_true(fd >= 0);
	fifo_type(fd, "W1-K7QF-42-8XJ2M4PQ9RTA", &ms);
	assert_int_equal(wait_result(s, &r, 3000), 1);
	assert_string_equal(r.text, "W1-K7QF-42-8XJ2M4PQ9RTA");
	assert_int_equal(r.origin, SCAN_FROM_WEDGE);
	/* The same badge twice is delivered twice: a scanner's trigger is deliberate. */
	fifo_type(fd, "W1-K7QF-42-8XJ2M4PQ9RTA", &ms);
	assert_int_equal(wait_result(s, &r, 3000), 1);
	/* Unplugged, with half a code typed... */
	{
		struct rec half = {0};
		half.ms = ms;
		rec_type(&half, "W1-ZZ", 3, 0);
		assert_true(write(fd, half.ev, half.n * sizeof *half.ev) > 0);
		free(half.ev);
	}
	close(fd);
	assert_true(wait_state(s, 0, SCAN_DEVICE_DISCONNECTED, 3000));
	/* ...and plugged back: found again, the half code forgotten. */
	fd = open(fifo, O_WRONLY);
	assert_true(fd >= 0);
	assert_true(wait_state(s, 0, SCAN_DEVICE_OK, 3000));
	ms += 5;
	fifo_type(fd, "W1-QQQQ-5-R", &ms);
	assert_int_equal(wait_result(s, &r, 3000), 1);
	assert_string_equal(r.text, "W1-QQQQ-5-R");
	close(fd);
	scan_free(s);
	unlink(fifo);
	free(fifo);
}

static void
test_evdev_find(void **state)
{
	char *dir = tmp("by-id"), *p, buf[512];

	mkdir(dir, 0755);
	assert_int_equal(scan_evdev_find(dir, buf, sizeof buf), -1);
	p = tmp("by-id/usb-Logitech_USB_Keyboard-event-kbd");
	write_bytes("by-id/usb-Logitech_USB_Keyboard-event-kbd", "", 0);
	/* A plain keyboard is never taken. */
	assert_int_equal(scan_evdev_find(dir, buf, sizeof buf), -1);
	write_bytes("by-id/usb-SM_SM-2D_PRODUCT_HID_KBW_APP-000000000-event-kbd", "", 0);
	write_bytes("by-id/usb-Honeywell_Imaging_Barcode_Scanner-if01-event-mouse", "", 0);
	assert_int_equal(scan_evdev_find(dir, buf, sizeof buf), 0);
	assert_non_null(strstr(buf, "KBW"));
	assert_true(scan_evdev_is_scanner("usb-NETUM_2D_Barcode_Scanner-event-kbd"));
	assert_false(scan_evdev_is_scanner("usb-Dell_KB216-event-kbd"));
	free(p);
	free(dir);
}

/* A virtual keyboard through /dev/uinput, read by the real evdev path. */
static void
test_uinput(void **state)
{
	struct uinput_setup us;
	struct scan_config cfg = {0};
	struct scan_result r;
	struct scan *s = NULL;
	struct input_event ev;
	char sys[64], path[128];
	const char *text = "W1-K7QF-42-8XJ2M4PQ9RTA";
	int fd, i, shift, code;

	if (access("/dev/uinput", W_OK) != 0) {
		print_message("no writable /dev/uinput on this machine: uinput test skipped\n");
		skip();
		return;
	}
	fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	ioctl(fd, UI_SET_EVBIT, EV_KEY);
	for (i = 1; i < 128; i++)
		ioctl(fd, UI_SET_KEYBIT, i);
	memset(&us, 0, sizeof us);
	us.id.bustype = BUS_USB;
	us.id.vendor = 0x1234;
	us.id.product = 0x5678;
	snprintf(us.name, sizeof us.name, "WAT test barcode scanner");
	assert_int_equal(ioctl(fd, UI_DEV_SETUP, &us), 0);
	assert_int_equal(ioctl(fd, UI_DEV_CREATE), 0);
	assert_true(ioctl(fd, UI_GET_SYSNAME(sizeof sys), sys) >= 0);
	/* Its event node is /sys/devices/virtual/input/<sys>/eventN. */
	path[0] = '\0';
	for (i = 0; i < 256 && path[0] == '\0'; i++) {
		char *node = xasprintf("/sys/devices/virtual/input/%s/event%d", sys, i);
		if (access(node, F_OK) == 0)
			snprintf(path, sizeof path, "/dev/input/event%d", i);
		free(node);
	}
	assert_true(path[0] != '\0');
	usleep(200000); /* udev makes the node */
	cfg.wedge = path;
	s = scan_new(&cfg, NULL);
	assert_true(wait_state(s, 0, SCAN_DEVICE_OK, 3000));
	for (; *text != '\0'; text++) {
		code = key_for(*text, &shift);
		memset(&ev, 0, sizeof ev);
		ev.type = EV_KEY;
		if (shift) {
			ev.code = KEY_LEFTSHIFT;
			ev.value = 1;
			assert_true(write(fd, &ev, sizeof ev) == sizeof ev);
		}
		ev.code = (unsigned short)code;
		ev.value = 1;
		assert_true(write(fd, &ev, sizeof ev) == sizeof ev);
		ev.value = 0;
		assert_true(write(fd, &ev, sizeof ev) == sizeof ev);
		if (shift) {
			ev.code = KEY_LEFTSHIFT;
			assert_true(write(fd, &ev, sizeof ev) == sizeof ev);
		}
		ev.type = EV_SYN;
		ev.code = SYN_REPORT;
		assert_true(write(fd, &ev, sizeof ev) == sizeof ev);
	}
	memset(&ev, 0, sizeof ev);
	ev.type = EV_KEY;
	ev.code = KEY_ENTER;
	ev.value = 1;
	assert_true(write(fd, &ev, sizeof ev) == sizeof ev);
	ev.value = 0;
	assert_true(write(fd, &ev, sizeof ev) == sizeof ev);
	ev.type = EV_SYN;
	ev.code = SYN_REPORT;
	assert_true(write(fd, &ev, sizeof ev) == sizeof ev);
	assert_int_equal(wait_result(s, &r, 3000), 1);
	assert_string_equal(r.text, "W1-K7QF-42-8XJ2M4PQ9RTA");
	/* Destroying the device is an unplug. */
	ioctl(fd, UI_DEV_DESTROY);
	close(fd);
	assert_true(wait_state(s, 0, SCAN_DEVICE_DISCONNECTED, 3000));
	scan_free(s);
}

static int
setup(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_scan.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wedge_badge),     cmocka_unit_test(test_wedge_shift_and_symbols),
	    cmocka_unit_test(test_wedge_timeout),   cmocka_unit_test(test_wedge_garbage),
	    cmocka_unit_test(test_wedge_long),      cmocka_unit_test(test_keys_burst),
	    cmocka_unit_test(test_load_formats),    cmocka_unit_test(test_file_list),
	    cmocka_unit_test(test_cli_escape),      cmocka_unit_test(test_cli_decode),
	    cmocka_unit_test(test_scan_files),      cmocka_unit_test(test_scan_push),
	    cmocka_unit_test(test_status_chip),     cmocka_unit_test(test_scan_missing_devices),
	    cmocka_unit_test(test_scan_wedge_fifo), cmocka_unit_test(test_evdev_find),
	    cmocka_unit_test(test_uinput),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
