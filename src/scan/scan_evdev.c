/* scan_evdev.c — finding and grabbing a wedge scanner's input device. */
#include "scan_evdev.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Words in the USB names of common 2D wedge scanners. */
static const char *scan_evdev_words[] = {
    "barcode",   "bar_code", "scanner", "kbw",     "honeywell", "zebra", "symbol",
    "datalogic", "newland",  "netum",   "inateck", "eyoyo",     "tera",  "hid_pos",
};

int
scan_evdev_is_scanner(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(scan_evdev_words); i++) {
		if (strcasestr(name, scan_evdev_words[i]) != NULL)
			return 1;
	}
	return 0;
}

int
scan_evdev_find(const char *dir, char *buf, size_t len)
{
	struct dirent *de;
	DIR *d;
	char *best = NULL;
	size_t n;

	if (dir == NULL)
		dir = SCAN_EVDEV_BY_ID;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 10 || strcmp(de->d_name + n - 10, "-event-kbd") != 0)
			continue;
		if (!scan_evdev_is_scanner(de->d_name))
			continue;
		/* The first by name, so the choice does not depend on readdir order. */
		if (best == NULL || strcmp(de->d_name, best) < 0) {
			free(best);
			best = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (best == NULL)
		return -1;
	n = (size_t)snprintf(buf, len, "%s/%s", dir, best);
	free(best);
	return n < len ? 0 : -1;
}

int
scan_evdev_open(const char *path, int grab, char **cause)
{
	int fd, clk = CLOCK_MONOTONIC;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errno == EACCES || errno == EPERM)
			return util_fail(cause,
			                 "No permission to read the scanner %s (add the kiosk "
			                 "user to the input group).",
			                 path);
		return util_fail(cause, "Cannot open the scanner %s: %s.", path, strerror(errno));
	}
	if (grab) {
		if (ioctl(fd, EVIOCGRAB, 1) != 0) {
			int e = errno;
			close(fd);
			if (e == EBUSY)
				return util_fail(
				    cause, "The scanner %s is held by another program.", path);
			return util_fail(cause, "Cannot take the scanner %s for itself: %s.", path,
			                 strerror(e));
		}
		/* Event times on the monotonic clock, immune to clock changes. */
		(void)ioctl(fd, EVIOCSCLOCKID, &clk);
	}
	return fd;
}
