/* wat_hq.c — wat-hq, HQ's web inbox (docs/HQ-GUIDE.md): coordinators upload
 * a station's bundle with their event's upload code and get HQ's answer in
 * plain words; the bundle is streamed to disk under a size cap, then
 * verified and merged by the writer thread that owns HQ's database
 * (hqweb_inbox.h).  HTML is rendered here, everything shown escaped;
 * nothing is fetched from elsewhere.
 *
 *   wat-hq --db HQ.db --keys DIR --signer SOCKET --state DIR [--bind 127.0.0.1] [--port 8080]
 *          [--max-upload-mb 64] [--goal-dollars 80000] [--charters DIR]
 *          [--tls-cert FILE --tls-key FILE]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "amount.h"
#include "hq.h"
#include "hqweb_form.h"
#include "hqweb_inbox.h"
#include "hqweb_photo.h"
#include "hqweb_session.h"
#include "hqweb_signer.h"
#include "sign.h"
#include "stamp.h"
#include "strbuf.h"
#include "trust.h"
#include "util.h"

#define WAT_HQ_CODE_MAX  80
#define WAT_HQ_FILES_MAX 4

struct wat_hq {
	struct hqweb_inbox *inbox;
	char *incoming; /* state/incoming: uploads being received */
	uint64_t max_upload;
	int cookie_insecure;  /* 1: cookies without Secure (plain http on loopback: make hq) */
	int64_t goal_cents;   /* the national goal (--goal-dollars) */
	const char *charters; /* HQ's charters folder (--charters): events expected; NULL none */
	const char *signer;   /* wat-hq-signer's socket */
	char *bundles;        /* state/bundles: each upload's files as received, by number */
};

/* One request's state (freed in wat_hq_done). */
struct wat_hq_req {
	int is_upload;
	struct MHD_PostProcessor *pp;
	char dir[4096];
	int have_dir, fd, nfiles, refused;
	uint64_t bytes;
	char code[WAT_HQ_CODE_MAX + 1];
	size_t code_len;
	const char *why; /* why the body was refused, when refused */
	int is_form;     /* a staff form (urlencoded, in body) */
	char *body;
	size_t body_len;
	int body_too_big;
	int is_photo; /* a photo of a statement (multipart, staff): body holds it */
	char csrf[HQWEB_SESSION_ID_LEN + 1]; /* the session's token (is_photo) */
	int csrf_ok, photo_files;
};

#define WAT_HQ_FORM_MAX (16 * 1024)

static const char wat_hq_css[] =
    "body{font:17px/1.45 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "color:#1d1d1d;background:#fbfaf7}\n"
    "h1{font-size:1.6rem;margin:.2rem 0 1rem}header{border-bottom:3px solid #7a1f2b;"
    "margin-bottom:1.2rem}header p{margin:.2rem 0;color:#555}\n"
    "label{display:block;font-weight:600;margin:1rem 0 .3rem}\n"
    "input[type=text],input[type=password]{font-size:1.2rem;padding:.4rem;width:14rem;"
    "letter-spacing:.08em}\n"
    "input[type=file]{font-size:1rem}\n"
    "button{margin-top:1.3rem;font-size:1.1rem;padding:.55rem 1.4rem;background:#7a1f2b;"
    "color:#fff;border:0;border-radius:4px}\n"
    ".note{color:#555;font-size:.95rem}\n"
    ".answer{padding:1rem 1.2rem;border-radius:6px;border:2px solid}\n"
    ".received{border-color:#2b7a3b;background:#eef8ef}.already{border-color:#2b5b7a;"
    "background:#eef4f8}\n"
    ".held{border-color:#a86b00;background:#fff6e5}.refused,.failed{border-color:#a11;"
    "background:#fdeeee}\n"
    "#headline{font-size:1.25rem;font-weight:600;margin:0 0 .5rem}\n"
    "pre{font-size:.7rem;overflow-x:auto;background:#fff;border:1px solid #ddd;padding:.6rem}\n"
    "h2{font-size:1.2rem;margin-top:1.6rem}.held label{display:inline;margin-right:.4rem}\n"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#555}\n"
    "body:has(table){max-width:76rem}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0 1rem}\n"
    "th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:left}\n"
    "th{background:#efe9e0}.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.event td{font-weight:600;background:#f6f3ee}tr.city td,tfoot td{font-weight:700;"
    "background:#ece4d8;border-bottom:2px solid #7a1f2b}\n"
    ".short{color:#a11;font-weight:600}.over{color:#2b5b7a;font-weight:600}.off{color:#777}\n"
    "tr.late td{background:#fdeeee}td.onhold{color:#a86b00;font-weight:600}\n"
    ".big{font-size:1.5rem;font-weight:700;margin:.2rem 0}meter{width:100%;height:1.4rem}\n"
    "form.inline{display:inline}form.inline button{margin:0 .3rem 0 0;padding:.25rem .7rem;"
    "font-size:.9rem}form.inline input{font-size:.9rem;width:10rem;"
    "padding:.2rem;margin-right:.3rem}\ntd .note{font-size:.85em}\n"
    "label.check{font-weight:400}\n"
    "input.wide{width:26rem;max-width:100%}select{font-size:1.1rem;padding:.3rem}\n"
    "@media print{header p.nav,.noprint{display:none}body{background:#fff}}\n";

static void
wat_hq_head(struct strbuf *b, const char *title)
{
	strbuf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	               "<title>");
	hqweb_form_html(b, title);
	strbuf_puts(b, " \xe2\x80\x94 W.A.T. HQ inbox</title>"
	               "<link rel=\"stylesheet\" href=\"/style.css\"></head><body>\n"
	               "<header><p>Walk Against Traffick \xc2\xb7 headquarters</p><h1>");
	hqweb_form_html(b, title);
	strbuf_puts(b, "</h1></header>\n");
}

static enum MHD_Result wat_hq_respond(struct MHD_Connection *c, unsigned int status,
                                      const char *type, char *body, size_t len, const char *cookie,
                                      const char *location);

static enum MHD_Result
wat_hq_send(struct MHD_Connection *c, unsigned int status, const char *type, char *body, size_t len)
{
	return wat_hq_respond(c, status, type, body, len, NULL, NULL);
}

static enum MHD_Result
wat_hq_respond(struct MHD_Connection *c, unsigned int status, const char *type, char *body,
               size_t len, const char *cookie, const char *location)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy",
	                        "default-src 'none'; style-src 'self'; img-src 'self'; "
	                        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (cookie != NULL)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	if (location != NULL)
		MHD_add_response_header(r, "Location", location);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
wat_hq_page_cookie(struct MHD_Connection *c, unsigned int status, struct strbuf *b,
                   const char *cookie)
{
	size_t len;
	char *s;

	strbuf_puts(b, "</body></html>\n");
	len = b->len;
	s = strbuf_take(b);
	return wat_hq_respond(c, status, "text/html; charset=utf-8", s, len, cookie, NULL);
}

static enum MHD_Result
wat_hq_page(struct MHD_Connection *c, unsigned int status, struct strbuf *b)
{
	return wat_hq_page_cookie(c, status, b, NULL);
}

/* A page of one message (errors before anything was recorded). */
static enum MHD_Result
wat_hq_message(struct MHD_Connection *c, unsigned int status, const char *title, const char *text)
{
	struct strbuf b = STRBUF_INIT;

	wat_hq_head(&b, title);
	strbuf_puts(&b, "<div class=\"answer refused\"><p id=\"headline\">");
	hqweb_form_html(&b, text);
	strbuf_puts(&b, "</p></div><p class=\"noprint\"><a href=\"/\">Back to the upload "
	                "page</a></p>\n");
	return wat_hq_page(c, status, &b);
}

static enum MHD_Result
wat_hq_upload_page(struct wat_hq *w, struct MHD_Connection *c)
{
	struct strbuf b = STRBUF_INIT;

	wat_hq_head(&b, "Send your walk's bundle to HQ");
	strbuf_puts(&b,
	            "<p>On the station, <em>Coordinator \xe2\x86\x92 Export</em> wrote two files "
	            "to the USB stick: the bundle (its name ends in <code>.zip.age</code>) and "
	            "its signature (the same name with <code>.minisig</code>). Choose both, "
	            "type the upload code printed on your event's charter sheet, and send. "
	            "HQ answers on the next page within seconds.</p>\n"
	            "<form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\">\n"
	            "<label for=\"code\">Upload code (on the charter sheet)</label>\n"
	            "<input type=\"text\" id=\"code\" name=\"code\" required autocomplete=\"off\" "
	            "autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"80\" "
	            "placeholder=\"K7Q-22XM\">\n"
	            "<label for=\"files\">The bundle and its .minisig file</label>\n"
	            "<input type=\"file\" id=\"files\" name=\"bundle\" multiple required "
	            "accept=\".age,.zip,.minisig\">\n");
	strbuf_printf(&b,
	              "<p class=\"note\">You can also drag the two files onto the button. "
	              "At most %" PRIu64 " MB.</p>\n",
	              w->max_upload / (1024 * 1024));
	strbuf_puts(&b, "<button type=\"submit\" id=\"send\">Send to HQ</button>\n</form>\n"
	                "<p class=\"note\">Your bundle cannot be changed on the way: HQ checks "
	                "every station's signature. Sending the same bundle twice is "
	                "safe; nothing is counted twice.</p>\n");
	return wat_hq_page(c, MHD_HTTP_OK, &b);
}

static const char *
wat_hq_status_class(enum hqweb_inbox_status s)
{
	static const char *const names[] = {"received", "already", "held", "refused", "failed"};
	return names[s];
}

/* The answer to an upload, printable as the coordinator's receipt. */
static enum MHD_Result
wat_hq_answer(struct MHD_Connection *c, const struct hqweb_inbox_result *r)
{
	struct strbuf b = STRBUF_INIT;
	unsigned int status = MHD_HTTP_OK;

	if (r->status == HQWEB_INBOX_REFUSED)
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
	else if (r->status == HQWEB_INBOX_FAILED)
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
	wat_hq_head(&b, r->status == HQWEB_INBOX_RECEIVED || r->status == HQWEB_INBOX_ALREADY
	                    ? "HQ's receipt"
	                    : "HQ's answer");
	strbuf_printf(&b, "<div class=\"answer %s\" id=\"answer\"><p id=\"headline\">",
	              wat_hq_status_class(r->status));
	hqweb_form_html(&b, r->headline);
	strbuf_puts(&b, "</p><p id=\"detail\">");
	hqweb_form_html(&b, r->detail);
	strbuf_puts(&b, "</p></div>\n<dl>");
	if (r->event[0] != '\0') {
		strbuf_puts(&b, "<dt>Event</dt><dd>");
		hqweb_form_html(&b, r->event);
		strbuf_puts(&b, "</dd>");
	}
	if (r->bundle > 0)
		strbuf_printf(&b, "<dt>HQ's number</dt><dd id=\"number\">#%" PRId64 "</dd>",
		              r->bundle);
	if (r->received_at[0] != '\0') {
		strbuf_puts(&b, "<dt>Received</dt><dd>");
		hqweb_form_html(&b, r->received_at);
		strbuf_puts(&b, "</dd>");
	}
	strbuf_puts(&b, "</dl>\n");
	if (r->status == HQWEB_INBOX_RECEIVED || r->status == HQWEB_INBOX_ALREADY)
		strbuf_puts(&b, "<p class=\"note\">Print this page or save it (Ctrl+P) and put a "
		                "copy in the envelope with the money and the close-out sheet.</p>");
	strbuf_puts(&b, "<p class=\"noprint\"><a href=\"/\">Send another bundle</a></p>\n");
	return wat_hq_page(c, status, &b);
}

static void
wat_hq_req_discard(struct wat_hq_req *q)
{
	if (q->fd >= 0) {
		close(q->fd);
		q->fd = -1;
	}
	if (q->have_dir) {
		DIR *d = opendir(q->dir);
		struct dirent *e;
		if (d != NULL) {
			while ((e = readdir(d)) != NULL) {
				char *p;
				if (e->d_name[0] == '.' &&
				    (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
					continue;
				p = xasprintf("%s/%s", q->dir, e->d_name);
				unlink(p);
				free(p);
			}
			closedir(d);
		}
		rmdir(q->dir);
		q->have_dir = 0;
	}
}

static enum MHD_Result
wat_hq_iterate(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
               const char *content_type, const char *transfer_encoding, const char *data,
               uint64_t off, size_t size)
{
	struct wat_hq_req *q = cls;
	struct wat_hq *w = *(struct wat_hq **)(q + 1);
	char name[HQWEB_FORM_NAME_MAX + 1], *path;

	/* a part whose Content-Disposition libmicrohttpd could not read comes
	 * with no name (found by tests/fuzz/fuzz_hqweb_multipart) */
	if (key == NULL)
		return MHD_YES;
	if (strcmp(key, "code") == 0 && filename == NULL) {
		if (q->code_len + size > WAT_HQ_CODE_MAX) {
			q->why = "The upload code is too long.";
			return MHD_NO;
		}
		memcpy(q->code + q->code_len, data, size);
		q->code_len += size;
		q->code[q->code_len] = '\0';
		return MHD_YES;
	}
	if (strcmp(key, "bundle") != 0 || filename == NULL)
		return MHD_YES; /* other fields are ignored */
	q->bytes += size;
	if (q->bytes > w->max_upload) {
		q->why = "The files are larger than HQ accepts.";
		return MHD_NO;
	}
	if (off == 0) {
		if (q->fd >= 0)
			close(q->fd);
		q->fd = -1;
		if (filename[0] == '\0' && size == 0)
			return MHD_YES; /* no file chosen */
		if (++q->nfiles > WAT_HQ_FILES_MAX) {
			q->why = "Too many files: choose the bundle and its .minisig only.";
			return MHD_NO;
		}
		if (hqweb_form_filename(filename, strlen(filename), name) != 0) {
			q->why = "A file's name cannot be used.";
			return MHD_NO;
		}
		path = xasprintf("%s/%s", q->dir, name);
		q->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		free(path);
		if (q->fd < 0) {
			q->why = errno == EEXIST ? "The same file was chosen twice."
			                         : "HQ could not store the upload (disk).";
			return MHD_NO;
		}
	}
	if (q->fd < 0)
		return MHD_YES;
	while (size > 0) {
		ssize_t n = write(q->fd, data, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			q->why = "HQ could not store the upload (disk full?).";
			return MHD_NO;
		}
		data += n;
		size -= (size_t)n;
	}
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	return MHD_YES;
}

static enum MHD_Result
wat_hq_upload(struct wat_hq *w, struct MHD_Connection *c, struct wat_hq_req *q, const char *data,
              size_t *size)
{
	struct hqweb_inbox_result res;

	if (q->refused) {
		/* answered already (413, 415, 503): the rest of the body is dropped */
		*size = 0;
		return MHD_YES;
	}
	if (q->pp == NULL) {
		const char *len =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (len != NULL && strtoull(len, NULL, 10) > w->max_upload + 64 * 1024) {
			q->refused = 1;
			return wat_hq_message(c, MHD_HTTP_CONTENT_TOO_LARGE, "Too large",
			                      "Not received: the files are larger than HQ accepts. "
			                      "Choose the bundle and its .minisig file only.");
		}
		q->pp = MHD_create_post_processor(c, 64 * 1024, wat_hq_iterate, q);
		if (q->pp == NULL) {
			q->refused = 1;
			return wat_hq_message(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Not a form",
			                      "Send the files with the upload page's form.");
		}
		snprintf(q->dir, sizeof q->dir, "%s/up-XXXXXX", w->incoming);
		if (mkdtemp(q->dir) == NULL) {
			q->refused = 1;
			return wat_hq_message(
			    c, MHD_HTTP_SERVICE_UNAVAILABLE, "Try again",
			    "HQ could not store the upload just now; try again in a "
			    "few minutes.");
		}
		q->have_dir = 1;
		return MHD_YES;
	}
	if (*size != 0) {
		if (MHD_post_process(q->pp, data, *size) != MHD_YES) {
			/* mid-body: no answer can be queued (libmicrohttpd 0.9.75); the
			 * connection is dropped and nothing is kept */
			fprintf(stderr, "wat-hq: upload dropped: %s\n",
			        q->why != NULL ? q->why : "malformed body");
			wat_hq_req_discard(q);
			return MHD_NO;
		}
		*size = 0;
		return MHD_YES;
	}
	if (q->fd >= 0) {
		close(q->fd);
		q->fd = -1;
	}
	hqweb_inbox_upload(w->inbox, q->dir, q->code, &res);
	q->have_dir = 0; /* the inbox removed it */
	return wat_hq_answer(c, &res);
}

/* ---- HQ staff ---- */

static int64_t
wat_hq_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The staff session of this request: 0 and its info (and its id,
 * malloc'd, when id is not NULL), or -1. */
static int
wat_hq_session(struct MHD_Connection *c, struct hqweb_session_info *info, char **id)
{
	const char *hdr = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	char *sid = hdr != NULL ? hqweb_form_cookie(hdr, "wat_hq_s") : NULL;
	int rc = sid != NULL ? hqweb_session_get(sid, wat_hq_now_ms(), info) : -1;

	if (id != NULL && rc == 0)
		*id = sid;
	else
		free(sid);
	return rc;
}

static char *
wat_hq_cookie(const struct wat_hq *w, const char *name, const char *value, const char *path,
              int max_age)
{
	return xasprintf("%s=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Strict%s", name, value,
	                 path, max_age, w->cookie_insecure ? "" : "; Secure");
}

static enum MHD_Result
wat_hq_redirect(struct MHD_Connection *c, const char *to, const char *cookie)
{
	return wat_hq_respond(c, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8", xstrdup(""), 0,
	                      cookie, to);
}

/* The login form, with a double-submit token (cookie and field) so another
 * site cannot sign a browser in. */
static enum MHD_Result
wat_hq_login_page(struct wat_hq *w, struct MHD_Connection *c, unsigned int status,
                  const char *error)
{
	struct strbuf b = STRBUF_INIT;
	char tok[HQWEB_SESSION_ID_LEN + 1], *cookie;
	enum MHD_Result r;

	hqweb_session_random(tok);
	cookie = wat_hq_cookie(w, "wat_hq_pre", tok, "/staff", 3600);
	wat_hq_head(&b, "HQ staff: sign in");
	if (error != NULL) {
		strbuf_puts(&b, "<div class=\"answer refused\"><p id=\"headline\">");
		hqweb_form_html(&b, error);
		strbuf_puts(&b, "</p></div>\n");
	}
	strbuf_printf(&b,
	              "<form method=\"post\" action=\"/staff/login\">\n"
	              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	              "<label for=\"user\">Name</label><input type=\"text\" id=\"user\" "
	              "name=\"user\" autocomplete=\"username\" required>\n"
	              "<label for=\"password\">Password</label><input type=\"password\" "
	              "id=\"password\" name=\"password\" autocomplete=\"current-password\" "
	              "required>\n<br><button type=\"submit\" id=\"login\">Sign in</button>\n"
	              "</form>\n",
	              tok);
	r = wat_hq_page_cookie(c, status, &b, cookie);
	free(cookie);
	return r;
}

/* ---- the dashboard's tables (hq_dash_read) ---- */

static int
wat_hq_dash_read(struct hq *h, void *arg, char **cause)
{
	return hq_dash_read(h, arg, cause);
}

static void
wat_hq_money(struct strbuf *b, int64_t cents)
{
	char m[32];

	hqweb_form_html(b, amount_format(cents, m, sizeof m));
}

/* A td with money, classed by its sign when signed (over/short). */
static void
wat_hq_td_money(struct strbuf *b, int64_t cents, int is_signed)
{
	strbuf_printf(b, "<td class=\"num%s\">",
	              !is_signed || cents == 0 ? ""
	              : cents > 0              ? " over"
	                                       : " short");
	if (is_signed && cents > 0)
		strbuf_puts(b, "+");
	wat_hq_money(b, cents);
	strbuf_puts(b, "</td>");
}

static void
wat_hq_td(struct strbuf *b, const char *s)
{
	strbuf_puts(b, "<td>");
	hqweb_form_html(b, s);
	strbuf_puts(b, "</td>");
}

static void
wat_hq_dash_national(const struct wat_hq *w, struct strbuf *b, const struct hq_dash *d)
{
	const struct hq_totals *t = &d->national;
	int64_t goal = w->goal_cents, pct = goal > 0 ? t->total_cents * 100 / goal : 0;

	strbuf_puts(b, "<h2>National total</h2>\n<p class=\"big\"><span id=\"national\">");
	wat_hq_money(b, t->total_cents);
	strbuf_puts(b, "</span> of the goal <span id=\"goal\">");
	wat_hq_money(b, goal);
	strbuf_printf(b,
	              "</span> (<span id=\"percent\">%" PRId64 "%%</span>)</p>\n"
	              "<meter min=\"0\" max=\"%" PRId64 "\" value=\"%" PRId64 "\">%" PRId64
	              "%%</meter>\n<p class=\"note\">%" PRId64 " events, %" PRId64
	              " stations, %" PRId64 " walkers, %" PRId64 " laps; cash ",
	              pct, goal, t->total_cents < goal ? t->total_cents : goal, pct, t->events,
	              t->stations, t->walkers, t->laps);
	wat_hq_money(b, t->cash_cents);
	strbuf_puts(b, ", checks ");
	wat_hq_money(b, t->check_cents);
	strbuf_printf(b, " (%" PRId64 "), other ", t->checks);
	wat_hq_money(b, t->other_cents);
	strbuf_puts(b, ". Annulled entries are left out.</p>\n");
}

static void
wat_hq_dash_table(struct strbuf *b, const struct hq_dash *d)
{
	size_t i;
	char id[32];

	strbuf_puts(b, "<table id=\"stations\"><thead><tr><th>City</th><th>Event</th>"
	               "<th>Station</th><th class=\"num\">Walkers</th><th class=\"num\">Laps</th>"
	               "<th class=\"num\">Cash</th><th class=\"num\">Checks</th>"
	               "<th class=\"num\">Other</th><th class=\"num\">Total</th><th>Bundle</th>"
	               "</tr></thead><tbody>\n");
	for (i = 0; i < d->nrows; i++) {
		const struct hq_dash_row *r = &d->rows[i];
		const struct hq_totals *t = &r->t;
		int counted = r->level > 0 || strcmp(r->state, "counted") == 0 ||
		              strcmp(r->state, "copy") == 0;

		strbuf_printf(b, "<tr class=\"%s\">",
		              r->level == 0   ? "station"
		              : r->level == 1 ? "event"
		                              : "city");
		if (r->level == 2) {
			strbuf_puts(b, "<td>");
			hqweb_form_html(b, r->city);
			strbuf_puts(b, "</td><td colspan=\"2\">city total</td>");
		} else {
			wat_hq_td(b, r->city);
			strbuf_puts(b, "<td>");
			hqweb_form_html(b, r->event_name);
			strbuf_puts(b, " <span class=\"note\">");
			hqweb_form_html(b, r->date);
			strbuf_puts(b, "</span></td>");
			if (r->level == 1)
				strbuf_puts(b, "<td>event total</td>");
			else
				wat_hq_td(b, r->station);
		}
		if (!counted) {
			strbuf_puts(b, "<td colspan=\"6\" class=\"off\">not counted (");
			hqweb_form_html(b, r->state);
			strbuf_puts(b, ")</td>");
		} else {
			strbuf_printf(b,
			              "<td class=\"num\">%" PRId64 "</td><td class=\"num\">%" PRId64
			              "</td>",
			              t->walkers, t->laps);
			wat_hq_td_money(b, t->cash_cents, 0);
			wat_hq_td_money(b, t->check_cents, 0);
			wat_hq_td_money(b, t->other_cents, 0);
			wat_hq_td_money(b, t->total_cents, 0);
		}
		if (r->level == 0 && strcmp(r->state, "copy") == 0) {
			/* its own bundle missing: chase its envelope */
			strbuf_puts(b, "<td class=\"copy\">from the copy in ");
			hqweb_form_html(b, r->carrier);
			strbuf_printf(b, "'s #%" PRId64 "; its own bundle not received</td>",
			              r->bundle);
		} else if (r->level == 0 && r->beyond) {
			/* its card lost after its last export: a peer's copy goes on */
			char w1[64], w2[64];
			strbuf_printf(b,
			              "<td class=\"copy\">#%" PRId64 ", export %" PRId64
			              ": own bundle up to %s, then from the copy in ",
			              r->bundle, r->export_no,
			              stamp_format_utc(r->own_upto_ms, w1, sizeof w1));
			hqweb_form_html(b, r->carrier);
			strbuf_printf(b, "'s #%" PRId64 " up to %s (UTC)</td>", r->copy_bundle,
			              stamp_format_utc(r->copy_upto_ms, w2, sizeof w2));
		} else if (r->level == 0) {
			snprintf(id, sizeof id, "#%" PRId64 ", export %" PRId64, r->bundle,
			         r->export_no);
			wat_hq_td(b, id);
		} else
			strbuf_puts(b, "<td></td>");
		strbuf_puts(b, "</tr>\n");
	}
	if (d->nrows == 0)
		strbuf_puts(b, "<tr><td colspan=\"10\">Nothing counted yet.</td></tr>\n");
	strbuf_puts(b, "</tbody><tfoot><tr class=\"nation\"><td colspan=\"3\">national total</td>");
	strbuf_printf(b, "<td class=\"num\">%" PRId64 "</td><td class=\"num\">%" PRId64 "</td>",
	              d->national.walkers, d->national.laps);
	wat_hq_td_money(b, d->national.cash_cents, 0);
	wat_hq_td_money(b, d->national.check_cents, 0);
	wat_hq_td_money(b, d->national.other_cents, 0);
	wat_hq_td_money(b, d->national.total_cents, 0);
	strbuf_puts(b, "<td></td></tr></tfoot></table>\n");
}

static void
wat_hq_dash_closeouts(struct strbuf *b, const struct hq_dash *d)
{
	size_t i;

	strbuf_puts(b, "<h2>Close-outs</h2>\n<p class=\"note\">What each station's two counters "
	               "put in the envelope against what its ledger expected; the deposit is "
	               "the cash and checks counted.</p>\n");
	if (d->ncloseouts == 0) {
		strbuf_puts(b, "<p id=\"nocloseouts\">No station has closed out yet.</p>\n");
		return;
	}
	strbuf_puts(b, "<table id=\"closeouts\"><thead><tr><th>City</th><th>Event</th>"
	               "<th>Station</th><th class=\"num\">Cash expected</th>"
	               "<th class=\"num\">Cash counted</th><th class=\"num\">Cash over/short</th>"
	               "<th class=\"num\">Checks expected</th><th class=\"num\">Checks counted</th>"
	               "<th class=\"num\">Checks over/short</th><th class=\"num\">Deposit</th>"
	               "</tr></thead><tbody>\n");
	for (i = 0; i < d->ncloseouts; i++) {
		const struct hq_dash_closeout *c = &d->closeouts[i];
		strbuf_puts(b, "<tr>");
		wat_hq_td(b, c->city);
		wat_hq_td(b, c->event_name);
		strbuf_puts(b, "<td>");
		hqweb_form_html(b, c->station);
		if (c->reopened)
			strbuf_puts(b, " <span class=\"note\">(reopened after)</span>");
		strbuf_puts(b, "</td>");
		wat_hq_td_money(b, c->cash_expected, 0);
		wat_hq_td_money(b, c->cash_counted, 0);
		wat_hq_td_money(b, c->cash_counted - c->cash_expected, 1);
		wat_hq_td_money(b, c->check_expected, 0);
		wat_hq_td_money(b, c->check_counted, 0);
		wat_hq_td_money(b, c->check_counted - c->check_expected, 1);
		wat_hq_td_money(b, c->cash_counted + c->check_counted, 0);
		strbuf_puts(b, "</tr>\n");
	}
	strbuf_puts(b, "</tbody></table>\n");
}

/* The charters HQ issued (--charters): *n of them (malloc'd). */
static struct trust_charter *
wat_hq_charters(const struct wat_hq *w, size_t *n)
{
	struct trust_charter *cs = NULL;
	size_t cap = 0;
	DIR *dir;
	struct dirent *e;

	*n = 0;
	if (w->charters == NULL || (dir = opendir(w->charters)) == NULL)
		return NULL;
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		char *path, *cause = NULL;
		if (len < 9 || strcmp(e->d_name + len - 8, ".charter") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			cs = xrealloc(cs, cap * sizeof *cs);
		}
		memset(&cs[*n], 0, sizeof cs[*n]);
		path = xasprintf("%s/%s", w->charters, e->d_name);
		if (trust_charter_load(path, &cs[*n], &cause) == 0)
			(*n)++;
		else
			fprintf(stderr, "wat-hq: %s: %s\n", path, cause);
		free(cause);
		free(path);
	}
	closedir(dir);
	return cs;
}

/* A bundle's outcome (hq.h's words) as staff say it. */
static const char *
wat_hq_outcome_words(const char *outcome)
{
	static const char *const table[][2] = {
	    {"already", "already received"},
	    {"refused", "refused (an older export)"},
	    {"accepted", "accepted by HQ"},
	    {"refused-by-hq", "refused by HQ"},
	};
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i][0], outcome) == 0)
			return table[i][1];
	return outcome;
}

static void
wat_hq_dash_uploads(const struct wat_hq *w, struct strbuf *b, const struct hq_dash *d)
{
	struct trust_charter *cs;
	size_t nc = 0, i, j;
	char today[24], when[24];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	cs = wat_hq_charters(w, &nc);
	strbuf_puts(b, "<h2>Uploads by event</h2>\n<table id=\"uploads\"><thead><tr>"
	               "<th>City</th><th>Event</th><th>Date</th><th>Last upload (UTC)</th>"
	               "<th>Station</th><th>Outcome</th><th class=\"num\">Uploads</th>"
	               "</tr></thead><tbody>\n");
	/* chartered events with no bundle yet first: overdue when their date passed */
	for (i = 0; i < nc; i++) {
		int late = strcmp(cs[i].date, today) < 0;
		for (j = 0; j < d->nevents; j++)
			if (strcmp(d->events[j].event, cs[i].event) == 0 ||
			    strcmp(d->events[j].event_tag, cs[i].event) == 0)
				break;
		if (j < d->nevents)
			continue;
		strbuf_puts(b, late ? "<tr class=\"late\" id=\"late-"
		                    : "<tr class=\"waiting\" id=\"waiting-");
		hqweb_form_html(b, cs[i].event);
		strbuf_puts(b, "\">");
		wat_hq_td(b, cs[i].city);
		wat_hq_td(b, cs[i].name);
		wat_hq_td(b, cs[i].date);
		strbuf_puts(b, late
		                   ? "<td colspan=\"3\"><strong>Not uploaded</strong>, the walk "
		                     "was on its date: call the coordinator</td>"
		                   : "<td colspan=\"3\">Chartered; the walk is still to come</td>");
		strbuf_puts(b, "<td class=\"num\">0</td></tr>\n");
	}
	for (i = 0; i < d->nevents; i++) {
		const struct hq_dash_event *e = &d->events[i];
		strbuf_puts(b, "<tr>");
		wat_hq_td(b, e->city);
		wat_hq_td(b, e->event_name);
		wat_hq_td(b, e->date);
		wat_hq_td(b, stamp_format_utc(e->last_wall_ms, when, sizeof when));
		wat_hq_td(b, e->station);
		strbuf_puts(b, strcmp(e->outcome, "held") == 0 ? "<td class=\"onhold\">" : "<td>");
		hqweb_form_html(b, wat_hq_outcome_words(e->outcome));
		strbuf_printf(b, " (#%" PRId64 ")</td><td class=\"num\">%" PRId64 "</td></tr>\n",
		              e->last_bundle, e->uploads);
	}
	if (nc == 0 && d->nevents == 0)
		strbuf_puts(b, "<tr><td colspan=\"7\">No uploads yet.</td></tr>\n");
	strbuf_puts(b, "</tbody></table>\n");
	if (w->charters == NULL)
		strbuf_puts(b, "<p class=\"note\">Events HQ chartered but never heard from are "
		               "listed when wat-hq is given HQ's charters folder "
		               "(<code>--charters</code>).</p>\n");
	for (i = 0; i < nc; i++)
		trust_charter_clear(&cs[i]);
	free(cs);
}

/* A held bundle's reason as HQ's database keeps it (or a decision's
 * message quoting it), in the command line's words (watctl hq-accept,
 * hq-pending), told for the browser: what to do on these pages (HTML). */
static void
wat_hq_reason_html(struct strbuf *b, const char *reason)
{
	const char *cut;
	char *head;

	if ((cut = strstr(reason, " If that key id is the one")) != NULL) {
		head = xstrndup(reason, (size_t)(cut - reason));
		hqweb_form_html(b, head);
		free(head);
		strbuf_puts(b, " If that key id is the one on the event's paper close-out sheet, "
		               "accept this bundle here (\xe2\x80\x9c"
		               "Accept: count it\xe2\x80\x9d); each station of the event is "
		               "accepted the same way. So that the event's bundles chain to HQ "
		               "from its next walk on, issue it a charter on the "
		               "<a href=\"/staff/charters\">Charters</a> page.");
		return;
	}
	/* held again when accepted: the list is this page, not watctl's */
	if ((cut = strstr(reason, " See watctl hq-pending.")) != NULL) {
		head = xstrndup(reason, (size_t)(cut - reason));
		hqweb_form_html(b, head);
		free(head);
		strbuf_puts(b, " It stays under Held bundles on the "
		               "<a href=\"/staff\">dashboard</a>.");
		return;
	}
	hqweb_form_html(b, reason);
}

/* ---- charters issued in the browser (by wat-hq-signer) ---- */

/* An issued event key waiting for its one download (it is not kept at HQ:
 * served once to the staff member who issued it, within the hour, then
 * wiped). */
struct wat_hq_issued {
	char token[HQWEB_SESSION_ID_LEN + 1];
	char user[HQWEB_SESSION_USER_MAX + 1];
	char event[TRUST_EVENT_MAX + 1];
	char *key;
	size_t len;
	int64_t until_ms;
};
#define WAT_HQ_ISSUED_MAX 16
static struct wat_hq_issued wat_hq_issued[WAT_HQ_ISSUED_MAX];
static pthread_mutex_t wat_hq_issued_lock = PTHREAD_MUTEX_INITIALIZER;

static void
wat_hq_issued_drop(struct wat_hq_issued *e)
{
	if (e->key != NULL)
		util_wipe(e->key, e->len);
	free(e->key);
	memset(e, 0, sizeof *e);
}

/* Keeps key (taken) for its one download; token: the link's. */
static void
wat_hq_issued_put(const char *user, const char *event, char *key, size_t len,
                  char token[HQWEB_SESSION_ID_LEN + 1])
{
	int64_t now = wat_hq_now_ms();
	size_t i, pick = 0;

	hqweb_session_random(token);
	pthread_mutex_lock(&wat_hq_issued_lock);
	for (i = 0; i < WAT_HQ_ISSUED_MAX; i++) {
		if (wat_hq_issued[i].key != NULL && wat_hq_issued[i].until_ms < now)
			wat_hq_issued_drop(&wat_hq_issued[i]);
		if (wat_hq_issued[i].key == NULL ||
		    wat_hq_issued[i].until_ms < wat_hq_issued[pick].until_ms)
			pick = i;
	}
	wat_hq_issued_drop(&wat_hq_issued[pick]);
	snprintf(wat_hq_issued[pick].token, sizeof wat_hq_issued[pick].token, "%s", token);
	snprintf(wat_hq_issued[pick].user, sizeof wat_hq_issued[pick].user, "%s", user);
	snprintf(wat_hq_issued[pick].event, sizeof wat_hq_issued[pick].event, "%s", event);
	wat_hq_issued[pick].key = key;
	wat_hq_issued[pick].len = len;
	wat_hq_issued[pick].until_ms = now + 3600 * 1000;
	pthread_mutex_unlock(&wat_hq_issued_lock);
}

/* The key behind token for user, taken (malloc'd; NULL: none, used, or
 * too late); *event its event. */
static char *
wat_hq_issued_take(const char *token, const char *user, char event[TRUST_EVENT_MAX + 1],
                   size_t *len)
{
	int64_t now = wat_hq_now_ms();
	char *key = NULL;
	size_t i;

	pthread_mutex_lock(&wat_hq_issued_lock);
	for (i = 0; i < WAT_HQ_ISSUED_MAX; i++) {
		struct wat_hq_issued *e = &wat_hq_issued[i];
		if (e->key == NULL || !hqweb_session_same(e->token, token))
			continue;
		if (e->until_ms >= now && strcmp(e->user, user) == 0) {
			key = e->key;
			*len = e->len;
			snprintf(event, TRUST_EVENT_MAX + 1, "%s", e->event);
			e->key = NULL;
		}
		wat_hq_issued_drop(e);
		break;
	}
	pthread_mutex_unlock(&wat_hq_issued_lock);
	return key;
}

static enum MHD_Result
wat_hq_attachment(struct MHD_Connection *c, const char *type, char *data, size_t len,
                  const char *filename)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	char *disp;
	enum MHD_Result ret;

	if (r == NULL) {
		free(data);
		return MHD_NO;
	}
	disp = xasprintf("attachment; filename=\"%s\"", filename);
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Disposition", disp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	free(disp);
	return ret;
}

/* The charters page: HQ's charters (--charters) with their files, and the
 * form to issue one; answer: the last form's outcome (HTML, made here). */
static enum MHD_Result
wat_hq_charters_page(struct wat_hq *w, struct MHD_Connection *c, const struct hqweb_session_info *s,
                     unsigned int status, const char *klass, const char *answer_html)
{
	struct strbuf b = STRBUF_INIT;
	struct trust_charter *cs;
	size_t nc = 0, i;
	char id[17];

	wat_hq_head(&b, "Charters");
	strbuf_puts(&b, "<p class=\"noprint\"><a href=\"/staff\">Back to the dashboard</a></p>\n");
	if (answer_html != NULL)
		strbuf_printf(&b, "<div class=\"answer %s\">%s</div>\n", klass, answer_html);
	cs = wat_hq_charters(w, &nc);
	strbuf_puts(&b, "<h2>Events HQ chartered</h2>\n");
	if (w->charters == NULL)
		strbuf_puts(&b, "<p class=\"note\" id=\"nocharters\">wat-hq was not given HQ's "
		                "charters folder (<code>--charters</code>): the charters are not "
		                "listed here.</p>\n");
	else if (nc == 0)
		strbuf_puts(&b, "<p id=\"nocharters\">None yet.</p>\n");
	else {
		strbuf_puts(&b,
		            "<table id=\"charters\"><thead><tr><th>Event id</th><th>City</th>"
		            "<th>Walk</th><th>Date</th><th>Upload code</th><th>Event key id</th>"
		            "<th>File</th></tr></thead><tbody>\n");
		for (i = 0; i < nc; i++) {
			strbuf_puts(&b, "<tr id=\"charter-");
			hqweb_form_html(&b, cs[i].event);
			strbuf_puts(&b, "\">");
			wat_hq_td(&b, cs[i].event);
			wat_hq_td(&b, cs[i].city);
			wat_hq_td(&b, cs[i].name);
			wat_hq_td(&b, cs[i].date);
			wat_hq_td(&b, cs[i].upload_code);
			sign_keyid_hex(cs[i].event_pub.id, id);
			strbuf_puts(&b, "<td><code>");
			hqweb_form_html(&b, id);
			strbuf_puts(&b, "</code></td><td><a href=\"/staff/charter?event=");
			hqweb_form_html(&b, cs[i].event);
			strbuf_puts(&b, "\">");
			hqweb_form_html(&b, cs[i].event);
			strbuf_puts(&b, ".charter</a></td></tr>\n");
		}
		strbuf_puts(&b, "</tbody></table>\n");
	}
	/* the organisation's lines as the last charter had them */
	strbuf_printf(&b,
	              "<h2>Issue a charter</h2>\n<p class=\"note\">As <code>watctl "
	              "hq-charter</code>: HQ's signer signs it and makes the event's key. Give "
	              "the coordinator both files on their stick (<code>watctl init --charter "
	              "FILE --event-key FILE</code>); the event key is not kept at HQ and can be "
	              "downloaded once.</p>\n<form method=\"post\" action=\"/staff/charters\">\n"
	              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	              s->csrf);
#define WAT_HQ_FIELD(id, label, val, extra)                                                        \
	do {                                                                                       \
		strbuf_puts(&b, "<label for=\"" id "\">" label "</label><input type=\"text\" "     \
		                "id=\"" id "\" name=\"" id "\" required " extra " value=\"");      \
		hqweb_form_html(&b, (val));                                                        \
		strbuf_puts(&b, "\">\n");                                                          \
	} while (0)
	WAT_HQ_FIELD("event", "Event id (letters, digits, -)", "", "maxlength=\"32\"");
	WAT_HQ_FIELD("name", "Walk's name", nc > 0 ? cs[nc - 1].name : "Walk Against Traffick",
	             "class=\"wide\"");
	WAT_HQ_FIELD("city", "City", "", "");
	WAT_HQ_FIELD("date", "Date (YYYY-MM-DD)", "", "maxlength=\"10\"");
	WAT_HQ_FIELD("org", "Organisation (receipts)", nc > 0 ? cs[nc - 1].org : "",
	             "class=\"wide\"");
	WAT_HQ_FIELD("ein", "EIN", nc > 0 ? cs[nc - 1].ein : "", "");
	WAT_HQ_FIELD("inbox", "HQ's inbox URL", nc > 0 ? cs[nc - 1].inbox : "", "class=\"wide\"");
	WAT_HQ_FIELD("code", "Upload code", "", "maxlength=\"64\"");
#undef WAT_HQ_FIELD
	strbuf_puts(&b, "<br><button type=\"submit\" id=\"issue\">Issue the charter</button>\n"
	                "</form>\n");
	for (i = 0; i < nc; i++)
		trust_charter_clear(&cs[i]);
	free(cs);
	return wat_hq_page(c, status, &b);
}

static enum MHD_Result
wat_hq_charters_get(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	return wat_hq_charters_page(w, c, &s, MHD_HTTP_OK, NULL, NULL);
}

/* The charter form sent (its CSRF token checked by the caller). */
static enum MHD_Result
wat_hq_charters_post(struct wat_hq *w, struct MHD_Connection *c, struct wat_hq_req *q,
                     const struct hqweb_session_info *s)
{
	static const char *const names[8] = {"event", "name", "city",  "date",
	                                     "org",   "ein",  "inbox", "code"};
	struct hqweb_signer_client cl = {.path = w->signer};
	struct hqweb_signer_charter out = {0};
	struct trust_charter ch;
	char *v[8] = {0}, *cause = NULL, token[HQWEB_SESSION_ID_LEN + 1], id[17];
	const char *f[8];
	struct strbuf a = STRBUF_INIT;
	enum MHD_Result r;
	int i;

	memset(&ch, 0, sizeof ch);
	for (i = 0; i < 8; i++) {
		v[i] = hqweb_form_field(q->body, q->body_len, names[i]);
		if (v[i] == NULL || *v[i] == '\0') {
			strbuf_puts(&a, "<p id=\"headline\">Fill in every field: nothing was "
			                "issued.</p>");
			r = wat_hq_charters_page(w, c, s, MHD_HTTP_BAD_REQUEST, "refused", a.s);
			goto end;
		}
		f[i] = v[i];
	}
	if (hqweb_signer_charter(&cl, f, &out, &cause) != 0 ||
	    trust_charter_parse(out.charter, out.charter_len, &ch, &cause) != 0) {
		strbuf_puts(&a, "<p id=\"headline\">");
		hqweb_form_html(&a, cause != NULL ? cause : "The charter could not be issued.");
		strbuf_puts(&a, "</p>");
		r = wat_hq_charters_page(w, c, s,
		                         cl.down ? MHD_HTTP_SERVICE_UNAVAILABLE
		                                 : MHD_HTTP_UNPROCESSABLE_CONTENT,
		                         "refused", a.s);
		goto end;
	}
	/* the public copy the pages list (when the signer keeps its own elsewhere) */
	if (w->charters != NULL) {
		char *name = xasprintf("%s.charter", ch.event), *path;
		path = xasprintf("%s/%s", w->charters, name);
		if (access(path, F_OK) != 0 &&
		    (util_mkdir(w->charters, 0755) != 0 ||
		     util_write_file(w->charters, name, out.charter, out.charter_len, 0644,
		                     &cause) != 0))
			fprintf(stderr, "wat-hq: %s\n", cause);
		free(path);
		free(name);
	}
	sign_keyid_hex(ch.event_pub.id, id);
	{
		char *subject = xasprintf("event %s (%s, %s, %s), event key id %s", ch.event,
		                          ch.name, ch.city, ch.date, id);
		hqweb_inbox_log(w->inbox, s->user, "charter-issued", 0, subject);
		free(subject);
	}
	/* HQ's key rotations beside the charters (the newest: one file), for
	 * the stick as watctl hq-charter writes it */
	if (out.rotations != NULL && w->charters != NULL &&
	    util_write_file(w->charters, "hq-rotations", out.rotations, out.rotations_len, 0644,
	                    &cause) != 0) {
		fprintf(stderr, "wat-hq: %s\n", cause);
		free(cause);
		cause = NULL;
	}
	wat_hq_issued_put(s->user, ch.event, out.event_key, out.key_len, token);
	out.event_key = NULL;
	strbuf_puts(&a, "<p id=\"headline\">");
	{
		char *said = xasprintf("Issued the charter for event %s (%s, %s, %s); event key id "
		                       "%s.",
		                       ch.event, ch.name, ch.city, ch.date, id);
		hqweb_form_html(&a, said);
		free(said);
	}
	strbuf_puts(&a, "</p><p>Download both files for the coordinator's stick: <a "
	                "id=\"dl-charter\" href=\"/staff/charter?event=");
	hqweb_form_html(&a, ch.event);
	strbuf_puts(&a, "\">");
	hqweb_form_html(&a, ch.event);
	strbuf_printf(&a, ".charter</a> and <a id=\"dl-key\" href=\"/staff/charter-key?t=%s\">",
	              token);
	hqweb_form_html(&a, ch.event);
	strbuf_puts(&a, ".event.key</a> (the event's secret key: once, within the hour; HQ "
	                "keeps no copy).</p>");
	if (out.rotations != NULL)
		strbuf_puts(&a,
		            "<p>HQ changed its signing key since the stations' software was "
		            "made: also put <a id=\"dl-rotations\" href=\"/staff/hq-rotations\">"
		            "hq-rotations</a> on the stick, beside the charter (the station "
		            "follows HQ's new key through it).</p>");
	r = wat_hq_charters_page(w, c, s, MHD_HTTP_OK, "received", a.s);
end:
	trust_charter_clear(&ch);
	hqweb_signer_charter_clear(&out);
	for (i = 0; i < 8; i++)
		free(v[i]);
	free(cause);
	strbuf_free(&a);
	return r;
}

/* A charter's file from HQ's charters folder: ?event=ID (an event id
 * only: letters, digits and '-'; anything else, a path, is refused). */
static enum MHD_Result
wat_hq_charter_file(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;
	const char *ev = NULL;
	char *cause = NULL, *data = NULL, *path = NULL, *fname = NULL;
	size_t len = 0;
	enum MHD_Result r;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	/* its decoded length too: "%00" would end the id early */
	if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "event", 5, &ev, &len) !=
	        MHD_YES ||
	    ev == NULL || strlen(ev) != len || trust_check_event_id(ev, &cause) != 0) {
		free(cause);
		return wat_hq_message(c, MHD_HTTP_BAD_REQUEST, "Refused",
		                      "That is not an event id (letters, digits and -): nothing "
		                      "was sent.");
	}
	if (w->charters == NULL)
		return wat_hq_message(c, MHD_HTTP_NOT_FOUND, "Not here",
		                      "wat-hq was not given HQ's charters folder (--charters).");
	path = xasprintf("%s/%s.charter", w->charters, ev);
	if (util_read_file(path, 1 << 16, &data, &len, &cause) != 0) {
		r = wat_hq_message(c, MHD_HTTP_NOT_FOUND, "Not found",
		                   "HQ has no charter of that event.");
		goto end;
	}
	fname = xasprintf("%s.charter", ev);
	r = wat_hq_attachment(c, "text/plain; charset=utf-8", data, len, fname);
	data = NULL;
end:
	free(fname);
	free(data);
	free(path);
	free(cause);
	return r;
}

/* HQ's key rotations as the last charter issued here carried them (public:
 * the announcements signed by HQ's keys), for the stick beside a charter. */
static enum MHD_Result
wat_hq_rotations_file(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;
	char *cause = NULL, *data = NULL, *path;
	size_t len = 0;
	enum MHD_Result r;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	if (w->charters == NULL)
		return wat_hq_message(c, MHD_HTTP_NOT_FOUND, "Not here",
		                      "wat-hq was not given HQ's charters folder (--charters).");
	path = xasprintf("%s/hq-rotations", w->charters);
	if (util_read_file(path, (size_t)TRUST_FILE_MAX * TRUST_HQ_MAX, &data, &len, &cause) != 0) {
		r = wat_hq_message(c, MHD_HTTP_NOT_FOUND, "Not found",
		                   "HQ never changed its signing key: a charter needs no "
		                   "hq-rotations.");
		goto end;
	}
	r = wat_hq_attachment(c, "text/plain; charset=utf-8", data, len, "hq-rotations");
	data = NULL;
end:
	free(data);
	free(path);
	free(cause);
	return r;
}

/* The event key of a charter just issued, once. */
static enum MHD_Result
wat_hq_charter_key(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;
	const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "t");
	char event[TRUST_EVENT_MAX + 1], *key, *fname;
	size_t len = 0;
	enum MHD_Result r;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	if (t == NULL || strlen(t) != HQWEB_SESSION_ID_LEN ||
	    (key = wat_hq_issued_take(t, s.user, event, &len)) == NULL)
		return wat_hq_message(
		    c, MHD_HTTP_GONE, "Gone",
		    "That event key was downloaded already, or the hour passed: "
		    "HQ keeps no copy. Issue a new charter under a new event id.");
	fname = xasprintf("%s.event.key", event);
	hqweb_inbox_log(w->inbox, s.user, "charter-key-sent", 0, event);
	r = wat_hq_attachment(c, "application/octet-stream", key, len, fname);
	free(fname);
	return r;
}

/* ---- downloads: spreadsheets and the bundles as received ---- */

struct wat_hq_csv_job {
	const char *city, *event;
	char *text;
};

static int
wat_hq_csv_do(struct hq *h, void *arg, char **cause)
{
	struct wat_hq_csv_job *j = arg;

	return hq_csv_of(h, j->city, j->event, &j->text, cause);
}

struct wat_hq_downloads {
	struct hq_dash dash;
	struct hq_bundle_row *bundles;
	size_t nbundles;
};

static int
wat_hq_downloads_read(struct hq *h, void *arg, char **cause)
{
	struct wat_hq_downloads *d = arg;

	if (hq_dash_read(h, &d->dash, cause) != 0)
		return -1;
	return hq_bundle_list(h, &d->bundles, &d->nbundles, cause);
}

/* A link to the stations CSV with one query parameter (its value
 * %-encoded). */
static void
wat_hq_csv_link(struct strbuf *b, const char *id, const char *param, const char *value,
                const char *label)
{
	const char *p;

	strbuf_puts(b, "<li><a id=\"");
	hqweb_form_html(b, id);
	strbuf_printf(b, "\" href=\"/staff/stations.csv?%s=", param);
	for (p = value; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_')
			strbuf_printf(b, "%c", ch);
		else
			strbuf_printf(b, "%%%02X", ch);
	}
	strbuf_puts(b, "\">");
	hqweb_form_html(b, label);
	strbuf_puts(b, "</a></li>\n");
}

static enum MHD_Result
wat_hq_downloads(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;
	struct wat_hq_downloads d;
	struct strbuf b = STRBUF_INIT;
	char *cause = NULL, when[24];
	size_t i;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	memset(&d, 0, sizeof d);
	wat_hq_head(&b, "Downloads");
	strbuf_puts(&b, "<p class=\"noprint\"><a href=\"/staff\">Back to the dashboard</a></p>\n");
	if (hqweb_inbox_call(w->inbox, wat_hq_downloads_read, &d, &cause) != 0) {
		strbuf_puts(&b, "<p>");
		hqweb_form_html(&b, cause);
		strbuf_puts(&b, "</p>\n");
		goto out;
	}
	strbuf_puts(&b,
	            "<h2>Spreadsheets (CSV)</h2>\n<p class=\"note\">One row per counted "
	            "station with its figures; names that would start a formula are "
	            "quoted, so they are safe to open in Excel.</p>\n<ul id=\"csvs\">\n"
	            "<li><a id=\"csv-national\" href=\"/staff/stations.csv\">National</a></li>\n");
	for (i = 0; i < d.dash.nrows; i++) {
		const struct hq_dash_row *r = &d.dash.rows[i];
		char *id, *label;
		if (r->level == 2) {
			id = xasprintf("csv-city-%zu", i);
			label = xasprintf("City: %s", r->city);
			wat_hq_csv_link(&b, id, "city", r->city, label);
		} else if (r->level == 1) {
			id = xasprintf("csv-event-%s", r->event_tag);
			label = xasprintf("Event: %s, %s (%s)", r->event_name, r->city, r->date);
			wat_hq_csv_link(&b, id, "event", r->event_tag, label);
		} else
			continue;
		free(label);
		free(id);
	}
	strbuf_puts(&b, "</ul>\n<h2>Bundles as received</h2>\n<p class=\"note\">Each upload "
	                "through this inbox kept as it arrived (the signed zip and its "
	                ".minisig, or the sealed file), to check again with stock tools. "
	                "Bundles merged with <code>watctl merge</code> are on HQ's own "
	                "disk.</p>\n<table id=\"bundles\"><thead><tr><th>#</th>"
	                "<th>Received (UTC)</th><th>City</th><th>Event</th><th>Station</th>"
	                "<th class=\"num\">Export</th><th>Outcome</th><th>Files</th></tr>"
	                "</thead><tbody>\n");
	for (i = 0; i < d.nbundles; i++) {
		const struct hq_bundle_row *r = &d.bundles[i];
		char *dir = xasprintf("%s/%" PRId64, w->bundles, r->id);
		struct dirent **names = NULL;
		/* in name order: the bundle, then its signature (readdir's order is the disk's) */
		int nnames = scandir(dir, &names, NULL, alphasort), any = 0;

		strbuf_printf(&b, "<tr id=\"bundle-%" PRId64 "\"><td>%" PRId64 "</td>", r->id,
		              r->id);
		wat_hq_td(&b, stamp_format_utc(r->wall_ms, when, sizeof when));
		wat_hq_td(&b, r->city);
		wat_hq_td(&b, r->event_name);
		wat_hq_td(&b, r->station);
		strbuf_printf(&b, "<td class=\"num\">%" PRId64 "</td>", r->export_no);
		wat_hq_td(&b, wat_hq_outcome_words(r->outcome));
		strbuf_puts(&b, "<td>");
		for (int k = 0; k < nnames; k++) {
			const struct dirent *e = names[k];
			if (e->d_name[0] == '.')
				continue;
			strbuf_printf(&b, "%s<a href=\"/staff/bundle?id=%" PRId64 "&amp;file=",
			              any ? "<br>" : "", r->id);
			hqweb_form_html(&b, e->d_name);
			strbuf_puts(&b, "\">");
			hqweb_form_html(&b, e->d_name);
			strbuf_puts(&b, "</a>");
			any = 1;
		}
		if (!any) {
			strbuf_puts(&b, "<span class=\"note\">");
			hqweb_form_html(&b, r->file);
			strbuf_puts(&b, " (not uploaded here)</span>");
		}
		strbuf_puts(&b, "</td></tr>\n");
		for (int k = 0; k < nnames; k++)
			free(names[k]);
		free(names);
		free(dir);
	}
	if (d.nbundles == 0)
		strbuf_puts(&b, "<tr><td colspan=\"8\">No bundle received yet.</td></tr>\n");
	strbuf_puts(&b, "</tbody></table>\n");
out:
	hq_dash_free(&d.dash);
	free(d.bundles);
	free(cause);
	return wat_hq_page(c, MHD_HTTP_OK, &b);
}

/* One file of a bundle as received: ?id=N (HQ's number) and &file=NAME, a
 * plain file name of that bundle's folder (no path: refused). */
static enum MHD_Result
wat_hq_bundle_file(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;
	const char *id = NULL, *file = NULL;
	char safe[HQWEB_FORM_NAME_MAX + 1], *path = NULL, *data = NULL;
	size_t idlen = 0, flen = 0, i, len = 0;
	struct stat sb;
	enum MHD_Result r;
	int fd = -1;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "id", 2, &id, &idlen) !=
	        MHD_YES ||
	    MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "file", 4, &file, &flen) !=
	        MHD_YES ||
	    id == NULL || file == NULL || idlen == 0 || idlen > 18 || strlen(id) != idlen ||
	    strlen(file) != flen || hqweb_form_filename(file, flen, safe) != 0 ||
	    strcmp(safe, file) != 0)
		goto refuse;
	for (i = 0; i < idlen; i++)
		if (id[i] < '0' || id[i] > '9')
			goto refuse;
	path = xasprintf("%s/%s/%s", w->bundles, id, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 || fstat(fd, &sb) != 0 ||
	    !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > w->max_upload) {
		r = wat_hq_message(c, MHD_HTTP_NOT_FOUND, "Not found",
		                   "HQ has no such file of that bundle.");
		goto end;
	}
	len = (size_t)sb.st_size;
	data = xmalloc(len + 1);
	for (i = 0; i < len;) {
		ssize_t n = read(fd, data + i, len - i);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		i += (size_t)n;
	}
	if (i != len) {
		r = wat_hq_message(c, MHD_HTTP_SERVICE_UNAVAILABLE, "Try again",
		                   "HQ could not read that file just now.");
		goto end;
	}
	r = wat_hq_attachment(c, "application/octet-stream", data, len, safe);
	data = NULL;
	hqweb_inbox_log(w->inbox, s.user, "bundle-downloaded", strtoll(id, NULL, 10), file);
	goto end;
refuse:
	return wat_hq_message(c, MHD_HTTP_BAD_REQUEST, "Refused",
	                      "Name a bundle by its number and one of its files by name (no "
	                      "folders): nothing was sent.");
end:
	if (fd >= 0)
		close(fd);
	free(data);
	free(path);
	return r;
}

/* ---- staff sessions kept in HQ's database across a restart ---- */

struct wat_hq_session_job {
	struct hq_session ss;
	const char *idhash, *user;
	int64_t before_ms;
	int op; /* 0 put, 1 get, 2 end */
};

static int
wat_hq_session_do(struct hq *h, void *arg, char **cause)
{
	struct wat_hq_session_job *j = arg;

	switch (j->op) {
	case 0: return hq_session_put(h, &j->ss, cause);
	case 1: return hq_session_get(h, j->idhash, &j->ss, cause);
	default: return hq_session_end(h, j->idhash, j->user, j->before_ms, cause);
	}
}

static void
wat_hq_session_run(struct wat_hq *w, struct wat_hq_session_job *j, int *rc)
{
	char *cause = NULL;
	int r = hqweb_inbox_call(w->inbox, wat_hq_session_do, j, &cause);

	if (r < 0)
		fprintf(stderr, "wat-hq: staff sessions: %s\n", cause != NULL ? cause : "?");
	if (rc != NULL)
		*rc = r;
	free(cause);
}

static void
wat_hq_session_put(void *ctx, const char *idhash, const struct hqweb_session_info *info,
                   int64_t start_ms, int64_t seen_ms)
{
	struct wat_hq_session_job j = {.op = 0};

	snprintf(j.ss.idhash, sizeof j.ss.idhash, "%s", idhash);
	snprintf(j.ss.user, sizeof j.ss.user, "%s", info->user);
	snprintf(j.ss.csrf, sizeof j.ss.csrf, "%s", info->csrf);
	j.ss.admin = info->admin;
	j.ss.start_ms = start_ms;
	j.ss.seen_ms = seen_ms;
	wat_hq_session_run(ctx, &j, NULL);
}

static int
wat_hq_session_get(void *ctx, const char *idhash, struct hqweb_session_info *info,
                   int64_t *start_ms, int64_t *seen_ms)
{
	struct wat_hq_session_job j = {.op = 1, .idhash = idhash};
	int rc = -1;

	wat_hq_session_run(ctx, &j, &rc);
	if (rc != 0 || strlen(j.ss.user) > HQWEB_SESSION_USER_MAX ||
	    strlen(j.ss.csrf) != HQWEB_SESSION_ID_LEN)
		return -1;
	/* lengths checked above: copied whole */
	memset(info, 0, sizeof *info);
	memcpy(info->user, j.ss.user, strlen(j.ss.user) + 1);
	memcpy(info->csrf, j.ss.csrf, HQWEB_SESSION_ID_LEN + 1);
	info->admin = j.ss.admin;
	*start_ms = j.ss.start_ms;
	*seen_ms = j.ss.seen_ms;
	return 0;
}

static void
wat_hq_session_end(void *ctx, const char *idhash, const char *user)
{
	struct wat_hq_session_job j = {.op = 2, .idhash = idhash, .user = user};

	wat_hq_session_run(ctx, &j, NULL);
}

/* ---- staff accounts, kept by an admin ---- */

enum wat_hq_staff_op {
	WAT_HQ_STAFF_LIST,
	WAT_HQ_STAFF_ADD,
	WAT_HQ_STAFF_DISABLE,
	WAT_HQ_STAFF_RESET
};

struct wat_hq_staff_job {
	enum wat_hq_staff_op op;
	const char *name, *hash, *by;
	int admin, disabled;
	struct hq_staff_row *rows;
	size_t n;
};

static int
wat_hq_staff_do(struct hq *h, void *arg, char **cause)
{
	struct wat_hq_staff_job *j = arg;

	switch (j->op) {
	case WAT_HQ_STAFF_LIST: return hq_staff_list(h, &j->rows, &j->n, cause);
	case WAT_HQ_STAFF_ADD: return hq_staff_add(h, j->name, j->hash, j->admin, j->by, cause);
	case WAT_HQ_STAFF_DISABLE: return hq_staff_disable(h, j->name, j->disabled, j->by, cause);
	case WAT_HQ_STAFF_RESET: return hq_staff_reset(h, j->name, j->hash, j->by, cause);
	}
	return -1;
}

/* A name staff sign in with: letters, digits, '.', '-', '_'. */
static int
wat_hq_staff_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > HQWEB_SESSION_USER_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

#define WAT_HQ_PASSWORD_MIN 10

/* The accounts page (admins only), with the answer to the last form. */
static enum MHD_Result
wat_hq_accounts_page(struct wat_hq *w, struct MHD_Connection *c, const struct hqweb_session_info *s,
                     unsigned int status, const char *msg, int ok)
{
	struct wat_hq_staff_job j = {.op = WAT_HQ_STAFF_LIST};
	struct strbuf b = STRBUF_INIT;
	char *cause = NULL, when[24];
	size_t i;

	wat_hq_head(&b, "HQ staff accounts");
	strbuf_puts(&b, "<p class=\"noprint\"><a href=\"/staff\">Back to the dashboard</a></p>\n");
	if (msg != NULL) {
		strbuf_printf(&b, "<div class=\"answer %s\"><p id=\"headline\">",
		              ok ? "received" : "refused");
		hqweb_form_html(&b, msg);
		strbuf_puts(&b, "</p></div>\n");
	}
	if (hqweb_inbox_call(w->inbox, wat_hq_staff_do, &j, &cause) != 0) {
		strbuf_puts(&b, "<p>");
		hqweb_form_html(&b, cause);
		strbuf_puts(&b, "</p>");
	}
	strbuf_puts(&b, "<table id=\"accounts\"><thead><tr><th>Name</th><th>Role</th><th>State</th>"
	                "<th>Since (UTC)</th><th>Change</th></tr></thead><tbody>\n");
	for (i = 0; i < j.n; i++) {
		const struct hq_staff_row *r = &j.rows[i];
		strbuf_puts(&b, "<tr id=\"account-");
		hqweb_form_html(&b, r->name);
		strbuf_puts(&b, "\">");
		wat_hq_td(&b, r->name);
		wat_hq_td(&b, r->admin ? "admin" : "staff");
		wat_hq_td(&b, r->disabled ? "disabled" : "active");
		wat_hq_td(&b, stamp_format_utc(r->wall_ms, when, sizeof when));
		strbuf_puts(&b, "<td>");
		if (strcmp(r->name, s->user) == 0)
			strbuf_puts(&b, "<span class=\"note\">you</span>");
		else {
			/* one form per account: disable or enable, or a new password */
			strbuf_printf(&b,
			              "<form method=\"post\" action=\"/staff/accounts\" "
			              "class=\"inline\"><input type=\"hidden\" name=\"csrf\" "
			              "value=\"%s\"><input type=\"hidden\" name=\"name\" value=\"",
			              s->csrf);
			hqweb_form_html(&b, r->name);
			strbuf_printf(&b,
			              "\"><button type=\"submit\" name=\"action\" value=\"%s\">%s"
			              "</button></form> ",
			              r->disabled ? "enable" : "disable",
			              r->disabled ? "Enable" : "Disable");
			strbuf_printf(&b,
			              "<form method=\"post\" action=\"/staff/accounts\" "
			              "class=\"inline\"><input type=\"hidden\" name=\"csrf\" "
			              "value=\"%s\"><input type=\"hidden\" name=\"name\" value=\"",
			              s->csrf);
			hqweb_form_html(&b, r->name);
			strbuf_printf(&b,
			              "\"><input type=\"password\" name=\"password\" "
			              "autocomplete=\"new-password\" minlength=\"%d\" required "
			              "placeholder=\"new password\" aria-label=\"new password\">"
			              "<button type=\"submit\" name=\"action\" value=\"reset\">"
			              "Reset password</button></form>",
			              WAT_HQ_PASSWORD_MIN);
		}
		strbuf_puts(&b, "</td></tr>\n");
	}
	strbuf_puts(&b, "</tbody></table>\n");
	strbuf_printf(
	    &b,
	    "<h2>Add an account</h2>\n<form method=\"post\" action=\"/staff/accounts\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<label for=\"new-name\">Name (letters, digits, . - _)</label>"
	    "<input type=\"text\" id=\"new-name\" name=\"name\" required maxlength=\"%d\" "
	    "autocomplete=\"off\">"
	    "<label for=\"new-password\">Password (at least %d characters; tell it "
	    "in person or by phone)</label><input type=\"password\" id=\"new-password\" "
	    "name=\"password\" required minlength=\"%d\" autocomplete=\"new-password\">"
	    "<label class=\"check\"><input type=\"checkbox\" name=\"admin\" value=\"1\" "
	    "id=\"new-admin\"> An admin (keeps accounts)</label>"
	    "<button type=\"submit\" name=\"action\" value=\"add\" id=\"add\">Add the "
	    "account</button></form>\n"
	    "<p class=\"note\">Every change is in HQ's log with who made it. A disabled "
	    "account, or one whose password was reset, is signed out at once.</p>\n",
	    s->csrf, HQWEB_SESSION_USER_MAX, WAT_HQ_PASSWORD_MIN, WAT_HQ_PASSWORD_MIN);
	free(j.rows);
	free(cause);
	return wat_hq_page(c, status, &b);
}

static enum MHD_Result
wat_hq_accounts_post(struct wat_hq *w, struct MHD_Connection *c, struct wat_hq_req *q,
                     const struct hqweb_session_info *s)
{
	char *action = hqweb_form_field(q->body, q->body_len, "action");
	char *name = hqweb_form_field(q->body, q->body_len, "name");
	char *pw = hqweb_form_field(q->body, q->body_len, "password");
	char *adm = hqweb_form_field(q->body, q->body_len, "admin");
	char hash[HQWEB_SESSION_HASH_MAX], *cause = NULL, *msg = NULL;
	struct wat_hq_staff_job j = {.name = name, .hash = hash, .by = s->user};
	unsigned int status = MHD_HTTP_BAD_REQUEST;
	enum MHD_Result r;
	int rc, ok = 0;

	if (action == NULL || name == NULL || !wat_hq_staff_name_ok(name)) {
		msg = xstrdup("Give a name of letters, digits, '.', '-' or '_' (at most 40).");
		goto end;
	}
	if (strcmp(action, "add") == 0 || strcmp(action, "reset") == 0) {
		if (pw == NULL || strlen(pw) < WAT_HQ_PASSWORD_MIN || strlen(pw) > 1024) {
			msg = xasprintf("A password needs at least %d characters.",
			                WAT_HQ_PASSWORD_MIN);
			goto end;
		}
		if (hqweb_session_password_hash(pw, hash) != 0) {
			status = MHD_HTTP_SERVICE_UNAVAILABLE;
			msg = xstrdup("HQ could not hash the password just now; try again.");
			goto end;
		}
		j.op = strcmp(action, "add") == 0 ? WAT_HQ_STAFF_ADD : WAT_HQ_STAFF_RESET;
		j.admin = adm != NULL && strcmp(adm, "1") == 0;
	} else if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
		j.op = WAT_HQ_STAFF_DISABLE;
		j.disabled = strcmp(action, "disable") == 0;
	} else {
		msg = xstrdup("That form was not complete.");
		goto end;
	}
	if (strcmp(name, s->user) == 0 && j.op != WAT_HQ_STAFF_ADD) {
		/* an admin never locks themselves out: another admin does it */
		msg = xstrdup("Your own account is changed by another admin (or watctl hq-staff).");
		goto end;
	}
	rc = hqweb_inbox_call(w->inbox, wat_hq_staff_do, &j, &cause);
	if (rc == 1) {
		status = MHD_HTTP_NOT_FOUND;
		msg = xasprintf("There is no staff account %s.", name);
	} else if (rc != 0) {
		status =
		    j.op == WAT_HQ_STAFF_ADD ? MHD_HTTP_CONFLICT : MHD_HTTP_SERVICE_UNAVAILABLE;
		msg = xstrdup(cause != NULL ? cause : "It could not be done.");
	} else {
		status = MHD_HTTP_OK;
		ok = 1;
		if (j.op != WAT_HQ_STAFF_ADD)
			hqweb_session_end_user(name);
		msg = j.op == WAT_HQ_STAFF_ADD
		          ? xasprintf("Added %s%s.", name, j.admin ? " (an admin)" : "")
		      : j.op == WAT_HQ_STAFF_RESET
		          ? xasprintf("New password set for %s; they sign in with it now.", name)
		          : xasprintf("%s %s.", j.disabled ? "Disabled" : "Enabled", name);
	}
end:
	r = wat_hq_accounts_page(w, c, s, status, msg, ok);
	if (pw != NULL)
		util_wipe(pw, strlen(pw));
	util_wipe(hash, sizeof hash);
	free(msg);
	free(cause);
	free(adm);
	free(pw);
	free(name);
	free(action);
	return r;
}

static enum MHD_Result
wat_hq_accounts(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	if (!s.admin)
		return wat_hq_message(c, MHD_HTTP_FORBIDDEN, "Admins only",
		                      "Staff accounts are kept by HQ's admins.");
	return wat_hq_accounts_page(w, c, &s, MHD_HTTP_OK, NULL, 0);
}

/* ---- pledge payments that arrive at HQ by mail ---- */

/* The pledges' table and the last payments, read by the writer. */
struct wat_hq_pledges {
	struct hq_pledge_row *rows;
	size_t nrows;
	struct hq_payment_row *pays;
	size_t npays;
};

static int
wat_hq_pledges_read(struct hq *h, void *arg, char **cause)
{
	struct wat_hq_pledges *p = arg;

	if (hq_pledge_rows(h, &p->rows, &p->nrows, cause) != 0)
		return -1;
	return hq_payment_list(h, 20, &p->pays, &p->npays, cause);
}

static void
wat_hq_pledges_free(struct wat_hq_pledges *p)
{
	free(p->rows);
	free(p->pays);
	memset(p, 0, sizeof *p);
}

/* The payments recorded at HQ, newest first. */
static void
wat_hq_payments_table(struct strbuf *b, const struct wat_hq_pledges *p)
{
	char when[24];
	size_t i;

	if (p->npays == 0) {
		strbuf_puts(b,
		            "<p id=\"nopayments\">No payment has been recorded at HQ yet.</p>\n");
		return;
	}
	strbuf_puts(b, "<table id=\"payments\"><thead><tr><th>#</th><th>Recorded (UTC)</th>"
	               "<th>Statement</th><th>Sponsor</th><th>Walker</th>"
	               "<th class=\"num\">Amount</th><th>Method</th>"
	               "<th class=\"num\">To pledges</th><th class=\"num\">Gift</th><th>By</th>"
	               "</tr></thead><tbody>\n");
	for (i = 0; i < p->npays; i++) {
		const struct hq_payment_row *r = &p->pays[i];
		char walker[160];

		strbuf_printf(b, "<tr><td>%" PRId64 "</td>", r->id);
		wat_hq_td(b, stamp_format_utc(r->wall_ms, when, sizeof when));
		strbuf_puts(b, "<td><code>");
		hqweb_form_html(b, r->statement);
		strbuf_puts(b, "</code></td>");
		wat_hq_td(b, r->sponsor);
		snprintf(walker, sizeof walker, "%" PRId64 " %s", r->walker, r->walker_name);
		wat_hq_td(b, walker);
		wat_hq_td_money(b, r->cents, 0);
		strbuf_puts(b, "<td>");
		hqweb_form_html(b, r->method);
		if (r->check_no[0] != '\0') {
			strbuf_puts(b, " ");
			hqweb_form_html(b, r->check_no);
		}
		strbuf_puts(b, "</td>");
		wat_hq_td_money(b, r->applied, 0);
		wat_hq_td_money(b, r->gift, 0);
		wat_hq_td(b, r->by);
		strbuf_puts(b, "</tr>\n");
	}
	strbuf_puts(b, "</tbody></table>\n");
}

/* The dashboard's collected vs pledged vs still owed, by city, event and
 * station (a pledge held at several stations counts once, at the first). */
static void
wat_hq_pledges_section(struct wat_hq *w, struct strbuf *b)
{
	struct wat_hq_pledges p = {0};
	char *cause = NULL;
	size_t i;

	strbuf_puts(b, "<h2>Pledged, collected and still owed</h2>\n<p class=\"noprint\">"
	               "<a id=\"pay\" href=\"/staff/pay\">Record a pledge payment that came by "
	               "mail</a></p>\n");
	if (hqweb_inbox_call(w->inbox, wat_hq_pledges_read, &p, &cause) != 0) {
		strbuf_puts(b, "<p>");
		hqweb_form_html(b, cause);
		strbuf_puts(b, "</p>\n");
		free(cause);
		wat_hq_pledges_free(&p);
		return;
	}
	if (p.nrows <= 1) {
		strbuf_puts(b, "<p id=\"nopledges\">No station has sent pledges yet.</p>\n");
		wat_hq_pledges_free(&p);
		return;
	}
	strbuf_puts(b, "<p class=\"note\">Pledged: what the sponsors' pledges come to on the laps "
	               "counted. Collected: paid online, at the stations and by mail at HQ. "
	               "Gifts: money sent beyond what was owed.</p>\n"
	               "<table id=\"pledges\"><thead><tr><th>City</th><th>Event</th>"
	               "<th>Station</th><th class=\"num\">Pledges</th>"
	               "<th class=\"num\">Pledged</th><th class=\"num\">Collected</th>"
	               "<th class=\"num\">By mail at HQ</th><th class=\"num\">Still owed</th>"
	               "<th class=\"num\">Gifts</th></tr></thead><tbody>\n");
	for (i = 0; i < p.nrows; i++) {
		const struct hq_pledge_row *r = &p.rows[i];

		if (r->level == 3)
			strbuf_puts(b,
			            "</tbody><tfoot><tr class=\"nation\" id=\"pledges-national\">"
			            "<td colspan=\"3\">national total</td>");
		else {
			strbuf_printf(b, "<tr class=\"%s\">",
			              r->level == 0   ? "station"
			              : r->level == 1 ? "event"
			                              : "city");
			wat_hq_td(b, r->city);
			if (r->level == 2)
				strbuf_puts(b, "<td colspan=\"2\">city total</td>");
			else {
				wat_hq_td(b, r->event_name);
				wat_hq_td(b, r->level == 1 ? "event total" : r->station);
			}
		}
		strbuf_printf(b, "<td class=\"num\">%" PRId64 "</td>", r->pledges);
		wat_hq_td_money(b, r->pledged, 0);
		wat_hq_td_money(b, r->collected, 0);
		wat_hq_td_money(b, r->at_hq, 0);
		wat_hq_td_money(b, r->still, 0);
		wat_hq_td_money(b, r->gifts, 0);
		strbuf_puts(b, r->level == 3 ? "</tr></tfoot></table>\n" : "</tr>\n");
	}
	strbuf_puts(b, "<h3>Payments by mail recorded at HQ</h3>\n");
	wat_hq_payments_table(b, &p);
	wat_hq_pledges_free(&p);
}

/* The payment form: the statement number (a USB scanner types it into the
 * field; or read from a photo by the second form), amount, method and
 * check number; answer: the last form's outcome (css class and words). */
static enum MHD_Result
wat_hq_pay_page(struct wat_hq *w, struct MHD_Connection *c, const struct hqweb_session_info *s,
                unsigned int status, const char *statement, const char *klass, const char *answer)
{
	struct strbuf b = STRBUF_INIT;
	struct wat_hq_pledges p = {0};
	char *cause = NULL;

	wat_hq_head(&b, "Pledge payment by mail");
	strbuf_puts(&b, "<p class=\"noprint\"><a href=\"/staff\">Back to the dashboard</a></p>\n");
	if (answer != NULL) {
		strbuf_printf(&b, "<div class=\"answer %s\"><p id=\"headline\">", klass);
		hqweb_form_html(&b, answer);
		strbuf_puts(&b, "</p></div>\n");
	}
	strbuf_printf(&b,
	              "<form method=\"post\" action=\"/staff/pledge-payment\" id=\"payform\">\n"
	              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	              "<label for=\"statement\">Statement number</label>"
	              "<input type=\"text\" id=\"statement\" name=\"statement\" "
	              "autocomplete=\"off\" required maxlength=\"90\" class=\"wide\" "
	              "value=\"",
	              s->csrf);
	hqweb_form_html(&b, statement != NULL ? statement : "");
	strbuf_puts(&b, "\" autofocus>\n<p class=\"note\">Scan the QR code on the sponsor's "
	                "statement with the USB scanner, type the number printed under it "
	                "(S:T1:24:0:5000:230BEA84), or read it from a photo below.</p>\n"
	                "<label for=\"amount\">Amount received ($)</label><input type=\"text\" "
	                "id=\"amount\" name=\"amount\" inputmode=\"decimal\" required>\n"
	                "<label for=\"method\">How it was paid</label><select id=\"method\" "
	                "name=\"method\"><option value=\"check\">check</option><option "
	                "value=\"cash\">cash</option><option value=\"card\">card</option><option "
	                "value=\"other\">other</option></select>\n"
	                "<label for=\"check_no\">Check number</label><input type=\"text\" "
	                "id=\"check_no\" name=\"check_no\" maxlength=\"32\">\n"
	                "<br><button type=\"submit\" id=\"record\">Record the payment</button>\n"
	                "</form>\n<h2>Read the statement number from a photo</h2>\n");
	/* the token before the file: the photo is refused until it matched */
	strbuf_printf(&b,
	              "<form method=\"post\" action=\"/staff/statement-photo\" "
	              "enctype=\"multipart/form-data\" id=\"photoform\">\n"
	              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	              "<label for=\"photo\">A photo or scan of the statement (PNG or JPEG)</label>"
	              "<input type=\"file\" id=\"photo\" name=\"photo\" "
	              "accept=\"image/png,image/jpeg\" required>\n"
	              "<br><button type=\"submit\" id=\"read\">Read its QR code</button>\n"
	              "</form>\n<h2>Payments by mail recorded at HQ</h2>\n",
	              s->csrf);
	if (hqweb_inbox_call(w->inbox, wat_hq_pledges_read, &p, &cause) != 0) {
		strbuf_puts(&b, "<p>");
		hqweb_form_html(&b, cause);
		strbuf_puts(&b, "</p>\n");
	} else
		wat_hq_payments_table(&b, &p);
	wat_hq_pledges_free(&p);
	free(cause);
	return wat_hq_page(c, status, &b);
}

static enum MHD_Result
wat_hq_pay(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	return wat_hq_pay_page(w, c, &s, MHD_HTTP_OK, NULL, NULL, NULL);
}

struct wat_hq_pay_job {
	const char *statement, *method, *check_no, *by;
	int64_t cents;
	struct hq_pay_result res;
	int rc;
};

static int
wat_hq_pay_do(struct hq *h, void *arg, char **cause)
{
	struct wat_hq_pay_job *j = arg;

	j->rc = hq_pay(h, j->statement, j->cents, j->method, j->check_no, j->by, &j->res, cause);
	return j->rc < 0 ? -1 : 0;
}

/* The payment form sent (its CSRF token checked by the caller). */
static enum MHD_Result
wat_hq_pay_post(struct wat_hq *w, struct MHD_Connection *c, struct wat_hq_req *q,
                const struct hqweb_session_info *s)
{
	char *statement = hqweb_form_field(q->body, q->body_len, "statement");
	char *amount = hqweb_form_field(q->body, q->body_len, "amount");
	char *method = hqweb_form_field(q->body, q->body_len, "method");
	char *check_no = hqweb_form_field(q->body, q->body_len, "check_no");
	struct wat_hq_pay_job j = {0};
	char *cause = NULL;
	enum MHD_Result r;

	if (statement == NULL || amount == NULL || method == NULL) {
		r = wat_hq_pay_page(w, c, s, MHD_HTTP_BAD_REQUEST, statement, "refused",
		                    "That form was not complete: nothing was recorded.");
		goto end;
	}
	if (amount_parse(amount, 100000000, &j.cents, &cause) != 0) {
		char *msg = xasprintf("%s Nothing was recorded.", cause);
		r = wat_hq_pay_page(w, c, s, MHD_HTTP_UNPROCESSABLE_CONTENT, statement, "refused",
		                    msg);
		free(msg);
		goto end;
	}
	j.statement = statement;
	j.method = method;
	j.check_no = check_no != NULL ? check_no : "";
	j.by = s->user;
	if (hqweb_inbox_call(w->inbox, wat_hq_pay_do, &j, &cause) != 0)
		r = wat_hq_pay_page(w, c, s, MHD_HTTP_SERVICE_UNAVAILABLE, statement, "failed",
		                    cause != NULL ? cause : "HQ's database could not be written.");
	else if (j.rc == 0)
		r = wat_hq_pay_page(w, c, s, MHD_HTTP_OK, NULL, "received", j.res.message);
	else
		r = wat_hq_pay_page(w, c, s, MHD_HTTP_UNPROCESSABLE_CONTENT, statement, "refused",
		                    j.res.message);
end:
	free(cause);
	free(check_no);
	free(method);
	free(amount);
	free(statement);
	return r;
}

/* A photo of a statement: the form's token first, then the picture, kept
 * in memory under HQWEB_PHOTO_MAX_BYTES. */
static enum MHD_Result
wat_hq_photo_iterate(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                     const char *content_type, const char *transfer_encoding, const char *data,
                     uint64_t off, size_t size)
{
	struct wat_hq_req *q = cls;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (key == NULL) /* a part without a name, as in wat_hq_iterate */
		return MHD_YES;
	if (strcmp(key, "csrf") == 0 && filename == NULL) {
		if (q->code_len + size > WAT_HQ_CODE_MAX) {
			q->why = "That form did not come from HQ's own page.";
			return MHD_NO;
		}
		memcpy(q->code + q->code_len, data, size);
		q->code_len += size;
		q->code[q->code_len] = '\0';
		q->csrf_ok = hqweb_session_same(q->code, q->csrf);
		return MHD_YES;
	}
	if (strcmp(key, "photo") != 0 || filename == NULL)
		return MHD_YES;
	if (!q->csrf_ok)
		return MHD_YES; /* not kept, not read: answered 403 at the end */
	if (off == 0 && ++q->photo_files > 1) {
		q->why = "Choose one photo.";
		return MHD_NO;
	}
	if (q->body_len + size > HQWEB_PHOTO_MAX_BYTES) {
		q->why = "The photo is larger than 16 MB.";
		return MHD_NO;
	}
	q->body = xrealloc(q->body, q->body_len + size + 1);
	memcpy(q->body + q->body_len, data, size);
	q->body_len += size;
	return MHD_YES;
}

static enum MHD_Result
wat_hq_photo(struct wat_hq *w, struct MHD_Connection *c, struct wat_hq_req *q, const char *data,
             size_t *size)
{
	struct hqweb_session_info s;
	char *code = NULL, *cause = NULL, *msg = NULL;
	enum MHD_Result r;
	int got;

	if (q->refused) {
		*size = 0;
		return MHD_YES;
	}
	if (q->pp == NULL) {
		const char *len =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		q->refused = 1;
		if (wat_hq_session(c, &s, NULL) != 0)
			return wat_hq_redirect(c, "/staff/login", NULL);
		if (len != NULL && strtoull(len, NULL, 10) > HQWEB_PHOTO_MAX_BYTES + 64 * 1024)
			return wat_hq_pay_page(
			    w, c, &s, MHD_HTTP_CONTENT_TOO_LARGE, NULL, "refused",
			    "The photo is larger than 16 MB: take it at a smaller "
			    "size, or type the statement number.");
		q->pp = MHD_create_post_processor(c, 64 * 1024, wat_hq_photo_iterate, q);
		if (q->pp == NULL)
			return wat_hq_message(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Not a form",
			                      "Send the photo with the payment page's form.");
		snprintf(q->csrf, sizeof q->csrf, "%s", s.csrf);
		q->refused = 0;
		return MHD_YES;
	}
	if (*size != 0) {
		if (MHD_post_process(q->pp, data, *size) != MHD_YES) {
			fprintf(stderr, "wat-hq: photo dropped: %s\n",
			        q->why != NULL ? q->why : "malformed body");
			return MHD_NO;
		}
		*size = 0;
		return MHD_YES;
	}
	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	if (!q->csrf_ok)
		return wat_hq_message(c, MHD_HTTP_FORBIDDEN, "Refused",
		                      "This form did not come from HQ's own page; nothing was "
		                      "done. Reload the page and try again.");
	got = hqweb_photo_statement(q->body, q->body_len, &code, &cause);
	if (got == 0) {
		msg = xasprintf("Read from the photo: %s. Check it against the statement, then "
		                "enter the amount.",
		                code);
		r = wat_hq_pay_page(w, c, &s, MHD_HTTP_OK, code, "already", msg);
	} else
		r = wat_hq_pay_page(w, c, &s, MHD_HTTP_UNPROCESSABLE_CONTENT, NULL, "refused",
		                    cause);
	free(msg);
	free(cause);
	free(code);
	return r;
}

/* The events without a charter whose stations' bundles are held for want
 * of their key: one choice each to accept the event's key for all of them
 * at once (watctl hq-accept --event-key), its key id shown to check by
 * phone with the area coordinator as the CLI asks. */
static void
wat_hq_held_events(struct strbuf *b, const struct hq_held_row *rows, size_t n, const char *csrf)
{
	for (size_t i = 0; i < n; i++) {
		const struct hq_held_row *r = &rows[i];
		size_t j, count = 0;
		int first = 1;

		if (strcmp(r->code, "unchartered") != 0 || r->event_key[0] == '\0')
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(rows[j].code, "unchartered") == 0 &&
			    strcmp(rows[j].event_key, r->event_key) == 0)
				break;
		if (j < i)
			continue; /* this event's choice is already shown */
		strbuf_puts(b, "<div class=\"answer held event\" id=\"event-");
		hqweb_form_html(b, r->event_key);
		strbuf_puts(b, "\"><p><strong>An event without a charter</strong>: ");
		hqweb_form_html(b, r->city);
		strbuf_puts(b, ", its stations ");
		for (j = i; j < n; j++) {
			if (strcmp(rows[j].code, "unchartered") != 0 ||
			    strcmp(rows[j].event_key, r->event_key) != 0)
				continue;
			strbuf_printf(b, "%s", first ? "" : ", ");
			hqweb_form_html(b, rows[j].station);
			strbuf_printf(b, " (#%" PRId64 ")", rows[j].id);
			first = 0;
			count++;
		}
		strbuf_printf(b,
		              " held for want of its key (%zu bundle%s).</p><p>Event key id: "
		              "<code class=\"keyid\">",
		              count, count == 1 ? "" : "s");
		hqweb_form_html(b, r->event_key);
		strbuf_puts(b, "</code> \xe2\x80\x94 call the area coordinator and have them read "
		               "the event key id on the paper close-out sheet; accept only if "
		               "every character matches. It counts this "
		               "event's stations from now on, as <code>watctl hq-accept "
		               "--event-key</code> does.</p>"
		               "<form method=\"post\" action=\"/staff/held\">");
		strbuf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", csrf);
		strbuf_puts(b, "<input type=\"hidden\" name=\"event_key\" value=\"");
		hqweb_form_html(b, r->event_key);
		strbuf_puts(b, "\"><label>Why (kept in HQ's log)<input type=\"text\" "
		               "name=\"reason\" id=\"reason-event-");
		hqweb_form_html(b, r->event_key);
		strbuf_puts(b, "\" required minlength=\"3\"></label><button type=\"submit\" "
		               "name=\"action\" value=\"accept-event\" id=\"accept-event-");
		hqweb_form_html(b, r->event_key);
		strbuf_puts(b, "\">Accept this event's key: count all its stations</button></form>"
		               "</div>\n");
	}
}

static enum MHD_Result
wat_hq_dashboard(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;
	struct strbuf b = STRBUF_INIT;
	struct hq_held_row *rows = NULL;
	struct hq_dash dash;
	char *cause = NULL, when[24], money[32];
	size_t n = 0, i;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	wat_hq_head(&b, "HQ: the national picture");
	strbuf_puts(&b, "<form method=\"post\" action=\"/staff/logout\" class=\"noprint\">"
	                "Signed in as <strong id=\"who\">");
	hqweb_form_html(&b, s.user);
	strbuf_printf(&b,
	              "</strong> <input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	              "<button type=\"submit\" id=\"logout\">Sign out</button>%s</form>\n",
	              s.csrf,
	              s.admin ? " \xc2\xb7 <a id=\"accounts\" href=\"/staff/accounts\">Staff "
	                        "accounts</a> \xc2\xb7 <a id=\"charters\" href=\"/staff/charters\">"
	                        "Charters</a> \xc2\xb7 <a id=\"downloads\" "
	                        "href=\"/staff/downloads\">Downloads</a>"
	                      : " \xc2\xb7 <a id=\"charters\" href=\"/staff/charters\">Charters</a>"
	                        " \xc2\xb7 <a id=\"downloads\" href=\"/staff/downloads\">"
	                        "Downloads</a>");
	strbuf_puts(&b, "<h2>Held bundles</h2>\n");
	if (hqweb_inbox_held(w->inbox, &rows, &n, &cause) != 0) {
		strbuf_puts(&b, "<p>");
		hqweb_form_html(&b, cause);
		strbuf_puts(&b, "</p>");
	} else if (n == 0)
		strbuf_puts(&b, "<p id=\"noheld\">None: everything received is counted.</p>\n");
	wat_hq_held_events(&b, rows, n, s.csrf);
	for (i = 0; i < n; i++) {
		const struct hq_held_row *r = &rows[i];
		strbuf_printf(&b,
		              "<div class=\"answer held\" id=\"held-%" PRId64
		              "\"><p><strong>#%" PRId64 "</strong> ",
		              r->id, r->id);
		hqweb_form_html(&b, r->city);
		strbuf_puts(&b, ", station ");
		hqweb_form_html(&b, r->station);
		strbuf_puts(&b, " \xe2\x80\x94 ");
		hqweb_form_html(&b, amount_format(r->total_cents, money, sizeof money));
		strbuf_puts(&b, ", received ");
		hqweb_form_html(&b, stamp_format_utc(r->wall_ms, when, sizeof when));
		strbuf_puts(&b, " UTC</p><p>Held (");
		hqweb_form_html(&b, r->code);
		strbuf_puts(&b, "): ");
		wat_hq_reason_html(&b, r->reason);
		strbuf_puts(&b, "</p><p>Signing key id: <code>");
		hqweb_form_html(&b, r->key_id);
		strbuf_printf(&b,
		              "</code> (check it against the close-out sheet)</p>"
		              "<form method=\"post\" action=\"/staff/held\">"
		              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		              "<input type=\"hidden\" name=\"id\" value=\"%" PRId64 "\">"
		              "<label>Why (kept in HQ's log)<input type=\"text\" name=\"reason\" "
		              "id=\"reason-%" PRId64 "\" required minlength=\"3\"></label>"
		              "<button type=\"submit\" name=\"action\" value=\"accept\" "
		              "id=\"accept-%" PRId64 "\">Accept: count it</button> "
		              "<button type=\"submit\" name=\"action\" value=\"refuse\" "
		              "id=\"refuse-%" PRId64 "\">Refuse</button></form></div>\n",
		              s.csrf, r->id, r->id, r->id, r->id);
	}
	free(rows);
	free(cause);
	cause = NULL;
	if (hqweb_inbox_call(w->inbox, wat_hq_dash_read, &dash, &cause) != 0) {
		strbuf_puts(&b, "<p>");
		hqweb_form_html(&b, cause);
		strbuf_puts(&b, "</p>");
	} else {
		wat_hq_dash_national(w, &b, &dash);
		wat_hq_pledges_section(w, &b);
		strbuf_puts(&b,
		            "<h2>By city, event and station</h2>\n<p class=\"noprint\">"
		            "<a id=\"csv\" href=\"/staff/stations.csv\">Download the stations "
		            "as a spreadsheet (CSV)</a> \xc2\xb7 each city's and each event's on "
		            "<a href=\"/staff/downloads\">Downloads</a></p>\n");
		wat_hq_dash_table(&b, &dash);
		wat_hq_dash_closeouts(&b, &dash);
		wat_hq_dash_uploads(w, &b, &dash);
		hq_dash_free(&dash);
	}
	free(cause);
	return wat_hq_page(c, MHD_HTTP_OK, &b);
}

/* The counted stations as CSV: national, of ?city= or of ?event= (its tag). */
static enum MHD_Result
wat_hq_csv(struct wat_hq *w, struct MHD_Connection *c)
{
	struct hqweb_session_info s;
	const char *city = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "city");
	const char *event = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "event");
	struct wat_hq_csv_job j = {0};
	char *cause = NULL, *fname = NULL, safe[HQWEB_FORM_NAME_MAX + 1];
	enum MHD_Result ret;

	if (wat_hq_session(c, &s, NULL) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	j.city = city != NULL && *city != '\0' ? city : NULL;
	j.event = event != NULL && *event != '\0' ? event : NULL;
	if (hqweb_inbox_call(w->inbox, wat_hq_csv_do, &j, &cause) != 0) {
		ret = wat_hq_message(c, MHD_HTTP_SERVICE_UNAVAILABLE, "Try again", cause);
		free(cause);
		return ret;
	}
	/* the file's name from the event's tag (made a plain name), else the city's kind */
	if (j.event != NULL && hqweb_form_filename(j.event, strlen(j.event), safe) == 0)
		fname = xasprintf("wat-hq-event-%s.csv", safe);
	else
		fname = xstrdup(j.city != NULL ? "wat-hq-city.csv" : "wat-hq-national.csv");
	ret = wat_hq_attachment(c, "text/csv; charset=utf-8", j.text, strlen(j.text), fname);
	free(fname);
	return ret;
}

static enum MHD_Result
wat_hq_staff_login(struct wat_hq *w, struct MHD_Connection *c, struct wat_hq_req *q)
{
	const char *hdr = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	char *pre = hdr != NULL ? hqweb_form_cookie(hdr, "wat_hq_pre") : NULL;
	char *tok = hqweb_form_field(q->body, q->body_len, "csrf");
	char *user = hqweb_form_field(q->body, q->body_len, "user");
	char *pw = hqweb_form_field(q->body, q->body_len, "password");
	char *hash = NULL, sid[HQWEB_SESSION_ID_LEN + 1], *cookie = NULL, msg[160];
	int64_t now = wat_hq_now_ms(), wait = 0;
	int admin = 0, ok = 0;
	enum MHD_Result r;

	if (pre == NULL || tok == NULL || !hqweb_session_same(pre, tok)) {
		r = wat_hq_login_page(w, c, MHD_HTTP_FORBIDDEN,
		                      "The sign-in form had expired. Sign in again.");
		goto end;
	}
	if (user == NULL || pw == NULL || *user == '\0' || strlen(user) > HQWEB_SESSION_USER_MAX) {
		r = wat_hq_login_page(w, c, MHD_HTTP_UNAUTHORIZED, "Wrong name or password.");
		goto end;
	}
	if (hqweb_session_may_try(user, now, &wait) != 0) {
		snprintf(msg, sizeof msg,
		         "Too many wrong passwords for this name: wait %" PRId64
		         " seconds, then try again.",
		         (wait + 999) / 1000);
		r = wat_hq_login_page(w, c, MHD_HTTP_TOO_MANY_REQUESTS, msg);
		goto end;
	}
	if (hqweb_inbox_staff(w->inbox, user, &hash, &admin) == 0)
		ok = hqweb_session_password_ok(hash, pw);
	hqweb_session_tried(user, ok, now);
	hqweb_inbox_log(w->inbox, user, ok ? "staff-login" : "staff-login-failed", 0,
	                ok ? "signed in" : "a wrong password");
	if (!ok) {
		r = wat_hq_login_page(w, c, MHD_HTTP_UNAUTHORIZED, "Wrong name or password.");
		goto end;
	}
	hqweb_session_new(user, admin, now, sid);
	cookie = wat_hq_cookie(w, "wat_hq_s", sid, "/", 8 * 3600);
	r = wat_hq_redirect(c, "/staff", cookie);
end:
	if (pw != NULL)
		util_wipe(pw, strlen(pw));
	free(cookie);
	free(hash);
	free(pw);
	free(user);
	free(tok);
	free(pre);
	return r;
}

/* The held page's choice for an event without a charter (staff s):
 * its key accepted, then each of its held bundles, as hq-accept
 * --event-key does; HQ's log keeps the person and the reason. */
static enum MHD_Result
wat_hq_accept_event_post(struct wat_hq *w, struct MHD_Connection *c, struct wat_hq_req *q,
                         const struct hqweb_session_info *s, const char *reason)
{
	struct strbuf b = STRBUF_INIT;
	char *key = hqweb_form_field(q->body, q->body_len, "event_key"), *msg = NULL, *cause = NULL;
	enum MHD_Result r;
	int bad;

	if (key == NULL || *key == '\0') {
		r = wat_hq_message(c, MHD_HTTP_BAD_REQUEST, "Refused",
		                   "That form was not complete.");
		goto end;
	}
	if (reason == NULL || strlen(reason) < 3) {
		r = wat_hq_message(c, MHD_HTTP_BAD_REQUEST, "Say why",
		                   "Say why in a few words: HQ's log keeps it.");
		goto end;
	}
	bad = hqweb_inbox_accept_event(w->inbox, key, s->user, reason, &msg, &cause) != 0;
	wat_hq_head(&b, "HQ's decision");
	strbuf_puts(&b, bad ? "<div class=\"answer refused\"><p id=\"headline\">"
	                    : "<div class=\"answer received\"><p id=\"headline\">");
	{
		/* one line a bundle */
		const char *t =
		    bad && msg == NULL ? (cause != NULL ? cause : "It could not be done.") : msg;
		for (const char *p = t; *p != '\0';) {
			const char *nl = strchr(p, '\n');
			size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
			char *line = xstrndup(p, len);
			wat_hq_reason_html(&b, line);
			free(line);
			if (nl == NULL)
				break;
			strbuf_puts(&b, "</p><p class=\"each\">");
			p = nl + 1;
		}
	}
	strbuf_puts(&b, "</p></div><p><a href=\"/staff\">Back to the dashboard</a></p>\n");
	r = wat_hq_page(c, MHD_HTTP_OK, &b);
end:
	free(cause);
	free(msg);
	free(key);
	return r;
}

static enum MHD_Result
wat_hq_staff_post(struct wat_hq *w, struct MHD_Connection *c, struct wat_hq_req *q, const char *url)
{
	struct hqweb_session_info s;
	struct strbuf b = STRBUF_INIT;
	char *sid = NULL, *tok = NULL, *id = NULL, *action = NULL, *reason = NULL, *msg = NULL,
	     *cause = NULL, *cookie = NULL, *end = NULL;
	enum MHD_Result r;
	long long n;

	if (q->body == NULL)
		q->body = xstrdup("");
	if (strcmp(url, "/staff/login") == 0)
		return wat_hq_staff_login(w, c, q);
	if (strcmp(url, "/staff/logout") != 0 && strcmp(url, "/staff/held") != 0 &&
	    strcmp(url, "/staff/pledge-payment") != 0 && strcmp(url, "/staff/accounts") != 0 &&
	    strcmp(url, "/staff/charters") != 0)
		return wat_hq_message(c, MHD_HTTP_NOT_FOUND, "Not found", "There is no such form.");
	if (wat_hq_session(c, &s, &sid) != 0)
		return wat_hq_redirect(c, "/staff/login", NULL);
	tok = hqweb_form_field(q->body, q->body_len, "csrf");
	if (tok == NULL || !hqweb_session_same(tok, s.csrf)) {
		r = wat_hq_message(c, MHD_HTTP_FORBIDDEN, "Refused",
		                   "This form did not come from HQ's own page; nothing was done. "
		                   "Reload the page and try again.");
		goto end;
	}
	if (strcmp(url, "/staff/pledge-payment") == 0) {
		r = wat_hq_pay_post(w, c, q, &s);
		goto end;
	}
	if (strcmp(url, "/staff/charters") == 0) {
		r = wat_hq_charters_post(w, c, q, &s);
		goto end;
	}
	if (strcmp(url, "/staff/accounts") == 0) {
		r = s.admin ? wat_hq_accounts_post(w, c, q, &s)
		            : wat_hq_message(c, MHD_HTTP_FORBIDDEN, "Admins only",
		                             "Staff accounts are kept by HQ's admins; nothing was "
		                             "done.");
		goto end;
	}
	if (strcmp(url, "/staff/logout") == 0) {
		hqweb_session_end(sid);
		hqweb_inbox_log(w->inbox, s.user, "staff-logout", 0, "signed out");
		cookie = wat_hq_cookie(w, "wat_hq_s", "", "/", 0);
		r = wat_hq_redirect(c, "/staff/login", cookie);
		goto end;
	}
	id = hqweb_form_field(q->body, q->body_len, "id");
	action = hqweb_form_field(q->body, q->body_len, "action");
	reason = hqweb_form_field(q->body, q->body_len, "reason");
	if (action != NULL && strcmp(action, "accept-event") == 0) {
		r = wat_hq_accept_event_post(w, c, q, &s, reason);
		goto end;
	}
	n = id != NULL ? strtoll(id, &end, 10) : 0;
	if (id == NULL || *id == '\0' || end == NULL || *end != '\0' || n <= 0 || action == NULL ||
	    (strcmp(action, "accept") != 0 && strcmp(action, "refuse") != 0)) {
		r = wat_hq_message(c, MHD_HTTP_BAD_REQUEST, "Refused",
		                   "That form was not complete.");
		goto end;
	}
	if (reason == NULL || strlen(reason) < 3) {
		r = wat_hq_message(c, MHD_HTTP_BAD_REQUEST, "Say why",
		                   "Say why in a few words: HQ's log keeps it.");
		goto end;
	}
	wat_hq_head(&b, "HQ's decision");
	if (hqweb_inbox_decide(w->inbox, strcmp(action, "accept") == 0, n, s.user, reason, &msg,
	                       &cause) != 0) {
		strbuf_puts(&b, "<div class=\"answer refused\"><p id=\"headline\">");
		wat_hq_reason_html(&b, cause != NULL ? cause : "It could not be done.");
	} else {
		strbuf_puts(&b, "<div class=\"answer received\"><p id=\"headline\">");
		hqweb_form_html(&b, msg);
	}
	strbuf_puts(&b, "</p></div><p><a href=\"/staff\">Back to the dashboard</a></p>\n");
	r = wat_hq_page(c, MHD_HTTP_OK, &b);
end:
	free(cookie);
	free(msg);
	free(cause);
	free(reason);
	free(action);
	free(id);
	free(tok);
	free(sid);
	return r;
}

static enum MHD_Result
wat_hq_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
              const char *version, const char *data, size_t *size, void **con_cls)
{
	struct wat_hq *w = cls;
	struct wat_hq_req *q = *con_cls;

	(void)version;
	if (q == NULL) {
		/* the request's state, and the server after it for the iterator */
		q = xcalloc(1, sizeof *q + sizeof(struct wat_hq *));
		q->fd = -1;
		*(struct wat_hq **)(q + 1) = w;
		q->is_upload = strcmp(method, "POST") == 0 && strcmp(url, "/upload") == 0;
		q->is_photo =
		    strcmp(method, "POST") == 0 && strcmp(url, "/staff/statement-photo") == 0;
		q->is_form = strcmp(method, "POST") == 0 && !q->is_upload && !q->is_photo;
		*con_cls = q;
		if (!q->is_upload && !q->is_photo)
			return MHD_YES;
	}
	if (q->is_upload)
		return wat_hq_upload(w, c, q, data, size);
	if (q->is_photo)
		return wat_hq_photo(w, c, q, data, size);
	if (q->is_form) {
		if (*size != 0) {
			if (q->body_len + *size > WAT_HQ_FORM_MAX)
				q->body_too_big = 1;
			else {
				q->body = xrealloc(q->body, q->body_len + *size + 1);
				memcpy(q->body + q->body_len, data, *size);
				q->body_len += *size;
				q->body[q->body_len] = '\0';
			}
			*size = 0;
			return MHD_YES;
		}
		if (q->body_too_big)
			return wat_hq_message(c, MHD_HTTP_CONTENT_TOO_LARGE, "Too large",
			                      "That form was too large.");
		return wat_hq_staff_post(w, c, q, url);
	}
	if (*size != 0) {
		*size = 0; /* a body nobody asked for */
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return wat_hq_message(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Not here",
		                      "This page cannot be sent to.");
	if (strcmp(url, "/") == 0)
		return wat_hq_upload_page(w, c);
	if (strcmp(url, "/style.css") == 0)
		return wat_hq_send(c, MHD_HTTP_OK, "text/css; charset=utf-8", xstrdup(wat_hq_css),
		                   sizeof wat_hq_css - 1);
	if (strcmp(url, "/staff") == 0)
		return wat_hq_dashboard(w, c);
	if (strcmp(url, "/staff/login") == 0)
		return wat_hq_login_page(w, c, MHD_HTTP_OK, NULL);
	if (strcmp(url, "/staff/stations.csv") == 0)
		return wat_hq_csv(w, c);
	if (strcmp(url, "/staff/accounts") == 0)
		return wat_hq_accounts(w, c);
	if (strcmp(url, "/staff/pay") == 0)
		return wat_hq_pay(w, c);
	if (strcmp(url, "/staff/charters") == 0)
		return wat_hq_charters_get(w, c);
	if (strcmp(url, "/staff/charter") == 0)
		return wat_hq_charter_file(w, c);
	if (strcmp(url, "/staff/charter-key") == 0)
		return wat_hq_charter_key(w, c);
	if (strcmp(url, "/staff/hq-rotations") == 0)
		return wat_hq_rotations_file(w, c);
	if (strcmp(url, "/staff/downloads") == 0)
		return wat_hq_downloads(w, c);
	if (strcmp(url, "/staff/bundle") == 0)
		return wat_hq_bundle_file(w, c);
	if (strcmp(url, "/healthz") == 0)
		return wat_hq_send(c, MHD_HTTP_OK, "text/plain; charset=utf-8", xstrdup("ok\n"), 3);
	return wat_hq_message(c, MHD_HTTP_NOT_FOUND, "Not found",
	                      "There is no such page. The upload page is at /.");
}

static void
wat_hq_done(void *cls, struct MHD_Connection *c, void **con_cls,
            enum MHD_RequestTerminationCode toe)
{
	struct wat_hq_req *q = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (q == NULL)
		return;
	if (q->pp != NULL)
		MHD_destroy_post_processor(q->pp);
	wat_hq_req_discard(q);
	free(q->body);
	free(q);
	*con_cls = NULL;
}

/* What a crash left in incoming/ was never acknowledged: removed. */
static void
wat_hq_sweep(const char *incoming)
{
	DIR *d = opendir(incoming);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct wat_hq_req q = {.fd = -1, .have_dir = 1};
		if (strncmp(e->d_name, "up-", 3) != 0 && strncmp(e->d_name, "held-", 5) != 0)
			continue;
		snprintf(q.dir, sizeof q.dir, "%s/%s", incoming, e->d_name);
		wat_hq_req_discard(&q);
	}
	closedir(d);
}

static void
wat_hq_usage(void)
{
	fprintf(stderr, "usage: wat-hq --db HQ.db --keys DIR --signer SOCKET --state DIR "
	                "[--bind ADDR] "
	                "[--port N] [--max-upload-mb N] [--goal-dollars N] [--charters DIR] "
	                "[--tls-cert FILE --tls-key FILE]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"keys", required_argument, NULL, 'k'},
	    {"signer", required_argument, NULL, 'S'},
	    {"state", required_argument, NULL, 's'},
	    {"bind", required_argument, NULL, 'b'},
	    {"port", required_argument, NULL, 'p'},
	    {"max-upload-mb", required_argument, NULL, 'm'},
	    {"tls-cert", required_argument, NULL, 'c'},
	    {"tls-key", required_argument, NULL, 'K'},
	    {"cookie-insecure", no_argument, NULL, 'I'},
	    {"goal-dollars", required_argument, NULL, 'g'},
	    {"charters", required_argument, NULL, 'C'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = NULL, *keys = NULL, *signer = NULL, *state = NULL, *bind_to = "127.0.0.1";
	const char *cert_file = NULL, *key_file = NULL;
	char *cert = NULL, *tkey = NULL, *cause = NULL;
	size_t cert_len = 0, tkey_len = 0;
	unsigned long port = 8080, mb = 64;
	unsigned long long goal = 80000; /* the walk's yearly figure (BRIEF) */
	struct wat_hq w = {0};
	struct MHD_Daemon *d = NULL;
	struct sockaddr_in sa;
	unsigned int flags;
	sigset_t sigs;
	int opt, sig, rc = 1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'S': signer = optarg; break;
		case 's': state = optarg; break;
		case 'b': bind_to = optarg; break;
		case 'p': port = strtoul(optarg, NULL, 10); break;
		case 'm': mb = strtoul(optarg, NULL, 10); break;
		case 'c': cert_file = optarg; break;
		case 'K': key_file = optarg; break;
		case 'I': w.cookie_insecure = 1; break;
		case 'g': goal = strtoull(optarg, NULL, 10); break;
		case 'C': w.charters = optarg; break;
		default: wat_hq_usage(); return 2;
		}
	}
	if (db == NULL || keys == NULL || signer == NULL || state == NULL || port == 0 ||
	    port > 65535 || mb == 0 || goal == 0 || goal > 1000000000ULL ||
	    (cert_file == NULL) != (key_file == NULL)) {
		wat_hq_usage();
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, bind_to, &sa.sin_addr) != 1) {
		fprintf(stderr, "wat-hq: --bind wants an IPv4 address, not %s\n", bind_to);
		return 2;
	}
	w.signer = signer;
	w.bundles = xasprintf("%s/bundles", state);
	w.max_upload = (uint64_t)mb * 1024 * 1024;
	w.goal_cents = (int64_t)goal * 100;
	w.incoming = xasprintf("%s/incoming", state);
	if (util_mkdir(state, 0700) != 0 || util_mkdir(w.incoming, 0700) != 0) {
		fprintf(stderr, "wat-hq: cannot make %s: %s\n", w.incoming, strerror(errno));
		goto end;
	}
	wat_hq_sweep(w.incoming);
	if (cert_file != NULL &&
	    (util_read_file(cert_file, 1 << 20, &cert, &cert_len, &cause) != 0 ||
	     util_read_file(key_file, 1 << 20, &tkey, &tkey_len, &cause) != 0)) {
		fprintf(stderr, "wat-hq: %s\n", cause);
		goto end;
	}
	if (hqweb_inbox_start(db, keys, signer, w.incoming, &w.inbox, &cause) != 0) {
		fprintf(stderr, "wat-hq: %s\n", cause);
		goto end;
	}
	/* staff stay signed in across a restart; sessions past their 8 hours go */
	{
		struct hqweb_session_store st = {wat_hq_session_put, wat_hq_session_get,
		                                 wat_hq_session_end, &w};
		struct wat_hq_session_job j = {.op = 2,
		                               .before_ms = wat_hq_now_ms() - 8 * 3600 * 1000LL};
		wat_hq_session_run(&w, &j, NULL);
		hqweb_session_set_store(&st);
	}
	/* SIGINT/SIGTERM waited for below; the server's threads never see them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a thread per connection: an upload waits for the writer without
	 * holding up other pages */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
	        MHD_USE_ERROR_LOG;
	if (cert != NULL)
		flags |= MHD_USE_TLS;
	if (cert != NULL)
		d = MHD_start_daemon(
		    flags, (uint16_t)port, NULL, NULL, wat_hq_handle, &w, MHD_OPTION_SOCK_ADDR, &sa,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120, MHD_OPTION_CONNECTION_LIMIT,
		    (unsigned int)200, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)256 * 1024,
		    MHD_OPTION_NOTIFY_COMPLETED, wat_hq_done, &w, MHD_OPTION_HTTPS_MEM_CERT, cert,
		    MHD_OPTION_HTTPS_MEM_KEY, tkey, MHD_OPTION_END);
	else
		d = MHD_start_daemon(
		    flags, (uint16_t)port, NULL, NULL, wat_hq_handle, &w, MHD_OPTION_SOCK_ADDR, &sa,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120, MHD_OPTION_CONNECTION_LIMIT,
		    (unsigned int)200, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)256 * 1024,
		    MHD_OPTION_NOTIFY_COMPLETED, wat_hq_done, &w, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "wat-hq: cannot listen on %s:%lu\n", bind_to, port);
		goto end;
	}
	fprintf(stderr, "wat-hq: listening on %s://%s:%lu\n", cert != NULL ? "https" : "http",
	        bind_to, port);
	sigwait(&sigs, &sig);
	rc = 0;
end:
	if (d != NULL)
		MHD_stop_daemon(d);
	hqweb_session_set_store(NULL);
	hqweb_inbox_stop(w.inbox);
	if (tkey != NULL)
		util_wipe(tkey, tkey_len);
	free(tkey);
	free(cert);
	free(cause);
	free(w.incoming);
	free(w.bundles);
	return rc;
}
