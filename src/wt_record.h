/*
 * wt_record.h — TLS 1.3 record protection (RFC 8446 §5.2–5.3).
 *
 * A record is protected in place in the engine's buffers: the caller puts
 * the plaintext at rec + 5 and leaves room for the inner content type and
 * the 16-byte tag after it; wt_record_seal writes the header, encrypts and
 * returns the record's total length. wt_record_open reverses that.
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
/** \brief Bytes a sealed record adds to its plaintext: header, inner type, tag. */
#define WT_RECORD_OVERHEAD (5 + 1 + WT_AEAD_TAG_LEN)

/** \brief One direction's protection state. `on` is 0 until keys are installed. */
typedef struct {
	wt_aead_key key;
	uint8_t iv[WT_AEAD_NONCE_LEN];
	uint64_t seq;
	int on;
} wt_record_dir;

/** \brief Install keys derived from a traffic secret; resets the sequence number. */
void wt_record_dir_set(wt_record_dir *d, const br_hash_class *hash, wt_aead_alg alg,
	const uint8_t *secret);

/**
 * \brief Protect `len` plaintext bytes at rec + 5 with inner type `type`.
 * Needs room for len + 1 + 16 bytes after rec + 5. \return total record length.
 */
size_t wt_record_seal(wt_record_dir *d, uint8_t *rec, uint8_t type, size_t len);

/**
 * \brief Authenticate and decrypt a whole record (header included) in place.
 * On success the plaintext is at rec + 5, its length in *pt_len and its
 * inner content type in *type.
 * \return 0, WT_ERR_BAD_RECORD_MAC, WT_ERR_RECORD_OVERFLOW (plaintext over
 * 2^14) or WT_ERR_UNEXPECTED_MESSAGE (no inner content type).
 */
int wt_record_open(wt_record_dir *d, uint8_t *rec, size_t rec_len, uint8_t *type, size_t *pt_len);

void wt_record_dir_wipe(wt_record_dir *d);

#endif
