/* scan_zxing.cpp — zxing-cpp 2.3's C API subset (scan_zxingc.h) over the
 * 1.4 C++ API, for systems whose zxing-cpp has no <ZXing/ZXingC.h>.
 *
 * 1.4 differs from 2.3 in ways that matter here: ReadBarcode() skips
 * downscaling (so ReadBarcodes() is used), an empty read may return invalid
 * results (filtered), and there is no tryInvert (emulated by decoding the
 * inverted luma when nothing was found).  No exception crosses into C. */
#if defined(__has_include)
#if __has_include(<ZXing/ZXingC.h>)
/* The system has the real C API (see scan_zxingc.h): nothing to build, and
 * its header is not included here, so no C++ header of 2.3 is needed. */
#define SCAN_ZXING_SYSTEM 1
#endif
#endif

#ifndef SCAN_ZXING_SYSTEM
#include "scan_zxingc.h"

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>
#include <ZXing/ZXVersion.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#if ZXING_VERSION_MAJOR >= 2
using scan_zxing_hints = ZXing::ReaderOptions;
#else
using scan_zxing_hints = ZXing::DecodeHints;
#endif

struct ZXing_ImageView {
	const uint8_t *data;
	int width, height, rowStride, pixStride;
	ZXing_ImageFormat format;
};

struct ZXing_ReaderOptions {
	scan_zxing_hints hints;
	bool tryInvert = true;
};

struct ZXing_Barcode {
	ZXing::Result result;
};

struct ZXing_Barcodes {
	std::vector<ZXing_Barcode> list;
};

static thread_local std::string scan_zxing_error;

static char *
scan_zxing_copy(const std::string &s)
{
	char *p = static_cast<char *>(std::malloc(s.size() + 1));

	if (p != nullptr) {
		std::memcpy(p, s.data(), s.size());
		p[s.size()] = '\0';
	}
	return p;
}

static int
scan_zxing_pixstride(ZXing_ImageFormat format)
{
	return (static_cast<uint32_t>(format) >> 24) & 0xff;
}

/* 1.4 has no LumA: luma is the first byte of each pixel either way. */
static ZXing::ImageFormat
scan_zxing_format(ZXing_ImageFormat format)
{
	if (format == ZXing_ImageFormat_LumA)
		return ZXing::ImageFormat::Lum;
	return static_cast<ZXing::ImageFormat>(format);
}

/* A tightly packed, inverted luma copy of any supported view. */
static std::vector<uint8_t>
scan_zxing_inverted(const ZXing_ImageView *iv)
{
	std::vector<uint8_t> out(static_cast<size_t>(iv->width) * iv->height);
	uint32_t f = static_cast<uint32_t>(iv->format);
	int lum = iv->format == ZXing_ImageFormat_Lum || iv->format == ZXing_ImageFormat_LumA;
	int ri = (f >> 16) & 0xff, gi = (f >> 8) & 0xff, bi = f & 0xff;

	for (int y = 0; y < iv->height; y++) {
		const uint8_t *row = iv->data + static_cast<ptrdiff_t>(y) * iv->rowStride;
		uint8_t *o = out.data() + static_cast<size_t>(y) * iv->width;
		if (lum && iv->pixStride == 1) {
			for (int x = 0; x < iv->width; x++)
				o[x] = 255 - row[x];
			continue;
		}
		for (int x = 0; x < iv->width; x++) {
			const uint8_t *p = row + static_cast<ptrdiff_t>(x) * iv->pixStride;
			o[x] = 255 - (lum ? p[0] : ZXing::RGBToLum(p[ri], p[gi], p[bi]));
		}
	}
	return out;
}

static void
scan_zxing_collect(ZXing_Barcodes *out, ZXing::Results &&results)
{
	for (auto &r : results) {
		if (r.isValid())
			out->list.push_back(ZXing_Barcode{std::move(r)});
	}
}

extern "C" {

ZXing_ImageView *
ZXing_ImageView_new(const uint8_t *data, int width, int height, ZXing_ImageFormat format,
                    int rowStride, int pixStride)
{
	int ps = scan_zxing_pixstride(format);

	scan_zxing_error.clear();
	if (data == nullptr || width <= 0 || height <= 0 || ps == 0) {
		scan_zxing_error = "invalid image view";
		return nullptr;
	}
	if (pixStride == 0)
		pixStride = ps;
	if (rowStride == 0)
		rowStride = width * pixStride;
	auto *iv =
	    new (std::nothrow) ZXing_ImageView{data, width, height, rowStride, pixStride, format};
	if (iv == nullptr)
		scan_zxing_error = "out of memory";
	return iv;
}

void
ZXing_ImageView_delete(ZXing_ImageView *iv)
{
	delete iv;
}

ZXing_ReaderOptions *
ZXing_ReaderOptions_new(void)
{
	auto *o = new (std::nothrow) ZXing_ReaderOptions;

	if (o == nullptr)
		return nullptr;
	o->hints.setTryHarder(true).setTryRotate(true).setTryDownscale(true);
	o->hints.setFormats(ZXing::BarcodeFormat::None); /* none means any */
	o->hints.setMaxNumberOfSymbols(0xff);
	return o;
}

void
ZXing_ReaderOptions_delete(ZXing_ReaderOptions *opts)
{
	delete opts;
}

void
ZXing_ReaderOptions_setTryHarder(ZXing_ReaderOptions *opts, bool tryHarder)
{
	opts->hints.setTryHarder(tryHarder);
}

void
ZXing_ReaderOptions_setTryRotate(ZXing_ReaderOptions *opts, bool tryRotate)
{
	opts->hints.setTryRotate(tryRotate);
}

void
ZXing_ReaderOptions_setTryInvert(ZXing_ReaderOptions *opts, bool tryInvert)
{
	opts->tryInvert = tryInvert;
}

void
ZXing_ReaderOptions_setTryDownscale(ZXing_ReaderOptions *opts, bool tryDownscale)
{
	opts->hints.setTryDownscale(tryDownscale);
}

void
ZXing_ReaderOptions_setFormats(ZXing_ReaderOptions *opts, ZXing_BarcodeFormats formats)
{
	opts->hints.setFormats(static_cast<ZXing::BarcodeFormat>(formats));
}

void
ZXing_ReaderOptions_setMaxNumberOfSymbols(ZXing_ReaderOptions *opts, int n)
{
	opts->hints.setMaxNumberOfSymbols(static_cast<uint8_t>(n < 0 ? 0 : n > 255 ? 255 : n));
}

ZXing_Barcodes *
ZXing_ReadBarcodes(const ZXing_ImageView *iv, const ZXing_ReaderOptions *opts)
{
	ZXing_ReaderOptions defaults;
	ZXing_Barcodes *out = nullptr;

	scan_zxing_error.clear();
	if (iv == nullptr) {
		scan_zxing_error = "no image view";
		return nullptr;
	}
	if (opts == nullptr) {
		ZXing_ReaderOptions *d = ZXing_ReaderOptions_new();
		if (d == nullptr) {
			scan_zxing_error = "out of memory";
			return nullptr;
		}
		defaults = *d;
		ZXing_ReaderOptions_delete(d);
		opts = &defaults;
	}
	try {
		out = new ZXing_Barcodes;
		ZXing::ImageView view(iv->data, iv->width, iv->height,
		                      scan_zxing_format(iv->format), iv->rowStride, iv->pixStride);
		scan_zxing_collect(out, ZXing::ReadBarcodes(view, opts->hints));
		if (out->list.empty() && opts->tryInvert) {
			std::vector<uint8_t> inv = scan_zxing_inverted(iv);
			ZXing::ImageView iview(inv.data(), iv->width, iv->height,
			                       ZXing::ImageFormat::Lum);
			scan_zxing_collect(out, ZXing::ReadBarcodes(iview, opts->hints));
		}
	} catch (const std::exception &e) {
		scan_zxing_error = e.what();
		delete out;
		out = nullptr;
	} catch (...) {
		scan_zxing_error = "unknown error in zxing";
		delete out;
		out = nullptr;
	}
	return out;
}

void
ZXing_Barcodes_delete(ZXing_Barcodes *barcodes)
{
	delete barcodes;
}

int
ZXing_Barcodes_size(const ZXing_Barcodes *barcodes)
{
	return barcodes == nullptr ? 0 : static_cast<int>(barcodes->list.size());
}

const ZXing_Barcode *
ZXing_Barcodes_at(const ZXing_Barcodes *barcodes, int i)
{
	if (barcodes == nullptr || i < 0 || static_cast<size_t>(i) >= barcodes->list.size())
		return nullptr;
	return &barcodes->list[static_cast<size_t>(i)];
}

bool
ZXing_Barcode_isValid(const ZXing_Barcode *barcode)
{
	return barcode != nullptr && barcode->result.isValid();
}

ZXing_BarcodeFormat
ZXing_Barcode_format(const ZXing_Barcode *barcode)
{
	if (barcode == nullptr)
		return ZXing_BarcodeFormat_None;
	return static_cast<ZXing_BarcodeFormat>(barcode->result.format());
}

char *
ZXing_Barcode_text(const ZXing_Barcode *barcode)
{
	if (barcode == nullptr)
		return nullptr;
	try {
		return scan_zxing_copy(barcode->result.text());
	} catch (...) {
		return nullptr;
	}
}

ZXing_Position
ZXing_Barcode_position(const ZXing_Barcode *barcode)
{
	ZXing_Position p{};

	if (barcode == nullptr)
		return p;
	const auto &q = barcode->result.position();
	p.topLeft = {q.topLeft().x, q.topLeft().y};
	p.topRight = {q.topRight().x, q.topRight().y};
	p.bottomRight = {q.bottomRight().x, q.bottomRight().y};
	p.bottomLeft = {q.bottomLeft().x, q.bottomLeft().y};
	return p;
}

char *
ZXing_LastErrorMsg(void)
{
	if (scan_zxing_error.empty())
		return nullptr;
	return scan_zxing_copy(scan_zxing_error);
}

void
ZXing_free(void *ptr)
{
	std::free(ptr);
}

} /* extern "C" */

#endif /* SCAN_ZXING_SYSTEM */
