/* test_print_filter.c — the rastertoescpos filter on rasters made here:
 * bytes exact, blank lines at the page ends dropped, bands bounded, 1- and
 * 8-bit input, several pages, bad input refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"
#include <cups/raster.h>

#include "util.h"

static char filter[4096], dir[] = "/tmp/wat-test-filter-XXXXXX";

struct page {
	unsigned width, height, bits;
	cups_cspace_t space;
	/* 1 when row y is black somewhere */
	int (*ink)(unsigned y);
};

static unsigned char
pattern(unsigned y, unsigned x)
{
	return (unsigned char)((x * 7 + y * 13) & 0xff) | 1; /* never all white */
}

/* Writes pages as a CUPS raster file; returns its path. */
static char *
raster(const struct page *pages, size_t n)
{
	char *path = xasprintf("%s/in.ras", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cups_raster_t *r = cupsRasterOpen(fd, CUPS_RASTER_WRITE);
	cups_page_header2_t h;
	unsigned char *line;
	unsigned y, x;
	size_t i;

	assert_non_null(r);
	for (i = 0; i < n; i++) {
		memset(&h, 0, sizeof h);
		h.cupsWidth = pages[i].width;
		h.cupsHeight = pages[i].height;
		h.cupsBitsPerColor = pages[i].bits;
		h.cupsBitsPerPixel = pages[i].bits;
		h.cupsBytesPerLine = (pages[i].width * pages[i].bits + 7) / 8;
		h.cupsColorSpace = pages[i].space;
		h.cupsColorOrder = CUPS_ORDER_CHUNKED;
		h.HWResolution[0] = h.HWResolution[1] = 203;
		h.PageSize[0] = pages[i].width * 72 / 203;
		h.PageSize[1] = pages[i].height * 72 / 203;
		assert_true(cupsRasterWriteHeader2(r, &h));
		line = xmalloc(h.cupsBytesPerLine);
		for (y = 0; y < h.cupsHeight; y++) {
			int ink = pages[i].ink(y);
			int white_is_one = pages[i].space != CUPS_CSPACE_K;

			for (x = 0; x < h.cupsBytesPerLine; x++) {
				unsigned char v = ink ? pattern(y, x) : 0;

				line[x] = white_is_one ? (unsigned char)~v : v;
			}
			assert_int_equal(cupsRasterWritePixels(r, line, h.cupsBytesPerLine),
			                 h.cupsBytesPerLine);
		}
		free(line);
	}
	cupsRasterClose(r);
	close(fd);
	return path;
}

/* Runs the filter; returns its exit status, output in *out. */
static int
run_filter(const char *input, char **out, size_t *len)
{
	char *o = xasprintf("%s/out.bin", dir), *cmd;
	int rc;

	cmd = xasprintf("'%s' 1 user title 1 '' '%s' >'%s' 2>'%s/err'", filter, input, o, dir);
	rc = system(cmd);
	free(cmd);
	assert_int_equal(util_read_file(o, 1 << 24, out, len, NULL), 0);
	free(o);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct parsed {
	int inits, cuts, feeds, bands;
	unsigned width, rows, max_band;
	unsigned char *bits; /* all rows */
};

static void
parse(const unsigned char *p, size_t len, struct parsed *o)
{
	size_t i = 0, n;

	memset(o, 0, sizeof *o);
	while (i < len) {
		if (i + 2 <= len && p[i] == 0x1b && p[i + 1] == '@') {
			o->inits++; /* a new page: its own width; bits keep the last page */
			o->width = o->rows = 0;
			i += 2;
		} else if (i + 3 <= len && p[i] == 0x1b && p[i + 1] == 'J') {
			o->feeds++;
			i += 3;
		} else if (i + 3 <= len && p[i] == 0x1d && p[i + 1] == 'V') {
			o->cuts++;
			i += 3;
		} else if (i + 8 <= len && p[i] == 0x1d && p[i + 1] == 'v' && p[i + 2] == '0') {
			unsigned w = p[i + 4] | p[i + 5] << 8, h = p[i + 6] | p[i + 7] << 8;

			assert_int_equal(p[i + 3], 0);
			assert_true(o->width == 0 || o->width == w);
			o->width = w;
			n = (size_t)w * h;
			assert_true(i + 8 + n <= len);
			o->bits = xrealloc(o->bits, (size_t)(o->rows + h) * w);
			memcpy(o->bits + (size_t)o->rows * w, p + i + 8, n);
			o->rows += h;
			o->bands++;
			if (h > o->max_band)
				o->max_band = h;
			i += 8 + n;
		} else
			fail_msg("unexpected byte 0x%02x at %zu", p[i], i);
	}
}

static int
ink_middle(unsigned y)
{
	/* 20 blank, 100 ink, 30 blank, 50 ink, 100 blank */
	return (y >= 20 && y < 120) || (y >= 150 && y < 200);
}

static int
ink_all(unsigned y)
{
	return 1;
}

static int
ink_none(unsigned y)
{
	return 0;
}

static void
test_one_bit_page(void **state)
{
	struct page pg = {576, 300, 1, CUPS_CSPACE_K, ink_middle};
	char *in = raster(&pg, 1), *out = NULL;
	struct parsed o;
	unsigned y, x;
	size_t len;

	if (access(filter, X_OK) != 0)
		skip();
	assert_int_equal(run_filter(in, &out, &len), 0);
	assert_memory_equal(out, "\x1b@", 2);
	assert_memory_equal(out + len - 6, "\x1bJ\x78\x1dV\x01", 6);
	parse((unsigned char *)out, len, &o);
	assert_int_equal(o.inits, 1);
	assert_int_equal(o.cuts, 1);
	assert_int_equal(o.width, 72);
	assert_int_equal(o.rows, 180); /* leading 20 and trailing 100 blank rows dropped */
	assert_true(o.max_band <= 255);
	assert_true(o.bands >= 2);
	for (y = 0; y < o.rows; y++) {
		unsigned src = y + 20;

		for (x = 0; x < 72; x++)
			assert_int_equal(o.bits[y * 72 + x], ink_middle(src) ? pattern(src, x) : 0);
	}
	free(o.bits);
	free(out);
	free(in);
}

static void
test_eight_bit_gray_and_pages(void **state)
{
	struct page pg[3] = {{100, 40, 8, CUPS_CSPACE_SW, ink_all},
	                     {384, 10, 1, CUPS_CSPACE_W, ink_all},
	                     {384, 10, 1, CUPS_CSPACE_K, ink_none}};
	char *in = raster(pg, 3), *out = NULL;
	struct parsed o;
	size_t len;
	unsigned y, x;

	if (access(filter, X_OK) != 0)
		skip();
	assert_int_equal(run_filter(in, &out, &len), 0);
	/* page 1: 100 dots = 13 bytes, the 4 padding dots white */
	assert_memory_equal(out, "\x1b@\x1dv0\x00\x0d\x00\x28\x00", 10);
	for (y = 0; y < 40; y++) {
		for (x = 0; x < 100; x++) {
			int black = (out[10 + y * 13 + x / 8] >> (7 - x % 8)) & 1;

			assert_int_equal(black, pattern(y, x) >= 128);
		}
		assert_int_equal(out[10 + y * 13 + 12] & 0x0f, 0);
	}
	parse((unsigned char *)out, len, &o);
	assert_int_equal(o.inits, 3);
	assert_int_equal(o.cuts, 3); /* a blank page still feeds and cuts */
	free(o.bits);
	free(out);
	free(in);
}

static void
test_bad_input(void **state)
{
	char *in = xasprintf("%s/junk", dir), *out = NULL, *cmd;
	size_t len;
	FILE *f;

	if (access(filter, X_OK) != 0)
		skip();
	f = fopen(in, "w");
	fputs("this is not a raster", f);
	fclose(f);
	assert_int_not_equal(run_filter(in, &out, &len), 0);
	free(out);
	cmd = xasprintf("'%s' >/dev/null 2>&1", filter); /* no arguments */
	assert_int_not_equal(system(cmd), 0);
	free(cmd);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_bit_page),
	    cmocka_unit_test(test_eight_bit_gray_and_pages),
	    cmocka_unit_test(test_bad_input),
	};
	const char *repo = getenv("REPO"), *build = getenv("BUILD");
	int rc;

	snprintf(filter, sizeof filter, "%s/%s/rastertoescpos", repo != NULL ? repo : ".",
	         build != NULL ? build : "build");
	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (tmpdir_remove(dir) != 0)
		rc = 1;
	return rc;
}
