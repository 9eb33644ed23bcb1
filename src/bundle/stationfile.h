/* stationfile.h — a station's entries on a USB stick for the other
 * stations of its event (docs/SYNC.md "Without a network"): the entries'
 * lines 1..head and the chain head the station signed with its key, with
 * its certificate, sealed with a key every station of the event holds (one
 * derived from the event's badge key, which the event pack gives each
 * station).  Written by the export beside the bundle as <station>.entries;
 * read with `watctl sync --file` or the kiosk's Stations screen, checked as
 * a network exchange checks a peer (sync_file.c stores it).
 *
 *   {"format":"wat-entries/1","event":"<badge tag>","station":"<id>",
 *    "key":"<16 hex>","size":<payload length>,"bytes":<sealed length>}\n
 *   nonce[24] | XChaCha20-Poly1305(key, nonce, ad = the header line, LF
 *   included) of the payload deflated (zlib, RFC 1950):
 *     {"station","ledger","head_seq","head_hash","head_sig","cert"}\n   (the
 *       bundle's peer-*.head line, BUNDLE.md)
 *     entry line 1\n ... entry line head_seq\n
 *
 * "key": the sealing key's id (BLAKE2b of it), so a file of another event
 * is refused in words before anything is opened. */
#ifndef WAT_STATIONFILE_H
#define WAT_STATIONFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sign.h"
#include "strbuf.h"
#include "trust.h"

#define STATIONFILE_FORMAT   "wat-entries/1"
#define STATIONFILE_KEY_LEN  32
#define STATIONFILE_HASH_LEN 32
#define STATIONFILE_MAX      (128u << 20) /* a file, or its payload, larger is refused */
#define STATIONFILE_SUFFIX   ".entries"

/* The key the stations of an event seal their files with, and its id (16
 * hex), from the event's badge key. */
void stationfile_key(const unsigned char badge_key[32], unsigned char key[STATIONFILE_KEY_LEN],
                     char id[17]);

/* What a station writes: the lines (each ending in LF) of entries
 * 1..head_seq, the chain head and its signature, its certificate's text. */
struct stationfile_head {
	char station[TRUST_STATION_MAX + 1];
	unsigned char ledger[STATIONFILE_HASH_LEN];
	int64_t head_seq;
	unsigned char head_hash[STATIONFILE_HASH_LEN];
	unsigned char head_sig[64];
	char *cert; /* owned by stationfile_clear's caller when opened */
};

/* The bytes a station signs of its chain head (sync_head_signed's). */
#define STATIONFILE_SIGNED_LEN (16 + 2 * STATIONFILE_HASH_LEN + 8)
void stationfile_signed(const unsigned char ledger[STATIONFILE_HASH_LEN], int64_t seq,
                        const unsigned char hash[STATIONFILE_HASH_LEN],
                        unsigned char out[STATIONFILE_SIGNED_LEN]);

/* Seals a payload as written (the head line, then the lines) into out;
 * stationfile_seal makes the payload.  (Tests and the fuzz target seal
 * payloads of their own.) */
void stationfile_seal_plain(const char *event_tag, const unsigned char key[STATIONFILE_KEY_LEN],
                            const char *station, const char *plain, size_t len, struct strbuf *out);
/* Seals the file into out. */
void stationfile_seal(const char *event_tag, const unsigned char key[STATIONFILE_KEY_LEN],
                      const struct stationfile_head *h, const char *lines, size_t len,
                      struct strbuf *out);

/* An opened file: checked to the end (the format, this event's tag and key,
 * unaltered, the certificate made by event_pub for this event, the head
 * signed by the certificate's key, lines numbered 1..head of its station
 * chained from its ledger identity to the signed head).  Lines point into
 * plain. */
struct stationfile {
	struct stationfile_head h;
	struct trust_cert cert;
	char *plain;
	const char **lines;
	size_t *lens;
	size_t n;
};
/* 0, or -1 with a sentence naming what is wrong ("… of another event …",
 * "… altered or damaged …", "… not signed by …") and saying nothing was
 * read.  event: this station's certificate's event (NULL: not checked). */
int stationfile_open(const char *data, size_t len, const char *event_tag,
                     const unsigned char key[STATIONFILE_KEY_LEN], const char *key_id,
                     const struct sign_pub *event_pub, const char *event, struct stationfile *out,
                     char **cause);
void stationfile_clear(struct stationfile *f);

#endif
