/* kiosk_sync.h — the kiosk's local socket for wat-sync (docs/SYNC.md "The
 * kiosk's socket"): a thread accepts wat-sync on a UNIX socket (mode 0600)
 * and turns each request into a call on the worker thread
 * (kiosk_worker_call), which stays the only owner of the ledger: this
 * station's entries to serve, other stations' batches to store (between the
 * screens' own requests), and wat-sync's reports for the Stations screen. */
#ifndef WAT_KIOSK_SYNC_H
#define WAT_KIOSK_SYNC_H

#include "kiosk_worker.h"

struct kiosk_sync;

int kiosk_sync_start(const char *path, struct kiosk_worker *w, struct kiosk_sync **out,
                     char **cause);
/* Stops the thread (before the worker is stopped) and removes the socket. */
void kiosk_sync_stop(struct kiosk_sync *s);

#endif
