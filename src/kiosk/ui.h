/* ui.h — a small immediate-mode UI on SDL2 + SDL2_ttf (the only files that
 * include SDL are ui.c and the benchmark).
 *
 * Each frame the caller draws straight from its state between ui_begin and
 * ui_end; there are no widget objects.  Buttons fire on RELEASE, when the
 * press and the release both fall inside the button.  Coordinates are logical:
 * the screen as the user sees it, after rotation.  Every text drawn in a frame
 * is recorded so script mode can look for it (ui_seen) and tap a button by
 * its label (ui_button_at). */
#ifndef WAT_UI_H
#define WAT_UI_H

#include <stddef.h>
#include <stdint.h>

struct ui;

struct ui_rect {
	int x, y, w, h;
};

enum ui_color {
	UI_BG,     /* page background */
	UI_FG,     /* body text */
	UI_DIM,    /* secondary text */
	UI_PANEL,  /* cards, fields */
	UI_LINE,   /* borders */
	UI_ACCENT, /* primary buttons */
	UI_KEY,    /* keyboard keys */
	UI_OK,     /* green */
	UI_WARN,   /* amber */
	UI_BAD,    /* red */
	UI_WHITE,
	UI_BLACK,
	UI_NCOLORS,
};

enum ui_align { UI_LEFT, UI_CENTER, UI_RIGHT };

enum ui_sound { UI_SOUND_OK, UI_SOUND_WARN, UI_SOUND_ERROR, UI_NSOUNDS };

enum ui_key { UI_KEY_NONE, UI_KEY_RETURN, UI_KEY_BACKSPACE, UI_KEY_ESCAPE, UI_KEY_TAB };

/* What ui_poll hands to the application (pointer events are handled inside). */
enum ui_event_type {
	UI_EV_NONE,  /* timed out */
	UI_EV_QUIT,  /* window closed or SIGTERM */
	UI_EV_TEXT,  /* typed text (keyboard or keyboard-wedge scanner) in ev->text */
	UI_EV_KEY,   /* ev->key */
	UI_EV_INPUT, /* a press/release/resize: draw a frame */
	UI_EV_WAKE,  /* ui_wake was called from another thread */
};

struct ui_event {
	enum ui_event_type type;
	enum ui_key key;
	char text[64];
};

struct ui_config {
	int width, height; /* window size; 0: full screen at the display's size */
	int rotation;      /* 0, 90, 180 or 270 degrees clockwise */
	const char *font_dir;
	int sound;    /* 0: never open an audio device */
	int software; /* 1: force SDL's software renderer */
};

int ui_open(const struct ui_config *c, struct ui **out, char **cause);
/* How many displays SDL reports (1 when it cannot tell). */
int ui_displays(void);
/* A second window, full screen on display `display` (0 is the first), drawn
 * like main's (ui_begin .. ui_end) but taking no input: the walkers'
 * display on a second HDMI output.  Free with ui_free before main. */
int ui_open_display(const struct ui *main, int display, struct ui **out, char **cause);
void ui_free(struct ui *u);

/* Waits up to timeout_ms (-1: forever) for input; returns 1 with *ev, 0 on timeout. */
int ui_poll(struct ui *u, int timeout_ms, struct ui_event *ev);
/* Thread-safe: makes the UI thread's ui_poll return UI_EV_WAKE. */
void ui_wake(struct ui *u);
/* Changes rotation (0/90/180/270); the logical size follows. */
void ui_set_rotation(struct ui *u, int degrees);
int ui_rotation(struct ui *u);

/* Script mode: the same events a finger or a keyboard would make (window coordinates). */
void ui_inject_tap(struct ui *u, int x, int y);
/* The same as a finger tapping again at once (a double tap's second tap):
 * ui_inject_tap is a person who looked at the screen before tapping, so a
 * button that just appeared takes it (see ui_button); this one does not. */
void ui_inject_quick_tap(struct ui *u, int x, int y);
/* 1 while events injected above have not been taken from SDL's queue yet:
 * script mode waits for them before it calls the screen settled (SDL's
 * poll can stop short of events pushed during the same turn). */
int ui_input_pending(const struct ui *u);
void ui_inject_text(struct ui *u, const char *text);
void ui_inject_key(struct ui *u, enum ui_key key);

void ui_begin(struct ui *u);
void ui_end(struct ui *u);
/* 1 when the next frame must be drawn (input arrived or ui_invalidate was called). */
int ui_dirty(struct ui *u);
void ui_invalidate(struct ui *u);
uint64_t ui_frames(struct ui *u);

/* Keeps the top px (logical) of the window for a banner (ui_banner): the
 * frame's drawing and touches are below it, and ui_height is the rest. */
void ui_set_top(struct ui *u, int px);
/* Draws text on amber and black stripes across the kept top (warning tape),
 * recorded as a string like any text; call after the frame's drawing. */
void ui_banner(struct ui *u, const char *text, int size);

/* Logical size and the scale for a design made at 800x480 (1.0 there). */
int ui_width(struct ui *u);
int ui_height(struct ui *u);
int ui_px(struct ui *u, int design_px);

void ui_fill(struct ui *u, struct ui_rect r, enum ui_color c);
void ui_border(struct ui *u, struct ui_rect r, enum ui_color c, int thickness);
/* Draws text in r (vertically centred), shrinking it to fit the width, else
 * ending it with "…".  size is in design pixels. */
void ui_text(struct ui *u, struct ui_rect r, const char *text, int size, int bold, enum ui_color c,
             enum ui_align a);
/* The same for text that may end with "…" where it does not fit (a team's
 * long name beside a walker's number): not a layout fault in script mode. */
void ui_text_cut(struct ui *u, struct ui_rect r, const char *text, int size, int bold,
                 enum ui_color c, enum ui_align a);
int ui_text_width(struct ui *u, const char *text, int size, int bold);
/* Draws text from the top of r, wrapped at spaces and newlines; returns the
 * height used.  Recorded as one string (newlines as spaces). */
int ui_text_wrap(struct ui *u, struct ui_rect r, const char *text, int size, int bold,
                 enum ui_color c, enum ui_align a);
/* How long a button new at its spot ignores taps (ms): longer than a double
 * tap's interval (100-250 ms), shorter than reading a new button and
 * reaching for it. */
#define UI_SETTLE_MS 400

/* A button: fires (returns 1) when released inside after being pressed
 * inside, unless the press came within UI_SETTLE_MS of the button first
 * showing there (a double tap's second tap; ui_inject_tap is exempt). */
int ui_button(struct ui *u, struct ui_rect r, const char *label, enum ui_color bg, int size);
/* The same for a button of a list that acts on one item (key, e.g. an entry
 * number): when the list moves up under the finger, the next item's button
 * is a new button there, and waits as every new button does (ui.c's
 * UI_SETTLE_MS) instead of taking a double tap meant for the one before. */
int ui_button_keyed(struct ui *u, struct ui_rect r, const char *label, uint64_t key,
                    enum ui_color bg, int size);
/* A button that cannot act now (the screen says why beside it): drawn flat,
 * dashed and grey; known to script mode by its label; 1 when tapped, so the
 * screen may point at the reason, never act. */
int ui_button_off(struct ui *u, struct ui_rect r, const char *label, int size);
/* A row of a list: a tappable area with its background and border, known to
 * script mode by label (press LABEL); the caller draws its text on top. */
int ui_row(struct ui *u, struct ui_rect r, const char *label, enum ui_color bg);
/* A tappable area with no drawing of its own. */
int ui_hit(struct ui *u, struct ui_rect r);
/* Draws text as a QR code (libqrencode, ECC M) as large as fits in r. */
int ui_qr(struct ui *u, struct ui_rect r, const char *text);

void ui_sound(struct ui *u, enum ui_sound s);

/* Script mode: was text drawn (a substring of any string) in the last frame? */
int ui_seen(struct ui *u, const char *text);
/* The window coordinates of the centre of the last frame's button labelled label. */
int ui_button_at(struct ui *u, const char *label, int *x, int *y);
/* Script mode: from now on, record the frame's layout faults: text cut off
 * (shortened with "…", or wrapped lines that found no room) and touch targets
 * (buttons, ui_hit areas) narrower or lower than min_target window pixels. */
void ui_check(struct ui *u, int min_target);
/* The last frame's faults, one per line (malloc'd), or NULL when there were none. */
char *ui_faults(struct ui *u);
/* Every string of the last frame, one per line (malloc'd), for error messages. */
char *ui_seen_all(struct ui *u);

/* Calls draw (which draws one whole frame) and writes that frame, as laid out
 * before rotation, to a PNG file. */
int ui_screenshot(struct ui *u, const char *path, void (*draw)(void *), void *arg, char **cause);

#endif
