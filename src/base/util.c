#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
util_oom(void)
{
	fputs("out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		util_oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		util_oom();
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (q == NULL)
		util_oom();
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	char *p;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		util_oom();
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

int
util_fail(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
util_read_file(const char *path, size_t max, char **data, size_t *len, char **cause)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		util_fail(cause, "Cannot open %s: %s.", path, strerror(errno));
		goto end;
	}
	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n > max) {
			util_fail(cause, "%s is too large (more than %zu bytes).", path, max);
			goto end;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		util_fail(cause, "Cannot read %s: %s.", path, strerror(errno));
		goto end;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	rc = 0;
end:
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

void
util_wipe(void *p, size_t len)
{
	volatile unsigned char *v = p;

	while (len--)
		*v++ = 0;
}

/* ---- files ---------------------------------------------------------------- */

int
util_mkdir(const char *dir, int mode)
{
	char *parent = xstrdup(dir), *slash = strrchr(parent, '/');
	int made, fd, rc = -1, err;

	if (slash == NULL)
		strcpy(parent, ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	made = mkdir(dir, (mode_t)mode) == 0;
	if (!made && errno != EEXIST)
		goto end;
	/* The new name is durable only once the folder above is synced; when
	 * it was there already, an earlier run may have made it moments ago. */
	if ((fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (fsync(fd) == -1 && made) {
			err = errno;
			close(fd);
			errno = err;
			goto end;
		}
		close(fd);
	} else if (made)
		goto end;
	rc = 0;
end:
	err = errno;
	free(parent);
	errno = err;
	return rc;
}

int
util_write_fail(char **cause, int err, const char *dir, const char *name)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return util_fail(
		    cause,
		    "The folder %s is full: %s was NOT written. Free some space (or use "
		    "another USB stick) and try again.",
		    dir, name);
	case EFBIG:
		return util_fail(
		    cause,
		    "%s is too large for the folder %s (a file size limit): it was NOT "
		    "written.",
		    name, dir);
	case EROFS:
		return util_fail(
		    cause,
		    "The folder %s is read-only (is the USB stick's lock switch on?): %s "
		    "was NOT written.",
		    dir, name);
	case EACCES:
	case EPERM:
		return util_fail(cause, "No permission to write into %s: %s was NOT written.", dir,
		                 name);
	case ENOENT:
	case ENOTDIR:
		return util_fail(
		    cause,
		    "The folder %s does not exist (is the USB stick plugged in?): %s was "
		    "NOT written.",
		    dir, name);
	case EIO:
		return util_fail(
		    cause,
		    "The disk or USB stick holding %s could not be written (I/O error): "
		    "%s was NOT written. Try another one.",
		    dir, name);
	default: return util_fail(cause, "Cannot write %s into %s: %s.", name, dir, strerror(err));
	}
}

int
util_write_file(const char *dir, const char *name, const void *data, size_t len, int mode,
                char **cause)
{
	char *tmp = xasprintf("%s/.%s.part", dir, name), *path = xasprintf("%s/%s", dir, name);
	const char *p = data;
	int fd = -1, dfd = -1, rc = -1, err;
	ssize_t w;

	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode)) == -1) {
		util_write_fail(cause, errno, dir, name);
		goto end;
	}
	if (fchmod(fd, (mode_t)mode) == -1) { /* whatever the umask */
		util_write_fail(cause, errno, dir, name);
		goto end;
	}
	while (len > 0) {
		if ((w = write(fd, p, len > (1u << 20) ? (1u << 20) : len)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			util_write_fail(cause, w == 0 ? ENOSPC : errno, dir, name);
			goto end;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) == -1) {
		util_write_fail(cause, errno, dir, name);
		goto end;
	}
	err = close(fd);
	fd = -1;
	if (err == -1) {
		util_write_fail(cause, errno, dir, name);
		goto end;
	}
	if (rename(tmp, path) == -1) {
		util_write_fail(cause, errno, dir, name);
		goto end;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 || fsync(dfd) == -1) {
		/* Renamed but maybe not durable: say so rather than claim success.
		 * The new file stays: the old one is gone already, and removing
		 * the new one would leave neither. */
		util_fail(cause,
		          "%s was written into %s but the disk did not confirm it is kept (%s): "
		          "write it again, or use another disk or USB stick.",
		          name, dir, strerror(errno));
		goto end;
	}
	rc = 0;
end:
	if (dfd != -1)
		close(dfd);
	if (fd != -1)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(path);
	free(tmp);
	return rc;
}
