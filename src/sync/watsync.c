/* watsync.c — the wat-sync service (docs/SYNC.md "The wat-sync service"):
 * the station's networking, kept out of the kiosk (whose unit denies every
 * IP address).  It answers peers on --listen, calls each known peer every
 * --interval seconds (addresses given, from wat.conf through the
 * environment, and those Avahi finds), and does each exchange through the
 * kiosk's local socket when a kiosk runs (its worker thread owns the
 * ledger), else on the ledger file itself, opened for that exchange only.
 *
 *   wat-sync --db FILE [--keys DIR] [--kiosk SOCKET] [--listen ADDR:PORT]
 *            [--peer ADDR:PORT]... [--interval S] [--budget-mb N]
 *            [--timeout S] [--no-avahi] [--rounds N]
 *   wat-sync --wifi --db FILE
 *
 * --wifi prints the event's own Wi-Fi network (WIFI_SSID=, WIFI_PSK= lines,
 * sync_wifi_derive) for board/'s wat-network (NETWORK=offer or join without
 * a given network) and exits: 3 when the ledger has no event yet.
 *
 * WAT_SYNC_PEERS ("ADDR:PORT ADDR:PORT") and WAT_SYNC_LISTEN add to the
 * options (wat-provision writes them from wat.conf's SYNC_PEERS and
 * SYNC_LISTEN).  Logs one line per exchange that did something or failed. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "badge.h"
#include "ledger.h"
#include "sync.h"
#include "sync_avahi.h"
#include "sync_local.h"
#include "sync_msg.h"
#include "util.h"

#define WATSYNC_PEERS_MAX 32
/* How often the kiosk's last entry is looked at: a new one of this station's
 * (a lap just scanned) makes a round at once, so peers have it within about
 * this, whatever --interval says (an exchange copies both ways). */
#define WATSYNC_WATCH_MS 250

struct watsync {
	const char *db, *kiosk, *listen;
	char *keys;
	char peers[WATSYNC_PEERS_MAX][64];
	size_t npeers;
	struct sync_opts so;
	int interval_ms, rounds;
	int use_avahi;  /* 0: --no-avahi or Avahi failed (said once) */
	int avahi_wait; /* 1: said that the station has no event yet */
	struct sync_avahi *avahi;
	struct sync_self self;
	int have_self;
	int kiosk_said;   /* 1: last time through the kiosk, 0: on the file, -1 not yet */
	int64_t own_head; /* this station's last entry when the last round began (-1 unknown) */
	char *self_said;  /* why this station could not show itself, as last logged */
	char failed[WATSYNC_PEERS_MAX][64]; /* peers whose last call failed: said once */
	size_t nfailed;
};

static volatile sig_atomic_t watsync_stop;

static void
watsync_on_signal(int sig)
{
	(void)sig;
	watsync_stop = 1;
}

static int64_t
watsync_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
watsync_add_peer(struct watsync *w, const char *addr)
{
	for (size_t i = 0; i < w->npeers; i++)
		if (strcmp(w->peers[i], addr) == 0)
			return;
	if (w->npeers < WATSYNC_PEERS_MAX && strlen(addr) < sizeof w->peers[0])
		snprintf(w->peers[w->npeers++], sizeof w->peers[0], "%s", addr);
}

static void
watsync_add_peers(struct watsync *w, const char *list)
{
	char *copy, *save = NULL;

	if (list == NULL)
		return;
	copy = xstrdup(list);
	for (char *t = strtok_r(copy, " ,\t", &save); t != NULL; t = strtok_r(NULL, " ,\t", &save))
		watsync_add_peer(w, t);
	free(copy);
}

/* Says a failure with a peer once, until it works again (a peer switched
 * off would fill the log every few seconds). */
static int
watsync_failed_once(struct watsync *w, const char *addr, int failed)
{
	size_t i;

	for (i = 0; i < w->nfailed && strcmp(w->failed[i], addr) != 0; i++)
		;
	if (!failed) { /* 1: it was failing */
		if (i == w->nfailed)
			return 0;
		memcpy(w->failed[i], w->failed[--w->nfailed], sizeof w->failed[0]);
		return 1;
	}
	if (i < w->nfailed)
		return 0;
	if (w->nfailed < WATSYNC_PEERS_MAX)
		snprintf(w->failed[w->nfailed++], sizeof w->failed[0], "%s", addr);
	return 1;
}

/* Tells the kiosk (when one runs) what came of an exchange, for the
 * coordinator's Stations screen. */
static void
watsync_report(struct watsync *w, int kfd, const char *addr, const struct sync_result *res, int ok,
               const char *cause)
{
	struct sync_report rep;
	char *c2 = NULL;

	if (kfd < 0)
		return;
	memset(&rep, 0, sizeof rep);
	snprintf(rep.station, sizeof rep.station, "%s", res->peer);
	snprintf(rep.addr, sizeof rep.addr, "%s", addr);
	rep.format = res->peer_format;
	if (!ok && res->refused) {
		rep.kind = SYNC_REPORT_REFUSED;
		snprintf(rep.text, sizeof rep.text, "%s", cause != NULL ? cause : "");
	} else if (ok && res->peer_format > SYNC_FORMAT) {
		rep.kind = SYNC_REPORT_NEWER;
		snprintf(rep.text, sizeof rep.text, "%s", res->note);
	} else if (ok)
		rep.kind = SYNC_REPORT_OK;
	else
		return;
	if (sync_local_report(kfd, &rep, &c2) != 0) {
		fprintf(stderr, "wat-sync: telling the kiosk failed: %s\n", c2);
		free(c2);
	}
	(void)w;
}

/* One exchange over fd (connected to or by a peer at addr), through the
 * kiosk when it answers, else on the ledger file for this exchange only. */
static void
watsync_exchange(struct watsync *w, int fd, int initiator, const char *addr)
{
	struct sync_store st;
	struct ledger *l = NULL;
	struct sync_result res;
	char *cause = NULL;
	int kfd = -1, rc, via_kiosk;

	memset(&res, 0, sizeof res);
	if (w->kiosk != NULL && sync_local_connect(w->kiosk, 30000, &kfd, NULL) == 0)
		st = sync_local_store(kfd);
	else if (ledger_open(w->db, &l, &cause) == 0)
		st = sync_store_ledger(l);
	else {
		fprintf(stderr, "wat-sync: %s\n", cause);
		goto end;
	}
	via_kiosk = kfd >= 0;
	if (via_kiosk != w->kiosk_said) {
		fprintf(stderr,
		        via_kiosk
		            ? "wat-sync: exchanging through the kiosk (%s)\n"
		            : "wat-sync: no kiosk answers: exchanging on the ledger file %s\n",
		        via_kiosk ? w->kiosk : w->db);
		w->kiosk_said = via_kiosk;
	}
	if (!w->have_self) {
		/* not set up yet, in training, no key: said once until it changes */
		if (sync_self_load_store(&st, w->keys, &w->self, &cause) != 0) {
			if (w->self_said == NULL || strcmp(w->self_said, cause) != 0)
				fprintf(stderr, "wat-sync: %s\n", cause);
			free(w->self_said);
			w->self_said = cause;
			cause = NULL;
			goto end;
		}
		w->have_self = 1;
	}
	rc = sync_exchange_store(&st, &w->self, fd, initiator, &w->so, &res, &cause);
	if (rc == 0) {
		int was_failing = initiator && watsync_failed_once(w, addr, 0);
		if (res.received > 0 || res.sent > 0 || was_failing || res.note[0] != '\0')
			fprintf(stderr,
			        "wat-sync: %s %s: station %s, %zu entries received, %zu sent, "
			        "clock offset %+" PRId64 " ms\n",
			        initiator ? "called" : "answered", addr, res.peer, res.received,
			        res.sent, res.offset_ms);
		if (res.note[0] != '\0')
			fprintf(stderr, "wat-sync: %s\n", res.note);
	} else if (!initiator || watsync_failed_once(w, addr, 1) || res.refused)
		fprintf(stderr, "wat-sync: %s %s: %s\n", initiator ? "calling" : "answering", addr,
		        cause);
	watsync_report(w, kfd, addr, &res, rc == 0, cause);
end:
	free(cause);
	if (kfd >= 0) {
		sync_local_store_free(&st);
		close(kfd);
	}
	ledger_free(l);
}

static void
watsync_call(struct watsync *w, const char *addr)
{
	char *cause = NULL;
	int fd = -1;

	if (sync_connect(addr, w->so.timeout_ms, &fd, &cause) != 0) {
		if (watsync_failed_once(w, addr, 1))
			fprintf(stderr, "wat-sync: calling %s: %s\n", addr, cause);
		free(cause);
		return;
	}
	watsync_exchange(w, fd, 1, addr);
	close(fd);
}

static void
watsync_round(struct watsync *w)
{
	char found[SYNC_AVAHI_PEERS_MAX][64];
	size_t n = sync_avahi_peers(w->avahi, found, SYNC_AVAHI_PEERS_MAX);

	for (size_t i = 0; i < w->npeers && !watsync_stop; i++)
		watsync_call(w, w->peers[i]);
	for (size_t i = 0; i < n && !watsync_stop; i++) {
		size_t j;
		for (j = 0; j < w->npeers && strcmp(w->peers[j], found[i]) != 0; j++)
			;
		if (j == w->npeers)
			watsync_call(w, found[i]);
	}
}

/* The station's id, for announcing it (asked once, of the kiosk or the file). */
static void
watsync_station(struct watsync *w, char station[LEDGER_STATION_MAX + 1])
{
	unsigned char id[LEDGER_HASH_LEN];
	struct ledger *l = NULL;
	struct sync_store st;
	int kfd = -1;

	snprintf(station, LEDGER_STATION_MAX + 1, "?");
	if (w->kiosk != NULL && sync_local_connect(w->kiosk, 5000, &kfd, NULL) == 0) {
		st = sync_local_store(kfd);
		st.ops->self(st.ctx, id, station, NULL);
		sync_local_store_free(&st);
		close(kfd);
	} else if (ledger_open(w->db, &l, NULL) == 0) {
		st = sync_store_ledger(l);
		st.ops->self(st.ctx, id, station, NULL);
		ledger_free(l);
	}
}

static unsigned
watsync_port(const char *addr)
{
	const char *c = addr != NULL ? strrchr(addr, ':') : NULL;
	return c != NULL ? (unsigned)atoi(c + 1) : 0;
}

/* Announces this station and looks for the others by mDNS once it has an
 * event: before, it has no name of its own (two fresh stations would take
 * each other for itself) and nothing to exchange. Tried again each round, so
 * an event set up on a running station is announced without a restart. */
static int64_t watsync_kiosk_head(struct watsync *w);

static void
watsync_avahi_try(struct watsync *w)
{
	char station[LEDGER_STATION_MAX + 1], *cause = NULL;

	if (!w->use_avahi || w->avahi != NULL)
		return;
	/* with a kiosk, asked of it only: opening the file while the kiosk starts
	 * would keep the kiosk out of its ledger (it takes it exclusively) */
	if (w->kiosk != NULL && watsync_kiosk_head(w) < 0)
		return;
	watsync_station(w, station);
	if (station[0] == '\0' || strcmp(station, "?") == 0) {
		if (!w->avahi_wait)
			fprintf(stderr, "wat-sync: this station has no event yet: it looks for the "
			                "others on the network once it has one.\n");
		w->avahi_wait = 1;
		return;
	}
	if (sync_avahi_start(station, watsync_port(w->listen), &w->avahi, &cause) != 0) {
		/* said once: peers then come from wat.conf only */
		fprintf(stderr,
		        "wat-sync: %s: peers are not looked for on the network; using the "
		        "%zu address%s given (wat.conf SYNC_PEERS).\n",
		        cause, w->npeers, w->npeers == 1 ? "" : "es");
		free(cause);
		w->use_avahi = 0;
	} else if (w->avahi_wait)
		fprintf(stderr, "wat-sync: station %s looks for the others on the network.\n",
		        station);
}

/* This station's last entry, asked of the kiosk; -1 when none answers
 * (the file is not opened for this: a kiosk starting would wait). */
static int64_t
watsync_kiosk_head(struct watsync *w)
{
	unsigned char hash[LEDGER_HASH_LEN];
	struct sync_store st;
	int64_t seq = -1;
	int fd = -1;

	if (w->kiosk == NULL || sync_local_connect(w->kiosk, 1000, &fd, NULL) != 0)
		return -1;
	st = sync_local_store(fd);
	if (st.ops->head(st.ctx, &seq, hash, NULL) != 0)
		seq = -1;
	sync_local_store_free(&st);
	close(fd);
	return seq;
}

/* --wifi: the event's network from the ledger's badge key (run before the
 * kiosk starts: it holds the file exclusively). */
static int
watsync_wifi(const char *db)
{
	struct ledger *l = NULL;
	struct badge_event ev;
	char *cause = NULL, ssid[SYNC_WIFI_SSID_MAX], psk[SYNC_WIFI_PSK_MAX];
	int rc = 1;

	if (ledger_open_mode(db, LEDGER_READ, &l, &cause) != 0)
		goto end;
	if (ledger_badge_key(l, &ev, &cause) != 0) {
		rc = 3; /* no event set up yet */
		goto end;
	}
	sync_wifi_derive(ev.key, ssid, psk);
	util_wipe(&ev, sizeof ev);
	printf("WIFI_SSID=%s\nWIFI_PSK=%s\n", ssid, psk);
	util_wipe(psk, sizeof psk);
	rc = fflush(stdout) == 0 ? 0 : 1;
end:
	if (cause != NULL)
		fprintf(stderr, "wat-sync: %s\n", cause);
	free(cause);
	ledger_free(l);
	return rc;
}

static void
watsync_usage(void)
{
	fprintf(stderr, "usage: wat-sync --db FILE [--keys DIR] [--kiosk SOCKET] "
	                "[--listen ADDR:PORT] [--peer ADDR:PORT]...\n"
	                "                [--interval S] [--budget-mb N] [--timeout S] "
	                "[--no-avahi] [--rounds N]\n"
	                "       wat-sync --wifi --db FILE\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"keys", required_argument, NULL, 'k'},
	                                     {"kiosk", required_argument, NULL, 'K'},
	                                     {"listen", required_argument, NULL, 'l'},
	                                     {"peer", required_argument, NULL, 'p'},
	                                     {"interval", required_argument, NULL, 'i'},
	                                     {"budget-mb", required_argument, NULL, 'b'},
	                                     {"timeout", required_argument, NULL, 't'},
	                                     {"no-avahi", no_argument, NULL, 'A'},
	                                     {"rounds", required_argument, NULL, 'r'},
	                                     {"wifi", no_argument, NULL, 'W'},
	                                     {NULL, 0, NULL, 0}};
	struct watsync w;
	struct sigaction sa;
	char *cause = NULL;
	int c, lfd = -1, status = 1, round = 0, wifi = 0;
	int64_t next, watch;
	const char *env;

	memset(&w, 0, sizeof w);
	w.so.budget = LEDGER_PEER_BUDGET_DEFAULT;
	w.so.format = SYNC_FORMAT;
	w.so.timeout_ms = 10000;
	w.interval_ms = 3000;
	w.use_avahi = 1;
	w.kiosk_said = -1;
	w.own_head = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': w.db = optarg; break;
		case 'k': w.keys = xstrdup(optarg); break;
		case 'K': w.kiosk = optarg; break;
		case 'l': w.listen = optarg; break;
		case 'p': watsync_add_peer(&w, optarg); break;
		case 'i': w.interval_ms = (int)(atof(optarg) * 1000); break;
		case 'b': w.so.budget = (int64_t)atoll(optarg) * 1024 * 1024; break;
		case 't': w.so.timeout_ms = atoi(optarg) * 1000; break;
		case 'A': w.use_avahi = 0; break;
		case 'r': w.rounds = atoi(optarg); break;
		case 'W': wifi = 1; break;
		default: watsync_usage(); return 2;
		}
	}
	if (w.db == NULL || optind != argc || w.interval_ms < 100 || w.so.budget <= 0 ||
	    w.so.timeout_ms <= 0) {
		watsync_usage();
		return 2;
	}
	if (wifi)
		return watsync_wifi(w.db);
	watsync_add_peers(&w, getenv("WAT_SYNC_PEERS"));
	if (w.listen == NULL && (env = getenv("WAT_SYNC_LISTEN")) != NULL && *env != '\0')
		w.listen = env;
	if (w.keys == NULL)
		w.keys = xasprintf("%s.keys", w.db);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watsync_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (w.listen != NULL && sync_listen(w.listen, &lfd, &cause) != 0) {
		fprintf(stderr, "wat-sync: %s\n", cause);
		goto end;
	}
	watsync_avahi_try(&w);
	fprintf(stderr, "wat-sync: %s%s, %zu peer address%s, a call every %.1f s\n",
	        w.listen != NULL ? "listening on " : "not listening",
	        w.listen != NULL ? w.listen : "", w.npeers, w.npeers == 1 ? "" : "es",
	        w.interval_ms / 1000.0);
	next = watsync_now_ms();
	watch = next + WATSYNC_WATCH_MS;
	while (!watsync_stop) {
		struct pollfd p = {lfd, POLLIN, 0};
		int64_t now = watsync_now_ms(), until;

		if (now >= watch) {
			int64_t h = watsync_kiosk_head(&w);

			/* a new entry of this station's: the peers get it now */
			if (h > w.own_head && w.own_head >= 0)
				next = now;
			watch = now + WATSYNC_WATCH_MS;
		}
		if (now >= next) {
			watsync_avahi_try(&w);
			w.own_head = watsync_kiosk_head(&w);
			watsync_round(&w);
			next = watsync_now_ms() + w.interval_ms;
			if (w.rounds > 0 && ++round >= w.rounds)
				break;
			continue;
		}
		until = w.kiosk != NULL && watch < next ? watch : next;
		if (poll(&p, lfd >= 0 ? 1 : 0, (int)(until - now)) > 0 && (p.revents & POLLIN)) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof ss;
			char addr[64] = "a peer";
			int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);

			if (fd >= 0) {
				sync_peer_name(&ss, sl, addr, sizeof addr);
				watsync_exchange(&w, fd, 0, addr);
				close(fd);
			}
		}
	}
	status = 0;
end:
	sync_avahi_stop(w.avahi);
	if (lfd >= 0)
		close(lfd);
	if (w.have_self)
		sync_self_clear(&w.self);
	free(w.self_said);
	free(w.keys);
	free(cause);
	return status;
}
