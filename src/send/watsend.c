/* watsend.c — the wat-send service (docs/COORDINATOR-GUIDE.md "Send to
 * HQ", board/README.md): the station's posting to HQ, kept out of the
 * kiosk (whose unit denies every IP address and which never links
 * libcurl).  The kiosk asks by writing <db>.outbox/request (send.h); this
 * posts it to HQ's inbox, again and again with a growing wait (up to
 * --retry-max seconds) while there is no network or HQ cannot take it,
 * writes how it goes to <db>.outbox/status for the coordinator's screen,
 * and HQ's final answer to <db>.outbox/answer, which the kiosk records in
 * the ledger (its worker owns the file).  When no kiosk runs (its socket
 * --kiosk absent) the answer is recorded on the ledger file here.
 *
 *   wat-send --db FILE [--kiosk SOCKET] [--interval S] [--retry-max S]
 *            [--timeout S] [--inbox URL] [--once]
 *
 * --inbox overrides the charter's inbox (HQ moved; tests on loopback).
 *
 * Logs one line per try. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"
#include "send.h"
#include "send_http.h"
#include "util.h"

/* The first wait after a failed try; it doubles up to --retry-max. */
#define WATSEND_FIRST_WAIT 5

struct watsend {
	const char *db, *kiosk, *inbox;
	char *outbox;
	int interval, retry_max, timeout;
};

static volatile sig_atomic_t watsend_stop;

static void
watsend_on_signal(int sig)
{
	(void)sig;
	watsend_stop = 1;
}

/* Records the outbox's answer on the ledger file when no kiosk runs. */
static void
watsend_record(struct watsend *w)
{
	struct send_job j;
	struct send_answer a;
	struct ledger *l = NULL;
	struct stat st;
	char *cause = NULL;
	int64_t seq = 0;

	if (w->kiosk != NULL && stat(w->kiosk, &st) == 0)
		return; /* the kiosk records it (its worker owns the ledger) */
	if (send_answer_read(w->outbox, &j, &a, &cause) != 0)
		goto end;
	if (ledger_open_mode(w->db, LEDGER_WRITE, &l, &cause) != 0)
		goto end;
	if (send_record(l, &j, &a, "wat-send", &seq, &cause) >= 0) {
		fprintf(stderr,
		        "wat-send: HQ's answer to export %" PRId64 " recorded (entry %" PRId64
		        ")\n",
		        j.export_n, seq);
		send_answer_remove(w->outbox);
	}
end:
	if (cause != NULL) {
		fprintf(stderr, "wat-send: HQ's answer not recorded yet: %s\n", cause);
		free(cause);
	}
	ledger_free(l);
}

/* Marks the outbox: the kiosk tells "no network service" by an old mark. */
static void
watsend_alive(const struct watsend *w)
{
	char *path = xasprintf("%s/alive", w->outbox);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd >= 0) {
		futimens(fd, NULL);
		close(fd);
	}
	free(path);
}

/* One look at the outbox: the request posted when its time has come. */
static void
watsend_round(struct watsend *w)
{
	struct send_job j;
	struct send_progress p;
	struct send_answer a;
	char *cause = NULL;
	time_t now = time(NULL);
	int rc = send_request_read(w->outbox, &j, &cause);

	if (rc != 0) {
		if (rc < 0) {
			fprintf(stderr, "wat-send: %s\n", cause);
			free(cause);
		}
		watsend_record(w);
		return;
	}
	if (w->inbox != NULL)
		snprintf(j.inbox, sizeof j.inbox, "%s", w->inbox);
	if (send_progress_read(w->outbox, &p, NULL) != 0 || p.export_n != j.export_n ||
	    send_final(p.status)) {
		memset(&p, 0, sizeof p); /* a new request */
		p.export_n = j.export_n;
	}
	if (p.tries > 0 && now < p.next_wall)
		return;
	send_http_post(&j, w->timeout, &a);
	p.tries++;
	p.status = a.status;
	snprintf(p.said, sizeof p.said, "%s", a.headline);
	if (send_final(a.status)) {
		p.next_wall = 0;
		fprintf(stderr, "wat-send: export %" PRId64 ": HQ: %s\n", j.export_n, a.headline);
		if (send_answer_write(w->outbox, &j, &a, &cause) != 0) {
			fprintf(stderr, "wat-send: %s\n", cause);
			free(cause);
			return; /* the request stays: sent again, HQ says "already" */
		}
		send_request_remove(w->outbox);
	} else {
		p.retry_s = p.retry_s == 0 ? WATSEND_FIRST_WAIT : p.retry_s * 2;
		if (p.retry_s > w->retry_max)
			p.retry_s = w->retry_max;
		p.next_wall = (int64_t)now + p.retry_s;
		fprintf(stderr,
		        "wat-send: export %" PRId64 " not sent (try %d): %s%s%s; again in %d s\n",
		        j.export_n, p.tries, a.headline, a.detail[0] ? ": " : "", a.detail,
		        p.retry_s);
	}
	if (send_progress_write(w->outbox, &p, &cause) != 0) {
		fprintf(stderr, "wat-send: %s\n", cause);
		free(cause);
	}
	if (send_final(a.status))
		watsend_record(w);
}

static void
watsend_usage(void)
{
	fprintf(stderr, "Usage: wat-send --db FILE [--kiosk SOCKET] [--interval S] [--retry-max S] "
	                "[--timeout S] [--inbox URL] [--once]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"kiosk", required_argument, NULL, 'k'},
	    {"interval", required_argument, NULL, 'i'},
	    {"retry-max", required_argument, NULL, 'r'},
	    {"timeout", required_argument, NULL, 't'},
	    {"once", no_argument, NULL, 'o'},
	    {"inbox", required_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct watsend w = {NULL, NULL, NULL, NULL, 2, 60, 120};
	struct sigaction sa;
	char *cause = NULL;
	int once = 0, c, rc = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': w.db = optarg; break;
		case 'k': w.kiosk = optarg; break;
		case 'i': w.interval = atoi(optarg); break;
		case 'r': w.retry_max = atoi(optarg); break;
		case 't': w.timeout = atoi(optarg); break;
		case 'o': once = 1; break;
		case 'b': w.inbox = optarg; break;
		case 'h': watsend_usage(); return 0;
		default: watsend_usage(); return 2;
		}
	}
	if (w.db == NULL || optind != argc || w.interval < 1 || w.retry_max < 1 || w.timeout < 1) {
		watsend_usage();
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watsend_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (send_http_init(&cause) != 0) {
		fprintf(stderr, "wat-send: %s\n", cause);
		free(cause);
		return 1;
	}
	w.outbox = send_outbox_dir(w.db);
	if (util_mkdir(w.outbox, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "wat-send: cannot make %s: %s\n", w.outbox, strerror(errno));
		goto end;
	}
	do {
		watsend_alive(&w);
		watsend_round(&w);
		for (int i = 0; !once && !watsend_stop && i < w.interval * 10; i++)
			usleep(100 * 1000);
	} while (!once && !watsend_stop);
	rc = 0;
end:
	free(w.outbox);
	return rc;
}
