/*
 * ct_ghash.c — the SIMD GHASH of src/wt_aes_simd.c, checked natively.
 *
 * The wasm SIMD GHASH has a vector half (Karatsuba leaves of N(X) in the
 * 32-bit lanes of 7 vectors, 16x16 carry-less products by integer
 * multiplies with holes, aggregated over four blocks) and a scalar half
 * (ghash_combine: recombination, shift, reduction). The scalar half is
 * compiled here from src/wt_aes_simd.c itself (-DWT_GHASH_SCALAR_MODEL);
 * the vector half is modelled lane by lane with the same operations (each
 * wasm lane operation — and, xor, i32x4.mul, shuffles with constant lane
 * numbers — becomes the same operation on a uint32_t). Then:
 *
 *   ct_ghash diff     the model equals BearSSL's br_ghash_ctmul64 on random
 *                     H, Y and lengths 0..4100 (no valgrind)
 *   ct_ghash ghash    run under valgrind with H, Y and the data marked
 *                     secret (undefined): memcheck reports any branch or
 *                     memory address computed from them (run.sh clean)
 *   ct_ghash leak-index  a deliberately leaky variant (a table indexed by a
 *                     byte of H): must be reported (run.sh leak)
 *
 * Each mode prints "ct: <mode> ok" when it ran to the end.
 */
#include "../../../src/wt_aes_simd.c"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))

static const uint32_t M16[3] = { 0x9249, 0x2492, 0x4924 };
static const uint32_t M32[3] = { 0x49249249, 0x92492492, 0x24924924 };

/* N-form 128-bit value: lo, hi 64-bit halves. */
typedef struct { uint64_t lo, hi; } n128;

static n128
load_n(const uint8_t b[16])
{
	n128 v = { 0, 0 };
	for (int i = 0; i < 8; i++) {
		v.hi = (v.hi << 8) | b[i];
		v.lo = (v.lo << 8) | b[8 + i];
	}
	return v;
}

static void
store_n(uint8_t b[16], n128 v)
{
	for (int i = 7; i >= 0; i--) {
		b[i] = (uint8_t)v.hi; v.hi >>= 8;
		b[8 + i] = (uint8_t)v.lo; v.lo >>= 8;
	}
}

/* ghash_leaves, lane by lane: the 28 slots of the 7 leaf vectors. */
static void
leaves(n128 v, uint32_t s[28])
{
	uint32_t x[8], a[4];
	for (int i = 0; i < 4; i++) {
		x[i] = (uint32_t)(v.lo >> (16 * i)) & 0xffff;
		x[4 + i] = (uint32_t)(v.hi >> (16 * i)) & 0xffff;
	}
	for (int i = 0; i < 4; i++) a[i] = x[i] ^ x[i + 4];
	for (int i = 0; i < 8; i++) s[i] = x[i];                       /* s[0], s[1] */
	for (int i = 0; i < 4; i++) s[8 + i] = x[2 * i] ^ x[2 * i + 1]; /* s[2]: mids of p0..p3 */
	s[12] = x[0] ^ x[2]; s[13] = x[1] ^ x[3];                     /* s[3]: p4, p5 */
	s[14] = x[4] ^ x[6]; s[15] = x[5] ^ x[7];
	s[16] = a[0]; s[17] = a[1]; s[18] = a[2]; s[19] = a[3];       /* s[4]: p6, p7 */
	s[20] = s[12] ^ s[13]; s[21] = s[14] ^ s[15];                 /* s[5]: mids of p4..p7 */
	s[22] = a[0] ^ a[1]; s[23] = a[2] ^ a[3];
	s[24] = a[0] ^ a[2]; s[25] = a[1] ^ a[3]; s[26] = s[24] ^ s[25];   /* s[6]: p8 */
	s[27] = 0;
}

typedef struct {
	uint32_t r[4][28][3];   /* masked leaves of H^1..H^4 */
	n128 y;
} model_ctx;

static void
tabs(uint32_t r[28][3], n128 h)
{
	uint32_t s[28];
	leaves(h, s);
	for (int v = 0; v < 28; v++)
		for (int k = 0; k < 3; k++) r[v][k] = s[v] & M16[k];
}

/* ghash_group: Y = (Y ^ X0) H^m ^ .. ^ X(m-1) H. */
static void
group(model_ctx *g, const n128 *xn, int m)
{
	uint32_t s[4][28], c[28];
	n128 x0 = { xn[0].lo ^ g->y.lo, xn[0].hi ^ g->y.hi };
	leaves(x0, s[0]);
	for (int b = 1; b < m; b++) leaves(xn[b], s[b]);
	for (int v = 0; v < 28; v++) {
		uint32_t a0 = 0, a1 = 0, a2 = 0;
		for (int b = 0; b < m; b++) {
			const uint32_t *r = g->r[m - 1 - b][v];
			uint32_t l0 = s[b][v] & M16[0], l1 = s[b][v] & M16[1], l2 = s[b][v] & M16[2];
			a0 ^= (l0 * r[0]) ^ (l1 * r[2]) ^ (l2 * r[1]);
			a1 ^= (l0 * r[1]) ^ (l1 * r[0]) ^ (l2 * r[2]);
			a2 ^= (l0 * r[2]) ^ (l1 * r[1]) ^ (l2 * r[0]);
		}
		c[v] = (a0 & M32[0]) | (a1 & M32[1]) | (a2 & M32[2]);
	}
	ghash_combine(c, &g->y.lo, &g->y.hi);   /* the code the SIMD build runs */
}

static void
model_ghash(uint8_t y[16], const uint8_t h[16], const uint8_t *data, size_t len)
{
	static model_ctx g;
	n128 p = load_n(h), xn[4];
	tabs(g.r[0], p);
	for (int n = 1; n < 4; n++) {
		g.y.lo = g.y.hi = 0;
		group(&g, &p, 1);
		p = g.y;
		tabs(g.r[n], p);
	}
	g.y = load_n(y);
	while (len >= 64) {
		for (int b = 0; b < 4; b++) xn[b] = load_n(data + 16 * b);
		group(&g, xn, 4);
		data += 64; len -= 64;
	}
	if (len > 0) {
		int m = 0;
		uint8_t last[16] = { 0 };
		while (len >= 16) { xn[m++] = load_n(data); data += 16; len -= 16; }
		if (len > 0) { memcpy(last, data, len); xn[m++] = load_n(last); }
		group(&g, xn, m);
	}
	store_n(y, g.y);
}

static uint64_t rng = 0x0123456789abcdefu;
static uint8_t
rnd8(void)
{
	rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
	return (uint8_t)((rng * 0x2545F4914F6CDD1Du) >> 56);
}

static uint8_t buf[4200];

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "diff";
	uint8_t h[16], y[16], y2[16];
	for (size_t i = 0; i < sizeof buf; i++) buf[i] = rnd8();
	if (strcmp(mode, "diff") == 0) {
		int bad = 0;
		for (int it = 0; it < 300; it++) {
			size_t len = it < 150 ? (size_t)it : (size_t)(rnd8() * 16 + rnd8() % 17);
			for (int i = 0; i < 16; i++) { h[i] = rnd8(); y[i] = rnd8(); }
			if (it % 10 == 0) memset(h, it % 20 ? 0xff : 0, 16);
			memcpy(y2, y, 16);
			br_ghash_ctmul64(y, h, buf, len);
			model_ghash(y2, h, buf, len);
			if (memcmp(y, y2, 16) != 0) bad++;
		}
		printf("ghash model vs br_ghash_ctmul64: 300 runs, %d mismatches\n", bad);
		if (bad) return 1;
	} else if (strcmp(mode, "ghash") == 0 || strcmp(mode, "leak-index") == 0) {
		static const uint8_t table[256] = { 1 };
		for (int i = 0; i < 16; i++) { h[i] = rnd8(); y[i] = rnd8(); }
		SECRET(h, 16); SECRET(y, 16); SECRET(buf, 1000);   /* 1000: not a multiple of 16 or 64 */
		model_ghash(y, h, buf, 1000);
		if (mode[0] == 'l') y[0] ^= table[h[3]];   /* the leak the check must see */
		PUBLIC(y, 16);
		printf("y[0] = %02x\n", y[0]);
	} else {
		fprintf(stderr, "usage: ct_ghash diff|ghash|leak-index\n");
		return 2;
	}
	printf("ct: %s ok\n", mode);
	return 0;
}
