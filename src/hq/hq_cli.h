/* hq_cli.h — watctl's commands for HQ's decisions (no ledger; all --db HQ.db):
 *
 *   hq-pending --db HQ.db                       the held bundles, why, how to decide
 *   hq-accept  --db HQ.db ID --reason TEXT      count held bundle ID (a person checked it)
 *   hq-accept  --db HQ.db --event-key KEYID --reason TEXT
 *                                               an event without a charter, by the key id
 *                                               on its close-out sheet; its held bundles
 *                                               are then counted
 *   hq-refuse  --db HQ.db ID --reason TEXT      never count held bundle ID (HQ keeps it)
 *   hq-revoke  --db HQ.db ID --reason TEXT      undo a wrong acceptance: bundle ID's
 *                                               ledger leaves the totals
 *   hq-distrust --db HQ.db EVENT --reason TEXT  a lost charter or stick: the event's
 *                                               bundles held until a person checks
 *                                               their key ids against the paper sheets
 *   hq-log     --db HQ.db                       HQ's decisions, the hash chain checked
 *   hq-csv     --db HQ.db [--city C] [--event TAG]  the stations' figures as CSV (the
 *                                               web inbox's downloads)
 *   hq-staff add --db HQ.db --user NAME [--admin]  a staff account of wat-hq (password on stdin)
 *   hq-pay     --db HQ.db STATEMENT --amount D --method M [--check-no N]
 *                                               a pledge payment that came by mail
 *
 * Each decision is recorded in HQ's hash-chained log (hq.h).  Exit status as
 * bundle_cli.h's. */
#ifndef WAT_HQ_CLI_H
#define WAT_HQ_CLI_H

#include "cli.h"

struct hq;

/* HQ's keys for the chain check: --hq DIR, else $WAT_HQ_DIR, else the
 * published keys (trust_cli_hq_pub_dir).  CLI exit code. */
int hq_cli_keys(struct hq *h, const char *given_dir);

extern const struct cli_cmd_entry hq_cli_merge_entry;
extern const struct cli_cmd_entry hq_cli_report_entry;
extern const struct cli_cmd_entry hq_cli_csv_entry;
extern const struct cli_cmd_entry hq_cli_pending_entry;
extern const struct cli_cmd_entry hq_cli_accept_entry;
extern const struct cli_cmd_entry hq_cli_refuse_entry;
extern const struct cli_cmd_entry hq_cli_revoke_entry;
extern const struct cli_cmd_entry hq_cli_distrust_entry;
extern const struct cli_cmd_entry hq_cli_log_entry;
extern const struct cli_cmd_entry hq_cli_staff_entry;
extern const struct cli_cmd_entry hq_cli_pay_entry;

#endif
