/* layout.c — pages as PDF with cairo; see layout.h. */
#include "layout.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amount.h"
#include "setting.h"
#include "strbuf.h"
#include "util.h"

#define LAYOUT_MM(x)   ((x)*72.0 / 25.4)
#define LAYOUT_DOT     (72.0 / 203.0) /* one thermal printer dot, points */
#define LAYOUT_MAX_PDF (64u * 1024 * 1024)

/* Font sizes and spacing for one paper, points. */
struct layout_metrics {
	double title, heading, big, banner, text, small;
	double inset;  /* text keeps this far from the page edge */
	double margin; /* sheets: page margin; rolls: 0 */
	double qr;     /* QR side as a fraction of the content width */
};

struct layout_ctx {
	cairo_t *cr;
	cairo_font_face_t *regular, *bold;
	const struct layout_metrics *m;
	int roll;
	int draw; /* 0: measure only */
	double page_w, page_h;
	double left, right; /* content x range */
	double y;
	/* the last QR code encoded (measured, then drawn: encoded once) */
	char *qr_text;
	QRcode *qr;
};

static const struct layout_metrics layout_roll80 = {15, 11, 30, 16, 9, 7.5, 2, 0, 0.5};
static const struct layout_metrics layout_roll58 = {12, 9.5, 24, 13, 8, 6.5, 1.5, 0, 0.6};
static const struct layout_metrics layout_page = {20, 14, 48, 20, 11, 9, 0, 54, 0.25};

static const struct {
	const char *name;
	enum layout_paper paper;
	double w, h; /* points; rolls: width only */
} layout_papers[] = {
    {"58mm", LAYOUT_ROLL58, LAYOUT_MM(48), 0},
    {"80mm", LAYOUT_ROLL80, LAYOUT_MM(72), 0},
    {"letter", LAYOUT_LETTER, 612, 792},
    {"a4", LAYOUT_A4, LAYOUT_MM(210), LAYOUT_MM(297)},
};

static const struct layout_sheet layout_sheets[] = {
    {"2x5", "Letter, 2 x 5 labels of 4 x 2 in (Avery 5163)", LAYOUT_LETTER, 2, 5, 11.25, 36, 288,
     144, 13.5, 0},
    {"3x10", "Letter, 3 x 10 labels of 2.625 x 1 in (Avery 5160)", LAYOUT_LETTER, 3, 10, 13.5, 36,
     189, 72, 9, 0},
    {"2x3", "Letter, 2 x 3 labels of 4 x 3.33 in (Avery 5164)", LAYOUT_LETTER, 2, 3, 11.25, 36, 288,
     240, 13.5, 0},
    {"a4-2x7", "A4, 2 x 7 labels of 99.1 x 38.1 mm (L7163)", LAYOUT_A4, 2, 7, LAYOUT_MM(4.65),
     LAYOUT_MM(15.15), LAYOUT_MM(99.1), LAYOUT_MM(38.1), LAYOUT_MM(2.5), 0},
    {"a4-3x7", "A4, 3 x 7 labels of 63.5 x 38.1 mm (L7160)", LAYOUT_A4, 3, 7, LAYOUT_MM(7.2),
     LAYOUT_MM(15.15), LAYOUT_MM(63.5), LAYOUT_MM(38.1), LAYOUT_MM(2.5), 0},
};

int
layout_paper_parse(const char *text, enum layout_paper *p)
{
	size_t i;

	for (i = 0; i < nitems(layout_papers); i++) {
		if (strcasecmp(text, layout_papers[i].name) == 0) {
			*p = layout_papers[i].paper;
			return 0;
		}
	}
	return -1;
}

const char *
layout_paper_name(enum layout_paper p)
{
	size_t i;

	for (i = 0; i < nitems(layout_papers); i++) {
		if (layout_papers[i].paper == p)
			return layout_papers[i].name;
	}
	return "?";
}

int
layout_paper_is_roll(enum layout_paper p)
{
	return p == LAYOUT_ROLL58 || p == LAYOUT_ROLL80;
}

const struct layout_sheet *
layout_sheet_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return &layout_sheets[0];
	for (i = 0; i < nitems(layout_sheets); i++) {
		if (strcasecmp(name, layout_sheets[i].name) == 0)
			return &layout_sheets[i];
	}
	return NULL;
}

const struct layout_sheet *
layout_sheet_get(size_t i)
{
	return i < nitems(layout_sheets) ? &layout_sheets[i] : NULL;
}

/* ---- docs ---- */

/* Valid UTF-8 with controls as spaces: cairo refuses invalid strings and
 * then draws nothing more, so text from outside is cleaned first. */
static char *
layout_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	struct strbuf b = STRBUF_INIT;
	size_t n, i;
	uint32_t cp;

	while (*p != '\0') {
		if (*p < 0x80) {
			char c = (*p < 0x20 || *p == 0x7f) && *p != '\t' ? ' ' : (char)*p;
			strbuf_add(&b, &c, 1);
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 2;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 3;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 4;
			cp = *p & 0x07;
		} else {
			strbuf_add(&b, "?", 1);
			p++;
			continue;
		}
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				break;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (i < n || (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			strbuf_add(&b, "?", 1);
			p++;
			continue;
		}
		strbuf_add(&b, (const char *)p, n);
		p += n;
	}
	return strbuf_take(&b);
}

void
layout_doc_add(struct layout_doc *d, enum layout_kind kind, const char *text, const char *value)
{
	struct layout_block *b;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->blocks = xrealloc(d->blocks, d->cap * sizeof *d->blocks);
	}
	b = &d->blocks[d->n++];
	b->kind = kind;
	b->text = layout_clean(text);
	b->value = layout_clean(value);
}

void
layout_doc_training(struct layout_doc *d, const char *words)
{
	size_t body = d->n, head;

	layout_doc_add(d, LAYOUT_BANNER, LAYOUT_TRAINING, NULL);
	if (words != NULL)
		layout_doc_add(d, LAYOUT_HEADING, words, NULL);
	layout_doc_add(d, LAYOUT_GAP, NULL, NULL);
	head = d->n - body;
	/* the head's blocks, made at the end, go before the body */
	for (size_t i = 0; i < head; i++) {
		struct layout_block b = d->blocks[d->n - 1];
		memmove(&d->blocks[1], &d->blocks[0], (d->n - 1) * sizeof *d->blocks);
		d->blocks[0] = b;
	}
	layout_doc_add(d, LAYOUT_GAP, NULL, NULL);
	if (words != NULL)
		layout_doc_add(d, LAYOUT_HEADING, words, NULL);
	layout_doc_add(d, LAYOUT_BANNER, LAYOUT_TRAINING, NULL);
}

void
layout_doc_addf(struct layout_doc *d, enum layout_kind kind, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	layout_doc_add(d, kind, s, NULL);
	free(s);
}

void
layout_doc_free(struct layout_doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->blocks[i].text);
		free(d->blocks[i].value);
	}
	free(d->blocks);
	d->blocks = NULL;
	d->n = d->cap = 0;
}

char *
layout_doc_text(const struct layout_doc *d)
{
	struct strbuf b = STRBUF_INIT;
	const struct layout_block *k;
	size_t i;

	for (i = 0; i < d->n; i++) {
		k = &d->blocks[i];
		switch (k->kind) {
		case LAYOUT_RULE:
		case LAYOUT_GAP:
		case LAYOUT_BREAK:
		case LAYOUT_CUT: continue;
		case LAYOUT_PAIR: strbuf_printf(&b, "%s: %s\n", k->text, k->value); break;
		case LAYOUT_QR: strbuf_printf(&b, "[QR %s]\n", k->text); break;
		default: strbuf_printf(&b, "%s\n", k->text); break;
		}
	}
	return strbuf_take(&b);
}

static int
layout_nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

char *
layout_receipt_statement(const struct layout_receipt *r)
{
	char value[32];
	const char *d = r->premium_desc, *article = "the ";

	/* a sponsor paying a pledge receives nothing: the premium is the walker's */
	if (!layout_nonempty(d) || r->premium_cents <= 0 || r->cents <= LAYOUT_QPQ_CENTS ||
	    r->pledged_cents > 0)
		return xstrdup(LAYOUT_NO_GOODS);
	if (strncasecmp(d, "a ", 2) == 0 || strncasecmp(d, "an ", 3) == 0 ||
	    strncasecmp(d, "the ", 4) == 0)
		article = "";
	amount_format(r->premium_cents, value, sizeof value);
	return xasprintf("In exchange for this contribution you received %s%s. The amount "
	                 "deductible for federal income tax purposes is limited to the excess "
	                 "over %s, the good-faith estimate of the value of %s%s.",
	                 article, d, value, article, d);
}

void
layout_receipt_doc(const struct layout_receipt *r, struct layout_doc *d)
{
	char amount[32], *words, *statement;
	const char *method = r->method != NULL ? r->method : "";

	if (r->copy) {
		layout_doc_add(d, LAYOUT_BANNER, "COPY", NULL);
		layout_doc_add(d, LAYOUT_CENTER, "Reprint of a receipt issued earlier", NULL);
		layout_doc_add(d, LAYOUT_GAP, NULL, NULL);
	}
	layout_doc_add(d, LAYOUT_TITLE, layout_nonempty(r->org_name) ? r->org_name : "Receipt",
	               NULL);
	if (layout_nonempty(r->org_ein))
		layout_doc_addf(d, LAYOUT_CENTER, "EIN %s", r->org_ein);
	layout_doc_add(d, LAYOUT_HEADING, "Donation receipt", NULL);
	if (layout_nonempty(r->event) && layout_nonempty(r->city))
		layout_doc_addf(d, LAYOUT_CENTER, "%s, %s", r->event, r->city);
	else if (layout_nonempty(r->event) || layout_nonempty(r->city))
		layout_doc_add(d, LAYOUT_CENTER, layout_nonempty(r->event) ? r->event : r->city,
		               NULL);
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
	layout_doc_add(d, LAYOUT_PAIR, "Receipt no.", r->number);
	if (layout_nonempty(r->when))
		layout_doc_add(d, LAYOUT_PAIR, "Date", r->when);
	layout_doc_add(d, LAYOUT_PAIR, "Received from",
	               layout_nonempty(r->donor) ? r->donor : r->walker);
	if (layout_nonempty(r->walker)) {
		char *w = r->walker_id != 0 ? xasprintf("%s (#%u)", r->walker, r->walker_id)
		                            : xstrdup(r->walker);
		layout_doc_add(d, LAYOUT_PAIR, "For walker", w);
		free(w);
	}
	layout_doc_add(d, LAYOUT_PAIR, "Amount", amount_format(r->cents, amount, sizeof amount));
	words = amount_words(r->cents);
	layout_doc_add(d, LAYOUT_SMALL, words, NULL);
	free(words);
	if (r->pledged_cents > 0 && r->pledged_cents <= r->cents) {
		/* a sponsor's payment: what it settles, and the gift beyond */
		layout_doc_add(d, LAYOUT_PAIR, "Toward pledges",
		               amount_format(r->pledged_cents, amount, sizeof amount));
		if (r->cents > r->pledged_cents)
			layout_doc_add(
			    d, LAYOUT_PAIR, "Gift beyond the pledges",
			    amount_format(r->cents - r->pledged_cents, amount, sizeof amount));
	}
	if (strcmp(method, "check") == 0) {
		char *c = layout_nonempty(r->check_no) ? xasprintf("Check no. %s", r->check_no)
		                                       : xstrdup("Check");
		layout_doc_add(d, LAYOUT_PAIR, "Method", c);
		free(c);
	} else if (strcmp(method, "cash") == 0)
		layout_doc_add(d, LAYOUT_PAIR, "Method", "Cash");
	else
		layout_doc_add(d, LAYOUT_PAIR, "Method",
		               layout_nonempty(method) ? method : "Other");
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
	statement = layout_receipt_statement(r);
	layout_doc_add(d, LAYOUT_TEXT, statement, NULL);
	free(statement);
	if (r->cents >= LAYOUT_ACK_CENTS)
		layout_doc_add(d, LAYOUT_SMALL,
		               "Keep this receipt: it is the written acknowledgment of your "
		               "contribution for your tax records.",
		               NULL);
	layout_doc_add(d, LAYOUT_CENTER, "Thank you for your gift.", NULL);
	layout_doc_add(d, LAYOUT_GAP, NULL, NULL);
	if (layout_nonempty(r->number)) {
		layout_doc_add(d, LAYOUT_QR, r->number, "small");
		layout_doc_add(d, LAYOUT_CENTER, r->number, NULL);
	}
	if (r->copy)
		layout_doc_add(d, LAYOUT_BANNER, "COPY", NULL);
}

/* "3.22 km (2.00 mi)"; a per-mile sponsor reads the miles first. */
static void
layout_statement_distance(const struct layout_statement_line *l, char *buf, size_t len)
{
	char km[24], mi[24], *open;

	setting_distance_format(l->distance_um, buf, len);
	if (!l->miles_first || (open = strstr(buf, " (")) == NULL)
		return;
	snprintf(km, sizeof km, "%.*s", (int)(open - buf), buf);
	snprintf(mi, sizeof mi, "%.*s", (int)strcspn(open + 2, ")"), open + 2);
	snprintf(buf, len, "%s (%s)", mi, km);
}

void
layout_statement_doc(const struct layout_statement *s, struct layout_doc *d)
{
	char a[32], b[32], dist[64];
	size_t i;

	layout_doc_add(d, LAYOUT_TITLE, layout_nonempty(s->org_name) ? s->org_name : "Statement",
	               NULL);
	if (layout_nonempty(s->org_ein))
		layout_doc_addf(d, LAYOUT_CENTER, "EIN %s", s->org_ein);
	layout_doc_add(d, LAYOUT_HEADING, "Pledge statement", NULL);
	if (layout_nonempty(s->event) && layout_nonempty(s->city))
		layout_doc_addf(d, LAYOUT_CENTER, "%s, %s", s->event, s->city);
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
	layout_doc_add(d, LAYOUT_PAIR, "Sponsor", layout_nonempty(s->sponsor) ? s->sponsor : "");
	if (layout_nonempty(s->address))
		layout_doc_add(d, LAYOUT_SMALL, s->address, NULL);
	{
		char *w = xasprintf("%s (#%u)", layout_nonempty(s->walker) ? s->walker : "Walker",
		                    s->walker_id);
		layout_doc_add(d, LAYOUT_PAIR, "Walker", w);
		free(w);
	}
	if (layout_nonempty(s->when))
		layout_doc_add(d, LAYOUT_PAIR, "Date", s->when);
	/* the number "How to pay" asks the sponsor to write on the check */
	if (layout_nonempty(s->id))
		layout_doc_add(d, LAYOUT_PAIR, "Statement no.", s->id);
	for (i = 0; i < s->n; i++) {
		const struct layout_statement_line *l = &s->lines[i];

		layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
		layout_doc_add(d, LAYOUT_PAIR, "Pledge", l->terms);
		if (l->per_unit) {
			snprintf(a, sizeof a, "%lld", (long long)l->laps);
			if (l->billed_laps != l->laps)
				snprintf(a, sizeof a, "%lld (%lld billed)", (long long)l->laps,
				         (long long)l->billed_laps);
			layout_doc_add(d, LAYOUT_PAIR, s->final ? "Certified laps" : "Laps so far",
			               a);
			if (l->distance_um >= 0) {
				layout_statement_distance(l, dist, sizeof dist);
				layout_doc_add(d, LAYOUT_PAIR, "Distance", dist);
			}
		}
		layout_doc_add(d, LAYOUT_PAIR, "Owed", amount_format(l->owed_cents, a, sizeof a));
		layout_doc_add(d, LAYOUT_PAIR, "Paid", amount_format(l->paid_cents, b, sizeof b));
	}
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
	layout_doc_add(d, LAYOUT_PAIR, "Total owed", amount_format(s->owed_cents, a, sizeof a));
	layout_doc_add(d, LAYOUT_PAIR, "Paid", amount_format(s->paid_cents, b, sizeof b));
	layout_doc_add(d, LAYOUT_PAIR, "Still owed", amount_format(s->due_cents, a, sizeof a));
	if (!s->final)
		layout_doc_add(d, LAYOUT_SMALL,
		               "The laps are not certified yet: the amounts per lap or distance "
		               "are as of the date above, not final.",
		               NULL);
	if (layout_nonempty(s->basis))
		layout_doc_add(d, LAYOUT_SMALL, s->basis, NULL);
	if (s->due_cents > 0)
		layout_doc_addf(d, LAYOUT_TEXT,
		                "How to pay: at the welcome table, or by check payable to %s, "
		                "sent to the organisers with the statement no. above written on "
		                "it. You will receive a receipt for your gift.",
		                layout_nonempty(s->org_name) ? s->org_name : "the organisers");
	else
		layout_doc_add(d, LAYOUT_TEXT, "Paid in full: thank you for your gift.", NULL);
	layout_doc_add(d, LAYOUT_GAP, NULL, NULL);
	if (layout_nonempty(s->id)) {
		layout_doc_add(d, LAYOUT_QR, s->id, "small");
		layout_doc_add(d, LAYOUT_CENTER, s->id, NULL);
	}
}

void
layout_badge_doc(const struct layout_badge *b, struct layout_doc *d)
{
	if (b->reprint)
		layout_doc_add(d, LAYOUT_BANNER, "REPRINT", NULL);
	if (layout_nonempty(b->event))
		layout_doc_add(d, LAYOUT_CENTER, b->event, NULL);
	layout_doc_add(d, LAYOUT_BIG, layout_nonempty(b->name) ? b->name : "Walker", NULL);
	layout_doc_addf(d, LAYOUT_HEADING, "Walker #%u", b->walker);
	if (layout_nonempty(b->team))
		layout_doc_addf(d, LAYOUT_CENTER, "Team %s", b->team);
	if (layout_nonempty(b->code)) {
		layout_doc_add(d, LAYOUT_QR, b->code, NULL);
		layout_doc_add(d, LAYOUT_CENTER, b->code, NULL);
	}
	layout_doc_add(d, LAYOUT_CENTER, "Scan this badge at every lap.", NULL);
}

void
layout_slip_doc(const struct layout_slip *s, struct layout_doc *d)
{
	char raised[32], goal[32], laps[32], dist[64];

	if (layout_nonempty(s->event))
		layout_doc_add(d, LAYOUT_CENTER, s->event, NULL);
	layout_doc_add(d, LAYOUT_TITLE, layout_nonempty(s->name) ? s->name : "Walker", NULL);
	layout_doc_addf(d, LAYOUT_CENTER, "Walker #%u", s->walker);
	if (layout_nonempty(s->when))
		layout_doc_add(d, LAYOUT_CENTER, s->when, NULL);
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
	snprintf(laps, sizeof laps, "%lld", (long long)s->laps);
	layout_doc_add(d, LAYOUT_PAIR, "Laps", laps);
	if (s->distance_um >= 0) {
		setting_distance_format(s->distance_um, dist, sizeof dist);
		layout_doc_add(d, LAYOUT_PAIR, "Distance", dist);
	}
	layout_doc_add(d, LAYOUT_PAIR, "Raised",
	               amount_format(s->raised_cents, raised, sizeof raised));
	if (s->goal_cents > 0)
		layout_doc_add(d, LAYOUT_PAIR, "Event goal",
		               amount_format(s->goal_cents, goal, sizeof goal));
	layout_doc_add(d, LAYOUT_RULE, NULL, NULL);
	layout_doc_add(d, LAYOUT_CENTER, "Thank you for walking!", NULL);
}

/* ---- fonts ---- */

struct layout_fonts {
	char *dir;
	cairo_font_face_t *regular, *bold;
	struct layout_fonts *next;
};

static pthread_mutex_t layout_font_lock = PTHREAD_MUTEX_INITIALIZER;
static struct layout_fonts *layout_font_cache; /* loaded once, kept for the process */
static FT_Library layout_ft;

static cairo_font_face_t *
layout_font_load(const char *dir, const char *file, char **cause)
{
	cairo_font_face_t *face;
	FT_Face ft = NULL;
	char *path;

	if (layout_ft == NULL && FT_Init_FreeType(&layout_ft) != 0) {
		layout_ft = NULL;
		util_fail(cause, "FreeType could not start.");
		return NULL;
	}
	path = xasprintf("%s/fonts/%s", dir, file);
	if (access(path, R_OK) != 0 || FT_New_Face(layout_ft, path, 0, &ft) != 0) {
		util_fail(cause, "Cannot load the font %s: %s.", path,
		          errno ? strerror(errno) : "not a font");
		free(path);
		return NULL;
	}
	free(path);
	face = cairo_ft_font_face_create_for_ft_face(ft, 0);
	if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS) {
		util_fail(cause, "Cannot use the font %s.", file);
		return NULL;
	}
	return face;
}

static int
layout_fonts_get(const char *dir, cairo_font_face_t **regular, cairo_font_face_t **bold,
                 char **cause)
{
	struct layout_fonts *f;
	int rc = -1;

	pthread_mutex_lock(&layout_font_lock);
	for (f = layout_font_cache; f != NULL; f = f->next) {
		if (strcmp(f->dir, dir) == 0)
			break;
	}
	if (f == NULL) {
		cairo_font_face_t *r, *b;

		errno = 0;
		if ((r = layout_font_load(dir, "DejaVuSans.ttf", cause)) == NULL)
			goto end;
		if ((b = layout_font_load(dir, "DejaVuSans-Bold.ttf", cause)) == NULL) {
			cairo_font_face_destroy(r);
			goto end;
		}
		f = xcalloc(1, sizeof *f);
		f->dir = xstrdup(dir);
		f->regular = r;
		f->bold = b;
		f->next = layout_font_cache;
		layout_font_cache = f;
	}
	*regular = f->regular;
	*bold = f->bold;
	rc = 0;
end:
	pthread_mutex_unlock(&layout_font_lock);
	return rc;
}

/* ---- text ---- */

static void
layout_font(struct layout_ctx *c, int bold, double size)
{
	cairo_set_font_face(c->cr, bold ? c->bold : c->regular);
	cairo_set_font_size(c->cr, size);
}

static double
layout_width(struct layout_ctx *c, const char *s, size_t len)
{
	cairo_text_extents_t e;
	char buf[512], *p = buf;

	if (len >= sizeof buf)
		p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	cairo_text_extents(c->cr, p, &e);
	if (p != buf)
		free(p);
	return e.x_advance;
}

static size_t
layout_utf8_next(const char *s, size_t i)
{
	i++;
	while ((s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* Greedy word wrap in the current font; words wider than the width are
 * broken between characters.  Returns the number of lines. */
static size_t
layout_wrap(struct layout_ctx *c, const char *s, double width, char ***lines)
{
	char **out = NULL;
	size_t n = 0, start = 0, end, brk, len = strlen(s), i;

	while (start < len && s[start] == ' ')
		start++;
	while (start < len) {
		brk = 0;
		end = start;
		for (i = start; i < len; i = layout_utf8_next(s, i)) {
			size_t next = layout_utf8_next(s, i);

			if (s[i] == ' ')
				brk = i;
			if (layout_width(c, s + start, next - start) > width && i > start)
				break;
			end = next;
		}
		if (end < len && brk > start && s[end] != ' ')
			end = brk; /* break at the last space */
		out = xrealloc(out, (n + 1) * sizeof *out);
		out[n++] = xstrndup(s + start, end - start);
		start = end;
		while (start < len && s[start] == ' ')
			start++;
	}
	if (n == 0) {
		out = xmalloc(sizeof *out);
		out[n++] = xstrdup("");
	}
	*lines = out;
	return n;
}

static void
layout_lines_free(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Shows one line in [x0, x1) aligned -1 left, 0 centre, 1 right; clipped. */
static void
layout_show(struct layout_ctx *c, const char *s, double size, double x0, double x1, double baseline,
            int align)
{
	double w = layout_width(c, s, strlen(s)), x = x0;

	if (!c->draw)
		return;
	if (align == 0)
		x = x0 + (x1 - x0 - w) / 2;
	else if (align > 0)
		x = x1 - w;
	if (x < x0)
		x = x0;
	cairo_save(c->cr);
	cairo_rectangle(c->cr, x0, baseline - 2 * size, x1 - x0, 3 * size);
	cairo_clip(c->cr);
	cairo_move_to(c->cr, x, baseline);
	cairo_show_text(c->cr, s);
	cairo_restore(c->cr);
}

#define LAYOUT_LEADING 1.3

/* A wrapped paragraph; returns its height. */
static double
layout_para(struct layout_ctx *c, const char *s, int bold, double size, int align)
{
	double x0 = c->left + c->m->inset, x1 = c->right - c->m->inset, lh = size * LAYOUT_LEADING;
	char **lines;
	size_t n, i;

	layout_font(c, bold, size);
	n = layout_wrap(c, s, x1 - x0, &lines);
	for (i = 0; i < n; i++)
		layout_show(c, lines[i], size, x0, x1, c->y + i * lh + size, align);
	layout_lines_free(lines, n);
	return n * lh;
}

/* The largest size <= size (down to min) at which s fits width on one line. */
static double
layout_fit(struct layout_ctx *c, const char *s, int bold, double size, double min, double width)
{
	double w;

	layout_font(c, bold, size);
	w = layout_width(c, s, strlen(s));
	if (w > width && w > 0)
		size = floor(size * width / w * 10) / 10;
	if (size < min)
		size = min;
	layout_font(c, bold, size);
	return size;
}

static double
layout_title(struct layout_ctx *c, const char *s, double size)
{
	double x0 = c->left + c->m->inset, x1 = c->right - c->m->inset;

	size = layout_fit(c, s, 1, size, size * 0.5, x1 - x0);
	if (layout_width(c, s, strlen(s)) > x1 - x0)
		return layout_para(c, s, 1, size, 0); /* still too long: wrap */
	layout_show(c, s, size, x0, x1, c->y + size, 0);
	return size * LAYOUT_LEADING;
}

/* 1 when every word of s fits width in the current font. */
static int
layout_words_fit(struct layout_ctx *c, const char *s, double width)
{
	const char *p = s, *e;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		e = p;
		while (*e != '\0' && *e != ' ')
			e++;
		if (e > p && layout_width(c, p, (size_t)(e - p)) > width)
			return 0;
		p = e;
	}
	return 1;
}

/* A name as large as possible within max_h (<= 0: any height): on one
 * line, or on two lines broken between words when that allows a clearly
 * larger size; never below 30 %, where what does not fit is clipped. */
static double
layout_big(struct layout_ctx *c, const char *s, double size, double x0, double x1, int align,
           double max_h)
{
	double w = x1 - x0, one, two, lh, tw;
	char **lines = NULL;
	size_t n = 0, i;

	if (max_h > 0 && size * 1.25 > max_h)
		size = max_h / 1.25;
	layout_font(c, 1, size);
	tw = layout_width(c, s, strlen(s));
	one = tw > w ? size * w / tw : size;
	for (two = size; two > one * 1.3 && two >= size * 0.3; two *= 0.92) {
		if (max_h > 0 && 2 * two * 1.2 > max_h)
			continue;
		layout_font(c, 1, two);
		if (layout_words_fit(c, s, w)) {
			n = layout_wrap(c, s, w, &lines);
			if (n == 2)
				break;
			layout_lines_free(lines, n);
			lines = NULL;
			n = 0;
		}
	}
	if (n != 2 && one < size * 0.3 && (max_h <= 0 || 2 * size * 0.3 * 1.2 <= max_h)) {
		two = size * 0.3; /* too long anyway: two clipped lines show more than one */
		layout_font(c, 1, two);
		n = layout_wrap(c, s, w, &lines);
	}
	if (n < 2) {
		layout_lines_free(lines, n);
		one = one < size * 0.3 ? size * 0.3 : one;
		layout_font(c, 1, one);
		layout_show(c, s, one, x0, x1, c->y + one, align);
		return one * 1.25;
	}
	lh = two * 1.2;
	for (i = 0; i < 2; i++)
		layout_show(c, lines[i], two, x0, x1, c->y + i * lh + two, align);
	layout_lines_free(lines, n);
	return 2 * lh + two * 0.1;
}

#define LAYOUT_QR_PX 8 /* image pixels a QR module */

/* A QR code at most side wide (quiet zone included), its left edge at x,
 * top at y; modules are whole printer dots on rolls.  Returns its height. */
static double
layout_qr(struct layout_ctx *c, const char *text, double side, double x, double y)
{
	QRcode *q;
	cairo_surface_t *img = NULL;
	double mod;
	int w, r, col;

	if (c->qr_text == NULL || strcmp(c->qr_text, text) != 0) {
		free(c->qr_text);
		c->qr_text = NULL;
		if (c->qr != NULL)
			QRcode_free(c->qr);
		if ((c->qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
			return 0; /* too long for a QR code: the text is printed anyway */
		c->qr_text = xstrdup(text);
	}
	q = c->qr;
	w = q->width;
	mod = side / (w + 8);
	if (c->roll) {
		mod = floor(mod / LAYOUT_DOT) * LAYOUT_DOT;
		if (mod < 2 * LAYOUT_DOT)
			mod = 2 * LAYOUT_DOT;
	}
	/* an image of LAYOUT_QR_PX pixels a module, scaled unsmoothed (the PDF's
	 * /Interpolate false): a few hundred bytes where a rectangle a run of
	 * modules printed hundreds of numbers (most of a batch of statements'
	 * time); several pixels a module, so a renderer that smooths an image
	 * drawn at fewer device pixels than it has (poppler below 4x) blurs
	 * only a module's edge, as it antialiases a rectangle's */
	if (c->draw &&
	    (img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w * LAYOUT_QR_PX,
	                                      w * LAYOUT_QR_PX)) != NULL &&
	    cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
		unsigned char *px = cairo_image_surface_get_data(img);
		int stride = cairo_image_surface_get_stride(img);
		cairo_pattern_t *pat;

		cairo_surface_flush(img);
		for (r = 0; r < w * LAYOUT_QR_PX; r++)
			for (col = 0; col < w * LAYOUT_QR_PX; col++)
				((uint32_t *)(px + r * stride))[col] =
				    (q->data[(r / LAYOUT_QR_PX) * w + col / LAYOUT_QR_PX] & 1)
				        ? 0x000000u
				        : 0xffffffu;
		cairo_surface_mark_dirty(img);
		cairo_save(c->cr);
		cairo_translate(c->cr, x + 4 * mod, y + 4 * mod);
		cairo_scale(c->cr, mod / LAYOUT_QR_PX, mod / LAYOUT_QR_PX);
		cairo_set_source_surface(c->cr, img, 0, 0);
		pat = cairo_get_source(c->cr);
		cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
		cairo_rectangle(c->cr, 0, 0, w * LAYOUT_QR_PX, w * LAYOUT_QR_PX);
		cairo_fill(c->cr);
		cairo_restore(c->cr);
	}
	if (img != NULL)
		cairo_surface_destroy(img);
	return (w + 8) * mod;
}

static double
layout_qr_side(struct layout_ctx *c, const char *text, const char *value)
{
	double side = (c->right - c->left) * c->m->qr;

	if (strcmp(value, "small") == 0)
		side *= 0.8;
	if (!c->roll && side < 108)
		side = 108;
	return side;
}

static double
layout_pair(struct layout_ctx *c, const char *key, const char *value)
{
	double x0 = c->left + c->m->inset, x1 = c->right - c->m->inset, size = c->m->text;
	double lh = size * LAYOUT_LEADING, kw, vw, h;

	layout_font(c, 1, size);
	kw = layout_width(c, key, strlen(key));
	layout_font(c, 0, size);
	vw = layout_width(c, value, strlen(value));
	if (kw + size + vw <= x1 - x0) {
		layout_font(c, 1, size);
		layout_show(c, key, size, x0, x1, c->y + size, -1);
		layout_font(c, 0, size);
		layout_show(c, value, size, x0, x1, c->y + size, 1);
		return lh;
	}
	layout_font(c, 1, size);
	layout_show(c, key, size, x0, x1, c->y + size, -1);
	c->y += lh;
	h = layout_para(c, value, 0, size, 1);
	c->y -= lh;
	return lh + h;
}

/* A cell that lines up with the figures: an amount, a number, or "even"
 * (an over/short with none over or short, in the column of those that are). */
static int
layout_numeric(const char *s)
{
	if (strcmp(s, "even") == 0)
		return 1;
	if (*s == '-' || *s == '$')
		s++;
	return *s >= '0' && *s <= '9';
}

/* A table row: equal columns, the first twice as wide; figures right-aligned. */
static double
layout_row(struct layout_ctx *c, const char *text, int head)
{
	double x0 = c->left + c->m->inset, x1 = c->right - c->m->inset;
	double size = c->roll ? c->m->small : c->m->text, lh = size * LAYOUT_LEADING, unit, x;
	char *copy = xstrdup(text), *cell, *next;
	size_t cells = 1, i;
	const char *p;

	for (p = text; *p != '\0'; p++)
		cells += *p == '\t';
	unit = (x1 - x0) / (cells + 1);
	layout_font(c, head, size);
	x = x0;
	for (cell = copy, i = 0; cell != NULL; cell = next, i++) {
		double w = i == 0 ? 2 * unit : unit;

		if ((next = strchr(cell, '\t')) != NULL)
			*next++ = '\0';
		layout_show(c, cell, size, x, x + w - size * 0.4, c->y + size,
		            i > 0 && layout_numeric(cell) ? 1 : -1);
		x += w;
	}
	free(copy);
	if (head && c->draw) {
		cairo_set_line_width(c->cr, 0.6);
		cairo_move_to(c->cr, x0, c->y + lh);
		cairo_line_to(c->cr, x1, c->y + lh);
		cairo_stroke(c->cr);
	}
	return lh + (head ? 2 : 0);
}

static double
layout_block(struct layout_ctx *c, const struct layout_block *b)
{
	const struct layout_metrics *m = c->m;
	double h, t, side, x0 = c->left + m->inset, x1 = c->right - m->inset;
	int draw;

	switch (b->kind) {
	case LAYOUT_TITLE: return layout_title(c, b->text, m->title);
	case LAYOUT_HEADING: return layout_para(c, b->text, 1, m->heading, 0);
	case LAYOUT_BIG: return layout_big(c, b->text, m->big, x0, x1, 0, 0);
	case LAYOUT_TEXT: return layout_para(c, b->text, 0, m->text, -1);
	case LAYOUT_CENTER: return layout_para(c, b->text, 0, m->text, 0);
	case LAYOUT_SMALL: return layout_para(c, b->text, 0, m->small, -1);
	case LAYOUT_PAIR: return layout_pair(c, b->text, b->value);
	case LAYOUT_TABLE: return layout_row(c, b->text, strcmp(b->value, "h") == 0);
	case LAYOUT_GAP: return m->text * 0.8;
	case LAYOUT_BREAK:
	case LAYOUT_CUT: return 0;
	case LAYOUT_RULE:
		if (c->draw) {
			cairo_set_line_width(c->cr, c->roll ? 2 * LAYOUT_DOT : 0.8);
			cairo_move_to(c->cr, c->left, c->y + m->text * 0.5);
			cairo_line_to(c->cr, c->right, c->y + m->text * 0.5);
			cairo_stroke(c->cr);
		}
		return m->text;
	case LAYOUT_BANNER:
		h = m->banner * 1.6;
		if (c->draw) {
			cairo_rectangle(c->cr, c->left, c->y, c->right - c->left, h);
			cairo_fill(c->cr);
			cairo_set_source_rgb(c->cr, 1, 1, 1);
			layout_font(c, 1, m->banner);
			layout_show(c, b->text, m->banner, x0, x1, c->y + m->banner * 1.15, 0);
			cairo_set_source_rgb(c->cr, 0, 0, 0);
		}
		return h + 2;
	case LAYOUT_QR:
		side = layout_qr_side(c, b->text, b->value);
		draw = c->draw; /* measure first: the code is centred on its real size */
		c->draw = 0;
		h = layout_qr(c, b->text, side, 0, 0);
		c->draw = draw;
		if (draw)
			layout_qr(c, b->text, side, c->left + (c->right - c->left - h) / 2, c->y);
		return h;
	case LAYOUT_SIGN:
		h = m->text * 2.5;
		if (c->draw) {
			cairo_set_line_width(c->cr, 0.6);
			cairo_move_to(c->cr, x0, c->y + h);
			cairo_line_to(c->cr, c->roll ? x1 : x0 + (x1 - x0) * 0.6, c->y + h);
			cairo_stroke(c->cr);
		}
		c->y += h + 2;
		t = layout_para(c, b->text, 0, m->small, -1);
		c->y -= h + 2;
		return h + 2 + t;
	}
	return 0;
}

/* ---- pages ---- */

static cairo_status_t
layout_stream(void *closure, const unsigned char *data, unsigned int len)
{
	struct strbuf *b = closure;

	if (b->len + len > LAYOUT_MAX_PDF)
		return CAIRO_STATUS_WRITE_ERROR;
	strbuf_add(b, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

static double
layout_paper_width(enum layout_paper paper, double *h)
{
	size_t i;

	for (i = 0; i < nitems(layout_papers); i++) {
		if (layout_papers[i].paper == paper) {
			*h = layout_papers[i].h;
			return layout_papers[i].w;
		}
	}
	*h = 792;
	return 612;
}

/* Starts a PDF on paper; the context is ready to measure and draw. */
static int
layout_begin(struct layout_ctx *c, enum layout_paper paper, const char *assets_dir,
             struct strbuf *out, cairo_surface_t **surface, char **cause)
{
	cairo_font_options_t *fo;

	memset(c, 0, sizeof *c);
	if (layout_fonts_get(assets_dir != NULL ? assets_dir : "assets", &c->regular, &c->bold,
	                     cause) != 0)
		return -1;
	c->roll = layout_paper_is_roll(paper);
	c->m = paper == LAYOUT_ROLL80   ? &layout_roll80
	       : paper == LAYOUT_ROLL58 ? &layout_roll58
	                                : &layout_page;
	c->page_w = layout_paper_width(paper, &c->page_h);
	if (c->roll)
		c->page_h = 72;
	*surface = cairo_pdf_surface_create_for_stream(layout_stream, out, c->page_w, c->page_h);
	cairo_pdf_surface_set_metadata(*surface, CAIRO_PDF_METADATA_CREATOR,
	                               "W.A.T. Welcome Table");
	c->cr = cairo_create(*surface);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_set_font_options(c->cr, fo);
	cairo_font_options_destroy(fo);
	cairo_set_source_rgb(c->cr, 0, 0, 0);
	c->left = c->m->margin;
	c->right = c->page_w - c->m->margin;
	c->y = c->roll ? 4 : c->m->margin;
	return 0;
}

/* Finishes the PDF and hands its bytes over. */
static int
layout_end(struct layout_ctx *c, cairo_surface_t *surface, struct strbuf *out, char **pdf,
           size_t *len, char **cause)
{
	cairo_status_t st;
	int rc = -1;

	if (c->cr != NULL) {
		st = cairo_status(c->cr);
		cairo_destroy(c->cr);
		c->cr = NULL;
		if (st != CAIRO_STATUS_SUCCESS) {
			util_fail(cause, "Cannot lay the page out: %s.",
			          cairo_status_to_string(st));
			goto end;
		}
	}
	cairo_surface_finish(surface);
	if ((st = cairo_surface_status(surface)) != CAIRO_STATUS_SUCCESS) {
		util_fail(cause, "Cannot make the PDF: %s.", cairo_status_to_string(st));
		goto end;
	}
	*len = out->len;
	*pdf = strbuf_take(out);
	rc = 0;
end:
	if (c->cr != NULL)
		cairo_destroy(c->cr);
	cairo_surface_destroy(surface);
	strbuf_free(out);
	if (c->qr != NULL)
		QRcode_free(c->qr);
	free(c->qr_text);
	c->qr = NULL;
	c->qr_text = NULL;
	return rc;
}

int
layout_render(const struct layout_doc *d, enum layout_paper paper, const char *assets_dir,
              char **pdf, size_t *len, char **cause)
{
	return layout_render_progress(d, paper, assets_dir, NULL, NULL, pdf, len, cause);
}

int
layout_render_progress(const struct layout_doc *d, enum layout_paper paper, const char *assets_dir,
                       void (*progress)(size_t done, size_t n, void *arg), void *arg, char **pdf,
                       size_t *len, char **cause)
{
	struct strbuf out = STRBUF_INIT;
	cairo_surface_t *surface = NULL;
	struct layout_ctx c;
	double top, bottom, h;
	size_t i, parts = 1, done = 0;

	if (layout_begin(&c, paper, assets_dir, &out, &surface, cause) != 0)
		return -1;
	for (i = 0; progress != NULL && i < d->n; i++)
		parts += d->blocks[i].kind == LAYOUT_CUT;
	top = c.y;
	if (c.roll) {
		/* each run of blocks up to a break is a page as long as itself */
		for (size_t from = 0; from < d->n || from == 0; from = i + 1) {
			c.draw = 0;
			for (i = from; i < d->n && d->blocks[i].kind != LAYOUT_CUT; i++)
				c.y += layout_block(&c, &d->blocks[i]);
			cairo_pdf_surface_set_size(surface, c.page_w, ceil(c.y + 12));
			c.y = top;
			c.draw = 1;
			for (i = from; i < d->n && d->blocks[i].kind != LAYOUT_CUT; i++)
				c.y += layout_block(&c, &d->blocks[i]);
			if (progress != NULL)
				progress(++done, parts, arg);
			if (i + 1 >= d->n)
				break;
			cairo_show_page(c.cr);
			c.y = top;
		}
	} else {
		bottom = c.page_h - c.m->margin;
		for (i = 0; i < d->n; i++) {
			if (progress != NULL && d->blocks[i].kind == LAYOUT_CUT)
				progress(++done, parts, arg);
			c.draw = 0;
			h = d->blocks[i].kind == LAYOUT_BREAK || d->blocks[i].kind == LAYOUT_CUT
			        ? bottom
			        : layout_block(&c, &d->blocks[i]);
			if (c.y + h > bottom && c.y > top) {
				cairo_show_page(c.cr);
				c.y = top;
			}
			c.draw = 1;
			c.y += layout_block(&c, &d->blocks[i]);
		}
	}
	if (progress != NULL && !c.roll)
		progress(parts, parts, arg);
	cairo_show_page(c.cr);
	return layout_end(&c, surface, &out, pdf, len, cause);
}

int
layout_badge_pdf(const struct layout_badge *b, enum layout_paper paper, const char *assets_dir,
                 char **pdf, size_t *len, char **cause)
{
	struct layout_doc d = LAYOUT_DOC_INIT;
	int rc;

	layout_badge_doc(b, &d);
	rc = layout_render(&d, paper, assets_dir, pdf, len, cause);
	layout_doc_free(&d);
	return rc;
}

static void
layout_label_draw(struct layout_ctx *c, const struct layout_badge *b, double x, double y, double w,
                  double h)
{
	double pad = (w < h ? w : h) * 0.06, side = h - 2 * pad, x0, x1, name, small;

	if (side > w * 0.4)
		side = w * 0.4; /* leave the name room */
	char *line;

	c->y = y + pad;
	if (layout_nonempty(b->code))
		side = layout_qr(c, b->code, side, x + pad, y + (h - side) / 2);
	else
		side = 0;
	x0 = x + pad + side + (side > 0 ? 0 : pad);
	x1 = x + w - 2 * pad;
	name = h * 0.28 > 30 ? 30 : h * 0.28;
	small = h * 0.1 > 10 ? 10 : h * 0.1;
	c->y = y + pad * 2;
	if (b->reprint) { /* in the event's place: the name keeps its room */
		layout_font(c, 1, small);
		layout_show(c, "REPRINT", small, x0, x1, c->y + small, -1);
		c->y += small * LAYOUT_LEADING;
	} else if (layout_nonempty(b->event)) {
		layout_font(c, 0, small);
		layout_show(c, b->event, small, x0, x1, c->y + small, -1);
		c->y += small * LAYOUT_LEADING;
	}
	c->y += layout_big(c, layout_nonempty(b->name) ? b->name : "Walker", name, x0, x1, -1,
	                   y + h - pad - c->y - small * 1.2 * LAYOUT_LEADING);
	layout_font(c, 1, small * 1.2);
	line = xasprintf("Walker #%u", b->walker);
	layout_show(c, line, small * 1.2, x0, x1, c->y + small * 1.2, -1);
	free(line);
	c->y += small * 1.2 * LAYOUT_LEADING;
	if (layout_nonempty(b->team) && c->y + small < y + h - pad) {
		layout_font(c, 0, small);
		layout_show(c, b->team, small, x0, x1, c->y + small, -1);
	}
}

/* One label: the QR code on the left, the name as large as fits on the right. */
static void
layout_label(struct layout_ctx *c, const struct layout_badge *raw, double x, double y, double w,
             double h)
{
	struct layout_badge clean, *b = &clean;
	char *name = layout_clean(raw->name), *event = layout_clean(raw->event);
	char *team = layout_clean(raw->team), *code = layout_clean(raw->code);

	clean = (struct layout_badge){name, raw->walker, code, event, team, raw->reprint};
	layout_label_draw(c, b, x, y, w, h);
	free(name);
	free(event);
	free(team);
	free(code);
}

int
layout_badges_pdf(const struct layout_badge *b, size_t n, const struct layout_sheet *sheet,
                  const char *assets_dir, char **pdf, size_t *len, char **cause)
{
	return layout_badges_pdf_progress(b, n, sheet, LAYOUT_ROLL80, assets_dir, NULL, NULL, pdf,
	                                  len, cause);
}

/* One badge per roll ticket: the badge docs one after another, a break between. */
static int
layout_badges_roll(const struct layout_badge *b, size_t n, enum layout_paper roll,
                   const char *assets_dir, void (*progress)(size_t, size_t, void *), void *arg,
                   char **pdf, size_t *len, char **cause)
{
	struct layout_doc d = LAYOUT_DOC_INIT;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (i > 0)
			layout_doc_add(&d, LAYOUT_CUT, NULL, NULL);
		layout_badge_doc(&b[i], &d);
	}
	rc = layout_render(&d, roll, assets_dir, pdf, len, cause);
	layout_doc_free(&d);
	if (rc == 0 && progress != NULL)
		progress(n, n, arg);
	return rc;
}

int
layout_badges_pdf_progress(const struct layout_badge *b, size_t n, const struct layout_sheet *sheet,
                           enum layout_paper roll, const char *assets_dir,
                           void (*progress)(size_t, size_t, void *), void *arg, char **pdf,
                           size_t *len, char **cause)
{
	struct strbuf out = STRBUF_INIT;
	cairo_surface_t *surface = NULL;
	struct layout_ctx c;
	size_t per, i, k;

	if (sheet == NULL)
		return layout_badges_roll(b, n, roll, assets_dir, progress, arg, pdf, len, cause);
	per = (size_t)sheet->cols * sheet->rows;
	if (layout_begin(&c, sheet->paper, assets_dir, &out, &surface, cause) != 0)
		return -1;
	c.draw = 1;
	for (i = 0; i < n; i++) {
		if (i > 0 && i % per == 0)
			cairo_show_page(c.cr);
		k = i % per;
		layout_label(&c, &b[i],
		             sheet->left + (k % sheet->cols) * (sheet->width + sheet->hgap),
		             sheet->top + (k / sheet->cols) * (sheet->height + sheet->vgap),
		             sheet->width, sheet->height);
		if (progress != NULL)
			progress(i + 1, n, arg);
	}
	cairo_show_page(c.cr);
	return layout_end(&c, surface, &out, pdf, len, cause);
}

int
layout_write_file(const char *path, const void *data, size_t len, char **cause)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	const char *p = data;
	ssize_t w;
	int fd, rc = -1;

	if ((fd = mkstemp(tmp)) == -1) {
		util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
		goto end;
	}
	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
			goto end;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
		goto end;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
		goto end;
	}
	rc = 0;
end:
	if (fd != -1)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
