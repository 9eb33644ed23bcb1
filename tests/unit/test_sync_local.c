/* test_sync_local.c — wat-sync's requests to the kiosk (sync_local.c,
 * docs/SYNC.md "The kiosk's socket") over a socket pair, answered by a
 * thread standing in for the kiosk's worker with sync_local_answer on a real
 * ledger: the station's identity, head and entries (at most
 * SYNC_LOCAL_ENTRIES_MAX a call), a peer's batch stored as its and a second
 * copy adding nothing, an altered one refused with the ledger's own words,
 * malformed requests refused, and reports parsed (and malformed ones not). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "sync_fixture.h"

#include "ledger.h"
#include "sync.h"
#include "sync_local.h"
#include "sync_msg.h"
#include "util.h"

#define NWALKERS 150

struct fixture {
	struct sync_fixture s; /* a: a peer (T2); b: the kiosk's station (T1) */
	int sv[2];
	pthread_t kiosk;
	struct sync_report rep; /* the last report the kiosk got */
	int reports;
};

/* The kiosk's side: each request answered, as kiosk_sync.c does. */
static void *
kiosk_main(void *arg)
{
	struct fixture *f = arg;
	struct sync_buf out = {NULL, 0, 0};
	unsigned char *in = NULL;
	size_t len = 0;

	while (sync_frame_recv_max(f->sv[1], SYNC_LOCAL_FRAME_MAX, &in, &len, NULL) == 0) {
		struct sync_report rep;
		int r = sync_local_report_parse(in, len, &rep);

		out.len = 0;
		if (r == 1) {
			f->rep = rep;
			f->reports++;
			sync_local_ok(&out);
		} else if (r < 0)
			sync_buf_u8(&out, 1);
		else
			sync_local_answer(f->s.b, in, len, &out);
		if (sync_frame_send(f->sv[1], out.p, out.len, NULL) != 0)
			break;
	}
	free(in);
	sync_buf_free(&out);
	return NULL;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *cause = NULL, name[32];
	uint32_t id;

	sync_fixture_open(&f->s, "sync-local");
	assert_int_equal(ledger_batch_begin(f->s.a, &cause), 0);
	assert_int_equal(ledger_batch_begin(f->s.b, &cause), 0);
	for (int i = 1; i <= NWALKERS; i++) {
		snprintf(name, sizeof name, "Walker %d", i);
		assert_int_equal(
		    ledger_walker_add(f->s.a, name, "Team", NULL, NULL, NULL, "test", &id, &cause),
		    0);
		assert_int_equal(
		    ledger_walker_add(f->s.b, name, "Team", NULL, NULL, NULL, "test", &id, &cause),
		    0);
	}
	assert_int_equal(ledger_batch_end(f->s.a, 1, &cause), 0);
	assert_int_equal(ledger_batch_end(f->s.b, 1, &cause), 0);
	sync_fixture_collect(&f->s);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, f->sv), 0);
	assert_int_equal(pthread_create(&f->kiosk, NULL, kiosk_main, f), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	shutdown(f->sv[0], SHUT_RDWR);
	pthread_join(f->kiosk, NULL);
	close(f->sv[0]);
	close(f->sv[1]);
	sync_fixture_close(&f->s);
	free(f);
	return 0;
}

static void
test_own_entries(void **state)
{
	struct fixture *f = *state;
	struct sync_store st = sync_local_store(f->sv[0]);
	unsigned char id[LEDGER_HASH_LEN], want[LEDGER_HASH_LEN], h[LEDGER_HASH_LEN];
	unsigned char hw[LEDGER_HASH_LEN];
	char station[LEDGER_STATION_MAX + 1], *cause = NULL;
	struct sync_lines x;
	int64_t seq, head, from = 1;

	assert_int_equal(st.ops->self(st.ctx, id, station, &cause), 0);
	assert_int_equal(ledger_identity(f->s.b, want), 0);
	assert_memory_equal(id, want, LEDGER_HASH_LEN);
	assert_string_equal(station, "T1");
	assert_int_equal(st.ops->head(st.ctx, &seq, h, &cause), 0);
	ledger_head(f->s.b, &head, hw);
	assert_int_equal(seq, head);
	assert_memory_equal(h, hw, LEDGER_HASH_LEN);
	/* all of them, at most SYNC_LOCAL_ENTRIES_MAX a call, in order */
	while (from <= head) {
		sync_lines_init(&x);
		assert_int_equal(st.ops->entries(st.ctx, from, &x, &cause), 0);
		assert_true(x.n >= 1 && x.n <= SYNC_LOCAL_ENTRIES_MAX);
		assert_int_equal(x.first_seq, from);
		assert_non_null(strstr(x.lines[0], "\"station\":\"T1\""));
		from += (int64_t)x.n;
		if (from > head)
			assert_memory_equal(x.last_hash, hw, LEDGER_HASH_LEN);
		sync_lines_clear(&x);
	}
	assert_int_equal(from, head + 1);
	sync_local_store_free(&st);
}

static void
test_peer_batches(void **state)
{
	struct fixture *f = *state;
	struct sync_store st = sync_local_store(f->sv[0]);
	struct ledger_peer_batch b;
	char *cause = NULL, *altered;
	int64_t held = -1;
	size_t added = 0;

	assert_int_equal(st.ops->peer_get(st.ctx, f->s.ida, &held, &cause), 0);
	b = sync_fixture_batch(&f->s, 1, 100);
	assert_int_equal(st.ops->peer_store(st.ctx, &b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	assert_int_equal(added, 100);
	assert_int_equal(st.ops->peer_get(st.ctx, f->s.ida, &held, &cause), 1);
	assert_int_equal(held, 100);
	/* a second copy adds nothing */
	assert_int_equal(st.ops->peer_store(st.ctx, &b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	assert_int_equal(added, 0);
	/* an altered entry: the ledger's refusal, in its words */
	b = sync_fixture_batch(&f->s, 101, (int64_t)f->s.n);
	altered = xstrdup(f->s.lines[120]);
	altered[strlen(altered) - 3] ^= 1;
	{
		char *keep = f->s.lines[120];
		f->s.lines[120] = altered;
		b = sync_fixture_batch(&f->s, 101, (int64_t)f->s.n);
		assert_int_equal(
		    st.ops->peer_store(st.ctx, &b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause), -1);
		f->s.lines[120] = keep;
	}
	free(altered);
	assert_non_null(cause);
	assert_true(strstr(cause, "Nothing of this batch was kept") != NULL ||
	            strstr(cause, "does not read") != NULL);
	free(cause);
	cause = NULL;
	assert_int_equal(st.ops->peer_get(st.ctx, f->s.ida, &held, &cause), 1);
	assert_int_equal(held, 100);
	b = sync_fixture_batch(&f->s, 101, (int64_t)f->s.n);
	assert_int_equal(st.ops->peer_store(st.ctx, &b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	assert_int_equal(added, f->s.n - 100);
	assert_int_equal(st.ops->peer_seen(st.ctx, f->s.ida, 5, 7, 1, &cause), 0);
	sync_local_store_free(&st);
	{
		struct ledger_peer p;
		assert_int_equal(ledger_peer_get(f->s.b, f->s.ida, &p, &cause), 1);
		assert_int_equal(p.head_seq, (int64_t)f->s.n);
		assert_int_equal(p.offset_ms, 7);
	}
}

/* Sends raw bytes as a request; the reply's status byte. */
static int
raw(struct fixture *f, const void *p, size_t n)
{
	unsigned char *in = NULL;
	size_t len = 0;
	int status;

	assert_int_equal(sync_frame_send(f->sv[0], p, n, NULL), 0);
	assert_int_equal(sync_frame_recv_max(f->sv[0], SYNC_LOCAL_FRAME_MAX, &in, &len, NULL), 0);
	assert_true(len >= 1);
	status = in[0];
	free(in);
	return status;
}

static void
test_malformed(void **state)
{
	struct fixture *f = *state;
	static const unsigned char unknown[] = {'Z'}, head_long[] = {'H', 0},
	                           entries_short[] = {'E', 0, 0}, entries_zero[9] = {'E'},
	                           store_short[] = {'P', 0, 0, 0};
	unsigned char get[1 + LEDGER_HASH_LEN] = {'G'};
	unsigned char report[] = {'R', 9, 0, 1, 0, 0, 0, 0};

	assert_int_equal(raw(f, unknown, sizeof unknown), 1);
	assert_int_equal(raw(f, head_long, sizeof head_long), 1);
	assert_int_equal(raw(f, entries_short, sizeof entries_short), 1);
	assert_int_equal(raw(f, entries_zero, sizeof entries_zero), 1);
	assert_int_equal(raw(f, store_short, sizeof store_short), 1);
	assert_int_equal(raw(f, get, sizeof get), 0);       /* a well-formed one still answered */
	assert_int_equal(raw(f, report, sizeof report), 1); /* kind 9 */
	assert_int_equal(f->reports, 0);
}

static void
test_report(void **state)
{
	struct fixture *f = *state;
	struct sync_report r;
	char *cause = NULL;

	memset(&r, 0, sizeof r);
	r.kind = SYNC_REPORT_REFUSED;
	snprintf(r.station, sizeof r.station, "T9");
	snprintf(r.addr, sizeof r.addr, "10.0.0.9:7700");
	snprintf(r.text, sizeof r.text,
	         "Station T9's certificate was not made by this event's key");
	assert_int_equal(sync_local_report(f->sv[0], &r, &cause), 0);
	assert_int_equal(f->reports, 1);
	assert_int_equal(f->rep.kind, SYNC_REPORT_REFUSED);
	assert_string_equal(f->rep.station, "T9");
	assert_string_equal(f->rep.addr, "10.0.0.9:7700");
	assert_string_equal(f->rep.text, r.text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_own_entries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_peer_batches, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_report, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
