/* test_bundle_readback.c — the export reads back what is on the USB stick:
 * a stick that returns other bytes than were written (one flipped byte in the
 * zip or in its .minisig, or a file cut short) makes the export fail, and the
 * pair is removed from the stick; the station's own copy stays.  The stick's
 * lie is read(2) wrapped (-Wl,--wrap=read, see the Makefile): reads of a file
 * in the stick's folder come back changed.  And the zip writer: a member of
 * several 4 MiB pieces (deflated apart, on either core) unpacks to exactly
 * its bytes, and bundle_zip_check refuses a zip that does not unpack to
 * exactly its members. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "bundle.h"
#include "ledger.h"
#include "strbuf.h"
#include "util.h"

static char dir[] = "/tmp/test_bundle_readback_XXXXXX";

enum lie { LIE_NONE, LIE_ZIP_BYTE, LIE_SIG_BYTE, LIE_ZIP_SHORT };
static enum lie lie;

ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);

/* The path fd was opened with, or "". */
static void
fd_path(int fd, char *out, size_t len)
{
	char link[64];
	ssize_t k;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	k = readlink(link, out, len - 1);
	out[k > 0 ? k : 0] = '\0';
}

ssize_t
__wrap_read(int fd, void *buf, size_t n)
{
	char path[PATH_MAX], usb[PATH_MAX];
	ssize_t got;
	size_t pl;

	if (lie == LIE_NONE)
		return __real_read(fd, buf, n);
	fd_path(fd, path, sizeof path);
	snprintf(usb, sizeof usb, "%s/usb/", dir);
	if (strncmp(path, usb, strlen(usb)) != 0)
		return __real_read(fd, buf, n);
	pl = strlen(path);
	if (lie == LIE_ZIP_SHORT && pl > 4 && strcmp(path + pl - 4, ".zip") == 0)
		n = n > 1000 ? n - 1000 : n; /* then a read that ends early */
	got = __real_read(fd, buf, n);
	if (got > 100 && ((lie == LIE_ZIP_BYTE && strcmp(path + pl - 4, ".zip") == 0) ||
	                  (lie == LIE_SIG_BYTE && strcmp(path + pl - 8, ".minisig") == 0)))
		((unsigned char *)buf)[got / 2] ^= 0x04;
	if (lie == LIE_ZIP_SHORT && got > 0 && strcmp(path + pl - 4, ".zip") == 0)
		return 0;
	return got;
}

static struct ledger *
day(const char *name)
{
	struct ledger_init in = {
	    "Walk Against Traffick", "Jackson, MS", "2026-05-02", "T1", 0, NULL};
	struct ledger *l = NULL;
	struct ledger_scan s;
	char *path = xasprintf("%s/%s", dir, name), *cause = NULL;
	uint32_t w;

	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "t", &cause) != 0 ||
	    ledger_set(l, "min-lap", "0", "t", &cause) != 0 ||
	    ledger_set(l, "holdoff", "0", "t", &cause) != 0)
		fail_msg("%s", cause);
	for (w = 1; w <= 30; w++) {
		char nm[32];
		uint32_t id = 0;
		snprintf(nm, sizeof nm, "Walker %u", w);
		if (ledger_walker_add(l, nm, "Blue", NULL, NULL, NULL, "t", &id, &cause) != 0 ||
		    ledger_lap(l, id, "t", &s, &cause) != 0 ||
		    ledger_donate(l, id, 1000 + w, RULES_CASH, NULL, NULL, "t", NULL, &cause) != 0)
			fail_msg("%s", cause);
	}
	free(path);
	return l;
}

static int
exists(const char *d, const char *name)
{
	char *p = xasprintf("%s/%s", d, name);
	int ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

static void
test_readback(void **state)
{
	static const enum lie lies[] = {LIE_ZIP_BYTE, LIE_SIG_BYTE, LIE_ZIP_SHORT};
	struct ledger *l = day("readback.db");
	char *usb = xasprintf("%s/usb", dir), *keys = xasprintf("%s/keys", dir);
	char *copy = xasprintf("%s/copy", dir), *cause = NULL, *sig;
	struct bundle_export_opts o = {usb, keys, copy, "t", NULL, 0};
	struct bundle_export_result res;
	struct bundle_report rep;
	size_t i;

	(void)state;
	mkdir(usb, 0755);
	/* a stick that keeps what it is given: the export is done */
	lie = LIE_NONE;
	assert_int_equal(bundle_export(l, &o, &res, &cause), 0);
	assert_non_null(res.zip_path);
	assert_int_equal(bundle_verify_file(res.zip_path, NULL, &rep, &cause), 0);
	bundle_report_clear(&rep);
	bundle_export_result_clear(&res);

	for (i = 0; i < sizeof lies / sizeof lies[0]; i++) {
		lie = lies[i];
		assert_int_equal(bundle_export(l, &o, &res, &cause), -1);
		lie = LIE_NONE;
		assert_non_null(cause);
		assert_non_null(strstr(cause, "does not verify"));
		assert_non_null(strstr(cause, "try another stick"));
		/* nothing half-trusted left on the stick: the pair is gone */
		{
			char *name =
			    bundle_file_name("Jackson, MS", "2026-05-02", "T1", (int64_t)i + 2);
			sig = xasprintf("%s.minisig", name);
			assert_false(exists(usb, name));
			assert_false(exists(usb, sig));
			/* the station's copy stays, whole */
			assert_true(exists(copy, name));
			assert_true(exists(copy, sig));
			free(sig);
			free(name);
		}
		free(cause);
		cause = NULL;
	}
	/* and the stick that keeps what it is given again */
	assert_int_equal(bundle_export(l, &o, &res, &cause), 0);
	bundle_export_result_clear(&res);
	free(copy);
	free(keys);
	free(usb);
	ledger_free(l);
}

/* bundle_zip_check: the zip just made must unpack to exactly its members. */
static void
test_zip_check(void **state)
{
	char a[] = "first member\n", b[] = "second, longer member\n",
	     b2[] = "second, longer member\n";
	struct bundle_file fs[2] = {{(char *)"a.csv", a, sizeof a - 1},
	                            {(char *)"b.csv", b, sizeof b - 1}};
	struct bundle_file other[2] = {fs[0], {(char *)"b.csv", b2, sizeof b2 - 1}};
	struct bundle_file swapped[2] = {fs[1], fs[0]};
	struct strbuf zip = STRBUF_INIT;
	char *cause = NULL;

	(void)state;
	assert_int_equal(bundle_zip_write(fs, 2, 1777730400, &zip, &cause), 0);
	assert_int_equal(bundle_zip_check(zip.s, zip.len, fs, 2, &cause), 0);
	b2[3] = 'X';
	assert_int_equal(bundle_zip_check(zip.s, zip.len, other, 2, &cause), -1);
	assert_non_null(strstr(cause, "b.csv"));
	free(cause);
	cause = NULL;
	assert_int_equal(bundle_zip_check(zip.s, zip.len, swapped, 2, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(bundle_zip_check(zip.s, zip.len, fs, 1, &cause), -1);
	free(cause);
	cause = NULL;
	other[1].len--; /* one byte short */
	b2[3] = 'c';
	assert_int_equal(bundle_zip_check(zip.s, zip.len, other, 2, &cause), -1);
	free(cause);
	strbuf_free(&zip);
}

/* A member of three pieces (9 MiB + 5 bytes), between two small ones: the
 * pieces joined are one deflate stream, read back byte for byte. */
static void
test_zip_pieces(void **state)
{
	size_t big = (9u << 20) + 5, i, nf = 0;
	char *data = malloc(big + 1), a[] = "before\n", c[] = "";
	struct bundle_file fs[3] = {{(char *)"a.csv", a, sizeof a - 1},
	                            {(char *)"ledger.jsonl", data, big},
	                            {(char *)"closeout.csv", c, 0}};
	struct bundle_file *got = NULL;
	struct strbuf zip = STRBUF_INIT;
	uint32_t x = 12345;
	char *cause = NULL;

	(void)state;
	assert_non_null(data);
	for (i = 0; i < big; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = "{}\":,0123456789abcdefghij \n"[(x >> 16) % 28];
	}
	data[big] = '\0';
	assert_int_equal(bundle_zip_write(fs, 3, 1777730400, &zip, &cause), 0);
	assert_int_equal(bundle_zip_check(zip.s, zip.len, fs, 3, &cause), 0);
	assert_int_equal(bundle_zip_read(zip.s, zip.len, &got, &nf, &cause), 0);
	assert_int_equal(nf, 3);
	for (i = 0; i < 3; i++) {
		assert_string_equal(got[i].name, fs[i].name);
		assert_int_equal(got[i].len, fs[i].len);
		assert_memory_equal(got[i].data, fs[i].data, fs[i].len);
	}
	bundle_files_free(got, nf);
	strbuf_free(&zip);
	free(data);
}

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(dir);
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readback),
	    cmocka_unit_test(test_zip_check),
	    cmocka_unit_test(test_zip_pieces),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
