/* hq_cli.c — watctl's commands for HQ's decisions (see hq_cli.h). */
#include "hq_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "age.h"
#include "amount.h"
#include "bundle.h"
#include "bundle_cli.h"
#include "cli.h"
#include "hq.h"
#include "sign.h"
#include "trust.h"
#include "trust_cli.h"
#include "util.h"

/* Opens the HQ database named by --db, which must exist. */
static int
hq_cli_open_new(const char *path, struct hq **h, int create)
{
	struct stat sb;
	char *cause = NULL;

	if (!create && stat(path, &sb) != 0)
		return cli_fail(CLI_USAGE, "There is no HQ database %s (merge bundles first).",
		                path);
	if (hq_open(path, h, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	return CLI_OK;
}

int
hq_cli_keys(struct hq *h, const char *given)
{
	const char *env = getenv("WAT_HQ_DIR");
	char *dir = NULL, *cause = NULL;
	struct trust_hq keys;
	int rc = CLI_OK;

	if (given != NULL && *given != '\0')
		dir = xstrdup(given);
	else if (env != NULL && *env != '\0')
		dir = xstrdup(env);
	else if ((dir = trust_cli_hq_pub_dir()) == NULL)
		return cli_fail(CLI_USAGE, "Cannot find HQ's keys: give --hq DIR (HQ's key folder) "
		                           "or set WAT_HQ_DIR.");
	if (trust_hq_load(dir, &keys, &cause) != 0)
		rc = cli_fail(CLI_USAGE, "HQ's keys in %s cannot be used: %s", cli_esc(dir),
		              cli_esc(cause));
	else
		hq_set_keys(h, &keys);
	free(cause);
	free(dir);
	return rc;
}

static int
hq_cli_open(const char *path, struct hq **h)
{
	return hq_cli_open_new(path, h, 0);
}

/* --db HQ.db, NPOS words, and --reason when want_reason: the HQ opened. */
static enum cli_ret
hq_cli_args(struct cli_cmd_ctx *c, struct cli_args *a, int npos, int want_reason, struct hq **h)
{
	const char *reason = want_reason ? cli_val(a, "reason") : NULL;

	if (a->npos != npos || cli_val(a, "db") == NULL || (want_reason && reason == NULL))
		return cli_usage(c);
	if (want_reason && strlen(reason) < 3)
		return cli_fail(CLI_USAGE,
		                "Say why with --reason (at least a few words): HQ's log keeps it.");
	return hq_cli_open(cli_val(a, "db"), h);
}

static enum cli_ret
hq_cli_pending(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct hq *h = NULL;
	char *text = NULL, *cause = NULL;
	int rc;

	if ((rc = hq_cli_args(c, a, 0, 0, &h)) != 0)
		return rc;
	if (hq_pending(h, &text, &cause) != 0)
		rc = cli_cause(CLI_REFUSED, cause);
	else
		fputs(text, stdout);
	free(text);
	hq_free(h);
	return rc;
}

const struct cli_cmd_entry hq_cli_pending_entry = {
    .name = "hq-pending",
    .usage = "--db HQ.db",
    .about = "the held bundles: why each is held, and how to decide (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db")),
    .needs = CLI_NONE,
    .exec = hq_cli_pending,
};

/* Writes a held bundle's kept bytes under its own name in a new folder and
 * verifies them as merge does (a sealed one opened with HQ's key from hq_dir,
 * else $WAT_HQ_DIR).  *dir is the folder (the caller removes it). */
static int
hq_cli_reverify(const struct hq_held *b, const char *hq_dir, char **dir, struct bundle_report *rep,
                char **cause)
{
	const char *base = strrchr(b->file, '/') != NULL ? strrchr(b->file, '/') + 1 : b->file;
	const char *tmp = getenv("TMPDIR"), *keys = hq_dir != NULL ? hq_dir : getenv("WAT_HQ_DIR");
	char *signame = xasprintf("%s.minisig", base), *path = NULL;
	struct age_identity ids[2 * AGE_MAX_IDS];
	size_t nids = 0, i;
	int rc = -1;

	*dir = xasprintf("%s/wat-hq-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
	if (mkdtemp(*dir) == NULL) {
		util_fail(cause, "Cannot make a folder in %s to check the bundle: %s.",
		          tmp != NULL && *tmp ? tmp : "/tmp", strerror(errno));
		free(*dir);
		*dir = NULL;
		goto end;
	}
	if (util_write_file(*dir, base, b->data, b->len, 0600, cause) != 0 ||
	    util_write_file(*dir, signame, b->sig, b->slen, 0600, cause) != 0)
		goto end;
	if (keys != NULL && *keys != '\0' && bundle_hq_identities(keys, ids, &nids, cause) != 0)
		goto end;
	path = xasprintf("%s/%s", *dir, base);
	if (bundle_verify_path(path, NULL, ids, nids, rep, cause) != 0)
		goto end;
	rc = 0;
end:
	for (i = 0; i < nids; i++)
		age_identity_wipe(&ids[i]);
	free(path);
	free(signame);
	return rc;
}

static void
hq_cli_rmdir(char *dir, const char *file)
{
	const char *base;
	char *p;

	if (dir == NULL)
		return;
	base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
	p = xasprintf("%s/%s", dir, base);
	unlink(p);
	free(p);
	p = xasprintf("%s/%s.minisig", dir, base);
	unlink(p);
	free(p);
	rmdir(dir);
	free(dir);
}

/* Counts held bundle id: its kept bytes verified again as merge verified
 * them.  CLI exit code; the result said. */
static int
hq_cli_accept_one(struct hq *h, int64_t id, const char *reason, const char *hq_dir)
{
	struct hq_held b;
	struct bundle_report rep;
	struct hq_merge_result res;
	char *cause = NULL, *dir = NULL;
	int rc, have = 0;

	if (hq_held_load(h, id, &b, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	if (b.data != NULL) {
		if (hq_cli_reverify(&b, hq_dir, &dir, &rep, &cause) != 0) {
			rc = cli_fail(CLI_REFUSED, "Bundle #%" PRId64 " does not verify: %s", id,
			              cli_esc(cause));
			free(cause);
			goto end;
		}
		have = 1;
	}
	if (hq_accept(h, id, have ? &rep : NULL, reason, &res, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if (res.outcome == HQ_HELD) {
		fprintf(stderr, "#%" PRId64 ": %s\n", id, cli_esc(res.message));
		rc = CLI_REFUSED;
	} else {
		printf("%s\n", cli_esc(res.message));
		rc = CLI_OK;
	}
end:
	if (have)
		bundle_report_clear(&rep);
	hq_cli_rmdir(dir, b.file != NULL ? b.file : "");
	hq_held_free(&b);
	return rc;
}

static enum cli_ret
hq_cli_accept(struct cli_cmd_ctx *c, struct cli_args *a)
{
	const char *db = cli_val(a, "db"), *reason = cli_val(a, "reason"),
	           *event_key = cli_val(a, "event-key");
	struct hq *h = NULL;
	char *cause = NULL, *msg = NULL;
	int64_t id, *ids = NULL;
	size_t i, n = 0;
	int rc;

	if (db == NULL || reason == NULL || (event_key != NULL ? a->npos != 0 : a->npos != 1))
		return cli_usage(c);
	if (strlen(reason) < 3)
		return cli_fail(CLI_USAGE,
		                "Say why with --reason (at least a few words): HQ's log keeps it.");
	/* an event may be accepted before any of its bundles came */
	if ((rc = hq_cli_open_new(db, &h, event_key != NULL)) != 0)
		return rc;
	if ((rc = hq_cli_keys(h, cli_val(a, "hq"))) != 0)
		goto end;
	if (event_key == NULL) {
		if ((rc = cli_number(a->pos[0], "held bundle's number", INT64_MAX, &id)) == 0)
			rc = hq_cli_accept_one(h, id, reason, cli_val(a, "hq"));
		goto end;
	}
	/* the event, then each of its bundles held for want of it */
	if (hq_accept_event(h, event_key, reason, &msg, &cause) != 0 ||
	    hq_held_for_event(h, event_key, &ids, &n, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("%s\n", msg);
	for (i = 0; i < n; i++)
		if (hq_cli_accept_one(h, ids[i], reason, cli_val(a, "hq")) != CLI_OK)
			rc = CLI_REFUSED;
end:
	free(ids);
	free(msg);
	hq_free(h);
	return rc;
}

const struct cli_cmd_entry hq_cli_accept_entry = {
    .name = "hq-accept",
    .usage = "--db HQ.db ID --reason TEXT [--hq DIR]\n"
             "--db HQ.db --event-key KEYID --reason TEXT [--hq DIR]",
    .about = "count a held bundle, or an event without a charter by its key id (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db"), CLI_VALUE("reason"), CLI_VALUE("event-key"), CLI_VALUE("hq")),
    .needs = CLI_NONE,
    .exec = hq_cli_accept,
};

/* hq-refuse and hq-revoke: a bundle number and a reason. */
static enum cli_ret
hq_cli_decide(struct cli_cmd_ctx *c, struct cli_args *a,
              int (*fn)(struct hq *, int64_t, const char *, char **, char **))
{
	struct hq *h = NULL;
	char *cause = NULL, *msg = NULL;
	int64_t id;
	int rc;

	if ((rc = hq_cli_args(c, a, 1, 1, &h)) != 0)
		return rc;
	if ((rc = cli_number(a->pos[0], "bundle's number", INT64_MAX, &id)) == 0) {
		if (fn(h, id, cli_val(a, "reason"), &msg, &cause) != 0)
			rc = cli_cause(CLI_REFUSED, cause);
		else
			printf("%s\n", cli_esc(msg));
	}
	free(msg);
	hq_free(h);
	return rc;
}

static enum cli_ret
hq_cli_refuse(struct cli_cmd_ctx *c, struct cli_args *a)
{
	return hq_cli_decide(c, a, hq_refuse);
}

const struct cli_cmd_entry hq_cli_refuse_entry = {
    .name = "hq-refuse",
    .usage = "--db HQ.db ID --reason TEXT",
    .about = "never count a held bundle; HQ keeps it (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db"), CLI_VALUE("reason")),
    .needs = CLI_NONE,
    .exec = hq_cli_refuse,
};

static enum cli_ret
hq_cli_revoke(struct cli_cmd_ctx *c, struct cli_args *a)
{
	return hq_cli_decide(c, a, hq_revoke);
}

const struct cli_cmd_entry hq_cli_revoke_entry = {
    .name = "hq-revoke",
    .usage = "--db HQ.db ID --reason TEXT",
    .about = "undo a wrong acceptance: bundle ID's ledger leaves the totals (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db"), CLI_VALUE("reason")),
    .needs = CLI_NONE,
    .exec = hq_cli_revoke,
};

static enum cli_ret
hq_cli_distrust(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct hq *h = NULL;
	char *cause = NULL, *msg = NULL;
	int rc;

	if ((rc = hq_cli_args(c, a, 1, 1, &h)) != 0)
		return rc;
	if (hq_distrust(h, a->pos[0], cli_val(a, "reason"), &msg, &cause) != 0)
		rc = cli_cause(CLI_REFUSED, cause);
	else
		printf("%s\n", cli_esc(msg));
	free(msg);
	hq_free(h);
	return rc;
}

const struct cli_cmd_entry hq_cli_distrust_entry = {
    .name = "hq-distrust",
    .usage = "--db HQ.db EVENT --reason TEXT",
    .about = "a lost charter or stick: the event's bundles held until checked (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db"), CLI_VALUE("reason")),
    .needs = CLI_NONE,
    .exec = hq_cli_distrust,
};

static enum cli_ret
hq_cli_log(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct hq *h = NULL;
	char *cause = NULL, *text = NULL;
	int rc, intact = 0;

	if ((rc = hq_cli_args(c, a, 0, 0, &h)) != 0)
		return rc;
	if (hq_log(h, &text, &intact, &cause) != 0)
		rc = cli_cause(CLI_REFUSED, cause);
	else {
		fputs(text, stdout);
		rc = intact ? CLI_OK : CLI_REFUSED;
	}
	free(text);
	hq_free(h);
	return rc;
}

const struct cli_cmd_entry hq_cli_log_entry = {
    .name = "hq-log",
    .usage = "--db HQ.db",
    .about = "HQ's decisions, one a line, the hash chain checked (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db")),
    .needs = CLI_NONE,
    .exec = hq_cli_log,
};

/* ---- HQ ---- */

static enum cli_ret
hq_cli_merge(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct age_identity ids[2 * AGE_MAX_IDS];
	size_t nids = 0;
	struct bundle_report rep;
	struct hq_merge_result res;
	struct sign_pub pub;
	struct hq *h = NULL;
	struct hq_totals t;
	const char *pubkey = cli_val(a, "pubkey");
	char *cause = NULL, money[32];
	int rc, i, bad = 0;

	if (a->npos < 1 || cli_given(a, "db") != 1)
		return cli_usage(c);
	if (pubkey != NULL && sign_pub_load(pubkey, &pub, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if ((rc = bundle_cli_hq_keys(cli_val(a, "hq"), ids, &nids)) != 0)
		return rc;
	if (hq_open(cli_val(a, "db"), &h, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	/* what chains to HQ's keys counts; the rest is held (hq.h) */
	if ((rc = hq_cli_keys(h, cli_val(a, "hq"))) != 0)
		goto end;
	for (i = 0; i < a->npos; i++) {
		if (bundle_verify_path(a->pos[i], pubkey != NULL ? &pub : NULL, ids, nids, &rep,
		                       &cause) != 0) {
			fprintf(stderr, "%s: refused, it does not verify: %s\n", cli_esc(a->pos[i]),
			        cli_esc(cause));
			free(cause);
			cause = NULL;
			bad = 1;
			continue;
		}
		if (hq_merge(h, &rep, a->pos[i], &res, &cause) != 0) {
			bundle_report_clear(&rep);
			rc = cli_cause(CLI_REFUSED, cause);
			goto end;
		}
		bundle_report_clear(&rep);
		if (res.outcome == HQ_REFUSED || res.outcome == HQ_HELD) {
			fprintf(stderr, "%s: %s\n", cli_esc(a->pos[i]), cli_esc(res.message));
			bad = 1;
		} else
			printf("%s: %s\n", cli_esc(a->pos[i]), cli_esc(res.message));
	}
	if (hq_totals(h, NULL, &t, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("HQ now holds %" PRId64 " events, %" PRId64 " stations, %" PRId64
	       " donations, total %s.\n",
	       t.events, t.stations, t.donations,
	       amount_format(t.total_cents, money, sizeof money));
	rc = bad ? CLI_REFUSED : CLI_OK;
end:
	for (size_t k = 0; k < nids; k++)
		age_identity_wipe(&ids[k]);
	hq_free(h);
	return rc;
}

const struct cli_cmd_entry hq_cli_merge_entry = {
    .name = "merge",
    .usage = "--db HQ.db BUNDLE.zip.age... [--hq DIR] [--pubkey FILE]",
    .about = "add verified bundles to HQ's totals, each entry counted once; hold the rest (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db"), CLI_VALUE("pubkey"), CLI_VALUE("hq")),
    .needs = CLI_NONE,
    .exec = hq_cli_merge,
};

/* Prints text made by one of HQ's reports (rc its return), and closes h. */
static enum cli_ret
hq_cli_print(struct hq *h, int rc, char *text, char *cause)
{
	hq_free(h);
	if (rc != 0)
		return cli_cause(CLI_REFUSED, cause);
	fputs(text, stdout);
	free(text);
	return CLI_OK;
}

static enum cli_ret
hq_cli_report(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct hq *h = NULL;
	char *cause = NULL, *text = NULL;
	int rc;

	if (a->npos != 0 || cli_val(a, "db") == NULL)
		return cli_usage(c);
	if ((rc = hq_cli_open(cli_val(a, "db"), &h)) != CLI_OK)
		return rc;
	rc = hq_report(h, &text, &cause);
	return hq_cli_print(h, rc, text, cause);
}

const struct cli_cmd_entry hq_cli_report_entry = {
    .name = "hq-report",
    .usage = "--db HQ.db",
    .about = "totals by city, event and station; the held bundles apart (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db")),
    .needs = CLI_NONE,
    .exec = hq_cli_report,
};

/* hq-csv: the stations' figures as the web inbox's downloads give them
 * (Excel-safe), national or of one city or event. */
static enum cli_ret
hq_cli_csv(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct hq *h = NULL;
	char *cause = NULL, *text = NULL;
	int rc;

	if (a->npos != 0 || cli_val(a, "db") == NULL)
		return cli_usage(c);
	if ((rc = hq_cli_open(cli_val(a, "db"), &h)) != CLI_OK)
		return rc;
	rc = hq_csv_of(h, cli_val(a, "city"), cli_val(a, "event"), &text, &cause);
	return hq_cli_print(h, rc, text, cause);
}

const struct cli_cmd_entry hq_cli_csv_entry = {
    .name = "hq-csv",
    .usage = "--db HQ.db [--city CITY] [--event TAG]",
    .about = "each counted station's figures as CSV, national or of a city or event (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db"), CLI_VALUE("city"), CLI_VALUE("event")),
    .needs = CLI_NONE,
    .exec = hq_cli_csv,
};

/* hq-staff add: the first admin of the web inbox (later ones an admin adds
 * in the browser).  The password is read from standard input, never from
 * the command line (ps shows it). */
static enum cli_ret
hq_cli_staff(struct cli_cmd_ctx *c, struct cli_args *a)
{
	const char *user = cli_val(a, "user");
	char pw[256], hash[crypto_pwhash_STRBYTES], *cause = NULL;
	struct hq *h = NULL;
	size_t n;
	int rc, i;

	if (a->npos != 1 || strcmp(a->pos[0], "add") != 0 || user == NULL ||
	    cli_val(a, "db") == NULL)
		return cli_usage(c);
	for (i = 0; user[i] != '\0'; i++)
		if (!((user[i] >= 'a' && user[i] <= 'z') || (user[i] >= '0' && user[i] <= '9') ||
		      user[i] == '.' || user[i] == '-' || user[i] == '_') ||
		    i >= 40)
			return cli_fail(CLI_USAGE, "A staff name is 1 to 40 small letters, digits, "
			                           "'.', '-' or '_'.");
	if (user[0] == '\0')
		return cli_usage(c);
	if (fgets(pw, sizeof pw, stdin) == NULL)
		return cli_fail(CLI_USAGE, "Give the password on standard input.");
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < 10) {
		sodium_memzero(pw, sizeof pw);
		return cli_fail(CLI_USAGE, "A staff password has at least 10 characters.");
	}
	if (sodium_init() < 0 || crypto_pwhash_str(hash, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                                           crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		sodium_memzero(pw, sizeof pw);
		return cli_fail(CLI_REFUSED, "Out of memory hashing the password.");
	}
	sodium_memzero(pw, sizeof pw);
	if ((rc = hq_cli_open_new(cli_val(a, "db"), &h, 1)) != 0)
		return rc;
	if (hq_staff_add(h, user, hash, cli_given(a, "admin") > 0, "watctl hq-staff", &cause) != 0)
		rc = cli_cause(CLI_REFUSED, cause);
	else
		printf("Staff account %s added%s.\n", user,
		       cli_given(a, "admin") > 0 ? " (admin)" : "");
	hq_free(h);
	return rc;
}

const struct cli_cmd_entry hq_cli_staff_entry = {
    .name = "hq-staff",
    .usage = "add --db HQ.db --user NAME [--admin]   (the password on standard input)",
    .about = "a staff account of HQ's web inbox, wat-hq (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db"), CLI_VALUE("user"), CLI_FLAG("admin")),
    .needs = CLI_NONE,
    .exec = hq_cli_staff,
};

/* A pledge payment that arrived at HQ by mail, against the sponsor's
 * statement (its number as printed under its QR; `watctl decode PHOTO`
 * reads it from a photo or scan). */
static enum cli_ret
hq_cli_pay(struct cli_cmd_ctx *c, struct cli_args *a)
{
	const char *amount = cli_val(a, "amount"), *method = cli_val(a, "method"),
	           *check = cli_val(a, "check-no"), *by = cli_val(a, "by");
	struct hq_pay_result res;
	struct hq *h = NULL;
	char *cause = NULL;
	int64_t cents = 0;
	int rc;

	if (amount == NULL || method == NULL)
		return cli_usage(c);
	if (amount_parse(amount, 100000000, &cents, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if ((rc = hq_cli_args(c, a, 1, 0, &h)) != 0)
		return rc;
	if (by == NULL || *by == '\0')
		by = getenv("USER") != NULL && *getenv("USER") != '\0' ? getenv("USER") : "watctl";
	switch (hq_pay(h, a->pos[0], cents, method, check, by, &res, &cause)) {
	case 0: printf("%s\n", cli_esc(res.message)); break;
	case 1: rc = cli_fail(CLI_REFUSED, "%s", cli_esc(res.message)); break;
	default: rc = cli_cause(CLI_REFUSED, cause); break;
	}
	hq_free(h);
	return rc;
}

const struct cli_cmd_entry hq_cli_pay_entry = {
    .name = "hq-pay",
    .usage = "--db HQ.db STATEMENT --amount DOLLARS --method cash|check|card|other "
             "[--check-no N] [--by NAME]",
    .about = "a pledge payment that came to HQ by mail, against the sponsor's statement "
             "number; more than owed is a gift (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("db"), CLI_VALUE("amount"), CLI_VALUE("method"),
                     CLI_VALUE("check-no"), CLI_VALUE("by")),
    .needs = CLI_NONE,
    .exec = hq_cli_pay,
};
