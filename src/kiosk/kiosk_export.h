/* kiosk_export.h — the second half of "Export to USB stick" on its own
 * thread: the worker takes the snapshot (bundle_export_snapshot, where the
 * ledger is), then bundle_export_finish builds, signs, writes, reads back and
 * verifies the bundle here while the screen keeps drawing. */
#ifndef WAT_KIOSK_EXPORT_H
#define WAT_KIOSK_EXPORT_H

#include "bundle.h"

struct kiosk_export;

/* Takes the snapshot; writes into out_dir, the station's copy beside the
 * ledger (<db>.exports), with the key in <db>.keys, sealed to HQ's keys in
 * hq_dir (hq-seal.pub, hq-backup.pub: <assets>/hq); wake(arg) when done. */
int kiosk_export_start(struct bundle_snapshot *snap, const char *out_dir, const char *db_path,
                       const char *hq_dir, void (*wake)(void *), void *arg,
                       struct kiosk_export **out, char **cause);
/* -1 still running; 0 done and verified (*res); 1 failed (*cause, borrowed). */
int kiosk_export_result(struct kiosk_export *x, const struct bundle_export_result **res,
                        const char **cause);
/* Waits for the thread (only at exit while one runs) and frees. */
void kiosk_export_free(struct kiosk_export *x);

#endif
