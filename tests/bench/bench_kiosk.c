/* bench_kiosk.c — the kiosk's figures with SDL's software renderer (dummy
 * video driver) at 1280x800 on a full day's ledger (5,000 walkers, 100,000
 * laps, 10,000 donations, real file, synchronous=FULL): time to the first
 * frame, frame render p50/p99 per screen, scan → committed → screen drawn,
 * and RSS.  JSON lines on stdout. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "bench_kiosk.h"

#define BENCH_FRAMES 1000
#define BENCH_SCANS  500
#define BENCH_CODES  64

static void
bench_kiosk_fill(const char *path)
{
	struct ledger_init in = {.name = "Bench Walk", .city = "Jackson", .date = "2026-11-24"};
	struct ledger *l = NULL;
	char *cause = NULL;

	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "bench", &cause) != 0 ||
	    ledger_set(l, "min-lap", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "holdoff", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "role", "lap", "bench", &cause) != 0 ||
	    ledger_set(l, "goal", "250000", "bench", &cause) != 0)
		bench_die("setup", cause);
	bench_fill_day(l, 5000, 100000, 10000);
	ledger_free(l);
}

/* The frames of a screen (figure kiosk_frame_SCREEN_1280x800_software). */
static void
bench_kiosk_screen_frames(struct kiosk *k, const char *screen)
{
	char name[96];

	snprintf(name, sizeof name, "kiosk_frame_%s_1280x800_software", screen);
	bench_kiosk_frames(k, BENCH_FRAMES, name, "");
}

static long
bench_kiosk_status_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	if (f != NULL)
		fclose(f);
	return v;
}

int
main(void)
{
	struct ui_config cfg = {1280, 800, 0, "assets/fonts", 0, 1};
	char dir[] = "/tmp/bench_kiosk_XXXXXX", path[300], cmd[400];
	static char codes[BENCH_CODES][BADGE_CODE_MAX];
	struct kiosk_worker *w = NULL;
	struct ui *u = NULL;
	struct kiosk k;
	char *cause = NULL;
	double t0, *t, *ft, rss_bare, first_ms, hot_mb;
	const char *first_screen;
	char floor_path[320], block[4096], extra[300];
	int fd;
	pid_t pid;
	int status;

	bench_name = "bench_kiosk";
	setenv("SDL_VIDEODRIVER", "dummy", 0);
	setenv("SDL_AUDIODRIVER", "dummy", 0);
	if (mkdtemp(dir) == NULL)
		bench_die("mkdtemp", NULL);
	snprintf(path, sizeof path, "%s/day.db", dir);

	/* the day is written by another process, so its memory is not ours */
	t0 = bench_now_ms();
	if ((pid = fork()) == 0) {
		bench_kiosk_fill(path);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		bench_die("fill", NULL);
	printf("{\"bench\":\"kiosk_fill_day\",\"ms\":%.1f}\n", bench_now_ms() - t0);

	/* start → first frame of the home screen (ledger open, totals read) */
	t0 = bench_now_ms();
	if (ui_open(&cfg, &u, &cause) != 0)
		bench_die("ui", cause);
	rss_bare = bench_kiosk_status_kb("VmRSS:") / 1024.0;
	if (kiosk_worker_start(path, kiosk_wake, u, &w, &cause) != 0)
		bench_die("worker", cause);
	kiosk_init(&k, u, w);
	k.script = 1; /* no idle refreshes in the middle of the figures */
	bench_kiosk_settle(&k);
	first_ms = bench_now_ms() - t0;
	first_screen = screens[k.screen]->name;

	bench_kiosk_screen_frames(&k, "home");

	/* badge codes of some walkers, through the worker as the screens get them */
	for (uint32_t i = 0; i < BENCH_CODES; i++) {
		k.walker = i * 70 + 1;
		kiosk_go(&k, SCREEN_WALKER);
		bench_kiosk_settle(&k);
		if (k.card == NULL || k.card->code[0] == '\0')
			bench_die("badge", "no code");
		memcpy(codes[i], k.card->code, BADGE_CODE_MAX);
	}
	bench_kiosk_screen_frames(&k, "walker");
	kiosk_go(&k, SCREEN_FIND);
	ui_inject_text(u, "walker 12");
	bench_kiosk_settle(&k);
	bench_kiosk_screen_frames(&k, "find_keyboard");

	/* scan (code in hand) → ledger committed → result screen drawn, each
	 * after one write+fsync of 4 KiB on the same disk (the commit's floor) */
	t = calloc(BENCH_SCANS, sizeof *t);
	ft = calloc(BENCH_SCANS, sizeof *ft);
	snprintf(floor_path, sizeof floor_path, "%s/fsync.bin", dir);
	memset(block, 'x', sizeof block);
	if ((fd = open(floor_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		bench_die("fsync floor", floor_path);
	for (int i = 0; i < BENCH_SCANS; i++) {
		int64_t before = k.result != NULL ? k.result->done_us : 0;
		struct ui_event ev;
		kiosk_go(&k, SCREEN_HOME);
		kiosk_frame(&k);
		t0 = bench_now_ms();
		if (write(fd, block, sizeof block) != (ssize_t)sizeof block || fsync(fd) != 0)
			bench_die("fsync floor", "write failed");
		ft[i] = bench_now_ms() - t0;
		t0 = bench_now_ms();
		kiosk_scan(&k, codes[i % BENCH_CODES]);
		while (k.result == NULL || k.result->done_us == before) {
			ui_poll(u, 5, &ev);
			kiosk_dispatch(&k);
		}
		kiosk_frame(&k);
		t[i] = bench_now_ms() - t0;
		if (k.screen != SCREEN_RESULT || k.result->scan.seq == 0)
			bench_die("scan", "not recorded");
	}
	close(fd);
	unlink(floor_path);
	snprintf(extra, sizeof extra,
	         ",\"n\":%d,\"p50_ms\":%.3f,\"peer_p50_ms\":%.3f,\"max_ms\":%.3f,"
	         "\"target_p99_ms\":5",
	         BENCH_SCANS, bench_pct(t, BENCH_SCANS, 0.5), bench_pct(ft, BENCH_SCANS, 0.5),
	         bench_pct(t, BENCH_SCANS, 1.0));
	bench_pair("kiosk_scan_to_screen_day_loaded", "p99", bench_pct(t, BENCH_SCANS, 0.99),
	           "one write+fsync of 4 KiB, same disk", bench_pct(ft, BENCH_SCANS, 0.99), 0,
	           extra);
	free(ft);
	free(t);
	bench_kiosk_screen_frames(&k, "scan_result");

	/* the table between walkers: the ledger thread gives freed memory
	 * back after KIOSK_TRIM_IDLE_S quiet seconds; hot_mb is right after
	 * the scans, peak_mb the most ever held */
	hot_mb = bench_kiosk_status_kb("VmRSS:") / 1024.0;
	for (double idle = bench_now_ms(); bench_now_ms() - idle < 6500;) {
		struct ui_event ev;
		ui_poll(u, 50, &ev);
		kiosk_dispatch(&k);
	}
	snprintf(extra, sizeof extra, ",\"hot_mb\":%.1f,\"peak_mb\":%.1f,\"target_mb\":40", hot_mb,
	         bench_kiosk_status_kb("VmHWM:") / 1024.0);
	bench_pair_unit(
	    "kiosk_rss_day_loaded", "rss", "MB", bench_kiosk_status_kb("VmRSS:") / 1024.0,
	    "the same process with the screen open, before the ledger", rss_bare, 0, extra);

	kiosk_worker_stop(w);
	kiosk_fini(&k);
	ui_free(u);

	/* the first frame's floor: the screen opened again and an empty frame
	 * drawn, no ledger */
	t0 = bench_now_ms();
	if (ui_open(&cfg, &u, &cause) != 0)
		bench_die("ui", cause);
	ui_begin(u);
	ui_end(u);
	snprintf(extra, sizeof extra, ",\"screen\":\"%s\",\"target_ms\":300", first_screen);
	bench_pair("kiosk_first_frame_day_loaded", "once", first_ms,
	           "the screen opened and an empty frame drawn, no ledger", bench_now_ms() - t0, 0,
	           extra);
	ui_free(u);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
