/* bundle_cli.h — watctl's close-out, export and verify commands (HQ's merge
 * and hq-report are in hq_cli.h).
 *
 * The commands export, verify, close, close-sheet, reopen,
 * pubkey and event-pack; their usage is in their entries (`watctl help
 * export`).  Results go to stdout, messages to stderr.  The station's key
 * folder defaults to "<db>.keys" and the second copy of each export to
 * "<db>.exports". */
#ifndef WAT_BUNDLE_CLI_H
#define WAT_BUNDLE_CLI_H

#include <stddef.h>

#include "age.h"
#include "cli.h"

/* HQ's opening keys from --hq DIR (given), else $WAT_HQ_DIR; *n 0 when
 * neither.  0, or a CLI exit code after saying what is wrong. */
int bundle_cli_hq_keys(const char *given, struct age_identity ids[2 * AGE_MAX_IDS], size_t *n);

extern const struct cli_cmd_entry bundle_cli_export_entry;
extern const struct cli_cmd_entry bundle_cli_verify_entry;
extern const struct cli_cmd_entry bundle_cli_close_entry;
extern const struct cli_cmd_entry bundle_cli_close_sheet_entry;
extern const struct cli_cmd_entry bundle_cli_reopen_entry;
extern const struct cli_cmd_entry bundle_cli_pubkey_entry;
extern const struct cli_cmd_entry bundle_cli_event_pack_entry;

#endif
