/* layout.h — printed pages as PDF (cairo): receipts, badges, walker slips and
 * generic sheets, on 58/80 mm receipt rolls or Letter/A4.
 *
 * Two steps, both without any ledger or CUPS: the content of a page is a
 * list of blocks (a `struct layout_doc`, plain text, built by the pure
 * layout_*_doc functions, which are what the tests read), and layout_render
 * lays a doc out on a paper.  A roll page is exactly the printable width
 * (48 or 72 mm) and as long as its content, with no margins, so that CUPS
 * neither shrinks nor cuts it.  Text is set in DejaVu Sans loaded from
 * <assets_dir>/fonts; over-long text is shrunk, wrapped or clipped, never a
 * failure.  Renderers return a malloc'd PDF (caller frees). */
#ifndef WAT_LAYOUT_H
#define WAT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

enum layout_paper {
	LAYOUT_ROLL58, /* 58 mm roll, 48 mm printed (384 dots at 203 dpi) */
	LAYOUT_ROLL80, /* 80 mm roll, 72 mm printed (576 dots at 203 dpi) */
	LAYOUT_LETTER,
	LAYOUT_A4,
};

/* "58mm", "80mm", "letter", "a4" (case-insensitive); 0 or -1. */
int layout_paper_parse(const char *text, enum layout_paper *p);
const char *layout_paper_name(enum layout_paper p);
int layout_paper_is_roll(enum layout_paper p);

enum layout_kind {
	LAYOUT_TITLE,   /* large bold, centred, shrunk to fit one line */
	LAYOUT_HEADING, /* bold, centred, wrapped */
	LAYOUT_BIG,     /* very large bold (a badge name), shrunk to fit, at most 2 lines */
	LAYOUT_BANNER,  /* large bold in a black box: "COPY" */
	LAYOUT_TEXT,    /* normal, left, wrapped */
	LAYOUT_CENTER,  /* normal, centred, wrapped */
	LAYOUT_SMALL,   /* small, left, wrapped */
	LAYOUT_PAIR,    /* text "key", value right-aligned (wraps under when too long) */
	LAYOUT_TABLE,   /* a row; cells separated by '\t'; value "h" makes it a header row */
	LAYOUT_RULE,    /* a thin line across */
	LAYOUT_GAP,     /* vertical space */
	LAYOUT_QR,      /* the QR code of text, centred; value "small" for a smaller one */
	LAYOUT_SIGN,    /* a signature line captioned text */
	LAYOUT_BREAK,   /* a new page (sheets only; ignored on rolls) */
	LAYOUT_CUT,     /* a new page on a roll too: one ticket each (badges) */
};

struct layout_block {
	enum layout_kind kind;
	char *text;  /* never NULL */
	char *value; /* never NULL ("" when unused) */
};

struct layout_doc {
	struct layout_block *blocks;
	size_t n, cap;
};

#define LAYOUT_DOC_INIT                                                                            \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Copies text and value (NULL is ""). */
void layout_doc_add(struct layout_doc *d, enum layout_kind kind, const char *text,
                    const char *value);
void layout_doc_addf(struct layout_doc *d, enum layout_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void layout_doc_free(struct layout_doc *d);
/* What a training ledger's paper says: receipts and slips LAYOUT_NOT_RECEIPT,
 * badges LAYOUT_TRAINING, the close-out sheet LAYOUT_NOT_SHEET. */
#define LAYOUT_TRAINING    "TRAINING"
#define LAYOUT_NOT_RECEIPT "TRAINING \xe2\x80\x94 NOT A RECEIPT"
#define LAYOUT_NOT_SHEET   "TRAINING \xe2\x80\x94 NOT FOR THE ENVELOPE" /* close-out */
/* Marks a training ledger's page so that no one takes it for the real thing:
 * a TRAINING banner and words (NULL: none) at its head and again at its foot. */
void layout_doc_training(struct layout_doc *d, const char *words);
/* All the text of a doc, one block a line ("key: value" for pairs): for tests and logs. */
char *layout_doc_text(const struct layout_doc *d);

/* A donation receipt (a US donor acknowledgment).  Strings borrowed; NULL or
 * "" when absent. */
struct layout_receipt {
	const char *org_name, *org_ein; /* legal name and EIN */
	const char *event, *city;
	const char *when;   /* date and time of the gift, as it should read */
	const char *number; /* receipt number, e.g. "A-42" (also the QR) */
	const char *walker; /* walker's name */
	uint32_t walker_id;
	const char *donor; /* who gave; NULL: the walker */
	int64_t cents;
	const char *method;   /* "cash", "check", "other" */
	const char *check_no; /* for checks */
	const char *premium_desc;
	int64_t premium_cents; /* good-faith value of the premium; 0: none */
	int copy;              /* a reprint: marked COPY */
	int64_t pledged_cents; /* a sponsor's payment: toward pledges (the rest a gift); 0: none */
};

#define LAYOUT_NO_GOODS  "No goods or services were provided in exchange for this contribution."
#define LAYOUT_QPQ_CENTS 7500  /* over this, a premium must be disclosed (IRC 6115) */
#define LAYOUT_ACK_CENTS 25000 /* from this, the receipt is the written acknowledgment */

/* The statement a receipt carries: LAYOUT_NO_GOODS, or the premium disclosure
 * when a premium is configured and the gift is over $75 and not a sponsor's
 * payment of pledges (the sponsor receives nothing; malloc'd). */
char *layout_receipt_statement(const struct layout_receipt *r);
void layout_receipt_doc(const struct layout_receipt *r, struct layout_doc *d);

struct layout_badge {
	const char *name;
	uint32_t walker;
	const char *code; /* the signed badge code (the QR) */
	const char *event, *team;
	int reprint; /* printed before: marked REPRINT (the code is the same) */
};
void layout_badge_doc(const struct layout_badge *b, struct layout_doc *d);

struct layout_slip {
	const char *name;
	uint32_t walker;
	const char *event, *when;
	int64_t laps;
	int64_t distance_um; /* micrometres, exact; < 0: unknown lap length */
	int64_t raised_cents, goal_cents;
};
void layout_slip_doc(const struct layout_slip *s, struct layout_doc *d);

/* A sponsor's statement: what the sponsor's pledges for one walker come to
 * on the certified laps, paid and still owed, with the statement's id as a
 * QR code (docs/FORMATS.md "Pledges").  Strings borrowed. */
struct layout_statement_line {
	const char *terms; /* "$0.50 a lap (at most $4.00)" */
	int per_unit;      /* not flat: laps and distance shown */
	int64_t laps, billed_laps;
	int64_t distance_um; /* of the billed laps; < 0: unknown */
	int64_t owed_cents, paid_cents, due_cents;
	int miles_first; /* a per-mile pledge: its distance in miles first */
};
struct layout_statement {
	const char *org_name, *org_ein, *event, *city;
	const char *when; /* printed */
	const char *walker;
	uint32_t walker_id;
	const char *sponsor, *address;
	const struct layout_statement_line *lines;
	size_t n;
	int64_t owed_cents, paid_cents, due_cents;
	int final;         /* certified laps (else "not final") */
	const char *id;    /* the statement id (its QR) */
	const char *basis; /* the laps it was made on (ledger_settlement_basis); NULL: none */
};
void layout_statement_doc(const struct layout_statement *s, struct layout_doc *d);

/* Lays a doc out: on a roll one page as long as the content (LAYOUT_CUT
 * starts another such page: one ticket each); on Letter/A4 pages with
 * margins, breaking between blocks. */
int layout_render(const struct layout_doc *d, enum layout_paper paper, const char *assets_dir,
                  char **pdf, size_t *len, char **cause);
/* The same, telling progress (may be NULL) after each part up to a
 * LAYOUT_CUT (one ticket, or one statement), as done of n. */
int layout_render_progress(const struct layout_doc *d, enum layout_paper paper,
                           const char *assets_dir,
                           void (*progress)(size_t done, size_t n, void *arg), void *arg,
                           char **pdf, size_t *len, char **cause);

/* Label stock for sheets of badges. */
struct layout_sheet {
	const char *name;        /* "2x5" */
	const char *description; /* "Letter, 2 x 5 labels 4 x 2 in (Avery 5163)" */
	enum layout_paper paper; /* LAYOUT_LETTER or LAYOUT_A4 */
	int cols, rows;          /* labels */
	double left, top;        /* first label's corner, points */
	double width, height;    /* one label, points */
	double hgap, vgap;       /* between labels, points */
};
/* NULL when unknown; name NULL gives the default ("2x5"). */
const struct layout_sheet *layout_sheet_find(const char *name);
/* The i-th known sheet, NULL past the end. */
const struct layout_sheet *layout_sheet_get(size_t i);

/* A single badge on a roll (or alone on a page). */
int layout_badge_pdf(const struct layout_badge *b, enum layout_paper paper, const char *assets_dir,
                     char **pdf, size_t *len, char **cause);
/* n badges on label sheets, as many pages as needed. */
int layout_badges_pdf(const struct layout_badge *b, size_t n, const struct layout_sheet *sheet,
                      const char *assets_dir, char **pdf, size_t *len, char **cause);
/* The same, or with sheet NULL one badge per page of the roll paper (a
 * ticket each); progress (may be NULL) is told after each badge is laid out. */
int layout_badges_pdf_progress(const struct layout_badge *b, size_t n,
                               const struct layout_sheet *sheet, enum layout_paper roll,
                               const char *assets_dir,
                               void (*progress)(size_t done, size_t n, void *arg), void *arg,
                               char **pdf, size_t *len, char **cause);

/* Writes bytes to path through a temporary file and rename (no partial file). */
int layout_write_file(const char *path, const void *data, size_t len, char **cause);

#endif
