/* bench_bundle.c — export and verify of a full day (5,000 walkers, 100,000
 * laps, 10,000 donations) on a real ledger file.  JSON lines on stdout.
 * Targets: export <= 2 s, verify <= 1 s. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bundle.h"
#include "closeout.h"
#include "ledger.h"
#include "roster.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"

#include "bench.h"

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
	double t0, export_ms, verify_ms, fill_ms, snap_ms;

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
	/* the first export makes the key; time the second, as on the day */
	if (bundle_export(l, &o, &res, &cause) != 0)
		bench_die("export", cause);
	bundle_export_result_clear(&res);
	t0 = bench_now_ms();
	if (bundle_export_snapshot(l, &o, &snap, &cause) != 0)
		bench_die("export", cause);
	snap_ms = bench_now_ms() - t0;
	if (bundle_export_finish(snap, &o, &res, &cause) != 0)
		bench_die("export", cause);
	export_ms = bench_now_ms() - t0;
	bundle_snapshot_free(snap);
	if (stat(res.zip_path, &sb) != 0)
		bench_die("export", "no zip");
	printf("{\"bench\":\"bundle_export_snapshot_day\",\"ms\":%.1f,\"note\":\"the part on "
	       "the ledger's thread\"}\n",
	       snap_ms);
	printf("{\"bench\":\"bundle_export_day\",\"ms\":%.1f,\"entries\":%" PRId64
	       ",\"zip_bytes\":%lld,\"target_ms\":2000,\"includes\":\"read ledger, CSVs, zip, "
	       "sign, write+fsync twice, read back and verify\"}\n",
	       export_ms, res.last_seq, (long long)sb.st_size);

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

	snprintf(path, sizeof path, "%.500s/station.pub", keys);
	if (sign_pub_load(path, &pub, &cause) != 0)
		bench_die("pubkey", cause);
	t0 = bench_now_ms();
	if (bundle_verify_file(res.zip_path, &pub, &rep, &cause) != 0)
		bench_die("verify", cause);
	verify_ms = bench_now_ms() - t0;
	printf("{\"bench\":\"bundle_verify_day\",\"ms\":%.1f,\"entries\":%" PRId64
	       ",\"target_ms\":1000}\n",
	       verify_ms, rep.content.fig.last_seq);
	bundle_report_clear(&rep);
	bundle_export_result_clear(&res);
	t0 = bench_now_ms();
	if (closeout_is_closed(l) != 0)
		bench_die("closeout", "closed?");
	printf("{\"bench\":\"closeout_is_closed_day\",\"ms\":%.3f}\n", bench_now_ms() - t0);
	ledger_free(l);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
