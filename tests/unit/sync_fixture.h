/* sync_fixture.h — two stations of one event on real sqlite files, as the
 * sync tests use them: a (T2, the peer) and b (T1, this station) in a
 * scratch directory; a's entries collected as wat-sync carries them, and
 * handed to b in batches as ledger_peer_store takes them.  Include after
 * <cmocka.h>; a test's own fixture holds a struct sync_fixture first. */
#ifndef WAT_TEST_SYNC_FIXTURE_H
#define WAT_TEST_SYNC_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "tmpdir.h"
#include "util.h"

#define SYNC_FIXTURE_MAX 256 /* a's entries collected, at most */

struct sync_fixture {
	char dir[64], pa[96], pb[96];
	struct ledger *a, *b; /* a: the peer (T2); b: this station (T1) */
	unsigned char ida[LEDGER_HASH_LEN];
	/* a's entries 1..n */
	size_t n;
	char *lines[SYNC_FIXTURE_MAX];
	size_t lens[SYNC_FIXTURE_MAX];
	unsigned char hashes[SYNC_FIXTURE_MAX][LEDGER_HASH_LEN];
	unsigned char sig[LEDGER_PEER_SIG_LEN]; /* a head signature: ledger_peer_store keeps it */
};

static inline int
sync_fixture_collect_one(const struct ledger_entry *e, void *arg)
{
	struct sync_fixture *f = arg;

	assert_true(f->n < SYNC_FIXTURE_MAX);
	f->lines[f->n] = xstrdup(e->line);
	f->lens[f->n] = strlen(e->line);
	memcpy(f->hashes[f->n], e->hash, LEDGER_HASH_LEN);
	f->n++;
	return 0;
}

/* a's entries written since the last call, added to lines. */
static inline void
sync_fixture_collect(struct sync_fixture *f)
{
	char *cause = NULL;

	if (ledger_entries(f->a, (int64_t)f->n + 1, sync_fixture_collect_one, f, &cause) != 0)
		fail_msg("%s", cause);
}

/* Both ledgers, their events set up ("/tmp/wat-test-NAME-XXXXXX"). */
static inline void
sync_fixture_open(struct sync_fixture *f, const char *name)
{
	struct ledger_init ia = {"Walk", "Oxford", "2026-05-02", "T2", 0, NULL};
	struct ledger_init ib = {"Walk", "Oxford", "2026-05-02", "T1", 0, NULL};
	char *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/wat-test-%s-XXXXXX", name);
	assert_int_equal(tmpdir_make(f->dir), 0);
	snprintf(f->pa, sizeof f->pa, "%s/t2.db", f->dir);
	snprintf(f->pb, sizeof f->pb, "%s/t1.db", f->dir);
	assert_int_equal(ledger_open(f->pa, &f->a, &cause), 0);
	assert_int_equal(ledger_open(f->pb, &f->b, &cause), 0);
	assert_int_equal(ledger_init_event(f->a, &ia, "test", &cause), 0);
	assert_int_equal(ledger_init_event(f->b, &ib, "test", &cause), 0);
	assert_int_equal(ledger_identity(f->a, f->ida), 0);
	memset(f->sig, 0x5a, sizeof f->sig);
}

static inline void
sync_fixture_close(struct sync_fixture *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->lines[i]);
	ledger_free(f->a);
	ledger_free(f->b);
	assert_int_equal(tmpdir_remove(f->dir), 0);
}

/* A batch of a's entries first..last (1-based, collected), last heard from
 * long ago (seen_wall_ms 1). */
static inline struct ledger_peer_batch
sync_fixture_batch(struct sync_fixture *f, int64_t first, int64_t last)
{
	struct ledger_peer_batch b;

	memset(&b, 0, sizeof b);
	b.ledger = f->ida;
	b.station = "T2";
	b.cert = "cert";
	b.first_seq = first;
	b.n = (size_t)(last - first + 1);
	b.lines = (const char *const *)&f->lines[first - 1];
	b.lens = &f->lens[first - 1];
	b.head_hash = f->hashes[last - 1];
	b.head_sig = f->sig;
	b.seen_wall_ms = 1;
	b.format = 1;
	return b;
}

#endif
