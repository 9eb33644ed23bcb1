#include "kiosk_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* How often jobs lost when the print server stopped are looked up;
 * WAT_SETTLE_MS changes it (the tests). */
static int64_t
kiosk_settle_ms(void)
{
	const char *v = getenv("WAT_SETTLE_MS");
	long n = v != NULL ? strtol(v, NULL, 10) : 0;

	return n > 0 ? n : 15000;
}
#define KIOSK_SETTLE_MS kiosk_settle_ms()

static struct kiosk_print *
kiosk_print_get(struct kiosk *k)
{
	if (k->print_job == NULL)
		k->print_job = xcalloc(1, sizeof *k->print_job);
	return k->print_job;
}

/* Forgets the page and its job; the settling of lost jobs goes on. */
static void
kiosk_print_reset(struct kiosk_print *p)
{
	struct print_job *settle = p->settle;
	int64_t settle_at = p->settle_at_ms;

	if (p->job != NULL)
		print_free(p->job); /* a job still running finishes and frees itself */
	free(p->pdf);
	memset(p, 0, sizeof *p);
	p->settle = settle;
	p->settle_at_ms = settle_at;
}

void
kiosk_print_free(struct kiosk_print *p)
{
	if (p == NULL)
		return;
	kiosk_print_reset(p);
	if (p->settle != NULL)
		print_free(p->settle);
	free(p);
}

/* Records a print's outcome and the fates of lost jobs it learnt. */
static void
kiosk_print_record(struct kiosk *k, const struct print_cli_rec *rec, const struct print_status *st)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_PRINT_RECORD;
	q.coordinator = k->coordinator;
	if (rec != NULL)
		q.rec = *rec;
	q.nsettled = st->nsettled;
	memcpy(q.settled, st->settled, st->nsettled * sizeof *st->settled);
	kiosk_worker_post(k->w, &q); /* not kiosk_post: no screen waits for it */
}

static void
kiosk_print_post(struct kiosk *k, struct kiosk_print *p)
{
	struct kiosk_req q = p->again;

	p->phase = KIOSK_PRINT_MAKING;
	kiosk_post(k, &q);
}

/* Shows the print screen and asks the worker for the page q describes. */
static void
kiosk_print_begin(struct kiosk *k, const struct kiosk_req *q, enum screen_id back)
{
	struct kiosk_print *p = kiosk_print_get(k);

	k->print_back = back;
	if (p->phase == KIOSK_PRINT_RUNNING || p->phase == KIOSK_PRINT_MAKING ||
	    p->phase == KIOSK_PRINT_SAVING) {
		/* one job at a time: show the one on its way */
		kiosk_go(k, SCREEN_PRINT);
		kiosk_message(k, UI_FG, "Another print is on its way: wait for it first.");
		return;
	}
	kiosk_print_reset(p);
	p->again = *q;
	kiosk_go(k, SCREEN_PRINT);
	kiosk_print_post(k, p);
}

void
kiosk_print_start(struct kiosk *k, enum kiosk_op op, int64_t seq, uint32_t walker,
                  const char *paper, enum screen_id back)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = op;
	q.seq = seq;
	q.walker = walker;
	if (op == KIOSK_OP_SHEET_PDF)
		snprintf(q.sheet.paper, sizeof q.sheet.paper, "%s", paper != NULL ? paper : "");
	snprintf(q.path, sizeof q.path, "%s", k->assets_dir != NULL ? k->assets_dir : "assets");
	kiosk_print_begin(k, &q, back);
}

void
kiosk_print_badges(struct kiosk *k, enum print_cli_which which, const char *team,
                   const char *layout, enum screen_id back)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_BADGES_PDF;
	q.badges.which = which;
	snprintf(q.badges.team, sizeof q.badges.team, "%s", team != NULL ? team : "");
	snprintf(q.badges.layout, sizeof q.badges.layout, "%s", layout != NULL ? layout : "");
	snprintf(q.path, sizeof q.path, "%s", k->assets_dir != NULL ? k->assets_dir : "assets");
	kiosk_print_begin(k, &q, back);
}

void
kiosk_print_recovery(struct kiosk *k, const char *code, enum screen_id back)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_RECOVERY_PDF;
	snprintf(q.recovery.code, sizeof q.recovery.code, "%s", code);
	snprintf(q.path, sizeof q.path, "%s", k->assets_dir != NULL ? k->assets_dir : "assets");
	kiosk_print_begin(k, &q, back);
	util_wipe(&q, sizeof q);
}

void
kiosk_print_roster(struct kiosk *k, const char *path, int pledges, enum screen_id back)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_ROSTER_PDF;
	q.file.pledges = pledges;
	snprintf(q.file.path, sizeof q.file.path, "%s", path);
	snprintf(q.path, sizeof q.path, "%s", k->assets_dir != NULL ? k->assets_dir : "assets");
	kiosk_print_begin(k, &q, back);
}

void
kiosk_print_again(struct kiosk *k)
{
	struct kiosk_print *p = kiosk_print_get(k);
	struct kiosk_req q = p->again;

	if (p->phase == KIOSK_PRINT_RUNNING || p->phase == KIOSK_PRINT_MAKING ||
	    p->phase == KIOSK_PRINT_SAVING || q.op == 0)
		return;
	kiosk_print_reset(p);
	p->again = q;
	k->msg[0] = '\0';
	kiosk_print_post(k, p);
}

void
kiosk_print_save(struct kiosk *k, const char *dir)
{
	struct kiosk_print *p = kiosk_print_get(k);
	struct kiosk_req q;

	if (p->pdf == NULL || p->phase == KIOSK_PRINT_RUNNING)
		return;
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_SAVE_PDF;
	q.rec = p->rec;
	q.blob = xmalloc(p->len);
	memcpy(q.blob, p->pdf, p->len);
	q.blob_len = p->len;
	snprintf(q.path, sizeof q.path, "%s", dir);
	p->phase = KIOSK_PRINT_SAVING;
	p->save_failed = 0;
	k->msg[0] = '\0';
	kiosk_post(k, &q);
}

static void
kiosk_print_submit(struct kiosk *k, struct kiosk_print *p)
{
	struct print_request rq;
	char *cause = NULL;

	memset(&rq, 0, sizeof rq);
	rq.printer = p->printer;
	rq.title = p->rec.title;
	/* a recovery code is never left in the spool folder */
	rq.spool_dir = strcmp(p->rec.what, "recovery") == 0 ? NULL : k->spool_dir;
	rq.roll = p->roll;
	rq.noun = print_cli_noun(p->rec.what);
	rq.lost = k->st.lost; /* settled before the page is sent */
	rq.nlost = k->st.nlost;
	if (print_submit(&rq, p->pdf, p->len, &p->job, &cause) != 0) {
		p->job = NULL;
		p->phase = KIOSK_PRINT_REFUSED;
		snprintf(p->message, sizeof p->message, "%s",
		         cause != NULL ? cause : "The page could not be sent.");
		free(cause);
		return;
	}
	memset(&p->st, 0, sizeof p->st);
	p->phase = KIOSK_PRINT_RUNNING;
}

void
kiosk_print_reply(struct kiosk *k, struct kiosk_reply **r)
{
	struct kiosk_print *p = kiosk_print_get(k);
	struct kiosk_reply *x = *r;

	if (x->op == KIOSK_OP_SAVE_PDF) {
		if (x->rc != 0) {
			p->phase = KIOSK_PRINT_FINISHED;
			p->save_failed = 1;
			snprintf(p->message, sizeof p->message, "Not saved: %s",
			         x->cause != NULL ? x->cause : "the file could not be written.");
			ui_sound(k->ui, UI_SOUND_ERROR);
			return;
		}
		p->rec = x->rec;
		p->phase = KIOSK_PRINT_SAVED;
		snprintf(p->message, sizeof p->message, "Saved as %s", x->rec.file);
		ui_sound(k->ui, UI_SOUND_OK);
		return;
	}
	if (x->rc != 0) {
		p->phase = KIOSK_PRINT_REFUSED;
		snprintf(p->message, sizeof p->message, "%s",
		         x->cause != NULL ? x->cause : "The page could not be made.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	p->rec = x->rec;
	snprintf(p->printer, sizeof p->printer, "%s", x->printer);
	p->roll = x->roll;
	p->pdf = x->pdf;
	p->len = x->pdf_len;
	x->pdf = NULL;
	kiosk_print_submit(k, p);
}

/* The home screen's printer chip, from the last outcome. */
static void
kiosk_print_chip(struct kiosk *k, const struct print_status *st)
{
	switch (st->state) {
	case PRINT_DONE:
		snprintf(k->printer_status, sizeof k->printer_status, "%s%s",
		         st->reasons[0] ? "Printer: " : "", st->reasons);
		k->printer_color = UI_WARN;
		break;
	case PRINT_SPOOLED:
		snprintf(k->printer_status, sizeof k->printer_status,
		         "No printer: pages are saved as PDF");
		k->printer_color = UI_WARN;
		break;
	default:
		if (strcmp(st->outcome, "lost") == 0) {
			snprintf(k->printer_status, sizeof k->printer_status,
			         "The print server stopped: a page may still print");
			k->printer_color = UI_BAD;
			break;
		}
		if (st->reasons[0] != '\0')
			snprintf(k->printer_status, sizeof k->printer_status, "Printer: %s",
			         st->reasons);
		else
			snprintf(k->printer_status, sizeof k->printer_status,
			         "Printer: the last print failed (%s)", st->outcome);
		k->printer_color = UI_BAD;
		break;
	}
}

/* Jobs lost when the print server stopped are looked up every
 * KIOSK_SETTLE_MS while no page is on its way (a page on its way settles
 * them first itself), so one that printed late, or is cancelled before it
 * can, is recorded soon after the server is back. */
static void
kiosk_print_settle(struct kiosk *k, struct kiosk_print *p)
{
	struct print_request rq;
	struct print_status st;
	char *cause = NULL;

	if (p->settle != NULL) {
		if (!print_poll(p->settle, &st))
			return;
		print_free(p->settle);
		p->settle = NULL;
		p->settle_at_ms = k->now_ms;
		if (st.nsettled > 0)
			kiosk_print_record(k, NULL, &st);
		return;
	}
	if (k->st.nlost == 0 || p->phase == KIOSK_PRINT_RUNNING || p->phase == KIOSK_PRINT_MAKING ||
	    k->now_ms - p->settle_at_ms < KIOSK_SETTLE_MS)
		return;
	memset(&rq, 0, sizeof rq);
	rq.lost = k->st.lost;
	rq.nlost = k->st.nlost;
	rq.connect_ms = 1000;
	if (print_submit(&rq, NULL, 0, &p->settle, &cause) != 0) {
		p->settle = NULL;
		free(cause);
	}
	p->settle_at_ms = k->now_ms;
}

int
kiosk_print_poll(struct kiosk *k)
{
	struct kiosk_print *p = kiosk_print_get(k);
	struct print_status st;

	if (p == NULL)
		return 0;
	kiosk_print_settle(k, p);
	if (p->phase == KIOSK_PRINT_MAKING || p->phase == KIOSK_PRINT_SAVING) {
		if (k->screen == SCREEN_PRINT && k->waiting != 0) {
			size_t done, n;
			kiosk_worker_progress(k->w, &done, &n);
			if (p->phase == KIOSK_PRINT_MAKING &&
			    (p->again.op == KIOSK_OP_BADGES_PDF ||
			     p->again.op == KIOSK_OP_STATEMENTS_PDF) &&
			    (done != p->progress_done || n != p->progress_n)) {
				p->progress_done = done;
				p->progress_n = n;
				ui_invalidate(k->ui); /* "Laying out the badges: 12 of 30" */
			}
			return 1;
		}
		/* the screen was left before the worker answered: the answer is lost */
		p->phase = KIOSK_PRINT_REFUSED;
		snprintf(p->message, sizeof p->message, "Interrupted: nothing was printed.");
		return 0;
	}
	if (p->phase != KIOSK_PRINT_RUNNING || p->job == NULL)
		return 0;
	if (!print_poll(p->job, &st)) {
		if (st.state != p->st.state || strcmp(st.reasons, p->st.reasons) != 0) {
			if (st.reasons[0] != '\0') { /* out of paper, offline: say so at once */
				snprintf(k->printer_status, sizeof k->printer_status, "Printer: %s",
				         st.reasons);
				k->printer_color = UI_WARN;
			}
			ui_invalidate(k->ui);
		}
		p->st = st;
		return 1;
	}
	p->st = st;
	print_free(p->job);
	p->job = NULL;
	p->phase = KIOSK_PRINT_FINISHED;
	/* the ledger is the record: every request and its outcome */
	snprintf(p->rec.outcome, sizeof p->rec.outcome, "%s", st.outcome);
	snprintf(p->rec.queue, sizeof p->rec.queue, "%s", st.queue);
	p->rec.job = st.job_id;
	snprintf(p->rec.file, sizeof p->rec.file, "%s", st.spool_path);
	snprintf(p->rec.reasons, sizeof p->rec.reasons, "%s", st.reasons);
	kiosk_print_record(k, &p->rec, &st);
	p->settle_at_ms = k->now_ms;
	kiosk_print_chip(k, &st);
	ui_sound(k->ui, st.state == PRINT_DONE ? UI_SOUND_OK : UI_SOUND_WARN);
	ui_invalidate(k->ui);
	return 1; /* just finished: the outcome is not on screen yet */
}
