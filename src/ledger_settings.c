/* ledger_settings.c — see ledger_int.h. */
#include "ledger_int.h"

/* ---- settings ------------------------------------------------------------ */

/* Every key ledger_set accepts; canonical values are stored as text. */
static const struct ledger_setting ledger_settings[] = {
    {"name", LS_TEXT, 1, 100, "event name"},
    {"city", LS_TEXT, 1, 60, "city"},
    {"date", LS_DATE, 0, 0, "event date"},
    {"goal", LS_MONEY, 0, 100000000000, "fundraising goal"},
    {"lap-length", LS_METRES, 0, 100000, "lap length"},
    {"min-lap", LS_SECONDS, 0, 3600, "minimum lap time"},
    {"holdoff", LS_SECONDS, 0, 600, "scan hold-off"},
    {"max-donation", LS_MONEY, 100, 100000000, "largest donation"},
    {"org-name", LS_TEXT, 0, 120, "organisation's legal name"},
    {"org-ein", LS_EIN, 0, 0, "organisation's EIN"},
    {"premium-desc", LS_TEXT, 0, 60, "premium description"},
    {"premium-value", LS_MONEY, 0, 100000, "premium value"},
    {"role", LS_ROLE, 0, 0, "station role"},
    {"walker-base", LS_COUNT, 0, 900000, "first walker number of this station"},
    {"printer", LS_TEXT, 0, 127, "printer queue"},
    {"paper", LS_PAPER, 0, 0, "receipt paper"},
    {"undo-minutes", LS_COUNT, 0, 240, "minutes a volunteer may undo a lap or check-in"},
    {"lock-seconds", LS_SECONDS, 15, 3600, "coordinator lock after idle"},
};

const struct ledger_setting *
ledger_setting_find(const char *key)
{
	size_t i;

	for (i = 0; i < nitems(ledger_settings); i++)
		if (strcmp(ledger_settings[i].key, key) == 0)
			return &ledger_settings[i];
	return NULL;
}

static int
ledger_parse_count(const char *s, int64_t *v)
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

/* "400", "400m", "0.4km", "0.25mi", "0.25 mile", "2 miles" → metres, rounded:
 * at most 6 digits and 3 decimals, then a unit (case ignored) after optional
 * spaces; no sign, exponent, hex, inf or nan.  0 (not known) or 1 m to max.
 * Whole numbers only, in thousandths of the unit: nothing can overflow (a
 * double took "1e308km" and wrote INT64_MIN). */
static int
ledger_parse_metres(const char *s, int64_t max, int64_t *m)
{
	static const struct {
		const char *name;
		int64_t um; /* micrometres in one */
	} units[] = {{"", 1000000},      {"m", 1000000},       {"km", 1000000000},
	             {"mi", 1609344000}, {"mile", 1609344000}, {"miles", 1609344000}};
	int64_t milli = 0, scale = 100, v;
	size_t digits = 0, decimals = 0, i;
	const char *p = s;

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
	for (i = 0; i < nitems(units); i++)
		if (strcasecmp(p, units[i].name) == 0)
			break;
	if (i == nitems(units))
		return -1;
	/* at most 999999999 x 1609344000 < 2^63 */
	v = (milli * units[i].um + 500000000) / 1000000000;
	if ((milli != 0 && v < 1) || v > max)
		return -1;
	*m = v;
	return 0;
}

static int
ledger_days_in_month(int y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* The event's date: a real date written YYYY-MM-DD, from 2000-01-01 to
 * 2099-12-31.  A real date outside that (9999-12-31) is a mistyped year: it
 * is said to be out of range, not "not a date", and refused, because every
 * clock warning of the day is judged against the event's date. */
static int
ledger_parse_date(const char *t, const char *label, char **cause)
{
	int y, m, d;

	if (strlen(t) != 10 || strspn(t, "0123456789") != 4 || t[4] != '-' ||
	    strspn(t + 5, "0123456789") != 2 || t[7] != '-' || strspn(t + 8, "0123456789") != 2)
		goto bad;
	y = atoi(t);
	m = atoi(t + 5);
	d = atoi(t + 8);
	if (m < 1 || m > 12 || d < 1 || d > ledger_days_in_month(y, m))
		goto bad;
	if (y < 2000 || y > 2099 || stamp_parse_date(t) < 0)
		return util_fail(cause,
		                 "The %s %s is out of range: a walk's date is from 2000-01-01 to "
		                 "2099-12-31.",
		                 label, t);
	return 0;
bad:
	return util_fail(cause, "The %s \"%s\" is not a date written YYYY-MM-DD.", label, t);
}

int
ledger_setting_canon(const struct ledger_setting *s, const char *value, char **out, char **cause)
{
	int64_t v = 0;
	char *copy = xstrdup(value), *t = text_trim(copy);
	size_t n;
	int rc = -1;

	switch (s->type) {
	case LS_TEXT:
		n = text_length(t);
		if (text_check(t, s->label, cause) != 0)
			;
		else if ((int64_t)n < s->min)
			util_fail(cause, "The %s cannot be empty.", s->label);
		else if ((int64_t)n > s->max)
			util_fail(cause,
			          "The %s is too long (%zu characters; at most %" PRId64 ").",
			          s->label, n, s->max);
		else {
			*out = xstrdup(t);
			rc = 0;
		}
		break;
	case LS_DATE:
		if (ledger_parse_date(t, s->label, cause) == 0) {
			*out = xstrdup(t);
			rc = 0;
		}
		break;
	case LS_MONEY:
		if (strcmp(t, "0") == 0 || strcmp(t, "none") == 0 || *t == '\0')
			v = 0;
		else if (amount_parse(t, s->max, &v, cause) != 0)
			break;
		if (v < s->min) {
			util_fail(cause, "The %s must be at least $%" PRId64 ".%02" PRId64 ".",
			          s->label, s->min / 100, s->min % 100);
			break;
		}
		*out = xasprintf("%" PRId64, v);
		rc = 0;
		break;
	case LS_SECONDS:
		n = strlen(t);
		if (n > 0 && t[n - 1] == 's')
			t[n - 1] = '\0';
		if (ledger_parse_count(t, &v) != 0 || v < s->min || v > s->max)
			util_fail(cause,
			          "The %s must be a whole number of seconds from %" PRId64
			          " to %" PRId64 ".",
			          s->label, s->min, s->max);
		else {
			*out = xasprintf("%" PRId64, v);
			rc = 0;
		}
		break;
	case LS_METRES:
		if (ledger_parse_metres(t, s->max, &v) != 0)
			util_fail(cause,
			          "The %s \"%s\" is not a distance from 1 m to %" PRId64
			          " km: write 400, 400m, 0.4km or 0.25mi (0: not known).",
			          s->label, t, s->max / 1000);
		else {
			*out = xasprintf("%" PRId64, v);
			rc = 0;
		}
		break;
	case LS_ROLE:
		if (strcmp(t, "welcome") == 0 || strcmp(t, "lap") == 0 || strcmp(t, "both") == 0) {
			*out = xstrdup(t);
			rc = 0;
		} else
			util_fail(cause, "The station role must be welcome, lap or both.");
		break;
	case LS_EIN:
		if (*t == '\0' || (strlen(t) == 10 && t[2] == '-' && strspn(t, "0123456789") == 2 &&
		                   strspn(t + 3, "0123456789") == 7)) {
			*out = xstrdup(t);
			rc = 0;
		} else
			util_fail(cause, "The EIN must be written NN-NNNNNNN (e.g. 64-0123456).");
		break;
	case LS_PAPER:
		if (strcmp(t, "58mm") == 0 || strcmp(t, "80mm") == 0 || strcmp(t, "letter") == 0 ||
		    strcmp(t, "a4") == 0) {
			*out = xstrdup(t);
			rc = 0;
		} else
			util_fail(cause, "The paper must be 58mm, 80mm, letter or a4.");
		break;
	case LS_COUNT:
		if (ledger_parse_count(t, &v) != 0 || v < s->min || v > s->max)
			util_fail(cause,
			          "The %s must be a whole number from %" PRId64 " to %" PRId64 ".",
			          s->label, s->min, s->max);
		else {
			*out = xasprintf("%" PRId64, v);
			rc = 0;
		}
		break;
	}
	free(copy);
	return rc;
}

void
ledger_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* Fills l->ev from the settings table and the defaults. */
void
ledger_load_event(struct ledger *l)
{
	static const char sql[] = "SELECT key, value FROM settings";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	struct ledger_event *ev = &l->ev;
	char station[LEDGER_STATION_MAX + 1];

	memcpy(station, ev->station, sizeof station);
	memset(ev, 0, sizeof *ev);
	memcpy(ev->station, station, sizeof station);
	rules_settings_default(&ev->rules);
	ev->role = RULES_ROLE_BOTH;
	ev->lock_ms = LEDGER_DEFAULT_LOCK_MS;
	snprintf(ev->paper, sizeof ev->paper, "80mm");
	memcpy(ev->event_tag, l->badge.tag, sizeof ev->event_tag);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);
		int64_t n = sqlite3_column_int64(st, 1);

		if (strcmp(k, "name") == 0)
			ledger_copy(ev->name, sizeof ev->name, v);
		else if (strcmp(k, "city") == 0)
			ledger_copy(ev->city, sizeof ev->city, v);
		else if (strcmp(k, "date") == 0)
			ledger_copy(ev->date, sizeof ev->date, v);
		else if (strcmp(k, "goal") == 0)
			ev->goal_cents = n;
		else if (strcmp(k, "lap-length") == 0)
			ev->lap_m = n;
		else if (strcmp(k, "min-lap") == 0)
			ev->rules.min_lap_ms = n * 1000;
		else if (strcmp(k, "holdoff") == 0)
			ev->rules.holdoff_ms = n * 1000;
		else if (strcmp(k, "max-donation") == 0)
			ev->rules.max_donation_cents = n;
		else if (strcmp(k, "org-name") == 0)
			ledger_copy(ev->org_name, sizeof ev->org_name, v);
		else if (strcmp(k, "org-ein") == 0)
			ledger_copy(ev->org_ein, sizeof ev->org_ein, v);
		else if (strcmp(k, "premium-desc") == 0)
			ledger_copy(ev->premium_desc, sizeof ev->premium_desc, v);
		else if (strcmp(k, "premium-value") == 0)
			ev->premium_cents = n;
		else if (strcmp(k, "role") == 0)
			ev->role = strcmp(v, "welcome") == 0 ? RULES_ROLE_WELCOME
			           : strcmp(v, "lap") == 0   ? RULES_ROLE_LAP
			                                     : RULES_ROLE_BOTH;
		else if (strcmp(k, "tag") == 0)
			ledger_copy(ev->event_tag, sizeof ev->event_tag, v);
		else if (strcmp(k, "printer") == 0)
			ledger_copy(ev->printer, sizeof ev->printer, v);
		else if (strcmp(k, "paper") == 0)
			ledger_copy(ev->paper, sizeof ev->paper, v);
		else if (strcmp(k, "undo-minutes") == 0)
			ev->rules.undo_ms = n * 60000;
		else if (strcmp(k, "lock-seconds") == 0)
			ev->lock_ms = n * 1000;
	}
	if (st != NULL)
		sqlite3_reset(st);
}

/* Reads the head of the chain, the station, the badge key and the event. */
int
ledger_load(struct ledger *l, char **cause)
{
	static const char head[] =
	    "SELECT seq, hash, wall_ms FROM entries ORDER BY seq DESC LIMIT 1";
	static const char meta[] = "SELECT value FROM meta WHERE key = 'station'";
	static const char key[] = "SELECT value FROM secrets WHERE key = 'badge-key'";
	sqlite3_stmt *st;

	l->last_seq = 0;
	l->last_wall_ms = 0;
	memset(l->last_hash, 0, LEDGER_HASH_LEN);
	if ((st = ledger_stmt(l, head)) == NULL)
		return ledger_db_fail(l, cause, "the ledger's head");
	if (sqlite3_step(st) == SQLITE_ROW) {
		l->last_seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == LEDGER_HASH_LEN)
			memcpy(l->last_hash, sqlite3_column_blob(st, 1), LEDGER_HASH_LEN);
		l->last_wall_ms = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);

	l->ev.station[0] = '\0';
	if ((st = ledger_stmt(l, meta)) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW)
			ledger_copy(l->ev.station, sizeof l->ev.station,
			            (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	memset(&l->badge, 0, sizeof l->badge);
	if ((st = ledger_stmt(l, key)) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == BADGE_KEY_LEN)
			memcpy(l->badge.key, sqlite3_column_blob(st, 0), BADGE_KEY_LEN);
		sqlite3_reset(st);
	}
	l->has_event =
	    ledger_query_i(l, "SELECT COUNT(*) FROM entries WHERE kind = 'event'", 0, NULL, 0) > 0;
	ledger_load_event(l);
	memcpy(l->badge.tag, l->ev.event_tag, sizeof l->badge.tag);
	return 0;
}

int
ledger_setting_parse(const char *key, const char *value, char **canon, char **cause)
{
	const struct ledger_setting *s = ledger_setting_find(key);
	struct strbuf keys = STRBUF_INIT;
	size_t i;

	*canon = NULL;
	if (s != NULL)
		return ledger_setting_canon(s, value, canon, cause);
	for (i = 0; i < nitems(ledger_settings); i++)
		strbuf_printf(&keys, "%s%s", i ? ", " : "", ledger_settings[i].key);
	util_fail(cause, "There is no setting \"%s\". Settings: %s.", key, keys.s);
	strbuf_free(&keys);
	return -1;
}

int
ledger_set(struct ledger *l, const char *key, const char *value, const char *op, char **cause)
{
	struct strbuf data = STRBUF_INIT;
	char *canon = NULL;
	int rc = -1;

	if (ledger_setting_parse(key, value, &canon, cause) != 0)
		return -1;
	strbuf_puts(&data, "{\"key\":");
	strbuf_json(&data, key);
	strbuf_puts(&data, ",\"value\":");
	strbuf_json(&data, canon);
	strbuf_puts(&data, "}");
	rc = ledger_append(l, "settings", 0, 0, 0, data.s, op, NULL, cause);
	if (rc == 0)
		ledger_load_event(l);
	strbuf_free(&data);
	free(canon);
	return rc;
}
