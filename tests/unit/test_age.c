/* test_age.c — age v1 files: ours open with stock `age -d`, stock `age -r`
 * files open with ours, at the chunk edges (0, 1, 65535, 65536, 65537,
 * 131072 bytes) and with two recipients; keys round-trip with age-keygen;
 * a wrong key, a cut file, trailing data and a flipped byte in the header
 * or the payload are each refused with their own sentence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "age.h"
#include "util.h"

static char tmpdir[] = "/tmp/wat-test-age-XXXXXX";
static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 131072};

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

static void
run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fail_msg("%s: exit %d", cmd, rc);
}

static unsigned char *
pattern(size_t n)
{
	unsigned char *p = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131 + (i >> 16) * 7);
	return p;
}

/* A key made by age-keygen, loaded by us. */
static void
stock_key(const char *name, struct age_identity *id, struct age_recipient *r)
{
	char *path = tmpdir_path(tmpdir, name), *cmd, *cause = NULL, *pub = NULL, line[128];
	struct age_identity ids[AGE_MAX_IDS];
	struct age_recipient r2;
	size_t n = 0;
	FILE *f;

	cmd = xasprintf("age-keygen -o '%s' 2>/dev/null", path);
	run(cmd);
	free(cmd);
	if (age_identity_load(path, ids, &n, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(n, 1);
	*id = ids[0];
	age_identity_recipient(id, r);
	cmd = xasprintf("age-keygen -y '%s'", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	pclose(f);
	if (age_recipient_parse(line, &r2, &cause) != 0)
		fail_msg("%s", cause);
	assert_memory_equal(r2.pk, r->pk, AGE_KEY_LEN);
	free(pub);
	free(cmd);
	free(path);
}

static void
test_keys_roundtrip(void **state)
{
	struct age_identity id, id2;
	struct age_recipient r, r2;
	char rs[AGE_RECIPIENT_LEN + 1], is[AGE_IDENTITY_LEN + 1], *cause = NULL, *cmd, *out;
	char *path = tmpdir_path(tmpdir, "ours.key");
	FILE *f;
	char line[128];

	age_keygen(&id);
	age_identity_recipient(&id, &r);
	age_recipient_format(&r, rs);
	age_identity_format(&id, is);
	assert_int_equal(strlen(rs), AGE_RECIPIENT_LEN);
	assert_int_equal(strlen(is), AGE_IDENTITY_LEN);
	assert_int_equal(age_recipient_parse(rs, &r2, &cause), 0);
	assert_memory_equal(r.pk, r2.pk, AGE_KEY_LEN);
	assert_int_equal(age_identity_parse(is, &id2, &cause), 0);
	assert_memory_equal(id.sk, id2.sk, AGE_KEY_LEN);
	assert_memory_equal(id.pk, id2.pk, AGE_KEY_LEN);

	/* Our identity file: age-keygen -y derives the same recipient. */
	assert_int_equal(age_identity_write(path, &id, &cause), 0);
	cmd = xasprintf("age-keygen -y '%s'", path);
	f = popen(cmd, "r");
	assert_non_null(fgets(line, sizeof line, f));
	pclose(f);
	line[strcspn(line, "\n")] = '\0';
	assert_string_equal(line, rs);
	free(cmd);
	/* Never overwritten. */
	assert_int_equal(age_identity_write(path, &id, &cause), -1);
	assert_non_null(strstr(cause, "never overwritten"));
	free(cause);
	cause = NULL;
	{
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}

	/* Refusals: case, checksum, prefix, length. */
	out = xstrdup(rs);
	out[0] = 'A';
	assert_int_equal(age_recipient_parse(out, &r2, &cause), -1);
	assert_non_null(strstr(cause, "small letters"));
	free(cause);
	cause = NULL;
	strcpy(out, rs);
	out[20] = out[20] == 'q' ? 'p' : 'q';
	assert_int_equal(age_recipient_parse(out, &r2, &cause), -1);
	assert_non_null(strstr(cause, "checksum"));
	free(cause);
	cause = NULL;
	assert_int_equal(age_recipient_parse("age1qqq", &r2, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(age_identity_parse(rs, &id2, &cause), -1);
	free(cause);
	cause = NULL;
	for (char *p = is; *p; p++)
		if ('A' <= *p && *p <= 'Z')
			*p = (char)(*p + 32);
	assert_int_equal(age_identity_parse(is, &id2, &cause), -1);
	assert_non_null(strstr(cause, "capital"));
	free(cause);
	free(out);
	free(path);
}

/* Ours → stock age -d, and stock age -r → ours, at every size. */
static void
test_interop_sizes(void **state)
{
	struct age_identity id;
	struct age_recipient r;
	char *key = tmpdir_path(tmpdir, "k.txt"), *plain = tmpdir_path(tmpdir, "plain"),
	     *sealed = tmpdir_path(tmpdir, "plain.age");
	char *back = tmpdir_path(tmpdir, "back"), *cause = NULL, *cmd;

	stock_key("k.txt", &id, &r);
	for (size_t i = 0; i < nitems(sizes); i++) {
		size_t n = sizes[i], len;
		unsigned char *p = pattern(n), *q;

		tmpdir_write(plain, p, n);
		unlink(sealed);
		if (age_encrypt_file(&r, 1, plain, sealed, &cause) != 0)
			fail_msg("%s", cause);
		q = tmpdir_read(sealed, &len);
		free(q);
		{
			/* Payload size = 16 + n + 16·max(1, ⌈n/65536⌉) after the header. */
			size_t chunks = n == 0 ? 1 : (n + 65535) / 65536;
			size_t hdr = 22 + 54 + 44 + 48;
			assert_int_equal(len, hdr + 16 + n + 16 * chunks);
		}
		cmd = xasprintf("age -d -i '%s' '%s' | cmp - '%s'", key, sealed, plain);
		run(cmd);
		free(cmd);

		unlink(sealed);
		cmd = xasprintf("age -r $(age-keygen -y '%s') -o '%s' '%s'", key, sealed, plain);
		run(cmd);
		free(cmd);
		unlink(back);
		if (age_decrypt_file(&id, 1, sealed, back, &cause) != 0)
			fail_msg("size %zu: %s", n, cause);
		q = tmpdir_read(back, &len);
		assert_int_equal(len, n);
		if (n > 0)
			assert_memory_equal(p, q, n);
		free(q);
		free(p);
	}
	age_identity_wipe(&id);
	free(key);
	free(plain);
	free(sealed);
	free(back);
}

static void
test_two_recipients(void **state)
{
	struct age_identity a, b, other, both[2];
	struct age_recipient r[2];
	char *pa = tmpdir_path(tmpdir, "a.txt"), *pb = tmpdir_path(tmpdir, "b.txt"),
	     *plain = tmpdir_path(tmpdir, "two");
	char *sealed = tmpdir_path(tmpdir, "two.age"), *back = tmpdir_path(tmpdir, "two.back"),
	     *cause = NULL, *cmd;
	unsigned char *p = pattern(70000), *q;
	size_t len;

	stock_key("a.txt", &a, &r[0]);
	stock_key("b.txt", &b, &r[1]);
	tmpdir_write(plain, p, 70000);
	assert_int_equal(age_encrypt_file(r, 2, plain, sealed, &cause), 0);
	cmd = xasprintf("age -d -i '%s' '%s' | cmp - '%s' && age -d -i '%s' '%s' | cmp - '%s'", pa,
	                sealed, plain, pb, sealed, plain);
	run(cmd);
	free(cmd);
	assert_int_equal(age_decrypt_file(&b, 1, sealed, back, &cause), 0);
	q = tmpdir_read(back, &len);
	assert_int_equal(len, 70000);
	assert_memory_equal(p, q, len);
	free(q);
	/* A stock file to two recipients; several of our keys tried in turn. */
	unlink(sealed);
	cmd = xasprintf("age -r $(age-keygen -y '%s') -r $(age-keygen -y '%s') -o '%s' '%s'", pa,
	                pb, sealed, plain);
	run(cmd);
	free(cmd);
	age_keygen(&other);
	both[0] = other;
	both[1] = b;
	unlink(back);
	assert_int_equal(age_decrypt_file(both, 2, sealed, back, &cause), 0);
	/* Wrong key: in words, nothing left behind. */
	unlink(back);
	assert_int_equal(age_decrypt_file(&other, 1, sealed, back, &cause), -1);
	assert_non_null(strstr(cause, "not sealed to this key"));
	assert_int_equal(access(back, F_OK), -1);
	free(cause);
	free(p);
	free(pa);
	free(pb);
	free(plain);
	free(sealed);
	free(back);
}

/* Opens data (written to a file) with id; returns the cause or NULL. */
static char *
open_bytes(const struct age_identity *id, const unsigned char *data, size_t len)
{
	char *in = tmpdir_path(tmpdir, "bad.age"), *out = tmpdir_path(tmpdir, "bad.out"),
	     *cause = NULL;

	tmpdir_write(in, data, len);
	unlink(out);
	if (age_decrypt_file(id, 1, in, out, &cause) == 0) {
		free(cause);
		cause = NULL;
	} else {
		assert_int_equal(access(out, F_OK), -1);
	}
	free(in);
	free(out);
	return cause;
}

static void
expect(const struct age_identity *id, const unsigned char *data, size_t len, const char *words)
{
	char *cause = open_bytes(id, data, len);

	if (cause == NULL)
		fail_msg("accepted; expected \"%s\"", words);
	if (strstr(cause, words) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, words);
	free(cause);
}

static void
test_damage(void **state)
{
	struct age_identity id;
	struct age_recipient r;
	char *plain = tmpdir_path(tmpdir, "d"), *sealed = tmpdir_path(tmpdir, "d.age"),
	     *cause = NULL;
	unsigned char *p = pattern(131072), *s, *copy;
	size_t len, hdr;

	age_keygen(&id);
	age_identity_recipient(&id, &r);
	tmpdir_write(plain, p, 131072);
	assert_int_equal(age_encrypt_file(&r, 1, plain, sealed, &cause), 0);
	s = tmpdir_read(sealed, &len);
	hdr = (size_t)((unsigned char *)strstr((char *)s, "\n---") - s);
	hdr += 1 + 48;
	copy = xmalloc(len + 16);

	assert_null(open_bytes(&id, s, len));
	/* Truncated: inside the header, after it, inside the payload, at a
	 * chunk boundary (a full non-final chunk looks final). */
	expect(&id, s, 30, "truncated");
	expect(&id, s, hdr, "truncated");
	expect(&id, s, hdr + 16 + 100, "damaged");
	expect(&id, s, hdr + 16 + 65552, "truncated");
	/* Trailing data after a full final chunk. */
	memcpy(copy, s, len);
	memcpy(copy + len, "x", 1);
	expect(&id, copy, len + 1, "trailing data");
	/* A flipped byte in the header's stanza, in the MAC, in the payload. */
	for (size_t at = 0; at < len; at += (at < hdr ? 7 : 4099)) {
		memcpy(copy, s, len);
		copy[at] ^= 0x01;
		cause = open_bytes(&id, copy, len);
		if (cause == NULL)
			fail_msg("a flipped byte at %zu was accepted", at);
		free(cause);
	}
	memcpy(copy, s, len);
	copy[hdr - 5] ^= 0x02; /* the MAC */
	expect(&id, copy, len, "damaged");
	memcpy(copy, s, len);
	copy[hdr + 16 + 70000] ^= 0x80; /* second chunk */
	expect(&id, copy, len, "part 2");
	/* Not an age file, empty, CRLF header. */
	expect(&id, (const unsigned char *)"PK\3\4zip", 7, "not a sealed");
	expect(&id, (const unsigned char *)"", 0, "empty");
	{
		size_t k = 0;
		for (size_t i = 0; i < 22; i++)
			copy[k++] = s[i];
		copy[k - 1] = '\r';
		copy[k++] = '\n';
		memcpy(copy + k, s + 22, len - 22);
		expect(&id, copy, len + 1, "not a sealed");
	}
	free(copy);
	free(s);
	free(p);
	free(plain);
	free(sealed);
}

/* In memory: the same bytes as through files, stock age opens them. */
static void
test_mem(void **state)
{
	struct age_identity id;
	struct age_recipient r;
	char *key = tmpdir_path(tmpdir, "m.txt"), *sealed = tmpdir_path(tmpdir, "m.age"),
	     *plain = tmpdir_path(tmpdir, "m"), *cmd;
	char *cause = NULL;

	stock_key("m.txt", &id, &r);
	for (size_t i = 0; i < nitems(sizes); i++) {
		size_t n = sizes[i], slen, blen;
		unsigned char *p = pattern(n), *s, *b;

		assert_int_equal(age_encrypt_mem(&r, 1, p, n, &s, &slen, &cause), 0);
		tmpdir_write(sealed, s, slen);
		tmpdir_write(plain, p, n);
		cmd = xasprintf("age -d -i '%s' '%s' | cmp - '%s'", key, sealed, plain);
		run(cmd);
		free(cmd);
		assert_int_equal(age_decrypt_mem(&id, 1, s, slen, "m.age", &b, &blen, &cause), 0);
		assert_int_equal(blen, n);
		if (n > 0)
			assert_memory_equal(b, p, n);
		free(b);
		s[slen - 5] ^= 4; /* the last tag */
		assert_int_equal(age_decrypt_mem(&id, 1, s, slen, "m.age", &b, &blen, &cause), -1);
		assert_non_null(strstr(cause, "m.age is damaged"));
		free(cause);
		cause = NULL;
		free(s);
		free(p);
	}
	free(key);
	free(sealed);
	free(plain);
}

/* Streaming: a 40 MB file goes through pipes without being held whole. */
static void
test_stream_pipe(void **state)
{
	struct age_identity id;
	struct age_recipient r;
	char *sealed = tmpdir_path(tmpdir, "big.age"), *cause = NULL;
	int fds[2], out, in, devnull;
	pid_t pid;

	age_keygen(&id);
	age_identity_recipient(&id, &r);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		unsigned char *buf = pattern(1 << 20);
		close(fds[0]);
		for (int i = 0; i < 40; i++)
			if (write(fds[1], buf, 1 << 20) != 1 << 20)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	out = open(sealed, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(age_encrypt(&r, 1, fds[0], out, &cause), 0);
	close(out);
	close(fds[0]);
	in = open(sealed, O_RDONLY);
	devnull = open("/dev/null", O_WRONLY);
	assert_int_equal(age_decrypt(&id, 1, in, devnull, &cause), 0);
	close(in);
	close(devnull);
	free(sealed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys_roundtrip),
	    cmocka_unit_test(test_interop_sizes),
	    cmocka_unit_test(test_two_recipients),
	    cmocka_unit_test(test_damage),
	    cmocka_unit_test(test_mem),
	    cmocka_unit_test(test_stream_pipe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
