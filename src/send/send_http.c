/* send_http.c — see send_http.h. */
#include "send_http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"

/* HQ's receipt page is a few kilobytes: more is not wat-hq's. */
#define SEND_HTTP_ANSWER_MAX (256 * 1024)

int
send_http_init(char **cause)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return util_fail(cause, "libcurl could not start.");
	return 0;
}

static size_t
send_http_body(char *data, size_t size, size_t n, void *arg)
{
	struct strbuf *b = arg;

	if (b->len + size * n > SEND_HTTP_ANSWER_MAX)
		return 0;
	strbuf_add(b, data, size * n);
	return size * n;
}

void
send_http_post(const struct send_job *j, int timeout_s, struct send_answer *a)
{
	CURL *c = curl_easy_init();
	curl_mime *form = NULL;
	curl_mimepart *part;
	struct strbuf body = STRBUF_INIT;
	char err[CURL_ERROR_SIZE] = "";
	char *url = send_upload_url(j->inbox);
	char *signame = xasprintf("%s.minisig", j->file);
	long http = 0;
	CURLcode rc;

	memset(a, 0, sizeof *a);
	a->status = SEND_OFFLINE;
	if (c == NULL) {
		snprintf(a->headline, sizeof a->headline, "libcurl could not start");
		goto end;
	}
	form = curl_mime_init(c);
	part = curl_mime_addpart(form);
	curl_mime_name(part, "code");
	curl_mime_data(part, j->code, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(form);
	curl_mime_name(part, "bundle");
	curl_mime_filedata(part, j->zip);
	curl_mime_filename(part, j->file);
	curl_mime_type(part, "application/octet-stream");
	part = curl_mime_addpart(form);
	curl_mime_name(part, "bundle");
	curl_mime_filedata(part, j->sig);
	curl_mime_filename(part, signame);
	curl_mime_type(part, "application/octet-stream");

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, form);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, send_http_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "wat-send/" WAT_VERSION);
	/* http and https only, and never on to another address */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		const char *why = err[0] != '\0' ? err : curl_easy_strerror(rc);
		if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY)
			snprintf(a->headline, sizeof a->headline,
			         "no network (HQ's address cannot be looked up)");
		else if (rc == CURLE_COULDNT_CONNECT)
			snprintf(a->headline, sizeof a->headline,
			         "HQ's inbox cannot be reached (no network, or HQ is down)");
		else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR)
			/* the Pi has no clock of its own: a certificate "not yet valid" */
			snprintf(a->headline, sizeof a->headline,
			         "HQ's certificate could not be checked (is this station's clock "
			         "right?)");
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			snprintf(a->headline, sizeof a->headline, "HQ did not answer in time");
		else if (rc == CURLE_READ_ERROR)
			snprintf(a->headline, sizeof a->headline,
			         "the station's copy of the bundle could not be read");
		else
			snprintf(a->headline, sizeof a->headline, "no answer from HQ");
		snprintf(a->detail, sizeof a->detail, "%s", why);
		goto end;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
	send_answer_parse(body.s != NULL ? body.s : "", body.len, http, a);
end:
	curl_mime_free(form);
	if (c != NULL)
		curl_easy_cleanup(c);
	strbuf_free(&body);
	free(signame);
	free(url);
}
