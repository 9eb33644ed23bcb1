/* trust_station.c — the station's charter, event key and certificates as
 * files in its key folder (trust_station.h). */
#include "trust_station.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "bundle.h"
#include "event_pack.h"
#include "ledger.h"
#include "print_cli.h"
#include "strbuf.h"
#include "util.h"

#define TS_CERT    "station.cert"
#define TS_CHARTER "charter"
#define TS_EVKEY   "event.key"
#define TS_EVPUB   "event.pub"
#define TS_ISSUED  "certs-issued"

static char *
trust_station_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static int
trust_station_write(const char *dir, const char *name, const char *text, int mode, char **cause)
{
	if (util_mkdir(dir, 0700) == -1)
		return util_fail(cause, "Cannot make the key folder %s: %s.", dir, strerror(errno));
	return util_write_file(dir, name, text, strlen(text), mode, cause);
}

static int
trust_station_exists(const char *dir, const char *name)
{
	char *path = trust_station_path(dir, name);
	int rc = access(path, F_OK) == 0;

	free(path);
	return rc;
}

/* The HQ keys: hq_dir's, extended by an hq-rotations file in extra_dir. */
static int
trust_station_hq(const char *hq_dir, const char *extra_dir, struct trust_hq *hq, char **cause)
{
	struct trust_hq more;
	char *path = NULL, *data = NULL;
	size_t len = 0, i, j;
	int rc = -1;

	if (trust_hq_load(hq_dir, hq, cause) != 0)
		return -1;
	if (extra_dir == NULL)
		return 0;
	path = trust_station_path(extra_dir, "hq-rotations");
	if (util_read_file(path, (size_t)TRUST_FILE_MAX * TRUST_HQ_MAX, &data, &len, NULL) != 0) {
		rc = 0; /* none beside the charter */
		goto end;
	}
	/* each key of hq's chain may root the extra chain */
	for (i = 0; i < hq->n; i++) {
		if (trust_hq_chain(&hq->keys[i], data, len, &more, NULL) != 0)
			continue;
		for (j = 1; j < more.n && hq->n < TRUST_HQ_MAX; j++)
			hq->keys[hq->n++] = more.keys[j];
		if (more.seal[0] != '\0') {
			memcpy(hq->seal, more.seal, sizeof hq->seal);
			memcpy(hq->backup, more.backup, sizeof hq->backup);
		}
		break;
	}
	rc = 0;
end:
	free(data);
	free(path);
	return rc;
}

int
trust_station_charter_check(const char *charter_path, const char *event_key_path,
                            const char *hq_dir, struct trust_charter *c, struct sign_key **ev,
                            char **cause)
{
	struct trust_hq hq;
	struct sign_key *k = NULL;
	struct sign_pub pub;
	char *dir = xstrdup(charter_path), *slash = strrchr(dir, '/'), *why = NULL;
	int rc = -1;

	if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	memset(c, 0, sizeof *c);
	if (trust_station_hq(hq_dir, dir, &hq, cause) != 0)
		goto end;
	if (trust_charter_load(charter_path, c, cause) != 0)
		goto end;
	if (trust_charter_verify_hq(c, &hq, &why) != 0) {
		util_fail(cause, "%s is not HQ's: %s", charter_path, why);
		goto end;
	}
	if (sign_key_load(event_key_path, &k, cause) != 0)
		goto end;
	sign_key_public(k, &pub);
	if (memcmp(&pub, &c->event_pub, sizeof pub) != 0) {
		char want[17], got[17];
		sign_keyid_hex(c->event_pub.id, want);
		sign_keyid_hex(pub.id, got);
		util_fail(cause,
		          "The event key %s (key id %s) is not this charter's event key (%s): take "
		          "the key file that came with the charter.",
		          event_key_path, got, want);
		goto end;
	}
	if (ev != NULL) {
		*ev = k;
		k = NULL;
	}
	rc = 0;
end:
	if (rc != 0)
		trust_charter_clear(c);
	sign_key_free(k);
	free(why);
	free(dir);
	return rc;
}

/* Appends "<serial> <station> <key id>" to certs-issued. */
static int
trust_station_issued(const char *dir, const struct trust_cert *c, char **cause)
{
	char *path = trust_station_path(dir, TS_ISSUED), *old = NULL, *text, id[17];
	size_t len = 0;
	int rc;

	if (util_read_file(path, 1 << 20, &old, &len, NULL) != 0)
		old = NULL;
	sign_keyid_hex(c->station_pub.id, id);
	text =
	    xasprintf("%s%" PRId64 " %s %s\n", old != NULL ? old : "", c->serial, c->station, id);
	rc = trust_station_write(dir, TS_ISSUED, text, 0600, cause);
	free(text);
	free(old);
	free(path);
	return rc;
}

/* The last serial in certs-issued (0: none). */
static int64_t
trust_station_last_serial(const char *dir)
{
	char *path = trust_station_path(dir, TS_ISSUED), *data = NULL, *p;
	size_t len = 0;
	int64_t last = 0, v;

	if (util_read_file(path, 1 << 20, &data, &len, NULL) == 0)
		for (p = data; p != NULL && *p != '\0';
		     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			if ((v = strtoll(p, NULL, 10)) > last)
				last = v;
	free(data);
	free(path);
	return last;
}

/* The id after the station of the last certificate made (T1 → T2). */
static void
trust_station_last_station(const char *dir, const char *mine, char *buf, size_t len)
{
	char *path = trust_station_path(dir, TS_ISSUED), *data = NULL, *p, last[64];
	size_t n = 0;
	int64_t best = 0, v;

	snprintf(last, sizeof last, "%s", mine);
	if (util_read_file(path, 1 << 20, &data, &n, NULL) == 0)
		for (p = data; p != NULL && *p != '\0';
		     p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL) {
			char st[64];
			if (sscanf(p, "%" SCNd64 " %63s", &v, st) == 2 && v > best) {
				best = v;
				snprintf(last, sizeof last, "%s", st);
			}
		}
	event_pack_next_station(last, buf, len);
	free(data);
	free(path);
}

static int
trust_station_certify(const char *dir, const struct sign_key *ev, struct trust_cert *c,
                      char **cause)
{
	char *text;
	int rc;

	if (trust_cert_make(c, ev, cause) != 0)
		return -1;
	if (trust_station_issued(dir, c, cause) != 0)
		return -1;
	text = trust_cert_format(c);
	rc = 0;
	free(text);
	return rc;
}

/* Removes name from dir when there (a file of an earlier set-up). */
static void
trust_station_drop(const char *dir, const char *name)
{
	char *path = trust_station_path(dir, name);

	unlink(path);
	free(path);
}

int
trust_station_first(const char *keys_dir, struct ledger *l, const struct trust_charter *c,
                    const char *charter_text, const struct sign_key *ev, char **cause)
{
	struct sign_key *mine = NULL, *station = NULL;
	const struct sign_key *k = ev;
	struct ledger_event e;
	struct trust_cert cert;
	struct sign_pub pub;
	char *path = trust_station_path(keys_dir, TS_EVKEY), *text = NULL, *pubtext = NULL;
	int rc = -1;

	memset(&cert, 0, sizeof cert);
	if (ledger_event(l, &e) != 0) {
		util_fail(cause, "The event has not been set up yet.");
		goto end;
	}
	/* A new ledger starts a new chain: whatever an earlier set-up left in
	 * the key folder (its ledger removed) is replaced; only the station key
	 * is kept. */
	if (k == NULL) { /* an event without a charter: an event key of its own */
		sign_key_generate(&mine);
		k = mine;
	}
	if (util_mkdir(keys_dir, 0700) == -1) {
		util_fail(cause, "Cannot make the key folder %s: %s.", keys_dir, strerror(errno));
		goto end;
	}
	trust_station_drop(keys_dir, TS_ISSUED);
	trust_station_drop(keys_dir, TS_CERT);
	if (sign_key_save(k, path, NULL, "W.A.T. event key", cause) != 0)
		goto end;
	sign_key_public(k, &pub);
	pubtext = sign_pub_format(&pub);
	if (trust_station_write(keys_dir, TS_EVPUB, pubtext, 0644, cause) != 0)
		goto end;
	if (charter_text == NULL)
		trust_station_drop(keys_dir, TS_CHARTER);
	else if (trust_station_write(keys_dir, TS_CHARTER, charter_text, 0644, cause) != 0)
		goto end;
	if (sign_key_open(keys_dir, &station, cause) != 0)
		goto end;
	snprintf(cert.event, sizeof cert.event, "%s", c != NULL ? c->event : e.event_tag);
	snprintf(cert.station, sizeof cert.station, "%s", e.station);
	if (ledger_identity(l, cert.ledger) != 0) {
		util_fail(cause, "The ledger has no identity yet.");
		goto end;
	}
	cert.serial = 1;
	sign_key_public(station, &cert.station_pub);
	if (trust_station_certify(keys_dir, k, &cert, cause) != 0)
		goto end;
	text = trust_cert_format(&cert);
	if (trust_station_write(keys_dir, TS_CERT, text, 0644, cause) != 0)
		goto end;
	rc = 0;
end:
	free(text);
	free(pubtext);
	trust_cert_clear(&cert);
	sign_key_free(station);
	sign_key_free(mine);
	free(path);
	return rc;
}

int
trust_station_event_keyid(const char *keys_dir, char out[17])
{
	struct trust_cert c;
	char *path = trust_station_path(keys_dir, TS_CERT);
	int rc = trust_cert_load(path, &c, NULL);

	free(path);
	if (rc != 0)
		return -1;
	sign_keyid_hex(c.event_key, out);
	trust_cert_clear(&c);
	return 0;
}

static char *
trust_station_read(const char *dir, const char *name)
{
	char *path = trust_station_path(dir, name), *data = NULL;
	size_t len;

	if (util_read_file(path, TRUST_FILE_MAX, &data, &len, NULL) != 0)
		data = NULL;
	free(path);
	return data;
}

int
trust_station_pack(const char *keys_dir, const char *for_station, struct event_pack *p,
                   char **cause)
{
	struct sign_key *ev = NULL, *k = NULL;
	struct trust_cert cert, mine;
	struct sign_pub evpub;
	char next[TRUST_STATION_MAX + 8];
	char *path = trust_station_path(keys_dir, TS_EVKEY), *minepath = NULL;
	int rc = -1;

	memset(&cert, 0, sizeof cert);
	memset(&mine, 0, sizeof mine);
	if (!trust_station_exists(keys_dir, TS_EVKEY)) {
		if (trust_station_exists(keys_dir, TS_CERT))
			util_fail(cause, "Only the event's first station holds the event key that "
			                 "certifies a new station: make the pack there.");
		else
			rc = 0; /* a station set up before certificates: a pack without */
		goto end;
	}
	minepath = trust_station_path(keys_dir, TS_CERT);
	if (trust_cert_load(minepath, &mine, cause) != 0)
		goto end;
	if (for_station == NULL) {
		trust_station_last_station(keys_dir, mine.station, next, sizeof next);
		for_station = next;
	}
	if (trust_check_station(for_station, cause) != 0)
		goto end;
	if (strcasecmp(mine.station, for_station) == 0) {
		util_fail(cause, "Station %s is this station: a pack is for another station.",
		          for_station);
		goto end;
	}
	if (sign_key_load(path, &ev, cause) != 0)
		goto end;
	sign_key_generate(&k);
	memcpy(cert.event, mine.event, sizeof cert.event);
	memcpy(cert.station, for_station, strlen(for_station) + 1); /* checked: <= 16 */
	cert.serial = trust_station_last_serial(keys_dir) + 1;
	sign_key_public(k, &cert.station_pub);
	if (trust_station_certify(keys_dir, ev, &cert, cause) != 0)
		goto end;
	sign_key_public(ev, &evpub);
	sign_key_free(ev), ev = NULL; /* wiped as soon as it is used */
	p->for_station = xstrdup(for_station);
	p->station_key = sign_key_format(k, "W.A.T. station");
	p->cert = trust_cert_format(&cert);
	p->event_pub = sign_pub_base64(&evpub);
	p->charter = trust_station_read(keys_dir, TS_CHARTER);
	rc = 0;
end:
	trust_cert_clear(&cert);
	trust_cert_clear(&mine);
	sign_key_free(k);
	sign_key_free(ev);
	free(minepath);
	free(path);
	return rc;
}

int
trust_station_join(const char *keys_dir, const char *hq_dir, const struct event_pack *p,
                   const char *station, char **cause)
{
	struct trust_cert cert;
	struct trust_charter ch;
	struct trust_hq hq;
	struct sign_pub evpub, pub;
	struct sign_key *k = NULL;
	char *why = NULL, *path = NULL, *text = NULL;
	int rc = -1;

	memset(&cert, 0, sizeof cert);
	memset(&ch, 0, sizeof ch);
	if (p->cert == NULL)
		return util_fail(cause,
		                 "The event pack holds no station certificate: make it again "
		                 "on the first station (updated software).");
	if (trust_cert_parse(p->cert, strlen(p->cert), &cert, &why) != 0 ||
	    sign_pub_parse(p->event_pub, strlen(p->event_pub), &evpub, NULL) != 0 ||
	    trust_cert_verify(&cert, &evpub, &why) != 0) {
		util_fail(cause, "The event pack's certificate is refused: %s",
		          why != NULL ? why : "its event key is damaged.");
		goto end;
	}
	if (strcasecmp(cert.station, station) != 0 || strcasecmp(p->for_station, station) != 0) {
		util_fail(
		    cause,
		    "This pack was made for station %s, not %s: a pack certifies one station.",
		    cert.station, station);
		goto end;
	}
	if (p->charter != NULL) {
		if (hq_dir == NULL) {
			util_fail(cause,
			          "Cannot find HQ's published keys to check the pack's charter.");
			goto end;
		}
		if (trust_charter_parse(p->charter, strlen(p->charter), &ch, &why) != 0 ||
		    trust_hq_load(hq_dir, &hq, &why) != 0 ||
		    trust_charter_verify_hq(&ch, &hq, &why) != 0) {
			util_fail(cause, "The event pack's charter is refused: %s", why);
			goto end;
		}
		if (memcmp(&ch.event_pub, &evpub, sizeof evpub) != 0 ||
		    strcmp(ch.event, cert.event) != 0) {
			util_fail(cause,
			          "The event pack's certificate is not of its charter's event.");
			goto end;
		}
	}
	if (sign_key_parse(p->station_key, strlen(p->station_key), "in the event pack", &k,
	                   cause) != 0)
		goto end;
	sign_key_public(k, &pub);
	if (memcmp(&pub, &cert.station_pub, sizeof pub) != 0) {
		util_fail(cause,
		          "The event pack's station key is not the one its certificate names.");
		goto end;
	}
	if (util_mkdir(keys_dir, 0700) == -1) {
		util_fail(cause, "Cannot make the key folder %s: %s.", keys_dir, strerror(errno));
		goto end;
	}
	/* a new ledger (event_pack_join refuses another): what an earlier
	 * set-up left in the key folder is replaced; a joined station never
	 * holds an event key */
	trust_station_drop(keys_dir, TS_EVKEY);
	trust_station_drop(keys_dir, TS_ISSUED);
	trust_station_drop(keys_dir, TS_CHARTER);
	path = trust_station_path(keys_dir, "station.key");
	free(text);
	text = trust_station_path(keys_dir, "station.pub");
	if (sign_key_save(k, path, text, NULL, cause) != 0)
		goto end;
	if (trust_station_write(keys_dir, TS_CERT, p->cert, 0644, cause) != 0)
		goto end;
	free(text);
	text = sign_pub_format(&evpub);
	if (trust_station_write(keys_dir, TS_EVPUB, text, 0644, cause) != 0)
		goto end;
	if (p->charter != NULL &&
	    trust_station_write(keys_dir, TS_CHARTER, p->charter, 0644, cause) != 0)
		goto end;
	rc = 0;
end:
	free(text);
	free(path);
	free(why);
	sign_key_free(k);
	trust_cert_clear(&cert);
	trust_charter_clear(&ch);
	return rc;
}

char *
trust_station_hq_dir(void)
{
	const char *env = getenv("WAT_HQ_KEYS");
	char *assets, *dir;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if ((assets = print_cli_assets(NULL)) == NULL)
		return NULL;
	dir = xasprintf("%s/hq", assets);
	free(assets);
	return dir;
}

char *
trust_station_event_key_path(const char *charter_path)
{
	size_t n = strlen(charter_path), sl = strlen(".charter");

	if (n > sl && strcmp(charter_path + n - sl, ".charter") == 0)
		return xasprintf("%.*s.event.key", (int)(n - sl), charter_path);
	return xasprintf("%s.event.key", charter_path);
}

int
trust_station_charter_init(const char *keys_dir, const char *hq_dir, struct ledger *l,
                           const char *charter_path, const char *station, const char *op,
                           char **cause)
{
	struct trust_charter c;
	struct ledger_init in;
	struct sign_key *ev = NULL;
	char *keypath = trust_station_event_key_path(charter_path), *text = NULL;
	size_t len;
	int rc = -1;

	memset(&c, 0, sizeof c);
	if (hq_dir == NULL) {
		util_fail(cause,
		          "Cannot find HQ's published keys (assets/hq) to check the charter.");
		goto end;
	}
	if (trust_station_charter_check(charter_path, keypath, hq_dir, &c, &ev, cause) != 0)
		goto end;
	if (util_read_file(charter_path, TRUST_FILE_MAX, &text, &len, cause) != 0)
		goto end;
	memset(&in, 0, sizeof in);
	in.name = c.name;
	in.city = c.city;
	in.date = c.date;
	in.station = station;
	if (ledger_init_event(l, &in, op, cause) != 0)
		goto end;
	if (ledger_set(l, "org-name", c.org, op, cause) != 0 ||
	    ledger_set(l, "org-ein", c.ein, op, cause) != 0)
		goto end;
	if (trust_station_first(keys_dir, l, &c, text, ev, cause) != 0)
		goto end;
	rc = 0;
end:
	sign_key_free(ev); /* kept on disk (0600) by trust_station_first; wiped here */
	free(text);
	free(keypath);
	trust_charter_clear(&c);
	return rc;
}

int
trust_station_seal_to(const char *keys_dir, const char *hq_dir, struct age_recipient r[2],
                      char **cause)
{
	struct trust_charter c;
	char *path = trust_station_path(keys_dir, TS_CHARTER), *why = NULL;
	int rc;

	if (access(path, F_OK) != 0) {
		free(path);
		return bundle_hq_recipients(hq_dir, r, cause);
	}
	rc = trust_charter_load(path, &c, &why);
	if (rc == 0 && (age_recipient_parse(c.hq_seal, &r[0], &why) != 0 ||
	                age_recipient_parse(c.hq_backup, &r[1], &why) != 0))
		rc = -1;
	if (rc != 0)
		util_fail(
		    cause,
		    "HQ's sealing keys in the event's charter cannot be read (%s): the bundle "
		    "cannot be sealed, nothing was exported.",
		    why);
	free(why);
	free(path);
	trust_charter_clear(&c);
	return rc;
}
