/* entry.h — what a ledger entry is: every kind in one table, with the
 * fields its data holds and how each is checked, and an entry decoded from
 * its canonical line.  Pure C (libc, json.c).  What each kind does to the
 * figures is the fold's (fold.h); the canonical line itself is written by the
 * ledger (docs/FORMATS.md).
 *
 * A ledger's identity is the hash of its first entry (its "event").  An entry
 * refers to another by (ledger identity, sequence number): a plain "ref": N,
 * as every entry so far has, names entry N of the same ledger; "ref":
 * {"ledger": "<64 hex>", "seq": N} names entry N of another station's. */
#ifndef WAT_ENTRY_H
#define WAT_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "rules.h"
#include "stamp.h"

#define ENTRY_ID_LEN      32 /* a ledger's identity: BLAKE2b-256 of its first entry */
#define ENTRY_STATION_MAX 16
#define ENTRY_KIND_MAX    16 /* characters in a kind's name */

enum entry_kind {
	ENTRY_EVENT,
	ENTRY_SETTINGS,
	ENTRY_WALKER,
	ENTRY_WALKER_UPDATE,
	ENTRY_CHECKIN,
	ENTRY_LAP,
	ENTRY_DONATION,
	ENTRY_ANNUL,
	ENTRY_PRINT,
	ENTRY_CLOSEOUT,
	ENTRY_REOPEN,
	ENTRY_EXPORT,
	ENTRY_PIN_SET,
	ENTRY_PIN_RECOVER,
	ENTRY_PIN_OK,
	ENTRY_PIN_FAIL,
	ENTRY_LINK,   /* this station's walker and another station's are one person */
	ENTRY_REVIEW, /* asks the station holding a donation to review it */
	ENTRY_LAP_REVIEW,
	ENTRY_PLEDGE,
	ENTRY_CERTIFY,
	ENTRY_CERTIFY_REOPEN,
	ENTRY_HQ_RECEIPT, /* HQ's answer to a bundle the station sent it */
	ENTRY_NKINDS
};

/* Where an entry's figures go (fold.h). */
enum entry_scope {
	ENTRY_RECORD,       /* a record only: no figure (print, pin tries) */
	ENTRY_STATION,      /* the station's state: settings, close-out, export */
	ENTRY_WALKER_SCOPE, /* one walker's figures (the entry names the walker) */
	ENTRY_UNDO,         /* an annulment: its target's figures are taken back */
};

enum entry_ftype {
	ENTRY_TEXT,    /* a string */
	ENTRY_INT,     /* an integer */
	ENTRY_POS,     /* an integer above 0 */
	ENTRY_HOW,     /* "scan" or "manual" */
	ENTRY_METHOD,  /* "cash", "check" or "other" */
	ENTRY_BOOL,    /* true or false */
	ENTRY_VERDICT, /* "accept" or "reject" */
	ENTRY_ANY,     /* any JSON value (lists, objects) */
	ENTRY_PKIND,   /* a pledge's kind: "flat", "lap", "mile" or "km" (pledge.h) */
};

struct entry_field {
	const char *key;
	enum entry_ftype type;
	int required;
};

struct entry_kind_def {
	const char *name;
	enum entry_scope scope;
	int walker;     /* 1: names a walker; 0: none */
	int ref;        /* 1: names the entry it acts on */
	int annullable; /* 0: nobody undoes it (the event, an annulment) */
	const struct entry_field *fields;
	size_t nfields;
};

/* (ledger identity, sequence number). */
struct entry_ref {
	int64_t seq; /* 0: none */
	int other;   /* 1: into another ledger, named by `ledger` */
	unsigned char ledger[ENTRY_ID_LEN];
};

/* An entry as decoded from its line: members borrowed from the line. */
struct entry {
	int64_t seq;
	enum entry_kind kind;
	char station[ENTRY_STATION_MAX + 1];
	struct stamp at;
	struct json_value op;
	uint32_t walker; /* 0: none */
	struct entry_ref ref;
	struct json_value data;
	/* by kind */
	int manual;               /* checkin, lap: entered by hand */
	int override;             /* lap: by hand too soon, on a coordinator's word */
	int accept;               /* lap-review: 1 accept, 0 reject */
	int64_t cents;            /* donation */
	enum rules_method method; /* donation */
	int64_t export_n;         /* export */
};

const struct entry_kind_def *entry_kind(enum entry_kind k);
/* The kind named name (n bytes); 0, or -1 when there is no such kind. */
int entry_kind_find(const char *name, size_t n, enum entry_kind *k);

/* Decodes one canonical line (len bytes, borrowed by e): the members every
 * entry has, its kind (an unknown kind is an error), and its data's fields
 * as its kind defines them.  -1 with *cause naming the entry's sequence
 * number (or, before it is known, "an entry") and what is wrong. */
int entry_decode(const char *line, size_t len, struct entry *e, char **cause);

/* A ledger identity from its 64 lower-case hex digits (n of them): 0, or -1. */
int entry_id_parse(const char *hex, size_t n, unsigned char out[ENTRY_ID_LEN]);

/* A data member of e (JSON_NONE when absent). */
struct json_value entry_member(const struct entry *e, const char *key);

#endif
