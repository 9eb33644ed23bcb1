/* scan_file.c — PNG, JPEG and PGM pictures as luma. */
#include "scan_file.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <turbojpeg.h>

static int
scan_file_size_ok(long w, long h)
{
	return w > 0 && h > 0 && w <= 65535 && h <= 65535 &&
	       (unsigned long)w * (unsigned long)h <= SCAN_FILE_MAX_PIXELS;
}

static int
scan_file_png(const void *data, size_t len, struct scan_image *img, char **cause)
{
	png_image pi;
	png_color white = {255, 255, 255};
	uint8_t *buf = NULL;
	int rc = -1;

	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&pi, data, len)) {
		util_fail(cause, "The PNG picture is damaged (%s).", pi.message);
		goto out;
	}
	if (!scan_file_size_ok((long)pi.width, (long)pi.height)) {
		util_fail(cause, "The PNG picture is too large (%ux%u).", pi.width, pi.height);
		goto out;
	}
	pi.format = PNG_FORMAT_GRAY;
	buf = xmalloc((size_t)pi.width * pi.height);
	/* Transparent pixels are laid on white, as on paper. */
	if (!png_image_finish_read(&pi, &white, buf, (png_int_32)pi.width, NULL)) {
		util_fail(cause, "The PNG picture is damaged (%s).", pi.message);
		goto out;
	}
	img->luma = buf;
	img->width = (int)pi.width;
	img->height = (int)pi.height;
	buf = NULL;
	rc = 0;
out:
	png_image_free(&pi);
	free(buf);
	return rc;
}

static int
scan_file_jpeg(const void *data, size_t len, struct scan_image *img, char **cause)
{
	tjhandle tj = NULL;
	uint8_t *buf = NULL;
	int w, h, sub, cs, rc = -1;

	if ((tj = tjInitDecompress()) == NULL) {
		util_fail(cause, "The JPEG reader could not start.");
		goto out;
	}
	if (len > (size_t)0x7fffffff ||
	    tjDecompressHeader3(tj, data, (unsigned long)len, &w, &h, &sub, &cs) != 0) {
		util_fail(cause, "The JPEG picture is damaged (%s).", tjGetErrorStr2(tj));
		goto out;
	}
	if (!scan_file_size_ok(w, h)) {
		util_fail(cause, "The JPEG picture is too large (%dx%d).", w, h);
		goto out;
	}
	buf = xmalloc((size_t)w * (size_t)h);
	if (tjDecompress2(tj, data, (unsigned long)len, buf, w, w, h, TJPF_GRAY, 0) != 0 &&
	    tjGetErrorCode(tj) == TJERR_FATAL) {
		util_fail(cause, "The JPEG picture is damaged (%s).", tjGetErrorStr2(tj));
		goto out;
	}
	img->luma = buf;
	img->width = w;
	img->height = h;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (tj != NULL)
		tjDestroy(tj);
	return rc;
}

/* A PGM header number, after whitespace and # comments. */
static long
scan_file_pgm_number(const unsigned char *p, size_t len, size_t *off)
{
	long v = 0;
	int digits = 0;

	for (;;) {
		while (*off < len && strchr(" \t\r\n\v\f", p[*off]) != NULL)
			(*off)++;
		if (*off < len && p[*off] == '#') {
			while (*off < len && p[*off] != '\n')
				(*off)++;
			continue;
		}
		break;
	}
	while (*off < len && p[*off] >= '0' && p[*off] <= '9') {
		if (v > 1000000)
			return -1;
		v = v * 10 + (p[*off] - '0');
		(*off)++;
		digits++;
	}
	return digits > 0 ? v : -1;
}

/* Binary PGM (P5), 8 or 16 bits. */
static int
scan_file_pgm(const void *data, size_t len, struct scan_image *img, char **cause)
{
	const unsigned char *p = data;
	size_t off = 2, need, i, bpp;
	long w, h, max;
	uint8_t *buf;

	w = scan_file_pgm_number(p, len, &off);
	h = scan_file_pgm_number(p, len, &off);
	max = scan_file_pgm_number(p, len, &off);
	if (w < 0 || h < 0 || max <= 0 || max > 65535 || off >= len)
		return util_fail(cause, "The PGM picture has a damaged header.");
	if (!scan_file_size_ok(w, h))
		return util_fail(cause, "The PGM picture is too large or empty (%ldx%ld).", w, h);
	off++; /* the single whitespace after maxval */
	bpp = max > 255 ? 2 : 1;
	need = (size_t)w * (size_t)h * bpp;
	if (len - off < need)
		return util_fail(cause, "The PGM picture is cut short.");
	buf = xmalloc((size_t)w * (size_t)h);
	for (i = 0; i < (size_t)w * (size_t)h; i++) {
		unsigned v =
		    bpp == 2 ? (unsigned)p[off + 2 * i] << 8 | p[off + 2 * i + 1] : p[off + i];
		buf[i] = (uint8_t)(max == 255 ? v : (v * 255 + (unsigned)max / 2) / (unsigned)max);
	}
	img->luma = buf;
	img->width = (int)w;
	img->height = (int)h;
	return 0;
}

int
scan_file_load_mem(const void *data, size_t len, struct scan_image *img, char **cause)
{
	const unsigned char *p = data;

	img->luma = NULL;
	img->width = img->height = 0;
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return scan_file_png(data, len, img, cause);
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return scan_file_jpeg(data, len, img, cause);
	if (len >= 3 && p[0] == 'P' && p[1] == '5' && strchr(" \t\r\n", p[2]) != NULL)
		return scan_file_pgm(data, len, img, cause);
	return util_fail(cause, "This is not a PNG, JPEG or PGM picture.");
}

int
scan_file_load(const char *path, struct scan_image *img, char **cause)
{
	char *data = NULL, *why = NULL;
	size_t len;
	int rc = -1;

	img->luma = NULL;
	if (util_read_file(path, SCAN_FILE_MAX_BYTES, &data, &len, cause) != 0)
		goto out;
	if (scan_file_load_mem(data, len, img, &why) != 0) {
		util_fail(cause, "%s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	free(why);
	free(data);
	return rc;
}

void
scan_file_image_free(struct scan_image *img)
{
	if (img == NULL)
		return;
	free(img->luma);
	img->luma = NULL;
	img->width = img->height = 0;
}

static int
scan_file_is_picture(const char *name)
{
	static const char *exts[] = {".png", ".jpg", ".jpeg", ".pgm"};
	size_t i, n = strlen(name), e;

	if (name[0] == '.')
		return 0;
	for (i = 0; i < nitems(exts); i++) {
		e = strlen(exts[i]);
		if (n > e && strcasecmp(name + n - e, exts[i]) == 0)
			return 1;
	}
	return 0;
}

static int
scan_file_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
scan_file_list(const char *path, char ***paths, size_t *n, char **cause)
{
	struct stat sb;
	struct dirent *de;
	DIR *dir = NULL;
	char **v = NULL;
	size_t count = 0, cap = 0;
	int rc = -1;

	*paths = NULL;
	*n = 0;
	if (stat(path, &sb) != 0) {
		util_fail(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(sb.st_mode)) {
		v = xmalloc(sizeof *v);
		v[count++] = xstrdup(path);
		rc = 0;
		goto out;
	}
	if ((dir = opendir(path)) == NULL) {
		util_fail(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!scan_file_is_picture(de->d_name))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[count++] = xasprintf("%s/%s", path, de->d_name);
	}
	if (count == 0) {
		util_fail(cause, "%s: no PNG, JPEG or PGM pictures in this folder.", path);
		goto out;
	}
	qsort(v, count, sizeof *v, scan_file_cmp);
	rc = 0;
out:
	if (dir != NULL)
		closedir(dir);
	if (rc == 0) {
		*paths = v;
		*n = count;
	} else
		scan_file_list_free(v, count);
	return rc;
}

void
scan_file_list_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
