/* hqweb_session.h — HQ staff's sessions in wat-hq: random ids (a cookie:
 * HttpOnly, SameSite=Strict, Secure), each with its own CSRF token for every
 * form; ended at logout or after 30 idle minutes (8 hours at most).  Logins throttled per
 * name: after 3 failures each try waits 2, 4, 8 ... s (at most 15 min), and
 * one password check at a time (Argon2id takes 64 MB).  Kept in memory,
 * and in a store when one is set (wat-hq: HQ's database), so a restart of
 * wat-hq keeps staff signed in. */
#ifndef WAT_HQWEB_SESSION_H
#define WAT_HQWEB_SESSION_H

#include <stdint.h>

#define HQWEB_SESSION_ID_LEN   64 /* hex of 32 random bytes */
#define HQWEB_SESSION_USER_MAX 40

struct hqweb_session_info {
	char user[HQWEB_SESSION_USER_MAX + 1];
	int admin;
	char csrf[HQWEB_SESSION_ID_LEN + 1];
};

/* Where sessions are kept beyond this process (wat-hq: HQ's database), so
 * a restart does not sign staff out: each call gets the hash of the
 * session's id (hqweb_session_hash), never the id.  put: a new session, or
 * one seen again (at most once a minute); get: 0 and the session when kept
 * (and its account still enabled), else -1; end: the session idhash
 * (NULL: none) and every session of user (NULL: none). */
struct hqweb_session_store {
	void (*put)(void *ctx, const char *idhash, const struct hqweb_session_info *info,
	            int64_t start_ms, int64_t seen_ms);
	int (*get)(void *ctx, const char *idhash, struct hqweb_session_info *info,
	           int64_t *start_ms, int64_t *seen_ms);
	void (*end)(void *ctx, const char *idhash, const char *user);
	void *ctx;
};
/* From now on (NULL: in memory only). */
void hqweb_session_set_store(const struct hqweb_session_store *store);
/* BLAKE2b-256 of id in hex. */
void hqweb_session_hash(const char *id, char out[HQWEB_SESSION_ID_LEN + 1]);

/* 32 random bytes in hex. */
void hqweb_session_random(char out[HQWEB_SESSION_ID_LEN + 1]);
/* 1 when a and b are the same token (every byte compared). */
int hqweb_session_same(const char *a, const char *b);

void hqweb_session_new(const char *user, int admin, int64_t now_ms,
                       char id[HQWEB_SESSION_ID_LEN + 1]);
/* 0 and the session's info when id is a live session (its idle time
 * restarted); -1 otherwise. */
int hqweb_session_get(const char *id, int64_t now_ms, struct hqweb_session_info *out);
void hqweb_session_end(const char *id);
/* Every session of user ended (an account disabled or its password reset). */
void hqweb_session_end_user(const char *user);

/* 0 when user may try a password now; else -1 and how long to wait. */
int hqweb_session_may_try(const char *user, int64_t now_ms, int64_t *wait_ms);
void hqweb_session_tried(const char *user, int ok, int64_t now_ms);
/* Checks password against an Argon2id hash (one check at a time): 1 good. */
int hqweb_session_password_ok(const char *hash, const char *password);
/* An Argon2id hash of password (as watctl hq-staff add makes it, one at a
 * time): 0, or -1 out of memory. */
#define HQWEB_SESSION_HASH_MAX 128
int hqweb_session_password_hash(const char *password, char out[HQWEB_SESSION_HASH_MAX]);

#endif
