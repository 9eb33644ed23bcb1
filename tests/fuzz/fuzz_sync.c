/* libFuzzer target for sync_msg.c: every message a peer can send (the clear
 * HELLO and each encrypted message after it) is refused with a sentence or
 * parsed into fields that write back to the same bytes; pointers stay inside
 * the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync_msg.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_inside(const void *p, size_t n, const uint8_t *data, size_t size)
{
	const uint8_t *q = p;

	if (n > 0 && (q < data || q + n > data + size))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sync_hello h;
	struct sync_msg *m = xcalloc(1, sizeof *m);
	struct sync_buf b = {0};
	unsigned char out[SYNC_HELLO_LEN];
	char *cause = NULL;

	if (sync_hello_parse(data, size, &h, &cause) == 0) {
		sync_hello_write(&h, out);
		if (size != SYNC_HELLO_LEN || memcmp(out, data, size) != 0)
			abort();
	} else {
		if (cause == NULL || cause[0] == '\0')
			abort();
		free(cause), cause = NULL;
	}
	if (sync_msg_parse(data, size, m, &cause) == 0) {
		if (m->type == SYNC_AUTH)
			fuzz_inside(m->u.auth.cert, m->u.auth.cert_len, data, size);
		if (m->type == SYNC_BATCH) {
			if (m->u.batch.n == 0 || m->u.batch.n > SYNC_BATCH_MAX)
				abort();
			for (size_t i = 0; i < m->u.batch.n; i++)
				fuzz_inside(m->u.batch.lines[i], m->u.batch.lens[i], data, size);
		}
		sync_msg_write(m, &b);
		if (b.len != size || memcmp(b.p, data, size) != 0)
			abort();
		sync_buf_free(&b);
	} else {
		if (cause == NULL || cause[0] == '\0')
			abort();
		free(cause);
	}
	free(m);
	return 0;
}
