/* scan_zxingc.h — the subset of zxing-cpp 2.3's C API (<ZXing/ZXingC.h>) that
 * scanning uses, with 2.3's names and values.
 *
 * Where the system ships that header (zxing-cpp >= 2.3 built with the C API,
 * e.g. Debian 13), it is used as is and SCAN_ZXING_SYSTEM is defined.  Else
 * (Debian 12's 1.4.0, C++ only) scan_zxing.cpp implements these declarations
 * over the C++ API.  Only the scan_decode group includes this file. */
#ifndef WAT_SCAN_ZXINGC_H
#define WAT_SCAN_ZXINGC_H

#if defined(__has_include)
#if __has_include(<ZXing/ZXingC.h>)
#define SCAN_ZXING_SYSTEM 1
#endif
#endif

#ifdef SCAN_ZXING_SYSTEM
#include <ZXing/ZXingC.h>
#else

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ZXing_Barcode ZXing_Barcode;
typedef struct ZXing_Barcodes ZXing_Barcodes;
typedef struct ZXing_ImageView ZXing_ImageView;
typedef struct ZXing_ReaderOptions ZXing_ReaderOptions;

typedef enum {
	ZXing_ImageFormat_None = 0,
	ZXing_ImageFormat_Lum = 0x01000000,
	ZXing_ImageFormat_LumA = 0x02000000,
	ZXing_ImageFormat_RGB = 0x03000102,
	ZXing_ImageFormat_BGR = 0x03020100,
	ZXing_ImageFormat_RGBA = 0x04000102,
	ZXing_ImageFormat_ARGB = 0x04010203,
	ZXing_ImageFormat_BGRA = 0x04020100,
	ZXing_ImageFormat_ABGR = 0x04030201,
} ZXing_ImageFormat;

typedef enum {
	ZXing_BarcodeFormat_None = 0,
	ZXing_BarcodeFormat_Aztec = (1 << 0),
	ZXing_BarcodeFormat_DataMatrix = (1 << 7),
	ZXing_BarcodeFormat_PDF417 = (1 << 12),
	ZXing_BarcodeFormat_QRCode = (1 << 13),
	ZXing_BarcodeFormat_MicroQRCode = (1 << 16),
} ZXing_BarcodeFormat;

typedef ZXing_BarcodeFormat ZXing_BarcodeFormats;

typedef struct ZXing_PointI {
	int x, y;
} ZXing_PointI;

typedef struct ZXing_Position {
	ZXing_PointI topLeft, topRight, bottomRight, bottomLeft;
} ZXing_Position;

/* Does not copy the pixels: they must outlive the view. */
ZXing_ImageView *ZXing_ImageView_new(const uint8_t *data, int width, int height,
                                     ZXing_ImageFormat format, int rowStride, int pixStride);
void ZXing_ImageView_delete(ZXing_ImageView *iv);

/* 2.3 defaults: every format, tryHarder, tryRotate, tryInvert, tryDownscale on. */
ZXing_ReaderOptions *ZXing_ReaderOptions_new(void);
void ZXing_ReaderOptions_delete(ZXing_ReaderOptions *opts);
void ZXing_ReaderOptions_setTryHarder(ZXing_ReaderOptions *opts, bool tryHarder);
void ZXing_ReaderOptions_setTryRotate(ZXing_ReaderOptions *opts, bool tryRotate);
void ZXing_ReaderOptions_setTryInvert(ZXing_ReaderOptions *opts, bool tryInvert);
void ZXing_ReaderOptions_setTryDownscale(ZXing_ReaderOptions *opts, bool tryDownscale);
void ZXing_ReaderOptions_setFormats(ZXing_ReaderOptions *opts, ZXing_BarcodeFormats formats);
void ZXing_ReaderOptions_setMaxNumberOfSymbols(ZXing_ReaderOptions *opts, int n);

/* NULL only on error (see ZXing_LastErrorMsg); opts may be NULL for defaults. */
ZXing_Barcodes *ZXing_ReadBarcodes(const ZXing_ImageView *iv, const ZXing_ReaderOptions *opts);
void ZXing_Barcodes_delete(ZXing_Barcodes *barcodes);
int ZXing_Barcodes_size(const ZXing_Barcodes *barcodes);
/* Borrowed: valid until the list is deleted. */
const ZXing_Barcode *ZXing_Barcodes_at(const ZXing_Barcodes *barcodes, int i);

bool ZXing_Barcode_isValid(const ZXing_Barcode *barcode);
ZXing_BarcodeFormat ZXing_Barcode_format(const ZXing_Barcode *barcode);
/* A malloc'd UTF-8 copy, freed with ZXing_free. */
char *ZXing_Barcode_text(const ZXing_Barcode *barcode);
ZXing_Position ZXing_Barcode_position(const ZXing_Barcode *barcode);

/* NULL when there was no error, else a copy freed with ZXing_free. */
char *ZXing_LastErrorMsg(void);
void ZXing_free(void *ptr);

/* Not 2.3's: scan_zxing.cpp's pre-check and its own binarization (on by
 * default; off for tests and the bench's "before": plain ReadBarcodes()), and
 * how many passes the pre-check spared zxing in this thread (0 where it is
 * not built: zxing-cpp other than 1.4). */
void scan_zxing_set_precheck(ZXing_ReaderOptions *opts, bool on);
unsigned long scan_zxing_precheck_skips(void);

#ifdef __cplusplus
}
#endif

#endif /* SCAN_ZXING_SYSTEM */
#endif
