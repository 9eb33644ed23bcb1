/* cli.h — what watctl's commands share, wherever they live: exit codes,
 * messages on stderr, and option parsing. */
#ifndef WAT_CLI_H
#define WAT_CLI_H

#include <stddef.h>
#include <stdint.h>

#define CLI_OK      0 /* done */
#define CLI_REFUSED 1 /* a rule refused, or it could not be recorded */
#define CLI_USAGE   2 /* bad usage or bad input */

#define CLI_MAXPOS 256 /* merge takes many bundles */
#define CLI_MAXREP 8

/* One option: "--name VALUE" when takes, else a flag "--name".  cli_parse
 * fills n (times given) and val (each value, in order).  An option is given
 * once ("--name given twice" otherwise) unless takes is CLI_MANY. */
#define CLI_MANY 2
struct cli_opt {
	const char *name;
	int takes;
	int n;
	const char *val[CLI_MAXREP];
};

#define CLI_VALUE(name)                                                                            \
	{                                                                                          \
		(name), 1, 0,                                                                      \
		{                                                                                  \
			NULL                                                                       \
		}                                                                                  \
	}
#define CLI_FLAG(name)                                                                             \
	{                                                                                          \
		(name), 0, 0,                                                                      \
		{                                                                                  \
			NULL                                                                       \
		}                                                                                  \
	}

struct cli_args {
	int npos;
	char *pos[CLI_MAXPOS];
};

/* Messages go through text_escape (lines kept): a name or a file name
 * quoted in one never puts a control character on the terminal. */
/* Prints the sentence on stderr; returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints and frees cause; returns code. */
int cli_cause(int code, char *cause);

/* Options anywhere among the arguments; the rest are positional.  Returns 0,
 * or CLI_USAGE after saying what is wrong. */
int cli_parse(int argc, char **argv, struct cli_opt *opts, size_t nopts, struct cli_args *a);
/* The last value given for name, or NULL. */
const char *cli_val(const struct cli_opt *opts, size_t nopts, const char *name);
/* Times name was given. */
int cli_given(const struct cli_opt *opts, size_t nopts, const char *name);

/* s made safe to print (text_escape: control characters and bidi overrides
 * written as \x1b, \u202e): borrowed, valid until CLI_ESC_RING more calls. */
#define CLI_ESC_RING 16
const char *cli_esc(const char *s);

/* A whole number from 1 to max, or CLI_USAGE after a sentence naming what. */
int cli_number(const char *s, const char *what, int64_t max, int64_t *out);

#endif
