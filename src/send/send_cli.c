/* send_cli.c — see send_cli.h. */
#include "send_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger.h"
#include "send.h"
#include "send_http.h"
#include "util.h"

static void
send_cli_sleep(int s)
{
	struct timespec ts = {s, 0};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static enum cli_ret
send_cli_send(struct cli_cmd_ctx *c, struct cli_args *a)
{
	struct ledger *l = NULL;
	struct send_job j;
	struct send_answer ans;
	char *cause = NULL;
	const char *v;
	int retry_max = 60, give_up = 600, wait = 1, tries = 0;
	int64_t seq = 0;
	time_t start = time(NULL);
	int rc;

	if (a->npos != 0)
		return cli_usage(c);
	if ((v = cli_val(a, "retry-max")) != NULL && (retry_max = atoi(v)) < 1)
		return cli_fail(CLI_USAGE, "--retry-max takes seconds (1 or more).");
	if ((v = cli_val(a, "give-up-after")) != NULL && (give_up = atoi(v)) < 0)
		return cli_fail(CLI_USAGE, "--give-up-after takes seconds (0 or more).");
	if (cli_given(a, "once"))
		give_up = 0;
	/* the ledger is read, then closed while the network is waited for (the
	 * kiosk may want it), and opened again to record HQ's answer */
	if (ledger_open_mode(c->db, LEDGER_READ, &l, &cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	rc = send_job_latest(l, c->db, cli_val(a, "inbox"), &j, &cause);
	ledger_free(l);
	l = NULL;
	if (rc != 0)
		return cli_cause(CLI_REFUSED, cause);
	if (send_http_init(&cause) != 0)
		return cli_cause(CLI_REFUSED, cause);
	for (;;) {
		tries++;
		send_http_post(&j, 120, &ans);
		if (send_final(ans.status))
			break;
		if (time(NULL) - start + wait > give_up) {
			fprintf(stderr,
			        "Not sent: %s.%s%s\nThe bundle stays on the station; send again "
			        "later, or take the USB stick to HQ.\n",
			        ans.headline, ans.detail[0] ? " " : "", ans.detail);
			return CLI_REFUSED;
		}
		fprintf(stderr, "Not sent yet (try %d): %s — trying again in %d s.\n", tries,
		        ans.headline, wait);
		send_cli_sleep(wait);
		wait = wait * 2 > retry_max ? retry_max : wait * 2;
	}
	if (ledger_open_mode(c->db, LEDGER_WRITE, &l, &cause) != 0) {
		fprintf(stderr,
		        "HQ answered (%s) but the ledger could not record it: ", ans.headline);
		return cli_cause(CLI_REFUSED, cause);
	}
	rc = send_record(l, &j, &ans, c->op != NULL && *c->op != '\0' ? c->op : "watctl", &seq,
	                 &cause);
	ledger_free(l);
	if (rc < 0) {
		fprintf(stderr,
		        "HQ answered (%s) but the ledger could not record it: ", ans.headline);
		return cli_cause(CLI_REFUSED, cause);
	}
	printf("%s %s\n",
	       ans.status == SEND_REFUSED ? "HQ refused it:" : "HQ's answer:", ans.headline);
	if (ans.detail[0] != '\0')
		printf("%s\n", ans.detail);
	if (ans.number > 0)
		printf("HQ's receipt: #%" PRId64 "%s%s\n", ans.number,
		       ans.received_at[0] ? ", received " : "", ans.received_at);
	printf(rc == 1 ? "Recorded already (entry %" PRId64 ").\n"
	               : "Recorded in the ledger (entry %" PRId64 ").\n",
	       seq);
	return ans.status == SEND_REFUSED ? CLI_REFUSED : CLI_OK;
}

const struct cli_cmd_entry send_cli_send_entry = {
    .name = "send",
    .usage = "[--inbox URL] [--once | --give-up-after S] [--retry-max S]",
    .about = "the last export posted to HQ's inbox (the charter's), retried until HQ answers; "
             "HQ's receipt recorded in the ledger",
    .opts = CLI_OPTS(CLI_VALUE("inbox"), CLI_FLAG("once"), CLI_VALUE("give-up-after"),
                     CLI_VALUE("retry-max")),
    .needs = CLI_PATH,
    .how = CLI_READ,
    .exec = send_cli_send,
};
