/* test_print_cli.c — receipts, badges and slips from a real ledger file, and
 * the "print" entries that make a reprint a COPY. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "ledger.h"
#include "print_cli.h"
#include "util.h"

static char dir[] = "/tmp/wat-test-print-cli-XXXXXX", assets[4096];
static struct ledger *l;
static int64_t gift, small_gift, annulled;

static int
setup(void **state)
{
	struct ledger_init in = {
	    "Walk Against Traffick", "Jackson, MS", "2026-05-02", "A", 0, NULL};
	const char *repo = getenv("REPO");
	char *path, *cause = NULL;
	uint32_t id;

	snprintf(assets, sizeof assets, "%s/assets", repo != NULL ? repo : ".");
	setenv("WAT_ASSETS", assets, 1);
	unsetenv("WAT_PRINTER");
	unsetenv("WAT_PAPER");
	if (mkdtemp(dir) == NULL)
		return -1;
	path = xasprintf("%s/ledger.db", dir);
	if (ledger_open(path, &l, &cause) != 0 || ledger_init_event(l, &in, "t", &cause) != 0 ||
	    ledger_set(l, "org-name", "International Outreach Ministries", "t", &cause) != 0 ||
	    ledger_set(l, "org-ein", "64-0123456", "t", &cause) != 0 ||
	    ledger_set(l, "premium-desc", "event T-shirt", "t", &cause) != 0 ||
	    ledger_set(l, "premium-value", "15", "t", &cause) != 0 ||
	    ledger_set(l, "lap-length", "400", "t", &cause) != 0 ||
	    ledger_walker_add(l, "Zoë Ångström", "Hope", NULL, NULL, NULL, "t", &id, &cause) != 0 ||
	    ledger_walker_add(l, "Ana Lima", NULL, NULL, NULL, NULL, "t", &id, &cause) != 0 ||
	    ledger_donate(l, 1, 12500, RULES_CHECK, "1234", "Pat O'Neil", "t", &gift, &cause) !=
	        0 ||
	    ledger_donate(l, 2, 2000, RULES_CASH, NULL, NULL, "t", &small_gift, &cause) != 0 ||
	    ledger_donate(l, 2, 3000, RULES_CASH, NULL, NULL, "t", &annulled, &cause) != 0 ||
	    ledger_annul(l, annulled, "typo", "t", RULES_COORDINATOR, NULL, NULL, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	free(path);
	return 0;
}

static int
teardown(void **state)
{
	ledger_free(l);
	if (tmpdir_remove(dir) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return 0;
}

/* Runs the command of entry e on the test's ledger, as watctl would. */
static int
cli(const struct cli_cmd_entry *e, const char *a0, const char *a1, const char *a2, const char *a3,
    const char *a4)
{
	char *argv[6] = {(char *)a0, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
	struct cli_cmd_ctx c = {NULL, NULL, "volunteer", l};
	int argc = 0;

	while (argc < 5 && argv[argc] != NULL)
		argc++;
	return cli_cmd_exec(e, &c, argc, argv);
}

static char *
text_of(const char *pdf)
{
	char *cmd = xasprintf("pdftotext -q -layout '%s' '%s.txt'", pdf, pdf), *path, *data = NULL;
	size_t len;

	if (system(cmd) != 0) {
		free(cmd);
		return NULL;
	}
	free(cmd);
	path = xasprintf("%s.txt", pdf);
	if (util_read_file(path, 1 << 20, &data, &len, NULL) != 0)
		data = NULL;
	free(path);
	return data;
}

struct prints {
	int n;
	char last[512];
};

static int
prints_cb(const struct ledger_entry *e, void *arg)
{
	struct prints *p = arg;

	if (strcmp(e->kind, "print") == 0) {
		p->n++;
		snprintf(p->last, sizeof p->last, "%s", e->line);
	}
	return 0;
}

static void
test_receipt_then_copy(void **state)
{
	char seq[32], *out = xasprintf("%s/r1.pdf", dir), *out2 = xasprintf("%s/r2.pdf", dir), *t;
	struct prints p = {0, ""};
	char *cause = NULL;

	snprintf(seq, sizeof seq, "%lld", (long long)gift);
	assert_int_equal(print_cli_receipt_delivered(l, gift, &cause), 0);
	assert_int_equal(cli(&print_cli_receipt_entry, seq, "--out", out, NULL, NULL), 0);
	assert_int_equal(print_cli_receipt_delivered(l, gift, &cause), 1);
	assert_int_equal(ledger_entries(l, 1, prints_cb, &p, &cause), 0);
	assert_int_equal(p.n, 1);
	assert_non_null(strstr(p.last, "\"data\":{\"what\":\"receipt\",\"of\":"));
	assert_non_null(strstr(p.last, "\"copy\":false,\"outcome\":\"saved\""));
	if ((t = text_of(out)) != NULL) {
		assert_non_null(strstr(t, "International Outreach Ministries"));
		assert_non_null(strstr(t, "EIN 64-0123456"));
		assert_non_null(strstr(t, "Zoë Ångström"));
		assert_non_null(strstr(t, "Pat O'Neil"));
		assert_non_null(strstr(t, "$125.00"));
		assert_non_null(strstr(t, "Check no. 1234"));
		assert_non_null(strstr(t, "limited to the excess over $15.00"));
		assert_null(strstr(t, "COPY"));
		free(t);
	}
	assert_int_equal(cli(&print_cli_receipt_entry, seq, "--out", out2, "--paper", "58mm"), 0);
	p.n = 0;
	assert_int_equal(ledger_entries(l, 1, prints_cb, &p, &cause), 0);
	assert_int_equal(p.n, 2);
	assert_non_null(strstr(p.last, "\"copy\":true"));
	if ((t = text_of(out2)) != NULL) {
		assert_non_null(strstr(t, "COPY"));
		free(t);
	}
	free(out);
	free(out2);
}

static void
test_small_cash_receipt(void **state)
{
	char seq[32], *out = xasprintf("%s/small.pdf", dir), *t;

	snprintf(seq, sizeof seq, "%lld", (long long)small_gift);
	assert_int_equal(cli(&print_cli_receipt_entry, seq, "--out", out, "--paper", "letter"), 0);
	if ((t = text_of(out)) != NULL) {
		assert_non_null(strstr(t, "No goods or services were provided in exchange for"));
		assert_non_null(strstr(t, "Ana Lima"));
		assert_non_null(strstr(t, "$20.00"));
		free(t);
	}
	free(out);
}

static void
test_refusals(void **state)
{
	char seq[32], *out = xasprintf("%s/x.pdf", dir);

	snprintf(seq, sizeof seq, "%lld", (long long)annulled);
	assert_int_equal(cli(&print_cli_receipt_entry, seq, "--out", out, NULL, NULL),
	                 1); /* annulled */
	assert_int_equal(cli(&print_cli_receipt_entry, "1", "--out", out, NULL, NULL),
	                 1); /* not a gift */
	assert_int_equal(cli(&print_cli_receipt_entry, "99999", "--out", out, NULL, NULL), 1);
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(cli(&print_cli_receipt_entry, seq, NULL, NULL, NULL, NULL), 2);
	assert_int_equal(cli(&print_cli_receipt_entry, "--out", out, NULL, NULL, NULL), 2);
	assert_int_equal(cli(&print_cli_receipt_entry, seq, "--out", out, "--print", NULL), 2);
	assert_int_equal(cli(&print_cli_receipt_entry, "abc", "--out", out, NULL, NULL), 2);
	assert_int_equal(cli(&print_cli_receipt_entry, seq, "--out", out, "--paper", "legal"), 2);
	assert_int_equal(cli(&print_cli_badge_entry, "77", "--out", out, NULL, NULL), 1);
	assert_int_equal(cli(&print_cli_badges_entry, "--out", out, "--layout", "9x9", NULL), 2);
	assert_int_equal(cli(&print_cli_badges_entry, "--out", out, "--match", "nobody", NULL), 1);
	assert_int_equal(cli(&print_cli_badges_entry, "--out", out, "--new", "--all", NULL), 2);
	assert_int_equal(cli(&print_cli_badges_entry, "3", "--out", out, NULL, NULL), 2);
	assert_int_equal(cli(&print_cli_statement_entry, "owed", "--out", out, NULL, NULL), 2);
	assert_int_equal(cli(&print_cli_statement_entry, "--out", out, NULL, NULL, NULL), 2);
	free(out);
}

static void
test_badge_badges_slip(void **state)
{
	char *out = xasprintf("%s/b.pdf", dir), *t;
	struct prints p = {0, ""};
	char *cause = NULL;

	assert_int_equal(cli(&print_cli_badge_entry, "1", "--out", out, NULL, NULL), 0);
	if ((t = text_of(out)) != NULL) {
		assert_non_null(strstr(t, "Zoë Ångström"));
		assert_non_null(strstr(t, "Walker #1"));
		assert_non_null(strstr(t, "W1-"));
		free(t);
	}
	assert_int_equal(cli(&print_cli_badges_entry, "--out", out, "--layout", "3x10", NULL), 0);
	if ((t = text_of(out)) != NULL) {
		assert_non_null(strstr(t, "Lima")); /* names may wrap on a label */
		assert_non_null(strstr(t, "Ångström"));
		free(t);
	}
	assert_int_equal(ledger_entries(l, 1, prints_cb, &p, &cause), 0);
	assert_non_null(strstr(p.last, "{\"what\":\"badges\",\"count\":2,\"which\":\"all\","));
	assert_non_null(strstr(p.last, ",\"outcome\":\"saved\""));
	assert_int_equal(cli(&print_cli_slip_entry, "1", "--out", out, NULL, NULL), 0);
	if ((t = text_of(out)) != NULL) {
		assert_non_null(strstr(t, "Raised"));
		assert_non_null(strstr(t, "$125.00"));
		free(t);
	}
	free(out);
}

/* Sheets say for whom: "new" starts after the last delivered sheet of all or
 * new, a team is matched capitals and accents aside, a badge printed before
 * is a reprint; a sheet that did not print moves nothing. */
static void
test_badges_new_team_reprint(void **state)
{
	struct print_cli_badges q = {PRINT_CLI_NEW, NULL, "3x10", LAYOUT_ROLL80, NULL, NULL};
	struct print_cli_rec r;
	char *cause = NULL, *pdf = NULL;
	int64_t since = 0, since2 = 0;
	size_t len;
	uint32_t id;

	/* test_badge_badges_slip printed badge 1 and a sheet of all: nobody is new */
	assert_int_equal(print_cli_badges_since(l, &since, &cause), 0);
	assert_true(since > 0);
	assert_int_equal(print_cli_badges_pdf(l, &q, assets, &r, &pdf, &len, &cause), -1);
	assert_non_null(strstr(cause, "Nobody was registered since the last sheet"));
	free(cause);
	cause = NULL;
	assert_int_equal(print_cli_badge_reprint(l, 1, &cause), 1);
	assert_int_equal(print_cli_badge_reprint(l, 2, &cause), 1); /* on the sheet */

	assert_int_equal(ledger_walker_add(l, "Li Wei", "hope", NULL, NULL, NULL, "t", &id, &cause),
	                 0);
	assert_int_equal(print_cli_badge_reprint(l, id, &cause), 0);
	assert_int_equal(print_cli_badges_pdf(l, &q, assets, &r, &pdf, &len, &cause), 0);
	free(pdf);
	assert_int_equal(r.of, 1);
	assert_string_equal(r.which, "new");
	assert_true(r.through > since);
	/* one team, capitals aside: Zoë (Hope) and Li (hope) */
	q.which = PRINT_CLI_TEAM;
	q.text = "HOPE";
	q.layout = "roll";
	assert_int_equal(print_cli_badges_pdf(l, &q, assets, &r, &pdf, &len, &cause), 0);
	free(pdf);
	assert_int_equal(r.of, 2);
	assert_string_equal(r.team, "HOPE");
	/* a team sheet that did not print: Li is still not printed, "new" unmoved */
	snprintf(r.outcome, sizeof r.outcome, "stopped");
	assert_int_equal(print_cli_record(l, "t", &r, &cause), 0);
	assert_int_equal(print_cli_badge_reprint(l, id, &cause), 0);
	/* it printed: now Li's badge would be a reprint; "new" is unmoved by a team */
	snprintf(r.outcome, sizeof r.outcome, "completed");
	assert_int_equal(print_cli_record(l, "t", &r, &cause), 0);
	assert_int_equal(print_cli_badge_reprint(l, id, &cause), 1);
	assert_int_equal(print_cli_badges_since(l, &since2, &cause), 0);
	assert_int_equal(since2, since);
}

static void
test_field_parser_via_donor_quotes(void **state)
{
	int64_t seq;
	char *cause = NULL, s[32], *out = xasprintf("%s/q.pdf", dir), *t;

	/* a donor name with quotes and backslashes survives the JSON round trip */
	assert_int_equal(
	    ledger_donate(l, 1, 500, RULES_CASH, NULL, "A \"B\" \\ C", "t", &seq, &cause), 0);
	snprintf(s, sizeof s, "%lld", (long long)seq);
	assert_int_equal(cli(&print_cli_receipt_entry, s, "--out", out, NULL, NULL), 0);
	if ((t = text_of(out)) != NULL) {
		assert_non_null(strstr(t, "A \"B\" \\ C"));
		free(t);
	}
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_receipt_then_copy),
	    cmocka_unit_test(test_small_cash_receipt),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_badge_badges_slip),
	    cmocka_unit_test(test_badges_new_team_reprint),
	    cmocka_unit_test(test_field_parser_via_donor_quotes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
