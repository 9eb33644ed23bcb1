/* hq.h — headquarters' database of many events and stations, fed with
 * verified bundles.  Entries are keyed by (event tag, station, seq), so merging
 * a bundle twice, or a later export that contains an earlier one, counts
 * nothing twice; a station's first bundle fixes its public key.  Only
 * bundles that passed bundle_verify are merged. */
#ifndef WAT_HQ_H
#define WAT_HQ_H

#include <stdint.h>

#include "bundle.h"

struct hq;

enum hq_outcome {
	HQ_MERGED,  /* new entries counted */
	HQ_ALREADY, /* this very export was merged before: nothing counted */
	HQ_REFUSED, /* older export replayed, another key, or a diverging ledger */
};

struct hq_merge_result {
	enum hq_outcome outcome;
	int64_t added;     /* entries new to HQ */
	int64_t from_seq;  /* first new seq (when added) */
	char message[600]; /* one plain sentence */
};

struct hq_totals {
	int64_t events, stations, walkers, laps, donations, checks;
	int64_t cash_cents, check_cents, other_cents, total_cents;
};

int hq_open(const char *path, struct hq **out, char **cause);
void hq_free(struct hq *h);

/* Merges a verified bundle in one transaction.  -1 only when the database
 * could not be written; a refusal is outcome HQ_REFUSED with the reason. */
int hq_merge(struct hq *h, const struct bundle_report *rep, const char *file,
             struct hq_merge_result *res, char **cause);

/* Totals of everything merged (event_tag NULL) or of one event. */
int hq_totals(struct hq *h, const char *event_tag, struct hq_totals *t, char **cause);

/* The report by city, event and station, as text (malloc'd). */
int hq_report(struct hq *h, char **text, char **cause);

#endif
