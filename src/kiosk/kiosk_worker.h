/* kiosk_worker.h — the thread that owns the ledger.
 *
 * The UI thread never touches the disk: it posts requests, the worker opens the
 * ledger (one connection, used by this thread only), runs them in order and
 * queues replies, then calls wake() so the UI draws the answer.  Every reply
 * carries the station's status after the request (totals, clock, disk).
 * No SDL here: wake is the UI's ui_wake. */
#ifndef WAT_KIOSK_WORKER_H
#define WAT_KIOSK_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "print.h"
#include "pin.h"
#include "print_cli.h"

struct bundle_snapshot;

#define KIOSK_FIND_MAX   7
#define KIOSK_RECENT_MAX 8
#define KIOSK_TEXT_MAX   256

enum kiosk_op {
	KIOSK_OP_OPEN,    /* sent by the worker itself once the ledger is open (or not); rc 1:
	                     another program holds it, waiting (cause says so), an OPEN follows */
	KIOSK_OP_REFRESH, /* status only */
	KIOSK_OP_SCAN,    /* scan */
	KIOSK_OP_CHECKIN, /* walker */
	KIOSK_OP_LAP,     /* walker */
	KIOSK_OP_FIND,    /* find: the text typed so far */
	KIOSK_OP_WALKER,  /* walker: card and recent entries */
	KIOSK_OP_ADD,     /* add */
	KIOSK_OP_WAIVER,  /* walker, waiver: the walker (or a guardian) agreed to the waiver */
	KIOSK_OP_DONATE,  /* walker, donate */
	KIOSK_OP_ANNUL,   /* seq, annul */
	KIOSK_OP_RECENT,  /* walker (0: the whole station): recent entries */
	KIOSK_OP_SET,     /* set */
	KIOSK_OP_INIT,    /* init */
	KIOSK_OP_IMPORT_PREVIEW, /* file: a roster CSV (file.pledges: a pledges CSV): what
	                            an import would do (reply import; notes: repeats
	                            merged, then the bad rows, then the bad pledges) */
	KIOSK_OP_IMPORT,         /* file: a roster CSV; refused when a row is bad unless
	                            file.good_rows (reply import, notes as above) */
	KIOSK_OP_LISTDIR,        /* file: a folder: its *.csv files in found[].name */
	KIOSK_OP_PIN_CHECK,      /* pin */
	KIOSK_OP_PIN_SET,        /* pin (reply recovery: a new code to show once) */
	KIOSK_OP_SET_CLOCK,      /* clock */
	/* pages as PDF (reply pdf, title, what, of, copy, printer, paper); path: assets */
	KIOSK_OP_RECEIPT_PDF,    /* seq: the donation */
	KIOSK_OP_BADGE_PDF,      /* walker */
	KIOSK_OP_SLIP_PDF,       /* walker */
	KIOSK_OP_TEST_PDF,       /* a test page on the station's printer and paper */
	KIOSK_OP_RECOVERY_PDF,   /* recovery: the coordinator's recovery code, on paper */
	KIOSK_OP_SHEET_PDF,      /* the last close-out's sheet; sheet: its paper */
	KIOSK_OP_ROSTER_PDF,     /* file: a roster CSV: its bad rows, to fix by hand */
	KIOSK_OP_BADGES_PDF,     /* badges: sheets of badges (progress: kiosk_worker_progress) */
	KIOSK_OP_STATEMENTS_PDF, /* every sponsor's statement still owed, on the station's
	                            paper (progress: kiosk_worker_progress) */
	KIOSK_OP_PRINT_RECORD,   /* rec: a print request's outcome, as a "print" entry; settled:
	                          lost jobs' fates (reply notes: them in words) */
	KIOSK_OP_SAVE_PDF,       /* blob (taken), rec; path: folder ("" the USB stick) */
	KIOSK_OP_CLOSE_INFO,     /* close: what the envelope should hold */
	KIOSK_OP_CLOSE,          /* close: what was counted */
	KIOSK_OP_REOPEN,         /* annul: the reason */
	KIOSK_OP_EXPORT_INFO,    /* the station key; path: the stick ("" find mounted ones) */
	KIOSK_OP_EXPORT,         /* path: the stick: the snapshot (reply snap) */
	/* the event pack a second station joins with (event_pack.h) */
	KIOSK_OP_PACK_EXPORT, /* path: the stick ("" the mounted one): written there (reply pack) */
	KIOSK_OP_PACK_LIST,   /* path: the stick ("" mounted ones): its *.pack files in found[]
	                         (name; id: the stick's index in sticks[]) */
	KIOSK_OP_PACK_READ,   /* path: a pack: what it holds (reply pack; never the key) */
	KIOSK_OP_PACK_JOIN,   /* path: a pack, join: this station's id: the empty ledger joins
	                         its event (reply pack, notes) */
	/* pledges (ledger.h): PLEDGES walker: the settlement (reply pledges); ADD and
	   PAY answer the same after recording */
	KIOSK_OP_PLEDGES,        /* walker */
	KIOSK_OP_PLEDGE_ADD,     /* walker, pledge */
	KIOSK_OP_PLEDGE_PAY,     /* walker, pay (reply seq: the donation, pledges->gift_cents) */
	KIOSK_OP_CERTIFY,        /* coordinator: certify the laps (reply pledges: all walkers') */
	KIOSK_OP_CERTIFY_REOPEN, /* coordinator, annul: the reason (reply pledges: all walkers') */
	/* training: on: the day's ledger set aside (untouched), the training
	 * ledger beside it in use (made on first use); off: the day's again */
	KIOSK_OP_TRAINING,
	KIOSK_OP_LINK, /* walker, link: the walker here and another station's are one person */
	/* the lap review (coordinator): the flagged laps waiting (reply flagged) */
	KIOSK_OP_FLAGGED,
	KIOSK_OP_LAP_REVIEW, /* seq: the lap, accept: 1 or 0; reply seq, flagged */
	KIOSK_OP_BOARD,      /* the walkers' display: reply board */
	/* the coordinator's Stations screen: peers held and what wat-sync said
	   of them (reply stations) */
	KIOSK_OP_STATIONS,
	/* Stations: other stations' entries files on the USB stick (path: the
	   given folder, "" the mounted sticks), read as theirs (reply notes) */
	KIOSK_OP_READ_STICK,
	KIOSK_OP_TEAMS, /* the teams (reply teams); seq 1: and how many badges all / new would
	                   print (reads every print entry: the badges screen only) */
	/* the coordinator's list of conflicts between stations (reply conflicts) */
	KIOSK_OP_CONFLICTS,
	KIOSK_OP_QUIT,
};

#define KIOSK_PATH_MAX      1024
#define KIOSK_PAY_MAX       8  /* one sponsor's pledges for one walker, paid at once */
#define KIOSK_PLEDGES_MAX   48 /* a walker's pledges shown */
#define KIOSK_CHECKS_MAX    8
#define KIOSK_UNPRINTED_MAX 16
#define KIOSK_TEAMS_MAX     16

/* A request: its op, the walker or entry it is about, and the payload its op
 * names (one member of the union, tagged by op; see enum kiosk_op). */
struct kiosk_req {
	enum kiosk_op op;
	uint32_t walker;
	int64_t seq;
	int coordinator;  /* recorded as operator "coordinator", else "volunteer" */
	int override_lap; /* LAP: sooner than min-lap, on the coordinator's word */
	int accept;       /* LAP_REVIEW */
	union {
		struct {
			char code[KIOSK_TEXT_MAX];
		} scan;
		struct {
			char text[KIOSK_TEXT_MAX];
		} find;
		struct {
			char name[KIOSK_TEXT_MAX], team[KIOSK_TEXT_MAX], email[KIOSK_TEXT_MAX];
		} add;
		struct {
			char version[KIOSK_TEXT_MAX];
			char by[KIOSK_TEXT_MAX]; /* "walker" or "guardian: NAME" */
		} waiver;
		struct {
			int64_t cents;
			enum rules_method method;
			char check_no[KIOSK_TEXT_MAX]; /* checks only */
			char donor[KIOSK_TEXT_MAX];    /* "": the walker */
		} donate;
		struct {
			char reason[KIOSK_TEXT_MAX];
		} annul; /* ANNUL, REOPEN */
		struct {
			char key[KIOSK_TEXT_MAX], value[KIOSK_TEXT_MAX];
		} set;
		struct {
			char name[KIOSK_TEXT_MAX], city[KIOSK_TEXT_MAX], date[KIOSK_TEXT_MAX];
			char org[KIOSK_TEXT_MAX], ein[KIOSK_TEXT_MAX]; /* "": not given */
			int64_t goal_cents;
		} init;
		struct {
			char path[KIOSK_TEXT_MAX];
			int good_rows; /* IMPORT: the coordinator chose to leave bad rows out */
			int pledges;   /* IMPORT*, ROSTER_PDF: a pledges CSV, not a roster */
		} file;                /* IMPORT*, LISTDIR, ROSTER_PDF */
		struct {
			char pin[KIOSK_TEXT_MAX];
			/* PIN_SET: the current PIN, or the recovery code instead */
			char current[KIOSK_TEXT_MAX], code[KIOSK_TEXT_MAX];
		} pin; /* PIN_CHECK, PIN_SET */
		struct {
			char when[KIOSK_TEXT_MAX]; /* "YYYY-MM-DD HH:MM" local time */
		} clock;
		struct {
			char code[KIOSK_TEXT_MAX];
		} recovery;
		struct {
			char station[LEDGER_STATION_MAX + 1];
			uint32_t other;
		} link;
		struct {
			char station[LEDGER_STATION_MAX + 1]; /* "": this station's lap */
		} review;                                     /* LAP_REVIEW */
		struct {
			char paper[KIOSK_TEXT_MAX]; /* "" letter, or A4 */
		} sheet;
		struct {
			int64_t cash_cents;
			char denominations[KIOSK_TEXT_MAX]; /* "" counted as a total */
			int64_t checks, check_cents;        /* -1: as listed */
			char counter[2][KIOSK_TEXT_MAX];
			char note[KIOSK_TEXT_MAX];
		} close;
		struct {
			char station[KIOSK_TEXT_MAX];
			char key[KIOSK_TEXT_MAX]; /* PACK_READ, PACK_JOIN: as typed or scanned */
		} join;
		struct {
			char hq[KIOSK_TEXT_MAX]; /* HQ's public keys' folder (<assets>/hq) */
		} export;
		struct {
			enum print_cli_which which;
			char team[KIOSK_TEXT_MAX];   /* TEAM */
			char layout[KIOSK_TEXT_MAX]; /* a label sheet ("3x10"), or "roll" */
		} badges;
		struct {
			char sponsor[KIOSK_TEXT_MAX];
			int kind; /* enum pledge_kind */
			int64_t rate_cents, max_cents;
		} pledge;
		struct {
			int64_t cents;
			enum rules_method method;
			char check_no[KIOSK_TEXT_MAX];
			size_t n;
			int64_t seqs[KIOSK_PAY_MAX]; /* the sponsor's pledges */
		} pay;
		struct {
			int on;
		} training;
	};
	char path[KIOSK_PATH_MAX];
	struct print_cli_rec rec;
	/* PRINT_RECORD: lost jobs whose fate the print learnt (recorded before rec;
	 * rec.what "" when the request only settled) */
	size_t nsettled;
	struct print_settled settled[PRINT_SETTLE_MAX];
	char *blob; /* SAVE_PDF: malloc'd bytes, freed by the worker */
	size_t blob_len;
};

/* The close-out: expected figures, then (CLOSE) what was recorded. */
struct kiosk_close {
	int closed;
	int64_t closed_seq;
	int64_t cash_cents, check_cents, other_cents, total_cents, checks;
	size_t nlist; /* checks in force (the first KIOSK_CHECKS_MAX listed) */
	struct {
		int64_t seq, cents;
		char check_no[24];
		char donor[64];
	} list[KIOSK_CHECKS_MAX];
	size_t nunprinted;
	int64_t unprinted[KIOSK_UNPRINTED_MAX];
	int64_t receipts_printed, receipts_pdf; /* on paper; as a PDF only */
	/* CLOSE */
	int64_t seq, cash_counted, checks_counted, check_counted;
	int64_t cash_over_short, check_over_short;
};

/* An event pack as the screens show it: never its badge key. */
struct kiosk_pack {
	char file[KIOSK_PATH_MAX]; /* where it is */
	char name[128], city[64], date[11];
	char from[LEDGER_STATION_MAX + 1]; /* the station that made it */
	char next[LEDGER_STATION_MAX + 1]; /* READ: an id for this station (T1 -> T2) */
	char walker_base[16];              /* JOIN: this station's walker numbers start above */
	char key[64];                      /* EXPORT: the pack's key, in groups (wiped on free) */
	char qr[64];                       /* EXPORT: the same as its QR code holds */
};

/* TEAMS: the teams with the most walkers first, and what a sheet would hold. */
struct kiosk_teams {
	size_t n;
	struct {
		char name[64];
		int64_t walkers;
	} team[KIOSK_TEAMS_MAX];
	int64_t all;   /* registered walkers (badges for all) */
	int64_t fresh; /* registered since the last sheet of all or new */
};

/* One other station of the event, as the Stations screen shows it: what
 * this station holds of it (the ledger's peers table) and what wat-sync
 * last said of it (a refusal, a newer format). */
#define KIOSK_STATIONS_MAX  8
#define KIOSK_CONFLICTS_MAX 64
struct kiosk_station {
	char station[LEDGER_STATION_MAX + 1]; /* "" for a refused peer never held */
	int role;                             /* enum rules_role as it set it; -1 unknown */
	int held;                             /* entries of it are held */
	int64_t entries, seen_wall_ms, offset_ms;
	int format;
	int refused; /* the last exchange refused it: text says why */
	int newer;   /* it speaks a newer format */
	char addr[64];
	char text[256];
};

#define KIOSK_BOARD_MAX 8

/* The walkers' display: the leaderboard, names as the event allows
 * (full-names) or first name and last initial. */
struct kiosk_board {
	size_t nwalkers;
	struct {
		char name[64];
		int64_t laps; /* counted (fold.h) */
	} walkers[KIOSK_BOARD_MAX];
	size_t nteams;
	struct {
		char team[64];
		int64_t raised_cents;
		/* pledged and not yet collected, over the event (ledger_event_pledged) */
		int64_t pledged_cents;
	} teams[KIOSK_BOARD_MAX];
	int64_t pledged_cents; /* the event's, beside what was collected (the goal) */
};

/* A walker's pledges settled (ledger_settle), as the screen shows them. */
struct kiosk_pledge {
	int64_t seq;
	char sponsor[64];
	char terms[96];
	int per_unit; /* not flat */
	int known;    /* owed known (a lap length for per mile / km) */
	int64_t laps, billed_laps, owed_cents, paid_cents, due_cents;
	char units[24]; /* per mile / km: the billed distance in its unit ("0.50 mi"), or "" */
};
struct kiosk_pledges {
	size_t n, more; /* shown; not shown (past KIOSK_PLEDGES_MAX) */
	struct kiosk_pledge v[KIOSK_PLEDGES_MAX];
	int64_t owed_cents, paid_cents, due_cents;
	int certified;
	char basis[256];    /* the laps it was made on (ledger_settlement_words) */
	int64_t gift_cents; /* PLEDGE_PAY: the part beyond the pledges */
};

struct kiosk_found {
	uint32_t id;
	char name[128];
	char team[64];
	int checked_in;
	int64_t laps;         /* counted (fold.h) */
	int64_t pending_laps; /* flagged, waiting for the coordinator's review */
	int64_t raised_cents;
};

struct kiosk_recent {
	int64_t seq, wall_ms, amount_cents, ref, annulled_by;
	char kind[24];
	char op[32];
	uint32_t walker;
	/* for people's words: a lap's number (0: unknown); an annul's reason and
	 * the kind and lap number of what it undid; a donation's method */
	int64_t n, ref_n;
	char reason[96];
	char ref_kind[24];
	char method[16];
	char sponsor[48]; /* a pledge's */
	/* a lap in force: n is its number as it counts now (0: it does not
	 * count); flagged (scanned too soon) with review 0 waiting, 1 accepted,
	 * -1 rejected */
	int flagged, review;
};

/* Another station of the event whose entries this one holds (sync), in
 * people's words, and how long ago it was last reached (this station's
 * clock; seen_wall_ms 0: never). */
#define KIOSK_PEERS_MAX 4
struct kiosk_peer {
	char name[LEDGER_STATION_NAME_MAX];
	int64_t seen_wall_ms, age_ms;
};

struct kiosk_status {
	int open;
	int has_event;
	struct ledger_event event;
	struct ledger_totals totals;
	/* the whole event: this station's and its peers' (ledger_event_figures) */
	struct fold_figures whole;
	size_t npeers;
	struct kiosk_peer peers[KIOSK_PEERS_MAX];
	/* other stations' requests to review money held here: how many, and the
	 * first in words (walker asked_walker) */
	int64_t nasked;
	uint32_t asked_walker;
	char asked[200];
	char clock_doubt[200];
	int64_t disk_free_mb; /* -1: unknown */
	int pin_set;
	int training;          /* the training ledger is in use (event.training says it too) */
	char event_key_id[17]; /* the key that certified this station; "" none */
	/* print jobs lost when the print server stopped, not settled yet */
	size_t nlost;
	struct print_lost lost[PRINT_SETTLE_MAX];
};

struct kiosk_reply {
	enum kiosk_op op;
	uint64_t tag;
	int rc;      /* 0 done, -1 refused or failed: cause says why */
	char *cause; /* malloc'd or NULL */
	struct kiosk_status st;
	struct ledger_scan scan;   /* SCAN, CHECKIN, LAP */
	int64_t at_wall_ms;        /* SCAN, CHECKIN, LAP: when the ledger answered (UTC ms) */
	int64_t seq;               /* DONATE, ANNUL */
	struct kiosk_found walker; /* WALKER, ADD, CHECKIN, LAP, DONATE: laps and money over
	                              the whole event */
	/* WALKER: where the walker's laps were counted, when not all here */
	size_t nwhere;
	struct {
		char name[LEDGER_STATION_NAME_MAX]; /* "" for this station */
		int64_t laps;
	} where[KIOSK_PEERS_MAX + 1];
	/* WALKER: laps at two stations too close together, counted once, for a
	 * coordinator's review ("" none): "1 lap to review: here and at Lap
	 * point 4 s apart" */
	char review[160];
	/* WALKER: likely the same person registered at another station ("" none),
	 * "Also registered at Lap point as ANN (walker 501)"; link it: */
	char dup[256];
	char dup_station[LEDGER_STATION_MAX + 1];
	uint32_t dup_other;
	/* WALKER: another station asks to review this walker's money here */
	char asked[400];
	char email[128];
	char code[BADGE_CODE_MAX]; /* WALKER, ADD: the badge code */
	size_t nfound;
	struct kiosk_found found[KIOSK_FIND_MAX];
	size_t nrecent;
	struct kiosk_recent recent[KIOSK_RECENT_MAX];
	struct ledger_import import; /* IMPORT*: bad rows in import.skipped */
	int64_t pin_wait_ms;         /* PIN_CHECK refused: how long to wait */
	int need_pin;                /* ANNUL refused: the coordinator could do it */
	char recovery[PIN_CODE_MAX]; /* PIN_SET: a new recovery code, shown once */
	/* *_PDF: the page (malloc'd, freed with the reply unless taken) */
	char *pdf;
	size_t pdf_len;
	struct print_cli_rec rec; /* what, of, walker, copy, title; SAVE_PDF: file */
	char printer[128];        /* the station's queue; "": CUPS's default */
	int roll;                 /* on a receipt roll: CUPS gets the page's own size */
	struct kiosk_close close;
	struct kiosk_teams teams; /* TEAMS */
	/* EXPORT_INFO: the station key and the mounted sticks */
	char pubkey[256]; /* minisign's .pub text */
	char key_id[17];
	char sticks[4][KIOSK_PATH_MAX / 4];
	size_t nsticks;
	/* PACK_*: the event pack; PACK_JOIN: settings not copied (lines, malloc'd) or NULL */
	struct kiosk_pack pack;
	char *notes;
	struct kiosk_pledges *pledges; /* PLEDGES, PLEDGE_ADD, PLEDGE_PAY (malloc'd) */
	/* EXPORT: the snapshot (bundle.h; freed with the reply unless taken) */
	struct bundle_snapshot *snap;
	/* FLAGGED, LAP_REVIEW: the laps waiting, oldest first by walker (malloc'd) */
	struct ledger_flagged *flagged;
	size_t nflagged;
	struct kiosk_board board; /* BOARD */
	/* CONFLICTS: ledger_event_conflicts' list (malloc'd), the first
	   KIOSK_CONFLICTS_MAX of nconflicts_all */
	struct ledger_conflict *conflicts;
	size_t nconflicts, nconflicts_all;
	/* STATIONS */
	size_t nstations;
	struct kiosk_station stations[KIOSK_STATIONS_MAX];
	/* STATIONS: the event's own Wi-Fi (sync_wifi_derive from the badge key;
	   "" before an event is set up), for a coordinator's laptop or phone */
	char wifi_ssid[11];         /* SYNC_WIFI_SSID_MAX (sync.h: not for the screens) */
	char wifi_psk[24];          /* SYNC_WIFI_PSK_MAX */
	int64_t posted_us, done_us; /* CLOCK_MONOTONIC, for the benchmark */
};

struct kiosk_worker;

/* Starts the thread; it opens db_path and answers with a KIOSK_OP_OPEN reply. */
int kiosk_worker_start(const char *db_path, void (*wake)(void *), void *arg,
                       struct kiosk_worker **out, char **cause);
/* Stops the thread after the requests already posted; closes the ledger. */
void kiosk_worker_stop(struct kiosk_worker *w);

/* Queues a copy of r; returns its tag (echoed in the reply). */
uint64_t kiosk_worker_post(struct kiosk_worker *w, const struct kiosk_req *r);
/* The next reply, or NULL; free with kiosk_reply_free. */
struct kiosk_reply *kiosk_worker_take(struct kiosk_worker *w);
void kiosk_reply_free(struct kiosk_reply *r);
/* Requests posted whose replies were not taken yet. */
int kiosk_worker_pending(struct kiosk_worker *w);

/* How far the page being made has come (badges laid out of n); 0 of 0 when
 * nothing is counted.  Any thread. */
void kiosk_worker_progress(struct kiosk_worker *w, size_t *done, size_t *n);

int64_t kiosk_now_us(void);

/* Runs fn(ledger, arg) on the worker thread (the ledger's only user) when
 * no request of the screens waits: theirs go first, so another station's
 * batch (wat-sync's, through kiosk_sync) waits for the scan in hand and
 * the scan after it never waits for more than one batch.  Blocks the
 * calling thread until fn returned; -1 when the ledger is not open, -2
 * while training is on (fn is not run: nothing of training leaves the
 * station, and the day's file stays as it was). */
int kiosk_worker_call(struct kiosk_worker *w, void (*fn)(struct ledger *, void *), void *arg);

/* What wat-sync said of a peer (sync_local.h's report; kiosk_sync), kept
 * for the Stations screen: a refusal, a newer format, or an exchange that
 * worked (clearing a refusal of that station or address). */
struct sync_report;
void kiosk_worker_note(struct kiosk_worker *w, const struct sync_report *rep);

#endif
