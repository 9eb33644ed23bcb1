/* sync_msg.c — see sync_msg.h. */
#include "sync_msg.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void
sync_buf_put(struct sync_buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + len)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (len > 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

void
sync_buf_u8(struct sync_buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	sync_buf_put(b, &c, 1);
}

void
sync_buf_u16(struct sync_buf *b, unsigned v)
{
	unsigned char c[2] = {(unsigned char)(v >> 8), (unsigned char)v};
	sync_buf_put(b, c, 2);
}

void
sync_buf_u32(struct sync_buf *b, uint32_t v)
{
	unsigned char c[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 8), (unsigned char)v};
	sync_buf_put(b, c, 4);
}

void
sync_buf_i64(struct sync_buf *b, int64_t v)
{
	uint64_t u = (uint64_t)v;
	unsigned char c[8];

	for (int i = 7; i >= 0; i--, u >>= 8)
		c[i] = (unsigned char)u;
	sync_buf_put(b, c, 8);
}

void
sync_buf_free(struct sync_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* ---- reading ---- */

const unsigned char *
sync_rd_take(struct sync_rd *r, size_t n)
{
	const unsigned char *q;

	if (r->bad || r->len - r->at < n) {
		r->bad = 1;
		return NULL;
	}
	q = r->p + r->at;
	r->at += n;
	return q;
}

uint64_t
sync_rd_uint(struct sync_rd *r, size_t n)
{
	const unsigned char *q = sync_rd_take(r, n);
	uint64_t v = 0;

	for (size_t i = 0; q != NULL && i < n; i++)
		v = v << 8 | q[i];
	return v;
}

void
sync_rd_copy(struct sync_rd *r, void *out, size_t n)
{
	const unsigned char *q = sync_rd_take(r, n);

	if (q != NULL)
		memcpy(out, q, n);
	else
		memset(out, 0, n);
}

void
sync_hello_write(const struct sync_hello *h, unsigned char out[SYNC_HELLO_LEN])
{
	memcpy(out, SYNC_MAGIC, SYNC_MAGIC_LEN);
	out[SYNC_MAGIC_LEN] = (unsigned char)(h->format >> 8);
	out[SYNC_MAGIC_LEN + 1] = (unsigned char)h->format;
	memcpy(out + SYNC_MAGIC_LEN + 2, h->eph, SYNC_KEY_LEN);
}

int
sync_hello_parse(const unsigned char *p, size_t len, struct sync_hello *h, char **cause)
{
	if (len != SYNC_HELLO_LEN || memcmp(p, SYNC_MAGIC, SYNC_MAGIC_LEN) != 0)
		return util_fail(cause, "The peer does not speak W.A.T. station sync.");
	h->format = (unsigned)p[SYNC_MAGIC_LEN] << 8 | p[SYNC_MAGIC_LEN + 1];
	if (h->format == 0)
		return util_fail(cause, "The peer said sync format 0, which does not exist.");
	memcpy(h->eph, p + SYNC_MAGIC_LEN + 2, SYNC_KEY_LEN);
	return 0;
}

void
sync_msg_write(const struct sync_msg *m, struct sync_buf *b)
{
	sync_buf_u8(b, m->type);
	switch (m->type) {
	case SYNC_AUTH:
		sync_buf_put(b, m->u.auth.ledger, SYNC_ID_LEN);
		sync_buf_i64(b, m->u.auth.wall_ms);
		sync_buf_u16(b, (unsigned)m->u.auth.cert_len);
		sync_buf_put(b, m->u.auth.cert, m->u.auth.cert_len);
		sync_buf_put(b, m->u.auth.sig, SYNC_SIG_LEN);
		break;
	case SYNC_PULL:
		sync_buf_i64(b, m->u.pull.after);
		sync_buf_i64(b, m->u.pull.t0);
		break;
	case SYNC_TIME:
		sync_buf_i64(b, m->u.time.t0);
		sync_buf_i64(b, m->u.time.t1);
		break;
	case SYNC_BATCH:
		sync_buf_i64(b, m->u.batch.first_seq);
		sync_buf_u16(b, (unsigned)m->u.batch.n);
		for (size_t i = 0; i < m->u.batch.n; i++) {
			sync_buf_u32(b, (uint32_t)m->u.batch.lens[i]);
			sync_buf_put(b, m->u.batch.lines[i], m->u.batch.lens[i]);
		}
		sync_buf_put(b, m->u.batch.head_hash, SYNC_HASH_LEN);
		sync_buf_put(b, m->u.batch.head_sig, SYNC_SIG_LEN);
		break;
	case SYNC_DONE: sync_buf_i64(b, m->u.done.head_seq); break;
	case SYNC_BYE: break;
	}
}

int
sync_msg_parse(const unsigned char *p, size_t len, struct sync_msg *m, char **cause)
{
	struct sync_rd r = {p, len, 0, 0};
	const char *what = "message";

	if (len > SYNC_FRAME_MAX)
		return util_fail(cause, "The peer sent a message too long to be one of ours.");
	m->type = (enum sync_type)sync_rd_uint(&r, 1);
	switch (m->type) {
	case SYNC_AUTH:
		what = "introduction";
		sync_rd_copy(&r, m->u.auth.ledger, SYNC_ID_LEN);
		m->u.auth.wall_ms = (int64_t)sync_rd_uint(&r, 8);
		m->u.auth.cert_len = (size_t)sync_rd_uint(&r, 2);
		if (m->u.auth.cert_len == 0 || m->u.auth.cert_len > SYNC_CERT_MAX)
			r.bad = 1;
		m->u.auth.cert = (const char *)sync_rd_take(&r, m->u.auth.cert_len);
		sync_rd_copy(&r, m->u.auth.sig, SYNC_SIG_LEN);
		break;
	case SYNC_PULL:
		what = "request";
		m->u.pull.after = (int64_t)sync_rd_uint(&r, 8);
		m->u.pull.t0 = (int64_t)sync_rd_uint(&r, 8);
		if (m->u.pull.after < 0)
			r.bad = 1;
		break;
	case SYNC_TIME:
		what = "clock reading";
		m->u.time.t0 = (int64_t)sync_rd_uint(&r, 8);
		m->u.time.t1 = (int64_t)sync_rd_uint(&r, 8);
		break;
	case SYNC_BATCH:
		what = "batch of entries";
		m->u.batch.first_seq = (int64_t)sync_rd_uint(&r, 8);
		m->u.batch.n = (size_t)sync_rd_uint(&r, 2);
		if (m->u.batch.first_seq < 1 || m->u.batch.n == 0 ||
		    m->u.batch.n > SYNC_BATCH_MAX ||
		    m->u.batch.first_seq > INT64_MAX - SYNC_BATCH_MAX)
			r.bad = 1;
		for (size_t i = 0; !r.bad && i < m->u.batch.n; i++) {
			size_t n = (size_t)sync_rd_uint(&r, 4);
			if (n == 0 || n > SYNC_LINE_MAX) {
				r.bad = 1;
				break;
			}
			m->u.batch.lens[i] = n;
			m->u.batch.lines[i] = (const char *)sync_rd_take(&r, n);
		}
		sync_rd_copy(&r, m->u.batch.head_hash, SYNC_HASH_LEN);
		sync_rd_copy(&r, m->u.batch.head_sig, SYNC_SIG_LEN);
		break;
	case SYNC_DONE:
		what = "end of entries";
		m->u.done.head_seq = (int64_t)sync_rd_uint(&r, 8);
		if (m->u.done.head_seq < 0)
			r.bad = 1;
		break;
	case SYNC_BYE: what = "goodbye"; break;
	default: return util_fail(cause, "The peer sent a message of an unknown type.");
	}
	if (r.bad || r.at != len)
		return util_fail(cause, "The peer sent a malformed %s.", what);
	return 0;
}

void
sync_auth_signed(unsigned char role, const unsigned char eph_i[SYNC_KEY_LEN],
                 const unsigned char eph_r[SYNC_KEY_LEN], const unsigned char ledger[SYNC_ID_LEN],
                 unsigned char out[SYNC_AUTH_SIGNED_LEN])
{
	unsigned char *q = out;

	memcpy(q, SYNC_AUTH_CONTEXT, SYNC_CONTEXT_LEN);
	q += SYNC_CONTEXT_LEN;
	*q++ = role;
	memcpy(q, eph_i, SYNC_KEY_LEN);
	q += SYNC_KEY_LEN;
	memcpy(q, eph_r, SYNC_KEY_LEN);
	q += SYNC_KEY_LEN;
	memcpy(q, ledger, SYNC_ID_LEN);
}

void
sync_head_signed(const unsigned char ledger[SYNC_ID_LEN], int64_t seq,
                 const unsigned char hash[SYNC_HASH_LEN], unsigned char out[SYNC_HEAD_SIGNED_LEN])
{
	uint64_t u = (uint64_t)seq;

	memcpy(out, SYNC_HEAD_CONTEXT, SYNC_CONTEXT_LEN);
	memcpy(out + SYNC_CONTEXT_LEN, ledger, SYNC_ID_LEN);
	for (int i = 7; i >= 0; i--, u >>= 8)
		out[SYNC_CONTEXT_LEN + SYNC_ID_LEN + i] = (unsigned char)u;
	memcpy(out + SYNC_CONTEXT_LEN + SYNC_ID_LEN + 8, hash, SYNC_HASH_LEN);
}
