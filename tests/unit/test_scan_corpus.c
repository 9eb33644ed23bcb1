/* test_scan_corpus.c — real photos by other people (zxing-cpp v2.3.0's QR
 * samples in ../shared/corpus): at least zxing-cpp 1.4.0's own counts, no
 * misread anywhere, nothing found in the photos without a code; and the
 * pre-check that spares zxing pictures it cannot read changes nothing, on
 * every photo and its inverse, in the file and the camera decoders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scan_decode.h"
#include "scan_file.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *corpus;

/* CRLF and CR become LF: the expected texts use LF, some codes CRLF. */
static char *
normalise(const char *s)
{
	char *out = xstrdup(s), *o = out;

	for (; *s != '\0'; s++) {
		if (s[0] == '\r') {
			*o++ = '\n';
			if (s[1] == '\n')
				s++;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Pictures holding a second, genuine code beside the expected one: qrcode-2/16
 * is a "double QR", a black outer code around a red inner one (the expected
 * text).  Reading the outer one is right, not a misread. */
static const struct {
	const char *file, *text;
} extra_codes[] = {
    {"qrcode-2/16.png",
     "[\xe5\xa4\x96\xe5\x81\xb4QR\xe3\x82\xb3\xe3\x83\xbc\xe3\x83\x89]\n \n"
     "*\xef\xbe\x80\xef\xbe\x9e\xef\xbe\x8c\xef\xbe\x9e\xef\xbe\x99QR*\nhttp://d-qr.net/ex/"},
};

static int
is_extra(const char *path, const char *text)
{
	size_t i, n, m;

	for (i = 0; i < nitems(extra_codes); i++) {
		n = strlen(path);
		m = strlen(extra_codes[i].file);
		if (n >= m && strcmp(path + n - m, extra_codes[i].file) == 0 &&
		    strcmp(text, extra_codes[i].text) == 0)
			return 1;
	}
	return 0;
}

/* Reads one picture and says whether the expected text was among the codes. */
static int
read_one(struct scan_decoder *d, const char *path)
{
	struct scan_image img;
	struct scan_codes codes = SCAN_CODES_INIT;
	char *txt, *want = NULL, *w, *got, *cause = NULL;
	const char *dot = strrchr(path, '.');
	size_t len, j;
	int ok = 0;

	if (scan_file_load(path, &img, &cause) != 0)
		fail_msg("%s", cause);
	assert_true(scan_decode_luma(d, img.luma, img.width, img.height, img.width, &codes, NULL) >=
	            0);
	txt = xasprintf("%.*s.txt", (int)(dot - path), path);
	assert_int_equal(util_read_file(txt, 1 << 20, &want, &len, NULL), 0);
	w = normalise(want);
	for (j = 0; j < codes.n; j++) {
		got = normalise(codes.v[j].text);
		ok |= strcmp(got, w) == 0;
		free(got);
	}
	free(w);
	free(want);
	free(txt);
	scan_codes_free(&codes);
	scan_file_image_free(&img);
	return ok;
}

struct tally {
	int images, read, misread, found;
};

static void
run_folder(const char *name, struct tally *t)
{
	struct scan_decoder *d = scan_decode_new(NULL);
	char *dir = xasprintf("%s/%s", corpus, name), **paths = NULL, *cause = NULL;
	size_t n = 0, i, j;

	memset(t, 0, sizeof *t);
	assert_int_equal(scan_file_list(dir, &paths, &n, &cause), 0);
	for (i = 0; i < n; i++) {
		struct scan_image img;
		struct scan_codes codes = SCAN_CODES_INIT;
		char *txt = NULL, *want = NULL, *dot;
		size_t len;
		int ok = 0;

		if (scan_file_load(paths[i], &img, &cause) != 0)
			fail_msg("%s", cause);
		assert_true(scan_decode_luma(d, img.luma, img.width, img.height, img.width, &codes,
		                             NULL) >= 0);
		t->images++;
		t->found += (int)codes.n;
		dot = strrchr(paths[i], '.');
		txt = xasprintf("%.*s.txt", (int)(dot - paths[i]), paths[i]);
		if (util_read_file(txt, 1 << 20, &want, &len, NULL) == 0) {
			char *w = normalise(want);
			for (j = 0; j < codes.n; j++) {
				char *got = normalise(codes.v[j].text);
				if (strcmp(got, w) == 0)
					ok = 1;
				else if (!is_extra(paths[i], got)) {
					t->misread++;
					print_message("misread %s: \"%s\"\n", paths[i], got);
				}
				free(got);
			}
			free(w);
		} else if (codes.n > 0) {
			for (j = 0; j < codes.n; j++)
				print_message("false code in %s: \"%s\"\n", paths[i],
				              codes.v[j].text);
		}
		if (ok)
			t->read++;
		if (getenv("SCAN_CORPUS_VERBOSE") != NULL)
			print_message("%s %s\n", ok ? "read  " : "missed", paths[i]);
		free(want);
		free(txt);
		scan_codes_free(&codes);
		scan_file_image_free(&img);
	}
	print_message("%s: %d/%d read, %d misread, %d found\n", name, t->read, t->images,
	              t->misread, t->found);
	scan_file_list_free(paths, n);
	free(dir);
	scan_decode_free(d);
}

static int
have_corpus(void)
{
	if (corpus == NULL) {
		print_message("corpus absent (../shared/corpus/zxing-cpp-v2.3.0): skipped\n");
		return 0;
	}
	return 1;
}

static void
check_folder(const char *name, int want)
{
	struct tally t;

	if (!have_corpus()) {
		skip();
		return;
	}
	run_folder(name, &t);
	assert_int_equal(t.misread, 0);
	assert_true(t.read >= want);
}

static void
test_qrcode_1(void **state)
{
	check_folder("qrcode-1", 16);
}

/* 44 as 1.4.0, plus the two inverted photos (qr-inv-1, qr-inv-2) that our
 * emulated tryInvert reads. */
static void
test_qrcode_2(void **state)
{
	check_folder("qrcode-2", 46);
}

static void
test_qrcode_3(void **state)
{
	check_folder("qrcode-3", 25);
}

static void
test_qrcode_4(void **state)
{
	check_folder("qrcode-4", 29);
}

static void
test_qrcode_5(void **state)
{
	check_folder("qrcode-5", 16);
}

static void
test_qrcode_6(void **state)
{
	check_folder("qrcode-6", 15);
}

/* The two light-on-dark photos 1.4.0 itself cannot read (no tryInvert). */
static void
test_inverted(void **state)
{
	struct scan_decoder *d;
	char *p;

	if (!have_corpus()) {
		skip();
		return;
	}
	d = scan_decode_new(NULL);
	p = xasprintf("%s/qrcode-2/qr-inv-1.jpg", corpus);
	assert_true(read_one(d, p));
	free(p);
	p = xasprintf("%s/qrcode-2/qr-inv-2.jpg", corpus);
	assert_true(read_one(d, p));
	free(p);
	scan_decode_free(d);
}

static void
test_false_positives(void **state)
{
	struct tally t;

	if (!have_corpus()) {
		skip();
		return;
	}
	run_folder("falsepositives-1", &t);
	assert_int_equal(t.found, 0);
	run_folder("falsepositives-2", &t);
	assert_int_equal(t.found, 0);
}

/* Every code of a and b, in order, the same: text and corners. */
static int
same_codes(const struct scan_codes *a, const struct scan_codes *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].text, b->v[i].text) != 0 ||
		    memcmp(a->v[i].corner, b->v[i].corner, sizeof a->v[i].corner) != 0)
			return 0;
	}
	return 1;
}

static void
test_precheck_changes_nothing(void **state)
{
	static const char *const folders[] = {"qrcode-1", "qrcode-2",         "qrcode-3",
	                                      "qrcode-4", "qrcode-5",         "qrcode-6",
	                                      "qrcode-7", "falsepositives-1", "falsepositives-2"};
	/* watctl decode's and the camera's half-resolution decoders (the camera's
	 * full pass is the first), each with the pre-check and without */
	struct scan_decode_options o[2][2] = {{{1, 1, 8, 0, 0}, {1, 1, 8, 0, 1}},
	                                      {{1, 1, 8, 1, 0}, {1, 1, 8, 1, 1}}};
	struct scan_decoder *d[2][2];
	unsigned long skips0 = scan_decode_precheck_skips();
	int decodes = 0, with_codes = 0, k;
	size_t f, i, p;

	if (!have_corpus()) {
		skip();
		return;
	}
	for (k = 0; k < 2; k++) {
		d[k][0] = scan_decode_new(&o[k][0]);
		d[k][1] = scan_decode_new(&o[k][1]);
	}
	for (f = 0; f < nitems(folders); f++) {
		char *dir = xasprintf("%s/%s", corpus, folders[f]), **paths = NULL, *cause = NULL;
		size_t n = 0;

		assert_int_equal(scan_file_list(dir, &paths, &n, &cause), 0);
		for (i = 0; i < n; i++) {
			struct scan_image img;
			int inv;

			if (scan_file_load(paths[i], &img, &cause) != 0)
				fail_msg("%s", cause);
			for (inv = 0; inv < 2; inv++) {
				if (inv)
					for (p = 0; p < (size_t)img.width * (size_t)img.height; p++)
						img.luma[p] = (uint8_t)(255 - img.luma[p]);
				for (k = 0; k < 2; k++) {
					struct scan_codes with = SCAN_CODES_INIT,
					                  without = SCAN_CODES_INIT;
					assert_true(scan_decode_luma(d[k][0], img.luma, img.width,
					                             img.height, img.width, &with,
					                             NULL) >= 0);
					assert_true(scan_decode_luma(d[k][1], img.luma, img.width,
					                             img.height, img.width,
					                             &without, NULL) >= 0);
					if (!same_codes(&with, &without))
						fail_msg("%s%s: %zu codes with the pre-check, %zu "
						         "without",
						         paths[i], inv ? " inverted" : "", with.n,
						         without.n);
					decodes++;
					with_codes += without.n > 0;
					scan_codes_free(&with);
					scan_codes_free(&without);
				}
			}
			scan_file_image_free(&img);
		}
		scan_file_list_free(paths, n);
		free(dir);
	}
	print_message("pre-check: %d decodes (%d with codes) the same; %lu zxing passes "
	              "spared\n",
	              decodes, with_codes, scan_decode_precheck_skips() - skips0);
	for (k = 0; k < 2; k++) {
		scan_decode_free(d[k][0]);
		scan_decode_free(d[k][1]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qrcode_1),
	    cmocka_unit_test(test_qrcode_2),
	    cmocka_unit_test(test_qrcode_3),
	    cmocka_unit_test(test_qrcode_4),
	    cmocka_unit_test(test_qrcode_5),
	    cmocka_unit_test(test_qrcode_6),
	    cmocka_unit_test(test_inverted),
	    cmocka_unit_test(test_false_positives),
	    cmocka_unit_test(test_precheck_changes_nothing),
	};
	const char *repo = getenv("REPO");
	char *dir = xasprintf("%s/../shared/corpus/zxing-cpp-v2.3.0", repo ? repo : ".");
	FILE *f;
	char *probe = xasprintf("%s/qrcode-1/1.txt", dir);
	int rc;

	if ((f = fopen(probe, "r")) != NULL) {
		fclose(f);
		corpus = dir;
	} else
		free(dir);
	free(probe);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(corpus);
	return rc;
}
