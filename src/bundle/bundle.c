/* bundle.c — ledger.jsonl checked and turned into CSVs and figures; the
 * manifest; the zip (libarchive); safe writes.  See bundle.h, docs/BUNDLE.md. */
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
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include "amount.h"
#include "csv.h"
#include "entry.h"
#include "fold.h"
#include "json.h"
#include "pledge.h"
#include "stamp.h"
#include "strbuf.h"
#include "util.h"

const char *const bundle_csv_names[BUNDLE_NCSV] = {
    "walkers.csv",    "checkins.csv", "laps.csv",    "donations.csv",
    "annulments.csv", "closeout.csv", "pledges.csv", "outstanding.csv",
};

static const char *const bundle_csv_headers[BUNDLE_NCSV] = {
    "walker,name,team,email,phone,external_id,registered_seq,registration_annulled,"
    "checked_in,laps,raised",
    "seq,time_utc,walker,name,operator,annulled_by",
    "seq,time_utc,walker,name,manual,operator,annulled_by",
    "seq,time_utc,walker,walker_name,amount,method,check_no,donor,operator,annulled_by",
    "seq,time_utc,annuls_seq,annuls_kind,walker,amount,reason,operator",
    "seq,time_utc,kind,cash_expected,cash_counted,cash_over_short,denominations,"
    "checks_expected,checks_expected_total,checks_counted,checks_counted_total,"
    "checks_over_short,counter_1,counter_2,receipts_not_printed,note,operator,annulled_by",
    "seq,time_utc,walker,walker_name,sponsor,email,phone,address,kind,rate,max,external_id,"
    "paid_online,paid_online_date,paid_here,operator,annulled_by",
    "walker,walker_name,pledge_seq,sponsor,email,phone,address,kind,rate,max,laps_here,"
    "billed_laps,owed,paid,still_owed,final",
};

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
	free(c->entries);
	free(c->walkers);
	free(c->event_name);
	free(c->city);
	free(c->date);
	free(c->event_tag);
	memset(c, 0, sizeof *c);
}

void
bundle_sha256(const void *data, size_t len, unsigned char out[32])
{
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

/* A CSV text field, Excel-safe. */
static void
bundle_csv_text(struct strbuf *b, const char *s)
{
	char *f = csv_field(s != NULL ? s : "", 1);

	strbuf_puts(b, f);
	free(f);
}

static void
bundle_csv_money(struct strbuf *b, int64_t cents)
{
	char buf[32];

	strbuf_puts(b, amount_format_plain(cents, buf, sizeof buf));
}

static void
bundle_csv_time(struct strbuf *b, int64_t wall_ms)
{
	char buf[32];

	strbuf_puts(b, stamp_format_utc(wall_ms, buf, sizeof buf));
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

static void
bundle_op_col(struct strbuf *b, const struct entry *e)
{
	char *s = json_str(&e->op);

	bundle_csv_text(b, s);
	free(s);
}

static void
bundle_annulled_col(struct strbuf *b, int64_t by)
{
	if (by != 0)
		strbuf_printf(b, "%" PRId64, by);
}

/* "seq,time,walker,name" of a walker's row. */
static void
bundle_csv_walker_row(struct strbuf *b, const struct fold *f, const struct entry *e)
{
	strbuf_printf(b, "%" PRId64 ",", e->seq);
	bundle_csv_time(b, e->at.wall_ms);
	strbuf_printf(b, ",%" PRIu32 ",", e->walker);
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
		if (e->kind == ENTRY_LAP)
			strbuf_puts(b, e->manual ? ",yes" : ",no");
		bundle_csv_row_end(b, e, by);
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

/* pledges.csv and outstanding.csv: the pledges of es[0..n) (pledge.h) and
 * what each still owes on this ledger's counted laps: those up to this
 * ledger's entry in the certification in force (id: its identity), else
 * all; another station's laps are in that station's bundle. */
static int
bundle_pledge_csvs(struct strbuf *csv, const struct entry *es, size_t n, const struct fold *fold,
                   const unsigned char *id, int *any, char **cause)
{
	struct pledge_book *book = NULL;
	struct fold *counted = NULL;
	const struct fold *laps = fold;
	struct setting_length lap;
	char hex[2 * BUNDLE_HASH_LEN + 1];
	int64_t cap, upto = (int64_t)n;
	size_t i, j;
	int rc = -1;

	if (pledge_book_run(es, n, fold, &book, cause) != 0)
		return -1;
	*any = book->n > 0;
	bundle_hex(id, BUNDLE_HASH_LEN, hex);
	if (book->cert_seq != 0) {
		upto = 0;
		for (j = 0; j < book->ncert; j++)
			if (strcmp(book->cert[j].ledger, hex) == 0 &&
			    book->cert[j].seq <= (int64_t)n)
				upto = book->cert[j].seq;
		if (upto < (int64_t)n) {
			if (fold_run(es, (size_t)upto, NULL, &counted, cause) != 0)
				goto end;
			laps = counted;
		}
	}
	pledge_rule_settings(es, (size_t)upto, fold, &lap, &cap);
	for (i = 0; i < book->n; i++) {
		const struct pledge *p = &book->p[i];
		const struct entry *e = &es[p->seq - 1];
		const struct fold_walker *w = fold_walker(laps, p->walker);
		struct strbuf *b = &csv[BUNDLE_PLEDGES];
		int64_t counted_laps = w != NULL ? fold_counted_laps(w) : 0, owed, paid;
		int known;

		strbuf_printf(b, "%" PRId64 ",", p->seq);
		bundle_csv_time(b, e->at.wall_ms);
		strbuf_printf(b, ",%" PRIu32 ",", p->walker);
		bundle_csv_text(b, bundle_name_of(fold, p->walker));
		for (j = 0; j < 4; j++) {
			const char *v[] = {p->sponsor, p->email, p->phone, p->address};
			strbuf_puts(b, ",");
			bundle_csv_text(b, v[j]);
		}
		strbuf_printf(b, ",%s,", pledge_kind_name(p->t.kind));
		bundle_csv_money(b, p->t.rate_cents);
		strbuf_puts(b, ",");
		bundle_csv_opt_money(b, p->t.max_cents);
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
		b = &csv[BUNDLE_OUTSTANDING];
		known = pledge_owed(&p->t, counted_laps, &lap, cap, &owed, NULL) == 0;
		paid = p->online_cents + p->paid_cents;
		strbuf_printf(b, "%" PRIu32 ",", p->walker);
		bundle_csv_text(b, bundle_name_of(fold, p->walker));
		strbuf_printf(b, ",%" PRId64, p->seq);
		for (j = 0; j < 4; j++) {
			const char *v[] = {p->sponsor, p->email, p->phone, p->address};
			strbuf_puts(b, ",");
			bundle_csv_text(b, v[j]);
		}
		strbuf_printf(b, ",%s,", pledge_kind_name(p->t.kind));
		bundle_csv_money(b, p->t.rate_cents);
		strbuf_puts(b, ",");
		bundle_csv_opt_money(b, p->t.max_cents);
		strbuf_printf(b, ",%" PRId64 ",%" PRId64 ",", counted_laps,
		              pledge_billed_laps(counted_laps, cap));
		if (known)
			bundle_csv_money(b, owed);
		strbuf_puts(b, ",");
		bundle_csv_money(b, paid);
		strbuf_puts(b, ",");
		if (known)
			bundle_csv_money(b, owed > paid ? owed - paid : 0);
		strbuf_printf(b, ",%s" BUNDLE_CRLF,
		              book->cert_seq != 0 || p->t.kind == PLEDGE_FLAT ? "yes" : "no");
	}
	rc = 0;
end:
	fold_free(counted);
	pledge_book_free(book);
	return rc;
}

int
bundle_compute(const char *jsonl, size_t len, struct bundle_content *out, char **cause)
{
	struct entry *es = NULL;
	struct bundle_entry *be = NULL;
	struct fold *fold = NULL;
	const struct fold_walker *ws;
	const struct fold_figures *ff;
	struct bundle_figures *f = &out->fig;
	struct strbuf csv[BUNDLE_NCSV + 1]; /* + closeout.csv as older software wrote it */
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
	for (i = 0; i < n; i++)
		bundle_csv_rows(csv, fold, es, &es[i]);
	if (bundle_pledge_csvs(csv, es, n, fold, hashes[0], &f->pledges, &why) != 0) {
		util_fail(cause, "ledger.jsonl: %s", why);
		goto end;
	}
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

	crypto_hash_sha256(h, (const unsigned char *)data, len);
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

/* Where the zip goes: the buffer, and a copy into tee (a pipe to the
 * checker) when it is not -1. */
struct bundle_zip_sink {
	struct strbuf *out;
	int tee;
};

static la_ssize_t
bundle_zip_out(struct archive *a, void *arg, const void *buf, size_t n)
{
	struct bundle_zip_sink *k = arg;
	const char *p = buf;
	size_t off = 0;
	ssize_t w;

	strbuf_add(k->out, buf, n);
	while (k->tee >= 0 && off < n) {
		if ((w = write(k->tee, p + off, n - off)) < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			archive_set_error(a, errno, "the zip checker stopped reading");
			return -1;
		}
		off += (size_t)w;
	}
	return (la_ssize_t)n;
}

static int
bundle_zip_write_tee(const struct bundle_file *files, size_t n, int64_t mtime, struct strbuf *out,
                     int tee, char **cause)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = NULL;
	struct bundle_zip_sink sink = {out, tee};
	size_t i, off;
	la_ssize_t w;
	int rc = -1;

	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_zip_set_compression_deflate(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression-level=1") != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, &sink, NULL, bundle_zip_out, NULL) != ARCHIVE_OK) {
		util_fail(cause, "Cannot start the zip: %s.", archive_error_string(a));
		goto end;
	}
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, files[i].name);
		archive_entry_set_size(e, (la_int64_t)files[i].len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, (time_t)mtime, 0);
		if (archive_write_header(a, e) != ARCHIVE_OK) {
			util_fail(cause, "Cannot add %s to the zip: %s.", files[i].name,
			          archive_error_string(a));
			goto end;
		}
		for (off = 0; off < files[i].len; off += (size_t)w) {
			w = archive_write_data(a, files[i].data + off, files[i].len - off);
			if (w <= 0) {
				util_fail(cause, "Cannot add %s to the zip: %s.", files[i].name,
				          archive_error_string(a));
				goto end;
			}
		}
		archive_entry_free(e);
		e = NULL;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		util_fail(cause, "Cannot finish the zip: %s.", archive_error_string(a));
		goto end;
	}
	rc = 0;
end:
	if (e != NULL)
		archive_entry_free(e);
	archive_write_free(a);
	return rc;
}

int
bundle_zip_write(const struct bundle_file *files, size_t n, int64_t mtime, struct strbuf *out,
                 char **cause)
{
	return bundle_zip_write_tee(files, n, mtime, out, -1, cause);
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
    {"laps.csv", 60u << 20},        /* 5.96 MB */
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
	struct strbuf b = STRBUF_INIT;
	size_t n = 0, i, max, limit;
	const char *name;
	char buf[65536];
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
		while ((got = archive_read_data(a, buf, sizeof buf)) > 0) {
			if (b.len + (size_t)got > limit) {
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
			strbuf_add(&b, buf, (size_t)got);
		}
		if (got < 0) {
			util_fail(cause, "%s in the zip is damaged: %s.", name,
			          archive_error_string(a));
			goto end;
		}
		fs = xrealloc(fs, (n + 1) * sizeof *fs);
		fs[n].name = xstrdup(name);
		fs[n].len = b.len;
		fs[n].data = strbuf_take(&b);
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
	strbuf_free(&b);
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

/* The checker's side of the pipe: the zip as it is written, unpacked and
 * compared member by member on the other core. */
struct bundle_zip_checker {
	int fd;
	const struct bundle_file *files;
	size_t n;
	int rc;
	char *cause;
};

static void *
bundle_zip_checker_run(void *arg)
{
	struct bundle_zip_checker *c = arg;
	struct archive *a = archive_read_new();
	char buf[4096];

	c->rc = -1;
	archive_read_support_format_zip(a);
	if (archive_read_open_fd(a, c->fd, 65536) != ARCHIVE_OK)
		util_fail(&c->cause, "The zip just made is not readable: %s.",
		          archive_error_string(a));
	else
		c->rc = bundle_zip_same(a, c->files, c->n, &c->cause);
	archive_read_free(a);
	/* the writer must never block on a full pipe nobody reads */
	for (;;) {
		ssize_t got = read(c->fd, buf, sizeof buf);
		if (got > 0 || (got < 0 && errno == EINTR))
			continue;
		break;
	}
	close(c->fd);
	return NULL;
}

/* SHA-256 of one member, on the other core while the ledger is computed. */
struct bundle_sha_job {
	const struct bundle_file *f;
	unsigned char h[crypto_hash_sha256_BYTES];
};

static void *
bundle_sha_run(void *arg)
{
	struct bundle_sha_job *j = arg;

	crypto_hash_sha256(j->h, (const unsigned char *)j->f->data, j->f->len);
	return NULL;
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
		crypto_hash_sha256(h, (const unsigned char *)files[i].data, files[i].len);
		bundle_sha_line(&b, h, files[i].name);
	}
	return strbuf_take(&b);
}

/* ---- files ---------------------------------------------------------------- */

/* Writes the zip into *zip while the other core unpacks it from a pipe and
 * compares every member with files; falls back to doing it in turn. */
static int
bundle_pack_zip(const struct bundle_file *files, size_t n, int64_t mtime, struct strbuf *zip,
                char **cause)
{
	struct bundle_zip_checker chk = {-1, files, n, -1, NULL};
	pthread_t th;
	int pfd[2] = {-1, -1}, rc = -1;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		goto alone;
	chk.fd = pfd[0];
	if (pthread_create(&th, NULL, bundle_zip_checker_run, &chk) != 0) {
		close(pfd[0]);
		close(pfd[1]);
		goto alone;
	}
	rc = bundle_zip_write_tee(files, n, mtime, zip, pfd[1], cause);
	close(pfd[1]); /* the checker reads to the end, so the writer never blocks */
	pthread_join(th, NULL);
	if (rc == 0 && chk.rc != 0) {
		util_fail(cause, "%s", chk.cause);
		rc = -1;
	}
	free(chk.cause);
	return rc;
alone:
	if (bundle_zip_write(files, n, mtime, zip, cause) != 0)
		return -1;
	return bundle_zip_check(zip->s, zip->len, files, n, cause);
}

int
bundle_pack(const char *jsonl, size_t len, const struct bundle_meta *meta,
            const struct sign_key *key, const char *name, int64_t mtime, struct strbuf *zip,
            char **minisig, struct bundle_figures *fig, char **cause)
{
	struct bundle_content c;
	struct bundle_meta m;
	struct bundle_file *files = xcalloc(BUNDLE_NCSV + 6 + meta->npeers, sizeof *files),
	                   ledger = {(char *)"ledger.jsonl", (char *)jsonl, len};
	struct bundle_sha_job job = {&ledger, {0}};
	struct strbuf sums = STRBUF_INIT;
	unsigned char h[crypto_hash_sha256_BYTES];
	char *manifest = NULL, *tc = NULL;
	pthread_t th;
	int rc = -1, k, hashing = 0;
	size_t n = 0, i;

	memset(&c, 0, sizeof c);
	if (sodium_init() < 0)
		return util_fail(cause, "The cryptography library could not start.");
	/* the ledger's SHA-256 on the other core while this one computes */
	hashing = pthread_create(&th, NULL, bundle_sha_run, &job) == 0;
	if (bundle_compute(jsonl, len, &c, cause) != 0)
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
	files[n++] = ledger;
	for (i = 0; i + 1 < n; i++) {
		crypto_hash_sha256(h, (const unsigned char *)files[i].data, files[i].len);
		bundle_sha_line(&sums, h, files[i].name);
	}
	if (hashing) {
		pthread_join(th, NULL);
		hashing = 0;
	} else
		bundle_sha_run(&job);
	bundle_sha_line(&sums, job.h, ledger.name);
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
		for (i = n - 1 - (meta->charter != NULL) - (meta->event_pub != NULL); i < n; i++) {
			crypto_hash_sha256(h, (const unsigned char *)files[i].data, files[i].len);
			bundle_sha_line(&sums, h, files[i].name);
		}
	}
	/* the peers' entries held, a backup copy (docs/SYNC.md) */
	for (i = 0; i < meta->npeers; i++) {
		files[n] = meta->peers[i];
		crypto_hash_sha256(h, (const unsigned char *)files[n].data, files[n].len);
		bundle_sha_line(&sums, h, files[n].name);
		n++;
	}
	files[n++] = (struct bundle_file){(char *)"SHA256SUMS", sums.s, sums.len};
	/* the zip unpacks to exactly these members: with them computed by
	 * bundle_compute, as every verifier does, it is a bundle that verifies */
	if (bundle_pack_zip(files, n, mtime, zip, cause) != 0)
		goto end;
	tc = bundle_trusted_comment(meta, &c.fig, name);
	if (sign_data(key, zip->s, zip->len, tc, "W.A.T. bundle signature from station key",
	              minisig, cause) != 0)
		goto end;
	if (fig != NULL)
		*fig = c.fig;
	rc = 0;
end:
	if (hashing)
		pthread_join(th, NULL);
	free(tc);
	strbuf_free(&sums);
	free(manifest);
	bundle_content_free(&c);
	free(files);
	return rc;
}
