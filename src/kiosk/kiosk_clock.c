#include "kiosk_clock.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include "util.h"

void
kiosk_clock_now(char *buf, unsigned long len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
}

int
kiosk_clock_set(const char *local, char **cause)
{
	sd_bus *bus = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	struct tm tm;
	const char *end;
	time_t t;
	int r, rc = -1;

	memset(&tm, 0, sizeof tm);
	end = strptime(local, "%Y-%m-%d %H:%M", &tm);
	if (end == NULL || *end != '\0' || tm.tm_year + 1900 < 2024 || tm.tm_year + 1900 > 2999) {
		util_fail(cause,
		          "Write the date and time as YYYY-MM-DD HH:MM, e.g. 2026-05-02 09:30.");
		goto end;
	}
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1) {
		util_fail(cause, "%s is not a time that exists here.", local);
		goto end;
	}
	if ((r = sd_bus_open_system(&bus)) < 0) {
		util_fail(cause, "The clock could not be set: no system bus (%s).", strerror(-r));
		goto end;
	}
	r = sd_bus_call_method(bus, "org.freedesktop.timedate1", "/org/freedesktop/timedate1",
	                       "org.freedesktop.timedate1", "SetTime", &err, NULL, "xbb",
	                       (int64_t)t * 1000000, 0, 0);
	if (r < 0) {
		util_fail(cause, "The clock could not be set: %s",
		          err.message != NULL ? err.message : strerror(-r));
		goto end;
	}
	rc = 0;
end:
	sd_bus_error_free(&err);
	sd_bus_unref(bus);
	return rc;
}
