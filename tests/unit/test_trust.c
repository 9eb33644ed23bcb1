/* test_trust.c — charters, certificates and HQ key rotations: each made,
 * formatted, parsed back and verified; a changed byte, another key, a bad
 * field (named in the refusal) and a broken rotation chain are refused; the
 * body and its signature check with stock minisign when installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "trust.h"
#include "util.h"

#define SEAL   "age1efdlhdggf8pp6ncmr8mfmfgcpq8vhpyc0l0j5vxky6anjwt2tyysjscqqr"
#define BACKUP "age1ardywnqknvwf0pr26wz4a68tha338hczjn8y7v639n6md9ey4a8qn5w0n3"

static char tmpdir[] = "/tmp/wat-test-trust-XXXXXX";

static int
setup(void **state)
{
	return tmpdir_make(tmpdir);
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(tmpdir);
}

static void
charter_fill(struct trust_charter *c, const struct sign_key *ev)
{
	memset(c, 0, sizeof *c);
	strcpy(c->event, "2026-jackson-ms");
	strcpy(c->name, "Walk Against Traffick — Jackson");
	strcpy(c->city, "Jackson, MS");
	strcpy(c->date, "2026-05-02");
	strcpy(c->org, "International Outreach Ministries");
	strcpy(c->ein, "64-0123456");
	strcpy(c->inbox, "https://hq.example.org/inbox");
	strcpy(c->upload_code, "K7Q-22XM");
	strcpy(c->hq_seal, SEAL);
	strcpy(c->hq_backup, BACKUP);
	sign_key_public(ev, &c->event_pub);
}

static void
test_charter_roundtrip(void **state)
{
	struct sign_key *hq = NULL, *ev = NULL, *other = NULL;
	struct sign_pub hqpub, otherpub;
	struct trust_charter c, d;
	char *text, *cause = NULL;

	sign_key_generate(&hq);
	sign_key_generate(&ev);
	sign_key_generate(&other);
	sign_key_public(hq, &hqpub);
	sign_key_public(other, &otherpub);
	charter_fill(&c, ev);
	assert_int_equal(trust_charter_make(&c, hq, &cause), 0);
	text = trust_charter_format(&c);
	assert_non_null(text);
	assert_int_equal(trust_charter_parse(text, strlen(text), &d, &cause), 0);
	assert_string_equal(d.name, c.name);
	assert_string_equal(d.ein, c.ein);
	assert_memory_equal(&d.event_pub, &c.event_pub, sizeof d.event_pub);
	assert_int_equal(trust_charter_verify(&d, &hqpub, &cause), 0);
	/* another HQ key */
	assert_int_equal(trust_charter_verify(&d, &otherpub, &cause), -1);
	assert_non_null(strstr(cause, "not issued by this HQ"));
	free(cause), cause = NULL;
	/* a charter re-signed by another key that names HQ's key */
	d.hq = hqpub;
	free(d.minisig), d.minisig = NULL;
	{
		struct trust_charter e = d;
		e.minisig = NULL;
		assert_int_equal(trust_charter_make(&e, other, &cause), 0);
		e.hq = hqpub; /* claims HQ's key */
		assert_int_equal(trust_charter_verify(&e, &hqpub, &cause), -1);
		assert_non_null(cause);
		free(cause), cause = NULL;
		trust_charter_clear(&e);
	}
	trust_charter_clear(&d);
	/* every byte of the body changed in turn: refused by parse or verify */
	for (size_t i = 0; text[i] != '\n'; i++) {
		char *t = xstrdup(text);
		int rc;
		t[i] ^= 0x01;
		rc = trust_charter_parse(t, strlen(t), &d, &cause);
		if (rc == 0)
			rc = trust_charter_verify(&d, &hqpub, &cause);
		assert_int_equal(rc, -1);
		assert_non_null(cause);
		free(cause), cause = NULL;
		trust_charter_clear(&d);
		free(t);
	}
	free(text);
	trust_charter_clear(&c);
	sign_key_free(hq);
	sign_key_free(ev);
	sign_key_free(other);
}

/* A body with one member's value replaced: its refusal names the member. */
static void
test_charter_fields_named(void **state)
{
	static const struct {
		const char *key, *bad;
	} cases[] = {
	    {"event", "\"has space\""}, {"name", "\"\""},
	    {"city", "\"a\\u001bb\""},  {"date", "\"2026-02-30\""},
	    {"ein", "\"640123456\""},   {"inbox", "\"ftp://x\""},
	    {"upload_code", "\"a b\""}, {"hq_pub", "\"RWQ\""},
	    {"hq_seal", "\"age1xyz\""}, {"hq_backup", "\"age2" BACKUP "\""},
	    {"event_pub", "12"},        {"format", "\"wat-charter/2\""},
	};
	struct sign_key *hq = NULL, *ev = NULL;
	struct trust_charter c, d;
	char *text, *cause = NULL;
	size_t i;

	sign_key_generate(&hq);
	sign_key_generate(&ev);
	charter_fill(&c, ev);
	assert_int_equal(trust_charter_make(&c, hq, &cause), 0);
	text = trust_charter_format(&c);
	for (i = 0; i < nitems(cases); i++) {
		char *key = xasprintf("\"%s\":", cases[i].key), *p = strstr(text, key), *q, *t;
		assert_non_null(p);
		p += strlen(key);
		q = p + 1;
		if (*p == '"')
			q = strchr(p + 1, '"') + 1;
		t = xasprintf("%.*s%s%s", (int)(p - text), text, cases[i].bad, q);
		assert_int_equal(trust_charter_parse(t, strlen(t), &d, &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, cases[i].key) == NULL)
			fail_msg("%s: refusal does not name it: %s", cases[i].key, cause);
		free(cause), cause = NULL;
		free(t);
		free(key);
	}
	/* an unknown member, spaces, no signature */
	{
		char *t = xasprintf("{\"extra\":1,%s", text + 1);
		assert_int_equal(trust_charter_parse(t, strlen(t), &d, &cause), -1);
		assert_non_null(strstr(cause, "extra"));
		free(cause), cause = NULL;
		free(t);
		t = xasprintf("{ %s", text + 1);
		assert_int_equal(trust_charter_parse(t, strlen(t), &d, &cause), -1);
		assert_non_null(strstr(cause, "not written as W.A.T. writes it"));
		free(cause), cause = NULL;
		free(t);
		t = trust_charter_body(&c);
		assert_int_equal(trust_charter_parse(t, strlen(t), &d, &cause), -1);
		assert_non_null(strstr(cause, "signature"));
		free(cause), cause = NULL;
		free(t);
	}
	/* a NUL in the signature's comment (found by fuzz_charter: the copy kept
	 * stopped at it, so the charter did not write back as it was read) */
	{
		size_t n = strlen(text);
		char *t = xmalloc(n + 1), *u;
		memcpy(t, text, n + 1);
		u = strstr(t, "untrusted comment: W.A.") + 21;
		*u = '\0';
		assert_int_equal(trust_charter_parse(t, n, &d, &cause), -1);
		assert_non_null(strstr(cause, "NUL"));
		free(cause), cause = NULL;
		free(t);
	}
	/* make refuses what parse refuses */
	strcpy(c.ein, "12");
	assert_int_equal(trust_charter_make(&c, hq, &cause), -1);
	assert_non_null(strstr(cause, "EIN"));
	free(cause);
	free(text);
	trust_charter_clear(&c);
	sign_key_free(hq);
	sign_key_free(ev);
}

static void
test_cert_roundtrip(void **state)
{
	struct sign_key *ev = NULL, *st = NULL, *other = NULL;
	struct sign_pub evpub, otherpub;
	struct trust_cert c, d;
	char *text, *cause = NULL;

	sign_key_generate(&ev);
	sign_key_generate(&st);
	sign_key_generate(&other);
	sign_key_public(ev, &evpub);
	sign_key_public(other, &otherpub);
	memset(&c, 0, sizeof c);
	strcpy(c.event, "2026-jackson-ms");
	strcpy(c.station, "T1");
	for (int i = 0; i < TRUST_LEDGER_LEN; i++)
		c.ledger[i] = (unsigned char)(i * 7);
	c.serial = 1;
	sign_key_public(st, &c.station_pub);
	assert_int_equal(trust_cert_make(&c, ev, &cause), 0);
	text = trust_cert_format(&c);
	assert_int_equal(trust_cert_parse(text, strlen(text), &d, &cause), 0);
	assert_memory_equal(d.ledger, c.ledger, TRUST_LEDGER_LEN);
	assert_memory_equal(d.event_key, evpub.id, SIGN_KEYID_LEN);
	assert_int_equal(d.serial, 1);
	assert_int_equal(trust_cert_verify(&d, &evpub, &cause), 0);
	assert_int_equal(trust_cert_verify(&d, &otherpub, &cause), -1);
	assert_non_null(strstr(cause, "event key"));
	free(cause), cause = NULL;
	trust_cert_clear(&d);
	/* another serial or station in the body: the signature fails */
	{
		char *t = xstrdup(text), *p = strstr(t, "\"serial\":1");
		p[9] = '2';
		assert_int_equal(trust_cert_parse(t, strlen(t), &d, &cause), 0);
		assert_int_equal(trust_cert_verify(&d, &evpub, &cause), -1);
		free(cause), cause = NULL;
		trust_cert_clear(&d);
		p[9] = '0';
		assert_int_equal(trust_cert_parse(t, strlen(t), &d, &cause), -1);
		assert_non_null(strstr(cause, "serial"));
		free(cause), cause = NULL;
		free(t);
	}
	/* a joining station's certificate: no ledger yet */
	memset(c.ledger, 0, sizeof c.ledger);
	c.serial = 2;
	strcpy(c.station, "T2");
	assert_int_equal(trust_cert_make(&c, ev, &cause), 0);
	free(text);
	text = trust_cert_format(&c);
	assert_non_null(strstr(text, "\"ledger\":\"0000"));
	assert_int_equal(trust_cert_parse(text, strlen(text), &d, &cause), 0);
	assert_int_equal(trust_cert_verify(&d, &evpub, &cause), 0);
	trust_cert_clear(&d);
	/* station ids the ledger would refuse */
	strcpy(c.station, "T 2");
	assert_int_equal(trust_cert_make(&c, ev, &cause), -1);
	assert_non_null(strstr(cause, "station id"));
	free(cause);
	free(text);
	trust_cert_clear(&c);
	sign_key_free(ev);
	sign_key_free(st);
	sign_key_free(other);
}

static char *
rotate(const struct sign_key *old, const struct sign_key *new_key)
{
	struct trust_rotation r;
	char *cause = NULL, *text;

	memset(&r, 0, sizeof r);
	sign_key_public(new_key, &r.new_key);
	strcpy(r.seal, SEAL);
	strcpy(r.backup, BACKUP);
	strcpy(r.date, "2026-06-01");
	assert_int_equal(trust_rotation_make(&r, old, &cause), 0);
	text = trust_rotation_format(&r);
	trust_rotation_clear(&r);
	return text;
}

static void
test_rotation_chain(void **state)
{
	struct sign_key *k0 = NULL, *k1 = NULL, *k2 = NULL, *ev = NULL;
	struct sign_pub p0, p2;
	struct trust_hq hq;
	struct trust_charter c;
	char *r1, *r2, *chain, *bad, *cause = NULL;

	sign_key_generate(&k0);
	sign_key_generate(&k1);
	sign_key_generate(&k2);
	sign_key_generate(&ev);
	sign_key_public(k0, &p0);
	sign_key_public(k2, &p2);
	r1 = rotate(k0, k1);
	r2 = rotate(k1, k2);
	chain = xasprintf("%s%s", r1, r2);
	assert_int_equal(trust_hq_chain(&p0, chain, strlen(chain), &hq, &cause), 0);
	assert_int_equal(hq.n, 3);
	assert_memory_equal(&hq.keys[2], &p2, sizeof p2);
	assert_string_equal(hq.seal, SEAL);
	/* a charter signed by the newest key is trusted through the chain */
	charter_fill(&c, ev);
	assert_int_equal(trust_charter_make(&c, k2, &cause), 0);
	assert_int_equal(trust_charter_verify_hq(&c, &hq, &cause), 0);
	/* without the announcements it is not */
	assert_int_equal(trust_hq_chain(&p0, NULL, 0, &hq, &cause), 0);
	assert_int_equal(trust_charter_verify_hq(&c, &hq, &cause), -1);
	assert_non_null(strstr(cause, "does not trust"));
	free(cause), cause = NULL;
	/* out of order: the second is not signed by the root */
	free(chain);
	chain = xasprintf("%s%s", r2, r1);
	assert_int_equal(trust_hq_chain(&p0, chain, strlen(chain), &hq, &cause), -1);
	assert_non_null(strstr(cause, "broken"));
	free(cause), cause = NULL;
	/* a forged announcement: one made by a key not in the chain */
	bad = rotate(ev, k2);
	assert_int_equal(trust_hq_chain(&p0, bad, strlen(bad), &hq, &cause), -1);
	free(cause), cause = NULL;
	/* a tampered one */
	bad[20] ^= 1;
	assert_int_equal(trust_hq_chain(&p0, bad, strlen(bad), &hq, &cause), -1);
	assert_non_null(strstr(cause, "rotation 1"));
	free(cause);
	free(bad);
	free(chain);
	free(r1);
	free(r2);
	trust_charter_clear(&c);
	sign_key_free(k0);
	sign_key_free(k1);
	sign_key_free(k2);
	sign_key_free(ev);
}

/* The body and its signature, split, check with stock minisign. */
static void
test_stock_minisign(void **state)
{
	struct sign_key *hq = NULL, *ev = NULL;
	struct sign_pub pub;
	struct trust_charter c;
	char *text, *body, *cause = NULL, *cmd, *pubtext;
	FILE *f;
	int rc;

	if (system("command -v minisign >/dev/null 2>&1") != 0) {
		skip();
		return;
	}
	sign_key_generate(&hq);
	sign_key_generate(&ev);
	sign_key_public(hq, &pub);
	charter_fill(&c, ev);
	assert_int_equal(trust_charter_make(&c, hq, &cause), 0);
	body = trust_charter_body(&c);
	text = xasprintf("%s/body", tmpdir);
	f = fopen(text, "w");
	fputs(body, f);
	fclose(f);
	free(text);
	text = xasprintf("%s/body.minisig", tmpdir);
	f = fopen(text, "w");
	fputs(c.minisig, f);
	fclose(f);
	free(text);
	pubtext = sign_pub_format(&pub);
	text = xasprintf("%s/hq.pub", tmpdir);
	f = fopen(text, "w");
	fputs(pubtext, f);
	fclose(f);
	free(text);
	cmd = xasprintf("cd '%s' && minisign -Vm body -p hq.pub -q", tmpdir);
	rc = system(cmd);
	assert_int_equal(rc, 0);
	free(cmd);
	cmd = xasprintf("cd '%s' && echo x >> body && minisign -Vm body -p hq.pub -q 2>/dev/null",
	                tmpdir);
	assert_int_not_equal(system(cmd), 0);
	free(cmd);
	free(pubtext);
	free(body);
	trust_charter_clear(&c);
	sign_key_free(hq);
	sign_key_free(ev);
}

static void
test_hq_load(void **state)
{
	struct sign_key *k0 = NULL, *k1 = NULL;
	struct trust_hq hq;
	char *dir = xasprintf("%s/hq", tmpdir), *path, *r, *cause = NULL;
	FILE *f;

	assert_int_equal(mkdir(dir, 0700), 0);
	path = xasprintf("%s/hq.key", dir);
	free(path);
	sign_key_generate(&k0);
	sign_key_generate(&k1);
	path = xasprintf("%s/hq.key", dir);
	{
		char *pub = xasprintf("%s/hq.pub", dir);
		assert_int_equal(sign_key_save(k0, path, pub, "HQ", &cause), 0);
		free(pub);
	}
	free(path);
	path = xasprintf("%s/hq-seal.pub", dir);
	f = fopen(path, "w");
	fputs(SEAL "\n", f);
	fclose(f);
	free(path);
	assert_int_equal(trust_hq_load(dir, &hq, &cause), 0);
	assert_int_equal(hq.n, 1);
	assert_string_equal(hq.seal, SEAL);
	assert_string_equal(hq.backup, "");
	r = rotate(k0, k1);
	path = xasprintf("%s/hq-rotations", dir);
	f = fopen(path, "w");
	fputs(r, f);
	fclose(f);
	assert_int_equal(trust_hq_load(dir, &hq, &cause), 0);
	assert_int_equal(hq.n, 2);
	assert_string_equal(hq.backup, BACKUP);
	f = fopen(path, "a");
	fputs("garbage\n", f);
	fclose(f);
	assert_int_equal(trust_hq_load(dir, &hq, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(path);
	free(r);
	free(dir);
	sign_key_free(k0);
	sign_key_free(k1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_charter_roundtrip), cmocka_unit_test(test_charter_fields_named),
	    cmocka_unit_test(test_cert_roundtrip),    cmocka_unit_test(test_rotation_chain),
	    cmocka_unit_test(test_stock_minisign),    cmocka_unit_test(test_hq_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
