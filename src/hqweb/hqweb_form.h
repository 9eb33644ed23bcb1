/* hqweb_form.h — the parsers of what arrives from outside over HTTP that
 * are ours (libmicrohttpd parses the request and the multipart body):
 * uploaded file names, upload codes, urlencoded fields, cookies; and HTML
 * escaping for everything a page shows.  Pure C, fuzzed
 * (tests/fuzz/fuzz_hqweb_form.c). */
#ifndef WAT_HQWEB_FORM_H
#define WAT_HQWEB_FORM_H

#include <stddef.h>

#include "strbuf.h"

#define HQWEB_FORM_NAME_MAX 120

/* A file name as a browser sent it (maybe a Windows path), made safe to
 * create in a folder: its last path part, letters, digits, '.', '-', '_'
 * kept, anything else '_', no leading dot, at most HQWEB_FORM_NAME_MAX.
 * -1 when nothing usable is left. */
int hqweb_form_filename(const char *in, size_t len, char out[HQWEB_FORM_NAME_MAX + 1]);

/* An upload code as typed: letters upper-cased, spaces and dashes dropped
 * (charters print "K7Q-22XM"; people type "k7q 22xm").  out has room for
 * cap bytes; -1 when it does not fit or holds other characters. */
int hqweb_form_code(const char *in, size_t len, char *out, size_t cap);

/* The value of field name in an application/x-www-form-urlencoded body or
 * query (len bytes, not NUL-terminated), decoded, malloc'd; NULL absent or
 * malformed (a bad %-escape, a NUL). */
char *hqweb_form_field(const char *body, size_t len, const char *name);

/* The value of cookie name in a Cookie header, malloc'd; NULL absent. */
char *hqweb_form_cookie(const char *header, const char *name);

/* Appends s HTML-escaped (& < > " '), control characters dropped but tab
 * and newline. */
void hqweb_form_html(struct strbuf *b, const char *s);

#endif
