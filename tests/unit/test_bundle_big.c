/* test_bundle_big.c — bundle_compute on a ledger big enough to be checked
 * in two runs on two cores (4,096 lines and more): the same figures and CSVs
 * as the ledger checked line by line, and every fault reported at the line a
 * single run names, wherever it falls — in the first half, the second, or on
 * the line where the second run starts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bundle_fixture.h"
#include "util.h"

#define LINES 6000

/* Byte offsets of every line of jsonl (n + 1 of them: the end last). */
static size_t *
line_starts(const char *s, size_t len, size_t *n)
{
	size_t *at = xcalloc(LINES + 2, sizeof *at), k = 0, i;

	at[k++] = 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			at[k++] = i + 1;
	*n = k - 1;
	return at;
}

static void
day(struct fx *x)
{
	fx_init(x, "T1");
	fx_day(x, 200, LINES - 2 * 200 - 1 - 100 - 1, 100);
	fx_export(x, 1);
	assert_int_equal(x->seq, LINES);
}

/* The line where the second run starts: after the first LF past the middle. */
static size_t
middle_line(const struct strbuf *b, const size_t *at, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (at[i] > b->len / 2)
			return i + 1; /* 1-based */
	return n;
}

static void
expect(const char *jsonl, size_t len, const char *want)
{
	struct bundle_content c;
	char *cause = NULL;

	assert_int_equal(bundle_compute(jsonl, len, NULL, 0, &c, &cause), -1);
	if (strstr(cause, want) == NULL)
		fail_msg("got \"%s\", want \"%s\"", cause, want);
	free(cause);
}

static void
test_whole(void **state)
{
	struct fx x;
	struct bundle_content c;
	char *cause = NULL;

	(void)state;
	day(&x);
	assert_int_equal(bundle_compute(x.jsonl.s, x.jsonl.len, NULL, 0, &c, &cause), 0);
	assert_int_equal(c.fig.last_seq, LINES);
	assert_int_equal(c.fig.entries, LINES);
	assert_memory_equal(c.fig.head, x.prev, BUNDLE_HASH_LEN);
	assert_int_equal(c.fig.walkers, 200);
	assert_int_equal(c.fig.donations, 100);
	assert_int_equal(c.entries[LINES - 1].seq, LINES);
	assert_string_equal(c.fig.station, "T1");
	bundle_content_free(&c);
	strbuf_free(&x.jsonl);
}

/* A line removed, changed, or cut short: named by the line a single run names. */
static void
test_faults(void **state)
{
	struct fx x;
	size_t n, *at, mid, k, i;
	char *s, msg[160];

	(void)state;
	day(&x);
	at = line_starts(x.jsonl.s, x.jsonl.len, &n);
	assert_int_equal(n, LINES);
	mid = middle_line(&x.jsonl, at, n);
	const size_t lines[] = {2, 100, mid - 2, mid - 1, mid, mid + 1, mid + 2, LINES - 5, LINES};
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		k = lines[i];
		/* line k removed: line k (the one after) no longer links */
		if (k < LINES) {
			s = xmalloc(x.jsonl.len);
			memcpy(s, x.jsonl.s, at[k - 1]);
			memcpy(s + at[k - 1], x.jsonl.s + at[k], x.jsonl.len - at[k]);
			snprintf(msg, sizeof msg, "line %zu: its \"prev\" is not the hash", k);
			expect(s, x.jsonl.len - (at[k] - at[k - 1]), msg);
			free(s);
		}
		/* a byte of entry k changed: its hash does not match */
		s = xmalloc(x.jsonl.len);
		memcpy(s, x.jsonl.s, x.jsonl.len);
		s[at[k - 1] + 170] ^= 1;
		snprintf(msg, sizeof msg, "line %zu: the entry does not match its hash", k);
		expect(s, x.jsonl.len, msg);
		/* and a fault further on does not hide it */
		s[at[LINES - 1] + 175] ^= 1;
		expect(s, x.jsonl.len, msg);
		free(s);
		/* line k not a ledger line (its "prev" hex intact but unlinked) */
		s = xmalloc(x.jsonl.len);
		memcpy(s, x.jsonl.s, x.jsonl.len);
		s[at[k - 1] + 1] = 'X';
		s[at[k - 1] + 100] = s[at[k - 1] + 100] == '0' ? '1' : '0';
		snprintf(msg, sizeof msg, "line %zu is not a ledger line", k);
		expect(s, x.jsonl.len, msg);
		free(s);
		/* the file cut short inside line k */
		snprintf(msg, sizeof msg, "line %zu is cut short", k);
		expect(x.jsonl.s, at[k - 1] + 40, msg);
	}
	free(at);
	strbuf_free(&x.jsonl);
}

/* A day of laps; from line `from` on (0: never) another station's. */
static void
laps_day(struct fx *x, size_t from)
{
	fx_init(x, "T1");
	fx_add(x, "event", 0, 0, NULL);
	fx_walker(x, 1, "\"Ann\"");
	while (x->seq < LINES) {
		if ((size_t)x->seq + 1 == from)
			x->station = "T2";
		fx_add(x, "lap", 1, 0, NULL);
	}
}

/* Another station's entries from line k on: line k is named. */
static void
test_station(void **state)
{
	struct fx x;
	size_t n, *at, mid, i;
	char msg[160];

	(void)state;
	laps_day(&x, 0);
	at = line_starts(x.jsonl.s, x.jsonl.len, &n);
	mid = middle_line(&x.jsonl, at, n); /* the same with "T2": as long */
	free(at);
	strbuf_free(&x.jsonl);
	const size_t lines[] = {mid - 1, mid, mid + 1, LINES - 1};
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		laps_day(&x, lines[i]);
		snprintf(msg, sizeof msg, "line %zu is from station \"T2\"", lines[i]);
		expect(x.jsonl.s, x.jsonl.len, msg);
		/* a damaged line further on does not hide it */
		x.jsonl.s[x.jsonl.len - 100] ^= 1;
		expect(x.jsonl.s, x.jsonl.len, msg);
		strbuf_free(&x.jsonl);
	}
}

/* An export numbered out of order in the first half is named before a
 * damaged line in the second. */
static void
test_order(void **state)
{
	struct fx x;
	size_t n, *at;

	(void)state;
	fx_init(&x, "T1");
	fx_add(&x, "event", 0, 0, NULL);
	fx_walker(&x, 1, "\"Ann\"");
	fx_export(&x, 2);
	fx_export(&x, 1);
	while (x.seq < LINES)
		fx_add(&x, "lap", 1, 0, NULL);
	at = line_starts(x.jsonl.s, x.jsonl.len, &n);
	x.jsonl.s[at[LINES - 10] + 170] ^= 1;
	expect(x.jsonl.s, x.jsonl.len, "records export 1 after export 2");
	free(at);
	strbuf_free(&x.jsonl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole),
	    cmocka_unit_test(test_faults),
	    cmocka_unit_test(test_station),
	    cmocka_unit_test(test_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
