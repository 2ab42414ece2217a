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

static void
ghash_lengths(uint8_t y[16], const uint8_t h[16], size_t aad_len, size_t len)
{
	uint8_t lb[16];
	be64(lb, (uint64_t)aad_len << 3);
	be64(lb + 8, (uint64_t)len << 3);
	br_ghash_ctmul64(y, h, lb, 16);
}

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

static void
gcm_tag(const wt_aesgcm_key *k, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
	const uint8_t *ct, size_t len, uint8_t tag[16])
{
	uint8_t y[16] = { 0 }, m[16];
	br_ghash_ctmul64(y, k->h, aad, aad_len);
	br_ghash_ctmul64(y, k->h, ct, len);
	ghash_lengths(y, k->h, aad_len, len);
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
