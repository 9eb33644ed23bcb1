/* bundle.c — ledger.jsonl checked and turned into CSVs and figures; the
 * manifest; the zip (written with zlib, read with libarchive); safe writes.  See bundle.h, docs/BUNDLE.md. */
#include "bundle.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <zlib.h>

#include "amount.h"
#include "csv.h"
#include "entry.h"
#include "fold.h"
#include "json.h"
#include "pledge.h"
#include "stamp.h"
#include "strbuf.h"
#include "util.h"

/* laps.csv's columns since 2026-12-03, after those it had before (their
 * number is BUNDLE_LAPS_REVIEW_N): the lap review of each lap */
#define BUNDLE_LAPS_REVIEW_COLS "flagged,review,review_seq,override,counted"
#define BUNDLE_LAPS_REVIEW_N    5

const char *const bundle_csv_names[BUNDLE_NCSV] = {
    "walkers.csv",    "checkins.csv", "laps.csv",    "donations.csv",
    "annulments.csv", "closeout.csv", "pledges.csv", "outstanding.csv",
};

static const char *const bundle_csv_headers[BUNDLE_NCSV] = {
    "walker,name,team,email,phone,external_id,registered_seq,registration_annulled,"
    "checked_in,laps,raised",
    "seq,time_utc,walker,name,operator,annulled_by",
    "seq,time_utc,walker,name,manual,operator,annulled_by," BUNDLE_LAPS_REVIEW_COLS,
    "seq,time_utc,walker,walker_name,amount,method,check_no,donor,operator,annulled_by",
    "seq,time_utc,annuls_seq,annuls_kind,walker,amount,reason,operator",
    "seq,time_utc,kind,cash_expected,cash_counted,cash_over_short,denominations,"
    "checks_expected,checks_expected_total,checks_counted,checks_counted_total,"
    "checks_over_short,counter_1,counter_2,receipts_not_printed,note,operator,annulled_by",
    "seq,time_utc,walker,walker_name,sponsor,email,phone,address,kind,rate,max,external_id,"
    "paid_online,paid_online_date,paid_here,operator,annulled_by",
    "walker,walker_name,pledge_seq,sponsor,email,phone,address,kind,rate,max,laps,"
    "billed_laps,owed,paid,still_owed,final,laps_by_station",
};

/* outstanding.csv's header as software before 2026-12-03 wrote it (settled
 * on the bundle's own ledger's laps only) */
static const char bundle_outstanding_v1_head[] =
    "walker,walker_name,pledge_seq,sponsor,email,phone,address,kind,rate,max,laps_here,"
    "billed_laps,owed,paid,still_owed,final";

#define BUNDLE_CSV_BOM "\xef\xbb\xbf" /* so spreadsheets read the file as UTF-8 */
#define BUNDLE_CRLF    "\r\n"

/* ---- hex -------------------------------------------------------------- */

void
bundle_hex(const unsigned char *bin, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Each byte's value as a lowercase hex digit plus one, or 0: not one.  A
 * table, since a verifier unhexes 128 digits per ledger line. */
static const unsigned char bundle_nibble1[256] = {
    ['0'] = 1, ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

int
bundle_unhex(const char *hex, size_t hexlen, unsigned char *bin, size_t len)
{
	const unsigned char *h = (const unsigned char *)hex;
	unsigned hi, lo, bad = 0;
	size_t i;

	if (hexlen != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		hi = bundle_nibble1[h[2 * i]];
		lo = bundle_nibble1[h[2 * i + 1]];
		bad |= (hi == 0) | (lo == 0);
		bin[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return bad ? -1 : 0;
}

/* ---- ledger.jsonl ------------------------------------------------------ */

#define BUNDLE_PFX_HASH  "{\"hash\":\""
#define BUNDLE_PFX_PREV  "\",\"prev\":\""
#define BUNDLE_PFX_ENTRY "\",\"entry\":"
#define BUNDLE_PFX_LEN   (9 + 64 + 10 + 64 + 10)

void
bundle_jsonl_add(struct strbuf *b, const char *line, size_t len,
                 const unsigned char prev[BUNDLE_HASH_LEN],
                 const unsigned char hash[BUNDLE_HASH_LEN])
{
	char hex[2 * BUNDLE_HASH_LEN + 1];

	strbuf_add(b, BUNDLE_PFX_HASH, 9);
	bundle_hex(hash, BUNDLE_HASH_LEN, hex);
	strbuf_add(b, hex, 64);
	strbuf_add(b, BUNDLE_PFX_PREV, 10);
	bundle_hex(prev, BUNDLE_HASH_LEN, hex);
	strbuf_add(b, hex, 64);
	strbuf_add(b, BUNDLE_PFX_ENTRY, 10);
	strbuf_add(b, line, len);
	strbuf_add(b, "}\n", 2);
}

void
bundle_content_free(struct bundle_content *c)
{
	int i;

	for (i = 0; i < BUNDLE_NCSV; i++)
		free(c->csv[i]);
	free(c->closeout_v1);
	free(c->outstanding_v1);
	free(c->entries);
	free(c->walkers);
	free(c->event_name);
	free(c->city);
	free(c->date);
	free(c->event_tag);
	memset(c, 0, sizeof *c);
}

/* ---- SHA-256 ---------------------------------------------------------------- */

/* SHA-256 is most of the CPU time of an export and of a verification after
 * the ledger itself (every member in SHA256SUMS: 50 MB on the big day).  On
 * an x86-64 with the SHA extensions the blocks go through them (Intel's
 * sha256rnds2/msg1/msg2, four rounds a step); everywhere else (the Pi 4's
 * Cortex-A72 has no crypto extensions) libsodium's.  The padding is the
 * same code for both; test_bundle checks them against each other. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

static const uint32_t bundle_sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static int
bundle_sha_hw(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19)))
		return 0;                                                        /* SSSE3, SSE4.1 */
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)) != 0; /* SHA */
}

/* blocks 64-byte blocks of data into st (a..h) */
__attribute__((target("sha,sse4.1,ssse3"))) static void
bundle_sha_blocks(uint32_t st[8], const unsigned char *data, size_t blocks)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i s0, s1, t, m, w[4], abef, cdgh;
	int g;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0xb1);  /* c d a b */
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1b); /* e f g h */
	s0 = _mm_alignr_epi8(t, s1, 8);                                         /* a b e f */
	s1 = _mm_blend_epi16(s1, t, 0xf0);                                      /* c d g h */
	for (; blocks > 0; blocks--, data += 64) {
		abef = s0;
		cdgh = s1;
		for (g = 0; g < 16; g++) { /* rounds 4g .. 4g+3 */
			if (g < 4)
				w[g] = _mm_shuffle_epi8(
				    _mm_loadu_si128((const __m128i *)(data + 16 * g)), mask);
			m = _mm_add_epi32(w[g & 3],
			                  _mm_loadu_si128((const __m128i *)&bundle_sha_k[4 * g]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, m);
			if (g >= 3 && g <= 14) /* the schedule's next four words */
				w[(g + 1) & 3] = _mm_sha256msg2_epu32(
				    _mm_add_epi32(w[(g + 1) & 3],
				                  _mm_alignr_epi8(w[g & 3], w[(g + 3) & 3], 4)),
				    w[g & 3]);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0e));
			if (g >= 1 && g <= 12)
				w[(g + 3) & 3] = _mm_sha256msg1_epu32(w[(g + 3) & 3], w[g & 3]);
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	t = _mm_shuffle_epi32(s0, 0x1b);   /* f e b a */
	s1 = _mm_shuffle_epi32(s1, 0xb1);  /* d c h g */
	s0 = _mm_blend_epi16(t, s1, 0xf0); /* d c b a */
	s1 = _mm_alignr_epi8(s1, t, 8);    /* h g f e */
	_mm_storeu_si128((__m128i *)&st[0], s0);
	_mm_storeu_si128((__m128i *)&st[4], s1);
}

static int
bundle_sha_fast(const unsigned char *data, size_t len, unsigned char out[32])
{
	uint32_t st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	unsigned char tail[128];
	uint64_t bits = (uint64_t)len * 8;
	size_t full = len / 64, rest = len % 64, tl = rest < 56 ? 64 : 128, i;

	if (!bundle_sha_hw())
		return -1;
	bundle_sha_blocks(st, data, full);
	memset(tail, 0, sizeof tail);
	if (rest > 0)
		memcpy(tail, data + 64 * full, rest);
	tail[rest] = 0x80;
	for (i = 0; i < 8; i++)
		tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
	bundle_sha_blocks(st, tail, tl / 64);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(st[i] >> 24);
		out[4 * i + 1] = (unsigned char)(st[i] >> 16);
		out[4 * i + 2] = (unsigned char)(st[i] >> 8);
		out[4 * i + 3] = (unsigned char)st[i];
	}
	return 0;
}
#else
static int
bundle_sha_fast(const unsigned char *data, size_t len, unsigned char out[32])
{
	(void)data;
	(void)len;
	(void)out;
	return -1;
}
#endif

void
bundle_sha256(const void *data, size_t len, unsigned char out[32])
{
	if (bundle_sha_fast(data, len, out) != 0)
		crypto_hash_sha256(out, data, len);
}

int
bundle_clock_trusted(const struct bundle_content *c, int64_t exported_wall_ms)
{
	return rules_clock_doubt(exported_wall_ms, stamp_parse_date(c->date ? c->date : ""),
	                         c->max_wall_ms) == NULL;
}

/* One of the event's fields (name, city, date, tag) into *slot. */
static void
bundle_event_put(struct bundle_content *c, const char *key, const struct json_value *v)
{
	char **slot = strcmp(key, "name") == 0   ? &c->event_name
	              : strcmp(key, "city") == 0 ? &c->city
	              : strcmp(key, "date") == 0 ? &c->date
	              : strcmp(key, "tag") == 0  ? &c->event_tag
	                                         : NULL;
	char *val;

	if (slot == NULL || (val = json_str(v)) == NULL)
		return;
	free(*slot);
	*slot = val;
}

/* The event as the ledger states it, as the station's settings table folds
 * it (ledger_fold.c): the event entry, then each settings entry in force. */
static void
bundle_event_fold(struct bundle_content *c, const struct entry *es, size_t n,
                  const struct fold *fold)
{
	static const char *const keys[] = {"name", "city", "date", "tag"};
	struct json_value k, v;
	size_t i, j;
	char *key;

	for (i = 0; i < n; i++) {
		const struct entry *e = &es[i];
		if (e->at.wall_ms > c->max_wall_ms)
			c->max_wall_ms = e->at.wall_ms;
		if (e->kind == ENTRY_EVENT) {
			for (j = 0; j < nitems(keys); j++) {
				v = entry_member(e, keys[j]);
				bundle_event_put(c, keys[j], &v);
			}
		} else if (e->kind == ENTRY_SETTINGS && fold_annulled_by(fold, e->seq) == 0) {
			k = entry_member(e, "key");
			v = entry_member(e, "value");
			if ((key = json_str(&k)) != NULL)
				bundle_event_put(c, key, &v);
			free(key);
		}
	}
}

/* A CSV text field (n bytes of s, no NUL among them), Excel-safe: as
 * csv_field(s, 1) makes it.  Most fields need neither quotes nor the
 * apostrophe and are copied as they are, without csv_field's copy. */
static void
bundle_csv_textn(struct strbuf *b, const char *s, size_t n)
{
	char *t, *f;
	size_t i;

	if (n == 0)
		return;
	if (strchr("=+-@\t\r", s[0]) != NULL)
		goto slow;
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			goto slow;
	strbuf_add(b, s, n);
	return;
slow:
	t = xstrndup(s, n);
	f = csv_field(t, 1);
	strbuf_puts(b, f);
	free(f);
	free(t);
}

static void
bundle_csv_text(struct strbuf *b, const char *s)
{
	if (s != NULL)
		bundle_csv_textn(b, s, strlen(s));
}

/* v in decimal (a CSV's numbers: one row of the 100,000 of a big day each,
 * without printf's parsing of its format). */
static void
bundle_csv_int(struct strbuf *b, int64_t v)
{
	char buf[24], *p = buf + sizeof buf;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	strbuf_add(b, p, (size_t)(buf + sizeof buf - p));
}

static void
bundle_csv_money(struct strbuf *b, int64_t cents)
{
	char buf[32];

	strbuf_puts(b, amount_format_plain(cents, buf, sizeof buf));
}

/* "YYYY-MM-DD HH:MM:SS" in UTC, as stamp_format_utc writes it, without
 * gmtime_r and strftime for the years 1970..9999 (the civil date from the
 * day number: H. Hinnant's days-to-civil); others through stamp_format_utc. */
static void
bundle_csv_time(struct strbuf *b, int64_t wall_ms)
{
	int64_t t = wall_ms / 1000, z, era, doe, yoe, doy, mp, y, m, d, sec;
	char buf[32];

	if (t < 0 || t > INT64_C(253402300799)) {
		strbuf_puts(b, stamp_format_utc(wall_ms, buf, sizeof buf));
		return;
	}
	z = t / 86400 + 719468;
	sec = t % 86400;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = ' ';
	buf[11] = (char)('0' + sec / 36000);
	buf[12] = (char)('0' + sec / 3600 % 10);
	buf[13] = ':';
	buf[14] = (char)('0' + sec % 3600 / 600);
	buf[15] = (char)('0' + sec % 3600 / 60 % 10);
	buf[16] = ':';
	buf[17] = (char)('0' + sec % 60 / 10);
	buf[18] = (char)('0' + sec % 10);
	strbuf_add(b, buf, 19);
}

/* A data member as text for a CSV (numbers as written, strings unescaped). */
static void
bundle_csv_member(struct strbuf *b, const struct json_value *data, const char *key)
{
	struct json_value v;
	char *s;

	json_members(data, &key, &v, 1);
	s = json_str(&v);
	if (v.type == JSON_ARRAY) {
		/* a list of numbers or names: joined with spaces */
		free(s);
		s = xstrndup(v.p + 1, v.n - 2);
		for (char *q = s; *q != '\0'; q++)
			if (*q == ',' || *q == '"')
				*q = *q == ',' ? ' ' : ' ';
		bundle_csv_text(b, s);
	} else if (v.type == JSON_NUMBER)
		strbuf_add(b, v.p, v.n);
	else
		bundle_csv_text(b, s);
	free(s);
}

static int64_t
bundle_member_int(const struct json_value *data, const char *key, int64_t dflt)
{
	struct json_value v;
	int64_t n;

	json_members(data, &key, &v, 1);
	return json_int(&v, &n) == 0 ? n : dflt;
}

static void
bundle_csv_money_member(struct strbuf *b, const struct json_value *data, const char *key)
{
	struct json_value v;
	int64_t n;

	json_members(data, &key, &v, 1);
	if (json_int(&v, &n) == 0)
		bundle_csv_money(b, n);
}

static const char *
bundle_name_of(const struct fold *f, uint32_t id)
{
	const struct fold_walker *w = id != 0 ? fold_walker(f, id) : NULL;

	return w != NULL && w->name != NULL ? w->name : "";
}

/* 0 when line has the ledger line's shape and both its hashes are hex, with
 * its "prev" in prev: what bundle_parse_line checks before the chain. */
static int
bundle_line_prev(const char *line, size_t len, unsigned char prev[BUNDLE_HASH_LEN])
{
	unsigned char hash[BUNDLE_HASH_LEN];

	if (len < BUNDLE_PFX_LEN + 3 || memcmp(line, BUNDLE_PFX_HASH, 9) != 0 ||
	    memcmp(line + 73, BUNDLE_PFX_PREV, 10) != 0 ||
	    memcmp(line + 147, BUNDLE_PFX_ENTRY, 10) != 0 || line[len - 1] != '}' ||
	    bundle_unhex(line + 9, 64, hash, BUNDLE_HASH_LEN) != 0 ||
	    bundle_unhex(line + 83, 64, prev, BUNDLE_HASH_LEN) != 0)
		return -1;
	return 0;
}

/* Checks line lineno against the hash chain and decodes its entry (e
 * borrows from line). */
static int
bundle_parse_line(const char *line, size_t len, size_t lineno, const unsigned char *prev,
                  unsigned char hash[BUNDLE_HASH_LEN], struct entry *e, char *station, char **cause)
{
	unsigned char got[BUNDLE_HASH_LEN], p[BUNDLE_HASH_LEN];
	crypto_generichash_state st;
	const char *body;
	size_t blen;
	char *why = NULL;

	if (len < BUNDLE_PFX_LEN + 3 || memcmp(line, BUNDLE_PFX_HASH, 9) != 0 ||
	    memcmp(line + 73, BUNDLE_PFX_PREV, 10) != 0 ||
	    memcmp(line + 147, BUNDLE_PFX_ENTRY, 10) != 0 || line[len - 1] != '}')
		return util_fail(cause, "ledger.jsonl line %zu is not a ledger line.", lineno);
	if (bundle_unhex(line + 9, 64, hash, BUNDLE_HASH_LEN) != 0 ||
	    bundle_unhex(line + 83, 64, p, sizeof p) != 0)
		return util_fail(
		    cause, "ledger.jsonl line %zu: a hash is not 64 lowercase hex digits.", lineno);
	if (memcmp(p, prev, BUNDLE_HASH_LEN) != 0)
		return util_fail(cause,
		                 "ledger.jsonl line %zu: its \"prev\" is not the hash of the line "
		                 "before: an entry was removed, added or reordered.",
		                 lineno);
	body = line + BUNDLE_PFX_LEN;
	blen = len - BUNDLE_PFX_LEN - 1;
	crypto_generichash_init(&st, NULL, 0, BUNDLE_HASH_LEN);
	crypto_generichash_update(&st, prev, BUNDLE_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)body, blen);
	crypto_generichash_final(&st, got, BUNDLE_HASH_LEN);
	if (memcmp(got, hash, BUNDLE_HASH_LEN) != 0)
		return util_fail(cause,
		                 "ledger.jsonl line %zu: the entry does not match its hash: it was "
		                 "changed.",
		                 lineno);
	if (entry_decode(body, blen, e, &why) != 0) {
		util_fail(cause, "ledger.jsonl line %zu: %s", lineno, why);
		free(why);
		return -1;
	}
	if (e->seq != (int64_t)lineno)
		return util_fail(
		    cause,
		    "ledger.jsonl line %zu holds entry %" PRId64
		    " where entry %zu belongs: the sequence has a gap or was reordered.",
		    lineno, e->seq, lineno);
	if (station[0] == '\0')
		snprintf(station, BUNDLE_STATION_MAX + 1, "%s", e->station);
	else if (strcmp(station, e->station) != 0)
		return util_fail(cause,
		                 "ledger.jsonl line %zu is from station \"%s\", the others from "
		                 "\"%s\": a bundle holds one station's ledger.",
		                 lineno, e->station, station);
	return 0;
}

static void
bundle_csv_begin(struct strbuf *b, enum bundle_csv which)
{
	strbuf_puts(b, BUNDLE_CSV_BOM);
	strbuf_puts(b, bundle_csv_headers[which]);
	strbuf_puts(b, BUNDLE_CRLF);
}

/* The operator's name: a JSON string without escapes (most) straight from
 * the entry's text. */
static void
bundle_op_col(struct strbuf *b, const struct entry *e)
{
	const struct json_value *v = &e->op;
	char *s;

	if (v->type == JSON_STRING && v->n >= 2 && memchr(v->p, '\\', v->n) == NULL) {
		bundle_csv_textn(b, v->p + 1, v->n - 2);
		return;
	}
	s = json_str(v);
	bundle_csv_text(b, s);
	free(s);
}

static void
bundle_annulled_col(struct strbuf *b, int64_t by)
{
	if (by != 0)
		bundle_csv_int(b, by);
}

/* "seq,time,walker,name" of a walker's row. */
static void
bundle_csv_walker_row(struct strbuf *b, const struct fold *f, const struct entry *e)
{
	bundle_csv_int(b, e->seq);
	strbuf_add(b, ",", 1);
	bundle_csv_time(b, e->at.wall_ms);
	strbuf_add(b, ",", 1);
	bundle_csv_int(b, e->walker);
	strbuf_add(b, ",", 1);
	bundle_csv_text(b, bundle_name_of(f, e->walker));
}

/* ",op,annulled_by" and the row's end. */
static void
bundle_csv_row_end(struct strbuf *b, const struct entry *e, int64_t by)
{
	strbuf_puts(b, ",");
	bundle_op_col(b, e);
	strbuf_puts(b, ",");
	bundle_annulled_col(b, by);
	strbuf_puts(b, BUNDLE_CRLF);
}

/* A lap's review columns (BUNDLE_LAPS_REVIEW_COLS), the fold's judgement
 * (fold.h): flagged (yes/no), review (accepted, rejected, pending), the
 * lap-review entry in force that decided it, a lap by hand too soon on the
 * coordinator's word (override), and whether it counts (fold_counted_laps).
 * An annulled lap is not judged: flagged and review empty, not counted. */
static void
bundle_lap_review_cols(struct strbuf *b, const struct fold *f, const struct entry *e, int64_t by)
{
	const struct fold_walker *w = by == 0 ? fold_walker(f, e->walker) : NULL;
	const struct fold_flag *fl = w != NULL ? fold_lap_flag(w, e->seq) : NULL;
	static const char *const verdict[] = {"rejected", "pending", "accepted"};

	if (by != 0) {
		strbuf_puts(b, ",,,,");
		strbuf_puts(b, e->override ? "yes" : "no");
		strbuf_puts(b, ",no");
		return;
	}
	if (fl == NULL) {
		strbuf_puts(b, ",no,,,");
		strbuf_puts(b, e->override ? "yes" : "no");
		strbuf_puts(b, ",yes");
		return;
	}
	strbuf_printf(b, ",yes,%s,", verdict[fl->review + 1]);
	if (fl->review_seq != 0)
		bundle_csv_int(b, fl->review_seq);
	strbuf_puts(b, e->override ? ",yes" : ",no");
	strbuf_puts(b, fl->review == 1 ? ",yes" : ",no");
}

char *
bundle_laps_v1(const char *csv, size_t len, size_t *outlen)
{
	struct strbuf b = STRBUF_INIT;
	size_t i, start = 0, commas[BUNDLE_LAPS_REVIEW_N] = {0}, nc = 0;
	int quoted = 0;

	/* each row (and the header) without its last BUNDLE_LAPS_REVIEW_N
	 * fields; a quoted field (a name, an operator) may hold commas and
	 * line ends, the review columns never do */
	for (i = 0; i < len; i++) {
		if (csv[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (csv[i] == ',')
			commas[nc++ % BUNDLE_LAPS_REVIEW_N] = i;
		else if (csv[i] == '\r' && i + 1 < len && csv[i + 1] == '\n') {
			size_t cut =
			    nc >= BUNDLE_LAPS_REVIEW_N ? commas[nc % BUNDLE_LAPS_REVIEW_N] : i;
			strbuf_add(&b, csv + start, cut - start);
			strbuf_puts(&b, BUNDLE_CRLF);
			start = i + 2;
			nc = 0;
			i++;
		}
	}
	strbuf_add(&b, csv + start, len - start);
	*outlen = b.len;
	return strbuf_take(&b);
}

/* The rows of the CSVs an entry makes; its figures are the fold's. */
static void
bundle_csv_rows(struct strbuf *csv, const struct fold *f, const struct entry *es,
                const struct entry *e)
{
	const struct json_value *d = &e->data;
	int64_t by = fold_annulled_by(f, e->seq);
	struct strbuf *b;
	size_t start, mid;

	switch (e->kind) {
	case ENTRY_CHECKIN:
	case ENTRY_LAP:
		b = &csv[e->kind == ENTRY_LAP ? BUNDLE_LAPS : BUNDLE_CHECKINS];
		bundle_csv_walker_row(b, f, e);
		if (e->kind != ENTRY_LAP) {
			bundle_csv_row_end(b, e, by);
			break;
		}
		strbuf_puts(b, e->manual ? ",yes," : ",no,");
		bundle_op_col(b, e);
		strbuf_puts(b, ",");
		bundle_annulled_col(b, by);
		bundle_lap_review_cols(b, f, e, by);
		strbuf_puts(b, BUNDLE_CRLF);
		break;
	case ENTRY_DONATION:
		b = &csv[BUNDLE_DONATIONS];
		bundle_csv_walker_row(b, f, e);
		strbuf_puts(b, ",");
		bundle_csv_money(b, e->cents);
		strbuf_printf(b, ",%s,", rules_method_name(e->method));
		bundle_csv_member(b, d, "check_no");
		strbuf_puts(b, ",");
		bundle_csv_member(b, d, "donor");
		bundle_csv_row_end(b, e, by);
		break;
	case ENTRY_ANNUL: {
		const struct entry *t = &es[e->ref.seq - 1];
		b = &csv[BUNDLE_ANNULMENTS];
		strbuf_printf(b, "%" PRId64 ",", e->seq);
		bundle_csv_time(b, e->at.wall_ms);
		strbuf_printf(b, ",%" PRId64 ",%s,", e->ref.seq, entry_kind(t->kind)->name);
		if (t->walker != 0)
			strbuf_printf(b, "%" PRIu32, t->walker);
		strbuf_puts(b, ",");
		if (t->cents != 0)
			bundle_csv_money(b, t->cents);
		strbuf_puts(b, ",");
		bundle_csv_member(b, d, "reason");
		strbuf_puts(b, ",");
		bundle_op_col(b, e);
		strbuf_puts(b, BUNDLE_CRLF);
		break;
	}
	case ENTRY_CLOSEOUT:
	case ENTRY_REOPEN:
		b = &csv[BUNDLE_CLOSEOUT];
		start = b->len;
		strbuf_printf(b, "%" PRId64 ",", e->seq);
		bundle_csv_time(b, e->at.wall_ms);
		strbuf_printf(b, ",%s,", entry_kind(e->kind)->name);
		mid = b->len;
		if (e->kind == ENTRY_CLOSEOUT) {
			bundle_csv_money_member(b, d, "cash_expected_cents");
			strbuf_puts(b, ",");
			bundle_csv_money_member(b, d, "cash_cents");
			strbuf_puts(b, ",");
			bundle_csv_money(b, bundle_member_int(d, "cash_cents", 0) -
			                        bundle_member_int(d, "cash_expected_cents", 0));
			strbuf_puts(b, ",");
			bundle_csv_member(b, d, "denominations");
			strbuf_printf(b, ",%" PRId64 ",",
			              bundle_member_int(d, "checks_expected", 0));
			bundle_csv_money_member(b, d, "check_expected_cents");
			strbuf_printf(b, ",%" PRId64 ",", bundle_member_int(d, "checks", 0));
			bundle_csv_money_member(b, d, "check_cents");
			strbuf_puts(b, ",");
			bundle_csv_money(b, bundle_member_int(d, "check_cents", 0) -
			                        bundle_member_int(d, "check_expected_cents", 0));
			strbuf_puts(b, ",");
			{
				static const char *const ck[] = {"counters"};
				struct json_value c, c1, c2;
				char *s1 = NULL, *s2 = NULL;
				json_members(d, ck, &c, 1);
				if (json_item(&c, 0, &c1) == 0) {
					s1 = json_str(&c1);
					if (json_item(&c, 1, &c2) == 0)
						s2 = json_str(&c2);
				}
				bundle_csv_text(b, s1);
				strbuf_puts(b, ",");
				bundle_csv_text(b, s2);
				free(s1);
				free(s2);
			}
			strbuf_puts(b, ",");
			bundle_csv_member(b, d, "unprinted");
			strbuf_puts(b, ",");
			bundle_csv_member(b, d, "note");
		} else {
			strbuf_puts(b, ",,,,,,,,,,,,");
			bundle_csv_member(b, d, "reason");
		}
		bundle_csv_row_end(b, e, by);
		/* the same row as software before 2026-12-02 wrote it: a reopen's
		 * row had one empty column too many (csv[BUNDLE_NCSV]) */
		strbuf_add(&csv[BUNDLE_NCSV], b->s + start, mid - start);
		if (e->kind == ENTRY_REOPEN)
			strbuf_puts(&csv[BUNDLE_NCSV], ",");
		strbuf_add(&csv[BUNDLE_NCSV], b->s + mid, b->len - mid);
		break;
	default: break;
	}
}

/* The second half of the entries' rows, made on the other core into csv
 * (its own buffers, without headers) and appended to the first half's. */
struct bundle_rows {
	struct strbuf csv[BUNDLE_NCSV + 1];
	const struct fold *f;
	const struct entry *es;
	size_t from, to;
	pthread_t th;
	int started;
};

static void *
bundle_rows_run(void *arg)
{
	struct bundle_rows *r = arg;
	size_t i;

	for (i = r->from; i < r->to; i++)
		bundle_csv_rows(r->csv, r->f, r->es, &r->es[i]);
	return NULL;
}

/* Starts the rows of entries n/2..n-1 on the other core (a big ledger) and
 * makes those before it here; bundle_rows_end appends the rest. */
static void
bundle_rows_begin(struct bundle_rows *r, struct strbuf *csv, const struct fold *f,
                  const struct entry *es, size_t n)
{
	size_t half = n >= 4096 ? n / 2 : n, i;

	memset(r, 0, sizeof *r);
	*r = (struct bundle_rows){.f = f, .es = es, .from = half, .to = n};
	if (half < n)
		r->started = pthread_create(&r->th, NULL, bundle_rows_run, r) == 0;
	if (!r->started)
		r->from = n;
	for (i = 0; i < r->from; i++)
		bundle_csv_rows(csv, f, es, &es[i]);
}

static void
bundle_rows_end(struct bundle_rows *r, struct strbuf *csv)
{
	int k;

	if (!r->started)
		return;
	pthread_join(r->th, NULL);
	for (k = 0; k <= BUNDLE_NCSV; k++) {
		if (r->csv[k].len > 0)
			strbuf_add(&csv[k], r->csv[k].s, r->csv[k].len);
		strbuf_free(&r->csv[k]);
	}
	r->started = 0;
}

/* Hands the message *why over to *cause (which may be NULL: then it is freed). */
static int
bundle_pass(char **cause, char **why)
{
	if (cause != NULL)
		*cause = *why;
	else
		free(*why);
	*why = NULL;
	return -1;
}

/* One run of ledger.jsonl lines parsed and checked (bundle_parse_line):
 * lines first..first+n-1, from p to end, into es and hashes.  The first
 * line's "prev" is taken from the line itself (first_prev) and linked to the
 * run before once both are done. */
struct bundle_run {
	const char *p, *end;
	size_t first, n;
	struct entry *es;
	unsigned char (*hashes)[BUNDLE_HASH_LEN];
	unsigned char first_prev[BUNDLE_HASH_LEN];
	int have_first_prev;
	char station[BUNDLE_STATION_MAX + 1];
	size_t failed_at; /* the line that failed; 0: none */
	char *cause;
};

static void *
bundle_run_parse(void *arg)
{
	struct bundle_run *r = arg;
	const char *p = r->p, *nl;
	unsigned char prev[BUNDLE_HASH_LEN];
	size_t i;

	memcpy(prev, r->first_prev, BUNDLE_HASH_LEN);
	for (i = 0; i < r->n; i++) {
		nl = memchr(p, '\n', (size_t)(r->end - p));
		if (i == 0 && !r->have_first_prev &&
		    bundle_line_prev(p, (size_t)(nl - p), r->first_prev) == 0) {
			memcpy(prev, r->first_prev, BUNDLE_HASH_LEN);
			r->have_first_prev = 1;
		}
		if (bundle_parse_line(p, (size_t)(nl - p), r->first + i, prev, r->hashes[i],
		                      &r->es[i], r->station, &r->cause) != 0) {
			r->failed_at = r->first + i;
			return NULL;
		}
		memcpy(prev, r->hashes[i], BUNDLE_HASH_LEN);
		p = nl + 1;
	}
	return NULL;
}

/* Parses every line of jsonl (n of them, each ending in LF) into es and
 * hashes: in two runs on two cores for a big ledger, the second run's first
 * line linked to the first run's last afterwards.  The first failure in line
 * order is the one reported, in the words a single run would use. */
static int
bundle_parse_lines(const char *jsonl, size_t len, size_t n, struct entry *es,
                   unsigned char (*hashes)[BUNDLE_HASH_LEN], char *station, size_t *failed,
                   char **cause)
{
	struct bundle_run r[2];
	const char *end = jsonl + len, *mid, *p;
	size_t na = 0;
	pthread_t th;
	int two = 0, rc = -1;

	memset(r, 0, sizeof r);
	r[0] = (struct bundle_run){jsonl, end, 1, n, es, hashes, {0}, 1, "", 0, NULL};
	if (n >= 4096 && (mid = memchr(jsonl + len / 2, '\n', len - len / 2)) != NULL) {
		for (p = jsonl; p <= mid; p++, na++)
			if ((p = memchr(p, '\n', (size_t)(mid - p) + 1)) == NULL)
				break;
		if (na > 0 && na < n) {
			r[0].n = na;
			r[0].end = mid + 1;
			r[1] =
			    (struct bundle_run){mid + 1, end, na + 1, n - na, es + na, hashes + na,
			                        {0},     0,   "",     0,      NULL};
			two = pthread_create(&th, NULL, bundle_run_parse, &r[1]) == 0;
		}
	}
	bundle_run_parse(&r[0]);
	if (r[1].n > 0 && !two)
		bundle_run_parse(&r[1]);
	if (two)
		pthread_join(th, NULL);
	*failed = 0;
	if (r[0].failed_at != 0) {
		*failed = r[0].failed_at;
		bundle_pass(cause, &r[0].cause);
		goto end;
	}
	snprintf(station, BUNDLE_STATION_MAX + 1, "%s", r[0].station);
	if (r[1].n == 0) {
		rc = 0;
		goto end;
	}
	if (r[1].have_first_prev && memcmp(r[1].first_prev, hashes[na - 1], BUNDLE_HASH_LEN) != 0) {
		*failed = na + 1;
		util_fail(cause,
		          "ledger.jsonl line %zu: its \"prev\" is not the hash of the line "
		          "before: an entry was removed, added or reordered.",
		          na + 1);
		goto end;
	}
	if (r[1].failed_at == na + 1 ||
	    (r[1].failed_at != 0 && strcmp(r[1].station, station) == 0)) {
		*failed = r[1].failed_at;
		bundle_pass(cause, &r[1].cause);
		goto end;
	}
	if (strcmp(r[1].station, station) != 0) {
		*failed = na + 1;
		util_fail(cause,
		          "ledger.jsonl line %zu is from station \"%s\", the others from "
		          "\"%s\": a bundle holds one station's ledger.",
		          na + 1, r[1].station, station);
		goto end;
	}
	rc = 0;
end:
	free(r[0].cause);
	free(r[1].cause);
	return rc;
}

/* Export numbers only go up (every export is numbered after the last). */
static int
bundle_exports_up(const struct entry *es, size_t n, char **cause)
{
	int64_t export_n = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (es[i].kind != ENTRY_EXPORT)
			continue;
		if (es[i].export_n <= export_n)
			return util_fail(cause,
			                 "ledger.jsonl entry %" PRId64 " records export %" PRId64
			                 " after export %" PRId64 ": export numbers only go up.",
			                 es[i].seq, es[i].export_n, export_n);
		export_n = es[i].export_n;
	}
	return 0;
}

int
bundle_csv_member_of(const struct bundle_figures *f, int k)
{
	return (k != BUNDLE_PLEDGES && k != BUNDLE_OUTSTANDING) || f->pledges;
}

static void
bundle_csv_opt_money(struct strbuf *b, int64_t cents)
{
	if (cents > 0)
		bundle_csv_money(b, cents);
}

/* ",sponsor,email,phone,address,kind,rate,max" of pledge p: its terms, the
 * same columns in pledges.csv and outstanding.csv. */
static void
bundle_csv_pledge_terms(struct strbuf *b, const struct pledge *p)
{
	const char *v[] = {p->sponsor, p->email, p->phone, p->address};

	for (size_t j = 0; j < 4; j++) {
		strbuf_puts(b, ",");
		bundle_csv_text(b, v[j]);
	}
	strbuf_printf(b, ",%s,", pledge_kind_name(p->t.kind));
	bundle_csv_money(b, p->t.rate_cents);
	strbuf_puts(b, ",");
	bundle_csv_opt_money(b, p->t.max_cents);
}

/* One outstanding.csv row of pledge p: laps counted, what it owes on them
 * under the rule's lap and cap; by_station (NULL: the older form, without
 * the column) the laps of each station that counted some. */
static void
bundle_outstanding_row(struct strbuf *b, const struct pledge *p, const struct fold *fold,
                       int64_t laps, const struct setting_length *lap, int64_t cap, int final,
                       const char *by_station)
{
	int64_t owed, paid = p->online_cents + p->paid_cents;
	int known = pledge_owed(&p->t, laps, lap, cap, &owed, NULL) == 0;

	strbuf_printf(b, "%" PRIu32 ",", p->walker);
	bundle_csv_text(b, bundle_name_of(fold, p->walker));
	strbuf_printf(b, ",%" PRId64, p->seq);
	bundle_csv_pledge_terms(b, p);
	strbuf_printf(b, ",%" PRId64 ",%" PRId64 ",", laps, pledge_billed_laps(laps, cap));
	if (known)
		bundle_csv_money(b, owed);
	strbuf_puts(b, ",");
	bundle_csv_money(b, paid);
	strbuf_puts(b, ",");
	if (known)
		bundle_csv_money(b, owed > paid ? owed - paid : 0);
	strbuf_printf(b, ",%s", final ? "yes" : "no");
	if (by_station != NULL)
		strbuf_printf(b, ",%s", by_station);
	strbuf_puts(b, BUNDLE_CRLF);
}

/* pledges.csv and outstanding.csv: the pledges of es[0..n) (pledge.h) and
 * what each still owes, settled as the station itself settles them
 * (ledger_settle): on the laps counted over its own entries and the peers'
 * it holds (src[1..nsrc), their copies in the bundle), to each one's entry
 * in the certification in force, else all held.  v1: outstanding.csv as
 * software before wrote it (this ledger's laps only), so its bundles still
 * verify.  *rule: the lap length and cap the settlement used. */
static int
bundle_pledge_csvs(struct strbuf *csv, struct strbuf *v1, const struct pledge_source *src,
                   size_t nsrc, const struct fold *fold, struct bundle_content *out, char **cause)
{
	const struct entry *es = src[0].es;
	struct pledge_book *book = NULL;
	struct pledge_tally *all = NULL, *own = NULL;
	struct setting_length lap, lap1;
	struct strbuf by = STRBUF_INIT;
	int64_t cap, cap1;
	size_t i, j;
	int rc = -1;

	if (pledge_book_run(es, src[0].n, fold, &book, cause) != 0)
		goto end;
	out->fig.pledges = book->n > 0;
	if (book->n == 0) {
		rc = 0;
		goto end;
	}
	if (pledge_tally_run(src, nsrc, book, fold, &all, cause) != 0 ||
	    pledge_tally_run(src, 1, book, fold, &own, cause) != 0)
		goto end;
	pledge_tally_rule(all, &lap, &cap);
	pledge_tally_rule(own, &lap1, &cap1);
	out->pledge_lap = lap;
	out->pledge_lap_cap = cap;
	strbuf_puts(v1, BUNDLE_CSV_BOM);
	strbuf_puts(v1, bundle_outstanding_v1_head);
	strbuf_puts(v1, BUNDLE_CRLF);
	for (i = 0; i < book->n; i++) {
		const struct pledge *p = &book->p[i];
		const struct entry *e = &es[p->seq - 1];
		struct strbuf *b = &csv[BUNDLE_PLEDGES];
		int final = book->cert_seq != 0 || p->t.kind == PLEDGE_FLAT;
		int64_t laps;

		strbuf_printf(b, "%" PRId64 ",", p->seq);
		bundle_csv_time(b, e->at.wall_ms);
		strbuf_printf(b, ",%" PRIu32 ",", p->walker);
		bundle_csv_text(b, bundle_name_of(fold, p->walker));
		bundle_csv_pledge_terms(b, p);
		strbuf_puts(b, ",");
		bundle_csv_text(b, p->ext_id);
		strbuf_puts(b, ",");
		bundle_csv_opt_money(b, p->online_cents);
		strbuf_puts(b, ",");
		bundle_csv_text(b, p->online_date);
		strbuf_puts(b, ",");
		bundle_csv_money(b, p->paid_cents);
		bundle_csv_row_end(b, e, p->annulled_by);
		if (p->annulled_by != 0)
			continue;
		/* each station's laps apart, for HQ to count each once (HQ-GUIDE.md) */
		by.len = 0;
		if (by.s != NULL)
			by.s[0] = '\0';
		laps = 0;
		for (j = 0; j < nsrc; j++) {
			int64_t n = pledge_tally_laps_of(all, p->walker, j);
			if (n == 0)
				continue;
			strbuf_printf(&by, "%s%s:%" PRId64 ":%" PRId64, by.len > 0 ? " " : "",
			              src[j].station, pledge_tally_upto(all, j), n);
			laps += n;
		}
		bundle_outstanding_row(&csv[BUNDLE_OUTSTANDING], p, fold, laps, &lap, cap, final,
		                       by.s != NULL ? by.s : "");
		bundle_outstanding_row(v1, p, fold, pledge_tally_laps(own, p->walker, NULL), &lap1,
		                       cap1, final, NULL);
	}
	rc = 0;
end:
	strbuf_free(&by);
	pledge_tally_free(all);
	pledge_tally_free(own);
	pledge_book_free(book);
	return rc;
}

/* The peers' copies among files[0..nfiles) ("peer-*.jsonl": the entries'
 * lines as held, 1..head, checked by bundle_verify_peers), decoded into
 * src[*nsrc..] up to the first entry that does not decode (es malloc'd:
 * the caller frees each src's es but the first's). */
static void
bundle_peer_sources(const struct bundle_file *files, size_t nfiles, struct pledge_source *src,
                    size_t *nsrc)
{
	for (size_t i = 0; i < nfiles; i++) {
		const struct bundle_file *f = &files[i];
		const char *p = f->data, *end = f->data + f->len, *nl;
		struct pledge_source *s;
		struct entry *es = NULL;
		unsigned char id[BUNDLE_HASH_LEN], zero[BUNDLE_HASH_LEN] = {0};
		crypto_generichash_state st;
		size_t n = 0, cap = 0, len = strlen(f->name);
		char *why = NULL;

		if (!bundle_peer_member(f->name) || len < 6 ||
		    strcmp(f->name + len - 6, ".jsonl") != 0)
			continue;
		s = &src[(*nsrc)++];
		for (; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				es = xrealloc(es, cap * sizeof *es);
			}
			memset(&es[n], 0, sizeof es[n]);
			s->es = es;
			s->n = n;
			if (entry_decode(p, (size_t)(nl - p), &es[n], &why) != 0 ||
			    es[n].seq != (int64_t)n + 1) {
				/* a peer's entry this software cannot read (a newer
				 * station's): its laps count up to the entry before, the
				 * same at export and at every verification */
				free(why);
				why = NULL;
				break;
			}
			if (n == 0) {
				crypto_generichash_init(&st, NULL, 0, BUNDLE_HASH_LEN);
				crypto_generichash_update(&st, zero, BUNDLE_HASH_LEN);
				crypto_generichash_update(&st, (const unsigned char *)p,
				                          (size_t)(nl - p));
				crypto_generichash_final(&st, id, BUNDLE_HASH_LEN);
				bundle_hex(id, BUNDLE_HASH_LEN, s->ledger);
				snprintf(s->station, sizeof s->station, "%s", es[0].station);
			}
			n++;
			if (nl == end)
				break;
		}
		s->es = es;
		s->n = n;
	}
}

int
bundle_compute(const char *jsonl, size_t len, const struct bundle_file *files, size_t nfiles,
               struct bundle_content *out, char **cause)
{
	struct pledge_source *src = NULL;
	struct strbuf v1 = STRBUF_INIT;
	size_t nsrc = 1;
	struct entry *es = NULL;
	struct bundle_entry *be = NULL;
	struct fold *fold = NULL;
	const struct fold_walker *ws;
	const struct fold_figures *ff;
	struct bundle_figures *f = &out->fig;
	struct strbuf csv[BUNDLE_NCSV + 1]; /* + closeout.csv as older software wrote it */
	struct bundle_rows rows;
	unsigned char prev[BUNDLE_HASH_LEN] = {0}, (*hashes)[BUNDLE_HASH_LEN] = NULL;
	const char *p = jsonl, *end = jsonl + len, *nl;
	size_t n = 0, i, nw, bad = 0;
	char *why = NULL;
	int rc = -1, k;

	memset(out, 0, sizeof *out);
	memset(csv, 0, sizeof csv);
	if (len == 0)
		return util_fail(cause, "ledger.jsonl is empty.");
	if (sodium_init() < 0)
		return util_fail(cause, "The cryptography library could not start.");
	/* count the lines; a last one without its LF is cut short */
	for (; p < end; p = nl + 1, n++)
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
	/* the lines up to the first bad one in order (or the last, cut short
	 * without its LF), then that one's error; an export numbered out of
	 * order before it comes first */
	es = xcalloc(n + 1, sizeof *es);
	hashes = xcalloc(n + 1, sizeof *hashes);
	if (bundle_parse_lines(jsonl, (size_t)(p - jsonl), n, es, hashes, f->station, &bad, &why) !=
	    0) {
		if (bundle_exports_up(es, bad - 1, cause) != 0)
			goto end;
		bundle_pass(cause, &why);
		goto end;
	}
	if (bundle_exports_up(es, n, cause) != 0)
		goto end;
	if (p < end) {
		util_fail(cause, "ledger.jsonl line %zu is cut short (no line end).", n + 1);
		goto end;
	}
	assert(n > 0); /* a non-empty file without a line end was refused above */
	for (i = 0; i < n; i++) {
		struct json_value tv = entry_member(&es[i], "training");
		if (es[i].kind == ENTRY_EVENT && tv.type == JSON_TRUE) {
			/* volunteers' practice: never figures for HQ, whoever signed it */
			util_fail(cause,
			          "This is a training ledger (station %s): nothing in it "
			          "counts, and it is never a bundle for HQ.",
			          f->station);
			goto end;
		}
	}
	memcpy(prev, hashes[n - 1], BUNDLE_HASH_LEN);
	if (fold_run(es, n, NULL, &fold, &why) != 0) {
		util_fail(cause, "ledger.jsonl: %s", why);
		goto end;
	}

	for (k = 0; k < BUNDLE_NCSV; k++)
		bundle_csv_begin(&csv[k], (enum bundle_csv)k);
	bundle_csv_begin(&csv[BUNDLE_NCSV], BUNDLE_CLOSEOUT);
	/* the entries' rows on both cores; walkers.csv (no entry's row) here */
	bundle_rows_begin(&rows, csv, fold, es, n);
	/* walkers.csv: registered walkers and those only seen by badge, by number */
	ws = fold_walkers(fold, &nw);
	for (i = 0; i < nw; i++) {
		const struct fold_walker *w = &ws[i];
		struct strbuf *b = &csv[BUNDLE_WALKERS];
		strbuf_printf(b, "%" PRIu32 ",", w->id);
		bundle_csv_text(b, w->name);
		strbuf_puts(b, ",");
		bundle_csv_text(b, w->team);
		strbuf_puts(b, ",");
		bundle_csv_text(b, w->email);
		strbuf_puts(b, ",");
		bundle_csv_text(b, w->phone);
		strbuf_puts(b, ",");
		bundle_csv_text(b, w->ext_id);
		strbuf_printf(b, ",%" PRId64 ",%s,%s,%" PRId64 ",", w->reg_seq,
		              w->reg_seq != 0 && !w->active ? "yes" : "no",
		              w->checkin_seq != 0 ? "yes" : "no", w->laps);
		bundle_csv_money(b, w->cash_cents + w->check_cents + w->other_cents);
		strbuf_puts(b, BUNDLE_CRLF);
	}
	bundle_rows_end(&rows, csv);
	/* the pledges settled over this ledger and the peers' copies it carries */
	src = xcalloc(nfiles + 1, sizeof *src);
	snprintf(src[0].station, sizeof src[0].station, "%s", f->station);
	bundle_hex(hashes[0], BUNDLE_HASH_LEN, src[0].ledger);
	src[0].es = es;
	src[0].n = n;
	bundle_peer_sources(files, nfiles, src, &nsrc);
	if (bundle_pledge_csvs(csv, &v1, src, nsrc, fold, out, &why) != 0) {
		util_fail(cause, "ledger.jsonl: %s", why);
		goto end;
	}
	out->outstanding_v1_len = v1.len;
	out->outstanding_v1 = v1.len > 0 ? strbuf_take(&v1) : NULL;

	/* the figures: the fold's */
	ff = fold_figures(fold);
	out->folded = *ff;
	f->walkers = ff->walkers;
	f->checked_in = ff->checked_in;
	f->laps = ff->laps;
	f->manual_laps = ff->manual_laps;
	f->flagged_laps = ff->flagged_laps;
	f->donations = ff->donations;
	f->checks = ff->checks;
	f->annulled = ff->annulled;
	f->cash_cents = ff->cash_cents;
	f->check_cents = ff->check_cents;
	f->other_cents = ff->other_cents;
	f->total_cents = ff->total_cents;
	f->closed = fold_station(fold)->closed_seq != 0;
	f->export_no = fold_station(fold)->export_n;
	f->export_seq = fold_station(fold)->export_seq;
	f->entries = (int64_t)n;
	f->last_seq = (int64_t)n;
	memcpy(f->head, prev, BUNDLE_HASH_LEN);
	f->last_wall_ms = es[n - 1].at.wall_ms;

	/* the entries as HQ keeps them */
	be = xcalloc(n, sizeof *be);
	for (i = 0; i < n; i++) {
		const struct entry *e = &es[i];
		struct bundle_entry *b = &be[i];
		b->seq = e->seq;
		snprintf(b->kind, sizeof b->kind, "%s", entry_kind(e->kind)->name);
		b->walker = e->walker;
		b->ref = e->ref.other ? 0 : e->ref.seq;
		b->cents = e->kind == ENTRY_DONATION ? e->cents : 0;
		if (e->kind == ENTRY_DONATION)
			snprintf(b->method, sizeof b->method, "%s", rules_method_name(e->method));
		b->manual = e->kind == ENTRY_LAP && e->manual;
		b->wall_ms = e->at.wall_ms;
		b->annulled_by = fold_annulled_by(fold, e->seq);
		memcpy(b->hash, hashes[i], BUNDLE_HASH_LEN);
	}
	out->closeout_v1_len = csv[BUNDLE_NCSV].len;
	out->closeout_v1 = strbuf_take(&csv[BUNDLE_NCSV]);
	for (k = 0; k < BUNDLE_NCSV; k++) {
		out->csv_len[k] = csv[k].len;
		out->csv[k] = strbuf_take(&csv[k]);
	}
	out->entries = be;
	out->walkers = fold_registered(fold, &out->nwalkers);
	bundle_event_fold(out, es, n, fold);
	if (f->export_seq > 0)
		out->export_wall_ms = es[f->export_seq - 1].at.wall_ms;
	assert((int64_t)out->nwalkers == f->walkers);
	rc = 0;
end:
	if (rc != 0) {
		for (k = 0; k <= BUNDLE_NCSV; k++)
			strbuf_free(&csv[k]);
		memset(out, 0, sizeof *out);
	}
	free(why);
	strbuf_free(&v1);
	for (i = 1; src != NULL && i < nsrc; i++)
		free((struct entry *)src[i].es);
	free(src);
	fold_free(fold);
	free(hashes);
	free(es);
	return rc;
}

/* ---- manifest ------------------------------------------------------------ */

/* SHA-256 of data as 64 lower-case hex digits. */
static void
bundle_sha_hex(const char *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	bundle_sha256(data, len, h);
	bundle_hex(h, sizeof h, out);
}

void
bundle_meta_clear(struct bundle_meta *m)
{
	free(m->event_name);
	free(m->city);
	free(m->date);
	free(m->event_tag);
	free(m->software);
	free(m->public_key);
	free(m->cert);
	free(m->charter);
	free(m->event_pub);
	for (size_t i = 0; i < m->npeers; i++) {
		free(m->peers[i].name);
		free(m->peers[i].data);
	}
	free(m->peers);
	memset(m, 0, sizeof *m);
}

static void
bundle_kv_str(struct strbuf *b, const char *key, const char *val, int comma)
{
	strbuf_printf(b, "  \"%s\": ", key);
	strbuf_json(b, val != NULL ? val : "");
	strbuf_puts(b, comma ? ",\n" : "\n");
}

static void
bundle_kv_money(struct strbuf *b, const char *key, int64_t cents)
{
	char buf[32];

	strbuf_printf(b, "    \"%s\": \"%s\",\n", key, amount_format_plain(cents, buf, sizeof buf));
}

char *
bundle_manifest(const struct bundle_meta *m, const struct bundle_figures *f)
{
	struct strbuf b = STRBUF_INIT;
	char head[2 * BUNDLE_HASH_LEN + 1], when[32];
	int i;

	bundle_hex(f->head, BUNDLE_HASH_LEN, head);
	strbuf_puts(&b, "{\n");
	bundle_kv_str(&b, "format", BUNDLE_FORMAT, 1);
	bundle_kv_str(&b, "software", m->software, 1);
	strbuf_puts(&b, "  \"event\": {\"name\": ");
	strbuf_json(&b, m->event_name ? m->event_name : "");
	strbuf_puts(&b, ", \"city\": ");
	strbuf_json(&b, m->city ? m->city : "");
	strbuf_puts(&b, ", \"date\": ");
	strbuf_json(&b, m->date ? m->date : "");
	strbuf_puts(&b, ", \"tag\": ");
	strbuf_json(&b, m->event_tag ? m->event_tag : "");
	strbuf_puts(&b, "},\n");
	bundle_kv_str(&b, "station", f->station, 1);
	bundle_kv_str(&b, "key_id", m->key_id, 1);
	bundle_kv_str(&b, "public_key", m->public_key, 1);
	strbuf_printf(&b, "  \"export\": %" PRId64 ",\n", m->export_no);
	strbuf_printf(&b, "  \"exported_wall_ms\": %" PRId64 ",\n", m->exported_wall_ms);
	bundle_kv_str(&b, "exported_utc", stamp_format_utc(m->exported_wall_ms, when, sizeof when),
	              1);
	strbuf_printf(&b, "  \"clock_trusted\": %s,\n", m->clock_trusted ? "true" : "false");
	strbuf_printf(&b, "  \"closed\": %s,\n", f->closed ? "true" : "false");
	strbuf_printf(&b,
	              "  \"counts\": {\n    \"entries\": %" PRId64 ",\n    \"walkers\": %" PRId64
	              ",\n    \"checked_in\": %" PRId64 ",\n    \"laps\": %" PRId64
	              ",\n    \"manual_laps\": %" PRId64 ",\n    \"donations\": %" PRId64
	              ",\n    \"checks\": %" PRId64 ",\n    \"annulled\": %" PRId64 "\n  },\n",
	              f->entries, f->walkers, f->checked_in, f->laps, f->manual_laps, f->donations,
	              f->checks, f->annulled);
	strbuf_puts(&b, "  \"totals\": {\n");
	bundle_kv_money(&b, "cash", f->cash_cents);
	bundle_kv_money(&b, "check", f->check_cents);
	bundle_kv_money(&b, "other", f->other_cents);
	strbuf_printf(&b, "    \"total\": \"%s\"\n  },\n",
	              amount_format_plain(f->total_cents, when, sizeof when));
	strbuf_printf(&b,
	              "  \"totals_cents\": {\"cash\": %" PRId64 ", \"check\": %" PRId64
	              ", \"other\": %" PRId64 ", \"total\": %" PRId64 "},\n",
	              f->cash_cents, f->check_cents, f->other_cents, f->total_cents);
	strbuf_printf(&b, "  \"ledger\": {\"last_seq\": %" PRId64 ", \"head\": \"%s\"},\n",
	              f->last_seq, head);
	if (m->cert != NULL) {
		char sha[65];
		bundle_sha_hex(m->cert, strlen(m->cert), sha);
		strbuf_printf(&b, "  \"trust\": {\"cert_sha256\": \"%s\"", sha);
		if (m->charter != NULL) {
			bundle_sha_hex(m->charter, strlen(m->charter), sha);
			strbuf_printf(&b, ", \"charter_sha256\": \"%s\"", sha);
		}
		if (m->event_pub != NULL) {
			bundle_sha_hex(m->event_pub, strlen(m->event_pub), sha);
			strbuf_printf(&b, ", \"event_pub_sha256\": \"%s\"", sha);
		}
		strbuf_puts(&b, "},\n");
	}
	strbuf_puts(&b, "  \"files\": [");
	for (i = 0; i < BUNDLE_NCSV; i++)
		if (bundle_csv_member_of(f, (int)i))
			strbuf_printf(&b, "\"%s\", ", bundle_csv_names[i]);
	strbuf_puts(&b, "\"ledger.jsonl\"");
	if (m->cert != NULL)
		strbuf_puts(&b, ", \"station.cert\"");
	if (m->cert != NULL && m->charter != NULL)
		strbuf_puts(&b, ", \"charter\"");
	if (m->cert != NULL && m->event_pub != NULL)
		strbuf_puts(&b, ", \"event.pub\"");
	strbuf_puts(&b, "]\n}\n");
	return strbuf_take(&b);
}

int
bundle_manifest_parse(const char *text, size_t len, struct bundle_meta *m, struct bundle_figures *f,
                      char **cause)
{
	static const char *const top[] = {
	    "format",        "software",   "event",        "station",
	    "key_id",        "public_key", "export",       "exported_wall_ms",
	    "closed",        "counts",     "totals_cents", "ledger",
	    "clock_trusted", "trust"};
	static const char *const ev[] = {"name", "city", "date", "tag"};
	static const char *const cn[] = {"entries",     "walkers",   "checked_in", "laps",
	                                 "manual_laps", "donations", "checks",     "annulled"};
	static const char *const tc[] = {"cash", "check", "other", "total"};
	static const char *const lg[] = {"last_seq", "head"};
	struct json_value root, t[nitems(top)], e[4], c[nitems(cn)], x[4], l[2];
	int64_t *cnt[nitems(cn)], *tot[4];
	char *s;
	size_t i;

	memset(m, 0, sizeof *m);
	memset(f, 0, sizeof *f);
	if (json_parse(text, len, &root) != 0 || root.type != JSON_OBJECT)
		return util_fail(cause, "manifest.json is not valid JSON.");
	json_members(&root, top, t, nitems(top));
	if (!json_is(&t[0], BUNDLE_FORMAT)) {
		char *fmt = json_str(&t[0]);
		int other = fmt != NULL && strncmp(fmt, "wat-bundle/", 11) == 0;
		if (other)
			util_fail(cause,
			          "This bundle is of format %.40s, which this software cannot read "
			          "(it reads %s): it was made by another version of W.A.T.; update "
			          "this software to read it. Nothing was read from it.",
			          fmt, BUNDLE_FORMAT);
		else
			util_fail(cause, "manifest.json is not of format %s.", BUNDLE_FORMAT);
		free(fmt);
		return -1;
	}
	m->software = json_str(&t[1]);
	json_members(&t[2], ev, e, 4);
	m->event_name = json_str(&e[0]);
	m->city = json_str(&e[1]);
	m->date = json_str(&e[2]);
	m->event_tag = json_str(&e[3]);
	s = json_str(&t[3]);
	if (s == NULL || strlen(s) == 0 || strlen(s) > BUNDLE_STATION_MAX) {
		free(s);
		bundle_meta_clear(m);
		return util_fail(cause, "manifest.json names no station.");
	}
	snprintf(f->station, sizeof f->station, "%s", s);
	free(s);
	s = json_str(&t[4]);
	snprintf(m->key_id, sizeof m->key_id, "%s", s != NULL ? s : "");
	free(s);
	m->public_key = json_str(&t[5]);
	if (json_int(&t[6], &m->export_no) != 0 || json_int(&t[7], &m->exported_wall_ms) != 0) {
		bundle_meta_clear(m);
		return util_fail(cause, "manifest.json has no export number or time.");
	}
	f->export_no = m->export_no;
	f->closed = t[8].type == JSON_TRUE;
	m->clock_trusted = t[12].type == JSON_TRUE;
	cnt[0] = &f->entries, cnt[1] = &f->walkers, cnt[2] = &f->checked_in, cnt[3] = &f->laps;
	cnt[4] = &f->manual_laps, cnt[5] = &f->donations, cnt[6] = &f->checks;
	cnt[7] = &f->annulled;
	json_members(&t[9], cn, c, nitems(cn));
	for (i = 0; i < nitems(cn); i++)
		if (json_int(&c[i], cnt[i]) != 0) {
			bundle_meta_clear(m);
			return util_fail(cause, "manifest.json has no count of %s.", cn[i]);
		}
	tot[0] = &f->cash_cents, tot[1] = &f->check_cents, tot[2] = &f->other_cents;
	tot[3] = &f->total_cents;
	json_members(&t[10], tc, x, 4);
	for (i = 0; i < 4; i++)
		if (json_int(&x[i], tot[i]) != 0) {
			bundle_meta_clear(m);
			return util_fail(cause, "manifest.json has no %s total.", tc[i]);
		}
	json_members(&t[11], lg, l, 2);
	if (json_int(&l[0], &f->last_seq) != 0 || l[1].type != JSON_STRING ||
	    bundle_unhex(l[1].p + 1, l[1].n - 2, f->head, BUNDLE_HASH_LEN) != 0) {
		bundle_meta_clear(m);
		return util_fail(cause, "manifest.json has no ledger head.");
	}
	if (t[13].type != JSON_NONE) {
		static const char *const tr[] = {"cert_sha256", "charter_sha256",
		                                 "event_pub_sha256"};
		struct json_value h[3];
		char *out[3] = {m->cert_sha256, m->charter_sha256, m->event_pub_sha256};
		json_members(&t[13], tr, h, 3);
		for (i = 0; i < 3; i++) {
			if (h[i].type == JSON_NONE && i > 0)
				continue;
			if (h[i].type != JSON_STRING || h[i].n != 66 ||
			    strspn(h[i].p + 1, "0123456789abcdef") < 64) {
				bundle_meta_clear(m);
				return util_fail(
				    cause, "manifest.json's trust.%s is not a SHA-256.", tr[i]);
			}
			memcpy(out[i], h[i].p + 1, 64);
			out[i][64] = '\0';
		}
	}
	return 0;
}

/* Printable ASCII for the trusted comment: other bytes, TAB and '%' as %XX. */
static void
bundle_tc_text(struct strbuf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e || *p == '%')
			strbuf_printf(b, "%%%02X", *p);
		else
			strbuf_add(b, (const char *)p, 1);
	}
}

char *
bundle_trusted_comment(const struct bundle_meta *m, const struct bundle_figures *f,
                       const char *file)
{
	struct strbuf b = STRBUF_INIT;
	char head[2 * BUNDLE_HASH_LEN + 1];

	bundle_hex(f->head, BUNDLE_HASH_LEN, head);
	strbuf_puts(&b, "wat-bundle:1\tevent:");
	bundle_tc_text(&b, m->event_name);
	strbuf_puts(&b, "\tcity:");
	bundle_tc_text(&b, m->city);
	strbuf_puts(&b, "\tdate:");
	bundle_tc_text(&b, m->date);
	strbuf_puts(&b, "\tstation:");
	bundle_tc_text(&b, f->station);
	strbuf_printf(&b, "\texport:%" PRId64 "\tseq:%" PRId64 "\thead:%s\tfile:", m->export_no,
	              f->last_seq, head);
	bundle_tc_text(&b, file);
	return strbuf_take(&b);
}

/* Lowercase ASCII letters and digits; anything else one '-'. */
static void
bundle_slug(struct strbuf *b, const char *s, int keep_case)
{
	int dash = 0, any = 0;

	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
			if (dash && any)
				strbuf_add(b, "-", 1);
			if (!keep_case && c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			strbuf_add(b, (const char *)&c, 1);
			dash = 0;
			any = 1;
		} else
			dash = 1;
	}
	if (!any)
		strbuf_puts(b, "x");
}

char *
bundle_file_name(const char *city, const char *date, const char *station, int64_t n)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_puts(&b, "wat-");
	bundle_slug(&b, city, 0);
	strbuf_puts(&b, "-");
	bundle_slug(&b, date, 0);
	strbuf_puts(&b, "-");
	bundle_slug(&b, station, 1);
	strbuf_printf(&b, "-%" PRId64 ".zip", n);
	return strbuf_take(&b);
}

/* ---- zip ------------------------------------------------------------------ */

/* The zip is written here, not by libarchive (which reads it): each member
 * deflated by zlib (level 1, raw) in pieces of BUNDLE_PIECE bytes, each
 * piece alone, every piece but a member's last ended by a sync flush, so
 * the pieces joined are the member's one deflate stream.  Both cores then
 * deflate a big member at once, and the bytes are the same whichever core
 * made which piece (or one core all).  Local headers carry the sizes and
 * CRC (no data descriptors), the time as DOS time and as an "UT" field. */
#define BUNDLE_PIECE ((size_t)4 << 20)

struct bundle_piece {
	const unsigned char *in;
	size_t len;
	int last;
	unsigned char *out;
	size_t outlen;
	uLong crc;
	int rc;
};

static void
bundle_piece_run(struct bundle_piece *p)
{
	z_stream z;
	size_t cap;
	int r;

	memset(&z, 0, sizeof z);
	p->rc = -1;
	if (deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	cap = deflateBound(&z, (uLong)p->len) + 16; /* + the sync flush's empty block */
	p->out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)p->in;
	z.avail_in = (uInt)p->len;
	z.next_out = p->out;
	z.avail_out = (uInt)cap;
	r = deflate(&z, p->last ? Z_FINISH : Z_SYNC_FLUSH);
	if ((p->last ? r == Z_STREAM_END : r == Z_OK) && z.avail_in == 0 && z.avail_out > 0) {
		p->outlen = cap - z.avail_out;
		p->crc = crc32(0L, p->in, (uInt)p->len);
		p->rc = 0;
	}
	deflateEnd(&z);
}

/* The pieces to deflate, taken in turn by this thread and a helper. */
struct bundle_deflater {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct bundle_piece **p;
	size_t n, cap, next;
	int closed;
	pthread_t th;
	int started;
	void (*first)(void *); /* the helper's own job before pieces (or NULL) */
	void *first_arg;
};

/* A member: its pieces p[first .. first+n-1]. */
struct bundle_zmember {
	const char *name;
	size_t len, first, n;
};

static struct bundle_piece *
bundle_deflater_take(struct bundle_deflater *d, int wait)
{
	struct bundle_piece *p = NULL;

	pthread_mutex_lock(&d->mu);
	while (wait && d->next >= d->n && !d->closed)
		pthread_cond_wait(&d->cv, &d->mu);
	if (d->next < d->n)
		p = d->p[d->next++];
	pthread_mutex_unlock(&d->mu);
	return p;
}

static void *
bundle_deflater_run(void *arg)
{
	struct bundle_deflater *d = arg;
	struct bundle_piece *p;

	if (d->first != NULL)
		d->first(d->first_arg);
	while ((p = bundle_deflater_take(d, 1)) != NULL)
		bundle_piece_run(p);
	return NULL;
}

/* helper: start a second thread (which first runs first(arg) when given). */
static void
bundle_deflater_init(struct bundle_deflater *d, int helper, void (*first)(void *), void *arg)
{
	memset(d, 0, sizeof *d);
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	d->first = first;
	d->first_arg = arg;
	if (helper)
		d->started = pthread_create(&d->th, NULL, bundle_deflater_run, d) == 0;
	if (!d->started && first != NULL)
		first(arg);
}

/* Queues the pieces of one member (data stays the caller's until the end). */
static void
bundle_deflater_add(struct bundle_deflater *d, struct bundle_zmember *m, const char *name,
                    const char *data, size_t len)
{
	size_t off = 0;

	pthread_mutex_lock(&d->mu);
	m->name = name;
	m->len = len;
	m->first = d->n;
	m->n = 0;
	do {
		struct bundle_piece *p = xcalloc(1, sizeof *p);
		p->in = (const unsigned char *)data + off;
		p->len = len - off < BUNDLE_PIECE ? len - off : BUNDLE_PIECE;
		off += p->len;
		p->last = off == len;
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 32;
			d->p = xrealloc(d->p, d->cap * sizeof *d->p);
		}
		d->p[d->n++] = p;
		m->n++;
	} while (off < len);
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

/* No more pieces (cancel: and none of those still queued): this thread
 * deflates what is left beside the helper, then waits for it. */
static void
bundle_deflater_finish(struct bundle_deflater *d, int cancel)
{
	struct bundle_piece *p;

	pthread_mutex_lock(&d->mu);
	d->closed = 1;
	if (cancel)
		d->next = d->n;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	while ((p = bundle_deflater_take(d, 0)) != NULL)
		bundle_piece_run(p);
	if (d->started)
		pthread_join(d->th, NULL);
	d->started = 0;
}

static void
bundle_deflater_free(struct bundle_deflater *d)
{
	size_t i;

	bundle_deflater_finish(d, 1);
	for (i = 0; i < d->n; i++) {
		free(d->p[i]->out);
		free(d->p[i]);
	}
	free(d->p);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
}

static void
bundle_le(struct strbuf *b, uint32_t v, int bytes)
{
	char c[4];
	int i;

	for (i = 0; i < bytes; i++)
		c[i] = (char)(v >> (8 * i) & 0xff);
	strbuf_add(b, c, (size_t)bytes);
}

/* The zip of the members (every piece deflated) into out. */
static int
bundle_deflater_zip(struct bundle_deflater *d, const struct bundle_zmember *ms, size_t nm,
                    int64_t mtime, struct strbuf *out, char **cause)
{
	struct strbuf cd = STRBUF_INIT;
	time_t t = (time_t)mtime;
	struct tm tm;
	uint32_t dos_time = 0, dos_date = (1 << 5) | 1, crc, csize, off;
	size_t i, k;

	if (localtime_r(&t, &tm) != NULL && tm.tm_year >= 80) {
		dos_time = (uint32_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
		dos_date = (uint32_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	}
	for (i = 0; i < nm; i++) {
		const struct bundle_zmember *m = &ms[i];
		size_t nlen = strlen(m->name);

		crc = 0;
		csize = 0;
		for (k = m->first; k < m->first + m->n; k++) {
			const struct bundle_piece *p = d->p[k];
			if (p->rc != 0) {
				strbuf_free(&cd);
				return util_fail(cause, "Cannot compress %s for the zip.", m->name);
			}
			crc = (uint32_t)crc32_combine(crc, p->crc, (z_off_t)p->len);
			csize += (uint32_t)p->outlen;
		}
		if (m->len > 0xffffffffu || out->len > 0xffffffffu) {
			strbuf_free(&cd);
			return util_fail(cause, "%s is too big for a zip.", m->name);
		}
		off = (uint32_t)out->len;
		/* local header: version 2.0, no flags, deflate */
		bundle_le(out, 0x04034b50, 4);
		bundle_le(out, 20, 2);
		bundle_le(out, 0, 2);
		bundle_le(out, 8, 2);
		bundle_le(out, dos_time, 2);
		bundle_le(out, dos_date, 2);
		bundle_le(out, crc, 4);
		bundle_le(out, csize, 4);
		bundle_le(out, (uint32_t)m->len, 4);
		bundle_le(out, (uint32_t)nlen, 2);
		bundle_le(out, 9, 2);
		strbuf_add(out, m->name, nlen);
		bundle_le(out, 0x5455, 2); /* "UT": the modification time */
		bundle_le(out, 5, 2);
		bundle_le(out, 1, 1);
		bundle_le(out, (uint32_t)mtime, 4);
		for (k = m->first; k < m->first + m->n; k++)
			strbuf_add(out, (const char *)d->p[k]->out, d->p[k]->outlen);
		/* its central directory record: made by Unix, a 0644 file */
		bundle_le(&cd, 0x02014b50, 4);
		bundle_le(&cd, 3 << 8 | 20, 2);
		bundle_le(&cd, 20, 2);
		bundle_le(&cd, 0, 2);
		bundle_le(&cd, 8, 2);
		bundle_le(&cd, dos_time, 2);
		bundle_le(&cd, dos_date, 2);
		bundle_le(&cd, crc, 4);
		bundle_le(&cd, csize, 4);
		bundle_le(&cd, (uint32_t)m->len, 4);
		bundle_le(&cd, (uint32_t)nlen, 2);
		bundle_le(&cd, 9, 2);
		bundle_le(&cd, 0, 2); /* comment */
		bundle_le(&cd, 0, 2); /* disk */
		bundle_le(&cd, 0, 2); /* internal attributes */
		bundle_le(&cd, (uint32_t)0100644 << 16, 4);
		bundle_le(&cd, off, 4);
		strbuf_add(&cd, m->name, nlen);
		bundle_le(&cd, 0x5455, 2);
		bundle_le(&cd, 5, 2);
		bundle_le(&cd, 1, 1);
		bundle_le(&cd, (uint32_t)mtime, 4);
	}
	off = (uint32_t)out->len;
	strbuf_add(out, cd.s, cd.len);
	bundle_le(out, 0x06054b50, 4); /* end of central directory */
	bundle_le(out, 0, 2);
	bundle_le(out, 0, 2);
	bundle_le(out, (uint32_t)nm, 2);
	bundle_le(out, (uint32_t)nm, 2);
	bundle_le(out, (uint32_t)cd.len, 4);
	bundle_le(out, off, 4);
	bundle_le(out, 0, 2);
	strbuf_free(&cd);
	return 0;
}

int
bundle_zip_write(const struct bundle_file *files, size_t n, int64_t mtime, struct strbuf *out,
                 char **cause)
{
	struct bundle_deflater d;
	struct bundle_zmember *ms = xcalloc(n + 1, sizeof *ms);
	size_t i;
	int rc;

	bundle_deflater_init(&d, 0, NULL, NULL);
	for (i = 0; i < n; i++)
		bundle_deflater_add(&d, &ms[i], files[i].name, files[i].data, files[i].len);
	bundle_deflater_finish(&d, 0);
	rc = bundle_deflater_zip(&d, ms, n, mtime, out, cause);
	bundle_deflater_free(&d);
	free(ms);
	return rc;
}

void
bundle_files_free(struct bundle_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n && files != NULL; i++) {
		free(files[i].name);
		free(files[i].data);
	}
	free(files);
}

/* Each member's cap: ten times its size in the day of 5,000 walkers, 100,000
 * laps and 10,000 donations that make bench measures (bench_bundle prints
 * both), rounded up a little; small files get 64 KiB. */
static const struct {
	const char *name;
	size_t max;
} bundle_caps[] = {
    {"ledger.jsonl", 420u << 20},   /* 42.2 MB */
    {"laps.csv", 72u << 20},        /* 7.16 MB */
    {"donations.csv", 8u << 20},    /* 0.76 MB */
    {"annulments.csv", 8u << 20},   /* none that day: as many rows as donations */
    {"walkers.csv", 4u << 20},      /* 0.38 MB */
    {"checkins.csv", 3u << 20},     /* 0.28 MB */
    {"closeout.csv", 64u << 10},    /* 238 bytes a close-out */
    {"pledges.csv", 16u << 20},     /* 10 pledges a walker: about 1.5 MB */
    {"outstanding.csv", 16u << 20}, /* as many rows */
    {"manifest.json", 64u << 10},   /* 1.1 KB */
    {"SHA256SUMS", 64u << 10},      /* 631 bytes */
};

int
bundle_peer_member(const char *name)
{
	size_t n = strlen(name);

	return strncmp(name, "peer-", 5) == 0 && ((n > 11 && strcmp(name + n - 6, ".jsonl") == 0) ||
	                                          (n > 10 && strcmp(name + n - 5, ".head") == 0));
}

size_t
bundle_member_max(const char *name)
{
	size_t i;

	if (bundle_peer_member(name)) /* a peer's lines: within the peers' budget */
		return 64u << 20;

	for (i = 0; i < nitems(bundle_caps); i++)
		if (strcmp(bundle_caps[i].name, name) == 0)
			return bundle_caps[i].max;
	return 64u << 10;
}

int
bundle_zip_read(const void *zip, size_t len, struct bundle_file **files, size_t *nfiles,
                char **cause)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct bundle_file *fs = NULL;
	size_t n = 0, i, max, limit, dlen, dcap;
	const char *name;
	char *data = NULL;
	la_ssize_t got;
	la_int64_t said = -1;
	int r, rc = -1;

	if (len > BUNDLE_MAX_ZIP) {
		util_fail(cause, "The bundle is far too large to be a W.A.T. bundle.");
		goto end;
	}
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, zip, len) != ARCHIVE_OK) {
		util_fail(cause, "The bundle is not a readable zip file: %s.",
		          archive_error_string(a));
		goto end;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		name = archive_entry_pathname(e);
		if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL ||
		    strchr(name, '\\') != NULL || strlen(name) > 64 ||
		    archive_entry_filetype(e) != AE_IFREG) {
			util_fail(cause, "The zip holds an unexpected member (%.64s).",
			          name != NULL ? name : "without a name");
			goto end;
		}
		for (i = 0; i < n; i++)
			if (strcmp(fs[i].name, name) == 0) {
				util_fail(cause, "The zip holds %s twice.", name);
				goto end;
			}
		if (n >= 32) {
			util_fail(cause, "The zip holds too many files to be a W.A.T. bundle.");
			goto end;
		}
		/* the header's size first, then what inflating actually gives */
		max = bundle_member_max(name);
		said = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
		if (said > (la_int64_t)max) {
			util_fail(
			    cause,
			    "%s in the zip would unpack to %lld bytes, far more than a bundle's "
			    "(at most %zu): refused without unpacking it (a zip bomb?).",
			    name, (long long)said, max);
			goto end;
		}
		limit = said >= 0 ? (size_t)said : max;
		/* inflated straight into the member's buffer, as big as its header
		 * says unless that is far beyond what the zip could honestly hold */
		dcap = (said >= 0 && (size_t)said / 64 <= len ? (size_t)said : 0) + 65536;
		data = xmalloc(dcap);
		dlen = 0;
		while ((got = archive_read_data(a, data + dlen, dcap - dlen - 1)) > 0) {
			dlen += (size_t)got;
			if (dcap - dlen - 1 < 4096) {
				dcap *= 2;
				data = xrealloc(data, dcap);
			}
			if (dlen > limit) {
				if (said >= 0)
					util_fail(
					    cause,
					    "%s in the zip unpacks to more than the %lld bytes its "
					    "header says: refused as it unpacked (a zip bomb?).",
					    name, (long long)said);
				else
					util_fail(
					    cause,
					    "%s in the zip unpacks to more than a bundle's (at "
					    "most "
					    "%zu bytes): refused as it unpacked (a zip bomb?).",
					    name, max);
				goto end;
			}
		}
		if (got < 0) {
			util_fail(cause, "%s in the zip is damaged: %s.", name,
			          archive_error_string(a));
			goto end;
		}
		data[dlen] = '\0';
		fs = xrealloc(fs, (n + 1) * sizeof *fs);
		fs[n].name = xstrdup(name);
		fs[n].len = dlen;
		fs[n].data = data;
		data = NULL;
		n++;
	}
	if (r != ARCHIVE_EOF) {
		util_fail(cause, "The zip is damaged: %s.",
		          archive_error_string(a) ? archive_error_string(a) : "unreadable");
		goto end;
	}
	*files = fs;
	*nfiles = n;
	fs = NULL;
	n = 0;
	rc = 0;
end:
	free(data);
	bundle_files_free(fs, n);
	archive_read_free(a);
	return rc;
}

/* The members of an opened archive against files (see bundle_zip_check). */
static int
bundle_zip_same(struct archive *a, const struct bundle_file *files, size_t n, char **cause)
{
	struct archive_entry *e;
	char buf[65536];
	size_t i = 0, off;
	la_ssize_t got;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (i >= n || name == NULL || strcmp(name, files[i].name) != 0)
			return util_fail(cause, "The zip just made holds %s where %s belongs.",
			                 name != NULL ? name : "a member without a name",
			                 i < n ? files[i].name : "nothing");
		off = 0;
		while ((got = archive_read_data(a, buf, sizeof buf)) > 0) {
			if ((size_t)got > files[i].len - off ||
			    memcmp(buf, files[i].data + off, (size_t)got) != 0)
				break;
			off += (size_t)got;
		}
		if (got != 0 || off != files[i].len)
			return util_fail(
			    cause, "%s in the zip just made does not unpack to what was put in.",
			    files[i].name);
		i++;
	}
	if (r != ARCHIVE_EOF || i != n)
		return util_fail(cause, "The zip just made is damaged or incomplete.");
	return 0;
}

int
bundle_zip_check(const void *zip, size_t len, const struct bundle_file *files, size_t n,
                 char **cause)
{
	struct archive *a = archive_read_new();
	int rc = -1;

	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, zip, len) != ARCHIVE_OK)
		util_fail(cause, "The zip just made is not readable: %s.", archive_error_string(a));
	else
		rc = bundle_zip_same(a, files, n, cause);
	archive_read_free(a);
	return rc;
}

/* SHA-256 of one member, on the other core while the ledger is computed. */
struct bundle_sha_job {
	const struct bundle_file *f;
	unsigned char h[crypto_hash_sha256_BYTES];
};

static void
bundle_sha_run(void *arg)
{
	struct bundle_sha_job *j = arg;

	bundle_sha256(j->f->data, j->f->len, j->h);
}

static void
bundle_sha_line(struct strbuf *b, const unsigned char *h, const char *name)
{
	char hex[2 * crypto_hash_sha256_BYTES + 1];

	bundle_hex(h, crypto_hash_sha256_BYTES, hex);
	strbuf_printf(b, "%s  %s\n", hex, name);
}

char *
bundle_sha256sums(const struct bundle_file *files, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	unsigned char h[crypto_hash_sha256_BYTES];
	size_t i;

	for (i = 0; i < n; i++) {
		bundle_sha256(files[i].data, files[i].len, h);
		bundle_sha_line(&b, h, files[i].name);
	}
	return strbuf_take(&b);
}

/* ---- files ---------------------------------------------------------------- */

/* ledger.jsonl, the bulk of the bundle, is known before anything is
 * computed: the other core hashes it (SHA-256) and starts deflating it
 * while this one computes the CSVs, then both deflate what is left.  The
 * zip holds what bundle_compute made, the computation every verifier
 * repeats, deflated by zlib whose every return is checked; the copy on the
 * stick is read back and its signature checked (bundle_export_finish): the
 * zip is not unpacked again here. */
int
bundle_pack(const char *jsonl, size_t len, const struct bundle_meta *meta,
            const struct sign_key *key, const char *name, int64_t mtime, struct strbuf *zip,
            char **minisig, struct bundle_figures *fig, char **cause)
{
	struct bundle_content c;
	struct bundle_meta m;
	struct bundle_file *files = NULL, ledger = {(char *)"ledger.jsonl", (char *)jsonl, len};
	struct bundle_zmember *ms = NULL, lz;
	struct bundle_sha_job job = {&ledger, {0}};
	struct bundle_deflater d;
	struct strbuf sums = STRBUF_INIT;
	unsigned char h[crypto_hash_sha256_BYTES];
	char *manifest = NULL, *tc = NULL;
	int rc = -1, k;
	size_t n = 0, i, li;

	memset(&c, 0, sizeof c);
	if (sodium_init() < 0)
		return util_fail(cause, "The cryptography library could not start.");
	files = xcalloc(BUNDLE_NCSV + 6 + meta->npeers, sizeof *files);
	ms = xcalloc(BUNDLE_NCSV + 6 + meta->npeers, sizeof *ms);
	bundle_deflater_init(&d, 1, bundle_sha_run, &job);
	/* the ledger's pieces first; its place (after the manifest and the
	 * CSVs the ledger calls for) is known once it is computed */
	bundle_deflater_add(&d, &lz, ledger.name, jsonl, len);
	if (bundle_compute(jsonl, len, meta->peers, meta->npeers, &c, cause) != 0)
		goto end;
	if (c.fig.export_no != meta->export_no) {
		util_fail(cause,
		          "The ledger's last export entry is number %" PRId64 ", not %" PRId64 ".",
		          c.fig.export_no, meta->export_no);
		goto end;
	}
	/* clock_trusted as every verifier computes it from the ledger */
	m = *meta;
	if (c.fig.export_seq > 0)
		m.exported_wall_ms = c.export_wall_ms; /* the export entry's own time */
	m.clock_trusted = bundle_clock_trusted(&c, m.exported_wall_ms);
	manifest = bundle_manifest(&m, &c.fig);
	files[n++] = (struct bundle_file){(char *)"manifest.json", manifest, strlen(manifest)};
	for (k = 0; k < BUNDLE_NCSV; k++)
		if (bundle_csv_member_of(&c.fig, k))
			files[n++] = (struct bundle_file){(char *)bundle_csv_names[k], c.csv[k],
			                                  c.csv_len[k]};
	for (i = 0; i < n; i++)
		bundle_deflater_add(&d, &ms[i], files[i].name, files[i].data, files[i].len);
	li = n;
	ms[li] = lz;
	files[n++] = ledger;
	for (i = 0; i + 1 < n; i++) {
		bundle_sha256(files[i].data, files[i].len, h);
		bundle_sha_line(&sums, h, files[i].name);
	}
	/* the chain of trust, after the ledger (docs/TRUST.md) */
	if (meta->cert != NULL) {
		files[n++] =
		    (struct bundle_file){(char *)"station.cert", meta->cert, strlen(meta->cert)};
		if (meta->charter != NULL)
			files[n++] = (struct bundle_file){(char *)"charter", meta->charter,
			                                  strlen(meta->charter)};
		if (meta->event_pub != NULL)
			files[n++] = (struct bundle_file){(char *)"event.pub", meta->event_pub,
			                                  strlen(meta->event_pub)};
	}
	/* the peers' entries held, a backup copy (docs/SYNC.md) */
	for (i = 0; i < meta->npeers; i++)
		files[n++] = meta->peers[i];
	for (i = li + 1; i < n; i++)
		bundle_deflater_add(&d, &ms[i], files[i].name, files[i].data, files[i].len);
	/* the ledger's sum, made on the other core, once it is there */
	bundle_deflater_finish(&d, 0);
	bundle_sha_line(&sums, job.h, ledger.name);
	for (i = li + 1; i < n; i++) {
		bundle_sha256(files[i].data, files[i].len, h);
		bundle_sha_line(&sums, h, files[i].name);
	}
	files[n] = (struct bundle_file){(char *)"SHA256SUMS", sums.s, sums.len};
	bundle_deflater_add(&d, &ms[n], files[n].name, files[n].data, files[n].len);
	n++;
	bundle_deflater_finish(&d, 0);
	if (bundle_deflater_zip(&d, ms, n, mtime, zip, cause) != 0)
		goto end;
	tc = bundle_trusted_comment(meta, &c.fig, name);
	if (minisig != NULL &&
	    sign_data(key, zip->s, zip->len, tc, "W.A.T. bundle signature from station key",
	              minisig, cause) != 0)
		goto end;
	if (fig != NULL)
		*fig = c.fig;
	rc = 0;
end:
	bundle_deflater_free(&d);
	free(tc);
	strbuf_free(&sums);
	free(manifest);
	bundle_content_free(&c);
	free(ms);
	free(files);
	return rc;
}
