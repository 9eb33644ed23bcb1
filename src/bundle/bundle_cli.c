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
#include "layout.h"
#include "ledger.h"
#include "print_cli.h"
#include "scan_synth.h"
#include "sign.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

/* The operator recorded in entries ("watctl" when --op is empty). */
static const char *
bundle_cli_op(const struct cli_cmd_ctx *c)
{
	return c->op != NULL && *c->op != '\0' ? c->op : "watctl";
}

/* given, else "<db><suffix>" ("<db>.keys"); NULL without either. */
static char *
bundle_cli_dir(const struct cli_cmd_ctx *c, const char *given, const char *suffix)
{
	if (given != NULL)
		return xstrdup(given);
	if (c->db == NULL)
		return NULL;
	return xasprintf("%s%s", c->db, suffix);
}

/* ---- sealing ---- */

/* HQ's sealing keys for an export: the charter's when the ledger has one
 * (T-charter), else the published ones in <assets>/hq/. */
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
	rc = trust_station_seal_to(keys, dir, r, cause); /* the charter's, else these */
	free(dir);
	free(assets);
	return rc;
}

int
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

static enum cli_ret
bundle_cli_export(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct bundle_export_opts eo;
	struct bundle_export_result res;
	struct age_recipient seal[2];
	char *keys = NULL, *copy = NULL, *cause = NULL, money[32], **sticks = NULL;
	const char *usb = NULL;
	size_t nsticks = 0, i;
	int rc;

	if (a->npos != 0 || cli_given(a, "out") + cli_given(a, "usb") != 1)
		return cli_usage(c);
	if (cli_given(a, "usb")) {
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
	if ((keys = bundle_cli_dir(c, cli_val(a, "keys"), ".keys")) == NULL) {
		rc = cli_fail(CLI_USAGE, "Say where the station key is: --keys DIR.");
		goto end;
	}
	if (bundle_cli_seal_to(cli_val(a, "assets"), keys, seal, &cause) != 0) {
		fprintf(stderr, "Export FAILED: ");
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	copy = cli_given(a, "no-copy") ? NULL : bundle_cli_dir(c, cli_val(a, "copy"), ".exports");
	/* A file-size limit must be an error message, not a signal. */
	signal(SIGXFSZ, SIG_IGN);
	memset(&eo, 0, sizeof eo);
	eo.out_dir = usb != NULL ? usb : cli_val(a, "out");
	eo.keys_dir = keys;
	eo.copy_dir = copy;
	eo.op = bundle_cli_op(c);
	eo.seal_to = seal;
	eo.nseal = 2;
	if (bundle_export(c->l, &eo, &res, &cause) != 0) {
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
	if (res.entries_path != NULL)
		printf("The station's entries for the event's other stations: %s (sealed with the "
		       "event's key; `watctl sync --file` reads it there).\n",
		       res.entries_path);
	else if (res.entries_note != NULL)
		printf("%s\n", res.entries_note);
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

const struct cli_cmd_entry bundle_cli_export_entry = {
    .name = "export",
    .usage = "--out DIR | --usb [--keys DIR] [--copy DIR | --no-copy] [--assets DIR]",
    .about = "the bundle for HQ, sealed to HQ's keys (assets/hq/) and signed (a second copy kept "
             "beside the ledger)",
    .opts = CLI_OPTS(CLI_VALUE("out"), CLI_VALUE("keys"), CLI_VALUE("copy"), CLI_FLAG("no-copy"),
                     CLI_FLAG("usb"), CLI_VALUE("assets")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = bundle_cli_export,
};

/* ---- verify ---- */

static enum cli_ret
bundle_cli_verify(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct age_identity ids[2 * AGE_MAX_IDS];
	struct bundle_report rep;
	struct sign_pub pub;
	const char *pubkey = cli_val(a, "pubkey");
	char *cause = NULL, *summary;
	size_t nids = 0;
	int rc;

	if (a->npos != 1)
		return cli_usage(c);
	if (pubkey != NULL && sign_pub_load(pubkey, &pub, &cause) != 0)
		return cli_cause(CLI_USAGE, cause);
	if ((rc = bundle_cli_hq_keys(cli_val(a, "hq"), ids, &nids)) != 0)
		return rc;
	rc = bundle_verify_path(a->pos[0], pubkey != NULL ? &pub : NULL, ids, nids, &rep, &cause);
	for (size_t i = 0; i < nids; i++)
		age_identity_wipe(&ids[i]);
	if (rc != 0) {
		fprintf(stderr, "%s is NOT valid: ", cli_esc(a->pos[0]));
		return cli_cause(CLI_REFUSED, cause);
	}
	summary = bundle_summary(&rep);
	printf("%s: ", cli_esc(a->pos[0]));
	fputs(summary, stdout);
	free(summary);
	if (rep.npeers > 0)
		printf("It carries %zu other %s entries as a backup copy (checked to their signed "
		       "chain heads; not counted: each station's own bundle is).\n",
		       rep.npeers, rep.npeers == 1 ? "station's" : "stations'");
	bundle_report_clear(&rep);
	return CLI_OK;
}

const struct cli_cmd_entry bundle_cli_verify_entry = {
    .name = "verify",
    .usage = "BUNDLE.zip.age [--hq DIR] [--pubkey FILE]",
    .about = "check a bundle: signature (before opening it with HQ's key: --hq DIR or "
             "$WAT_HQ_DIR), checksums, figures (HQ)",
    .opts = CLI_OPTS(CLI_VALUE("pubkey"), CLI_VALUE("hq")),
    .needs = CLI_NONE,
    .exec = bundle_cli_verify,
};

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

/* The sheet's options of close and close-sheet. */
#define BUNDLE_CLI_SHEET_OPTS                                                                      \
	CLI_FLAG("print"), CLI_VALUE("printer"), CLI_VALUE("paper"), CLI_VALUE("assets"),          \
	    CLI_VALUE("spool"), CLI_VALUE("deadline")
#define BUNDLE_CLI_SHEET_USAGE                                                                     \
	"[--printer QUEUE] [--paper letter|a4|80mm|58mm] [--assets DIR] [--spool DIR] "            \
	"[--deadline SECONDS]"

static int
bundle_cli_sheet_parse(const struct cli_args *a, const char *file_opt, struct bundle_cli_sheet *s)
{
	const char *paper = cli_val(a, "paper"), *deadline = cli_val(a, "deadline");
	int64_t secs = 0;
	char *font;
	int ok;

	memset(s, 0, sizeof *s);
	s->out = cli_val(a, file_opt);
	s->print = cli_given(a, "print") > 0;
	s->dest.paper = LAYOUT_LETTER; /* the sheet goes into the envelope */
	if (paper != NULL && layout_paper_parse(paper, &s->dest.paper) != 0)
		return cli_fail(CLI_USAGE, "Unknown paper \"%s\": use letter, a4, 80mm or 58mm.",
		                paper);
	if (deadline != NULL && cli_number(deadline, "deadline in seconds", 3600, &secs) != 0)
		return CLI_USAGE;
	s->dest.deadline_s = (int)secs;
	s->dest.printer = cli_val(a, "printer");
	s->dest.spool = cli_val(a, "spool");
	if (s->out == NULL && !s->print)
		return CLI_OK;
	s->assets = print_cli_assets(cli_val(a, "assets"));
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
bundle_cli_sheet_deliver(struct cli_cmd_ctx *c, const struct closeout_result *r, int64_t wall_ms,
                         int64_t head_seq, const unsigned char head[LEDGER_HASH_LEN],
                         const struct bundle_cli_sheet *s)
{
	struct layout_doc doc = LAYOUT_DOC_INIT;
	struct closeout_sheet sh;
	struct closeout_pledges pl;
	struct print_cli_dest d;
	struct ledger_event ev;
	char hex[2 * LEDGER_HASH_LEN + 1], when[64], *pdf = NULL, *cause = NULL, *title = NULL;
	char evid[17], *keys;
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	size_t len;
	int rc = CLI_OK, rc2;

	if (ledger_event(c->l, &ev) != 0) {
		rc = cli_fail(CLI_REFUSED, "Cannot read the event's settings.");
		goto end;
	}
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(when, sizeof when, "?");
	bundle_hex(head, LEDGER_HASH_LEN, hex);
	/* the event key id, which HQ checks against the station's certificate */
	keys = bundle_cli_dir(c, NULL, ".keys");
	if (keys == NULL || trust_station_event_keyid(keys, evid) != 0)
		evid[0] = '\0';
	free(keys);
	sh = (struct closeout_sheet){ev.name, ev.city,  ev.date, ev.station,
	                             when,    head_seq, hex,     evid};
	closeout_sheet_doc(r, &sh, &doc);
	closeout_pledges(c->l, &pl);
	closeout_pledges_doc(&pl, &doc);
	if (ev.training)
		layout_doc_training(&doc, LAYOUT_NOT_SHEET);
	if (layout_render(&doc, s->dest.paper, s->assets, &pdf, &len, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	title = xasprintf("Close-out sheet %s-%" PRId64, ev.station, r->seq);
	if (s->out != NULL) {
		d = s->dest;
		d.out = s->out;
		rc = print_cli_deliver_pdf(c->l, bundle_cli_op(c), "closeout", r->seq, 0, title,
		                           pdf, len, &d);
	}
	if (s->print) {
		d = s->dest;
		d.out = NULL;
		if ((rc2 = print_cli_deliver_pdf(c->l, bundle_cli_op(c), "closeout", r->seq, 0,
		                                 title, pdf, len, &d)) != CLI_OK)
			rc = rc2;
	}
end:
	free(title);
	free(pdf);
	layout_doc_free(&doc);
	return rc;
}

static enum cli_ret
bundle_cli_close(struct cli_cmd_ctx *c, struct cli_args *a)
{
	unsigned char head[LEDGER_HASH_LEN];
	struct bundle_cli_sheet sheet;
	struct closeout_count count;
	struct closeout_result r;
	const char *cash = cli_val(a, "cash"), *denoms = cli_val(a, "count"),
	           *checks = cli_val(a, "checks"), *check_total = cli_val(a, "check-total");
	char *cause = NULL, *text, *summary, *end;
	int64_t head_seq, wall_ms;
	int rc;

	memset(&sheet, 0, sizeof sheet);
	memset(&r, 0, sizeof r);
	if (a->npos != 0 || (cash != NULL) + (denoms != NULL) != 1 ||
	    cli_given(a, "counter") != 2) {
		rc = cli_usage(c);
		goto end;
	}
	memset(&count, 0, sizeof count);
	if (cash != NULL && bundle_cli_amount0(cash, &count.cash_cents, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	if (denoms != NULL) {
		if (closeout_denominations(denoms, &count.cash_cents, &cause) != 0) {
			rc = cli_cause(CLI_USAGE, cause);
			goto end;
		}
		count.denominations = denoms;
	}
	count.checks = -1;
	count.check_cents = -1;
	if (checks != NULL) {
		errno = 0;
		count.checks = strtoll(checks, &end, 10);
		if (errno != 0 || *end != '\0' || *checks == '\0' || count.checks < 0) {
			rc = cli_fail(CLI_USAGE, "The number of checks \"%s\" is not a count.",
			              checks);
			goto end;
		}
	}
	if (check_total != NULL &&
	    bundle_cli_amount0(check_total, &count.check_cents, &cause) != 0) {
		rc = cli_cause(CLI_USAGE, cause);
		goto end;
	}
	/* a blind count: the checks in hand are counted like the cash, never
	 * taken "as listed" from the ledger */
	if (checks == NULL || (count.checks > 0 && check_total == NULL)) {
		rc = cli_fail(CLI_USAGE,
		              "Count the checks in hand too: --checks N (0: none) and, when there "
		              "are some, --check-total AMOUNT.");
		goto end;
	}
	if (count.checks == 0 && count.check_cents > 0) {
		rc = cli_fail(CLI_USAGE, "--check-total is %s, but --checks is 0.", check_total);
		goto end;
	}
	if (count.checks == 0)
		count.check_cents = 0;
	/* the sheet's options are checked before the close-out is recorded */
	if ((rc = bundle_cli_sheet_parse(a, "sheet", &sheet)) != CLI_OK)
		goto end;
	count.counter[0] = cli_nth(a, "counter", 0);
	count.counter[1] = cli_nth(a, "counter", 1);
	count.note = cli_val(a, "note");
	if (closeout_record(c->l, &count, bundle_cli_op(c), &r, &cause) != 0) {
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
	if (ledger_head(c->l, &head_seq, head) != 0) {
		rc =
		    cli_fail(CLI_REFUSED, "The close-out is recorded, but the ledger's head cannot "
		                          "be read: print the sheet with watctl close-sheet.");
		goto end;
	}
	/* the sheet says when the close-out was recorded, as a reprint will */
	{
		struct closeout_result again;
		struct closeout_entry info;
		char *why = NULL;

		info.wall_ms = (int64_t)time(NULL) * 1000;
		if (closeout_load(c->l, r.seq, &again, &info, &why) == 0)
			closeout_result_free(&again);
		free(why);
		wall_ms = info.wall_ms;
	}
	if ((rc = bundle_cli_sheet_deliver(c, &r, wall_ms, head_seq, head, &sheet)) != CLI_OK)
		fprintf(stderr,
		        "The close-out is recorded (entry %" PRId64 "); print the sheet again "
		        "with: watctl close-sheet --print (or --out FILE.pdf)\n",
		        r.seq);
end:
	closeout_result_free(&r);
	free(sheet.assets);
	return rc;
}

const struct cli_cmd_entry bundle_cli_close_entry = {
    .name = "close",
    .usage =
        "--cash AMOUNT | --count 20x5,10x3,... --checks N [--check-total AMOUNT] --counter NAME "
        "--counter NAME [--note TEXT] [--sheet FILE.pdf] [--print] " BUNDLE_CLI_SHEET_USAGE,
    .about = "count the money (two counters); the sheet for the envelope",
    .opts = CLI_OPTS(CLI_VALUE("cash"), CLI_VALUE("count"), CLI_MANY("counter"),
                     CLI_VALUE("checks"), CLI_VALUE("check-total"), CLI_VALUE("note"),
                     CLI_VALUE("sheet"), BUNDLE_CLI_SHEET_OPTS),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = bundle_cli_close,
};

static enum cli_ret
bundle_cli_close_sheet(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct bundle_cli_sheet sheet;
	struct closeout_result r;
	struct closeout_entry info;
	char *cause = NULL;
	int64_t seq = 0;
	int rc;

	memset(&sheet, 0, sizeof sheet);
	memset(&r, 0, sizeof r);
	if (a->npos > 1 || (!cli_given(a, "out") && !cli_given(a, "print"))) {
		rc = cli_usage(c);
		goto end;
	}
	if (a->npos == 1 && (rc = cli_number(a->pos[0], "close-out entry", INT64_MAX, &seq)) != 0)
		goto end;
	if ((rc = bundle_cli_sheet_parse(a, "out", &sheet)) != CLI_OK)
		goto end;
	if (closeout_load(c->l, seq, &r, &info, &cause) != 0) {
		rc = cli_cause(CLI_REFUSED, cause);
		goto end;
	}
	if (info.reopen_seq != 0)
		fprintf(stderr,
		        "Note: the station was reopened after this close-out (entry %" PRId64
		        "); close out again for the final count.\n",
		        info.reopen_seq);
	rc = bundle_cli_sheet_deliver(c, &r, info.wall_ms, r.seq, info.hash, &sheet);
end:
	closeout_result_free(&r);
	free(sheet.assets);
	return rc;
}

const struct cli_cmd_entry bundle_cli_close_sheet_entry = {
    .name = "close-sheet",
    .usage = "[SEQ] --out FILE.pdf | --print " BUNDLE_CLI_SHEET_USAGE,
    .about = "the sheet of the last close-out in force (or of entry SEQ), again",
    .opts = CLI_OPTS(CLI_VALUE("out"), BUNDLE_CLI_SHEET_OPTS),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = bundle_cli_close_sheet,
};

static enum cli_ret
bundle_cli_reopen(struct cli_cmd_ctx *c, struct cli_args *a)
{
	char *cause = NULL;
	int64_t seq;

	if (a->npos != 0 || cli_val(a, "reason") == NULL)
		return cli_usage(c);
	if (closeout_reopen(c->l, cli_val(a, "reason"), bundle_cli_op(c), &seq, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	printf("The station is reopened (entry %" PRId64 "). Close out again before the final "
	       "export.\n",
	       seq);
	return CLI_OK;
}

const struct cli_cmd_entry bundle_cli_reopen_entry = {
    .name = "reopen",
    .usage = "--reason TEXT",
    .about = "take more money after a close-out (close out again before the final export)",
    .opts = CLI_OPTS(CLI_VALUE("reason")),
    .needs = CLI_EVENT,
    .how = CLI_WRITE,
    .exec = bundle_cli_reopen,
};

/* ---- keys ---- */

static enum cli_ret
bundle_cli_pubkey(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct sign_key *k = NULL;
	struct sign_pub pub;
	char *keys, *cause = NULL, *text, id[17];
	int rc;

	if (a->npos != 0)
		return cli_usage(c);
	if ((keys = bundle_cli_dir(c, cli_val(a, "keys"), ".keys")) == NULL)
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

const struct cli_cmd_entry bundle_cli_pubkey_entry = {
    .name = "pubkey",
    .usage = "[--keys DIR]",
    .about = "the station's public key (minisign format; the keys: DIR, else FILE.keys)",
    .opts = CLI_OPTS(CLI_VALUE("keys")),
    .needs = CLI_PATH,
    .exec = bundle_cli_pubkey,
};

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
bundle_cli_pack_export(struct cli_cmd_ctx *c, const char *file, const char *qr,
                       const char *for_station)
{
	struct event_pack p;
	struct event_pack_secret key;
	char *cause = NULL, *dir = xstrdup(file), *slash, words[EVENT_PACK_KEYTEXT_MAX];
	char qrtext[EVENT_PACK_KEYTEXT_MAX], *png = NULL, *keys = bundle_cli_dir(c, NULL, ".keys");
	const char *name;
	int rc = CLI_REFUSED;

	memset(&key, 0, sizeof key);
	if (event_pack_from_ledger(c->l, &p, &cause) != 0) {
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
	png = qr != NULL ? xstrdup(qr) : bundle_cli_dir(c, NULL, ".pack-key.png");
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
bundle_cli_pack_import(struct cli_cmd_ctx *c, const char *file, const char *keytext,
                       const char *station, const char *walker_base)
{
	struct event_pack p;
	struct event_pack_secret key;
	char *cause = NULL, *notes = NULL;
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
	if (station == NULL)
		station = p.for_station; /* the station its certificate is for */
	if (station == NULL) {
		rc = cli_fail(CLI_USAGE, "Say which station this is: --station ID.");
		goto end;
	}
	jr = event_pack_join(c->l, &p, station, walker_base, bundle_cli_op(c), &notes, &cause);
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
		char *keys = bundle_cli_dir(c, NULL, ".keys"), *hq = trust_cli_hq_pub_dir();
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
	free(notes);
	return rc;
}

static enum cli_ret
bundle_cli_event_pack(struct cli_cmd_ctx *c, struct cli_args *a)
{
	const char *sub = a->npos > 0 ? a->pos[0] : "", *station = cli_val(a, "station"),
	           *base = cli_val(a, "walker-base"), *key = cli_val(a, "key");

	if (a->npos != 2 || (strcmp(sub, "export") != 0 && strcmp(sub, "import") != 0) ||
	    (strcmp(sub, "import") == 0 && (key == NULL || cli_given(a, "qr"))) ||
	    (strcmp(sub, "export") == 0 && (base != NULL || key != NULL)))
		return cli_usage(c);
	if (strcmp(sub, "export") == 0)
		return bundle_cli_pack_export(c, a->pos[1], cli_val(a, "qr"), station);
	return bundle_cli_pack_import(c, a->pos[1], key, station, base != NULL ? base : "100000");
}

const struct cli_cmd_entry bundle_cli_event_pack_entry = {
    .name = "event-pack",
    .usage = "export FILE [--station ID] [--qr KEY.png]\n"
             "import FILE --key KEY [--station ID] [--walker-base N]",
    .about = "a second station of the event, sealed: export prints its key and writes the key's "
             "QR code beside the ledger; import makes its ledger (--db NEW.db)",
    .opts =
        CLI_OPTS(CLI_VALUE("station"), CLI_VALUE("walker-base"), CLI_VALUE("key"), CLI_VALUE("qr")),
    .needs = CLI_LEDGER,
    .how = CLI_CREATE,
    .reads = "export",
    .exec = bundle_cli_event_pack,
};
