/* sync.c — see sync.h and docs/SYNC.md. */
#include "sync.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stamp.h"
#include "sync_msg.h"
#include "util.h"

/* ---- this station ---- */

int
sync_self_load(struct ledger *l, const char *keys_dir, struct sync_self *s, char **cause)
{
	struct sync_store st = sync_store_ledger(l);
	return sync_self_load_store(&st, keys_dir, s, cause);
}

int
sync_self_load_store(const struct sync_store *st, const char *keys_dir, struct sync_self *s,
                     char **cause)
{
	struct sign_pub pub;
	char *path = NULL;
	size_t len;
	int rc = -1;

	memset(s, 0, sizeof *s);
	if (sodium_init() < 0)
		return util_fail(cause, "The crypto library could not start.");
	if (st->ops->self(st->ctx, s->ledger, s->station, cause) != 0)
		return -1;
	path = xasprintf("%s/station.key", keys_dir);
	if (sign_key_load(path, &s->key, cause) != 0)
		goto end;
	free(path);
	path = xasprintf("%s/station.cert", keys_dir);
	if (util_read_file(path, SYNC_CERT_MAX, &s->cert_text, &len, cause) != 0 ||
	    trust_cert_parse(s->cert_text, len, &s->cert, cause) != 0)
		goto end;
	free(path);
	path = xasprintf("%s/event.pub", keys_dir);
	if (sign_pub_load(path, &s->event_pub, cause) != 0)
		goto end;
	if (trust_cert_verify(&s->cert, &s->event_pub, cause) != 0)
		goto end;
	sign_key_public(s->key, &pub);
	if (strcmp(s->cert.station, s->station) != 0 ||
	    memcmp(pub.pk, s->cert.station_pub.pk, SIGN_PK_LEN) != 0) {
		util_fail(cause, "This station's certificate is not for station %s and its key.",
		          s->station);
		goto end;
	}
	rc = 0;
end:
	free(path);
	if (rc != 0)
		sync_self_clear(s);
	return rc;
}

void
sync_self_clear(struct sync_self *s)
{
	sign_key_free(s->key);
	trust_cert_clear(&s->cert);
	free(s->cert_text);
	memset(s, 0, sizeof *s);
}

/* ---- the event's Wi-Fi network ---- */

static void
sync_wifi_b32(const unsigned char key[32], const char *label, char *out, size_t n)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)label, strlen(label), key, 32);
	for (size_t i = 0; i < n; i++) /* 5 bits each, from the front */
		out[i] =
		    b32[(((unsigned)h[i * 5 / 8] << 8 | h[i * 5 / 8 + 1]) >> (11 - i * 5 % 8)) &
		        31];
	sodium_memzero(h, sizeof h);
}

void
sync_wifi_derive(const unsigned char key[32], char ssid[SYNC_WIFI_SSID_MAX],
                 char psk[SYNC_WIFI_PSK_MAX])
{
	char p[20];

	memcpy(ssid, "WAT-", 4);
	sync_wifi_b32(key, "W.A.T. station network v1: ssid", ssid + 4, 6);
	ssid[10] = '\0';
	sync_wifi_b32(key, "W.A.T. station network v1: passphrase", p, sizeof p);
	for (size_t g = 0; g < 4; g++) {
		memcpy(psk + g * 6, p + g * 5, 5);
		psk[g * 6 + 5] = g < 3 ? '-' : '\0';
	}
	sodium_memzero(p, sizeof p);
}

/* ---- sockets ---- */

/* "1.2.3.4:P", "[IPv6]:P" or "[fe80::1%eth0]:P" (a link-local address
 * needs its interface: by name, or by number as getnameinfo writes it). A
 * bare IPv6 address without brackets is refused: its colons are ambiguous. */
int
sync_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sl, char **cause)
{
	char host[128], *zone;
	const char *colon = strrchr(addr, ':');
	char *end;
	long port;
	size_t hl;
	int bracket = addr[0] == '[';

	if (colon == NULL || colon == addr)
		return util_fail(cause, "%s is not ADDRESS:PORT.", addr);
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535)
		return util_fail(cause, "%s has no port from 1 to 65535.", addr);
	hl = (size_t)(colon - addr);
	if (bracket != (hl >= 2 && addr[hl - 1] == ']'))
		return util_fail(cause, "%s: an IPv6 address goes in brackets, [ADDRESS]:PORT.",
		                 addr);
	if (bracket) {
		if (hl < 3)
			return util_fail(cause, "%s is not ADDRESS:PORT.", addr);
		hl -= 2;
	}
	if (hl >= sizeof host)
		return util_fail(cause, "%s is not ADDRESS:PORT.", addr);
	memcpy(host, addr + bracket, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (!bracket) {
		if (inet_pton(AF_INET, host, &v4->sin_addr) != 1)
			return util_fail(cause, "%s is not a numeric IP address.", host);
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*sl = sizeof *v4;
		return 0;
	}
	if ((zone = strchr(host, '%')) != NULL)
		*zone++ = '\0';
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) != 1)
		return util_fail(cause, "%s is not a numeric IPv6 address.", host);
	v6->sin6_family = AF_INET6;
	v6->sin6_port = htons((uint16_t)port);
	*sl = sizeof *v6;
	if (zone != NULL) {
		unsigned long n = strtoul(zone, &end, 10);
		if (*zone == '\0')
			return util_fail(cause, "%s: no interface after %%.", addr);
		if (*end == '\0' && *zone >= '0' && *zone <= '9' && n > 0 && n <= UINT32_MAX)
			v6->sin6_scope_id = (uint32_t)n;
		else if ((v6->sin6_scope_id = if_nametoindex(zone)) == 0)
			return util_fail(cause, "%s: this station has no network interface %s.",
			                 addr, zone);
	}
	if (IN6_IS_ADDR_LINKLOCAL(&v6->sin6_addr) && v6->sin6_scope_id == 0)
		return util_fail(cause,
		                 "%s is a link-local address: say its interface, e.g. "
		                 "[fe80::1%%eth0]:%ld.",
		                 addr, port);
	return 0;
}

static void
sync_timeouts(int fd, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int
sync_connect(const char *addr, int timeout_ms, int *fd, char **cause)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int s;

	if (sync_addr(addr, &ss, &sl, cause) != 0)
		return -1;
	if ((s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return util_fail(cause, "Cannot make a socket: %s.", strerror(errno));
	sync_timeouts(s, timeout_ms);
	if (connect(s, (struct sockaddr *)&ss, sl) != 0) {
		util_fail(cause, "Cannot reach the station at %s: %s.", addr, strerror(errno));
		close(s);
		return -1;
	}
	*fd = s;
	return 0;
}

void
sync_peer_name(const struct sockaddr_storage *ss, socklen_t sl, char *out, size_t len)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (getnameinfo((const struct sockaddr *)ss, sl, host, sizeof host, port, sizeof port,
	                NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(out, len, "a peer");
	else if (ss->ss_family == AF_INET6)
		snprintf(out, len, "[%s]:%s", host, port);
	else
		snprintf(out, len, "%s:%s", host, port);
}

int
sync_listen(const char *addr, int *fd, char **cause)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int s, one = 1;

	if (sync_addr(addr, &ss, &sl, cause) != 0)
		return -1;
	if ((s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return util_fail(cause, "Cannot make a socket: %s.", strerror(errno));
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss.ss_family == AF_INET6) { /* [::]:P answers IPv4 peers too */
		int zero = 0;
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	}
	if (bind(s, (struct sockaddr *)&ss, sl) != 0 || listen(s, 8) != 0) {
		util_fail(cause, "Cannot listen on %s: %s.", addr, strerror(errno));
		close(s);
		return -1;
	}
	*fd = s;
	return 0;
}

/* ---- frames: a 4-byte big-endian length, then the bytes ---- */

static int
sync_write_all(int fd, const void *p, size_t len, char **cause)
{
	const unsigned char *q = p;

	while (len > 0) {
		ssize_t n = send(fd, q, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return util_fail(cause, "The connection to the peer was lost (%s).",
			                 n < 0 ? strerror(errno) : "closed");
		q += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
sync_read_all(int fd, void *p, size_t len, char **cause)
{
	unsigned char *q = p;

	while (len > 0) {
		ssize_t n = recv(fd, q, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return util_fail(cause, "The peer stopped answering.");
		if (n <= 0)
			return util_fail(cause,
			                 "The peer closed the connection (it may have refused this "
			                 "station; see its screen or log).");
		q += n;
		len -= (size_t)n;
	}
	return 0;
}

int
sync_frame_send(int fd, const void *p, size_t len, char **cause)
{
	unsigned char h[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
	                      (unsigned char)(len >> 8), (unsigned char)len};

	if (sync_write_all(fd, h, 4, cause) != 0)
		return -1;
	return sync_write_all(fd, p, len, cause);
}

int
sync_frame_recv_max(int fd, size_t max, unsigned char **buf, size_t *len, char **cause)
{
	unsigned char h[4];
	size_t n;

	if (sync_read_all(fd, h, 4, cause) != 0)
		return -1;
	n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
	if (n > max)
		return util_fail(cause, "The peer sent a frame too long to be one of ours.");
	*buf = xrealloc(*buf, n ? n : 1);
	*len = n;
	return sync_read_all(fd, *buf, n, cause);
}

/* A frame of the exchange into *buf (malloc'd, grown as needed). */
static int
sync_frame_recv(int fd, unsigned char **buf, size_t *len, char **cause)
{
	return sync_frame_recv_max(
	    fd, SYNC_FRAME_MAX + crypto_secretstream_xchacha20poly1305_ABYTES, buf, len, cause);
}

/* ---- the session ---- */

struct sync_sess {
	int fd;
	const struct sync_store *st;
	const struct sync_self *self;
	const struct sync_opts *o;
	crypto_secretstream_xchacha20poly1305_state tx, rx;
	unsigned char peer_ledger[LEDGER_HASH_LEN];
	char peer_station[LEDGER_STATION_MAX + 1];
	char *peer_cert;
	struct sign_pub peer_pub;
	unsigned format;   /* the one both speak */
	unsigned char *in; /* the last frame read */
	size_t inlen;
	unsigned char *plain;
	size_t plaincap;
};

static int
sync_send(struct sync_sess *s, const struct sync_msg *m, char **cause)
{
	struct sync_buf b = {0};
	unsigned char *c;
	unsigned long long clen;
	int rc;

	sync_msg_write(m, &b);
	c = xmalloc(b.len + crypto_secretstream_xchacha20poly1305_ABYTES);
	crypto_secretstream_xchacha20poly1305_push(
	    &s->tx, c, &clen, b.p, b.len, NULL, 0,
	    m->type == SYNC_BYE ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
	rc = sync_frame_send(s->fd, c, (size_t)clen, cause);
	free(c);
	sync_buf_free(&b);
	return rc;
}

static int
sync_recv(struct sync_sess *s, struct sync_msg *m, char **cause)
{
	unsigned long long mlen;
	unsigned char tag;

	if (sync_frame_recv(s->fd, &s->in, &s->inlen, cause) != 0)
		return -1;
	if (s->inlen < crypto_secretstream_xchacha20poly1305_ABYTES)
		return util_fail(cause, "The peer sent a message that does not decrypt.");
	if (s->plaincap < s->inlen) {
		s->plain = xrealloc(s->plain, s->inlen);
		s->plaincap = s->inlen;
	}
	if (crypto_secretstream_xchacha20poly1305_pull(&s->rx, s->plain, &mlen, &tag, s->in,
	                                               s->inlen, NULL, 0) != 0)
		return util_fail(cause, "The peer sent a message that does not decrypt (altered "
		                        "on the way, or not from the station that said hello).");
	return sync_msg_parse(s->plain, (size_t)mlen, m, cause);
}

static int
sync_expect(struct sync_sess *s, struct sync_msg *m, enum sync_type t, char **cause)
{
	if (sync_recv(s, m, cause) != 0)
		return -1;
	if (m->type != t)
		return util_fail(cause, "The peer sent its messages out of order.");
	return 0;
}

/* Handshake: HELLO both ways in clear, crypto_kx session keys, secretstream
 * headers, then AUTH both ways inside the stream. */
static int
sync_handshake(struct sync_sess *s, int initiator, struct sync_result *res, char **cause)
{
	unsigned char epk[crypto_kx_PUBLICKEYBYTES], esk[crypto_kx_SECRETKEYBYTES];
	unsigned char krx[crypto_kx_SESSIONKEYBYTES], ktx[crypto_kx_SESSIONKEYBYTES];
	unsigned char hello[SYNC_HELLO_LEN], hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char signed_[SYNC_AUTH_SIGNED_LEN];
	const unsigned char *eph_i, *eph_r;
	struct sync_hello mine = {0}, theirs;
	struct sync_msg m;
	struct trust_cert pc = {0};
	int rc = -1;

	crypto_kx_keypair(epk, esk);
	mine.format = s->o->format ? s->o->format : SYNC_FORMAT;
	memcpy(mine.eph, epk, SYNC_KEY_LEN);
	sync_hello_write(&mine, hello);
	if (sync_frame_send(s->fd, hello, sizeof hello, cause) != 0 ||
	    sync_frame_recv(s->fd, &s->in, &s->inlen, cause) != 0 ||
	    sync_hello_parse(s->in, s->inlen, &theirs, cause) != 0)
		goto end;
	res->peer_format = theirs.format;
	s->format = theirs.format < mine.format ? theirs.format : mine.format;
	if (theirs.format > SYNC_FORMAT)
		snprintf(res->note, sizeof res->note,
		         "The peer speaks sync format %u, newer than this station's %u: the two "
		         "exchange in format %u; update this station's software when you can.",
		         theirs.format, (unsigned)SYNC_FORMAT, s->format);
	if (initiator ? crypto_kx_client_session_keys(krx, ktx, epk, esk, theirs.eph)
	              : crypto_kx_server_session_keys(krx, ktx, epk, esk, theirs.eph)) {
		util_fail(cause, "The peer's key share is not usable.");
		goto end;
	}
	crypto_secretstream_xchacha20poly1305_init_push(&s->tx, hdr, ktx);
	if (sync_frame_send(s->fd, hdr, sizeof hdr, cause) != 0 ||
	    sync_frame_recv(s->fd, &s->in, &s->inlen, cause) != 0)
		goto end;
	if (s->inlen != sizeof hdr ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&s->rx, s->in, krx) != 0) {
		util_fail(cause, "The peer's stream header is not usable.");
		goto end;
	}
	eph_i = initiator ? epk : theirs.eph;
	eph_r = initiator ? theirs.eph : epk;

	/* AUTH: my certificate, my ledger, my signature of both shares */
	memset(&m, 0, sizeof m);
	m.type = SYNC_AUTH;
	memcpy(m.u.auth.ledger, s->self->ledger, SYNC_ID_LEN);
	struct stamp now;
	stamp_now(&now);
	m.u.auth.wall_ms = now.wall_ms;
	m.u.auth.cert = s->self->cert_text;
	m.u.auth.cert_len = strlen(s->self->cert_text);
	sync_auth_signed(initiator ? 'I' : 'R', eph_i, eph_r, s->self->ledger, signed_);
	sign_detached(s->self->key, signed_, sizeof signed_, m.u.auth.sig);
	if (sync_send(s, &m, cause) != 0 || sync_expect(s, &m, SYNC_AUTH, cause) != 0)
		goto end;
	/* from here on a failure is the peer refused (shown to the coordinator) */
	res->refused = 1;
	if (trust_cert_parse(m.u.auth.cert, m.u.auth.cert_len, &pc, cause) != 0)
		goto end;
	snprintf(res->peer, sizeof res->peer, "%s", pc.station);
	if (trust_cert_verify(&pc, &s->self->event_pub, NULL) != 0 ||
	    strcmp(pc.event, s->self->cert.event) != 0) {
		util_fail(cause,
		          "Station %s's certificate was not made by this event's key: refused "
		          "(it is not a station of this event).",
		          pc.station);
		goto end;
	}
	sync_auth_signed(initiator ? 'R' : 'I', eph_i, eph_r, m.u.auth.ledger, signed_);
	if (sign_verify_detached(&pc.station_pub, signed_, sizeof signed_, m.u.auth.sig) != 0) {
		util_fail(cause,
		          "Station %s did not prove it holds the key of its certificate: refused.",
		          pc.station);
		goto end;
	}
	{
		static const unsigned char zero[TRUST_LEDGER_LEN];
		if (memcmp(pc.ledger, zero, TRUST_LEDGER_LEN) != 0 &&
		    memcmp(pc.ledger, m.u.auth.ledger, TRUST_LEDGER_LEN) != 0) {
			util_fail(cause,
			          "Station %s showed a ledger other than the one its certificate "
			          "names: refused.",
			          pc.station);
			goto end;
		}
	}
	if (memcmp(m.u.auth.ledger, s->self->ledger, LEDGER_HASH_LEN) == 0 ||
	    strcmp(pc.station, s->self->station) == 0) {
		util_fail(cause, "The peer is this station itself (or a copy of it): refused.");
		goto end;
	}
	res->refused = 0;
	memcpy(s->peer_ledger, m.u.auth.ledger, LEDGER_HASH_LEN);
	snprintf(s->peer_station, sizeof s->peer_station, "%s", pc.station);
	snprintf(res->peer, sizeof res->peer, "%s", pc.station);
	s->peer_pub = pc.station_pub;
	s->peer_cert = xstrndup(m.u.auth.cert, m.u.auth.cert_len);
	rc = 0;
end:
	trust_cert_clear(&pc);
	sodium_memzero(esk, sizeof esk);
	sodium_memzero(krx, sizeof krx);
	sodium_memzero(ktx, sizeof ktx);
	return rc;
}

/* ---- the ledger as a store ---- */

void
sync_lines_init(struct sync_lines *x)
{
	memset(x, 0, sizeof *x);
	x->lines = xcalloc(SYNC_BATCH_MAX, sizeof *x->lines);
	x->lens = xcalloc(SYNC_BATCH_MAX, sizeof *x->lens);
}

void
sync_lines_clear(struct sync_lines *x)
{
	if (x->lines != NULL)
		for (size_t i = 0; i < x->n; i++)
			free(x->lines[i]);
	free(x->lines);
	free(x->lens);
	memset(x, 0, sizeof *x);
}

static int
sync_ledger_self(void *ctx, unsigned char ledger[LEDGER_HASH_LEN],
                 char station[LEDGER_STATION_MAX + 1], char **cause)
{
	struct ledger_event ev;

	if (ledger_identity(ctx, ledger) != 0 || ledger_event(ctx, &ev) != 0)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ev.training)
		return util_fail(cause,
		                 "This is a training ledger: nothing in it counts, and it is "
		                 "never synced with other stations.");
	snprintf(station, LEDGER_STATION_MAX + 1, "%s", ev.station);
	return 0;
}

static int
sync_ledger_head(void *ctx, int64_t *seq, unsigned char hash[LEDGER_HASH_LEN], char **cause)
{
	(void)cause;
	ledger_head(ctx, seq, hash);
	return 0;
}

static int
sync_collect_cb(const struct ledger_entry *e, void *arg)
{
	struct sync_lines *c = arg;
	size_t n = c->n, len = strlen(e->line);

	if (n == SYNC_BATCH_MAX || (c->max > 0 && n >= c->max) ||
	    (n > 0 && c->bytes + len > SYNC_BATCH_BYTES))
		return 1;
	if (n == 0)
		c->first_seq = e->seq;
	c->lines[n] = xstrdup(e->line);
	c->lens[n] = len;
	c->n = n + 1;
	c->bytes += len;
	memcpy(c->last_hash, e->hash, LEDGER_HASH_LEN);
	return 0;
}

static int
sync_ledger_entries(void *ctx, int64_t from, struct sync_lines *out, char **cause)
{
	return ledger_entries(ctx, from, sync_collect_cb, out, cause);
}

static int
sync_ledger_peer_get(void *ctx, const unsigned char ledger[LEDGER_HASH_LEN], int64_t *head_seq,
                     char **cause)
{
	struct ledger_peer held;
	int known = ledger_peer_get(ctx, ledger, &held, cause);

	*head_seq = known == 1 ? held.head_seq : 0;
	return known;
}

static int
sync_ledger_peer_store(void *ctx, const struct ledger_peer_batch *b, int64_t budget, size_t *added,
                       char **cause)
{
	return ledger_peer_store(ctx, b, budget, added, cause);
}

static int
sync_ledger_peer_seen(void *ctx, const unsigned char ledger[LEDGER_HASH_LEN], int64_t seen_wall_ms,
                      int64_t offset_ms, int format, char **cause)
{
	return ledger_peer_seen(ctx, ledger, seen_wall_ms, offset_ms, format, cause);
}

static const struct sync_store_ops sync_ledger_ops = {
    sync_ledger_self,     sync_ledger_head,       sync_ledger_entries,
    sync_ledger_peer_get, sync_ledger_peer_store, sync_ledger_peer_seen,
};

struct sync_store
sync_store_ledger(struct ledger *l)
{
	struct sync_store st = {&sync_ledger_ops, l};
	return st;
}

/* ---- serving and pulling ---- */

/* Answers one PULL: TIME, then batches of this station's entries after
 * `after`, each with its signed head, then DONE. */
static int
sync_serve(struct sync_sess *s, const struct sync_msg *pull, struct sync_result *res, char **cause)
{
	struct sync_msg *m = xcalloc(1, sizeof *m);
	unsigned char signed_[SYNC_HEAD_SIGNED_LEN];
	int64_t from = pull->u.pull.after + 1, head;
	unsigned char hh[LEDGER_HASH_LEN];
	struct sync_lines c;
	struct stamp now;
	int batches = 0, rc = -1;

	sync_lines_init(&c);
	m->type = SYNC_TIME;
	m->u.time.t0 = pull->u.pull.t0;
	stamp_now(&now);
	m->u.time.t1 = now.wall_ms;
	if (sync_send(s, m, cause) != 0)
		goto end;
	if (s->st->ops->head(s->st->ctx, &head, hh, cause) != 0)
		goto end;
	while (from <= head) {
		for (size_t i = 0; i < c.n; i++)
			free(c.lines[i]);
		c.n = 0;
		c.bytes = 0;
		memset(m, 0, sizeof *m);
		m->type = SYNC_BATCH;
		if (s->st->ops->entries(s->st->ctx, from, &c, cause) != 0)
			goto end;
		if (c.n == 0)
			break;
		m->u.batch.first_seq = c.first_seq;
		m->u.batch.n = c.n;
		for (size_t i = 0; i < c.n; i++) {
			m->u.batch.lines[i] = c.lines[i];
			m->u.batch.lens[i] = c.lens[i];
		}
		memcpy(m->u.batch.head_hash, c.last_hash, LEDGER_HASH_LEN);
		sync_head_signed(s->self->ledger, m->u.batch.first_seq + (int64_t)m->u.batch.n - 1,
		                 c.last_hash, signed_);
		if (s->o->forge_head) {
			struct sign_key *k;
			sign_key_generate(&k);
			sign_detached(k, signed_, sizeof signed_, m->u.batch.head_sig);
			sign_key_free(k);
		} else
			sign_detached(s->self->key, signed_, sizeof signed_, m->u.batch.head_sig);
		if (sync_send(s, m, cause) != 0)
			goto end;
		res->sent += m->u.batch.n;
		from = m->u.batch.first_seq + (int64_t)m->u.batch.n;
		if (s->o->cut_after > 0 && ++batches >= s->o->cut_after) {
			util_fail(cause, "Cut after %d batches (a test's request).", batches);
			goto end;
		}
	}
	memset(m, 0, sizeof *m);
	m->type = SYNC_DONE;
	m->u.done.head_seq = head;
	rc = sync_send(s, m, cause);
end:
	sync_lines_clear(&c);
	free(m);
	return rc;
}

/* Pulls the peer's entries after what this station holds of them. */
static int
sync_pull(struct sync_sess *s, struct sync_result *res, char **cause)
{
	struct sync_msg *m = xcalloc(1, sizeof *m);
	unsigned char signed_[SYNC_HEAD_SIGNED_LEN];
	int64_t held = 0;
	struct stamp t0, t3;
	int known, rc = -1;

	if ((known = s->st->ops->peer_get(s->st->ctx, s->peer_ledger, &held, cause)) < 0)
		goto end;
	m->type = SYNC_PULL;
	m->u.pull.after = known ? held : 0;
	stamp_now(&t0);
	m->u.pull.t0 = t0.wall_ms;
	if (sync_send(s, m, cause) != 0 || sync_expect(s, m, SYNC_TIME, cause) != 0)
		goto end;
	stamp_now(&t3);
	if (m->u.time.t0 != t0.wall_ms) {
		util_fail(cause, "The peer answered another request.");
		goto end;
	}
	res->rtt_ms = t3.wall_ms - t0.wall_ms;
	res->offset_ms = m->u.time.t1 - (t0.wall_ms + t3.wall_ms) / 2;
	for (;;) {
		struct ledger_peer_batch b;
		size_t added;
		int64_t last;

		if (sync_recv(s, m, cause) != 0)
			goto end;
		if (m->type == SYNC_DONE)
			break;
		if (m->type != SYNC_BATCH) {
			util_fail(cause, "The peer sent its messages out of order.");
			goto end;
		}
		last = m->u.batch.first_seq + (int64_t)m->u.batch.n - 1;
		sync_head_signed(s->peer_ledger, last, m->u.batch.head_hash, signed_);
		if (sign_verify_detached(&s->peer_pub, signed_, sizeof signed_,
		                         m->u.batch.head_sig) != 0) {
			util_fail(cause,
			          "Station %s's chain head for entry %" PRId64
			          " is not signed by its key: refused, nothing of it kept.",
			          s->peer_station, last);
			res->refused = 1;
			goto end;
		}
		memset(&b, 0, sizeof b);
		b.ledger = s->peer_ledger;
		b.station = s->peer_station;
		b.cert = s->peer_cert;
		b.first_seq = m->u.batch.first_seq;
		b.n = m->u.batch.n;
		b.lines = m->u.batch.lines;
		b.lens = m->u.batch.lens;
		b.head_hash = m->u.batch.head_hash;
		b.head_sig = m->u.batch.head_sig;
		b.seen_wall_ms = t3.wall_ms;
		b.offset_ms = res->offset_ms;
		b.format = (int)res->peer_format;
		if (s->st->ops->peer_store(s->st->ctx, &b, s->o->budget, &added, cause) != 0) {
			/* a full budget or card is this station's, not the peer's fault */
			res->refused =
			    cause != NULL && *cause != NULL && strstr(*cause, "full") == NULL;
			goto end;
		}
		res->received += added;
	}
	res->peer_head = m->u.done.head_seq;
	if ((known || res->received > 0) &&
	    s->st->ops->peer_seen(s->st->ctx, s->peer_ledger, t3.wall_ms, res->offset_ms,
	                          (int)res->peer_format, cause) != 0)
		goto end;
	rc = 0;
end:
	free(m);
	return rc;
}

int
sync_exchange(struct ledger *l, const struct sync_self *self, int fd, int initiator,
              const struct sync_opts *o, struct sync_result *res, char **cause)
{
	struct sync_store st = sync_store_ledger(l);
	return sync_exchange_store(&st, self, fd, initiator, o, res, cause);
}

int
sync_exchange_store(const struct sync_store *st, const struct sync_self *self, int fd,
                    int initiator, const struct sync_opts *o, struct sync_result *res, char **cause)
{
	struct sync_sess s;
	struct sync_msg m;
	int rc = -1;

	memset(&s, 0, sizeof s);
	memset(res, 0, sizeof *res);
	s.fd = fd;
	s.st = st;
	s.self = self;
	s.o = o;
	sync_timeouts(fd, o->timeout_ms > 0 ? o->timeout_ms : 10000);
	if (sync_handshake(&s, initiator, res, cause) != 0)
		goto end;
	/* the caller pulls first, then serves; the other side the reverse */
	if (initiator) {
		if (sync_pull(&s, res, cause) != 0)
			goto end;
		if (sync_expect(&s, &m, SYNC_PULL, cause) != 0 ||
		    sync_serve(&s, &m, res, cause) != 0)
			goto end;
		if (sync_expect(&s, &m, SYNC_BYE, cause) != 0)
			goto end;
	} else {
		if (sync_expect(&s, &m, SYNC_PULL, cause) != 0 ||
		    sync_serve(&s, &m, res, cause) != 0)
			goto end;
		if (sync_pull(&s, res, cause) != 0)
			goto end;
		memset(&m, 0, sizeof m);
		m.type = SYNC_BYE;
		if (sync_send(&s, &m, cause) != 0)
			goto end;
	}
	rc = 0;
end:
	free(s.peer_cert);
	free(s.in);
	free(s.plain);
	sodium_memzero(&s.tx, sizeof s.tx);
	sodium_memzero(&s.rx, sizeof s.rx);
	return rc;
}
