/* scan.h — badge codes from a camera, from picture files, from a USB
 * keyboard-wedge scanner, delivered to the UI thread without ever blocking it.
 *
 *   camera (V4L2) or files ──frames──▶ [newest-frame mailbox] ──▶ decode thread ─┐
 *   scan_push_frame() ───────frames──▶                                           ├─▶ result queue
 *   wedge scanner (evdev, grabbed) ──▶ wedge thread ─────────────────────────────┘      │
 *                                                      scan_fd() / wakeup callback ◀────┘
 *   UI thread: scan_poll() until it returns 0; scan_status() for the screen.
 *
 * Frames are decoded newest first (a slow decode skips frames, never queues
 * them); a code seen in consecutive frames is delivered once.  Cameras and
 * scanners may be missing at start, unplugged and replugged: they are looked
 * for again every second and their state is in scan_status(). */
#ifndef WAT_SCAN_H
#define WAT_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "scan_decode.h"
#include "stamp.h"

#define SCAN_TEXT_MAX 1024 /* longer payloads are cut and flagged */

enum scan_origin {
	SCAN_FROM_CAMERA,
	SCAN_FROM_FILES,
	SCAN_FROM_PUSH,
	SCAN_FROM_WEDGE,
};

enum scan_device_state {
	SCAN_DEVICE_OFF,          /* not configured */
	SCAN_DEVICE_OK,           /* delivering */
	SCAN_DEVICE_MISSING,      /* never found since start: plug it in */
	SCAN_DEVICE_DISCONNECTED, /* was working, went away: being looked for */
	SCAN_DEVICE_FAILED,       /* present but unusable (permission, format...) */
};

/* The same states, as the screen names them for a camera. */
#define SCAN_CAMERA_OFF          SCAN_DEVICE_OFF
#define SCAN_CAMERA_OK           SCAN_DEVICE_OK
#define SCAN_CAMERA_MISSING      SCAN_DEVICE_MISSING
#define SCAN_CAMERA_DISCONNECTED SCAN_DEVICE_DISCONNECTED
#define SCAN_CAMERA_FAILED       SCAN_DEVICE_FAILED

/* All zero means: no camera, no files, no wedge scanner, defaults for the
 * rest (frames can still be pushed).  Strings are copied. */
struct scan_config {
	const char *camera; /* NULL/"": none; "auto": the first capture device; or a path */
	int width, height;  /* 0: 640x480; at most 1280x720 */
	int fps;            /* 0: 30 */
	const char *frames; /* a picture or a folder of them, played instead of a camera */
	int frames_fps;     /* 0: 5 */
	int frames_loop;    /* start the folder again at its end */
	const char *wedge;  /* NULL/"": none; "auto": scan_evdev_find(); or /dev/input/by-id/... */
	int wedge_timeout_ms; /* 0: SCAN_WEDGE_TIMEOUT_MS */
	int wedge_nograb;     /* tests only: read a FIFO of input_events */
	int hold_ms;          /* 0: 1000; a code seen again within this is the same sighting */
	int no_invert;        /* never look for light-on-dark codes (else see scan_invert_full) */
	/* Called from a scanning thread when a result or a state change is ready
	 * (e.g. to SDL_PushEvent); must not call back into scan. */
	void (*wakeup)(void *arg);
	void *wakeup_arg;
};

struct scan_result {
	enum scan_origin origin;
	char text[SCAN_TEXT_MAX]; /* NUL-terminated payload */
	size_t len;
	int truncated;
	struct stamp captured;       /* the frame's capture time, or the wedge's Enter */
	struct stamp queued;         /* when it was put in the queue */
	struct scan_point corner[4]; /* in the frame (zeros for the wedge) */
	int frame_width, frame_height;
};

struct scan_status {
	enum scan_device_state camera; /* the camera or the file source */
	char camera_what[160];         /* device and format, or why it is not OK */
	enum scan_device_state wedge;
	char wedge_what[160];
	uint64_t frames;         /* frames given to the decoder */
	uint64_t frames_skipped; /* replaced by a newer one before decoding */
	uint64_t frames_decoded;
	uint64_t codes;           /* results queued */
	uint64_t results_dropped; /* the queue was full: the UI did not poll */
	double last_decode_ms;
};

struct scan;

/* Starts the configured sources.  Fails (NULL, *cause) only on a bad
 * configuration (frames that do not exist) or when threads cannot start;
 * absent cameras and scanners are states, not errors. */
struct scan *scan_new(const struct scan_config *cfg, char **cause);
/* Light-on-dark codes (a phone in dark mode) are looked for in every camera
 * frame where no other code was read: at half resolution (big modules: a
 * phone held up to the camera), and at full resolution on frame numbers
 * where this returns 1 (every SCAN_INVERT_EVERY-th), for small ones. */
int scan_invert_full(uint64_t index);
/* Stops the threads (within a few ms) and frees everything; NULL is fine. */
void scan_free(struct scan *s);

/* Takes the oldest result; 1 when *out was filled, 0 when none.  Never blocks. */
int scan_poll(struct scan *s, struct scan_result *out);
/* Readable when results or state changes are waiting; scan_poll clears it.
 * Call scan_poll until it returns 0 after each wakeup. */
int scan_fd(const struct scan *s);
void scan_status(struct scan *s, struct scan_status *st);

/* Gives the decoder a frame from elsewhere (tests, a Pi CSI camera read
 * through rpicam-vid, a bench).  Copies the luma; never blocks on decoding. */
void scan_push_frame(struct scan *s, const uint8_t *luma, int width, int height, int stride,
                     const struct stamp *captured);

/* Plain words for the screen: what the state means and what to do. */
const char *scan_camera_text(enum scan_device_state st);
const char *scan_wedge_text(enum scan_device_state st);
/* The home screen's warning chip for both sources together, or NULL when
 * there is nothing to warn about. A source that was never found is not worth
 * a warning while the other one works (a station with a scanner and no
 * camera); one that was working and went away always is. */
const char *scan_status_chip(const struct scan_status *st);

#endif
