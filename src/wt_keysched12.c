/*
 * wt_keysched12.c — TLS 1.2 PRF (P_hash over HMAC), master secret (with and
 * without RFC 7627's extended master secret), AEAD key block and Finished.
 */
#include "wt_keysched12.h"
#include "wt_bytes.h"

static size_t
wt_hash_out_len(const br_hash_class *hash)
{
	return (size_t)((hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
}

/*
 * P_hash(secret, seed) = HMAC(secret, A(1) || seed) || HMAC(secret, A(2) || seed) ...
 * with A(0) = seed and A(i) = HMAC(secret, A(i-1)); seed = label || seed1 || seed2.
 */
void
wt_prf12(const br_hash_class *hash, const uint8_t *secret, size_t secret_len,
	const char *label, const uint8_t *seed1, size_t seed1_len,
	const uint8_t *seed2, size_t seed2_len, uint8_t *out, size_t out_len)
{
	static const uint8_t empty[1] = { 0 };
	br_hmac_key_context kc;
	br_hmac_context hc;
	uint8_t a[WT_MAX_HASH_LEN], block[WT_MAX_HASH_LEN];
	size_t hlen = wt_hash_out_len(hash);
	size_t label_len = strlen(label);

	br_hmac_key_init(&kc, hash, secret_len ? secret : empty, secret_len);
	/* A(1) = HMAC(secret, seed) */
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, label, label_len);
	if (seed1_len) br_hmac_update(&hc, seed1, seed1_len);
	if (seed2_len) br_hmac_update(&hc, seed2, seed2_len);
	br_hmac_out(&hc, a);
	while (out_len) {
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, a, hlen);
		br_hmac_update(&hc, label, label_len);
		if (seed1_len) br_hmac_update(&hc, seed1, seed1_len);
		if (seed2_len) br_hmac_update(&hc, seed2, seed2_len);
		br_hmac_out(&hc, block);
		size_t n = out_len < hlen ? out_len : hlen;
		memcpy(out, block, n);
		out += n;
		out_len -= n;
		if (out_len) {
			br_hmac_init(&hc, &kc, 0);
			br_hmac_update(&hc, a, hlen);
			br_hmac_out(&hc, a);
		}
	}
	wt_wipe(a, sizeof a);
	wt_wipe(block, sizeof block);
	wt_wipe(&kc, sizeof kc);
	wt_wipe(&hc, sizeof hc);
}

void
wt_tls12_master_ems(const br_hash_class *hash, const uint8_t *pms, size_t pms_len,
	const uint8_t *session_hash, size_t hash_len, uint8_t master[WT_TLS12_MASTER_LEN])
{
	wt_prf12(hash, pms, pms_len, "extended master secret", session_hash, hash_len,
		NULL, 0, master, WT_TLS12_MASTER_LEN);
}

void
wt_tls12_master(const br_hash_class *hash, const uint8_t *pms, size_t pms_len,
	const uint8_t client_random[32], const uint8_t server_random[32],
	uint8_t master[WT_TLS12_MASTER_LEN])
{
	wt_prf12(hash, pms, pms_len, "master secret", client_random, 32, server_random, 32,
		master, WT_TLS12_MASTER_LEN);
}

void
wt_tls12_key_block(const br_hash_class *hash, const uint8_t master[WT_TLS12_MASTER_LEN],
	const uint8_t client_random[32], const uint8_t server_random[32],
	size_t key_len, size_t iv_len, uint8_t *c_key, uint8_t *s_key, uint8_t *c_iv, uint8_t *s_iv)
{
	uint8_t kb[2 * 32 + 2 * 12];
	size_t total = 2 * key_len + 2 * iv_len;
	wt_prf12(hash, master, WT_TLS12_MASTER_LEN, "key expansion",
		server_random, 32, client_random, 32, kb, total);
	memcpy(c_key, kb, key_len);
	memcpy(s_key, kb + key_len, key_len);
	memcpy(c_iv, kb + 2 * key_len, iv_len);
	memcpy(s_iv, kb + 2 * key_len + iv_len, iv_len);
	wt_wipe(kb, sizeof kb);
}

void
wt_tls12_finished(const br_hash_class *hash, const uint8_t master[WT_TLS12_MASTER_LEN],
	int client, const uint8_t *handshake_hash, size_t hash_len, uint8_t out[WT_TLS12_VERIFY_LEN])
{
	wt_prf12(hash, master, WT_TLS12_MASTER_LEN, client ? "client finished" : "server finished",
		handshake_hash, hash_len, NULL, 0, out, WT_TLS12_VERIFY_LEN);
}
