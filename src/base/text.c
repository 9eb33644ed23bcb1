#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"

/* What a Latin letter folds to; code points outside every range are kept. */
struct text_fold_range {
	uint32_t lo, hi;
	const char *to;
};

static const struct text_fold_range text_fold_ranges[] = {
    /* Latin-1 Supplement */
    {0x00c0, 0x00c5, "a"},
    {0x00c6, 0x00c6, "ae"},
    {0x00c7, 0x00c7, "c"},
    {0x00c8, 0x00cb, "e"},
    {0x00cc, 0x00cf, "i"},
    {0x00d0, 0x00d0, "d"},
    {0x00d1, 0x00d1, "n"},
    {0x00d2, 0x00d6, "o"},
    {0x00d8, 0x00d8, "o"},
    {0x00d9, 0x00dc, "u"},
    {0x00dd, 0x00dd, "y"},
    {0x00de, 0x00de, "th"},
    {0x00df, 0x00df, "ss"},
    {0x00e0, 0x00e5, "a"},
    {0x00e6, 0x00e6, "ae"},
    {0x00e7, 0x00e7, "c"},
    {0x00e8, 0x00eb, "e"},
    {0x00ec, 0x00ef, "i"},
    {0x00f0, 0x00f0, "d"},
    {0x00f1, 0x00f1, "n"},
    {0x00f2, 0x00f6, "o"},
    {0x00f8, 0x00f8, "o"},
    {0x00f9, 0x00fc, "u"},
    {0x00fd, 0x00fd, "y"},
    {0x00fe, 0x00fe, "th"},
    {0x00ff, 0x00ff, "y"},
    /* Latin Extended-A */
    {0x0100, 0x0105, "a"},
    {0x0106, 0x010d, "c"},
    {0x010e, 0x0111, "d"},
    {0x0112, 0x011b, "e"},
    {0x011c, 0x0123, "g"},
    {0x0124, 0x0127, "h"},
    {0x0128, 0x0131, "i"},
    {0x0132, 0x0133, "ij"},
    {0x0134, 0x0135, "j"},
    {0x0136, 0x0138, "k"},
    {0x0139, 0x0142, "l"},
    {0x0143, 0x014b, "n"},
    {0x014c, 0x0151, "o"},
    {0x0152, 0x0153, "oe"},
    {0x0154, 0x0159, "r"},
    {0x015a, 0x0161, "s"},
    {0x0162, 0x0167, "t"},
    {0x0168, 0x0173, "u"},
    {0x0174, 0x0175, "w"},
    {0x0176, 0x0178, "y"},
    {0x0179, 0x017e, "z"},
    {0x017f, 0x017f, "s"},
    /* Latin Extended-B, the letters of Romanian and Vietnamese names */
    {0x0218, 0x0219, "s"},
    {0x021a, 0x021b, "t"},
    {0x01a0, 0x01a1, "o"},
    {0x01af, 0x01b0, "u"},
};

/* Decodes one well-formed UTF-8 sequence; returns its length, 0 when invalid. */
static size_t
text_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0; /* continuation byte, 0xc0/0xc1 overlongs, 0xf5.. */
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000))
		return 0; /* overlong */
	if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

static void
text_encode(struct strbuf *b, uint32_t c)
{
	char out[4];
	size_t n;

	if (c < 0x80) {
		out[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		out[0] = (char)(0xf0 | (c >> 18));
		out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	strbuf_add(b, out, n);
}

int
text_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	while (len > 0) {
		if ((n = text_decode(p, len, &cp)) == 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

static int
text_is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	       c == 0xa0 || c == 0x2007 || c == 0x202f || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x3000;
}

/* Simple case mappings for Greek and Cyrillic capitals, so a search typed in
 * lower case finds them; anything else is kept as it is. */
static uint32_t
text_lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0x0391 && c <= 0x03ab && c != 0x03a2)
		return c + 32; /* Greek */
	if (c >= 0x0410 && c <= 0x042f)
		return c + 32; /* Cyrillic А..Я */
	if (c >= 0x0400 && c <= 0x040f)
		return c + 80; /* Cyrillic Ѐ..Џ */
	return c;
}

char *
text_fold(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n, i;
	uint32_t c;
	int space = 0;
	const char *to;

	while (len > 0) {
		if ((n = text_decode(p, len, &c)) == 0) {
			p++;
			len--;
			continue;
		}
		p += n;
		len -= n;
		if (text_is_space(c)) {
			space = 1;
			continue;
		}
		if (c >= 0x0300 && c <= 0x036f)
			continue; /* combining accents of decomposed text */
		if (c < 0x20 || c == 0x7f)
			continue;
		if (space && b.len > 0)
			strbuf_add(&b, " ", 1);
		space = 0;
		to = NULL;
		for (i = 0; c >= 0xc0 && i < nitems(text_fold_ranges); i++) {
			if (c >= text_fold_ranges[i].lo && c <= text_fold_ranges[i].hi) {
				to = text_fold_ranges[i].to;
				break;
			}
		}
		if (to != NULL)
			strbuf_puts(&b, to);
		else
			text_encode(&b, text_lower(c));
	}
	return strbuf_take(&b);
}

int
text_contains(const char *hay_folded, const char *needle_folded)
{
	return strstr(hay_folded, needle_folded) != NULL;
}

static int
text_trim_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *
text_trim(char *s)
{
	size_t start = 0, end = strlen(s);

	while (start < end && text_trim_char(s[start]))
		start++;
	while (end > start && text_trim_char(s[end - 1]))
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

size_t
text_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

int
text_is_control(unsigned long c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

int
text_check(const char *s, const char *label, char **cause)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n;
	uint32_t c;

	while (len > 0) {
		if ((n = text_decode(p, len, &c)) == 0)
			return util_fail(cause, "The %s is not valid text (it is not UTF-8).",
			                 label);
		if (text_is_control(c))
			return util_fail(cause,
			                 "The %s holds an invisible control character (U+%04X): "
			                 "remove it.",
			                 label, (unsigned)c);
		p += n;
		len -= n;
	}
	return 0;
}

char *
text_escape(const char *s, int flags)
{
	struct strbuf b = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n;
	uint32_t c;

	while (len > 0) {
		if ((n = text_decode(p, len, &c)) == 0) {
			strbuf_printf(&b, "\\x%02x", *p);
			n = 1;
		} else if ((flags & TEXT_KEEP_LINES) && (c == '\n' || c == '\t'))
			strbuf_add(&b, (const char *)p, n);
		else if (text_is_control(c))
			strbuf_printf(&b, c < 0x80 ? "\\x%02x" : "\\u%04x", (unsigned)c);
		else
			strbuf_add(&b, (const char *)p, n);
		p += n;
		len -= n;
	}
	return strbuf_take(&b);
}

/* Bytes of the UTF-8 character that starts at s (1 for a stray byte). */
static size_t
text_char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1, i;

	for (i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

void
text_short_name(const char *name, char *buf, size_t len)
{
	const char *first, *first_end, *last = NULL, *p;
	size_t n;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (name == NULL)
		return;
	first = name + strspn(name, " ");
	first_end = first + strcspn(first, " ");
	for (p = first_end; *p != '\0'; p++)
		if (*p != ' ' && p[-1] == ' ')
			last = p;
	n = (size_t)(first_end - first);
	/* never cut inside a character */
	while (n >= len) {
		do
			n--;
		while (n > 0 && ((unsigned char)first[n] & 0xc0) == 0x80);
	}
	memcpy(buf, first, n);
	buf[n] = '\0';
	if (last != NULL && n + 1 + text_char_len(last) + 1 < len) {
		buf[n++] = ' ';
		memcpy(buf + n, last, text_char_len(last));
		n += text_char_len(last);
		buf[n++] = '.';
		buf[n] = '\0';
	}
}
