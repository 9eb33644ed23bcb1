/* pin.h — the coordinator's PIN: an Argon2id hash (libsodium) in a file beside
 * the database (mode 0600), and the growing delays after wrong tries.  The
 * tries themselves are counted in the ledger by the caller (kiosk_worker), so
 * a reboot does not reset them. */
#ifndef WAT_PIN_H
#define WAT_PIN_H

#include <stddef.h>
#include <stdint.h>

#define PIN_MIN      4
#define PIN_MAX      8
#define PIN_HASH_MAX 128 /* crypto_pwhash_STRBYTES */

/* 0 when pin is 4-8 digits, else -1 with *cause. */
int pin_valid(const char *pin, char **cause);
/* Hashes pin into out (len >= PIN_HASH_MAX). */
int pin_hash(const char *pin, char *out, size_t len, char **cause);
/* 1 when pin matches hash, 0 when not. */
int pin_verify(const char *hash, const char *pin);

/* The file holding the hash for a database: "<db>.pin" (malloc'd). */
char *pin_path(const char *db_path);
/* Reads the hash; 0 found, 1 no PIN set yet, -1 unreadable with *cause. */
int pin_load(const char *path, char *out, size_t len, char **cause);
/* Writes the hash atomically (temp file, fsync, rename), mode 0600. */
int pin_store(const char *path, const char *hash, char **cause);

/* How long to wait after `failures` wrong tries in a row: none for the first
 * three, then 5 s doubling up to 5 minutes. */
int64_t pin_delay_ms(int64_t failures);

#endif
