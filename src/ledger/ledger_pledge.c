/* ledger_pledge.c — pledges, their settlement over every station's laps,
 * payments against them and the certification of the laps; see ledger.h
 * and core/pledge.h (the rule). */
#include "ledger_int.h"

#include <time.h>

#include "pledge.h"
#include "rules.h"
#include "stamp.h"

/* ---- lines of one ledger, decoded ---- */

struct ledger_pl_lines {
	char **v;
	struct entry *es;
	int64_t *by; /* some entries (ledger_settle_entries): what annuls each */
	size_t n, cap;
	int64_t upto; /* stop after this seq; 0: all */
};

static int
ledger_pl_lines_cb(const struct ledger_entry *e, void *arg)
{
	struct ledger_pl_lines *ls = arg;

	if (ls->upto > 0 && e->seq > ls->upto)
		return 1;
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 256;
		ls->v = xrealloc(ls->v, ls->cap * sizeof *ls->v);
		ls->by = xrealloc(ls->by, ls->cap * sizeof *ls->by);
	}
	ls->by[ls->n] = e->annulled_by;
	ls->v[ls->n++] = xstrdup(e->line);
	return 0;
}

static int
ledger_pl_decode(struct ledger_pl_lines *ls, char **cause)
{
	ls->es = xcalloc(ls->n ? ls->n : 1, sizeof *ls->es);
	for (size_t i = 0; i < ls->n; i++)
		if (entry_decode(ls->v[i], strlen(ls->v[i]), &ls->es[i], cause) != 0)
			return -1;
	return 0;
}

static void
ledger_pl_lines_free(struct ledger_pl_lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->v[i]);
	free(ls->v);
	free(ls->es);
	free(ls->by);
	memset(ls, 0, sizeof *ls);
}

static void
ledger_pl_hex(const unsigned char *id, char out[2 * LEDGER_HASH_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < LEDGER_HASH_LEN; i++) {
		out[2 * i] = hex[id[i] >> 4];
		out[2 * i + 1] = hex[id[i] & 15];
	}
	out[2 * LEDGER_HASH_LEN] = '\0';
}

struct ledger_pl_peers {
	struct ledger_peer *v;
	size_t n;
};

static int
ledger_pl_peers_cb(const struct ledger_peer *p, void *arg)
{
	struct ledger_pl_peers *ps = arg;

	ps->v = xrealloc(ps->v, (ps->n + 1) * sizeof *ps->v);
	ps->v[ps->n++] = *p;
	return 0;
}

/* ---- the settlement ---- */

/* The number walker a of link entry e gives for the other station's b:
 * 1 when e links walker `mine` of its own station to ledger `to` (hex),
 * with *other set. */
static int
ledger_pl_link(const struct entry *e, const char *to, int64_t *walker, int64_t *other)
{
	struct json_value w, o, lg;

	if (e->kind != ENTRY_LINK)
		return 0;
	w = entry_member(e, "walker");
	o = entry_member(e, "other_walker");
	lg = entry_member(e, "ledger");
	return json_int(&w, walker) == 0 && json_int(&o, other) == 0 && lg.type == JSON_STRING &&
	       lg.n - 2 == 2 * LEDGER_HASH_LEN && strncasecmp(lg.p + 1, to, lg.n - 2) == 0 &&
	       *walker > 0 && *other > 0 && *walker <= UINT32_MAX && *other <= UINT32_MAX;
}

struct ledger_pl_one_line {
	int64_t seq;
	char *line;
	struct entry e;
};

static int
ledger_pl_one_line_cmp(const void *a, const void *b)
{
	const struct ledger_pl_one_line *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* What one walker's settlement reads of peer p (up to its head): the
 * entries of its station's kinds, and the walker's under every number they
 * have there (the same number, and those a link here, in own[0..nown), or
 * there gives), in order, decoded into ls, each with the entry of the peer
 * that annuls it (ls->by).  own_hex: this station's identity. */
static int
ledger_pl_peer_some(struct ledger *l, const struct ledger_peer *p, uint32_t walker,
                    const struct entry *own, size_t nown, const char *own_hex,
                    struct ledger_pl_lines *ls, char **cause)
{
	struct ledger_pl_lines kinds = {0}, mine = {0};
	struct ledger_pl_one_line *all = NULL;
	char hex[2 * LEDGER_HASH_LEN + 1];
	uint32_t *nums = xcalloc(1, sizeof *nums);
	size_t nnums = 1, i, j, n = 0;
	int64_t a, b;
	int rc = -1;

	nums[0] = walker;
	ledger_pl_hex(p->ledger, hex);
	if (ledger_peer_some_entries(l, p->ledger, 0, p->head_seq, ledger_pl_lines_cb, &kinds,
	                             cause) != 0 ||
	    ledger_pl_decode(&kinds, cause) != 0)
		goto end;
	/* the walker's numbers there (links in force or not: more of the peer's
	 * entries read than counted is no harm; the tally follows the links) */
	for (i = 0; i < nown + kinds.n; i++) {
		const struct entry *e = i < nown ? &own[i] : &kinds.es[i - nown];
		uint32_t there = 0;

		if (i < nown && ledger_pl_link(e, hex, &a, &b) && a == walker)
			there = (uint32_t)b;
		else if (i >= nown && ledger_pl_link(e, own_hex, &a, &b) && b == walker)
			there = (uint32_t)a;
		for (j = 0; there != 0 && j < nnums && nums[j] != there; j++)
			;
		if (there != 0 && j == nnums) {
			nums = xrealloc(nums, (nnums + 1) * sizeof *nums);
			nums[nnums++] = there;
		}
	}
	for (i = 0; i < nnums; i++)
		if (ledger_peer_some_entries(l, p->ledger, nums[i], p->head_seq, ledger_pl_lines_cb,
		                             &mine, cause) != 0)
			goto end;
	if (ledger_pl_decode(&mine, cause) != 0)
		goto end;
	/* both in order, once each (a lap review is the walker's and a kind) */
	all = xcalloc(kinds.n + mine.n + 1, sizeof *all);
	for (i = 0; i < kinds.n + mine.n; i++) {
		struct ledger_pl_lines *from = i < kinds.n ? &kinds : &mine;
		size_t k = i < kinds.n ? i : i - kinds.n;

		all[i] = (struct ledger_pl_one_line){from->es[k].seq, from->v[k], from->es[k]};
		from->v[k] = NULL; /* all's now */
	}
	if (kinds.n + mine.n > 1)
		qsort(all, kinds.n + mine.n, sizeof *all, ledger_pl_one_line_cmp);
	ls->v = xcalloc(kinds.n + mine.n + 1, sizeof *ls->v);
	ls->es = xcalloc(kinds.n + mine.n + 1, sizeof *ls->es);
	ls->by = xcalloc(kinds.n + mine.n + 1, sizeof *ls->by);
	for (i = 0; i < kinds.n + mine.n; i++) {
		if (n > 0 && ls->es[n - 1].seq == all[i].seq) {
			free(all[i].line);
			continue;
		}
		ls->v[n] = all[i].line;
		ls->es[n++] = all[i].e; /* its strings point into its line */
	}
	ls->n = ls->cap = n;
	/* the peer's annulments among them name what they annul */
	for (i = 0; i < n; i++) {
		const struct entry *e = &ls->es[i];
		size_t lo = 0, hi = i;

		if (e->kind != ENTRY_ANNUL || e->ref.other || e->ref.seq <= 0)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (ls->es[mid].seq < e->ref.seq)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < i && ls->es[lo].seq == e->ref.seq)
			ls->by[lo] = e->seq;
	}
	rc = 0;
end:
	free(all);
	free(nums);
	ledger_pl_lines_free(&kinds);
	ledger_pl_lines_free(&mine);
	return rc;
}

/* The role the last settings entry of es[0..n) for it gives (none: both). */
static enum rules_role
ledger_pl_role(const struct entry *es, size_t n)
{
	enum rules_role role = RULES_ROLE_BOTH, r;

	for (size_t i = 0; i < n; i++) {
		struct json_value k, v;
		char *key, *value;

		if (es[i].kind != ENTRY_SETTINGS)
			continue;
		k = entry_member(&es[i], "key");
		key = json_str(&k);
		if (key != NULL && strcmp(key, "role") == 0) {
			v = entry_member(&es[i], "value");
			value = json_str(&v);
			if (value != NULL && rules_role_parse(value, &r) == 0)
				role = r;
			free(value);
		}
		free(key);
	}
	return role;
}

static int
ledger_pl_line_cmp(const void *a, const void *b)
{
	const struct ledger_pledge_line *x = a, *y = b;

	if (x->p->walker != y->p->walker)
		return x->p->walker < y->p->walker ? -1 : 1;
	return x->p->seq < y->p->seq ? -1 : x->p->seq > y->p->seq;
}

int
ledger_settle(struct ledger *l, uint32_t walker, struct ledger_settlement *out, char **cause)
{
	struct ledger_pl_lines own = {0}, *held = NULL;
	struct ledger_pl_peers peers = {0};
	struct pledge_source *src = NULL;
	struct pledge_tally *tally = NULL;
	struct fold *fall = NULL;
	unsigned char id[LEDGER_HASH_LEN];
	int *had = NULL;
	size_t i, j;
	int64_t as_of, last = 0;
	struct stamp now;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!l->has_event || ledger_identity(l, id) != 0)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	/* one walker's: their own entries only (with the settings, links and
	 * certifications), never every pledge and lap of the station */
	if (walker != 0) {
		if (ledger_settle_entries(l, walker, ledger_pl_lines_cb, &own, cause) != 0 ||
		    ledger_pl_decode(&own, cause) != 0)
			goto end;
		/* the last entry this connection sees (a batch's too, as the
		 * whole settlement reads them) */
		last = ledger_query_i(l, "SELECT IFNULL(MAX(seq), 0) FROM entries", 0, NULL, 0);
		fold_run_some(own.es, own.by, own.n, last, NULL, &fall);
	} else if (ledger_entries(l, 1, ledger_pl_lines_cb, &own, cause) != 0 ||
	           ledger_pl_decode(&own, cause) != 0 ||
	           fold_run(own.es, own.n, NULL, &fall, cause) != 0)
		goto end;
	if (pledge_book_run(own.es, own.n, fall, &out->book, cause) != 0 ||
	    ledger_peers(l, ledger_pl_peers_cb, &peers, cause) != 0)
		goto end;
	out->cert_seq = out->book->cert_seq;
	/* every ledger held: this station's, then each peer's (pledge_tally_run
	 * counts what the certification in force names, else all) */
	src = xcalloc(peers.n + 1, sizeof *src);
	held = xcalloc(peers.n + 1, sizeof *held);
	ledger_pl_hex(id, src[0].ledger);
	src[0].es = own.es;
	src[0].n = own.n;
	if (walker != 0) {
		src[0].by = own.by;
		src[0].last = last;
	}
	out->stations = xcalloc(peers.n + 1, sizeof *out->stations);
	snprintf(out->stations[0].station, sizeof out->stations[0].station, "%s", l->ev.station);
	out->stations[0].own = 1;
	out->nstations = 1;
	for (i = 0; i < peers.n; i++) {
		struct ledger_pl_lines *ls = &held[i + 1];
		struct ledger_station_pledge *sp = &out->stations[out->nstations++];

		ledger_pl_hex(peers.v[i].ledger, src[i + 1].ledger);
		snprintf(sp->station, sizeof sp->station, "%s", peers.v[i].station);
		sp->seen_wall_ms = peers.v[i].seen_wall_ms;
		sp->role = RULES_ROLE_BOTH; /* not known until its entries are read */
		ls->upto = peers.v[i].head_seq;
		if (ls->upto <= 0)
			continue;
		if (walker != 0) { /* the walker's entries there, and its station's */
			if (ledger_pl_peer_some(l, &peers.v[i], walker, own.es, own.n,
			                        src[0].ledger, ls, cause) != 0)
				goto end;
			src[i + 1].by = ls->by;
			src[i + 1].last = peers.v[i].head_seq;
		} else if (ledger_peer_entries(l, peers.v[i].ledger, 1, ledger_pl_lines_cb, ls,
		                               cause) != 0 ||
		           ledger_pl_decode(ls, cause) != 0)
			goto end;
		src[i + 1].es = ls->es;
		src[i + 1].n = ls->n;
		sp->role = ledger_pl_role(ls->es, ls->n);
	}
	if (pledge_tally_run(src, peers.n + 1, out->book, fall, &tally, cause) != 0)
		goto end;
	for (i = 0; i < out->nstations; i++)
		out->stations[i].upto_seq = pledge_tally_upto(tally, i);
	pledge_tally_rule(tally, &out->lap, &out->lap_cap);
	had = xcalloc(out->nstations, sizeof *had);
	out->v = xcalloc(out->book->n ? out->book->n : 1, sizeof *out->v);
	for (i = 0; i < out->book->n; i++) {
		const struct pledge *p = &out->book->p[i];
		struct ledger_pledge_line *ln;
		char *why = NULL;

		if (p->annulled_by != 0 || (walker != 0 && p->walker != walker))
			continue;
		ln = &out->v[out->n++];
		ln->p = p;
		ln->counted_laps = pledge_tally_laps(tally, p->walker, had);
		ln->billed_laps = pledge_billed_laps(ln->counted_laps, out->lap_cap);
		ln->distance_um = setting_distance(&out->lap, ln->billed_laps);
		if (pledge_owed(&p->t, ln->counted_laps, &out->lap, out->lap_cap, &ln->owed_cents,
		                &why) != 0) {
			snprintf(ln->why, sizeof ln->why, "%s", why);
			free(why);
			ln->owed_cents = 0;
			out->unknown++;
		}
		ln->final = out->cert_seq != 0 || p->t.kind == PLEDGE_FLAT;
		ln->paid_cents = p->online_cents + p->paid_cents;
		ln->due_cents =
		    ln->owed_cents > ln->paid_cents ? ln->owed_cents - ln->paid_cents : 0;
		out->owed_cents += ln->owed_cents;
		out->paid_cents += ln->paid_cents;
		out->due_cents += ln->due_cents;
	}
	for (i = 0; i < out->nstations; i++)
		out->stations[i].walker_laps = had[i];
	/* stale: a peer with the walkers' laps not heard from for long before
	 * the settlement was made (now), or before the certification it is
	 * made on (a lap after it does not count) */
	stamp_now(&now);
	as_of = now.wall_ms;
	for (i = 0; out->cert_seq != 0 && i < own.n; i++)
		if (own.es[i].seq == out->cert_seq)
			as_of = own.es[i].at.wall_ms;
	for (i = 1; i < out->nstations; i++) {
		struct ledger_station_pledge *sp = &out->stations[i];
		sp->stale = sp->walker_laps && (sp->seen_wall_ms <= 0 ||
		                                as_of - sp->seen_wall_ms > LEDGER_LAPS_STALE_MS);
	}
	out->as_of_wall_ms = as_of;
	out->stations[0].role = ledger_pl_role(own.es, own.n);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, ledger_pl_line_cmp);
	rc = 0;
end:
	pledge_tally_free(tally);
	free(had);
	if (held != NULL)
		for (j = 0; j <= peers.n; j++)
			ledger_pl_lines_free(&held[j]);
	free(held);
	free(src);
	free(peers.v);
	fold_free(fall);
	ledger_pl_lines_free(&own);
	if (rc != 0)
		ledger_settlement_clear(out);
	return rc;
}

/* "10:42" in the station's time zone (stamp_zone); "2026-05-01 10:42"
 * when not within the last 12 hours. */
static const char *
ledger_pl_clock(int64_t wall_ms, char *buf, size_t len)
{
	time_t t = (time_t)(wall_ms / 1000), now = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, now - t < 12 * 3600 && t - now < 3600 ? "%H:%M" : "%Y-%m-%d %H:%M",
	             &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

static void ledger_pl_words(const struct ledger_settlement *s, int named, struct strbuf *out);

void
ledger_settlement_basis(const struct ledger_settlement *s, char *buf, size_t len)
{
	struct strbuf b = STRBUF_INIT;

	/* a sponsor reads the words; HQ the record's last entry of each station */
	ledger_pl_words(s, 1, &b);
	strbuf_puts(&b, " Record: ");
	for (size_t i = 0; i < s->nstations; i++)
		strbuf_printf(&b, "%s%s to entry %" PRId64, i > 0 ? ", " : "",
		              s->stations[i].station, s->stations[i].upto_seq);
	strbuf_puts(&b, ".");
	snprintf(buf, len, "%s", b.s);
	strbuf_free(&b);
}

/* A station as the Stations screen names it ("Lap point T2"); this one
 * "this table" (or "this lap point"). */
static const char *
ledger_pl_station_words(const struct ledger_station_pledge *sp, int named, char *buf, size_t len)
{
	if (sp->own && !named)
		return sp->role == RULES_ROLE_LAP ? "this lap point" : "this table";
	snprintf(buf, len, "%s %s",
	         sp->role == RULES_ROLE_LAP       ? "Lap point"
	         : sp->role == RULES_ROLE_WELCOME ? "Welcome table"
	                                          : "Station",
	         sp->station);
	return buf;
}

/* Until when another station's laps count: those held when the laps were
 * taken (the certification, else now), as fresh as its last exchange. */
static int64_t
ledger_pl_upto_ms(const struct ledger_settlement *s, const struct ledger_station_pledge *sp)
{
	return sp->seen_wall_ms < s->as_of_wall_ms ? sp->seen_wall_ms : s->as_of_wall_ms;
}

/* named: this station by its name too ("Welcome table T1"), for a
 * statement that leaves the station; else "this table". */
static void
ledger_pl_words(const struct ledger_settlement *s, int named, struct strbuf *out)
{
	struct strbuf b = STRBUF_INIT;
	char upto[40], when[40], name[LEDGER_STATION_MAX + 32];
	int same = 1;

	for (size_t i = 0; i < s->nstations; i++) {
		const struct ledger_station_pledge *sp = &s->stations[i];

		if (!sp->stale)
			continue;
		if (sp->seen_wall_ms > 0)
			strbuf_printf(&b,
			              "%s not heard from since %s: its later laps are missing. ",
			              ledger_pl_station_words(sp, named, name, sizeof name),
			              ledger_pl_clock(sp->seen_wall_ms, when, sizeof when));
		else
			strbuf_printf(&b, "%s never heard from: its laps are missing. ",
			              ledger_pl_station_words(sp, named, name, sizeof name));
	}
	ledger_pl_clock(s->as_of_wall_ms, upto, sizeof upto);
	/* another station's laps are those held then: up to when it was last heard from */
	for (size_t i = 1; i < s->nstations; i++) {
		const struct ledger_station_pledge *sp = &s->stations[i];
		int64_t at = ledger_pl_upto_ms(s, sp);

		if (sp->upto_seq == 0 || at <= 0 ||
		    strcmp(ledger_pl_clock(at, when, sizeof when), upto) != 0)
			same = 0;
	}
	strbuf_printf(&b, "%s%s",
	              s->cert_seq != 0 ? "Certified laps, counted up to " : "Laps counted up to ",
	              upto);
	if (s->nstations == 1) /* "Laps counted up to 10:42 at this table." */
		strbuf_printf(&b, " at %s.",
		              ledger_pl_station_words(&s->stations[0], named, name, sizeof name));
	else if (same) { /* "Laps counted up to 10:42, this table and Lap point T2." */
		for (size_t i = 0; i < s->nstations; i++)
			strbuf_printf(
			    &b, "%s%s",
			    i == 0                  ? ", "
			    : i + 1 == s->nstations ? " and "
			                            : ", ",
			    ledger_pl_station_words(&s->stations[i], named, name, sizeof name));
		strbuf_puts(&b, ".");
	} else { /* "... up to 10:42 at this table and up to 10:20 at Lap point T2." */
		strbuf_printf(&b, " at %s",
		              ledger_pl_station_words(&s->stations[0], named, name, sizeof name));
		for (size_t i = 1; i < s->nstations; i++) {
			const struct ledger_station_pledge *sp = &s->stations[i];
			int64_t at = ledger_pl_upto_ms(s, sp);

			if (sp->upto_seq == 0 || at <= 0)
				strbuf_printf(
				    &b, "; none from %s",
				    ledger_pl_station_words(sp, named, name, sizeof name));
			else
				strbuf_printf(
				    &b, "%sup to %s at %s", i + 1 == s->nstations ? " and " : ", ",
				    ledger_pl_clock(at, when, sizeof when),
				    ledger_pl_station_words(sp, named, name, sizeof name));
		}
		strbuf_puts(&b, ".");
	}
	strbuf_puts(out, b.s);
	strbuf_free(&b);
}

void
ledger_settlement_words(const struct ledger_settlement *s, char *buf, size_t len)
{
	struct strbuf b = STRBUF_INIT;

	ledger_pl_words(s, 0, &b);
	snprintf(buf, len, "%s", b.s != NULL ? b.s : "");
	strbuf_free(&b);
}

void
ledger_settlement_clear(struct ledger_settlement *s)
{
	pledge_book_free(s->book);
	free(s->v);
	free(s->stations);
	memset(s, 0, sizeof *s);
}

/* ---- recording pledges ---- */

/* Pledge entries in force, of this ledger and the peers held, as pledges:
 * for the external ids already held. */
struct ledger_pl_held {
	struct pledge *v;
	char (*station)[LEDGER_STATION_MAX + 1];
	size_t n;
	const char *station_now;
};

static int
ledger_pl_held_cb(const struct ledger_entry *le, void *arg)
{
	struct ledger_pl_held *h = arg;
	struct entry e;

	if (le->annulled_by != 0 || entry_decode(le->line, strlen(le->line), &e, NULL) != 0 ||
	    e.kind != ENTRY_PLEDGE)
		return 0;
	h->v = xrealloc(h->v, (h->n + 1) * sizeof *h->v);
	h->station = xrealloc(h->station, (h->n + 1) * sizeof *h->station);
	pledge_from_entry(&e, &h->v[h->n]);
	snprintf(h->station[h->n], sizeof h->station[h->n], "%s", h->station_now);
	h->n++;
	return 0;
}

static void
ledger_pl_held_free(struct ledger_pl_held *h)
{
	for (size_t i = 0; i < h->n; i++)
		pledge_clear(&h->v[i]);
	free(h->v);
	free(h->station);
	memset(h, 0, sizeof *h);
}

/* Every pledge held with an external id (peers' annulments are not
 * followed: a pledge another station annulled still holds its id here). */
static int
ledger_pl_held_load(struct ledger *l, struct ledger_pl_held *h, char **cause)
{
	struct ledger_pl_peers peers = {0};
	int rc = -1;

	memset(h, 0, sizeof *h);
	h->station_now = l->ev.station;
	if (ledger_kind_entries(l, "pledge", 1, ledger_pl_held_cb, h, cause) != 0 ||
	    ledger_peers(l, ledger_pl_peers_cb, &peers, cause) != 0)
		goto end;
	for (size_t i = 0; i < peers.n; i++) {
		h->station_now = peers.v[i].station;
		if (ledger_peer_entries(l, peers.v[i].ledger, 1, ledger_pl_held_cb, h, cause) != 0)
			goto end;
	}
	rc = 0;
end:
	free(peers.v);
	return rc;
}

static const struct pledge *
ledger_pl_held_find(const struct ledger_pl_held *h, const char *ext_id, const char **station)
{
	for (size_t i = 0; ext_id != NULL && i < h->n; i++)
		if (h->v[i].ext_id != NULL && strcmp(h->v[i].ext_id, ext_id) == 0) {
			if (station != NULL)
				*station = h->station[i];
			return &h->v[i];
		}
	return NULL;
}

static int
ledger_pl_same(const struct pledge *a, const struct pledge *b, uint32_t walker)
{
	return a->walker == walker && a->t.kind == b->t.kind &&
	       a->t.rate_cents == b->t.rate_cents && a->t.max_cents == b->t.max_cents &&
	       a->online_cents == b->online_cents && a->sponsor != NULL && b->sponsor != NULL &&
	       strcmp(a->sponsor, b->sponsor) == 0;
}

/* Checks a pledge's fields (the walker aside) and writes its data. */
static int
ledger_pl_data(const struct pledge *p, const char *source, struct strbuf *b, char **cause)
{
	struct ledger_field f[] = {
	    {"sponsor", p->sponsor, PLEDGE_MAX_SPONSOR, "sponsor's name"},
	    {"email", p->email, ROSTER_MAX_EMAIL, "sponsor's email"},
	    {"phone", p->phone, ROSTER_MAX_PHONE, "sponsor's phone"},
	    {"address", p->address, PLEDGE_MAX_ADDRESS, "sponsor's address"},
	    {"ext_id", p->ext_id, PLEDGE_MAX_EXTID, "pledge id"},
	    {"online_date", p->online_date, 32, "date paid online"},
	};

	if (p->sponsor == NULL || *p->sponsor == '\0')
		return util_fail(cause, "Say who the sponsor is (a name is required).");
	if (ledger_check_fields(f, nitems(f), cause) != 0)
		return -1;
	if ((size_t)p->t.kind >= PLEDGE_NKINDS)
		return util_fail(cause, "A pledge is flat, per lap, per mile or per km.");
	if (p->t.rate_cents <= 0 || p->t.rate_cents > PLEDGE_MAX_RATE)
		return util_fail(cause,
		                 "A pledge's rate must be above $0.00 and at most $10,000.00.");
	if (p->t.max_cents < 0 || p->online_cents < 0)
		return util_fail(cause, "A pledge's maximum and amount paid cannot be negative.");
	strbuf_puts(b, "{\"sponsor\":");
	strbuf_json(b, p->sponsor);
	strbuf_printf(b, ",\"kind\":\"%s\",\"rate\":%" PRId64, pledge_kind_name(p->t.kind),
	              p->t.rate_cents);
	if (p->t.max_cents > 0)
		strbuf_printf(b, ",\"max\":%" PRId64, p->t.max_cents);
	for (size_t i = 1; i < nitems(f); i++)
		if (f[i].value != NULL && *f[i].value != '\0') {
			strbuf_printf(b, ",\"%s\":", f[i].key);
			strbuf_json(b, f[i].value);
		}
	if (p->online_cents > 0)
		strbuf_printf(b, ",\"online_cents\":%" PRId64, p->online_cents);
	if (source != NULL) {
		strbuf_puts(b, ",\"source\":");
		strbuf_json(b, source);
	}
	strbuf_puts(b, "}");
	return 0;
}

static int
ledger_pl_walker_ok(struct ledger *l, uint32_t walker, char **cause)
{
	struct ledger_walker w;
	int rc;

	if (ledger_walker_get(l, walker, &w, NULL) != 0 || w.reg_seq == 0 || !w.active)
		rc = util_fail(cause, "There is no walker %" PRIu32 " registered here.", walker);
	else
		rc = 0;
	ledger_walker_clear(&w);
	return rc;
}

int
ledger_pledge_add(struct ledger *l, const struct pledge *p, const char *op, int64_t *seq,
                  char **cause)
{
	struct ledger_pl_held h;
	struct strbuf data = STRBUF_INIT;
	const char *where = NULL;
	int rc = -1;

	memset(&h, 0, sizeof h);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_pl_walker_ok(l, p->walker, cause) != 0 ||
	    ledger_pl_data(p, NULL, &data, cause) != 0)
		goto end;
	if (p->ext_id != NULL) {
		if (ledger_pl_held_load(l, &h, cause) != 0)
			goto end;
		if (ledger_pl_held_find(&h, p->ext_id, &where) != NULL) {
			util_fail(cause,
			          "A pledge with the id \"%s\" is already held (station %s).",
			          p->ext_id, where);
			goto end;
		}
	}
	rc = ledger_append(l, "pledge", p->walker, 0, 0, data.s, op, seq, cause);
end:
	ledger_pl_held_free(&h);
	strbuf_free(&data);
	return rc;
}

/* Finds the walker a row names: by number, else by registration id. */
static uint32_t
ledger_pl_row_walker(struct ledger *l, const struct pledge_row *r)
{
	static const char sql[] = "SELECT id FROM walkers WHERE ext_id = ?1 AND active = 1";
	sqlite3_stmt *st;
	uint32_t id = 0;

	if (r->walker != 0)
		return ledger_pl_walker_ok(l, r->walker, NULL) == 0 ? r->walker : 0;
	if (r->walker_ext == NULL || (st = ledger_stmt(l, sql)) == NULL)
		return 0;
	ledger_bind_text(st, 1, r->walker_ext);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

int
ledger_pledge_import(struct ledger *l, struct pledge_csv *c, int apply, const char *op,
                     struct ledger_pledge_import *res, char **cause)
{
	struct ledger_pl_held h;
	struct strbuf data = STRBUF_INIT;
	size_t i, k;
	int rc = -1, in_batch = l->batch;

	memset(res, 0, sizeof *res);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_pl_held_load(l, &h, cause) != 0)
		goto end;
	/* each row judged alone, against what is held and the rows before it */
	for (i = 0; i < c->n; i++) {
		struct pledge_row *r = &c->rows[i];
		const struct pledge *held;
		const char *where = NULL;
		char *why = NULL;
		uint32_t walker;

		r->state = PLEDGE_ROW_NEW;
		if (r->problem != NULL) {
			r->state = PLEDGE_ROW_BAD;
			continue;
		}
		if ((walker = ledger_pl_row_walker(l, r)) == 0) {
			r->problem =
			    r->walker != 0
			        ? xasprintf("walker %" PRIu32 " is not registered "
			                    "here",
			                    r->walker)
			        : xasprintf("no walker here has the id \"%s\"", r->walker_ext);
			r->state = PLEDGE_ROW_BAD;
			continue;
		}
		r->p.walker = walker;
		strbuf_free(&data);
		if (ledger_pl_data(&r->p, NULL, &data, &why) != 0) {
			r->problem = why;
			r->state = PLEDGE_ROW_BAD;
			continue;
		}
		for (k = 0; k < i && r->p.ext_id != NULL; k++)
			if (c->rows[k].state != PLEDGE_ROW_BAD && c->rows[k].p.ext_id != NULL &&
			    strcmp(c->rows[k].p.ext_id, r->p.ext_id) == 0)
				break;
		if (r->p.ext_id != NULL && k < i) {
			r->problem = xasprintf("the pledge id \"%s\" is on line %zu too",
			                       r->p.ext_id, c->rows[k].line);
			r->state = PLEDGE_ROW_BAD;
			continue;
		}
		if ((held = ledger_pl_held_find(&h, r->p.ext_id, &where)) != NULL) {
			if (ledger_pl_same(held, &r->p, walker))
				r->state = PLEDGE_ROW_UNCHANGED;
			else {
				r->problem =
				    xasprintf("the pledge id \"%s\" is held already (station "
				              "%s) with other terms; annul that one first to "
				              "change it",
				              r->p.ext_id, where);
				r->state = PLEDGE_ROW_BAD;
			}
			continue;
		}
	}
	for (i = 0; i < c->n; i++) {
		res->added += c->rows[i].state == PLEDGE_ROW_NEW;
		res->unchanged += c->rows[i].state == PLEDGE_ROW_UNCHANGED;
		res->problems += c->rows[i].state == PLEDGE_ROW_BAD;
	}
	if (!apply || res->added == 0) {
		rc = 0;
		goto end;
	}
	if (!in_batch && ledger_batch_begin(l, cause) != 0)
		goto end;
	for (i = 0; i < c->n; i++) {
		if (c->rows[i].state != PLEDGE_ROW_NEW)
			continue;
		strbuf_free(&data);
		if (ledger_pl_data(&c->rows[i].p, "import", &data, cause) != 0 ||
		    ledger_append(l, "pledge", c->rows[i].p.walker, 0, 0, data.s, op, NULL,
		                  cause) != 0) {
			if (!in_batch) /* else the caller's batch is for the caller to end */
				ledger_batch_end(l, 0, NULL);
			goto end;
		}
	}
	if (!in_batch && ledger_batch_end(l, 1, cause) != 0)
		goto end;
	rc = 0;
end:
	strbuf_free(&data);
	ledger_pl_held_free(&h);
	return rc;
}

/* ---- payments ---- */

int
ledger_pledge_pay(struct ledger *l, uint32_t walker, const int64_t *pledges, size_t n,
                  int64_t cents, enum rules_method m, const char *check_no, const char *op,
                  int64_t *seq, int64_t *gift_cents, char **cause)
{
	struct ledger_settlement s;
	struct strbuf items = STRBUF_INIT;
	const char *sponsor = NULL;
	int64_t left = cents;
	size_t i, j;
	int rc = -1;

	*gift_cents = 0;
	if (n == 0)
		return util_fail(cause, "Say which pledge the payment is for.");
	if (ledger_settle(l, walker, &s, cause) != 0)
		return -1;
	strbuf_puts(&items, "[");
	for (i = 0; i < n; i++) {
		const struct ledger_pledge_line *ln = NULL;

		for (j = 0; j < s.n; j++)
			if (s.v[j].p->seq == pledges[i])
				ln = &s.v[j];
		if (ln == NULL) {
			util_fail(cause,
			          "Entry %" PRId64 " is not a pledge of walker %" PRIu32
			          " in force.",
			          pledges[i], walker);
			goto end;
		}
		for (j = 0; j < i; j++)
			if (pledges[j] == pledges[i]) {
				util_fail(cause, "Pledge %" PRId64 " is named twice.", pledges[i]);
				goto end;
			}
		if (sponsor == NULL)
			sponsor = ln->p->sponsor;
		else if (strcmp(sponsor, ln->p->sponsor) != 0) {
			util_fail(cause,
			          "One payment is one sponsor's: pledge %" PRId64
			          " is %s's, not %s's.",
			          pledges[i], ln->p->sponsor, sponsor);
			goto end;
		}
		if (!ln->final) {
			util_fail(
			    cause,
			    "Pledge %" PRId64 " is per %s and the laps are not certified yet: "
			    "certify them first (watctl pledge certify), so the amount owed is "
			    "final.",
			    pledges[i], pledge_kind_name(ln->p->t.kind));
			goto end;
		}
		if (ln->why[0] != '\0') {
			util_fail(cause, "%s", ln->why);
			goto end;
		}
		if (ln->due_cents > 0 && left > 0) {
			int64_t put = left < ln->due_cents ? left : ln->due_cents;

			strbuf_printf(&items, "%s[%" PRId64 ",%" PRId64 "]",
			              items.len > 1 ? "," : "", ln->p->seq, put);
			left -= put;
		}
	}
	strbuf_puts(&items, "]");
	*gift_cents = left;
	rc = ledger_donate_pledges(l, walker, cents, m, check_no, sponsor,
	                           items.len > 2 ? items.s : NULL, op, seq, cause);
end:
	strbuf_free(&items);
	ledger_settlement_clear(&s);
	return rc;
}

/* ---- certification ---- */

int
ledger_certify(struct ledger *l, const char *op, int64_t *seq, char **cause)
{
	struct ledger_settlement s;
	struct ledger_pl_peers peers = {0};
	struct strbuf b = STRBUF_INIT;
	unsigned char id[LEDGER_HASH_LEN];
	char hex[2 * LEDGER_HASH_LEN + 1];
	int rc = -1;

	if (ledger_settle(l, 0, &s, cause) != 0)
		return -1;
	if (s.cert_seq != 0) {
		util_fail(cause,
		          "The laps were certified already (entry %" PRId64
		          "): reopen them first to certify them again.",
		          s.cert_seq);
		goto end;
	}
	if (ledger_identity(l, id) != 0 || ledger_peers(l, ledger_pl_peers_cb, &peers, cause) != 0)
		goto end;
	ledger_pl_hex(id, hex);
	strbuf_puts(&b, "{\"stations\":[{\"station\":");
	strbuf_json(&b, l->ev.station);
	strbuf_printf(&b, ",\"ledger\":\"%s\",\"seq\":%" PRId64 "}", hex, l->last_seq);
	for (size_t i = 0; i < peers.n; i++) {
		ledger_pl_hex(peers.v[i].ledger, hex);
		strbuf_puts(&b, ",{\"station\":");
		strbuf_json(&b, peers.v[i].station);
		strbuf_printf(&b, ",\"ledger\":\"%s\",\"seq\":%" PRId64 "}", hex,
		              peers.v[i].head_seq);
	}
	strbuf_puts(&b, "]}");
	rc = ledger_append(l, "certify", 0, 0, 0, b.s, op, seq, cause);
end:
	free(peers.v);
	strbuf_free(&b);
	ledger_settlement_clear(&s);
	return rc;
}

int
ledger_certify_reopen(struct ledger *l, const char *reason, const char *op, int64_t *seq,
                      char **cause)
{
	struct ledger_settlement s;
	struct strbuf b = STRBUF_INIT;
	char *why = ledger_clean(reason);
	int rc = -1;

	if (ledger_settle(l, 0, &s, cause) != 0) {
		free(why);
		return -1;
	}
	if (s.cert_seq == 0)
		util_fail(cause, "The laps are not certified: there is nothing to reopen.");
	else if (why == NULL)
		util_fail(cause, "Say why the laps are reopened (a reason is required).");
	else if (text_check(why, "reason", cause) != 0)
		;
	else if (text_length(why) > 200)
		util_fail(cause, "The reason must be plain text of at most 200 characters.");
	else {
		strbuf_puts(&b, "{\"reason\":");
		strbuf_json(&b, why);
		strbuf_puts(&b, "}");
		rc = ledger_append(l, "certify-reopen", 0, 0, 0, b.s, op, seq, cause);
	}
	strbuf_free(&b);
	free(why);
	ledger_settlement_clear(&s);
	return rc;
}

/* ---- statements ---- */

/* The sponsor's pledges for the walker of line i: each line j with the same
 * walker and sponsor (the settlement is sorted by walker). */
static int
ledger_pl_same_sponsor(const struct ledger_settlement *s, size_t i, size_t j)
{
	return s->v[i].p->walker == s->v[j].p->walker &&
	       strcmp(s->v[i].p->sponsor, s->v[j].p->sponsor) == 0;
}

size_t
ledger_statement_lines(const struct ledger_settlement *s, size_t i, size_t *idx, size_t max,
                       int64_t *owed, int64_t *paid, int64_t *due)
{
	size_t n = 0;

	*owed = *paid = *due = 0;
	for (size_t j = 0; j < s->n; j++)
		if (ledger_pl_same_sponsor(s, i, j)) {
			if (n < max)
				idx[n] = j;
			n++;
			*owed += s->v[j].owed_cents;
			*paid += s->v[j].paid_cents;
			*due += s->v[j].due_cents;
		}
	return n;
}

int
ledger_statement_first(const struct ledger_settlement *s, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (ledger_pl_same_sponsor(s, i, j))
			return 0;
	return 1;
}

void
ledger_statement_id(struct ledger *l, const struct ledger_settlement *s, size_t i, char *buf,
                    size_t len)
{
	unsigned char id[LEDGER_HASH_LEN];
	char hex[2 * LEDGER_HASH_LEN + 1];
	int64_t owed, paid, due;
	size_t first = i;

	for (size_t j = 0; j < i; j++)
		if (ledger_pl_same_sponsor(s, i, j)) {
			first = j;
			break;
		}
	ledger_statement_lines(s, i, NULL, 0, &owed, &paid, &due);
	memset(id, 0, sizeof id);
	ledger_identity(l, id);
	ledger_pl_hex(id, hex);
	for (char *p = hex; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	hex[8] = '\0';
	/* QR alphanumeric only (the station id is A-Z, 0-9 and '-') */
	snprintf(buf, len, "S:%s:%" PRId64 ":%" PRId64 ":%" PRId64 ":%s", l->ev.station,
	         s->v[first].p->seq, s->cert_seq, due, hex);
}

int
ledger_statement_check(struct ledger *l, const char *code, char **said, char **cause)
{
	struct ledger_settlement s;
	char station[LEDGER_STATION_MAX + 1], hex[16], want[128];
	long long seq, cert, due;
	int n = 0, rc = -1;
	size_t i;

	*said = NULL;
	if (sscanf(code, "S:%16[A-Z0-9-]:%lld:%lld:%lld:%8[0-9A-F]%n", station, &seq, &cert, &due,
	           hex, &n) != 5 ||
	    code[n] != '\0')
		return util_fail(cause, "\"%s\" is not a statement number (S:STATION:...).", code);
	if (strcmp(station, l->ev.station) != 0)
		return util_fail(cause,
		                 "Statement %s was made at station %s, not here (%s): check it "
		                 "there.",
		                 code, station, l->ev.station);
	if (ledger_settle(l, 0, &s, cause) != 0)
		return -1;
	for (i = 0; i < s.n; i++)
		if (s.v[i].p->seq == seq)
			break;
	if (i == s.n) {
		util_fail(cause,
		          "Statement %s names pledge %lld, which is not a pledge in force in this "
		          "ledger: it was annulled, or the statement is not this event's.",
		          code, seq);
		goto end;
	}
	ledger_statement_id(l, &s, i, want, sizeof want);
	if (strcmp(strrchr(want, ':') + 1, hex) != 0)
		util_fail(cause,
		          "Statement %s does not match this ledger: check it for a typing "
		          "mistake; if it is right, it was made at another event's station %s.",
		          code, station);
	else if (strcmp(want, code) == 0) {
		*said = xasprintf(
		    "Statement %s matches the ledger: %s's pledges for walker %" PRIu32 ", %s.",
		    code, s.v[i].p->sponsor, s.v[i].p->walker,
		    cert != 0 ? "on the certified laps" : "on the laps as of then");
		rc = 0;
	} else {
		char a[32], b[32];
		int64_t owed, paid, now;

		ledger_statement_lines(&s, i, NULL, 0, &owed, &paid, &now);
		*said = xasprintf("Statement %s was made from the ledger, but is out of date: it "
		                  "said %s still owed, the ledger now says %s (%s). Current "
		                  "statement: %s.",
		                  code, amount_format(due, a, sizeof a),
		                  amount_format(now, b, sizeof b),
		                  s.cert_seq != cert ? "the laps were certified or reopened since"
		                                     : "payments were recorded since",
		                  want);
		rc = 1;
	}
end:
	ledger_settlement_clear(&s);
	return rc;
}

/* ---- the event's pledged sums (the walkers' display) ---- */

/* A pledge in force as one ledger holds it, with what was paid on it there. */
struct ledger_pl_note {
	int64_t seq;
	uint32_t walker;
	char *ext_id; /* NULL: none */
	struct pledge_terms t;
	int64_t online, paid;
};

/* One ledger's pledges in force, kept in memory and brought up to date with
 * the entries that arrived since (all of them again after an annulment). */
struct ledger_pl_notes {
	unsigned char ledger[LEDGER_HASH_LEN];
	int64_t upto; /* the last entry read */
	struct ledger_pl_note *v;
	size_t n, cap;
};

struct ledger_pl_cache {
	struct ledger_pl_notes *v; /* this station's first */
	size_t n;
};

static void
ledger_pl_notes_clear(struct ledger_pl_notes *pn)
{
	for (size_t i = 0; i < pn->n; i++)
		free(pn->v[i].ext_id);
	pn->n = 0;
	pn->upto = 0;
}

void
ledger_pl_cache_free(struct ledger *l)
{
	struct ledger_pl_cache *c = l->plc;

	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		ledger_pl_notes_clear(&c->v[i]);
		free(c->v[i].v);
	}
	free(c->v);
	free(c);
	l->plc = NULL;
}

static struct ledger_pl_note *
ledger_pl_note_find(struct ledger_pl_notes *pn, int64_t seq)
{
	size_t lo = 0, hi = pn->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pn->v[mid].seq == seq)
			return &pn->v[mid];
		if (pn->v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct ledger_pl_pay {
	struct ledger_pl_notes *pn;
	uint32_t walker;
};

static int
ledger_pl_note_pay_cb(int64_t seq, int64_t cents, void *arg)
{
	struct ledger_pl_pay *p = arg;
	struct ledger_pl_note *n = ledger_pl_note_find(p->pn, seq);

	/* a pledge annulled (not held here) or another walker's: not toward it */
	if (n != NULL && n->walker == p->walker)
		n->paid += cents;
	return 0;
}

/* Entry e, in force, into pn: a pledge, or a payment toward pledges. */
static void
ledger_pl_note_apply(struct ledger_pl_notes *pn, const struct entry *e)
{
	if (e->kind == ENTRY_PLEDGE) {
		struct pledge p;
		struct ledger_pl_note *n;

		if (pn->n == pn->cap) {
			pn->cap = pn->cap ? pn->cap * 2 : 256;
			pn->v = xrealloc(pn->v, pn->cap * sizeof *pn->v);
		}
		pledge_from_entry(e, &p);
		n = &pn->v[pn->n++];
		n->seq = e->seq;
		n->walker = e->walker;
		n->ext_id = p.ext_id;
		p.ext_id = NULL;
		n->t = p.t;
		n->online = p.online_cents;
		n->paid = 0;
		pledge_clear(&p);
	} else if (e->kind == ENTRY_DONATION) {
		struct ledger_pl_pay pay = {pn, e->walker};

		pledge_payment_items(e, ledger_pl_note_pay_cb, &pay);
	}
}

/* Lines read: decoded, with what annuls each where the ledger knows it. */
struct ledger_pl_read {
	struct ledger_pl_lines ls;
	int64_t head; /* stop after it (a peer's head); 0: none */
	int annul;    /* an annulment among them */
};

static int
ledger_pl_read_cb(const struct ledger_entry *e, void *arg)
{
	struct ledger_pl_read *r = arg;

	if (r->head > 0 && e->seq > r->head)
		return 1;
	return ledger_pl_lines_cb(e, &r->ls);
}

/* Brings the notes of this station (own) or of a peer up to head: what
 * arrived since, or every entry again when an annulment is among it. */
static int
ledger_pl_notes_update(struct ledger *l, struct ledger_pl_notes *pn, int own, int64_t head,
                       char **cause)
{
	struct ledger_pl_read r;
	int64_t *by = NULL;
	size_t i;
	int rc = -1, again = 0;

	if (pn->upto >= head)
		return 0;
	for (;;) {
		memset(&r, 0, sizeof r);
		r.head = head;
		if ((own ? ledger_pledge_entries(l, pn->upto + 1, ledger_pl_read_cb, &r, cause)
		         : ledger_peer_entries(l, pn->ledger, pn->upto + 1, ledger_pl_read_cb, &r,
		                               cause)) != 0 ||
		    ledger_pl_decode(&r.ls, cause) != 0)
			goto end;
		for (i = 0; i < r.ls.n; i++)
			r.annul |= r.ls.es[i].kind == ENTRY_ANNUL;
		if (!r.annul || pn->upto == 0 || again)
			break;
		/* an annulment: every entry again, each in force or not */
		ledger_pl_lines_free(&r.ls);
		ledger_pl_notes_clear(pn);
		again = 1;
	}
	if (!own) { /* a peer's annulments are among its entries (own: r.ls.by) */
		by = xcalloc(r.ls.n ? r.ls.n : 1, sizeof *by);
		for (i = 0; i < r.ls.n; i++) {
			const struct entry *e = &r.ls.es[i];
			size_t lo = 0, hi = i;

			if (e->kind != ENTRY_ANNUL || e->ref.other || e->ref.seq <= 0)
				continue;
			while (lo < hi) { /* the target, earlier among them */
				size_t mid = lo + (hi - lo) / 2;
				if (r.ls.es[mid].seq < e->ref.seq)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < i && r.ls.es[lo].seq == e->ref.seq)
				by[lo] = e->seq;
		}
	}
	for (i = 0; i < r.ls.n; i++)
		if ((own ? r.ls.by[i] : by[i]) == 0)
			ledger_pl_note_apply(pn, &r.ls.es[i]);
	pn->upto = head;
	rc = 0;
end:
	free(by);
	ledger_pl_lines_free(&r.ls);
	return rc;
}

static struct ledger_pl_notes *
ledger_pl_notes_get(struct ledger *l, const unsigned char ledger[LEDGER_HASH_LEN])
{
	struct ledger_pl_cache *c = l->plc;

	for (size_t i = 0; i < c->n; i++)
		if (memcmp(c->v[i].ledger, ledger, LEDGER_HASH_LEN) == 0)
			return &c->v[i];
	c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	memset(&c->v[c->n], 0, sizeof c->v[c->n]);
	memcpy(c->v[c->n].ledger, ledger, LEDGER_HASH_LEN);
	return &c->v[c->n++];
}

/* A walker of the event, as the leaderboard counts them. */
struct ledger_pl_person {
	uint32_t id;
	int64_t laps;
	char *team, *key; /* as spelt (NULL: none), folded (text_fold; "": none) */
	size_t slot;      /* + 1: their team's among the sums (0: not looked up yet) */
};

struct ledger_pl_people {
	struct ledger_pl_person *v;
	size_t n, cap;
};

static int
ledger_pl_people_cb(const struct ledger_event_person *p, void *arg)
{
	struct ledger_pl_people *pp = arg;

	if (pp->n == pp->cap) {
		pp->cap = pp->cap ? pp->cap * 2 : 256;
		pp->v = xrealloc(pp->v, pp->cap * sizeof *pp->v);
	}
	pp->v[pp->n++] = (struct ledger_pl_person){
	    p->id, p->laps, p->team != NULL && *p->team != '\0' ? xstrdup(p->team) : NULL,
	    text_fold(p->team != NULL ? p->team : ""), 0};
	return 0;
}

static struct ledger_pl_person *
ledger_pl_person_find(const struct ledger_pl_people *pp, uint32_t id)
{
	size_t lo = 0, hi = pp->n; /* by number (ledger_event_people) */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pp->v[mid].id == id)
			return &pp->v[mid];
		if (pp->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A pledge held somewhere: the note, the person it is for, its holder. */
struct ledger_pl_one {
	const struct ledger_pl_note *n;
	uint32_t person;
	size_t holder; /* 0: this station */
};

/* Pledges with the same external id together (the first holder first),
 * each without one alone. */
static int
ledger_pl_one_cmp(const void *a, const void *b)
{
	const struct ledger_pl_one *x = a, *y = b;
	int c;

	if ((x->n->ext_id == NULL) != (y->n->ext_id == NULL))
		return x->n->ext_id == NULL ? 1 : -1;
	if (x->n->ext_id != NULL && (c = strcmp(x->n->ext_id, y->n->ext_id)) != 0)
		return c;
	if (x->holder != y->holder)
		return x->holder < y->holder ? -1 : 1;
	return x->n->seq < y->n->seq ? -1 : x->n->seq > y->n->seq;
}

struct ledger_pl_team {
	const char *key, *team; /* borrowed from the people */
	int64_t cents;
};

struct ledger_pl_peer_ids {
	unsigned char (*v)[LEDGER_HASH_LEN];
	int64_t *head;
	size_t n;
};

static int
ledger_pl_peer_ids_cb(const struct ledger_peer *p, void *arg)
{
	struct ledger_pl_peer_ids *ids = arg;

	ids->v = xrealloc(ids->v, (ids->n + 1) * sizeof *ids->v);
	ids->head = xrealloc(ids->head, (ids->n + 1) * sizeof *ids->head);
	memcpy(ids->v[ids->n], p->ledger, LEDGER_HASH_LEN);
	ids->head[ids->n++] = p->head_seq;
	return 0;
}

/* The rule's settings as they stand here (the settings table). */
static void
ledger_pl_rule_now(struct ledger *l, struct setting_length *lap, int64_t *cap)
{
	static const char sql[] = "SELECT value FROM settings WHERE key = ?1";
	const struct setting *ls = setting_find("lap-length");
	sqlite3_stmt *st = ledger_stmt(l, sql);

	memset(lap, 0, sizeof *lap);
	*cap = 0;
	setting_length_parse(ls->def, ls->max, lap);
	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, "lap-length", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    setting_length_parse((const char *)sqlite3_column_text(st, 0), ls->max, lap) != 0)
		memset(lap, 0, sizeof *lap);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, "pledge-lap-cap", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*cap = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
}

int
ledger_event_pledged(struct ledger *l, int (*cb)(const char *team, int64_t cents, void *),
                     void *arg, int64_t *total, char **cause)
{
	struct ledger_pl_people pp = {0};
	struct ledger_pl_peer_ids ids = {0};
	struct ledger_pl_one *all = NULL;
	struct ledger_pl_team *teams = NULL;
	struct setting_length lap;
	unsigned char id[LEDGER_HASH_LEN];
	size_t nall = 0, nteams = 0, i, j, k, h;
	int64_t cap;
	int rc = -1;

	*total = 0;
	if (!l->has_event || ledger_identity(l, id) != 0)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	/* the people and their laps over the event (the peers' folds made, so
	 * a peer's walker is known as the person linked here) */
	if (ledger_event_people(l, ledger_pl_people_cb, &pp, cause) != 0 ||
	    ledger_peers(l, ledger_pl_peer_ids_cb, &ids, cause) != 0)
		goto end;
	if (l->plc == NULL)
		l->plc = xcalloc(1, sizeof *l->plc);
	ledger_pl_rule_now(l, &lap, &cap);
	for (h = 0; h <= ids.n; h++) {
		struct ledger_pl_notes *pn = ledger_pl_notes_get(l, h == 0 ? id : ids.v[h - 1]);

		if (ledger_pl_notes_update(l, pn, h == 0, h == 0 ? l->last_seq : ids.head[h - 1],
		                           cause) != 0)
			goto end;
		all = xrealloc(all, (nall + pn->n + 1) * sizeof *all);
		for (i = 0; i < pn->n; i++)
			all[nall++] = (struct ledger_pl_one){
			    &pn->v[i],
			    h == 0 ? pn->v[i].walker
			           : ledger_event_person_of(l, pn->ledger, pn->v[i].walker),
			    h};
	}
	/* one station's external ids are its own once (ledger_pledge_add and
	 * _import refuse one held): with peers only, the same id together */
	if (nall > 1 && ids.n > 0)
		qsort(all, nall, sizeof *all, ledger_pl_one_cmp);
	/* each pledge once: one external id held at several stations is the
	 * first holder's terms and walker, paid online once and at each */
	for (i = 0; i < nall; i = j) {
		const struct ledger_pl_one *o = &all[i];
		struct ledger_pl_person *p = ledger_pl_person_find(&pp, o->person);
		const char *key = p != NULL ? p->key : "";
		int64_t online = o->n->online, paid = 0, owed = 0, still;

		for (j = i;
		     j < nall && (j == i || (o->n->ext_id != NULL && all[j].n->ext_id != NULL &&
		                             strcmp(all[j].n->ext_id, o->n->ext_id) == 0));
		     j++) {
			paid += all[j].n->paid;
			if (all[j].n->online > online)
				online = all[j].n->online;
		}
		if (pledge_owed(&o->n->t, p != NULL ? p->laps : 0, &lap, cap, &owed, NULL) != 0)
			owed = 0; /* per mile without a lap length: not known yet */
		still = owed - online - paid;
		if (still <= 0)
			continue;
		*total += still;
		if (p != NULL && p->slot != 0)
			k = p->slot - 1; /* looked up for another of their pledges */
		else
			for (k = 0; k < nteams && strcmp(teams[k].key, key) != 0; k++)
				;
		if (p != NULL)
			p->slot = k + 1;
		if (k == nteams) {
			teams = xrealloc(teams, (nteams + 1) * sizeof *teams);
			teams[nteams++] = (struct ledger_pl_team){
			    key, key[0] != '\0' && p->team != NULL ? p->team : "", 0};
		}
		teams[k].cents += still;
	}
	for (k = 0; cb != NULL && k < nteams; k++)
		if (cb(teams[k].team, teams[k].cents, arg) != 0)
			break;
	rc = 0;
end:
	free(teams);
	free(all);
	free(ids.v);
	free(ids.head);
	for (i = 0; i < pp.n; i++) {
		free(pp.v[i].team);
		free(pp.v[i].key);
	}
	free(pp.v);
	return rc;
}
