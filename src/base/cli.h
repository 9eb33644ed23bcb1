/* cli.h — what watctl's commands share, wherever they live: the command
 * entry (tmux's cmd_entry), exit codes, messages on stderr, and options.
 *
 * A command is one entry beside its function in the *_cli.c file it belongs
 * to, and one line in watctl.c's table:
 *
 *   const struct cli_cmd_entry ledger_cli_annul_entry = {
 *       .name = "annul",
 *       .usage = "SEQ --reason TEXT",
 *       .about = "annul an entry (it stays in the ledger, marked)",
 *       .opts = CLI_OPTS(CLI_VALUE("reason")),
 *       .needs = CLI_EVENT,
 *       .how = CLI_WRITE,
 *       .exec = ledger_cli_annul,
 *   };
 *
 * The usage is written once: `watctl help CMD`, `watctl CMD --help`, the
 * message on bad usage (cli_usage) and `watctl --help` all print it.
 * Plain C (base/): watctl.c opens the ledger a command needs. */
#ifndef WAT_CLI_H
#define WAT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ledger;

/* watctl's exit status */
enum cli_ret {
	CLI_OK = 0,      /* done */
	CLI_REFUSED = 1, /* a rule refused, or it could not be recorded */
	CLI_USAGE = 2,   /* bad usage or bad input */
};

#define CLI_MAXOPT 16 /* options of one command */
#define CLI_MAXREP 8  /* values of one CLI_MANY option */

/* One option: "--name VALUE" (CLI_VALUE, given once), "--name VALUE" that
 * may be repeated (CLI_MANY: --counter A --counter B), or a flag "--name". */
enum cli_takes { CLI_TAKES_FLAG, CLI_TAKES_VALUE, CLI_TAKES_MANY };
struct cli_opt {
	const char *name;
	enum cli_takes takes;
};
#define CLI_FLAG(name)                                                                             \
	{                                                                                          \
		(name), CLI_TAKES_FLAG                                                             \
	}
#define CLI_VALUE(name)                                                                            \
	{                                                                                          \
		(name), CLI_TAKES_VALUE                                                            \
	}
#define CLI_MANY(name)                                                                             \
	{                                                                                          \
		(name), CLI_TAKES_MANY                                                             \
	}
/* An entry's options, ended by {NULL}. */
#define CLI_OPTS(...) ((const struct cli_opt[]){__VA_ARGS__, {NULL, CLI_TAKES_FLAG}})

/* The words after the command's name, parsed by its entry's options:
 * options anywhere, the rest positional in order (pos points into argv). */
struct cli_args {
	const struct cli_opt *opts;
	int n[CLI_MAXOPT]; /* times each option was given */
	const char *val[CLI_MAXOPT][CLI_MAXREP];
	int npos;
	char **pos;
};

/* What a command needs before it runs: main gives it. */
enum cli_needs {
	CLI_NONE,   /* nothing (HQ, verify, decode) */
	CLI_PATH,   /* the ledger's path only, not opened (folders beside it) */
	CLI_LEDGER, /* the ledger, open */
	CLI_EVENT,  /* the ledger, open, with its event set up */
};

/* How it is opened (ledger_open_mode's LEDGER_READ, _WRITE, _CREATE). */
enum cli_open {
	CLI_READ,   /* report, log, check...: record nothing */
	CLI_WRITE,  /* commands that record entries */
	CLI_CREATE, /* only for what makes a ledger (init, event-pack import) */
};

struct cli_cmd_entry;

/* What every command runs with. */
struct cli_cmd_ctx {
	const struct cli_cmd_entry *entry;
	const char *db;   /* --db FILE, else $WAT_DB; NULL when not given */
	const char *op;   /* --op NAME: the operator recorded in entries */
	struct ledger *l; /* open when the entry needs it, else NULL */
};

struct cli_cmd_entry {
	const char *name;
	/* after "watctl [--db FILE] NAME "; forms apart by '\n' */
	const char *usage;
	const char *about;          /* one line, for the list of commands */
	const struct cli_opt *opts; /* CLI_OPTS(...), or NULL: none */
	enum cli_needs needs;
	enum cli_open how;
	const char *reads;    /* first words with which CLI_READ is enough ("list find") */
	const char *bare;     /* an option with which nothing is needed (settings --markdown) */
	void (*more)(FILE *); /* printed after the usage (set: the keys), or NULL */
	enum cli_ret (*exec)(struct cli_cmd_ctx *, struct cli_args *);
};

/* Messages go through text_escape (lines kept): a name or a file name
 * quoted in one never puts a control character on the terminal. */
/* Prints the sentence on stderr; returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints and frees cause; returns code. */
int cli_cause(int code, char *cause);

/* Prints the usage of c's command on stderr; returns CLI_USAGE. */
enum cli_ret cli_usage(const struct cli_cmd_ctx *c);
/* Prints e's usage ("Usage: watctl ...", then e->more) on f. */
void cli_cmd_usage(const struct cli_cmd_entry *e, FILE *f);
/* Prints "  NAME FORM" for each form of e's usage, then its about. */
void cli_cmd_list(const struct cli_cmd_entry *e, FILE *f);
/* The entry called name among the n of table, or NULL. */
const struct cli_cmd_entry *cli_cmd_find(const struct cli_cmd_entry *const *table, size_t n,
                                         const char *name);
/* Parses the words after e's name by e->opts into *a (cli_args_free
 * after), with c->entry = e: CLI_OK, or CLI_USAGE after the sentence and
 * the usage.  *help: "--help" was among them (or "-h" alone). */
enum cli_ret cli_cmd_parse(const struct cli_cmd_entry *e, struct cli_cmd_ctx *c, int argc,
                           char **argv, struct cli_args *a, int *help);
void cli_args_free(struct cli_args *a);
/* 1 and *how when e needs the ledger open with these words (CLI_READ when
 * .reads names the first), 0 when not (CLI_NONE, CLI_PATH, .bare given). */
int cli_cmd_ledger(const struct cli_cmd_entry *e, const struct cli_args *a, enum cli_open *how);
/* Parses the words, answers --help, and runs e->exec with c as it is (its
 * ledger, if any, open already): watctl's main opens the ledger first. */
enum cli_ret cli_cmd_exec(const struct cli_cmd_entry *e, struct cli_cmd_ctx *c, int argc,
                          char **argv);

/* The last value given for name, or NULL. */
const char *cli_val(const struct cli_args *a, const char *name);
/* The i-th value given for name (CLI_MANY), or NULL. */
const char *cli_nth(const struct cli_args *a, const char *name, int i);
/* Times name was given. */
int cli_given(const struct cli_args *a, const char *name);

/* s made safe to print (text_escape: control characters and bidi overrides
 * written as \x1b, \u202e): borrowed, valid until CLI_ESC_RING more calls. */
#define CLI_ESC_RING 16
const char *cli_esc(const char *s);

/* A whole number from 1 to max, or CLI_USAGE after a sentence naming what. */
int cli_number(const char *s, const char *what, int64_t max, int64_t *out);

#endif
