/* trust.c — charters, station certificates and HQ key rotations: signed
 * one-line JSON bodies (docs/TRUST.md).  Every signature is sign.c's. */
#include "trust.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "age.h"
#include "json.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

#define TRUST_BECH32 "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

/* ---- field checks ---------------------------------------------------------- */

static int
trust_is_idchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-';
}

static int
trust_check_word(const char *s, size_t max, const char *field, char **cause)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max)
		return util_fail(cause, "The %s must be 1 to %zu letters, digits or '-'.", field,
		                 max);
	for (i = 0; i < n; i++)
		if (!trust_is_idchar(s[i]))
			return util_fail(cause,
			                 "The %s may hold only letters, digits and '-' (it holds "
			                 "\"%c\").",
			                 field, s[i] >= 0x21 && s[i] <= 0x7e ? s[i] : '?');
	if (s[0] == '-')
		return util_fail(cause, "The %s must not start with '-'.", field);
	return 0;
}

int
trust_check_event_id(const char *s, char **cause)
{
	return trust_check_word(s, TRUST_EVENT_MAX, "event id", cause);
}

int
trust_check_station(const char *s, char **cause)
{
	return trust_check_word(s, TRUST_STATION_MAX, "station id", cause);
}

int
trust_check_date(const char *s, char **cause)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, i;

	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			break;
	if (i != 10 || s[10] != '\0')
		return util_fail(cause, "The date must be written YYYY-MM-DD.");
	y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 2000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))))
		return util_fail(cause, "The date %s is not a day of the calendar.", s);
	return 0;
}

int
trust_check_ein(const char *s, char **cause)
{
	int i;

	for (i = 0; i < 10; i++)
		if (i == 2 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			break;
	if (i != 10 || s[10] != '\0')
		return util_fail(cause, "The EIN must be written NN-NNNNNNN (9 digits).");
	return 0;
}

/* An age X25519 recipient: its form, then age.c's parse (bech32 checksum). */
int
trust_check_age(const char *s, const char *field, char **cause)
{
	struct age_recipient r;
	size_t i, n = strlen(s);

	if (n != 62 || strncmp(s, "age1", 4) != 0)
		return util_fail(
		    cause, "The %s is not an age public key (age1... of 62 characters).", field);
	for (i = 4; i < n; i++)
		if (strchr(TRUST_BECH32, s[i]) == NULL)
			return util_fail(cause,
			                 "The %s is not an age public key (it holds \"%c\").",
			                 field, s[i] >= 0x21 && s[i] <= 0x7e ? s[i] : '?');
	if (age_recipient_parse(s, &r, NULL) != 0)
		return util_fail(cause, "The %s is not an age public key (its checksum fails).",
		                 field);
	return 0;
}

static int
trust_check_text(const char *s, size_t max, const char *field, char **cause)
{
	size_t n = strlen(s);

	if (n == 0)
		return util_fail(cause, "The %s is empty.", field);
	if (n > max)
		return util_fail(cause, "The %s is too long (at most %zu bytes).", field, max);
	return text_check(s, field, cause);
}

static int
trust_check_url(const char *s, char **cause)
{
	size_t i, n = strlen(s);

	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return util_fail(cause, "The inbox URL must start with https:// (or http://).");
	if (n > TRUST_URL_MAX)
		return util_fail(cause, "The inbox URL is too long (at most %d bytes).",
		                 TRUST_URL_MAX);
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\')
			return util_fail(cause, "The inbox URL holds a space or a character a URL "
			                        "cannot hold.");
	return 0;
}

static int
trust_check_code(const char *s, char **cause)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > TRUST_CODE_MAX)
		return util_fail(cause, "The upload code must be 1 to %d characters.",
		                 TRUST_CODE_MAX);
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\')
			return util_fail(cause, "The upload code may hold only letters, digits and "
			                        "punctuation (no spaces or quotes).");
	return 0;
}

static int
trust_check_charter(const struct trust_charter *c, char **cause)
{
	if (trust_check_event_id(c->event, cause) != 0 ||
	    trust_check_text(c->name, TRUST_NAME_MAX, "event name", cause) != 0 ||
	    trust_check_text(c->city, TRUST_CITY_MAX, "city", cause) != 0 ||
	    trust_check_date(c->date, cause) != 0 ||
	    trust_check_text(c->org, TRUST_ORG_MAX, "organisation name", cause) != 0 ||
	    trust_check_ein(c->ein, cause) != 0 || trust_check_url(c->inbox, cause) != 0 ||
	    trust_check_code(c->upload_code, cause) != 0 ||
	    trust_check_age(c->hq_seal, "HQ sealing key (hq_seal)", cause) != 0 ||
	    trust_check_age(c->hq_backup, "HQ backup key (hq_backup)", cause) != 0)
		return -1;
	return 0;
}

static int
trust_check_cert(const struct trust_cert *c, char **cause)
{
	if (trust_check_event_id(c->event, cause) != 0 ||
	    trust_check_station(c->station, cause) != 0)
		return -1;
	if (c->serial < 1 || c->serial > TRUST_SERIAL_MAX)
		return util_fail(cause,
		                 "The serial number must be a whole number from 1 to %" PRId64 ".",
		                 TRUST_SERIAL_MAX);
	return 0;
}

/* ---- bodies ---------------------------------------------------------------- */

static void
trust_put_str(struct strbuf *b, const char *key, const char *val, int first)
{
	strbuf_printf(b, "%s\"%s\":", first ? "{" : ",", key);
	strbuf_json(b, val);
}

static void
trust_put_pub(struct strbuf *b, const char *key, const struct sign_pub *pub)
{
	char *b64 = sign_pub_base64(pub);

	trust_put_str(b, key, b64, 0);
	free(b64);
}

char *
trust_charter_body(const struct trust_charter *c)
{
	struct strbuf b = STRBUF_INIT;

	trust_put_str(&b, "format", TRUST_CHARTER_FORMAT, 1);
	trust_put_str(&b, "event", c->event, 0);
	trust_put_str(&b, "name", c->name, 0);
	trust_put_str(&b, "city", c->city, 0);
	trust_put_str(&b, "date", c->date, 0);
	trust_put_str(&b, "org", c->org, 0);
	trust_put_str(&b, "ein", c->ein, 0);
	trust_put_str(&b, "inbox", c->inbox, 0);
	trust_put_str(&b, "upload_code", c->upload_code, 0);
	trust_put_pub(&b, "hq_pub", &c->hq);
	trust_put_str(&b, "hq_seal", c->hq_seal, 0);
	trust_put_str(&b, "hq_backup", c->hq_backup, 0);
	trust_put_pub(&b, "event_pub", &c->event_pub);
	strbuf_puts(&b, "}\n");
	return strbuf_take(&b);
}

char *
trust_cert_body(const struct trust_cert *c)
{
	struct strbuf b = STRBUF_INIT;
	char hex[2 * TRUST_LEDGER_LEN + 1], id[17];

	for (size_t i = 0; i < TRUST_LEDGER_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", c->ledger[i]);
	sign_keyid_hex(c->event_key, id);
	trust_put_str(&b, "format", TRUST_CERT_FORMAT, 1);
	trust_put_str(&b, "event", c->event, 0);
	trust_put_str(&b, "station", c->station, 0);
	trust_put_str(&b, "ledger", hex, 0);
	strbuf_printf(&b, ",\"serial\":%" PRId64, c->serial);
	trust_put_pub(&b, "station_pub", &c->station_pub);
	trust_put_str(&b, "event_key", id, 0);
	strbuf_puts(&b, "}\n");
	return strbuf_take(&b);
}

static char *
trust_rotation_body(const struct trust_rotation *r)
{
	struct strbuf b = STRBUF_INIT;

	trust_put_str(&b, "format", TRUST_ROTATE_FORMAT, 1);
	trust_put_pub(&b, "old", &r->old_key);
	trust_put_pub(&b, "new", &r->new_key);
	trust_put_str(&b, "seal", r->seal, 0);
	trust_put_str(&b, "backup", r->backup, 0);
	trust_put_str(&b, "date", r->date, 0);
	strbuf_puts(&b, "}\n");
	return strbuf_take(&b);
}

/* The trusted comments: what `minisign -V` shows, checked on verify. */
static char *
trust_charter_comment(const struct trust_charter *c)
{
	return xasprintf("%s\tevent:%s", TRUST_CHARTER_FORMAT, c->event);
}

static char *
trust_cert_comment(const struct trust_cert *c)
{
	return xasprintf("%s\tevent:%s\tstation:%s\tserial:%" PRId64, TRUST_CERT_FORMAT, c->event,
	                 c->station, c->serial);
}

static char *
trust_rotation_comment(const struct trust_rotation *r)
{
	char id[17];

	sign_keyid_hex(r->new_key.id, id);
	return xasprintf("%s\tnew:%s", TRUST_ROTATE_FORMAT, id);
}

static char *
trust_join(const char *body, const char *minisig)
{
	return minisig == NULL ? NULL : xasprintf("%s%s", body, minisig);
}

char *
trust_charter_format(const struct trust_charter *c)
{
	char *body = trust_charter_body(c), *out = trust_join(body, c->minisig);

	free(body);
	return out;
}

char *
trust_cert_format(const struct trust_cert *c)
{
	char *body = trust_cert_body(c), *out = trust_join(body, c->minisig);

	free(body);
	return out;
}

char *
trust_rotation_format(const struct trust_rotation *r)
{
	char *body = trust_rotation_body(r), *out = trust_join(body, r->minisig);

	free(body);
	return out;
}

void
trust_charter_clear(struct trust_charter *c)
{
	free(c->minisig);
	memset(c, 0, sizeof *c);
}

void
trust_cert_clear(struct trust_cert *c)
{
	free(c->minisig);
	memset(c, 0, sizeof *c);
}

void
trust_rotation_clear(struct trust_rotation *r)
{
	free(r->minisig);
	memset(r, 0, sizeof *r);
}

/* ---- making ---------------------------------------------------------------- */

static int
trust_sign(const struct sign_key *k, const char *body, const char *comment, const char *what,
           char **minisig, char **cause)
{
	char *untrusted = xasprintf("W.A.T. %s", what), *sig = NULL;
	int rc = sign_data(k, body, strlen(body), comment, untrusted, &sig, cause);

	free(untrusted);
	if (rc == 0) {
		free(*minisig);
		*minisig = sig;
	}
	return rc;
}

int
trust_charter_make(struct trust_charter *c, const struct sign_key *hq, char **cause)
{
	char *body, *comment;
	int rc;

	if (trust_check_charter(c, cause) != 0)
		return -1;
	sign_key_public(hq, &c->hq);
	body = trust_charter_body(c);
	comment = trust_charter_comment(c);
	rc = trust_sign(hq, body, comment, "event charter", &c->minisig, cause);
	free(comment);
	free(body);
	return rc;
}

int
trust_cert_make(struct trust_cert *c, const struct sign_key *ev, char **cause)
{
	struct sign_pub pub;
	char *body, *comment;
	int rc;

	if (trust_check_cert(c, cause) != 0)
		return -1;
	sign_key_public(ev, &pub);
	memcpy(c->event_key, pub.id, SIGN_KEYID_LEN);
	body = trust_cert_body(c);
	comment = trust_cert_comment(c);
	rc = trust_sign(ev, body, comment, "station certificate", &c->minisig, cause);
	free(comment);
	free(body);
	return rc;
}

int
trust_rotation_make(struct trust_rotation *r, const struct sign_key *old, char **cause)
{
	char *body, *comment;
	int rc;

	if (trust_check_age(r->seal, "new sealing key (seal)", cause) != 0 ||
	    trust_check_age(r->backup, "new backup key (backup)", cause) != 0 ||
	    trust_check_date(r->date, cause) != 0)
		return -1;
	sign_key_public(old, &r->old_key);
	if (memcmp(r->old_key.id, r->new_key.id, SIGN_KEYID_LEN) == 0)
		return util_fail(cause, "The new HQ key has the old key's id: make a new key.");
	body = trust_rotation_body(r);
	comment = trust_rotation_comment(r);
	rc = trust_sign(old, body, comment, "HQ key rotation", &r->minisig, cause);
	free(comment);
	free(body);
	return rc;
}

/* ---- parsing --------------------------------------------------------------- */

/* A document's members, looked up by name; refusals say "The <doc>'s <key>". */
struct trust_doc {
	const char *doc; /* "charter", "certificate", "rotation announcement" */
	struct json_value obj;
	const char *const *keys;
	size_t nkeys;
};

/* Splits text into the body line (with its LF) and the signature after it,
 * checks the body is a JSON object of exactly the known members and that
 * the signature has minisign's form. */
static int
trust_split(const char *text, size_t len, struct trust_doc *d, size_t *body_len, char **minisig,
            char **cause)
{
	const char *nl;
	struct json_value k, v;
	const char *it = NULL;
	struct sign_sig sig;
	char *why = NULL;
	size_t i;

	if (len > TRUST_FILE_MAX)
		return util_fail(cause, "This file is far too large to be a %s.", d->doc);
	if ((nl = memchr(text, '\n', len)) == NULL)
		return util_fail(
		    cause, "This is not a %s: it has no signature after its first line.", d->doc);
	*body_len = (size_t)(nl - text) + 1;
	if (json_parse(text, *body_len - 1, &d->obj) != 0 || d->obj.type != JSON_OBJECT)
		return util_fail(cause, "This is not a %s: its first line is not a JSON object.",
		                 d->doc);
	while (json_next(&d->obj, &it, &k, &v)) {
		for (i = 0; i < d->nkeys; i++)
			if (json_is(&k, d->keys[i]))
				break;
		if (i == d->nkeys) {
			char *name = json_str(&k);
			char *esc = text_escape(name != NULL ? name : "", 0);
			util_fail(cause, "The %s has a member W.A.T. does not know: \"%s\".",
			          d->doc, esc);
			free(esc);
			free(name);
			return -1;
		}
	}
	if (memchr(text, '\0', len) != NULL)
		return util_fail(cause, "This is not a %s: it holds a NUL byte.", d->doc);
	if (sign_sig_parse(nl + 1, len - *body_len, &sig, &why) != 0) {
		util_fail(cause, "The %s's signature is damaged or missing: %s", d->doc, why);
		free(why);
		return -1;
	}
	sign_sig_clear(&sig);
	*minisig = xstrndup(nl + 1, len - *body_len);
	return 0;
}

/* A string member into out[max + 1]. */
static int
trust_get(const struct trust_doc *d, const char *key, char *out, size_t max, char **cause)
{
	struct json_value v;
	char *s;

	if (json_member(&d->obj, key, &v) != 0)
		return util_fail(cause, "The %s has no %s.", d->doc, key);
	if (v.type != JSON_STRING)
		return util_fail(cause, "The %s's %s is not text.", d->doc, key);
	s = json_str(&v);
	if (strlen(s) > max) {
		free(s);
		return util_fail(cause, "The %s's %s is too long (at most %zu bytes).", d->doc, key,
		                 max);
	}
	strcpy(out, s);
	free(s);
	return 0;
}

static int
trust_get_pub(const struct trust_doc *d, const char *key, struct sign_pub *pub, char **cause)
{
	char b64[80];

	if (trust_get(d, key, b64, sizeof b64 - 1, cause) != 0)
		return -1;
	if (strncmp(b64, "untrusted", 9) == 0 || sign_pub_parse(b64, strlen(b64), pub, NULL) != 0)
		return util_fail(cause, "The %s's %s is not a minisign public key.", d->doc, key);
	return 0;
}

/* Names the field a field check refused: "The charter's ein: <sentence>". */
static int
trust_field(const struct trust_doc *d, const char *key, int rc, char **cause)
{
	char *inner;

	if (rc == 0 || cause == NULL)
		return rc;
	inner = *cause;
	*cause = xasprintf("The %s's %s is refused: %s", d->doc, key, inner);
	free(inner);
	return -1;
}

/* Refuses a body that is not byte for byte what we write. */
static int
trust_canonical(const struct trust_doc *d, const char *text, size_t body_len, char *want,
                char **cause)
{
	int same = strlen(want) == body_len && memcmp(want, text, body_len) == 0;

	free(want);
	if (!same)
		return util_fail(cause,
		                 "The %s is not written as W.A.T. writes it (members out of "
		                 "order, spaces or escapes): it was not made by HQ's tool or was "
		                 "changed.",
		                 d->doc);
	return 0;
}

static int
trust_format_member(const struct trust_doc *d, const char *want, char **cause)
{
	struct json_value v;

	if (json_member(&d->obj, "format", &v) != 0)
		return util_fail(cause, "The %s has no format.", d->doc);
	if (!json_is(&v, want))
		return util_fail(cause, "The %s's format is not %s.", d->doc, want);
	return 0;
}

int
trust_charter_parse(const char *text, size_t len, struct trust_charter *c, char **cause)
{
	static const char *const keys[] = {
	    "format", "event",       "name",   "city",    "date",      "org",      "ein",
	    "inbox",  "upload_code", "hq_pub", "hq_seal", "hq_backup", "event_pub"};
	struct trust_doc d = {"charter", {JSON_NONE, NULL, 0}, keys, nitems(keys)};
	size_t blen;
	char *sig = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	if (trust_split(text, len, &d, &blen, &sig, cause) != 0)
		return -1;
	rc = trust_format_member(&d, TRUST_CHARTER_FORMAT, cause);
	if (rc == 0)
		rc = trust_get(&d, "event", c->event, TRUST_EVENT_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "event", trust_check_event_id(c->event, cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "name", c->name, TRUST_NAME_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "name",
		                 trust_check_text(c->name, TRUST_NAME_MAX, "event name", cause),
		                 cause);
	if (rc == 0)
		rc = trust_get(&d, "city", c->city, TRUST_CITY_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "city",
		                 trust_check_text(c->city, TRUST_CITY_MAX, "city", cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "date", c->date, 10, cause);
	if (rc == 0)
		rc = trust_field(&d, "date", trust_check_date(c->date, cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "org", c->org, TRUST_ORG_MAX, cause);
	if (rc == 0)
		rc = trust_field(
		    &d, "org", trust_check_text(c->org, TRUST_ORG_MAX, "organisation name", cause),
		    cause);
	if (rc == 0)
		rc = trust_get(&d, "ein", c->ein, TRUST_EIN_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "ein", trust_check_ein(c->ein, cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "inbox", c->inbox, TRUST_URL_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "inbox", trust_check_url(c->inbox, cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "upload_code", c->upload_code, TRUST_CODE_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "upload_code", trust_check_code(c->upload_code, cause), cause);
	if (rc == 0)
		rc = trust_get_pub(&d, "hq_pub", &c->hq, cause);
	if (rc == 0)
		rc = trust_get(&d, "hq_seal", c->hq_seal, TRUST_AGE_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "hq_seal", trust_check_age(c->hq_seal, "key", cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "hq_backup", c->hq_backup, TRUST_AGE_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "hq_backup", trust_check_age(c->hq_backup, "key", cause),
		                 cause);
	if (rc == 0)
		rc = trust_get_pub(&d, "event_pub", &c->event_pub, cause);
	if (rc == 0)
		rc = trust_canonical(&d, text, blen, trust_charter_body(c), cause);
	if (rc != 0) {
		free(sig);
		trust_charter_clear(c);
		return -1;
	}
	c->minisig = sig;
	return 0;
}

static int
trust_unhex(const char *hex, unsigned char *bin, size_t len)
{
	size_t i;

	if (strlen(hex) != 2 * len)
		return -1;
	for (i = 0; i < 2 * len; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return -1;
	for (i = 0; i < len; i++) {
		unsigned int b;
		sscanf(hex + 2 * i, "%2x", &b);
		bin[i] = (unsigned char)b;
	}
	return 0;
}

/* The key id as sign_keyid_hex prints it, back to its 8 bytes. */
static int
trust_keyid_parse(const char *hex, unsigned char id[SIGN_KEYID_LEN])
{
	uint64_t v = 0;
	size_t i;

	if (strlen(hex) != 16)
		return -1;
	for (i = 0; i < 16; i++) {
		char ch = hex[i];
		unsigned d;
		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned)(ch - 'A' + 10);
		else
			return -1;
		v = (v << 4) | d;
	}
	for (i = 0; i < SIGN_KEYID_LEN; i++, v >>= 8)
		id[i] = (unsigned char)(v & 0xff);
	return 0;
}

int
trust_cert_parse(const char *text, size_t len, struct trust_cert *c, char **cause)
{
	static const char *const keys[] = {"format", "event",       "station",  "ledger",
	                                   "serial", "station_pub", "event_key"};
	struct trust_doc d = {"certificate", {JSON_NONE, NULL, 0}, keys, nitems(keys)};
	struct json_value v;
	char hex[2 * TRUST_LEDGER_LEN + 1], id[17];
	size_t blen;
	char *sig = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	if (trust_split(text, len, &d, &blen, &sig, cause) != 0)
		return -1;
	rc = trust_format_member(&d, TRUST_CERT_FORMAT, cause);
	if (rc == 0)
		rc = trust_get(&d, "event", c->event, TRUST_EVENT_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "event", trust_check_event_id(c->event, cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "station", c->station, TRUST_STATION_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "station", trust_check_station(c->station, cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "ledger", hex, sizeof hex - 1, cause);
	if (rc == 0 && trust_unhex(hex, c->ledger, TRUST_LEDGER_LEN) != 0)
		rc = util_fail(cause,
		               "The certificate's ledger is not a ledger identity (64 lowercase "
		               "hex digits).");
	if (rc == 0 &&
	    (json_member(&d.obj, "serial", &v) != 0 || v.type != JSON_NUMBER ||
	     json_int(&v, &c->serial) != 0 || c->serial < 1 || c->serial > TRUST_SERIAL_MAX))
		rc = util_fail(
		    cause, "The certificate's serial is not a whole number from 1 to %" PRId64 ".",
		    TRUST_SERIAL_MAX);
	if (rc == 0)
		rc = trust_get_pub(&d, "station_pub", &c->station_pub, cause);
	if (rc == 0)
		rc = trust_get(&d, "event_key", id, 16, cause);
	if (rc == 0 && trust_keyid_parse(id, c->event_key) != 0)
		rc = util_fail(cause,
		               "The certificate's event_key is not a key id (16 hex digits).");
	if (rc == 0)
		rc = trust_canonical(&d, text, blen, trust_cert_body(c), cause);
	if (rc != 0) {
		free(sig);
		trust_cert_clear(c);
		return -1;
	}
	c->minisig = sig;
	return 0;
}

int
trust_rotation_parse(const char *text, size_t len, struct trust_rotation *r, char **cause)
{
	static const char *const keys[] = {"format", "old", "new", "seal", "backup", "date"};
	struct trust_doc d = {"rotation announcement", {JSON_NONE, NULL, 0}, keys, nitems(keys)};
	size_t blen;
	char *sig = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	if (trust_split(text, len, &d, &blen, &sig, cause) != 0)
		return -1;
	rc = trust_format_member(&d, TRUST_ROTATE_FORMAT, cause);
	if (rc == 0)
		rc = trust_get_pub(&d, "old", &r->old_key, cause);
	if (rc == 0)
		rc = trust_get_pub(&d, "new", &r->new_key, cause);
	if (rc == 0)
		rc = trust_get(&d, "seal", r->seal, TRUST_AGE_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "seal", trust_check_age(r->seal, "key", cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "backup", r->backup, TRUST_AGE_MAX, cause);
	if (rc == 0)
		rc = trust_field(&d, "backup", trust_check_age(r->backup, "key", cause), cause);
	if (rc == 0)
		rc = trust_get(&d, "date", r->date, 10, cause);
	if (rc == 0)
		rc = trust_field(&d, "date", trust_check_date(r->date, cause), cause);
	if (rc == 0)
		rc = trust_canonical(&d, text, blen, trust_rotation_body(r), cause);
	if (rc != 0) {
		free(sig);
		trust_rotation_clear(r);
		return -1;
	}
	r->minisig = sig;
	return 0;
}

/* Reads path and parses it with parse (the charter's or the certificate's);
 * a refusal names the file. */
static int
trust_load(const char *path, int (*parse)(const char *, size_t, void *, char **), void *out,
           char **cause)
{
	char *data = NULL, *why = NULL;
	size_t len;
	int rc;

	if (util_read_file(path, TRUST_FILE_MAX, &data, &len, cause) != 0)
		return -1;
	rc = parse(data, len, out, &why);
	if (rc != 0) {
		util_fail(cause, "%s: %s", path, why);
		free(why);
	}
	free(data);
	return rc;
}

static int
trust_charter_parse_any(const char *text, size_t len, void *c, char **cause)
{
	return trust_charter_parse(text, len, c, cause);
}

static int
trust_cert_parse_any(const char *text, size_t len, void *c, char **cause)
{
	return trust_cert_parse(text, len, c, cause);
}

int
trust_charter_load(const char *path, struct trust_charter *c, char **cause)
{
	return trust_load(path, trust_charter_parse_any, c, cause);
}

int
trust_cert_load(const char *path, struct trust_cert *c, char **cause)
{
	return trust_load(path, trust_cert_parse_any, c, cause);
}

/* ---- verifying ------------------------------------------------------------- */

static int
trust_check_sig(const struct sign_pub *pub, const char *body, const char *minisig,
                const char *comment, const char *what, char **cause)
{
	char *trusted = NULL, *why = NULL;
	int rc = -1;

	if (minisig == NULL)
		return util_fail(cause, "The %s is not signed.", what);
	if (sign_verify(pub, body, strlen(body), minisig, strlen(minisig), &trusted, &why) != 0) {
		util_fail(cause, "The %s's signature does not verify: %s", what, why);
		goto end;
	}
	if (strcmp(trusted, comment) != 0) {
		util_fail(cause, "The %s's trusted comment does not match its content.", what);
		goto end;
	}
	rc = 0;
end:
	free(why);
	free(trusted);
	return rc;
}

static int
trust_same_pub(const struct sign_pub *a, const struct sign_pub *b)
{
	return memcmp(a->id, b->id, SIGN_KEYID_LEN) == 0 && memcmp(a->pk, b->pk, SIGN_PK_LEN) == 0;
}

int
trust_charter_verify(const struct trust_charter *c, const struct sign_pub *hq, char **cause)
{
	char *body, *comment, want[17], got[17];
	int rc;

	if (!trust_same_pub(&c->hq, hq)) {
		sign_keyid_hex(hq->id, want);
		sign_keyid_hex(c->hq.id, got);
		return util_fail(cause,
		                 "The charter names HQ key %s, not HQ's key %s: it was not issued "
		                 "by this HQ.",
		                 got, want);
	}
	body = trust_charter_body(c);
	comment = trust_charter_comment(c);
	rc = trust_check_sig(hq, body, c->minisig, comment, "charter", cause);
	free(comment);
	free(body);
	return rc;
}

int
trust_charter_verify_hq(const struct trust_charter *c, const struct trust_hq *hq, char **cause)
{
	char got[17];
	size_t i;

	for (i = 0; i < hq->n; i++)
		if (trust_same_pub(&c->hq, &hq->keys[i]))
			return trust_charter_verify(c, &hq->keys[i], cause);
	sign_keyid_hex(c->hq.id, got);
	return util_fail(cause,
	                 "The charter is signed by HQ key %s, which this station does not trust "
	                 "(not HQ's published key, nor one it announced): it was not issued by "
	                 "HQ, or HQ's keys changed and the software must be updated.",
	                 got);
}

int
trust_cert_verify(const struct trust_cert *c, const struct sign_pub *ev, char **cause)
{
	char *body, *comment, want[17], got[17];
	int rc;

	if (memcmp(c->event_key, ev->id, SIGN_KEYID_LEN) != 0) {
		sign_keyid_hex(ev->id, want);
		sign_keyid_hex(c->event_key, got);
		return util_fail(cause,
		                 "The certificate was made by event key %s, not this event's key "
		                 "%s.",
		                 got, want);
	}
	body = trust_cert_body(c);
	comment = trust_cert_comment(c);
	rc = trust_check_sig(ev, body, c->minisig, comment, "certificate", cause);
	free(comment);
	free(body);
	return rc;
}

int
trust_rotation_verify(const struct trust_rotation *r, char **cause)
{
	char *body = trust_rotation_body(r), *comment = trust_rotation_comment(r);
	int rc =
	    trust_check_sig(&r->old_key, body, r->minisig, comment, "rotation announcement", cause);

	free(comment);
	free(body);
	return rc;
}

/* ---- HQ's key chain -------------------------------------------------------- */

/* The length of the next document in text: its body line and the four
 * signature lines after it. */
static size_t
trust_next_doc(const char *text, size_t len)
{
	size_t i, lines = 0;

	for (i = 0; i < len; i++)
		if (text[i] == '\n' && ++lines == 5)
			return i + 1;
	return len;
}

int
trust_hq_chain(const struct sign_pub *root, const char *text, size_t len, struct trust_hq *out,
               char **cause)
{
	struct trust_rotation r;
	char *why = NULL;
	size_t off = 0, n, k = 1;

	memset(out, 0, sizeof *out);
	out->keys[0] = *root;
	out->n = 1;
	while (text != NULL && off < len) {
		while (off < len && (text[off] == '\n' || text[off] == '\r'))
			off++;
		if (off >= len)
			break;
		n = trust_next_doc(text + off, len - off);
		if (trust_rotation_parse(text + off, n, &r, &why) != 0 ||
		    trust_rotation_verify(&r, &why) != 0) {
			util_fail(cause, "HQ's key rotation %zu is refused: %s", k, why);
			free(why);
			trust_rotation_clear(&r);
			return -1;
		}
		if (!trust_same_pub(&r.old_key, &out->keys[out->n - 1])) {
			trust_rotation_clear(&r);
			return util_fail(
			    cause,
			    "HQ's key rotation %zu is not signed by the key before it: "
			    "the chain is broken.",
			    k);
		}
		if (out->n == TRUST_HQ_MAX) {
			trust_rotation_clear(&r);
			return util_fail(cause, "HQ's key chain is longer than %d keys.",
			                 TRUST_HQ_MAX);
		}
		out->keys[out->n++] = r.new_key;
		snprintf(out->seal, sizeof out->seal, "%s", r.seal);
		snprintf(out->backup, sizeof out->backup, "%s", r.backup);
		trust_rotation_clear(&r);
		off += n;
		k++;
	}
	return 0;
}

int
trust_hq_load(const char *dir, struct trust_hq *out, char **cause)
{
	struct sign_pub root, current;
	char *path = xasprintf("%s/hq-root.pub", dir), *data = NULL, *line, id[17];
	size_t len = 0, i;
	int rc = -1;

	/* after hq-rotate, hq.pub is the newest key and hq-root.pub the first */
	if (access(path, F_OK) != 0) {
		free(path);
		path = xasprintf("%s/hq.pub", dir);
	}
	if (sign_pub_load(path, &root, cause) != 0)
		goto end;
	free(path);
	path = xasprintf("%s/hq-rotations", dir);
	if (util_read_file(path, (size_t)TRUST_FILE_MAX * TRUST_HQ_MAX, &data, &len, NULL) != 0) {
		if (access(path, F_OK) == 0) {
			util_fail(cause, "Cannot read HQ's key rotations %s.", path);
			goto end;
		}
		data = NULL, len = 0;
	}
	if (trust_hq_chain(&root, data, len, out, cause) != 0)
		goto end;
	free(path);
	path = xasprintf("%s/hq.pub", dir);
	if (sign_pub_load(path, &current, cause) != 0)
		goto end;
	for (i = 0; i < out->n; i++)
		if (trust_same_pub(&out->keys[i], &current))
			break;
	if (i == out->n) {
		sign_keyid_hex(current.id, id);
		util_fail(cause,
		          "HQ's key %s in %s is not reached by its rotations from hq-root.pub: the "
		          "key folder is inconsistent.",
		          id, dir);
		goto end;
	}
	/* The sealing keys published beside hq.pub, unless a rotation named newer. */
	if (out->seal[0] == '\0') {
		free(path);
		path = xasprintf("%s/hq-seal.pub", dir);
		free(data), data = NULL;
		if (util_read_file(path, 4096, &data, &len, NULL) == 0) {
			line = text_trim(data);
			line[strcspn(line, "\r\n")] = '\0';
			if (trust_check_age(line, "key", NULL) == 0)
				snprintf(out->seal, sizeof out->seal, "%s", line);
		}
		free(path);
		path = xasprintf("%s/hq-backup.pub", dir);
		free(data), data = NULL;
		if (util_read_file(path, 4096, &data, &len, NULL) == 0) {
			line = text_trim(data);
			line[strcspn(line, "\r\n")] = '\0';
			if (trust_check_age(line, "key", NULL) == 0)
				snprintf(out->backup, sizeof out->backup, "%s", line);
		}
	}
	rc = 0;
end:
	free(data);
	free(path);
	return rc;
}
