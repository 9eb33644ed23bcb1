#include "stamp.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* The kernel's boot id, read once for the process: the kiosk's threads
 * (worker, printing, export) all stamp entries. */
static char stamp_boot[STAMP_BOOT_LEN + 1];
static pthread_once_t stamp_boot_once = PTHREAD_ONCE_INIT;

static void
stamp_boot_read(void)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	if (f == NULL)
		return; /* no boot id: elapsed times fall back to the wall clock */
	if (fgets(stamp_boot, sizeof stamp_boot, f) == NULL)
		stamp_boot[0] = '\0';
	stamp_boot[strcspn(stamp_boot, "\n")] = '\0';
	fclose(f);
}

static void
stamp_read_boot(char *out)
{
	pthread_once(&stamp_boot_once, stamp_boot_read);
	memcpy(out, stamp_boot, sizeof stamp_boot);
}

void
stamp_now(struct stamp *st)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	st->wall_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	st->mono_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	stamp_read_boot(st->boot);
}

int
stamp_elapsed(const struct stamp *a, const struct stamp *b, int64_t *ms)
{
	if (a->boot[0] != '\0' && strcmp(a->boot, b->boot) == 0) {
		*ms = b->mono_ms - a->mono_ms;
		return 1;
	}
	*ms = b->wall_ms - a->wall_ms;
	return 0;
}

void
stamp_zone(const char *zone)
{
	static char *sys;
	static int saved;
	const char *t;

	if (!saved) {
		t = getenv("TZ");
		sys = t != NULL ? xstrdup(t) : NULL;
		saved = 1;
	}
	if (zone != NULL && *zone != '\0')
		setenv("TZ", zone, 1);
	else if (sys != NULL)
		setenv("TZ", sys, 1);
	else
		unsetenv("TZ");
	tzset();
}

char *
stamp_format_local(int64_t wall_ms, char *buf, unsigned long len)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S%z", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

char *
stamp_format_utc(int64_t wall_ms, char *buf, unsigned long len)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

int64_t
stamp_parse_date(const char *text)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, n = 0, leap;
	int64_t days;

	if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return -1;
	if (text[4] != '-' || text[7] != '-' || y < 2000 || y > 2999 || m < 1 || m > 12)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d < 1 || d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	/* days from civil (Howard Hinnant's algorithm) */
	y -= m <= 2;
	{
		int era = y / 400;
		int yoe = y - era * 400;
		int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		days = (int64_t)era * 146097 + doe - 719468;
	}
	return days;
}
