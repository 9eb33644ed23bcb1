/* age_cli.h — watctl's commands for HQ's keys.
 *
 *   hq-init --dir DIR     HQ's signing key (DIR/hq.key, hq.pub: minisign),
 *                         its sealing key (DIR/hq-seal.key, hq-seal.pub: age)
 *                         and the offline backup sealing key (hq-backup.*).
 *                         An existing key is kept, never overwritten. */
#ifndef WAT_AGE_CLI_H
#define WAT_AGE_CLI_H

#include "cli.h"

extern const struct cli_cmd_entry age_cli_hq_init_entry;

#endif
