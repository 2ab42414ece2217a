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

/* rho: rotation of lane x + 5y (Table 2 of FIPS 202). */
static const uint8_t RHO[25] = {
	0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39,
	41, 45, 15, 21, 8, 18, 2, 61, 56, 14
};

/* pi: A'[x + 5y] = A[((x + 3y) mod 5) + 5x]; the source lane of each lane. */
static const uint8_t PI_SRC[25] = {
	0, 6, 12, 18, 24, 3, 9, 10, 16, 22, 1, 7, 13, 19, 20,
	4, 5, 11, 17, 23, 2, 8, 14, 15, 21
};

static inline uint64_t
rotl64(uint64_t v, unsigned n)
{
	return (v << (n & 63)) | (v >> ((64 - n) & 63));
}

void
wt_keccak_f1600(uint64_t a[25])
{
	uint64_t c[5], b[25];

	for (int round = 0; round < 24; round++) {
		/* theta */
		for (int x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (int x = 0; x < 5; x++) {
			uint64_t d = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
			for (int y = 0; y < 25; y += 5)
				a[x + y] ^= d;
		}
		/* rho and pi */
		for (int i = 0; i < 25; i++)
			b[i] = rotl64(a[PI_SRC[i]], RHO[PI_SRC[i]]);
		/* chi */
		for (int y = 0; y < 25; y += 5)
			for (int x = 0; x < 5; x++)
				a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
		/* iota */
		a[0] ^= RC[round];
	}
	wt_wipe(b, sizeof b);
	wt_wipe(c, sizeof c);
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

static inline void
xor_byte(uint64_t *a, unsigned i, uint8_t v)
{
	a[i >> 3] ^= (uint64_t)v << (8 * (i & 7));
}

static inline uint8_t
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
