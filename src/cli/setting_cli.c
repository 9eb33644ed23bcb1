/* setting_cli.c — `watctl set` and `watctl settings`: the settings table
 * (setting.h) on the command line. */
#include "setting_cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "ledger.h"
#include "setting.h"

/* The keys, how each is written and what it does: after set's usage. */
static void
setting_cli_keys(FILE *f)
{
	const struct setting *s;
	char def[160];
	size_t i;

	fprintf(f, "Keys:\n");
	for (i = 0; (s = setting_at(i)) != NULL; i++) {
		setting_show(s, s->def, def, sizeof def);
		fprintf(f, "  %-13s %s", s->key, s->help);
		if (*s->def != '\0' && s->id != SETTING_NAME && s->id != SETTING_CITY &&
		    s->id != SETTING_DATE)
			fprintf(f, " Default: %s.", def);
		fputc('\n', f);
	}
}

static enum cli_ret
setting_cli_set(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;

	if (a->npos != 2)
		return cli_usage(c);
	if (ledger_set(c->l, a->pos[0], a->pos[1], c->op, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	printf("%s is now %s.\n", cli_esc(a->pos[0]), cli_esc(a->pos[1]));
	return CLI_OK;
}

const struct cli_cmd_entry setting_cli_set_entry = {
    .name = "set",
    .usage = "KEY VALUE",
    .about = "change a setting ('set --help': the keys)",
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .more = setting_cli_keys,
    .exec = setting_cli_set,
};

/* settings --markdown: the table of docs/FORMATS.md; needs no ledger. */
static enum cli_ret
setting_cli_markdown(void)
{
	char *md = setting_markdown();

	fputs(md, stdout);
	free(md);
	return CLI_OK;
}

static enum cli_ret
setting_cli_settings(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger_event ev;
	const struct setting *s;
	char canon[SETTING_VALUE_MAX], shown[SETTING_VALUE_MAX];
	size_t i;

	if (a->npos != 0)
		return cli_usage(c);
	if (cli_given(a, "markdown"))
		return setting_cli_markdown();
	if (ledger_event(c->l, &ev) != 0)
		return cli_fail(CLI_REFUSED, "The event has not been set up yet (run init).");
	for (i = 0; (s = setting_at(i)) != NULL; i++) {
		ledger_event_value(&ev, s, canon, sizeof canon);
		setting_show(s, canon, shown, sizeof shown);
		printf("%s\t%s\n", s->key,
		       canon[0] == '\0' && s->empty != NULL ? s->empty : cli_esc(shown));
		if (s->id == SETTING_ROLE) /* the station's own, beside its role */
			printf("station\t%s\nbadge-tag\t%s\n", cli_esc(ev.station),
			       cli_esc(ev.event_tag));
	}
	return CLI_OK;
}

const struct cli_cmd_entry setting_cli_settings_entry = {
    .name = "settings",
    .usage = "[--markdown]",
    .about = "the event's settings (--markdown: the keys as a table, no ledger needed)",
    .opts = CLI_OPTS(CLI_FLAG("markdown")),
    .needs = CLI_EVENT,
    .how = CLI_READ,
    .bare = "markdown",
    .exec = setting_cli_settings,
};
