/* libFuzzer target for event_pack.c: a pack read from a USB stick is refused
 * with a sentence, or every field keeps the rules (a name, a station, a tag of
 * 4 Crockford base32 characters, no empty setting) and the pack survives
 * event_pack_format and a second parse field for field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event_pack.h"
#include "text.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_same(const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_pack p, q;
	char *copy = xmalloc(size > 0 ? size : 1), *cause = NULL, *text, *name;
	char id[32];
	size_t i;

	/* an exact-size buffer, not NUL-terminated: ASan catches a read past the end */
	memcpy(copy, data, size);
	if (event_pack_parse(copy, size, &p, &cause) != 0) {
		if (cause == NULL || cause[0] == '\0' || p.station != NULL || p.name != NULL)
			abort();
		free(cause);
		free(copy);
		return 0;
	}
	if (cause != NULL || p.station == NULL || p.station[0] == '\0' || p.name == NULL ||
	    p.name[0] == '\0' || p.city == NULL || p.date == NULL ||
	    strlen(p.badge.tag) != BADGE_TAG_LEN ||
	    strspn(p.badge.tag, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != BADGE_TAG_LEN)
		abort();
	for (i = 0; i < EVENT_PACK_SETTINGS; i++)
		if (p.settings[i] != NULL && p.settings[i][0] == '\0')
			abort();
	/* shown on the join screen: nothing that drives a terminal or reorders text */
	if (text_check(p.station, "station", NULL) != 0 || text_check(p.name, "name", NULL) != 0 ||
	    text_check(p.city, "city", NULL) != 0 || text_check(p.date, "date", NULL) != 0)
		abort();
	text = event_pack_format(&p);
	if (event_pack_parse(text, strlen(text), &q, &cause) != 0)
		abort();
	fuzz_same(p.station, q.station);
	fuzz_same(p.name, q.name);
	fuzz_same(p.city, q.city);
	fuzz_same(p.date, q.date);
	if (memcmp(&p.badge, &q.badge, sizeof p.badge) != 0)
		abort();
	for (i = 0; i < EVENT_PACK_SETTINGS; i++)
		fuzz_same(p.settings[i], q.settings[i]);
	/* the helpers the kiosk calls with what a pack holds */
	name = event_pack_file_name(&p);
	if (strncmp(name, "wat-", 4) != 0 || strchr(name, '/') != NULL)
		abort();
	event_pack_next_station(p.station, id, sizeof id);
	if (id[0] == '\0' || strlen(id) > 16)
		abort();
	event_pack_walker_base(p.station, id, sizeof id);
	free(name);
	free(text);
	event_pack_clear(&p);
	event_pack_clear(&q);
	free(copy);
	return 0;
}
