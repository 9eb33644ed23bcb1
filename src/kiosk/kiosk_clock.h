/* kiosk_clock.h — setting the system clock from the coordinator screen, through
 * systemd-timedated on the system bus (libsystemd's sd-bus).  The appliance
 * lets the kiosk user do it with a polkit rule for
 * org.freedesktop.timedate1.set-time.  Blocking: call it from the worker. */
#ifndef WAT_KIOSK_CLOCK_H
#define WAT_KIOSK_CLOCK_H

/* Sets the clock to "YYYY-MM-DD HH:MM" local time.  0, or -1 with *cause. */
int kiosk_clock_set(const char *local, char **cause);

/* Writes the local time now as "YYYY-MM-DD HH:MM" (len >= 17). */
void kiosk_clock_now(char *buf, unsigned long len);

#endif
