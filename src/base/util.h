/* util.h — allocation that cannot fail, and the error-message convention.
 *
 * Errors are return values: a function that can fail for a user-facing reason
 * returns -1 and, when `cause` is not NULL, stores a malloc'd plain sentence in
 * *cause (the caller frees it).  Out-of-memory is the one fatal error. */
#ifndef WAT_UTIL_H
#define WAT_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Stores a formatted message in *cause when cause is not NULL; returns -1. */
int util_fail(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads a whole file (up to max bytes) into a NUL-terminated buffer. */
int util_read_file(const char *path, size_t max, char **data, size_t *len, char **cause);

/* Writes dir/name so that after a power cut it is the old file (or absent)
 * or the new one, whole: a hidden temporary file, fsync, rename, fsync of
 * the folder (tests/crash/crash_files checks it).  mode is set whatever the
 * umask.  Failures say in plain words what happened (full, read-only,
 * missing folder, I/O error) and that the file was NOT written; when only
 * the folder's fsync failed, the new file stays and the message says the
 * disk did not confirm it. */
int util_write_file(const char *dir, const char *name, const void *data, size_t len, int mode,
                    char **cause);
/* mkdir(dir) when missing, then an fsync of the folder above, so that the
 * folder (and what util_write_file puts in it) survives a power cut.
 * Returns 0, or -1 with errno set. */
int util_mkdir(const char *dir, int mode);
/* The plain sentence for errno err while writing name into dir; returns -1. */
int util_write_fail(char **cause, int err, const char *dir, const char *name);

/* Wipes secrets in a way the compiler keeps. */
void util_wipe(void *p, size_t len);

#endif
