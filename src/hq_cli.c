/* hq_cli.c — watctl's commands for HQ's decisions (see hq_cli.h). */
#include "hq_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "hq.h"
#include "util.h"

/* Opens the HQ database named by --db, which must exist. */
static int
hq_cli_open(const char *path, struct hq **h)
{
	struct stat sb;
	char *cause = NULL;

	if (stat(path, &sb) != 0)
		return cli_fail(CLI_USAGE, "There is no HQ database %s (merge bundles first).",
		                path);
	if (hq_open(path, h, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	return CLI_OK;
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
 * verifies them as merge does.  *dir is the folder (the caller removes it). */
static int
hq_cli_reverify(const struct hq_held *b, char **dir, struct bundle_report *rep, char **cause)
{
	const char *base = strrchr(b->file, '/') != NULL ? strrchr(b->file, '/') + 1 : b->file;
	const char *tmp = getenv("TMPDIR");
	char *signame = xasprintf("%s.minisig", base), *path = NULL;
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
	path = xasprintf("%s/%s", *dir, base);
	if (bundle_verify_file(path, NULL, rep, cause) != 0)
		goto end;
	rc = 0;
end:
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

int
hq_cli_accept(struct ledger *l, int argc, char **argv)
{
	struct cli_args a;
	const char *reason;
	struct hq *h = NULL;
	struct hq_held b;
	struct bundle_report rep;
	struct hq_merge_result res;
	char *cause = NULL, *dir = NULL;
	int64_t id;
	int rc, have = 0;

	(void)l;
	memset(&b, 0, sizeof b);
	if ((rc = hq_cli_args(argc, argv, 1, 1, "hq-accept --db HQ.db ID --reason TEXT", &a,
	                      &reason, &h)) != 0)
		return rc;
	if ((rc = cli_number(a.pos[0], "the held bundle's number", INT64_MAX, &id)) != 0)
		goto end;
	if (hq_held_load(h, id, &b, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	/* what HQ kept is checked again, as merge checked it, before it counts */
	if (b.data != NULL) {
		if (hq_cli_reverify(&b, &dir, &rep, &cause) != 0) {
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
		fprintf(stderr, "%s\n", cli_esc(res.message));
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
