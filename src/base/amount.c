#include "amount.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text.h"
#include "util.h"

#define AMOUNT_QUOTE_MAX  40 /* bytes of the typed text repeated in a message */
#define AMOUNT_DIGITS_LEN 28 /* "92,233,720,368,547,758.08" and its NUL fit */

static int
amount_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
amount_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The text as typed, for messages: cut short on a character boundary when it
 * is long, with control characters (and every non-ASCII byte, when the text
 * is not UTF-8) shown as '?'. */
static char *
amount_quote(const char *s, size_t len)
{
	size_t n = len, i;
	char *q;

	if (n > AMOUNT_QUOTE_MAX) {
		n = AMOUNT_QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		q = xasprintf("%.*s...", (int)n, s);
	} else
		q = xstrndup(s, n);
	for (i = 0; i < n; i++) {
		if ((unsigned char)q[i] < 0x20 || q[i] == 0x7f)
			q[i] = '?';
	}
	if (!text_valid_utf8(q, n)) {
		for (i = 0; i < n; i++) {
			if ((unsigned char)q[i] >= 0x80)
				q[i] = '?';
		}
	}
	return q;
}

static int
amount_reject(char **cause, const char *s, size_t len, const char *why)
{
	char *q;

	if (cause == NULL)
		return -1;
	q = amount_quote(s, len);
	util_fail(cause, "The amount \"%s\" %s.", q, why);
	free(q);
	return -1;
}

static int
amount_reject_max(char **cause, const char *s, size_t len, int64_t max_cents)
{
	char max[32], *why;

	amount_format(max_cents, max, sizeof max);
	why = xasprintf("is more than the limit of %s", max);
	amount_reject(cause, s, len, why);
	free(why);
	return -1;
}

/* Reads a run of digits into *v (flagging *big rather than overflowing);
 * returns how many there were. */
static size_t
amount_run(const char **p, const char *end, int64_t *v, int *big)
{
	size_t n = 0;

	for (; *p < end && amount_is_digit(**p); (*p)++, n++) {
		if (*v >= INT64_MAX / 1000)
			*big = 1;
		else
			*v = *v * 10 + (**p - '0');
	}
	return n;
}

int
amount_parse(const char *text, int64_t max_cents, int64_t *cents, char **cause)
{
	const char *s, *p, *end;
	size_t len, first, n, ndec = 0;
	int64_t dollars = 0, c = 0;
	int big = 0;

	if (max_cents <= 0)
		max_cents = AMOUNT_DEFAULT_MAX_CENTS;
	s = text != NULL ? text : "";
	while (amount_is_space(*s))
		s++;
	len = strlen(s);
	while (len > 0 && amount_is_space(s[len - 1]))
		len--;
	end = s + len;
	if (len == 0)
		return util_fail(cause, "The amount is empty; type how much was given, like 25 or "
		                        "25.50.");

	p = s;
	if (*p == '-' || (*p == '$' && p + 1 < end && p[1] == '-'))
		return amount_reject(cause, s, len,
		                     "is negative; to undo a donation, annul it instead");
	if (*p == '$') {
		p++;
		while (p < end && amount_is_space(*p))
			p++;
	}

	/* Dollars: comma groups of exactly three digits after a first of 1 to 3. */
	first = amount_run(&p, end, &dollars, &big);
	while (p < end && *p == ',') {
		p++;
		n = amount_run(&p, end, &dollars, &big);
		if (n >= 1 && n <= 2 && p == end)
			return amount_reject(cause, s, len,
			                     "uses a comma for cents; use a dot, like 10.50");
		if (n != 3 || first == 0 || first > 3)
			return amount_reject(cause, s, len,
			                     "has a comma in the wrong place; write thousands "
			                     "like 1,025");
	}

	/* Cents. */
	if (p < end && *p == '.') {
		p++;
		for (; p < end && amount_is_digit(*p); p++, ndec++) {
			if (ndec < 2)
				c = c * 10 + (*p - '0');
		}
		if (p < end && *p == ',')
			return amount_reject(cause, s, len,
			                     "uses a comma for cents; use a dot, like 10.50");
	}
	if (p != end || first + ndec == 0)
		return amount_reject(cause, s, len,
		                     "is not a plain number; type digits only, like 25 or 25.50");
	if (ndec > 2)
		return amount_reject(cause, s, len, "has more than two decimals");
	if (big)
		return amount_reject_max(cause, s, len, max_cents);
	if (ndec == 1)
		c *= 10;
	c += dollars * 100;
	if (c == 0)
		return amount_reject(cause, s, len, "is zero; type how much was given");
	if (c > max_cents)
		return amount_reject_max(cause, s, len, max_cents);
	*cents = c;
	return 0;
}

/* Writes |cents| as dollars with two decimals, commas between thousands when
 * asked, into out (AMOUNT_DIGITS_LEN bytes); returns whether cents was negative. */
static int
amount_digits(int64_t cents, int commas, char *out)
{
	uint64_t v, dollars;
	char tmp[32];
	size_t n = 0, i, o = 0;
	int neg = cents < 0;

	v = neg ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	dollars = v / 100;
	do {
		if (commas && n > 0 && n % 4 == 3)
			tmp[n++] = ',';
		tmp[n++] = (char)('0' + dollars % 10);
		dollars /= 10;
	} while (dollars > 0);
	for (i = n; i > 0; i--)
		out[o++] = tmp[i - 1];
	snprintf(out + o, AMOUNT_DIGITS_LEN - o, ".%02u", (unsigned)(v % 100));
	return neg;
}

char *
amount_format(int64_t cents, char *buf, size_t len)
{
	char digits[AMOUNT_DIGITS_LEN];
	int neg = amount_digits(cents, 1, digits);

	snprintf(buf, len, "%s$%s", neg ? "-" : "", digits);
	return buf;
}

char *
amount_format_plain(int64_t cents, char *buf, size_t len)
{
	char digits[AMOUNT_DIGITS_LEN];
	int neg = amount_digits(cents, 0, digits);

	snprintf(buf, len, "%s%s", neg ? "-" : "", digits);
	return buf;
}

static const char *amount_ones[] = {
    "zero",     "one",     "two",     "three",     "four",     "five",     "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
};

static const char *amount_tens[] = {
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
};

static const char *amount_scales[] = {
    "", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion",
};

/* Words for 1..999, as on a check: "one hundred twenty-five". */
static void
amount_words_small(struct strbuf *b, unsigned n)
{
	if (n >= 100) {
		strbuf_printf(b, "%s hundred", amount_ones[n / 100]);
		n %= 100;
		if (n != 0)
			strbuf_add(b, " ", 1);
	}
	if (n >= 20) {
		strbuf_puts(b, amount_tens[n / 10]);
		if (n % 10 != 0)
			strbuf_printf(b, "-%s", amount_ones[n % 10]);
	} else if (n > 0)
		strbuf_puts(b, amount_ones[n]);
}

char *
amount_words(int64_t cents)
{
	struct strbuf b = STRBUF_INIT;
	uint64_t v, dollars, scale = 1;
	unsigned part;
	int neg = cents < 0, i = 0, first = 1;
	char *s;

	v = neg ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	dollars = v / 100;
	if (neg)
		strbuf_puts(&b, "minus ");
	if (dollars == 0)
		strbuf_puts(&b, "zero");
	while (dollars / scale >= 1000) {
		scale *= 1000;
		i++;
	}
	for (; i >= 0; i--, scale /= 1000) {
		part = (unsigned)(dollars / scale % 1000);
		if (part == 0)
			continue;
		if (!first)
			strbuf_add(&b, " ", 1);
		amount_words_small(&b, part);
		if (i > 0)
			strbuf_printf(&b, " %s", amount_scales[i]);
		first = 0;
	}
	strbuf_printf(&b, " %s and %02u/100", dollars == 1 ? "dollar" : "dollars",
	              (unsigned)(v % 100));
	s = strbuf_take(&b);
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}
