/*
 * wt_sig_sign.h — the client's private key (for client certificates): decoding
 * from PEM or DER, and TLS signatures with it.
 *
 *   ECDSA        br_ecdsa_i31_sign_asn1 on br_ec_all_m31 (RFC 6979
 *                deterministic nonces: no RNG needed, constant-time)
 *   RSA PKCS#1   br_rsa_i31_pkcs1_sign (TLS 1.2 only)
 *   RSA-PSS      EMSA-PSS-ENCODE written here (BearSSL 0.6 has none), salt
 *                from the caller's RNG, then br_rsa_i31_private (CT, blinded
 *                by its CRT structure as BearSSL implements it)
 *
 * A wt_privkey owns copies of every key component; wipe it with
 * wt_privkey_wipe() when done.
 */
#ifndef WT_SIG_SIGN_H
#define WT_SIG_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include "wt_crypto.h"

/** \brief Largest RSA private key accepted: 4096-bit modulus (5 CRT parts of 256 bytes). */
#define WT_RSA_PRIV_MAX_BYTES (5 * 256)

typedef struct {
	int type;                      /* BR_KEYTYPE_EC or BR_KEYTYPE_RSA; 0 when empty */
	br_ec_private_key ec;
	br_rsa_private_key rsa;
	uint8_t buf[WT_RSA_PRIV_MAX_BYTES];
} wt_privkey;

/**
 * \brief Decode a private key: PEM ("PRIVATE KEY" PKCS#8, "EC PRIVATE KEY"
 * SEC1, "RSA PRIVATE KEY" PKCS#1) or the same as raw DER.
 * EC keys must be on P-256 or P-384; RSA keys 2048..4096 bits.
 * \return 0, WT_ERR_BAD_ARGUMENT (undecodable, encrypted, unsupported).
 */
int wt_privkey_decode(wt_privkey *k, const uint8_t *data, size_t len);

/** \brief Can `scheme` sign with this key in this TLS version (1.3: no PKCS#1, ECDSA curve bound)? */
int wt_privkey_scheme_ok(const wt_privkey *k, uint16_t scheme, int tls13);

/**
 * \brief Sign `msg` (hashed here with the scheme's hash) into `sig`
 * (capacity `cap`, at least 512 bytes for RSA-4096). ECDSA signatures are DER.
 * \return the signature length, or 0 on failure.
 */
size_t wt_privkey_sign(const wt_privkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
	wt_rng_fn rng, void *rng_ctx, uint8_t *sig, size_t cap);

/**
 * \brief As wt_privkey_sign, from an already computed digest (TLS 1.2
 * CertificateVerify signs the running transcript hash).
 */
size_t wt_privkey_sign_hash(const wt_privkey *k, uint16_t scheme, const uint8_t *hash, size_t hash_len,
	wt_rng_fn rng, void *rng_ctx, uint8_t *sig, size_t cap);

void wt_privkey_wipe(wt_privkey *k);

#endif
