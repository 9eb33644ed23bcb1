/* fold.c — what the entries mean for the figures; see fold.h. */
#include "fold.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "setting.h"
#include "util.h"

struct fold {
	struct rules_settings s;
	struct fold_walker *w; /* by number once the fold is done */
	size_t n, cap;
	uint32_t *slots; /* open addressing: index + 1, 0 empty */
	size_t nslots;
	int64_t *annulled_by; /* [seq - 1] */
	size_t nentries;
	struct fold_figures fig;
	struct fold_station st;
	int xapplied; /* a verdict from another ledger's review is in the walkers */
};

void
fold_walker_init(struct fold_walker *w, uint32_t id)
{
	memset(w, 0, sizeof *w);
	w->id = id;
}

static void
fold_walker_details_clear(struct fold_walker *w)
{
	free(w->name);
	free(w->team);
	free(w->email);
	free(w->phone);
	free(w->ext_id);
	w->name = w->team = w->email = w->phone = w->ext_id = NULL;
}

void
fold_walker_clear(struct fold_walker *w)
{
	fold_walker_details_clear(w);
	free(w->flags);
	w->flags = NULL;
	w->nflags = w->capflags = 0;
}

int64_t
fold_counted_laps(const struct fold_walker *w)
{
	return w->laps - w->flagged_laps + w->accepted_laps;
}

int64_t
fold_pending_laps(const struct fold_walker *w)
{
	return w->flagged_laps - w->accepted_laps - w->rejected_laps;
}

static struct fold_flag *
fold_flag_find(const struct fold_walker *w, int64_t seq)
{
	size_t lo = 0, hi = w->nflags;

	while (lo < hi) { /* folded in sequence order: sorted */
		size_t mid = lo + (hi - lo) / 2;

		if (w->flags[mid].seq == seq)
			return &w->flags[mid];
		if (w->flags[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct fold_flag *
fold_lap_flag(const struct fold_walker *w, int64_t seq)
{
	return fold_flag_find(w, seq);
}

int
fold_lap_review(const struct fold_walker *w, int64_t seq)
{
	const struct fold_flag *fl = fold_flag_find(w, seq);

	return fl != NULL ? fl->review : -2;
}

void
fold_walker_rules(const struct fold_walker *w, struct rules_walker *rw)
{
	memset(rw, 0, sizeof *rw);
	rw->checked_in = w->checkin_seq != 0;
	rw->laps = fold_counted_laps(w); /* "lap 12" is the twelfth that counts */
	rw->has_last_scan = w->has_scan;
	rw->last_scan = w->last_scan;
	rw->has_last_lap = w->has_lap;
	rw->last_lap = w->last_lap;
}

/* A detail the entry gives replaces the one before (a registration gives
 * them all: absent ones become empty). */
static void
fold_detail(char **field, const struct entry *e, const char *key, int all)
{
	struct json_value v = entry_member(e, key);

	if (v.type == JSON_NONE && !all)
		return;
	free(*field);
	*field = v.type == JSON_STRING ? json_str(&v) : NULL;
}

/* 1 when lap e was written by the scan that wrote the walker's check-in:
 * that check-in, scanned, is the first in force and the entry just before
 * it, on the same boot less than FOLD_SAME_SCAN_MS earlier (the two are
 * stamped one after the other in one transaction). */
#define FOLD_SAME_SCAN_MS 1000
static int
fold_same_scan(const struct fold_walker *w, const struct entry *e)
{
	int64_t ms;

	return w->checkin_seq == e->seq - 1 && w->has_scan &&
	       stamp_elapsed(&w->last_scan, &e->at, &ms) == 1 && ms >= 0 && ms < FOLD_SAME_SCAN_MS;
}

void
fold_walker_apply(struct fold_walker *w, const struct entry *e, const struct rules_settings *s)
{
	struct rules_walker rw;
	struct rules_verdict v;
	int reg = e->kind == ENTRY_WALKER;

	assert(e->walker == w->id);
	switch (e->kind) {
	case ENTRY_WALKER:
	case ENTRY_WALKER_UPDATE:
		if (reg) {
			w->reg_seq = e->seq;
			w->active = 1;
		}
		fold_detail(&w->name, e, "name", reg);
		fold_detail(&w->team, e, "team", reg);
		fold_detail(&w->email, e, "email", reg);
		fold_detail(&w->phone, e, "phone", reg);
		fold_detail(&w->ext_id, e, "ext_id", reg);
		break;
	case ENTRY_CHECKIN:
		if (w->checkin_seq == 0)
			w->checkin_seq = e->seq;
		if (!e->manual) {
			w->has_scan = 1;
			w->last_scan = e->at;
		}
		break;
	case ENTRY_LAP:
		if (!e->manual) {
			/* the rules' judgement, as at the station that scanned it */
			fold_walker_rules(w, &rw);
			if (fold_same_scan(w, e)) {
				/* A scan of a walker not checked in writes the
				 * check-in, then this lap: one scan, judged as
				 * before that check-in (or it would be a scan
				 * within the hold-off of itself).  Before it the
				 * last scan was a lap's (no check-in in force), at
				 * or before the last lap: judged from the last lap,
				 * the same verdict while holdoff <= min-lap. */
				rw.checked_in = 0;
				rw.has_last_scan = w->has_lap;
				rw.last_scan = w->last_lap;
			}
			rules_lap_check(s, &rw, &e->at, &v);
			if (v.outcome != RULES_LAP) {
				/* Laps are timed from the last lap that met the rule
				 * (else the check-in): a flagged lap does not move
				 * that, whatever its review says, or one scan too soon
				 * would flag the honest lap after it. */
				if (!w->has_lap && w->has_scan) {
					w->has_lap = 1;
					w->last_lap = w->last_scan;
				}
				w->flagged_laps++;
				if (w->nflags == w->capflags) {
					w->capflags = w->capflags ? w->capflags * 2 : 4;
					w->flags =
					    xrealloc(w->flags, w->capflags * sizeof *w->flags);
				}
				assert(w->nflags == 0 || w->flags[w->nflags - 1].seq < e->seq);
				w->flags[w->nflags++] = (struct fold_flag){.seq = e->seq};
			}
			w->has_scan = 1;
			w->last_scan = e->at;
			if (v.outcome != RULES_LAP) {
				w->laps++;
				break;
			}
		}
		w->laps++;
		w->manual_laps += e->manual;
		w->has_lap = 1;
		w->last_lap = e->at;
		break;
	case ENTRY_LAP_REVIEW: {
		struct fold_flag *fl = e->ref.other ? NULL : fold_flag_find(w, e->ref.seq);

		if (fl == NULL)
			break; /* not a flagged lap of the walker in force: nothing */
		w->accepted_laps -= fl->review == 1;
		w->rejected_laps -= fl->review == -1;
		fl->own_review = fl->review = e->accept ? 1 : -1;
		fl->own_seq = fl->review_seq = e->seq;
		fl->own_wall_ms = fl->review_wall_ms = e->at.wall_ms;
		fl->review_other = 0;
		fl->disagree = 0;
		w->accepted_laps += fl->review == 1;
		w->rejected_laps += fl->review == -1;
		break;
	}
	case ENTRY_DONATION:
		w->donations++;
		if (e->method == RULES_CASH)
			w->cash_cents += e->cents;
		else if (e->method == RULES_CHECK) {
			w->check_cents += e->cents;
			w->checks++;
		} else
			w->other_cents += e->cents;
		break;
	default: assert(!"not a walker's entry"); break;
	}
}

void
fold_figures_walker(struct fold_figures *f, const struct fold_walker *w, int sign)
{
	assert(sign == 1 || sign == -1);
	f->walkers += sign * (w->active != 0);
	f->checked_in += sign * (w->checkin_seq != 0);
	f->laps += sign * w->laps;
	f->manual_laps += sign * w->manual_laps;
	f->flagged_laps += sign * w->flagged_laps;
	f->accepted_laps += sign * w->accepted_laps;
	f->rejected_laps += sign * w->rejected_laps;
	f->donations += sign * w->donations;
	f->checks += sign * w->checks;
	f->cash_cents += sign * w->cash_cents;
	f->check_cents += sign * w->check_cents;
	f->other_cents += sign * w->other_cents;
	f->total_cents += sign * (w->cash_cents + w->check_cents + w->other_cents);
	/* the total is the methods' sum, whatever was added and taken back */
	assert(f->total_cents == f->cash_cents + f->check_cents + f->other_cents);
}

void
fold_station_apply(struct fold_station *s, const struct entry *e)
{
	switch (e->kind) {
	case ENTRY_CLOSEOUT: s->closed_seq = e->seq; break;
	case ENTRY_REOPEN: s->closed_seq = 0; break;
	case ENTRY_EXPORT:
		s->export_n = e->export_n;
		s->export_seq = e->seq;
		break;
	case ENTRY_ANNUL: s->annulled++; break;
	default: break; /* event, settings: the ledger's and fold_run's settings */
	}
}

int
fold_setting_judges(const char *key)
{
	const struct setting *s = setting_find(key);

	return s != NULL && s->judges;
}

void
fold_apply_setting(struct rules_settings *s, const char *key, const char *value)
{
	if (fold_setting_judges(key))
		setting_apply_rules(s, key, value);
}

/* ---- the whole ledger at once ---- */

static struct fold_walker *
fold_find(struct fold *f, uint32_t id, int create)
{
	size_t i, j, mask;

	if (create && (f->n + 1) * 2 > f->nslots) {
		free(f->slots);
		f->nslots = f->nslots ? f->nslots * 2 : 1024;
		f->slots = xcalloc(f->nslots, sizeof *f->slots);
		for (j = 0; j < f->n; j++) {
			i = (f->w[j].id * 2654435761u) & (f->nslots - 1);
			while (f->slots[i] != 0)
				i = (i + 1) & (f->nslots - 1);
			f->slots[i] = (uint32_t)j + 1;
		}
	}
	if (f->nslots == 0)
		return NULL;
	assert((f->nslots & (f->nslots - 1)) == 0); /* the mask below needs a power of two */
	mask = f->nslots - 1;
	for (i = (id * 2654435761u) & mask; f->slots[i] != 0; i = (i + 1) & mask)
		if (f->w[f->slots[i] - 1].id == id)
			return &f->w[f->slots[i] - 1];
	if (!create)
		return NULL;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->w = xrealloc(f->w, f->cap * sizeof *f->w);
	}
	fold_walker_init(&f->w[f->n], id);
	f->slots[i] = (uint32_t)++f->n;
	return &f->w[f->n - 1];
}

static int
fold_walker_cmp(const void *a, const void *b)
{
	const struct fold_walker *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

uint32_t *
fold_registered(const struct fold *f, size_t *n)
{
	uint32_t *ids = xcalloc(f->n ? f->n : 1, sizeof *ids);
	size_t i;

	*n = 0;
	for (i = 0; i < f->n; i++)
		if (f->w[i].active)
			ids[(*n)++] = f->w[i].id;
	return ids;
}

int
fold_annul_check(int64_t seq, const struct entry_ref *ref, const struct entry_kind_def *target,
                 int already, char **cause)
{
	if (ref->other)
		return util_fail(cause,
		                 "Entry %" PRId64 " annuls an entry of another station's ledger, "
		                 "which this ledger cannot do.",
		                 seq);
	if (ref->seq <= 0 || ref->seq >= seq)
		return util_fail(cause,
		                 "Entry %" PRId64 " annuls entry %" PRId64
		                 ", which does not come before it.",
		                 seq, ref->seq);
	if (target == NULL || !target->annullable || already)
		return util_fail(cause,
		                 "Entry %" PRId64 " annuls entry %" PRId64
		                 ", which is an annulment, the event or already annulled.",
		                 seq, ref->seq);
	return 0;
}

/* Which entry annuls which, each annulment checked by fold_annul_check. */
static int
fold_annulments(struct fold *f, const struct entry *es, size_t n, char **cause)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct entry *e = &es[i];
		const struct entry *t =
		    e->ref.seq > 0 && e->ref.seq < e->seq ? &es[e->ref.seq - 1] : NULL;

		if (e->kind != ENTRY_ANNUL)
			continue;
		if (fold_annul_check(e->seq, &e->ref, t != NULL ? entry_kind(t->kind) : NULL,
		                     t != NULL && f->annulled_by[t->seq - 1] != 0, cause) != 0)
			return -1;
		assert(t != NULL && t->seq < e->seq); /* fold_annul_check refuses any other */
		f->annulled_by[t->seq - 1] = e->seq;
	}
	return 0;
}

struct fold *
fold_new(const struct rules_settings *s)
{
	struct fold *f = xcalloc(1, sizeof *f);

	f->s = *s;
	return f;
}

void
fold_walker_step(struct fold_walker *w, const struct entry *e, int64_t annulled_by,
                 const struct rules_settings *s)
{
	if (annulled_by != 0) {
		/* a registration annulled still numbers the walker */
		if (e->kind == ENTRY_WALKER && w->reg_seq == 0)
			w->reg_seq = e->seq;
		return;
	}
	if (entry_kind(e->kind)->scope == ENTRY_WALKER_SCOPE)
		fold_walker_apply(w, e, s);
}

void
fold_step(struct fold *f, const struct entry *e, int64_t annulled_by)
{
	enum entry_scope scope = entry_kind(e->kind)->scope;

	/* every walker an entry names is one (only seen by badge, or named by a print) */
	if (e->walker != 0)
		fold_walker_step(fold_find(f, e->walker, 1), e, annulled_by, &f->s);
	if (annulled_by == 0 && (scope == ENTRY_STATION || scope == ENTRY_UNDO))
		fold_station_apply(&f->st, e);
}

void
fold_finish(struct fold *f)
{
	size_t i;

	if (f->n > 0) /* qsort(NULL, 0, ...) is undefined: an event with no walkers */
		qsort(f->w, f->n, sizeof *f->w, fold_walker_cmp);
	free(f->slots); /* the order changed: look-ups by bisection now */
	f->slots = NULL;
	f->nslots = 0;
	memset(&f->fig, 0, sizeof f->fig);
	for (i = 0; i < f->n; i++) {
		/* one walker per id (fold_find), in order: fold_walker bisects */
		assert(i == 0 || f->w[i - 1].id < f->w[i].id);
		fold_figures_walker(&f->fig, &f->w[i], 1);
	}
	f->fig.annulled = f->st.annulled;
}

/* The settings entries in force among es[0..n) applied to s in order (the
 * last for each key); by[i]: what annuls es[i], 0 in force (NULL: all). */
static void
fold_settings_of(struct rules_settings *s, const struct entry *es, const int64_t *by, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct json_value k, v;
		char *key, *value;

		if (es[i].kind != ENTRY_SETTINGS || (by != NULL && by[i] != 0))
			continue;
		k = entry_member(&es[i], "key");
		v = entry_member(&es[i], "value");
		key = json_str(&k);
		value = json_str(&v);
		if (key != NULL)
			fold_apply_setting(s, key, value);
		free(key);
		free(value);
	}
}

int
fold_run(const struct entry *es, size_t n, const struct rules_settings *given, struct fold **out,
         char **cause)
{
	struct fold *f;
	struct rules_settings s;
	size_t i;

	*out = NULL;
	if (given != NULL) {
		s = *given;
	} else {
		/* the settings in force among es (the last for each key) */
		int64_t *by = xcalloc(n > 0 ? n : 1, sizeof *by);
		rules_settings_default(&s);
		for (i = 0; i < n; i++)
			if (es[i].kind == ENTRY_ANNUL && es[i].ref.seq > 0 &&
			    es[i].ref.seq < es[i].seq && !es[i].ref.other)
				by[es[i].ref.seq - 1] = es[i].seq;
		fold_settings_of(&s, es, by, n);
		free(by);
	}
	f = fold_new(&s);
	f->annulled_by = xcalloc(n > 0 ? n : 1, sizeof *f->annulled_by);
	f->nentries = n;
	for (i = 0; i < n; i++)
		assert(es[i].seq == (int64_t)i + 1);
	if (fold_annulments(f, es, n, cause) != 0) {
		fold_free(f);
		return -1;
	}
	for (i = 0; i < n; i++)
		fold_step(f, &es[i], f->annulled_by[i]);
	fold_finish(f);
	*out = f;
	return 0;
}

int
fold_run_some(const struct entry *es, const int64_t *by, size_t n, int64_t last,
              const struct rules_settings *given, struct fold **out)
{
	struct fold *f;
	struct rules_settings s;
	size_t i;

	if (given != NULL) {
		s = *given;
	} else {
		/* the settings in force among es (the last for each key) */
		rules_settings_default(&s);
		fold_settings_of(&s, es, by, n);
	}
	f = fold_new(&s);
	f->nentries = last > 0 ? (size_t)last : 0;
	f->annulled_by = xcalloc(f->nentries > 0 ? f->nentries : 1, sizeof *f->annulled_by);
	for (i = 0; i < n; i++) {
		assert(es[i].seq >= 1 && es[i].seq <= last &&
		       (i == 0 || es[i - 1].seq < es[i].seq));
		f->annulled_by[es[i].seq - 1] = by != NULL ? by[i] : 0;
	}
	for (i = 0; i < n; i++)
		fold_step(f, &es[i], f->annulled_by[es[i].seq - 1]);
	fold_finish(f);
	*out = f;
	return 0;
}

void
fold_free(struct fold *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		fold_walker_clear(&f->w[i]);
	free(f->w);
	free(f->slots);
	free(f->annulled_by);
	free(f);
}

int
fold_more(struct fold *f, const struct entry *es, size_t n)
{
	size_t i, j, want;

	for (i = 0; i < n; i++) {
		struct json_value k;
		char *key;
		int judges;

		assert(es[i].seq == (int64_t)(f->nentries + i + 1));
		if (es[i].kind == ENTRY_ANNUL)
			return 1;
		if (es[i].kind != ENTRY_SETTINGS)
			continue;
		k = entry_member(&es[i], "key");
		key = json_str(&k);
		judges = key != NULL && fold_setting_judges(key);
		free(key);
		if (judges)
			return 1;
	}
	if (n == 0)
		return 0;
	/* hash slots again for the walkers held (fold_finish dropped them) */
	for (want = 1024; want < (f->n + n + 1) * 2; want *= 2)
		;
	free(f->slots);
	f->nslots = want;
	f->slots = xcalloc(f->nslots, sizeof *f->slots);
	for (j = 0; j < f->n; j++) {
		i = (f->w[j].id * 2654435761u) & (f->nslots - 1);
		while (f->slots[i] != 0)
			i = (i + 1) & (f->nslots - 1);
		f->slots[i] = (uint32_t)j + 1;
	}
	f->annulled_by = xrealloc(f->annulled_by, (f->nentries + n) * sizeof *f->annulled_by);
	memset(f->annulled_by + f->nentries, 0, n * sizeof *f->annulled_by);
	f->nentries += n;
	for (i = 0; i < n; i++)
		fold_step(f, &es[i], 0);
	fold_finish(f);
	return 0;
}

size_t
fold_entries(const struct fold *f)
{
	return f->nentries;
}

const struct fold_figures *
fold_figures(const struct fold *f)
{
	return &f->fig;
}

const struct fold_station *
fold_station(const struct fold *f)
{
	return &f->st;
}

const struct fold_walker *
fold_walkers(const struct fold *f, size_t *n)
{
	*n = f->n;
	return f->w;
}

const struct fold_walker *
fold_walker(const struct fold *f, uint32_t id)
{
	size_t lo = 0, hi = f->n;

	assert(f->slots == NULL); /* after fold_finish: sorted, no hash slots */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->w[mid].id == id)
			return &f->w[mid];
		if (f->w[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- reviews across stations (fold.h) ---- */

void
fold_xreviews_push(struct fold_xreviews *x, const unsigned char by[ENTRY_ID_LEN],
                   const struct entry *e)
{
	struct fold_xreview *r;

	if (e->kind != ENTRY_LAP_REVIEW || !e->ref.other || e->walker == 0 ||
	    memcmp(e->ref.ledger, by, ENTRY_ID_LEN) == 0)
		return;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 16;
		x->v = xrealloc(x->v, x->cap * sizeof *x->v);
	}
	r = &x->v[x->n++];
	memcpy(r->by, by, ENTRY_ID_LEN);
	memcpy(r->ledger, e->ref.ledger, ENTRY_ID_LEN);
	r->seq = e->seq;
	r->wall_ms = e->at.wall_ms;
	r->lap = e->ref.seq;
	r->walker = e->walker;
	r->accept = e->accept;
}

void
fold_xreviews_add(struct fold_xreviews *x, const unsigned char by[ENTRY_ID_LEN],
                  const struct entry *es, size_t n, const struct fold *f)
{
	for (size_t i = 0; i < n; i++) {
		int64_t a = fold_annulled_by(f, es[i].seq);

		if (a == 0 || a > (int64_t)n)
			fold_xreviews_push(x, by, &es[i]);
	}
}

void
fold_xreviews_free(struct fold_xreviews *x)
{
	free(x->v);
	memset(x, 0, sizeof *x);
}

int
fold_xreviews_name(const struct fold_xreviews *x, const unsigned char self[ENTRY_ID_LEN])
{
	for (size_t i = 0; i < x->n; i++)
		if (memcmp(x->v[i].ledger, self, ENTRY_ID_LEN) == 0)
			return 1;
	return 0;
}

static int
fold_xreview_cmp(const void *a, const void *b)
{
	const struct fold_xreview *x = *(const struct fold_xreview *const *)a;
	const struct fold_xreview *y = *(const struct fold_xreview *const *)b;
	int c;

	if (x->lap != y->lap)
		return x->lap < y->lap ? -1 : 1;
	if ((c = memcmp(x->by, y->by, ENTRY_ID_LEN)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
fold_walker_verdicts(struct fold_walker *w)
{
	w->accepted_laps = w->rejected_laps = 0;
	for (size_t i = 0; i < w->nflags; i++) {
		w->accepted_laps += w->flags[i].review == 1;
		w->rejected_laps += w->flags[i].review == -1;
	}
}

/* Walker id among ws[0..nw) (by number, ascending); NULL: none. */
static struct fold_walker *
fold_xwalker(struct fold_walker *ws, size_t nw, uint32_t id)
{
	size_t lo = 0, hi = nw;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ws[mid].id == id)
			return &ws[mid];
		if (ws[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The rule (fold.h) over walkers ws[0..nw) of ledger self, by number:
 * how many reviews of x were taken. */
static size_t
fold_xapply(struct fold_walker *ws, size_t nw, const unsigned char self[ENTRY_ID_LEN],
            const struct fold_xreviews *x)
{
	const struct fold_xreview **mine = NULL;
	size_t n = 0, i;

	/* back to the ledger's own say */
	for (i = 0; i < nw; i++) {
		struct fold_walker *w = &ws[i];

		for (size_t j = 0; j < w->nflags; j++) {
			struct fold_flag *fl = &w->flags[j];

			fl->review = fl->own_review;
			fl->review_seq = fl->own_seq;
			fl->review_wall_ms = fl->own_wall_ms;
			fl->review_other = 0;
			fl->disagree = 0;
		}
	}
	/* a review of a lap not flagged for the walker it names (or not in
	 * force) is none: it says nothing, not even its ledger's last say */
	for (i = 0; i < x->n; i++) {
		const struct fold_walker *cw;

		if (memcmp(x->v[i].ledger, self, ENTRY_ID_LEN) != 0 ||
		    (cw = fold_xwalker(ws, nw, x->v[i].walker)) == NULL ||
		    fold_flag_find(cw, x->v[i].lap) == NULL)
			continue;
		if (mine == NULL)
			mine = xcalloc(x->n, sizeof *mine);
		mine[n++] = &x->v[i];
	}
	if (n > 0)
		qsort(mine, n, sizeof *mine, fold_xreview_cmp);
	for (i = 0; i < n; i++) {
		const struct fold_xreview *r = mine[i];
		struct fold_flag *fl;
		const unsigned char *cur;
		int v = r->accept ? 1 : -1;

		/* each ledger's say is its last review of the lap (by seq) */
		if (i + 1 < n && mine[i + 1]->lap == r->lap &&
		    memcmp(mine[i + 1]->by, r->by, ENTRY_ID_LEN) == 0)
			continue;
		fl = fold_flag_find(fold_xwalker(ws, nw, r->walker), r->lap);
		if (fl->review != 0) {
			fl->disagree |= fl->review != v;
			cur = fl->review_other ? fl->review_by : self;
			if (r->wall_ms < fl->review_wall_ms ||
			    (r->wall_ms == fl->review_wall_ms &&
			     memcmp(r->by, cur, ENTRY_ID_LEN) < 0))
				continue; /* the earlier: the one held stands */
		}
		fl->review = v;
		fl->review_seq = r->seq;
		fl->review_wall_ms = r->wall_ms;
		fl->review_other = 1;
		memcpy(fl->review_by, r->by, ENTRY_ID_LEN);
	}
	free(mine);
	for (i = 0; i < nw; i++)
		if (ws[i].nflags > 0)
			fold_walker_verdicts(&ws[i]);
	return n;
}

void
fold_xreviews_walker(struct fold_walker *w, const unsigned char self[ENTRY_ID_LEN],
                     const struct fold_xreviews *x)
{
	fold_xapply(w, 1, self, x);
}

void
fold_xreviews_apply(struct fold *f, const unsigned char self[ENTRY_ID_LEN],
                    const struct fold_xreviews *x)
{
	assert(f->slots == NULL); /* finished: walkers by number */
	if (!f->xapplied && !fold_xreviews_name(x, self))
		return; /* only its own reviews, as folded */
	f->xapplied = fold_xapply(f->w, f->n, self, x) > 0;
	f->fig.accepted_laps = f->fig.rejected_laps = 0;
	for (size_t i = 0; i < f->n; i++) {
		f->fig.accepted_laps += f->w[i].accepted_laps;
		f->fig.rejected_laps += f->w[i].rejected_laps;
	}
}

int64_t
fold_annulled_by(const struct fold *f, int64_t seq)
{
	return seq >= 1 && (size_t)seq <= f->nentries ? f->annulled_by[seq - 1] : 0;
}
