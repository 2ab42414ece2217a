/*
 * wt_mlkem.h — ML-KEM-768 (FIPS 203), the module-lattice KEM.
 *
 * BearSSL style: the caller owns every buffer, nothing is allocated, and
 * randomness comes only from the caller's CSPRNG callback (wt_rng_fn, the
 * engine's type). Sizes are fixed (FIPS 203 Table 3, k = 3):
 *
 *   encapsulation key  ek  1184 bytes  (public)
 *   decapsulation key  dk  2400 bytes  (secret: dk_PKE || ek || H(ek) || z)
 *   ciphertext         ct  1088 bytes  (public)
 *   shared secret      ss    32 bytes  (secret)
 *   key-generation seed    64 bytes  d || z  (secret)
 *
 * Every function returns 0 or a WT_ERR_* code (wt_error.h). On failure the
 * outputs are zeroed. Outputs must not overlap inputs.
 *
 * Constant time: KeyGen, dk_from_seed, Encaps and Decaps branch and index
 * memory only on public values (lengths, the public matrix seed rho, the
 * encapsulation key, the ciphertext). Secret coefficients are reduced with
 * Barrett reduction, compressed by multiply-and-shift (no division), and
 * Decaps compares the re-encryption and selects the real or the rejection
 * key with masks.
 * tests/c/ct/ checks this under valgrind (docs/SECURITY.md).
 */
#ifndef WT_MLKEM_H
#define WT_MLKEM_H

#include <stddef.h>
#include <stdint.h>

#include "wt_crypto.h"   /* wt_rng_fn */

#define WT_MLKEM768_EK_LEN   1184
#define WT_MLKEM768_DK_LEN   2400
#define WT_MLKEM768_CT_LEN   1088
#define WT_MLKEM768_SS_LEN     32
#define WT_MLKEM768_SEED_LEN   64

/**
 * \brief ML-KEM.KeyGen_internal (FIPS 203 Algorithm 16) from the 64-byte
 * seed d || z. Deterministic: for tests, and for a caller that keeps only
 * the seed and re-expands it.
 * \return 0, or WT_ERR_BAD_ARGUMENT if seed_len != 64.
 */
int wt_mlkem768_keygen_derand(uint8_t ek[WT_MLKEM768_EK_LEN], uint8_t dk[WT_MLKEM768_DK_LEN],
	const uint8_t *seed, size_t seed_len);

/**
 * \brief The dk of wt_mlkem768_keygen_derand(seed), rebuilt from the seed
 * d || z and that seed's own encapsulation key ek, without KeyGen's matrix
 * A_hat and product A_hat s_hat + e_hat (FIPS 203 Algorithms 13 and 16):
 * dk = ByteEncode12(s_hat) || ek || H(ek) || z, where s_hat = NTT(s),
 * s[i] = SamplePolyCBD_2(PRF(sigma, i)) and (rho, sigma) = G(d || 3).
 * About 30% of KeyGen's time (no SampleNTT, no e, no t; bench DkSeed).
 *
 * Precondition: ek is the output of wt_mlkem768_keygen_derand(seed) — the
 * caller's own key, kept since it was generated (e.g. the key share it
 * sent). Only ek's rho is compared with G(d || 3) (a key of another seed is
 * refused); t_hat is not recomputed, so a corrupted t_hat in ek would go
 * into dk unnoticed (Decaps re-encrypts against the ek inside dk, so the
 * peer's ciphertext would then give the implicit-rejection key).
 *
 * Constant time in seed (the primitives of KeyGen; rho is public as in
 * KeyGen); temporaries are wiped.
 * \return 0, or WT_ERR_BAD_ARGUMENT (wrong lengths, NULL, or ek's rho not
 * that of the seed); on error dk is zeroed.
 */
int wt_mlkem768_dk_from_seed(uint8_t dk[WT_MLKEM768_DK_LEN], const uint8_t *ek, size_t ek_len,
	const uint8_t *seed, size_t seed_len);

/**
 * \brief ML-KEM.KeyGen (Algorithm 19): d and z from `rng`.
 * \return 0, or WT_ERR_RNG_FAILURE.
 */
int wt_mlkem768_keygen(uint8_t ek[WT_MLKEM768_EK_LEN], uint8_t dk[WT_MLKEM768_DK_LEN],
	wt_rng_fn rng, void *rng_ctx);

/**
 * \brief Encapsulation-key check of FIPS 203 §7.2: exactly 1184 bytes and
 * every 12-bit coefficient below q (ByteEncode12(ByteDecode12(ek)) == ek).
 * \return 0, or WT_ERR_ILLEGAL_PARAMETER.
 */
int wt_mlkem768_check_ek(const uint8_t *ek, size_t ek_len);

/**
 * \brief Decapsulation-key check of FIPS 203 §7.3: exactly 2400 bytes and
 * the embedded H(ek) equal to the hash of the embedded ek.
 * \return 0, or WT_ERR_BAD_ARGUMENT.
 */
int wt_mlkem768_check_dk(const uint8_t *dk, size_t dk_len);

/**
 * \brief ML-KEM.Encaps_internal (Algorithm 17) with the given 32-byte m,
 * after the §7.2 check of ek. For tests (known answers).
 * \return 0, or WT_ERR_ILLEGAL_PARAMETER (ek fails the check).
 */
int wt_mlkem768_encaps_derand(uint8_t ct[WT_MLKEM768_CT_LEN], uint8_t ss[WT_MLKEM768_SS_LEN],
	const uint8_t *ek, size_t ek_len, const uint8_t m[32]);

/**
 * \brief ML-KEM.Encaps (Algorithm 20): m from `rng`.
 * \return 0, WT_ERR_ILLEGAL_PARAMETER (ek fails the check) or WT_ERR_RNG_FAILURE.
 */
int wt_mlkem768_encaps(uint8_t ct[WT_MLKEM768_CT_LEN], uint8_t ss[WT_MLKEM768_SS_LEN],
	const uint8_t *ek, size_t ek_len, wt_rng_fn rng, void *rng_ctx);

/**
 * \brief ML-KEM.Decaps (Algorithm 21) after the §7.3 checks (ct is exactly
 * 1088 bytes, dk passes wt_mlkem768_check_dk). Implicit rejection: a
 * ciphertext that does not re-encrypt to itself yields J(z || ct) instead of
 * an error, chosen in constant time; only malformed lengths or a corrupted
 * dk are errors.
 * \return 0, WT_ERR_ILLEGAL_PARAMETER (ct length) or WT_ERR_BAD_ARGUMENT (dk).
 */
int wt_mlkem768_decaps(uint8_t ss[WT_MLKEM768_SS_LEN], const uint8_t *ct, size_t ct_len,
	const uint8_t *dk, size_t dk_len);

#endif
