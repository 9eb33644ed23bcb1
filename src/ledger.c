/* ledger.c — the append-only ledger on sqlite (see ledger.h, docs/FORMATS.md).
 *
 * Layout: `entries` is the ledger proper: one row per entry, its canonical
 * JSON `line` and the BLAKE2b-256 hash chaining it to the previous one; triggers
 * refuse UPDATE and DELETE.  `walkers`, `counters`, `settings` and `annulled`
 * are derived: every entry is "applied" to them by SQL that reads the entry's
 * own row, in the same transaction, and ledger_rebuild replays the entries
 * through the same code.  Only this file includes sqlite. */
#include "ledger.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

#define LEDGER_SCHEMA_VERSION 2
#define LEDGER_MAX_STMTS      96

struct ledger_stmt {
	const char *sql; /* identity: the literal's address */
	sqlite3_stmt *stmt;
};

struct ledger {
	sqlite3 *db;
	char *path;
	struct ledger_stmt stmts[LEDGER_MAX_STMTS];
	size_t nstmts;
	int in_tx;
	int batch; /* inside ledger_batch: one transaction for many calls */

	/* the head of the chain, as committed */
	int64_t last_seq;
	unsigned char last_hash[LEDGER_HASH_LEN];
	int64_t last_wall_ms;
	/* the head while a transaction is open */
	int64_t tx_seq;
	unsigned char tx_hash[LEDGER_HASH_LEN];

	int has_event;
	struct ledger_event ev;
	struct badge_event badge;

	void (*clock)(struct stamp *, void *);
	void *clock_arg;
	char doubt[160];
};

/* ---- schema ------------------------------------------------------------ */

/* Version 1: the ledger itself.  Never changes shape: what HQ receives. */
static const char ledger_schema_v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE secrets(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE entries("
    " seq INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " walker INTEGER,"
    " ref INTEGER,"
    " amount INTEGER,"
    " wall_ms INTEGER NOT NULL,"
    " mono_ms INTEGER NOT NULL,"
    " boot TEXT NOT NULL,"
    " op TEXT NOT NULL,"
    " line TEXT NOT NULL,"
    " hash BLOB NOT NULL);"
    "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN"
    " SELECT RAISE(ABORT, 'the ledger is append-only: entries are never changed'); END;"
    "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN"
    " SELECT RAISE(ABORT, 'the ledger is append-only: entries are never deleted'); END;"
    "CREATE TRIGGER entries_in_order BEFORE INSERT ON entries"
    " WHEN NEW.seq IS NOT (SELECT IFNULL(MAX(seq), 0) + 1 FROM entries) BEGIN"
    " SELECT RAISE(ABORT, 'ledger entries must be numbered without gaps'); END;";

/* Version 2: derived tables, rebuilt from the entries by the migration. */
static const char ledger_schema_v2[] =
    "CREATE INDEX entries_walker ON entries(walker, seq) WHERE walker IS NOT NULL;"
    "CREATE INDEX entries_kind ON entries(kind, seq);"
    "CREATE TABLE annulled(seq INTEGER PRIMARY KEY, by_seq INTEGER NOT NULL);"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE counters(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE walkers("
    " id INTEGER PRIMARY KEY,"
    " name TEXT, team TEXT, email TEXT, phone TEXT, ext_id TEXT,"
    " fold TEXT NOT NULL DEFAULT '',"
    " reg_seq INTEGER NOT NULL DEFAULT 0,"
    " active INTEGER NOT NULL DEFAULT 0,"
    " checkin_seq INTEGER NOT NULL DEFAULT 0,"
    " laps INTEGER NOT NULL DEFAULT 0,"
    " raised INTEGER NOT NULL DEFAULT 0,"
    " scan_wall INTEGER, scan_mono INTEGER, scan_boot TEXT,"
    " lap_wall INTEGER, lap_mono INTEGER, lap_boot TEXT);"
    "CREATE INDEX walkers_ext ON walkers(ext_id) WHERE ext_id IS NOT NULL;"
    "CREATE INDEX walkers_fold ON walkers(fold);";

/* The counters table's keys and where each lands in struct ledger_totals. */
static const struct ledger_counter {
	const char *key;
	size_t off;
} ledger_counters[] = {
    {"walkers", offsetof(struct ledger_totals, walkers)},
    {"checked_in", offsetof(struct ledger_totals, checked_in)},
    {"laps", offsetof(struct ledger_totals, laps)},
    {"manual_laps", offsetof(struct ledger_totals, manual_laps)},
    {"donations", offsetof(struct ledger_totals, donations)},
    {"cash", offsetof(struct ledger_totals, cash_cents)},
    {"check", offsetof(struct ledger_totals, check_cents)},
    {"other", offsetof(struct ledger_totals, other_cents)},
    {"checks", offsetof(struct ledger_totals, checks)},
    {"annulled", offsetof(struct ledger_totals, annulled)},
};

static int ledger_rebuild_locked(struct ledger *, char **);
static int ledger_load(struct ledger *, char **);

/* ---- sqlite plumbing ---------------------------------------------------- */

/* A plain sentence for a sqlite failure: what is wrong, then what it means
 * for the entry (`what`), or for opening the ledger when what is NULL. */
static int
ledger_db_fail(struct ledger *l, char **cause, const char *what)
{
	int code = sqlite3_extended_errcode(l->db) & 0xff;
	char *problem, *effect;

	switch (code) {
	case SQLITE_FULL: problem = xstrdup("The disk is full"); break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		problem = xasprintf("The ledger %s is in use by another program (is the kiosk "
		                    "running?)",
		                    l->path);
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		problem = xasprintf("The ledger %s cannot be written (read-only or no permission)",
		                    l->path);
		break;
	case SQLITE_IOERR:
		problem = xstrdup("The disk could not be written (I/O error; check the card)");
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: problem = xasprintf("%s is damaged or is not a ledger", l->path); break;
	default:
		problem = xasprintf("The ledger %s failed (%s)", l->path, sqlite3_errmsg(l->db));
		break;
	}
	if (what != NULL)
		effect = xasprintf(": %s was NOT recorded. Fix that and try again.", what);
	else
		effect = xstrdup(".");
	util_fail(cause, "%s%s", problem, effect);
	free(problem);
	free(effect);
	return -1;
}

/* A cached prepared statement, reset and with bindings cleared. */
static sqlite3_stmt *
ledger_stmt(struct ledger *l, const char *sql)
{
	size_t i;
	sqlite3_stmt *st;

	for (i = 0; i < l->nstmts; i++) {
		if (l->stmts[i].sql == sql) {
			sqlite3_reset(l->stmts[i].stmt);
			sqlite3_clear_bindings(l->stmts[i].stmt);
			return l->stmts[i].stmt;
		}
	}
	if (sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	if (l->nstmts < LEDGER_MAX_STMTS) {
		l->stmts[l->nstmts].sql = sql;
		l->stmts[l->nstmts].stmt = st;
		l->nstmts++;
	}
	return st;
}

static void
ledger_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Runs a statement with integer parameters; -1 on error. */
static int
ledger_exec_i(struct ledger *l, const char *sql, int n, const int64_t *args)
{
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int i, rc;

	if (st == NULL)
		return -1;
	for (i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, args[i]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
ledger_exec1(struct ledger *l, const char *sql, int64_t a)
{
	return ledger_exec_i(l, sql, 1, &a);
}

/* One integer from a query with integer parameters; def when no row. */
static int64_t
ledger_query_i(struct ledger *l, const char *sql, int n, const int64_t *args, int64_t def)
{
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int64_t v = def;
	int i;

	if (st == NULL)
		return def;
	for (i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, args[i]);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

static int
ledger_exec_script(struct ledger *l, const char *sql, char **cause)
{
	char *err = NULL;

	if (sqlite3_exec(l->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		util_fail(cause, "The ledger %s could not be set up: %s.", l->path,
		          err ? err : "unknown error");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* wat_fold(text): the search key, so SQL can maintain walkers.fold. */
static void
ledger_sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	char *f;

	if (s == NULL) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	f = text_fold((const char *)s);
	sqlite3_result_text(ctx, f, -1, free);
}

static int
ledger_tx_begin(struct ledger *l, char **cause, const char *what)
{
	if (l->batch)
		return 0;
	if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, what);
	l->in_tx = 1;
	l->tx_seq = l->last_seq;
	memcpy(l->tx_hash, l->last_hash, LEDGER_HASH_LEN);
	return 0;
}

static void
ledger_tx_rollback(struct ledger *l)
{
	if (l->in_tx)
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	l->in_tx = 0;
	l->batch = 0;
	ledger_load(l, NULL);
}

/* COMMIT; only after it returns is the entry acknowledged. */
static int
ledger_tx_commit(struct ledger *l, char **cause, const char *what)
{
	if (l->batch)
		return 0;
	if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, what);
		ledger_tx_rollback(l);
		return -1;
	}
	l->in_tx = 0;
	l->last_seq = l->tx_seq;
	memcpy(l->last_hash, l->tx_hash, LEDGER_HASH_LEN);
	return 0;
}

int
ledger_batch_begin(struct ledger *l, char **cause)
{
	if (l->batch)
		return util_fail(cause, "Internal error: a batch is already open.");
	if (ledger_tx_begin(l, cause, "the batch") != 0)
		return -1;
	l->batch = 1;
	return 0;
}

int
ledger_batch_end(struct ledger *l, int commit, char **cause)
{
	if (!l->batch)
		return util_fail(cause, "Internal error: no batch is open.");
	if (!commit) {
		ledger_tx_rollback(l);
		return 0;
	}
	l->batch = 0;
	return ledger_tx_commit(l, cause, "the batch");
}

/* ---- settings ------------------------------------------------------------ */

enum ledger_stype {
	LS_TEXT,
	LS_DATE,
	LS_MONEY,
	LS_SECONDS,
	LS_METRES,
	LS_ROLE,
	LS_EIN,
	LS_COUNT,
	LS_PAPER,
};

struct ledger_setting {
	const char *key;
	enum ledger_stype type;
	int64_t min, max; /* characters for text; the value otherwise */
	const char *label;
};

/* Every key ledger_set accepts; canonical values are stored as text. */
static const struct ledger_setting ledger_settings[] = {
    {"name", LS_TEXT, 1, 100, "event name"},
    {"city", LS_TEXT, 1, 60, "city"},
    {"date", LS_DATE, 0, 0, "event date"},
    {"goal", LS_MONEY, 0, 100000000000, "fundraising goal"},
    {"lap-length", LS_METRES, 0, 100000, "lap length"},
    {"min-lap", LS_SECONDS, 0, 3600, "minimum lap time"},
    {"holdoff", LS_SECONDS, 0, 600, "scan hold-off"},
    {"max-donation", LS_MONEY, 100, 100000000, "largest donation"},
    {"org-name", LS_TEXT, 0, 120, "organisation's legal name"},
    {"org-ein", LS_EIN, 0, 0, "organisation's EIN"},
    {"premium-desc", LS_TEXT, 0, 60, "premium description"},
    {"premium-value", LS_MONEY, 0, 100000, "premium value"},
    {"role", LS_ROLE, 0, 0, "station role"},
    {"walker-base", LS_COUNT, 0, 900000, "first walker number of this station"},
    {"printer", LS_TEXT, 0, 127, "printer queue"},
    {"paper", LS_PAPER, 0, 0, "receipt paper"},
};

static const struct ledger_setting *
ledger_setting_find(const char *key)
{
	size_t i;

	for (i = 0; i < nitems(ledger_settings); i++)
		if (strcmp(ledger_settings[i].key, key) == 0)
			return &ledger_settings[i];
	return NULL;
}

static int
ledger_parse_count(const char *s, int64_t *v)
{
	char *end;
	long long n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*v = n;
	return 0;
}

/* "400", "400m", "0.4km", "0.25mi", "0.25 mile" → metres. */
static int
ledger_parse_metres(const char *s, int64_t *m)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || v < 0 || v != v)
		return -1;
	while (*end == ' ')
		end++;
	if (*end == '\0' || strcmp(end, "m") == 0)
		;
	else if (strcmp(end, "km") == 0)
		v *= 1000;
	else if (strcmp(end, "mi") == 0 || strcmp(end, "mile") == 0 || strcmp(end, "miles") == 0)
		v *= 1609.344;
	else
		return -1;
	*m = (int64_t)(v + 0.5);
	return 0;
}

static int
ledger_setting_canon(const struct ledger_setting *s, const char *value, char **out, char **cause)
{
	int64_t v = 0;
	char *copy = xstrdup(value), *t = text_trim(copy);
	size_t n;
	int rc = -1;

	switch (s->type) {
	case LS_TEXT:
		n = text_length(t);
		if (!text_valid_utf8(t, strlen(t)) || strpbrk(t, "\r\n\t") != NULL)
			util_fail(cause, "The %s must be plain text on one line.", s->label);
		else if ((int64_t)n < s->min)
			util_fail(cause, "The %s cannot be empty.", s->label);
		else if ((int64_t)n > s->max)
			util_fail(cause,
			          "The %s is too long (%zu characters; at most %" PRId64 ").",
			          s->label, n, s->max);
		else {
			*out = xstrdup(t);
			rc = 0;
		}
		break;
	case LS_DATE:
		if (stamp_parse_date(t) < 0)
			util_fail(cause, "The %s \"%s\" is not a date written YYYY-MM-DD.",
			          s->label, t);
		else {
			*out = xstrdup(t);
			rc = 0;
		}
		break;
	case LS_MONEY:
		if (strcmp(t, "0") == 0 || strcmp(t, "none") == 0 || *t == '\0')
			v = 0;
		else if (amount_parse(t, s->max, &v, cause) != 0)
			break;
		if (v < s->min) {
			util_fail(cause, "The %s must be at least $%" PRId64 ".%02" PRId64 ".",
			          s->label, s->min / 100, s->min % 100);
			break;
		}
		*out = xasprintf("%" PRId64, v);
		rc = 0;
		break;
	case LS_SECONDS:
		n = strlen(t);
		if (n > 0 && t[n - 1] == 's')
			t[n - 1] = '\0';
		if (ledger_parse_count(t, &v) != 0 || v < s->min || v > s->max)
			util_fail(cause,
			          "The %s must be a whole number of seconds from %" PRId64
			          " to %" PRId64 ".",
			          s->label, s->min, s->max);
		else {
			*out = xasprintf("%" PRId64, v);
			rc = 0;
		}
		break;
	case LS_METRES:
		if (ledger_parse_metres(t, &v) != 0 || v > s->max)
			util_fail(
			    cause,
			    "The %s \"%s\" is not a distance (write 400, 400m, 0.4km or 0.25mi).",
			    s->label, t);
		else {
			*out = xasprintf("%" PRId64, v);
			rc = 0;
		}
		break;
	case LS_ROLE:
		if (strcmp(t, "welcome") == 0 || strcmp(t, "lap") == 0 || strcmp(t, "both") == 0) {
			*out = xstrdup(t);
			rc = 0;
		} else
			util_fail(cause, "The station role must be welcome, lap or both.");
		break;
	case LS_EIN:
		if (*t == '\0' || (strlen(t) == 10 && t[2] == '-' && strspn(t, "0123456789") == 2 &&
		                   strspn(t + 3, "0123456789") == 7)) {
			*out = xstrdup(t);
			rc = 0;
		} else
			util_fail(cause, "The EIN must be written NN-NNNNNNN (e.g. 64-0123456).");
		break;
	case LS_PAPER:
		if (strcmp(t, "58mm") == 0 || strcmp(t, "80mm") == 0 || strcmp(t, "letter") == 0 ||
		    strcmp(t, "a4") == 0) {
			*out = xstrdup(t);
			rc = 0;
		} else
			util_fail(cause, "The paper must be 58mm, 80mm, letter or a4.");
		break;
	case LS_COUNT:
		if (ledger_parse_count(t, &v) != 0 || v < s->min || v > s->max)
			util_fail(cause,
			          "The %s must be a whole number from %" PRId64 " to %" PRId64 ".",
			          s->label, s->min, s->max);
		else {
			*out = xasprintf("%" PRId64, v);
			rc = 0;
		}
		break;
	}
	free(copy);
	return rc;
}

static void
ledger_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* Fills l->ev from the settings table and the defaults. */
static void
ledger_load_event(struct ledger *l)
{
	static const char sql[] = "SELECT key, value FROM settings";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	struct ledger_event *ev = &l->ev;
	char station[LEDGER_STATION_MAX + 1];

	memcpy(station, ev->station, sizeof station);
	memset(ev, 0, sizeof *ev);
	memcpy(ev->station, station, sizeof station);
	rules_settings_default(&ev->rules);
	ev->role = RULES_ROLE_BOTH;
	snprintf(ev->paper, sizeof ev->paper, "80mm");
	memcpy(ev->event_tag, l->badge.tag, sizeof ev->event_tag);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);
		int64_t n = sqlite3_column_int64(st, 1);

		if (strcmp(k, "name") == 0)
			ledger_copy(ev->name, sizeof ev->name, v);
		else if (strcmp(k, "city") == 0)
			ledger_copy(ev->city, sizeof ev->city, v);
		else if (strcmp(k, "date") == 0)
			ledger_copy(ev->date, sizeof ev->date, v);
		else if (strcmp(k, "goal") == 0)
			ev->goal_cents = n;
		else if (strcmp(k, "lap-length") == 0)
			ev->lap_m = n;
		else if (strcmp(k, "min-lap") == 0)
			ev->rules.min_lap_ms = n * 1000;
		else if (strcmp(k, "holdoff") == 0)
			ev->rules.holdoff_ms = n * 1000;
		else if (strcmp(k, "max-donation") == 0)
			ev->rules.max_donation_cents = n;
		else if (strcmp(k, "org-name") == 0)
			ledger_copy(ev->org_name, sizeof ev->org_name, v);
		else if (strcmp(k, "org-ein") == 0)
			ledger_copy(ev->org_ein, sizeof ev->org_ein, v);
		else if (strcmp(k, "premium-desc") == 0)
			ledger_copy(ev->premium_desc, sizeof ev->premium_desc, v);
		else if (strcmp(k, "premium-value") == 0)
			ev->premium_cents = n;
		else if (strcmp(k, "role") == 0)
			ev->role = strcmp(v, "welcome") == 0 ? RULES_ROLE_WELCOME
			           : strcmp(v, "lap") == 0   ? RULES_ROLE_LAP
			                                     : RULES_ROLE_BOTH;
		else if (strcmp(k, "tag") == 0)
			ledger_copy(ev->event_tag, sizeof ev->event_tag, v);
		else if (strcmp(k, "printer") == 0)
			ledger_copy(ev->printer, sizeof ev->printer, v);
		else if (strcmp(k, "paper") == 0)
			ledger_copy(ev->paper, sizeof ev->paper, v);
	}
	if (st != NULL)
		sqlite3_reset(st);
}

/* Reads the head of the chain, the station, the badge key and the event. */
static int
ledger_load(struct ledger *l, char **cause)
{
	static const char head[] =
	    "SELECT seq, hash, wall_ms FROM entries ORDER BY seq DESC LIMIT 1";
	static const char meta[] = "SELECT value FROM meta WHERE key = 'station'";
	static const char key[] = "SELECT value FROM secrets WHERE key = 'badge-key'";
	sqlite3_stmt *st;

	l->last_seq = 0;
	l->last_wall_ms = 0;
	memset(l->last_hash, 0, LEDGER_HASH_LEN);
	if ((st = ledger_stmt(l, head)) == NULL)
		return ledger_db_fail(l, cause, "the ledger's head");
	if (sqlite3_step(st) == SQLITE_ROW) {
		l->last_seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == LEDGER_HASH_LEN)
			memcpy(l->last_hash, sqlite3_column_blob(st, 1), LEDGER_HASH_LEN);
		l->last_wall_ms = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);

	l->ev.station[0] = '\0';
	if ((st = ledger_stmt(l, meta)) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW)
			ledger_copy(l->ev.station, sizeof l->ev.station,
			            (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	memset(&l->badge, 0, sizeof l->badge);
	if ((st = ledger_stmt(l, key)) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == BADGE_KEY_LEN)
			memcpy(l->badge.key, sqlite3_column_blob(st, 0), BADGE_KEY_LEN);
		sqlite3_reset(st);
	}
	l->has_event =
	    ledger_query_i(l, "SELECT COUNT(*) FROM entries WHERE kind = 'event'", 0, NULL, 0) > 0;
	ledger_load_event(l);
	memcpy(l->badge.tag, l->ev.event_tag, sizeof l->badge.tag);
	return 0;
}

/* ---- open and migrate ------------------------------------------------------ */

static int
ledger_migrate(struct ledger *l, char **cause)
{
	int64_t version = ledger_query_i(l, "PRAGMA user_version", 0, NULL, 0);

	if (version == LEDGER_SCHEMA_VERSION)
		return 0;
	if (version > LEDGER_SCHEMA_VERSION)
		return util_fail(
		    cause,
		    "The ledger %s was written by a newer version of this program (schema %" PRId64
		    "); update the software.",
		    l->path, version);
	if (ledger_tx_begin(l, cause, "the schema") != 0)
		return -1;
	if (version == 0 &&
	    ledger_query_i(l, "SELECT COUNT(*) FROM sqlite_master", 0, NULL, 0) > 0) {
		ledger_tx_rollback(l);
		return util_fail(cause, "%s is a database of another program, not a W.A.T. ledger.",
		                 l->path);
	}
	/* Stepwise: each step takes version N to N+1. */
	if (version < 1 && ledger_exec_script(l, ledger_schema_v1, cause) != 0)
		goto fail;
	if (version < 2) {
		if (ledger_exec_script(l, ledger_schema_v2, cause) != 0)
			goto fail;
		if (ledger_load(l, cause) != 0 || ledger_rebuild_locked(l, cause) != 0)
			goto fail;
	}
	if (ledger_exec_script(l, "PRAGMA user_version = 2", cause) != 0)
		goto fail;
	if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, "the schema");
		goto fail;
	}
	l->in_tx = 0;
	return 0;
fail:
	ledger_tx_rollback(l);
	return -1;
}

int
ledger_open(const char *path, struct ledger **out, char **cause)
{
	struct ledger *l = xcalloc(1, sizeof *l);
	const char *mode;
	sqlite3_stmt *st = NULL;
	int64_t sync;
	int rc;

	if (sodium_init() < 0)
		return util_fail(cause, "The crypto library could not start.");
	l->path = xstrdup(path);
	rc = sqlite3_open_v2(
	    path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		util_fail(cause, "Cannot open the ledger %s: %s.", path,
		          l->db ? sqlite3_errmsg(l->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(l->db, 1);
	/* One connection, exclusive, before the first access: no -shm file, and
	 * no second writer can hit the WAL-reset bug of sqlite < 3.51.3. */
	if (sqlite3_exec(l->db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	if (sqlite3_prepare_v2(l->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK)
		goto dbfail;
	rc = sqlite3_step(st);
	mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		sqlite3_finalize(st);
		st = NULL;
		if (rc != SQLITE_ROW)
			goto dbfail;
		util_fail(cause, "The ledger %s cannot use write-ahead logging (%s).", path,
		          mode ? mode : "?");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(l->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	sync = ledger_query_i(l, "PRAGMA synchronous", 0, NULL, -1);
	if (sync != 2) {
		util_fail(cause,
		          "The ledger %s would not sync every write (synchronous=%" PRId64 ").",
		          path, sync);
		goto fail;
	}
	/* Checkpoint rarely: a failed sync can hurt only during a checkpoint. */
	sqlite3_wal_autocheckpoint(l->db, 10000);
	sqlite3_create_function(l->db, "wat_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                        ledger_sql_fold, NULL, NULL);
	if (ledger_migrate(l, cause) != 0 || ledger_load(l, cause) != 0)
		goto fail;
	*out = l;
	return 0;
dbfail:
	ledger_db_fail(l, cause, NULL);
fail:
	ledger_free(l);
	return -1;
}

void
ledger_free(struct ledger *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nstmts; i++)
		sqlite3_finalize(l->stmts[i].stmt);
	if (l->db != NULL)
		sqlite3_close(l->db);
	sodium_memzero(&l->badge, sizeof l->badge);
	free(l->path);
	free(l);
}

void
ledger_set_clock(struct ledger *l, void (*now)(struct stamp *, void *), void *arg)
{
	l->clock = now;
	l->clock_arg = arg;
}

static void
ledger_now(struct ledger *l, struct stamp *st)
{
	if (l->clock != NULL)
		l->clock(st, l->clock_arg);
	else
		stamp_now(st);
}

int
ledger_badge_key(struct ledger *l, struct badge_event *out, char **cause)
{
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	*out = l->badge;
	return 0;
}

int
ledger_closed(struct ledger *l, int64_t *seq)
{
	static const char sql[] = "SELECT seq, kind FROM entries e WHERE kind IN ('closeout', "
	                          "'reopen') AND NOT EXISTS (SELECT 1 FROM annulled a WHERE "
	                          "a.seq = e.seq) ORDER BY seq DESC LIMIT 1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int closed = 0;

	if (seq != NULL)
		*seq = 0;
	if (st == NULL)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 1), "closeout") == 0) {
		closed = 1;
		if (seq != NULL)
			*seq = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return closed;
}

int
ledger_has_event(struct ledger *l)
{
	return l->has_event;
}

int
ledger_event(struct ledger *l, struct ledger_event *out)
{
	*out = l->ev;
	return l->has_event ? 0 : -1;
}

/* ---- applying entries to the derived tables -------------------------------- */

static int
ledger_count(struct ledger *l, const char *key, int64_t delta)
{
	static const char sql[] = "UPDATE counters SET value = value + ?2 WHERE key = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, delta);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
ledger_counters_reset(struct ledger *l)
{
	size_t i;

	if (ledger_exec_i(l, "DELETE FROM counters", 0, NULL) != 0)
		return -1;
	for (i = 0; i < nitems(ledger_counters); i++) {
		static const char sql[] = "INSERT INTO counters(key, value) VALUES (?1, 0)";
		sqlite3_stmt *st = ledger_stmt(l, sql);

		if (st == NULL)
			return -1;
		sqlite3_bind_text(st, 1, ledger_counters[i].key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st);
	}
	return 0;
}

static int
ledger_ensure_walker(struct ledger *l, int64_t seq)
{
	return ledger_exec1(l,
	                    "INSERT OR IGNORE INTO walkers(id) SELECT walker FROM entries WHERE "
	                    "seq = ?1 AND walker "
	                    "IS NOT NULL",
	                    seq);
}

static int
ledger_refold(struct ledger *l, int64_t id)
{
	return ledger_exec1(
	    l,
	    "UPDATE walkers SET fold = wat_fold(IFNULL(name, '') || ' ' || IFNULL(team, '') || "
	    "' ' || IFNULL(email, '') || ' ' || IFNULL(ext_id, '')) WHERE id = ?1",
	    id);
}

static int64_t
ledger_entry_walker(struct ledger *l, int64_t seq)
{
	return ledger_query_i(l, "SELECT walker FROM entries WHERE seq = ?1", 1, &seq, 0);
}

static int
ledger_apply_event(struct ledger *l, int64_t seq)
{
	return ledger_exec1(
	    l,
	    "INSERT OR REPLACE INTO settings(key, value) SELECT j.key, CAST(j.value AS TEXT) "
	    "FROM entries e, json_each(e.line, '$.data') j WHERE e.seq = ?1",
	    seq);
}

static int
ledger_apply_settings(struct ledger *l, int64_t seq)
{
	return ledger_exec1(
	    l,
	    "INSERT OR REPLACE INTO settings(key, value) SELECT json_extract(line, '$.data.key'), "
	    "json_extract(line, '$.data.value') FROM entries WHERE seq = ?1",
	    seq);
}

static int
ledger_apply_walker(struct ledger *l, int64_t seq)
{
	int64_t id = ledger_entry_walker(l, seq);

	if (ledger_exec1(
	        l,
	        "INSERT INTO walkers(id, name, team, email, phone, ext_id, reg_seq, active) "
	        "SELECT walker, json_extract(line, '$.data.name'), json_extract(line, "
	        "'$.data.team'), json_extract(line, '$.data.email'), json_extract(line, "
	        "'$.data.phone'), json_extract(line, '$.data.ext_id'), seq, 1 FROM entries WHERE "
	        "seq "
	        "= ?1 ON CONFLICT(id) DO UPDATE SET name = excluded.name, team = excluded.team, "
	        "email = excluded.email, phone = excluded.phone, ext_id = excluded.ext_id, reg_seq "
	        "= "
	        "excluded.reg_seq, active = 1",
	        seq) != 0)
		return -1;
	return ledger_count(l, "walkers", 1) != 0 ? -1 : ledger_refold(l, id);
}

static int
ledger_apply_walker_update(struct ledger *l, int64_t seq)
{
	int64_t id = ledger_entry_walker(l, seq);

	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET "
	        "name = CASE WHEN json_type(e.line, '$.data.name') IS NULL THEN name ELSE "
	        "json_extract(e.line, '$.data.name') END, "
	        "team = CASE WHEN json_type(e.line, '$.data.team') IS NULL THEN team ELSE "
	        "json_extract(e.line, '$.data.team') END, "
	        "email = CASE WHEN json_type(e.line, '$.data.email') IS NULL THEN email ELSE "
	        "json_extract(e.line, '$.data.email') END, "
	        "phone = CASE WHEN json_type(e.line, '$.data.phone') IS NULL THEN phone ELSE "
	        "json_extract(e.line, '$.data.phone') END, "
	        "ext_id = CASE WHEN json_type(e.line, '$.data.ext_id') IS NULL THEN ext_id ELSE "
	        "json_extract(e.line, '$.data.ext_id') END "
	        "FROM entries e WHERE e.seq = ?1 AND walkers.id = e.walker",
	        seq) != 0)
		return -1;
	return ledger_refold(l, id);
}

/* A check-in or lap by scan is also the walker's last scan (the hold-off's
 * reference); one entered by hand is not. */
#define LEDGER_SET_LAST_SCAN                                                                       \
	"scan_wall = CASE WHEN json_extract(e.line, '$.data.how') = 'scan' THEN e.wall_ms ELSE "   \
	"scan_wall END, scan_mono = CASE WHEN json_extract(e.line, '$.data.how') = 'scan' THEN "   \
	"e.mono_ms ELSE scan_mono END, scan_boot = CASE WHEN json_extract(e.line, '$.data.how') "  \
	"= 'scan' THEN e.boot ELSE scan_boot END "

static int
ledger_apply_checkin(struct ledger *l, int64_t seq)
{
	int64_t was;

	if (ledger_ensure_walker(l, seq) != 0)
		return -1;
	was = ledger_query_i(
	    l,
	    "SELECT COUNT(*) FROM walkers w, entries e WHERE e.seq = ?1 AND w.id = e.walker AND "
	    "w.checkin_seq = 0",
	    1, &seq, 0);
	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET checkin_seq = CASE WHEN checkin_seq = 0 THEN e.seq ELSE "
	        "checkin_seq END, " LEDGER_SET_LAST_SCAN
	        "FROM entries e WHERE e.seq = ?1 AND walkers.id = e.walker",
	        seq) != 0)
		return -1;
	return ledger_count(l, "checked_in", was);
}

static int
ledger_apply_lap(struct ledger *l, int64_t seq)
{
	int64_t manual;

	if (ledger_ensure_walker(l, seq) != 0)
		return -1;
	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET laps = laps + 1, lap_wall = e.wall_ms, lap_mono = e.mono_ms, "
	        "lap_boot = e.boot, " LEDGER_SET_LAST_SCAN
	        "FROM entries e WHERE e.seq = ?1 AND walkers.id = e.walker",
	        seq) != 0)
		return -1;
	manual = ledger_query_i(
	    l, "SELECT json_extract(line, '$.data.how') = 'manual' FROM entries WHERE seq = ?1", 1,
	    &seq, 0);
	if (ledger_count(l, "laps", 1) != 0 || ledger_count(l, "manual_laps", manual) != 0)
		return -1;
	return 0;
}

static int
ledger_donation_counters(struct ledger *l, int64_t seq, int sign)
{
	static const char sql[] = "SELECT amount, json_extract(line, '$.data.method') FROM entries "
	                          "WHERE seq = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int64_t cents = 0;
	char method[16] = "other";

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cents = sqlite3_column_int64(st, 0);
		ledger_copy(method, sizeof method, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (strcmp(method, "cash") != 0 && strcmp(method, "check") != 0)
		strcpy(method, "other");
	if (ledger_count(l, "donations", sign) != 0 || ledger_count(l, method, sign * cents) != 0)
		return -1;
	if (strcmp(method, "check") == 0 && ledger_count(l, "checks", sign) != 0)
		return -1;
	return 0;
}

static int
ledger_apply_donation(struct ledger *l, int64_t seq)
{
	if (ledger_ensure_walker(l, seq) != 0)
		return -1;
	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET raised = raised + e.amount FROM entries e WHERE e.seq = ?1 AND "
	        "walkers.id = e.walker",
	        seq) != 0)
		return -1;
	return ledger_donation_counters(l, seq, 1);
}

static int ledger_apply(struct ledger *, int64_t, const char *);

/* Applies again, in order, the entries a query selects (seq, kind; ?1 = arg).
 * Returns how many were registrations ("walker"), or -1. */
static int
ledger_replay(struct ledger *l, const char *sql, int64_t arg)
{
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int64_t *seqs = NULL;
	char(*kinds)[16] = NULL;
	size_t n = 0, cap = 0, i;
	int rc = -1, registrations = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, arg);
	/* collected first: the appliers use cached statements, this one among them */
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			seqs = xrealloc(seqs, cap * sizeof *seqs);
			kinds = xrealloc(kinds, cap * sizeof *kinds);
		}
		seqs[n] = sqlite3_column_int64(st, 0);
		ledger_copy(kinds[n++], sizeof *kinds, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	for (i = 0; i < n; i++) {
		if (ledger_apply(l, seqs[i], kinds[i]) != 0)
			goto end;
		registrations += strcmp(kinds[i], "walker") == 0;
	}
	rc = registrations;
end:
	free(seqs);
	free(kinds);
	return rc;
}

/* The walker's details again from its registration and updates in force. */
static int
ledger_redo_walker(struct ledger *l, int64_t id)
{
	static const char sql[] = "SELECT seq, kind FROM entries e WHERE walker = ?1 AND kind IN "
	                          "('walker', 'walker-update') AND NOT EXISTS (SELECT 1 FROM "
	                          "annulled a WHERE a.seq = e.seq) ORDER BY seq";
	int registrations;

	if (ledger_exec1(
	        l,
	        "UPDATE walkers SET name = NULL, team = NULL, email = NULL, phone = NULL, ext_id = "
	        "NULL, active = 0 WHERE id = ?1",
	        id) != 0)
		return -1;
	if ((registrations = ledger_replay(l, sql, id)) < 0)
		return -1;
	/* a registration applied again is still one walker: take back what it counted */
	if (ledger_count(l, "walkers", -registrations) != 0)
		return -1;
	return ledger_refold(l, id);
}

static int
ledger_redo_settings(struct ledger *l)
{
	static const char sql[] = "SELECT seq, kind FROM entries e WHERE kind IN ('event', "
	                          "'settings') AND NOT EXISTS (SELECT 1 FROM annulled a WHERE "
	                          "a.seq = e.seq) ORDER BY seq";

	if (ledger_exec_i(l, "DELETE FROM settings", 0, NULL) != 0)
		return -1;
	return ledger_replay(l, sql, 0) < 0 ? -1 : 0;
}

static int
ledger_apply_annul(struct ledger *l, int64_t seq)
{
	static const char sql[] = "SELECT t.seq, t.kind, t.walker, json_extract(t.line, "
	                          "'$.data.how') FROM entries a JOIN entries t ON t.seq = a.ref "
	                          "WHERE a.seq = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int64_t ref = 0, walker = 0, args[2];
	char kind[32] = "", how[16] = "";

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		ref = sqlite3_column_int64(st, 0);
		ledger_copy(kind, sizeof kind, (const char *)sqlite3_column_text(st, 1));
		walker = sqlite3_column_int64(st, 2);
		ledger_copy(how, sizeof how, (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_reset(st);
	if (ref == 0)
		return -1;
	args[0] = ref;
	args[1] = seq;
	if (ledger_exec_i(l, "INSERT INTO annulled(seq, by_seq) VALUES (?1, ?2)", 2, args) != 0 ||
	    ledger_count(l, "annulled", 1) != 0)
		return -1;

	if (strcmp(kind, "lap") == 0) {
		if (ledger_count(l, "laps", -1) != 0 ||
		    ledger_count(l, "manual_laps", strcmp(how, "manual") == 0 ? -1 : 0) != 0)
			return -1;
		return ledger_exec1(
		    l,
		    "UPDATE walkers SET laps = laps - 1, (lap_wall, lap_mono, lap_boot) = (SELECT "
		    "wall_ms, mono_ms, boot FROM entries e WHERE e.walker = walkers.id AND e.kind "
		    "= "
		    "'lap' AND NOT EXISTS (SELECT 1 FROM annulled a WHERE a.seq = e.seq) ORDER BY "
		    "e.seq DESC LIMIT 1) WHERE id = ?1",
		    walker);
	}
	if (strcmp(kind, "checkin") == 0) {
		if (ledger_exec1(l, "UPDATE walkers SET checkin_seq = 0 WHERE checkin_seq = ?1",
		                 ref) != 0)
			return -1;
		return ledger_count(l, "checked_in", sqlite3_changes(l->db) > 0 ? -1 : 0);
	}
	if (strcmp(kind, "donation") == 0) {
		args[0] = walker;
		args[1] = ref;
		if (ledger_exec_i(l,
		                  "UPDATE walkers SET raised = raised - (SELECT amount FROM "
		                  "entries WHERE seq = "
		                  "?2) WHERE id = ?1",
		                  2, args) != 0)
			return -1;
		return ledger_donation_counters(l, ref, -1);
	}
	if (strcmp(kind, "walker") == 0) {
		if (ledger_count(l, "walkers", -1) != 0)
			return -1;
		return ledger_redo_walker(l, walker);
	}
	if (strcmp(kind, "walker-update") == 0)
		return ledger_redo_walker(l, walker);
	if (strcmp(kind, "settings") == 0)
		return ledger_redo_settings(l);
	return 0; /* other kinds carry no derived figures */
}

struct ledger_applier {
	const char *kind;
	int (*apply)(struct ledger *, int64_t);
};

static const struct ledger_applier ledger_appliers[] = {
    {"event", ledger_apply_event},       {"settings", ledger_apply_settings},
    {"walker", ledger_apply_walker},     {"walker-update", ledger_apply_walker_update},
    {"checkin", ledger_apply_checkin},   {"lap", ledger_apply_lap},
    {"donation", ledger_apply_donation}, {"annul", ledger_apply_annul},
};

static int
ledger_apply(struct ledger *l, int64_t seq, const char *kind)
{
	size_t i;

	for (i = 0; i < nitems(ledger_appliers); i++)
		if (strcmp(ledger_appliers[i].kind, kind) == 0)
			return ledger_appliers[i].apply(l, seq);
	return 0;
}

/* Empties the derived tables and replays every entry; inside a transaction. */
static int
ledger_rebuild_locked(struct ledger *l, char **cause)
{
	static const char sql[] = "SELECT seq, kind FROM entries ORDER BY seq";
	sqlite3_stmt *st = NULL;
	int64_t seq;
	char kind[32];
	int rc = -1, step;

	if (ledger_exec_i(l, "DELETE FROM walkers", 0, NULL) != 0 ||
	    ledger_exec_i(l, "DELETE FROM settings", 0, NULL) != 0 ||
	    ledger_exec_i(l, "DELETE FROM annulled", 0, NULL) != 0 || ledger_counters_reset(l) != 0)
		goto end;
	/* not cached: the applier's statements are used while this one runs */
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto end;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		ledger_copy(kind, sizeof kind, (const char *)sqlite3_column_text(st, 1));
		if (ledger_apply(l, seq, kind) != 0)
			goto end;
	}
	if (step != SQLITE_DONE)
		goto end;
	rc = 0;
end:
	if (rc != 0)
		ledger_db_fail(l, cause, "the rebuilt figures");
	sqlite3_finalize(st);
	return rc;
}

/* ---- appending ------------------------------------------------------------ */

static void
ledger_chain_hash(const unsigned char prev[LEDGER_HASH_LEN], const char *line, size_t len,
                  unsigned char out[LEDGER_HASH_LEN])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, LEDGER_HASH_LEN);
	crypto_generichash_update(&h, prev, LEDGER_HASH_LEN);
	crypto_generichash_update(&h, (const unsigned char *)line, len);
	crypto_generichash_final(&h, out, LEDGER_HASH_LEN);
}

/* The canonical text of an entry: what is hashed and exported, byte for byte. */
static char *
ledger_line(struct ledger *l, int64_t seq, const char *kind, const struct stamp *at, const char *op,
            uint32_t walker, int64_t ref, const char *data_json)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_printf(&b, "{\"seq\":%" PRId64 ",\"station\":", seq);
	strbuf_json(&b, l->ev.station);
	strbuf_puts(&b, ",\"kind\":");
	strbuf_json(&b, kind);
	strbuf_printf(&b, ",\"wall_ms\":%" PRId64 ",\"mono_ms\":%" PRId64 ",\"boot\":", at->wall_ms,
	              at->mono_ms);
	strbuf_json(&b, at->boot);
	strbuf_puts(&b, ",\"op\":");
	strbuf_json(&b, op);
	if (walker != 0)
		strbuf_printf(&b, ",\"walker\":%" PRIu32, walker);
	if (ref != 0)
		strbuf_printf(&b, ",\"ref\":%" PRId64, ref);
	strbuf_puts(&b, ",\"data\":");
	strbuf_puts(&b, data_json != NULL && *data_json != '\0' ? data_json : "{}");
	strbuf_puts(&b, "}");
	return strbuf_take(&b);
}

/* Appends one entry inside an open transaction and applies it. */
static int
ledger_put(struct ledger *l, const char *kind, uint32_t walker, int64_t ref, int64_t amount,
           const char *data_json, const char *op, int64_t *seq_out, char **cause)
{
	static const char sql[] = "INSERT INTO entries(seq, kind, walker, ref, amount, wall_ms, "
	                          "mono_ms, boot, op, line, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	                          "?7, ?8, ?9, ?10, ?11)";
	struct stamp now;
	sqlite3_stmt *st;
	unsigned char hash[LEDGER_HASH_LEN];
	int64_t seq = l->tx_seq + 1;
	char *line = NULL;
	int rc = -1;

	if (op == NULL || *op == '\0')
		op = "unknown";
	if (data_json != NULL &&
	    (!text_valid_utf8(data_json, strlen(data_json)) || *data_json != '{')) {
		util_fail(cause, "Internal error: an entry's data is not a JSON object.");
		goto end;
	}
	ledger_now(l, &now);
	line = ledger_line(l, seq, kind, &now, op, walker, ref, data_json);
	ledger_chain_hash(l->tx_hash, line, strlen(line), hash);
	if ((st = ledger_stmt(l, sql)) == NULL) {
		ledger_db_fail(l, cause, "the entry");
		goto end;
	}
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (walker != 0)
		sqlite3_bind_int64(st, 3, walker);
	if (ref != 0)
		sqlite3_bind_int64(st, 4, ref);
	if (amount != 0)
		sqlite3_bind_int64(st, 5, amount);
	sqlite3_bind_int64(st, 6, now.wall_ms);
	sqlite3_bind_int64(st, 7, now.mono_ms);
	sqlite3_bind_text(st, 8, now.boot, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, op, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, line, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, hash, LEDGER_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ledger_db_fail(l, cause, "the entry");
		sqlite3_reset(st);
		goto end;
	}
	sqlite3_reset(st);
	if (ledger_apply(l, seq, kind) != 0) {
		ledger_db_fail(l, cause, "the entry");
		goto end;
	}
	l->tx_seq = seq;
	memcpy(l->tx_hash, hash, LEDGER_HASH_LEN);
	if (now.wall_ms > l->last_wall_ms)
		l->last_wall_ms = now.wall_ms;
	if (seq_out != NULL)
		*seq_out = seq;
	rc = 0;
end:
	free(line);
	return rc;
}

int
ledger_append(struct ledger *l, const char *kind, uint32_t walker, int64_t ref,
              int64_t amount_cents, const char *data_json, const char *op, int64_t *seq,
              char **cause)
{
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_tx_begin(l, cause, "the entry") != 0)
		return -1;
	if (ledger_put(l, kind, walker, ref, amount_cents, data_json, op, seq, cause) != 0) {
		ledger_tx_rollback(l);
		return -1;
	}
	return ledger_tx_commit(l, cause, "the entry");
}

static int
ledger_valid_station(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= LEDGER_STATION_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

int
ledger_init_event(struct ledger *l, const struct ledger_init *in, const char *op, char **cause)
{
	static const char meta[] = "INSERT OR REPLACE INTO meta(key, value) VALUES ('station', ?1)";
	static const char secret[] = "INSERT OR REPLACE INTO secrets(key, value) VALUES "
	                             "('badge-key', ?1)";
	struct strbuf data = STRBUF_INIT;
	char *name = NULL, *city = NULL, *date = NULL, *goal = NULL;
	char station[LEDGER_STATION_MAX + 1];
	struct badge_event be;
	sqlite3_stmt *st;
	size_t i;
	int rc = -1;

	if (l->has_event || l->last_seq != 0) {
		util_fail(cause,
		          "This ledger already holds the event \"%s\"; use a new file for "
		          "another event.",
		          l->ev.name);
		goto end;
	}
	snprintf(station, sizeof station, "%s", in->station ? in->station : "T1");
	for (i = 0; station[i] != '\0'; i++)
		if (station[i] >= 'a' && station[i] <= 'z')
			station[i] = (char)(station[i] - 'a' + 'A');
	if (in->station != NULL && strlen(in->station) > LEDGER_STATION_MAX) {
		util_fail(cause, "The station id is too long (at most %d characters).",
		          LEDGER_STATION_MAX);
		goto end;
	}
	if (!ledger_valid_station(station)) {
		util_fail(cause, "The station id \"%s\" may use only letters, digits and '-'.",
		          station);
		goto end;
	}
	if (ledger_setting_canon(ledger_setting_find("name"), in->name ? in->name : "", &name,
	                         cause) != 0 ||
	    ledger_setting_canon(ledger_setting_find("city"), in->city ? in->city : "", &city,
	                         cause) != 0 ||
	    ledger_setting_canon(ledger_setting_find("date"), in->date ? in->date : "", &date,
	                         cause) != 0)
		goto end;
	goal = xasprintf("%" PRId64, in->goal_cents > 0 ? in->goal_cents : 0);
	if (in->badge != NULL)
		be = *in->badge;
	else
		badge_event_generate(&be);

	if (ledger_tx_begin(l, cause, "the event") != 0)
		goto end;
	snprintf(l->ev.station, sizeof l->ev.station, "%s", station);
	if ((st = ledger_stmt(l, meta)) == NULL)
		goto dbfail;
	sqlite3_bind_text(st, 1, station, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_reset(st);
	if ((st = ledger_stmt(l, secret)) == NULL)
		goto dbfail;
	sqlite3_bind_blob(st, 1, be.key, BADGE_KEY_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_reset(st);
	strbuf_puts(&data, "{\"name\":");
	strbuf_json(&data, name);
	strbuf_puts(&data, ",\"city\":");
	strbuf_json(&data, city);
	strbuf_puts(&data, ",\"date\":");
	strbuf_json(&data, date);
	strbuf_printf(&data, ",\"goal\":%s,\"tag\":", goal);
	strbuf_json(&data, be.tag);
	strbuf_puts(&data, "}");
	if (ledger_put(l, "event", 0, 0, 0, data.s, op, NULL, cause) != 0) {
		ledger_tx_rollback(l);
		goto end;
	}
	if (ledger_tx_commit(l, cause, "the event") != 0)
		goto end;
	rc = ledger_load(l, cause);
	goto end;
dbfail:
	ledger_db_fail(l, cause, "the event");
	ledger_tx_rollback(l);
end:
	sodium_memzero(&be, sizeof be);
	strbuf_free(&data);
	free(name);
	free(city);
	free(date);
	free(goal);
	return rc;
}

int
ledger_set(struct ledger *l, const char *key, const char *value, const char *op, char **cause)
{
	const struct ledger_setting *s = ledger_setting_find(key);
	struct strbuf data = STRBUF_INIT;
	char *canon = NULL;
	int rc = -1;
	size_t i;

	if (s == NULL) {
		struct strbuf keys = STRBUF_INIT;

		for (i = 0; i < nitems(ledger_settings); i++)
			strbuf_printf(&keys, "%s%s", i ? ", " : "", ledger_settings[i].key);
		util_fail(cause, "There is no setting \"%s\". Settings: %s.", key, keys.s);
		strbuf_free(&keys);
		return -1;
	}
	if (ledger_setting_canon(s, value, &canon, cause) != 0)
		return -1;
	strbuf_puts(&data, "{\"key\":");
	strbuf_json(&data, key);
	strbuf_puts(&data, ",\"value\":");
	strbuf_json(&data, canon);
	strbuf_puts(&data, "}");
	rc = ledger_append(l, "settings", 0, 0, 0, data.s, op, NULL, cause);
	if (rc == 0)
		ledger_load_event(l);
	strbuf_free(&data);
	free(canon);
	return rc;
}

/* ---- walkers -------------------------------------------------------------- */

struct ledger_field {
	const char *key;
	const char *value;
	size_t max;
	const char *label;
};

static int
ledger_check_fields(const struct ledger_field *f, size_t n, char **cause)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i].value == NULL)
			continue;
		if (!text_valid_utf8(f[i].value, strlen(f[i].value)) ||
		    strpbrk(f[i].value, "\r\n\t") != NULL)
			return util_fail(cause, "The %s must be plain text on one line.",
			                 f[i].label);
		if (text_length(f[i].value) > f[i].max)
			return util_fail(cause, "The %s is too long (at most %zu characters).",
			                 f[i].label, f[i].max);
	}
	return 0;
}

static void
ledger_fields_json(struct strbuf *b, const struct ledger_field *f, size_t n, const char *extra)
{
	size_t i;
	int first = 1;

	strbuf_puts(b, "{");
	for (i = 0; i < n; i++) {
		if (f[i].value == NULL)
			continue;
		strbuf_printf(b, "%s\"%s\":", first ? "" : ",", f[i].key);
		strbuf_json(b, f[i].value);
		first = 0;
	}
	if (extra != NULL)
		strbuf_printf(b, "%s%s", first ? "" : ",", extra);
	strbuf_puts(b, "}");
}

/* A trimmed copy with line breaks and tabs turned into spaces, or NULL when
 * nothing is left (a CSV field may hold a newline; a name may not). */
static char *
ledger_clean(const char *s)
{
	char *c, *p;

	if (s == NULL)
		return NULL;
	c = xstrdup(s);
	for (p = c; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	text_trim(c);
	if (*c == '\0') {
		free(c);
		return NULL;
	}
	return c;
}

/* The next walker number of this station: above walker-base and every
 * walker registered here, and never one already seen on a badge. */
static uint32_t
ledger_next_walker(struct ledger *l)
{
	int64_t base = ledger_query_i(
	    l, "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'walker-base'", 0, NULL, 0);
	int64_t id = ledger_query_i(l, "SELECT MAX(id) FROM walkers WHERE reg_seq > 0", 0, NULL, 0);

	if (id < base)
		id = base;
	do
		id++;
	while (ledger_query_i(l, "SELECT COUNT(*) FROM walkers WHERE id = ?1", 1, &id, 0) > 0);
	return (uint32_t)id;
}

static int
ledger_put_walker(struct ledger *l, const char *name, const char *team, const char *email,
                  const char *phone, const char *ext_id, const char *source, const char *op,
                  uint32_t *id_out, char **cause)
{
	char *n = ledger_clean(name), *t = ledger_clean(team), *e = ledger_clean(email);
	char *p = ledger_clean(phone), *x = ledger_clean(ext_id);
	struct ledger_field f[] = {
	    {"name", n, ROSTER_MAX_NAME, "name"},
	    {"team", t, ROSTER_MAX_TEAM, "team"},
	    {"email", e, ROSTER_MAX_EMAIL, "email"},
	    {"phone", p, ROSTER_MAX_PHONE, "phone"},
	    {"ext_id", x, ROSTER_MAX_EXTID, "registration id"},
	};
	struct strbuf data = STRBUF_INIT;
	char extra[64];
	uint32_t id;
	int rc = -1;

	if (n == NULL) {
		util_fail(cause, "A walker needs a name.");
		goto end;
	}
	if (ledger_check_fields(f, nitems(f), cause) != 0)
		goto end;
	if (e != NULL && strchr(e, '@') == NULL) {
		util_fail(cause, "The email \"%s\" has no '@'.", e);
		goto end;
	}
	if ((id = ledger_next_walker(l)) > BADGE_MAX_WALKER) {
		util_fail(cause, "This station has run out of walker numbers.");
		goto end;
	}
	snprintf(extra, sizeof extra, "\"source\":\"%s\"", source);
	ledger_fields_json(&data, f, nitems(f), extra);
	if (ledger_put(l, "walker", id, 0, 0, data.s, op, NULL, cause) != 0)
		goto end;
	if (id_out != NULL)
		*id_out = id;
	rc = 0;
end:
	strbuf_free(&data);
	free(n);
	free(t);
	free(e);
	free(p);
	free(x);
	return rc;
}

int
ledger_walker_add(struct ledger *l, const char *name, const char *team, const char *email,
                  const char *phone, const char *ext_id, const char *op, uint32_t *id, char **cause)
{
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ext_id != NULL && *ext_id != '\0') {
		static const char sql[] = "SELECT id FROM walkers WHERE ext_id = ?1 AND active";
		sqlite3_stmt *st = ledger_stmt(l, sql);
		int64_t other = 0;

		if (st != NULL) {
			sqlite3_bind_text(st, 1, ext_id, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(st) == SQLITE_ROW)
				other = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		if (other != 0)
			return util_fail(cause, "Registration id %s is already walker %" PRId64 ".",
			                 ext_id, other);
	}
	if (ledger_tx_begin(l, cause, "the walker") != 0)
		return -1;
	if (ledger_put_walker(l, name, team, email, phone, ext_id, "walk-up", op, id, cause) != 0) {
		ledger_tx_rollback(l);
		return -1;
	}
	return ledger_tx_commit(l, cause, "the walker");
}

static int
ledger_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
ledger_walker_row(sqlite3_stmt *st, struct ledger_walker *w)
{
	const char *s;
	char **dst[] = {&w->name, &w->team, &w->email, &w->phone, &w->ext_id};
	size_t i;

	memset(w, 0, sizeof *w);
	w->id = (uint32_t)sqlite3_column_int64(st, 0);
	for (i = 0; i < nitems(dst); i++) {
		s = (const char *)sqlite3_column_text(st, (int)i + 1);
		*dst[i] = s != NULL ? xstrdup(s) : NULL;
	}
	w->reg_seq = sqlite3_column_int64(st, 6);
	w->active = sqlite3_column_int(st, 7);
	w->checked_in = sqlite3_column_int64(st, 8) != 0;
	w->laps = sqlite3_column_int64(st, 9);
	w->raised_cents = sqlite3_column_int64(st, 10);
}

#define LEDGER_WALKER_COLS                                                                         \
	"id, name, team, email, phone, ext_id, reg_seq, active, checkin_seq, laps, raised"

void
ledger_walker_clear(struct ledger_walker *w)
{
	free(w->name);
	free(w->team);
	free(w->email);
	free(w->phone);
	free(w->ext_id);
	memset(w, 0, sizeof *w);
}

int
ledger_walker_get(struct ledger *l, uint32_t id, struct ledger_walker *w, char **cause)
{
	static const char sql[] = "SELECT " LEDGER_WALKER_COLS " FROM walkers WHERE id = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int rc = -1;

	memset(w, 0, sizeof *w);
	if (st == NULL)
		return ledger_db_fail(l, cause, "the walker");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		ledger_walker_row(st, w);
		rc = 0;
	} else
		util_fail(cause, "There is no walker %" PRIu32 ".", id);
	sqlite3_reset(st);
	return rc;
}

/* One roster row: added, updated (details changed) or unchanged. */
static int
ledger_import_row(struct ledger *l, const struct roster_row *raw, const char *op,
                  struct ledger_import *res, char **cause)
{
	static const char by_ext[] =
	    "SELECT " LEDGER_WALKER_COLS " FROM walkers WHERE ext_id = ?1 AND active";
	static const char by_name[] =
	    "SELECT " LEDGER_WALKER_COLS " FROM walkers WHERE ext_id IS NULL AND active AND fold = "
	    "wat_fold(?1 || ' ' || IFNULL(?2, '') || ' ' || IFNULL(?3, '') "
	    "|| ' ')";
	sqlite3_stmt *st;
	struct ledger_walker w;
	struct strbuf data = STRBUF_INIT;
	struct roster_row clean = {raw->line,
	                           ledger_clean(raw->name),
	                           ledger_clean(raw->team),
	                           ledger_clean(raw->email),
	                           ledger_clean(raw->phone),
	                           ledger_clean(raw->ext_id)};
	const struct roster_row *r = &clean;
	int found = 0, rc = -1;

	memset(&w, 0, sizeof w);
	if (r->name == NULL) {
		util_fail(cause, "A walker needs a name.");
		goto end;
	}
	if (r->ext_id != NULL) {
		st = ledger_stmt(l, by_ext);
		sqlite3_bind_text(st, 1, r->ext_id, -1, SQLITE_STATIC);
	} else {
		st = ledger_stmt(l, by_name);
		ledger_bind_text(st, 1, r->name);
		ledger_bind_text(st, 2, r->team);
		ledger_bind_text(st, 3, r->email);
	}
	if (st == NULL) {
		ledger_db_fail(l, cause, "the roster");
		goto end;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		ledger_walker_row(st, &w);
		found = 1;
	}
	sqlite3_reset(st);
	if (!found) {
		if (ledger_put_walker(l, r->name, r->team, r->email, r->phone, r->ext_id, "roster",
		                      op, NULL, cause) != 0)
			goto end;
		res->added++;
	} else if (ledger_same(w.name, r->name) && ledger_same(w.team, r->team) &&
	           ledger_same(w.email, r->email) && ledger_same(w.phone, r->phone)) {
		res->unchanged++;
	} else {
		struct ledger_field f[] = {
		    {"name", ledger_same(w.name, r->name) ? NULL : r->name, ROSTER_MAX_NAME,
		     "name"},
		    {"team", ledger_same(w.team, r->team) ? NULL : r->team, ROSTER_MAX_TEAM,
		     "team"},
		    {"email", ledger_same(w.email, r->email) ? NULL : r->email, ROSTER_MAX_EMAIL,
		     "email"},
		    {"phone", ledger_same(w.phone, r->phone) ? NULL : r->phone, ROSTER_MAX_PHONE,
		     "phone"},
		};
		struct strbuf nulls = STRBUF_INIT;

		/* a field emptied in the new roster is written as null */
		if (w.team != NULL && r->team == NULL)
			strbuf_puts(&nulls, "\"team\":null,");
		if (w.email != NULL && r->email == NULL)
			strbuf_puts(&nulls, "\"email\":null,");
		if (w.phone != NULL && r->phone == NULL)
			strbuf_puts(&nulls, "\"phone\":null,");
		if (nulls.len > 0)
			nulls.s[--nulls.len] = '\0';
		ledger_fields_json(&data, f, nitems(f), nulls.len > 0 ? nulls.s : NULL);
		strbuf_free(&nulls);
		if (ledger_put(l, "walker-update", w.id, 0, 0, data.s, op, NULL, cause) != 0)
			goto end;
		res->updated++;
	}
	rc = 0;
end:
	strbuf_free(&data);
	ledger_walker_clear(&w);
	free(clean.name);
	free(clean.team);
	free(clean.email);
	free(clean.phone);
	free(clean.ext_id);
	return rc;
}

int
ledger_roster_import(struct ledger *l, const struct roster *r, const char *op,
                     struct ledger_import *res, char **cause)
{
	size_t i;

	memset(res, 0, sizeof *res);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_tx_begin(l, cause, "the roster") != 0)
		return -1;
	for (i = 0; i < r->n; i++) {
		if (ledger_import_row(l, &r->rows[i], op, res, cause) != 0) {
			char *inner = cause ? *cause : NULL;

			if (cause != NULL) {
				*cause = xasprintf("Line %zu: %s Nothing was imported.",
				                   r->rows[i].line, inner ? inner : "");
				free(inner);
			}
			ledger_tx_rollback(l);
			memset(res, 0, sizeof *res);
			return -1;
		}
	}
	return ledger_tx_commit(l, cause, "the roster");
}

int
ledger_walkers(struct ledger *l, const char *text, int (*cb)(const struct ledger_walker *, void *),
               void *arg, char **cause)
{
	static const char all[] = "SELECT " LEDGER_WALKER_COLS
	                          " FROM walkers WHERE reg_seq > 0 OR checkin_seq > 0 OR laps > 0 "
	                          "OR raised != 0 ORDER BY fold, id";
	static const char some[] = "SELECT " LEDGER_WALKER_COLS
	                           " FROM walkers WHERE instr(fold, ?1) > 0 OR id = ?2 ORDER BY "
	                           "(reg_seq = 0), fold, id";
	sqlite3_stmt *st = NULL;
	struct ledger_walker w;
	char *folded = NULL, *end;
	long long id = -1;
	int step, rc = 0;

	if (text != NULL && *text != '\0') {
		folded = text_fold(text);
		text_trim(folded);
		id = strtoll(*text == '#' ? text + 1 : text, &end, 10);
		if (*end != '\0')
			id = -1;
	}
	/* not cached: the callback may query the ledger */
	if (sqlite3_prepare_v2(l->db, folded != NULL ? some : all, -1, &st, NULL) != SQLITE_OK) {
		free(folded);
		return ledger_db_fail(l, cause, "the walkers");
	}
	if (folded != NULL) {
		sqlite3_bind_text(st, 1, folded, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		ledger_walker_row(st, &w);
		rc = cb(&w, arg);
		ledger_walker_clear(&w);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ledger_db_fail(l, cause, "the walkers");
	else
		rc = 0;
	sqlite3_finalize(st);
	free(folded);
	return rc;
}

int
ledger_teams(struct ledger *l, int (*cb)(const struct ledger_team *, void *), void *arg,
             char **cause)
{
	static const char sql[] = "SELECT IFNULL(team, ''), COUNT(*), SUM(laps), SUM(raised) FROM "
	                          "walkers WHERE active GROUP BY IFNULL(team, '') ORDER BY "
	                          "IFNULL(team, '') = '', SUM(raised) DESC, IFNULL(team, '')";
	sqlite3_stmt *st = NULL;
	struct ledger_team t;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, "the teams");
	while (sqlite3_step(st) == SQLITE_ROW) {
		t.team = (const char *)sqlite3_column_text(st, 0);
		t.walkers = sqlite3_column_int64(st, 1);
		t.laps = sqlite3_column_int64(st, 2);
		t.raised_cents = sqlite3_column_int64(st, 3);
		if (cb(&t, arg) != 0)
			break;
	}
	sqlite3_finalize(st);
	return 0;
}

int
ledger_badge_code(struct ledger *l, uint32_t id, char *out, size_t len, char **cause)
{
	struct ledger_walker w;

	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if (ledger_walker_get(l, id, &w, cause) != 0)
		return -1;
	if (w.reg_seq == 0 || !w.active) {
		ledger_walker_clear(&w);
		return util_fail(cause, "Walker %" PRIu32 " is not registered at this station.",
		                 id);
	}
	ledger_walker_clear(&w);
	if (len < BADGE_CODE_MAX)
		return util_fail(cause, "Internal error: badge buffer too small.");
	badge_encode(&l->badge, id, out, len);
	return 0;
}

/* ---- scans, laps, donations, annulments ----------------------------------------- */

/* The rules' view of a walker; 0 when the walker has no row yet. */
static int
ledger_rules_walker(struct ledger *l, uint32_t id, struct rules_walker *rw, struct ledger_walker *w)
{
	static const char sql[] = "SELECT " LEDGER_WALKER_COLS ", scan_wall, scan_mono, scan_boot, "
	                          "lap_wall, lap_mono, lap_boot FROM walkers WHERE id = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	int found = 0;

	memset(rw, 0, sizeof *rw);
	memset(w, 0, sizeof *w);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		ledger_walker_row(st, w);
		rw->checked_in = w->checked_in;
		rw->laps = w->laps;
		if (sqlite3_column_type(st, 11) != SQLITE_NULL) {
			rw->has_last_scan = 1;
			rw->last_scan.wall_ms = sqlite3_column_int64(st, 11);
			rw->last_scan.mono_ms = sqlite3_column_int64(st, 12);
			ledger_copy(rw->last_scan.boot, sizeof rw->last_scan.boot,
			            (const char *)sqlite3_column_text(st, 13));
		}
		if (sqlite3_column_type(st, 14) != SQLITE_NULL) {
			rw->has_last_lap = 1;
			rw->last_lap.wall_ms = sqlite3_column_int64(st, 14);
			rw->last_lap.mono_ms = sqlite3_column_int64(st, 15);
			ledger_copy(rw->last_lap.boot, sizeof rw->last_lap.boot,
			            (const char *)sqlite3_column_text(st, 16));
		}
	}
	sqlite3_reset(st);
	return found;
}

static void
ledger_display_name(const struct ledger_walker *w, uint32_t id, char *out, size_t len)
{
	if (w->name != NULL)
		snprintf(out, len, "%s", w->name);
	else
		snprintf(out, len, "Walker %" PRIu32, id);
}

/* Records what the verdict asks for, in one transaction, and fills out. */
static int
ledger_record(struct ledger *l, uint32_t id, const char *how, const char *op,
              struct ledger_scan *out, char **cause)
{
	struct rules_verdict *v = &out->verdict;
	char data[64];
	char *msg;

	if (v->record_checkin || v->record_lap) {
		if (ledger_tx_begin(l, cause, "the scan") != 0)
			return -1;
		snprintf(data, sizeof data, "{\"how\":\"%s\"}", how);
		if (v->record_checkin &&
		    ledger_put(l, "checkin", id, 0, 0, data, op, &out->seq, cause) != 0)
			goto fail;
		snprintf(data, sizeof data, "{\"how\":\"%s\",\"n\":%" PRId64 "}", how,
		         v->lap_number);
		if (v->record_lap &&
		    ledger_put(l, "lap", id, 0, 0, data, op, &out->seq, cause) != 0)
			goto fail;
		if (ledger_tx_commit(l, cause, "the scan") != 0)
			return -1;
	}
	{
		struct rules_walker rw;
		struct ledger_walker w;

		ledger_rules_walker(l, id, &rw, &w);
		out->laps = w.laps;
		out->raised_cents = w.raised_cents;
		ledger_walker_clear(&w);
	}
	msg = rules_describe_limit(&l->ev.rules, v, out->name);
	snprintf(out->message, sizeof out->message, "%s", msg);
	free(msg);
	return 0;
fail:
	ledger_tx_rollback(l);
	return -1;
}

int
ledger_scan(struct ledger *l, const char *code, size_t len, int role, const char *op,
            struct ledger_scan *out, char **cause)
{
	struct rules_walker rw;
	struct ledger_walker w;
	struct stamp now;
	char *why = NULL;
	uint32_t id = 0;
	int found;

	memset(out, 0, sizeof *out);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	out->badge = badge_verify(&l->badge, code, len, &id, &why);
	if (out->badge != BADGE_OK) {
		snprintf(out->message, sizeof out->message, "%s",
		         why ? why : "This code was refused.");
		free(why);
		return 0;
	}
	out->walker = id;
	if ((found = ledger_rules_walker(l, id, &rw, &w)) < 0)
		return ledger_db_fail(l, cause, "the scan");
	out->known = found && w.reg_seq > 0;
	ledger_display_name(&w, id, out->name, sizeof out->name);
	if (found && w.reg_seq > 0 && !w.active) {
		ledger_walker_clear(&w);
		out->badge = BADGE_FORGED;
		snprintf(out->message, sizeof out->message,
		         "Walker %" PRIu32 "'s registration was annulled. Please see a volunteer.",
		         id);
		return 0;
	}
	ledger_walker_clear(&w);
	ledger_now(l, &now);
	rules_scan(&l->ev.rules, &rw, role >= 0 ? (enum rules_role)role : l->ev.role, &now,
	           &out->verdict);
	return ledger_record(l, id, "scan", op, out, cause);
}

/* Check-in and manual lap by number: the walker must be known here. */
static int
ledger_by_hand(struct ledger *l, uint32_t id, int lap, const char *op, struct ledger_scan *out,
               char **cause)
{
	struct rules_walker rw;
	struct ledger_walker w;
	int found;

	memset(out, 0, sizeof *out);
	if (!l->has_event)
		return util_fail(cause, "The event has not been set up yet (run init first).");
	if ((found = ledger_rules_walker(l, id, &rw, &w)) < 0)
		return ledger_db_fail(l, cause, "the entry");
	if (!found || (w.reg_seq > 0 && !w.active)) {
		ledger_walker_clear(&w);
		return util_fail(cause, "There is no walker %" PRIu32 ".", id);
	}
	out->walker = id;
	out->known = w.reg_seq > 0;
	ledger_display_name(&w, id, out->name, sizeof out->name);
	ledger_walker_clear(&w);
	if (lap) {
		out->verdict.outcome = RULES_LAP;
		out->verdict.record_lap = 1;
		out->verdict.record_checkin = !rw.checked_in;
		out->verdict.lap_number = rw.laps + 1;
	} else if (rw.checked_in) {
		out->verdict.outcome = RULES_WELCOME_BACK;
	} else {
		out->verdict.outcome = RULES_CHECKIN;
		out->verdict.record_checkin = 1;
	}
	return ledger_record(l, id, "manual", op, out, cause);
}

int
ledger_checkin(struct ledger *l, uint32_t id, const char *op, struct ledger_scan *out, char **cause)
{
	return ledger_by_hand(l, id, 0, op, out, cause);
}

int
ledger_lap(struct ledger *l, uint32_t id, const char *op, struct ledger_scan *out, char **cause)
{
	return ledger_by_hand(l, id, 1, op, out, cause);
}

int
ledger_donate(struct ledger *l, uint32_t id, int64_t cents, enum rules_method m,
              const char *check_no, const char *donor, const char *op, int64_t *seq, char **cause)
{
	struct ledger_walker w;
	struct strbuf data = STRBUF_INIT;
	char *d = ledger_clean(donor), *c = ledger_clean(check_no);
	struct ledger_field f[] = {{"donor", d, ROSTER_MAX_NAME, "donor's name"}};
	int rc = -1;

	memset(&w, 0, sizeof w);
	if (!l->has_event) {
		util_fail(cause, "The event has not been set up yet (run init first).");
		goto end;
	}
	if (ledger_closed(l, NULL)) {
		util_fail(cause, "The station is closed out: the count is done. To take this "
		                 "donation, a coordinator must reopen the station first.");
		goto end;
	}
	if (rules_donation(&l->ev.rules, cents, m, c, cause) != 0 ||
	    ledger_check_fields(f, 1, cause) != 0)
		goto end;
	if (ledger_walker_get(l, id, &w, cause) != 0)
		goto end;
	if (w.reg_seq > 0 && !w.active) {
		util_fail(cause, "Walker %" PRIu32 "'s registration was annulled.", id);
		goto end;
	}
	strbuf_printf(&data, "{\"cents\":%" PRId64 ",\"method\":\"%s\"", cents,
	              rules_method_name(m));
	if (m == RULES_CHECK) {
		strbuf_puts(&data, ",\"check_no\":");
		strbuf_json(&data, c);
	}
	if (d != NULL) {
		strbuf_puts(&data, ",\"donor\":");
		strbuf_json(&data, d);
	}
	strbuf_puts(&data, "}");
	rc = ledger_append(l, "donation", id, 0, cents, data.s, op, seq, cause);
end:
	ledger_walker_clear(&w);
	strbuf_free(&data);
	free(d);
	free(c);
	return rc;
}

int
ledger_annul(struct ledger *l, int64_t seq, const char *reason, const char *op, int64_t *annul_seq,
             char **cause)
{
	static const char sql[] = "SELECT e.kind, e.walker, a.by_seq FROM entries e LEFT JOIN "
	                          "annulled a ON a.seq = e.seq WHERE e.seq = ?1";
	sqlite3_stmt *st = ledger_stmt(l, sql);
	struct strbuf data = STRBUF_INIT;
	char kind[32] = "", *why = ledger_clean(reason);
	int64_t walker = 0, by = 0;
	int found = 0, rc = -1;

	if (st == NULL) {
		ledger_db_fail(l, cause, "the annulment");
		goto end;
	}
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		ledger_copy(kind, sizeof kind, (const char *)sqlite3_column_text(st, 0));
		walker = sqlite3_column_int64(st, 1);
		by = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (!found)
		util_fail(cause, "There is no entry %" PRId64 " in this ledger.", seq);
	else if (by != 0)
		util_fail(cause, "Entry %" PRId64 " was already annulled by entry %" PRId64 ".",
		          seq, by);
	else if (strcmp(kind, "annul") == 0)
		util_fail(cause,
		          "Entry %" PRId64 " is itself an annulment and cannot be annulled; "
		          "record the entry again instead.",
		          seq);
	else if (strcmp(kind, "event") == 0)
		util_fail(cause, "The event's own entry cannot be annulled; change its settings "
		                 "instead.");
	else if (why == NULL)
		util_fail(cause, "Say why entry %" PRId64 " is annulled (a reason is required).",
		          seq);
	else if (text_length(why) > 200 || !text_valid_utf8(why, strlen(why)))
		util_fail(cause, "The reason must be plain text of at most 200 characters.");
	else {
		strbuf_puts(&data, "{\"reason\":");
		strbuf_json(&data, why);
		strbuf_printf(&data, ",\"kind\":\"%s\"}", kind);
		rc = ledger_append(l, "annul", (uint32_t)walker, seq, 0, data.s, op, annul_seq,
		                   cause);
		if (rc == 0 && strcmp(kind, "settings") == 0)
			ledger_load_event(l);
	}
end:
	strbuf_free(&data);
	free(why);
	return rc;
}

/* ---- reading ----------------------------------------------------------------- */

int
ledger_totals(struct ledger *l, struct ledger_totals *t, char **cause)
{
	static const char sql[] = "SELECT key, value FROM counters";
	sqlite3_stmt *st = ledger_stmt(l, sql);

	memset(t, 0, sizeof *t);
	if (st == NULL)
		return ledger_db_fail(l, cause, "the totals");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		size_t c;

		for (c = 0; c < nitems(ledger_counters); c++)
			if (strcmp(k, ledger_counters[c].key) == 0)
				*(int64_t *)((char *)t + ledger_counters[c].off) =
				    sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	t->total_cents = t->cash_cents + t->check_cents + t->other_cents;
	t->last_seq = l->last_seq;
	t->last_wall_ms = l->last_wall_ms;
	return 0;
}

/* The entries sql selects; ?1 is arg, ?2 text (when not NULL). */
static int
ledger_each(struct ledger *l, const char *sql, int64_t arg, const char *text,
            int (*cb)(const struct ledger_entry *, void *), void *cbarg, char **cause)
{
	sqlite3_stmt *st = NULL;
	struct ledger_entry e;
	int step, rc = 0;

	/* not cached: the callback may use the ledger */
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, "the entries");
	sqlite3_bind_int64(st, 1, arg);
	if (text != NULL)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.seq = sqlite3_column_int64(st, 0);
		e.kind = (const char *)sqlite3_column_text(st, 1);
		e.walker = (uint32_t)sqlite3_column_int64(st, 2);
		e.ref = sqlite3_column_int64(st, 3);
		e.amount_cents = sqlite3_column_int64(st, 4);
		e.at.wall_ms = sqlite3_column_int64(st, 5);
		e.at.mono_ms = sqlite3_column_int64(st, 6);
		ledger_copy(e.at.boot, sizeof e.at.boot, (const char *)sqlite3_column_text(st, 7));
		e.op = (const char *)sqlite3_column_text(st, 8);
		e.line = (const char *)sqlite3_column_text(st, 9);
		if (sqlite3_column_bytes(st, 10) == LEDGER_HASH_LEN)
			memcpy(e.hash, sqlite3_column_blob(st, 10), LEDGER_HASH_LEN);
		e.annulled_by = sqlite3_column_int64(st, 11);
		if ((rc = cb(&e, cbarg)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		ledger_db_fail(l, cause, "the entries"), rc = -1;
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

#define LEDGER_ENTRY_SQL                                                                           \
	"SELECT e.seq, e.kind, e.walker, e.ref, e.amount, e.wall_ms, e.mono_ms, e.boot, e.op, "    \
	"e.line, e.hash, a.by_seq FROM entries e LEFT JOIN annulled a ON a.seq = e.seq "

int
ledger_entries(struct ledger *l, int64_t from, int (*cb)(const struct ledger_entry *, void *),
               void *arg, char **cause)
{
	return ledger_each(l, LEDGER_ENTRY_SQL "WHERE e.seq >= ?1 ORDER BY e.seq", from, NULL, cb,
	                   arg, cause);
}

int
ledger_kind_entries(struct ledger *l, const char *kind, int64_t from,
                    int (*cb)(const struct ledger_entry *, void *), void *arg, char **cause)
{
	return ledger_each(l, LEDGER_ENTRY_SQL "WHERE e.kind = ?2 AND e.seq >= ?1 ORDER BY e.seq",
	                   from, kind, cb, arg, cause);
}

int
ledger_entry_get(struct ledger *l, int64_t seq, int (*cb)(const struct ledger_entry *, void *),
                 void *arg, char **cause)
{
	int64_t n = ledger_query_i(l, "SELECT COUNT(*) FROM entries WHERE seq = ?1", 1, &seq, 0);

	if (n == 0)
		return util_fail(cause, "There is no entry %" PRId64 " in this ledger.", seq);
	return ledger_each(l, LEDGER_ENTRY_SQL "WHERE e.seq = ?1", seq, NULL, cb, arg, cause);
}

int
ledger_walker_entries(struct ledger *l, uint32_t id, int (*cb)(const struct ledger_entry *, void *),
                      void *arg, char **cause)
{
	return ledger_each(l, LEDGER_ENTRY_SQL "WHERE e.walker = ?1 ORDER BY e.seq DESC", id, NULL,
	                   cb, arg, cause);
}

int
ledger_head(struct ledger *l, int64_t *seq, unsigned char hash[LEDGER_HASH_LEN])
{
	*seq = l->last_seq;
	memcpy(hash, l->last_hash, LEDGER_HASH_LEN);
	return 0;
}

const char *
ledger_clock_doubt(struct ledger *l)
{
	struct stamp now;
	const char *why;

	if (!l->has_event)
		return NULL;
	ledger_now(l, &now);
	why = rules_clock_doubt(now.wall_ms, stamp_parse_date(l->ev.date), l->last_wall_ms);
	if (why == NULL)
		return NULL;
	snprintf(l->doubt, sizeof l->doubt, "%s", why);
	return l->doubt;
}

/* ---- checking ------------------------------------------------------------------ */

static const char *const ledger_derived_sql[] = {
    "SELECT id, name, team, email, phone, ext_id, fold, reg_seq, active, checkin_seq, laps, "
    "raised, scan_wall, scan_mono, scan_boot, lap_wall, lap_mono, lap_boot FROM walkers ORDER "
    "BY id",
    "SELECT key, value FROM counters ORDER BY key",
    "SELECT key, value FROM settings ORDER BY key",
    "SELECT seq, by_seq FROM annulled ORDER BY seq",
};
static const char *const ledger_derived_name[] = {"walkers", "totals", "settings", "annulments"};

static int
ledger_digest(struct ledger *l, const char *sql, unsigned char out[32])
{
	crypto_generichash_state h;
	sqlite3_stmt *st = NULL;
	int i, n;

	crypto_generichash_init(&h, NULL, 0, 32);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			size_t len = v ? (size_t)sqlite3_column_bytes(st, i) : 0;

			crypto_generichash_update(&h, v ? v : (const unsigned char *)"\x01",
			                          v ? len : 1);
			crypto_generichash_update(&h, (const unsigned char *)"", 1);
		}
	}
	sqlite3_finalize(st);
	crypto_generichash_final(&h, out, 32);
	return 0;
}

int
ledger_check(struct ledger *l, char **cause)
{
	static const char sql[] = "SELECT seq, line, hash FROM entries ORDER BY seq";
	unsigned char prev[LEDGER_HASH_LEN] = {0}, want[LEDGER_HASH_LEN];
	unsigned char before[nitems(ledger_derived_sql)][32], after[32];
	sqlite3_stmt *st = NULL;
	int64_t expect = 1, seq;
	size_t i;
	int rc = -1;

	if (sqlite3_prepare_v2(l->db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		util_fail(cause, "The database file is damaged: %s.", sqlite3_column_text(st, 0));
		goto end;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, "the check");
		goto end;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		if (seq != expect) {
			util_fail(cause,
			          "Entry %" PRId64 " is missing: the sequence jumps to %" PRId64
			          ".",
			          expect, seq);
			goto end;
		}
		ledger_chain_hash(prev, (const char *)sqlite3_column_text(st, 1),
		                  (size_t)sqlite3_column_bytes(st, 1), want);
		if (sqlite3_column_bytes(st, 2) != LEDGER_HASH_LEN ||
		    memcmp(want, sqlite3_column_blob(st, 2), LEDGER_HASH_LEN) != 0) {
			util_fail(cause,
			          "Entry %" PRId64 " was altered: its hash does not match its "
			          "contents and the entry before it.",
			          seq);
			goto end;
		}
		memcpy(prev, want, LEDGER_HASH_LEN);
		expect++;
	}
	sqlite3_finalize(st);
	st = NULL;

	for (i = 0; i < nitems(ledger_derived_sql); i++)
		ledger_digest(l, ledger_derived_sql[i], before[i]);
	if (sqlite3_exec(l->db, "SAVEPOINT ledger_check", NULL, NULL, NULL) != SQLITE_OK) {
		ledger_db_fail(l, cause, "the check");
		goto end;
	}
	if (ledger_rebuild_locked(l, cause) != 0) {
		sqlite3_exec(l->db, "ROLLBACK TO ledger_check; RELEASE ledger_check", NULL, NULL,
		             NULL);
		goto end;
	}
	for (i = 0; i < nitems(ledger_derived_sql); i++) {
		ledger_digest(l, ledger_derived_sql[i], after);
		if (memcmp(before[i], after, 32) != 0)
			break;
	}
	sqlite3_exec(l->db, "ROLLBACK TO ledger_check; RELEASE ledger_check", NULL, NULL, NULL);
	if (i < nitems(ledger_derived_sql)) {
		util_fail(cause,
		          "The %s kept beside the ledger do not match its entries; run "
		          "'watctl rebuild' to recompute them from the entries.",
		          ledger_derived_name[i]);
		goto end;
	}
	rc = 0;
end:
	sqlite3_finalize(st);
	return rc;
}

int
ledger_rebuild(struct ledger *l, char **cause)
{
	if (ledger_tx_begin(l, cause, "the rebuilt figures") != 0)
		return -1;
	if (ledger_rebuild_locked(l, cause) != 0) {
		ledger_tx_rollback(l);
		return -1;
	}
	if (ledger_tx_commit(l, cause, "the rebuilt figures") != 0)
		return -1;
	return ledger_load(l, cause);
}
