#include "cli.h"

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

int
cli_parse(int argc, char **argv, struct cli_opt *opts, size_t nopts, struct cli_args *a)
{
	size_t k;
	int i;

	memset(a, 0, sizeof *a);
	for (k = 0; k < nopts; k++)
		opts[k].n = 0;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (a->npos == CLI_MAXPOS)
				return cli_fail(CLI_USAGE, "Too many arguments.");
			a->pos[a->npos++] = argv[i];
			continue;
		}
		for (k = 0; k < nopts; k++)
			if (strcmp(opts[k].name, argv[i] + 2) == 0)
				break;
		if (k == nopts)
			return cli_fail(CLI_USAGE, "Unknown option %s.", argv[i]);
		if (opts[k].n > 0 && opts[k].takes != CLI_MANY)
			return cli_fail(CLI_USAGE, "%s given twice: give it once.", argv[i]);
		if (opts[k].n == CLI_MAXREP)
			return cli_fail(CLI_USAGE, "Option %s is given too often.", argv[i]);
		if (opts[k].takes) {
			if (i + 1 >= argc)
				return cli_fail(CLI_USAGE, "Option %s needs a value.", argv[i]);
			opts[k].val[opts[k].n] = argv[++i];
		}
		opts[k].n++;
	}
	return 0;
}

static const struct cli_opt *
cli_find(const struct cli_opt *opts, size_t nopts, const char *name)
{
	size_t k;

	for (k = 0; k < nopts; k++)
		if (strcmp(opts[k].name, name) == 0)
			return &opts[k];
	return NULL;
}

const char *
cli_val(const struct cli_opt *opts, size_t nopts, const char *name)
{
	const struct cli_opt *o = cli_find(opts, nopts, name);

	return o != NULL && o->takes && o->n > 0 ? o->val[o->n - 1] : NULL;
}

int
cli_given(const struct cli_opt *opts, size_t nopts, const char *name)
{
	const struct cli_opt *o = cli_find(opts, nopts, name);

	return o != NULL ? o->n : 0;
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
