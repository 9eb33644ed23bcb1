/* stationfile.c — a station's entries file for the other stations of its
 * event; see stationfile.h. */
#include "stationfile.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "bundle.h"
#include "json.h"
#include "util.h"

#define STATIONFILE_HEAD_CONTEXT "wat-sync-head/1\n" /* SYNC_HEAD_CONTEXT: the same bytes */
#define STATIONFILE_NONCE        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define STATIONFILE_TAG          crypto_aead_xchacha20poly1305_ietf_ABYTES
#define STATIONFILE_HEADER_MAX   512

void
stationfile_key(const unsigned char badge_key[32], unsigned char key[STATIONFILE_KEY_LEN],
                char id[17])
{
	static const char what[] = "wat-entries/1 sealing key";
	static const char idwhat[] = "wat-entries/1 key id";
	unsigned char h[8];

	crypto_generichash(key, STATIONFILE_KEY_LEN, (const unsigned char *)what, sizeof what - 1,
	                   badge_key, 32);
	crypto_generichash(h, sizeof h, (const unsigned char *)idwhat, sizeof idwhat - 1, key,
	                   STATIONFILE_KEY_LEN);
	bundle_hex(h, sizeof h, id);
}

void
stationfile_signed(const unsigned char ledger[STATIONFILE_HASH_LEN], int64_t seq,
                   const unsigned char hash[STATIONFILE_HASH_LEN],
                   unsigned char out[STATIONFILE_SIGNED_LEN])
{
	uint64_t u = (uint64_t)seq;

	memcpy(out, STATIONFILE_HEAD_CONTEXT, 16);
	memcpy(out + 16, ledger, STATIONFILE_HASH_LEN);
	for (int i = 7; i >= 0; i--, u >>= 8)
		out[16 + STATIONFILE_HASH_LEN + i] = (unsigned char)u;
	memcpy(out + 16 + STATIONFILE_HASH_LEN + 8, hash, STATIONFILE_HASH_LEN);
}

void
stationfile_seal_plain(const char *event_tag, const unsigned char key[STATIONFILE_KEY_LEN],
                       const char *station, const char *plain, size_t len, struct strbuf *out)
{
	static const char idwhat[] = "wat-entries/1 key id";
	struct strbuf hdr = STRBUF_INIT;
	unsigned char nonce[STATIONFILE_NONCE], idb[8], *ct, *z;
	unsigned long long clen = 0;
	uLongf zlen = compressBound((uLong)len);
	char id[17];

	/* deflated first (a day's lines shrink to about a third: the stick is
	 * the slow part), then sealed */
	z = xmalloc(zlen);
	if (compress2(z, &zlen, (const Bytef *)plain, (uLong)len, 1) != Z_OK)
		abort(); /* only out of memory (compressBound is enough): fatal, as xmalloc */
	crypto_generichash(idb, sizeof idb, (const unsigned char *)idwhat, sizeof idwhat - 1, key,
	                   STATIONFILE_KEY_LEN);
	bundle_hex(idb, sizeof idb, id);
	/* the header, in clear: whose file, for which event and key */
	strbuf_puts(&hdr, "{\"format\":\"" STATIONFILE_FORMAT "\",\"event\":");
	strbuf_json(&hdr, event_tag);
	strbuf_puts(&hdr, ",\"station\":");
	strbuf_json(&hdr, station);
	strbuf_printf(&hdr, ",\"key\":\"%s\",\"size\":%zu,\"bytes\":%zu}\n", id, len,
	              (size_t)(STATIONFILE_NONCE + zlen + STATIONFILE_TAG));
	randombytes_buf(nonce, sizeof nonce);
	ct = xmalloc(zlen + STATIONFILE_TAG);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, z, zlen, (const unsigned char *)hdr.s,
	                                           hdr.len, NULL, nonce, key);
	strbuf_add(out, hdr.s, hdr.len);
	strbuf_add(out, (const char *)nonce, sizeof nonce);
	strbuf_add(out, (const char *)ct, (size_t)clen);
	strbuf_free(&hdr);
	util_wipe(z, zlen);
	free(z);
	free(ct);
}

void
stationfile_seal(const char *event_tag, const unsigned char key[STATIONFILE_KEY_LEN],
                 const struct stationfile_head *h, const char *lines, size_t len,
                 struct strbuf *out)
{
	struct strbuf plain = STRBUF_INIT;
	char hex[2 * STATIONFILE_HASH_LEN + 1], sig[129];

	/* the payload: the head line, then the lines */
	strbuf_puts(&plain, "{\"station\":");
	strbuf_json(&plain, h->station);
	bundle_hex(h->ledger, STATIONFILE_HASH_LEN, hex);
	strbuf_printf(&plain, ",\"ledger\":\"%s\",\"head_seq\":%" PRId64, hex, h->head_seq);
	bundle_hex(h->head_hash, STATIONFILE_HASH_LEN, hex);
	bundle_hex(h->head_sig, 64, sig);
	strbuf_printf(&plain, ",\"head_hash\":\"%s\",\"head_sig\":\"%s\",\"cert\":", hex, sig);
	strbuf_json(&plain, h->cert != NULL ? h->cert : "");
	strbuf_puts(&plain, "}\n");
	strbuf_add(&plain, lines, len);
	stationfile_seal_plain(event_tag, key, h->station, plain.s, plain.len, out);
	util_wipe(plain.s, plain.len);
	strbuf_free(&plain);
}

void
stationfile_clear(struct stationfile *f)
{
	if (f->plain != NULL)
		free(f->plain);
	free(f->h.cert);
	free(f->lines);
	free(f->lens);
	trust_cert_clear(&f->cert);
	memset(f, 0, sizeof *f);
}

/* The head line of the payload into f->h. */
static int
stationfile_head_parse(const char *p, size_t len, struct stationfile_head *h)
{
	char *station = json_get_str(p, len, "station"), *hex = NULL;
	int rc = -1;

	if (station == NULL || strlen(station) > TRUST_STATION_MAX)
		goto end;
	snprintf(h->station, sizeof h->station, "%s", station);
	if (json_get_int(p, len, "head_seq", &h->head_seq) != 0 || h->head_seq < 1)
		goto end;
	if ((hex = json_get_str(p, len, "ledger")) == NULL ||
	    bundle_unhex(hex, strlen(hex), h->ledger, STATIONFILE_HASH_LEN) != 0)
		goto end;
	free(hex);
	if ((hex = json_get_str(p, len, "head_hash")) == NULL ||
	    bundle_unhex(hex, strlen(hex), h->head_hash, STATIONFILE_HASH_LEN) != 0)
		goto end;
	free(hex);
	if ((hex = json_get_str(p, len, "head_sig")) == NULL ||
	    bundle_unhex(hex, strlen(hex), h->head_sig, 64) != 0)
		goto end;
	if ((h->cert = json_get_str(p, len, "cert")) == NULL)
		goto end;
	rc = 0;
end:
	free(hex);
	free(station);
	return rc;
}

int
stationfile_open(const char *data, size_t len, const char *event_tag,
                 const unsigned char key[STATIONFILE_KEY_LEN], const char *key_id,
                 const struct sign_pub *event_pub, const char *event, struct stationfile *out,
                 char **cause)
{
	const char *nl =
	    len > 0
	        ? memchr(data, '\n', len < STATIONFILE_HEADER_MAX ? len : STATIONFILE_HEADER_MAX)
	        : NULL;
	char *fmt = NULL, *tag = NULL, *station = NULL, *kid = NULL;
	unsigned char signed_[STATIONFILE_SIGNED_LEN], prev[STATIONFILE_HASH_LEN] = {0};
	unsigned long long plen = 0;
	int64_t bytes = 0, seq = 0, size = 0;
	unsigned char *z = NULL;
	uLongf plain_len;
	size_t hlen, i;
	const char *p, *end;
	int rc = -1, bad = 0;

	memset(out, 0, sizeof *out);
	if (nl == NULL || (fmt = json_get_str(data, (size_t)(nl - data), "format")) == NULL ||
	    strcmp(fmt, STATIONFILE_FORMAT) != 0 ||
	    (tag = json_get_str(data, (size_t)(nl - data), "event")) == NULL ||
	    (station = json_get_str(data, (size_t)(nl - data), "station")) == NULL ||
	    (kid = json_get_str(data, (size_t)(nl - data), "key")) == NULL ||
	    json_get_int(data, (size_t)(nl - data), "bytes", &bytes) != 0 ||
	    json_get_int(data, (size_t)(nl - data), "size", &size) != 0) {
		util_fail(cause,
		          "This is not a W.A.T. station's entries file (%s): nothing was read.",
		          fmt != NULL && strncmp(fmt, "wat-entries/", 12) == 0
		              ? "a newer format: update this station"
		              : "its first line is not one");
		goto end;
	}
	if (strcmp(tag, event_tag) != 0) {
		util_fail(cause,
		          "This file holds the entries of station %s of another event (badge tag "
		          "%s, not this event's %s): nothing was read.",
		          station, tag, event_tag);
		goto end;
	}
	if (strcmp(kid, key_id) != 0) {
		util_fail(cause,
		          "This file of station %s was not sealed with this event's key (another "
		          "event's, or a station not of this event): nothing was read.",
		          station);
		goto end;
	}
	hlen = (size_t)(nl - data) + 1;
	if (bytes < (int64_t)(STATIONFILE_NONCE + STATIONFILE_TAG) ||
	    (uint64_t)bytes != len - hlen) {
		util_fail(cause,
		          "Station %s's entries file is cut short or has bytes added (%zu bytes "
		          "after its first line, it says %" PRId64 "): nothing was read. Export it "
		          "again at that station.",
		          station, len - hlen, bytes);
		goto end;
	}
	if (size < 1 || size > (int64_t)STATIONFILE_MAX) {
		util_fail(cause, "Station %s's entries file is malformed: nothing was read.",
		          station);
		goto end;
	}
	z = xmalloc(len - hlen - STATIONFILE_NONCE - STATIONFILE_TAG + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	        z, &plen, NULL, (const unsigned char *)data + hlen + STATIONFILE_NONCE,
	        len - hlen - STATIONFILE_NONCE, (const unsigned char *)data, hlen,
	        (const unsigned char *)data + hlen, key) != 0) {
		util_fail(cause,
		          "Station %s's entries file was altered or damaged after it was written: "
		          "nothing was read.",
		          station);
		goto end;
	}
	/* inflated to the size the (authenticated) header says, exactly */
	out->plain = xmalloc((size_t)size + 1);
	plain_len = (uLongf)size;
	if (uncompress((Bytef *)out->plain, &plain_len, z, (uLong)plen) != Z_OK ||
	    plain_len != (uLongf)size) {
		util_fail(cause, "Station %s's entries file is malformed: nothing was read.",
		          station);
		goto end;
	}
	plen = plain_len;
	out->plain[plen] = '\0';
	p = out->plain;
	end = out->plain + plen;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
	    stationfile_head_parse(p, (size_t)(nl - p), &out->h) != 0 ||
	    strcmp(out->h.station, station) != 0) {
		util_fail(cause, "Station %s's entries file is malformed: nothing was read.",
		          station);
		goto end;
	}
	/* the lines: 1..head of that station, chained to the signed head */
	if (out->h.head_seq > (int64_t)(plen / 2 + 1)) {
		util_fail(cause, "Station %s's entries file is malformed: nothing was read.",
		          out->h.station);
		goto end;
	}
	out->lines = xcalloc((size_t)out->h.head_seq, sizeof *out->lines);
	out->lens = xcalloc((size_t)out->h.head_seq, sizeof *out->lens);
	for (p = nl + 1; p < end; p = nl + 1) {
		crypto_generichash_state st;
		char *s_station = NULL;
		int64_t s_seq = 0;
		size_t l;

		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		l = (size_t)(nl - p);
		seq++;
		if (seq > out->h.head_seq || json_get_int(p, l, "seq", &s_seq) != 0 ||
		    s_seq != seq || (s_station = json_get_str(p, l, "station")) == NULL ||
		    strcmp(s_station, out->h.station) != 0) {
			free(s_station);
			bad = 1;
			break;
		}
		free(s_station);
		crypto_generichash_init(&st, NULL, 0, STATIONFILE_HASH_LEN);
		crypto_generichash_update(&st, prev, STATIONFILE_HASH_LEN);
		crypto_generichash_update(&st, (const unsigned char *)p, l);
		crypto_generichash_final(&st, prev, STATIONFILE_HASH_LEN);
		if (seq == 1 && memcmp(prev, out->h.ledger, STATIONFILE_HASH_LEN) != 0) {
			bad = 1;
			break;
		}
		out->lines[out->n] = p;
		out->lens[out->n++] = l;
		if (nl == end)
			break;
	}
	if (bad || (int64_t)out->n != out->h.head_seq ||
	    memcmp(prev, out->h.head_hash, STATIONFILE_HASH_LEN) != 0) {
		util_fail(cause,
		          "Station %s's entries file does not lead to the chain head station %s "
		          "signed (an entry was altered or is missing): refused, nothing was read.",
		          out->h.station, out->h.station);
		goto end;
	}
	/* the certificate: this event's, made by its key, for this station */
	if (trust_cert_parse(out->h.cert, strlen(out->h.cert), &out->cert, NULL) != 0 ||
	    strcmp(out->cert.station, out->h.station) != 0 ||
	    trust_cert_verify(&out->cert, event_pub, NULL) != 0 ||
	    (event != NULL && strcmp(out->cert.event, event) != 0)) {
		util_fail(cause,
		          "Station %s's certificate in this file was not made by this event's key: "
		          "refused (it is not a station of this event), nothing was read.",
		          out->h.station);
		goto end;
	}
	{
		static const unsigned char zero[TRUST_LEDGER_LEN];
		if (memcmp(out->cert.ledger, zero, TRUST_LEDGER_LEN) != 0 &&
		    memcmp(out->cert.ledger, out->h.ledger, TRUST_LEDGER_LEN) != 0) {
			util_fail(cause,
			          "Station %s's file is of a ledger other than the one its "
			          "certificate names: refused, nothing was read.",
			          out->h.station);
			goto end;
		}
	}
	stationfile_signed(out->h.ledger, out->h.head_seq, out->h.head_hash, signed_);
	if (sign_verify_detached(&out->cert.station_pub, signed_, sizeof signed_,
	                         out->h.head_sig) != 0) {
		util_fail(cause,
		          "Station %s's chain head in this file is not signed by its key: refused, "
		          "nothing was read.",
		          out->h.station);
		goto end;
	}
	for (i = 0; i < out->n; i++)
		((char *)out->lines[i])[out->lens[i]] = '\0'; /* each its own string */
	rc = 0;
end:
	if (rc != 0)
		stationfile_clear(out);
	free(z);
	free(fmt);
	free(tag);
	free(station);
	free(kid);
	return rc;
}
