/* libFuzzer target for entry_decode and the fold (what every ledger line a
 * bundle or another station brings goes through): lines of entries.  Each
 * line is decoded or refused with a sentence; when every line decodes and
 * they are numbered 1..N, the fold takes them or refuses with a sentence, and
 * its figures hold together. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "fold.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct entry es[64];
	struct fold *f = NULL;
	char *cause = NULL;
	size_t n = 0;
	int ok = 1;

	while (p < end && n < 64) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (entry_decode(p, (size_t)(nl - p), &es[n], &cause) != 0) {
			if (cause == NULL || cause[0] == '\0')
				abort();
			free(cause);
			cause = NULL;
			ok = 0;
		} else {
			if (entry_kind(es[n].kind) == NULL || es[n].seq <= 0)
				abort();
			if (es[n].seq != (int64_t)n + 1)
				ok = 0;
			n++;
		}
		p = nl + 1;
	}
	if (!ok || n == 0)
		return 0;
	if (fold_run(es, n, NULL, &f, &cause) != 0) {
		if (cause == NULL || cause[0] == '\0')
			abort();
		free(cause);
		return 0;
	}
	{
		const struct fold_figures *g = fold_figures(f);
		if (g->total_cents != g->cash_cents + g->check_cents + g->other_cents ||
		    g->manual_laps > g->laps || g->flagged_laps > g->laps ||
		    g->walkers > (int64_t)n || g->checks > g->donations || g->annulled > (int64_t)n)
			abort();
	}
	fold_free(f);
	return 0;
}
