/* sync.h — one exchange between two stations of an event (issue 17,
 * docs/SYNC.md): a SIGMA-style handshake (ephemeral X25519 through
 * crypto_kx, each side signs both shares with its station key and shows its
 * certificate, checked against this event's key), then libsodium
 * secretstream both ways; each side pulls the other's entries after what it
 * holds, batch by batch, each batch ending at a chain head signed by the
 * serving station, stored with ledger_peer_store.  One thread, blocking
 * sockets with timeouts; the ledger is the caller's (its one owner). */
#ifndef WAT_SYNC_H
#define WAT_SYNC_H

#include <stdint.h>

#include "ledger.h"
#include "sign.h"
#include "trust.h"

/* This station as it shows itself to peers. */
struct sync_self {
	struct sign_key *key; /* the station key (signs bundles, heads, the handshake) */
	struct trust_cert cert;
	char *cert_text;
	struct sign_pub event_pub; /* the event's key: certifies every station */
	unsigned char ledger[LEDGER_HASH_LEN];
	char station[LEDGER_STATION_MAX + 1];
};

/* Loads the station key, certificate and event key from keys_dir (<db>.keys,
 * trust_station.h) and checks the certificate names this ledger's station. */
int sync_self_load(struct ledger *l, const char *keys_dir, struct sync_self *s, char **cause);
void sync_self_clear(struct sync_self *s);

struct sync_opts {
	int64_t budget;  /* for peers' entries (ledger_peer_store) */
	unsigned format; /* the format said in HELLO (SYNC_FORMAT; tests say more) */
	int cut_after;   /* tests: close after serving this many batches (0: never) */
	int forge_head;  /* tests: sign chain heads with a key that is not the station's */
	int timeout_ms;  /* per read or write */
};

/* What one exchange did. */
struct sync_result {
	char peer[LEDGER_STATION_MAX + 1];
	unsigned peer_format;  /* what the peer said */
	size_t received, sent; /* entries */
	int64_t peer_head;     /* the peer's last entry, as it said */
	int64_t offset_ms;     /* the peer's clock minus this one's */
	int64_t rtt_ms;
	char note[256]; /* a plain sentence to show (a newer peer), "" none */
};

/* One exchange over the connected socket fd (initiator: this side called).
 * 0, or -1 with *cause in words; entries stored before a failure stay (each
 * batch is its own transaction), so the next exchange resumes after them. */
int sync_exchange(struct ledger *l, const struct sync_self *self, int fd, int initiator,
                  const struct sync_opts *o, struct sync_result *res, char **cause);

/* "ADDR:PORT" (IPv4, or [IPv6]:PORT): a connected or a listening socket. */
int sync_connect(const char *addr, int timeout_ms, int *fd, char **cause);
int sync_listen(const char *addr, int *fd, char **cause);

#endif
