/* send.h — "Send to HQ" from the station itself (docs/COORDINATOR-GUIDE.md
 * "Send to HQ", docs/FORMATS.md "hq-receipt"): what is sent (the station's
 * copy of its last export, to the inbox and with the upload code of the
 * event's charter), HQ's answer read from wat-hq's receipt page, the
 * answer recorded in the ledger as an "hq-receipt" entry (once per export
 * and answer), and the outbox folder beside the ledger through which the
 * kiosk (no network, no libcurl) and the wat-send service talk:
 *
 *   <db>.outbox/request   what to send: written by the kiosk, removed by
 *                         wat-send once HQ gave its final answer
 *   <db>.outbox/status    how the sending goes (tries, next try, why)
 *   <db>.outbox/answer    HQ's final answer, until the kiosk recorded it
 *
 * Each a small JSON object written whole (util_write_file).  No libcurl
 * here: the posting is send_http.c's. */
#ifndef WAT_SEND_H
#define WAT_SEND_H

#include <stddef.h>
#include <stdint.h>

struct ledger;

#define SEND_URL_MAX  600
#define SEND_PATH_MAX 1024

/* What is posted: the sealed bundle and its signature, where, with what code. */
struct send_job {
	int64_t export_n;
	char file[256];               /* the bundle's file name */
	char zip[SEND_PATH_MAX];      /* its path (the station's copy) */
	char sig[SEND_PATH_MAX + 16]; /* the .minisig beside it */
	char inbox[SEND_URL_MAX];     /* the charter's inbox URL (the upload page) */
	char code[80];                /* the charter's upload code */
};

enum send_status {
	SEND_RECEIVED, /* counted */
	SEND_ALREADY,  /* this export came before */
	SEND_HELD,     /* kept for HQ's staff: HQ will call */
	SEND_REFUSED,  /* HQ said no: its reason */
	SEND_RETRY,    /* HQ could not take it now (its 503): try again */
	SEND_OFFLINE,  /* no answer from HQ (no network, HQ down): try again */
};

/* HQ's answer, in its words. */
struct send_answer {
	enum send_status status;
	long http;            /* HQ's HTTP status; 0 none */
	char headline[400];   /* HQ's sentence, or why there was no answer */
	char detail[1000];    /* HQ's detail */
	int64_t number;       /* HQ's number for the bundle (its receipt); 0 none */
	char received_at[40]; /* when HQ received it, HQ's clock (UTC) */
};

/* "received", "already", ... */
const char *send_status_name(enum send_status s);
int send_status_find(const char *name, enum send_status *s);
/* 1 for HQ's final answers (received, already, held, refused). */
int send_final(enum send_status s);

/* The last export of ledger l (at db_path): its copy in <db>.exports, the
 * inbox and upload code of the charter in <db>.keys (inbox, when not NULL,
 * overrides the charter's).  -1 in words (no export yet, no charter ...). */
int send_job_latest(struct ledger *l, const char *db_path, const char *inbox, struct send_job *j,
                    char **cause);
/* The URL the files are posted to: the inbox's upload form (malloc'd). */
char *send_upload_url(const char *inbox);

/* HQ's answer page (wat-hq's receipt: the answer's class, #headline,
 * #detail, #number, "Received") with HTTP status http. */
void send_answer_parse(const char *html, size_t len, long http, struct send_answer *a);

/* Records HQ's final answer a to job j as an "hq-receipt" entry, unless the
 * same answer to that export is recorded already (then *seq is that one's
 * and 1 is returned); 0 recorded; -1 in words. */
int send_record(struct ledger *l, const struct send_job *j, const struct send_answer *a,
                const char *op, int64_t *seq, char **cause);

/* The last "hq-receipt" entry, for the screen. */
struct send_receipt {
	int64_t seq, export_n, number;
	enum send_status status;
	char said[400];
	char received_at[40];
	char recorded[32]; /* the entry's local time, "Monday 9:14" */
};
/* 1 and *r, 0 none, -1 in words. */
int send_last_receipt(struct ledger *l, struct send_receipt *r, char **cause);

/* ---- the outbox (<db>.outbox) ---- */

char *send_outbox_dir(const char *db_path);
/* Each 0, 1 when absent (read), -1 in words. */
int send_request_write(const char *outbox, const struct send_job *j, char **cause);
int send_request_read(const char *outbox, struct send_job *j, char **cause);
int send_request_remove(const char *outbox);

/* How the sending goes, as wat-send last wrote it. */
struct send_progress {
	int64_t export_n;
	int tries;
	int64_t next_wall; /* the next try, seconds since the epoch; 0 none */
	int retry_s;       /* the wait between tries now */
	enum send_status status;
	char said[400];
};
int send_progress_write(const char *outbox, const struct send_progress *p, char **cause);
int send_progress_read(const char *outbox, struct send_progress *p, char **cause);

int send_answer_write(const char *outbox, const struct send_job *j, const struct send_answer *a,
                      char **cause);
int send_answer_read(const char *outbox, struct send_job *j, struct send_answer *a, char **cause);
int send_answer_remove(const char *outbox);

/* The line the coordinator screen shows for receipt r (may be NULL) and
 * progress p (may be NULL); out is written. */
void send_describe(const struct send_receipt *r, const struct send_progress *p, int64_t now_wall,
                   char *out, size_t len);

#endif
