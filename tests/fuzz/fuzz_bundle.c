/* libFuzzer target for the bundle parsers HQ runs on whatever arrives: the
 * first byte picks ledger.jsonl, manifest.json, a .minisig, a zip, or a whole
 * bundle (zip and signature from the same bytes); none may crash, leak or read
 * out of bounds, and a bundle must never verify. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "json.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"

#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Arbitrary entry lines chained with correct hashes, so the JSON reader and
 * the CSV and figure computation see them, not just the chain check. */
static void
fuzz_chained(const char *p, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	struct bundle_content c;
	unsigned char prev[BUNDLE_HASH_LEN] = {0}, hash[BUNDLE_HASH_LEN];
	crypto_generichash_state st;
	const char *e = p + n, *nl;

	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		crypto_generichash_init(&st, NULL, 0, BUNDLE_HASH_LEN);
		crypto_generichash_update(&st, prev, BUNDLE_HASH_LEN);
		crypto_generichash_update(&st, (const unsigned char *)p, (size_t)(nl - p));
		crypto_generichash_final(&st, hash, BUNDLE_HASH_LEN);
		bundle_jsonl_add(&b, p, (size_t)(nl - p), prev, hash);
		memcpy(prev, hash, BUNDLE_HASH_LEN);
		p = nl + 1;
	}
	if (b.len > 0 && bundle_compute(b.s, b.len, NULL, 0, &c, NULL) == 0)
		bundle_content_free(&c);
	strbuf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	size_t n = size - 1, nf = 0, half;
	struct bundle_content c;
	struct bundle_meta m;
	struct bundle_figures f;
	struct bundle_report rep;
	struct bundle_file *fs = NULL;
	struct sign_sig s;
	struct sign_pub pub;
	char *cause = NULL, *copy;
	int64_t v;

	if (size < 1)
		return 0;
	copy = xmalloc(n + 1); /* parsers get exactly n bytes, NUL after for C-string paths */
	memcpy(copy, p, n);
	copy[n] = '\0';
	switch (data[0] % 7) {
	case 6: fuzz_chained(copy, n); break;
	case 0:
		if (bundle_compute(copy, n, NULL, 0, &c, &cause) == 0)
			bundle_content_free(&c);
		break;
	case 1:
		if (bundle_manifest_parse(copy, n, &m, &f, &cause) == 0)
			bundle_meta_clear(&m);
		break;
	case 2:
		if (sign_sig_parse(copy, n, &s, &cause) == 0)
			sign_sig_clear(&s);
		memset(&pub, 0x42, sizeof pub);
		if (sign_verify(&pub, copy, n, copy, n, NULL, NULL) == 0)
			abort();
		if (sign_pub_parse(copy, n, &pub, NULL) == 0)
			(void)pub;
		break;
	case 3:
		if (bundle_zip_read(copy, n, &fs, &nf, &cause) == 0)
			bundle_files_free(fs, nf);
		break;
	case 4:
		half = n / 2;
		if (bundle_verify_mem(copy, half, copy + half, n - half, "x.zip", NULL, &rep,
		                      &cause) == 0)
			abort();
		break;
	default:
		free(json_get_str(copy, n, "data.what"));
		json_get_int(copy, n, "data.of", &v);
		break;
	}
	free(cause);
	free(copy);
	return 0;
}
