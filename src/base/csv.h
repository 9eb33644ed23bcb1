/* csv.h — RFC 4180 reading and Excel-safe writing.  Pure C.
 *
 * The reader accepts quotes with embedded commas, quotes ("") and newlines,
 * CRLF or LF line ends, a UTF-8 byte order mark, and a last line without a
 * line end.  It reports errors by the physical line they are on. */
#ifndef WAT_CSV_H
#define WAT_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 256
#define CSV_MAX_FIELD  4096 /* bytes in one field */

struct csv_reader;

struct csv_record {
	size_t line;       /* physical line (1-based) the record starts on */
	size_t start, end; /* its bytes in the data (also after -1), line end included */
	size_t nfields;
	char **fields; /* borrowed: NUL-terminated, valid until the next csv_next */
};

/* Borrows data (len bytes, need not be NUL-terminated) for the reader's life. */
struct csv_reader *csv_reader_new(const char *data, size_t len);
void csv_reader_free(struct csv_reader *r);

/* Returns 1 with a record, 0 at the end, -1 on malformed input with *cause
 * naming the line ("Line 7: a quoted field is never closed.").  After -1
 * the reader goes on with the next record, so a caller can list every
 * problem. */
int csv_next(struct csv_reader *r, struct csv_record *rec, char **cause);

/* Returns a malloc'd field ready to write: quoted when it holds a comma,
 * quote, CR or LF; when excel_safe, a field that begins with '=', '+', '-',
 * '@', TAB or CR gets a leading apostrophe so a spreadsheet shows it as text. */
char *csv_field(const char *value, int excel_safe);

#endif
