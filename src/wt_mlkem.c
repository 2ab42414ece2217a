/*
 * wt_mlkem.c — ML-KEM-768 (FIPS 203), written from the standard.
 *
 * Layout follows FIPS 203: §4.2.1 (Compress/Decompress, ByteEncode/Decode),
 * §4.2.2 (SampleNTT, SamplePolyCBD), §4.3 (NTT, NTT^-1, MultiplyNTTs),
 * §5 (K-PKE), §6 (ML-KEM internal), §7 (the checked external functions).
 *
 * Coefficients are uint16_t in [0, q) between operations. Products are
 * reduced with Barrett reduction (multiply by floor(2^32 / q), shift,
 * one masked subtraction); Compress divides by q with a multiply-and-shift
 * by ceil(2^36 / q), exact for every input it sees (tests/c/test_mlkem.c
 * checks all of them). Nothing that depends on a secret takes a branch,
 * indexes memory or divides: the only data-dependent branches are in
 * SampleNTT (the public matrix seed rho), the input checks (public ek, the
 * lengths) and the hash check of dk (the public ek inside it).
 *
 * Stack: the matrix A is never stored; each entry is sampled when it is
 * used, so a call needs about 6 KiB.
 */
#include "wt_mlkem.h"
#include "wt_sha3.h"
#include "wt_bytes.h"
#include "wt_error.h"

#include <string.h>

/*
 * For the constant-time check (tests/c/ct/): values derived from a secret
 * that the algorithm publishes anyway (rho goes into ek) are declared
 * defined again, exactly where the standard makes them public.
 */
#ifdef WT_CTGRIND
#include <valgrind/memcheck.h>
#define WT_CT_PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define WT_CT_PUBLIC(p, n) ((void)0)
#endif

#define Q 3329
#define N 256
#define K 3
#define ETA1 2
#define ETA2 2
#define DU 10
#define DV 4

#define POLY_BYTES 384                    /* ByteEncode12 of one polynomial */
#define EK_PKE_LEN (K * POLY_BYTES + 32)  /* 1184 */
#define DK_PKE_LEN (K * POLY_BYTES)       /* 1152 */
#define C1_LEN (K * 32 * DU)              /* 960 */
#define C2_LEN (32 * DV)                  /* 128 */

typedef struct {
	uint16_t c[N];
} poly;

/* zetas[i] = 17^BitRev7(i) mod q (§4.3, Appendix A). */
static const uint16_t ZETAS[128] = {
	1, 1729, 2580, 3289, 2642, 630, 1897, 848, 1062, 1919, 193, 797,
	2786, 3260, 569, 1746, 296, 2447, 1339, 1476, 3046, 56, 2240, 1333,
	1426, 2094, 535, 2882, 2393, 2879, 1974, 821, 289, 331, 3253, 1756,
	1197, 2304, 2277, 2055, 650, 1977, 2513, 632, 2865, 33, 1320, 1915,
	2319, 1435, 807, 452, 1438, 2868, 1534, 2402, 2647, 2617, 1481, 648,
	2474, 3110, 1227, 910, 17, 2761, 583, 2649, 1637, 723, 2288, 1100,
	1409, 2662, 3281, 233, 756, 2156, 3015, 3050, 1703, 1651, 2789, 1789,
	1847, 952, 1461, 2687, 939, 2308, 2437, 2388, 733, 2337, 268, 641,
	1584, 2298, 2037, 3220, 375, 2549, 2090, 1645, 1063, 319, 2773, 757,
	2099, 561, 2466, 2594, 2804, 1092, 403, 1026, 1143, 2150, 2775, 886,
	1722, 1212, 1874, 1029, 2110, 2935, 885, 2154,
};

/* gammas[i] = 17^(2 BitRev7(i) + 1) mod q (§4.3.1, Appendix A). */
static const uint16_t GAMMAS[128] = {
	17, 3312, 2761, 568, 583, 2746, 2649, 680, 1637, 1692, 723, 2606,
	2288, 1041, 1100, 2229, 1409, 1920, 2662, 667, 3281, 48, 233, 3096,
	756, 2573, 2156, 1173, 3015, 314, 3050, 279, 1703, 1626, 1651, 1678,
	2789, 540, 1789, 1540, 1847, 1482, 952, 2377, 1461, 1868, 2687, 642,
	939, 2390, 2308, 1021, 2437, 892, 2388, 941, 733, 2596, 2337, 992,
	268, 3061, 641, 2688, 1584, 1745, 2298, 1031, 2037, 1292, 3220, 109,
	375, 2954, 2549, 780, 2090, 1239, 1645, 1684, 1063, 2266, 319, 3010,
	2773, 556, 757, 2572, 2099, 1230, 561, 2768, 2466, 863, 2594, 735,
	2804, 525, 1092, 2237, 403, 2926, 1026, 2303, 1143, 2186, 2150, 1179,
	2775, 554, 886, 2443, 1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300,
	2110, 1219, 2935, 394, 885, 2444, 2154, 1175,
};

/* ------------------------------------------------------------ arithmetic */

/* The wasm build is -Oz, which otherwise keeps these one-line helpers as
 * calls: inlined, wasm KeyGen/Decaps take about 40% less time. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Hide a value from the optimiser, so that mask arithmetic on secrets stays
 * arithmetic (no branch reconstructed from it). */
static ALWAYS_INLINE uint32_t
ct_barrier(uint32_t v)
{
	__asm__("" : "+r"(v));
	return v;
}

/* x - q if x >= q, for x < 2q. */
static ALWAYS_INLINE uint32_t
csubq(uint32_t x)
{
	x -= Q;
	return x + (Q & ct_barrier((uint32_t)0 - (x >> 31)));
}

/* x mod q for any x < 2^32: floor(2^32/q) underestimates x/q by less than 1. */
static ALWAYS_INLINE uint32_t
reduce(uint32_t x)
{
	uint32_t t = (uint32_t)(((uint64_t)x * 1290167u) >> 32);
	return csubq(x - t * Q);
}

static ALWAYS_INLINE uint32_t
fqmul(uint32_t a, uint32_t b)
{
	return reduce(a * b);
}

/*
 * Compress_d(x) = round(2^d x / q) mod 2^d (§4.2.1) for x in [0, q), d <= 11.
 * Since q is odd, round(a / q) = floor((a + (q-1)/2) / q); the division is a
 * multiplication by ceil(2^36 / q) = 20642679 and a shift, exact for
 * a < 2^36 / 1655 (the multiplier's excess) — far above 2^11 q. No `/ q`
 * (KyberSlash).
 */
static ALWAYS_INLINE uint32_t
compress(uint32_t x, unsigned d)
{
	uint64_t a = ((uint64_t)x << d) + (Q - 1) / 2;
	return (uint32_t)((a * 20642679u) >> 36) & ((1u << d) - 1);
}

/* Decompress_d(y) = round(q y / 2^d): a power-of-two division. */
static ALWAYS_INLINE uint32_t
decompress(uint32_t y, unsigned d)
{
	return (y * Q + (1u << (d - 1))) >> d;
}

/* --------------------------------------------------- NTT (Algorithms 9-11) */

static void
ntt(poly *f)
{
	unsigned i = 1;
	for (unsigned len = 128; len >= 2; len >>= 1) {
		for (unsigned start = 0; start < N; start += 2 * len) {
			uint32_t zeta = ZETAS[i++];
			for (unsigned j = start; j < start + len; j++) {
				uint32_t t = fqmul(zeta, f->c[j + len]);
				f->c[j + len] = (uint16_t)csubq(f->c[j] + Q - t);
				f->c[j] = (uint16_t)csubq(f->c[j] + t);
			}
		}
	}
}

static void
ntt_inv(poly *f)
{
	unsigned i = 127;
	for (unsigned len = 2; len <= 128; len <<= 1) {
		for (unsigned start = 0; start < N; start += 2 * len) {
			uint32_t zeta = ZETAS[i--];
			for (unsigned j = start; j < start + len; j++) {
				uint32_t t = f->c[j];
				f->c[j] = (uint16_t)csubq(t + f->c[j + len]);
				f->c[j + len] = (uint16_t)fqmul(zeta, f->c[j + len] + Q - t);
			}
		}
	}
	for (unsigned j = 0; j < N; j++)
		f->c[j] = (uint16_t)fqmul(f->c[j], 3303);   /* 128^-1 mod q */
}

/*
 * acc += f x g in T_q (MultiplyNTTs + BaseCaseMultiply, Algorithms 11-12),
 * unreduced: each term is below 2 q^2, so K terms stay far below 2^32.
 */
static void
basemul_acc(uint32_t acc[N], const poly *f, const poly *g)
{
	for (unsigned i = 0; i < N / 2; i++) {
		uint32_t a0 = f->c[2 * i], a1 = f->c[2 * i + 1];
		uint32_t b0 = g->c[2 * i], b1 = g->c[2 * i + 1];
		acc[2 * i] += a0 * b0 + fqmul(a1, b1) * GAMMAS[i];
		acc[2 * i + 1] += a0 * b1 + a1 * b0;
	}
}

static void
acc_reduce(poly *r, uint32_t acc[N])
{
	for (unsigned j = 0; j < N; j++) {
		r->c[j] = (uint16_t)reduce(acc[j]);
		acc[j] = 0;
	}
}

static void
poly_add(poly *r, const poly *a)
{
	for (unsigned j = 0; j < N; j++)
		r->c[j] = (uint16_t)csubq((uint32_t)r->c[j] + a->c[j]);
}

/* ------------------------------------ ByteEncode / ByteDecode (Alg. 5, 6) */

/* ByteEncode_d of one polynomial (coefficients < 2^d) into 32 d bytes. */
static void
byte_encode(uint8_t *out, const poly *f, unsigned d)
{
	uint32_t buf = 0;
	unsigned bits = 0;
	for (unsigned j = 0; j < N; j++) {
		buf |= (uint32_t)f->c[j] << bits;
		bits += d;
		while (bits >= 8) {
			*out++ = (uint8_t)buf;
			buf >>= 8;
			bits -= 8;
		}
	}
}

/* ByteDecode_d of 32 d bytes; for d = 12 the result is reduced mod q. */
static void
byte_decode(poly *f, const uint8_t *in, unsigned d)
{
	uint32_t buf = 0;
	unsigned bits = 0;
	for (unsigned j = 0; j < N; j++) {
		while (bits < d) {
			buf |= (uint32_t)*in++ << bits;
			bits += 8;
		}
		uint32_t v = buf & ((1u << d) - 1);
		buf >>= d;
		bits -= d;
		f->c[j] = (uint16_t)(d == 12 ? csubq(v) : v);   /* d is public */
	}
}

/* -------------------------------------------- sampling (Algorithms 7, 8) */

/* SampleNTT(rho || b0 || b1): rejection sampling on SHAKE128 (public). */
static void
sample_ntt(poly *a, const uint8_t rho[32], uint8_t b0, uint8_t b1)
{
	wt_keccak xof;
	uint8_t blk[WT_SHAKE128_RATE];
	uint8_t ij[2] = { b0, b1 };
	unsigned j = 0;

	wt_shake128_init(&xof);
	wt_keccak_absorb(&xof, rho, 32);
	wt_keccak_absorb(&xof, ij, 2);
	wt_keccak_finalize(&xof);
	while (j < N) {
		wt_keccak_squeeze(&xof, blk, sizeof blk);
		for (unsigned p = 0; p + 3 <= sizeof blk && j < N; p += 3) {
			uint32_t d1 = blk[p] | ((uint32_t)(blk[p + 1] & 0x0F) << 8);
			uint32_t d2 = (blk[p + 1] >> 4) | ((uint32_t)blk[p + 2] << 4);
			if (d1 < Q) a->c[j++] = (uint16_t)d1;
			if (d2 < Q && j < N) a->c[j++] = (uint16_t)d2;
		}
	}
}

/*
 * SamplePolyCBD_2(PRF_2(s, b)) (Algorithm 8 with eta = 2, PRF of §4.1):
 * each byte gives two coefficients, (bit0 + bit1) - (bit2 + bit3) and the
 * same on the high nibble, computed with bit arithmetic only.
 */
static void
sample_cbd2(poly *f, const uint8_t s[32], uint8_t b)
{
	uint8_t buf[64 * ETA1];
	wt_keccak prf;

	wt_shake256_init(&prf);
	wt_keccak_absorb(&prf, s, 32);
	wt_keccak_absorb(&prf, &b, 1);
	wt_keccak_finalize(&prf);
	wt_keccak_squeeze(&prf, buf, sizeof buf);
	wt_keccak_wipe(&prf);
	for (unsigned i = 0; i < sizeof buf; i++) {
		uint32_t v = buf[i];
		uint32_t t = (v & 0x55) + ((v >> 1) & 0x55);   /* pair sums in 2-bit fields */
		uint32_t x0 = t & 3, y0 = (t >> 2) & 3;
		uint32_t x1 = (t >> 4) & 3, y1 = (t >> 6) & 3;
		f->c[2 * i] = (uint16_t)csubq(x0 + Q - y0);
		f->c[2 * i + 1] = (uint16_t)csubq(x1 + Q - y1);
	}
	wt_wipe(buf, sizeof buf);
}

/* ------------------------------------------------------- hashes (§4.1) */

/* G(a || b) = SHA3-512: the two 32-byte halves. */
static void
hash_g(uint8_t out[64], const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	wt_keccak h;
	wt_sha3_512_init(&h);
	wt_keccak_absorb(&h, a, a_len);
	wt_keccak_absorb(&h, b, b_len);
	wt_keccak_finalize(&h);
	wt_keccak_squeeze(&h, out, 64);
	wt_keccak_wipe(&h);
}

/* ----------------------------------------------------------- K-PKE (§5) */

/*
 * K-PKE.KeyGen (Algorithm 13) lines 1-12, the secret half: (rho, sigma) =
 * G(d || k) into rs, and s_hat[i] = NTT(SamplePolyCBD(PRF(sigma, i))).
 * rho is declared public (it goes into ek). The caller wipes rs and s.
 */
static void
kpke_secret(uint8_t rs[64], poly s[K], const uint8_t d[32])
{
	uint8_t kbyte = K;

	hash_g(rs, d, 32, &kbyte, 1);
	WT_CT_PUBLIC(rs, 32);      /* rho is published in ek */
	for (unsigned i = 0; i < K; i++) {
		sample_cbd2(&s[i], rs + 32, (uint8_t)i);
		ntt(&s[i]);
	}
}

/* K-PKE.KeyGen(d) (Algorithm 13): ek_PKE and dk_PKE. */
static void
kpke_keygen(uint8_t ek[EK_PKE_LEN], uint8_t dk[DK_PKE_LEN], const uint8_t d[32])
{
	uint8_t rs[64];            /* rho || sigma */
	poly s[K], e, a, t;
	uint32_t acc[N] = { 0 };
	uint8_t nonce = K;         /* PRF nonces 0 .. K-1 went to s */

	kpke_secret(rs, s, d);
	const uint8_t *rho = rs, *sigma = rs + 32;

	for (unsigned i = 0; i < K; i++) {
		/* t_hat[i] = sum_j A_hat[i][j] s_hat[j] + e_hat[i], A_hat[i][j] = SampleNTT(rho || j || i) */
		for (unsigned j = 0; j < K; j++) {
			sample_ntt(&a, rho, (uint8_t)j, (uint8_t)i);
			basemul_acc(acc, &a, &s[j]);
		}
		acc_reduce(&t, acc);
		sample_cbd2(&e, sigma, nonce++);
		ntt(&e);
		poly_add(&t, &e);
		byte_encode(ek + i * POLY_BYTES, &t, 12);
		byte_encode(dk + i * POLY_BYTES, &s[i], 12);
	}
	memcpy(ek + K * POLY_BYTES, rho, 32);

	wt_wipe(rs, sizeof rs);
	wt_wipe(s, sizeof s);
	wt_wipe(&e, sizeof e);
	wt_wipe(&t, sizeof t);
	wt_wipe(acc, sizeof acc);
}

/* K-PKE.Encrypt(ek_PKE, m, r) (Algorithm 14). ek has passed the §7.2 check
 * (or is the one inside a checked dk); its coefficients are reduced anyway. */
static void
kpke_encrypt(uint8_t c[WT_MLKEM768_CT_LEN], const uint8_t ek[EK_PKE_LEN],
	const uint8_t m[32], const uint8_t r[32])
{
	const uint8_t *rho = ek + K * POLY_BYTES;
	poly y[K], a, u, t, v;
	uint32_t acc[N] = { 0 };
	uint8_t nonce = 0;

	for (unsigned i = 0; i < K; i++) {
		sample_cbd2(&y[i], r, nonce++);
		ntt(&y[i]);
	}
	/* u[i] = NTT^-1(sum_j A_hat[j][i] y_hat[j]) + e1[i], A_hat[j][i] = SampleNTT(rho || i || j) */
	for (unsigned i = 0; i < K; i++) {
		for (unsigned j = 0; j < K; j++) {
			sample_ntt(&a, rho, (uint8_t)i, (uint8_t)j);
			basemul_acc(acc, &a, &y[j]);
		}
		acc_reduce(&u, acc);
		ntt_inv(&u);
		sample_cbd2(&t, r, nonce++);         /* e1[i], eta2 = 2 */
		poly_add(&u, &t);
		for (unsigned j = 0; j < N; j++)
			u.c[j] = (uint16_t)compress(u.c[j], DU);
		byte_encode(c + i * 32 * DU, &u, DU);
	}
	/* v = NTT^-1(t_hat^T y_hat) + e2 + Decompress_1(m) */
	for (unsigned j = 0; j < K; j++) {
		byte_decode(&t, ek + j * POLY_BYTES, 12);
		basemul_acc(acc, &t, &y[j]);
	}
	acc_reduce(&v, acc);
	ntt_inv(&v);
	sample_cbd2(&t, r, nonce++);                 /* e2, eta2 = 2 */
	poly_add(&v, &t);
	for (unsigned j = 0; j < N; j++) {
		uint32_t bit = (m[j >> 3] >> (j & 7)) & 1;
		t.c[j] = (uint16_t)(ct_barrier((uint32_t)0 - bit) & ((Q + 1) / 2));
	}
	poly_add(&v, &t);
	for (unsigned j = 0; j < N; j++)
		v.c[j] = (uint16_t)compress(v.c[j], DV);
	byte_encode(c + C1_LEN, &v, DV);

	wt_wipe(y, sizeof y);
	wt_wipe(&u, sizeof u);
	wt_wipe(&t, sizeof t);
	wt_wipe(&v, sizeof v);
	wt_wipe(acc, sizeof acc);
}

/* K-PKE.Decrypt(dk_PKE, c) (Algorithm 15). */
static void
kpke_decrypt(uint8_t m[32], const uint8_t dk[DK_PKE_LEN], const uint8_t c[WT_MLKEM768_CT_LEN])
{
	poly u, s, w;
	uint32_t acc[N] = { 0 };

	for (unsigned i = 0; i < K; i++) {
		byte_decode(&u, c + i * 32 * DU, DU);
		for (unsigned j = 0; j < N; j++)
			u.c[j] = (uint16_t)decompress(u.c[j], DU);
		ntt(&u);
		byte_decode(&s, dk + i * POLY_BYTES, 12);
		basemul_acc(acc, &s, &u);
	}
	acc_reduce(&w, acc);
	ntt_inv(&w);
	/* w = v' - NTT^-1(s_hat^T NTT(u')); m = ByteEncode_1(Compress_1(w)) */
	byte_decode(&u, c + C1_LEN, DV);
	memset(m, 0, 32);
	for (unsigned j = 0; j < N; j++) {
		uint32_t x = csubq(decompress(u.c[j], DV) + Q - w.c[j]);
		m[j >> 3] |= (uint8_t)(compress(x, 1) << (j & 7));
	}

	wt_wipe(&s, sizeof s);
	wt_wipe(&w, sizeof w);
	wt_wipe(acc, sizeof acc);
}

/* ----------------------------------------------------- ML-KEM (§6, §7) */

/* The tail of Algorithm 16's dk after dk_PKE: ek || H(ek) || z (z = seed[32..64)). */
static void
dk_finish(uint8_t dk[WT_MLKEM768_DK_LEN], const uint8_t *ek, const uint8_t *seed)
{
	memcpy(dk + DK_PKE_LEN, ek, EK_PKE_LEN);
	wt_sha3_256(dk + DK_PKE_LEN + EK_PKE_LEN, ek, EK_PKE_LEN);
	memcpy(dk + DK_PKE_LEN + EK_PKE_LEN + 32, seed + 32, 32);
}

int
wt_mlkem768_keygen_derand(uint8_t ek[WT_MLKEM768_EK_LEN], uint8_t dk[WT_MLKEM768_DK_LEN],
	const uint8_t *seed, size_t seed_len)
{
	if (!ek || !dk || !seed || seed_len != WT_MLKEM768_SEED_LEN) {
		if (ek) memset(ek, 0, WT_MLKEM768_EK_LEN);
		if (dk) memset(dk, 0, WT_MLKEM768_DK_LEN);
		return WT_ERR_BAD_ARGUMENT;
	}
	/* Algorithm 16: dk = dk_PKE || ek || H(ek) || z */
	kpke_keygen(ek, dk, seed);
	dk_finish(dk, ek, seed);
	return 0;
}

int
wt_mlkem768_dk_from_seed(uint8_t dk[WT_MLKEM768_DK_LEN], const uint8_t *ek, size_t ek_len,
	const uint8_t *seed, size_t seed_len)
{
	uint8_t rs[64];            /* rho || sigma */
	poly s[K];
	int err = 0;

	if (!dk) return WT_ERR_BAD_ARGUMENT;
	if (!ek || ek_len != WT_MLKEM768_EK_LEN || !seed || seed_len != WT_MLKEM768_SEED_LEN) {
		memset(dk, 0, WT_MLKEM768_DK_LEN);
		return WT_ERR_BAD_ARGUMENT;
	}
	/* Algorithm 16 without A_hat and t_hat: dk_PKE = ByteEncode12(s_hat)
	 * (Algorithm 13 lines 1-12 and 20), then ek || H(ek) || z. */
	kpke_secret(rs, s, seed);
	/* rho (public) must be the one in ek: a key of another seed is refused.
	 * t_hat is not recomputed (that is the KeyGen this function saves). */
	if (memcmp(rs, ek + K * POLY_BYTES, 32) != 0) {
		memset(dk, 0, WT_MLKEM768_DK_LEN);
		err = WT_ERR_BAD_ARGUMENT;
	} else {
		for (unsigned i = 0; i < K; i++)
			byte_encode(dk + i * POLY_BYTES, &s[i], 12);
		dk_finish(dk, ek, seed);
	}
	wt_wipe(rs, sizeof rs);
	wt_wipe(s, sizeof s);
	return err;
}

int
wt_mlkem768_keygen(uint8_t ek[WT_MLKEM768_EK_LEN], uint8_t dk[WT_MLKEM768_DK_LEN],
	wt_rng_fn rng, void *rng_ctx)
{
	uint8_t seed[WT_MLKEM768_SEED_LEN];
	int err;

	if (!rng || rng(rng_ctx, seed, sizeof seed) != 0) {
		wt_wipe(seed, sizeof seed);
		if (ek) memset(ek, 0, WT_MLKEM768_EK_LEN);
		if (dk) memset(dk, 0, WT_MLKEM768_DK_LEN);
		return WT_ERR_RNG_FAILURE;
	}
	err = wt_mlkem768_keygen_derand(ek, dk, seed, sizeof seed);
	wt_wipe(seed, sizeof seed);
	return err;
}

int
wt_mlkem768_check_ek(const uint8_t *ek, size_t ek_len)
{
	if (!ek || ek_len != WT_MLKEM768_EK_LEN)
		return WT_ERR_ILLEGAL_PARAMETER;
	/* Modulus check: ByteEncode12(ByteDecode12(ek)) == ek, i.e. every
	 * 12-bit value is below q. (ek is public; no early exit anyway.) */
	uint32_t bad = 0;
	for (size_t i = 0; i < K * POLY_BYTES; i += 3) {
		uint32_t d1 = ek[i] | ((uint32_t)(ek[i + 1] & 0x0F) << 8);
		uint32_t d2 = (ek[i + 1] >> 4) | ((uint32_t)ek[i + 2] << 4);
		bad |= ((Q - 1 - d1) | (Q - 1 - d2)) >> 31;
	}
	return bad ? WT_ERR_ILLEGAL_PARAMETER : 0;
}

int
wt_mlkem768_check_dk(const uint8_t *dk, size_t dk_len)
{
	uint8_t h[32];

	if (!dk || dk_len != WT_MLKEM768_DK_LEN)
		return WT_ERR_BAD_ARGUMENT;
	/* Hash check: H(dk[384k : 768k + 32]) == dk[768k + 32 : 768k + 64]. */
	wt_sha3_256(h, dk + DK_PKE_LEN, EK_PKE_LEN);
	return wt_ct_equal(h, dk + DK_PKE_LEN + EK_PKE_LEN, 32) ? 0 : WT_ERR_BAD_ARGUMENT;
}

/* ML-KEM.Encaps_internal (Algorithm 17) on a checked ek. */
static void
encaps_internal(uint8_t ct[WT_MLKEM768_CT_LEN], uint8_t ss[32], const uint8_t *ek, const uint8_t m[32])
{
	uint8_t h[32], kr[64];     /* (K, r) = G(m || H(ek)) */

	wt_sha3_256(h, ek, EK_PKE_LEN);
	hash_g(kr, m, 32, h, 32);
	kpke_encrypt(ct, ek, m, kr + 32);
	memcpy(ss, kr, 32);
	wt_wipe(kr, sizeof kr);
}

int
wt_mlkem768_encaps_derand(uint8_t ct[WT_MLKEM768_CT_LEN], uint8_t ss[WT_MLKEM768_SS_LEN],
	const uint8_t *ek, size_t ek_len, const uint8_t m[32])
{
	int err = wt_mlkem768_check_ek(ek, ek_len);
	if (!ct || !ss || !m) err = WT_ERR_BAD_ARGUMENT;
	if (err) {
		if (ct) memset(ct, 0, WT_MLKEM768_CT_LEN);
		if (ss) memset(ss, 0, WT_MLKEM768_SS_LEN);
		return err;
	}
	encaps_internal(ct, ss, ek, m);
	return 0;
}

int
wt_mlkem768_encaps(uint8_t ct[WT_MLKEM768_CT_LEN], uint8_t ss[WT_MLKEM768_SS_LEN],
	const uint8_t *ek, size_t ek_len, wt_rng_fn rng, void *rng_ctx)
{
	uint8_t m[32];
	int err = wt_mlkem768_check_ek(ek, ek_len);

	if (!ct || !ss) err = WT_ERR_BAD_ARGUMENT;
	if (!err && (!rng || rng(rng_ctx, m, sizeof m) != 0)) err = WT_ERR_RNG_FAILURE;
	if (err) {
		if (ct) memset(ct, 0, WT_MLKEM768_CT_LEN);
		if (ss) memset(ss, 0, WT_MLKEM768_SS_LEN);
	} else {
		encaps_internal(ct, ss, ek, m);
	}
	wt_wipe(m, sizeof m);
	return err;
}

int
wt_mlkem768_decaps(uint8_t ss[WT_MLKEM768_SS_LEN], const uint8_t *ct, size_t ct_len,
	const uint8_t *dk, size_t dk_len)
{
	uint8_t m[32], kr[64], kbar[32], c2[WT_MLKEM768_CT_LEN];
	wt_keccak j;
	int err = 0;

	if (!ss) return WT_ERR_BAD_ARGUMENT;
	if (!ct || ct_len != WT_MLKEM768_CT_LEN) err = WT_ERR_ILLEGAL_PARAMETER;
	else if (wt_mlkem768_check_dk(dk, dk_len) != 0) err = WT_ERR_BAD_ARGUMENT;
	if (err) {
		memset(ss, 0, WT_MLKEM768_SS_LEN);
		return err;
	}

	/* Algorithm 18 (Decaps_internal). */
	const uint8_t *dk_pke = dk;
	const uint8_t *ek_pke = dk + DK_PKE_LEN;
	const uint8_t *h = ek_pke + EK_PKE_LEN;
	const uint8_t *z = h + 32;

	kpke_decrypt(m, dk_pke, ct);
	hash_g(kr, m, 32, h, 32);                      /* (K', r') = G(m' || h) */
	wt_shake256_init(&j);                          /* K-bar = J(z || c) */
	wt_keccak_absorb(&j, z, 32);
	wt_keccak_absorb(&j, ct, WT_MLKEM768_CT_LEN);
	wt_keccak_finalize(&j);
	wt_keccak_squeeze(&j, kbar, 32);
	kpke_encrypt(c2, ek_pke, m, kr + 32);          /* c' */

	/* if c != c' then K' = K-bar: a mask from the OR of the differences. */
	uint32_t diff = 0;
	for (size_t i = 0; i < WT_MLKEM768_CT_LEN; i++)
		diff |= (uint32_t)(ct[i] ^ c2[i]);
	uint8_t keep = (uint8_t)(ct_barrier(diff - 1) >> 8);   /* 0xFF iff diff == 0 */
	for (size_t i = 0; i < 32; i++)
		ss[i] = (uint8_t)(kbar[i] ^ (keep & (kr[i] ^ kbar[i])));

	wt_wipe(m, sizeof m);
	wt_wipe(kr, sizeof kr);
	wt_wipe(kbar, sizeof kbar);
	wt_wipe(c2, sizeof c2);
	wt_keccak_wipe(&j);
	return 0;
}
