/* scan_decode.c — the one C file that talks to zxing-cpp (see scan_zxingc.h). */
#include "scan_decode.h"

#include "scan_zxingc.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct scan_decoder {
	ZXing_ReaderOptions *opts;
};

struct scan_decoder *
scan_decode_new(const struct scan_decode_options *o)
{
	struct scan_decode_options def = {1, 1, 8};
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
	ZXing_ReaderOptions_setTryInvert(d->opts, o->try_invert != 0);
	ZXing_ReaderOptions_setMaxNumberOfSymbols(d->opts, o->max_symbols > 0 ? o->max_symbols : 8);
	return d;
}

void
scan_decode_free(struct scan_decoder *d)
{
	if (d == NULL)
		return;
	ZXing_ReaderOptions_delete(d->opts);
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

int
scan_decode_luma(struct scan_decoder *d, const uint8_t *luma, int width, int height, int stride,
                 struct scan_codes *out, char **cause)
{
	ZXing_ImageView *iv = NULL;
	ZXing_Barcodes *list = NULL;
	int i, n, rc = -1;

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
	n = ZXing_Barcodes_size(list);
	if (n > 0)
		out->v = xcalloc((size_t)n, sizeof *out->v);
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
		c->corner[0] = (struct scan_point){p.topLeft.x, p.topLeft.y};
		c->corner[1] = (struct scan_point){p.topRight.x, p.topRight.y};
		c->corner[2] = (struct scan_point){p.bottomRight.x, p.bottomRight.y};
		c->corner[3] = (struct scan_point){p.bottomLeft.x, p.bottomLeft.y};
	}
	rc = (int)out->n;
out:
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

const char *
scan_decode_backend(void)
{
#ifdef SCAN_ZXING_SYSTEM
	return "zxing-cpp system C API";
#else
	return "zxing-cpp 1.4 C++ API through scan_zxing.cpp";
#endif
}
