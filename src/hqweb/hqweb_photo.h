/* hqweb_photo.h — a sponsor's statement read from a photo or scan of it
 * (PNG or JPEG, as a phone or a scanner saves it): the statement id in its
 * QR code, for the pledge payment form.  Staff only: wat-hq reads a photo
 * only from a signed-in session's form. */
#ifndef WAT_HQWEB_PHOTO_H
#define WAT_HQWEB_PHOTO_H

#include <stddef.h>

#define HQWEB_PHOTO_MAX_BYTES (16u * 1024 * 1024)

/* The first statement id ("S:...") among the QR codes of the picture in
 * data: 0 and *code (malloc'd); 1 none found, -1 not a picture we read,
 * each with a sentence in *cause. */
int hqweb_photo_statement(const void *data, size_t len, char **code, char **cause);

#endif
