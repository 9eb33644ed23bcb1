/* crash_files.c — power cuts while files are written whole: util_write_file
 * and its users (the station key, event packs, bundles and their .minisig,
 * on the USB stick and in the station's own copy).
 *
 * Each case runs the real function under crashfs (the file system calls
 * wrapped, see crashfs.h).  Before every call it makes under its folder, and
 * once more after it returned, the disk a power cut would leave is computed
 * (everything unsynced dropped, and 16 torn variants); in each, every file
 * the case writes must be the old one (or absent when there was none) or
 * the new one, byte for byte: never a mix, never empty; and once the
 * function returned success, the new one.  A bundle's zip on a disk never
 * comes without its .minisig.  A failing folder fsync is injected too; and a
 * naive writer (truncate and write in place) must be caught.
 *
 *   crash_files [--seed S] [--json]        exits 0 when every case holds */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "crashfs.h"
#include "event_pack.h"
#include "ledger.h"
#include "sign.h"
#include "util.h"

#define TORN_PER_POINT 16
#define MAX_TARGETS    5

struct obs {
	int present;
	unsigned char *data;
	size_t len;
	int after;        /* taken after the function returned */
	int torn;         /* 0: everything unsynced dropped */
	const char *call; /* the call the power was cut before; NULL: after it */
	char on[64];      /* the last part of its path */
	int live;         /* no power cut: the files as they are */
};

struct target {
	char path[512];
	int old_present;
	unsigned char *old;
	size_t old_len;
	const unsigned char *want; /* what the function writes, when known beforehand */
	size_t want_len;
	struct obs *v;
	size_t n;
	int pair; /* index of the file that must be there whenever this one is new; -1 none */
};

struct fcase {
	const char *name;
	int expect_bad; /* the naive writer: the checks must object */
	struct target t[MAX_TARGETS];
	size_t nt;
	size_t points, images, torn, bad;
	char first[512];
};

static uint64_t rng;
static size_t total_points, total_images, total_torn, cases_failed;
static char base[256];
static const char *json;

static void
die(const char *what, const char *cause)
{
	fprintf(stderr, "crash_files: %s: %s\n", what, cause ? cause : strerror(errno));
	exit(2);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void
put_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die(path, NULL);
}

static unsigned char *
pattern(size_t len, unsigned char seed)
{
	unsigned char *p = xmalloc(len ? len : 1);
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed + i * 7 + i / 509);
	return p;
}

static void
target_add(struct fcase *c, const char *path, const void *old, size_t old_len, int old_present)
{
	struct target *t = &c->t[c->nt++];

	memset(t, 0, sizeof *t);
	snprintf(t->path, sizeof t->path, "%s", path);
	t->old_present = old_present;
	if (old_present) {
		t->old = xmalloc(old_len ? old_len : 1);
		memcpy(t->old, old, old_len);
		t->old_len = old_len;
		put_file(path, old, old_len);
	}
	t->pair = -1;
}

static void
observe(struct fcase *c, const struct crashfs_image *img, int after, int torn, const char *call,
        const char *path)
{
	const char *last = path ? strrchr(path, '/') : NULL;

	size_t i;

	for (i = 0; i < c->nt; i++) {
		struct target *t = &c->t[i];
		struct obs *o;

		t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
		o = &t->v[t->n++];
		memset(o, 0, sizeof *o);
		o->after = after;
		o->torn = torn;
		o->call = call;
		snprintf(o->on, sizeof o->on, "%s", last ? last + 1 : "");
		if (img != NULL)
			o->present = crashfs_image_file(img, t->path, &o->data, &o->len);
		else { /* no power cut: what the files are now */
			o->live = 1;
			o->present = util_read_file(t->path, (size_t)1 << 28, (char **)&o->data,
			                            &o->len, NULL) == 0;
		}
	}
}

/* Power cuts now: everything unsynced dropped, and torn variants. */
static void
cut(struct fcase *c, int after, const char *call, const char *path)
{
	int k;

	c->points++;
	for (k = 0; k <= TORN_PER_POINT; k++) {
		struct crashfs_image *img = crashfs_crash(k > 0, &rng);

		observe(c, img, after, k > 0, call, path);
		crashfs_image_free(img);
		c->images++;
		c->torn += k > 0;
	}
}

static void
hook(const char *call, const char *path, void *arg)
{
	cut(arg, 0, call, path);
}

static int
same(const struct obs *o, const unsigned char *data, size_t len)
{
	return o->len == len && memcmp(o->data, data, len) == 0;
}

static void
bad(struct fcase *c, const struct target *t, const struct obs *o, const char *what)
{
	c->bad++;
	if (c->first[0] == '\0')
		snprintf(c->first, sizeof c->first, "%s %s (%s%s%s%s%s%s)",
		         t->path + strlen(base) + 1, what,
		         o->live   ? "with no power cut"
		         : o->call ? "a power cut before "
		                   : "a power cut after the function returned",
		         o->call ? o->call : "", o->call ? "(" : "", o->call ? o->on : "",
		         o->call ? ")" : "", o->torn ? ", torn writes" : "");
}

/* Every observation: old or new, never a mix; new once acknowledged. */
static void
check(struct fcase *c, int rc)
{
	size_t i, j;

	for (i = 0; i < c->nt; i++) {
		struct target *t = &c->t[i];
		unsigned char *nw = NULL;
		size_t nlen = 0;
		int has_new = rc == 0 && util_read_file(t->path, (size_t)1 << 28, (char **)&nw,
		                                        &nlen, NULL) == 0;

		if (rc != 0 && t->want != NULL) { /* a failed write may still have landed */
			nw = xmalloc(t->want_len ? t->want_len : 1);
			memcpy(nw, t->want, t->want_len);
			nlen = t->want_len;
			has_new = 1;
		} else if (rc != 0) /* or what the failed function left */
			has_new = util_read_file(t->path, (size_t)1 << 28, (char **)&nw, &nlen,
			                         NULL) == 0;

		if (rc == 0 && !has_new)
			bad(c, t, &t->v[t->n - 1], "is missing though the function succeeded");
		for (j = 0; j < t->n; j++) {
			const struct obs *o = &t->v[j];
			int is_old = t->old_present ? o->present && same(o, t->old, t->old_len)
			                            : !o->present;
			int is_new = has_new && o->present && same(o, nw, nlen);

			if (o->after && rc == 0 && !is_new)
				bad(c, t, o,
				    !o->present ? "is gone after it was written and acknowledged"
				    : is_old ? "is the old one after the new one was acknowledged"
				             : "is damaged after it was written and acknowledged");
			else if (!is_old && !is_new)
				bad(c, t, o,
				    !o->present   ? "is gone: neither the old one nor the new one"
				    : o->len == 0 ? "is an empty file"
				                  : "is a mix of old and new bytes");
			if (t->pair >= 0 && is_new && !c->t[t->pair].v[j].present)
				bad(c, t, o, "is there without its signature");
		}
		free(nw);
	}
}

static void
finish(struct fcase *c, int rc, int expect_rc)
{
	size_t i, j;
	int ok;

	crashfs_hook(NULL, NULL);
	cut(c, 1, NULL, NULL);
	observe(c, NULL, 1, 0, NULL, NULL); /* and with no power cut at all */
	crashfs_disarm();
	if ((rc == 0) != (expect_rc == 0)) {
		c->bad++;
		snprintf(c->first, sizeof c->first, "the function returned %d, not %d", rc,
		         expect_rc);
	}
	check(c, rc);
	ok = c->expect_bad ? c->bad > 0 : c->bad == 0;
	if (!ok)
		cases_failed++;
	total_points += c->points;
	total_images += c->images;
	total_torn += c->torn;
	if (json == NULL)
		printf("%-4s %s: %zu crash points, %zu images (%zu torn): %s%s%s\n",
		       ok ? "ok" : "FAIL", c->name, c->points, c->images, c->torn,
		       c->bad ? "" : "old or new every time", c->bad ? c->first : "",
		       c->expect_bad ? (c->bad ? " (caught, as it must be)" : " (NOT caught)")
		                     : "");
	for (i = 0; i < c->nt; i++) {
		for (j = 0; j < c->t[i].n; j++)
			free(c->t[i].v[j].data);
		free(c->t[i].v);
		free(c->t[i].old);
	}
}

/* A fresh folder tree for a case: root/usb, root/station. */
static void
fresh(char *root, size_t len)
{
	static int n;
	char *p;

	snprintf(root, len, "%s/case-%d", base, n++);
	if (mkdir(root, 0700) != 0)
		die(root, NULL);
	p = xasprintf("%s/usb", root);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/station", root);
	mkdir(p, 0700);
	free(p);
}

static void
arm(struct fcase *c, const char *root)
{
	char *cause = NULL;

	if (crashfs_arm(root, &cause) != 0)
		die("arm", cause);
	crashfs_hook(hook, c);
}

/* ---- the cases ------------------------------------------------------------ */

static void
case_write(const char *name, size_t old_len, int old_present, size_t new_len, const char *fail,
           int fail_err)
{
	struct fcase c = {.name = name};
	unsigned char *old = pattern(old_len, 'A'), *nw = pattern(new_len, 'n');
	char root[300], *dir, *path, *cause = NULL;
	int rc;

	fresh(root, sizeof root);
	dir = xasprintf("%s/usb", root);
	path = xasprintf("%s/file.bin", dir);
	target_add(&c, path, old, old_len, old_present);
	c.t[0].want = nw;
	c.t[0].want_len = new_len;
	arm(&c, root);
	if (fail != NULL)
		crashfs_fail(fail, NULL, 0, fail_err);
	rc = util_write_file(dir, "file.bin", nw, new_len, 0644, &cause);
	finish(&c, rc, fail != NULL ? -1 : 0);
	free(cause);
	free(path);
	free(dir);
	free(nw);
	free(old);
}

/* What util_write_file replaces: truncate the file and write it in place. */
static int
naive_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = fd >= 0 && write(fd, data, len) == (ssize_t)len ? 0 : -1;

	if (fd >= 0)
		close(fd);
	return rc;
}

static void
case_naive(void)
{
	struct fcase c = {.name = "a naive writer (truncate, write in place, no fsync)",
	                  .expect_bad = 1};
	unsigned char *old = pattern(3000, 'A'), *nw = pattern(5000, 'n');
	char root[300], *path;

	fresh(root, sizeof root);
	path = xasprintf("%s/usb/file.bin", root);
	target_add(&c, path, old, 3000, 1);
	arm(&c, root);
	finish(&c, naive_write(path, nw, 5000), 0);
	free(path);
	free(nw);
	free(old);
}

static void
case_key(void)
{
	struct fcase c = {.name = "the station key, made in a new key folder (sign_key_open)"};
	struct sign_key *k = NULL;
	char root[300], *dir, *key, *pub, *cause = NULL;
	int rc;

	fresh(root, sizeof root);
	dir = xasprintf("%s/station/keys", root);
	key = xasprintf("%s/station.key", dir);
	pub = xasprintf("%s/station.pub", dir);
	target_add(&c, key, NULL, 0, 0);
	target_add(&c, pub, NULL, 0, 0);
	arm(&c, root);
	rc = sign_key_open(dir, &k, &cause);
	finish(&c, rc, 0);
	if (rc != 0)
		fprintf(stderr, "crash_files: %s\n", cause);
	sign_key_free(k);
	free(cause);
	free(pub);
	free(key);
	free(dir);
}

static struct ledger *
make_ledger(const char *dir)
{
	struct ledger_init in = {
	    "Walk Against Traffick", "Jackson", "2026-05-02", "T1", 500000, NULL};
	struct ledger *l = NULL;
	char *path = xasprintf("%s/station.db", dir), *cause = NULL;
	int64_t seq;
	uint32_t id;

	mkdir(dir, 0700);
	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "t", &cause) != 0 ||
	    ledger_walker_add(l, "Maria Lopez", "Hope", NULL, NULL, NULL, "t", &id, &cause) != 0 ||
	    ledger_donate(l, id, 2500, RULES_CASH, NULL, "Ann Lee", "t", &seq, &cause) != 0)
		die("ledger", cause);
	free(path);
	return l;
}

static void
case_pack(struct ledger *l)
{
	struct fcase c = {.name = "an event pack written over an older one (event_pack_write)"};
	struct event_pack p;
	struct event_pack_secret key;
	char root[300], *dir, *path, *name, *cause = NULL;
	const char old[] = "{\"format\":\"wat-event-pack/1\",\"an\":\"older pack\"}\n";
	int rc;

	memset(&p, 0, sizeof p);
	if (event_pack_from_ledger(l, &p, &cause) != 0)
		die("pack", cause);
	name = event_pack_file_name(&p);
	fresh(root, sizeof root);
	dir = xasprintf("%s/usb", root);
	path = xasprintf("%s/%s", dir, name);
	target_add(&c, path, old, sizeof old - 1, 1);
	arm(&c, root);
	event_pack_secret_new(&key);
	rc = event_pack_write(&p, dir, name, &key, &cause);
	finish(&c, rc, 0);
	event_pack_clear(&p);
	free(cause);
	free(path);
	free(dir);
	free(name);
}

/* fail: the stick's folder fsync after the zip's rename fails. */
static void
case_bundle(struct ledger *l, int fail)
{
	struct fcase c = {.name = fail ? "a bundle export whose last fsync of the stick's folder "
	                                 "fails (bundle_export)"
	                               : "a bundle and its .minisig, on the stick and the "
	                                 "station's copy (bundle_export)"};
	int64_t n = 1;
	struct bundle_export_opts o;
	struct bundle_export_result res;
	struct ledger_event ev;
	char root[300], *usb, *keys, *copy, *name, *p, *cause = NULL, *want[2] = {NULL, NULL};
	size_t wlen[2], i;
	int rc;

	ledger_event(l, &ev);
	if (fail) /* the second export of the ledger */
		n = 2;
	name = bundle_file_name(ev.city, ev.date, ev.station, n);
	fresh(root, sizeof root);
	usb = xasprintf("%s/usb", root);
	keys = xasprintf("%s/station/keys", root);
	copy = xasprintf("%s/station/exports", root);
	p = xasprintf("%s/%s", usb, name);
	target_add(&c, p, NULL, 0, 0);
	free(p);
	p = xasprintf("%s/%s.minisig", usb, name);
	target_add(&c, p, NULL, 0, 0);
	free(p);
	p = xasprintf("%s/%s", copy, name);
	target_add(&c, p, NULL, 0, 0);
	free(p);
	p = xasprintf("%s/%s.minisig", copy, name);
	target_add(&c, p, NULL, 0, 0);
	free(p);
	p = xasprintf("%s/station.key", keys);
	target_add(&c, p, NULL, 0, 0);
	free(p);
	c.t[0].pair = 1;
	c.t[2].pair = 3;
	memset(&o, 0, sizeof o);
	o.out_dir = usb;
	o.keys_dir = keys;
	o.copy_dir = copy;
	o.op = "t";
	arm(&c, root);
	if (fail) /* after the .minisig's */
		crashfs_fail("fsync-dir", usb, 1, EIO);
	rc = bundle_export(l, &o, &res, &cause);
	if (fail) {
		/* what would have been on the stick: the station's copy, which stays */
		for (i = 0; i < 2; i++) {
			if (util_read_file(c.t[i + 2].path, (size_t)1 << 28, &want[i], &wlen[i],
			                   NULL) != 0)
				die("the station's copy", NULL);
			c.t[i].want = c.t[i + 2].want = (unsigned char *)want[i];
			c.t[i].want_len = c.t[i + 2].want_len = wlen[i];
		}
	}
	finish(&c, rc, fail ? -1 : 0);
	if (rc != 0 && !fail)
		fprintf(stderr, "crash_files: %s\n", cause);
	free(want[0]);
	free(want[1]);
	bundle_export_result_clear(&res);
	free(cause);
	free(copy);
	free(keys);
	free(usb);
	free(name);
}

int
main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	struct timespec t0, t1;
	struct ledger *l;
	char *lpath;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--json") == 0)
			json = "";
		else {
			fputs("usage: crash_files [--seed S] [--json]\n", stderr);
			return 2;
		}
	}
	rng = seed;
	snprintf(base, sizeof base, "%s/wat-crash-files-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(base) == NULL)
		die(base, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	case_write("util_write_file: a new file of 1 byte", 0, 0, 1, NULL, 0);
	case_write("util_write_file: a new file of 4,196 bytes", 0, 0, 4196, NULL, 0);
	case_write("util_write_file: a new file of 70,000 bytes", 0, 0, 70000, NULL, 0);
	case_write("util_write_file: 5,000 bytes replaced by 3,000", 5000, 1, 3000, NULL, 0);
	case_write("util_write_file: 100 bytes replaced by 9,000", 100, 1, 9000, NULL, 0);
	case_write("util_write_file: an empty file replaced", 0, 1, 700, NULL, 0);
	case_write("util_write_file: the file's fsync fails (EIO)", 5000, 1, 3000, "fsync", EIO);
	case_write("util_write_file: the folder's fsync fails (EIO)", 5000, 1, 3000, "fsync-dir",
	           EIO);
	case_naive();
	case_key();
	lpath = xasprintf("%s/ledger", base);
	l = make_ledger(lpath);
	case_pack(l);
	case_bundle(l, 0);
	case_bundle(l, 1);
	ledger_free(l);
	free(lpath);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (json != NULL)
		printf(
		    "{\"bench\":\"crash_files\",\"crash_points\":%zu,\"images\":%zu,\"torn\":%zu,"
		    "\"cases_failed\":%zu,\"seed\":%" PRIu64 ",\"seconds\":%.2f}\n",
		    total_points, total_images, total_torn, cases_failed, seed,
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	else
		printf("%zu crash points, %zu disk images (%zu torn), seed %" PRIu64
		       ": %zu cases failed\n",
		       total_points, total_images, total_torn, seed, cases_failed);
	return cases_failed ? 1 : 0;
}
