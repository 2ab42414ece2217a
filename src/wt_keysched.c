/*
 * wt_keysched.c — TLS 1.3 key schedule on wt_hkdf (RFC 8446 §7.1, §4.4.4, §7.2).
 */
#include "wt_keysched.h"
#include "wt_bytes.h"

static size_t
wt_hash_len(const br_hash_class *hash)
{
	return (hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

int
wt_hkdf_expand_label(const br_hash_class *hash, const uint8_t *secret,
	const char *label, const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len)
{
	/* struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } */
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t label_len = strlen(label);
	if (label_len > 255 - 6 || ctx_len > 255 || out_len > 0xffff) return -1;
	wt_writer w = wt_writer_of(info, sizeof info);
	wt_w_u16(&w, (uint32_t)out_len);
	wt_w_u8(&w, (uint32_t)(6 + label_len));
	wt_w_bytes(&w, "tls13 ", 6);
	wt_w_bytes(&w, label, label_len);
	wt_w_u8(&w, (uint32_t)ctx_len);
	wt_w_bytes(&w, ctx, ctx_len);
	if (w.bad) return -1;
	return wt_hkdf_expand(hash, secret, wt_hash_len(hash), info, w.len, out, out_len);
}

/* Derive-Secret(secret, label, transcript hash) */
static void
wt_derive_secret(const wt_keysched *ks, const uint8_t *secret, const char *label,
	const uint8_t *th, uint8_t *out)
{
	wt_hkdf_expand_label(ks->hash, secret, label, th, ks->hlen, out, ks->hlen);
}

/* Hash("") for the "derived" steps. */
static void
wt_empty_hash(const br_hash_class *hash, uint8_t *out)
{
	br_hash_compat_context hc;
	hash->init(&hc.vtable);
	hash->out(&hc.vtable, out);
}

/* secret = HKDF-Extract(Derive-Secret(secret, "derived", ""), ikm) */
static void
wt_ks_next_stage(wt_keysched *ks, const uint8_t *ikm, size_t ikm_len)
{
	uint8_t empty[WT_MAX_HASH_LEN], salt[WT_MAX_HASH_LEN];
	wt_empty_hash(ks->hash, empty);
	wt_derive_secret(ks, ks->secret, "derived", empty, salt);
	wt_hkdf_extract(ks->hash, salt, ks->hlen, ikm, ikm_len, ks->secret);
	wt_wipe(salt, sizeof salt);
}

void
wt_ks_init(wt_keysched *ks, const br_hash_class *hash)
{
	uint8_t zeros[WT_MAX_HASH_LEN] = { 0 };
	memset(ks, 0, sizeof *ks);
	ks->hash = hash;
	ks->hlen = wt_hash_len(hash);
	wt_hkdf_extract(hash, zeros, ks->hlen, zeros, ks->hlen, ks->secret);
}

void
wt_ks_init_psk(wt_keysched *ks, const br_hash_class *hash, const uint8_t *psk, size_t psk_len)
{
	uint8_t zeros[WT_MAX_HASH_LEN] = { 0 };
	memset(ks, 0, sizeof *ks);
	ks->hash = hash;
	ks->hlen = wt_hash_len(hash);
	wt_hkdf_extract(hash, zeros, ks->hlen, psk, psk_len, ks->secret);
}

void
wt_ks_binder(const wt_keysched *ks, const uint8_t *th, uint8_t *out)
{
	uint8_t empty[WT_MAX_HASH_LEN], binder_key[WT_MAX_HASH_LEN];
	wt_empty_hash(ks->hash, empty);
	wt_derive_secret(ks, ks->secret, "res binder", empty, binder_key);
	wt_ks_finished(ks, binder_key, th, out);
	wt_wipe(binder_key, sizeof binder_key);
}

void
wt_ks_early_traffic(const wt_keysched *ks, const uint8_t *th, uint8_t *out)
{
	wt_derive_secret(ks, ks->secret, "c e traffic", th, out);
}

void
wt_ks_resumption(const wt_keysched *ks, const uint8_t *th, uint8_t *out)
{
	wt_derive_secret(ks, ks->secret, "res master", th, out);
}

void
wt_ks_ticket_psk(const wt_keysched *ks, const uint8_t *res_master, const uint8_t *nonce, size_t nonce_len, uint8_t *out)
{
	wt_hkdf_expand_label(ks->hash, res_master, "resumption", nonce, nonce_len, out, ks->hlen);
}

void
wt_ks_handshake(wt_keysched *ks, const uint8_t *shared, size_t shared_len, const uint8_t *th)
{
	wt_ks_next_stage(ks, shared, shared_len);
	wt_derive_secret(ks, ks->secret, "c hs traffic", th, ks->c_hs);
	wt_derive_secret(ks, ks->secret, "s hs traffic", th, ks->s_hs);
}

void
wt_ks_application(wt_keysched *ks, const uint8_t *th)
{
	uint8_t zeros[WT_MAX_HASH_LEN] = { 0 };
	wt_ks_next_stage(ks, zeros, ks->hlen);
	wt_derive_secret(ks, ks->secret, "c ap traffic", th, ks->c_ap);
	wt_derive_secret(ks, ks->secret, "s ap traffic", th, ks->s_ap);
}

void
wt_ks_early_exporter(const wt_keysched *ks, const uint8_t *th, uint8_t *out)
{
	wt_derive_secret(ks, ks->secret, "e exp master", th, out);
}

void
wt_ks_exporter(const wt_keysched *ks, const uint8_t *th, uint8_t *out)
{
	wt_derive_secret(ks, ks->secret, "exp master", th, out);
}

void
wt_ks_finished(const wt_keysched *ks, const uint8_t *base_secret, const uint8_t *th, uint8_t *out)
{
	uint8_t fk[WT_MAX_HASH_LEN];
	wt_hkdf_expand_label(ks->hash, base_secret, "finished", NULL, 0, fk, ks->hlen);
	wt_hmac(ks->hash, fk, ks->hlen, th, ks->hlen, out);
	wt_wipe(fk, sizeof fk);
}

void
wt_ks_update(const wt_keysched *ks, uint8_t *secret)
{
	uint8_t next[WT_MAX_HASH_LEN];
	wt_hkdf_expand_label(ks->hash, secret, "traffic upd", NULL, 0, next, ks->hlen);
	memcpy(secret, next, ks->hlen);
	wt_wipe(next, sizeof next);
}

void
wt_ks_traffic_key(const br_hash_class *hash, const uint8_t *secret,
	size_t key_len, uint8_t *key, uint8_t iv[WT_AEAD_NONCE_LEN])
{
	wt_hkdf_expand_label(hash, secret, "key", NULL, 0, key, key_len);
	wt_hkdf_expand_label(hash, secret, "iv", NULL, 0, iv, WT_AEAD_NONCE_LEN);
}

void
wt_ks_wipe(wt_keysched *ks)
{
	wt_wipe(ks, sizeof *ks);
}
