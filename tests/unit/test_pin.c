/* test_pin.c — the coordinator's PIN on a real ledger and PIN file: the
 * recovery code, changing it only with the current PIN or the code, the waits
 * after wrong tries (a try during a wait does not count; a reboot with the
 * clock gone backwards never shortens a wait). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "ledger.h"
#include "pin.h"
#include "util.h"

#define BOOT_A "6f1c2f8e-4c1a-4b8e-9d7e-2a1b3c4d5e6f"
#define BOOT_B "0b9a8c7d-1e2f-4a3b-8c5d-6e7f8a9b0c1d"
#define T0     1795521600000LL /* 2026-11-24 12:00:00 UTC */

struct fixture {
	char dir[64];
	char db[96], pin[128];
	struct ledger *l;
	struct stamp now;
	struct pin_throttle t;
};

static void
fake_clock(struct stamp *st, void *arg)
{
	*st = ((struct fixture *)arg)->now;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct ledger_init in = {"Walk", "Jackson", "2026-11-24", "T1", 0, NULL};

	snprintf(f->dir, sizeof f->dir, "/tmp/wat-pin-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/station.db", f->dir);
	snprintf(f->pin, sizeof f->pin, "%s/station.db.pin", f->dir);
	f->now = (struct stamp){T0, 1000000, BOOT_A};
	assert_int_equal(ledger_open(f->db, &f->l, NULL), 0);
	ledger_set_clock(f->l, fake_clock, f);
	assert_int_equal(ledger_init_event(f->l, &in, "test", NULL), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	ledger_free(f->l);
	assert_int_equal(tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

static int
count_cb(const struct ledger_entry *e, void *arg)
{
	(*(int64_t *)arg)++;
	return 0;
}

static int64_t
entries(struct fixture *f, const char *kind)
{
	int64_t n = 0;

	assert_int_equal(ledger_kind_entries(f->l, kind, 1, count_cb, &n, NULL), 0);
	return n;
}

static void
set_first(struct fixture *f, const char *pin, char code[PIN_CODE_MAX])
{
	int64_t wait = 0;
	char *cause = NULL;

	assert_int_equal(pin_set(f->l, f->pin, &f->t, pin, NULL, NULL, code, &wait, &cause), 0);
}

static void
test_first_pin_and_recovery_code(void **state)
{
	struct fixture *f = *state;
	char code[PIN_CODE_MAX], *cause = NULL, *text = NULL;
	struct stat st;
	size_t len;
	int64_t wait = 0;

	assert_int_equal(pin_is_set(f->pin), 0);
	/* at least 6 digits */
	assert_int_equal(pin_set(f->l, f->pin, &f->t, "2468", NULL, NULL, code, &wait, &cause), -1);
	assert_non_null(strstr(cause, "6 to 8 digits"));
	free(cause);
	set_first(f, "246813", code);
	assert_int_equal(pin_is_set(f->pin), 1);
	/* the code: four groups of four, no 0/O/1/I; never stored in clear */
	assert_int_equal(strlen(code), 19);
	assert_int_equal(code[4], '-');
	assert_null(strpbrk(code, "01OI"));
	assert_int_equal(stat(f->pin, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(util_read_file(f->pin, 4096, &text, &len, NULL), 0);
	assert_null(strstr(text, code));
	assert_non_null(strstr(text, "recovery $argon2id$"));
	free(text);
	assert_int_equal(entries(f, "pin-set"), 1);
	assert_int_equal(pin_check(f->l, f->pin, &f->t, "246813", 0, &wait, NULL), 0);
	assert_int_equal(entries(f, "pin-ok"), 1);
}

/* Changing it: the current PIN, or the recovery code (which then changes). */
static void
test_change_needs_the_current_pin_or_the_code(void **state)
{
	struct fixture *f = *state;
	char code[PIN_CODE_MAX], fresh[PIN_CODE_MAX], *cause = NULL;
	int64_t wait = 0;

	set_first(f, "246813", code);
	assert_int_equal(pin_set(f->l, f->pin, &f->t, "135790", NULL, NULL, fresh, &wait, &cause),
	                 -1);
	assert_non_null(strstr(cause, "current PIN"));
	free(cause);
	cause = NULL;
	assert_int_equal(
	    pin_set(f->l, f->pin, &f->t, "135790", "999999", NULL, fresh, &wait, &cause), -1);
	assert_non_null(strstr(cause, "Wrong PIN"));
	free(cause);
	cause = NULL;
	assert_int_equal(
	    pin_set(f->l, f->pin, &f->t, "135790", "246813", NULL, fresh, &wait, &cause), 0);
	assert_string_equal(fresh, ""); /* the recovery code stays */
	assert_int_equal(pin_check(f->l, f->pin, &f->t, "135790", 0, &wait, NULL), 0);
	assert_int_equal(pin_check(f->l, f->pin, &f->t, "246813", 0, &wait, NULL), -1);
	/* forgotten: the code, typed as a person types it, gives a new PIN and a new code */
	for (char *p = code; *p != '\0'; p++)
		*p = *p == '-' ? ' ' : (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	assert_int_equal(pin_set(f->l, f->pin, &f->t, "112233", NULL, code, fresh, &wait, &cause),
	                 0);
	assert_int_equal(strlen(fresh), 19);
	assert_int_equal(entries(f, "pin-recover"), 1);
	assert_int_equal(pin_check(f->l, f->pin, &f->t, "112233", 0, &wait, NULL), 0);
	/* the old code works once only */
	assert_int_equal(pin_set(f->l, f->pin, &f->t, "445566", NULL, code, fresh, &wait, &cause),
	                 -1);
	assert_non_null(strstr(cause, "Wrong recovery code"));
	free(cause);
}

/* A try during a wait is refused without counting as another wrong PIN. */
static void
test_wait_after_wrong_tries(void **state)
{
	struct fixture *f = *state;
	char code[PIN_CODE_MAX];
	int64_t wait = 0;

	set_first(f, "246813", code);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pin_check(f->l, f->pin, &f->t, "000000", 0, &wait, NULL), -1);
	assert_int_equal(wait, 5000);
	assert_int_equal(entries(f, "pin-fail"), 3);
	f->now.mono_ms += 2000;
	f->now.wall_ms += 2000;
	assert_int_equal(pin_check(f->l, f->pin, &f->t, "246813", 0, &wait, NULL), -1);
	assert_int_equal(wait, 3000);
	assert_int_equal(pin_check(f->l, f->pin, &f->t, "000000", 0, &wait, NULL), -1);
	assert_int_equal(entries(f, "pin-fail"), 3); /* not counted */
	f->now.mono_ms += 3000;
	f->now.wall_ms += 3000;
	assert_int_equal(pin_check(f->l, f->pin, &f->t, "246813", 0, &wait, NULL), 0);
}

/* 7 wrong tries (an 80 s wait due), then a reboot whose clock went backwards:
 * the interval comes out negative and must not skip the wait. */
static void
test_reboot_with_the_clock_backwards_keeps_the_wait(void **state)
{
	struct fixture *f = *state;
	char code[PIN_CODE_MAX];
	struct pin_throttle fresh;
	int64_t wait = 0;

	set_first(f, "246813", code);
	for (int i = 0; i < 7; i++) { /* each after the wait before it */
		f->now.mono_ms += wait;
		f->now.wall_ms += wait;
		assert_int_equal(pin_check(f->l, f->pin, &f->t, "000000", 0, &wait, NULL), -1);
	}
	assert_int_equal(entries(f, "pin-fail"), 7);
	assert_int_equal(wait, 80000);
	/* reboot: another boot, the wall clock an hour behind */
	f->now = (struct stamp){T0 - 3600000, 5000, BOOT_B};
	ledger_free(f->l);
	assert_int_equal(ledger_open(f->db, &f->l, NULL), 0);
	ledger_set_clock(f->l, fake_clock, f);
	memset(&fresh, 0, sizeof fresh);
	assert_int_equal(pin_check(f->l, f->pin, &fresh, "246813", 0, &wait, NULL), -1);
	assert_int_equal(wait, 80000); /* the whole wait, from now */
	f->now.mono_ms += 79000;
	f->now.wall_ms += 79000;
	assert_int_equal(pin_check(f->l, f->pin, &fresh, "246813", 0, &wait, NULL), -1);
	assert_int_equal(wait, 1000);
	assert_int_equal(entries(f, "pin-fail"), 7);
	f->now.mono_ms += 1000;
	f->now.wall_ms += 1000;
	assert_int_equal(pin_check(f->l, f->pin, &fresh, "246813", 0, &wait, NULL), 0);
}

static void
test_delays(void **state)
{
	assert_int_equal(pin_valid("123456", NULL), 0);
	assert_int_equal(pin_valid("12345", NULL), -1);
	assert_int_equal(pin_valid("12a456", NULL), -1);
	assert_int_equal(pin_valid("123456789", NULL), -1);
	assert_int_equal(pin_delay_ms(0), 0);
	assert_int_equal(pin_delay_ms(2), 0);
	assert_int_equal(pin_delay_ms(3), 5000);
	assert_int_equal(pin_delay_ms(4), 10000);
	assert_int_equal(pin_delay_ms(7), 80000);
	assert_int_equal(pin_delay_ms(100), 300000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_delays),
	    cmocka_unit_test_setup_teardown(test_first_pin_and_recovery_code, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_needs_the_current_pin_or_the_code, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_wait_after_wrong_tries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reboot_with_the_clock_backwards_keeps_the_wait,
	                                    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
