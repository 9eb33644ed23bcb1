#include "kiosk_worker.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "amount.h"
#include "bundle.h"
#include "closeout.h"
#include "event_pack.h"
#include "json.h"
#include "trust_station.h"
#include "kiosk_clock.h"
#include "layout.h"
#include "pin.h"
#include "print.h"
#include "print_cli.h"
#include "roster.h"
#include "sign.h"
#include "stamp.h"
#include "strbuf.h"
#include "sync.h"
#include "stationfile.h"
#include "sync_file.h"
#include "sync_local.h"
#include "text.h"
#include "util.h"

/* seconds without requests after which freed memory goes back (malloc_trim) */
#define KIOSK_TRIM_IDLE_S 5
_Static_assert(sizeof((struct kiosk_reply *)0)->wifi_ssid == SYNC_WIFI_SSID_MAX &&
                   sizeof((struct kiosk_reply *)0)->wifi_psk == SYNC_WIFI_PSK_MAX,
               "the Stations screen's Wi-Fi is sync_wifi_derive's");
#define KIOSK_HELD_RETRY_MS 500 /* the ledger held by another program: try again */

#define KIOSK_ROSTER_MAX  (32u * 1024 * 1024)
#define KIOSK_RECENT_SCAN 5000 /* entries looked at for a walker's recent ones */

struct kiosk_node {
	struct kiosk_node *next;
	struct kiosk_req req;
	struct kiosk_reply *reply;
};

/* A call of another thread (kiosk_worker_call), run when no request waits. */
struct kiosk_call {
	struct kiosk_call *next;
	void (*fn)(struct ledger *, void *);
	void *arg;
	int done, rc;
};

struct kiosk_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_cond_t called; /* a call done */
	int stopped;           /* the thread ended: no more calls */
	struct kiosk_call *calls, **calls_tail;
	size_t nnotes; /* wat-sync's reports (under lock) */
	struct sync_report notes[KIOSK_STATIONS_MAX];
	struct kiosk_node *reqs, **reqs_tail;
	struct kiosk_node *replies, **replies_tail;
	int pending;
	uint64_t next_tag;
	void (*wake)(void *);
	void *arg;

	/* the worker thread's own */
	char *db_path;
	char *pin_file;
	struct ledger *l;
	struct ledger *day;  /* while training: the day's ledger, set aside untouched */
	char *training_mark; /* exists while training: a restart comes back to training */
	struct pin_throttle pin;
	size_t nlost; /* print jobs lost, not settled (print_cli_lost), kept current */
	struct print_lost lost[PRINT_SETTLE_MAX];
	char event_key_id[17]; /* of the station's certificate; "" none (trust_station.h) */
	/* badges laid out of n, for the print screen (read by the UI thread) */
	_Atomic size_t progress_done, progress_n;
};

void
kiosk_worker_progress(struct kiosk_worker *w, size_t *done, size_t *n)
{
	*done = atomic_load(&w->progress_done);
	*n = atomic_load(&w->progress_n);
}

int64_t
kiosk_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The wall clock now (UTC ms): when a scan was answered, so the screen can
 * say when the scan that counted was. */
static int64_t
kiosk_worker_wall_ms(void)
{
	struct stamp st;

	stamp_now(&st);
	return st.wall_ms;
}

static void
kiosk_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* The event key id shown on the coordinator screen and the close-out sheet,
 * read once (after opening, setting up or joining), not at every reply. */
static void
kiosk_trust_refresh(struct kiosk_worker *w)
{
	char *keys = xasprintf("%s.keys", w->db_path);

	if (trust_station_event_keyid(keys, w->event_key_id) != 0)
		w->event_key_id[0] = '\0';
	free(keys);
}

/* The station set up by hand (no charter) certifies itself with an event key
 * of its own. */
static int
kiosk_trust_first(struct kiosk_worker *w, char **cause)
{
	char *keys = xasprintf("%s.keys", w->db_path);
	int rc = trust_station_first(keys, w->l, NULL, NULL, NULL, cause);

	free(keys);
	kiosk_trust_refresh(w);
	return rc;
}

static int
kiosk_status_asked_cb(const struct ledger_review *rv, void *arg)
{
	struct kiosk_status *st = arg;
	char money[32];

	if (st->nasked++ == 0) {
		st->asked_walker = rv->walker;
		snprintf(st->asked, sizeof st->asked, "%s asks to review %s of walker %" PRIu32,
		         rv->station_name, amount_format(rv->cents, money, sizeof money),
		         rv->walker);
	}
	return 0;
}

/* The figures over the whole event and the peers' freshness; the
 * station's own when it holds no peer's entries (or they cannot be read). */
static void
kiosk_status_event(struct kiosk_worker *w, struct kiosk_status *st)
{
	struct ledger_event_figures ef;
	int64_t now = kiosk_worker_wall_ms();

	if (ledger_event_figures(w->l, 0, &ef, NULL) != 0) {
		const struct ledger_totals *t = &st->totals;
		st->whole = (struct fold_figures){
		    .walkers = t->walkers,
		    .checked_in = t->checked_in,
		    .laps = t->laps,
		    .manual_laps = t->manual_laps,
		    .flagged_laps = t->flagged_laps,
		    .donations = t->donations,
		    .checks = t->checks,
		    .cash_cents = t->cash_cents,
		    .check_cents = t->check_cents,
		    .other_cents = t->other_cents,
		    .total_cents = t->total_cents,
		    .annulled = t->annulled,
		};
		return;
	}
	st->whole = ef.all;
	ledger_event_reviews(w->l, kiosk_status_asked_cb, st, NULL);
	for (size_t i = 1; i < ef.n && st->npeers < KIOSK_PEERS_MAX; i++) {
		struct kiosk_peer *p = &st->peers[st->npeers++];
		kiosk_copy(p->name, sizeof p->name, ef.station[i].name);
		p->seen_wall_ms = ef.station[i].seen_wall_ms;
		p->age_ms = now - p->seen_wall_ms;
	}
	ledger_event_figures_clear(&ef);
}

static void
kiosk_status(struct kiosk_worker *w, struct kiosk_status *st)
{
	struct statvfs vfs;
	const char *doubt;
	char *dir, *slash;

	memset(st, 0, sizeof *st);
	st->disk_free_mb = -1;
	if (w->l == NULL)
		return;
	st->open = 1;
	st->has_event = ledger_has_event(w->l);
	if (st->has_event)
		ledger_event(w->l, &st->event);
	ledger_totals(w->l, &st->totals, NULL);
	kiosk_status_event(w, st);
	if (st->has_event && (doubt = ledger_clock_doubt(w->l)) != NULL)
		kiosk_copy(st->clock_doubt, sizeof st->clock_doubt, doubt);
	dir = xstrdup(w->db_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (statvfs(dir[0] != '\0' ? dir : "/", &vfs) == 0)
		st->disk_free_mb = (int64_t)((uint64_t)vfs.f_bavail * vfs.f_frsize / (1024 * 1024));
	free(dir);
	st->pin_set = pin_is_set(w->pin_file);
	st->training = w->day != NULL;
	memcpy(st->event_key_id, w->event_key_id, sizeof st->event_key_id);
	st->nlost = w->nlost;
	memcpy(st->lost, w->lost, w->nlost * sizeof *w->lost);
}

static void
kiosk_found_from(struct kiosk_found *f, const struct ledger_walker *lw)
{
	f->id = lw->id;
	kiosk_copy(f->name, sizeof f->name, lw->name);
	kiosk_copy(f->team, sizeof f->team, lw->team);
	f->checked_in = lw->checked_in;
	f->laps = lw->counted_laps; /* what walkers see (fold.h) */
	f->pending_laps = lw->pending_laps;
	f->raised_cents = lw->raised_cents;
}

static int
kiosk_find_cb(const struct ledger_walker *lw, void *arg)
{
	struct kiosk_reply *r = arg;

	if (r->nfound < KIOSK_FIND_MAX)
		kiosk_found_from(&r->found[r->nfound], lw);
	r->nfound++;
	return r->nfound > KIOSK_FIND_MAX; /* one more tells "more than shown" */
}

struct kiosk_recent_ctx {
	struct kiosk_reply *r;
	uint32_t walker;
	struct kiosk_recent ring[KIOSK_RECENT_MAX];
	size_t n;
};

/* What the entry's data says in words a volunteer reads: the lap's number,
 * a donation's method, an undo's reason and what it undid. */
static void
kiosk_recent_words(struct kiosk_recent_ctx *c, struct kiosk_recent *k, const char *line)
{
	size_t len = line != NULL ? strlen(line) : 0;
	char *s;

	if (len == 0)
		return;
	if (strcmp(k->kind, "lap") == 0 && json_get_int(line, len, "data.n", &k->n) != 0)
		k->n = 0;
	if ((s = json_get_str(line, len, "data.method")) != NULL) {
		kiosk_copy(k->method, sizeof k->method, s);
		free(s);
	}
	if (strcmp(k->kind, "pledge") == 0 &&
	    (s = json_get_str(line, len, "data.sponsor")) != NULL) {
		kiosk_copy(k->sponsor, sizeof k->sponsor, s);
		free(s);
	}
	if (strcmp(k->kind, "annul") != 0)
		return;
	if ((s = json_get_str(line, len, "data.reason")) != NULL) {
		kiosk_copy(k->reason, sizeof k->reason, s);
		free(s);
	}
	if ((s = json_get_str(line, len, "data.kind")) != NULL) {
		kiosk_copy(k->ref_kind, sizeof k->ref_kind, s);
		free(s);
	}
	/* the entry undone is older: still in the ring when recent */
	for (size_t i = 0; i + 1 < c->n && i < KIOSK_RECENT_MAX; i++)
		if (c->ring[i].seq == k->ref)
			k->ref_n = c->ring[i].n;
}

static int
kiosk_recent_cb(const struct ledger_entry *e, void *arg)
{
	struct kiosk_recent_ctx *c = arg;
	struct kiosk_recent *k;

	if (c->walker != 0 && e->walker != c->walker)
		return 0;
	if (strcmp(e->kind, "checkin") != 0 && strcmp(e->kind, "lap") != 0 &&
	    strcmp(e->kind, "donation") != 0 && strcmp(e->kind, "walker") != 0 &&
	    strcmp(e->kind, "pledge") != 0 && strcmp(e->kind, "annul") != 0)
		return 0;
	k = &c->ring[c->n % KIOSK_RECENT_MAX];
	c->n++;
	memset(k, 0, sizeof *k);
	k->seq = e->seq;
	k->wall_ms = e->at.wall_ms;
	k->amount_cents = e->amount_cents;
	k->ref = e->ref;
	k->annulled_by = e->annulled_by;
	k->walker = e->walker;
	kiosk_copy(k->kind, sizeof k->kind, e->kind);
	kiosk_copy(k->op, sizeof k->op, e->op);
	kiosk_recent_words(c, k, e->line);
	return 0;
}

/* What is pledged over the event and not yet collected, beside a team of
 * the board (the same team however spelt: text_fold). */
static int
kiosk_board_pledged_cb(const char *team, int64_t cents, void *arg)
{
	struct kiosk_board *b = arg;
	char *key = text_fold(team);

	for (size_t i = 0; i < b->nteams; i++) {
		char *other = text_fold(b->teams[i].team);
		int same = strcmp(key, other) == 0;

		free(other);
		if (same) {
			b->teams[i].pledged_cents = cents;
			break;
		}
	}
	free(key);
	return 0;
}

struct kiosk_board_ctx {
	struct kiosk_board *b;
	int full_names;
};

/* The top walkers over the event by counted laps (ties: the lower number
 * first): ledger_event_people, the doubtful laps across stations out. */
static int
kiosk_board_walker_cb(const struct ledger_event_person *lw, void *arg)
{
	struct kiosk_board_ctx *c = arg;
	struct kiosk_board *b = c->b;
	size_t i, at;

	if (lw->laps <= 0 || lw->name == NULL)
		return 0;
	for (at = 0; at < b->nwalkers && b->walkers[at].laps >= lw->laps; at++)
		;
	if (at >= KIOSK_BOARD_MAX)
		return 0;
	if (b->nwalkers < KIOSK_BOARD_MAX)
		b->nwalkers++;
	for (i = b->nwalkers - 1; i > at; i--)
		b->walkers[i] = b->walkers[i - 1];
	if (c->full_names)
		kiosk_copy(b->walkers[at].name, sizeof b->walkers[at].name, lw->name);
	else
		text_short_name(lw->name, b->walkers[at].name, sizeof b->walkers[at].name);
	b->walkers[at].laps = lw->laps;
	return 0;
}

static int
kiosk_board_team_cb(const struct ledger_team *t, void *arg)
{
	struct kiosk_board *b = arg;

	if (t->team[0] == '\0' || b->nteams >= KIOSK_BOARD_MAX)
		return t->team[0] == '\0' ? 0 : 1; /* by money raised, the ledger's order */
	kiosk_copy(b->teams[b->nteams].team, sizeof b->teams[b->nteams].team, t->team);
	b->teams[b->nteams].raised_cents = t->raised_cents;
	b->nteams++;
	return 0;
}

static int
kiosk_board(struct kiosk_worker *w, struct kiosk_reply *r, char **cause)
{
	struct ledger_event ev;
	struct kiosk_board_ctx c = {&r->board, 0};

	ledger_event(w->l, &ev);
	c.full_names = ev.full_names;
	/* over the whole event: the peers' walkers and laps too */
	if (ledger_event_people(w->l, kiosk_board_walker_cb, &c, cause) != 0 ||
	    ledger_event_teams(w->l, kiosk_board_team_cb, &r->board, cause) != 0)
		return -1;
	/* pledged: every station's pledges, each once (ledger_event_pledged) */
	return ledger_event_pledged(w->l, kiosk_board_pledged_cb, &r->board,
	                            &r->board.pledged_cents, cause);
}

struct kiosk_recent_laps {
	int64_t *seq; /* the walker's laps in force, newest first */
	size_t n, cap;
};

static int
kiosk_recent_laps_cb(const struct ledger_entry *e, void *arg)
{
	struct kiosk_recent_laps *ls = arg;

	if (strcmp(e->kind, "lap") != 0 || e->annulled_by != 0)
		return 0;
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 32;
		ls->seq = xrealloc(ls->seq, ls->cap * sizeof *ls->seq);
	}
	ls->seq[ls->n++] = e->seq;
	return 0;
}

/* The review of this station's lap seq when it was flagged: 1 and *review
 * (0 waiting, 1 accepted, -1 rejected); 0 when it was not. */
static int
kiosk_recent_flag(const struct ledger_flagged *fl, size_t nfl, int64_t seq, int *review)
{
	for (size_t i = 0; i < nfl; i++)
		if (!fl[i].peer && fl[i].seq == seq) {
			*review = fl[i].review;
			return 1;
		}
	return 0;
}

/* The laps listed in force, numbered as they count now (a lap keeps in its
 * data the number it had when scanned: an earlier lap accepted since moves
 * it up, one waiting or rejected does not count), and a flagged lap's
 * review, so the coordinator reads which lap is which. */
static void
kiosk_recent_laps(struct kiosk_worker *w, struct kiosk_reply *r)
{
	struct ledger_flagged *fl = NULL;
	size_t nfl = 0, i, j;
	int any = 0, review;

	for (i = 0; i < r->nrecent; i++)
		any |= strcmp(r->recent[i].kind, "lap") == 0 && r->recent[i].annulled_by == 0;
	if (!any || ledger_flagged_laps(w->l, 0, &fl, &nfl, NULL) != 0)
		return;
	for (i = 0; i < r->nrecent; i++) {
		struct kiosk_recent *e = &r->recent[i];
		struct kiosk_recent_laps ls = {0};
		int64_t count = 0;

		if (strcmp(e->kind, "lap") != 0 || e->annulled_by != 0)
			continue;
		e->flagged = kiosk_recent_flag(fl, nfl, e->seq, &e->review);
		if (e->flagged && e->review != 1) {
			e->n = 0; /* does not count (yet) */
			continue;
		}
		if (ledger_walker_entries(w->l, e->walker, kiosk_recent_laps_cb, &ls, NULL) == 0) {
			for (j = 0; j < ls.n; j++)
				if (ls.seq[j] <= e->seq &&
				    (!kiosk_recent_flag(fl, nfl, ls.seq[j], &review) ||
				     review == 1))
					count++;
			e->n = count;
		}
		free(ls.seq);
	}
	free(fl);
}

/* The newest entries first. */
static void
kiosk_recent(struct kiosk_worker *w, uint32_t walker, struct kiosk_reply *r)
{
	struct kiosk_recent_ctx c;
	struct ledger_totals t;
	int64_t from;
	size_t n, i;

	memset(&c, 0, sizeof c);
	c.r = r;
	c.walker = walker;
	if (ledger_totals(w->l, &t, NULL) != 0)
		return;
	from = t.last_seq - (walker != 0 ? KIOSK_RECENT_SCAN : 200);
	ledger_entries(w->l, from < 1 ? 1 : from, kiosk_recent_cb, &c, NULL);
	n = c.n < KIOSK_RECENT_MAX ? c.n : KIOSK_RECENT_MAX;
	for (i = 0; i < n; i++)
		r->recent[i] = c.ring[(c.n - 1 - i) % KIOSK_RECENT_MAX];
	r->nrecent = n;
	kiosk_recent_laps(w, r);
}

/* The walker's laps and money over the whole event, and where the laps
 * were counted when some were counted at another station. */
static void
kiosk_card_event(struct kiosk_worker *w, uint32_t id, struct kiosk_reply *r)
{
	struct ledger_event_figures ef;
	int elsewhere = 0;

	r->nwhere = 0;
	if (ledger_event_figures(w->l, id, &ef, NULL) != 0)
		return;
	r->walker.laps = ef.walker_laps;
	r->walker.raised_cents = ef.walker_raised_cents;
	r->walker.pending_laps = ef.walker_pending; /* the lap point's too: reviewed here */
	for (size_t i = 1; i < ef.n; i++)
		elsewhere |= ef.station[i].walker_laps != 0;
	for (size_t i = 0; elsewhere && i < ef.n && r->nwhere < KIOSK_PEERS_MAX + 1; i++) {
		if (ef.station[i].walker_laps == 0)
			continue;
		kiosk_copy(r->where[r->nwhere].name, sizeof r->where[0].name,
		           ef.station[i].own ? "" : ef.station[i].name);
		r->where[r->nwhere++].laps = ef.station[i].walker_laps;
	}
	r->review[0] = '\0';
	if (ef.walker_review > 0) {
		const struct ledger_station_figures *a = &ef.station[ef.review_a],
		                                    *b = &ef.station[ef.review_b];
		snprintf(r->review, sizeof r->review,
		         "%lld lap%s to review: %s%s and %s%s %lld s apart",
		         (long long)ef.walker_review, ef.walker_review == 1 ? "" : "s",
		         a->own ? "here" : "at ", a->own ? "" : a->name, b->own ? "here" : "at ",
		         b->own ? "" : b->name, (long long)(ef.review_gap_ms / 1000));
	}
	ledger_event_figures_clear(&ef);
}

struct kiosk_card_ctx {
	uint32_t id;
	struct kiosk_reply *r;
};

static int
kiosk_card_dup_cb(const struct ledger_duplicate *d, void *arg)
{
	struct kiosk_card_ctx *c = arg;

	if (d->walker != c->id)
		return 0;
	snprintf(c->r->dup, sizeof c->r->dup, "Also registered at %s as %s (walker %" PRIu32 ")?",
	         d->station_name, d->other_name, d->other);
	kiosk_copy(c->r->dup_station, sizeof c->r->dup_station, d->station);
	c->r->dup_other = d->other;
	return 1;
}

static int
kiosk_card_asked_cb(const struct ledger_review *rv, void *arg)
{
	struct kiosk_card_ctx *c = arg;
	char money[32];

	if (rv->walker != c->id)
		return 0;
	snprintf(c->r->asked, sizeof c->r->asked, "%s asks to review the %s donation: %s",
	         rv->station_name, amount_format(rv->cents, money, sizeof money), rv->reason);
	return 1;
}

/* What another station's entries say about this walker: a likely duplicate
 * to link, a request to review money held here. */
static void
kiosk_card_conflicts(struct kiosk_worker *w, uint32_t id, struct kiosk_reply *r)
{
	struct kiosk_card_ctx c = {id, r};

	r->dup[0] = r->asked[0] = '\0';
	if (r->st.npeers == 0 && ledger_peer_bytes(w->l) == 0)
		return;
	ledger_event_duplicates(w->l, kiosk_card_dup_cb, &c, NULL);
	ledger_event_reviews(w->l, kiosk_card_asked_cb, &c, NULL);
}

/* A scan's figures over the whole event (the laps at the lap point too). */
static void
kiosk_scan_event(struct kiosk_worker *w, struct ledger_scan *s)
{
	struct ledger_event_figures ef;

	struct ledger_event_walker ew;

	if (s->badge != BADGE_OK || s->walker == 0 ||
	    ledger_event_figures(w->l, s->walker, &ef, NULL) != 0)
		return;
	s->laps = ef.walker_laps;
	s->raised_cents = ef.walker_raised_cents;
	ledger_event_figures_clear(&ef);
	/* registered at another station: greeted by the name given there */
	if (!s->known && ledger_event_walker(w->l, s->walker, &ew, NULL) == 1) {
		char was[sizeof s->name], *at;
		kiosk_copy(was, sizeof was, s->name);
		kiosk_copy(s->name, sizeof s->name, ew.name);
		s->known = 1;
		if ((at = strstr(s->message, was)) != NULL) {
			char msg[sizeof s->message];
			snprintf(msg, sizeof msg, "%.*s%s%s", (int)(at - s->message), s->message,
			         ew.name, at + strlen(was));
			kiosk_copy(s->message, sizeof s->message, msg);
		}
	}
}

static int
kiosk_card(struct kiosk_worker *w, uint32_t id, struct kiosk_reply *r, char **cause)
{
	struct ledger_walker lw;

	memset(&lw, 0, sizeof lw);
	if (ledger_walker_get(w->l, id, &lw, NULL) != 0) {
		/* registered at another station only: their card from its entries */
		struct ledger_event_walker ew;
		if (ledger_event_walker(w->l, id, &ew, NULL) != 1)
			return ledger_walker_get(w->l, id, &lw, cause);
		memset(&r->walker, 0, sizeof r->walker);
		r->walker.id = id;
		kiosk_copy(r->walker.name, sizeof r->walker.name, ew.name);
		kiosk_copy(r->walker.team, sizeof r->walker.team, ew.team);
		r->walker.checked_in = ew.checked_in;
		r->email[0] = '\0';
		if (ledger_badge_code(w->l, id, r->code, sizeof r->code, NULL) != 0)
			r->code[0] = '\0';
		kiosk_card_event(w, id, r);
		kiosk_recent(w, id, r);
		return 0;
	}
	kiosk_found_from(&r->walker, &lw);
	kiosk_copy(r->email, sizeof r->email, lw.email);
	ledger_walker_clear(&lw);
	kiosk_card_event(w, id, r);
	kiosk_card_conflicts(w, id, r);
	if (ledger_badge_code(w->l, id, r->code, sizeof r->code, NULL) != 0)
		r->code[0] = '\0';
	kiosk_recent(w, id, r);
	return 0;
}

/* A pledges CSV's preview or import: each row judged against the ledger
 * (reply import: pledges_*, skipped the rows with a problem; notes: them,
 * each with its line and own text); the new rows recorded only when none
 * is bad or by the coordinator's choice (file.good_rows). */
static int
kiosk_import_pledges(struct kiosk_worker *w, const struct kiosk_req *q, const char *op,
                     const char *data, size_t len, struct kiosk_reply *r, char **cause)
{
	struct pledge_csv *c = NULL;
	struct ledger_pledge_import res;
	int rc = -1;

	if (pledge_csv_parse(data, len, &c, cause) != 0)
		goto end;
	if (ledger_pledge_import(w->l, c, 0, op, &res, cause) != 0)
		goto end;
	if (q->op == KIOSK_OP_IMPORT && res.problems > 0 && !q->file.good_rows) {
		util_fail(cause, "%zu row%s a problem: nothing was imported.", res.problems,
		          res.problems == 1 ? " has" : "s have");
		goto end;
	}
	if (q->op == KIOSK_OP_IMPORT && ledger_pledge_import(w->l, c, 1, op, &res, cause) != 0)
		goto end;
	r->import.pledges_added = res.added;
	r->import.pledges_unchanged = res.unchanged;
	r->import.pledges_bad = res.problems;
	r->import.skipped = res.problems;
	r->notes = roster_pledge_problems(c);
	rc = 0;
end:
	pledge_csv_free(c);
	return rc;
}

/* The roster's preview or import (preview: reads only); notes: the repeats
 * merged, then every bad row with its own text, then the bad pledges (of
 * its pledge columns). */
static int
kiosk_import(struct kiosk_worker *w, const struct kiosk_req *q, const char *op,
             struct kiosk_reply *r, char **cause)
{
	struct roster *ro = NULL;
	struct strbuf notes = STRBUF_INIT;
	char *data = NULL, *bad = NULL;
	size_t len = 0;
	int rc = -1;

	if (util_read_file(q->file.path, KIOSK_ROSTER_MAX, &data, &len, cause) != 0)
		goto end;
	if (q->file.pledges) {
		rc = kiosk_import_pledges(w, q, op, data, len, r, cause);
		goto end;
	}
	if (roster_read(data, len, &ro, cause) != 0)
		goto end;
	if (q->op == KIOSK_OP_IMPORT && ro->nbad > 0 && !q->file.good_rows) {
		/* nothing partial without the coordinator's choice */
		util_fail(cause, "%zu row%s a problem: nothing was imported.", ro->nbad,
		          ro->nbad == 1 ? " has" : "s have");
		goto end;
	}
	if (q->op == KIOSK_OP_IMPORT && ro->pledges != NULL && !q->file.good_rows) {
		/* a pledge's problem is known once judged against the ledger */
		if (ledger_roster_preview(w->l, ro, &r->import, cause) != 0)
			goto end;
		if (r->import.pledges_bad > 0) {
			util_fail(cause, "%zu pledge%s a problem: nothing was imported.",
			          r->import.pledges_bad,
			          r->import.pledges_bad == 1 ? " has" : "s have");
			goto end;
		}
	}
	if (q->op == KIOSK_OP_IMPORT_PREVIEW
	        ? ledger_roster_preview(w->l, ro, &r->import, cause) != 0
	        : ledger_roster_import(w->l, ro, op, &r->import, cause) != 0)
		goto end;
	if (ro->merged != NULL)
		strbuf_printf(&notes, "%s", ro->merged);
	if ((bad = roster_problems(ro, 0)) != NULL)
		strbuf_printf(&notes, "%s%s", notes.len > 0 ? "\n" : "", bad);
	free(bad);
	if ((bad = roster_pledge_problems(ro->pledges)) != NULL)
		strbuf_printf(&notes, "%s%s", notes.len > 0 ? "\n" : "", bad);
	r->notes = notes.len > 0 ? strbuf_take(&notes) : NULL;
	rc = 0;
end:
	strbuf_free(&notes);
	free(bad);
	roster_free(ro);
	free(data);
	return rc;
}

static int
kiosk_listdir(const char *path, struct kiosk_reply *r, char **cause)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d == NULL && errno == ENOENT) /* the usual case: no stick in */
		return util_fail(cause,
		                 "No USB stick found (nothing at %s). Plug one in, wait a moment, "
		                 "then look again.",
		                 path);
	if (d == NULL)
		return util_fail(cause, "%s cannot be read: %s. Is the USB stick plugged in?", path,
		                 strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 5 || strcasecmp(de->d_name + n - 4, ".csv") != 0)
			continue;
		if (r->nfound < KIOSK_FIND_MAX)
			kiosk_copy(r->found[r->nfound].name, sizeof r->found[0].name, de->d_name);
		r->nfound++;
	}
	closedir(d);
	return 0;
}

/* ---- printing: pages made where the ledger is ---------------------------- */

/* The station's printer and paper (the default paper: an 80 mm roll). */
static void
kiosk_station_paper(const struct ledger_event *ev, struct kiosk_reply *r, enum layout_paper *paper)
{
	*paper = LAYOUT_ROLL80;
	if (ev->paper[0] != '\0' && layout_paper_parse(ev->paper, paper) != 0)
		*paper = LAYOUT_ROLL80;
	kiosk_copy(r->printer, sizeof r->printer, ev->printer);
	r->roll = layout_paper_is_roll(*paper);
}

static void
kiosk_rec(struct kiosk_reply *r, const char *what, int64_t of, uint32_t walker, int copy)
{
	kiosk_copy(r->rec.what, sizeof r->rec.what, what);
	r->rec.of = of;
	r->rec.walker = walker;
	r->rec.copy = copy;
}

static int
kiosk_entry_walker_cb(const struct ledger_entry *e, void *arg)
{
	*(uint32_t *)arg = e->walker;
	return 1;
}

static int
kiosk_receipt_pdf(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                  char **cause)
{
	struct ledger_event ev;
	enum layout_paper paper;
	uint32_t walker = 0;
	int copy = 0;

	if (ledger_event(w->l, &ev) != 0)
		return util_fail(cause, "The event's settings cannot be read.");
	kiosk_station_paper(&ev, r, &paper);
	if (print_cli_receipt_pdf(w->l, q->seq, paper, q->path, &copy, &r->pdf, &r->pdf_len,
	                          cause) != 0)
		return -1;
	ledger_entry_get(w->l, q->seq, kiosk_entry_walker_cb, &walker, NULL);
	kiosk_rec(r, "receipt", q->seq, walker, copy);
	snprintf(r->rec.title, sizeof r->rec.title, "Receipt %s-%lld", ev.station,
	         (long long)q->seq);
	return 0;
}

/* A walker's badge (kind "badge") or slip ("slip"), made as watctl makes it. */
static int
kiosk_walker_pdf(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                 const char *kind, char **cause)
{
	struct ledger_event ev;
	enum layout_paper paper;
	int badge = strcmp(kind, "badge") == 0;

	if (ledger_event(w->l, &ev) != 0)
		return util_fail(cause, "The event's settings cannot be read.");
	kiosk_station_paper(&ev, r, &paper);
	if ((badge ? print_cli_badge_pdf : print_cli_slip_pdf)(w->l, q->walker, paper, q->path,
	                                                       &r->pdf, &r->pdf_len, cause) != 0)
		return -1;
	kiosk_rec(r, kind, q->walker, q->walker, 0);
	/* the page says REPRINT when it was printed before (the same test, just made) */
	r->rec.reprint = badge && print_cli_badge_reprint(w->l, q->walker, NULL) == 1;
	snprintf(r->rec.title, sizeof r->rec.title, "%s %u%s", badge ? "Badge" : "Slip", q->walker,
	         r->rec.reprint ? " (reprint)" : "");
	return 0;
}

static void
kiosk_badges_progress(size_t done, size_t n, void *arg)
{
	struct kiosk_worker *w = arg;

	atomic_store(&w->progress_n, n);
	atomic_store(&w->progress_done, done);
}

/* Sheets of badges (all, new since the last sheet, one team), on labels or
 * one per roll ticket; the print screen shows how many are laid out. */
static int
kiosk_badges_pdf(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                 char **cause)
{
	struct ledger_event ev;
	struct print_cli_badges b;
	enum layout_paper paper;
	int rc;

	if (ledger_event(w->l, &ev) != 0)
		return util_fail(cause, "The event's settings cannot be read.");
	kiosk_station_paper(&ev, r, &paper);
	memset(&b, 0, sizeof b);
	b.which = q->badges.which;
	b.text = q->badges.team;
	b.layout = q->badges.layout[0] != '\0' ? q->badges.layout : NULL;
	b.roll = layout_paper_is_roll(paper) ? paper : LAYOUT_ROLL80;
	b.progress = kiosk_badges_progress;
	b.arg = w;
	atomic_store(&w->progress_done, 0);
	atomic_store(&w->progress_n, 0);
	rc = print_cli_badges_pdf(w->l, &b, q->path, &r->rec, &r->pdf, &r->pdf_len, cause);
	/* nothing counted between jobs: the next sheet's screen starts from nothing */
	atomic_store(&w->progress_n, 0);
	atomic_store(&w->progress_done, 0);
	r->roll = b.layout != NULL && strcmp(b.layout, "roll") == 0;
	return rc;
}

/* Every statement still owed (the close-out's batch, to hand out or mail),
 * one page or ticket each; the print screen shows how many are laid out. */
static int
kiosk_statements_pdf(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                     char **cause)
{
	struct ledger_event ev;
	enum layout_paper paper;
	size_t count = 0;
	int rc;

	if (ledger_event(w->l, &ev) != 0)
		return util_fail(cause, "The event's settings cannot be read.");
	kiosk_station_paper(&ev, r, &paper);
	atomic_store(&w->progress_done, 0);
	atomic_store(&w->progress_n, 0);
	rc = print_cli_statements_pdf_progress(w->l, 0, 1, paper, q->path, kiosk_badges_progress, w,
	                                       &r->pdf, &r->pdf_len, &count, cause);
	atomic_store(&w->progress_n, 0);
	atomic_store(&w->progress_done, 0);
	if (rc != 0)
		return -1;
	kiosk_rec(r, "statement", 0, 0, 0);
	snprintf(r->rec.title, sizeof r->rec.title, "%zu statement%s still owed", count,
	         count == 1 ? "" : "s");
	return 0;
}

static int
kiosk_teams_cb(const struct ledger_team *t, void *arg)
{
	struct kiosk_teams *x = arg;
	size_t i;

	if (t->team == NULL || t->team[0] == '\0' || t->walkers <= 0)
		return 0;
	/* keep the biggest: insert in order, the smallest falls off the end */
	for (i = x->n; i > 0 && x->team[i - 1].walkers < t->walkers; i--)
		if (i < KIOSK_TEAMS_MAX)
			x->team[i] = x->team[i - 1];
	if (i >= KIOSK_TEAMS_MAX)
		return 0;
	kiosk_copy(x->team[i].name, sizeof x->team[i].name, t->team);
	x->team[i].walkers = t->walkers;
	if (x->n < KIOSK_TEAMS_MAX)
		x->n++;
	return 0;
}

struct kiosk_count {
	int64_t since, all, fresh;
};

static int
kiosk_count_cb(const struct ledger_walker *wk, void *arg)
{
	struct kiosk_count *c = arg;

	if (!wk->active || wk->reg_seq <= 0)
		return 0;
	c->all++;
	if (wk->reg_seq > c->since)
		c->fresh++;
	return 0;
}

static int
kiosk_teams(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r, char **cause)
{
	struct kiosk_count c = {0, 0, 0};

	if (ledger_teams(w->l, kiosk_teams_cb, &r->teams, cause) != 0)
		return -1;
	if (q->seq != 1)
		return 0;
	if (print_cli_badges_since(w->l, &c.since, cause) != 0 ||
	    ledger_walkers(w->l, NULL, kiosk_count_cb, &c, cause) != 0)
		return -1;
	r->teams.all = c.all;
	r->teams.fresh = c.fresh;
	return 0;
}

/* A team typed at registration that is an existing one but for capitals or
 * accents ("grace church") takes the existing spelling, so the team's totals
 * stay one. */
struct kiosk_same_team {
	char *folded;
	char found[KIOSK_TEXT_MAX];
};

static int
kiosk_same_team_cb(const struct ledger_team *t, void *arg)
{
	struct kiosk_same_team *x = arg;
	char *f;
	int same;

	if (t->team == NULL || t->team[0] == '\0')
		return 0;
	f = text_fold(t->team);
	same = strcmp(f, x->folded) == 0;
	free(f);
	if (same)
		kiosk_copy(x->found, sizeof x->found, t->team);
	return same;
}

static int
kiosk_test_pdf(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
               char **cause)
{
	struct ledger_event ev;
	struct layout_doc doc = LAYOUT_DOC_INIT;
	enum layout_paper paper;
	char when[64];
	int rc = -1;

	if (ledger_event(w->l, &ev) != 0)
		return util_fail(cause, "The event's settings cannot be read.");
	kiosk_station_paper(&ev, r, &paper);
	print_cli_when((int64_t)time(NULL) * 1000, when, sizeof when);
	layout_doc_add(&doc, LAYOUT_TITLE, "Test print", NULL);
	layout_doc_add(&doc, LAYOUT_CENTER, ev.name, NULL);
	layout_doc_add(&doc, LAYOUT_RULE, "", NULL);
	layout_doc_add(&doc, LAYOUT_PAIR, "Printer", ev.printer[0] ? ev.printer : "the default");
	layout_doc_add(&doc, LAYOUT_PAIR, "Paper", layout_paper_name(paper));
	layout_doc_add(&doc, LAYOUT_PAIR, "Station", ev.station);
	layout_doc_add(&doc, LAYOUT_PAIR, "Time", when);
	layout_doc_add(&doc, LAYOUT_TEXT,
	               "If you can read this and scan the code, receipts and badges will print "
	               "here.",
	               NULL);
	layout_doc_add(&doc, LAYOUT_QR, "TEST PRINT", "small");
	if (layout_render(&doc, paper, q->path, &r->pdf, &r->pdf_len, cause) != 0)
		goto end;
	kiosk_rec(r, "test", 0, 0, 0);
	snprintf(r->rec.title, sizeof r->rec.title, "Test print");
	rc = 0;
end:
	layout_doc_free(&doc);
	return rc;
}

/* The coordinator's recovery code on paper (q->recovery), to keep with the event's
 * papers; the code is not recorded anywhere, only that a slip was printed. */
static int
kiosk_recovery_pdf(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                   char **cause)
{
	struct ledger_event ev;
	struct layout_doc doc = LAYOUT_DOC_INIT;
	enum layout_paper paper;
	char when[64];
	int rc = -1;

	if (ledger_event(w->l, &ev) != 0)
		memset(&ev, 0, sizeof ev); /* a fresh station: no event yet */
	kiosk_station_paper(&ev, r, &paper);
	print_cli_when((int64_t)time(NULL) * 1000, when, sizeof when);
	layout_doc_add(&doc, LAYOUT_HEADING, "Coordinator recovery code", NULL);
	if (ev.name[0] != '\0')
		layout_doc_add(&doc, LAYOUT_CENTER, ev.name, NULL);
	layout_doc_add(&doc, LAYOUT_RULE, "", NULL);
	layout_doc_add(&doc, LAYOUT_BIG, q->recovery.code, NULL);
	layout_doc_add(&doc, LAYOUT_PAIR, "Station", ev.station[0] ? ev.station : "new");
	layout_doc_add(&doc, LAYOUT_PAIR, "Made", when);
	layout_doc_add(&doc, LAYOUT_TEXT,
	               "If the PIN is forgotten: Coordinator, Forgot the PIN?, type this code, "
	               "then choose a new PIN. The code works once: a new one is shown then.",
	               NULL);
	layout_doc_add(&doc, LAYOUT_SMALL,
	               "Keep this slip with the event's papers, apart from the station.", NULL);
	if (layout_render(&doc, paper, q->path, &r->pdf, &r->pdf_len, cause) != 0)
		goto end;
	kiosk_rec(r, "recovery", 0, 0, 0);
	snprintf(r->rec.title, sizeof r->rec.title, "Recovery code");
	rc = 0;
end:
	layout_doc_free(&doc);
	return rc;
}

/* The last close-out's sheet, as bundle_cli_close_sheet makes it: on Letter,
 * or on the station's paper when that is a sheet (A4). */
static int
kiosk_sheet_pdf(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                char **cause)
{
	struct ledger_event ev;
	struct closeout_result cr;
	struct closeout_entry info;
	struct closeout_sheet sh;
	struct closeout_pledges pl;
	struct layout_doc doc = LAYOUT_DOC_INIT;
	enum layout_paper paper = LAYOUT_LETTER, station;
	char when[64], hex[2 * LEDGER_HASH_LEN + 1];
	int rc = -1;

	memset(&cr, 0, sizeof cr);
	if (ledger_event(w->l, &ev) != 0) {
		util_fail(cause, "The event's settings cannot be read.");
		goto end;
	}
	kiosk_station_paper(&ev, r, &station);
	if (!layout_paper_is_roll(station))
		paper = station; /* a station set to A4 prints its sheet on A4 */
	if (q->sheet.paper[0] != '\0' && layout_paper_parse(q->sheet.paper, &paper) != 0)
		paper = LAYOUT_LETTER;
	r->roll = layout_paper_is_roll(paper);
	if (closeout_load(w->l, 0, &cr, &info, cause) != 0)
		goto end;
	print_cli_when(info.wall_ms, when, sizeof when);
	bundle_hex(info.hash, LEDGER_HASH_LEN, hex);
	sh = (struct closeout_sheet){
	    ev.name, ev.city, ev.date, ev.station,
	    when,    cr.seq,  hex,     ev.training ? NULL : w->event_key_id};
	closeout_sheet_doc(&cr, &sh, &doc);
	closeout_pledges(w->l, &pl);
	closeout_pledges_doc(&pl, &doc);
	if (ev.training)
		layout_doc_training(&doc, LAYOUT_NOT_SHEET);
	if (layout_render(&doc, paper, q->path, &r->pdf, &r->pdf_len, cause) != 0)
		goto end;
	kiosk_rec(r, "closeout", cr.seq, 0, 0);
	snprintf(r->rec.title, sizeof r->rec.title, "Close-out sheet %s-%lld", ev.station,
	         (long long)cr.seq);
	rc = 0;
end:
	layout_doc_free(&doc);
	closeout_result_free(&cr);
	return rc;
}

static void
kiosk_lost_refresh(struct kiosk_worker *w)
{
	if (print_cli_lost(w->l, w->lost, nitems(w->lost), &w->nlost, NULL) != 0)
		w->nlost = 0;
}

/* The roster's bad rows on paper, each with its own text, to fix by hand
 * and register at the table (or correct and import again). */
static int
kiosk_roster_pdf(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                 char **cause)
{
	struct ledger_event ev;
	struct layout_doc doc = LAYOUT_DOC_INIT;
	struct roster *ro = NULL;
	struct pledge_csv *pc = NULL;
	const struct pledge_csv *pr;
	struct ledger_pledge_import pres;
	struct ledger_import ires;
	enum layout_paper paper;
	const char *base;
	char *data = NULL, when[64];
	size_t len = 0, i, nbad;
	int rc = -1;

	if (util_read_file(q->file.path, KIOSK_ROSTER_MAX, &data, &len, cause) != 0)
		goto end;
	if (q->file.pledges) {
		if (pledge_csv_parse(data, len, &pc, cause) != 0 ||
		    ledger_pledge_import(w->l, pc, 0, "preview", &pres, cause) != 0)
			goto end;
		nbad = pres.problems;
	} else {
		if (roster_read(data, len, &ro, cause) != 0)
			goto end;
		if (ro->pledges != NULL && ledger_roster_preview(w->l, ro, &ires, cause) != 0)
			goto end;
		nbad = ro->nbad + (ro->pledges != NULL ? ires.pledges_bad : 0);
	}
	if (ledger_event(w->l, &ev) != 0)
		memset(&ev, 0, sizeof ev);
	kiosk_station_paper(&ev, r, &paper);
	base = strrchr(q->file.path, '/');
	base = base != NULL ? base + 1 : q->file.path;
	print_cli_when((int64_t)time(NULL) * 1000, when, sizeof when);
	layout_doc_add(&doc, LAYOUT_HEADING,
	               pc != NULL ? "Pledge rows to fix by hand" : "Roster rows to fix by hand",
	               NULL);
	if (ev.name[0] != '\0')
		layout_doc_add(&doc, LAYOUT_CENTER, ev.name, NULL);
	layout_doc_add(&doc, LAYOUT_PAIR, "File", base);
	layout_doc_add(&doc, LAYOUT_PAIR, "Made", when);
	snprintf(when, sizeof when, "%zu", nbad);
	layout_doc_add(&doc, LAYOUT_PAIR, "Rows with a problem", when);
	layout_doc_add(&doc, LAYOUT_RULE, "", NULL);
	for (i = 0; ro != NULL && i < ro->n; i++) {
		if (ro->rows[i].problem == NULL)
			continue;
		layout_doc_add(&doc, LAYOUT_TEXT, ro->rows[i].problem, NULL);
		layout_doc_add(&doc, LAYOUT_SMALL,
		               ro->rows[i].text[0] != '\0' ? ro->rows[i].text : "(an empty row)",
		               NULL);
		layout_doc_add(&doc, LAYOUT_GAP, "", NULL);
	}
	pr = pc != NULL ? pc : ro->pledges;
	for (i = 0; pr != NULL && i < pr->n; i++) {
		const struct pledge_row *p = &pr->rows[i];
		char *line;
		if (p->problem == NULL)
			continue;
		line = p->line > 0 ? xasprintf("Line %zu, a pledge: %s.", p->line, p->problem)
		                   : xasprintf("A pledge: %s.", p->problem);
		layout_doc_add(&doc, LAYOUT_TEXT, line, NULL);
		free(line);
		layout_doc_add(&doc, LAYOUT_SMALL,
		               p->text != NULL && p->text[0] != '\0' ? p->text : "(an empty row)",
		               NULL);
		layout_doc_add(&doc, LAYOUT_GAP, "", NULL);
	}
	if (nbad == 0)
		layout_doc_add(&doc, LAYOUT_TEXT, "Every row is good.", NULL);
	layout_doc_add(&doc, LAYOUT_SMALL,
	               pc != NULL ? "Take these pledges on the walker's Pledges screen, or fix "
	                            "the file and import it again: pledges already imported "
	                            "count once."
	                          : "Register these walkers at the table, or fix the file and "
	                            "import it again: rows already imported stay as they are.",
	               NULL);
	if (layout_render(&doc, paper, q->path, &r->pdf, &r->pdf_len, cause) != 0)
		goto end;
	kiosk_rec(r, "roster", 0, 0, 0);
	snprintf(r->rec.title, sizeof r->rec.title, "Roster rows to fix");
	rc = 0;
end:
	layout_doc_free(&doc);
	pledge_csv_free(pc);
	roster_free(ro);
	free(data);
	return rc;
}

/* A print's outcome, after the fates of lost jobs it learnt (said in notes). */
static int
kiosk_record(struct kiosk_worker *w, const struct kiosk_req *q, const char *op,
             struct kiosk_reply *r, char **cause)
{
	struct print_cli_rec settled;
	struct strbuf notes = STRBUF_INIT;
	char text[512];
	size_t i;
	int rc = 0;

	for (i = 0; i < q->nsettled && rc == 0; i++) {
		if ((rc = print_cli_settle(w->l, op, &q->settled[i], &settled, cause)) != 0)
			break;
		/* volunteers read pages and actions, not entry numbers */
		snprintf(text, sizeof text, "The %s on its way when the print server stopped %s.",
		         print_cli_noun(settled.what), print_cli_settle_fate(settled.outcome));
		strbuf_printf(&notes, "%s%s", notes.len > 0 ? " " : "", text);
	}
	if (rc == 0 && q->rec.what[0] != '\0')
		rc = print_cli_record(w->l, op, &q->rec, cause);
	kiosk_lost_refresh(w);
	r->notes = notes.len > 0 ? strbuf_take(&notes) : NULL;
	strbuf_free(&notes);
	return rc;
}

/* The mounted USB sticks (or the one folder the kiosk was given). */
static int
kiosk_sticks(const char *given, struct kiosk_reply *r, char **cause)
{
	char **dirs = NULL;
	size_t n = 0, i;

	if (given[0] != '\0') {
		kiosk_copy(r->sticks[0], sizeof r->sticks[0], given);
		r->nsticks = 1;
		return 0;
	}
	if (bundle_usb_dirs(NULL, getenv("WAT_USB_PREFIXES"), &dirs, &n, cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (r->nsticks < nitems(r->sticks))
			kiosk_copy(r->sticks[r->nsticks++], sizeof r->sticks[0], dirs[i]);
		free(dirs[i]);
	}
	free(dirs);
	return 0;
}

/* "Print elsewhere": the PDF saved on the USB stick (or a given folder). */
static int
kiosk_save_pdf(struct kiosk_worker *w, const struct kiosk_req *q, const char *op,
               struct kiosk_reply *r, char **cause)
{
	struct kiosk_req x = *q;
	char *path = NULL;
	int rc = -1;

	if (kiosk_sticks(q->path, r, cause) != 0)
		goto end;
	if (r->nsticks == 0) {
		util_fail(cause, "No USB stick is plugged in: plug one in and try again.");
		goto end;
	}
	if (q->blob == NULL ||
	    print_spool(r->sticks[0], x.rec.title, q->blob, q->blob_len, &path, cause) != 0)
		goto end;
	kiosk_copy(x.rec.outcome, sizeof x.rec.outcome, "saved");
	kiosk_copy(x.rec.file, sizeof x.rec.file, path);
	x.rec.queue[0] = x.rec.reasons[0] = '\0';
	x.rec.job = 0;
	x.rec.settles = 0;
	x.nsettled = 0;
	if (kiosk_record(w, &x, op, r, cause) != 0)
		goto end;
	r->rec = x.rec;
	rc = 0;
end:
	free(path);
	return rc;
}

/* ---- close-out and export ------------------------------------------------- */

static void
kiosk_close_from(struct kiosk_close *c, const struct closeout_expected *e)
{
	size_t i;

	c->closed = e->closed;
	c->closed_seq = e->closed_seq;
	c->cash_cents = e->cash_cents;
	c->check_cents = e->check_cents;
	c->other_cents = e->other_cents;
	c->total_cents = e->total_cents;
	c->checks = e->checks;
	c->nlist = e->nlist;
	for (i = 0; i < e->nlist && i < KIOSK_CHECKS_MAX; i++) {
		c->list[i].seq = e->list[i].seq;
		c->list[i].cents = e->list[i].cents;
		kiosk_copy(c->list[i].check_no, sizeof c->list[i].check_no, e->list[i].check_no);
		kiosk_copy(c->list[i].donor, sizeof c->list[i].donor, e->list[i].donor);
	}
	c->nunprinted = e->nunprinted;
	c->receipts_printed = e->receipts_printed;
	c->receipts_pdf = e->receipts_pdf;
	for (i = 0; i < e->nunprinted && i < KIOSK_UNPRINTED_MAX; i++)
		c->unprinted[i] = e->unprinted[i];
}

static int
kiosk_close_info(struct kiosk_worker *w, struct kiosk_reply *r, char **cause)
{
	struct closeout_expected e;
	int rc;

	memset(&e, 0, sizeof e);
	rc = closeout_expected(w->l, &e, cause);
	if (rc == 0)
		kiosk_close_from(&r->close, &e);
	closeout_expected_free(&e);
	return rc;
}

static int
kiosk_close(struct kiosk_worker *w, const struct kiosk_req *q, const char *op,
            struct kiosk_reply *r, char **cause)
{
	struct closeout_count c;
	struct closeout_result res;
	int rc;

	memset(&c, 0, sizeof c);
	memset(&res, 0, sizeof res);
	c.cash_cents = q->close.cash_cents;
	c.denominations = q->close.denominations[0] != '\0' ? q->close.denominations : NULL;
	c.checks = q->close.checks;
	c.check_cents = q->close.check_cents;
	c.counter[0] = q->close.counter[0];
	c.counter[1] = q->close.counter[1];
	c.note = q->close.note[0] != '\0' ? q->close.note : NULL;
	rc = closeout_record(w->l, &c, op, &res, cause);
	if (rc == 0) {
		kiosk_close_from(&r->close, &res.exp);
		r->close.closed = 1;
		r->close.closed_seq = r->close.seq = r->seq = res.seq;
		r->close.cash_counted = res.count.cash_cents;
		r->close.checks_counted = res.count.checks;
		r->close.check_counted = res.count.check_cents;
		r->close.cash_over_short = res.cash_over_short;
		r->close.check_over_short = res.check_over_short;
	}
	closeout_result_free(&res);
	return rc;
}

static int
kiosk_export_info(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                  char **cause)
{
	struct sign_key *key = NULL;
	struct sign_pub pub;
	char *keys = xasprintf("%s.keys", w->db_path), *text = NULL;
	int rc = -1;

	if (sign_key_open(keys, &key, cause) != 0) /* made on first use */
		goto end;
	sign_key_public(key, &pub);
	text = sign_pub_format(&pub);
	kiosk_copy(r->pubkey, sizeof r->pubkey, text);
	sign_keyid_hex(pub.id, r->key_id);
	if (kiosk_sticks(q->path, r, cause) != 0)
		goto end;
	rc = 0;
end:
	free(text);
	sign_key_free(key);
	free(keys);
	return rc;
}

static int
kiosk_export(struct kiosk_worker *w, const struct kiosk_req *q, const char *op,
             struct kiosk_reply *r, char **cause)
{
	struct bundle_export_opts o;
	struct age_recipient hq[2];
	char *keys, *copy;
	int rc;

	/* sealed to HQ's keys (the charter's, else the published ones): missing
	 * ones stop the export before it is recorded */
	keys = xasprintf("%s.keys", w->db_path);
	if (q->export.hq[0] != '\0' && trust_station_seal_to(keys, q->export.hq, hq, cause) != 0) {
		free(keys);
		return -1;
	}
	copy = xasprintf("%s.exports", w->db_path);
	memset(&o, 0, sizeof o);
	o.out_dir = q->path;
	o.keys_dir = keys;
	o.copy_dir = copy;
	o.op = op;
	rc = bundle_export_snapshot(w->l, &o, &r->snap, cause);
	free(copy);
	free(keys);
	return rc;
}

/* ---- the event pack (event_pack.h) ---------------------------------------- */

/* 1 when path is HQ's event file (a charter), not a pack. */
static int
kiosk_is_charter(const char *path)
{
	size_t n = strlen(path), sl = strlen(".charter");

	return n > sl && strcasecmp(path + n - sl, ".charter") == 0;
}

static void
kiosk_pack_info(struct kiosk_pack *x, const struct event_pack *p, const char *file)
{
	kiosk_copy(x->file, sizeof x->file, file);
	kiosk_copy(x->name, sizeof x->name, p->name);
	kiosk_copy(x->city, sizeof x->city, p->city);
	kiosk_copy(x->date, sizeof x->date, p->date);
	kiosk_copy(x->from, sizeof x->from, p->station);
	if (p->for_station != NULL) /* the station its certificate is for */
		kiosk_copy(x->next, sizeof x->next, p->for_station);
	else
		event_pack_next_station(p->station, x->next, sizeof x->next);
}

/* "Event pack to USB stick": written whole or not at all, read back. */
static int
kiosk_pack_export(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                  char **cause)
{
	struct event_pack p;
	struct event_pack_secret key;
	char *name = NULL, *path = NULL;
	int rc = -1;

	if (event_pack_from_ledger(w->l, &p, cause) != 0)
		return -1;
	if (kiosk_sticks(q->path, r, cause) != 0)
		goto end;
	{ /* a key + certificate for the station that joins (trust_station.h) */
		char *keys = xasprintf("%s.keys", w->db_path);
		int tr = trust_station_pack(keys, NULL, &p, cause);
		free(keys);
		if (tr != 0)
			goto end;
	}
	if (r->nsticks == 0) {
		util_fail(cause, "No USB stick is plugged in: plug one in and try again.");
		goto end;
	}
	name = event_pack_file_name(&p);
	/* sealed here, on the worker: never on the screen's thread */
	event_pack_secret_new(&key);
	if (event_pack_write(&p, r->sticks[0], name, &key, cause) != 0)
		goto end;
	path = xasprintf("%s/%s", r->sticks[0], name);
	kiosk_pack_info(&r->pack, &p, path);
	event_pack_secret_format(&key, 0, r->pack.key);
	event_pack_secret_format(&key, 1, r->pack.qr);
	rc = 0;
end:
	util_wipe(&key, sizeof key);
	event_pack_clear(&p);
	free(path);
	free(name);
	return rc;
}

static int
kiosk_pack_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kiosk_found *)a)->name, ((const struct kiosk_found *)b)->name);
}

/* The packs on the stick(s), by name. */
static int
kiosk_pack_list(const char *given, struct kiosk_reply *r, char **cause)
{
	size_t i, n;

	if (kiosk_sticks(given, r, cause) != 0)
		return -1;
	for (i = 0; i < r->nsticks; i++) {
		DIR *d = opendir(r->sticks[i]);
		struct dirent *de;
		if (d == NULL) {
			if (given[0] != '\0')
				return util_fail(
				    cause, "%s cannot be read: %s. Is the USB stick plugged in?",
				    r->sticks[i], strerror(errno));
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name), sl = strlen(EVENT_PACK_SUFFIX);
			if (de->d_name[0] == '.' ||
			    ((len <= sl ||
			      strcasecmp(de->d_name + len - sl, EVENT_PACK_SUFFIX) != 0) &&
			     !kiosk_is_charter(de->d_name)))
				continue;
			if (r->nfound < KIOSK_FIND_MAX) {
				kiosk_copy(r->found[r->nfound].name, sizeof r->found[0].name,
				           de->d_name);
				r->found[r->nfound].id = (uint32_t)i;
			}
			r->nfound++;
		}
		closedir(d);
	}
	n = r->nfound < KIOSK_FIND_MAX ? r->nfound : KIOSK_FIND_MAX;
	qsort(r->found, n, sizeof r->found[0], kiosk_pack_cmp);
	return 0;
}

/* HQ's event file: checked (HQ's signature, the event key beside it) and
 * shown as a pack is, from "HQ", for station T1. */
static int
kiosk_charter_read(const struct kiosk_req *q, struct kiosk_reply *r, char **cause)
{
	struct trust_charter c;
	char *hq = trust_station_hq_dir(), *key = trust_station_event_key_path(q->path);
	int rc = -1;

	if (hq == NULL) {
		util_fail(cause, "HQ's published keys are missing from this station's software.");
		goto end;
	}
	if (trust_station_charter_check(q->path, key, hq, &c, NULL, cause) != 0)
		goto end;
	kiosk_copy(r->pack.file, sizeof r->pack.file, q->path);
	kiosk_copy(r->pack.name, sizeof r->pack.name, c.name);
	kiosk_copy(r->pack.city, sizeof r->pack.city, c.city);
	kiosk_copy(r->pack.date, sizeof r->pack.date, c.date);
	kiosk_copy(r->pack.from, sizeof r->pack.from, "HQ");
	kiosk_copy(r->pack.next, sizeof r->pack.next, "T1");
	trust_charter_clear(&c);
	rc = 0;
end:
	free(key);
	free(hq);
	return rc;
}

/* The pack at q->path opened with the key typed or scanned (q->join.key). */
static int
kiosk_pack_load(const struct kiosk_req *q, struct event_pack *p, char **cause)
{
	struct event_pack_secret key;
	int rc;

	if (event_pack_secret_parse(q->join.key, &key, cause) != 0)
		return -1;
	rc = event_pack_load(q->path, &key, p, cause);
	util_wipe(&key, sizeof key);
	return rc;
}

static int
kiosk_pack_read(const struct kiosk_req *q, struct kiosk_reply *r, char **cause)
{
	struct event_pack p;

	if (kiosk_is_charter(q->path))
		return kiosk_charter_read(q, r, cause);
	if (kiosk_pack_load(q, &p, cause) != 0)
		return -1;
	kiosk_pack_info(&r->pack, &p, q->path);
	event_pack_clear(&p);
	return 0;
}

static int
kiosk_pack_join(struct kiosk_worker *w, const struct kiosk_req *q, const char *op,
                struct kiosk_reply *r, char **cause)
{
	struct event_pack p;
	char *keys = xasprintf("%s.keys", w->db_path), *hq = trust_station_hq_dir();
	int rc = -1;

	if (kiosk_is_charter(q->path)) { /* the first station, from HQ's event file */
		if (kiosk_charter_read(q, r, cause) == 0 &&
		    trust_station_charter_init(keys, hq, w->l, q->path, q->join.station, op,
		                               cause) == 0)
			rc = 0;
		goto end;
	}
	if (kiosk_pack_load(q, &p, cause) != 0)
		goto end;
	kiosk_pack_info(&r->pack, &p, q->path);
	event_pack_walker_base(q->join.station, r->pack.walker_base, sizeof r->pack.walker_base);
	if (event_pack_join(w->l, &p, q->join.station, r->pack.walker_base, op, &r->notes, cause) ==
	        0 &&
	    (p.cert == NULL || trust_station_join(keys, hq, &p, q->join.station, cause) == 0))
		rc = 0;
	event_pack_clear(&p);
end:
	if (rc == 0)
		kiosk_trust_refresh(w);
	free(hq);
	free(keys);
	return rc;
}

/* What only an unlocked coordinator may ask (the first start's set-up and a
 * join unlock the kiosk themselves). */
static int kiosk_stations(struct kiosk_worker *w, struct kiosk_reply *r, char **cause);
static int kiosk_read_stick(struct kiosk_worker *w, const struct kiosk_req *q,
                            struct kiosk_reply *r, char **cause);

static int
kiosk_coordinator_op(enum kiosk_op op)
{
	static const enum kiosk_op ops[] = {
	    KIOSK_OP_SET,
	    KIOSK_OP_IMPORT,
	    KIOSK_OP_IMPORT_PREVIEW,
	    KIOSK_OP_SET_CLOCK,
	    KIOSK_OP_CLOSE,
	    KIOSK_OP_REOPEN,
	    KIOSK_OP_EXPORT,
	    KIOSK_OP_PACK_EXPORT,
	    KIOSK_OP_TRAINING,
	    KIOSK_OP_LINK,
	    KIOSK_OP_FLAGGED,
	    KIOSK_OP_LAP_REVIEW,
	    KIOSK_OP_CERTIFY,
	    KIOSK_OP_CERTIFY_REOPEN,
	    KIOSK_OP_STATIONS,
	    KIOSK_OP_CONFLICTS,
	    KIOSK_OP_READ_STICK,
	    KIOSK_OP_BADGES_PDF, /* every walker's badge code: the coordinator's */
	    KIOSK_OP_STATEMENTS_PDF,
	};
	size_t i;

	for (i = 0; i < nitems(ops); i++)
		if (ops[i] == op)
			return 1;
	return 0;
}

/* The coordinator's list of conflicts: the first KIOSK_CONFLICTS_MAX kept,
 * all counted. */
static int
kiosk_conflict_cb(const struct ledger_conflict *x, void *arg)
{
	struct kiosk_reply *r = arg;

	if (r->nconflicts_all++ >= KIOSK_CONFLICTS_MAX)
		return 0;
	if (r->conflicts == NULL)
		r->conflicts = xcalloc(KIOSK_CONFLICTS_MAX, sizeof *r->conflicts);
	r->conflicts[r->nconflicts++] = *x;
	return 0;
}

/* The station's time zone for every time the screens and printouts show
 * (glibc's setenv keeps old strings, so a thread formatting a time meanwhile
 * reads the old zone or the new one, never freed memory). */
static void
kiosk_worker_zone(struct kiosk_worker *w)
{
	struct ledger_event ev;

	if (ledger_event(w->l, &ev) == 0)
		stamp_zone(ev.time_zone);
}

/* Walker id's pledges settled, into r->pledges. */
static int
kiosk_pledges(struct kiosk_worker *w, uint32_t id, struct kiosk_reply *r, char **cause)
{
	struct ledger_settlement s;

	if (ledger_settle(w->l, id, &s, cause) != 0)
		return -1;
	free(r->pledges);
	r->pledges = xcalloc(1, sizeof *r->pledges);
	for (size_t i = 0; i < s.n; i++) {
		const struct ledger_pledge_line *ln = &s.v[i];
		struct kiosk_pledge *k;

		if (r->pledges->n == KIOSK_PLEDGES_MAX) {
			r->pledges->more++;
			continue;
		}
		k = &r->pledges->v[r->pledges->n++];
		k->seq = ln->p->seq;
		snprintf(k->sponsor, sizeof k->sponsor, "%s", ln->p->sponsor);
		pledge_terms_format(&ln->p->t, k->terms, sizeof k->terms);
		k->per_unit = ln->p->t.kind != PLEDGE_FLAT;
		k->known = ln->why[0] == '\0';
		k->laps = ln->counted_laps;
		k->billed_laps = ln->billed_laps;
		k->owed_cents = ln->owed_cents;
		k->paid_cents = ln->paid_cents;
		k->due_cents = ln->due_cents;
		/* what a per-mile sponsor pays on: hundredths of its unit, half up */
		if ((ln->p->t.kind == PLEDGE_MILE || ln->p->t.kind == PLEDGE_KM) &&
		    ln->distance_um >= 0) {
			int64_t unit = ln->p->t.kind == PLEDGE_MILE ? 16093440 : 10000000;
			int64_t h = (ln->distance_um + unit / 2) / unit;

			snprintf(k->units, sizeof k->units, "%lld.%02lld %s", (long long)(h / 100),
			         (long long)(h % 100), ln->p->t.kind == PLEDGE_MILE ? "mi" : "km");
		}
	}
	r->pledges->owed_cents = s.owed_cents;
	r->pledges->paid_cents = s.paid_cents;
	r->pledges->due_cents = s.due_cents;
	r->pledges->certified = s.cert_seq != 0;
	ledger_settlement_words(&s, r->pledges->basis, sizeof r->pledges->basis);
	ledger_settlement_clear(&s);
	return 0;
}

/* Training on: the day's ledger is set aside, open but never written (so its
 * file stays byte for byte as it was), and the training ledger beside it takes
 * every request; off: the training ledger is closed and the day's is back. */
static int
kiosk_training(struct kiosk_worker *w, int on, char **cause)
{
	struct ledger *t = NULL;
	int fd;

	if (on && w->day == NULL) {
		if (ledger_training_open(w->l, w->db_path, &t, cause) != 0)
			return -1;
		w->day = w->l;
		w->l = t;
		/* a restart (a power cut) comes back to training, banner and all */
		if ((fd = open(w->training_mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
			close(fd);
	} else if (!on && w->day != NULL) {
		ledger_free(w->l);
		w->l = w->day;
		w->day = NULL;
		unlink(w->training_mark);
	} else {
		return 0;
	}
	kiosk_worker_zone(w);
	kiosk_lost_refresh(w);
	return 0;
}

/* What training never does: these go to HQ, to other stations, or change the
 * day's PIN. */
static int
kiosk_training_refuses(enum kiosk_op op)
{
	return op == KIOSK_OP_EXPORT || op == KIOSK_OP_PACK_EXPORT || op == KIOSK_OP_PIN_SET ||
	       op == KIOSK_OP_PACK_JOIN || op == KIOSK_OP_INIT;
}

static void
kiosk_run(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r)
{
	const char *op = q->coordinator ? "coordinator" : "volunteer";
	char *cause = NULL;
	int rc = 0;

	if (w->l == NULL && q->op != KIOSK_OP_REFRESH) {
		r->rc = -1;
		r->cause = xstrdup("The database is not open.");
		return;
	}
	if (!q->coordinator && kiosk_coordinator_op(q->op)) {
		/* the screens ask for the PIN first; this is the last line */
		r->rc = -1;
		r->cause = xstrdup("Only a coordinator can do this: enter the PIN.");
		return;
	}
	if (w->day != NULL && kiosk_training_refuses(q->op)) {
		r->rc = -1;
		r->cause = xstrdup("Not in training: nothing from training leaves the station. "
		                   "Switch training off first.");
		return;
	}
	switch (q->op) {
	case KIOSK_OP_OPEN:
	case KIOSK_OP_REFRESH:
	case KIOSK_OP_QUIT: break;
	case KIOSK_OP_SCAN:
		rc = ledger_scan(w->l, q->scan.code, strlen(q->scan.code), -1, "scan", &r->scan,
		                 &cause);
		r->at_wall_ms = kiosk_worker_wall_ms();
		if (rc == 0)
			kiosk_scan_event(w, &r->scan);
		break;
	case KIOSK_OP_CHECKIN:
	case KIOSK_OP_LAP:
		/* a lap sooner than min-lap: recorded only on a coordinator's word */
		rc = (q->op == KIOSK_OP_CHECKIN ? ledger_checkin
		      : q->override_lap && q->coordinator
		          ? ledger_lap_override
		          : ledger_lap)(w->l, q->walker, op, &r->scan, &cause);
		r->at_wall_ms = kiosk_worker_wall_ms();
		if (rc == 0)
			rc = kiosk_card(w, q->walker, r, &cause);
		break;
	case KIOSK_OP_FIND:
		rc = ledger_walkers(w->l, q->find.text[0] != '\0' ? q->find.text : NULL,
		                    kiosk_find_cb, r, &cause);
		break;
	case KIOSK_OP_WALKER: rc = kiosk_card(w, q->walker, r, &cause); break;
	case KIOSK_OP_LINK: {
		int64_t seq;
		rc = ledger_link(w->l, q->walker, q->link.station, q->link.other, op, &seq, &cause);
		if (rc == 0)
			rc = kiosk_card(w, q->walker, r, &cause);
		break;
	}
	case KIOSK_OP_ADD: {
		uint32_t id = 0;
		struct kiosk_same_team t;
		struct ledger_event ev;
		memset(&t, 0, sizeof t);
		kiosk_copy(t.found, sizeof t.found, q->add.team);
		if (q->add.team[0] != '\0') {
			t.folded = text_fold(q->add.team);
			ledger_teams(w->l, kiosk_same_team_cb, &t, NULL);
			free(t.folded);
		}
		rc = ledger_walker_add(w->l, q->add.name, t.found[0] ? t.found : NULL,
		                       q->add.email[0] ? q->add.email : NULL, NULL, NULL, op, &id,
		                       &cause);
		/* a walk-up at the welcome table is here: checked in at once (the
		 * registration is saved even if the check-in could not be) */
		if (rc == 0 && ledger_event(w->l, &ev) == 0 && ev.role != RULES_ROLE_LAP &&
		    ledger_checkin(w->l, id, op, &r->scan, NULL) == 0)
			r->at_wall_ms = kiosk_worker_wall_ms();
		if (rc == 0)
			rc = kiosk_card(w, id, r, &cause);
		break;
	}
	case KIOSK_OP_TEAMS: rc = kiosk_teams(w, q, r, &cause); break;
	case KIOSK_OP_BADGES_PDF: rc = kiosk_badges_pdf(w, q, r, &cause); break;
	case KIOSK_OP_STATEMENTS_PDF: rc = kiosk_statements_pdf(w, q, r, &cause); break;
	case KIOSK_OP_DONATE:
		rc =
		    ledger_donate(w->l, q->walker, q->donate.cents, q->donate.method,
		                  q->donate.check_no[0] ? q->donate.check_no : NULL,
		                  q->donate.donor[0] ? q->donate.donor : NULL, op, &r->seq, &cause);
		if (rc == 0 && q->walker != 0)
			rc = kiosk_card(w, q->walker, r, &cause);
		break;
	case KIOSK_OP_PLEDGES: rc = kiosk_pledges(w, q->walker, r, &cause); break;
	case KIOSK_OP_CERTIFY:
		rc = ledger_certify(w->l, op, &r->seq, &cause);
		if (rc == 0)
			rc = kiosk_pledges(w, 0, r, &cause);
		break;
	case KIOSK_OP_CERTIFY_REOPEN:
		rc = ledger_certify_reopen(w->l, q->annul.reason, op, &r->seq, &cause);
		if (rc == 0)
			rc = kiosk_pledges(w, 0, r, &cause);
		break;
	case KIOSK_OP_PLEDGE_ADD: {
		struct pledge p;

		memset(&p, 0, sizeof p);
		p.walker = q->walker;
		p.sponsor = (char *)q->pledge.sponsor;
		p.t.kind = (enum pledge_kind)q->pledge.kind;
		p.t.rate_cents = q->pledge.rate_cents;
		p.t.max_cents = q->pledge.max_cents;
		rc = ledger_pledge_add(w->l, &p, op, &r->seq, &cause);
		if (rc == 0)
			rc = kiosk_pledges(w, q->walker, r, &cause);
		break;
	}
	case KIOSK_OP_PLEDGE_PAY: {
		int64_t gift = 0;

		rc = ledger_pledge_pay(w->l, q->walker, q->pay.seqs, q->pay.n, q->pay.cents,
		                       q->pay.method, q->pay.check_no[0] ? q->pay.check_no : NULL,
		                       op, &r->seq, &gift, &cause);
		if (rc == 0)
			rc = kiosk_pledges(w, q->walker, r, &cause);
		if (rc == 0)
			r->pledges->gift_cents = gift;
		break;
	}
	case KIOSK_OP_ANNUL:
		rc = ledger_annul(w->l, q->seq, q->annul.reason, op,
		                  q->coordinator ? RULES_COORDINATOR : RULES_VOLUNTEER,
		                  &r->need_pin, &r->seq, &cause);
		if (rc == 0)
			kiosk_recent(w, q->walker, r);
		break;
	case KIOSK_OP_RECENT: kiosk_recent(w, q->walker, r); break;
	case KIOSK_OP_SET:
		rc = ledger_set(w->l, q->set.key, q->set.value, op, &cause);
		if (rc == 0 && strcmp(q->set.key, "time-zone") == 0)
			kiosk_worker_zone(w);
		break;
	case KIOSK_OP_INIT: {
		struct ledger_init in = {.name = q->init.name,
		                         .city = q->init.city,
		                         .date = q->init.date,
		                         .goal_cents = q->init.goal_cents};
		rc = ledger_init_event(w->l, &in, op, &cause);
		/* the organisation every receipt names, asked once at set-up */
		if (rc == 0 && q->init.org[0] != '\0')
			rc = ledger_set(w->l, "org-name", q->init.org, op, &cause);
		if (rc == 0 && q->init.ein[0] != '\0')
			rc = ledger_set(w->l, "org-ein", q->init.ein, op, &cause);
		if (rc == 0) /* its own event key: an event without a charter */
			rc = kiosk_trust_first(w, &cause);
		break;
	}
	case KIOSK_OP_WAIVER:
		rc = ledger_walker_waiver(w->l, q->walker, q->waiver.version, q->waiver.by, op,
		                          &cause);
		break;
	case KIOSK_OP_IMPORT_PREVIEW:
	case KIOSK_OP_IMPORT: rc = kiosk_import(w, q, op, r, &cause); break;
	case KIOSK_OP_ROSTER_PDF: rc = kiosk_roster_pdf(w, q, r, &cause); break;
	case KIOSK_OP_LISTDIR: rc = kiosk_listdir(q->file.path, r, &cause); break;
	case KIOSK_OP_PIN_CHECK:
		rc = pin_check(w->l, w->pin_file, &w->pin, q->pin.pin, 0, &r->pin_wait_ms, &cause);
		break;
	case KIOSK_OP_PIN_SET:
		rc = pin_set(w->l, w->pin_file, &w->pin, q->pin.pin, q->pin.current, q->pin.code,
		             r->recovery, &r->pin_wait_ms, &cause);
		break;
	case KIOSK_OP_SET_CLOCK: rc = kiosk_clock_set(q->clock.when, &cause); break;
	case KIOSK_OP_RECEIPT_PDF: rc = kiosk_receipt_pdf(w, q, r, &cause); break;
	case KIOSK_OP_BADGE_PDF: rc = kiosk_walker_pdf(w, q, r, "badge", &cause); break;
	case KIOSK_OP_SLIP_PDF: rc = kiosk_walker_pdf(w, q, r, "slip", &cause); break;
	case KIOSK_OP_TEST_PDF: rc = kiosk_test_pdf(w, q, r, &cause); break;
	case KIOSK_OP_RECOVERY_PDF: rc = kiosk_recovery_pdf(w, q, r, &cause); break;
	case KIOSK_OP_SHEET_PDF: rc = kiosk_sheet_pdf(w, q, r, &cause); break;
	case KIOSK_OP_PRINT_RECORD: rc = kiosk_record(w, q, op, r, &cause); break;
	case KIOSK_OP_SAVE_PDF: rc = kiosk_save_pdf(w, q, op, r, &cause); break;
	case KIOSK_OP_CLOSE_INFO: rc = kiosk_close_info(w, r, &cause); break;
	case KIOSK_OP_CLOSE:
		rc = kiosk_close(w, q, op, r, &cause);
		if (rc != 0) /* the screen shows what is expected beside the refusal */
			kiosk_close_info(w, r, NULL);
		break;
	case KIOSK_OP_REOPEN:
		rc = closeout_reopen(w->l, q->annul.reason, op, &r->seq, &cause);
		break;
	case KIOSK_OP_EXPORT_INFO: rc = kiosk_export_info(w, q, r, &cause); break;
	case KIOSK_OP_EXPORT: rc = kiosk_export(w, q, op, r, &cause); break;
	case KIOSK_OP_PACK_EXPORT: rc = kiosk_pack_export(w, q, r, &cause); break;
	case KIOSK_OP_PACK_LIST: rc = kiosk_pack_list(q->path, r, &cause); break;
	case KIOSK_OP_PACK_READ: rc = kiosk_pack_read(q, r, &cause); break;
	case KIOSK_OP_PACK_JOIN: rc = kiosk_pack_join(w, q, op, r, &cause); break;
	case KIOSK_OP_TRAINING: rc = kiosk_training(w, q->training.on, &cause); break;
	case KIOSK_OP_BOARD: rc = kiosk_board(w, r, &cause); break;
	case KIOSK_OP_LAP_REVIEW:
	case KIOSK_OP_FLAGGED:
		/* a review, then the queue as it is now */
		rc = q->op != KIOSK_OP_LAP_REVIEW ? 0
		     : q->review.station[0] != '\0'
		         /* another station's lap (the lap point's): reviewed here */
		         ? ledger_lap_review_peer(w->l, q->review.station, q->seq, q->accept, NULL,
		                                  op, &r->seq, &cause)
		         : ledger_lap_review(w->l, q->seq, q->accept, NULL, op, &r->seq, &cause);
		if (rc == 0)
			rc = ledger_flagged_laps(w->l, 1, &r->flagged, &r->nflagged, &cause);
		break;
	case KIOSK_OP_STATIONS: rc = kiosk_stations(w, r, &cause); break;
	case KIOSK_OP_READ_STICK: rc = kiosk_read_stick(w, q, r, &cause); break;
	case KIOSK_OP_CONFLICTS:
		rc = ledger_event_conflicts(w->l, kiosk_conflict_cb, r, &cause);
		break;
	}
	r->rc = rc;
	r->cause = cause;
}

/* A peer's role, from its settings entries near the start of its ledger
 * (set up before the day begins); -1 when not found there. */
struct kiosk_role_ctx {
	int role, looked;
};

static int
kiosk_role_cb(const struct ledger_entry *e, void *arg)
{
	struct kiosk_role_ctx *c = arg;
	static const char pat[] = "\"key\":\"role\",\"value\":\"";
	const char *k = strstr(e->line, pat);
	enum rules_role r;
	char v[16];

	if (k != NULL && sscanf(k + sizeof pat - 1, "%15[a-z]", v) == 1 &&
	    rules_role_parse(v, &r) == 0)
		c->role = (int)r;
	return ++c->looked >= 2000;
}

struct kiosk_stations_ctx {
	struct kiosk_reply *r;
	unsigned char ids[KIOSK_STATIONS_MAX][LEDGER_HASH_LEN];
};

static int
kiosk_station_cb(const struct ledger_peer *p, void *arg)
{
	struct kiosk_stations_ctx *c = arg;
	struct kiosk_station *k;

	if (c->r->nstations == KIOSK_STATIONS_MAX)
		return 1;
	memcpy(c->ids[c->r->nstations], p->ledger, LEDGER_HASH_LEN);
	k = &c->r->stations[c->r->nstations++];
	memset(k, 0, sizeof *k);
	snprintf(k->station, sizeof k->station, "%s", p->station);
	k->held = 1;
	k->role = -1;
	k->entries = p->head_seq;
	k->seen_wall_ms = p->seen_wall_ms;
	k->offset_ms = p->offset_ms;
	k->format = p->format;
	return 0;
}

/* Coordinator -> Stations -> "Read a station's stick": every other
 * station's entries file (<station>.entries, its export) on the sticks,
 * checked and stored as that station's (sync_file.h); r->notes says what
 * each gave, in words.  -1 when no file was read. */
static int
kiosk_read_stick(struct kiosk_worker *w, const struct kiosk_req *q, struct kiosk_reply *r,
                 char **cause)
{
	struct sync_self self;
	struct strbuf notes = STRBUF_INIT;
	char *keys = xasprintf("%s.keys", w->db_path);
	size_t i, found = 0, read = 0;
	int rc = -1;

	memset(&self, 0, sizeof self);
	if (kiosk_sticks(q->path, r, cause) != 0)
		goto end;
	if (r->nsticks == 0) {
		util_fail(cause, "No USB stick is plugged in: plug in the stick the other station "
		                 "exported to, and try again.");
		goto end;
	}
	if (sync_self_load(w->l, keys, &self, cause) != 0)
		goto end;
	for (i = 0; i < r->nsticks; i++) {
		DIR *d = opendir(r->sticks[i]);
		struct dirent *de;

		while (d != NULL && (de = readdir(d)) != NULL) {
			size_t n = strlen(de->d_name), sl = sizeof STATIONFILE_SUFFIX - 1;
			struct sync_result res;
			char *path, *why = NULL;

			if (n <= sl || strcmp(de->d_name + n - sl, STATIONFILE_SUFFIX) != 0 ||
			    de->d_name[0] == '.')
				continue;
			found++;
			path = xasprintf("%s/%s", r->sticks[i], de->d_name);
			if (sync_file_load(w->l, &self, path, LEDGER_PEER_BUDGET_DEFAULT, &res,
			                   &why) != 0) {
				/* this station's own file is on the stick too: not an error */
				if (why == NULL || strstr(why, "this station's own") == NULL)
					strbuf_printf(&notes, "%s: %s\n", de->d_name, why);
				else
					found--;
			} else {
				read++;
				if (res.received > 0)
					strbuf_printf(&notes,
					              "Station %s: %zu new entries read, to its "
					              "entry %" PRId64 ".\n",
					              res.peer, res.received, res.peer_head);
				else
					strbuf_printf(
					    &notes,
					    "Station %s: nothing new (its entries to %" PRId64
					    " are held here already).\n",
					    res.peer, res.peer_head);
			}
			free(why);
			free(path);
		}
		if (d != NULL)
			closedir(d);
	}
	if (found == 0) {
		util_fail(cause,
		          "No other station's entries file (STATION.entries) is on the USB "
		          "stick: export at the other station onto this stick, then try again.");
		goto end;
	}
	r->notes = strbuf_take(&notes);
	rc = read > 0 ? 0 : -1;
	if (rc != 0)
		util_fail(cause, "%s", r->notes);
end:
	sync_self_clear(&self);
	strbuf_free(&notes);
	free(keys);
	return rc;
}

static int
kiosk_stations(struct kiosk_worker *w, struct kiosk_reply *r, char **cause)
{
	struct kiosk_stations_ctx *c = xcalloc(1, sizeof *c);
	struct sync_report notes[KIOSK_STATIONS_MAX];
	size_t nnotes;

	c->r = r;
	r->nstations = 0;
	struct ledger *l = w->day != NULL ? w->day : w->l; /* training: the day's, read only */

	if (ledger_peers(l, kiosk_station_cb, c, cause) != 0) {
		free(c);
		return -1;
	}
	/* the network board/'s wat-network offers or joins (NETWORK=offer|join) */
	{
		struct badge_event ev;
		char *why = NULL;

		if (ledger_badge_key(l, &ev, &why) == 0)
			sync_wifi_derive(ev.key, r->wifi_ssid, r->wifi_psk);
		util_wipe(&ev, sizeof ev);
		free(why);
	}
	for (size_t i = 0; i < r->nstations; i++) {
		struct kiosk_role_ctx rc = {-1, 0};
		ledger_peer_entries(l, c->ids[i], 1, kiosk_role_cb, &rc, NULL);
		r->stations[i].role = rc.role;
	}
	free(c);
	pthread_mutex_lock(&w->lock);
	nnotes = w->nnotes;
	memcpy(notes, w->notes, sizeof notes);
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < nnotes; i++) {
		struct kiosk_station *k = NULL;
		for (size_t j = 0; j < r->nstations && k == NULL; j++)
			if (notes[i].station[0] != '\0' &&
			    strcmp(r->stations[j].station, notes[i].station) == 0)
				k = &r->stations[j];
		if (k == NULL) {
			if (r->nstations == KIOSK_STATIONS_MAX)
				continue;
			k = &r->stations[r->nstations++];
			memset(k, 0, sizeof *k);
			k->role = -1;
			snprintf(k->station, sizeof k->station, "%s", notes[i].station);
		}
		snprintf(k->addr, sizeof k->addr, "%s", notes[i].addr);
		snprintf(k->text, sizeof k->text, "%s", notes[i].text);
		k->refused = notes[i].kind == SYNC_REPORT_REFUSED;
		k->newer = notes[i].kind == SYNC_REPORT_NEWER;
		if (k->newer)
			k->format = (int)notes[i].format;
	}
	return 0;
}

static void
kiosk_reply_push(struct kiosk_worker *w, struct kiosk_node *n)
{
	void (*wake)(void *);
	void *arg;

	pthread_mutex_lock(&w->lock);
	n->next = NULL;
	*w->replies_tail = n;
	w->replies_tail = &n->next;
	wake = w->wake;
	arg = w->arg;
	pthread_mutex_unlock(&w->lock);
	if (wake != NULL)
		wake(arg);
}

/* Opens the ledger; while another program holds it for a moment (watctl,
 * wat-send recording HQ's answer) says so once with an OPEN reply of rc 1
 * and tries again every KIOSK_HELD_RETRY_MS, until it is free or the kiosk
 * stops.  Any other failure is the answer at once. */
static int
kiosk_open_ledger(struct kiosk_worker *w, char **cause)
{
	struct kiosk_node *n;
	struct timespec until;
	int rc, said = 0, quit = 0;

	while ((rc = ledger_open(w->db_path, &w->l, cause)) == LEDGER_BUSY) {
		if (!said) {
			n = xcalloc(1, sizeof *n);
			n->reply = xcalloc(1, sizeof *n->reply);
			n->reply->op = KIOSK_OP_OPEN;
			n->reply->rc = 1;
			n->reply->cause =
			    xstrdup("Waiting for the ledger, held by another program\xe2\x80\xa6");
			/* for the journal: who holds it shows in the process list */
			fprintf(stderr,
			        "wat-kiosk: Waiting for the ledger, held by another program: %s\n",
			        *cause);
			pthread_mutex_lock(&w->lock);
			w->pending++; /* the OPEN that follows is still awaited */
			pthread_mutex_unlock(&w->lock);
			kiosk_reply_push(w, n);
			said = 1;
		}
		free(*cause);
		*cause = NULL;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += KIOSK_HELD_RETRY_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&w->lock);
		for (struct kiosk_node *q = w->reqs; q != NULL; q = q->next)
			quit |= q->req.op == KIOSK_OP_QUIT;
		if (!quit && w->calls == NULL)
			pthread_cond_timedwait(&w->cond, &w->lock, &until);
		for (struct kiosk_node *q = w->reqs; q != NULL; q = q->next)
			quit |= q->req.op == KIOSK_OP_QUIT;
		/* other threads' calls (Send to HQ's every second, a peer's
		   batch) are answered "not open" meanwhile: they try again, and
		   their threads can be stopped */
		while (w->calls != NULL) {
			struct kiosk_call *call = w->calls;

			w->calls = call->next;
			call->rc = -1;
			call->done = 1;
		}
		w->calls_tail = &w->calls;
		pthread_cond_broadcast(&w->called);
		pthread_mutex_unlock(&w->lock);
		if (quit)
			return util_fail(cause, "The kiosk stopped while another program held "
			                        "the ledger; nothing was lost.");
	}
	if (rc == 0 && said)
		fprintf(stderr, "wat-kiosk: the ledger is free now: opened.\n");
	return rc;
}

static void *
kiosk_main(void *arg)
{
	struct kiosk_worker *w = arg;
	struct kiosk_node *n;
	char *cause = NULL;
	int quit = 0, busy = 1;

	/* the ledger is opened, used and closed by this thread only */
	n = xcalloc(1, sizeof *n);
	n->reply = xcalloc(1, sizeof *n->reply);
	n->reply->op = KIOSK_OP_OPEN;
	n->reply->posted_us = kiosk_now_us();
	if (kiosk_open_ledger(w, &cause) != 0) {
		w->l = NULL;
		n->reply->rc = -1;
		n->reply->cause = cause;
	} else {
		kiosk_worker_zone(w);
		kiosk_lost_refresh(w);
		kiosk_trust_refresh(w);
		if (access(w->training_mark, F_OK) == 0 && kiosk_training(w, 1, &cause) != 0) {
			free(cause); /* the day's ledger, then: the screens say which */
			cause = NULL;
			unlink(w->training_mark);
		}
	}
	kiosk_status(w, &n->reply->st);
	n->reply->done_us = kiosk_now_us();
	kiosk_reply_push(w, n);

	while (!quit) {
		pthread_mutex_lock(&w->lock);
		/* another thread's call (a peer's batch) only when no request of
		   the screens waits: the station's own work first */
		if (w->reqs == NULL && w->calls != NULL) {
			struct kiosk_call *call = w->calls;

			w->calls = call->next;
			if (w->calls == NULL)
				w->calls_tail = &w->calls;
			pthread_mutex_unlock(&w->lock);
			/* training: the day's file stays byte for byte as it was,
			   and nothing of the training ledger leaves the station */
			call->rc = w->day != NULL ? -2 : -1;
			if (w->l != NULL && w->day == NULL) {
				call->fn(w->l, call->arg);
				call->rc = 0;
			}
			pthread_mutex_lock(&w->lock);
			call->done = 1;
			pthread_cond_broadcast(&w->called);
			pthread_mutex_unlock(&w->lock);
			busy = 1;
			continue;
		}
		while (w->reqs == NULL && w->calls == NULL) {
			struct timespec until;

			if (!busy) {
				pthread_cond_wait(&w->cond, &w->lock);
				continue;
			}
			/* idle for a while after work: give what the screens and
			 * the ledger freed back to the system (glibc keeps freed
			 * heap otherwise, and the kiosk's RSS would keep its peak) */
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += KIOSK_TRIM_IDLE_S;
			if (pthread_cond_timedwait(&w->cond, &w->lock, &until) == ETIMEDOUT &&
			    w->reqs == NULL && w->calls == NULL) {
				pthread_mutex_unlock(&w->lock);
				malloc_trim(0);
				busy = 0;
				pthread_mutex_lock(&w->lock);
			}
		}
		busy = 1;
		if (w->reqs == NULL) { /* a call came: taken at the top */
			pthread_mutex_unlock(&w->lock);
			continue;
		}
		n = w->reqs;
		w->reqs = n->next;
		if (w->reqs == NULL)
			w->reqs_tail = &w->reqs;
		pthread_mutex_unlock(&w->lock);

		quit = n->req.op == KIOSK_OP_QUIT;
		kiosk_run(w, &n->req, n->reply);
		if (n->req.op == KIOSK_OP_PIN_CHECK || n->req.op == KIOSK_OP_PIN_SET ||
		    n->req.op == KIOSK_OP_RECOVERY_PDF)
			util_wipe(&n->req, sizeof n->req);
		free(n->req.blob);
		n->req.blob = NULL;
		kiosk_status(w, &n->reply->st);
		n->reply->done_us = kiosk_now_us();
		kiosk_reply_push(w, n);
	}
	ledger_free(w->l);
	w->l = NULL;
	ledger_free(w->day);
	w->day = NULL;
	/* calls still waiting are answered "not open" */
	pthread_mutex_lock(&w->lock);
	w->stopped = 1;
	for (struct kiosk_call *c = w->calls; c != NULL; c = c->next)
		c->rc = -1, c->done = 1;
	w->calls = NULL;
	w->calls_tail = &w->calls;
	pthread_cond_broadcast(&w->called);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int
kiosk_worker_call(struct kiosk_worker *w, void (*fn)(struct ledger *, void *), void *arg)
{
	struct kiosk_call c = {NULL, fn, arg, 0, -1};

	pthread_mutex_lock(&w->lock);
	if (w->stopped) {
		pthread_mutex_unlock(&w->lock);
		return -1;
	}
	*w->calls_tail = &c;
	w->calls_tail = &c.next;
	pthread_cond_signal(&w->cond);
	while (!c.done)
		pthread_cond_wait(&w->called, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return c.rc;
}

void
kiosk_worker_note(struct kiosk_worker *w, const struct sync_report *rep)
{
	void (*wake)(void *);
	void *arg;
	size_t i;

	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nnotes; i++)
		if ((rep->station[0] != '\0' && strcmp(w->notes[i].station, rep->station) == 0) ||
		    (rep->station[0] == '\0' && strcmp(w->notes[i].addr, rep->addr) == 0))
			break;
	if (rep->kind == SYNC_REPORT_OK) { /* it works again: forget what was said */
		for (i = 0; i < w->nnotes;) {
			const struct sync_report *n = &w->notes[i];
			if ((rep->station[0] != '\0' && strcmp(n->station, rep->station) == 0) ||
			    (n->station[0] == '\0' && strcmp(n->addr, rep->addr) == 0))
				w->notes[i] = w->notes[--w->nnotes];
			else
				i++;
		}
	} else if (i < w->nnotes || w->nnotes < KIOSK_STATIONS_MAX) {
		if (i == w->nnotes)
			w->nnotes++;
		w->notes[i] = *rep;
	}
	wake = w->wake; /* the Stations screen redraws */
	arg = w->arg;
	pthread_mutex_unlock(&w->lock);
	if (wake != NULL)
		wake(arg);
}

int
kiosk_worker_start(const char *db_path, void (*wake)(void *), void *arg, struct kiosk_worker **out,
                   char **cause)
{
	struct kiosk_worker *w = xcalloc(1, sizeof *w);

	pthread_condattr_t ca;

	pthread_mutex_init(&w->lock, NULL);
	/* waits count on the monotonic clock: the wall clock may be set */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&w->called, NULL);
	w->calls_tail = &w->calls;
	w->reqs_tail = &w->reqs;
	w->replies_tail = &w->replies;
	w->wake = wake;
	w->arg = arg;
	w->db_path = xstrdup(db_path);
	w->pin_file = pin_path(db_path);
	{
		char *t = ledger_training_path(db_path);
		w->training_mark = xasprintf("%s.on", t);
		free(t);
	}
	w->pending = 1; /* the OPEN reply */
	if (pthread_create(&w->thread, NULL, kiosk_main, w) != 0) {
		free(w->training_mark);
		free(w->db_path);
		free(w->pin_file);
		free(w);
		return util_fail(cause, "The ledger thread could not start.");
	}
	*out = w;
	return 0;
}

uint64_t
kiosk_worker_post(struct kiosk_worker *w, const struct kiosk_req *r)
{
	struct kiosk_node *n = xcalloc(1, sizeof *n);
	uint64_t tag;

	assert(r->op <= KIOSK_OP_QUIT);
	n->req = *r;
	n->reply = xcalloc(1, sizeof *n->reply);
	n->reply->op = r->op;
	n->reply->posted_us = kiosk_now_us();
	pthread_mutex_lock(&w->lock);
	tag = ++w->next_tag;
	n->reply->tag = tag;
	*w->reqs_tail = n;
	w->reqs_tail = &n->next;
	w->pending++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return tag;
}

struct kiosk_reply *
kiosk_worker_take(struct kiosk_worker *w)
{
	struct kiosk_node *n;
	struct kiosk_reply *r = NULL;

	pthread_mutex_lock(&w->lock);
	if ((n = w->replies) != NULL) {
		w->replies = n->next;
		if (w->replies == NULL)
			w->replies_tail = &w->replies;
		w->pending--;
	}
	pthread_mutex_unlock(&w->lock);
	if (n != NULL) {
		r = n->reply;
		util_wipe(&n->req, sizeof n->req); /* may hold a PIN */
		free(n);
	}
	return r;
}

int
kiosk_worker_pending(struct kiosk_worker *w)
{
	int n;

	pthread_mutex_lock(&w->lock);
	n = w->pending;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void
kiosk_reply_free(struct kiosk_reply *r)
{
	if (r == NULL)
		return;
	free(r->cause);
	free(r->notes);
	free(r->pdf);
	free(r->flagged);
	free(r->conflicts);
	free(r->pledges);
	bundle_snapshot_free(r->snap);
	util_wipe(r->recovery, sizeof r->recovery);
	util_wipe(r->wifi_psk, sizeof r->wifi_psk);
	util_wipe(r->pack.key, sizeof r->pack.key);
	util_wipe(r->pack.qr, sizeof r->pack.qr);
	free(r);
}

void
kiosk_worker_stop(struct kiosk_worker *w)
{
	struct kiosk_req q;
	struct kiosk_reply *r;

	if (w == NULL)
		return;
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_QUIT;
	pthread_mutex_lock(&w->lock);
	w->wake = NULL;
	pthread_mutex_unlock(&w->lock);
	kiosk_worker_post(w, &q);
	pthread_join(w->thread, NULL);
	while ((r = kiosk_worker_take(w)) != NULL)
		kiosk_reply_free(r);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	pthread_cond_destroy(&w->called);
	free(w->training_mark);
	free(w->db_path);
	free(w->pin_file);
	free(w);
}
