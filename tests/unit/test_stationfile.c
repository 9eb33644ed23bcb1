/* test_stationfile.c — a station's entries file (stationfile.h): sealed and
 * opened back with every line; refused in words, opening nothing, when a
 * byte changed, when it is cut short, of another event (its tag), sealed
 * with another key, with a certificate another key made, a head another
 * key signed, or lines that do not lead to the signed head. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "stationfile.h"
#include "strbuf.h"
#include "util.h"

static const char lines[] = "{\"seq\":1,\"station\":\"T2\",\"kind\":\"event\"}\n"
                            "{\"seq\":2,\"station\":\"T2\",\"kind\":\"lap\"}\n"
                            "{\"seq\":3,\"station\":\"T2\",\"kind\":\"lap\"}\n";

struct fx {
	struct sign_key *ev, *st, *other;
	struct sign_pub evpub, otherpub;
	struct stationfile_head h;
	unsigned char key[STATIONFILE_KEY_LEN], key2[STATIONFILE_KEY_LEN];
	char id[17], id2[17];
};

/* The chain of lines: entry 1's hash the ledger identity, the last the head. */
static void
fx_chain(const char *ls, unsigned char ledger[32], unsigned char head[32], int64_t *n)
{
	unsigned char prev[32] = {0};
	const char *p = ls, *nl;

	*n = 0;
	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		crypto_generichash_state s;
		crypto_generichash_init(&s, NULL, 0, 32);
		crypto_generichash_update(&s, prev, 32);
		crypto_generichash_update(&s, (const unsigned char *)p, (size_t)(nl - p));
		crypto_generichash_final(&s, prev, 32);
		if (++*n == 1)
			memcpy(ledger, prev, 32);
	}
	memcpy(head, prev, 32);
}

static void
fx_init(struct fx *f, const struct sign_key *cert_by, const struct sign_key *head_by)
{
	static const unsigned char badge[32] = {1, 2, 3}, badge2[32] = {9};
	struct trust_cert c;
	unsigned char msg[STATIONFILE_SIGNED_LEN];
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	strcpy(c.event, "ABCD");
	strcpy(c.station, "T2");
	c.serial = 2;
	sign_key_public(f->st, &c.station_pub);
	assert_int_equal(trust_cert_make(&c, cert_by, &cause), 0);
	free(f->h.cert); /* the last call's (f starts zeroed) */
	memset(&f->h, 0, sizeof f->h);
	strcpy(f->h.station, "T2");
	fx_chain(lines, f->h.ledger, f->h.head_hash, &f->h.head_seq);
	assert_int_equal(f->h.head_seq, 3);
	f->h.cert = trust_cert_format(&c);
	trust_cert_clear(&c);
	stationfile_signed(f->h.ledger, f->h.head_seq, f->h.head_hash, msg);
	sign_detached(head_by, msg, sizeof msg, f->h.head_sig);
	stationfile_key(badge, f->key, f->id);
	stationfile_key(badge2, f->key2, f->id2);
}

/* Opens data as this event's station ABCD would: -1 and the refusal's
 * words must hold want (NULL: must open). */
static void
fx_open(struct fx *f, const char *data, size_t len, const char *want)
{
	struct stationfile sf;
	char *cause = NULL;
	int rc = stationfile_open(data, len, "ABCD", f->key, f->id, &f->evpub, "ABCD", &sf, &cause);

	if (want == NULL) {
		if (rc != 0)
			fail_msg("refused: %s", cause);
		assert_int_equal(sf.n, 3);
		assert_string_equal(sf.lines[2], "{\"seq\":3,\"station\":\"T2\",\"kind\":\"lap\"}");
		assert_string_equal(sf.h.station, "T2");
		stationfile_clear(&sf);
		return;
	}
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("\"%s\" not in: %s", want, cause);
	assert_non_null(strstr(cause, "nothing was read"));
	free(cause);
}

static void
test_roundtrip_and_refusals(void **state)
{
	struct fx f;
	struct strbuf b = STRBUF_INIT, o = STRBUF_INIT;
	char *copy;

	(void)state;
	memset(&f, 0, sizeof f);
	sign_key_generate(&f.ev);
	sign_key_generate(&f.st);
	sign_key_generate(&f.other);
	sign_key_public(f.ev, &f.evpub);
	sign_key_public(f.other, &f.otherpub);
	fx_init(&f, f.ev, f.st);
	stationfile_seal("ABCD", f.key, &f.h, lines, strlen(lines), &b);
	assert_null(memmem(b.s, b.len, "kind", 4)); /* nothing in clear */
	fx_open(&f, b.s, b.len, NULL);
	/* one byte of the sealed part, or of the clear line, changed */
	copy = xmalloc(b.len);
	memcpy(copy, b.s, b.len);
	copy[b.len - 10] ^= 1;
	fx_open(&f, copy, b.len, "altered or damaged");
	memcpy(copy, b.s, b.len);
	*strstr(copy, "\"T2\"") = ' ';
	fx_open(&f, copy, b.len, "");
	free(copy);
	/* cut short; grown */
	fx_open(&f, b.s, b.len - 1, "cut short");
	strbuf_add(&o, b.s, b.len);
	strbuf_puts(&o, "x");
	fx_open(&f, o.s, o.len, "cut short or has bytes added");
	strbuf_free(&o);
	/* another event's tag; sealed with another event's key */
	stationfile_seal("WXYZ", f.key, &f.h, lines, strlen(lines), &o);
	fx_open(&f, o.s, o.len, "of another event");
	strbuf_free(&o);
	stationfile_seal("ABCD", f.key2, &f.h, lines, strlen(lines), &o);
	fx_open(&f, o.s, o.len, "not sealed with this event's key");
	strbuf_free(&o);
	/* lines that do not lead to the signed head: one line left out */
	stationfile_seal("ABCD", f.key, &f.h, lines, strlen(lines) - 40, &o);
	fx_open(&f, o.s, o.len, "does not lead to the chain head");
	strbuf_free(&o);
	/* not a file of ours */
	fx_open(&f, "hello\n", 6, "not a W.A.T. station's entries file");
	/* the certificate made by another key; the head signed by another */
	fx_init(&f, f.other, f.st);
	stationfile_seal("ABCD", f.key, &f.h, lines, strlen(lines), &o);
	fx_open(&f, o.s, o.len, "not made by this event's key");
	strbuf_free(&o);
	fx_init(&f, f.ev, f.other);
	stationfile_seal("ABCD", f.key, &f.h, lines, strlen(lines), &o);
	fx_open(&f, o.s, o.len, "not signed by its key");
	strbuf_free(&o);
	free(f.h.cert);
	strbuf_free(&b);
	sign_key_free(f.ev);
	sign_key_free(f.st);
	sign_key_free(f.other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip_and_refusals),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
