/* trust_cli.c — hq-charter, hq-rotate and init's charter (trust_cli.h). */
#include "trust_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ledger.h"
#include "print_cli.h"
#include "trust_station.h"
#include "util.h"

/* HQ's key folder: --hq DIR, else $WAT_HQ_DIR. */
static const char *
trust_cli_hq_dir(const char *given)
{
	if (given != NULL && *given != '\0')
		return given;
	given = getenv("WAT_HQ_DIR");
	return given != NULL && *given != '\0' ? given : NULL;
}

char *
trust_cli_hq_pub_dir(void)
{
	return trust_station_hq_dir();
}

static int
trust_cli_exists(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = access(path, F_OK) == 0;

	free(path);
	return rc;
}

static int
trust_cli_copy(const char *from, const char *dir, const char *name, int mode, char **cause)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (util_read_file(from, (size_t)TRUST_FILE_MAX * TRUST_HQ_MAX, &data, &len, cause) != 0)
		return -1;
	rc = util_write_file(dir, name, data, len, mode, cause);
	free(data);
	return rc;
}

/* HQ's current signing key, and the keys its folder trusts. */
static int
trust_cli_hq_open(const char *dir, struct sign_key **k, struct trust_hq *hq, char **cause)
{
	char *path = xasprintf("%s/hq.key", dir);
	int rc = -1;

	if (trust_hq_load(dir, hq, cause) != 0)
		goto end;
	if (sign_key_load(path, k, cause) != 0)
		goto end;
	rc = 0;
end:
	free(path);
	return rc;
}

/* ---- hq-charter ------------------------------------------------------------ */

static enum cli_ret
trust_cli_hq_charter(struct cli_cmd_ctx *cc, struct cli_args *a)
{
	static const char *const need[] = {"event", "name",  "city",        "date", "org",
	                                   "ein",   "inbox", "upload-code", "out"};
	struct trust_charter c;
	struct trust_hq hq;
	struct sign_key *k = NULL, *ev = NULL;
	const char *dir, *out, *v;
	char *cause = NULL, *text = NULL, *keyname = NULL, *name = NULL, *copies = NULL,
	     *rot = NULL, id[17];
	size_t i;
	int rc;

	memset(&c, 0, sizeof c);
	dir = trust_cli_hq_dir(cli_val(a, "hq"));
	for (i = 0; i < nitems(need); i++)
		if (cli_val(a, need[i]) == NULL)
			break;
	if (i < nitems(need))
		fprintf(stderr, "Missing: --%s\n", need[i]);
	if (dir == NULL || i < nitems(need) || a->npos != 0)
		return cli_usage(cc);
	out = cli_val(a, "out");
#define TRUST_CLI_SET(field, key)                                                                  \
	do {                                                                                       \
		v = cli_val(a, key);                                                               \
		if (strlen(v) >= sizeof c.field) {                                                 \
			rc = cli_fail(CLI_USAGE, "--%s is too long (at most %zu bytes).", key,     \
			              sizeof c.field - 1);                                         \
			goto end;                                                                  \
		}                                                                                  \
		strcpy(c.field, v);                                                                \
	} while (0)
	TRUST_CLI_SET(event, "event");
	TRUST_CLI_SET(name, "name");
	TRUST_CLI_SET(city, "city");
	TRUST_CLI_SET(date, "date");
	TRUST_CLI_SET(org, "org");
	TRUST_CLI_SET(ein, "ein");
	TRUST_CLI_SET(inbox, "inbox");
	TRUST_CLI_SET(upload_code, "upload-code");
#undef TRUST_CLI_SET
	if (trust_check_event_id(c.event, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	if (trust_cli_hq_open(dir, &k, &hq, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if (hq.seal[0] == '\0' || hq.backup[0] == '\0') {
		rc = cli_fail(
		    CLI_REFUSED,
		    "HQ's sealing keys are missing in %s (hq-seal.pub, hq-backup.pub): run "
		    "watctl hq-init --dir %s first.",
		    dir, dir);
		goto end;
	}
	memcpy(c.hq_seal, hq.seal, sizeof c.hq_seal);
	memcpy(c.hq_backup, hq.backup, sizeof c.hq_backup);
	name = xasprintf("%s.charter", c.event);
	keyname = xasprintf("%s.event.key", c.event);
	copies = xasprintf("%s/charters", dir);
	if (trust_cli_exists(copies, name)) {
		rc =
		    cli_fail(CLI_REFUSED,
		             "HQ chartered event %s before (%s/%s): an event id is chartered once. "
		             "Nothing was written.",
		             c.event, copies, name);
		goto end;
	}
	if (trust_cli_exists(out, name) || trust_cli_exists(out, keyname)) {
		rc = cli_fail(CLI_REFUSED, "%s already holds %s or %s: nothing was overwritten.",
		              out, name, keyname);
		goto end;
	}
	sign_key_generate(&ev);
	sign_key_public(ev, &c.event_pub);
	if (trust_charter_make(&c, k, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	text = trust_charter_format(&c);
	if (util_mkdir(out, 0700) == -1) {
		rc = cli_fail(CLI_REFUSED, "Cannot make the folder %s: %s.", out, strerror(errno));
		goto end;
	}
	{
		char *kp = xasprintf("%s/%s", out, keyname);
		int r = sign_key_save(ev, kp, NULL, "W.A.T. event key", &cause);
		free(kp);
		if (r != 0) {
			rc = cli_cause(CLI_REFUSED, cause);
			goto end;
		}
	}
	sign_key_free(ev), ev = NULL; /* HQ keeps only the public key */
	if (util_write_file(out, name, text, strlen(text), 0644, &cause) != 0 ||
	    util_mkdir(copies, 0700) == -1 ||
	    util_write_file(copies, name, text, strlen(text), 0644, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED,
		               cause != NULL ? cause : xasprintf("Cannot make %s.", copies));
		goto end;
	}
	/* a station with older software follows HQ's new key through these */
	rot = xasprintf("%s/hq-rotations", dir);
	if (access(rot, F_OK) == 0 && trust_cli_copy(rot, out, "hq-rotations", 0644, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	sign_keyid_hex(c.event_pub.id, id);
	printf("Charter for event %s (\"%s\", %s, %s) issued.\n"
	       "  %s/%s           the charter (signed by HQ)\n"
	       "  %s/%s         the event's SECRET key (keep it on the coordinator's stick "
	       "only)\n"
	       "Event key id: %s. HQ keeps the charter (public key only) in %s/%s.\n",
	       c.event, cli_esc(c.name), cli_esc(c.city), c.date, out, name, out, keyname, id,
	       copies, name);
	rc = CLI_OK;
end:
	free(rot);
	free(copies);
	free(keyname);
	free(name);
	free(text);
	trust_charter_clear(&c);
	sign_key_free(ev);
	sign_key_free(k);
	return rc;
}

/* ---- hq-rotate ------------------------------------------------------------- */

static void
trust_cli_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
trust_cli_read_age(const char *path, char out[TRUST_AGE_MAX + 1], char **cause)
{
	char *data = NULL, *line;
	size_t len;
	int rc = -1;

	if (util_read_file(path, 4096, &data, &len, cause) != 0)
		return -1;
	/* age-keygen -y writes one line; a file of several: the age1 line */
	for (line = strtok(data, "\r\n"); line != NULL; line = strtok(NULL, "\r\n"))
		if (strncmp(line, "age1", 4) == 0)
			break;
	if (line == NULL || trust_check_age(line, path, cause) != 0)
		goto end;
	snprintf(out, TRUST_AGE_MAX + 1, "%s", line);
	rc = 0;
end:
	free(data);
	return rc;
}

static enum cli_ret
trust_cli_hq_rotate(struct cli_cmd_ctx *cc, struct cli_args *a)
{
	struct trust_rotation r;
	struct trust_hq hq;
	struct sign_key *old = NULL, *fresh = NULL;
	const char *dir, *v;
	char *cause = NULL, *text = NULL, *all = NULL, *path = NULL, *pub = NULL, *oldname = NULL,
	     *root = NULL, oldid[17], newid[17];
	size_t len = 0;
	int rc;

	memset(&r, 0, sizeof r);
	dir = trust_cli_hq_dir(cli_val(a, "hq"));
	if (dir == NULL || a->npos != 0)
		return cli_usage(cc);
	if (trust_cli_hq_open(dir, &old, &hq, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if ((v = cli_val(a, "date")) != NULL)
		snprintf(r.date, sizeof r.date, "%s", v);
	else
		trust_cli_today(r.date);
	memcpy(r.seal, hq.seal, sizeof r.seal);
	memcpy(r.backup, hq.backup, sizeof r.backup);
	if ((v = cli_val(a, "seal-pub")) != NULL && trust_cli_read_age(v, r.seal, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	if ((v = cli_val(a, "backup-pub")) != NULL &&
	    trust_cli_read_age(v, r.backup, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	sign_key_generate(&fresh);
	sign_key_public(fresh, &r.new_key);
	if (trust_rotation_make(&r, old, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	text = trust_rotation_format(&r);
	sign_keyid_hex(r.old_key.id, oldid);
	sign_keyid_hex(r.new_key.id, newid);
	/* the first key stays the root of the chain stations follow */
	root = xasprintf("%s/hq-root.pub", dir);
	if (access(root, F_OK) != 0) {
		char *first = sign_pub_format(&hq.keys[0]);
		int w = util_write_file(dir, "hq-root.pub", first, strlen(first), 0644, &cause);
		free(first);
		if (w != 0) {
			rc = cli_cause(CLI_REFUSED, cause);
			goto end;
		}
	}
	/* the old secret is kept beside (0600) until HQ destroys it */
	oldname = xasprintf("hq-%s.key", oldid);
	path = xasprintf("%s/%s", dir, oldname);
	if (sign_key_save(old, path, NULL, "W.A.T. HQ, retired", &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	free(path);
	path = xasprintf("%s/hq-rotations", dir);
	if (util_read_file(path, (size_t)TRUST_FILE_MAX * TRUST_HQ_MAX, &all, &len, NULL) != 0)
		all = xstrdup(""), len = 0;
	{
		char *joined = xasprintf("%s%s", all, text);
		int w = util_write_file(dir, "hq-rotations", joined, strlen(joined), 0644, &cause);
		free(joined);
		if (w != 0) {
			rc = cli_cause(CLI_REFUSED, cause);
			goto end;
		}
	}
	free(path);
	path = xasprintf("%s/hq.key", dir);
	pub = xasprintf("%s/hq.pub", dir);
	if (sign_key_save(fresh, path, pub, "W.A.T. HQ", &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("HQ's signing key is now %s, announced signed by the old key %s.\n"
	       "  %s/hq.key, hq.pub      the new key\n"
	       "  %s/hq-rotations        the announcements (copy it with hq.pub and hq-root.pub "
	       "into assets/hq/ for the next software image)\n"
	       "  %s/%s   the old secret: put it offline or destroy it\n"
	       "Charters issued before stay valid; new ones are signed by the new key.\n",
	       newid, oldid, dir, dir, dir, oldname);
	rc = CLI_OK;
end:
	free(root);
	free(oldname);
	free(pub);
	free(path);
	free(all);
	free(text);
	trust_rotation_clear(&r);
	sign_key_free(fresh);
	sign_key_free(old);
	return rc;
}

const struct cli_cmd_entry trust_cli_hq_charter_entry = {
    .name = "hq-charter",
    .usage = "--hq DIR --event ID --name NAME --city CITY --date YYYY-MM-DD --org NAME "
             "--ein NN-NNNNNNN --inbox URL --upload-code CODE --out DIR",
    .about = "an event's charter and its secret event key file (HQ; --hq or $WAT_HQ_DIR)",
    .opts = CLI_OPTS(CLI_VALUE("hq"), CLI_VALUE("event"), CLI_VALUE("name"), CLI_VALUE("city"),
                     CLI_VALUE("date"), CLI_VALUE("org"), CLI_VALUE("ein"), CLI_VALUE("inbox"),
                     CLI_VALUE("upload-code"), CLI_VALUE("out")),
    .needs = CLI_NONE,
    .exec = trust_cli_hq_charter,
};

const struct cli_cmd_entry trust_cli_hq_rotate_entry = {
    .name = "hq-rotate",
    .usage = "--hq DIR [--date YYYY-MM-DD] [--seal-pub FILE --backup-pub FILE]",
    .about = "a new HQ signing key, announced signed by the old one (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("hq"), CLI_VALUE("date"), CLI_VALUE("seal-pub"),
                     CLI_VALUE("backup-pub")),
    .needs = CLI_NONE,
    .exec = trust_cli_hq_rotate,
};

/* ---- init ------------------------------------------------------------------ */

int
trust_cli_charter_open(const char *charter, const char *event_key, struct trust_cli_charter *tc)
{
	char *cause = NULL, *hq = NULL;
	size_t len;
	int rc;

	memset(tc, 0, sizeof *tc);
	if (charter == NULL || event_key == NULL)
		return cli_fail(CLI_USAGE, "Give both --charter FILE and --event-key FILE (the two "
		                           "files HQ sent for the event).");
	if ((hq = trust_cli_hq_pub_dir()) == NULL)
		return cli_fail(CLI_REFUSED, "Cannot find HQ's published keys (assets/hq): set "
		                             "WAT_HQ_KEYS or WAT_ASSETS.");
	rc = trust_station_charter_check(charter, event_key, hq, &tc->c, &tc->ev, &cause);
	free(hq);
	if (rc != 0)
		return cli_cause(CLI_REFUSED, cause);
	if (util_read_file(charter, TRUST_FILE_MAX, &tc->text, &len, &cause) != 0) {
		trust_cli_charter_clear(tc);
		return cli_cause(CLI_REFUSED, cause);
	}
	return CLI_OK;
}

void
trust_cli_charter_clear(struct trust_cli_charter *tc)
{
	trust_charter_clear(&tc->c);
	sign_key_free(tc->ev);
	free(tc->text);
	memset(tc, 0, sizeof *tc);
}

int
trust_cli_init_finish(const char *db, struct ledger *l, struct trust_cli_charter *tc,
                      const char *op)
{
	char *keys = xasprintf("%s.keys", db), *cause = NULL, id[17];
	int rc = CLI_REFUSED;

	if (tc != NULL && (ledger_set(l, "org-name", tc->c.org, op, &cause) != 0 ||
	                   ledger_set(l, "org-ein", tc->c.ein, op, &cause) != 0)) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if (trust_station_first(keys, l, tc != NULL ? &tc->c : NULL, tc != NULL ? tc->text : NULL,
	                        tc != NULL ? tc->ev : NULL, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if (tc != NULL) {
		sign_key_free(tc->ev); /* kept on disk (0600); wiped here */
		tc->ev = NULL;
	}
	if (trust_station_event_keyid(keys, id) == 0)
		printf("Event key id: %s%s (on the close-out sheet; HQ knows the event by it). "
		       "The station is certified (serial 1).\n",
		       id,
		       tc != NULL ? ", the charter's"
		                  : " (no charter: this station made the event key)");
	rc = CLI_OK;
end:
	free(keys);
	return rc;
}
