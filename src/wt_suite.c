/*
 * wt_suite.c — the cipher-suite table (see wt_suite.h).
 */
#include "wt_suite.h"

const wt_suite wt_suites[] = {
	/* TLS 1.3: ChaCha20 first (4x faster than AES-GCM in constant-time wasm) */
	{ WT_TLS_CHACHA20_POLY1305_SHA256, WT_VERSION_TLS13, "TLS_CHACHA20_POLY1305_SHA256",
	  &br_sha256_vtable, 32, WT_AEAD_CHACHA20_POLY1305, 32, 12, 0, 0 },
	{ WT_TLS_AES_128_GCM_SHA256, WT_VERSION_TLS13, "TLS_AES_128_GCM_SHA256",
	  &br_sha256_vtable, 32, WT_AEAD_AES_128_GCM, 16, 12, 0, WT_AES_GCM_RECORD_LIMIT },
	{ WT_TLS_AES_256_GCM_SHA384, WT_VERSION_TLS13, "TLS_AES_256_GCM_SHA384",
	  &br_sha384_vtable, 48, WT_AEAD_AES_256_GCM, 32, 12, 0, WT_AES_GCM_RECORD_LIMIT },
	/* TLS 1.2: ChaCha20 first, ECDSA before RSA for the same cipher */
	{ WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, WT_VERSION_TLS12,
	  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	  &br_sha256_vtable, 32, WT_AEAD_CHACHA20_POLY1305, 32, 12, BR_KEYTYPE_EC, 0 },
	{ WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, WT_VERSION_TLS12,
	  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	  &br_sha256_vtable, 32, WT_AEAD_CHACHA20_POLY1305, 32, 12, BR_KEYTYPE_RSA, 0 },
	{ WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, WT_VERSION_TLS12,
	  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	  &br_sha256_vtable, 32, WT_AEAD_AES_128_GCM, 16, 4, BR_KEYTYPE_EC, 0 },
	{ WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, WT_VERSION_TLS12,
	  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	  &br_sha256_vtable, 32, WT_AEAD_AES_128_GCM, 16, 4, BR_KEYTYPE_RSA, 0 },
	{ WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, WT_VERSION_TLS12,
	  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	  &br_sha384_vtable, 48, WT_AEAD_AES_256_GCM, 32, 4, BR_KEYTYPE_EC, 0 },
	{ WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, WT_VERSION_TLS12,
	  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	  &br_sha384_vtable, 48, WT_AEAD_AES_256_GCM, 32, 4, BR_KEYTYPE_RSA, 0 },
};
const size_t wt_num_suites = sizeof wt_suites / sizeof wt_suites[0];

const wt_suite *
wt_suite_find(uint16_t id)
{
	for (size_t i = 0; i < wt_num_suites; i++)
		if (wt_suites[i].id == id) return &wt_suites[i];
	return NULL;
}

const wt_suite *
wt_suite_find_version(uint16_t id, uint16_t version)
{
	const wt_suite *s = wt_suite_find(id);
	return s && s->version == version ? s : NULL;
}

const br_hash_class *
wt_suite_hash(uint16_t suite)
{
	const wt_suite *s = wt_suite_find(suite);
	return s ? s->hash : &br_sha256_vtable;
}

wt_aead_alg
wt_suite_aead(uint16_t suite)
{
	const wt_suite *s = wt_suite_find(suite);
	return s ? s->aead : WT_AEAD_NONE;
}

const char *
wt_cipher_name(uint16_t suite)
{
	const wt_suite *s = wt_suite_find(suite);
	return s ? s->name : "unknown";
}
