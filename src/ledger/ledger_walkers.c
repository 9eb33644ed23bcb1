/* ledger_walkers.c — see ledger_int.h. */
#include "ledger_int.h"

/* ---- walkers -------------------------------------------------------------- */

int
ledger_check_fields(const struct ledger_field *f, size_t n, char **cause)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i].value == NULL)
			continue;
		if (text_check(f[i].value, f[i].label, cause) != 0)
			return -1;
		if (text_length(f[i].value) > f[i].max)
			return util_fail(cause, "The %s is too long (at most %zu characters).",
			                 f[i].label, f[i].max);
	}
	return 0;
}

static void
ledger_fields_json(struct strbuf *b, const struct ledger_field *f, size_t n, const char *extra)
{
	size_t i;
	int first = 1;

	strbuf_puts(b, "{");
	for (i = 0; i < n; i++) {
		if (f[i].value == NULL)
			continue;
		strbuf_printf(b, "%s\"%s\":", first ? "" : ",", f[i].key);
		strbuf_json(b, f[i].value);
		first = 0;
	}
	if (extra != NULL)
		strbuf_printf(b, "%s%s", first ? "" : ",", extra);
	strbuf_puts(b, "}");
}

/* A trimmed copy with line breaks and tabs turned into spaces, or NULL when
 * nothing is left (a CSV field may hold a newline; a name may not). */
char *
ledger_clean(const char *s)
{
	char *c, *p;

	if (s == NULL)
		return NULL;
	c = xstrdup(s);
	for (p = c; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	text_trim(c);
	if (*c == '\0') {
		free(c);
		return NULL;
	}
	return c;
}

/* The next walker number of this station: above walker-base and every
 * walker registered here, and never one already seen on a badge. */
static uint32_t
ledger_next_walker(struct ledger *l)
{
	int64_t base = ledger_query_i(
	    l, "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'walker-base'", 0, NULL, 0);
	int64_t id = ledger_query_i(l, "SELECT MAX(id) FROM walkers WHERE reg_seq > 0", 0, NULL, 0);

	if (id < base)
		id = base;
	do
		id++;
	while (ledger_query_i(l, "SELECT COUNT(*) FROM walkers WHERE id = ?1", 1, &id, 0) > 0);
	return (uint32_t)id;
}

static int
ledger_put_walker(struct ledger *l, const char *name, const char *team, const char *email,
                  const char *phone, const char *ext_id, const char *source, const char *op,
                  uint32_t *id_out, char **cause)
{
	char *n = ledger_clean(name), *t = ledger_clean(team), *e = ledger_clean(email);
	char *p = ledger_clean(phone), *x = ledger_clean(ext_id);
	struct ledger_field f[] = {
	    {"name", n, ROSTER_MAX_NAME, "name"},
	    {"team", t, ROSTER_MAX_TEAM, "team"},
	    {"email", e, ROSTER_MAX_EMAIL, "email"},
	    {"phone", p, ROSTER_MAX_PHONE, "phone"},
	    {"ext_id", x, ROSTER_MAX_EXTID, "registration id"},
	};
	struct strbuf data = STRBUF_INIT;
	char extra[64];
	uint32_t id;
	int rc = -1;

	if (n == NULL) {
		util_fail(cause, "A walker needs a name.");
		goto end;
	}
	if (ledger_check_fields(f, nitems(f), cause) != 0)
		goto end;
	if (e != NULL && strchr(e, '@') == NULL) {
		util_fail(cause, "The email \"%s\" has no '@'.", e);
		goto end;
	}
	if ((id = ledger_next_walker(l)) > BADGE_MAX_WALKER) {
		util_fail(cause, "This station has run out of walker numbers.");
		goto end;
	}
	snprintf(extra, sizeof extra, "\"source\":\"%s\"", source);
	ledger_fields_json(&data, f, nitems(f), extra);
	if (ledger_put(l, "walker", id, 0, 0, data.s, op, NULL, cause) != 0)
		goto end;
	if (id_out != NULL)
		*id_out = id;
	rc = 0;
end:
	strbuf_free(&data);
	free(n);
	free(t);
	free(e);
	free(p);
	free(x);
	return rc;
}

int
ledger_walker_add(struct ledger *l, const char *name, const char *team, const char *email,
                  const char *phone, const char *ext_id, const char *op, uint32_t *id, char **cause)
{
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ext_id != NULL && *ext_id != '\0') {
		static const char sql[] = "SELECT id FROM walkers WHERE ext_id = ?1 AND active";
		sqlite3_stmt *st = ledger_stmt(l, sql);
		int64_t other = 0;

		if (st != NULL) {
			sqlite3_bind_text(st, 1, ext_id, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(st) == SQLITE_ROW)
				other = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		if (other != 0)
			return util_fail(cause, "Registration id %s is already walker %" PRId64 ".",
			                 ext_id, other);
	}
	if (ledger_tx_begin(l, cause, "the walker") != 0)
		return -1;
	if (ledger_put_walker(l, name, team, email, phone, ext_id, "walk-up", op, id, cause) != 0) {
		ledger_tx_rollback(l);
		return -1;
	}
	return ledger_tx_commit(l, cause, "the walker");
}

/* The waiver entry (a walker-update holding only waiver and waiver_by), in
 * the transaction open; nothing when the walker's agreement to this version
 * is already in force (a roster imported again adds nothing). */
static int
ledger_put_waiver(struct ledger *l, uint32_t id, const char *version, const char *by,
                  const char *op, char **cause)
{
	static const char sql[] =
	    "SELECT 1 FROM entries WHERE walker = ?1 AND kind = 'walker-update' AND "
	    "instr(line, ?2) > 0 AND seq NOT IN (SELECT seq FROM annulled)";
	struct strbuf needle = STRBUF_INIT, data = STRBUF_INIT;
	char *v = ledger_clean(version), *b = ledger_clean(by);
	sqlite3_stmt *st;
	int rc = -1, found = 0;

	if (v == NULL || b == NULL) {
		util_fail(cause, "A waiver needs its version and who agreed.");
		goto end;
	}
	if (text_check(v, "waiver version", cause) != 0 || text_check(b, "name", cause) != 0)
		goto end;
	if (text_length(v) > 20 || text_length(b) > ROSTER_MAX_NAME + 10) {
		util_fail(cause, "The waiver's version or the name of who agreed is too long.");
		goto end;
	}
	strbuf_puts(&needle, "\"waiver\":");
	strbuf_json(&needle, v);
	if ((st = ledger_stmt(l, sql)) == NULL) {
		ledger_db_fail(l, cause, "the waiver");
		goto end;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, needle.s, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (found) {
		rc = 0;
		goto end;
	}
	strbuf_puts(&data, "{");
	strbuf_puts(&data, needle.s);
	strbuf_puts(&data, ",\"waiver_by\":");
	strbuf_json(&data, b);
	strbuf_puts(&data, "}");
	rc = ledger_put(l, "walker-update", id, 0, 0, data.s, op, NULL, cause);
end:
	strbuf_free(&needle);
	strbuf_free(&data);
	free(v);
	free(b);
	return rc;
}

int
ledger_walker_waiver(struct ledger *l, uint32_t id, const char *version, const char *by,
                     const char *op, char **cause)
{
	struct ledger_walker w;

	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_walker_get(l, id, &w, cause) != 0)
		return -1;
	ledger_walker_clear(&w);
	if (ledger_tx_begin(l, cause, "the waiver") != 0)
		return -1;
	if (ledger_put_waiver(l, id, version, by, op, cause) != 0) {
		ledger_tx_rollback(l);
		return -1;
	}
	return ledger_tx_commit(l, cause, "the waiver");
}

static int
ledger_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
ledger_walker_row(sqlite3_stmt *st, struct ledger_walker *w)
{
	const char *s;
	char **dst[] = {&w->name, &w->team, &w->email, &w->phone, &w->ext_id};
	size_t i;

	memset(w, 0, sizeof *w);
	w->id = (uint32_t)sqlite3_column_int64(st, 0);
	for (i = 0; i < nitems(dst); i++) {
		s = (const char *)sqlite3_column_text(st, (int)i + 1);
		*dst[i] = s != NULL ? xstrdup(s) : NULL;
	}
	w->reg_seq = sqlite3_column_int64(st, 6);
	w->active = sqlite3_column_int(st, 7);
	w->checked_in = sqlite3_column_int64(st, 8) != 0;
	w->laps = sqlite3_column_int64(st, 9);
	w->raised_cents = sqlite3_column_int64(st, 10);
	{
		struct fold_walker fw; /* the counts the definition needs */

		fold_walker_init(&fw, w->id);
		fw.laps = w->laps;
		fw.flagged_laps = sqlite3_column_int64(st, 11);
		fw.accepted_laps = sqlite3_column_int64(st, 12);
		fw.rejected_laps = sqlite3_column_int64(st, 13);
		w->counted_laps = fold_counted_laps(&fw);
		w->pending_laps = fold_pending_laps(&fw);
	}
}

void
ledger_walker_clear(struct ledger_walker *w)
{
	free(w->name);
	free(w->team);
	free(w->email);
	free(w->phone);
	free(w->ext_id);
	memset(w, 0, sizeof *w);
}

int
ledger_walker_get(struct ledger *l, uint32_t id, struct ledger_walker *w, char **cause)
{
	static const char sql[] = "SELECT " LEDGER_WALKER_COLS " FROM walkers WHERE id = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int rc = -1;

	memset(w, 0, sizeof *w);
	if (st == NULL)
		return ledger_db_fail(l, cause, "the walker");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		ledger_walker_row(st, w);
		rc = 0;
	} else
		util_fail(cause, "There is no walker %" PRIu32 ".", id);
	sqlite3_reset(st);
	return rc;
}

/* One roster row: added, updated (details changed) or unchanged. */
static int
ledger_import_row(struct ledger *l, const struct roster_row *raw, const char *op, int dry,
                  struct ledger_import *res, char **cause)
{
	static const char by_ext[] =
	    "SELECT " LEDGER_WALKER_COLS " FROM walkers WHERE ext_id = ?1 AND active";
	static const char by_name[] =
	    "SELECT " LEDGER_WALKER_COLS " FROM walkers WHERE ext_id IS NULL AND active AND fold = "
	    "wat_fold(?1 || ' ' || IFNULL(?2, '') || ' ' || IFNULL(?3, '') "
	    "|| ' ')";
	sqlite3_stmt *st;
	struct ledger_walker w;
	struct strbuf data = STRBUF_INIT;
	struct roster_row clean = {raw->line,
	                           NULL,
	                           NULL,
	                           ledger_clean(raw->name),
	                           ledger_clean(raw->team),
	                           ledger_clean(raw->email),
	                           ledger_clean(raw->phone),
	                           ledger_clean(raw->ext_id),
	                           NULL,
	                           raw->pledge};
	const struct roster_row *r = &clean;
	int found = 0, rc = -1;

	memset(&w, 0, sizeof w);
	if (r->name == NULL) {
		util_fail(cause, "A walker needs a name.");
		goto end;
	}
	if (r->ext_id != NULL) {
		st = ledger_stmt(l, by_ext);
		sqlite3_bind_text(st, 1, r->ext_id, -1, SQLITE_STATIC);
	} else {
		st = ledger_stmt(l, by_name);
		ledger_bind_text(st, 1, r->name);
		ledger_bind_text(st, 2, r->team);
		ledger_bind_text(st, 3, r->email);
	}
	if (st == NULL) {
		ledger_db_fail(l, cause, "the roster");
		goto end;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		ledger_walker_row(st, &w);
		found = 1;
	}
	sqlite3_reset(st);
	if (!found && dry) {
		res->added++;
	} else if (!found) {
		if (ledger_put_walker(l, r->name, r->team, r->email, r->phone, r->ext_id, "roster",
		                      op, &w.id, cause) != 0)
			goto end;
		res->added++;
	} else if (ledger_same(w.name, r->name) && ledger_same(w.team, r->team) &&
	           ledger_same(w.email, r->email) && ledger_same(w.phone, r->phone)) {
		res->unchanged++;
	} else if (dry) {
		res->updated++;
	} else {
		struct ledger_field f[] = {
		    {"name", ledger_same(w.name, r->name) ? NULL : r->name, ROSTER_MAX_NAME,
		     "name"},
		    {"team", ledger_same(w.team, r->team) ? NULL : r->team, ROSTER_MAX_TEAM,
		     "team"},
		    {"email", ledger_same(w.email, r->email) ? NULL : r->email, ROSTER_MAX_EMAIL,
		     "email"},
		    {"phone", ledger_same(w.phone, r->phone) ? NULL : r->phone, ROSTER_MAX_PHONE,
		     "phone"},
		};
		struct strbuf nulls = STRBUF_INIT;

		/* a field emptied in the new roster is written as null */
		if (w.team != NULL && r->team == NULL)
			strbuf_puts(&nulls, "\"team\":null,");
		if (w.email != NULL && r->email == NULL)
			strbuf_puts(&nulls, "\"email\":null,");
		if (w.phone != NULL && r->phone == NULL)
			strbuf_puts(&nulls, "\"phone\":null,");
		if (nulls.len > 0)
			nulls.s[--nulls.len] = '\0';
		ledger_fields_json(&data, f, nitems(f), nulls.len > 0 ? nulls.s : NULL);
		strbuf_free(&nulls);
		if (ledger_put(l, "walker-update", w.id, 0, 0, data.s, op, NULL, cause) != 0)
			goto end;
		res->updated++;
	}
	/* a waiver accepted at the online registration comes with the row */
	if (!dry && raw->waiver != NULL &&
	    ledger_put_waiver(l, w.id, raw->waiver, "online", op, cause) != 0)
		goto end;
	rc = 0;
end:
	strbuf_free(&data);
	ledger_walker_clear(&w);
	free(clean.name);
	free(clean.team);
	free(clean.email);
	free(clean.phone);
	free(clean.ext_id);
	return rc;
}

/* The import, or with dry its preview (reads only): bad rows are left out
 * and counted; whether to import with them left out is the caller's choice. */
static int
ledger_roster_run(struct ledger *l, const struct roster *r, const char *op, int dry,
                  struct ledger_import *res, char **cause)
{
	size_t i;

	memset(res, 0, sizeof *res);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (!dry && ledger_tx_begin(l, cause, "the roster") != 0)
		return -1;
	for (i = 0; i < r->n; i++) {
		if (r->rows[i].problem != NULL) {
			res->skipped++;
			continue;
		}
		if (ledger_import_row(l, &r->rows[i], op, dry, res, cause) != 0) {
			char *inner = cause ? *cause : NULL;

			if (cause != NULL) {
				*cause = xasprintf("Line %zu: %s Nothing was imported.",
				                   r->rows[i].line, inner ? inner : "");
				free(inner);
			}
			if (!dry)
				ledger_tx_rollback(l);
			memset(res, 0, sizeof *res);
			return -1;
		}
	}
	res->merged = r->nmerged;
	if (dry)
		return 0;
	return ledger_tx_commit(l, cause, "the roster");
}

/* The walkers, then their pledges, in one batch: committed, or (preview)
 * rolled back once the pledges are judged against the walkers it made. */
static int
ledger_roster_pledges(struct ledger *l, const struct roster *r, const char *op, int preview,
                      struct ledger_import *res, char **cause)
{
	struct ledger_pledge_import p;

	memset(res, 0, sizeof *res);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_batch_begin(l, cause) != 0)
		return -1;
	if (ledger_roster_run(l, r, op, 0, res, cause) != 0)
		return -1; /* rolled back, batch and all */
	if (ledger_pledge_import(l, r->pledges, !preview, op, &p, cause) != 0) {
		ledger_batch_end(l, 0, NULL);
		memset(res, 0, sizeof *res);
		return -1;
	}
	res->pledges_added = p.added;
	res->pledges_unchanged = p.unchanged;
	res->pledges_bad = p.problems;
	if (preview)
		return ledger_batch_end(l, 0, cause);
	return ledger_batch_end(l, 1, cause);
}

int
ledger_roster_import(struct ledger *l, const struct roster *r, const char *op,
                     struct ledger_import *res, char **cause)
{
	if (r->pledges != NULL)
		return ledger_roster_pledges(l, r, op, 0, res, cause);
	return ledger_roster_run(l, r, op, 0, res, cause);
}

int
ledger_roster_preview(struct ledger *l, const struct roster *r, struct ledger_import *res,
                      char **cause)
{
	if (r->pledges != NULL && l->has_event && !l->read_only)
		return ledger_roster_pledges(l, r, "preview", 1, res, cause);
	return ledger_roster_run(l, r, "preview", 1, res, cause);
}

int
ledger_walkers(struct ledger *l, const char *text, int (*cb)(const struct ledger_walker *, void *),
               void *arg, char **cause)
{
	static const char all[] = "SELECT " LEDGER_WALKER_COLS
	                          " FROM walkers WHERE reg_seq > 0 OR checkin_seq > 0 OR laps > 0 "
	                          "OR raised != 0 ORDER BY fold, id";
	static const char some[] = "SELECT " LEDGER_WALKER_COLS
	                           " FROM walkers WHERE instr(fold, ?1) > 0 OR id = ?2 ORDER BY "
	                           "(reg_seq = 0), fold, id";
	sqlite3_stmt *st = NULL;
	struct ledger_walker w;
	char *folded = NULL, *end;
	long long id = -1;
	int step, rc = 0;

	if (text != NULL && *text != '\0') {
		folded = text_fold(text);
		text_trim(folded);
		id = strtoll(*text == '#' ? text + 1 : text, &end, 10);
		if (*end != '\0')
			id = -1;
	}
	/* not cached: the callback may query the ledger */
	if (sqlite3_prepare_v2(l->db, folded != NULL ? some : all, -1, &st, NULL) != SQLITE_OK) {
		free(folded);
		return ledger_db_fail(l, cause, "the walkers");
	}
	if (folded != NULL) {
		sqlite3_bind_text(st, 1, folded, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		ledger_walker_row(st, &w);
		rc = cb(&w, arg);
		ledger_walker_clear(&w);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ledger_db_fail(l, cause, "the walkers");
	else
		rc = 0;
	sqlite3_finalize(st);
	free(folded);
	return rc;
}

int
ledger_teams(struct ledger *l, int (*cb)(const struct ledger_team *, void *), void *arg,
             char **cause)
{
	static const char sql[] = "SELECT IFNULL(team, ''), COUNT(*), SUM(laps), SUM(raised) FROM "
	                          "walkers WHERE active GROUP BY IFNULL(team, '') ORDER BY "
	                          "IFNULL(team, '') = '', SUM(raised) DESC, IFNULL(team, '')";
	sqlite3_stmt *st = NULL;
	struct ledger_team t;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, "the teams");
	while (sqlite3_step(st) == SQLITE_ROW) {
		t.team = (const char *)sqlite3_column_text(st, 0);
		t.walkers = sqlite3_column_int64(st, 1);
		t.laps = sqlite3_column_int64(st, 2);
		t.raised_cents = sqlite3_column_int64(st, 3);
		if (cb(&t, arg) != 0)
			break;
	}
	sqlite3_finalize(st);
	return 0;
}

int
ledger_badge_code(struct ledger *l, uint32_t id, char *out, size_t len, char **cause)
{
	struct ledger_walker w;

	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_walker_get(l, id, &w, cause) != 0)
		return -1;
	if (w.reg_seq == 0 || !w.active) {
		ledger_walker_clear(&w);
		return util_fail(cause, "Walker %" PRIu32 " is not registered at this station.",
		                 id);
	}
	ledger_walker_clear(&w);
	if (len < BADGE_CODE_MAX)
		return util_fail(cause, "Internal error: badge buffer too small.");
	badge_encode(&l->badge, id, out, len);
	return 0;
}
