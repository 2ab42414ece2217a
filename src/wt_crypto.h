/*
 * wt_crypto.h — the primitives the handshake and record layer use, as thin
 * wrappers over BearSSL's constant-time implementations.
 *
 *   HKDF           wt_hkdf.c   (RFC 5869 on br_hmac; BearSSL's br_hkdf cannot
 *                               expand from an arbitrary PRK, TLS 1.3 needs that)
 *   AEAD           wt_aead.c   (AES-GCM: aes_ct64 + ghash_ctmul64, or in the
 *                               wasm SIMD build wt_aesgcm (wt_aes_simd.c);
 *                               ChaCha20-Poly1305: chacha20_ct + poly1305_ctmul)
 *   key exchange   wt_kex.c    (X25519: ec_c25519_m31; P-256: ec_p256_m31;
 *                               P-384: ec_prime_i31 — all via br_ec_all_m31)
 *   signatures     wt_sig_verify.c    (ECDSA: ecdsa_i31 on ec_all_m31; RSA: rsa_i31
 *                               public op; RSA-PSS is ours, on that and MGF1)
 *
 * Nothing here allocates; all contexts are caller-owned. Secret-bearing
 * structs have a wipe function; call it when done.
 */
#ifndef WT_CRYPTO_H
#define WT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include "bearssl.h"
#include "wt_sig_verify.h"
#if defined(WT_SIMD) && WT_SIMD
#include "wt_aes_simd.h"
#endif

/*
 * Randomness comes only from the caller: a callback that fills `out` with
 * `len` bytes from a CSPRNG and returns 0, or non-zero on failure.
 * In WASM it is crypto.getRandomValues.
 */
typedef int (*wt_rng_fn)(void *ctx, uint8_t *out, size_t len);

/* ------------------------------------------------------------------ HKDF */

/** \brief Largest hash output wasmtls uses (SHA-512). */
#define WT_MAX_HASH_LEN 64

/**
 * \brief HKDF-Extract: prk = HMAC-Hash(salt, ikm).
 * `prk` receives exactly the hash output length. A NULL/empty salt means
 * a string of zeros of hash length (RFC 5869 §2.2).
 */
void wt_hkdf_extract(const br_hash_class *hash,
	const uint8_t *salt, size_t salt_len,
	const uint8_t *ikm, size_t ikm_len, uint8_t *prk);

/**
 * \brief HKDF-Expand from a pseudo-random key of any length.
 * \return 0 on success, -1 if out_len exceeds 255 * hash length (nothing written).
 */
int wt_hkdf_expand(const br_hash_class *hash,
	const uint8_t *prk, size_t prk_len,
	const uint8_t *info, size_t info_len,
	uint8_t *out, size_t out_len);

/** \brief One-shot HMAC; `out` receives the full hash length. */
void wt_hmac(const br_hash_class *hash, const uint8_t *key, size_t key_len,
	const uint8_t *data, size_t data_len, uint8_t *out);

/* ------------------------------------------------------------------ AEAD */

typedef enum {
	WT_AEAD_NONE = 0,
	WT_AEAD_AES_128_GCM = 1,
	WT_AEAD_AES_256_GCM = 2,
	WT_AEAD_CHACHA20_POLY1305 = 3
} wt_aead_alg;

#define WT_AEAD_NONCE_LEN 12
#define WT_AEAD_TAG_LEN   16

/** \brief An expanded AEAD key. Holds key material: wipe with wt_aead_wipe(). */
typedef struct {
	wt_aead_alg alg;
	union {
#if defined(WT_SIMD) && WT_SIMD
		wt_aesgcm_key aes;           /* vector-permute AES + GHASH key H */
#else
		br_aes_ct64_ctr_keys aes;
#endif
		uint8_t chacha[32];
	} u;
} wt_aead_key;

/** \brief Key length in bytes of an algorithm (16, 32, 32), 0 if unknown. */
size_t wt_aead_key_len(wt_aead_alg alg);

/**
 * \brief Expand a key. \return 0, or -1 if alg/key_len are inconsistent.
 */
int wt_aead_init(wt_aead_key *k, wt_aead_alg alg, const uint8_t *key, size_t key_len);

/**
 * \brief Encrypt `data` in place and write the 16-byte tag.
 * `nonce` is 12 bytes. `aad` may be NULL when aad_len is 0.
 */
void wt_aead_seal(const wt_aead_key *k, const uint8_t *nonce,
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, uint8_t *tag);

/**
 * \brief Check the tag and decrypt `data` in place.
 * \return 1 when the tag is valid (data is now plaintext), 0 otherwise (data
 * content is then unspecified). The tag comparison is constant-time.
 */
int wt_aead_open(const wt_aead_key *k, const uint8_t *nonce,
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, const uint8_t *tag);

/** \brief Erase key material. */
void wt_aead_wipe(wt_aead_key *k);

/*
 * The host's AEAD (e.g. node:crypto, OpenSSL's constant-time AES-NI and
 * ChaCha20 code), asked by the record layer before wt_aead_seal/open. The
 * record layer keeps everything else (framing, sequence numbers, nonces,
 * AAD, padding, inner type, key schedule) and always expands the key for
 * wt_aead too, so "cannot" at any call means wt_aead does that call, with
 * the same result.
 *   init  a copy of the key for `alg` -> a handle > 0, or <= 0: cannot
 *         (the record direction then uses wt_aead alone until its next key)
 *   seal  encrypt `data` in place and write the 16-byte tag -> 0, or
 *         anything else: cannot (then neither data nor tag was written)
 *   open  check the tag over aad and the ciphertext in `data`; only if it
 *         is valid write the plaintext over `data` -> 1 (valid), 0 (invalid:
 *         nothing written; the record layer wipes `data`), < 0 cannot
 *         (nothing written: wt_aead_open decides)
 *   free  forget (and wipe) the handle's key; called on every key change,
 *         wt_record_dir_wipe and so wt_engine_wipe
 * nonce is WT_AEAD_NONCE_LEN bytes. ctx is the caller's.
 */
typedef struct {
	void *ctx;
	int32_t (*init)(void *ctx, wt_aead_alg alg, const uint8_t *key, size_t key_len);
	int (*seal)(void *ctx, int32_t h, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		uint8_t *data, size_t len, uint8_t *tag);
	int (*open)(void *ctx, int32_t h, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		uint8_t *data, size_t len, const uint8_t *tag);
	void (*free)(void *ctx, int32_t h);
} wt_aead_native;

/* ----------------------------------------------------------- key exchange */

#define WT_GROUP_SECP256R1 0x0017
#define WT_GROUP_SECP384R1 0x0018
#define WT_GROUP_X25519    0x001d
#define WT_GROUP_X25519MLKEM768 0x11ec  /* draft-ietf-tls-ecdhe-mlkem: ML-KEM-768 + X25519, TLS 1.3 only */

/*
 * Key-exchange storage, sized by the largest row of the group table in
 * wt_kex.c (each row is checked against these at compile time there). A
 * row whose private key is large (ML-KEM-768's decapsulation key is 2400
 * bytes) keeps its 64-byte seed in `priv` (with the X25519 scalar) and
 * regenerates the key in its shared-secret function.
 */
#define WT_KEX_PRIV_MAX   96     /* private bytes kept per handshake (X25519MLKEM768: ML-KEM seed 64 + X25519 scalar 32) */
#define WT_KEX_PUB_MAX    1216   /* our key share (X25519MLKEM768: ek 1184 || X25519 32) */
#define WT_KEX_PEER_MAX   1120   /* the server's share (X25519MLKEM768: ct 1088 || X25519 32) */
#define WT_KEX_SHARED_MAX 64     /* shared secret (X25519MLKEM768: ML-KEM ss 32 || X25519 32) */

typedef struct wt_group wt_group;

/** \brief An ephemeral key pair for one handshake. Wipe with wt_kex_wipe(). */
typedef struct {
	uint16_t group;
	uint8_t priv[WT_KEX_PRIV_MAX];
	size_t priv_len;
	uint8_t pub[WT_KEX_PUB_MAX];   /* X25519: 32 bytes; NIST: 0x04 || X || Y; hybrid: ek || X25519 */
	size_t pub_len;
} wt_kex;

/**
 * \brief One key-exchange group (TLS NamedGroup): a row of the table.
 * Adding a group is adding a row (and its three functions).
 */
struct wt_group {
	uint16_t id;                 /* IANA NamedGroup */
	const char *name;            /* IANA name */
	uint16_t pub_len;            /* our share: ClientHello key_share, TLS 1.2 ClientKeyExchange */
	uint16_t peer_len;           /* the server's share (ServerHello key_share, ServerKeyExchange) */
	uint16_t priv_len;           /* bytes kept in wt_kex.priv (<= WT_KEX_PRIV_MAX) */
	uint16_t shared_len;         /* shared secret bytes (<= WT_KEX_SHARED_MAX) */
	uint8_t tls12;               /* usable for TLS 1.2 ECDHE (RFC 8422) */
	int curve;                   /* BearSSL curve id (EC rows) */
	/* fill kx->priv/pub from the RNG; 0, WT_ERR_RNG_FAILURE or WT_ERR_INTERNAL */
	int (*keygen)(const wt_group *g, wt_kex *kx, wt_rng_fn rng, void *rng_ctx);
	/* set a known private key (tests) and compute the public value; 0 or WT_ERR_BAD_ARGUMENT */
	int (*set_private)(const wt_group *g, wt_kex *kx, const uint8_t *priv, size_t priv_len);
	/* shared secret with the peer's share; 0 or WT_ERR_ILLEGAL_PARAMETER */
	int (*derive)(const wt_group *g, const wt_kex *kx, const uint8_t *peer, size_t peer_len,
		uint8_t *shared, size_t *shared_len);
};

/** \brief The groups, in preference order (the order of supported_groups). */
extern const wt_group wt_groups[];
extern const size_t wt_num_groups;

/** \brief The row of a group, or NULL if wasmtls does not implement it. */
const wt_group *wt_group_find(uint16_t group);

/** \brief 1 if the group is one wasmtls implements. */
int wt_kex_supported(uint16_t group);

/** \brief Name of a named group ("X25519MLKEM768", "x25519", "secp256r1", "secp384r1"), or "unknown". */
const char *wt_group_name(uint16_t group);

/**
 * \brief Generate a key pair from the caller's RNG.
 * \return 0, WT_ERR_RNG_FAILURE, or WT_ERR_BAD_ARGUMENT (unknown group).
 */
int wt_kex_generate(wt_kex *kx, uint16_t group, wt_rng_fn rng, void *rng_ctx);

/**
 * \brief Set a known private key (tests, e.g. RFC 8448) and compute the public key.
 * \return 0, or WT_ERR_BAD_ARGUMENT (bad group, length or out-of-range scalar).
 */
int wt_kex_set_private(wt_kex *kx, uint16_t group, const uint8_t *priv, size_t priv_len);

/**
 * \brief Compute the shared secret with the peer's public value.
 * Writes the X coordinate (NIST) or u-coordinate (X25519) to `shared`
 * (at least WT_KEX_SHARED_MAX bytes) and its length to *shared_len.
 * \return 0, or WT_ERR_ILLEGAL_PARAMETER for a malformed or invalid peer
 * point (wrong length, not on the curve, X25519 all-zero result).
 */
int wt_kex_derive(const wt_kex *kx, const uint8_t *peer, size_t peer_len,
	uint8_t *shared, size_t *shared_len);

/**
 * \brief wt_kex_derive for the share of `group` the ClientHello carried:
 * kx's own group, or x25519 when kx is X25519MLKEM768 (its X25519 key is
 * also sent as the x25519 share, draft-ietf-tls-hybrid-design §3.2 allows
 * the reuse). \return as wt_kex_derive; WT_ERR_BAD_ARGUMENT for another group.
 */
int wt_kex_derive_as(const wt_kex *kx, uint16_t group, const uint8_t *peer, size_t peer_len,
	uint8_t *shared, size_t *shared_len);

void wt_kex_wipe(wt_kex *kx);

/* ------------------------------------------------------------ signatures */

/* TLS SignatureScheme code points (RFC 8446 §4.2.3). */
#define WT_SIG_RSA_PKCS1_SHA256      0x0401
#define WT_SIG_RSA_PKCS1_SHA384      0x0501
#define WT_SIG_RSA_PKCS1_SHA512      0x0601
#define WT_SIG_ECDSA_SECP256R1_SHA256 0x0403
#define WT_SIG_ECDSA_SECP384R1_SHA384 0x0503
#define WT_SIG_ECDSA_SECP521R1_SHA512 0x0603
#define WT_SIG_RSA_PSS_RSAE_SHA256   0x0804
#define WT_SIG_RSA_PSS_RSAE_SHA384   0x0805
#define WT_SIG_RSA_PSS_RSAE_SHA512   0x0806

/** \brief Largest RSA modulus accepted, in bytes (8192 bits). */
#define WT_RSA_MAX_BYTES 1024

/**
 * \brief A public key with its own storage (the peer's leaf key, copied out
 * of the X.509 context so it outlives it). `key` points into `buf`.
 */
typedef struct {
	br_x509_pkey key;
	uint8_t buf[WT_RSA_MAX_BYTES + 8];
} wt_pubkey;

/** \brief Copy a BearSSL public key into owned storage. \return 0 or WT_ERR_BAD_CERTIFICATE (too large). */
int wt_pubkey_copy(wt_pubkey *dst, const br_x509_pkey *src);

/** \brief The hash function of a signature scheme, or NULL if unknown. */
const br_hash_class *wt_sig_hash(uint16_t scheme);

/**
 * \brief Verify `sig` over `msg` (hashed here with the scheme's hash).
 * The key type and, for ECDSA in TLS 1.3, the curve must match the scheme.
 * ECDSA signatures are DER (strict: minimal lengths and integers).
 * \return 0 (valid), WT_ERR_BAD_SIGNATURE (invalid), or WT_ERR_ILLEGAL_PARAMETER
 * (scheme unknown or not usable with this key).
 */
int wt_sig_verify(uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/**
 * \brief As wt_sig_verify, with TLS 1.2 semantics for ECDSA: the scheme
 * (hash, ecdsa) names only the hash and any supported curve of the key is
 * accepted (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10).
 */
int wt_sig_verify_tls12(uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/**
 * \brief RSASSA-PSS verification (RFC 8017 §8.1.2) with MGF1 over the same hash.
 * `hash` is the already computed message digest.
 * \return 1 if valid, 0 otherwise.
 */
int wt_rsa_pss_verify(const br_rsa_public_key *pk, const br_hash_class *hf,
	const uint8_t *hash, size_t hash_len, size_t salt_len,
	const uint8_t *sig, size_t sig_len);

/**
 * \brief Strict DER ECDSA signature to raw r||s (each padded to `field_len`).
 * \return raw length (2*field_len), or 0 if the encoding is not strict DER.
 */
size_t wt_ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t *raw, size_t field_len);

#endif
