#include "cli.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

static void
cli_say(const char *msg)
{
	char *safe = text_escape(msg, TEXT_KEEP_LINES);

	fprintf(stderr, "%s\n", safe);
	free(safe);
}

int
cli_fail(int code, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	cli_say(msg);
	free(msg);
	return code;
}

int
cli_cause(int code, char *cause)
{
	cli_say(cause != NULL ? cause : "Something went wrong.");
	free(cause);
	return code;
}

const char *
cli_esc(const char *s)
{
	static char *ring[CLI_ESC_RING];
	static size_t next;
	char **slot = &ring[next++ % CLI_ESC_RING];

	free(*slot);
	*slot = text_escape(s != NULL ? s : "", 0);
	return *slot;
}

/* 1 when word is one of the space-separated words of list. */
static int
cli_word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; n > 0 && (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

static int
cli_opt_index(const struct cli_opt *opts, const char *name)
{
	int k;

	for (k = 0; opts != NULL && opts[k].name != NULL; k++)
		if (strcmp(opts[k].name, name) == 0)
			return k;
	return -1;
}

/* The words before "--help" or a parse error: the usage follows it. */
static enum cli_ret
cli_bad(const struct cli_cmd_ctx *c, const char *fmt, const char *word)
{
	cli_fail(CLI_USAGE, fmt, word);
	return cli_usage(c);
}

/* Options anywhere among the words; the rest positional.  *help when
 * "--help" is among them (or "-h" is the only one). */
static enum cli_ret
cli_parse(const struct cli_cmd_ctx *c, int argc, char **argv, struct cli_args *a, int *help)
{
	const struct cli_opt *opts = c->entry->opts;
	int i, k;

	for (k = 0; opts != NULL && opts[k].name != NULL; k++)
		;
	assert(k <= CLI_MAXOPT); /* an entry declares at most CLI_MAXOPT options */
	memset(a, 0, sizeof *a);
	a->opts = opts;
	a->pos = xcalloc((size_t)argc + 1, sizeof *a->pos);
	*help = argc == 1 && strcmp(argv[0], "-h") == 0;
	for (i = 0; i < argc && !*help; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if ((k = cli_opt_index(opts, argv[i] + 2)) < 0) {
			if (strcmp(argv[i], "--help") == 0) {
				*help = 1;
				break;
			}
			return cli_bad(c, "Unknown option %s.", argv[i]);
		}
		if (a->n[k] > 0 && opts[k].takes != CLI_TAKES_MANY)
			return cli_bad(c, "%s given twice: give it once.", argv[i]);
		if (a->n[k] == CLI_MAXREP)
			return cli_bad(c, "Option %s is given too often.", argv[i]);
		if (opts[k].takes != CLI_TAKES_FLAG) {
			if (i + 1 >= argc)
				return cli_bad(c, "Option %s needs a value.", argv[i]);
			a->val[k][a->n[k]] = argv[++i];
		}
		a->n[k]++;
	}
	return CLI_OK;
}

const char *
cli_nth(const struct cli_args *a, const char *name, int i)
{
	int k = cli_opt_index(a->opts, name);

	assert(k >= 0); /* a name the entry does not declare is a slip of ours */
	return a->opts[k].takes != CLI_TAKES_FLAG && i >= 0 && i < a->n[k] ? a->val[k][i] : NULL;
}

const char *
cli_val(const struct cli_args *a, const char *name)
{
	int k = cli_opt_index(a->opts, name);

	assert(k >= 0);
	return cli_nth(a, name, a->n[k] - 1);
}

int
cli_given(const struct cli_args *a, const char *name)
{
	int k = cli_opt_index(a->opts, name);

	assert(k >= 0);
	return a->n[k];
}

/* ---- commands ---- */

/* What stands between "watctl" and the command's name in its usage. */
static const char *
cli_db_words(const struct cli_cmd_entry *e)
{
	return e->needs >= CLI_LEDGER ? "--db FILE " : e->needs == CLI_PATH ? "[--db FILE] " : "";
}

void
cli_cmd_usage(const struct cli_cmd_entry *e, FILE *f)
{
	const char *p = e->usage != NULL ? e->usage : "", *nl;
	int first = 1;

	do {
		nl = strchr(p, '\n');
		int len = nl != NULL ? (int)(nl - p) : (int)strlen(p);

		fprintf(f, "%s watctl %s%s%s%.*s\n", first ? "Usage:" : "      ", cli_db_words(e),
		        e->name, len > 0 ? " " : "", len, p);
		first = 0;
		p = nl + 1;
	} while (nl != NULL);
	if (e->more != NULL)
		e->more(f);
}

void
cli_cmd_list(const struct cli_cmd_entry *e, FILE *f)
{
	const char *p = e->usage != NULL ? e->usage : "", *nl;

	do {
		nl = strchr(p, '\n');
		int len = nl != NULL ? (int)(nl - p) : (int)strlen(p);

		fprintf(f, "  %s%s%.*s\n", e->name, len > 0 ? " " : "", len, p);
		p = nl + 1;
	} while (nl != NULL);
	if (e->about != NULL)
		fprintf(f, "      %s\n", e->about);
}

enum cli_ret
cli_usage(const struct cli_cmd_ctx *c)
{
	cli_cmd_usage(c->entry, stderr);
	return CLI_USAGE;
}

const struct cli_cmd_entry *
cli_cmd_find(const struct cli_cmd_entry *const *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

enum cli_ret
cli_cmd_parse(const struct cli_cmd_entry *e, struct cli_cmd_ctx *c, int argc, char **argv,
              struct cli_args *a, int *help)
{
	assert(e->exec != NULL && e->name != NULL);
	c->entry = e;
	return cli_parse(c, argc, argv, a, help);
}

void
cli_args_free(struct cli_args *a)
{
	free(a->pos);
	a->pos = NULL;
}

int
cli_cmd_ledger(const struct cli_cmd_entry *e, const struct cli_args *a, enum cli_open *how)
{
	if (e->needs < CLI_LEDGER || (e->bare != NULL && cli_given(a, e->bare)))
		return 0;
	*how =
	    e->reads != NULL && a->npos > 0 && cli_word_in(a->pos[0], e->reads) ? CLI_READ : e->how;
	return 1;
}

enum cli_ret
cli_cmd_exec(const struct cli_cmd_entry *e, struct cli_cmd_ctx *c, int argc, char **argv)
{
	struct cli_args a;
	enum cli_ret rc;
	int help = 0;

	if ((rc = cli_cmd_parse(e, c, argc, argv, &a, &help)) == CLI_OK) {
		if (help)
			cli_cmd_usage(e, stdout);
		else
			rc = e->exec(c, &a);
	}
	cli_args_free(&a);
	return rc;
}

int
cli_number(const char *s, const char *what, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return cli_fail(CLI_USAGE, "The %s \"%s\" is not a number.", what, s ? s : "");
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > max)
		return cli_fail(CLI_USAGE, "The %s \"%s\" is not a number from 1 to %" PRId64 ".",
		                what, s, max);
	*out = v;
	return 0;
}
