/* trust_cli.h — watctl's commands of the chain of trust (docs/TRUST.md,
 * docs/HQ-GUIDE.md): hq-charter and hq-rotate (HQ), and what `init
 * --charter FILE --event-key FILE` adds to init (the first station). */
#ifndef WAT_TRUST_CLI_H
#define WAT_TRUST_CLI_H

#include "cli.h"
#include "trust.h"

struct ledger;

extern const struct cli_cmd_entry trust_cli_hq_charter_entry;
extern const struct cli_cmd_entry trust_cli_hq_rotate_entry;

/* A charter given to init, checked before anything is set up. */
struct trust_cli_charter {
	struct trust_charter c;
	struct sign_key *ev; /* the event secret, wiped by trust_cli_charter_clear */
	char *text;          /* the charter file as it came */
};

/* The folder of the HQ keys a station trusts: $WAT_HQ_KEYS, else the
 * assets' hq/ (assets/hq in the source tree).  Malloc'd; NULL: not found. */
char *trust_cli_hq_pub_dir(void);

/* Checks the charter and event key files (CLI exit code; 0 fills tc). */
int trust_cli_charter_open(const char *charter, const char *event_key,
                           struct trust_cli_charter *tc);
void trust_cli_charter_clear(struct trust_cli_charter *tc);
/* After ledger_init_event: the charter's organisation on the ledger (tc
 * given), the event key kept, the station certified; prints the event key
 * id.  tc NULL: an unchartered event, with an event key of its own. */
int trust_cli_init_finish(const char *db, struct ledger *l, struct trust_cli_charter *tc,
                          const char *op);

#endif
