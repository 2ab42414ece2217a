/*
 * wt_sig_sign.c — private key decoding and TLS signatures for client certificates.
 */
#include "wt_sig_sign.h"
#include "inner.h"          /* br_mgf1_xor */
#include "wt_bytes.h"
#include "wt_pem.h"
#include "wt_error.h"

static size_t
wt_hlen(const br_hash_class *hf)
{
	return (size_t)((hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
}

/* Copy a decoded key into owned storage. */
static int
wt_privkey_take(wt_privkey *k, br_skey_decoder_context *dc)
{
	const br_ec_private_key *ec = br_skey_decoder_get_ec(dc);
	const br_rsa_private_key *rsa = br_skey_decoder_get_rsa(dc);
	if (ec) {
		if ((ec->curve != BR_EC_secp256r1 && ec->curve != BR_EC_secp384r1) || ec->xlen > sizeof k->buf)
			return WT_ERR_BAD_ARGUMENT;
		memcpy(k->buf, ec->x, ec->xlen);
		k->ec.curve = ec->curve;
		k->ec.x = k->buf;
		k->ec.xlen = ec->xlen;
		k->type = BR_KEYTYPE_EC;
		return 0;
	}
	if (rsa) {
		size_t total = rsa->plen + rsa->qlen + rsa->dplen + rsa->dqlen + rsa->iqlen;
		if (rsa->n_bitlen < 2048 || rsa->n_bitlen > 4096 || total > sizeof k->buf) return WT_ERR_BAD_ARGUMENT;
		uint8_t *p = k->buf;
		k->rsa.n_bitlen = rsa->n_bitlen;
#define WT_TAKE(f) memcpy(p, rsa->f, rsa->f##len); k->rsa.f = p; k->rsa.f##len = rsa->f##len; p += rsa->f##len
		WT_TAKE(p); WT_TAKE(q); WT_TAKE(dp); WT_TAKE(dq); WT_TAKE(iq);
#undef WT_TAKE
		k->type = BR_KEYTYPE_RSA;
		return 0;
	}
	return WT_ERR_BAD_ARGUMENT;
}

typedef struct {
	br_skey_decoder_context *dc;
} wt_pem_job;

static void
wt_pem_to_skey(void *ctx, const void *data, size_t len)
{
	br_skey_decoder_push(((wt_pem_job *)ctx)->dc, data, len);
}

int
wt_privkey_decode(wt_privkey *k, const uint8_t *data, size_t len)
{
	br_skey_decoder_context dc;
	memset(k, 0, sizeof *k);
	br_skey_decoder_init(&dc);
	int err = WT_ERR_BAD_ARGUMENT;
	if (!wt_pem_looks(data, len)) {
		br_skey_decoder_push(&dc, data, len);
		if (br_skey_decoder_last_error(&dc) == 0) err = wt_privkey_take(k, &dc);
	} else {
		wt_pem_text text = { data, len, 0 };
		wt_pem_block b;
		wt_pem_job job = { &dc };
		while (wt_pem_next(&text, &b) == WT_PEM_FOUND) {
			if (!wt_pem_label_is(&b, "PRIVATE KEY") && !wt_pem_label_is(&b, "EC PRIVATE KEY") &&
			    !wt_pem_label_is(&b, "RSA PRIVATE KEY")) continue;
			/* the first key block decides */
			if (wt_pem_decode(&b, wt_pem_to_skey, &job) == 0 && br_skey_decoder_last_error(&dc) == 0)
				err = wt_privkey_take(k, &dc);
			break;
		}
	}
	wt_wipe(&dc, sizeof dc);
	if (err) wt_privkey_wipe(k);
	return err;
}

int
wt_privkey_scheme_ok(const wt_privkey *k, uint16_t scheme, int tls13)
{
	switch (scheme) {
	case WT_SIG_ECDSA_SECP256R1_SHA256:
		return k->type == BR_KEYTYPE_EC && (!tls13 || k->ec.curve == BR_EC_secp256r1);
	case WT_SIG_ECDSA_SECP384R1_SHA384:
		return k->type == BR_KEYTYPE_EC && (!tls13 || k->ec.curve == BR_EC_secp384r1);
	case WT_SIG_RSA_PSS_RSAE_SHA256:
	case WT_SIG_RSA_PSS_RSAE_SHA384:
		return k->type == BR_KEYTYPE_RSA;
	case WT_SIG_RSA_PKCS1_SHA256:
	case WT_SIG_RSA_PKCS1_SHA384:
		return k->type == BR_KEYTYPE_RSA && !tls13;
	default:
		return 0;
	}
}

/* EMSA-PSS-ENCODE (RFC 8017 §9.1.1), salt length = hash length, then the private operation. */
static size_t
wt_rsa_pss_sign(const br_rsa_private_key *sk, const br_hash_class *hf, const uint8_t *mhash,
	wt_rng_fn rng, void *rng_ctx, uint8_t *sig, size_t cap)
{
	size_t hlen = wt_hlen(hf);
	size_t k = (sk->n_bitlen + 7) >> 3;
	size_t em_bits = sk->n_bitlen - 1;
	size_t em_len = (em_bits + 7) >> 3;
	if (cap < k || em_len < 2 * hlen + 2) return 0;
	uint8_t salt[WT_MAX_HASH_LEN], h[WT_MAX_HASH_LEN];
	if (rng(rng_ctx, salt, hlen)) return 0;
	br_hash_compat_context hc;
	static const uint8_t zeros[8] = { 0 };
	hf->init(&hc.vtable);
	hf->update(&hc.vtable, zeros, 8);
	hf->update(&hc.vtable, mhash, hlen);
	hf->update(&hc.vtable, salt, hlen);
	hf->out(&hc.vtable, h);

	uint8_t *em = sig + (k - em_len);
	memset(sig, 0, k);
	size_t db_len = em_len - hlen - 1;
	em[db_len - hlen - 1] = 0x01;                 /* DB = PS || 0x01 || salt */
	memcpy(em + db_len - hlen, salt, hlen);
	br_mgf1_xor(em, db_len, hf, h, hlen);
	em[0] &= (uint8_t)(0xFF >> (8 * em_len - em_bits));
	memcpy(em + db_len, h, hlen);
	em[em_len - 1] = 0xBC;
	wt_wipe(salt, sizeof salt);
	if (!br_rsa_i31_private(sig, sk)) return 0;
	return k;
}

size_t
wt_privkey_sign_hash(const wt_privkey *k, uint16_t scheme, const uint8_t *hash, size_t hash_len,
	wt_rng_fn rng, void *rng_ctx, uint8_t *sig, size_t cap)
{
	const br_hash_class *hf = wt_sig_hash(scheme);
	if (!hf || hash_len != wt_hlen(hf) || !wt_privkey_scheme_ok(k, scheme, 0)) return 0;
	switch (scheme) {
	case WT_SIG_ECDSA_SECP256R1_SHA256:
	case WT_SIG_ECDSA_SECP384R1_SHA384:
		if (cap < 2 * 48 + 9) return 0;
		return br_ecdsa_i31_sign_asn1(&br_ec_all_m31, hf, hash, &k->ec, sig);
	case WT_SIG_RSA_PKCS1_SHA256:
	case WT_SIG_RSA_PKCS1_SHA384: {
		size_t len = (k->rsa.n_bitlen + 7) >> 3;
		if (cap < len) return 0;
		const unsigned char *oid = scheme == WT_SIG_RSA_PKCS1_SHA256 ? BR_HASH_OID_SHA256 : BR_HASH_OID_SHA384;
		return br_rsa_i31_pkcs1_sign(oid, hash, hash_len, &k->rsa, sig) ? len : 0;
	}
	case WT_SIG_RSA_PSS_RSAE_SHA256:
	case WT_SIG_RSA_PSS_RSAE_SHA384:
		return wt_rsa_pss_sign(&k->rsa, hf, hash, rng, rng_ctx, sig, cap);
	default:
		return 0;
	}
}

size_t
wt_privkey_sign(const wt_privkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
	wt_rng_fn rng, void *rng_ctx, uint8_t *sig, size_t cap)
{
	const br_hash_class *hf = wt_sig_hash(scheme);
	if (!hf) return 0;
	br_hash_compat_context hc;
	uint8_t hash[WT_MAX_HASH_LEN];
	hf->init(&hc.vtable);
	if (msg_len) hf->update(&hc.vtable, msg, msg_len);
	hf->out(&hc.vtable, hash);
	return wt_privkey_sign_hash(k, scheme, hash, wt_hlen(hf), rng, rng_ctx, sig, cap);
}

void
wt_privkey_wipe(wt_privkey *k)
{
	wt_wipe(k, sizeof *k);
}
