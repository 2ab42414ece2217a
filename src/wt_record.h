/*
 * wt_record.h — record protection for TLS 1.3 (RFC 8446 §5.2–5.3) and
 * TLS 1.2 AEAD suites (RFC 5246 §6.2.3.3, RFC 5288 GCM, RFC 7905 ChaCha20).
 *
 * A record is protected in place in the engine's buffers: the caller puts
 * the plaintext at rec + 5 and leaves WT_RECORD_OVERHEAD - 5 bytes of room
 * after it; wt_record_seal writes the header, encrypts and returns the
 * record's total length. wt_record_open reverses that, leaving the plaintext
 * at rec + 5 again.
 *
 *   TLS 1.3  hdr(23) | AEAD(plaintext | type | zero padding) | tag
 *            nonce = iv XOR seq, AAD = header
 *   TLS 1.2  GCM:    hdr(type) | explicit nonce (8) | AEAD(plaintext) | tag
 *                    nonce = iv[0..4] | explicit, explicit = seq
 *            ChaCha: hdr(type) | AEAD(plaintext) | tag, nonce = iv XOR seq
 *            AAD = seq | type | version | plaintext length
 *   (1.2 GCM moves the plaintext by 8 bytes inside the buffer, both ways,
 *   so that every caller sees one layout.)
 */
#ifndef WT_RECORD_H
#define WT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "wt_crypto.h"

#define WT_CT_CHANGE_CIPHER_SPEC 20
#define WT_CT_ALERT              21
#define WT_CT_HANDSHAKE          22
#define WT_CT_APPLICATION_DATA   23

#define WT_MAX_PLAINTEXT   16384
#define WT_MAX_CIPHERTEXT  (16384 + 256)
/**
 * \brief Most bytes a sealed record adds to its plaintext in either version:
 * header and tag, plus the inner type (1.3) or the explicit nonce (1.2 GCM).
 */
#define WT_RECORD_OVERHEAD (5 + 8 + WT_AEAD_TAG_LEN)

/**
 * \brief One direction's protection state. `on` is 0 until keys are installed.
 * A direction starts zeroed (the engine's are, by wt_engine_init): `native`
 * is read by the first wt_record_dir_set*, so stack garbage there would be called.
 */
typedef struct {
	wt_aead_key key;
	uint8_t iv[WT_AEAD_NONCE_LEN];
	uint64_t seq;
	int on;
	int tls12;            /* TLS 1.2 record format */
	int explicit_nonce;   /* TLS 1.2 AES-GCM: 8-byte explicit nonce in each record */
	/* The host's AEAD (wt_crypto.h, wt_aead_native), set by wt_engine_init from
	 * the config and kept across wt_record_dir_wipe; all NULL: wt_aead alone. */
	wt_aead_native native;
	int32_t nh;           /* its handle for the current key, 0 if none */
} wt_record_dir;

/** \brief Install keys derived from a traffic secret; resets the sequence number. */
void wt_record_dir_set(wt_record_dir *d, const br_hash_class *hash, wt_aead_alg alg,
	const uint8_t *secret);

/**
 * \brief Install TLS 1.2 keys from the key block: `iv` is the 4-byte
 * implicit GCM salt or the 12-byte ChaCha20-Poly1305 IV. Resets the sequence number.
 */
void wt_record_dir_set12(wt_record_dir *d, wt_aead_alg alg, const uint8_t *key, const uint8_t *iv);

/**
 * \brief Protect `len` plaintext bytes at rec + 5 as a record of content
 * type `type` (inner type in 1.3, header type in 1.2). Needs room for
 * len + WT_RECORD_OVERHEAD - 5 bytes after rec + 5. \return total record length.
 */
size_t wt_record_seal(wt_record_dir *d, uint8_t *rec, uint8_t type, size_t len);

/** \brief Bytes wt_record_seal adds to a plaintext with these keys (header included). */
size_t wt_record_seal_overhead(const wt_record_dir *d);

/**
 * \brief Authenticate and decrypt a whole record (header included) in place.
 * On success the plaintext is at rec + 5, its length in *pt_len and its
 * content type (1.3: the inner type; 1.2: the header's) in *type.
 * \return 0, WT_ERR_BAD_RECORD_MAC, WT_ERR_RECORD_OVERFLOW (plaintext over
 * 2^14) or WT_ERR_UNEXPECTED_MESSAGE (no inner content type).
 */
int wt_record_open(wt_record_dir *d, uint8_t *rec, size_t rec_len, uint8_t *type, size_t *pt_len);

/** \brief Wipe the keys (and free the host's handle); the native hook stays. */
void wt_record_dir_wipe(wt_record_dir *d);

#endif
