/* scan_decode.h — QR codes in a luma frame, through zxing-cpp's C API.
 *
 * QR only (1D readers turn camera noise into false reads), every payload as
 * UTF-8 text, each distinct text once per frame.  A decoder is not thread-safe:
 * one per thread. */
#ifndef WAT_SCAN_DECODE_H
#define WAT_SCAN_DECODE_H

#include <stddef.h>
#include <stdint.h>

struct scan_decoder;

struct scan_point {
	int x, y;
};

struct scan_code {
	char *text;                  /* NUL-terminated UTF-8, owned by the list */
	size_t len;                  /* strlen(text) */
	struct scan_point corner[4]; /* top-left, top-right, bottom-right, bottom-left */
};

struct scan_codes {
	struct scan_code *v;
	size_t n;
};

#define SCAN_CODES_INIT                                                                            \
	{                                                                                          \
		NULL, 0                                                                            \
	}

struct scan_decode_options {
	int try_invert;  /* also read light-on-dark codes (phones in dark mode); default 1 */
	int try_harder;  /* default 1 */
	int max_symbols; /* codes per frame; default 8 */
	/* with try_invert: look for light-on-dark codes at half resolution only
	 * (a quarter of the pixels: a phone held up to the camera has big
	 * modules); the camera's frames between full inverted passes.  Default 0. */
	int invert_half;
	/* tests and the bench's "before" figures: zxing's ReadBarcodes() on every
	 * picture as it is, without the pre-check that spares it pictures where
	 * it cannot find a code and binarizes for it (scan_zxing.cpp).  Default 0. */
	int no_precheck;
};

/* opts may be NULL for the defaults. */
struct scan_decoder *scan_decode_new(const struct scan_decode_options *opts);
void scan_decode_free(struct scan_decoder *d);

/* Reads the QR codes in an 8-bit luma image (stride bytes per row).  Returns
 * the number found (0 or more) with *out filled (freed with scan_codes_free),
 * or -1 with *cause when zxing failed. */
int scan_decode_luma(struct scan_decoder *d, const uint8_t *luma, int width, int height, int stride,
                     struct scan_codes *out, char **cause);

void scan_codes_free(struct scan_codes *codes);

/* zxing passes the pre-check spared in this thread so far (0 where it is not
 * built: with a zxing-cpp other than 1.4). */
unsigned long scan_decode_precheck_skips(void);

/* "1.4.0 (compatibility layer)" or "system C API": for logs and docs. */
const char *scan_decode_backend(void);

#endif
