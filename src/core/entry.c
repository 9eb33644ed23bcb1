/* entry.c — the entry kinds and their fields, and decoding an entry's line;
 * see entry.h. */
#include "entry.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define F(key, type, req)                                                                          \
	{                                                                                          \
		(key), (type), (req)                                                               \
	}

static const struct entry_field entry_event_fields[] = {
    F("name", ENTRY_TEXT, 1), F("city", ENTRY_TEXT, 1), F("date", ENTRY_TEXT, 1),
    F("goal", ENTRY_INT, 0),  F("tag", ENTRY_TEXT, 1),  F("training", ENTRY_BOOL, 0),
};
static const struct entry_field entry_settings_fields[] = {
    F("key", ENTRY_TEXT, 1),
    F("value", ENTRY_TEXT, 1),
};
static const struct entry_field entry_walker_fields[] = {
    F("name", ENTRY_TEXT, 1),  F("team", ENTRY_TEXT, 0),   F("email", ENTRY_TEXT, 0),
    F("phone", ENTRY_TEXT, 0), F("ext_id", ENTRY_TEXT, 0), F("source", ENTRY_TEXT, 0),
};
/* waiver: the version of the event's waiver agreed to; waiver_by: "walker",
 * "guardian: NAME" (a parent or guardian for a minor), or "online" (the
 * registration site, carried by the roster). */
static const struct entry_field entry_update_fields[] = {
    F("name", ENTRY_TEXT, 0),      F("team", ENTRY_TEXT, 0),   F("email", ENTRY_TEXT, 0),
    F("phone", ENTRY_TEXT, 0),     F("ext_id", ENTRY_TEXT, 0), F("waiver", ENTRY_TEXT, 0),
    F("waiver_by", ENTRY_TEXT, 0),
};
static const struct entry_field entry_checkin_fields[] = {
    F("how", ENTRY_HOW, 1),
};
static const struct entry_field entry_lap_fields[] = {
    F("how", ENTRY_HOW, 1), F("n", ENTRY_POS, 0),
    F("since_ms", ENTRY_INT, 0),  /* scanned too soon: this long after the last */
    F("override", ENTRY_BOOL, 0), /* by hand too soon, on a coordinator's word */
};
static const struct entry_field entry_lap_review_fields[] = {
    F("verdict", ENTRY_VERDICT, 1),
    F("reason", ENTRY_TEXT, 0),
};
static const struct entry_field
    entry_donation_fields
        [] =
            {
                F("cents", ENTRY_POS, 1),     F("method", ENTRY_METHOD, 1),
                F("check_no", ENTRY_TEXT, 0), F("donor", ENTRY_TEXT, 0),
                F("pledges", ENTRY_ANY, 0), /* [[pledge seq, cents], ...]: a sponsor's payment */
};
static const struct entry_field entry_pledge_fields[] = {
    F("sponsor", ENTRY_TEXT, 1),     F("kind", ENTRY_PKIND, 1),  F("rate", ENTRY_POS, 1),
    F("max", ENTRY_POS, 0),          F("email", ENTRY_TEXT, 0),  F("phone", ENTRY_TEXT, 0),
    F("address", ENTRY_TEXT, 0),     F("ext_id", ENTRY_TEXT, 0), F("online_cents", ENTRY_POS, 0),
    F("online_date", ENTRY_TEXT, 0), F("source", ENTRY_TEXT, 0),
};
static const struct entry_field entry_certify_fields[] = {
    F("stations", ENTRY_ANY, 1), /* [{"station", "ledger", "seq"}, ...] */
};
static const struct entry_field entry_annul_fields[] = {
    F("reason", ENTRY_TEXT, 1),
    F("kind", ENTRY_TEXT, 0),
};
static const struct entry_field entry_print_fields[] = {
    F("what", ENTRY_TEXT, 1),   F("of", ENTRY_INT, 0),       F("count", ENTRY_INT, 0),
    F("copy", ENTRY_BOOL, 0),   F("outcome", ENTRY_TEXT, 1), F("queue", ENTRY_TEXT, 0),
    F("job", ENTRY_INT, 0),     F("file", ENTRY_TEXT, 0),    F("reasons", ENTRY_TEXT, 0),
    F("settles", ENTRY_POS, 0),
};
static const struct entry_field entry_closeout_fields[] = {
    F("cash_cents", ENTRY_INT, 1),
    F("cash_expected_cents", ENTRY_INT, 1),
    F("denominations", ENTRY_TEXT, 0),
    F("checks", ENTRY_INT, 0),
    F("check_cents", ENTRY_INT, 0),
    F("checks_expected", ENTRY_INT, 0),
    F("check_expected_cents", ENTRY_INT, 0),
    F("other_expected_cents", ENTRY_INT, 0),
    F("counters", ENTRY_ANY, 0),
    F("note", ENTRY_TEXT, 0),
    F("unprinted", ENTRY_ANY, 0),
};
static const struct entry_field entry_reopen_fields[] = {
    F("reason", ENTRY_TEXT, 1),
};
static const struct entry_field entry_export_fields[] = {
    F("n", ENTRY_POS, 1),
    F("file", ENTRY_TEXT, 0),
};

/* Another station's entries are named by its ledger identity (64 hex) and
 * its station id (for words); the walker numbers are the event's. */
static const struct entry_field entry_link_fields[] = {
    F("walker", ENTRY_POS, 1),
    F("station", ENTRY_TEXT, 1),
    F("ledger", ENTRY_TEXT, 1),
    F("other_walker", ENTRY_POS, 1),
};
static const struct entry_field entry_review_fields[] = {
    F("station", ENTRY_TEXT, 1), F("ledger", ENTRY_TEXT, 1), F("seq", ENTRY_POS, 1),
    F("walker", ENTRY_POS, 0),   F("reason", ENTRY_TEXT, 1),
};

/* HQ's answer to the bundle of export n posted to its inbox (send.h). */
static const struct entry_field entry_hq_receipt_fields[] = {
    F("n", ENTRY_POS, 1),
    F("file", ENTRY_TEXT, 0),
    F("status", ENTRY_TEXT, 1),
    F("said", ENTRY_TEXT, 1),
    F("detail", ENTRY_TEXT, 0),
    F("number", ENTRY_POS, 0),
    F("received_at", ENTRY_TEXT, 0),
    F("inbox", ENTRY_TEXT, 0),
};

#define FIELDS(a) (a), (sizeof(a) / sizeof(a)[0])

/* Every kind of entry there is, and only these. */
static const struct entry_kind_def entry_kinds[ENTRY_NKINDS] = {
    [ENTRY_EVENT] = {"event", ENTRY_STATION, 0, 0, 0, FIELDS(entry_event_fields)},
    [ENTRY_SETTINGS] = {"settings", ENTRY_STATION, 0, 0, 1, FIELDS(entry_settings_fields)},
    [ENTRY_WALKER] = {"walker", ENTRY_WALKER_SCOPE, 1, 0, 1, FIELDS(entry_walker_fields)},
    [ENTRY_WALKER_UPDATE] = {"walker-update", ENTRY_WALKER_SCOPE, 1, 0, 1,
                             FIELDS(entry_update_fields)},
    [ENTRY_CHECKIN] = {"checkin", ENTRY_WALKER_SCOPE, 1, 0, 1, FIELDS(entry_checkin_fields)},
    [ENTRY_LAP] = {"lap", ENTRY_WALKER_SCOPE, 1, 0, 1, FIELDS(entry_lap_fields)},
    [ENTRY_DONATION] = {"donation", ENTRY_WALKER_SCOPE, 1, 0, 1, FIELDS(entry_donation_fields)},
    [ENTRY_ANNUL] = {"annul", ENTRY_UNDO, 0, 1, 0, FIELDS(entry_annul_fields)},
    [ENTRY_PRINT] = {"print", ENTRY_RECORD, 0, 0, 1, FIELDS(entry_print_fields)},
    [ENTRY_CLOSEOUT] = {"closeout", ENTRY_STATION, 0, 0, 1, FIELDS(entry_closeout_fields)},
    [ENTRY_REOPEN] = {"reopen", ENTRY_STATION, 0, 0, 1, FIELDS(entry_reopen_fields)},
    [ENTRY_EXPORT] = {"export", ENTRY_STATION, 0, 0, 1, FIELDS(entry_export_fields)},
    [ENTRY_PIN_SET] = {"pin-set", ENTRY_RECORD, 0, 0, 1, NULL, 0},
    [ENTRY_PIN_RECOVER] = {"pin-recover", ENTRY_RECORD, 0, 0, 1, NULL, 0},
    [ENTRY_PIN_OK] = {"pin-ok", ENTRY_RECORD, 0, 0, 1, NULL, 0},
    [ENTRY_PIN_FAIL] = {"pin-fail", ENTRY_RECORD, 0, 0, 1, NULL, 0},
    [ENTRY_LINK] = {"link", ENTRY_RECORD, 0, 0, 1, FIELDS(entry_link_fields)},
    [ENTRY_REVIEW] = {"review", ENTRY_RECORD, 0, 0, 1, FIELDS(entry_review_fields)},
    [ENTRY_LAP_REVIEW] = {"lap-review", ENTRY_WALKER_SCOPE, 1, 1, 1,
                          FIELDS(entry_lap_review_fields)},
    /* pledges and their certification: no station figure (pledge.h folds them) */
    [ENTRY_PLEDGE] = {"pledge", ENTRY_RECORD, 1, 0, 1, FIELDS(entry_pledge_fields)},
    [ENTRY_CERTIFY] = {"certify", ENTRY_RECORD, 0, 0, 0, FIELDS(entry_certify_fields)},
    [ENTRY_CERTIFY_REOPEN] = {"certify-reopen", ENTRY_RECORD, 0, 0, 0, FIELDS(entry_reopen_fields)},
    [ENTRY_HQ_RECEIPT] = {"hq-receipt", ENTRY_RECORD, 0, 0, 0, FIELDS(entry_hq_receipt_fields)},
};

const struct entry_kind_def *
entry_kind(enum entry_kind k)
{
	return (size_t)k < ENTRY_NKINDS ? &entry_kinds[k] : NULL;
}

int
entry_kind_find(const char *name, size_t n, enum entry_kind *k)
{
	size_t i;

	for (i = 0; i < ENTRY_NKINDS; i++) {
		if (strlen(entry_kinds[i].name) == n && memcmp(entry_kinds[i].name, name, n) == 0) {
			*k = (enum entry_kind)i;
			return 0;
		}
	}
	return -1;
}

struct json_value
entry_member(const struct entry *e, const char *key)
{
	struct json_value v;

	json_member(&e->data, key, &v);
	return v;
}

static int
entry_hex(const char *p, size_t n, unsigned char *out, size_t len)
{
	size_t i;

	if (n != 2 * len)
		return -1;
	for (i = 0; i < n; i++) {
		int c = p[i], v = c >= '0' && c <= '9'   ? c - '0'
		                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
		                                         : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

int
entry_id_parse(const char *hex, size_t n, unsigned char out[ENTRY_ID_LEN])
{
	return entry_hex(hex, n, out, ENTRY_ID_LEN);
}

/* "ref": N, or {"ledger": "<hex>", "seq": N}. */
static int
entry_ref_decode(const struct json_value *v, struct entry_ref *r)
{
	struct json_value m[2];
	static const char *const keys[] = {"ledger", "seq"};

	memset(r, 0, sizeof *r);
	if (v->type == JSON_NONE)
		return 0;
	if (v->type == JSON_NUMBER)
		return json_int(v, &r->seq) == 0 && r->seq > 0 ? 0 : -1;
	if (v->type != JSON_OBJECT)
		return -1;
	json_members(v, keys, m, 2);
	if (m[0].type != JSON_STRING ||
	    entry_hex(m[0].p + 1, m[0].n - 2, r->ledger, ENTRY_ID_LEN) != 0 ||
	    json_int(&m[1], &r->seq) != 0 || r->seq <= 0)
		return -1;
	r->other = 1;
	return 0;
}

static int
entry_field_ok(const struct entry_field *f, const struct json_value *v)
{
	int64_t n;

	switch (f->type) {
	case ENTRY_TEXT: return v->type == JSON_STRING;
	case ENTRY_INT: return json_int(v, &n) == 0;
	case ENTRY_POS: return json_int(v, &n) == 0 && n > 0;
	case ENTRY_HOW: return json_is(v, "scan") || json_is(v, "manual");
	case ENTRY_METHOD: return json_is(v, "cash") || json_is(v, "check") || json_is(v, "other");
	case ENTRY_BOOL: return v->type == JSON_TRUE || v->type == JSON_FALSE;
	case ENTRY_ANY: return v->type != JSON_NONE;
	case ENTRY_VERDICT: return json_is(v, "accept") || json_is(v, "reject");
	case ENTRY_PKIND:
		return json_is(v, "flat") || json_is(v, "lap") || json_is(v, "mile") ||
		       json_is(v, "km");
	}
	return 0;
}

static const char *
entry_ftype_words(enum entry_ftype t)
{
	switch (t) {
	case ENTRY_TEXT: return "text";
	case ENTRY_INT: return "a whole number";
	case ENTRY_POS: return "a whole number above 0";
	case ENTRY_HOW: return "\"scan\" or \"manual\"";
	case ENTRY_METHOD: return "\"cash\", \"check\" or \"other\"";
	case ENTRY_BOOL: return "true or false";
	case ENTRY_VERDICT: return "\"accept\" or \"reject\"";
	case ENTRY_PKIND: return "\"flat\", \"lap\", \"mile\" or \"km\"";
	default: return "a value";
	}
}

/* The kind's own fields in e->data, and what they decode to. */
static int
entry_fields(struct entry *e, const struct entry_kind_def *d, char **cause)
{
	struct json_value v;
	size_t i;

	for (i = 0; i < d->nfields; i++) {
		const struct entry_field *f = &d->fields[i];

		json_member(&e->data, f->key, &v);
		if (v.type == JSON_NONE || v.type == JSON_NULL) {
			if (f->required)
				return util_fail(cause, "Entry %" PRId64 " (%s) has no \"%s\".",
				                 e->seq, d->name, f->key);
			continue;
		}
		if (!entry_field_ok(f, &v))
			return util_fail(cause, "Entry %" PRId64 " (%s): \"%s\" must be %s.",
			                 e->seq, d->name, f->key, entry_ftype_words(f->type));
	}
	switch (e->kind) {
	case ENTRY_CHECKIN:
	case ENTRY_LAP:
		v = entry_member(e, "how");
		e->manual = json_is(&v, "manual");
		v = entry_member(e, "override");
		e->override = e->kind == ENTRY_LAP && v.type == JSON_TRUE;
		break;
	case ENTRY_LAP_REVIEW:
		v = entry_member(e, "verdict");
		e->accept = json_is(&v, "accept");
		break;
	case ENTRY_DONATION:
		v = entry_member(e, "cents");
		json_int(&v, &e->cents);
		v = entry_member(e, "method");
		e->method = json_is(&v, "cash")    ? RULES_CASH
		            : json_is(&v, "check") ? RULES_CHECK
		                                   : RULES_OTHER;
		break;
	case ENTRY_EXPORT:
		v = entry_member(e, "n");
		json_int(&v, &e->export_n);
		break;
	default: break;
	}
	return 0;
}

int
entry_decode(const char *line, size_t len, struct entry *e, char **cause)
{
	static const char *const keys[] = {"seq",  "station", "kind",   "wall_ms", "mono_ms",
	                                   "boot", "op",      "walker", "ref",     "data"};
	struct json_value root, m[10];
	const struct entry_kind_def *d;
	int64_t n;

	memset(e, 0, sizeof *e);
	if (json_parse(line, len, &root) != 0 || root.type != JSON_OBJECT)
		return util_fail(cause, "An entry is not a JSON object.");
	json_members(&root, keys, m, nitems(keys));
	if (json_int(&m[0], &e->seq) != 0 || e->seq <= 0)
		return util_fail(cause, "An entry has no sequence number.");
	if (m[1].type != JSON_STRING || m[1].n < 3 || m[1].n - 2 > ENTRY_STATION_MAX)
		return util_fail(cause, "Entry %" PRId64 " has no station id.", e->seq);
	memcpy(e->station, m[1].p + 1, m[1].n - 2);
	if (m[2].type != JSON_STRING || m[2].n < 3)
		return util_fail(cause, "Entry %" PRId64 " has no kind.", e->seq);
	if (entry_kind_find(m[2].p + 1, m[2].n - 2, &e->kind) != 0)
		return util_fail(
		    cause,
		    "Entry %" PRId64 " is of a kind this software does not know (%.*s): it "
		    "was written by newer software, or damaged. Nothing was read as it.",
		    e->seq, (int)(m[2].n - 2 > ENTRY_KIND_MAX ? ENTRY_KIND_MAX : m[2].n - 2),
		    m[2].p + 1);
	d = &entry_kinds[e->kind];
	if (json_int(&m[3], &e->at.wall_ms) != 0 || json_int(&m[4], &e->at.mono_ms) != 0)
		return util_fail(cause, "Entry %" PRId64 " has no time.", e->seq);
	if (m[5].type != JSON_STRING || m[5].n - 2 > STAMP_BOOT_LEN)
		return util_fail(cause, "Entry %" PRId64 " has no boot id.", e->seq);
	memcpy(e->at.boot, m[5].p + 1, m[5].n - 2);
	if (m[6].type != JSON_STRING)
		return util_fail(cause, "Entry %" PRId64 " does not say who made it.", e->seq);
	e->op = m[6];
	if (m[7].type != JSON_NONE) {
		if (json_int(&m[7], &n) != 0 || n <= 0 || n > UINT32_MAX)
			return util_fail(
			    cause, "Entry %" PRId64 ": \"walker\" is not a walker number.", e->seq);
		e->walker = (uint32_t)n;
	}
	if (d->walker && e->walker == 0)
		return util_fail(cause, "Entry %" PRId64 " (%s) names no walker.", e->seq, d->name);
	if (entry_ref_decode(&m[8], &e->ref) != 0)
		return util_fail(
		    cause, "Entry %" PRId64 ": \"ref\" is not a reference to an entry.", e->seq);
	if (d->ref && e->ref.seq == 0)
		return util_fail(cause, "Entry %" PRId64 " (%s) names no entry.", e->seq, d->name);
	if (m[9].type != JSON_OBJECT)
		return util_fail(cause, "Entry %" PRId64 " has no data.", e->seq);
	e->data = m[9];
	return entry_fields(e, d, cause);
}
