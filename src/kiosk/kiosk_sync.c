/* kiosk_sync.c — see kiosk_sync.h. */
#include "kiosk_sync.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "sync_local.h"
#include "sync_msg.h"
#include "util.h"

struct kiosk_sync {
	pthread_t thread;
	struct kiosk_worker *w;
	char *path;
	int lfd;
	int stop[2]; /* a byte written to stop[1] ends the thread */
};

struct kiosk_sync_req {
	const unsigned char *p;
	size_t len;
	struct sync_buf *out;
};

/* On the worker thread. */
static void
kiosk_sync_answer(struct ledger *l, void *arg)
{
	struct kiosk_sync_req *q = arg;
	sync_local_answer(l, q->p, q->len, q->out);
}

/* Answers one connection's requests until it closes (or the stop). */
static void
kiosk_sync_serve(struct kiosk_sync *s, int fd)
{
	struct timeval tv = {30, 0};
	struct sync_buf out = {NULL, 0, 0};
	unsigned char *in = NULL;
	size_t inlen = 0;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	for (;;) {
		struct pollfd p[2] = {{fd, POLLIN, 0}, {s->stop[0], POLLIN, 0}};
		struct sync_report rep;
		int r;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents != 0)
			break;
		if (sync_frame_recv_max(fd, SYNC_LOCAL_FRAME_MAX, &in, &inlen, NULL) != 0)
			break;
		out.len = 0;
		if ((r = sync_local_report_parse(in, inlen, &rep)) == 1) {
			kiosk_worker_note(s->w, &rep);
			sync_local_ok(&out);
		} else if (r < 0) {
			sync_buf_u8(&out, 1);
			sync_buf_put(&out, "A malformed report.", 19);
		} else {
			struct kiosk_sync_req q = {in, inlen, &out};
			int rc = kiosk_worker_call(s->w, kiosk_sync_answer, &q);

			if (rc != 0) {
				const char *why =
				    rc == -2 ? "Training is on at this station: it exchanges "
				               "nothing with "
				               "other stations until training is switched off."
				             : "The kiosk's ledger is not open.";
				out.len = 0;
				sync_buf_u8(&out, 1);
				sync_buf_put(&out, why, strlen(why));
			}
		}
		if (sync_frame_send(fd, out.p, out.len, NULL) != 0)
			break;
		/* an exchange's last step: the screens' totals and "Lap point: 3 s
		   ago" over what it brought, without waiting for a touch */
		if (inlen > 0 && in[0] == SYNC_LOCAL_PEER_SEEN && out.len > 0 && out.p[0] == 0) {
			struct kiosk_req q;
			memset(&q, 0, sizeof q);
			q.op = KIOSK_OP_REFRESH;
			kiosk_worker_post(s->w, &q);
		}
	}
	free(in);
	sync_buf_free(&out);
}

static void *
kiosk_sync_main(void *arg)
{
	struct kiosk_sync *s = arg;

	for (;;) {
		struct pollfd p[2] = {{s->lfd, POLLIN, 0}, {s->stop[0], POLLIN, 0}};
		struct ucred cred;
		socklen_t cl = sizeof cred;
		int fd;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents != 0)
			break;
		if ((fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		/* the socket's mode lets only this user in; a second lock */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 &&
		    (cred.uid == getuid() || cred.uid == 0))
			kiosk_sync_serve(s, fd);
		close(fd);
	}
	return NULL;
}

int
kiosk_sync_start(const char *path, struct kiosk_worker *w, struct kiosk_sync **out, char **cause)
{
	struct kiosk_sync *s = xcalloc(1, sizeof *s);
	struct sockaddr_un sa;
	mode_t old;
	int rc;

	*out = NULL;
	s->lfd = -1;
	s->stop[0] = s->stop[1] = -1;
	s->w = w;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		util_fail(cause, "The sync socket's path is too long: %s", path);
		goto fail;
	}
	memcpy(sa.sun_path, path, strlen(path));
	s->path = xstrdup(path);
	if (pipe2(s->stop, O_CLOEXEC) != 0 ||
	    (s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		util_fail(cause, "No socket for wat-sync: %s", strerror(errno));
		goto fail;
	}
	unlink(path); /* a kiosk killed before leaves its socket behind */
	old = umask(0177);
	rc = bind(s->lfd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0 || listen(s->lfd, 4) != 0) {
		util_fail(cause, "The sync socket %s could not be made: %s", path, strerror(errno));
		goto fail;
	}
	if (pthread_create(&s->thread, NULL, kiosk_sync_main, s) != 0) {
		util_fail(cause, "The sync socket's thread could not start.");
		unlink(path);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->stop[0] >= 0) {
		close(s->stop[0]);
		close(s->stop[1]);
	}
	free(s->path);
	free(s);
	return -1;
}

void
kiosk_sync_stop(struct kiosk_sync *s)
{
	if (s == NULL)
		return;
	if (write(s->stop[1], "x", 1) != 1)
		perror("wat-kiosk: stopping the sync socket");
	pthread_join(s->thread, NULL);
	close(s->lfd);
	close(s->stop[0]);
	close(s->stop[1]);
	unlink(s->path);
	free(s->path);
	free(s);
}
