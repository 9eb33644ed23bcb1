/* Unit tests for send.c: HQ's answer read from wat-hq's receipt page (its
 * words unescaped, its number and time), pages that are not wat-hq's, the
 * upload URL from the inbox, the hq-receipt entry recorded once per export
 * and answer, the outbox files read back, and the screen's line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ledger.h"
#include "send.h"
#include "util.h"

static const char page_received[] =
    "<!doctype html><div class=\"answer received\" id=\"answer\"><p id=\"headline\">Received: "
    "Mobile, AL &amp; co &#39;T1&#39; &lt;b&gt;</p><p id=\"detail\">HQ&#39;s number: "
    "#5.</p></div>\n<dl><dt>Event</dt><dd>Mobile, AL</dd><dt>HQ's number</dt><dd "
    "id=\"number\">#5</dd><dt>Received</dt><dd>2026-12-03 04:19:49 UTC</dd></dl>";

static void
test_parse_received(void **state)
{
	struct send_answer a;

	(void)state;
	send_answer_parse(page_received, strlen(page_received), 200, &a);
	assert_int_equal(a.status, SEND_RECEIVED);
	assert_string_equal(a.headline, "Received: Mobile, AL & co 'T1' <b>");
	assert_string_equal(a.detail, "HQ's number: #5.");
	assert_int_equal(a.number, 5);
	assert_string_equal(a.received_at, "2026-12-03 04:19:49 UTC");
}

static void
test_parse_others(void **state)
{
	static const char refused[] = "<div class=\"answer refused\" id=\"answer\"><p "
	                              "id=\"headline\">Not received: the upload code is not this "
	                              "event&#39;s.</p><p id=\"detail\"></p></div>";
	static const char failed[] = "<div class=\"answer failed\" id=\"answer\"><p "
	                             "id=\"headline\">Not received: HQ cannot open bundles just "
	                             "now</p></div>";
	struct send_answer a;

	(void)state;
	send_answer_parse(refused, strlen(refused), 422, &a);
	assert_int_equal(a.status, SEND_REFUSED);
	assert_string_equal(a.headline, "Not received: the upload code is not this event's.");
	assert_int_equal(a.number, 0);
	send_answer_parse(failed, strlen(failed), 503, &a);
	assert_int_equal(a.status, SEND_RETRY);
	/* a proxy's page: no words of HQ's, said in ours */
	send_answer_parse("<h1>Bad Gateway</h1>", 20, 502, &a);
	assert_int_equal(a.status, SEND_RETRY);
	assert_non_null(strstr(a.headline, "HTTP 502"));
	send_answer_parse("Not Found", 9, 404, &a);
	assert_int_equal(a.status, SEND_REFUSED);
	assert_non_null(strstr(a.headline, "is the inbox address right?"));
	/* cut in the middle: nothing read past the end */
	send_answer_parse(page_received, 60, 200, &a);
	assert_int_equal(a.status, SEND_RETRY);
}

static void
test_upload_url(void **state)
{
	char *u;

	(void)state;
	u = send_upload_url("https://hq.example.org/inbox");
	assert_string_equal(u, "https://hq.example.org/inbox/upload");
	free(u);
	u = send_upload_url("http://127.0.0.1:8080/");
	assert_string_equal(u, "http://127.0.0.1:8080/upload");
	free(u);
	u = send_upload_url("http://127.0.0.1:8080/upload/");
	assert_string_equal(u, "http://127.0.0.1:8080/upload");
	free(u);
}

static void
test_record_once(void **state)
{
	char path[] = "/tmp/test-send-XXXXXX";
	char *db, *cause = NULL;
	struct ledger *l = NULL;
	struct ledger_init in;
	struct send_job j;
	struct send_answer a;
	struct send_receipt r;
	int64_t seq = 0, first = 0;

	(void)state;
	assert_non_null(mkdtemp(path));
	db = xasprintf("%s/station.db", path);
	assert_int_equal(ledger_open(db, &l, &cause), 0);
	memset(&in, 0, sizeof in);
	in.name = "Walk";
	in.city = "Mobile, AL";
	in.date = "2026-05-02";
	assert_int_equal(ledger_init_event(l, &in, "test", &cause), 0);
	assert_int_equal(send_last_receipt(l, &r, &cause), 0);
	/* nothing exported: said in words */
	assert_int_equal(send_job_latest(l, db, NULL, &j, &cause), -1);
	assert_non_null(strstr(cause, "export the bundle first"));
	free(cause);
	cause = NULL;

	memset(&j, 0, sizeof j);
	j.export_n = 2;
	snprintf(j.file, sizeof j.file, "wat-x-2.zip.age");
	snprintf(j.inbox, sizeof j.inbox, "http://127.0.0.1:8080/");
	send_answer_parse(page_received, strlen(page_received), 200, &a);
	assert_int_equal(send_record(l, &j, &a, "test", &first, &cause), 0);
	/* received again, then HQ's "already": one entry */
	assert_int_equal(send_record(l, &j, &a, "test", &seq, &cause), 1);
	assert_int_equal(seq, first);
	a.status = SEND_ALREADY;
	snprintf(a.headline, sizeof a.headline, "Already received on ...");
	assert_int_equal(send_record(l, &j, &a, "test", &seq, &cause), 1);
	assert_int_equal(seq, first);
	/* not a final answer: never recorded */
	a.status = SEND_OFFLINE;
	assert_int_equal(send_record(l, &j, &a, "test", &seq, &cause), -1);
	free(cause);
	cause = NULL;
	/* a refusal is its own entry, once per reason */
	a.status = SEND_REFUSED;
	snprintf(a.headline, sizeof a.headline,
	         "Not received: the upload code is not this event's.");
	assert_int_equal(send_record(l, &j, &a, "test", &seq, &cause), 0);
	assert_true(seq > first);
	assert_int_equal(send_record(l, &j, &a, "test", &seq, &cause), 1);
	assert_int_equal(send_last_receipt(l, &r, &cause), 1);
	assert_int_equal(r.status, SEND_REFUSED);
	assert_int_equal(r.export_n, 2);
	assert_int_equal(ledger_check(l, &cause), 0);
	ledger_free(l);
	ledger_remove_files(db);
	rmdir(path);
	free(db);
}

static void
test_outbox(void **state)
{
	char path[] = "/tmp/test-outbox-XXXXXX";
	char *box, *cause = NULL, line[600];
	struct send_job j, j2;
	struct send_answer a, a2;
	struct send_progress p, p2;

	(void)state;
	assert_non_null(mkdtemp(path));
	box = xasprintf("%s/station.db.outbox", path);
	assert_int_equal(send_request_read(box, &j2, &cause), 1);
	memset(&j, 0, sizeof j);
	j.export_n = 3;
	snprintf(j.file, sizeof j.file, "w \"q\".zip.age");
	snprintf(j.zip, sizeof j.zip, "/x/w.zip.age");
	snprintf(j.sig, sizeof j.sig, "/x/w.zip.age.minisig");
	snprintf(j.inbox, sizeof j.inbox, "https://hq.example.org/inbox");
	snprintf(j.code, sizeof j.code, "K7Q-22XM");
	assert_int_equal(send_request_write(box, &j, &cause), 0);
	assert_int_equal(send_request_read(box, &j2, &cause), 0);
	assert_memory_equal(&j, &j2, sizeof j);
	memset(&p, 0, sizeof p);
	p.export_n = 3;
	p.tries = 4;
	p.retry_s = 60;
	p.next_wall = 2000000000;
	p.status = SEND_OFFLINE;
	snprintf(p.said, sizeof p.said, "no network (HQ's address cannot be looked up)");
	assert_int_equal(send_progress_write(box, &p, &cause), 0);
	assert_int_equal(send_progress_read(box, &p2, &cause), 0);
	assert_memory_equal(&p, &p2, sizeof p);
	send_describe(NULL, &p2, 1999999990, line, sizeof line);
	assert_string_equal(line, "Not sent yet (export 3): no network (HQ's address cannot be "
	                          "looked up) \xe2\x80\x94 retrying every minute.");
	send_answer_parse(page_received, strlen(page_received), 200, &a);
	assert_int_equal(send_answer_write(box, &j, &a, &cause), 0);
	assert_int_equal(send_answer_read(box, &j2, &a2, &cause), 0);
	assert_memory_equal(&a, &a2, sizeof a);
	assert_int_equal(send_answer_remove(box), 0);
	assert_int_equal(send_answer_read(box, &j2, &a2, &cause), 1);
	assert_int_equal(send_request_remove(box), 0);
	{
		char *st = xasprintf("%s/status", box);
		unlink(st);
		free(st);
	}
	rmdir(box);
	rmdir(path);
	free(box);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_received), cmocka_unit_test(test_parse_others),
	    cmocka_unit_test(test_upload_url),     cmocka_unit_test(test_record_once),
	    cmocka_unit_test(test_outbox),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
