/* send.c — see send.h. */
#include "send.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "ledger.h"
#include "strbuf.h"
#include "trust.h"
#include "util.h"

static const char *const send_names[] = {
    [SEND_RECEIVED] = "received", [SEND_ALREADY] = "already", [SEND_HELD] = "held",
    [SEND_REFUSED] = "refused",   [SEND_RETRY] = "retry",     [SEND_OFFLINE] = "offline",
};

const char *
send_status_name(enum send_status s)
{
	return (unsigned)s < sizeof send_names / sizeof send_names[0] ? send_names[s] : "offline";
}

int
send_status_find(const char *name, enum send_status *s)
{
	for (size_t i = 0; i < sizeof send_names / sizeof send_names[0]; i++)
		if (name != NULL && strcmp(name, send_names[i]) == 0) {
			*s = (enum send_status)i;
			return 0;
		}
	return -1;
}

int
send_final(enum send_status s)
{
	return s == SEND_RECEIVED || s == SEND_ALREADY || s == SEND_HELD || s == SEND_REFUSED;
}

static void
send_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* ---- the job ---- */

struct send_export {
	int64_t n;
	char *file;
};

static int
send_export_cb(const struct ledger_entry *e, void *arg)
{
	struct send_export *x = arg;
	size_t len = strlen(e->line);
	int64_t n;

	if (json_get_int(e->line, len, "data.n", &n) == 0 && n > x->n) {
		x->n = n;
		free(x->file);
		x->file = json_get_str(e->line, len, "data.file");
	}
	return 0;
}

int
send_job_latest(struct ledger *l, const char *db_path, const char *inbox, struct send_job *j,
                char **cause)
{
	struct send_export x = {0, NULL};
	struct trust_charter ch;
	char *path = NULL;
	int rc = -1;

	memset(j, 0, sizeof *j);
	memset(&ch, 0, sizeof ch);
	if (ledger_kind_entries(l, "export", 1, send_export_cb, &x, cause) != 0)
		goto end;
	if (x.n == 0 || x.file == NULL || x.file[0] == '\0' || strchr(x.file, '/') != NULL) {
		util_fail(cause, "Nothing to send yet: export the bundle first (Close-out, then "
		                 "Export).");
		goto end;
	}
	j->export_n = x.n;
	/* the sealed file (.zip.age) as HQ gets it; a clear zip when unsealed */
	snprintf(j->file, sizeof j->file, "%s.age", x.file);
	snprintf(j->zip, sizeof j->zip, "%s.exports/%s", db_path, j->file);
	if (access(j->zip, F_OK) != 0) {
		send_copy(j->file, sizeof j->file, x.file);
		snprintf(j->zip, sizeof j->zip, "%s.exports/%s", db_path, j->file);
	}
	snprintf(j->sig, sizeof j->sig, "%s.minisig", j->zip);
	if (access(j->zip, R_OK) != 0 || access(j->sig, R_OK) != 0) {
		util_fail(cause,
		          "The station's copy of export %" PRId64 " (%s) is missing: export again, "
		          "or take the USB stick to HQ.",
		          x.n, x.file);
		goto end;
	}
	path = xasprintf("%s.keys/charter", db_path);
	if (trust_charter_load(path, &ch, NULL) != 0) {
		util_fail(cause, "This event has no charter from HQ, so the station does not know "
		                 "HQ's inbox or the upload code: take the USB stick to HQ.");
		goto end;
	}
	send_copy(j->code, sizeof j->code, ch.upload_code);
	send_copy(j->inbox, sizeof j->inbox, inbox != NULL && inbox[0] != '\0' ? inbox : ch.inbox);
	if (strncmp(j->inbox, "http://", 7) != 0 && strncmp(j->inbox, "https://", 8) != 0) {
		util_fail(cause, "HQ's inbox must be an http:// or https:// address.");
		goto end;
	}
	rc = 0;
end:
	trust_charter_clear(&ch);
	free(path);
	free(x.file);
	return rc;
}

char *
send_upload_url(const char *inbox)
{
	size_t n = strlen(inbox);

	while (n > 0 && inbox[n - 1] == '/')
		n--;
	if (n >= 7 && strncmp(inbox + n - 7, "/upload", 7) == 0)
		return xstrndup(inbox, n);
	return xasprintf("%.*s/upload", (int)n, inbox);
}

/* ---- HQ's answer ---- */

/* The text from after `start` up to `stop`, HTML entities undone. */
static void
send_html_text(const char *html, size_t len, const char *start, const char *stop, char *out,
               size_t outlen)
{
	const char *p = memmem(html, len, start, strlen(start)), *end, *q;
	size_t o = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(start);
	end = memmem(p, len - (size_t)(p - html), stop, strlen(stop));
	if (end == NULL)
		return;
	static const struct {
		const char *ent;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	for (q = p; q < end && o + 1 < outlen;) {
		size_t i;
		if (*q == '&') {
			for (i = 0; i < sizeof ents / sizeof ents[0]; i++) {
				size_t el = strlen(ents[i].ent);
				if ((size_t)(end - q) >= el && memcmp(q, ents[i].ent, el) == 0) {
					out[o++] = ents[i].c;
					q += el;
					break;
				}
			}
			if (i < sizeof ents / sizeof ents[0])
				continue;
		}
		out[o++] = (char)((unsigned char)*q < 0x20 ? ' ' : *q);
		q++;
	}
	out[o] = '\0';
}

void
send_answer_parse(const char *html, size_t len, long http, struct send_answer *a)
{
	char cls[32], num[32];

	memset(a, 0, sizeof *a);
	a->http = http;
	send_html_text(html, len, "<div class=\"answer ", "\"", cls, sizeof cls);
	send_html_text(html, len, "<p id=\"headline\">", "</p>", a->headline, sizeof a->headline);
	send_html_text(html, len, "<p id=\"detail\">", "</p>", a->detail, sizeof a->detail);
	send_html_text(html, len, "<dd id=\"number\">#", "</dd>", num, sizeof num);
	send_html_text(html, len, "<dt>Received</dt><dd>", "</dd>", a->received_at,
	               sizeof a->received_at);
	a->number = strtoll(num, NULL, 10);
	if (a->number < 0)
		a->number = 0;
	if (strcmp(cls, "failed") == 0 || http == 503 || http >= 500 || http == 0)
		a->status = SEND_RETRY;
	else if (send_status_find(cls, &a->status) != 0 || !send_final(a->status))
		a->status = http >= 400 ? SEND_REFUSED : SEND_RETRY;
	if (a->headline[0] == '\0') {
		/* not wat-hq's receipt page (a proxy's error, a wrong address, a
		 * page cut short): never taken for HQ's receipt */
		a->status = http >= 400 && http < 500 ? SEND_REFUSED : SEND_RETRY;
		a->number = 0;
		if (a->status == SEND_RETRY)
			snprintf(a->headline, sizeof a->headline,
			         "HQ's inbox did not answer properly (HTTP %ld): trying again.",
			         http);
		else
			snprintf(a->headline, sizeof a->headline,
			         "HQ's inbox refused the upload (HTTP %ld): is the inbox address "
			         "right?",
			         http);
		if (http == 404 && a->status == SEND_REFUSED)
			snprintf(a->detail, sizeof a->detail,
			         "There is no upload form at that address (HTTP 404).");
	}
}

/* ---- the receipt entry ---- */

struct send_find {
	int64_t export_n;
	enum send_status status;
	const char *said;
	int64_t seq;
	struct send_receipt *last;
};

static int
send_receipt_read(const struct ledger_entry *e, struct send_receipt *r)
{
	size_t len = strlen(e->line);
	char *s;
	struct tm tm;
	time_t t = (time_t)(e->at.wall_ms / 1000);

	memset(r, 0, sizeof *r);
	r->seq = e->seq;
	json_get_int(e->line, len, "data.n", &r->export_n);
	json_get_int(e->line, len, "data.number", &r->number);
	s = json_get_str(e->line, len, "data.status");
	if (send_status_find(s, &r->status) != 0)
		r->status = SEND_REFUSED;
	free(s);
	s = json_get_str(e->line, len, "data.said");
	send_copy(r->said, sizeof r->said, s);
	free(s);
	s = json_get_str(e->line, len, "data.received_at");
	send_copy(r->received_at, sizeof r->received_at, s);
	free(s);
	if (localtime_r(&t, &tm) != NULL)
		strftime(r->recorded, sizeof r->recorded, "%A %H:%M", &tm);
	return 0;
}

static int
send_find_cb(const struct ledger_entry *e, void *arg)
{
	struct send_find *f = arg;
	struct send_receipt r;

	send_receipt_read(e, &r);
	if (f->last != NULL)
		*f->last = r;
	/* one receipt per export and answer: HQ's "already received" after its
	 * "received" says nothing new; a refusal is kept once per reason */
	if (r.export_n == f->export_n && f->seq == 0) {
		int counted = r.status == SEND_RECEIVED || r.status == SEND_ALREADY;
		int now_counted = f->status == SEND_RECEIVED || f->status == SEND_ALREADY;
		if ((counted && now_counted) ||
		    (r.status == f->status &&
		     (f->status == SEND_HELD || strcmp(r.said, f->said) == 0)))
			f->seq = r.seq;
	}
	return 0;
}

int
send_record(struct ledger *l, const struct send_job *j, const struct send_answer *a, const char *op,
            int64_t *seq, char **cause)
{
	struct send_find f = {j->export_n, a->status, a->headline, 0, NULL};
	struct strbuf b = STRBUF_INIT;
	char *up = NULL;
	int rc = -1;

	if (!send_final(a->status))
		return util_fail(cause, "HQ has not answered yet: nothing to record.");
	if (ledger_kind_entries(l, "hq-receipt", 1, send_find_cb, &f, cause) != 0)
		return -1;
	if (f.seq != 0) {
		*seq = f.seq;
		return 1;
	}
	up = send_upload_url(j->inbox);
	strbuf_printf(&b, "{\"n\":%" PRId64 ",\"file\":", j->export_n);
	strbuf_json(&b, j->file);
	strbuf_puts(&b, ",\"status\":");
	strbuf_json(&b, send_status_name(a->status));
	strbuf_puts(&b, ",\"said\":");
	strbuf_json(&b, a->headline);
	if (a->detail[0] != '\0') {
		strbuf_puts(&b, ",\"detail\":");
		strbuf_json(&b, a->detail);
	}
	if (a->number > 0)
		strbuf_printf(&b, ",\"number\":%" PRId64, a->number);
	if (a->received_at[0] != '\0') {
		strbuf_puts(&b, ",\"received_at\":");
		strbuf_json(&b, a->received_at);
	}
	strbuf_puts(&b, ",\"inbox\":");
	strbuf_json(&b, up);
	strbuf_puts(&b, "}");
	if (ledger_append(l, "hq-receipt", 0, 0, 0, b.s, op, seq, cause) == 0)
		rc = 0;
	strbuf_free(&b);
	free(up);
	return rc;
}

int
send_last_receipt(struct ledger *l, struct send_receipt *r, char **cause)
{
	struct send_find f = {-1, SEND_RECEIVED, "", 0, r};

	r->seq = 0;
	if (ledger_kind_entries(l, "hq-receipt", 1, send_find_cb, &f, cause) != 0)
		return -1;
	return r->seq != 0;
}

/* ---- the outbox ---- */

char *
send_outbox_dir(const char *db_path)
{
	return xasprintf("%s.outbox", db_path);
}

static int
send_put(const char *outbox, const char *name, struct strbuf *b, char **cause)
{
	int rc;

	if (util_mkdir(outbox, 0700) != 0) {
		strbuf_free(b);
		return util_fail(cause, "Cannot make the outbox folder %s: %s.", outbox,
		                 strerror(errno));
	}
	rc = util_write_file(outbox, name, b->s, b->len, 0600, cause);
	strbuf_free(b);
	return rc;
}

/* 0 and *text (malloc'd), 1 absent, -1. */
static int
send_get(const char *outbox, const char *name, char **text, size_t *len, char **cause)
{
	char *path = xasprintf("%s/%s", outbox, name);
	int rc = 0;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		rc = 1;
	else if (util_read_file(path, 64 * 1024, text, len, cause) != 0)
		rc = -1;
	free(path);
	return rc;
}

static void
send_job_json(struct strbuf *b, const struct send_job *j)
{
	strbuf_printf(b, "\"n\":%" PRId64 ",\"file\":", j->export_n);
	strbuf_json(b, j->file);
	strbuf_puts(b, ",\"zip\":");
	strbuf_json(b, j->zip);
	strbuf_puts(b, ",\"sig\":");
	strbuf_json(b, j->sig);
	strbuf_puts(b, ",\"inbox\":");
	strbuf_json(b, j->inbox);
	strbuf_puts(b, ",\"code\":");
	strbuf_json(b, j->code);
}

static void
send_str(const char *t, size_t len, const char *key, char *out, size_t outlen)
{
	char *s = json_get_str(t, len, key);
	send_copy(out, outlen, s);
	free(s);
}

static int
send_job_parse(const char *t, size_t len, struct send_job *j, char **cause)
{
	memset(j, 0, sizeof *j);
	if (json_get_int(t, len, "n", &j->export_n) != 0)
		return util_fail(cause, "The outbox's request is not readable.");
	send_str(t, len, "file", j->file, sizeof j->file);
	send_str(t, len, "zip", j->zip, sizeof j->zip);
	send_str(t, len, "sig", j->sig, sizeof j->sig);
	send_str(t, len, "inbox", j->inbox, sizeof j->inbox);
	send_str(t, len, "code", j->code, sizeof j->code);
	if (j->zip[0] == '\0' || j->sig[0] == '\0' || j->inbox[0] == '\0')
		return util_fail(cause, "The outbox's request is not readable.");
	return 0;
}

int
send_request_write(const char *outbox, const struct send_job *j, char **cause)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_puts(&b, "{");
	send_job_json(&b, j);
	strbuf_puts(&b, "}\n");
	return send_put(outbox, "request", &b, cause);
}

int
send_request_read(const char *outbox, struct send_job *j, char **cause)
{
	char *t = NULL;
	size_t len = 0;
	int rc = send_get(outbox, "request", &t, &len, cause);

	if (rc == 0)
		rc = send_job_parse(t, len, j, cause);
	free(t);
	return rc;
}

static int
send_unlink(const char *outbox, const char *name)
{
	char *path = xasprintf("%s/%s", outbox, name);
	int rc = unlink(path) == 0 || errno == ENOENT ? 0 : -1;

	free(path);
	return rc;
}

int
send_request_remove(const char *outbox)
{
	return send_unlink(outbox, "request");
}

int
send_progress_write(const char *outbox, const struct send_progress *p, char **cause)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_printf(&b,
	              "{\"n\":%" PRId64 ",\"tries\":%d,\"next\":%" PRId64 ",\"retry_s\":%d,"
	              "\"status\":",
	              p->export_n, p->tries, p->next_wall, p->retry_s);
	strbuf_json(&b, send_status_name(p->status));
	strbuf_puts(&b, ",\"said\":");
	strbuf_json(&b, p->said);
	strbuf_puts(&b, "}\n");
	return send_put(outbox, "status", &b, cause);
}

int
send_progress_read(const char *outbox, struct send_progress *p, char **cause)
{
	char *t = NULL, *s;
	size_t len = 0;
	int64_t v = 0;
	int rc = send_get(outbox, "status", &t, &len, cause);

	memset(p, 0, sizeof *p);
	if (rc != 0)
		return rc;
	json_get_int(t, len, "n", &p->export_n);
	if (json_get_int(t, len, "tries", &v) == 0)
		p->tries = (int)v;
	json_get_int(t, len, "next", &p->next_wall);
	if (json_get_int(t, len, "retry_s", &v) == 0)
		p->retry_s = (int)v;
	s = json_get_str(t, len, "status");
	if (send_status_find(s, &p->status) != 0)
		p->status = SEND_OFFLINE;
	free(s);
	send_str(t, len, "said", p->said, sizeof p->said);
	free(t);
	return 0;
}

int
send_answer_write(const char *outbox, const struct send_job *j, const struct send_answer *a,
                  char **cause)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_puts(&b, "{");
	send_job_json(&b, j);
	strbuf_puts(&b, ",\"status\":");
	strbuf_json(&b, send_status_name(a->status));
	strbuf_printf(&b, ",\"http\":%ld,\"number\":%" PRId64 ",\"headline\":", a->http, a->number);
	strbuf_json(&b, a->headline);
	strbuf_puts(&b, ",\"detail\":");
	strbuf_json(&b, a->detail);
	strbuf_puts(&b, ",\"received_at\":");
	strbuf_json(&b, a->received_at);
	strbuf_puts(&b, "}\n");
	return send_put(outbox, "answer", &b, cause);
}

int
send_answer_read(const char *outbox, struct send_job *j, struct send_answer *a, char **cause)
{
	char *t = NULL, *s;
	size_t len = 0;
	int64_t v = 0;
	int rc = send_get(outbox, "answer", &t, &len, cause);

	memset(a, 0, sizeof *a);
	if (rc != 0)
		return rc;
	if (send_job_parse(t, len, j, cause) != 0) {
		free(t);
		return -1;
	}
	s = json_get_str(t, len, "status");
	if (send_status_find(s, &a->status) != 0 || !send_final(a->status)) {
		free(s);
		free(t);
		return util_fail(cause, "The outbox's answer is not readable.");
	}
	free(s);
	if (json_get_int(t, len, "http", &v) == 0)
		a->http = (long)v;
	json_get_int(t, len, "number", &a->number);
	send_str(t, len, "headline", a->headline, sizeof a->headline);
	send_str(t, len, "detail", a->detail, sizeof a->detail);
	send_str(t, len, "received_at", a->received_at, sizeof a->received_at);
	free(t);
	return 0;
}

int
send_answer_remove(const char *outbox)
{
	return send_unlink(outbox, "answer");
}

void
send_describe(const struct send_receipt *r, const struct send_progress *p, int64_t now_wall,
              char *out, size_t len)
{
	/* a send under way goes first: it is newer than any receipt */
	if (p != NULL && !send_final(p->status) && p->tries > 0) {
		int64_t in = p->next_wall - now_wall;
		char wait[48];
		if (p->retry_s >= 60 && p->retry_s % 60 == 0)
			snprintf(wait, sizeof wait,
			         p->retry_s == 60 ? "every minute" : "every %d minutes",
			         p->retry_s / 60);
		else
			snprintf(wait, sizeof wait, "every %d seconds", p->retry_s);
		snprintf(out, len,
		         "Not sent yet (export %" PRId64 "): %s \xe2\x80\x94 retrying %s%s",
		         p->export_n, p->said, wait, in > 0 ? "." : ", now.");
		return;
	}
	if (r == NULL || r->seq == 0) {
		snprintf(out, len, "Not sent to HQ yet.");
		return;
	}
	switch (r->status) {
	case SEND_RECEIVED:
	case SEND_ALREADY:
		snprintf(out, len, "Sent to HQ %s, receipt #%" PRId64 " (export %" PRId64 "): %s",
		         r->recorded, r->number, r->export_n, r->said);
		break;
	case SEND_HELD:
		snprintf(out, len, "HQ holds export %" PRId64 " (%s): %s", r->export_n, r->recorded,
		         r->said);
		break;
	default:
		snprintf(out, len, "HQ refused export %" PRId64 ": %s", r->export_n, r->said);
		break;
	}
}
