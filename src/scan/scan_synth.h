/* scan_synth.h — synthetic camera frames of badges for tests and benches:
 * a QR code rendered with libqrencode, laid into a frame at an angle and in
 * perspective, then blurred, noised, faded or passed through JPEG.  Nothing
 * here runs in the kiosk. */
#ifndef WAT_SCAN_SYNTH_H
#define WAT_SCAN_SYNTH_H

#include "scan_file.h"

/* Where a badge goes in a frame. */
struct scan_synth_place {
	double cx, cy; /* centre, pixels */
	double size;   /* side of the code with its quiet zone, pixels */
	double angle;  /* degrees, clockwise */
	double tilt;   /* perspective: 0 flat; 0.3 makes the top edge 30% shorter than the bottom */
};

/* A QR code (ECC level M, with a 4-module quiet zone) at module pixels per module. */
int scan_synth_qr(const char *text, int module, struct scan_image *img, char **cause);
/* A frame of width x height filled with a soft gradient and texture (seeded). */
void scan_synth_frame(struct scan_image *img, int width, int height, unsigned seed);
/* Draws code into frame (bilinear sampling). */
void scan_synth_put(struct scan_image *frame, const struct scan_image *code,
                    const struct scan_synth_place *at);
void scan_synth_blur(struct scan_image *img, int radius);
/* Horizontal smear over length pixels: a walker moving past the camera. */
void scan_synth_motion(struct scan_image *img, int length);
void scan_synth_noise(struct scan_image *img, double sigma, unsigned seed);
/* Maps black to lo and white to hi. */
void scan_synth_contrast(struct scan_image *img, int lo, int hi);
/* Compresses and decompresses at quality (1-100) with libturbojpeg. */
int scan_synth_jpeg(struct scan_image *img, int quality, char **cause);
void scan_synth_invert(struct scan_image *img);

/* Writers for fixtures and file-source tests. */
int scan_synth_write_pgm(const struct scan_image *img, const char *path, char **cause);
int scan_synth_write_png(const struct scan_image *img, const char *path, char **cause);
int scan_synth_write_jpeg(const struct scan_image *img, int quality, const char *path,
                          char **cause);

#endif
