/* kiosk_app.h — the kiosk's state shared by its screens, and the helpers
 * they draw with (kiosk_app.c).  Screens are a table of operations
 * (screens.h); the ledger lives on the worker thread (kiosk_worker.h). */
#ifndef WAT_KIOSK_APP_H
#define WAT_KIOSK_APP_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk_style.h"
#include "kiosk_worker.h"
#include "screen_state.h"
#include "ui.h"

enum screen_id {
	SCREEN_OPENING,
	SCREEN_FATAL,
	SCREEN_SETUP,
	SCREEN_JOIN, /* first start: join an event from a pack on a USB stick */
	SCREEN_HOME,
	SCREEN_RESULT,
	SCREEN_FIND,
	SCREEN_WALKER,
	SCREEN_BADGE,
	SCREEN_REGISTER,
	SCREEN_DONATE,
	SCREEN_CORRECT,
	SCREEN_PIN,
	SCREEN_COORD,
	SCREEN_SETTINGS,
	SCREEN_IMPORT,
	SCREEN_PRINT,    /* a print job: progress, outcome, try again, print elsewhere */
	SCREEN_PRINTER,  /* coordinator: printer queue, paper, test print */
	SCREEN_CLOSE,    /* coordinator: close-out, the sheet, reopen */
	SCREEN_EXPORT,   /* coordinator: export to USB stick, the station key */
	SCREEN_PACK,     /* coordinator: the event pack to USB stick, for a second station */
	SCREEN_TRAINING, /* coordinator: the volunteers' training ledger, on or off */
	SCREEN_WAIVER,   /* after a registration, when the event has a waiver: who agrees */
	SCREEN_REVIEW,   /* coordinator: flagged laps, accept or reject */
	SCREEN_PLEDGES,  /* a walker's pledges: settle, add, pay */
	SCREEN_CERTIFY,  /* coordinator: certify the laps pledges are billed on, or reopen */
	SCREEN_STATIONS, /* coordinator: the other stations wat-sync reaches */
	SCREEN_BADGES,   /* coordinator: sheets of badges (all, new, one team) */
	/* coordinator: conflicts between stations, in words */
	SCREEN_CONFLICTS,
	SCREEN_SEND, /* coordinator: Send to HQ (kiosk_send.h) and HQ's receipt */
	SCREEN_COUNT,
};

/* What an on-screen keyboard types. */
enum kiosk_kb {
	KIOSK_KB_TEXT,   /* letters, digits, accents */
	KIOSK_KB_NAME,   /* the same, each word capitalised */
	KIOSK_KB_EMAIL,  /* lowercase */
	KIOSK_KB_DIGITS, /* keypad */
	KIOSK_KB_AMOUNT, /* keypad with a decimal point */
	KIOSK_KB_NUMBER, /* the same, not dollars (a distance) */
	KIOSK_KB_PIN,    /* keypad, shown as dots */
};

enum kiosk_ask_result {
	KIOSK_ASK_NONE,
	KIOSK_ASK_DONE,
	KIOSK_ASK_BACK,
	KIOSK_ASK_SKIP,
	KIOSK_ASK_ASIDE, /* kiosk_ask_or's other button */
};

#define KIOSK_MSG_MAX 1024

struct kiosk {
	struct ui *ui;
	struct kiosk_worker *w;
	const char *db_path;
	const char *usb_dir;
	int script; /* script mode: no sound, no idle timeouts */

	enum screen_id screen;
	int64_t screen_at_ms;     /* when the screen was entered */
	int64_t now_ms;           /* monotonic, read once per loop */
	struct kiosk_style style; /* the sizes screens draw with, for this frame's window */

	struct kiosk_status st;
	uint64_t waiting; /* the tag of the reply the screen waits for; 0: none */
	char msg[KIOSK_MSG_MAX];
	enum ui_color msg_color;

	int coordinator;   /* unlocked by the PIN; locks after the event's lock_ms idle */
	int64_t active_ms; /* the last touch or key */
	/* the PIN asked over the screen on show, its form kept (kiosk_unlock) */
	int unlock;
	void (*unlock_then)(struct kiosk *k);
	char unlock_pin[16];
	int64_t pin_wait_until_ms; /* wrong PINs: no try before this (counted down) */

	/* typed into whatever field the frame showed, else into the scan buffer */
	char *field;
	size_t field_size;
	enum kiosk_kb field_kb;
	int enter, escape; /* Return / Escape typed, for the next frame */
	int kb_accents, kb_shift;
	char scanbuf[BADGE_SCAN_MAX + 1];
	size_t scanlen;
	int64_t scan_typed_ms;
	char scanner_status[64]; /* "" when fine, else e.g. "No scanner" (set by the scan source) */

	/* the last scan's answer, for the result screen */
	struct kiosk_reply *result;
	/* the walker card on show */
	struct kiosk_reply *card;
	/* the walkers' display (the home screen when idle): the leaderboard,
	 * when it was asked for, and the last lap that passed ("María L. — lap 12!") */
	struct kiosk_reply *board;
	int64_t board_ms;
	int board_shown;
	int idle_forced;    /* script mode (no idle timeouts): the script's "idle" */
	struct ui *display; /* the walkers' display on a second output; NULL: none */
	int64_t display_ms; /* when it was last drawn */
	int display_dirty;  /* the board or the last pass changed */
	char pass[160];
	int64_t pass_ms;

	/* what the screens share */
	uint32_t walker;          /* the walker on show; 0: the whole station */
	struct kiosk_reply *list; /* find results, recent entries, folder listing */

	/* each screen's own */
	struct screen_donate_state donate;
	struct screen_pledges_state pledges;
	char review_said[160]; /* Lap review: the lap just accepted or rejected, in words */
	struct screen_register_state reg;
	struct screen_waiver_state waiver;
	struct screen_correct_state correct;
	struct screen_find_state find;
	struct screen_print_state print;
	struct screen_printer_state printer;
	struct screen_close_state close;
	struct screen_export_state export;
	struct screen_pin_state pin;
	struct screen_settings_state settings;
	struct screen_import_state import;
	struct screen_setup_state setup;
	struct screen_join_state join;
	struct screen_badges_state badges;

	int64_t frame_us;          /* the last frame's render time, for the benchmark */
	int64_t stations_asked_ms; /* the Stations screen's last refresh */
	/* the Stations screen's "Read a station's stick": what it gave, in words */
	char stations_note[KIOSK_MSG_MAX];
	int stations_note_bad, stations_reading;

	/* jobs that outlive their screens: printing (kiosk_print.h), export (kiosk_export.h) */
	struct kiosk_print *print_job;
	enum screen_id print_back; /* where the print screen's Done goes */
	char printer_status[300];  /* the home chip: "" when the last print went fine */
	enum ui_color printer_color;
	struct kiosk_export *export_job;
	const char *assets_dir; /* fonts for printed pages */
	const char *spool_dir;  /* PDFs without CUPS or printer */
	int usb_given;          /* --usb: use usb_dir, else look for mounted sticks */
	int export_running;
	struct kiosk_send *send; /* Send to HQ through wat-send (kiosk_send.h); NULL: none */
	char send_line[600];     /* the Send to HQ screen's line as last drawn */
	char send_brief[80];     /* the coordinator menu's few words of it, as last drawn */
	int send_after_export;   /* "Export and send": sent once that export is verified */
	int send_off_pressed;    /* a send button pressed that cannot send: its reason in red */
};

/* Who may see a screen (screen_ops.coordinator). */
enum screen_access {
	SCREEN_ANYONE,
	SCREEN_COORDINATOR, /* only an unlocked coordinator */
	/* only an unlocked coordinator while about the whole station (no walker
	 * on show: k->walker 0), else anyone (corrections) */
	SCREEN_COORDINATOR_STATION,
};

struct screen_ops {
	const char *name;
	void (*enter)(struct kiosk *k);
	void (*draw)(struct kiosk *k);
	/* a worker reply for this screen (k->waiting already cleared); may take
	 * ownership by setting *r to NULL */
	void (*reply)(struct kiosk *k, struct kiosk_reply **r);
	/* called every turn of the main loop (timeouts) */
	void (*tick)(struct kiosk *k);
	enum screen_access coordinator;
};

/* Asks for the coordinator PIN over the screen on show, keeping whatever it
 * holds (a cash count half typed); then(k) runs once unlocked (may be NULL).
 * Back leaves a coordinator screen for home. */
void kiosk_unlock(struct kiosk *k, void (*then)(struct kiosk *k));
/* Locks coordinator mode now (the bar's Lock, the menu's Home). */
void kiosk_lock(struct kiosk *k);
/* 1 for the screens only an unlocked coordinator sees. */
int kiosk_coordinator_screen(const struct kiosk *k);
/* While unlocked, the "Coordinator unlocked — Lock" button in r (headers). */
void kiosk_unlocked_bar(struct kiosk *k, struct ui_rect r);
/* After wrong PINs: the wait counted down in r; 1 while it lasts (draw no keypad). */
int kiosk_pin_wait(struct kiosk *k, struct ui_rect r);

/* Switches screens (enter runs now; the next frame draws it). */
void kiosk_go(struct kiosk *k, enum screen_id s);
/* Posts a request; the screen shows "Working…" until its reply. */
void kiosk_post(struct kiosk *k, struct kiosk_req *q);
/* The hook every scan source calls with a code (keyboard wedge, camera, script). */
void kiosk_scan(struct kiosk *k, const char *code);
void kiosk_message(struct kiosk *k, enum ui_color c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Takes an owned reply into a slot, freeing what was there. */
void kiosk_keep(struct kiosk_reply **slot, struct kiosk_reply *r);

/* Drawing helpers: a header bar with a Back button (returns 1 when pressed). */
int kiosk_header(struct kiosk *k, const char *title, const char *back);
/* The area below the header. */
struct ui_rect kiosk_body(struct kiosk *k);
void kiosk_draw_message(struct kiosk *k, struct ui_rect r);
void kiosk_field(struct kiosk *k, struct ui_rect r, const char *value, enum kiosk_kb kb,
                 const char *placeholder);
/* Keyboard or keypad editing buf in r; returns 1 when its Done key was pressed. */
int kiosk_keyboard(struct kiosk *k, struct ui_rect r, char *buf, size_t size, enum kiosk_kb kb,
                   const char *done);
/* A whole screen asking for one value. */
enum kiosk_ask_result kiosk_ask(struct kiosk *k, const char *title, const char *prompt, char *buf,
                                size_t size, enum kiosk_kb kb, int optional);
/* The same with another way on: a button labelled aside beside the prompt
 * (KIOSK_ASK_ASIDE when pressed). */
enum kiosk_ask_result kiosk_ask_or(struct kiosk *k, const char *title, const char *prompt,
                                   char *buf, size_t size, enum kiosk_kb kb, int optional,
                                   const char *aside);
/* Splits r into n columns / rows with a gap. */
struct ui_rect kiosk_col(struct ui_rect r, int i, int n, int gap);
struct ui_rect kiosk_row(struct ui_rect r, int i, int n, int gap);
/* A row of n choices, each h high: side by side, or on a portrait panel
 * (480 wide, where three long labels do not fit a row) one under the other.
 * kiosk_choices_h: the height the row takes; kiosk_choice: choice i in r. */
int kiosk_choices_h(struct kiosk *k, int n, int h, int gap);
struct ui_rect kiosk_choice(struct kiosk *k, struct ui_rect r, int i, int n, int gap);
/* Two halves of body: side by side, or stacked on a portrait screen. */
void kiosk_halves(struct kiosk *k, struct ui_rect body, int gap, struct ui_rect *a,
                  struct ui_rect *b);
/* Asks the worker op about the USB stick (the --usb folder, else found). */
void kiosk_post_usb(struct kiosk *k, enum kiosk_op op);
struct ui_rect kiosk_inset(struct ui_rect r, int d);

/* Text typed by a keyboard; Return/Escape. */
void kiosk_type(struct kiosk *k, const char *text);
void kiosk_key(struct kiosk *k, enum ui_key key);
/* The colour of a scan's answer: UI_OK, UI_WARN or UI_BAD. */
enum ui_color kiosk_scan_color(const struct kiosk_reply *r);
/* "$1,025.00" */
const char *kiosk_money(int64_t cents, char *buf, size_t len);
const char *kiosk_role_name(int role);
/* Another station last reached less than this ago is fresh (green). */
#define KIOSK_PEER_FRESH_MS (2 * 60 * 1000)
/* "Lap point: 3 s ago", "Lap point: 4 min ago", "Lap point: not seen since
 * 10:42" (the station's time zone), "Lap point: not reached yet". */
void kiosk_peer_words(const struct kiosk_peer *p, char *buf, size_t len);
/* "14:03  Lap 7, scanned", "14:05  Lap 7 undone: entered twice" for lists of
 * entries; with ledger (the coordinator's station-wide list) the entry numbers too. */
void kiosk_entry_line(const struct kiosk_recent *e, int ledger, char *buf, size_t len);

/* The PIN asked over the screen on show (k->unlock): drawn instead of the
 * screen, and the worker's answer to it (kiosk_loop.c calls them). */
void kiosk_unlock_draw(struct kiosk *k);
void kiosk_unlock_reply(struct kiosk *k, struct kiosk_reply *r);

#endif
