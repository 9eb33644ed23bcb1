/* sync_cli.h — `watctl sync` (docs/SYNC.md): exchanges entries with other
 * stations of the event, against the ledger file when no kiosk runs.
 *
 *   sync --peer ADDR:PORT [--peer ...]   call each station once
 *   sync --listen ADDR:PORT [--once]     answer stations (until stopped)
 *   sync --status [--walker ID]          the peers held: entries, freshness, clock;
 *                                        the figures over the whole event (one
 *                                        fold per ledger, summed), a walker's too
 *
 * Options: --keys DIR (default <db>.keys), --budget-mb N (peers' entries,
 * default 64), --timeout S (per read or write, default 10).  Exit status:
 * 0 every exchange done, 1 one refused or failed (the message says why),
 * 2 bad usage. */
#ifndef WAT_SYNC_CLI_H
#define WAT_SYNC_CLI_H

#include "cli.h"

extern const struct cli_cmd_entry sync_cli_sync_entry;

#endif
