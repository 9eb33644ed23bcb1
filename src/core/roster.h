/* roster.h — the online registration's CSV, checked whole before anything is
 * imported.  Pure C (uses csv and text). */
#ifndef WAT_ROSTER_H
#define WAT_ROSTER_H

#include <stddef.h>

#define ROSTER_MAX_NAME   100 /* characters */
#define ROSTER_MAX_TEAM   60
#define ROSTER_MAX_EMAIL  254
#define ROSTER_MAX_PHONE  32
#define ROSTER_MAX_EXTID  64
#define ROSTER_MAX_ERRORS 20 /* listed in one message; the rest are counted */

struct roster_row {
	size_t line; /* where the record starts in the file */
	char *name;  /* never NULL or empty */
	char *team;  /* NULL when absent or empty; likewise below */
	char *email;
	char *phone;
	char *ext_id;
};

struct roster {
	size_t n;
	struct roster_row *rows;
};

/* Columns are found by header name, case-insensitive, spaces/underscores/
 * hyphens ignored: "name" or "first name"+"last name", "team", "email",
 * "phone", "id" or "external id".  Unknown columns are ignored.  Fully empty
 * lines are skipped.  Every problem (invalid UTF-8, a missing name, a
 * duplicate external id, an over-long field, a malformed CSV) is collected
 * with its line number; when there is any, returns -1 and *cause holds them
 * all, one per line, and no roster is returned. */
int roster_parse(const char *data, size_t len, struct roster **out, char **cause);
void roster_free(struct roster *r);

#endif
