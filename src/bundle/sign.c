/* sign.c — minisign-compatible keys and signatures with libsodium. */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "strbuf.h"
#include "util.h"

#define SIGN_ALG        "Ed"
#define SIGN_ALG_HASHED "ED"
#define SIGN_KDF_NONE   "\0\0"
#define SIGN_CHK_ALG    "B2"
#define SIGN_SALT_LEN   32
#define SIGN_CHK_LEN    32
#define SIGN_SK_LEN     64
/* "Ed" kdf[2] chk[2] salt[32] ops[8] mem[8] | id[8] sk[64] chk[32] */
#define SIGN_SECFILE_LEN                                                                           \
	(2 + 2 + 2 + SIGN_SALT_LEN + 8 + 8 + SIGN_KEYID_LEN + SIGN_SK_LEN + SIGN_CHK_LEN)
#define SIGN_PUBBIN_LEN (2 + SIGN_KEYID_LEN + SIGN_PK_LEN)
#define SIGN_SIGBIN_LEN (2 + SIGN_KEYID_LEN + SIGN_SIG_LEN)
#define SIGN_COMMENT    "untrusted comment: "
#define SIGN_TCOMMENT   "trusted comment: "

struct sign_key {
	unsigned char id[SIGN_KEYID_LEN];
	unsigned char sk[SIGN_SK_LEN]; /* libsodium's: seed | public key */
};

static int
sign_init(char **cause)
{
	if (sodium_init() < 0)
		return util_fail(cause, "The cryptography library could not start.");
	return 0;
}

/* minisign's checksum of a secret key: BLAKE2b-256(alg | key id | sk). */
static void
sign_checksum(const struct sign_key *k, unsigned char chk[SIGN_CHK_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, SIGN_CHK_LEN);
	crypto_generichash_update(&st, (const unsigned char *)SIGN_ALG, 2);
	crypto_generichash_update(&st, k->id, SIGN_KEYID_LEN);
	crypto_generichash_update(&st, k->sk, SIGN_SK_LEN);
	crypto_generichash_final(&st, chk, SIGN_CHK_LEN);
	sodium_memzero(&st, sizeof st);
}

static char *
sign_b64(const unsigned char *bin, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(n);

	sodium_bin2base64(out, n, bin, len, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* Decodes exactly want bytes of standard base64 from s[0..len). */
static int
sign_unb64(const char *s, size_t len, unsigned char *bin, size_t want)
{
	size_t got = 0;
	const char *end = NULL;

	if (sodium_base642bin(bin, want, s, len, NULL, &got, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	if (got != want || end != s + len)
		return -1;
	return 0;
}

static int
sign_printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '\t' && (c < 0x20 || c > 0x7e))
			return 0;
	}
	return 1;
}

/* Writes data to path whole or not at all (util_write_file). */
static int
sign_write_file(const char *path, const void *data, size_t len, mode_t mode, char **cause)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	const char *name = path;
	int rc;

	if (slash != NULL) {
		*slash = '\0';
		name = slash + 1;
		if (*dir == '\0')
			strcpy(dir, "/");
	} else
		strcpy(dir, ".");
	rc = util_write_file(dir, name, data, len, (int)mode, cause);
	free(dir);
	return rc;
}

void
sign_keyid_hex(const unsigned char id[SIGN_KEYID_LEN], char out[17])
{
	uint64_t v = 0;
	int i;

	for (i = SIGN_KEYID_LEN - 1; i >= 0; i--)
		v = (v << 8) | id[i];
	snprintf(out, 17, "%016llX", (unsigned long long)v);
}

void
sign_key_free(struct sign_key *k)
{
	if (k != NULL)
		sodium_free(k); /* wipes */
}

void
sign_key_public(const struct sign_key *k, struct sign_pub *pub)
{
	memcpy(pub->id, k->id, SIGN_KEYID_LEN);
	memcpy(pub->pk, k->sk + 32, SIGN_PK_LEN);
}

static struct sign_key *
sign_key_alloc(void)
{
	struct sign_key *k = sodium_malloc(sizeof *k);

	if (k == NULL) {
		fputs("out of memory\n", stderr);
		abort();
	}
	sodium_memzero(k, sizeof *k);
	return k;
}

char *
sign_pub_base64(const struct sign_pub *pub)
{
	unsigned char bin[SIGN_PUBBIN_LEN];

	memcpy(bin, SIGN_ALG, 2);
	memcpy(bin + 2, pub->id, SIGN_KEYID_LEN);
	memcpy(bin + 2 + SIGN_KEYID_LEN, pub->pk, SIGN_PK_LEN);
	return sign_b64(bin, sizeof bin);
}

char *
sign_pub_format(const struct sign_pub *pub)
{
	char id[17], *b64 = sign_pub_base64(pub), *out;

	sign_keyid_hex(pub->id, id);
	out = xasprintf(SIGN_COMMENT "minisign public key %s\n%s\n", id, b64);
	free(b64);
	return out;
}

int
sign_pub_parse(const char *text, size_t len, struct sign_pub *pub, char **cause)
{
	unsigned char bin[SIGN_PUBBIN_LEN];
	const char *line = text, *nl, *end = text + len;
	size_t n;

	/* Skip the untrusted comment line when there is one. */
	if (len >= strlen(SIGN_COMMENT) && memcmp(text, SIGN_COMMENT, strlen(SIGN_COMMENT)) == 0) {
		if ((nl = memchr(text, '\n', len)) == NULL)
			return util_fail(cause, "The public key file has no key line.");
		line = nl + 1;
	}
	nl = memchr(line, '\n', (size_t)(end - line));
	n = (size_t)((nl != NULL ? nl : end) - line);
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	if (sign_unb64(line, n, bin, sizeof bin) != 0 || memcmp(bin, SIGN_ALG, 2) != 0)
		return util_fail(cause, "This is not a minisign public key.");
	memcpy(pub->id, bin + 2, SIGN_KEYID_LEN);
	memcpy(pub->pk, bin + 2 + SIGN_KEYID_LEN, SIGN_PK_LEN);
	return 0;
}

int
sign_pub_load(const char *path, struct sign_pub *pub, char **cause)
{
	char *data = NULL, *why = NULL;
	size_t len;
	int rc = -1;

	if (util_read_file(path, 4096, &data, &len, cause) != 0)
		goto end;
	if (sign_pub_parse(data, len, pub, &why) != 0) {
		util_fail(cause, "%s: %s", path, why);
		goto end;
	}
	rc = 0;
end:
	free(why);
	free(data);
	return rc;
}

void
sign_key_generate(struct sign_key **out)
{
	struct sign_key *k;
	unsigned char pk[SIGN_PK_LEN];

	if (sodium_init() < 0) {
		fputs("the cryptography library could not start\n", stderr);
		abort();
	}
	k = sign_key_alloc();
	randombytes_buf(k->id, SIGN_KEYID_LEN);
	crypto_sign_keypair(pk, k->sk);
	*out = k;
}

char *
sign_key_format(const struct sign_key *k, const char *comment)
{
	unsigned char *bin, *p;
	char *b64, *text;

	bin = sodium_malloc(SIGN_SECFILE_LEN);
	if (bin == NULL) {
		fputs("out of memory\n", stderr);
		abort();
	}
	memset(bin, 0, SIGN_SECFILE_LEN);
	p = bin;
	memcpy(p, SIGN_ALG, 2), p += 2;
	memcpy(p, SIGN_KDF_NONE, 2), p += 2;
	memcpy(p, SIGN_CHK_ALG, 2), p += 2;
	p += SIGN_SALT_LEN + 8 + 8; /* no KDF: salt and limits stay zero */
	memcpy(p, k->id, SIGN_KEYID_LEN), p += SIGN_KEYID_LEN;
	memcpy(p, k->sk, SIGN_SK_LEN), p += SIGN_SK_LEN;
	sign_checksum(k, p);
	b64 = sign_b64(bin, SIGN_SECFILE_LEN);
	text = xasprintf(SIGN_COMMENT "minisign secret key (%s, unencrypted)\n%s\n",
	                 comment != NULL ? comment : "W.A.T. station", b64);
	sodium_memzero(b64, strlen(b64));
	free(b64);
	sodium_free(bin);
	return text;
}

int
sign_key_save(const struct sign_key *k, const char *path, const char *pub_path, const char *comment,
              char **cause)
{
	struct sign_pub pub;
	char *text = sign_key_format(k, comment), *pubtext = NULL;
	int rc = -1;

	if (sign_write_file(path, text, strlen(text), 0600, cause) != 0)
		goto end;
	if (pub_path != NULL) {
		sign_key_public(k, &pub);
		pubtext = sign_pub_format(&pub);
		if (sign_write_file(pub_path, pubtext, strlen(pubtext), 0644, cause) != 0)
			goto end;
	}
	rc = 0;
end:
	sodium_memzero(text, strlen(text));
	free(text);
	free(pubtext);
	return rc;
}

int
sign_key_create(const char *path, const char *pub_path, char **cause)
{
	struct sign_key *k = NULL;
	int rc;

	if (sign_init(cause) != 0)
		return -1;
	sign_key_generate(&k);
	rc = sign_key_save(k, path, pub_path, NULL, cause);
	sign_key_free(k);
	return rc;
}

int
sign_key_parse(const char *data, size_t len, const char *what, struct sign_key **out, char **cause)
{
	struct sign_key *k = NULL;
	unsigned char *bin = NULL, chk[SIGN_CHK_LEN];
	const char *line = data, *end = data + len, *nl;
	size_t n;
	int rc = -1;

	if (sign_init(cause) != 0)
		goto end;
	if (len >= strlen(SIGN_COMMENT) && memcmp(line, SIGN_COMMENT, strlen(SIGN_COMMENT)) == 0) {
		if ((nl = memchr(line, '\n', len)) == NULL) {
			util_fail(cause, "The signing key %s is damaged (no key line).", what);
			goto end;
		}
		line = nl + 1;
	}
	for (n = 0; line + n < end && line[n] != '\r' && line[n] != '\n'; n++)
		;
	if ((bin = sodium_malloc(SIGN_SECFILE_LEN)) == NULL) {
		fputs("out of memory\n", stderr);
		abort();
	}
	if (sign_unb64(line, n, bin, SIGN_SECFILE_LEN) != 0 || memcmp(bin, SIGN_ALG, 2) != 0 ||
	    memcmp(bin + 4, SIGN_CHK_ALG, 2) != 0) {
		util_fail(cause, "The signing key %s is damaged or not a minisign secret key.",
		          what);
		goto end;
	}
	if (memcmp(bin + 2, SIGN_KDF_NONE, 2) != 0) {
		util_fail(cause,
		          "The signing key %s is protected by a password; the station needs an "
		          "unprotected key.",
		          what);
		goto end;
	}
	k = sign_key_alloc();
	memcpy(k->id, bin + 6 + SIGN_SALT_LEN + 16, SIGN_KEYID_LEN);
	memcpy(k->sk, bin + 6 + SIGN_SALT_LEN + 16 + SIGN_KEYID_LEN, SIGN_SK_LEN);
	sign_checksum(k, chk);
	/* stock `minisign -G -W` leaves an unencrypted key's checksum all zero
	 * (minisign does not check it then): accepted as minisign does */
	if (!sodium_is_zero(bin + SIGN_SECFILE_LEN - SIGN_CHK_LEN, SIGN_CHK_LEN) &&
	    sodium_memcmp(chk, bin + SIGN_SECFILE_LEN - SIGN_CHK_LEN, SIGN_CHK_LEN) != 0) {
		util_fail(cause, "The signing key %s is damaged (checksum mismatch).", what);
		goto end;
	}
	*out = k;
	k = NULL;
	rc = 0;
end:
	sign_key_free(k);
	if (bin != NULL)
		sodium_free(bin);
	return rc;
}

int
sign_key_load(const char *path, struct sign_key **out, char **cause)
{
	char *data = NULL;
	size_t len = 0;
	struct stat sb;
	int rc = -1;

	if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		util_fail(cause,
		          "The signing key %s can be read by other users; "
		          "make it private with: chmod 600 %s",
		          path, path);
		goto end;
	}
	if (util_read_file(path, 4096, &data, &len, cause) != 0)
		goto end;
	rc = sign_key_parse(data, len, path, out, cause);
end:
	if (data != NULL) {
		sodium_memzero(data, len);
		free(data);
	}
	return rc;
}

int
sign_key_open(const char *dir, struct sign_key **out, char **cause)
{
	char *path = xasprintf("%s/station.key", dir), *pub = xasprintf("%s/station.pub", dir);
	struct sign_key *k = NULL;
	struct sign_pub p;
	char *text = NULL;
	int rc = -1;

	if (util_mkdir(dir, 0700) == -1) {
		util_fail(cause, "Cannot make the key folder %s: %s.", dir, strerror(errno));
		goto end;
	}
	if (access(path, F_OK) == -1) {
		if (errno != ENOENT) {
			util_fail(cause, "Cannot reach the signing key %s: %s.", path,
			          strerror(errno));
			goto end;
		}
		if (sign_key_create(path, pub, cause) != 0)
			goto end;
	}
	if (sign_key_load(path, &k, cause) != 0)
		goto end;
	/* The .pub beside it is a convenience; rewrite it when missing. */
	if (access(pub, F_OK) == -1) {
		sign_key_public(k, &p);
		text = sign_pub_format(&p);
		if (sign_write_file(pub, text, strlen(text), 0644, cause) != 0)
			goto end;
	}
	*out = k;
	k = NULL;
	rc = 0;
end:
	free(text);
	sign_key_free(k);
	free(pub);
	free(path);
	return rc;
}

int
sign_data(const struct sign_key *k, const void *data, size_t len, const char *trusted,
          const char *untrusted, char **minisig, char **cause)
{
	unsigned char hash[crypto_generichash_BYTES_MAX], bin[SIGN_SIGBIN_LEN];
	unsigned char global[SIGN_SIG_LEN], *msg = NULL;
	size_t tlen = strlen(trusted);
	char *b64 = NULL, *g64 = NULL;
	int rc = -1;

	if (sign_init(cause) != 0)
		goto end;
	if (tlen > SIGN_TRUSTED_MAX || !sign_printable(trusted, tlen)) {
		util_fail(cause, "The trusted comment is too long or holds control characters.");
		goto end;
	}
	if (untrusted == NULL)
		untrusted = "signature from minisign secret key";
	if (!sign_printable(untrusted, strlen(untrusted))) {
		util_fail(cause, "The untrusted comment holds control characters.");
		goto end;
	}
	crypto_generichash(hash, sizeof hash, data, len, NULL, 0);
	memcpy(bin, SIGN_ALG_HASHED, 2);
	memcpy(bin + 2, k->id, SIGN_KEYID_LEN);
	crypto_sign_detached(bin + 2 + SIGN_KEYID_LEN, NULL, hash, sizeof hash, k->sk);
	msg = xmalloc(SIGN_SIG_LEN + tlen);
	memcpy(msg, bin + 2 + SIGN_KEYID_LEN, SIGN_SIG_LEN);
	memcpy(msg + SIGN_SIG_LEN, trusted, tlen);
	crypto_sign_detached(global, NULL, msg, SIGN_SIG_LEN + tlen, k->sk);
	b64 = sign_b64(bin, sizeof bin);
	g64 = sign_b64(global, sizeof global);
	*minisig = xasprintf(SIGN_COMMENT "%s\n%s\n" SIGN_TCOMMENT "%s\n%s\n", untrusted, b64,
	                     trusted, g64);
	rc = 0;
end:
	free(msg);
	free(g64);
	free(b64);
	return rc;
}

void
sign_sig_clear(struct sign_sig *s)
{
	free(s->trusted);
	memset(s, 0, sizeof *s);
}

/* The next line of text: start and length without its LF (and CR). */
static int
sign_line(const char **p, const char *end, const char **line, size_t *n, int need_lf)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (nl == NULL && need_lf)
		return -1;
	*line = *p;
	*n = (size_t)((nl != NULL ? nl : end) - *p);
	*p = nl != NULL ? nl + 1 : end;
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	return 0;
}

int
sign_sig_parse(const char *text, size_t len, struct sign_sig *out, char **cause)
{
	const char *p = text, *end = text + len, *l;
	unsigned char bin[SIGN_SIGBIN_LEN];
	size_t n, pl = strlen(SIGN_TCOMMENT);

	memset(out, 0, sizeof *out);
	if (len > SIGN_MINISIG_MAX)
		return util_fail(cause, "The signature file is far too large.");
	if (sign_line(&p, end, &l, &n, 1) != 0 || n < strlen(SIGN_COMMENT) ||
	    memcmp(l, SIGN_COMMENT, strlen(SIGN_COMMENT)) != 0)
		return util_fail(cause, "The signature file does not start with an untrusted "
		                        "comment: it is not a minisign signature.");
	if (sign_line(&p, end, &l, &n, 1) != 0 || sign_unb64(l, n, bin, sizeof bin) != 0)
		return util_fail(cause, "The signature line of the signature file is damaged.");
	if (memcmp(bin, SIGN_ALG_HASHED, 2) == 0)
		out->prehashed = 1;
	else if (memcmp(bin, SIGN_ALG, 2) != 0)
		return util_fail(cause, "The signature uses an unknown algorithm.");
	memcpy(out->id, bin + 2, SIGN_KEYID_LEN);
	memcpy(out->sig, bin + 2 + SIGN_KEYID_LEN, SIGN_SIG_LEN);
	if (sign_line(&p, end, &l, &n, 1) != 0 || n < pl || memcmp(l, SIGN_TCOMMENT, pl) != 0)
		return util_fail(cause, "The signature file has no trusted comment.");
	if (n - pl > SIGN_TRUSTED_MAX || !sign_printable(l + pl, n - pl))
		return util_fail(cause, "The trusted comment is too long or holds control "
		                        "characters.");
	out->trusted = xstrndup(l + pl, n - pl);
	if (sign_line(&p, end, &l, &n, 0) != 0 ||
	    sign_unb64(l, n, out->global, SIGN_SIG_LEN) != 0) {
		sign_sig_clear(out);
		return util_fail(cause, "The comment signature of the signature file is damaged.");
	}
	while (p < end && (*p == '\n' || *p == '\r'))
		p++;
	if (p != end) {
		sign_sig_clear(out);
		return util_fail(cause, "The signature file has text after its fourth line.");
	}
	return 0;
}

int
sign_verify(const struct sign_pub *pub, const void *data, size_t len, const char *minisig,
            size_t siglen, char **trusted, char **cause)
{
	struct sign_sig s;
	unsigned char hash[crypto_generichash_BYTES_MAX], *msg = NULL;
	char want[17], got[17];
	size_t tlen;
	int rc = -1;

	if (sign_init(cause) != 0)
		return -1;
	if (sign_sig_parse(minisig, siglen, &s, cause) != 0)
		return -1;
	if (!s.prehashed) {
		util_fail(cause, "The signature is of the legacy kind (not prehashed); W.A.T. "
		                 "bundles are always signed prehashed (ED).");
		goto end;
	}
	if (memcmp(s.id, pub->id, SIGN_KEYID_LEN) != 0) {
		sign_keyid_hex(pub->id, want);
		sign_keyid_hex(s.id, got);
		util_fail(cause,
		          "The bundle was signed by another key (key id %s), not the expected "
		          "station key %s.",
		          got, want);
		goto end;
	}
	crypto_generichash(hash, sizeof hash, data, len, NULL, 0);
	if (crypto_sign_verify_detached(s.sig, hash, sizeof hash, pub->pk) != 0) {
		util_fail(cause, "The signature does not match the file: the file was changed "
		                 "after it was signed, or is damaged.");
		goto end;
	}
	tlen = strlen(s.trusted);
	msg = xmalloc(SIGN_SIG_LEN + tlen);
	memcpy(msg, s.sig, SIGN_SIG_LEN);
	memcpy(msg + SIGN_SIG_LEN, s.trusted, tlen);
	if (crypto_sign_verify_detached(s.global, msg, SIGN_SIG_LEN + tlen, pub->pk) != 0) {
		util_fail(cause, "The trusted comment of the signature was changed after signing.");
		goto end;
	}
	if (trusted != NULL) {
		*trusted = s.trusted;
		s.trusted = NULL;
	}
	rc = 0;
end:
	free(msg);
	sign_sig_clear(&s);
	return rc;
}

void
sign_detached(const struct sign_key *k, const void *msg, size_t len,
              unsigned char sig[SIGN_SIG_LEN])
{
	crypto_sign_detached(sig, NULL, msg, len, k->sk);
}

int
sign_verify_detached(const struct sign_pub *pub, const void *msg, size_t len,
                     const unsigned char sig[SIGN_SIG_LEN])
{
	return crypto_sign_verify_detached(sig, msg, len, pub->pk) == 0 ? 0 : -1;
}
