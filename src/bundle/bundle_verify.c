/* bundle_verify.c — everything HQ checks before it trusts a bundle: the
 * signature and its key, the member hashes, the ledger's hash chain and
 * sequence, and every CSV and manifest figure recomputed from the ledger. */
#include "bundle.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "amount.h"
#include "json.h"
#include "strbuf.h"
#include "text.h"
#include "trust.h"
#include "util.h"

static const char *const bundle_verify_members[] = {
    "manifest.json",  "walkers.csv",  "checkins.csv", "laps.csv",   "donations.csv",
    "annulments.csv", "closeout.csv", "ledger.jsonl", "SHA256SUMS",
};
/* Members a bundle may hold besides: the chain of trust (docs/TRUST.md). */
static const char *const bundle_verify_optional[] = {"station.cert", "charter", "event.pub",
                                                     "pledges.csv", "outstanding.csv"};

void
bundle_report_clear(struct bundle_report *r)
{
	bundle_meta_clear(&r->meta);
	bundle_content_free(&r->content);
	free(r->trusted);
	free(r->own_lines.name);
	free(r->own_lines.data);
	memset(r, 0, sizeof *r);
}

static const struct bundle_file *
bundle_verify_find(const struct bundle_file *fs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(fs[i].name, name) == 0)
			return &fs[i];
	return NULL;
}

/* ---- peers' entries: a backup copy (docs/SYNC.md) ---- */

/* What a station signs of its chain head in station sync (docs/SYNC.md,
 * sync_msg.c's sync_head_signed: the same bytes). */
#define BUNDLE_HEAD_CONTEXT "wat-sync-head/1\n"
static void
bundle_head_signed(const unsigned char ledger[BUNDLE_HASH_LEN], int64_t seq,
                   const unsigned char hash[BUNDLE_HASH_LEN], unsigned char *out)
{
	size_t c = sizeof BUNDLE_HEAD_CONTEXT - 1;
	uint64_t u = (uint64_t)seq;

	memcpy(out, BUNDLE_HEAD_CONTEXT, c);
	memcpy(out + c, ledger, BUNDLE_HASH_LEN);
	for (int i = 7; i >= 0; i--, u >>= 8)
		out[c + BUNDLE_HASH_LEN + (size_t)i] = (unsigned char)u;
	memcpy(out + c + BUNDLE_HASH_LEN + 8, hash, BUNDLE_HASH_LEN);
}

/* One peer's pair: its .head (JSON) and .jsonl; out (or NULL): what it
 * holds, for HQ. */
static int
bundle_verify_peer(const struct bundle_file *head, const struct bundle_file *lines,
                   const struct bundle_file *settle, size_t nsettle, struct bundle_peer *out,
                   char **cause)
{
	struct strbuf jsonl = STRBUF_INIT;
	unsigned char before[BUNDLE_HASH_LEN];
	unsigned char ledger[BUNDLE_HASH_LEN], hash[BUNDLE_HASH_LEN], prev[BUNDLE_HASH_LEN] = {0};
	unsigned char sig[64], msg[sizeof BUNDLE_HEAD_CONTEXT - 1 + 2 * BUNDLE_HASH_LEN + 8];
	char *station = NULL, *hex = NULL, *certtext = NULL, *why = NULL;
	struct trust_cert cert;
	int64_t seq = 0, head_seq = 0;
	const char *p = lines->data, *end = lines->data + lines->len;
	int rc = -1;

	memset(&cert, 0, sizeof cert);
	station = json_get_str(head->data, head->len, "station");
	certtext = json_get_str(head->data, head->len, "cert");
	if (station == NULL || certtext == NULL ||
	    json_get_int(head->data, head->len, "head_seq", &head_seq) != 0 || head_seq < 1 ||
	    (hex = json_get_str(head->data, head->len, "ledger")) == NULL ||
	    bundle_unhex(hex, strlen(hex), ledger, sizeof ledger) != 0) {
		util_fail(cause, "%s is malformed.", head->name);
		goto end;
	}
	free(hex);
	if ((hex = json_get_str(head->data, head->len, "head_hash")) == NULL ||
	    bundle_unhex(hex, strlen(hex), hash, sizeof hash) != 0) {
		util_fail(cause, "%s is malformed.", head->name);
		goto end;
	}
	free(hex);
	if ((hex = json_get_str(head->data, head->len, "head_sig")) == NULL ||
	    bundle_unhex(hex, strlen(hex), sig, sizeof sig) != 0) {
		util_fail(cause, "%s is malformed.", head->name);
		goto end;
	}
	if (trust_cert_parse(certtext, strlen(certtext), &cert, &why) != 0 ||
	    strcmp(cert.station, station) != 0) {
		util_fail(cause, "%s: the certificate is not station %s's: %s", head->name, station,
		          why != NULL ? why : "another station");
		goto end;
	}
	bundle_head_signed(ledger, head_seq, hash, msg);
	if (sign_verify_detached(&cert.station_pub, msg, sizeof msg, sig) != 0) {
		util_fail(cause, "%s: the chain head is not signed by station %s's key.",
		          head->name, station);
		goto end;
	}
	/* the lines: numbered 1.., of that station, chained to the signed head */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		crypto_generichash_state st;
		int64_t s_seq;
		char *s_station;

		seq++;
		if (json_get_int(p, len, "seq", &s_seq) != 0 || s_seq != seq ||
		    (s_station = json_get_str(p, len, "station")) == NULL) {
			util_fail(cause, "%s: entry %" PRId64 " is not numbered %" PRId64 ".",
			          lines->name, seq, seq);
			goto end;
		}
		if (strcmp(s_station, station) != 0) {
			free(s_station);
			util_fail(cause, "%s: entry %" PRId64 " is not station %s's.", lines->name,
			          seq, station);
			goto end;
		}
		free(s_station);
		memcpy(before, prev, BUNDLE_HASH_LEN);
		crypto_generichash_init(&st, NULL, 0, BUNDLE_HASH_LEN);
		crypto_generichash_update(&st, prev, BUNDLE_HASH_LEN);
		crypto_generichash_update(&st, (const unsigned char *)p, len);
		crypto_generichash_final(&st, prev, BUNDLE_HASH_LEN);
		if (out != NULL)
			bundle_jsonl_add(&jsonl, p, len, before, prev);
		if (seq == 1 && memcmp(prev, ledger, BUNDLE_HASH_LEN) != 0) {
			util_fail(cause, "%s: entry 1 is not the ledger its head names.",
			          lines->name);
			goto end;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (seq != head_seq || memcmp(prev, hash, BUNDLE_HASH_LEN) != 0) {
		util_fail(
		    cause,
		    "%s does not lead to the chain head station %s signed: an entry was altered "
		    "or is missing.",
		    lines->name, station);
		goto end;
	}
	if (out != NULL) {
		memset(out, 0, sizeof *out);
		if (bundle_compute(jsonl.s, jsonl.len, settle, nsettle, &out->content, &why) != 0) {
			util_fail(cause, "%s: %s", lines->name, why);
			goto end;
		}
		snprintf(out->station, sizeof out->station, "%s", station);
		out->head_seq = head_seq;
		out->cert = certtext;
		certtext = NULL;
	}
	rc = 0;
end:
	strbuf_free(&jsonl);
	free(cert.minisig);
	free(why);
	free(hex);
	free(certtext);
	free(station);
	return rc;
}

int
bundle_verify_peers(const struct bundle_file *fs, size_t nfs, size_t *n, char **cause)
{
	*n = 0;
	for (size_t i = 0; i < nfs; i++) {
		size_t len = strlen(fs[i].name);
		char *other;
		const struct bundle_file *lines;
		int rc;

		if (!bundle_peer_member(fs[i].name))
			continue;
		/* each .head with its .jsonl, each .jsonl with its .head */
		if (strcmp(fs[i].name + len - 5, ".head") == 0)
			other = xasprintf("%.*s.jsonl", (int)(len - 5), fs[i].name);
		else
			other = xasprintf("%.*s.head", (int)(len - 6), fs[i].name);
		lines = bundle_verify_find(fs, nfs, other);
		if (lines == NULL) {
			util_fail(cause, "The bundle holds %s without %s.", fs[i].name, other);
			free(other);
			return -1;
		}
		free(other);
		if (strcmp(fs[i].name + len - 5, ".head") != 0)
			continue;
		rc = bundle_verify_peer(&fs[i], lines, NULL, 0, NULL, cause);
		if (rc != 0)
			return -1;
		(*n)++;
	}
	return 0;
}

int
bundle_peer_read(const struct bundle_file *head, const struct bundle_file *fs, size_t nfs,
                 const struct bundle_file *settle, size_t nsettle, struct bundle_peer *out,
                 char **cause)
{
	size_t len = strlen(head->name), n = 0;
	char *name;
	const struct bundle_file *lines;
	struct bundle_file *others = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (!bundle_peer_member(head->name) || strcmp(head->name + len - 5, ".head") != 0)
		return util_fail(cause, "%s is not a peer's chain head.", head->name);
	name = xasprintf("%.*s.jsonl", (int)(len - 5), head->name);
	lines = bundle_verify_find(fs, nfs, name);
	if (lines == NULL) {
		free(name);
		return util_fail(cause, "The bundle holds %s without its lines.", head->name);
	}
	/* the other stations' lines (borrowed), not the copy's own */
	if (nsettle > 0)
		others = xcalloc(nsettle, sizeof *others);
	for (size_t i = 0; i < nsettle; i++)
		if (strcmp(settle[i].name, name) != 0)
			others[n++] = settle[i];
	free(name);
	rc = bundle_verify_peer(head, lines, others, n, out, cause);
	free(others);
	return rc;
}

void
bundle_peer_clear(struct bundle_peer *p)
{
	free(p->cert);
	bundle_content_free(&p->content);
	memset(p, 0, sizeof *p);
}

/* station.cert and charter: present exactly when the manifest's "trust"
 * names them, with the SHA-256 it says; kept in the report's meta for the
 * chain check (T-hq's merge). */
static int
bundle_verify_trust(const struct bundle_file *fs, size_t n, struct bundle_meta *m, char **cause)
{
	const char *names[3] = {"station.cert", "charter", "event.pub"};
	const char *field[3] = {"cert_sha256", "charter_sha256", "event_pub_sha256"};
	const char *want[3] = {m->cert_sha256, m->charter_sha256, m->event_pub_sha256};
	char **keep[3] = {&m->cert, &m->charter, &m->event_pub};
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65];
	const struct bundle_file *f;
	int i;

	for (i = 0; i < 3; i++) {
		f = bundle_verify_find(fs, n, names[i]);
		if (f == NULL && want[i][0] == '\0')
			continue;
		if (f == NULL)
			return util_fail(cause, "manifest.json binds %s but the bundle has none.",
			                 names[i]);
		if (want[i][0] == '\0')
			return util_fail(
			    cause,
			    "The bundle holds %s but manifest.json does not bind it (its "
			    "trust.%s is missing).",
			    names[i], field[i]);
		bundle_sha256(f->data, f->len, h);
		bundle_hex(h, sizeof h, hex);
		if (strcmp(hex, want[i]) != 0)
			return util_fail(
			    cause, "%s is not the one manifest.json binds (trust.%s differs).",
			    names[i], field[i]);
		*keep[i] = xstrndup(f->data, f->len);
	}
	return 0;
}

/* event.pub (an event without a charter) is the key that made the
 * certificate tc: the same key id, and its signature. */
static int
bundle_verify_evpub(const struct bundle_meta *m, const struct trust_cert *tc, char **cause)
{
	struct sign_pub ev;
	char want[17], got[17], *why = NULL;
	int rc = 0;

	if (m->charter != NULL)
		return util_fail(cause, "The bundle holds both a charter and event.pub: the "
		                        "charter names the event key, event.pub is for an event "
		                        "without one.");
	if (sign_pub_parse(m->event_pub, strlen(m->event_pub), &ev, &why) != 0) {
		util_fail(cause, "event.pub is not a public key: %s", why);
		free(why);
		return -1;
	}
	if (memcmp(ev.id, tc->event_key, SIGN_KEYID_LEN) != 0) {
		sign_keyid_hex(ev.id, got);
		sign_keyid_hex(tc->event_key, want);
		return util_fail(cause,
		                 "event.pub is key %s but station.cert names event key %s: the "
		                 "certificate is not the event's.",
		                 got, want);
	}
	if (trust_cert_verify(tc, &ev, &why) != 0) {
		rc = util_fail(
		    cause, "station.cert is not signed by event.pub (the event's key): %s", why);
		free(why);
	}
	return rc;
}

/* The first line (1-based) where a and b differ. */
static size_t
bundle_verify_diffline(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i, line = 1;

	for (i = 0; i < alen && i < blen && a[i] == b[i]; i++)
		if (a[i] == '\n')
			line++;
	return line;
}

static int
bundle_verify_sums(const struct bundle_file *fs, size_t n, const struct bundle_file *sums,
                   char **cause)
{
	const char *p = sums->data, *end = sums->data + sums->len, *nl;
	unsigned char want[32], got[32];
	const struct bundle_file *f;
	size_t listed = 0, i;
	char name[80];

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl - p < 67 || p[64] != ' ' || p[65] != ' ' ||
		    nl - p - 66 >= (long)sizeof name || bundle_unhex(p, 64, want, sizeof want) != 0)
			return util_fail(cause, "SHA256SUMS is malformed.");
		memcpy(name, p + 66, (size_t)(nl - p - 66));
		name[nl - p - 66] = '\0';
		if ((f = bundle_verify_find(fs, n, name)) == NULL || f == sums)
			return util_fail(cause, "SHA256SUMS lists %s, which is not in the bundle.",
			                 name);
		bundle_sha256(f->data, f->len, got);
		if (memcmp(got, want, sizeof got) != 0)
			return util_fail(
			    cause,
			    "The SHA-256 of %s does not match SHA256SUMS: the file was "
			    "changed.",
			    name);
		listed++;
		p = nl + 1;
	}
	for (i = 0; i < n; i++) {
		if (&fs[i] == sums)
			continue;
		if (strstr(sums->data, fs[i].name) == NULL)
			return util_fail(cause, "SHA256SUMS does not list %s.", fs[i].name);
	}
	if (listed != n - 1)
		return util_fail(cause, "SHA256SUMS lists a file twice.");
	return 0;
}

/* Hands the message *why over to *cause (which may be NULL: then it is freed). */
static int
bundle_verify_pass(char **cause, char **why)
{
	if (cause != NULL)
		*cause = *why;
	else
		free(*why);
	*why = NULL;
	return -1;
}

/* SHA256SUMS checked on the other core while the ledger is computed. */
struct bundle_verify_sums_job {
	const struct bundle_file *fs, *sums;
	size_t n;
	int rc;
	char *cause;
};

static void *
bundle_verify_sums_run(void *arg)
{
	struct bundle_verify_sums_job *j = arg;

	j->rc = bundle_verify_sums(j->fs, j->n, j->sums, &j->cause);
	return NULL;
}

#define BUNDLE_CMP(field, what)                                                                    \
	do {                                                                                       \
		if (said->field != got->field)                                                     \
			return util_fail(cause,                                                    \
			                 "manifest.json states %" PRId64 " " what                  \
			                 " but the ledger gives %" PRId64 ".",                     \
			                 (int64_t)said->field, (int64_t)got->field);               \
	} while (0)
#define BUNDLE_CMP_MONEY(field, what)                                                              \
	do {                                                                                       \
		if (said->field != got->field)                                                     \
			return util_fail(                                                          \
			    cause, "manifest.json states %s " what " but the ledger gives %s.",    \
			    amount_format(said->field, a, sizeof a),                               \
			    amount_format(got->field, b, sizeof b));                               \
	} while (0)

static int
bundle_verify_figures(const struct bundle_figures *said, const struct bundle_figures *got,
                      char **cause)
{
	char a[32], b[32];

	if (strcmp(said->station, got->station) != 0)
		return util_fail(cause,
		                 "manifest.json names station %s but the ledger is station %s.",
		                 said->station, got->station);
	BUNDLE_CMP(last_seq, "as the last entry");
	if (memcmp(said->head, got->head, BUNDLE_HASH_LEN) != 0)
		return util_fail(cause, "manifest.json states another ledger head hash than the "
		                        "ledger's last entry.");
	BUNDLE_CMP(entries, "entries");
	BUNDLE_CMP(walkers, "walkers");
	BUNDLE_CMP(checked_in, "walkers checked in");
	BUNDLE_CMP(laps, "laps");
	BUNDLE_CMP(manual_laps, "laps by hand");
	BUNDLE_CMP(donations, "donations");
	BUNDLE_CMP(checks, "checks");
	BUNDLE_CMP(annulled, "annulled entries");
	BUNDLE_CMP_MONEY(cash_cents, "in cash");
	BUNDLE_CMP_MONEY(check_cents, "in checks");
	BUNDLE_CMP_MONEY(other_cents, "by other methods");
	BUNDLE_CMP_MONEY(total_cents, "in all");
	if (said->closed != got->closed)
		return util_fail(cause,
		                 "manifest.json says the station is %s but the ledger says %s.",
		                 said->closed ? "closed" : "open", got->closed ? "closed" : "open");
	if (got->export_no == 0)
		return util_fail(cause, "The ledger records no export: this is not an exported "
		                        "bundle.");
	BUNDLE_CMP(export_no, "as the export number");
	return 0;
}

/* *s escaped in place (the old text freed); returns it. */
static char *
bundle_verify_esc(char **s)
{
	char *e = text_escape(*s, 0);

	free(*s);
	*s = e;
	return e;
}

/* The first member where two JSON objects differ, as a dotted path into
 * *path (a member of want that said lacks or states otherwise, or one said
 * has and want does not): 1, or 0 when they have the same members. */
static int
bundle_verify_jdiff(const struct json_value *said, const struct json_value *want,
                    struct strbuf *path, int *extra, struct json_value *so, struct json_value *wo)
{
	const char *it = NULL;
	struct json_value k, v, o;
	size_t mark = path->len;
	char *key;

	while (json_next(want, &it, &k, &v)) {
		key = json_str(&k);
		strbuf_printf(path, "%s%s", mark > 0 ? "." : "", key != NULL ? key : "?");
		if (json_member(said, key != NULL ? key : "", &o) != 0 || o.type != v.type ||
		    (v.type != JSON_OBJECT && (o.n != v.n || memcmp(o.p, v.p, v.n) != 0))) {
			free(key);
			*so = o;
			*wo = v;
			return 1;
		}
		free(key);
		if (v.type == JSON_OBJECT && bundle_verify_jdiff(&o, &v, path, extra, so, wo))
			return 1;
		path->len = mark;
		path->s[mark] = '\0';
	}
	it = NULL;
	while (json_next(said, &it, &k, &v)) {
		key = json_str(&k);
		if (json_member(want, key != NULL ? key : "", &o) != 0) {
			strbuf_printf(path, "%s%s", mark > 0 ? "." : "", key != NULL ? key : "?");
			*extra = 1;
			free(key);
			return 1;
		}
		free(key);
	}
	return 0;
}

/* manifest.json, every byte of it, is what W.A.T. writes for this ledger,
 * this key and this export: the event's name, city, date and tag as the
 * ledger states them, the counts, totals (as text and in cents), the
 * ledger head, the files, clock_trusted as the ledger's times give it, and
 * the export time within BUNDLE_EXPORT_SLACK of the export entry.  A
 * mismatch names the field. */
#define BUNDLE_EXPORT_SLACK (10 * 60 * 1000)
static int
bundle_verify_manifest(const struct bundle_file *mf, const struct bundle_report *rep,
                       const char *pubtext, char **cause)
{
	const struct bundle_content *c = &rep->content;
	struct bundle_meta want = rep->meta;
	struct json_value js, jw, so = {0}, wo = {0};
	struct strbuf path = STRBUF_INIT;
	char *text, *safe, *a, *b;
	int extra = 0, rc = 0;
	int64_t d = rep->meta.exported_wall_ms - c->export_wall_ms;

	if (d < -BUNDLE_EXPORT_SLACK || d > BUNDLE_EXPORT_SLACK)
		return util_fail(cause,
		                 "manifest.json's exported_wall_ms is %" PRId64
		                 " but the ledger's export entry was made at %" PRId64
		                 ": the manifest does not describe this export.",
		                 rep->meta.exported_wall_ms, c->export_wall_ms);
	want.event_name = c->event_name;
	want.city = c->city;
	want.date = c->date;
	want.event_tag = c->event_tag;
	want.public_key = (char *)pubtext;
	want.export_no = c->fig.export_no;
	want.clock_trusted = bundle_clock_trusted(c, rep->meta.exported_wall_ms);
	text = bundle_manifest(&want, &c->fig);
	if (mf->len == strlen(text) && memcmp(mf->data, text, mf->len) == 0)
		goto end;
	rc = -1;
	if (json_parse(mf->data, mf->len, &js) != 0 || json_parse(text, strlen(text), &jw) != 0 ||
	    !bundle_verify_jdiff(&js, &jw, &path, &extra, &so, &wo)) {
		util_fail(cause,
		          "manifest.json is not laid out as W.A.T. writes it (first difference on "
		          "line %zu): it was edited after export.",
		          bundle_verify_diffline(mf->data, mf->len, text, strlen(text)));
		goto end;
	}
	safe = text_escape(path.s, 0);
	if (extra)
		util_fail(
		    cause,
		    "manifest.json holds a field %s that W.A.T. does not write: it was edited "
		    "after export.",
		    safe);
	else if (strcmp(path.s, "clock_trusted") == 0)
		util_fail(
		    cause, "manifest.json's clock_trusted says %s but the ledger's times give %s.",
		    want.clock_trusted ? "false" : "true", want.clock_trusted ? "true" : "false");
	else {
		/* what a hostile manifest says, escaped and cut short */
		a = xstrndup(so.p != NULL ? so.p : "nothing",
		             so.p != NULL ? (so.n < 80 ? so.n : 80) : 7);
		b = xstrndup(wo.p, wo.n < 80 ? wo.n : 80);
		util_fail(cause,
		          "manifest.json's %s says %s but the ledger, the signature and the export "
		          "give %s: it was edited after export.",
		          safe, bundle_verify_esc(&a), bundle_verify_esc(&b));
		free(a);
		free(b);
	}
	free(safe);
end:
	free(text);
	strbuf_free(&path);
	return rc;
}

/* The value of "key:" in a trusted comment (malloc'd), or NULL. */
static char *
bundle_verify_tc_field(const char *tc, const char *key)
{
	size_t kl = strlen(key);
	const char *p = tc;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':')
			return xstrndup(p + kl + 1, strcspn(p + kl + 1, "\t"));
		p = strchr(p, '\t');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/* presigned: the caller checked the signature (over the sealed file) and
 * set rep->pub, rep->trusted and rep->key_checked; the zip is what it
 * opened.  Else the signature is over zip. */
static int
bundle_verify_zip(const void *zip, size_t zlen, const char *minisig, size_t slen, const char *name,
                  const struct sign_pub *expected, int presigned, struct bundle_report *rep,
                  char **cause)
{
	struct bundle_file *fs = NULL;
	struct bundle_figures said;
	const struct bundle_file *f, *sums;
	struct bundle_content *c = &rep->content;
	char *why = NULL, *tc_file = NULL, *want_tc = NULL, *pubtext = NULL, kid[17];
	const char *base;
	struct bundle_verify_sums_job job = {NULL, NULL, 0, 0, NULL};
	pthread_t th;
	size_t n = 0, i;
	int rc = -1, k, hashing = 0, computed;

	/* With the expected key, the signature comes first: nothing else is read
	 * from a file that is not what the station signed. */
	if (expected != NULL && !presigned) {
		rep->pub = *expected;
		rep->key_checked = 1;
		if (sign_verify(expected, zip, zlen, minisig, slen, &rep->trusted, &why) != 0) {
			util_fail(cause, "Signature: %s", why);
			goto end;
		}
	}
	if (bundle_zip_read(zip, zlen, &fs, &n, &why) != 0) {
		util_fail(cause, "%s%s", why,
		          expected == NULL ? " (Was the file changed or cut short after signing?)"
		                           : "");
		goto end;
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < (int)nitems(bundle_verify_members); k++)
			if (strcmp(fs[i].name, bundle_verify_members[k]) == 0)
				break;
		if (k == (int)nitems(bundle_verify_members) && !bundle_peer_member(fs[i].name)) {
			for (k = 0; k < (int)nitems(bundle_verify_optional); k++)
				if (strcmp(fs[i].name, bundle_verify_optional[k]) == 0)
					break;
			if (k < (int)nitems(bundle_verify_optional))
				continue;
			util_fail(cause, "The bundle holds an unexpected file: %s.", fs[i].name);
			goto end;
		}
	}
	for (k = 0; k < (int)nitems(bundle_verify_members); k++)
		if (bundle_verify_find(fs, n, bundle_verify_members[k]) == NULL) {
			util_fail(cause, "The bundle has no %s.", bundle_verify_members[k]);
			goto end;
		}
	f = bundle_verify_find(fs, n, "manifest.json");
	if (bundle_manifest_parse(f->data, f->len, &rep->meta, &said, cause) != 0)
		goto end;
	if (bundle_verify_peers(fs, n, &rep->npeers, cause) != 0)
		goto end;
	if (bundle_verify_trust(fs, n, &rep->meta, cause) != 0)
		goto end;
	if (expected == NULL && !presigned) {
		if (rep->meta.public_key == NULL ||
		    sign_pub_parse(rep->meta.public_key, strlen(rep->meta.public_key), &rep->pub,
		                   NULL) != 0) {
			util_fail(cause, "manifest.json holds no usable public key; give the "
			                 "station's key with --pubkey.");
			goto end;
		}
		if (sign_verify(&rep->pub, zip, zlen, minisig, slen, &rep->trusted, &why) != 0) {
			util_fail(cause, "Signature: %s", why);
			goto end;
		}
	}
	sign_keyid_hex(rep->pub.id, kid);
	if (strcmp(rep->meta.key_id, kid) != 0) {
		util_fail(cause, "manifest.json names key %s but the bundle was signed by key %s.",
		          rep->meta.key_id, kid);
		goto end;
	}
	pubtext = sign_pub_base64(&rep->pub);
	if (rep->meta.public_key == NULL || strcmp(rep->meta.public_key, pubtext) != 0) {
		util_fail(cause, "manifest.json holds another public key than the one that signed "
		                 "the bundle.");
		goto end;
	}
	/* the certificate is this station's: its key signed the bundle */
	if (rep->meta.cert != NULL) {
		struct trust_cert tc;
		int same;
		if (trust_cert_parse(rep->meta.cert, strlen(rep->meta.cert), &tc, &why) != 0) {
			util_fail(cause, "station.cert: %s", why);
			goto end;
		}
		same = memcmp(&tc.station_pub, &rep->pub, sizeof tc.station_pub) == 0 &&
		       strcmp(tc.station, said.station) == 0;
		if (!same) {
			trust_cert_clear(&tc);
			util_fail(cause,
			          "station.cert certifies another station or key than the one "
			          "that signed the bundle.");
			goto end;
		}
		/* an event without a charter: its key is in the bundle, and made
		 * the certificate (HQ then checks that key against the one it
		 * accepted) */
		if (rep->meta.event_pub != NULL &&
		    bundle_verify_evpub(&rep->meta, &tc, cause) != 0) {
			trust_cert_clear(&tc);
			goto end;
		}
		trust_cert_clear(&tc);
	} else if (rep->meta.event_pub != NULL) {
		util_fail(cause, "The bundle holds event.pub but no station.cert for it to check.");
		goto end;
	}

	/* SHA256SUMS, then the ledger: their failures in that order, their work
	 * on both cores */
	sums = bundle_verify_find(fs, n, "SHA256SUMS");
	job = (struct bundle_verify_sums_job){fs, sums, n, -1, NULL};
	if (pthread_create(&th, NULL, bundle_verify_sums_run, &job) != 0)
		bundle_verify_sums_run(&job);
	else
		hashing = 1;
	f = bundle_verify_find(fs, n, "ledger.jsonl");
	computed = bundle_compute(f->data, f->len, fs, n, c, &why);
	if (hashing) {
		pthread_join(th, NULL);
		hashing = 0;
	}
	if (job.rc != 0) {
		bundle_verify_pass(cause, &job.cause);
		goto end;
	}
	if (computed != 0) {
		bundle_verify_pass(cause, &why);
		goto end;
	}
	for (k = 0; k < BUNDLE_NCSV; k++) {
		f = bundle_verify_find(fs, n, bundle_csv_names[k]);
		if (!bundle_csv_member_of(&c->fig, k)) {
			/* no pledge in the ledger: the bundle is as before pledges */
			if (f == NULL)
				continue;
			util_fail(cause, "The bundle holds an unexpected file: %s.",
			          bundle_csv_names[k]);
			goto end;
		}
		if (f == NULL) {
			util_fail(cause, "The bundle has no %s, though its ledger holds pledges.",
			          bundle_csv_names[k]);
			goto end;
		}
		if (k == BUNDLE_CLOSEOUT && f->len == c->closeout_v1_len &&
		    memcmp(f->data, c->closeout_v1, f->len) == 0)
			continue; /* as an older W.A.T. wrote it */
		if (k == BUNDLE_OUTSTANDING && c->outstanding_v1 != NULL &&
		    f->len == c->outstanding_v1_len &&
		    memcmp(f->data, c->outstanding_v1, f->len) == 0)
			continue; /* as an older W.A.T. wrote it: HQ counts the recomputed one */
		if (k == BUNDLE_LAPS &&
		    (f->len != c->csv_len[k] || memcmp(f->data, c->csv[k], f->len) != 0)) {
			size_t v1len = 0;
			char *v1 = bundle_laps_v1(c->csv[k], c->csv_len[k], &v1len);
			int same = f->len == v1len && memcmp(f->data, v1, v1len) == 0;

			free(v1);
			if (same)
				continue; /* as an older W.A.T. wrote it, before lap review */
		}
		if (f->len != c->csv_len[k] || memcmp(f->data, c->csv[k], f->len) != 0) {
			util_fail(
			    cause,
			    "%s does not match the ledger (first difference on line %zu): it was "
			    "edited after export.",
			    bundle_csv_names[k],
			    bundle_verify_diffline(f->data, f->len, c->csv[k], c->csv_len[k]));
			goto end;
		}
	}
	if (bundle_verify_figures(&said, &c->fig, cause) != 0 ||
	    bundle_verify_manifest(bundle_verify_find(fs, n, "manifest.json"), rep, pubtext,
	                           cause) != 0)
		goto end;

	/* The trusted comment names this very export; the file name agrees. */
	tc_file = bundle_verify_tc_field(rep->trusted, "file");
	want_tc = bundle_trusted_comment(&rep->meta, &c->fig, tc_file != NULL ? tc_file : "");
	if (tc_file == NULL || strcmp(want_tc, rep->trusted) != 0) {
		util_fail(cause,
		          "The signature's trusted comment does not describe this bundle (event, "
		          "station, export number or ledger head differ).");
		goto end;
	}
	if (name != NULL) {
		base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
		if (strcmp(base, tc_file) != 0) {
			util_fail(cause,
			          "This file is named %s but was signed as %s (export %" PRId64
			          "): an older or other export renamed?",
			          base, tc_file, c->fig.export_no);
			goto end;
		}
	}
	/* the ledger's own entry lines beside them (ledger.jsonl checked by
	 * bundle_compute above: each line as bundle_jsonl_add writes it) */
	if (rep->npeers > 0) {
		struct strbuf own = STRBUF_INIT;
		const char *p, *end, *nl;
		const size_t pfx = 9 + 64 + 10 + 64 + 10; /* {"hash":"…","prev":"…","entry": */
		f = bundle_verify_find(fs, n, "ledger.jsonl");
		for (p = f->data, end = f->data + f->len; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			if ((size_t)(nl - p) > pfx + 1) {
				strbuf_add(&own, p + pfx, (size_t)(nl - p) - pfx - 1);
				strbuf_add(&own, "\n", 1);
			}
			if (nl == end)
				break;
		}
		rep->own_lines.name = xasprintf("peer-%s-own.jsonl", c->fig.station);
		rep->own_lines.len = own.len;
		rep->own_lines.data = own.len > 0 ? strbuf_take(&own) : xstrdup("");
		strbuf_free(&own);
	}
	/* the peers' copies, kept for HQ (moved out of fs) */
	for (i = 0; i < n; i++)
		if (bundle_peer_member(fs[i].name)) {
			rep->meta.peers = xrealloc(rep->meta.peers, (rep->meta.npeers + 1) *
			                                                sizeof *rep->meta.peers);
			rep->meta.peers[rep->meta.npeers++] = fs[i];
			fs[i].name = NULL;
			fs[i].data = NULL;
		}
	rc = 0;
end:
	if (rc != 0) {
		bundle_meta_clear(&rep->meta);
		bundle_content_free(&rep->content);
		free(rep->trusted);
		rep->trusted = NULL;
	}
	free(job.cause);
	free(pubtext);
	free(want_tc);
	free(tc_file);
	free(why);
	bundle_files_free(fs, n);
	return rc;
}

int
bundle_verify_mem(const void *zip, size_t zlen, const char *minisig, size_t slen, const char *name,
                  const struct sign_pub *expected, struct bundle_report *rep, char **cause)
{
	memset(rep, 0, sizeof *rep);
	return bundle_verify_zip(zip, zlen, minisig, slen, name, expected, 0, rep, cause);
}

int
bundle_hq_identities(const char *dir, struct age_identity ids[2 * AGE_MAX_IDS], size_t *n,
                     char **cause)
{
	static const char *const names[] = {"hq-seal.key", "hq-backup.key"};
	size_t got = 0, k;

	for (size_t i = 0; i < nitems(names); i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		if (access(path, F_OK) == 0) {
			if (age_identity_load(path, ids + got, &k, cause) != 0) {
				free(path);
				for (size_t j = 0; j < got; j++)
					age_identity_wipe(&ids[j]);
				return -1;
			}
			got += k;
		}
		free(path);
	}
	if (got == 0)
		return util_fail(
		    cause,
		    "%s holds neither hq-seal.key nor hq-backup.key: give HQ's key folder "
		    "(made by watctl hq-init).",
		    dir);
	*n = got;
	return 0;
}

int
bundle_is_sealed(const void *data, size_t len)
{
	static const char magic[] = "age-encryption.org/v1\n";

	return len >= sizeof magic - 1 && memcmp(data, magic, sizeof magic - 1) == 0;
}

/* The station key a sealed bundle's untrusted comment names (its last word):
 * only a hint of which key to check with; the manifest inside, opened after
 * the check, must name the same key. */
static int
bundle_verify_hint(const char *minisig, size_t slen, struct sign_pub *pub)
{
	const char *nl = memchr(minisig, '\n', slen), *sp;
	char *word;
	int rc;

	if (nl == NULL || strncmp(minisig, "untrusted comment: ", 19) != 0)
		return -1;
	if (nl > minisig && nl[-1] == '\r')
		nl--;
	for (sp = nl; sp > minisig && sp[-1] != ' '; sp--)
		;
	word = xstrndup(sp, (size_t)(nl - sp));
	rc = sign_pub_parse(word, strlen(word), pub, NULL);
	free(word);
	return rc;
}

/* The opener of bundle_verify_sealed_mem: HQ's keys in this process. */
struct bundle_verify_ids {
	const struct age_identity *ids;
	size_t nids;
};

static int
bundle_verify_open_ids(void *ctx, const void *sealed, size_t len, const char *name,
                       unsigned char **zip, size_t *zlen, char **cause)
{
	const struct bundle_verify_ids *k = ctx;

	return age_decrypt_mem(k->ids, k->nids, sealed, len, name, zip, zlen, cause);
}

int
bundle_verify_sealed_mem(const void *sealed, size_t len, const char *minisig, size_t slen,
                         const char *name, const struct sign_pub *expected,
                         const struct age_identity *ids, size_t nids, struct bundle_report *rep,
                         char **cause)
{
	struct bundle_verify_ids k = {ids, nids};

	return bundle_verify_sealed_with(sealed, len, minisig, slen, name, expected,
	                                 nids > 0 ? bundle_verify_open_ids : NULL, &k, rep, cause);
}

int
bundle_verify_sealed_with(const void *sealed, size_t len, const char *minisig, size_t slen,
                          const char *name, const struct sign_pub *expected, bundle_opener open,
                          void *ctx, struct bundle_report *rep, char **cause)
{
	const char *base = name == NULL                 ? "The sealed bundle"
	                   : strrchr(name, '/') != NULL ? strrchr(name, '/') + 1
	                                                : name;
	unsigned char *zip = NULL;
	size_t zlen = 0;
	char *why = NULL, kid[17];
	int rc = -1;

	memset(rep, 0, sizeof *rep);
	rep->sealed = 1;
	if (expected != NULL) {
		rep->pub = *expected;
		rep->key_checked = 1;
	} else if (bundle_verify_hint(minisig, slen, &rep->pub) != 0) {
		util_fail(cause,
		          "%s: its signature does not name the station key; give it with --pubkey. "
		          "Nothing was opened.",
		          base);
		goto end;
	}
	/* The signature over the sealed bytes, before anything is opened. */
	if (sign_verify(&rep->pub, sealed, len, minisig, slen, &rep->trusted, &why) != 0) {
		util_fail(cause, "%s: Signature: %s Nothing in it was opened.", base, why);
		goto end;
	}
	if (open == NULL) {
		sign_keyid_hex(rep->pub.id, kid);
		util_fail(
		    cause,
		    "%s is sealed to HQ: its signature is good (key %s), but opening it needs "
		    "HQ's key folder: give --hq DIR (or set WAT_HQ_DIR).",
		    base, kid);
		goto end;
	}
	if (open(ctx, sealed, len, base, &zip, &zlen, cause) != 0)
		goto end;
	rc = bundle_verify_zip(zip, zlen, minisig, slen, name, expected, 1, rep, cause);
end:
	if (zip != NULL) {
		sodium_memzero(zip, zlen);
		free(zip);
	}
	if (rc != 0) {
		free(rep->trusted);
		rep->trusted = NULL;
	}
	free(why);
	return rc;
}

int
bundle_verify_path(const char *path, const struct sign_pub *expected,
                   const struct age_identity *ids, size_t nids, struct bundle_report *rep,
                   char **cause)
{
	struct bundle_verify_ids k = {ids, nids};

	return bundle_verify_path_with(path, expected, nids > 0 ? bundle_verify_open_ids : NULL, &k,
	                               rep, cause);
}

int
bundle_verify_path_with(const char *path, const struct sign_pub *expected, bundle_opener open,
                        void *ctx, struct bundle_report *rep, char **cause)
{
	char *data = NULL, *sig = NULL, *sigpath = xasprintf("%s.minisig", path), *why = NULL;
	size_t len = 0, slen = 0;
	int rc = -1;

	memset(rep, 0, sizeof *rep);
	if (util_read_file(path, BUNDLE_MAX_ZIP, &data, &len, cause) != 0)
		goto end;
	if (util_read_file(sigpath, SIGN_MINISIG_MAX, &sig, &slen, &why) != 0) {
		util_fail(cause,
		          "The signature %s cannot be read (%s): without it the bundle cannot be "
		          "trusted.",
		          sigpath, why);
		goto end;
	}
	if (bundle_is_sealed(data, len))
		rc = bundle_verify_sealed_with(data, len, sig, slen, path, expected, open, ctx, rep,
		                               cause);
	else
		rc = bundle_verify_mem(data, len, sig, slen, path, expected, rep, cause);
end:
	free(why);
	free(sig);
	free(data);
	free(sigpath);
	return rc;
}

int
bundle_verify_file(const char *path, const struct sign_pub *expected, struct bundle_report *rep,
                   char **cause)
{
	char *zip = NULL, *sig = NULL, *sigpath = xasprintf("%s.minisig", path), *why = NULL;
	size_t zlen = 0, slen = 0;
	int rc = -1;

	memset(rep, 0, sizeof *rep);
	if (util_read_file(path, BUNDLE_MAX_ZIP, &zip, &zlen, cause) != 0)
		goto end;
	if (util_read_file(sigpath, SIGN_MINISIG_MAX, &sig, &slen, &why) != 0) {
		util_fail(cause,
		          "The signature %s cannot be read (%s): without it the bundle cannot be "
		          "trusted.",
		          sigpath, why);
		goto end;
	}
	rc = bundle_verify_mem(zip, zlen, sig, slen, path, expected, rep, cause);
end:
	free(why);
	free(sig);
	free(zip);
	free(sigpath);
	return rc;
}

/* The summary's certificate lines: station, serial, event, event key id,
 * and the charter's HQ key (or "no charter").  Signatures that verify
 * refused are not shown here; what is shown is checked as far as the bundle
 * alone allows (whether the HQ key is HQ's is the merge's check). */
static void
bundle_summary_cert(struct strbuf *b, const struct bundle_meta *m)
{
	struct trust_cert tc;
	struct trust_charter ch;
	char ek[17], hk[17], *why = NULL;

	memset(&tc, 0, sizeof tc);
	memset(&ch, 0, sizeof ch);
	if (m->cert == NULL) {
		strbuf_puts(b, "  Cert:     none (the station runs software from before "
		               "certificates): HQ holds it until a person checks its key id\n");
		return;
	}
	if (trust_cert_parse(m->cert, strlen(m->cert), &tc, &why) != 0) {
		strbuf_puts(b, "  Cert:     cannot be read\n"); /* verify refused it before */
		goto end;
	}
	sign_keyid_hex(tc.event_key, ek);
	strbuf_printf(b, "  Cert:     station %s, serial %" PRId64 ", event %s, event key %s\n",
	              tc.station, tc.serial, tc.event, ek);
	if (m->charter == NULL) {
		strbuf_printf(
		    b,
		    "  Charter:  none (an event without a charter); %s; HQ counts it once "
		    "it accepts event key id %s\n",
		    m->event_pub != NULL ? "the bundle's event.pub made the certificate"
		                         : "no event.pub in the bundle (older software): the "
		                           "certificate's signature is not checked",
		    ek);
		goto end;
	}
	if (trust_charter_parse(m->charter, strlen(m->charter), &ch, &why) != 0) {
		strbuf_printf(b, "  Charter:  cannot be read: %s\n", why);
		goto end;
	}
	sign_keyid_hex(ch.hq.id, hk);
	free(why);
	why = NULL;
	if (trust_charter_verify(&ch, &ch.hq, &why) == 0)
		trust_cert_verify(&tc, &ch.event_pub, &why);
	strbuf_printf(b,
	              "  Charter:  event %s, signed by HQ key %s; %s%s (HQ's merge checks that "
	              "key is HQ's)\n",
	              ch.event, hk, why == NULL ? "the certificate is made by its event key" : "",
	              why == NULL ? "" : "its signatures do NOT check");
end:
	free(why);
	trust_cert_clear(&tc);
	trust_charter_clear(&ch);
}

char *
bundle_summary(const struct bundle_report *rep)
{
	const struct bundle_figures *f = &rep->content.fig;
	struct strbuf b = STRBUF_INIT;
	char head[2 * BUNDLE_HASH_LEN + 1], kid[17], a[32], c[32], d[32], t[32];
	char *name, *city, *date, *station;

	bundle_hex(f->head, BUNDLE_HASH_LEN, head);
	sign_keyid_hex(rep->pub.id, kid);
	strbuf_printf(
	    &b, "Bundle verified%s: signature, hashes, ledger chain, CSVs and totals agree.\n",
	    rep->sealed ? " (sealed to HQ, signature checked before it was opened)" : "");
	/* what a station wrote, shown to HQ: escaped, a hostile bundle cannot
	 * drive HQ's terminal or fake a line of this summary */
	name = text_escape(rep->meta.event_name ? rep->meta.event_name : "", 0);
	city = text_escape(rep->meta.city ? rep->meta.city : "", 0);
	date = text_escape(rep->meta.date ? rep->meta.date : "", 0);
	station = text_escape(f->station, 0);
	strbuf_printf(&b, "  Event:    %s (%s, %s)\n", name, city, date);
	strbuf_printf(&b, "  Station:  %s, export %" PRId64 ", %s\n", station, f->export_no,
	              f->closed ? "closed out" : "NOT closed out");
	free(name);
	free(city);
	free(date);
	free(station);
	strbuf_printf(&b, "  Key:      %s (%s)\n", kid,
	              rep->key_checked ? "the expected station key"
	                               : "the key inside the bundle; pass --pubkey to check it is "
	                                 "the station's");
	bundle_summary_cert(&b, &rep->meta);
	strbuf_printf(&b, "  Ledger:   %" PRId64 " entries, head %s\n", f->last_seq, head);
	strbuf_printf(&b,
	              "  Walkers:  %" PRId64 " registered, %" PRId64 " checked in, %" PRId64
	              " laps (%" PRId64 " by hand)\n",
	              f->walkers, f->checked_in, f->laps, f->manual_laps);
	strbuf_printf(&b,
	              "  Money:    %s cash, %s in %" PRId64 " checks, %s other: %s from %" PRId64
	              " donations\n",
	              amount_format(f->cash_cents, a, sizeof a),
	              amount_format(f->check_cents, c, sizeof c), f->checks,
	              amount_format(f->other_cents, d, sizeof d),
	              amount_format(f->total_cents, t, sizeof t), f->donations);
	strbuf_printf(&b, "  Annulled: %" PRId64 " entries\n", f->annulled);
	return strbuf_take(&b);
}
