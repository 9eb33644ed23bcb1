/* strbuf.h — a growable string, and JSON string escaping for the entries,
 * manifests and reports we write.  Pure C. */
#ifndef WAT_STRBUF_H
#define WAT_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void strbuf_add(struct strbuf *b, const char *s, size_t len);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included ("\u0001" style for controls). */
void strbuf_json(struct strbuf *b, const char *s);
/* Gives the string to the caller (never NULL; "" when empty) and resets b. */
char *strbuf_take(struct strbuf *b);
void strbuf_free(struct strbuf *b);

#endif
