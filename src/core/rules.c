/* rules.c — check-ins, laps, donations and clock sanity, decided from the
 * walker's state alone.  No I/O here: the ledger asks, then records. */
#include "rules.h"

#include <string.h>
#include <strings.h>

#include "amount.h"
#include "setting.h"
#include "strbuf.h"
#include "util.h"

#define RULES_DAY_MS       (24 * 60 * 60 * 1000LL)
#define RULES_CLOCK_SLACK  (60 * 1000LL)
#define RULES_CHECK_NO_MAX 20

static const char *const rules_methods[] = {"cash", "check", "other"};

void
rules_settings_default(struct rules_settings *s)
{
	setting_rules_default(s); /* the settings table's defaults */
}

/* Milliseconds from then to now, or -1 when they cannot be trusted: a
 * negative interval means a wrong clock (across boots) or a damaged record,
 * and a wrong clock must never stop a walker, so callers treat -1 as "long
 * enough". */
static int64_t
rules_since(const struct stamp *then, const struct stamp *now)
{
	int64_t ms;

	stamp_elapsed(then, now, &ms);
	return ms < 0 ? -1 : ms;
}

void
rules_lap_check(const struct rules_settings *s, const struct rules_walker *w,
                const struct stamp *now, struct rules_verdict *v)
{
	const struct stamp *from = NULL;
	int64_t ms;

	memset(v, 0, sizeof *v);
	v->since_ms = -1;
	if (w->has_last_scan) {
		ms = rules_since(&w->last_scan, now);
		if (ms >= 0 && ms < s->holdoff_ms) {
			v->outcome = RULES_ALREADY_COUNTED;
			v->since_ms = ms;
			return;
		}
	}
	/* A first lap is timed from the check-in: nobody walks a lap in 10 s. */
	if (w->has_last_lap)
		from = &w->last_lap;
	else if (w->has_last_scan)
		from = &w->last_scan;
	v->from_checkin = !w->has_last_lap;
	v->lap_number = w->laps + 1;
	if (from != NULL) {
		v->since_ms = rules_since(from, now);
		if (v->since_ms >= 0 && v->since_ms < s->min_lap_ms) {
			/* recorded all the same: a coordinator decides (lap review) */
			v->outcome = RULES_LAP_TOO_SOON;
			v->flagged = 1;
			v->record_lap = 1;
			v->record_checkin = !w->checked_in;
			return;
		}
	}
	v->outcome = RULES_LAP;
	v->record_lap = 1;
	v->record_checkin = !w->checked_in;
}

/* since_ms is -1 when there is nothing to measure from or the clock cannot
 * be trusted; lap_number is also set for RULES_LAP_TOO_SOON (the lap it
 * would have made). */
void
rules_scan(const struct rules_settings *s, const struct rules_walker *w, enum rules_role role,
           const struct stamp *now, struct rules_verdict *v)
{
	memset(v, 0, sizeof *v);
	v->since_ms = -1;

	if (role == RULES_ROLE_LAP) {
		rules_lap_check(s, w, now, v);
		return;
	}
	if (!w->checked_in) {
		v->outcome = RULES_CHECKIN;
		v->record_checkin = 1;
		return;
	}
	if (role == RULES_ROLE_BOTH) {
		rules_lap_check(s, w, now, v);
		return;
	}
	v->outcome = RULES_WELCOME_BACK;
	if (w->has_last_scan) {
		v->since_ms = rules_since(&w->last_scan, now);
		if (v->since_ms >= 0 && v->since_ms < s->holdoff_ms)
			v->outcome = RULES_ALREADY_COUNTED;
	}
}

void
rules_by_hand(const struct rules_settings *s, const struct rules_walker *w, int lap, int override,
              const struct stamp *now, struct rules_verdict *v)
{
	const struct stamp *from = w->has_last_lap    ? &w->last_lap
	                           : w->has_last_scan ? &w->last_scan
	                                              : NULL;

	memset(v, 0, sizeof *v);
	v->since_ms = -1;
	if (lap) {
		v->lap_number = w->laps + 1;
		v->from_checkin = !w->has_last_lap;
		if (from != NULL)
			v->since_ms = rules_since(from, now);
		if (v->since_ms >= 0 && v->since_ms < s->min_lap_ms) {
			if (!override) {
				v->outcome = RULES_LAP_TOO_SOON;
				return;
			}
			v->override = 1;
		}
		v->outcome = RULES_LAP;
		v->record_lap = 1;
		v->record_checkin = !w->checked_in;
		v->lap_number = w->laps + 1;
	} else if (w->checked_in) {
		v->outcome = RULES_WELCOME_BACK;
	} else {
		v->outcome = RULES_CHECKIN;
		v->record_checkin = 1;
	}
}

/* "40 s" up to two minutes, then "2 min 5 s".  Elapsed times round down and
 * limits up, so a refused lap never reads "60 s ago, need 60 s". */
static void
rules_duration(struct strbuf *b, int64_t ms, int up)
{
	int64_t sec = (ms + (up ? 999 : 0)) / 1000;

	if (sec < 120)
		strbuf_printf(b, "%lld s", (long long)sec);
	else if (sec % 60 == 0)
		strbuf_printf(b, "%lld min", (long long)(sec / 60));
	else
		strbuf_printf(b, "%lld min %lld s", (long long)(sec / 60), (long long)(sec % 60));
}

char *
rules_describe_limit(const struct rules_settings *s, const struct rules_verdict *v,
                     const char *name)
{
	struct strbuf b = STRBUF_INIT;
	int named = name != NULL && *name != '\0';

	switch (v->outcome) {
	case RULES_CHECKIN:
		if (named)
			strbuf_printf(&b, "Welcome, %s!", name);
		else
			strbuf_puts(&b, "Welcome!");
		break;
	case RULES_WELCOME_BACK:
		if (named)
			strbuf_printf(&b, "Welcome back, %s.", name);
		else
			strbuf_puts(&b, "Welcome back.");
		break;
	case RULES_LAP:
		if (named)
			strbuf_printf(&b, "%s \u2014 lap %lld", name, (long long)v->lap_number);
		else
			strbuf_printf(&b, "Lap %lld", (long long)v->lap_number);
		break;
	case RULES_ALREADY_COUNTED: strbuf_puts(&b, "Already counted."); break;
	case RULES_LAP_TOO_SOON:
		strbuf_puts(&b, "Lap too soon");
		if (v->since_ms >= 0) {
			strbuf_puts(&b, v->from_checkin ? ": the check-in was "
			                                : ": the last lap was ");
			rules_duration(&b, v->since_ms, 0);
			strbuf_puts(&b, " ago.");
		} else
			strbuf_puts(&b, ".");
		if (s != NULL) {
			strbuf_puts(&b, " Laps need at least ");
			rules_duration(&b, s->min_lap_ms, 1);
			strbuf_puts(&b, ".");
		}
		if (v->flagged)
			strbuf_puts(&b, " It is recorded for a coordinator to review.");
		break;
	}
	return strbuf_take(&b);
}

char *
rules_describe(const struct rules_verdict *v, const char *name)
{
	return rules_describe_limit(NULL, v, name);
}

static int
rules_check_number(const char *check_no, char **cause)
{
	size_t len, i, digits = 0;

	if (check_no == NULL || check_no[strspn(check_no, " ")] == '\0')
		return util_fail(cause, "A check needs its check number. Type the number printed "
		                        "at the top right of the check.");
	len = strlen(check_no);
	if (len > RULES_CHECK_NO_MAX)
		return util_fail(cause,
		                 "That check number is too long: a check number has at most %d "
		                 "characters. Type only the number printed on the check.",
		                 RULES_CHECK_NO_MAX);
	for (i = 0; i < len; i++) {
		if (check_no[i] >= '0' && check_no[i] <= '9')
			digits++;
		else if (check_no[i] != ' ' && check_no[i] != '-')
			break;
	}
	if (i != len || digits == 0)
		return util_fail(cause, "A check number is made of digits (spaces and hyphens are "
		                        "allowed). Type the number printed on the check.");
	return 0;
}

int
rules_donation(const struct rules_settings *s, int64_t cents, enum rules_method m,
               const char *check_no, char **cause)
{
	char max[64];

	if (cents <= 0)
		return util_fail(cause,
		                 "The amount must be more than $0.00. Type the amount given.");
	if (cents > s->max_donation_cents) {
		amount_format(s->max_donation_cents, max, sizeof max);
		return util_fail(cause,
		                 "The amount is more than %s, the most one donation can be. Check "
		                 "the amount; a coordinator can raise the limit.",
		                 max);
	}
	if ((size_t)m >= nitems(rules_methods))
		return util_fail(cause, "Choose how the donation was paid: cash, check or other.");
	if (m == RULES_CHECK)
		return rules_check_number(check_no, cause);
	return 0;
}

int
rules_annul(const struct rules_settings *s, const struct rules_annul *a, enum rules_who who,
            int *need_coordinator, char **cause)
{
	int coordinator_only;

	*need_coordinator = 0;
	if (strcmp(a->kind, "annul") == 0)
		return util_fail(cause, "That entry is itself an undo and cannot be undone; record "
		                        "the entry again instead.");
	if (strcmp(a->kind, "event") == 0)
		return util_fail(cause, "The event's own entry cannot be undone; change its "
		                        "settings instead.");
	if (strcmp(a->kind, "certify") == 0 || strcmp(a->kind, "certify-reopen") == 0)
		return util_fail(cause,
		                 "A certification of the laps is not undone: reopen the laps "
		                 "(watctl pledge reopen) or certify them again.");
	if (a->closed && !a->is_closed_seq)
		return util_fail(
		    cause, "The station is closed out: the count is done. A coordinator must "
		           "reopen the station (Close-out, Reopen) before anything is undone.");
	if (strcmp(a->kind, "reopen") == 0 && a->money_since)
		return util_fail(cause, "Money was recorded after this reopening: close out again "
		                        "with a new count instead of undoing it.");
	coordinator_only = !((strcmp(a->kind, "lap") == 0 || strcmp(a->kind, "checkin") == 0) &&
	                     a->age_known && a->age_ms >= 0 && a->age_ms <= s->undo_ms);
	if (who == RULES_COORDINATOR || !coordinator_only)
		return 0;
	*need_coordinator = 1;
	if (strcmp(a->kind, "lap") == 0 || strcmp(a->kind, "checkin") == 0)
		return util_fail(cause,
		                 "Only a coordinator can undo a %s older than %lld minutes: enter "
		                 "the PIN.",
		                 strcmp(a->kind, "lap") == 0 ? "lap" : "check-in",
		                 (long long)(s->undo_ms / 60000));
	if (strcmp(a->kind, "donation") == 0)
		return util_fail(cause, "Only a coordinator can undo a donation: enter the PIN.");
	return util_fail(cause, "Only a coordinator can undo this: enter the PIN.");
}

const char *
rules_method_name(enum rules_method m)
{
	if ((size_t)m >= nitems(rules_methods))
		return "unknown";
	return rules_methods[m];
}

static const char *const rules_roles[] = {
    [RULES_ROLE_WELCOME] = "welcome", [RULES_ROLE_LAP] = "lap", [RULES_ROLE_BOTH] = "both"};

const char *
rules_role_name(enum rules_role r)
{
	if ((size_t)r >= nitems(rules_roles))
		return "both";
	return rules_roles[r];
}

int
rules_role_parse(const char *text, enum rules_role *r)
{
	size_t i;

	for (i = 0; text != NULL && i < nitems(rules_roles); i++)
		if (strcmp(text, rules_roles[i]) == 0) {
			*r = (enum rules_role)i;
			return 0;
		}
	return -1;
}

int
rules_method_parse(const char *text, enum rules_method *m)
{
	size_t len;
	size_t i;

	if (text == NULL)
		return -1;
	text += strspn(text, " \t");
	len = strlen(text);
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	for (i = 0; i < nitems(rules_methods); i++) {
		if (strlen(rules_methods[i]) == len &&
		    strncasecmp(text, rules_methods[i], len) == 0) {
			*m = (enum rules_method)i;
			return 0;
		}
	}
	if (len == 6 && strncasecmp(text, "cheque", len) == 0) {
		*m = RULES_CHECK;
		return 0;
	}
	return -1;
}

const char *
rules_clock_doubt(int64_t now_wall_ms, int64_t event_day, int64_t last_wall_ms)
{
	if (event_day >= 0 && now_wall_ms < (event_day - 1) * RULES_DAY_MS)
		return "The clock shows a date before the event. Ask the coordinator to set the "
		       "date and time.";
	if (last_wall_ms > 0 && now_wall_ms < last_wall_ms - RULES_CLOCK_SLACK)
		return "The clock is earlier than the last entry recorded. Ask the coordinator to "
		       "set the date and time.";
	return NULL;
}
