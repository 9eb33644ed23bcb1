/* kiosk_send.c — see kiosk_send.h. */
#include "kiosk_send.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"
#include "send.h"
#include "trust.h"
#include "util.h"

/* wat-send marks the outbox each round (2 s): older than this, it is not running. */
#define KIOSK_SEND_ALIVE_S 30

struct kiosk_send {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct kiosk_worker *w;
	void (*wake)(void *);
	void *wake_arg;
	char *db, *outbox;
	int stop, asked;
	/* what the screen shows (under mu) */
	char line[600];
	char brief[80]; /* the same in a few words (kiosk_send_brief) */
	enum kiosk_send_mood mood;
	int service;
	char blocked[300]; /* why this station cannot send at all, "" it can */
	char failed[400];  /* the last ask that could not be made, "" none */
	char again[400];   /* HQ's words to a send it had recorded already (thread only) */
};

/* ---- on the worker thread ---- */

struct kiosk_send_call {
	struct kiosk_send *s;
	int what; /* 0: ask, 1: record the answer, 2: the last receipt */
	struct send_job j;
	struct send_answer a;
	struct send_receipt r;
	int rc;
	char *cause;
};

static void
kiosk_send_on_worker(struct ledger *l, void *arg)
{
	struct kiosk_send_call *c = arg;
	int64_t seq = 0;

	switch (c->what) {
	case 0: c->rc = send_job_latest(l, c->s->db, NULL, &c->j, &c->cause); break;
	case 1: c->rc = send_record(l, &c->j, &c->a, "coordinator", &seq, &c->cause); break;
	default: c->rc = send_last_receipt(l, &c->r, &c->cause); break;
	}
}

/* ---- the thread ---- */

static int
kiosk_send_alive(const struct kiosk_send *s)
{
	char *path = xasprintf("%s/alive", s->outbox);
	struct stat st;
	int up = stat(path, &st) == 0 && time(NULL) - st.st_mtime < KIOSK_SEND_ALIVE_S;

	free(path);
	return up;
}

/* Why the station cannot send before anyone presses Send (written into
 * why, "" when it can): the HQ address and upload code come from HQ's
 * event file (the charter); a station set up by hand has none. */
static void
kiosk_send_why_not(const char *db, char *why, size_t len)
{
	char *path = xasprintf("%s.keys/charter", db);
	struct trust_charter ch;

	memset(&ch, 0, sizeof ch);
	why[0] = '\0';
	if (access(path, F_OK) != 0)
		snprintf(why, len,
		         "This station has no HQ address yet: it was set up without HQ's event "
		         "file, so it cannot send over the network. Use Export to USB and take "
		         "the stick to HQ.");
	else if (trust_charter_load(path, &ch, NULL) != 0)
		snprintf(why, len,
		         "This station's HQ address cannot be read: HQ's event file on it is "
		         "damaged. Use Export to USB and take the stick to HQ.");
	trust_charter_clear(&ch);
	free(path);
}

/* The menu's few words for a mood; r: the last receipt recorded, or NULL. */
static void
kiosk_send_brief_of(enum kiosk_send_mood m, const struct send_receipt *r, int service, int blocked,
                    char *out, size_t len)
{
	if (blocked && m == KIOSK_SEND_NONE) {
		snprintf(out, len, "No HQ address: take the USB stick");
		return;
	}
	switch (m) {
	case KIOSK_SEND_OK:
		snprintf(out, len, "Sent to HQ %s", r != NULL ? r->recorded : "");
		break;
	case KIOSK_SEND_HELD:
		snprintf(out, len, "HQ holds export %" PRId64, r != NULL ? r->export_n : 0);
		break;
	case KIOSK_SEND_BUSY:
		snprintf(out, len,
		         service ? "Sending to HQ\xe2\x80\xa6" : "Not sent yet: retrying");
		break;
	case KIOSK_SEND_REFUSED:
		if (r != NULL && r->seq != 0 && r->status != SEND_RECEIVED &&
		    r->status != SEND_ALREADY && r->status != SEND_HELD)
			snprintf(out, len, "HQ refused export %" PRId64, r->export_n);
		else
			snprintf(out, len, "Not sent to HQ: see Send to HQ");
		break;
	default: snprintf(out, len, "Not sent to HQ yet"); break;
	}
}

static void
kiosk_send_round(struct kiosk_send *s, int asked)
{
	struct kiosk_send_call c;
	struct send_progress p;
	int have_p, service = kiosk_send_alive(s), pending;
	char line[600], failed[400] = "", blocked[sizeof s->blocked];
	enum kiosk_send_mood mood = KIOSK_SEND_NONE;

	kiosk_send_why_not(s->db, blocked, sizeof blocked);

	memset(&c, 0, sizeof c);
	c.s = s;
	if (asked) {
		s->again[0] = '\0';
		c.what = 0;
		if (kiosk_worker_call(s->w, kiosk_send_on_worker, &c) == -2)
			snprintf(
			    failed, sizeof failed,
			    "Training is on: nothing of it goes to HQ. Switch training off first.");
		else if (c.rc != 0)
			snprintf(failed, sizeof failed, "%s", c.cause ? c.cause : "Cannot send.");
		else {
			struct send_progress fresh;
			memset(&fresh, 0, sizeof fresh);
			fresh.export_n = c.j.export_n;
			snprintf(fresh.said, sizeof fresh.said, "waiting for the network service");
			/* the request first: wat-send reads the status only beside it */
			if (send_request_write(s->outbox, &c.j, &c.cause) != 0 ||
			    send_progress_write(s->outbox, &fresh, &c.cause) != 0)
				snprintf(failed, sizeof failed, "%s",
				         c.cause ? c.cause : "The outbox cannot be written.");
		}
		free(c.cause);
		memset(&c, 0, sizeof c);
		c.s = s;
	}
	/* HQ's answer left by wat-send: into the ledger, then out of the outbox */
	if (send_answer_read(s->outbox, &c.j, &c.a, NULL) == 0) {
		c.what = 1;
		if (kiosk_worker_call(s->w, kiosk_send_on_worker, &c) == 0 && c.rc >= 0) {
			send_answer_remove(s->outbox);
			/* "already received": nothing new to record, but HQ's words shown */
			snprintf(s->again, sizeof s->again, "%s", c.rc == 1 ? c.a.headline : "");
		}
		free(c.cause);
		c.cause = NULL;
	}
	c.what = 2;
	if (kiosk_worker_call(s->w, kiosk_send_on_worker, &c) != 0 || c.rc < 0)
		c.r.seq = 0;
	free(c.cause);
	have_p = send_progress_read(s->outbox, &p, NULL) == 0;
	{
		struct send_job j;
		pending = send_request_read(s->outbox, &j, NULL) == 0;
	}
	if (have_p && pending && p.tries == 0) {
		snprintf(line, sizeof line,
		         service ? "Sending export %" PRId64 " to HQ\xe2\x80\xa6"
		                 : "Not sent yet (export %" PRId64
		                   "): no network service \xe2\x80\x94 "
		                   "is Wi-Fi set up in wat.conf? Meanwhile use Export to USB.",
		         p.export_n);
		mood = service ? KIOSK_SEND_BUSY : KIOSK_SEND_REFUSED;
	} else {
		send_describe(c.r.seq ? &c.r : NULL, have_p && pending ? &p : NULL,
		              (int64_t)time(NULL), line, sizeof line);
		if (have_p && pending && !send_final(p.status))
			mood = KIOSK_SEND_BUSY;
		else if (c.r.seq == 0)
			mood = KIOSK_SEND_NONE;
		else if (c.r.status == SEND_RECEIVED || c.r.status == SEND_ALREADY)
			mood = KIOSK_SEND_OK;
		else if (c.r.status == SEND_HELD)
			mood = KIOSK_SEND_HELD;
		else
			mood = KIOSK_SEND_REFUSED;
		if (s->again[0] != '\0' && mood != KIOSK_SEND_BUSY) {
			size_t n = strlen(line);
			snprintf(line + n, sizeof line - n, " HQ now: %s", s->again);
		}
	}
	int changed;
	char brief[sizeof s->brief];

	pthread_mutex_lock(&s->mu);
	if (asked || failed[0] != '\0')
		snprintf(s->failed, sizeof s->failed, "%s", failed);
	if (s->failed[0] != '\0' && !pending) {
		snprintf(line, sizeof line, "Not sent: %s", s->failed);
		s->mood = KIOSK_SEND_REFUSED;
	} else
		s->mood = mood;
	kiosk_send_brief_of(s->mood, c.r.seq ? &c.r : NULL, service, blocked[0] != '\0', brief,
	                    sizeof brief);
	changed = strcmp(s->line, line) != 0 || strcmp(s->brief, brief) != 0 ||
	          strcmp(s->blocked, blocked) != 0;
	memcpy(s->blocked, blocked, sizeof s->blocked);
	memcpy(s->line, line, sizeof s->line);
	memcpy(s->brief, brief, sizeof s->brief);
	changed |= s->service != service;
	s->service = service;
	pthread_mutex_unlock(&s->mu);
	if ((changed || asked) && s->wake != NULL)
		s->wake(s->wake_arg);
}

static void *
kiosk_send_main(void *arg)
{
	struct kiosk_send *s = arg;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		int asked = s->asked;
		struct timespec until;
		s->asked = 0;
		pthread_mutex_unlock(&s->mu);
		kiosk_send_round(s, asked);
		pthread_mutex_lock(&s->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		while (!s->stop && !s->asked &&
		       pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
kiosk_send_start(struct kiosk_worker *w, const char *db_path, void (*wake)(void *), void *arg,
                 struct kiosk_send **out, char **cause)
{
	struct kiosk_send *s = xcalloc(1, sizeof *s);

	s->w = w;
	s->wake = wake;
	s->wake_arg = arg;
	s->db = xstrdup(db_path);
	s->outbox = send_outbox_dir(db_path);
	snprintf(s->line, sizeof s->line, "Not sent to HQ yet.");
	snprintf(s->brief, sizeof s->brief, "Not sent to HQ yet");
	/* known before the first frame: the buttons never look usable by mistake */
	kiosk_send_why_not(s->db, s->blocked, sizeof s->blocked);
	if (s->blocked[0] != '\0')
		kiosk_send_brief_of(KIOSK_SEND_NONE, NULL, 0, 1, s->brief, sizeof s->brief);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	/* the outbox is made by the first request (or by wat-send) */
	if (pthread_create(&s->thread, NULL, kiosk_send_main, s) != 0) {
		util_fail(cause, "Cannot start the Send to HQ thread.");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->outbox);
	free(s->db);
	free(s);
	return -1;
}

void
kiosk_send_stop(struct kiosk_send *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->outbox);
	free(s->db);
	free(s);
}

void
kiosk_send_ask(struct kiosk_send *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->asked = 1;
	snprintf(s->line, sizeof s->line, "Sending\xe2\x80\xa6");
	snprintf(s->brief, sizeof s->brief, "Sending to HQ\xe2\x80\xa6");
	s->mood = KIOSK_SEND_BUSY;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

enum kiosk_send_mood
kiosk_send_view(struct kiosk_send *s, char *line, size_t len, int *service)
{
	enum kiosk_send_mood m;

	if (s == NULL) {
		snprintf(line, len, "Send to HQ is not available on this station.");
		*service = 0;
		return KIOSK_SEND_REFUSED;
	}
	pthread_mutex_lock(&s->mu);
	snprintf(line, len, "%s", s->line);
	m = s->mood;
	*service = s->service;
	pthread_mutex_unlock(&s->mu);
	return m;
}

enum kiosk_send_mood
kiosk_send_brief(struct kiosk_send *s, char *line, size_t len)
{
	enum kiosk_send_mood m;

	if (s == NULL) {
		snprintf(line, len, "Send to HQ: not on this station");
		return KIOSK_SEND_REFUSED;
	}
	pthread_mutex_lock(&s->mu);
	snprintf(line, len, "%s", s->brief);
	m = s->mood;
	pthread_mutex_unlock(&s->mu);
	return m;
}

int
kiosk_send_blocked(struct kiosk_send *s, char *why, size_t len)
{
	if (s == NULL) {
		snprintf(why, len,
		         "Send to HQ is not available on this station: use Export to USB.");
		return 1;
	}
	pthread_mutex_lock(&s->mu);
	snprintf(why, len, "%s", s->blocked);
	pthread_mutex_unlock(&s->mu);
	return why[0] != '\0';
}
