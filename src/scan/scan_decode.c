/* scan_decode.c — the one C file that talks to zxing-cpp (see scan_zxingc.h). */
#include "scan_decode.h"

#include "scan_zxingc.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct scan_decoder {
	ZXing_ReaderOptions *opts;
	ZXing_ReaderOptions *half; /* the half-resolution inverted pass; NULL: none */
	uint8_t *buf;              /* its picture */
	size_t cap;
};

struct scan_decoder *
scan_decode_new(const struct scan_decode_options *o)
{
	struct scan_decode_options def = {1, 1, 8, 0, 0};
	struct scan_decoder *d;

	if (o == NULL)
		o = &def;
	d = xcalloc(1, sizeof *d);
	d->opts = ZXing_ReaderOptions_new();
	if (d->opts == NULL)
		abort(); /* only out of memory */
	ZXing_ReaderOptions_setFormats(d->opts, ZXing_BarcodeFormat_QRCode);
	ZXing_ReaderOptions_setTryHarder(d->opts, o->try_harder != 0);
	ZXing_ReaderOptions_setTryRotate(d->opts, true);
	ZXing_ReaderOptions_setTryDownscale(d->opts, true);
	ZXing_ReaderOptions_setTryInvert(d->opts, o->try_invert != 0 && !o->invert_half);
	ZXing_ReaderOptions_setMaxNumberOfSymbols(d->opts, o->max_symbols > 0 ? o->max_symbols : 8);
#ifndef SCAN_ZXING_SYSTEM
	scan_zxing_set_precheck(d->opts, !o->no_precheck);
#endif
	if (o->try_invert != 0 && o->invert_half) {
		if ((d->half = ZXing_ReaderOptions_new()) == NULL)
			abort(); /* only out of memory */
		ZXing_ReaderOptions_setFormats(d->half, ZXing_BarcodeFormat_QRCode);
		ZXing_ReaderOptions_setTryHarder(d->half, o->try_harder != 0);
		ZXing_ReaderOptions_setTryDownscale(d->half, true);
		ZXing_ReaderOptions_setTryRotate(d->half, true);
		ZXing_ReaderOptions_setTryInvert(d->half, false);
		ZXing_ReaderOptions_setMaxNumberOfSymbols(d->half,
		                                          o->max_symbols > 0 ? o->max_symbols : 8);
#ifndef SCAN_ZXING_SYSTEM
		scan_zxing_set_precheck(d->half, !o->no_precheck);
#endif
	}
	return d;
}

void
scan_decode_free(struct scan_decoder *d)
{
	if (d == NULL)
		return;
	ZXing_ReaderOptions_delete(d->opts);
	ZXing_ReaderOptions_delete(d->half);
	free(d->buf);
	free(d);
}

static int
scan_decode_zxing_fail(char **cause, const char *what)
{
	char *msg = ZXing_LastErrorMsg();
	int rc;

	rc = util_fail(cause, "The code reader failed (%s: %s).", what,
	               msg != NULL ? msg : "unknown error");
	ZXing_free(msg);
	return rc;
}

static int
scan_decode_seen(const struct scan_codes *out, const char *text)
{
	size_t i;

	for (i = 0; i < out->n; i++) {
		if (strcmp(out->v[i].text, text) == 0)
			return 1;
	}
	return 0;
}

/* Adds the valid QR codes of list to out, each distinct text once, corners
 * scaled by scale. */
static void
scan_decode_collect(const ZXing_Barcodes *list, int scale, struct scan_codes *out)
{
	int i, n = ZXing_Barcodes_size(list);

	if (n > 0)
		out->v = xrealloc(out->v, (out->n + (size_t)n) * sizeof *out->v);
	for (i = 0; i < n; i++) {
		const ZXing_Barcode *b = ZXing_Barcodes_at(list, i);
		struct scan_code *c;
		ZXing_Position p;
		char *text;

		if (b == NULL || !ZXing_Barcode_isValid(b) ||
		    ZXing_Barcode_format(b) != ZXing_BarcodeFormat_QRCode)
			continue;
		if ((text = ZXing_Barcode_text(b)) == NULL)
			continue;
		if (scan_decode_seen(out, text)) {
			ZXing_free(text);
			continue;
		}
		c = &out->v[out->n++];
		c->text = xstrdup(text); /* ours to free with free(), not ZXing_free() */
		c->len = strlen(c->text);
		ZXing_free(text);
		p = ZXing_Barcode_position(b);
		c->corner[0] = (struct scan_point){p.topLeft.x * scale, p.topLeft.y * scale};
		c->corner[1] = (struct scan_point){p.topRight.x * scale, p.topRight.y * scale};
		c->corner[2] =
		    (struct scan_point){p.bottomRight.x * scale, p.bottomRight.y * scale};
		c->corner[3] = (struct scan_point){p.bottomLeft.x * scale, p.bottomLeft.y * scale};
	}
}

/* The picture at half resolution, inverted: each pixel 255 minus the mean
 * of a 2x2 block. */
static void
scan_decode_half_inverted(struct scan_decoder *d, const uint8_t *luma, int width, int height,
                          int stride, int *hw, int *hh)
{
	int x, y, w = width / 2, h = height / 2;
	size_t need = (size_t)w * (size_t)h;

	if (need > d->cap) {
		free(d->buf);
		d->buf = xmalloc(need);
		d->cap = need;
	}
	for (y = 0; y < h; y++) {
		const uint8_t *r0 = luma + (size_t)(2 * y) * (size_t)stride, *r1 = r0 + stride;
		uint8_t *o = d->buf + (size_t)y * (size_t)w;
		for (x = 0; x < w; x++)
			o[x] = (uint8_t)(255 - ((r0[2 * x] + r0[2 * x + 1] + r1[2 * x] +
			                         r1[2 * x + 1] + 2) >>
			                        2));
	}
	*hw = w;
	*hh = h;
}

int
scan_decode_luma(struct scan_decoder *d, const uint8_t *luma, int width, int height, int stride,
                 struct scan_codes *out, char **cause)
{
	ZXing_ImageView *iv = NULL;
	ZXing_Barcodes *list = NULL;
	int rc = -1, hw, hh;

	out->v = NULL;
	out->n = 0;
	if (luma == NULL || width <= 0 || height <= 0 || stride < width) {
		util_fail(cause, "The picture to read is empty or malformed.");
		goto out;
	}
	iv = ZXing_ImageView_new(luma, width, height, ZXing_ImageFormat_Lum, stride, 1);
	if (iv == NULL) {
		scan_decode_zxing_fail(cause, "image");
		goto out;
	}
	list = ZXing_ReadBarcodes(iv, d->opts);
	if (list == NULL) {
		scan_decode_zxing_fail(cause, "read");
		goto out;
	}
	scan_decode_collect(list, 1, out);
	if (out->n == 0 && d->half != NULL && width >= 64 && height >= 64) {
		ZXing_Barcodes_delete(list);
		list = NULL;
		ZXing_ImageView_delete(iv);
		scan_decode_half_inverted(d, luma, width, height, stride, &hw, &hh);
		iv = ZXing_ImageView_new(d->buf, hw, hh, ZXing_ImageFormat_Lum, hw, 1);
		if (iv == NULL) {
			scan_decode_zxing_fail(cause, "image");
			goto out;
		}
		if ((list = ZXing_ReadBarcodes(iv, d->half)) == NULL) {
			scan_decode_zxing_fail(cause, "read");
			goto out;
		}
		scan_decode_collect(list, 2, out);
	}
	rc = (int)out->n;
out:
	if (rc < 0)
		scan_codes_free(out);
	ZXing_Barcodes_delete(list);
	ZXing_ImageView_delete(iv);
	return rc;
}

void
scan_codes_free(struct scan_codes *codes)
{
	size_t i;

	if (codes == NULL)
		return;
	for (i = 0; i < codes->n; i++)
		free(codes->v[i].text);
	free(codes->v);
	codes->v = NULL;
	codes->n = 0;
}

unsigned long
scan_decode_precheck_skips(void)
{
#ifdef SCAN_ZXING_SYSTEM
	return 0;
#else
	return scan_zxing_precheck_skips();
#endif
}

const char *
scan_decode_backend(void)
{
#ifdef SCAN_ZXING_SYSTEM
	return "zxing-cpp system C API";
#else
	return "zxing-cpp 1.4 C++ API through scan_zxing.cpp";
#endif
}
