/* setting_cli.h — `watctl set KEY VALUE` (`set --help`: the keys) and
 * `watctl settings [--markdown]`. */
#ifndef WAT_SETTING_CLI_H
#define WAT_SETTING_CLI_H

#include "cli.h"

extern const struct cli_cmd_entry setting_cli_set_entry;
extern const struct cli_cmd_entry setting_cli_settings_entry;

#endif
