/* pledge.c — the pledge rule, one ledger's pledges, the pledges CSV; see
 * pledge.h. */
#include "pledge.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amount.h"
#include "csv.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

static const char *const pledge_kinds[PLEDGE_NKINDS] = {
    [PLEDGE_FLAT] = "flat", [PLEDGE_LAP] = "lap", [PLEDGE_MILE] = "mile", [PLEDGE_KM] = "km"};

/* What people type for each kind (after "per " and blanks are dropped). */
static const struct {
	const char *word;
	enum pledge_kind k;
} pledge_kind_words[] = {
    {"flat", PLEDGE_FLAT},       {"fixed", PLEDGE_FLAT},      {"once", PLEDGE_FLAT},
    {"lap", PLEDGE_LAP},         {"perlap", PLEDGE_LAP},      {"mile", PLEDGE_MILE},
    {"permile", PLEDGE_MILE},    {"mi", PLEDGE_MILE},         {"km", PLEDGE_KM},
    {"perkm", PLEDGE_KM},        {"kilometre", PLEDGE_KM},    {"kilometer", PLEDGE_KM},
    {"perkilometre", PLEDGE_KM}, {"perkilometer", PLEDGE_KM},
};

const char *
pledge_kind_name(enum pledge_kind k)
{
	return (size_t)k < PLEDGE_NKINDS ? pledge_kinds[k] : "flat";
}

int
pledge_kind_parse(const char *s, enum pledge_kind *k)
{
	char key[24];
	size_t i, n = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '-' || *s == '_')
			continue;
		if (n + 1 >= sizeof key)
			return -1;
		key[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	}
	key[n] = '\0';
	for (i = 0; i < nitems(pledge_kind_words); i++)
		if (strcmp(key, pledge_kind_words[i].word) == 0) {
			*k = pledge_kind_words[i].k;
			return 0;
		}
	return -1;
}

void
pledge_terms_format(const struct pledge_terms *t, char *buf, size_t len)
{
	static const char *const per[PLEDGE_NKINDS] = {[PLEDGE_FLAT] = "",
	                                               [PLEDGE_LAP] = " a lap",
	                                               [PLEDGE_MILE] = " a mile",
	                                               [PLEDGE_KM] = " a km"};
	char rate[32], max[32];

	amount_format(t->rate_cents, rate, sizeof rate);
	if (t->max_cents > 0 && t->kind != PLEDGE_FLAT)
		snprintf(buf, len, "%s%s (at most %s)", rate, per[t->kind],
		         amount_format(t->max_cents, max, sizeof max));
	else
		snprintf(buf, len, "%s%s", rate, per[t->kind]);
}

int64_t
pledge_billed_laps(int64_t counted, int64_t cap)
{
	if (counted < 0)
		return 0;
	return cap > 0 && counted > cap ? cap : counted;
}

int
pledge_owed(const struct pledge_terms *t, int64_t counted_laps, const struct setting_length *lap,
            int64_t lap_cap, int64_t *owed, char **cause)
{
	int64_t laps = pledge_billed_laps(counted_laps, lap_cap), v;

	*owed = 0;
	if (t->rate_cents <= 0)
		return util_fail(cause, "A pledge's rate must be above $0.00.");
	switch (t->kind) {
	case PLEDGE_FLAT: v = t->rate_cents; break;
	case PLEDGE_LAP:
		if (laps != 0 && t->rate_cents > INT64_MAX / laps)
			return util_fail(cause, "The pledge comes to more than can be counted.");
		v = t->rate_cents * laps; /* whole cents: nothing to round */
		break;
	case PLEDGE_MILE:
	case PLEDGE_KM:
		if (lap == NULL || lap->milli <= 0)
			return util_fail(cause,
			                 "The lap length is not set, so a pledge per %s cannot be "
			                 "settled: set it first (setting lap-length).",
			                 t->kind == PLEDGE_MILE ? "mile" : "km");
		/* exact distance, rounded half a cent up once (setting.h) */
		v = setting_per_distance(lap, laps, t->rate_cents,
		                         t->kind == PLEDGE_MILE ? SETTING_MI : SETTING_KM);
		if (v < 0)
			return util_fail(cause, "The pledge comes to more than can be counted.");
		break;
	default: return util_fail(cause, "A pledge of an unknown kind cannot be settled.");
	}
	if (t->max_cents > 0 && v > t->max_cents)
		v = t->max_cents;
	*owed = v;
	return 0;
}

/* ---- one ledger's pledges ---- */

/* pledge_rule_settings over es[0..n), the entries up to upto (the ledger's
 * entries 1..upto, or some of them). */
static void
pledge_rule_settings_upto(const struct entry *es, size_t n, int64_t upto, const struct fold *f,
                          struct setting_length *lap, int64_t *cap)
{
	const struct setting *ls = setting_find("lap-length");

	memset(lap, 0, sizeof *lap);
	*cap = 0;
	setting_length_parse(ls->def, ls->max, lap);
	for (size_t i = 0; i < n; i++) {
		int64_t by = fold_annulled_by(f, es[i].seq);
		struct json_value k, v;
		char *key, *value;

		if (es[i].kind != ENTRY_SETTINGS || (by != 0 && by <= upto))
			continue;
		k = entry_member(&es[i], "key");
		v = entry_member(&es[i], "value");
		key = json_str(&k);
		value = json_str(&v);
		if (key != NULL && value != NULL) {
			if (strcmp(key, "lap-length") == 0 &&
			    setting_length_parse(value, ls->max, lap) != 0)
				memset(lap, 0, sizeof *lap);
			else if (strcmp(key, "pledge-lap-cap") == 0)
				*cap = strtoll(value, NULL, 10);
		}
		free(key);
		free(value);
	}
}

void
pledge_rule_settings(const struct entry *es, size_t n, const struct fold *f,
                     struct setting_length *lap, int64_t *cap)
{
	pledge_rule_settings_upto(es, n, (int64_t)n, f, lap, cap);
}

static char *
pledge_member(const struct entry *e, const char *key)
{
	struct json_value v = entry_member(e, key);

	return v.type == JSON_STRING ? json_str(&v) : NULL;
}

static int64_t
pledge_member_int(const struct entry *e, const char *key)
{
	struct json_value v = entry_member(e, key);
	int64_t n = 0;

	return json_int(&v, &n) == 0 ? n : 0;
}

void
pledge_from_entry(const struct entry *e, struct pledge *p)
{
	char *kind = pledge_member(e, "kind");

	memset(p, 0, sizeof *p);
	p->seq = e->seq;
	p->walker = e->walker;
	p->sponsor = pledge_member(e, "sponsor");
	p->email = pledge_member(e, "email");
	p->phone = pledge_member(e, "phone");
	p->address = pledge_member(e, "address");
	p->ext_id = pledge_member(e, "ext_id");
	p->online_date = pledge_member(e, "online_date");
	if (kind == NULL || pledge_kind_parse(kind, &p->t.kind) != 0)
		p->t.kind = PLEDGE_FLAT; /* entry_decode allows only the four */
	p->t.rate_cents = pledge_member_int(e, "rate");
	p->t.max_cents = pledge_member_int(e, "max");
	p->online_cents = pledge_member_int(e, "online_cents");
	free(kind);
}

void
pledge_clear(struct pledge *p)
{
	free(p->sponsor);
	free(p->email);
	free(p->phone);
	free(p->address);
	free(p->ext_id);
	free(p->online_date);
	memset(p, 0, sizeof *p);
}

int
pledge_payment_items(const struct entry *e, int (*cb)(int64_t seq, int64_t cents, void *),
                     void *arg)
{
	struct json_value list = entry_member(e, "pledges"), item, a, b;
	const char *it = NULL;
	int64_t seq, cents;

	if (list.type == JSON_NONE)
		return 0;
	if (list.type != JSON_ARRAY)
		return -1;
	while (json_next(&list, &it, NULL, &item) == 1) {
		if (item.type != JSON_ARRAY || json_item(&item, 0, &a) != 0 ||
		    json_item(&item, 1, &b) != 0 || json_int(&a, &seq) != 0 ||
		    json_int(&b, &cents) != 0 || seq <= 0 || cents <= 0)
			return -1;
		if (cb(seq, cents, arg) != 0)
			return -1;
	}
	return 0;
}

const struct pledge *
pledge_book_find(const struct pledge_book *b, int64_t seq)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->p[mid].seq == seq)
			return &b->p[mid];
		if (b->p[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct pledge_pay_ctx {
	struct pledge_book *b;
	const struct entry *e;
	int64_t sum;
	char **cause;
};

static int
pledge_pay_cb(int64_t seq, int64_t cents, void *arg)
{
	struct pledge_pay_ctx *c = arg;
	struct pledge *p = (struct pledge *)pledge_book_find(c->b, seq);

	if (p == NULL || p->walker != c->e->walker)
		return util_fail(c->cause,
		                 "Entry %" PRId64 " pays entry %" PRId64
		                 ", which is not a pledge for the same walker.",
		                 c->e->seq, seq);
	if (cents > c->e->cents - c->sum)
		return util_fail(c->cause,
		                 "Entry %" PRId64 " puts more toward pledges than it received.",
		                 c->e->seq);
	c->sum += cents;
	/* a pledge annulled after it was paid: the money stays the sponsor's gift */
	if (p->annulled_by == 0)
		p->paid_cents += cents;
	return 0;
}

static void
pledge_cert_read(struct pledge_book *b, const struct entry *e)
{
	struct json_value list = entry_member(e, "stations"), item, m[3];
	static const char *const keys[] = {"station", "ledger", "seq"};
	const char *it = NULL;

	free(b->cert);
	b->cert = NULL;
	b->ncert = 0;
	b->cert_seq = e->seq;
	while (json_next(&list, &it, NULL, &item) == 1) {
		struct pledge_cert_station cs;

		memset(&cs, 0, sizeof cs);
		json_members(&item, keys, m, 3);
		if (m[0].type != JSON_STRING || m[1].type != JSON_STRING ||
		    json_int(&m[2], &cs.seq) != 0 || m[0].n - 2 > ENTRY_STATION_MAX ||
		    m[1].n - 2 != 2 * ENTRY_ID_LEN)
			continue;
		memcpy(cs.station, m[0].p + 1, m[0].n - 2);
		memcpy(cs.ledger, m[1].p + 1, m[1].n - 2);
		b->cert = xrealloc(b->cert, (b->ncert + 1) * sizeof *b->cert);
		b->cert[b->ncert++] = cs;
	}
}

int
pledge_book_run(const struct entry *es, size_t n, const struct fold *f, struct pledge_book **out,
                char **cause)
{
	struct pledge_book *b = xcalloc(1, sizeof *b);
	size_t i, cap = 0;

	*out = NULL;
	for (i = 0; i < n; i++) {
		const struct entry *e = &es[i];
		int64_t by = fold_annulled_by(f, e->seq);

		switch (e->kind) {
		case ENTRY_PLEDGE:
			if (b->n == cap) {
				cap = cap ? cap * 2 : 64;
				b->p = xrealloc(b->p, cap * sizeof *b->p);
			}
			pledge_from_entry(e, &b->p[b->n]);
			b->p[b->n++].annulled_by = by;
			break;
		case ENTRY_DONATION: {
			struct pledge_pay_ctx c = {b, e, 0, cause};

			if (by != 0)
				break;
			if (pledge_payment_items(e, pledge_pay_cb, &c) != 0) {
				if (c.sum == 0 && cause != NULL && *cause == NULL)
					util_fail(cause,
					          "Entry %" PRId64 ": \"pledges\" is not a list of "
					          "[pledge, cents].",
					          e->seq);
				pledge_book_free(b);
				return -1;
			}
			break;
		}
		case ENTRY_CERTIFY: pledge_cert_read(b, e); break;
		case ENTRY_CERTIFY_REOPEN: b->cert_seq = 0; break;
		default: break;
		}
	}
	if (b->cert_seq == 0) {
		free(b->cert);
		b->cert = NULL;
		b->ncert = 0;
	}
	*out = b;
	return 0;
}

void
pledge_book_free(struct pledge_book *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		pledge_clear(&b->p[i]);
	free(b->p);
	free(b->cert);
	free(b);
}

/* ---- the pledges CSV ---- */

enum pledge_col {
	PC_WALKER,
	PC_WALKER_EXT,
	PC_SPONSOR,
	PC_EMAIL,
	PC_PHONE,
	PC_ADDRESS,
	PC_KIND,
	PC_RATE,
	PC_MAX,
	PC_ID,
	PC_PAID,
	PC_PAID_DATE,
	PC_NCOLS
};

static const struct {
	const char *key;
	enum pledge_col col;
} pledge_headers[] = {
    {"walker", PC_WALKER},
    {"walkernumber", PC_WALKER},
    {"walkerno", PC_WALKER},
    {"badge", PC_WALKER},
    {"walkerid", PC_WALKER_EXT},
    {"registrationid", PC_WALKER_EXT},
    {"participantid", PC_WALKER_EXT},
    {"sponsor", PC_SPONSOR},
    {"sponsorname", PC_SPONSOR},
    {"donor", PC_SPONSOR},
    {"donorname", PC_SPONSOR},
    {"name", PC_SPONSOR},
    {"email", PC_EMAIL},
    {"sponsoremail", PC_EMAIL},
    {"phone", PC_PHONE},
    {"sponsorphone", PC_PHONE},
    {"address", PC_ADDRESS},
    {"sponsoraddress", PC_ADDRESS},
    {"kind", PC_KIND},
    {"type", PC_KIND},
    {"pledgetype", PC_KIND},
    {"rate", PC_RATE},
    {"amount", PC_RATE},
    {"pledge", PC_RATE},
    {"max", PC_MAX},
    {"maximum", PC_MAX},
    {"cap", PC_MAX},
    {"id", PC_ID},
    {"pledgeid", PC_ID},
    {"externalid", PC_ID},
    {"paid", PC_PAID},
    {"paidonline", PC_PAID},
    {"paiddate", PC_PAID_DATE},
    {"datepaid", PC_PAID_DATE},
};

/* Lowercase letters and digits only. */
static void
pledge_header_key(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < len; s++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = c;
	}
	out[n] = '\0';
}

/* The row's own text, for its messages: fields joined by commas, at most 80
 * characters, control characters shown escaped. */
static char *
pledge_row_text(const struct csv_record *rec)
{
	struct strbuf b = STRBUF_INIT;
	char *raw, *esc;
	size_t i;

	for (i = 0; i < rec->nfields; i++) {
		if (i > 0)
			strbuf_puts(&b, ",");
		strbuf_puts(&b, rec->fields[i]);
	}
	raw = strbuf_take(&b);
	if (raw == NULL)
		raw = xstrdup("");
	if (text_length(raw) > 80) {
		/* cut on a character boundary */
		size_t n = 0, chars = 0;
		while (raw[n] != '\0' && chars < 77) {
			n++;
			while (((unsigned char)raw[n] & 0xC0) == 0x80)
				n++;
			chars++;
		}
		strcpy(raw + n, "...");
	}
	esc = text_escape(raw, 0);
	free(raw);
	return esc;
}

static char *
pledge_field(const struct csv_record *rec, const int *cols, enum pledge_col c)
{
	char *v;

	if (cols[c] < 0 || (size_t)cols[c] >= rec->nfields)
		return NULL;
	v = xstrdup(rec->fields[cols[c]]);
	text_trim(v);
	if (*v == '\0') {
		free(v);
		return NULL;
	}
	return v;
}

/* Checks one row into r; the first problem in r->problem. */
static void
pledge_row_check(struct pledge_row *r, const struct csv_record *rec, const int *cols)
{
	char *walker = pledge_field(rec, cols, PC_WALKER), *kind = pledge_field(rec, cols, PC_KIND);
	char *rate = pledge_field(rec, cols, PC_RATE), *max = pledge_field(rec, cols, PC_MAX);
	char *paid = pledge_field(rec, cols, PC_PAID), *why = NULL;
	struct pledge *p = &r->p;
	size_t i;

	r->walker_ext = pledge_field(rec, cols, PC_WALKER_EXT);
	p->sponsor = pledge_field(rec, cols, PC_SPONSOR);
	p->email = pledge_field(rec, cols, PC_EMAIL);
	p->phone = pledge_field(rec, cols, PC_PHONE);
	p->address = pledge_field(rec, cols, PC_ADDRESS);
	p->ext_id = pledge_field(rec, cols, PC_ID);
	p->online_date = pledge_field(rec, cols, PC_PAID_DATE);
	for (i = 0; i < rec->nfields; i++)
		if (text_check(rec->fields[i], "field", NULL) != 0) {
			r->problem = xstrdup("it holds a control character");
			goto end;
		}
	if (walker != NULL) {
		char *end;
		unsigned long long n = strtoull(walker, &end, 10);

		if (*walker < '0' || *walker > '9' || *end != '\0' || n == 0 || n > 999999) {
			r->problem = xasprintf("the walker \"%s\" is not a walker number", walker);
			goto end;
		}
		r->walker = (uint32_t)n;
	} else if (r->walker_ext == NULL) {
		r->problem = xstrdup("it names no walker (walker or walker id)");
		goto end;
	}
	if (p->sponsor == NULL) {
		r->problem = xstrdup("it has no sponsor's name");
		goto end;
	}
	if (text_length(p->sponsor) > PLEDGE_MAX_SPONSOR ||
	    (p->address != NULL && text_length(p->address) > PLEDGE_MAX_ADDRESS) ||
	    (p->email != NULL && text_length(p->email) > 254) ||
	    (p->phone != NULL && text_length(p->phone) > 32) ||
	    (p->ext_id != NULL && text_length(p->ext_id) > PLEDGE_MAX_EXTID) ||
	    (r->walker_ext != NULL && text_length(r->walker_ext) > PLEDGE_MAX_EXTID) ||
	    (p->online_date != NULL && text_length(p->online_date) > 32)) {
		r->problem = xstrdup("a field is too long");
		goto end;
	}
	if (kind == NULL)
		p->t.kind = PLEDGE_FLAT;
	else if (pledge_kind_parse(kind, &p->t.kind) != 0) {
		r->problem =
		    xasprintf("the kind \"%s\" is not flat, per lap, per mile or per km", kind);
		goto end;
	}
	if (rate == NULL) {
		r->problem = xstrdup("it has no rate");
		goto end;
	}
	if (amount_parse(rate, PLEDGE_MAX_RATE, &p->t.rate_cents, &why) != 0) {
		r->problem = xasprintf("the rate \"%s\": %s", rate, why);
		goto end;
	}
	if (max != NULL && amount_parse(max, INT64_C(100000000), &p->t.max_cents, &why) != 0) {
		r->problem = xasprintf("the maximum \"%s\": %s", max, why);
		goto end;
	}
	if (paid != NULL && amount_parse(paid, INT64_C(100000000), &p->online_cents, &why) != 0) {
		r->problem = xasprintf("the amount paid \"%s\": %s", paid, why);
		goto end;
	}
end:
	free(why);
	free(walker);
	free(kind);
	free(rate);
	free(max);
	free(paid);
}

int
pledge_csv_parse(const char *data, size_t len, struct pledge_csv **out, char **cause)
{
	struct csv_reader *rd = NULL;
	struct csv_record rec;
	struct pledge_csv *c = NULL;
	int cols[PC_NCOLS], got, rc = -1;
	size_t i, j, cap = 0;
	char key[64], *why = NULL;

	*out = NULL;
	if (!text_valid_utf8(data, len))
		return util_fail(cause, "The pledges file is not UTF-8 text: export it as CSV "
		                        "(UTF-8) and try again.");
	rd = csv_reader_new(data, len);
	for (i = 0; i < PC_NCOLS; i++)
		cols[i] = -1;
	if ((got = csv_next(rd, &rec, &why)) != 1) {
		util_fail(cause, "The pledges file has no header line%s%s", why ? ": " : ".",
		          why ? why : "");
		goto end;
	}
	for (i = 0; i < rec.nfields; i++) {
		pledge_header_key(rec.fields[i], key, sizeof key);
		for (j = 0; j < nitems(pledge_headers); j++)
			if (strcmp(key, pledge_headers[j].key) == 0 &&
			    cols[pledge_headers[j].col] < 0)
				cols[pledge_headers[j].col] = (int)i;
	}
	if (cols[PC_SPONSOR] < 0 || cols[PC_RATE] < 0 ||
	    (cols[PC_WALKER] < 0 && cols[PC_WALKER_EXT] < 0)) {
		util_fail(cause, "The pledges file's first line must name its columns, with at "
		                 "least walker (or walker id), sponsor and rate.");
		goto end;
	}
	c = xcalloc(1, sizeof *c);
	for (;;) {
		struct pledge_row *r;
		int empty = 1;

		free(why);
		why = NULL;
		got = csv_next(rd, &rec, &why);
		if (got == 0)
			break;
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->rows = xrealloc(c->rows, cap * sizeof *c->rows);
		}
		r = &c->rows[c->n];
		memset(r, 0, sizeof *r);
		if (got < 0) {
			r->line = 0;
			r->text = xstrdup("");
			r->problem = xstrdup(why ? why : "a malformed line");
			c->n++;
			continue;
		}
		for (i = 0; i < rec.nfields; i++)
			if (rec.fields[i][0] != '\0')
				empty = 0;
		if (empty)
			continue;
		r->line = rec.line;
		r->text = pledge_row_text(&rec);
		pledge_row_check(r, &rec, cols);
		c->n++;
	}
	*out = c;
	c = NULL;
	rc = 0;
end:
	free(why);
	pledge_csv_free(c);
	csv_reader_free(rd);
	return rc;
}

void
pledge_csv_free(struct pledge_csv *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->rows[i].text);
		free(c->rows[i].problem);
		free(c->rows[i].walker_ext);
		pledge_clear(&c->rows[i].p);
	}
	free(c->rows);
	free(c);
}

/* ---- the laps every station held counts ---- */

/* One person under two walker numbers (a "link" entry, docs/SYNC.md):
 * walker `here` of src[0] is walker `there` of src[src]. */
struct pledge_pair {
	size_t src;
	uint32_t here, there;
};

struct pledge_tally {
	size_t n;
	int64_t *upto;       /* per source: the last entry counted */
	size_t *cnt;         /* per source: how many of its es that is */
	struct fold **folds; /* per source: its counted entries folded (NULL: none) */
	struct pledge_pair *pairs;
	size_t npairs, cap;
	struct setting_length lap;
	int64_t lap_cap;
	int borrowed; /* folds[0] is the caller's f */
};

static void
pledge_pair_add(struct pledge_tally *t, size_t src, uint32_t here, uint32_t there)
{
	if (here == there || here == 0 || there == 0)
		return; /* the same number counts already */
	for (size_t i = 0; i < t->npairs; i++)
		if (t->pairs[i].src == src && t->pairs[i].here == here &&
		    t->pairs[i].there == there)
			return; /* both stations recorded it */
	if (t->npairs == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->pairs = xrealloc(t->pairs, t->cap * sizeof *t->pairs);
	}
	t->pairs[t->npairs++] = (struct pledge_pair){src, here, there};
}

/* The link entries in force among es[0..n), the entries up to upto
 * (annulled_by from f; an annulment after upto does not count) naming
 * ledger `to` (hex): mine: the entry's walker is src[0]'s; else the entry's
 * other walker is. */
static void
pledge_links(struct pledge_tally *t, const struct entry *es, size_t n, int64_t upto,
             const struct fold *f, const char *to, int mine, size_t src)
{
	for (size_t i = 0; i < n; i++) {
		int64_t by = fold_annulled_by(f, es[i].seq);
		struct json_value w, o, lg;
		int64_t a = 0, b = 0;

		if (es[i].kind != ENTRY_LINK || (by != 0 && by <= upto))
			continue;
		w = entry_member(&es[i], "walker");
		o = entry_member(&es[i], "other_walker");
		lg = entry_member(&es[i], "ledger");
		if (json_int(&w, &a) != 0 || json_int(&o, &b) != 0 || lg.type != JSON_STRING ||
		    lg.n - 2 != 2 * ENTRY_ID_LEN || strncasecmp(lg.p + 1, to, lg.n - 2) != 0 ||
		    a <= 0 || b <= 0 || a > UINT32_MAX || b > UINT32_MAX)
			continue;
		if (mine)
			pledge_pair_add(t, src, (uint32_t)a, (uint32_t)b);
		else
			pledge_pair_add(t, src, (uint32_t)b, (uint32_t)a);
	}
}

/* Source s's entries up to upto folded (cnt of its es: all of them up to
 * upto, or some). */
static int
pledge_tally_fold(const struct pledge_source *s, int64_t upto, size_t cnt, struct fold **out,
                  char **cause)
{
	int64_t *by;

	if (s->by == NULL)
		return fold_run(s->es, (size_t)upto, NULL, out, cause);
	/* an annulment after upto does not count */
	by = xcalloc(cnt ? cnt : 1, sizeof *by);
	for (size_t j = 0; j < cnt; j++)
		by[j] = s->by[j] <= upto ? s->by[j] : 0;
	fold_run_some(s->es, by, cnt, upto, NULL, out);
	free(by);
	return 0;
}

int
pledge_tally_run(const struct pledge_source *src, size_t n, const struct pledge_book *book,
                 const struct fold *f, struct pledge_tally **out, char **cause)
{
	struct pledge_tally *t = xcalloc(1, sizeof *t);
	struct fold_xreviews xr = {0};
	unsigned char(*ids)[ENTRY_ID_LEN] = xcalloc(n ? n : 1, sizeof *ids);
	size_t i, j;
	int rc = -1;

	*out = NULL;
	for (i = 0; i < n; i++)
		if (entry_id_parse(src[i].ledger, strlen(src[i].ledger), ids[i]) != 0)
			memset(ids[i], 0, sizeof ids[i]); /* names nothing: no review finds it */
	t->n = n;
	t->upto = xcalloc(n ? n : 1, sizeof *t->upto);
	t->cnt = xcalloc(n ? n : 1, sizeof *t->cnt);
	t->folds = xcalloc(n ? n : 1, sizeof *t->folds);
	for (i = 0; i < n; i++) {
		int64_t all = src[i].by != NULL ? src[i].last : (int64_t)src[i].n, upto = all;
		size_t cnt;

		if (book->cert_seq != 0) {
			upto = 0; /* a ledger the certification did not name counts nothing */
			for (j = 0; j < book->ncert; j++)
				if (strcasecmp(book->cert[j].ledger, src[i].ledger) == 0)
					upto = book->cert[j].seq;
			if (upto > all)
				upto = all;
		}
		t->upto[i] = upto;
		/* the entries up to upto: the first upto, or those numbered so */
		for (cnt = src[i].by != NULL ? src[i].n : (size_t)upto;
		     cnt > 0 && src[i].es[cnt - 1].seq > upto; cnt--)
			;
		t->cnt[i] = cnt;
		if (i == 0 && upto == all && f != NULL) {
			t->folds[0] = (struct fold *)f; /* all of it: the caller's fold */
			t->borrowed = 1;
		} else if (upto > 0 &&
		           pledge_tally_fold(&src[i], upto, cnt, &t->folds[i], cause) != 0)
			goto end;
	}
	/* a flagged lap reviewed at another station (the table reviewing the
	 * lap point's): its verdict over every ledger counted (fold.h); each
	 * source's reviews up to upto (an annulment after it does not count;
	 * cnt of its es: all of them up to upto, or some) */
	for (i = 0; i < n; i++)
		for (j = 0; t->folds[i] != NULL && j < t->cnt[i]; j++) {
			int64_t a = fold_annulled_by(t->folds[i], src[i].es[j].seq);

			if (a == 0 || a > t->upto[i])
				fold_xreviews_push(&xr, ids[i], &src[i].es[j]);
		}
	if (t->borrowed && fold_xreviews_name(&xr, ids[0])) {
		/* the caller's fold is its own ledger's: change a copy */
		t->folds[0] = NULL;
		t->borrowed = 0;
		if (pledge_tally_fold(&src[0], t->upto[0], t->cnt[0], &t->folds[0], cause) != 0)
			goto end;
	}
	for (i = 0; i < n; i++)
		if (t->folds[i] != NULL)
			fold_xreviews_apply(t->folds[i], ids[i], &xr);
	pledge_rule_settings_upto(src[0].es, t->cnt[0], t->upto[0], f, &t->lap, &t->lap_cap);
	for (i = 1; i < n; i++) {
		if (t->folds[i] == NULL)
			continue;
		/* one person under two numbers: linked here, or there */
		pledge_links(t, src[0].es, t->cnt[0], t->upto[0], f, src[i].ledger, 1, i);
		pledge_links(t, src[i].es, t->cnt[i], t->upto[i], t->folds[i], src[0].ledger, 0, i);
	}
	rc = 0;
end:
	fold_xreviews_free(&xr);
	free(ids);
	if (rc != 0)
		pledge_tally_free(t);
	else
		*out = t;
	return rc;
}

void
pledge_tally_free(struct pledge_tally *t)
{
	if (t == NULL)
		return;
	for (size_t i = t->borrowed ? 1 : 0; i < t->n; i++)
		fold_free(t->folds[i]);
	free(t->folds);
	free(t->upto);
	free(t->cnt);
	free(t->pairs);
	free(t);
}

int64_t
pledge_tally_laps_of(const struct pledge_tally *t, uint32_t walker, size_t i)
{
	const struct fold_walker *w;
	int64_t laps = 0;

	if (i >= t->n || t->folds[i] == NULL)
		return 0;
	if ((w = fold_walker(t->folds[i], walker)) != NULL)
		laps += fold_counted_laps(w);
	for (size_t j = 0; j < t->npairs; j++)
		if (t->pairs[j].src == i && t->pairs[j].here == walker &&
		    (w = fold_walker(t->folds[i], t->pairs[j].there)) != NULL)
			laps += fold_counted_laps(w);
	return laps;
}

/* 1 when src[i] holds laps of walker (any, counted or not). */
static int
pledge_tally_had(const struct pledge_tally *t, uint32_t walker, size_t i)
{
	const struct fold_walker *w;

	if (t->folds[i] == NULL)
		return 0;
	if ((w = fold_walker(t->folds[i], walker)) != NULL && w->laps > 0)
		return 1;
	for (size_t j = 0; j < t->npairs; j++)
		if (t->pairs[j].src == i && t->pairs[j].here == walker &&
		    (w = fold_walker(t->folds[i], t->pairs[j].there)) != NULL && w->laps > 0)
			return 1;
	return 0;
}

int64_t
pledge_tally_laps(const struct pledge_tally *t, uint32_t walker, int *had)
{
	int64_t laps = 0;

	for (size_t i = 0; i < t->n; i++) {
		laps += pledge_tally_laps_of(t, walker, i);
		if (had != NULL && pledge_tally_had(t, walker, i))
			had[i] = 1;
	}
	return laps;
}

int64_t
pledge_tally_upto(const struct pledge_tally *t, size_t i)
{
	return i < t->n ? t->upto[i] : 0;
}

void
pledge_tally_rule(const struct pledge_tally *t, struct setting_length *lap, int64_t *cap)
{
	*lap = t->lap;
	*cap = t->lap_cap;
}
