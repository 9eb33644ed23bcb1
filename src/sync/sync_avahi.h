/* sync_avahi.h — finding peers by mDNS/DNS-SD through avahi-daemon
 * (Debian's libavahi-client): announces this station's _wat-sync._tcp and
 * browses for the others', on a thread of Avahi's own; the addresses found
 * are read with sync_avahi_peers.  Only wat-sync links this. */
#ifndef WAT_SYNC_AVAHI_H
#define WAT_SYNC_AVAHI_H

#include <stddef.h>

#define SYNC_AVAHI_TYPE      "_wat-sync._tcp"
#define SYNC_AVAHI_PEERS_MAX 16

struct sync_avahi;

/* Starts announcing "W.A.T. <station>" on port and browsing; -1 and *cause
 * when no avahi-daemon answers (the caller says so once and goes on with
 * the addresses it was given). */
int sync_avahi_start(const char *station, unsigned port, struct sync_avahi **out, char **cause);
void sync_avahi_stop(struct sync_avahi *a);
/* Copies the peers resolved now ("ADDR:PORT", "[ADDR]:PORT"), at most max;
 * returns how many. */
size_t sync_avahi_peers(struct sync_avahi *a, char (*addrs)[64], size_t max);

#endif
