/* screen_state.h — each screen's own state, a member of struct kiosk
 * (kiosk_app.h) named after the screen: k->donate, k->close, k->pin...
 * Kept while the kiosk runs (a print or the PIN over a form comes back to
 * it as it was); the screen's enter sets it up.  Only the screen's own file
 * reads and writes it (screen_*.c); what screens share is in struct kiosk
 * itself (the walker on show, the last replies). */
#ifndef WAT_SCREEN_STATE_H
#define WAT_SCREEN_STATE_H

#include <stdint.h>

#include "kiosk_worker.h"

#define KIOSK_FIELD_MAX 256 /* a field typed on screen, with its NUL */

struct screen_donate_state {
	int step;
	char amount[KIOSK_FIELD_MAX];   /* as typed */
	char check_no[KIOSK_FIELD_MAX]; /* checks only */
	char donor[KIOSK_FIELD_MAX];    /* "": the walker */
	int64_t cents;                  /* the amount, once parsed */
	char tendered[KIOSK_FIELD_MAX]; /* cash handed over, as typed ("": not said) */
	int64_t tendered_cents;         /* parsed; 0: not said */
	enum rules_method method;
	int64_t seq; /* the donation, once recorded */
};

struct screen_pledges_state {
	int step;
	struct kiosk_reply *r; /* the walker's pledges settled, as last answered */
	int added;             /* lines added since the form opened */
	int page;              /* of the list */
	/* the line being typed */
	char sponsor[KIOSK_FIELD_MAX], rate[KIOSK_FIELD_MAX], max[KIOSK_FIELD_MAX];
	int kind; /* enum pledge_kind */
	int64_t rate_cents, max_cents;
	/* a payment */
	char pay_sponsor[64];
	size_t npay;
	int64_t pay_seqs[KIOSK_PAY_MAX], pay_due;
	char amount[KIOSK_FIELD_MAX], check_no[KIOSK_FIELD_MAX];
	int64_t cents;
	enum rules_method method;
	int64_t seq; /* the payment recorded */
	/* the certification screen (screen_certify) */
	int cstep;
	char reason[KIOSK_FIELD_MAX];
};

struct screen_register_state {
	int step;
	char name[KIOSK_FIELD_MAX], team[KIOSK_FIELD_MAX], email[KIOSK_FIELD_MAX];
	struct kiosk_reply *dups;  /* walkers found under the name typed (FIND) */
	struct kiosk_reply *teams; /* the event's teams to pick from (TEAMS) */
};

struct screen_waiver_state {
	int step;                       /* 0 the text, 1 a parent's or guardian's name */
	char guardian[KIOSK_FIELD_MAX]; /* as typed */
};

struct screen_correct_state {
	int step;
	int64_t seq; /* the entry to undo */
	char reason[KIOSK_FIELD_MAX];
	size_t first; /* the list's page: the newest entry shown (0: the newest) */
};

struct screen_find_state {
	char query[KIOSK_FIELD_MAX];      /* as typed */
	char query_sent[KIOSK_FIELD_MAX]; /* the last text searched for */
};

struct screen_print_state {
	int step; /* the job, or where else to print it */
};

struct screen_printer_state {
	int step;
	char queue[KIOSK_FIELD_MAX]; /* the queue's name as typed */
	const char *key;             /* the setting last saved */
};

struct screen_close_state {
	int step;
	char cash[32];                       /* the cash total as typed */
	int64_t cash_cents;                  /* cash counted */
	int64_t denom[12];                   /* pieces counted per bill or coin */
	int denom_sel;                       /* the bill or coin being typed; -1: none */
	char denom_typed[KIOSK_FIELD_MAX];   /* its count as typed */
	char denominations[KIOSK_FIELD_MAX]; /* "" counted as a total, else bill by bill */
	int checks_as_listed;                /* 1: the checks in hand are those listed */
	char checks[KIOSK_FIELD_MAX];        /* else how many, as typed */
	char check_total[KIOSK_FIELD_MAX];   /* and their total, as typed */
	char counter[2][KIOSK_FIELD_MAX];    /* the two people counting */
	char note[KIOSK_FIELD_MAX];          /* the close-out's note, or a reopen's reason */
	struct kiosk_reply *figures;         /* what the envelope should hold, or the close-out */
};

struct screen_export_state {
	char dir[KIOSK_FIELD_MAX]; /* the stick written to */
	int64_t started_ms;        /* when the export began */
};

struct screen_pin_state {
	int step;
	char pin1[16], pin2[16];     /* a new PIN, typed twice */
	int change;                  /* the PIN screen changes the PIN (asks the current one) */
	char old[32];                /* the current PIN, or the recovery code, while choosing */
	int with_code;               /* old is the recovery code */
	char recovery[PIN_CODE_MAX]; /* a new recovery code, on show until written down */
};

struct screen_settings_state {
	int step;
	const char *key, *label;     /* the setting being typed */
	char value[KIOSK_FIELD_MAX]; /* as typed */
	int page;                    /* which page of the settings is shown */
	int unit;                    /* a length's unit: 0 mi, 1 km, 2 m */
	char prompt[128];            /* the label with its unit */
};

struct screen_import_state {
	int step;
	char typed[KIOSK_FIELD_MAX]; /* a path typed */
	char path[KIOSK_FIELD_MAX];  /* the file previewed, then imported */
	struct kiosk_reply *preview; /* its preview (counts, notes), then the import's reply */
	int done;                    /* preview holds the import's reply */
	int printing;                /* the rows to fix are on the print screen */
	int pledges;                 /* the file is a pledges CSV, not a roster */
};

struct screen_setup_state {
	int step;
	char name[KIOSK_FIELD_MAX], city[KIOSK_FIELD_MAX];
	int year, month, day;       /* the walk's date, picked (today by the clock at first) */
	char org[KIOSK_FIELD_MAX];  /* the organisation's legal name, on receipts */
	char ein[KIOSK_FIELD_MAX];  /* its EIN as typed, optional */
	char goal[KIOSK_FIELD_MAX]; /* dollars as typed, optional */
};

struct screen_join_state {
	int step;
	char station[KIOSK_FIELD_MAX]; /* this station's id as typed */
	char path[KIOSK_PATH_MAX];     /* the pack chosen on the stick */
	char key[64];                  /* its key as typed or scanned (wiped) */
	struct kiosk_reply *pack;      /* what it holds */
};

struct screen_badges_state {
	int step;
	enum print_cli_which which; /* whose badges */
	char team[64];              /* PRINT_CLI_TEAM: the team */
	int layout;                 /* which paper (screen_badges.c's table) */
	struct kiosk_reply *teams;  /* the teams and the counts (KIOSK_OP_TEAMS) */
};

#endif
