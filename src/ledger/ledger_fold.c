/* ledger_fold.c — the derived tables (walkers, counters, settings,
 * annulled) kept as the fold (fold.h) says, entry by entry in the same
 * transaction as each entry, and rebuilt by folding every entry again
 * (the migration, `watctl rebuild`; `watctl check` compares the two).  SQL
 * here only stores and reads: what an entry means is fold.c's alone. */
#include "ledger_int.h"

#include <assert.h>

/* The counters table's keys and where each lands in struct ledger_totals. */
const struct ledger_counter ledger_counters[LEDGER_NCOUNTERS] = {
    {"walkers", offsetof(struct ledger_totals, walkers)},
    {"checked_in", offsetof(struct ledger_totals, checked_in)},
    {"laps", offsetof(struct ledger_totals, laps)},
    {"manual_laps", offsetof(struct ledger_totals, manual_laps)},
    {"flagged_laps", offsetof(struct ledger_totals, flagged_laps)},
    {"accepted_laps", offsetof(struct ledger_totals, accepted_laps)},
    {"rejected_laps", offsetof(struct ledger_totals, rejected_laps)},
    {"donations", offsetof(struct ledger_totals, donations)},
    {"cash", offsetof(struct ledger_totals, cash_cents)},
    {"check", offsetof(struct ledger_totals, check_cents)},
    {"other", offsetof(struct ledger_totals, other_cents)},
    {"checks", offsetof(struct ledger_totals, checks)},
    {"annulled", offsetof(struct ledger_totals, annulled)},
};

/* The same keys in the fold's figures, and the station's own state. */
static const struct {
	const char *key;
	size_t off;
} ledger_fig_keys[] =
    {
        {"walkers", offsetof(struct fold_figures, walkers)},
        {"checked_in", offsetof(struct fold_figures, checked_in)},
        {"laps", offsetof(struct fold_figures, laps)},
        {"manual_laps", offsetof(struct fold_figures, manual_laps)},
        {"flagged_laps", offsetof(struct fold_figures, flagged_laps)},
        {"accepted_laps", offsetof(struct fold_figures, accepted_laps)},
        {"rejected_laps", offsetof(struct fold_figures, rejected_laps)},
        {"donations", offsetof(struct fold_figures, donations)},
        {"cash", offsetof(struct fold_figures, cash_cents)},
        {"check", offsetof(struct fold_figures, check_cents)},
        {"other", offsetof(struct fold_figures, other_cents)},
        {"checks", offsetof(struct fold_figures, checks)},
        {"annulled", offsetof(struct fold_figures, annulled)},
},
  ledger_station_keys[] = {
      {"closed_seq", offsetof(struct fold_station, closed_seq)},
      {"export_n", offsetof(struct fold_station, export_n)},
      {"export_seq", offsetof(struct fold_station, export_seq)},
};

#define LEDGER_FOLD_COLS                                                                           \
	"id, name, team, email, phone, ext_id, reg_seq, active, checkin_seq, laps, manual_laps, "  \
	"flagged_laps, donations, checks, cash, check_cents, other, scan_wall, scan_mono, "        \
	"scan_boot, lap_wall, lap_mono, lap_boot, accepted_laps, rejected_laps"

static char *
ledger_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

int
ledger_walker_load(struct ledger *l, uint32_t id, struct fold_walker *w)
{
	static const char sql[] = "SELECT " LEDGER_FOLD_COLS " FROM walkers WHERE id = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int found = 0;

	fold_walker_init(w, id);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		w->name = ledger_col_text(st, 1);
		w->team = ledger_col_text(st, 2);
		w->email = ledger_col_text(st, 3);
		w->phone = ledger_col_text(st, 4);
		w->ext_id = ledger_col_text(st, 5);
		w->reg_seq = sqlite3_column_int64(st, 6);
		w->active = sqlite3_column_int64(st, 7) != 0;
		w->checkin_seq = sqlite3_column_int64(st, 8);
		w->laps = sqlite3_column_int64(st, 9);
		w->manual_laps = sqlite3_column_int64(st, 10);
		w->flagged_laps = sqlite3_column_int64(st, 11);
		w->donations = sqlite3_column_int64(st, 12);
		w->checks = sqlite3_column_int64(st, 13);
		w->cash_cents = sqlite3_column_int64(st, 14);
		w->check_cents = sqlite3_column_int64(st, 15);
		w->other_cents = sqlite3_column_int64(st, 16);
		if ((w->has_scan = sqlite3_column_type(st, 17) != SQLITE_NULL)) {
			w->last_scan.wall_ms = sqlite3_column_int64(st, 17);
			w->last_scan.mono_ms = sqlite3_column_int64(st, 18);
			ledger_copy(w->last_scan.boot, sizeof w->last_scan.boot,
			            (const char *)sqlite3_column_text(st, 19));
		}
		if ((w->has_lap = sqlite3_column_type(st, 20) != SQLITE_NULL)) {
			w->last_lap.wall_ms = sqlite3_column_int64(st, 20);
			w->last_lap.mono_ms = sqlite3_column_int64(st, 21);
			ledger_copy(w->last_lap.boot, sizeof w->last_lap.boot,
			            (const char *)sqlite3_column_text(st, 22));
		}
		w->accepted_laps = sqlite3_column_int64(st, 23);
		w->rejected_laps = sqlite3_column_int64(st, 24);
	}
	sqlite3_reset(st);
	return found;
}

static int
ledger_walker_store(struct ledger *l, const struct fold_walker *w)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO walkers(" LEDGER_FOLD_COLS
	    ", fold, raised) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
	    "?22, ?23, ?24, ?25, ?26, ?27)";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	char *key, *fold;
	int rc;

	if (st == NULL)
		return -1;
	/* the search key: name, team, email and external id, folded (text_fold) */
	key = xasprintf("%s %s %s %s", w->name ? w->name : "", w->team ? w->team : "",
	                w->email ? w->email : "", w->ext_id ? w->ext_id : "");
	fold = text_fold(key);
	sqlite3_bind_int64(st, 1, w->id);
	ledger_bind_text(st, 2, w->name);
	ledger_bind_text(st, 3, w->team);
	ledger_bind_text(st, 4, w->email);
	ledger_bind_text(st, 5, w->phone);
	ledger_bind_text(st, 6, w->ext_id);
	sqlite3_bind_int64(st, 7, w->reg_seq);
	sqlite3_bind_int64(st, 8, w->active);
	sqlite3_bind_int64(st, 9, w->checkin_seq);
	sqlite3_bind_int64(st, 10, w->laps);
	sqlite3_bind_int64(st, 11, w->manual_laps);
	sqlite3_bind_int64(st, 12, w->flagged_laps);
	sqlite3_bind_int64(st, 13, w->donations);
	sqlite3_bind_int64(st, 14, w->checks);
	sqlite3_bind_int64(st, 15, w->cash_cents);
	sqlite3_bind_int64(st, 16, w->check_cents);
	sqlite3_bind_int64(st, 17, w->other_cents);
	if (w->has_scan) {
		sqlite3_bind_int64(st, 18, w->last_scan.wall_ms);
		sqlite3_bind_int64(st, 19, w->last_scan.mono_ms);
		sqlite3_bind_text(st, 20, w->last_scan.boot, -1, SQLITE_TRANSIENT);
	}
	if (w->has_lap) {
		sqlite3_bind_int64(st, 21, w->last_lap.wall_ms);
		sqlite3_bind_int64(st, 22, w->last_lap.mono_ms);
		sqlite3_bind_text(st, 23, w->last_lap.boot, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(st, 24, w->accepted_laps);
	sqlite3_bind_int64(st, 25, w->rejected_laps);
	sqlite3_bind_text(st, 26, fold, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 27, w->cash_cents + w->check_cents + w->other_cents);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	free(fold);
	free(key);
	return rc;
}

static int
ledger_counter_set(struct ledger *l, const char *key, int64_t value, int add)
{
	static const char set[] = "INSERT INTO counters(key, value) VALUES (?1, ?2) ON "
	                          "CONFLICT(key) DO UPDATE SET value = excluded.value";
	static const char plus[] = "INSERT INTO counters(key, value) VALUES (?1, ?2) ON "
	                           "CONFLICT(key) DO UPDATE SET value = value + excluded.value";
	sqlite3_stmt *st = ledger_stmt(l, add ? plus : set);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return rc;
}

/* The station's figures change by d (add), or are d (set). */
static int
ledger_figures_store(struct ledger *l, const struct fold_figures *d, int add)
{
	size_t i;

	for (i = 0; i < nitems(ledger_fig_keys); i++) {
		int64_t v = *(const int64_t *)((const char *)d + ledger_fig_keys[i].off);

		if ((!add || v != 0) && ledger_counter_set(l, ledger_fig_keys[i].key, v, add) != 0)
			return -1;
	}
	return 0;
}

static void
ledger_station_load(struct ledger *l, struct fold_station *s)
{
	size_t i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < nitems(ledger_station_keys); i++) {
		static const char sql[] = "SELECT value FROM counters WHERE key = ?1";
		sqlite3_stmt *st = ledger_stmt(l, sql);

		if (st == NULL)
			continue;
		sqlite3_bind_text(st, 1, ledger_station_keys[i].key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*(int64_t *)((char *)s + ledger_station_keys[i].off) =
			    sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	s->annulled =
	    ledger_query_i(l, "SELECT value FROM counters WHERE key = 'annulled'", 0, NULL, 0);
}

static int
ledger_station_store(struct ledger *l, const struct fold_station *s)
{
	size_t i;

	for (i = 0; i < nitems(ledger_station_keys); i++)
		if (ledger_counter_set(
		        l, ledger_station_keys[i].key,
		        *(const int64_t *)((const char *)s + ledger_station_keys[i].off), 0) != 0)
			return -1;
	return 0;
}

/* A stored line decoded: an entry the ledger holds but cannot read (an
 * unknown kind, a field of the wrong type) stops everything, naming it. */
static int
ledger_decode(const char *line, struct entry *e, char **cause)
{
	char *why = NULL;

	if (line == NULL)
		return util_fail(cause, "An entry of the ledger has no text.");
	if (entry_decode(line, strlen(line), e, &why) != 0) {
		util_fail(cause, "The ledger cannot be read: %s", why);
		free(why);
		return -1;
	}
	return 0;
}

/* Entries a query selects (?1 = arg), in order, each with the entry that
 * annulled it: for each, fn(e, annulled_by, arg).  Not cached: fn may use
 * cached statements. */
static int
ledger_fold_each(struct ledger *l, const char *sql, int64_t arg,
                 int (*fn)(struct ledger *, const struct entry *, int64_t, void *), void *fnarg,
                 char **cause)
{
	sqlite3_stmt *st = NULL;
	struct entry e;
	int step, rc = -1;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, "the figures");
	sqlite3_bind_int64(st, 1, arg);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (ledger_decode((const char *)sqlite3_column_text(st, 0), &e, cause) != 0)
			goto end;
		if (fn(l, &e, sqlite3_column_int64(st, 1), fnarg) != 0) {
			ledger_db_fail(l, cause, "the figures");
			goto end;
		}
	}
	if (step != SQLITE_DONE) {
		ledger_db_fail(l, cause, "the figures");
		goto end;
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

/* ---- the settings ---- */

static int
ledger_setting_put(struct ledger *l, const char *key, const struct json_value *v)
{
	static const char sql[] = "INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	char *value = json_str(v);
	int rc;

	if (st == NULL || value == NULL) {
		free(value);
		return st == NULL ? -1 : 0;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	free(value);
	return rc;
}

/* The event's fields, and a settings entry's key and value, into the
 * settings table (the last one in force for each key counts). */
static int
ledger_settings_apply(struct ledger *l, const struct entry *e, int64_t annulled_by, void *arg)
{
	const char *it = NULL;
	struct json_value k, v;
	char *key;
	int rc = 0;

	(void)arg;
	if (annulled_by != 0)
		return 0;
	if (e->kind == ENTRY_EVENT) {
		while (rc == 0 && json_next(&e->data, &it, &k, &v)) {
			key = json_str(&k);
			rc = ledger_setting_put(l, key, &v);
			free(key);
		}
		return rc;
	}
	if (e->kind != ENTRY_SETTINGS)
		return 0;
	k = entry_member(e, "key");
	v = entry_member(e, "value");
	key = json_str(&k);
	rc = ledger_setting_put(l, key, &v);
	free(key);
	return rc;
}

static int
ledger_settings_refold(struct ledger *l, char **cause)
{
	static const char sql[] =
	    "SELECT e.line, a.by_seq FROM entries e LEFT JOIN annulled a ON "
	    "a.seq = e.seq WHERE e.kind IN ('event', 'settings') ORDER BY e.seq";

	if (ledger_exec_i(l, "DELETE FROM settings", 0, NULL) != 0)
		return ledger_db_fail(l, cause, "the settings");
	if (ledger_fold_each(l, sql, 0, ledger_settings_apply, NULL, cause) != 0)
		return -1;
	ledger_load_event(l);
	return 0;
}

/* ---- the station's state and its walkers, refolded ---- */

static int
ledger_station_step(struct ledger *l, const struct entry *e, int64_t annulled_by, void *arg)
{
	(void)l;
	if (annulled_by == 0)
		fold_station_apply(arg, e);
	return 0;
}

/* closed_seq and the export from the station's entries in force. */
static int
ledger_station_refold(struct ledger *l, char **cause)
{
	static const char sql[] = "SELECT e.line, a.by_seq FROM entries e LEFT JOIN annulled a ON "
	                          "a.seq = e.seq WHERE e.kind IN ('closeout', 'reopen', 'export') "
	                          "ORDER BY e.seq";
	struct fold_station s, again;

	ledger_station_load(l, &s);
	memset(&again, 0, sizeof again);
	if (ledger_fold_each(l, sql, 0, ledger_station_step, &again, cause) != 0)
		return -1;
	again.annulled = s.annulled;
	return ledger_station_store(l, &again) != 0 ? ledger_db_fail(l, cause, "the figures") : 0;
}

static int
ledger_walker_refold_step(struct ledger *l, const struct entry *e, int64_t annulled_by, void *arg)
{
	fold_walker_step(arg, e, annulled_by, &l->ev.rules);
	return 0;
}

/* Walker id again from their entries in force; the station's figures follow. */
static int
ledger_walker_refold(struct ledger *l, uint32_t id, char **cause)
{
	static const char sql[] = "SELECT e.line, a.by_seq FROM entries e LEFT JOIN annulled a ON "
	                          "a.seq = e.seq WHERE e.walker = ?1 ORDER BY e.seq";
	struct fold_walker before, w;
	struct fold_figures d;
	int rc = -1;

	memset(&d, 0, sizeof d);
	fold_walker_init(&w, id);
	if (ledger_walker_load(l, id, &before) < 0) {
		ledger_db_fail(l, cause, "the figures");
		goto end;
	}
	if (ledger_fold_each(l, sql, id, ledger_walker_refold_step, &w, cause) != 0)
		goto end;
	fold_figures_walker(&d, &before, -1);
	fold_figures_walker(&d, &w, 1);
	if (ledger_walker_store(l, &w) != 0 || ledger_figures_store(l, &d, 1) != 0) {
		ledger_db_fail(l, cause, "the figures");
		goto end;
	}
	rc = 0;
end:
	fold_walker_clear(&before);
	fold_walker_clear(&w);
	return rc;
}

int
ledger_walker_fold(struct ledger *l, uint32_t id, struct fold_walker *w, char **cause)
{
	static const char sql[] = "SELECT e.line, a.by_seq FROM entries e LEFT JOIN annulled a ON "
	                          "a.seq = e.seq WHERE e.walker = ?1 ORDER BY e.seq";

	fold_walker_init(w, id);
	return ledger_fold_each(l, sql, id, ledger_walker_refold_step, w, cause);
}

/* ---- one entry, as it is appended ---- */

/* A walker's entry: the walker and the station's figures move together. */
static int
ledger_apply_walker(struct ledger *l, const struct entry *e)
{
	struct fold_walker w;
	struct fold_figures d;
	int rc = -1;

	memset(&d, 0, sizeof d);
	if (ledger_walker_load(l, e->walker, &w) < 0)
		goto end;
	fold_figures_walker(&d, &w, -1);
	fold_walker_step(&w, e, 0, &l->ev.rules);
	fold_figures_walker(&d, &w, 1);
	if (ledger_walker_store(l, &w) != 0 || ledger_figures_store(l, &d, 1) != 0)
		goto end;
	rc = 0;
end:
	fold_walker_clear(&w);
	return rc;
}

/* The settings the laps are judged by changed: every walker is refolded. */
static int ledger_refold_walkers(struct ledger *l, char **cause);

static int
ledger_apply_setting(struct ledger *l, const struct entry *e, char **cause)
{
	struct json_value k = entry_member(e, "key");
	char *key = json_str(&k);
	int judges = key != NULL && fold_setting_judges(key), rc;

	free(key);
	if (ledger_settings_apply(l, e, 0, NULL) != 0)
		return ledger_db_fail(l, cause, "the settings");
	ledger_load_event(l);
	rc = judges ? ledger_refold_walkers(l, cause) : 0;
	return rc;
}

/* An annulment: its target is taken out as if it had never been. */
static int
ledger_apply_undo(struct ledger *l, const struct entry *e, char **cause)
{
	static const char sql[] = "SELECT line FROM entries WHERE seq = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	struct fold_figures d;
	struct entry t;
	char *line = NULL;
	int64_t args[2] = {e->ref.seq, e->seq};
	int rc = -1;

	assert(!e->ref.other);
	if (st == NULL)
		return ledger_db_fail(l, cause, "the annulment");
	sqlite3_bind_int64(st, 1, e->ref.seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		line = ledger_col_text(st, 0);
	sqlite3_reset(st);
	if (ledger_decode(line, &t, cause) != 0)
		goto end;
	memset(&d, 0, sizeof d);
	d.annulled = 1;
	if (ledger_exec_i(l, "INSERT INTO annulled(seq, by_seq) VALUES (?1, ?2)", 2, args) != 0 ||
	    ledger_figures_store(l, &d, 1) != 0) {
		ledger_db_fail(l, cause, "the annulment");
		goto end;
	}
	switch (entry_kind(t.kind)->scope) {
	case ENTRY_WALKER_SCOPE: rc = ledger_walker_refold(l, t.walker, cause); break;
	case ENTRY_STATION:
		if (t.kind == ENTRY_EVENT || t.kind == ENTRY_SETTINGS) {
			struct json_value k = entry_member(&t, "key");
			char *key = json_str(&k);
			int judges = key != NULL && fold_setting_judges(key);
			free(key);
			rc = ledger_settings_refold(l, cause);
			if (rc == 0 && judges)
				rc = ledger_refold_walkers(l, cause);
		} else {
			rc = ledger_station_refold(l, cause);
		}
		break;
	default: rc = 0; break; /* a record: no figure */
	}
end:
	free(line);
	return rc;
}

int
ledger_apply(struct ledger *l, const struct entry *ep, char **cause)
{
	const struct entry e = *ep;
	struct fold_station s;

	if (e.walker != 0 && entry_kind(e.kind)->scope != ENTRY_WALKER_SCOPE &&
	    e.kind != ENTRY_ANNUL) {
		/* a walker only named (a print of their receipt) still is one */
		struct fold_walker w;
		int found = ledger_walker_load(l, e.walker, &w);
		int rc = found == 0 ? ledger_walker_store(l, &w) : found < 0 ? -1 : 0;
		fold_walker_clear(&w);
		if (rc != 0)
			return ledger_db_fail(l, cause, "the entry");
	}
	switch (entry_kind(e.kind)->scope) {
	case ENTRY_WALKER_SCOPE:
		/* a review needs the walker's flagged laps, which only a fold of
		 * their entries knows (the row keeps the counts) */
		if (e.kind == ENTRY_LAP_REVIEW)
			return ledger_walker_refold(l, e.walker, cause);
		return ledger_apply_walker(l, &e) != 0 ? ledger_db_fail(l, cause, "the entry") : 0;
	case ENTRY_UNDO: return ledger_apply_undo(l, &e, cause);
	case ENTRY_STATION:
		if (e.kind == ENTRY_EVENT || e.kind == ENTRY_SETTINGS)
			return ledger_apply_setting(l, &e, cause);
		ledger_station_load(l, &s);
		fold_station_apply(&s, &e);
		return ledger_station_store(l, &s) != 0 ? ledger_db_fail(l, cause, "the entry") : 0;
	default: return 0;
	}
}

/* ---- every entry again ---- */

static int
ledger_rebuild_step(struct ledger *l, const struct entry *e, int64_t annulled_by, void *arg)
{
	(void)l;
	fold_step(arg, e, annulled_by);
	return 0;
}

/* The annulled table from the annulments, each checked: an earlier entry of
 * this ledger, one that may be annulled, annulled once. */
static int
ledger_annulled_rebuild(struct ledger *l, char **cause)
{
	static const char sql[] = "SELECT a.seq, a.ref, t.kind FROM entries a LEFT JOIN entries t "
	                          "ON t.seq = a.ref WHERE a.kind = 'annul' ORDER BY a.seq";
	sqlite3_stmt *st = NULL;
	enum entry_kind k;
	int step, rc = -1;

	if (ledger_exec_i(l, "DELETE FROM annulled", 0, NULL) != 0 ||
	    sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, "the figures");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t args[2] = {sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0)};
		const char *kind = (const char *)sqlite3_column_text(st, 2);

		struct entry_ref ref = {.seq = args[0]};
		char *why = NULL;

		if (fold_annul_check(
		        args[1], &ref,
		        kind != NULL && entry_kind_find(kind, strlen(kind), &k) == 0 ? entry_kind(k)
		                                                                     : NULL,
		        ledger_query_i(l, "SELECT COUNT(*) FROM annulled WHERE seq = ?1", 1, args,
		                       0) > 0,
		        &why) != 0) {
			util_fail(cause, "The ledger cannot be read: %s", why);
			free(why);
			goto end;
		}
		if (ledger_exec_i(l, "INSERT INTO annulled(seq, by_seq) VALUES (?1, ?2)", 2,
		                  args) != 0) {
			ledger_db_fail(l, cause, "the figures");
			goto end;
		}
	}
	if (step != SQLITE_DONE) {
		ledger_db_fail(l, cause, "the figures");
		goto end;
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

/* The walkers and the figures from every entry, by the settings as they
 * stand (after ledger_settings_refold). */
static int
ledger_refold_walkers(struct ledger *l, char **cause)
{
	static const char sql[] = "SELECT e.line, a.by_seq FROM entries e LEFT JOIN annulled a ON "
	                          "a.seq = e.seq ORDER BY e.seq";
	struct fold *f = fold_new(&l->ev.rules);
	const struct fold_walker *ws;
	size_t i, n;
	int rc = -1;

	if (ledger_fold_each(l, sql, 0, ledger_rebuild_step, f, cause) != 0)
		goto end;
	fold_finish(f);
	if (ledger_exec_i(l, "DELETE FROM walkers", 0, NULL) != 0) {
		ledger_db_fail(l, cause, "the figures");
		goto end;
	}
	ws = fold_walkers(f, &n);
	for (i = 0; i < n; i++) {
		if (ledger_walker_store(l, &ws[i]) != 0) {
			ledger_db_fail(l, cause, "the figures");
			goto end;
		}
	}
	if (ledger_figures_store(l, fold_figures(f), 0) != 0 ||
	    ledger_station_store(l, fold_station(f)) != 0) {
		ledger_db_fail(l, cause, "the figures");
		goto end;
	}
	rc = 0;
end:
	fold_free(f);
	return rc;
}

/* Empties the derived tables and folds every entry again; inside a
 * transaction. */
int
ledger_rebuild_locked(struct ledger *l, char **cause)
{
	if (ledger_exec_i(l, "DELETE FROM counters", 0, NULL) != 0)
		return ledger_db_fail(l, cause, "the figures");
	if (ledger_annulled_rebuild(l, cause) != 0 || ledger_settings_refold(l, cause) != 0 ||
	    ledger_peer_index_rebuild(l, cause) != 0)
		return -1;
	return ledger_refold_walkers(l, cause);
}
