/* What the kiosk's benches share: running its loop until it is idle, and
 * timing frames of a screen beside the floor frame. */
#ifndef WAT_BENCH_KIOSK_H
#define WAT_BENCH_KIOSK_H

#include <stdio.h>
#include <stdlib.h>

#include "kiosk_loop.h"
#include "screens.h"
#include "ui.h"

#include "bench.h"

/* Runs the loop until the worker has nothing pending and the frame is drawn. */
static void
bench_kiosk_settle(struct kiosk *k)
{
	struct ui_event ev;

	for (int i = 0; i < 100000; i++) {
		if (ui_poll(k->ui, kiosk_worker_pending(k->w) > 0 ? 5 : 0, &ev))
			kiosk_handle(k, &ev);
		kiosk_dispatch(k);
		if (ui_dirty(k->ui))
			kiosk_frame(k);
		else if (kiosk_worker_pending(k->w) == 0 && k->screen != SCREEN_OPENING)
			return;
	}
	bench_die("settle", "the kiosk did not settle");
}

/* n frames of the screen shown, each after a floor frame (the renderer
 * cleared and presented, nothing drawn: the least any frame costs),
 * alternately; printed as figure name with more (",\"key\":value...") in
 * its JSON line. */
static void
bench_kiosk_frames(struct kiosk *k, int n, const char *name, const char *more)
{
	double *t = calloc((size_t)n, sizeof *t), *ft = calloc((size_t)n, sizeof *ft), t0;
	char extra[300];

	if (t == NULL || ft == NULL)
		bench_die("frames", NULL);
	for (int i = 0; i < n; i++) {
		t0 = bench_now_ms();
		ui_begin(k->ui);
		ui_end(k->ui);
		ft[i] = bench_now_ms() - t0;
		ui_invalidate(k->ui);
		kiosk_frame(k);
		t[i] = k->frame_us / 1000.0;
	}
	snprintf(extra, sizeof extra,
	         ",\"n\":%d,\"p50_ms\":%.3f,\"peer_p50_ms\":%.3f,\"max_ms\":%.3f,"
	         "\"target_p99_ms\":4%s",
	         n, bench_pct(t, (size_t)n, 0.5), bench_pct(ft, (size_t)n, 0.5),
	         bench_pct(t, (size_t)n, 1.0), more);
	bench_pair(name, "p99", bench_pct(t, (size_t)n, 0.99),
	           "an empty frame: clear and present, same renderer",
	           bench_pct(ft, (size_t)n, 0.99), 0, extra);
	free(ft);
	free(t);
}

#endif
