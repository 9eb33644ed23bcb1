/* libFuzzer target for csv.c: the reader never reads out of bounds or loops,
 * and every record it accepts survives a write with csv_field and a re-read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "strbuf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_csv_round_trip(const struct csv_record *rec)
{
	struct strbuf b = STRBUF_INIT;
	struct csv_reader *r;
	struct csv_record back;
	size_t i;
	char *f;

	strbuf_puts(&b, "first\r\n"); /* so a field never sits where a BOM is skipped */
	for (i = 0; i < rec->nfields; i++) {
		f = csv_field(rec->fields[i], 0);
		strbuf_printf(&b, "%s%s", i > 0 ? "," : "", f);
		free(f);
	}
	strbuf_puts(&b, "\r\n");
	r = csv_reader_new(b.s, b.len);
	if (csv_next(r, &back, NULL) != 1 || csv_next(r, &back, NULL) != 1)
		abort();
	if (back.nfields != rec->nfields)
		abort();
	for (i = 0; i < rec->nfields; i++) {
		if (strcmp(back.fields[i], rec->fields[i]) != 0)
			abort();
	}
	if (csv_next(r, &back, NULL) != 0)
		abort();
	csv_reader_free(r);
	strbuf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader *r;
	struct csv_record rec;
	char *cause = NULL, *f;
	size_t i, last = 0;
	int rc;

	r = csv_reader_new((const char *)data, size);
	while ((rc = csv_next(r, &rec, &cause)) != 0) {
		if (rc < 0) {
			if (cause == NULL || strncmp(cause, "Line ", 5) != 0)
				abort();
			free(cause);
			cause = NULL;
			continue;
		}
		if (rec.line <= last || rec.nfields == 0 || rec.nfields > CSV_MAX_FIELDS)
			abort();
		last = rec.line;
		for (i = 0; i < rec.nfields; i++) {
			if (strlen(rec.fields[i]) > CSV_MAX_FIELD)
				abort();
			f = csv_field(rec.fields[i], 1);
			free(f);
		}
		fuzz_csv_round_trip(&rec);
	}
	csv_reader_free(r);
	return 0;
}
