/* print.h — sends a PDF to CUPS and follows the job to its end, off the
 * caller's thread.
 *
 * print_submit copies the PDF and returns at once; a worker thread connects
 * (CUPS_SERVER or client.conf, with timeouts), submits to the named queue or
 * the default one, then follows the job until it is completed, stopped,
 * aborted, canceled, or still not done at the deadline (an unplugged printer
 * leaves a job "processing" for ever).  A job that failed is canceled so it
 * cannot come out later as an unrecorded duplicate.  The caller polls
 * (never blocks) and shows status.message; the printer's state reasons come
 * as plain words.  With no print server or no printer the PDF goes to the
 * spool folder and status.spool_path says where.  The ledger entry is the
 * record; the paper is a copy. */
#ifndef WAT_PRINT_H
#define WAT_PRINT_H

#include <stddef.h>
#include <stdint.h>

#define PRINT_DEFAULT_CONNECT_MS  3000
#define PRINT_DEFAULT_DEADLINE_MS 60000

struct print_job;

/* A job that was on its way when the print server stopped (a print entry
 * with outcome "lost"): after the restart cupsd may still print it.  Each
 * request carries the ones not settled yet; once connected, and before
 * anything new is sent, the worker looks each up: still waiting in the
 * queue, it is canceled; otherwise what became of it is reported, never
 * guessed (one still printing stays unsettled until it ends). */
#define PRINT_SETTLE_MAX 8
struct print_lost {
	int64_t seq; /* the ledger entry that recorded it lost */
	int job;
	char queue[128];
};
struct print_settled {
	int64_t seq;
	/* "completed" (printed late), "canceled" (by us, or before), "aborted",
	 * "unknown" (the restarted server has no record of the job) */
	char outcome[16];
};

struct print_request {
	const char *printer;   /* CUPS queue; NULL or "": the default destination */
	const char *title;     /* job title, e.g. "Receipt A-42" */
	const char *spool_dir; /* where the PDF goes without CUPS or printer; NULL: nowhere */
	int connect_ms;        /* 0: PRINT_DEFAULT_CONNECT_MS */
	int deadline_ms;       /* 0: PRINT_DEFAULT_DEADLINE_MS */
	int roll;              /* a roll page: ask CUPS for a page of the PDF's own size */
	const char *noun;      /* what it is, for messages: "receipt"; NULL: "page" */
	/* lost jobs to settle first; with no PDF (len 0) the request only settles */
	const struct print_lost *lost;
	size_t nlost;
};

enum print_state {
	PRINT_CONNECTING,
	PRINT_SENDING,
	PRINT_QUEUED,   /* waiting in the queue (pending or held) */
	PRINT_PRINTING, /* processing */
	PRINT_DONE,     /* the printer finished the job */
	PRINT_FAILED,   /* see outcome and message */
	PRINT_SPOOLED,  /* no CUPS or no printer: saved as spool_path */
};

struct print_status {
	enum print_state state;
	int finished; /* DONE, FAILED or SPOOLED */
	int job_id;   /* 0 until CUPS took the job */
	char queue[128];
	/* For the ledger: "completed", "stopped", "aborted", "canceled",
	 * "timeout", "refused", "error", "spooled"; "" while running. */
	char outcome[16];  /* also "lost": the server stopped mid-job (see print_lost);
	                      "settled": a settle-only request ended */
	char reasons[256]; /* the printer's state reasons in words, "" when none */
	char message[512]; /* a plain sentence for the screen */
	char spool_path[1024];
	size_t nsettled; /* the request's lost jobs whose fate is now known */
	struct print_settled settled[PRINT_SETTLE_MAX];
};

/* pdf/len: the page; NULL/0 only with lost jobs to settle. */
int print_submit(const struct print_request *rq, const void *pdf, size_t len,
                 struct print_job **out, char **cause);
/* Copies the current status; returns 1 when the job is finished.  Never blocks
 * for long (a mutex held only to copy). */
int print_poll(struct print_job *j, struct print_status *st);
/* Blocks up to timeout_ms (< 0: until finished); returns 1 when finished.
 * For the command line; the screen polls. */
int print_wait(struct print_job *j, int timeout_ms, struct print_status *st);
/* Asks the worker to cancel the CUPS job (the outcome becomes "canceled"). */
void print_cancel(struct print_job *j);
/* Lets go of a job; one still running finishes on its own and frees itself. */
void print_free(struct print_job *j);

const char *print_state_name(enum print_state s);
/* Debian 12's cupsd 2.4.2-3+deb12u10 crashes on a document name (or an
 * option value) holding a blank or a control character, so every name and
 * value we send to CUPS goes through here: ASCII letters, digits, '-' and
 * '.' are kept, every run of anything else becomes one '_' ("Receipt A-7"
 * -> "Receipt_A-7", "Zoë" -> "Zo_"); never empty ("print").  The same
 * characters make safe file names.  Returns the length written. */
#define PRINT_NAME_MAX 128
size_t print_safe_name(const char *in, char *out, size_t len);
/* "media-empty-error,offline-report" -> "out of paper; offline" (malloc'd). */
char *print_reasons_words(const char *keywords);

/* Saves a PDF as <dir>/<title>-<time>.pdf (folders made as needed); *path
 * is malloc'd. */
int print_spool(const char *dir, const char *title, const void *pdf, size_t len, char **path,
                char **cause);

#endif
