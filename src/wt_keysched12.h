/*
 * wt_keysched12.h — the TLS 1.2 key schedule (RFC 5246 §5, §6.3, §7.4.9;
 * RFC 7627 extended master secret), on the suite's hash (SHA-256, or
 * SHA-384 for the AES-256-GCM suites).
 *
 *   pre_master_secret (ECDHE shared X / u coordinate)
 *     │ PRF(., "extended master secret", session_hash)   (RFC 7627)
 *     │ or PRF(., "master secret", client_random + server_random)
 *     ▼
 *   master_secret (48 bytes)
 *     ├─ PRF(., "key expansion", server_random + client_random)
 *     │    → client_write_key, server_write_key, client_write_IV, server_write_IV
 *     └─ PRF(., "client finished" | "server finished", Hash(handshake)) → 12 bytes
 *
 * Pure functions over caller buffers; no allocation. Callers wipe secrets.
 */
#ifndef WT_KEYSCHED12_H
#define WT_KEYSCHED12_H

#include <stddef.h>
#include <stdint.h>
#include "wt_crypto.h"

#define WT_TLS12_MASTER_LEN   48
#define WT_TLS12_VERIFY_LEN   12

/**
 * \brief The TLS 1.2 PRF, P_hash(secret, label || seed1 || seed2) (RFC 5246 §5),
 * writing `out_len` bytes. `seed2` may be NULL when seed2_len is 0.
 */
void wt_prf12(const br_hash_class *hash, const uint8_t *secret, size_t secret_len,
	const char *label, const uint8_t *seed1, size_t seed1_len,
	const uint8_t *seed2, size_t seed2_len, uint8_t *out, size_t out_len);

/**
 * \brief master_secret with the extended master secret (RFC 7627 §4):
 * PRF(pms, "extended master secret", session_hash) where session_hash is the
 * transcript hash through ClientKeyExchange.
 */
void wt_tls12_master_ems(const br_hash_class *hash, const uint8_t *pms, size_t pms_len,
	const uint8_t *session_hash, size_t hash_len, uint8_t master[WT_TLS12_MASTER_LEN]);

/** \brief master_secret without EMS (RFC 5246 §8.1): PRF(pms, "master secret", cr || sr). */
void wt_tls12_master(const br_hash_class *hash, const uint8_t *pms, size_t pms_len,
	const uint8_t client_random[32], const uint8_t server_random[32],
	uint8_t master[WT_TLS12_MASTER_LEN]);

/**
 * \brief The AEAD key block (RFC 5246 §6.3 with no MAC keys): writes
 * key_len bytes of client and server write keys and iv_len bytes of each
 * write IV (4 for AES-GCM's implicit part, 12 for ChaCha20-Poly1305).
 */
void wt_tls12_key_block(const br_hash_class *hash, const uint8_t master[WT_TLS12_MASTER_LEN],
	const uint8_t client_random[32], const uint8_t server_random[32],
	size_t key_len, size_t iv_len, uint8_t *c_key, uint8_t *s_key, uint8_t *c_iv, uint8_t *s_iv);

/**
 * \brief Finished verify_data = PRF(master, "client finished" or "server
 * finished", handshake_hash)[0..11]; `client` selects the label.
 */
void wt_tls12_finished(const br_hash_class *hash, const uint8_t master[WT_TLS12_MASTER_LEN],
	int client, const uint8_t *handshake_hash, size_t hash_len, uint8_t out[WT_TLS12_VERIFY_LEN]);

#endif
