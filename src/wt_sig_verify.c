/*
 * wt_sig_verify.c — verification of the server's CertificateVerify (TLS 1.3) and
 * ServerKeyExchange (TLS 1.2) signatures.
 *
 *   ECDSA            strict DER -> raw r||s here, then br_ecdsa_i31_vrfy_raw
 *                    on br_ec_all_m31 (P-256 m31, P-384/P-521 prime_i31)
 *   RSA PKCS#1 v1.5  br_rsa_i31_pkcs1_vrfy, recovered digest compared here
 *   RSA-PSS (rsae)   ours: RFC 8017 EMSA-PSS-VERIFY on br_rsa_i31_public
 *                    and our own MGF1 (BearSSL 0.6 has no PSS)
 *
 * BearSSL's br_ecdsa_asn1_to_raw() is deliberately lenient (non-minimal
 * lengths and integers, over-long zero padding); TLS peers must send DER,
 * so we parse it ourselves and refuse anything that is not strict DER.
 *
 * Note: BearSSL's i31 RSA code caps moduli at BR_MAX_RSA_SIZE (4096 bits);
 * larger keys are copied by wt_pubkey_copy() but never verify.
 */
#include "wt_crypto.h"
#include "wt_sig_verify.h"
#include "wt_bytes.h"
#include "wt_error.h"

/* Output length of a hash function, from its descriptor. */
static size_t
wt_hf_len(const br_hash_class *hf)
{
	return (size_t)((hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
}

/* Strip leading zero bytes of a big-endian integer. */
static const unsigned char *
wt_strip_zeros(const unsigned char *p, size_t *len)
{
	while (*len > 0 && *p == 0) {
		p ++;
		(*len) --;
	}
	return p;
}

/* ------------------------------------------------------------ key copy */

int
wt_pubkey_copy(wt_pubkey *dst, const br_x509_pkey *src)
{
	const unsigned char *n, *e, *q;
	size_t nlen, elen, qlen;

	if (dst == NULL || src == NULL) {
		return WT_ERR_BAD_ARGUMENT;
	}
	switch (src->key_type) {
	case BR_KEYTYPE_RSA:
		nlen = src->key.rsa.nlen;
		elen = src->key.rsa.elen;
		n = wt_strip_zeros(src->key.rsa.n, &nlen);
		e = wt_strip_zeros(src->key.rsa.e, &elen);
		if (nlen == 0 || elen == 0 || nlen > WT_RSA_MAX_BYTES
			|| elen > sizeof dst->buf - nlen)
		{
			return WT_ERR_BAD_CERTIFICATE;
		}
		/* memmove: src may already point into dst->buf. */
		memmove(dst->buf + nlen, e, elen);
		memmove(dst->buf, n, nlen);
		dst->key.key_type = BR_KEYTYPE_RSA;
		dst->key.key.rsa.n = dst->buf;
		dst->key.key.rsa.nlen = nlen;
		dst->key.key.rsa.e = dst->buf + nlen;
		dst->key.key.rsa.elen = elen;
		return 0;
	case BR_KEYTYPE_EC:
		q = src->key.ec.q;
		qlen = src->key.ec.qlen;
		if (qlen == 0 || qlen > sizeof dst->buf) {
			return WT_ERR_BAD_CERTIFICATE;
		}
		memmove(dst->buf, q, qlen);
		dst->key.key_type = BR_KEYTYPE_EC;
		dst->key.key.ec.curve = src->key.ec.curve;
		dst->key.key.ec.q = dst->buf;
		dst->key.key.ec.qlen = qlen;
		return 0;
	default:
		return WT_ERR_UNSUPPORTED_CERTIFICATE;
	}
}

/* --------------------------------------------------------- schemes */

const br_hash_class *
wt_sig_hash(uint16_t scheme)
{
	switch (scheme) {
	case WT_SIG_RSA_PKCS1_SHA256:
	case WT_SIG_ECDSA_SECP256R1_SHA256:
	case WT_SIG_RSA_PSS_RSAE_SHA256:
		return &br_sha256_vtable;
	case WT_SIG_RSA_PKCS1_SHA384:
	case WT_SIG_ECDSA_SECP384R1_SHA384:
	case WT_SIG_RSA_PSS_RSAE_SHA384:
		return &br_sha384_vtable;
	case WT_SIG_RSA_PKCS1_SHA512:
	case WT_SIG_ECDSA_SECP521R1_SHA512:
	case WT_SIG_RSA_PSS_RSAE_SHA512:
		return &br_sha512_vtable;
	default:
		return NULL;
	}
}

/* ------------------------------------------------------- strict DER */

/*
 * Read a DER length: short form, or long form on one or two bytes that
 * is minimal (0x81 only for 128..255, 0x82 only for >= 256). Indefinite
 * length and longer forms are rejected. Sets r->bad on any error.
 */
static size_t
wt_der_len(wt_reader *r)
{
	uint32_t b = wt_r_u8(r);

	if (b < 0x80) {
		return b;
	}
	if (b == 0x81) {
		b = wt_r_u8(r);
		if (b < 0x80) {
			r->bad = 1;
		}
		return b;
	}
	if (b == 0x82) {
		b = wt_r_u16(r);
		if (b < 0x100) {
			r->bad = 1;
		}
		return b;
	}
	r->bad = 1;
	return 0;
}

/*
 * Read one DER INTEGER that must be non-negative and minimally encoded,
 * and write it right-aligned over `field_len` bytes into `out`. Fails
 * (sets r->bad) if the magnitude does not fit in `field_len` bytes.
 */
static void
wt_der_uint(wt_reader *r, uint8_t *out, size_t field_len)
{
	const uint8_t *v;
	size_t len;

	if (wt_r_u8(r) != 0x02) {
		r->bad = 1;
		return;
	}
	len = wt_der_len(r);
	v = wt_r_bytes(r, len);
	if (v == NULL || len == 0) {
		r->bad = 1;
		return;
	}
	if (v[0] & 0x80) {
		/* Negative. */
		r->bad = 1;
		return;
	}
	if (v[0] == 0x00) {
		/* A leading zero is allowed only to clear the sign bit. */
		if (len > 1 && (v[1] & 0x80) == 0) {
			r->bad = 1;
			return;
		}
		if (len > 1) {
			v ++;
			len --;
		}
	}
	if (len > field_len) {
		r->bad = 1;
		return;
	}
	memset(out, 0, field_len - len);
	memcpy(out + field_len - len, v, len);
}

size_t
wt_ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t *raw, size_t field_len)
{
	wt_reader r, seq;
	size_t len;
	const uint8_t *body;

	if (der == NULL || raw == NULL || field_len == 0) {
		return 0;
	}
	r = wt_reader_of(der, der_len);
	if (wt_r_u8(&r) != 0x30) {
		return 0;
	}
	len = wt_der_len(&r);
	body = wt_r_bytes(&r, len);
	if (!wt_r_done(&r) || body == NULL) {
		return 0;
	}
	seq = wt_reader_of(body, len);
	wt_der_uint(&seq, raw, field_len);
	wt_der_uint(&seq, raw + field_len, field_len);
	if (!wt_r_done(&seq)) {
		return 0;
	}
	return 2 * field_len;
}

/* ------------------------------------------------------------ RSA-PSS */

/*
 * MGF1 (RFC 8017 §B.2.1) with hash `hf`: XOR the first `len` bytes of
 * MGF1(seed) into `data`. The seed is the PSS hash value H (public), so
 * nothing here is secret.
 */
static void
wt_mgf1_xor(uint8_t *data, size_t len, const br_hash_class *hf,
	const uint8_t *seed, size_t seed_len)
{
	br_hash_compat_context hc;
	uint8_t t[WT_MAX_HASH_LEN], ctr[4];
	size_t hlen, u, k;
	uint32_t c;

	hlen = wt_hf_len(hf);
	for (c = 0, u = 0; u < len; c ++) {
		ctr[0] = (uint8_t)(c >> 24);
		ctr[1] = (uint8_t)(c >> 16);
		ctr[2] = (uint8_t)(c >> 8);
		ctr[3] = (uint8_t)c;
		hf->init(&hc.vtable);
		hf->update(&hc.vtable, seed, seed_len);
		hf->update(&hc.vtable, ctr, 4);
		hf->out(&hc.vtable, t);
		for (k = 0; k < hlen && u < len; k ++, u ++) {
			data[u] ^= t[k];
		}
	}
}

/*
 * RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) with EMSA-PSS-VERIFY (§9.1.2),
 * MGF1 over the same hash and a fixed salt length.
 *
 * Public checks (lengths) return early. The checks on the encoded
 * message are accumulated into one flag without data-dependent
 * branches, so the result does not reveal which check failed through
 * timing (a habit more than a need: everything here is public).
 */
int
wt_rsa_pss_verify(const br_rsa_public_key *pk, const br_hash_class *hf,
	const uint8_t *hash, size_t hash_len, size_t salt_len,
	const uint8_t *sig, size_t sig_len)
{
	uint8_t em_buf[WT_RSA_MAX_BYTES];
	uint8_t h2[WT_MAX_HASH_LEN];
	static const uint8_t zeros8[8] = { 0 };
	br_hash_compat_context hc;
	const unsigned char *n;
	size_t nlen, hlen, mod_bits, em_bits, em_len, db_len, ps_len, i;
	uint8_t *em, *db, *h, top_mask;
	uint32_t ok, acc, b;

	if (pk == NULL || hf == NULL || hash == NULL || sig == NULL) {
		return 0;
	}
	hlen = wt_hf_len(hf);
	if (hash_len != hlen) {
		return 0;
	}

	/* Modulus length and bit length (leading zero bytes ignored). */
	nlen = pk->nlen;
	n = wt_strip_zeros(pk->n, &nlen);
	if (nlen == 0 || nlen > sizeof em_buf) {
		return 0;
	}
	/* §8.1.2 step 1: the signature is exactly k octets. */
	if (sig_len != nlen) {
		return 0;
	}
	mod_bits = 8 * (nlen - 1);
	for (b = n[0]; b != 0; b >>= 1) {
		mod_bits ++;
	}
	em_bits = mod_bits - 1;
	em_len = (em_bits + 7) >> 3;

	/* §9.1.2 step 3: emLen < hLen + sLen + 2 is inconsistent. */
	if (salt_len > em_len || em_len < hlen + salt_len + 2) {
		return 0;
	}

	/*
	 * §8.1.2 step 2: m = s^e mod n. br_rsa_i31_public() requires
	 * sig_len == modulus length and rejects s >= n.
	 */
	memcpy(em_buf, sig, nlen);
	if (!br_rsa_i31_public(em_buf, nlen, pk)) {
		wt_wipe(em_buf, nlen);
		return 0;
	}

	/*
	 * I2OSP(m, emLen): when modBits - 1 is a multiple of 8, emLen is
	 * k - 1 and the leading octet of the k-octet value must be zero.
	 */
	ok = 1;
	if (em_len < nlen) {
		ok &= ((uint32_t)em_buf[0] - 1) >> 31;
	}
	em = em_buf + (nlen - em_len);

	/* Step 4: rightmost octet is 0xbc. */
	ok &= (((uint32_t)em[em_len - 1] ^ 0xBC) - 1) >> 31;

	/* Step 5: maskedDB || H. */
	db_len = em_len - hlen - 1;
	db = em;
	h = em + db_len;

	/* Step 6: the leftmost 8*emLen - emBits bits of maskedDB are zero. */
	top_mask = (uint8_t)(0xFF >> (8 * em_len - em_bits));
	ok &= (((uint32_t)(db[0] & (uint8_t)~top_mask)) - 1) >> 31;

	/* Steps 7-9: DB = maskedDB xor MGF1(H), clear the top bits. */
	wt_mgf1_xor(db, db_len, hf, h, hlen);
	db[0] &= top_mask;

	/* Step 10: PS (emLen - hLen - sLen - 2 zeros) then 0x01. */
	ps_len = db_len - salt_len - 1;
	acc = 0;
	for (i = 0; i < ps_len; i ++) {
		acc |= db[i];
	}
	ok &= (acc - 1) >> 31;
	ok &= (((uint32_t)db[ps_len] ^ 0x01) - 1) >> 31;

	/* Steps 11-13: H' = Hash(0^8 || mHash || salt). */
	hf->init(&hc.vtable);
	hf->update(&hc.vtable, zeros8, sizeof zeros8);
	hf->update(&hc.vtable, hash, hlen);
	if (salt_len) {
		hf->update(&hc.vtable, db + db_len - salt_len, salt_len);
	}
	hf->out(&hc.vtable, h2);

	/* Step 14. */
	ok &= (uint32_t)wt_ct_equal(h, h2, hlen);

	wt_wipe(em_buf, nlen);
	wt_wipe(h2, sizeof h2);
	return (int)ok;
}

/* ----------------------------------------------------------- dispatch */

/*
 * Everything below is the one check (wt_sig_verify_req): the request is
 * checked and normalized once, then answered by the native hook or by
 * BearSSL on the very same normalized inputs.
 *
 *   ECDSA            r || s (field length each) from the DER signature, then
 *                    br_ecdsa_i31_vrfy_raw on br_ec_all_m31
 *   RSA PKCS#1 v1.5  s^e mod n (br_rsa_i31_public) compared with the whole
 *                    expected encoding 00 01 FF.. 00 DigestInfo H (RFC 8017
 *                    §8.2.2: encode and compare; the DigestInfo with its NULL
 *                    parameters only, as OpenSSL and BoringSSL verify)
 *   RSA-PSS          wt_rsa_pss_verify, salt length = hash length
 */

/*
 * For an ECDSA scheme, the curve it requires and that curve's field
 * (and order) length in bytes; 0 if the scheme is not ECDSA.
 */
static int
wt_ecdsa_curve(uint16_t scheme, size_t *field_len)
{
	switch (scheme) {
	case WT_SIG_ECDSA_SECP256R1_SHA256: *field_len = 32; return BR_EC_secp256r1;
	case WT_SIG_ECDSA_SECP384R1_SHA384: *field_len = 48; return BR_EC_secp384r1;
	case WT_SIG_ECDSA_SECP521R1_SHA512: *field_len = 66; return BR_EC_secp521r1;
	default: return 0;
	}
}

/* 1 if the big-endian value is all zeros. */
static int
wt_is_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	while (len --) {
		acc |= *p ++;
	}
	return acc == 0;
}

/* Field length of a curve BearSSL names, 0 if not one wasmtls verifies with. */
static size_t
wt_curve_field_len(int curve)
{
	switch (curve) {
	case BR_EC_secp256r1: return 32;
	case BR_EC_secp384r1: return 48;
	case BR_EC_secp521r1: return 66;
	default: return 0;
	}
}

/* BearSSL's i31 RSA limit (BR_MAX_RSA_SIZE, 4096 bits; inner.h is not public). */
#define WT_BR_RSA_MAX_BYTES 512

/* Hash of a scheme's high byte (TLS HashAlgorithm), or NULL. */
static const br_hash_class *
wt_scheme_hash(uint16_t scheme)
{
	switch (scheme >> 8) {
	case 2: return &br_sha1_vtable;
	case 3: return &br_sha224_vtable;
	case 4: return &br_sha256_vtable;
	case 5: return &br_sha384_vtable;
	case 6: return &br_sha512_vtable;
	default: return NULL;
	}
}

#define WT_ALG_RSA   1
#define WT_ALG_ECDSA 3
#define WT_ALG_PSS   8

/*
 * The algorithm and hash of `scheme` in `mode`, or 0: the TLS schemes
 * wasmtls verifies (wt_sig_hash), plus SHA-1/SHA-224 with RSA and ECDSA
 * for certificate signatures.
 */
static int
wt_scheme_alg(unsigned mode, uint16_t scheme, const br_hash_class **hf)
{
	switch (scheme) {
	case WT_SIG_RSA_PSS_RSAE_SHA256: *hf = &br_sha256_vtable; return WT_ALG_PSS;
	case WT_SIG_RSA_PSS_RSAE_SHA384: *hf = &br_sha384_vtable; return WT_ALG_PSS;
	case WT_SIG_RSA_PSS_RSAE_SHA512: *hf = &br_sha512_vtable; return WT_ALG_PSS;
	default: break;
	}
	if ((scheme & 0xFF) != WT_ALG_RSA && (scheme & 0xFF) != WT_ALG_ECDSA) return 0;
	if ((scheme >> 8) < 4 && mode != WT_SIGV_CERT) return 0;
	*hf = wt_scheme_hash(scheme);
	return *hf ? (scheme & 0xFF) : 0;
}

/* DigestInfo prefixes (with NULL parameters), RFC 8017 §9.2 note 1. */
static const uint8_t wt_di_sha1[] = { 0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A,
	0x05, 0x00, 0x04, 0x14 };
static const uint8_t wt_di_sha224[] = { 0x30, 0x2D, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
	0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1C };
static const uint8_t wt_di_sha256[] = { 0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
	0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
static const uint8_t wt_di_sha384[] = { 0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
	0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30 };
static const uint8_t wt_di_sha512[] = { 0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
	0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 };

/*
 * RSASSA-PKCS1-v1_5-VERIFY (RFC 8017 §8.2.2): the signature is exactly k
 * octets, s < n, and s^e mod n equals EMSA-PKCS1-v1_5-ENCODE(H) exactly
 * (at least 8 octets of 0xFF). \return 1 if valid.
 */
static int
wt_rsa_pkcs1_verify(const br_rsa_public_key *pk, uint16_t scheme,
	const uint8_t *hash, size_t hlen, const uint8_t *sig, size_t sig_len)
{
	uint8_t em[WT_BR_RSA_MAX_BYTES], want[WT_BR_RSA_MAX_BYTES];
	const uint8_t *di;
	size_t dlen, nlen = pk->nlen, ps;
	int ok;

	switch (scheme >> 8) {
	case 2: di = wt_di_sha1; dlen = sizeof wt_di_sha1; break;
	case 3: di = wt_di_sha224; dlen = sizeof wt_di_sha224; break;
	case 4: di = wt_di_sha256; dlen = sizeof wt_di_sha256; break;
	case 5: di = wt_di_sha384; dlen = sizeof wt_di_sha384; break;
	case 6: di = wt_di_sha512; dlen = sizeof wt_di_sha512; break;
	default: return 0;
	}
	if (sig_len != nlen || nlen > sizeof em || nlen < dlen + hlen + 11) {
		return 0;
	}
	memcpy(em, sig, nlen);
	if (!br_rsa_i31_public(em, nlen, pk)) {
		return 0;
	}
	ps = nlen - 3 - dlen - hlen;
	want[0] = 0x00;
	want[1] = 0x01;
	memset(want + 2, 0xFF, ps);
	want[2 + ps] = 0x00;
	memcpy(want + 3 + ps, di, dlen);
	memcpy(want + 3 + ps + dlen, hash, hlen);
	ok = (int)wt_ct_equal(em, want, nlen);
	wt_wipe(em, nlen);
	return ok;
}

/*
 * Read an ECDSA signature into r || s, each right-aligned on `flen` bytes.
 * Strict DER (wt_ecdsa_der_to_raw), or (certificates) as BearSSL's
 * br_ecdsa_asn1_to_raw reads it, as wt_sig_check did before. A value longer
 * than `flen` bytes is >= n: refused. \return 2 * flen, or 0.
 */
static size_t
wt_ecdsa_sig_raw(unsigned mode, const uint8_t *sig, size_t sig_len, uint8_t *raw, size_t flen)
{
	/*
	 * br_ecdsa_asn1_to_raw converts in place and may expand a malformed
	 * signature (a short r and a long s: 2 * max(len r, len s) bytes):
	 * twice the input, as br_ecdsa_i31_vrfy_asn1 sizes it.
	 */
	uint8_t tmp[288];
	const uint8_t *r, *s;
	size_t half, rl, sl;

	if (mode != WT_SIGV_CERT) {
		return wt_ecdsa_der_to_raw(sig, sig_len, raw, flen);
	}
	if (sig_len > sizeof tmp / 2) {
		return 0;
	}
	memcpy(tmp, sig, sig_len);
	half = br_ecdsa_asn1_to_raw(tmp, sig_len);
	if (half == 0 || (half & 1)) {
		return 0;
	}
	half >>= 1;
	rl = sl = half;
	r = wt_strip_zeros(tmp, &rl);
	s = wt_strip_zeros(tmp + half, &sl);
	if (rl > flen || sl > flen) {
		return 0;
	}
	memset(raw, 0, 2 * flen);
	memcpy(raw + flen - rl, r, rl);
	memcpy(raw + 2 * flen - sl, s, sl);
	return 2 * flen;
}

/* u32 big-endian length, then the bytes: the digest input is unambiguous. */
static void
wt_digest_part(br_sha256_context *h, const uint8_t *p, size_t len)
{
	uint8_t l[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len };
	br_sha256_update(h, l, 4);
	if (len) br_sha256_update(h, p, len);
}

/* The cache key: SHA-256 of the whole normalized request. */
static void
wt_sig_req_digest(uint16_t scheme, const br_x509_pkey *pk, const uint8_t *msg, size_t msg_len,
	const uint8_t *sig, size_t sig_len, uint8_t out[32])
{
	br_sha256_context h;
	uint8_t head[4] = { (uint8_t)(scheme >> 8), (uint8_t)scheme, pk->key_type, 0 };

	br_sha256_init(&h);
	if (pk->key_type == BR_KEYTYPE_EC) {
		head[3] = (uint8_t)pk->key.ec.curve;
		br_sha256_update(&h, head, 4);
		wt_digest_part(&h, pk->key.ec.q, pk->key.ec.qlen);
	} else {
		br_sha256_update(&h, head, 4);
		wt_digest_part(&h, pk->key.rsa.n, pk->key.rsa.nlen);
		wt_digest_part(&h, pk->key.rsa.e, pk->key.rsa.elen);
	}
	wt_digest_part(&h, msg, msg_len);
	wt_digest_part(&h, sig, sig_len);
	br_sha256_out(&h, out);
}

static int
wt_sig_cache_find(const wt_sig_cache *sc, const uint8_t digest[32])
{
	for (unsigned i = 0; i < sc->n; i++) {
		if (memcmp(sc->digest[i], digest, 32) == 0) return (int)i;
	}
	return -1;
}

int
wt_sig_cache_verdict(wt_sig_cache *sc, unsigned i, int verdict)
{
	if (sc == NULL || i >= wt_sig_cache_batch(sc)) return -1;
	if (sc->verdict[sc->base + i] != WT_SIG_NATIVE_PENDING) return -1;
	sc->verdict[sc->base + i] = (int8_t)(verdict == 1 ? WT_SIG_NATIVE_VALID
		: verdict == 0 ? WT_SIG_NATIVE_INVALID : WT_SIG_NATIVE_CANNOT);
	return 0;
}

unsigned
wt_sig_cache_batch(const wt_sig_cache *sc)
{
	return sc ? (unsigned)(sc->n - sc->base) : 0;
}

void
wt_sig_cache_next_round(wt_sig_cache *sc)
{
	for (unsigned i = sc->base; i < sc->n; i++) {
		if (sc->verdict[i] == WT_SIG_NATIVE_PENDING) sc->verdict[i] = WT_SIG_NATIVE_CANNOT;
	}
	sc->base = sc->n;
	sc->waiting = 0;
	sc->sealed = 0;
	if (sc->rounds < 255) sc->rounds++;
}

/*
 * Ask the hook, through the cache: a cached verdict answers at once; a miss
 * asks the hook, and a PENDING answer is recorded (bounded: past the cache
 * or round bound the hook is not asked and BearSSL decides).
 */
static int
wt_sig_ask(const wt_sig_native *nv, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	wt_sig_cache *sc = nv->cache;
	uint8_t digest[32];
	int have = 0, ans;

	if (sc != NULL && sc->n) {
		int slot;
		wt_sig_req_digest(scheme, pk, msg, msg_len, sig, sig_len, digest);
		have = 1;
		slot = wt_sig_cache_find(sc, digest);
		if (slot >= 0) {
			ans = sc->verdict[slot];
			if (ans == WT_SIG_NATIVE_PENDING) {
				sc->waiting = 1;
				return WT_SIG_WAIT;   /* the same request twice in one run: one entry */
			}
			return ans;
		}
	}
	if (sc != NULL && (sc->n >= WT_SIG_CACHE_MAX || sc->rounds >= WT_SIG_ROUNDS_MAX)) {
		/* bounds reached: the hook is not asked (a PENDING answer could not be recorded,
		 * and every PENDING the hook gives must have its slot: the batch is the slots) */
		return WT_SIG_NATIVE_CANNOT;
	}
	ans = nv->fn(nv->ctx, scheme, pk, msg, msg_len, sig, sig_len);
	if (ans != WT_SIG_NATIVE_PENDING) return ans;
	if (sc == NULL) {
		return WT_SIG_NATIVE_CANNOT;
	}
	if (!have) wt_sig_req_digest(scheme, pk, msg, msg_len, sig, sig_len, digest);
	memcpy(sc->digest[sc->n], digest, 32);
	sc->verdict[sc->n] = WT_SIG_NATIVE_PENDING;
	sc->n++;
	sc->waiting = 1;
	return WT_SIG_WAIT;
}

void
wt_sig_cache_seal(wt_sig_cache *sc)
{
	if (sc) sc->sealed = 1;
}

/* wt_sig_req's answer to a prefetch whose request has its slot (never an error code) */
#define WT_SIG_PREFETCHED (-1001)

/* wt_sig_verify_req, or with `prefetch` wt_sig_prefetch: the same normalization, then only the hook. */
static int
wt_sig_req(const wt_sig_native *nv, unsigned mode, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len, int prefetch)
{
	const br_hash_class *hf = NULL;
	br_hash_compat_context hc;
	br_x509_pkey norm;
	uint8_t hash[WT_MAX_HASH_LEN], raw[2 * 66];
	const uint8_t *vsig = sig;
	size_t hlen, vsig_len = sig_len, flen = 0;
	int alg, ok;

	alg = wt_scheme_alg(mode, scheme, &hf);
	if (alg == 0 || pk == NULL) {
		return WT_ERR_ILLEGAL_PARAMETER;
	}
	if (sig == NULL || (msg == NULL && msg_len != 0)) {
		return WT_ERR_BAD_SIGNATURE;
	}
	norm = *pk;
	if (alg == WT_ALG_ECDSA) {
		if (pk->key_type != BR_KEYTYPE_EC) {
			return WT_ERR_ILLEGAL_PARAMETER;
		}
		if (mode == WT_SIGV_TLS13) {
			size_t want;
			int curve = wt_ecdsa_curve(scheme, &want);
			if (curve == 0 || pk->key.ec.curve != curve) {
				return WT_ERR_ILLEGAL_PARAMETER;
			}
		}
		/* TLS 1.2 and certificates: the scheme names the hash; the key names the curve */
		flen = wt_curve_field_len(pk->key.ec.curve);
		if (flen == 0) {
			return WT_ERR_ILLEGAL_PARAMETER;
		}
		/*
		 * BearSSL rejects s == 0 and r, s >= n, but not r == 0;
		 * both zeros are refused here.
		 */
		vsig_len = wt_ecdsa_sig_raw(mode, sig, sig_len, raw, flen);
		if (vsig_len == 0 || wt_is_zero(raw, flen) || wt_is_zero(raw + flen, flen)) {
			return WT_ERR_BAD_SIGNATURE;
		}
		vsig = raw;
	} else {
		size_t nlen, elen;
		if (pk->key_type != BR_KEYTYPE_RSA) {
			return WT_ERR_ILLEGAL_PARAMETER;
		}
		nlen = pk->key.rsa.nlen;
		elen = pk->key.rsa.elen;
		norm.key.rsa.n = (unsigned char *)(uintptr_t)wt_strip_zeros(pk->key.rsa.n, &nlen);
		norm.key.rsa.e = (unsigned char *)(uintptr_t)wt_strip_zeros(pk->key.rsa.e, &elen);
		norm.key.rsa.nlen = nlen;
		norm.key.rsa.elen = elen;
		/* BearSSL's i31 RSA caps moduli at BR_MAX_RSA_SIZE bits: beyond, no path verifies */
		if (nlen == 0 || elen == 0 || nlen > WT_BR_RSA_MAX_BYTES || sig_len != nlen) {
			return WT_ERR_BAD_SIGNATURE;
		}
		/* an even modulus: br_rsa_i31_public refuses it; so does this check, for both paths */
		if ((norm.key.rsa.n[nlen - 1] & 1) == 0) {
			return WT_ERR_BAD_SIGNATURE;
		}
	}

	/* The hook first: the request as documented in wt_sig_verify.h. */
	if (nv != NULL && nv->fn != NULL) {
		int ans = WT_SIG_NATIVE_CANNOT;
		int ask = 1;
		if (alg == WT_ALG_ECDSA) {
			ask = norm.key.ec.qlen == 1 + 2 * flen && norm.key.ec.q[0] == 0x04;
		} else {
			ask = norm.key.rsa.elen <= 8;
		}
		if (prefetch) {
			/* only into the batch of an asynchronous verifier that has not been taken yet */
			wt_sig_cache *sc = nv->cache;
			uint8_t waiting;
			if (!ask || sc == NULL || sc->sealed) return 0;
			waiting = sc->waiting;
			ans = wt_sig_ask(nv, scheme, &norm, msg, msg_len, vsig, vsig_len);
			sc->waiting = waiting;   /* a prefetch is no check of the run */
			return ans == WT_SIG_WAIT || ans == WT_SIG_NATIVE_VALID || ans == WT_SIG_NATIVE_INVALID
				? WT_SIG_PREFETCHED : 0;
		}
		if (ask) {
			ans = wt_sig_ask(nv, scheme, &norm, msg, msg_len, vsig, vsig_len);
		}
		if (ans == WT_SIG_WAIT) {
			return WT_SIG_WAIT;
		}
		if (ans == WT_SIG_NATIVE_VALID) {
			return 0;
		}
		if (ans == WT_SIG_NATIVE_INVALID) {
			return WT_ERR_BAD_SIGNATURE;
		}
		/* CANNOT (or anything else): BearSSL decides */
	}

	if (prefetch) return 0;
	hlen = wt_hf_len(hf);
	hf->init(&hc.vtable);
	if (msg_len) {
		hf->update(&hc.vtable, msg, msg_len);
	}
	hf->out(&hc.vtable, hash);
	switch (alg) {
	case WT_ALG_ECDSA:
		ok = br_ecdsa_i31_vrfy_raw(&br_ec_all_m31, hash, hlen, &norm.key.ec, vsig, vsig_len) == 1;
		break;
	case WT_ALG_RSA:
		ok = wt_rsa_pkcs1_verify(&norm.key.rsa, scheme, hash, hlen, sig, sig_len);
		break;
	default:
		/* RFC 8446 §4.2.3: salt length equals the digest length. */
		ok = wt_rsa_pss_verify(&norm.key.rsa, hf, hash, hlen, hlen, sig, sig_len);
		break;
	}
	return ok ? 0 : WT_ERR_BAD_SIGNATURE;
}

int
wt_sig_verify_req(const wt_sig_native *nv, unsigned mode, uint16_t scheme,
	const br_x509_pkey *pk, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	return wt_sig_req(nv, mode, scheme, pk, msg, msg_len, sig, sig_len, 0);
}

int
wt_sig_prefetch(const wt_sig_native *nv, unsigned mode, uint16_t scheme,
	const br_x509_pkey *pk, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	return wt_sig_req(nv, mode, scheme, pk, msg, msg_len, sig, sig_len, 1) == WT_SIG_PREFETCHED;
}

int
wt_sig_verify_nv(const wt_sig_native *nv, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	return wt_sig_verify_req(nv, WT_SIGV_TLS13, scheme, pk, msg, msg_len, sig, sig_len);
}

int
wt_sig_verify_tls12_nv(const wt_sig_native *nv, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	return wt_sig_verify_req(nv, WT_SIGV_TLS12, scheme, pk, msg, msg_len, sig, sig_len);
}

int
wt_sig_verify(uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	return wt_sig_verify_req(NULL, WT_SIGV_TLS13, scheme, pk, msg, msg_len, sig, sig_len);
}

int
wt_sig_verify_tls12(uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	return wt_sig_verify_req(NULL, WT_SIGV_TLS12, scheme, pk, msg, msg_len, sig, sig_len);
}
