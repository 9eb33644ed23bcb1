/* test_property.c — random days through the whole path, every figure
 * compared at every step.
 *
 * Each day is one event with three stations on real sqlite files: T1 (role
 * both) sets the event up, T2 (lap point) joins it by event pack, T3
 * (welcome) is a separate init with the same badge key.  Thousands of random
 * operations go through the real ledger API: walkers by roster and walk-up,
 * roster re-imports (walker updates), scans and manual check-ins and laps
 * (scans too soon and within the hold-off among them), donations of every
 * method, settings, prints, PIN records, annulments of every annullable kind
 * by the role allowed, close-outs and reopenings.  Exports now and then are
 * verified and merged at HQ in order, with skips, replays and re-merges.
 *
 * The test keeps its own model of every station: the entries each operation
 * should have written, and the figures by plain counting over them (not
 * fold.c).  Compared with it, at every step: ledger_totals, the walkers and
 * the teams report; at each export: the export's figures, the manifest, the
 * verifier's figures, the CSVs' row counts and sums, ledger_rebuild then
 * ledger_check; at each merge: HQ's report per station, hq_totals per event
 * and overall.
 *
 * WAT_PROP_SEED (the seed, printed on failure), WAT_PROP_DAYS and
 * WAT_PROP_OPS (operations per station and day) make a longer run;
 * PROP_DEBUG=1 lists the model's flagged walkers when those differ. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "bundle.h"
#include "closeout.h"
#include "csv.h"
#include "event_pack.h"
#include "hq.h"
#include "json.h"
#include "ledger.h"
#include "roster.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"

/* main's commit a54d916 (before the fold) had no flagged laps: build the
 * test against it with -DPROP_NO_FLAGGED to compare the rest. */
#ifdef PROP_NO_FLAGGED
#define FLAGGED(x) 0
#else
#define FLAGGED(x) (x)
#endif

#define NST   3
#define T0    1795521600000LL /* 2026-11-24 12:00:00 UTC */
#define MAXW  2000            /* walker numbers per station */
#define WSLOT (NST * MAXW)

/* ---- the seed and a small generator (xorshift64*) ---- */

static uint64_t prop_seed, prop_state;
static char prop_where[1024]; /* what the test was doing, for a failure */

static uint64_t
rnd(void)
{
	prop_state ^= prop_state >> 12;
	prop_state ^= prop_state << 25;
	prop_state ^= prop_state >> 27;
	return prop_state * 2685821657736338717ULL;
}

static int64_t
rn(int64_t n) /* 0 .. n-1 */
{
	return n <= 0 ? 0 : (int64_t)(rnd() % (uint64_t)n);
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "property failed (WAT_PROP_SEED=%llu, %s): ",              \
			        (unsigned long long)prop_seed, prop_where);                        \
			fprintf(stderr, __VA_ARGS__);                                              \
			fprintf(stderr, "\n");                                                     \
			fail_msg("%s:%d: %s", __FILE__, __LINE__, #cond);                          \
		}                                                                                  \
	} while (0)

#define EQ(what, a, b)                                                                             \
	CHECK((int64_t)(a) == (int64_t)(b), "%s: %lld, expected %lld", (what), (long long)(a),     \
	      (long long)(b))

/* ---- the model ---- */

enum mkind {
	MK_EVENT,
	MK_SETTINGS,
	MK_WALKER,
	MK_UPDATE,
	MK_CHECKIN,
	MK_LAP,
	MK_DONATION,
	MK_ANNUL,
	MK_PRINT,
	MK_CLOSEOUT,
	MK_REOPEN,
	MK_EXPORT,
	MK_PIN,
	MK_N
};
static const char *const mk_names[MK_N] = {
    "event", "settings", "walker",   "walker-update", "checkin", "lap",    "donation",
    "annul", "print",    "closeout", "reopen",        "export",  "pin-ok",
};

struct ment {
	enum mkind k;
	uint32_t walker;
	int manual;
	int paired;    /* a scanned lap written with its scanned check-in (one scan) */
	int64_t cents; /* donation */
	int method;    /* 0 cash, 1 check, 2 other */
	int64_t ref;   /* annul: the target */
	int64_t mono;  /* the station's monotonic clock (one boot a day) */
	int64_t annulled_by;
	char key[16];  /* settings */
	int64_t value; /* settings: seconds, when a number */
	char text[16]; /* settings: the value as text */
	int has_team;  /* walker, walker-update: team given (NULL counts) */
	char team[24]; /* "" for none */
	int64_t export_n;
};

struct figs {
	int64_t walkers, checked_in, laps, manual, flagged, donations, checks;
	int64_t cash, check, other, total, annulled;
	int closed;
	int64_t export_n;
};

struct snap {
	struct figs f;
	uint32_t *reg; /* walkers registered in force */
	size_t nreg;
	char *zip, *name;
	int64_t last_seq;
};

struct station {
	char id[8];
	char path[300], keys[300];
	struct ledger *l;
	int role; /* enum rules_role */
	int64_t mono0;
	char boot[STAMP_BOOT_LEN + 1];
	struct stamp now;
	struct ment *e; /* [seq - 1] */
	size_t n, cap;
	uint32_t *ids; /* walkers registered here (in any state), in order */
	size_t nids;
	char **ext; /* their external ids for the roster ("" for walk-ups) */
	struct snap *snaps;
	size_t nsnaps, merged; /* snaps[0 .. merged) merged at HQ (the last one counts) */
	int64_t merged_last;   /* index of the last merged export + 1; 0: none */
	uint32_t last_scanned;
};

struct day {
	char dir[200];
	struct station st[NST];
	char tag[16];
	struct badge_event badge;
	int64_t t; /* ms since the day started, for every station */
};

static struct hq *hq;
static char hq_path[300], top[128];
static int64_t days_done;

/* everything merged at HQ by event: the snaps that count (one per station) */
struct hq_event {
	char tag[16];
	struct figs f[NST];
	uint32_t *reg[NST];
	size_t nreg[NST];
	int has[NST];
};
static struct hq_event *hq_events;
static size_t hq_nevents;

/* what the run went through, printed at the end */
static struct {
	int64_t kinds[MK_N], annulled[MK_N], manual_laps, flagged, refused_scans, too_soon, already,
	    merges[3], exports;
} stats;

static int
slot(uint32_t id)
{
	uint32_t st = id / 100000, n = id % 100000;

	if (st >= NST || n >= MAXW)
		fail_msg("walker number %u out of the test's range", id);
	return (int)(st * MAXW + n);
}

static void
ment_push(struct station *s, const struct ment *m)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->e = xrealloc(s->e, s->cap * sizeof *s->e);
	}
	s->e[s->n++] = *m;
}

static int
in_force(const struct ment *m, int64_t upto)
{
	return m->annulled_by == 0 || m->annulled_by > upto;
}

/* The settings in force at upto, as min-lap / hold-off in ms. */
static void
model_settings(const struct station *s, int64_t upto, int64_t *min_lap, int64_t *holdoff)
{
	int64_t i;

	*min_lap = 60000;
	*holdoff = 5000;
	for (i = 0; i < upto; i++) {
		const struct ment *m = &s->e[i];
		if (m->k != MK_SETTINGS || !in_force(m, upto) || m->value < 0)
			continue;
		if (strcmp(m->key, "min-lap") == 0)
			*min_lap = m->value * 1000;
		else if (strcmp(m->key, "holdoff") == 0)
			*holdoff = m->value * 1000;
	}
}

/* The station's role: the last "role" setting in force; both by default. */
static int
model_role(const struct station *s)
{
	int role = RULES_ROLE_BOTH;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->e[i].k == MK_SETTINGS && s->e[i].annulled_by == 0 &&
		    strcmp(s->e[i].key, "role") == 0)
			role = strcmp(s->e[i].text, "welcome") == 0 ? RULES_ROLE_WELCOME
			       : strcmp(s->e[i].text, "lap") == 0   ? RULES_ROLE_LAP
			                                            : RULES_ROLE_BOTH;
	return role;
}

/* One walker as the rules see it, by plain replay. */
struct mw {
	int registered, checked_in;
	int64_t laps, manual, flagged, raised, donations;
	int has_scan, has_lap;
	int64_t last_scan, last_lap;
	int64_t pre_scan, pre_lap; /* before the last scanned check-in */
	int pre_has_scan, pre_has_lap, pre_checked;
	const char *team;
	int seen;
	int ever_reg; /* a registration here, in force or not */
};

/* 1: a scanned lap at `at` would be too soon (or the same scan) for w. */
static int
model_too_soon(int has_scan, int64_t last_scan, int has_lap, int64_t last_lap, int64_t at,
               int64_t min_lap, int64_t holdoff, int *already)
{
	*already = 0;
	if (has_scan && at - last_scan < holdoff) {
		*already = 1;
		return 1;
	}
	if (has_lap)
		return at - last_lap < min_lap;
	if (has_scan)
		return at - last_scan < min_lap;
	return 0;
}

/* The slots model_walkers filled last, in the order first seen (only these
 * are cleared and walked: a day's walkers, not every slot). */
static int used[WSLOT];
static size_t nused;

/* Replays the entries 1..upto into ws[WSLOT]; the settings judged by are
 * those in force at upto. */
static void
model_walkers(const struct station *s, int64_t upto, struct mw *ws)
{
	int64_t i, min_lap, holdoff;
	int already;
	size_t u;

	for (u = 0; u < nused; u++)
		memset(&ws[used[u]], 0, sizeof *ws);
	nused = 0;
	model_settings(s, upto, &min_lap, &holdoff);
	for (i = 0; i < upto; i++) {
		const struct ment *m = &s->e[i];
		struct mw *w;

		if (m->walker == 0)
			continue;
		w = &ws[slot(m->walker)];
		if (!w->seen)
			used[nused++] = slot(m->walker);
		w->seen = 1;
		w->ever_reg |= m->k == MK_WALKER;
		if (!in_force(m, upto))
			continue;
		switch (m->k) {
		case MK_WALKER:
			w->registered = 1;
			w->team = m->team[0] ? m->team : NULL;
			break;
		case MK_UPDATE:
			if (m->has_team)
				w->team = m->team[0] ? m->team : NULL;
			break;
		case MK_CHECKIN:
			if (!m->manual) {
				w->pre_has_scan = w->has_scan;
				w->pre_scan = w->last_scan;
				w->pre_has_lap = w->has_lap;
				w->pre_lap = w->last_lap;
				w->has_scan = 1;
				w->last_scan = m->mono;
			}
			w->checked_in = 1;
			break;
		case MK_LAP:
			if (!m->manual) {
				int flagged;
				/* judged as the station judged the scan: before its check-in */
				int paired = m->paired && i > 0 && s->e[i - 1].k == MK_CHECKIN &&
				             in_force(&s->e[i - 1], upto);
				if (paired)
					flagged = model_too_soon(
					    w->pre_has_scan, w->pre_scan, w->pre_has_lap,
					    w->pre_lap, m->mono, min_lap, holdoff, &already);
				else
					flagged = model_too_soon(w->has_scan, w->last_scan,
					                         w->has_lap, w->last_lap, m->mono,
					                         min_lap, holdoff, &already);
				w->flagged += flagged;
				if (flagged && !w->has_lap && w->has_scan) {
					/* still timed from the check-in (fold.h) */
					w->has_lap = 1;
					w->last_lap = w->last_scan;
				}
				w->has_scan = 1;
				w->last_scan = m->mono;
				if (flagged) {
					/* laps are timed from the last that met the rule */
					w->laps++;
					break;
				}
			}
			w->laps++;
			w->manual += m->manual;
			w->has_lap = 1;
			w->last_lap = m->mono;
			break;
		case MK_DONATION:
			w->raised += m->cents;
			w->donations++;
			break;
		default: break;
		}
	}
}

static struct mw *mws; /* scratch: WSLOT walkers */

static void
model_figs(const struct station *s, int64_t upto, struct figs *f)
{
	int64_t i;
	size_t u;
	int j;

	memset(f, 0, sizeof *f);
	model_walkers(s, upto, mws);
	for (u = 0; u < nused; u++) {
		j = used[u];
		f->walkers += mws[j].registered;
		f->checked_in += mws[j].checked_in;
		f->laps += mws[j].laps;
		f->manual += mws[j].manual;
		f->flagged += mws[j].flagged;
	}
	for (i = 0; i < upto; i++) {
		const struct ment *m = &s->e[i];
		if (!in_force(m, upto))
			continue;
		switch (m->k) {
		case MK_DONATION:
			f->donations++;
			if (m->method == 0)
				f->cash += m->cents;
			else if (m->method == 1) {
				f->check += m->cents;
				f->checks++;
			} else
				f->other += m->cents;
			break;
		case MK_ANNUL: f->annulled++; break;
		case MK_CLOSEOUT: f->closed = 1; break;
		case MK_REOPEN: f->closed = 0; break;
		case MK_EXPORT: f->export_n = m->export_n; break;
		default: break;
		}
	}
	f->total = f->cash + f->check + f->other;
}

/* ---- the station ---- */

static void
station_clock(struct stamp *st, void *arg)
{
	*st = ((struct station *)arg)->now;
}

static void
day_advance(struct day *d, int64_t ms)
{
	int i;

	d->t += ms;
	for (i = 0; i < NST; i++) {
		d->st[i].now.wall_ms = T0 + d->t;
		d->st[i].now.mono_ms = d->st[i].mono0 + d->t;
	}
}

static int64_t
mono_now(const struct station *s)
{
	return s->now.mono_ms;
}

/* Reads the entries the ledger wrote after the model's last into the model:
 * their kind must be `want` in order (NULL: any).  Returns how many. */
struct readback {
	struct station *s;
	const enum mkind *want;
	size_t nwant, got;
	int paired;
};

static int
readback_cb(const struct ledger_entry *le, void *arg)
{
	struct readback *r = arg;
	struct station *s = r->s;
	struct ment m;
	size_t len = strlen(le->line);
	struct json_value v;
	char *str;
	int k;

	memset(&m, 0, sizeof m);
	for (k = 0; k < MK_N; k++)
		if (strcmp(le->kind, mk_names[k]) == 0)
			break;
	if (k == MK_N && strncmp(le->kind, "pin-", 4) == 0)
		k = MK_PIN;
	CHECK(k < MK_N, "an entry of kind %s", le->kind);
	EQ("entry seq", le->seq, (int64_t)s->n + 1);
	if (r->want != NULL) {
		CHECK(r->got < r->nwant, "one entry more than expected: %s", le->kind);
		CHECK((int)r->want[r->got] == k, "entry %lld is a %s, expected a %s",
		      (long long)le->seq, le->kind, mk_names[r->want[r->got]]);
	}
	m.k = (enum mkind)k;
	m.walker = le->walker;
	m.ref = le->ref;
	m.mono = le->at.mono_ms;
	if (json_get(le->line, len, "data.how", &v) == 0)
		m.manual = json_is(&v, "manual");
	/* the check-in this very scan wrote, read just before */
	if (m.k == MK_LAP && !m.manual && r->paired && r->got > 0 &&
	    s->e[s->n - 1].k == MK_CHECKIN && s->e[s->n - 1].walker == m.walker)
		m.paired = 1;
	if (m.k == MK_DONATION) {
		CHECK(json_get_int(le->line, len, "data.cents", &m.cents) == 0, "donation cents");
		str = json_get_str(le->line, len, "data.method");
		CHECK(str != NULL, "donation method");
		m.method = strcmp(str, "cash") == 0 ? 0 : strcmp(str, "check") == 0 ? 1 : 2;
		free(str);
	}
	if (m.k == MK_SETTINGS) {
		char *end;
		str = json_get_str(le->line, len, "data.key");
		snprintf(m.key, sizeof m.key, "%s", str ? str : "");
		free(str);
		str = json_get_str(le->line, len, "data.value");
		snprintf(m.text, sizeof m.text, "%s", str ? str : "");
		m.value = str ? strtoll(str, &end, 10) : -1;
		if (str == NULL || end == str || *end != '\0')
			m.value = -1;
		free(str);
	}
	if (m.k == MK_WALKER || m.k == MK_UPDATE) {
		if (json_get(le->line, len, "data.team", &v) == 0) {
			m.has_team = 1;
			str = json_str(&v);
			snprintf(m.team, sizeof m.team, "%s", str ? str : "");
			free(str);
		} else
			m.has_team = m.k == MK_WALKER;
	}
	if (m.k == MK_EXPORT)
		CHECK(json_get_int(le->line, len, "data.n", &m.export_n) == 0, "export n");
	if (m.k == MK_ANNUL) {
		CHECK(m.ref > 0 && m.ref <= (int64_t)s->n, "annul ref %lld", (long long)m.ref);
		CHECK(s->e[m.ref - 1].annulled_by == 0, "entry %lld annulled twice",
		      (long long)m.ref);
		s->e[m.ref - 1].annulled_by = le->seq;
	}
	ment_push(s, &m);
	stats.kinds[m.k]++;
	if (m.k == MK_ANNUL)
		stats.annulled[s->e[m.ref - 1].k]++;
	stats.manual_laps += m.k == MK_LAP && m.manual;
	r->got++;
	return 0;
}

static size_t
readback(struct station *s, const enum mkind *want, size_t nwant, int paired)
{
	struct readback r = {s, want, nwant, 0, paired};
	char *cause = NULL;

	CHECK(ledger_entries(s->l, (int64_t)s->n + 1, readback_cb, &r, &cause) == 0, "%s", cause);
	if (want != NULL)
		EQ("entries written", r.got, nwant);
	return r.got;
}

static void
station_ids_add(struct station *s, uint32_t id, const char *ext)
{
	s->ids = xrealloc(s->ids, (s->nids + 1) * sizeof *s->ids);
	s->ext = xrealloc(s->ext, (s->nids + 1) * sizeof *s->ext);
	s->ids[s->nids] = id;
	s->ext[s->nids] = xstrdup(ext);
	s->nids++;
}

static void
station_open(struct station *s)
{
	char *cause = NULL;

	CHECK(ledger_open(s->path, &s->l, &cause) == 0, "open %s: %s", s->id, cause);
	ledger_set_clock(s->l, station_clock, s);
}

static void
station_reopen_file(struct station *s)
{
	ledger_free(s->l);
	s->l = NULL;
	station_open(s);
}

/* ---- comparisons ---- */

static void
figs_print(const char *what, const struct figs *f)
{
	fprintf(stderr,
	        "  %-10s walkers %lld checked_in %lld laps %lld manual %lld flagged %lld donations "
	        "%lld checks %lld cash %lld check %lld other %lld annulled %lld closed %d\n",
	        what, (long long)f->walkers, (long long)f->checked_in, (long long)f->laps,
	        (long long)f->manual, (long long)f->flagged, (long long)f->donations,
	        (long long)f->checks, (long long)f->cash, (long long)f->check, (long long)f->other,
	        (long long)f->annulled, f->closed);
}

static void
figs_same(const char *what, const struct figs *got, const struct figs *want, int all)
{
	int same = got->walkers == want->walkers && got->checked_in == want->checked_in &&
	           got->laps == want->laps && got->donations == want->donations &&
	           got->checks == want->checks && got->cash == want->cash &&
	           got->check == want->check && got->other == want->other &&
	           got->total == want->total;
	if (all)
		same = same && got->manual == want->manual &&
		       FLAGGED(got->flagged) == FLAGGED(want->flagged) &&
		       got->annulled == want->annulled;
	if (!same) {
		figs_print(what, got);
		figs_print("model", want);
	}
	CHECK(same, "%s's figures differ from the model's", what);
}

static void
station_compare(struct station *s)
{
	struct ledger_totals t;
	struct figs got, want;
	char *cause = NULL;

	CHECK(ledger_totals(s->l, &t, &cause) == 0, "%s", cause);
	EQ("last seq", t.last_seq, s->n);
	model_figs(s, (int64_t)s->n, &want);
	memset(&got, 0, sizeof got);
	got.walkers = t.walkers;
	got.checked_in = t.checked_in;
	got.laps = t.laps;
	got.manual = t.manual_laps;
	got.flagged = FLAGGED(t.flagged_laps);
	got.donations = t.donations;
	got.checks = t.checks;
	got.cash = t.cash_cents;
	got.check = t.check_cents;
	got.other = t.other_cents;
	got.total = t.total_cents;
	got.annulled = t.annulled;
	if (getenv("PROP_DEBUG") && got.flagged != want.flagged)
		for (size_t u = 0; u < nused; u++)
			if (mws[used[u]].flagged)
				fprintf(stderr, "model walker slot %d flagged %lld\n", used[u],
				        (long long)mws[used[u]].flagged);
	figs_same("station", &got, &want, 1);
	EQ("closed", ledger_closed(s->l, NULL), want.closed);
}

struct team_sum {
	char team[24];
	int64_t walkers, laps, raised;
};
struct teams {
	struct team_sum t[64];
	size_t n;
};

static struct team_sum *
teams_find(struct teams *ts, const char *team)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].team, team) == 0)
			return &ts->t[i];
	if (ts->n == 64)
		fail_msg("too many teams");
	snprintf(ts->t[ts->n].team, sizeof ts->t[ts->n].team, "%s", team);
	return &ts->t[ts->n++];
}

static int
teams_cb(const struct ledger_team *t, void *arg)
{
	struct team_sum *x = teams_find(arg, t->team);

	x->walkers = t->walkers;
	x->laps = t->laps;
	x->raised = t->raised_cents;
	return 0;
}

/* Every walker's figures and the teams report, against the model. */
static void
station_compare_walkers(struct station *s)
{
	struct teams got, want;
	char *cause = NULL;
	size_t i, j, u;

	model_walkers(s, (int64_t)s->n, mws);
	memset(&want, 0, sizeof want);
	for (u = 0; u < nused; u++) {
		struct ledger_walker w;
		int k = used[u];
		uint32_t id = (uint32_t)(k / MAXW * 100000 + k % MAXW);

		if (!mws[k].seen)
			continue;
		CHECK(ledger_walker_get(s->l, id, &w, &cause) == 0, "walker %u: %s", id, cause);
		EQ("walker active", w.active, mws[k].registered);
		EQ("walker checked in", w.checked_in, mws[k].checked_in);
		EQ("walker laps", w.laps, mws[k].laps);
		EQ("walker raised", w.raised_cents, mws[k].raised);
		if (mws[k].registered) {
			struct team_sum *t = teams_find(&want, mws[k].team ? mws[k].team : "");
			CHECK(strcmp(w.team ? w.team : "", mws[k].team ? mws[k].team : "") == 0,
			      "walker %u's team %s, expected %s", id, w.team ? w.team : "",
			      mws[k].team ? mws[k].team : "");
			t->walkers++;
			t->laps += mws[k].laps;
			t->raised += mws[k].raised;
		}
		ledger_walker_clear(&w);
	}
	memset(&got, 0, sizeof got);
	CHECK(ledger_teams(s->l, teams_cb, &got, &cause) == 0, "%s", cause);
	EQ("teams", got.n, want.n);
	for (i = 0; i < want.n; i++) {
		for (j = 0; j < got.n && strcmp(got.t[j].team, want.t[i].team) != 0; j++)
			;
		CHECK(j < got.n, "team '%s' missing from the report", want.t[i].team);
		EQ("team walkers", got.t[j].walkers, want.t[i].walkers);
		EQ("team laps", got.t[j].laps, want.t[i].laps);
		EQ("team raised", got.t[j].raised, want.t[i].raised);
	}
}

static void
bfig_to_figs(const struct bundle_figures *b, struct figs *f)
{
	memset(f, 0, sizeof *f);
	f->walkers = b->walkers;
	f->checked_in = b->checked_in;
	f->laps = b->laps;
	f->manual = b->manual_laps;
	f->flagged = FLAGGED(b->flagged_laps);
	f->donations = b->donations;
	f->checks = b->checks;
	f->cash = b->cash_cents;
	f->check = b->check_cents;
	f->other = b->other_cents;
	f->total = b->total_cents;
	f->annulled = b->annulled;
	f->closed = b->closed;
	f->export_n = b->export_no;
}

/* "12.50" -> 1250 */
static int64_t
csv_cents(const char *s)
{
	int64_t c = 0;
	int frac = -1;

	for (; *s; s++) {
		if (*s == '.') {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			continue;
		c = c * 10 + (*s - '0');
		if (frac >= 0)
			frac++;
	}
	for (; frac < 2; frac = frac < 0 ? 1 : frac + 1)
		c *= 10;
	return c;
}

static int
col(const struct csv_record *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nfields; i++)
		if (strcmp(h->fields[i], name) == 0 ||
		    (i == 0 && strcmp(h->fields[i] + 3, name) == 0)) /* after the BOM */
			return (int)i;
	fail_msg("no column %s", name);
	return -1;
}

/* The CSVs counted and summed, as a spreadsheet would. */
static void
csv_figs(const struct bundle_file *files, size_t nfiles, struct figs *f)
{
	size_t i;

	memset(f, 0, sizeof *f);
	for (i = 0; i < nfiles; i++) {
		struct csv_reader *r = csv_reader_new(files[i].data, files[i].len);
		struct csv_record rec;
		char *cause = NULL;
		int by = -1, c1 = -1, c2 = -1, c3 = -1, header = 1;
		const char *n = files[i].name;

		if (strstr(n, ".csv") == NULL) {
			csv_reader_free(r);
			continue;
		}
		while (csv_next(r, &rec, &cause) == 1) {
			if (header) {
				header = 0;
				if (strcmp(n, "walkers.csv") == 0) {
					c1 = col(&rec, "registration_annulled");
					c2 = col(&rec, "checked_in");
					c3 = col(&rec, "registered_seq");
				} else if (strcmp(n, "laps.csv") == 0) {
					c1 = col(&rec, "manual");
					by = col(&rec, "annulled_by");
				} else if (strcmp(n, "donations.csv") == 0) {
					c1 = col(&rec, "amount");
					c2 = col(&rec, "method");
					by = col(&rec, "annulled_by");
				} else if (strcmp(n, "checkins.csv") == 0 ||
				           strcmp(n, "closeout.csv") == 0)
					by = col(&rec, "annulled_by");
				if (strcmp(n, "closeout.csv") == 0)
					c1 = col(&rec, "kind");
				continue;
			}
			if (by >= 0 && rec.fields[by][0] != '\0')
				continue; /* annulled */
			if (strcmp(n, "walkers.csv") == 0) {
				f->walkers += rec.fields[c3][0] != '\0' &&
				              strcmp(rec.fields[c3], "0") != 0 &&
				              strcmp(rec.fields[c1], "no") == 0;
				f->checked_in += strcmp(rec.fields[c2], "yes") == 0;
			} else if (strcmp(n, "laps.csv") == 0) {
				f->laps++;
				f->manual += strcmp(rec.fields[c1], "yes") == 0;
			} else if (strcmp(n, "donations.csv") == 0) {
				int64_t c = csv_cents(rec.fields[c1]);
				f->donations++;
				if (strcmp(rec.fields[c2], "cash") == 0)
					f->cash += c;
				else if (strcmp(rec.fields[c2], "check") == 0) {
					f->check += c;
					f->checks++;
				} else
					f->other += c;
			} else if (strcmp(n, "annulments.csv") == 0) {
				f->annulled++;
			} else if (strcmp(n, "closeout.csv") == 0) {
				f->closed = strcmp(rec.fields[c1], "closeout") == 0;
			}
		}
		CHECK(cause == NULL, "%s: %s", n, cause);
		csv_reader_free(r);
	}
	f->total = f->cash + f->check + f->other;
}

/* ---- operations ---- */

static const char *const teams_list[] = {"Blue", "Green", "Red", "Gold", "Hope Church"};

static void
op_walkup(struct station *s)
{
	char name[64], *cause = NULL;
	const char *team = rn(3) ? teams_list[rn(5)] : NULL;
	uint32_t id = 0;
	static const enum mkind want[] = {MK_WALKER};

	snprintf(name, sizeof name, "Walk-up %llu", (unsigned long long)rn(1000000));
	CHECK(ledger_walker_add(s->l, name, team, NULL, NULL, NULL, "vol", &id, &cause) == 0, "%s",
	      cause);
	readback(s, want, 1, 0);
	EQ("walker id", s->e[s->n - 1].walker, id);
	station_ids_add(s, id, "");
}

/* A roster: count new rows, and some of the walkers imported before with
 * another team (walker updates). */
static void
op_roster(struct station *s, int fresh)
{
	struct strbuf csv = STRBUF_INIT;
	struct roster *r = NULL;
	struct ledger_import res;
	char *cause = NULL;
	int i, changed = 0;
	size_t j, before = s->n, k;
	char ext[32];
	char **newext = xcalloc((size_t)fresh + 1, sizeof *newext);

	strbuf_puts(&csv, "Name,Team,Email,ID\r\n");
	for (i = 0; i < fresh; i++) {
		snprintf(ext, sizeof ext, "%s-R%zu-%d", s->id, s->nids, i);
		newext[i] = xstrdup(ext);
		strbuf_printf(&csv, "Roster Walker %s,%s,r%d@example.org,%s\r\n", ext,
		              rn(4) ? teams_list[rn(5)] : "", i, ext);
	}
	model_walkers(s, (int64_t)s->n, mws);
	for (j = 0; j < s->nids; j++) {
		struct mw *w = &mws[slot(s->ids[j])];
		if (s->ext[j][0] == '\0' || !w->registered || rn(4) != 0)
			continue;
		/* same name and email as imported (the name is the ext id) */
		{
			const char *team = teams_list[rn(5)];
			const char *cur = w->team ? w->team : "";
			int idx = atoi(strrchr(s->ext[j], '-') + 1);
			strbuf_printf(&csv, "Roster Walker %s,%s,r%d@example.org,%s\r\n", s->ext[j],
			              team, idx, s->ext[j]);
			changed += strcmp(cur, team) != 0;
		}
	}
	CHECK(roster_parse(csv.s, csv.len, &r, &cause) == 0, "%s", cause);
	CHECK(ledger_roster_import(s->l, r, "coord", &res, &cause) == 0, "%s", cause);
	EQ("roster added", res.added, fresh);
	EQ("roster updated", res.updated, changed);
	readback(s, NULL, 0, 0);
	for (k = before, i = 0; k < s->n; k++) {
		if (s->e[k].k == MK_WALKER) {
			CHECK(i < fresh, "more walkers than rows");
			station_ids_add(s, s->e[k].walker, newext[i++]);
		} else
			CHECK(s->e[k].k == MK_UPDATE, "roster wrote a %s", mk_names[s->e[k].k]);
	}
	EQ("roster walkers", i, fresh);
	for (i = 0; i <= fresh; i++)
		free(newext[i]);
	free(newext);
	roster_free(r);
	strbuf_free(&csv);
}

/* A walker to scan: mostly this station's, sometimes another's (seen only
 * by badge), often the last one again (too soon, hold-off). */
static uint32_t
pick_walker(struct day *d, struct station *s, struct station **reg_at)
{
	struct station *o = rn(5) == 0 ? &d->st[rn(NST)] : s;

	if (s->last_scanned != 0 && rn(3) == 0) {
		int i;
		for (i = 0; i < NST; i++)
			if (s->last_scanned / 100000 == (uint32_t)i)
				*reg_at = &d->st[i];
		return s->last_scanned;
	}
	if (o->nids == 0)
		o = s;
	if (o->nids == 0)
		return 0;
	*reg_at = o;
	return o->ids[rn((int64_t)o->nids)];
}

/* 1 when the station refuses the walker: registered here once, annulled. */
static int
model_refused(const struct mw *w)
{
	return w->ever_reg && !w->registered;
}

static void
op_scan(struct day *d, struct station *s)
{
	struct station *reg = NULL;
	uint32_t id = pick_walker(d, s, &reg);
	char code[64], *cause = NULL;
	struct ledger_scan out;
	struct mw *w;
	int64_t min_lap, holdoff, now = mono_now(s);
	int expect, already = 0, too_soon, role;
	enum mkind want[2];
	size_t nwant = 0;

	if (id == 0)
		return;
	(void)reg;
	badge_encode(&d->badge, id, code, sizeof code);
	model_walkers(s, (int64_t)s->n, mws);
	model_settings(s, (int64_t)s->n, &min_lap, &holdoff);
	w = &mws[slot(id)];
	if (model_refused(w)) {
		CHECK(ledger_scan(s->l, code, strlen(code), -1, "vol", &out, &cause) == 0, "%s",
		      cause);
		CHECK(out.badge != BADGE_OK, "walker %u's annulled registration scanned", id);
		stats.refused_scans++;
		readback(s, want, 0, 1);
		return;
	}
	/* rules_scan as the brief and docs say, by plain cases */
	role = model_role(s);
	if (role == RULES_ROLE_WELCOME || (role == RULES_ROLE_BOTH && !w->checked_in)) {
		if (!w->checked_in)
			expect = RULES_CHECKIN;
		else if (w->has_scan && now - w->last_scan < holdoff)
			expect = RULES_ALREADY_COUNTED;
		else
			expect = RULES_WELCOME_BACK;
	} else {
		too_soon = model_too_soon(w->has_scan, w->last_scan, w->has_lap, w->last_lap, now,
		                          min_lap, holdoff, &already);
		expect = already    ? RULES_ALREADY_COUNTED
		         : too_soon ? RULES_LAP_TOO_SOON
		                    : RULES_LAP;
	}
	snprintf(prop_where + strlen(prop_where) * 0, sizeof prop_where,
	         "day %lld station %s scan walker %u", (long long)days_done, s->id, id);
	CHECK(ledger_scan(s->l, code, strlen(code), -1, "vol", &out, &cause) == 0, "%s", cause);
	EQ("badge", out.badge, BADGE_OK);
	EQ("verdict", out.verdict.outcome, expect);
	stats.too_soon += expect == RULES_LAP_TOO_SOON;
	stats.already += expect == RULES_ALREADY_COUNTED;
	if (expect == RULES_CHECKIN)
		want[nwant++] = MK_CHECKIN;
	if (expect == RULES_LAP || expect == RULES_LAP_TOO_SOON) {
		/* too soon: recorded all the same, flagged for review */
		if (!w->checked_in)
			want[nwant++] = MK_CHECKIN;
		want[nwant++] = MK_LAP;
	}
	readback(s, want, nwant, 1);
	/* what the walker sees: counted laps (no reviews here) */
	if (expect == RULES_LAP) {
		EQ("lap number", out.verdict.lap_number, w->laps - w->flagged + 1);
		EQ("walker's laps after", out.laps, w->laps - w->flagged + 1);
	}
	if (expect == RULES_LAP_TOO_SOON)
		EQ("walker's laps after a flagged lap", out.laps, w->laps - w->flagged);
	s->last_scanned = id;
}

static void
op_by_hand(struct day *d, struct station *s, int lap)
{
	struct station *reg = NULL;
	uint32_t id = pick_walker(d, s, &reg);
	struct ledger_scan out;
	char *cause = NULL;
	enum mkind want[2];
	size_t nwant = 0;
	struct mw *w;
	int rc;

	if (id == 0)
		return;
	model_walkers(s, (int64_t)s->n, mws);
	w = &mws[slot(id)];
	if (!w->seen || model_refused(w)) {
		/* unknown here, or its registration annulled: refused */
		rc = lap ? ledger_lap(s->l, id, "vol", &out, &cause)
		         : ledger_checkin(s->l, id, "vol", &out, &cause);
		CHECK(rc != 0, "walker %u unknown here taken by hand", id);
		free(cause);
		readback(s, want, 0, 0);
		return;
	}
	if (lap)
		CHECK(ledger_lap(s->l, id, "vol", &out, &cause) == 0, "%s", cause);
	else
		CHECK(ledger_checkin(s->l, id, "vol", &out, &cause) == 0, "%s", cause);
	if (lap) {
		/* the shortest lap by hand too: refused, nothing written */
		int64_t min_lap, holdoff, now = mono_now(s);
		int too_soon;

		model_settings(s, (int64_t)s->n, &min_lap, &holdoff);
		too_soon = w->has_lap    ? now - w->last_lap < min_lap
		           : w->has_scan ? now - w->last_scan < min_lap
		                         : 0;
		EQ("by hand: verdict", out.verdict.outcome,
		   too_soon ? RULES_LAP_TOO_SOON : RULES_LAP);
		if (too_soon) {
			readback(s, want, 0, 0);
			EQ("by hand refused: walker's laps", out.laps, w->laps - w->flagged);
			return;
		}
	}
	if (!w->checked_in)
		want[nwant++] = MK_CHECKIN;
	if (lap)
		want[nwant++] = MK_LAP;
	readback(s, want, nwant, 0);
	EQ("by hand: walker's laps after", out.laps, w->laps - w->flagged + lap);
	if (nwant > 0)
		CHECK(s->e[s->n - 1].manual, "a lap by hand is manual");
}

/* A lap recorded through the generic ledger_append (as a later module
 * would, e.g. laps from elsewhere), with a stray "manual" member that
 * contradicts its "how": "how" alone says how it was entered (FORMATS.md);
 * a54d916's bundle counted "manual": true as a lap by hand. */
static void
op_append_lap(struct day *d, struct station *s)
{
	static const enum mkind want[] = {MK_LAP};
	struct station *reg = NULL;
	uint32_t id = pick_walker(d, s, &reg);
	char *cause = NULL;
	int by_hand = (int)rn(2);

	if (id == 0)
		return;
	/* within a second of the walker's scanned check-in it would read as
	 * that scan's lap (fold.c): not what this operation is about */
	if (s->n > 0 && s->e[s->n - 1].k == MK_CHECKIN && s->e[s->n - 1].walker == id &&
	    !s->e[s->n - 1].manual && mono_now(s) - s->e[s->n - 1].mono < 1000)
		return;
	CHECK(ledger_append(s->l, "lap", id, 0, 0,
	                    by_hand ? "{\"how\":\"manual\",\"manual\":false}"
	                            : "{\"how\":\"scan\",\"manual\":true}",
	                    "lap-import", NULL, &cause) == 0,
	      "%s", cause);
	readback(s, want, 1, 0);
	EQ("appended lap by hand", s->e[s->n - 1].manual, by_hand);
}

static void
op_donate(struct day *d, struct station *s, int closed)
{
	struct station *reg = NULL;
	uint32_t id = pick_walker(d, s, &reg);
	int m = (int)rn(3);
	int64_t cents = 1 + rn(5) * 500 + rn(20000), seq = 0;
	char check_no[16], donor[32], *cause = NULL;
	static const enum mkind want[] = {MK_DONATION};
	int rc;

	if (id == 0)
		return;
	snprintf(check_no, sizeof check_no, "%llu", (unsigned long long)(1000 + rn(9000)));
	snprintf(donor, sizeof donor, "Donor %llu", (unsigned long long)rn(100));
	rc = ledger_donate(s->l, id, cents, (enum rules_method)m, m == 1 ? check_no : NULL,
	                   rn(2) ? donor : NULL, "vol", &seq, &cause);
	model_walkers(s, (int64_t)s->n, mws);
	if (closed || !mws[slot(id)].seen || model_refused(&mws[slot(id)])) {
		CHECK(rc != 0,
		      "a donation was taken while closed out or for walker %u unknown here", id);
		free(cause);
		readback(s, want, 0, 0);
		return;
	}
	CHECK(rc == 0, "%s", cause);
	readback(s, want, 1, 0);
	EQ("donation seq", seq, s->n);
	EQ("donation cents", s->e[s->n - 1].cents, cents);
	EQ("donation method", s->e[s->n - 1].method, m);
}

static void
op_setting(struct station *s)
{
	static const char *const minlaps[] = {"30", "60", "90", "120", "150"};
	static const char *const holdoffs[] = {"3", "5", "10", "20"};
	static const enum mkind want[] = {MK_SETTINGS};
	char *cause = NULL, goal[32];
	int which = (int)rn(4);

	if (which == 0)
		CHECK(ledger_set(s->l, "min-lap", minlaps[rn(5)], "coord", &cause) == 0, "%s",
		      cause);
	else if (which == 1)
		CHECK(ledger_set(s->l, "holdoff", holdoffs[rn(4)], "coord", &cause) == 0, "%s",
		      cause);
	else if (which == 2) {
		snprintf(goal, sizeof goal, "%llu", (unsigned long long)(100 + rn(10000)));
		CHECK(ledger_set(s->l, "goal", goal, "coord", &cause) == 0, "%s", cause);
	} else
		CHECK(ledger_set(s->l, "undo-minutes", rn(2) ? "10" : "30", "coord", &cause) == 0,
		      "%s", cause);
	readback(s, want, 1, 0);
}

static void
op_print(struct station *s)
{
	static const enum mkind want[] = {MK_PRINT};
	char data[160], *cause = NULL;
	int64_t i, of = 0;

	for (i = (int64_t)s->n; i > 0 && i > (int64_t)s->n - 20; i--)
		if (s->e[i - 1].k == MK_DONATION) {
			of = i;
			break;
		}
	if (of != 0)
		snprintf(data, sizeof data,
		         "{\"what\":\"receipt\",\"of\":%lld,\"copy\":%s,\"outcome\":\"completed\"}",
		         (long long)of, rn(2) ? "true" : "false");
	else
		snprintf(data, sizeof data, "{\"what\":\"badge\",\"outcome\":\"completed\"}");
	CHECK(ledger_append(s->l, "print", of ? s->e[of - 1].walker : 0, of, 0, data, "vol", NULL,
	                    &cause) == 0,
	      "%s", cause);
	readback(s, want, 1, 0);
}

static void
op_pin(struct station *s)
{
	static const enum mkind want[] = {MK_PIN};
	char *cause = NULL;

	CHECK(ledger_append(s->l, rn(2) ? "pin-ok" : "pin-fail", 0, 0, 0, "{}", "coord", NULL,
	                    &cause) == 0,
	      "%s", cause);
	readback(s, want, 1, 0);
}

static void
op_closeout(struct station *s)
{
	static const enum mkind want[] = {MK_CLOSEOUT};
	struct closeout_expected ex;
	struct closeout_count c;
	struct closeout_result r;
	struct figs f;
	char *cause = NULL;

	model_figs(s, (int64_t)s->n, &f);
	CHECK(closeout_expected(s->l, &ex, &cause) == 0, "%s", cause);
	EQ("close-out cash expected", ex.cash_cents, f.cash);
	EQ("close-out checks expected", ex.check_cents, f.check);
	EQ("close-out other expected", ex.other_cents, f.other);
	EQ("close-out number of checks", ex.checks, f.checks);
	closeout_expected_free(&ex);
	memset(&c, 0, sizeof c);
	c.cash_cents = f.cash + (rn(3) == 0 ? rn(2001) - 1000 : 0);
	if (c.cash_cents < 0)
		c.cash_cents = 0;
	c.checks = -1;
	c.check_cents = -1;
	c.counter[0] = "Ann Lee";
	c.counter[1] = "Bob Ray";
	c.note = c.cash_cents != f.cash ? "counted twice" : NULL;
	memset(&r, 0, sizeof r);
	CHECK(closeout_record(s->l, &c, "coord", &r, &cause) == 0, "%s", cause);
	closeout_result_free(&r);
	readback(s, want, 1, 0);
}

static void
op_reopen(struct station *s)
{
	static const enum mkind want[] = {MK_REOPEN};
	char *cause = NULL;
	int64_t seq = 0;

	CHECK(closeout_reopen(s->l, "a late donor", "coord", &seq, &cause) == 0, "%s", cause);
	readback(s, want, 1, 0);
}

/* 1 when money was recorded after entry seq (a reopen that cannot be undone). */
static int
money_since(const struct station *s, int64_t seq)
{
	size_t i;

	for (i = (size_t)seq; i < s->n; i++)
		if (s->e[i].k == MK_DONATION ||
		    (s->e[i].k == MK_ANNUL && s->e[s->e[i].ref - 1].k == MK_DONATION))
			return 1;
	return 0;
}

static int64_t
model_undo_ms(const struct station *s)
{
	int64_t i, ms = 10 * 60 * 1000;

	for (i = 0; i < (int64_t)s->n; i++)
		if (s->e[i].k == MK_SETTINGS && in_force(&s->e[i], (int64_t)s->n) &&
		    strcmp(s->e[i].key, "undo-minutes") == 0 && s->e[i].value >= 0)
			ms = s->e[i].value * 60 * 1000;
	return ms;
}

/* Annuls a random entry in force, by whoever may. */
static void
op_annul(struct station *s, int closed, int64_t closed_seq)
{
	static const enum mkind want[] = {MK_ANNUL};
	int64_t seq = 0, aseq = 0, tries;
	const struct ment *m = NULL;
	char *cause = NULL;
	int need = 0, young, rc;
	enum rules_who who;

	static const enum mkind rare[] = {MK_SETTINGS, MK_UPDATE, MK_PRINT,  MK_PIN,
	                                  MK_CLOSEOUT, MK_REOPEN, MK_EXPORT, MK_WALKER};
	enum mkind pick = rare[rn(8)];
	int64_t last_of = 0;

	/* now and then the last entry in force of a rarer kind */
	for (seq = rn(3) == 0 ? (int64_t)s->n : 0; seq > 0; seq--)
		if (s->e[seq - 1].k == pick && s->e[seq - 1].annulled_by == 0) {
			last_of = seq;
			break;
		}
	for (tries = 0; tries < 50; tries++) {
		/* mostly recent entries, as in life */
		seq = last_of && tries == 0 ? last_of
		      : rn(3)               ? (int64_t)s->n - rn(40)
		                            : 1 + rn((int64_t)s->n);
		if (seq < 1 || seq > (int64_t)s->n)
			continue;
		m = &s->e[seq - 1];
		if (m->k == MK_EVENT || m->k == MK_ANNUL || m->annulled_by != 0)
			continue;
		if (closed && seq != closed_seq)
			continue;
		if (m->k == MK_REOPEN && money_since(s, seq))
			continue;
		break;
	}
	if (tries == 50)
		return;
	young = (m->k == MK_LAP || m->k == MK_CHECKIN) && mono_now(s) - m->mono < model_undo_ms(s);
	if (!young && rn(4) == 0) {
		/* a volunteer may not: the coordinator is asked for */
		rc = ledger_annul(s->l, seq, "mistake", "vol", RULES_VOLUNTEER, &need, &aseq,
		                  &cause);
		CHECK(rc != 0, "a volunteer annulled entry %lld (%s)", (long long)seq,
		      mk_names[m->k]);
		EQ("needs the coordinator", need, 1);
		free(cause);
		cause = NULL;
		readback(s, want, 0, 0);
	}
	who = young && rn(2) ? RULES_VOLUNTEER : RULES_COORDINATOR;
	rc = ledger_annul(s->l, seq, "typed twice", who == RULES_VOLUNTEER ? "vol" : "coord", who,
	                  &need, &aseq, &cause);
	CHECK(rc == 0, "annul entry %lld (%s) as %s: %s", (long long)seq, mk_names[m->k],
	      who == RULES_VOLUNTEER ? "volunteer" : "coordinator", cause);
	readback(s, want, 1, 0);
	EQ("annul target", s->e[s->n - 1].ref, seq);
}

/* ---- exports, verification, HQ ---- */

static void
station_export(struct day *d, struct station *s)
{
	struct bundle_export_opts o;
	struct bundle_export_result res;
	struct bundle_report rep;
	struct bundle_file *files = NULL;
	struct bundle_figures mf;
	struct bundle_meta mm;
	struct figs want, got;
	struct snap sn;
	char *zipdata = NULL;
	size_t ziplen = 0;
	char *cause = NULL, *out = xasprintf("%s/usb-%s", d->dir, s->id);
	static const enum mkind wantk[] = {MK_EXPORT};
	size_t nfiles = 0, i;
	int j;

	mkdir(out, 0700);
	memset(&o, 0, sizeof o);
	o.out_dir = out;
	o.keys_dir = s->keys;
	o.op = "coord";
	memset(&res, 0, sizeof res);
	CHECK(bundle_export(s->l, &o, &res, &cause) == 0, "export %s: %s", s->id, cause);
	readback(s, wantk, 1, 0);
	EQ("export number", res.export_no, s->nsnaps + 1);
	model_figs(s, (int64_t)s->n, &want);
	EQ("export number in force", want.export_n, res.export_no);

	/* the exporter's figures */
	bfig_to_figs(&res.fig, &got);
	figs_same("export", &got, &want, 1);
	EQ("export closed", got.closed, want.closed);
	EQ("export last seq", res.fig.last_seq, s->n);

	/* verified as HQ does, with the station's key */
	memset(&rep, 0, sizeof rep);
	CHECK(bundle_verify_file(res.zip_path, NULL, &rep, &cause) == 0, "verify: %s", cause);
	bfig_to_figs(&rep.content.fig, &got);
	figs_same("verified", &got, &want, 1);
	EQ("verified closed", got.closed, want.closed);
	EQ("verified export", got.export_n, want.export_n);

	/* the manifest, and the CSVs counted as a spreadsheet would */
	CHECK(util_read_file(res.zip_path, BUNDLE_MAX_ZIP, &zipdata, &ziplen, &cause) == 0, "%s",
	      cause);
	CHECK(bundle_zip_read(zipdata, ziplen, &files, &nfiles, &cause) == 0, "%s", cause);
	for (i = 0; i < nfiles && strcmp(files[i].name, "manifest.json") != 0; i++)
		;
	CHECK(i < nfiles, "no manifest");
	memset(&mm, 0, sizeof mm);
	CHECK(bundle_manifest_parse(files[i].data, files[i].len, &mm, &mf, &cause) == 0, "%s",
	      cause);
	bfig_to_figs(&mf, &got);
	got.flagged = want.flagged; /* wat-bundle/1's manifest does not state flagged laps */
	figs_same("manifest", &got, &want, 1);
	EQ("manifest closed", got.closed, want.closed);
	EQ("manifest export", mm.export_no, want.export_n);
	bundle_meta_clear(&mm);
	csv_figs(files, nfiles, &got);
	figs_same("CSVs", &got, &want, 0);
	EQ("CSV manual laps", got.manual, want.manual);
	EQ("CSV annulments", got.annulled, want.annulled);
	EQ("CSV closed", got.closed, want.closed);
	bundle_files_free(files, nfiles);
	free(zipdata);

	memset(&sn, 0, sizeof sn);
	sn.f = want;
	sn.zip = xstrdup(res.zip_path);
	sn.name = xstrdup(res.name);
	sn.last_seq = (int64_t)s->n;
	model_walkers(s, (int64_t)s->n, mws);
	for (size_t u = 0; u < nused; u++)
		if (mws[j = used[u]].registered) {
			sn.reg = xrealloc(sn.reg, (sn.nreg + 1) * sizeof *sn.reg);
			sn.reg[sn.nreg++] = (uint32_t)(j / MAXW * 100000 + j % MAXW);
		}
	s->snaps = xrealloc(s->snaps, (s->nsnaps + 1) * sizeof *s->snaps);
	s->snaps[s->nsnaps++] = sn;
	bundle_report_clear(&rep);
	bundle_export_result_clear(&res);
	free(out);
	stats.exports++;

	/* the derived tables rebuilt from the entries agree with themselves and us */
	CHECK(ledger_rebuild(s->l, &cause) == 0, "rebuild: %s", cause);
	CHECK(ledger_check(s->l, &cause) == 0, "check: %s", cause);
	station_compare(s);
}

static struct hq_event *
hq_event(const char *tag)
{
	size_t i;

	for (i = 0; i < hq_nevents; i++)
		if (strcmp(hq_events[i].tag, tag) == 0)
			return &hq_events[i];
	hq_events = xrealloc(hq_events, (hq_nevents + 1) * sizeof *hq_events);
	memset(&hq_events[hq_nevents], 0, sizeof *hq_events);
	snprintf(hq_events[hq_nevents].tag, sizeof hq_events[0].tag, "%s", tag);
	return &hq_events[hq_nevents++];
}

static int
u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The model's HQ totals of one event (NULL: all). */
static void
hq_model(const char *tag, struct hq_totals *t)
{
	size_t i, j, nall;
	int k;

	memset(t, 0, sizeof *t);
	for (i = 0; i < hq_nevents; i++) {
		struct hq_event *e = &hq_events[i];
		uint32_t *all = NULL;

		if (tag != NULL && strcmp(tag, e->tag) != 0)
			continue;
		t->events++;
		nall = 0;
		for (k = 0; k < NST; k++) {
			if (!e->has[k])
				continue;
			t->stations++;
			t->laps += e->f[k].laps;
			t->donations += e->f[k].donations;
			t->checks += e->f[k].checks;
			t->cash_cents += e->f[k].cash;
			t->check_cents += e->f[k].check;
			t->other_cents += e->f[k].other;
			all = xrealloc(all, (nall + e->nreg[k] + 1) * sizeof *all);
			memcpy(all + nall, e->reg[k], e->nreg[k] * sizeof *all);
			nall += e->nreg[k];
		}
		/* a walker number counts once in an event */
		qsort(all, nall, sizeof *all, u32cmp);
		for (j = 0; j < nall; j++)
			t->walkers += j == 0 || all[j] != all[j - 1];
		free(all);
	}
	t->total_cents = t->cash_cents + t->check_cents + t->other_cents;
}

static void
hq_same(const char *what, const struct hq_totals *got, const struct hq_totals *want)
{
	char w[80];

	snprintf(w, sizeof w, "%s events", what);
	EQ(w, got->events, want->events);
	snprintf(w, sizeof w, "%s walkers", what);
	EQ(w, got->walkers, want->walkers);
	snprintf(w, sizeof w, "%s laps", what);
	EQ(w, got->laps, want->laps);
	snprintf(w, sizeof w, "%s donations", what);
	EQ(w, got->donations, want->donations);
	snprintf(w, sizeof w, "%s checks", what);
	EQ(w, got->checks, want->checks);
	snprintf(w, sizeof w, "%s cash", what);
	EQ(w, got->cash_cents, want->cash_cents);
	snprintf(w, sizeof w, "%s check money", what);
	EQ(w, got->check_cents, want->check_cents);
	snprintf(w, sizeof w, "%s other money", what);
	EQ(w, got->other_cents, want->other_cents);
	snprintf(w, sizeof w, "%s total", what);
	EQ(w, got->total_cents, want->total_cents);
}

/* The number after word in line, as cents when money. */
static int64_t
report_num(const char *line, const char *word, int money)
{
	const char *p = strstr(line, word);
	int64_t v = 0;

	CHECK(p != NULL, "no '%s' in the report line: %s", word, line);
	p += strlen(word);
	while (*p == ' ' || *p == '$')
		p++;
	for (; (*p >= '0' && *p <= '9') || *p == ',' || *p == '.'; p++)
		if (*p >= '0' && *p <= '9')
			v = v * 10 + (*p - '0');
	(void)money;
	return v;
}

/* HQ's report, station by station of this day's event, against the model. */
static void
hq_compare_report(struct day *d)
{
	char *text = NULL, *cause = NULL, *p;
	int k, seen = 0, in_event = 0;

	CHECK(hq_report(hq, &text, &cause) == 0, "%s", cause);
	for (p = text; p != NULL && *p != '\0';) {
		char *nl = strchr(p, '\n'), line[512];
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p = nl ? nl + 1 : NULL;
		if (strncmp(line, "  ", 2) == 0 && line[2] != ' ')
			in_event = strstr(line, d->tag) != NULL;
		if (!in_event || strstr(line, "    station ") != line)
			continue;
		for (k = 0; k < NST; k++) {
			char label[32];
			struct hq_event *e = hq_event(d->tag);
			snprintf(label, sizeof label, "station %s ", d->st[k].id);
			if (strstr(line, label) == NULL)
				continue;
			CHECK(e->has[k], "HQ reports station %s before a merge", d->st[k].id);
			snprintf(prop_where, sizeof prop_where, "day %lld HQ report: %s",
			         (long long)days_done, line);
			EQ("HQ station walkers", report_num(line, "walkers", 0), e->nreg[k]);
			EQ("HQ station laps", report_num(line, "laps", 0), e->f[k].laps);
			EQ("HQ station donations", report_num(line, "donations", 0),
			   e->f[k].donations);
			EQ("HQ station cash", report_num(line, "cash", 1), e->f[k].cash);
			EQ("HQ station checks", report_num(line, "checks", 1), e->f[k].check);
			EQ("HQ station other", report_num(line, "other", 1), e->f[k].other);
			EQ("HQ station total", report_num(line, "total", 1), e->f[k].total);
			seen++;
		}
	}
	for (k = 0; k < NST; k++)
		seen -= hq_event(d->tag)->has[k];
	EQ("stations in HQ's report", seen, 0);
	free(text);
}

static void
hq_merge_snap(struct day *d, int k, size_t i, enum hq_outcome want)
{
	struct station *s = &d->st[k];
	struct snap *sn = &s->snaps[i];
	struct bundle_report rep;
	struct hq_merge_result res;
	struct hq_totals got, exp;
	struct hq_event *e = hq_event(d->tag);
	char *cause = NULL;

	snprintf(prop_where, sizeof prop_where, "day %lld HQ merge %s export %zu",
	         (long long)days_done, s->id, i + 1);
	memset(&rep, 0, sizeof rep);
	CHECK(bundle_verify_file(sn->zip, NULL, &rep, &cause) == 0, "verify: %s", cause);
	CHECK(hq_merge(hq, &rep, sn->name, &res, &cause) == 0, "merge: %s", cause);
	CHECK(res.outcome == want, "merge outcome %d, expected %d: %s", res.outcome, want,
	      res.message);
	bundle_report_clear(&rep);
	stats.merges[want]++;
	if (want == HQ_MERGED) {
		e->has[k] = 1;
		e->f[k] = sn->f;
		free(e->reg[k]);
		e->reg[k] = xmalloc((sn->nreg + 1) * sizeof *sn->reg);
		if (sn->nreg > 0)
			memcpy(e->reg[k], sn->reg, sn->nreg * sizeof *sn->reg);
		e->nreg[k] = sn->nreg;
		s->merged_last = (int64_t)i + 1;
	}
	CHECK(hq_totals(hq, d->tag, &got, &cause) == 0, "%s", cause);
	hq_model(d->tag, &exp);
	hq_same("HQ event", &got, &exp);
	EQ("HQ event stations", got.stations, exp.stations);
	CHECK(hq_totals(hq, NULL, &got, &cause) == 0, "%s", cause);
	hq_model(NULL, &exp);
	hq_same("HQ overall", &got, &exp);
	hq_compare_report(d);
}

/* Merges the exports not merged yet, in order, sometimes skipping one (a
 * later export holds the earlier), then replays one. */
static void
hq_catch_up(struct day *d, int k)
{
	struct station *s = &d->st[k];
	size_t i;

	for (i = (size_t)s->merged_last; i < s->nsnaps; i++) {
		if (i + 1 < s->nsnaps && rn(3) == 0)
			continue; /* this one never reaches HQ */
		hq_merge_snap(d, k, i, HQ_MERGED);
	}
	if (s->merged_last > 0 && rn(2) == 0)
		hq_merge_snap(d, k, (size_t)s->merged_last - 1, HQ_ALREADY);
	if (s->merged_last > 1 && rn(2) == 0)
		hq_merge_snap(d, k, (size_t)rn(s->merged_last - 1), HQ_REFUSED);
}

/* ---- a day ---- */

static void
day_setup(struct day *d)
{
	struct ledger_init in;
	struct ledger_event ev;
	struct event_pack p;
	struct badge_event badge;
	char *cause = NULL, *notes = NULL;
	int k;
	static const char *const ids[NST] = {"T1", "T2", "T3"};
	static const int roles[NST] = {RULES_ROLE_BOTH, RULES_ROLE_LAP, RULES_ROLE_WELCOME};
	static const char *const role_names[NST] = {"both", "lap", "welcome"};

	memset(d, 0, sizeof *d);
	snprintf(d->dir, sizeof d->dir, "%s/day%lld", top, (long long)days_done);
	CHECK(mkdir(d->dir, 0700) == 0, "mkdir %s", d->dir);
	for (k = 0; k < NST; k++) {
		struct station *s = &d->st[k];
		snprintf(s->id, sizeof s->id, "%s", ids[k]);
		char *path = xasprintf("%s/%s.db", d->dir, ids[k]),
		     *keys = xasprintf("%s/keys-%s", d->dir, ids[k]);
		snprintf(s->path, sizeof s->path, "%s", path);
		snprintf(s->keys, sizeof s->keys, "%s", keys);
		free(path);
		free(keys);
		s->role = roles[k];
		s->mono0 = 1000000 + rn(100000000);
		/* each station its own boot (one a day) */
		snprintf(s->boot, sizeof s->boot, "6f1c2f8e-4c1a-4b8e-9d7e-2a1b3c4d5e0%c", '0' + k);
		memcpy(s->now.boot, s->boot, sizeof s->now.boot);
	}
	day_advance(d, 0);
	snprintf(prop_where, sizeof prop_where, "day %lld setup", (long long)days_done);

	/* T1 sets the event up */
	station_open(&d->st[0]);
	memset(&in, 0, sizeof in);
	in.name = "Walk Against Traffick";
	in.city = "Jackson, MS";
	in.date = "2026-11-24";
	in.station = "T1";
	in.goal_cents = 500000;
	CHECK(ledger_init_event(d->st[0].l, &in, "coord", &cause) == 0, "%s", cause);
	CHECK(ledger_set(d->st[0].l, "min-lap", rn(2) ? "60" : "90", "coord", &cause) == 0, "%s",
	      cause);
	readback(&d->st[0], NULL, 0, 0);
	CHECK(ledger_event(d->st[0].l, &ev) == 0, "event");
	snprintf(d->tag, sizeof d->tag, "%s", ev.event_tag);

	/* T2 joins by event pack */
	memset(&p, 0, sizeof p);
	CHECK(event_pack_from_ledger(d->st[0].l, &p, &cause) == 0, "%s", cause);
	station_open(&d->st[1]);
	CHECK(event_pack_join(d->st[1].l, &p, "T2", "100000", "coord", &notes, &cause) == 0, "%s",
	      cause);
	free(notes);
	event_pack_clear(&p);
	readback(&d->st[1], NULL, 0, 0);

	/* T3: a separate init with the same event (its badge key) */
	CHECK(ledger_badge_key(d->st[0].l, &badge, &cause) == 0, "%s", cause);
	d->badge = badge;
	station_open(&d->st[2]);
	in.station = "T3";
	in.badge = &badge;
	CHECK(ledger_init_event(d->st[2].l, &in, "coord", &cause) == 0, "%s", cause);
	CHECK(ledger_set(d->st[2].l, "walker-base", "200000", "coord", &cause) == 0, "%s", cause);
	readback(&d->st[2], NULL, 0, 0);
	for (k = 0; k < NST; k++) {
		CHECK(ledger_set(d->st[k].l, "role", role_names[k], "coord", &cause) == 0, "%s",
		      cause);
		readback(&d->st[k], NULL, 0, 0);
		station_compare(&d->st[k]);
	}
	CHECK(ledger_event(d->st[2].l, &ev) == 0, "event");
	CHECK(strcmp(ev.event_tag, d->tag) == 0, "T3's event tag %s, T1's %s", ev.event_tag,
	      d->tag);
}

static void
day_free(struct day *d)
{
	size_t i;
	int k;

	for (k = 0; k < NST; k++) {
		struct station *s = &d->st[k];
		ledger_free(s->l);
		free(s->e);
		for (i = 0; i < s->nids; i++)
			free(s->ext[i]);
		free(s->ext);
		free(s->ids);
		for (i = 0; i < s->nsnaps; i++) {
			free(s->snaps[i].zip);
			free(s->snaps[i].name);
			free(s->snaps[i].reg);
		}
		free(s->snaps);
	}
}

static void
station_step(struct day *d, struct station *s, int64_t ops_left, int *compare_walkers)
{
	int64_t closed_seq = 0;
	int closed = ledger_closed(s->l, &closed_seq) == 1;
	int64_t r = rn(1000);

	snprintf(prop_where, sizeof prop_where, "day %lld station %s entry %zu",
	         (long long)days_done, s->id, s->n + 1);
	if (closed) {
		/* while closed out: laps go on; the coordinator reopens or undoes it */
		if (r < 50)
			op_reopen(s);
		else if (r < 70)
			op_annul(s, 1, closed_seq);
		else if (r < 120)
			op_donate(d, s, 1);
		else if (r < 700)
			op_scan(d, s);
		else
			op_by_hand(d, s, 1);
		return;
	}
	if (r < 20)
		op_walkup(s);
	else if (r < 25)
		op_roster(s, 1 + (int)rn(3));
	else if (r < 520)
		op_scan(d, s);
	else if (r < 550)
		op_by_hand(d, s, 0);
	else if (r < 640)
		op_by_hand(d, s, 1);
	else if (r < 790)
		op_donate(d, s, 0);
	else if (r < 820)
		op_setting(s);
	else if (r < 850)
		op_print(s);
	else if (r < 860)
		op_pin(s);
	else if (r < 970)
		op_annul(s, 0, 0);
	else if (r < 975 || (ops_left < 3 && rn(2)))
		op_closeout(s);
	else if (r < 982)
		*compare_walkers = 1;
	else if (r < 987)
		op_append_lap(d, s);
	else if (r < 990)
		station_reopen_file(s);
	(void)ops_left;
}

static void
run_day(int64_t ops)
{
	struct day d;
	int64_t i;
	int k;

	day_setup(&d);
	/* the roster before the day */
	for (k = 0; k < NST; k++)
		if (k != 1 || rn(2))
			op_roster(&d.st[k], 20 + (int)rn(60));
	for (i = 0; i < ops; i++) {
		/* time goes on: mostly seconds, sometimes minutes */
		day_advance(&d, rn(8) == 0 ? rn(600000) : rn(40000));
		for (k = 0; k < NST; k++) {
			int cw = 0;
			station_step(&d, &d.st[k], ops - i, &cw);
			station_compare(&d.st[k]);
			if (cw)
				station_compare_walkers(&d.st[k]);
			if (rn(ops / 3 + 1) == 0 || i == ops - 1) {
				snprintf(prop_where, sizeof prop_where, "day %lld export %s",
				         (long long)days_done, d.st[k].id);
				station_export(&d, &d.st[k]);
				station_compare_walkers(&d.st[k]);
				if (rn(2) || i == ops - 1)
					hq_catch_up(&d, k);
			}
		}
	}
	/* every station's last export reaches HQ in the end */
	for (k = 0; k < NST; k++) {
		if (d.st[k].merged_last < (int64_t)d.st[k].nsnaps)
			hq_merge_snap(&d, k, d.st[k].nsnaps - 1, HQ_MERGED);
		stats.flagged += d.st[k].snaps[d.st[k].nsnaps - 1].f.flagged;
	}
	day_free(&d);
}

static int64_t
env_int(const char *name, int64_t dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? strtoll(v, NULL, 10) : dflt;
}

static void
test_property(void **state)
{
	int64_t days = env_int("WAT_PROP_DAYS", 2), ops = env_int("WAT_PROP_OPS", 700);
	char *cause = NULL;
	int64_t d;

	prop_seed = (uint64_t)env_int("WAT_PROP_SEED", 0);
	if (prop_seed == 0)
		prop_seed = ((uint64_t)time(NULL) << 16) ^ (uint64_t)getpid();
	prop_state = prop_seed * 0x9E3779B97F4A7C15ULL + 1;
	printf("# WAT_PROP_SEED=%llu WAT_PROP_DAYS=%lld WAT_PROP_OPS=%lld\n",
	       (unsigned long long)prop_seed, (long long)days, (long long)ops);
	fflush(stdout);
	snprintf(top, sizeof top, "/tmp/wat-prop-XXXXXX");
	assert_non_null(mkdtemp(top));
	snprintf(hq_path, sizeof hq_path, "%s/hq.db", top);
	assert_int_equal(hq_open(hq_path, &hq, &cause), 0);
	mws = xcalloc(WSLOT, sizeof *mws);
	for (d = 0; d < days; d++, days_done++)
		run_day(ops);
	printf("# entries:");
	for (int k = 0; k < MK_N; k++)
		printf(" %s %lld", mk_names[k], (long long)stats.kinds[k]);
	printf("\n# annulled:");
	for (int k = 0; k < MK_N; k++)
		if (stats.annulled[k])
			printf(" %s %lld", mk_names[k], (long long)stats.annulled[k]);
	printf(
	    "\n# manual laps %lld, flagged laps (in the last exports) %lld, scans too soon %lld, "
	    "within the hold-off %lld, refused %lld; exports %lld, merges %lld, "
	    "replays %lld, refused %lld\n",
	    (long long)stats.manual_laps, (long long)stats.flagged, (long long)stats.too_soon,
	    (long long)stats.already, (long long)stats.refused_scans, (long long)stats.exports,
	    (long long)stats.merges[HQ_MERGED], (long long)stats.merges[HQ_ALREADY],
	    (long long)stats.merges[HQ_REFUSED]);
	/* HQ reopened agrees with itself */
	hq_free(hq);
	assert_int_equal(hq_open(hq_path, &hq, &cause), 0);
	{
		struct hq_totals got, exp;
		CHECK(hq_totals(hq, NULL, &got, &cause) == 0, "%s", cause);
		hq_model(NULL, &exp);
		hq_same("HQ reopened", &got, &exp);
	}
	hq_free(hq);
	free(mws);
	for (size_t i = 0; i < hq_nevents; i++)
		for (int k = 0; k < NST; k++)
			free(hq_events[i].reg[k]);
	free(hq_events);
	assert_int_equal(tmpdir_remove(top), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
