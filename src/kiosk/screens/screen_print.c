/* screen_print.c — a print job on screen (progress, the outcome in plain
 * words, try again, print elsewhere) and the coordinator's printer settings
 * with a test print. */
#include <stdio.h>
#include <string.h>

#include "kiosk_print.h"
#include "screens.h"

/* ---- a print job --------------------------------------------------------- */

enum { PRINT_SHOW, PRINT_ELSEWHERE };

static void
screen_print_enter(struct kiosk *k)
{
	k->print.step = PRINT_SHOW;
}

/* The job's state as a title and a colour. */
static const char *
screen_print_words(const struct kiosk_print *p, enum ui_color *c)
{
	*c = UI_FG;
	switch (p->phase) {
	case KIOSK_PRINT_MAKING: return "Preparing the page\xe2\x80\xa6";
	case KIOSK_PRINT_SAVING: return "Saving the PDF\xe2\x80\xa6";
	case KIOSK_PRINT_REFUSED: *c = UI_BAD; return "Not printed";
	case KIOSK_PRINT_SAVED: *c = UI_OK; return "Saved";
	case KIOSK_PRINT_RUNNING:
		switch (p->st.state) {
		case PRINT_CONNECTING: return "Connecting to the printer\xe2\x80\xa6";
		case PRINT_SENDING: return "Sending to the printer\xe2\x80\xa6";
		case PRINT_QUEUED: return "Waiting in the printer's queue\xe2\x80\xa6";
		default: return "Printing\xe2\x80\xa6";
		}
	case KIOSK_PRINT_FINISHED:
		if (p->save_failed) {
			*c = UI_BAD;
			return "Not saved";
		}
		switch (p->st.state) {
		case PRINT_DONE: *c = UI_OK; return "Printed";
		case PRINT_SPOOLED: *c = UI_WARN; return "No printer: saved as PDF";
		default:
			*c = UI_BAD;
			return strcmp(p->st.outcome, "lost") == 0 ? "The print server stopped"
			                                          : "Not printed";
		}
	default: return "";
	}
}

static void
screen_print_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	struct kiosk_print *p = k->print_job;
	struct ui_rect body = kiosk_body(k), row;
	int gap = k->style.margin, y = body.y, btn = k->style.button, lh = k->style.line;
	enum ui_color c;
	const char *words, *detail = "";
	char title[200], progress[96], spooled[sizeof p->st.spool_path + 200];
	int failed;

	if (kiosk_header(k, "Printing", "Back") || p == NULL) {
		kiosk_go(k, k->print_back);
		return;
	}
	snprintf(title, sizeof title, "%s%s",
	         p->rec.title[0]                          ? p->rec.title
	         : p->again.op == KIOSK_OP_BADGES_PDF     ? "Badges"
	         : p->again.op == KIOSK_OP_STATEMENTS_PDF ? "Statements still owed"
	                                                  : "The page",
	         p->rec.copy ? " (COPY)" : "");
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, title, k->style.font.label, 1, UI_DIM,
	        UI_LEFT);
	y += lh + gap;
	words = screen_print_words(p, &c);
	if (p->phase == KIOSK_PRINT_MAKING &&
	    (p->again.op == KIOSK_OP_BADGES_PDF || p->again.op == KIOSK_OP_STATEMENTS_PDF) &&
	    p->progress_n > 0) {
		snprintf(progress, sizeof progress, "Laying out %s: %zu of %zu\xe2\x80\xa6",
		         p->again.op == KIOSK_OP_BADGES_PDF ? "badges" : "statements",
		         p->progress_done, p->progress_n);
		words = progress;
	}
	ui_text(u, (struct ui_rect){body.x, y, body.w, k->style.row_l}, words, k->style.font.figure,
	        1, c == UI_WARN ? UI_FG : c, UI_LEFT);
	y += k->style.row_l + gap;
	if (p->phase == KIOSK_PRINT_REFUSED || p->phase == KIOSK_PRINT_SAVED || p->save_failed)
		detail = p->message;
	else if (p->phase == KIOSK_PRINT_FINISHED && p->st.state == PRINT_SPOOLED &&
	         p->st.spool_path[0] != '\0') {
		/* a volunteer's words, the file's name only (print.c's sentence has the
		 * whole path of the spool folder) */
		const char *base = strrchr(p->st.spool_path, '/');
		snprintf(
		    spooled, sizeof spooled,
		    "Nothing is lost: the page is kept on this station (%s). Plug in the "
		    "printer and press Try again, or Print elsewhere to put it on a USB stick.",
		    base != NULL ? base + 1 : p->st.spool_path);
		detail = spooled;
	} else if (p->phase == KIOSK_PRINT_FINISHED)
		detail = p->st.message;
	else if (p->phase == KIOSK_PRINT_RUNNING && p->st.reasons[0] != '\0')
		detail = p->st.reasons;
	ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, body.h - (y - body.y) - btn - lh},
	             detail, k->style.font.text, 0, UI_FG, UI_LEFT);
	kiosk_draw_message(k,
	                   (struct ui_rect){body.x, body.y + body.h - btn - lh - gap, body.w, lh});
	if (k->waiting)
		return;

	row = (struct ui_rect){body.x, body.y + body.h - btn, body.w, btn};
	failed = p->phase == KIOSK_PRINT_REFUSED || (p->phase == KIOSK_PRINT_FINISHED &&
	                                             (p->st.state != PRINT_DONE || p->save_failed));
	if (k->print.step == PRINT_ELSEWHERE) {
		if (ui_button(u, kiosk_col(row, 0, 3, gap), "Save PDF to the USB stick",
		              k->style.primary, k->style.font.body)) {
			k->print.step = PRINT_SHOW;
			kiosk_print_save(k, k->usb_given ? k->usb_dir : "");
		}
		if (ui_button(u, kiosk_col(row, 1, 3, gap), "Save PDF on this station",
		              k->style.primary, k->style.font.body)) {
			k->print.step = PRINT_SHOW;
			kiosk_print_save(k, k->spool_dir != NULL ? k->spool_dir : "");
		}
		/* back to Try again / Print elsewhere / Done (the header's Back
		 * leaves the page: two "Back"s going to two places confused) */
		if (ui_button(u, kiosk_col(row, 2, 3, gap), "Not now", k->style.quiet,
		              k->style.font.text))
			k->print.step = PRINT_SHOW;
		return;
	}
	if (p->phase == KIOSK_PRINT_RUNNING) {
		if (ui_button(u, kiosk_col(row, 0, 2, gap), "Cancel", k->style.quiet,
		              k->style.font.label) &&
		    p->job != NULL)
			print_cancel(p->job);
		if (ui_button(u, kiosk_col(row, 1, 2, gap), "Done", k->style.done,
		              k->style.font.label))
			kiosk_go(k, k->print_back);
		return;
	}
	if (failed) {
		/* no page at all (refused): nothing to print elsewhere */
		int n = p->pdf != NULL ? 3 : 2, i = 0;
		if (ui_button(u, kiosk_col(row, i++, n, gap), "Try again", k->style.primary,
		              k->style.font.label))
			kiosk_print_again(k);
		if (n == 3 && ui_button(u, kiosk_col(row, i++, n, gap), "Print elsewhere",
		                        k->style.primary, k->style.font.label))
			k->print.step = PRINT_ELSEWHERE;
		if (ui_button(u, kiosk_col(row, i, n, gap), "Done", k->style.quiet,
		              k->style.font.label))
			kiosk_go(k, k->print_back);
		return;
	}
	if (p->phase == KIOSK_PRINT_FINISHED || p->phase == KIOSK_PRINT_SAVED) {
		if (ui_button(u, (struct ui_rect){body.x + body.w / 4, row.y, body.w / 2, btn},
		              "Done", k->style.done, k->style.font.title))
			kiosk_go(k, k->print_back);
	}
}

static void
screen_print_reply(struct kiosk *k, struct kiosk_reply **r)
{
	kiosk_print_reply(k, r);
}

const struct screen_ops screen_print_ops = {
    .name = "print",
    .enter = screen_print_enter,
    .draw = screen_print_draw,
    .reply = screen_print_reply,
    .coordinator = SCREEN_ANYONE,
};

/* ---- the coordinator's printer settings ---------------------------------- */

static const struct {
	const char *value, *label;
} screen_papers[] = {
    {"58mm", "58 mm roll"},
    {"80mm", "80 mm roll"},
    {"letter", "Letter"},
    {"a4", "A4"},
};

static void
screen_printer_enter(struct kiosk *k)
{
	k->printer.step = 0;
}

static void
screen_printer_set(struct kiosk *k, const char *key, const char *value)
{
	struct kiosk_req q;

	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_SET;
	snprintf(q.set.key, sizeof q.set.key, "%s", key);
	snprintf(q.set.value, sizeof q.set.value, "%s", value);
	k->printer.key = key;
	kiosk_post(k, &q);
}

static void
screen_printer_draw(struct kiosk *k)
{
	struct ui *u = k->ui;
	const struct ledger_event *ev = &k->st.event;
	struct ui_rect body = kiosk_body(k), row;
	int gap = k->style.margin, rh = k->style.row_l, lh = k->style.line_s, y = body.y;
	const char *paper = ev->paper[0] != '\0' ? ev->paper : "80mm";
	char line[400];

	if (k->printer.step == 1) {
		enum kiosk_ask_result r =
		    kiosk_ask(k, "Printer", "CUPS printer queue (leave empty: the default printer)",
		              k->printer.queue, sizeof k->printer.queue, KIOSK_KB_TEXT, 1);
		if (r == KIOSK_ASK_BACK) {
			k->printer.step = 0;
		} else if (r != KIOSK_ASK_NONE) {
			k->printer.step = 0;
			screen_printer_set(k, "printer", k->printer.queue);
		}
		return;
	}
	if (kiosk_header(k, "Printer", "Back")) {
		kiosk_go(k, SCREEN_COORD);
		return;
	}
	snprintf(line, sizeof line, "Printer queue: %s",
	         ev->printer[0] != '\0' ? ev->printer : "the default printer");
	if (ui_button(u, (struct ui_rect){body.x, y, body.w, rh}, line, k->style.quiet,
	              k->style.font.text) &&
	    !k->waiting) {
		snprintf(k->printer.queue, sizeof k->printer.queue, "%s", ev->printer);
		k->printer.step = 1;
		k->msg[0] = '\0';
	}
	y += rh + gap;
	row = (struct ui_rect){body.x, y, body.w, rh};
	if (ui_width(u) < ui_height(u)) { /* portrait: "Paper" above, the four in two rows */
		ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, "Paper", k->style.font.text, 1,
		        UI_FG, UI_LEFT);
		y += lh;
		row = (struct ui_rect){body.x, y, body.w, 2 * rh + gap};
	} else
		ui_text(u, kiosk_col(row, 0, 5, gap), "Paper", k->style.font.text, 1, UI_FG,
		        UI_LEFT);
	for (int i = 0; i < 4; i++) {
		int on = strcasecmp(paper, screen_papers[i].value) == 0;
		struct ui_rect b = row.h > rh
		                       ? kiosk_col(kiosk_row(row, i / 2, 2, gap), i % 2, 2, gap)
		                       : kiosk_col(row, i + 1, 5, gap);
		if (ui_button(u, b, screen_papers[i].label, on ? UI_ACCENT : UI_PANEL,
		              k->style.font.body) &&
		    !on && !k->waiting)
			screen_printer_set(k, "paper", screen_papers[i].value);
	}
	y += row.h + gap;
	if (ui_button(u, (struct ui_rect){body.x, y, body.w / 2 - gap, rh}, "Test print",
	              k->style.done, k->style.font.label) &&
	    !k->waiting)
		kiosk_print_start(k, KIOSK_OP_TEST_PDF, 0, 0, NULL, SCREEN_PRINTER);
	kiosk_draw_message(k, (struct ui_rect){body.x + body.w / 2, y, body.w / 2, rh});
	y += rh + gap;
	snprintf(line, sizeof line, "Last print: %s",
	         k->printer_status[0] != '\0' ? k->printer_status : "no trouble.");
	ui_text(u, (struct ui_rect){body.x, y, body.w, lh}, line, k->style.font.small, 0, UI_FG,
	        UI_LEFT);
	y += lh;
	snprintf(line, sizeof line,
	         "Receipts and badges print on the roll; the close-out sheet on Letter. "
	         "Without a printer, pages are saved as PDF in %s.",
	         k->spool_dir != NULL ? k->spool_dir : "the spool folder");
	ui_text_wrap(u, (struct ui_rect){body.x, y, body.w, body.y + body.h - y}, line,
	             k->style.font.hint, 0, UI_DIM, UI_LEFT);
}

static void
screen_printer_reply(struct kiosk *k, struct kiosk_reply **r)
{
	if ((*r)->rc != 0) {
		kiosk_message(k, UI_BAD, "%s", (*r)->cause ? (*r)->cause : "Refused.");
		return;
	}
	kiosk_message(k, UI_OK, "Saved: the %s.",
	              k->printer.key != NULL && strcmp(k->printer.key, "paper") == 0
	                  ? "paper"
	                  : "printer queue");
}

const struct screen_ops screen_printer_ops = {
    .name = "printer",
    .enter = screen_printer_enter,
    .draw = screen_printer_draw,
    .reply = screen_printer_reply,
    .coordinator = SCREEN_COORDINATOR,
};
