#include "kiosk_app.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "screens.h"
#include "util.h"

const struct screen_ops *const screens[SCREEN_COUNT] = {
    [SCREEN_OPENING] = &screen_opening_ops,     [SCREEN_FATAL] = &screen_fatal_ops,
    [SCREEN_SETUP] = &screen_setup_ops,         [SCREEN_HOME] = &screen_home_ops,
    [SCREEN_RESULT] = &screen_result_ops,       [SCREEN_FIND] = &screen_find_ops,
    [SCREEN_WALKER] = &screen_walker_ops,       [SCREEN_BADGE] = &screen_badge_ops,
    [SCREEN_REGISTER] = &screen_register_ops,   [SCREEN_DONATE] = &screen_donate_ops,
    [SCREEN_CORRECT] = &screen_correct_ops,     [SCREEN_PIN] = &screen_pin_ops,
    [SCREEN_COORD] = &screen_coord_ops,         [SCREEN_SETTINGS] = &screen_settings_ops,
    [SCREEN_IMPORT] = &screen_import_ops,       [SCREEN_PRINT] = &screen_print_ops,
    [SCREEN_PRINTER] = &screen_printer_ops,     [SCREEN_CLOSE] = &screen_close_ops,
    [SCREEN_EXPORT] = &screen_export_ops,       [SCREEN_JOIN] = &screen_join_ops,
    [SCREEN_PACK] = &screen_pack_ops,           [SCREEN_TRAINING] = &screen_training_ops,
    [SCREEN_WAIVER] = &screen_waiver_ops,       [SCREEN_REVIEW] = &screen_review_ops,
    [SCREEN_PLEDGES] = &screen_pledges_ops,     [SCREEN_CERTIFY] = &screen_certify_ops,
    [SCREEN_STATIONS] = &screen_stations_ops,   [SCREEN_BADGES] = &screen_badges_ops,
    [SCREEN_CONFLICTS] = &screen_conflicts_ops, [SCREEN_SEND] = &screen_send_ops,
};

void
kiosk_go(struct kiosk *k, enum screen_id s)
{
	assert(s < SCREEN_COUNT && screens[s] != NULL && screens[s]->draw != NULL);
	k->screen = s;
	k->screen_at_ms = k->now_ms;
	k->waiting = 0;
	k->msg[0] = '\0';
	k->enter = k->escape = 0;
	k->kb_accents = k->kb_shift = 0;
	if (screens[s]->enter != NULL)
		screens[s]->enter(k);
	ui_invalidate(k->ui);
}

void
kiosk_post(struct kiosk *k, struct kiosk_req *q)
{
	q->coordinator = k->coordinator;
	k->waiting = kiosk_worker_post(k->w, q);
	ui_invalidate(k->ui);
}

void
kiosk_scan(struct kiosk *k, const char *code)
{
	struct kiosk_req q;

	if (screen_join_scanned(k, code))
		return;
	/* While the ledger is still opening nothing is known yet: the worker takes
	 * requests in order, so the scan waits behind the opening, not lost. */
	if (!k->st.has_event && k->screen != SCREEN_OPENING) {
		kiosk_message(k, UI_BAD, "Set the event up before scanning badges.");
		return;
	}
	memset(&q, 0, sizeof q);
	q.op = KIOSK_OP_SCAN;
	snprintf(q.scan.code, sizeof q.scan.code, "%s", code);
	/* not kiosk_post: a scan never makes the current screen wait */
	kiosk_worker_post(k->w, &q);
}

void
kiosk_message(struct kiosk *k, enum ui_color c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->msg, sizeof k->msg, fmt, ap);
	va_end(ap);
	k->msg_color = c;
	ui_invalidate(k->ui);
}

void
kiosk_keep(struct kiosk_reply **slot, struct kiosk_reply *r)
{
	if (*slot != r)
		kiosk_reply_free(*slot);
	*slot = r;
}

enum ui_color
kiosk_scan_color(const struct kiosk_reply *r)
{
	if (r->rc != 0 || r->scan.badge != BADGE_OK)
		return UI_BAD;
	switch (r->scan.verdict.outcome) {
	case RULES_ALREADY_COUNTED:
	case RULES_LAP_TOO_SOON: return UI_WARN;
	default: return UI_OK;
	}
}

const char *
kiosk_money(int64_t cents, char *buf, size_t len)
{
	return amount_format(cents, buf, len);
}

const char *
kiosk_role_name(int role)
{
	switch (role) {
	case RULES_ROLE_LAP: return "Lap point";
	case RULES_ROLE_BOTH: return "Welcome table + laps";
	default: return "Welcome table";
	}
}

void
kiosk_peer_words(const struct kiosk_peer *p, char *buf, size_t len)
{
	int64_t s = p->age_ms / 1000;
	time_t t = (time_t)(p->seen_wall_ms / 1000);
	struct tm tm;
	char when[16];

	if (p->seen_wall_ms == 0) {
		snprintf(buf, len, "%s: not reached yet", p->name);
		return;
	}
	if (s < 0) /* this clock went back since: the time it was seen says more */
		s = 60 * 60;
	if (s < 60)
		snprintf(buf, len, "%s: %lld s ago", p->name, (long long)s);
	else if (s < 10 * 60)
		snprintf(buf, len, "%s: %lld min ago", p->name, (long long)(s / 60));
	else if (localtime_r(&t, &tm) != NULL && strftime(when, sizeof when, "%H:%M", &tm) > 0)
		snprintf(buf, len, "%s: not seen since %s", p->name, when);
	else
		snprintf(buf, len, "%s: not seen for %lld min", p->name, (long long)(s / 60));
}

/* Who did it, in words: "scanned", "by a volunteer", "by the coordinator". */
static const char *
kiosk_entry_who(const char *op, char *buf, size_t len)
{
	if (strcmp(op, "scan") == 0)
		return "scanned";
	if (strcmp(op, "volunteer") == 0)
		return "by a volunteer";
	if (strcmp(op, "coordinator") == 0 || strcmp(op, "watctl") == 0)
		return "by the coordinator"; /* watctl: at the coordinator's laptop */
	if (strcmp(op, "import") == 0)
		return "from the roster";
	snprintf(buf, len, "by %s", op[0] != '\0' ? op : "someone");
	return buf;
}

/* "Lap 3", "Check-in", "Donation $40.00 cash", "Registration", "A pledge". */
static void
kiosk_entry_what(const char *kind, int64_t n, int64_t cents, const char *method, char *buf,
                 size_t len)
{
	char money[48];

	if (strcmp(kind, "lap") == 0) {
		if (n > 0)
			snprintf(buf, len, "Lap %lld", (long long)n);
		else
			snprintf(buf, len, "A lap");
	} else if (strcmp(kind, "checkin") == 0) {
		snprintf(buf, len, "Check-in");
	} else if (strcmp(kind, "donation") == 0) {
		kiosk_money(cents, money, sizeof money);
		snprintf(buf, len, "Donation %s%s%s", cents != 0 ? money : "", method[0] ? " " : "",
		         method);
	} else if (strcmp(kind, "walker") == 0) {
		snprintf(buf, len, "Registration");
	} else if (strcmp(kind, "pledge") == 0) {
		snprintf(buf, len, "A pledge");
	} else {
		snprintf(buf, len, "%s", kind);
	}
}

void
kiosk_entry_line(const struct kiosk_recent *e, int ledger, char *buf, size_t len)
{
	time_t t = (time_t)(e->wall_ms / 1000);
	struct tm tm;
	char when[16] = "?", what[96], who[48], num[32] = "";

	if (localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%H:%M", &tm);
	/* entry numbers only where the coordinator looks at the ledger itself */
	if (ledger)
		snprintf(num, sizeof num, "#%lld ", (long long)e->seq);
	if (strcmp(e->kind, "annul") == 0) {
		kiosk_entry_what(e->ref_kind[0] ? e->ref_kind : "entry", e->ref_n, 0, "", what,
		                 sizeof what);
		if (ledger)
			snprintf(buf, len, "%s  %s%s #%lld undone: %s", when, num, what,
			         (long long)e->ref, e->reason[0] ? e->reason : "no reason given");
		else
			snprintf(buf, len, "%s  %s undone: %s", when, what,
			         e->reason[0] ? e->reason : "no reason given");
		return;
	}
	kiosk_entry_what(e->kind, e->n, e->amount_cents, e->method, what, sizeof what);
	/* a lap scanned too soon says where its review stands */
	if (strcmp(e->kind, "lap") == 0 && e->flagged && e->annulled_by == 0) {
		if (e->review == 1 && e->n > 0)
			snprintf(what, sizeof what, "Lap %lld (too soon, accepted)",
			         (long long)e->n);
		else if (e->review == 1)
			snprintf(what, sizeof what, "A lap (too soon, accepted)");
		else if (e->review == -1)
			snprintf(what, sizeof what, "Lap too soon, rejected");
		else
			snprintf(what, sizeof what, "Lap too soon, waiting for review");
	}
	/* a sheet's line typed wrong is found by its sponsor */
	if (strcmp(e->kind, "pledge") == 0 && e->sponsor[0] != '\0')
		snprintf(what, sizeof what, "Pledge of %s", e->sponsor);
	if (strcmp(e->kind, "walker") == 0)
		snprintf(buf, len, "%s  %sRegistered %s%s", when, num,
		         kiosk_entry_who(e->op, who, sizeof who),
		         e->annulled_by != 0 ? " \xe2\x80\x94 undone" : "");
	else
		snprintf(buf, len, "%s  %s%s, %s%s", when, num, what,
		         kiosk_entry_who(e->op, who, sizeof who),
		         e->annulled_by != 0 ? " \xe2\x80\x94 undone" : "");
}

struct ui_rect
kiosk_inset(struct ui_rect r, int d)
{
	return (struct ui_rect){r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d};
}

struct ui_rect
kiosk_col(struct ui_rect r, int i, int n, int gap)
{
	int w;

	assert(n > 0 && i >= 0 && i < n);
	w = (r.w - gap * (n - 1)) / n;

	return (struct ui_rect){r.x + i * (w + gap), r.y,
	                        i == n - 1 ? r.x + r.w - (r.x + i * (w + gap)) : w, r.h};
}

struct ui_rect
kiosk_row(struct ui_rect r, int i, int n, int gap)
{
	int h;

	assert(n > 0 && i >= 0 && i < n);
	h = (r.h - gap * (n - 1)) / n;

	return (struct ui_rect){r.x, r.y + i * (h + gap), r.w, h};
}

int
kiosk_choices_h(struct kiosk *k, int n, int h, int gap)
{
	return ui_width(k->ui) < ui_height(k->ui) ? n * h + (n - 1) * gap : h;
}

struct ui_rect
kiosk_choice(struct kiosk *k, struct ui_rect r, int i, int n, int gap)
{
	return ui_width(k->ui) < ui_height(k->ui) ? kiosk_row(r, i, n, gap)
	                                          : kiosk_col(r, i, n, gap);
}

void
kiosk_halves(struct kiosk *k, struct ui_rect body, int gap, struct ui_rect *a, struct ui_rect *b)
{
	if (ui_width(k->ui) < ui_height(k->ui)) { /* portrait: stacked */
		*a = kiosk_row(body, 0, 2, gap);
		*b = kiosk_row(body, 1, 2, gap);
	} else {
		*a = kiosk_col(body, 0, 2, gap * 2);
		*b = kiosk_col(body, 1, 2, gap * 2);
	}
}

void
kiosk_post_usb(struct kiosk *k, enum kiosk_op op)
{
	struct kiosk_req q;

	kiosk_keep(&k->list, NULL);
	memset(&q, 0, sizeof q);
	q.op = op;
	snprintf(q.path, sizeof q.path, "%s", k->usb_given ? k->usb_dir : "");
	kiosk_post(k, &q);
}

int
kiosk_header(struct kiosk *k, const char *title, const char *back)
{
	struct ui *u = k->ui;
	/* the header's buttons take all but a thin rim of the bar: 48 px at 800x480 */
	int h = k->style.header, pad = k->style.tight, x = k->style.gap_l, pressed = 0;
	struct ui_rect bar = {0, 0, ui_width(u), h};

	ui_fill(u, bar, k->style.bar);
	/* a portrait panel (480 wide) keeps room for the title: narrower buttons */
	int narrow = ui_width(u) < ui_height(u);

	if (back != NULL) {
		struct ui_rect b = {pad, pad, narrow ? k->style.back_w * 3 / 4 : k->style.back_w,
		                    h - 2 * pad};
		if (ui_button(u, b, back, UI_WHITE, k->style.font.body) && !k->waiting)
			pressed = 1;
		if (k->escape && !k->waiting) {
			k->escape = 0;
			pressed = 1;
		}
		x = b.x + b.w + k->style.gap_l;
	}
	{
		int lock = !k->coordinator || k->unlock ? 0
		           : narrow                     ? k->style.lock_w / 2
		                                        : k->style.lock_w;
		ui_text(u, (struct ui_rect){x, 0, ui_width(u) - x - lock - pad, h}, title,
		        k->style.font.title, 1, UI_WHITE, UI_LEFT);
		kiosk_unlocked_bar(
		    k, (struct ui_rect){ui_width(u) - lock - pad, pad, lock, h - 2 * pad});
	}
	if (pressed)
		ui_invalidate(u);
	return pressed;
}

struct ui_rect
kiosk_body(struct kiosk *k)
{
	int top = k->style.header, m = k->style.margin;

	return (struct ui_rect){m, top + m, ui_width(k->ui) - 2 * m,
	                        ui_height(k->ui) - top - 2 * m};
}

void
kiosk_draw_message(struct kiosk *k, struct ui_rect r)
{
	if (k->waiting) {
		ui_text(k->ui, r, "Working\xe2\x80\xa6", k->style.font.text, 1, UI_DIM, UI_LEFT);
		return;
	}
	if (k->msg[0] == '\0')
		return;
	/* wrapped, from the top: roster errors come one per line */
	ui_text_wrap(k->ui, r, k->msg,
	             strchr(k->msg, '\n') != NULL ? k->style.font.hint : k->style.font.body,
	             strchr(k->msg, '\n') == NULL, k->msg_color == UI_WARN ? UI_FG : k->msg_color,
	             UI_LEFT);
}

void
kiosk_field(struct kiosk *k, struct ui_rect r, const char *value, enum kiosk_kb kb,
            const char *placeholder)
{
	struct ui *u = k->ui;
	char shown[KIOSK_FIELD_MAX * 3 + 8];
	int pad = k->style.pad;

	ui_fill(u, r, UI_WHITE);
	ui_border(u, r, UI_ACCENT, k->style.border);
	if (value[0] == '\0' && placeholder != NULL) {
		ui_text(u, (struct ui_rect){r.x + pad, r.y, r.w - 2 * pad, r.h}, placeholder,
		        k->style.font.text, 0, UI_DIM, UI_LEFT);
		return;
	}
	if (kb == KIOSK_KB_PIN) {
		size_t n = strlen(value), i;
		shown[0] = '\0';
		for (i = 0; i < n && i < 16; i++)
			strcat(shown, "\xe2\x97\x8f "); /* ● */
	} else if (kb == KIOSK_KB_AMOUNT) {
		snprintf(shown, sizeof shown, "$ %s", value); /* dollars, as on a till */
	} else {
		snprintf(shown, sizeof shown, "%s", value);
	}
	strcat(shown, "_");
	ui_text(u, (struct ui_rect){r.x + pad, r.y, r.w - 2 * pad, r.h}, shown, k->style.font.key,
	        1, UI_FG, UI_LEFT);
}

/* 1 for the kinds typed on a keypad (digits), 0 for a full keyboard. */
static int
kiosk_keypad_kb(enum kiosk_kb kb)
{
	switch (kb) {
	case KIOSK_KB_DIGITS:
	case KIOSK_KB_AMOUNT:
	case KIOSK_KB_NUMBER:
	case KIOSK_KB_PIN: return 1;
	case KIOSK_KB_TEXT:
	case KIOSK_KB_NAME:
	case KIOSK_KB_EMAIL: break;
	}
	return 0;
}

static int
kiosk_allowed(enum kiosk_kb kb, const char *text)
{
	size_t n = strlen(text);

	switch (kb) {
	case KIOSK_KB_DIGITS:
	case KIOSK_KB_PIN: return strspn(text, "0123456789") == n;
	case KIOSK_KB_AMOUNT: return strspn(text, "0123456789.,$") == n;
	case KIOSK_KB_NUMBER: return strspn(text, "0123456789.") == n;
	default: return 1;
	}
}

static void
kiosk_insert(char *buf, size_t size, const char *text)
{
	size_t n = strlen(buf), t = strlen(text);

	if (n + t + 1 > size)
		return;
	memcpy(buf + n, text, t + 1);
}

static void
kiosk_backspace(char *buf)
{
	size_t n = strlen(buf);

	while (n > 0) {
		n--;
		if (((unsigned char)buf[n] & 0xc0) != 0x80)
			break;
	}
	buf[n] = '\0';
}

void
kiosk_type(struct kiosk *k, const char *text)
{
	if (k->field != NULL) {
		if (kiosk_allowed(k->field_kb, text)) {
			kiosk_insert(k->field, k->field_size, text);
			k->msg[0] = '\0';
		}
		ui_invalidate(k->ui);
		return;
	}
	/* a keyboard-wedge scanner types the code and Enter */
	for (; *text != '\0'; text++) {
		if ((unsigned char)*text < 0x20 || (unsigned char)*text >= 0x7f)
			continue;
		if (k->scanlen < BADGE_SCAN_MAX)
			k->scanbuf[k->scanlen++] = *text;
	}
	k->scanbuf[k->scanlen] = '\0';
	k->scan_typed_ms = k->now_ms;
}

void
kiosk_key(struct kiosk *k, enum ui_key key)
{
	switch (key) {
	case UI_KEY_RETURN:
		if (k->field != NULL) {
			/* a badge scanned while a text field shows is still a scan */
			if (!kiosk_keypad_kb(k->field_kb) &&
			    (strncasecmp(k->field, "W1-", 3) == 0 ||
			     strncasecmp(k->field, "T1-", 3) == 0)) {
				kiosk_scan(k, k->field);
				k->field[0] = '\0';
			} else {
				k->enter = 1;
			}
		} else if (k->scanlen > 0) {
			kiosk_scan(k, k->scanbuf);
			k->scanlen = 0;
			k->scanbuf[0] = '\0';
		} else {
			k->enter = 1;
		}
		break;
	case UI_KEY_BACKSPACE:
		if (k->field != NULL) {
			kiosk_backspace(k->field);
			k->msg[0] = '\0';
		}
		break;
	case UI_KEY_ESCAPE: k->escape = 1; break;
	default: break;
	}
	ui_invalidate(k->ui);
}

/* Uppercase of a Latin-1 lowercase letter or œ, as UTF-8. */
static void
kiosk_upper(const char *in, char *out, size_t len)
{
	unsigned char c0 = (unsigned char)in[0], c1 = (unsigned char)in[1];
	unsigned cp;

	if (c0 < 0x80) {
		snprintf(out, len, "%c", c0 >= 'a' && c0 <= 'z' ? c0 - 32 : c0);
		return;
	}
	if ((c0 >> 5) != 6) {
		snprintf(out, len, "%s", in);
		return;
	}
	cp = ((c0 & 0x1fu) << 6) | (c1 & 0x3fu);
	if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
		cp -= 0x20;
	else if (cp == 0x153)
		cp = 0x152;
	snprintf(out, len, "%c%c", 0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
}

static const char *const kiosk_rows[2][3][10] = {
    {{"q", "w", "e", "r", "t", "y", "u", "i", "o", "p"},
     {"a", "s", "d", "f", "g", "h", "j", "k", "l", "'"},
     {"z", "x", "c", "v", "b", "n", "m", "-", ",", "."}},
    {{"\xc3\xa1", "\xc3\xa0", "\xc3\xa2", "\xc3\xa4", "\xc3\xa3", "\xc3\xa5", "\xc3\xa6",
      "\xc3\xa7", "\xc3\xa9", "\xc3\xa8"},
     {"\xc3\xaa", "\xc3\xab", "\xc3\xad", "\xc3\xac", "\xc3\xae", "\xc3\xaf", "\xc3\xb1",
      "\xc3\xb3", "\xc3\xb2", "\xc3\xb4"},
     {"\xc3\xb6", "\xc3\xb5", "\xc3\xb8", "\xc5\x93", "\xc3\x9f", "\xc3\xba", "\xc3\xb9",
      "\xc3\xbb", "\xc3\xbc", "\xc3\xbd"}},
};

static int
kiosk_keypad(struct kiosk *k, struct ui_rect r, char *buf, size_t size, enum kiosk_kb kb,
             const char *done)
{
	static const char *const keys[4][3] = {
	    {"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {".", "0", "\xe2\x8c\xab"}};
	struct ui *u = k->ui;
	int gap = k->style.gap_s, fired = 0;

	for (int row = 0; row < 5; row++) {
		struct ui_rect rr = kiosk_row(r, row, 5, gap);
		if (row == 4) {
			if (ui_button(u, rr, done, k->style.done, k->style.font.title))
				fired = 1;
			break;
		}
		for (int c = 0; c < 3; c++) {
			const char *key = keys[row][c];
			struct ui_rect kr = kiosk_col(rr, c, 3, gap);
			if (row == 3 && c == 0 && kb != KIOSK_KB_AMOUNT && kb != KIOSK_KB_NUMBER)
				continue;
			if (!ui_button(u, kr, key, k->style.key, k->style.font.big))
				continue;
			if (row == 3 && c == 2)
				kiosk_backspace(buf);
			else
				kiosk_insert(buf, size, key);
		}
	}
	return fired;
}

static int
kiosk_keyboard_draw(struct kiosk *k, struct ui_rect r, char *buf, size_t size, enum kiosk_kb kb,
                    const char *done)
{
	struct ui *u = k->ui;
	int gap = k->style.tight, fired = 0, upper;
	size_t n = strlen(buf);

	k->field = buf;
	k->field_size = size;
	k->field_kb = kb;
	if (k->enter) {
		k->enter = 0;
		fired = 1;
		ui_invalidate(u); /* whatever Return does shows in the next frame */
	}
	if (kiosk_keypad_kb(kb))
		return kiosk_keypad(k, r, buf, size, kb, done) || fired;

	upper = k->kb_shift;
	if (kb == KIOSK_KB_NAME && (n == 0 || buf[n - 1] == ' ' || buf[n - 1] == '-'))
		upper = !upper;
	/* digits (not for names: bigger keys), three letter rows, then the wide keys */
	for (int row = kb == KIOSK_KB_NAME; row < 5; row++) {
		struct ui_rect rr =
		    kb == KIOSK_KB_NAME ? kiosk_row(r, row - 1, 4, gap) : kiosk_row(r, row, 5, gap);
		if (row == 0) {
			static const char *const digits[10] = {"1", "2", "3", "4", "5",
			                                       "6", "7", "8", "9", "0"};
			for (int c = 0; c < 10; c++)
				if (ui_button(u, kiosk_col(rr, c, 10, gap), digits[c], k->style.key,
				              k->style.font.label))
					kiosk_insert(buf, size, digits[c]);
			continue;
		}
		if (row <= 3) {
			for (int c = 0; c < 10; c++) {
				const char *key = kiosk_rows[k->kb_accents][row - 1][c];
				char label[8];
				if (upper)
					kiosk_upper(key, label, sizeof label);
				else
					snprintf(label, sizeof label, "%s", key);
				if (ui_button(u, kiosk_col(rr, c, 10, gap), label, k->style.key,
				              k->style.font.title)) {
					kiosk_insert(buf, size, label);
					k->kb_shift = 0;
				}
			}
			continue;
		}
		/* ⇧  àé  @  space  ⌫  done */
		{
			int unit = (rr.w - 5 * gap) / 12;
			struct ui_rect b = {rr.x, rr.y, unit * 3 / 2, rr.h};
			if (ui_button(u, b, "\xe2\x87\xa7", k->kb_shift ? UI_ACCENT : UI_DIM,
			              k->style.font.title))
				k->kb_shift = !k->kb_shift;
			b.x += b.w + gap;
			b.w = unit * 3 / 2;
			if (ui_button(u, b, k->kb_accents ? "abc" : "\xc3\xa0\xc3\xa9",
			              k->kb_accents ? UI_ACCENT : UI_DIM, k->style.font.text))
				k->kb_accents = !k->kb_accents;
			b.x += b.w + gap;
			b.w = unit * 3 / 2;
			if (ui_button(u, b, "@", k->style.key, k->style.font.label))
				kiosk_insert(buf, size, "@");
			b.x += b.w + gap;
			b.w = unit * 7 / 2;
			if (ui_button(u, b, "space", k->style.key, k->style.font.body))
				kiosk_insert(buf, size, " ");
			b.x += b.w + gap;
			b.w = unit * 3 / 2;
			if (ui_button(u, b, "\xe2\x8c\xab", UI_DIM, k->style.font.title))
				kiosk_backspace(buf);
			b.x += b.w + gap;
			b.w = rr.x + rr.w - b.x;
			if (ui_button(u, b, done, k->style.done, k->style.font.text))
				fired = 1;
		}
	}
	(void)kb;
	return fired;
}

int
kiosk_keyboard(struct kiosk *k, struct ui_rect r, char *buf, size_t size, enum kiosk_kb kb,
               const char *done)
{
	char *before;
	int fired;

	assert(size > 0 && strlen(buf) < size);
	before = xstrdup(buf);
	fired = kiosk_keyboard_draw(k, r, buf, size, kb, done);

	if (strcmp(before, buf) != 0)
		k->msg[0] = '\0'; /* the complaint was about what is no longer there */
	free(before);
	return fired;
}

enum kiosk_ask_result
kiosk_ask(struct kiosk *k, const char *title, const char *prompt, char *buf, size_t size,
          enum kiosk_kb kb, int optional)
{
	return kiosk_ask_or(k, title, prompt, buf, size, kb, optional, NULL);
}

/* The aside button (another way to answer: "Forgot the PIN?") in r. */
static int
kiosk_ask_aside(struct kiosk *k, struct ui_rect r, const char *aside)
{
	return aside != NULL && ui_button(k->ui, r, aside, k->style.primary, k->style.font.body) &&
	       !k->waiting;
}

enum kiosk_ask_result
kiosk_ask_or(struct kiosk *k, const char *title, const char *prompt, char *buf, size_t size,
             enum kiosk_kb kb, int optional, const char *aside)
{
	struct ui *u = k->ui;
	struct ui_rect body = kiosk_body(k), left, kbd;
	int gap = k->style.gap, line = k->style.line_l, field = k->style.row_l;
	enum kiosk_ask_result res = KIOSK_ASK_NONE;
	const char *done = optional && buf[0] == '\0' ? "Skip" : "Next";

	if (kiosk_header(k, title, "Back"))
		return KIOSK_ASK_BACK;
	if (kiosk_keypad_kb(kb)) {
		/* keypad on the right, the question on the left */
		left = kiosk_col(body, 0, 2, gap * 2);
		kbd = kiosk_col(body, 1, 2, gap * 2);
		if (ui_width(u) < ui_height(u)) { /* portrait: stacked */
			left = (struct ui_rect){body.x, body.y, body.w, body.h * 2 / 5};
			kbd = (struct ui_rect){body.x, body.y + left.h + gap, body.w,
			                       body.h - left.h - gap};
		}
		/* the aside, a finger high, at the foot of the question's column */
		int bh = aside != NULL ? k->style.button : 0;
		/* a long question ("Step 4: fundraising goal in dollars (optional)") takes
		 * two lines of the column */
		if (ui_text_width(u, prompt, k->style.font.label, 1) > left.w) {
			line = k->style.line * 2;
			ui_text_wrap(u, (struct ui_rect){left.x, left.y, left.w, line}, prompt,
			             k->style.font.label, 1, UI_FG, UI_LEFT);
		} else
			ui_text(u, (struct ui_rect){left.x, left.y, left.w, line}, prompt,
			        k->style.font.label, 1, UI_FG, UI_LEFT);
		kiosk_field(k, (struct ui_rect){left.x, left.y + line + gap, left.w, field}, buf,
		            kb, NULL);
		kiosk_draw_message(k,
		                   (struct ui_rect){left.x, left.y + line + field + 2 * gap, left.w,
		                                    left.h - line - field - 3 * gap - bh});
		if (kiosk_ask_aside(k, (struct ui_rect){left.x, left.y + left.h - bh, left.w, bh},
		                    aside))
			res = KIOSK_ASK_ASIDE;
	} else {
		/* a refusal longer than the line takes a second one from the keyboard;
		 * the prompt, field and message are kept tight so that even then each
		 * of the five rows of keys stays a finger high (48 px at 800x480) */
		int msg, top, tw, fy;
		line = k->style.line_s;
		field = k->style.row;
		tw = k->msg[0] != '\0' && !k->waiting
		         ? ui_text_width(u, k->msg, k->style.font.body, 1)
		         : 0;
		msg = tw > 2 * body.w * 9 / 10 ? k->style.line * 8 / 5 + line
		      : tw > body.w            ? k->style.line * 8 / 5
		                               : k->style.line;
		/* a refusal of three lines takes the question's line too, while it shows */
		if (tw > 2 * body.w * 9 / 10)
			line = 0;
		top = line + field + msg + gap;
		fy = body.y + line;
		/* the aside beside the field, as high as it */
		int bw = aside != NULL ? body.w * 45 / 100 : 0;
		if (line > 0)
			ui_text(u, (struct ui_rect){body.x, body.y, body.w, line}, prompt,
			        k->style.font.label, 1, UI_FG, UI_LEFT);
		kiosk_field(k, (struct ui_rect){body.x, fy, body.w - bw - (bw ? gap : 0), field},
		            buf, kb, NULL);
		if (kiosk_ask_aside(k, (struct ui_rect){body.x + body.w - bw, fy, bw, field},
		                    aside))
			res = KIOSK_ASK_ASIDE;
		kiosk_draw_message(k, (struct ui_rect){body.x, fy + field, body.w, msg});
		kbd = (struct ui_rect){body.x, body.y + top, body.w, body.h - top};
	}
	if (kiosk_keyboard(k, kbd, buf, size, kb, done) && !k->waiting && res == KIOSK_ASK_NONE) {
		res =
		    buf[0] == '\0' ? (optional ? KIOSK_ASK_SKIP : KIOSK_ASK_NONE) : KIOSK_ASK_DONE;
		if (res == KIOSK_ASK_NONE)
			kiosk_message(k, UI_BAD, "Please fill this in first.");
	}
	return res;
}

/* ---- coordinator mode ------------------------------------------------------ */

int
kiosk_coordinator_screen(const struct kiosk *k)
{
	assert(k->screen < SCREEN_COUNT && screens[k->screen] != NULL);
	switch (screens[k->screen]->coordinator) {
	case SCREEN_COORDINATOR: return 1;
	case SCREEN_COORDINATOR_STATION: return k->walker == 0;
	default: return 0;
	}
}

void
kiosk_lock(struct kiosk *k)
{
	k->coordinator = 0;
	k->unlock = 0;
	util_wipe(k->unlock_pin, sizeof k->unlock_pin);
	if (kiosk_coordinator_screen(k) || k->screen == SCREEN_PIN)
		kiosk_go(k, SCREEN_HOME);
	ui_invalidate(k->ui);
}

void
kiosk_unlock(struct kiosk *k, void (*then)(struct kiosk *k))
{
	k->unlock = 1;
	k->unlock_then = then;
	util_wipe(k->unlock_pin, sizeof k->unlock_pin);
	k->msg[0] = '\0';
	ui_invalidate(k->ui);
}

void
kiosk_unlocked_bar(struct kiosk *k, struct ui_rect r)
{
	if (!k->coordinator || k->unlock)
		return;
	const char *label = ui_width(k->ui) < ui_height(k->ui)
	                        ? "Unlocked: Lock"
	                        : "Coordinator unlocked \xe2\x80\x94 Lock";

	if (ui_button(k->ui, r, label, UI_WARN, k->style.font.small))
		kiosk_lock(k);
}

/* A wait after wrong PINs, counted down: 1 while it lasts (drawn in r). */
int
kiosk_pin_wait(struct kiosk *k, struct ui_rect r)
{
	char line[128];
	int64_t left = k->pin_wait_until_ms - k->now_ms;

	if (left <= 0)
		return 0;
	snprintf(line, sizeof line, "Too many wrong tries. Try again in %lld s.",
	         (long long)((left + 999) / 1000));
	ui_text_wrap(k->ui, r, line, k->style.font.key, 1, UI_BAD, UI_LEFT);
	return 1;
}

void
kiosk_unlock_draw(struct kiosk *k)
{
	struct ui_rect body;
	enum kiosk_ask_result r;
	struct kiosk_req q;

	if (k->pin_wait_until_ms > k->now_ms) {
		/* no keypad while the wait lasts: a tap is not another wrong PIN */
		if (kiosk_header(k, "Coordinator PIN", "Back")) {
			k->unlock = 0;
			if (kiosk_coordinator_screen(k))
				kiosk_go(k, SCREEN_HOME);
			return;
		}
		body = kiosk_body(k);
		kiosk_pin_wait(k, (struct ui_rect){body.x, body.y, body.w, body.h / 2});
		return;
	}
	r = kiosk_ask(k, "Coordinator PIN", "Enter the coordinator PIN to go on", k->unlock_pin,
	              sizeof k->unlock_pin, KIOSK_KB_PIN, 0);
	if (r == KIOSK_ASK_BACK) {
		k->unlock = 0;
		util_wipe(k->unlock_pin, sizeof k->unlock_pin);
		if (kiosk_coordinator_screen(k))
			kiosk_go(k, SCREEN_HOME);
		ui_invalidate(k->ui);
	} else if (r == KIOSK_ASK_DONE) {
		memset(&q, 0, sizeof q);
		q.op = KIOSK_OP_PIN_CHECK;
		snprintf(q.pin.pin, sizeof q.pin.pin, "%s", k->unlock_pin);
		kiosk_post(k, &q);
		util_wipe(&q, sizeof q);
		util_wipe(k->unlock_pin, sizeof k->unlock_pin);
	}
}

void
kiosk_unlock_reply(struct kiosk *k, struct kiosk_reply *r)
{
	void (*then)(struct kiosk * k) = k->unlock_then;

	assert(k->unlock); /* only the PIN over a screen waits for this reply */
	if (r->rc != 0) {
		if (r->pin_wait_ms > 0)
			k->pin_wait_until_ms = k->now_ms + r->pin_wait_ms;
		kiosk_message(k, UI_BAD, "%s", r->cause ? r->cause : "Refused.");
		ui_sound(k->ui, UI_SOUND_ERROR);
		return;
	}
	k->unlock = 0;
	k->unlock_then = NULL;
	k->coordinator = 1;
	k->active_ms = k->now_ms;
	k->pin_wait_until_ms = 0;
	k->msg[0] = '\0';
	ui_invalidate(k->ui);
	if (then != NULL)
		then(k);
}
