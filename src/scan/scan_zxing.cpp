/* scan_zxing.cpp — zxing-cpp 2.3's C API subset (scan_zxingc.h) over the
 * 1.4 C++ API, for systems whose zxing-cpp has no <ZXing/ZXingC.h>.
 *
 * 1.4 differs from 2.3 in ways that matter here: ReadBarcode() skips
 * downscaling (so ReadBarcodes() is used), an empty read may return invalid
 * results (filtered), and there is no tryInvert (emulated by decoding the
 * inverse when nothing was found).  No exception crosses into C.  Over 1.4,
 * QR-only reads go through a pre-check that does zxing's binarization itself
 * and calls zxing only where it can find a code (below). */
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
#if ZXING_VERSION_MAJOR == 1 && ZXING_VERSION_MINOR == 4
#include <ZXing/Quadrilateral.h> /* the pre-check: Scale */
#include <ZXing/ZXAlgorithms.h>  /* the pre-check: Contains */
#endif

#include <algorithm>
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
	bool qrOnly = false;  /* formats is exactly QRCode: the pre-check may answer */
	bool precheck = true; /* scan_zxing_set_precheck */
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

/* The pre-check, and zxing's binarization done here.
 *
 * Most camera frames hold no code, and on those zxing 1.4 spends 80% of its
 * time building a bit matrix it then finds nothing in.  For QR codes only,
 * ReadBarcodes() binarizes each layer of its pyramid (the picture, and
 * thirds of it while the smaller side is over 500 px) with HybridBinarizer
 * (8x8 blocks: a block's black point is its mean, or, when its range is 24 or
 * less, half its minimum or its upper-left neighbours' black point; each
 * block's threshold is the mean of the 5x5 black points around it; a pixel at
 * or under it is black).  FindFinderPatterns() then walks every third row
 * (rows 2, 5, 8...) looking at each window of five runs starting on a black
 * one for 1:1:3:1:1 with light before it, and hands each such window to
 * LocateConcentricPattern(), whose first check is the same pattern in the
 * column through the window's centre.  Every finder pattern kept comes from
 * one window that passed both, and a code needs three finder patterns.
 *
 * So, layer by layer, the pre-check does the same binarization on the same
 * rows, counts the windows that pass both tests loosened (half a pixel more
 * tolerance on each run, a pixel less of light before, two pixels more range,
 * the columns on either side too), and stops at three.  Fewer than three: the
 * layer cannot give a code, and zxing is not called on it.  Three or more:
 * the layer's whole bit matrix is made here (block statistics and
 * thresholding are loops over bytes, in vector code) and handed to zxing as a
 * picture of 0 and 255 with Binarizer::BoolCast, which reads it back as the
 * same matrix: zxing then does only its finder search and decoding, and the
 * results are merged across layers as ReadBarcodes() merges them.  The
 * inverse (tryInvert) is binarized the same way from the picture itself.
 *
 * An empty camera frame costs about a fifth of zxing alone, a frame with a
 * code about half.  Exact for 1.4 only (2.x changed the binarizer and the
 * pattern tests): other versions, other formats, pixel strides or binarizers
 * go to ReadBarcodes() as before.  tests/unit/test_scan_corpus.c checks that
 * every corpus photo and its inverse give the same codes at the same corners
 * with it and without it (scan_zxing_set_precheck). */
#if ZXING_VERSION_MAJOR == 1 && ZXING_VERSION_MINOR == 4
#define SCAN_ZXING_PRECHECK 1
#endif

#ifdef SCAN_ZXING_PRECHECK
enum { SCAN_ZXING_BLOCK = 8, SCAN_ZXING_MIN_RANGE = 24, SCAN_ZXING_NEED = 3 };

/* One thread's work space (a decoder is used by one thread at a time). */
struct scan_zxing_scratch {
	std::vector<int> black, thr, runs;
	std::vector<uint16_t> csum;
	std::vector<uint8_t> cmin, cmax, bits, rowthr, layer[2];
};

static thread_local scan_zxing_scratch scan_zxing_work;
static thread_local unsigned long scan_zxing_skipped;

/* The loops over bytes below are what the pre-check costs: let GCC turn them
 * into vector code (-O2 alone leaves them scalar). */
#if defined(__GNUC__) && !defined(__clang__)
#define SCAN_ZXING_VECTOR __attribute__((optimize("tree-vectorize")))
#else
#define SCAN_ZXING_VECTOR
#endif

/* One layer being checked: its pixels, and its black points and thresholds
 * (thr: inverted for inv, so that black is luma >= thr), computed from the
 * top down as far as the rows looked at need them. */
struct scan_zxing_layer {
	const uint8_t *lum;
	int w, h, stride, sw, sh;
	bool inv;
	int *black, *thr;
	int black_rows, thr_rows; /* block rows done */
};

/* HybridBinarizer's black points of the next block row, in raster order (a
 * flat block looks at the blocks above and to its left). */
SCAN_ZXING_VECTOR static void
scan_zxing_black_row(scan_zxing_layer &l)
{
	scan_zxing_scratch &s = scan_zxing_work;
	const int B = SCAN_ZXING_BLOCK, by = l.black_rows, w = l.w, sw = l.sw;
	const uint8_t *r = l.lum + static_cast<ptrdiff_t>(std::min(by * B, l.h - B)) * l.stride;
	int *bp = l.black + static_cast<size_t>(by) * sw;
	uint16_t *cs = s.csum.data();
	uint8_t *mn = s.cmin.data(), *mx = s.cmax.data();

	/* column sums, minima and maxima of the block row: straight loops over
	 * bytes, which the compiler turns into vector code */
	for (int x = 0; x < w; x++) {
		cs[x] = r[x];
		mn[x] = r[x];
		mx[x] = r[x];
	}
	for (int yy = 1; yy < B; yy++) {
		r += l.stride;
		for (int x = 0; x < w; x++) {
			uint8_t v = r[x];
			cs[x] = static_cast<uint16_t>(cs[x] + v);
			mn[x] = v < mn[x] ? v : mn[x];
			mx[x] = v > mx[x] ? v : mx[x];
		}
	}
	for (int bx = 0; bx < sw; bx++) {
		int x0 = std::min(bx * B, w - B), sum = 0, lo = 255, hi = 0, avg;

		for (int x = x0; x < x0 + B; x++) {
			sum += cs[x];
			lo = std::min(lo, static_cast<int>(mn[x]));
			hi = std::max(hi, static_cast<int>(mx[x]));
		}
		if (l.inv) {
			int t = lo;
			sum = B * B * 255 - sum;
			lo = 255 - hi;
			hi = 255 - t;
		}
		avg = sum / (B * B);
		if (hi - lo <= SCAN_ZXING_MIN_RANGE) {
			avg = lo / 2;
			if (by > 0 && bx > 0) {
				int nb = (bp[bx - sw] + 2 * bp[bx - 1] + bp[bx - sw - 1]) / 4;
				if (lo < nb)
					avg = nb;
			}
		}
		bp[bx] = avg;
	}
	l.black_rows++;
}

/* The thresholds of block row by and those above it: each block's the mean
 * of the 5x5 black points around it (moved inside at the edges). */
static inline void
scan_zxing_need(scan_zxing_layer &l, int by)
{
	const int sw = l.sw, sh = l.sh;

	for (; l.thr_rows <= by; l.thr_rows++) {
		int top = std::clamp(l.thr_rows, 2, sh - 3);
		while (l.black_rows <= top + 2)
			scan_zxing_black_row(l);
		for (int bx = 0; bx < sw; bx++) {
			int left = std::clamp(bx, 2, sw - 3), sum = 0;
			for (int dy = -2; dy <= 2; dy++)
				for (int dx = -2; dx <= 2; dx++)
					sum +=
					    l.black[static_cast<size_t>(top + dy) * sw + left + dx];
			l.thr[static_cast<size_t>(l.thr_rows) * sw + bx] =
			    l.inv ? 255 - sum / 25 : sum / 25;
		}
	}
}

/* The block row of pixel row y: the last block row starts 8 pixels from the
 * bottom and is thresholded last, so pixels there take its threshold (the
 * same for columns). */
static inline int
scan_zxing_block_row(const scan_zxing_layer &l, int y)
{
	return y >= l.h - SCAN_ZXING_BLOCK ? l.sh - 1 : y / SCAN_ZXING_BLOCK;
}

/* Black under the layer's binarization. */
static inline bool
scan_zxing_black(scan_zxing_layer &l, int x, int y)
{
	int bx = x >= l.w - SCAN_ZXING_BLOCK ? l.sw - 1 : x / SCAN_ZXING_BLOCK;
	int by = scan_zxing_block_row(l, y);
	int v = l.lum[static_cast<ptrdiff_t>(y) * l.stride + x];
	int t;

	scan_zxing_need(l, by);
	t = l.thr[static_cast<size_t>(by) * l.sw + bx];
	return l.inv ? v >= t : v <= t;
}

/* FindFinderPatterns' test of five runs, loosened: 1:1:3:1:1 within half a
 * module and one pixel (1.4: half a pixel), at least 7 pixels. */
static bool
scan_zxing_is_finder(const int *v)
{
	static const int pattern[5] = {1, 1, 3, 1, 1};
	int width = v[0] + v[1] + v[2] + v[3] + v[4];
	float module, tol;

	if (width < 7)
		return false;
	module = static_cast<float>(width) / 7;
	tol = module * 0.5f + 1.0f;
	for (int k = 0; k < 5; k++) {
		if (std::abs(static_cast<float>(v[k]) - static_cast<float>(pattern[k]) * module) >
		    tol)
			return false;
	}
	return true;
}

/* The first check LocateConcentricPattern makes of a row's candidate: the
 * column through its centre, read from the third edge below back up, must
 * hold five runs, each ending within range pixels (the picture's edge counts
 * as an edge once), in 1:1:3:1:1.  Loosened: two pixels more range, the columns either side too. */
static bool
scan_zxing_column_ok(scan_zxing_layer &l, int cx, int y, int range)
{
	range += 2;
	for (int x = std::max(cx - 1, 0); x <= std::min(cx + 1, l.w - 1); x++) {
		int runs[5], edges = 0, yy = y, n;
		bool c = scan_zxing_black(l, x, y), ok = true;

		/* down to the first pixel past the third edge; leaving the picture
		 * counts as an edge, and ends the walk */
		for (n = 0; edges < 3; n++) {
			if (n >= range) {
				ok = false;
				break;
			}
			if (++yy >= l.h) {
				ok = edges == 2;
				break;
			}
			bool b = scan_zxing_black(l, x, yy);
			edges += b != c;
			c = b;
		}
		if (!ok)
			continue;
		/* back up over five runs; only the last may end at the top */
		yy--;
		for (int k = 0; k < 5 && ok; k++) {
			bool start = scan_zxing_black(l, x, yy);
			runs[k] = 0;
			for (;;) {
				runs[k]++;
				if (runs[k] > range) {
					ok = false;
					break;
				}
				if (--yy < 0) {
					ok = k == 4;
					break;
				}
				if (scan_zxing_black(l, x, yy) != start)
					break;
			}
		}
		if (ok && scan_zxing_is_finder(runs))
			return true;
	}
	return false;
}

/* Windows of a row's runs (from a black one, with light before it) that pass
 * FindFinderPatterns' test and the column check, loosened. */
static int
scan_zxing_row_windows(scan_zxing_layer &l, int y, const int *runs, int n)
{
	int found = 0, front = runs[0];

	for (int i = 1; i + 4 < n; front += runs[i] + runs[i + 1], i += 2) {
		const int *v = runs + i;
		int width = v[0] + v[1] + v[2] + v[3] + v[4];

		if (!scan_zxing_is_finder(v))
			continue;
		if (i > 1 && v[-1] < static_cast<float>(width) / 7 * 0.5f - 1.5f) /* 1.4: - 1 */
			continue;
		/* 1.4: the centre (front + v0 + v1 + v2 / 2.0, y + 0.5), range
		 * 3/2 of the window */
		if (scan_zxing_column_ok(l, front + v[0] + v[1] + v[2] / 2, y, width * 3 / 2))
			found++;
	}
	return found;
}

/* A layer to check: the work space sized for it, nothing computed yet. */
static scan_zxing_layer
scan_zxing_layer_begin(const uint8_t *lum, int w, int h, int stride, bool inv)
{
	scan_zxing_scratch &s = scan_zxing_work;
	const int B = SCAN_ZXING_BLOCK;
	int sw = (w + B - 1) / B, sh = (h + B - 1) / B;

	s.black.resize(static_cast<size_t>(sw) * sh);
	s.thr.resize(static_cast<size_t>(sw) * sh);
	s.csum.resize(static_cast<size_t>(w));
	s.cmin.resize(static_cast<size_t>(w));
	s.cmax.resize(static_cast<size_t>(w));
	s.bits.resize(static_cast<size_t>(w));
	s.rowthr.resize(static_cast<size_t>(w));
	s.runs.resize(static_cast<size_t>(w) + 2);
	return scan_zxing_layer{lum, w, h, stride, sw, sh, inv, s.black.data(), s.thr.data(), 0, 0};
}

/* The windows FindFinderPatterns would look at in the layer, up to NEED:
 * from the top, so that a busy picture stops early. */
SCAN_ZXING_VECTOR static int
scan_zxing_layer_windows(scan_zxing_layer &l, bool harder)
{
	scan_zxing_scratch &s = scan_zxing_work;
	const int B = SCAN_ZXING_BLOCK, w = l.w, h = l.h, sw = l.sw;
	const uint8_t *lum = l.lum;
	int skip, found = 0, tx_row = -1;
	bool inv = l.inv;

	if (w < 5 * B || h < 5 * B)
		return SCAN_ZXING_NEED; /* 1.4 uses another binarizer there: not emulated */
	skip = (3 * h) / (4 * (20 * 4 + 17));
	if (skip < 3 || harder)
		skip = 3;
	for (int y = skip - 1; y < h && found < SCAN_ZXING_NEED; y += skip) {
		int by = scan_zxing_block_row(l, y);
		const uint8_t *r = lum + static_cast<ptrdiff_t>(y) * l.stride;
		uint8_t *bits = s.bits.data(), *tx = s.rowthr.data();
		int *runs = s.runs.data(), *p = runs;

		if (by != tx_row) {
			/* the row's thresholds pixel by pixel, so that thresholding is
			 * one loop over bytes */
			const int *t;
			scan_zxing_need(l, by);
			t = l.thr + static_cast<size_t>(by) * sw;
			for (int x = 0; x < w; x++)
				tx[x] = static_cast<uint8_t>(t[x >= w - B ? sw - 1 : x / B]);
			tx_row = by;
		}
		if (inv) {
			for (int x = 0; x < w; x++)
				bits[x] = r[x] >= tx[x];
		} else {
			for (int x = 0; x < w; x++)
				bits[x] = r[x] <= tx[x];
		}
		/* runs as 1.4's GetPatternRow: white first (0 when the row starts
		 * black), then alternating, and a last white 0 after a black end;
		 * eight pixels at a time where nothing changes */
		int start = 0, x = 1;
		if (bits[0])
			*p++ = 0;
		while (x < w) {
			uint64_t a, b;
			if (x + 8 <= w) {
				std::memcpy(&a, bits + x, 8);
				std::memcpy(&b, bits + x - 1, 8);
				if (a == b) {
					x += 8;
					continue;
				}
			}
			if (bits[x] != bits[x - 1]) {
				*p++ = x - start;
				start = x;
			}
			x++;
		}
		*p++ = w - start;
		if (bits[w - 1])
			*p++ = 0;
		found += scan_zxing_row_windows(l, y, runs, static_cast<int>(p - runs));
	}
	return found;
}

/* ReadBarcodes' next pyramid layer: each n x n block averaged, rounded
 * (column sums of n rows first: a loop over bytes in vector code). */
SCAN_ZXING_VECTOR static void
scan_zxing_downscale(const uint8_t *src, int w, int h, int stride, int n, std::vector<uint8_t> &out,
                     int *ow, int *oh)
{
	std::vector<uint16_t> &cs = scan_zxing_work.csum;
	int dw = w / n, dh = h / n, cw = dw * n;

	out.resize(static_cast<size_t>(dw) * dh);
	cs.resize(static_cast<size_t>(w));
	for (int dy = 0; dy < dh; dy++) {
		const uint8_t *r = src + static_cast<ptrdiff_t>(dy * n) * stride;
		uint8_t *d = out.data() + static_cast<size_t>(dy) * dw;
		uint16_t *c = cs.data();

		for (int x = 0; x < cw; x++)
			c[x] = r[x];
		for (int ty = 1; ty < n; ty++) {
			r += stride;
			for (int x = 0; x < cw; x++)
				c[x] = static_cast<uint16_t>(c[x] + r[x]);
		}
		for (int dx = 0; dx < dw; dx++) {
			int sum = (n * n) / 2;
			for (int tx = 0; tx < n; tx++)
				sum += c[dx * n + tx];
			d[dx] = static_cast<uint8_t>(sum / (n * n));
		}
	}
	*ow = dw;
	*oh = dh;
}

/* The layer's bit matrix as HybridBinarizer makes it, as bytes: 0 black, 255
 * white (what Binarizer::BoolCast reads back as the same matrix). */
SCAN_ZXING_VECTOR static void
scan_zxing_bitmap(scan_zxing_layer &l, std::vector<uint8_t> &out)
{
	const int B = SCAN_ZXING_BLOCK, w = l.w, h = l.h, sw = l.sw, sh = l.sh;
	uint8_t *tx = scan_zxing_work.rowthr.data();

	/* the block rows the windows did not reach are computed now */
	out.resize(static_cast<size_t>(w) * h);
	for (int by = 0; by < sh; by++) {
		const int *t;
		int y0 = by * B, y1 = by == sh - 1 ? h : std::min(y0 + B, h - B);

		if (by == sh - 1)
			y0 = h - B;
		scan_zxing_need(l, by);
		t = l.thr + static_cast<size_t>(by) * sw;
		for (int x = 0; x < w; x++)
			tx[x] = static_cast<uint8_t>(t[x >= w - B ? sw - 1 : x / B]);
		for (int y = y0; y < y1; y++) {
			const uint8_t *r = l.lum + static_cast<ptrdiff_t>(y) * l.stride;
			uint8_t *o = out.data() + static_cast<size_t>(y) * w;
			if (l.inv) {
				for (int x = 0; x < w; x++)
					o[x] = r[x] >= tx[x] ? 0 : 255;
			} else {
				for (int x = 0; x < w; x++)
					o[x] = r[x] <= tx[x] ? 0 : 255;
			}
		}
	}
}

/* Whether scan_zxing_read can stand in for ReadBarcodes(iv, opts). */
static bool
scan_zxing_fast_ok(const ZXing_ImageView *iv, const ZXing_ReaderOptions *opts)
{
	const scan_zxing_hints &h = opts->hints;

	return opts->precheck && opts->qrOnly && !h.isPure() &&
	       h.binarizer() == ZXing::Binarizer::LocalAverage &&
	       iv->format == ZXing_ImageFormat_Lum && iv->pixStride == 1 &&
	       iv->width >= 5 * SCAN_ZXING_BLOCK && iv->height >= 5 * SCAN_ZXING_BLOCK &&
	       h.downscaleFactor() >= 2 && h.downscaleFactor() <= 16;
}

/* ReadBarcodes(iv, opts) on the picture or (inv) its inverse, done as 1.4
 * does it, layer by layer of its pyramid, but: a layer where the pre-check
 * finds fewer than three windows is not read at all, and the others are
 * handed to zxing binarized already (the same bit matrix, made in vector
 * code, read back with Binarizer::BoolCast), so zxing spends nothing on
 * HybridBinarizer; results merged as ReadBarcodes merges them. */
static ZXing::Results
scan_zxing_read(const ZXing_ImageView *iv, const ZXing_ReaderOptions *opts, bool inv)
{
	const scan_zxing_hints &h = opts->hints;
	scan_zxing_hints one = h;
	const uint8_t *lum = iv->data;
	int w = iv->width, ht = iv->height, stride = iv->rowStride, layer = 0;
	int max = h.maxNumberOfSymbols();
	bool read = false;
	ZXing::Results results;

	one.setTryDownscale(false).setBinarizer(ZXing::Binarizer::BoolCast);
	for (;;) {
		scan_zxing_layer l = scan_zxing_layer_begin(lum, w, ht, stride, inv);
		if (scan_zxing_layer_windows(l, h.tryHarder()) >= SCAN_ZXING_NEED) {
			/* a frame of bytes, as long as zxing reads it (as its own bit
			 * matrix was): not kept between pictures */
			std::vector<uint8_t> bits;
			scan_zxing_bitmap(l, bits);
			one.setMaxNumberOfSymbols(static_cast<uint8_t>(max));
			ZXing::Results rs = ZXing::ReadBarcodes(
			    ZXing::ImageView(bits.data(), w, ht, ZXing::ImageFormat::Lum), one);
			for (auto &r : rs) {
				if (w != iv->width)
					r.setPosition(ZXing::Scale(r.position(), iv->width / w));
				if (!ZXing::Contains(results, r)) {
					results.push_back(std::move(r));
					--max;
				}
			}
			read = true;
		}
		if (max <= 0)
			break;
		if (!h.tryDownscale() || h.downscaleThreshold() == 0 ||
		    std::min(w, ht) <= h.downscaleThreshold())
			break;
		/* inverting commutes with the rounded mean: 255 - (s + 4) / 9 ==
		 * (9 * 255 - s + 4) / 9, so the inverse's layers are these inverted */
		std::vector<uint8_t> &next = scan_zxing_work.layer[layer];
		scan_zxing_downscale(lum, w, ht, stride, h.downscaleFactor(), next, &w, &ht);
		lum = next.data();
		stride = w;
		layer ^= 1;
	}
	if (!read)
		scan_zxing_skipped++;
	return results;
}
#endif /* SCAN_ZXING_PRECHECK */

/* ReadBarcodes(iv, opts) on the picture or (inv) on its inverse (inverted
 * copy of the picture), through the pre-check where it applies. */
static ZXing::Results
scan_zxing_pass(const ZXing_ImageView *iv, const ZXing_ReaderOptions *opts, bool inv)
{
#ifdef SCAN_ZXING_PRECHECK
	if (scan_zxing_fast_ok(iv, opts))
		return scan_zxing_read(iv, opts, inv);
#endif
	if (!inv) {
		ZXing::ImageView view(iv->data, iv->width, iv->height,
		                      scan_zxing_format(iv->format), iv->rowStride, iv->pixStride);
		return ZXing::ReadBarcodes(view, opts->hints);
	}
	std::vector<uint8_t> copy = scan_zxing_inverted(iv);
	return ZXing::ReadBarcodes(
	    ZXing::ImageView(copy.data(), iv->width, iv->height, ZXing::ImageFormat::Lum),
	    opts->hints);
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
	opts->qrOnly = formats == ZXing_BarcodeFormat_QRCode;
}

void
scan_zxing_set_precheck(ZXing_ReaderOptions *opts, bool on)
{
	opts->precheck = on;
}

unsigned long
scan_zxing_precheck_skips(void)
{
#ifdef SCAN_ZXING_PRECHECK
	return scan_zxing_skipped;
#else
	return 0;
#endif
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
		scan_zxing_collect(out, scan_zxing_pass(iv, opts, false));
		if (out->list.empty() && opts->tryInvert)
			scan_zxing_collect(out, scan_zxing_pass(iv, opts, true));
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
