/* bundle_fixture.h — a synthetic station ledger as ledger.jsonl, in the
 * entry format of docs/FORMATS.md, for the bundle tests, bench and fuzz seeds. */
#ifndef WAT_BUNDLE_FIXTURE_H
#define WAT_BUNDLE_FIXTURE_H

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "bundle.h"
#include "strbuf.h"

struct fx {
	struct strbuf jsonl;
	unsigned char prev[BUNDLE_HASH_LEN];
	int64_t seq;
	const char *station;
	int64_t wall_ms;
};

static inline void
fx_init(struct fx *x, const char *station)
{
	memset(x, 0, sizeof *x);
	x->station = station;
	x->wall_ms = 1777730400000; /* 2026-05-02 14:00 UTC */
	if (sodium_init() < 0)
		abort();
}

/* Appends an entry; data_json is an object or NULL.  Returns its seq. */
static inline int64_t
fx_add(struct fx *x, const char *kind, uint32_t walker, int64_t ref, const char *data_json)
{
	struct strbuf line = STRBUF_INIT;
	unsigned char hash[BUNDLE_HASH_LEN];
	crypto_generichash_state st;

	x->seq++;
	x->wall_ms += 1500;
	strbuf_printf(&line,
	              "{\"seq\":%" PRId64 ",\"station\":\"%s\",\"kind\":\"%s\",\"wall_ms\":%" PRId64
	              ",\"mono_ms\":%" PRId64
	              ",\"boot\":\"0b6e4c1a-5d2f-4e8b-9a7c-3f1e2d4c5b6a\",\"op\":\"test\"",
	              x->seq, x->station, kind, x->wall_ms, x->wall_ms - 1777730000000);
	if (walker != 0)
		strbuf_printf(&line, ",\"walker\":%" PRIu32, walker);
	if (ref != 0)
		strbuf_printf(&line, ",\"ref\":%" PRId64, ref);
	/* what each kind holds at the least (entry.h), when the test gives nothing */
	if (data_json == NULL)
		data_json =
		    strcmp(kind, "checkin") == 0 || strcmp(kind, "lap") == 0 ? "{\"how\":\"scan\"}"
		    : strcmp(kind, "event") == 0
		        ? "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"TEST\"}"
		    : strcmp(kind, "closeout") == 0 ? "{\"cash_cents\":0,\"cash_expected_cents\":0}"
		    : strcmp(kind, "reopen") == 0   ? "{\"reason\":\"a late donor\"}"
		                                    : "{}";
	strbuf_printf(&line, ",\"data\":%s}", data_json);
	crypto_generichash_init(&st, NULL, 0, BUNDLE_HASH_LEN);
	crypto_generichash_update(&st, x->prev, BUNDLE_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)line.s, line.len);
	crypto_generichash_final(&st, hash, BUNDLE_HASH_LEN);
	bundle_jsonl_add(&x->jsonl, line.s, line.len, x->prev, hash);
	memcpy(x->prev, hash, BUNDLE_HASH_LEN);
	strbuf_free(&line);
	return x->seq;
}

static inline int64_t
fx_walker(struct fx *x, uint32_t id, const char *name_json)
{
	struct strbuf d = STRBUF_INIT;
	int64_t seq;

	strbuf_printf(&d, "{\"name\":%s,\"team\":\"Blue\"}", name_json);
	seq = fx_add(x, "walker", id, 0, d.s);
	strbuf_free(&d);
	return seq;
}

static inline int64_t
fx_donation(struct fx *x, uint32_t walker, int64_t cents, const char *method, const char *check_no)
{
	struct strbuf d = STRBUF_INIT;
	int64_t seq;

	strbuf_printf(&d, "{\"cents\":%" PRId64 ",\"method\":\"%s\"", cents, method);
	if (check_no != NULL)
		strbuf_printf(&d, ",\"check_no\":\"%s\"", check_no);
	strbuf_puts(&d, ",\"donor\":\"Ann Lee\"}");
	seq = fx_add(x, "donation", walker, 0, d.s);
	strbuf_free(&d);
	return seq;
}

static inline int64_t
fx_export(struct fx *x, int64_t n)
{
	char d[64];

	snprintf(d, sizeof d, "{\"n\":%" PRId64 "}", n);
	return fx_add(x, "export", 0, 0, d);
}

/* A day: walkers, check-ins, laps, donations, an annulment, a close-out. */
static inline void
fx_day(struct fx *x, uint32_t walkers, int64_t laps, int64_t donations)
{
	uint32_t w;
	int64_t i, seq;

	fx_add(x, "event", 0, 0,
	       "{\"name\":\"Walk Against Traffick\",\"city\":\"Jackson, "
	       "MS\",\"date\":\"2026-05-02\",\"tag\":\"TEST\"}");
	for (w = 1; w <= walkers; w++) {
		char name[64];
		snprintf(name, sizeof name, "\"Walker %" PRIu32 "\"", w);
		fx_walker(x, w, name);
	}
	for (w = 1; w <= walkers; w++)
		fx_add(x, "checkin", w, 0, NULL);
	for (i = 0; i < laps; i++)
		fx_add(x, "lap", (uint32_t)(i % walkers) + 1, 0,
		       i % 50 == 0 ? "{\"how\":\"manual\"}" : "{\"how\":\"scan\"}");
	for (i = 0; i < donations; i++)
		seq = fx_donation(x, (uint32_t)(i % walkers) + 1, 500 + (i % 7) * 250,
		                  i % 3 == 0   ? "check"
		                  : i % 3 == 1 ? "cash"
		                               : "other",
		                  i % 3 == 0 ? "1043" : NULL);
	(void)seq;
}

#endif
