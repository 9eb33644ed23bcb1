/* crash_ledger.c — power cuts at random instants of a walk day's writes.
 *
 * Walk days run through the ledger API (the code watctl and the kiosk call)
 * on a ledger opened through crashvfs: open, init, settings, a roster
 * import, check-in and lap scans, manual laps, donations, walk-ups,
 * annulments, restarts, a close-out, exports (their "export" entries), a
 * reopen and a late donation.  Before random I/O events the disk image a
 * power cut would leave is taken; after the step, each image is reopened with
 * the real unix VFS, checked with ledger_check (what `watctl check` runs)
 * and compared with what the API had acknowledged: every entry acknowledged
 * before the step there with the same hash, and the step's own entries all
 * there or none.  One crash in eight also cuts the power for real: the day
 * goes on from that image after a "reboot" (new boot id), so recovery and
 * the writes after it are crashed too.
 *
 *   crash_ledger [--crashes N] [--seed S] [--dir D] [--lie | --ack-before-commit]
 *                [--json] [--keep]
 *
 * Prints the counts; exits 0 when no acknowledged entry was lost and every
 * check passed, 1 otherwise.  Two ways to show it can fail, where it then
 * must report losses: --lie makes syncs durable nothing (a card that lies);
 * --ack-before-commit runs the day's scans and donations inside one open
 * transaction (ledger_batch_begin), so the API returns before any COMMIT. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "closeout.h"
#include "crashvfs.h"
#include "ledger.h"
#include "roster.h"
#include "strbuf.h"
#include "util.h"

#define OP "crash-test"

struct ack {
	int64_t seq;
	unsigned char hash[LEDGER_HASH_LEN];
};

struct acks {
	struct ack *v;
	size_t n, cap;
};

struct image {
	char dir[512];
	int torn;
	int acked; /* taken after the step returned: its entries are acknowledged */
};

struct run {
	/* options */
	size_t want;
	uint64_t seed;
	int lie, ack_early, json, keep;
	int in_batch; /* --ack-before-commit: the day's batch is open (again after a reboot) */
	double p_crash, p_ack;
	/* folders */
	char root[256], live[300], db[320], usb[300], keys[300], copy[300], check[300];
	/* the day */
	struct ledger *l;
	struct stamp now;
	unsigned boots;
	struct acks acked;
	struct badge_event key;
	int have_key;
	int64_t *donations; /* acknowledged donations in force, to annul */
	size_t ndonations;
	uint64_t rng;
	const char *step;
	size_t day;
	/* images taken during the step */
	struct image *pend;
	size_t npend;
	int reboot;
	struct image reboot_img;
	size_t nimg;
	/* counts */
	size_t crashes, crash_acked, torn, reboots, acked_verified, inflight_in, inflight_out,
	    steps;
	size_t events[CRASHVFS_NEVENTS], crash_at[CRASHVFS_NEVENTS];
	size_t lost, check_failed, partial, key_changed, step_failed;
	struct crashvfs_image_stats ist;
	char first[1024];
};

static const char *const event_names[CRASHVFS_NEVENTS] = {"write", "sync", "truncate", "delete",
                                                          "create"};

static void
fail(struct run *r, size_t *counter, const char *fmt, ...)
{
	va_list ap;
	char msg[768];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(*counter)++;
	if (r->first[0] == '\0')
		snprintf(r->first, sizeof r->first, "day %zu, step \"%s\" (seed %" PRIu64 "): %s",
		         r->day, r->step ? r->step : "?", r->seed, msg);
	if (r->lost + r->check_failed + r->partial + r->key_changed + r->step_failed <= 5)
		fprintf(stderr, "crash_ledger: day %zu, step \"%s\": %s\n", r->day,
		        r->step ? r->step : "?", msg);
}

static uint64_t
rnd(struct run *r, uint64_t n)
{
	return crashvfs_rand(&r->rng) % n;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void
rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Copies the files of folder from into folder to (made when missing). */
static int
copy_dir(const char *from, const char *to)
{
	struct dirent *de;
	DIR *d = opendir(from);
	int rc = 0;

	if (d == NULL)
		return -1;
	mkdir(to, 0700);
	while ((de = readdir(d)) != NULL) {
		char *a, *b, *data = NULL, *cause = NULL;
		size_t len = 0;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		a = xasprintf("%s/%s", from, de->d_name);
		b = xasprintf("%s/%s", to, de->d_name);
		if (util_read_file(a, (size_t)1 << 30, &data, &len, &cause) != 0 ||
		    (f = fopen(b, "wb")) == NULL)
			rc = -1;
		else {
			if (fwrite(data, 1, len, f) != len)
				rc = -1;
			if (fclose(f) != 0)
				rc = -1;
		}
		free(cause);
		free(data);
		free(b);
		free(a);
	}
	closedir(d);
	return rc;
}

static void
clock_now(struct stamp *st, void *arg)
{
	*st = ((struct run *)arg)->now;
}

static void
new_boot(struct run *r)
{
	r->boots++;
	snprintf(r->now.boot, sizeof r->now.boot, "00000000-0000-4000-8000-%012x", r->boots);
	r->now.mono_ms = 20000; /* the monotonic clock starts again at a boot */
}

/* ---- what was acknowledged ------------------------------------------------ */

static int
collect_cb(const struct ledger_entry *e, void *arg)
{
	struct acks *a = arg;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n].seq = e->seq;
	memcpy(a->v[a->n].hash, e->hash, LEDGER_HASH_LEN);
	a->n++;
	return 0;
}

/* Everything the ledger holds past what we know: the API said it is committed. */
static int
collect(struct run *r, char **cause)
{
	int64_t from = r->acked.n ? r->acked.v[r->acked.n - 1].seq + 1 : 1;

	return ledger_entries(r->l, from, collect_cb, &r->acked, cause);
}

/* ---- an image: reopened with the real VFS, checked, compared ------------- */

static void
verify(struct run *r, const char *dir, size_t before, long after)
{
	struct acks got = {NULL, 0, 0};
	struct ledger *l = NULL;
	struct badge_event key;
	char *path = xasprintf("%s/station.db", dir), *cause = NULL;
	size_t i, bad0 = r->lost + r->check_failed + r->partial + r->key_changed;
	struct stat sb;

	crashvfs_default(0);
	if (stat(path, &sb) != 0) {
		if (before > 0)
			fail(r, &r->lost,
			     "after a crash there is no ledger file: %zu acknowledged "
			     "entries lost",
			     before);
		goto end;
	}
	if (ledger_open(path, &l, &cause) != 0) {
		fail(r, &r->check_failed, "the ledger does not open after a crash: %s", cause);
		goto end;
	}
	if (ledger_check(l, &cause) != 0) {
		fail(r, &r->check_failed, "check fails after a crash: %s", cause);
		goto end;
	}
	if (ledger_entries(l, 1, collect_cb, &got, &cause) != 0) {
		fail(r, &r->check_failed, "the entries cannot be read after a crash: %s", cause);
		goto end;
	}
	if (got.n < before) {
		fail(r, &r->lost, "%zu of %zu acknowledged entries lost (the ledger ends at %zu)",
		     before - got.n, before, got.n);
		goto end;
	}
	for (i = 0; i < before; i++)
		if (memcmp(got.v[i].hash, r->acked.v[i].hash, LEDGER_HASH_LEN) != 0) {
			fail(r, &r->lost, "acknowledged entry %" PRId64 " differs after a crash",
			     r->acked.v[i].seq);
			goto end;
		}
	if (after >= 0) {
		/* the step's own entries: all of them or none */
		if (got.n != before && got.n != (size_t)after) {
			fail(r, &r->partial,
			     "%zu of the step's %zu entries survived: a transaction was cut",
			     got.n - before, (size_t)after - before);
			goto end;
		}
		for (i = before; i < got.n; i++)
			if (memcmp(got.v[i].hash, r->acked.v[i].hash, LEDGER_HASH_LEN) != 0) {
				fail(r, &r->partial, "entry %zu differs from the one written",
				     i + 1);
				goto end;
			}
		if ((size_t)after > before)
			got.n == before ? r->inflight_out++ : r->inflight_in++;
	}
	if (r->have_key && before > 0 &&
	    (ledger_badge_key(l, &key, &cause) != 0 ||
	     memcmp(key.key, r->key.key, sizeof key.key) != 0)) {
		fail(r, &r->key_changed, "the event's badge key is not the one in use");
		goto end;
	}
	r->acked_verified += before;
end:
	ledger_free(l);
	crashvfs_default(1);
	if (r->keep && r->lost + r->check_failed + r->partial + r->key_changed != bad0) {
		char *kept = xasprintf("%s-failed-%zu", r->root, r->nimg);

		rename(dir, kept);
		fprintf(stderr, "crash_ledger: the image is kept in %s\n", kept);
		free(kept);
	} else
		rm_tree(dir);
	free(got.v);
	free(cause);
	free(path);
}

/* ---- the crash points ----------------------------------------------------- */

static int
chance(struct run *r, double p)
{
	return r->crashes < r->want && (double)(crashvfs_rand(&r->rng) >> 11) * 0x1p-53 < p;
}

/* The disk as a power cut now would leave it, into a new folder. */
static int
take_image(struct run *r, struct image *img)
{
	char *cause = NULL;

	r->crashes++;
	img->torn = (int)rnd(r, 2);
	img->acked = 0;
	r->torn += (size_t)img->torn;
	snprintf(img->dir, sizeof img->dir, "%s/img-%zu", r->root, r->nimg++);
	if (mkdir(img->dir, 0700) != 0 ||
	    crashvfs_image(img->dir, img->torn, &r->rng, &r->ist, &cause) != 0) {
		fail(r, &r->check_failed, "the image could not be made: %s",
		     cause ? cause : strerror(errno));
		free(cause);
		return -1;
	}
	return 0;
}

static void
hook(enum crashvfs_event ev, void *arg)
{
	struct run *r = arg;
	struct image img;

	r->events[ev]++;
	if (!chance(r, r->p_crash))
		return;
	r->crash_at[ev]++;
	if (take_image(r, &img) != 0)
		return;
	if (!r->reboot && rnd(r, 8) == 0) {
		/* the power goes off here: the rest of the step fails */
		r->reboot = 1;
		r->reboot_img = img;
		r->reboots++;
		crashvfs_kill();
		return;
	}
	r->pend = xrealloc(r->pend, (r->npend + 1) * sizeof *r->pend);
	r->pend[r->npend++] = img;
}

/* ---- steps ---------------------------------------------------------------- */

typedef int (*step_fn)(struct run *, char **);

static void reboot(struct run *r);
static int do_open(struct run *r, char **cause);

/* Runs one step, then checks every image taken during it. */
static void
step(struct run *r, const char *name, step_fn fn)
{
	size_t before = r->acked.n, i;
	char *cause = NULL;
	int rc;

	r->step = name;
	if (r->l == NULL && fn != do_open)
		return; /* the ledger did not open: already reported */
	r->steps++;
	r->now.wall_ms += 20000 + (int64_t)rnd(r, 60000);
	r->now.mono_ms += 20000 + (int64_t)rnd(r, 60000);
	rc = fn(r, &cause);
	if (rc != 0 && !r->reboot)
		fail(r, &r->step_failed, "the step failed with no crash: %s", cause);
	free(cause);
	cause = NULL;
	if (rc == 0 && r->l != NULL && collect(r, &cause) != 0) {
		fail(r, &r->step_failed, "the entries cannot be read: %s", cause);
		free(cause);
	}
	/* the instant after the acknowledgement, the one that matters most */
	if (rc == 0 && !r->reboot && chance(r, r->p_ack)) {
		struct image img;

		r->crash_acked++;
		if (take_image(r, &img) == 0) {
			img.acked = 1;
			r->pend = xrealloc(r->pend, (r->npend + 1) * sizeof *r->pend);
			r->pend[r->npend++] = img;
		}
	}
	for (i = 0; i < r->npend; i++) {
		if (r->pend[i].acked)
			verify(r, r->pend[i].dir, r->acked.n, -1);
		else
			verify(r, r->pend[i].dir, before,
			       rc == 0 && !r->reboot ? (long)r->acked.n : -1);
	}
	r->npend = 0;
	if (r->reboot)
		reboot(r);
}

static int
do_open(struct run *r, char **cause)
{
	if (ledger_open(r->db, &r->l, cause) != 0)
		return -1;
	ledger_set_clock(r->l, clock_now, r);
	return 0;
}

static int
do_restart(struct run *r, char **cause)
{
	ledger_free(r->l); /* a clean stop: checkpoint, and the WAL is deleted */
	r->l = NULL;
	return do_open(r, cause);
}

/* The last step of a day: the station is shut down cleanly. */
static int
do_shutdown(struct run *r, char **cause)
{
	ledger_free(r->l);
	r->l = NULL;
	return 0;
}

/* The power came back: the disk is the image; the station starts again. */
static void
reboot(struct run *r)
{
	char *cause = NULL;

	while (r->reboot) {
		r->reboot = 0;
		ledger_free(r->l);
		r->l = NULL;
		crashvfs_disarm();
		/* check a copy; the day goes on from the image itself */
		rm_tree(r->check);
		if (copy_dir(r->reboot_img.dir, r->check) != 0)
			fail(r, &r->check_failed, "the image cannot be copied");
		verify(r, r->check, r->acked.n, -1);
		rm_tree(r->live);
		if (rename(r->reboot_img.dir, r->live) != 0 || crashvfs_arm(r->live, &cause) != 0) {
			fail(r, &r->check_failed, "cannot start again from the image: %s",
			     cause ? cause : strerror(errno));
			free(cause);
			exit(2);
		}
		crashvfs_lie(r->lie);
		crashvfs_hook(hook, r);
		new_boot(r);
		step(r, "start after a power cut", do_open);
		/* --ack-before-commit: the rest of the day is acknowledged early
		 * too, so every cut in it can show a loss (not only the first) */
		if (r->in_batch && r->l != NULL && !r->reboot)
			ledger_batch_begin(r->l, NULL);
		/* a crash while starting again: round we go */
	}
}

static int
do_init(struct run *r, char **cause)
{
	struct ledger_init in = {
	    "Walk Against Traffick", "Jackson", "2026-05-02", "T1", 500000, NULL};

	if (ledger_init_event(r->l, &in, OP, cause) != 0 ||
	    ledger_badge_key(r->l, &r->key, cause) != 0)
		return -1;
	r->have_key = 1;
	return 0;
}

static int
do_lap_length(struct run *r, char **cause)
{
	return ledger_set(r->l, "lap-length", "400m", OP, cause);
}

static int
do_min_lap(struct run *r, char **cause)
{
	return ledger_set(r->l, "min-lap", "20", OP, cause);
}

static int
do_holdoff(struct run *r, char **cause)
{
	return ledger_set(r->l, "holdoff", "5", OP, cause);
}

static int
do_goal(struct run *r, char **cause)
{
	char goal[32];

	snprintf(goal, sizeof goal, "%u", 1000 + (unsigned)rnd(r, 9000));
	return ledger_set(r->l, "goal", goal, OP, cause);
}

static int
do_roster(struct run *r, char **cause)
{
	struct strbuf csv = STRBUF_INIT;
	struct roster *ro = NULL;
	struct ledger_import res;
	int rc, i;

	strbuf_puts(&csv, "name,team,email,id\n");
	for (i = 0; i < 25; i++)
		strbuf_printf(&csv, "Walker %d of day %zu,Team %d,w%d@example.org,R-%d\n", i,
		              r->day, i % 4, i, i);
	rc = roster_parse(csv.s, csv.len, &ro, cause) == 0 &&
	             ledger_roster_import(r->l, ro, OP, &res, cause) == 0
	         ? 0
	         : -1;
	roster_free(ro);
	strbuf_free(&csv);
	return rc;
}

static int64_t
walkers(struct run *r)
{
	struct ledger_totals t;

	return ledger_totals(r->l, &t, NULL) == 0 ? t.walkers : 0;
}

static uint32_t
some_walker(struct run *r)
{
	int64_t n = walkers(r);

	return n < 1 ? 1 : (uint32_t)(1 + rnd(r, (uint64_t)n));
}

static int
scan(struct run *r, int role, char **cause)
{
	char code[BADGE_CODE_MAX];
	struct ledger_scan s;

	if (ledger_badge_code(r->l, some_walker(r), code, sizeof code, cause) != 0)
		return -1;
	return ledger_scan(r->l, code, strlen(code), role, OP, &s, cause);
}

static int
do_scan_in(struct run *r, char **cause)
{
	return scan(r, RULES_ROLE_WELCOME, cause);
}

static int
do_scan_lap(struct run *r, char **cause)
{
	return scan(r, RULES_ROLE_LAP, cause);
}

static int
do_lap(struct run *r, char **cause)
{
	struct ledger_scan s;

	return ledger_lap(r->l, some_walker(r), OP, &s, cause);
}

static int
do_checkin(struct run *r, char **cause)
{
	struct ledger_scan s;

	return ledger_checkin(r->l, some_walker(r), OP, &s, cause);
}

static int
do_walkup(struct run *r, char **cause)
{
	char name[64];
	uint32_t id;

	snprintf(name, sizeof name, "Walk-up %zu", r->steps);
	return ledger_walker_add(r->l, name, rnd(r, 2) ? "Grace Church" : NULL, NULL, NULL, NULL,
	                         OP, &id, cause);
}

static int
do_donate(struct run *r, char **cause)
{
	static const char *const donors[] = {"Ann Lee", "Bob Ray", NULL, "María López"};
	enum rules_method m = (enum rules_method)rnd(r, 3);
	char check[16];
	int64_t seq;

	if (ledger_closed(r->l, NULL) == 1)
		return 0;
	snprintf(check, sizeof check, "%u", 1000 + (unsigned)rnd(r, 9000));
	if (ledger_donate(r->l, some_walker(r), 100 * (int64_t)(1 + rnd(r, 100)), m,
	                  m == RULES_CHECK ? check : NULL, donors[rnd(r, 4)], OP, &seq, cause) != 0)
		return -1;
	r->donations = xrealloc(r->donations, (r->ndonations + 1) * sizeof *r->donations);
	r->donations[r->ndonations++] = seq;
	return 0;
}

static int
do_annul(struct run *r, char **cause)
{
	size_t i;
	int64_t seq;

	if (r->ndonations == 0 || ledger_closed(r->l, NULL) == 1)
		return 0;
	i = (size_t)rnd(r, r->ndonations);
	seq = r->donations[i];
	r->donations[i] = r->donations[--r->ndonations];
	return ledger_annul(r->l, seq, "entered twice", OP, RULES_COORDINATOR, NULL, NULL, cause);
}

static int
do_closeout(struct run *r, char **cause)
{
	struct closeout_expected e;
	struct closeout_result res;
	struct closeout_count c = {0, NULL, -1, -1, {"Ann Lee", "Bob Ray"}, NULL};
	int rc;

	if (r->ack_early && r->in_batch) {
		ledger_batch_end(r->l, 1, NULL);
		r->in_batch = 0;
	}
	if (ledger_closed(r->l, NULL) == 1)
		return 0;
	if (closeout_expected(r->l, &e, cause) != 0)
		return -1;
	c.cash_cents = e.cash_cents;
	closeout_expected_free(&e);
	rc = closeout_record(r->l, &c, OP, &res, cause);
	if (rc == 0)
		closeout_result_free(&res);
	return rc;
}

static int
do_reopen(struct run *r, char **cause)
{
	int64_t seq;

	if (ledger_closed(r->l, NULL) != 1)
		return 0;
	return closeout_reopen(r->l, "a late donation", OP, &seq, cause);
}

static int
do_export(struct run *r, char **cause)
{
	struct bundle_export_opts o = {r->usb, r->keys, r->copy, OP, NULL, 0};
	struct bundle_export_result res;
	int rc = bundle_export(r->l, &o, &res, cause);

	bundle_export_result_clear(&res);
	return rc;
}

/* One walk day, from an empty folder to a second export. */
static void
day(struct run *r)
{
	static const struct {
		const char *name;
		step_fn fn;
		unsigned weight;
	} mix[] = {
	    {"check-in scan", do_scan_in, 14}, {"lap scan", do_scan_lap, 34},
	    {"manual lap", do_lap, 6},         {"manual check-in", do_checkin, 3},
	    {"donation", do_donate, 16},       {"walk-up", do_walkup, 6},
	    {"annulment", do_annul, 3},        {"restart", do_restart, 2},
	    {"goal changed", do_goal, 1},
	};
	unsigned total = 0, pick;
	size_t i, k, n;
	char *cause = NULL;

	r->day++;
	snprintf(r->live, sizeof r->live, "%s/live", r->root);
	snprintf(r->db, sizeof r->db, "%s/station.db", r->live);
	snprintf(r->check, sizeof r->check, "%s/check", r->root);
	snprintf(r->usb, sizeof r->usb, "%s/usb", r->root);
	snprintf(r->keys, sizeof r->keys, "%s/keys", r->root);
	snprintf(r->copy, sizeof r->copy, "%s/exports", r->root);
	rm_tree(r->live);
	rm_tree(r->usb);
	rm_tree(r->copy);
	if (mkdir(r->live, 0700) != 0 || mkdir(r->usb, 0700) != 0 ||
	    crashvfs_arm(r->live, &cause) != 0) {
		fprintf(stderr, "crash_ledger: cannot set up %s: %s\n", r->live,
		        cause ? cause : strerror(errno));
		exit(2);
	}
	crashvfs_lie(r->lie);
	crashvfs_hook(hook, r);
	r->acked.n = 0;
	r->in_batch = 0;
	r->have_key = 0;
	r->ndonations = 0;
	r->now.wall_ms = 1777723200000LL; /* 2026-05-02 12:00 UTC */
	new_boot(r);

	step(r, "open a new ledger", do_open);
	if (r->l == NULL)
		step(r, "open a new ledger", do_open); /* the power went off while making it */
	/* what the rest of the day needs is done again until it took */
	for (k = 0; k < 50 && r->l != NULL && !ledger_has_event(r->l); k++)
		step(r, "init", do_init);
	step(r, "lap length", do_lap_length);
	step(r, "minimum lap time", do_min_lap);
	step(r, "scan hold-off", do_holdoff);
	for (k = 0; k < 50 && r->l != NULL && walkers(r) == 0; k++)
		step(r, "roster import", do_roster);
	/* --ack-before-commit: the day's calls return inside one open transaction */
	if (r->ack_early && r->l != NULL) {
		ledger_batch_begin(r->l, NULL);
		r->in_batch = 1;
	}
	for (i = 0; i < nitems(mix); i++)
		total += mix[i].weight;
	n = 60 + (size_t)rnd(r, 60);
	for (k = 0; k < n; k++) {
		pick = (unsigned)rnd(r, total);
		for (i = 0; pick >= mix[i].weight; i++)
			pick -= mix[i].weight;
		step(r, mix[i].name, mix[i].fn);
	}
	step(r, "close-out", do_closeout);
	step(r, "export", do_export);
	step(r, "reopen", do_reopen);
	step(r, "late donation", do_donate);
	step(r, "close-out again", do_closeout);
	step(r, "second export", do_export);
	step(r, "restart", do_restart);
	step(r, "shutdown", do_shutdown);
	crashvfs_hook(NULL, NULL);
	ledger_free(r->l); /* NULL unless the power went off at the very end */
	r->l = NULL;
	crashvfs_disarm();
}

static void
usage(void)
{
	fputs(
	    "usage: crash_ledger [--crashes N] [--seed S] [--dir D] [--lie | --ack-before-commit] "
	    "[--json] [--keep]\n",
	    stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct run r;
	const char *base = NULL;
	char *cause = NULL;
	struct timespec t0, t1;
	double secs;
	int i, bad;
	size_t e;

	memset(&r, 0, sizeof r);
	r.want = 500;
	r.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	r.p_crash = 0.05;
	r.p_ack = 0.1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--crashes") == 0 && i + 1 < argc)
			r.want = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			r.seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			base = argv[++i];
		else if (strcmp(argv[i], "--lie") == 0)
			r.lie = 1;
		else if (strcmp(argv[i], "--ack-before-commit") == 0)
			r.ack_early = 1;
		else if (strcmp(argv[i], "--json") == 0)
			r.json = 1;
		else if (strcmp(argv[i], "--keep") == 0)
			r.keep = 1;
		else
			usage();
	}
	r.rng = r.seed;
	/* tmpfs when there is one: the images are reopened with the real VFS,
	 * whose fsyncs cost nothing there */
	if (base == NULL)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(r.root, sizeof r.root, "%s/wat-crash-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(r.root) == NULL) {
		fprintf(stderr, "crash_ledger: cannot make %s: %s\n", r.root, strerror(errno));
		return 2;
	}
	if (crashvfs_install(&cause) != 0) {
		fprintf(stderr, "crash_ledger: %s\n", cause);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r.crashes < r.want)
		day(&r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	rm_tree(r.root);

	bad = r.lost + r.check_failed + r.partial + r.key_changed + r.step_failed > 0;
	if (r.json) {
		printf("{\"bench\":\"crash_ledger\",\"crashes\":%zu,\"after_ack\":%zu,\"torn\":%zu,"
		       "\"reboots\":%zu,"
		       "\"walk_days\":%zu,\"steps\":%zu,\"acked_entries_verified\":%zu,"
		       "\"inflight_committed\":%zu,\"inflight_rolled_back\":%zu,\"lost\":%zu,"
		       "\"check_failed\":%zu,\"partial\":%zu,\"key_changed\":%zu,"
		       "\"step_failed\":%zu,\"seed\":%" PRIu64 ",\"seconds\":%.1f}\n",
		       r.crashes, r.crash_acked, r.torn, r.reboots, r.day, r.steps,
		       r.acked_verified, r.inflight_in, r.inflight_out, r.lost, r.check_failed,
		       r.partial, r.key_changed, r.step_failed, r.seed, secs);
	} else {
		printf("%zu simulated power cuts in %zu walk days (%zu steps, seed %" PRIu64
		       ", %.1f s): %zu torn, %zu with a reboot that went on from the image\n",
		       r.crashes, r.day, r.steps, r.seed, secs, r.torn, r.reboots);
		printf("crash points: just after an acknowledgement %zu/%zu;", r.crash_acked,
		       r.steps);
		for (e = 0; e < CRASHVFS_NEVENTS; e++)
			printf(" %s %zu/%zu", event_names[e], r.crash_at[e], r.events[e]);
		printf("\nunsynced sectors: %zu dropped, %zu kept, %zu garbage; unsynced names "
		       "undone: %zu; -shm files: %zu\n",
		       r.ist.dropped, r.ist.kept, r.ist.garbage, r.ist.names_undone, r.ist.shm);
		printf("acknowledged entries verified: %zu; the step in flight: committed %zu "
		       "times, rolled back %zu times\n",
		       r.acked_verified, r.inflight_in, r.inflight_out);
		printf("lost: %zu, check failed: %zu, transaction cut: %zu, key changed: %zu, "
		       "step failed: %zu\n",
		       r.lost, r.check_failed, r.partial, r.key_changed, r.step_failed);
	}
	if (bad)
		fprintf(stderr, "crash_ledger: FAILED: %s\n", r.first);
	free(r.acked.v);
	free(r.pend);
	free(r.donations);
	return bad ? 1 : 0;
}
