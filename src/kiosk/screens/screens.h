/* screens.h — the kiosk's screens as a table of operations, one file each
 * (screen_*.c); the table itself is in kiosk_app.c. */
#ifndef WAT_SCREENS_H
#define WAT_SCREENS_H

#include "kiosk_app.h"

extern const struct screen_ops screen_opening_ops, screen_fatal_ops, screen_setup_ops;
extern const struct screen_ops screen_home_ops, screen_result_ops;
extern const struct screen_ops screen_find_ops, screen_walker_ops, screen_badge_ops;
extern const struct screen_ops screen_register_ops, screen_donate_ops, screen_correct_ops;
extern const struct screen_ops screen_pin_ops, screen_coord_ops, screen_settings_ops;
extern const struct screen_ops screen_import_ops, screen_print_ops, screen_printer_ops;
extern const struct screen_ops screen_close_ops, screen_export_ops;
void screen_export_go(struct kiosk *k, const char *dir);
int screen_export_run(struct kiosk *k, struct kiosk_reply *x);
extern const struct screen_ops screen_join_ops, screen_pack_ops, screen_training_ops;
extern const struct screen_ops screen_waiver_ops;
extern const struct screen_ops screen_review_ops, screen_pledges_ops, screen_certify_ops;
extern const struct screen_ops screen_stations_ops, screen_conflicts_ops;
extern const struct screen_ops screen_badges_ops, screen_send_ops;

extern const struct screen_ops *const screens[SCREEN_COUNT];

/* The walkers' display (screen_home.c): the idle home screen, and the whole
 * of a second window (kiosk_display_frame). */
void screen_home_board(struct kiosk *k);
/* 1 while the home screen shows it. */
int screen_home_idle(const struct kiosk *k);

/* Choose a coordinator PIN and type it again (screen_coord.c): k->pin.step is
 * `first` for the first, first + 1 for the second; 1 once both agree (the
 * PIN is in k->pin.pin1); *back when Back was pressed on the first. */
int screen_pin_choose(struct kiosk *k, const char *title, int first, int *back);

/* A code the camera read while the join screen asks for the pack's key:
 * 1 when it was taken as the key (screen_pack.c). */
int screen_join_scanned(struct kiosk *k, const char *code);
void screen_setup_date_step(int *year, int *month, int *day, int field, int delta);

/* The green "saved" screen after money is committed (screen_donate.c): title,
 * the amount and who (line), the change or a gift (note); Print receipt
 * prints entry seq; it and Done go back to back. */
void screen_money_saved(struct kiosk *k, const char *title, const char *line, const char *note,
                        int64_t seq, enum screen_id back);

#endif
