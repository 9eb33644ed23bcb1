/* fuzz_scan_image.c — the picture loader (PNG, JPEG, PGM by their first
 * bytes) fed arbitrary bytes: an error message or a picture, never a crash. */
#include "scan_file.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_image img;
	char *cause = NULL;

	if (scan_file_load_mem(data, size, &img, &cause) == 0) {
		if (img.luma == NULL || img.width <= 0 || img.height <= 0)
			abort();
		/* Touch every pixel: ASan checks the size. */
		volatile unsigned sum = 0;
		for (size_t i = 0; i < (size_t)img.width * (size_t)img.height; i++)
			sum += img.luma[i];
		scan_file_image_free(&img);
	} else if (cause == NULL)
		abort();
	free(cause);
	return 0;
}
