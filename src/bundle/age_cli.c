/* age_cli.c — `watctl hq-init`: HQ's three key pairs in one folder, in the
 * files stock minisign and age read (docs/HQ-GUIDE.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "age_cli.h"
#include "cli.h"
#include "sign.h"
#include "util.h"

/* DIR/name.key and DIR/name.pub: an age key pair, made when the secret is
 * missing, its .pub (re)written when missing.  *made tells which. */
static int
age_cli_seal_pair(const char *dir, const char *name, int *made, char rcpt[AGE_RECIPIENT_LEN + 1],
                  char sec[AGE_IDENTITY_LEN + 1], char **cause)
{
	char *key = xasprintf("%s/%s.key", dir, name), *pub = xasprintf("%s/%s.pub", dir, name);
	struct age_identity ids[AGE_MAX_IDS];
	struct age_recipient r;
	size_t n = 0;
	int rc = -1;

	sec[0] = '\0';
	*made = access(key, F_OK) != 0;
	if (*made && access(pub, F_OK) == 0) {
		/* The backup's secret went offline, as it should: keep its .pub. */
		*made = 0;
		if (age_recipient_load(pub, &r, cause) != 0)
			goto end;
		age_recipient_format(&r, rcpt);
		rc = 0;
		goto end;
	}
	if (*made) {
		age_keygen(&ids[0]);
		if (age_identity_write(key, &ids[0], cause) != 0)
			goto end;
		n = 1;
	} else if (age_identity_load(key, ids, &n, cause) != 0)
		goto end;
	age_identity_recipient(&ids[0], &r);
	age_recipient_format(&r, rcpt);
	if (*made)
		age_identity_format(&ids[0], sec);
	if (access(pub, F_OK) != 0 && age_recipient_write(pub, &r, cause) != 0)
		goto end;
	rc = 0;
end:
	for (size_t i = 0; i < n; i++)
		age_identity_wipe(&ids[i]);
	free(key);
	free(pub);
	return rc;
}

static enum cli_ret
age_cli_hq_init(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct sign_key *k = NULL;
	struct sign_pub pub;
	char seal[AGE_RECIPIENT_LEN + 1], backup[AGE_RECIPIENT_LEN + 1];
	char sec[AGE_IDENTITY_LEN + 1], id[17], *key = NULL, *pubpath = NULL, *cause = NULL;
	char *text = NULL;
	const char *dir;
	int rc, made_sign, made_seal, made_backup;

	if (a->npos != 0 || (dir = cli_val(a, "dir")) == NULL)
		return cli_usage(c);
	if (util_mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cli_fail(CLI_REFUSED, "Cannot make the folder %s: %s.", cli_esc(dir),
		                strerror(errno));
	rc = CLI_REFUSED;
	key = xasprintf("%s/hq.key", dir);
	pubpath = xasprintf("%s/hq.pub", dir);
	made_sign = access(key, F_OK) != 0;
	if (made_sign && sign_key_create(key, pubpath, &cause) != 0)
		goto fail;
	if (sign_key_load(key, &k, &cause) != 0)
		goto fail;
	sign_key_public(k, &pub);
	text = sign_pub_format(&pub);
	if (access(pubpath, F_OK) != 0 &&
	    util_write_file(dir, "hq.pub", text, strlen(text), 0644, &cause) != 0)
		goto fail;
	if (age_cli_seal_pair(dir, "hq-seal", &made_seal, seal, sec, &cause) != 0)
		goto fail;
	if (age_cli_seal_pair(dir, "hq-backup", &made_backup, backup, sec, &cause) != 0)
		goto fail;
	sign_keyid_hex(pub.id, id);
	printf("HQ's keys are in %s%s:\n", cli_esc(dir),
	       made_sign && made_seal && made_backup ? "" : " (existing keys were kept)");
	printf("  hq.key / hq.pub                signs charters (key id %s)%s\n", id,
	       made_sign ? "" : ", kept");
	printf("  hq-seal.key / hq-seal.pub      opens sealed bundles: %s%s\n", seal,
	       made_seal ? "" : ", kept");
	printf("  hq-backup.key / hq-backup.pub  the offline backup: %s%s\n", backup,
	       made_backup ? "" : ", kept");
	printf("\nEvery station image must carry the three .pub files: copy them into the\n"
	       "source's assets/hq/ (replacing the demo HQ's) before building images.\n");
	if (made_backup)
		printf(
		    "\nTHE BACKUP KEY: print this page, or copy hq-backup.key to a stick, keep it\n"
		    "in a safe, then delete hq-backup.key from this computer.  If hq-seal.key is\n"
		    "lost, this key still opens every bundle (age -d -i hq-backup.key "
		    "FILE.age):\n\n"
		    "  %s\n\n",
		    sec);
	rc = CLI_OK;
	goto end;
fail:
	rc = cli_cause(CLI_REFUSED, cause);
end:
	util_wipe(sec, sizeof sec);
	sign_key_free(k);
	free(text);
	free(key);
	free(pubpath);
	return rc;
}

const struct cli_cmd_entry age_cli_hq_init_entry = {
    .name = "hq-init",
    .usage = "--dir DIR",
    .about = "HQ's signing, sealing and offline backup keys (HQ; existing keys are kept)",
    .opts = CLI_OPTS(CLI_VALUE("dir")),
    .needs = CLI_NONE,
    .exec = age_cli_hq_init,
};
