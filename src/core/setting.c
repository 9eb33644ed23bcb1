/* setting.c — see setting.h. */
#include "setting.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amount.h"
#include "stamp.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

/* Every key ledger_set accepts, in the order watctl and the kiosk show them. */
static const struct setting setting_table[] = {
    {SETTING_NAME, "name", SETTING_TYPE_TEXT, "characters", 1, 100, "", "event name", "Event name",
     NULL, "The event's name, on the home screen, badges and receipts.", 0, 0, SETTING_KIOSK_FORM},
    {SETTING_CITY, "city", SETTING_TYPE_TEXT, "characters", 1, 60, "", "city", "City", NULL,
     "The city the walk is in.", 0, 0, SETTING_KIOSK_FORM},
    {SETTING_DATE, "date", SETTING_TYPE_DATE, "", 0, 0, "", "event date", "Date", NULL,
     "The walk's day, YYYY-MM-DD, 2000-01-01 to 2099-12-31; every clock warning is judged "
     "against it.",
     0, 0, SETTING_KIOSK_FORM},
    {SETTING_GOAL, "goal", SETTING_TYPE_MONEY, "cents", 0, 100000000000, "0", "fundraising goal",
     "Goal", NULL, "The event's fundraising goal, on the home screen and slips; 0: none.", 0, 1,
     SETTING_KIOSK_FORM},
    {SETTING_LAP_LENGTH, "lap-length", SETTING_TYPE_LENGTH, "m", 0, 100000, "0 m", "lap length",
     "Lap length", NULL,
     "One lap, kept as typed with its unit: 400, 400m, 0.4km, 0.25mi, 0.25 mile, 2 miles; 0: not "
     "known.",
     0, 1, SETTING_KIOSK_FORM},
    {SETTING_MIN_LAP, "min-lap", SETTING_TYPE_SECONDS, "s", 0, 3600, "60", "minimum lap time",
     "Shortest lap", NULL,
     "A lap needs this long after the walker's last one: a sooner scan is recorded flagged "
     "for a coordinator's review; a sooner lap by hand needs the coordinator.",
     1, 1, SETTING_KIOSK_FORM},
    {SETTING_HOLDOFF, "holdoff", SETTING_TYPE_SECONDS, "s", 0, 600, "5", "scan hold-off",
     "Scan hold-off", NULL, "The same badge scanned again within this is one scan.", 1, 1,
     SETTING_KIOSK_FORM},
    {SETTING_MAX_DONATION, "max-donation", SETTING_TYPE_MONEY, "cents", 100, 100000000, "1000000",
     "largest donation", "Largest donation", NULL,
     "A larger donation is refused as a likely typing mistake.", 0, 1, SETTING_KIOSK_FORM},
    {SETTING_ORG_NAME, "org-name", SETTING_TYPE_TEXT, "characters", 0, 120, "",
     "organisation's legal name", "Organisation", NULL,
     "The organisation's legal name, on receipts.", 0, 1, SETTING_KIOSK_FORM},
    {SETTING_ORG_EIN, "org-ein", SETTING_TYPE_EIN, "", 0, 0, "", "organisation's EIN", "EIN", NULL,
     "The organisation's EIN on receipts, NN-NNNNNNN; empty: none.", 0, 1, SETTING_KIOSK_FORM},
    {SETTING_PREMIUM_DESC, "premium-desc", SETTING_TYPE_TEXT, "characters", 0, 60, "",
     "premium description", "Premium", NULL,
     "What a donor gets in return (\"event T-shirt\"), for the receipt's disclosure; empty: "
     "nothing.",
     0, 1, SETTING_KIOSK_FORM},
    {SETTING_PREMIUM_VALUE, "premium-value", SETTING_TYPE_MONEY, "cents", 0, 100000, "0",
     "premium value", "Premium value", NULL, "The premium's fair market value, on receipts.", 0, 1,
     SETTING_KIOSK_FORM},
    {SETTING_ROLE, "role", SETTING_TYPE_ROLE, "", 0, 0, "both", "station role", "Station role",
     NULL,
     "What a scan means here: welcome checks in, lap counts laps, both checks in first, then "
     "counts laps.",
     0, 0, SETTING_KIOSK_MENU},
    {SETTING_WALKER_BASE, "walker-base", SETTING_TYPE_COUNT, "", 0, 900000, "0",
     "first walker number of this station", "First walker number", NULL,
     "Walk-up numbers of this station start above it, so two stations never hand out the same "
     "number.",
     0, 0, SETTING_KIOSK_JOIN},
    {SETTING_PRINTER, "printer", SETTING_TYPE_TEXT, "characters", 0, 127, "", "printer queue",
     "Printer queue", "(the default printer)", "The CUPS queue; empty: the default printer.", 0, 0,
     SETTING_KIOSK_FORM},
    {SETTING_PAPER, "paper", SETTING_TYPE_PAPER, "", 0, 0, "80mm", "receipt paper", "Paper", NULL,
     "The receipt paper: 58mm, 80mm, letter or a4.", 0, 0, SETTING_KIOSK_FORM},
    {SETTING_UNDO_MINUTES, "undo-minutes", SETTING_TYPE_COUNT, "min", 0, 240, "10",
     "minutes a volunteer may undo a lap or check-in", "Volunteer undo", NULL,
     "How old a lap or check-in a volunteer may undo without the PIN.", 0, 0, SETTING_KIOSK_FORM},
    {SETTING_LOCK_SECONDS, "lock-seconds", SETTING_TYPE_SECONDS, "s", 15, 3600, "60",
     "coordinator lock after idle", "Lock after idle", NULL,
     "Coordinator mode locks after this long without a touch.", 0, 0, SETTING_KIOSK_FORM},
    {SETTING_TIME_ZONE, "time-zone", SETTING_TYPE_ZONE, "", 0, 0, "", "time zone", "Time zone",
     "(the system's time zone)",
     "The time zone of every time people read (screens, receipts, slips, sheets): central "
     "(eastern, mountain, arizona, pacific, alaska, hawaii) or a tz database name such as "
     "America/Chicago; empty: the system's (TZ, else /etc/localtime). The bundle keeps UTC.",
     0, 0, SETTING_KIOSK_FORM},
    {SETTING_WAIVER, "waiver", SETTING_TYPE_TEXT, "characters", 0, 600, "", "waiver", "Waiver",
     "(none: no waiver asked)",
     "The waiver a walk-up agrees to on the screen at registration (the walker, or a parent or "
     "guardian for a minor, by name), recorded with its version; empty: none asked.",
     0, 1, SETTING_KIOSK_FORM},
    {SETTING_WAIVER_VERSION, "waiver-version", SETTING_TYPE_TEXT, "characters", 1, 20, "1",
     "waiver version", "Waiver version", NULL,
     "The waiver's version, recorded with each agreement; change it with the text.", 0, 1,
     SETTING_KIOSK_FORM},
    {SETTING_FULL_NAMES, "full-names", SETTING_TYPE_COUNT, "", 0, 1, "0",
     "full names on the walkers' display", "Full names shown", NULL,
     "1: the walkers' display (the idle home screen, the second screen) shows full names; 0: "
     "first name and last initial only (María L.).",
     0, 1, SETTING_KIOSK_FORM},
    {SETTING_PLEDGE_LAP_CAP, "pledge-lap-cap", SETTING_TYPE_COUNT, "laps", 0, 10000, "0",
     "lap cap for pledges", "Pledge lap cap", "(no cap)",
     "Laps beyond it are walked and shown, not billed to per-lap, per-mile or per-km pledges; "
     "0: no cap.",
     0, 1, SETTING_KIOSK_FORM},
    {SETTING_PAY_ADDRESS, "pay-address", SETTING_TYPE_TEXT, "characters", 0, 160, "",
     "mailing address for checks", "Checks mailed to", NULL,
     "Where sponsors mail a check for what they still owe (the organisation's address), on "
     "pledge statements; empty: the statement says to pay at the table or to the organisers.",
     0, 1, SETTING_KIOSK_FORM},
};

const struct setting *
setting_at(size_t i)
{
	return i < nitems(setting_table) ? &setting_table[i] : NULL;
}

const struct setting *
setting_find(const char *key)
{
	size_t i;

	for (i = 0; key != NULL && i < nitems(setting_table); i++)
		if (strcmp(setting_table[i].key, key) == 0)
			return &setting_table[i];
	return NULL;
}

/* The US zones in words, for a keyboard without "/" and "_" (the kiosk's):
 * the tz database name of word, or word itself. */
static const char *
setting_zone_word(const char *word)
{
	static const char *const words[][2] = {
	    {"eastern", "America/New_York"},    {"central", "America/Chicago"},
	    {"mountain", "America/Denver"},     {"arizona", "America/Phoenix"},
	    {"pacific", "America/Los_Angeles"}, {"alaska", "America/Anchorage"},
	    {"hawaii", "Pacific/Honolulu"},     {"utc", "UTC"},
	};
	size_t i;

	for (i = 0; i < nitems(words); i++)
		if (strcasecmp(word, words[i][0]) == 0)
			return words[i][1];
	return word;
}

/* A tz database name ("America/Chicago", "UTC", "Etc/GMT+6"): its
 * characters, no ".." or leading "/", and, where the system has the
 * database, a zone it knows (glibc silently takes UTC for one it does not). */
static int
setting_zone_ok(const char *t)
{
	char path[128];

	if (*t == '\0')
		return 1;
	if (strlen(t) > 64 || *t == '/' || *t == '-' || strstr(t, "..") != NULL ||
	    strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
	        strlen(t))
		return 0;
	if (access("/usr/share/zoneinfo", F_OK) != 0)
		return 1;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", t);
	return access(path, R_OK) == 0;
}

/* ---- lengths ---- */

static const struct {
	const char *name;
	enum setting_unit unit;
} setting_units[] = {{"", SETTING_M},    {"m", SETTING_M},     {"km", SETTING_KM},
                     {"mi", SETTING_MI}, {"mile", SETTING_MI}, {"miles", SETTING_MI}};

static const char *const setting_unit_names[] = {
    [SETTING_M] = "m", [SETTING_KM] = "km", [SETTING_MI] = "mi"};

int64_t
setting_unit_um(enum setting_unit u)
{
	switch (u) {
	case SETTING_M: return 1000000;
	case SETTING_KM: return 1000000000;
	case SETTING_MI: return 1609344000; /* the international mile, exactly */
	}
	return 0;
}

int64_t
setting_length_um(const struct setting_length *l)
{
	/* at most 999999999 thousandths x 1609344 < 2^63 */
	return l->milli * (setting_unit_um(l->unit) / 1000);
}

int64_t
setting_distance(const struct setting_length *lap, int64_t laps)
{
	int64_t um = setting_length_um(lap);

	if (um <= 0 || laps < 0 || (laps != 0 && um > INT64_MAX / laps))
		return -1;
	return um * laps;
}

/* Whole numbers only, in thousandths of the unit: nothing can overflow (a
 * double once took "1e308km" and wrote INT64_MIN). */
int
setting_length_parse(const char *s, int64_t max_m, struct setting_length *out)
{
	int64_t milli = 0, scale = 100, um;
	size_t digits = 0, decimals = 0, i;
	const char *p = s;
	struct setting_length l;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 6)
			return -1;
		milli = milli * 10 + (*p - '0');
	}
	if (digits == 0)
		return -1;
	milli *= 1000;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10) {
			if (++decimals > 3)
				return -1;
			milli += (*p - '0') * scale;
		}
		if (decimals == 0)
			return -1;
	}
	while (*p == ' ')
		p++;
	for (i = 0; i < nitems(setting_units); i++)
		if (strcasecmp(p, setting_units[i].name) == 0)
			break;
	if (i == nitems(setting_units))
		return -1;
	l.milli = milli;
	l.unit = setting_units[i].unit;
	um = setting_length_um(&l);
	if ((um != 0 && um < 1000000) || um > max_m * 1000000)
		return -1;
	*out = l;
	return 0;
}

void
setting_length_format(const struct setting_length *l, char *buf, size_t len)
{
	int64_t whole = l->milli / 1000, frac = l->milli % 1000;
	int digits = 3;
	unsigned u = (unsigned)l->unit;
	const char *unit = u < nitems(setting_unit_names) ? setting_unit_names[u] : "m";

	if (frac == 0) {
		snprintf(buf, len, "%" PRId64 " %s", whole, unit);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%" PRId64 ".%0*" PRId64 " %s", whole, digits, frac, unit);
}

/* n / d rounded half up, for n >= 0, d > 0, without overflowing n + d/2. */
static int64_t
setting_div_round(int64_t n, int64_t d)
{
	return n / d + (n % d >= d - n % d ? 1 : 0);
}

int64_t
setting_per_distance(const struct setting_length *lap, int64_t laps, int64_t cents_per,
                     enum setting_unit per)
{
	int64_t um = setting_length_um(lap), unit = setting_unit_um(per), q, r;

	if (laps < 0 || cents_per < 0 || um < 0)
		return -1;
	if (laps != 0 && um > INT64_MAX / laps)
		return -1;
	um *= laps;
	/* cents = um x cents_per / unit, as q x cents_per + r x cents_per / unit:
	 * r < unit < 2^31, so r x cents_per fits while cents_per < 2^32 */
	q = um / unit;
	r = um % unit;
	if (cents_per >= ((int64_t)1 << 32) || (q != 0 && q > INT64_MAX / cents_per))
		return -1;
	return q * cents_per + setting_div_round(r * cents_per, unit);
}

void
setting_distance_format(int64_t um, char *buf, size_t len)
{
	/* hundredths of a km and of a mile */
	int64_t km = setting_div_round(um, 10000000), mi = setting_div_round(um, 16093440);

	snprintf(buf, len, "%" PRId64 ".%02" PRId64 " km (%" PRId64 ".%02" PRId64 " mi)", km / 100,
	         km % 100, mi / 100, mi % 100);
}

/* ---- values ---- */

static int
setting_parse_count(const char *s, int64_t *v)
{
	char *end;
	long long n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*v = n;
	return 0;
}

/* t without a trailing unit (and the blanks before it), in place. */
static void
setting_strip_unit(char *t, const char *unit)
{
	size_t n = strlen(t), u = strlen(unit);

	if (u == 0 || n < u || strcmp(t + n - u, unit) != 0)
		return;
	t[n - u] = '\0';
	for (n -= u; n > 0 && t[n - 1] == ' '; n--)
		t[n - 1] = '\0';
}

static int
setting_days_in_month(int y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* The event's date: a real date written YYYY-MM-DD, from 2000-01-01 to
 * 2099-12-31.  A real date outside that (9999-12-31) is a mistyped year: it
 * is said to be out of range, not "not a date", and refused, because every
 * clock warning of the day is judged against the event's date. */
static int
setting_parse_date(const char *t, const char *noun, char **cause)
{
	int y, m, d;

	if (strlen(t) != 10 || strspn(t, "0123456789") != 4 || t[4] != '-' ||
	    strspn(t + 5, "0123456789") != 2 || t[7] != '-' || strspn(t + 8, "0123456789") != 2)
		goto bad;
	y = atoi(t);
	m = atoi(t + 5);
	d = atoi(t + 8);
	if (m < 1 || m > 12 || d < 1 || d > setting_days_in_month(y, m))
		goto bad;
	if (y < 2000 || y > 2099 || stamp_parse_date(t) < 0)
		return util_fail(cause,
		                 "The %s %s is out of range: a walk's date is from 2000-01-01 to "
		                 "2099-12-31.",
		                 noun, t);
	return 0;
bad:
	return util_fail(cause, "The %s \"%s\" is not a date written YYYY-MM-DD.", noun, t);
}

/* "0", "none", "" and "$0.00" (as shown) are no money. */
static int
setting_no_money(const char *t)
{
	return *t == '\0' || strcmp(t, "none") == 0 ||
	       (strspn(t, "$0.,") == strlen(t) && strchr(t, '0') != NULL);
}

int
setting_canon(const struct setting *s, const char *value, char **out, char **cause)
{
	int64_t v = 0;
	char *copy = xstrdup(value), *t = text_trim(copy);
	char buf[64];
	struct setting_length l;
	enum rules_role role;
	size_t n;
	int rc = -1;

	switch (s->type) {
	case SETTING_TYPE_TEXT:
		n = text_length(t);
		if (text_check(t, s->noun, cause) != 0)
			;
		else if ((int64_t)n < s->min)
			util_fail(cause, "The %s cannot be empty.", s->noun);
		else if ((int64_t)n > s->max)
			util_fail(cause,
			          "The %s is too long (%zu characters; at most %" PRId64 ").",
			          s->noun, n, s->max);
		else {
			*out = xstrdup(t);
			rc = 0;
		}
		break;
	case SETTING_TYPE_DATE:
		if (setting_parse_date(t, s->noun, cause) == 0) {
			*out = xstrdup(t);
			rc = 0;
		}
		break;
	case SETTING_TYPE_MONEY:
		if (setting_no_money(t))
			v = 0;
		else if (amount_parse(t, s->max, &v, cause) != 0)
			break;
		if (v < s->min) {
			util_fail(cause, "The %s must be at least $%" PRId64 ".%02" PRId64 ".",
			          s->noun, s->min / 100, s->min % 100);
			break;
		}
		*out = xasprintf("%" PRId64, v);
		rc = 0;
		break;
	case SETTING_TYPE_SECONDS:
	case SETTING_TYPE_COUNT:
		setting_strip_unit(t, s->unit);
		if (setting_parse_count(t, &v) != 0 || v < s->min || v > s->max) {
			if (s->type == SETTING_TYPE_SECONDS)
				util_fail(cause,
				          "The %s must be a whole number of seconds from %" PRId64
				          " to %" PRId64 ".",
				          s->noun, s->min, s->max);
			else
				util_fail(cause,
				          "The %s must be a whole number from %" PRId64
				          " to %" PRId64 ".",
				          s->noun, s->min, s->max);
		} else {
			*out = xasprintf("%" PRId64, v);
			rc = 0;
		}
		break;
	case SETTING_TYPE_LENGTH:
		if (setting_length_parse(t, s->max, &l) != 0)
			util_fail(cause,
			          "The %s \"%s\" is not a distance from 1 m to %" PRId64
			          " km: write 400, 400m, 0.4km or 0.25mi (0: not known).",
			          s->noun, t, s->max / 1000);
		else {
			setting_length_format(&l, buf, sizeof buf);
			*out = xstrdup(buf);
			rc = 0;
		}
		break;
	case SETTING_TYPE_ROLE:
		if (rules_role_parse(t, &role) == 0) {
			*out = xstrdup(rules_role_name(role));
			rc = 0;
		} else
			util_fail(cause, "The %s must be %s, %s or %s.", s->noun,
			          rules_role_name(RULES_ROLE_WELCOME),
			          rules_role_name(RULES_ROLE_LAP),
			          rules_role_name(RULES_ROLE_BOTH));
		break;
	case SETTING_TYPE_EIN:
		if (*t == '\0' || (strlen(t) == 10 && t[2] == '-' && strspn(t, "0123456789") == 2 &&
		                   strspn(t + 3, "0123456789") == 7)) {
			*out = xstrdup(t);
			rc = 0;
		} else
			util_fail(cause, "The EIN must be written NN-NNNNNNN (e.g. 64-0123456).");
		break;
	case SETTING_TYPE_ZONE:
		if (setting_zone_ok(setting_zone_word(t))) {
			*out = xstrdup(setting_zone_word(t));
			rc = 0;
		} else
			util_fail(
			    cause,
			    "\"%s\" is not a time zone: write eastern, central, mountain, "
			    "arizona, pacific, alaska or hawaii, or a tz database name such as "
			    "America/Chicago (empty: the system's).",
			    t);
		break;
	case SETTING_TYPE_PAPER:
		if (strcmp(t, "58mm") == 0 || strcmp(t, "80mm") == 0 || strcmp(t, "letter") == 0 ||
		    strcmp(t, "a4") == 0) {
			*out = xstrdup(t);
			rc = 0;
		} else
			util_fail(cause, "The paper must be 58mm, 80mm, letter or a4.");
		break;
	}
	free(copy);
	return rc;
}

void
setting_typed(const struct setting *s, const char *canon, char *buf, size_t len)
{
	char *end;
	long long n = strtoll(canon, &end, 10);

	if (s->type == SETTING_TYPE_MONEY && end != canon && *end == '\0')
		amount_format_plain(n, buf, len);
	else
		snprintf(buf, len, "%s", canon);
}

void
setting_show(const struct setting *s, const char *canon, char *buf, size_t len)
{
	struct setting_length l;
	char *end;
	long long n;

	if (canon == NULL)
		canon = s->def;
	switch (s->type) {
	case SETTING_TYPE_MONEY:
		n = strtoll(canon, &end, 10);
		if (end != canon && *end == '\0') {
			amount_format(n, buf, len);
			return;
		}
		break;
	case SETTING_TYPE_SECONDS:
	case SETTING_TYPE_COUNT:
		if (*s->unit != '\0') {
			snprintf(buf, len, "%s %s", canon, s->unit);
			return;
		}
		break;
	case SETTING_TYPE_LENGTH:
		/* older ledgers stored whole metres, with no unit */
		if (setting_length_parse(canon, INT64_MAX / 1000000000, &l) == 0) {
			setting_length_format(&l, buf, len);
			return;
		}
		break;
	default: break;
	}
	snprintf(buf, len, "%s", canon);
}

int
setting_is_unset(const struct setting *s, const char *canon)
{
	struct setting_length l;

	if (canon == NULL || *canon == '\0')
		return 1;
	if (s->type == SETTING_TYPE_MONEY)
		return strcmp(canon, "0") == 0;
	if (s->type == SETTING_TYPE_LENGTH)
		return setting_length_parse(canon, INT64_MAX / 1000000000, &l) == 0 && l.milli == 0;
	return 0;
}

/* A canonical whole number within s's range, or -1. */
static int64_t
setting_number(const struct setting *s, const char *canon)
{
	int64_t v;

	if (canon == NULL || setting_parse_count(canon, &v) != 0 || v < s->min || v > s->max)
		return -1;
	return v;
}

void
setting_apply_rules(struct rules_settings *r, const char *key, const char *canon)
{
	const struct setting *s = setting_find(key);
	int64_t v = s != NULL ? setting_number(s, canon) : -1;

	if (v < 0)
		return; /* not canonical: judged by what stood before */
	switch (s->id) {
	case SETTING_MIN_LAP: r->min_lap_ms = v * 1000; break;
	case SETTING_HOLDOFF: r->holdoff_ms = v * 1000; break;
	case SETTING_MAX_DONATION: r->max_donation_cents = v; break;
	case SETTING_UNDO_MINUTES: r->undo_ms = v * 60000; break;
	default: break;
	}
}

void
setting_rules_default(struct rules_settings *r)
{
	size_t i;

	memset(r, 0, sizeof *r);
	for (i = 0; i < nitems(setting_table); i++)
		setting_apply_rules(r, setting_table[i].key, setting_table[i].def);
}

/* ---- the reference table ---- */

static const char *
setting_type_word(enum setting_type t)
{
	switch (t) {
	case SETTING_TYPE_TEXT: return "text";
	case SETTING_TYPE_DATE: return "date";
	case SETTING_TYPE_MONEY: return "money";
	case SETTING_TYPE_SECONDS: return "seconds";
	case SETTING_TYPE_LENGTH: return "length";
	case SETTING_TYPE_ROLE: return "role";
	case SETTING_TYPE_EIN: return "EIN";
	case SETTING_TYPE_COUNT: return "number";
	case SETTING_TYPE_PAPER: return "paper";
	case SETTING_TYPE_ZONE: return "time zone";
	}
	return "?";
}

static void
setting_range(const struct setting *s, struct strbuf *b)
{
	char lo[32], hi[32];

	switch (s->type) {
	case SETTING_TYPE_TEXT:
		strbuf_printf(b, "%" PRId64 " to %" PRId64 " characters", s->min, s->max);
		break;
	case SETTING_TYPE_DATE: strbuf_puts(b, "2000-01-01 to 2099-12-31"); break;
	case SETTING_TYPE_MONEY:
		strbuf_printf(b, "%s to %s", amount_format(s->min, lo, sizeof lo),
		              amount_format(s->max, hi, sizeof hi));
		break;
	case SETTING_TYPE_SECONDS:
	case SETTING_TYPE_COUNT:
		strbuf_printf(b, "%" PRId64 " to %" PRId64 "%s%s", s->min, s->max,
		              *s->unit ? " " : "", s->unit);
		break;
	case SETTING_TYPE_LENGTH:
		strbuf_printf(b, "0, or 1 m to %" PRId64 " km, in m, km or mi", s->max / 1000);
		break;
	case SETTING_TYPE_ROLE:
		strbuf_printf(b, "`%s`, `%s`, `%s`", rules_role_name(RULES_ROLE_WELCOME),
		              rules_role_name(RULES_ROLE_LAP), rules_role_name(RULES_ROLE_BOTH));
		break;
	case SETTING_TYPE_EIN: strbuf_puts(b, "`NN-NNNNNNN` or empty"); break;
	case SETTING_TYPE_PAPER: strbuf_puts(b, "`58mm`, `80mm`, `letter`, `a4`"); break;
	case SETTING_TYPE_ZONE: strbuf_puts(b, "a tz database name, or empty"); break;
	}
}

char *
setting_markdown(void)
{
	struct strbuf b = STRBUF_INIT;
	char def[160];
	size_t i;

	strbuf_puts(&b,
	            "| key | type | range | default | on the kiosk | event pack | what it is |\n"
	            "|---|---|---|---|---|---|---|\n");
	for (i = 0; i < nitems(setting_table); i++) {
		const struct setting *s = &setting_table[i];

		strbuf_printf(&b, "| `%s` | %s | ", s->key, setting_type_word(s->type));
		setting_range(s, &b);
		if (s->id == SETTING_NAME || s->id == SETTING_CITY || s->id == SETTING_DATE)
			snprintf(def, sizeof def, "set by `init`");
		else if (*s->def == '\0')
			snprintf(def, sizeof def, "%s", s->empty != NULL ? s->empty : "empty");
		else {
			char shown[128];
			setting_show(s, s->def, shown, sizeof shown);
			snprintf(def, sizeof def, "`%s`", shown);
		}
		strbuf_printf(&b, " | %s | ", def);
		switch (s->kiosk) {
		case SETTING_KIOSK_FORM: strbuf_printf(&b, "Event settings: %s", s->label); break;
		case SETTING_KIOSK_MENU: strbuf_printf(&b, "Coordinator menu: %s", s->label); break;
		case SETTING_KIOSK_JOIN: strbuf_puts(&b, "joining an event"); break;
		}
		strbuf_printf(&b, " | %s | %s |\n", s->pack ? "carried" : "each station's own",
		              s->help);
	}
	return strbuf_take(&b);
}
