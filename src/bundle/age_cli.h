/* age_cli.h — watctl's commands for HQ's keys.
 *
 *   hq-init --dir DIR     HQ's signing key (DIR/hq.key, hq.pub: minisign),
 *                         its sealing key (DIR/hq-seal.key, hq-seal.pub: age)
 *                         and the offline backup sealing key (hq-backup.*).
 *                         An existing key is kept, never overwritten.
 *
 * Same conventions as bundle_cli.h: the ledger is unused (NULL), the
 * arguments after the command name, watctl's exit status. */
#ifndef WAT_AGE_CLI_H
#define WAT_AGE_CLI_H

struct ledger;

int age_cli_hq_init(struct ledger *l, int argc, char **argv);

#endif
