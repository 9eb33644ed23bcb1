/* test_badge.c — badge codes: round trips, every refusal, and the QR size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>
#include <sodium.h>

#include "badge.h"

static const char qr_alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Key 00 01 .. 1f, tag K7QF: the example in docs/FORMATS.md. */
static void
test_event(struct badge_event *ev)
{
	size_t i;

	memset(ev, 0, sizeof *ev);
	memcpy(ev->tag, "K7QF", 5);
	for (i = 0; i < BADGE_KEY_LEN; i++)
		ev->key[i] = (unsigned char)i;
}

static enum badge_status
verify_str(const struct badge_event *ev, const char *code, uint32_t *walker, char **cause)
{
	return badge_verify(ev, code, strlen(code), walker, cause);
}

/* Checks the status, and that a refusal comes with a sentence. */
static void
expect_status(const struct badge_event *ev, const char *code, size_t len, enum badge_status want)
{
	char *cause = NULL;
	uint32_t walker = 0;
	enum badge_status s;

	s = badge_verify(ev, code, len, &walker, &cause);
	if (s != want)
		fail_msg("%.*s: got %s, want %s", (int)(len > 80 ? 80 : len), code,
		         badge_status_name(s), badge_status_name(want));
	if (want == BADGE_OK)
		assert_null(cause);
	else {
		assert_non_null(cause);
		assert_true(strlen(cause) > 10);
		assert_int_equal(cause[strlen(cause) - 1], '.');
	}
	free(cause);
}

/* A MAC computed here independently of badge.c, for codes badge_encode
 * would never write (leading zeros). */
static void
mac_of(const struct badge_event *ev, const char *body, char *mac)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char h[32];
	uint64_t bits = 0;
	int i;

	crypto_generichash(h, sizeof h, (const unsigned char *)body, strlen(body), ev->key,
	                   BADGE_KEY_LEN);
	for (i = 0; i < 8; i++)
		bits = bits << 8 | h[i];
	for (i = 0; i < 12; i++)
		mac[i] = b32[(bits >> (64 - 5 * (i + 1))) & 31];
	mac[12] = '\0';
}

static void
test_known_vectors(void **state)
{
	struct badge_event ev;
	char code[BADGE_CODE_MAX];

	test_event(&ev);
	/* Computed with Python's hashlib.blake2b(key=..., digest_size=32). */
	badge_encode(&ev, 1, code, sizeof code);
	assert_string_equal(code, "W1-K7QF-1-E7P8N4VR3E0W");
	badge_encode(&ev, 42, code, sizeof code);
	assert_string_equal(code, "W1-K7QF-42-DY73NHZTSDJ7");
	badge_encode(&ev, 999999, code, sizeof code);
	assert_string_equal(code, "W1-K7QF-999999-3H2388W98A9Q");
}

static void
check_round_trip(const struct badge_event *ev, uint32_t id)
{
	char code[BADGE_CODE_MAX], want[32], *cause = NULL;
	uint32_t walker = 0;
	size_t len, i;

	badge_encode(ev, id, code, sizeof code);
	len = strlen(code);
	assert_in_range(len, 22, 27);
	for (i = 0; i < len; i++)
		assert_non_null(strchr(qr_alnum, code[i]));
	snprintf(want, sizeof want, "W1-%s-%u-", ev->tag, (unsigned)id);
	assert_memory_equal(code, want, strlen(want));
	assert_int_equal(verify_str(ev, code, &walker, &cause), BADGE_OK);
	assert_null(cause);
	assert_int_equal(walker, id);
}

static void
test_round_trip(void **state)
{
	static const uint32_t edges[] = {1,    9,     10,     99,     100,   999,
	                                 1000, 99999, 100000, 999998, 999999};
	struct badge_event ev, gen;
	uint32_t id;
	size_t i;

	test_event(&ev);
	for (id = 1; id <= 3000; id++)
		check_round_trip(&ev, id);
	for (i = 0; i < sizeof edges / sizeof edges[0]; i++)
		check_round_trip(&ev, edges[i]);
	for (i = 0; i < 20; i++) {
		badge_event_generate(&gen);
		assert_int_equal(strlen(gen.tag), BADGE_TAG_LEN);
		assert_int_equal(strspn(gen.tag, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"),
		                 BADGE_TAG_LEN);
		check_round_trip(&gen, 1 + randombytes_uniform(BADGE_MAX_WALKER));
	}
}

static void
test_encode_refuses_bad_input(void **state)
{
	struct badge_event ev;
	char code[BADGE_CODE_MAX];

	test_event(&ev);
	memset(code, 'x', sizeof code);
	badge_encode(&ev, 0, code, sizeof code);
	assert_string_equal(code, "");
	badge_encode(&ev, BADGE_MAX_WALKER + 1, code, sizeof code);
	assert_string_equal(code, "");
	badge_encode(&ev, 5, code, 10); /* too small: nothing rather than half a code */
	assert_string_equal(code, "");
	memcpy(ev.tag, "K7QI", 5); /* I is not Crockford */
	badge_encode(&ev, 5, code, sizeof code);
	assert_string_equal(code, "");
}

/* Every code one typo away from a valid one is refused, whatever the typo. */
static void
test_every_substitution_refused(void **state)
{
	static const uint32_t ids[] = {1, 42, 7301, 999999};
	static const char extra[] = "?#\"'=_~abc\x01\x7f\xc3";
	struct badge_event ev;
	char code[BADGE_CODE_MAX], bad[BADGE_CODE_MAX], subs[64];
	size_t i, pos, c, len;
	int tried = 0;

	test_event(&ev);
	snprintf(subs, sizeof subs, "%s%s", qr_alnum, extra);
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		badge_encode(&ev, ids[i], code, sizeof code);
		len = strlen(code);
		for (pos = 0; pos < len; pos++) {
			for (c = 0; subs[c] != '\0'; c++) {
				if (subs[c] == code[pos] ||
				    (subs[c] >= 'a' && subs[c] <= 'z' && subs[c] - 32 == code[pos]))
					continue;
				memcpy(bad, code, len + 1);
				bad[pos] = subs[c];
				if (verify_str(&ev, bad, NULL, NULL) == BADGE_OK)
					fail_msg("%s accepted (from %s)", bad, code);
				tried++;
			}
		}
	}
	assert_true(tried > 4000);
}

static void
test_other_event(void **state)
{
	struct badge_event ev, other;
	char code[BADGE_CODE_MAX], *cause = NULL;

	test_event(&ev);
	test_event(&other);
	memcpy(other.tag, "ZZ9A", 5);
	other.key[0] ^= 1;
	badge_encode(&other, 42, code, sizeof code);
	assert_int_equal(verify_str(&ev, code, NULL, &cause), BADGE_OTHER_EVENT);
	assert_non_null(strstr(cause, "another event"));
	assert_non_null(strstr(cause, "ZZ9A"));
	free(cause);

	/* Same tag, other key (two events that drew the same tag): forged. */
	memcpy(other.tag, ev.tag, 5);
	badge_encode(&other, 42, code, sizeof code);
	cause = NULL;
	assert_int_equal(verify_str(&ev, code, NULL, &cause), BADGE_FORGED);
	assert_non_null(strstr(cause, "altered or"));
	assert_non_null(strstr(cause, "volunteer"));
	free(cause);
}

static void
test_forged(void **state)
{
	struct badge_event ev;
	char code[64];
	size_t i;

	test_event(&ev);
	expect_status(&ev, "W1-K7QF-42-DY73NHZTSDJ8", 23, BADGE_FORGED);
	expect_status(&ev, "W1-K7QF-43-DY73NHZTSDJ7", 23, BADGE_FORGED);
	expect_status(&ev, "W1-K7QF-42-000000000000", 23, BADGE_FORGED);
	/* Well-formed codes with random MACs. */
	for (i = 0; i < 2000; i++) {
		char mac[13];
		size_t j;

		for (j = 0; j < 12; j++)
			mac[j] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[randombytes_uniform(32)];
		mac[12] = '\0';
		snprintf(code, sizeof code, "W1-K7QF-%u-%s",
		         (unsigned)(1 + randombytes_uniform(BADGE_MAX_WALKER)), mac);
		expect_status(&ev, code, strlen(code), BADGE_FORGED);
	}
}

static void
test_random_strings(void **state)
{
	struct badge_event ev;
	char buf[300];
	size_t i, j, len;

	test_event(&ev);
	for (i = 0; i < 20000; i++) {
		char *cause = NULL;
		enum badge_status s;

		len = randombytes_uniform(sizeof buf);
		if (i % 2)
			randombytes_buf(buf, len);
		else {
			for (j = 0; j < len; j++)
				buf[j] = qr_alnum[randombytes_uniform(sizeof qr_alnum - 1)];
			if (i % 4 == 0 && len >= 3)
				memcpy(buf, "W1-", 3);
		}
		s = badge_verify(&ev, buf, len, NULL, &cause);
		assert_int_not_equal(s, BADGE_OK);
		assert_non_null(cause);
		free(cause);
	}
}

static void
test_empty(void **state)
{
	struct badge_event ev;

	test_event(&ev);
	expect_status(&ev, "", 0, BADGE_EMPTY);
	expect_status(&ev, NULL, 0, BADGE_EMPTY);
	expect_status(&ev, "   ", 3, BADGE_EMPTY);
	expect_status(&ev, "\r\n", 2, BADGE_EMPTY);
	expect_status(&ev, " \t\r\n ", 5, BADGE_EMPTY);
}

static void
test_too_long(void **state)
{
	struct badge_event ev;
	char *big;
	size_t n = 10 * 1024;

	test_event(&ev);
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'A', n);
	expect_status(&ev, big, n, BADGE_TOO_LONG);
	memcpy(big, "W1-K7QF-42-DY73NHZTSDJ7", 23);
	expect_status(&ev, big, n, BADGE_TOO_LONG);
	expect_status(&ev, big, BADGE_SCAN_MAX + 1, BADGE_TOO_LONG);
	/* Within the scan limit but far longer than any badge. */
	expect_status(&ev, big, BADGE_SCAN_MAX, BADGE_TOO_LONG);
	expect_status(&ev, big, BADGE_CODE_MAX, BADGE_TOO_LONG);
	/* Padding spaces do not count, up to the scan limit. */
	memset(big, ' ', n);
	memcpy(big + 100, "W1-K7QF-42-DY73NHZTSDJ7", 23);
	expect_status(&ev, big, BADGE_SCAN_MAX, BADGE_OK);
	expect_status(&ev, big, BADGE_SCAN_MAX + 1, BADGE_TOO_LONG);
	free(big);
}

static void
test_lowercase_and_whitespace(void **state)
{
	struct badge_event ev;
	uint32_t walker = 0;

	test_event(&ev);
	assert_int_equal(verify_str(&ev, "w1-k7qf-42-dy73nhztsdj7", &walker, NULL), BADGE_OK);
	assert_int_equal(walker, 42);
	walker = 0;
	assert_int_equal(verify_str(&ev, "W1-k7QF-42-Dy73nHZTSDJ7", &walker, NULL), BADGE_OK);
	assert_int_equal(walker, 42);
	expect_status(&ev, "W1-K7QF-42-DY73NHZTSDJ7\r\n", 25, BADGE_OK);
	expect_status(&ev, "W1-K7QF-42-DY73NHZTSDJ7\n", 24, BADGE_OK);
	expect_status(&ev, "  W1-K7QF-42-DY73NHZTSDJ7  ", 27, BADGE_OK);
	expect_status(&ev, "\tw1-k7qf-999999-3h2388w98a9q\r\n", 30, BADGE_OK);
	/* Not NUL-terminated: len is what counts. */
	expect_status(&ev, "W1-K7QF-42-DY73NHZTSDJ7XYZ", 23, BADGE_OK);
	/* Inside the code, whitespace is damage. */
	expect_status(&ev, "W1-K7QF-42 -DY73NHZTSDJ7", 24, BADGE_MALFORMED);
	expect_status(&ev, "W1-K7QF-42-DY73NHZT\nSDJ7", 24, BADGE_NOT_OURS);
}

static void
test_not_ours(void **state)
{
	static const char *const codes[] = {
	    "https://example.org/walker/42",
	    "HELLO",
	    "4006381333931",
	    "W2-K7QF-42-DY73NHZTSDJ7",
	    "W",
	    "W1",
	    "W1_K7QF-42-DY73NHZTSDJ7",
	    "W1-K7QF-42-DY73NHZTSDJ7?",
	    "{\"walker\":42}",
	    "W1-K7QF-42-DY73NHZTSDJ\xc3\xa9",
	    "1W-K7QF-42-DY73NHZTSDJ7",
	};
	struct badge_event ev;
	char *cause = NULL;
	size_t i;

	test_event(&ev);
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
		expect_status(&ev, codes[i], strlen(codes[i]), BADGE_NOT_OURS);
	expect_status(&ev, "W1-K7QF-42\0-DY73NHZTSDJ7", 24, BADGE_NOT_OURS);
	assert_int_equal(verify_str(&ev, "HELLO", NULL, &cause), BADGE_NOT_OURS);
	assert_string_equal(cause, "This is not a W.A.T. badge. Please scan the walker's badge, "
	                           "or look the walker up by name.");
	free(cause);
}

static void
test_malformed(void **state)
{
	static const char *const codes[] = {
	    "W1-",
	    "W1-K7QF-42-DY73NHZTSDJ",       /* truncated */
	    "W1-K7QF-42-DY73NHZTSDJ77",     /* one too many */
	    "W1-K7QF42-DY73NHZTSDJ7",       /* dash missing */
	    "W1-K7QF-42DY73NHZTSDJ7",       /* dash missing */
	    "W1-K7Q-42-DY73NHZTSDJ7",       /* short tag */
	    "W1-K7QFF-42-DY73NHZTSDJ7",     /* long tag */
	    "W1-K7QI-42-DY73NHZTSDJ7",      /* I is not Crockford */
	    "W1-K7QO-42-DY73NHZTSDJ7",      /* nor O */
	    "W1-K7QL-42-DY73NHZTSDJ7",      /* nor L */
	    "W1-K7QU-42-DY73NHZTSDJ7",      /* nor U */
	    "W1-K7QF-42-DY73NHZTSDJU",      /* in the MAC either */
	    "W1-K7QF-0-DY73NHZTSDJ7",       /* walker 0 */
	    "W1-K7QF--DY73NHZTSDJ7",        /* no walker */
	    "W1-K7QF-1000000-DY73NHZTSDJ7", /* seven digits */
	    "W1-K7QF-+42-DY73NHZTSDJ7",     /* sign */
	    "W1-K7QF-4.2-DY73NHZTSDJ7",     /* not decimal */
	    "W1-K7QF-42-DY73NH-ZTSDJ7",     /* extra dash */
	    "W1--K7QF-42-DY73NHZTSDJ7",
	    "W1-K7QF-42-DY73NHZTSDJ7-",
	};
	struct badge_event ev;
	size_t i;

	test_event(&ev);
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
		expect_status(&ev, codes[i], strlen(codes[i]), BADGE_MALFORMED);
}

/* A leading zero would give one walker two codes; refused even with a MAC
 * that matches the zero-padded text. */
static void
test_leading_zero(void **state)
{
	struct badge_event ev;
	char code[64], mac[13];

	test_event(&ev);
	mac_of(&ev, "W1-K7QF-042", mac);
	snprintf(code, sizeof code, "W1-K7QF-042-%s", mac);
	expect_status(&ev, code, strlen(code), BADGE_MALFORMED);
	mac_of(&ev, "W1-K7QF-000001", mac);
	snprintf(code, sizeof code, "W1-K7QF-000001-%s", mac);
	expect_status(&ev, code, strlen(code), BADGE_MALFORMED);
	/* The independent MAC agrees with badge_encode on real codes. */
	mac_of(&ev, "W1-K7QF-42", mac);
	assert_string_equal(mac, "DY73NHZTSDJ7");
}

static void
test_messages(void **state)
{
	struct badge_event ev;
	char *cause = NULL;

	test_event(&ev);
	assert_int_equal(verify_str(&ev, "W1-ABCD-7-DY73NHZTSDJ7", NULL, &cause),
	                 BADGE_OTHER_EVENT);
	assert_string_equal(cause, "This badge belongs to another event (ABCD), not this one. "
	                           "Please look the walker up by name, or print a new badge.");
	free(cause);
	assert_string_equal(badge_status_name(BADGE_OK), "ok");
	assert_string_equal(badge_status_name(BADGE_FORGED), "forged");
	assert_string_equal(badge_status_name(BADGE_OTHER_EVENT), "other-event");
	assert_string_equal(badge_status_name((enum badge_status)99), "unknown");
}

/* A training ledger's badges are "T1-" codes: each side refuses the other's
 * in words, even with the same tag and key, and no prefix swap passes. */
static void
test_training(void **state)
{
	struct badge_event day, tr;
	char code[BADGE_CODE_MAX], swapped[BADGE_CODE_MAX], *cause = NULL;
	uint32_t walker = 0;

	(void)state;
	test_event(&day);
	test_event(&tr);
	tr.training = 1;
	badge_encode(&tr, 42, code, sizeof code);
	assert_memory_equal(code, "T1-K7QF-42-", 11);
	expect_status(&tr, code, strlen(code), BADGE_OK);
	assert_int_equal(verify_str(&day, code, &walker, &cause), BADGE_TRAINING);
	assert_int_equal(walker, 0);
	assert_non_null(strstr(cause, "training badge"));
	free(cause);
	cause = NULL;
	/* the same walker's real badge in training */
	badge_encode(&day, 42, swapped, sizeof swapped);
	assert_memory_equal(swapped, "W1-K7QF-42-", 11);
	assert_int_equal(verify_str(&tr, swapped, NULL, &cause), BADGE_REAL);
	assert_non_null(strstr(cause, "training does not count it"));
	free(cause);
	/* the MAC covers the prefix: a training code made to look real is forged */
	swapped[0] = 'W';
	memcpy(swapped + 3, code + 3, strlen(code) - 2);
	expect_status(&day, swapped, strlen(swapped), BADGE_FORGED);
	assert_string_equal(badge_status_name(BADGE_TRAINING), "training");
	assert_string_equal(badge_status_name(BADGE_REAL), "real");
	/* a new event's key starts as a real one */
	tr.training = 1;
	badge_event_generate(&tr);
	assert_int_equal(tr.training, 0);
}

/* The longest code fits a small QR symbol at ECC level M. */
static void
test_qr_version(void **state)
{
	struct badge_event ev;
	char code[BADGE_CODE_MAX];
	QRcode *qr;

	test_event(&ev);
	badge_encode(&ev, BADGE_MAX_WALKER, code, sizeof code);
	assert_int_equal(strlen(code), 27);
	/* As we print it: libqrencode picks alphanumeric mode for this text. */
	qr = QRcode_encodeString(code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	assert_int_equal(qr->version, 2);
	QRcode_free(qr);
	/* Even a generator that only knows byte mode stays within version 5. */
	qr = QRcode_encodeString8bit(code, 0, QR_ECLEVEL_M);
	assert_non_null(qr);
	assert_in_range(qr->version, 1, 5);
	assert_int_equal(qr->version, 3);
	QRcode_free(qr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_vectors),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_encode_refuses_bad_input),
	    cmocka_unit_test(test_every_substitution_refused),
	    cmocka_unit_test(test_other_event),
	    cmocka_unit_test(test_forged),
	    cmocka_unit_test(test_random_strings),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_too_long),
	    cmocka_unit_test(test_lowercase_and_whitespace),
	    cmocka_unit_test(test_not_ours),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_leading_zero),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_training),
	    cmocka_unit_test(test_qr_version),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
