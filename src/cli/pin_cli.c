/* pin_cli.c — `watctl pin set`, and the PIN as every command takes it
 * (see pin_cli.h). */
#include "pin_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pin.h"
#include "text.h"
#include "util.h"

int
pin_cli_secret(const char *file, const char *prompt, int confirm, char *out, size_t len)
{
	char *data = NULL, *cause = NULL, again[64];
	size_t n = 0;
	struct termios old, quiet;
	int rc = CLI_USAGE, tty;

	if (file != NULL) {
		if (util_read_file(file, 4096, &data, &n, &cause) != 0)
			return cli_cause(CLI_USAGE, cause);
		data[strcspn(data, "\r\n")] = '\0';
		snprintf(out, len, "%s", text_trim(data));
		util_wipe(data, n);
		free(data);
		return 0;
	}
	if (!isatty(STDIN_FILENO))
		return -1; /* the caller says what to give instead */
	tty = tcgetattr(STDIN_FILENO, &old) == 0;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	for (int i = 0; i < (confirm ? 2 : 1); i++) {
		char *buf = i == 0 ? out : again;
		size_t size = i == 0 ? len : sizeof again;

		fprintf(stderr, "%s", i == 0 ? prompt : "Type it again: ");
		if (tty)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		if (fgets(buf, (int)size, stdin) == NULL)
			buf[0] = '\0';
		if (tty)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
		buf[strcspn(buf, "\r\n")] = '\0';
	}
	if (confirm && strcmp(out, again) != 0)
		cli_fail(CLI_USAGE, "The two PINs were different: nothing was changed.");
	else
		rc = 0;
	util_wipe(again, sizeof again);
	return rc;
}

int
pin_cli_store(struct cli_cmd_ctx *c, const char *pin, const char *old, const char *code)
{
	struct pin_throttle t;
	char *path = pin_path(c->db), *cause = NULL, fresh[PIN_CODE_MAX];
	int64_t wait_ms = 0;
	int rc;

	memset(&t, 0, sizeof t);
	rc = pin_set(c->l, path, &t, pin, old, code, fresh, &wait_ms, &cause);
	free(path);
	if (rc != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("The coordinator PIN is set.\n");
	if (fresh[0] != '\0')
		printf(
		    "Recovery code (write it down and keep it apart from the station; it is shown "
		    "only now):\n\n    %s\n\nWith it a forgotten PIN can be replaced (kiosk: "
		    "Coordinator, Forgot the PIN?).\n",
		    fresh);
	util_wipe(fresh, sizeof fresh);
	return CLI_OK;
}

/* pin set: a new PIN, with the current one or the recovery code. */
static enum cli_ret
pin_cli_pin(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char pin[64] = "", old[64] = "", *path = NULL;
	const char *code;
	int rc;

	code = cli_val(a, "recovery");
	if (a->npos != 1 || strcmp(a->pos[0], "set") != 0 ||
	    (code != NULL && cli_val(a, "old-pin-file") != NULL))
		return cli_usage(c);
	path = pin_path(c->db);
	if (code == NULL && pin_is_set(path)) {
		rc = pin_cli_secret(cli_val(a, "old-pin-file"), "The current PIN: ", 0, old,
		                    sizeof old);
		if (rc < 0)
			rc = cli_fail(CLI_USAGE,
			              "Give the current PIN (--old-pin-file FILE, or type "
			              "it on a terminal) or --recovery CODE.");
		if (rc != 0)
			goto end;
	}
	rc = pin_cli_secret(cli_val(a, "pin-file"), "The new PIN (6 to 8 digits): ", 1, pin,
	                    sizeof pin);
	if (rc < 0)
		rc = cli_fail(CLI_USAGE, "Give the new PIN: --pin-file FILE, or type it on a "
		                         "terminal.");
	if (rc == 0)
		rc = pin_cli_store(c, pin, old, code);
end:
	free(path);
	util_wipe(pin, sizeof pin);
	util_wipe(old, sizeof old);
	return rc;
}

const struct cli_cmd_entry pin_cli_pin_entry = {
    .name = "pin",
    .usage = "set [--pin-file NEW] [--old-pin-file FILE | --recovery CODE]",
    .about = "a new coordinator PIN",
    .opts = CLI_OPTS(CLI_VALUE("pin-file"), CLI_VALUE("old-pin-file"), CLI_VALUE("recovery")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = pin_cli_pin,
};
