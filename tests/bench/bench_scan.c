/* bench_scan.c — decode time per frame (median, p95, mean) at 640x480 and
 * 1280x720, with a badge and without (most camera frames hold none), in the
 * camera's schedule of light-on-dark passes and as watctl decode reads a
 * picture, each beside the plain pass on the same frames in the same run, and
 * with "before_*" the same mode without the pre-check (zxing on every frame);
 * real photos without a code (the corpus's), with and without the pre-check;
 * and the time from a frame's arrival to its code being delivered through the
 * scanning thread, beside the decode alone.  One JSON line per figure. */
#include "scan.h"
#include "scan_decode.h"
#include "scan_synth.h"
#include "util.h"

#include "bench.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAMES 12 /* distinct frames, cycled */

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* This thread's CPU time: on a loaded machine, what the decode itself costs. */
static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A camera-like frame: a badge at a slight angle, soft focus, sensor noise
 * (sigma 3 in good light; 8 in dim light, where the binarizer sees speckle
 * everywhere and decoding costs about three times as much). */
static void
make_frame(struct scan_image *f, int w, int h, int i, const char *text, double noise)
{
	struct scan_image qr;
	struct scan_synth_place at = {w / 2.0 + (i % 5) * 10, h / 2.0, h * 0.45, (i * 7) % 40 - 20,
	                              (i % 3) * 0.1};

	scan_synth_frame(f, w, h, (unsigned)i);
	if (text != NULL) {
		if (scan_synth_qr(text, 4, &qr, NULL) != 0)
			exit(1);
		scan_synth_put(f, &qr, &at);
		scan_file_image_free(&qr);
	}
	scan_synth_blur(f, 1);
	scan_synth_noise(f, noise, (unsigned)i);
}

enum bench_mode {
	MODE_PLAIN,  /* no light-on-dark search: the floor */
	MODE_FILE,   /* a full-resolution inverted pass whenever nothing was read (watctl decode) */
	MODE_CAMERA, /* the camera's schedule (scan_invert_full) */
};

struct bench_stats {
	double median, p95, mean, cpu_median;
	int read;
};

/* The decoder for frame index in mode m; pre: with the pre-check (else the
 * decoders of before it, ds[3..5]). */
static struct scan_decoder *
bench_decoder(enum bench_mode m, uint64_t index, int pre, struct scan_decoder *const ds[6])
{
	struct scan_decoder *const *d = pre ? ds : ds + 3;

	if (m == MODE_PLAIN)
		return d[0];
	if (m == MODE_FILE)
		return d[1];
	return scan_invert_full(index) ? d[1] : d[2];
}

static void
bench_stats(double *t, double *cpu, int n, int ok, struct bench_stats *st)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += t[i];
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	qsort(cpu, (size_t)n, sizeof *cpu, cmp_double);
	st->median = t[n / 2];
	st->p95 = t[(n * 95) / 100];
	st->mean = sum / n;
	st->cpu_median = cpu[n / 2];
	st->read = ok;
}

/* Frames decoded in mode m, in the peer mode, and in mode m without the
 * pre-check (before it: what zxing alone costs), in turn on the same frames
 * (so all see the same load); one JSON line with all three.  peer_pre: the
 * peer with the pre-check (else without it: the peer is "before"). */
static void
bench_frames(const char *name, struct scan_image *f, int nf, int with_code, int runs,
             enum bench_mode m, enum bench_mode peer, int peer_pre, double target_ms)
{
	static const char *const what[] = {
	    "the plain pass (no light-on-dark search)",
	    "a full-resolution inverted pass on every frame without a code",
	    "the camera's schedule"};
	struct scan_decode_options o[6] = {{0, 1, 8, 0, 0}, {1, 1, 8, 0, 0}, {1, 1, 8, 1, 0},
	                                   {0, 1, 8, 0, 1}, {1, 1, 8, 0, 1}, {1, 1, 8, 1, 1}};
	struct scan_decoder *ds[6];
	struct scan_codes codes = SCAN_CODES_INIT;
	double *t[3], *cpu[3], t0, c0;
	enum bench_mode modes[3] = {m, peer, m};
	int pre[3] = {1, peer_pre, 0};
	struct bench_stats st[3];
	int i, k, ok[3] = {0, 0, 0};
	char extra[700], target[40] = "", peer_name[120];

	for (k = 0; k < 6; k++)
		ds[k] = scan_decode_new(&o[k]);
	for (k = 0; k < 3; k++) {
		t[k] = xcalloc((size_t)runs, sizeof *t[k]);
		cpu[k] = xcalloc((size_t)runs, sizeof *cpu[k]);
	}
	for (i = 0; i < runs; i++) {
		struct scan_image *fr = &f[i % nf];
		for (k = 0; k < 3; k++) {
			struct scan_decoder *d = bench_decoder(modes[k], (uint64_t)i, pre[k], ds);
			t0 = now_ms();
			c0 = cpu_ms();
			if (scan_decode_luma(d, fr->luma, fr->width, fr->height, fr->width, &codes,
			                     NULL) == 1)
				ok[k]++;
			t[k][i] = now_ms() - t0;
			cpu[k][i] = cpu_ms() - c0;
			scan_codes_free(&codes);
		}
	}
	for (k = 0; k < 3; k++)
		bench_stats(t[k], cpu[k], runs, ok[k], &st[k]);
	if (target_ms > 0)
		snprintf(target, sizeof target, ",\"target_ms\":%.1f", target_ms);
	snprintf(extra, sizeof extra,
	         ",\"mode\":\"%s\",\"p95_ms\":%.3f,\"mean_ms\":%.3f,\"cpu_median_ms\":%.3f,"
	         "\"peer_p95_ms\":%.3f,\"peer_mean_ms\":%.3f,\"frames\":%d,\"read\":%d,"
	         "\"peer_read\":%d,\"expected\":%d,\"before_median_ms\":%.3f,"
	         "\"before_p95_ms\":%.3f,\"before_mean_ms\":%.3f,\"before_read\":%d%s",
	         what[m], st[0].p95, st[0].mean, st[0].cpu_median, st[1].p95, st[1].mean, runs,
	         st[0].read, st[1].read, with_code ? runs : 0, st[2].median, st[2].p95, st[2].mean,
	         st[2].read, target);
	snprintf(peer_name, sizeof peer_name, "%s%s", what[peer],
	         peer_pre ? "" : ", without the pre-check");
	bench_pair(name, "median", st[0].median, peer_name, st[1].median, 0, extra);
	for (k = 0; k < 3; k++) {
		free(cpu[k]);
		free(t[k]);
	}
	for (k = 0; k < 6; k++)
		scan_decode_free(ds[k]);
}

/* Synthetic camera frames (see make_frame), decoded as bench_frames does. */
static void
bench_decode(const char *name, int w, int h, int with_code, int dark, double noise, int runs,
             enum bench_mode m, enum bench_mode peer, double target_ms)
{
	struct scan_image f[FRAMES];
	int i;

	for (i = 0; i < FRAMES; i++) {
		make_frame(&f[i], w, h, i, with_code ? "W1-K7QF-42-8XJ2M4PQ9RTA" : NULL, noise);
		if (dark)
			for (size_t p = 0; p < (size_t)w * (size_t)h; p++)
				f[i].luma[p] = (uint8_t)(255 - f[i].luma[p]);
	}
	bench_frames(name, f, FRAMES, with_code, runs, m, peer, 1, target_ms);
	for (i = 0; i < FRAMES; i++)
		scan_file_image_free(&f[i]);
}

/* Real scenes without a code: the corpus's 640x480 photos in
 * falsepositives-1 (skipped when the corpus is absent), in the camera's
 * schedule, beside the same without the pre-check: what it costs where it
 * has to call zxing after all. */
static void
bench_photos(int runs)
{
	const char *repo = getenv("REPO");
	char *dir = xasprintf("%s/../shared/corpus/zxing-cpp-v2.3.0/falsepositives-1",
	                      repo != NULL ? repo : ".");
	struct scan_image f[32];
	char **paths = NULL, *cause = NULL;
	size_t n = 0, i;
	int nf = 0;

	if (scan_file_list(dir, &paths, &n, &cause) != 0) {
		fprintf(stderr, "bench_scan: no corpus (%s): decode_640x480_photos skipped\n", dir);
		free(cause);
		free(dir);
		return;
	}
	for (i = 0; i < n && nf < 32; i++) {
		if (scan_file_load(paths[i], &f[nf], NULL) != 0)
			continue;
		if (f[nf].width == 640 && f[nf].height == 480)
			nf++;
		else
			scan_file_image_free(&f[nf]);
	}
	if (nf > 0)
		bench_frames("decode_640x480_photos", f, nf, 0, runs, MODE_CAMERA, MODE_CAMERA, 0,
		             0);
	for (i = 0; i < (size_t)nf; i++)
		scan_file_image_free(&f[i]);
	scan_file_list_free(paths, n);
	free(dir);
}

/* scan_push_frame() to scan_poll() returning the code, through the threads. */
static void
bench_latency(int runs)
{
	struct scan_decode_options o = {1, 1, 8, 1, 0};
	struct scan_decoder *d = scan_decode_new(&o);
	struct scan_codes codes = SCAN_CODES_INIT;
	double *dt = xcalloc((size_t)runs, sizeof *dt), t1;
	struct scan_config cfg = {0};
	struct scan_result r;
	struct scan *s;
	struct scan_image f;
	struct pollfd p;
	double *t = xcalloc((size_t)runs, sizeof *t), t0;
	char text[64];
	int i, ok = 0;

	if ((s = scan_new(&cfg, NULL)) == NULL)
		exit(1);
	p.fd = scan_fd(s);
	p.events = POLLIN;
	for (i = 0; i < runs; i++) {
		/* A new walker each time, so no frame is held off as a repeat. */
		snprintf(text, sizeof text, "W1-BNCH-%d-8XJ2M4PQ9RTA", i);
		make_frame(&f, 640, 480, i, text, 3);
		t1 = now_ms();
		scan_decode_luma(d, f.luma, f.width, f.height, f.width, &codes, NULL);
		dt[i] = now_ms() - t1;
		scan_codes_free(&codes);
		t0 = now_ms();
		scan_push_frame(s, f.luma, f.width, f.height, f.width, NULL);
		t[i] = -1;
		while (now_ms() - t0 < 1000) {
			if (scan_poll(s, &r)) {
				t[i] = now_ms() - t0;
				ok += strcmp(r.text, text) == 0;
				break;
			}
			poll(&p, 1, 100);
		}
		if (t[i] < 0)
			t[i] = 1000;
		scan_file_image_free(&f);
	}
	{
		char extra[200];
		qsort(t, (size_t)runs, sizeof *t, cmp_double);
		qsort(dt, (size_t)runs, sizeof *dt, cmp_double);
		snprintf(extra, sizeof extra,
		         ",\"p95_ms\":%.3f,\"frames\":%d,\"read\":%d,\"expected\":%d",
		         t[(runs * 95) / 100], runs, ok, runs);
		bench_pair("frame_to_code_640x480", "median", t[runs / 2],
		           "the decode alone, same frames", dt[runs / 2], 0, extra);
	}
	free(dt);
	free(t);
	scan_decode_free(d);
	scan_free(s);
}

int
main(void)
{
	bench_name = "bench_scan";
	/* Each figure beside the plain pass on the same frames: what looking
	 * for light-on-dark codes costs on top. */
	bench_decode("decode_640x480", 640, 480, 1, 0, 3, 300, MODE_CAMERA, MODE_PLAIN, 0.5);
	bench_decode("decode_640x480_empty", 640, 480, 0, 0, 3, 300, MODE_CAMERA, MODE_PLAIN, 1.0);
	bench_decode("decode_640x480_empty_file", 640, 480, 0, 0, 3, 300, MODE_FILE, MODE_PLAIN, 0);
	bench_decode("decode_640x480_dim", 640, 480, 1, 0, 8, 300, MODE_CAMERA, MODE_PLAIN, 0);
	bench_decode("decode_640x480_dark_mode", 640, 480, 1, 1, 3, 120, MODE_CAMERA, MODE_FILE, 0);
	bench_decode("decode_1280x720", 1280, 720, 1, 0, 3, 150, MODE_CAMERA, MODE_PLAIN, 0);
	bench_decode("decode_1280x720_empty", 1280, 720, 0, 0, 3, 150, MODE_CAMERA, MODE_PLAIN,
	             4.0);
	bench_decode("decode_1280x720_empty_file", 1280, 720, 0, 0, 3, 150, MODE_FILE, MODE_PLAIN,
	             0);
	bench_photos(22 * 10);
	bench_latency(100);
	return 0;
}
