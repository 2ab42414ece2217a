/*
 * wt_verify.c — certificate chain verification.
 *
 * Order of checks (the first failure wins):
 *   1. every certificate parses (wt_cert_parse)          → BAD_CERTIFICATE
 *   2. the leaf key is RSA or EC on a known curve         → UNSUPPORTED_CERTIFICATE
 *   3. path building: leaf → issuer → … until an anchor's DN or a
 *      self-issued certificate; the certificates sent may come in any
 *      order, with extras; the leaf's issuer neither     → MISSING_INTERMEDIATE
 *      trusted nor sent; a sent intermediate's issuer     → UNKNOWN_CA
 *      neither trusted nor sent
 *   4. on the path: no SHA-1/MD5 signature and no RSA key under 2048 bits
 *      (self-signed roots exempt)                         → WEAK_CERTIFICATE
 *   5. the path's certificates are within their validity → CERT_EXPIRED /
 *      window at `now`                                      CERT_NOT_YET_VALID
 *   6. extendedKeyUsage, where present, allows the purpose → CERT_PURPOSE
 *   7. DNS/IP SANs below an issuer with nameConstraints   → NAME_CONSTRAINTS
 *      are inside its permitted and outside its excluded subtrees
 *   8. br_x509_minimal on the ordered path: signatures, path to a CA anchor,
 *      basicConstraints, pathLen, keyUsage, critical extensions
 *                                                         → see wt_map_br_err
 *   9. the leaf names the host (wt_cert_matches_host)     → HOSTNAME_MISMATCH
 *  10. a stapled OCSP response, if given (wt_ocsp_check)  → CERT_REVOKED,
 *      signed by the leaf's issuer, fresh, for this leaf     BAD_CERTIFICATE
 */
#include <stdio.h>
#include "wt_x509.h"
#include "wt_der.h"
#include "wt_error.h"
#include "wt_ocsp.h"

/* ------------------------------------------------------- detail output */

/* A truncating text sink over the caller's detail buffer. */
typedef struct {
	char *p;
	size_t cap, len;
} wt_text;

static void
wt_text_put(wt_text *t, const char *s, size_t n)
{
	if (t->p == NULL || t->cap == 0) return;
	for (size_t i = 0; i < n && t->len + 1 < t->cap; i++) {
		t->p[t->len++] = s[i];
	}
	t->p[t->len] = 0;
}

static void
wt_text_str(wt_text *t, const char *s)
{
	wt_text_put(t, s, strlen(s));
}

static void
wt_text_fmt_size(wt_text *t, size_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%zu", v);
	if (n > 0) wt_text_put(t, buf, (size_t)n);
}

/* Untrusted bytes: printable ASCII as is, anything else as '?'. */
static void
wt_text_safe(wt_text *t, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = (s[i] >= 0x20 && s[i] < 0x7F) ? (char)s[i] : '?';
		wt_text_put(t, &c, 1);
	}
}

/* Unix seconds as ISO-8601 UTC, e.g. 2030-01-01T00:00:00Z. */
static void
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
	int n = snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
		(long long)y, (long long)m, (long long)d,
		(long long)(secs / 3600), (long long)(secs / 60 % 60), (long long)(secs % 60));
	if (n > 0) wt_text_put(t, buf, (size_t)n);
}

/* Short names of the usual DN attribute types (2.5.4.x), else the dotted OID tail. */
static const char *
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
static void
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
static void
wt_text_ip(wt_text *t, const uint8_t *ip, size_t n)
{
	char buf[48];
	size_t len = 0;
	if (n == 4) {
		len = (size_t)snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
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
				len += (size_t)snprintf(buf + len, sizeof buf - len, "::");
				i += best_len - 1;
				continue;
			}
			if (len > 0 && buf[len - 1] != ':') buf[len++] = ':';
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%x",
				(unsigned)((ip[2 * i] << 8) | ip[2 * i + 1]));
		}
	} else {
		len = (size_t)snprintf(buf, sizeof buf, "(%zu-byte address)", n);
	}
	wt_text_put(t, buf, len);
}

/* "certificate #1 (intermediate, CN=...)" */
static void
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

static int
wt_self_issued(const wt_cert_info *ci)
{
	return ci->issuer_len == ci->subject_len
		&& memcmp(ci->issuer, ci->subject, ci->issuer_len) == 0;
}

/* Is `dn` the subject of a CA anchor? */
static int
wt_dn_is_anchor(const wt_verify_params *p, const uint8_t *dn, size_t len)
{
	for (size_t u = 0; u < p->num_anchors; u++) {
		const br_x509_trust_anchor *ta = &p->anchors[u];
		if ((ta->flags & BR_X509_TA_CA) && ta->dn.len == len
			&& memcmp(ta->dn.data, dn, len) == 0)
		{
			return 1;
		}
	}
	return 0;
}

/* Validity of one certificate at `now`: 0, CERT_EXPIRED or CERT_NOT_YET_VALID (+ detail). */
static int
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
static void
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

static const char *
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

/*
 * A BearSSL X.509 error to a wasmtls code and detail. `at` is the index (in
 * the chain as sent) of the certificate being processed when BearSSL failed,
 * `prev` the index of the certificate below it on the path (n: none).
 */
static int
wt_map_br_err(unsigned br, size_t at, size_t prev, size_t n, wt_text *t)
{
	wt_text_str(t, "certificate #");
	wt_text_fmt_size(t, at < n ? at : n - 1);
	wt_text_str(t, ": ");
	switch (br) {
	case BR_ERR_X509_BAD_SIGNATURE:
		if (prev < n) {
			wt_text_str(t, "the signature of certificate #");
			wt_text_fmt_size(t, prev);
			wt_text_str(t, " does not verify with this certificate's key");
		} else {
			wt_text_str(t, "its signature is invalid");
		}
		return WT_ERR_BAD_CERTIFICATE;
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		wt_text_str(t, "the RSA key is too small");
		return WT_ERR_WEAK_CERTIFICATE;
	case BR_ERR_X509_UNSUPPORTED:
		wt_text_str(t, "unsupported key type, curve or signature algorithm (e.g. RSA-PSS)");
		return WT_ERR_UNSUPPORTED_CERTIFICATE;
	case BR_ERR_X509_WRONG_KEY_TYPE:
		wt_text_str(t, "the issuer's key type does not match the signature algorithm");
		return WT_ERR_BAD_CERTIFICATE;
	case BR_ERR_X509_NOT_CA:
		wt_text_str(t, "used as an issuer but it is not a CA (basicConstraints/pathLen)");
		return WT_ERR_BAD_CERTIFICATE;
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		wt_text_str(t, "its keyUsage forbids this use");
		return WT_ERR_BAD_CERTIFICATE;
	case BR_ERR_X509_CRITICAL_EXTENSION:
		wt_text_str(t, "it has an unknown critical extension");
		return WT_ERR_BAD_CERTIFICATE;
	case BR_ERR_X509_DN_MISMATCH:
		wt_text_str(t, "its subject is not the previous certificate's issuer (chain out of order?)");
		return WT_ERR_BAD_CERTIFICATE;
	case BR_ERR_X509_LIMIT_EXCEEDED:
		wt_text_str(t, "a key or signature exceeds BearSSL's size limits");
		return WT_ERR_UNSUPPORTED_CERTIFICATE;
	default: {
		char buf[48];
		int k = snprintf(buf, sizeof buf, "rejected by the X.509 engine (BearSSL error %u)", br);
		if (k > 0) wt_text_put(t, buf, (size_t)k);
		return WT_ERR_BAD_CERTIFICATE;
	}
	}
}

/* ------------------------------------------------------ name constraints */

static uint8_t
wt_ascii_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static int
wt_ascii_ieq(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (wt_ascii_lower(a[i]) != wt_ascii_lower(b[i])) return 0;
	}
	return 1;
}

/* Is the dNSName `name` inside the DNS subtree `base` (RFC 5280 §4.2.1.10)? */
static int
wt_dns_within(const uint8_t *name, size_t nlen, const uint8_t *base, size_t blen)
{
	if (blen == 0) return 1;
	if (base[0] == '.') {
		return nlen > blen && wt_ascii_ieq(name + nlen - blen, base, blen);
	}
	if (nlen == blen) return wt_ascii_ieq(name, base, blen);
	return nlen > blen && name[nlen - blen - 1] == '.'
		&& wt_ascii_ieq(name + nlen - blen, base, blen);
}

/* Is the iPAddress `ip` inside `base` (address then mask, 8 or 32 bytes)? */
static int
wt_ip_within(const uint8_t *ip, size_t ilen, const uint8_t *base, size_t blen)
{
	if (blen != 2 * ilen) return 0;
	for (size_t k = 0; k < ilen; k++) {
		if ((ip[k] & base[ilen + k]) != (base[k] & base[ilen + k])) return 0;
	}
	return 1;
}

/*
 * One name (GeneralName tag 2 dNSName or 7 iPAddress) against one subtree
 * list ([0] permitted or [1] excluded). Sets *typed when the list has a
 * subtree of the name's type; returns 1 if the name is within one of them.
 */
static int
wt_nc_list_covers(wt_reader list, unsigned tag, const uint8_t *name, size_t nlen, int *typed)
{
	int in = 0;
	*typed = 0;
	while (list.n > 0 && !list.bad) {
		wt_reader sub = wt_der_expect(&list, WT_DER_SEQUENCE);
		wt_der_tlv base;
		if (!wt_der_read(&sub, &base)) break;
		if (base.tag != tag) continue;
		*typed = 1;
		if (tag == WT_DER_CTX_PRIM(2)) in |= wt_dns_within(name, nlen, base.body.p, base.body.n);
		else in |= wt_ip_within(name, nlen, base.body.p, base.body.n);
	}
	return in;
}

/*
 * The dNSName and iPAddress SANs of `ci` against the NameConstraints of
 * `issuer`. Other name forms (directoryName, rfc822Name, URI) are not used
 * to authenticate a TLS server by wasmtls, so their subtrees do not apply.
 * \return 0 or WT_ERR_NAME_CONSTRAINTS (+ detail).
 */
static int
wt_check_name_constraints(const wt_cert_info *issuer, size_t ii, const wt_cert_info *ci,
	size_t ci_index, wt_text *t)
{
	wt_reader nc = wt_reader_of(issuer->name_constraints, issuer->name_constraints_len);
	wt_reader permitted = { 0 }, excluded = { 0 };
	while (nc.n > 0 && !nc.bad) {
		wt_der_tlv part;
		if (!wt_der_read(&nc, &part)) break;
		if (part.tag == WT_DER_CTX_CONS(0)) permitted = part.body;
		else if (part.tag == WT_DER_CTX_CONS(1)) excluded = part.body;
	}
	if (!ci->has_san) return 0;
	wt_reader r = wt_reader_of(ci->san, ci->san_len);
	wt_reader names = wt_der_expect(&r, WT_DER_SEQUENCE);
	while (names.n > 0 && !names.bad) {
		wt_der_tlv g;
		if (!wt_der_read(&names, &g)) break;
		if (g.tag != WT_DER_CTX_PRIM(2) && g.tag != WT_DER_CTX_PRIM(7)) continue;
		int typed, in_ex = wt_nc_list_covers(excluded, g.tag, g.body.p, g.body.n, &typed);
		int in_perm = wt_nc_list_covers(permitted, g.tag, g.body.p, g.body.n, &typed);
		if (in_ex || (typed && !in_perm)) {
			wt_text_cert(t, ci_index, ci);
			wt_text_str(t, " names ");
			if (g.tag == WT_DER_CTX_PRIM(2)) {
				wt_text_str(t, "DNS:");
				wt_text_safe(t, g.body.p, g.body.n);
			} else {
				wt_text_str(t, "IP:");
				wt_text_ip(t, g.body.p, g.body.n);
			}
			wt_text_str(t, in_ex ? ", which is in an excluded subtree of the nameConstraints of "
				: ", which is outside the permitted subtrees of the nameConstraints of ");
			wt_text_cert(t, ii, issuer);
			return WT_ERR_NAME_CONSTRAINTS;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ path building */

static int
wt_same_dn(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static int
wt_valid_at(const wt_cert_info *ci, int64_t now)
{
	return now >= ci->not_before && now <= ci->not_after;
}

/*
 * Order the certificates from the leaf towards an anchor (see the header).
 * \return 0 with the path, or MISSING_INTERMEDIATE / BAD_CERTIFICATE (+ detail).
 */
static int
wt_build_path(const wt_verify_params *p, const wt_cert_info *info, size_t n,
	size_t *path, size_t *path_len, wt_text *t)
{
	uint8_t used[WT_VERIFY_MAX_CERTS] = { 0 };
	size_t k = 1;
	path[0] = 0;
	used[0] = 1;
	for (;;) {
		const wt_cert_info *cur = &info[path[k - 1]];
		if (wt_dn_is_anchor(p, cur->issuer, cur->issuer_len)) break;
		if (wt_self_issued(cur)) break;              /* an untrusted root: x509_minimal says so */
		size_t best = n;
		for (size_t j = 0; j < n; j++) {
			if (used[j] || !wt_same_dn(info[j].subject, info[j].subject_len, cur->issuer, cur->issuer_len)) continue;
			if (best == n || (!wt_valid_at(&info[best], p->now) && wt_valid_at(&info[j], p->now))) best = j;
		}
		if (best == n) {
			/* Only the leaf: its issuer (in the web PKI always an intermediate,
			   roots do not issue leaves) was not sent. Further up, an
			   intermediate whose issuer is unknown: an untrusted (private) CA. */
			*path_len = k;
			wt_text_str(t, "the issuer of ");
			wt_text_cert(t, path[k - 1], cur);
			wt_text_str(t, ", \"");
			wt_text_dn(t, cur->issuer, cur->issuer_len);
			if (k == 1) {
				wt_text_str(t, "\", is neither a trusted root nor among the certificates the server sent"
					" (the server omitted its intermediate certificate)");
				return WT_ERR_MISSING_INTERMEDIATE;
			}
			wt_text_str(t, "\", is not a trusted root (a private or unknown CA; or a further"
				" intermediate is missing)");
			return WT_ERR_UNKNOWN_CA;
		}
		if (k == WT_MAX_PATH) {
			*path_len = k;
			wt_text_str(t, "the certificate path is longer than 10 certificates");
			return WT_ERR_BAD_CERTIFICATE;
		}
		used[best] = 1;
		path[k++] = best;
	}
	*path_len = k;
	return 0;
}

/* ------------------------------------------------------------ verification */

int
wt_chain_verify(const wt_verify_params *p, const wt_span *chain, size_t n,
	wt_pubkey *leaf_key, char *detail, size_t detail_len)
{
	size_t path[WT_MAX_PATH], path_len;
	return wt_chain_verify_path(p, chain, n, leaf_key, path, &path_len, detail, detail_len);
}

int
wt_chain_verify_path(const wt_verify_params *p, const wt_span *chain, size_t n,
	wt_pubkey *leaf_key, size_t path[WT_MAX_PATH], size_t *path_len,
	char *detail, size_t detail_len)
{
	wt_text t = { detail, detail_len, 0 };
	wt_cert_info info[WT_VERIFY_MAX_CERTS];
	size_t i, m;
	int err;

	*path_len = 0;
	if (detail != NULL && detail_len > 0) detail[0] = 0;
	if (p == NULL || (p->anchors == NULL && p->num_anchors > 0)) return WT_ERR_BAD_ARGUMENT;
	if (n == 0) {
		wt_text_str(&t, "the server sent no certificate");
		return WT_ERR_EMPTY_CHAIN;
	}
	if (chain == NULL) return WT_ERR_BAD_ARGUMENT;
	if (n > WT_VERIFY_MAX_CERTS) n = WT_VERIFY_MAX_CERTS;             /* extras past 32 are ignored */

	/* 1. parse everything */
	for (i = 0; i < n; i++) {
		if (wt_cert_parse(&info[i], chain[i].der, chain[i].len) != 0) {
			wt_text_str(&t, "certificate #");
			wt_text_fmt_size(&t, i);
			wt_text_str(&t, i == 0 ? " (leaf) is malformed DER" : " is malformed DER");
			return WT_ERR_BAD_CERTIFICATE;
		}
	}
	const wt_cert_info *leaf = &info[0];

	/* 2. leaf key type */
	if (leaf->key_type != WT_CERTKEY_RSA && leaf->key_type != WT_CERTKEY_EC) {
		wt_text_cert(&t, 0, leaf);
		wt_text_str(&t, " has ");
		wt_text_str(&t, wt_key_name(leaf->key_type));
		wt_text_str(&t, " key, which is not supported");
		return WT_ERR_UNSUPPORTED_CERTIFICATE;
	}
	if (leaf->key_type == WT_CERTKEY_EC && leaf->key_bits == 0) {
		wt_text_cert(&t, 0, leaf);
		wt_text_str(&t, " has an EC key on an unsupported curve");
		return WT_ERR_UNSUPPORTED_CERTIFICATE;
	}

	/* 3. the path: leaf → … → last certificate before an anchor */
	err = wt_build_path(p, info, n, path, path_len, &t);
	if (err) return err;
	m = *path_len;

	/* 4. weak signatures and keys on the path */
	for (i = 0; i < m; i++) {
		const wt_cert_info *ci = &info[path[i]];
		if (i > 0 && wt_self_issued(ci)) continue;     /* a root: its own signature is moot */
		if (ci->sig_is_sha1) {
			wt_text_cert(&t, path[i], ci);
			wt_text_str(&t, " is signed with SHA-1 or MD5");
			return WT_ERR_WEAK_CERTIFICATE;
		}
		if (ci->key_type == WT_CERTKEY_RSA && ci->key_bits < 2048) {
			char buf[64];
			wt_text_cert(&t, path[i], ci);
			int k = snprintf(buf, sizeof buf, " has a %u-bit RSA key (minimum 2048)", ci->key_bits);
			if (k > 0) wt_text_put(&t, buf, (size_t)k);
			return WT_ERR_WEAK_CERTIFICATE;
		}
	}

	/* 5. validity on the path */
	for (i = 0; i < m; i++) {
		err = wt_check_validity(&info[path[i]], path[i], p->now, &t);
		if (err) return err;
	}

	/* 6. extendedKeyUsage: when present (on the leaf or an intermediate) it must allow the purpose */
	for (i = 0; i < m; i++) {
		const wt_cert_info *ci = &info[path[i]];
		int ok = p->purpose == WT_PURPOSE_CLIENT ? ci->eku_client : ci->eku_server;
		if (!ci->has_eku || ok || ci->eku_any) continue;
		wt_text_cert(&t, path[i], ci);
		wt_text_str(&t, p->purpose == WT_PURPOSE_CLIENT
			? "'s extendedKeyUsage does not include clientAuth (TLS client authentication)"
			: "'s extendedKeyUsage does not include serverAuth (TLS server authentication)");
		if (ci->eku_client && p->purpose != WT_PURPOSE_CLIENT) wt_text_str(&t, "; it is a client certificate");
		return WT_ERR_CERT_PURPOSE;
	}

	/* 7. nameConstraints of each issuer on the path, over the certificates below it */
	for (i = 1; i < m; i++) {
		if (info[path[i]].name_constraints == NULL) continue;
		for (size_t j = 0; j < i; j++) {
			err = wt_check_name_constraints(&info[path[i]], path[i], &info[path[j]], path[j], &t);
			if (err) return err;
		}
	}

	/* 8. BearSSL on the ordered path: signatures, anchor, basicConstraints, pathLen, keyUsage */
	br_x509_minimal_context xc;
	br_x509_minimal_init(&xc, &br_sha256_vtable, p->anchors, p->num_anchors);
	br_x509_minimal_set_hash(&xc, br_sha224_ID, &br_sha224_vtable);
	br_x509_minimal_set_hash(&xc, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(&xc, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(&xc, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(&xc, br_rsa_i31_pkcs1_vrfy);
	br_x509_minimal_set_ecdsa(&xc, &br_ec_all_m31, br_ecdsa_i31_vrfy_asn1);
	{
		int64_t days = p->now / 86400, secs = p->now % 86400;
		if (secs < 0) { secs += 86400; days--; }
		days += 719528;                             /* 0000-01-01 .. 1970-01-01 */
		if (days < 0) { days = 0; secs = 0; }
		if (days > (int64_t)UINT32_MAX) days = UINT32_MAX;
		br_x509_minimal_set_time(&xc, (uint32_t)days, (uint32_t)secs);
	}
	const br_x509_class **vt = &xc.vtable;
	size_t failed_at = m;
	(*vt)->start_chain(vt, NULL);                       /* names: checked below */
	for (i = 0; i < m; i++) {
		const wt_span *c = &chain[path[i]];
		(*vt)->start_cert(vt, (uint32_t)c->len);
		(*vt)->append(vt, c->der, c->len);
		(*vt)->end_cert(vt);
		/* Peek at the (documented-opaque) error field to learn which
		   certificate failed; BearSSL 0.6 is vendored, so the layout is fixed. */
		if (failed_at == m && xc.err != 0 && xc.err != BR_ERR_X509_OK) failed_at = i;
	}
	unsigned br = (*vt)->end_chain(vt);
	if (br == BR_ERR_X509_NOT_TRUSTED) {
		const wt_cert_info *ci = &info[path[m - 1]];
		wt_text_str(&t, "the chain does not lead to a trusted root: ");
		if (m > 1 && wt_self_issued(ci)) {
			wt_text_str(&t, "it ends in the self-signed root \"");
			wt_text_dn(&t, ci->subject, ci->subject_len);
			wt_text_str(&t, "\", which is not trusted");
		} else if (m == 1 && wt_self_issued(ci)) {
			wt_text_str(&t, "the certificate is self-signed (\"");
			wt_text_dn(&t, ci->subject, ci->subject_len);
			wt_text_str(&t, "\") and not trusted");
		} else {
			wt_text_str(&t, "certificate #");
			wt_text_fmt_size(&t, path[m - 1]);
			wt_text_str(&t, " was issued by \"");
			wt_text_dn(&t, ci->issuer, ci->issuer_len);
			wt_text_str(&t, "\", a trusted root whose key does not verify it");
		}
		return WT_ERR_UNKNOWN_CA;
	}
	if (br == BR_ERR_X509_EXPIRED) {
		wt_text_str(&t, "a certificate is outside its validity period");
		return WT_ERR_CERT_EXPIRED;
	}
	if (br == BR_ERR_X509_CRITICAL_EXTENSION && failed_at < m
		&& info[path[failed_at]].name_constraints != NULL)
	{
		wt_text_cert(&t, path[failed_at], &info[path[failed_at]]);
		wt_text_str(&t, " has critical nameConstraints; the DNS/IP names satisfy them, but the"
			" X.509 engine cannot process this critical extension, so the chain is refused");
		return WT_ERR_UNSUPPORTED_CERTIFICATE;
	}
	if (br != 0) {
		size_t pos = failed_at < m ? failed_at : m - 1;
		return wt_map_br_err(br, path[pos], pos > 0 ? path[pos - 1] : n, n, &t);
	}

	/* 9. the host name, on the leaf's SANs only */
	if (p->host != NULL && !wt_cert_matches_host(leaf, p->host, p->host_len)) {
		if (leaf->has_san) {
			wt_text_str(&t, "certificate names ");
			wt_text_sans(&t, leaf);
		} else {
			wt_text_str(&t, "certificate has no subjectAltName (its subject is ");
			wt_text_dn(&t, leaf->subject, leaf->subject_len);
			wt_text_str(&t, "; the CN is not used)");
		}
		wt_text_str(&t, "; asked for ");
		wt_text_safe(&t, (const uint8_t *)p->host, p->host_len);
		return WT_ERR_HOSTNAME_MISMATCH;
	}

	/* 10. stapled OCSP, checked against the leaf's issuer on the path (or its anchor) */
	if (p->ocsp != NULL && p->ocsp_len > 0) {
		wt_ocsp_subject os;
		br_x509_decoder_context dc;
		memset(&os, 0, sizeof os);
		os.serial = leaf->serial;
		os.serial_len = leaf->serial_len;
		os.issuer_dn = leaf->issuer;
		os.issuer_dn_len = leaf->issuer_len;
		if (m > 1) {
			const wt_span *ic = &chain[path[1]];
			br_x509_decoder_init(&dc, NULL, NULL);
			br_x509_decoder_push(&dc, ic->der, ic->len);
			os.issuer_key = br_x509_decoder_get_pkey(&dc);
			os.issuer_spki_key = info[path[1]].spki_key;
			os.issuer_spki_key_len = info[path[1]].spki_key_len;
		} else {
			for (size_t u = 0; u < p->num_anchors && os.issuer_key == NULL; u++) {
				const br_x509_trust_anchor *ta = &p->anchors[u];
				if (wt_same_dn(ta->dn.data, ta->dn.len, leaf->issuer, leaf->issuer_len)) os.issuer_key = &ta->pkey;
			}
		}
		{   /* wt_ocsp_check refuses a NULL (undecodable) issuer key */
			char od[200];
			err = wt_ocsp_check(p->ocsp, p->ocsp_len, &os, p->now, od, sizeof od);
			if (err) {
				wt_text_str(&t, od);
				return err;
			}
		}
	}

	if (leaf_key != NULL) {
		const br_x509_pkey *pk = (*vt)->get_pkey(vt, NULL);
		if (pk == NULL || wt_pubkey_copy(leaf_key, pk) != 0) {
			wt_text_str(&t, "the leaf public key cannot be used (too large?)");
			return WT_ERR_BAD_CERTIFICATE;
		}
	}
	return 0;
}
