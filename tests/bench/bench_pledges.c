/* bench_pledges.c — the pledges' figures: the settlement screen of a walker
 * with 50 pledges and 200 laps drawn in one frame (1280x800, SDL's software
 * renderer, beside an empty frame), and opened (the worker's settlement of
 * the walker: their own entries read) on a ledger holding 10,000 pledges
 * beside the same day holding only that walker's 50 (the ratio should be
 * about 1); the statements of 2,000 sponsors laid out (beside 2,000 badges,
 * one a ticket, on the same paper); and scan → committed → screen drawn on
 * a ledger holding 10,000 pledges beside the same ledger without them (the
 * ratio should be about 1).  JSON lines on stdout. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layout.h"
#include "pledge.h"
#include "print_cli.h"
#include "util.h"

#include "bench_kiosk.h"

#define BENCH_WALKERS  5000
#define BENCH_LAPS     20000
#define BENCH_PLEDGES  10000 /* in the pledge ledger, 50 of them walker 1's */
#define BENCH_SPONSORS 2000  /* statements */
#define BENCH_FRAMES   500
#define BENCH_SCANS    300
#define BENCH_CODES    64
#define BENCH_OPENS    30 /* the Pledges screen opened */

/* Walkers and laps (walker 1: 200 laps); with pledges (BENCH_PLEDGES, or
 * 50), that many of them (walker 1: the first 50), flat, per lap and per
 * mile in turn, and the laps certified. */
static void
bench_pledges_fill(const char *path, size_t pledges)
{
	struct ledger_init in = {.name = "Bench Walk", .city = "Jackson", .date = "2026-11-24"};
	struct ledger *l = NULL;
	struct strbuf csv = STRBUF_INIT;
	struct pledge_csv *c = NULL;
	struct ledger_pledge_import res;
	struct ledger_scan s;
	char *cause = NULL;
	int64_t certified = 0;
	size_t i;

	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "bench", &cause) != 0 ||
	    ledger_set(l, "min-lap", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "holdoff", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "role", "lap", "bench", &cause) != 0 ||
	    ledger_set(l, "lap-length", "0.25mi", "bench", &cause) != 0)
		bench_die("setup", cause);
	bench_fill_day(l, BENCH_WALKERS, BENCH_LAPS, 0);
	if (ledger_batch_begin(l, &cause) != 0)
		bench_die("batch", cause);
	for (i = 0; i < 200; i++) /* walker 1 walks 200 laps */
		if (ledger_lap(l, 1, "bench", &s, &cause) != 0)
			bench_die("lap", cause);
	if (ledger_batch_end(l, 1, &cause) != 0)
		bench_die("batch", cause);
	if (pledges) {
		strbuf_puts(&csv, "walker,sponsor,kind,rate,max,id,address\n");
		for (i = 0; i < pledges; i++)
			strbuf_printf(&csv,
			              "%zu,Sponsor %zu Name,%s,$%zu.%02zu,%s,P-%zu,\"%zu Main St, "
			              "Jackson MS 39201\"\n",
			              i < 50 ? 1 : i % (BENCH_WALKERS - 1) + 2, i,
			              i % 3 == 0   ? "flat"
			              : i % 3 == 1 ? "per lap"
			                           : "per mile",
			              i % 3 == 0 ? 10 + i % 40 : i % 3, i % 100,
			              i % 5 == 0 ? "$50" : "", i, i);
		if (pledge_csv_parse(csv.s, csv.len, &c, &cause) != 0 ||
		    ledger_pledge_import(l, c, 1, "bench", &res, &cause) != 0)
			bench_die("pledges", cause);
		if (res.added != pledges)
			bench_die("pledges", "not all imported");
		pledge_csv_free(c);
		strbuf_free(&csv);
		if (ledger_certify(l, "bench", &certified, &cause) != 0)
			bench_die("certify", cause);
	}
	ledger_free(l);
}

/* The day is written by another process, so its memory is not ours. */
static void
bench_pledges_make(const char *path, size_t pledges)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0) {
		bench_pledges_fill(path, pledges);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		bench_die("fill", NULL);
}

struct bench_kiosk {
	struct ui *u;
	struct kiosk_worker *w;
	struct kiosk k;
};

static void
bench_pledges_open(struct bench_kiosk *b, const char *path)
{
	struct ui_config cfg = {1280, 800, 0, "assets/fonts", 0, 1};
	char *cause = NULL;

	if (ui_open(&cfg, &b->u, &cause) != 0)
		bench_die("ui", cause);
	if (kiosk_worker_start(path, kiosk_wake, b->u, &b->w, &cause) != 0)
		bench_die("worker", cause);
	kiosk_init(&b->k, b->u, b->w);
	b->k.script = 1;
	bench_kiosk_settle(&b->k);
}

static void
bench_pledges_close(struct bench_kiosk *b)
{
	kiosk_worker_stop(b->w);
	kiosk_fini(&b->k);
	ui_free(b->u);
}

/* scan → committed → result screen drawn, n times over some walkers' codes:
 * t[0..n) in ms. */
static void
bench_pledges_scans(struct bench_kiosk *b, double *t, size_t n)
{
	static char codes[BENCH_CODES][BADGE_CODE_MAX];
	struct kiosk *k = &b->k;
	double t0;

	for (uint32_t i = 0; i < BENCH_CODES; i++) {
		k->walker = i * 70 + 2;
		kiosk_go(k, SCREEN_WALKER);
		bench_kiosk_settle(k);
		if (k->card == NULL || k->card->code[0] == '\0')
			bench_die("badge", "no code");
		memcpy(codes[i], k->card->code, BADGE_CODE_MAX);
	}
	for (size_t i = 0; i < n; i++) {
		int64_t before = k->result != NULL ? k->result->done_us : 0;
		struct ui_event ev;
		kiosk_go(k, SCREEN_HOME);
		kiosk_frame(k);
		t0 = bench_now_ms();
		kiosk_scan(k, codes[i % BENCH_CODES]);
		while (k->result == NULL || k->result->done_us == before) {
			ui_poll(b->u, 5, &ev);
			kiosk_dispatch(k);
		}
		kiosk_frame(k);
		if (i > 0)
			t[i - 1] = bench_now_ms() - t0;
		if (k->screen != SCREEN_RESULT || k->result->scan.seq == 0)
			bench_die("scan", "not recorded");
	}
}

/* Walker 1's Pledges screen opened from their card, n times: the median
 * in ms from the tap to the screen drawn with the settlement (the worker's
 * ledger_settle of walker 1). */
static double
bench_pledges_opens(struct bench_kiosk *b, size_t n)
{
	struct kiosk *k = &b->k;
	double *t = calloc(n, sizeof *t), med;

	for (size_t i = 0; i <= n; i++) { /* the first not counted: fonts, caches */
		double t0;

		k->walker = 1;
		kiosk_go(k, SCREEN_WALKER);
		bench_kiosk_settle(k);
		t0 = bench_now_ms();
		kiosk_go(k, SCREEN_PLEDGES);
		bench_kiosk_settle(k);
		if (i > 0)
			t[i - 1] = bench_now_ms() - t0;
		if (k->screen != SCREEN_PLEDGES || k->pledges.r == NULL ||
		    k->pledges.r->pledges == NULL ||
		    k->pledges.r->pledges->n + k->pledges.r->pledges->more != 50)
			bench_die("pledges screen", "walker 1's 50 pledges not shown");
	}
	med = bench_median(t, n);
	free(t);
	return med;
}

/* The settlement screen of walker 1 (50 pledges, 200 laps), each frame
 * after an empty one (clear and present), alternately. */
static void
bench_pledges_frames(struct bench_kiosk *b)
{
	struct kiosk *k = &b->k;

	k->walker = 1;
	kiosk_go(k, SCREEN_WALKER);
	bench_kiosk_settle(k);
	kiosk_go(k, SCREEN_PLEDGES);
	bench_kiosk_settle(k);
	bench_kiosk_frames(k, BENCH_FRAMES, "kiosk_frame_settlement_50_pledges_1280x800_software",
	                   ",\"pledges\":50,\"laps\":200");
}

static int
bench_pledges_person_cb(const struct ledger_event_person *p, void *arg)
{
	(void)p;
	(void)arg;
	return 0;
}

/* The walkers' display's pledged sums (ledger_event_pledged: every pledge
 * once, owed on the event's laps) on the ledger holding 10,000 pledges,
 * asked again as the display asks every 10 s, beside the leaderboard's
 * people alone (ledger_event_people, which it reads first): what the
 * pledges add. */
static void
bench_pledges_board(const char *path)
{
	struct ledger *l = NULL;
	double t[9], floor[9], t0, first;
	int64_t total = 0;
	char *cause = NULL, extra[200];

	if (ledger_open(path, &l, &cause) != 0)
		bench_die("open", cause);
	t0 = bench_now_ms();
	if (ledger_event_pledged(l, NULL, NULL, &total, &cause) != 0)
		bench_die("pledged", cause);
	first = bench_now_ms() - t0;
	for (size_t i = 0; i < nitems(t); i++) {
		t0 = bench_now_ms();
		if (ledger_event_pledged(l, NULL, NULL, &total, &cause) != 0)
			bench_die("pledged", cause);
		t[i] = bench_now_ms() - t0;
		t0 = bench_now_ms();
		if (ledger_event_people(l, bench_pledges_person_cb, NULL, &cause) != 0)
			bench_die("people", cause);
		floor[i] = bench_now_ms() - t0;
	}
	snprintf(extra, sizeof extra,
	         ",\"pledges\":%d,\"walkers\":%d,\"first_ms\":%.1f,\"pledged_cents\":%" PRId64,
	         BENCH_PLEDGES, BENCH_WALKERS, first, total);
	bench_pair("board_pledged_10000_pledges", "median", bench_median(t, nitems(t)),
	           "the leaderboard's people alone (ledger_event_people)",
	           bench_median(floor, nitems(floor)), 0, extra);
	ledger_free(l);
}

/* Statements of BENCH_SPONSORS sponsors still owing (one walker each), laid
 * out on the station's roll, one ticket each; beside as many badges, one a
 * ticket on the same roll (layout's own work for as many pages). */
static void
bench_pledges_statements(const char *dir, const char *assets)
{
	struct ledger_init in = {.name = "Bench Walk", .city = "Jackson", .date = "2026-11-24"};
	struct ledger *l = NULL;
	struct strbuf csv = STRBUF_INIT;
	struct pledge_csv *c = NULL;
	struct ledger_pledge_import res;
	struct layout_badge *badges = calloc(BENCH_SPONSORS, sizeof *badges);
	char path[400], *cause = NULL, *pdf = NULL, extra[300];
	char(*codes)[48] = calloc(BENCH_SPONSORS, sizeof *codes);
	size_t len = 0, count = 0, i, blen = 0;
	double t0, st_ms, b_ms, let_ms;

	snprintf(path, sizeof path, "%s/statements.db", dir);
	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "bench", &cause) != 0)
		bench_die("setup", cause);
	bench_fill_day(l, BENCH_SPONSORS / 4, 0, 0);
	strbuf_puts(&csv, "walker,sponsor,kind,rate,id,address\n");
	for (i = 0; i < BENCH_SPONSORS; i++)
		strbuf_printf(
		    &csv, "%zu,Sponsor %zu Name,flat,$%zu.00,S-%zu,\"%zu Main St, Jackson MS\"\n",
		    i % (BENCH_SPONSORS / 4) + 1, i, 10 + i % 40, i, i);
	if (pledge_csv_parse(csv.s, csv.len, &c, &cause) != 0 ||
	    ledger_pledge_import(l, c, 1, "bench", &res, &cause) != 0)
		bench_die("pledges", cause);
	pledge_csv_free(c);
	strbuf_free(&csv);

	/* the fonts loaded once, as the kiosk's worker has them */
	if (layout_badge_pdf(&(struct layout_badge){"A", 1, "W1-X", "E", NULL, 0}, LAYOUT_ROLL80,
	                     assets, &pdf, &len, &cause) != 0)
		bench_die("badge", cause);
	free(pdf);
	t0 = bench_now_ms();
	if (print_cli_statements_pdf(l, 0, 1, LAYOUT_ROLL80, assets, &pdf, &len, &count, &cause) !=
	    0)
		bench_die("statements", cause);
	st_ms = bench_now_ms() - t0;
	free(pdf);
	if (count != BENCH_SPONSORS)
		bench_die("statements", "not one a sponsor");
	t0 = bench_now_ms();
	if (print_cli_statements_pdf(l, 0, 1, LAYOUT_LETTER, assets, &pdf, &len, &count, &cause) !=
	    0)
		bench_die("statements", cause);
	let_ms = bench_now_ms() - t0;
	free(pdf);

	for (i = 0; i < BENCH_SPONSORS; i++) {
		snprintf(codes[i], sizeof codes[i], "W1-K7QF-%zu-8XJ2M4PQ9RTA", i + 1);
		badges[i] =
		    (struct layout_badge){"Maria Gonzalez-Hernández", (unsigned)i + 1, codes[i],
		                          "Walk Against Traffick",    "Team Hope",     0};
	}
	t0 = bench_now_ms();
	if (layout_badges_pdf_progress(badges, BENCH_SPONSORS, NULL, LAYOUT_ROLL80, assets, NULL,
	                               NULL, &pdf, &blen, &cause) != 0)
		bench_die("badges", cause);
	b_ms = bench_now_ms() - t0;
	free(pdf);
	snprintf(extra, sizeof extra,
	         ",\"statements\":%d,\"pdf_bytes\":%zu,\"letter_ms\":%.1f,\"target_ms\":10000",
	         BENCH_SPONSORS, len, let_ms);
	bench_pair("statements_2000_sponsors_80mm", "once", st_ms,
	           "2,000 badges laid out, one a ticket, same roll", b_ms, 0, extra);
	free(codes);
	free(badges);
	ledger_free(l);
}

int
main(void)
{
	char dir[] = "/tmp/bench_pledges_XXXXXX", with[300], without[300], few[300], cmd[400],
	     extra[300];
	char assets[4096];
	const char *repo = getenv("REPO");
	struct bench_kiosk b;
	double *t = calloc(BENCH_SCANS, sizeof *t), *t_none = calloc(BENCH_SCANS, sizeof *t_none);
	double p99, p99_none, open_ms, open_few_ms;

	bench_name = "bench_pledges";
	setenv("SDL_VIDEODRIVER", "dummy", 0);
	setenv("SDL_AUDIODRIVER", "dummy", 0);
	snprintf(assets, sizeof assets, "%s/assets", repo != NULL ? repo : ".");
	if (mkdtemp(dir) == NULL)
		bench_die("mkdtemp", NULL);
	snprintf(with, sizeof with, "%s/pledges.db", dir);
	snprintf(without, sizeof without, "%s/none.db", dir);
	snprintf(few, sizeof few, "%s/few.db", dir);
	bench_pledges_make(with, BENCH_PLEDGES);
	bench_pledges_make(without, 0);
	bench_pledges_make(few, 50);

	/* scans on the ledger without pledges, then with them */
	bench_pledges_open(&b, without);
	bench_pledges_scans(&b, t_none, BENCH_SCANS);
	bench_pledges_close(&b);
	bench_pledges_open(&b, with);
	/* walker 1's Pledges screen: among 10,000 pledges, then among their 50 only */
	open_ms = bench_pledges_opens(&b, BENCH_OPENS);
	bench_pledges_scans(&b, t, BENCH_SCANS);
	/* the medians compared (the p99s, beside them, are the machine's load) */
	p99 = bench_pct(t, BENCH_SCANS, 0.99);
	p99_none = bench_pct(t_none, BENCH_SCANS, 0.99);
	snprintf(extra, sizeof extra,
	         ",\"n\":%d,\"p99_ms\":%.3f,\"peer_p99_ms\":%.3f,\"pledges\":%d,"
	         "\"target_p99_ms\":5",
	         BENCH_SCANS, p99, p99_none, BENCH_PLEDGES);
	bench_pair("kiosk_scan_to_screen_10000_pledges", "p50", bench_pct(t, BENCH_SCANS, 0.5),
	           "the same scans on the same ledger without pledges",
	           bench_pct(t_none, BENCH_SCANS, 0.5), 1.25, extra);

	bench_pledges_frames(&b);
	bench_pledges_close(&b);
	bench_pledges_open(&b, few);
	open_few_ms = bench_pledges_opens(&b, BENCH_OPENS);
	bench_pledges_close(&b);
	snprintf(extra, sizeof extra,
	         ",\"n\":%d,\"pledges\":%d,\"walker_pledges\":50,\"walker_laps\":200,"
	         "\"laps\":%d",
	         BENCH_OPENS, BENCH_PLEDGES, BENCH_LAPS + 200);
	bench_pair("kiosk_pledges_screen_open_10000_pledges", "p50", open_ms,
	           "the same screen, the same day with only the walker's 50 pledges", open_few_ms,
	           1.25, extra);

	bench_pledges_board(with);
	bench_pledges_statements(dir, assets);
	free(t);
	free(t_none);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
