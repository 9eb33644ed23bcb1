#include "pin.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Small enough for a Pi with the kiosk's RSS budget; a 4-digit PIN is mainly
 * protected by the throttling, the hash keeps it off the card in clear. */
#define PIN_OPSLIMIT 3
#define PIN_MEMLIMIT (16u * 1024 * 1024)

int
pin_valid(const char *pin, char **cause)
{
	size_t n = strlen(pin);

	if (n < PIN_MIN || n > PIN_MAX || strspn(pin, "0123456789") != n)
		return util_fail(cause, "A PIN is %d to %d digits.", PIN_MIN, PIN_MAX);
	return 0;
}

int
pin_hash(const char *pin, char *out, size_t len, char **cause)
{
	char h[crypto_pwhash_STRBYTES];

	if (pin_valid(pin, cause) != 0)
		return -1;
	if (sodium_init() < 0 || len < sizeof h)
		return util_fail(cause, "The PIN could not be hashed.");
	if (crypto_pwhash_str(h, pin, strlen(pin), PIN_OPSLIMIT, PIN_MEMLIMIT) != 0)
		return util_fail(cause, "Not enough memory to hash the PIN.");
	memcpy(out, h, sizeof h);
	return 0;
}

int
pin_verify(const char *hash, const char *pin)
{
	if (sodium_init() < 0)
		return 0;
	return crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}

char *
pin_path(const char *db_path)
{
	return xasprintf("%s.pin", db_path);
}

int
pin_load(const char *path, char *out, size_t len, char **cause)
{
	char *data = NULL;
	size_t n = 0;
	int rc;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 1;
	if (util_read_file(path, 4096, &data, &n, cause) != 0)
		return -1;
	data[strcspn(data, "\r\n")] = '\0';
	if (data[0] == '\0' || strlen(data) >= len) {
		rc = util_fail(cause, "The PIN file %s is damaged: set a new PIN.", path);
	} else {
		memcpy(out, data, strlen(data) + 1);
		rc = 0;
	}
	util_wipe(data, n);
	free(data);
	return rc;
}

int
pin_store(const char *path, const char *hash, char **cause)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = -1, rc = -1;
	size_t n = strlen(hash);

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		util_fail(cause, "The PIN could not be saved: %s.", strerror(errno));
		goto end;
	}
	if (write(fd, hash, n) != (ssize_t)n || write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
		util_fail(cause, "The PIN could not be saved: %s.", strerror(errno));
		goto end;
	}
	if (close(fd) != 0) {
		fd = -1;
		util_fail(cause, "The PIN could not be saved: %s.", strerror(errno));
		goto end;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		util_fail(cause, "The PIN could not be saved: %s.", strerror(errno));
		goto end;
	}
	rc = 0;
end:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int64_t
pin_delay_ms(int64_t failures)
{
	int64_t d = 5000;

	if (failures < 3)
		return 0;
	for (int64_t i = 3; i < failures && d < 300000; i++)
		d *= 2;
	return d > 300000 ? 300000 : d;
}
