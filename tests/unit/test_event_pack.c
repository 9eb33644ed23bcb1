/* test_event_pack.c — the event pack on real ledgers: made from station 1,
 * written whole and 0600, read back to the same fields, joined by station 2
 * with the same badge key (a badge of either station verifies on both), the
 * settings and walker-base copied; every kind of bad pack and bad join
 * refused with a sentence naming the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"
#include <sqlite3.h>

#include "event_pack.h"
#include "ledger.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

struct fixture {
	char dir[64];
	char *path1, *path2;
	struct ledger *l1, *l2; /* station 1 (with the event), station 2 (empty) */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct ledger_init in = {
	    "Walk Against Traffick", "Jackson, MS", "2026-05-02", NULL, 250000, NULL};
	char *cause = NULL;
	uint32_t id;

	snprintf(f->dir, sizeof f->dir, "/tmp/wat-test-pack-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->path1 = xasprintf("%s/t1.db", f->dir);
	f->path2 = xasprintf("%s/t2.db", f->dir);
	if (ledger_open(f->path1, &f->l1, &cause) != 0 ||
	    ledger_open(f->path2, &f->l2, &cause) != 0)
		return -1;
	if (ledger_init_event(f->l1, &in, "test", &cause) != 0 ||
	    ledger_set(f->l1, "lap-length", "400", "test", &cause) != 0 ||
	    ledger_set(f->l1, "org-name", "Hard Places \"Community\"", "test", &cause) != 0 ||
	    ledger_set(f->l1, "premium-value", "5", "test", &cause) != 0 ||
	    ledger_walker_add(f->l1, "María López", NULL, NULL, NULL, NULL, "test", &id, &cause) !=
	        0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc = tmpdir_remove(f->dir);

	ledger_free(f->l1);
	ledger_free(f->l2);
	free(f->path1);
	free(f->path2);
	free(f);
	return rc == 0 ? 0 : -1;
}

static void
make_pack(struct fixture *f, struct event_pack *p)
{
	char *cause = NULL;

	assert_int_equal(event_pack_from_ledger(f->l1, p, &cause), 0);
}

/* parse must refuse text with a sentence containing words */
static void
refused(const char *text, const char *words)
{
	struct event_pack p;
	char *cause = NULL;

	assert_int_equal(event_pack_parse(text, strlen(text), &p, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, words) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, words);
	free(cause);
	assert_null(p.station);
	assert_null(p.name);
}

static void
test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct event_pack p, q;
	struct badge_event be;
	char *text, *cause = NULL;

	make_pack(f, &p);
	assert_string_equal(p.station, "T1");
	assert_string_equal(p.name, "Walk Against Traffick");
	assert_string_equal(p.city, "Jackson, MS");
	assert_string_equal(p.date, "2026-05-02");
	assert_int_equal(ledger_badge_key(f->l1, &be, NULL), 0);
	assert_memory_equal(&p.badge, &be, sizeof be);
	assert_string_equal(p.settings[0], "2500.00"); /* goal */
	assert_string_equal(p.settings[1], "400 m");   /* lap-length */
	assert_string_equal(p.settings[5], "Hard Places \"Community\"");
	assert_string_equal(p.settings[8], "5.00"); /* premium-value */
	assert_null(p.settings[6]);                 /* org-ein: not set */

	text = event_pack_format(&p);
	assert_non_null(strstr(text, "{\"format\":\"wat-event-pack/1\",\"station\":\"T1\","
	                             "\"event\":{\"name\":\"Walk Against Traffick\",\"city\":"
	                             "\"Jackson, MS\",\"date\":\"2026-05-02\",\"tag\":\""));
	assert_non_null(
	    strstr(text, "\"settings\":{\"goal\":\"2500.00\",\"lap-length\":\"400 m\","));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(event_pack_parse(text, strlen(text), &q, &cause), 0);
	assert_string_equal(q.station, p.station);
	assert_string_equal(q.name, p.name);
	assert_string_equal(q.city, p.city);
	assert_string_equal(q.date, p.date);
	assert_memory_equal(&q.badge, &p.badge, sizeof p.badge);
	for (size_t i = 0; i < EVENT_PACK_SETTINGS; i++) {
		if (p.settings[i] == NULL)
			assert_null(q.settings[i]);
		else
			assert_string_equal(q.settings[i], p.settings[i]);
	}
	util_wipe(text, strlen(text));
	free(text);
	event_pack_clear(&p);
	event_pack_clear(&q);
	assert_null(p.station);
}

static void
test_refusals(void **state)
{
	static const char key[] =
	    "\"badge_key\":\"00112233445566778899aabbccddeeff00112233445566778899"
	    "aabbccddeeff\"";
	char text[600];

	refused("", "not the JSON text");
	refused("PK\003\004", "not the JSON text");
	refused("[1,2]", "not the JSON text");
	refused("{\"format\":\"wat-event-pack/1\",}", "not the JSON text");
	refused("{\"station\":\"T1\"}", "no \"format\"");
	refused("{\"format\":\"wat-bundle/1\"}", "its format is \"wat-bundle/1\"");
	refused("{\"format\":\"wat-event-pack/2\"}", "another version (wat-event-pack/2)");
	refused("{\"format\":\"wat-event-pack/1\",\"event\":{\"name\":\"W\"}}",
	        "the station that made it is missing");
	refused("{\"format\":\"wat-event-pack/1\",\"station\":\"T1\",\"event\":{\"name\":\"\"}}",
	        "the event's name is missing");
	refused("{\"format\":\"wat-event-pack/1\",\"station\":\"T1\",\"event\":{\"name\":\"W\","
	        "\"tag\":\"k7qf\"}}",
	        "badge tag");
	refused("{\"format\":\"wat-event-pack/1\",\"station\":\"T1\",\"event\":{\"name\":\"W\","
	        "\"tag\":\"K7QI\"}}",
	        "badge tag"); /* I is not Crockford base32 */
	refused("{\"format\":\"wat-event-pack/1\",\"station\":\"T1\",\"event\":{\"name\":\"W\","
	        "\"tag\":\"K7QF\"},\"badge_key\":\"00ff\"}",
	        "badge key");
	refused("{\"format\":\"wat-event-pack/1\",\"station\":\"T1\",\"event\":{\"name\":\"W\","
	        "\"tag\":\"K7QF\"}}",
	        "badge key");
	snprintf(text, sizeof text,
	         "{\"format\":\"wat-event-pack/1\",\"station\":\"T1\",\"event\":{\"name\":\"W\","
	         "\"tag\":\"K7QF\"},%s}",
	         key);
	text[strlen(text) - 3] = 'G'; /* not hex */
	refused(text, "badge key");
}

static void
test_parse_lenient_where_harmless(void **state)
{
	struct event_pack p;
	char *cause = NULL;
	/* no city, date or settings; a number where a string is expected; an
	 * empty setting is no setting; unknown members are ignored */
	const char *text =
	    "{\"format\":\"wat-event-pack/1\",\"station\":\"T1\",\"extra\":[1],\"event\":{\"name\":"
	    "\"W\",\"tag\":\"K7QF\"},\"badge_key\":"
	    "\"00112233445566778899aabbccddeeff0011223344556677"
	    "8899aabbccddeeff\",\"settings\":{\"goal\":2500,\"org-name\":\"\"}}";

	assert_int_equal(event_pack_parse(text, strlen(text), &p, &cause), 0);
	assert_string_equal(p.city, "");
	assert_string_equal(p.date, "");
	assert_string_equal(p.badge.tag, "K7QF");
	assert_int_equal(p.badge.key[1], 0x11);
	assert_string_equal(p.settings[0], "2500");
	assert_null(p.settings[5]);
	event_pack_clear(&p);
}

static void
test_write_load(void **state)
{
	struct fixture *f = *state;
	struct event_pack p, q;
	struct event_pack_secret key, other;
	struct stat st;
	char *name, *path, *text, *data = NULL, *cause = NULL, *missing;
	unsigned char *sealed;
	size_t len = 0, slen;

	make_pack(f, &p);
	event_pack_secret_new(&key);
	event_pack_secret_new(&other);
	name = event_pack_file_name(&p);
	assert_string_equal(name, "wat-jackson-ms-2026-05-02-event.pack");
	assert_int_equal(event_pack_write(&p, f->dir, name, &key, &cause), 0);
	path = xasprintf("%s/%s", f->dir, name);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = event_pack_format(&p);
	assert_int_equal(util_read_file(path, 2 * EVENT_PACK_MAX, &data, &len, NULL), 0);
	/* sealed: nothing of the event in clear */
	assert_int_equal(len, 18 + 8 + 24 + 16 + strlen(text));
	assert_memory_equal(data, "WAT-SEALED-PACK/1\n", 18);
	assert_null(memmem(data, len, p.name, strlen(p.name)));
	assert_null(memmem(data, len, p.badge.tag, strlen(p.badge.tag)));
	assert_null(memmem(data, len, "wat-event-pack", 14));
	assert_int_equal(event_pack_load(path, &key, &q, &cause), 0);
	assert_string_equal(q.name, p.name);
	assert_memory_equal(&q.badge, &p.badge, sizeof p.badge);
	event_pack_clear(&q);

	/* a folder that is not there (a pulled stick): refused, nothing written */
	missing = xasprintf("%s/no-stick", f->dir);
	assert_int_equal(event_pack_write(&p, missing, name, &key, &cause), -1);
	assert_non_null(strstr(cause, "does not exist"));
	free(cause);
	cause = NULL;
	assert_int_not_equal(access(missing, F_OK), 0);

	/* another key: refused as such */
	assert_int_equal(event_pack_load(path, &other, &q, &cause), -1);
	assert_non_null(strstr(cause, "cannot be used"));
	assert_non_null(strstr(cause, "key is not this pack's"));
	free(cause);
	cause = NULL;
	/* one byte changed anywhere after the key check: refused as changed */
	for (size_t at = 26; at < len; at += 7) {
		data[at] ^= 0x20;
		assert_int_equal(util_write_file(f->dir, "changed.pack", data, len, 0600, NULL), 0);
		data[at] ^= 0x20;
		free(path);
		path = xasprintf("%s/changed.pack", f->dir);
		assert_int_equal(event_pack_load(path, &key, &q, &cause), -1);
		assert_non_null(strstr(cause, "changed or damaged"));
		free(cause);
		cause = NULL;
	}
	/* cut short */
	assert_int_equal(util_write_file(f->dir, "cut.pack", data, 40, 0600, NULL), 0);
	free(path);
	path = xasprintf("%s/cut.pack", f->dir);
	assert_int_equal(event_pack_load(path, &key, &q, &cause), -1);
	assert_non_null(strstr(cause, "cut short"));
	free(cause);
	cause = NULL;

	/* a clear pack (older software) is refused, not trusted */
	free(path);
	path = xasprintf("%s/clear.pack", f->dir);
	assert_int_equal(util_write_file(f->dir, "clear.pack", text, strlen(text), 0600, NULL), 0);
	assert_int_equal(event_pack_load(path, &key, &q, &cause), -1);
	assert_non_null(strstr(cause, "clear.pack cannot be used"));
	assert_non_null(strstr(cause, "not sealed"));
	free(cause);
	cause = NULL;

	/* a sealed text that is not a pack names what is wrong */
	free(path);
	path = xasprintf("%s/broken.pack", f->dir);
	text[strlen(text) / 2] = '\0';
	event_pack_seal(text, strlen(text), &key, &sealed, &slen);
	assert_int_equal(util_write_file(f->dir, "broken.pack", sealed, slen, 0600, NULL), 0);
	free(sealed);
	assert_int_equal(event_pack_load(path, &key, &q, &cause), -1);
	assert_non_null(strstr(cause, "broken.pack cannot be used"));
	assert_non_null(strstr(cause, "not the JSON text"));
	free(cause);
	cause = NULL;
	free(path);
	path = xasprintf("%s/none.pack", f->dir);
	assert_int_equal(event_pack_load(path, &key, &q, &cause), -1);
	assert_non_null(strstr(cause, "none.pack"));
	free(cause);

	free(missing);
	free(data);
	free(text);
	free(path);
	free(name);
	event_pack_clear(&p);
}

static void
test_file_name(void **state)
{
	struct event_pack p;
	char *name;

	memset(&p, 0, sizeof p);
	p.city = "Saint-Étienne / Nord";
	p.date = "2026-05-02";
	name = event_pack_file_name(&p);
	assert_string_equal(name, "wat-saint-tienne-nord-2026-05-02-event.pack");
	free(name);
	p.city = "";
	name = event_pack_file_name(&p);
	assert_string_equal(name, "wat-x-2026-05-02-event.pack");
	free(name);
}

static void
test_join(void **state)
{
	struct fixture *f = *state;
	struct event_pack p;
	struct ledger_event e1, e2;
	struct ledger_scan sc;
	char *cause = NULL, *notes = NULL, code[BADGE_CODE_MAX];
	uint32_t id = 0;

	make_pack(f, &p);
	free(p.settings[6]);
	p.settings[6] = xstrdup("not an EIN"); /* refused by the ledger: a note, not a failure */
	assert_int_equal(event_pack_join(f->l2, &p, "t3", "200000", "test", &notes, &cause), 0);
	assert_non_null(notes);
	assert_non_null(strstr(notes, "Setting org-ein was not copied: "));
	free(notes);
	notes = NULL;
	assert_int_equal(ledger_event(f->l1, &e1), 0);
	assert_int_equal(ledger_event(f->l2, &e2), 0);
	assert_string_equal(e2.station, "T3");
	assert_string_equal(e2.event_tag, e1.event_tag);
	assert_string_equal(e2.name, e1.name);
	assert_string_equal(e2.city, e1.city);
	assert_string_equal(e2.date, e1.date);
	assert_int_equal(e2.goal_cents, 250000);
	assert_int_equal(e2.lap.milli, 400000);
	assert_int_equal(e2.lap.unit, SETTING_M);
	assert_string_equal(e2.org_name, "Hard Places \"Community\"");
	assert_int_equal(e2.premium_cents, 500);

	/* a badge of station 1 verifies on station 2, and the other way */
	assert_int_equal(ledger_badge_code(f->l1, 1, code, sizeof code, &cause), 0);
	assert_int_equal(ledger_scan(f->l2, code, strlen(code), -1, "test", &sc, &cause), 0);
	assert_int_equal(sc.badge, BADGE_OK);
	assert_int_equal(sc.walker, 1);
	assert_int_equal(
	    ledger_walker_add(f->l2, "Bob", NULL, NULL, NULL, NULL, "test", &id, &cause), 0);
	assert_int_equal(id, 200001); /* above walker-base */
	assert_int_equal(ledger_badge_code(f->l2, id, code, sizeof code, &cause), 0);
	assert_int_equal(ledger_scan(f->l1, code, strlen(code), -1, "test", &sc, &cause), 0);
	assert_int_equal(sc.badge, BADGE_OK);

	/* joined once: the ledger is not empty any more */
	assert_int_equal(event_pack_join(f->l2, &p, "T4", "300000", "test", &notes, &cause), -1);
	assert_non_null(strstr(cause, "already holds the event"));
	assert_null(notes);
	free(cause);
	event_pack_clear(&p);
}

/* The waiver, its version and full-names travel with the pack: the longest
 * waiver (600 characters of 4 bytes each) whole, through the sealed file. */
static void
test_join_waiver(void **state)
{
	struct fixture *f = *state;
	struct event_pack p, q;
	struct event_pack_secret key;
	struct ledger_event e2;
	struct strbuf w = STRBUF_INIT;
	char *text, *opened = NULL, *cause = NULL, *notes = NULL;
	unsigned char *sealed;
	size_t slen, tlen = 0;

	strbuf_puts(&w, "I agree \"to\" walk, ");
	while (text_length(w.s) < 600)
		strbuf_puts(&w, "\xf0\x9f\x9a\xb6"); /* U+1F6B6, 4 bytes */
	assert_int_equal(text_length(w.s), 600);
	if (ledger_set(f->l1, "waiver", w.s, "test", &cause) != 0 ||
	    ledger_set(f->l1, "waiver-version", "2026-1", "test", &cause) != 0 ||
	    ledger_set(f->l1, "full-names", "1", "test", &cause) != 0)
		fail_msg("%s", cause);
	make_pack(f, &p);
	assert_string_equal(p.settings[9], w.s); /* waiver, whole */
	assert_string_equal(p.settings[10], "2026-1");
	assert_string_equal(p.settings[11], "1");
	text = event_pack_format(&p);
	assert_true(strlen(text) < EVENT_PACK_MAX / 8);
	event_pack_secret_new(&key);
	event_pack_seal(text, strlen(text), &key, &sealed, &slen);
	assert_int_equal(event_pack_open(sealed, slen, &key, &opened, &tlen, &cause), 0);
	assert_int_equal(event_pack_parse(opened, tlen, &q, &cause), 0);
	assert_int_equal(event_pack_join(f->l2, &q, "T2", "100000", "test", &notes, &cause), 0);
	assert_null(notes);
	assert_int_equal(ledger_event(f->l2, &e2), 0);
	assert_string_equal(e2.waiver, w.s);
	assert_string_equal(e2.waiver_version, "2026-1");
	assert_int_equal(e2.full_names, 1);
	util_wipe(text, strlen(text));
	free(text);
	util_wipe(opened, tlen);
	free(opened);
	free(sealed);
	strbuf_free(&w);
	event_pack_clear(&p);
	event_pack_clear(&q);
}

/* A pack made before the waiver travelled still joins: the new station
 * keeps its defaults for what the pack does not say. */
static void
test_join_older_pack(void **state)
{
	struct fixture *f = *state;
	struct event_pack p;
	struct ledger_event e2;
	char *cause = NULL, *notes = NULL;
	const char *text =
	    "{\"format\":\"wat-event-pack/1\",\"station\":\"T1\",\"event\":{\"name\":\"Walk\","
	    "\"city\":\"Jackson, MS\",\"date\":\"2026-05-02\",\"tag\":\"3ATP\"},\"badge_key\":"
	    "\"8f3a0c6e1b2d4f5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2\",\"settings\":"
	    "{\"goal\":\"2500.00\",\"lap-length\":\"400\",\"min-lap\":\"60\",\"holdoff\":\"5\","
	    "\"max-donation\":\"10000.00\",\"org-name\":\"Hard Places\",\"premium-desc\":"
	    "\"T-shirt\",\"premium-value\":\"5.00\"}}";

	assert_int_equal(event_pack_parse(text, strlen(text), &p, &cause), 0);
	assert_null(p.settings[9]);
	assert_null(p.settings[10]);
	assert_null(p.settings[11]);
	assert_int_equal(event_pack_join(f->l2, &p, "T2", "100000", "test", &notes, &cause), 0);
	assert_null(notes);
	assert_int_equal(ledger_event(f->l2, &e2), 0);
	assert_int_equal(e2.goal_cents, 250000);
	assert_string_equal(e2.waiver, "");
	assert_string_equal(e2.waiver_version, "1");
	assert_int_equal(e2.full_names, 0);
	event_pack_clear(&p);
}

static void
test_join_refusals(void **state)
{
	struct fixture *f = *state;
	struct event_pack p;
	char *cause = NULL, *notes = NULL;

	make_pack(f, &p);
	/* the pack's own station, however it is written */
	assert_int_equal(event_pack_join(f->l2, &p, "t1", "100000", "test", &notes, &cause),
	                 EVENT_PACK_SAME_STATION);
	assert_string_equal(cause, "This pack comes from station T1: the station that joins needs "
	                           "another id (e.g. T2).");
	free(cause);
	cause = NULL;
	/* ids watctl init refuses, in its words */
	assert_int_equal(event_pack_join(f->l2, &p, "T 2", "100000", "test", &notes, &cause), -1);
	assert_non_null(strstr(cause, "may use only letters, digits and '-'"));
	free(cause);
	cause = NULL;
	assert_int_equal(event_pack_join(f->l2, &p, "-rf", "100000", "test", &notes, &cause), -1);
	assert_non_null(strstr(cause, "starts and ends with a letter or digit"));
	free(cause);
	cause = NULL;
	/* walker numbers that would be the first station's, or none at all */
	assert_int_equal(event_pack_join(f->l2, &p, "T2", "-1", "test", &notes, &cause), -1);
	assert_non_null(strstr(cause, "from 1 to 900000"));
	free(cause);
	cause = NULL;
	assert_int_equal(event_pack_join(f->l2, &p, "T2", "0", "test", &notes, NULL), -1);
	assert_int_equal(event_pack_join(f->l2, &p, "T2", "999999", "test", &notes, NULL), -1);
	assert_int_equal(
	    event_pack_join(f->l2, &p, "T23456789012345678", NULL, "test", &notes, &cause), -1);
	assert_non_null(strstr(cause, "too long"));
	free(cause);
	cause = NULL;
	assert_false(ledger_has_event(f->l2)); /* nothing was recorded */
	event_pack_clear(&p);
}

static void
test_join_not_empty(void **state)
{
	struct fixture *f = *state;
	struct event_pack p;
	sqlite3 *db;
	char *cause = NULL;

	/* a ledger with an entry but no event (only ever by hand) */
	ledger_free(f->l2);
	f->l2 = NULL;
	assert_int_equal(sqlite3_open(f->path2, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO entries(seq, kind, wall_ms, mono_ms, boot, op, "
	                              "line, hash) VALUES (1, 'pin-fail', 0, 0, 'b', 'x', '{}', "
	                              "x'00')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ledger_open(f->path2, &f->l2, &cause), 0);
	make_pack(f, &p);
	assert_int_equal(event_pack_join(f->l2, &p, "T2", "100000", "test", NULL, &cause), -1);
	assert_string_equal(cause, "This station's ledger is not empty (it holds 1 entry): only a "
	                           "new, empty ledger can join an event.");
	free(cause);
	event_pack_clear(&p);
}

static void
test_station_ids(void **state)
{
	char b[32];

	event_pack_next_station("T1", b, sizeof b);
	assert_string_equal(b, "T2");
	event_pack_next_station("T9", b, sizeof b);
	assert_string_equal(b, "T10");
	event_pack_next_station("lap-3", b, sizeof b);
	assert_string_equal(b, "LAP-4");
	event_pack_next_station("WELCOME", b, sizeof b);
	assert_string_equal(b, "T2");
	event_pack_next_station("", b, sizeof b);
	assert_string_equal(b, "T2");
	event_pack_next_station("ABCDEFGHIJKLMNO9", b, sizeof b); /* T10 would be too long */
	assert_string_equal(b, "T2");
	event_pack_next_station("T99999999999", b, sizeof b);
	assert_string_equal(b, "T2");

	event_pack_walker_base("T2", b, sizeof b);
	assert_string_equal(b, "100000");
	event_pack_walker_base("t3", b, sizeof b);
	assert_string_equal(b, "200000");
	event_pack_walker_base("T10", b, sizeof b);
	assert_string_equal(b, "900000");
	event_pack_walker_base("T11", b, sizeof b);
	assert_string_equal(b, "100000");
	event_pack_walker_base("T1", b, sizeof b);
	assert_string_equal(b, "100000");
	event_pack_walker_base("LAP", b, sizeof b);
	assert_string_equal(b, "100000");
}

/* The key as shown and typed: round trip, every one-character mistake named
 * by its group, groups swapped caught, forgiving of case, O/0, I/L/1. */
static void
test_key_text(void **state)
{
	struct event_pack_secret key, back;
	char words[EVENT_PACK_KEYTEXT_MAX], qr[EVENT_PACK_KEYTEXT_MAX],
	    typed[EVENT_PACK_KEYTEXT_MAX];
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	char *cause = NULL;

	for (int round = 0; round < 50; round++) {
		event_pack_secret_new(&key);
		event_pack_secret_format(&key, 0, words);
		event_pack_secret_format(&key, 1, qr);
		assert_int_equal(strlen(words), 7 * 5 + 6);
		assert_int_equal(strncmp(qr, "WATPACK:", 8), 0);
		assert_string_equal(qr + 8, words);
		/* QR alphanumeric characters only: any scanner types it right */
		assert_int_equal(strspn(qr, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"),
		                 strlen(qr));
		assert_int_equal(event_pack_secret_parse(words, &back, &cause), 0);
		assert_memory_equal(key.k, back.k, sizeof key.k);
		assert_int_equal(event_pack_secret_parse(qr, &back, &cause), 0);
		assert_memory_equal(key.k, back.k, sizeof key.k);
		/* typed loosely: lower case, spaces for dashes, o for 0, l for 1 */
		for (size_t i = 0; i <= strlen(words); i++) {
			char c = words[i];
			typed[i] = c == '-'                 ? ' '
			           : c == '0'               ? 'o'
			           : c == '1'               ? 'l'
			           : (c >= 'A' && c <= 'Z') ? (char)(c + 32)
			                                    : c;
		}
		assert_int_equal(event_pack_secret_parse(typed, &back, &cause), 0);
		assert_memory_equal(key.k, back.k, sizeof key.k);
		/* every single character changed to every other: refused, naming its group */
		for (size_t i = 0; i < strlen(words); i++) {
			if (words[i] == '-')
				continue;
			for (size_t j = 0; j < 32; j++) {
				char want[16];
				if (b32[j] == words[i])
					continue;
				strcpy(typed, words);
				typed[i] = b32[j];
				assert_int_equal(event_pack_secret_parse(typed, &back, &cause), -1);
				snprintf(want, sizeof want, "Group %zu ", i / 6 + 1);
				if (strstr(cause, want) == NULL)
					fail_msg("%s: %s", typed, cause);
				free(cause);
				cause = NULL;
			}
		}
		/* two groups swapped */
		strcpy(typed, words);
		memcpy(typed, words + 6, 5);
		memcpy(typed + 6, words, 5);
		assert_int_equal(event_pack_secret_parse(typed, &back, &cause), -1);
		free(cause);
		cause = NULL;
	}
	/* too short, a letter never used */
	assert_int_equal(event_pack_secret_parse("ABCDE-FGHJK", &back, &cause), -1);
	assert_non_null(strstr(cause, "7 groups of 5"));
	free(cause);
	cause = NULL;
	strcpy(typed, words);
	typed[2] = 'U';
	assert_int_equal(event_pack_secret_parse(typed, &back, &cause), -1);
	assert_non_null(strstr(cause, "never in one"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_key_text),
	    cmocka_unit_test(test_parse_lenient_where_harmless),
	    cmocka_unit_test_setup_teardown(test_write_load, setup, teardown),
	    cmocka_unit_test(test_file_name),
	    cmocka_unit_test_setup_teardown(test_join, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_join_waiver, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_join_older_pack, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_join_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_join_not_empty, setup, teardown),
	    cmocka_unit_test(test_station_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
