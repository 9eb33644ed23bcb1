/* bench_hqweb — wat-hq, HQ's web inbox (issue 20), under load on loopback:
 * a real wat-hq and wat-hq-signer on 127.0.0.1 with a fresh state folder,
 * real sealed bundles made by watctl (tests/bench/hqweb-setup: N walks of
 * one station each, every bundle different), then
 *   - N (50) concurrent uploads, one thread each (libcurl): every one
 *     answered "Received" exactly once; the same 50 again at once: every
 *     one "Already received"; HQ's database holds each once (asserted:
 *     the bench fails otherwise), beside one upload alone;
 *   - 2,000 more bundles through the same upload page (each station's next
 *     exports, in order, by 4 threads), then the staff dashboard's p99 over
 *     200 requests of a signed-in session (target 100 ms), beside the same
 *     server's static style sheet;
 *   - wat-hq's peak RSS (VmHWM, target 100 MB), beside the same process
 *     idle after start. */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "strbuf.h"
#include "util.h"

#define WALKS     50  /* stations, each its own walk; the concurrent uploads */
#define NEXT      40  /* each station's next exports: WALKS * NEXT = 2,000 */
#define UPLOADERS 4   /* threads uploading the 2,000 */
#define DASH_N    200 /* dashboard requests timed */

static char dir[] = "/tmp/wat-bench-hqweb-XXXXXX";
static char url[64];
static char codes[WALKS + 1][32];
static char nn[WALKS + 1][8]; /* each station's number as the setup wrote it */
static char *first[WALKS + 1];
/* the last: the upload alone */ /* each station's first export (.zip.age) */

static size_t
bench_hqweb_write(char *p, size_t size, size_t n, void *arg)
{
	strbuf_add(arg, p, size * n);
	return size * n;
}

/* The upload page's answer for FILE and its .minisig with CODE: its
 * headline (malloc'd), or NULL when no answer came. */
static char *
bench_hqweb_upload(CURL *h, const char *code, const char *file)
{
	struct strbuf b = STRBUF_INIT;
	curl_mime *m = curl_mime_init(h);
	curl_mimepart *p;
	char *sig = xasprintf("%s.minisig", file), *s, *e, *out = NULL;
	char u[96];

	p = curl_mime_addpart(m);
	curl_mime_name(p, "code");
	curl_mime_data(p, code, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "bundle");
	curl_mime_filedata(p, file);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "bundle");
	curl_mime_filedata(p, sig);
	snprintf(u, sizeof u, "%s/upload", url);
	curl_easy_setopt(h, CURLOPT_URL, u);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_hqweb_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	if (curl_easy_perform(h) == CURLE_OK && b.s != NULL &&
	    (s = strstr(b.s, "<p id=\"headline\">")) != NULL &&
	    (e = strstr(s += 17, "</p>")) != NULL)
		out = xstrndup(s, (size_t)(e - s));
	curl_easy_setopt(h, CURLOPT_MIMEPOST, NULL);
	curl_mime_free(m);
	strbuf_free(&b);
	free(sig);
	return out;
}

struct bench_hqweb_up {
	pthread_t t;
	int i;
	pthread_barrier_t *go;
	char *headline;
	double ms;
};

/* One of the concurrent uploads: all start at the barrier. */
static void *
bench_hqweb_one(void *arg)
{
	struct bench_hqweb_up *u = arg;
	CURL *h = curl_easy_init();
	double t0;

	pthread_barrier_wait(u->go);
	t0 = bench_now_ms();
	u->headline = bench_hqweb_upload(h, codes[u->i], first[u->i]);
	u->ms = bench_now_ms() - t0;
	curl_easy_cleanup(h);
	return NULL;
}

/* WALKS uploads at once of the first exports; how many answers start with
 * want; the slowest answer's time in *slowest. */
static int
bench_hqweb_burst(const char *want, double *slowest)
{
	struct bench_hqweb_up u[WALKS];
	pthread_barrier_t go;
	int i, ok = 0;

	pthread_barrier_init(&go, NULL, WALKS);
	for (i = 0; i < WALKS; i++) {
		u[i] = (struct bench_hqweb_up){.i = i, .go = &go};
		if (pthread_create(&u[i].t, NULL, bench_hqweb_one, &u[i]) != 0)
			bench_die("thread", NULL);
	}
	*slowest = 0;
	for (i = 0; i < WALKS; i++) {
		pthread_join(u[i].t, NULL);
		if (u[i].headline != NULL && strncmp(u[i].headline, want, strlen(want)) == 0)
			ok++;
		else
			fprintf(stderr, "bench_hqweb: upload %d: %s\n", i,
			        u[i].headline != NULL ? u[i].headline : "no answer");
		if (u[i].ms > *slowest)
			*slowest = u[i].ms;
		free(u[i].headline);
	}
	pthread_barrier_destroy(&go);
	return ok;
}

/* Uploads the next exports of every station k with k % UPLOADERS == arg's
 * index, each station's in export order. */
struct bench_hqweb_next {
	pthread_t t;
	int k, ok;
};

static void *
bench_hqweb_next(void *arg)
{
	struct bench_hqweb_next *n = arg;
	CURL *h = curl_easy_init();
	char *f, *hl, *pre;
	int i, x;

	for (i = n->k; i < WALKS; i += UPLOADERS) {
		/* first is ".../first/wat-bench-NN-ms-2026-05-02-T1-1.zip.age" */
		pre = xstrndup(first[i], strlen(first[i]) - strlen("1.zip.age"));
		for (x = 2; x <= NEXT + 1; x++) {
			f = xasprintf("%s/next/%s/%s%d.zip.age", dir, nn[i], strrchr(pre, '/') + 1,
			              x);
			hl = bench_hqweb_upload(h, codes[i], f);
			if (hl != NULL && strncmp(hl, "Received:", 9) == 0)
				n->ok++;
			else
				fprintf(stderr, "bench_hqweb: %s: %s\n", f,
				        hl != NULL ? hl : "no answer");
			free(hl);
			free(f);
		}
		free(pre);
	}
	curl_easy_cleanup(h);
	return NULL;
}

static long
bench_hqweb_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			kb = atol(line + strlen(key));
	fclose(f);
	return kb;
}

static pid_t
bench_hqweb_spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void
bench_hqweb_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* GET path on h (kept alive); its time in ms; the body in *body if asked. */
static double
bench_hqweb_get(CURL *h, const char *path, struct strbuf *body, long *code)
{
	struct strbuf b = STRBUF_INIT;
	char u[128];
	double t0;

	snprintf(u, sizeof u, "%s%s", url, path);
	curl_easy_setopt(h, CURLOPT_URL, u);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_hqweb_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	t0 = bench_now_ms();
	if (curl_easy_perform(h) != CURLE_OK)
		bench_die("GET", xstrdup(path));
	t0 = bench_now_ms() - t0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code);
	if (body != NULL)
		*body = b;
	else
		strbuf_free(&b);
	return t0;
}

/* Counts from HQ's database (the server stopped: it holds it exclusively). */
static long
bench_hqweb_count(const char *sql)
{
	char *path = xasprintf("%s/hq.db", dir);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return n;
}

int
main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	char *cmd, *sock, *db, *keys, *pub, *state, port[16], line[128], extra[256];
	char *signer_argv[6], *hq_argv[14];
	struct bench_hqweb_next nx[UPLOADERS];
	double one_ms, burst_ms, again_ms, slow1, slow2, t0, next_s, dash[DASH_N], css[DASH_N];
	pid_t spid, hpid;
	long idle_kb, burst_kb, uploads_kb, peak_kb, code, n1, nall, nrows;
	int i, received, already, next_ok = 0, fails = 0;
	struct strbuf page;
	FILE *f;
	CURL *h;

	bench_name = "bench_hqweb";
	if (mkdtemp(dir) == NULL)
		bench_die("mkdtemp", NULL);
	t0 = bench_now_ms();
	cmd = xasprintf("BUILD=%s tests/bench/hqweb-setup %s %d %d", build, dir, WALKS + 1, NEXT);
	if (system(cmd) != 0)
		bench_die("setup", cmd);
	free(cmd);
	fprintf(stderr, "bench_hqweb: %d walks, %d bundles made in %.1f s\n", WALKS + 1,
	        (WALKS + 1) * (NEXT + 1), (bench_now_ms() - t0) / 1e3);
	cmd = xasprintf("%s/codes", dir);
	if ((f = fopen(cmd, "r")) == NULL)
		bench_die("codes", cmd);
	for (i = 0; i <= WALKS; i++) {
		if (fgets(line, sizeof line, f) == NULL)
			bench_die("codes", xstrdup("too few walks"));
		if (sscanf(line, "%7s %31s", nn[i], codes[i]) != 2)
			bench_die("codes", xstrdup(line));
		first[i] =
		    xasprintf("%s/first/wat-bench-%s-ms-2026-05-02-T1-1.zip.age", dir, nn[i]);
		if (access(first[i], R_OK) != 0)
			bench_die("bundle", first[i]);
	}
	fclose(f);
	free(cmd);

	sock = xasprintf("%s/signer.sock", dir);
	keys = xasprintf("%s/keys", dir);
	pub = xasprintf("%s/assets-hq", dir);
	db = xasprintf("%s/hq.db", dir);
	state = xasprintf("%s/state", dir);
	signer_argv[0] = xasprintf("%s/wat-hq-signer", build);
	signer_argv[1] = "--keys";
	signer_argv[2] = keys;
	signer_argv[3] = "--socket";
	signer_argv[4] = sock;
	signer_argv[5] = NULL;
	spid = bench_hqweb_spawn(signer_argv);
	for (i = 0; i < 200 && access(sock, F_OK) != 0; i++)
		usleep(20000);
	snprintf(port, sizeof port, "%d", 20000 + (int)(getpid() % 20000));
	snprintf(url, sizeof url, "http://127.0.0.1:%s", port);
	hq_argv[0] = xasprintf("%s/wat-hq", build);
	hq_argv[1] = "--db";
	hq_argv[2] = db;
	hq_argv[3] = "--keys";
	hq_argv[4] = pub;
	hq_argv[5] = "--signer";
	hq_argv[6] = sock;
	hq_argv[7] = "--state";
	hq_argv[8] = state;
	hq_argv[9] = "--port";
	hq_argv[10] = port;
	hq_argv[11] = "--cookie-insecure";
	hq_argv[12] = NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	hpid = bench_hqweb_spawn(hq_argv);
	h = curl_easy_init();
	for (i = 0; i < 200; i++) {
		code = 0;
		curl_easy_setopt(h, CURLOPT_URL, NULL);
		char u[96];
		snprintf(u, sizeof u, "%s/healthz", url);
		curl_easy_setopt(h, CURLOPT_URL, u);
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		if (curl_easy_perform(h) == CURLE_OK &&
		    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code == 200)
			break;
		usleep(20000);
	}
	curl_easy_cleanup(h);
	if (code != 200)
		bench_die("wat-hq", xstrdup("did not answer /healthz"));
	idle_kb = bench_hqweb_kb(hpid, "VmHWM:");

	/* one upload alone (the extra walk's): the peer of the burst */
	h = curl_easy_init();
	t0 = bench_now_ms();
	{
		char *hl = bench_hqweb_upload(h, codes[WALKS], first[WALKS]);
		one_ms = bench_now_ms() - t0;
		if (hl == NULL || strncmp(hl, "Received:", 9) != 0)
			bench_die("upload", hl);
		free(hl);
	}
	curl_easy_cleanup(h);

	/* the burst: 50 new ones at once, then the same 50 again at once */
	t0 = bench_now_ms();
	received = bench_hqweb_burst("Received:", &slow1);
	burst_ms = bench_now_ms() - t0;
	t0 = bench_now_ms();
	already = bench_hqweb_burst("Already received", &slow2);
	again_ms = bench_now_ms() - t0;
	burst_kb = bench_hqweb_kb(hpid, "VmHWM:");
	fprintf(stderr, "bench_hqweb: burst: %d received, again: %d already received (of %d)\n",
	        received, already, WALKS);
	if (received != WALKS || already != WALKS)
		fails++;

	/* the 2,000 */
	t0 = bench_now_ms();
	for (i = 0; i < UPLOADERS; i++) {
		nx[i] = (struct bench_hqweb_next){.k = i};
		pthread_create(&nx[i].t, NULL, bench_hqweb_next, &nx[i]);
	}
	for (i = 0; i < UPLOADERS; i++) {
		pthread_join(nx[i].t, NULL);
		next_ok += nx[i].ok;
	}
	next_s = (bench_now_ms() - t0) / 1e3;
	fprintf(stderr, "bench_hqweb: %d of %d next exports received in %.1f s\n", next_ok,
	        WALKS * NEXT, next_s);
	if (next_ok != WALKS * NEXT)
		fails++;

	uploads_kb = bench_hqweb_kb(hpid, "VmHWM:");

	/* the dashboard, signed in (the sign-in's Argon2id takes 64 MiB, once:
	 * hqweb_session.c runs one at a time) */
	h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
	bench_hqweb_get(h, "/staff/login", &page, &code);
	{
		char *s = page.s != NULL ? strstr(page.s, "name=\"csrf\" value=\"") : NULL, *e,
		     *body;
		if (s == NULL || (e = strchr(s += 19, '"')) == NULL)
			bench_die("login page", xstrdup("no csrf"));
		body = xasprintf("csrf=%.*s&user=bench&password=bench-password", (int)(e - s), s);
		snprintf(line, sizeof line, "%s/staff/login", url);
		curl_easy_setopt(h, CURLOPT_URL, line);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_hqweb_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &page);
		if (curl_easy_perform(h) != CURLE_OK)
			bench_die("login", NULL);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code != 303)
			bench_die("login", xasprintf("HTTP %ld", code));
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
		free(body);
		strbuf_free(&page);
	}
	bench_hqweb_get(h, "/staff", &page, &code);
	if (code != 200 || page.s == NULL || strstr(page.s, "id=\"who\">bench<") == NULL)
		bench_die("dashboard", xasprintf("HTTP %ld, not signed in", code));
	fprintf(stderr, "bench_hqweb: dashboard %zu bytes\n", page.len);
	strbuf_free(&page);
	for (i = 0; i < DASH_N; i++) {
		dash[i] = bench_hqweb_get(h, "/staff", NULL, &code);
		if (code != 200)
			bench_die("dashboard", xasprintf("HTTP %ld", code));
		css[i] = bench_hqweb_get(h, "/style.css", NULL, &code);
	}
	curl_easy_cleanup(h);
	peak_kb = bench_hqweb_kb(hpid, "VmHWM:");
	bench_hqweb_stop(hpid);
	bench_hqweb_stop(spid);
	curl_global_cleanup();

	/* the database (fresh: only these walks) counts each upload once */
	n1 = bench_hqweb_count("SELECT count(*) FROM bundles WHERE outcome = 'counted' AND "
	                       "export_no = 1");
	nall = bench_hqweb_count("SELECT count(*) FROM bundles WHERE outcome = 'counted'");
	nrows = bench_hqweb_count("SELECT count(*) FROM (SELECT DISTINCT identity, export_no "
	                          "FROM bundles)");
	fprintf(stderr, "bench_hqweb: database: %ld first exports, %ld counted, %ld distinct\n", n1,
	        nall, nrows);
	if (n1 != WALKS + 1 || nall != WALKS * (NEXT + 1) + 1 || nrows != nall)
		fails++;

	snprintf(extra, sizeof extra,
	         ",\"uploads\":%d,\"received\":%d,\"slowest_ms\":%.1f,\"again_already\":%d,"
	         "\"again_ms\":%.1f,\"again_slowest_ms\":%.1f,\"db_counted_once\":%ld",
	         WALKS, received, slow1, already, again_ms, slow2, n1 - 1);
	bench_pair("hq_50_concurrent_uploads", "all", burst_ms, "50 x one upload alone",
	           50 * one_ms, 0, extra);
	snprintf(extra, sizeof extra,
	         ",\"bundles\":%ld,\"uploads_per_s\":%.1f,\"target_p99_ms\":100", nall,
	         WALKS * NEXT / next_s);
	bench_pair("hq_dashboard_2000_bundles", "p99", bench_pct(dash, DASH_N, 0.99),
	           "the same server's style sheet", bench_pct(css, DASH_N, 0.99), 0, extra);
	snprintf(extra, sizeof extra,
	         ",\"after_burst_mb\":%.1f,\"after_uploads_mb\":%.1f,\"target_mb\":100",
	         burst_kb / 1024.0, uploads_kb / 1024.0);
	bench_pair_unit("hq_rss_2000_bundles", "VmHWM", "MB", peak_kb / 1024.0,
	                "the same process idle after start", idle_kb / 1024.0, 0, extra);
	if (peak_kb / 1024.0 > 100 || bench_pct(dash, DASH_N, 0.99) > 100)
		fprintf(stderr, "bench_hqweb: a figure misses its target\n");
	if (getenv("BENCH_KEEP") != NULL) { /* to look at HQ's database after */
		fprintf(stderr, "bench_hqweb: kept %s\n", dir);
	} else {
		cmd = xasprintf("rm -rf %s", dir);
		if (system(cmd) != 0)
			fails++;
		free(cmd);
	}
	return fails == 0 ? 0 : 1;
}
