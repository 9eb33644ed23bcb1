/* event_cli.h — watctl's commands over the whole event (station sync,
 * docs/SYNC.md): conflicts between stations in words, links, review
 * requests. */
#ifndef WAT_EVENT_CLI_H
#define WAT_EVENT_CLI_H

#include "cli.h"

extern const struct cli_cmd_entry event_cli_conflicts_entry;
extern const struct cli_cmd_entry event_cli_link_entry;
extern const struct cli_cmd_entry event_cli_review_entry;

#endif
