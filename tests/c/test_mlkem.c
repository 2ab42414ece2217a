/*
 * test_mlkem.c — SHA-3 / SHAKE (src/wt_sha3.c) and ML-KEM-768
 * (src/wt_mlkem.c) against known answers:
 *
 *   - FIPS 202 example values (NIST CSRC "example values": the empty string,
 *     "abc", 200 bytes of 0xa3) for SHA3-256, SHA3-512, SHAKE128, SHAKE256,
 *     and the incremental API (any split of absorb/squeeze = one shot);
 *   - Wycheproof hmac_sha3_256_test.json (HMAC, RFC 2104, over our SHA3-256);
 *   - Wycheproof ML-KEM-768: key generation from seeds, encapsulation with a
 *     given m (including keys failing the §7.2 modulus check and wrong
 *     lengths), decapsulation (implicit rejection, wrong lengths, the §7.3
 *     hash check, "strcmp" and re-encryption-comparison traps);
 *   - the randomized API through an RNG callback, RNG failure, and implicit
 *     rejection recomputed independently as J(z || c).
 *
 * Every vector's verdict must match; per-file summary lines have the
 * format of test_crypto_vectors.c, and tests/node/mlkem-wasm.test.mjs
 * compares them with the same program built with emcc.
 *
 * `test_mlkem [root] --bench` instead times KeyGen, Encaps, Decaps and
 * dk_from_seed (DkSeed), the hybrid row's derive (HybDerive), and, for
 * scale, an X25519 key generation + shared secret through wt_kex.
 *
 * Vectors are read from <root>/tests/vectors/wycheproof (root: argv, else
 * WT_SOURCE_DIR). Test-only code: files are read into heap buffers.
 */
#define _POSIX_C_SOURCE 199309L   /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wt_sha3.h"
#include "wt_mlkem.h"
#include "wt_crypto.h"
#include "wt_bytes.h"
#include "wt_error.h"
#include "wt_json.h"
#include "wt_test.h"

#if defined(__x86_64__) && !defined(__EMSCRIPTEN__)
#include <x86intrin.h>
#define HAVE_RDTSC 1
#endif

/* ------------------------------------------------------------ plumbing */

static char vec_dir[1024];

typedef struct {
	const char *name;
	int pass;        /* vectors with the expected verdict */
	int fail;        /* mismatches */
	int skip;        /* not applicable */
} stats;

static long
tc_id(wt_json t)
{
	wt_json v;
	long id = -1;

	if (wt_json_get(t, "tcId", &v) == 0) wt_json_int(v, &id);
	return id;
}

/* Record one verdict: `accepted` is what our code did. */
static void
verdict(stats *st, wt_json t, int accepted)
{
	wt_json r;
	int valid;

	if (wt_json_get(t, "result", &r) != 0 || !(wt_json_is(r, "valid") || wt_json_is(r, "invalid"))) {
		st->fail ++;
		fprintf(stderr, "  %s tcId %ld: unexpected result kind\n", st->name, tc_id(t));
		return;
	}
	valid = wt_json_is(r, "valid");
	if (accepted == valid) {
		st->pass ++;
	} else {
		st->fail ++;
		fprintf(stderr, "  %s tcId %ld: expected %s, got %s\n", st->name, tc_id(t),
			valid ? "valid" : "invalid", accepted ? "accept" : "reject");
	}
}

static void
report(const stats *st)
{
	printf("%-40s pass %4d  skip %4d  acceptable %3d (accepted %d, rejected %d)  FAIL %d\n",
		st->name, st->pass, st->skip, 0, 0, 0, st->fail);
	CHECKF(st->fail == 0, "%s: %d mismatches", st->name, st->fail);
	CHECKF(st->pass > 0, "%s: no vector ran", st->name);
}

static char *
load(const char *name, size_t *len)
{
	char path[1200];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/%s", vec_dir, name);
	f = fopen(path, "rb");
	CHECKF(f != NULL, "cannot open %s", path);
	if (f == NULL) return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = n > 0 ? malloc((size_t)n) : NULL;
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		CHECKF(0, "cannot read %s", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The "testGroups" array of a vector file; *text is freed by the caller. */
static int
open_groups(const char *name, char **text, wt_json *groups)
{
	size_t len;
	wt_json root;

	*text = load(name, &len);
	if (*text == NULL) return -1;
	if (wt_json_parse(*text, len, &root) != 0 || wt_json_get(root, "testGroups", groups) != 0) {
		CHECKF(0, "%s: not a Wycheproof file", name);
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

static size_t
unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = strlen(hex) / 2;
	if (n > cap) return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* A hex member, or -1 when absent / too long. */
static long
hexfield(wt_json t, const char *key, uint8_t *out, size_t cap)
{
	wt_json v;
	if (wt_json_get(t, key, &v) != 0) return -1;
	return wt_json_hex(v, out, cap);
}

/* --------------------------------------------------------- SHA-3 / SHAKE */

typedef struct {
	const char *fn;        /* sha3-256, sha3-512, shake128, shake256 */
	int msg;               /* 0: "", 1: "abc", 2: 200 x 0xa3 */
	size_t out_len;
	size_t tail_off;       /* 0, or where `hex` starts in a longer output */
	const char *hex;
} kat;

/*
 * FIPS 202 example values (csrc.nist.gov "Examples with Intermediate
 * Values"); the SHAKE ones are the first bytes of the 4096-bit outputs, and
 * three entries check the last 32 of the 512 bytes (multi-block squeeze).
 */
static const kat KATS[] = {
	{ "sha3-256", 0, 32, 0, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a" },
	{ "sha3-256", 1, 32, 0, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532" },
	{ "sha3-256", 2, 32, 0, "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787" },
	{ "sha3-512", 0, 64, 0, "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
		"15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26" },
	{ "sha3-512", 1, 64, 0, "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
		"10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0" },
	{ "sha3-512", 2, 64, 0, "e76dfad22084a8b1467fcf2ffa58361bec7628edf5f3fdc0e4805dc48caeeca8"
		"1b7c13c30adf52a3659584739a2df46be589c51ca1a4a8416df6545a1ce8ba00" },
	{ "shake128", 0, 32, 0, "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26" },
	{ "shake128", 1, 32, 0, "5881092dd818bf5cf8a3ddb793fbcba74097d5c526a6d35f97b83351940f2cc8" },
	{ "shake128", 2, 32, 0, "131ab8d2b594946b9c81333f9bb6e0ce75c3b93104fa3469d3917457385da037" },
	{ "shake256", 0, 64, 0, "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
		"d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be" },
	{ "shake256", 1, 64, 0, "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739"
		"d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4" },
	{ "shake256", 2, 64, 0, "cd8a920ed141aa0407a22d59288652e9d9f1a7ee0c1e7c1ca699424da84a904d"
		"2d700caae7396ece96604440577da4f3aa22aeb8857f961c4cd8e06f0ae6610b" },
	{ "shake128", 0, 512, 480, "43e41b45a653f2a5c4492c1add544512dda2529833462b71a41a45be97290b6f" },
	{ "shake128", 2, 512, 480, "44c9fb359fd56ac0a9a75a743cff6862f17d7259ab075216c0699511643b6439" },
	{ "shake256", 2, 512, 480, "6a1a9d7846436e4dca5728b6f760eef0ca92bf0be5615e96959d767197a0beeb" },
};

static void
init_fn(wt_keccak *k, const char *fn)
{
	if (!strcmp(fn, "sha3-256")) wt_sha3_256_init(k);
	else if (!strcmp(fn, "sha3-512")) wt_sha3_512_init(k);
	else if (!strcmp(fn, "shake128")) wt_shake128_init(k);
	else wt_shake256_init(k);
}

static void
test_sha3_kats(void)
{
	uint8_t a3[200], out[512], out2[512], want[64];
	const uint8_t *msgs[3] = { (const uint8_t *)"", (const uint8_t *)"abc", a3 };
	const size_t lens[3] = { 0, 3, 200 };
	int n = 0;

	memset(a3, 0xa3, sizeof a3);
	for (size_t i = 0; i < sizeof KATS / sizeof KATS[0]; i++) {
		const kat *t = &KATS[i];
		wt_keccak k;
		size_t wl = unhex(want, sizeof want, t->hex);

		/* One shot. */
		init_fn(&k, t->fn);
		wt_keccak_absorb(&k, msgs[t->msg], lens[t->msg]);
		wt_keccak_finalize(&k);
		wt_keccak_squeeze(&k, out, t->out_len);
		CHECKF(memcmp(out + t->tail_off, want, wl) == 0, "%s KAT %zu", t->fn, i);

		/* Byte-at-a-time absorb, uneven squeeze pieces: same bytes. */
		init_fn(&k, t->fn);
		for (size_t j = 0; j < lens[t->msg]; j++) wt_keccak_absorb(&k, msgs[t->msg] + j, 1);
		wt_keccak_finalize(&k);
		for (size_t off = 0, step = 1; off < t->out_len; off += step, step = step * 2 + 1) {
			if (step > t->out_len - off) step = t->out_len - off;
			wt_keccak_squeeze(&k, out2 + off, step);
		}
		CHECKF(memcmp(out, out2, t->out_len) == 0, "%s KAT %zu incremental", t->fn, i);
		n++;
	}

	/* One-shot helpers agree with the contexts. */
	wt_sha3_256(out, "abc", 3);
	unhex(want, sizeof want, KATS[1].hex);
	CHECK(memcmp(out, want, 32) == 0);
	wt_sha3_512(out, a3, 200);
	unhex(want, sizeof want, KATS[5].hex);
	CHECK(memcmp(out, want, 64) == 0);
	wt_shake128(out, 32, a3, 200);
	unhex(want, sizeof want, KATS[8].hex);
	CHECK(memcmp(out, want, 32) == 0);
	wt_shake256(out, 64, "", 0);
	unhex(want, sizeof want, KATS[9].hex);
	CHECK(memcmp(out, want, 64) == 0);

	/* Absorb split at every position of a 3-block message = one shot. */
	{
		uint8_t msg[3 * WT_SHAKE128_RATE + 5], ref[200];
		for (size_t j = 0; j < sizeof msg; j++) msg[j] = (uint8_t)(j * 7 + 1);
		wt_shake128(ref, sizeof ref, msg, sizeof msg);
		int bad = 0;
		for (size_t cut = 0; cut <= sizeof msg; cut++) {
			wt_keccak k;
			wt_shake128_init(&k);
			wt_keccak_absorb(&k, msg, cut);
			wt_keccak_absorb(&k, msg + cut, sizeof msg - cut);
			wt_keccak_finalize(&k);
			wt_keccak_squeeze(&k, out, sizeof ref);
			bad |= memcmp(out, ref, sizeof ref) != 0;
		}
		CHECK(!bad);
	}
	printf("%-40s %d known answers (FIPS 202 examples), incremental = one shot\n", "sha3/shake", n);
}

/* HMAC-SHA3-256 (RFC 2104 with B = 136, the SHA3-256 rate). */
static void
hmac_sha3_256(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len)
{
	uint8_t k0[WT_SHA3_256_RATE], pad[WT_SHA3_256_RATE], inner[32];
	wt_keccak h;

	memset(k0, 0, sizeof k0);
	if (key_len > sizeof k0) wt_sha3_256(k0, key, key_len);
	else if (key_len) memcpy(k0, key, key_len);
	for (size_t i = 0; i < sizeof pad; i++) pad[i] = k0[i] ^ 0x36;
	wt_sha3_256_init(&h);
	wt_keccak_absorb(&h, pad, sizeof pad);
	wt_keccak_absorb(&h, msg, len);
	wt_keccak_finalize(&h);
	wt_keccak_squeeze(&h, inner, 32);
	for (size_t i = 0; i < sizeof pad; i++) pad[i] = k0[i] ^ 0x5c;
	wt_sha3_256_init(&h);
	wt_keccak_absorb(&h, pad, sizeof pad);
	wt_keccak_absorb(&h, inner, 32);
	wt_keccak_finalize(&h);
	wt_keccak_squeeze(&h, out, 32);
}

static uint8_t big_a[8192], big_b[8192], big_c[8192], big_d[8192];

static void
test_hmac_sha3(void)
{
	stats st = { "hmac_sha3_256_test.json", 0, 0, 0 };
	char *text;
	wt_json groups, g, t;

	if (open_groups(st.name, &text, &groups) != 0) return;
	wt_json_iter gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		wt_json tests, v;
		long tag_bits = 0;
		if (wt_json_get(g, "tagSize", &v) != 0 || wt_json_int(v, &tag_bits) != 0
		    || wt_json_get(g, "tests", &tests) != 0) {
			CHECKF(0, "hmac group");
			continue;
		}
		wt_json_iter ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			uint8_t mac[32];
			long kl = hexfield(t, "key", big_a, sizeof big_a);
			long ml = hexfield(t, "msg", big_b, sizeof big_b);
			long tl = hexfield(t, "tag", big_c, sizeof big_c);
			if (kl < 0 || ml < 0 || tl < 0 || tag_bits % 8 || tag_bits > 256) {
				st.skip++;
				continue;
			}
			hmac_sha3_256(mac, big_a, (size_t)kl, big_b, (size_t)ml);
			verdict(&st, t, tl == tag_bits / 8 && wt_ct_equal(mac, big_c, (size_t)tl));
		}
	}
	free(text);
	report(&st);
}

/* ------------------------------------------------------- ML-KEM vectors */

static uint8_t ek[WT_MLKEM768_EK_LEN], dk[WT_MLKEM768_DK_LEN], ct[WT_MLKEM768_CT_LEN];

static void
test_keygen_seed(void)
{
	stats st = { "mlkem_768_keygen_seed_test.json", 0, 0, 0 };
	int dk_rebuilt = 0;   /* vectors whose dk wt_mlkem768_dk_from_seed rebuilt */
	char *text;
	wt_json groups, g, t;

	if (open_groups(st.name, &text, &groups) != 0) return;
	wt_json_iter gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		wt_json tests;
		if (wt_json_get(g, "tests", &tests) != 0) continue;
		wt_json_iter ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long sl = hexfield(t, "seed", big_a, sizeof big_a);
			long el = hexfield(t, "ek", big_b, sizeof big_b);
			long dl = hexfield(t, "dk", big_c, sizeof big_c);
			int rc = wt_mlkem768_keygen_derand(ek, dk, big_a, sl < 0 ? 0 : (size_t)sl);
			int ok = rc == 0 && el == WT_MLKEM768_EK_LEN && dl == WT_MLKEM768_DK_LEN
				&& memcmp(ek, big_b, sizeof ek) == 0 && memcmp(dk, big_c, sizeof dk) == 0;
			/* A generated key passes both input checks. */
			if (rc == 0) {
				CHECK(wt_mlkem768_check_ek(ek, sizeof ek) == 0);
				CHECK(wt_mlkem768_check_dk(dk, sizeof dk) == 0);
			}
			/* dk rebuilt from (seed, the vector's ek) is the vector's dk, byte for byte. */
			if (ok) {
				static uint8_t dk2[WT_MLKEM768_DK_LEN];
				ok = wt_mlkem768_dk_from_seed(dk2, big_b, (size_t)el, big_a, (size_t)sl) == 0
					&& memcmp(dk2, big_c, sizeof dk2) == 0;
				CHECKF(ok, "dk_from_seed differs from the vector's dk (tcId %ld)", tc_id(t));
				dk_rebuilt += ok;
			}
			verdict(&st, t, ok);
		}
	}
	free(text);
	CHECKF(dk_rebuilt >= 1, "dk_from_seed compared on %d keygen vectors", dk_rebuilt);
	printf("%-40s dk_from_seed == vector dk on %d keys\n", "mlkem keygen vectors", dk_rebuilt);
	report(&st);
}

static void
test_encaps(void)
{
	stats st = { "mlkem_768_encaps_test.json", 0, 0, 0 };
	char *text;
	wt_json groups, g, t;
	int modulus_rejected = 0;

	if (open_groups(st.name, &text, &groups) != 0) return;
	wt_json_iter gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		wt_json tests;
		if (wt_json_get(g, "tests", &tests) != 0) continue;
		wt_json_iter ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			uint8_t ss[32];
			long ml = hexfield(t, "m", big_a, sizeof big_a);
			long el = hexfield(t, "ek", big_b, sizeof big_b);
			long cl = hexfield(t, "c", big_c, sizeof big_c);
			long kl = hexfield(t, "K", big_d, sizeof big_d);
			if (ml != 32 || el < 0) { st.skip++; continue; }
			int rc = wt_mlkem768_encaps_derand(ct, ss, big_b, (size_t)el, big_a);
			int ok = rc == 0;
			if (ok && cl > 0) ok = cl == WT_MLKEM768_CT_LEN && memcmp(ct, big_c, sizeof ct) == 0;
			if (ok && kl > 0) ok = kl == 32 && memcmp(ss, big_d, 32) == 0;
			if (rc != 0) {
				/* Rejections are typed, and the outputs are zeroed. */
				CHECK(rc == WT_ERR_ILLEGAL_PARAMETER);
				CHECK(ss[0] == 0 && ss[31] == 0 && ct[0] == 0 && ct[sizeof ct - 1] == 0);
				if (el == WT_MLKEM768_EK_LEN) modulus_rejected++;
			}
			verdict(&st, t, ok);
		}
	}
	free(text);
	CHECKF(modulus_rejected >= 12, "modulus check rejected %d full-length keys", modulus_rejected);
	report(&st);
}

/* mlkem_768_test.json: KeyGen from seed, then Decaps of c. */
static void
test_decaps_from_seed(void)
{
	stats st = { "mlkem_768_test.json", 0, 0, 0 };
	char *text;
	wt_json groups, g, t;

	if (open_groups(st.name, &text, &groups) != 0) return;
	wt_json_iter gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		wt_json tests;
		if (wt_json_get(g, "tests", &tests) != 0) continue;
		wt_json_iter ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			uint8_t ss[32];
			long sl = hexfield(t, "seed", big_a, sizeof big_a);
			long el = hexfield(t, "ek", big_b, sizeof big_b);
			long cl = hexfield(t, "c", big_c, sizeof big_c);
			long kl = hexfield(t, "K", big_d, sizeof big_d);
			if (sl < 0 || cl < 0) { st.skip++; continue; }
			int ok = wt_mlkem768_keygen_derand(ek, dk, big_a, (size_t)sl) == 0;
			if (ok && el > 0) ok = el == WT_MLKEM768_EK_LEN && memcmp(ek, big_b, sizeof ek) == 0;
			if (ok) {
				int rc = wt_mlkem768_decaps(ss, big_c, (size_t)cl, dk, sizeof dk);
				ok = rc == 0;
				if (rc != 0) CHECK(rc == WT_ERR_ILLEGAL_PARAMETER && ss[0] == 0 && ss[31] == 0);
				/* The same through the dk the client rebuilds from (seed, ek). */
				static uint8_t dk2[WT_MLKEM768_DK_LEN];
				uint8_t ss2[32];
				CHECK(wt_mlkem768_dk_from_seed(dk2, ek, sizeof ek, big_a, (size_t)sl) == 0);
				CHECK(wt_mlkem768_decaps(ss2, big_c, (size_t)cl, dk2, sizeof dk2) == rc);
				CHECK(memcmp(ss2, ss, 32) == 0);
			}
			if (ok && kl > 0) ok = kl == 32 && memcmp(ss, big_d, 32) == 0;
			verdict(&st, t, ok);
		}
	}
	free(text);
	report(&st);
}

/* mlkem_768_semi_expanded_decaps_test.json: Decaps with a given dk. */
static void
test_decaps_dk(void)
{
	stats st = { "mlkem_768_semi_expanded_decaps_test.json", 0, 0, 0 };
	char *text;
	wt_json groups, g, t;

	if (open_groups(st.name, &text, &groups) != 0) return;
	wt_json_iter gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		wt_json tests;
		if (wt_json_get(g, "tests", &tests) != 0) continue;
		wt_json_iter ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			uint8_t ss[32];
			long dl = hexfield(t, "dk", big_a, sizeof big_a);
			long cl = hexfield(t, "c", big_c, sizeof big_c);
			long kl = hexfield(t, "K", big_d, sizeof big_d);
			if (dl < 0 || cl < 0) { st.skip++; continue; }
			int rc = wt_mlkem768_decaps(ss, big_c, (size_t)cl, big_a, (size_t)dl);
			int ok = rc == 0;
			if (ok && kl > 0) ok = kl == 32 && memcmp(ss, big_d, 32) == 0;
			if (rc != 0) CHECK(ss[0] == 0 && ss[31] == 0);
			verdict(&st, t, ok);
		}
	}
	free(text);
	report(&st);
}

/* ------------------------------------------------------- direct checks */

/* A deterministic "CSRNG" for the tests: SHAKE256(counter). */
typedef struct { uint32_t ctr; int fail_at; } test_rng;

static int
rng_fn(void *ctx, uint8_t *out, size_t len)
{
	test_rng *r = ctx;
	uint8_t c[4];
	if (r->fail_at >= 0 && (int)r->ctr == r->fail_at) return -1;
	wt_put_u24(c + 1, r->ctr);
	c[0] = 0x52;
	r->ctr++;
	wt_shake256(out, len, c, sizeof c);
	return 0;
}

static void
test_direct(void)
{
	test_rng r = { 0, -1 };
	uint8_t ss1[32], ss2[32], ss3[32], want[32], bad[WT_MLKEM768_CT_LEN];
	uint8_t ek2[WT_MLKEM768_EK_LEN], dk2[WT_MLKEM768_DK_LEN];

	/* Round trip through the RNG API. */
	CHECK(wt_mlkem768_keygen(ek, dk, rng_fn, &r) == 0);
	CHECK(wt_mlkem768_encaps(ct, ss1, ek, sizeof ek, rng_fn, &r) == 0);
	CHECK(wt_mlkem768_decaps(ss2, ct, sizeof ct, dk, sizeof dk) == 0);
	CHECK(memcmp(ss1, ss2, 32) == 0);
	/* Fresh randomness: another encapsulation differs. */
	CHECK(wt_mlkem768_encaps(bad, ss3, ek, sizeof ek, rng_fn, &r) == 0);
	CHECK(memcmp(bad, ct, sizeof ct) != 0 && memcmp(ss3, ss1, 32) != 0);
	/* KeyGen(rng) = KeyGen_internal(d || z from the rng). */
	{
		uint8_t seed[64];
		test_rng r2 = { 0, -1 };
		rng_fn(&r2, seed, sizeof seed);
		CHECK(wt_mlkem768_keygen_derand(ek2, dk2, seed, sizeof seed) == 0);
		CHECK(memcmp(ek2, ek, sizeof ek) == 0 && memcmp(dk2, dk, sizeof dk) == 0);
	}

	/* Implicit rejection: every single-bit flip of a few positions gives
	 * J(z || c'), computed here independently, never the real key. */
	static const size_t pos[] = { 0, 1, 500, 959, 960, 1000, 1087 };
	for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++) {
		wt_keccak j;
		memcpy(bad, ct, sizeof ct);
		bad[pos[i]] ^= 0x10;
		CHECK(wt_mlkem768_decaps(ss3, bad, sizeof bad, dk, sizeof dk) == 0);
		wt_shake256_init(&j);
		wt_keccak_absorb(&j, dk + WT_MLKEM768_DK_LEN - 32, 32);
		wt_keccak_absorb(&j, bad, sizeof bad);
		wt_keccak_finalize(&j);
		wt_keccak_squeeze(&j, want, 32);
		CHECKF(memcmp(ss3, want, 32) == 0 && memcmp(ss3, ss1, 32) != 0, "rejection at byte %zu", pos[i]);
	}

	/* RNG failure is reported and leaves no key behind. */
	r.fail_at = (int)r.ctr;
	CHECK(wt_mlkem768_keygen(ek2, dk2, rng_fn, &r) == WT_ERR_RNG_FAILURE);
	CHECK(ek2[0] == 0 && dk2[0] == 0 && dk2[sizeof dk2 - 1] == 0);
	CHECK(wt_mlkem768_encaps(bad, ss3, ek, sizeof ek, rng_fn, &r) == WT_ERR_RNG_FAILURE);
	CHECK(ss3[0] == 0 && ss3[31] == 0);
	CHECK(wt_mlkem768_keygen(ek2, dk2, NULL, NULL) == WT_ERR_RNG_FAILURE);

	/* §7.2 modulus check at the boundary: q - 1 passes, q fails. */
	memcpy(ek2, ek, sizeof ek);
	ek2[0] = 0x00; ek2[1] = (uint8_t)((ek2[1] & 0xF0) | 0x0D);   /* 0xD00 = 3328 */
	CHECK(wt_mlkem768_check_ek(ek2, sizeof ek2) == 0);
	ek2[0] = 0x01;                                                /* 3329 = q */
	CHECK(wt_mlkem768_check_ek(ek2, sizeof ek2) == WT_ERR_ILLEGAL_PARAMETER);
	CHECK(wt_mlkem768_encaps(bad, ss3, ek2, sizeof ek2, rng_fn, &r) == WT_ERR_ILLEGAL_PARAMETER);
	memcpy(ek2, ek, sizeof ek);
	ek2[1151] = 0xFF;                                             /* last coefficient >= 0xFF0 > q */
	CHECK(wt_mlkem768_check_ek(ek2, sizeof ek2) == WT_ERR_ILLEGAL_PARAMETER);
	CHECK(wt_mlkem768_check_ek(ek, sizeof ek - 1) == WT_ERR_ILLEGAL_PARAMETER);

	/* §7.3 hash check: any change to the embedded ek or H(ek) is refused. */
	memcpy(dk2, dk, sizeof dk);
	dk2[1152 + 7] ^= 1;
	CHECK(wt_mlkem768_decaps(ss3, ct, sizeof ct, dk2, sizeof dk2) == WT_ERR_BAD_ARGUMENT);
	memcpy(dk2, dk, sizeof dk);
	dk2[2336 + 31] ^= 0x80;
	CHECK(wt_mlkem768_check_dk(dk2, sizeof dk2) == WT_ERR_BAD_ARGUMENT);
	CHECK(wt_mlkem768_decaps(ss3, ct, sizeof ct, dk, sizeof dk - 1) == WT_ERR_BAD_ARGUMENT);
	CHECK(wt_mlkem768_decaps(ss3, ct, sizeof ct + 0, dk, sizeof dk) == 0 && memcmp(ss3, ss1, 32) == 0);
	CHECK(wt_mlkem768_decaps(ss3, ct, sizeof ct - 1, dk, sizeof dk) == WT_ERR_ILLEGAL_PARAMETER);
	CHECK(wt_mlkem768_keygen_derand(ek2, dk2, dk, 63) == WT_ERR_BAD_ARGUMENT);
	printf("%-40s round trip, implicit rejection = J(z || c), RNG failure, input checks\n", "mlkem direct");
}

/*
 * wt_mlkem768_dk_from_seed on random seeds: the same dk as KeyGen, byte for
 * byte; the same Decaps results (real and rejected ciphertexts); a key of
 * another seed and bad lengths refused with dk zeroed.
 */
static void
test_dk_from_seed(void)
{
	test_rng r = { 1u << 20, -1 };
	static uint8_t dk2[WT_MLKEM768_DK_LEN];
	uint8_t seed[64], seed2[64], m[32], ss1[32], ss2[32];
	int n = 0, bad = 0;

	for (int i = 0; i < 300; i++) {
		rng_fn(&r, seed, sizeof seed);
		CHECK(wt_mlkem768_keygen_derand(ek, dk, seed, sizeof seed) == 0);
		memset(dk2, 0xA5, sizeof dk2);
		CHECK(wt_mlkem768_dk_from_seed(dk2, ek, sizeof ek, seed, sizeof seed) == 0);
		if (memcmp(dk2, dk, sizeof dk) != 0) bad++;
		if (i % 10 == 0) {
			rng_fn(&r, m, sizeof m);
			CHECK(wt_mlkem768_encaps_derand(ct, ss1, ek, sizeof ek, m) == 0);
			CHECK(wt_mlkem768_decaps(ss2, ct, sizeof ct, dk2, sizeof dk2) == 0);
			CHECK(memcmp(ss1, ss2, 32) == 0);
			ct[i % WT_MLKEM768_CT_LEN] ^= 1;      /* rejected: same J(z || c') through both */
			CHECK(wt_mlkem768_decaps(ss1, ct, sizeof ct, dk, sizeof dk) == 0);
			CHECK(wt_mlkem768_decaps(ss2, ct, sizeof ct, dk2, sizeof dk2) == 0);
			CHECK(memcmp(ss1, ss2, 32) == 0);
		}
		n++;
	}
	CHECKF(bad == 0, "dk_from_seed differs from KeyGen's dk for %d of %d seeds", bad, n);

	/* Another seed's ek (different d, so a different rho): refused, dk zeroed. */
	memcpy(seed2, seed, sizeof seed);
	seed2[0] ^= 1;
	memset(dk2, 0xA5, sizeof dk2);
	CHECK(wt_mlkem768_dk_from_seed(dk2, ek, sizeof ek, seed2, sizeof seed2) == WT_ERR_BAD_ARGUMENT);
	CHECK(dk2[0] == 0 && dk2[sizeof dk2 - 1] == 0);
	/* Only z differs: rho matches, dk differs from KeyGen's in z alone. */
	memcpy(seed2, seed, sizeof seed);
	seed2[63] ^= 1;
	CHECK(wt_mlkem768_dk_from_seed(dk2, ek, sizeof ek, seed2, sizeof seed2) == 0);
	CHECK(memcmp(dk2, dk, sizeof dk - 32) == 0 && memcmp(dk2, dk, sizeof dk) != 0);
	/* Lengths and NULLs. */
	memset(dk2, 0xA5, sizeof dk2);
	CHECK(wt_mlkem768_dk_from_seed(dk2, ek, sizeof ek - 1, seed, sizeof seed) == WT_ERR_BAD_ARGUMENT);
	CHECK(dk2[0] == 0 && dk2[sizeof dk2 - 1] == 0);
	CHECK(wt_mlkem768_dk_from_seed(dk2, ek, sizeof ek, seed, 63) == WT_ERR_BAD_ARGUMENT);
	CHECK(wt_mlkem768_dk_from_seed(dk2, NULL, sizeof ek, seed, sizeof seed) == WT_ERR_BAD_ARGUMENT);
	CHECK(wt_mlkem768_dk_from_seed(dk2, ek, sizeof ek, NULL, sizeof seed) == WT_ERR_BAD_ARGUMENT);
	CHECK(wt_mlkem768_dk_from_seed(NULL, ek, sizeof ek, seed, sizeof seed) == WT_ERR_BAD_ARGUMENT);

	/* The hybrid row end to end: wt_kex_derive (dk from seed + kx->pub)
	 * gives the encapsulator's ML-KEM secret, for keys set from known seeds. */
	for (int i = 0; i < 20; i++) {
		wt_kex a, b;
		uint8_t priv[96], peer[WT_MLKEM768_CT_LEN + 32], shared[64], x[64];
		size_t sl, xl;
		rng_fn(&r, priv, sizeof priv);
		CHECK(wt_kex_set_private(&a, WT_GROUP_X25519MLKEM768, priv, sizeof priv) == 0);
		CHECK(wt_kex_generate(&b, WT_GROUP_X25519, rng_fn, &r) == 0);
		rng_fn(&r, m, sizeof m);
		CHECK(wt_mlkem768_encaps_derand(peer, ss1, a.pub, WT_MLKEM768_EK_LEN, m) == 0);
		memcpy(peer + WT_MLKEM768_CT_LEN, b.pub, 32);
		CHECK(wt_kex_derive(&a, peer, sizeof peer, shared, &sl) == 0 && sl == 64);
		CHECK(memcmp(shared, ss1, 32) == 0);
		CHECK(wt_kex_derive(&b, a.pub + WT_MLKEM768_EK_LEN, 32, x, &xl) == 0 && xl == 32);
		CHECK(memcmp(shared + 32, x, 32) == 0);
		/* The derive uses the ek held in kx->pub: another seed's ek there is refused. */
		wt_kex c = a;
		c.pub[WT_MLKEM768_EK_LEN - 1] ^= 1;           /* inside rho */
		CHECK(wt_kex_derive(&c, peer, sizeof peer, shared, &sl) != 0);
		wt_kex_wipe(&c);
		wt_kex_wipe(&a);
		wt_kex_wipe(&b);
	}
	printf("%-40s %d random seeds: dk == KeyGen's dk, Decaps unchanged; hybrid derive\n", "mlkem dk_from_seed", n);
}

/* ---------------------------------------------------------------- bench */

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void
bench(int iters)
{
	uint8_t seed[64], seed3[64], m[32], ss[32];
	static uint8_t ek3[WT_MLKEM768_EK_LEN], dk3[WT_MLKEM768_DK_LEN];
	const char *names[4] = { "KeyGen", "Encaps", "Decaps", "DkSeed" };

	memset(seed, 7, sizeof seed);
	memset(m, 9, sizeof m);
	wt_mlkem768_keygen_derand(ek, dk, seed, sizeof seed);
	wt_mlkem768_encaps_derand(ct, ss, ek, sizeof ek, m);
	/* DkSeed: wt_mlkem768_dk_from_seed with a fixed seed and its ek (the real path). */
	memset(seed3, 5, sizeof seed3);
	wt_mlkem768_keygen_derand(ek3, dk3, seed3, sizeof seed3);
	for (int op = 0; op < 4; op++) {
		double best = 1e30;
		unsigned long long cyc = 0;
		for (int round = 0; round < 5; round++) {
			double t0 = now_us();
#ifdef HAVE_RDTSC
			unsigned long long c0 = __rdtsc();
#endif
			for (int i = 0; i < iters; i++) {
				seed[0] = (uint8_t)i;
				m[0] = (uint8_t)i;
				if (op == 0) wt_mlkem768_keygen_derand(ek, dk, seed, sizeof seed);
				else if (op == 1) wt_mlkem768_encaps_derand(ct, ss, ek, sizeof ek, m);
				else if (op == 2) wt_mlkem768_decaps(ss, ct, sizeof ct, dk, sizeof dk);
				else wt_mlkem768_dk_from_seed(dk3, ek3, sizeof ek3, seed3, sizeof seed3);
			}
			double us = (now_us() - t0) / iters;
#ifdef HAVE_RDTSC
			if (us < best) cyc = (__rdtsc() - c0) / (unsigned long long)iters;
#endif
			if (us < best) best = us;
		}
		printf("bench %-7s %8.1f us/op", names[op], best);
		if (cyc) printf("  %9llu cycles/op (rdtsc)", cyc);
		printf("\n");
	}

	/* Keccak-f[1600] alone: ML-KEM-768 runs about 43 (KeyGen), 44 (Encaps)
	 * and 53 (Decaps) permutations. */
	{
		uint64_t st[25] = { 1 };
		double best = 1e30;
		for (int round = 0; round < 5; round++) {
			double t0 = now_us();
			for (int i = 0; i < iters * 20; i++) wt_keccak_f1600(st);
			double us = (now_us() - t0) / (iters * 20);
			if (us < best) best = us;
		}
		printf("bench Keccak  %8.3f us/op  (one Keccak-f[1600]; state %02x)\n", best, (unsigned)(st[0] & 0xFF));
	}

	/* For scale, the X25519 share a client computes today (wt_kex, BearSSL
	 * ec_c25519_m31): key generation + shared secret, same build. */
	{
		test_rng r = { 0, -1 };
		wt_kex a, b;
		uint8_t shared[48];
		size_t sl;
		double best = 1e30;
		wt_kex_generate(&b, WT_GROUP_X25519, rng_fn, &r);
		for (int round = 0; round < 5; round++) {
			double t0 = now_us();
			for (int i = 0; i < iters; i++) {
				wt_kex_generate(&a, WT_GROUP_X25519, rng_fn, &r);
				wt_kex_derive(&a, b.pub, b.pub_len, shared, &sl);
			}
			double us = (now_us() - t0) / iters;
			if (us < best) best = us;
		}
		printf("bench X25519  %8.1f us/op  (keygen + shared secret, for comparison)\n", best);
	}

	/* The client's ServerHello step of X25519MLKEM768: wt_kex_derive on
	 * the hybrid row (dk rebuilt from the 64-byte seed, Decaps, X25519). */
	{
		test_rng r = { 0, -1 };
		wt_kex a, b;
		uint8_t peer[WT_MLKEM768_CT_LEN + 32], shared[64], ss2[32];
		size_t sl;
		double best = 1e30;
		wt_kex_generate(&a, WT_GROUP_X25519MLKEM768, rng_fn, &r);
		wt_kex_generate(&b, WT_GROUP_X25519, rng_fn, &r);
		wt_mlkem768_encaps(peer, ss2, a.pub, WT_MLKEM768_EK_LEN, rng_fn, &r);
		memcpy(peer + WT_MLKEM768_CT_LEN, b.pub, 32);
		for (int round = 0; round < 5; round++) {
			double t0 = now_us();
			for (int i = 0; i < iters; i++)
				wt_kex_derive(&a, peer, sizeof peer, shared, &sl);
			double us = (now_us() - t0) / iters;
			if (us < best) best = us;
		}
		printf("bench HybDerive %6.1f us/op  (wt_kex_derive, X25519MLKEM768: dk from the seed + Decaps + X25519; ss %s)\n",
			best, memcmp(shared, ss2, 32) == 0 ? "ok" : "WRONG");
	}
}

/* ---------------------------------------------------------------- main */

static int
dir_ok(const char *dir)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof path, "%s/SOURCE_COMMIT.txt", dir);
	f = fopen(path, "rb");
	if (f) fclose(f);
	return f != NULL;
}

int
main(int argc, char **argv)
{
	const char *root = NULL;
	int do_bench = 0;

#ifdef WT_SOURCE_DIR
	root = WT_SOURCE_DIR;
#endif
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bench")) do_bench = 1;
		else root = argv[i];
	}
	if (do_bench) {
		bench(200);
		return 0;
	}
	if (root == NULL) {
		fprintf(stderr, "usage: %s <repo root or vectors dir> [--bench]\n", argv[0]);
		return 2;
	}
	snprintf(vec_dir, sizeof vec_dir, "%s/tests/vectors/wycheproof", root);
	if (!dir_ok(vec_dir)) snprintf(vec_dir, sizeof vec_dir, "%s", root);
	if (!dir_ok(vec_dir)) {
		fprintf(stderr, "no Wycheproof vectors under %s\n", root);
		return 2;
	}

	test_sha3_kats();
	test_hmac_sha3();
	test_keygen_seed();
	test_encaps();
	test_decaps_from_seed();
	test_decaps_dk();
	test_direct();
	test_dk_from_seed();
	return WT_TEST_SUMMARY();
}
