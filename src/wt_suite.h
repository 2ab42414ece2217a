/*
 * wt_suite.h — the cipher suites wasmtls offers, as one table (in the manner
 * of picotls's ptls_cipher_suite_t): one row per suite with everything the
 * handshakes and the record layer need to know about it. The rows are in
 * preference order; the ClientHello offers them in that order (TLS 1.3 rows
 * first). Adding a suite is adding a row.
 */
#ifndef WT_SUITE_H
#define WT_SUITE_H

#include <stddef.h>
#include <stdint.h>
#include "bearssl.h"
#include "wt_crypto.h"

#define WT_VERSION_TLS12 0x0303
#define WT_VERSION_TLS13 0x0304

/* TLS 1.3 cipher suites. */
#define WT_TLS_AES_128_GCM_SHA256       0x1301
#define WT_TLS_AES_256_GCM_SHA384       0x1302
#define WT_TLS_CHACHA20_POLY1305_SHA256 0x1303

/* TLS 1.2 cipher suites (ECDHE + AEAD only; RFC 5289, RFC 7905). */
#define WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256       0xC02B
#define WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384       0xC02C
#define WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256         0xC02F
#define WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384         0xC030
#define WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256   0xCCA8
#define WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 0xCCA9

/*
 * Records sealed under one TLS 1.3 AES-GCM write key before we send a
 * KeyUpdate: 2^24, below the RFC 8446 §5.5 limit of 2^24.5.
 */
#define WT_AES_GCM_RECORD_LIMIT ((uint64_t)1 << 24)

/** \brief One cipher suite. */
typedef struct {
	uint16_t id;                 /* IANA code point */
	uint16_t version;            /* WT_VERSION_TLS13 or WT_VERSION_TLS12 */
	const char *name;            /* IANA name */
	const br_hash_class *hash;   /* transcript, HKDF / PRF hash */
	uint8_t hash_len;            /* its output length */
	wt_aead_alg aead;            /* record protection */
	uint8_t key_len;             /* AEAD key bytes */
	uint8_t iv_len;              /* TLS 1.3: 12; TLS 1.2: 4 (GCM implicit salt) or 12 (ChaCha20) */
	int auth_key;                /* TLS 1.2: BR_KEYTYPE_EC or BR_KEYTYPE_RSA for the server key; 0 in 1.3 */
	uint64_t rekey_records;      /* TLS 1.3: records per write key before a KeyUpdate (RFC 8446 §5.5); 0: no limit */
} wt_suite;

/** \brief The suites, in preference order (TLS 1.3 first). */
extern const wt_suite wt_suites[];
extern const size_t wt_num_suites;

/** \brief The row of a suite id, or NULL if wasmtls does not implement it. */
const wt_suite *wt_suite_find(uint16_t id);
/** \brief The row of a suite id for one version, or NULL. */
const wt_suite *wt_suite_find_version(uint16_t id, uint16_t version);

/** \brief The hash of a suite; SHA-256 for an unknown one (the transcript default). */
const br_hash_class *wt_suite_hash(uint16_t suite);
/** \brief The AEAD of a suite, WT_AEAD_NONE if unknown. */
wt_aead_alg wt_suite_aead(uint16_t suite);

/** \brief IANA name of a cipher suite ("TLS_AES_128_GCM_SHA256",
 * "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), or "unknown". */
const char *wt_cipher_name(uint16_t suite);

#endif
