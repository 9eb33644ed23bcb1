/* badge.c — badge codes: encoding, and checking what a scanner typed.
 *
 * The layout, the MAC input and the reasons behind them are in
 * docs/FORMATS.md ("Badge code"). */
#include "badge.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define BADGE_PREFIX            "W1-"
#define BADGE_PREFIX_TRAINING   "T1-"
#define BADGE_PREFIX_LEN        3
#define BADGE_MAC_LEN           12 /* base32 characters: 60 bits */
#define BADGE_HASH_LEN          32 /* BLAKE2b output length the MAC is cut from */
#define BADGE_WALKER_MAX_DIGITS 6
/* "W1-" TAG "-" WALKER "-" MAC */
#define BADGE_LEN_MIN (BADGE_PREFIX_LEN + BADGE_TAG_LEN + 1 + 1 + 1 + BADGE_MAC_LEN)
#define BADGE_LEN_MAX                                                                              \
	(BADGE_PREFIX_LEN + BADGE_TAG_LEN + 1 + BADGE_WALKER_MAX_DIGITS + 1 + BADGE_MAC_LEN)

/* Crockford base32, strict: no I, L, O, U, and no aliases when reading, so
 * that each code has exactly one spelling. */
static const char badge_b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static const char *const badge_names[] = {
    "ok", "empty", "too-long", "not-ours", "malformed", "other-event", "forged", "training", "real",
};

static void
badge_init(void)
{
	if (sodium_init() < 0) {
		fputs("libsodium cannot start\n", stderr);
		abort();
	}
}

static int
badge_is_b32(char c)
{
	return c != '\0' && strchr(badge_b32, c) != NULL;
}

/* The QR alphanumeric set, after uppercasing. */
static int
badge_is_qr_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c != '\0' && strchr(" $%*+-./:", c) != NULL);
}

static int
badge_tag_valid(const char *tag)
{
	size_t i;

	for (i = 0; i < BADGE_TAG_LEN; i++) {
		if (!badge_is_b32(tag[i]))
			return 0;
	}
	return tag[BADGE_TAG_LEN] == '\0';
}

/* The MAC of "W1-<EVENT>-<WALKER>" (body, blen bytes) as 12 base32
 * characters, most significant bits first. */
static void
badge_mac(const struct badge_event *ev, const char *body, size_t blen, char *mac)
{
	unsigned char hash[BADGE_HASH_LEN];
	uint64_t bits = 0;
	int i;

	badge_init();
	crypto_generichash(hash, sizeof hash, (const unsigned char *)body, blen, ev->key,
	                   BADGE_KEY_LEN);
	for (i = 0; i < 8; i++)
		bits = (bits << 8) | hash[i];
	bits >>= 4; /* keep the first 60 bits */
	for (i = BADGE_MAC_LEN - 1; i >= 0; i--) {
		mac[i] = badge_b32[bits & 31];
		bits >>= 5;
	}
	util_wipe(hash, sizeof hash);
}

void
badge_event_generate(struct badge_event *ev)
{
	unsigned char r[BADGE_TAG_LEN];
	size_t i;

	badge_init();
	ev->training = 0;
	randombytes_buf(ev->key, sizeof ev->key);
	randombytes_buf(r, sizeof r);
	for (i = 0; i < BADGE_TAG_LEN; i++)
		ev->tag[i] = badge_b32[r[i] & 31];
	ev->tag[BADGE_TAG_LEN] = '\0';
}

void
badge_encode(const struct badge_event *ev, uint32_t walker, char *out, size_t len)
{
	char code[BADGE_CODE_MAX];
	int n;

	if (len == 0)
		return;
	out[0] = '\0';
	if (walker < 1 || walker > BADGE_MAX_WALKER || !badge_tag_valid(ev->tag))
		return;
	n = snprintf(code, sizeof code, "%s%s-%u-",
	             ev->training ? BADGE_PREFIX_TRAINING : BADGE_PREFIX, ev->tag,
	             (unsigned)walker);
	if (n < 0 || (size_t)n + BADGE_MAC_LEN + 1 > sizeof code)
		return;
	badge_mac(ev, code, (size_t)n - 1, code + n);
	code[n + BADGE_MAC_LEN] = '\0';
	if (strlen(code) < len)
		memcpy(out, code, strlen(code) + 1);
}

static enum badge_status
badge_refuse(enum badge_status s, char **cause, const char *tag)
{
	switch (s) {
	case BADGE_EMPTY:
		util_fail(cause, "Nothing was scanned. Please scan the badge again.");
		break;
	case BADGE_TOO_LONG:
		util_fail(cause, "This code is far too long to be a W.A.T. badge. Please scan the "
		                 "walker's badge, or look the walker up by name.");
		break;
	case BADGE_NOT_OURS:
		util_fail(cause,
		          "This is not a W.A.T. badge. Please scan the walker's badge, or look "
		          "the walker up by name.");
		break;
	case BADGE_MALFORMED:
		util_fail(cause,
		          "This badge code is damaged or incomplete. Please scan it again; if "
		          "it still fails, look the walker up by name.");
		break;
	case BADGE_OTHER_EVENT:
		util_fail(cause,
		          "This badge belongs to another event (%s), not this one. Please look the "
		          "walker up by name, or print a new badge.",
		          tag);
		break;
	case BADGE_FORGED:
		util_fail(cause, "This badge has been altered or is not genuine. Please ask a "
		                 "volunteer to look the walker up by name.");
		break;
	case BADGE_TRAINING:
		util_fail(cause,
		          "A training badge works only in training, never on walk day. Please "
		          "look the walker up by name.");
		break;
	case BADGE_REAL:
		util_fail(cause,
		          "A real walk-day badge: training does not count it. Please practise "
		          "with a training badge.");
		break;
	case BADGE_OK: break;
	}
	return s;
}

static int
badge_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum badge_status
badge_verify(const struct badge_event *ev, const char *code, size_t len, uint32_t *walker,
             char **cause)
{
	char buf[BADGE_SCAN_MAX + 1], mac[BADGE_MAC_LEN], tag[BADGE_TAG_LEN + 1];
	const char *p, *end;
	size_t n, i, digits;
	uint32_t w = 0;
	enum badge_status s;
	int training;

	if (code == NULL || len == 0)
		return badge_refuse(BADGE_EMPTY, cause, NULL);
	if (len > BADGE_SCAN_MAX)
		return badge_refuse(BADGE_TOO_LONG, cause, NULL);

	p = code;
	end = code + len;
	while (p < end && badge_is_space(*p))
		p++;
	while (end > p && badge_is_space(end[-1]))
		end--;
	n = (size_t)(end - p);
	if (n == 0)
		return badge_refuse(BADGE_EMPTY, cause, NULL);
	for (i = 0; i < n; i++) {
		buf[i] = p[i];
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
		if (!badge_is_qr_alnum(buf[i]))
			return badge_refuse(BADGE_NOT_OURS, cause, NULL);
	}
	buf[n] = '\0';
	if (n < BADGE_PREFIX_LEN || (memcmp(buf, BADGE_PREFIX, BADGE_PREFIX_LEN) != 0 &&
	                             memcmp(buf, BADGE_PREFIX_TRAINING, BADGE_PREFIX_LEN) != 0))
		return badge_refuse(BADGE_NOT_OURS, cause, NULL);
	training = buf[0] == BADGE_PREFIX_TRAINING[0];
	if (n > BADGE_CODE_MAX - 1)
		return badge_refuse(BADGE_TOO_LONG, cause, NULL);
	if (n < BADGE_LEN_MIN || n > BADGE_LEN_MAX)
		return badge_refuse(BADGE_MALFORMED, cause, NULL);

	/* W1-TTTT-DDDDDD-MMMMMMMMMMMM: tag, '-', walker, '-', MAC to the end. */
	p = buf + BADGE_PREFIX_LEN;
	for (i = 0; i < BADGE_TAG_LEN; i++) {
		if (!badge_is_b32(p[i]))
			return badge_refuse(BADGE_MALFORMED, cause, NULL);
		tag[i] = p[i];
	}
	tag[BADGE_TAG_LEN] = '\0';
	p += BADGE_TAG_LEN;
	if (*p++ != '-')
		return badge_refuse(BADGE_MALFORMED, cause, NULL);
	if (*p < '1' || *p > '9')
		return badge_refuse(BADGE_MALFORMED, cause, NULL);
	for (digits = 0; p[digits] >= '0' && p[digits] <= '9'; digits++) {
		if (digits == BADGE_WALKER_MAX_DIGITS)
			return badge_refuse(BADGE_MALFORMED, cause, NULL);
		w = w * 10 + (uint32_t)(p[digits] - '0');
	}
	p += digits;
	if (*p++ != '-')
		return badge_refuse(BADGE_MALFORMED, cause, NULL);
	if ((size_t)(buf + n - p) != BADGE_MAC_LEN)
		return badge_refuse(BADGE_MALFORMED, cause, NULL);
	for (i = 0; i < BADGE_MAC_LEN; i++) {
		if (!badge_is_b32(p[i]))
			return badge_refuse(BADGE_MALFORMED, cause, NULL);
	}

	/* Training and walk day never take each other's badges, whatever the tag. */
	if (training != (ev->training != 0))
		return badge_refuse(training ? BADGE_TRAINING : BADGE_REAL, cause, NULL);
	/* The tag is public: compare it plainly.  The MAC only in constant time,
	 * and every mismatch gets the same answer. */
	if (strcmp(tag, ev->tag) != 0)
		return badge_refuse(BADGE_OTHER_EVENT, cause, tag);
	badge_mac(ev, buf, (size_t)(p - buf) - 1, mac);
	if (sodium_memcmp(mac, p, BADGE_MAC_LEN) != 0)
		s = badge_refuse(BADGE_FORGED, cause, NULL);
	else {
		if (walker != NULL)
			*walker = w;
		s = BADGE_OK;
	}
	util_wipe(mac, sizeof mac);
	return s;
}

const char *
badge_status_name(enum badge_status s)
{
	if ((size_t)s >= nitems(badge_names))
		return "unknown";
	return badge_names[s];
}
