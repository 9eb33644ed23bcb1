/* print_cli.h — the printing commands of watctl, and what the kiosk shares
 * with them: pages built from the ledger, and the "print" ledger entries.
 *
 *   receipt SEQ  --out FILE.pdf | --print [--printer QUEUE]
 *   badge ID     --out FILE.pdf | --print [--printer QUEUE]
 *   badges       --out FILE.pdf | --print [--printer QUEUE] [--layout 2x5|3x10|...] [--match TEXT]
 *   slip ID      --out FILE.pdf | --print [--printer QUEUE]
 * common:        [--paper 58mm|80mm|letter|a4] [--assets DIR] [--spool DIR] [--deadline SECONDS]
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
 * "error", "spooled") or "saved" for --out; "file", "reasons" when known.  A receipt already delivered once (completed,
 * saved or spooled) prints as a COPY.
 *
 * The functions take the arguments after the command name and return the
 * watctl exit status: 0 done, 1 refused or not printed (the message says
 * why and what to do), 2 usage. */
#ifndef WAT_PRINT_CLI_H
#define WAT_PRINT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

struct ledger;

int print_cli_receipt(struct ledger *l, const char *op, int argc, char **argv);
int print_cli_badge(struct ledger *l, const char *op, int argc, char **argv);
int print_cli_badges(struct ledger *l, const char *op, int argc, char **argv);
int print_cli_slip(struct ledger *l, const char *op, int argc, char **argv);

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
/* wall_ms as local "YYYY-MM-DD HH:MM ZONE" for a printout ("?" if it cannot be). */
void print_cli_when(int64_t wall_ms, char *buf, size_t len);
/* 1 when the receipt for donation seq was delivered before, 0 if not, -1 on error. */
int print_cli_receipt_delivered(struct ledger *l, int64_t seq, char **cause);
/* Records one print request and its outcome (see above). */
int print_cli_record(struct ledger *l, const char *op, const char *what, int64_t of,
                     uint32_t walker, int copy, const char *outcome, const char *queue, int job,
                     const char *file, const char *reasons, char **cause);
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
