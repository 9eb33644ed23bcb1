/* sync_file.c — see sync_file.h. */
#include "sync_file.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badge.h"
#include "entry.h"
#include "stationfile.h"
#include "sync_msg.h"
#include "util.h"

int
sync_file_read(struct ledger *l, const struct sync_self *self, const char *data, size_t len,
               int64_t budget, struct sync_result *res, char **cause)
{
	struct stationfile f;
	struct badge_event be;
	struct ledger_peer held;
	struct ledger_peer_batch b;
	struct entry last;
	unsigned char key[STATIONFILE_KEY_LEN];
	char id[17];
	int64_t have = 0, seen = 0;
	size_t added = 0;
	int known, rc = -1;

	memset(res, 0, sizeof *res);
	memset(&f, 0, sizeof f);
	if (ledger_badge_key(l, &be, cause) != 0)
		return -1;
	stationfile_key(be.key, key, id);
	if (stationfile_open(data, len, be.tag, key, id, &self->event_pub, self->cert.event, &f,
	                     cause) != 0) {
		res->refused = 1;
		goto end;
	}
	snprintf(res->peer, sizeof res->peer, "%s", f.h.station);
	res->peer_head = f.h.head_seq;
	res->peer_format = SYNC_FORMAT;
	if (memcmp(f.h.ledger, self->ledger, LEDGER_HASH_LEN) == 0 ||
	    strcmp(f.h.station, self->station) == 0) {
		util_fail(cause,
		          "This is this station's own entries file (station %s): there is nothing "
		          "to read from it. Read the other station's file.",
		          f.h.station);
		goto end;
	}
	if ((known = ledger_peer_get(l, f.h.ledger, &held, cause)) < 0)
		goto end;
	have = known ? held.head_seq : 0;
	/* as fresh as the file's last entry, never fresher than what is held */
	if (entry_decode(f.lines[f.n - 1], f.lens[f.n - 1], &last, NULL) == 0)
		seen = last.at.wall_ms;
	if (have >= f.h.head_seq) {
		rc = 0; /* held already: nothing new (read twice, or older than a sync) */
		goto end;
	}
	memset(&b, 0, sizeof b);
	b.ledger = f.h.ledger;
	b.station = f.h.station;
	b.cert = f.h.cert;
	b.first_seq = have + 1;
	b.n = f.n - (size_t)have;
	b.lines = f.lines + have;
	b.lens = f.lens + have;
	b.head_hash = f.h.head_hash;
	b.head_sig = f.h.head_sig;
	b.seen_wall_ms = known && held.seen_wall_ms > seen ? held.seen_wall_ms : seen;
	b.offset_ms = known ? held.offset_ms : 0;
	b.format = SYNC_FORMAT;
	if (ledger_peer_store(l, &b, budget, &added, cause) != 0) {
		res->refused = cause != NULL && *cause != NULL && strstr(*cause, "full") == NULL;
		goto end;
	}
	res->received = added;
	rc = 0;
end:
	util_wipe(key, sizeof key);
	util_wipe(&be, sizeof be);
	stationfile_clear(&f);
	return rc;
}

int
sync_file_load(struct ledger *l, const struct sync_self *self, const char *path, int64_t budget,
               struct sync_result *res, char **cause)
{
	char *data = NULL, *why = NULL;
	size_t len = 0;
	int rc;

	memset(res, 0, sizeof *res);
	if (util_read_file(path, STATIONFILE_MAX, &data, &len, &why) != 0) {
		util_fail(cause, "%s could not be read: %s", path, why);
		free(why);
		return -1;
	}
	rc = sync_file_read(l, self, data, len, budget, res, cause);
	free(data);
	return rc;
}
