/* hqweb_inbox.h — HQ's database behind the web: one writer thread owns the
 * one sqlite connection (Debian 12's sqlite 3.40 has the WAL-reset bug:
 * /work/shared/notes/sqlite.md), and every request that reads or writes
 * HQ's database is a job it runs in turn.  An upload is verified and
 * merged there, each bundle in one transaction (hq_merge): a crash leaves
 * it merged whole or not at all. */
#ifndef WAT_HQWEB_INBOX_H
#define WAT_HQWEB_INBOX_H

#include <stddef.h>
#include <stdint.h>

struct hqweb_inbox;

enum hqweb_inbox_status {
	HQWEB_INBOX_RECEIVED, /* counted */
	HQWEB_INBOX_ALREADY,  /* this very export came before: nothing counted twice */
	HQWEB_INBOX_HELD,     /* kept for HQ staff to decide */
	HQWEB_INBOX_REFUSED,  /* not recorded at all: bad files, wrong code, older export */
	HQWEB_INBOX_FAILED,   /* HQ's fault (disk, database): nothing recorded, try again */
};

struct hqweb_inbox_result {
	enum hqweb_inbox_status status;
	int64_t bundle;       /* HQ's number (received, held, already) */
	char headline[400];   /* one sentence in people's words */
	char detail[1000];    /* what to do, or what HQ's check said */
	char event[128];      /* the event and city, when known */
	char received_at[40]; /* when HQ received it (UTC) */
};

/* Opens HQ's database db and HQ's public keys in folder keys (the chain is
 * checked with them), and starts the writer thread; sealed bundles are
 * opened by wat-hq-signer on socket signer (this process holds no secret
 * key). */
int hqweb_inbox_start(const char *db, const char *keys, const char *signer, const char *incoming,
                      struct hqweb_inbox **out, char **cause);
void hqweb_inbox_stop(struct hqweb_inbox *in);

/* The files uploaded into folder dir (the bundle and its .minisig), with
 * the upload code typed: verified and merged by the writer; returns when
 * done.  The folder is removed. */
void hqweb_inbox_upload(struct hqweb_inbox *in, const char *dir, const char *code,
                        struct hqweb_inbox_result *res);

/* The report by city, event and station, and the held bundles (malloc'd
 * text); -1 in words. */
int hqweb_inbox_report(struct hqweb_inbox *in, char **text, char **cause);

struct hq_held_row;

/* Staff account user: 0 and its password hash (malloc'd); 1 none; -1. */
int hqweb_inbox_staff(struct hqweb_inbox *in, const char *user, char **pwhash, int *admin);
/* A staff action in HQ's hash-chained log. */
int hqweb_inbox_log(struct hqweb_inbox *in, const char *user, const char *action, int64_t id,
                    const char *subject);
/* The held bundles (malloc'd rows). */
int hqweb_inbox_held(struct hqweb_inbox *in, struct hq_held_row **rows, size_t *n, char **cause);
/* Staff user accepts (re-verified through the signer) or refuses held
 * bundle id, with a reason; *msg or *cause (malloc'd) in words. */
int hqweb_inbox_decide(struct hqweb_inbox *in, int accept, int64_t id, const char *user,
                       const char *reason, char **msg, char **cause);

/* Staff user accepts the event of key id event_key (no charter) as
 * `watctl hq-accept --event-key` does: the key accepted, then each bundle
 * held for want of it accepted (re-verified); *msg (malloc'd) says what
 * became of each, or *cause. */
int hqweb_inbox_accept_event(struct hqweb_inbox *in, const char *event_key, const char *user,
                             const char *reason, char **msg, char **cause);

/* The counted stations as Excel-safe CSV (city NULL: national). */
int hqweb_inbox_csv(struct hqweb_inbox *in, const char *city, char **text, char **cause);

struct hq;
/* Runs fn(hq, arg, cause) on the writer thread, which owns HQ's database
 * (the dashboard's reads, staff accounts): its return value. */
int hqweb_inbox_call(struct hqweb_inbox *in, int (*fn)(struct hq *h, void *arg, char **cause),
                     void *arg, char **cause);

#endif
