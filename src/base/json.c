/* json.c — the small strict JSON reader; see json.h. */
#include "json.h"

#include <string.h>

#include "strbuf.h"
#include "util.h"

static const char *
json_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int
json_hex4(const char *p, const char *e, unsigned *v)
{
	int i;

	*v = 0;
	if (e - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Skips a string literal at *pp (quotes included). */
static int
json_string(const char **pp, const char *e)
{
	const char *p = *pp;
	unsigned v;

	if (p >= e || *p != '"')
		return -1;
	for (p++; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			*pp = p + 1;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (++p >= e)
				return -1;
			if (*p == 'u') {
				if (json_hex4(p + 1, e, &v) != 0)
					return -1;
				p += 4;
			} else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL)
				return -1;
		}
	}
	return -1;
}

static int
json_digits(const char **pp, const char *e)
{
	const char *p = *pp;

	if (p >= e || *p < '0' || *p > '9')
		return -1;
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	*pp = p;
	return 0;
}

/* Skips a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
json_number(const char **pp, const char *e)
{
	const char *p = *pp;

	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (json_digits(&p, e) != 0)
		return -1;
	if (p < e && *p == '.') {
		p++;
		if (json_digits(&p, e) != 0)
			return -1;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (json_digits(&p, e) != 0)
			return -1;
	}
	*pp = p;
	return 0;
}

/* One value at *pp (spaces before it skipped); depth: containers around it. */
static int
json_value(const char **pp, const char *e, struct json_value *v, int depth)
{
	static const char *const words[] = {"true", "false", "null"};
	static const enum json_type types[] = {JSON_TRUE, JSON_FALSE, JSON_NULL};
	const char *p = json_ws(*pp, e), *start = p;
	struct json_value sub;
	char close;
	size_t i, wl;

	if (p >= e)
		return -1;
	switch (*p) {
	case '"':
		v->type = JSON_STRING;
		if (json_string(&p, e) != 0)
			return -1;
		break;
	case '{':
	case '[':
		if (depth >= JSON_MAX_DEPTH)
			return -1;
		close = *p == '{' ? '}' : ']';
		v->type = *p == '{' ? JSON_OBJECT : JSON_ARRAY;
		p = json_ws(p + 1, e);
		if (p < e && *p == close) {
			p++;
			break;
		}
		for (;;) {
			if (v->type == JSON_OBJECT) {
				p = json_ws(p, e);
				if (json_string(&p, e) != 0)
					return -1;
				p = json_ws(p, e);
				if (p >= e || *p != ':')
					return -1;
				p++;
			}
			if (json_value(&p, e, &sub, depth + 1) != 0)
				return -1;
			p = json_ws(p, e);
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			if (p < e && *p == close) {
				p++;
				break;
			}
			return -1;
		}
		break;
	case 't':
	case 'f':
	case 'n':
		for (i = 0; i < nitems(words); i++) {
			wl = strlen(words[i]);
			if ((size_t)(e - p) >= wl && memcmp(p, words[i], wl) == 0) {
				v->type = types[i];
				p += wl;
				break;
			}
		}
		if (i == nitems(words))
			return -1;
		break;
	default:
		v->type = JSON_NUMBER;
		if (json_number(&p, e) != 0)
			return -1;
	}
	v->p = start;
	v->n = (size_t)(p - start);
	*pp = p;
	return 0;
}

int
json_parse(const char *s, size_t n, struct json_value *v)
{
	const char *p = s, *e = s + n;

	if (s == NULL || json_value(&p, e, v, 0) != 0 || json_ws(p, e) != e) {
		v->type = JSON_NONE;
		return -1;
	}
	return 0;
}

int
json_next(const struct json_value *c, const char **it, struct json_value *key, struct json_value *v)
{
	struct json_value k = {JSON_NONE, NULL, 0};
	const char *p, *e;

	if (c->type != JSON_OBJECT && c->type != JSON_ARRAY)
		return 0;
	e = c->p + c->n - 1; /* the closing bracket */
	p = json_ws(*it != NULL ? *it : c->p + 1, e);
	if (p < e && *p == ',') /* after an item */
		p = json_ws(p + 1, e);
	if (p >= e)
		return 0;
	if (c->type == JSON_OBJECT) {
		k.type = JSON_STRING;
		k.p = p;
		if (json_string(&p, e) != 0)
			return 0;
		k.n = (size_t)(p - k.p);
		p = json_ws(p, e);
		if (p >= e || *p != ':')
			return 0;
		p++;
	}
	/* the container was checked whole: its items are within the depth limit */
	if (json_value(&p, e, v, 0) != 0)
		return 0;
	*it = p;
	if (key != NULL)
		*key = k;
	return 1;
}

void
json_members(const struct json_value *obj, const char *const *keys, struct json_value *out,
             size_t nkeys)
{
	struct json_value k, v;
	const char *it = NULL;
	size_t i, kl;

	for (i = 0; i < nkeys; i++)
		out[i].type = JSON_NONE;
	if (obj->type != JSON_OBJECT)
		return;
	while (json_next(obj, &it, &k, &v)) {
		kl = k.n - 2;
		for (i = 0; i < nkeys; i++)
			if (out[i].type == JSON_NONE && strlen(keys[i]) == kl &&
			    memcmp(keys[i], k.p + 1, kl) == 0)
				out[i] = v;
	}
}

int
json_member(const struct json_value *obj, const char *key, struct json_value *out)
{
	json_members(obj, &key, out, 1);
	return out->type == JSON_NONE ? -1 : 0;
}

int
json_item(const struct json_value *arr, size_t i, struct json_value *out)
{
	const char *it = NULL;
	size_t n = 0;

	if (arr->type == JSON_ARRAY)
		while (json_next(arr, &it, NULL, out))
			if (n++ == i)
				return 0;
	out->type = JSON_NONE;
	return -1;
}

int
json_path(const struct json_value *v, const char *path, struct json_value *out)
{
	struct json_value cur = *v;
	char key[JSON_MAX_PATH];
	size_t n;

	while (*path != '\0') {
		n = strcspn(path, ".");
		if (n >= sizeof key) {
			out->type = JSON_NONE;
			return -1;
		}
		memcpy(key, path, n);
		key[n] = '\0';
		if (json_member(&cur, key, out) != 0)
			return -1;
		cur = *out;
		path += n + (path[n] == '.');
	}
	*out = cur;
	return 0;
}

static void
json_utf8_put(struct strbuf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		strbuf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(b, u, 4);
	}
}

char *
json_str(const struct json_value *v)
{
	struct strbuf b = STRBUF_INIT;
	const char *p, *e, *q;
	unsigned cp, lo;

	if (v->type == JSON_NONE || v->type == JSON_NULL)
		return NULL;
	if (v->type != JSON_STRING)
		return xstrndup(v->p, v->n);
	p = v->p + 1;
	e = v->p + v->n - 1;
	strbuf_add(&b, "", 0);
	while (p < e) {
		q = p;
		while (q < e && *q != '\\')
			q++;
		strbuf_add(&b, p, (size_t)(q - p));
		if (q >= e)
			break;
		q++; /* a checked string: an escape is complete */
		switch (*q) {
		case 'b': strbuf_add(&b, "\b", 1); break;
		case 'f': strbuf_add(&b, "\f", 1); break;
		case 'n': strbuf_add(&b, "\n", 1); break;
		case 'r': strbuf_add(&b, "\r", 1); break;
		case 't': strbuf_add(&b, "\t", 1); break;
		case 'u':
			json_hex4(q + 1, e, &cp);
			q += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && e - q >= 7 && q[1] == '\\' &&
			    q[2] == 'u' && json_hex4(q + 3, e, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				q += 6;
			} else if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			if (cp == 0)
				cp = 0xfffd;
			json_utf8_put(&b, cp);
			break;
		default: strbuf_add(&b, q, 1); break; /* " \ / */
		}
		p = q + 1;
	}
	return strbuf_take(&b);
}

int
json_int(const struct json_value *v, int64_t *out)
{
	const char *p, *e;
	uint64_t n = 0, limit = INT64_MAX, d;
	int neg = 0;

	if (v->type != JSON_NUMBER || v->n == 0)
		return -1;
	p = v->p;
	e = v->p + v->n;
	if (*p == '-') {
		neg = 1;
		limit = (uint64_t)INT64_MAX + 1;
		p++;
	}
	if (p >= e)
		return -1;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		d = (uint64_t)(*p - '0');
		if (n > (limit - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	if (neg)
		*out = n == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n;
	else
		*out = (int64_t)n;
	return 0;
}

int
json_is(const struct json_value *v, const char *s)
{
	size_t n = strlen(s);

	return v->type == JSON_STRING && v->n == n + 2 && memcmp(v->p + 1, s, n) == 0;
}

int
json_get(const char *json, size_t len, const char *path, struct json_value *out)
{
	struct json_value root;

	if (json_parse(json, len, &root) != 0) {
		out->type = JSON_NONE;
		return -1;
	}
	return json_path(&root, path, out);
}

int
json_get_int(const char *json, size_t len, const char *path, int64_t *out)
{
	struct json_value v;

	if (json_get(json, len, path, &v) != 0)
		return -1;
	return json_int(&v, out);
}

char *
json_get_str(const char *json, size_t len, const char *path)
{
	struct json_value v;

	if (json_get(json, len, path, &v) != 0 || (v.type != JSON_STRING && v.type != JSON_NUMBER))
		return NULL;
	return json_str(&v);
}
