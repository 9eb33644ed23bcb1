/* send_cli.h — watctl send: the station's last export posted to HQ's inbox
 * and HQ's answer recorded in the ledger (send.h), as the kiosk's "Send to
 * HQ" does through wat-send. */
#ifndef WAT_SEND_CLI_H
#define WAT_SEND_CLI_H

#include "cli.h"

extern const struct cli_cmd_entry send_cli_send_entry;

#endif
