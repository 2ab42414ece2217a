/*
 * wt_sig_verify.h — the one signature check every verification goes through
 * (CertificateVerify, ServerKeyExchange, each edge of the path search, OCSP),
 * and the hook that lets the platform's native crypto answer it.
 *
 * Verifying a signature uses only public data (the key, the signed bytes, the
 * signature), so handing it to the host (node:crypto, WebCrypto) has no
 * constant-time concern; secret-key operations never go through here.
 *
 * wt_sig_verify_req() normalizes the request, asks the hook (if any), and
 * verifies with BearSSL when there is no hook or the hook cannot answer. The
 * hook sees a request that is fully described by its arguments (nothing
 * refers to engine state), so an answer can be cached by the host and the
 * check re-run: a later "pending" answer (asynchronous verification) fits
 * this shape: WT_SIG_NATIVE_PENDING is reserved for it and treated as
 * "cannot" today.
 *
 * What the hook is given (already checked and normalized in C, identically
 * for both paths, so that the two can only differ in the arithmetic):
 *   scheme  a TLS SignatureScheme code; the high byte names the hash
 *           (2 SHA-1, 3 SHA-224, 4 SHA-256, 5 SHA-384, 6 SHA-512) and the low
 *           byte the algorithm: 0x01 RSASSA-PKCS1-v1_5, 0x03 ECDSA (curve:
 *           the key's, already checked against the scheme where TLS 1.3
 *           binds it), or 0x0804..0x0806 RSASSA-PSS (rsae) with MGF1 over the
 *           same hash and salt length = hash length.
 *           SHA-1/SHA-224 appear only for certificate signatures.
 *   pk      EC: P-256/P-384/P-521, q the uncompressed point (0x04 || X || Y);
 *           RSA: n and e big-endian without leading zeros, n at most 4096
 *           bits (BearSSL's limit: larger moduli never verify on either path),
 *           e at most 8 bytes.
 *   msg     the signed bytes (the hook hashes them).
 *   sig     ECDSA: r || s, each left-padded to the curve's field length
 *           (IEEE P1363, what WebCrypto takes), r and s non-zero; the DER
 *           encoding was parsed here (strict DER for TLS messages and OCSP,
 *           BearSSL's reading for certificates, as before). RSA: the
 *           signature as sent, exactly as long as the modulus.
 * It returns WT_SIG_NATIVE_VALID, WT_SIG_NATIVE_INVALID or
 * WT_SIG_NATIVE_CANNOT (anything else counts as CANNOT: BearSSL decides).
 */
#ifndef WT_SIG_VERIFY_H
#define WT_SIG_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include "bearssl.h"

#define WT_SIG_NATIVE_VALID    1
#define WT_SIG_NATIVE_INVALID  0
#define WT_SIG_NATIVE_CANNOT  (-1)
#define WT_SIG_NATIVE_PENDING  2    /* reserved (asynchronous verification); today: CANNOT */

typedef int (*wt_sig_native_fn)(void *ctx, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/** \brief A native verifier: `fn` NULL means none (BearSSL verifies). */
typedef struct {
	wt_sig_native_fn fn;
	void *ctx;
} wt_sig_native;

/* How a signature is read (wt_sig_verify_req `mode`). */
#define WT_SIGV_TLS13 0   /* ECDSA: the scheme binds the curve; strict DER */
#define WT_SIGV_TLS12 1   /* ECDSA: the scheme names the hash, any supported curve; strict DER (also OCSP) */
#define WT_SIGV_CERT  2   /* certificate signatures: as TLS12, plus SHA-1/SHA-224 schemes; ECDSA
                             signature read as BearSSL's br_ecdsa_asn1_to_raw reads it */

/**
 * \brief Verify `sig` over `msg` with `pk` under `scheme`: the hook `nv` first
 * (if non-NULL and set), BearSSL if it cannot answer.
 * \return 0 (valid), WT_ERR_BAD_SIGNATURE (invalid), or
 * WT_ERR_ILLEGAL_PARAMETER (scheme unknown for `mode` or unusable with this key).
 */
int wt_sig_verify_req(const wt_sig_native *nv, unsigned mode, uint16_t scheme,
	const br_x509_pkey *pk, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/** \brief wt_sig_verify / wt_sig_verify_tls12 (wt_crypto.h) with a native verifier. */
int wt_sig_verify_nv(const wt_sig_native *nv, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);
int wt_sig_verify_tls12_nv(const wt_sig_native *nv, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

#endif
