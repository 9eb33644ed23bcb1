#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void
strbuf_grow(struct strbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	while (b->len + more + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 64;
	b->s = xrealloc(b->s, b->cap);
}

void
strbuf_add(struct strbuf *b, const char *s, size_t len)
{
	strbuf_grow(b, len);
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void
strbuf_puts(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void
strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	strbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
strbuf_json(struct strbuf *b, const char *s)
{
	const unsigned char *p;

	strbuf_add(b, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"': strbuf_add(b, "\\\"", 2); break;
		case '\\': strbuf_add(b, "\\\\", 2); break;
		case '\n': strbuf_add(b, "\\n", 2); break;
		case '\r': strbuf_add(b, "\\r", 2); break;
		case '\t': strbuf_add(b, "\\t", 2); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				strbuf_printf(b, "\\u%04x", *p);
			else
				strbuf_add(b, (const char *)p, 1);
		}
	}
	strbuf_add(b, "\"", 1);
}

char *
strbuf_take(struct strbuf *b)
{
	char *s = b->s != NULL ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
