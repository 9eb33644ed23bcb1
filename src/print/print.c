/* print.c — CUPS submission and job following on a worker thread; see print.h. */
#include "print.h"

#include <cups/cups.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "layout.h"
#include "strbuf.h"
#include "util.h"

#define PRINT_POLL_MS    250
#define PRINT_IO_SECONDS 10.0 /* one IPP request may take this long */
#define PRINT_LOST_MS                                                                              \
	6000 /* status requests failing this long: the server is gone
                                 (a restart by systemd takes about a second) */

struct print_job {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;   /* the caller's and the worker's */
	int cancel; /* set by print_cancel; also httpConnect2's cancel flag */
	struct print_status st;

	char *printer, *title, *spool_dir, *pdf, *noun;
	char name[PRINT_NAME_MAX]; /* the title as CUPS gets it (print_safe_name) */
	size_t len;
	struct print_lost lost[PRINT_SETTLE_MAX];
	size_t nlost;
	int connect_ms, deadline_ms, roll;
};

/* What one poll of CUPS saw. */
struct print_seen {
	ipp_jstate_t job_state;
	char job_message[256];
	char job_reasons[256];
	ipp_pstate_t printer_state;
	char printer_message[256];
	char printer_reasons[256];
};

static const struct {
	const char *keyword;
	const char *words;
} print_reason_table[] = {
    {"media-empty", "out of paper"},
    {"media-needed", "needs paper"},
    {"media-low", "paper low"},
    {"media-jam", "paper jam"},
    {"offline", "offline (unplugged or switched off)"},
    {"connecting-to-device", "connecting to the printer"},
    {"timed-out", "not answering"},
    {"cover-open", "cover open"},
    {"door-open", "door open"},
    {"input-tray-missing", "paper tray missing"},
    {"output-area-full", "output tray full"},
    {"marker-supply-empty", "out of ink or toner"},
    {"toner-empty", "out of toner"},
    {"paused", "the queue is paused"},
    {"shutdown", "switched off"},
    {"spool-area-full", "the print server's disk is full"},
    {"cups-missing-filter", "its driver is missing"},
    {"cups-insecure-filter", "its driver was refused as insecure"},
    {"cups-filter-crashed", "its driver crashed"},
    {"other", "a printer error"},
};

const char *
print_state_name(enum print_state s)
{
	static const char *names[] = {"connecting", "sending", "queued", "printing",
	                              "done",       "failed",  "spooled"};

	return (size_t)s < nitems(names) ? names[s] : "?";
}

char *
print_reasons_words(const char *keywords)
{
	struct strbuf b = STRBUF_INIT;
	char *copy = xstrdup(keywords != NULL ? keywords : ""), *k, *next, *dash;
	const char *words;
	size_t i;

	for (k = copy; k != NULL && *k != '\0'; k = next) {
		if ((next = strchr(k, ',')) != NULL)
			*next++ = '\0';
		while (*k == ' ')
			k++;
		if ((dash = strrchr(k, '-')) != NULL &&
		    (strcmp(dash, "-error") == 0 || strcmp(dash, "-warning") == 0 ||
		     strcmp(dash, "-report") == 0))
			*dash = '\0';
		if (*k == '\0' || strcmp(k, "none") == 0 ||
		    strcmp(k, "com.apple.print.recoverable") == 0)
			continue;
		words = k;
		for (i = 0; i < nitems(print_reason_table); i++) {
			if (strcmp(k, print_reason_table[i].keyword) == 0) {
				words = print_reason_table[i].words;
				break;
			}
		}
		if (b.len > 0 && strstr(b.s, words) != NULL)
			continue;
		strbuf_printf(&b, "%s%s", b.len > 0 ? "; " : "", words);
	}
	free(copy);
	return strbuf_take(&b);
}

size_t
print_safe_name(const char *in, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)(in != NULL ? in : "");
	size_t n = 0;

	if (len == 0)
		return 0;
	for (; *p != '\0' && n + 1 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.')
			out[n++] = (char)*p;
		else if ((*p & 0xc0) == 0x80)
			continue; /* the rest of a UTF-8 character already replaced */
		else if (n == 0 || out[n - 1] != '_')
			out[n++] = '_';
	}
	while (n > 0 && out[n - 1] == '_')
		n--;
	if (n == 0 && len > 5) {
		memcpy(out, "print", 5);
		n = 5;
	}
	out[n] = '\0';
	return n;
}

static void
print_unref(struct print_job *j)
{
	int last;

	pthread_mutex_lock(&j->lock);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->lock);
	if (!last)
		return;
	pthread_cond_destroy(&j->cond);
	pthread_mutex_destroy(&j->lock);
	free(j->printer);
	free(j->title);
	free(j->spool_dir);
	free(j->pdf);
	free(j->noun);
	free(j);
}

static void print_set(struct print_job *j, enum print_state state, const char *outcome,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
print_set(struct print_job *j, enum print_state state, const char *outcome, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&j->lock);
	j->st.state = state;
	j->st.finished = state == PRINT_DONE || state == PRINT_FAILED || state == PRINT_SPOOLED;
	if (outcome != NULL)
		snprintf(j->st.outcome, sizeof j->st.outcome, "%s", outcome);
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(j->st.message, sizeof j->st.message, fmt, ap);
		va_end(ap);
	}
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

static int
print_canceled(struct print_job *j)
{
	int c;

	pthread_mutex_lock(&j->lock);
	c = j->cancel;
	pthread_mutex_unlock(&j->lock);
	return c;
}

/* Sleeps ms, woken early by print_cancel. */
static void
print_nap(struct print_job *j, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&j->lock);
	if (!j->cancel)
		pthread_cond_timedwait(&j->cond, &j->lock, &ts);
	pthread_mutex_unlock(&j->lock);
}

static int64_t
print_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
print_mkdirs(const char *dir, char **cause)
{
	char *p = xstrdup(dir), *s;
	int rc = -1;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			util_fail(cause, "Cannot make the folder %s: %s.", p, strerror(errno));
			goto end;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	rc = 0;
end:
	free(p);
	return rc;
}

int
print_spool(const char *dir, const char *title, const void *pdf, size_t len, char **path,
            char **cause)
{
	char stamp[32], name[PRINT_NAME_MAX];
	struct tm tm;
	time_t now = time(NULL);
	int i;

	if (dir == NULL || *dir == '\0')
		return util_fail(cause, "No spool folder is set.");
	if (print_mkdirs(dir, cause) != 0)
		return -1;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	print_safe_name(title, name, sizeof name);
	for (i = 0; i < 1000; i++) {
		*path = i == 0 ? xasprintf("%s/%s-%s.pdf", dir, name, stamp)
		               : xasprintf("%s/%s-%s-%d.pdf", dir, name, stamp, i);
		if (access(*path, F_OK) != 0)
			break;
		free(*path);
		*path = NULL;
	}
	if (*path == NULL)
		return util_fail(cause, "Too many files in %s.", dir);
	if (layout_write_file(*path, pdf, len, cause) != 0) {
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

/* No print server or no printer: the PDF goes to the spool folder. */
static void
print_fallback(struct print_job *j, const char *why)
{
	char *path = NULL, *cause = NULL;

	if (j->spool_dir == NULL) {
		print_set(j, PRINT_FAILED, "error", "%s", why);
		return;
	}
	if (print_spool(j->spool_dir, j->title, j->pdf, j->len, &path, &cause) != 0) {
		print_set(j, PRINT_FAILED, "error", "%s %s", why, cause);
		free(cause);
		return;
	}
	pthread_mutex_lock(&j->lock);
	snprintf(j->st.spool_path, sizeof j->st.spool_path, "%s", path);
	pthread_mutex_unlock(&j->lock);
	print_set(j, PRINT_SPOOLED, "spooled", "%s The PDF was saved as %s.", why, path);
	free(path);
}

/* The server stopped (crashed, or restarted and did not come back in time)
 * with our job on its way: whether it printed is not known now.  The PDF is
 * kept; the caller records the job as "lost" and a later request settles it
 * (see print_lost). */
static void
print_lost_job(struct print_job *j)
{
	char *path = NULL, *cause = NULL;

	if (j->spool_dir != NULL &&
	    print_spool(j->spool_dir, j->title, j->pdf, j->len, &path, &cause) == 0) {
		pthread_mutex_lock(&j->lock);
		snprintf(j->st.spool_path, sizeof j->st.spool_path, "%s", path);
		pthread_mutex_unlock(&j->lock);
		print_set(j, PRINT_FAILED, "lost",
		          "The print server stopped; the %s was saved as PDF %s. Once the server "
		          "is back, the station checks whether it printed.",
		          j->noun, path);
	} else {
		print_set(j, PRINT_FAILED, "lost",
		          "The print server stopped; the %s may or may not have printed%s%s. Once "
		          "the server is back, the station checks.",
		          j->noun, cause != NULL ? ", and it could not be saved: " : "",
		          cause != NULL ? cause : "");
	}
	free(cause);
	free(path);
}

static int
print_timeout(http_t *http, void *arg)
{
	(void)http;
	(void)arg;
	return 0; /* give up: the caller reports the failure */
}

static void
print_join_strings(ipp_attribute_t *a, char *buf, size_t len)
{
	int i, n = a != NULL ? ippGetCount(a) : 0;
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		const char *s = ippGetString(a, i, NULL);

		if (s != NULL)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "", s);
	}
}

/* Asks CUPS for the job's and the printer's state. */
static int
print_look(http_t *http, const char *printer_uri, int job_id, struct print_seen *seen)
{
	static const char *job_attrs[] = {"job-state", "job-state-reasons",
	                                  "job-printer-state-message"};
	static const char *printer_attrs[] = {"printer-state", "printer-state-reasons",
	                                      "printer-state-message"};
	ipp_t *rq, *resp;
	ipp_attribute_t *a;
	const char *s;

	memset(seen, 0, sizeof *seen);
	rq = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, printer_uri);
	ippAddInteger(rq, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
	ippAddStrings(rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
	              (int)nitems(job_attrs), NULL, job_attrs);
	if ((resp = cupsDoRequest(http, rq, "/")) == NULL)
		return -1;
	if (ippGetStatusCode(resp) > IPP_STATUS_OK_CONFLICTING ||
	    (a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM)) == NULL) {
		ippDelete(resp);
		return -1;
	}
	seen->job_state = (ipp_jstate_t)ippGetInteger(a, 0);
	print_join_strings(ippFindAttribute(resp, "job-state-reasons", IPP_TAG_ZERO),
	                   seen->job_reasons, sizeof seen->job_reasons);
	if ((a = ippFindAttribute(resp, "job-printer-state-message", IPP_TAG_ZERO)) != NULL &&
	    (s = ippGetString(a, 0, NULL)) != NULL)
		snprintf(seen->job_message, sizeof seen->job_message, "%s", s);
	ippDelete(resp);

	rq = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, printer_uri);
	ippAddStrings(rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
	              (int)nitems(printer_attrs), NULL, printer_attrs);
	if ((resp = cupsDoRequest(http, rq, "/")) == NULL)
		return 0; /* the job's state is what matters */
	if ((a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM)) != NULL)
		seen->printer_state = (ipp_pstate_t)ippGetInteger(a, 0);
	print_join_strings(ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_ZERO),
	                   seen->printer_reasons, sizeof seen->printer_reasons);
	if ((a = ippFindAttribute(resp, "printer-state-message", IPP_TAG_ZERO)) != NULL &&
	    (s = ippGetString(a, 0, NULL)) != NULL)
		snprintf(seen->printer_message, sizeof seen->printer_message, "%s", s);
	ippDelete(resp);
	return 0;
}

/* The first page's size from the PDF (cairo writes page dictionaries as text). */
static int
print_pdf_size(const char *pdf, size_t len, double *w, double *h)
{
	const char *p = memmem(pdf, len, "/MediaBox [", 11);
	double x0, y0;

	if (p == NULL || (size_t)(pdf + len - p) < 64)
		return -1;
	if (sscanf(p + 11, "%lf %lf %lf %lf", &x0, &y0, w, h) != 4 || *w <= 0 || *h <= 0)
		return -1;
	return 0;
}

/* Every option value goes to CUPS through print_safe_name too. */
static int
print_add_option(const char *name, const char *value, int n, cups_option_t **options)
{
	char safe[PRINT_NAME_MAX];

	print_safe_name(value, safe, sizeof safe);
	return cupsAddOption(name, safe, n, options);
}

/* Follows the job; returns when it has an outcome. */
static void
print_follow(struct print_job *j, http_t *http, cups_dest_t *dest, const char *printer_uri)
{
	struct print_seen seen;
	int64_t start = print_now_ms(), lost_since = 0;
	int canceled_sent = 0;
	char *words = NULL, detail[400];

	for (;;) {
		if (print_canceled(j) && !canceled_sent) {
			cupsCancelDestJob(http, dest, j->st.job_id);
			canceled_sent = 1;
		}
		if (print_look(http, printer_uri, j->st.job_id, &seen) != 0) {
			if (lost_since == 0)
				lost_since = print_now_ms();
			else if (print_now_ms() - lost_since > PRINT_LOST_MS) {
				print_lost_job(j);
				break;
			}
			print_nap(j, PRINT_POLL_MS);
			continue;
		}
		lost_since = 0;
		free(words);
		words = print_reasons_words(seen.printer_reasons);
		pthread_mutex_lock(&j->lock);
		snprintf(j->st.reasons, sizeof j->st.reasons, "%s", words);
		pthread_mutex_unlock(&j->lock);
		if (*words != '\0')
			snprintf(detail, sizeof detail, " (the printer reports %s)", words);
		else if (*seen.job_message != '\0' || *seen.printer_message != '\0')
			snprintf(detail, sizeof detail, " (%s)",
			         *seen.job_message != '\0' ? seen.job_message
			                                   : seen.printer_message);
		else
			*detail = '\0';
		switch (seen.job_state) {
		case IPP_JSTATE_COMPLETED:
			print_set(j, PRINT_DONE, "completed", "Printed on %s.", j->st.queue);
			goto end;
		case IPP_JSTATE_CANCELED:
			print_set(j, PRINT_FAILED, "canceled", "The print job was canceled.");
			goto end;
		case IPP_JSTATE_ABORTED:
			print_set(j, PRINT_FAILED, "aborted",
			          "The printer %s could not print it%s. Try again or print "
			          "elsewhere.",
			          j->st.queue, detail);
			goto end;
		case IPP_JSTATE_STOPPED:
			cupsCancelDestJob(http, dest, j->st.job_id);
			print_set(j, PRINT_FAILED, "stopped",
			          "Printing stopped on %s%s. Check the printer, then try again "
			          "or print elsewhere.",
			          j->st.queue, detail);
			goto end;
		case IPP_JSTATE_PENDING:
		case IPP_JSTATE_HELD:
			if (seen.printer_state == IPP_PSTATE_STOPPED) {
				cupsCancelDestJob(http, dest, j->st.job_id);
				print_set(j, PRINT_FAILED, "stopped",
				          "The printer %s is stopped%s. Check it, then try again "
				          "or print elsewhere.",
				          j->st.queue, detail);
				goto end;
			}
			print_set(j, PRINT_QUEUED, NULL, "Waiting for the printer %s%s%s.",
			          j->st.queue, *words != '\0' ? ": " : "", words);
			break;
		case IPP_JSTATE_PROCESSING:
		default:
			print_set(j, PRINT_PRINTING, NULL, "Printing on %s%s%s.", j->st.queue,
			          *words != '\0' ? ": " : "", words);
			break;
		}
		if (print_now_ms() - start > j->deadline_ms) {
			cupsCancelDestJob(http, dest, j->st.job_id);
			print_set(j, PRINT_FAILED, "timeout",
			          "The printer %s did not finish within %d seconds%s; the job "
			          "was canceled. Check the printer, then try again or print "
			          "elsewhere.",
			          j->st.queue, j->deadline_ms / 1000, detail);
			goto end;
		}
		print_nap(j, PRINT_POLL_MS);
	}
end:
	free(words);
}

/* What became of a lost job, asked of the (restarted) server: 1 settled
 * with *outcome set, 0 not yet (still printing, or no answer). */
static int
print_settle_one(http_t *http, const struct print_lost *x, char *outcome, size_t len)
{
	static const char *attrs[] = {"job-state"};
	char uri[256];
	ipp_t *rq, *resp;
	ipp_attribute_t *a;
	ipp_jstate_t state;

	snprintf(uri, sizeof uri, "ipp://localhost/jobs/%d", x->job);
	rq = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
	ippAddStrings(rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
	              (int)nitems(attrs), NULL, attrs);
	if ((resp = cupsDoRequest(http, rq, "/")) == NULL)
		return 0;
	if (ippGetStatusCode(resp) == IPP_STATUS_ERROR_NOT_FOUND) {
		ippDelete(resp);
		snprintf(outcome, len, "unknown");
		return 1;
	}
	a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
	state = a != NULL ? (ipp_jstate_t)ippGetInteger(a, 0) : (ipp_jstate_t)0;
	ippDelete(resp);
	switch (state) {
	case IPP_JSTATE_PENDING:
	case IPP_JSTATE_HELD:
	case IPP_JSTATE_STOPPED:
		/* still waiting: it was saved as PDF, and must not come out later as
		 * an unrecorded second copy */
		if (cupsCancelJob2(http, x->queue, x->job, 0) != IPP_STATUS_OK)
			return 0;
		snprintf(outcome, len, "canceled");
		return 1;
	case IPP_JSTATE_COMPLETED: snprintf(outcome, len, "completed"); return 1;
	case IPP_JSTATE_CANCELED: snprintf(outcome, len, "canceled"); return 1;
	case IPP_JSTATE_ABORTED: snprintf(outcome, len, "aborted"); return 1;
	default: return 0; /* printing now: settled by a later request */
	}
}

static void
print_settle(struct print_job *j, http_t *http)
{
	struct print_settled x;
	size_t i;

	for (i = 0; i < j->nlost; i++) {
		memset(&x, 0, sizeof x);
		x.seq = j->lost[i].seq;
		if (!print_settle_one(http, &j->lost[i], x.outcome, sizeof x.outcome))
			continue;
		pthread_mutex_lock(&j->lock);
		j->st.settled[j->st.nsettled++] = x;
		pthread_mutex_unlock(&j->lock);
	}
}

/* Sends the PDF as the job's one document. */
static int
print_send(struct print_job *j, http_t *http, cups_dest_t *dest, cups_dinfo_t *info, int job_id)
{
	size_t off, chunk;

	if (cupsStartDestDocument(http, dest, info, job_id, j->name, CUPS_FORMAT_PDF, 0, NULL, 1) !=
	    HTTP_STATUS_CONTINUE)
		return -1;
	for (off = 0; off < j->len; off += chunk) {
		chunk = j->len - off < 65536 ? j->len - off : 65536;
		if (cupsWriteRequestData(http, j->pdf + off, chunk) != HTTP_STATUS_CONTINUE)
			return -1;
	}
	return cupsFinishDestDocument(http, dest, info) > IPP_STATUS_OK_CONFLICTING ? -1 : 0;
}

static void
print_run(struct print_job *j)
{
	http_t *http = NULL;
	cups_dest_t *dest = NULL;
	cups_dinfo_t *info = NULL;
	cups_option_t *options = NULL;
	int num_options = 0, job_id = 0;
	const char *uri;
	char *printer_uri = NULL, size[64];
	double w, h;

	print_set(j, PRINT_CONNECTING, NULL, "Connecting to the print server...");
	http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1,
	                    j->connect_ms, &j->cancel);
	if (http == NULL) {
		if (j->len == 0)
			print_set(j, PRINT_FAILED, "error", "The print server is not running.");
		else
			print_fallback(j, "The print server is not running.");
		goto end;
	}
	httpSetTimeout(http, PRINT_IO_SECONDS, print_timeout, NULL);
	print_settle(j, http);
	if (j->len == 0) {
		print_set(j, PRINT_DONE, "settled", "Checked %zu of %zu earlier jobs.",
		          j->st.nsettled, j->nlost);
		goto end;
	}
	if ((dest = cupsGetNamedDest(http, j->printer, NULL)) == NULL) {
		char *why = j->printer != NULL ? xasprintf("There is no printer %s.", j->printer)
		                               : xstrdup("No printer is set up.");

		print_fallback(j, why);
		free(why);
		goto end;
	}
	pthread_mutex_lock(&j->lock);
	snprintf(j->st.queue, sizeof j->st.queue, "%s", dest->name);
	pthread_mutex_unlock(&j->lock);
	if ((uri = cupsGetOption("printer-uri-supported", dest->num_options, dest->options)) !=
	    NULL)
		printer_uri = xstrdup(uri);
	else
		printer_uri = xasprintf("ipp://localhost/printers/%s", dest->name);
	info = cupsCopyDestInfo(http, dest);
	if (j->roll && print_pdf_size(j->pdf, j->len, &w, &h) == 0) {
		snprintf(size, sizeof size, "Custom.%.2fx%.2f", w, h);
		num_options = print_add_option("PageSize", size, num_options, &options);
	}
	print_set(j, PRINT_SENDING, NULL, "Sending to %s...", dest->name);
	if (cupsCreateDestJob(http, dest, info, &job_id, j->name, num_options, options) >
	        IPP_STATUS_OK_CONFLICTING ||
	    job_id <= 0) {
		print_set(j, PRINT_FAILED, "refused", "The printer %s refused the job: %s.",
		          dest->name, cupsLastErrorString());
		goto end;
	}
	pthread_mutex_lock(&j->lock);
	j->st.job_id = job_id;
	pthread_mutex_unlock(&j->lock);
	if (print_send(j, http, dest, info, job_id) != 0) {
		char *why = xstrdup(cupsLastErrorString());

		/* a server that died while taking the document cannot cancel it either:
		 * after its restart the job may still be there */
		if (cupsCancelDestJob(http, dest, job_id) != IPP_STATUS_OK &&
		    cupsLastError() >= IPP_STATUS_ERROR_INTERNAL)
			print_lost_job(j);
		else
			print_set(j, PRINT_FAILED, "error", "Could not send the job to %s: %s.",
			          dest->name, why);
		free(why);
		goto end;
	}
	print_set(j, PRINT_QUEUED, NULL, "Sent to %s.", dest->name);
	print_follow(j, http, dest, printer_uri);
end:
	cupsFreeOptions(num_options, options);
	free(printer_uri);
	if (info != NULL)
		cupsFreeDestInfo(info);
	if (dest != NULL)
		cupsFreeDests(1, dest);
	if (http != NULL)
		httpClose(http);
}

static void *
print_main(void *arg)
{
	struct print_job *j = arg;

	print_run(j);
	pthread_mutex_lock(&j->lock);
	if (!j->st.finished) { /* every path sets an outcome; this is a safety net */
		j->st.finished = 1;
		j->st.state = PRINT_FAILED;
		snprintf(j->st.outcome, sizeof j->st.outcome, "error");
	}
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
	print_unref(j);
	return NULL;
}

int
print_submit(const struct print_request *rq, const void *pdf, size_t len, struct print_job **out,
             char **cause)
{
	struct print_job *j;
	pthread_attr_t attr;
	int err;

	*out = NULL;
	if (len == 0 && rq->nlost == 0)
		return util_fail(cause, "Nothing to print.");
	j = xcalloc(1, sizeof *j);
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	j->refs = 2;
	j->printer = rq->printer != NULL && *rq->printer != '\0' ? xstrdup(rq->printer) : NULL;
	j->title = xstrdup(rq->title != NULL ? rq->title : "W.A.T.");
	print_safe_name(j->title, j->name, sizeof j->name);
	j->spool_dir = rq->spool_dir != NULL ? xstrdup(rq->spool_dir) : NULL;
	j->pdf = xmalloc(len > 0 ? len : 1);
	if (len > 0)
		memcpy(j->pdf, pdf, len);
	j->len = len;
	j->noun = xstrdup(rq->noun != NULL && *rq->noun != '\0' ? rq->noun : "page");
	j->nlost = rq->nlost < PRINT_SETTLE_MAX ? rq->nlost : PRINT_SETTLE_MAX;
	if (j->nlost > 0)
		memcpy(j->lost, rq->lost, j->nlost * sizeof *j->lost);
	j->connect_ms = rq->connect_ms > 0 ? rq->connect_ms : PRINT_DEFAULT_CONNECT_MS;
	j->deadline_ms = rq->deadline_ms > 0 ? rq->deadline_ms : PRINT_DEFAULT_DEADLINE_MS;
	j->roll = rq->roll;
	if (j->printer != NULL)
		snprintf(j->st.queue, sizeof j->st.queue, "%s", j->printer);
	snprintf(j->st.message, sizeof j->st.message, "Starting...");
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&j->thread, &attr, print_main, j);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		j->refs = 1;
		print_unref(j);
		return util_fail(cause, "Cannot start printing: %s.", strerror(err));
	}
	*out = j;
	return 0;
}

int
print_poll(struct print_job *j, struct print_status *st)
{
	int done;

	pthread_mutex_lock(&j->lock);
	*st = j->st;
	done = j->st.finished;
	pthread_mutex_unlock(&j->lock);
	return done;
}

int
print_wait(struct print_job *j, int timeout_ms, struct print_status *st)
{
	struct timespec ts;
	int done;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (timeout_ms >= 0) {
		ts.tv_sec += timeout_ms / 1000;
		ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&j->lock);
	while (!j->st.finished) {
		if (timeout_ms < 0)
			pthread_cond_wait(&j->cond, &j->lock);
		else if (pthread_cond_timedwait(&j->cond, &j->lock, &ts) != 0)
			break;
	}
	*st = j->st;
	done = j->st.finished;
	pthread_mutex_unlock(&j->lock);
	return done;
}

void
print_cancel(struct print_job *j)
{
	pthread_mutex_lock(&j->lock);
	j->cancel = 1;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

void
print_free(struct print_job *j)
{
	if (j != NULL)
		print_unref(j);
}
