/* watctl — the station's command-line tool (see README.md and docs/).
 *
 * Exit status: 0 done, 1 refused by a rule or could not be recorded (the
 * message says why), 2 bad usage or input.  Messages on stderr are plain
 * sentences; results on stdout.
 *
 * This file is the table of commands, and main, which runs an entry with
 * the ledger it needs.  Each command is an entry (cli.h) beside its
 * function in the *_cli.c file it belongs to; adding one is that entry and
 * its line here (docs/ARCHITECTURE.md). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "age_cli.h"
#include "bundle_cli.h"
#include "hq_cli.h"
#include "cli.h"
#include "ledger.h"
#include "ledger_cli.h"
#include "stamp.h"
#include "pin_cli.h"
#include "pledge_cli.h"
#include "print_cli.h"
#include "scan_cli.h"
#include "send_cli.h"
#include "setting_cli.h"
#include "sync_cli.h"
#include "event_cli.h"
#include "trust_cli.h"
#include "util.h"

extern const struct cli_cmd_entry watctl_help_entry;

/* In the order of `watctl --help`; one line a command (no reflow: merges
 * of new commands stay one line each). */
/* clang-format off */
static const struct cli_cmd_entry *const watctl_cmds[] = {
	&ledger_cli_init_entry,
	&pin_cli_pin_entry,
	&setting_cli_set_entry,
	&setting_cli_settings_entry,
	&ledger_cli_roster_entry,
	&ledger_cli_walker_entry,
	&ledger_cli_badge_code_entry,
	&ledger_cli_scan_entry,
	&ledger_cli_checkin_entry,
	&ledger_cli_lap_entry,
	&ledger_cli_donate_entry,
	&ledger_cli_annul_entry,
	&pledge_cli_pledge_entry,
	&ledger_cli_report_entry,
	&print_cli_receipt_entry,
	&print_cli_badge_entry,
	&print_cli_badges_entry,
	&print_cli_slip_entry,
	&print_cli_statement_entry,
	&bundle_cli_close_entry,
	&bundle_cli_reopen_entry,
	&bundle_cli_close_sheet_entry,
	&bundle_cli_export_entry,
	&bundle_cli_pubkey_entry,
	&bundle_cli_event_pack_entry,
	&bundle_cli_verify_entry,
	&hq_cli_merge_entry,
	&hq_cli_report_entry,
	&hq_cli_csv_entry,
	&hq_cli_pending_entry,
	&hq_cli_accept_entry,
	&hq_cli_refuse_entry,
	&hq_cli_revoke_entry,
	&hq_cli_distrust_entry,
	&hq_cli_log_entry,
	&hq_cli_staff_entry,
	&hq_cli_pay_entry,
	&age_cli_hq_init_entry,
	&trust_cli_hq_charter_entry,
	&trust_cli_hq_rotate_entry,
	&sync_cli_sync_entry,
	&send_cli_send_entry,
	&event_cli_conflicts_entry,
	&event_cli_link_entry,
	&event_cli_review_entry,
	&ledger_cli_log_entry,
	&ledger_cli_check_entry,
	&ledger_cli_rebuild_entry,
	&scan_cli_decode_entry,
	&watctl_help_entry,
};
/* clang-format on */

/* The list of commands: every entry's usage and what it does. */
static int
watctl_usage(int code)
{
	FILE *f = code == CLI_OK ? stdout : stderr;
	size_t i;

	fprintf(f, "Usage: watctl [--db FILE] [--op NAME] COMMAND ...\n"
	           "The ledger is --db FILE, else $WAT_DB. 'watctl help COMMAND' (or "
	           "'watctl COMMAND --help'): its usage. Commands:\n");
	for (i = 0; i < nitems(watctl_cmds); i++)
		cli_cmd_list(watctl_cmds[i], f);
	return code;
}

static enum cli_ret
watctl_help(struct cli_cmd_ctx *c, struct cli_args *a)
{
	const struct cli_cmd_entry *e;

	if (a->npos == 0)
		return watctl_usage(CLI_OK);
	if (a->npos != 1)
		return cli_usage(c);
	if ((e = cli_cmd_find(watctl_cmds, nitems(watctl_cmds), a->pos[0])) == NULL) {
		fprintf(stderr, "Unknown command \"%s\".\n", cli_esc(a->pos[0]));
		return watctl_usage(CLI_USAGE);
	}
	cli_cmd_usage(e, stdout);
	return CLI_OK;
}

const struct cli_cmd_entry watctl_help_entry = {
    .name = "help",
    .usage = "[COMMAND]",
    .about = "the commands, or one command's usage",
    .needs = CLI_NONE,
    .exec = watctl_help,
};

/* Opens c->db as a command needs; CLI_OK, or the exit status after a
 * sentence.  *created: the file did not exist (a failed init removes it). */
static enum cli_ret
watctl_open(struct cli_cmd_ctx *c, enum cli_open how, int *created)
{
	static const enum ledger_open modes[] = {
	    [CLI_READ] = LEDGER_READ, [CLI_WRITE] = LEDGER_WRITE, [CLI_CREATE] = LEDGER_CREATE};
	struct ledger_event ev;
	struct stat sb;
	char *cause = NULL;

	if (c->db == NULL || *c->db == '\0')
		return cli_fail(CLI_USAGE, "Say which ledger: --db FILE (or set WAT_DB).");
	*created = how == CLI_CREATE && stat(c->db, &sb) != 0 && errno == ENOENT;
	if (ledger_open_mode(c->db, modes[how], &c->l, &cause) != 0)
		return cli_cause(stat(c->db, &sb) != 0 && errno == ENOENT ? CLI_USAGE : CLI_REFUSED,
		                 cause);
	if (c->entry->needs == CLI_EVENT && !ledger_has_event(c->l))
		return cli_fail(
		    CLI_REFUSED,
		    "%s has no event yet: set it up first with 'watctl --db %s init ...'.", c->db,
		    c->db);
	/* every time printed for people in the station's zone (setting time-zone) */
	if (ledger_event(c->l, &ev) == 0)
		stamp_zone(ev.time_zone);
	return CLI_OK;
}

/* Runs e with the words after its name: parsed by its options before
 * anything is opened (--help: its usage), the ledger opened as it needs,
 * closed after; a ledger made for a command that failed is removed. */
static enum cli_ret
watctl_run(const struct cli_cmd_entry *e, struct cli_cmd_ctx *c, int argc, char **argv)
{
	struct cli_args a;
	enum cli_open how;
	enum cli_ret rc;
	int help = 0, created = 0;

	if ((rc = cli_cmd_parse(e, c, argc, argv, &a, &help)) != CLI_OK)
		goto end;
	if (help) {
		cli_cmd_usage(e, stdout);
		goto end;
	}
	if (cli_cmd_ledger(e, &a, &how) && (rc = watctl_open(c, how, &created)) != CLI_OK)
		goto end;
	rc = e->exec(c, &a);
end:
	ledger_free(c->l);
	c->l = NULL;
	if (created && rc != CLI_OK)
		ledger_remove_files(c->db);
	cli_args_free(&a);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli_cmd_ctx c = {NULL, NULL, "watctl", NULL};
	const struct cli_cmd_entry *cmd;
	int k = 1, db_given = 0, op_given = 0;

	/* A full disk or a file-size limit must be an error, not a signal. */
	signal(SIGXFSZ, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	c.db = getenv("WAT_DB");
	while (k < argc && strncmp(argv[k], "--", 2) == 0) {
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0)
			return watctl_usage(CLI_OK);
		if (strcmp(argv[k], "--version") == 0) {
			printf("watctl %s\n", WAT_VERSION);
			return CLI_OK;
		}
		if (k + 1 >= argc)
			return watctl_usage(CLI_USAGE);
		if (strcmp(argv[k], "--db") == 0 || strcmp(argv[k], "--op") == 0) {
			const char **slot = argv[k][2] == 'd' ? &c.db : &c.op;
			int *seen = argv[k][2] == 'd' ? &db_given : &op_given;

			if ((*seen)++)
				return cli_fail(CLI_USAGE, "%s given twice: give it once.",
				                argv[k]);
			*slot = argv[k + 1];
		} else {
			fprintf(stderr, "Unknown option %s.\n", argv[k]);
			return watctl_usage(CLI_USAGE);
		}
		k += 2;
	}
	if (k >= argc)
		return watctl_usage(CLI_USAGE);
	if ((cmd = cli_cmd_find(watctl_cmds, nitems(watctl_cmds), argv[k])) == NULL) {
		fprintf(stderr, "Unknown command \"%s\".\n", argv[k]);
		return watctl_usage(CLI_USAGE);
	}
	return watctl_run(cmd, &c, argc - k - 1, argv + k + 1);
}
