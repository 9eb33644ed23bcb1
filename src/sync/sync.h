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
#include <sys/socket.h>

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

/* Up to one batch of this station's own entries (SYNC_BATCH_MAX, and
 * SYNC_BATCH_BYTES of lines unless one line is longer): copies, freed by
 * sync_lines_clear. */
struct sync_lines {
	int64_t first_seq;
	size_t n;
	char **lines; /* SYNC_BATCH_MAX slots */
	size_t *lens;
	size_t bytes; /* of the lines */
	size_t max;   /* entries wanted at most (0: SYNC_BATCH_MAX) */
	unsigned char last_hash[LEDGER_HASH_LEN];
};
void sync_lines_init(struct sync_lines *x);
void sync_lines_clear(struct sync_lines *x);

/* Where an exchange reads this station's entries and keeps its peers': the
 * ledger itself (sync_store_ledger: watctl, and wat-sync when no kiosk
 * runs), or the kiosk's worker thread over its local socket (sync_local.h),
 * which stays the only owner of the file.  Each returns 0, or -1 and
 * *cause in words; peer_get 1 (held), 0 (none) or -1. */
struct sync_store_ops {
	int (*self)(void *ctx, unsigned char ledger[LEDGER_HASH_LEN],
	            char station[LEDGER_STATION_MAX + 1], char **cause);
	int (*head)(void *ctx, int64_t *seq, unsigned char hash[LEDGER_HASH_LEN], char **cause);
	int (*entries)(void *ctx, int64_t from, struct sync_lines *out, char **cause);
	int (*peer_get)(void *ctx, const unsigned char ledger[LEDGER_HASH_LEN], int64_t *head_seq,
	                char **cause);
	int (*peer_store)(void *ctx, const struct ledger_peer_batch *b, int64_t budget,
	                  size_t *added, char **cause);
	int (*peer_seen)(void *ctx, const unsigned char ledger[LEDGER_HASH_LEN],
	                 int64_t seen_wall_ms, int64_t offset_ms, int format, char **cause);
};

struct sync_store {
	const struct sync_store_ops *ops;
	void *ctx;
};

/* The ledger itself as a store (borrowed; its owner's thread only). */
struct sync_store sync_store_ledger(struct ledger *l);

/* Loads the station key, certificate and event key from keys_dir (<db>.keys,
 * trust_station.h) and checks the certificate names this ledger's station. */
int sync_self_load(struct ledger *l, const char *keys_dir, struct sync_self *s, char **cause);
/* The same, the station's identity asked of a store. */
int sync_self_load_store(const struct sync_store *st, const char *keys_dir, struct sync_self *s,
                         char **cause);
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
	int refused;    /* failed: the peer was refused (its certificate, an entry, a head) */
};

/* One exchange over the connected socket fd (initiator: this side called).
 * 0, or -1 with *cause in words; entries stored before a failure stay (each
 * batch is its own transaction), so the next exchange resumes after them. */
int sync_exchange(struct ledger *l, const struct sync_self *self, int fd, int initiator,
                  const struct sync_opts *o, struct sync_result *res, char **cause);
/* The same through a store. */
int sync_exchange_store(const struct sync_store *st, const struct sync_self *self, int fd,
                        int initiator, const struct sync_opts *o, struct sync_result *res,
                        char **cause);

/* Frames (a 4-byte big-endian length, then at most max bytes) on a
 * blocking socket; *buf is malloc'd and grown as needed. */
int sync_frame_send(int fd, const void *p, size_t len, char **cause);
int sync_frame_recv_max(int fd, size_t max, unsigned char **buf, size_t *len, char **cause);

/* "ADDR:PORT" (IPv4, or [IPv6]:PORT, or [fe80::1%eth0]:PORT: a link-local
 * address with its interface) as a socket address; -1 and *cause if not. */
int sync_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sl, char **cause);
/* The event's own Wi-Fi network (NETWORK=offer / join in wat.conf, board/
 * README.md), the same at every station holding the event's badge key (the
 * event pack carries it) and unguessable without it: SSID "WAT-" + 6
 * characters, passphrase 4 groups of 5 (100 bits), each a BLAKE2b of a
 * label keyed with the badge key, in Crockford's base32 (no I L O U). */
#define SYNC_WIFI_SSID_MAX 11 /* "WAT-XXXXXX" + NUL */
#define SYNC_WIFI_PSK_MAX  24 /* "XXXXX-XXXXX-XXXXX-XXXXX" + NUL */
void sync_wifi_derive(const unsigned char key[32], char ssid[SYNC_WIFI_SSID_MAX],
                      char psk[SYNC_WIFI_PSK_MAX]);
/* The same: a connected or a listening socket. */
int sync_connect(const char *addr, int timeout_ms, int *fd, char **cause);
int sync_listen(const char *addr, int *fd, char **cause);
/* A peer's address as "ADDR:PORT", for the log. */
void sync_peer_name(const struct sockaddr_storage *ss, socklen_t sl, char *out, size_t len);

#endif
