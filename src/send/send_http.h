/* send_http.h — posts a send_job to HQ's inbox (libcurl; linked into
 * wat-send and watctl only, never into the kiosk): the upload page's form
 * (fields "code" and "bundle", the sealed bundle and its .minisig), HQ's
 * answer read from its receipt page. */
#ifndef WAT_SEND_HTTP_H
#define WAT_SEND_HTTP_H

#include "send.h"

/* Once per process, before any thread posts. */
int send_http_init(char **cause);
/* Posts j; *a is HQ's answer (a final one, or SEND_RETRY), or SEND_OFFLINE
 * with why there was none (no network, HQ down).  Gives up after
 * timeout_s seconds. */
void send_http_post(const struct send_job *j, int timeout_s, struct send_answer *a);

#endif
