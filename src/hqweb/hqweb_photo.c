/* hqweb_photo.c — the statement id in a photo of a statement (hqweb_photo.h). */
#include "hqweb_photo.h"

#include <stdlib.h>
#include <string.h>

#include "scan_decode.h"
#include "scan_file.h"
#include "util.h"

int
hqweb_photo_statement(const void *data, size_t len, char **code, char **cause)
{
	struct scan_image img = {0};
	struct scan_codes codes = SCAN_CODES_INIT;
	struct scan_decoder *d = NULL;
	char *why = NULL;
	size_t i;
	int rc = -1, n;

	*code = NULL;
	if (len == 0)
		return util_fail(cause, "No photo was chosen.");
	if (len > HQWEB_PHOTO_MAX_BYTES)
		return util_fail(cause, "The photo is larger than 16 MB: take it again at a "
		                        "smaller size, or type the statement number.");
	if (scan_file_load_mem(data, len, &img, &why) != 0) {
		util_fail(cause,
		          "That file is not a photo HQ can read (a PNG or JPEG picture): %s Type "
		          "the statement number instead.",
		          why != NULL ? why : "");
		goto end;
	}
	/* a decoder of its own: the request's thread (scan_decode.h) */
	if ((d = scan_decode_new(NULL)) == NULL) {
		util_fail(cause, "HQ could not start reading codes; type the statement number.");
		goto end;
	}
	if ((n = scan_decode_luma(d, img.luma, img.width, img.height, img.width, &codes, &why)) <
	    0) {
		util_fail(cause,
		          "HQ could not read the photo's codes (%s); type the statement "
		          "number.",
		          why != NULL ? why : "");
		goto end;
	}
	for (i = 0; i < codes.n; i++)
		if (strncmp(codes.v[i].text, "S:", 2) == 0 && codes.v[i].len < 96) {
			*code = xstrdup(codes.v[i].text);
			rc = 0;
			goto end;
		}
	rc = 1;
	util_fail(cause, codes.n > 0
	                     ? "The photo's QR code is not a statement's (a badge?): photograph "
	                       "the code on the sponsor's statement, or type its number."
	                     : "No QR code was found in the photo: photograph the statement's "
	                       "code flat and in focus, or type the number printed under it.");
end:
	scan_codes_free(&codes);
	scan_decode_free(d);
	scan_file_image_free(&img);
	free(why);
	return rc;
}
