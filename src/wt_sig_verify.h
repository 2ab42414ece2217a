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
 * check re-run. A hook may answer WT_SIG_NATIVE_PENDING (asynchronous
 * verification, e.g. WebCrypto): when the wt_sig_native carries a cache
 * (the engine's), the request's digest is recorded in it as pending and the
 * check returns WT_SIG_WAIT; the engine then stops, the host verifies the
 * batch and feeds the verdicts into the cache, and the engine re-runs the
 * handshake message, whose checks now hit the cache. Without a cache,
 * PENDING counts as CANNOT (BearSSL decides).
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
#define WT_SIG_NATIVE_PENDING  2    /* asked; the verdict comes later (needs a cache, else CANNOT) */

/* wt_sig_verify_req's answer when the request waits for an asynchronous verdict. */
#define WT_SIG_WAIT (-1000)

/* Bounds of the asynchronous path: slots of the verdict cache (the path
 * search spends at most 100 signatures, plus CertificateVerify or
 * ServerKeyExchange and OCSP) and rounds (a wait, then a re-run) per
 * handshake. Past either bound the hook is no longer asked and BearSSL
 * verifies, so the verdicts stay those of the synchronous path. */
#define WT_SIG_CACHE_MAX  128
#define WT_SIG_ROUNDS_MAX 16

/*
 * The verdict cache. A slot is bound to the exact request: its key is the
 * SHA-256 of the whole normalized request (scheme, key, signed bytes,
 * signature, each length-prefixed), so a verdict given for one request can
 * never answer another.
 */
typedef struct {
	uint8_t digest[WT_SIG_CACHE_MAX][32];
	int8_t verdict[WT_SIG_CACHE_MAX];   /* WT_SIG_NATIVE_* */
	uint16_t n;                         /* slots used */
	uint16_t base;                      /* first slot of the current round (the batch) */
	uint8_t waiting;                    /* a check of the current run got WT_SIG_WAIT */
	uint8_t rounds;                     /* rounds completed */
	uint8_t sealed;                     /* the host took the current batch: no prefetch joins it */
} wt_sig_cache;

typedef int (*wt_sig_native_fn)(void *ctx, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/** \brief A native verifier: `fn` NULL means none (BearSSL verifies). */
typedef struct {
	wt_sig_native_fn fn;
	void *ctx;
	wt_sig_cache *cache;   /* set by the engine: PENDING answers are recorded here */
} wt_sig_native;

/* How a signature is read (wt_sig_verify_req `mode`). */
#define WT_SIGV_TLS13 0   /* ECDSA: the scheme binds the curve; strict DER */
#define WT_SIGV_TLS12 1   /* ECDSA: the scheme names the hash, any supported curve; strict DER (also OCSP) */
#define WT_SIGV_CERT  2   /* certificate signatures: as TLS12, plus SHA-1/SHA-224 schemes; ECDSA
                             signature read as BearSSL's br_ecdsa_asn1_to_raw reads it */

/**
 * \brief Verify `sig` over `msg` with `pk` under `scheme`: the hook `nv` first
 * (if non-NULL and set), BearSSL if it cannot answer.
 * \return 0 (valid), WT_ERR_BAD_SIGNATURE (invalid),
 * WT_ERR_ILLEGAL_PARAMETER (scheme unknown for `mode` or unusable with this key),
 * or WT_SIG_WAIT (the hook answered PENDING and the request is in nv->cache;
 * nv->cache->waiting is set).
 */
int wt_sig_verify_req(const wt_sig_native *nv, unsigned mode, uint16_t scheme,
	const br_x509_pkey *pk, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/**
 * \brief Prefetch: put the request into the current batch without verifying
 * it (the hook is asked, BearSSL never runs, nothing is decided). Used while
 * the engine waits on one message for the signature check of the next one,
 * computed on a copy of the state: the real check re-runs later and finds
 * the verdict only if it builds the very same request (the digest), else it
 * simply misses. Nothing is recorded once the batch is sealed (the host took
 * it) or past the bounds. \return 1 if the request is now in the batch or
 * already has a slot, 0 if not (not askable, bounds, sealed, no cache).
 */
int wt_sig_prefetch(const wt_sig_native *nv, unsigned mode, uint16_t scheme,
	const br_x509_pkey *pk, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/** \brief wt_sig_verify / wt_sig_verify_tls12 (wt_crypto.h) with a native verifier. */
int wt_sig_verify_nv(const wt_sig_native *nv, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);
int wt_sig_verify_tls12_nv(const wt_sig_native *nv, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/**
 * \brief Record the verdict for request `i` of the current batch (slot
 * base + i): 1 valid, 0 invalid, anything else cannot. \return 0, or -1 if
 * there is no such request or it already has a verdict.
 */
int wt_sig_cache_verdict(wt_sig_cache *sc, unsigned i, int verdict);

/** \brief Requests in the current batch (slots from base). */
unsigned wt_sig_cache_batch(const wt_sig_cache *sc);

/** \brief Seal the current batch (the host took it): no prefetch joins it until the next round. */
void wt_sig_cache_seal(wt_sig_cache *sc);

/** \brief End the round: unanswered requests become CANNOT; the next batch starts empty. */
void wt_sig_cache_next_round(wt_sig_cache *sc);

#endif
