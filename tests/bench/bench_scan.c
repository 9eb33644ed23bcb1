/* bench_scan.c — decode time per frame (median, p95) at 640x480 and 1280x720,
 * with a badge and without (most camera frames hold none), and the time from
 * a frame's arrival to its code being delivered through the scanning thread.
 * One JSON line per figure. */
#include "scan.h"
#include "scan_decode.h"
#include "scan_synth.h"
#include "util.h"

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

/* cpu may be NULL (times spent in other threads). */
static void
report(const char *name, double *t, double *cpu, int n, int ok, int total)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("{\"bench\":\"%s\",\"median_ms\":%.3f,\"p95_ms\":%.3f", name, t[n / 2],
	       t[(n * 95) / 100]);
	if (cpu != NULL) {
		qsort(cpu, (size_t)n, sizeof *cpu, cmp_double);
		printf(",\"cpu_median_ms\":%.3f", cpu[n / 2]);
	}
	printf(",\"frames\":%d,\"read\":%d,\"expected\":%d}\n", n, ok, total);
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

static void
bench_decode(const char *name, int w, int h, int with_code, int invert, double noise, int runs)
{
	struct scan_decode_options o = {invert, 1, 8};
	struct scan_decoder *d = scan_decode_new(&o);
	struct scan_image f[FRAMES];
	struct scan_codes codes = SCAN_CODES_INIT;
	double *t = xcalloc((size_t)runs, sizeof *t), *cpu = xcalloc((size_t)runs, sizeof *cpu), t0,
	       c0;
	int i, ok = 0;

	for (i = 0; i < FRAMES; i++)
		make_frame(&f[i], w, h, i, with_code ? "W1-K7QF-42-8XJ2M4PQ9RTA" : NULL, noise);
	for (i = 0; i < runs; i++) {
		struct scan_image *fr = &f[i % FRAMES];
		t0 = now_ms();
		c0 = cpu_ms();
		if (scan_decode_luma(d, fr->luma, fr->width, fr->height, fr->width, &codes, NULL) ==
		    1)
			ok++;
		t[i] = now_ms() - t0;
		cpu[i] = cpu_ms() - c0;
		scan_codes_free(&codes);
	}
	report(name, t, cpu, runs, ok, with_code ? runs : 0);
	for (i = 0; i < FRAMES; i++)
		scan_file_image_free(&f[i]);
	free(cpu);
	free(t);
	scan_decode_free(d);
}

/* scan_push_frame() to scan_poll() returning the code, through the threads. */
static void
bench_latency(int runs)
{
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
	report("frame_to_code_640x480", t, NULL, runs, ok, runs);
	free(t);
	scan_free(s);
}

int
main(void)
{
	/* Empty frames: with the inverted pass (watctl decode, every 3rd camera
	 * frame) and without (the other camera frames). */
	bench_decode("decode_640x480", 640, 480, 1, 1, 3, 300);
	bench_decode("decode_640x480_empty", 640, 480, 0, 1, 3, 300);
	bench_decode("decode_640x480_empty_noinvert", 640, 480, 0, 0, 3, 300);
	bench_decode("decode_640x480_dim", 640, 480, 1, 1, 8, 300);
	bench_decode("decode_1280x720", 1280, 720, 1, 1, 3, 150);
	bench_decode("decode_1280x720_empty", 1280, 720, 0, 1, 3, 150);
	bench_decode("decode_1280x720_empty_noinvert", 1280, 720, 0, 0, 3, 150);
	bench_latency(100);
	return 0;
}
