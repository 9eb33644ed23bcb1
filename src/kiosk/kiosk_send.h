/* kiosk_send.h — the kiosk's side of "Send to HQ" (send.h): the kiosk has
 * no network and no libcurl; it asks the wat-send service through the
 * outbox folder beside the ledger, and records HQ's answer that wat-send
 * leaves there as an "hq-receipt" entry (its worker owns the ledger).  A
 * thread of its own looks at the outbox every second and keeps the line the
 * coordinator's screen shows: "Sent to HQ Monday 09:14, receipt #12 ...",
 * "Not sent yet: ... — retrying every minute", "HQ refused export 2: ...". */
#ifndef WAT_KIOSK_SEND_H
#define WAT_KIOSK_SEND_H

#include <stddef.h>

#include "kiosk_worker.h"

struct kiosk_send;

/* How the sending looks now, for the screen. */
enum kiosk_send_mood {
	KIOSK_SEND_NONE,    /* nothing sent yet */
	KIOSK_SEND_BUSY,    /* asked, or retrying */
	KIOSK_SEND_OK,      /* HQ received it (or had it already) */
	KIOSK_SEND_HELD,    /* HQ keeps it for its staff */
	KIOSK_SEND_REFUSED, /* HQ said no, or the station cannot send */
};

/* wake(arg) when the line changes (from the thread). */
int kiosk_send_start(struct kiosk_worker *w, const char *db_path, void (*wake)(void *), void *arg,
                     struct kiosk_send **out, char **cause);
/* Stops the thread (before the worker is stopped). */
void kiosk_send_stop(struct kiosk_send *s);
/* Sends the last export: the request is written by the thread. */
void kiosk_send_ask(struct kiosk_send *s);
/* The line to show (copied into line), its mood, and whether wat-send runs
 * (it marks the outbox every few seconds: no network set up, no service). */
enum kiosk_send_mood kiosk_send_view(struct kiosk_send *s, char *line, size_t len, int *service);
/* The same status in a few words, for the coordinator's menu: "Sent to HQ
 * Monday 09:14", "Not sent to HQ yet", "Sending to HQ…", "HQ refused
 * export 2". */
enum kiosk_send_mood kiosk_send_brief(struct kiosk_send *s, char *line, size_t len);
/* 1 and why in people's words ("This station has no HQ address yet: ...")
 * when the station cannot send at all (no charter from HQ), 0 and "" when
 * it can: the screen says so before a press. */
int kiosk_send_blocked(struct kiosk_send *s, char *why, size_t len);

#endif
