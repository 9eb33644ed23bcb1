/* ledger_settings.c — see ledger_int.h. */
#include "ledger_int.h"

/* ---- settings (the table: setting.c) ------------------------------------ */

void
ledger_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* One canonical value into the event (older ledgers' values too: the lap
 * length in whole metres, with no unit). */
static void
ledger_event_put(struct ledger_event *ev, const struct setting *s, const char *v)
{
	int64_t n = strtoll(v, NULL, 10);
	enum rules_role role;

	setting_apply_rules(&ev->rules, s->key, v);
	switch (s->id) {
	case SETTING_NAME: ledger_copy(ev->name, sizeof ev->name, v); break;
	case SETTING_CITY: ledger_copy(ev->city, sizeof ev->city, v); break;
	case SETTING_DATE: ledger_copy(ev->date, sizeof ev->date, v); break;
	case SETTING_GOAL: ev->goal_cents = n; break;
	case SETTING_LAP_LENGTH:
		if (setting_length_parse(v, s->max, &ev->lap) != 0)
			memset(&ev->lap, 0, sizeof ev->lap);
		break;
	case SETTING_MIN_LAP:
	case SETTING_HOLDOFF:
	case SETTING_MAX_DONATION:
	case SETTING_UNDO_MINUTES: break; /* setting_apply_rules */
	case SETTING_ORG_NAME: ledger_copy(ev->org_name, sizeof ev->org_name, v); break;
	case SETTING_ORG_EIN: ledger_copy(ev->org_ein, sizeof ev->org_ein, v); break;
	case SETTING_PREMIUM_DESC: ledger_copy(ev->premium_desc, sizeof ev->premium_desc, v); break;
	case SETTING_PREMIUM_VALUE: ev->premium_cents = n; break;
	case SETTING_ROLE:
		ev->role = rules_role_parse(v, &role) == 0 ? role : RULES_ROLE_BOTH;
		break;
	case SETTING_WALKER_BASE: ev->walker_base = n; break;
	case SETTING_PRINTER: ledger_copy(ev->printer, sizeof ev->printer, v); break;
	case SETTING_PAPER: ledger_copy(ev->paper, sizeof ev->paper, v); break;
	case SETTING_LOCK_SECONDS: ev->lock_ms = n * 1000; break;
	case SETTING_TIME_ZONE: ledger_copy(ev->time_zone, sizeof ev->time_zone, v); break;
	case SETTING_WAIVER: ledger_copy(ev->waiver, sizeof ev->waiver, v); break;
	case SETTING_WAIVER_VERSION:
		ledger_copy(ev->waiver_version, sizeof ev->waiver_version, v);
		break;
	case SETTING_FULL_NAMES: ev->full_names = n != 0; break;
	case SETTING_PLEDGE_LAP_CAP: ev->pledge_lap_cap = n; break;
	case SETTING_PAY_ADDRESS: ledger_copy(ev->pay_address, sizeof ev->pay_address, v); break;
	case SETTING_COUNT: break;
	}
}

void
ledger_event_value(const struct ledger_event *ev, const struct setting *s, char *buf, size_t len)
{
	switch (s->id) {
	case SETTING_NAME: snprintf(buf, len, "%s", ev->name); break;
	case SETTING_CITY: snprintf(buf, len, "%s", ev->city); break;
	case SETTING_DATE: snprintf(buf, len, "%s", ev->date); break;
	case SETTING_GOAL: snprintf(buf, len, "%" PRId64, ev->goal_cents); break;
	case SETTING_LAP_LENGTH: setting_length_format(&ev->lap, buf, len); break;
	case SETTING_MIN_LAP: snprintf(buf, len, "%" PRId64, ev->rules.min_lap_ms / 1000); break;
	case SETTING_HOLDOFF: snprintf(buf, len, "%" PRId64, ev->rules.holdoff_ms / 1000); break;
	case SETTING_MAX_DONATION:
		snprintf(buf, len, "%" PRId64, ev->rules.max_donation_cents);
		break;
	case SETTING_ORG_NAME: snprintf(buf, len, "%s", ev->org_name); break;
	case SETTING_ORG_EIN: snprintf(buf, len, "%s", ev->org_ein); break;
	case SETTING_PREMIUM_DESC: snprintf(buf, len, "%s", ev->premium_desc); break;
	case SETTING_PREMIUM_VALUE: snprintf(buf, len, "%" PRId64, ev->premium_cents); break;
	case SETTING_ROLE: snprintf(buf, len, "%s", rules_role_name(ev->role)); break;
	case SETTING_WALKER_BASE: snprintf(buf, len, "%" PRId64, ev->walker_base); break;
	case SETTING_PRINTER: snprintf(buf, len, "%s", ev->printer); break;
	case SETTING_PAPER: snprintf(buf, len, "%s", ev->paper); break;
	case SETTING_UNDO_MINUTES: snprintf(buf, len, "%" PRId64, ev->rules.undo_ms / 60000); break;
	case SETTING_LOCK_SECONDS: snprintf(buf, len, "%" PRId64, ev->lock_ms / 1000); break;
	case SETTING_TIME_ZONE: snprintf(buf, len, "%s", ev->time_zone); break;
	case SETTING_WAIVER: snprintf(buf, len, "%s", ev->waiver); break;
	case SETTING_WAIVER_VERSION: snprintf(buf, len, "%s", ev->waiver_version); break;
	case SETTING_FULL_NAMES: snprintf(buf, len, "%d", ev->full_names); break;
	case SETTING_PLEDGE_LAP_CAP: snprintf(buf, len, "%" PRId64, ev->pledge_lap_cap); break;
	case SETTING_PAY_ADDRESS: snprintf(buf, len, "%s", ev->pay_address); break;
	case SETTING_COUNT: snprintf(buf, len, "%s", s->def); break;
	}
}

/* Fills l->ev from the table's defaults and the settings table. */
void
ledger_load_event(struct ledger *l)
{
	static const char sql[] = "SELECT key, value FROM settings";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	struct ledger_event *ev = &l->ev;
	char station[LEDGER_STATION_MAX + 1];
	const struct setting *s;
	size_t i;

	memcpy(station, ev->station, sizeof station);
	memset(ev, 0, sizeof *ev);
	memcpy(ev->station, station, sizeof station);
	for (i = 0; (s = setting_at(i)) != NULL; i++)
		ledger_event_put(ev, s, s->def);
	memcpy(ev->event_tag, l->badge.tag, sizeof ev->event_tag);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);

		if (k == NULL || v == NULL)
			continue;
		if ((s = setting_find(k)) != NULL)
			ledger_event_put(ev, s, v);
		else if (strcmp(k, "tag") == 0)
			ledger_copy(ev->event_tag, sizeof ev->event_tag, v);
		else if (strcmp(k, "training") == 0)
			ev->training = strcmp(v, "true") == 0;
	}
	if (st != NULL)
		sqlite3_reset(st);
	l->badge.training = ev->training;
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
	const struct setting *s = setting_find(key);
	struct strbuf keys = STRBUF_INIT;
	size_t i;

	*canon = NULL;
	if (s != NULL)
		return setting_canon(s, value, canon, cause);
	for (i = 0; (s = setting_at(i)) != NULL; i++)
		strbuf_printf(&keys, "%s%s", i ? ", " : "", s->key);
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
