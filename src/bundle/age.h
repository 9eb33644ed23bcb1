/* age.h — files sealed in the format of the `age` tool (age v1, X25519
 * recipients only; libsodium only).  What we write, stock `age -d -i KEY`
 * opens, and what `age -r age1…` writes, age_decrypt opens.  The format,
 * byte for byte (C2SP age v1; ../docs/BUNDLE.md "Sealed bundles"):
 *
 *   age-encryption.org/v1\n
 *   -> X25519 <ephemeral share, base64>\n      one stanza per recipient
 *   <file key wrapped with ChaCha20-Poly1305, base64>\n
 *   --- <HMAC-SHA256 of the header up to "---", base64>\n
 *   nonce[16] | chunk ‖ tag[16] ...            64 KiB chunks, last flagged
 *
 * Keys: an identity is 32 secret bytes (`AGE-SECRET-KEY-1…`, Bech32); a
 * recipient is its X25519 public key (`age1…`).  Identity files are
 * age-keygen's: `# created:` and `# public key:` comment lines, then the
 * secret line, mode 0600.
 *
 * Sealing and opening stream from one file descriptor to another in 64 KiB
 * chunks, so a 40 MB ledger is never held in memory.  age_decrypt checks
 * the header's MAC before it writes a byte, and each chunk's tag before it
 * writes that chunk; a damaged or truncated file fails part-way, so write
 * to a temporary file and keep it only on success.  Refusals are sentences:
 * "not sealed to this key", damaged, truncated, trailing data. */
#ifndef WAT_AGE_H
#define WAT_AGE_H

#include <stddef.h>

#define AGE_KEY_LEN       32
#define AGE_RECIPIENT_LEN 62 /* "age1" + 58 */
#define AGE_IDENTITY_LEN  74 /* "AGE-SECRET-KEY-1" + 58 */
#define AGE_CHUNK         65536
#define AGE_MAX_IDS       16 /* keys read from one identity file */

/* A secret key; wipe it with age_identity_wipe when done. */
struct age_identity {
	unsigned char sk[AGE_KEY_LEN];
	unsigned char pk[AGE_KEY_LEN]; /* X25519(sk, base point) */
};

struct age_recipient {
	unsigned char pk[AGE_KEY_LEN];
};

/* A new random identity. */
void age_keygen(struct age_identity *id);
void age_identity_wipe(struct age_identity *id);
void age_identity_recipient(const struct age_identity *id, struct age_recipient *r);

/* "age1…" (NUL-terminated, AGE_RECIPIENT_LEN chars). */
void age_recipient_format(const struct age_recipient *r, char out[AGE_RECIPIENT_LEN + 1]);
/* "AGE-SECRET-KEY-1…" (AGE_IDENTITY_LEN chars); wipe out after use. */
void age_identity_format(const struct age_identity *id, char out[AGE_IDENTITY_LEN + 1]);
/* Parses one key (surrounding spaces and a line end are ignored).  Refuses
 * mixed case, a wrong prefix, a bad checksum, non-zero padding, a wrong
 * length, in words. */
int age_recipient_parse(const char *text, struct age_recipient *r, char **cause);
int age_identity_parse(const char *text, struct age_identity *id, char **cause);

/* Writes an identity file as age-keygen does (3 lines, 0600); never
 * overwrites an existing file (refused in words). */
int age_identity_write(const char *path, const struct age_identity *id, char **cause);
/* Writes "age1…\n" (0644); never overwrites. */
int age_recipient_write(const char *path, const struct age_recipient *r, char **cause);
/* Reads the keys of an identity file (empty and '#' lines skipped; at
 * least one, at most AGE_MAX_IDS).  Modes are not checked: a key on a FAT
 * stick has none.  *n gets the count; wipe ids after use. */
int age_identity_load(const char *path, struct age_identity ids[AGE_MAX_IDS], size_t *n,
                      char **cause);
/* Reads the recipient in a .pub file: its first line that is neither
 * empty nor a '#' comment. */
int age_recipient_load(const char *path, struct age_recipient *r, char **cause);

/* Seals everything read from in_fd (to EOF) to the n recipients (1..16),
 * writing the age file to out_fd.  Does not fsync or close. */
int age_encrypt(const struct age_recipient *r, size_t n, int in_fd, int out_fd, char **cause);
/* Opens the age file read from in_fd with any of the n identities, writing
 * the plain bytes to out_fd.  -1 with a sentence: not an age file, sealed
 * to other keys ("not sealed to this key"), header damaged, payload damaged,
 * truncated, trailing data, or a read/write error. */
int age_decrypt(const struct age_identity *ids, size_t n, int in_fd, int out_fd, char **cause);

/* The same from memory to a malloc'd buffer (the caller's, *outlen bytes;
 * wipe an opened one when it is secret).  name (NULL: "The sealed file")
 * starts the refusals' sentences. */
int age_encrypt_mem(const struct age_recipient *r, size_t n, const void *in, size_t len,
                    unsigned char **out, size_t *outlen, char **cause);
int age_decrypt_mem(const struct age_identity *ids, size_t n, const void *in, size_t len,
                    const char *name, unsigned char **out, size_t *outlen, char **cause);

/* The same on whole files: out is written as a temporary file beside it
 * (mode 0600 for plain output, 0644 for sealed), fsync'd and renamed only
 * on success; an existing out is replaced. */
int age_encrypt_file(const struct age_recipient *r, size_t n, const char *in, const char *out,
                     char **cause);
int age_decrypt_file(const struct age_identity *ids, size_t n, const char *in, const char *out,
                     char **cause);

#endif
