/* text.h — UTF-8 checks and the folding that makes name search forgiving.
 * Pure C. */
#ifndef WAT_TEXT_H
#define WAT_TEXT_H

#include <stddef.h>

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int text_valid_utf8(const char *s, size_t len);

/* A malloc'd search key: lowercase, Latin accents removed ("Zoë Ångström" →
 * "zoe angstrom", "ß" → "ss"), runs of spaces collapsed, other scripts kept
 * as they are (only Greek and Cyrillic capitals are lowered).  Invalid UTF-8
 * bytes and control characters are dropped, and the ends trimmed. */
char *text_fold(const char *s);

/* 1 when folded needle occurs in folded haystack (both from text_fold). */
int text_contains(const char *hay_folded, const char *needle_folded);

/* Trims ASCII spaces/tabs/CR/LF from both ends, in place; returns s. */
char *text_trim(char *s);

/* Number of characters (code points) in valid UTF-8. */
size_t text_length(const char *s);

#endif
