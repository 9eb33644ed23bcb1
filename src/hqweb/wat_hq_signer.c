/* wat_hq_signer.c — wat-hq-signer: keeps HQ's secret keys out of the web
 * process (hqweb_signer.h).  Runs as its own user (board/wat-hq-signer.service);
 * its socket is the only way in, and only the web's user is served.
 *
 *   wat-hq-signer --keys DIR --socket PATH [--allow-uid UID]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "age.h"
#include "bundle.h"
#include "hqweb_signer.h"

static volatile sig_atomic_t wat_hq_signer_stop;

static void
wat_hq_signer_on_signal(int sig)
{
	(void)sig;
	wat_hq_signer_stop = 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"keys", required_argument, NULL, 'k'},
	    {"socket", required_argument, NULL, 's'},
	    {"allow-uid", required_argument, NULL, 'u'},
	    {NULL, 0, NULL, 0},
	};
	struct age_identity ids[2 * AGE_MAX_IDS];
	const char *keys = NULL, *path = NULL;
	struct sockaddr_un sa;
	struct sigaction act;
	char *cause = NULL;
	size_t nids = 0, i;
	uid_t allow = (uid_t)-1;
	int opt, fd = -1, rc = 1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'k')
			keys = optarg;
		else if (opt == 's')
			path = optarg;
		else if (opt == 'u')
			allow = (uid_t)strtoul(optarg, NULL, 10);
		else {
			keys = NULL;
			break;
		}
	}
	if (keys == NULL || path == NULL) {
		fprintf(stderr,
		        "usage: wat-hq-signer --keys DIR --socket PATH [--allow-uid UID]\n");
		return 2;
	}
	/* no core dumps, no ptrace by the same user: the keys stay here */
	prctl(PR_SET_DUMPABLE, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "wat-hq-signer: the socket path is too long\n");
		return 2;
	}
	memcpy(sa.sun_path, path, strlen(path));
	if (bundle_hq_identities(keys, ids, &nids, &cause) != 0) {
		fprintf(stderr, "wat-hq-signer: %s\n", cause);
		goto end;
	}
	memset(&act, 0, sizeof act);
	act.sa_handler = wat_hq_signer_on_signal;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	unlink(path);
	umask(0117); /* the socket: its user and group (the web's) only */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0) {
		fprintf(stderr, "wat-hq-signer: cannot listen on %s: %s\n", path, strerror(errno));
		goto end;
	}
	fprintf(stderr, "wat-hq-signer: keys of %s, on %s\n", keys, path);
	rc = hqweb_signer_serve(fd, keys, ids, nids, allow, &wat_hq_signer_stop) == 0 ? 0 : 1;
	unlink(path);
end:
	if (fd >= 0)
		close(fd);
	for (i = 0; i < nids; i++)
		age_identity_wipe(&ids[i]);
	free(cause);
	return rc;
}
