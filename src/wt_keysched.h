/*
 * wt_keysched.h — the TLS 1.3 key schedule (RFC 8446 §7.1).
 *
 *            0
 *            |
 *   PSK ->  HKDF-Extract = Early Secret
 *            |
 *   (EC)DHE -> HKDF-Extract( Derive-Secret(., "derived", "") ) = Handshake Secret
 *            +--> client/server handshake traffic secrets (hash of CH..SH)
 *            |
 *   0 ->  HKDF-Extract( Derive-Secret(., "derived", "") ) = Master Secret
 *            +--> client/server application traffic secrets (hash of CH..server Finished)
 *
 * Every secret lives in the caller-owned wt_keysched; wipe it with
 * wt_ks_wipe() (the engine does so when it is wiped).
 */
#ifndef WT_KEYSCHED_H
#define WT_KEYSCHED_H

#include <stddef.h>
#include <stdint.h>
#include "wt_crypto.h"

typedef struct {
	const br_hash_class *hash;
	size_t hlen;
	uint8_t secret[WT_MAX_HASH_LEN];       /* current stage: early, handshake, master */
	uint8_t c_hs[WT_MAX_HASH_LEN];         /* client_handshake_traffic_secret */
	uint8_t s_hs[WT_MAX_HASH_LEN];         /* server_handshake_traffic_secret */
	uint8_t c_ap[WT_MAX_HASH_LEN];         /* client_application_traffic_secret_N */
	uint8_t s_ap[WT_MAX_HASH_LEN];         /* server_application_traffic_secret_N */
} wt_keysched;

/**
 * \brief HKDF-Expand-Label(secret, label, context, length); `label` without
 * the "tls13 " prefix. \return 0, or -1 if label/context are too long.
 */
int wt_hkdf_expand_label(const br_hash_class *hash, const uint8_t *secret,
	const char *label, const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len);

/** \brief Start the schedule: Early Secret with no PSK. */
void wt_ks_init(wt_keysched *ks, const br_hash_class *hash);

/** \brief Start the schedule: Early Secret = HKDF-Extract(0, psk) (resumption, §4.6.1). */
void wt_ks_init_psk(wt_keysched *ks, const br_hash_class *hash, const uint8_t *psk, size_t psk_len);
/**
 * \brief PSK binder (§4.2.11.2): HMAC(finished_key(Derive-Secret(Early Secret, "res binder", "")), th),
 * `th` the transcript hash up to the binders list; hlen bytes. Needs wt_ks_init_psk first.
 */
void wt_ks_binder(const wt_keysched *ks, const uint8_t *th, uint8_t *out);
/** \brief client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", th), th = Hash(ClientHello). */
void wt_ks_early_traffic(const wt_keysched *ks, const uint8_t *th, uint8_t *out);
/**
 * \brief resumption_master_secret = Derive-Secret(Master Secret, "res master", th),
 * `th` covering ClientHello..client Finished; call after wt_ks_application. hlen bytes.
 */
void wt_ks_resumption(const wt_keysched *ks, const uint8_t *th, uint8_t *out);
/** \brief The PSK of one ticket: HKDF-Expand-Label(res_master, "resumption", ticket_nonce, hlen). */
void wt_ks_ticket_psk(const wt_keysched *ks, const uint8_t *res_master, const uint8_t *nonce, size_t nonce_len, uint8_t *out);
/**
 * \brief Handshake Secret from the (EC)DHE shared secret, and both handshake
 * traffic secrets from `th`, the transcript hash of ClientHello..ServerHello.
 */
void wt_ks_handshake(wt_keysched *ks, const uint8_t *shared, size_t shared_len, const uint8_t *th);

/** \brief Master Secret and both application traffic secrets; `th` covers ClientHello..server Finished. */
void wt_ks_application(wt_keysched *ks, const uint8_t *th);

/** \brief early_exporter_master_secret = Derive-Secret(Early Secret, "e exp master", th), th = Hash(ClientHello) (for the key log). */
void wt_ks_early_exporter(const wt_keysched *ks, const uint8_t *th, uint8_t *out);
/** \brief exporter_master_secret = Derive-Secret(Master Secret, "exp master", th) (for the key log); after wt_ks_application. */
void wt_ks_exporter(const wt_keysched *ks, const uint8_t *th, uint8_t *out);

/** \brief Finished verify_data = HMAC(finished_key(base_secret), th); hlen bytes. */
void wt_ks_finished(const wt_keysched *ks, const uint8_t *base_secret, const uint8_t *th, uint8_t *out);

/** \brief KeyUpdate: secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length), in place. */
void wt_ks_update(const wt_keysched *ks, uint8_t *secret);

/** \brief Traffic key and IV from a traffic secret. */
void wt_ks_traffic_key(const br_hash_class *hash, const uint8_t *secret,
	size_t key_len, uint8_t *key, uint8_t iv[WT_AEAD_NONCE_LEN]);

void wt_ks_wipe(wt_keysched *ks);

#endif
