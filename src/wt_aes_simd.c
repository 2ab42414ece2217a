/*
 * AES-128/256-GCM (see wt_aes_simd.h). The SIMD path is the vector-permute
 * AES: the state is kept, between rounds, in the coordinates of the tower
 * field K = GF(16)[u]/(u^2 + a u + a) (the isomorphism phi and the tables
 * come from tools/gen/aes_vperm_tables.py, which also proves the S-box on
 * all 256 inputs). For a byte x = i*u + k (i: high nibble, k: low nibble),
 * j = i ^ k, the two values
 *     io = 1/(1/i + a/k) + j,   jo = 1/(1/j + a/k) + i
 * are reciprocals of two independent GF(16)-linear forms of x^-1, so the
 * S-box (linear part), and twice it, are F[io] ^ G[jo] for 16-entry tables
 * F, G. Every "T[n]" below is i8x16.swizzle(T, n): the table is a register,
 * the index a lane; 1/0 is 0x80, which makes the next swizzle yield 0
 * (wasm defines lanes with index >= 16 as 0), so zero needs no branch.
 * MixColumns is the usual 2*s ^ 3*s' ^ s'' ^ s''' with byte rotations (phi
 * is linear, so it holds in K's coordinates too); the affine constant 0x63
 * is folded into the round keys (MixColumns maps the all-0x63 state to
 * itself). No branch and no memory index depend on the key or the data.
 */
#include "wt_aes_simd.h"
#include "wt_bytes.h"

#include <string.h>

static void
be64(uint8_t *p, uint64_t v)
{
	for (int n = 7; n >= 0; n--) { p[n] = (uint8_t)v; v >>= 8; }
}


#if defined(__wasm_simd128__) || defined(WT_GHASH_SCALAR_MODEL)
/*
 * The scalar half of the SIMD GHASH (see below), portable so that the
 * native constant-time check (tests/c/ct/ct_ghash.c) runs this very code.
 * c[0..27]: the 27 16x16 carry-less leaf products (slot 27 unused) of one
 * aggregated group; out: the reduced N(Y) (low, high 64 bits). No branch,
 * no secret index.
 */
/* 32x32 -> 64 carry-less product from its three 16x16 leaves (lo, hi, mid). */
static inline uint64_t
ghash_p32(const uint32_t *c, int lo, int hi, int mid)
{
	uint64_t a = c[lo], b = c[hi], m = (uint64_t)c[mid] ^ a ^ b;
	return a ^ (m << 16) ^ (b << 32);
}

/* 64x64 -> 128 from three 32x32 products. */
static inline void
ghash_p64(uint64_t d0, uint64_t d1, uint64_t d2, uint64_t *lo, uint64_t *hi)
{
	uint64_t m = d0 ^ d1 ^ d2;
	*lo = d0 ^ (m << 32);
	*hi = d1 ^ (m >> 32);
}

static void
ghash_combine(const uint32_t c[28], uint64_t *rl, uint64_t *rh)
{
	uint64_t e0l, e0h, e1l, e1h, e2l, e2h, ml, mh, w0, w1, w2, w3, d;
	/* Karatsuba recombination: 27 leaves -> 256-bit product [w3:w2:w1:w0] */
	ghash_p64(ghash_p32(c, 0, 1, 8), ghash_p32(c, 2, 3, 9), ghash_p32(c, 12, 13, 20), &e0l, &e0h);
	ghash_p64(ghash_p32(c, 4, 5, 10), ghash_p32(c, 6, 7, 11), ghash_p32(c, 14, 15, 21), &e1l, &e1h);
	ghash_p64(ghash_p32(c, 16, 17, 22), ghash_p32(c, 18, 19, 23), ghash_p32(c, 24, 25, 26), &e2l, &e2h);
	ml = e0l ^ e1l ^ e2l;
	mh = e0h ^ e1h ^ e2h;
	w0 = e0l;
	w1 = e0h ^ ml;
	w2 = e1l ^ mh;
	w3 = e1h;
	/* reflected order: the 255-bit product, shifted left by one */
	w3 = (w3 << 1) | (w2 >> 63);
	w2 = (w2 << 1) | (w1 >> 63);
	w1 = (w1 << 1) | (w0 >> 63);
	w0 <<= 1;
	/* reduce: x^128 = x^7 + x^2 + x + 1; in N form a multiplication by x is a right shift */
	d = w1 ^ (w0 << 63) ^ (w0 << 62) ^ (w0 << 57);
	*rh = w3 ^ d ^ (d >> 1) ^ (d >> 2) ^ (d >> 7);
	*rl = w2 ^ w0 ^ ((w0 >> 1) | (d << 63)) ^ ((w0 >> 2) | (d << 62)) ^ ((w0 >> 7) | (d << 57));
}
#endif

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#include "wt_aes_simd_tables.h"

int wt_aesgcm_is_simd(void) { return 1; }

typedef struct {
	v128_t inv, ak, s1i, s1j, s2i, s2j, soi, soj, m0f;
} tabs;

static inline tabs
load_tabs(void)
{
	tabs t;
	t.inv = wasm_v128_load(T_INV);
	t.ak = wasm_v128_load(T_AK);
	t.s1i = wasm_v128_load(T_S1_IO);
	t.s1j = wasm_v128_load(T_S1_JO);
	t.s2i = wasm_v128_load(T_S2_IO);
	t.s2j = wasm_v128_load(T_S2_JO);
	t.soi = wasm_v128_load(T_SO_IO);
	t.soj = wasm_v128_load(T_SO_JO);
	t.m0f = wasm_i8x16_splat(0x0f);
	return t;
}

#define SW(tab, idx) wasm_i8x16_swizzle((tab), (idx))
/* ShiftRows: out[4c + r] = in[4((c + r) % 4) + r] */
#define SHIFTROWS(x) wasm_i8x16_shuffle((x), (x), 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11)
/* rotation of each column by n rows: out[4c + r] = in[4c + (r + n) % 4] */
#define ROT1(x) wasm_i8x16_shuffle((x), (x), 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12)
#define ROT2(x) wasm_i8x16_shuffle((x), (x), 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)
#define ROT3(x) wasm_i8x16_shuffle((x), (x), 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)

/* io, jo of every byte of x (K coordinates). */
static inline void
invert(const tabs *t, v128_t x, v128_t *io, v128_t *jo)
{
	v128_t k = wasm_v128_and(x, t->m0f);
	v128_t i = wasm_u8x16_shr(x, 4);
	v128_t j = wasm_v128_xor(i, k);
	v128_t ak = SW(t->ak, k);
	v128_t iak = wasm_v128_xor(SW(t->inv, i), ak);
	v128_t jak = wasm_v128_xor(SW(t->inv, j), ak);
	*io = wasm_v128_xor(SW(t->inv, iak), j);
	*jo = wasm_v128_xor(SW(t->inv, jak), i);
}

/* Standard basis -> K coordinates. */
static inline v128_t
to_k(v128_t x)
{
	v128_t lo = wasm_v128_and(x, wasm_i8x16_splat(0x0f));
	v128_t hi = wasm_u8x16_shr(x, 4);
	return wasm_v128_xor(SW(wasm_v128_load(T_IPT_LO), lo), SW(wasm_v128_load(T_IPT_HI), hi));
}

/* The AES S-box on 16 bytes, standard basis in and out (key schedule). */
static v128_t
sub_bytes(v128_t x)
{
	tabs t = load_tabs();
	v128_t io, jo;
	invert(&t, to_k(x), &io, &jo);
	return wasm_v128_xor(wasm_v128_xor(SW(t.soi, io), SW(t.soj, jo)), wasm_i8x16_splat(0x63));
}

static inline v128_t
round_mid(const tabs *t, v128_t x, v128_t rk)
{
	v128_t io, jo, s1, s2;
	invert(t, SHIFTROWS(x), &io, &jo);
	s1 = wasm_v128_xor(SW(t->s1i, io), SW(t->s1j, jo));
	s2 = wasm_v128_xor(SW(t->s2i, io), SW(t->s2j, jo));
	return wasm_v128_xor(wasm_v128_xor(s2, ROT1(wasm_v128_xor(s1, s2))),
		wasm_v128_xor(wasm_v128_xor(ROT2(s1), ROT3(s1)), rk));
}

static inline v128_t
round_last(const tabs *t, v128_t x, v128_t rk)
{
	v128_t io, jo;
	invert(t, SHIFTROWS(x), &io, &jo);
	return wasm_v128_xor(wasm_v128_xor(SW(t->soi, io), SW(t->soj, jo)), rk);
}

#define NB 4   /* blocks per pass: independent chains for the CPU to overlap */

static inline void
encrypt_n(const wt_aesgcm_key *key, v128_t *b, int n)
{
	const tabs t = load_tabs();
	v128_t rk = wasm_v128_load(key->u.rk[0]);
	for (int m = 0; m < n; m++) b[m] = to_k(wasm_v128_xor(b[m], rk));
	for (unsigned r = 1; r < key->nr; r++) {
		rk = wasm_v128_load(key->u.rk[r]);
		for (int m = 0; m < n; m++) b[m] = round_mid(&t, b[m], rk);
	}
	rk = wasm_v128_load(key->u.rk[key->nr]);
	for (int m = 0; m < n; m++) b[m] = round_last(&t, b[m], rk);
}

static void
encrypt_block(const wt_aesgcm_key *key, uint8_t blk[16])
{
	v128_t b = wasm_v128_load(blk);
	encrypt_n(key, &b, 1);
	wasm_v128_store(blk, b);
}

int
wt_aesgcm_init(wt_aesgcm_key *k, const uint8_t *key, size_t key_len)
{
	uint8_t w[60][4];
	unsigned nk, nr, total;
	uint8_t rcon = 1;

	if (key_len != 16 && key_len != 32) return -1;
	memset(k, 0, sizeof *k);
	nk = (unsigned)key_len / 4;
	nr = nk + 6;
	total = 4 * (nr + 1);
	memcpy(w, key, key_len);
	for (unsigned n = nk; n < total; n++) {
		uint8_t tmp[16] = { 0 };
		memcpy(tmp, w[n - 1], 4);
		if (n % nk == 0 || (nk > 6 && n % nk == 4)) {
			v128_t s;
			if (n % nk == 0) {   /* RotWord */
				uint8_t t0 = tmp[0];
				tmp[0] = tmp[1]; tmp[1] = tmp[2]; tmp[2] = tmp[3]; tmp[3] = t0;
			}
			s = sub_bytes(wasm_v128_load(tmp));
			wasm_v128_store(tmp, s);
			if (n % nk == 0) {
				tmp[0] ^= rcon;
				rcon = (uint8_t)((rcon << 1) ^ (0x1b & -(rcon >> 7)));
			}
		}
		for (int b = 0; b < 4; b++) w[n][b] = (uint8_t)(w[n - nk][b] ^ tmp[b]);
		wt_wipe(tmp, sizeof tmp);
	}
	k->nr = nr;
	memcpy(k->u.rk[0], w[0], 16);
	for (unsigned r = 1; r < nr; r++) {
		v128_t v = to_k(wasm_v128_load(w[4 * r]));
		wasm_v128_store(k->u.rk[r], wasm_v128_xor(v, wasm_i8x16_splat((int8_t)WT_PHI_63)));
	}
	wasm_v128_store(k->u.rk[nr], wasm_v128_xor(wasm_v128_load(w[4 * nr]), wasm_i8x16_splat(0x63)));
	wt_wipe(w, sizeof w);
	encrypt_block(k, k->h);   /* h was zeroed: H = E_K(0^128) */
	return 0;
}

uint32_t
wt_aesgcm_ctr(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	uint32_t ctr, uint8_t *data, size_t len)
{
	uint8_t iv[16] = { 0 };
	v128_t base, b[NB];

	memcpy(iv, nonce, 12);
	base = wasm_v128_load(iv);
	while (len >= 16 * NB) {
		for (int m = 0; m < NB; m++)
			b[m] = wasm_i32x4_replace_lane(base, 3, (int32_t)__builtin_bswap32(ctr + (uint32_t)m));
		encrypt_n(k, b, NB);
		for (int m = 0; m < NB; m++)
			wasm_v128_store(data + 16 * m, wasm_v128_xor(wasm_v128_load(data + 16 * m), b[m]));
		ctr += NB;
		data += 16 * NB;
		len -= 16 * NB;
	}
	while (len > 0) {
		uint8_t ks[16];
		size_t n = len < 16 ? len : 16;
		b[0] = wasm_i32x4_replace_lane(base, 3, (int32_t)__builtin_bswap32(ctr));
		encrypt_n(k, b, 1);
		wasm_v128_store(ks, b[0]);
		for (size_t m = 0; m < n; m++) data[m] ^= ks[m];
		wt_wipe(ks, sizeof ks);
		ctr++;
		data += n;
		len -= n;
	}
	return ctr;
}

static void
tag_mask(const wt_aesgcm_key *k, const uint8_t nonce[12], uint8_t out[16])
{
	memcpy(out, nonce, 12);
	out[12] = 0; out[13] = 0; out[14] = 0; out[15] = 1;   /* J0 */
	encrypt_block(k, out);
}

/*
 * GHASH in wasm SIMD, constant time. A block X is taken as the big-endian
 * 128-bit integer N(X) (GHASH's bit-reflected order: the coefficient of x^i
 * is bit 127 - i), cut into eight 16-bit limbs. The 256-bit carry-less
 * product N(X) (x) N(H) is three levels of Karatsuba down to 27 products of
 * 16-bit pieces; each of those is computed with integer multiplies "with
 * holes": an operand is split into its bits of index = 0, 1, 2 (mod 3), so
 * in a product of two such parts the bits that add up at one position are
 * at most 6 (< 8) and the carries never reach the next position of the
 * same class; the 9 part products are XORed per class and masked. The 27
 * leaves sit in the 32-bit lanes of 7 vectors, so one leaf level is 63
 * i32x4.mul (pmulld / mul: data-independent timing, as BearSSL's ctmul
 * assumes of integer multiplies). Four blocks are aggregated,
 * Y' = (Y ^ X1) H^4 ^ X2 H^3 ^ X3 H^2 ^ X4 H, so the Karatsuba
 * recombination, the shift by one (reflection) and the reduction modulo
 * x^128 + x^7 + x^2 + x + 1 are done once per four blocks, in scalar 64-bit
 * code without branches or secret indexes. H^2..H^4 and the masked leaves
 * of H..H^4 are computed per call (a record) and wiped after.
 */
typedef struct {
	v128_t r[4][7][3];   /* [power - 1][leaf vector][bit class] */
	v128_t y;            /* N(Y), lanes: low 64 bits, high 64 bits */
} ghash_ctx;

#define GM16_0 0x9249   /* bits 0, 3, 6, .. of a 16-bit piece */
#define GM16_1 0x2492
#define GM16_2 0x4924
#define GM32_0 0x49249249   /* bits 0, 3, 6, .. of a 32-bit product */
#define GM32_1 ((int32_t)0x92492492)
#define GM32_2 0x24924924

/* N(block) from 16 bytes in GCM order. */
static inline v128_t
ghash_n(v128_t blk)
{
	return wasm_i8x16_shuffle(blk, blk, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
}

/*
 * The 27 Karatsuba leaves of N(X) (limbs x0 least significant .. x7) as
 * 16-bit values in 32-bit lanes. Level 1: A0 = x0..x3, A1 = x4..x7,
 * A0^A1; level 2 splits each into pairs (lo, hi, lo^hi); level 3 each pair
 * (v0, v1) into v0, v1, v0^v1. Pairs: p0..p3 = A0.lo, A0.hi, A1.lo, A1.hi;
 * p4, p5 = A0.mid, A1.mid; p6, p7 = (A0^A1).lo, .hi; p8 = (A0^A1).mid.
 * s[0] = p0.v0 p0.v1 p1.v0 p1.v1, s[1] = p2, p3, s[2] = the mids of p0..p3,
 * s[3] = p4, p5, s[4] = p6, p7, s[5] = mids of p4..p7, s[6] = p8.v0 p8.v1
 * p8.mid (lane 3 unused).
 */
static inline void
ghash_leaves(v128_t v0, v128_t s[7])
{
	const v128_t m16 = wasm_i32x4_splat(0xffff);
	v128_t v1 = wasm_v128_xor(v0, wasm_i64x2_shuffle(v0, v0, 1, 0));
	v128_t z0 = wasm_v128_xor(v0, wasm_i16x8_shuffle(v0, v0, 2, 3, 0, 1, 6, 7, 4, 5));
	v128_t z1 = wasm_v128_xor(v1, wasm_i16x8_shuffle(v1, v1, 2, 3, 0, 1, 6, 7, 4, 5));
	v128_t w1 = wasm_i16x8_shuffle(z0, v1, 0, 1, 4, 5, 8, 9, 10, 11);
	v128_t mw0 = wasm_v128_and(wasm_v128_xor(v0, wasm_i16x8_shuffle(v0, v0, 1, 0, 3, 2, 5, 4, 7, 6)), m16);
	v128_t mw1 = wasm_v128_and(wasm_v128_xor(w1, wasm_i16x8_shuffle(w1, w1, 1, 0, 3, 2, 5, 4, 7, 6)), m16);
	v128_t mz1 = wasm_v128_and(wasm_v128_xor(z1, wasm_i16x8_shuffle(z1, z1, 1, 0, 3, 2, 5, 4, 7, 6)), m16);
	s[0] = wasm_u32x4_extend_low_u16x8(v0);
	s[1] = wasm_u32x4_extend_high_u16x8(v0);
	s[2] = mw0;
	s[3] = wasm_u32x4_extend_low_u16x8(w1);
	s[4] = wasm_u32x4_extend_high_u16x8(w1);
	s[5] = mw1;
	s[6] = wasm_i32x4_shuffle(wasm_u32x4_extend_low_u16x8(z1), mz1, 0, 1, 4, 5);
}

static void
ghash_tabs(v128_t r[7][3], v128_t hn)
{
	v128_t s[7];
	ghash_leaves(hn, s);
	for (int v = 0; v < 7; v++) {
		r[v][0] = wasm_v128_and(s[v], wasm_i32x4_splat(GM16_0));
		r[v][1] = wasm_v128_and(s[v], wasm_i32x4_splat(GM16_1));
		r[v][2] = wasm_v128_and(s[v], wasm_i32x4_splat(GM16_2));
	}
}

/*
 * Y = (Y ^ xn[0]) H^m ^ xn[1] H^(m-1) ^ .. ^ xn[m-1] H, m in 1..4; xn are
 * N-form blocks.
 */
static inline __attribute__((always_inline)) void
ghash_group_n(ghash_ctx *g, const v128_t *xn, int m)
{
	v128_t s[4][7];
	uint32_t c[28];
	uint64_t rl, rh;
	const v128_t c0 = wasm_i32x4_splat(GM16_0), c1 = wasm_i32x4_splat(GM16_1), c2 = wasm_i32x4_splat(GM16_2);

	ghash_leaves(wasm_v128_xor(xn[0], g->y), s[0]);
	for (int b = 1; b < m; b++) ghash_leaves(xn[b], s[b]);
	for (int v = 0; v < 7; v++) {
		v128_t a0 = wasm_i32x4_splat(0), a1 = a0, a2 = a0;
		for (int b = 0; b < m; b++) {
			const v128_t *r = g->r[m - 1 - b][v];
			v128_t l0 = wasm_v128_and(s[b][v], c0);
			v128_t l1 = wasm_v128_and(s[b][v], c1);
			v128_t l2 = wasm_v128_and(s[b][v], c2);
			a0 = wasm_v128_xor(a0, wasm_v128_xor(wasm_i32x4_mul(l0, r[0]),
				wasm_v128_xor(wasm_i32x4_mul(l1, r[2]), wasm_i32x4_mul(l2, r[1]))));
			a1 = wasm_v128_xor(a1, wasm_v128_xor(wasm_i32x4_mul(l0, r[1]),
				wasm_v128_xor(wasm_i32x4_mul(l1, r[0]), wasm_i32x4_mul(l2, r[2]))));
			a2 = wasm_v128_xor(a2, wasm_v128_xor(wasm_i32x4_mul(l0, r[2]),
				wasm_v128_xor(wasm_i32x4_mul(l1, r[1]), wasm_i32x4_mul(l2, r[0]))));
		}
		wasm_v128_store(c + 4 * v, wasm_v128_or(wasm_v128_and(a0, wasm_i32x4_splat(GM32_0)),
			wasm_v128_or(wasm_v128_and(a1, wasm_i32x4_splat(GM32_1)), wasm_v128_and(a2, wasm_i32x4_splat(GM32_2)))));
	}
	ghash_combine(c, &rl, &rh);
	g->y = wasm_i64x2_make((int64_t)rl, (int64_t)rh);
	wt_wipe(c, sizeof c);
}

/* The four-block group with m constant (unrolled), and the tail. */
static void ghash_group4(ghash_ctx *g, const v128_t *xn) { ghash_group_n(g, xn, 4); }
static void ghash_group(ghash_ctx *g, const v128_t *xn, int m) { ghash_group_n(g, xn, m); }

static void
ghash_init(ghash_ctx *g, const uint8_t h[16])
{
	v128_t p = ghash_n(wasm_v128_load(h));
	ghash_tabs(g->r[0], p);
	for (int n = 1; n < 4; n++) {   /* H^(n+1) = H^n * H */
		g->y = wasm_i32x4_splat(0);
		ghash_group(g, &p, 1);
		p = g->y;
		ghash_tabs(g->r[n], p);
	}
	g->y = wasm_i32x4_splat(0);
}

static void
ghash_run(ghash_ctx *g, const uint8_t *data, size_t len)
{
	v128_t xn[4];
	while (len >= 64) {
		for (int b = 0; b < 4; b++) xn[b] = ghash_n(wasm_v128_load(data + 16 * b));
		ghash_group4(g, xn);
		data += 64;
		len -= 64;
	}
	if (len > 0) {
		int m = 0;
		while (len >= 16) {
			xn[m++] = ghash_n(wasm_v128_load(data));
			data += 16;
			len -= 16;
		}
		if (len > 0) {
			uint8_t last[16] = { 0 };
			memcpy(last, data, len);
			xn[m++] = ghash_n(wasm_v128_load(last));
		}
		ghash_group(g, xn, m);
	}
}

static void
ghash_out(const ghash_ctx *g, uint8_t y[16])
{
	wasm_v128_store(y, ghash_n(g->y));
}

void
wt_ghash(uint8_t y[16], const uint8_t h[16], const void *data, size_t len)
{
	ghash_ctx g;
	ghash_init(&g, h);
	g.y = ghash_n(wasm_v128_load(y));
	ghash_run(&g, data, len);
	ghash_out(&g, y);
	wt_wipe(&g, sizeof g);
}

static void
gcm_tag(const wt_aesgcm_key *k, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
	const uint8_t *ct, size_t len, uint8_t tag[16])
{
	uint8_t y[16], m[16], lb[16];
	ghash_ctx g;
	ghash_init(&g, k->h);
	ghash_run(&g, aad, aad_len);
	ghash_run(&g, ct, len);
	be64(lb, (uint64_t)aad_len << 3);
	be64(lb + 8, (uint64_t)len << 3);
	ghash_run(&g, lb, 16);
	ghash_out(&g, y);
	wt_wipe(&g, sizeof g);
	tag_mask(k, nonce, m);
	for (int n = 0; n < 16; n++) tag[n] = (uint8_t)(y[n] ^ m[n]);
	wt_wipe(y, sizeof y);
	wt_wipe(m, sizeof m);
}

void
wt_aesgcm_seal(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	uint8_t tag[WT_AESGCM_TAG_LEN])
{
	wt_aesgcm_ctr(k, nonce, 2, data, len);
	gcm_tag(k, nonce, aad, aad_len, data, len, tag);
}

int
wt_aesgcm_open(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	const uint8_t tag[WT_AESGCM_TAG_LEN])
{
	uint8_t calc[16];
	uint32_t diff = 0;
	gcm_tag(k, nonce, aad, aad_len, data, len, calc);
	for (int n = 0; n < 16; n++) diff |= (uint32_t)(calc[n] ^ tag[n]);
	wt_wipe(calc, sizeof calc);
	if (diff != 0) {   /* the verdict is public; the tag bytes were compared without branching */
		memset(data, 0, len);
		return -1;
	}
	wt_aesgcm_ctr(k, nonce, 2, data, len);
	return 0;
}

#else  /* BearSSL aes_ct64 + ghash_ctmul64 */

int wt_aesgcm_is_simd(void) { return 0; }

static void
ghash_lengths(uint8_t y[16], const uint8_t h[16], size_t aad_len, size_t len)
{
	uint8_t lb[16];
	be64(lb, (uint64_t)aad_len << 3);
	be64(lb + 8, (uint64_t)len << 3);
	br_ghash_ctmul64(y, h, lb, 16);
}

void
wt_ghash(uint8_t y[16], const uint8_t h[16], const void *data, size_t len)
{
	br_ghash_ctmul64(y, h, data, len);
}

int
wt_aesgcm_init(wt_aesgcm_key *k, const uint8_t *key, size_t key_len)
{
	uint8_t iv[12] = { 0 };
	if (key_len != 16 && key_len != 32) return -1;
	memset(k, 0, sizeof *k);
	br_aes_ct64_ctr_init(&k->u.ct64, key, key_len);
	k->nr = (unsigned)key_len / 4 + 6;
	/* H = E_K(0^128): the CTR keystream for counter 0 of an all-zero IV is E_K(0^128). */
	br_aes_ct64_ctr_run(&k->u.ct64, iv, 0, k->h, 16);
	return 0;
}

uint32_t
wt_aesgcm_ctr(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	uint32_t ctr, uint8_t *data, size_t len)
{
	return br_aes_ct64_ctr_run(&k->u.ct64, nonce, ctr, data, len);
}

static void
gcm_tag(const wt_aesgcm_key *k, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
	const uint8_t *ct, size_t len, uint8_t tag[16])
{
	uint8_t y[16] = { 0 }, m[16] = { 0 };
	br_ghash_ctmul64(y, k->h, aad, aad_len);
	br_ghash_ctmul64(y, k->h, ct, len);
	ghash_lengths(y, k->h, aad_len, len);
	br_aes_ct64_ctr_run(&k->u.ct64, nonce, 1, m, 16);   /* E_K(J0) */
	for (int n = 0; n < 16; n++) tag[n] = (uint8_t)(y[n] ^ m[n]);
	wt_wipe(y, sizeof y);
	wt_wipe(m, sizeof m);
}

void
wt_aesgcm_seal(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	uint8_t tag[WT_AESGCM_TAG_LEN])
{
	wt_aesgcm_ctr(k, nonce, 2, data, len);
	gcm_tag(k, nonce, aad, aad_len, data, len, tag);
}

int
wt_aesgcm_open(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	const uint8_t tag[WT_AESGCM_TAG_LEN])
{
	uint8_t calc[16];
	uint32_t diff = 0;
	gcm_tag(k, nonce, aad, aad_len, data, len, calc);
	for (int n = 0; n < 16; n++) diff |= (uint32_t)(calc[n] ^ tag[n]);
	wt_wipe(calc, sizeof calc);
	if (diff != 0) {
		memset(data, 0, len);
		return -1;
	}
	wt_aesgcm_ctr(k, nonce, 2, data, len);
	return 0;
}

#endif

void
wt_aesgcm_decrypt_tag(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	uint8_t tag[WT_AESGCM_TAG_LEN])
{
	gcm_tag(k, nonce, aad, aad_len, data, len, tag);
	wt_aesgcm_ctr(k, nonce, 2, data, len);
}

void
wt_aesgcm_wipe(wt_aesgcm_key *k)
{
	wt_wipe(k, sizeof *k);
}
