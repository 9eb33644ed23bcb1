/* pin.c — the coordinator's PIN, its recovery code and the waits after wrong
 * tries; see pin.h. */
#include "pin.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"
#include "util.h"

/* Small enough for a Pi with the kiosk's RSS budget; a 6-digit PIN is mainly
 * protected by the waits, the hash keeps it off the card in clear. */
#define PIN_OPSLIMIT 3
#define PIN_MEMLIMIT (16u * 1024 * 1024)

/* No 0/O or 1/I: a code read off paper is typed right. */
static const char pin_code_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
#define PIN_CODE_GROUPS 4
#define PIN_CODE_GROUP  4

struct pin_file {
	char pin[PIN_HASH_MAX];      /* "" when none */
	char recovery[PIN_HASH_MAX]; /* "" when none */
};

int
pin_valid(const char *pin, char **cause)
{
	size_t n = strlen(pin);

	if (n < PIN_MIN || n > PIN_MAX || strspn(pin, "0123456789") != n)
		return util_fail(cause, "A PIN is %d to %d digits.", PIN_MIN, PIN_MAX);
	return 0;
}

static int
pin_hash(const char *secret, char out[PIN_HASH_MAX], char **cause)
{
	if (sodium_init() < 0)
		return util_fail(cause, "The PIN could not be hashed.");
	if (crypto_pwhash_str(out, secret, strlen(secret), PIN_OPSLIMIT, PIN_MEMLIMIT) != 0)
		return util_fail(cause, "Not enough memory to hash the PIN.");
	return 0;
}

int
pin_verify(const char *hash, const char *pin)
{
	if (sodium_init() < 0 || hash[0] == '\0')
		return 0;
	return crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}

int64_t
pin_delay_ms(int64_t failures)
{
	int64_t d = 5000;

	if (failures < 3)
		return 0;
	for (int64_t i = 3; i < failures && d < 300000; i++)
		d *= 2;
	return d > 300000 ? 300000 : d;
}

char *
pin_path(const char *db_path)
{
	return xasprintf("%s.pin", db_path);
}

/* 0 read, 1 no file (no PIN set), -1 unreadable or damaged. */
static int
pin_read(const char *path, struct pin_file *pf, char **cause)
{
	char *data = NULL, *line, *next;
	size_t n = 0;
	int rc = -1;

	memset(pf, 0, sizeof *pf);
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 1;
	if (util_read_file(path, 4096, &data, &n, cause) != 0)
		return -1;
	for (line = data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "recovery ", 9) == 0 && strlen(line + 9) < PIN_HASH_MAX)
			snprintf(pf->recovery, sizeof pf->recovery, "%s", line + 9);
		else if (pf->pin[0] == '\0' && strncmp(line, "$argon2", 7) == 0 &&
		         strlen(line) < PIN_HASH_MAX)
			snprintf(pf->pin, sizeof pf->pin, "%s", line);
	}
	if (pf->pin[0] == '\0' && pf->recovery[0] == '\0')
		util_fail(cause, "The PIN file %s is damaged.", path);
	else
		rc = 0;
	util_wipe(data, n);
	free(data);
	return rc;
}

static int
pin_write(const char *path, const struct pin_file *pf, char **cause)
{
	char *text, *dir = xstrdup(path), *slash = strrchr(dir, '/');
	const char *name = path;
	int rc;

	if (slash != NULL) {
		*slash = '\0';
		name = slash + 1;
	} else {
		free(dir);
		dir = xstrdup(".");
	}
	text = pf->recovery[0] != '\0' ? xasprintf("%s\nrecovery %s\n", pf->pin, pf->recovery)
	                               : xasprintf("%s\n", pf->pin);
	rc = util_write_file(dir[0] != '\0' ? dir : "/", name, text, strlen(text), 0600, cause);
	util_wipe(text, strlen(text));
	free(text);
	free(dir);
	return rc;
}

int
pin_is_set(const char *path)
{
	struct pin_file pf;
	int set = pin_read(path, &pf, NULL) == 0 && pf.pin[0] != '\0';

	util_wipe(&pf, sizeof pf);
	return set;
}

/* "abcd efgh-jkLM npqr" -> "ABCDEFGHJKLMNPQR": what a person may type. */
static void
pin_code_normal(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in != '\0' && n + 1 < len; in++) {
		if (*in == '-' || *in == ' ')
			continue;
		out[n++] = (char)(*in >= 'a' && *in <= 'z' ? *in - 'a' + 'A' : *in);
	}
	out[n] = '\0';
}

/* A new code: 16 characters of 32 (80 bits), shown in groups of four. */
static void
pin_code_new(char code[PIN_CODE_MAX], char plain[PIN_CODE_MAX])
{
	size_t i, n = 0;

	for (i = 0; i < PIN_CODE_GROUPS * PIN_CODE_GROUP; i++) {
		char c = pin_code_alphabet[randombytes_uniform(sizeof pin_code_alphabet - 1)];

		if (i > 0 && i % PIN_CODE_GROUP == 0)
			code[n++] = '-';
		code[n++] = c;
		plain[i] = c;
	}
	code[n] = '\0';
	plain[i] = '\0';
}

static int
pin_count_cb(const struct ledger_entry *e, void *arg)
{
	struct pin_throttle *t = arg;

	if (strcmp(e->kind, "pin-fail") == 0) {
		t->failures++;
		t->last_fail = e->at;
	} else {
		t->failures = 0; /* pin-ok, pin-set, pin-recover */
	}
	return 0;
}

/* Once per process: the wrong tries since the last right one. */
static void
pin_count(struct ledger *l, struct pin_throttle *t)
{
	static const char *const kinds[] = {"pin-ok", "pin-set", "pin-recover"};
	int64_t last = 0, seq;
	size_t i;

	if (t->counted)
		return;
	memset(t, 0, sizeof *t);
	for (i = 0; i < nitems(kinds); i++)
		if ((seq = ledger_kind_last(l, kinds[i])) > last)
			last = seq;
	ledger_kind_entries(l, "pin-fail", last + 1, pin_count_cb, t, NULL);
	t->counted = 1;
}

/* The wait still due now; an interval not measured on this boot's clock
 * (another boot, a clock gone backwards) starts the wait again from now. */
static int64_t
pin_wait_due(struct pin_throttle *t, const struct stamp *now)
{
	int64_t delay = pin_delay_ms(t->failures), since = -1;

	if (delay == 0)
		return 0;
	if (stamp_elapsed(&t->last_fail, now, &since) != 1 || since < 0) {
		t->last_fail = *now;
		since = 0;
	}
	return since < delay ? delay - since : 0;
}

/* A try or a change as a ledger entry; before the event is set up (the PIN
 * comes first on a new station) there is no ledger to write to yet. */
static int
pin_record(struct ledger *l, const char *kind, char **cause)
{
	if (!ledger_has_event(l))
		return 0;
	return ledger_append(l, kind, 0, 0, 0, "{}", "coordinator", NULL, cause);
}

int
pin_check(struct ledger *l, const char *path, struct pin_throttle *t, const char *secret,
          int is_code, int64_t *wait_ms, char **cause)
{
	struct pin_file pf;
	struct stamp now;
	char typed[PIN_CODE_MAX * 2];
	int ok, rc = -1;

	*wait_ms = 0;
	if ((rc = pin_read(path, &pf, cause)) != 0) {
		if (rc > 0)
			util_fail(cause, "No PIN is set yet.");
		return -1;
	}
	rc = -1;
	pin_count(l, t);
	ledger_now(l, &now);
	if ((*wait_ms = pin_wait_due(t, &now)) > 0) {
		util_fail(cause, "Too many wrong tries. Wait %lld s and try again.",
		          (long long)((*wait_ms + 999) / 1000));
		goto end;
	}
	if (is_code) {
		pin_code_normal(secret, typed, sizeof typed);
		ok = pf.recovery[0] != '\0' && pin_verify(pf.recovery, typed);
	} else {
		ok = pin_verify(pf.pin, secret);
	}
	if (!ok) {
		if (pin_record(l, "pin-fail", cause) != 0)
			goto end;
		t->failures++;
		t->last_fail = now;
		*wait_ms = pin_delay_ms(t->failures);
		if (*wait_ms > 0)
			util_fail(cause, "Wrong %s. Wait %lld s before the next try.",
			          is_code ? "recovery code" : "PIN", (long long)(*wait_ms / 1000));
		else
			util_fail(cause, "Wrong %s. Try again.", is_code ? "recovery code" : "PIN");
		goto end;
	}
	if (!is_code && pin_record(l, "pin-ok", cause) != 0)
		goto end;
	t->failures = 0;
	rc = 0;
end:
	util_wipe(&pf, sizeof pf);
	util_wipe(typed, sizeof typed);
	return rc;
}

int
pin_set(struct ledger *l, const char *path, struct pin_throttle *t, const char *new_pin,
        const char *old_pin, const char *recovery, char code[PIN_CODE_MAX], int64_t *wait_ms,
        char **cause)
{
	struct pin_file pf, old;
	char plain[PIN_CODE_MAX] = "";
	int have, rc = -1, new_code, use_code = recovery != NULL && *recovery != '\0';

	code[0] = '\0';
	*wait_ms = 0;
	memset(&pf, 0, sizeof pf);
	if (pin_valid(new_pin, cause) != 0)
		return -1;
	if ((have = pin_read(path, &old, cause)) < 0)
		return -1;
	if (have == 0) {
		/* changing it: the old PIN, or the recovery code */
		if (use_code) {
			if (pin_check(l, path, t, recovery, 1, wait_ms, cause) != 0)
				goto end;
		} else if (old_pin == NULL || *old_pin == '\0') {
			util_fail(cause, "Type the current PIN first (or use the recovery code).");
			goto end;
		} else if (pin_check(l, path, t, old_pin, 0, wait_ms, cause) != 0) {
			goto end;
		}
	}
	new_code = have != 0 || use_code;
	if (pin_hash(new_pin, pf.pin, cause) != 0)
		goto end;
	if (new_code) {
		pin_code_new(code, plain);
		if (pin_hash(plain, pf.recovery, cause) != 0)
			goto end;
	} else {
		memcpy(pf.recovery, old.recovery, sizeof pf.recovery);
	}
	if (pin_write(path, &pf, cause) != 0)
		goto end;
	if (pin_record(l, use_code ? "pin-recover" : "pin-set", cause) != 0)
		goto end;
	t->failures = 0;
	rc = 0;
end:
	if (rc != 0)
		code[0] = '\0';
	util_wipe(&pf, sizeof pf);
	util_wipe(&old, sizeof old);
	util_wipe(plain, sizeof plain);
	return rc;
}
