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
 *
 * Issuing a charter (HQ's signing key) is the next request (issue 20:
 * staff pages); until then HQ issues charters with watctl hq-charter. */
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

/* Answers the requests on listening socket fd with HQ's opening keys until
 * *stop; allow_uid (-1: any) the only peer user served. */
int hqweb_signer_serve(int fd, const struct age_identity *ids, size_t nids, uid_t allow_uid,
                       volatile sig_atomic_t *stop);

#endif
