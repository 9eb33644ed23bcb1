/* hqweb_inbox.c — the writer thread that owns HQ's database (see
 * hqweb_inbox.h). */
#include "hqweb_inbox.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amount.h"
#include "bundle.h"
#include "hq.h"
#include "hqweb_form.h"
#include "hqweb_signer.h"
#include "stamp.h"
#include "strbuf.h"
#include "trust.h"
#include "util.h"

enum hqweb_inbox_kind {
	HQWEB_JOB_UPLOAD,
	HQWEB_JOB_REPORT,
	HQWEB_JOB_STAFF,
	HQWEB_JOB_LOG,
	HQWEB_JOB_HELD,
	HQWEB_JOB_ACCEPT,
	HQWEB_JOB_ACCEPT_EVENT,
	HQWEB_JOB_REFUSE,
	HQWEB_JOB_CSV,
	HQWEB_JOB_CALL,
	HQWEB_JOB_STOP,
};

struct hqweb_inbox_job {
	enum hqweb_inbox_kind kind;
	const char *dir, *code;
	const char *user, *action, *reason;
	int64_t id;
	struct hqweb_inbox_result *res;
	struct hq_held_row *rows;
	size_t nrows;
	char *text, *cause;
	int rc, done, admin;
	int (*fn)(struct hq *h, void *arg, char **cause);
	void *arg;
	struct hqweb_inbox_job *next;
};

struct hqweb_inbox {
	struct hq *hq;
	char *signer;   /* the socket of wat-hq-signer, which opens sealed bundles */
	char *incoming; /* where a held bundle is written to be verified again */
	char *bundles;  /* beside incoming: each new bundle's files as received, by HQ's number */
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct hqweb_inbox_job *head, *tail;
};

/* A held bundle's reason, in a coordinator's words. */
static const char *
hqweb_inbox_held_words(const char *code)
{
	static const struct {
		const char *code, *words;
	} table[] = {
	    {"chain", "signed by a station the event never certified"},
	    {"unchartered", "the event has no charter from HQ yet"},
	    {"cert", "the station's certificate does not match what HQ already has"},
	    {"fork", "this station's records differ from an earlier upload of the same station"},
	    {"station", "a second set of records under a station name HQ already counted"},
	    {"key", "signed by another key than this station's earlier uploads"},
	    {"revoked", "HQ stopped counting this station's records"},
	    {"distrusted", "HQ is checking this event's stations by hand"},
	};
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].code, code) == 0)
			return table[i].words;
	return "it needs a person at HQ to check it";
}

static int
hqweb_inbox_has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The bundle in dir: the one file not ending ".minisig" (path malloc'd),
 * its signature beside it.  -1 in words. */
static int
hqweb_inbox_find(const char *dir, char **path, char **cause)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *main_name = NULL, *sig = NULL;
	int n = 0, rc = -1;

	*path = NULL;
	if (d == NULL)
		return util_fail(cause, "The upload could not be read back: %s.", strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (hqweb_inbox_has_suffix(e->d_name, ".minisig"))
			continue;
		n++;
		free(main_name);
		main_name = xstrdup(e->d_name);
	}
	closedir(d);
	if (n == 0) {
		util_fail(cause, "No bundle file came with the upload: choose the bundle "
		                 "(its name ends in .zip.age) and its .minisig file.");
		goto end;
	}
	if (n > 1) {
		util_fail(cause, "Choose one bundle at a time (and its .minisig file).");
		goto end;
	}
	sig = xasprintf("%s/%s.minisig", dir, main_name);
	if (access(sig, R_OK) != 0) {
		util_fail(cause,
		          "The signature file %s.minisig did not come with it: choose both files "
		          "(on the stick they sit side by side).",
		          main_name);
		goto end;
	}
	*path = xasprintf("%s/%s", dir, main_name);
	rc = 0;
end:
	free(sig);
	free(main_name);
	return rc;
}

static void
hqweb_inbox_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			char *p;
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			p = xasprintf("%s/%s", dir, e->d_name);
			unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* 1 when the typed code is the charter's (both normalised; every byte
 * compared). */
static int
hqweb_inbox_code_ok(const char *typed, const char *charter)
{
	char a[TRUST_CODE_MAX + 1], b[TRUST_CODE_MAX + 1];
	unsigned char diff = 0;
	size_t i;

	if (hqweb_form_code(typed, strlen(typed), a, sizeof a) != 0 ||
	    hqweb_form_code(charter, strlen(charter), b, sizeof b) != 0)
		return 0;
	if (strlen(a) != strlen(b))
		return 0;
	for (i = 0; a[i] != '\0'; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

static void
hqweb_inbox_do_upload(struct hqweb_inbox *in, struct hqweb_inbox_job *job)
{
	struct hqweb_inbox_result *res = job->res;
	struct bundle_report rep;
	struct hq_merge_result mr;
	struct trust_charter ch;
	struct hqweb_signer_client signer = {in->signer, 0};
	char *path = NULL, *cause = NULL, total[32], owed[32], when[24];
	const char *city;
	int have_rep = 0, have_ch = 0, kept = 0;
	int64_t at = 0;

	memset(res, 0, sizeof *res);
	memset(&ch, 0, sizeof ch);
	res->status = HQWEB_INBOX_REFUSED;
	if (hqweb_inbox_find(job->dir, &path, &cause) != 0) {
		snprintf(res->headline, sizeof res->headline, "Not received: files missing.");
		snprintf(res->detail, sizeof res->detail, "%s", cause);
		goto end;
	}
	if (bundle_verify_path_with(path, NULL, hqweb_signer_open, &signer, &rep, &cause) != 0) {
		if (signer.down) {
			res->status = HQWEB_INBOX_FAILED;
			snprintf(
			    res->headline, sizeof res->headline,
			    "Not received: HQ cannot open bundles just now; nothing was recorded. "
			    "Try again in a few minutes.");
			snprintf(res->detail, sizeof res->detail, "%s", cause);
			goto end;
		}
		snprintf(res->headline, sizeof res->headline,
		         "Not received: this bundle does not check out, nothing was recorded.");
		snprintf(res->detail, sizeof res->detail,
		         "HQ's check said: %s Export the bundle again on the station and upload "
		         "the new files, or call HQ.",
		         cause);
		goto end;
	}
	have_rep = 1;
	city = rep.meta.city != NULL ? rep.meta.city : "";
	snprintf(res->event, sizeof res->event, "%s, %s",
	         rep.meta.event_name != NULL ? rep.meta.event_name : "", city);
	if (rep.meta.charter != NULL) {
		if (trust_charter_parse(rep.meta.charter, strlen(rep.meta.charter), &ch, &cause) !=
		    0) {
			snprintf(res->headline, sizeof res->headline,
			         "Not received: the bundle's charter cannot be read.");
			snprintf(res->detail, sizeof res->detail, "%s Call HQ.", cause);
			goto end;
		}
		have_ch = 1;
		if (!hqweb_inbox_code_ok(job->code != NULL ? job->code : "", ch.upload_code)) {
			snprintf(res->headline, sizeof res->headline,
			         "Not received: the upload code is not this event's.");
			snprintf(res->detail, sizeof res->detail,
			         "The code is printed on the charter sheet of %s (%s, %s). Type it "
			         "again; nothing was recorded.",
			         ch.name, ch.city, ch.date);
			goto end;
		}
	}
	if (hq_merge(in->hq, &rep, path, &mr, &cause) != 0) {
		res->status = HQWEB_INBOX_FAILED;
		snprintf(res->headline, sizeof res->headline,
		         "Not received: HQ could not record it just now. Try again in a few "
		         "minutes.");
		snprintf(res->detail, sizeof res->detail, "%s", cause);
		goto end;
	}
	res->bundle = mr.bundle;
	if (hq_received_at(in->hq, &rep, &at, &cause) == 0 && at > 0)
		snprintf(res->received_at, sizeof res->received_at, "%s UTC",
		         stamp_format_utc(at, when, sizeof when));
	amount_format(rep.content.fig.total_cents, total, sizeof total);
	amount_format(rep.content.fig.cash_cents + rep.content.fig.check_cents, owed, sizeof owed);
	switch (mr.outcome) {
	case HQ_MERGED:
		res->status = HQWEB_INBOX_RECEIVED;
		snprintf(res->headline, sizeof res->headline,
		         "Received: %s, station %s, export %" PRId64 " \xe2\x80\x94 %" PRId64
		         " walkers, %s; the cash and checks you send should total %s.",
		         city, rep.content.fig.station, rep.content.fig.export_no,
		         rep.content.fig.walkers, total, owed);
		snprintf(res->detail, sizeof res->detail,
		         "HQ's number for this upload: #%" PRId64 ". %" PRId64
		         " donations (by check: %" PRId64 "), %" PRId64 " laps.",
		         mr.bundle, rep.content.fig.donations, rep.content.fig.checks,
		         rep.content.fig.laps);
		break;
	case HQ_ALREADY:
		res->status = HQWEB_INBOX_ALREADY;
		snprintf(res->headline, sizeof res->headline,
		         "Already received on %s: %s, station %s, export %" PRId64
		         "; nothing was counted twice.",
		         res->received_at[0] ? res->received_at : "an earlier upload", city,
		         rep.content.fig.station, rep.content.fig.export_no);
		snprintf(res->detail, sizeof res->detail,
		         "It showed %" PRId64
		         " walkers and %s; the cash and checks should total %s.",
		         rep.content.fig.walkers, total, owed);
		break;
	case HQ_HELD:
		res->status = HQWEB_INBOX_HELD;
		snprintf(res->headline, sizeof res->headline,
		         "Held: %s; HQ will call you. Nothing is lost.",
		         hqweb_inbox_held_words(mr.code));
		snprintf(res->detail, sizeof res->detail,
		         "HQ keeps the upload as #%" PRId64 " (%s, station %s, export %" PRId64
		         ") until a person checks it.",
		         mr.bundle, city, rep.content.fig.station, rep.content.fig.export_no);
		break;
	case HQ_REFUSED:
		res->status = HQWEB_INBOX_REFUSED;
		snprintf(res->headline, sizeof res->headline,
		         "Not counted: HQ already has a later export of station %s.",
		         rep.content.fig.station);
		snprintf(res->detail, sizeof res->detail, "%s", mr.message);
		break;
	}
	/* a new bundle's files as they arrived, for staff to download (after
	 * the merge's commit: a crash in between loses only this copy) */
	if ((mr.outcome == HQ_MERGED || mr.outcome == HQ_HELD) && mr.bundle > 0) {
		char *to = xasprintf("%s/%" PRId64, in->bundles, mr.bundle);
		if (util_mkdir(in->bundles, 0700) == 0 && rename(job->dir, to) == 0)
			kept = 1;
		else
			fprintf(stderr, "wat-hq: bundle #%" PRId64 " not kept as received: %s\n",
			        mr.bundle, strerror(errno));
		free(to);
	}
end:
	if (have_ch)
		trust_charter_clear(&ch);
	if (have_rep)
		bundle_report_clear(&rep);
	if (!kept)
		hqweb_inbox_rmdir(job->dir);
	free(cause);
	free(path);
}

/* A person accepts held bundle job->id: its kept bytes verified again as
 * an upload is (the signer opens them), then counted past its reason. */
static int
hqweb_inbox_do_accept(struct hqweb_inbox *in, struct hqweb_inbox_job *job)
{
	struct hqweb_signer_client signer = {in->signer, 0};
	struct hq_held b;
	struct bundle_report rep;
	struct hq_merge_result mr;
	char *dir = NULL, *path = NULL, *sig = NULL, *why = NULL, name[HQWEB_FORM_NAME_MAX + 1];
	int rc = -1, have = 0;

	memset(&b, 0, sizeof b);
	if (hq_held_load(in->hq, job->id, &b, &job->cause) != 0)
		return -1;
	if (b.data != NULL) {
		const char *base = strrchr(b.file, '/') != NULL ? strrchr(b.file, '/') + 1 : b.file;
		if (hqweb_form_filename(base, strlen(base), name) != 0)
			snprintf(name, sizeof name, "held.zip.age");
		dir = xasprintf("%s/held-XXXXXX", in->incoming);
		if (mkdtemp(dir) == NULL) {
			util_fail(&job->cause, "HQ could not write the bundle to check it: %s.",
			          strerror(errno));
			goto end;
		}
		sig = xasprintf("%s.minisig", name);
		if (util_write_file(dir, name, b.data, b.len, 0600, &job->cause) != 0 ||
		    util_write_file(dir, sig, b.sig, b.slen, 0600, &job->cause) != 0)
			goto end;
		path = xasprintf("%s/%s", dir, name);
		if (bundle_verify_path_with(path, NULL, hqweb_signer_open, &signer, &rep,
		                            &job->cause) != 0)
			goto end;
		have = 1;
	}
	why = xasprintf("%s (staff %s)", job->reason, job->user);
	if (hq_accept(in->hq, job->id, have ? &rep : NULL, why, &mr, &job->cause) != 0)
		goto end;
	job->text = xstrdup(mr.message);
	rc = mr.outcome == HQ_HELD ? -1 : 0;
	if (rc != 0)
		job->cause = xstrdup(mr.message);
end:
	if (have)
		bundle_report_clear(&rep);
	if (dir != NULL)
		hqweb_inbox_rmdir(dir);
	free(why);
	free(path);
	free(sig);
	free(dir);
	hq_held_free(&b);
	return rc;
}

/* A person accepts the event of key id job->code, then each bundle held
 * for want of it (hq-accept --event-key). */
static int
hqweb_inbox_do_accept_event(struct hqweb_inbox *in, struct hqweb_inbox_job *job)
{
	struct strbuf b = STRBUF_INIT;
	char *why = xasprintf("%s (staff %s)", job->reason, job->user), *msg = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = -1;

	if (hq_accept_event(in->hq, job->code, why, &msg, &job->cause) != 0 ||
	    hq_held_for_event(in->hq, job->code, &ids, &n, &job->cause) != 0)
		goto end;
	strbuf_puts(&b, msg);
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct hqweb_inbox_job one = {.kind = HQWEB_JOB_ACCEPT,
		                              .id = ids[i],
		                              .user = job->user,
		                              .reason = job->reason};
		if (hqweb_inbox_do_accept(in, &one) != 0)
			rc = -1;
		strbuf_printf(&b, "\n#%lld: %s", (long long)ids[i],
		              one.text != NULL    ? one.text
		              : one.cause != NULL ? one.cause
		                                  : "not accepted");
		free(one.text);
		free(one.cause);
	}
	if (n == 0)
		strbuf_puts(&b, "\nNo bundle was held for want of it.");
	job->text = strbuf_take(&b);
	if (rc != 0)
		job->cause = xstrdup(job->text);
end:
	strbuf_free(&b);
	free(ids);
	free(msg);
	free(why);
	return rc;
}

static void *
hqweb_inbox_main(void *arg)
{
	struct hqweb_inbox *in = arg;
	struct hqweb_inbox_job *job;
	int stop = 0;

	while (!stop) {
		pthread_mutex_lock(&in->lock);
		while (in->head == NULL)
			pthread_cond_wait(&in->work, &in->lock);
		job = in->head;
		in->head = job->next;
		if (in->head == NULL)
			in->tail = NULL;
		pthread_mutex_unlock(&in->lock);
		switch (job->kind) {
		case HQWEB_JOB_UPLOAD: hqweb_inbox_do_upload(in, job); break;
		case HQWEB_JOB_REPORT: job->rc = hq_report(in->hq, &job->text, &job->cause); break;
		case HQWEB_JOB_STAFF:
			job->rc =
			    hq_staff_get(in->hq, job->user, &job->text, &job->admin, &job->cause);
			break;
		case HQWEB_JOB_LOG:
			job->rc = hq_staff_log(in->hq, job->user, job->action, job->id, job->reason,
			                       &job->cause);
			break;
		case HQWEB_JOB_HELD:
			job->rc = hq_held_list(in->hq, &job->rows, &job->nrows, &job->cause);
			break;
		case HQWEB_JOB_ACCEPT: job->rc = hqweb_inbox_do_accept(in, job); break;
		case HQWEB_JOB_ACCEPT_EVENT: job->rc = hqweb_inbox_do_accept_event(in, job); break;
		case HQWEB_JOB_REFUSE: {
			char *why = xasprintf("%s (staff %s)", job->reason, job->user);
			job->rc = hq_refuse(in->hq, job->id, why, &job->text, &job->cause);
			free(why);
			break;
		}
		case HQWEB_JOB_CSV:
			job->rc = hq_csv(in->hq, job->user, &job->text, &job->cause);
			break;
		case HQWEB_JOB_CALL: job->rc = job->fn(in->hq, job->arg, &job->cause); break;
		case HQWEB_JOB_STOP: stop = 1; break;
		}
		pthread_mutex_lock(&in->lock);
		job->done = 1;
		pthread_cond_broadcast(&in->done);
		pthread_mutex_unlock(&in->lock);
	}
	return NULL;
}

/* Queues job and waits until the writer ran it. */
static void
hqweb_inbox_run(struct hqweb_inbox *in, struct hqweb_inbox_job *job)
{
	pthread_mutex_lock(&in->lock);
	job->next = NULL;
	if (in->tail != NULL)
		in->tail->next = job;
	else
		in->head = job;
	in->tail = job;
	pthread_cond_signal(&in->work);
	while (!job->done)
		pthread_cond_wait(&in->done, &in->lock);
	pthread_mutex_unlock(&in->lock);
}

int
hqweb_inbox_start(const char *db, const char *keys, const char *signer, const char *incoming,
                  struct hqweb_inbox **out, char **cause)
{
	struct hqweb_inbox *in = xcalloc(1, sizeof *in);
	struct trust_hq hk;

	*out = NULL;
	pthread_mutex_init(&in->lock, NULL);
	pthread_cond_init(&in->work, NULL);
	pthread_cond_init(&in->done, NULL);
	if (hq_open(db, &in->hq, cause) != 0)
		goto fail;
	if (trust_hq_load(keys, &hk, cause) != 0)
		goto fail;
	hq_set_keys(in->hq, &hk);
	in->signer = xstrdup(signer);
	in->incoming = xstrdup(incoming);
	{
		const char *slash = strrchr(incoming, '/');
		in->bundles = slash != NULL
		                  ? xasprintf("%.*s/bundles", (int)(slash - incoming), incoming)
		                  : xstrdup("bundles");
	}
	if (pthread_create(&in->thread, NULL, hqweb_inbox_main, in) != 0) {
		util_fail(cause, "Cannot start the writer thread.");
		goto fail;
	}
	in->started = 1;
	*out = in;
	return 0;
fail:
	hqweb_inbox_stop(in);
	return -1;
}

void
hqweb_inbox_stop(struct hqweb_inbox *in)
{
	if (in == NULL)
		return;
	if (in->started) {
		struct hqweb_inbox_job job = {.kind = HQWEB_JOB_STOP};
		hqweb_inbox_run(in, &job);
		pthread_join(in->thread, NULL);
	}
	free(in->signer);
	free(in->incoming);
	free(in->bundles);
	hq_free(in->hq);
	pthread_cond_destroy(&in->done);
	pthread_cond_destroy(&in->work);
	pthread_mutex_destroy(&in->lock);
	free(in);
}

void
hqweb_inbox_upload(struct hqweb_inbox *in, const char *dir, const char *code,
                   struct hqweb_inbox_result *res)
{
	struct hqweb_inbox_job job = {
	    .kind = HQWEB_JOB_UPLOAD, .dir = dir, .code = code, .res = res};

	hqweb_inbox_run(in, &job);
}

int
hqweb_inbox_report(struct hqweb_inbox *in, char **text, char **cause)
{
	struct hqweb_inbox_job job = {.kind = HQWEB_JOB_REPORT};

	hqweb_inbox_run(in, &job);
	*text = job.text;
	if (job.rc != 0) {
		if (cause != NULL)
			*cause = job.cause;
		else
			free(job.cause);
	}
	return job.rc;
}

int
hqweb_inbox_staff(struct hqweb_inbox *in, const char *user, char **pwhash, int *admin)
{
	struct hqweb_inbox_job job = {.kind = HQWEB_JOB_STAFF, .user = user};

	hqweb_inbox_run(in, &job);
	*pwhash = job.text;
	*admin = job.admin;
	free(job.cause);
	return job.rc;
}

int
hqweb_inbox_log(struct hqweb_inbox *in, const char *user, const char *action, int64_t id,
                const char *subject)
{
	struct hqweb_inbox_job job = {
	    .kind = HQWEB_JOB_LOG, .user = user, .action = action, .id = id, .reason = subject};

	hqweb_inbox_run(in, &job);
	free(job.cause);
	return job.rc;
}

int
hqweb_inbox_held(struct hqweb_inbox *in, struct hq_held_row **rows, size_t *n, char **cause)
{
	struct hqweb_inbox_job job = {.kind = HQWEB_JOB_HELD};

	hqweb_inbox_run(in, &job);
	*rows = job.rows;
	*n = job.nrows;
	*cause = job.cause;
	return job.rc;
}

int
hqweb_inbox_decide(struct hqweb_inbox *in, int accept, int64_t id, const char *user,
                   const char *reason, char **msg, char **cause)
{
	struct hqweb_inbox_job job = {.kind = accept ? HQWEB_JOB_ACCEPT : HQWEB_JOB_REFUSE,
	                              .id = id,
	                              .user = user,
	                              .reason = reason};

	hqweb_inbox_run(in, &job);
	*msg = job.text;
	*cause = job.cause;
	return job.rc;
}

int
hqweb_inbox_accept_event(struct hqweb_inbox *in, const char *event_key, const char *user,
                         const char *reason, char **msg, char **cause)
{
	struct hqweb_inbox_job job = {
	    .kind = HQWEB_JOB_ACCEPT_EVENT, .code = event_key, .user = user, .reason = reason};

	hqweb_inbox_run(in, &job);
	*msg = job.text;
	*cause = job.cause;
	return job.rc;
}

int
hqweb_inbox_csv(struct hqweb_inbox *in, const char *city, char **text, char **cause)
{
	struct hqweb_inbox_job job = {.kind = HQWEB_JOB_CSV, .user = city};

	hqweb_inbox_run(in, &job);
	*text = job.text;
	*cause = job.cause;
	return job.rc;
}

int
hqweb_inbox_call(struct hqweb_inbox *in, int (*fn)(struct hq *h, void *arg, char **cause),
                 void *arg, char **cause)
{
	struct hqweb_inbox_job job = {.kind = HQWEB_JOB_CALL, .fn = fn, .arg = arg};

	hqweb_inbox_run(in, &job);
	if (cause != NULL)
		*cause = job.cause;
	else
		free(job.cause);
	return job.rc;
}
