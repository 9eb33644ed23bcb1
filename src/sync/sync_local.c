/* sync_local.c — see sync_local.h. */
#include "sync_local.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

/* ---- the kiosk's side ---- */

static void
sync_local_refuse(struct sync_buf *out, const char *cause)
{
	const char *c = cause != NULL ? cause : "The ledger refused the request.";
	size_t n = strlen(c);

	sync_buf_u8(out, 1);
	sync_buf_put(out, c, n > 1024 ? 1024 : n);
}

void
sync_local_ok(struct sync_buf *out)
{
	sync_buf_u8(out, 0);
}

/* The lines of a batch: n × (u32 length, bytes), pointers into the frame. */
static int
sync_local_lines(struct sync_rd *r, size_t n, const char **lines, size_t *lens)
{
	for (size_t i = 0; i < n; i++) {
		lens[i] = (size_t)sync_rd_uint(r, 4);
		if (r->bad || lens[i] == 0 || lens[i] > SYNC_LINE_MAX)
			return -1;
		lines[i] = (const char *)sync_rd_take(r, lens[i]);
		if (lines[i] == NULL)
			return -1;
	}
	return 0;
}

static void
sync_local_store_req(struct ledger *l, struct sync_rd *r, struct sync_buf *out)
{
	const char **lines = xcalloc(SYNC_BATCH_MAX, sizeof *lines);
	size_t *lens = xcalloc(SYNC_BATCH_MAX, sizeof *lens);
	unsigned char ledger[LEDGER_HASH_LEN], hh[LEDGER_HASH_LEN], sig[LEDGER_PEER_SIG_LEN];
	char station[LEDGER_STATION_MAX + 1], *cert = NULL, *cause = NULL;
	struct ledger_peer_batch b;
	size_t sl, cl, added = 0;
	int64_t budget;

	memset(&b, 0, sizeof b);
	budget = (int64_t)sync_rd_uint(r, 8);
	sync_rd_copy(r, ledger, sizeof ledger);
	sl = (size_t)sync_rd_uint(r, 1);
	if (sl > LEDGER_STATION_MAX)
		r->bad = 1;
	sync_rd_copy(r, station, r->bad ? 0 : sl);
	station[r->bad ? 0 : sl] = '\0';
	cl = (size_t)sync_rd_uint(r, 4);
	if (cl > SYNC_CERT_MAX)
		r->bad = 1;
	if (!r->bad) {
		const unsigned char *c = sync_rd_take(r, cl);
		if (c != NULL)
			cert = xstrndup((const char *)c, cl);
	}
	b.first_seq = (int64_t)sync_rd_uint(r, 8);
	b.n = (size_t)sync_rd_uint(r, 2);
	if (r->bad || b.n == 0 || b.n > SYNC_BATCH_MAX ||
	    sync_local_lines(r, b.n, lines, lens) != 0)
		r->bad = 1;
	sync_rd_copy(r, hh, sizeof hh);
	sync_rd_copy(r, sig, sizeof sig);
	b.seen_wall_ms = (int64_t)sync_rd_uint(r, 8);
	b.offset_ms = (int64_t)sync_rd_uint(r, 8);
	b.format = (int)sync_rd_uint(r, 2);
	if (r->bad || r->at != r->len || cert == NULL) {
		sync_local_refuse(out, "wat-sync sent a malformed request.");
		goto end;
	}
	b.ledger = ledger;
	b.station = station;
	b.cert = cert;
	b.lines = lines;
	b.lens = lens;
	b.head_hash = hh;
	b.head_sig = sig;
	if (ledger_peer_store(l, &b, budget, &added, &cause) != 0) {
		sync_local_refuse(out, cause);
		goto end;
	}
	sync_local_ok(out);
	sync_buf_u32(out, (uint32_t)added);
end:
	free(cause);
	free(cert);
	free(lines);
	free(lens);
}

void
sync_local_answer(struct ledger *l, const unsigned char *req, size_t len, struct sync_buf *out)
{
	struct sync_rd r = {req, len, 0, 0};
	struct sync_store st = sync_store_ledger(l);
	unsigned char id[LEDGER_HASH_LEN];
	char station[LEDGER_STATION_MAX + 1], *cause = NULL;
	struct sync_lines x;
	int64_t seq, a, b;
	int known;

	switch (sync_rd_uint(&r, 1)) {
	case SYNC_LOCAL_SELF:
		if (r.at != r.len)
			break;
		if (st.ops->self(st.ctx, id, station, &cause) != 0)
			goto refused;
		sync_local_ok(out);
		sync_buf_put(out, id, sizeof id);
		sync_buf_u8(out, (unsigned)strlen(station));
		sync_buf_put(out, station, strlen(station));
		return;
	case SYNC_LOCAL_HEAD:
		if (r.at != r.len)
			break;
		st.ops->head(st.ctx, &seq, id, &cause);
		sync_local_ok(out);
		sync_buf_i64(out, seq);
		sync_buf_put(out, id, sizeof id);
		return;
	case SYNC_LOCAL_ENTRIES:
		seq = (int64_t)sync_rd_uint(&r, 8);
		if (r.bad || r.at != r.len || seq < 1)
			break;
		sync_lines_init(&x);
		x.max = SYNC_LOCAL_ENTRIES_MAX;
		if (st.ops->entries(st.ctx, seq, &x, &cause) != 0) {
			sync_lines_clear(&x);
			goto refused;
		}
		sync_local_ok(out);
		sync_buf_i64(out, x.first_seq);
		sync_buf_u16(out, (unsigned)x.n);
		sync_buf_put(out, x.last_hash, sizeof x.last_hash);
		for (size_t i = 0; i < x.n; i++) {
			sync_buf_u32(out, (uint32_t)x.lens[i]);
			sync_buf_put(out, x.lines[i], x.lens[i]);
		}
		sync_lines_clear(&x);
		return;
	case SYNC_LOCAL_PEER_GET:
		sync_rd_copy(&r, id, sizeof id);
		if (r.bad || r.at != r.len)
			break;
		if ((known = st.ops->peer_get(st.ctx, id, &seq, &cause)) < 0)
			goto refused;
		sync_local_ok(out);
		sync_buf_u8(out, (unsigned)known);
		sync_buf_i64(out, seq);
		return;
	case SYNC_LOCAL_PEER_STORE: sync_local_store_req(l, &r, out); return;
	case SYNC_LOCAL_PEER_SEEN:
		sync_rd_copy(&r, id, sizeof id);
		a = (int64_t)sync_rd_uint(&r, 8);
		b = (int64_t)sync_rd_uint(&r, 8);
		known = (int)sync_rd_uint(&r, 2);
		if (r.bad || r.at != r.len)
			break;
		if (st.ops->peer_seen(st.ctx, id, a, b, known, &cause) != 0)
			goto refused;
		sync_local_ok(out);
		return;
	default: break;
	}
	sync_local_refuse(out, "wat-sync sent a malformed request.");
	return;
refused:
	sync_local_refuse(out, cause);
	free(cause);
}

int
sync_local_report_parse(const unsigned char *req, size_t len, struct sync_report *rep)
{
	struct sync_rd r = {req, len, 0, 0};
	size_t n;

	if (len < 1 || req[0] != SYNC_LOCAL_REPORT)
		return 0;
	memset(rep, 0, sizeof *rep);
	r.at = 1;
	rep->kind = (enum sync_report_kind)sync_rd_uint(&r, 1);
	rep->format = (unsigned)sync_rd_uint(&r, 2);
	n = (size_t)sync_rd_uint(&r, 1);
	if (n > LEDGER_STATION_MAX)
		return -1;
	sync_rd_copy(&r, rep->station, n);
	n = (size_t)sync_rd_uint(&r, 1);
	if (n >= sizeof rep->addr)
		return -1;
	sync_rd_copy(&r, rep->addr, n);
	n = (size_t)sync_rd_uint(&r, 2);
	if (n >= sizeof rep->text)
		return -1;
	sync_rd_copy(&r, rep->text, n);
	if (r.bad || r.at != r.len || rep->kind < SYNC_REPORT_REFUSED || rep->kind > SYNC_REPORT_OK)
		return -1;
	return 1;
}

/* ---- wat-sync's side ---- */

int
sync_local_connect(const char *path, int timeout_ms, int *fd, char **cause)
{
	struct sockaddr_un sa;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	int s;

	*fd = -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path)
		return util_fail(cause, "The kiosk's socket path is too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path));
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return util_fail(cause, "No socket: %s", strerror(errno));
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;
		close(s);
		return util_fail(cause, "The kiosk is not answering on %s (%s).", path,
		                 strerror(e));
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	*fd = s;
	return 0;
}

struct sync_local_cli {
	int fd;
	struct sync_buf req;
	unsigned char *in;
	size_t inlen;
};

/* Sends the request built in c->req; the reply's body (after its status)
 * in *r, or -1 and the kiosk's refusal in *cause. */
static int
sync_local_call(struct sync_local_cli *c, struct sync_rd *r, char **cause)
{
	int rc = sync_frame_send(c->fd, c->req.p, c->req.len, cause);

	c->req.len = 0;
	if (rc != 0 ||
	    sync_frame_recv_max(c->fd, SYNC_LOCAL_FRAME_MAX, &c->in, &c->inlen, cause) != 0)
		return -1;
	if (c->inlen < 1)
		return util_fail(cause, "The kiosk sent an empty reply.");
	if (c->in[0] != 0)
		return util_fail(cause, "%.*s", (int)(c->inlen - 1), (const char *)c->in + 1);
	r->p = c->in;
	r->len = c->inlen;
	r->at = 1;
	r->bad = 0;
	return 0;
}

static int
sync_local_bad(char **cause)
{
	return util_fail(cause, "The kiosk sent a malformed reply.");
}

static int
sync_local_self(void *ctx, unsigned char ledger[LEDGER_HASH_LEN],
                char station[LEDGER_STATION_MAX + 1], char **cause)
{
	struct sync_local_cli *c = ctx;
	struct sync_rd r;
	size_t n;

	sync_buf_u8(&c->req, SYNC_LOCAL_SELF);
	if (sync_local_call(c, &r, cause) != 0)
		return -1;
	sync_rd_copy(&r, ledger, LEDGER_HASH_LEN);
	n = (size_t)sync_rd_uint(&r, 1);
	if (n > LEDGER_STATION_MAX)
		return sync_local_bad(cause);
	sync_rd_copy(&r, station, n);
	station[n] = '\0';
	return r.bad || r.at != r.len ? sync_local_bad(cause) : 0;
}

static int
sync_local_head(void *ctx, int64_t *seq, unsigned char hash[LEDGER_HASH_LEN], char **cause)
{
	struct sync_local_cli *c = ctx;
	struct sync_rd r;

	sync_buf_u8(&c->req, SYNC_LOCAL_HEAD);
	if (sync_local_call(c, &r, cause) != 0)
		return -1;
	*seq = (int64_t)sync_rd_uint(&r, 8);
	sync_rd_copy(&r, hash, LEDGER_HASH_LEN);
	return r.bad || r.at != r.len ? sync_local_bad(cause) : 0;
}

static int
sync_local_entries(void *ctx, int64_t from, struct sync_lines *x, char **cause)
{
	struct sync_local_cli *c = ctx;
	struct sync_rd r;
	size_t n;

	sync_buf_u8(&c->req, SYNC_LOCAL_ENTRIES);
	sync_buf_i64(&c->req, from);
	if (sync_local_call(c, &r, cause) != 0)
		return -1;
	x->first_seq = (int64_t)sync_rd_uint(&r, 8);
	n = (size_t)sync_rd_uint(&r, 2);
	sync_rd_copy(&r, x->last_hash, LEDGER_HASH_LEN);
	if (r.bad || n > SYNC_BATCH_MAX)
		return sync_local_bad(cause);
	for (size_t i = 0; i < n; i++) {
		size_t len = (size_t)sync_rd_uint(&r, 4);
		const unsigned char *p =
		    r.bad || len > SYNC_LINE_MAX ? NULL : sync_rd_take(&r, len);

		if (p == NULL)
			return sync_local_bad(cause);
		x->lines[x->n] = xstrndup((const char *)p, len);
		x->lens[x->n++] = len;
		x->bytes += len;
	}
	return r.at != r.len ? sync_local_bad(cause) : 0;
}

static int
sync_local_peer_get(void *ctx, const unsigned char ledger[LEDGER_HASH_LEN], int64_t *head_seq,
                    char **cause)
{
	struct sync_local_cli *c = ctx;
	struct sync_rd r;
	int known;

	sync_buf_u8(&c->req, SYNC_LOCAL_PEER_GET);
	sync_buf_put(&c->req, ledger, LEDGER_HASH_LEN);
	if (sync_local_call(c, &r, cause) != 0)
		return -1;
	known = (int)sync_rd_uint(&r, 1);
	*head_seq = (int64_t)sync_rd_uint(&r, 8);
	return r.bad || r.at != r.len || known > 1 ? sync_local_bad(cause) : known;
}

static int
sync_local_peer_store(void *ctx, const struct ledger_peer_batch *b, int64_t budget, size_t *added,
                      char **cause)
{
	struct sync_local_cli *c = ctx;
	struct sync_rd r;
	size_t sl = strlen(b->station), cl = strlen(b->cert);

	sync_buf_u8(&c->req, SYNC_LOCAL_PEER_STORE);
	sync_buf_i64(&c->req, budget);
	sync_buf_put(&c->req, b->ledger, LEDGER_HASH_LEN);
	sync_buf_u8(&c->req, (unsigned)sl);
	sync_buf_put(&c->req, b->station, sl);
	sync_buf_u32(&c->req, (uint32_t)cl);
	sync_buf_put(&c->req, b->cert, cl);
	sync_buf_i64(&c->req, b->first_seq);
	sync_buf_u16(&c->req, (unsigned)b->n);
	for (size_t i = 0; i < b->n; i++) {
		sync_buf_u32(&c->req, (uint32_t)b->lens[i]);
		sync_buf_put(&c->req, b->lines[i], b->lens[i]);
	}
	sync_buf_put(&c->req, b->head_hash, LEDGER_HASH_LEN);
	sync_buf_put(&c->req, b->head_sig, LEDGER_PEER_SIG_LEN);
	sync_buf_i64(&c->req, b->seen_wall_ms);
	sync_buf_i64(&c->req, b->offset_ms);
	sync_buf_u16(&c->req, (unsigned)b->format);
	if (sync_local_call(c, &r, cause) != 0)
		return -1;
	*added = (size_t)sync_rd_uint(&r, 4);
	return r.bad || r.at != r.len ? sync_local_bad(cause) : 0;
}

static int
sync_local_peer_seen(void *ctx, const unsigned char ledger[LEDGER_HASH_LEN], int64_t seen_wall_ms,
                     int64_t offset_ms, int format, char **cause)
{
	struct sync_local_cli *c = ctx;
	struct sync_rd r;

	sync_buf_u8(&c->req, SYNC_LOCAL_PEER_SEEN);
	sync_buf_put(&c->req, ledger, LEDGER_HASH_LEN);
	sync_buf_i64(&c->req, seen_wall_ms);
	sync_buf_i64(&c->req, offset_ms);
	sync_buf_u16(&c->req, (unsigned)format);
	if (sync_local_call(c, &r, cause) != 0)
		return -1;
	return r.at != r.len ? sync_local_bad(cause) : 0;
}

static const struct sync_store_ops sync_local_ops = {
    sync_local_self,     sync_local_head,       sync_local_entries,
    sync_local_peer_get, sync_local_peer_store, sync_local_peer_seen,
};

struct sync_store
sync_local_store(int fd)
{
	struct sync_local_cli *c = xcalloc(1, sizeof *c);
	struct sync_store st = {&sync_local_ops, c};

	c->fd = fd;
	return st;
}

void
sync_local_store_free(struct sync_store *st)
{
	struct sync_local_cli *c = st->ctx;

	if (c != NULL) {
		sync_buf_free(&c->req);
		free(c->in);
		free(c);
	}
	st->ctx = NULL;
}

int
sync_local_report(int fd, const struct sync_report *rep, char **cause)
{
	struct sync_local_cli c;
	struct sync_rd r;
	size_t sl = strlen(rep->station), al = strlen(rep->addr), tl = strlen(rep->text);
	int rc;

	memset(&c, 0, sizeof c);
	c.fd = fd;
	sync_buf_u8(&c.req, SYNC_LOCAL_REPORT);
	sync_buf_u8(&c.req, rep->kind);
	sync_buf_u16(&c.req, rep->format);
	sync_buf_u8(&c.req, (unsigned)sl);
	sync_buf_put(&c.req, rep->station, sl);
	sync_buf_u8(&c.req, (unsigned)al);
	sync_buf_put(&c.req, rep->addr, al);
	sync_buf_u16(&c.req, (unsigned)tl);
	sync_buf_put(&c.req, rep->text, tl);
	rc = sync_local_call(&c, &r, cause);
	sync_buf_free(&c.req);
	free(c.in);
	return rc;
}
