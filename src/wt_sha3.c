/*
 * wt_sha3.c — Keccak-f[1600] and the SHA-3 / SHAKE sponges (FIPS 202).
 *
 * Written from FIPS 202: the round constants are those of §3.2.5 (rc(t), the
 * LFSR x^8 + x^6 + x^5 + x^4 + 1), the rotation offsets those of §3.2.2
 * (Table 2), the lane permutation that of §3.2.3. Lanes are stored as
 * uint64_t and bytes enter and leave them little-endian (§B.1), on any host.
 */
#include "wt_sha3.h"
#include "wt_bytes.h"

#include <string.h>

static const uint64_t RC[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL
};

/*
 * One round, unrolled, on 25 local lanes a00..a24 (lane x + 5y):
 *   theta  c[x] = xor of column x; d[x] = c[x-1] ^ rotl(c[x+1], 1); a ^= d[x]
 *   rho    rotate lane x + 5y by RHO[x + 5y] (FIPS 202 Table 2):
 *          0 1 62 28 27 / 36 44 6 55 20 / 3 10 43 25 39 / 41 45 15 21 8 / 18 2 61 56 14
 *   pi     b[x + 5y] = a[((x + 3y) mod 5) + 5x], i.e. sources
 *          0 6 12 18 24 / 3 9 10 16 22 / 1 7 13 19 20 / 4 5 11 17 23 / 2 8 14 15 21
 *   chi    a[x + 5y] = b[x + 5y] ^ (~b[x+1 + 5y] & b[x+2 + 5y])
 *   iota   a[0] ^= RC[round]
 * (The statements below were generated from those two tables.)
 */
#define ROTL(v, n) (((v) << (n)) | ((v) >> (64 - (n))))

void
wt_keccak_f1600(uint64_t a[25])
{
	uint64_t a00, a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24;
	uint64_t b00, b01, b02, b03, b04, b05, b06, b07, b08, b09, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21, b22, b23, b24;
	uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;

	a00 = a[0];
	a01 = a[1];
	a02 = a[2];
	a03 = a[3];
	a04 = a[4];
	a05 = a[5];
	a06 = a[6];
	a07 = a[7];
	a08 = a[8];
	a09 = a[9];
	a10 = a[10];
	a11 = a[11];
	a12 = a[12];
	a13 = a[13];
	a14 = a[14];
	a15 = a[15];
	a16 = a[16];
	a17 = a[17];
	a18 = a[18];
	a19 = a[19];
	a20 = a[20];
	a21 = a[21];
	a22 = a[22];
	a23 = a[23];
	a24 = a[24];
	for (int round = 0; round < 24; round++) {
		/* theta */
		c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
		c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
		c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
		c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
		c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
		d0 = c4 ^ ROTL(c1, 1);
		d1 = c0 ^ ROTL(c2, 1);
		d2 = c1 ^ ROTL(c3, 1);
		d3 = c2 ^ ROTL(c4, 1);
		d4 = c3 ^ ROTL(c0, 1);
		/* theta applied, rho and pi: b[i] = rotl(a[PI_SRC[i]] ^ d, RHO[PI_SRC[i]]) */
		b00 = a00 ^ d0;
		b01 = ROTL(a06 ^ d1, 44);
		b02 = ROTL(a12 ^ d2, 43);
		b03 = ROTL(a18 ^ d3, 21);
		b04 = ROTL(a24 ^ d4, 14);
		b05 = ROTL(a03 ^ d3, 28);
		b06 = ROTL(a09 ^ d4, 20);
		b07 = ROTL(a10 ^ d0, 3);
		b08 = ROTL(a16 ^ d1, 45);
		b09 = ROTL(a22 ^ d2, 61);
		b10 = ROTL(a01 ^ d1, 1);
		b11 = ROTL(a07 ^ d2, 6);
		b12 = ROTL(a13 ^ d3, 25);
		b13 = ROTL(a19 ^ d4, 8);
		b14 = ROTL(a20 ^ d0, 18);
		b15 = ROTL(a04 ^ d4, 27);
		b16 = ROTL(a05 ^ d0, 36);
		b17 = ROTL(a11 ^ d1, 10);
		b18 = ROTL(a17 ^ d2, 15);
		b19 = ROTL(a23 ^ d3, 56);
		b20 = ROTL(a02 ^ d2, 62);
		b21 = ROTL(a08 ^ d3, 55);
		b22 = ROTL(a14 ^ d4, 39);
		b23 = ROTL(a15 ^ d0, 41);
		b24 = ROTL(a21 ^ d1, 2);
		/* chi */
		a00 = b00 ^ (~b01 & b02);
		a01 = b01 ^ (~b02 & b03);
		a02 = b02 ^ (~b03 & b04);
		a03 = b03 ^ (~b04 & b00);
		a04 = b04 ^ (~b00 & b01);
		a05 = b05 ^ (~b06 & b07);
		a06 = b06 ^ (~b07 & b08);
		a07 = b07 ^ (~b08 & b09);
		a08 = b08 ^ (~b09 & b05);
		a09 = b09 ^ (~b05 & b06);
		a10 = b10 ^ (~b11 & b12);
		a11 = b11 ^ (~b12 & b13);
		a12 = b12 ^ (~b13 & b14);
		a13 = b13 ^ (~b14 & b10);
		a14 = b14 ^ (~b10 & b11);
		a15 = b15 ^ (~b16 & b17);
		a16 = b16 ^ (~b17 & b18);
		a17 = b17 ^ (~b18 & b19);
		a18 = b18 ^ (~b19 & b15);
		a19 = b19 ^ (~b15 & b16);
		a20 = b20 ^ (~b21 & b22);
		a21 = b21 ^ (~b22 & b23);
		a22 = b22 ^ (~b23 & b24);
		a23 = b23 ^ (~b24 & b20);
		a24 = b24 ^ (~b20 & b21);
		/* iota */
		a00 ^= RC[round];

	}
	a[0] = a00;
	a[1] = a01;
	a[2] = a02;
	a[3] = a03;
	a[4] = a04;
	a[5] = a05;
	a[6] = a06;
	a[7] = a07;
	a[8] = a08;
	a[9] = a09;
	a[10] = a10;
	a[11] = a11;
	a[12] = a12;
	a[13] = a13;
	a[14] = a14;
	a[15] = a15;
	a[16] = a16;
	a[17] = a17;
	a[18] = a18;
	a[19] = a19;
	a[20] = a20;
	a[21] = a21;
	a[22] = a22;
	a[23] = a23;
	a[24] = a24;
}

static void
keccak_init(wt_keccak *k, unsigned rate, uint8_t ds)
{
	memset(k->a, 0, sizeof k->a);
	k->pos = 0;
	k->rate = rate;
	k->ds = ds;
}

void wt_sha3_256_init(wt_keccak *k) { keccak_init(k, WT_SHA3_256_RATE, 0x06); }
void wt_sha3_512_init(wt_keccak *k) { keccak_init(k, WT_SHA3_512_RATE, 0x06); }
void wt_shake128_init(wt_keccak *k) { keccak_init(k, WT_SHAKE128_RATE, 0x1F); }
void wt_shake256_init(wt_keccak *k) { keccak_init(k, WT_SHAKE256_RATE, 0x1F); }

static inline __attribute__((always_inline)) void
xor_byte(uint64_t *a, unsigned i, uint8_t v)
{
	a[i >> 3] ^= (uint64_t)v << (8 * (i & 7));
}

static inline __attribute__((always_inline)) uint8_t
get_byte(const uint64_t *a, unsigned i)
{
	return (uint8_t)(a[i >> 3] >> (8 * (i & 7)));
}

void
wt_keccak_absorb(wt_keccak *k, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		if (k->pos == 0) {
			/* Whole blocks, a lane at a time. */
			while (len >= k->rate) {
				for (unsigned i = 0; i < k->rate / 8; i++) {
					uint64_t w = 0;
					for (int j = 7; j >= 0; j--)
						w = (w << 8) | p[8 * i + (unsigned)j];
					k->a[i] ^= w;
				}
				wt_keccak_f1600(k->a);
				p += k->rate;
				len -= k->rate;
			}
			if (len == 0) break;
		}
		xor_byte(k->a, k->pos++, *p++);
		len--;
		if (k->pos == k->rate) {
			wt_keccak_f1600(k->a);
			k->pos = 0;
		}
	}
}

void
wt_keccak_finalize(wt_keccak *k)
{
	/* M || domain bits || pad10*1: the domain bits and the first 1 of the
	 * padding are `ds`, the final 1 is the top bit of the block. */
	xor_byte(k->a, k->pos, k->ds);
	xor_byte(k->a, k->rate - 1, 0x80);
	wt_keccak_f1600(k->a);
	k->pos = 0;
}

void
wt_keccak_squeeze(wt_keccak *k, uint8_t *out, size_t len)
{
	while (len > 0) {
		if (k->pos == k->rate) {
			wt_keccak_f1600(k->a);
			k->pos = 0;
		}
		if (k->pos == 0 && len >= k->rate) {
			/* A whole block, a lane at a time. */
			for (unsigned i = 0; i < k->rate / 8; i++)
				for (unsigned j = 0; j < 8; j++)
					out[8 * i + j] = (uint8_t)(k->a[i] >> (8 * j));
			out += k->rate;
			len -= k->rate;
			k->pos = k->rate;
			continue;
		}
		*out++ = get_byte(k->a, k->pos++);
		len--;
	}
}

void
wt_keccak_wipe(wt_keccak *k)
{
	wt_wipe(k, sizeof *k);
}

static void
oneshot(void (*init)(wt_keccak *), uint8_t *out, size_t out_len, const void *in, size_t len)
{
	wt_keccak k;
	init(&k);
	wt_keccak_absorb(&k, in, len);
	wt_keccak_finalize(&k);
	wt_keccak_squeeze(&k, out, out_len);
	wt_keccak_wipe(&k);
}

void wt_sha3_256(uint8_t out[32], const void *in, size_t len) { oneshot(wt_sha3_256_init, out, 32, in, len); }
void wt_sha3_512(uint8_t out[64], const void *in, size_t len) { oneshot(wt_sha3_512_init, out, 64, in, len); }
void wt_shake128(uint8_t *out, size_t out_len, const void *in, size_t len) { oneshot(wt_shake128_init, out, out_len, in, len); }
void wt_shake256(uint8_t *out, size_t out_len, const void *in, size_t len) { oneshot(wt_shake256_init, out, out_len, in, len); }
