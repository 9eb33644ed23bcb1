/* libFuzzer target for wat-hq's upload body: a POST /upload whose body
 * (and, when the input starts with "CT:", its Content-Type line) is the
 * input, through libmicrohttpd's request and multipart parsers set up as
 * wat-hq sets them up (256 KiB per connection, a 64 KiB post processor),
 * each part given to our parsers as wat-hq's iterator gives it: the code
 * field (hqweb_form_code), each file name (hqweb_form_filename).  The
 * request comes over a socketpair handed to the daemon (no port, no
 * thread: MHD_run in this loop).  Checked: no crash or read out of bounds;
 * no more part data than the body held; a file name made safe has no path
 * and no leading dot.  It found that a part whose Content-Disposition
 * libmicrohttpd cannot read comes with no name (key NULL), which crashed
 * wat-hq's iterators (strcmp on NULL). */
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hqweb_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_req {
	struct MHD_PostProcessor *pp;
	char code[65];
	size_t code_len, part_bytes, body_len;
	int files;
};

static size_t fuzz_body_len;

static enum MHD_Result
fuzz_iterate(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
             const char *content_type, const char *transfer_encoding, const char *data,
             uint64_t off, size_t size)
{
	struct fuzz_req *q = cls;
	char name[HQWEB_FORM_NAME_MAX + 1];

	if (size > 0 && data == NULL)
		abort();
	q->part_bytes += size;
	if (q->part_bytes > q->body_len)
		abort(); /* more data than was sent */
	if (key == NULL)
		return MHD_YES; /* a part without a readable name: wat-hq skips it */
	if (strcmp(key, "code") == 0 && filename == NULL) {
		if (q->code_len + size > 64)
			return MHD_NO;
		memcpy(q->code + q->code_len, data, size);
		q->code_len += size;
		q->code[q->code_len] = '\0';
		return MHD_YES;
	}
	if (filename == NULL)
		return MHD_YES;
	if (off == 0) {
		if (++q->files > 4)
			return MHD_NO;
		if (hqweb_form_filename(filename, strlen(filename), name) == 0 &&
		    (name[0] == '.' || name[0] == '\0' || strchr(name, '/') != NULL ||
		     strlen(name) > HQWEB_FORM_NAME_MAX))
			abort();
	}
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	return MHD_YES;
}

static enum MHD_Result
fuzz_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
            const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct fuzz_req *q = *con_cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char code[65];

	if (q == NULL) {
		q = calloc(1, sizeof *q);
		if (q == NULL)
			abort();
		q->body_len = fuzz_body_len;
		*con_cls = q;
		return MHD_YES;
	}
	if (q->pp == NULL && *upload_data_size != 0 &&
	    (q->pp = MHD_create_post_processor(c, 64 * 1024, fuzz_iterate, q)) == NULL) {
		*upload_data_size = 0; /* neither form kind: wat-hq answers 415 */
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (MHD_post_process(q->pp, upload_data, *upload_data_size) != MHD_YES)
			return MHD_NO; /* wat-hq drops the connection */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (hqweb_form_code(q->code, q->code_len, code, sizeof code) == 0)
		for (size_t i = 0; code[i] != '\0'; i++)
			if (!((code[i] >= 'A' && code[i] <= 'Z') ||
			      (code[i] >= '0' && code[i] <= '9')))
				abort();
	r = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	return ret;
}

static void
fuzz_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct fuzz_req *q = *con_cls;

	if (q != NULL) {
		if (q->pp != NULL)
			MHD_destroy_post_processor(q->pp);
		free(q);
		*con_cls = NULL;
	}
	(void)cls;
	(void)c;
	(void)t;
}

static struct MHD_Daemon *fuzz_daemon;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ct = "multipart/form-data; boundary=WATFUZZ";
	char head[512], buf[4096], ctype[256];
	struct sockaddr_in sa = {.sin_family = AF_INET};
	size_t hl, sent = 0, i;
	int s[2], rounds;

	if (fuzz_daemon == NULL) {
		fuzz_daemon = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, fuzz_handle,
		                               NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		                               (size_t)256 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
		                               fuzz_done, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
		                               (unsigned int)5, MHD_OPTION_END);
		if (fuzz_daemon == NULL)
			abort();
	}
	/* "CT:" then a Content-Type line of the fuzzer's */
	if (size > 3 && memcmp(data, "CT:", 3) == 0) {
		for (i = 3; i < size && i - 3 < sizeof ctype - 1 && data[i] != '\n'; i++)
			if (data[i] == '\r' || data[i] == '\0')
				return 0;
		memcpy(ctype, data + 3, i - 3);
		ctype[i - 3] = '\0';
		ct = ctype;
		if (i < size)
			i++;
		data += i;
		size -= i;
	}
	hl = (size_t)snprintf(head, sizeof head,
	                      "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
	                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	                      ct, size);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) != 0)
		abort();
	fcntl(s[0], F_SETFL, O_NONBLOCK);
	fuzz_body_len = size;
	if (MHD_add_connection(fuzz_daemon, s[1], (struct sockaddr *)&sa, sizeof sa) != MHD_YES) {
		close(s[0]);
		return 0;
	}
	if (write(s[0], head, hl) != (ssize_t)hl)
		abort();
	/* the body as the daemon reads it: until it answers or closes */
	for (rounds = 0; rounds < 10000; rounds++) {
		ssize_t n;
		if (sent < size) {
			n = write(s[0], data + sent, size - sent);
			if (n > 0)
				sent += (size_t)n;
		}
		MHD_run(fuzz_daemon);
		n = read(s[0], buf, sizeof buf);
		if (n == 0)
			break; /* closed by the daemon: answered or dropped */
		if (n < 0)
			poll(NULL, 0, 0);
	}
	close(s[0]);
	MHD_run(fuzz_daemon); /* the connection's end */
	return 0;
}
