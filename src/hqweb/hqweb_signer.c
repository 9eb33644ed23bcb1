/* hqweb_signer.c — wat-hq-signer's requests, both sides (see
 * hqweb_signer.h). */
#include "hqweb_signer.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "age.h"
#include "bundle.h"
#include "sign.h"
#include "strbuf.h"
#include "trust.h"
#include "util.h"

#define HQWEB_SIGNER_MAX ((uint64_t)BUNDLE_MAX_ZIP + 1024 * 1024)

static int
hqweb_signer_io(int fd, void *buf, size_t len, int writing)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = writing ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
hqweb_signer_send(int fd, const char *tag, size_t taglen, const void *data, size_t len)
{
	unsigned char hdr[12];
	uint64_t n = len;
	int i;

	memcpy(hdr, tag, taglen);
	for (i = 0; i < 8; i++)
		hdr[taglen + (size_t)i] = (unsigned char)(n >> (56 - 8 * i));
	if (hqweb_signer_io(fd, hdr, taglen + 8, 1) != 0)
		return -1;
	return len > 0 ? hqweb_signer_io(fd, (void *)data, len, 1) : 0;
}

/* Reads a tag of taglen bytes and a body of at most max bytes (malloc'd,
 * NUL-terminated). */
static int
hqweb_signer_recv(int fd, char *tag, size_t taglen, unsigned char **data, size_t *len, uint64_t max)
{
	unsigned char hdr[12];
	uint64_t n = 0;
	size_t i;

	*data = NULL;
	*len = 0;
	if (hqweb_signer_io(fd, hdr, taglen + 8, 0) != 0)
		return -1;
	memcpy(tag, hdr, taglen);
	for (i = 0; i < 8; i++)
		n = (n << 8) | hdr[taglen + i];
	if (n > max)
		return -1;
	*data = xmalloc((size_t)n + 1);
	if (n > 0 && hqweb_signer_io(fd, *data, (size_t)n, 0) != 0) {
		free(*data);
		*data = NULL;
		return -1;
	}
	(*data)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

/* Connects to the signer, sends one request, reads its answer: 0 and the
 * answer's tag and body (malloc'd), or -1 (cl->down). */
static int
hqweb_signer_ask(struct hqweb_signer_client *cl, const char *req, const void *data, size_t len,
                 char *tag, unsigned char **body, size_t *blen, const char *what, char **cause)
{
	struct sockaddr_un sa;
	struct timeval tv = {60, 0};
	int fd = -1, rc = -1;

	*body = NULL;
	*blen = 0;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(cl->path) >= sizeof sa.sun_path)
		return util_fail(cause, "The signer's socket path is too long.");
	memcpy(sa.sun_path, cl->path, strlen(cl->path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		util_fail(cause,
		          "HQ's signer (%s) does not answer, so %s cannot be done just now: %s.",
		          cl->path, what, strerror(errno));
		cl->down = 1;
		goto end;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (hqweb_signer_send(fd, req, 4, data, len) != 0 ||
	    hqweb_signer_recv(fd, tag, 1, body, blen, HQWEB_SIGNER_MAX) != 0) {
		util_fail(cause, "HQ's signer (%s) broke off during %s.", cl->path, what);
		cl->down = 1;
		goto end;
	}
	rc = 0;
end:
	if (fd >= 0)
		close(fd);
	return rc;
}

void
hqweb_signer_charter_clear(struct hqweb_signer_charter *out)
{
	if (out->event_key != NULL)
		util_wipe(out->event_key, out->key_len);
	free(out->event_key);
	free(out->charter);
	free(out->rotations);
	memset(out, 0, sizeof *out);
}

int
hqweb_signer_charter(struct hqweb_signer_client *cl, const char *const fields[8],
                     struct hqweb_signer_charter *out, char **cause)
{
	struct strbuf b = STRBUF_INIT;
	unsigned char *body = NULL;
	size_t blen = 0, clen;
	char tag;
	int i, rc = -1;

	memset(out, 0, sizeof *out);
	for (i = 0; i < 8; i++) {
		if (strchr(fields[i], '\n') != NULL || strchr(fields[i], '\r') != NULL)
			return util_fail(cause, "A charter's field is one line.");
		strbuf_puts(&b, fields[i]);
		strbuf_puts(&b, "\n");
	}
	if (hqweb_signer_ask(cl, "CHTR", b.s, b.len, &tag, &body, &blen, "issuing a charter",
	                     cause) != 0)
		goto end;
	if (tag != 'K') {
		util_fail(cause, "%s",
		          tag == 'E' ? (char *)body : "HQ's signer answered nonsense.");
		goto end;
	}
	clen = strnlen((char *)body, blen);
	if (clen == blen) {
		util_fail(cause, "HQ's signer answered nonsense.");
		goto end;
	}
	out->charter = xstrdup((char *)body);
	out->charter_len = clen;
	out->key_len = strnlen((char *)body + clen + 1, blen - clen - 1);
	out->event_key = xmalloc(out->key_len + 1);
	memcpy(out->event_key, body + clen + 1, out->key_len);
	out->event_key[out->key_len] = '\0';
	if (clen + 1 + out->key_len < blen) {
		/* hq-rotations after the key's NUL */
		size_t at = clen + 1 + out->key_len + 1;
		out->rotations_len = blen - at;
		out->rotations = xmalloc(out->rotations_len + 1);
		memcpy(out->rotations, body + at, out->rotations_len);
		out->rotations[out->rotations_len] = '\0';
	}
	rc = 0;
end:
	if (body != NULL) {
		util_wipe(body, blen);
		free(body);
	}
	strbuf_free(&b);
	return rc;
}

/* CHTR: the charter made as watctl hq-charter makes it, kept in
 * keys/charters; *out the charter, a NUL and the event's secret key file,
 * then (when keys holds one) a NUL and HQ's hq-rotations file. */
static int
hqweb_signer_do_charter(const char *keys, const unsigned char *req, size_t len, char **out,
                        size_t *olen, char **cause)
{
	struct trust_charter c;
	struct trust_hq hq;
	struct sign_key *k = NULL, *ev = NULL;
	char *f[8] = {0}, *copy = xmalloc(len + 1), *p, *q, *path = NULL, *dir = NULL, *name = NULL,
	     *text = NULL, *keytext = NULL, *rot = NULL;
	size_t rlen = 0;
	size_t sizes[8] = {sizeof c.event, sizeof c.name, sizeof c.city,  sizeof c.date,
	                   sizeof c.org,   sizeof c.ein,  sizeof c.inbox, sizeof c.upload_code};
	char *dst[8] = {c.event, c.name, c.city, c.date, c.org, c.ein, c.inbox, c.upload_code};
	static const char *const names[8] = {"event id", "name", "city",      "date",
	                                     "org",      "EIN",  "inbox URL", "upload code"};
	int i, rc = -1;

	memset(&c, 0, sizeof c);
	memcpy(copy, req, len);
	copy[len] = '\0';
	for (i = 0, p = copy; i < 8; i++, p = q + 1) {
		if ((q = strchr(p, '\n')) == NULL) {
			util_fail(cause, "The charter request is not complete.");
			goto end;
		}
		*q = '\0';
		f[i] = p;
		if (strlen(p) >= sizes[i]) {
			util_fail(cause, "The charter's %s is too long (at most %zu characters).",
			          names[i], sizes[i] - 1);
			goto end;
		}
		memcpy(dst[i], p, strlen(p) + 1);
	}
	if (trust_check_event_id(c.event, cause) != 0)
		goto end;
	path = xasprintf("%s/hq.key", keys);
	if (trust_hq_load(keys, &hq, cause) != 0 || sign_key_load(path, &k, cause) != 0)
		goto end;
	if (hq.seal[0] == '\0' || hq.backup[0] == '\0') {
		util_fail(cause, "HQ's sealing keys are missing (hq-seal.pub, hq-backup.pub): run "
		                 "watctl hq-init on HQ's key folder first.");
		goto end;
	}
	memcpy(c.hq_seal, hq.seal, sizeof c.hq_seal);
	memcpy(c.hq_backup, hq.backup, sizeof c.hq_backup);
	dir = xasprintf("%s/charters", keys);
	name = xasprintf("%s.charter", c.event);
	free(path);
	path = xasprintf("%s/%s", dir, name);
	if (access(path, F_OK) == 0) {
		util_fail(
		    cause,
		    "HQ chartered event %s before: an event id is chartered once. Nothing was "
		    "issued.",
		    c.event);
		goto end;
	}
	sign_key_generate(&ev);
	sign_key_public(ev, &c.event_pub);
	if (trust_charter_make(&c, k, cause) != 0)
		goto end;
	text = trust_charter_format(&c);
	if (util_mkdir(dir, 0700) == -1 ||
	    util_write_file(dir, name, text, strlen(text), 0644, cause) != 0) {
		if (cause != NULL && *cause == NULL)
			util_fail(cause, "HQ's signer cannot keep the charter in %s.", dir);
		goto end;
	}
	keytext = sign_key_format(ev, "W.A.T. event key");
	/* HQ's key rotations, when HQ rotated its key: beside the charter on
	 * the stick, as watctl hq-charter copies them (public) */
	free(path);
	path = xasprintf("%s/hq-rotations", keys);
	if (util_read_file(path, (size_t)TRUST_FILE_MAX * TRUST_HQ_MAX, &rot, &rlen, NULL) != 0)
		rot = NULL, rlen = 0;
	*olen = strlen(text) + 1 + strlen(keytext) + (rot != NULL ? 1 + rlen : 0);
	*out = xmalloc(*olen);
	memcpy(*out, text, strlen(text) + 1);
	memcpy(*out + strlen(text) + 1, keytext, strlen(keytext));
	if (rot != NULL) {
		(*out)[strlen(text) + 1 + strlen(keytext)] = '\0';
		memcpy(*out + strlen(text) + 2 + strlen(keytext), rot, rlen);
	}
	rc = 0;
end:
	if (keytext != NULL) {
		util_wipe(keytext, strlen(keytext));
		free(keytext);
	}
	sign_key_free(ev);
	sign_key_free(k);
	trust_charter_clear(&c);
	free(rot);
	free(text);
	free(name);
	free(dir);
	free(path);
	free(copy);
	(void)f;
	return rc;
}

int
hqweb_signer_open(void *ctx, const void *sealed, size_t len, const char *name, unsigned char **zip,
                  size_t *zlen, char **cause)
{
	struct hqweb_signer_client *cl = ctx;
	const char *path = cl->path;
	struct sockaddr_un sa;
	struct timeval tv = {60, 0};
	unsigned char *body = NULL;
	size_t blen = 0;
	char tag;
	int fd = -1, rc = -1;

	*zip = NULL;
	*zlen = 0;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path)
		return util_fail(cause, "The signer's socket path is too long.");
	memcpy(sa.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		util_fail(cause,
		          "HQ's signer (%s) does not answer, so %s cannot be opened just now: %s.",
		          path, name, strerror(errno));
		cl->down = 1;
		goto end;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (hqweb_signer_send(fd, "OPEN", 4, sealed, len) != 0 ||
	    hqweb_signer_recv(fd, &tag, 1, &body, &blen, HQWEB_SIGNER_MAX) != 0) {
		util_fail(cause, "HQ's signer (%s) broke off while opening %s.", path, name);
		cl->down = 1;
		goto end;
	}
	if (tag != 'K') {
		util_fail(cause, "%s",
		          tag == 'E' ? (char *)body : "HQ's signer answered nonsense.");
		goto end;
	}
	*zip = body;
	*zlen = blen;
	body = NULL;
	rc = 0;
end:
	if (body != NULL) {
		util_wipe(body, blen);
		free(body);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* One connection: one request answered. */
static void
hqweb_signer_one(int c, const char *keys, const struct age_identity *ids, size_t nids)
{
	unsigned char *req = NULL, *zip = NULL;
	size_t len = 0, zlen = 0;
	char tag[4], *cause = NULL, *ans = NULL;

	if (hqweb_signer_recv(c, tag, 4, &req, &len, HQWEB_SIGNER_MAX) != 0)
		goto end;
	if (memcmp(tag, "CHTR", 4) == 0 && len < 8192) {
		if (hqweb_signer_do_charter(keys, req, len, &ans, &zlen, &cause) != 0)
			hqweb_signer_send(c, "E", 1, cause, strlen(cause));
		else {
			hqweb_signer_send(c, "K", 1, ans, zlen);
			util_wipe(ans, zlen);
			free(ans);
		}
		zlen = 0;
		goto end;
	}
	if (memcmp(tag, "OPEN", 4) != 0) {
		const char *no = "HQ's signer does not know that request.";
		hqweb_signer_send(c, "E", 1, no, strlen(no));
		goto end;
	}
	if (age_decrypt_mem(ids, nids, req, len, "The sealed bundle", &zip, &zlen, &cause) != 0) {
		hqweb_signer_send(c, "E", 1, cause, strlen(cause));
		goto end;
	}
	hqweb_signer_send(c, "K", 1, zip, zlen);
end:
	if (zip != NULL) {
		util_wipe(zip, zlen);
		free(zip);
	}
	free(req);
	free(cause);
}

int
hqweb_signer_serve(int fd, const char *keys, const struct age_identity *ids, size_t nids,
                   uid_t allow_uid, volatile sig_atomic_t *stop)
{
	while (!*stop) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		struct timeval tv = {30, 0};
		struct ucred cred;
		socklen_t cl = sizeof cred;
		int c;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		if ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		if (allow_uid != (uid_t)-1 &&
		    (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 ||
		     cred.uid != allow_uid)) {
			close(c);
			continue;
		}
		/* a stuck client cannot hold the signer */
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		hqweb_signer_one(c, keys, ids, nids);
		close(c);
	}
	return 0;
}
