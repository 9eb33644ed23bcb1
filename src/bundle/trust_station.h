/* trust_station.h — a station's place in the chain of trust (trust.h), kept
 * as files in its key folder (<db>.keys, beside station.key):
 *
 *   station.cert   its certificate (trust.h), made by the event key
 *   charter        the event's charter, when HQ chartered the event
 *   event.key      the event's SECRET key (0600): on the first station only
 *   event.pub      the event's public key
 *   certs-issued   one line per certificate the first station made:
 *                  "<serial> <station> <station key id>\n"
 *
 * Shared by watctl and the kiosk (its ledger thread).  The event secret is
 * held in memory only while a certificate is made (sign.c's sodium_malloc'd
 * key, wiped by sign_key_free). */
#ifndef WAT_TRUST_STATION_H
#define WAT_TRUST_STATION_H

#include "age.h"
#include "trust.h"

struct ledger;
struct event_pack;

/* Checks a charter file against the HQ keys published in hq_dir (hq.pub +
 * hq-rotations; an hq-rotations file beside the charter extends them) and
 * the event key file against the charter's event key.  On success *c is
 * the charter (trust_charter_clear it) and, when ev is not NULL, *ev the
 * event key (sign_key_free). */
int trust_station_charter_check(const char *charter_path, const char *event_key_path,
                                const char *hq_dir, struct trust_charter *c, struct sign_key **ev,
                                char **cause);

/* The first station, after its ledger is set up: keeps the event key (the
 * charter's, or a new one when c is NULL), the charter, and certifies its
 * own station key (made when missing) with serial 1 and its ledger
 * identity.  event_id: the charter's, else the ledger's badge tag. */
int trust_station_first(const char *keys_dir, struct ledger *l, const struct trust_charter *c,
                        const char *charter_text, const struct sign_key *ev, char **cause);

/* The event key id (16 hex digits) of the station's certificate; -1 when it
 * has none (a ledger set up before certificates). */
int trust_station_event_keyid(const char *keys_dir, char out[17]);

/* The first station makes a joining station's key and certificate (the
 * next serial, no ledger identity) and puts them, the charter and the event
 * public key into p (event_pack.h).  for_station NULL: the id after the last
 * one certified (T1 → T2 → T3).  Refused on a station without the event
 * secret (a joining station cannot certify another); a station set up
 * before certificates (no key folder files) makes a pack without. */
int trust_station_pack(const char *keys_dir, const char *for_station, struct event_pack *p,
                       char **cause);

/* The joining station: checks p's certificate against p's event key (and
 * p's charter against HQ's keys in hq_dir when chartered), that it was made
 * for `station`, and keeps the station key, certificate and charter in
 * keys_dir.  A pack without a certificate (an older station's) is refused. */
int trust_station_join(const char *keys_dir, const char *hq_dir, const struct event_pack *p,
                       const char *station, char **cause);

/* The folder of the HQ keys a station trusts: $WAT_HQ_KEYS, else the
 * assets' hq/ (print_cli_assets).  Malloc'd; NULL: not found. */
char *trust_station_hq_dir(void);

/* The event key file HQ sends beside a charter: "X.charter" → "X.event.key"
 * (malloc'd). */
char *trust_station_event_key_path(const char *charter_path);

/* Sets up an empty ledger from HQ's event file, as `watctl init --charter
 * --event-key` does: the charter checked (trust_station_charter_check), the
 * event (name, city, date from it; station id as given, NULL: T1), the
 * organisation and EIN, then trust_station_first. */
int trust_station_charter_init(const char *keys_dir, const char *hq_dir, struct ledger *l,
                               const char *charter_path, const char *station, const char *op,
                               char **cause);

/* The two keys a bundle is sealed to: the charter's (keys_dir/charter,
 * checked when the station was set up), else those published in hq_dir
 * (bundle_hq_recipients). */
int trust_station_seal_to(const char *keys_dir, const char *hq_dir, struct age_recipient r[2],
                          char **cause);

#endif
