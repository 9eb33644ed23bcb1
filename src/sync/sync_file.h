/* sync_file.h — another station's entries read from a USB stick
 * (stationfile.h: <station>.entries, written by its export), without a
 * network: checked as an exchange checks a peer (its certificate made by
 * this event's key, its lines chained to the head it signed), stored as
 * that station's entries after what is held (one transaction: a stick
 * pulled mid-way stores nothing, and reading it again stores what is
 * missing), within the peers' budget. */
#ifndef WAT_SYNC_FILE_H
#define WAT_SYNC_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "sync.h"

/* data[0..len): the file's bytes.  0 and *res (peer, received: entries
 * new, peer_head), or -1 with *cause in words (nothing stored). */
int sync_file_read(struct ledger *l, const struct sync_self *self, const char *data, size_t len,
                   int64_t budget, struct sync_result *res, char **cause);
/* The same from a path (at most STATIONFILE_MAX bytes, 128 MiB). */
int sync_file_load(struct ledger *l, const struct sync_self *self, const char *path, int64_t budget,
                   struct sync_result *res, char **cause);

#endif
