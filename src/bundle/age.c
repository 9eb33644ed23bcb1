/* age.c — age v1 with X25519 recipients on libsodium alone (see age.h and
 * ../shared notes: C2SP age v1).  Pitfalls kept in mind: the salt is
 * share ‖ recipient, the chunk nonce is an 11-byte counter and a final
 * flag, the MAC stops before the space after "---", and a file of an exact
 * multiple of 64 KiB ends on a full final chunk (no empty one after it). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "age.h"
#include "util.h"

#define AGE_VERSION_LINE "age-encryption.org/v1"
#define AGE_FILEKEY_LEN  16
#define AGE_NONCE_LEN    16
#define AGE_TAG_LEN      crypto_aead_chacha20poly1305_ietf_ABYTES
#define AGE_ENC_CHUNK    (AGE_CHUNK + AGE_TAG_LEN)
#define AGE_B64_32       43 /* 32 bytes in unpadded base64 */
#define AGE_LINE_MAX     4096
#define AGE_HEADER_MAX   (256 * 1024)
#define AGE_MAX_RCPT     16
#define AGE_INFO_X25519  "age-encryption.org/v1/X25519"
#define AGE_HRP_RCPT     "age"
#define AGE_HRP_ID       "age-secret-key-"

/* ---- Bech32 (BIP 173, not bech32m) ----------------------------------------- */

static const char age_b32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t
age_polymod(const unsigned char *v, size_t n)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
	uint32_t chk = 1, top;

	for (size_t i = 0; i < n; i++) {
		top = chk >> 25;
		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (int j = 0; j < 5; j++)
			if ((top >> j) & 1)
				chk ^= gen[j];
	}
	return chk;
}

/* hrp expanded, then the 5-bit values: what the checksum covers. */
static size_t
age_expand(const char *hrp, const unsigned char *d5, size_t n5, unsigned char *out)
{
	size_t h = strlen(hrp), k = 0;

	for (size_t i = 0; i < h; i++)
		out[k++] = (unsigned char)hrp[i] >> 5;
	out[k++] = 0;
	for (size_t i = 0; i < h; i++)
		out[k++] = (unsigned char)hrp[i] & 31;
	memcpy(out + k, d5, n5);
	return k + n5;
}

/* hrp (lowercase) + "1" + 32 bytes as 52 groups + checksum; upper for keys. */
static void
age_bech32_encode(const char *hrp, const unsigned char key[AGE_KEY_LEN], int upper, char *out)
{
	unsigned char d5[64], buf[128];
	uint32_t acc = 0, mod;
	size_t n5 = 0, n, k;
	int bits = 0;

	for (size_t i = 0; i < AGE_KEY_LEN; i++) {
		acc = (acc << 8) | key[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			d5[n5++] = (acc >> bits) & 31;
		}
	}
	if (bits > 0)
		d5[n5++] = (acc << (5 - bits)) & 31;
	n = age_expand(hrp, d5, n5, buf);
	memset(buf + n, 0, 6);
	mod = age_polymod(buf, n + 6) ^ 1;
	for (int i = 0; i < 6; i++)
		d5[n5 + (size_t)i] = (mod >> (5 * (5 - i))) & 31;
	k = 0;
	for (size_t i = 0; hrp[i] != '\0'; i++)
		out[k++] =
		    upper ? (char)(hrp[i] - ('a' <= hrp[i] && hrp[i] <= 'z' ? 32 : 0)) : hrp[i];
	out[k++] = '1';
	for (size_t i = 0; i < n5 + 6; i++) {
		char c = age_b32[d5[i]];
		out[k++] = upper && 'a' <= c && c <= 'z' ? (char)(c - 32) : c;
	}
	out[k] = '\0';
	sodium_memzero(d5, sizeof d5);
	sodium_memzero(buf, sizeof buf);
}

/* Decodes one key of what (a phrase for messages): the case must be upper
 * (identities) or lower (recipients) throughout, as age 1.1.1 wants. */
static int
age_bech32_decode(const char *s, size_t len, const char *hrp, int upper, const char *what,
                  unsigned char key[AGE_KEY_LEN], char **cause)
{
	unsigned char d5[96] = {0}, buf[160];
	size_t h = strlen(hrp), n5, n, nk = 0;
	uint32_t acc = 0;
	int bits = 0, rc = -1;

	if (len != h + 1 + 58)
		return util_fail(cause, "This is not %s: it has %zu characters, not %zu.", what,
		                 len, h + 1 + 58);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if ((upper && 'a' <= c && c <= 'z') || (!upper && 'A' <= c && c <= 'Z'))
			return util_fail(cause, "This is not %s: it must be in %s letters only.",
			                 what, upper ? "capital" : "small");
		if (i < h && c != (upper && 'a' <= hrp[i] && hrp[i] <= 'z' ? hrp[i] - 32 : hrp[i]))
			return util_fail(cause, "This is not %s: it must start with \"%s1\".", what,
			                 upper ? "AGE-SECRET-KEY-" : "age");
	}
	if (s[h] != '1')
		return util_fail(cause, "This is not %s: it must start with \"%s1\".", what,
		                 upper ? "AGE-SECRET-KEY-" : "age");
	n5 = len - h - 1;
	for (size_t i = 0; i < n5; i++) {
		char c = s[h + 1 + i];
		const char *p;
		if (upper && 'A' <= c && c <= 'Z')
			c = (char)(c + 32);
		if (c == '\0' || (p = strchr(age_b32, c)) == NULL)
			goto bad;
		d5[i] = (unsigned char)(p - age_b32);
	}
	n = age_expand(hrp, d5, n5, buf);
	if (age_polymod(buf, n) != 1) {
		util_fail(cause,
		          "This is not %s: its checksum is wrong (a character was mistyped?).",
		          what);
		goto end;
	}
	for (size_t i = 0; i < n5 - 6; i++) {
		acc = (acc << 5) | d5[i];
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			key[nk++] = (acc >> bits) & 0xff;
		}
	}
	if (nk != AGE_KEY_LEN || bits >= 5 || ((acc << (8 - bits)) & 0xff) != 0)
		goto bad;
	rc = 0;
	goto end;
bad:
	util_fail(cause, "This is not %s: it holds characters a key cannot have.", what);
end:
	sodium_memzero(d5, sizeof d5);
	sodium_memzero(buf, sizeof buf);
	return rc;
}

/* ---- keys ------------------------------------------------------------------- */

static void
age_init(void)
{
	if (sodium_init() < 0) {
		fputs("libsodium could not start\n", stderr);
		abort();
	}
}

void
age_keygen(struct age_identity *id)
{
	age_init();
	do
		randombytes_buf(id->sk, AGE_KEY_LEN);
	while (crypto_scalarmult_base(id->pk, id->sk) != 0);
}

void
age_identity_wipe(struct age_identity *id)
{
	sodium_memzero(id, sizeof *id);
}

void
age_identity_recipient(const struct age_identity *id, struct age_recipient *r)
{
	memcpy(r->pk, id->pk, AGE_KEY_LEN);
}

void
age_recipient_format(const struct age_recipient *r, char out[AGE_RECIPIENT_LEN + 1])
{
	age_bech32_encode(AGE_HRP_RCPT, r->pk, 0, out);
}

void
age_identity_format(const struct age_identity *id, char out[AGE_IDENTITY_LEN + 1])
{
	age_bech32_encode(AGE_HRP_ID, id->sk, 1, out);
}

static void
age_span(const char **s, size_t *len)
{
	const char *p = *s, *e = p + strlen(p);

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	*s = p;
	*len = (size_t)(e - p);
}

int
age_recipient_parse(const char *text, struct age_recipient *r, char **cause)
{
	size_t len;

	age_span(&text, &len);
	return age_bech32_decode(text, len, AGE_HRP_RCPT, 0, "an age public key (age1...)", r->pk,
	                         cause);
}

int
age_identity_parse(const char *text, struct age_identity *id, char **cause)
{
	size_t len;

	age_init();
	age_span(&text, &len);
	if (age_bech32_decode(text, len, AGE_HRP_ID, 1, "an age secret key (AGE-SECRET-KEY-1...)",
	                      id->sk, cause) != 0)
		return -1;
	if (crypto_scalarmult_base(id->pk, id->sk) != 0) {
		age_identity_wipe(id);
		return util_fail(cause, "This age secret key is not usable (all zero).");
	}
	return 0;
}

static int
age_write_new(const char *path, const char *text, int mode, char **cause)
{
	int fd, rc = -1;
	size_t len = strlen(text);
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1) {
		if (errno == EEXIST)
			util_fail(cause, "%s already exists: an existing key is never overwritten.",
			          path);
		else
			util_write_fail(cause, errno, dir, path);
		goto end;
	}
	if (fchmod(fd, (mode_t)mode) != 0 || write(fd, text, len) != (ssize_t)len ||
	    fsync(fd) != 0) {
		util_write_fail(cause, errno, dir, path);
		close(fd);
		unlink(path);
		goto end;
	}
	if (close(fd) != 0) {
		util_write_fail(cause, errno, dir, path);
		unlink(path);
		goto end;
	}
	rc = 0;
end:
	free(dir);
	return rc;
}

int
age_identity_write(const char *path, const struct age_identity *id, char **cause)
{
	char rcpt[AGE_RECIPIENT_LEN + 1], sec[AGE_IDENTITY_LEN + 1], stamp[32], text[256];
	struct age_recipient r;
	struct tm tm;
	time_t now = time(NULL);
	int rc;

	age_identity_recipient(id, &r);
	age_recipient_format(&r, rcpt);
	age_identity_format(id, sec);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(text, sizeof text, "# created: %s\n# public key: %s\n%s\n", stamp, rcpt, sec);
	rc = age_write_new(path, text, 0600, cause);
	sodium_memzero(sec, sizeof sec);
	sodium_memzero(text, sizeof text);
	return rc;
}

int
age_recipient_write(const char *path, const struct age_recipient *r, char **cause)
{
	char rcpt[AGE_RECIPIENT_LEN + 1], text[AGE_RECIPIENT_LEN + 2];

	age_recipient_format(r, rcpt);
	snprintf(text, sizeof text, "%s\n", rcpt);
	return age_write_new(path, text, 0644, cause);
}

/* Calls fn on each line that is neither empty nor a '#' comment. */
static int
age_key_lines(const char *path, int (*fn)(const char *, void *, char **), void *arg, char **cause)
{
	char *data = NULL, *line, *next;
	size_t n = 0;
	int rc = -1, lineno = 0;

	if (util_read_file(path, 64 * 1024, &data, &n, cause) != 0)
		return -1;
	for (line = data; line != NULL && *line != '\0'; line = next) {
		char *err = NULL;
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (fn(line, arg, &err) != 0) {
			util_fail(cause, "%s, line %d: %s", path, lineno, err);
			free(err);
			goto end;
		}
	}
	rc = 0;
end:
	sodium_memzero(data, n);
	free(data);
	return rc;
}

struct age_load {
	struct age_identity *ids;
	size_t n;
	struct age_recipient *r;
};

static int
age_load_id(const char *line, void *arg, char **cause)
{
	struct age_load *l = arg;

	if (l->n == AGE_MAX_IDS)
		return util_fail(cause, "too many keys in one file (at most %d).", AGE_MAX_IDS);
	if (age_identity_parse(line, &l->ids[l->n], cause) != 0)
		return -1;
	l->n++;
	return 0;
}

static int
age_load_rcpt(const char *line, void *arg, char **cause)
{
	struct age_load *l = arg;

	if (l->n > 0)
		return 0;
	if (age_recipient_parse(line, l->r, cause) != 0)
		return -1;
	l->n++;
	return 0;
}

int
age_identity_load(const char *path, struct age_identity ids[AGE_MAX_IDS], size_t *n, char **cause)
{
	struct age_load l = {ids, 0, NULL};

	if (age_key_lines(path, age_load_id, &l, cause) != 0) {
		for (size_t i = 0; i < l.n; i++)
			age_identity_wipe(&ids[i]);
		return -1;
	}
	if (l.n == 0)
		return util_fail(cause, "%s holds no age secret key (AGE-SECRET-KEY-1...).", path);
	*n = l.n;
	return 0;
}

int
age_recipient_load(const char *path, struct age_recipient *r, char **cause)
{
	struct age_load l = {NULL, 0, r};

	if (age_key_lines(path, age_load_rcpt, &l, cause) != 0)
		return -1;
	if (l.n == 0)
		return util_fail(cause, "%s holds no age public key (age1...).", path);
	return 0;
}

/* ---- crypto pieces ------------------------------------------------------------ */

/* HKDF-SHA-256 (RFC 5869) with one 32-byte output block; the salt may be
 * any length, so the streaming HMAC (the one-shot takes 32-byte keys). */
static void
age_hkdf(const unsigned char *salt, size_t saltlen, const unsigned char *ikm, size_t ikmlen,
         const char *info, unsigned char out[32])
{
	crypto_auth_hmacsha256_state st;
	unsigned char prk[32];
	static const unsigned char one = 1, none[1] = {0};

	/* libsodium declares the key non-null even when its length is 0 */
	crypto_auth_hmacsha256_init(&st, salt != NULL ? salt : none, saltlen);
	crypto_auth_hmacsha256_update(&st, ikm, ikmlen);
	crypto_auth_hmacsha256_final(&st, prk);
	crypto_auth_hmacsha256_init(&st, prk, sizeof prk);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)info, strlen(info));
	crypto_auth_hmacsha256_update(&st, &one, 1);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(prk, sizeof prk);
	sodium_memzero(&st, sizeof st);
}

static void
age_header_mac(const unsigned char filekey[AGE_FILEKEY_LEN], const char *hdr, size_t len,
               unsigned char mac[32])
{
	crypto_auth_hmacsha256_state st;
	unsigned char key[32];

	age_hkdf(NULL, 0, filekey, AGE_FILEKEY_LEN, "header", key);
	crypto_auth_hmacsha256_init(&st, key, sizeof key);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)hdr, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&st, sizeof st);
}

static void
age_b64(const unsigned char *bin, size_t len, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, bin, len, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

/* Canonical unpadded base64 of exactly want bytes. */
static int
age_unb64(const char *s, size_t len, unsigned char *bin, size_t want)
{
	size_t got = 0;

	if (sodium_base642bin(bin, want, s, len, NULL, &got, NULL,
	                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
		return -1;
	return got == want ? 0 : -1;
}

static void
age_chunk_nonce(unsigned char nonce[12], uint64_t counter, int last)
{
	memset(nonce, 0, 12);
	for (int i = 0; i < 8; i++)
		nonce[10 - i] = (unsigned char)(counter >> (8 * i));
	nonce[11] = last ? 1 : 0;
}

/* ---- I/O ---------------------------------------------------------------------- */

/* Output to a file descriptor (fd >= 0) or to a growing buffer. */
struct age_wr {
	int fd;
	unsigned char *buf;
	size_t len, cap;
};

static int
age_write_all(struct age_wr *w, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int fd = w->fd;

	if (len == 0)
		return 0;
	if (fd < 0) {
		if (w->cap - w->len < len) {
			while (w->cap - w->len < len)
				w->cap = w->cap == 0 ? 65536 : w->cap * 2;
			w->buf = xrealloc(w->buf, w->cap);
		}
		memcpy(w->buf + w->len, buf, len);
		w->len += len;
		return 0;
	}

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

/* A buffered reader: the header is read a byte at a time, the payload in
 * chunks (what is buffered first, then straight from the fd). */
struct age_rd {
	int fd;
	int err;                  /* errno of a failed read */
	const unsigned char *mem; /* not NULL: read from memory, not from fd */
	size_t memlen, mempos;
	size_t pos, len;
	unsigned char buf[4096];
};

static int
age_rd_byte(struct age_rd *rd)
{
	if (rd->mem != NULL)
		return rd->mempos < rd->memlen ? rd->mem[rd->mempos++] : -1;
	if (rd->pos == rd->len) {
		ssize_t n;
		do
			n = read(rd->fd, rd->buf, sizeof rd->buf);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			rd->err = errno;
		if (n <= 0)
			return -1;
		rd->pos = 0;
		rd->len = (size_t)n;
	}
	return rd->buf[rd->pos++];
}

/* Reads up to want bytes, fewer only at EOF; -1 on a read error. */
static ssize_t
age_rd_read(struct age_rd *rd, unsigned char *dst, size_t want)
{
	size_t got = 0;

	if (rd->mem != NULL) {
		got = rd->memlen - rd->mempos < want ? rd->memlen - rd->mempos : want;
		memcpy(dst, rd->mem + rd->mempos, got);
		rd->mempos += got;
		return (ssize_t)got;
	}
	if (rd->pos < rd->len) {
		got = rd->len - rd->pos < want ? rd->len - rd->pos : want;
		memcpy(dst, rd->buf + rd->pos, got);
		rd->pos += got;
	}
	while (got < want) {
		ssize_t n = read(rd->fd, dst + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rd->err = errno;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* ---- sealing ------------------------------------------------------------------ */

static int
age_seal(const struct age_recipient *r, size_t n, struct age_rd *in, struct age_wr *out,
         char **cause)
{
	unsigned char filekey[AGE_FILEKEY_LEN], key[32], eph[32], share[32], shared[32];
	unsigned char salt[64], body[AGE_FILEKEY_LEN + AGE_TAG_LEN], mac[32], nonce[12];
	unsigned char pnonce[AGE_NONCE_LEN], zero12[12] = {0};
	unsigned char *plain = NULL, *sealed = NULL;
	char b1[AGE_B64_32 + 1], b2[AGE_B64_32 + 1], *hdr = NULL;
	size_t hlen = 0, held = 0;
	uint64_t counter = 0;
	int rc = -1;

	age_init();
	if (n == 0 || n > AGE_MAX_RCPT)
		return util_fail(cause, "A file is sealed to 1 to %d keys, not %zu.", AGE_MAX_RCPT,
		                 n);
	randombytes_buf(filekey, sizeof filekey);
	hdr = xmalloc(64 + n * 128 + 64);
	hlen = (size_t)sprintf(hdr, "%s\n", AGE_VERSION_LINE);
	for (size_t i = 0; i < n; i++) {
		randombytes_buf(eph, sizeof eph);
		if (crypto_scalarmult_base(share, eph) != 0 ||
		    crypto_scalarmult(shared, eph, r[i].pk) != 0) {
			util_fail(cause,
			          "Public key %zu is not usable (a weak key): nothing was sealed.",
			          i + 1);
			goto end;
		}
		memcpy(salt, share, 32);
		memcpy(salt + 32, r[i].pk, 32);
		age_hkdf(salt, sizeof salt, shared, sizeof shared, AGE_INFO_X25519, key);
		crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, filekey, sizeof filekey, NULL,
		                                          0, NULL, zero12, key);
		age_b64(share, 32, b1, sizeof b1);
		age_b64(body, sizeof body, b2, sizeof b2);
		hlen += (size_t)sprintf(hdr + hlen, "-> X25519 %s\n%s\n", b1, b2);
	}
	hlen += (size_t)sprintf(hdr + hlen, "---");
	age_header_mac(filekey, hdr, hlen, mac);
	age_b64(mac, sizeof mac, b1, sizeof b1);
	hlen += (size_t)sprintf(hdr + hlen, " %s\n", b1);
	randombytes_buf(pnonce, sizeof pnonce);
	if (age_write_all(out, hdr, hlen) != 0 || age_write_all(out, pnonce, sizeof pnonce) != 0)
		goto wfail;
	age_hkdf(pnonce, sizeof pnonce, filekey, sizeof filekey, "payload", key);

	/* One byte read past each chunk tells whether it is the last. */
	plain = sodium_malloc(AGE_CHUNK + 1);
	sealed = xmalloc(AGE_ENC_CHUNK);
	if (plain == NULL) {
		fputs("out of memory\n", stderr);
		abort();
	}
	for (;;) {
		ssize_t got = age_rd_read(in, plain + held, AGE_CHUNK + 1 - held);
		size_t total;
		int last;

		if (got < 0) {
			util_fail(cause,
			          "The file to seal could not be read (%s): nothing was sealed.",
			          strerror(in->err));
			goto end;
		}
		total = held + (size_t)got;
		last = total <= AGE_CHUNK;
		if (!last)
			total = AGE_CHUNK;
		age_chunk_nonce(nonce, counter++, last);
		crypto_aead_chacha20poly1305_ietf_encrypt(sealed, NULL, plain, total, NULL, 0, NULL,
		                                          nonce, key);
		if (age_write_all(out, sealed, total + AGE_TAG_LEN) != 0)
			goto wfail;
		if (last)
			break;
		plain[0] = plain[AGE_CHUNK];
		held = 1;
	}
	rc = 0;
	goto end;
wfail:
	util_fail(cause, "The sealed file could not be written (%s).", strerror(errno));
end:
	sodium_memzero(filekey, sizeof filekey);
	sodium_memzero(key, sizeof key);
	sodium_memzero(eph, sizeof eph);
	sodium_memzero(shared, sizeof shared);
	if (plain != NULL)
		sodium_free(plain);
	free(sealed);
	free(hdr);
	return rc;
}

/* ---- opening ------------------------------------------------------------------ */

/* One header line without its LF (CR refused), appended with the LF to hdr. */
static int
age_hdr_line(struct age_rd *rd, char *hdr, size_t *hlen, char **line, size_t *llen)
{
	size_t start = *hlen;
	int c;

	for (;;) {
		if ((c = age_rd_byte(rd)) < 0)
			return -1;
		if (*hlen - start >= AGE_LINE_MAX || *hlen + 1 >= AGE_HEADER_MAX)
			return -2;
		hdr[(*hlen)++] = (char)c;
		if (c == '\n')
			break;
		if (c < 0x20 || c > 0x7e)
			return -2;
	}
	*line = hdr + start;
	*llen = *hlen - start - 1;
	return 0;
}

/* Unwraps the file key from an X25519 stanza with one of the identities:
 * 1 when it opens, 0 when not sealed to these keys, -1 damaged. */
static int
age_unwrap(const struct age_identity *ids, size_t n, const unsigned char share[32],
           const unsigned char body[32], unsigned char filekey[AGE_FILEKEY_LEN])
{
	unsigned char shared[32], salt[64], key[32], zero12[12] = {0};
	int found = 0;

	for (size_t i = 0; i < n && !found; i++) {
		if (crypto_scalarmult(shared, ids[i].sk, share) != 0)
			return -1;
		memcpy(salt, share, 32);
		memcpy(salt + 32, ids[i].pk, 32);
		age_hkdf(salt, sizeof salt, shared, sizeof shared, AGE_INFO_X25519, key);
		found = crypto_aead_chacha20poly1305_ietf_decrypt(filekey, NULL, NULL, body, 32,
		                                                  NULL, 0, zero12, key) == 0;
	}
	sodium_memzero(shared, sizeof shared);
	sodium_memzero(key, sizeof key);
	return found;
}

static int
age_open(const struct age_identity *ids, size_t n, struct age_rd *rd, struct age_wr *out,
         const char *name, char **cause)
{
	unsigned char filekey[AGE_FILEKEY_LEN], key[32], mac[32], want[32], nonce[12];
	unsigned char pnonce[AGE_NONCE_LEN], share[32], body[32];
	unsigned char *sealed = NULL, *plain = NULL;
	char *hdr = xmalloc(AGE_HEADER_MAX), *line;
	size_t hlen = 0, llen, held = 0;
	uint64_t counter = 0;
	int rc = -1, r, found = 0, x25519 = 0, other = 0;

	age_init();
	r = age_hdr_line(rd, hdr, &hlen, &line, &llen);
	if (r == -1 && rd->err == 0 && hlen == 0) {
		util_fail(cause, "%s is empty: it is not a sealed (age) file.", name);
		goto end;
	}
	if (r != 0 || llen != strlen(AGE_VERSION_LINE) ||
	    memcmp(line, AGE_VERSION_LINE, llen) != 0) {
		if (rd->err != 0)
			goto rfail;
		util_fail(cause, "%s is not a sealed (age) file: it does not start with \"%s\".",
		          name, AGE_VERSION_LINE);
		goto end;
	}
	for (;;) {
		if ((r = age_hdr_line(rd, hdr, &hlen, &line, &llen)) != 0)
			goto hdr_short;
		if (llen >= 3 && memcmp(line, "---", 3) == 0)
			break;
		if (llen < 4 || memcmp(line, "-> ", 3) != 0)
			goto damaged;
		if (llen == 3 + 6 + 1 + AGE_B64_32 && memcmp(line + 3, "X25519 ", 7) == 0) {
			/* "-> X25519 <share>" then exactly one 43-character body line. */
			x25519++;
			if (age_unb64(line + 10, AGE_B64_32, share, 32) != 0)
				goto damaged;
			if ((r = age_hdr_line(rd, hdr, &hlen, &line, &llen)) != 0)
				goto hdr_short;
			if (llen != AGE_B64_32 || age_unb64(line, llen, body, 32) != 0)
				goto damaged;
			if (!found) {
				int u = age_unwrap(ids, n, share, body, filekey);
				if (u < 0)
					goto damaged;
				found = u;
			}
			continue;
		}
		if (llen >= 9 && memcmp(line + 3, "X25519", 6) == 0 &&
		    (llen == 9 || line[9] == ' '))
			goto damaged; /* an X25519 stanza of the wrong shape: not skipped */
		/* Another kind of stanza: its arguments, then body lines to the
		 * first one shorter than 64 characters. */
		for (size_t i = 3; i < llen; i++)
			if (line[i] == ' ' && (i + 1 == llen || line[i + 1] == ' ' || i == 3))
				goto damaged;
		other++;
		do
			if ((r = age_hdr_line(rd, hdr, &hlen, &line, &llen)) != 0)
				goto hdr_short;
		while (llen == 64);
		if (llen > 64)
			goto damaged;
	}
	/* "--- <mac>": the MAC covers the header through "---". */
	if (llen != 4 + AGE_B64_32 || line[3] != ' ' ||
	    age_unb64(line + 4, AGE_B64_32, mac, 32) != 0)
		goto damaged;
	if (x25519 + other == 0)
		goto damaged;
	if (!found) {
		if (x25519 == 0)
			util_fail(
			    cause,
			    "%s is not sealed to this key: it was sealed with a passphrase or "
			    "another kind of key.",
			    name);
		else
			util_fail(
			    cause,
			    "%s is not sealed to this key: none of the %zu key(s) given opens "
			    "it (it was sealed to %d other key(s)).",
			    name, n, x25519);
		goto end;
	}
	age_header_mac(filekey, hdr, (size_t)(line - hdr) + 3, want);
	if (crypto_verify_32(mac, want) != 0)
		goto damaged;

	if (age_rd_read(rd, pnonce, sizeof pnonce) != (ssize_t)sizeof pnonce) {
		if (rd->err != 0)
			goto rfail;
		util_fail(cause, "%s is truncated: it ends right after its header.", name);
		goto end;
	}
	age_hkdf(pnonce, sizeof pnonce, filekey, sizeof filekey, "payload", key);
	sealed = xmalloc(AGE_ENC_CHUNK + 1);
	plain = sodium_malloc(AGE_CHUNK);
	if (plain == NULL) {
		fputs("out of memory\n", stderr);
		abort();
	}
	for (;;) {
		ssize_t got = age_rd_read(rd, sealed + held, AGE_ENC_CHUNK + 1 - held);
		size_t total;
		int last;

		if (got < 0)
			goto rfail;
		total = held + (size_t)got;
		last = total <= AGE_ENC_CHUNK;
		if (!last)
			total = AGE_ENC_CHUNK;
		if (total < AGE_TAG_LEN) {
			util_fail(cause, "%s is truncated: its last part is missing.", name);
			goto end;
		}
		age_chunk_nonce(nonce, counter, last);
		if (crypto_aead_chacha20poly1305_ietf_decrypt(plain, NULL, NULL, sealed, total,
		                                              NULL, 0, nonce, key) != 0) {
			/* Tell a cut-off file and one with bytes after its end from
			 * a damaged one: the other flag opens the chunk. */
			age_chunk_nonce(nonce, counter, !last);
			if (crypto_aead_chacha20poly1305_ietf_decrypt(
			        plain, NULL, NULL, sealed, total, NULL, 0, nonce, key) == 0)
				util_fail(
				    cause,
				    last ? "%s is truncated: it stops before its end."
				         : "%s has data after its end (trailing data): refused.",
				    name);
			else
				util_fail(
				    cause,
				    "%s is damaged: part %llu of its sealed content does not check "
				    "(changed or cut).",
				    name, (unsigned long long)counter + 1);
			goto end;
		}
		if (last && total == AGE_TAG_LEN && counter > 0) {
			util_fail(cause, "%s is damaged: it ends with an empty last part.", name);
			goto end;
		}
		if (age_write_all(out, plain, total - AGE_TAG_LEN) != 0) {
			util_fail(cause, "The opened file could not be written (%s).",
			          strerror(errno));
			goto end;
		}
		if (last)
			break;
		counter++;
		sealed[0] = sealed[AGE_ENC_CHUNK];
		held = 1;
	}
	rc = 0;
	goto end;
hdr_short:
	if (r == -1) {
		if (rd->err != 0)
			goto rfail;
		util_fail(cause, "%s is truncated: it ends inside its header.", name);
		goto end;
	}
damaged:
	util_fail(cause, "%s is damaged: its header does not check (changed, or not an age file).",
	          name);
	goto end;
rfail:
	util_fail(cause, "%s could not be read (%s).", name, strerror(rd->err));
end:
	sodium_memzero(filekey, sizeof filekey);
	sodium_memzero(key, sizeof key);
	if (plain != NULL)
		sodium_free(plain);
	free(sealed);
	free(hdr);
	return rc;
}

int
age_encrypt(const struct age_recipient *r, size_t n, int in_fd, int out_fd, char **cause)
{
	struct age_rd *in = xcalloc(1, sizeof *in);
	struct age_wr out = {.fd = out_fd};
	int rc;

	in->fd = in_fd;
	rc = age_seal(r, n, in, &out, cause);
	free(in);
	return rc;
}

int
age_decrypt(const struct age_identity *ids, size_t n, int in_fd, int out_fd, char **cause)
{
	struct age_rd *in = xcalloc(1, sizeof *in);
	struct age_wr out = {.fd = out_fd};
	int rc;

	in->fd = in_fd;
	rc = age_open(ids, n, in, &out, "The sealed file", cause);
	free(in);
	return rc;
}

int
age_encrypt_mem(const struct age_recipient *r, size_t n, const void *in, size_t len,
                unsigned char **out, size_t *outlen, char **cause)
{
	struct age_rd *rd = xcalloc(1, sizeof *rd);
	struct age_wr w = {.fd = -1};
	int rc;

	rd->fd = -1;
	rd->mem = in != NULL ? in : (const void *)"";
	rd->memlen = len;
	rc = age_seal(r, n, rd, &w, cause);
	free(rd);
	if (rc != 0) {
		free(w.buf);
		return -1;
	}
	*out = w.buf;
	*outlen = w.len;
	return 0;
}

int
age_decrypt_mem(const struct age_identity *ids, size_t n, const void *in, size_t len,
                const char *name, unsigned char **out, size_t *outlen, char **cause)
{
	struct age_rd *rd = xcalloc(1, sizeof *rd);
	struct age_wr w = {.fd = -1};
	int rc;

	rd->fd = -1;
	rd->mem = in != NULL ? in : (const void *)"";
	rd->memlen = len;
	rc = age_open(ids, n, rd, &w, name != NULL ? name : "The sealed file", cause);
	free(rd);
	if (rc != 0) {
		if (w.buf != NULL)
			sodium_memzero(w.buf, w.len);
		free(w.buf);
		return -1;
	}
	if (w.buf == NULL)
		w.buf = xmalloc(1);
	*out = w.buf;
	*outlen = w.len;
	return 0;
}

/* ---- whole files -------------------------------------------------------------- */

static int
age_file(const struct age_recipient *r, const struct age_identity *ids, size_t n, const char *in,
         const char *out, char **cause)
{
	char *tmp = NULL, *dir = NULL, *slash, *err = NULL;
	int ifd = -1, ofd = -1, rc = -1, dfd;

	dir = xstrdup(out);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if ((ifd = open(in, O_RDONLY | O_CLOEXEC)) == -1) {
		util_fail(cause, "Cannot open %s: %s.", in, strerror(errno));
		goto end;
	}
	slash = strrchr(out, '/');
	tmp = xasprintf("%s/.%s.XXXXXX", dir, slash != NULL ? slash + 1 : out);
	if ((ofd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		util_write_fail(cause, errno, dir, out);
		free(tmp);
		tmp = NULL;
		goto end;
	}
	fchmod(ofd, r != NULL ? 0644 : 0600);
	{
		struct age_rd *rd = xcalloc(1, sizeof *rd);
		struct age_wr w = {.fd = ofd};
		int failed;

		rd->fd = ifd;
		failed =
		    r != NULL ? age_seal(r, n, rd, &w, &err) : age_open(ids, n, rd, &w, in, &err);
		free(rd);
		if (failed) {
			util_fail(cause, "%s", err);
			goto end;
		}
	}
	if (fsync(ofd) != 0 || close(ofd) != 0) {
		ofd = -1;
		util_write_fail(cause, errno, dir, out);
		goto end;
	}
	ofd = -1;
	if (rename(tmp, out) != 0) {
		util_write_fail(cause, errno, dir, out);
		goto end;
	}
	free(tmp);
	tmp = NULL;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
end:
	free(err);
	if (ofd != -1)
		close(ofd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	if (ifd != -1)
		close(ifd);
	free(dir);
	return rc;
}

int
age_encrypt_file(const struct age_recipient *r, size_t n, const char *in, const char *out,
                 char **cause)
{
	return age_file(r, NULL, n, in, out, cause);
}

int
age_decrypt_file(const struct age_identity *ids, size_t n, const char *in, const char *out,
                 char **cause)
{
	return age_file(NULL, ids, n, in, out, cause);
}
