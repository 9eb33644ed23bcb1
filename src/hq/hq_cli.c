/* hq_cli.c — watctl's commands for HQ's decisions (see hq_cli.h). */
#include "hq_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "bundle.h"
#include "cli.h"
#include "hq.h"
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

/* --db HQ.db [ARG] [--reason TEXT]: the parsed options, the HQ opened. */
static int
hq_cli_args(int argc, char **argv, int want_pos, int want_reason, const char *usage,
            struct cli_args *a, const char **reason, struct hq **h)
{
	struct cli_opt o[] = {CLI_VALUE("db"), CLI_VALUE("reason")};
	int rc;

	if ((rc = cli_parse(argc, argv, o, nitems(o), a)) != 0)
		return rc;
	if (a->npos != want_pos || o[0].n != 1 || (want_reason && o[1].n != 1) ||
	    (!want_reason && o[1].n != 0))
		return cli_fail(CLI_USAGE, "Usage: watctl %s", usage);
	*reason = o[1].n ? o[1].val[0] : NULL;
	if (want_reason && strlen(*reason) < 3)
		return cli_fail(CLI_USAGE,
		                "Say why with --reason (at least a few words): HQ's log keeps it.");
	return hq_cli_open(o[0].val[0], h);
}

int
hq_cli_pending(struct ledger *l, int argc, char **argv)
{
	struct cli_args a;
	const char *reason;
	struct hq *h = NULL;
	char *text = NULL, *cause = NULL;
	int rc;

	(void)l;
	if ((rc = hq_cli_args(argc, argv, 0, 0, "hq-pending --db HQ.db", &a, &reason, &h)) != 0)
		return rc;
	if (hq_pending(h, &text, &cause) != 0)
		rc = cli_cause(CLI_REFUSED, cause);
	else
		fputs(text, stdout);
	free(text);
	hq_free(h);
	return rc;
}

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

int
hq_cli_accept(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {CLI_VALUE("db"), CLI_VALUE("reason"), CLI_VALUE("event-key"),
	                      CLI_VALUE("hq")};
	struct cli_args a;
	struct hq *h = NULL;
	char *cause = NULL, *msg = NULL;
	int64_t id, *ids = NULL;
	size_t i, n = 0;
	int rc;

	(void)l;
	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (o[0].n != 1 || o[1].n != 1 || (o[2].n ? a.npos != 0 : a.npos != 1))
		return cli_fail(
		    CLI_USAGE,
		    "Usage: watctl hq-accept --db HQ.db ID --reason TEXT  (a held bundle)\n"
		    "       watctl hq-accept --db HQ.db --event-key KEYID --reason TEXT  "
		    "(an event without a charter)");
	if (strlen(o[1].val[0]) < 3)
		return cli_fail(CLI_USAGE,
		                "Say why with --reason (at least a few words): HQ's log keeps it.");
	/* an event may be accepted before any of its bundles came */
	if ((rc = hq_cli_open_new(o[0].val[0], &h, o[2].n != 0)) != 0)
		return rc;
	if ((rc = hq_cli_keys(h, o[3].n ? o[3].val[0] : NULL)) != 0)
		goto end;
	if (o[2].n == 0) {
		if ((rc = cli_number(a.pos[0], "the held bundle's number", INT64_MAX, &id)) == 0)
			rc = hq_cli_accept_one(h, id, o[1].val[0], o[3].n ? o[3].val[0] : NULL);
		goto end;
	}
	/* the event, then each of its bundles held for want of it */
	if (hq_accept_event(h, o[2].val[0], o[1].val[0], &msg, &cause) != 0 ||
	    hq_held_for_event(h, o[2].val[0], &ids, &n, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("%s\n", msg);
	for (i = 0; i < n; i++)
		if (hq_cli_accept_one(h, ids[i], o[1].val[0], o[3].n ? o[3].val[0] : NULL) !=
		    CLI_OK)
			rc = CLI_REFUSED;
end:
	free(ids);
	free(msg);
	hq_free(h);
	return rc;
}

/* hq-refuse and hq-revoke: a bundle number and a reason. */
static int
hq_cli_decide(int argc, char **argv, const char *usage,
              int (*fn)(struct hq *, int64_t, const char *, char **, char **))
{
	struct cli_args a;
	const char *reason;
	struct hq *h = NULL;
	char *cause = NULL, *msg = NULL;
	int64_t id;
	int rc;

	if ((rc = hq_cli_args(argc, argv, 1, 1, usage, &a, &reason, &h)) != 0)
		return rc;
	if ((rc = cli_number(a.pos[0], "the bundle's number", INT64_MAX, &id)) == 0) {
		if (fn(h, id, reason, &msg, &cause) != 0)
			rc = cli_cause(CLI_REFUSED, cause);
		else
			printf("%s\n", cli_esc(msg));
	}
	free(msg);
	hq_free(h);
	return rc;
}

int
hq_cli_refuse(struct ledger *l, int argc, char **argv)
{
	(void)l;
	return hq_cli_decide(argc, argv, "hq-refuse --db HQ.db ID --reason TEXT", hq_refuse);
}

int
hq_cli_revoke(struct ledger *l, int argc, char **argv)
{
	(void)l;
	return hq_cli_decide(argc, argv, "hq-revoke --db HQ.db ID --reason TEXT", hq_revoke);
}

int
hq_cli_distrust(struct ledger *l, int argc, char **argv)
{
	struct cli_args a;
	const char *reason;
	struct hq *h = NULL;
	char *cause = NULL, *msg = NULL;
	int rc;

	(void)l;
	if ((rc = hq_cli_args(argc, argv, 1, 1, "hq-distrust --db HQ.db EVENT --reason TEXT", &a,
	                      &reason, &h)) != 0)
		return rc;
	if (hq_distrust(h, a.pos[0], reason, &msg, &cause) != 0)
		rc = cli_cause(CLI_REFUSED, cause);
	else
		printf("%s\n", cli_esc(msg));
	free(msg);
	hq_free(h);
	return rc;
}

int
hq_cli_log(struct ledger *l, int argc, char **argv)
{
	struct cli_args a;
	const char *reason;
	struct hq *h = NULL;
	char *cause = NULL, *text = NULL;
	int rc, intact = 0;

	(void)l;
	if ((rc = hq_cli_args(argc, argv, 0, 0, "hq-log --db HQ.db", &a, &reason, &h)) != 0)
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
