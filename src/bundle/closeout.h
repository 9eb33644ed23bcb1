/* closeout.h — the day's close-out: what the ledger expects in the envelope,
 * what two people counted, over/short, receipts never printed; recorded as a
 * "closeout" entry.  A donation after closing needs a "reopen" entry first.
 *
 *   closeout data: {"cash_cents":N,"cash_expected_cents":N,"denominations":"20x5,...",
 *                   "checks":N,"check_cents":N,"checks_expected":N,
 *                   "check_expected_cents":N,"other_expected_cents":N,
 *                   "counters":["A","B"],"note":"...","unprinted":[seq,...],
 *                   "receipts_printed":N,"receipts_pdf":N}
 *   reopen data:   {"reason":"..."}
 *
 * (amount = counted cash + counted checks).  See docs/BUNDLE.md. */
#ifndef WAT_CLOSEOUT_H
#define WAT_CLOSEOUT_H

#include <stddef.h>
#include <stdint.h>

struct ledger;

#define CLOSEOUT_NAME_MAX 100 /* characters in a counter's name */

struct closeout_check {
	int64_t seq;
	uint32_t walker;
	int64_t cents;
	char *check_no, *donor; /* "" when absent */
};

/* What the ledger says should be in the envelope. */
struct closeout_expected {
	int64_t cash_cents, check_cents, other_cents, total_cents;
	int64_t checks;
	struct closeout_check *list; /* the checks in force, in order */
	size_t nlist;
	int64_t *unprinted; /* donations in force without any receipt (printed or PDF) */
	size_t nunprinted;
	int64_t receipts_printed; /* donations in force whose receipt was printed on paper */
	int64_t receipts_pdf;     /* ... saved as a PDF only (spooled or saved); -1: not known */
	int closed;               /* the last close-out is in force (no reopen after it) */
	int64_t closed_seq;       /* that close-out */
};

/* What was counted. */
struct closeout_count {
	int64_t cash_cents;        /* counted cash */
	const char *denominations; /* "20x5,10x3,0.25x4" when counted by denomination, or NULL */
	int64_t checks;            /* checks in hand; -1: as listed */
	int64_t check_cents;       /* their total; -1: as listed */
	const char *counter[2];    /* two different people */
	const char *note;          /* NULL: none (an over/short reason) */
};

struct closeout_result {
	int64_t seq; /* the closeout entry */
	struct closeout_expected exp;
	struct closeout_count count; /* as recorded (checks filled in); strings borrowed */
	int64_t cash_over_short;     /* counted - expected: > 0 over, < 0 short */
	int64_t check_over_short;
	char *own[4]; /* closeout_load: the strings count points at (freed with the result) */
};

int closeout_expected(struct ledger *l, struct closeout_expected *e, char **cause);
void closeout_expected_free(struct closeout_expected *e);

/* Parses "20x5,10x3,1x7,0.25x4" (value x count, values as amounts) into cents. */
int closeout_denominations(const char *text, int64_t *cents, char **cause);

/* Checks the count (two different non-empty names, amounts in range), works
 * out over/short and records the closeout entry.  Refuses when already closed. */
int closeout_record(struct ledger *l, const struct closeout_count *c, const char *op,
                    struct closeout_result *r, char **cause);
void closeout_result_free(struct closeout_result *r);

/* Records a reopen entry (a reason is required); refuses when not closed. */
int closeout_reopen(struct ledger *l, const char *reason, const char *op, int64_t *seq,
                    char **cause);

/* 1 closed, 0 open, -1 the ledger could not be read. */
int closeout_is_closed(struct ledger *l);

/* The close-out as plain text lines (the sheet's content), malloc'd. */
char *closeout_describe(const struct closeout_result *r);

/* A recorded close-out entry as read back by closeout_load. */
struct closeout_entry {
	int64_t wall_ms;
	unsigned char hash[32]; /* BLAKE2b-256: the ledger's head right after the close-out */
	int64_t reopen_seq;     /* the reopen entry in force that followed it; 0: none */
};

/* Reads close-out entry seq back (0: the last one in force): the count and
 * the expected figures as recorded, the checks in force at that moment
 * (not now) and the receipts it listed as never printed.  -1 with *cause
 * when there is none, or seq is not a close-out in force. */
int closeout_load(struct ledger *l, int64_t seq, struct closeout_result *r,
                  struct closeout_entry *info, char **cause);

/* What the printed sheet says besides the count.  Strings borrowed; NULL or
 * "" when unknown. */
struct closeout_sheet {
	const char *event, *city, *date, *station;
	const char *when;         /* the close-out's date and time, as it should read */
	int64_t head_seq;         /* the ledger's head right after the close-out: its seq */
	const char *head_hex;     /* and its BLAKE2b-256 hash, 64 hex digits */
	const char *event_key_id; /* the key that certified the station (16 hex); NULL: none */
};

/* The pledges on the sheet: pledged, collected (online and here), still
 * owed, as the ledger says when the sheet is printed. */
struct closeout_pledges {
	int64_t n; /* pledges in force; 0: the sheet says nothing of pledges */
	int64_t pledged_cents, paid_cents, due_cents;
	int final; /* the laps are certified */
};
struct ledger;
struct layout_doc;
/* The figures from the settlement of every pledge now (n 0 when unknown). */
void closeout_pledges(struct ledger *l, struct closeout_pledges *p);
/* Their lines, added after closeout_sheet_doc's (nothing when p->n is 0). */
void closeout_pledges_doc(const struct closeout_pledges *p, struct layout_doc *d);

struct layout_doc;
/* The close-out sheet that goes into the envelope, as layout blocks (pure:
 * no ledger, no cairo): event, totals by method (expected, counted,
 * over/short), the check list, over/short, the note, receipts never printed,
 * the two counters' names on signature lines, the ledger head and the name
 * of the bundle that will carry it. */
void closeout_sheet_doc(const struct closeout_result *r, const struct closeout_sheet *s,
                        struct layout_doc *d);

/* An over/short figure in words: "$5.00 over", "$5.00 short", "even". */
const char *closeout_os_text(int64_t d, char *buf, size_t len);

#endif
