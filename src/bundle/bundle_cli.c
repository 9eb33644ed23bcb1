/* bundle_cli.c — watctl's close-out, export, verify, HQ and event-pack
 * commands (see bundle_cli.h). */
#include "bundle_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "amount.h"
#include "bundle.h"
#include "cli.h"
#include "closeout.h"
#include "event_pack.h"
#include "trust_cli.h"
#include "trust_station.h"
#include "hq.h"
#include "hq_cli.h"
#include "layout.h"
#include "ledger.h"
#include "print_cli.h"
#include "scan_synth.h"
#include "sign.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

static const char *bundle_cli_db;
static const char *bundle_cli_op = "watctl";

void
bundle_cli_setup(const char *db_path, const char *op)
{
	bundle_cli_db = db_path;
	if (op != NULL && *op != '\0')
		bundle_cli_op = op;
}

/* "<db>.keys" unless dir is given. */
static char *
bundle_cli_dir(const char *given, const char *suffix)
{
	if (given != NULL)
		return xstrdup(given);
	if (bundle_cli_db == NULL)
		return NULL;
	return xasprintf("%s%s", bundle_cli_db, suffix);
}

/* ---- sealing ---- */

/* HQ's sealing keys for an export: the charter's when the ledger has one
 * (trust_station_seal_to), else the published ones in <assets>/hq/. */
static int
bundle_cli_seal_to(const char *assets_arg, const char *keys, struct age_recipient r[2],
                   char **cause)
{
	char *assets = print_cli_assets(assets_arg), *dir;
	int rc;

	if (assets == NULL)
		return util_fail(cause, "HQ's public keys were not found (no assets folder: give "
		                        "--assets DIR or set WAT_ASSETS); nothing was exported.");
	dir = xasprintf("%s/hq", assets);
	rc = trust_station_seal_to(keys, dir, r, cause);
	free(dir);
	free(assets);
	return rc;
}

/* HQ's opening keys from --hq DIR, else $WAT_HQ_DIR; *n 0 when neither. */
static int
bundle_cli_hq_keys(const char *given, struct age_identity ids[2 * AGE_MAX_IDS], size_t *n)
{
	const char *dir = given != NULL ? given : getenv("WAT_HQ_DIR");
	char *cause = NULL;

	*n = 0;
	if (dir == NULL || *dir == '\0')
		return 0;
	if (bundle_hq_identities(dir, ids, n, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	return 0;
}

/* ---- export ---- */

int
bundle_cli_export(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"out", 1, 0, {0}},     {"keys", 1, 0, {0}}, {"copy", 1, 0, {0}},
	                      {"no-copy", 0, 0, {0}}, {"usb", 0, 0, {0}},  {"assets", 1, 0, {0}}};
	struct bundle_export_opts eo;
	struct age_recipient seal[2];
	struct bundle_export_result res;
	struct cli_args a;
	char *keys = NULL, *copy = NULL, *cause = NULL, money[32], **sticks = NULL;
	const char *usb = NULL;
	size_t nsticks = 0, i;
	int rc;

	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (a.npos != 0 || o[0].n + o[4].n != 1 || l == NULL)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE export --out DIR | --usb "
		                           "[--keys DIR] [--copy DIR | --no-copy] [--assets DIR]");
	if (o[4].n) {
		/* the one mounted stick; WAT_USB_PREFIXES overrides where sticks are mounted */
		if (bundle_usb_dirs(NULL, getenv("WAT_USB_PREFIXES"), &sticks, &nsticks, &cause) !=
		    0)
			return cli_cause(CLI_REFUSED, cause);
		if (nsticks != 1) {
			rc = cli_fail(CLI_REFUSED,
			              nsticks == 0
			                  ? "No USB stick is mounted (looked under /media, "
			                    "/run/media and /mnt): plug one in, or give --out DIR."
			                  : "Several USB sticks are mounted: say which with --out "
			                    "DIR.");
			goto end;
		}
		usb = sticks[0];
	}
	if ((keys = bundle_cli_dir(o[1].n ? o[1].val[0] : NULL, ".keys")) == NULL) {
		rc = cli_fail(CLI_USAGE, "Say where the station key is: --keys DIR.");
		goto end;
	}
	if (bundle_cli_seal_to(o[5].n ? o[5].val[0] : NULL, keys, seal, &cause) != 0) {
		fprintf(stderr, "Export FAILED: ");
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	copy = o[3].n ? NULL : bundle_cli_dir(o[2].n ? o[2].val[0] : NULL, ".exports");
	/* A file-size limit must be an error message, not a signal. */
	signal(SIGXFSZ, SIG_IGN);
	memset(&eo, 0, sizeof eo);
	eo.out_dir = usb != NULL ? usb : o[0].val[0];
	eo.keys_dir = keys;
	eo.copy_dir = copy;
	eo.op = bundle_cli_op;
	eo.seal_to = seal;
	eo.nseal = 2;
	if (bundle_export(l, &eo, &res, &cause) != 0) {
		fprintf(stderr, "Export FAILED: ");
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("Exported %s and %s.minisig to %s", res.name, res.name, eo.out_dir);
	if (copy != NULL)
		printf(" (a copy is kept in %s)", copy);
	printf(".\nSealed to HQ's keys (a lost stick shows no names); read back and verified: "
	       "safe to remove the USB stick.\n");
	printf("Export %" PRId64 ": %" PRId64 " entries, %" PRId64 " donations, total %s%s.\n",
	       res.export_no, res.last_seq, res.fig.donations,
	       amount_format(res.fig.total_cents, money, sizeof money),
	       res.fig.closed ? "" : " (the station is NOT closed out yet)");
	printf("Key id %s, ledger head %s\n", res.key_id, res.head);
	bundle_export_result_clear(&res);
	rc = CLI_OK;
end:
	for (i = 0; i < nsticks; i++)
		free(sticks[i]);
	free(sticks);
	free(copy);
	free(keys);
	return rc;
}

/* ---- verify ---- */

int
bundle_cli_verify(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"pubkey", 1, 0, {0}}, {"hq", 1, 0, {0}}};
	struct age_identity ids[2 * AGE_MAX_IDS];
	struct bundle_report rep;
	struct sign_pub pub;
	struct cli_args a;
	char *cause = NULL, *summary;
	size_t nids = 0;
	int rc;

	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (a.npos != 1)
		return cli_fail(CLI_USAGE, "Usage: watctl verify BUNDLE.zip.age [--hq DIR] "
		                           "[--pubkey FILE]");
	if (o[0].n && sign_pub_load(o[0].val[0], &pub, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if ((rc = bundle_cli_hq_keys(o[1].n ? o[1].val[0] : NULL, ids, &nids)) != 0)
		return rc;
	rc = bundle_verify_path(a.pos[0], o[0].n ? &pub : NULL, ids, nids, &rep, &cause);
	for (size_t i = 0; i < nids; i++)
		age_identity_wipe(&ids[i]);
	if (rc != 0) {
		fprintf(stderr, "%s is NOT valid: ", cli_esc(a.pos[0]));
		return cli_cause(CLI_REFUSED, cause);
	}
	summary = bundle_summary(&rep);
	printf("%s: ", cli_esc(a.pos[0]));
	fputs(summary, stdout);
	free(summary);
	bundle_report_clear(&rep);
	return CLI_OK;
}

/* ---- HQ ---- */

int
bundle_cli_merge(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"db", 1, 0, {0}}, {"pubkey", 1, 0, {0}}, {"hq", 1, 0, {0}}};
	struct age_identity ids[2 * AGE_MAX_IDS];
	size_t nids = 0;
	struct bundle_report rep;
	struct hq_merge_result res;
	struct sign_pub pub;
	struct cli_args a;
	struct hq *h = NULL;
	struct hq_totals t;
	char *cause = NULL, money[32];
	int rc, i, bad = 0;

	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (a.npos < 1 || o[0].n != 1)
		return cli_fail(CLI_USAGE, "Usage: watctl merge --db HQ.db BUNDLE.zip.age... "
		                           "[--hq DIR] [--pubkey FILE]");
	if (o[1].n && sign_pub_load(o[1].val[0], &pub, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if ((rc = bundle_cli_hq_keys(o[2].n ? o[2].val[0] : NULL, ids, &nids)) != 0)
		return rc;
	if (hq_open(o[0].val[0], &h, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	/* what chains to HQ's keys counts; the rest is held (hq.h) */
	if ((rc = hq_cli_keys(h, o[2].n ? o[2].val[0] : NULL)) != 0)
		goto end;
	for (i = 0; i < a.npos; i++) {
		if (bundle_verify_path(a.pos[i], o[1].n ? &pub : NULL, ids, nids, &rep, &cause) !=
		    0) {
			fprintf(stderr, "%s: refused, it does not verify: %s\n", cli_esc(a.pos[i]),
			        cli_esc(cause));
			free(cause);
			cause = NULL;
			bad = 1;
			continue;
		}
		if (hq_merge(h, &rep, a.pos[i], &res, &cause) != 0) {
			bundle_report_clear(&rep);
			rc = cli_cause(CLI_REFUSED, cause);
			goto end;
		}
		bundle_report_clear(&rep);
		if (res.outcome == HQ_REFUSED || res.outcome == HQ_HELD) {
			fprintf(stderr, "%s: %s\n", cli_esc(a.pos[i]), cli_esc(res.message));
			bad = 1;
		} else
			printf("%s: %s\n", cli_esc(a.pos[i]), cli_esc(res.message));
	}
	if (hq_totals(h, NULL, &t, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("HQ now holds %" PRId64 " events, %" PRId64 " stations, %" PRId64
	       " donations, total %s.\n",
	       t.events, t.stations, t.donations,
	       amount_format(t.total_cents, money, sizeof money));
	rc = bad ? CLI_REFUSED : CLI_OK;
end:
	for (size_t k = 0; k < nids; k++)
		age_identity_wipe(&ids[k]);
	hq_free(h);
	return rc;
}

int
bundle_cli_hq_report(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"db", 1, 0, {0}}};
	struct cli_args a;
	struct hq *h = NULL;
	char *cause = NULL, *text = NULL;
	struct stat sb;
	int rc;

	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (a.npos != 0 || o[0].n != 1)
		return cli_fail(CLI_USAGE, "Usage: watctl hq-report --db HQ.db");
	if (stat(o[0].val[0], &sb) != 0)
		return cli_fail(CLI_USAGE, "There is no HQ database %s (merge bundles first).",
		                o[0].val[0]);
	if (hq_open(o[0].val[0], &h, &cause) != 0 || hq_report(h, &text, &cause) != 0) {
		hq_free(h);
		return cli_cause(CLI_REFUSED, cause);
	}
	fputs(text, stdout);
	free(text);
	hq_free(h);
	return CLI_OK;
}

/* ---- close-out ---- */

/* An amount that may be zero ("0", "0.00", "$0"). */
static int
bundle_cli_amount0(const char *s, int64_t *cents, char **cause)
{
	const char *p = s;

	while (*p == ' ' || *p == '$')
		p++;
	if (strspn(p, "0.") == strlen(p) && *p == '0') {
		*cents = 0;
		return 0;
	}
	return amount_parse(s, 100000000, cents, cause);
}

/* Where the close-out sheet goes, parsed and checked before anything is
 * recorded. */
struct bundle_cli_sheet {
	const char *out; /* the PDF file; NULL: none */
	int print;       /* and/or to CUPS */
	struct print_cli_dest dest;
	char *assets;
};

#define BUNDLE_CLI_SHEET_OPTS                                                                      \
	{"print", 0, 0, {0}}, {"printer", 1, 0, {0}}, {"paper", 1, 0, {0}}, {"assets", 1, 0, {0}}, \
	    {"spool", 1, 0, {0}},                                                                  \
	{                                                                                          \
		"deadline", 1, 0,                                                                  \
		{                                                                                  \
			0                                                                          \
		}                                                                                  \
	}

static int
bundle_cli_sheet_parse(const struct cli_opt *o, size_t n, const char *file_opt,
                       struct bundle_cli_sheet *s)
{
	const char *paper = cli_val(o, n, "paper"), *deadline = cli_val(o, n, "deadline");
	int64_t secs = 0;
	char *font;
	int ok;

	memset(s, 0, sizeof *s);
	s->out = cli_val(o, n, file_opt);
	s->print = cli_given(o, n, "print") > 0;
	s->dest.paper = LAYOUT_LETTER; /* the sheet goes into the envelope */
	if (paper != NULL && layout_paper_parse(paper, &s->dest.paper) != 0)
		return cli_fail(CLI_USAGE, "Unknown paper \"%s\": use letter, a4, 80mm or 58mm.",
		                paper);
	if (deadline != NULL && cli_number(deadline, "deadline in seconds", 3600, &secs) != 0)
		return CLI_USAGE;
	s->dest.deadline_s = (int)secs;
	s->dest.printer = cli_val(o, n, "printer");
	s->dest.spool = cli_val(o, n, "spool");
	if (s->out == NULL && !s->print)
		return CLI_OK;
	s->assets = print_cli_assets(cli_val(o, n, "assets"));
	font = s->assets != NULL ? xasprintf("%s/fonts/DejaVuSans.ttf", s->assets) : NULL;
	ok = font != NULL && access(font, R_OK) == 0;
	free(font);
	if (!ok)
		return cli_fail(CLI_REFUSED,
		                "Cannot find the fonts: give --assets DIR or set WAT_ASSETS.");
	return CLI_OK;
}

/* Lays the sheet out and saves and/or prints it, each recorded as a "print"
 * entry {"what":"closeout","of":SEQ,...}; returns the exit status. */
static int
bundle_cli_sheet_deliver(struct ledger *l, const struct closeout_result *r, int64_t wall_ms,
                         int64_t head_seq, const unsigned char head[LEDGER_HASH_LEN],
                         const struct bundle_cli_sheet *s)
{
	struct layout_doc doc = LAYOUT_DOC_INIT;
	struct closeout_sheet sh;
	struct print_cli_dest d;
	struct ledger_event ev;
	char hex[2 * LEDGER_HASH_LEN + 1], when[64], *pdf = NULL, *cause = NULL, *title = NULL;
	char evid[17], *keys;
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	size_t len;
	int rc = CLI_OK, rc2;

	if (ledger_event(l, &ev) != 0) {
		rc = cli_fail(CLI_REFUSED, "Cannot read the event's settings.");
		goto end;
	}
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(when, sizeof when, "?");
	bundle_hex(head, LEDGER_HASH_LEN, hex);
	keys = bundle_cli_dir(NULL, ".keys");
	if (keys == NULL || trust_station_event_keyid(keys, evid) != 0)
		evid[0] = '\0';
	free(keys);
	sh = (struct closeout_sheet){ev.name, ev.city,  ev.date, ev.station,
	                             when,    head_seq, hex,     evid};
	closeout_sheet_doc(r, &sh, &doc);
	if (layout_render(&doc, s->dest.paper, s->assets, &pdf, &len, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	title = xasprintf("Close-out sheet %s-%" PRId64, ev.station, r->seq);
	if (s->out != NULL) {
		d = s->dest;
		d.out = s->out;
		rc = print_cli_deliver_pdf(l, bundle_cli_op, "closeout", r->seq, 0, title, pdf, len,
		                           &d);
	}
	if (s->print) {
		d = s->dest;
		d.out = NULL;
		if ((rc2 = print_cli_deliver_pdf(l, bundle_cli_op, "closeout", r->seq, 0, title,
		                                 pdf, len, &d)) != CLI_OK)
			rc = rc2;
	}
end:
	free(title);
	free(pdf);
	layout_doc_free(&doc);
	return rc;
}

int
bundle_cli_close(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"cash", 1, 0, {0}},           {"count", 1, 0, {0}},
	                      {"counter", CLI_MANY, 0, {0}}, {"checks", 1, 0, {0}},
	                      {"check-total", 1, 0, {0}},    {"note", 1, 0, {0}},
	                      {"sheet", 1, 0, {0}},          BUNDLE_CLI_SHEET_OPTS};
	unsigned char head[LEDGER_HASH_LEN];
	struct bundle_cli_sheet sheet;
	struct closeout_count c;
	struct closeout_result r;
	struct cli_args a;
	char *cause = NULL, *text, *summary, *end;
	int64_t head_seq;
	int rc;

	memset(&sheet, 0, sizeof sheet);
	memset(&r, 0, sizeof r);
	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (l == NULL || a.npos != 0 || (o[0].n + o[1].n) != 1 || o[2].n != 2 || o[3].n > 1 ||
	    o[4].n > 1 || o[5].n > 1) {
		rc = cli_fail(CLI_USAGE,
		              "Usage: watctl --db FILE close --cash AMOUNT | --count "
		              "20x5,10x3,... --counter NAME --counter NAME [--checks N] "
		              "[--check-total AMOUNT] [--note TEXT] [--sheet FILE.pdf] [--print "
		              "[--printer QUEUE]] [--paper letter|a4|80mm|58mm]");
		goto end;
	}
	memset(&c, 0, sizeof c);
	if (o[0].n && bundle_cli_amount0(o[0].val[0], &c.cash_cents, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	if (o[1].n) {
		if (closeout_denominations(o[1].val[0], &c.cash_cents, &cause) != 0) {
			rc = cli_cause(CLI_USAGE, cause);
			goto end;
		}
		c.denominations = o[1].val[0];
	}
	c.checks = -1;
	c.check_cents = -1;
	if (o[3].n) {
		errno = 0;
		c.checks = strtoll(o[3].val[0], &end, 10);
		if (errno != 0 || *end != '\0' || *o[3].val[0] == '\0' || c.checks < 0) {
			rc = cli_fail(CLI_USAGE, "The number of checks \"%s\" is not a count.",
			              o[3].val[0]);
			goto end;
		}
	}
	if (o[4].n && bundle_cli_amount0(o[4].val[0], &c.check_cents, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	/* the sheet's options are checked before the close-out is recorded */
	if ((rc = bundle_cli_sheet_parse(o, nitems(o), "sheet", &sheet)) != CLI_OK)
		goto end;
	c.counter[0] = o[2].val[0];
	c.counter[1] = o[2].val[1];
	c.note = o[5].n ? o[5].val[0] : NULL;
	if (closeout_record(l, &c, bundle_cli_op, &r, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	text = closeout_describe(&r);
	summary = text_escape(text, TEXT_KEEP_LINES);
	fputs(summary, stdout);
	free(summary);
	free(text);
	if (sheet.out == NULL && !sheet.print)
		goto end;
	fflush(stdout);
	/* the head right after the close-out: its own entry */
	if (ledger_head(l, &head_seq, head) != 0) {
		rc =
		    cli_fail(CLI_REFUSED, "The close-out is recorded, but the ledger's head cannot "
		                          "be read: print the sheet with watctl close-sheet.");
		goto end;
	}
	if ((rc = bundle_cli_sheet_deliver(l, &r, (int64_t)time(NULL) * 1000, head_seq, head,
	                                   &sheet)) != CLI_OK)
		fprintf(stderr,
		        "The close-out is recorded (entry %" PRId64 "); print the sheet again "
		        "with: watctl close-sheet --print (or --out FILE.pdf)\n",
		        r.seq);
end:
	closeout_result_free(&r);
	free(sheet.assets);
	return rc;
}

int
bundle_cli_close_sheet(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"out", 1, 0, {0}}, BUNDLE_CLI_SHEET_OPTS};
	struct bundle_cli_sheet sheet;
	struct closeout_result r;
	struct closeout_entry info;
	struct cli_args a;
	char *cause = NULL;
	int64_t seq = 0;
	int rc;

	memset(&sheet, 0, sizeof sheet);
	memset(&r, 0, sizeof r);
	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (l == NULL || a.npos > 1 || (o[0].n == 0 && o[1].n == 0)) {
		rc = cli_fail(CLI_USAGE,
		              "Usage: watctl --db FILE close-sheet [SEQ] --out FILE.pdf | "
		              "--print [--printer QUEUE] [--paper letter|a4|80mm|58mm]");
		goto end;
	}
	if (a.npos == 1 && (rc = cli_number(a.pos[0], "close-out entry", INT64_MAX, &seq)) != 0)
		goto end;
	if ((rc = bundle_cli_sheet_parse(o, nitems(o), "out", &sheet)) != CLI_OK)
		goto end;
	if (closeout_load(l, seq, &r, &info, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if (info.reopen_seq != 0)
		fprintf(stderr,
		        "Note: the station was reopened after this close-out (entry %" PRId64
		        "); close out again for the final count.\n",
		        info.reopen_seq);
	rc = bundle_cli_sheet_deliver(l, &r, info.wall_ms, r.seq, info.hash, &sheet);
end:
	closeout_result_free(&r);
	free(sheet.assets);
	return rc;
}

int
bundle_cli_reopen(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"reason", 1, 0, {0}}};
	struct cli_args a;
	char *cause = NULL;
	int64_t seq;
	int rc;

	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (l == NULL || a.npos != 0 || o[0].n != 1)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE reopen --reason TEXT");
	if (closeout_reopen(l, o[0].val[0], bundle_cli_op, &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("The station is reopened (entry %" PRId64 "). Close out again before the final "
	       "export.\n",
	       seq);
	return CLI_OK;
}

/* ---- keys ---- */

int
bundle_cli_pubkey(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"keys", 1, 0, {0}}};
	struct sign_key *k = NULL;
	struct sign_pub pub;
	struct cli_args a;
	char *keys, *cause = NULL, *text, id[17];
	int rc;

	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (a.npos != 0)
		return cli_fail(CLI_USAGE, "Usage: watctl --db FILE pubkey [--keys DIR]");
	if ((keys = bundle_cli_dir(o[0].n ? o[0].val[0] : NULL, ".keys")) == NULL)
		return cli_fail(CLI_USAGE, "Say where the station key is: --keys DIR.");
	rc = sign_key_open(keys, &k, &cause);
	free(keys);
	if (rc != 0)
		return cli_cause(CLI_REFUSED, cause);
	sign_key_public(k, &pub);
	sign_key_free(k);
	text = sign_pub_format(&pub);
	fputs(text, stdout);
	free(text);
	sign_keyid_hex(pub.id, id);
	fprintf(stderr,
	        "Key id %s. HQ checks bundles with: minisign -Vm BUNDLE.zip -p station.pub\n", id);
	return CLI_OK;
}

/* ---- event packs (event_pack.h; the format in docs/BUNDLE.md) ---- */

/* The pack key's QR code as a PNG (0600: it opens the pack). */
static int
bundle_cli_pack_qr(const char *text, const char *png, char **cause)
{
	struct scan_image img = {NULL, 0, 0};
	int fd, rc;

	if (scan_synth_qr(text, 8, &img, cause) != 0)
		return -1;
	unlink(png);
	if ((fd = open(png, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		free(img.luma);
		return util_fail(cause, "Cannot write %s: %s.", png, strerror(errno));
	}
	close(fd);
	rc = scan_synth_write_png(&img, png, cause);
	free(img.luma);
	return rc;
}

static int
bundle_cli_pack_export(struct ledger *l, const char *file, const char *qr, const char *for_station)
{
	struct event_pack p;
	struct event_pack_secret key;
	char *cause = NULL, *dir = xstrdup(file), *slash, words[EVENT_PACK_KEYTEXT_MAX];
	char qrtext[EVENT_PACK_KEYTEXT_MAX], *png = NULL, *keys = bundle_cli_dir(NULL, ".keys");
	const char *name;
	int rc = CLI_REFUSED;

	memset(&key, 0, sizeof key);
	if (event_pack_from_ledger(l, &p, &cause) != 0) {
		free(keys);
		free(dir);
		return cli_cause(CLI_REFUSED, cause);
	}
	/* the joining station's key and certificate (trust_station.h) */
	if (keys != NULL && trust_station_pack(keys, for_station, &p, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		name = slash + 1;
		if (*dir == '\0')
			strcpy(dir, "/");
	} else {
		name = file;
		strcpy(dir, ".");
	}
	event_pack_secret_new(&key);
	event_pack_secret_format(&key, 0, words);
	event_pack_secret_format(&key, 1, qrtext);
	/* the key's picture stays with this station (beside the ledger), never
	 * beside the pack: a stick carrying both would open for anyone */
	png = qr != NULL ? xstrdup(qr) : bundle_cli_dir(NULL, ".pack-key.png");
	if (png == NULL)
		png = xasprintf("%s.key.png", file);
	if (bundle_cli_pack_qr(qrtext, png, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if (event_pack_write(&p, dir, name, &key, &cause) != 0) {
		unlink(png);
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	printf("Event pack of \"%s\" written to %s%s%s%s, sealed: it opens only with this key\n\n"
	       "  %s\n\n"
	       "(its QR code: %s). Carry the key apart from the stick (show the picture, or "
	       "read the groups out), and import the pack on station %s with\n"
	       "  watctl --db STATION2.db event-pack import %s --key %s --station %s\n",
	       cli_esc(p.name), cli_esc(file), p.cert != NULL ? " for station " : "",
	       p.cert != NULL ? p.for_station : "",
	       p.cert != NULL ? " (certified by this station)" : "", words, cli_esc(png),
	       p.cert != NULL ? p.for_station : "T2", cli_esc(file), words,
	       p.cert != NULL ? p.for_station : "T2");
	rc = CLI_OK;
end:
	sodium_memzero(&key, sizeof key);
	sodium_memzero(words, sizeof words);
	sodium_memzero(qrtext, sizeof qrtext);
	event_pack_clear(&p);
	free(keys);
	free(png);
	free(dir);
	return rc;
}

static int
bundle_cli_pack_import(struct ledger *l, const char *file, const char *keytext, const char *station,
                       const char *walker_base)
{
	struct event_pack p;
	struct event_pack_secret key;
	char *data = NULL, *cause = NULL, *notes = NULL;
	size_t len = 0;
	int rc = CLI_USAGE, jr;

	memset(&p, 0, sizeof p);
	if (event_pack_walker_base_check(walker_base, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if (event_pack_secret_parse(keytext, &key, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	rc = event_pack_load(file, &key, &p, &cause);
	sodium_memzero(&key, sizeof key);
	if (rc != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	rc = CLI_USAGE;
	if (station == NULL)
		station = p.for_station;
	if (station == NULL) {
		rc = cli_fail(CLI_USAGE, "Say which station this is: --station ID.");
		goto end;
	}
	jr = event_pack_join(l, &p, station, walker_base, bundle_cli_op, &notes, &cause);
	if (jr == EVENT_PACK_SAME_STATION) {
		free(cause);
		rc = cli_fail(CLI_REFUSED,
		              "This pack comes from station %s: the joining station needs "
		              "another id (e.g. --station T2).",
		              p.station);
		goto end;
	}
	if (jr != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if (p.cert != NULL) {
		char *keys = bundle_cli_dir(NULL, ".keys"), *hq = trust_cli_hq_pub_dir();
		int tr = keys == NULL || (hq == NULL && p.charter != NULL)
		             ? util_fail(&cause, "Cannot find HQ's published keys (assets/hq).")
		             : trust_station_join(keys, hq, &p, station, &cause);
		free(hq);
		free(keys);
		if (tr != 0) {
			rc = cli_cause(CLI_REFUSED, cause);
			goto end;
		}
	} else
		fprintf(stderr, "This pack holds no station certificate (the first station runs "
		                "older software): HQ will hold this station's bundles until it "
		                "accepts them.\n");
	if (notes != NULL) {
		char *safe = text_escape(notes, TEXT_KEEP_LINES);

		fputs(safe, stderr);
		free(safe);
	}
	printf("Station %s joined \"%s\" (%s). Badges of either station verify on both; new "
	       "walkers here are numbered from %s.\n",
	       cli_esc(station), cli_esc(p.name), cli_esc(p.badge.tag), cli_esc(walker_base));
	rc = CLI_OK;
end:
	event_pack_clear(&p);
	if (data != NULL)
		sodium_memzero(data, len);
	free(data);
	free(notes);
	return rc;
}

int
bundle_cli_event_pack(struct ledger *l, int argc, char **argv)
{
	struct cli_opt o[] = {{"station", 1, 0, {0}},
	                      {"walker-base", 1, 0, {0}},
	                      {"key", 1, 0, {0}},
	                      {"qr", 1, 0, {0}}};
	struct cli_args a;
	int rc;

	if ((rc = cli_parse(argc, argv, o, nitems(o), &a)) != 0)
		return rc;
	if (l == NULL || a.npos != 2 ||
	    (strcmp(a.pos[0], "export") != 0 && strcmp(a.pos[0], "import") != 0) ||
	    (strcmp(a.pos[0], "import") == 0 && (o[2].n != 1 || o[3].n)) ||
	    (strcmp(a.pos[0], "export") == 0 && (o[1].n || o[2].n)))
		return cli_fail(
		    CLI_USAGE,
		    "Usage: watctl --db FILE event-pack export FILE [--station ID] [--qr "
		    "KEY.png]\n"
		    "       watctl --db NEW.db event-pack import FILE --key KEY [--station "
		    "ID] [--walker-base N]");
	if (strcmp(a.pos[0], "export") == 0)
		return bundle_cli_pack_export(l, a.pos[1], o[3].n ? o[3].val[0] : NULL,
		                              o[0].n ? o[0].val[0] : NULL);
	return bundle_cli_pack_import(l, a.pos[1], o[2].val[0], o[0].n ? o[0].val[0] : NULL,
	                              o[1].n ? o[1].val[0] : "100000");
}
