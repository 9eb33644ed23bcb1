/* ledger_event.c — the figures over the whole event (ledger.h): this
 * station's derived tables, and each peer's entries folded by fold.h's one
 * fold, kept in memory and brought up to date with what arrived since the
 * last look (fold_more), so the screens never refold the event. */
#include "ledger_int.h"

/* A link entry: walker `walker` of the station that recorded it is
 * walker `other` of the ledger named. */
struct ledger_xlink {
	uint32_t walker, other;
	unsigned char ledger[LEDGER_HASH_LEN];
};

/* A review request: entry `target` of the ledger named, asked by entry
 * `seq` of the station that recorded it. */
struct ledger_ask {
	int64_t seq, target;
	unsigned char ledger[LEDGER_HASH_LEN];
	uint32_t walker;
	char *reason;
};

/* 64 hex digits into 32 bytes: 0, else -1. */
static int
ledger_unhex(const char *hex, unsigned char out[LEDGER_HASH_LEN])
{
	if (hex == NULL || strlen(hex) != 2 * LEDGER_HASH_LEN)
		return -1;
	for (size_t i = 0; i < LEDGER_HASH_LEN; i++) {
		unsigned v = 0;
		for (int j = 0; j < 2; j++) {
			char c = hex[2 * i + (size_t)j];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

static void
ledger_hex(const unsigned char in[LEDGER_HASH_LEN], char out[2 * LEDGER_HASH_LEN + 1])
{
	for (size_t i = 0; i < LEDGER_HASH_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
}

static int64_t
ledger_member_int(const struct entry *e, const char *key)
{
	struct json_value v = entry_member(e, key);
	int64_t n = 0;

	return json_int(&v, &n) == 0 ? n : 0;
}

static char *
ledger_member_str(const struct entry *e, const char *key)
{
	struct json_value v = entry_member(e, key);

	return json_str(&v);
}

/* A link entry's parts: 0, else -1 (a ledger that is not 64 hex). */
static int
ledger_link_parse(const struct entry *e, struct ledger_xlink *x)
{
	char *hex = ledger_member_str(e, "ledger");
	int rc = ledger_unhex(hex, x->ledger);

	free(hex);
	x->walker = (uint32_t)ledger_member_int(e, "walker");
	x->other = (uint32_t)ledger_member_int(e, "other_walker");
	return rc;
}

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
	struct ledger_xlink *links; /* its links in force */
	size_t nlinks, caplinks;
	struct ledger_ask *asks; /* its review requests in force */
	size_t nasks, capasks;
	struct fold_xreviews xr;     /* its reviews of other stations' laps in force */
	struct ledger_lap *checkins; /* its check-ins in force (the lap review's scans) */
	size_t ncheckins, capcheckins;
	unsigned gen;       /* bumped each time its fold runs again from entry 1 */
	int64_t offset_now; /* its clock offset as last read from peers */
	size_t out_index;   /* its index in the figures being made */
	/* what the event's judgements (struct ledger_xj) took of it */
	size_t xl_laps, xl_links;
	unsigned xl_gen;
	int64_t xl_offset;
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
		free(l->pf[i].links);
		for (size_t j = 0; j < l->pf[i].nasks; j++)
			free(l->pf[i].asks[j].reason);
		free(l->pf[i].asks);
		fold_xreviews_free(&l->pf[i].xr);
		free(l->pf[i].checkins);
	}
	fold_xreviews_free(&l->xr_own);
	l->xr_seq = 0;
	ledger_xj_free(l->xj);
	l->xj = NULL;
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

/* What the fold does not keep of an entry in force: the role, the laps,
 * the links and review requests. */
static void
ledger_pfold_note(struct ledger_pfold *p, const struct entry *e)
{
	ledger_pfold_role(p, e);
	fold_xreviews_push(&p->xr, p->ledger, e);
	if (e->kind == ENTRY_LAP)
		ledger_lap_push(&p->laps, &p->nlaps, &p->caplaps, e);
	if (e->kind == ENTRY_CHECKIN)
		ledger_lap_push(&p->checkins, &p->ncheckins, &p->capcheckins, e);
	if (e->kind == ENTRY_LINK) {
		struct ledger_xlink x;
		if (ledger_link_parse(e, &x) != 0)
			return;
		if (p->nlinks == p->caplinks) {
			p->caplinks = p->caplinks ? p->caplinks * 2 : 16;
			p->links = xrealloc(p->links, p->caplinks * sizeof *p->links);
		}
		p->links[p->nlinks++] = x;
	}
	if (e->kind == ENTRY_REVIEW) {
		struct ledger_ask a = {e->seq,
		                       ledger_member_int(e, "seq"),
		                       {0},
		                       (uint32_t)ledger_member_int(e, "walker"),
		                       NULL};
		char *hex = ledger_member_str(e, "ledger");
		int bad = ledger_unhex(hex, a.ledger);
		free(hex);
		if (bad)
			return;
		a.reason = ledger_member_str(e, "reason");
		if (p->nasks == p->capasks) {
			p->capasks = p->capasks ? p->capasks * 2 : 16;
			p->asks = xrealloc(p->asks, p->capasks * sizeof *p->asks);
		}
		p->asks[p->nasks++] = a;
	}
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
		for (size_t i = 0; i < b.n; i++)
			ledger_pfold_note(p, &b.es[i]);
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
	p->gen++;
	p->role = RULES_ROLE_BOTH;
	p->role_seq = 0;
	p->nlaps = p->nlinks = p->ncheckins = 0;
	p->xr.n = 0;
	for (size_t i = 0; i < p->nasks; i++)
		free(p->asks[i].reason);
	p->nasks = 0;
	for (size_t i = 0; i < b.n; i++)
		if (fold_annulled_by(f, b.es[i].seq) == 0)
			ledger_pfold_note(p, &b.es[i]);
	rc = 0;
end:
	ledger_batch_free(&b);
	return rc;
}

struct ledger_xr_ctx {
	struct ledger *l;
	unsigned char own[LEDGER_HASH_LEN];
};

static int
ledger_xr_own_cb(const struct ledger_entry *le, void *arg)
{
	struct ledger_xr_ctx *c = arg;
	struct entry e;
	char *why = NULL;

	if (le->annulled_by != 0)
		return 0;
	if (entry_decode(le->line, strlen(le->line), &e, &why) != 0) {
		free(why); /* ledger_check names it */
		return 0;
	}
	fold_xreviews_push(&c->l->xr_own, c->own, &e);
	return 0;
}

/* This station's reviews of peers' laps in force (again when an entry was
 * added since: one may be a review or annul one). */
static int
ledger_xr_own(struct ledger *l, char **cause)
{
	struct ledger_xr_ctx c = {l, {0}};

	if (l->xr_seq == l->last_seq)
		return 0;
	l->xr_own.n = 0;
	if (ledger_identity(l, c.own) != 0)
		return 0; /* no event: no review */
	if (ledger_kind_entries(l, "lap-review", 1, ledger_xr_own_cb, &c, cause) != 0)
		return -1;
	l->xr_seq = l->last_seq;
	return 0;
}

/* The reviews of other stations' laps in force of this station and of each
 * peer's fold as it stands, into *all (fold_xreviews_free). */
static int
ledger_xr_all(struct ledger *l, struct fold_xreviews *all, char **cause)
{
	size_t n;

	memset(all, 0, sizeof *all);
	if (ledger_xr_own(l, cause) != 0)
		return -1;
	n = l->xr_own.n;
	for (size_t i = 0; i < l->npf; i++)
		n += l->pf[i].xr.n;
	if (n == 0)
		return 0;
	all->v = xcalloc(n, sizeof *all->v);
	all->cap = n;
	/* a station with no reviews has no array (memcpy of NULL is undefined) */
	if (l->xr_own.n > 0)
		memcpy(all->v, l->xr_own.v, l->xr_own.n * sizeof *all->v);
	all->n = l->xr_own.n;
	for (size_t i = 0; i < l->npf; i++) {
		if (l->pf[i].xr.n > 0)
			memcpy(all->v + all->n, l->pf[i].xr.v, l->pf[i].xr.n * sizeof *all->v);
		all->n += l->pf[i].xr.n;
	}
	return 0;
}

/* Peer p's flagged laps judged over the reviews of every station held
 * (fold.h): this station's and each peer's as they stand. */
static int
ledger_pfold_xapply(struct ledger *l, struct ledger_pfold *p, char **cause)
{
	struct fold_xreviews all;

	if (ledger_xr_all(l, &all, cause) != 0)
		return -1;
	fold_xreviews_apply(p->f, p->ledger, &all);
	fold_xreviews_free(&all);
	return 0;
}

/* This station's walkers whose flagged laps a peer reviewed: their verdicts
 * over the event (fold.h) into st's figures (NULL: none), the walker
 * asked's laps; each one's counted laps more (or fewer) than its own tables
 * say to each (NULL: none). */
static int
ledger_own_xreviewed(struct ledger *l, uint32_t walker, struct ledger_station_figures *st,
                     void (*each)(uint32_t, int64_t, void *), void *arg, char **cause)
{
	struct fold_xreviews all;
	unsigned char own[LEDGER_HASH_LEN];
	uint32_t *ids = NULL;
	size_t nids = 0;
	int rc = -1;

	if (ledger_identity(l, own) != 0)
		return 0;
	if (ledger_xr_all(l, &all, cause) != 0)
		return -1;
	for (size_t i = 0; i < all.n; i++) {
		size_t j;

		if (memcmp(all.v[i].ledger, own, LEDGER_HASH_LEN) != 0)
			continue;
		for (j = 0; j < nids && ids[j] != all.v[i].walker; j++)
			;
		if (j == nids) {
			ids = xrealloc(ids, (nids + 1) * sizeof *ids);
			ids[nids++] = all.v[i].walker;
		}
	}
	for (size_t i = 0; i < nids; i++) {
		struct fold_walker w;
		int64_t acc, rej;

		if (ledger_walker_fold(l, ids[i], &w, cause) != 0) {
			fold_walker_clear(&w);
			goto end;
		}
		acc = w.accepted_laps;
		rej = w.rejected_laps;
		fold_xreviews_walker(&w, own, &all);
		if (st != NULL) {
			st->fig.accepted_laps += w.accepted_laps - acc;
			st->fig.rejected_laps += w.rejected_laps - rej;
		}
		if (st != NULL && ids[i] == walker) {
			st->walker_laps += w.accepted_laps - acc;
			st->walker_pending = fold_pending_laps(&w);
		}
		if (each != NULL && w.accepted_laps != acc)
			each(ids[i], w.accepted_laps - acc, arg);
		fold_walker_clear(&w);
	}
	rc = 0;
end:
	free(ids);
	fold_xreviews_free(&all);
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
	if (ledger_pfold_update(l, p, peer->head_seq, cause) != 0 ||
	    ledger_pfold_xapply(l, p, cause) != 0)
		return NULL;
	return p;
}

struct ledger_xr_peers {
	struct ledger *l;
	char **cause;
	int failed;
};

static int
ledger_xr_peer_cb(const struct ledger_peer *peer, void *arg)
{
	struct ledger_xr_peers *c = arg;

	if (ledger_pfold_get(c->l, peer, c->cause) == NULL) {
		c->failed = 1;
		return 1;
	}
	return 0;
}

int
ledger_event_xreviews(struct ledger *l, struct fold_xreviews *all, char **cause)
{
	struct ledger_xr_peers c = {l, cause, 0};

	memset(all, 0, sizeof *all);
	/* every peer's fold up to date first: its reviews are in it */
	if (ledger_peers(l, ledger_xr_peer_cb, &c, cause) != 0 || c.failed)
		return -1;
	return ledger_xr_all(l, all, cause);
}

static void
ledger_fig_add(struct fold_figures *a, const struct fold_figures *b)
{
	a->walkers += b->walkers;
	a->checked_in += b->checked_in;
	a->laps += b->laps;
	a->manual_laps += b->manual_laps;
	a->flagged_laps += b->flagged_laps;
	a->accepted_laps += b->accepted_laps;
	a->rejected_laps += b->rejected_laps;
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
	st->walker_laps = fold_counted_laps(w); /* what walkers see (fold.h) */
	st->walker_pending = fold_pending_laps(w);
	st->walker_raised_cents = w->cash_cents + w->check_cents + w->other_cents;
	st->has_walker_lap = w->has_lap;
	st->walker_last_lap = w->last_lap;
}

struct ledger_event_ctx {
	struct ledger *l;
	uint32_t walker;
	struct ledger_event_figures *out;
	char **cause;
	int failed;
	unsigned char own[LEDGER_HASH_LEN];
	struct ledger_xlink *links; /* this station's links in force of the walker */
	size_t nlinks;
};

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
	p->offset_now = peer->offset_ms;
	p->out_index = c->out->n - 1;
	if (c->walker != 0) {
		/* the walker there: the same number, and those linked to it here
		 * or there (one person registered at both) */
		uint32_t ids[16];
		size_t nids = 0;

		ids[nids++] = c->walker;
		for (size_t i = 0; i < c->nlinks && nids < 16; i++)
			if (memcmp(c->links[i].ledger, peer->ledger, LEDGER_HASH_LEN) == 0)
				ids[nids++] = c->links[i].other;
		for (size_t i = 0; i < p->nlinks && nids < 16; i++)
			if (p->links[i].other == c->walker &&
			    memcmp(p->links[i].ledger, c->own, LEDGER_HASH_LEN) == 0)
				ids[nids++] = p->links[i].walker;
		for (size_t k = 0; k < nids; k++) {
			struct ledger_station_figures one;
			int again = 0;

			for (size_t j = 0; j < k; j++)
				again |= ids[j] == ids[k];
			if (again)
				continue;
			memset(&one, 0, sizeof one);
			ledger_station_walker(&one, fold_walker(p->f, ids[k]));
			st->walker_laps += one.walker_laps;
			st->walker_pending += one.walker_pending;
			st->walker_raised_cents += one.walker_raised_cents;
			if (one.has_walker_lap &&
			    (!st->has_walker_lap ||
			     one.walker_last_lap.wall_ms > st->walker_last_lap.wall_ms)) {
				st->has_walker_lap = 1;
				st->walker_last_lap = one.walker_last_lap;
			}
		}
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
 * again only when this station's check-ins or the peers' changed. */
static int64_t
ledger_checked_elsewhere(struct ledger *l, int64_t own_checked)
{
	sqlite3_stmt *st;
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0, i, nw;
	int64_t peers = 0, count = 0;

	/* the peers' check-ins change only with their checked_in figure, or
	 * with a fold run again (an annulment there): not with each lap */
	for (i = 0; i < l->npf; i++)
		if (l->pf[i].f != NULL)
			peers += fold_figures(l->pf[i].f)->checked_in * 65536 + l->pf[i].gen;
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

/* The link entries in force here (of walker, 0: every one); *n of them,
 * malloc'd. */
static int
ledger_own_links(struct ledger *l, uint32_t walker, struct ledger_xlink **out, size_t *n,
                 char **cause)
{
	sqlite3_stmt *st = ledger_stmt(l, "SELECT line FROM entries WHERE kind = 'link' AND seq "
	                                  "NOT IN (SELECT seq FROM annulled) ORDER BY seq");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return ledger_db_fail(l, cause, "the links");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		struct ledger_xlink x;
		struct entry e;

		if (entry_decode(line, strlen(line), &e, NULL) != 0 ||
		    ledger_link_parse(&e, &x) != 0 || (walker != 0 && x.walker != walker))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		(*out)[(*n)++] = x;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		return ledger_db_fail(l, cause, "the links");
	}
	return 0;
}

/* ---- judgements across stations, over the whole event ----
 *
 * Every lap in force at every station, by person: a walker number of the
 * event, a peer's walker linked to one of this station's (by either
 * station) being that one.  Each person's laps are judged as one walker's
 * card shows them (ledger_xj_judge), so the event's totals, the leaderboard
 * and the cards take out the same laps.  Kept up to date as entries arrive:
 * a lap adds to its person, and that person alone is judged again (a sort
 * of that walker's laps); all of it is laid out again (from memory, no
 * query) only when a link comes or goes, a peer's fold runs again (an
 * annulment there), the judging limit changes, or a peer's measured offset
 * moves by LEDGER_XJ_OFFSET_MS or more since the one its laps were placed
 * with. */
#define LEDGER_XJ_OFFSET_MS 1000

/* One lap, on this station's clock (a peer's moved by its offset). */
struct ledger_xlap {
	int64_t t, seq;
	uint32_t station; /* 0: here; else the peer's fold index + 1 */
};

struct ledger_person {
	uint32_t id;
	uint32_t n, cap;
	struct ledger_xlap *laps;
	int64_t review, gap_ms; /* laps not counted, for review; the closest gap */
	uint32_t ra, rb;        /* the first such pair's stations */
};

/* This station's laps in force, by seq. */
struct ledger_ownlap {
	int64_t seq, t;
	uint32_t walker;
	int dead; /* annulled since */
};

/* A peer's walker linked to one of this station's. */
struct ledger_xmap {
	uint32_t station, other, walker;
};

struct ledger_xj {
	int64_t own_seq; /* this station's entries taken, up to */
	int64_t limit;   /* judged with */
	struct ledger_ownlap *own;
	size_t nown, capown;
	struct ledger_person *people;
	size_t npeople, cappeople;
	uint32_t *slot; /* open addressing by id: person index + 1; 0 empty */
	size_t nslot;
	struct ledger_xmap *map;
	size_t nmap;
	int64_t review; /* the people's, summed */
};

static void
ledger_xj_clear_people(struct ledger_xj *x)
{
	for (size_t i = 0; i < x->npeople; i++)
		free(x->people[i].laps);
	x->npeople = 0;
	x->review = 0;
	if (x->slot != NULL)
		memset(x->slot, 0, x->nslot * sizeof *x->slot);
}

void
ledger_xj_free(struct ledger_xj *x)
{
	if (x == NULL)
		return;
	ledger_xj_clear_people(x);
	free(x->people);
	free(x->slot);
	free(x->own);
	free(x->map);
	free(x);
}

static size_t
ledger_xj_hash(uint32_t id, size_t nslot)
{
	return (size_t)((id * 2654435761u) & (uint32_t)(nslot - 1));
}

static struct ledger_person *
ledger_xj_find(const struct ledger_xj *x, uint32_t id)
{
	if (x->nslot == 0)
		return NULL;
	for (size_t h = ledger_xj_hash(id, x->nslot);; h = (h + 1) & (x->nslot - 1)) {
		if (x->slot[h] == 0)
			return NULL;
		if (x->people[x->slot[h] - 1].id == id)
			return &x->people[x->slot[h] - 1];
	}
}

static struct ledger_person *
ledger_xj_person(struct ledger_xj *x, uint32_t id)
{
	struct ledger_person *p = ledger_xj_find(x, id);
	size_t h;

	if (p != NULL)
		return p;
	if (2 * (x->npeople + 1) > x->nslot) { /* half full at most */
		size_t n = x->nslot ? 2 * x->nslot : 1024;
		free(x->slot);
		x->slot = xcalloc(n, sizeof *x->slot);
		x->nslot = n;
		for (size_t i = 0; i < x->npeople; i++) {
			for (h = ledger_xj_hash(x->people[i].id, n); x->slot[h] != 0;
			     h = (h + 1) & (n - 1))
				;
			x->slot[h] = (uint32_t)i + 1;
		}
	}
	if (x->npeople == x->cappeople) {
		x->cappeople = x->cappeople ? 2 * x->cappeople : 256;
		x->people = xrealloc(x->people, x->cappeople * sizeof *x->people);
	}
	p = &x->people[x->npeople++];
	memset(p, 0, sizeof *p);
	p->id = id;
	for (h = ledger_xj_hash(id, x->nslot); x->slot[h] != 0; h = (h + 1) & (x->nslot - 1))
		;
	x->slot[h] = (uint32_t)x->npeople;
	return p;
}

static int
ledger_xlap_cmp(const void *a, const void *b)
{
	const struct ledger_xlap *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->station != y->station)
		return x->station < y->station ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One person's laps at two stations closer together than a lap can be
 * walked (the event's min-lap, else hold-off), on this station's clock:
 * likely one lap counted twice (a scan at the lap point, a lap added by
 * hand at the table).  The later of each pair is not counted and is shown
 * for a coordinator's review instead: never counted twice, never dropped.
 * Within one station the station's own rules judged already (fold.c). */
static void
ledger_xj_judge(struct ledger_xj *x, struct ledger_person *p)
{
	x->review -= p->review;
	p->review = p->gap_ms = 0;
	p->ra = p->rb = 0;
	if (x->limit <= 0 || p->n < 2)
		return;
	qsort(p->laps, p->n, sizeof *p->laps, ledger_xlap_cmp);
	for (uint32_t i = 1, last = 0; i < p->n; i++) {
		const struct ledger_xlap *a = &p->laps[last], *b = &p->laps[i];
		int64_t gap = b->t - a->t;

		if (a->station == b->station || gap >= x->limit) {
			last = i;
			continue;
		}
		/* b stays beside a: the next lap is judged from a, the one counted */
		if (p->review == 0 || gap < p->gap_ms)
			p->gap_ms = gap;
		if (p->review == 0) {
			p->ra = a->station;
			p->rb = b->station;
		}
		p->review++;
	}
	x->review += p->review;
}

static void
ledger_xj_push(struct ledger_person *p, int64_t t, int64_t seq, uint32_t station)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 4;
		p->laps = xrealloc(p->laps, p->cap * sizeof *p->laps);
	}
	p->laps[p->n++] = (struct ledger_xlap){t, seq, station};
}

/* The person a peer's walker is: the walker of this station linked to it,
 * else the same number. */
static uint32_t
ledger_xj_who(const struct ledger_xj *x, uint32_t station, uint32_t walker)
{
	for (size_t i = 0; i < x->nmap; i++)
		if (x->map[i].station == station && x->map[i].other == walker)
			return x->map[i].walker;
	return walker;
}

uint32_t
ledger_event_person_of(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN],
                       uint32_t walker)
{
	for (size_t i = 0; l->xj != NULL && i < l->npf; i++)
		if (memcmp(l->pf[i].ledger, ledger, LEDGER_HASH_LEN) == 0)
			return ledger_xj_who(l->xj, (uint32_t)i + 1, walker);
	return walker;
}

static void
ledger_xj_map(struct ledger_xj *x, uint32_t station, uint32_t other, uint32_t walker)
{
	x->map = xrealloc(x->map, (x->nmap + 1) * sizeof *x->map);
	x->map[x->nmap++] = (struct ledger_xmap){station, other, walker};
}

static int64_t
ledger_xj_limit(const struct ledger *l)
{
	return l->ev.rules.min_lap_ms > 0 ? l->ev.rules.min_lap_ms : l->ev.rules.holdoff_ms;
}

static void
ledger_xj_peer_lap(struct ledger_xj *x, struct ledger_pfold *p, uint32_t station,
                   const struct ledger_lap *lap, int judge)
{
	struct ledger_person *who = ledger_xj_person(x, ledger_xj_who(x, station, lap->walker));

	ledger_xj_push(who, lap->wall_ms - p->xl_offset, lap->seq, station);
	if (judge)
		ledger_xj_judge(x, who);
}

/* Every lap laid out again, from memory: the links, the peers' offsets. */
static int
ledger_xj_rebuild(struct ledger *l, char **cause)
{
	struct ledger_xj *x = l->xj;
	struct ledger_xlink *links = NULL;
	unsigned char own[LEDGER_HASH_LEN];
	size_t nlinks = 0, i, j;

	if (ledger_own_links(l, 0, &links, &nlinks, cause) != 0)
		return -1;
	if (ledger_identity(l, own) != 0)
		memset(own, 0, sizeof own);
	ledger_xj_clear_people(x);
	x->nmap = 0;
	x->limit = ledger_xj_limit(l);
	for (i = 0; i < l->npf; i++) {
		struct ledger_pfold *p = &l->pf[i];
		for (j = 0; j < nlinks; j++)
			if (memcmp(links[j].ledger, p->ledger, LEDGER_HASH_LEN) == 0)
				ledger_xj_map(x, (uint32_t)i + 1, links[j].other, links[j].walker);
		for (j = 0; j < p->nlinks; j++)
			if (memcmp(p->links[j].ledger, own, LEDGER_HASH_LEN) == 0)
				ledger_xj_map(x, (uint32_t)i + 1, p->links[j].walker,
				              p->links[j].other);
	}
	free(links);
	for (i = 0; i < x->nown; i++)
		if (!x->own[i].dead)
			ledger_xj_push(ledger_xj_person(x, x->own[i].walker), x->own[i].t,
			               x->own[i].seq, 0);
	for (i = 0; i < l->npf; i++) {
		struct ledger_pfold *p = &l->pf[i];
		p->xl_offset = p->offset_now;
		p->xl_gen = p->gen;
		p->xl_links = p->nlinks;
		for (j = 0; j < p->nlaps; j++)
			ledger_xj_peer_lap(x, p, (uint32_t)i + 1, &p->laps[j], 0);
		p->xl_laps = p->nlaps;
	}
	for (i = 0; i < x->npeople; i++)
		ledger_xj_judge(x, &x->people[i]);
	return 0;
}

static void
ledger_xj_own_push(struct ledger_xj *x, uint32_t walker, int64_t seq, int64_t t)
{
	if (x->nown == x->capown) {
		x->capown = x->capown ? 2 * x->capown : 1024;
		x->own = xrealloc(x->own, x->capown * sizeof *x->own);
	}
	x->own[x->nown++] = (struct ledger_ownlap){seq, t, walker, 0};
}

/* This station's new entries: laps added, a lap annulled taken out; a link
 * made or annulled asks for every lap laid out again (*again). */
struct ledger_xj_more {
	struct ledger *l;
	int again;
};

static int
ledger_xj_more_cb(const struct ledger_entry *e, void *arg)
{
	struct ledger_xj_more *m = arg;
	struct ledger_xj *x = m->l->xj;

	x->own_seq = e->seq;
	if (strcmp(e->kind, "lap") == 0) {
		ledger_xj_own_push(x, e->walker, e->seq, e->at.wall_ms);
		if (!m->again) {
			struct ledger_person *p = ledger_xj_person(x, e->walker);
			ledger_xj_push(p, e->at.wall_ms, e->seq, 0);
			ledger_xj_judge(x, p);
		}
	} else if (strcmp(e->kind, "link") == 0) {
		m->again = 1;
	} else if (strcmp(e->kind, "annul") == 0 && e->ref > 0) {
		size_t lo = 0, hi = x->nown;
		while (lo < hi) { /* own laps are by seq */
			size_t mid = lo + (hi - lo) / 2;
			if (x->own[mid].seq < e->ref)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < x->nown && x->own[lo].seq == e->ref && !x->own[lo].dead) {
			struct ledger_person *p = ledger_xj_find(x, x->own[lo].walker);
			x->own[lo].dead = 1;
			for (uint32_t i = 0; p != NULL && i < p->n; i++)
				if (p->laps[i].station == 0 && p->laps[i].seq == e->ref) {
					p->laps[i] = p->laps[--p->n];
					ledger_xj_judge(x, p);
					break;
				}
		} else {
			m->again = 1; /* perhaps a link: rare, and cheap enough */
		}
	}
	return 0;
}

/* Brings the judgements up to this station's entries and the peers' folds
 * (made up to date by the caller). */
static int
ledger_xj_update(struct ledger *l, char **cause)
{
	struct ledger_xj_more m = {l, 0};
	struct ledger_xj *x = l->xj;
	size_t i, j;

	if (x == NULL) {
		sqlite3_stmt *st = ledger_stmt(
		    l, "SELECT seq, walker, wall_ms FROM entries WHERE kind = 'lap' AND seq NOT IN "
		       "(SELECT seq FROM annulled) ORDER BY seq");
		struct ledger_totals t;
		int rc;

		if (ledger_totals(l, &t, cause) != 0)
			return -1;
		if (st == NULL)
			return ledger_db_fail(l, cause, "the laps");
		x = l->xj = xcalloc(1, sizeof *x);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			ledger_xj_own_push(x, (uint32_t)sqlite3_column_int64(st, 1),
			                   sqlite3_column_int64(st, 0),
			                   sqlite3_column_int64(st, 2));
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			ledger_xj_free(x);
			l->xj = NULL;
			return ledger_db_fail(l, cause, "the laps");
		}
		x->own_seq = t.last_seq;
		m.again = 1;
	} else if (ledger_entries(l, x->own_seq + 1, ledger_xj_more_cb, &m, cause) != 0) {
		return -1;
	}
	m.again |= x->limit != ledger_xj_limit(l);
	for (i = 0; i < l->npf && !m.again; i++) {
		const struct ledger_pfold *p = &l->pf[i];
		int64_t moved = p->offset_now - p->xl_offset;
		m.again = p->gen != p->xl_gen || p->nlinks != p->xl_links ||
		          moved >= LEDGER_XJ_OFFSET_MS || moved <= -LEDGER_XJ_OFFSET_MS;
	}
	if (m.again)
		return ledger_xj_rebuild(l, cause);
	for (i = 0; i < l->npf; i++) {
		struct ledger_pfold *p = &l->pf[i];
		for (j = p->xl_laps; j < p->nlaps; j++)
			ledger_xj_peer_lap(x, p, (uint32_t)i + 1, &p->laps[j], 1);
		p->xl_laps = p->nlaps;
	}
	return 0;
}

/* The out->station index of judgement station s. */
static size_t
ledger_xj_out(const struct ledger *l, uint32_t s)
{
	return s == 0 ? 0 : l->pf[s - 1].out_index;
}

int
ledger_event_figures(struct ledger *l, uint32_t walker, struct ledger_event_figures *out,
                     char **cause)
{
	struct ledger_event_ctx c = {l, walker, out, cause, 0, {0}, NULL, 0};
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
	    .accepted_laps = t.accepted_laps,
	    .rejected_laps = t.rejected_laps,
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
		if (ledger_identity(l, c.own) != 0)
			memset(c.own, 0, sizeof c.own); /* no event: nothing links to it */
		if (ledger_own_links(l, walker, &c.links, &c.nlinks, cause) != 0)
			goto fail;
	}
	out->n = 1;
	if (ledger_peers(l, ledger_event_peer_cb, &c, cause) != 0 || c.failed ||
	    ledger_xj_update(l, cause) != 0)
		goto fail;
	/* this station's flagged laps reviewed at a peer (the table reviewing
	 * the lap point's): as the event's folds count them */
	if (ledger_own_xreviewed(l, walker, &out->station[0], NULL, NULL, cause) != 0)
		goto fail;
	for (size_t i = 0; i < out->n; i++) {
		ledger_fig_add(&out->all, &out->station[i].fig);
		out->walker_laps += out->station[i].walker_laps;
		out->walker_pending += out->station[i].walker_pending;
		out->walker_raised_cents += out->station[i].walker_raised_cents;
	}
	out->all.checked_in = t.checked_in + ledger_checked_elsewhere(l, t.checked_in);
	ledger_event_names(out);
	/* the laps counted twice across stations, as the cards count them */
	out->review_laps = l->xj->review;
	out->all.laps -= out->review_laps;
	if (walker != 0) {
		const struct ledger_person *p = ledger_xj_find(l->xj, walker);
		if (p != NULL && p->review > 0) {
			out->walker_review = p->review;
			out->review_gap_ms = p->gap_ms;
			out->review_a = ledger_xj_out(l, p->ra);
			out->review_b = ledger_xj_out(l, p->rb);
			out->walker_laps -= p->review;
		}
	}
	free(c.links);
	return 0;
fail:
	free(c.links);
	ledger_event_figures_clear(out);
	return -1;
}

void
ledger_event_figures_clear(struct ledger_event_figures *f)
{
	free(f->station);
	memset(f, 0, sizeof *f);
}

/* ---- the leaderboard over the whole event ---- */

/* One station's share of a person (own: rank 0; a peer: its index + 1). */
struct ledger_share {
	uint32_t id;
	uint32_t rank;
	int registered;
	int64_t laps, raised_cents;
	char *name, *team; /* owned */
};

struct ledger_shares {
	struct ledger_share *v;
	size_t n, cap;
};

static void
ledger_share_push(struct ledger_shares *s, uint32_t id, uint32_t rank, int registered, int64_t laps,
                  int64_t raised, const char *name, const char *team)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = (struct ledger_share){id,
	                                     rank,
	                                     registered,
	                                     laps,
	                                     raised,
	                                     registered && name != NULL ? xstrdup(name) : NULL,
	                                     registered && team != NULL ? xstrdup(team) : NULL};
}

static int
ledger_share_own_cb(const struct ledger_walker *w, void *arg)
{
	ledger_share_push(arg, w->id, 0, w->active && w->reg_seq > 0, w->counted_laps,
	                  w->raised_cents, w->name, w->team);
	return 0;
}

/* A walker's flagged laps here accepted (or rejected) at another station:
 * the laps more (or fewer) than this station's tables count. */
static void
ledger_share_xreviewed(uint32_t id, int64_t laps, void *arg)
{
	ledger_share_push(arg, id, 0, 0, laps, 0, NULL, NULL);
}

static int
ledger_share_cmp(const void *a, const void *b)
{
	const struct ledger_share *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

int
ledger_event_people(struct ledger *l, int (*cb)(const struct ledger_event_person *, void *),
                    void *arg, char **cause)
{
	struct ledger_event_figures ef;
	struct ledger_shares s = {0};
	size_t i, j;
	int rc = -1;

	/* every peer's fold and the judgements up to date */
	if (ledger_event_figures(l, 0, &ef, cause) != 0)
		return -1;
	if (ledger_walkers(l, NULL, ledger_share_own_cb, &s, cause) != 0 ||
	    ledger_own_xreviewed(l, 0, NULL, ledger_share_xreviewed, &s, cause) != 0)
		goto end;
	for (i = 0; i < l->npf; i++) {
		size_t nw;
		const struct fold_walker *w = fold_walkers(l->pf[i].f, &nw);

		for (j = 0; j < nw; j++)
			ledger_share_push(&s, ledger_xj_who(l->xj, (uint32_t)i + 1, w[j].id),
			                  (uint32_t)i + 1, w[j].active && w[j].reg_seq > 0,
			                  fold_counted_laps(&w[j]),
			                  w[j].cash_cents + w[j].check_cents + w[j].other_cents,
			                  w[j].name, w[j].team);
	}
	if (s.n > 0)
		qsort(s.v, s.n, sizeof *s.v, ledger_share_cmp);
	for (i = 0; i < s.n; i = j) {
		struct ledger_event_person p = {s.v[i].id, NULL, NULL, 0, 0, 0};
		const struct ledger_person *x = ledger_xj_find(l->xj, p.id);
		int registered = 0;

		for (j = i; j < s.n && s.v[j].id == p.id; j++) {
			p.laps += s.v[j].laps;
			p.raised_cents += s.v[j].raised_cents;
			if (s.v[j].registered && !registered) { /* here first, else a peer */
				registered = 1;
				p.name = s.v[j].name;
				p.team = s.v[j].team;
				p.here = s.v[j].rank == 0;
			}
		}
		if (x != NULL)
			p.laps -= x->review; /* counted once, as on the card */
		if (registered && cb(&p, arg) != 0)
			break;
	}
	rc = 0;
end:
	for (i = 0; i < s.n; i++) {
		free(s.v[i].name);
		free(s.v[i].team);
	}
	free(s.v);
	ledger_event_figures_clear(&ef);
	return rc;
}

struct ledger_eteam {
	char *key, *team; /* folded, as first spelt */
	int64_t walkers, laps, raised_cents;
};

struct ledger_eteams {
	struct ledger_eteam *v;
	size_t n, cap;
};

static int
ledger_eteam_cb(const struct ledger_event_person *p, void *arg)
{
	struct ledger_eteams *t = arg;
	char *key = text_fold(p->team != NULL ? p->team : "");
	size_t i;

	for (i = 0; i < t->n && strcmp(t->v[i].key, key) != 0; i++)
		;
	if (i == t->n) {
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 16;
			t->v = xrealloc(t->v, t->cap * sizeof *t->v);
		}
		t->v[t->n++] = (struct ledger_eteam){key, xstrdup(key[0] ? p->team : ""), 0, 0, 0};
	} else {
		free(key);
	}
	t->v[i].walkers++;
	t->v[i].laps += p->laps;
	t->v[i].raised_cents += p->raised_cents;
	return 0;
}

/* ledger_teams' order: teams by money raised, then name; no team last. */
static int
ledger_eteam_cmp(const void *a, const void *b)
{
	const struct ledger_eteam *x = a, *y = b;

	if ((x->key[0] == '\0') != (y->key[0] == '\0'))
		return x->key[0] == '\0' ? 1 : -1;
	if (x->raised_cents != y->raised_cents)
		return x->raised_cents > y->raised_cents ? -1 : 1;
	return strcmp(x->team, y->team);
}

int
ledger_event_teams(struct ledger *l, int (*cb)(const struct ledger_team *, void *), void *arg,
                   char **cause)
{
	struct ledger_eteams t = {0};
	int rc = ledger_event_people(l, ledger_eteam_cb, &t, cause);

	if (rc == 0 && t.n > 0)
		qsort(t.v, t.n, sizeof *t.v, ledger_eteam_cmp);
	for (size_t i = 0; rc == 0 && i < t.n; i++) {
		struct ledger_team one = {t.v[i].team, t.v[i].walkers, t.v[i].laps,
		                          t.v[i].raised_cents};
		if (cb(&one, arg) != 0)
			break;
	}
	for (size_t i = 0; i < t.n; i++) {
		free(t.v[i].key);
		free(t.v[i].team);
	}
	free(t.v);
	return rc;
}

/* ---- conflicts in words: likely duplicates, links, review requests ---- */

struct ledger_find_peer {
	const char *station;
	struct ledger_peer p;
	int found;
};

static int
ledger_find_peer_cb(const struct ledger_peer *p, void *arg)
{
	struct ledger_find_peer *f = arg;

	if (strcmp(p->station, f->station) != 0)
		return 0;
	f->p = *p;
	f->found = 1;
	return 1;
}

/* The peer whose station id is `station`, its fold up to date. */
static struct ledger_pfold *
ledger_peer_named(struct ledger *l, const char *station, struct ledger_peer *out, char **cause)
{
	struct ledger_find_peer f;

	memset(&f, 0, sizeof f);
	f.station = station;

	if (ledger_peers(l, ledger_find_peer_cb, &f, cause) != 0)
		return NULL;
	if (!f.found) {
		util_fail(cause, "No entries of station %s are held here: sync with it first.",
		          station);
		return NULL;
	}
	*out = f.p;
	return ledger_pfold_get(l, &f.p, cause);
}

/* The name a fold gives walker id, registered and in force; NULL: none. */
static const char *
ledger_fold_name(const struct fold *f, uint32_t id)
{
	const struct fold_walker *w = fold_walker(f, id);

	return w != NULL && w->active && w->reg_seq > 0 && w->name != NULL ? w->name : NULL;
}

int
ledger_link(struct ledger *l, uint32_t walker, const char *station, uint32_t other, const char *op,
            int64_t *seq, char **cause)
{
	struct ledger_walker w;
	struct ledger_peer peer;
	struct ledger_pfold *p;
	struct ledger_xlink *links = NULL;
	struct strbuf data = STRBUF_INIT;
	char hex[2 * LEDGER_HASH_LEN + 1];
	size_t n = 0;
	int rc = -1;

	memset(&w, 0, sizeof w);
	if (ledger_walker_get(l, walker, &w, cause) != 0)
		goto end;
	if (w.reg_seq == 0 || !w.active) {
		util_fail(cause, "Walker %" PRIu32 " is not registered at this station.", walker);
		goto end;
	}
	if ((p = ledger_peer_named(l, station, &peer, cause)) == NULL)
		goto end;
	if (ledger_fold_name(p->f, other) == NULL) {
		util_fail(cause, "Walker %" PRIu32 " is not registered at station %s.", other,
		          station);
		goto end;
	}
	if (ledger_own_links(l, walker, &links, &n, cause) != 0)
		goto end;
	for (size_t i = 0; i < n; i++)
		if (links[i].other == other &&
		    memcmp(links[i].ledger, peer.ledger, LEDGER_HASH_LEN) == 0) {
			util_fail(cause,
			          "Walker %" PRIu32
			          " is already linked to station %s's walker %" PRIu32 ".",
			          walker, station, other);
			goto end;
		}
	ledger_hex(peer.ledger, hex);
	strbuf_printf(&data, "{\"walker\":%" PRIu32 ",\"station\":", walker);
	strbuf_json(&data, station);
	strbuf_printf(&data, ",\"ledger\":\"%s\",\"other_walker\":%" PRIu32 "}", hex, other);
	rc = ledger_append(l, "link", 0, 0, 0, data.s, op, seq, cause);
end:
	free(links);
	strbuf_free(&data);
	ledger_walker_clear(&w);
	return rc;
}

/* The entry `seq` held of peer p, decoded into *e (its line in *line). */
struct ledger_one_line {
	char *line;
};

static int
ledger_one_cb(const struct ledger_entry *e, void *arg)
{
	struct ledger_one_line *o = arg;

	o->line = xstrdup(e->line);
	return 1;
}

int
ledger_review_ask(struct ledger *l, const char *station, int64_t target, const char *reason,
                  const char *op, int64_t *seq, char **cause)
{
	struct ledger_peer peer;
	struct ledger_pfold *p;
	struct ledger_one_line o = {NULL};
	struct strbuf data = STRBUF_INIT;
	char hex[2 * LEDGER_HASH_LEN + 1];
	struct entry e;
	int rc = -1;

	if (reason == NULL || *reason == '\0') {
		util_fail(cause, "Say why the money should be reviewed.");
		goto end;
	}
	if ((p = ledger_peer_named(l, station, &peer, cause)) == NULL)
		goto end;
	if (target < 1 || target > peer.head_seq ||
	    ledger_peer_entries(l, peer.ledger, target, ledger_one_cb, &o, cause) != 0 ||
	    o.line == NULL || entry_decode(o.line, strlen(o.line), &e, NULL) != 0 ||
	    e.kind != ENTRY_DONATION) {
		util_fail(cause, "Entry %" PRId64 " of station %s held here is not a donation.",
		          target, station);
		goto end;
	}
	if (fold_annulled_by(p->f, target) != 0) {
		util_fail(cause, "Station %s's entry %" PRId64 " is annulled there already.",
		          station, target);
		goto end;
	}
	ledger_hex(peer.ledger, hex);
	strbuf_puts(&data, "{\"station\":");
	strbuf_json(&data, station);
	strbuf_printf(
	    &data, ",\"ledger\":\"%s\",\"seq\":%" PRId64 ",\"walker\":%" PRIu32 ",\"reason\":", hex,
	    target, e.walker);
	strbuf_json(&data, reason);
	strbuf_puts(&data, "}");
	rc = ledger_append(l, "review", 0, 0, 0, data.s, op, seq, cause);
end:
	free(o.line);
	strbuf_free(&data);
	return rc;
}

/* A registered walker's name, folded, and where: station index (0 here). */
struct ledger_reg {
	char *key;
	size_t station;
	uint32_t id;
	const char *name; /* borrowed */
};

static int
ledger_reg_cmp(const void *a, const void *b)
{
	const struct ledger_reg *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	if (x->station != y->station)
		return x->station < y->station ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

struct ledger_regs {
	struct ledger_reg *v;
	size_t n, cap;
	char **names; /* this station's, owned */
	size_t nnames;
};

static void
ledger_reg_push(struct ledger_regs *r, const char *name, size_t station, uint32_t id)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = (struct ledger_reg){text_fold(name), station, id, name};
}

static int
ledger_reg_own_cb(const struct ledger_walker *w, void *arg)
{
	struct ledger_regs *r = arg;

	if (w->reg_seq == 0 || !w->active || w->name == NULL)
		return 0;
	r->names = xrealloc(r->names, (r->nnames + 1) * sizeof *r->names);
	r->names[r->nnames] = xstrdup(w->name);
	ledger_reg_push(r, r->names[r->nnames++], 0, w->id);
	return 0;
}

static void
ledger_regs_free(struct ledger_regs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].key);
	free(r->v);
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	memset(r, 0, sizeof *r);
}

/* Every registration in force of the event, here (station 0) and at each
 * peer (its index in ef->station), sorted by folded name. */
static int
ledger_regs_build(struct ledger *l, const struct ledger_event_figures *ef, struct ledger_regs *r,
                  char **cause)
{
	memset(r, 0, sizeof *r);
	if (ledger_walkers(l, NULL, ledger_reg_own_cb, r, cause) != 0)
		return -1;
	for (size_t i = 1; i < ef->n; i++) {
		struct ledger_peer peer;
		struct ledger_pfold *p = ledger_peer_named(l, ef->station[i].station, &peer, cause);
		size_t nw;
		const struct fold_walker *w;

		if (p == NULL)
			return -1;
		w = fold_walkers(p->f, &nw);
		for (size_t j = 0; j < nw; j++)
			if (w[j].active && w[j].reg_seq > 0 && w[j].name != NULL)
				ledger_reg_push(r, w[j].name, i, w[j].id);
	}
	if (r->n > 0)
		qsort(r->v, r->n, sizeof *r->v, ledger_reg_cmp);
	return 0;
}

/* 1 when walker a of peer pa and walker b of peer pb are linked by either
 * (a link names the other's ledger). */
static int
ledger_peers_linked(const struct ledger_pfold *pa, uint32_t a, const struct ledger_pfold *pb,
                    uint32_t b)
{
	for (size_t k = 0; k < pa->nlinks; k++)
		if (pa->links[k].walker == a && pa->links[k].other == b &&
		    memcmp(pa->links[k].ledger, pb->ledger, LEDGER_HASH_LEN) == 0)
			return 1;
	for (size_t k = 0; k < pb->nlinks; k++)
		if (pb->links[k].walker == b && pb->links[k].other == a &&
		    memcmp(pb->links[k].ledger, pa->ledger, LEDGER_HASH_LEN) == 0)
			return 1;
	return 0;
}

int
ledger_event_duplicates(struct ledger *l, int (*cb)(const struct ledger_duplicate *, void *),
                        void *arg, char **cause)
{
	struct ledger_event_figures ef;
	struct ledger_regs r = {0};
	struct ledger_xlink *links = NULL;
	unsigned char own[LEDGER_HASH_LEN] = {0};
	size_t nlinks = 0, i, j;
	int rc = -1;

	/* every peer's fold up to date, and the stations' names */
	if (ledger_event_figures(l, 0, &ef, cause) != 0)
		return -1;
	if (ledger_identity(l, own) != 0)
		memset(own, 0, sizeof own);
	if (ledger_regs_build(l, &ef, &r, cause) != 0 ||
	    ledger_own_links(l, 0, &links, &nlinks, cause) != 0)
		goto end;
	/* the same name here and at a peer, not linked by either station */
	for (i = 0; i < r.n; i++) {
		if (r.v[i].station != 0 || r.v[i].key[0] == '\0')
			continue;
		for (j = i + 1; j < r.n && strcmp(r.v[j].key, r.v[i].key) == 0; j++) {
			struct ledger_duplicate d;
			struct ledger_peer peer;
			struct ledger_pfold *p;
			int linked = 0;

			if (r.v[j].station == 0)
				continue;
			p = ledger_peer_named(l, ef.station[r.v[j].station].station, &peer, cause);
			if (p == NULL)
				goto end;
			if (r.v[j].id == r.v[i].id) /* one walker number: one badge, one walker */
				continue;
			for (size_t k = 0; k < nlinks; k++)
				linked |=
				    links[k].walker == r.v[i].id && links[k].other == r.v[j].id &&
				    memcmp(links[k].ledger, peer.ledger, LEDGER_HASH_LEN) == 0;
			for (size_t k = 0; k < p->nlinks; k++)
				linked |= p->links[k].walker == r.v[j].id &&
				          p->links[k].other == r.v[i].id &&
				          memcmp(p->links[k].ledger, own, LEDGER_HASH_LEN) == 0;
			if (linked)
				continue;
			memset(&d, 0, sizeof d);
			d.walker = r.v[i].id;
			ledger_copy(d.name, sizeof d.name, r.v[i].name);
			ledger_copy(d.station, sizeof d.station, peer.station);
			ledger_copy(d.station_name, sizeof d.station_name,
			            ef.station[r.v[j].station].name);
			d.other = r.v[j].id;
			ledger_copy(d.other_name, sizeof d.other_name, r.v[j].name);
			if (cb(&d, arg) != 0) {
				rc = 0;
				goto end;
			}
		}
	}
	rc = 0;
end:
	ledger_regs_free(&r);
	free(links);
	ledger_event_figures_clear(&ef);
	return rc;
}

int
ledger_event_reviews(struct ledger *l, int (*cb)(const struct ledger_review *, void *), void *arg,
                     char **cause)
{
	static const char sql[] = "SELECT walker, amount FROM entries WHERE seq = ?1 AND kind = "
	                          "'donation' AND seq NOT IN (SELECT seq FROM annulled)";
	struct ledger_event_figures ef;
	unsigned char own[LEDGER_HASH_LEN];
	int rc = -1;

	if (ledger_event_figures(l, 0, &ef, cause) != 0)
		return -1;
	if (ledger_identity(l, own) != 0) {
		rc = 0;
		goto end;
	}
	for (size_t i = 1; i < ef.n; i++) {
		struct ledger_peer peer;
		struct ledger_pfold *p = ledger_peer_named(l, ef.station[i].station, &peer, cause);

		if (p == NULL)
			goto end;
		for (size_t k = 0; k < p->nasks; k++) {
			const struct ledger_ask *a = &p->asks[k];
			struct ledger_review rv;
			sqlite3_stmt *st;
			int here;

			if (memcmp(a->ledger, own, LEDGER_HASH_LEN) != 0)
				continue;
			if ((st = ledger_stmt(l, sql)) == NULL) {
				ledger_db_fail(l, cause, "the review requests");
				goto end;
			}
			memset(&rv, 0, sizeof rv);
			sqlite3_bind_int64(st, 1, a->target);
			if ((here = sqlite3_step(st) == SQLITE_ROW)) {
				rv.walker = (uint32_t)sqlite3_column_int64(st, 0);
				rv.cents = sqlite3_column_int64(st, 1);
			}
			sqlite3_reset(st);
			if (!here) /* annulled here since, or not money: nothing to review */
				continue;
			ledger_copy(rv.station, sizeof rv.station, peer.station);
			ledger_copy(rv.station_name, sizeof rv.station_name, ef.station[i].name);
			rv.request_seq = a->seq;
			rv.seq = a->target;
			ledger_copy(rv.reason, sizeof rv.reason, a->reason);
			if (cb(&rv, arg) != 0)
				break;
		}
	}
	rc = 0;
end:
	ledger_event_figures_clear(&ef);
	return rc;
}

struct ledger_name_ctx {
	struct ledger *l;
	uint32_t id;
	struct ledger_event_walker *out;
	int found;
	char **cause;
};

static int
ledger_name_cb(const struct ledger_peer *peer, void *arg)
{
	struct ledger_name_ctx *c = arg;
	struct ledger_pfold *p = ledger_pfold_get(c->l, peer, c->cause);
	const struct fold_walker *w;

	if (p == NULL)
		return 1;
	w = fold_walker(p->f, c->id);
	if (w == NULL || !w->active || w->reg_seq == 0 || w->name == NULL)
		return 0;
	ledger_copy(c->out->name, sizeof c->out->name, w->name);
	ledger_copy(c->out->team, sizeof c->out->team, w->team != NULL ? w->team : "");
	ledger_copy(c->out->station, sizeof c->out->station, peer->station);
	c->out->checked_in = w->checkin_seq != 0;
	c->found = 1;
	return 1;
}

int
ledger_event_walker(struct ledger *l, uint32_t id, struct ledger_event_walker *out, char **cause)
{
	struct ledger_name_ctx c = {l, id, out, 0, cause};

	memset(out, 0, sizeof *out);
	if (ledger_peers(l, ledger_name_cb, &c, cause) != 0)
		return -1;
	return c.found;
}

char *
ledger_peer_cert(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN])
{
	sqlite3_stmt *st = ledger_stmt(l, "SELECT cert FROM peers WHERE ledger = ?1");
	char *cert = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_blob(st, 1, ledger, LEDGER_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		cert = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return cert;
}

/* ---- every conflict, in people's words (the coordinator's list) ---- */

struct ledger_conf_ctx {
	struct ledger *l;
	const struct ledger_event_figures *ef;
	int (*cb)(const struct ledger_conflict *, void *);
	void *arg;
	int stop;
	size_t *pf; /* the fold of each ef->station (by index; 0 unused) */
};

static void
ledger_conf_emit(struct ledger_conf_ctx *c, struct ledger_conflict *x)
{
	if (!c->stop && c->cb(x, c->arg) != 0)
		c->stop = 1;
}

static int
ledger_conf_dup_cb(const struct ledger_duplicate *d, void *arg)
{
	struct ledger_conf_ctx *c = arg;
	struct ledger_conflict x;

	memset(&x, 0, sizeof x);
	x.kind = LEDGER_CONFLICT_DUPLICATE;
	x.walker = d->walker;
	ledger_copy(x.station, sizeof x.station, d->station);
	x.other = d->other;
	snprintf(x.text, sizeof x.text,
	         "%s (walker %" PRIu32 ") here and %s (walker %" PRIu32
	         ") at %s: likely the same person.",
	         d->name, d->walker, d->other_name, d->other, d->station_name);
	ledger_conf_emit(c, &x);
	return c->stop;
}

static int
ledger_conf_review_cb(const struct ledger_review *r, void *arg)
{
	struct ledger_conf_ctx *c = arg;
	struct ledger_conflict x;
	char money[32];

	memset(&x, 0, sizeof x);
	x.kind = LEDGER_CONFLICT_REVIEW;
	x.walker = r->walker;
	x.seq = r->seq;
	ledger_copy(x.station, sizeof x.station, r->station);
	snprintf(x.text, sizeof x.text,
	         "%s asks to review %s of walker %" PRIu32 " (entry %" PRId64
	         "): \"%s\". Only this station can annul it.",
	         r->station_name, amount_format(r->cents, money, sizeof money), r->walker, r->seq,
	         r->reason);
	ledger_conf_emit(c, &x);
	return c->stop;
}

/* A walker's name for the list: here, else where registered; "" none. */
static void
ledger_conf_name(struct ledger *l, uint32_t id, char *out, size_t len)
{
	struct ledger_walker w;
	struct ledger_event_walker ew;

	out[0] = '\0';
	memset(&w, 0, sizeof w);
	if (ledger_walker_get(l, id, &w, NULL) == 0 && w.reg_seq > 0 && w.active && w.name != NULL)
		snprintf(out, len, " (%s)", w.name);
	else if (ledger_event_walker(l, id, &ew, NULL) == 1)
		snprintf(out, len, " (%s)", ew.name);
	ledger_walker_clear(&w);
}

static int
ledger_conf_person_cmp(const void *a, const void *b)
{
	uint32_t x = (*(struct ledger_person *const *)a)->id,
	         y = (*(struct ledger_person *const *)b)->id;

	return x < y ? -1 : x > y;
}

/* The laps counted once across stations, by walker number. */
static void
ledger_conf_laps(struct ledger_conf_ctx *c)
{
	struct ledger *l = c->l;
	struct ledger_person **v = xcalloc(l->xj->npeople + 1, sizeof *v);
	size_t n = 0;

	for (size_t i = 0; i < l->xj->npeople; i++)
		if (l->xj->people[i].review > 0)
			v[n++] = &l->xj->people[i];
	if (n > 0)
		qsort(v, n, sizeof *v, ledger_conf_person_cmp);
	for (size_t i = 0; i < n && !c->stop; i++) {
		const struct ledger_station_figures *a =
		                                        &c->ef->station[ledger_xj_out(l, v[i]->ra)],
		                                    *b =
		                                        &c->ef->station[ledger_xj_out(l, v[i]->rb)];
		struct ledger_conflict x;
		char name[140];

		memset(&x, 0, sizeof x);
		x.kind = LEDGER_CONFLICT_LAPS;
		x.walker = v[i]->id;
		ledger_conf_name(l, v[i]->id, name, sizeof name);
		snprintf(x.text, sizeof x.text,
		         "Walker %" PRIu32 "%s: %" PRId64 " lap%s at %s%s and %s%s %" PRId64
		         " s apart, counted once: annul the wrong one where it was recorded.",
		         v[i]->id, name, v[i]->review, v[i]->review == 1 ? "" : "s",
		         a->own ? "here" : "", a->own ? "" : a->name, b->own ? "here" : "",
		         b->own ? "" : b->name, v[i]->gap_ms / 1000);
		ledger_conf_emit(c, &x);
	}
	free(v);
}

/* Flagged laps reviewed otherwise at two stations (the lap point rejected,
 * the table accepted): the later review counts (fold.h), said in words. */
static int
ledger_conf_lap_reviews(struct ledger_conf_ctx *c, char **cause)
{
	struct ledger_flagged *f = NULL;
	size_t n;

	if (ledger_flagged_laps(c->l, 0, &f, &n, cause) != 0)
		return -1;
	for (size_t i = 0; i < n && !c->stop; i++) {
		struct ledger_conflict x;
		char name[140], when[64];

		if (!f[i].disagree)
			continue;
		memset(&x, 0, sizeof x);
		x.kind = LEDGER_CONFLICT_LAP_REVIEW;
		x.walker = f[i].walker;
		x.seq = f[i].seq;
		ledger_copy(x.station, sizeof x.station, f[i].peer ? f[i].station : "");
		ledger_conf_name(c->l, f[i].walker, name, sizeof name);
		stamp_format_local(f[i].at.wall_ms, when, sizeof when);
		snprintf(x.text, sizeof x.text,
		         "Walker %" PRIu32
		         "%s: the lap %s%s at %.8s was accepted at one station and "
		         "rejected at another. The later review (%s) counts: %s. Review it again "
		         "to change it.",
		         f[i].walker, name, f[i].peer ? "at " : "scanned here",
		         f[i].peer ? f[i].where : "", strlen(when) > 11 ? when + 11 : when,
		         f[i].decided, f[i].review == 1 ? "accepted" : "rejected");
		ledger_conf_emit(c, &x);
	}
	free(f);
	return 0;
}

/* The same name at two peers under two numbers, linked by neither: one of
 * them links it (a link names a walker of the station that records it). */
static void
ledger_conf_peer_dups(struct ledger_conf_ctx *c, const struct ledger_regs *r)
{
	for (size_t i = 0; i < r->n && !c->stop; i++) {
		if (r->v[i].station == 0 || r->v[i].key[0] == '\0')
			continue;
		for (size_t j = i + 1; j < r->n && strcmp(r->v[j].key, r->v[i].key) == 0; j++) {
			const struct ledger_station_figures *a = &c->ef->station[r->v[i].station],
			                                    *b = &c->ef->station[r->v[j].station];
			struct ledger_conflict x;

			if (r->v[j].station == 0 || r->v[j].station == r->v[i].station ||
			    r->v[j].id == r->v[i].id ||
			    ledger_peers_linked(&c->l->pf[c->pf[r->v[i].station]], r->v[i].id,
			                        &c->l->pf[c->pf[r->v[j].station]], r->v[j].id))
				continue;
			memset(&x, 0, sizeof x);
			x.kind = LEDGER_CONFLICT_PEER_DUPLICATE;
			x.walker = r->v[i].id;
			x.other = r->v[j].id;
			ledger_copy(x.station, sizeof x.station, b->station);
			snprintf(x.text, sizeof x.text,
			         "%s (walker %" PRIu32 ") at %s and %s (walker %" PRIu32
			         ") at %s: likely the same person; link them at either station.",
			         r->v[i].name, r->v[i].id, a->name, r->v[j].name, r->v[j].id,
			         b->name);
			ledger_conf_emit(c, &x);
		}
	}
}

static int
ledger_reg_id_cmp(const void *a, const void *b)
{
	const struct ledger_reg *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->station != y->station)
		return x->station < y->station ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* One walker number registered at two stations to two names (rosters
 * imported at both): their laps and money add up as one walker's. */
static void
ledger_conf_numbers(struct ledger_conf_ctx *c, struct ledger_regs *r)
{
	if (r->n > 0)
		qsort(r->v, r->n, sizeof *r->v, ledger_reg_id_cmp);
	for (size_t i = 0, j; i < r->n && !c->stop; i = j) {
		size_t other = i;

		for (j = i + 1; j < r->n && r->v[j].id == r->v[i].id; j++)
			if (other == i && r->v[j].station != r->v[i].station &&
			    strcmp(r->v[j].key, r->v[i].key) != 0)
				other = j;
		if (other != i) {
			const struct ledger_station_figures *a = &c->ef->station[r->v[i].station],
			                                    *b =
			                                        &c->ef
			                                             ->station[r->v[other].station];
			struct ledger_conflict x;

			memset(&x, 0, sizeof x);
			x.kind = LEDGER_CONFLICT_NUMBER;
			x.walker = r->v[i].id;
			ledger_copy(x.station, sizeof x.station, b->station);
			snprintf(x.text, sizeof x.text,
			         "Walker %" PRIu32 " is %s %s%s and %s at %s: one number for two "
			         "people. Their laps and money count as one walker's until one of "
			         "them is registered again under a new number.",
			         r->v[i].id, r->v[i].name, a->own ? "here" : "at ",
			         a->own ? "" : a->name, r->v[other].name, b->name);
			ledger_conf_emit(c, &x);
		}
	}
}

int
ledger_event_conflicts(struct ledger *l, int (*cb)(const struct ledger_conflict *, void *),
                       void *arg, char **cause)
{
	struct ledger_event_figures ef;
	struct ledger_regs r = {0};
	struct ledger_conf_ctx c = {l, &ef, cb, arg, 0, NULL};
	int rc = -1;

	if (ledger_event_figures(l, 0, &ef, cause) != 0)
		return -1;
	c.pf = xcalloc(ef.n, sizeof *c.pf);
	for (size_t k = 0; k < l->npf; k++) /* each station's fold, for the links */
		if (l->pf[k].out_index < ef.n)
			c.pf[l->pf[k].out_index] = k;
	if (ledger_event_duplicates(l, ledger_conf_dup_cb, &c, cause) != 0 ||
	    (!c.stop && ledger_event_reviews(l, ledger_conf_review_cb, &c, cause) != 0))
		goto end;
	if (!c.stop)
		ledger_conf_laps(&c);
	if (!c.stop && ledger_conf_lap_reviews(&c, cause) != 0)
		goto end;
	if (!c.stop && ledger_regs_build(l, &ef, &r, cause) != 0)
		goto end;
	if (!c.stop)
		ledger_conf_peer_dups(&c, &r);
	if (!c.stop)
		ledger_conf_numbers(&c, &r);
	rc = 0;
end:
	free(c.pf);
	ledger_regs_free(&r);
	ledger_event_figures_clear(&ef);
	return rc;
}

/* ---- flagged laps of other stations, reviewed here (fold.h) ---- */

static void
ledger_where(char *buf, size_t len, enum rules_role role, const char *station)
{
	/* "Lap point T2": the role, and the id so two lap points differ */
	snprintf(buf, len, "%s %s", ledger_role_words(role), station);
}

void
ledger_where_ledger(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN], char *buf,
                    size_t len)
{
	struct ledger_peer peer;
	enum rules_role role = RULES_ROLE_BOTH;

	if (ledger_peer_get(l, ledger, &peer, NULL) != 1) {
		snprintf(buf, len, "another station"); /* not held here: no name known */
		return;
	}
	/* its role as its fold found it (the folds in hand only: a new one
	 * would move l->pf under a caller's pointer) */
	for (size_t i = 0; i < l->npf; i++)
		if (memcmp(l->pf[i].ledger, ledger, LEDGER_HASH_LEN) == 0)
			role = l->pf[i].role;
	ledger_where(buf, len, role, peer.station);
}

int
ledger_lap_review_peer(struct ledger *l, const char *station, int64_t lap_seq, int accept,
                       const char *reason, const char *op, int64_t *seq, char **cause)
{
	struct ledger_peer peer;
	struct ledger_pfold *p;
	const struct fold_walker *w;
	const struct fold_flag *fl;
	struct ledger_one_line o = {NULL};
	struct strbuf data = STRBUF_INIT;
	struct entry e;
	int rc = -1;

	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_review_certified(l, cause) != 0 ||
	    (p = ledger_peer_named(l, station, &peer, cause)) == NULL)
		goto end;
	if (lap_seq < 1 || lap_seq > (int64_t)fold_entries(p->f) ||
	    ledger_peer_entries(l, peer.ledger, lap_seq, ledger_one_cb, &o, cause) != 0 ||
	    o.line == NULL || entry_decode(o.line, strlen(o.line), &e, NULL) != 0 ||
	    e.kind != ENTRY_LAP) {
		util_fail(cause,
		          "Entry %" PRId64 " of station %s held here is not a lap: only laps are "
		          "reviewed.",
		          lap_seq, station);
		goto end;
	}
	if (fold_annulled_by(p->f, lap_seq) != 0) {
		util_fail(cause,
		          "Station %s's lap %" PRId64
		          " was undone there: there is nothing to review.",
		          station, lap_seq);
		goto end;
	}
	if ((w = fold_walker(p->f, e.walker)) == NULL || (fl = fold_lap_flag(w, lap_seq)) == NULL) {
		util_fail(cause,
		          "Station %s's lap %" PRId64
		          " was not flagged: it already counts. Only a lap "
		          "scanned too soon is reviewed.",
		          station, lap_seq);
		goto end;
	}
	if (fl->review == (accept ? 1 : -1)) {
		util_fail(cause, "Station %s's lap %" PRId64 " is already %s.", station, lap_seq,
		          accept ? "accepted" : "rejected");
		goto end;
	}
	if (ledger_review_data(&data, accept, reason, cause) != 0)
		goto end;
	if (ledger_tx_begin(l, cause, "the review") != 0)
		goto end;
	if (ledger_put_ref(l, "lap-review", e.walker, lap_seq, peer.ledger, 0, data.s, op, seq,
	                   cause) != 0) {
		ledger_tx_rollback(l);
		goto end;
	}
	rc = ledger_tx_commit(l, cause, "the review");
end:
	free(o.line);
	strbuf_free(&data);
	return rc;
}

struct ledger_pflag_ctx {
	struct ledger *l;
	unsigned char own[LEDGER_HASH_LEN];
	int pending_only;
	struct ledger_flagged **out;
	size_t *n, *cap;
	char **cause;
	int failed;
};

/* The lap before (dir -1) or after (+1) laps[i] of the same walker. */
static const struct ledger_lap *
ledger_lap_beside(const struct ledger_pfold *p, size_t i, int dir)
{
	for (size_t j = i; dir < 0 ? j-- > 0 : ++j < p->nlaps;)
		if (p->laps[j].walker == p->laps[i].walker)
			return &p->laps[j];
	return NULL;
}

static int
ledger_pflag_cb(const struct ledger_peer *peer, void *arg)
{
	struct ledger_pflag_ctx *c = arg;
	struct ledger_pfold *p;
	const struct fold_walker *ws;
	size_t nw;

	if ((p = ledger_pfold_get(c->l, peer, c->cause)) == NULL) {
		c->failed = 1;
		return 1;
	}
	ws = fold_walkers(p->f, &nw);
	for (size_t i = 0; i < nw; i++) {
		for (size_t k = 0; k < ws[i].nflags; k++) {
			const struct fold_flag *fl = &ws[i].flags[k];
			struct ledger_flagged *f;
			const struct ledger_lap *b, *a;
			size_t lo = 0, hi = p->nlaps;

			if (c->pending_only && fl->review != 0)
				continue;
			while (lo < hi) { /* its laps in force, by seq */
				size_t mid = lo + (hi - lo) / 2;
				if (p->laps[mid].seq < fl->seq)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == p->nlaps || p->laps[lo].seq != fl->seq)
				continue; /* cannot be: a flagged lap is one in force */
			if (*c->n == *c->cap) {
				*c->cap = *c->cap ? *c->cap * 2 : 16;
				*c->out = xrealloc(*c->out, *c->cap * sizeof **c->out);
			}
			f = &(*c->out)[(*c->n)++];
			memset(f, 0, sizeof *f);
			f->walker = ws[i].id;
			snprintf(f->name, sizeof f->name, "%s", ws[i].name ? ws[i].name : "");
			f->seq = fl->seq;
			f->review = fl->review;
			f->disagree = fl->disagree;
			f->peer = 1;
			memcpy(f->ledger, peer->ledger, LEDGER_HASH_LEN);
			ledger_copy(f->station, sizeof f->station, peer->station);
			ledger_where(f->where, sizeof f->where, p->role, peer->station);
			if (!fl->review_other)
				snprintf(f->decided, sizeof f->decided, "%s", f->where);
			else if (memcmp(fl->review_by, c->own, LEDGER_HASH_LEN) == 0)
				snprintf(f->decided, sizeof f->decided, "here");
			else
				ledger_where_ledger(c->l, fl->review_by, f->decided,
				                    sizeof f->decided);
			/* its times on this station's clock (the offset measured) */
			f->at.wall_ms = p->laps[lo].wall_ms - peer->offset_ms;
			f->since_ms = -1;
			b = ledger_lap_beside(p, lo, -1);
			/* the scan before: its last lap, or its check-in after that */
			for (size_t k2 = p->ncheckins; k2-- > 0;) {
				const struct ledger_lap *ci = &p->checkins[k2];
				if (ci->walker != ws[i].id || ci->seq > fl->seq)
					continue;
				if (b == NULL || ci->seq > b->seq) {
					b = ci;
					snprintf(f->prev_kind, sizeof f->prev_kind, "checkin");
				}
				break;
			}
			if (b != NULL) {
				f->has_prev = 1;
				f->prev_seq = b->seq;
				if (f->prev_kind[0] == '\0')
					snprintf(f->prev_kind, sizeof f->prev_kind, "lap");
				f->prev_at.wall_ms = b->wall_ms - peer->offset_ms;
				f->since_ms = p->laps[lo].wall_ms - b->wall_ms;
			}
			if ((a = ledger_lap_beside(p, lo, 1)) != NULL) {
				f->has_next = 1;
				f->next_seq = a->seq;
				snprintf(f->next_kind, sizeof f->next_kind, "lap");
				f->next_at.wall_ms = a->wall_ms - peer->offset_ms;
			}
		}
	}
	return 0;
}

int
ledger_event_flagged(struct ledger *l, int pending_only, struct ledger_flagged **out, size_t *n,
                     size_t *cap, char **cause)
{
	struct ledger_pflag_ctx c = {l, {0}, pending_only, out, n, cap, cause, 0};

	if (ledger_identity(l, c.own) != 0)
		return 0; /* no event: no peers */
	if (ledger_peers(l, ledger_pflag_cb, &c, cause) != 0 || c.failed)
		return -1;
	return 0;
}
