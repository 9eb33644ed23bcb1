/* scan_synth.c — badges in synthetic frames (tests and benches only). */
#include "scan_synth.h"

#include "util.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

int
scan_synth_qr(const char *text, int module, struct scan_image *img, char **cause)
{
	QRcode *qr;
	int n, x, y, side;

	img->luma = NULL;
	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return util_fail(cause, "Cannot make a QR code of that text: %s.", strerror(errno));
	n = qr->width;
	side = (n + 8) * module;
	img->width = img->height = side;
	img->luma = xmalloc((size_t)side * side);
	memset(img->luma, 255, (size_t)side * side);
	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x++) {
			int mx = x / module - 4, my = y / module - 4;
			if (mx >= 0 && my >= 0 && mx < n && my < n && (qr->data[my * n + mx] & 1))
				img->luma[(size_t)y * side + x] = 0;
		}
	}
	QRcode_free(qr);
	return 0;
}

static unsigned
scan_synth_rand(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 8) & 0xffffff;
}

void
scan_synth_frame(struct scan_image *img, int width, int height, unsigned seed)
{
	int x, y;

	img->width = width;
	img->height = height;
	img->luma = xmalloc((size_t)width * height);
	for (y = 0; y < height; y++) {
		for (x = 0; x < width; x++) {
			int v = 90 + 80 * x / width + 40 * y / height;
			v += (int)(scan_synth_rand(&seed) % 17) - 8;
			img->luma[(size_t)y * width + x] = (uint8_t)v;
		}
	}
}

/* The homography taking the unit square to the quad q (x0,y0 .. x3,y3 in
 * order top-left, top-right, bottom-right, bottom-left). */
static void
scan_synth_square_to_quad(const double q[8], double h[9])
{
	double x0 = q[0], y0 = q[1], x1 = q[2], y1 = q[3], x2 = q[4], y2 = q[5], x3 = q[6],
	       y3 = q[7];
	double dx3 = x0 - x1 + x2 - x3, dy3 = y0 - y1 + y2 - y3;
	double dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
	double den = dx1 * dy2 - dx2 * dy1, a13, a23;

	a13 = (dx3 * dy2 - dx2 * dy3) / den;
	a23 = (dx1 * dy3 - dx3 * dy1) / den;
	h[0] = x1 - x0 + a13 * x1;
	h[1] = x3 - x0 + a23 * x3;
	h[2] = x0;
	h[3] = y1 - y0 + a13 * y1;
	h[4] = y3 - y0 + a23 * y3;
	h[5] = y0;
	h[6] = a13;
	h[7] = a23;
	h[8] = 1;
}

static void
scan_synth_invert3(const double m[9], double r[9])
{
	double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
	             m[2] * (m[3] * m[7] - m[4] * m[6]);

	r[0] = (m[4] * m[8] - m[5] * m[7]) / det;
	r[1] = (m[2] * m[7] - m[1] * m[8]) / det;
	r[2] = (m[1] * m[5] - m[2] * m[4]) / det;
	r[3] = (m[5] * m[6] - m[3] * m[8]) / det;
	r[4] = (m[0] * m[8] - m[2] * m[6]) / det;
	r[5] = (m[2] * m[3] - m[0] * m[5]) / det;
	r[6] = (m[3] * m[7] - m[4] * m[6]) / det;
	r[7] = (m[1] * m[6] - m[0] * m[7]) / det;
	r[8] = (m[0] * m[4] - m[1] * m[3]) / det;
}

static double
scan_synth_sample(const struct scan_image *img, double x, double y)
{
	int x0 = (int)floor(x), y0 = (int)floor(y), x1, y1;
	double fx = x - x0, fy = y - y0;

	x0 = x0 < 0 ? 0 : x0 >= img->width ? img->width - 1 : x0;
	y0 = y0 < 0 ? 0 : y0 >= img->height ? img->height - 1 : y0;
	x1 = x0 + 1 < img->width ? x0 + 1 : x0;
	y1 = y0 + 1 < img->height ? y0 + 1 : y0;
#define P(X, Y) ((double)img->luma[(size_t)(Y)*img->width + (X)])
	return (P(x0, y0) * (1 - fx) + P(x1, y0) * fx) * (1 - fy) +
	       (P(x0, y1) * (1 - fx) + P(x1, y1) * fx) * fy;
#undef P
}

void
scan_synth_put(struct scan_image *frame, const struct scan_image *code,
               const struct scan_synth_place *at)
{
	double c[8] = {-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5};
	double q[8], h[9], hi[9], a = at->angle * M_PI / 180, minx = 1e9, miny = 1e9, maxx = -1e9,
	                          maxy = -1e9;
	int i, x, y;

	for (i = 0; i < 4; i++) {
		double px = c[2 * i], py = c[2 * i + 1];
		/* The top edge (py < 0) is shortened by tilt. */
		px *= 1 + (py < 0 ? -at->tilt / 2 : at->tilt / 2);
		px *= at->size;
		py *= at->size;
		q[2 * i] = at->cx + px * cos(a) - py * sin(a);
		q[2 * i + 1] = at->cy + px * sin(a) + py * cos(a);
		minx = fmin(minx, q[2 * i]);
		maxx = fmax(maxx, q[2 * i]);
		miny = fmin(miny, q[2 * i + 1]);
		maxy = fmax(maxy, q[2 * i + 1]);
	}
	scan_synth_square_to_quad(q, h);
	scan_synth_invert3(h, hi);
	for (y = (int)fmax(0, floor(miny)); y < (int)fmin(frame->height, ceil(maxy)); y++) {
		for (x = (int)fmax(0, floor(minx)); x < (int)fmin(frame->width, ceil(maxx)); x++) {
			double X = x + 0.5, Y = y + 0.5;
			double w = hi[6] * X + hi[7] * Y + hi[8];
			double u = (hi[0] * X + hi[1] * Y + hi[2]) / w;
			double v = (hi[3] * X + hi[4] * Y + hi[5]) / w;
			if (u < 0 || v < 0 || u >= 1 || v >= 1)
				continue;
			frame->luma[(size_t)y * frame->width + x] = (uint8_t)lround(
			    scan_synth_sample(code, u * code->width - 0.5, v * code->height - 0.5));
		}
	}
}

void
scan_synth_blur(struct scan_image *img, int radius)
{
	int pass, x, y, k, w = img->width, h = img->height;
	uint8_t *tmp = xmalloc((size_t)w * h);

	for (pass = 0; pass < 2; pass++) {
		for (y = 0; y < h; y++) {
			for (x = 0; x < w; x++) {
				int sum = 0, n = 0;
				for (k = -radius; k <= radius; k++) {
					int xx = x + k;
					if (xx >= 0 && xx < w) {
						sum += img->luma[(size_t)y * w + xx];
						n++;
					}
				}
				tmp[(size_t)y * w + x] = (uint8_t)(sum / n);
			}
		}
		for (y = 0; y < h; y++) {
			for (x = 0; x < w; x++) {
				int sum = 0, n = 0;
				for (k = -radius; k <= radius; k++) {
					int yy = y + k;
					if (yy >= 0 && yy < h) {
						sum += tmp[(size_t)yy * w + x];
						n++;
					}
				}
				img->luma[(size_t)y * w + x] = (uint8_t)(sum / n);
			}
		}
	}
	free(tmp);
}

void
scan_synth_motion(struct scan_image *img, int length)
{
	int x, y, k, w = img->width;
	uint8_t *row = xmalloc((size_t)w);

	for (y = 0; y < img->height; y++) {
		uint8_t *p = img->luma + (size_t)y * w;
		for (x = 0; x < w; x++) {
			int sum = 0, n = 0;
			for (k = 0; k < length && x + k < w; k++, n++)
				sum += p[x + k];
			row[x] = (uint8_t)(sum / n);
		}
		memcpy(p, row, (size_t)w);
	}
	free(row);
}

void
scan_synth_noise(struct scan_image *img, double sigma, unsigned seed)
{
	size_t i, n = (size_t)img->width * img->height;

	for (i = 0; i < n; i++) {
		/* Sum of 4 uniforms: near enough to Gaussian, variance 4/12. */
		double g = 0;
		int k, v;
		for (k = 0; k < 4; k++)
			g += scan_synth_rand(&seed) / (double)0x1000000 - 0.5;
		v = (int)lround(img->luma[i] + g * sigma * sqrt(3.0));
		img->luma[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
}

void
scan_synth_contrast(struct scan_image *img, int lo, int hi)
{
	size_t i, n = (size_t)img->width * img->height;

	for (i = 0; i < n; i++)
		img->luma[i] = (uint8_t)(lo + (hi - lo) * img->luma[i] / 255);
}

void
scan_synth_invert(struct scan_image *img)
{
	size_t i, n = (size_t)img->width * img->height;

	for (i = 0; i < n; i++)
		img->luma[i] = (uint8_t)(255 - img->luma[i]);
}

static int
scan_synth_compress(const struct scan_image *img, int quality, unsigned char **jpg,
                    unsigned long *len, char **cause)
{
	tjhandle tj = tjInitCompress();
	int rc = 0;

	*jpg = NULL;
	*len = 0;
	if (tj == NULL)
		return util_fail(cause, "The JPEG writer could not start.");
	if (tjCompress2(tj, img->luma, img->width, img->width, img->height, TJPF_GRAY, jpg, len,
	                TJSAMP_GRAY, quality, 0) != 0)
		rc = util_fail(cause, "JPEG compression failed: %s.", tjGetErrorStr2(tj));
	tjDestroy(tj);
	return rc;
}

int
scan_synth_jpeg(struct scan_image *img, int quality, char **cause)
{
	struct scan_image out;
	unsigned char *jpg = NULL;
	unsigned long len;
	int rc = -1;

	if (scan_synth_compress(img, quality, &jpg, &len, cause) != 0)
		goto out;
	if (scan_file_load_mem(jpg, len, &out, cause) != 0)
		goto out;
	free(img->luma);
	*img = out;
	rc = 0;
out:
	tjFree(jpg);
	return rc;
}

int
scan_synth_write_pgm(const struct scan_image *img, const char *path, char **cause)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (f == NULL)
		return util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
	fprintf(f, "P5\n%d %d\n255\n", img->width, img->height);
	if (fwrite(img->luma, 1, (size_t)img->width * img->height, f) !=
	    (size_t)img->width * img->height)
		rc = util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
	return rc;
}

int
scan_synth_write_png(const struct scan_image *img, const char *path, char **cause)
{
	png_image pi;

	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	pi.width = (png_uint_32)img->width;
	pi.height = (png_uint_32)img->height;
	pi.format = PNG_FORMAT_GRAY;
	if (!png_image_write_to_file(&pi, path, 0, img->luma, img->width, NULL)) {
		util_fail(cause, "Cannot write %s: %s.", path, pi.message);
		png_image_free(&pi);
		return -1;
	}
	return 0;
}

int
scan_synth_write_jpeg(const struct scan_image *img, int quality, const char *path, char **cause)
{
	unsigned char *jpg = NULL;
	unsigned long len;
	FILE *f = NULL;
	int rc = -1;

	if (scan_synth_compress(img, quality, &jpg, &len, cause) != 0)
		goto out;
	if ((f = fopen(path, "wb")) == NULL || fwrite(jpg, 1, len, f) != len) {
		util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f != NULL && fclose(f) != 0 && rc == 0)
		rc = util_fail(cause, "Cannot write %s: %s.", path, strerror(errno));
	tjFree(jpg);
	return rc;
}
