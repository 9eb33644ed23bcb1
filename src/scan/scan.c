/* scan.c — the scanning threads, the newest-frame mailbox and the result queue. */
#include "scan.h"

#include "scan_evdev.h"
#include "scan_file.h"
#include "scan_v4l2.h"
#include "scan_wedge.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define SCAN_QUEUE_MAX    32
#define SCAN_SEEN_MAX     32
#define SCAN_RETRY_MS     1000 /* how often a missing device is looked for */
#define SCAN_STALL_MS     5000 /* a camera silent this long is reopened */
#define SCAN_DEFAULT_HOLD 1000
/* frames; on a busy scene a full-resolution pass for light-on-dark codes
 * costs about three times the half-resolution one, even with the pre-check that
 * spares both on empty frames (docs/SCANNING.md) */
#define SCAN_INVERT_EVERY 8

struct scan_frame {
	uint8_t *luma;
	size_t cap;
	int width, height;
	struct stamp at;
	enum scan_origin origin;
};

/* A code recently seen by the camera, to deliver it once per sighting. */
struct scan_seen {
	char *text;
	int64_t last_ms;
	uint64_t last_index; /* decoded-frame counter when last seen */
};

struct scan {
	struct scan_config cfg; /* strings below are our copies */
	char *camera, *frames, *wedge;

	int stopfd;  /* eventfd written once at stop: wakes every poll() */
	int readyfd; /* eventfd for the UI */

	pthread_mutex_t lock; /* everything below */
	pthread_cond_t cond;
	int stop;
	struct scan_frame ready; /* the mailbox */
	int has_ready;
	struct scan_result queue[SCAN_QUEUE_MAX];
	size_t qhead, qlen;
	struct scan_status st;

	pthread_mutex_t push_lock;
	struct scan_frame push; /* scan_push_frame's fill buffer */

	pthread_t decode_thread, capture_thread, wedge_thread;
	int decode_started, capture_started, wedge_started;
};

static int64_t
scan_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
scan_wake(struct scan *s)
{
	uint64_t one = 1;

	if (write(s->readyfd, &one, sizeof one) < 0) {
		/* The counter is full: the UI is already woken. */
	}
	if (s->cfg.wakeup != NULL)
		s->cfg.wakeup(s->cfg.wakeup_arg);
}

/* Sleeps up to ms; returns 1 when scan is stopping. */
static int
scan_sleep(struct scan *s, int ms)
{
	struct pollfd p = {s->stopfd, POLLIN, 0};

	return poll(&p, 1, ms) > 0;
}

static int
scan_stopping(struct scan *s)
{
	int stop;

	pthread_mutex_lock(&s->lock);
	stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static void
scan_set_state(struct scan *s, int camera, enum scan_device_state state, const char *what)
{
	enum scan_device_state *sp = camera ? &s->st.camera : &s->st.wedge;
	char *wp = camera ? s->st.camera_what : s->st.wedge_what;
	size_t wlen = camera ? sizeof s->st.camera_what : sizeof s->st.wedge_what;
	int changed;

	pthread_mutex_lock(&s->lock);
	changed = *sp != state || strncmp(wp, what, wlen - 1) != 0;
	*sp = state;
	snprintf(wp, wlen, "%s", what);
	pthread_mutex_unlock(&s->lock);
	if (changed)
		scan_wake(s);
}

static void
scan_queue_put(struct scan *s, const struct scan_result *r)
{
	pthread_mutex_lock(&s->lock);
	if (s->qlen == SCAN_QUEUE_MAX) {
		/* Nobody polls: the oldest scan is the stalest. */
		s->qhead = (s->qhead + 1) % SCAN_QUEUE_MAX;
		s->qlen--;
		s->st.results_dropped++;
	}
	s->queue[(s->qhead + s->qlen) % SCAN_QUEUE_MAX] = *r;
	stamp_now(&s->queue[(s->qhead + s->qlen) % SCAN_QUEUE_MAX].queued);
	s->qlen++;
	s->st.codes++;
	pthread_mutex_unlock(&s->lock);
	scan_wake(s);
}

static void
scan_frame_size(struct scan_frame *f, int width, int height)
{
	size_t need = (size_t)width * (size_t)height;

	if (f->cap < need) {
		f->luma = xrealloc(f->luma, need);
		f->cap = need;
	}
	f->width = width;
	f->height = height;
}

/* Puts a filled frame in the mailbox; *f gets the replaced buffer back. */
static void
scan_mailbox_put(struct scan *s, struct scan_frame *f)
{
	struct scan_frame t;

	pthread_mutex_lock(&s->lock);
	t = s->ready;
	s->ready = *f;
	*f = t;
	if (s->has_ready)
		s->st.frames_skipped++;
	s->has_ready = 1;
	s->st.frames++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Whether text is a new sighting; records it either way. */
static int
scan_seen_fresh(struct scan_seen *seen, size_t *nseen, const char *text, int64_t ms, uint64_t index,
                int hold_ms)
{
	size_t i, oldest = 0;
	int fresh;

	for (i = 0; i < *nseen; i++) {
		if (strcmp(seen[i].text, text) == 0) {
			fresh =
			    !(seen[i].last_index + 1 >= index || ms - seen[i].last_ms <= hold_ms);
			seen[i].last_ms = ms;
			seen[i].last_index = index;
			return fresh;
		}
		if (seen[i].last_ms < seen[oldest].last_ms)
			oldest = i;
	}
	if (*nseen == SCAN_SEEN_MAX) {
		free(seen[oldest].text);
		seen[oldest] = seen[--(*nseen)];
	}
	seen[*nseen].text = xstrdup(text);
	seen[*nseen].last_ms = ms;
	seen[*nseen].last_index = index;
	(*nseen)++;
	return 1;
}

int
scan_invert_full(uint64_t index)
{
	return index % SCAN_INVERT_EVERY == 0;
}

static void *
scan_decode_main(void *arg)
{
	struct scan *s = arg;
	struct scan_decode_options plain_o = {0, 1, 8, 0, 0}, full_o = {1, 1, 8, 0, 0},
	                           half_o = {1, 1, 8, 1, 0};
	struct scan_decoder *plain = scan_decode_new(&plain_o), *full = scan_decode_new(&full_o),
	                    *half = scan_decode_new(&half_o), *d;
	struct scan_frame work, t;
	struct scan_codes codes = SCAN_CODES_INIT;
	struct scan_seen seen[SCAN_SEEN_MAX];
	struct scan_result *r = xmalloc(sizeof *r);
	size_t nseen = 0, i;
	uint64_t index = 0;
	int64_t t0;
	int n;

	memset(&work, 0, sizeof work);
	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (!s->has_ready && !s->stop)
			pthread_cond_wait(&s->cond, &s->lock);
		if (s->stop) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		t = work;
		work = s->ready;
		s->ready = t;
		s->has_ready = 0;
		pthread_mutex_unlock(&s->lock);

		/* Most frames hold no code: light-on-dark ones are looked for at
		 * half resolution on each, at full resolution every few. */
		d = s->cfg.no_invert ? plain : scan_invert_full(index) ? full : half;
		t0 = scan_ms();
		n = scan_decode_luma(d, work.luma, work.width, work.height, work.width, &codes,
		                     NULL);
		index++;
		pthread_mutex_lock(&s->lock);
		s->st.frames_decoded++;
		s->st.last_decode_ms = (double)(scan_ms() - t0);
		pthread_mutex_unlock(&s->lock);
		for (i = 0; n > 0 && i < codes.n; i++) {
			if (!scan_seen_fresh(seen, &nseen, codes.v[i].text, work.at.mono_ms, index,
			                     s->cfg.hold_ms))
				continue;
			memset(r, 0, sizeof *r);
			r->origin = work.origin;
			r->len = codes.v[i].len;
			if (r->len >= sizeof r->text) {
				r->len = sizeof r->text - 1;
				r->truncated = 1;
			}
			memcpy(r->text, codes.v[i].text, r->len);
			r->captured = work.at;
			memcpy(r->corner, codes.v[i].corner, sizeof r->corner);
			r->frame_width = work.width;
			r->frame_height = work.height;
			scan_queue_put(s, r);
		}
		scan_codes_free(&codes);
	}
	for (i = 0; i < nseen; i++)
		free(seen[i].text);
	free(r);
	free(work.luma);
	scan_decode_free(half);
	scan_decode_free(full);
	scan_decode_free(plain);
	return NULL;
}

/* Plays pictures as frames at the configured rate. */
static void
scan_capture_files(struct scan *s, struct scan_frame *fill)
{
	struct scan_image img;
	char **paths = NULL, *cause = NULL;
	size_t n = 0, i = 0;
	int64_t period = 1000 / (s->cfg.frames_fps > 0 ? s->cfg.frames_fps : 5), next, now;

	if (scan_file_list(s->frames, &paths, &n, &cause) != 0) {
		scan_set_state(s, 1, SCAN_DEVICE_MISSING, cause);
		free(cause);
		return;
	}
	scan_set_state(s, 1, SCAN_DEVICE_OK, s->frames);
	next = scan_ms();
	while (!scan_stopping(s)) {
		if (scan_file_load(paths[i], &img, &cause) == 0) {
			scan_frame_size(fill, img.width, img.height);
			memcpy(fill->luma, img.luma, (size_t)img.width * (size_t)img.height);
			stamp_now(&fill->at);
			fill->origin = SCAN_FROM_FILES;
			scan_file_image_free(&img);
			scan_mailbox_put(s, fill);
			scan_set_state(s, 1, SCAN_DEVICE_OK, s->frames);
		} else {
			scan_set_state(s, 1, SCAN_DEVICE_FAILED, cause);
			free(cause);
			cause = NULL;
		}
		if (++i == n) {
			if (!s->cfg.frames_loop)
				break;
			i = 0;
		}
		next += period;
		now = scan_ms();
		if (next > now && scan_sleep(s, (int)(next - now)))
			break;
		if (next < now - period)
			next = now; /* fell behind: do not burst */
	}
	scan_file_list_free(paths, n);
}

static void
scan_capture_camera(struct scan *s, struct scan_frame *fill)
{
	struct scan_v4l2 *cam = NULL;
	char found[64], *cause = NULL;
	const char *path;
	int was_ok = 0, r, w, h, quiet_ms = 0;

	while (!scan_stopping(s)) {
		if (cam == NULL) {
			path = s->camera;
			if (strcmp(path, "auto") == 0)
				path = scan_v4l2_find(found, sizeof found) == 0 ? found : NULL;
			if (path == NULL || access(path, F_OK) != 0) {
				scan_set_state(
				    s, 1, was_ok ? SCAN_DEVICE_DISCONNECTED : SCAN_DEVICE_MISSING,
				    path == NULL ? "no camera found" : path);
				if (scan_sleep(s, SCAN_RETRY_MS))
					break;
				continue;
			}
			cam = scan_v4l2_open(path, s->cfg.width, s->cfg.height, s->cfg.fps, &cause);
			if (cam == NULL) {
				scan_set_state(s, 1, SCAN_DEVICE_FAILED, cause);
				free(cause);
				cause = NULL;
				if (scan_sleep(s, SCAN_RETRY_MS))
					break;
				continue;
			}
			was_ok = 1;
			quiet_ms = 0;
			scan_set_state(s, 1, SCAN_DEVICE_OK, scan_v4l2_describe(cam));
		}
		r = scan_v4l2_read(cam, 250, s->stopfd, &fill->luma, &fill->cap, &w, &h, &fill->at,
		                   &cause);
		if (r == 1) {
			quiet_ms = 0;
			fill->width = w;
			fill->height = h;
			fill->origin = SCAN_FROM_CAMERA;
			scan_mailbox_put(s, fill);
			continue;
		}
		if (r == 0 && (quiet_ms += 250) < SCAN_STALL_MS)
			continue;
		scan_set_state(s, 1, SCAN_DEVICE_DISCONNECTED,
		               r < 0 ? cause : "the camera sends no picture");
		free(cause);
		cause = NULL;
		scan_v4l2_close(cam);
		cam = NULL;
		if (scan_sleep(s, SCAN_RETRY_MS))
			break;
	}
	scan_v4l2_close(cam);
}

static void *
scan_capture_main(void *arg)
{
	struct scan *s = arg;
	struct scan_frame fill;

	memset(&fill, 0, sizeof fill);
	if (s->frames != NULL)
		scan_capture_files(s, &fill);
	else
		scan_capture_camera(s, &fill);
	free(fill.luma);
	return NULL;
}

static void
scan_wedge_deliver(struct scan *s, const struct scan_wedge_code *c, struct scan_result *r)
{
	memset(r, 0, sizeof *r);
	r->origin = SCAN_FROM_WEDGE;
	r->len = c->len < sizeof r->text ? c->len : sizeof r->text - 1;
	memcpy(r->text, c->text, r->len);
	r->truncated = c->truncated;
	stamp_now(&r->captured);
	scan_queue_put(s, r);
}

static void *
scan_wedge_main(void *arg)
{
	struct scan *s = arg;
	struct scan_wedge *w = scan_wedge_new(s->cfg.wedge_timeout_ms);
	struct scan_wedge_code *code = xmalloc(sizeof *code);
	struct scan_result *r = xmalloc(sizeof *r);
	struct input_event ev[64];
	struct pollfd p[2];
	char found[512], *cause = NULL;
	const char *path;
	int fd = -1, was_ok = 0, gone;
	ssize_t n;
	size_t i;

	while (!scan_stopping(s)) {
		if (fd == -1) {
			path = s->wedge;
			if (strcmp(path, "auto") == 0)
				path =
				    scan_evdev_find(NULL, found, sizeof found) == 0 ? found : NULL;
			if (path == NULL || access(path, F_OK) != 0) {
				scan_set_state(
				    s, 0, was_ok ? SCAN_DEVICE_DISCONNECTED : SCAN_DEVICE_MISSING,
				    path == NULL ? "no scanner found" : path);
				if (scan_sleep(s, SCAN_RETRY_MS))
					break;
				continue;
			}
			if ((fd = scan_evdev_open(path, !s->cfg.wedge_nograb, &cause)) == -1) {
				scan_set_state(s, 0, SCAN_DEVICE_FAILED, cause);
				free(cause);
				cause = NULL;
				if (scan_sleep(s, SCAN_RETRY_MS))
					break;
				continue;
			}
			was_ok = 1;
			scan_wedge_reset(w);
			scan_set_state(s, 0, SCAN_DEVICE_OK, path);
		}
		p[0] = (struct pollfd){fd, POLLIN, 0};
		p[1] = (struct pollfd){s->stopfd, POLLIN, 0};
		if (poll(p, 2, 1000) <= 0 || (p[1].revents & POLLIN))
			continue;
		gone = 0;
		n = read(fd, ev, sizeof ev);
		if (n > 0) {
			for (i = 0; i < (size_t)n / sizeof ev[0]; i++) {
				if (scan_wedge_feed(w, &ev[i], code))
					scan_wedge_deliver(s, code, r);
			}
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			gone = 1;
		else if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			gone = 1;
		if (gone) {
			close(fd);
			fd = -1;
			scan_set_state(s, 0, SCAN_DEVICE_DISCONNECTED, "the scanner was unplugged");
			if (scan_sleep(s, SCAN_RETRY_MS))
				break;
		}
	}
	if (fd != -1)
		close(fd);
	free(r);
	free(code);
	scan_wedge_free(w);
	return NULL;
}

static char *
scan_opt(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

struct scan *
scan_new(const struct scan_config *cfg, char **cause)
{
	struct scan_config none;
	struct scan *s;
	char **paths = NULL;
	size_t n = 0;

	if (cfg == NULL) {
		memset(&none, 0, sizeof none);
		cfg = &none;
	}
	s = xcalloc(1, sizeof *s);
	s->cfg = *cfg;
	if (s->cfg.hold_ms <= 0)
		s->cfg.hold_ms = SCAN_DEFAULT_HOLD;
	/* Larger frames cost more decode time than they bring (see SCANNING.md). */
	if (s->cfg.width > 1280)
		s->cfg.width = 1280;
	if (s->cfg.height > 720)
		s->cfg.height = 720;
	s->camera = scan_opt(cfg->camera);
	s->frames = scan_opt(cfg->frames);
	s->wedge = scan_opt(cfg->wedge);
	s->cfg.camera = s->camera;
	s->cfg.frames = s->frames;
	s->cfg.wedge = s->wedge;
	s->stopfd = s->readyfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->push_lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (s->frames != NULL) {
		if (scan_file_list(s->frames, &paths, &n, cause) != 0)
			goto fail;
		scan_file_list_free(paths, n);
	}
	s->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->readyfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->stopfd == -1 || s->readyfd == -1) {
		util_fail(cause, "Cannot start scanning: %s.", strerror(errno));
		goto fail;
	}
	s->st.camera =
	    s->camera != NULL || s->frames != NULL ? SCAN_DEVICE_MISSING : SCAN_DEVICE_OFF;
	s->st.wedge = s->wedge != NULL ? SCAN_DEVICE_MISSING : SCAN_DEVICE_OFF;
	snprintf(s->st.camera_what, sizeof s->st.camera_what, "%s",
	         s->frames != NULL   ? s->frames
	         : s->camera != NULL ? s->camera
	                             : "");
	snprintf(s->st.wedge_what, sizeof s->st.wedge_what, "%s", s->wedge != NULL ? s->wedge : "");
	if (pthread_create(&s->decode_thread, NULL, scan_decode_main, s) != 0)
		goto thread_fail;
	s->decode_started = 1;
	if (s->camera != NULL || s->frames != NULL) {
		if (pthread_create(&s->capture_thread, NULL, scan_capture_main, s) != 0)
			goto thread_fail;
		s->capture_started = 1;
	}
	if (s->wedge != NULL) {
		if (pthread_create(&s->wedge_thread, NULL, scan_wedge_main, s) != 0)
			goto thread_fail;
		s->wedge_started = 1;
	}
	return s;
thread_fail:
	util_fail(cause, "Cannot start the scanning threads.");
fail:
	scan_free(s);
	return NULL;
}

void
scan_free(struct scan *s)
{
	uint64_t one = 1;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (s->stopfd != -1 && write(s->stopfd, &one, sizeof one) < 0) {
		/* Already signalled. */
	}
	if (s->wedge_started)
		pthread_join(s->wedge_thread, NULL);
	if (s->capture_started)
		pthread_join(s->capture_thread, NULL);
	if (s->decode_started)
		pthread_join(s->decode_thread, NULL);
	if (s->readyfd != -1)
		close(s->readyfd);
	if (s->stopfd != -1)
		close(s->stopfd);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->push_lock);
	pthread_mutex_destroy(&s->lock);
	free(s->push.luma);
	free(s->ready.luma);
	free(s->wedge);
	free(s->frames);
	free(s->camera);
	free(s);
}

int
scan_poll(struct scan *s, struct scan_result *out)
{
	uint64_t v;
	int got = 0;

	/* Cleared before looking, so a result queued meanwhile wakes again. */
	if (read(s->readyfd, &v, sizeof v) < 0) {
		/* Nothing was signalled. */
	}
	pthread_mutex_lock(&s->lock);
	if (s->qlen > 0) {
		*out = s->queue[s->qhead];
		s->qhead = (s->qhead + 1) % SCAN_QUEUE_MAX;
		s->qlen--;
		got = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return got;
}

int
scan_fd(const struct scan *s)
{
	return s->readyfd;
}

void
scan_status(struct scan *s, struct scan_status *st)
{
	pthread_mutex_lock(&s->lock);
	*st = s->st;
	pthread_mutex_unlock(&s->lock);
}

void
scan_push_frame(struct scan *s, const uint8_t *luma, int width, int height, int stride,
                const struct stamp *captured)
{
	int y;

	if (luma == NULL || width <= 0 || height <= 0 || stride < width)
		return;
	pthread_mutex_lock(&s->push_lock);
	scan_frame_size(&s->push, width, height);
	for (y = 0; y < height; y++)
		memcpy(s->push.luma + (size_t)y * width, luma + (size_t)y * stride, (size_t)width);
	if (captured != NULL)
		s->push.at = *captured;
	else
		stamp_now(&s->push.at);
	s->push.origin = SCAN_FROM_PUSH;
	scan_mailbox_put(s, &s->push);
	pthread_mutex_unlock(&s->push_lock);
}

const char *
scan_camera_text(enum scan_device_state st)
{
	switch (st) {
	case SCAN_DEVICE_OFF: return "No camera is set up.";
	case SCAN_DEVICE_OK: return "Camera ready: hold the badge up to it.";
	case SCAN_DEVICE_MISSING: return "No camera found. Plug in the USB camera.";
	case SCAN_DEVICE_DISCONNECTED:
		return "The camera was disconnected. Plug it back in: scanning resumes by "
		       "itself.";
	case SCAN_DEVICE_FAILED:
		return "The camera is not working. Unplug it and plug it in again, or use the "
		       "USB scanner or look the walker up by name.";
	}
	return "";
}

const char *
scan_wedge_text(enum scan_device_state st)
{
	switch (st) {
	case SCAN_DEVICE_OFF: return "No USB scanner is set up.";
	case SCAN_DEVICE_OK: return "USB scanner ready.";
	case SCAN_DEVICE_MISSING: return "No USB scanner found. Plug it in.";
	case SCAN_DEVICE_DISCONNECTED:
		return "The USB scanner was disconnected. Plug it back in: it works again by "
		       "itself.";
	case SCAN_DEVICE_FAILED:
		return "The USB scanner cannot be used (see the coordinator). Look the walker up "
		       "by name meanwhile.";
	}
	return "";
}

static const char *
scan_device_chip(enum scan_device_state st, int camera)
{
	switch (st) {
	case SCAN_DEVICE_MISSING: return camera ? "Camera missing" : "Scanner missing";
	case SCAN_DEVICE_DISCONNECTED: return camera ? "Camera unplugged" : "Scanner unplugged";
	case SCAN_DEVICE_FAILED: return camera ? "Camera not working" : "Scanner not working";
	default: return NULL;
	}
}

const char *
scan_status_chip(const struct scan_status *st)
{
	enum scan_device_state c = st->camera, w = st->wedge;

	/* lost or broken: always said, the camera first */
	if (c == SCAN_DEVICE_DISCONNECTED || c == SCAN_DEVICE_FAILED)
		return scan_device_chip(c, 1);
	if (w == SCAN_DEVICE_DISCONNECTED || w == SCAN_DEVICE_FAILED)
		return scan_device_chip(w, 0);
	if (c == SCAN_DEVICE_OK || w == SCAN_DEVICE_OK)
		return NULL;
	if (c == SCAN_DEVICE_MISSING && w == SCAN_DEVICE_MISSING)
		return "No scanner or camera";
	if (c == SCAN_DEVICE_MISSING)
		return scan_device_chip(c, 1);
	return scan_device_chip(w, 0);
}
