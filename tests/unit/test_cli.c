/* Unit tests for cli.c: a command entry's options parsed, --help answered,
 * the words handed to its function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

/* What the command saw. */
static int ran;
static struct cli_args seen;

static enum cli_ret
test_cli_exec(struct cli_cmd_ctx *c, struct cli_args *a)
{
	static char *words[1000]; /* a->pos is freed after the command */

	ran++;
	seen = *a;
	assert_true(a->npos <= 1000);
	memcpy(words, a->pos, (size_t)a->npos * sizeof *words);
	seen.pos = words;
	return a->npos == 1 && strcmp(a->pos[0], "refuse") == 0 ? CLI_REFUSED : CLI_OK;
}

static const struct cli_cmd_entry test_entry = {
    .name = "thing",
    .usage = "WORD... [--note TEXT] [--counter NAME]... [--json]",
    .about = "a command for the tests",
    .opts = CLI_OPTS(CLI_VALUE("note"), CLI_MANY("counter"), CLI_FLAG("json")),
    .needs = CLI_NONE,
    .exec = test_cli_exec,
};

/* Runs the entry on the words (NULL-terminated). */
static int
run(const char *w0, ...)
{
	static char *argv[512];
	struct cli_cmd_ctx c = {NULL, NULL, "test", NULL};
	va_list ap;
	const char *w;
	int argc = 0;

	va_start(ap, w0);
	for (w = w0; w != NULL && argc < 511; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	ran = 0;
	memset(&seen, 0, sizeof seen);
	return cli_cmd_exec(&test_entry, &c, argc, argv);
}

static void
test_cli_options_anywhere(void **state)
{
	(void)state;
	assert_int_equal(run("a", "--note", "hello", "b", "--json", "--", "c", NULL), CLI_OK);
	assert_int_equal(ran, 1);
	assert_int_equal(seen.npos, 4);
	assert_string_equal(seen.pos[0], "a");
	assert_string_equal(seen.pos[1], "b");
	assert_string_equal(seen.pos[2], "--"); /* "--" alone is a word */
	assert_string_equal(seen.pos[3], "c");
	assert_string_equal(cli_val(&seen, "note"), "hello");
	assert_int_equal(cli_given(&seen, "json"), 1);
	assert_null(cli_val(&seen, "json")); /* a flag has no value */
	assert_int_equal(cli_given(&seen, "counter"), 0);
	assert_null(cli_val(&seen, "counter"));
	/* single-dash words are words: amounts like -5 reach the command */
	assert_int_equal(run("-5", "-h", NULL), CLI_OK);
	assert_int_equal(seen.npos, 2);
	/* the command's own answer is the exit status */
	assert_int_equal(run("refuse", NULL), CLI_REFUSED);
}

static void
test_cli_repeated(void **state)
{
	(void)state;
	assert_int_equal(run("--counter", "Ann", "x", "--counter", "Bob", NULL), CLI_OK);
	assert_int_equal(cli_given(&seen, "counter"), 2);
	assert_string_equal(cli_nth(&seen, "counter", 0), "Ann");
	assert_string_equal(cli_nth(&seen, "counter", 1), "Bob");
	assert_null(cli_nth(&seen, "counter", 2));
	assert_string_equal(cli_val(&seen, "counter"), "Bob"); /* the last */
	/* a value given twice, or too often, is bad usage; the command never runs */
	assert_int_equal(run("--note", "a", "--note", "b", NULL), CLI_USAGE);
	assert_int_equal(ran, 0);
	assert_int_equal(run("--json", "--json", NULL), CLI_USAGE);
	assert_int_equal(run("--counter", "1", "--counter", "2", "--counter", "3", "--counter", "4",
	                     "--counter", "5", "--counter", "6", "--counter", "7", "--counter", "8",
	                     "--counter", "9", NULL),
	                 CLI_USAGE);
	assert_int_equal(ran, 0);
}

static void
test_cli_bad_usage(void **state)
{
	(void)state;
	assert_int_equal(run("a", "--frob", NULL), CLI_USAGE);
	assert_int_equal(run("a", "--note", NULL), CLI_USAGE); /* no value */
	assert_int_equal(ran, 0);
	/* a value that looks like an option is the option's value */
	assert_int_equal(run("--note", "--json", NULL), CLI_OK);
	assert_string_equal(cli_val(&seen, "note"), "--json");
	assert_int_equal(cli_given(&seen, "json"), 0);
}

static void
test_cli_help(void **state)
{
	(void)state;
	/* --help anywhere, or -h alone: the usage, and the command does not run */
	assert_int_equal(run("a", "--help", NULL), CLI_OK);
	assert_int_equal(ran, 0);
	assert_int_equal(run("-h", NULL), CLI_OK);
	assert_int_equal(ran, 0);
	/* after a parse error the usage is said but it is still bad usage */
	assert_int_equal(run("--frob", "--help", NULL), CLI_USAGE);
}

static void
test_cli_many_words(void **state)
{
	static char *argv[1000];
	struct cli_cmd_ctx c = {NULL, NULL, "test", NULL};
	int i;

	(void)state;
	/* merge and decode take many files: no fixed cap on the words */
	for (i = 0; i < 1000; i++)
		argv[i] = "file.zip";
	ran = 0;
	assert_int_equal(cli_cmd_exec(&test_entry, &c, 1000, argv), CLI_OK);
	assert_int_equal(ran, 1);
	assert_int_equal(seen.npos, 1000);
}

static void
test_cli_usage_text(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const struct cli_cmd_entry *table[] = {&test_entry};

	(void)state;
	cli_cmd_usage(&test_entry, f);
	cli_cmd_list(&test_entry, f);
	fclose(f);
	assert_string_equal(
	    text, "Usage: watctl thing WORD... [--note TEXT] [--counter NAME]... [--json]\n"
	          "  thing WORD... [--note TEXT] [--counter NAME]... [--json]\n"
	          "      a command for the tests\n");
	free(text);
	assert_ptr_equal(cli_cmd_find(table, 1, "thing"), &test_entry);
	assert_null(cli_cmd_find(table, 1, "thin"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cli_options_anywhere), cmocka_unit_test(test_cli_repeated),
	    cmocka_unit_test(test_cli_bad_usage),        cmocka_unit_test(test_cli_help),
	    cmocka_unit_test(test_cli_many_words),       cmocka_unit_test(test_cli_usage_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
