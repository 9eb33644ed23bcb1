/* scan_v4l2.c — camera frames through libv4l2. */
#include "scan_v4l2.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SCAN_V4L2_BUFFERS 3

struct scan_v4l2_buf {
	void *start;
	size_t length;
};

struct scan_v4l2 {
	int fd;
	int streaming;
	uint32_t pixfmt;
	int width, height, stride;
	struct scan_v4l2_buf buf[SCAN_V4L2_BUFFERS];
	unsigned nbuf;
	char desc[128];
};

static int
scan_v4l2_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = v4l2_ioctl(fd, req, arg);
	while (r == -1 && errno == EINTR);
	return r;
}

static int
scan_v4l2_is_capture(const char *path)
{
	struct v4l2_capability cap;
	int fd, ok = 0;
	uint32_t caps;

	if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return 0;
	memset(&cap, 0, sizeof cap);
	if (ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0) {
		caps =
		    (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
		ok = (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING);
	}
	close(fd);
	return ok;
}

int
scan_v4l2_find(char *buf, size_t len)
{
	char path[32];
	int i;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof path, "/dev/video%d", i);
		if (access(path, F_OK) != 0)
			continue;
		if (scan_v4l2_is_capture(path)) {
			if ((size_t)snprintf(buf, len, "%s", path) >= len)
				return -1;
			return 0;
		}
	}
	return -1;
}

static const char *
scan_v4l2_fourcc(uint32_t f, char out[5])
{
	out[0] = (char)(f & 0xff);
	out[1] = (char)((f >> 8) & 0xff);
	out[2] = (char)((f >> 16) & 0xff);
	out[3] = (char)((f >> 24) & 0xff);
	out[4] = '\0';
	return out;
}

/* Asks for fmt; 0 when the driver (or libv4l2's conversion) agreed. */
static int
scan_v4l2_try_format(struct scan_v4l2 *c, uint32_t pixfmt, int width, int height)
{
	struct v4l2_format f;

	memset(&f, 0, sizeof f);
	f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	f.fmt.pix.width = (uint32_t)width;
	f.fmt.pix.height = (uint32_t)height;
	f.fmt.pix.pixelformat = pixfmt;
	f.fmt.pix.field = V4L2_FIELD_NONE;
	if (scan_v4l2_ioctl(c->fd, VIDIOC_S_FMT, &f) != 0 || f.fmt.pix.pixelformat != pixfmt)
		return -1;
	c->pixfmt = pixfmt;
	c->width = (int)f.fmt.pix.width;
	c->height = (int)f.fmt.pix.height;
	c->stride = (int)f.fmt.pix.bytesperline;
	if (c->stride == 0)
		c->stride = pixfmt == V4L2_PIX_FMT_YUYV ? 2 * c->width : c->width;
	return 0;
}

static int
scan_v4l2_rate(struct scan_v4l2 *c, int fps)
{
	struct v4l2_streamparm p;

	memset(&p, 0, sizeof p);
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	p.parm.capture.timeperframe.numerator = 1;
	p.parm.capture.timeperframe.denominator = (uint32_t)fps;
	if (scan_v4l2_ioctl(c->fd, VIDIOC_S_PARM, &p) != 0)
		return fps; /* not every driver sets a rate */
	if (p.parm.capture.timeperframe.numerator == 0)
		return fps;
	return (int)(p.parm.capture.timeperframe.denominator /
	             p.parm.capture.timeperframe.numerator);
}

static int
scan_v4l2_setup(struct scan_v4l2 *c, int width, int height, int fps, char **cause)
{
	static const uint32_t order[] = {V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_YUV420};
	struct v4l2_requestbuffers req;
	struct v4l2_buffer b;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	char cc[5];
	size_t i;
	int got = -1, rate = fps;

	for (i = 0; i < nitems(order); i++) {
		if (scan_v4l2_try_format(c, order[i], width, height) != 0)
			continue;
		rate = scan_v4l2_rate(c, fps);
		/* Raw YUYV at HD often runs at 10 fps over USB 2: MJPEG converted
		 * to YUV420 keeps the rate. */
		if (order[i] == V4L2_PIX_FMT_YUYV && rate * 10 < fps * 9 &&
		    scan_v4l2_try_format(c, V4L2_PIX_FMT_YUV420, width, height) == 0) {
			int r2 = scan_v4l2_rate(c, fps);
			if (r2 > rate)
				rate = r2;
			else if (scan_v4l2_try_format(c, V4L2_PIX_FMT_YUYV, width, height) == 0)
				rate = scan_v4l2_rate(c, fps);
		}
		got = 0;
		break;
	}
	if (got != 0)
		return util_fail(cause, "The camera offers no picture format we can read.");
	memset(&req, 0, sizeof req);
	req.count = SCAN_V4L2_BUFFERS;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (scan_v4l2_ioctl(c->fd, VIDIOC_REQBUFS, &req) != 0 || req.count < 1)
		return util_fail(cause, "The camera refused its buffers: %s.", strerror(errno));
	c->nbuf = req.count < SCAN_V4L2_BUFFERS ? req.count : SCAN_V4L2_BUFFERS;
	for (i = 0; i < c->nbuf; i++) {
		memset(&b, 0, sizeof b);
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = (uint32_t)i;
		if (scan_v4l2_ioctl(c->fd, VIDIOC_QUERYBUF, &b) != 0)
			return util_fail(cause, "The camera refused its buffers: %s.",
			                 strerror(errno));
		c->buf[i].length = b.length;
		c->buf[i].start = v4l2_mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED,
		                            c->fd, b.m.offset);
		if (c->buf[i].start == MAP_FAILED) {
			c->buf[i].start = NULL;
			return util_fail(cause, "Cannot map the camera's buffers: %s.",
			                 strerror(errno));
		}
		if (scan_v4l2_ioctl(c->fd, VIDIOC_QBUF, &b) != 0)
			return util_fail(cause, "The camera refused its buffers: %s.",
			                 strerror(errno));
	}
	if (scan_v4l2_ioctl(c->fd, VIDIOC_STREAMON, &type) != 0)
		return util_fail(cause, "The camera would not start: %s.", strerror(errno));
	c->streaming = 1;
	snprintf(c->desc + strlen(c->desc), sizeof c->desc - strlen(c->desc), " %s %dx%d@%d",
	         scan_v4l2_fourcc(c->pixfmt, cc), c->width, c->height, rate);
	return 0;
}

struct scan_v4l2 *
scan_v4l2_open(const char *path, int width, int height, int fps, char **cause)
{
	struct scan_v4l2 *c = NULL;
	char found[32];

	if (path == NULL || *path == '\0') {
		if (scan_v4l2_find(found, sizeof found) != 0) {
			util_fail(cause, "No camera is plugged in.");
			return NULL;
		}
		path = found;
	}
	if (access(path, F_OK) != 0) {
		util_fail(cause, "The camera %s is not plugged in.", path);
		return NULL;
	}
	if (!scan_v4l2_is_capture(path)) {
		if (access(path, R_OK | W_OK) != 0)
			util_fail(cause,
			          "No permission to use the camera %s (add the kiosk "
			          "user to the video group).",
			          path);
		else
			util_fail(cause, "%s is not a camera that can stream pictures.", path);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	snprintf(c->desc, sizeof c->desc, "%s", path);
	if ((c->fd = v4l2_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errno == EACCES)
			util_fail(cause,
			          "No permission to use the camera %s (add the kiosk "
			          "user to the video group).",
			          path);
		else
			util_fail(cause, "Cannot open the camera %s: %s.", path, strerror(errno));
		free(c);
		return NULL;
	}
	if (scan_v4l2_setup(c, width > 0 ? width : 640, height > 0 ? height : 480,
	                    fps > 0 ? fps : 30, cause) != 0) {
		scan_v4l2_close(c);
		return NULL;
	}
	return c;
}

void
scan_v4l2_close(struct scan_v4l2 *c)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned i;

	if (c == NULL)
		return;
	if (c->streaming)
		(void)scan_v4l2_ioctl(c->fd, VIDIOC_STREAMOFF, &type);
	for (i = 0; i < SCAN_V4L2_BUFFERS; i++) {
		if (c->buf[i].start != NULL)
			v4l2_munmap(c->buf[i].start, c->buf[i].length);
	}
	if (c->fd != -1)
		v4l2_close(c->fd);
	free(c);
}

const char *
scan_v4l2_describe(const struct scan_v4l2 *c)
{
	return c->desc;
}

static void
scan_v4l2_luma(const struct scan_v4l2 *c, const uint8_t *src, size_t len, uint8_t *dst)
{
	int x, y, w = c->width, h = c->height;
	const uint8_t *row;

	for (y = 0; y < h; y++) {
		if ((size_t)(y + 1) * (size_t)c->stride > len) {
			memset(dst + (size_t)y * w, 0, (size_t)(h - y) * w);
			return;
		}
		row = src + (size_t)y * c->stride;
		if (c->pixfmt == V4L2_PIX_FMT_YUYV) {
			for (x = 0; x < w; x++)
				dst[(size_t)y * w + x] = row[2 * x];
		} else
			memcpy(dst + (size_t)y * w, row, (size_t)w);
	}
}

/* The buffer's time is when the sensor delivered it; stamp it as such. */
static void
scan_v4l2_stamp(const struct v4l2_buffer *b, struct stamp *at)
{
	struct timespec now;
	int64_t ago;

	stamp_now(at);
	if ((b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ago = ((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000) -
	      ((int64_t)b->timestamp.tv_sec * 1000 + b->timestamp.tv_usec / 1000);
	if (ago > 0 && ago < 1000) {
		at->wall_ms -= ago;
		at->mono_ms -= ago;
	}
}

int
scan_v4l2_read(struct scan_v4l2 *c, int timeout_ms, int stopfd, uint8_t **luma, size_t *cap,
               int *width, int *height, struct stamp *at, char **cause)
{
	struct pollfd pfd[2];
	struct v4l2_buffer b, newest;
	size_t need;
	int r, have = 0;

	pfd[0].fd = c->fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = stopfd;
	pfd[1].events = POLLIN;
	r = poll(pfd, stopfd >= 0 ? 2 : 1, timeout_ms);
	if (r == -1)
		return errno == EINTR
		           ? 0
		           : util_fail(cause, "Camera wait failed: %s.", strerror(errno));
	if (r == 0 || (stopfd >= 0 && (pfd[1].revents & POLLIN)))
		return 0;
	if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
		return util_fail(cause, "The camera was unplugged.");
	/* Drain what is ready and keep only the newest frame. */
	for (;;) {
		memset(&b, 0, sizeof b);
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (scan_v4l2_ioctl(c->fd, VIDIOC_DQBUF, &b) != 0) {
			int e = errno;
			if (e == EAGAIN)
				break;
			if (have)
				(void)scan_v4l2_ioctl(c->fd, VIDIOC_QBUF, &newest);
			if (e == ENODEV || e == EIO)
				return util_fail(cause, "The camera was unplugged.");
			return util_fail(cause, "The camera failed: %s.", strerror(e));
		}
		if (have && scan_v4l2_ioctl(c->fd, VIDIOC_QBUF, &newest) != 0)
			return util_fail(cause, "The camera failed: %s.", strerror(errno));
		newest = b;
		have = 1;
	}
	if (!have)
		return 0;
	if (newest.index >= c->nbuf || (newest.flags & V4L2_BUF_FLAG_ERROR)) {
		(void)scan_v4l2_ioctl(c->fd, VIDIOC_QBUF, &newest);
		return 0;
	}
	need = (size_t)c->width * (size_t)c->height;
	if (*cap < need) {
		*luma = xrealloc(*luma, need);
		*cap = need;
	}
	scan_v4l2_luma(c, c->buf[newest.index].start,
	               newest.bytesused ? newest.bytesused : c->buf[newest.index].length, *luma);
	*width = c->width;
	*height = c->height;
	scan_v4l2_stamp(&newest, at);
	if (scan_v4l2_ioctl(c->fd, VIDIOC_QBUF, &newest) != 0)
		return util_fail(cause, "The camera failed: %s.", strerror(errno));
	return 1;
}
