/* kiosk_loop.h — the main loop's parts, shared by wat-kiosk, its script
 * mode and the benchmark (kiosk_loop.c). */
#ifndef WAT_KIOSK_LOOP_H
#define WAT_KIOSK_LOOP_H

#include "kiosk_app.h"

/* 1 while a print or an export is on its way (the loop polls; scripts wait). */
int kiosk_busy(struct kiosk *k);

void kiosk_init(struct kiosk *k, struct ui *u, struct kiosk_worker *w);
void kiosk_fini(struct kiosk *k);
/* Takes the worker's replies and hands each to its screen; returns how many. */
int kiosk_dispatch(struct kiosk *k);
/* Runs timeouts (result screen, coordinator lock, half-typed scans). */
void kiosk_tick(struct kiosk *k);
/* The walkers' display on the second window (k->display), when it changed
 * or once a second (its "lap 12!" comes and goes); nothing without one. */
void kiosk_display_frame(struct kiosk *k);
/* Draws it now (a struct kiosk *: ui_screenshot's callback). */
void kiosk_display_draw(void *arg);
/* Draws one frame of the current screen. */
void kiosk_frame(struct kiosk *k);
void kiosk_handle(struct kiosk *k, const struct ui_event *ev);
/* The worker's wake callback: arg is the struct ui. */
void kiosk_wake(void *arg);

#endif
