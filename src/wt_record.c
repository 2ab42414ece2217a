/*
 * wt_record.c — record protection: TLS 1.3 (per-record nonce, header as AAD,
 * inner content type and padding) and TLS 1.2 AEAD (explicit GCM nonce or
 * ChaCha20's XOR nonce, pseudo-header AAD).
 */
#include "wt_record.h"
#include "wt_keysched.h"
#include "wt_bytes.h"
#include "wt_error.h"

/* ---- the host's AEAD (wt_aead_native), with wt_aead doing whatever it cannot */

static void
wt_record_native_free(wt_record_dir *d)
{
	if (d->nh > 0 && d->native.free) d->native.free(d->native.ctx, d->nh);
	d->nh = 0;
}

/* A new key: expand it for wt_aead (always) and hand a copy to the host. */
static void
wt_record_key(wt_record_dir *d, wt_aead_alg alg, const uint8_t *key, size_t key_len)
{
	wt_record_native_free(d);
	wt_aead_init(&d->key, alg, key, key_len);
	if (d->native.init && d->native.seal && d->native.open && d->native.free) {
		int32_t h = d->native.init(d->native.ctx, alg, key, key_len);
		d->nh = h > 0 ? h : 0;
	}
}

static void
wt_record_aead_seal(wt_record_dir *d, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
	uint8_t *data, size_t len, uint8_t *tag)
{
	if (d->nh > 0 && d->native.seal(d->native.ctx, d->nh, nonce, aad, aad_len, data, len, tag) == 0) return;
	wt_aead_seal(&d->key, nonce, aad, aad_len, data, len, tag);
}

/* \return 1 valid (plaintext in data), 0 invalid (data wiped). */
static int
wt_record_aead_open(wt_record_dir *d, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
	uint8_t *data, size_t len, const uint8_t *tag)
{
	if (d->nh > 0) {
		int r = d->native.open(d->native.ctx, d->nh, nonce, aad, aad_len, data, len, tag);
		if (r == 1) return 1;
		if (r == 0) {
			if (len) wt_wipe(data, len);
			return 0;
		}
	}
	return wt_aead_open(&d->key, nonce, aad, aad_len, data, len, tag);
}

void
wt_record_dir_set(wt_record_dir *d, const br_hash_class *hash, wt_aead_alg alg,
	const uint8_t *secret)
{
	uint8_t key[32];
	size_t key_len = wt_aead_key_len(alg);
	wt_ks_traffic_key(hash, secret, key_len, key, d->iv);
	wt_record_key(d, alg, key, key_len);
	wt_wipe(key, sizeof key);
	d->seq = 0;
	d->tls12 = 0;
	d->explicit_nonce = 0;
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

void
wt_record_dir_set12(wt_record_dir *d, wt_aead_alg alg, const uint8_t *key, const uint8_t *iv)
{
	wt_record_key(d, alg, key, wt_aead_key_len(alg));
	d->explicit_nonce = alg != WT_AEAD_CHACHA20_POLY1305;
	memset(d->iv, 0, sizeof d->iv);
	memcpy(d->iv, iv, d->explicit_nonce ? 4 : WT_AEAD_NONCE_LEN);
	d->seq = 0;
	d->tls12 = 1;
	d->on = 1;
}

/* TLS 1.2 additional data: seq_num || type || version || length (RFC 5246 §6.2.3.3). */
static void
wt_record_aad12(const wt_record_dir *d, uint8_t type, size_t len, uint8_t aad[13])
{
	wt_put_u64(aad, d->seq);
	aad[8] = type;
	aad[9] = 0x03;
	aad[10] = 0x03;
	wt_put_u16(aad + 11, (uint32_t)len);
}

static size_t
wt_record_seal12(wt_record_dir *d, uint8_t *rec, uint8_t type, size_t len)
{
	uint8_t nonce[WT_AEAD_NONCE_LEN], aad[13];
	uint8_t *data = rec + 5;
	size_t ct_len = len + WT_AEAD_TAG_LEN;
	if (d->explicit_nonce) {
		memmove(rec + 5 + 8, rec + 5, len);
		wt_put_u64(rec + 5, d->seq);           /* explicit nonce = sequence number */
		memcpy(nonce, d->iv, 4);
		memcpy(nonce + 4, rec + 5, 8);
		data += 8;
		ct_len += 8;
	} else {
		wt_record_nonce(d, nonce);
	}
	rec[0] = type;
	rec[1] = 0x03;
	rec[2] = 0x03;
	wt_put_u16(rec + 3, (uint32_t)ct_len);
	wt_record_aad12(d, type, len, aad);
	wt_record_aead_seal(d, nonce, aad, sizeof aad, data, len, data + len);
	d->seq++;
	return 5 + ct_len;
}

static int
wt_record_open12(wt_record_dir *d, uint8_t *rec, size_t rec_len, uint8_t *type, size_t *pt_len)
{
	uint8_t nonce[WT_AEAD_NONCE_LEN], aad[13];
	size_t pre = d->explicit_nonce ? 8 : 0;
	if (rec_len < 5 + pre + WT_AEAD_TAG_LEN) return WT_ERR_BAD_RECORD_MAC;
	size_t len = rec_len - 5 - pre - WT_AEAD_TAG_LEN;
	uint8_t *data = rec + 5 + pre;
	if (d->explicit_nonce) {
		memcpy(nonce, d->iv, 4);
		memcpy(nonce + 4, rec + 5, 8);
	} else {
		wt_record_nonce(d, nonce);
	}
	wt_record_aad12(d, rec[0], len, aad);
	if (!wt_record_aead_open(d, nonce, aad, sizeof aad, data, len, data + len))
		return WT_ERR_BAD_RECORD_MAC;
	d->seq++;
	if (len > WT_MAX_PLAINTEXT) return WT_ERR_RECORD_OVERFLOW;
	if (pre) memmove(rec + 5, data, len);
	*type = rec[0];
	*pt_len = len;
	return 0;
}

size_t
wt_record_seal(wt_record_dir *d, uint8_t *rec, uint8_t type, size_t len)
{
	uint8_t nonce[WT_AEAD_NONCE_LEN];
	if (d->tls12) return wt_record_seal12(d, rec, type, len);
	size_t ct_len = len + 1 + WT_AEAD_TAG_LEN;
	rec[0] = WT_CT_APPLICATION_DATA;
	rec[1] = 0x03;
	rec[2] = 0x03;
	wt_put_u16(rec + 3, (uint32_t)ct_len);
	rec[5 + len] = type;
	wt_record_nonce(d, nonce);
	wt_record_aead_seal(d, nonce, rec, 5, rec + 5, len + 1, rec + 5 + len + 1);
	d->seq++;
	return 5 + ct_len;
}

int
wt_record_open(wt_record_dir *d, uint8_t *rec, size_t rec_len, uint8_t *type, size_t *pt_len)
{
	uint8_t nonce[WT_AEAD_NONCE_LEN];
	if (d->tls12) return wt_record_open12(d, rec, rec_len, type, pt_len);
	if (rec_len < 5 + 1 + WT_AEAD_TAG_LEN) return WT_ERR_BAD_RECORD_MAC;
	size_t ct_len = rec_len - 5;
	size_t len = ct_len - WT_AEAD_TAG_LEN;
	wt_record_nonce(d, nonce);
	if (!wt_record_aead_open(d, nonce, rec, 5, rec + 5, len, rec + 5 + len))
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
	wt_aead_native native = d->native;
	wt_record_native_free(d);
	wt_aead_wipe(&d->key);
	wt_wipe(d, sizeof *d);
	d->native = native;   /* the hook, not a secret: the next keys use it too */
}

size_t
wt_record_seal_overhead(const wt_record_dir *d)
{
	return 5 + WT_AEAD_TAG_LEN + (!d->tls12 ? 1 : d->explicit_nonce ? 8 : 0);
}
