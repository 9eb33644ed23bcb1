/* test_bundle.c — bundles built from a synthetic ledger: they verify; every
 * kind of tampering is caught with its reason, even when the tamperer re-signs
 * with the station key; CSVs are Excel-safe; files are written safely. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "tmpdir.h"
#include <sqlite3.h>

#include "bundle.h"
#include "bundle_fixture.h"
#include "closeout.h"
#include "csv.h"
#include "hq.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"

static char tmpdir[] = "/tmp/wat-test-bundle-XXXXXX";
static struct sign_key *key, *other_key;
static struct sign_pub pub, other_pub;

static int
setup(void **state)
{
	char *dir;

	if (mkdtemp(tmpdir) == NULL)
		return -1;
	dir = xasprintf("%s/keys", tmpdir);
	if (sign_key_open(dir, &key, NULL) != 0)
		return -1;
	free(dir);
	dir = xasprintf("%s/other", tmpdir);
	if (sign_key_open(dir, &other_key, NULL) != 0)
		return -1;
	free(dir);
	sign_key_public(key, &pub);
	sign_key_public(other_key, &other_pub);
	return 0;
}

static int
teardown(void **state)
{
	int rc = tmpdir_remove(tmpdir);

	sign_key_free(key);
	sign_key_free(other_key);
	return rc == 0 ? 0 : -1;
}

static void
meta_init(struct bundle_meta *m, int64_t export_no)
{
	memset(m, 0, sizeof *m);
	m->event_name = xstrdup("Walk Against Traffick"); /* as the fixture's ledger states it */
	m->city = xstrdup("Jackson, MS");
	m->date = xstrdup("2026-05-02");
	m->event_tag = xstrdup("TEST");
	m->software = xstrdup("watctl test");
	sign_keyid_hex(pub.id, m->key_id);
	m->public_key = sign_pub_base64(&pub);
	m->export_no = export_no;
	m->exported_wall_ms = 1777750000000;
	m->clock_trusted = 1;
}

struct packed {
	struct strbuf zip;
	char *sig;
	char *name;
	struct bundle_figures fig;
};

static void
pack(struct fx *x, int64_t export_no, struct packed *p)
{
	struct bundle_meta m;
	struct bundle_content c;
	char *cause = NULL;

	meta_init(&m, export_no);
	/* the event as the ledger states it (verify checks the manifest's) */
	if (bundle_compute(x->jsonl.s, x->jsonl.len, NULL, 0, &c, &cause) != 0)
		fail_msg("%s", cause);
	free(m.event_name);
	free(m.city);
	free(m.date);
	free(m.event_tag);
	m.event_name = xstrdup(c.event_name ? c.event_name : "");
	m.city = xstrdup(c.city ? c.city : "");
	m.date = xstrdup(c.date ? c.date : "");
	m.event_tag = xstrdup(c.event_tag ? c.event_tag : "");
	bundle_content_free(&c);
	memset(p, 0, sizeof *p);
	p->name = bundle_file_name(m.city, m.date, x->station, export_no);
	if (bundle_pack(x->jsonl.s, x->jsonl.len, &m, key, p->name, m.exported_wall_ms / 1000,
	                &p->zip, &p->sig, &p->fig, &cause) != 0)
		fail_msg("%s", cause);
	bundle_meta_clear(&m);
}

static void
packed_free(struct packed *p)
{
	strbuf_free(&p->zip);
	free(p->sig);
	free(p->name);
}

/* A small day with the names a spreadsheet must not run. */
static void
small_day(struct fx *x)
{
	int64_t d;

	fx_init(x, "T1");
	fx_add(
	    x, "event", 0, 0,
	    "{\"name\":\"W\",\"city\":\"Jackson, MS\",\"date\":\"2026-05-02\",\"tag\":\"TEST\"}");
	fx_walker(x, 1, "\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\"");
	fx_walker(x, 2, "\"+1\"");
	fx_walker(x, 3, "\"Zoë Ångström\"");
	fx_add(x, "checkin", 1, 0, NULL);
	fx_add(x, "lap", 1, 0, NULL);
	fx_add(x, "lap", 1, 0, "{\"how\":\"manual\"}");
	fx_add(x, "lap", 2, 0, NULL);
	fx_donation(x, 1, 2500, "check", "1043");
	d = fx_donation(x, 2, 1000, "cash", NULL);
	fx_donation(x, 3, 4000, "cash", NULL);
	fx_add(x, "annul", 0, d, "{\"reason\":\"typed twice\"}");
	fx_add(
	    x, "closeout", 0, 0,
	    "{\"cash_cents\":3900,\"cash_expected_cents\":4000,\"checks\":1,\"check_cents\":2500,"
	    "\"checks_expected\":1,\"check_expected_cents\":2500,\"counters\":[\"Ann\",\"Bob\"],"
	    "\"unprinted\":[10]}");
	fx_export(x, 1);
}

static void
test_roundtrip(void **state)
{
	struct fx x;
	struct packed p;
	struct bundle_report rep;
	char *cause = NULL, *summary;

	small_day(&x);
	pack(&x, 1, &p);
	assert_string_equal(p.name, "wat-jackson-ms-2026-05-02-T1-1.zip");
	if (bundle_verify_mem(p.zip.s, p.zip.len, p.sig, strlen(p.sig), p.name, &pub, &rep,
	                      &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(rep.key_checked, 1);
	assert_int_equal(rep.content.fig.total_cents, 6500);
	assert_int_equal(rep.content.fig.cash_cents, 4000);
	assert_int_equal(rep.content.fig.check_cents, 2500);
	assert_int_equal(rep.content.fig.checks, 1);
	assert_int_equal(rep.content.fig.donations, 2);
	assert_int_equal(rep.content.fig.laps, 3);
	assert_int_equal(rep.content.fig.manual_laps, 1);
	assert_int_equal(rep.content.fig.walkers, 3);
	assert_int_equal(rep.content.fig.checked_in, 1);
	assert_int_equal(rep.content.fig.annulled, 1);
	assert_int_equal(rep.content.fig.closed, 1);
	assert_int_equal(rep.content.fig.export_no, 1);
	summary = bundle_summary(&rep);
	assert_non_null(strstr(summary, "$65.00"));
	free(summary);

	/* Spreadsheet formulas neutralised; UTF-8 kept. */
	assert_non_null(
	    strstr(rep.content.csv[BUNDLE_WALKERS], "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""));
	assert_non_null(strstr(rep.content.csv[BUNDLE_WALKERS], ",'+1,"));
	assert_null(strstr(rep.content.csv[BUNDLE_WALKERS], ",+1,"));
	assert_non_null(strstr(rep.content.csv[BUNDLE_WALKERS], "Zoë Ångström"));
	assert_non_null(strstr(rep.content.csv[BUNDLE_DONATIONS], "25.00,check,1043,Ann Lee"));
	assert_non_null(strstr(rep.content.csv[BUNDLE_CLOSEOUT], "40.00,39.00,-1.00"));
	bundle_report_clear(&rep);

	/* Without an expected key: the manifest's key, said so. */
	assert_int_equal(
	    bundle_verify_mem(p.zip.s, p.zip.len, p.sig, strlen(p.sig), NULL, NULL, &rep, &cause),
	    0);
	assert_int_equal(rep.key_checked, 0);
	bundle_report_clear(&rep);
	packed_free(&p);
	strbuf_free(&x.jsonl);
}

/* closeout.csv: a reopen row has the header's columns, its reason under
 * "note" (it had one column too many: the reason under "operator"). */
static void
test_closeout_csv_reopen(void **state)
{
	struct fx x;
	struct bundle_content c;
	struct csv_reader *r;
	struct csv_record rec;
	char *cause = NULL;
	size_t ncols = 0, rows = 0;

	small_day(&x);
	fx_add(&x, "reopen", 0, 0, "{\"reason\":\"a late donor\"}");
	if (bundle_compute(x.jsonl.s, x.jsonl.len, NULL, 0, &c, &cause) != 0)
		fail_msg("%s", cause);
	r = csv_reader_new(c.csv[BUNDLE_CLOSEOUT], c.csv_len[BUNDLE_CLOSEOUT]);
	while (csv_next(r, &rec, &cause) == 1) {
		if (ncols == 0) {
			ncols = rec.nfields;
			assert_string_equal(rec.fields[15], "note");
			continue;
		}
		assert_int_equal(rec.nfields, ncols);
		assert_string_equal(rec.fields[16], "test"); /* the operator */
		assert_string_equal(rec.fields[17], "");     /* in force */
		if (strcmp(rec.fields[2], "reopen") == 0)
			assert_string_equal(rec.fields[15], "a late donor");
		rows++;
	}
	assert_null(cause);
	assert_int_equal(rows, 2);
	assert_int_equal(c.fig.closed, 0);
	csv_reader_free(r);
	bundle_content_free(&c);
	strbuf_free(&x.jsonl);
}

static void
expect_refused(const struct packed *p, const char *zip, size_t zlen, const char *sig,
               const struct sign_pub *want, const char *needle)
{
	struct bundle_report rep;
	char *cause = NULL;

	if (bundle_verify_mem(zip, zlen, sig, strlen(sig), p->name, want, &rep, &cause) == 0)
		fail_msg("tampered bundle accepted (expected: %s)", needle);
	if (strstr(cause, needle) == NULL)
		fail_msg("reason \"%s\" does not mention \"%s\"", cause, needle);
	free(cause);
}

/* Rebuilds the zip with one member replaced (hashes updated when asked) and
 * re-signs it with the station key and the original trusted comment, as an
 * insider could. */
static void
repack(const struct packed *p, const char *member, const char *data, size_t len, int fix_sums,
       struct strbuf *zip, char **sig)
{
	struct bundle_file *fs = NULL;
	struct sign_sig s;
	size_t n, i;
	char *cause = NULL;

	assert_int_equal(bundle_zip_read(p->zip.s, p->zip.len, &fs, &n, &cause), 0);
	for (i = 0; i < n; i++)
		if (strcmp(fs[i].name, member) == 0) {
			free(fs[i].data);
			fs[i].data = xstrndup(data, len);
			fs[i].len = len;
		}
	if (fix_sums) {
		free(fs[n - 1].data);
		fs[n - 1].data = bundle_sha256sums(fs, n - 1);
		fs[n - 1].len = strlen(fs[n - 1].data);
	}
	memset(zip, 0, sizeof *zip);
	assert_int_equal(bundle_zip_write(fs, n, 1777750000, zip, &cause), 0);
	assert_int_equal(sign_sig_parse(p->sig, strlen(p->sig), &s, &cause), 0);
	assert_int_equal(sign_data(key, zip->s, zip->len, s.trusted, NULL, sig, &cause), 0);
	sign_sig_clear(&s);
	bundle_files_free(fs, n);
}

static const char *
member(const struct packed *p, const char *name, struct bundle_file **fs, size_t *n, size_t *len)
{
	size_t i;

	assert_int_equal(bundle_zip_read(p->zip.s, p->zip.len, fs, n, NULL), 0);
	for (i = 0; i < *n; i++)
		if (strcmp((*fs)[i].name, name) == 0) {
			*len = (*fs)[i].len;
			return (*fs)[i].data;
		}
	fail();
	return NULL;
}

static void
test_tamper(void **state)
{
	struct fx x;
	struct packed p, old;
	struct strbuf zip;
	struct bundle_file *fs;
	size_t n, len, i;
	char *sig, *edited, *bad, *cut;
	const char *csv, *jl, *nl;

	small_day(&x);
	pack(&x, 1, &old);
	fx_add(&x, "lap", 3, 0, NULL);
	fx_export(&x, 2);
	pack(&x, 2, &p);

	/* A flipped byte anywhere in the zip. */
	bad = xmalloc(p.zip.len);
	memcpy(bad, p.zip.s, p.zip.len);
	for (i = 0; i < p.zip.len; i += 97) {
		bad[i] ^= 0x01;
		expect_refused(&p, bad, p.zip.len, p.sig, &pub, "changed");
		bad[i] ^= 0x01;
	}
	free(bad);

	/* Signed by another key. */
	assert_int_equal(sign_data(other_key, p.zip.s, p.zip.len, "x", NULL, &sig, NULL), 0);
	expect_refused(&p, p.zip.s, p.zip.len, sig, &pub, "another key");
	/* ...and even with no expected key, the manifest names the station's key. */
	expect_refused(&p, p.zip.s, p.zip.len, sig, NULL, "another key");
	free(sig);

	/* A CSV edited, its hash updated, re-signed with the station key. */
	csv = member(&p, "donations.csv", &fs, &n, &len);
	edited = xstrndup(csv, len);
	*strstr(edited, "25.00") = '9';
	repack(&p, "donations.csv", edited, len, 1, &zip, &sig);
	expect_refused(&p, zip.s, zip.len, sig, &pub, "donations.csv does not match the ledger");
	strbuf_free(&zip);
	free(sig);
	/* ...and with the hash not updated: SHA256SUMS catches it. */
	repack(&p, "donations.csv", edited, len, 0, &zip, &sig);
	expect_refused(&p, zip.s, zip.len, sig, &pub, "SHA256SUMS");
	strbuf_free(&zip);
	free(sig);
	free(edited);
	bundle_files_free(fs, n);

	/* An entry removed from ledger.jsonl. */
	jl = member(&p, "ledger.jsonl", &fs, &n, &len);
	nl = jl;
	for (i = 0; i < 8; i++)
		nl = strchr(nl, '\n') + 1;
	cut = xmalloc(len);
	memcpy(cut, jl, (size_t)(nl - jl));
	memcpy(cut + (nl - jl), strchr(nl, '\n') + 1, len - (size_t)(strchr(nl, '\n') + 1 - jl));
	repack(&p, "ledger.jsonl", cut, len - (size_t)(strchr(nl, '\n') + 1 - nl), 1, &zip, &sig);
	expect_refused(&p, zip.s, zip.len, sig, &pub, "removed");
	strbuf_free(&zip);
	free(sig);
	/* The last entries cut off: the manifest no longer matches. */
	repack(&p, "ledger.jsonl", jl, (size_t)(nl - jl), 1, &zip, &sig);
	expect_refused(&p, zip.s, zip.len, sig, &pub, "does not match the ledger");
	strbuf_free(&zip);
	free(sig);
	free(cut);
	bundle_files_free(fs, n);

	/* An older export renamed as the newer one. */
	{
		struct bundle_report rep;
		char *cause = NULL;
		assert_int_equal(bundle_verify_mem(old.zip.s, old.zip.len, old.sig, strlen(old.sig),
		                                   p.name, &pub, &rep, &cause),
		                 -1);
		assert_non_null(strstr(cause, "older"));
		free(cause);
	}

	/* A trusted comment changed (it is signed). */
	bad = xstrdup(p.sig);
	*strstr(bad, "export:2") = 'E';
	expect_refused(&p, p.zip.s, p.zip.len, bad, &pub, "trusted comment");
	free(bad);

	packed_free(&old);
	packed_free(&p);
	strbuf_free(&x.jsonl);
}

static void
test_ledger_errors(void **state)
{
	struct fx x;
	struct bundle_content c;
	char *cause = NULL, *j;

	/* Another station's line in the middle; a gap; garbage. */
	fx_init(&x, "T1");
	fx_add(&x, "event", 0, 0, NULL);
	x.station = "T2";
	fx_add(&x, "lap", 1, 0, NULL);
	assert_int_equal(bundle_compute(x.jsonl.s, x.jsonl.len, NULL, 0, &c, &cause), -1);
	assert_non_null(strstr(cause, "station"));
	free(cause);
	strbuf_free(&x.jsonl);

	fx_init(&x, "T1");
	fx_add(&x, "event", 0, 0, NULL);
	x.seq++;
	fx_add(&x, "lap", 1, 0, NULL);
	assert_int_equal(bundle_compute(x.jsonl.s, x.jsonl.len, NULL, 0, &c, &cause), -1);
	assert_non_null(strstr(cause, "gap"));
	free(cause);
	/* the last line end missing */
	assert_int_equal(bundle_compute(x.jsonl.s, x.jsonl.len - 1, NULL, 0, &c, &cause), -1);
	free(cause);
	j = xstrdup(x.jsonl.s);
	j[200] = 'X';
	assert_int_equal(bundle_compute(j, strlen(j), NULL, 0, &c, &cause), -1);
	free(cause);
	free(j);
	strbuf_free(&x.jsonl);
	assert_int_equal(bundle_compute("", 0, NULL, 0, &c, &cause), -1);
	free(cause);
}

/* A training ledger's entries are never figures for HQ: every verifier and
 * HQ's merge compute through bundle_compute, which refuses them. */
static void
test_training_refused(void **state)
{
	struct fx x;
	struct bundle_content c;
	char *cause = NULL;

	(void)state;
	fx_init(&x, "TRAIN-T1");
	fx_add(&x, "event", 0, 0,
	       "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"TEST\","
	       "\"training\":true}");
	fx_walker(&x, 1, "\"Tess\"");
	assert_int_equal(bundle_compute(x.jsonl.s, x.jsonl.len, NULL, 0, &c, &cause), -1);
	assert_non_null(strstr(cause, "training ledger"));
	free(cause);
	strbuf_free(&x.jsonl);
	/* "training": false is the day's ledger like any other */
	fx_init(&x, "T1");
	fx_add(&x, "event", 0, 0,
	       "{\"name\":\"W\",\"city\":\"C\",\"date\":\"2026-05-02\",\"tag\":\"TEST\","
	       "\"training\":false}");
	assert_int_equal(bundle_compute(x.jsonl.s, x.jsonl.len, NULL, 0, &c, &cause), 0);
	bundle_content_free(&c);
	strbuf_free(&x.jsonl);
}

static void
test_write_atomic(void **state)
{
	char *dir = xasprintf("%s/out", tmpdir), *path, *cause = NULL, *data;
	size_t len;

	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(util_write_file(dir, "a.zip", "hello", 5, 0644, &cause), 0);
	path = xasprintf("%s/a.zip", dir);
	assert_int_equal(util_read_file(path, 100, &data, &len, &cause), 0);
	assert_int_equal(len, 5);
	free(data);
	free(path);
	path = xasprintf("%s/.a.zip.part", dir);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
	free(dir);
	/* a folder that is not there */
	assert_int_equal(util_write_file("/nonexistent-wat", "a.zip", "x", 1, 0644, &cause), -1);
	assert_non_null(strstr(cause, "does not exist"));
	free(cause);
}

static void
merge(struct hq *h, const struct packed *p, enum hq_outcome want)
{
	struct bundle_report rep;
	struct hq_merge_result res;
	char *cause = NULL;

	if (bundle_verify_mem(p->zip.s, p->zip.len, p->sig, strlen(p->sig), p->name, &pub, &rep,
	                      &cause) != 0)
		fail_msg("%s", cause);
	if (hq_merge(h, &rep, p->name, &res, &cause) != 0)
		fail_msg("%s", cause);
	if (res.outcome != want)
		fail_msg("%s: outcome %d, want %d: %s", p->name, res.outcome, want, res.message);
	bundle_report_clear(&rep);
}

/* Two stations of one event and a re-export: each donation counted once. */
static void
test_hq_merge(void **state)
{
	struct fx a, b;
	struct packed a1, a2, b1;
	struct hq *h = NULL;
	struct hq_totals t;
	char *db = xasprintf("%s/hq.db", tmpdir), *cause = NULL, *report;
	int64_t d;

	fx_init(&a, "T1");
	fx_walker(&a, 1, "\"Ann\"");
	fx_donation(&a, 1, 1000, "cash", NULL);
	fx_export(&a, 1);
	pack(&a, 1, &a1);
	d = fx_donation(&a, 1, 2500, "check", "7");
	fx_add(&a, "lap", 1, 0, NULL);
	fx_export(&a, 2);
	pack(&a, 2, &a2);

	fx_init(&b, "T2");
	fx_walker(&b, 501, "\"Bob\"");
	fx_donation(&b, 501, 700, "other", NULL);
	fx_add(&b, "lap", 501, 0, NULL);
	fx_add(&b, "lap", 501, 0, NULL);
	fx_export(&b, 1);
	pack(&b, 1, &b1);

	assert_int_equal(hq_open(db, &h, &cause), 0);
	merge(h, &a1, HQ_MERGED);
	merge(h, &a2, HQ_MERGED);
	merge(h, &b1, HQ_MERGED);
	merge(h, &a2, HQ_ALREADY);
	merge(h, &a1, HQ_REFUSED); /* an older export replayed */
	merge(h, &b1, HQ_ALREADY);
	assert_int_equal(hq_totals(h, NULL, &t, &cause), 0);
	assert_int_equal(t.total_cents, 1000 + 2500 + 700);
	assert_int_equal(t.cash_cents, 1000);
	assert_int_equal(t.check_cents, 2500);
	assert_int_equal(t.other_cents, 700);
	assert_int_equal(t.donations, 3);
	assert_int_equal(t.laps, 3);
	assert_int_equal(t.walkers, 2);
	assert_int_equal(t.stations, 2);
	assert_int_equal(hq_report(h, &report, &cause), 0);
	assert_non_null(strstr(report, "$42.00"));
	free(report);
	hq_free(h);

	/* an annulment arriving in a later export undoes the donation at HQ */
	fx_add(&a, "annul", 1, d, "{\"reason\":\"bounced\"}");
	fx_export(&a, 3);
	packed_free(&a1);
	pack(&a, 3, &a1);
	assert_int_equal(hq_open(db, &h, &cause), 0);
	merge(h, &a1, HQ_MERGED);
	assert_int_equal(hq_totals(h, NULL, &t, &cause), 0);
	assert_int_equal(t.total_cents, 1000 + 700);
	hq_free(h);

	/* a database from before HQ kept the fold's figures gets them at open */
	{
		sqlite3 *raw = NULL;
		struct hq_totals t2;
		assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
		assert_int_equal(
		    sqlite3_exec(raw, "DROP TABLE figures; DROP TABLE walkers", NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(raw);
		assert_int_equal(hq_open(db, &h, &cause), 0);
		assert_int_equal(hq_totals(h, NULL, &t2, &cause), 0);
		assert_memory_equal(&t, &t2, sizeof t);
		assert_int_equal(t2.walkers, 2);
		assert_int_equal(t2.laps, 3);
		hq_free(h);
	}

	packed_free(&a1);
	packed_free(&a2);
	packed_free(&b1);
	strbuf_free(&a.jsonl);
	strbuf_free(&b.jsonl);
	free(db);
}

static void
test_denominations(void **state)
{
	const char *bad[] = {"", "20", "20x", "x5", "3x5", "20x-1", "20x5,abc", "1e3x1", "20x5x2"};
	char *cause = NULL;
	int64_t cents;
	size_t i;

	assert_int_equal(closeout_denominations("20x5,10x3,0.25x4", &cents, &cause), 0);
	assert_int_equal(cents, 13100);
	assert_int_equal(closeout_denominations(" 100 x 2 , $1x7 ", &cents, &cause), 0);
	assert_int_equal(cents, 20700);
	assert_int_equal(closeout_denominations("20x0", &cents, &cause), 0);
	assert_int_equal(cents, 0);
	for (i = 0; i < nitems(bad); i++) {
		if (closeout_denominations(bad[i], &cents, &cause) == 0)
			fail_msg("\"%s\" accepted as %lld", bad[i], (long long)cents);
		free(cause);
		cause = NULL;
	}
}

static void
test_usb_dirs(void **state)
{
	char *path = xasprintf("%s/mounts", tmpdir), **dirs = NULL, *cause = NULL;
	FILE *f = fopen(path, "w");
	size_t n = 0, i;

	assert_non_null(f);
	fputs("/dev/mmcblk0p2 / ext4 rw,noatime 0 0\n"
	      "/dev/sda1 /media/pi/WAT\\040STICK vfat rw,nosuid 0 0\n"
	      "/dev/sdb1 /media/pi/LOCKED vfat ro,nosuid 0 0\n"
	      "tmpfs /run tmpfs rw 0 0\n"
	      "/dev/sdc1 /mnt/usb2 exfat rw 0 0\n",
	      f);
	fclose(f);
	assert_int_equal(bundle_usb_dirs(path, NULL, &dirs, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(dirs[0], "/media/pi/WAT STICK");
	assert_string_equal(dirs[1], "/mnt/usb2");
	for (i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	assert_int_equal(bundle_usb_dirs(path, "/srv/", &dirs, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(dirs);
	free(path);
}

/* bundle_sha256 (the SHA extensions where the CPU has them) is libsodium's
 * SHA-256 for every length around the block and padding edges, and for a
 * few MB; and the known answer for "abc". */
static void
test_sha256(void **state)
{
	static const unsigned char abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
	                                      0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	                                      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	                                      0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	size_t big = (3u << 20) + 17, len, i;
	unsigned char *data = malloc(big), got[32], want[32];
	uint32_t x = 7;

	(void)state;
	assert_non_null(data);
	assert_int_equal(sodium_init() >= 0, 1);
	for (i = 0; i < big; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = (unsigned char)(x >> 24);
	}
	bundle_sha256("abc", 3, got);
	assert_memory_equal(got, abc, 32);
	for (len = 0; len <= 300; len++) {
		bundle_sha256(data + len % 7, len, got);
		crypto_hash_sha256(want, data + len % 7, len);
		assert_memory_equal(got, want, 32);
	}
	bundle_sha256(data, big, got);
	crypto_hash_sha256(want, data, big);
	assert_memory_equal(got, want, 32);
	free(data);
}

/* laps.csv as software before the lap review columns wrote it: each row
 * without its last five fields, whatever commas, quotes and line ends a
 * quoted name holds. */
static void
test_laps_v1(void **state)
{
	static const char now[] =
	    "\xef\xbb\xbfseq,time_utc,walker,name,manual,operator,annulled_by,flagged,review,"
	    "review_seq,override,counted\r\n"
	    "6,2026-05-02 "
	    "10:00:00,1,\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\",yes,watctl,,no,,,no,yes\r\n"
	    "7,2026-05-02 10:00:01,2,\"Ann, \r\nthe \"\"walker\"\"\",no,\"Bob, "
	    "Jr\",,yes,accepted,9,"
	    "no,yes\r\n"
	    "8,2026-05-02 10:00:02,2,Ann,no,watctl,10,,,,no,no\r\n";
	static const char then[] =
	    "\xef\xbb\xbfseq,time_utc,walker,name,manual,operator,annulled_by\r\n"
	    "6,2026-05-02 10:00:00,1,\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\",yes,watctl,\r\n"
	    "7,2026-05-02 10:00:01,2,\"Ann, \r\nthe \"\"walker\"\"\",no,\"Bob, Jr\",\r\n"
	    "8,2026-05-02 10:00:02,2,Ann,no,watctl,10\r\n";
	size_t len = 0;
	char *v1;

	(void)state;
	v1 = bundle_laps_v1(now, strlen(now), &len);
	assert_int_equal(len, strlen(then));
	assert_memory_equal(v1, then, len);
	free(v1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_tamper),
	    cmocka_unit_test(test_ledger_errors),
	    cmocka_unit_test(test_training_refused),
	    cmocka_unit_test(test_write_atomic),
	    cmocka_unit_test(test_hq_merge),
	    cmocka_unit_test(test_closeout_csv_reopen),
	    cmocka_unit_test(test_laps_v1),
	    cmocka_unit_test(test_denominations),
	    cmocka_unit_test(test_usb_dirs),
	    cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
