/* text.h — UTF-8 checks, the folding that makes name search forgiving, and
 * the one check (text_check) and the one escape (text_escape) that keep
 * control characters out of the ledger and off the terminal.  Pure C. */
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
/* A name for a public screen: the first word and the last word's initial
 * ("María José López" -> "María L."); one word stays whole.  Into buf
 * (always terminated, cut at a character's boundary). */
void text_short_name(const char *name, char *buf, size_t len);

/* Number of characters (code points) in valid UTF-8. */
size_t text_length(const char *s);

/* 1 for the code points no free-text field may hold: C0 controls (tab and
 * line ends too), DEL, C1 controls, the line and paragraph separators
 * U+2028/U+2029, and the bidi embeddings, overrides and isolates
 * U+202A..U+202E and U+2066..U+2069 that make text read other than it is. */
int text_is_control(unsigned long cp);

/* 0 when s is well-formed UTF-8 without a character text_is_control
 * refuses; else -1 and a sentence that names the field by label ("event
 * name") and the character found ("U+001B"). */
int text_check(const char *s, const char *label, char **cause);

/* A malloc'd copy of s safe to print on a terminal: what text_check refuses
 * is written as an escape (ESC as \x1b, U+202E as \u202e, a byte that is not
 * UTF-8 as \xff), the rest as it is.  TEXT_KEEP_LINES keeps line feeds and
 * tabs (for our own multi-line messages). */
#define TEXT_KEEP_LINES 1
char *text_escape(const char *s, int flags);

#endif
