/* scan_file.h — pictures from files: PNG (libpng), JPEG (libturbojpeg) and
 * PGM, as 8-bit luma; and a folder of them listed in name order, which the
 * scanner plays as camera frames (tests, demos, a table without a camera). */
#ifndef WAT_SCAN_FILE_H
#define WAT_SCAN_FILE_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_FILE_MAX_BYTES  (64u * 1024 * 1024)
#define SCAN_FILE_MAX_PIXELS (8192u * 8192u)

struct scan_image {
	uint8_t *luma; /* width * height bytes, tightly packed; owned */
	int width, height;
};

/* Decodes a picture held in memory; the kind is told by its first bytes. */
int scan_file_load_mem(const void *data, size_t len, struct scan_image *img, char **cause);
/* Loads a picture file. */
int scan_file_load(const char *path, struct scan_image *img, char **cause);
void scan_file_image_free(struct scan_image *img);

/* When path is a folder, the pictures in it (*.png *.jpg *.jpeg *.pgm, any
 * case) sorted by name; when it is a file, that file.  *paths is a malloc'd
 * array of malloc'd strings (free with scan_file_list_free). */
int scan_file_list(const char *path, char ***paths, size_t *n, char **cause);
void scan_file_list_free(char **paths, size_t n);

#endif
