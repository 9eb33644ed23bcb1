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
hqweb_signer_one(int c, const struct age_identity *ids, size_t nids)
{
	unsigned char *req = NULL, *zip = NULL;
	size_t len = 0, zlen = 0;
	char tag[4], *cause = NULL;

	if (hqweb_signer_recv(c, tag, 4, &req, &len, HQWEB_SIGNER_MAX) != 0)
		goto end;
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
hqweb_signer_serve(int fd, const struct age_identity *ids, size_t nids, uid_t allow_uid,
                   volatile sig_atomic_t *stop)
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
		hqweb_signer_one(c, ids, nids);
		close(c);
	}
	return 0;
}
