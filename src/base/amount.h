/* amount.h — money as integer cents: parsing what a volunteer types, and
 * formatting for screens, CSVs and receipts.  Pure C. */
#ifndef WAT_AMOUNT_H
#define WAT_AMOUNT_H

#include <stddef.h>
#include <stdint.h>

#define AMOUNT_DEFAULT_MAX_CENTS 1000000 /* $10,000.00 */

/* Parses "25", "25.5", "25.50", "$1,025.00" (optional surrounding spaces, an
 * optional leading '$', comma thousands groups of exactly three digits, at
 * most two decimals) into cents > 0 and <= max_cents.  Rejects "-5", "abc",
 * "1e9", "25.555", "10,5", "0".  Returns 0, or -1 with a plain sentence in
 * *cause saying what is wrong.  max_cents <= 0 means AMOUNT_DEFAULT_MAX_CENTS. */
int amount_parse(const char *text, int64_t max_cents, int64_t *cents, char **cause);

/* "$1,025.00" (negative as "-$5.00"); returns buf. len >= 32 is always enough. */
char *amount_format(int64_t cents, char *buf, size_t len);

/* "1025.00": the plain decimal used in CSV files and JSON; returns buf. */
char *amount_format_plain(int64_t cents, char *buf, size_t len);

/* "One thousand twenty-five dollars and 00/100", as on a check; malloc'd. */
char *amount_words(int64_t cents);

#endif
