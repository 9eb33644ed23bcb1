/* roster.h — the online registration's CSV, checked whole before anything is
 * imported.  Pure C (uses csv and text). */
#ifndef WAT_ROSTER_H
#define WAT_ROSTER_H

#include <stddef.h>

#include "pledge.h"

#define ROSTER_MAX_NAME   100 /* characters */
#define ROSTER_MAX_TEAM   60
#define ROSTER_MAX_EMAIL  254
#define ROSTER_MAX_PHONE  32
#define ROSTER_MAX_EXTID  64
#define ROSTER_MAX_WAIVER 20
#define ROSTER_MAX_ERRORS 20 /* listed in one message; the rest are counted */

#define ROSTER_MAX_TEXT 120 /* bytes of a row's own text kept for a message */

struct roster_row {
	size_t line;   /* where the record starts in the file */
	char *problem; /* NULL: a good row; else what is wrong, a sentence a line
	                  ("Line 3: the name is missing.") */
	char *text;    /* the row as the file has it (one line, clipped, valid UTF-8) */
	char *name;    /* never NULL or empty in a good row */
	char *team;    /* NULL when absent or empty; likewise below */
	char *email;
	char *phone;
	char *ext_id;
	char *waiver; /* the waiver's version accepted at the online registration */
	int pledge;   /* the row's pledge columns hold a pledge (in roster.pledges) */
};

struct roster {
	size_t n; /* rows, good and bad, by line; exact repeats merged away */
	struct roster_row *rows;
	size_t nbad;    /* rows with a problem */
	size_t nmerged; /* rows that repeated an earlier one exactly, merged into it */
	char *merged;   /* "Line 9 repeats line 4 exactly (...): imported once.", one a
	                   line; NULL when none */
	/* The pledge columns' pledges, one per row that has one, each with its
	 * roster row's line and text, its walker by the row's id (walker_ext);
	 * a pledge whose walker row has a problem, or no id, carries a problem.
	 * NULL: the file has no pledge columns. */
	struct pledge_csv *pledges;
};

/* Columns are found by header name, case-insensitive, spaces/underscores/
 * hyphens ignored: "name" or "first name"+"last name", "team", "email",
 * "phone", "id" or "external id".  Unknown columns are ignored.  Fully empty
 * lines are skipped.  Every problem (invalid UTF-8, a missing name, a
 * duplicate external id, an over-long field, a malformed CSV) is collected
 * with its line number; when there is any, returns -1 and *cause holds them
 * all, one per line, and no roster is returned. */
int roster_parse(const char *data, size_t len, struct roster **out, char **cause);
/* Pledge columns (docs/FORMATS.md "Roster CSV"): "sponsor" and "pledge rate"
 * (or "pledge"), with "pledge kind", "pledge max", "sponsor email", "sponsor
 * phone", "sponsor address", "pledge id", "pledge paid", "pledge paid date";
 * one pledge a row: a walker with several sponsors is on several rows that
 * differ only in them (merged into one walker, not a repeat).  A file with
 * pledge columns but not both "sponsor" and a rate column is refused. */
/* Like roster_parse, but a bad row does not refuse the file: it is kept with
 * its problem and its own text, for a preview and a partial import the
 * coordinator chooses.  Rows that repeat an earlier row exactly (every field
 * alike after trimming) are merged into it and said so in merged; a
 * different row with the same external id is a problem.  -1 only when the
 * file as a whole is unusable (empty, no name column, no rows). */
int roster_read(const char *data, size_t len, struct roster **out, char **cause);
/* The bad rows: each one's problems, then its own text on a line indented
 * by four spaces; max rows at most (0: all), then "and N more rows with a
 * problem.". malloc'd; NULL when none. */
char *roster_problems(const struct roster *r, size_t max);
/* The pledges with a problem (of the roster's pledge columns, or a pledges
 * CSV, once judged): "Line 4, a pledge: PROBLEM." and the row's own text on
 * a line indented by four spaces; malloc'd; NULL when none. */
char *roster_pledge_problems(const struct pledge_csv *c);
void roster_free(struct roster *r);

#endif
