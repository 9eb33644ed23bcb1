/* ui.c — the immediate-mode UI on SDL2, SDL2_ttf, libqrencode and libpng. */
#include "ui.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <png.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <glob.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "util.h"

#define UI_CACHE_SLOTS  1024 /* rendered strings, direct-mapped */
#define UI_MAX_FONT     256  /* pixels */
#define UI_MAX_SEEN     512  /* strings recorded per frame */
#define UI_MAX_BUTTONS  128
#define UI_MAX_FAULTS   32                 /* layout faults recorded per frame */
#define UI_CACHE_BUDGET (2u * 1024 * 1024) /* bytes of rendered text kept between frames */

struct ui_cached {
	char *text;
	int px, bold, maxw;
	int cut; /* drawn shortened with "…" */
	enum ui_color color;
	SDL_Texture *tex;
	int w, h;
	uint64_t frame; /* last drawn in */
};

struct ui_seen_button {
	struct ui_rect r;
	char *label;
	uint64_t since_ms; /* when a button of this label first showed at r */
	uint64_t key;      /* what it acts on (ui_button_keyed), 0: its label says */
};

/* UI_SETTLE_MS (ui.h): a button that has just appeared under a finger
 * ignores a tap pressed within it of its appearing: a double tap's second
 * tap lands on whatever the first tap's answer put there ("+1 lap" moving
 * up where "Check in" was).  Only a button that is new at that spot (label
 * and place, and key) waits: one that stays where it was takes every tap. */

struct ui {
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *target; /* NULL when not rotated: draw straight to the window */
	int win_w, win_h;
	int rotation;
	int lw, lh; /* logical size */
	int top;    /* kept for a banner: the frame draws below it (ui_set_top) */
	float scale;
	char *font_path[2];
	TTF_Font *fonts[2][UI_MAX_FONT + 1];
	struct ui_cached cache[UI_CACHE_SLOTS];
	size_t cache_bytes;
	Uint32 wake_event;
	int dirty;
	uint64_t frames;

	/* the pointer, in logical coordinates */
	int down, released;
	int press_x, press_y, cur_x, cur_y, rel_x, rel_y;
	SDL_FingerID finger;

	/* what the frame drew */
	char *seen[UI_MAX_SEEN];
	int nseen;
	struct ui_seen_button buttons[UI_MAX_BUTTONS];
	int nbuttons;
	struct ui_seen_button prev[UI_MAX_BUTTONS]; /* the frame before's */
	int nprev;
	uint64_t frame_ms; /* SDL ticks at ui_begin */
	uint64_t press_ms; /* SDL ticks at the last press */
	int press_looked;  /* that press came from a script's press/tap: one that looked first */
	int inject_looked; /* the next injected press is such */
	int injected;      /* injected events not taken from SDL's queue yet */
	/* layout faults (ui_check): text cut off, touch targets too small */
	int min_target;
	char *faults[UI_MAX_FAULTS];
	int nfaults;

	/* screenshot armed for the next ui_end */
	const char *shot_path;
	char *shot_cause;
	int shot_done;

	int second; /* ui_open_display's: SDL is the first window's */
	SDL_AudioDeviceID audio;
	int16_t *sounds[UI_NSOUNDS];
	Uint32 sound_len[UI_NSOUNDS];
};

static void ui_uncache(struct ui *u, struct ui_cached *e);

/* High contrast, readable in sunlight: dark text on white, saturated states. */
static const SDL_Color ui_palette[UI_NCOLORS] = {
    [UI_BG] = {0xff, 0xff, 0xff, 0xff},    [UI_FG] = {0x11, 0x11, 0x11, 0xff},
    [UI_DIM] = {0x4a, 0x4a, 0x4a, 0xff},   [UI_PANEL] = {0xee, 0xf0, 0xf3, 0xff},
    [UI_LINE] = {0x8a, 0x8f, 0x98, 0xff},  [UI_ACCENT] = {0x0b, 0x3d, 0x91, 0xff},
    [UI_KEY] = {0x2b, 0x2f, 0x36, 0xff},   [UI_OK] = {0x0d, 0x6e, 0x2f, 0xff},
    [UI_WARN] = {0xf2, 0xa9, 0x00, 0xff},  [UI_BAD] = {0xb0, 0x00, 0x20, 0xff},
    [UI_WHITE] = {0xff, 0xff, 0xff, 0xff}, [UI_BLACK] = {0x00, 0x00, 0x00, 0xff},
};

static void
ui_color(struct ui *u, enum ui_color c)
{
	SDL_Color k = ui_palette[c];

	SDL_SetRenderDrawColor(u->ren, k.r, k.g, k.b, k.a);
}

/* The text colour that reads best on a background. */
static enum ui_color
ui_on(enum ui_color bg)
{
	switch (bg) {
	case UI_BG:
	case UI_PANEL:
	case UI_WARN:
	case UI_WHITE: return UI_FG;
	default: return UI_WHITE;
	}
}

static void
ui_layout(struct ui *u)
{
	float a, b;

	SDL_GetWindowSize(u->win, &u->win_w, &u->win_h);
	if (u->rotation == 90 || u->rotation == 270) {
		u->lw = u->win_h;
		u->lh = u->win_w;
	} else {
		u->lw = u->win_w;
		u->lh = u->win_h;
	}
	/* a design at 800x480 landscape or 480x800 portrait is 1.0 */
	if (u->lw >= u->lh) {
		a = u->lw / 800.0f;
		b = u->lh / 480.0f;
	} else {
		a = u->lw / 480.0f;
		b = u->lh / 800.0f;
	}
	u->scale = a < b ? a : b;
	if (u->scale < 0.3f)
		u->scale = 0.3f;
	if (u->target != NULL) {
		SDL_DestroyTexture(u->target);
		u->target = NULL;
	}
	if (u->rotation != 0) {
		u->target = SDL_CreateTexture(u->ren, SDL_PIXELFORMAT_RGB888,
		                              SDL_TEXTUREACCESS_TARGET, u->lw, u->lh);
		if (u->target == NULL)
			u->rotation = 0, u->lw = u->win_w, u->lh = u->win_h;
	}
	u->dirty = 1;
}

/* A tone sequence, synthesised: no files to lose. */
static void
ui_make_sound(struct ui *u, enum ui_sound s, const int *freq, const int *ms, int n, int square)
{
	const int rate = 22050;
	Uint32 total = 0, i;
	int k;
	int16_t *p;

	for (k = 0; k < n; k++)
		total += (Uint32)(rate * ms[k] / 1000);
	p = xcalloc(total, sizeof *p);
	u->sounds[s] = p;
	u->sound_len[s] = total * (Uint32)sizeof *p;
	for (k = 0; k < n; k++) {
		Uint32 len = (Uint32)(rate * ms[k] / 1000);
		for (i = 0; i < len; i++) {
			double t = (double)i / rate, env, v;
			env = i < 200 ? i / 200.0 : (len - i < 400 ? (len - i) / 400.0 : 1.0);
			v = freq[k] == 0 ? 0 : sin(2 * M_PI * freq[k] * t);
			if (square)
				v = v >= 0 ? 0.6 : -0.6;
			*p++ = (int16_t)(v * env * 9000);
		}
	}
}

/* Somewhere a sound can go: a sound server of this session, or an ALSA
 * playback device. Without one, SDL's ALSA backend fills stderr (the
 * station's journal) with a dozen lines of failed lookups for nothing. */
static int
ui_sound_possible(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char path[512];
	glob_t g;
	int n;

	if (getenv("SDL_AUDIODRIVER") != NULL || getenv("PULSE_SERVER") != NULL)
		return 1;
	if (run != NULL && *run != '\0') {
		snprintf(path, sizeof path, "%s/pulse/native", run);
		if (access(path, F_OK) == 0)
			return 1;
		snprintf(path, sizeof path, "%s/pipewire-0", run);
		if (access(path, F_OK) == 0)
			return 1;
	}
	if (glob("/dev/snd/pcmC*p", GLOB_NOSORT, NULL, &g) != 0)
		return 0;
	n = (int)g.gl_pathc;
	globfree(&g);
	return n > 0;
}

static void
ui_open_audio(struct ui *u)
{
	static const int ok_f[] = {660, 990}, ok_ms[] = {110, 170};
	static const int warn_f[] = {520, 0, 520}, warn_ms[] = {160, 90, 160};
	static const int bad_f[] = {180}, bad_ms[] = {550};
	SDL_AudioSpec want, have;

	if (!ui_sound_possible() || SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
		return;
	SDL_zero(want);
	want.freq = 22050;
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 1024;
	u->audio = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
	if (u->audio == 0)
		return;
	ui_make_sound(u, UI_SOUND_OK, ok_f, ok_ms, 2, 0);
	ui_make_sound(u, UI_SOUND_WARN, warn_f, warn_ms, 3, 0);
	ui_make_sound(u, UI_SOUND_ERROR, bad_f, bad_ms, 1, 1);
	SDL_PauseAudioDevice(u->audio, 0);
}

void
ui_sound(struct ui *u, enum ui_sound s)
{
	/* SDL_QueueAudio copies and returns: never blocks the frame */
	if (u->audio == 0 || u->sounds[s] == NULL)
		return;
	SDL_ClearQueuedAudio(u->audio);
	SDL_QueueAudio(u->audio, u->sounds[s], u->sound_len[s]);
}

int
ui_input_pending(const struct ui *u)
{
	return u->injected > 0;
}

int
ui_displays(void)
{
	int n = SDL_GetNumVideoDisplays();

	return n > 0 ? n : 1;
}

int
ui_open_display(const struct ui *main, int display, struct ui **out, char **cause)
{
	struct ui *u = xcalloc(1, sizeof *u);
	int rc = -1;

	*out = NULL;
	u->second = 1;
	if (display < 0 || display >= SDL_GetNumVideoDisplays()) {
		util_fail(cause, "There is no display %d (SDL sees %d).", display,
		          SDL_GetNumVideoDisplays());
		goto end;
	}
	u->font_path[0] = xstrdup(main->font_path[0]);
	u->font_path[1] = xstrdup(main->font_path[1]);
	u->win = SDL_CreateWindow(
	    "W.A.T. walkers' display", SDL_WINDOWPOS_CENTERED_DISPLAY(display),
	    SDL_WINDOWPOS_CENTERED_DISPLAY(display), 800, 480, SDL_WINDOW_FULLSCREEN_DESKTOP);
	if (u->win == NULL) {
		util_fail(cause, "The second window could not be opened: %s", SDL_GetError());
		goto end;
	}
	u->ren = SDL_CreateRenderer(u->win, -1, SDL_RENDERER_TARGETTEXTURE);
	if (u->ren == NULL) {
		util_fail(cause, "No renderer for the second window: %s", SDL_GetError());
		goto end;
	}
	u->wake_event = main->wake_event;
	ui_layout(u);
	*out = u;
	u = NULL;
	rc = 0;
end:
	if (u != NULL)
		ui_free(u);
	return rc;
}

int
ui_open(const struct ui_config *c, struct ui **out, char **cause)
{
	struct ui *u = xcalloc(1, sizeof *u);
	Uint32 flags = SDL_WINDOW_RESIZABLE;
	int w = c->width, h = c->height, rc = -1;
	TTF_Font *probe = NULL;

	*out = NULL;
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0"); /* we read fingers ourselves */
	SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
	if (c->software)
		SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		util_fail(cause, "The screen could not be opened: %s", SDL_GetError());
		goto end;
	}
	/* On the console (KMSDRM) SDL's first choice is desktop "opengl", which
	 * on Mesa's software driver (QEMU's virtio-gpu without virgl) shows only
	 * glClear: a blank screen in the clear colour. GLES2 draws everything
	 * there, and is what the Pi's vc4/v3d drive natively. */
	if (!c->software && SDL_GetHint(SDL_HINT_RENDER_DRIVER) == NULL &&
	    SDL_GetCurrentVideoDriver() != NULL &&
	    SDL_strcasecmp(SDL_GetCurrentVideoDriver(), "kmsdrm") == 0)
		SDL_SetHint(SDL_HINT_RENDER_DRIVER, "opengles2");
	if (TTF_Init() != 0) {
		util_fail(cause, "The font engine failed: %s", TTF_GetError());
		goto end;
	}
	u->font_path[0] = xasprintf("%s/DejaVuSans.ttf", c->font_dir);
	u->font_path[1] = xasprintf("%s/DejaVuSans-Bold.ttf", c->font_dir);
	for (int b = 0; b < 2; b++) {
		if ((probe = TTF_OpenFont(u->font_path[b], 20)) == NULL) {
			util_fail(cause, "The font %s could not be loaded: %s", u->font_path[b],
			          TTF_GetError());
			goto end;
		}
		TTF_CloseFont(probe);
	}
	if (w <= 0 || h <= 0) {
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
		w = 800;
		h = 480;
	} else {
		SDL_Rect usable;

		/* A window larger than the desktop would hide the home buttons
		 * off screen: shrink it to what the desktop can show.  The dummy
		 * and offscreen drivers (script mode, tests) have no desktop. */
		const char *drv = SDL_GetCurrentVideoDriver();

		if (drv != NULL && SDL_strcasecmp(drv, "dummy") != 0 &&
		    SDL_strcasecmp(drv, "offscreen") != 0 &&
		    SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 && usable.h > 0) {
			if (w > usable.w)
				w = usable.w;
			if (h > usable.h)
				h = usable.h;
		}
	}
	u->win = SDL_CreateWindow("W.A.T. Welcome Table", SDL_WINDOWPOS_CENTERED,
	                          SDL_WINDOWPOS_CENTERED, w, h, flags);
	if (u->win == NULL) {
		util_fail(cause, "The window could not be opened: %s", SDL_GetError());
		goto end;
	}
	u->ren = SDL_CreateRenderer(u->win, -1, SDL_RENDERER_TARGETTEXTURE);
	if (u->ren == NULL) {
		SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
		u->ren = SDL_CreateRenderer(u->win, -1, 0);
	}
	if (u->ren == NULL) {
		util_fail(cause, "No renderer: %s", SDL_GetError());
		goto end;
	}
	if (flags & SDL_WINDOW_FULLSCREEN_DESKTOP)
		SDL_ShowCursor(SDL_DISABLE);
	u->wake_event = SDL_RegisterEvents(1);
	u->rotation = c->rotation;
	if (u->rotation != 90 && u->rotation != 180 && u->rotation != 270)
		u->rotation = 0;
	ui_layout(u);
	SDL_StartTextInput();
	if (c->sound)
		ui_open_audio(u);
	*out = u;
	u = NULL;
	rc = 0;
end:
	if (u != NULL)
		ui_free(u);
	return rc;
}

static void
ui_forget_frame(struct ui *u)
{
	for (int i = 0; i < u->nseen; i++)
		free(u->seen[i]);
	/* the buttons become the frame before's (when each first showed) */
	for (int i = 0; i < u->nprev; i++)
		free(u->prev[i].label);
	memcpy(u->prev, u->buttons, (size_t)u->nbuttons * sizeof *u->buttons);
	u->nprev = u->nbuttons;
	for (int i = 0; i < u->nfaults; i++)
		free(u->faults[i]);
	u->nseen = 0;
	u->nbuttons = 0;
	u->nfaults = 0;
}

void
ui_free(struct ui *u)
{
	if (u == NULL)
		return;
	ui_forget_frame(u);
	for (int i = 0; i < u->nprev; i++)
		free(u->prev[i].label);
	u->nprev = 0;
	for (int i = 0; i < UI_CACHE_SLOTS; i++)
		ui_uncache(u, &u->cache[i]);
	for (int b = 0; b < 2; b++) {
		for (int i = 0; i <= UI_MAX_FONT; i++)
			if (u->fonts[b][i] != NULL)
				TTF_CloseFont(u->fonts[b][i]);
		free(u->font_path[b]);
	}
	if (u->audio != 0)
		SDL_CloseAudioDevice(u->audio);
	for (int i = 0; i < UI_NSOUNDS; i++)
		free(u->sounds[i]);
	if (u->target != NULL)
		SDL_DestroyTexture(u->target);
	if (u->ren != NULL)
		SDL_DestroyRenderer(u->ren);
	if (u->win != NULL)
		SDL_DestroyWindow(u->win);
	if (!u->second) { /* the first window's ui owns SDL and the font engine */
		if (TTF_WasInit())
			TTF_Quit();
		SDL_Quit();
	}
	free(u);
}

void
ui_set_rotation(struct ui *u, int degrees)
{
	if (degrees != 90 && degrees != 180 && degrees != 270)
		degrees = 0;
	u->rotation = degrees;
	u->down = u->released = 0;
	ui_layout(u);
}

int
ui_rotation(struct ui *u)
{
	return u->rotation;
}

/* Window pixel → logical (what the user sees, after rotation). */
static void
ui_to_logical(struct ui *u, int wx, int wy, int *lx, int *ly)
{
	switch (u->rotation) {
	case 90: *lx = wy, *ly = u->win_w - 1 - wx; break;
	case 180: *lx = u->win_w - 1 - wx, *ly = u->win_h - 1 - wy; break;
	case 270: *lx = u->win_h - 1 - wy, *ly = wx; break;
	default: *lx = wx, *ly = wy; break;
	}
}

static void
ui_to_window(struct ui *u, int lx, int ly, int *wx, int *wy)
{
	switch (u->rotation) {
	case 90: *wx = u->win_w - 1 - ly, *wy = lx; break;
	case 180: *wx = u->win_w - 1 - lx, *wy = u->win_h - 1 - ly; break;
	case 270: *wx = ly, *wy = u->win_h - 1 - lx; break;
	default: *wx = lx, *wy = ly; break;
	}
}

static void
ui_pointer(struct ui *u, int type, int wx, int wy)
{
	int lx, ly;

	ui_to_logical(u, wx, wy, &lx, &ly);
	ly -= u->top;
	u->cur_x = lx;
	u->cur_y = ly;
	if (type == 0) { /* press */
		u->down = 1;
		u->released = 0;
		u->press_ms = SDL_GetTicks64();
		u->press_looked = u->inject_looked;
		u->inject_looked = 0;
		u->press_x = lx;
		u->press_y = ly;
	} else if (type == 1 && u->down) { /* release */
		u->down = 0;
		u->released = 1;
		u->rel_x = lx;
		u->rel_y = ly;
	}
	u->dirty = 1;
}

static enum ui_key
ui_keysym(SDL_Keycode k)
{
	switch (k) {
	case SDLK_RETURN:
	case SDLK_KP_ENTER: return UI_KEY_RETURN;
	case SDLK_BACKSPACE: return UI_KEY_BACKSPACE;
	case SDLK_ESCAPE: return UI_KEY_ESCAPE;
	case SDLK_TAB: return UI_KEY_TAB;
	default: return UI_KEY_NONE;
	}
}

/* Turns one SDL event into ours; 0 when it was handled inside (or ignored). */
static int
ui_translate(struct ui *u, const SDL_Event *e, struct ui_event *ev)
{
	memset(ev, 0, sizeof *ev);
	switch (e->type) {
	case SDL_QUIT: ev->type = UI_EV_QUIT; return 1;
	case SDL_WINDOWEVENT:
		if (e->window.windowID != SDL_GetWindowID(u->win))
			return 0; /* the walkers' display (ui_open_display): nothing to answer */
		if (e->window.event == SDL_WINDOWEVENT_CLOSE) {
			ev->type = UI_EV_QUIT; /* with a second window open there is no SDL_QUIT */
			return 1;
		}
		if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
			ui_layout(u);
		u->dirty = 1;
		ev->type = UI_EV_INPUT;
		return 1;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT ||
		    (e->button.windowID != 0 && e->button.windowID != SDL_GetWindowID(u->win)))
			return 0;
		ui_pointer(u, e->type == SDL_MOUSEBUTTONDOWN ? 0 : 1, e->button.x, e->button.y);
		ev->type = UI_EV_INPUT;
		return 1;
	case SDL_MOUSEMOTION:
		if (e->motion.which == SDL_TOUCH_MOUSEID || !u->down)
			return 0;
		ui_pointer(u, 2, e->motion.x, e->motion.y);
		ev->type = UI_EV_INPUT;
		return 1;
	case SDL_FINGERDOWN:
	case SDL_FINGERUP:
	case SDL_FINGERMOTION: {
		int wx = (int)(e->tfinger.x * u->win_w), wy = (int)(e->tfinger.y * u->win_h);
		if (e->type == SDL_FINGERDOWN) {
			if (u->down)
				return 0; /* one finger at a time */
			u->finger = e->tfinger.fingerId;
		} else if (!u->down || e->tfinger.fingerId != u->finger) {
			return 0;
		}
		ui_pointer(u,
		           e->type == SDL_FINGERDOWN ? 0
		           : e->type == SDL_FINGERUP ? 1
		                                     : 2,
		           wx, wy);
		ev->type = UI_EV_INPUT;
		return 1;
	}
	case SDL_TEXTINPUT:
		ev->type = UI_EV_TEXT;
		snprintf(ev->text, sizeof ev->text, "%s", e->text.text);
		return 1;
	case SDL_KEYDOWN:
		if ((ev->key = ui_keysym(e->key.keysym.sym)) == UI_KEY_NONE)
			return 0;
		ev->type = UI_EV_KEY;
		return 1;
	default:
		if (e->type == u->wake_event) {
			ev->type = UI_EV_WAKE;
			return 1;
		}
		return 0;
	}
}

int
ui_poll(struct ui *u, int timeout_ms, struct ui_event *ev)
{
	SDL_Event e;
	Uint32 start = SDL_GetTicks();
	int left = timeout_ms;

	for (;;) {
		if (!SDL_WaitEventTimeout(&e, left < 0 ? 1000 * 3600 : left))
			break;
		if (u->injected > 0 &&
		    (e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP ||
		     e.type == SDL_TEXTINPUT || e.type == SDL_KEYDOWN))
			u->injected--;
		if (ui_translate(u, &e, ev))
			return 1;
		if (timeout_ms >= 0) {
			left = timeout_ms - (int)(SDL_GetTicks() - start);
			if (left <= 0)
				break;
		}
	}
	memset(ev, 0, sizeof *ev);
	return 0;
}

void
ui_wake(struct ui *u)
{
	SDL_Event e;

	SDL_zero(e);
	e.type = u->wake_event;
	SDL_PushEvent(&e);
}

static void
ui_inject_press_release(struct ui *u, int x, int y)
{
	SDL_Event e;

	SDL_zero(e);
	e.type = SDL_MOUSEBUTTONDOWN;
	e.button.button = SDL_BUTTON_LEFT;
	e.button.state = SDL_PRESSED;
	e.button.x = x;
	e.button.y = y;
	u->injected += SDL_PushEvent(&e) == 1;
	e.type = SDL_MOUSEBUTTONUP;
	e.button.state = SDL_RELEASED;
	u->injected += SDL_PushEvent(&e) == 1;
}

void
ui_inject_quick_tap(struct ui *u, int x, int y)
{
	ui_inject_press_release(u, x, y);
}

void
ui_inject_tap(struct ui *u, int x, int y)
{
	u->inject_looked = 1; /* a script's press: someone who read the screen first */
	ui_inject_press_release(u, x, y);
}

void
ui_inject_text(struct ui *u, const char *text)
{
	SDL_Event e;
	size_t n = strlen(text), i = 0;

	/* in pieces, as a keyboard delivers it (a whole code point per event) */
	while (i < n) {
		size_t k = 1;
		while (i + k < n && ((unsigned char)text[i + k] & 0xc0) == 0x80)
			k++;
		SDL_zero(e);
		e.type = SDL_TEXTINPUT;
		memcpy(e.text.text, text + i, k);
		u->injected += SDL_PushEvent(&e) == 1;
		i += k;
	}
}

void
ui_inject_key(struct ui *u, enum ui_key key)
{
	static const SDL_Keycode map[] = {[UI_KEY_RETURN] = SDLK_RETURN,
	                                  [UI_KEY_BACKSPACE] = SDLK_BACKSPACE,
	                                  [UI_KEY_ESCAPE] = SDLK_ESCAPE,
	                                  [UI_KEY_TAB] = SDLK_TAB};
	SDL_Event e;

	if (key == UI_KEY_NONE || (size_t)key >= nitems(map))
		return;
	SDL_zero(e);
	e.type = SDL_KEYDOWN;
	e.key.state = SDL_PRESSED;
	e.key.keysym.sym = map[key];
	u->injected += SDL_PushEvent(&e) == 1;
}

int
ui_dirty(struct ui *u)
{
	return u->dirty;
}

void
ui_invalidate(struct ui *u)
{
	u->dirty = 1;
}

uint64_t
ui_frames(struct ui *u)
{
	return u->frames;
}

int
ui_width(struct ui *u)
{
	return u->lw;
}

int
ui_height(struct ui *u)
{
	return u->lh - u->top;
}

void
ui_set_top(struct ui *u, int px)
{
	if (px < 0 || px > u->lh / 4)
		px = px < 0 ? 0 : u->lh / 4;
	if (px != u->top)
		u->dirty = 1;
	u->top = px;
}

/* The frame's area: below the banner's band. */
static void
ui_viewport(struct ui *u)
{
	SDL_Rect v = {0, u->top, u->lw, u->lh - u->top};

	SDL_RenderSetViewport(u->ren, u->top > 0 ? &v : NULL);
}

int
ui_px(struct ui *u, int design_px)
{
	return (int)lroundf(design_px * u->scale);
}

void
ui_begin(struct ui *u)
{
	ui_forget_frame(u);
	u->frame_ms = SDL_GetTicks64();
	u->dirty = 0;
	SDL_SetRenderTarget(u->ren, u->target);
	ui_color(u, UI_BG);
	SDL_RenderSetViewport(u->ren, NULL);
	SDL_RenderClear(u->ren);
	ui_viewport(u);
}

static void
ui_write_png(struct ui *u)
{
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *volatile pix = NULL;
	FILE *volatile f = NULL;
	int pitch = u->lw * 3;

	pix = xmalloc((size_t)pitch * (size_t)u->lh);
	if (SDL_RenderReadPixels(u->ren, NULL, SDL_PIXELFORMAT_RGB24, pix, pitch) != 0) {
		u->shot_cause = xasprintf("Reading the frame failed: %s", SDL_GetError());
		goto end;
	}
	if ((f = fopen(u->shot_path, "wb")) == NULL) {
		u->shot_cause = xasprintf("%s cannot be written.", u->shot_path);
		goto end;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png != NULL ? png_create_info_struct(png) : NULL;
	if (info == NULL || setjmp(png_jmpbuf(png))) {
		u->shot_cause = xasprintf("%s: the PNG could not be written.", u->shot_path);
		goto end;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)u->lw, (png_uint_32)u->lh, 8, PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < u->lh; y++)
		png_write_row(png, pix + (size_t)y * (size_t)pitch);
	png_write_end(png, NULL);
end:
	if (png != NULL)
		png_destroy_write_struct(&png, info != NULL ? &info : NULL);
	if (f != NULL && fclose(f) != 0 && u->shot_cause == NULL)
		u->shot_cause = xasprintf("%s cannot be written.", u->shot_path);
	free(pix);
	u->shot_done = 1;
}

void
ui_end(struct ui *u)
{
	SDL_RenderSetViewport(u->ren, NULL); /* the whole frame, banner and all */
	if (u->shot_path != NULL && !u->shot_done)
		ui_write_png(u);
	if (u->target != NULL) {
		SDL_Rect dst = {(u->win_w - u->lw) / 2, (u->win_h - u->lh) / 2, u->lw, u->lh};
		SDL_SetRenderTarget(u->ren, NULL);
		ui_color(u, UI_BLACK);
		SDL_RenderClear(u->ren);
		SDL_RenderCopyEx(u->ren, u->target, NULL, &dst, u->rotation, NULL, SDL_FLIP_NONE);
	}
	SDL_RenderPresent(u->ren);
	/* every name scanned is a new string: over budget, keep only this frame's */
	if (u->cache_bytes > UI_CACHE_BUDGET)
		for (int i = 0; i < UI_CACHE_SLOTS; i++)
			if (u->cache[i].tex != NULL && u->cache[i].frame != u->frames)
				ui_uncache(u, &u->cache[i]);
	u->released = 0; /* a release fires in one frame only */
	u->frames++;
}

int
ui_screenshot(struct ui *u, const char *path, void (*draw)(void *), void *arg, char **cause)
{
	int rc = 0;

	u->shot_path = path;
	u->shot_done = 0;
	u->shot_cause = NULL;
	draw(arg);
	if (!u->shot_done)
		u->shot_cause = xstrdup("No frame was drawn.");
	if (u->shot_cause != NULL) {
		rc = util_fail(cause, "%s", u->shot_cause);
		free(u->shot_cause);
		u->shot_cause = NULL;
	}
	u->shot_path = NULL;
	return rc;
}

void
ui_fill(struct ui *u, struct ui_rect r, enum ui_color c)
{
	SDL_Rect s = {r.x, r.y, r.w, r.h};

	ui_color(u, c);
	SDL_RenderFillRect(u->ren, &s);
}

void
ui_border(struct ui *u, struct ui_rect r, enum ui_color c, int t)
{
	ui_fill(u, (struct ui_rect){r.x, r.y, r.w, t}, c);
	ui_fill(u, (struct ui_rect){r.x, r.y + r.h - t, r.w, t}, c);
	ui_fill(u, (struct ui_rect){r.x, r.y, t, r.h}, c);
	ui_fill(u, (struct ui_rect){r.x + r.w - t, r.y, t, r.h}, c);
}

static TTF_Font *
ui_font(struct ui *u, int px, int bold)
{
	if (px < 6)
		px = 6;
	if (px > UI_MAX_FONT)
		px = UI_MAX_FONT;
	if (u->fonts[bold][px] == NULL)
		u->fonts[bold][px] = TTF_OpenFont(u->font_path[bold], px);
	return u->fonts[bold][px];
}

/* A copy safe to hand to the font engine: invalid UTF-8 and controls become '?'. */
static char *
ui_clean(const char *s)
{
	size_t n = strlen(s), i = 0;
	char *out = xmalloc(n + 1), *o = out;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80         ? 1
		           : (c >> 5) == 6  ? 2
		           : (c >> 4) == 14 ? 3
		           : (c >> 3) == 30 ? 4
		                            : 0;
		int ok = k != 0 && i + k <= n;
		for (size_t j = 1; ok && j < k; j++)
			ok = ((unsigned char)s[i + j] & 0xc0) == 0x80;
		if (ok && k == 2 && c < 0xc2)
			ok = 0; /* overlong */
		if (!ok || (k == 1 && (c < 0x20 || c == 0x7f))) {
			*o++ = '?';
			i++;
			continue;
		}
		memcpy(o, s + i, k);
		o += k;
		i += k;
	}
	*o = '\0';
	return out;
}

static uint32_t
ui_hash(const char *s, int px, int bold, int maxw, enum ui_color c)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	h = (h ^ (uint32_t)px) * 16777619u;
	h = (h ^ (uint32_t)bold) * 16777619u;
	h = (h ^ (uint32_t)maxw) * 16777619u;
	h = (h ^ (uint32_t)c) * 16777619u;
	return h;
}

/* A shortened text keeps at least this many characters before its "…". */
#define UI_CUT_MIN_CHARS 3

/* Characters (not bytes) of a UTF-8 text. */
static size_t
ui_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The largest prefix (at a character boundary) that fits in maxw with "…". */
static char *
ui_ellipsize(TTF_Font *f, const char *s, int maxw)
{
	size_t n = strlen(s);
	char *buf = xmalloc(n + 4);
	int w = 0;

	while (n > 0) {
		do
			n--;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80);
		memcpy(buf, s, n);
		memcpy(buf + n, "\xe2\x80\xa6", 4);
		if (TTF_SizeUTF8(f, buf, &w, NULL) == 0 && w <= maxw)
			return buf;
	}
	memcpy(buf, "\xe2\x80\xa6", 4);
	return buf;
}

static void
ui_uncache(struct ui *u, struct ui_cached *e)
{
	if (e->tex != NULL) {
		SDL_DestroyTexture(e->tex);
		u->cache_bytes -= (size_t)e->w * (size_t)e->h * 4;
	}
	free(e->text);
	memset(e, 0, sizeof *e);
}

static struct ui_cached *
ui_render(struct ui *u, const char *text, int px, int bold, int maxw, enum ui_color c)
{
	uint32_t h = ui_hash(text, px, bold, maxw, c);
	struct ui_cached *e = &u->cache[h % UI_CACHE_SLOTS];
	TTF_Font *f;
	SDL_Surface *s;
	char *fit = NULL;
	int w = 0, size = px;

	if (e->tex != NULL && e->px == px && e->bold == bold && e->maxw == maxw && e->color == c &&
	    strcmp(e->text, text) == 0) {
		e->frame = u->frames;
		return e;
	}
	ui_uncache(u, e);
	/* shrink to fit down to 70 %, then cut with an ellipsis */
	for (;;) {
		if ((f = ui_font(u, size, bold)) == NULL)
			return NULL;
		if (TTF_SizeUTF8(f, text, &w, NULL) != 0)
			return NULL;
		if (w <= maxw || size <= px * 7 / 10 || size <= 8)
			break;
		size = size * 9 / 10;
	}
	if (w > maxw)
		fit = ui_ellipsize(f, text, maxw);
	e->cut = fit != NULL;
	s = TTF_RenderUTF8_Blended(f, fit != NULL ? fit : text, ui_palette[c]);
	free(fit);
	if (s == NULL)
		return NULL;
	e->tex = SDL_CreateTextureFromSurface(u->ren, s);
	SDL_FreeSurface(s);
	if (e->tex == NULL)
		return NULL;
	SDL_QueryTexture(e->tex, NULL, NULL, &e->w, &e->h);
	u->cache_bytes += (size_t)e->w * (size_t)e->h * 4;
	e->frame = u->frames;
	e->text = xstrdup(text);
	e->px = px;
	e->bold = bold;
	e->maxw = maxw;
	e->color = c;
	return e;
}

static void
ui_record(struct ui *u, const char *text)
{
	if (u->nseen < UI_MAX_SEEN)
		u->seen[u->nseen++] = xstrdup(text);
}

static void ui_fault(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Only when ui_check asked for it (script mode): a fault of the frame's layout. */
static void
ui_fault(struct ui *u, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (u->min_target <= 0 || u->nfaults >= UI_MAX_FAULTS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (int i = 0; i < u->nfaults; i++)
		if (strcmp(u->faults[i], buf) == 0)
			return;
	u->faults[u->nfaults++] = xstrdup(buf);
}

static void
ui_draw_text(struct ui *u, struct ui_rect r, const char *clean, int px, int bold, enum ui_color c,
             enum ui_align a, int may_cut)
{
	struct ui_cached *e = ui_render(u, clean, px, bold != 0, r.w, c);
	SDL_Rect dst;

	if (e == NULL)
		return;
	if (e->cut && !may_cut)
		ui_fault(u, "text cut off: \"%s\"", clean);
	dst.w = e->w;
	dst.h = e->h;
	dst.y = r.y + (r.h - e->h) / 2;
	dst.x = a == UI_LEFT ? r.x : a == UI_RIGHT ? r.x + r.w - e->w : r.x + (r.w - e->w) / 2;
	SDL_RenderCopy(u->ren, e->tex, NULL, &dst);
}

void
ui_text(struct ui *u, struct ui_rect r, const char *text, int size, int bold, enum ui_color c,
        enum ui_align a)
{
	char *clean;

	if (text == NULL || text[0] == '\0' || r.w <= 0)
		return;
	clean = ui_clean(text);
	ui_record(u, clean);
	ui_draw_text(u, r, clean, ui_px(u, size), bold, c, a, 0);
	free(clean);
}

void
ui_text_cut(struct ui *u, struct ui_rect r, const char *text, int size, int bold, enum ui_color c,
            enum ui_align a)
{
	int px = ui_px(u, size), w = 0;
	TTF_Font *f;
	char *clean, *fit = NULL;

	if (text == NULL || text[0] == '\0' || r.w <= 0)
		return;
	clean = ui_clean(text);
	ui_record(u, clean);
	/* cut at its own size, not shrunk first: it stays as legible as its neighbours */
	if ((f = ui_font(u, px, bold != 0)) != NULL && TTF_SizeUTF8(f, clean, &w, NULL) == 0 &&
	    w > r.w)
		fit = ui_ellipsize(f, clean, r.w);
	/* shortened is fine, shortened to nothing is not: a team shown as "…" says nothing */
	if (fit != NULL && ui_chars(fit) <= UI_CUT_MIN_CHARS && ui_chars(clean) > UI_CUT_MIN_CHARS)
		ui_fault(u, "text cut to nothing: \"%s\" shown as \"%s\"", clean, fit);
	ui_draw_text(u, r, fit != NULL ? fit : clean, px, bold, c, a, 1);
	free(fit);
	free(clean);
}

int
ui_text_wrap(struct ui *u, struct ui_rect r, const char *text, int size, int bold, enum ui_color c,
             enum ui_align a)
{
	int px = ui_px(u, size), lh, y = r.y, w;
	TTF_Font *f = ui_font(u, px, bold != 0);
	char *clean, *p, *line;
	size_t n;

	if (text == NULL || text[0] == '\0' || r.w <= 0 || f == NULL)
		return 0;
	/* ui_clean keeps the length (a bad byte becomes one '?'): put the newlines back */
	clean = ui_clean(text);
	for (p = clean; *p != '\0'; p++)
		if (text[p - clean] == '\n')
			*p = '\n';
	/* one string for expect-text, drawn as lines */
	{
		char *rec = xstrdup(clean);
		for (p = rec; *p != '\0'; p++)
			if (*p == '\n')
				*p = ' ';
		ui_record(u, rec);
		free(rec);
	}
	lh = TTF_FontLineSkip(f);
	line = xmalloc(strlen(clean) + 1);
	p = clean;
	while (*p != '\0' && y + lh <= r.y + r.h) {
		size_t best = 0;
		/* the longest run of whole words that fits (at least one word) */
		for (n = 0;; n++) {
			if (p[n] == ' ' || p[n] == '\n' || p[n] == '\0') {
				memcpy(line, p, n);
				line[n] = '\0';
				if (best > 0 && (TTF_SizeUTF8(f, line, &w, NULL) != 0 || w > r.w))
					break;
				best = n;
				if (p[n] != ' ')
					break;
			}
		}
		memcpy(line, p, best);
		line[best] = '\0';
		/* one word wider than the line (a file's path): broken where it must be,
		 * at a character, rather than cut */
		while (best > 1 && TTF_SizeUTF8(f, line, &w, NULL) == 0 && w > r.w) {
			do
				best--;
			while (best > 1 && ((unsigned char)p[best] & 0xc0) == 0x80);
			line[best] = '\0';
		}
		ui_draw_text(u, (struct ui_rect){r.x, y, r.w, lh}, line, px, bold, c, a, 0);
		y += lh;
		p += best;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	if (*p != '\0')
		ui_fault(u, "text cut off (no room for its last lines): \"%s\"", p);
	free(line);
	free(clean);
	return y - r.y;
}

int
ui_text_width(struct ui *u, const char *text, int size, int bold)
{
	TTF_Font *f = ui_font(u, ui_px(u, size), bold != 0);
	int w = 0;

	if (f == NULL || TTF_SizeUTF8(f, text, &w, NULL) != 0)
		return 0;
	return w;
}

static int
ui_inside(struct ui_rect r, int x, int y)
{
	return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static int
ui_released_in(struct ui *u, struct ui_rect r)
{
	if (u->released && ui_inside(r, u->press_x, u->press_y) &&
	    ui_inside(r, u->rel_x, u->rel_y)) {
		u->released = 0; /* consumed */
		u->dirty = 1;
		return 1;
	}
	return 0;
}

int
ui_hit(struct ui *u, struct ui_rect r)
{
	if (r.w < u->min_target || r.h < u->min_target)
		ui_fault(u, "touch target %dx%d px at %d,%d (under %dx%d)", r.w, r.h, r.x, r.y,
		         u->min_target, u->min_target);
	return ui_released_in(u, r);
}

/* When a button of this label first showed at r: the frame before's, else
 * this frame's. */
static uint64_t
ui_button_since(const struct ui *u, struct ui_rect r, const char *label, uint64_t key)
{
	for (int i = 0; i < u->nprev; i++) {
		const struct ui_seen_button *b = &u->prev[i];

		if (b->r.x == r.x && b->r.y == r.y && b->r.w == r.w && b->r.h == r.h &&
		    b->key == key && strcmp(b->label, label) == 0)
			return b->since_ms;
	}
	return u->frame_ms;
}

/* How a button's label fits its inner rect r at px: 0 on one line; 1 on
 * two lines split at clean[*at] (a space: the split that makes the wider
 * line narrowest, or else the longest first line, the second then ended
 * with "…"), only when r is tall enough for two lines; -1 not at px
 * (ui_text shrinks it). */
static int
ui_label_split(struct ui *u, struct ui_rect r, char *clean, int px, int bold, size_t *at)
{
	TTF_Font *f = ui_font(u, px, bold != 0);
	int w = 0, bestw = -1, first = -1;

	if (f == NULL || TTF_SizeUTF8(f, clean, &w, NULL) != 0 || w <= r.w)
		return 0;
	if (TTF_FontLineSkip(f) * 2 > r.h)
		return -1;
	for (size_t i = 0; clean[i] != '\0'; i++) {
		int w1 = 0, w2 = 0;
		if (clean[i] != ' ')
			continue;
		clean[i] = '\0';
		if (TTF_SizeUTF8(f, clean, &w1, NULL) == 0 && w1 <= r.w) {
			first = (int)i;
			if (TTF_SizeUTF8(f, clean + i + 1, &w2, NULL) == 0 && w2 <= r.w &&
			    (bestw < 0 || (w1 > w2 ? w1 : w2) < bestw)) {
				*at = i;
				bestw = w1 > w2 ? w1 : w2;
			}
		}
		clean[i] = ' ';
	}
	if (bestw >= 0)
		return 1;
	if (first < 0)
		return -1;
	*at = (size_t)first;
	return 1;
}

/* A button's label: on one line at its size when it fits; else, when the
 * button is tall enough, on two lines at its size (a long choice beside
 * short ones keeps their size instead of shrinking alone), the second
 * ended with "…" when even two lines are too few; else shrunk as any
 * text. */
static void
ui_button_label(struct ui *u, struct ui_rect r, const char *label, int size, int bold,
                enum ui_color c)
{
	int px = ui_px(u, size), lh, w = 0;
	size_t at = 0;
	char *clean, *second;
	TTF_Font *f;

	if (label == NULL || label[0] == '\0' || r.w <= 0)
		return;
	clean = ui_clean(label);
	if (ui_label_split(u, r, clean, px, bold, &at) != 1) {
		free(clean);
		ui_text(u, r, label, size, bold, c, UI_CENTER);
		return;
	}
	ui_record(u, clean); /* the label as one text, as a one-line one */
	clean[at] = '\0';
	f = ui_font(u, px, bold != 0);
	lh = TTF_FontLineSkip(f);
	/* ui_ellipsize always ends with "…": only for a second line too long */
	second = TTF_SizeUTF8(f, clean + at + 1, &w, NULL) == 0 && w > r.w
	             ? ui_ellipsize(f, clean + at + 1, r.w)
	             : NULL;
	ui_draw_text(u, (struct ui_rect){r.x, r.y + r.h / 2 - lh, r.w, lh}, clean, px, bold, c,
	             UI_CENTER, 0);
	ui_draw_text(u, (struct ui_rect){r.x, r.y + r.h / 2, r.w, lh},
	             second != NULL ? second : clean + at + 1, px, bold, c, UI_CENTER, 1);
	free(second);
	free(clean);
}

int
ui_button(struct ui *u, struct ui_rect r, const char *label, enum ui_color bg, int size)
{
	return ui_button_keyed(u, r, label, 0, bg, size);
}

int
ui_button_keyed(struct ui *u, struct ui_rect r, const char *label, uint64_t key, enum ui_color bg,
                int size)
{
	uint64_t since;
	int held =
	    u->down && ui_inside(r, u->press_x, u->press_y) && ui_inside(r, u->cur_x, u->cur_y);
	int pad = ui_px(u, 8);

	ui_fill(u, r, held ? UI_FG : bg);
	if (bg == UI_BG || bg == UI_PANEL || bg == UI_WHITE)
		ui_border(u, r, UI_LINE, ui_px(u, 2) > 0 ? ui_px(u, 2) : 1);
	ui_button_label(u, (struct ui_rect){r.x + pad, r.y, r.w - 2 * pad, r.h}, label, size, 1,
	                held ? UI_WHITE : ui_on(bg));
	if (r.w < u->min_target || r.h < u->min_target)
		ui_fault(u, "button \"%s\" is %dx%d px (under %dx%d)", label, r.w, r.h,
		         u->min_target, u->min_target);
	since = ui_button_since(u, r, label, key);
	if (u->nbuttons < UI_MAX_BUTTONS) {
		u->buttons[u->nbuttons].r = r;
		u->buttons[u->nbuttons].label = xstrdup(label);
		u->buttons[u->nbuttons].since_ms = since;
		u->buttons[u->nbuttons].key = key;
		u->nbuttons++;
	}
	if (u->released && !u->press_looked && u->press_ms < since + UI_SETTLE_MS &&
	    ui_inside(r, u->press_x, u->press_y)) {
		u->released = 0; /* a tap meant for what was here before: ignored */
		return 0;
	}
	return ui_released_in(u, r);
}

/* Flat, dashed and grey, so it never passes for a quiet (panel) button. */
int
ui_button_off(struct ui *u, struct ui_rect r, const char *label, int size)
{
	int t = ui_px(u, 2) > 0 ? ui_px(u, 2) : 1, dash = ui_px(u, 8) > 0 ? ui_px(u, 8) : 4;
	int pad = ui_px(u, 8);

	ui_fill(u, r, UI_BG);
	for (int x = r.x; x < r.x + r.w; x += 2 * dash) {
		int w = x + dash <= r.x + r.w ? dash : r.x + r.w - x;
		ui_fill(u, (struct ui_rect){x, r.y, w, t}, UI_LINE);
		ui_fill(u, (struct ui_rect){x, r.y + r.h - t, w, t}, UI_LINE);
	}
	for (int y = r.y; y < r.y + r.h; y += 2 * dash) {
		int h = y + dash <= r.y + r.h ? dash : r.y + r.h - y;
		ui_fill(u, (struct ui_rect){r.x, y, t, h}, UI_LINE);
		ui_fill(u, (struct ui_rect){r.x + r.w - t, y, t, h}, UI_LINE);
	}
	ui_button_label(u, (struct ui_rect){r.x + pad, r.y, r.w - 2 * pad, r.h}, label, size, 0,
	                UI_DIM);
	if (u->nbuttons < UI_MAX_BUTTONS) {
		u->buttons[u->nbuttons].r = r;
		u->buttons[u->nbuttons].label = xstrdup(label);
		u->buttons[u->nbuttons].since_ms = 0;
		u->buttons[u->nbuttons].key = 0;
		u->nbuttons++;
	}
	return ui_released_in(u, r);
}

int
ui_row(struct ui *u, struct ui_rect r, const char *label, enum ui_color bg)
{
	int held =
	    u->down && ui_inside(r, u->press_x, u->press_y) && ui_inside(r, u->cur_x, u->cur_y);

	ui_fill(u, r, held ? UI_LINE : bg);
	ui_border(u, r, UI_LINE, ui_px(u, 2) > 0 ? ui_px(u, 2) : 1);
	if (r.w < u->min_target || r.h < u->min_target)
		ui_fault(u, "row \"%s\" is %dx%d px (under %dx%d)", label, r.w, r.h, u->min_target,
		         u->min_target);
	if (u->nbuttons < UI_MAX_BUTTONS) {
		u->buttons[u->nbuttons].r = r;
		u->buttons[u->nbuttons].label = xstrdup(label);
		u->nbuttons++;
	}
	return ui_released_in(u, r);
}

int
ui_qr(struct ui *u, struct ui_rect r, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int quiet = 4, n, mod, x0, y0;

	if (q == NULL)
		return -1;
	n = q->width + 2 * quiet;
	mod = (r.w < r.h ? r.w : r.h) / n;
	if (mod < 1)
		mod = 1;
	x0 = r.x + (r.w - mod * n) / 2;
	y0 = r.y + (r.h - mod * n) / 2;
	ui_fill(u, (struct ui_rect){x0, y0, mod * n, mod * n}, UI_WHITE);
	ui_color(u, UI_BLACK);
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			int run = 0;
			while (x + run < q->width && (q->data[y * q->width + x + run] & 1))
				run++;
			if (run > 0) {
				SDL_Rect s = {x0 + (quiet + x) * mod, y0 + (quiet + y) * mod,
				              run * mod, mod};
				SDL_RenderFillRect(u->ren, &s);
				x += run;
			} else {
				x++;
			}
		}
	}
	QRcode_free(q);
	return 0;
}

int
ui_seen(struct ui *u, const char *text)
{
	for (int i = 0; i < u->nseen; i++)
		if (strstr(u->seen[i], text) != NULL)
			return 1;
	return 0;
}

int
ui_button_at(struct ui *u, const char *label, int *x, int *y)
{
	for (int i = 0; i < u->nbuttons; i++) {
		struct ui_rect r = u->buttons[i].r;
		if (strcmp(u->buttons[i].label, label) != 0)
			continue;
		ui_to_window(u, r.x + r.w / 2, r.y + u->top + r.h / 2, x, y);
		return 0;
	}
	return -1;
}

void
ui_check(struct ui *u, int min_target)
{
	u->min_target = min_target;
}

char *
ui_faults(struct ui *u)
{
	struct strbuf b = STRBUF_INIT;

	if (u->nfaults == 0)
		return NULL;
	for (int i = 0; i < u->nfaults; i++) {
		strbuf_puts(&b, "  ");
		strbuf_puts(&b, u->faults[i]);
		strbuf_puts(&b, "\n");
	}
	return strbuf_take(&b);
}

char *
ui_seen_all(struct ui *u)
{
	struct strbuf b = STRBUF_INIT;

	for (int i = 0; i < u->nseen; i++) {
		strbuf_puts(&b, "  ");
		strbuf_puts(&b, u->seen[i]);
		strbuf_puts(&b, "\n");
	}
	return strbuf_take(&b);
}

void
ui_banner(struct ui *u, const char *text, int size)
{
	SDL_Rect rects[512];
	int period = ui_px(u, 28), sw = ui_px(u, 14), n = 0, tw, pad = ui_px(u, 12);
	char *clean;

	if (u->top <= 0)
		return;
	if (period < 2)
		period = 2, sw = 1;
	SDL_RenderSetViewport(u->ren, NULL);
	ui_fill(u, (struct ui_rect){0, 0, u->lw, u->top}, UI_WARN);
	ui_color(u, UI_BLACK);
	/* stripes leaning right: each row's spans one pixel further on */
	for (int y = 0; y < u->top; y++) {
		for (int x = -u->top - period; x < u->lw; x += period) {
			rects[n++] = (SDL_Rect){x + y, y, sw, 1};
			if (n == (int)(sizeof rects / sizeof rects[0])) {
				SDL_RenderFillRects(u->ren, rects, n);
				n = 0;
			}
		}
	}
	if (n > 0)
		SDL_RenderFillRects(u->ren, rects, n);
	clean = ui_clean(text);
	ui_record(u, clean);
	tw = ui_text_width(u, clean, size, 1) + 2 * pad;
	if (tw > u->lw)
		tw = u->lw;
	ui_fill(u, (struct ui_rect){(u->lw - tw) / 2, 0, tw, u->top}, UI_WARN);
	ui_draw_text(u, (struct ui_rect){(u->lw - tw) / 2 + pad, 0, tw - 2 * pad, u->top}, clean,
	             ui_px(u, size), 1, UI_BLACK, UI_CENTER, 0);
	free(clean);
	ui_viewport(u);
}
