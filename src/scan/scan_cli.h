/* scan_cli.h — `watctl decode IMAGE...`: the QR payloads in picture files.
 *
 * One line per picture on stdout: the name as given, a TAB, and every QR
 * payload joined by '|', with backslash, newline, CR, TAB and '|' inside a
 * payload written \\ \n \r \t \|, NUL as \x00, and every other control
 * character or bidi override as text_escape writes it (\x1b, \u202e).  A
 * picture that cannot be loaded gets a message on stderr and no line.  Returns the exit status: 0 when every
 * picture was read (codes found or not), 2 when one could not be loaded,
 * 1 on a usage error. */
#ifndef WAT_SCAN_CLI_H
#define WAT_SCAN_CLI_H

#include <stddef.h>

#include "cli.h"

struct strbuf;

extern const struct cli_cmd_entry scan_cli_decode_entry;

/* Appends payload in the escaped form above. */
void scan_cli_escape(struct strbuf *b, const char *payload, size_t len);

#endif
