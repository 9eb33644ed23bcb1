/* tmpdir.h — the scratch directory the unit tests share: made in setup,
 * removed with everything in it in teardown, and the few file helpers the
 * tests use inside it.  Include after <cmocka.h>. */
#ifndef WAT_TEST_TMPDIR_H
#define WAT_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

/* Makes the directory named by tmpl ("/tmp/wat-test-NAME-XXXXXX", edited
 * in place).  Returns 0, or -1 as a cmocka setup does. */
static inline int
tmpdir_make(char *tmpl)
{
	return mkdtemp(tmpl) == NULL ? -1 : 0;
}

static inline int
tmpdir_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes dir and everything under it.  Returns 0, or -1 as a cmocka
 * teardown does. */
static inline int
tmpdir_remove(const char *dir)
{
	return nftw(dir, tmpdir_remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* dir/name, allocated. */
static inline char *
tmpdir_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static inline void
tmpdir_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, allocated (NUL-terminated); fails the test if unreadable.
 * Not inlined: gcc 12 then sees a dangling pointer through cmocka's longjmp. */
static __attribute__((noinline, unused)) unsigned char *
tmpdir_read(const char *path, size_t *len)
{
	char *data = NULL, *cause = NULL;

	if (util_read_file(path, 64u << 20, &data, len, &cause) != 0)
		fail_msg("%s", cause);
	return (unsigned char *)data;
}

#endif
