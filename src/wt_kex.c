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
 *
 *   X25519MLKEM768 (0x11EC, draft-ietf-tls-ecdhe-mlkem) ML-KEM-768 (wt_mlkem.c)
 *              then X25519: client share ek || X25519 public (1216),
 *              server share ct || X25519 public (1120), shared secret
 *              ML-KEM ss || X25519 ss (64). TLS 1.3 only. The private state
 *              is the 64-byte ML-KEM seed d || z followed by the X25519
 *              scalar (96 bytes); dk (2400) is rebuilt in derive from the
 *              seed and the ek held in kx->pub (wt_mlkem768_dk_from_seed:
 *              s_hat only, no second KeyGen) and wiped there.
 *
 * The groups are one table (wt_groups): a row names its sizes and its
 * keygen / set-private / shared-secret functions. The public wt_kex_*
 * functions look the row up and call it.
 */
#include "wt_crypto.h"
#include "wt_bytes.h"
#include "wt_error.h"
#include "wt_mlkem.h"

/* How many times a NIST scalar is redrawn before giving up (each draw
 * fails with probability < 2^-32 for P-256 and P-384). */
#define WT_KEX_MAX_DRAWS 8

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

/* ---- the EC rows (X25519, P-256, P-384) */

static int
wt_ec_keygen(const wt_group *g, wt_kex *kx, wt_rng_fn rng, void *rng_ctx)
{
	int draw, err;

	kx->priv_len = g->priv_len;
	for (draw = 0; draw < WT_KEX_MAX_DRAWS; draw ++) {
		if (rng(rng_ctx, kx->priv, g->priv_len) != 0) {
			return WT_ERR_RNG_FAILURE;
		}
		/* X25519 takes any 32 bytes (clamped in mul/mulgen). */
		if (g->curve == BR_EC_curve25519
			|| wt_scalar_in_range(g->curve, kx->priv, g->priv_len))
		{
			err = wt_kex_compute_public(kx, g->curve, g->pub_len);
			return err;
		}
	}
	/* A working RNG essentially never gets here: treat it as broken. */
	return WT_ERR_RNG_FAILURE;
}

static int
wt_ec_set_private(const wt_group *g, wt_kex *kx, const uint8_t *priv, size_t priv_len)
{
	if (priv_len != g->priv_len) {
		return WT_ERR_BAD_ARGUMENT;
	}
	if (g->curve != BR_EC_curve25519 && !wt_scalar_in_range(g->curve, priv, priv_len)) {
		return WT_ERR_BAD_ARGUMENT;
	}
	kx->priv_len = priv_len;
	memcpy(kx->priv, priv, priv_len);
	return wt_kex_compute_public(kx, g->curve, g->pub_len) ? WT_ERR_BAD_ARGUMENT : 0;
}

static int
wt_ec_derive(const wt_group *g, const wt_kex *kx, const uint8_t *peer, size_t peer_len,
	uint8_t *shared, size_t *shared_len)
{
	uint8_t pt[WT_KEX_PEER_MAX];
	int curve = g->curve;
	size_t xlen, i;
	uint32_t ok;

	if (kx->priv_len != g->priv_len) {
		return WT_ERR_BAD_ARGUMENT;
	}
	/* Length and (for NIST curves) the uncompressed-point prefix. */
	if (peer == NULL || peer_len != g->peer_len || peer_len > sizeof pt) {
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
		xlen = g->shared_len;
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

/* ---- the hybrid row X25519MLKEM768: [ML-KEM seed 64 | X25519 scalar 32] */

#define WT_HYB_SEED   WT_MLKEM768_SEED_LEN
#define WT_HYB_PRIV   (WT_MLKEM768_SEED_LEN + 32)
#define WT_HYB_PUB    (WT_MLKEM768_EK_LEN + 32)
#define WT_HYB_PEER   (WT_MLKEM768_CT_LEN + 32)
#define WT_HYB_SHARED (WT_MLKEM768_SS_LEN + 32)

/* Public value from kx->priv: ek || X25519 public. */
static int
wt_hyb_compute_public(wt_kex *kx)
{
	uint8_t dk[WT_MLKEM768_DK_LEN];
	size_t n;
	int err;

	err = wt_mlkem768_keygen_derand(kx->pub, dk, kx->priv, WT_HYB_SEED);
	wt_wipe(dk, sizeof dk);
	if (err) {
		return WT_ERR_INTERNAL;
	}
	n = br_ec_all_m31.mulgen(kx->pub + WT_MLKEM768_EK_LEN, kx->priv + WT_HYB_SEED, 32,
		BR_EC_curve25519);
	if (n != 32) {
		return WT_ERR_INTERNAL;
	}
	kx->pub_len = WT_HYB_PUB;
	return 0;
}

static int
wt_hyb_keygen(const wt_group *g, wt_kex *kx, wt_rng_fn rng, void *rng_ctx)
{
	(void)g;
	kx->priv_len = WT_HYB_PRIV;
	if (rng(rng_ctx, kx->priv, WT_HYB_PRIV) != 0) {
		return WT_ERR_RNG_FAILURE;
	}
	return wt_hyb_compute_public(kx);
}

static int
wt_hyb_set_private(const wt_group *g, wt_kex *kx, const uint8_t *priv, size_t priv_len)
{
	(void)g;
	if (priv_len != WT_HYB_PRIV) {
		return WT_ERR_BAD_ARGUMENT;
	}
	kx->priv_len = priv_len;
	memcpy(kx->priv, priv, priv_len);
	return wt_hyb_compute_public(kx) ? WT_ERR_BAD_ARGUMENT : 0;
}

static int
wt_hyb_derive(const wt_group *g, const wt_kex *kx, const uint8_t *peer, size_t peer_len,
	uint8_t *shared, size_t *shared_len)
{
	uint8_t dk[WT_MLKEM768_DK_LEN];
	uint8_t ss[WT_HYB_SHARED];
	uint8_t pt[32];
	uint32_t ok, acc;
	size_t i;
	int err;

	(void)g;
	if (kx->priv_len != WT_HYB_PRIV || kx->pub_len != WT_HYB_PUB) {
		return WT_ERR_BAD_ARGUMENT;
	}
	/* Exactly ct (1088) || X25519 public (32): anything else is illegal_parameter. */
	if (peer == NULL || peer_len != WT_HYB_PEER) {
		return WT_ERR_ILLEGAL_PARAMETER;
	}
	/* dk from the seed and the ek we sent (kx->pub, computed from that seed
	 * by wt_hyb_compute_public and unchanged since): no second KeyGen. */
	err = wt_mlkem768_dk_from_seed(dk, kx->pub, WT_MLKEM768_EK_LEN, kx->priv, WT_HYB_SEED);
	if (!err) {
		err = wt_mlkem768_decaps(ss, peer, WT_MLKEM768_CT_LEN, dk, sizeof dk);
	}
	wt_wipe(dk, sizeof dk);
	if (err) {
		wt_wipe(ss, sizeof ss);
		return err == WT_ERR_ILLEGAL_PARAMETER ? err : WT_ERR_INTERNAL;
	}
	/* X25519 part: as the x25519 row, with the all-zero (low-order) check. */
	memcpy(pt, peer + WT_MLKEM768_CT_LEN, 32);
	ok = br_ec_all_m31.mul(pt, 32, kx->priv + WT_HYB_SEED, 32, BR_EC_curve25519);
	acc = 0;
	for (i = 0; i < 32; i ++) {
		acc |= pt[i];
	}
	ok &= (acc + 0xFF) >> 8;
	memcpy(ss + WT_MLKEM768_SS_LEN, pt, 32);
	wt_wipe(pt, sizeof pt);
	if (!ok) {
		wt_wipe(ss, sizeof ss);
		return WT_ERR_ILLEGAL_PARAMETER;
	}
	memcpy(shared, ss, WT_HYB_SHARED);
	wt_wipe(ss, sizeof ss);
	*shared_len = WT_HYB_SHARED;
	return 0;
}

/* ---- the table: one row per group, in preference order */

#define WT_EC_ROW(id, name, curve, priv, pub) \
	{ id, name, pub, pub, priv, priv, 1, curve, wt_ec_keygen, wt_ec_set_private, wt_ec_derive }

/* Every row must fit the storage of wt_kex (WT_KEX_*_MAX in wt_crypto.h). */
#define WT_ROW_FITS(priv, pub) _Static_assert((priv) <= WT_KEX_PRIV_MAX && (priv) <= WT_KEX_SHARED_MAX && \
	(pub) <= WT_KEX_PUB_MAX && (pub) <= WT_KEX_PEER_MAX, "a group row exceeds the wt_kex storage")
WT_ROW_FITS(32, 32);
WT_ROW_FITS(32, 65);
WT_ROW_FITS(48, 97);
_Static_assert(WT_HYB_PRIV <= WT_KEX_PRIV_MAX && WT_HYB_PUB <= WT_KEX_PUB_MAX &&
	WT_HYB_PEER <= WT_KEX_PEER_MAX && WT_HYB_SHARED <= WT_KEX_SHARED_MAX,
	"the X25519MLKEM768 row exceeds the wt_kex storage");

const wt_group wt_groups[] = {
	{ WT_GROUP_X25519MLKEM768, "X25519MLKEM768", WT_HYB_PUB, WT_HYB_PEER, WT_HYB_PRIV, WT_HYB_SHARED,
		0, 0, wt_hyb_keygen, wt_hyb_set_private, wt_hyb_derive },
	WT_EC_ROW(WT_GROUP_X25519,    "x25519",    BR_EC_curve25519, 32, 32),
	WT_EC_ROW(WT_GROUP_SECP256R1, "secp256r1", BR_EC_secp256r1,  32, 65),
	WT_EC_ROW(WT_GROUP_SECP384R1, "secp384r1", BR_EC_secp384r1,  48, 97),
};
const size_t wt_num_groups = sizeof wt_groups / sizeof wt_groups[0];

const wt_group *
wt_group_find(uint16_t group)
{
	for (size_t i = 0; i < wt_num_groups; i++) {
		if (wt_groups[i].id == group) {
			return &wt_groups[i];
		}
	}
	return NULL;
}

int
wt_kex_supported(uint16_t group)
{
	return wt_group_find(group) != NULL;
}

const char *
wt_group_name(uint16_t group)
{
	const wt_group *g = wt_group_find(group);
	return g ? g->name : "unknown";
}

int
wt_kex_generate(wt_kex *kx, uint16_t group, wt_rng_fn rng, void *rng_ctx)
{
	const wt_group *g;
	int err;

	if (kx == NULL) {
		return WT_ERR_BAD_ARGUMENT;
	}
	memset(kx, 0, sizeof *kx);
	g = wt_group_find(group);
	if (rng == NULL || g == NULL) {
		return WT_ERR_BAD_ARGUMENT;
	}
	kx->group = group;
	err = g->keygen(g, kx, rng, rng_ctx);
	if (err) {
		wt_kex_wipe(kx);
	}
	return err;
}

int
wt_kex_set_private(wt_kex *kx, uint16_t group, const uint8_t *priv, size_t priv_len)
{
	const wt_group *g;
	int err;

	if (kx == NULL) {
		return WT_ERR_BAD_ARGUMENT;
	}
	memset(kx, 0, sizeof *kx);
	g = wt_group_find(group);
	if (priv == NULL || g == NULL) {
		return WT_ERR_BAD_ARGUMENT;
	}
	kx->group = group;
	err = g->set_private(g, kx, priv, priv_len);
	if (err) {
		wt_kex_wipe(kx);
	}
	return err;
}

int
wt_kex_derive(const wt_kex *kx, const uint8_t *peer, size_t peer_len,
	uint8_t *shared, size_t *shared_len)
{
	const wt_group *g;

	if (kx == NULL || shared == NULL || shared_len == NULL
		|| (g = wt_group_find(kx->group)) == NULL)
	{
		return WT_ERR_BAD_ARGUMENT;
	}
	return g->derive(g, kx, peer, peer_len, shared, shared_len);
}

int
wt_kex_derive_as(const wt_kex *kx, uint16_t group, const uint8_t *peer, size_t peer_len,
	uint8_t *shared, size_t *shared_len)
{
	wt_kex x;
	int err;

	if (kx == NULL) {
		return WT_ERR_BAD_ARGUMENT;
	}
	if (group == kx->group) {
		return wt_kex_derive(kx, peer, peer_len, shared, shared_len);
	}
	if (kx->group != WT_GROUP_X25519MLKEM768 || group != WT_GROUP_X25519 || kx->priv_len != WT_HYB_PRIV) {
		return WT_ERR_BAD_ARGUMENT;
	}
	memset(&x, 0, sizeof x);
	x.group = WT_GROUP_X25519;
	x.priv_len = 32;
	memcpy(x.priv, kx->priv + WT_HYB_SEED, 32);
	err = wt_kex_derive(&x, peer, peer_len, shared, shared_len);
	wt_kex_wipe(&x);
	return err;
}

void
wt_kex_wipe(wt_kex *kx)
{
	if (kx != NULL) {
		wt_wipe(kx, sizeof *kx);
	}
}
