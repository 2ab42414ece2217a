/*
 * wt_aead.c — the TLS AEADs on BearSSL's constant-time primitives.
 *
 *   AES-128/256-GCM     aes_ct64 (bitsliced, no tables) in CTR mode
 *                       + ghash_ctmul64, glued by br_gcm_context; in the
 *                       wasm SIMD build (WT_SIMD) wt_aesgcm instead
 *                       (wt_aes_simd.c: vector-permute AES, no tables in
 *                       memory, and its GHASH)
 *   ChaCha20-Poly1305   chacha20_ct + poly1305_ctmul (RFC 8439)
 *
 * Both are used in place: seal encrypts `data` and writes the tag, open
 * checks the tag (in constant time) and decrypts. On a failed open the
 * buffer is cleared so unauthenticated plaintext never reaches a caller
 * that ignores the return value.
 */
#include "wt_crypto.h"
#include "wt_bytes.h"

size_t
wt_aead_key_len(wt_aead_alg alg)
{
	switch (alg) {
	case WT_AEAD_AES_128_GCM:       return 16;
	case WT_AEAD_AES_256_GCM:       return 32;
	case WT_AEAD_CHACHA20_POLY1305: return 32;
	default:                        return 0;
	}
}

int
wt_aead_init(wt_aead_key *k, wt_aead_alg alg, const uint8_t *key, size_t key_len)
{
	size_t want = wt_aead_key_len(alg);

	if (k == NULL || key == NULL || want == 0 || key_len != want) {
		return -1;
	}
	memset(k, 0, sizeof *k);
	k->alg = alg;
	if (alg == WT_AEAD_CHACHA20_POLY1305) {
		memcpy(k->u.chacha, key, 32);
	} else {
#if defined(WT_SIMD) && WT_SIMD
		if (wt_aesgcm_init(&k->u.aes, key, key_len) != 0) {
			memset(k, 0, sizeof *k);
			return -1;
		}
#else
		br_aes_ct64_ctr_init(&k->u.aes, key, key_len);
#endif
	}
	return 0;
}

void
wt_aead_wipe(wt_aead_key *k)
{
	if (k != NULL) {
		wt_wipe(k, sizeof *k);
	}
}

/*
 * Run AES-GCM over `data` (encrypt != 0: encrypt, else decrypt) and
 * leave the 16-byte tag computed over AAD and ciphertext in `tag_out`.
 *
 * br_gcm_init() wants a mutable pointer to the block cipher context; it
 * only ever calls the context's const `run` method on it, so casting the
 * const away from the caller's expanded key is safe. The GCM context
 * holds the hash key H = AES_K(0^128), a secret: it is wiped on exit.
 */
#if defined(WT_SIMD) && WT_SIMD
static void
wt_gcm_run(const wt_aead_key *k, const uint8_t *nonce,
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	int encrypt, uint8_t *tag_out)
{
	/* open: tag over the ciphertext first, then decrypt; wt_aead_open
	 * compares the tags and wipes the buffer on a mismatch. */
	if (encrypt) {
		wt_aesgcm_seal(&k->u.aes, nonce, aad, aad_len, data, len, tag_out);
	} else {
		wt_aesgcm_decrypt_tag(&k->u.aes, nonce, aad, aad_len, data, len, tag_out);
	}
}
#else
static void
wt_gcm_run(const wt_aead_key *k, const uint8_t *nonce,
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	int encrypt, uint8_t *tag_out)
{
	br_gcm_context gc;

	br_gcm_init(&gc, (const br_block_ctr_class **)&k->u.aes.vtable,
		&br_ghash_ctmul64);
	br_gcm_reset(&gc, nonce, WT_AEAD_NONCE_LEN);
	if (aad_len) {
		br_gcm_aad_inject(&gc, aad, aad_len);
	}
	br_gcm_flip(&gc);
	if (len) {
		br_gcm_run(&gc, encrypt, data, len);
	}
	br_gcm_get_tag(&gc, tag_out);
	wt_wipe(&gc, sizeof gc);
}
#endif

/*
 * Run ChaCha20-Poly1305. br_poly1305_ctmul_run encrypts then MACs when
 * encrypting, and MACs the ciphertext then decrypts when decrypting.
 * The AAD pointer is never NULL when handed to BearSSL.
 */
#if defined(WT_SIMD) && WT_SIMD
/* The wasm SIMD build: BearSSL's SSE2 ChaCha20 on Emscripten's SSE2-to-SIMD128 mapping. */
#define WT_CHACHA20_RUN br_chacha20_sse2_run
#else
#define WT_CHACHA20_RUN br_chacha20_ct_run
#endif

static void
wt_chapol_run(const wt_aead_key *k, const uint8_t *nonce,
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	int encrypt, uint8_t *tag_out)
{
	static const uint8_t empty[1] = { 0 };

	br_poly1305_ctmul_run(k->u.chacha, nonce, len ? (void *)data : (void *)empty,
		len, aad_len ? aad : empty, aad_len, tag_out,
		&WT_CHACHA20_RUN, encrypt);
}

void
wt_aead_seal(const wt_aead_key *k, const uint8_t *nonce,
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, uint8_t *tag)
{
	switch (k->alg) {
	case WT_AEAD_AES_128_GCM:
	case WT_AEAD_AES_256_GCM:
		wt_gcm_run(k, nonce, aad, aad_len, data, len, 1, tag);
		break;
	case WT_AEAD_CHACHA20_POLY1305:
		wt_chapol_run(k, nonce, aad, aad_len, data, len, 1, tag);
		break;
	default:
		/* Not initialised: produce nothing usable. */
		memset(tag, 0, WT_AEAD_TAG_LEN);
		if (len) {
			memset(data, 0, len);
		}
		break;
	}
}

int
wt_aead_open(const wt_aead_key *k, const uint8_t *nonce,
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, const uint8_t *tag)
{
	uint8_t calc[WT_AEAD_TAG_LEN];
	int ok;

	switch (k->alg) {
	case WT_AEAD_AES_128_GCM:
	case WT_AEAD_AES_256_GCM:
		wt_gcm_run(k, nonce, aad, aad_len, data, len, 0, calc);
		break;
	case WT_AEAD_CHACHA20_POLY1305:
		wt_chapol_run(k, nonce, aad, aad_len, data, len, 0, calc);
		break;
	default:
		if (len) {
			memset(data, 0, len);
		}
		return 0;
	}
	ok = wt_ct_equal(calc, tag, WT_AEAD_TAG_LEN);
	wt_wipe(calc, sizeof calc);
	if (!ok && len) {
		/* The verdict is public from here on; do not leak plaintext. */
		wt_wipe(data, len);
	}
	return ok;
}
