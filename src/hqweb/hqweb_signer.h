/* hqweb_signer.h — the small process that keeps HQ's secret keys apart from
 * the internet-facing wat-hq (docs/HQ-GUIDE.md): wat-hq-signer runs as its
 * own user and answers on a UNIX socket a handful of requests; wat-hq is
 * its client and never reads a secret key.
 *
 * The wire, one request per connection: the request's 4-byte name, its
 * length (8 bytes, big-endian), its bytes; the answer: 'K' (done) or 'E'
 * (refused), the length, the bytes (the result, or a sentence).
 *
 *   OPEN  a sealed bundle (age, to HQ's sealing keys) whose station
 *         signature wat-hq checked first: the zip inside
 *   CHTR  issue an event's charter, as watctl hq-charter does (HQ's signing
 *         key): the request its fields, one a line (event id, name, city,
 *         date, org, EIN, inbox URL, upload code); the answer the charter
 *         file, a NUL, and the new event's secret key file (for the
 *         coordinator's stick; the signer keeps no copy of it), then, when
 *         HQ rotated its key, a NUL and the key folder's hq-rotations (it
 *         goes beside the charter, as hq-charter copies it).  The signer
 *         keeps the charter in its key folder's charters/ and refuses an
 *         event id chartered before. */
#ifndef WAT_HQWEB_SIGNER_H
#define WAT_HQWEB_SIGNER_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

struct age_identity;

/* The signer as its client sees it: down set when it did not answer (HQ's
 * fault, not the bundle's). */
struct hqweb_signer_client {
	const char *path;
	int down;
};

/* A bundle_opener (bundle.h) asking the signer; ctx: a struct
 * hqweb_signer_client. */
int hqweb_signer_open(void *ctx, const void *sealed, size_t len, const char *name,
                      unsigned char **zip, size_t *zlen, char **cause);

/* An issued charter (hqweb_signer_charter): both files' text, malloc'd. */
struct hqweb_signer_charter {
	char *charter, *event_key;
	size_t charter_len, key_len;
	char *rotations; /* HQ's hq-rotations file (public); NULL: HQ never rotated */
	size_t rotations_len;
};
void hqweb_signer_charter_clear(struct hqweb_signer_charter *out);
/* Asks the signer to issue a charter: fields[8] as CHTR's lines.  -1 with
 * *cause (the signer's sentence, or that it is down: cl->down). */
int hqweb_signer_charter(struct hqweb_signer_client *cl, const char *const fields[8],
                         struct hqweb_signer_charter *out, char **cause);

/* Answers the requests on listening socket fd with HQ's opening keys and
 * key folder keys (HQ's signing key, its charters) until *stop; allow_uid
 * (-1: any) the only peer user served. */
int hqweb_signer_serve(int fd, const char *keys, const struct age_identity *ids, size_t nids,
                       uid_t allow_uid, volatile sig_atomic_t *stop);

#endif
