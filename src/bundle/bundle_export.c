/* bundle_export.c — a station's ledger exported as a signed bundle: an
 * "export" entry, the zip and its .minisig written safely to the USB stick
 * and to the station's own disk, read back and verified. */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "ledger.h"
#include "stamp.h"
#include "stationfile.h"
#include "strbuf.h"
#include "util.h"

#ifndef WAT_VERSION
#define WAT_VERSION "unknown"
#endif

struct bundle_collect {
	struct strbuf jsonl;
	unsigned char prev[BUNDLE_HASH_LEN];
	int64_t last_seq;
	int64_t last_export;
};

static int
bundle_collect_cb(const struct ledger_entry *e, void *arg)
{
	struct bundle_collect *c = arg;
	size_t len = strlen(e->line);
	int64_t n;

	bundle_jsonl_add(&c->jsonl, e->line, len, c->prev, e->hash);
	memcpy(c->prev, e->hash, BUNDLE_HASH_LEN);
	c->last_seq = e->seq;
	if (strcmp(e->kind, "export") == 0 && json_get_int(e->line, len, "data.n", &n) == 0 &&
	    n > c->last_export)
		c->last_export = n;
	return 0;
}

void
bundle_export_result_clear(struct bundle_export_result *r)
{
	free(r->zip_path);
	free(r->sig_path);
	free(r->name);
	free(r->entries_path);
	free(r->entries_note);
	memset(r, 0, sizeof *r);
}

/* Fails early, before an export number is used, when the folder cannot take files. */
static int
bundle_export_dir_ok(const char *dir, char **cause)
{
	struct stat sb;

	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return util_fail(cause,
		                 "The folder %s does not exist (is the USB stick plugged in and "
		                 "mounted?).",
		                 dir);
	if (access(dir, W_OK) != 0) {
		if (errno == EROFS)
			return util_fail(
			    cause,
			    "The folder %s is read-only (is the USB stick's lock switch "
			    "on?): nothing was written.",
			    dir);
		return util_fail(cause, "No permission to write into %s: nothing was written.",
		                 dir);
	}
	return 0;
}

/* Writes the pair: the signature first, then the zip, so a zip on disk
 * always has its signature; a failure removes both (the zip first: a
 * folder whose fsync failed keeps what util_write_file renamed). */
int
bundle_hq_recipients(const char *dir, struct age_recipient r[2], char **cause)
{
	static const char *const names[] = {"hq-seal.pub", "hq-backup.pub"};

	for (size_t i = 0; i < 2; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]), *why = NULL;
		int rc = age_recipient_load(path, &r[i], &why);

		free(path);
		if (rc != 0) {
			util_fail(
			    cause,
			    "HQ's sealing keys cannot be read (%s): the bundle cannot be sealed, "
			    "nothing was exported.",
			    why);
			free(why);
			return -1;
		}
	}
	return 0;
}

static int
bundle_export_write(const char *dir, const char *name, const struct strbuf *zip,
                    const char *minisig, char **cause)
{
	char *signame = xasprintf("%s.minisig", name), *sigpath = xasprintf("%s/%s", dir, signame);
	char *zippath = xasprintf("%s/%s", dir, name);
	int rc = -1;

	if (util_write_file(dir, signame, minisig, strlen(minisig), 0644, cause) != 0) {
		unlink(sigpath);
		goto end;
	}
	if (util_write_file(dir, name, zip->s, zip->len, 0644, cause) != 0) {
		unlink(zippath);
		unlink(sigpath);
		goto end;
	}
	rc = 0;
end:
	free(zippath);
	free(sigpath);
	free(signame);
	return rc;
}

/* Reads path back as the device holds it and compares it with want, byte for
 * byte, in pieces (nothing read whole).  The file was fsynced, so its cached
 * pages are clean and can be dropped first: the read then comes from the
 * stick, not from what the kernel still holds of the write. */
static int
bundle_export_readback(const char *path, const void *want, size_t len, char **cause)
{
	const size_t cap = 1 << 20;
	char *buf = xmalloc(cap);
	struct stat sb;
	size_t off = 0;
	ssize_t got;
	int fd = -1, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0) {
		util_fail(cause, "%s cannot be read back: %s", path, strerror(errno));
		goto end;
	}
	if ((size_t)sb.st_size != len) {
		util_fail(cause, "%s reads back as %lld bytes, not the %zu written", path,
		          (long long)sb.st_size, len);
		goto end;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	while (off < len) {
		size_t want_n = len - off < cap ? len - off : cap;
		if ((got = read(fd, buf, want_n)) < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			util_fail(cause, "%s cannot be read back: %s", path,
			          got < 0 ? strerror(errno) : "it ends early");
			goto end;
		}
		if (memcmp(buf, (const char *)want + off, (size_t)got) != 0) {
			util_fail(cause,
			          "%s reads back different from what was written, at byte %zu",
			          path, off);
			goto end;
		}
		off += (size_t)got;
	}
	rc = 0;
end:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

static void
bundle_export_remove(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name), *s = xasprintf("%s/%s.minisig", dir, name);

	unlink(p);
	unlink(s);
	free(s);
	free(p);
}

struct bundle_snapshot {
	struct strbuf jsonl;
	struct bundle_meta meta;
	char *name;
	struct sign_pub pub;
	struct ledger_totals tot; /* the ledger's own figures */
	int64_t head_seq;
	unsigned char head[BUNDLE_HASH_LEN];
	/* the station's entries file for the event's other stations
	 * (stationfile.h): its sealing key from the badge key (have_key 0:
	 * none written), the station and its ledger identity */
	int have_key;
	unsigned char file_key[STATIONFILE_KEY_LEN];
	char station[TRUST_STATION_MAX + 1];
	unsigned char ledger[BUNDLE_HASH_LEN];
};

void
bundle_snapshot_free(struct bundle_snapshot *s)
{
	if (s == NULL)
		return;
	strbuf_free(&s->jsonl);
	bundle_meta_clear(&s->meta);
	util_wipe(s->file_key, sizeof s->file_key);
	free(s->name);
	free(s);
}

/* ---- peers' entries held: a backup copy (docs/SYNC.md) ---- */

static int
bundle_lines_cb(const struct ledger_entry *e, void *arg)
{
	strbuf_puts(arg, e->line);
	strbuf_puts(arg, "\n");
	return 0;
}

struct bundle_peers_ctx {
	struct ledger *l;
	struct bundle_meta *m;
	char **cause;
	int failed;
};

static int
bundle_peer_cb(const struct ledger_peer *p, void *arg)
{
	struct bundle_peers_ctx *c = arg;
	struct strbuf lines = STRBUF_INIT, head = STRBUF_INIT;
	char id[2 * LEDGER_HASH_LEN + 1], hh[2 * LEDGER_HASH_LEN + 1],
	    sig[2 * LEDGER_PEER_SIG_LEN + 1], *cert;
	struct bundle_file *f;

	if (p->head_seq < 1)
		return 0;
	if (ledger_peer_entries(c->l, p->ledger, 1, bundle_lines_cb, &lines, c->cause) != 0) {
		strbuf_free(&lines);
		c->failed = 1;
		return 1;
	}
	bundle_hex(p->ledger, LEDGER_HASH_LEN, id);
	bundle_hex(p->head_hash, LEDGER_HASH_LEN, hh);
	bundle_hex(p->head_sig, LEDGER_PEER_SIG_LEN, sig);
	cert = ledger_peer_cert(c->l, p->ledger);
	strbuf_puts(&head, "{\"station\":");
	strbuf_json(&head, p->station);
	strbuf_printf(&head,
	              ",\"ledger\":\"%s\",\"head_seq\":%" PRId64
	              ",\"head_hash\":\"%s\",\"head_sig\":\"%s\",\"cert\":",
	              id, p->head_seq, hh, sig);
	strbuf_json(&head, cert != NULL ? cert : "");
	strbuf_puts(&head, "}\n");
	free(cert);
	c->m->peers = xrealloc(c->m->peers, (c->m->npeers + 2) * sizeof *c->m->peers);
	f = &c->m->peers[c->m->npeers];
	f[0].name = xasprintf("peer-%s-%.16s.jsonl", p->station, id);
	f[0].data = lines.s != NULL ? lines.s : xstrdup("");
	f[0].len = lines.len;
	f[1].name = xasprintf("peer-%s-%.16s.head", p->station, id);
	f[1].data = head.s;
	f[1].len = head.len;
	c->m->npeers += 2;
	return 0;
}

/* Every peer's entries held, into m->peers. */
static int
bundle_export_peers(struct ledger *l, struct bundle_meta *m, char **cause)
{
	struct bundle_peers_ctx c = {l, m, cause, 0};

	if (ledger_peers(l, bundle_peer_cb, &c, cause) != 0 || c.failed)
		return -1;
	return 0;
}

int
bundle_export_snapshot(struct ledger *l, const struct bundle_export_opts *o,
                       struct bundle_snapshot **out, char **cause)
{
	struct bundle_snapshot *s = xcalloc(1, sizeof *s);
	struct bundle_collect c;
	struct ledger_event ev;
	struct ledger_totals t;
	struct sign_key *key = NULL;
	struct strbuf data = STRBUF_INIT;
	struct stamp now;
	int64_t seq, n;
	int rc = -1;

	memset(&c, 0, sizeof c);
	if (!ledger_has_event(l)) {
		util_fail(cause, "The event has not been set up yet: there is nothing to export.");
		goto end;
	}
	if (ledger_event(l, &ev) != 0) {
		util_fail(cause, "The event settings could not be read.");
		goto end;
	}
	if (ev.training) {
		util_fail(cause, "This is the training ledger: nothing in it counts, so it is "
		                 "never exported for HQ. Switch training off to export the day.");
		goto end;
	}
	/* The key (made on first use) and the folders, before a number is used. */
	if (sign_key_open(o->keys_dir, &key, cause) != 0)
		goto end;
	sign_key_public(key, &s->pub);
	sign_key_free(key);
	key = NULL;
	if (bundle_export_dir_ok(o->out_dir, cause) != 0)
		goto end;
	if (o->copy_dir != NULL && util_mkdir(o->copy_dir, 0700) == -1) {
		util_fail(cause, "Cannot make the station's export folder %s: %s.", o->copy_dir,
		          strerror(errno));
		goto end;
	}

	if (ledger_entries(l, 1, bundle_collect_cb, &c, cause) != 0)
		goto end;
	n = c.last_export + 1;
	s->name = bundle_file_name(ev.city, ev.date, ev.station, n);
	strbuf_printf(&data, "{\"n\":%" PRId64 ",\"file\":", n);
	strbuf_json(&data, s->name);
	strbuf_puts(&data, "}");
	if (ledger_append(l, "export", 0, 0, 0, data.s, o->op, &seq, cause) != 0)
		goto end;
	if (ledger_entries(l, c.last_seq + 1, bundle_collect_cb, &c, cause) != 0)
		goto end;
	if (ledger_totals(l, &t, cause) != 0 || ledger_head(l, &s->head_seq, s->head) != 0)
		goto end;
	s->tot = t;

	ledger_now(l, &now); /* the clock the export entry was stamped by */
	s->meta.event_name = xstrdup(ev.name);
	s->meta.city = xstrdup(ev.city);
	s->meta.date = xstrdup(ev.date);
	s->meta.event_tag = xstrdup(ev.event_tag);
	s->meta.software = xstrdup("watctl " WAT_VERSION);
	sign_keyid_hex(s->pub.id, s->meta.key_id);
	s->meta.public_key = sign_pub_base64(&s->pub);
	s->meta.export_no = n;
	s->meta.exported_wall_ms = now.wall_ms;
	s->meta.clock_trusted = ledger_clock_doubt(l) == NULL;
	/* the chain of trust: the certificate and charter kept beside the key */
	{
		char *cp = xasprintf("%s/station.cert", o->keys_dir), *hp = NULL;
		size_t clen;
		if (util_read_file(cp, 16384, &s->meta.cert, &clen, NULL) != 0)
			s->meta.cert = NULL;
		hp = xasprintf("%s/charter", o->keys_dir);
		if (s->meta.cert != NULL &&
		    util_read_file(hp, 16384, &s->meta.charter, &clen, NULL) != 0)
			s->meta.charter = NULL;
		free(hp);
		/* no charter names the event key: the bundle carries it */
		hp = xasprintf("%s/event.pub", o->keys_dir);
		if (s->meta.cert != NULL && s->meta.charter == NULL &&
		    util_read_file(hp, 16384, &s->meta.event_pub, &clen, NULL) != 0)
			s->meta.event_pub = NULL;
		free(hp);
		free(cp);
	}
	if (bundle_export_peers(l, &s->meta, cause) != 0)
		goto end;
	/* the entries file: only a certified station's (the others check the
	 * certificate), sealed with the event's key */
	{
		struct badge_event be;
		char id[17];
		if (s->meta.cert != NULL && ledger_badge_key(l, &be, NULL) == 0 &&
		    ledger_identity(l, s->ledger) == 0) {
			stationfile_key(be.key, s->file_key, id);
			s->have_key = 1;
			snprintf(s->station, sizeof s->station, "%s", ev.station);
		}
		util_wipe(&be, sizeof be);
	}
	s->jsonl = c.jsonl;
	memset(&c.jsonl, 0, sizeof c.jsonl);
	*out = s;
	s = NULL;
	rc = 0;
end:
	strbuf_free(&data);
	strbuf_free(&c.jsonl);
	sign_key_free(key);
	bundle_snapshot_free(s);
	return rc;
}

/* 0 when every figure of the bundle (fig) is the ledger's own (t); else -1
 * naming the first that differs. */
static int
bundle_export_agree(const struct ledger_totals *t, const struct bundle_figures *fig, char **cause)
{
	const struct {
		const char *what;
		int64_t ledger, bundle;
	} f[] = {
	    {"walkers", t->walkers, fig->walkers},
	    {"walkers checked in", t->checked_in, fig->checked_in},
	    {"laps", t->laps, fig->laps},
	    {"laps entered by hand", t->manual_laps, fig->manual_laps},
	    {"laps flagged", t->flagged_laps, fig->flagged_laps},
	    {"donations", t->donations, fig->donations},
	    {"checks", t->checks, fig->checks},
	    {"cash (cents)", t->cash_cents, fig->cash_cents},
	    {"checks (cents)", t->check_cents, fig->check_cents},
	    {"other (cents)", t->other_cents, fig->other_cents},
	    {"total (cents)", t->total_cents, fig->total_cents},
	    {"entries annulled", t->annulled, fig->annulled},
	};
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i].ledger != f[i].bundle)
			return util_fail(
			    cause,
			    "The export does not agree with the ledger's own figures (%s: "
			    "%" PRId64 " in the export, %" PRId64
			    " in the ledger); nothing was written. Run `watctl check`.",
			    f[i].what, f[i].bundle, f[i].ledger);
	return 0;
}

/* Seals the zip to HQ's keys and signs the sealed bytes instead: *zip,
 * *minisig and *name (+ ".age") are replaced; the clear zip is wiped. */
static int
bundle_export_seal(const struct bundle_snapshot *s, const struct bundle_export_opts *o,
                   const struct sign_key *key, const struct bundle_figures *fig, struct strbuf *zip,
                   char **minisig, char **name, char **cause)
{
	unsigned char *sealed = NULL;
	size_t len = 0;
	char *sname = xasprintf("%s.age", s->name), *tc = NULL, *untrusted = NULL, *sig = NULL;
	char *pub = NULL;
	int rc = -1;

	if (age_encrypt_mem(o->seal_to, o->nseal, zip->s, zip->len, &sealed, &len, cause) != 0)
		goto end;
	tc = bundle_trusted_comment(&s->meta, fig, sname);
	pub = sign_pub_base64(&s->pub);
	untrusted = xasprintf("W.A.T. sealed bundle, signed by station key %s", pub);
	if (sign_data(key, sealed, len, tc, untrusted, &sig, cause) != 0)
		goto end;
	util_wipe(zip->s, zip->len);
	strbuf_free(zip);
	zip->s = (char *)sealed;
	zip->len = len;
	zip->cap = len;
	sealed = NULL;
	free(*minisig);
	*minisig = sig;
	sig = NULL;
	free(*name);
	*name = sname;
	sname = NULL;
	rc = 0;
end:
	free(sealed);
	free(sname);
	free(tc);
	free(pub);
	free(untrusted);
	free(sig);
	return rc;
}

/* The station's entries for the other stations of its event, beside the
 * bundle as <station>.entries (docs/SYNC.md "Without a network"): the
 * entries' lines out of ledger.jsonl's, the head signed with the station
 * key.  Read back; a failure is said in res->entries_note, the bundle
 * stands. */
static void
bundle_export_entries(const struct bundle_snapshot *s, const struct bundle_export_opts *o,
                      struct bundle_export_result *res)
{
	struct stationfile_head h;
	struct strbuf lines = STRBUF_INIT, file = STRBUF_INIT;
	struct sign_key *key = NULL;
	unsigned char signed_[STATIONFILE_SIGNED_LEN];
	const char *p = s->jsonl.s, *end = s->jsonl.s + s->jsonl.len, *nl;
	char *fname = xasprintf("%s" STATIONFILE_SUFFIX, s->station), *why = NULL;

	/* {"hash":"<64>","prev":"<64>","entry":<line>}\n: the line verbatim */
	for (; p < end; p = nl + 1) {
		const size_t pre = 157;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL || (size_t)(nl - p) < pre + 1)
			break;
		strbuf_add(&lines, p + pre, (size_t)(nl - p) - pre - 1);
		strbuf_puts(&lines, "\n");
	}
	memset(&h, 0, sizeof h);
	snprintf(h.station, sizeof h.station, "%s", s->station);
	memcpy(h.ledger, s->ledger, sizeof h.ledger);
	h.head_seq = s->head_seq;
	memcpy(h.head_hash, s->head, sizeof h.head_hash);
	h.cert = s->meta.cert;
	if (sign_key_open(o->keys_dir, &key, &why) != 0)
		goto end;
	stationfile_signed(h.ledger, h.head_seq, h.head_hash, signed_);
	sign_detached(key, signed_, sizeof signed_, h.head_sig);
	stationfile_seal(s->meta.event_tag, s->file_key, &h, lines.s != NULL ? lines.s : "",
	                 lines.len, &file);
	if (util_write_file(o->out_dir, fname, file.s, file.len, 0600, &why) != 0)
		goto end;
	res->entries_path = xasprintf("%s/%s", o->out_dir, fname);
	if (bundle_export_readback(res->entries_path, file.s, file.len, &why) != 0) {
		unlink(res->entries_path);
		free(res->entries_path);
		res->entries_path = NULL;
	}
end:
	if (res->entries_path == NULL)
		res->entries_note =
		    xasprintf("The station's entries for the other stations (%s) were not written: "
		              "%s",
		              fname, why != NULL ? why : "unknown error");
	sign_key_free(key);
	util_wipe(lines.s, lines.len);
	strbuf_free(&lines);
	strbuf_free(&file);
	free(fname);
	free(why);
}

int
bundle_export_finish(const struct bundle_snapshot *s, const struct bundle_export_opts *o,
                     struct bundle_export_result *res, char **cause)
{
	struct sign_key *key = NULL;
	struct sign_pub pub;
	struct strbuf zip = STRBUF_INIT;
	char *minisig = NULL, *why = NULL, *trusted = NULL, *name = xstrdup(s->name);
	int rc = -1, wrote_out = 0;

	memset(res, 0, sizeof *res);
	if (sign_key_open(o->keys_dir, &key, cause) != 0)
		goto end;
	sign_key_public(key, &pub);
	if (memcmp(&pub, &s->pub, sizeof pub) != 0) {
		util_fail(cause, "The station key changed during the export; export again.");
		goto end;
	}
	if (bundle_pack(s->jsonl.s, s->jsonl.len, &s->meta, key, s->name,
	                s->meta.exported_wall_ms / 1000, &zip, o->nseal > 0 ? NULL : &minisig,
	                &res->fig, cause) != 0)
		goto end;
	if (o->nseal > 0 &&
	    bundle_export_seal(s, o, key, &res->fig, &zip, &minisig, &name, cause) != 0)
		goto end;
	sign_key_free(key); /* wiped as soon as the signature exists */
	key = NULL;

	/* The export's own figures (the fold's, from the entries) must agree with
	 * the ledger's derived tables, every one of them. */
	if (bundle_export_agree(&s->tot, &res->fig, cause) != 0)
		goto end;
	if (s->head_seq != res->fig.last_seq ||
	    memcmp(s->head, res->fig.head, BUNDLE_HASH_LEN) != 0) {
		util_fail(cause,
		          "The export ends at entry %" PRId64 " but the ledger at entry %" PRId64
		          "; nothing was written. Run `watctl check`.",
		          res->fig.last_seq, s->head_seq);
		goto end;
	}

	if (o->copy_dir != NULL) {
		if (bundle_export_write(o->copy_dir, name, &zip, minisig, &why) != 0) {
			util_fail(cause, "The station's own copy could not be written: %s", why);
			goto end;
		}
	}
	if (bundle_export_write(o->out_dir, name, &zip, minisig, cause) != 0)
		goto end;
	wrote_out = 1;

	/* Read back what is on the stick: both files byte for byte what was
	 * signed, and the signature checked as HQ checks it first.  The zip
	 * holds the members bundle_compute made (bundle_pack), the computation
	 * every verifier repeats: verifying it all again would only repeat the
	 * same work on the same bytes. */
	res->zip_path = xasprintf("%s/%s", o->out_dir, name);
	res->sig_path = xasprintf("%s/%s.minisig", o->out_dir, name);
	free(why);
	why = NULL;
	if (bundle_export_readback(res->sig_path, minisig, strlen(minisig), &why) != 0 ||
	    bundle_export_readback(res->zip_path, zip.s, zip.len, &why) != 0 ||
	    sign_verify(&pub, zip.s, zip.len, minisig, strlen(minisig), &trusted, &why) != 0) {
		util_fail(cause,
		          "The bundle read back from %s does not verify (%s): the USB stick may be "
		          "failing. It was removed; try another stick.",
		          o->out_dir, why);
		goto end;
	}
	if (s->have_key)
		bundle_export_entries(s, o, res);
	res->name = xstrdup(name);
	res->export_no = s->meta.export_no;
	res->last_seq = res->fig.last_seq;
	bundle_hex(res->fig.head, BUNDLE_HASH_LEN, res->head);
	memcpy(res->key_id, s->meta.key_id, sizeof res->key_id);
	rc = 0;
end:
	if (rc != 0) {
		/* the station's copy stays: it is complete and verified by its signature */
		if (wrote_out)
			bundle_export_remove(o->out_dir, name);
		free(res->zip_path);
		free(res->sig_path);
		res->zip_path = res->sig_path = NULL;
	}
	free(trusted);
	free(why);
	free(minisig);
	free(name);
	strbuf_free(&zip);
	sign_key_free(key);
	return rc;
}

int
bundle_export(struct ledger *l, const struct bundle_export_opts *o,
              struct bundle_export_result *res, char **cause)
{
	struct bundle_snapshot *s = NULL;
	int rc;

	memset(res, 0, sizeof *res);
	if (bundle_export_snapshot(l, o, &s, cause) != 0)
		return -1;
	rc = bundle_export_finish(s, o, res, cause);
	bundle_snapshot_free(s);
	return rc;
}

/* /proc/mounts escapes spaces and such as \040 (octal). */
static void
bundle_usb_unescape(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

int
bundle_usb_dirs(const char *mounts, const char *prefixes, char ***dirs, size_t *n, char **cause)
{
	char *data = NULL, *line, *save = NULL, *pfx = NULL, *p, *psave, *dev, *dir, *opts;
	char **out = NULL;
	size_t len, count = 0;
	int rc = -1;

	*dirs = NULL;
	*n = 0;
	if (util_read_file(mounts != NULL ? mounts : "/proc/self/mounts", 1 << 20, &data, &len,
	                   cause) != 0)
		goto end;
	for (line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		dev = strtok_r(line, " ", &psave);
		dir = strtok_r(NULL, " ", &psave);
		(void)strtok_r(NULL, " ", &psave); /* type */
		opts = strtok_r(NULL, " ", &psave);
		if (dev == NULL || dir == NULL || opts == NULL)
			continue;
		if (strncmp(opts, "ro", 2) == 0 && (opts[2] == ',' || opts[2] == '\0'))
			continue;
		bundle_usb_unescape(dir);
		free(pfx);
		pfx = xstrdup(prefixes != NULL ? prefixes : "/media/:/run/media/:/mnt/");
		for (p = strtok_r(pfx, ":", &psave); p != NULL; p = strtok_r(NULL, ":", &psave))
			if (*p != '\0' && strncmp(dir, p, strlen(p)) == 0 && dir[strlen(p)] != '\0')
				break;
		if (p == NULL)
			continue;
		out = xrealloc(out, (count + 1) * sizeof *out);
		out[count++] = xstrdup(dir);
	}
	*dirs = out;
	*n = count;
	out = NULL;
	rc = 0;
end:
	free(out);
	free(pfx);
	free(data);
	return rc;
}
