/* ledger_append.c — see ledger_int.h. */
#include "ledger_int.h"

#include <assert.h>

/* ---- appending ------------------------------------------------------------ */

void
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
            uint32_t walker, int64_t ref, const unsigned char *ref_ledger, const char *data_json)
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
	if (ref != 0 && ref_ledger != NULL) {
		/* another station's entry (entry.h): {"ledger": "<64 hex>", "seq": N} */
		strbuf_puts(&b, ",\"ref\":{\"ledger\":\"");
		for (size_t i = 0; i < LEDGER_HASH_LEN; i++)
			strbuf_printf(&b, "%02x", ref_ledger[i]);
		strbuf_printf(&b, "\",\"seq\":%" PRId64 "}", ref);
	} else if (ref != 0) {
		strbuf_printf(&b, ",\"ref\":%" PRId64, ref);
	}
	strbuf_puts(&b, ",\"data\":");
	strbuf_puts(&b, data_json != NULL && *data_json != '\0' ? data_json : "{}");
	strbuf_puts(&b, "}");
	return strbuf_take(&b);
}

/* Appends one entry inside an open transaction and applies it. */
int
ledger_put(struct ledger *l, const char *kind, uint32_t walker, int64_t ref, int64_t amount,
           const char *data_json, const char *op, int64_t *seq_out, char **cause)
{
	return ledger_put_ref(l, kind, walker, ref, NULL, amount, data_json, op, seq_out, cause);
}

int
ledger_put_ref(struct ledger *l, const char *kind, uint32_t walker, int64_t ref,
               const unsigned char *ref_ledger, int64_t amount, const char *data_json,
               const char *op, int64_t *seq_out, char **cause)
{
	static const char sql[] = "INSERT INTO entries(seq, kind, walker, ref, amount, wall_ms, "
	                          "mono_ms, boot, op, line, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	                          "?7, ?8, ?9, ?10, ?11)";
	struct stamp now;
	sqlite3_stmt *st;
	unsigned char hash[LEDGER_HASH_LEN];
	int64_t seq = l->tx_seq + 1;
	struct entry e;
	char *line = NULL, *why = NULL;
	int rc = -1;

	assert(l->in_tx || l->batch); /* an entry goes in with its figures, or not at all */

	if (op == NULL || *op == '\0')
		op = "unknown";
	if (text_check(op, "operator's name", cause) != 0)
		goto end;
	if (data_json != NULL &&
	    (!text_valid_utf8(data_json, strlen(data_json)) || *data_json != '{')) {
		util_fail(cause, "Internal error: an entry's data is not a JSON object.");
		goto end;
	}
	ledger_now(l, &now);
	line = ledger_line(l, seq, kind, &now, op, walker, ref, ref_ledger, data_json);
	/* what the kind's definition says it must hold, before it is written */
	if (entry_decode(line, strlen(line), &e, &why) != 0) {
		util_fail(cause, "Internal error, nothing was recorded: %s", why);
		free(why);
		goto end;
	}
	/* the line says what was asked: the next number, the walker, the entry named */
	assert(e.seq == seq && e.walker == walker && e.ref.seq == ref &&
	       e.ref.other == (ref_ledger != NULL && ref != 0));
	ledger_chain_hash(l->tx_hash, line, strlen(line), hash);
	if ((st = ledger_stmt(l, sql)) == NULL) {
		ledger_db_fail(l, cause, "the entry");
		goto end;
	}
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (walker != 0)
		sqlite3_bind_int64(st, 3, walker);
	if (ref != 0 && ref_ledger == NULL) /* the column names this ledger's entries only */
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
	if (ledger_apply(l, &e, cause) != 0)
		goto end;
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

/* A station id (docs/FORMATS.md): 1 to 16 of A-Z, 0-9 and '-', starting and
 * ending with a letter or digit, no "--": it goes into file names and onto
 * command lines, where "-rf" would read as an option. */
static int
ledger_valid_station(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= LEDGER_STATION_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n && s[0] != '-' &&
	       s[n - 1] != '-' && strstr(s, "--") == NULL;
}

int
ledger_init_event(struct ledger *l, const struct ledger_init *in, const char *op, char **cause)
{
	return ledger_init_as(l, in, 0, op, cause);
}

int
ledger_init_as(struct ledger *l, const struct ledger_init *in, int training, const char *op,
               char **cause)
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
		util_fail(cause,
		          "The station id \"%s\" may use only letters, digits and '-', and starts "
		          "and ends with a letter or digit (T1, T2, LAP-2).",
		          station);
		goto end;
	}
	if (setting_canon(setting_find("name"), in->name ? in->name : "", &name, cause) != 0 ||
	    setting_canon(setting_find("city"), in->city ? in->city : "", &city, cause) != 0 ||
	    setting_canon(setting_find("date"), in->date ? in->date : "", &date, cause) != 0)
		goto end;
	goal = xasprintf("%" PRId64, in->goal_cents > 0 ? in->goal_cents : 0);
	if (in->badge != NULL)
		be = *in->badge;
	else
		badge_event_generate(&be);
	be.training = training != 0;

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
	if (training)
		strbuf_puts(&data, ",\"training\":true");
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
