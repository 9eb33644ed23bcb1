/* ledger_db.c — see ledger_int.h. */
#include "ledger_int.h"

#include <assert.h>

/* ---- schema ------------------------------------------------------------ */

const struct ledger_trigger ledger_triggers[LEDGER_NTRIGGERS] = {
    {"entries_in_order", LEDGER_TRIGGER_IN_ORDER, "entries being added out of sequence"},
    {"entries_no_delete", LEDGER_TRIGGER_NO_DELETE, "entries being deleted"},
    {"entries_no_update", LEDGER_TRIGGER_NO_UPDATE, "entries being changed"},
};

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
    " hash BLOB NOT NULL);" LEDGER_TRIGGER_NO_UPDATE ";" LEDGER_TRIGGER_NO_DELETE
    ";" LEDGER_TRIGGER_IN_ORDER ";";

/* Version 2: the indexes and the first derived tables. */
static const char ledger_schema_v2[] =
    "CREATE INDEX entries_walker ON entries(walker, seq) WHERE walker IS NOT NULL;"
    "CREATE INDEX entries_kind ON entries(kind, seq);"
    "CREATE TABLE annulled(seq INTEGER PRIMARY KEY, by_seq INTEGER NOT NULL);"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE counters(key TEXT PRIMARY KEY, value INTEGER NOT NULL);";

/* Version 3: the derived tables as the fold (fold.h) fills them; they are
 * only ever a copy of what the entries say, so each version that changes
 * them drops and remakes them, and the migration refolds every entry. */
static const char ledger_schema_v3[] =
    "DROP TABLE IF EXISTS walkers;"
    "DELETE FROM annulled; DELETE FROM settings; DELETE FROM counters;"
    "CREATE TABLE walkers("
    " id INTEGER PRIMARY KEY,"
    " name TEXT, team TEXT, email TEXT, phone TEXT, ext_id TEXT,"
    " fold TEXT NOT NULL DEFAULT '',"
    " reg_seq INTEGER NOT NULL DEFAULT 0,"
    " active INTEGER NOT NULL DEFAULT 0,"
    " checkin_seq INTEGER NOT NULL DEFAULT 0,"
    " laps INTEGER NOT NULL DEFAULT 0,"
    " manual_laps INTEGER NOT NULL DEFAULT 0,"
    " flagged_laps INTEGER NOT NULL DEFAULT 0,"
    " donations INTEGER NOT NULL DEFAULT 0,"
    " checks INTEGER NOT NULL DEFAULT 0,"
    " cash INTEGER NOT NULL DEFAULT 0,"
    " check_cents INTEGER NOT NULL DEFAULT 0,"
    " other INTEGER NOT NULL DEFAULT 0,"
    " raised INTEGER NOT NULL DEFAULT 0,"
    " scan_wall INTEGER, scan_mono INTEGER, scan_boot TEXT,"
    " lap_wall INTEGER, lap_mono INTEGER, lap_boot TEXT);"
    "CREATE INDEX walkers_ext ON walkers(ext_id) WHERE ext_id IS NOT NULL;"
    "CREATE INDEX walkers_fold ON walkers(fold);";

/* Version 5: other stations' entries, kept as theirs (ledger_peer.c,
 * docs/SYNC.md): never in `entries`, keyed by the peer's ledger identity
 * and its sequence number, append-only like the station's own. */
static const char ledger_schema_v5[] =
    "CREATE TABLE IF NOT EXISTS peers("
    " ledger BLOB PRIMARY KEY,"
    " station TEXT NOT NULL,"
    " cert TEXT NOT NULL,"
    " head_seq INTEGER NOT NULL,"
    " head_hash BLOB NOT NULL,"
    " head_sig BLOB NOT NULL,"
    " bytes INTEGER NOT NULL,"
    " seen_wall_ms INTEGER NOT NULL,"
    " offset_ms INTEGER NOT NULL,"
    " format INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS peer_entries("
    " ledger BLOB NOT NULL,"
    " seq INTEGER NOT NULL,"
    " line TEXT NOT NULL,"
    " hash BLOB NOT NULL,"
    " PRIMARY KEY(ledger, seq)) WITHOUT ROWID;"
    "CREATE TRIGGER IF NOT EXISTS peer_entries_no_update BEFORE UPDATE ON peer_entries BEGIN"
    " SELECT RAISE(ABORT, 'entries of other stations are never changed'); END;"
    "CREATE TRIGGER IF NOT EXISTS peer_entries_no_delete BEFORE DELETE ON peer_entries BEGIN"
    " SELECT RAISE(ABORT, 'entries of other stations are never deleted'); END;";

/* Version 6: flagged laps reviewed (lap-review entries, fold.h): two
 * columns, two counters; the migration folds every entry again. */
static const char ledger_schema_v6[] =
    "ALTER TABLE walkers ADD COLUMN accepted_laps INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE walkers ADD COLUMN rejected_laps INTEGER NOT NULL DEFAULT 0;";

/* Version 7: other stations' entries by walker, and those of the kinds
 * that are the station's under walker 0 (settings, links, certifications,
 * lap reviews, annulments: ledger_peer_index_add), as one walker's
 * settlement reads them (ledger_pledge.c): derived from peer_entries when
 * they are stored, rebuilt and checked with the other derived tables. */
static const char ledger_schema_v7[] = "CREATE TABLE IF NOT EXISTS peer_index("
                                       " ledger BLOB NOT NULL,"
                                       " walker INTEGER NOT NULL,"
                                       " seq INTEGER NOT NULL,"
                                       " PRIMARY KEY(ledger, walker, seq)) WITHOUT ROWID;";

/* ---- sqlite plumbing ---------------------------------------------------- */

/* A plain sentence for a sqlite failure: what is wrong, then what it means
 * for the entry (`what`), or for opening the ledger when what is NULL. */
int
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
		problem =
		    xasprintf("The card is read-only: the ledger %s cannot be written", l->path);
		break;
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		problem = xasprintf("The ledger %s cannot be written (read-only or no permission)",
		                    l->path);
		break;
	case SQLITE_IOERR:
		if (sqlite3_system_errno(l->db) == EROFS)
			problem = xasprintf(
			    "The card is read-only: the ledger %s cannot be written", l->path);
		else
			problem =
			    xstrdup("The disk could not be written (I/O error; check the card)");
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
sqlite3_stmt *
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
	/* every statement is kept (and finalized by ledger_free): the literals are few */
	if (l->nstmts == l->capstmts) {
		l->capstmts = l->capstmts ? l->capstmts * 2 : 64;
		l->stmts = xrealloc(l->stmts, l->capstmts * sizeof *l->stmts);
	}
	l->stmts[l->nstmts].sql = sql;
	l->stmts[l->nstmts].stmt = st;
	l->nstmts++;
	return st;
}

void
ledger_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Runs a statement with integer parameters; -1 on error. */
int
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

int
ledger_exec1(struct ledger *l, const char *sql, int64_t a)
{
	return ledger_exec_i(l, sql, 1, &a);
}

/* One integer from a query with integer parameters; def when no row. */
int64_t
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

/* The sentence for a write to a ledger that cannot be written. */
static int
ledger_read_only_fail(const char *path, const char *what, char **cause)
{
	if (what == NULL)
		return util_fail(
		    cause,
		    "The card is read-only: the ledger %s cannot be written, so nothing "
		    "was recorded. Reading it still works (report, log, check).",
		    path);
	return util_fail(cause,
	                 "The card is read-only: the ledger %s cannot be written, so %s was NOT "
	                 "recorded. Reading it still works (report, log, check).",
	                 path, what);
}

int
ledger_tx_begin(struct ledger *l, char **cause, const char *what)
{
	if (l->read_only)
		return ledger_read_only_fail(l->path, what, cause);
	if (l->batch)
		return 0;
	assert(!l->in_tx); /* no transaction inside another: a batch is the one way */
	if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return ledger_db_fail(l, cause, what);
	l->in_tx = 1;
	l->tx_seq = l->last_seq;
	memcpy(l->tx_hash, l->last_hash, LEDGER_HASH_LEN);
	return 0;
}

void
ledger_tx_rollback(struct ledger *l)
{
	if (l->in_tx)
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	l->in_tx = 0;
	l->batch = 0;
	ledger_load(l, NULL);
}

/* COMMIT; only after it returns is the entry acknowledged. */
int
ledger_tx_commit(struct ledger *l, char **cause, const char *what)
{
	if (l->batch)
		return 0;
	assert(l->in_tx && l->tx_seq >= l->last_seq); /* entries are only ever added */
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

/* ---- open and migrate ------------------------------------------------------ */

/* 0 when a file without a schema version is empty (a new ledger); else -1
 * naming what it is instead (HQ's database, another program's), checked
 * before anything is written to it. */
/* 1 when the file may not be a ledger: no schema version, or HQ's tables
 * (HQ's schema 2 has a user_version of its own). */
static int
ledger_maybe_foreign(struct ledger *l, int64_t version)
{
	return version == 0 ||
	       ledger_query_i(l,
	                      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
	                      "'bundles'",
	                      0, NULL, 0) > 0;
}

static int
ledger_foreign(struct ledger *l, char **cause)
{
	if (ledger_query_i(l, "SELECT COUNT(*) FROM sqlite_master", 0, NULL, 0) == 0)
		return 0;
	if (ledger_query_i(l,
	                   "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
	                   "('stations', 'merges', 'bundles')",
	                   0, NULL, 0) >= 2) /* HQ's schema 1, or 2 */
		return util_fail(
		    cause,
		    "%s is an HQ database, not a station's ledger: nothing was changed. "
		    "Give the station's ledger with --db (HQ reads this one with "
		    "hq-report).",
		    l->path);
	return util_fail(cause, "%s is a database of another program, not a W.A.T. ledger.",
	                 l->path);
}

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
	if (ledger_maybe_foreign(l, version) && ledger_foreign(l, cause) != 0) {
		ledger_tx_rollback(l);
		return -1;
	}
	/* Stepwise: each step takes version N to N+1. */
	if (version < 1 && ledger_exec_script(l, ledger_schema_v1, cause) != 0)
		goto fail;
	if (version < 2 && ledger_exec_script(l, ledger_schema_v2, cause) != 0)
		goto fail;
	if (version < 3 && ledger_exec_script(l, ledger_schema_v3, cause) != 0)
		goto fail;
	if (version < 5 && ledger_exec_script(l, ledger_schema_v5, cause) != 0)
		goto fail;
	if (version < 6 && ledger_exec_script(l, ledger_schema_v6, cause) != 0)
		goto fail;
	if (version < 7 && ledger_exec_script(l, ledger_schema_v7, cause) != 0)
		goto fail;
	/* Version 4: a lap scanned with its walker's check-in is judged as
	 * before that check-in (fold.c); version 6: reviews of flagged laps.
	 * Either way the figures are folded again, once, into the last
	 * version's tables. */
	if (version < 6 && (ledger_load(l, cause) != 0 || ledger_rebuild_locked(l, cause) != 0))
		goto fail;
	/* version 7: other stations' entries indexed (ledger_rebuild_locked
	 * does it for older ones) */
	if (version == 6 && ledger_peer_index_rebuild(l, cause) != 0)
		goto fail;
	if (ledger_exec_script(l, "PRAGMA user_version = " LEDGER_SCHEMA_VERSION_TEXT, cause) != 0)
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

/* Opens the file at path, which exists, as the one connection. */
static int
ledger_open_file(const char *path, struct ledger **out, char **cause)
{
	struct ledger *l = xcalloc(1, sizeof *l);
	const char *mode;
	sqlite3_stmt *st = NULL;
	int64_t sync, version;
	int rc, code;

	if (sodium_init() < 0) {
		free(l);
		return util_fail(cause, "The crypto library could not start.");
	}
	l->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
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
	/* another program's database is refused before journal_mode changes it */
	if ((version = ledger_query_i(l, "PRAGMA user_version", 0, NULL, -1)) < 0)
		goto dbfail;
	if (ledger_maybe_foreign(l, version) && ledger_foreign(l, cause) != 0)
		goto fail;
	/* and one of a newer schema before anything is written to it */
	if (version > LEDGER_SCHEMA_VERSION) {
		util_fail(cause,
		          "The ledger %s was written by a newer version of this program (schema "
		          "%" PRId64 "; this one reads up to %d); update the software. Nothing "
		          "was changed.",
		          path, version, LEDGER_SCHEMA_VERSION);
		goto fail;
	}
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
	code = sqlite3_extended_errcode(l->db) & 0xff;
	ledger_db_fail(l, cause, NULL);
	ledger_free(l);
	return code == SQLITE_BUSY || code == SQLITE_LOCKED ? LEDGER_BUSY : -1;
fail:
	ledger_free(l);
	return -1;
}

/* 0 when the ledger at path can be written in place; else why not (EROFS:
 * the card is mounted read-only; EACCES: the file, its WAL or its folder is
 * not writable, or the file is marked read-only (0444), which counts even
 * for root, who could write it anyway). */
static int
ledger_writable(const char *path, const struct stat *sb)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *wal = xasprintf("%s-wal", path);
	struct stat ws;
	int err = 0;

	if (slash != NULL)
		slash[slash == dir] = '\0';
	else
		strcpy(dir, ".");
	if (access(path, W_OK) != 0)
		err = errno;
	else if ((sb->st_mode & 0222) == 0)
		err = EACCES;
	else if (access(dir, W_OK) != 0)
		err = errno;
	else if (stat(wal, &ws) == 0 && access(wal, W_OK) != 0)
		err = errno;
	else if (stat(wal, &ws) == 0 && (ws.st_mode & 0222) == 0)
		err = EACCES;
	free(wal);
	free(dir);
	return err;
}

/* Copies src to dst (made 0600); a missing src copies nothing. */
static int
ledger_copy_file(const char *src, const char *dst, int must_exist, char **cause)
{
	char buf[65536];
	ssize_t n = 0;
	int in, out = -1, rc = -1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return util_fail(cause, "Cannot read the ledger %s: %s.", src, strerror(errno));
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		goto fail;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto fail;
	if (n < 0)
		goto fail;
	rc = 0;
	goto end;
fail:
	util_fail(cause, "Cannot copy the read-only ledger %s to read it: %s.", src,
	          strerror(errno));
end:
	if (out >= 0)
		close(out);
	close(in);
	return rc;
}

/* A ledger that cannot be written (a card the kernel remounted read-only, a
 * 0444 file) is read from a copy of the file and its WAL in a private folder
 * ($TMPDIR, else /dev/shm, a tmpfs): sqlite cannot open a WAL database where
 * it cannot write, and immutable=1 would skip what is only in the WAL.  The
 * copy is writable for sqlite (WAL recovery, check's savepoint) but marked
 * read-only for us, and removed by ledger_free. */
static int
ledger_open_copy(const char *path, struct ledger **out, char **cause)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *db = NULL, *from = NULL, *to = NULL;
	struct ledger *l = NULL;
	int rc = -1;

	if (tmp == NULL || *tmp == '\0')
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	dir = xasprintf("%s/wat-ledger-XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		util_fail(cause, "Cannot make a folder in %s to read the read-only ledger: %s.",
		          tmp, strerror(errno));
		free(dir);
		return -1;
	}
	db = xasprintf("%s/ledger.db", dir);
	from = xasprintf("%s-wal", path);
	to = xasprintf("%s-wal", db);
	if (ledger_copy_file(path, db, 1, cause) != 0 || ledger_copy_file(from, to, 0, cause) != 0)
		goto end;
	if (ledger_open_file(db, &l, cause) != 0)
		goto end;
	free(l->path);
	l->path = xstrdup(path);
	l->copy_dir = dir;
	l->read_only = 1;
	dir = NULL;
	*out = l;
	rc = 0;
end:
	if (dir != NULL) {
		ledger_remove_files(db);
		rmdir(dir);
	}
	free(to);
	free(from);
	free(db);
	free(dir);
	return rc;
}

int
ledger_open_mode(const char *path, enum ledger_open how, struct ledger **out, char **cause)
{
	struct stat sb;
	char *wal;
	int fd, err;

	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			return util_fail(cause, "Cannot open the ledger %s: %s.", path,
			                 strerror(errno));
		if (how != LEDGER_CREATE)
			return util_fail(cause,
			                 "There is no ledger %s: check the file name (only "
			                 "'watctl init' makes a new ledger).",
			                 path);
		/* made here, 0600 whatever the umask: it holds the badge key (sqlite
		 * gives its -wal and -shm the same mode) */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
			if (errno == EROFS)
				return util_fail(
				    cause,
				    "The card is read-only: the ledger %s cannot be made "
				    "there.",
				    path);
			return util_fail(cause, "Cannot make the ledger %s: %s.", path,
			                 strerror(errno));
		}
		fchmod(fd, 0600);
		close(fd);
		return ledger_open_file(path, out, cause);
	}
	if (S_ISDIR(sb.st_mode))
		return util_fail(cause, "%s is a folder, not a ledger.", path);
	if ((err = ledger_writable(path, &sb)) != 0) {
		if (how != LEDGER_READ)
			return ledger_read_only_fail(path, NULL, cause);
		return ledger_open_copy(path, out, cause);
	}
	/* a ledger made by an older version (0644) is made private now */
	if ((sb.st_mode & 077) != 0 && sb.st_uid == geteuid()) {
		chmod(path, 0600);
		wal = xasprintf("%s-wal", path);
		chmod(wal, 0600);
		free(wal);
	}
	return ledger_open_file(path, out, cause);
}

int
ledger_open(const char *path, struct ledger **out, char **cause)
{
	return ledger_open_mode(path, LEDGER_CREATE, out, cause);
}

int
ledger_remove_files(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char *p;
	size_t i;
	int rc = 0;

	for (i = 0; i < nitems(suffix); i++) {
		p = xasprintf("%s%s", path, suffix[i]);
		if (unlink(p) != 0 && errno != ENOENT)
			rc = -1;
		free(p);
	}
	return rc;
}

void
ledger_free(struct ledger *l)
{
	size_t i;
	char *p;

	if (l == NULL)
		return;
	for (i = 0; i < l->nstmts; i++)
		sqlite3_finalize(l->stmts[i].stmt);
	free(l->stmts);
	if (l->db != NULL)
		sqlite3_close(l->db);
	if (l->copy_dir != NULL) {
		p = xasprintf("%s/ledger.db", l->copy_dir);
		ledger_remove_files(p);
		free(p);
		rmdir(l->copy_dir);
		free(l->copy_dir);
	}
	sodium_memzero(&l->badge, sizeof l->badge);
	ledger_pfold_free(l);
	ledger_pl_cache_free(l);
	free(l->path);
	free(l);
}

void
ledger_set_clock(struct ledger *l, void (*now)(struct stamp *, void *), void *arg)
{
	l->clock = now;
	l->clock_arg = arg;
}

void
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
	int64_t closed =
	    ledger_query_i(l, "SELECT value FROM counters WHERE key = 'closed_seq'", 0, NULL, 0);

	if (seq != NULL)
		*seq = closed;
	return closed != 0;
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
