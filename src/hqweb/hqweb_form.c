/* hqweb_form.c — parsers of outside HTTP data, and HTML escaping (see
 * hqweb_form.h). */
#include "hqweb_form.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int
hqweb_form_filename(const char *in, size_t len, char out[HQWEB_FORM_NAME_MAX + 1])
{
	size_t i, start = 0, n = 0;

	for (i = 0; i < len; i++)
		if (in[i] == '/' || in[i] == '\\')
			start = i + 1;
	for (i = start; i < len && n < HQWEB_FORM_NAME_MAX; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\0')
			break;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (c == '.' && n > 0))
			out[n++] = (char)c;
		else
			out[n++] = '_';
	}
	out[n] = '\0';
	/* no letter or digit left: no name */
	for (i = 0; i < n; i++)
		if ((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= 'A' && out[i] <= 'Z') ||
		    (out[i] >= '0' && out[i] <= '9'))
			return 0;
	return -1;
}

int
hqweb_form_code(const char *in, size_t len, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == ' ' || c == '-' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return -1;
		if (n + 1 >= cap)
			return -1;
		out[n++] = (char)c;
	}
	if (cap == 0)
		return -1;
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

static int
hqweb_form_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes len bytes of a urlencoded value; NULL when malformed. */
static char *
hqweb_form_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				goto bad;
			hi = hqweb_form_hex(s[i + 1]);
			lo = hqweb_form_hex(s[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0')
			goto bad;
		out[n++] = c;
	}
	out[n] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

char *
hqweb_form_field(const char *body, size_t len, const char *name)
{
	size_t nl = strlen(name), i = 0;

	while (i < len) {
		size_t j = i, eq;
		while (j < len && body[j] != '&')
			j++;
		for (eq = i; eq < j && body[eq] != '='; eq++)
			;
		if (eq - i == nl && memcmp(body + i, name, nl) == 0)
			return hqweb_form_decode(body + (eq < j ? eq + 1 : j),
			                         eq < j ? j - eq - 1 : 0);
		i = j + 1;
	}
	return NULL;
}

char *
hqweb_form_cookie(const char *header, const char *name)
{
	size_t nl = strlen(name);
	const char *p = header;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ';'), *eq;
		size_t plen;
		while (*p == ' ' || *p == '\t')
			p++;
		plen = end != NULL ? (size_t)(end - p) : strlen(p);
		eq = memchr(p, '=', plen);
		if (eq != NULL && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0) {
			const char *v = eq + 1;
			size_t vl = plen - nl - 1;
			while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			return xstrndup(v, vl);
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return NULL;
}

void
hqweb_form_html(struct strbuf *b, const char *s)
{
	const char *p;

	for (p = s; p != NULL && *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		switch (c) {
		case '&': strbuf_puts(b, "&amp;"); break;
		case '<': strbuf_puts(b, "&lt;"); break;
		case '>': strbuf_puts(b, "&gt;"); break;
		case '"': strbuf_puts(b, "&quot;"); break;
		case '\'': strbuf_puts(b, "&#39;"); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n')
				break;
			if (c == 0x7f)
				break;
			strbuf_add(b, (const char *)p, 1);
		}
	}
}
