/* bundle.h — the signed bundle a station sends to headquarters.
 *
 * On the stick it is sealed (docs/BUNDLE.md "Sealed bundles"):
 *
 *   wat-<city>-<date>-<station>-<n>.zip.age          the zip, sealed (age v1) to
 *                                                    HQ's key and HQ's backup key
 *   wat-<city>-<date>-<station>-<n>.zip.age.minisig  the station's signature over
 *                                                    the sealed file
 *
 * so HQ checks the signature before it opens anything, and a lost stick leaks
 * no names.  Inside, and as older software wrote it in clear:
 *
 *   wat-<city>-<date>-<station>-<n>.zip          manifest.json, walkers.csv,
 *   wat-<city>-<date>-<station>-<n>.zip.minisig  checkins.csv, laps.csv,
 *                                                donations.csv, annulments.csv,
 *                                                closeout.csv, pledges.csv,
 *                                                outstanding.csv, ledger.jsonl,
 *                                                SHA256SUMS
 *
 * Everything in the zip except ledger.jsonl is computed from ledger.jsonl by
 * bundle_compute, by the exporter and again by the verifier, so HQ checks the
 * CSVs and the manifest against the hash-chained ledger byte for byte.  The
 * byte formats are in docs/BUNDLE.md.
 *
 * bundle.c: the ledger.jsonl model, CSVs, manifest, zip (zlib; read: libarchive), safe
 * file writes (JSON is read with json.h).  bundle_export.c: export from a
 * station's ledger.  bundle_verify.c: verification.  hq.c: HQ's database. */
#ifndef WAT_BUNDLE_H
#define WAT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "age.h"
#include "fold.h"
#include "setting.h"
#include "sign.h"

struct ledger;
struct strbuf;

#define BUNDLE_FORMAT      "wat-bundle/1"
#define BUNDLE_HASH_LEN    32
#define BUNDLE_STATION_MAX 16
/* Limits from the biggest real day x 10 (5,000 walkers, 100,000 laps, 10,000
 * donations: an 8.1 MB zip whose biggest member, ledger.jsonl, is 42 MB;
 * measured by make bench, docs/BUNDLE.md): a zip bomb is refused by name
 * before or while it inflates, in bounded memory. */
#define BUNDLE_MAX_ZIP (80u * 1024 * 1024) /* refused beyond, before reading */
/* The most member `name` of a bundle may unpack to (bytes); a name that is
 * not a bundle's gets 64 KiB (and is then refused by name). */
size_t bundle_member_max(const char *name);

enum bundle_csv {
	BUNDLE_WALKERS,
	BUNDLE_CHECKINS,
	BUNDLE_LAPS,
	BUNDLE_DONATIONS,
	BUNDLE_ANNULMENTS,
	BUNDLE_CLOSEOUT,
	BUNDLE_PLEDGES,     /* every pledge entry; absent from bundles before pledges */
	BUNDLE_OUTSTANDING, /* the pledges in force settled as the station does (peers too) */
	BUNDLE_NCSV
};
extern const char *const bundle_csv_names[BUNDLE_NCSV];

/* One ledger entry as HQ needs it. */
struct bundle_entry {
	int64_t seq;
	char kind[24];
	uint32_t walker;
	int64_t ref;
	int64_t cents;  /* donation amount; 0 otherwise */
	char method[8]; /* donation: "cash", "check", "other"; else "" */
	int manual;     /* lap entered by hand */
	int64_t wall_ms;
	int64_t annulled_by; /* 0: in force */
	unsigned char hash[BUNDLE_HASH_LEN];
};

/* Figures computed from the entries (what the manifest states). */
struct bundle_figures {
	char station[BUNDLE_STATION_MAX + 1];
	int64_t entries, walkers, checked_in, laps, manual_laps, flagged_laps, donations, checks,
	    annulled;
	int64_t cash_cents, check_cents, other_cents, total_cents;
	int64_t last_seq;
	unsigned char head[BUNDLE_HASH_LEN];
	int64_t export_no;  /* n of the last "export" entry; 0: none */
	int64_t export_seq; /* its seq */
	int closed;         /* the last close-out is not followed by a reopen */
	int64_t last_wall_ms;
	int pledges; /* the ledger holds a pledge entry: pledges.csv and outstanding.csv are
	              * members (a bundle without pledges is as before them) */
};
/* laps.csv as software before 2026-12-03 wrote it (without the lap review
 * columns), from the laps.csv bundle_compute makes (malloc'd, *outlen
 * bytes): a bundle made before still verifies. */
char *bundle_laps_v1(const char *csv, size_t len, size_t *outlen);

/* 1 when CSV k is a member of a bundle with these figures. */
int bundle_csv_member_of(const struct bundle_figures *f, int k);

/* What ledger.jsonl says, computed; every pointer is owned. */
struct bundle_content {
	struct bundle_figures fig;
	char *csv[BUNDLE_NCSV];
	size_t csv_len[BUNDLE_NCSV];
	/* closeout.csv as software before 2026-12-02 wrote it (a reopen's row
	 * had one empty column too many): a bundle it made still verifies */
	char *closeout_v1;
	size_t closeout_v1_len;
	/* outstanding.csv as software before 2026-12-03 wrote it (settled on
	 * this ledger's laps only, column laps_here, no laps_by_station): a
	 * bundle it made still verifies.  NULL without pledges. */
	char *outstanding_v1;
	size_t outstanding_v1_len;
	/* the lap length and pledge lap cap the settlement used (HQ applies
	 * them to a pledge held at several stations) */
	struct setting_length pledge_lap;
	int64_t pledge_lap_cap;
	struct bundle_entry *entries; /* fig.entries of them, in order */
	struct fold_figures folded;   /* the fold's figures, as HQ keeps them */
	uint32_t *walkers;            /* the walkers registered (in force), by number */
	size_t nwalkers;              /* == fig.walkers */
	/* the event as the ledger states it: its "event" entry, then the
	 * settings entries in force for name, city, date and tag, in order */
	char *event_name, *city, *date, *event_tag;
	int64_t export_wall_ms; /* the wall time of the last export entry */
	int64_t max_wall_ms;    /* the latest wall time of any entry */
};

/* The ledger's identity (the hash of its first entry, entry.h). */
#define bundle_identity(c) ((c)->entries[0].hash)

/* What manifest.json's clock_trusted must say of a bundle exported at
 * exported_wall_ms: 1 unless the clock then showed a date before the event
 * or a time earlier than an entry already recorded (rules_clock_doubt). */
int bundle_clock_trusted(const struct bundle_content *c, int64_t exported_wall_ms);

/* Appends one ledger.jsonl line:
 *   {"hash":"<64 hex>","prev":"<64 hex>","entry":<line verbatim>}\n */
void bundle_jsonl_add(struct strbuf *b, const char *line, size_t len,
                      const unsigned char prev[BUNDLE_HASH_LEN],
                      const unsigned char hash[BUNDLE_HASH_LEN]);

/* Checks ledger.jsonl (every hash recomputed, prev links, seq 1..N without a
 * gap, one station, well-formed JSON) and computes the CSVs and figures.
 * -1 with the precise reason ("ledger.jsonl line 7: ...") otherwise. */
struct bundle_file;
/* files[0..nfiles): the bundle's other members; the peers' copies among
 * them ("peer-*.jsonl", checked before by bundle_verify_peers) settle the
 * pledges with this ledger's laps (outstanding.csv, as ledger_settle). */
int bundle_compute(const char *jsonl, size_t len, const struct bundle_file *files, size_t nfiles,
                   struct bundle_content *out, char **cause);
void bundle_content_free(struct bundle_content *c);

/* What the manifest says beyond the figures. */
struct bundle_meta {
	char *event_name, *city, *date, *event_tag;
	char *software;
	char key_id[17];
	char *public_key; /* base64, as minisign -P takes it */
	int64_t export_no;
	int64_t exported_wall_ms;
	int clock_trusted;
	/* The chain of trust (docs/TRUST.md): the station's certificate and the
	 * event's charter, zip members "station.cert" and "charter" (NULL:
	 * absent), bound by their SHA-256 in the manifest's "trust" member.
	 * event_pub: the event's public key file, member "event.pub", in a
	 * bundle of an event without a charter (the charter names the key
	 * otherwise), so the certificate's signature can be checked. */
	char *cert, *charter, *event_pub;
	char cert_sha256[65], charter_sha256[65], event_pub_sha256[65]; /* "" absent */
	/* Other stations' entries held here (station sync, docs/SYNC.md): a
	 * backup copy (HQ counts each ledger from its own bundle, or from the
	 * longest copy while that one is missing).  Pairs of members
	 * "peer-<station>-<id>.jsonl" (the lines as held, 1..head) and "peer-<station>-<id>.head" (the signed chain head
	 * and the certificate that signs it), listed in SHA256SUMS; checked by
	 * bundle_verify_peers, kept by verification for HQ (bundle_peer_read).
	 * Owned (bundle_meta_clear). */
	struct bundle_file *peers;
	size_t npeers;
};
void bundle_meta_clear(struct bundle_meta *m);
/* 1 when name is a peer member's ("peer-*.jsonl", "peer-*.head"). */
int bundle_peer_member(const char *name);
/* Checks the peers' members among fs (each .jsonl with its .head: lines
 * numbered 1..head of the head's station, chained from zero to the head's
 * hash, entry 1's hash the ledger identity, the head signed by the key of
 * the certificate it carries): 0, else -1 naming the member.  *n: the
 * peers found. */
int bundle_verify_peers(const struct bundle_file *fs, size_t nfs, size_t *n, char **cause);
/* One peer's backup copy as HQ counts it when that station's own bundle
 * is missing (docs/HQ-GUIDE.md): the pair checked as bundle_verify_peers
 * does, then its entries computed as a ledger's (content, entries 1..head). */
struct bundle_peer {
	char station[BUNDLE_STATION_MAX + 1];
	int64_t head_seq;
	char *cert; /* the certificate its .head carries (HQ checks its chain) */
	struct bundle_content content;
};
/* head: a "peer-*.head" member; its .jsonl is found among fs.  The copy's
 * pledges (pledges.csv, outstanding.csv) are settled as its own bundle
 * settles them, over its entries and the other stations' lines among
 * settle[0..nsettle) ("peer-*.jsonl" members; its own pair is skipped by
 * name; NULL, 0: its own laps only). */
int bundle_peer_read(const struct bundle_file *head, const struct bundle_file *fs, size_t nfs,
                     const struct bundle_file *settle, size_t nsettle, struct bundle_peer *out,
                     char **cause);
void bundle_peer_clear(struct bundle_peer *p);

/* The manifest.json text (malloc'd). */
char *bundle_manifest(const struct bundle_meta *m, const struct bundle_figures *f);
/* Parses a manifest: meta fields and the stated figures. */
int bundle_manifest_parse(const char *text, size_t len, struct bundle_meta *m,
                          struct bundle_figures *f, char **cause);

/* The trusted comment that names the bundle (printable ASCII and TABs). */
char *bundle_trusted_comment(const struct bundle_meta *m, const struct bundle_figures *f,
                             const char *file);
/* "wat-jackson-ms-2026-05-02-T1-3.zip" (malloc'd). */
char *bundle_file_name(const char *city, const char *date, const char *station, int64_t n);

struct bundle_file {
	char *name;
	char *data; /* NUL-terminated for convenience */
	size_t len;
};
/* A zip of the files in order (deflate, zlib level 1), mtime for every member. */
int bundle_zip_write(const struct bundle_file *files, size_t n, int64_t mtime, struct strbuf *out,
                     char **cause);
/* Reads every member of a zip held in memory (no duplicates, plain names
 * only), each within bundle_member_max: one whose header says more is
 * refused before it is inflated, one that inflates to more than its header
 * says (or than the cap) as soon as it does.  Free with bundle_files_free. */
int bundle_zip_read(const void *zip, size_t len, struct bundle_file **files, size_t *n,
                    char **cause);
void bundle_files_free(struct bundle_file *files, size_t n);
/* 0 when the zip holds exactly files, in order, each unpacking to its bytes
 * (streamed: nothing is unpacked whole); -1 naming the first that differs. */
int bundle_zip_check(const void *zip, size_t len, const struct bundle_file *files, size_t n,
                     char **cause);

/* The SHA256SUMS text for files ("<hex>  <name>\n" each, as sha256sum -c reads). */
char *bundle_sha256sums(const struct bundle_file *files, size_t n);
void bundle_hex(const unsigned char *bin, size_t len, char *out);
/* SHA-256 of data (HQ's log chains its decisions with it). */
void bundle_sha256(const void *data, size_t len, unsigned char out[32]);
int bundle_unhex(const char *hex, size_t hexlen, unsigned char *bin, size_t len);

/* Builds a whole bundle from ledger.jsonl: computes the CSVs and figures,
 * writes the manifest (meta->export_no must match the ledger's last export
 * entry), SHA256SUMS and the zip (ledger.jsonl hashed and deflated on a
 * second thread while the rest is computed), and signs it (minisig NULL: not
 * signed, for a zip to be sealed, whose sealed bytes are signed instead).
 * *zip and *minisig are the caller's; fig (when not NULL) gets the figures. */
int bundle_pack(const char *jsonl, size_t len, const struct bundle_meta *meta,
                const struct sign_key *key, const char *name, int64_t mtime, struct strbuf *zip,
                char **minisig, struct bundle_figures *fig, char **cause);

/* ---- export (bundle_export.c) ---- */

struct bundle_export_opts {
	const char *out_dir;  /* the USB stick's folder */
	const char *keys_dir; /* station.key / station.pub */
	const char *copy_dir; /* the second copy on the station's disk; NULL: none */
	const char *op;       /* operator, for the export entry */
	/* HQ's sealing keys (the charter's, else assets/hq/): the zip is sealed
	 * to them and the signature covers the sealed file.  nseal 0: a clear
	 * zip, as before sealing (tests of the zip itself). */
	const struct age_recipient *seal_to;
	size_t nseal;
};

struct bundle_export_result {
	char *zip_path, *sig_path; /* in out_dir */
	char *name;
	int64_t export_no, last_seq;
	char head[2 * BUNDLE_HASH_LEN + 1];
	char key_id[17];
	struct bundle_figures fig;
	/* the station's entries for the event's other stations beside the
	 * bundle (<station>.entries, stationfile.h); NULL: none written, and
	 * entries_note says why when it failed */
	char *entries_path, *entries_note;
};
void bundle_export_result_clear(struct bundle_export_result *r);

/* Records an "export" entry, writes the zip and its .minisig into out_dir
 * (and copy_dir), reads them back from out_dir (byte for byte what was built,
 * the signature checked).  Only a 0 return means the files are complete and
 * safe to take away. */
int bundle_export(struct ledger *l, const struct bundle_export_opts *o,
                  struct bundle_export_result *res, char **cause);

/* The same in two steps, for the kiosk: the snapshot (checks the key and the
 * folders, records the export entry, copies the ledger out: ~0.1 s for a full
 * day) on the thread that owns the ledger; the rest (build, sign, write,
 * read back: ~0.8 s, on two cores) on any other thread.  The snapshot is the
 * caller's (bundle_snapshot_free). */
struct bundle_snapshot;
int bundle_export_snapshot(struct ledger *l, const struct bundle_export_opts *o,
                           struct bundle_snapshot **out, char **cause);
int bundle_export_finish(const struct bundle_snapshot *s, const struct bundle_export_opts *o,
                         struct bundle_export_result *res, char **cause);
void bundle_snapshot_free(struct bundle_snapshot *s);

/* Mounted removable media where a bundle can go: the mount points listed in
 * mounts (NULL: /proc/self/mounts) under one of the colon-separated prefixes
 * (NULL: "/media/:/run/media/:/mnt/"), mounted read-write, in mount order.
 * *dirs is the caller's (free each and the array).  0 with *n == 0 when there
 * is no stick. */
int bundle_usb_dirs(const char *mounts, const char *prefixes, char ***dirs, size_t *n,
                    char **cause);

/* ---- verification (bundle_verify.c) ---- */

struct bundle_report {
	struct bundle_meta meta;
	struct bundle_content content;
	struct sign_pub pub; /* the key that signed */
	int key_checked;     /* 1: against an expected key; 0: the manifest's own */
	char *trusted;       /* the signature's trusted comment */
	int sealed;          /* 1: it came sealed, and was opened */
	size_t npeers;       /* peers' entries carried as a backup copy */
	/* the ledger's entry lines as a peer holds them (ledger.jsonl's
	 * "entry" of each line, LF-ended), named "peer-<station>-own.jsonl":
	 * kept when the bundle carries peers' copies, for HQ to settle a
	 * copy's pledges on this station's laps too (bundle_peer_read) */
	struct bundle_file own_lines;
};
void bundle_report_clear(struct bundle_report *r);

/* HQ's two sealing recipients: dir/hq-seal.pub and dir/hq-backup.pub. */
int bundle_hq_recipients(const char *dir, struct age_recipient r[2], char **cause);
/* HQ's opening keys: dir/hq-seal.key and dir/hq-backup.key, those present
 * (at least one).  Wipe them after use. */
int bundle_hq_identities(const char *dir, struct age_identity ids[2 * AGE_MAX_IDS], size_t *n,
                         char **cause);
/* 1 when data starts as an age file does. */
int bundle_is_sealed(const void *data, size_t len);

/* Verifies a sealed bundle held in memory: the signature over the sealed
 * bytes first (with expected, else with the key the signature's untrusted
 * comment names, later bound to the manifest's), then opens it with one of
 * ids (nids 0: refused after the signature check, asking for HQ's key),
 * then everything bundle_verify_mem checks.  name: the sealed file's name
 * (the trusted comment names it). */
int bundle_verify_sealed_mem(const void *sealed, size_t len, const char *minisig, size_t slen,
                             const char *name, const struct sign_pub *expected,
                             const struct age_identity *ids, size_t nids, struct bundle_report *rep,
                             char **cause);
/* Opens a sealed bundle whose signature was checked (name: for messages):
 * the zip, malloc'd, in *zip.  HQ's keys in this process (age_decrypt_mem),
 * or another process that keeps them (wat-hq's signer). */
typedef int (*bundle_opener)(void *ctx, const void *sealed, size_t len, const char *name,
                             unsigned char **zip, size_t *zlen, char **cause);
/* bundle_verify_sealed_mem with the opening done by open (NULL: refused
 * after the signature check, asking for HQ's key). */
int bundle_verify_sealed_with(const void *sealed, size_t len, const char *minisig, size_t slen,
                              const char *name, const struct sign_pub *expected, bundle_opener open,
                              void *ctx, struct bundle_report *rep, char **cause);
/* Reads PATH and PATH.minisig, sealed or clear (legacy), and verifies. */
int bundle_verify_path(const char *path, const struct sign_pub *expected,
                       const struct age_identity *ids, size_t nids, struct bundle_report *rep,
                       char **cause);
int bundle_verify_path_with(const char *path, const struct sign_pub *expected, bundle_opener open,
                            void *ctx, struct bundle_report *rep, char **cause);

/* Verifies a bundle held in memory.  expected NULL: the key named in the
 * manifest (the report says so).  name: the zip's file name (for the
 * export-number check), or NULL. */
int bundle_verify_mem(const void *zip, size_t zlen, const char *minisig, size_t slen,
                      const char *name, const struct sign_pub *expected, struct bundle_report *rep,
                      char **cause);
/* Reads PATH and PATH.minisig. */
int bundle_verify_file(const char *path, const struct sign_pub *expected, struct bundle_report *rep,
                       char **cause);
/* A plain multi-line summary of a verified bundle (malloc'd). */
char *bundle_summary(const struct bundle_report *rep);

#endif
