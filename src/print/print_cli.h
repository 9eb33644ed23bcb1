/* print_cli.h — the printing commands of watctl, and what the kiosk shares
 * with them: pages built from the ledger, and the "print" ledger entries.
 *
 * The commands receipt, badge, badges and slip: their usage is in their
 * entries (`watctl help receipt`).
 *
 * Defaults: --printer $WAT_PRINTER else CUPS's default; --paper $WAT_PAPER
 * else 80mm; --assets $WAT_ASSETS else found beside the program
 * (../share/wat or the source tree's assets/); --spool $WAT_SPOOL else
 * $HOME/.local/state/wat/spool.
 *
 * Every request is recorded with its outcome as a ledger entry of kind
 * "print", ref = the receipt's donation entry (else 0), walker = the walker:
 *   {"what":"receipt","of":7,"copy":false,"outcome":"completed","queue":"Q","job":3}
 * ("count" instead of "of" for sheets of badges; "of" is the close-out's
 * entry for a close-out sheet, "what":"closeout").  outcome is print.h's
 * ("completed", "stopped", "aborted", "canceled", "timeout", "refused",
 * "error", "spooled", "lost") or "saved" for --out; "file", "reasons" when
 * known.  A job lost when the print server stopped is settled by a later
 * print once the server answers: a second entry with "settles":SEQ (the lost
 * one) and what really became of it ("completed": printed late; "canceled":
 * it was still queued and we canceled it; "aborted"; "unknown": the restarted
 * server has no record of it).  A receipt already delivered once (completed,
 * saved or spooled) prints as a COPY.
 *
 * The commands exit 0 done, 1 refused or not printed (the message says why
 * and what to do), 2 usage. */
#ifndef WAT_PRINT_CLI_H
#define WAT_PRINT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "layout.h"
#include "print.h"

struct ledger;
struct print_cli_rec;

extern const struct cli_cmd_entry print_cli_receipt_entry;
extern const struct cli_cmd_entry print_cli_badge_entry;
extern const struct cli_cmd_entry print_cli_badges_entry;
extern const struct cli_cmd_entry print_cli_slip_entry;
extern const struct cli_cmd_entry print_cli_statement_entry;

/* Sponsors' statements (layout_statement_doc), one page each: walker id's
 * (0: every walker's), only those still owing when owing_only; *count of
 * them.  -1 with *cause when there is none. */
/* Each on its own page, on a roll one ticket each (LAYOUT_CUT). */
int print_cli_statements_pdf(struct ledger *l, uint32_t id, int owing_only, enum layout_paper paper,
                             const char *assets_dir, char **pdf, size_t *len, size_t *count,
                             char **cause);
/* The same, telling progress (may be NULL) after each statement is laid out. */
int print_cli_statements_pdf_progress(struct ledger *l, uint32_t id, int owing_only,
                                      enum layout_paper paper, const char *assets_dir,
                                      void (*progress)(size_t done, size_t n, void *arg), void *arg,
                                      char **pdf, size_t *len, size_t *count, char **cause);

/* The receipt for donation entry seq as a PDF; *copy says whether it is
 * marked COPY (delivered before).  -1 with *cause for a missing, annulled
 * or non-donation entry. */
int print_cli_receipt_pdf(struct ledger *l, int64_t seq, enum layout_paper paper,
                          const char *assets_dir, int *copy, char **pdf, size_t *len, char **cause);
/* Walker id's badge, and walker id's slip (laps, distance, money as of now),
 * as PDFs.  -1 with *cause for a missing walker, or (badge) an annulled
 * registration. */
int print_cli_badge_pdf(struct ledger *l, uint32_t id, enum layout_paper paper,
                        const char *assets_dir, char **pdf, size_t *len, char **cause);
int print_cli_slip_pdf(struct ledger *l, uint32_t id, enum layout_paper paper,
                       const char *assets_dir, char **pdf, size_t *len, char **cause);
/* 1 when walker id's badge reached paper or a PDF before (alone, or on a
 * sheet of all, new or the walker's team), 0 if not, -1 on error. */
int print_cli_badge_reprint(struct ledger *l, uint32_t id, char **cause);

/* Which walkers a sheet of badges is for. */
enum print_cli_which {
	PRINT_CLI_ALL,   /* every registered walker */
	PRINT_CLI_NEW,   /* registered after the last sheet of all or new that was delivered */
	PRINT_CLI_TEAM,  /* one team (case- and accent-blind) */
	PRINT_CLI_MATCH, /* name/team/email/number matching text */
};
struct print_cli_badges {
	enum print_cli_which which;
	const char *text;       /* TEAM: the team; MATCH: the text */
	const char *layout;     /* a label sheet (layout_sheet_find; NULL "2x5"), or "roll" */
	enum layout_paper roll; /* "roll": the roll, one badge per ticket */
	void (*progress)(size_t done, size_t n, void *arg); /* NULL: none */
	void *arg;
};
/* The badges q asks for as a PDF, and *r what its print entry records
 * (what "badges", of = how many, which, through, team, title).  -1 with
 * *cause when nobody is to be printed ("Nobody was registered since the last
 * sheet of badges.") or on error. */
int print_cli_badges_pdf(struct ledger *l, const struct print_cli_badges *q, const char *assets_dir,
                         struct print_cli_rec *r, char **pdf, size_t *len, char **cause);
/* The newest registration entry on the last delivered sheet of all or new
 * badges (0: none): --new prints those registered after it. */
int print_cli_badges_since(struct ledger *l, int64_t *through, char **cause);
/* wall_ms as local "YYYY-MM-DD HH:MM ZONE" for a printout ("?" if it cannot be). */
void print_cli_when(int64_t wall_ms, char *buf, size_t len);
/* 1 when the receipt for donation seq was delivered before, 0 if not, -1 on error. */
int print_cli_receipt_delivered(struct ledger *l, int64_t seq, char **cause);
/* One print request and its outcome, as a "print" entry records it. */
struct print_cli_rec {
	char what[16]; /* receipt, badge, badges, slip, closeout, test */
	int64_t of;    /* the donation / walker / close-out entry; badges: how many */
	uint32_t walker;
	int copy; /* receipts: a reprint */
	char outcome[16];
	char queue[128];
	int job;
	char file[1024];
	char reasons[256];
	char title[128]; /* not recorded: the job's title, for messages */
	int64_t settles; /* a lost job's entry whose fate this records; 0: none */
	int reprint;     /* badge: printed before, marked REPRINT */
	/* badges: which walkers ("all", "new", "team", "match"), the newest
	 * registration entry on the sheet, the team */
	char which[8];
	int64_t through;
	char team[128];
};
/* Records one print request and its outcome (see above). */
int print_cli_record(struct ledger *l, const char *op, const struct print_cli_rec *r, char **cause);
/* The lost jobs (outcome "lost": the print server stopped mid-job) not
 * settled yet, oldest first, at most max. */
int print_cli_lost(struct ledger *l, struct print_lost *out, size_t max, size_t *n, char **cause);
/* Records what became of a lost job: a print entry copying the lost one's
 * what/of/walker/copy/queue/job, with the new outcome and "settles":SEQ; *r
 * is that record.  A receipt that printed late counts as delivered. */
int print_cli_settle(struct ledger *l, const char *op, const struct print_settled *x,
                     struct print_cli_rec *r, char **cause);
/* The sentence saying it, for the log and the coordinator: "The receipt of
 * entry 7 (job 12, lost when the print server stopped) printed after all,
 * once the print server was back."; and its end alone ("printed after all,
 * once the print server was back"), for words without entry numbers. */
void print_cli_settle_text(const struct print_cli_rec *r, char *buf, size_t len);
const char *print_cli_settle_fate(const char *outcome);
/* The words for a print entry's what: "receipt", "close-out sheet", ... */
const char *print_cli_noun(const char *what);
/* Where a PDF goes: a file, or a printer. */
struct print_cli_dest {
	const char *out;         /* write this PDF file; NULL: print */
	const char *printer;     /* CUPS queue; NULL or "": $WAT_PRINTER, else CUPS's default */
	const char *spool;       /* NULL or "": $WAT_SPOOL, else $HOME/.local/state/wat/spool */
	int deadline_s;          /* 0: print.h's default */
	enum layout_paper paper; /* a roll asks CUPS for the PDF's own page size */
};
/* Delivers a PDF made elsewhere (the close-out sheet, ...) as the commands
 * above do: saves it, or submits it and waits for the job's end (spooled
 * when there is no CUPS or printer); records the outcome as a "print" entry
 * {"what":what,"of":of,...}; says what happened (stdout, or stderr when not
 * printed).  Returns the exit status: 0 saved or printed, 1 otherwise. */
int print_cli_deliver_pdf(struct ledger *l, const char *op, const char *what, int64_t of,
                          uint32_t walker, const char *title, const char *pdf, size_t len,
                          const struct print_cli_dest *d);
/* The assets folder: dir if given, else $WAT_ASSETS, else beside the
 * program; NULL when none has the fonts.  Malloc'd. */
char *print_cli_assets(const char *dir);
/* Where pages go without CUPS or a printer: dir if given, else $WAT_SPOOL,
 * else $HOME/.local/state/wat/spool.  Malloc'd. */
char *print_cli_spool(const char *dir);

#endif
