/*
 * AES-128/256-GCM as a standalone primitive (issue 18 item 2).
 *
 * In the wasm SIMD build (__wasm_simd128__) AES is the vector-permute
 * technique (Hamburg 2009): the S-box is computed in a tower field
 * GF((2^4)^2) whose GF(16) inversions are 16-entry lookups done with
 * i8x16.swizzle on registers (no table in memory is indexed by secret
 * data), four CTR blocks at a time; GHASH is BearSSL's ghash_ctmul64
 * (constant-time carry-less multiplication with integer multiplies).
 * Elsewhere the same API runs on BearSSL's aes_ct64 + ghash_ctmul64 (the
 * engine's current AEAD), so native code and the plain wasm build can use
 * it too. Caller-owned buffers, no malloc; nonces are 12 bytes (TLS).
 */
#ifndef WT_AES_SIMD_H
#define WT_AES_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>

#define WT_AESGCM_NONCE_LEN 12
#define WT_AESGCM_TAG_LEN   16

typedef struct {
	union {
		uint8_t rk[15][16];          /* SIMD: round keys (see wt_aes_simd.c) */
		br_aes_ct64_ctr_keys ct64;   /* fallback */
	} u;
	uint8_t h[16];                   /* GHASH key E_K(0^128) */
	unsigned nr;                     /* rounds: 10 or 14 */
} wt_aesgcm_key;

/* 1 when this build uses the SIMD implementation, 0 for the BearSSL fallback. */
int wt_aesgcm_is_simd(void);

/* Expand a 16- or 32-byte key. Returns 0, or -1 for another length. */
int wt_aesgcm_init(wt_aesgcm_key *k, const uint8_t *key, size_t key_len);

/* Encrypt data[0..len) in place and write the 16-byte tag. */
void wt_aesgcm_seal(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	uint8_t tag[WT_AESGCM_TAG_LEN]);

/* Check the tag (constant time) and decrypt data in place. Returns 0 when the
 * tag is right; -1 otherwise, and then data is zeroed (no unauthenticated
 * plaintext is released). */
int wt_aesgcm_open(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	const uint8_t tag[WT_AESGCM_TAG_LEN]);

/* Decrypt data in place and write the tag computed over aad and the ciphertext,
 * without checking it: for a caller (wt_aead_open) that compares tags itself
 * and wipes data on a mismatch. */
void wt_aesgcm_decrypt_tag(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	uint8_t tag[WT_AESGCM_TAG_LEN]);

/* Raw CTR keystream XOR (counter block = nonce || ctr, big-endian), for tests
 * and benchmarks. Returns the next counter. */
uint32_t wt_aesgcm_ctr(const wt_aesgcm_key *k, const uint8_t nonce[WT_AESGCM_NONCE_LEN],
	uint32_t ctr, uint8_t *data, size_t len);

/* GHASH: y = GHASH_h(y, data zero-padded to 16 bytes), the same contract as
 * BearSSL's br_ghash_ctmul64 (which is what runs outside the SIMD build). */
void wt_ghash(uint8_t y[16], const uint8_t h[16], const void *data, size_t len);

void wt_aesgcm_wipe(wt_aesgcm_key *k);

#endif
