/* test_print.c — print.c against a real private cupsd (started here through
 * tests/e2e/lib/cupsd.bash when we may: root, cupsd installed), and the spool
 * fallback without one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "layout.h"
#include "print.h"
#include "util.h"

static char repo[2048], build[2048], tmp[] = "/tmp/wat-test-print-XXXXXX", sock[4096];
static char *pdf, *roll_pdf;
static size_t pdf_len, roll_len;
static pid_t cupsd_pid = -1;
static int have_filter;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	rc = system(cmd);
	free(cmd);
	return rc;
}

static int
setup(void **state)
{
	struct layout_receipt r = {"Org", "12-3456789", "Walk", "City", "today", "A-7", "Ana", 7,
	                           NULL,  2500,         "cash", NULL,   NULL,    0,     0,     0};
	struct layout_doc d = LAYOUT_DOC_INIT;
	char *assets = xasprintf("%s/assets", repo), *cause = NULL, *out;
	FILE *f;

	layout_receipt_doc(&r, &d);
	if (layout_render(&d, LAYOUT_LETTER, assets, &pdf, &pdf_len, &cause) != 0 ||
	    layout_render(&d, LAYOUT_ROLL80, assets, &roll_pdf, &roll_len, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	layout_doc_free(&d);
	free(assets);
	if (mkdtemp(tmp) == NULL || chmod(tmp, 0755) != 0) /* lp must reach it */
		return -1;
	snprintf(sock, sizeof sock, "%s/cupsd/cups.sock", tmp);
	if (sh("bash -c '. %s/tests/e2e/lib/cupsd.bash && cupsd_usable'", repo) != 0)
		return 0; /* the cupsd tests skip */
	out = xasprintf("%s/%s/rastertoescpos", repo, build);
	have_filter = access(out, X_OK) == 0;
	free(out);
	out = xasprintf("%s/pid", tmp);
	if (sh("bash -c '. %s/tests/e2e/lib/cupsd.bash && cupsd_start %s/cupsd "
	       "%s/%s/rastertoescpos "
	       ">&2 && echo $CUPSD_PID >%s'",
	       repo, tmp, repo, build, out) == 0 &&
	    (f = fopen(out, "r")) != NULL) {
		if (fscanf(f, "%d", &cupsd_pid) != 1)
			cupsd_pid = -1;
		fclose(f);
	}
	free(out);
	if (cupsd_pid <= 0) {
		fprintf(stderr, "cannot start cupsd\n");
		return -1;
	}
	setenv("CUPS_SERVER", sock, 1);
	if (sh("bash -c '. %s/tests/e2e/lib/cupsd.bash && "
	       "cupsd_file_queue pdfq %s/cupsd/out/pdfq.ps -m drv:///sample.drv/generic.ppd "
	       "-o printer-error-policy=abort-job && "
	       "cupsd_file_queue pos %s/cupsd/out/pos.bin -P %s/assets/ppd/wat-escpos-80mm.ppd "
	       "-o printer-error-policy=abort-job' 2>/dev/null && "
	       "lpadmin -p bad -E -v file:///nonexistent/dir/out.ps -m "
	       "drv:///sample.drv/generic.ppd "
	       "2>/dev/null && "
	       "lpadmin -p stuck -E -v socket://127.0.0.1:9 -m drv:///sample.drv/generic.ppd "
	       "2>/dev/null",
	       repo, tmp, tmp, repo) != 0) {
		fprintf(stderr, "cannot add the queues\n");
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	if (cupsd_pid > 0) {
		kill(cupsd_pid, SIGTERM);
		usleep(200000);
	}
	sh("rm -rf %s", tmp);
	free(pdf);
	free(roll_pdf);
	return 0;
}

static void
run(const char *printer, const char *spool, int roll, int deadline_ms, struct print_status *st)
{
	struct print_request rq = {.printer = printer,
	                           .title = "Receipt A-7",
	                           .spool_dir = spool,
	                           .connect_ms = 2000,
	                           .deadline_ms = deadline_ms,
	                           .roll = roll};
	struct print_job *j = NULL;
	char *cause = NULL;
	int polls = 0;

	assert_int_equal(
	    print_submit(&rq, roll ? roll_pdf : pdf, roll ? roll_len : pdf_len, &j, &cause), 0);
	/* the screen's way: poll, never block */
	while (!print_poll(j, st) && polls++ < 600)
		usleep(50000);
	assert_true(st->finished);
	printf("    %s: %s: %s\n", printer != NULL ? printer : "(default)", st->outcome,
	       st->message);
	print_free(j);
}

static char *
slurp(const char *path, size_t *len)
{
	char *data = NULL, *cause = NULL;

	if (util_read_file(path, 1 << 24, &data, len, &cause) != 0)
		fail_msg("%s", cause);
	return data;
}

static void
test_reason_words(void **state)
{
	char *w = print_reasons_words("media-empty-error,offline-report,none,media-empty-warning");

	assert_string_equal(w, "out of paper; offline (unplugged or switched off)");
	free(w);
	w = print_reasons_words("none");
	assert_string_equal(w, "");
	free(w);
	w = print_reasons_words("com.example-thing-error");
	assert_string_equal(w, "com.example-thing");
	free(w);
	assert_string_equal(print_state_name(PRINT_SPOOLED), "spooled");
}

/* cupsd deb12u10 dies on a document name or option value with a blank or
 * a control character: what we send is made of safe characters. */
static void
test_safe_name(void **state)
{
	char out[PRINT_NAME_MAX], small[8];

	assert_int_equal(print_safe_name("Receipt A-7", out, sizeof out), 11);
	assert_string_equal(out, "Receipt_A-7");
	print_safe_name("Close-out sheet T1-42", out, sizeof out);
	assert_string_equal(out, "Close-out_sheet_T1-42");
	print_safe_name("Zo\xc3\xab \t\x1b[31m Lima\n", out, sizeof out);
	assert_string_equal(out, "Zo_31m_Lima");
	print_safe_name("Custom.204.09x841.89", out, sizeof out);
	assert_string_equal(out, "Custom.204.09x841.89");
	print_safe_name("a/b\\c'd\"e", out, sizeof out);
	assert_string_equal(out, "a_b_c_d_e");
	print_safe_name(" \t\r\n", out, sizeof out);
	assert_string_equal(out, "print");
	print_safe_name(NULL, out, sizeof out);
	assert_string_equal(out, "print");
	assert_int_equal(print_safe_name("Receipt A-7", small, sizeof small), 7);
	assert_string_equal(small, "Receipt");
	/* a bidi override, DEL and a C1 CSI */
	print_safe_name("x\xe2\x80\xae\x7f\xc2\x9b y", out, sizeof out);
	assert_string_equal(out, "x_y");
}

static void
test_no_server_spools(void **state)
{
	struct print_status st;
	char *spool = xasprintf("%s/spool/a/b", tmp), *saved = getenv("CUPS_SERVER");
	char *keep = saved != NULL ? xstrdup(saved) : NULL, *data;
	size_t len;

	setenv("CUPS_SERVER", "/nonexistent/cups.sock", 1);
	run(NULL, spool, 0, 0, &st);
	assert_int_equal(st.state, PRINT_SPOOLED);
	assert_string_equal(st.outcome, "spooled");
	assert_non_null(strstr(st.spool_path, spool));
	assert_non_null(strstr(st.message, st.spool_path));
	data = slurp(st.spool_path, &len);
	assert_int_equal(len, pdf_len);
	free(data);
	run(NULL, NULL, 0, 0, &st); /* no spool folder: a failure, said so */
	assert_int_equal(st.state, PRINT_FAILED);
	assert_non_null(strstr(st.message, "No printer: the "));
	if (keep != NULL)
		setenv("CUPS_SERVER", keep, 1);
	free(keep);
	free(spool);
}

#define NEED_CUPSD()                                                                               \
	do {                                                                                       \
		if (cupsd_pid <= 0)                                                                \
			skip();                                                                    \
	} while (0)

static void
test_pdf_queue(void **state)
{
	struct print_status st;
	char *path, *data;
	size_t len;

	NEED_CUPSD();
	run("pdfq", NULL, 0, 30000, &st);
	assert_string_equal(st.outcome, "completed");
	assert_int_equal(st.state, PRINT_DONE);
	assert_true(st.job_id > 0);
	path = xasprintf("%s/cupsd/out/pdfq.ps", tmp);
	data = slurp(path, &len);
	assert_true(len > 1000);
	assert_memory_equal(data, "%!PS", 4);
	free(data);
	free(path);
}

static void
test_escpos_queue(void **state)
{
	struct print_status st;
	char *path, *data;
	size_t len;

	NEED_CUPSD();
	if (!have_filter)
		skip(); /* the filter is built with the programs */
	run("pos", NULL, 1, 30000, &st);
	assert_string_equal(st.outcome, "completed");
	path = xasprintf("%s/cupsd/out/pos.bin", tmp);
	data = slurp(path, &len);
	assert_true(len > 100);
	assert_memory_equal(data, "\x1b@", 2);
	/* a raster band 72 bytes (576 dots) wide */
	assert_non_null(memmem(data, len, "\x1dv0\x00\x48\x00", 6));
	assert_memory_equal(data + len - 3, "\x1dV\x01", 3);
	free(data);
	free(path);
}

static void
test_failing_device(void **state)
{
	struct print_status st;

	NEED_CUPSD();
	run("bad", NULL, 0, 30000, &st);
	assert_int_equal(st.state, PRINT_FAILED);
	assert_true(strcmp(st.outcome, "stopped") == 0 || strcmp(st.outcome, "aborted") == 0);
	assert_non_null(strstr(st.message, "bad"));
}

static void
test_stuck_printer(void **state)
{
	struct print_status st;

	NEED_CUPSD();
	run("stuck", NULL, 0, 3000, &st);
	assert_int_equal(st.state, PRINT_FAILED);
	assert_string_equal(st.outcome, "timeout");
	assert_non_null(strstr(st.message, "did not finish"));
}

static void
test_no_such_printer(void **state)
{
	struct print_status st;
	char *spool = xasprintf("%s/spool2", tmp);

	NEED_CUPSD();
	run("nosuchqueue", spool, 0, 0, &st);
	assert_int_equal(st.state, PRINT_SPOOLED);
	assert_non_null(strstr(st.message, "There is no printer nosuchqueue: the "));
	free(spool);
}

static void
test_cancel(void **state)
{
	struct print_request rq = {
	    .printer = "stuck", .title = "Receipt A-7", .connect_ms = 2000, .deadline_ms = 30000};
	struct print_job *j = NULL;
	struct print_status st;
	char *cause = NULL;

	NEED_CUPSD();
	assert_int_equal(print_submit(&rq, pdf, pdf_len, &j, &cause), 0);
	while (print_poll(j, &st) == 0 && st.job_id == 0)
		usleep(20000);
	print_cancel(j);
	assert_int_equal(print_wait(j, 20000, &st), 1);
	assert_string_equal(st.outcome, "canceled");
	print_free(j);
	/* let go while running: the worker finishes and frees itself */
	assert_int_equal(print_submit(&rq, pdf, pdf_len, &j, &cause), 0);
	print_free(j);
}

/* Settling lost jobs: a job the server finished is "completed" (printed
 * late), one it never heard of is "unknown"; a settle-only request sends
 * nothing. */
static void
test_settle(void **state)
{
	struct print_status st;
	struct print_lost lost[2];
	struct print_request rq = {.connect_ms = 2000, .lost = lost, .nlost = 2};
	struct print_job *j = NULL;
	char *cause = NULL;

	NEED_CUPSD();
	run("pdfq", NULL, 0, 30000, &st);
	assert_string_equal(st.outcome, "completed");
	memset(lost, 0, sizeof lost);
	lost[0] = (struct print_lost){.seq = 7, .job = st.job_id};
	snprintf(lost[0].queue, sizeof lost[0].queue, "pdfq");
	lost[1] = (struct print_lost){.seq = 9, .job = 99999};
	snprintf(lost[1].queue, sizeof lost[1].queue, "pdfq");
	assert_int_equal(print_submit(&rq, NULL, 0, &j, &cause), 0);
	assert_int_equal(print_wait(j, 20000, &st), 1);
	print_free(j);
	assert_string_equal(st.outcome, "settled");
	assert_int_equal(st.job_id, 0); /* nothing sent */
	assert_int_equal(st.nsettled, 2);
	assert_int_equal(st.settled[0].seq, 7);
	assert_string_equal(st.settled[0].outcome, "completed");
	assert_int_equal(st.settled[1].seq, 9);
	assert_string_equal(st.settled[1].outcome, "unknown");
	/* no page and nothing to settle: refused */
	rq.nlost = 0;
	assert_int_equal(print_submit(&rq, NULL, 0, &j, &cause), -1);
	assert_non_null(strstr(cause, "Nothing to print"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reason_words),     cmocka_unit_test(test_safe_name),
	    cmocka_unit_test(test_no_server_spools), cmocka_unit_test(test_pdf_queue),
	    cmocka_unit_test(test_escpos_queue),     cmocka_unit_test(test_failing_device),
	    cmocka_unit_test(test_stuck_printer),    cmocka_unit_test(test_no_such_printer),
	    cmocka_unit_test(test_cancel),           cmocka_unit_test(test_settle),
	};
	const char *r = getenv("REPO"), *b = getenv("BUILD");

	if (r == NULL && getcwd(repo, sizeof repo) == NULL)
		return 1;
	if (r != NULL)
		snprintf(repo, sizeof repo, "%s", r);
	snprintf(build, sizeof build, "%s", b != NULL ? b : "build");
	return cmocka_run_group_tests(tests, setup, teardown);
}
