/* pledge.h — a sponsor's pledge and what it comes to, once: the rule that
 * turns counted laps into cents (docs/FORMATS.md "Pledges"), the pledges
 * and payments of one ledger folded from its entries, and the pledges CSV.
 * Pure C (libc, base, entry.h, fold.h, setting.h).
 *
 * The rule: owed = min(rate x units, maximum), in whole cents, rounded half
 * a cent up once per pledge; units are 1 for a flat pledge, the billed laps
 * for a per-lap one, and the billed laps x the event's exact lap length for
 * per mile / per km; billed laps = the walker's counted laps
 * (fold_counted_laps), at most the event's pledge lap cap. */
#ifndef WAT_PLEDGE_H
#define WAT_PLEDGE_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "fold.h"
#include "setting.h"

#define PLEDGE_MAX_SPONSOR 100 /* characters */
#define PLEDGE_MAX_ADDRESS 200
#define PLEDGE_MAX_EXTID   64
#define PLEDGE_MAX_RATE    1000000 /* cents: $10,000 a unit, or flat */

enum pledge_kind { PLEDGE_FLAT, PLEDGE_LAP, PLEDGE_MILE, PLEDGE_KM, PLEDGE_NKINDS };

struct pledge_terms {
	enum pledge_kind kind;
	int64_t rate_cents; /* flat: the sum; else a lap, a mile or a km */
	int64_t max_cents;  /* 0: no maximum */
};

/* "flat", "lap", "mile", "km" (what an entry records). */
const char *pledge_kind_name(enum pledge_kind k);
/* As an entry writes it, or as people type it: "flat", "per lap", "lap",
 * "per-mile", "mile", "mi", "per km", "km", "kilometre" (case ignored). */
int pledge_kind_parse(const char *s, enum pledge_kind *k);
/* "$5.00", "$0.50 a lap", "$2.00 a mile (at most $20.00)" into buf. */
void pledge_terms_format(const struct pledge_terms *t, char *buf, size_t len);

/* Laps billed: counted, at most cap (cap 0: no cap; negative counts 0). */
int64_t pledge_billed_laps(int64_t counted, int64_t cap);
/* The rule (above).  0 and *owed; -1 with a sentence when the pledge is per
 * mile or km and the lap length is not known, or the figure does not fit. */
int pledge_owed(const struct pledge_terms *t, int64_t counted_laps,
                const struct setting_length *lap, int64_t lap_cap, int64_t *owed, char **cause);

/* ---- one ledger's pledges, folded from its entries ---- */

struct pledge {
	int64_t seq; /* the pledge entry */
	uint32_t walker;
	char *sponsor, *email, *phone, *address, *ext_id; /* owned; NULL when not given */
	struct pledge_terms t;
	int64_t online_cents; /* paid online before the walk (imported); 0: none */
	char *online_date;
	int64_t paid_cents;  /* paid here: donations in force that name it */
	int64_t annulled_by; /* 0: in force */
};

/* What a certification counted: the last entry of each station. */
struct pledge_cert_station {
	char station[ENTRY_STATION_MAX + 1];
	char ledger[2 * ENTRY_ID_LEN + 1]; /* hex */
	int64_t seq;
};

struct pledge_book {
	struct pledge *p; /* by sequence number, annulled ones too */
	size_t n;
	int64_t cert_seq; /* the certification in force (not followed by a reopen); 0: none */
	struct pledge_cert_station *cert;
	size_t ncert;
};

/* The pledges of es[0..n) (one ledger, es[i].seq == i + 1), the payments
 * that name them and the last certification, f: fold_run of the same
 * entries (which entry annuls which).  -1 with *cause when a payment names
 * an entry that is not a pledge of the same walker, or more than the
 * payment. */
int pledge_book_run(const struct entry *es, size_t n, const struct fold *f,
                    struct pledge_book **out, char **cause);
void pledge_book_free(struct pledge_book *b);
/* The pledge entry seq of the book, or NULL. */
const struct pledge *pledge_book_find(const struct pledge_book *b, int64_t seq);
/* The settings the rule reads (lap-length, pledge-lap-cap) as they stood
 * after es[0..n): the settings entries among them not annulled by then (f:
 * a fold of es, for which entry annuls which). */
void pledge_rule_settings(const struct entry *es, size_t n, const struct fold *f,
                          struct setting_length *lap, int64_t *cap);
/* A pledge entry's terms and details into p (strings malloc'd; pledge_clear). */
void pledge_from_entry(const struct entry *e, struct pledge *p);
void pledge_clear(struct pledge *p);

/* A payment's split, [[seq, cents], ...] of a donation's "pledges": calls
 * cb for each item; -1 when it is not such a list. */
int pledge_payment_items(const struct entry *e, int (*cb)(int64_t seq, int64_t cents, void *),
                         void *arg);

/* ---- the pledges CSV (the online registration's export) ----
 * Columns by header, as the roster's (case, spaces, '_' and '-' ignored):
 * walker (the walker's number) or walker id (their registration id),
 * sponsor, email, phone, address, kind, rate, max, id (the pledge's own
 * id on the platform), paid (paid online) and paid date.  Each row is
 * checked alone: a bad one carries its problem, the others are good. */
enum pledge_row_state {
	PLEDGE_ROW_NEW,       /* would be recorded */
	PLEDGE_ROW_UNCHANGED, /* held already, the same (its external id) */
	PLEDGE_ROW_BAD,       /* problem says why */
};
struct pledge_row {
	size_t line;
	enum pledge_row_state state; /* set by the ledger's import */
	char *text;      /* the row as written (its first 80 characters), for messages */
	char *problem;   /* NULL: a good row */
	uint32_t walker; /* 0: by walker_ext */
	char *walker_ext;
	struct pledge p; /* seq 0 */
};
struct pledge_csv {
	struct pledge_row *rows;
	size_t n;
};
/* -1 with *cause only when the file is no pledges CSV at all (no header
 * with a sponsor and a rate column, not UTF-8); a bad row is a row with a
 * problem. */
int pledge_csv_parse(const char *data, size_t len, struct pledge_csv **out, char **cause);
void pledge_csv_free(struct pledge_csv *c);

/* ---- the laps every station held counts, for one station's pledges ---- */

/* One ledger's entries as a station holds them: its own (first) or a
 * peer's copy (docs/SYNC.md). */
struct pledge_source {
	char station[ENTRY_STATION_MAX + 1];
	char ledger[2 * ENTRY_ID_LEN + 1]; /* its identity, hex (lower case) */
	const struct entry *es;            /* es[i].seq == i + 1, unless by */
	size_t n;
	/* NULL: es is every entry, 1..n.  Else es holds some of the ledger's
	 * entries, in sequence order (one walker's, with the settings, links and
	 * certifications: fold_run_some), by[i] the entry that annuls es[i] (0:
	 * in force), and last is the ledger's last entry. */
	const int64_t *by;
	int64_t last;
};

struct pledge_tally;

/* The laps the pledges of src[0] bill over src[0..n) (docs/FORMATS.md
 * "Counted laps" and "Certification"): with book's certification in force,
 * each ledger's entries 1..its seq there (a ledger it does not name counts
 * none), else every entry held; each folded on its own, and a walker of a
 * peer counts under the walker numbers a "link" entry in force (here or
 * there) says are the same person; a flagged lap's verdict over every
 * source's reviews (fold_xreviews_apply: the table's review of the lap
 * point's lap counts).  f: fold_run (or fold_run_some) of all of src[0];
 * book: pledge_book_run of src[0].  The rule's settings: those in force
 * among src[0]'s counted entries.  A source of some entries only (by)
 * counts the walkers those entries are of. */
int pledge_tally_run(const struct pledge_source *src, size_t n, const struct pledge_book *book,
                     const struct fold *f, struct pledge_tally **out, char **cause);
void pledge_tally_free(struct pledge_tally *t);
/* The counted laps of walker (a number of src[0]) over every source; had
 * (NULL, or n ints) set to 1 for each source that holds laps of the walker. */
int64_t pledge_tally_laps(const struct pledge_tally *t, uint32_t walker, int *had);
/* The counted laps of walker (a number of src[0]) at src[i] alone. */
int64_t pledge_tally_laps_of(const struct pledge_tally *t, uint32_t walker, size_t i);
/* The last entry of src[i] counted (0: none). */
int64_t pledge_tally_upto(const struct pledge_tally *t, size_t i);
/* The lap length and the pledge lap cap the counted entries set. */
void pledge_tally_rule(const struct pledge_tally *t, struct setting_length *lap, int64_t *cap);

#endif
