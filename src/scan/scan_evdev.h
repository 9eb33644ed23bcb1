/* scan_evdev.h — a keyboard-wedge scanner's evdev device: found, opened with
 * an exclusive grab (its keys reach nobody else: not the console, not SDL),
 * read as struct input_event.  The grab ends when the fd is closed. */
#ifndef WAT_SCAN_EVDEV_H
#define WAT_SCAN_EVDEV_H

#include <stddef.h>

#define SCAN_EVDEV_BY_ID "/dev/input/by-id"

/* Looks in dir (SCAN_EVDEV_BY_ID when NULL) for a keyboard whose name says it
 * is a barcode scanner ("...Barcode...", "...Scanner...", "...KBW..." and
 * others, *-event-kbd links only).  A plain keyboard is never taken: it
 * would lock the coordinator out.  Returns 0 with the path in buf, -1 when none. */
int scan_evdev_find(const char *dir, char *buf, size_t len);

/* Opens a device non-blocking; grab asks for EVIOCGRAB (tests reading a FIFO
 * pass 0).  Returns the fd or -1 with *cause. */
int scan_evdev_open(const char *path, int grab, char **cause);

/* Whether a by-id name looks like a scanner (exposed for tests). */
int scan_evdev_is_scanner(const char *name);

#endif
