/* test_sign.c — the station key and minisign signatures: ours verify with
 * ours and with stock minisign (when installed), a flipped byte anywhere
 * fails, another key is named as such. */
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

#include "sign.h"
#include "util.h"

static char tmpdir[] = "/tmp/wat-test-sign-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(tmpdir);
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(tmpdir);
}

static struct sign_key *
open_key(const char *sub)
{
	char *dir = tmpdir_path(tmpdir, sub), *cause = NULL;
	struct sign_key *k = NULL;

	if (sign_key_open(dir, &k, &cause) != 0)
		fail_msg("%s", cause);
	free(dir);
	return k;
}

static void
test_key_files(void **state)
{
	struct sign_key *k = open_key("keys"), *k2 = open_key("keys");
	struct sign_pub a, b, c;
	char *key = tmpdir_path(tmpdir, "keys/station.key"),
	     *pub = tmpdir_path(tmpdir, "keys/station.pub");
	char *cause = NULL, *text;
	struct stat sb;

	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	sign_key_public(k, &a);
	sign_key_public(k2, &b); /* opened again: the same key, not a new one */
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(sign_pub_load(pub, &c, &cause), 0);
	assert_memory_equal(&a, &c, sizeof a);
	text = sign_pub_format(&a);
	assert_true(strncmp(text, "untrusted comment: minisign public key ", 39) == 0);
	assert_int_equal(strlen(strchr(text, '\n') + 1), 57);
	assert_true(strncmp(strchr(text, '\n') + 1, "RW", 2) == 0);
	free(text);

	/* A key others can read is refused with the fix in the message. */
	assert_int_equal(chmod(key, 0644), 0);
	sign_key_free(k2);
	k2 = NULL;
	{
		char *dir = tmpdir_path(tmpdir, "keys");
		assert_int_equal(sign_key_open(dir, &k2, &cause), -1);
		free(dir);
	}
	assert_non_null(strstr(cause, "chmod 600"));
	free(cause);
	assert_int_equal(chmod(key, 0600), 0);

	sign_key_free(k);
	free(key);
	free(pub);
}

static void
test_roundtrip_and_tamper(void **state)
{
	struct sign_key *k = open_key("keys"), *other = open_key("other");
	struct sign_pub pub, opub;
	const char data[] = "walkers,laps\n42,7\n";
	char *sig = NULL, *trusted = NULL, *cause = NULL, *bad;
	size_t i, n;

	sign_key_public(k, &pub);
	sign_key_public(other, &opub);
	assert_int_equal(
	    sign_data(k, data, sizeof data - 1, "event:Jackson\tstation:T1", NULL, &sig, &cause),
	    0);
	assert_int_equal(
	    sign_verify(&pub, data, sizeof data - 1, sig, strlen(sig), &trusted, &cause), 0);
	assert_string_equal(trusted, "event:Jackson\tstation:T1");
	free(trusted);

	/* Every single flipped byte of the data fails. */
	bad = xstrdup(data);
	for (i = 0; i < sizeof data - 1; i++) {
		bad[i] ^= 1;
		assert_int_equal(
		    sign_verify(&pub, bad, sizeof data - 1, sig, strlen(sig), NULL, &cause), -1);
		assert_non_null(strstr(cause, "changed"));
		free(cause);
		cause = NULL;
		bad[i] ^= 1;
	}
	free(bad);

	/* A changed trusted comment or signature line fails; another key is named. */
	bad = xstrdup(sig);
	*strstr(bad, "Jackson") = 'j';
	assert_int_equal(sign_verify(&pub, data, sizeof data - 1, bad, strlen(bad), NULL, &cause),
	                 -1);
	assert_non_null(strstr(cause, "trusted comment"));
	free(cause);
	free(bad);
	assert_int_equal(sign_verify(&opub, data, sizeof data - 1, sig, strlen(sig), NULL, &cause),
	                 -1);
	assert_non_null(strstr(cause, "another key"));
	free(cause);

	/* Any byte of the .minisig flipped: refused, never a crash. */
	n = strlen(sig);
	bad = xstrdup(sig);
	for (i = 0; i < n; i++) {
		bad[i] ^= 0x20;
		if (sign_verify(&pub, data, sizeof data - 1, bad, n, NULL, &cause) == 0)
			/* only the untrusted comment may change freely */
			assert_true(i < strcspn(sig, "\n"));
		else
			free(cause);
		cause = NULL;
		bad[i] ^= 0x20;
	}
	free(bad);

	/* Control characters are refused in the trusted comment. */
	assert_int_equal(sign_data(k, data, 3, "a\nb", NULL, &bad, &cause), -1);
	free(cause);

	free(sig);
	sign_key_free(other);
	sign_key_free(k);
}

/* Stock minisign (Debian's 0.11) accepts our signatures and signs with our key. */
static void
test_stock_minisign(void **state)
{
	struct sign_key *k = open_key("keys");
	struct sign_pub pub;
	char *file = tmpdir_path(tmpdir, "data.bin"),
	     *sigpath = tmpdir_path(tmpdir, "data.bin.minisig");
	char *pubpath = tmpdir_path(tmpdir, "keys/station.pub"),
	     *keypath = tmpdir_path(tmpdir, "keys/station.key");
	char *sig = NULL, *cause = NULL, *cmd, *data = NULL, *msig = NULL;
	size_t len, slen;
	unsigned char bytes[3000];
	size_t i;

	if (system("command -v minisign >/dev/null 2>&1") != 0) {
		sign_key_free(k);
		skip();
	}
	for (i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(i * 7);
	tmpdir_write(file, bytes, sizeof bytes);
	sign_key_public(k, &pub);
	assert_int_equal(sign_data(k, bytes, sizeof bytes, "event:Test\tstation:T1\texport:1", NULL,
	                           &sig, &cause),
	                 0);
	tmpdir_write(sigpath, sig, strlen(sig));
	cmd = xasprintf("minisign -Vm '%s' -p '%s' >/dev/null", file, pubpath);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	cmd = xasprintf("minisign -H -Vm '%s' -p '%s' >/dev/null", file, pubpath);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* flipped byte: stock minisign refuses too */
	bytes[100] ^= 1;
	tmpdir_write(file, bytes, sizeof bytes);
	cmd = xasprintf("minisign -Vm '%s' -p '%s' >/dev/null 2>&1", file, pubpath);
	assert_int_not_equal(system(cmd), 0);
	free(cmd);

	/* minisign signs with our secret key file; we verify its signature */
	cmd = xasprintf("minisign -S -s '%s' -m '%s' -t 'from stock' </dev/null >/dev/null 2>&1",
	                keypath, file);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(util_read_file(sigpath, 65536, &msig, &slen, &cause), 0);
	assert_int_equal(util_read_file(file, 65536, &data, &len, &cause), 0);
	if (sign_verify(&pub, data, len, msig, slen, NULL, &cause) != 0)
		fail_msg("%s", cause);

	free(msig);
	free(data);
	free(sig);
	free(keypath);
	free(pubpath);
	free(sigpath);
	free(file);
	sign_key_free(k);
}

static void
test_parse_garbage(void **state)
{
	const char *cases[] = {
	    "",
	    "untrusted comment: x\n",
	    "untrusted comment: x\nRUQ=\ntrusted comment: a\nAAAA\n",
	    "untrusted comment: x\n\n\n\n",
	    "hello world",
	};
	struct sign_sig s;
	struct sign_pub p;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		assert_int_equal(sign_sig_parse(cases[i], strlen(cases[i]), &s, &cause), -1);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
		assert_int_equal(sign_pub_parse(cases[i], strlen(cases[i]), &p, &cause), -1);
		free(cause);
		cause = NULL;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_files),
	    cmocka_unit_test(test_roundtrip_and_tamper),
	    cmocka_unit_test(test_stock_minisign),
	    cmocka_unit_test(test_parse_garbage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
