/* sync_avahi.c — see sync_avahi.h. */
#include "sync_avahi.h"

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/error.h>
#include <avahi-common/domain.h>
#include <avahi-common/thread-watch.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

struct sync_avahi_peer {
	char name[AVAHI_LABEL_MAX];
	char addr[64];
};

struct sync_avahi {
	AvahiThreadedPoll *poll;
	AvahiClient *client;
	AvahiEntryGroup *group;
	AvahiServiceBrowser *browser;
	char name[AVAHI_LABEL_MAX];
	unsigned port;
	pthread_mutex_t lock; /* peers: written on Avahi's thread */
	size_t npeers;
	struct sync_avahi_peer peers[SYNC_AVAHI_PEERS_MAX];
};

static void
sync_avahi_set(struct sync_avahi *a, const char *name, const char *addr)
{
	size_t i;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < a->npeers && strcmp(a->peers[i].name, name) != 0; i++)
		;
	if (addr == NULL) { /* gone */
		if (i < a->npeers)
			a->peers[i] = a->peers[--a->npeers];
	} else if (i < a->npeers || a->npeers < SYNC_AVAHI_PEERS_MAX) {
		if (i == a->npeers)
			a->npeers++;
		snprintf(a->peers[i].name, sizeof a->peers[i].name, "%s", name);
		snprintf(a->peers[i].addr, sizeof a->peers[i].addr, "%s", addr);
	}
	pthread_mutex_unlock(&a->lock);
}

/* An answer as sync_addr reads it: a link-local IPv6 address (a bare
 * cable, a Wi-Fi network without DHCP) with the interface it came on. */
static int
sync_avahi_format(const AvahiAddress *addr, AvahiIfIndex iface, uint16_t port, char *out,
                  size_t len)
{
	char ip[AVAHI_ADDRESS_STR_MAX], ifname[IF_NAMESIZE];
	int n;

	if (avahi_address_snprint(ip, sizeof ip, addr) == NULL)
		return -1;
	if (addr->proto == AVAHI_PROTO_INET)
		n = snprintf(out, len, "%s:%u", ip, (unsigned)port);
	else if (strncasecmp(ip, "fe80:", 5) != 0)
		n = snprintf(out, len, "[%s]:%u", ip, (unsigned)port);
	else if (iface > 0 && if_indextoname((unsigned)iface, ifname) != NULL)
		n = snprintf(out, len, "[%s%%%s]:%u", ip, ifname, (unsigned)port);
	else
		return -1;
	return n > 0 && (size_t)n < len ? 0 : -1;
}

static void
sync_avahi_resolved(AvahiServiceResolver *r, AvahiIfIndex iface, AvahiProtocol proto,
                    AvahiResolverEvent ev, const char *name, const char *type, const char *domain,
                    const char *host, const AvahiAddress *addr, uint16_t port, AvahiStringList *txt,
                    AvahiLookupResultFlags flags, void *arg)
{
	struct sync_avahi *a = arg;
	char buf[64];

	if (ev == AVAHI_RESOLVER_FOUND && strcmp(name, a->name) != 0 &&
	    !(flags & AVAHI_LOOKUP_RESULT_OUR_OWN) &&
	    sync_avahi_format(addr, iface, port, buf, sizeof buf) == 0)
		sync_avahi_set(a, name, buf);
	avahi_service_resolver_free(r);
}

static void
sync_avahi_browsed(AvahiServiceBrowser *b, AvahiIfIndex iface, AvahiProtocol proto,
                   AvahiBrowserEvent ev, const char *name, const char *type, const char *domain,
                   AvahiLookupResultFlags flags, void *arg)
{
	struct sync_avahi *a = arg;

	if (ev == AVAHI_BROWSER_NEW)
		avahi_service_resolver_new(a->client, iface, proto, name, type, domain, proto, 0,
		                           sync_avahi_resolved, a);
	else if (ev == AVAHI_BROWSER_REMOVE)
		sync_avahi_set(a, name, NULL);
}

static void
sync_avahi_group_cb(AvahiEntryGroup *g, AvahiEntryGroupState st, void *arg)
{
	struct sync_avahi *a = arg;

	if (st == AVAHI_ENTRY_GROUP_COLLISION || st == AVAHI_ENTRY_GROUP_FAILURE)
		fprintf(stderr, "wat-sync: announcing \"%s\" on the network failed (%s).\n",
		        a->name, avahi_strerror(avahi_client_errno(a->client)));
}

static void
sync_avahi_announce(struct sync_avahi *a, AvahiClient *c)
{
	if (a->group == NULL &&
	    (a->group = avahi_entry_group_new(c, sync_avahi_group_cb, a)) == NULL)
		return;
	if (!avahi_entry_group_is_empty(a->group))
		return;
	if (avahi_entry_group_add_service(a->group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0, a->name,
	                                  SYNC_AVAHI_TYPE, NULL, NULL, (uint16_t)a->port,
	                                  "format=1", NULL) < 0 ||
	    avahi_entry_group_commit(a->group) < 0)
		fprintf(stderr, "wat-sync: announcing \"%s\" on the network failed (%s).\n",
		        a->name, avahi_strerror(avahi_client_errno(c)));
}

static void
sync_avahi_client_cb(AvahiClient *c, AvahiClientState st, void *arg)
{
	struct sync_avahi *a = arg;

	if (st == AVAHI_CLIENT_S_RUNNING && a->port != 0)
		sync_avahi_announce(a, c);
	else if (st == AVAHI_CLIENT_S_COLLISION || st == AVAHI_CLIENT_S_REGISTERING) {
		if (a->group != NULL)
			avahi_entry_group_reset(a->group);
	}
}

int
sync_avahi_start(const char *station, unsigned port, struct sync_avahi **out, char **cause)
{
	struct sync_avahi *a = xcalloc(1, sizeof *a);
	int err = 0;

	*out = NULL;
	pthread_mutex_init(&a->lock, NULL);
	snprintf(a->name, sizeof a->name, "W.A.T. station %s", station);
	a->port = port;
	if ((a->poll = avahi_threaded_poll_new()) == NULL) {
		util_fail(cause, "Avahi could not start.");
		goto fail;
	}
	/* no AVAHI_CLIENT_NO_FAIL: without a daemon, fail now (tests, a bare system) */
	a->client =
	    avahi_client_new(avahi_threaded_poll_get(a->poll), 0, sync_avahi_client_cb, a, &err);
	if (a->client == NULL) {
		util_fail(cause, "No avahi-daemon is running (%s)", avahi_strerror(err));
		goto fail;
	}
	a->browser = avahi_service_browser_new(a->client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
	                                       SYNC_AVAHI_TYPE, NULL, 0, sync_avahi_browsed, a);
	if (a->browser == NULL) {
		util_fail(cause, "Avahi could not browse (%s)",
		          avahi_strerror(avahi_client_errno(a->client)));
		goto fail;
	}
	if (avahi_threaded_poll_start(a->poll) < 0) {
		util_fail(cause, "Avahi's thread could not start.");
		goto fail;
	}
	*out = a;
	return 0;
fail:
	sync_avahi_stop(a);
	return -1;
}

void
sync_avahi_stop(struct sync_avahi *a)
{
	if (a == NULL)
		return;
	if (a->poll != NULL)
		avahi_threaded_poll_stop(a->poll);
	if (a->client != NULL)
		avahi_client_free(a->client); /* frees the browser and the group */
	if (a->poll != NULL)
		avahi_threaded_poll_free(a->poll);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

size_t
sync_avahi_peers(struct sync_avahi *a, char (*addrs)[64], size_t max)
{
	size_t n = 0;

	if (a == NULL)
		return 0;
	pthread_mutex_lock(&a->lock);
	for (; n < a->npeers && n < max; n++)
		memcpy(addrs[n], a->peers[n].addr, 64);
	pthread_mutex_unlock(&a->lock);
	return n;
}
