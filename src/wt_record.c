/*
 * wt_record.c — TLS 1.3 record protection: per-record nonce, AAD, inner
 * content type and padding.
 */
#include "wt_record.h"
#include "wt_keysched.h"
#include "wt_bytes.h"
#include "wt_error.h"

void
wt_record_dir_set(wt_record_dir *d, const br_hash_class *hash, wt_aead_alg alg,
	const uint8_t *secret)
{
	uint8_t key[32];
	size_t key_len = wt_aead_key_len(alg);
	wt_ks_traffic_key(hash, secret, key_len, key, d->iv);
	wt_aead_init(&d->key, alg, key, key_len);
	wt_wipe(key, sizeof key);
	d->seq = 0;
	d->on = 1;
}

/* nonce = iv XOR (64-bit big-endian sequence number, left-padded) */
static void
wt_record_nonce(const wt_record_dir *d, uint8_t nonce[WT_AEAD_NONCE_LEN])
{
	uint8_t s[8];
	wt_put_u64(s, d->seq);
	memcpy(nonce, d->iv, WT_AEAD_NONCE_LEN);
	for (int i = 0; i < 8; i++) nonce[4 + i] ^= s[i];
}

size_t
wt_record_seal(wt_record_dir *d, uint8_t *rec, uint8_t type, size_t len)
{
	uint8_t nonce[WT_AEAD_NONCE_LEN];
	size_t ct_len = len + 1 + WT_AEAD_TAG_LEN;
	rec[0] = WT_CT_APPLICATION_DATA;
	rec[1] = 0x03;
	rec[2] = 0x03;
	wt_put_u16(rec + 3, (uint32_t)ct_len);
	rec[5 + len] = type;
	wt_record_nonce(d, nonce);
	wt_aead_seal(&d->key, nonce, rec, 5, rec + 5, len + 1, rec + 5 + len + 1);
	d->seq++;
	return 5 + ct_len;
}

int
wt_record_open(wt_record_dir *d, uint8_t *rec, size_t rec_len, uint8_t *type, size_t *pt_len)
{
	uint8_t nonce[WT_AEAD_NONCE_LEN];
	if (rec_len < 5 + 1 + WT_AEAD_TAG_LEN) return WT_ERR_BAD_RECORD_MAC;
	size_t ct_len = rec_len - 5;
	size_t len = ct_len - WT_AEAD_TAG_LEN;
	wt_record_nonce(d, nonce);
	if (!wt_aead_open(&d->key, nonce, rec, 5, rec + 5, len, rec + 5 + len))
		return WT_ERR_BAD_RECORD_MAC;
	d->seq++;
	/* strip zero padding; the last non-zero byte is the content type */
	while (len > 0 && rec[5 + len - 1] == 0) len--;
	if (len == 0) return WT_ERR_UNEXPECTED_MESSAGE;
	*type = rec[5 + len - 1];
	len--;
	if (len > WT_MAX_PLAINTEXT) return WT_ERR_RECORD_OVERFLOW;
	*pt_len = len;
	return 0;
}

void
wt_record_dir_wipe(wt_record_dir *d)
{
	wt_aead_wipe(&d->key);
	wt_wipe(d, sizeof *d);
}
