/* ledger_review.c — flagged laps and a coordinator's review of them (the
 * lap review screen, `watctl lap review/accept/reject`); see ledger.h.  What
 * a review does to the figures is the fold's (fold.h); here only which laps
 * wait and the checks before a review is recorded. */
#include "ledger_int.h"

#include <stdlib.h>

/* One of the walker's check-ins or laps in force. */
struct ledger_pass {
	int64_t seq;
	char kind[ENTRY_KIND_MAX + 1];
	struct stamp at;
	int64_t since_ms; /* the lap's own "since_ms"; -1 none */
};

struct ledger_passes {
	struct ledger_pass *v;
	size_t n, cap;
};

static int
ledger_passes_cb(const struct ledger_entry *le, void *arg)
{
	struct ledger_passes *ps = arg;
	struct ledger_pass *p;
	struct entry e;
	struct json_value v;
	char *why = NULL;

	if (le->annulled_by != 0 ||
	    (strcmp(le->kind, "lap") != 0 && strcmp(le->kind, "checkin") != 0))
		return 0;
	if (entry_decode(le->line, strlen(le->line), &e, &why) != 0) {
		free(why);
		return 0; /* ledger_check names it; a list shows what it can read */
	}
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 32;
		ps->v = xrealloc(ps->v, ps->cap * sizeof *ps->v);
	}
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->seq = le->seq;
	snprintf(p->kind, sizeof p->kind, "%s", le->kind);
	p->at = e.at;
	v = entry_member(&e, "since_ms");
	if (json_int(&v, &p->since_ms) != 0)
		p->since_ms = -1;
	return 0;
}

static int
ledger_pass_cmp(const void *a, const void *b)
{
	const struct ledger_pass *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
ledger_flagged_cmp(const void *a, const void *b)
{
	const struct ledger_flagged *x = a, *y = b;

	/* by walker (the walker whose flagged lap is oldest first), then oldest
	 * (by time across stations; at one station by its order) */
	if (x->first_wall_ms != y->first_wall_ms)
		return x->first_wall_ms < y->first_wall_ms ? -1 : 1;
	if (x->walker != y->walker)
		return x->walker < y->walker ? -1 : 1;
	if (x->peer == y->peer && memcmp(x->ledger, y->ledger, sizeof x->ledger) == 0)
		return x->seq < y->seq ? -1 : x->seq > y->seq;
	if (x->at.wall_ms != y->at.wall_ms)
		return x->at.wall_ms < y->at.wall_ms ? -1 : 1;
	return x->peer - y->peer;
}

static int
ledger_flagged_walker_cmp(const void *a, const void *b)
{
	const struct ledger_flagged *x = a, *y = b;

	if (x->walker != y->walker)
		return x->walker < y->walker ? -1 : 1;
	return x->at.wall_ms < y->at.wall_ms ? -1 : x->at.wall_ms > y->at.wall_ms;
}

/* Walker id's flagged laps (pending only, or all) appended to *out. */
static int
ledger_walker_flagged(struct ledger *l, uint32_t id, int pending_only,
                      const struct fold_xreviews *xr, struct ledger_flagged **out, size_t *n,
                      size_t *cap, char **cause)
{
	struct fold_walker w;
	struct ledger_passes ps = {0};
	unsigned char own[LEDGER_HASH_LEN];
	size_t i, j, first = *n;
	int rc = -1;

	if (ledger_walker_fold(l, id, &w, cause) != 0)
		goto end;
	/* reviewed at another station too (the table): the event's verdict */
	if (xr->n > 0 && ledger_identity(l, own) == 0)
		fold_xreviews_walker(&w, own, xr);
	if (ledger_walker_entries(l, id, ledger_passes_cb, &ps, cause) != 0)
		goto end;
	if (ps.n > 0)
		qsort(ps.v, ps.n, sizeof *ps.v, ledger_pass_cmp); /* they come newest first */
	for (i = 0; i < w.nflags; i++) {
		struct ledger_flagged *f;

		if (pending_only && w.flags[i].review != 0)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*out = xrealloc(*out, *cap * sizeof **out);
		}
		f = &(*out)[(*n)++];
		memset(f, 0, sizeof *f);
		f->walker = id;
		snprintf(f->name, sizeof f->name, "%s", w.name ? w.name : "");
		f->seq = w.flags[i].seq;
		f->review = w.flags[i].review;
		f->disagree = w.flags[i].disagree;
		if (w.flags[i].review_other)
			ledger_where_ledger(l, w.flags[i].review_by, f->decided, sizeof f->decided);
		else
			snprintf(f->decided, sizeof f->decided, "here");
		f->since_ms = -1;
		for (j = 0; j < ps.n && ps.v[j].seq != f->seq; j++)
			;
		if (j == ps.n)
			continue; /* cannot be: a flagged lap is one in force */
		f->at = ps.v[j].at;
		f->since_ms = ps.v[j].since_ms;
		if (j > 0) {
			f->has_prev = 1;
			f->prev_seq = ps.v[j - 1].seq;
			snprintf(f->prev_kind, sizeof f->prev_kind, "%s", ps.v[j - 1].kind);
			f->prev_at = ps.v[j - 1].at;
			/* scan to scan, as the list shows them (the lap's own since_ms
			 * counts from the last lap that met the rule) */
			if (stamp_elapsed(&f->prev_at, &f->at, &f->since_ms) != 1 ||
			    f->since_ms < 0)
				f->since_ms = ps.v[j].since_ms;
		}
		if (j + 1 < ps.n) {
			f->has_next = 1;
			f->next_seq = ps.v[j + 1].seq;
			snprintf(f->next_kind, sizeof f->next_kind, "%s", ps.v[j + 1].kind);
			f->next_at = ps.v[j + 1].at;
		}
	}
	for (i = first; i < *n; i++)
		(*out)[i].first_seq = (*out)[first].seq;
	rc = 0;
end:
	free(ps.v);
	fold_walker_clear(&w);
	return rc;
}

int
ledger_flagged_laps(struct ledger *l, int pending_only, struct ledger_flagged **out, size_t *n,
                    char **cause)
{
	static const char sql[] =
	    "SELECT id FROM walkers WHERE flagged_laps > 0 AND flagged_laps > ?1 * "
	    "(accepted_laps + rejected_laps) ORDER BY id";
	sqlite3_stmt *st = NULL;
	struct fold_xreviews xr = {0};
	uint32_t *ids = NULL;
	size_t nids = 0, cap = 0, i;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	/* the peers' laps and every station's reviews of another's laps */
	if (ledger_event_xreviews(l, &xr, cause) != 0 ||
	    ledger_event_flagged(l, pending_only, out, n, &cap, cause) != 0)
		goto end;
	/* the walkers first: folding one uses the cached statements */
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, "the list");
		goto end;
	}
	sqlite3_bind_int64(st, 1, pending_only ? 1 : 0);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xrealloc(ids, (nids + 1) * sizeof *ids);
		ids[nids++] = (uint32_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		ledger_db_fail(l, cause, "the list");
		goto end;
	}
	for (i = 0; i < nids; i++)
		if (ledger_walker_flagged(l, ids[i], pending_only, &xr, out, n, &cap, cause) != 0)
			goto end;
	/* each walker's oldest, over the stations: the list's order */
	if (*n > 0)
		qsort(*out, *n, sizeof **out, ledger_flagged_walker_cmp);
	for (i = 0; i < *n; i++) {
		struct ledger_flagged *f = &(*out)[i];

		f->first_wall_ms =
		    i > 0 && f[-1].walker == f->walker ? f[-1].first_wall_ms : f->at.wall_ms;
		if (f->name[0] == '\0' && f->peer) {
			/* registered here, its laps there: this station's name */
			struct fold_walker w;
			if (ledger_walker_load(l, f->walker, &w) > 0 && w.name != NULL)
				snprintf(f->name, sizeof f->name, "%s", w.name);
			fold_walker_clear(&w);
		}
	}
	if (*n > 0)
		qsort(*out, *n, sizeof **out, ledger_flagged_cmp);
	rc = 0;
end:
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	free(ids);
	fold_xreviews_free(&xr);
	return rc;
}

int
ledger_review_certified(struct ledger *l, char **cause)
{
	/* a certify is never annulled: in force unless a reopen follows it */
	int64_t cert = ledger_kind_last(l, "certify");

	if (cert == 0 || ledger_kind_last(l, "certify-reopen") > cert)
		return 0;
	return util_fail(cause,
	                 "The laps are certified (entry %" PRId64 "): a review now would not "
	                 "count. Reopen the laps first (Pledges), with the reason.",
	                 cert);
}

struct ledger_review_target {
	int found;
	int64_t annulled_by;
	uint32_t walker;
	char kind[ENTRY_KIND_MAX + 1];
};

static int
ledger_review_target_cb(const struct ledger_entry *le, void *arg)
{
	struct ledger_review_target *t = arg;

	t->found = 1;
	t->annulled_by = le->annulled_by;
	t->walker = le->walker;
	snprintf(t->kind, sizeof t->kind, "%s", le->kind);
	return 0;
}

int
ledger_lap_review(struct ledger *l, int64_t lap_seq, int accept, const char *reason, const char *op,
                  int64_t *seq, char **cause)
{
	struct ledger_review_target t = {0};
	struct strbuf data = STRBUF_INIT;
	struct fold_walker w;
	int now, rc = -1;

	fold_walker_init(&w, 0);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_review_certified(l, cause) != 0 ||
	    ledger_entry_get(l, lap_seq, ledger_review_target_cb, &t, cause) != 0)
		goto end;
	if (strcmp(t.kind, "lap") != 0) {
		util_fail(cause,
		          "Entry %" PRId64 " is not a lap (it is a %s): only laps are reviewed.",
		          lap_seq, t.kind);
		goto end;
	}
	if (t.annulled_by != 0) {
		util_fail(cause,
		          "Lap %" PRId64 " was undone by entry %" PRId64 ": there is nothing to "
		          "review.",
		          lap_seq, t.annulled_by);
		goto end;
	}
	if (ledger_walker_fold(l, t.walker, &w, cause) != 0)
		goto end;
	{
		/* reviewed at another station too: as the event counts it */
		struct fold_xreviews xr;
		unsigned char own[LEDGER_HASH_LEN];

		if (ledger_event_xreviews(l, &xr, cause) != 0)
			goto end;
		if (xr.n > 0 && ledger_identity(l, own) == 0)
			fold_xreviews_walker(&w, own, &xr);
		fold_xreviews_free(&xr);
	}
	now = fold_lap_review(&w, lap_seq);
	if (now == -2) {
		util_fail(cause,
		          "Lap %" PRId64 " was not flagged: it already counts. Only a lap scanned "
		          "too soon is reviewed (undo a lap that should not count).",
		          lap_seq);
		goto end;
	}
	if (now == (accept ? 1 : -1)) {
		util_fail(cause, "Lap %" PRId64 " is already %s.", lap_seq,
		          accept ? "accepted" : "rejected");
		goto end;
	}
	if (ledger_review_data(&data, accept, reason, cause) != 0)
		goto end;
	rc = ledger_append(l, "lap-review", t.walker, lap_seq, 0, data.s, op, seq, cause);
end:
	strbuf_free(&data);
	fold_walker_clear(&w);
	return rc;
}

int
ledger_review_data(struct strbuf *data, int accept, const char *reason, char **cause)
{
	strbuf_printf(data, "{\"verdict\":\"%s\"", accept ? "accept" : "reject");
	if (reason != NULL && *reason != '\0') {
		if (text_check(reason, "reason", cause) != 0)
			return -1;
		strbuf_puts(data, ",\"reason\":");
		strbuf_json(data, reason);
	}
	strbuf_puts(data, "}");
	return 0;
}
