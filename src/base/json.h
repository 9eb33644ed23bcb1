/* json.h — a small strict JSON reader (RFC 8259) for what we read back:
 * ledger entries, manifests, event packs.  Pure C (libc, strbuf).
 *
 * A value is a span of the input (struct json_value): nothing is copied or
 * unescaped until asked (json_str), so reading a member of a ledger line costs
 * one pass and no allocation.  Strict: one value with only spaces around it,
 * no trailing commas, no comments, no leading zeros or '+', no control
 * characters in strings, escapes only \" \\ \/ \b \f \n \r \t \uXXXX, at most
 * JSON_MAX_DEPTH nested arrays/objects.  Bytes of 0x80 and above are passed
 * through as they are (the ledger checks UTF-8 where text comes in).
 * Duplicate keys: the first one counts. */
#ifndef WAT_JSON_H
#define WAT_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16 /* nested arrays/objects */
#define JSON_MAX_PATH  64 /* bytes in one key of a dotted path */

enum json_type {
	JSON_NONE, /* absent (a member not found) */
	JSON_STRING,
	JSON_NUMBER,
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
};

struct json_value {
	enum json_type type;
	const char *p; /* the raw text, borrowed from the input; strings with their quotes */
	size_t n;
};

/* A whole text as one value; 0, or -1 when it is not valid JSON. */
int json_parse(const char *s, size_t n, struct json_value *v);

/* Members of an object (parsed by json_parse) by key: out[i].type is
 * JSON_NONE when absent, or when obj is not an object. */
void json_members(const struct json_value *obj, const char *const *keys, struct json_value *out,
                  size_t nkeys);
/* One member; 0 when present, -1 (out->type JSON_NONE) when not. */
int json_member(const struct json_value *obj, const char *key, struct json_value *out);
/* Walks the items of an array or the members of an object: start with
 * *it = NULL; returns 1 with the next value (and its key, for objects, when
 * key is not NULL), 0 at the end. */
int json_next(const struct json_value *c, const char **it, struct json_value *key,
              struct json_value *v);
/* The i-th item of an array; 0, or -1 (out->type JSON_NONE) past the end. */
int json_item(const struct json_value *arr, size_t i, struct json_value *out);
/* A dotted path ("data.method") through nested objects; 0 or -1. */
int json_path(const struct json_value *v, const char *path, struct json_value *out);

/* A string unescaped (malloc'd; \u0000 and lone surrogates become U+FFFD so
 * the result is a C string); a number, literal, array or object as its text;
 * NULL when absent or null. */
char *json_str(const struct json_value *v);
/* An integer number in int64_t range (no fraction, no exponent); 0 or -1. */
int json_int(const struct json_value *v, int64_t *out);
/* 1 when v is the string s written without escapes. */
int json_is(const struct json_value *v, const char *s);

/* Shortcuts on a text: the member at a dotted path as an integer (0 or -1),
 * or as a malloc'd string (a string unescaped, a number as written; NULL when
 * the text is not valid JSON, or the member is absent, null or another type). */
int json_get(const char *json, size_t len, const char *path, struct json_value *out);
int json_get_int(const char *json, size_t len, const char *path, int64_t *out);
char *json_get_str(const char *json, size_t len, const char *path);

#endif
