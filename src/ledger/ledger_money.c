/* ledger_money.c — see ledger_int.h. */
#include "ledger_int.h"

/* ---- scans, laps, donations, annulments ----------------------------------------- */

/* The rules' view of a walker (the fold's, fold_walker_rules) and the
 * walker, from one read of their row; 0 when the walker has no row yet. */
static int
ledger_rules_walker(struct ledger *l, uint32_t id, struct rules_walker *rw, struct ledger_walker *w)
{
	struct fold_walker fw;
	int found = ledger_walker_load(l, id, &fw);

	fold_walker_rules(&fw, rw);
	memset(w, 0, sizeof *w);
	if (found > 0) {
		/* the details move to w */
		w->id = id;
		w->name = fw.name;
		w->team = fw.team;
		w->email = fw.email;
		w->phone = fw.phone;
		w->ext_id = fw.ext_id;
		fw.name = fw.team = fw.email = fw.phone = fw.ext_id = NULL;
		w->reg_seq = fw.reg_seq;
		w->active = fw.active;
		w->checked_in = fw.checkin_seq != 0;
		w->laps = fw.laps;
		w->counted_laps = fold_counted_laps(&fw);
		w->pending_laps = fold_pending_laps(&fw);
		w->raised_cents = fw.cash_cents + fw.check_cents + fw.other_cents;
	}
	fold_walker_clear(&fw);
	return found;
}

static void
ledger_display_name(const struct ledger_walker *w, uint32_t id, char *out, size_t len)
{
	if (w->name != NULL)
		snprintf(out, len, "%s", w->name);
	else
		snprintf(out, len, "Walker %" PRIu32, id);
}

/* Records what the verdict asks for, in one transaction, and fills out. */
static int
ledger_record(struct ledger *l, uint32_t id, const char *how, const char *op,
              struct ledger_scan *out, char **cause)
{
	struct rules_verdict *v = &out->verdict;
	char data[160];
	char *msg;

	if (v->record_checkin || v->record_lap) {
		if (ledger_tx_begin(l, cause, "the scan") != 0)
			return -1;
		snprintf(data, sizeof data, "{\"how\":\"%s\"}", how);
		if (v->record_checkin &&
		    ledger_put(l, "checkin", id, 0, 0, data, op, &out->seq, cause) != 0)
			goto fail;
		if (v->flagged) /* not lap n unless a coordinator accepts it */
			snprintf(data, sizeof data, "{\"how\":\"%s\",\"since_ms\":%" PRId64 "}",
			         how, v->since_ms);
		else if (v->override)
			snprintf(data, sizeof data,
			         "{\"how\":\"%s\",\"n\":%" PRId64 ",\"override\":true,"
			         "\"since_ms\":%" PRId64 "}",
			         how, v->lap_number, v->since_ms);
		else
			snprintf(data, sizeof data, "{\"how\":\"%s\",\"n\":%" PRId64 "}", how,
			         v->lap_number);
		if (v->record_lap &&
		    ledger_put(l, "lap", id, 0, 0, data, op, &out->seq, cause) != 0)
			goto fail;
		if (ledger_tx_commit(l, cause, "the scan") != 0)
			return -1;
	}
	{
		struct rules_walker rw;
		struct ledger_walker w;

		ledger_rules_walker(l, id, &rw, &w);
		out->laps = w.counted_laps;
		out->raised_cents = w.raised_cents;
		ledger_walker_clear(&w);
	}
	msg = rules_describe_limit(&l->ev.rules, v, out->name);
	snprintf(out->message, sizeof out->message, "%s%s", msg,
	         v->outcome == RULES_LAP_TOO_SOON && !v->record_lap
	             ? " A coordinator can add it anyway."
	             : "");
	free(msg);
	return 0;
fail:
	ledger_tx_rollback(l);
	return -1;
}

int
ledger_scan(struct ledger *l, const char *code, size_t len, int role, const char *op,
            struct ledger_scan *out, char **cause)
{
	struct rules_walker rw;
	struct ledger_walker w;
	struct stamp now;
	char *why = NULL;
	uint32_t id = 0;
	int found;

	memset(out, 0, sizeof *out);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	out->badge = badge_verify(&l->badge, code, len, &id, &why);
	if (out->badge != BADGE_OK) {
		snprintf(out->message, sizeof out->message, "%s",
		         why ? why : "This code was refused.");
		free(why);
		return 0;
	}
	out->walker = id;
	if ((found = ledger_rules_walker(l, id, &rw, &w)) < 0)
		return ledger_db_fail(l, cause, "the scan");
	out->known = found && w.reg_seq > 0;
	ledger_display_name(&w, id, out->name, sizeof out->name);
	if (found && w.reg_seq > 0 && !w.active) {
		ledger_walker_clear(&w);
		out->badge = BADGE_FORGED;
		snprintf(out->message, sizeof out->message,
		         "Walker %" PRIu32 "'s registration was annulled. Please see a volunteer.",
		         id);
		return 0;
	}
	ledger_walker_clear(&w);
	ledger_now(l, &now);
	rules_scan(&l->ev.rules, &rw, role >= 0 ? (enum rules_role)role : l->ev.role, &now,
	           &out->verdict);
	out->before_ms = -1;
	if (rw.has_last_scan &&
	    (stamp_elapsed(&rw.last_scan, &now, &out->before_ms) != 1 || out->before_ms < 0))
		out->before_ms = -1;
	return ledger_record(l, id, "scan", op, out, cause);
}

/* Check-in and manual lap by number: the walker must be known here. */
static int
ledger_by_hand(struct ledger *l, uint32_t id, int lap, int override, const char *op,
               struct ledger_scan *out, char **cause)
{
	struct rules_walker rw;
	struct ledger_walker w;
	struct stamp now;
	int found;

	memset(out, 0, sizeof *out);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if ((found = ledger_rules_walker(l, id, &rw, &w)) < 0)
		return ledger_db_fail(l, cause, "the entry");
	if (!found || (w.reg_seq > 0 && !w.active)) {
		ledger_walker_clear(&w);
		return util_fail(cause, "There is no walker %" PRIu32 ".", id);
	}
	out->walker = id;
	out->before_ms = -1;
	out->known = w.reg_seq > 0;
	ledger_display_name(&w, id, out->name, sizeof out->name);
	ledger_walker_clear(&w);
	ledger_now(l, &now);
	rules_by_hand(&l->ev.rules, &rw, lap, override, &now, &out->verdict);
	return ledger_record(l, id, "manual", op, out, cause);
}

int
ledger_checkin(struct ledger *l, uint32_t id, const char *op, struct ledger_scan *out, char **cause)
{
	return ledger_by_hand(l, id, 0, 0, op, out, cause);
}

int
ledger_lap(struct ledger *l, uint32_t id, const char *op, struct ledger_scan *out, char **cause)
{
	return ledger_by_hand(l, id, 1, 0, op, out, cause);
}

int
ledger_lap_override(struct ledger *l, uint32_t id, const char *op, struct ledger_scan *out,
                    char **cause)
{
	return ledger_by_hand(l, id, 1, 1, op, out, cause);
}

int
ledger_donate(struct ledger *l, uint32_t id, int64_t cents, enum rules_method m,
              const char *check_no, const char *donor, const char *op, int64_t *seq, char **cause)
{
	return ledger_donate_pledges(l, id, cents, m, check_no, donor, NULL, op, seq, cause);
}

int
ledger_donate_pledges(struct ledger *l, uint32_t id, int64_t cents, enum rules_method m,
                      const char *check_no, const char *donor, const char *pledges_json,
                      const char *op, int64_t *seq, char **cause)
{
	struct ledger_walker w;
	struct strbuf data = STRBUF_INIT;
	char *d = ledger_clean(donor), *c = ledger_clean(check_no);
	struct ledger_field f[] = {{"donor", d, ROSTER_MAX_NAME, "donor's name"}};
	int rc = -1;

	memset(&w, 0, sizeof w);
	if (!l->has_event) {
		util_fail(cause, "The event has not been set up yet (run init first).");
		goto end;
	}
	if (ledger_closed(l, NULL)) {
		util_fail(cause, "The station is closed out: the count is done. To take this "
		                 "donation, a coordinator must reopen the station first.");
		goto end;
	}
	if (rules_donation(&l->ev.rules, cents, m, c, cause) != 0 ||
	    ledger_check_fields(f, 1, cause) != 0)
		goto end;
	if (ledger_walker_get(l, id, &w, cause) != 0)
		goto end;
	if (w.reg_seq > 0 && !w.active) {
		util_fail(cause, "Walker %" PRIu32 "'s registration was annulled.", id);
		goto end;
	}
	strbuf_printf(&data, "{\"cents\":%" PRId64 ",\"method\":\"%s\"", cents,
	              rules_method_name(m));
	if (m == RULES_CHECK) {
		strbuf_puts(&data, ",\"check_no\":");
		strbuf_json(&data, c);
	}
	if (d != NULL) {
		strbuf_puts(&data, ",\"donor\":");
		strbuf_json(&data, d);
	}
	if (pledges_json != NULL) {
		strbuf_puts(&data, ",\"pledges\":");
		strbuf_puts(&data, pledges_json);
	}
	strbuf_puts(&data, "}");
	rc = ledger_append(l, "donation", id, 0, cents, data.s, op, seq, cause);
end:
	ledger_walker_clear(&w);
	strbuf_free(&data);
	free(d);
	free(c);
	return rc;
}

/* Money recorded after entry seq: a donation, or an undone one. */
static int
ledger_money_since(struct ledger *l, int64_t seq)
{
	return ledger_query_i(l,
	                      "SELECT EXISTS (SELECT 1 FROM entries WHERE seq > ?1 AND (kind = "
	                      "'donation' OR (kind = 'annul' AND ref IN (SELECT seq FROM entries "
	                      "WHERE kind = 'donation'))))",
	                      1, &seq, 0) != 0;
}

int
ledger_annul(struct ledger *l, int64_t seq, const char *reason, const char *op, enum rules_who who,
             int *need_coordinator, int64_t *annul_seq, char **cause)
{
	static const char sql[] = "SELECT e.kind, e.walker, a.by_seq, e.wall_ms, e.mono_ms, e.boot "
	                          "FROM entries e LEFT JOIN annulled a ON a.seq = e.seq WHERE "
	                          "e.seq = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	struct strbuf data = STRBUF_INIT;
	struct rules_annul a;
	struct stamp at, now;
	char kind[32] = "", *why = ledger_clean(reason);
	int64_t walker = 0, closed_seq = 0, by = 0;
	int found = 0, need = 0, rc = -1;

	if (need_coordinator != NULL)
		*need_coordinator = 0;
	memset(&a, 0, sizeof a);
	memset(&at, 0, sizeof at);
	if (st == NULL) {
		ledger_db_fail(l, cause, "the annulment");
		goto end;
	}
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		ledger_copy(kind, sizeof kind, (const char *)sqlite3_column_text(st, 0));
		walker = sqlite3_column_int64(st, 1);
		by = sqlite3_column_int64(st, 2);
		at.wall_ms = sqlite3_column_int64(st, 3);
		at.mono_ms = sqlite3_column_int64(st, 4);
		ledger_copy(at.boot, sizeof at.boot, (const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_reset(st);
	if (!found) {
		util_fail(cause, "There is no entry %" PRId64 " in this ledger.", seq);
		goto end;
	}
	if (by != 0) {
		util_fail(cause, "Entry %" PRId64 " was already annulled by entry %" PRId64 ".",
		          seq, by);
		goto end;
	}
	a.kind = kind;
	ledger_now(l, &now);
	/* the volunteer's window is measured on this boot's clock only */
	a.age_known = stamp_elapsed(&at, &now, &a.age_ms) == 1 && at.boot[0] != '\0';
	a.closed = ledger_closed(l, &closed_seq);
	a.is_closed_seq = a.closed && closed_seq == seq;
	a.money_since = strcmp(kind, "reopen") == 0 && ledger_money_since(l, seq);
	if (rules_annul(&l->ev.rules, &a, who, &need, cause) != 0) {
		if (need_coordinator != NULL)
			*need_coordinator = need;
		goto end;
	}
	if (why == NULL)
		util_fail(cause, "Say why entry %" PRId64 " is undone (a reason is required).",
		          seq);
	else if (text_check(why, "reason", cause) != 0)
		;
	else if (text_length(why) > 200)
		util_fail(cause, "The reason must be plain text of at most 200 characters.");
	else {
		strbuf_puts(&data, "{\"reason\":");
		strbuf_json(&data, why);
		strbuf_printf(&data, ",\"kind\":\"%s\"}", kind);
		rc = ledger_append(l, "annul", (uint32_t)walker, seq, 0, data.s, op, annul_seq,
		                   cause);
		if (rc == 0 && strcmp(kind, "settings") == 0)
			ledger_load_event(l);
	}
end:
	strbuf_free(&data);
	free(why);
	return rc;
}
