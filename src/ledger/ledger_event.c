/* ledger_event.c — the figures over the whole event (ledger.h): this
 * station's derived tables, and each peer's entries folded by fold.h's one
 * fold, kept in memory and brought up to date with what arrived since the
 * last look (fold_more), so the screens never refold the event. */
#include "ledger_int.h"

/* A lap in force, by the clock of the station that counted it. */
struct ledger_lap {
	uint32_t walker;
	int manual;
	int64_t seq, wall_ms;
};

/* One peer's fold: its entries 1..fold_entries(f), its role, its laps in
 * force (for judgements across stations). */
struct ledger_pfold {
	unsigned char ledger[LEDGER_HASH_LEN];
	struct fold *f;
	enum rules_role role;
	int64_t role_seq; /* the role setting in force (0: none: "both") */
	struct ledger_lap *laps;
	size_t nlaps, caplaps;
};

static void
ledger_lap_push(struct ledger_lap **v, size_t *n, size_t *cap, const struct entry *e)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = (struct ledger_lap){e->walker, e->manual, e->seq, e->at.wall_ms};
}

void
ledger_pfold_free(struct ledger *l)
{
	for (size_t i = 0; i < l->npf; i++) {
		fold_free(l->pf[i].f);
		free(l->pf[i].laps);
	}
	free(l->pf);
	l->pf = NULL;
	l->npf = 0;
}

/* The lines of one peer's entries from a seq on, decoded (es[i] borrows
 * lines[i]). */
struct ledger_batch_lines {
	char **lines;
	struct entry *es;
	size_t n, cap;
	char **cause;
	int failed;
};

static int
ledger_batch_cb(const struct ledger_entry *e, void *arg)
{
	struct ledger_batch_lines *b = arg;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->lines = xrealloc(b->lines, b->cap * sizeof *b->lines);
		b->es = xrealloc(b->es, b->cap * sizeof *b->es);
	}
	b->lines[b->n] = xstrdup(e->line);
	if (entry_decode(b->lines[b->n], strlen(b->lines[b->n]), &b->es[b->n], b->cause) != 0) {
		free(b->lines[b->n]);
		b->failed = 1;
		return 1;
	}
	b->n++;
	return 0;
}

static void
ledger_batch_free(struct ledger_batch_lines *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->lines[i]);
	free(b->lines);
	free(b->es);
}

/* The role a settings entry in force gives (the last one wins). */
static void
ledger_pfold_role(struct ledger_pfold *p, const struct entry *e)
{
	struct json_value k, v;
	char *key, *value;
	enum rules_role r;

	if (e->kind != ENTRY_SETTINGS)
		return;
	k = entry_member(e, "key");
	key = json_str(&k);
	if (key != NULL && strcmp(key, "role") == 0) {
		v = entry_member(e, "value");
		value = json_str(&v);
		if (value != NULL && rules_role_parse(value, &r) == 0) {
			p->role = r;
			p->role_seq = e->seq;
		}
		free(value);
	}
	free(key);
}

/* Brings peer p's fold up to its head: the entries after the ones folded,
 * or all of them again when one of those annuls or changes a judging
 * setting (fold_more). */
static int
ledger_pfold_update(struct ledger *l, struct ledger_pfold *p, int64_t head, char **cause)
{
	struct ledger_batch_lines b = {0};
	int64_t from = p->f != NULL ? (int64_t)fold_entries(p->f) + 1 : 1;
	struct fold *f = NULL;
	int rc = -1;

	if (p->f != NULL && from > head)
		return 0;
	b.cause = cause;
	if (ledger_peer_entries(l, p->ledger, from, ledger_batch_cb, &b, cause) != 0 || b.failed)
		goto end;
	if (p->f != NULL && fold_more(p->f, b.es, b.n) == 0) {
		for (size_t i = 0; i < b.n; i++) {
			ledger_pfold_role(p, &b.es[i]);
			if (b.es[i].kind == ENTRY_LAP)
				ledger_lap_push(&p->laps, &p->nlaps, &p->caplaps, &b.es[i]);
		}
		rc = 0;
		goto end;
	}
	if (from > 1) { /* an annulment or a judging setting: all of it again */
		ledger_batch_free(&b);
		memset(&b, 0, sizeof b);
		b.cause = cause;
		if (ledger_peer_entries(l, p->ledger, 1, ledger_batch_cb, &b, cause) != 0 ||
		    b.failed)
			goto end;
	}
	if (fold_run(b.es, b.n, NULL, &f, cause) != 0)
		goto end;
	fold_free(p->f);
	p->f = f;
	p->role = RULES_ROLE_BOTH;
	p->role_seq = 0;
	p->nlaps = 0;
	for (size_t i = 0; i < b.n; i++) {
		if (fold_annulled_by(f, b.es[i].seq) != 0)
			continue;
		ledger_pfold_role(p, &b.es[i]);
		if (b.es[i].kind == ENTRY_LAP)
			ledger_lap_push(&p->laps, &p->nlaps, &p->caplaps, &b.es[i]);
	}
	rc = 0;
end:
	ledger_batch_free(&b);
	return rc;
}

static struct ledger_pfold *
ledger_pfold_get(struct ledger *l, const struct ledger_peer *peer, char **cause)
{
	struct ledger_pfold *p = NULL;

	for (size_t i = 0; i < l->npf && p == NULL; i++)
		if (memcmp(l->pf[i].ledger, peer->ledger, LEDGER_HASH_LEN) == 0)
			p = &l->pf[i];
	if (p == NULL) {
		l->pf = xrealloc(l->pf, (l->npf + 1) * sizeof *l->pf);
		p = &l->pf[l->npf++];
		memset(p, 0, sizeof *p);
		memcpy(p->ledger, peer->ledger, LEDGER_HASH_LEN);
		p->role = RULES_ROLE_BOTH;
	}
	return ledger_pfold_update(l, p, peer->head_seq, cause) == 0 ? p : NULL;
}

static void
ledger_fig_add(struct fold_figures *a, const struct fold_figures *b)
{
	a->walkers += b->walkers;
	a->checked_in += b->checked_in;
	a->laps += b->laps;
	a->manual_laps += b->manual_laps;
	a->flagged_laps += b->flagged_laps;
	a->donations += b->donations;
	a->checks += b->checks;
	a->cash_cents += b->cash_cents;
	a->check_cents += b->check_cents;
	a->other_cents += b->other_cents;
	a->total_cents += b->total_cents;
	a->annulled += b->annulled;
}

static void
ledger_station_walker(struct ledger_station_figures *st, const struct fold_walker *w)
{
	if (w == NULL)
		return;
	st->walker_laps = w->laps;
	st->walker_raised_cents = w->cash_cents + w->check_cents + w->other_cents;
	st->has_walker_lap = w->has_lap;
	st->walker_last_lap = w->last_lap;
}

/* One lap of the walker asked for, on this station's clock. */
struct ledger_wlap {
	int64_t t;
	size_t station; /* index in out->station */
	int64_t seq;
};

struct ledger_event_ctx {
	struct ledger *l;
	uint32_t walker;
	struct ledger_event_figures *out;
	char **cause;
	int failed;
	struct ledger_wlap *laps;
	size_t nlaps, cap;
};

static void
ledger_wlap_push(struct ledger_event_ctx *c, int64_t t, size_t station, int64_t seq)
{
	if (c->nlaps == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->laps = xrealloc(c->laps, c->cap * sizeof *c->laps);
	}
	c->laps[c->nlaps++] = (struct ledger_wlap){t, station, seq};
}

static int
ledger_event_peer_cb(const struct ledger_peer *peer, void *arg)
{
	struct ledger_event_ctx *c = arg;
	struct ledger_station_figures *st;
	struct ledger_pfold *p;

	/* a statement is open on peers: the entries come through a second one */
	if ((p = ledger_pfold_get(c->l, peer, c->cause)) == NULL) {
		c->failed = 1;
		return 1;
	}
	c->out->station = xrealloc(c->out->station, (c->out->n + 1) * sizeof *c->out->station);
	st = &c->out->station[c->out->n++];
	memset(st, 0, sizeof *st);
	ledger_copy(st->station, sizeof st->station, peer->station);
	st->role = p->role;
	st->seen_wall_ms = peer->seen_wall_ms;
	st->offset_ms = peer->offset_ms;
	st->entries = (int64_t)fold_entries(p->f);
	st->fig = *fold_figures(p->f);
	if (c->walker != 0) {
		ledger_station_walker(st, fold_walker(p->f, c->walker));
		/* its clock moved to this one's by the offset measured */
		for (size_t i = 0; i < p->nlaps; i++)
			if (p->laps[i].walker == c->walker)
				ledger_wlap_push(c, p->laps[i].wall_ms - peer->offset_ms,
				                 c->out->n - 1, p->laps[i].seq);
	}
	return 0;
}

static const char *
ledger_role_words(enum rules_role r)
{
	switch (r) {
	case RULES_ROLE_LAP: return "Lap point";
	case RULES_ROLE_WELCOME: return "Welcome table";
	default: return "Station";
	}
}

/* People's words for each station: its role ("Lap point"), with its id when
 * two share a role or the role says nothing ("Station T2"). */
static void
ledger_event_names(struct ledger_event_figures *out)
{
	for (size_t i = 0; i < out->n; i++) {
		struct ledger_station_figures *st = &out->station[i];
		int shared = st->role == RULES_ROLE_BOTH;

		for (size_t j = 0; j < out->n && !shared; j++)
			shared = j != i && out->station[j].role == st->role;
		if (shared)
			snprintf(st->name, sizeof st->name, "%s %s", ledger_role_words(st->role),
			         st->station);
		else
			snprintf(st->name, sizeof st->name, "%s", ledger_role_words(st->role));
	}
}

static int
ledger_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Walkers checked in at a peer and not here: a walker checked in at the
 * table and scanned at the lap point is one walker checked in.  Counted
 * again only when this station's check-ins or the peers' entries changed. */
static int64_t
ledger_checked_elsewhere(struct ledger *l, int64_t own_checked)
{
	sqlite3_stmt *st;
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0, i, nw;
	int64_t peers = 0, count = 0;

	for (i = 0; i < l->npf; i++)
		peers += l->pf[i].f != NULL ? (int64_t)fold_entries(l->pf[i].f) : 0;
	if (l->ck_valid && l->ck_own == own_checked && l->ck_peers == peers)
		return l->ck_value;
	for (i = 0; i < l->npf; i++) {
		const struct fold_walker *w;
		if (l->pf[i].f == NULL)
			continue;
		w = fold_walkers(l->pf[i].f, &nw);
		for (size_t j = 0; j < nw; j++) {
			if (w[j].checkin_seq == 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				ids = xrealloc(ids, cap * sizeof *ids);
			}
			ids[n++] = w[j].id;
		}
	}
	if (n > 0)
		qsort(ids, n, sizeof *ids, ledger_u32_cmp);
	st = ledger_stmt(l, "SELECT checkin_seq FROM walkers WHERE id = ?1");
	for (i = 0; i < n && st != NULL; i++) {
		int here = 0;
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		sqlite3_bind_int64(st, 1, ids[i]);
		here = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) != 0;
		sqlite3_reset(st);
		count += !here;
	}
	free(ids);
	if (st == NULL)
		return 0;
	l->ck_valid = 1;
	l->ck_own = own_checked;
	l->ck_peers = peers;
	l->ck_value = count;
	return count;
}

/* The walker's own laps in force here. */
static int
ledger_own_laps(struct ledger_event_ctx *c)
{
	sqlite3_stmt *st = ledger_stmt(
	    c->l, "SELECT seq, wall_ms FROM entries WHERE walker = ?1 AND kind = 'lap' AND seq NOT "
	          "IN (SELECT seq FROM annulled) ORDER BY seq");
	int rc;

	if (st == NULL)
		return ledger_db_fail(c->l, c->cause, "the walker's laps");
	sqlite3_bind_int64(st, 1, c->walker);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ledger_wlap_push(c, sqlite3_column_int64(st, 1), 0, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ledger_db_fail(c->l, c->cause, "the walker's laps");
}

static int
ledger_wlap_cmp(const void *a, const void *b)
{
	const struct ledger_wlap *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->station != y->station)
		return x->station < y->station ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Judgements across stations: the walker's laps at two stations closer
 * together than a lap can be walked (the event's min-lap, else hold-off),
 * once the peers' clocks are moved to this one's by the offset measured at
 * the last exchange, are likely one lap counted twice (a scan at the lap
 * point, a lap added by hand at the table).  The later of each pair is
 * not counted in the walker's laps and is shown for a coordinator's review
 * instead: never counted twice, never dropped.  Within one station the
 * station's own rules judged already (fold.c). */
static void
ledger_event_review(struct ledger_event_ctx *c)
{
	struct ledger_event_figures *out = c->out;
	int64_t limit = c->l->ev.rules.min_lap_ms;

	if (limit <= 0)
		limit = c->l->ev.rules.holdoff_ms;
	if (limit <= 0 || c->nlaps < 2)
		return;
	qsort(c->laps, c->nlaps, sizeof *c->laps, ledger_wlap_cmp);
	for (size_t i = 1, last = 0; i < c->nlaps; i++) {
		const struct ledger_wlap *a = &c->laps[last], *b = &c->laps[i];
		int64_t gap = b->t - a->t;

		if (a->station == b->station || gap >= limit) {
			last = i;
			continue;
		}
		/* b stays beside a: the next lap is judged from a, the one counted */
		if (out->walker_review == 0 || gap < out->review_gap_ms)
			out->review_gap_ms = gap;
		if (out->walker_review == 0) {
			out->review_a = a->station;
			out->review_b = b->station;
		}
		out->walker_review++;
	}
	out->walker_laps -= out->walker_review;
}

int
ledger_event_figures(struct ledger *l, uint32_t walker, struct ledger_event_figures *out,
                     char **cause)
{
	struct ledger_event_ctx c = {l, walker, out, cause, 0, NULL, 0, 0};
	struct ledger_station_figures *st;
	struct ledger_totals t;

	memset(out, 0, sizeof *out);
	out->station = xcalloc(1, sizeof *out->station);
	st = &out->station[0];
	ledger_copy(st->station, sizeof st->station, l->ev.station);
	st->own = 1;
	st->role = l->ev.role;
	if (ledger_totals(l, &t, cause) != 0)
		goto fail;
	st->entries = t.last_seq;
	st->fig = (struct fold_figures){
	    .walkers = t.walkers,
	    .checked_in = t.checked_in,
	    .laps = t.laps,
	    .manual_laps = t.manual_laps,
	    .flagged_laps = t.flagged_laps,
	    .donations = t.donations,
	    .checks = t.checks,
	    .cash_cents = t.cash_cents,
	    .check_cents = t.check_cents,
	    .other_cents = t.other_cents,
	    .total_cents = t.total_cents,
	    .annulled = t.annulled,
	};
	if (walker != 0) {
		struct fold_walker w;
		int found = ledger_walker_load(l, walker, &w);

		if (found < 0) {
			fold_walker_clear(&w);
			ledger_db_fail(l, cause, "the walker");
			goto fail;
		}
		if (found)
			ledger_station_walker(st, &w);
		fold_walker_clear(&w);
		if (ledger_own_laps(&c) != 0)
			goto fail;
	}
	out->n = 1;
	if (ledger_peers(l, ledger_event_peer_cb, &c, cause) != 0 || c.failed)
		goto fail;
	for (size_t i = 0; i < out->n; i++) {
		ledger_fig_add(&out->all, &out->station[i].fig);
		out->walker_laps += out->station[i].walker_laps;
		out->walker_raised_cents += out->station[i].walker_raised_cents;
	}
	out->all.checked_in = t.checked_in + ledger_checked_elsewhere(l, t.checked_in);
	ledger_event_names(out);
	if (walker != 0)
		ledger_event_review(&c);
	free(c.laps);
	return 0;
fail:
	free(c.laps);
	ledger_event_figures_clear(out);
	return -1;
}

void
ledger_event_figures_clear(struct ledger_event_figures *f)
{
	free(f->station);
	memset(f, 0, sizeof *f);
}
