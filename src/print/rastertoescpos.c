/* rastertoescpos.c — a CUPS filter: CUPS raster in, ESC/POS out.
 *
 *   rastertoescpos job user title copies options [file]
 *
 * For each page: ESC @ (initialise), the page as GS v 0 raster bands of at
 * most RASTER_BAND rows (1 bit per dot, 1 = black), blank lines at the start
 * and the end of the page left out (a fixed-size roll page is taller than its
 * content, and CUPS centres the content on it), then
 * ESC J (feed past the cutter) and GS V (cut).  The dots per line come from
 * the page size in the PPD (384 for 58 mm, 576 for 80 mm at 203 dpi).  1-bit
 * and 8-bit K (1/255 = black) and W/sGray (0 = black) rasters are accepted.
 * Messages follow the filter convention: "ERROR: ..." on stderr. */
#include <cups/raster.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RASTER_BAND     128  /* rows per GS v 0 command (printers buffer ~ 24-255) */
#define RASTER_MAX_DOTS 2048 /* wider than any receipt printer */
#define RASTER_FEED     120  /* dots fed before the cut (~15 mm at 203 dpi) */

static volatile sig_atomic_t raster_canceled;

static void
raster_cancel(int sig)
{
	(void)sig;
	raster_canceled = 1;
}

static int
raster_write(const void *data, size_t len)
{
	const unsigned char *p = data;
	ssize_t w;

	while (len > 0) {
		if ((w = write(STDOUT_FILENO, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "ERROR: Cannot write to the printer: %s\n",
			        strerror(errno));
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* One GS v 0 band: rows of width bytes. */
static int
raster_band(const unsigned char *rows, unsigned width, unsigned nrows)
{
	unsigned char cmd[8] = {0x1d,
	                        'v',
	                        '0',
	                        0,
	                        (unsigned char)(width & 0xff),
	                        (unsigned char)(width >> 8),
	                        (unsigned char)(nrows & 0xff),
	                        (unsigned char)(nrows >> 8)};

	if (nrows == 0)
		return 0;
	if (raster_write(cmd, sizeof cmd) != 0)
		return -1;
	return raster_write(rows, (size_t)width * nrows);
}

/* Converts one raster line into 1-bit dots (1 = black); returns 1 when any dot is black. */
static int
raster_line(const cups_page_header2_t *h, const unsigned char *in, unsigned char *out,
            unsigned width)
{
	int white_is_one =
	    h->cupsColorSpace == CUPS_CSPACE_W || h->cupsColorSpace == CUPS_CSPACE_SW ||
	    h->cupsColorSpace == CUPS_CSPACE_RGB || h->cupsColorSpace == CUPS_CSPACE_SRGB;
	unsigned x, any = 0;

	memset(out, 0, width);
	if (h->cupsBitsPerPixel == 1) {
		for (x = 0; x < width && x < h->cupsBytesPerLine; x++) {
			out[x] = white_is_one ? (unsigned char)~in[x] : in[x];
			any |= out[x];
		}
		if (h->cupsWidth % 8 && width * 8 >= h->cupsWidth) /* padding dots stay white */
			out[(h->cupsWidth - 1) / 8] &=
			    (unsigned char)(0xff << (8 - h->cupsWidth % 8));
		return any != 0;
	}
	for (x = 0; x < h->cupsWidth && x / 8 < width; x++) { /* 8 bits: threshold at half */
		unsigned v = in[x];
		int black = white_is_one ? v < 128 : v >= 128;

		if (black) {
			out[x / 8] |= (unsigned char)(0x80 >> (x % 8));
			any = 1;
		}
	}
	return any != 0;
}

/* Rows waiting to go out as one band. */
struct raster_band {
	unsigned char *rows;
	unsigned width, n;
};

static int
raster_add(struct raster_band *b, const unsigned char *row)
{
	memcpy(b->rows + (size_t)b->n * b->width, row, b->width);
	if (++b->n < RASTER_BAND)
		return 0;
	b->n = 0;
	return raster_band(b->rows, b->width, RASTER_BAND);
}

static int
raster_page(cups_raster_t *ras, const cups_page_header2_t *h)
{
	static const unsigned char init[] = {0x1b, '@'};
	static const unsigned char feed[] = {0x1b, 'J', RASTER_FEED}, cut[] = {0x1d, 'V', 1};
	struct raster_band b = {NULL, 0, 0};
	unsigned char *in = NULL, *line = NULL, *blank = NULL;
	unsigned y, pending_blank = 0, started = 0;
	int rc = -1;

	if ((h->cupsBitsPerPixel != 1 && h->cupsBitsPerPixel != 8) || h->cupsWidth == 0 ||
	    h->cupsWidth > RASTER_MAX_DOTS || h->cupsBytesPerLine == 0 ||
	    h->cupsBytesPerLine < (h->cupsWidth * h->cupsBitsPerPixel + 7) / 8) {
		fprintf(stderr, "ERROR: Unsupported raster: %u bits per pixel, %u dots wide\n",
		        h->cupsBitsPerPixel, h->cupsWidth);
		return -1;
	}
	b.width = (h->cupsWidth + 7) / 8;
	in = calloc(1, h->cupsBytesPerLine);
	line = calloc(1, b.width);
	blank = calloc(1, b.width);
	b.rows = calloc(RASTER_BAND, b.width);
	if (in == NULL || line == NULL || blank == NULL || b.rows == NULL) {
		fputs("ERROR: Out of memory\n", stderr);
		goto end;
	}
	if (raster_write(init, sizeof init) != 0)
		goto end;
	for (y = 0; y < h->cupsHeight && !raster_canceled; y++) {
		if (cupsRasterReadPixels(ras, in, h->cupsBytesPerLine) != h->cupsBytesPerLine) {
			fprintf(stderr, "ERROR: The raster data ends early (line %u of %u)\n", y,
			        h->cupsHeight);
			goto end;
		}
		if (!raster_line(h, in, line, b.width)) {
			pending_blank += started; /* sent only if something black follows */
			continue;
		}
		started = 1;
		for (; pending_blank > 0; pending_blank--) {
			if (raster_add(&b, blank) != 0)
				goto end;
		}
		if (raster_add(&b, line) != 0)
			goto end;
	}
	if (raster_band(b.rows, b.width, b.n) != 0 || raster_write(feed, sizeof feed) != 0 ||
	    raster_write(cut, sizeof cut) != 0)
		goto end;
	rc = 0;
end:
	free(b.rows);
	free(blank);
	free(line);
	free(in);
	return rc;
}

int
main(int argc, char **argv)
{
	cups_raster_t *ras = NULL;
	cups_page_header2_t h;
	int fd = STDIN_FILENO, pages = 0, rc = 1;

	if (argc < 6 || argc > 7) {
		fputs("Usage: rastertoescpos job user title copies options [file]\n", stderr);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, raster_cancel);
	if (argc == 7 && (fd = open(argv[6], O_RDONLY)) == -1) {
		fprintf(stderr, "ERROR: Cannot open %s: %s\n", argv[6], strerror(errno));
		return 1;
	}
	if ((ras = cupsRasterOpen(fd, CUPS_RASTER_READ)) == NULL) {
		fputs("ERROR: Cannot read the raster data\n", stderr);
		goto end;
	}
	while (!raster_canceled && cupsRasterReadHeader2(ras, &h)) {
		pages++;
		fprintf(stderr, "INFO: Printing page %d\n", pages);
		if (raster_page(ras, &h) != 0)
			goto end;
		fprintf(stderr, "PAGE: %d 1\n", pages);
	}
	if (pages == 0) {
		fputs("ERROR: No pages found\n", stderr);
		goto end;
	}
	rc = 0;
end:
	if (ras != NULL)
		cupsRasterClose(ras);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}
