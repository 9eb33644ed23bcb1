/* scan_wedge.c — keyboard-wedge key events to text with a fixed US table. */
#include "scan_wedge.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A US layout: what each key types without and with Shift. */
static const struct {
	unsigned short code;
	char plain, shifted;
} scan_wedge_keys[] = {
    {KEY_1, '1', '!'},          {KEY_2, '2', '@'},           {KEY_3, '3', '#'},
    {KEY_4, '4', '$'},          {KEY_5, '5', '%'},           {KEY_6, '6', '^'},
    {KEY_7, '7', '&'},          {KEY_8, '8', '*'},           {KEY_9, '9', '('},
    {KEY_0, '0', ')'},          {KEY_MINUS, '-', '_'},       {KEY_EQUAL, '=', '+'},
    {KEY_Q, 'q', 'Q'},          {KEY_W, 'w', 'W'},           {KEY_E, 'e', 'E'},
    {KEY_R, 'r', 'R'},          {KEY_T, 't', 'T'},           {KEY_Y, 'y', 'Y'},
    {KEY_U, 'u', 'U'},          {KEY_I, 'i', 'I'},           {KEY_O, 'o', 'O'},
    {KEY_P, 'p', 'P'},          {KEY_LEFTBRACE, '[', '{'},   {KEY_RIGHTBRACE, ']', '}'},
    {KEY_A, 'a', 'A'},          {KEY_S, 's', 'S'},           {KEY_D, 'd', 'D'},
    {KEY_F, 'f', 'F'},          {KEY_G, 'g', 'G'},           {KEY_H, 'h', 'H'},
    {KEY_J, 'j', 'J'},          {KEY_K, 'k', 'K'},           {KEY_L, 'l', 'L'},
    {KEY_SEMICOLON, ';', ':'},  {KEY_APOSTROPHE, '\'', '"'}, {KEY_GRAVE, '`', '~'},
    {KEY_BACKSLASH, '\\', '|'}, {KEY_Z, 'z', 'Z'},           {KEY_X, 'x', 'X'},
    {KEY_C, 'c', 'C'},          {KEY_V, 'v', 'V'},           {KEY_B, 'b', 'B'},
    {KEY_N, 'n', 'N'},          {KEY_M, 'm', 'M'},           {KEY_COMMA, ',', '<'},
    {KEY_DOT, '.', '>'},        {KEY_SLASH, '/', '?'},       {KEY_SPACE, ' ', ' '},
    {KEY_TAB, '\t', '\t'},      {KEY_KP0, '0', '0'},         {KEY_KP1, '1', '1'},
    {KEY_KP2, '2', '2'},        {KEY_KP3, '3', '3'},         {KEY_KP4, '4', '4'},
    {KEY_KP5, '5', '5'},        {KEY_KP6, '6', '6'},         {KEY_KP7, '7', '7'},
    {KEY_KP8, '8', '8'},        {KEY_KP9, '9', '9'},         {KEY_KPMINUS, '-', '-'},
    {KEY_KPPLUS, '+', '+'},     {KEY_KPASTERISK, '*', '*'},  {KEY_KPSLASH, '/', '/'},
    {KEY_KPDOT, '.', '.'},
};

enum scan_wedge_mod {
	SCAN_WEDGE_LSHIFT = 1 << 0,
	SCAN_WEDGE_RSHIFT = 1 << 1,
	SCAN_WEDGE_CTRL = 1 << 2,
	SCAN_WEDGE_ALT = 1 << 3,
	SCAN_WEDGE_META = 1 << 4,
};

struct scan_wedge {
	int timeout_ms;
	int mods;
	int active; /* a code is being typed */
	long long last_key_ms;
	struct scan_wedge_code cur;
};

int
scan_wedge_char(unsigned int code, int shift)
{
	size_t i;

	for (i = 0; i < nitems(scan_wedge_keys); i++) {
		if (scan_wedge_keys[i].code == code)
			return shift ? scan_wedge_keys[i].shifted : scan_wedge_keys[i].plain;
	}
	return 0;
}

struct scan_wedge *
scan_wedge_new(int timeout_ms)
{
	struct scan_wedge *w = xcalloc(1, sizeof *w);

	w->timeout_ms = timeout_ms > 0 ? timeout_ms : SCAN_WEDGE_TIMEOUT_MS;
	return w;
}

void
scan_wedge_free(struct scan_wedge *w)
{
	free(w);
}

void
scan_wedge_reset(struct scan_wedge *w)
{
	w->mods = 0;
	w->active = 0;
	memset(&w->cur, 0, sizeof w->cur);
}

static int
scan_wedge_modifier(unsigned int code)
{
	switch (code) {
	case KEY_LEFTSHIFT: return SCAN_WEDGE_LSHIFT;
	case KEY_RIGHTSHIFT: return SCAN_WEDGE_RSHIFT;
	case KEY_LEFTCTRL:
	case KEY_RIGHTCTRL: return SCAN_WEDGE_CTRL;
	case KEY_LEFTALT:
	case KEY_RIGHTALT: return SCAN_WEDGE_ALT;
	case KEY_LEFTMETA:
	case KEY_RIGHTMETA: return SCAN_WEDGE_META;
	}
	return 0;
}

static void
scan_wedge_add(struct scan_wedge *w, char c)
{
	struct scan_wedge_code *k = &w->cur;

	if (k->len + 1 >= sizeof k->text) {
		k->truncated = 1;
		return;
	}
	k->text[k->len++] = c;
	k->text[k->len] = '\0';
}

int
scan_wedge_feed(struct scan_wedge *w, const struct input_event *ev, struct scan_wedge_code *out)
{
	long long ms = (long long)ev->input_event_sec * 1000 + ev->input_event_usec / 1000;
	int mod, c;

	if (ev->type != EV_KEY)
		return 0;
	if ((mod = scan_wedge_modifier(ev->code)) != 0) {
		if (ev->value == 0)
			w->mods &= ~mod;
		else
			w->mods |= mod;
		return 0;
	}
	if (ev->value != 1) /* releases and autorepeat */
		return 0;
	/* A stalled partial code (a scanner unplugged mid-code, a stray key) is
	 * dropped: this key starts afresh. */
	if (w->active && (ms - w->last_key_ms > w->timeout_ms || ms < w->last_key_ms)) {
		memset(&w->cur, 0, sizeof w->cur);
		w->active = 0;
	}
	w->last_key_ms = ms;
	if (ev->code == KEY_ENTER || ev->code == KEY_KPENTER) {
		if (!w->active || w->cur.len == 0) {
			w->active = 0;
			return 0;
		}
		w->cur.last_ms = ms;
		*out = w->cur;
		memset(&w->cur, 0, sizeof w->cur);
		w->active = 0;
		return 1;
	}
	if (!w->active) {
		w->active = 1;
		w->cur.first_ms = ms;
	}
	c = 0;
	if ((w->mods & (SCAN_WEDGE_CTRL | SCAN_WEDGE_ALT | SCAN_WEDGE_META)) == 0)
		c = scan_wedge_char(ev->code,
		                    (w->mods & (SCAN_WEDGE_LSHIFT | SCAN_WEDGE_RSHIFT)) != 0);
	if (c == 0) {
		/* One '?' per run of unmapped keys: an Alt+numpad sequence. */
		if (w->cur.garbled && w->cur.len > 0 && w->cur.text[w->cur.len - 1] == '?')
			return 0;
		w->cur.garbled = 1;
		c = '?';
	}
	scan_wedge_add(w, (char)c);
	return 0;
}
