/* bench_bundle.c — export and verify of a full day (5,000 walkers, 100,000
 * laps, 10,000 donations) on a real ledger file, each beside the stock tools
 * doing the same work on the same bundle's own files in the same run:
 * sha256sum of the members, zip, minisign -S and minisign -V (zip with its
 * defaults, as issue 15 set the goal, and zip -1, the bundle's deflate level); then sealed,
 * as the stick carries it, beside the same with age to HQ's two keys, and its
 * verify beside minisign -V + age -d + unzip + sha256sum -c.  Rounds alternate ours and theirs; medians.  JSON lines on
 * stdout. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "age.h"
#include "bundle.h"
#include "closeout.h"
#include "hq.h"
#include "ledger.h"
#include "roster.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"

#include "bench.h"

#define ROUNDS 5

/* the members in the bundle's order, SHA256SUMS last (made by the pipeline) */
static const char *const members =
    "manifest.json walkers.csv checkins.csv laps.csv donations.csv annulments.csv "
    "closeout.csv ledger.jsonl";

static double
bench_sh(const char *what, const char *fmt, const char *a, const char *b)
{
	char cmd[2048];
	double t0 = bench_now_ms();

	snprintf(cmd, sizeof cmd, fmt, a, b);
	if (system(cmd) != 0)
		bench_die(what, cmd);
	return bench_now_ms() - t0;
}

/* The bundle's members as files in dir/peer, for the stock tools. */
static void
bench_unpack(const char *zip_path, const char *peer)
{
	struct bundle_file *fs = NULL;
	char *zip = NULL, *cause = NULL, path[700];
	size_t zlen = 0, nf = 0, i;
	FILE *f;

	mkdir(peer, 0755);
	if (util_read_file(zip_path, BUNDLE_MAX_ZIP, &zip, &zlen, &cause) != 0 ||
	    bundle_zip_read(zip, zlen, &fs, &nf, &cause) != 0)
		bench_die("unpack", cause);
	for (i = 0; i < nf; i++) {
		if (strcmp(fs[i].name, "SHA256SUMS") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", peer, fs[i].name);
		if ((f = fopen(path, "w")) == NULL ||
		    fwrite(fs[i].data, 1, fs[i].len, f) != fs[i].len || fclose(f) != 0)
			bench_die("unpack", path);
	}
	bundle_files_free(fs, nf);
	free(zip);
}

/* The stock pipeline once: parts[0..3] get sha256sum, zip, minisign -S, -V;
 * zip with its own defaults (zipopt "") or as the bundle deflates ("-1"). */
static double
bench_stock(const char *dir, const char *keys, const char *zipopt, double parts[4])
{
	char peer[600], key[700];

	snprintf(peer, sizeof peer, "%s/peer", dir);
	bench_sh("rm", "rm -f %s/peer.zip %s/peer.zip.minisig", dir, dir);
	parts[0] = bench_sh("sha256sum", "cd %s && sha256sum %s >SHA256SUMS", peer, members);
	snprintf(key, sizeof key, "%s ../peer.zip %s SHA256SUMS", zipopt, members);
	parts[1] = bench_sh("zip", "cd %s && zip -q -X %s", peer, key);
	snprintf(key, sizeof key, "%s/station.key", keys);
	parts[2] = bench_sh(
	    "minisign -S", "minisign -S -s %s -m %s/peer.zip -t wat-bundle:1 </dev/null >/dev/null",
	    key, dir);
	snprintf(key, sizeof key, "%s/station.pub", keys);
	parts[3] = bench_sh("minisign -V", "minisign -Vq -p %s -m %s/peer.zip", key, dir);
	return parts[0] + parts[1] + parts[2] + parts[3];
}

/* The same for a sealed bundle, as it goes on the stick: sha256sum, zip
 * (zipopt as above), age to HQ's two keys, minisign -S and -V of the sealed
 * file. */
static double
bench_stock_sealed(const char *dir, const char *keys, const char *zipopt)
{
	char peer[600], key[700];
	double ms;

	snprintf(peer, sizeof peer, "%s/peer", dir);
	bench_sh("rm", "rm -f %s/peer.zip %s/peer.zip.age*", dir, dir);
	ms = bench_sh("sha256sum", "cd %s && sha256sum %s >SHA256SUMS", peer, members);
	snprintf(key, sizeof key, "%s ../peer.zip %s SHA256SUMS", zipopt, members);
	ms += bench_sh("zip", "cd %s && zip -q -X %s", peer, key);
	ms += bench_sh("age",
	               "age -R assets/hq/hq-seal.pub -R assets/hq/hq-backup.pub -o %s/peer.zip.age "
	               "%s/peer.zip",
	               dir, dir);
	snprintf(key, sizeof key, "%s/station.key", keys);
	ms += bench_sh("minisign -S",
	               "minisign -S -s %s -m %s/peer.zip.age -t wat-bundle:1 </dev/null >/dev/null",
	               key, dir);
	snprintf(key, sizeof key, "%s/station.pub", keys);
	ms += bench_sh("minisign -V", "minisign -Vq -p %s -m %s/peer.zip.age", key, dir);
	return ms;
}

/* What HQ runs with stock tools on a sealed bundle: minisign -V, age -d,
 * unzip, sha256sum -c. */
static double
bench_stock_check_sealed(const char *dir, const char *sealed_path, const char *keys)
{
	char key[700], out[700];
	double ms;

	snprintf(out, sizeof out, "%s/check", dir);
	bench_sh("rm", "rm -rf %s %s/opened.zip", out, dir);
	snprintf(key, sizeof key, "%s/station.pub", keys);
	ms = bench_sh("minisign -V", "minisign -Vq -p %s -m %s", key, sealed_path);
	ms += bench_sh("age -d", "age -d -i assets/demo/hq/hq-seal.key -o %s/opened.zip %s", dir,
	               sealed_path);
	ms += bench_sh("unzip", "unzip -q -d %s %s/opened.zip", out, dir);
	ms += bench_sh("sha256sum -c", "cd %s && sha256sum -c --quiet SHA256SUMS%s", out, "");
	return ms;
}

/* What HQ runs with stock tools on a bundle: minisign -V, unzip, sha256sum -c. */
static double
bench_stock_check(const char *dir, const char *zip_path, const char *keys)
{
	char key[700], out[700];
	double ms;

	snprintf(out, sizeof out, "%s/check", dir);
	bench_sh("rm", "rm -rf %s %s", out, out);
	snprintf(key, sizeof key, "%s/station.pub", keys);
	ms = bench_sh("minisign -V", "minisign -Vq -p %s -m %s", key, zip_path);
	ms += bench_sh("unzip", "unzip -q -d %s %s", out, zip_path);
	ms += bench_sh("sha256sum -c", "cd %s && sha256sum -c --quiet SHA256SUMS%s", out, "");
	return ms;
}

int
main(void)
{
	bench_name = "bench_bundle";
	struct ledger_init in = {"Bench Walk", "Jackson", "2026-11-24", "T1", 0, NULL};
	char dir[] = "/tmp/wat-bench-bundle-XXXXXX", path[600], out[600], keys[600], copy[600];
	char cmd[700], *cause = NULL;
	struct ledger *l = NULL;
	struct bundle_export_opts o;
	struct bundle_export_result res;
	struct bundle_report rep;
	struct sign_pub pub;
	struct stat sb;
	struct bundle_snapshot *snap = NULL;
	double t0, fill_ms, export_ms[ROUNDS], verify_ms[ROUNDS], snap_ms[ROUNDS], stock_ms[ROUNDS],
	    check_ms[ROUNDS], parts[ROUNDS][4], part[4], stock, stock1_ms[ROUNDS], parts1[4];
	char peer[600], extra[600];
	int64_t last_seq = 0;
	int r, k;

	if (mkdtemp(dir) == NULL)
		bench_die("mkdtemp", NULL);
	snprintf(path, sizeof path, "%s/day.db", dir);
	snprintf(out, sizeof out, "%s/usb", dir);
	snprintf(keys, sizeof keys, "%s/day.db.keys", dir);
	snprintf(copy, sizeof copy, "%s/day.db.exports", dir);
	mkdir(out, 0755);
	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "bench", &cause) != 0 ||
	    ledger_set(l, "min-lap", "0", "bench", &cause) != 0 ||
	    ledger_set(l, "holdoff", "0", "bench", &cause) != 0)
		bench_die("setup", cause);
	t0 = bench_now_ms();
	bench_fill_day(l, 5000, 100000, 10000);
	fill_ms = bench_now_ms() - t0;
	printf("{\"bench\":\"bundle_fill_5000_walkers_100000_laps_10000_donations\",\"ms\":%.1f}\n",
	       fill_ms);

	memset(&o, 0, sizeof o);
	o.out_dir = out;
	o.keys_dir = keys;
	o.copy_dir = copy;
	o.op = "bench";
	/* the first export makes the key; time the later ones, as on the day */
	if (bundle_export(l, &o, &res, &cause) != 0)
		bench_die("export", cause);
	snprintf(peer, sizeof peer, "%s/peer", dir);
	bench_unpack(res.zip_path, peer);
	bundle_export_result_clear(&res);
	snprintf(path, sizeof path, "%.500s/station.pub", keys);
	if (sign_pub_load(path, &pub, &cause) != 0)
		bench_die("pubkey", cause);
	for (r = 0; r < ROUNDS; r++) {
		bundle_export_result_clear(&res);
		t0 = bench_now_ms();
		if (bundle_export_snapshot(l, &o, &snap, &cause) != 0)
			bench_die("export", cause);
		snap_ms[r] = bench_now_ms() - t0;
		if (bundle_export_finish(snap, &o, &res, &cause) != 0)
			bench_die("export", cause);
		export_ms[r] = bench_now_ms() - t0;
		bundle_snapshot_free(snap);
		stock_ms[r] = bench_stock(dir, keys, "", parts[r]);
		stock1_ms[r] = bench_stock(dir, keys, "-1", parts1);
		t0 = bench_now_ms();
		if (bundle_verify_file(res.zip_path, &pub, &rep, &cause) != 0)
			bench_die("verify", cause);
		verify_ms[r] = bench_now_ms() - t0;
		if (r == 0)
			last_seq = rep.content.fig.last_seq;
		bundle_report_clear(&rep);
		check_ms[r] = bench_stock_check(dir, res.zip_path, keys);
	}
	if (stat(res.zip_path, &sb) != 0)
		bench_die("export", "no zip");
	stock = bench_median(stock_ms, ROUNDS);
	for (k = 0; k < 4; k++) {
		double v[ROUNDS];
		for (r = 0; r < ROUNDS; r++)
			v[r] = parts[r][k];
		part[k] = bench_median(v, ROUNDS);
	}
	snprintf(extra, sizeof extra,
	         ",\"rounds\":%d,\"entries\":%" PRId64 ",\"zip_bytes\":%lld,\"peer_parts_ms\":"
	         "{\"sha256sum\":%.1f,\"zip\":%.1f,\"minisign_S\":%.1f,\"minisign_V\":%.1f},"
	         "\"includes\":\"read ledger, CSVs, zip, sign, write+fsync twice, read back from "
	         "the stick and check\"",
	         ROUNDS, last_seq, (long long)sb.st_size, part[0], part[1], part[2], part[3]);
	bench_pair("bundle_export_day", "median", bench_median(export_ms, ROUNDS),
	           "sha256sum + zip + minisign -S + minisign -V", stock, 1.0, extra);
	bench_pair("bundle_export_day_vs_zip_1", "median", bench_median(export_ms, ROUNDS),
	           "sha256sum + zip -1 + minisign -S + minisign -V",
	           bench_median(stock1_ms, ROUNDS), 1.0,
	           ",\"note\":\"zip at the bundle's own deflate level\"");
	bench_pair("bundle_export_snapshot_day", "median", bench_median(snap_ms, ROUNDS),
	           "bundle_export_day", bench_median(export_ms, ROUNDS), 0,
	           ",\"note\":\"the part on the ledger's thread\"");
	snprintf(extra, sizeof extra, ",\"rounds\":%d,\"entries\":%" PRId64, ROUNDS, last_seq);
	bench_pair("bundle_verify_day", "median", bench_median(verify_ms, ROUNDS),
	           "sha256sum + zip + minisign -S + minisign -V", stock, 1.0, extra);
	bench_pair("bundle_verify_day_vs_stock_check", "median", bench_median(verify_ms, ROUNDS),
	           "minisign -V + unzip + sha256sum -c", bench_median(check_ms, ROUNDS), 1.0,
	           ",\"note\":\"the stock check proves less: no chain, CSVs or figures\"");

	/* HQ's merge of the day's bundle (verified first, not timed) into a new
	 * HQ database: every entry inserted, synchronous=FULL */
	{
		double merge_ms[ROUNDS];
		for (r = 0; r < ROUNDS; r++) {
			struct bundle_report mrep;
			struct hq_merge_result mr;
			struct hq *h = NULL;
			char hqdb[700];
			snprintf(hqdb, sizeof hqdb, "%s/hq-%d.db", dir, r);
			if (bundle_verify_file(res.zip_path, NULL, &mrep, &cause) != 0)
				bench_die("verify", cause);
			t0 = bench_now_ms();
			if (hq_open(hqdb, &h, &cause) != 0 ||
			    hq_merge(h, &mrep, res.zip_path, &mr, &cause) != 0)
				bench_die("merge", cause);
			hq_free(h);
			merge_ms[r] = bench_now_ms() - t0;
			if (mr.outcome != HQ_MERGED)
				bench_die("merge", mr.message);
			bundle_report_clear(&mrep);
		}
		snprintf(extra, sizeof extra,
		         ",\"rounds\":%d,\"entries\":%" PRId64
		         ",\"note\":\"a new HQ.db, every entry inserted; verify not included\"",
		         ROUNDS, last_seq);
		bench_pair("bundle_merge_day", "median", bench_median(merge_ms, ROUNDS),
		           "bundle_verify_day", bench_median(verify_ms, ROUNDS), 0, extra);
	}

	/* sealed, as the stick carries it (docs/BUNDLE.md "Sealed bundles"):
	 * export sealed to HQ's two keys, verify with HQ's opening key */
	{
		struct age_recipient to[2];
		struct age_identity ids[2 * AGE_MAX_IDS];
		size_t nids = 0;
		double sexp[ROUNDS], sstock[ROUNDS], sstock1[ROUNDS], sver[ROUNDS], scheck[ROUNDS];
		struct bundle_export_opts so = o;

		if (bundle_hq_recipients("assets/hq", to, &cause) != 0 ||
		    bundle_hq_identities("assets/demo/hq", ids, &nids, &cause) != 0)
			bench_die("HQ keys", cause);
		so.seal_to = to;
		so.nseal = 2;
		for (r = 0; r < ROUNDS; r++) {
			struct bundle_export_result sres;
			struct bundle_report srep;

			memset(&sres, 0, sizeof sres);
			t0 = bench_now_ms();
			if (bundle_export(l, &so, &sres, &cause) != 0)
				bench_die("sealed export", cause);
			sexp[r] = bench_now_ms() - t0;
			sstock[r] = bench_stock_sealed(dir, keys, "");
			sstock1[r] = bench_stock_sealed(dir, keys, "-1");
			t0 = bench_now_ms();
			if (bundle_verify_path(sres.zip_path, &pub, ids, nids, &srep, &cause) != 0)
				bench_die("sealed verify", cause);
			sver[r] = bench_now_ms() - t0;
			if (!srep.sealed)
				bench_die("sealed verify", "not sealed");
			bundle_report_clear(&srep);
			scheck[r] = bench_stock_check_sealed(dir, sres.zip_path, keys);
			bundle_export_result_clear(&sres);
		}
		sodium_memzero(ids, sizeof ids);
		snprintf(extra, sizeof extra, ",\"rounds\":%d,\"entries\":%" PRId64, ROUNDS,
		         last_seq);
		bench_pair("bundle_export_sealed_day", "median", bench_median(sexp, ROUNDS),
		           "sha256sum + zip + age (2 keys) + minisign -S + minisign -V",
		           bench_median(sstock, ROUNDS), 1.0, extra);
		bench_pair("bundle_export_sealed_day_vs_zip_1", "median",
		           bench_median(sexp, ROUNDS),
		           "sha256sum + zip -1 + age (2 keys) + minisign -S + minisign -V",
		           bench_median(sstock1, ROUNDS), 1.0,
		           ",\"note\":\"zip at the bundle's own deflate level\"");
		bench_pair("bundle_verify_sealed_day", "median", bench_median(sver, ROUNDS),
		           "minisign -V + age -d + unzip + sha256sum -c",
		           bench_median(scheck, ROUNDS), 1.0, extra);
	}

	/* the day's members beside the caps a zip bomb meets (bundle_member_max:
	 * ten times these sizes, docs/BUNDLE.md) */
	{
		struct bundle_file *fs = NULL;
		char *zip = NULL;
		size_t zlen = 0, nf = 0, i;

		if (util_read_file(res.zip_path, BUNDLE_MAX_ZIP, &zip, &zlen, &cause) != 0 ||
		    bundle_zip_read(zip, zlen, &fs, &nf, &cause) != 0)
			bench_die("caps", cause);
		printf("{\"bench\":\"bundle_zip_cap\",\"bytes\":%zu,\"cap\":%u,\"ratio\":%.1f}\n",
		       zlen, BUNDLE_MAX_ZIP, (double)BUNDLE_MAX_ZIP / (double)zlen);
		for (i = 0; i < nf; i++)
			printf("{\"bench\":\"bundle_member_cap\",\"member\":\"%s\",\"bytes\":%zu,"
			       "\"cap\":%zu,\"ratio\":%.1f}\n",
			       fs[i].name, fs[i].len, bundle_member_max(fs[i].name),
			       (double)bundle_member_max(fs[i].name) /
			           (double)(fs[i].len ? fs[i].len : 1));
		bundle_files_free(fs, nf);
		free(zip);
	}

	bundle_export_result_clear(&res);
	t0 = bench_now_ms();
	if (closeout_is_closed(l) != 0)
		bench_die("closeout", "closed?");
	printf("{\"bench\":\"closeout_is_closed_day\",\"ms\":%.3f}\n", bench_now_ms() - t0);
	ledger_free(l);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
