/* ledger_training.c — the training ledger beside the day's: volunteers
 * practise on it in the morning, and nothing in it counts (its event entry
 * says "training": true; its badges are "T1-" codes of their own tag and key;
 * sync, export and HQ refuse it).  See ledger.h. */
#include "ledger_int.h"

#define LEDGER_TRAINING_SUFFIX  "-training"
#define LEDGER_TRAINING_STATION "TRAIN-"

char *
ledger_training_path(const char *day_path)
{
	size_t n = strlen(day_path);

	if (n > 3 && strcmp(day_path + n - 3, ".db") == 0)
		return xasprintf("%.*s" LEDGER_TRAINING_SUFFIX ".db", (int)(n - 3), day_path);
	return xasprintf("%s" LEDGER_TRAINING_SUFFIX, day_path);
}

/* The day's settings where they differ from the training ledger's (the
 * organisation's name for the practice receipts, the printer, the time zone);
 * a setting the training ledger refuses is left at its default: practice
 * goes on without it. */
static void
ledger_training_settings(struct ledger *day, struct ledger *t)
{
	char a[SETTING_VALUE_MAX], b[SETTING_VALUE_MAX];
	const struct setting *s;
	char *cause = NULL;

	for (size_t i = 0; (s = setting_at(i)) != NULL; i++) {
		ledger_event_value(&day->ev, s, a, sizeof a);
		ledger_event_value(&t->ev, s, b, sizeof b);
		if (strcmp(a, b) == 0)
			continue;
		if (ledger_set(t, s->key, a, "coordinator", &cause) != 0) {
			free(cause);
			cause = NULL;
		}
	}
}

int
ledger_training_open(struct ledger *day, const char *day_path, struct ledger **out, char **cause)
{
	char station[LEDGER_STATION_MAX + sizeof LEDGER_TRAINING_STATION];
	struct ledger_init in;
	struct ledger *t = NULL;
	char *path = ledger_training_path(day_path);
	int rc = -1;

	*out = NULL;
	if (!day->has_event) {
		util_fail(cause, "Set the event up first: training copies the day's event.");
		goto end;
	}
	if (day->ev.training) {
		util_fail(cause, "This is already the training ledger.");
		goto end;
	}
	if (ledger_open(path, &t, cause) != 0)
		goto end;
	if (!t->has_event) {
		memset(&in, 0, sizeof in);
		/* "TRAIN-T1"; a long id is cut to the station id's length */
		snprintf(station, sizeof station, LEDGER_TRAINING_STATION "%s", day->ev.station);
		station[LEDGER_STATION_MAX] = '\0';
		if (station[strlen(station) - 1] == '-')
			station[strlen(station) - 1] = '\0';
		in.name = day->ev.name;
		in.city = day->ev.city;
		in.date = day->ev.date;
		in.station = station;
		in.goal_cents = day->ev.goal_cents;
		if (ledger_init_as(t, &in, 1, "coordinator", cause) != 0)
			goto end;
	} else if (!t->ev.training) {
		util_fail(cause,
		          "%s holds a real ledger, not a training one: training will not use it. "
		          "Move that file away first.",
		          path);
		goto end;
	}
	/* every time: the day's printer or paper may have changed since */
	ledger_training_settings(day, t);
	*out = t;
	t = NULL;
	rc = 0;
end:
	ledger_free(t);
	free(path);
	return rc;
}
