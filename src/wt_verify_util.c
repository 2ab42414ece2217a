/*
 * wt_verify_util.c — for the chain verification (wt_verify.c): the detail
 * text (certificates, names, times, keys, as the error detail shows them)
 * and the checks of one certificate (validity, key, signature by an issuer).
 */
#include "wt_fmt.h"
#include "wt_verify_internal.h"

/* ------------------------------------------------------- detail output */


void
wt_text_put(wt_text *t, const char *s, size_t n)
{
	if (t->p == NULL || t->cap == 0) return;
	for (size_t i = 0; i < n && t->len + 1 < t->cap; i++) {
		t->p[t->len++] = s[i];
	}
	t->p[t->len] = 0;
}

void
wt_text_str(wt_text *t, const char *s)
{
	wt_text_put(t, s, strlen(s));
}

void
wt_text_fmt_size(wt_text *t, size_t v)
{
	char buf[24];
	int n = (int)wt_fmt(buf, sizeof buf, "%zu", v);
	if (n > 0) wt_text_put(t, buf, (size_t)n);
}

/* Untrusted bytes: printable ASCII as is, anything else as '?'. */
void
wt_text_safe(wt_text *t, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = (s[i] >= 0x20 && s[i] < 0x7F) ? (char)s[i] : '?';
		wt_text_put(t, &c, 1);
	}
}

/* Unix seconds as ISO-8601 UTC, e.g. 2030-01-01T00:00:00Z. */
void
wt_text_time(wt_text *t, int64_t unix_s)
{
	int64_t days = unix_s / 86400, secs = unix_s % 86400;
	if (secs < 0) { secs += 86400; days--; }
	/* civil_from_days (H. Hinnant) */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	char buf[48];
	int n = (int)wt_fmt(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
		(long long)y, (long long)m, (long long)d,
		(long long)(secs / 3600), (long long)(secs / 60 % 60), (long long)(secs % 60));
	if (n > 0) wt_text_put(t, buf, (size_t)n);
}

/* Short names of the usual DN attribute types (2.5.4.x), else the dotted OID tail. */
const char *
wt_attr_name(const wt_reader *oid)
{
	static const uint8_t pfx[] = { 0x55, 0x04 };
	if (oid->bad || oid->n != 3 || memcmp(oid->p, pfx, 2) != 0) return NULL;
	switch (oid->p[2]) {
	case 3: return "CN";
	case 6: return "C";
	case 7: return "L";
	case 8: return "ST";
	case 10: return "O";
	case 11: return "OU";
	default: return NULL;
	}
}

/* A DER Name, in certificate order: "O=wasmtls test, CN=wasmtls Test Root". */
void
wt_text_dn(wt_text *t, const uint8_t *dn, size_t len)
{
	wt_reader r = wt_reader_of(dn, len);
	wt_reader rdns = wt_der_expect(&r, WT_DER_SEQUENCE);
	int first = 1;
	while (rdns.n > 0 && !rdns.bad) {
		wt_reader set = wt_der_expect(&rdns, WT_DER_SET);
		while (set.n > 0 && !set.bad) {
			wt_reader atv = wt_der_expect(&set, WT_DER_SEQUENCE);
			wt_reader oid = wt_der_expect(&atv, WT_DER_OID);
			wt_der_tlv val;
			if (!wt_der_read(&atv, &val)) break;
			const char *nm = wt_attr_name(&oid);
			if (nm == NULL) continue;
			wt_text_str(t, first ? "" : ", ");
			wt_text_str(t, nm);
			wt_text_str(t, "=");
			wt_text_safe(t, val.body.p, val.body.n);
			first = 0;
		}
	}
	if (first) wt_text_str(t, "(empty name)");
}

/* An IP address from a SAN: dotted quad, or RFC 5952 text for IPv6. */
void
wt_text_ip(wt_text *t, const uint8_t *ip, size_t n)
{
	char buf[48];
	size_t len = 0;
	if (n == 4) {
		len = (size_t)wt_fmt(buf, sizeof buf, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
	} else if (n == 16) {
		int best = -1, best_len = 1;       /* longest run of >= 2 zero groups */
		for (int i = 0; i < 8; ) {
			int j = i;
			while (j < 8 && ip[2 * j] == 0 && ip[2 * j + 1] == 0) j++;
			if (j - i > best_len) { best = i; best_len = j - i; }
			i = j > i ? j : i + 1;
		}
		for (int i = 0; i < 8; i++) {
			if (i == best) {
				len += (size_t)wt_fmt(buf + len, sizeof buf - len, "::");
				i += best_len - 1;
				continue;
			}
			if (len > 0 && buf[len - 1] != ':') buf[len++] = ':';
			len += (size_t)wt_fmt(buf + len, sizeof buf - len, "%x",
				(unsigned)((ip[2 * i] << 8) | ip[2 * i + 1]));
		}
	} else {
		len = (size_t)wt_fmt(buf, sizeof buf, "(%zu-byte address)", n);
	}
	wt_text_put(t, buf, len);
}

/* "certificate #1 (intermediate, CN=...)" */
void
wt_text_cert(wt_text *t, size_t i, const wt_cert_info *ci)
{
	int self = ci->issuer_len == ci->subject_len
		&& memcmp(ci->issuer, ci->subject, ci->subject_len) == 0;
	wt_text_str(t, "certificate #");
	wt_text_fmt_size(t, i);
	wt_text_str(t, i == 0 ? " (leaf, " : self ? " (root, " : " (intermediate, ");
	wt_text_dn(t, ci->subject, ci->subject_len);
	wt_text_str(t, ")");
}

/* ----------------------------------------------------------- checks */

int
wt_self_issued(const wt_cert_info *ci)
{
	return ci->issuer_len == ci->subject_len
		&& memcmp(ci->issuer, ci->subject, ci->issuer_len) == 0;
}

int
wt_same_dn(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

int
wt_valid_at(const wt_cert_info *ci, int64_t now)
{
	return now >= ci->not_before && now <= ci->not_after;
}

/* Validity of one certificate at `now`: 0, CERT_EXPIRED or CERT_NOT_YET_VALID (+ detail). */
int
wt_check_validity(const wt_cert_info *ci, size_t i, int64_t now, wt_text *t)
{
	int err;
	if (now < ci->not_before) err = WT_ERR_CERT_NOT_YET_VALID;
	else if (now > ci->not_after) err = WT_ERR_CERT_EXPIRED;
	else return 0;
	wt_text_cert(t, i, ci);
	wt_text_str(t, err == WT_ERR_CERT_EXPIRED ? " has expired: valid from "
		: " is not yet valid: valid from ");
	wt_text_time(t, ci->not_before);
	wt_text_str(t, " to ");
	wt_text_time(t, ci->not_after);
	wt_text_str(t, ", now is ");
	wt_text_time(t, now);
	return err;
}

/* The name list for HOSTNAME_MISMATCH: "DNS:localhost, IP:127.0.0.1". */
void
wt_text_sans(wt_text *t, const wt_cert_info *ci)
{
	wt_reader r = wt_reader_of(ci->san, ci->san_len);
	wt_reader names = wt_der_expect(&r, WT_DER_SEQUENCE);
	int first = 1;
	while (names.n > 0 && !names.bad) {
		wt_der_tlv g;
		if (!wt_der_read(&names, &g)) break;
		if (g.tag != WT_DER_CTX_PRIM(2) && g.tag != WT_DER_CTX_PRIM(7)) continue;
		wt_text_str(t, first ? "" : ", ");
		first = 0;
		if (g.tag == WT_DER_CTX_PRIM(2)) {
			wt_text_str(t, "DNS:");
			wt_text_safe(t, g.body.p, g.body.n);
		} else {
			wt_text_str(t, "IP:");
			wt_text_ip(t, g.body.p, g.body.n);
		}
	}
	if (first) wt_text_str(t, "no DNS or IP names");
}

const char *
wt_key_name(wt_certkey_type k)
{
	switch (k) {
	case WT_CERTKEY_RSA: return "an RSA";
	case WT_CERTKEY_EC: return "an EC";
	case WT_CERTKEY_RSA_PSS: return "an RSA-PSS (id-RSASSA-PSS)";
	case WT_CERTKEY_ED25519: return "an Ed25519";
	case WT_CERTKEY_ED448: return "an Ed448";
	default: return "an unknown";
	}
}

/* ------------------------------------------------------------ signatures */

/* The BearSSL public key of a parsed certificate; 0 if wasmtls cannot use it. */
int
wt_cert_pkey(const wt_cert_info *ci, br_x509_pkey *pk)
{
	memset(pk, 0, sizeof *pk);
	if (ci->key_type == WT_CERTKEY_RSA && ci->rsa_n != NULL) {
		pk->key_type = BR_KEYTYPE_RSA;
		pk->key.rsa.n = (unsigned char *)(uintptr_t)ci->rsa_n;
		pk->key.rsa.nlen = ci->rsa_n_len;
		pk->key.rsa.e = (unsigned char *)(uintptr_t)ci->rsa_e;
		pk->key.rsa.elen = ci->rsa_e_len;
		return 1;
	}
	if (ci->key_type == WT_CERTKEY_EC && ci->ec_curve != 0) {
		pk->key_type = BR_KEYTYPE_EC;
		pk->key.ec.curve = ci->ec_curve;
		pk->key.ec.q = (unsigned char *)(uintptr_t)ci->spki_key;
		pk->key.ec.qlen = ci->spki_key_len;
		return 1;
	}
	return 0;
}

int
wt_same_pkey(const br_x509_pkey *a, const br_x509_pkey *b)
{
	if (a->key_type != b->key_type) return 0;
	if (a->key_type == BR_KEYTYPE_RSA) {
		return a->key.rsa.nlen == b->key.rsa.nlen && a->key.rsa.elen == b->key.rsa.elen
			&& memcmp(a->key.rsa.n, b->key.rsa.n, a->key.rsa.nlen) == 0
			&& memcmp(a->key.rsa.e, b->key.rsa.e, a->key.rsa.elen) == 0;
	}
	return a->key.ec.curve == b->key.ec.curve && a->key.ec.qlen == b->key.ec.qlen
		&& memcmp(a->key.ec.q, b->key.ec.q, a->key.ec.qlen) == 0;
}


/* Does `key` verify the signature on `ci`? Through the one check (wt_sig_verify_req), native hook first. */
int
wt_sig_check(const wt_cert_info *ci, const br_x509_pkey *key, const wt_sig_native *nv)
{
	unsigned hash;
	switch (ci->sig_hash) {
	case br_sha1_ID: hash = 2; break;
	case br_sha224_ID: hash = 3; break;
	case br_sha256_ID: hash = 4; break;
	case br_sha384_ID: hash = 5; break;
	case br_sha512_ID: hash = 6; break;
	default: return WT_SIG_UNSUPPORTED;
	}
	if (ci->sig_alg != WT_SIGALG_RSA && ci->sig_alg != WT_SIGALG_ECDSA) return WT_SIG_UNSUPPORTED;
	if ((ci->sig_alg == WT_SIGALG_RSA) != (key->key_type == BR_KEYTYPE_RSA)) return WT_SIG_WRONG_KEY;
	/* as a TLS 1.2 SignatureAndHashAlgorithm: hash << 8 | (1 rsa, 3 ecdsa) */
	uint16_t scheme = (uint16_t)(hash << 8 | (ci->sig_alg == WT_SIGALG_RSA ? 1 : 3));
	/* WT_SIG_WAIT (an asynchronous verdict is pending, nv->cache->waiting set): assumed valid so
	 * that one run collects the next edges too; the engine never accepts a run that waited, it
	 * re-runs the search with the verdicts (wt_hs_accept_chain) */
	int r = wt_sig_verify_req(nv, WT_SIGV_CERT, scheme, key, ci->tbs, ci->tbs_len, ci->sig, ci->sig_len);
	return r == 0 || r == WT_SIG_WAIT ? WT_SIG_OK : WT_SIG_BAD;
}

