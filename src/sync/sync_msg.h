/* sync_msg.h — the messages stations exchange (docs/SYNC.md, byte for
 * byte): pure C, no sockets and no crypto, so the fuzz target and the unit
 * test reach every parser alone.  Integers are big-endian; a parser refuses
 * a message that is short, long, or has a field out of range, naming it. */
#ifndef WAT_SYNC_MSG_H
#define WAT_SYNC_MSG_H

#include <stddef.h>
#include <stdint.h>

#define SYNC_FORMAT      1          /* the format this program speaks */
#define SYNC_MAGIC       "WATSYNC1" /* 8 bytes, no NUL */
#define SYNC_MAGIC_LEN   8
#define SYNC_KEY_LEN     32 /* X25519 public key */
#define SYNC_ID_LEN      32 /* a ledger identity */
#define SYNC_HASH_LEN    32
#define SYNC_SIG_LEN     64 /* Ed25519 */
#define SYNC_HELLO_LEN   (SYNC_MAGIC_LEN + 2 + SYNC_KEY_LEN)
#define SYNC_FRAME_MAX   (1024 * 1024) /* bytes in one frame */
#define SYNC_BATCH_MAX   500           /* entries in one batch */
#define SYNC_BATCH_BYTES (512 * 1024)  /* line bytes in one batch (a longer line goes alone) */
#define SYNC_LINE_MAX    (64 * 1024)
#define SYNC_CERT_MAX    16384
#define SYNC_STATION_MAX 16

/* What a signature covers (docs/SYNC.md). */
#define SYNC_AUTH_CONTEXT    "wat-sync-auth/1\n" /* 16 bytes */
#define SYNC_HEAD_CONTEXT    "wat-sync-head/1\n"
#define SYNC_CONTEXT_LEN     16
#define SYNC_AUTH_SIGNED_LEN (SYNC_CONTEXT_LEN + 1 + 2 * SYNC_KEY_LEN + SYNC_ID_LEN)
#define SYNC_HEAD_SIGNED_LEN (SYNC_CONTEXT_LEN + SYNC_ID_LEN + 8 + SYNC_HASH_LEN)

enum sync_type {
	SYNC_AUTH = 1,  /* who this station is, proven */
	SYNC_PULL = 2,  /* "your entries after seq N" */
	SYNC_TIME = 3,  /* the answer's first message: the clocks */
	SYNC_BATCH = 4, /* entries and their signed chain head */
	SYNC_DONE = 5,  /* no more entries: the head served */
	SYNC_BYE = 6,   /* the exchange is over */
};

/* The clear first message, both ways. */
struct sync_hello {
	unsigned format;
	unsigned char eph[SYNC_KEY_LEN];
};

/* One encrypted message; pointers borrow from the parsed buffer. */
struct sync_msg {
	enum sync_type type;
	union {
		struct {
			unsigned char ledger[SYNC_ID_LEN];
			int64_t wall_ms;
			const char *cert;
			size_t cert_len;
			unsigned char sig[SYNC_SIG_LEN];
		} auth;
		struct {
			int64_t after, t0;
		} pull;
		struct {
			int64_t t0, t1;
		} time;
		struct {
			int64_t first_seq;
			size_t n;
			const char *lines[SYNC_BATCH_MAX];
			size_t lens[SYNC_BATCH_MAX];
			unsigned char head_hash[SYNC_HASH_LEN];
			unsigned char head_sig[SYNC_SIG_LEN];
		} batch;
		struct {
			int64_t head_seq;
		} done;
	} u;
};

/* A growing byte buffer for writing messages. */
struct sync_buf {
	unsigned char *p;
	size_t len, cap;
};
void sync_buf_put(struct sync_buf *b, const void *data, size_t len);
void sync_buf_u8(struct sync_buf *b, unsigned v);
void sync_buf_u16(struct sync_buf *b, unsigned v);
void sync_buf_u32(struct sync_buf *b, uint32_t v);
void sync_buf_i64(struct sync_buf *b, int64_t v);
void sync_buf_free(struct sync_buf *b);

/* Reading a message: each call takes its bytes, or sets bad (and gives
 * NULL or zeros) when too few are left. */
struct sync_rd {
	const unsigned char *p;
	size_t len, at;
	int bad;
};
const unsigned char *sync_rd_take(struct sync_rd *r, size_t n);
uint64_t sync_rd_uint(struct sync_rd *r, size_t n); /* n bytes, big-endian */
void sync_rd_copy(struct sync_rd *r, void *out, size_t n);

void sync_hello_write(const struct sync_hello *h, unsigned char out[SYNC_HELLO_LEN]);
int sync_hello_parse(const unsigned char *p, size_t len, struct sync_hello *h, char **cause);

/* Writes m to b (appended). */
void sync_msg_write(const struct sync_msg *m, struct sync_buf *b);
/* Parses one message (len bytes, borrowed by m). */
int sync_msg_parse(const unsigned char *p, size_t len, struct sync_msg *m, char **cause);

/* The bytes a station signs in its AUTH: role 'I' (the one that called) or
 * 'R', both ephemeral keys (the caller's first), its ledger identity. */
void sync_auth_signed(unsigned char role, const unsigned char eph_i[SYNC_KEY_LEN],
                      const unsigned char eph_r[SYNC_KEY_LEN],
                      const unsigned char ledger[SYNC_ID_LEN],
                      unsigned char out[SYNC_AUTH_SIGNED_LEN]);
/* The bytes a station signs for its chain head after entry seq. */
void sync_head_signed(const unsigned char ledger[SYNC_ID_LEN], int64_t seq,
                      const unsigned char hash[SYNC_HASH_LEN],
                      unsigned char out[SYNC_HEAD_SIGNED_LEN]);

#endif
