/* stamp.h — when something happened, as far as this box can know.
 *
 * The Pi has no real-time clock: wall time may be wrong (1970, or jump).  Every
 * entry therefore carries the UTC wall time AND a monotonic reading with the
 * boot it belongs to; durations inside one boot use the monotonic clock. */
#ifndef WAT_STAMP_H
#define WAT_STAMP_H

#include <stdint.h>

#define STAMP_BOOT_LEN 36 /* a UUID as text */

struct stamp {
	int64_t wall_ms;               /* UTC milliseconds since 1970 (CLOCK_REALTIME) */
	int64_t mono_ms;               /* CLOCK_BOOTTIME milliseconds, comparable within one boot */
	char boot[STAMP_BOOT_LEN + 1]; /* kernel boot id; "" when unknown */
};

/* Reads the clocks now. */
void stamp_now(struct stamp *st);

/* Milliseconds from a to b.  Returns 1 when measured on the monotonic clock (same
 * boot), 0 when only the wall clocks could be compared (different boots). */
int stamp_elapsed(const struct stamp *a, const struct stamp *b, int64_t *ms);

/* Makes zone (a tz database name, "America/Chicago") the local time of
 * every time people read (localtime_r); NULL or "": the system's, as the
 * process started (TZ, else /etc/localtime).  The ledger and the bundle
 * keep UTC (stamp_format_utc) whatever it is. */
void stamp_zone(const char *zone);

/* Formats wall time for people, in the station's zone (stamp_zone), as
 * "2026-05-02 09:03:07-0500": one word for the time, its offset from UTC
 * glued on (buf >= 25 bytes). */
char *stamp_format_local(int64_t wall_ms, char *buf, unsigned long len);

/* Formats wall time as "2026-05-02 14:03:07" UTC (buf >= 20 bytes). */
char *stamp_format_utc(int64_t wall_ms, char *buf, unsigned long len);

/* Days since 1970-01-01 for "YYYY-MM-DD", or -1 when the text is not a real date. */
int64_t stamp_parse_date(const char *text);

#endif
