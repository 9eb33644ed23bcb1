/* scan_v4l2.h — a camera through V4L2 and libv4l2, as luma frames.
 *
 * Prefers GREY, then YUYV (its Y bytes are the luma), then YUV420 (which
 * libv4l2 makes from MJPEG when a camera offers only that), at the asked
 * size and rate; 3 buffers; each read takes the newest frame and requeues
 * older ones, so latency stays one frame.  A read error or POLLERR means the
 * camera went away: the caller closes and reopens (scan.c does, every second). */
#ifndef WAT_SCAN_V4L2_H
#define WAT_SCAN_V4L2_H

#include <stddef.h>
#include <stdint.h>

#include "stamp.h"

struct scan_v4l2;

/* The first video capture device (/dev/video0..63) into buf; -1 when none. */
int scan_v4l2_find(char *buf, size_t len);

/* Opens path (NULL: scan_v4l2_find) at width x height @ fps (0: 640x480@30). */
struct scan_v4l2 *scan_v4l2_open(const char *path, int width, int height, int fps, char **cause);
void scan_v4l2_close(struct scan_v4l2 *c);

/* The format in use, e.g. "/dev/video0 YUYV 640x480@30". */
const char *scan_v4l2_describe(const struct scan_v4l2 *c);

/* Waits up to timeout_ms (or until stopfd, when >= 0, is readable) for a
 * frame.  Returns 1 with the newest frame's luma in *luma (grown as needed,
 * tightly packed; *cap its size) with its size and capture time, 0 on timeout
 * or stop, -1 with *cause when the camera failed or was unplugged. */
int scan_v4l2_read(struct scan_v4l2 *c, int timeout_ms, int stopfd, uint8_t **luma, size_t *cap,
                   int *width, int *height, struct stamp *at, char **cause);

#endif
