/*
 * wt_sha3.h — SHA-3 and SHAKE (FIPS 202): the Keccak-f[1600] sponge.
 *
 * One context type for all four functions. A context absorbs any number of
 * byte strings (wt_keccak_absorb), is finalized once (wt_keccak_finalize:
 * domain-separation bits and pad10*1), then squeezes any number of bytes
 * (wt_keccak_squeeze, which may be called repeatedly: the output is the
 * concatenation). Absorbing after finalize, or squeezing before it, is a
 * caller error (not detected). Caller-owned, no allocation; wipe a context
 * that absorbed secrets with wt_keccak_wipe().
 *
 * Every operation's time and memory accesses depend only on the lengths, never
 * on the bytes: the permutation is straight-line 64-bit arithmetic.
 */
#ifndef WT_SHA3_H
#define WT_SHA3_H

#include <stddef.h>
#include <stdint.h>

#define WT_SHA3_256_RATE 136   /* bytes per block: (1600 - 2*256) / 8 */
#define WT_SHA3_512_RATE  72
#define WT_SHAKE128_RATE 168
#define WT_SHAKE256_RATE 136

typedef struct {
	uint64_t a[25];     /* the state, lane (x, y) at a[x + 5y], little-endian bytes */
	unsigned pos;       /* absorb: bytes XORed into the current block; squeeze: bytes used */
	unsigned rate;      /* block size in bytes */
	uint8_t ds;         /* domain bits + first pad bit: 0x06 SHA-3, 0x1F SHAKE */
} wt_keccak;

/** \brief Keccak-f[1600] on a 25-lane state (24 rounds). */
void wt_keccak_f1600(uint64_t a[25]);

/** \brief Start SHA3-256 / SHA3-512 / SHAKE128 / SHAKE256. */
void wt_sha3_256_init(wt_keccak *k);
void wt_sha3_512_init(wt_keccak *k);
void wt_shake128_init(wt_keccak *k);
void wt_shake256_init(wt_keccak *k);

/** \brief Absorb `len` bytes (before finalize). */
void wt_keccak_absorb(wt_keccak *k, const void *data, size_t len);

/** \brief Pad and switch to squeezing. Call exactly once. */
void wt_keccak_finalize(wt_keccak *k);

/**
 * \brief Squeeze the next `len` output bytes (after finalize). For SHA3-256 /
 * SHA3-512 squeeze 32 / 64 bytes once to get the digest; SHAKE is unbounded.
 */
void wt_keccak_squeeze(wt_keccak *k, uint8_t *out, size_t len);

/** \brief Erase the state. */
void wt_keccak_wipe(wt_keccak *k);

/** \brief One-shot helpers. `out` may not overlap `in`. */
void wt_sha3_256(uint8_t out[32], const void *in, size_t len);
void wt_sha3_512(uint8_t out[64], const void *in, size_t len);
void wt_shake128(uint8_t *out, size_t out_len, const void *in, size_t len);
void wt_shake256(uint8_t *out, size_t out_len, const void *in, size_t len);

#endif
