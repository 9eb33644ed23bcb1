/* pin_cli.h — `watctl pin set`, and the coordinator PIN as watctl's commands
 * take it (init sets the first one). */
#ifndef WAT_PIN_CLI_H
#define WAT_PIN_CLI_H

#include <stddef.h>

#include "cli.h"

extern const struct cli_cmd_entry pin_cli_pin_entry;

/* A PIN (or code) from the first line of file, or typed on the terminal
 * without echo (twice when confirm).  0; CLI_USAGE after a sentence; -1
 * when there is no file and no terminal (the caller says what to give). */
int pin_cli_secret(const char *file, const char *prompt, int confirm, char *out, size_t len);
/* Sets the station's PIN (old: the current one, or code: the recovery
 * code) and says the new recovery code once.  The exit status. */
int pin_cli_store(struct cli_cmd_ctx *c, const char *pin, const char *old, const char *code);

#endif
