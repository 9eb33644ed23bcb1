/* kiosk_style.h — the one set of sizes every screen draws with: text sizes,
 * the header, buttons, rows, margins and gaps, and the colours of the roles
 * that recur (kiosk_style.c holds the design values).  Made for the 800x480
 * panel and scaled by the window each frame (kiosk_style_scale), so a screen
 * never writes a size of its own. */
#ifndef WAT_KIOSK_STYLE_H
#define WAT_KIOSK_STYLE_H

#include "ui.h"

/* Text sizes, in design pixels (ui_text and ui_button scale them
 * themselves): a scale from small to large, named by what each is mostly for. */
struct kiosk_fonts {
	int hint;   /* 17: fine print, messages of several lines */
	int small;  /* 18: secondary lines, the lock bar, column heads */
	int body;   /* 20: messages, the Back button, wide keys */
	int text;   /* 22: the text of a form, most buttons */
	int label;  /* 24: prompts, headings in the body */
	int title;  /* 26: the header's title, keyboard keys, big buttons */
	int key;    /* 28: the typed value, a full-screen line */
	int big;    /* 30: keypad digits, a question */
	int large;  /* 36: choices shown big (cash, check, other), a name */
	int figure; /* 44: the state of a print, a scan's verdict */
	int banner; /* 52: "Donation recorded", "Scan your badge" */
	int hero;   /* 64: an amount to confirm, a walker's welcome */
};

/* Lengths in window pixels: the design's, scaled to the window. */
struct kiosk_style {
	struct kiosk_fonts font;
	int hair, border;         /* 2, 3: rules and a field's frame */
	int tight, gap_s, gap;    /* 4, 6, 8: between keys and buttons */
	int margin, pad, gap_l;   /* 10, 12, 16: around the body, inside fields */
	int margin_l;             /* 24: around a full-screen message */
	int line_s, line, line_l; /* 30, 34, 40: a line of text */
	int row, row_l;           /* 50, 60: a row of a list, a text field */
	int header;               /* 56: the header bar */
	int button, button_l;     /* 66, 70: a row of buttons */
	int tall;                 /* 80: a tile */
	int back_w;               /* 130: the header's Back button */
	int col_w;                /* 200: a narrow column, a lone button */
	int lock_w;               /* 300: the "Coordinator unlocked" bar */
	int wide_w;               /* 700: the widest a column of text grows */
	/* the colours of the roles that recur */
	enum ui_color bar;     /* the header bar */
	enum ui_color primary; /* buttons that go on */
	enum ui_color done;    /* buttons that finish: Done, Confirm */
	enum ui_color quiet;   /* buttons that go back or change */
	enum ui_color key;     /* keyboard keys */
};

/* Fills s for the window u shows now (after a resize or a rotation). */
void kiosk_style_scale(struct kiosk_style *s, struct ui *u);

#endif
