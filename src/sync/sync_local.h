/* sync_local.h — wat-sync and the kiosk on one station, over a local UNIX
 * socket (docs/SYNC.md "The kiosk's socket"): the kiosk's worker thread
 * stays the only owner of the ledger, so wat-sync asks it for this
 * station's entries to serve and hands it the batches it received, as
 * requests of a sync_store; and it reports refused and newer peers for the
 * coordinator's Stations screen.  One request, one reply, each a frame. */
#ifndef WAT_SYNC_LOCAL_H
#define WAT_SYNC_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "sync.h"
#include "sync_msg.h"

#define SYNC_LOCAL_FRAME_MAX (SYNC_FRAME_MAX + 64 * 1024)
/* Entries the kiosk reads for wat-sync in one call: a scan waits for at
 * most one such read (bench_syncsvc: scan -> commit with a peer pulling). */
#define SYNC_LOCAL_ENTRIES_MAX 100

enum sync_local_op {
	SYNC_LOCAL_SELF = 'I',
	SYNC_LOCAL_HEAD = 'H',
	SYNC_LOCAL_ENTRIES = 'E',
	SYNC_LOCAL_PEER_GET = 'G',
	SYNC_LOCAL_PEER_STORE = 'P',
	SYNC_LOCAL_PEER_SEEN = 'N',
	SYNC_LOCAL_REPORT = 'R',
};

/* What wat-sync reports of a peer (SYNC_LOCAL_REPORT). */
enum sync_report_kind {
	SYNC_REPORT_REFUSED = 1, /* its certificate, an entry or its chain head was refused */
	SYNC_REPORT_NEWER = 2,   /* it speaks a newer format */
	SYNC_REPORT_OK = 3,      /* an exchange done (clears a refusal of that address) */
};

struct sync_report {
	enum sync_report_kind kind;
	char station[LEDGER_STATION_MAX + 1]; /* "" when it was not learnt */
	char addr[64];
	unsigned format;
	char text[256];
};

/* The kiosk's side: answers one request against the ledger (on its owner's
 * thread); the reply is appended to out.  Never fails: a refusal is a reply. */
void sync_local_answer(struct ledger *l, const unsigned char *req, size_t len,
                       struct sync_buf *out);
/* 1 and *r when req is a REPORT (answered by the kiosk itself, not the
 * ledger: sync_local_ok gives the reply), 0 otherwise, -1 malformed. */
int sync_local_report_parse(const unsigned char *req, size_t len, struct sync_report *r);
void sync_local_ok(struct sync_buf *out);

/* wat-sync's side: a connection to the kiosk's socket at path. */
int sync_local_connect(const char *path, int timeout_ms, int *fd, char **cause);
/* A store whose every call is a request over fd (borrowed); free with
 * sync_local_store_free. */
struct sync_store sync_local_store(int fd);
void sync_local_store_free(struct sync_store *st);
int sync_local_report(int fd, const struct sync_report *r, char **cause);

#endif
