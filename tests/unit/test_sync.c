/* test_sync.c — station sync without the network: sync_msg.c's messages
 * written and parsed back (short, long and unknown ones refused), and
 * ledger_peer_store on real sqlite files: a peer's entries stored as its,
 * a second copy adding nothing, a gap, an altered entry, a wrong head, an
 * entry of another station, this station's own ledger and a full budget
 * refused with nothing kept, and the station's own writes going on; the
 * handshake against a hand-written peer: a certificate of another event
 * key, a signature by a key that is not the certificate's, and one over
 * other key shares (a replayed AUTH) refused, a good one let through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sync_fixture.h"
#include <sodium.h>

#include "ledger.h"
#include "sync.h"
#include "sync_msg.h"
#include "trust.h"
#include "util.h"

#define NWALKERS    10
#define PINNED_SSID "WAT-D89185" /* key 00 01 .. 1f; checked with Python hashlib.blake2b */
#define PINNED_PSK  "0N01K-QVF86-8EVJH-RAVQ6"

static int
setup(void **state)
{
	struct sync_fixture *f = calloc(1, sizeof *f);
	char *cause = NULL, name[32];
	uint32_t id;

	sync_fixture_open(f, "sync");
	for (int i = 1; i <= NWALKERS; i++) {
		snprintf(name, sizeof name, "Walker %d", i);
		assert_int_equal(
		    ledger_walker_add(f->a, name, "Team", NULL, NULL, NULL, "test", &id, &cause),
		    0);
	}
	sync_fixture_collect(f);
	assert_int_equal(f->n, NWALKERS + 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	sync_fixture_close(*state);
	free(*state);
	return 0;
}

static int64_t
held(struct sync_fixture *f)
{
	struct ledger_peer p;
	char *cause = NULL;
	int rc = ledger_peer_get(f->b, f->ida, &p, &cause);

	assert_true(rc >= 0);
	return rc == 1 ? p.head_seq : 0;
}

static void
refused(struct sync_fixture *f, struct ledger_peer_batch *b, const char *words)
{
	char *cause = NULL;
	size_t added = 99;

	assert_int_equal(ledger_peer_store(f->b, b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 -1);
	assert_non_null(cause);
	if (strstr(cause, words) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, words);
	assert_int_equal(added, 0);
	free(cause);
}

static void
test_store_as_theirs(void **state)
{
	struct sync_fixture *f = *state;
	struct ledger_peer_batch b = sync_fixture_batch(f, 1, NWALKERS + 1);
	unsigned char hash[LEDGER_HASH_LEN];
	int64_t own_seq, seq;
	char *cause = NULL;
	size_t added;

	ledger_head(f->b, &own_seq, hash);
	assert_int_equal(ledger_peer_store(f->b, &b, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	assert_int_equal(added, NWALKERS + 1);
	assert_int_equal(held(f), NWALKERS + 1);
	/* the station's own chain did not move, and still checks */
	ledger_head(f->b, &seq, hash);
	assert_int_equal(seq, own_seq);
	assert_int_equal(ledger_check(f->b, &cause), 0);
	/* and it survives a reopen */
	ledger_free(f->b);
	assert_int_equal(ledger_open(f->pb, &f->b, &cause), 0);
	assert_int_equal(held(f), NWALKERS + 1);
	assert_true(ledger_peer_bytes(f->b) > 0);
	/* the event's figures: b's fold and a's, summed; b's own unchanged */
	{
		struct ledger_event_figures ef;
		struct ledger_totals t;

		assert_int_equal(ledger_event_figures(f->b, 3, &ef, &cause), 0);
		assert_int_equal(ef.n, 2);
		assert_true(ef.station[0].own);
		assert_string_equal(ef.station[1].station, "T2");
		assert_int_equal(ef.station[1].entries, NWALKERS + 1);
		assert_int_equal(ef.all.walkers, NWALKERS);
		assert_int_equal(ledger_totals(f->b, &t, &cause), 0);
		assert_int_equal(t.walkers, 0);
		ledger_event_figures_clear(&ef);
	}
}

static void
test_second_copy_adds_nothing(void **state)
{
	struct sync_fixture *f = *state;
	struct ledger_peer_batch b1 = sync_fixture_batch(f, 1, 5),
	                         b2 = sync_fixture_batch(f, 3, NWALKERS + 1);
	char *cause = NULL;
	size_t added;

	assert_int_equal(ledger_peer_store(f->b, &b1, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	assert_int_equal(added, 5);
	assert_int_equal(ledger_peer_store(f->b, &b1, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	assert_int_equal(added, 0);
	assert_int_equal(held(f), 5);
	/* an overlap: only the new ones */
	assert_int_equal(ledger_peer_store(f->b, &b2, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	assert_int_equal(added, NWALKERS + 1 - 5);
	assert_int_equal(held(f), NWALKERS + 1);
	/* an old batch again leaves the newer head */
	assert_int_equal(ledger_peer_store(f->b, &b1, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	assert_int_equal(held(f), NWALKERS + 1);
}

static void
test_gap_refused(void **state)
{
	struct sync_fixture *f = *state;
	struct ledger_peer_batch b1 = sync_fixture_batch(f, 1, 3), b2 = sync_fixture_batch(f, 5, 8);
	char *cause = NULL;
	size_t added;

	assert_int_equal(ledger_peer_store(f->b, &b1, LEDGER_PEER_BUDGET_DEFAULT, &added, &cause),
	                 0);
	refused(f, &b2, "a gap");
	assert_int_equal(held(f), 3);
}

static void
test_altered_refused(void **state)
{
	struct sync_fixture *f = *state;
	struct ledger_peer_batch b = sync_fixture_batch(f, 1, NWALKERS + 1);
	char *p = strstr(f->lines[4], "Walker");

	assert_non_null(p);
	p[1] = 'x'; /* still a good entry; no longer the one signed */
	refused(f, &b, "an entry was altered");
	assert_int_equal(held(f), 0);
	assert_int_equal(ledger_peer_bytes(f->b), 0);
	p[1] = 'a';
}

static void
test_wrong_head_refused(void **state)
{
	struct sync_fixture *f = *state;
	struct ledger_peer_batch b = sync_fixture_batch(f, 1, 6);

	b.head_hash = f->hashes[6]; /* the head of another entry */
	refused(f, &b, "chain head");
	assert_int_equal(held(f), 0);
}

static void
test_not_theirs_refused(void **state)
{
	struct sync_fixture *f = *state;
	struct ledger_peer_batch b = sync_fixture_batch(f, 1, 3);
	unsigned char own[LEDGER_HASH_LEN];

	b.station = "T3"; /* entries that name T2, sent as T3's */
	refused(f, &b, "of station T2");
	b = sync_fixture_batch(f, 2, 3); /* from 2 with nothing held */
	refused(f, &b, "a gap");
	/* another ledger identity for the same lines: seq 1 is not it */
	b = sync_fixture_batch(f, 1, 3);
	memset(own, 7, sizeof own);
	b.ledger = own;
	refused(f, &b, "first entry is not the ledger");
	/* this station's own ledger is never a peer's */
	assert_int_equal(ledger_identity(f->b, own), 0);
	b.ledger = own;
	refused(f, &b, "own ledger");
}

/* A training ledger never syncs: refused before any key is read or any
 * connection made. */
static void
test_training_refused(void **state)
{
	struct sync_fixture *f = *state;
	struct ledger *t = NULL;
	struct sync_self self;
	char *cause = NULL;

	assert_int_equal(ledger_training_open(f->b, f->pb, &t, &cause), 0);
	assert_int_equal(sync_self_load(t, f->dir, &self, &cause), -1);
	assert_non_null(strstr(cause, "never synced"));
	free(cause);
	ledger_free(t);
}

static void
test_budget(void **state)
{
	struct sync_fixture *f = *state;
	struct ledger_peer_batch b1 = sync_fixture_batch(f, 1, 3),
	                         b2 = sync_fixture_batch(f, 4, NWALKERS + 1);
	int64_t budget = (int64_t)(f->lens[0] + f->lens[1] + f->lens[2] + f->lens[3]);
	char *cause = NULL;
	size_t added;
	uint32_t id;

	assert_int_equal(ledger_peer_store(f->b, &b1, budget, &added, &cause), 0);
	assert_int_equal(ledger_peer_store(f->b, &b2, budget, &added, &cause), -1);
	assert_non_null(strstr(cause, "space kept for other stations"));
	free(cause);
	cause = NULL;
	assert_int_equal(held(f), 3);
	/* the station's own entries go on */
	assert_int_equal(
	    ledger_walker_add(f->b, "Walk Up", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(ledger_check(f->b, &cause), 0);
}

static void
roundtrip(const struct sync_msg *m)
{
	struct sync_buf b = {0}, c = {0};
	struct sync_msg *p = calloc(1, sizeof *p);
	char *cause = NULL;

	sync_msg_write(m, &b);
	assert_int_equal(sync_msg_parse(b.p, b.len, p, &cause), 0);
	assert_int_equal(p->type, m->type);
	sync_msg_write(p, &c);
	assert_int_equal(c.len, b.len);
	assert_memory_equal(c.p, b.p, b.len);
	/* one byte short, one byte long: refused */
	assert_int_equal(sync_msg_parse(b.p, b.len - 1, p, &cause), -1);
	free(cause), cause = NULL;
	sync_buf_put(&b, "x", 1);
	assert_int_equal(sync_msg_parse(b.p, b.len, p, &cause), -1);
	assert_non_null(strstr(cause, "The peer sent"));
	free(cause);
	sync_buf_free(&b);
	sync_buf_free(&c);
	free(p);
}

static void
test_messages(void **state)
{
	struct sync_msg *m = calloc(1, sizeof *m);
	struct sync_hello h = {1, {0}}, g;
	unsigned char hello[SYNC_HELLO_LEN], bad = 9;
	char *cause = NULL;

	(void)state;
	m->type = SYNC_AUTH;
	m->u.auth.cert = "{\"format\":\"wat-cert/1\"}\n";
	m->u.auth.cert_len = strlen(m->u.auth.cert);
	m->u.auth.wall_ms = 1764700000000;
	roundtrip(m);
	memset(m, 0, sizeof *m);
	m->type = SYNC_PULL;
	m->u.pull.after = 500;
	roundtrip(m);
	m->type = SYNC_TIME;
	roundtrip(m);
	memset(m, 0, sizeof *m);
	m->type = SYNC_BATCH;
	m->u.batch.first_seq = 1;
	m->u.batch.n = 2;
	m->u.batch.lines[0] = "{\"seq\":1}";
	m->u.batch.lens[0] = 9;
	m->u.batch.lines[1] = "{\"seq\":2}";
	m->u.batch.lens[1] = 9;
	roundtrip(m);
	memset(m, 0, sizeof *m);
	m->type = SYNC_DONE;
	m->u.done.head_seq = 10005;
	roundtrip(m);
	assert_int_equal(sync_msg_parse(&bad, 1, m, &cause), -1);
	assert_non_null(strstr(cause, "unknown type"));
	free(cause), cause = NULL;
	/* an empty batch, a negative pull */
	{
		unsigned char empty[] = {SYNC_BATCH, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
		assert_int_equal(sync_msg_parse(empty, sizeof empty, m, &cause), -1);
		free(cause), cause = NULL;
	}
	sync_hello_write(&h, hello);
	assert_int_equal(sync_hello_parse(hello, sizeof hello, &g, &cause), 0);
	assert_int_equal(g.format, 1);
	hello[0] = 'X';
	assert_int_equal(sync_hello_parse(hello, sizeof hello, &g, &cause), -1);
	assert_non_null(strstr(cause, "does not speak"));
	free(cause);
	free(m);
}

/* ---- the handshake against a hand-written peer ---- */

enum fake_mode { FAKE_GOOD, FAKE_OTHER_EVENT, FAKE_WRONG_KEY, FAKE_REPLAY };

static void
fake_frame(int fd, const void *p, size_t n)
{
	unsigned char h[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
	                      (unsigned char)(n >> 8), (unsigned char)n};

	if (write(fd, h, 4) != 4 || write(fd, p, n) != (ssize_t)n)
		_exit(3);
}

static size_t
fake_read(int fd, unsigned char *buf, size_t cap)
{
	unsigned char h[4];
	size_t n;

	if (recv(fd, h, 4, MSG_WAITALL) != 4)
		_exit(4);
	n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
	if (n > cap || recv(fd, buf, n, MSG_WAITALL) != (ssize_t)n)
		_exit(5);
	return n;
}

/* A station T9 that calls, speaks the protocol by hand with libsodium,
 * and shows what mode says. */
static void
fake_peer(int fd, enum fake_mode mode, const struct sign_key *ev, const struct sign_key *other)
{
	unsigned char pk[crypto_kx_PUBLICKEYBYTES], sk[crypto_kx_SECRETKEYBYTES];
	unsigned char rx[crypto_kx_SESSIONKEYBYTES], tx[crypto_kx_SESSIONKEYBYTES];
	unsigned char buf[4096], hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char signed_[SYNC_AUTH_SIGNED_LEN], zero[SYNC_KEY_LEN] = {0}, *c;
	crypto_secretstream_xchacha20poly1305_state st;
	struct sync_hello h = {SYNC_FORMAT, {0}}, theirs;
	struct sync_msg m;
	struct sync_buf b = {0};
	struct sign_key *me;
	struct trust_cert cert;
	unsigned long long clen;
	char *cause = NULL;

	crypto_kx_keypair(pk, sk);
	memcpy(h.eph, pk, SYNC_KEY_LEN);
	sync_hello_write(&h, buf);
	fake_frame(fd, buf, SYNC_HELLO_LEN);
	if (sync_hello_parse(buf, fake_read(fd, buf, sizeof buf), &theirs, &cause) != 0 ||
	    crypto_kx_client_session_keys(rx, tx, pk, sk, theirs.eph) != 0)
		_exit(6);
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, tx);
	fake_frame(fd, hdr, sizeof hdr);
	fake_read(fd, buf, sizeof buf); /* its header: not needed to speak */

	sign_key_generate(&me);
	memset(&cert, 0, sizeof cert);
	strcpy(cert.event, "2026-oxford");
	strcpy(cert.station, "T9");
	cert.serial = 9;
	sign_key_public(me, &cert.station_pub);
	if (trust_cert_make(&cert, mode == FAKE_OTHER_EVENT ? other : ev, &cause) != 0)
		_exit(7);
	memset(&m, 0, sizeof m);
	m.type = SYNC_AUTH;
	randombytes_buf(m.u.auth.ledger, SYNC_ID_LEN);
	m.u.auth.cert = trust_cert_format(&cert);
	m.u.auth.cert_len = strlen(m.u.auth.cert);
	/* a replay: signed over the shares of another exchange */
	sync_auth_signed('I', mode == FAKE_REPLAY ? zero : pk, theirs.eph, m.u.auth.ledger,
	                 signed_);
	sign_detached(mode == FAKE_WRONG_KEY ? other : me, signed_, sizeof signed_, m.u.auth.sig);
	sync_msg_write(&m, &b);
	c = xmalloc(b.len + crypto_secretstream_xchacha20poly1305_ABYTES);
	crypto_secretstream_xchacha20poly1305_push(&st, c, &clen, b.p, b.len, NULL, 0, 0);
	fake_frame(fd, c, (size_t)clen);
	/* its AUTH (sent before it reads this one), then hang up */
	fake_read(fd, buf, sizeof buf);
	_exit(0);
}

static void
handshake(struct sync_fixture *f, enum fake_mode mode, const char *words)
{
	struct sign_key *ev, *other, *st;
	struct sync_opts o = {LEDGER_PEER_BUDGET_DEFAULT, SYNC_FORMAT, 0, 0, 5000};
	struct sync_self self;
	struct sync_result res;
	char *cause = NULL;
	int sv[2], status;
	pid_t pid;

	sign_key_generate(&ev);
	sign_key_generate(&other);
	sign_key_generate(&st);
	/* this station, T1, certified by the event key ev */
	memset(&self, 0, sizeof self);
	self.key = st;
	strcpy(self.cert.event, "2026-oxford");
	strcpy(self.cert.station, "T1");
	self.cert.serial = 1;
	sign_key_public(st, &self.cert.station_pub);
	assert_int_equal(trust_cert_make(&self.cert, ev, &cause), 0);
	self.cert_text = trust_cert_format(&self.cert);
	sign_key_public(ev, &self.event_pub);
	assert_int_equal(ledger_identity(f->b, self.ledger), 0);
	strcpy(self.station, "T1");

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		fake_peer(sv[1], mode, ev, other);
	}
	close(sv[1]);
	assert_int_equal(sync_exchange(f->b, &self, sv[0], 0, &o, &res, &cause), -1);
	close(sv[0]);
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(cause);
	if (strstr(cause, words) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, words);
	free(cause);
	/* nothing of the peer kept */
	assert_int_equal(ledger_peer_bytes(f->b), 0);
	sync_self_clear(&self);
	sign_key_free(ev);
	sign_key_free(other);
}

static void
test_handshake_good(void **state)
{
	/* the peer passes the handshake: the exchange only ends when it hangs up */
	handshake(*state, FAKE_GOOD, "closed the connection");
}

static void
test_handshake_other_event(void **state)
{
	handshake(*state, FAKE_OTHER_EVENT, "not made by this event's key");
}

static void
test_handshake_wrong_key(void **state)
{
	handshake(*state, FAKE_WRONG_KEY, "did not prove it holds the key");
}

static void
test_handshake_replay(void **state)
{
	handshake(*state, FAKE_REPLAY, "did not prove it holds the key");
}

/* sync_addr: the address forms wat.conf and Avahi give, and the ones refused
 * with a message (a link-local address without its interface cannot be
 * reached: the kernel would not know which cable). */
static void
test_addr_forms(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	unsigned char want[16] = {0xfe, 0x80, [15] = 1};
	socklen_t sl;
	char *cause = NULL;
	unsigned lo = if_nametoindex("lo");
	const char *bad[] = {"fe80::1:7700",
	                     "::1:7700",
	                     "[fe80::1]:7700",
	                     "[fe80::1%]:7700",
	                     "[fe80::1%wat-no-such0]:7700",
	                     "[10.0.0.1]:7700",
	                     "[::1]:",
	                     "[::1]:0",
	                     "[::1]:65536",
	                     "[]:7700",
	                     "[::1:7700",
	                     "::1]:7700",
	                     "1.2.3.4",
	                     "host.local:7700",
	                     "[fe80::zz%lo]:7700"};

	(void)state;
	assert_int_equal(sync_addr("10.78.1.2:7700", &ss, &sl, &cause), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(sl, sizeof *v4);
	assert_int_equal(ntohs(v4->sin_port), 7700);
	assert_int_equal(ntohl(v4->sin_addr.s_addr), 0x0a4e0102);
	assert_int_equal(sync_addr("[::]:7700", &ss, &sl, &cause), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(sl, sizeof *v6);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr));
	assert_int_equal(v6->sin6_scope_id, 0);
	assert_int_equal(sync_addr("[fd00::2]:7701", &ss, &sl, &cause), 0);
	assert_int_equal(ntohs(v6->sin6_port), 7701);
	assert_true(lo > 0);
	assert_int_equal(sync_addr("[fe80::1%lo]:7700", &ss, &sl, &cause), 0);
	assert_memory_equal(&v6->sin6_addr, want, 16);
	assert_int_equal(v6->sin6_scope_id, lo);
	assert_int_equal(ntohs(v6->sin6_port), 7700);
	assert_int_equal(sync_addr("[FE80::1%7]:7700", &ss, &sl, &cause), 0); /* by number */
	assert_int_equal(v6->sin6_scope_id, 7);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (sync_addr(bad[i], &ss, &sl, &cause) != -1)
			fail_msg("%s taken", bad[i]);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
	}
	assert_int_equal(sync_addr("[fe80::1]:7700", &ss, &sl, &cause), -1);
	assert_non_null(strstr(cause, "[fe80::1%eth0]:7700"));
	free(cause);
}

/* A station listening on [::]:P answers IPv6 and IPv4 peers; one listening
 * on a link-local address with its interface is reached through it. */
static void
test_addr_listen_v6(void **state)
{
	char addr[64], peer[64];
	char *cause = NULL;
	int lfd = -1, c4 = -1, c6 = -1, a;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	(void)state;
	unsigned port = 20000 + (unsigned)getpid() % 20000;
	for (int i = 0; i < 50 && lfd < 0; i++, port++) {
		snprintf(addr, sizeof addr, "[::]:%u", port);
		if (sync_listen(addr, &lfd, &cause) != 0) {
			if (strstr(cause, "Address family not supported") != NULL) {
				free(cause);
				skip();
			}
			free(cause);
			cause = NULL;
		}
	}
	assert_true(lfd >= 0);
	port--;
	snprintf(addr, sizeof addr, "[::1]:%u", port);
	assert_int_equal(sync_connect(addr, 2000, &c6, &cause), 0);
	a = accept(lfd, (struct sockaddr *)&ss, &sl);
	assert_true(a >= 0);
	sync_peer_name(&ss, sl, peer, sizeof peer);
	assert_int_equal(strncmp(peer, "[::1]:", 6), 0);
	close(a);
	snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
	assert_int_equal(sync_connect(addr, 2000, &c4, &cause), 0);
	sl = sizeof ss;
	a = accept(lfd, (struct sockaddr *)&ss, &sl);
	assert_true(a >= 0);
	sync_peer_name(&ss, sl, peer, sizeof peer);
	assert_non_null(strstr(peer, "127.0.0.1")); /* [::ffff:127.0.0.1]:P */
	close(a);
	close(c4);
	close(c6);
	close(lfd);
}

/* The event's Wi-Fi network: the same from the same badge key (every station
 * of the event), another from another key (even one bit apart), in the
 * documented shape; the first vector pinned, so a change of the derivation
 * (which would split an event's stations across two networks after an
 * update) fails here. */
static void
test_wifi_derive(void **state)
{
	unsigned char k1[32], k2[32];
	char s1[SYNC_WIFI_SSID_MAX], p1[SYNC_WIFI_PSK_MAX], s2[SYNC_WIFI_SSID_MAX],
	    p2[SYNC_WIFI_PSK_MAX];

	(void)state;
	for (int i = 0; i < 32; i++)
		k1[i] = (unsigned char)i;
	sync_wifi_derive(k1, s1, p1);
	assert_string_equal(s1, PINNED_SSID);
	assert_string_equal(p1, PINNED_PSK);
	memcpy(k2, k1, 32);
	sync_wifi_derive(k2, s2, p2);
	assert_string_equal(s1, s2);
	assert_string_equal(p1, p2);
	k2[31] ^= 1;
	sync_wifi_derive(k2, s2, p2);
	assert_string_not_equal(s1, s2);
	assert_string_not_equal(p1, p2);
	for (int n = 0; n < 200; n++) {
		randombytes_buf(k2, sizeof k2);
		sync_wifi_derive(k2, s2, p2);
		assert_int_equal(strlen(s2), 10);
		assert_int_equal(strncmp(s2, "WAT-", 4), 0);
		assert_int_equal(strspn(s2 + 4, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"), 6);
		assert_int_equal(strlen(p2), 23); /* WPA2: 8 to 63 characters */
		for (int i = 0; i < 23; i++)
			assert_true(
			    i % 6 == 5 ? p2[i] == '-'
			               : strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", p2[i]) != NULL);
		assert_string_not_equal(p1, p2);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_store_as_theirs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_second_copy_adds_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gap_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_altered_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_head_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_theirs_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_training_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_addr_forms),
	    cmocka_unit_test(test_wifi_derive),
	    cmocka_unit_test(test_addr_listen_v6),
	    cmocka_unit_test_setup_teardown(test_handshake_good, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_handshake_other_event, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_handshake_wrong_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_handshake_replay, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
