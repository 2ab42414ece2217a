/*
 * wt_cert.c — the certificate facts BearSSL's x509_minimal does not expose,
 * from one strict DER walk (RFC 5280 §4.1), and RFC 6125 host name matching.
 *
 * The walk checks the whole outer structure (every length, no trailing
 * bytes, both signature AlgorithmIdentifiers equal) but interprets only the
 * fields listed in wt_cert_info; other extensions are skipped unread (their
 * criticality is x509_minimal's business). All pointers in wt_cert_info
 * point into the caller's DER buffer.
 */
#include "wt_x509.h"
#include "wt_der.h"
#include "wt_bytes.h"
#include "wt_error.h"

/* ----------------------------------------------------------------- OIDs */

/* Values of OBJECT IDENTIFIER TLVs (without tag and length). */
static const uint8_t OID_RSA[]       = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01 };
static const uint8_t OID_RSA_PSS[]   = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A };
static const uint8_t OID_EC[]        = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
static const uint8_t OID_ED25519[]   = { 0x2B, 0x65, 0x70 };
static const uint8_t OID_ED448[]     = { 0x2B, 0x65, 0x71 };
static const uint8_t OID_P256[]      = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[]      = { 0x2B, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t OID_P521[]      = { 0x2B, 0x81, 0x04, 0x00, 0x23 };
/* 1.2.840.113549.1.1.{2,3,4,5}: md2/md4/md5/sha1WithRSAEncryption share this prefix. */
static const uint8_t OID_PKCS1_PFX[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01 };
static const uint8_t OID_ECDSA_SHA1[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x01 };
static const uint8_t OID_DSA_SHA1[]  = { 0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x03 };
static const uint8_t OID_OIW_SHA1RSA[] = { 0x2B, 0x0E, 0x03, 0x02, 0x1D };  /* 1.3.14.3.2.29 */
static const uint8_t OID_OIW_MD5RSA[]  = { 0x2B, 0x0E, 0x03, 0x02, 0x03 };  /* 1.3.14.3.2.3 */
static const uint8_t OID_OIW_DSASHA1[] = { 0x2B, 0x0E, 0x03, 0x02, 0x1B };  /* 1.3.14.3.2.27 */
static const uint8_t OID_BASIC_CONSTRAINTS[] = { 0x55, 0x1D, 0x13 };
static const uint8_t OID_SAN[]       = { 0x55, 0x1D, 0x11 };
static const uint8_t OID_EKU[]       = { 0x55, 0x1D, 0x25 };
static const uint8_t OID_NAME_CONSTRAINTS[] = { 0x55, 0x1D, 0x1E };
static const uint8_t OID_KEY_USAGE[] = { 0x55, 0x1D, 0x0F };
static const uint8_t OID_SKI[]       = { 0x55, 0x1D, 0x0E };
static const uint8_t OID_AKI[]       = { 0x55, 0x1D, 0x23 };
static const uint8_t OID_AIA[]       = { 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01 };
/* 1.2.840.10045.4.3.{1,2,3,4}: ecdsa-with-SHA224/256/384/512 */
static const uint8_t OID_ECDSA_SHA2_PFX[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03 };
static const uint8_t OID_EKU_ANY[]   = { 0x55, 0x1D, 0x25, 0x00 };
static const uint8_t OID_KP_SERVER[] = { 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const uint8_t OID_KP_CLIENT[] = { 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };

#define OID_IS(v, oid) wt_der_eq(&(v), (oid), sizeof (oid))

/* Is the signature algorithm OID (value bytes) one with SHA-1 or MD2/4/5? */
static int
wt_sig_oid_is_weak(const wt_reader *oid)
{
	if (!oid->bad && oid->n == sizeof OID_PKCS1_PFX + 1
		&& memcmp(oid->p, OID_PKCS1_PFX, sizeof OID_PKCS1_PFX) == 0)
	{
		uint8_t last = oid->p[sizeof OID_PKCS1_PFX];
		return last >= 2 && last <= 5;
	}
	return OID_IS(*oid, OID_ECDSA_SHA1) || OID_IS(*oid, OID_DSA_SHA1)
		|| OID_IS(*oid, OID_OIW_SHA1RSA) || OID_IS(*oid, OID_OIW_MD5RSA)
		|| OID_IS(*oid, OID_OIW_DSASHA1);
}

/* The signature algorithm OID → WT_SIGALG_* and the br_*_ID of its hash. */
static void
wt_sig_oid_classify(const wt_reader *oid, int *alg, int *hash)
{
	*alg = WT_SIGALG_OTHER;
	*hash = 0;
	if (oid->bad) { *alg = WT_SIGALG_UNKNOWN; return; }
	if (oid->n == sizeof OID_PKCS1_PFX + 1 && memcmp(oid->p, OID_PKCS1_PFX, sizeof OID_PKCS1_PFX) == 0) {
		switch (oid->p[sizeof OID_PKCS1_PFX]) {
		case 5: *alg = WT_SIGALG_RSA; *hash = br_sha1_ID; break;
		case 11: *alg = WT_SIGALG_RSA; *hash = br_sha256_ID; break;
		case 12: *alg = WT_SIGALG_RSA; *hash = br_sha384_ID; break;
		case 13: *alg = WT_SIGALG_RSA; *hash = br_sha512_ID; break;
		case 14: *alg = WT_SIGALG_RSA; *hash = br_sha224_ID; break;
		default: break;
		}
		return;
	}
	if (OID_IS(*oid, OID_ECDSA_SHA1)) { *alg = WT_SIGALG_ECDSA; *hash = br_sha1_ID; return; }
	if (oid->n == sizeof OID_ECDSA_SHA2_PFX + 1
		&& memcmp(oid->p, OID_ECDSA_SHA2_PFX, sizeof OID_ECDSA_SHA2_PFX) == 0)
	{
		static const int h[5] = { 0, br_sha224_ID, br_sha256_ID, br_sha384_ID, br_sha512_ID };
		uint8_t last = oid->p[sizeof OID_ECDSA_SHA2_PFX];
		if (last >= 1 && last <= 4) { *alg = WT_SIGALG_ECDSA; *hash = h[last]; }
	}
}

/* ----------------------------------------------------------------- time */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's algorithm). */
static int64_t
wt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Read `n` ASCII digits as a number; -1 if any is not a digit. */
static int
wt_digits(const uint8_t *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9') return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/*
 * UTCTime "YYMMDDHHMMSSZ" or GeneralizedTime "YYYYMMDDHHMMSSZ", exactly as
 * RFC 5280 §4.1.2.5 requires (seconds present, "Z", no fraction). UTCTime
 * years 50..99 are 19xx, 00..49 are 20xx. \return 1 and *out, or 0.
 */
static int
wt_parse_time(const wt_der_tlv *t, int64_t *out)
{
	const uint8_t *p = t->body.p;
	size_t n = t->body.n;
	int year, off;

	if (t->tag == WT_DER_UTCTIME && n == 13) {
		year = wt_digits(p, 2);
		if (year < 0) return 0;
		year += year < 50 ? 2000 : 1900;
		off = 2;
	} else if (t->tag == WT_DER_GENTIME && n == 15) {
		year = wt_digits(p, 4);
		if (year < 0) return 0;
		off = 4;
	} else {
		return 0;
	}
	if (p[n - 1] != 'Z') return 0;
	int mon = wt_digits(p + off, 2), day = wt_digits(p + off + 2, 2);
	int hh = wt_digits(p + off + 4, 2), mm = wt_digits(p + off + 6, 2);
	int ss = wt_digits(p + off + 8, 2);
	static const uint8_t mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1]
		|| hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
	{
		return 0;
	}
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (mon == 2 && day == 29 && !leap) return 0;
	*out = wt_days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400
		+ hh * 3600 + mm * 60 + ss;
	return 1;
}

/* ----------------------------------------------------------------- keys */

/* Bit length of a big-endian unsigned INTEGER value (sign byte allowed). */
static unsigned
wt_int_bits(const uint8_t *p, size_t n)
{
	while (n > 0 && *p == 0) { p++; n--; }
	if (n == 0) return 0;
	unsigned bits = (unsigned)(n - 1) * 8;
	for (uint8_t b = *p; b; b >>= 1) bits++;
	return bits;
}

/* A strict DER INTEGER that is positive: non-empty, minimal, sign bit clear. */
static int
wt_der_positive_int(const wt_reader *v)
{
	if (v->bad || v->n == 0 || (v->p[0] & 0x80)) return 0;
	if (v->n > 1 && v->p[0] == 0 && !(v->p[1] & 0x80)) return 0;
	return 1;
}

/* The modulus size of an RSAPublicKey inside a BIT STRING value; 0 if malformed. */
static unsigned
wt_rsa_bits(wt_cert_info *ci, wt_reader bits)
{
	if (wt_r_u8(&bits) != 0) return 0;           /* unused bits must be 0 */
	wt_reader seq = wt_der_expect(&bits, WT_DER_SEQUENCE);
	wt_reader n = wt_der_expect(&seq, WT_DER_INTEGER);
	wt_reader e = wt_der_expect(&seq, WT_DER_INTEGER);
	if (!wt_r_done(&bits) || !wt_r_done(&seq) || !wt_der_positive_int(&n)
		|| !wt_der_positive_int(&e))
	{
		return 0;
	}
	while (n.n > 1 && n.p[0] == 0) { n.p++; n.n--; }
	while (e.n > 1 && e.p[0] == 0) { e.p++; e.n--; }
	ci->rsa_n = n.p;
	ci->rsa_n_len = n.n;
	ci->rsa_e = e.p;
	ci->rsa_e_len = e.n;
	return wt_int_bits(n.p, n.n);
}

/* SubjectPublicKeyInfo → key_type and key_bits. \return 0 if malformed. */
static int
wt_parse_spki(wt_cert_info *ci, wt_reader spki)
{
	wt_reader alg = wt_der_expect(&spki, WT_DER_SEQUENCE);
	wt_reader bits = wt_der_expect(&spki, WT_DER_BIT_STRING);
	wt_reader oid = wt_der_expect(&alg, WT_DER_OID);
	if (!wt_r_done(&spki) || alg.bad || oid.bad || bits.n == 0) return 0;
	ci->spki_key = bits.p + 1;                     /* after the unused-bits byte */
	ci->spki_key_len = bits.n - 1;

	if (OID_IS(oid, OID_RSA) || OID_IS(oid, OID_RSA_PSS)) {
		ci->key_type = OID_IS(oid, OID_RSA) ? WT_CERTKEY_RSA : WT_CERTKEY_RSA_PSS;
		ci->key_bits = wt_rsa_bits(ci, bits);
		return ci->key_bits != 0;
	}
	if (OID_IS(oid, OID_EC)) {
		ci->key_type = WT_CERTKEY_EC;
		wt_reader curve = wt_der_expect(&alg, WT_DER_OID);
		if (!wt_r_done(&alg)) return 0;            /* namedCurve only */
		ci->key_bits = OID_IS(curve, OID_P256) ? 256
			: OID_IS(curve, OID_P384) ? 384
			: OID_IS(curve, OID_P521) ? 521 : 0;
		ci->ec_curve = ci->key_bits == 256 ? BR_EC_secp256r1
			: ci->key_bits == 384 ? BR_EC_secp384r1
			: ci->key_bits == 521 ? BR_EC_secp521r1 : 0;
		/* unused-bits byte 0, then an uncompressed or compressed point */
		return bits.p[0] == 0 && bits.n >= 2;
	}
	if (OID_IS(oid, OID_ED25519) || OID_IS(oid, OID_ED448)) {
		int is25519 = OID_IS(oid, OID_ED25519);
		ci->key_type = is25519 ? WT_CERTKEY_ED25519 : WT_CERTKEY_ED448;
		ci->key_bits = is25519 ? 255 : 448;
		return wt_r_done(&alg);                    /* parameters absent */
	}
	ci->key_type = WT_CERTKEY_UNKNOWN;
	ci->key_bits = 0;
	return 1;
}

/* ----------------------------------------------------------- extensions */

/* Check that a GeneralNames value is a SEQUENCE of well-formed context-tagged names. */
static int
wt_check_general_names(const uint8_t *p, size_t n)
{
	wt_reader r = wt_reader_of(p, n);
	wt_reader names = wt_der_expect(&r, WT_DER_SEQUENCE);
	if (!wt_r_done(&r) || names.bad) return 0;
	while (names.n > 0) {
		wt_der_tlv t;
		if (!wt_der_read(&names, &t)) return 0;
		if ((t.tag & 0xC0) != 0x80) return 0;      /* context class */
	}
	return !names.bad;
}

/* AuthorityInfoAccessSyntax: SEQUENCE SIZE (1..MAX) OF { accessMethod OID, accessLocation GeneralName }. */
static int
wt_check_aia(wt_reader val)
{
	wt_reader list = wt_der_expect(&val, WT_DER_SEQUENCE);
	if (!wt_r_done(&val) || list.bad || list.n == 0) return 0;
	while (list.n > 0) {
		wt_reader ad = wt_der_expect(&list, WT_DER_SEQUENCE);
		wt_reader method = wt_der_expect(&ad, WT_DER_OID);
		wt_der_tlv loc;
		if (list.bad || ad.bad || method.bad || method.n == 0 || !wt_der_read(&ad, &loc)
			|| (loc.tag & 0xC0) != 0x80 || !wt_r_done(&ad))
		{
			return 0;
		}
	}
	return !list.bad;
}

static int
wt_parse_extensions(wt_cert_info *ci, wt_reader exts)
{
	int seen_bc = 0, seen_ku = 0, seen_ski = 0, seen_aki = 0, seen_aia = 0;
	if (exts.n == 0) return 0;                         /* SEQUENCE SIZE (1..MAX) */
	while (exts.n > 0 && !exts.bad) {
		wt_reader ext = wt_der_expect(&exts, WT_DER_SEQUENCE);
		wt_reader oid = wt_der_expect(&ext, WT_DER_OID);
		int critical = 0;
		if (wt_der_peek(&ext) == WT_DER_BOOLEAN) {
			wt_reader crit = wt_der_expect(&ext, WT_DER_BOOLEAN);
			critical = wt_der_bool(&crit);
			if (critical < 0) return 0;
		}
		wt_reader val = wt_der_expect(&ext, WT_DER_OCTET_STRING);
		if (ext.bad || oid.bad || val.bad || !wt_r_done(&ext)) return 0;

		if (OID_IS(oid, OID_BASIC_CONSTRAINTS)) {
			if (seen_bc++) return 0;               /* duplicate extension */
			wt_reader bc = wt_der_expect(&val, WT_DER_SEQUENCE);
			if (!wt_r_done(&val) || bc.bad) return 0;
			if (wt_der_peek(&bc) == WT_DER_BOOLEAN) {
				wt_reader ca = wt_der_expect(&bc, WT_DER_BOOLEAN);
				int v = wt_der_bool(&ca);
				if (v < 0) return 0;
				ci->is_ca = v;
			}
			ci->has_bc = 1;
			if (wt_der_peek(&bc) == WT_DER_INTEGER) {
				wt_reader plen = wt_der_expect(&bc, WT_DER_INTEGER);
				if (plen.bad || plen.n == 0 || (plen.p[0] & 0x80)) return 0;
				unsigned v = 0;
				for (size_t k = 0; k < plen.n; k++) v = v > 255 ? v : (v << 8) | plen.p[k];
				ci->path_len = v > 255 ? 255 : (int)v;
			}
			if (!wt_r_done(&bc)) return 0;
		} else if (OID_IS(oid, OID_KEY_USAGE)) {
			if (seen_ku++) return 0;
			wt_reader ku = wt_der_expect(&val, WT_DER_BIT_STRING);
			if (!wt_r_done(&val) || ku.bad || ku.n < 1 || ku.p[0] > 7) return 0;
			unsigned mask = 0;
			for (size_t k = 1; k < ku.n && k <= 2; k++) {
				for (unsigned b = 0; b < 8; b++) {
					if (ku.p[k] & (0x80u >> b)) mask |= 1u << ((k - 1) * 8 + b);
				}
			}
			ci->has_ku = 1;
			ci->key_usage = mask;
		} else if (OID_IS(oid, OID_SKI)) {
			if (seen_ski++) return 0;
			ci->ski_critical = critical;
		} else if (OID_IS(oid, OID_AKI)) {
			if (seen_aki++) return 0;
			ci->aki_critical = critical;
		} else if (OID_IS(oid, OID_AIA)) {
			if (seen_aia++) return 0;
			if (!wt_check_aia(val)) ci->aia_malformed = 1;
		} else if (OID_IS(oid, OID_SAN)) {
			if (ci->has_san) return 0;             /* duplicate extension */
			if (!wt_check_general_names(val.p, val.n)) return 0;
			ci->has_san = 1;
			ci->san_critical = critical;
			ci->san = val.p;
			ci->san_len = val.n;
		} else if (OID_IS(oid, OID_EKU)) {
			if (ci->has_eku) return 0;             /* duplicate extension */
			wt_reader list = wt_der_expect(&val, WT_DER_SEQUENCE);
			if (!wt_r_done(&val) || list.bad || list.n == 0) return 0;
			ci->has_eku = 1;
			while (list.n > 0 && !list.bad) {
				wt_reader kp = wt_der_expect(&list, WT_DER_OID);
				if (kp.bad) return 0;
				if (OID_IS(kp, OID_KP_SERVER)) ci->eku_server = 1;
				else if (OID_IS(kp, OID_KP_CLIENT)) ci->eku_client = 1;
				else if (OID_IS(kp, OID_EKU_ANY)) ci->eku_any = 1;
			}
			if (list.bad) return 0;
		} else if (OID_IS(oid, OID_NAME_CONSTRAINTS)) {
			if (ci->name_constraints != NULL) return 0;
			wt_reader nc = wt_der_expect(&val, WT_DER_SEQUENCE);
			if (!wt_r_done(&val) || nc.bad) return 0;
			ci->name_constraints = nc.p;
			ci->name_constraints_len = nc.n;
		} else if (critical) {
			ci->crit_unknown = 1;              /* e.g. policyConstraints: not processed */
		}
	}
	return !exts.bad;
}

/* ---------------------------------------------------------------- parse */

int
wt_der_time(const wt_der_tlv *t, int64_t *out)
{
	return wt_parse_time(t, out);
}

int
wt_cert_parse(wt_cert_info *ci, const uint8_t *der, size_t len)
{
	if (ci == NULL) return WT_ERR_BAD_CERTIFICATE;
	memset(ci, 0, sizeof *ci);
	if (der == NULL) return WT_ERR_BAD_CERTIFICATE;

	wt_reader in = wt_reader_of(der, len);
	wt_reader cert = wt_der_expect(&in, WT_DER_SEQUENCE);
	if (!wt_r_done(&in) || cert.bad) return WT_ERR_BAD_CERTIFICATE;

	wt_der_tlv tbs_tlv;
	wt_der_read(&cert, &tbs_tlv);
	wt_reader tbs = tbs_tlv.body;
	if (tbs_tlv.tag != WT_DER_SEQUENCE) tbs.bad = 1;
	ci->tbs = tbs_tlv.raw;
	ci->tbs_len = tbs_tlv.raw_len;
	ci->path_len = -1;
	wt_der_tlv outer_alg;
	wt_der_read(&cert, &outer_alg);
	wt_reader sigval = wt_der_expect(&cert, WT_DER_BIT_STRING);
	if (!wt_r_done(&cert) || tbs.bad || outer_alg.tag != WT_DER_SEQUENCE
		|| sigval.n == 0)
	{
		return WT_ERR_BAD_CERTIFICATE;
	}
	if (sigval.p[0] != 0) return WT_ERR_BAD_CERTIFICATE;   /* unused bits */
	ci->sig = sigval.p + 1;
	ci->sig_len = sigval.n - 1;

	/* version [0] EXPLICIT INTEGER: v1 (0), v2 (1) or v3 (2) */
	int version = 0;
	if (wt_der_peek(&tbs) == (int)WT_DER_CTX_CONS(0)) {
		wt_reader vwrap = wt_der_expect(&tbs, WT_DER_CTX_CONS(0));
		wt_reader v = wt_der_expect(&vwrap, WT_DER_INTEGER);
		if (!wt_r_done(&vwrap) || v.n != 1 || v.p[0] > 2) return WT_ERR_BAD_CERTIFICATE;
		version = v.p[0];
	}
	wt_reader serial = wt_der_expect(&tbs, WT_DER_INTEGER);
	if (serial.bad || serial.n == 0) return WT_ERR_BAD_CERTIFICATE;
	ci->serial = serial.p;
	ci->serial_len = serial.n;

	/* signature AlgorithmIdentifier: must equal the outer one byte for byte */
	wt_der_tlv inner_alg;
	if (!wt_der_read(&tbs, &inner_alg) || inner_alg.raw_len != outer_alg.raw_len
		|| memcmp(inner_alg.raw, outer_alg.raw, inner_alg.raw_len) != 0)
	{
		return WT_ERR_BAD_CERTIFICATE;
	}
	wt_reader sigoid = wt_der_expect(&outer_alg.body, WT_DER_OID);
	if (sigoid.bad) return WT_ERR_BAD_CERTIFICATE;
	ci->sig_is_sha1 = wt_sig_oid_is_weak(&sigoid);
	wt_sig_oid_classify(&sigoid, &ci->sig_alg, &ci->sig_hash);
	ci->version = version + 1;

	wt_der_tlv name;
	if (!wt_der_read(&tbs, &name) || name.tag != WT_DER_SEQUENCE) return WT_ERR_BAD_CERTIFICATE;
	ci->issuer = name.raw;
	ci->issuer_len = name.raw_len;

	wt_reader validity = wt_der_expect(&tbs, WT_DER_SEQUENCE);
	wt_der_tlv nb, na;
	wt_der_read(&validity, &nb);
	wt_der_read(&validity, &na);
	if (!wt_r_done(&validity) || !wt_parse_time(&nb, &ci->not_before)
		|| !wt_parse_time(&na, &ci->not_after))
	{
		return WT_ERR_BAD_CERTIFICATE;
	}

	if (!wt_der_read(&tbs, &name) || name.tag != WT_DER_SEQUENCE) return WT_ERR_BAD_CERTIFICATE;
	ci->subject = name.raw;
	ci->subject_len = name.raw_len;
	ci->subject_empty = name.body.n == 0;

	wt_der_tlv spki;
	if (!wt_der_read(&tbs, &spki) || spki.tag != WT_DER_SEQUENCE || !wt_parse_spki(ci, spki.body)) {
		return WT_ERR_BAD_CERTIFICATE;
	}
	ci->spki = spki.raw;
	ci->spki_len = spki.raw_len;

	/* issuerUniqueID [1], subjectUniqueID [2] (v2+), extensions [3] (v3) */
	int last = 0;
	while (tbs.n > 0 && !tbs.bad) {
		wt_der_tlv t;
		if (!wt_der_read(&tbs, &t)) return WT_ERR_BAD_CERTIFICATE;
		int num;
		if (t.tag == WT_DER_CTX_PRIM(1) || t.tag == WT_DER_CTX_CONS(1)) num = 1;
		else if (t.tag == WT_DER_CTX_PRIM(2) || t.tag == WT_DER_CTX_CONS(2)) num = 2;
		else if (t.tag == WT_DER_CTX_CONS(3)) num = 3;
		else return WT_ERR_BAD_CERTIFICATE;
		if (num <= last || version < (num == 3 ? 2 : 1)) return WT_ERR_BAD_CERTIFICATE;
		last = num;
		if (num == 3) {
			wt_reader exts = wt_der_expect(&t.body, WT_DER_SEQUENCE);
			if (!wt_r_done(&t.body) || exts.bad || !wt_parse_extensions(ci, exts)) {
				return WT_ERR_BAD_CERTIFICATE;
			}
		}
	}
	if (tbs.bad) return WT_ERR_BAD_CERTIFICATE;
	return 0;
}

int
wt_cert_spki_sha256(const uint8_t *der, size_t len, uint8_t out[32])
{
	wt_cert_info ci;
	if (wt_cert_parse(&ci, der, len) != 0) return WT_ERR_BAD_CERTIFICATE;
	br_sha256_context h;
	br_sha256_init(&h);
	br_sha256_update(&h, ci.spki, ci.spki_len);
	br_sha256_out(&h, out);
	return 0;
}

/* ------------------------------------------------------------ IP parse */

static int
wt_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Strict dotted quad: four decimal parts 0..255 without leading zeros. */
static int
wt_ipv4_parse(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || s[i] != '.') return 0;
			i++;
		}
		size_t start = i;
		unsigned v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		size_t nd = i - start;
		if (nd == 0 || v > 255 || (nd > 1 && s[start] == '0')) return 0;
		out[part] = (uint8_t)v;
	}
	return i == len;
}

/* RFC 4291 §2.2 text: groups of 1-4 hex digits, one "::", optional IPv4 tail. */
static int
wt_ipv6_parse(const char *s, size_t len, uint8_t out[16])
{
	uint16_t g[8];
	int ng = 0, gap = -1;          /* gap: group index where "::" stands */
	size_t i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == len) goto done;
	} else if (len >= 1 && s[0] == ':') {
		return 0;
	}
	for (;;) {
		/* one group, or the IPv4 tail */
		size_t start = i;
		unsigned v = 0;
		while (i < len && i - start < 5 && wt_hexval((uint8_t)s[i]) >= 0) {
			v = (v << 4) | (unsigned)wt_hexval((uint8_t)s[i]);
			i++;
		}
		if (i < len && s[i] == '.') {
			/* IPv4 tail: must be the last thing, with room for two groups */
			if (ng > 6) return 0;
			uint8_t v4[4];
			if (!wt_ipv4_parse(s + start, len - start, v4)) return 0;
			g[ng++] = (uint16_t)((v4[0] << 8) | v4[1]);
			g[ng++] = (uint16_t)((v4[2] << 8) | v4[3]);
			i = len;
			break;
		}
		if (i == start || i - start > 4 || ng >= 8) return 0;
		g[ng++] = (uint16_t)v;
		if (i == len) break;
		if (s[i] != ':') return 0;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0) return 0;                /* a second "::" */
			gap = ng;
			i++;
			if (i == len) break;
		} else if (i == len) {
			return 0;                              /* trailing single ':' */
		}
	}
done:
	if (gap < 0 ? ng != 8 : ng > 7) return 0;
	memset(out, 0, 16);
	int tail = gap < 0 ? 0 : ng - gap;             /* groups after "::" */
	int head = ng - tail;
	for (int k = 0; k < head; k++) {
		out[2 * k] = (uint8_t)(g[k] >> 8);
		out[2 * k + 1] = (uint8_t)g[k];
	}
	for (int k = 0; k < tail; k++) {
		int at = 8 - tail + k;
		out[2 * at] = (uint8_t)(g[head + k] >> 8);
		out[2 * at + 1] = (uint8_t)g[head + k];
	}
	return 1;
}

int
wt_ip_parse(const char *s, size_t len, uint8_t out[16])
{
	uint8_t tmp[16];
	if (s == NULL || out == NULL || len == 0) return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == ':') {
			if (!wt_ipv6_parse(s, len, tmp)) return 0;
			memcpy(out, tmp, 16);
			return 16;
		}
	}
	if (!wt_ipv4_parse(s, len, tmp)) return 0;
	memcpy(out, tmp, 4);
	return 4;
}

/* ------------------------------------------------------- name matching */

size_t
wt_dns_normalize(const uint8_t *name, size_t len, uint8_t out[253], int wildcard_ok)
{
	if (name == NULL || len == 0) return 0;
	if (name[len - 1] == '.') len--;                   /* one trailing dot: the absolute form */
	if (len == 0 || len > 253) return 0;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = name[i];
		if (c == '.') {
			if (label == 0) return 0;                  /* empty label (also a second trailing dot) */
			label = 0;
		} else {
			if (c <= 0x20 || c >= 0x7F) return 0;
			if (c == '*' && !(wildcard_ok && i == 0 && (len == 1 || name[1] == '.'))) return 0;
			if (++label > 63) return 0;
		}
		out[i] = wt_ascii_lower(c);
	}
	if (label == 0) return 0;
	return len;
}

/*
 * RFC 6125 §6.4: one dNSName `pat` against the (normalised) host. A
 * wildcard is only a whole left-most "*" label, matches exactly one
 * non-empty host label, and needs at least two labels after it.
 */
static int
wt_dns_match(const uint8_t *pat_in, size_t plen_in, const uint8_t *host, size_t hlen)
{
	uint8_t pat[253];
	size_t plen = wt_dns_normalize(pat_in, plen_in, pat, 1);
	if (plen == 0) return 0;                       /* also refuses partial wildcards */
	if (plen >= 2 && pat[0] == '*') {
		const uint8_t *rest = pat + 2;
		size_t rlen = plen - 2;
		if (memchr(rest, '.', rlen) == NULL) return 0;
		const uint8_t *dot = memchr(host, '.', hlen);
		if (dot == NULL || dot == host) return 0;
		size_t after = hlen - (size_t)(dot + 1 - host);
		return after == rlen && memcmp(dot + 1, rest, rlen) == 0;
	}
	if (plen == 1) return 0;                       /* a bare "*" */
	return plen == hlen && memcmp(pat, host, hlen) == 0;
}

int
wt_cert_matches_host(const wt_cert_info *ci, const char *host, size_t host_len)
{
	if (ci == NULL || host == NULL || !ci->has_san) return 0;
	uint8_t h[253];
	uint8_t ip[16];
	int iplen = wt_ip_parse(host, host_len, ip);
	if (iplen == 0) {
		host_len = wt_dns_normalize((const uint8_t *)host, host_len, h, 0);
		if (host_len == 0) return 0;
	}

	wt_reader r = wt_reader_of(ci->san, ci->san_len);
	wt_reader names = wt_der_expect(&r, WT_DER_SEQUENCE);
	while (names.n > 0 && !names.bad) {
		wt_der_tlv t;
		if (!wt_der_read(&names, &t)) return 0;
		if (iplen == 0 && t.tag == WT_DER_CTX_PRIM(2)) {           /* dNSName */
			if (wt_dns_match(t.body.p, t.body.n, h, host_len)) return 1;
		} else if (iplen != 0 && t.tag == WT_DER_CTX_PRIM(7)) {    /* iPAddress */
			if (t.body.n == (size_t)iplen && memcmp(t.body.p, ip, (size_t)iplen) == 0) {
				return 1;
			}
		}
	}
	return 0;
}
