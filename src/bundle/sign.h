/* sign.h — the station's signing key and minisign-compatible signatures
 * (libsodium only).  Formats, byte for byte, are in docs/BUNDLE.md:
 *
 *   public key   "Ed" | key id[8] | Ed25519 public key[32]            (base64)
 *   signature    "ED" | key id[8] | Ed25519(BLAKE2b-512(file))[64]   (base64)
 *   global sig   Ed25519(signature[64] | trusted comment)[64]         (base64)
 *
 * so stock `minisign -Vm FILE -p station.pub` accepts what we sign.  The
 * secret key lives in <dir>/station.key (minisign's unencrypted secret key
 * format, mode 0600) and in memory only inside a struct sign_key, which is
 * allocated with sodium_malloc and wiped by sign_key_free. */
#ifndef WAT_SIGN_H
#define WAT_SIGN_H

#include <stddef.h>

#define SIGN_KEYID_LEN   8
#define SIGN_PK_LEN      32
#define SIGN_SIG_LEN     64
#define SIGN_TRUSTED_MAX 8000 /* bytes in a trusted comment */
#define SIGN_MINISIG_MAX 16384

struct sign_key;

struct sign_pub {
	unsigned char id[SIGN_KEYID_LEN];
	unsigned char pk[SIGN_PK_LEN];
};

/* A parsed .minisig file. */
struct sign_sig {
	int prehashed; /* 1: "ED"; 0: legacy "Ed" (refused by sign_verify) */
	unsigned char id[SIGN_KEYID_LEN];
	unsigned char sig[SIGN_SIG_LEN];
	char *trusted; /* malloc'd trusted comment text */
	unsigned char global[SIGN_SIG_LEN];
};

/* Loads <dir>/station.key, or makes a new pair there (dir made 0700, the
 * secret 0600, the public key in <dir>/station.pub) when there is none.
 * Refuses a secret key file that other users can read. */
int sign_key_open(const char *dir, struct sign_key **out, char **cause);
/* Loads a secret key file (minisign's unencrypted format). */
int sign_key_load(const char *path, struct sign_key **out, char **cause);
/* Makes a key pair and writes path (0600) and pub_path. */
int sign_key_create(const char *path, const char *pub_path, char **cause);
/* A new key pair in memory (sodium_malloc'd; sign_key_free wipes it). */
void sign_key_generate(struct sign_key **out);
/* The secret key file's text (malloc'd: wipe it, then free); comment names
 * what the key is ("W.A.T. station" when NULL). */
char *sign_key_format(const struct sign_key *k, const char *comment);
/* Writes the secret key to path (0600) and, when pub_path is not NULL, its
 * public key there. */
int sign_key_save(const struct sign_key *k, const char *path, const char *pub_path,
                  const char *comment, char **cause);
/* Reads a secret key file's text; what names it in a refusal. */
int sign_key_parse(const char *data, size_t len, const char *what, struct sign_key **out,
                   char **cause);
/* Wipes and frees. */
void sign_key_free(struct sign_key *k);
void sign_key_public(const struct sign_key *k, struct sign_pub *pub);

/* "untrusted comment: minisign public key <ID>\n<base64>\n" (malloc'd). */
char *sign_pub_format(const struct sign_pub *pub);
/* The base64 line alone (malloc'd), as `minisign -P` takes it. */
char *sign_pub_base64(const struct sign_pub *pub);
/* The key id as minisign prints it: 16 hex digits of the little-endian u64. */
void sign_keyid_hex(const unsigned char id[SIGN_KEYID_LEN], char out[17]);
/* Parses a .pub file's text or a bare base64 key. */
int sign_pub_parse(const char *text, size_t len, struct sign_pub *pub, char **cause);
int sign_pub_load(const char *path, struct sign_pub *pub, char **cause);

/* Signs data: returns a malloc'd .minisig text.  trusted must be printable
 * ASCII or TAB (checked); untrusted likewise, NULL for a default. */
int sign_data(const struct sign_key *k, const void *data, size_t len, const char *trusted,
              const char *untrusted, char **minisig, char **cause);

/* Parses .minisig text (LF or CRLF).  Clear with sign_sig_clear. */
int sign_sig_parse(const char *text, size_t len, struct sign_sig *out, char **cause);
void sign_sig_clear(struct sign_sig *s);

/* Verifies data against a .minisig text and the expected public key: key id,
 * signature over BLAKE2b-512 of data, and the global signature over the
 * trusted comment.  On success *trusted (when not NULL) gets the comment. */
int sign_verify(const struct sign_pub *pub, const void *data, size_t len, const char *minisig,
                size_t siglen, char **trusted, char **cause);

/* A bare Ed25519 signature of msg (sync's handshake and chain heads,
 * docs/SYNC.md: not minisign's prehashed form), and its check against pub
 * (0 good, -1 not). */
void sign_detached(const struct sign_key *k, const void *msg, size_t len,
                   unsigned char sig[SIGN_SIG_LEN]);
int sign_verify_detached(const struct sign_pub *pub, const void *msg, size_t len,
                         const unsigned char sig[SIGN_SIG_LEN]);

#endif
