/* kiosk_script.h — script mode for tests and screenshots.
 *
 * One command a line, run when the kiosk is idle (no request in flight, the
 * frame drawn); ${NAME} is replaced by the environment variable NAME:
 *   tap X Y            a touch at window pixel X,Y (press and release)
 *   press LABEL        a touch on the button labelled LABEL in the last frame
 *   type TEXT          typed text, as from a keyboard or a wedge scanner
 *   key Return|BackSpace|Escape|Tab
 *   scan CODE          a code from the scan source (camera or scanner)
 *   wait MS            let MS milliseconds pass (timeouts run)
 *   screenshot FILE    the frame as a PNG
 *   wait-text MS TEXT  waits up to MS milliseconds for TEXT on the screen (what a
 *                      background job shows: a print settled later, ...)
 *   expect-text TEXT   fails unless TEXT is part of a string drawn in the last frame
 *   expect-no-text TEXT
 *   expect-screen NAME fails unless the current screen is NAME (home, result, ...)
 *   rotate DEG         0, 90, 180 or 270
 *   quit
 * Blank lines and lines starting with # are skipped. */
#ifndef WAT_KIOSK_SCRIPT_H
#define WAT_KIOSK_SCRIPT_H

#include "kiosk_app.h"

struct kiosk_script;

int kiosk_script_open(const char *path, struct kiosk_script **out, char **cause);
void kiosk_script_free(struct kiosk_script *s);

/* Runs the next command: 0 go on, 1 the script ended, -1 failed with *cause
 * naming the line.  *wait_ms is set when the command asks for time to pass. */
int kiosk_script_step(struct kiosk_script *s, struct kiosk *k, int64_t *wait_ms, char **cause);

#endif
