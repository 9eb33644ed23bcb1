#include "kiosk_export.h"

#include <pthread.h>
#include <stdlib.h>

#include "trust_station.h"
#include "util.h"

struct kiosk_export {
	pthread_t thread;
	pthread_mutex_t lock;
	int done; /* under lock */
	int rc;
	char *cause;
	struct bundle_export_result res;
	struct bundle_snapshot *snap;
	struct bundle_export_opts o;
	char *out_dir, *keys_dir, *copy_dir, *hq_dir;
	struct age_recipient seal[2];
	void (*wake)(void *);
	void *arg;
};

static void *
kiosk_export_main(void *arg)
{
	struct kiosk_export *x = arg;
	char *cause = NULL;
	int rc;

	/* sealing, like the rest, on this thread: never on the screen's */
	rc = trust_station_seal_to(x->keys_dir, x->hq_dir, x->seal, &cause);
	if (rc == 0)
		rc = bundle_export_finish(x->snap, &x->o, &x->res, &cause);
	pthread_mutex_lock(&x->lock);
	x->rc = rc;
	x->cause = cause;
	x->done = 1;
	pthread_mutex_unlock(&x->lock);
	if (x->wake != NULL)
		x->wake(x->arg);
	return NULL;
}

int
kiosk_export_start(struct bundle_snapshot *snap, const char *out_dir, const char *db_path,
                   const char *hq_dir, void (*wake)(void *), void *arg, struct kiosk_export **out,
                   char **cause)
{
	struct kiosk_export *x = xcalloc(1, sizeof *x);

	pthread_mutex_init(&x->lock, NULL);
	x->snap = snap;
	x->out_dir = xstrdup(out_dir);
	x->keys_dir = xasprintf("%s.keys", db_path);
	x->copy_dir = xasprintf("%s.exports", db_path);
	x->o.out_dir = x->out_dir;
	x->o.keys_dir = x->keys_dir;
	x->o.copy_dir = x->copy_dir;
	x->o.op = "coordinator";
	x->hq_dir = xstrdup(hq_dir);
	x->o.seal_to = x->seal;
	x->o.nseal = 2;
	x->wake = wake;
	x->arg = arg;
	if (pthread_create(&x->thread, NULL, kiosk_export_main, x) != 0) {
		x->snap = NULL; /* still the caller's */
		kiosk_export_free(x);
		return util_fail(cause, "The export could not start (no thread).");
	}
	*out = x;
	return 0;
}

int
kiosk_export_result(struct kiosk_export *x, const struct bundle_export_result **res,
                    const char **cause)
{
	int done;

	pthread_mutex_lock(&x->lock);
	done = x->done;
	pthread_mutex_unlock(&x->lock);
	if (!done)
		return -1;
	*res = &x->res;
	*cause = x->cause != NULL ? x->cause : "the export failed.";
	return x->rc == 0 ? 0 : 1;
}

void
kiosk_export_free(struct kiosk_export *x)
{
	if (x == NULL)
		return;
	if (x->snap != NULL) /* started: the thread owns nothing once joined */
		pthread_join(x->thread, NULL);
	bundle_snapshot_free(x->snap);
	bundle_export_result_clear(&x->res);
	pthread_mutex_destroy(&x->lock);
	free(x->cause);
	free(x->out_dir);
	free(x->keys_dir);
	free(x->copy_dir);
	free(x->hq_dir);
	free(x);
}
