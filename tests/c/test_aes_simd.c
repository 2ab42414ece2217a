#define _POSIX_C_SOURCE 200809L
/*
 * test_aes_simd.c — src/wt_aes_simd.c (wt_aesgcm_*): every Wycheproof
 * AES-GCM vector with a 128/256-bit key, 96-bit IV and 128-bit tag (what
 * TLS uses; the others are counted as skipped), then a differential test
 * against BearSSL's aes_ct64 + br_gcm on pseudo-random keys, nonces, AAD
 * and lengths 0..70000 (every length 0..159, records of 16 KiB..16 KiB+256),
 * with tampered tags rejected, and wt_ghash against br_ghash_ctmul64
 * (random H, Y, lengths 0..70000).
 * Natively this exercises the BearSSL fallback; in the wasm SIMD build
 * (build/wasm-simd/test_aes_simd_wasm.cjs) the vector-permute code.
 * `--bench` times 16 KiB records: BearSSL ct64 GCM vs wt_aesgcm (MB/s of CPU time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "wt_aes_simd.h"
#include "wt_json.h"
#include "wt_test.h"

#define BUFSZ (70000 + 512)
#define MAXLEN 70000
static uint8_t b_key[64], b_iv[64], b_aad[BUFSZ], b_msg[BUFSZ], b_ct[BUFSZ], b_tag[64];
static uint8_t b_out[BUFSZ], b_ref[BUFSZ];

static long
hexf(wt_json o, const char *key, uint8_t *buf, size_t cap)
{
	wt_json v;
	if (wt_json_get(o, key, &v) != 0) return -1;
	return wt_json_hex(v, buf, cap);
}

static long
intf(wt_json o, const char *key)
{
	wt_json v;
	long n = -1;
	if (wt_json_get(o, key, &v) != 0 || wt_json_int(v, &n) != 0) return -1;
	return n;
}

static void
wycheproof(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;
	wt_json root, groups, g, tests, t, r, id;
	wt_json_iter gi, ti;
	int pass = 0, skip = 0, fail = 0, acc = 0, by_key[2] = { 0, 0 };

	CHECKF(f != NULL, "cannot open %s", path);
	if (!f) return;
	fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
	text = malloc((size_t)n);
	CHECK(text && fread(text, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	if (wt_json_parse(text, (size_t)n, &root) != 0 || wt_json_get(root, "testGroups", &groups) != 0) {
		CHECKF(0, "%s: malformed JSON", path);
		free(text);
		return;
	}
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		long kb = intf(g, "keySize"), ivb = intf(g, "ivSize"), tb = intf(g, "tagSize");
		int ok_group = (kb == 128 || kb == 256) && ivb == 96 && tb == 128;
		if (wt_json_get(g, "tests", &tests) != 0) continue;
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long kl, al, ml, cl, tl, tcid = -1;
			wt_aesgcm_key k;
			uint8_t tag[16];
			int seal_ok, open_ok, valid;
			if (!ok_group) { skip++; continue; }
			if (wt_json_get(t, "tcId", &id) == 0) wt_json_int(id, &tcid);
			kl = hexf(t, "key", b_key, sizeof b_key);
			(void)hexf(t, "iv", b_iv, sizeof b_iv);
			al = hexf(t, "aad", b_aad, BUFSZ);
			ml = hexf(t, "msg", b_msg, BUFSZ);
			cl = hexf(t, "ct", b_ct, BUFSZ);
			tl = hexf(t, "tag", b_tag, sizeof b_tag);
			if (al < 0 || ml < 0 || cl != ml || tl != 16 || wt_aesgcm_init(&k, b_key, (size_t)kl) != 0) {
				fail++; continue;
			}
			memcpy(b_out, b_msg, (size_t)ml);
			wt_aesgcm_seal(&k, b_iv, b_aad, (size_t)al, b_out, (size_t)ml, tag);
			seal_ok = memcmp(b_out, b_ct, (size_t)ml) == 0 && memcmp(tag, b_tag, 16) == 0;
			memcpy(b_out, b_ct, (size_t)cl);
			open_ok = wt_aesgcm_open(&k, b_iv, b_aad, (size_t)al, b_out, (size_t)cl, b_tag) == 0;
			if (open_ok) CHECKF(memcmp(b_out, b_msg, (size_t)ml) == 0, "tcId %ld: plaintext", tcid);
			wt_json_get(t, "result", &r);
			if (wt_json_is(r, "acceptable")) { acc++; continue; }
			valid = wt_json_is(r, "valid");
			if (valid ? (seal_ok && open_ok) : !open_ok) {
				pass++;
				by_key[kb == 256]++;
			} else {
				fail++;
				fprintf(stderr, "  tcId %ld (%ld-bit key): expected %s\n", tcid, kb, valid ? "valid" : "invalid");
			}
			wt_aesgcm_wipe(&k);
		}
	}
	free(text);
	printf("aes_gcm_test.json (%s): pass %d (AES-128 %d, AES-256 %d)  skip %d  acceptable %d  FAIL %d\n",
		wt_aesgcm_is_simd() ? "SIMD" : "fallback", pass, by_key[0], by_key[1], skip, acc, fail);
	CHECK(fail == 0);
	CHECK(by_key[0] > 0 && by_key[1] > 0);
}

/* xorshift64*: deterministic test data (not a secret source). */
static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t
rnd(void)
{
	rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Du;
}
static void
rnd_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(rnd() >> 56);
}

static void
ref_gcm(const uint8_t *key, size_t kl, const uint8_t *iv, const uint8_t *aad, size_t al,
	uint8_t *data, size_t len, uint8_t tag[16])
{
	br_aes_ct64_ctr_keys ak;
	br_gcm_context gc;
	br_aes_ct64_ctr_init(&ak, key, kl);
	br_gcm_init(&gc, &ak.vtable, br_ghash_ctmul64);
	br_gcm_reset(&gc, iv, 12);
	br_gcm_aad_inject(&gc, aad, al);
	br_gcm_flip(&gc);
	br_gcm_run(&gc, 1, data, len);
	br_gcm_get_tag(&gc, tag);
}

static void
differential(void)
{
	int mism = 0, runs = 0;
	for (int it = 0; it < 600; it++) {
		size_t kl = (it & 1) ? 32 : 16;
		size_t len = it < 160 ? (size_t)it : (size_t)(rnd() % (it % 3 ? 16384 + 257 : MAXLEN + 1));
		size_t al = (size_t)(it % 7 == 0 ? rnd() % 300 : rnd() % 64);
		uint8_t key[32], iv[12], t1[16], t2[16];
		wt_aesgcm_key k;
		if (it % 50 == 0) len = 16384 + (size_t)(rnd() % 257);
		rnd_fill(key, kl); rnd_fill(iv, 12); rnd_fill(b_aad, al); rnd_fill(b_msg, len);
		memcpy(b_ref, b_msg, len);
		memcpy(b_out, b_msg, len);
		ref_gcm(key, kl, iv, b_aad, al, b_ref, len, t1);
		CHECK(wt_aesgcm_init(&k, key, kl) == 0);
		wt_aesgcm_seal(&k, iv, b_aad, al, b_out, len, t2);
		if (memcmp(b_out, b_ref, len) != 0 || memcmp(t1, t2, 16) != 0) {
			mism++;
			fprintf(stderr, "  differential: key %zu, len %zu, aad %zu differ\n", kl * 8, len, al);
		}
		/* round trip, then a flipped tag bit and a flipped ciphertext bit are rejected */
		CHECK(wt_aesgcm_open(&k, iv, b_aad, al, b_out, len, t2) == 0 && memcmp(b_out, b_msg, len) == 0);
		memcpy(b_out, b_ref, len);
		t2[rnd() % 16] ^= (uint8_t)(1u << (rnd() % 8));
		CHECK(wt_aesgcm_open(&k, iv, b_aad, al, b_out, len, t2) == -1);
		if (len > 0) {
			memcpy(b_out, b_ref, len);
			b_out[rnd() % len] ^= 0x01;
			CHECK(wt_aesgcm_open(&k, iv, b_aad, al, b_out, len, t1) == -1);
		}
		wt_aesgcm_wipe(&k);
		runs++;
	}
	printf("differential vs BearSSL aes_ct64 GCM: %d runs (lengths 0..%d), %d mismatches\n", runs, MAXLEN, mism);
	CHECK(mism == 0);
}

/* wt_ghash (the SIMD GHASH in the SIMD build) against br_ghash_ctmul64. */
static void
ghash_differential(void)
{
	int mism = 0, runs = 0;
	for (int it = 0; it < 400; it++) {
		uint8_t h[16], y1[16], y2[16];
		size_t len = it < 200 ? (size_t)it : (size_t)(rnd() % (MAXLEN + 1));
		rnd_fill(h, 16);
		rnd_fill(y1, 16);
		if (it % 10 == 0) memset(h, it % 20 ? 0xff : 0x00, 16);   /* all-ones / zero H */
		if (it % 10 == 5) { memset(h, 0, 16); h[15] = 1; }        /* H = x^127 */
		memcpy(y2, y1, 16);
		rnd_fill(b_msg, len);
		if (it % 13 == 0) memset(b_msg, 0xff, len);
		br_ghash_ctmul64(y1, h, b_msg, len);
		wt_ghash(y2, h, b_msg, len);
		if (memcmp(y1, y2, 16) != 0) {
			mism++;
			if (mism < 5) fprintf(stderr, "  ghash differential: len %zu differs\n", len);
		}
		runs++;
	}
	printf("ghash differential vs br_ghash_ctmul64 (%s): %d runs (lengths 0..%d), %d mismatches\n",
		wt_aesgcm_is_simd() ? "SIMD" : "fallback", runs, MAXLEN, mism);
	CHECK(mism == 0);
}

/* The bench's clock: the process's CPU time (user + system), so that other
 * load on a shared machine (time spent descheduled) does not count; in wasm
 * under Node, process.cpuUsage(). */
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
EM_JS(double, wt_cpu_seconds, (void), {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
});
static double now(void) { return wt_cpu_seconds(); }
#else
static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
#endif

static void
bench(void)
{
	static uint8_t rec[16384];
	uint8_t key[32], iv[12], tag[16];
	rnd_fill(key, 32); rnd_fill(iv, 12); rnd_fill(rec, sizeof rec); rnd_fill(b_aad, 13);
	for (int kl = 16; kl <= 32; kl += 16) {
		for (int which = 0; which < 2; which++) {
			wt_aesgcm_key k;
			br_aes_ct64_ctr_keys ak;
			br_gcm_context gc;
			int n = 0;
			double t0, t;
			wt_aesgcm_init(&k, key, (size_t)kl);
			br_aes_ct64_ctr_init(&ak, key, (size_t)kl);
			t0 = now();
			do {
				for (int m = 0; m < 16; m++, n++) {
					iv[11] = (uint8_t)n;
					if (which == 0) {   /* today's engine path: BearSSL ct64 + br_gcm */
						br_gcm_init(&gc, &ak.vtable, br_ghash_ctmul64);
						br_gcm_reset(&gc, iv, 12);
						br_gcm_aad_inject(&gc, b_aad, 13);
						br_gcm_flip(&gc);
						br_gcm_run(&gc, 1, rec, sizeof rec);
						br_gcm_get_tag(&gc, tag);
					} else {
						wt_aesgcm_seal(&k, iv, b_aad, 13, rec, sizeof rec, tag);
					}
				}
				t = now() - t0;
			} while (t < 0.4);
			printf("bench aes-%d-gcm %s: %.1f MB/s\n", kl * 8, which ? (wt_aesgcm_is_simd() ? "wt_aesgcm-simd" : "wt_aesgcm-fallback") : "bearssl-ct64",
				(double)n * sizeof rec / t / 1e6);
		}
	}
	/* the two halves: CTR alone and GHASH alone (AES-256) */
	{
		wt_aesgcm_key k;
		uint8_t y[16] = { 0 };
		int n = 0;
		double t0, t;
		wt_aesgcm_init(&k, key, 32);
		t0 = now();
		do { for (int m = 0; m < 16; m++, n++) wt_aesgcm_ctr(&k, iv, 2, rec, sizeof rec); t = now() - t0; } while (t < 0.3);
		printf("bench aes-256-ctr wt_aesgcm: %.1f MB/s\n", (double)n * sizeof rec / t / 1e6);
		n = 0; t0 = now();
		do { for (int m = 0; m < 16; m++, n++) br_ghash_ctmul64(y, k.h, rec, sizeof rec); t = now() - t0; } while (t < 0.3);
		printf("bench ghash ctmul64: %.1f MB/s\n", (double)n * sizeof rec / t / 1e6);
		n = 0; t0 = now();
		do { for (int m = 0; m < 16; m++, n++) wt_ghash(y, k.h, rec, sizeof rec); t = now() - t0; } while (t < 0.3);
		printf("bench ghash wt_ghash%s: %.1f MB/s\n", wt_aesgcm_is_simd() ? "-simd" : "-fallback", (double)n * sizeof rec / t / 1e6);
	}
}

int
main(int argc, char **argv)
{
	char path[1200];
	const char *root = WT_SOURCE_DIR;
	int do_bench = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bench") == 0) do_bench = 1; else root = argv[i];
	}
	if (do_bench) { bench(); return 0; }
	snprintf(path, sizeof path, "%s/tests/vectors/wycheproof/aes_gcm_test.json", root);
	wycheproof(path);
	differential();
	ghash_differential();
	return WT_TEST_SUMMARY();
}
