/*
 * wt_hkdf.c — HKDF (RFC 5869) and one-shot HMAC on BearSSL's br_hmac.
 *
 * BearSSL's own br_hkdf couples Extract and Expand in one context, so it
 * cannot expand from a PRK that was produced elsewhere; the TLS 1.3 key
 * schedule does exactly that (HKDF-Expand-Label from each secret), so the
 * two halves are written here directly on HMAC.
 */
#include "wt_crypto.h"
#include "wt_bytes.h"

/*
 * Hash output length of a br_hash_class, read from its descriptor.
 */
static size_t
wt_hash_len(const br_hash_class *hash)
{
	return (size_t)((hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
}

void
wt_hmac(const br_hash_class *hash, const uint8_t *key, size_t key_len,
	const uint8_t *data, size_t data_len, uint8_t *out)
{
	static const uint8_t empty[1] = { 0 };
	br_hmac_key_context kc;
	br_hmac_context hc;

	/* Never hand NULL to memcpy inside BearSSL, even with length 0. */
	br_hmac_key_init(&kc, hash, key_len ? key : empty, key_len);
	br_hmac_init(&hc, &kc, 0);
	if (data_len) {
		br_hmac_update(&hc, data, data_len);
	}
	br_hmac_out(&hc, out);
	wt_wipe(&kc, sizeof kc);
	wt_wipe(&hc, sizeof hc);
}

void
wt_hkdf_extract(const br_hash_class *hash,
	const uint8_t *salt, size_t salt_len,
	const uint8_t *ikm, size_t ikm_len, uint8_t *prk)
{
	/*
	 * An absent salt is HashLen zero bytes (RFC 5869 §2.2). HMAC pads
	 * its key with zeros up to the block length, so an empty key gives
	 * the same result; we still pass the explicit zeros for clarity.
	 */
	uint8_t zeros[WT_MAX_HASH_LEN];

	if (salt == NULL || salt_len == 0) {
		memset(zeros, 0, sizeof zeros);
		salt = zeros;
		salt_len = wt_hash_len(hash);
	}
	wt_hmac(hash, salt, salt_len, ikm, ikm_len, prk);
}

int
wt_hkdf_expand(const br_hash_class *hash,
	const uint8_t *prk, size_t prk_len,
	const uint8_t *info, size_t info_len,
	uint8_t *out, size_t out_len)
{
	static const uint8_t empty[1] = { 0 };
	br_hmac_key_context kc;
	br_hmac_context hc;
	uint8_t t[WT_MAX_HASH_LEN];
	size_t hlen, done, tlen;
	unsigned ctr;

	hlen = wt_hash_len(hash);
	if (out_len > 255 * hlen) {
		return -1;
	}

	/*
	 * T(0) = empty; T(i) = HMAC(PRK, T(i-1) || info || i), for
	 * i = 1..ceil(L/HashLen); OKM is the first L bytes of T(1)||T(2)...
	 * The HMAC key schedule is computed once and reused per block.
	 */
	br_hmac_key_init(&kc, hash, prk_len ? prk : empty, prk_len);
	tlen = 0;
	done = 0;
	for (ctr = 1; done < out_len; ctr ++) {
		uint8_t c = (uint8_t)ctr;
		size_t n;

		br_hmac_init(&hc, &kc, 0);
		if (tlen) {
			br_hmac_update(&hc, t, tlen);
		}
		if (info_len) {
			br_hmac_update(&hc, info, info_len);
		}
		br_hmac_update(&hc, &c, 1);
		br_hmac_out(&hc, t);
		tlen = hlen;
		n = out_len - done;
		if (n > hlen) {
			n = hlen;
		}
		memcpy(out + done, t, n);
		done += n;
	}
	wt_wipe(&kc, sizeof kc);
	wt_wipe(&hc, sizeof hc);
	wt_wipe(t, sizeof t);
	return 0;
}
