/* hqweb_session.c — staff sessions and login throttling (see
 * hqweb_session.h). */
#include "hqweb_session.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define HQWEB_SESSIONS   256
#define HQWEB_THROTTLES  256
#define HQWEB_IDLE_MS    (30 * 60 * 1000LL)
#define HQWEB_MAX_MS     (8 * 3600 * 1000LL)
#define HQWEB_FREE_TRIES 3
#define HQWEB_WAIT_MAX   (15 * 60 * 1000LL)

#define HQWEB_STORE_EVERY_MS (60 * 1000LL)

struct hqweb_session {
	char id[HQWEB_SESSION_ID_LEN + 1];
	struct hqweb_session_info info;
	int64_t start_ms, seen_ms, stored_ms;
};

struct hqweb_throttle {
	char user[HQWEB_SESSION_USER_MAX + 1];
	int fails;
	int64_t last_ms;
};

static pthread_mutex_t hqweb_session_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t hqweb_session_hash_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hqweb_session hqweb_sessions[HQWEB_SESSIONS];
static struct hqweb_throttle hqweb_throttles[HQWEB_THROTTLES];
static struct hqweb_session_store hqweb_store;
static int hqweb_have_store;

void
hqweb_session_set_store(const struct hqweb_session_store *store)
{
	pthread_mutex_lock(&hqweb_session_lock);
	hqweb_have_store = store != NULL;
	if (store != NULL)
		hqweb_store = *store;
	pthread_mutex_unlock(&hqweb_session_lock);
}

void
hqweb_session_hash(const char *id, char out[HQWEB_SESSION_ID_LEN + 1])
{
	unsigned char h[HQWEB_SESSION_ID_LEN / 2];

	crypto_generichash(h, sizeof h, (const unsigned char *)id, strlen(id), NULL, 0);
	sodium_bin2hex(out, HQWEB_SESSION_ID_LEN + 1, h, sizeof h);
}

/* The store as it is now (outside the lock: its calls may wait on HQ's
 * database). */
static int
hqweb_session_store_get(struct hqweb_session_store *st)
{
	int have;

	pthread_mutex_lock(&hqweb_session_lock);
	have = hqweb_have_store;
	if (have)
		*st = hqweb_store;
	pthread_mutex_unlock(&hqweb_session_lock);
	return have;
}

/* A slot for a new session: a free one, else the longest idle; lock held. */
static struct hqweb_session *
hqweb_session_slot(int64_t now_ms)
{
	struct hqweb_session *s, *oldest = &hqweb_sessions[0];
	size_t i;

	for (i = 0; i < HQWEB_SESSIONS; i++) {
		s = &hqweb_sessions[i];
		if (s->id[0] == '\0' || now_ms - s->seen_ms > HQWEB_IDLE_MS)
			return s;
		if (s->seen_ms < oldest->seen_ms)
			oldest = s;
	}
	return oldest;
}

void
hqweb_session_random(char out[HQWEB_SESSION_ID_LEN + 1])
{
	unsigned char b[HQWEB_SESSION_ID_LEN / 2];

	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, HQWEB_SESSION_ID_LEN + 1, b, sizeof b);
	sodium_memzero(b, sizeof b);
}

int
hqweb_session_same(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (n != strlen(b) || n == 0)
		return 0;
	return sodium_memcmp(a, b, n) == 0;
}

void
hqweb_session_new(const char *user, int admin, int64_t now_ms, char id[HQWEB_SESSION_ID_LEN + 1])
{
	struct hqweb_session_store st;
	struct hqweb_session_info info;
	struct hqweb_session *s;
	char idhash[HQWEB_SESSION_ID_LEN + 1];

	hqweb_session_random(id);
	pthread_mutex_lock(&hqweb_session_lock);
	s = hqweb_session_slot(now_ms);
	memset(s, 0, sizeof *s);
	memcpy(s->id, id, HQWEB_SESSION_ID_LEN + 1);
	snprintf(s->info.user, sizeof s->info.user, "%s", user);
	s->info.admin = admin;
	hqweb_session_random(s->info.csrf);
	s->start_ms = s->seen_ms = s->stored_ms = now_ms;
	info = s->info;
	pthread_mutex_unlock(&hqweb_session_lock);
	if (hqweb_session_store_get(&st)) {
		hqweb_session_hash(id, idhash);
		st.put(st.ctx, idhash, &info, now_ms, now_ms);
	}
}

/* Session id from the store (wat-hq restarted since it began): back in
 * memory when it is still live. */
static int
hqweb_session_restore(const char *id, int64_t now_ms, struct hqweb_session_info *out)
{
	struct hqweb_session_store st;
	struct hqweb_session *s;
	char idhash[HQWEB_SESSION_ID_LEN + 1];
	int64_t start = 0, seen = 0;

	if (!hqweb_session_store_get(&st))
		return -1;
	hqweb_session_hash(id, idhash);
	if (st.get(st.ctx, idhash, out, &start, &seen) != 0)
		return -1;
	if (now_ms - seen > HQWEB_IDLE_MS || now_ms - start > HQWEB_MAX_MS) {
		st.end(st.ctx, idhash, NULL);
		return -1;
	}
	pthread_mutex_lock(&hqweb_session_lock);
	s = hqweb_session_slot(now_ms);
	memset(s, 0, sizeof *s);
	memcpy(s->id, id, HQWEB_SESSION_ID_LEN + 1);
	s->info = *out;
	s->start_ms = start;
	s->seen_ms = s->stored_ms = now_ms;
	pthread_mutex_unlock(&hqweb_session_lock);
	st.put(st.ctx, idhash, out, start, now_ms);
	return 0;
}

int
hqweb_session_get(const char *id, int64_t now_ms, struct hqweb_session_info *out)
{
	struct hqweb_session_store st;
	char idhash[HQWEB_SESSION_ID_LEN + 1];
	int64_t start = 0;
	size_t i;
	int rc = -1, found = 0, store = 0;

	if (id == NULL || strlen(id) != HQWEB_SESSION_ID_LEN)
		return -1;
	pthread_mutex_lock(&hqweb_session_lock);
	for (i = 0; i < HQWEB_SESSIONS; i++) {
		struct hqweb_session *s = &hqweb_sessions[i];
		if (s->id[0] == '\0' || !hqweb_session_same(s->id, id))
			continue;
		found = 1;
		if (now_ms - s->seen_ms > HQWEB_IDLE_MS || now_ms - s->start_ms > HQWEB_MAX_MS) {
			memset(s, 0, sizeof *s);
			break;
		}
		s->seen_ms = now_ms;
		/* the store's idle clock moved on at most once a minute */
		if (now_ms - s->stored_ms >= HQWEB_STORE_EVERY_MS) {
			s->stored_ms = now_ms;
			store = 1;
			start = s->start_ms;
		}
		*out = s->info;
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&hqweb_session_lock);
	if (!found)
		return hqweb_session_restore(id, now_ms, out);
	if (store && hqweb_session_store_get(&st)) {
		hqweb_session_hash(id, idhash);
		st.put(st.ctx, idhash, out, start, now_ms);
	}
	return rc;
}

void
hqweb_session_end(const char *id)
{
	struct hqweb_session_store st;
	char idhash[HQWEB_SESSION_ID_LEN + 1];
	size_t i;

	if (id == NULL)
		return;
	pthread_mutex_lock(&hqweb_session_lock);
	for (i = 0; i < HQWEB_SESSIONS; i++)
		if (hqweb_sessions[i].id[0] != '\0' && hqweb_session_same(hqweb_sessions[i].id, id))
			sodium_memzero(&hqweb_sessions[i], sizeof hqweb_sessions[i]);
	pthread_mutex_unlock(&hqweb_session_lock);
	if (hqweb_session_store_get(&st)) {
		hqweb_session_hash(id, idhash);
		st.end(st.ctx, idhash, NULL);
	}
}

void
hqweb_session_end_user(const char *user)
{
	struct hqweb_session_store st;
	size_t i;

	pthread_mutex_lock(&hqweb_session_lock);
	for (i = 0; i < HQWEB_SESSIONS; i++)
		if (hqweb_sessions[i].id[0] != '\0' &&
		    strcmp(hqweb_sessions[i].info.user, user) == 0)
			sodium_memzero(&hqweb_sessions[i], sizeof hqweb_sessions[i]);
	pthread_mutex_unlock(&hqweb_session_lock);
	if (hqweb_session_store_get(&st))
		st.end(st.ctx, NULL, user);
}

static int64_t
hqweb_session_wait(int fails)
{
	int64_t w;

	if (fails < HQWEB_FREE_TRIES)
		return 0;
	w = 2000LL << (fails - HQWEB_FREE_TRIES > 10 ? 10 : fails - HQWEB_FREE_TRIES);
	return w > HQWEB_WAIT_MAX ? HQWEB_WAIT_MAX : w;
}

/* The throttle entry of user (made, or the oldest reused); lock held. */
static struct hqweb_throttle *
hqweb_session_throttle(const char *user, int make)
{
	struct hqweb_throttle *oldest = &hqweb_throttles[0];
	size_t i;

	for (i = 0; i < HQWEB_THROTTLES; i++)
		if (hqweb_throttles[i].user[0] != '\0' &&
		    strcmp(hqweb_throttles[i].user, user) == 0)
			return &hqweb_throttles[i];
	if (!make)
		return NULL;
	for (i = 0; i < HQWEB_THROTTLES; i++)
		if (hqweb_throttles[i].last_ms < oldest->last_ms)
			oldest = &hqweb_throttles[i];
	memset(oldest, 0, sizeof *oldest);
	snprintf(oldest->user, sizeof oldest->user, "%s", user);
	return oldest;
}

int
hqweb_session_may_try(const char *user, int64_t now_ms, int64_t *wait_ms)
{
	struct hqweb_throttle *t;
	int rc = 0;

	*wait_ms = 0;
	pthread_mutex_lock(&hqweb_session_lock);
	t = hqweb_session_throttle(user, 0);
	if (t != NULL) {
		int64_t until = t->last_ms + hqweb_session_wait(t->fails);
		if (now_ms < until) {
			*wait_ms = until - now_ms;
			rc = -1;
		}
	}
	pthread_mutex_unlock(&hqweb_session_lock);
	return rc;
}

void
hqweb_session_tried(const char *user, int ok, int64_t now_ms)
{
	struct hqweb_throttle *t;

	pthread_mutex_lock(&hqweb_session_lock);
	t = hqweb_session_throttle(user, !ok);
	if (t != NULL) {
		if (ok)
			memset(t, 0, sizeof *t);
		else {
			t->fails++;
			t->last_ms = now_ms;
		}
	}
	pthread_mutex_unlock(&hqweb_session_lock);
}

int
hqweb_session_password_ok(const char *hash, const char *password)
{
	int ok;

	pthread_mutex_lock(&hqweb_session_hash_lock);
	ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	pthread_mutex_unlock(&hqweb_session_hash_lock);
	return ok;
}

int
hqweb_session_password_hash(const char *password, char out[HQWEB_SESSION_HASH_MAX])
{
	int rc;

	_Static_assert(HQWEB_SESSION_HASH_MAX >= crypto_pwhash_STRBYTES, "hash room");
	pthread_mutex_lock(&hqweb_session_hash_lock);
	rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                       crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
	         ? 0
	         : -1;
	pthread_mutex_unlock(&hqweb_session_hash_lock);
	return rc;
}
