#include "kiosk_script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk_loop.h"
#include "screens.h"
#include "strbuf.h"
#include "util.h"

struct kiosk_script {
	char *path;
	char *data;
	char *next; /* the next line */
	int line;
	/* wait-text: the text awaited, until when, and the command's line */
	char *await;
	int64_t await_until_ms;
	int await_line;
	int tapped, tap_x, tap_y; /* the last tap or press, for tap-again */
};

int
kiosk_script_open(const char *path, struct kiosk_script **out, char **cause)
{
	struct kiosk_script *s = xcalloc(1, sizeof *s);
	size_t len;

	if (util_read_file(path, 1 << 20, &s->data, &len, cause) != 0) {
		free(s);
		return -1;
	}
	s->path = xstrdup(path);
	s->next = s->data;
	*out = s;
	return 0;
}

void
kiosk_script_free(struct kiosk_script *s)
{
	if (s == NULL)
		return;
	free(s->path);
	free(s->data);
	free(s->await);
	free(s);
}

/* ${NAME} → getenv("NAME") ("" when unset). */
static char *
kiosk_script_expand(const char *in)
{
	struct strbuf b = STRBUF_INIT;
	const char *p = in, *end;

	strbuf_puts(&b, "");
	while (*p != '\0') {
		if (p[0] == '$' && p[1] == '{' && (end = strchr(p + 2, '}')) != NULL) {
			char *name = xstrndup(p + 2, (size_t)(end - p - 2));
			const char *v = getenv(name);
			strbuf_puts(&b, v != NULL ? v : "");
			free(name);
			p = end + 1;
			continue;
		}
		strbuf_add(&b, p, 1);
		p++;
	}
	return strbuf_take(&b);
}

static int
kiosk_script_fail(struct kiosk_script *s, struct kiosk *k, char **cause, const char *what,
                  const char *arg)
{
	char *seen = ui_seen_all(k->ui);

	util_fail(cause, "%s:%d: %s \"%s\" (screen %s); the last frame showed:\n%s", s->path,
	          s->line, what, arg, screens[k->screen]->name, seen);
	free(seen);
	return -1;
}

static void
kiosk_script_draw(void *arg)
{
	kiosk_frame(arg);
}

static enum ui_key
kiosk_script_key(const char *name)
{
	if (strcasecmp(name, "Return") == 0 || strcasecmp(name, "Enter") == 0)
		return UI_KEY_RETURN;
	if (strcasecmp(name, "BackSpace") == 0)
		return UI_KEY_BACKSPACE;
	if (strcasecmp(name, "Escape") == 0)
		return UI_KEY_ESCAPE;
	if (strcasecmp(name, "Tab") == 0)
		return UI_KEY_TAB;
	return UI_KEY_NONE;
}

int
kiosk_script_step(struct kiosk_script *s, struct kiosk *k, int64_t *wait_ms, char **cause)
{
	char *line, *cmd, *arg, *nl;
	int rc = 0, x, y;

	*wait_ms = 0;
	if (s->await != NULL) {
		if (!ui_seen(k->ui, s->await) && k->now_ms < s->await_until_ms) {
			*wait_ms = 100; /* look again after the next frames */
			return 0;
		}
		if (!ui_seen(k->ui, s->await)) {
			s->line = s->await_line;
			rc = kiosk_script_fail(s, k, cause,
			                       "the text did not come on the screen:", s->await);
		}
		free(s->await);
		s->await = NULL;
		if (rc != 0)
			return rc;
	}
	/* every frame a script settles on is checked: nothing cut off, nothing too small to touch */
	{
		char *faults = ui_faults(k->ui);
		if (faults != NULL) {
			util_fail(cause, "%s:%d: the screen %s is not laid out for a finger:\n%s",
			          s->path, s->line, screens[k->screen]->name, faults);
			free(faults);
			return -1;
		}
	}
	/* a volunteer's screen speaks of people and actions, never of entry numbers */
	if (!kiosk_coordinator_screen(k)) {
		char *seen = ui_seen_all(k->ui), *p, *eol;
		for (p = seen; (p = strchr(p, '#')) != NULL; p++) {
			if (p[1] < '0' || p[1] > '9')
				continue;
			while (p > seen && p[-1] != '\n')
				p--;
			eol = strchr(p, '\n');
			if (eol != NULL)
				*eol = '\0';
			util_fail(cause,
			          "%s:%d: the volunteer screen %s shows an entry number:\n%s",
			          s->path, s->line, screens[k->screen]->name, p);
			free(seen);
			return -1;
		}
		free(seen);
	}
	for (;;) {
		if (s->next == NULL || *s->next == '\0')
			return 1;
		line = s->next;
		nl = strchr(line, '\n');
		s->next = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		s->line++;
		line[strcspn(line, "\r")] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line != '\0' && *line != '#')
			break;
	}
	line = kiosk_script_expand(line);
	cmd = line;
	arg = cmd + strcspn(cmd, " \t");
	if (*arg != '\0')
		*arg++ = '\0';
	while (*arg == ' ' || *arg == '\t')
		arg++;

	if (strcmp(cmd, "tap") == 0) {
		if (sscanf(arg, "%d %d", &x, &y) != 2)
			rc = kiosk_script_fail(s, k, cause, "tap needs X Y, not", arg);
		else {
			ui_inject_tap(k->ui, x, y);
			s->tapped = 1, s->tap_x = x, s->tap_y = y;
		}
	} else if (strcmp(cmd, "press") == 0) {
		if (ui_button_at(k->ui, arg, &x, &y) != 0)
			rc = kiosk_script_fail(s, k, cause, "no button labelled", arg);
		else {
			ui_inject_tap(k->ui, x, y);
			s->tapped = 1, s->tap_x = x, s->tap_y = y;
		}
	} else if (strcmp(cmd, "tap-again") == 0) {
		/* a finger tapping the same spot again, now: a double tap's second */
		if (!s->tapped)
			rc = kiosk_script_fail(s, k, cause, "tap-again needs a tap or press before",
			                       arg);
		else
			ui_inject_quick_tap(k->ui, s->tap_x, s->tap_y);
	} else if (strcmp(cmd, "type") == 0) {
		ui_inject_text(k->ui, arg);
	} else if (strcmp(cmd, "key") == 0) {
		enum ui_key key = kiosk_script_key(arg);
		if (key == UI_KEY_NONE)
			rc = kiosk_script_fail(s, k, cause, "unknown key", arg);
		else
			ui_inject_key(k->ui, key);
	} else if (strcmp(cmd, "scan") == 0) {
		kiosk_scan(k, arg);
	} else if (strcmp(cmd, "wait") == 0) {
		*wait_ms = strtoll(arg, NULL, 10);
	} else if (strcmp(cmd, "wait-text") == 0) {
		char *text = NULL;
		long long ms = strtoll(arg, &text, 10);
		while (text != NULL && (*text == ' ' || *text == '\t'))
			text++;
		if (ms <= 0 || text == NULL || *text == '\0')
			rc = kiosk_script_fail(s, k, cause, "wait-text needs MS TEXT, not", arg);
		else {
			s->await = xstrdup(text);
			s->await_until_ms = k->now_ms + ms;
			s->await_line = s->line;
		}
	} else if (strcmp(cmd, "screenshot") == 0) {
		char *why = NULL;
		if (ui_screenshot(k->ui, arg, kiosk_script_draw, k, &why) != 0) {
			rc = kiosk_script_fail(s, k, cause, why, arg);
			free(why);
		}
	} else if (strcmp(cmd, "expect-text") == 0) {
		if (!ui_seen(k->ui, arg))
			rc =
			    kiosk_script_fail(s, k, cause, "expected text not on the screen:", arg);
	} else if (strcmp(cmd, "expect-no-text") == 0) {
		if (ui_seen(k->ui, arg))
			rc = kiosk_script_fail(s, k, cause, "unexpected text on the screen:", arg);
	} else if (strcmp(cmd, "expect-screen") == 0) {
		if (strcmp(screens[k->screen]->name, arg) != 0)
			rc = kiosk_script_fail(s, k, cause, "expected the screen", arg);
	} else if (strcmp(cmd, "min-target") == 0) {
		ui_check(k->ui, atoi(arg));
	} else if (strcmp(cmd, "rotate") == 0) {
		ui_set_rotation(k->ui, atoi(arg));
	} else if (strcmp(cmd, "display-screenshot") == 0) {
		/* the walkers' display on the second window (--display2) */
		char *why = NULL;
		if (k->display == NULL)
			rc = kiosk_script_fail(s, k, cause, "no second window (--display2) for",
			                       arg);
		else if (ui_screenshot(k->display, arg, kiosk_display_draw, k, &why) != 0) {
			rc = kiosk_script_fail(s, k, cause, why, arg);
			free(why);
		}
	} else if (strcmp(cmd, "idle") == 0) {
		/* as if nobody had touched the screen for a long while (script mode
		 * has no idle timeouts of its own) */
		k->idle_forced = 1;
		k->active_ms = k->now_ms - 3600 * 1000;
		ui_invalidate(k->ui);
	} else if (strcmp(cmd, "quit") == 0) {
		rc = 1;
	} else {
		rc = kiosk_script_fail(s, k, cause, "unknown command", cmd);
	}
	free(line);
	return rc;
}
