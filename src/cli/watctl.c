/* watctl — the station's command-line tool (see README.md and docs/).
 *
 * Exit status: 0 done, 1 refused by a rule or could not be recorded (the
 * message says why), 2 bad usage or input.  Messages on stderr are plain
 * sentences; results on stdout. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "age_cli.h"
#include "amount.h"
#include "bundle.h"
#include "bundle_cli.h"
#include "hq_cli.h"
#include "cli.h"
#include "ledger.h"
#include "pin.h"
#include "print_cli.h"
#include "roster.h"
#include "scan_cli.h"
#include "stamp.h"
#include "sync_cli.h"
#include "strbuf.h"
#include "text.h"
#include "trust_cli.h"
#include "util.h"

#define WATCTL_ROSTER_MAX (64u * 1024 * 1024)

struct watctl_ctx {
	const char *db;
	const char *op;
	struct ledger *l;
};

/* ---- commands --------------------------------------------------------------- */

/* A PIN (or code) from the first line of a file, or typed on the terminal
 * without echo (twice when confirm).  0, or CLI_USAGE after a sentence. */
static int
watctl_secret(const char *file, const char *prompt, int confirm, char *out, size_t len)
{
	char *data = NULL, *cause = NULL, again[64];
	size_t n = 0;
	struct termios old, quiet;
	int rc = CLI_USAGE, tty;

	if (file != NULL) {
		if (util_read_file(file, 4096, &data, &n, &cause) != 0)
			return cli_cause(CLI_USAGE, cause);
		data[strcspn(data, "\r\n")] = '\0';
		snprintf(out, len, "%s", text_trim(data));
		util_wipe(data, n);
		free(data);
		return 0;
	}
	if (!isatty(STDIN_FILENO))
		return -1; /* the caller says what to give instead */
	tty = tcgetattr(STDIN_FILENO, &old) == 0;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	for (int i = 0; i < (confirm ? 2 : 1); i++) {
		char *buf = i == 0 ? out : again;
		size_t size = i == 0 ? len : sizeof again;

		fprintf(stderr, "%s", i == 0 ? prompt : "Type it again: ");
		if (tty)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		if (fgets(buf, (int)size, stdin) == NULL)
			buf[0] = '\0';
		if (tty)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
		buf[strcspn(buf, "\r\n")] = '\0';
	}
	if (confirm && strcmp(out, again) != 0)
		cli_fail(CLI_USAGE, "The two PINs were different: nothing was changed.");
	else
		rc = 0;
	util_wipe(again, sizeof again);
	return rc;
}

/* Sets the station's PIN and says the recovery code once. */
static int
watctl_pin_store(struct watctl_ctx *c, const char *pin, const char *old, const char *code)
{
	struct pin_throttle t;
	char *path = pin_path(c->db), *cause = NULL, fresh[PIN_CODE_MAX];
	int64_t wait_ms = 0;
	int rc;

	memset(&t, 0, sizeof t);
	rc = pin_set(c->l, path, &t, pin, old, code, fresh, &wait_ms, &cause);
	free(path);
	if (rc != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("The coordinator PIN is set.\n");
	if (fresh[0] != '\0')
		printf(
		    "Recovery code (write it down and keep it apart from the station; it is shown "
		    "only now):\n\n    %s\n\nWith it a forgotten PIN can be replaced (kiosk: "
		    "Coordinator, Forgot the PIN?).\n",
		    fresh);
	util_wipe(fresh, sizeof fresh);
	return CLI_OK;
}

static int
watctl_init(struct watctl_ctx *c, int argc, char **argv)
{
	struct cli_opt opts[] = {
	    CLI_VALUE("name"),     CLI_VALUE("city"),    CLI_VALUE("date"),
	    CLI_VALUE("goal"),     CLI_VALUE("station"), CLI_VALUE("pin-file"),
	    CLI_FLAG("pin-later"), CLI_VALUE("charter"), CLI_VALUE("event-key")};
	struct cli_args a;
	struct ledger_init in;
	struct ledger_event ev;
	struct trust_cli_charter tc;
	char *cause = NULL, pin[64] = "";
	const char *goal, *charter;
	int rc, later;

	if ((rc = cli_parse(argc, argv, opts, nitems(opts), &a)) != 0)
		return rc;
	memset(&in, 0, sizeof in);
	in.name = cli_val(opts, nitems(opts), "name");
	in.city = cli_val(opts, nitems(opts), "city");
	in.date = cli_val(opts, nitems(opts), "date");
	in.station = cli_val(opts, nitems(opts), "station");
	later = cli_given(opts, nitems(opts), "pin-later");
	charter = cli_val(opts, nitems(opts), "charter");
	memset(&tc, 0, sizeof tc);
	if ((charter == NULL ? (in.name == NULL || in.city == NULL || in.date == NULL ||
	                        cli_val(opts, nitems(opts), "event-key") != NULL)
	                     : (in.name != NULL || in.city != NULL || in.date != NULL)) ||
	    a.npos != 0 || (later && cli_val(opts, nitems(opts), "pin-file") != NULL))
		return cli_fail(CLI_USAGE,
		                "Usage: watctl --db FILE init --name NAME --city CITY --date "
		                "YYYY-MM-DD [--goal AMOUNT] [--station ID] [--pin-file FILE | "
		                "--pin-later]\n"
		                "   or: watctl --db FILE init --charter FILE --event-key FILE "
		                "[--goal AMOUNT] [--station ID] [--pin-file FILE | --pin-later]\n"
		                "(with a charter, the event's name, city and date come from it)");
	if ((goal = cli_val(opts, nitems(opts), "goal")) != NULL &&
	    amount_parse(goal, INT64_C(100000000000), &in.goal_cents, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	/* the PIN first: nothing is set up with a PIN that would be refused */
	if (!later) {
		rc = watctl_secret(cli_val(opts, nitems(opts), "pin-file"),
		                   "Choose the coordinator PIN (6 to 8 digits): ", 1, pin,
		                   sizeof pin);
		if (rc < 0)
			rc = cli_fail(
			    CLI_USAGE,
			    "init sets the coordinator PIN: give --pin-file FILE (the PIN on "
			    "its first line), run it on a terminal to type it, or give "
			    "--pin-later to have the kiosk ask for it when it first starts.");
		if (rc == 0 && pin_valid(pin, &cause) != 0)
			rc = cli_cause(CLI_USAGE, cause);
		if (rc != 0)
			goto end;
	}
	if (charter != NULL) {
		if ((rc = trust_cli_charter_open(charter, cli_val(opts, nitems(opts), "event-key"),
		                                 &tc)) != CLI_OK)
			goto end;
		in.name = tc.c.name;
		in.city = tc.c.city;
		in.date = tc.c.date;
	}
	if (ledger_init_event(c->l, &in, c->op, &cause) != 0) {
		rc = cli_cause(ledger_has_event(c->l) ? CLI_REFUSED : CLI_USAGE, cause);
		goto end;
	}
	ledger_event(c->l, &ev);
	printf("Event \"%s\" in %s on %s is set up on station %s (badge tag %s).\n",
	       cli_esc(ev.name), cli_esc(ev.city), ev.date, ev.station, ev.event_tag);
	if ((rc = trust_cli_init_finish(c->db, c->l, charter != NULL ? &tc : NULL, c->op)) !=
	    CLI_OK)
		goto end;
	if (later)
		printf("No coordinator PIN yet: the kiosk asks for one before anything else when "
		       "it first starts.\n");
	else
		rc = watctl_pin_store(c, pin, NULL, NULL);
end:
	trust_cli_charter_clear(&tc);
	util_wipe(pin, sizeof pin);
	return rc;
}

/* pin set: a new PIN, with the current one or the recovery code. */
static int
watctl_pin(struct watctl_ctx *c, int argc, char **argv)
{
	struct cli_opt opts[] = {CLI_VALUE("pin-file"), CLI_VALUE("old-pin-file"),
	                         CLI_VALUE("recovery")};
	struct cli_args a;
	char pin[64] = "", old[64] = "", *path = NULL;
	const char *code;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, nitems(opts), &a)) != 0)
		return rc;
	code = cli_val(opts, nitems(opts), "recovery");
	if (a.npos != 1 || strcmp(a.pos[0], "set") != 0 ||
	    (code != NULL && cli_val(opts, nitems(opts), "old-pin-file") != NULL))
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE pin set [--pin-file NEW] "
		                           "[--old-pin-file FILE | --recovery CODE]");
	path = pin_path(c->db);
	if (code == NULL && pin_is_set(path)) {
		rc = watctl_secret(cli_val(opts, nitems(opts), "old-pin-file"),
		                   "The current PIN: ", 0, old, sizeof old);
		if (rc < 0)
			rc = cli_fail(CLI_USAGE,
			              "Give the current PIN (--old-pin-file FILE, or type "
			              "it on a terminal) or --recovery CODE.");
		if (rc != 0)
			goto end;
	}
	rc = watctl_secret(cli_val(opts, nitems(opts), "pin-file"),
	                   "The new PIN (6 to 8 digits): ", 1, pin, sizeof pin);
	if (rc < 0)
		rc = cli_fail(CLI_USAGE, "Give the new PIN: --pin-file FILE, or type it on a "
		                         "terminal.");
	if (rc == 0)
		rc = watctl_pin_store(c, pin, old, code);
end:
	free(path);
	util_wipe(pin, sizeof pin);
	util_wipe(old, sizeof old);
	return rc;
}

/* The keys, how each is written and what it does: set's usage. */
static void
watctl_set_usage(FILE *f)
{
	const struct setting *s;
	char def[160];
	size_t i;

	fprintf(f, "Usage: watctl --db FILE set KEY VALUE\nKeys:\n");
	for (i = 0; (s = setting_at(i)) != NULL; i++) {
		setting_show(s, s->def, def, sizeof def);
		fprintf(f, "  %-13s %s", s->key, s->help);
		if (*s->def != '\0' && s->id != SETTING_NAME && s->id != SETTING_CITY &&
		    s->id != SETTING_DATE)
			fprintf(f, " Default: %s.", def);
		fputc('\n', f);
	}
}

static int
watctl_set(struct watctl_ctx *c, int argc, char **argv)
{
	char *cause = NULL;

	if (argc == 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		watctl_set_usage(stdout);
		return CLI_OK;
	}
	if (argc != 2) {
		watctl_set_usage(stderr);
		return CLI_USAGE;
	}
	if (ledger_set(c->l, argv[0], argv[1], c->op, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	printf("%s is now %s.\n", cli_esc(argv[0]), cli_esc(argv[1]));
	return CLI_OK;
}

/* settings --markdown: the table of docs/FORMATS.md; needs no ledger. */
static int
watctl_settings_markdown(void)
{
	char *md = setting_markdown();

	fputs(md, stdout);
	free(md);
	return CLI_OK;
}

static int
watctl_settings(struct watctl_ctx *c, int argc, char **argv)
{
	struct ledger_event ev;
	const struct setting *s;
	char canon[512], shown[512];
	size_t i;

	if (argc == 1 && strcmp(argv[0], "--markdown") == 0)
		return watctl_settings_markdown();
	if (argc != 0)
		return cli_fail(CLI_USAGE,
		                "Usage: watctl --db FILE settings | settings --markdown");
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

static int
watctl_roster(struct watctl_ctx *c, int argc, char **argv)
{
	struct roster *r = NULL;
	struct ledger_import res;
	char *data = NULL, *cause = NULL;
	size_t len;
	int rc;

	if (argc != 2 || strcmp(argv[0], "import") != 0)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE roster import FILE.csv");
	if (util_read_file(argv[1], WATCTL_ROSTER_MAX, &data, &len, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if (roster_parse(data, len, &r, &cause) != 0) {
		fprintf(stderr, "%s: nothing was imported.\n", argv[1]);
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	if (ledger_roster_import(c->l, r, c->op, &res, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("Imported %s: %zu added, %zu updated, %zu unchanged.\n", argv[1], res.added,
	       res.updated, res.unchanged);
	rc = CLI_OK;
end:
	roster_free(r);
	free(data);
	return rc;
}

static void
watctl_print_walker_line(const struct ledger_walker *w)
{
	char raised[32];

	printf("%" PRIu32 "\t%s\t%s\t%s\t%" PRId64 " laps\t%s%s\n", w->id,
	       w->name ? cli_esc(w->name) : "(seen by badge)", w->team ? cli_esc(w->team) : "-",
	       w->checked_in ? "checked in" : "not checked in", w->laps,
	       amount_format(w->raised_cents, raised, sizeof raised),
	       w->active || w->reg_seq == 0 ? "" : "\tannulled");
}

static int
watctl_walker_line_cb(const struct ledger_walker *w, void *arg)
{
	size_t *n = arg;

	watctl_print_walker_line(w);
	(*n)++;
	return 0;
}

static int
watctl_entry_line_cb(const struct ledger_entry *e, void *arg)
{
	char when[32];
	const char *data = strstr(e->line, "\"data\":");

	char *text;

	stamp_format_utc(e->at.wall_ms, when, sizeof when);
	printf("%6" PRId64 "  %s  %-13s", e->seq, when, cli_esc(e->kind));
	if (e->walker != 0)
		printf(" walker %-6" PRIu32, e->walker);
	if (e->ref != 0)
		printf(" of %" PRId64, e->ref);
	printf(" by %s", cli_esc(e->op));
	if (data != NULL) {
		/* the JSON escapes C0 controls; C1 and bidi overrides are escaped here */
		text = xstrndup(data + 7, strlen(data + 7) - 1);
		printf("  %s", cli_esc(text));
		free(text);
	}
	if (e->annulled_by != 0)
		printf("  [annulled by %" PRId64 "]", e->annulled_by);
	putchar('\n');
	return arg != NULL && --*(int *)arg <= 0;
}

static int
watctl_walker(struct watctl_ctx *c, int argc, char **argv)
{
	struct cli_opt opts[] = {CLI_VALUE("name"), CLI_VALUE("team"), CLI_VALUE("email"),
	                         CLI_VALUE("phone"), CLI_VALUE("id")};
	struct cli_args a;
	struct ledger_walker w;
	char code[BADGE_CODE_MAX], raised[32], *cause = NULL;
	int64_t id;
	uint32_t nid;
	size_t n = 0;
	int rc, recent = 10;

	if (argc < 1)
		goto usage;
	if ((rc = cli_parse(argc - 1, argv + 1, opts, nitems(opts), &a)) != 0)
		return rc;
	if (strcmp(argv[0], "add") == 0) {
		if (cli_val(opts, nitems(opts), "name") == NULL || a.npos != 0)
			goto usage;
		if (ledger_walker_add(c->l, cli_val(opts, nitems(opts), "name"),
		                      cli_val(opts, nitems(opts), "team"),
		                      cli_val(opts, nitems(opts), "email"),
		                      cli_val(opts, nitems(opts), "phone"),
		                      cli_val(opts, nitems(opts), "id"), c->op, &nid, &cause) != 0)
			return cli_cause(CLI_USAGE, cause);
		if (ledger_badge_code(c->l, nid, code, sizeof code, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		printf("%" PRIu32 "\t%s\n", nid, code);
		return CLI_OK;
	}
	if (strcmp(argv[0], "list") == 0 || strcmp(argv[0], "find") == 0) {
		const char *text = NULL;

		if (strcmp(argv[0], "find") == 0) {
			if (a.npos != 1)
				goto usage;
			text = a.pos[0];
		} else if (a.npos != 0)
			goto usage;
		if (ledger_walkers(c->l, text, watctl_walker_line_cb, &n, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		if (n == 0 && text != NULL)
			return cli_fail(CLI_REFUSED, "No walker matches \"%s\".", text);
		return CLI_OK;
	}
	if (strcmp(argv[0], "show") == 0) {
		if (a.npos != 1 || cli_number(a.pos[0], "walker number", BADGE_MAX_WALKER, &id))
			goto usage;
		if (ledger_walker_get(c->l, (uint32_t)id, &w, &cause) != 0)
			return cli_cause(CLI_REFUSED, cause);
		printf("Walker %" PRIu32 ": %s\n", w.id,
		       w.name ? cli_esc(w.name) : "(seen by badge only)");
		if (w.team)
			printf("Team: %s\n", cli_esc(w.team));
		if (w.email)
			printf("Email: %s\n", cli_esc(w.email));
		if (w.phone)
			printf("Phone: %s\n", cli_esc(w.phone));
		if (w.ext_id)
			printf("Registration id: %s\n", cli_esc(w.ext_id));
		printf("Status: %s%s\nLaps: %" PRId64 "\nRaised: %s\n",
		       w.checked_in ? "checked in" : "not checked in",
		       w.reg_seq > 0 && !w.active ? " (registration annulled)" : "", w.laps,
		       amount_format(w.raised_cents, raised, sizeof raised));
		if (w.reg_seq > 0 && w.active &&
		    ledger_badge_code(c->l, w.id, code, sizeof code, NULL) == 0)
			printf("Badge code: %s\n", code);
		printf("Recent entries:\n");
		ledger_walker_clear(&w);
		ledger_walker_entries(c->l, (uint32_t)id, watctl_entry_line_cb, &recent, NULL);
		return CLI_OK;
	}
usage:
	return cli_fail(
	    CLI_USAGE,
	    "Usage: watctl --db FILE walker add --name NAME [--team T] [--email E] [--phone P] "
	    "[--id REG-ID]\n       watctl --db FILE walker list | find TEXT | show ID");
}

static int
watctl_badge_code(struct watctl_ctx *c, int argc, char **argv)
{
	char code[BADGE_CODE_MAX], *cause = NULL;
	int64_t id;
	int rc;

	if (argc != 1)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE badge-code ID");
	if ((rc = cli_number(argv[0], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	if (ledger_badge_code(c->l, (uint32_t)id, code, sizeof code, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("%s\n", code);
	return CLI_OK;
}

/* Prints what a scan or a hand entry did; refused outcomes exit 1. */
static int
watctl_outcome(const struct ledger_scan *s)
{
	if (s->badge != BADGE_OK)
		return cli_fail(CLI_REFUSED, "%s", s->message);
	if (s->verdict.outcome == RULES_LAP_TOO_SOON)
		return cli_fail(CLI_REFUSED, "%s", s->message);
	printf("%s\n", cli_esc(s->message));
	if (s->seq != 0)
		printf("Recorded as entry %" PRId64 ".\n", s->seq);
	return CLI_OK;
}

static int
watctl_scan(struct watctl_ctx *c, int argc, char **argv)
{
	/* --lap, --welcome, --both: the roles' own names */
	struct cli_opt opts[] = {CLI_FLAG(rules_role_name(RULES_ROLE_LAP)),
	                         CLI_FLAG(rules_role_name(RULES_ROLE_WELCOME)),
	                         CLI_FLAG(rules_role_name(RULES_ROLE_BOTH))};
	struct cli_args a;
	struct ledger_scan s;
	char *cause = NULL;
	int rc, role = -1;

	if ((rc = cli_parse(argc, argv, opts, nitems(opts), &a)) != 0)
		return rc;
	if (a.npos != 1)
		return cli_fail(CLI_USAGE,
		                "Usage: watctl --db FILE scan CODE [--lap | --welcome | --both]");
	for (size_t i = 0; i < nitems(opts); i++) {
		enum rules_role r;
		if (role < 0 && cli_given(opts, nitems(opts), opts[i].name) &&
		    rules_role_parse(opts[i].name, &r) == 0)
			role = (int)r;
	}
	if (ledger_scan(c->l, a.pos[0], strlen(a.pos[0]), role, c->op, &s, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	return watctl_outcome(&s);
}

static int
watctl_by_hand(struct watctl_ctx *c, int argc, char **argv, int lap)
{
	struct ledger_scan s;
	char *cause = NULL;
	int64_t id;
	int rc;

	if (argc != 1)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE %s ID",
		                lap ? "lap" : "checkin");
	if ((rc = cli_number(argv[0], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	if ((lap ? ledger_lap : ledger_checkin)(c->l, (uint32_t)id, c->op, &s, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	return watctl_outcome(&s);
}

static int
watctl_lap(struct watctl_ctx *c, int argc, char **argv)
{
	return watctl_by_hand(c, argc, argv, 1);
}

static int
watctl_checkin(struct watctl_ctx *c, int argc, char **argv)
{
	return watctl_by_hand(c, argc, argv, 0);
}

static int
watctl_donate(struct watctl_ctx *c, int argc, char **argv)
{
	struct cli_opt opts[] = {CLI_VALUE("method"), CLI_VALUE("check-no"), CLI_VALUE("donor")};
	struct cli_args a;
	struct ledger_event ev;
	enum rules_method m;
	char *cause = NULL, shown[32];
	int64_t id, cents, seq;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, nitems(opts), &a)) != 0)
		return rc;
	if (a.npos != 2 || cli_val(opts, nitems(opts), "method") == NULL)
		return cli_fail(
		    CLI_USAGE, "Usage: watctl --db FILE donate ID AMOUNT --method cash|check|other "
		               "[--check-no N] [--donor NAME]");
	if ((rc = cli_number(a.pos[0], "walker number", BADGE_MAX_WALKER, &id)) != 0)
		return rc;
	if (rules_method_parse(cli_val(opts, nitems(opts), "method"), &m) != 0)
		return cli_fail(CLI_USAGE, "The method must be cash, check or other.");
	ledger_event(c->l, &ev);
	if (amount_parse(a.pos[1], ev.rules.max_donation_cents, &cents, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if (ledger_donate(c->l, (uint32_t)id, cents, m, cli_val(opts, nitems(opts), "check-no"),
	                  cli_val(opts, nitems(opts), "donor"), c->op, &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Donation of %s (%s) for walker %" PRId64 " recorded as entry %" PRId64 ".\n",
	       amount_format(cents, shown, sizeof shown), rules_method_name(m), id, seq);
	return CLI_OK;
}

static int
watctl_annul(struct watctl_ctx *c, int argc, char **argv)
{
	struct cli_opt opts[] = {CLI_VALUE("reason")};
	struct cli_args a;
	char *cause = NULL;
	int64_t seq, by;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, nitems(opts), &a)) != 0)
		return rc;
	if (a.npos != 1 || cli_val(opts, nitems(opts), "reason") == NULL)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE annul SEQ --reason TEXT");
	if ((rc = cli_number(a.pos[0], "entry number", INT64_MAX, &seq)) != 0)
		return rc;
	if (ledger_annul(c->l, seq, cli_val(opts, nitems(opts), "reason"), c->op, RULES_COORDINATOR,
	                 NULL, &by, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Entry %" PRId64 " is annulled by entry %" PRId64 ".\n", seq, by);
	return CLI_OK;
}

/* Appends s padded with spaces to width characters (not bytes: names are UTF-8). */
static void
watctl_pad(struct strbuf *b, const char *s, size_t width)
{
	const char *safe = cli_esc(s);
	size_t n = text_length(safe);

	strbuf_puts(b, safe);
	while (n++ < width)
		strbuf_puts(b, " ");
}

struct watctl_report {
	struct strbuf *b;
	int json;
	int first;
};

static int
watctl_report_walker(const struct ledger_walker *w, void *arg)
{
	struct watctl_report *r = arg;
	char raised[32];

	if (w->reg_seq > 0 && !w->active)
		return 0;
	if (r->json) {
		strbuf_printf(r->b, "%s{\"id\":%" PRIu32 ",\"name\":", r->first ? "" : ",", w->id);
		strbuf_json(r->b, w->name ? w->name : "");
		strbuf_puts(r->b, ",\"team\":");
		strbuf_json(r->b, w->team ? w->team : "");
		strbuf_printf(r->b,
		              ",\"registered\":%s,\"checked_in\":%s,\"laps\":%" PRId64
		              ",\"raised_cents\":%" PRId64 "}",
		              w->reg_seq > 0 ? "true" : "false", w->checked_in ? "true" : "false",
		              w->laps, w->raised_cents);
	} else {
		strbuf_printf(r->b, "  %6" PRIu32 "  ", w->id);
		watctl_pad(r->b, w->name ? w->name : "(seen by badge)", 32);
		strbuf_puts(r->b, " ");
		watctl_pad(r->b, w->team ? w->team : "", 20);
		strbuf_printf(r->b, " %5" PRId64 " %12s%s\n", w->laps,
		              amount_format(w->raised_cents, raised, sizeof raised),
		              w->checked_in ? "" : "  not checked in");
	}
	r->first = 0;
	return 0;
}

static int
watctl_report_team(const struct ledger_team *t, void *arg)
{
	struct watctl_report *r = arg;
	char raised[32];

	if (r->json) {
		strbuf_printf(r->b, "%s{\"team\":", r->first ? "" : ",");
		strbuf_json(r->b, t->team);
		strbuf_printf(r->b,
		              ",\"walkers\":%" PRId64 ",\"laps\":%" PRId64
		              ",\"raised_cents\":%" PRId64 "}",
		              t->walkers, t->laps, t->raised_cents);
	} else {
		strbuf_puts(r->b, "  ");
		watctl_pad(r->b, *t->team ? t->team : "(no team)", 32);
		strbuf_printf(r->b, " %7" PRId64 " %7" PRId64 " %12s\n", t->walkers, t->laps,
		              amount_format(t->raised_cents, raised, sizeof raised));
	}
	r->first = 0;
	return 0;
}

static int
watctl_report(struct watctl_ctx *c, int argc, char **argv)
{
	struct cli_opt opts[] = {CLI_FLAG("json")};
	struct cli_args a;
	struct ledger_event ev;
	struct ledger_totals t;
	struct strbuf b = STRBUF_INIT;
	struct watctl_report r = {&b, 0, 1};
	char m[5][32], *cause = NULL, *text;
	const char *doubt;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, nitems(opts), &a)) != 0)
		return rc;
	if (a.npos != 0)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE report [--json]");
	r.json = cli_given(opts, nitems(opts), "json");
	if (ledger_event(c->l, &ev) != 0)
		return cli_fail(CLI_REFUSED, "The event has not been set up yet (run init).");
	if (ledger_totals(c->l, &t, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	doubt = ledger_clock_doubt(c->l);
	if (r.json) {
		strbuf_puts(&b, "{\"event\":{\"name\":");
		strbuf_json(&b, ev.name);
		strbuf_puts(&b, ",\"city\":");
		strbuf_json(&b, ev.city);
		strbuf_puts(&b, ",\"date\":");
		strbuf_json(&b, ev.date);
		strbuf_puts(&b, ",\"station\":");
		strbuf_json(&b, ev.station);
		strbuf_printf(&b, ",\"goal_cents\":%" PRId64 "}", ev.goal_cents);
		strbuf_printf(
		    &b,
		    ",\"totals\":{\"walkers\":%" PRId64 ",\"checked_in\":%" PRId64
		    ",\"laps\":%" PRId64 ",\"manual_laps\":%" PRId64 ",\"donations\":%" PRId64
		    ",\"cash_cents\":%" PRId64 ",\"check_cents\":%" PRId64 ",\"checks\":%" PRId64
		    ",\"other_cents\":%" PRId64 ",\"total_cents\":%" PRId64 ",\"annulled\":%" PRId64
		    ",\"last_seq\":%" PRId64 "}",
		    t.walkers, t.checked_in, t.laps, t.manual_laps, t.donations, t.cash_cents,
		    t.check_cents, t.checks, t.other_cents, t.total_cents, t.annulled, t.last_seq);
		strbuf_puts(&b, ",\"clock_doubt\":");
		if (doubt != NULL)
			strbuf_json(&b, doubt);
		else
			strbuf_puts(&b, "null");
		strbuf_puts(&b, ",\"walkers\":[");
	} else {
		strbuf_printf(&b, "%s — %s, %s (station %s)\n", cli_esc(ev.name), cli_esc(ev.city),
		              cli_esc(ev.date), cli_esc(ev.station));
		if (doubt != NULL)
			strbuf_printf(&b, "Warning: %s\n", doubt);
		strbuf_printf(
		    &b,
		    "Walkers registered: %" PRId64 "\nChecked in: %" PRId64 "\nLaps: %" PRId64
		    " (%" PRId64 " entered by hand)\nDonations: %" PRId64 "\n"
		    "  cash   %12s\n  checks %12s (%" PRId64 " checks)\n  other  %12s\n"
		    "  total  %12s",
		    t.walkers, t.checked_in, t.laps, t.manual_laps, t.donations,
		    amount_format(t.cash_cents, m[0], 32), amount_format(t.check_cents, m[1], 32),
		    t.checks, amount_format(t.other_cents, m[2], 32),
		    amount_format(t.total_cents, m[3], 32));
		if (ev.goal_cents > 0)
			strbuf_printf(&b, " of a %s goal (%" PRId64 "%%)",
			              amount_format(ev.goal_cents, m[4], 32),
			              t.total_cents * 100 / ev.goal_cents);
		strbuf_printf(&b, "\nEntries: %" PRId64 " (%" PRId64 " annulled)\n\nWalkers:\n",
		              t.last_seq, t.annulled);
	}
	if (ledger_walkers(c->l, NULL, watctl_report_walker, &r, &cause) != 0) {
		strbuf_free(&b);
		return cli_cause(CLI_REFUSED, cause);
	}
	strbuf_puts(&b,
	            r.json ? "],\"teams\":["
	                   : "\nTeams:                             walkers    laps       raised\n");
	r.first = 1;
	ledger_teams(c->l, watctl_report_team, &r, NULL);
	if (r.json) {
		strbuf_puts(&b, "]}\n");
		/* JSON escapes C0 controls itself; text_escape writes C1 controls and
		 * bidi overrides as \uXXXX, which JSON reads back as the same text */
		text = text_escape(b.s, TEXT_KEEP_LINES);
		strbuf_free(&b);
		b.s = text;
	}
	fputs(b.s, stdout);
	strbuf_free(&b);
	return CLI_OK;
}

static int
watctl_log(struct watctl_ctx *c, int argc, char **argv)
{
	char *cause = NULL;

	if (argc != 0)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE log");
	if (ledger_entries(c->l, 1, watctl_entry_line_cb, NULL, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	return CLI_OK;
}

static int
watctl_check(struct watctl_ctx *c, int argc, char **argv)
{
	struct ledger_totals t;
	unsigned char id[LEDGER_HASH_LEN];
	char hex[2 * LEDGER_HASH_LEN + 1];
	char *cause = NULL;

	if (ledger_check(c->l, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	ledger_totals(c->l, &t, NULL);
	printf("The ledger is intact: %" PRId64 " entries, hash chain and figures agree.\n",
	       t.last_seq);
	if (ledger_identity(c->l, id) == 0) {
		bundle_hex(id, sizeof id, hex);
		printf("Ledger identity (the hash of its first entry): %s\n", hex);
	}
	return CLI_OK;
}

static int
watctl_rebuild(struct watctl_ctx *c, int argc, char **argv)
{
	char *cause = NULL;

	if (ledger_rebuild(c->l, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("Figures recomputed from the entries.\n");
	return CLI_OK;
}

static int
watctl_decode(struct watctl_ctx *c, int argc, char **argv)
{
	return scan_cli_decode(argc + 1, argv - 1);
}

static int
watctl_receipt(struct watctl_ctx *c, int argc, char **argv)
{
	return print_cli_receipt(c->l, c->op, argc, argv);
}

static int
watctl_badge(struct watctl_ctx *c, int argc, char **argv)
{
	return print_cli_badge(c->l, c->op, argc, argv);
}

static int
watctl_badges(struct watctl_ctx *c, int argc, char **argv)
{
	return print_cli_badges(c->l, c->op, argc, argv);
}

static int
watctl_slip(struct watctl_ctx *c, int argc, char **argv)
{
	return print_cli_slip(c->l, c->op, argc, argv);
}

static int
watctl_sync(struct watctl_ctx *c, int argc, char **argv)
{
	return sync_cli_main(c->l, c->db, argc, argv);
}

/* ---- dispatch --------------------------------------------------------------- */

enum { WATCTL_NODB, WATCTL_DB, WATCTL_EVENT };

struct watctl_cmd {
	const char *name;
	int (*fn)(struct watctl_ctx *, int, char **);
	int (*ledger_fn)(struct ledger *, int, char **); /* commands of other modules */
	int needs;            /* WATCTL_NODB, WATCTL_DB (open it), WATCTL_EVENT (and set up) */
	enum ledger_open how; /* LEDGER_CREATE only for what makes a ledger */
	const char *reads;    /* subcommands that only read ("list find show") */
	const char *help;
};

static const struct watctl_cmd watctl_cmds[] = {
    {"init", watctl_init, NULL, WATCTL_DB, LEDGER_CREATE, NULL,
     "init --name N --city C --date YYYY-MM-DD | --charter F --event-key F\n"
     "        [--goal $] [--station ID]\n"
     "        [--pin-file FILE | --pin-later]   set the event up, and the coordinator PIN"},
    {"hq-charter", NULL, trust_cli_hq_charter, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-charter --hq DIR --event ID --name N --city C --date D --org O --ein E\n"
     "        --inbox URL --upload-code CODE --out DIR   an event's charter + key (HQ)"},
    {"hq-rotate", NULL, trust_cli_hq_rotate, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-rotate --hq DIR [--seal-pub F --backup-pub F]   a new HQ key, announced (HQ)"},
    {"pin", watctl_pin, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "pin set [--pin-file NEW] [--old-pin-file F | --recovery CODE]   a new coordinator PIN"},
    {"set", watctl_set, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "set KEY VALUE        change a setting ('set --help': the keys)"},
    {"settings", watctl_settings, NULL, WATCTL_EVENT, LEDGER_READ, NULL,
     "settings [--markdown]   the event's settings (--markdown: the keys, no ledger)"},
    {"roster", watctl_roster, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL, "roster import FILE.csv"},
    {"walker", watctl_walker, NULL, WATCTL_EVENT, LEDGER_WRITE, "list find show",
     "walker add --name N [--team T] [--email E] | list | find TEXT | show ID"},
    {"badge-code", watctl_badge_code, NULL, WATCTL_EVENT, LEDGER_READ, NULL,
     "badge-code ID        the walker's badge code"},
    {"scan", watctl_scan, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "scan CODE [--lap|--welcome|--both]"},
    {"checkin", watctl_checkin, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "checkin ID           check a walker in by hand"},
    {"lap", watctl_lap, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "lap ID               add a lap by hand"},
    {"donate", watctl_donate, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "donate ID AMOUNT --method cash|check|other [--check-no N] [--donor NAME]"},
    {"annul", watctl_annul, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL, "annul SEQ --reason TEXT"},
    {"report", watctl_report, NULL, WATCTL_EVENT, LEDGER_READ, NULL,
     "report [--json]      totals, walkers, teams"},
    {"receipt", watctl_receipt, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "receipt SEQ --out FILE.pdf | --print [--printer Q]   a donation receipt (reprints: COPY)"},
    {"badge", watctl_badge, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "badge ID --out FILE.pdf | --print [--printer Q]"},
    {"badges", watctl_badges, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "badges --out FILE.pdf | --print [--layout 2x5|3x10|2x3|a4-2x7|a4-3x7]   badge sheets"},
    {"slip", watctl_slip, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "slip ID --out FILE.pdf | --print   a walker's slip"},
    {"close", NULL, bundle_cli_close, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "close --cash AMOUNT|--count 20x5,10x3,... --counter A --counter B [--note TEXT]\n"
     "        [--sheet FILE.pdf | --print]   count the money; print the envelope sheet"},
    {"reopen", NULL, bundle_cli_reopen, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "reopen --reason TEXT   after a close-out"},
    {"close-sheet", NULL, bundle_cli_close_sheet, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "close-sheet [SEQ] --out FILE.pdf | --print [--printer Q] [--paper letter|a4|80mm|58mm]"},
    {"export", NULL, bundle_cli_export, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "export --out DIR | --usb [--keys DIR]   the signed bundle for HQ"},
    {"pubkey", NULL, bundle_cli_pubkey, WATCTL_NODB, LEDGER_READ, NULL,
     "pubkey [--keys DIR]   the station's public key (minisign format)"},
    {"event-pack", NULL, bundle_cli_event_pack, WATCTL_DB, LEDGER_CREATE, "export",
     "event-pack export FILE | import FILE --station ID [--walker-base N]"},
    {"verify", NULL, bundle_cli_verify, WATCTL_NODB, LEDGER_READ, NULL,
     "verify BUNDLE.zip [--pubkey FILE]   (HQ)"},
    {"merge", NULL, bundle_cli_merge, WATCTL_NODB, LEDGER_READ, NULL,
     "merge --db HQ.db BUNDLE.zip... [--pubkey FILE] [--hq DIR]   (HQ)"},
    {"hq-init", NULL, age_cli_hq_init, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-init --dir DIR    HQ's signing, sealing and backup keys (HQ; keeps existing ones)"},
    {"hq-report", NULL, bundle_cli_hq_report, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-report --db HQ.db   totals by city, event and station, the held apart (HQ)"},
    {"hq-pending", NULL, hq_cli_pending, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-pending --db HQ.db   the held bundles: why, and how to decide (HQ)"},
    {"hq-accept", NULL, hq_cli_accept, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-accept --db HQ.db ID | --event-key KEYID --reason TEXT   count a held bundle, or\n"
     "        an event without a charter by its key id (HQ)"},
    {"hq-refuse", NULL, hq_cli_refuse, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-refuse --db HQ.db ID --reason TEXT   never count a held bundle (HQ)"},
    {"hq-revoke", NULL, hq_cli_revoke, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-revoke --db HQ.db ID --reason TEXT   take a counted ledger out of the totals (HQ)"},
    {"hq-distrust", NULL, hq_cli_distrust, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-distrust --db HQ.db EVENT --reason TEXT   hold a lost stick's event (HQ)"},
    {"hq-log", NULL, hq_cli_log, WATCTL_NODB, LEDGER_READ, NULL,
     "hq-log --db HQ.db   HQ's decisions, the hash chain checked (HQ)"},
    {"sync", watctl_sync, NULL, WATCTL_EVENT, LEDGER_WRITE, NULL,
     "sync --peer ADDR:PORT... | --listen ADDR:PORT [--once] | --status [--walker ID]\n"
     "        [--keys DIR] [--budget-mb N] [--timeout S]   copy other stations' entries"},
    {"log", watctl_log, NULL, WATCTL_DB, LEDGER_READ, NULL,
     "log                  the ledger, one entry a line"},
    {"check", watctl_check, NULL, WATCTL_DB, LEDGER_READ, NULL,
     "check                verify the hash chain and figures"},
    {"rebuild", watctl_rebuild, NULL, WATCTL_DB, LEDGER_WRITE, NULL,
     "rebuild              recompute figures from the entries"},
    {"decode", watctl_decode, NULL, WATCTL_NODB, LEDGER_READ, NULL,
     "decode IMAGE...      print the QR codes in pictures"},
};

/* 1 when word is one of the space-separated words of list. */
static int
watctl_word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0') && n > 0)
			return 1;
	return 0;
}

static int
watctl_usage(int code)
{
	size_t i;
	FILE *f = code == CLI_OK ? stdout : stderr;

	fprintf(f, "Usage: watctl [--db FILE] [--op NAME] COMMAND ...\n"
	           "The ledger is --db FILE, else $WAT_DB. Commands:\n");
	for (i = 0; i < nitems(watctl_cmds); i++)
		fprintf(f, "  %s\n", watctl_cmds[i].help);
	return code;
}

int
main(int argc, char **argv)
{
	struct watctl_ctx c = {NULL, "watctl", NULL};
	const struct watctl_cmd *cmd = NULL;
	char *cause = NULL;
	size_t i;
	int rc = CLI_USAGE, k = 1, db_given = 0, op_given = 0, created = 0;

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
	for (i = 0; i < nitems(watctl_cmds); i++)
		if (strcmp(watctl_cmds[i].name, argv[k]) == 0)
			cmd = &watctl_cmds[i];
	if (cmd == NULL) {
		fprintf(stderr, "Unknown command \"%s\".\n", argv[k]);
		return watctl_usage(CLI_USAGE);
	}
	/* the settings table needs no ledger */
	if (cmd->fn == watctl_settings && k + 2 == argc && strcmp(argv[k + 1], "--markdown") == 0)
		return watctl_settings_markdown();
	if (cmd->fn == watctl_set && k + 2 == argc && strcmp(argv[k + 1], "--help") == 0)
		return watctl_set(&c, 1, argv + k + 1);
	if (cmd->needs != WATCTL_NODB) {
		enum ledger_open how = cmd->how;
		struct stat sb;

		if (c.db == NULL || *c.db == '\0') {
			fprintf(stderr, "Say which ledger: --db FILE (or set WAT_DB).\n");
			return CLI_USAGE;
		}
		if (cmd->reads != NULL && k + 1 < argc && watctl_word_in(argv[k + 1], cmd->reads))
			how = LEDGER_READ;
		/* a ledger this command makes and then fails to set up is removed */
		created = how == LEDGER_CREATE && stat(c.db, &sb) != 0 && errno == ENOENT;
		if (ledger_open_mode(c.db, how, &c.l, &cause) != 0) {
			rc = cli_cause(stat(c.db, &sb) != 0 && errno == ENOENT ? CLI_USAGE
			                                                       : CLI_REFUSED,
			               cause);
			goto end;
		}
		if (cmd->needs == WATCTL_EVENT && !ledger_has_event(c.l)) {
			rc = cli_fail(
			    CLI_REFUSED,
			    "%s has no event yet: set it up first with 'watctl --db %s init ...'.",
			    c.db, c.db);
			goto end;
		}
	}
	if (cmd->ledger_fn != NULL) {
		bundle_cli_setup(c.db, c.op);
		rc = cmd->ledger_fn(c.l, argc - k - 1, argv + k + 1);
	} else
		rc = cmd->fn(&c, argc - k - 1, argv + k + 1);
end:
	ledger_free(c.l);
	if (created && rc != CLI_OK)
		ledger_remove_files(c.db);
	return rc;
}
