#include "kiosk_style.h"

/* The design, at 800x480. */
static const struct kiosk_style kiosk_style_design = {
    .font = {.hint = 17,
             .small = 18,
             .body = 20,
             .text = 22,
             .label = 24,
             .title = 26,
             .key = 28,
             .big = 30,
             .large = 36,
             .figure = 44,
             .banner = 52,
             .hero = 64},
    .hair = 2,
    .border = 3,
    .tight = 4,
    .gap_s = 6,
    .gap = 8,
    .margin = 10,
    .pad = 12,
    .gap_l = 16,
    .margin_l = 24,
    .line_s = 30,
    .line = 34,
    .line_l = 40,
    .row = 50,
    .row_l = 60,
    .header = 56,
    .button = 66,
    .button_l = 70,
    .tall = 80,
    .back_w = 130,
    .col_w = 200,
    .lock_w = 300,
    .wide_w = 700,
    .bar = UI_ACCENT,
    .primary = UI_ACCENT,
    .done = UI_OK,
    .quiet = UI_PANEL,
    .key = UI_KEY,
};

void
kiosk_style_scale(struct kiosk_style *s, struct ui *u)
{
	const struct kiosk_style *d = &kiosk_style_design;

	*s = *d; /* text sizes and colours as they are: ui_text scales text */
	s->hair = ui_px(u, d->hair);
	s->border = ui_px(u, d->border);
	s->tight = ui_px(u, d->tight);
	s->gap_s = ui_px(u, d->gap_s);
	s->gap = ui_px(u, d->gap);
	s->margin = ui_px(u, d->margin);
	s->pad = ui_px(u, d->pad);
	s->gap_l = ui_px(u, d->gap_l);
	s->margin_l = ui_px(u, d->margin_l);
	s->line_s = ui_px(u, d->line_s);
	s->line = ui_px(u, d->line);
	s->line_l = ui_px(u, d->line_l);
	s->row = ui_px(u, d->row);
	s->row_l = ui_px(u, d->row_l);
	s->header = ui_px(u, d->header);
	s->button = ui_px(u, d->button);
	s->button_l = ui_px(u, d->button_l);
	s->tall = ui_px(u, d->tall);
	s->back_w = ui_px(u, d->back_w);
	s->col_w = ui_px(u, d->col_w);
	s->lock_w = ui_px(u, d->lock_w);
	s->wide_w = ui_px(u, d->wide_w);
}
