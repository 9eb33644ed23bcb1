/* kiosk.c — wat-kiosk: the touchscreen program on the welcome table.
 *
 *   wat-kiosk --db FILE [--window WxH] [--rotate DEG] [--assets DIR] [--usb DIR]
 *             [--spool DIR] [--camera auto|DEV] [--frames PATH [--frames-fps N]]
 *             [--wedge auto|DEV] [--script FILE] [--no-sound] [--software]
 *
 * Sets up in order (screen, ledger thread, script), runs the loop, and
 * unwinds through one label. */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "kiosk_loop.h"
#include "kiosk_script.h"
#include "kiosk_send.h"
#include "kiosk_sync.h"
#include "kiosk_worker.h"
#include "print_cli.h"
#include "scan.h"
#include "screens.h"
#include "ui.h"
#include "util.h"

#define KIOSK_MIN_TARGET        48    /* px: a fingertip, the least a touch target may be */
#define KIOSK_SCRIPT_TIMEOUT_MS 15000 /* a request that takes longer fails the script */

static void
kiosk_usage(void)
{
	fprintf(stderr, "usage: wat-kiosk --db FILE [--window WxH] [--rotate 0|90|180|270]\n"
	                "                 [--assets DIR] [--usb DIR] [--spool DIR]\n"
	                "                 [--camera auto|DEV]\n"
	                "                 [--frames PATH [--frames-fps N]] [--wedge auto|DEV]\n"
	                "                 [--script FILE] [--sync-socket PATH]\n"
	                "                 [--no-sound] [--software] [--display2 auto|off|N]\n");
}

/* Hands the scan module's codes to the kiosk and keeps the status chip current. */
static void
kiosk_scan_poll(struct scan *sc, struct kiosk *k)
{
	struct scan_result res;
	struct scan_status st;
	const char *words;
	char chip[sizeof k->scanner_status];

	while (scan_poll(sc, &res) == 1)
		kiosk_scan(k, res.text);
	scan_status(sc, &st);
	words = scan_status_chip(&st);
	snprintf(chip, sizeof chip, "%s", words != NULL ? words : "");
	if (strcmp(chip, k->scanner_status) != 0) {
		memcpy(k->scanner_status, chip, sizeof chip);
		ui_invalidate(k->ui);
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"window", required_argument, NULL, 'w'},
	                                     {"rotate", required_argument, NULL, 'r'},
	                                     {"assets", required_argument, NULL, 'a'},
	                                     {"usb", required_argument, NULL, 'u'},
	                                     {"script", required_argument, NULL, 's'},
	                                     {"no-sound", no_argument, NULL, 'n'},
	                                     {"software", no_argument, NULL, 'S'},
	                                     {"camera", required_argument, NULL, 'c'},
	                                     {"frames", required_argument, NULL, 'f'},
	                                     {"wedge", required_argument, NULL, 'g'},
	                                     {"frames-fps", required_argument, NULL, 'F'},
	                                     {"spool", required_argument, NULL, 'p'},
	                                     {"display2", required_argument, NULL, 'D'},
	                                     {"sync-socket", required_argument, NULL, 'Y'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct scan_config scfg;
	struct scan *sc = NULL;
	struct ui_config cfg = {0, 0, 0, NULL, 1, 0};
	const char *db = NULL, *script_path = NULL, *usb = NULL, *assets_arg = NULL;
	const char *spool_arg = NULL, *sync_path = NULL;
	struct kiosk_sync *ks = NULL;
	struct kiosk_send *ksend = NULL;
	char *assets = NULL, *fonts = NULL, *spool = NULL, *cause = NULL;
	struct ui *u = NULL, *display = NULL;
	/* the walkers' display on a second output: "auto" when SDL reports one
	 * (not in script mode), "off", or the display's number */
	const char *display2 = "auto";
	struct kiosk_worker *w = NULL;
	struct kiosk_script *script = NULL;
	struct kiosk k;
	struct ui_event ev;
	uint64_t watchdog_us = 0;
	int64_t last_pet = 0, wait_until = 0, idle_since = 0;
	int c, rc = 1, ready = 0, kinit = 0, quit = 0;

	memset(&scfg, 0, sizeof scfg);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'w':
			if (sscanf(optarg, "%dx%d", &cfg.width, &cfg.height) != 2 ||
			    cfg.width < 100 || cfg.height < 100) {
				fprintf(stderr, "wat-kiosk: --window wants WxH, e.g. 800x480\n");
				return 2;
			}
			break;
		case 'r': cfg.rotation = atoi(optarg); break;
		case 'a': assets_arg = optarg; break;
		case 'u': usb = optarg; break;
		case 'p': spool_arg = optarg; break;
		case 'Y': sync_path = optarg; break;
		case 's': script_path = optarg; break;
		case 'n': cfg.sound = 0; break;
		case 'S': cfg.software = 1; break;
		case 'D': display2 = optarg; break;
		case 'c': scfg.camera = optarg; break;
		case 'f': scfg.frames = optarg; break;
		case 'g': scfg.wedge = optarg; break;
		case 'F': scfg.frames_fps = atoi(optarg); break;
		default: kiosk_usage(); return 2;
		}
	}
	if (db == NULL || optind != argc) {
		kiosk_usage();
		return 2;
	}
	if (script_path != NULL) {
		cfg.sound = 0;
		cfg.software = 1;
		if (cfg.width == 0)
			cfg.width = 800, cfg.height = 480;
		if (kiosk_script_open(script_path, &script, &cause) != 0)
			goto end;
	}
	/* as watctl finds them: --assets, $WAT_ASSETS, beside the program */
	if ((assets = print_cli_assets(assets_arg)) == NULL)
		assets = xstrdup("assets");
	fonts = xasprintf("%s/fonts", assets);
	cfg.font_dir = fonts;
	spool = print_cli_spool(spool_arg);
	/* a full USB stick's file-size limit must be a message, not a signal */
	signal(SIGXFSZ, SIG_IGN);

	if (ui_open(&cfg, &u, &cause) != 0)
		goto end;
	if (kiosk_worker_start(db, kiosk_wake, u, &w, &cause) != 0)
		goto end;
	/* wat-sync hands other stations' entries to the worker through it */
	if (sync_path != NULL && kiosk_sync_start(sync_path, w, &ks, &cause) != 0)
		goto end;
	if (script != NULL)
		ui_check(u, KIOSK_MIN_TARGET);
	kiosk_init(&k, u, w);
	kinit = 1;
	if (strcmp(display2, "off") != 0 &&
	    (strcmp(display2, "auto") != 0 || (script == NULL && ui_displays() > 1))) {
		int n = strcmp(display2, "auto") == 0 ? 1 : atoi(display2);
		char *why = NULL;

		/* a second screen that fails is no reason to stop the table */
		if (ui_open_display(u, n, &display, &why) != 0) {
			fprintf(stderr, "wat-kiosk: no walkers' display: %s\n", why);
			free(why);
		}
		k.display = display;
	}
	k.db_path = db;
	/* Send to HQ: HQ's answers wat-send left are recorded from the start */
	if (kiosk_send_start(w, db, kiosk_wake, u, &ksend, &cause) != 0)
		goto end;
	k.send = ksend;
	k.script = script != NULL;
	k.assets_dir = assets;
	k.spool_dir = spool;
	if (usb != NULL) {
		k.usb_dir = usb;
		k.usb_given = 1;
	}
	if (scfg.camera != NULL || scfg.frames != NULL || scfg.wedge != NULL) {
		scfg.wakeup = kiosk_wake;
		scfg.wakeup_arg = u;
		if ((sc = scan_new(&scfg, &cause)) == NULL)
			goto end;
	}
	if (sd_watchdog_enabled(0, &watchdog_us) <= 0)
		watchdog_us = 0;

	while (!quit) {
		if (sc != NULL)
			kiosk_scan_poll(sc, &k);
		kiosk_dispatch(&k);
		kiosk_tick(&k);
		kiosk_display_frame(&k);
		if (ui_dirty(u)) {
			kiosk_frame(&k);
			/* waiting for a held ledger is a live screen too: systemd
			 * would otherwise stop the kiosk after TimeoutStartSec */
			if (!ready && (k.screen != SCREEN_OPENING || k.msg[0] != '\0')) {
				sd_notify(0, "READY=1"); /* harmless without systemd */
				ready = 1;
			}
		}
		if (watchdog_us != 0 && k.now_ms - last_pet >= (int64_t)(watchdog_us / 2000)) {
			sd_notify(0, "WATCHDOG=1");
			last_pet = k.now_ms;
		}
		if (script == NULL) {
			/* a print job is followed by polling: look again soon */
			int timeout = kiosk_busy(&k) ? 100 : k.screen == SCREEN_RESULT ? 250 : 1000;
			if (ui_poll(u, ui_dirty(u) ? 0 : timeout, &ev)) {
				if (ev.type == UI_EV_QUIT)
					quit = 1;
				kiosk_handle(&k, &ev);
			}
			continue;
		}

		/* script mode: a command only when everything before it has settled */
		if (ui_poll(u, 0, &ev)) {
			if (ev.type == UI_EV_QUIT)
				quit = 1;
			kiosk_handle(&k, &ev);
			continue;
		}
		if (ui_dirty(u))
			continue;
		if (kiosk_worker_pending(w) > 0 || k.screen == SCREEN_OPENING || kiosk_busy(&k) ||
		    ui_input_pending(u)) {
			if (idle_since == 0)
				idle_since = k.now_ms;
			if (k.now_ms - idle_since > KIOSK_SCRIPT_TIMEOUT_MS) {
				util_fail(&cause,
				          "%s: the ledger (or a print or an export) did not finish "
				          "in %d s.",
				          script_path, KIOSK_SCRIPT_TIMEOUT_MS / 1000);
				goto end;
			}
			if (ui_poll(u, 20, &ev))
				kiosk_handle(&k, &ev);
			continue;
		}
		idle_since = 0;
		if (wait_until > k.now_ms) {
			/* in slices, so the ticks (timeouts, background jobs) run meanwhile */
			int64_t left = wait_until - k.now_ms;
			if (ui_poll(u, left < 100 ? (int)left : 100, &ev))
				kiosk_handle(&k, &ev);
			continue;
		}
		{
			int64_t wait_ms = 0;
			int s = kiosk_script_step(script, &k, &wait_ms, &cause);
			if (s < 0)
				goto end;
			if (s > 0)
				quit = 1;
			wait_until = wait_ms > 0 ? k.now_ms + wait_ms : 0;
		}
	}
	rc = 0;
end:
	if (cause != NULL) {
		fprintf(stderr, "wat-kiosk: %s\n", cause);
		free(cause);
	}
	scan_free(sc);       /* its threads wake the UI: stop them first */
	kiosk_sync_stop(ks); /* it calls the worker: before it */
	kiosk_send_stop(ksend);
	if (w != NULL)
		kiosk_worker_stop(w);
	if (kinit)
		kiosk_fini(&k);
	kiosk_script_free(script);
	ui_free(display);
	ui_free(u);
	free(spool);
	free(fonts);
	free(assets);
	return rc;
}
