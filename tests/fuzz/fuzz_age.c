/* libFuzzer target for age.c: any bytes given as a sealed file are opened
 * or refused with a sentence (header and payload parsing); any bytes given
 * as plain text seal and open back the same, and one flipped byte of the
 * sealed form is refused; any text given as a key parses or is refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "age.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_fd(const void *data, size_t len)
{
	int fd = memfd_create("fuzz-age", 0);

	if (fd == -1)
		abort();
	if (len > 0 && write(fd, data, len) != (ssize_t)len)
		abort();
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static size_t
fuzz_size(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	lseek(fd, 0, SEEK_SET);
	return (size_t)end;
}

/* The identity of tests/fuzz/seeds/fuzz_age (sk = 1, 2, ..., 32). */
static void
fuzz_key(struct age_identity *id)
{
	char text[AGE_IDENTITY_LEN + 1];

	for (int i = 0; i < AGE_KEY_LEN; i++)
		id->sk[i] = (unsigned char)(i + 1);
	age_identity_format(id, text);
	if (age_identity_parse(text, id, NULL) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct age_identity id;
	struct age_recipient r;
	char *cause = NULL, *text;
	int in, out, rc;

	if (size < 1 || size > 200000)
		return 0;
	fuzz_key(&id);
	age_identity_recipient(&id, &r);
	switch (data[0] % 3) {
	case 0: /* a sealed file */
		in = fuzz_fd(data + 1, size - 1);
		out = fuzz_fd(NULL, 0);
		rc = age_decrypt(&id, 1, in, out, &cause);
		if ((rc == 0) != (cause == NULL))
			abort();
		close(in);
		close(out);
		break;
	case 1: { /* plain bytes: seal, open, compare; then one flipped byte */
		unsigned char *sealed, *back;
		size_t slen, at;

		in = fuzz_fd(data + 1, size - 1);
		out = fuzz_fd(NULL, 0);
		if (age_encrypt(&r, 1, in, out, NULL) != 0)
			abort();
		slen = fuzz_size(out);
		sealed = malloc(slen);
		if (read(out, sealed, slen) != (ssize_t)slen)
			abort();
		close(in);
		close(out);
		in = fuzz_fd(sealed, slen);
		out = fuzz_fd(NULL, 0);
		if (age_decrypt(&id, 1, in, out, NULL) != 0 || fuzz_size(out) != size - 1)
			abort();
		back = malloc(size);
		if (size > 1 && (read(out, back, size - 1) != (ssize_t)(size - 1) ||
		                 memcmp(back, data + 1, size - 1) != 0))
			abort();
		close(in);
		close(out);
		at = size > 2 ? ((size_t)data[1] * 257 + data[2]) % slen : 0;
		sealed[at] ^= (unsigned char)(1u << (size % 8));
		in = fuzz_fd(sealed, slen);
		out = fuzz_fd(NULL, 0);
		if (age_decrypt(&id, 1, in, out, &cause) == 0 || cause == NULL)
			abort();
		close(in);
		close(out);
		free(back);
		free(sealed);
		break;
	}
	default: /* a key typed or read from a file */
		text = xstrndup((const char *)data + 1, size - 1);
		{
			struct age_identity k;
			struct age_recipient kr;
			char again[AGE_IDENTITY_LEN + 1];
			if (age_identity_parse(text, &k, NULL) == 0) {
				age_identity_format(&k, again);
				if (strncasecmp(again, text + strspn(text, " \t"),
				                AGE_IDENTITY_LEN) != 0)
					abort();
			}
			if (age_recipient_parse(text, &kr, NULL) == 0) {
				age_recipient_format(&kr, again);
				if (strncmp(again, text + strspn(text, " \t"), AGE_RECIPIENT_LEN) !=
				    0)
					abort();
			}
		}
		free(text);
		break;
	}
	free(cause);
	return 0;
}
