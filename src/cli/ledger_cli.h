/* ledger_cli.h — watctl's commands of the station's ledger (usage: each
 * entry's, printed by `watctl help CMD`). */
#ifndef WAT_LEDGER_CLI_H
#define WAT_LEDGER_CLI_H

#include "cli.h"

extern const struct cli_cmd_entry ledger_cli_init_entry;
extern const struct cli_cmd_entry ledger_cli_roster_entry;
extern const struct cli_cmd_entry ledger_cli_walker_entry;
extern const struct cli_cmd_entry ledger_cli_badge_code_entry;
extern const struct cli_cmd_entry ledger_cli_scan_entry;
extern const struct cli_cmd_entry ledger_cli_checkin_entry;
extern const struct cli_cmd_entry ledger_cli_lap_entry;
extern const struct cli_cmd_entry ledger_cli_donate_entry;
extern const struct cli_cmd_entry ledger_cli_annul_entry;
extern const struct cli_cmd_entry ledger_cli_report_entry;
extern const struct cli_cmd_entry ledger_cli_log_entry;
extern const struct cli_cmd_entry ledger_cli_check_entry;
extern const struct cli_cmd_entry ledger_cli_rebuild_entry;

#endif
