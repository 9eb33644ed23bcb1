/* bundle_cli.h — watctl's close-out, export, verify and HQ commands.
 *
 * Each takes the station's ledger (NULL for the commands that need none), the
 * arguments after the command name, and returns watctl's exit status: 0 done,
 * 1 refused or invalid (the message says why), 2 bad usage or input.
 * Results go to stdout, messages to stderr.
 *
 *   export --out DIR | --usb [--keys DIR] [--copy DIR | --no-copy]   (ledger)
 *   verify BUNDLE.zip [--pubkey FILE]                           (no ledger)
 *   merge --db HQ.db BUNDLE.zip...                              (no ledger)
 *   hq-report --db HQ.db                                        (no ledger)
 *   close --cash AMOUNT | --count 20x5,10x3,...  --counter A --counter B
 *         [--checks N] [--check-total AMOUNT] [--note TEXT]     (ledger)
 *         [--sheet FILE.pdf] [--print [--printer QUEUE]] [--paper letter|a4|80mm|58mm]
 *         [--assets DIR] [--spool DIR] [--deadline SECONDS]
 *   close-sheet [SEQ] --out FILE.pdf | --print [...as close]     (ledger)
 *         the sheet of the last close-out in force (or of entry SEQ), again
 *   reopen --reason TEXT                                        (ledger)
 *   pubkey [--keys DIR]                                         (ledger or --keys)
 *   event-pack export FILE | import FILE --station ID [--walker-base N]  (ledger)
 *
 * The station's key folder defaults to "<db>.keys" and the second copy of
 * each export to "<db>.exports", from the path given to bundle_cli_setup. */
#ifndef WAT_BUNDLE_CLI_H
#define WAT_BUNDLE_CLI_H

struct ledger;

/* The ledger's path (for the default key and copy folders) and the operator
 * recorded in entries.  Call before the commands; both are borrowed. */
void bundle_cli_setup(const char *db_path, const char *op);

int bundle_cli_export(struct ledger *l, int argc, char **argv);
int bundle_cli_verify(struct ledger *l, int argc, char **argv);
int bundle_cli_merge(struct ledger *l, int argc, char **argv);
int bundle_cli_hq_report(struct ledger *l, int argc, char **argv);
int bundle_cli_close(struct ledger *l, int argc, char **argv);
int bundle_cli_close_sheet(struct ledger *l, int argc, char **argv);
int bundle_cli_reopen(struct ledger *l, int argc, char **argv);
int bundle_cli_pubkey(struct ledger *l, int argc, char **argv);
int bundle_cli_event_pack(struct ledger *l, int argc, char **argv);

#endif
