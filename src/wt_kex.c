/*
 * wt_kex.c — ephemeral (EC)DH for the key_share extension.
 *
 *   X25519     br_ec_c25519_m31   (RFC 7748; scalar little-endian, clamped
 *                                  inside BearSSL's mul/mulgen)
 *   secp256r1  br_ec_p256_m31     (scalar big-endian, 0 < d < n)
 *   secp384r1  br_ec_prime_i31
 *
 * all reached through br_ec_all_m31, which dispatches on the curve id.
 * NIST public values are uncompressed points 0x04 || X || Y; the shared
 * secret is the X coordinate (RFC 8446 §7.4.2).
 */
#include "wt_crypto.h"
#include "wt_bytes.h"
#include "wt_error.h"

/* How many times a NIST scalar is redrawn before giving up (each draw
 * fails with probability < 2^-32 for P-256 and P-384). */
#define WT_KEX_MAX_DRAWS 8

/*
 * Curve parameters for a TLS NamedGroup: BearSSL curve id, scalar
 * length and public value length. Returns 0 for unsupported groups.
 */
static int
wt_kex_params(uint16_t group, int *curve, size_t *priv_len, size_t *pub_len)
{
	switch (group) {
	case WT_GROUP_X25519:
		*curve = BR_EC_curve25519; *priv_len = 32; *pub_len = 32;
		return 1;
	case WT_GROUP_SECP256R1:
		*curve = BR_EC_secp256r1; *priv_len = 32; *pub_len = 65;
		return 1;
	case WT_GROUP_SECP384R1:
		*curve = BR_EC_secp384r1; *priv_len = 48; *pub_len = 97;
		return 1;
	default:
		return 0;
	}
}

int
wt_kex_supported(uint16_t group)
{
	int c;
	size_t a, b;

	return wt_kex_params(group, &c, &a, &b);
}

/*
 * Constant-time range check of a big-endian scalar for a prime-order
 * curve: returns 1 when 0 < x < order, 0 otherwise. `len` must equal the
 * order length. Runs in time independent of the value of x.
 */
static int
wt_scalar_in_range(int curve, const uint8_t *x, size_t len)
{
	const unsigned char *order;
	size_t olen, i;
	uint32_t borrow, nz;

	order = br_ec_all_m31.order(curve, &olen);
	if (olen != len) {
		return 0;
	}
	/* x - order: a final borrow means x < order. */
	borrow = 0;
	nz = 0;
	for (i = len; i -- > 0;) {
		uint32_t d = (uint32_t)x[i] - (uint32_t)order[i] - borrow;
		borrow = (d >> 31) & 1;
		nz |= x[i];
	}
	return (int)(borrow & ((nz + 0xFF) >> 8));
}

/*
 * Fill in the public value from kx->priv (already range-checked).
 * Returns 0 or WT_ERR_INTERNAL if BearSSL did not produce the expected
 * length.
 */
static int
wt_kex_compute_public(wt_kex *kx, int curve, size_t pub_len)
{
	size_t n;

	n = br_ec_all_m31.mulgen(kx->pub, kx->priv, kx->priv_len, curve);
	if (n != pub_len) {
		return WT_ERR_INTERNAL;
	}
	kx->pub_len = n;
	return 0;
}

int
wt_kex_generate(wt_kex *kx, uint16_t group, wt_rng_fn rng, void *rng_ctx)
{
	int curve, draw, err;
	size_t priv_len, pub_len;

	if (kx == NULL) {
		return WT_ERR_BAD_ARGUMENT;
	}
	memset(kx, 0, sizeof *kx);
	if (rng == NULL || !wt_kex_params(group, &curve, &priv_len, &pub_len)) {
		return WT_ERR_BAD_ARGUMENT;
	}
	kx->group = group;
	kx->priv_len = priv_len;
	for (draw = 0; draw < WT_KEX_MAX_DRAWS; draw ++) {
		if (rng(rng_ctx, kx->priv, priv_len) != 0) {
			wt_kex_wipe(kx);
			return WT_ERR_RNG_FAILURE;
		}
		/* X25519 takes any 32 bytes (clamped in mul/mulgen). */
		if (curve == BR_EC_curve25519
			|| wt_scalar_in_range(curve, kx->priv, priv_len))
		{
			err = wt_kex_compute_public(kx, curve, pub_len);
			if (err) {
				wt_kex_wipe(kx);
			}
			return err;
		}
	}
	/* A working RNG essentially never gets here: treat it as broken. */
	wt_kex_wipe(kx);
	return WT_ERR_RNG_FAILURE;
}

int
wt_kex_set_private(wt_kex *kx, uint16_t group, const uint8_t *priv, size_t priv_len)
{
	int curve, err;
	size_t want, pub_len;

	if (kx == NULL) {
		return WT_ERR_BAD_ARGUMENT;
	}
	memset(kx, 0, sizeof *kx);
	if (priv == NULL || !wt_kex_params(group, &curve, &want, &pub_len)
		|| priv_len != want)
	{
		return WT_ERR_BAD_ARGUMENT;
	}
	if (curve != BR_EC_curve25519 && !wt_scalar_in_range(curve, priv, priv_len)) {
		return WT_ERR_BAD_ARGUMENT;
	}
	kx->group = group;
	kx->priv_len = priv_len;
	memcpy(kx->priv, priv, priv_len);
	err = wt_kex_compute_public(kx, curve, pub_len);
	if (err) {
		wt_kex_wipe(kx);
		return WT_ERR_BAD_ARGUMENT;
	}
	return 0;
}

int
wt_kex_derive(const wt_kex *kx, const uint8_t *peer, size_t peer_len,
	uint8_t *shared, size_t *shared_len)
{
	uint8_t pt[97];
	int curve;
	size_t priv_len, pub_len, xlen, i;
	uint32_t ok;

	if (kx == NULL || shared == NULL || shared_len == NULL
		|| !wt_kex_params(kx->group, &curve, &priv_len, &pub_len)
		|| kx->priv_len != priv_len)
	{
		return WT_ERR_BAD_ARGUMENT;
	}
	/* Length and (for NIST curves) the uncompressed-point prefix. */
	if (peer == NULL || peer_len != pub_len) {
		return WT_ERR_ILLEGAL_PARAMETER;
	}
	if (curve != BR_EC_curve25519 && peer[0] != 0x04) {
		return WT_ERR_ILLEGAL_PARAMETER;
	}

	/*
	 * BearSSL multiplies in place. For NIST curves mul() decodes the
	 * point and returns 0 when it is not on the curve (or is not a
	 * proper uncompressed encoding). For Curve25519 every 32-byte
	 * string is accepted (top bit masked, RFC 7748), so low-order
	 * points are caught afterwards by the all-zero output check.
	 */
	memcpy(pt, peer, peer_len);
	ok = br_ec_all_m31.mul(pt, peer_len, kx->priv, kx->priv_len, curve);
	if (curve == BR_EC_curve25519) {
		uint32_t acc = 0;

		for (i = 0; i < 32; i ++) {
			acc |= pt[i];
		}
		ok &= (acc + 0xFF) >> 8;
		xlen = 32;
		if (ok) {
			memcpy(shared, pt, 32);
		}
	} else {
		xlen = priv_len;
		if (ok) {
			memcpy(shared, pt + 1, xlen);
		}
	}
	wt_wipe(pt, sizeof pt);
	if (!ok) {
		return WT_ERR_ILLEGAL_PARAMETER;
	}
	*shared_len = xlen;
	return 0;
}

void
wt_kex_wipe(wt_kex *kx)
{
	if (kx != NULL) {
		wt_wipe(kx, sizeof *kx);
	}
}
