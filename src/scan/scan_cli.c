/* scan_cli.c — `watctl decode`. */
#include "scan_cli.h"

#include "scan_decode.h"
#include "scan_file.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

void
scan_cli_escape(struct strbuf *b, const char *payload, size_t len)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < len; i++) {
		switch (payload[i]) {
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '|': rep = "\\|"; break;
		case '\0': rep = "\\x00"; break;
		default: continue;
		}
		strbuf_add(b, payload + start, i - start);
		strbuf_puts(b, rep);
		start = i + 1;
	}
	strbuf_add(b, payload + start, len - start);
}

static enum cli_ret
scan_cli_decode(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct scan_decoder *d = NULL;
	struct scan_image img = {NULL, 0, 0};
	struct scan_codes codes = SCAN_CODES_INIT;
	struct strbuf line = STRBUF_INIT;
	char *cause = NULL;
	size_t j;
	int i, rc = 0;

	if (a->npos < 1) {
		cli_usage(c);
		rc = 1; /* 2 says a picture could not be loaded (scan_cli.h) */
		goto out;
	}
	{
		/* a picture may be a whole sheet of badges (30 labels a page),
		 * not a camera frame's few codes */
		struct scan_decode_options o = {1, 1, 255, 0, 0};

		d = scan_decode_new(&o);
	}
	for (i = 0; i < a->npos; i++) {
		if (scan_file_load(a->pos[i], &img, &cause) != 0) {
			fprintf(stderr, "watctl decode: %s\n", cause);
			free(cause);
			cause = NULL;
			rc = 2;
			continue;
		}
		if (scan_decode_luma(d, img.luma, img.width, img.height, img.width, &codes,
		                     &cause) < 0) {
			fprintf(stderr, "watctl decode: %s: %s\n", a->pos[i], cause);
			free(cause);
			cause = NULL;
			rc = 2;
			scan_file_image_free(&img);
			continue;
		}
		strbuf_puts(&line, a->pos[i]);
		strbuf_puts(&line, "\t");
		for (j = 0; j < codes.n; j++) {
			if (j > 0)
				strbuf_puts(&line, "|");
			scan_cli_escape(&line, codes.v[j].text, codes.v[j].len);
		}
		strbuf_puts(&line, "\n");
		{
			/* a code is anyone's text: no control character reaches the
			 * terminal (ESC as \x1b; its own TAB and newline are kept) */
			char *safe = text_escape(line.s, TEXT_KEEP_LINES);

			fputs(safe, stdout);
			free(safe);
		}
		line.len = 0;
		scan_codes_free(&codes);
		scan_file_image_free(&img);
	}
	if (fflush(stdout) != 0)
		rc = rc ? rc : 1;
out:
	strbuf_free(&line);
	scan_decode_free(d);
	return rc;
}

const struct cli_cmd_entry scan_cli_decode_entry = {
    .name = "decode",
    .usage = "IMAGE...",
    .about = "print the QR codes in pictures",
    .needs = CLI_NONE,
    .exec = scan_cli_decode,
};
