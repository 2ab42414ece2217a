/*
 * wt_ocsp.c — a stapled OCSP response (RFC 6960) for the leaf certificate.
 *
 *   OCSPResponse → responseStatus successful → BasicOCSPResponse
 *   signature over tbsResponseData by the issuer's key, or by a delegated
 *   responder certificate (in `certs`) issued and signed by the issuer and
 *   carrying extendedKeyUsage id-kp-OCSPSigning;
 *   the SingleResponse whose CertID names the leaf (issuerNameHash over the
 *   issuer DN, issuerKeyHash over the issuer key when known, serial number;
 *   SHA-1 or SHA-256); thisUpdate/nextUpdate around `now` (5 min skew; with
 *   no nextUpdate, at most 4 days old); certStatus good / revoked / unknown.
 */
#include "wt_fmt.h"
#include "wt_ocsp.h"
#include "wt_error.h"

static const uint8_t OID_OCSP_BASIC[] = { 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01 };
static const uint8_t OID_SHA1[]   = { 0x2B, 0x0E, 0x03, 0x02, 0x1A };
static const uint8_t OID_SHA256[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
static const uint8_t OID_KP_OCSP[] = { 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09 };
static const uint8_t OID_EKU[]    = { 0x55, 0x1D, 0x25 };
/* signature algorithms → TLS signature schemes (wt_sig_verify) */
static const uint8_t OID_RSA_SHA256[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B };
static const uint8_t OID_RSA_SHA384[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C };
static const uint8_t OID_RSA_SHA512[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0D };
static const uint8_t OID_ECDSA_SHA256[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02 };
static const uint8_t OID_ECDSA_SHA384[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03 };
static const uint8_t OID_ECDSA_SHA512[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04 };

#define OID_IS(v, oid) wt_der_eq(&(v), (oid), sizeof (oid))
#define WT_OCSP_SKEW (5 * 60)
#define WT_OCSP_MAX_AGE (4 * 86400)

static int
wt_detail(char *d, size_t cap, const char *msg)
{
	if (d != NULL && cap > 0) wt_fmt(d, cap, "stapled OCSP response: %s", msg);
	return 0;
}

/* AlgorithmIdentifier (a TLV) → TLS signature scheme, 0 if unsupported. */
static uint16_t
wt_sig_scheme_of(const wt_der_tlv *alg)
{
	wt_reader a = alg->body;
	wt_reader oid = wt_der_expect(&a, WT_DER_OID);
	if (oid.bad) return 0;
	if (OID_IS(oid, OID_RSA_SHA256)) return WT_SIG_RSA_PKCS1_SHA256;
	if (OID_IS(oid, OID_RSA_SHA384)) return WT_SIG_RSA_PKCS1_SHA384;
	if (OID_IS(oid, OID_RSA_SHA512)) return WT_SIG_RSA_PKCS1_SHA512;
	if (OID_IS(oid, OID_ECDSA_SHA256)) return WT_SIG_ECDSA_SECP256R1_SHA256;
	if (OID_IS(oid, OID_ECDSA_SHA384)) return WT_SIG_ECDSA_SECP384R1_SHA384;
	if (OID_IS(oid, OID_ECDSA_SHA512)) return WT_SIG_ECDSA_SECP521R1_SHA512;
	return 0;
}

/* Verify `sig` (BIT STRING contents) over `tbs` with algorithm `alg` and key `pk`. */
static int
wt_signed_ok(const uint8_t *tbs, size_t tbs_len, const wt_der_tlv *alg, wt_reader sig,
	const br_x509_pkey *pk, const wt_sig_native *nv)
{
	uint16_t scheme = wt_sig_scheme_of(alg);
	if (scheme == 0 || sig.n < 2 || sig.p[0] != 0) return 0;
	/* X.509 ecdsa-with-SHAxxx names the hash only: any supported curve of the key (as TLS 1.2) */
	/* WT_SIG_WAIT: assumed valid for this run only (see wt_sig_check) */
	int r = wt_sig_verify_tls12_nv(nv, scheme, pk, tbs, tbs_len, sig.p + 1, sig.n - 1);
	return r == 0 || r == WT_SIG_WAIT;
}

/* Hash `data` with SHA-1 or SHA-256 (by OID) into out; returns the length or 0. */
static size_t
wt_certid_hash(const wt_reader *oid, const uint8_t *data, size_t len, uint8_t out[32])
{
	if (OID_IS(*oid, OID_SHA1)) {
		br_sha1_context c;
		br_sha1_init(&c);
		br_sha1_update(&c, data, len);
		br_sha1_out(&c, out);
		return 20;
	}
	if (OID_IS(*oid, OID_SHA256)) {
		br_sha256_context c;
		br_sha256_init(&c);
		br_sha256_update(&c, data, len);
		br_sha256_out(&c, out);
		return 32;
	}
	return 0;
}

/* Does this CertID name the leaf? */
static int
wt_certid_matches(wt_reader id, const wt_ocsp_subject *s)
{
	wt_reader alg = wt_der_expect(&id, WT_DER_SEQUENCE);
	wt_reader oid = wt_der_expect(&alg, WT_DER_OID);
	wt_reader name_hash = wt_der_expect(&id, WT_DER_OCTET_STRING);
	wt_reader key_hash = wt_der_expect(&id, WT_DER_OCTET_STRING);
	wt_reader serial = wt_der_expect(&id, WT_DER_INTEGER);
	if (id.bad || oid.bad) return 0;
	uint8_t h[32];
	size_t hl = wt_certid_hash(&oid, s->issuer_dn, s->issuer_dn_len, h);
	if (hl == 0 || name_hash.n != hl || memcmp(name_hash.p, h, hl) != 0) return 0;
	if (s->issuer_spki_key != NULL) {
		wt_certid_hash(&oid, s->issuer_spki_key, s->issuer_spki_key_len, h);
		if (key_hash.n != hl || memcmp(key_hash.p, h, hl) != 0) return 0;
	}
	return serial.n == s->serial_len && memcmp(serial.p, s->serial, s->serial_len) == 0;
}

/*
 * A delegated responder certificate: issued by the issuer (signature with its
 * key), id-kp-OCSPSigning, valid at `now`. On success its key goes to *out
 * (decoder context owned by the caller).
 */
static int
wt_responder_ok(const uint8_t *der, size_t len, const wt_ocsp_subject *s, int64_t now,
	br_x509_decoder_context *dc, const br_x509_pkey **out)
{
	wt_cert_info ci;
	if (wt_cert_parse(&ci, der, len) != 0) return 0;
	if (ci.issuer_len != s->issuer_dn_len || memcmp(ci.issuer, s->issuer_dn, ci.issuer_len) != 0) return 0;
	if (now < ci.not_before || now > ci.not_after) return 0;
	/* extendedKeyUsage must list id-kp-OCSPSigning: scan the EKU OIDs */
	int ocsp_signing = 0;
	{
		wt_reader in = wt_reader_of(der, len);
		wt_reader cert = wt_der_expect(&in, WT_DER_SEQUENCE);
		wt_reader tbs = wt_der_expect(&cert, WT_DER_SEQUENCE);
		wt_der_tlv f;
		while (tbs.n > 0 && wt_der_read(&tbs, &f)) {
			if (f.tag != WT_DER_CTX_CONS(3)) continue;
			wt_reader exts = wt_der_expect(&f.body, WT_DER_SEQUENCE);
			while (exts.n > 0 && !exts.bad) {
				wt_reader ext = wt_der_expect(&exts, WT_DER_SEQUENCE);
				wt_reader oid = wt_der_expect(&ext, WT_DER_OID);
				if (wt_der_peek(&ext) == WT_DER_BOOLEAN) wt_der_expect(&ext, WT_DER_BOOLEAN);
				wt_reader val = wt_der_expect(&ext, WT_DER_OCTET_STRING);
				if (ext.bad || !OID_IS(oid, OID_EKU)) continue;
				wt_reader list = wt_der_expect(&val, WT_DER_SEQUENCE);
				while (list.n > 0 && !list.bad) {
					wt_reader kp = wt_der_expect(&list, WT_DER_OID);
					if (!kp.bad && OID_IS(kp, OID_KP_OCSP)) ocsp_signing = 1;
				}
			}
		}
	}
	if (!ocsp_signing) return 0;
	/* signed by the issuer */
	wt_reader in = wt_reader_of(der, len);
	wt_reader cert = wt_der_expect(&in, WT_DER_SEQUENCE);
	wt_der_tlv tbs, alg;
	if (!wt_der_read(&cert, &tbs) || !wt_der_read(&cert, &alg)) return 0;
	wt_reader sig = wt_der_expect(&cert, WT_DER_BIT_STRING);
	if (sig.bad || !wt_signed_ok(tbs.raw, tbs.raw_len, &alg, sig, s->issuer_key, s->native)) return 0;
	br_x509_decoder_init(dc, NULL, NULL);
	br_x509_decoder_push(dc, der, len);
	*out = br_x509_decoder_get_pkey(dc);
	return *out != NULL;
}

int
wt_ocsp_check(const uint8_t *resp, size_t len, const wt_ocsp_subject *s, int64_t now,
	char *detail, size_t detail_len)
{
	if (s->issuer_key == NULL) {
		/* no key to check the response with: an error, never a skipped check */
		wt_detail(detail, detail_len, "the issuer's public key cannot be decoded, so the response cannot be checked");
		return WT_ERR_BAD_CERTIFICATE;
	}
	wt_reader in = wt_reader_of(resp, len);
	wt_reader top = wt_der_expect(&in, WT_DER_SEQUENCE);
	wt_reader status = wt_der_expect(&top, 0x0A);          /* ENUMERATED */
	if (top.bad || status.n != 1) {
		wt_detail(detail, detail_len, "malformed");
		return WT_ERR_BAD_CERTIFICATE;
	}
	if (status.p[0] != 0) {                                 /* not "successful": no status given */
		return 0;
	}
	wt_reader rb_wrap = wt_der_expect(&top, WT_DER_CTX_CONS(0));
	wt_reader rb = wt_der_expect(&rb_wrap, WT_DER_SEQUENCE);
	wt_reader rtype = wt_der_expect(&rb, WT_DER_OID);
	wt_reader rbytes = wt_der_expect(&rb, WT_DER_OCTET_STRING);
	if (rb.bad || !OID_IS(rtype, OID_OCSP_BASIC)) {
		wt_detail(detail, detail_len, "malformed or not a basic OCSP response");
		return WT_ERR_BAD_CERTIFICATE;
	}
	wt_reader basic = wt_der_expect(&rbytes, WT_DER_SEQUENCE);
	wt_der_tlv tbs, alg;
	if (!wt_der_read(&basic, &tbs) || tbs.tag != WT_DER_SEQUENCE
		|| !wt_der_read(&basic, &alg) || alg.tag != WT_DER_SEQUENCE)
	{
		wt_detail(detail, detail_len, "malformed BasicOCSPResponse");
		return WT_ERR_BAD_CERTIFICATE;
	}
	wt_reader sig = wt_der_expect(&basic, WT_DER_BIT_STRING);
	if (sig.bad) {
		wt_detail(detail, detail_len, "malformed signature");
		return WT_ERR_BAD_CERTIFICATE;
	}

	/* signed by the issuer, or by a delegated responder the issuer certified */
	int signed_ok = wt_signed_ok(tbs.raw, tbs.raw_len, &alg, sig, s->issuer_key, s->native);
	if (!signed_ok && wt_der_peek(&basic) == (int)WT_DER_CTX_CONS(0)) {
		wt_reader cw = wt_der_expect(&basic, WT_DER_CTX_CONS(0));
		wt_reader certs = wt_der_expect(&cw, WT_DER_SEQUENCE);
		while (!signed_ok && certs.n > 0 && !certs.bad) {
			wt_der_tlv c;
			if (!wt_der_read(&certs, &c)) break;
			br_x509_decoder_context dc;
			const br_x509_pkey *rk = NULL;
			if (wt_responder_ok(c.raw, c.raw_len, s, now, &dc, &rk)) {
				signed_ok = wt_signed_ok(tbs.raw, tbs.raw_len, &alg, sig, rk, s->native);
			}
		}
	}
	if (!signed_ok) {
		wt_detail(detail, detail_len, "its signature does not verify with the issuer's key or an authorized responder's");
		return WT_ERR_BAD_CERTIFICATE;
	}

	/* ResponseData: [0] version, responderID, producedAt, responses, [1] extensions */
	wt_reader rd = tbs.body;
	if (wt_der_peek(&rd) == (int)WT_DER_CTX_CONS(0)) wt_der_expect(&rd, WT_DER_CTX_CONS(0));
	wt_der_tlv rid, produced;
	wt_der_read(&rd, &rid);
	wt_der_read(&rd, &produced);
	wt_reader responses = wt_der_expect(&rd, WT_DER_SEQUENCE);
	if (rd.bad || responses.bad) {
		wt_detail(detail, detail_len, "malformed ResponseData");
		return WT_ERR_BAD_CERTIFICATE;
	}
	while (responses.n > 0 && !responses.bad) {
		wt_reader single = wt_der_expect(&responses, WT_DER_SEQUENCE);
		wt_reader certid = wt_der_expect(&single, WT_DER_SEQUENCE);
		wt_der_tlv cs, this_upd;
		if (!wt_der_read(&single, &cs) || !wt_der_read(&single, &this_upd)) break;
		if (!wt_certid_matches(certid, s)) continue;
		int64_t t_this, t_next = 0;
		int has_next = 0;
		if (!wt_der_time(&this_upd, &t_this)) break;
		if (wt_der_peek(&single) == (int)WT_DER_CTX_CONS(0)) {
			wt_reader nw = wt_der_expect(&single, WT_DER_CTX_CONS(0));
			wt_der_tlv next;
			if (!wt_der_read(&nw, &next) || !wt_der_time(&next, &t_next)) break;
			has_next = 1;
		}
		if (t_this > now + WT_OCSP_SKEW) {
			wt_detail(detail, detail_len, "its thisUpdate is in the future (check the device clock)");
			return WT_ERR_BAD_CERTIFICATE;
		}
		if ((has_next && now > t_next + WT_OCSP_SKEW) || (!has_next && now - t_this > WT_OCSP_MAX_AGE)) {
			wt_detail(detail, detail_len, "it is stale (past nextUpdate): the server must refresh its staple");
			return WT_ERR_BAD_CERTIFICATE;
		}
		if (cs.tag == WT_DER_CTX_CONS(1)) {                 /* revoked: RevokedInfo */
			int64_t when = 0;
			wt_der_tlv rt;
			wt_reader ri = cs.body;
			char msg[160];
			if (wt_der_read(&ri, &rt)) wt_der_time(&rt, &when);
			wt_fmt(msg, sizeof msg, "the issuer says the leaf certificate was revoked (at unix time %lld)",
				(long long)when);
			wt_detail(detail, detail_len, msg);
			return WT_ERR_CERT_REVOKED;
		}
		return 0;                                           /* good, or unknown: no verdict */
	}
	if (responses.bad) {
		wt_detail(detail, detail_len, "malformed SingleResponse");
		return WT_ERR_BAD_CERTIFICATE;
	}
	return 0;                                               /* about another certificate: ignored */
}
