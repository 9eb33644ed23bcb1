/* bundle_cli.h — watctl's close-out, export, verify and HQ commands.
 *
 * The commands export, verify, merge, hq-report, close, close-sheet, reopen,
 * pubkey and event-pack; their usage is in their entries (`watctl help
 * export`).  Results go to stdout, messages to stderr.  The station's key
 * folder defaults to "<db>.keys" and the second copy of each export to
 * "<db>.exports". */
#ifndef WAT_BUNDLE_CLI_H
#define WAT_BUNDLE_CLI_H

#include "cli.h"

extern const struct cli_cmd_entry bundle_cli_export_entry;
extern const struct cli_cmd_entry bundle_cli_verify_entry;
extern const struct cli_cmd_entry bundle_cli_merge_entry;
extern const struct cli_cmd_entry bundle_cli_hq_report_entry;
extern const struct cli_cmd_entry bundle_cli_close_entry;
extern const struct cli_cmd_entry bundle_cli_close_sheet_entry;
extern const struct cli_cmd_entry bundle_cli_reopen_entry;
extern const struct cli_cmd_entry bundle_cli_pubkey_entry;
extern const struct cli_cmd_entry bundle_cli_event_pack_entry;

#endif
