/* pledge_cli.h — `watctl pledge`: sponsors' pledges (usage: the entry's,
 * printed by `watctl help pledge`). */
#ifndef WAT_PLEDGE_CLI_H
#define WAT_PLEDGE_CLI_H

#include "cli.h"

extern const struct cli_cmd_entry pledge_cli_pledge_entry;

#endif
