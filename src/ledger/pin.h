/* pin.h — the coordinator's PIN and its one-time recovery code.
 *
 * Both are kept as Argon2id hashes (libsodium) in a file beside the database,
 * "<db>.pin", mode 0600: the PIN hash on the first line, "recovery <hash>" on
 * the second.  Every try is a ledger entry ("pin-ok", "pin-fail"; "pin-set"
 * and "pin-recover" when it changes), so the growing waits after wrong tries
 * survive a reboot; a wait is measured on this boot's monotonic clock, and an
 * interval that cannot be measured so (another boot, a clock gone backwards)
 * starts the wait again rather than shortening it.
 *
 * The recovery code is made when the first PIN is set and again each time it
 * is used: shown (and printable) once, never stored in clear.  It is the way
 * back from a forgotten PIN (docs/COORDINATOR-GUIDE.md). */
#ifndef WAT_PIN_H
#define WAT_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "stamp.h"

struct ledger;

#define PIN_MIN      6
#define PIN_MAX      8
#define PIN_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define PIN_CODE_MAX 24  /* "ABCD-EFGH-JKLM-NPQR" and its NUL */

/* 0 when pin is 6-8 digits, else -1 with *cause. */
int pin_valid(const char *pin, char **cause);
/* 1 when pin matches hash, 0 when not. */
int pin_verify(const char *hash, const char *pin);
/* How long to wait after `failures` wrong tries in a row: none for the first
 * three, then 5 s doubling up to 5 minutes. */
int64_t pin_delay_ms(int64_t failures);

/* The file holding the hashes for a database: "<db>.pin" (malloc'd). */
char *pin_path(const char *db_path);
/* 1 when a PIN is set, 0 when not (or the file is unreadable). */
int pin_is_set(const char *path);

/* The wrong tries in a row, read from the ledger once, then kept. */
struct pin_throttle {
	int counted;
	int64_t failures;
	struct stamp last_fail;
};

/* Checks pin (or, with is_code, a recovery code) against the file, honouring
 * the wait: 0 when right ("pin-ok" recorded), -1 with *cause otherwise; when a
 * wait applies (now, or after this wrong try) *wait_ms says how long, and a
 * try during a wait is refused without counting. */
int pin_check(struct ledger *l, const char *path, struct pin_throttle *t, const char *secret,
              int is_code, int64_t *wait_ms, char **cause);

/* Sets a new PIN.  With a PIN set, the old PIN or the recovery code must be
 * given (checked as pin_check does, the same waits); with none set yet,
 * neither.  When the first PIN is set or the recovery code was used, a new
 * recovery code is made: it is in code (else code is ""), to be shown once. */
int pin_set(struct ledger *l, const char *path, struct pin_throttle *t, const char *new_pin,
            const char *old_pin, const char *recovery, char code[PIN_CODE_MAX], int64_t *wait_ms,
            char **cause);

#endif
