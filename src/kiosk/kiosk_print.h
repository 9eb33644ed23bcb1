/* kiosk_print.h — one print job at a time, followed from the UI thread
 * without ever waiting: the worker makes the PDF where the ledger is,
 * print_submit (print.h) sends it on its own thread, kiosk_print_poll asks
 * how it goes once per turn of the main loop, and the worker records the
 * outcome as a "print" entry.  "Try again" makes the page again (a receipt
 * delivered in between becomes a COPY); "Print elsewhere" saves the same PDF
 * on the USB stick or the station's spool folder (recorded as "saved"). */
#ifndef WAT_KIOSK_PRINT_H
#define WAT_KIOSK_PRINT_H

#include "kiosk_app.h"
#include "print.h"

enum kiosk_print_phase {
	KIOSK_PRINT_IDLE,
	KIOSK_PRINT_MAKING,   /* the worker lays the page out */
	KIOSK_PRINT_REFUSED,  /* no page (e.g. an undone donation): message says why */
	KIOSK_PRINT_RUNNING,  /* submitted; st follows the job */
	KIOSK_PRINT_FINISHED, /* st.state is DONE, FAILED or SPOOLED; recorded */
	KIOSK_PRINT_SAVING,   /* "print elsewhere": the worker writes the PDF */
	KIOSK_PRINT_SAVED,    /* saved as rec.file */
};

struct kiosk_print {
	enum kiosk_print_phase phase;
	struct kiosk_req again;   /* the request that made the page */
	struct print_cli_rec rec; /* what it is; the outcome once known */
	char printer[128];
	int roll;
	char *pdf; /* kept for "Print elsewhere" */
	size_t len;
	struct print_job *job;
	struct print_status st;
	char message[KIOSK_PATH_MAX + 128]; /* REFUSED, SAVED, or a failed save */
	int save_failed;
	/* jobs lost when the print server stopped are looked up now and then */
	struct print_job *settle;
	int64_t settle_at_ms;
	/* sheets of badges being laid out: how many of how many (kiosk_worker_progress) */
	size_t progress_done, progress_n;
};

/* Asks the worker for a page (op: KIOSK_OP_RECEIPT_PDF, ..._BADGE_PDF,
 * ..._SLIP_PDF, ..._TEST_PDF, ..._SHEET_PDF) and shows the print screen;
 * its Done button goes to back.  paper: for the close-out sheet ("" letter). */
void kiosk_print_start(struct kiosk *k, enum kiosk_op op, int64_t seq, uint32_t walker,
                       const char *paper, enum screen_id back);
/* Prints sheets of badges: which walkers (team for PRINT_CLI_TEAM), on
 * layout (a label sheet, or "roll": one per ticket); Done goes to back. */
void kiosk_print_badges(struct kiosk *k, enum print_cli_which which, const char *team,
                        const char *layout, enum screen_id back);
/* Prints the coordinator's recovery code (never saved to the spool folder;
 * "Print elsewhere" still offers the USB stick); Done goes to back. */
void kiosk_print_recovery(struct kiosk *k, const char *code, enum screen_id back);
/* Prints the roster file's rows with a problem, to fix by hand; Done goes to back. */
void kiosk_print_roster(struct kiosk *k, const char *path, int pledges, enum screen_id back);
/* The print screen's replies (the page, or a saved copy). */
void kiosk_print_reply(struct kiosk *k, struct kiosk_reply **r);
/* Makes the same page again and prints it. */
void kiosk_print_again(struct kiosk *k);
/* Saves the PDF in dir ("" the USB stick). */
void kiosk_print_save(struct kiosk *k, const char *dir);
/* Once per turn of the main loop; 1 while something is on its way (or has
 * just ended and is not drawn yet). */
int kiosk_print_poll(struct kiosk *k);
void kiosk_print_free(struct kiosk_print *p);

#endif
