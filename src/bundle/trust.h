/* trust.h — the chain of trust from HQ to every station (issue 16):
 *
 *   HQ's key (assets/hq/hq.pub, or one a rotation chain from it reaches)
 *     signs an event's charter, which names the event's public key;
 *   the event key signs each station's certificate, which names the
 *     station's public key (the key that signs its bundles).
 *
 * Every signed document here is text: one JSON object on one line (the
 * body, ending with LF) followed by a minisign signature of exactly those
 * bytes, made by sign.c (prehashed Ed25519).  So stock minisign checks one
 * too: `head -1 FILE > body; tail -n +2 FILE > body.minisig; minisign -Vm
 * body -p key.pub`.  Formats byte for byte: docs/TRUST.md.
 *
 * Parsers are strict: the body must be exactly what the matching _format
 * writes (members in order, no spaces), and a refusal names the field.
 * Parsing checks form only; _verify checks signatures. */
#ifndef WAT_TRUST_H
#define WAT_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define TRUST_CHARTER_FORMAT "wat-charter/1"
#define TRUST_CERT_FORMAT    "wat-cert/1"
#define TRUST_ROTATE_FORMAT  "wat-hq-rotate/1"
#define TRUST_FILE_MAX       16384 /* a larger file is not one of ours */

#define TRUST_EVENT_MAX   32 /* event id: letters, digits, '-' */
#define TRUST_STATION_MAX 16 /* as the ledger's station id */
#define TRUST_NAME_MAX    127
#define TRUST_CITY_MAX    63
#define TRUST_ORG_MAX     120
#define TRUST_EIN_MAX     10 /* NN-NNNNNNN */
#define TRUST_URL_MAX     255
#define TRUST_CODE_MAX    64
#define TRUST_AGE_MAX     90 /* an age X25519 recipient: "age1" + 58 */
#define TRUST_LEDGER_LEN  32
#define TRUST_SERIAL_MAX  INT64_C(2147483647)
#define TRUST_HQ_MAX      16 /* HQ keys a rotation chain may hold */

/* An event's charter, issued by HQ. */
struct trust_charter {
	char event[TRUST_EVENT_MAX + 1];
	char name[TRUST_NAME_MAX + 1];
	char city[TRUST_CITY_MAX + 1];
	char date[11]; /* YYYY-MM-DD */
	char org[TRUST_ORG_MAX + 1];
	char ein[TRUST_EIN_MAX + 1];
	char inbox[TRUST_URL_MAX + 1]; /* https://... */
	char upload_code[TRUST_CODE_MAX + 1];
	struct sign_pub hq;                /* HQ's signing key, the one that signs this */
	char hq_seal[TRUST_AGE_MAX + 1];   /* age1..., HQ's sealing recipient */
	char hq_backup[TRUST_AGE_MAX + 1]; /* age1..., HQ's offline backup recipient */
	struct sign_pub event_pub;         /* the event's key: it certifies stations */
	char *minisig;                     /* HQ's signature of the body; NULL unsigned */
};

/* A station's certificate, made by the event key. */
struct trust_cert {
	char event[TRUST_EVENT_MAX + 1];
	char station[TRUST_STATION_MAX + 1];
	/* The station's ledger identity (ledger_identity); all zero in a
	 * certificate made for a joining station (an event pack), whose ledger
	 * does not exist yet: HQ binds it to the first ledger it sees under
	 * this certificate and holds any other (docs/TRUST.md). */
	unsigned char ledger[TRUST_LEDGER_LEN];
	int64_t serial;                          /* 1 the first station, then 2, 3, ... */
	struct sign_pub station_pub;             /* signs the station's bundles */
	unsigned char event_key[SIGN_KEYID_LEN]; /* the id of the key that signs this */
	char *minisig;
};

/* A replacement HQ key, announced signed by the old one. */
struct trust_rotation {
	struct sign_pub old_key, new_key;
	char seal[TRUST_AGE_MAX + 1], backup[TRUST_AGE_MAX + 1]; /* the new sealing keys */
	char date[11];
	char *minisig; /* the old key's signature */
};

/* The HQ keys a station trusts: the published one first, then each one a
 * rotation announcement reached, in order. */
struct trust_hq {
	size_t n;
	struct sign_pub keys[TRUST_HQ_MAX];
	char seal[TRUST_AGE_MAX + 1], backup[TRUST_AGE_MAX + 1]; /* the newest, "" unknown */
};

void trust_charter_clear(struct trust_charter *c);
void trust_cert_clear(struct trust_cert *c);
void trust_rotation_clear(struct trust_rotation *r);

/* Checks the fields (as the parser does, naming the field), sets c->hq to
 * hq's public key and signs: c->minisig (replaced). */
int trust_charter_make(struct trust_charter *c, const struct sign_key *hq, char **cause);
/* The body line alone (malloc'd), and the whole file (body + minisig;
 * NULL when unsigned). */
char *trust_charter_body(const struct trust_charter *c);
char *trust_charter_format(const struct trust_charter *c);
/* Reads a charter file; refusals name the field ("The charter's ein ..."). */
int trust_charter_parse(const char *text, size_t len, struct trust_charter *c, char **cause);
int trust_charter_load(const char *path, struct trust_charter *c, char **cause);
/* 0 when c is signed by hq and names hq as its HQ key. */
int trust_charter_verify(const struct trust_charter *c, const struct sign_pub *hq, char **cause);
/* 0 when c is signed by one of the keys HQ's chain reaches. */
int trust_charter_verify_hq(const struct trust_charter *c, const struct trust_hq *hq, char **cause);

/* Checks the fields, sets c->event_key to ev's key id and signs. */
int trust_cert_make(struct trust_cert *c, const struct sign_key *ev, char **cause);
char *trust_cert_body(const struct trust_cert *c);
char *trust_cert_format(const struct trust_cert *c);
int trust_cert_parse(const char *text, size_t len, struct trust_cert *c, char **cause);
int trust_cert_load(const char *path, struct trust_cert *c, char **cause);
/* 0 when c is signed by the event key ev. */
int trust_cert_verify(const struct trust_cert *c, const struct sign_pub *ev, char **cause);

/* Sets r->old_key from old and signs. */
int trust_rotation_make(struct trust_rotation *r, const struct sign_key *old, char **cause);
char *trust_rotation_format(const struct trust_rotation *r);
int trust_rotation_parse(const char *text, size_t len, struct trust_rotation *r, char **cause);
int trust_rotation_verify(const struct trust_rotation *r, char **cause);

/* HQ's trusted keys: root, then the announcements in text (a file of them,
 * one after the other, oldest first; NULL or empty: none), each signed by
 * the key before it.  A broken link refuses the whole chain. */
int trust_hq_chain(const struct sign_pub *root, const char *text, size_t len, struct trust_hq *out,
                   char **cause);
/* A published key folder (assets/hq) or HQ's own (hq-init's): the chain
 * from DIR/hq-root.pub (the first key; DIR/hq.pub when there is no
 * hq-root.pub) through DIR/hq-rotations (when present), which must reach
 * DIR/hq.pub (the newest key).  Sealing keys: the newest rotation's, else
 * DIR/hq-seal.pub and DIR/hq-backup.pub ("" when absent). */
int trust_hq_load(const char *dir, struct trust_hq *out, char **cause);

/* Checks one field's value as the parsers do; 0, or -1 naming the field. */
int trust_check_event_id(const char *s, char **cause);
int trust_check_station(const char *s, char **cause);
int trust_check_date(const char *s, char **cause);
int trust_check_ein(const char *s, char **cause);
int trust_check_age(const char *s, const char *field, char **cause);

/* The key id as minisign prints it (16 hex digits): sign_keyid_hex. */
#define trust_keyid_hex sign_keyid_hex

#endif
