/* event_pack.c — the event pack (see event_pack.h; the format in docs/BUNDLE.md):
 *
 * {"format":"wat-event-pack/1","station":"T1","event":{"name":..,"city":..,
 *  "date":..,"tag":..},"badge_key":"<64 hex>","settings":{"goal":"25.00",...}} */
#include "event_pack.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "amount.h"
#include "bundle.h"
#include "json.h"
#include "ledger.h"
#include "strbuf.h"
#include "text.h"
#include "trust.h"
#include "util.h"

const char *
event_pack_key(size_t i)
{
	const struct setting *s;
	size_t j, n = 0;

	for (j = 0; i < EVENT_PACK_SETTINGS && (s = setting_at(j)) != NULL; j++)
		if (s->pack && n++ == i)
			return s->key;
	return NULL;
}

static void
event_pack_free_str(char **s)
{
	if (*s != NULL) {
		util_wipe(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
event_pack_clear(struct event_pack *p)
{
	size_t i;

	event_pack_free_str(&p->station);
	event_pack_free_str(&p->name);
	event_pack_free_str(&p->city);
	event_pack_free_str(&p->date);
	for (i = 0; i < EVENT_PACK_SETTINGS; i++)
		event_pack_free_str(&p->settings[i]);
	event_pack_free_str(&p->for_station);
	event_pack_free_str(&p->station_key);
	event_pack_free_str(&p->cert);
	event_pack_free_str(&p->event_pub);
	event_pack_free_str(&p->charter);
	util_wipe(&p->badge, sizeof p->badge);
}

/* ---- making and writing ---------------------------------------------------- */

int
event_pack_from_ledger(struct ledger *l, struct event_pack *p, char **cause)
{
	struct ledger_event ev;
	char canon[SETTING_VALUE_MAX], buf[SETTING_VALUE_MAX];
	size_t i;

	memset(p, 0, sizeof *p);
	if (ledger_badge_key(l, &p->badge, cause) != 0)
		return -1;
	if (ledger_event(l, &ev) != 0) {
		util_wipe(&p->badge, sizeof p->badge);
		return util_fail(cause, "The event has not been set up yet.");
	}
	if (ev.training) {
		util_fail(cause, "This is the training ledger: another station joins the real "
		                 "event, never training. Switch training off first.");
		util_wipe(&p->badge, sizeof p->badge);
		return -1;
	}
	p->station = xstrdup(ev.station);
	p->name = xstrdup(ev.name);
	p->city = xstrdup(ev.city);
	p->date = xstrdup(ev.date);
	/* each setting the pack carries, as one would type it; none when unset */
	for (i = 0; i < EVENT_PACK_SETTINGS && event_pack_key(i) != NULL; i++) {
		const struct setting *s = setting_find(event_pack_key(i));
		ledger_event_value(&ev, s, canon, sizeof canon);
		if (!setting_is_unset(s, canon)) {
			setting_typed(s, canon, buf, sizeof buf);
			p->settings[i] = xstrdup(buf);
		}
	}
	return 0;
}

char *
event_pack_format(const struct event_pack *p)
{
	struct strbuf b = STRBUF_INIT;
	char hex[2 * BADGE_KEY_LEN + 1];
	int first = 1;
	size_t i;

	strbuf_puts(&b, "{\"format\":\"" EVENT_PACK_FORMAT "\",\"station\":");
	strbuf_json(&b, p->station);
	strbuf_puts(&b, ",\"event\":{\"name\":");
	strbuf_json(&b, p->name);
	strbuf_puts(&b, ",\"city\":");
	strbuf_json(&b, p->city != NULL ? p->city : "");
	strbuf_puts(&b, ",\"date\":");
	strbuf_json(&b, p->date != NULL ? p->date : "");
	strbuf_puts(&b, ",\"tag\":");
	strbuf_json(&b, p->badge.tag);
	bundle_hex(p->badge.key, BADGE_KEY_LEN, hex);
	strbuf_printf(&b, "},\"badge_key\":\"%s\",\"settings\":{", hex);
	util_wipe(hex, sizeof hex);
	for (i = 0; i < EVENT_PACK_SETTINGS; i++) {
		if (p->settings[i] == NULL || p->settings[i][0] == '\0')
			continue;
		strbuf_printf(&b, "%s\"%s\":", first ? "" : ",", event_pack_key(i));
		strbuf_json(&b, p->settings[i]);
		first = 0;
	}
	strbuf_puts(&b, "}");
	if (p->cert != NULL) {
		static const char *const names[] = {"for_station", "station_key", "cert",
		                                    "event_pub", "charter"};
		const char *vals[] = {p->for_station, p->station_key, p->cert, p->event_pub,
		                      p->charter};
		strbuf_puts(&b, ",\"trust\":{");
		first = 1;
		for (i = 0; i < nitems(names); i++) {
			if (vals[i] == NULL)
				continue;
			strbuf_printf(&b, "%s\"%s\":", first ? "" : ",", names[i]);
			strbuf_json(&b, vals[i]);
			first = 0;
		}
		strbuf_puts(&b, "}");
	}
	strbuf_puts(&b, "}\n");
	return strbuf_take(&b);
}

char *
event_pack_file_name(const struct event_pack *p)
{
	/* the bundles' own naming ("wat-<city>-<date>-<station>-<n>.zip"), so the
	 * pack sorts beside them: "-event-0.zip" becomes "-event.pack" */
	char *zip = bundle_file_name(p->city, p->date, "event", 0);
	size_t n = strlen(zip);
	char *name;

	if (n > 6 && strcmp(zip + n - 6, "-0.zip") == 0)
		zip[n - 6] = '\0';
	name = xasprintf("%s" EVENT_PACK_SUFFIX, zip);
	free(zip);
	return name;
}

/* ---- the sealed file and its key ----------------------------------------------- */

#define EVENT_PACK_MAGIC     "WAT-SEALED-PACK/1\n"
#define EVENT_PACK_MAGIC_LEN (sizeof EVENT_PACK_MAGIC - 1)
#define EVENT_PACK_CHECK_LEN 8
#define EVENT_PACK_HEAD_LEN                                                                        \
	(EVENT_PACK_MAGIC_LEN + EVENT_PACK_CHECK_LEN + crypto_secretbox_NONCEBYTES)
#define EVENT_PACK_GROUPS 7

/* badge.c's alphabet (Crockford base32: no I, L, O, U) */
static const char event_pack_b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
event_pack_init(void)
{
	if (sodium_init() < 0) {
		fputs("libsodium could not start\n", stderr);
		abort();
	}
}

void
event_pack_secret_new(struct event_pack_secret *s)
{
	event_pack_init();
	randombytes_buf(s->k, sizeof s->k);
}

/* The box key and the key check, both BLAKE2b keyed with the secret. */
static void
event_pack_derive(const struct event_pack_secret *s, const char *what, unsigned char *out,
                  size_t len)
{
	event_pack_init();
	crypto_generichash(out, len, (const unsigned char *)what, strlen(what), s->k, sizeof s->k);
}

/* 12 bits over the whole key: an error no group's check sees (a group typed
 * in another's place) is still caught. */
static unsigned
event_pack_sum12(const unsigned char k[EVENT_PACK_SECRET_LEN])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, k, EVENT_PACK_SECRET_LEN, NULL, 0);
	return ((unsigned)h[0] << 4) | (h[1] >> 4);
}

/* A group's check character: odd weights, so any one character changed
 * changes it; the group's place counts too. */
static unsigned
event_pack_group_check(const unsigned v[4], unsigned g)
{
	return (v[0] + 3 * v[1] + 5 * v[2] + 7 * v[3] + 9 * g + 1) % 32;
}

void
event_pack_secret_format(const struct event_pack_secret *s, int qr,
                         char out[EVENT_PACK_KEYTEXT_MAX])
{
	unsigned char bits[18] = {0}; /* 128 + 12 bits, then zeros */
	unsigned sum = event_pack_sum12(s->k), v[4];
	size_t k = 0, bit = 0;

	memcpy(bits, s->k, EVENT_PACK_SECRET_LEN);
	bits[16] = (unsigned char)(sum >> 4);
	bits[17] = (unsigned char)((sum & 15) << 4);
	if (qr)
		k += (size_t)snprintf(out, EVENT_PACK_KEYTEXT_MAX, "%s", EVENT_PACK_QR_PREFIX);
	for (unsigned g = 0; g < EVENT_PACK_GROUPS; g++) {
		for (int j = 0; j < 4; j++, bit += 5) {
			unsigned x = 0;
			for (int b = 0; b < 5; b++)
				x = (x << 1) |
				    ((bits[(bit + (size_t)b) / 8] >> (7 - (bit + (size_t)b) % 8)) &
				     1);
			v[j] = x;
			out[k++] = event_pack_b32[x];
		}
		out[k++] = event_pack_b32[event_pack_group_check(v, g)];
		if (g + 1 < EVENT_PACK_GROUPS)
			out[k++] = '-';
	}
	out[k] = '\0';
	sodium_memzero(bits, sizeof bits);
}

int
event_pack_secret_parse(const char *text, struct event_pack_secret *s, char **cause)
{
	unsigned char bits[18] = {0};
	unsigned v[EVENT_PACK_GROUPS * 5], sum;
	size_t n = 0, bit = 0;
	const char *p = text;
	int rc = -1;

	if (strncasecmp(p, EVENT_PACK_QR_PREFIX, strlen(EVENT_PACK_QR_PREFIX)) == 0)
		p += strlen(EVENT_PACK_QR_PREFIX);
	for (; *p != '\0'; p++) {
		char c = *p;
		const char *at;
		if (c == ' ' || c == '-' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		c = c == 'O' ? '0' : c == 'I' || c == 'L' ? '1' : c;
		if (c == '\0' || (at = strchr(event_pack_b32, c)) == NULL) {
			util_fail(cause,
			          "The pack key has a character that is never in one: \"%c\". Keys "
			          "use the digits and the letters A-Z but U.",
			          (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f ? *p : '?');
			goto end;
		}
		if (n == nitems(v)) {
			n++;
			break;
		}
		v[n++] = (unsigned)(at - event_pack_b32);
	}
	if (n != nitems(v)) {
		util_fail(cause,
		          "The pack key is %d groups of 5 characters (%d in all); this has %zu%s.",
		          EVENT_PACK_GROUPS, EVENT_PACK_GROUPS * 5,
		          n > nitems(v) ? nitems(v) + 1 : n, n > nitems(v) ? " or more" : "");
		goto end;
	}
	for (unsigned g = 0; g < EVENT_PACK_GROUPS; g++)
		if (event_pack_group_check(v + 5 * g, g) != v[5 * g + 4]) {
			util_fail(
			    cause,
			    "Group %u of the pack key (%c%c%c%c%c) has a typing mistake: check it "
			    "against the first station's screen.",
			    g + 1, event_pack_b32[v[5 * g]], event_pack_b32[v[5 * g + 1]],
			    event_pack_b32[v[5 * g + 2]], event_pack_b32[v[5 * g + 3]],
			    event_pack_b32[v[5 * g + 4]]);
			goto end;
		}
	for (unsigned g = 0; g < EVENT_PACK_GROUPS; g++)
		for (int j = 0; j < 4; j++)
			for (int b = 4; b >= 0; b--, bit++)
				if ((v[5 * g + (unsigned)j] >> b) & 1)
					bits[bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
	sum = ((unsigned)bits[16] << 4) | (bits[17] >> 4);
	event_pack_init();
	if (sum != event_pack_sum12(bits) || (bits[17] & 15) != 0) {
		util_fail(cause,
		          "The pack key has a typing mistake (each group looks right: are two "
		          "groups swapped?). Check it against the first station's screen.");
		goto end;
	}
	memcpy(s->k, bits, sizeof s->k);
	rc = 0;
end:
	sodium_memzero(bits, sizeof bits);
	sodium_memzero(v, sizeof v);
	return rc;
}

void
event_pack_seal(const char *text, size_t len, const struct event_pack_secret *s,
                unsigned char **out, size_t *outlen)
{
	unsigned char key[crypto_secretbox_KEYBYTES], *o;
	size_t n = EVENT_PACK_HEAD_LEN + crypto_secretbox_MACBYTES + len;

	o = xmalloc(n);
	memcpy(o, EVENT_PACK_MAGIC, EVENT_PACK_MAGIC_LEN);
	event_pack_derive(s, "wat-event-pack key check", o + EVENT_PACK_MAGIC_LEN,
	                  EVENT_PACK_CHECK_LEN);
	randombytes_buf(o + EVENT_PACK_MAGIC_LEN + EVENT_PACK_CHECK_LEN,
	                crypto_secretbox_NONCEBYTES);
	event_pack_derive(s, "wat-event-pack/1 box", key, sizeof key);
	crypto_secretbox_easy(o + EVENT_PACK_HEAD_LEN, (const unsigned char *)text, len,
	                      o + EVENT_PACK_MAGIC_LEN + EVENT_PACK_CHECK_LEN, key);
	sodium_memzero(key, sizeof key);
	*out = o;
	*outlen = n;
}

int
event_pack_open(const void *data, size_t len, const struct event_pack_secret *s, char **text,
                size_t *tlen, char **cause)
{
	const unsigned char *d = data;
	unsigned char key[crypto_secretbox_KEYBYTES], check[EVENT_PACK_CHECK_LEN];
	size_t n;
	char *t;

	if (len < EVENT_PACK_MAGIC_LEN || memcmp(d, EVENT_PACK_MAGIC, EVENT_PACK_MAGIC_LEN) != 0) {
		if (len > 0 && d[0] == '{')
			return util_fail(cause,
			                 "This event pack is not sealed (older software made "
			                 "it): make it again on the first station.");
		return util_fail(cause, "This is not a W.A.T. event pack.");
	}
	if (len < EVENT_PACK_HEAD_LEN + crypto_secretbox_MACBYTES)
		return util_fail(cause, "The event pack is damaged: it is cut short.");
	event_pack_derive(s, "wat-event-pack key check", check, sizeof check);
	if (sodium_memcmp(check, d + EVENT_PACK_MAGIC_LEN, sizeof check) != 0)
		return util_fail(cause,
		                 "The pack key is not this pack's: check the key shown on the "
		                 "first station (or scan its QR code again).");
	n = len - EVENT_PACK_HEAD_LEN - crypto_secretbox_MACBYTES;
	t = xmalloc(n + 1);
	event_pack_derive(s, "wat-event-pack/1 box", key, sizeof key);
	if (crypto_secretbox_open_easy((unsigned char *)t, d + EVENT_PACK_HEAD_LEN,
	                               len - EVENT_PACK_HEAD_LEN,
	                               d + EVENT_PACK_MAGIC_LEN + EVENT_PACK_CHECK_LEN, key) != 0) {
		sodium_memzero(key, sizeof key);
		free(t);
		return util_fail(cause, "The event pack was changed or damaged after it was made "
		                        "(its seal does not check): nothing in it was used.");
	}
	sodium_memzero(key, sizeof key);
	t[n] = '\0';
	*text = t;
	*tlen = n;
	return 0;
}

int
event_pack_write(const struct event_pack *p, const char *dir, const char *name,
                 const struct event_pack_secret *s, char **cause)
{
	char *plain = event_pack_format(p), *path = xasprintf("%s/%s", dir, name), *back = NULL;
	unsigned char *text = NULL;
	size_t len = 0, blen = 0;
	int rc = -1;

	event_pack_seal(plain, strlen(plain), s, &text, &len);
	util_wipe(plain, strlen(plain));
	free(plain);
	if (util_write_file(dir, name, text, len, 0600, cause) != 0)
		goto end;
	/* read back: a stick that lies about what it stored is caught here, not
	 * at the other station */
	if (util_read_file(path, len + 1, &back, &blen, NULL) != 0 || blen != len ||
	    memcmp(back, text, len) != 0) {
		unlink(path);
		util_fail(cause,
		          "The event pack read back from %s is not what was written: the USB stick "
		          "may be failing. It was removed; try another stick.",
		          dir);
		goto end;
	}
	rc = 0;
end:
	if (back != NULL) {
		util_wipe(back, blen);
		free(back);
	}
	util_wipe(text, len);
	free(text);
	free(path);
	return rc;
}

/* ---- reading ----------------------------------------------------------------- */

static int
event_pack_tag_ok(const char *tag)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* badge.c's */

	return tag != NULL && strlen(tag) == BADGE_TAG_LEN && strspn(tag, b32) == BADGE_TAG_LEN;
}

int
event_pack_parse(const char *data, size_t len, struct event_pack *p, char **cause)
{
	struct json_value v;
	char *fmt = NULL, *tag = NULL, *hex = NULL, *s, path[64];
	size_t i;
	int rc = -1;

	memset(p, 0, sizeof *p);
	if (json_parse(data, len, &v) != 0 || v.type != JSON_OBJECT) {
		util_fail(cause, "This is not a W.A.T. event pack: it is not the JSON text a pack "
		                 "is made of.");
		goto end;
	}
	fmt = json_get_str(data, len, "format");
	if (fmt == NULL) {
		util_fail(cause, "This is not a W.A.T. event pack: it has no \"format\".");
		goto end;
	}
	if (strcmp(fmt, EVENT_PACK_FORMAT) != 0) {
		if (strncmp(fmt, "wat-event-pack/", 15) == 0)
			util_fail(cause,
			          "This event pack is of another version (%.40s) than this station "
			          "reads (" EVENT_PACK_FORMAT
			          "): make it on a station with the same software.",
			          fmt);
		else
			util_fail(cause,
			          "This is not a W.A.T. event pack: its format is \"%.40s\".", fmt);
		goto end;
	}
	p->station = json_get_str(data, len, "station");
	if (p->station == NULL || p->station[0] == '\0') {
		util_fail(cause, "The event pack is damaged: the station that made it is missing.");
		goto end;
	}
	p->name = json_get_str(data, len, "event.name");
	if (p->name == NULL || p->name[0] == '\0') {
		util_fail(cause, "The event pack is damaged: the event's name is missing.");
		goto end;
	}
	if ((p->city = json_get_str(data, len, "event.city")) == NULL)
		p->city = xstrdup("");
	if ((p->date = json_get_str(data, len, "event.date")) == NULL)
		p->date = xstrdup("");
	/* shown on the join screen and the terminal before any ledger checks them */
	if (text_check(p->station, "station", NULL) != 0 ||
	    text_check(p->name, "name", NULL) != 0 || text_check(p->city, "city", NULL) != 0 ||
	    text_check(p->date, "date", NULL) != 0) {
		util_fail(cause, "The event pack is damaged: its station, event name, city or date "
		                 "holds control characters.");
		goto end;
	}
	tag = json_get_str(data, len, "event.tag");
	if (!event_pack_tag_ok(tag)) {
		util_fail(cause, "The event pack is damaged: the event's badge tag is missing or "
		                 "is not 4 characters of 0-9 and A-Z.");
		goto end;
	}
	memcpy(p->badge.tag, tag, BADGE_TAG_LEN + 1);
	hex = json_get_str(data, len, "badge_key");
	if (hex == NULL || bundle_unhex(hex, strlen(hex), p->badge.key, BADGE_KEY_LEN) != 0) {
		util_fail(cause, "The event pack is damaged: its badge key is missing or is not 64 "
		                 "hexadecimal digits.");
		goto end;
	}
	for (i = 0; i < EVENT_PACK_SETTINGS; i++) {
		snprintf(path, sizeof path, "settings.%s", event_pack_key(i));
		if ((s = json_get_str(data, len, path)) != NULL && s[0] == '\0')
			event_pack_free_str(&s);
		p->settings[i] = s;
	}
	/* the chain of trust (trust_station_join checks what it holds) */
	p->cert = json_get_str(data, len, "trust.cert");
	if (p->cert != NULL) {
		p->for_station = json_get_str(data, len, "trust.for_station");
		p->station_key = json_get_str(data, len, "trust.station_key");
		p->event_pub = json_get_str(data, len, "trust.event_pub");
		p->charter = json_get_str(data, len, "trust.charter");
		if (p->for_station == NULL || p->station_key == NULL || p->event_pub == NULL ||
		    text_check(p->for_station, "station", NULL) != 0) {
			util_fail(cause, "The event pack is damaged: its station certificate comes "
			                 "without its station, key or event key.");
			goto end;
		}
	}
	rc = 0;
end:
	if (rc != 0)
		event_pack_clear(p);
	free(fmt);
	free(tag);
	event_pack_free_str(&hex);
	return rc;
}

int
event_pack_load(const char *path, const struct event_pack_secret *s, struct event_pack *p,
                char **cause)
{
	const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	char *data = NULL, *why = NULL, *text = NULL;
	size_t len = 0, tlen = 0;
	int rc = -1;

	memset(p, 0, sizeof *p);
	if (util_read_file(path, EVENT_PACK_MAX + EVENT_PACK_HEAD_LEN + crypto_secretbox_MACBYTES,
	                   &data, &len, cause) != 0)
		return -1;
	if (event_pack_open(data, len, s, &text, &tlen, &why) != 0) {
		util_fail(cause, "%s cannot be used. %s", base, why);
		goto end;
	}
	if (event_pack_parse(text, tlen, p, &why) != 0) {
		util_fail(cause, "%s cannot be used. %s Make the pack again on the first station.",
		          base, why);
		goto end;
	}
	rc = 0;
end:
	free(why);
	if (text != NULL) {
		util_wipe(text, tlen);
		free(text);
	}
	util_wipe(data, len);
	free(data);
	return rc;
}

/* ---- joining ----------------------------------------------------------------- */

/* The number an id ends with (T12 → 12), -1 when none; *prefix: its length. */
static long
event_pack_id_number(const char *id, size_t *prefix)
{
	size_t n = strlen(id), i = n;

	while (i > 0 && id[i - 1] >= '0' && id[i - 1] <= '9')
		i--;
	*prefix = i;
	if (i == n || n - i > 6)
		return -1;
	return strtol(id + i, NULL, 10);
}

void
event_pack_next_station(const char *from, char *buf, size_t len)
{
	size_t prefix = 0, i;
	long n = from != NULL && strlen(from) <= LEDGER_STATION_MAX
	             ? event_pack_id_number(from, &prefix)
	             : -1;

	if (n < 0 || snprintf(buf, len, "%.*s%ld", (int)prefix, from, n + 1) >= (int)len ||
	    strlen(buf) > LEDGER_STATION_MAX) {
		snprintf(buf, len, "T2");
		return;
	}
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
}

void
event_pack_walker_base(const char *station, char *buf, size_t len)
{
	size_t prefix;
	long n = station != NULL ? event_pack_id_number(station, &prefix) : -1;

	snprintf(buf, len, "%ld", n >= 2 && n <= 10 ? (n - 1) * 100000 : 100000);
}

int
event_pack_walker_base_check(const char *base, char **cause)
{
	char *canon = NULL;
	int ok = base != NULL && ledger_setting_parse("walker-base", base, &canon, NULL) == 0 &&
	         strcmp(canon, "0") != 0;

	free(canon);
	if (ok)
		return 0;
	return util_fail(cause,
	                 "The first walker number of a station that joins must be a whole number "
	                 "from 1 to 900000, not \"%s\": the first station numbers its walkers "
	                 "from 1 (use 100000 for T2, 200000 for T3...). Nothing was changed.",
	                 base != NULL ? base : "");
}

int
event_pack_join(struct ledger *l, const struct event_pack *p, const char *station,
                const char *walker_base, const char *op, char **notes, char **cause)
{
	struct strbuf nb = STRBUF_INIT;
	struct ledger_totals t;
	struct ledger_init in;
	char next[LEDGER_STATION_MAX + 8], *why = NULL;
	size_t i;

	if (notes != NULL)
		*notes = NULL;
	if (walker_base != NULL && event_pack_walker_base_check(walker_base, cause) != 0)
		return -1;
	if (strcasecmp(p->station, station) == 0) {
		event_pack_next_station(p->station, next, sizeof next);
		util_fail(cause,
		          "This pack comes from station %s: the station that joins needs another "
		          "id (e.g. %s).",
		          p->station, next);
		return EVENT_PACK_SAME_STATION;
	}
	/* (an id the ledger refuses is refused below in the ledger's words) */
	if (p->for_station != NULL && trust_check_station(station, NULL) == 0 &&
	    strcasecmp(p->for_station, station) != 0)
		return util_fail(cause,
		                 "This pack was made for station %s, not %s: a pack certifies one "
		                 "station. Join as %s, or make a pack for %s on the first station.",
		                 p->for_station, station, p->for_station, station);
	/* ledger_init_event refuses a ledger with an event ("already holds...");
	 * one with entries but no event gets its own sentence here */
	if (!ledger_has_event(l) && ledger_totals(l, &t, NULL) == 0 && t.last_seq != 0)
		return util_fail(cause,
		                 "This station's ledger is not empty (it holds %" PRId64
		                 " %s): only a new, empty ledger can join an event.",
		                 t.last_seq, t.last_seq == 1 ? "entry" : "entries");
	memset(&in, 0, sizeof in);
	in.name = p->name;
	in.city = p->city;
	in.date = p->date;
	in.station = station;
	in.badge = &p->badge;
	if (ledger_init_event(l, &in, op, cause) != 0)
		return -1;
	for (i = 0; i < EVENT_PACK_SETTINGS; i++) {
		if (p->settings[i] == NULL)
			continue;
		if (ledger_set(l, event_pack_key(i), p->settings[i], op, &why) != 0) {
			strbuf_printf(&nb, "Setting %s was not copied: %s\n", event_pack_key(i),
			              why != NULL ? why : "refused");
			free(why);
			why = NULL;
		}
	}
	if (walker_base != NULL && ledger_set(l, "walker-base", walker_base, op, &why) != 0) {
		strbuf_printf(&nb, "The walker numbers could not be moved: %s\n",
		              why != NULL ? why : "refused");
		free(why);
	}
	if (notes != NULL && nb.len > 0)
		*notes = strbuf_take(&nb);
	strbuf_free(&nb);
	return 0;
}
