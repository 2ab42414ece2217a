/*
 * wt_name_constraints.c — nameConstraints (RFC 5280 §4.2.1.10, as
 * rustls-webpki applies them) for the chain verification (wt_verify.c):
 * dNSName and iPAddress subtrees, permitted and excluded, with the
 * name-comparison budget.
 */
#include "wt_verify_internal.h"

/* ------------------------------------------------------ name constraints */

/* Is the (normalised) dNSName `name` inside the (normalised) DNS subtree `base` (RFC 5280 §4.2.1.10)? */
int
wt_dns_within(const uint8_t *name, size_t nlen, const uint8_t *base, size_t blen)
{
	if (blen == 0) return 1;
	if (base[0] == '.') {
		return nlen > blen && memcmp(name + nlen - blen, base, blen) == 0;
	}
	if (nlen == blen) return memcmp(name, base, blen) == 0;
	return nlen > blen && name[nlen - blen - 1] == '.'
		&& memcmp(name + nlen - blen, base, blen) == 0;
}

/* Is the iPAddress `ip` inside `base` (address then mask, 8 or 32 bytes)? */
int
wt_ip_within(const uint8_t *ip, size_t ilen, const uint8_t *base, size_t blen)
{
	if (blen != 2 * ilen) return 0;
	for (size_t k = 0; k < ilen; k++) {
		if ((ip[k] & base[ilen + k]) != (base[k] & base[ilen + k])) return 0;
	}
	return 1;
}

/* A contiguous mask (ones then zeros) of 4 or 16 bytes after the address. */
int
wt_ip_constraint_ok(const uint8_t *b, size_t n)
{
	if (n != 8 && n != 32) return 0;
	size_t half = n / 2;
	int zero = 0;
	for (size_t k = half; k < n; k++) {
		for (int bit = 7; bit >= 0; bit--) {
			int one = (b[k] >> bit) & 1;
			if (one && zero) return 0;
			if (!one) zero = 1;
		}
	}
	return 1;
}

/*
 * A DNS constraint in normal form: "" (everything), "example.com" or
 * ".example.com" (RFC 5280 §4.2.1.10, as webpki); a wildcard or an empty
 * label is malformed. \return the length, 0 for "", -1 if malformed.
 */
long
wt_dns_constraint(const uint8_t *b, size_t n, uint8_t out[253])
{
	if (n == 0) return 0;
	size_t off = b[0] == '.' ? 1 : 0;
	if (off == 1 && n == 1) return -1;
	if (memchr(b, '*', n) != NULL || (n > 0 && b[n - 1] == '.')) return -1;
	size_t k = wt_dns_normalize(b + off, n - off, out + off, 0);
	if (k == 0) return -1;
	if (off) out[0] = '.';
	return (long)(k + off);
}


int
wt_budget_names(wt_budget *b)
{
	if (b->over || ++b->names > b->name_budget) { b->over = 1; return 0; }
	return 1;
}

/* Is the GeneralName tag one that wasmtls checks (dNSName, iPAddress) or ignores (directoryName)? */
#define WT_GN_OTHER  0xA0u   /* otherName [0] */
#define WT_GN_EMAIL  0x81u
#define WT_GN_DNS    0x82u
#define WT_GN_DIR    0xA4u
#define WT_GN_URI    0x86u
#define WT_GN_IP     0x87u

/*
 * One subtree list ([0] permitted or [1] excluded) against one name (a
 * normalised dNSName or an iPAddress). \return 1 inside one of them, 0 not;
 * *typed: the list has subtrees of the name's type; -1 malformed or budget.
 */
int
wt_nc_list_covers(wt_reader list, unsigned tag, const uint8_t *name, size_t nlen, int *typed,
	wt_budget *bud)
{
	int in = 0;
	*typed = 0;
	while (list.n > 0 && !list.bad) {
		wt_reader sub = wt_der_expect(&list, WT_DER_SEQUENCE);
		wt_der_tlv base;
		if (!wt_der_read(&sub, &base)) return -1;
		if (base.tag != tag) continue;
		*typed = 1;
		if (!wt_budget_names(bud)) return -1;
		if (tag == WT_GN_DNS) {
			uint8_t nb[253];
			long bl = wt_dns_constraint(base.body.p, base.body.n, nb);
			if (bl < 0) return -1;
			in |= wt_dns_within(name, nlen, nb, (size_t)bl);
		} else {
			if (!wt_ip_constraint_ok(base.body.p, base.body.n)) return -1;
			in |= wt_ip_within(name, nlen, base.body.p, base.body.n);
		}
	}
	return list.bad ? -1 : in;
}

/* Does a subtree list contain a form `tag`? */
int
wt_nc_has_form(wt_reader list, unsigned tag)
{
	while (list.n > 0 && !list.bad) {
		wt_reader sub = wt_der_expect(&list, WT_DER_SEQUENCE);
		wt_der_tlv base;
		if (!wt_der_read(&sub, &base)) return 0;
		if (base.tag == tag) return 1;
	}
	return 0;
}

/*
 * Check the syntax of every subtree once (a malformed constraint refuses the
 * chain even when no name of its form is presented). \return 1 ok.
 */
int
wt_nc_well_formed(wt_reader list)
{
	while (list.n > 0 && !list.bad) {
		wt_reader sub = wt_der_expect(&list, WT_DER_SEQUENCE);
		wt_der_tlv base;
		if (!wt_der_read(&sub, &base)) return 0;
		/* minimum [0] / maximum [1]: RFC 5280 says MUST NOT be present (minimum 0 allowed) */
		if (sub.n > 0) {
			wt_der_tlv extra;
			if (!wt_der_read(&sub, &extra)) return 0;
			if (!(extra.tag == WT_DER_CTX_PRIM(0) && extra.body.n == 1 && extra.body.p[0] == 0)
				|| sub.n > 0)
			{
				return 0;
			}
		}
		if (base.tag == WT_GN_DNS) {
			uint8_t nb[253];
			if (wt_dns_constraint(base.body.p, base.body.n, nb) < 0) return 0;
		} else if (base.tag == WT_GN_IP) {
			if (!wt_ip_constraint_ok(base.body.p, base.body.n)) return 0;
		}
	}
	return !list.bad;
}

/*
 * The names of `ci` against the NameConstraints `nc` (contents of the
 * SEQUENCE) of the issuer described by `issuer_text`. dNSName and iPAddress
 * names are checked (excluded wins over permitted); directoryName subtrees
 * are not applied (as webpki); a name of a form that has subtrees but that
 * wasmtls does not check (rfc822Name, URI, otherName) refuses the chain as
 * UNSUPPORTED_CERTIFICATE — a form the certificate has no names of does not
 * matter. \return 0, NAME_CONSTRAINTS, UNSUPPORTED_CERTIFICATE or
 * VERIFY_BUDGET (+ detail).
 */
int
wt_check_name_constraints(const uint8_t *ncp, size_t ncn, const char *label,
	const uint8_t *issuer_dn, size_t issuer_dn_len, const wt_cert_info *ci, size_t ci_index,
	wt_budget *bud, wt_text *t)
{
	wt_reader nc = wt_reader_of(ncp, ncn);
	wt_reader permitted = { 0 }, excluded = { 0 };
	int bad = nc.n == 0;                               /* one of the two MUST be present */
	while (nc.n > 0 && !nc.bad) {
		wt_der_tlv part;
		if (!wt_der_read(&nc, &part)) { bad = 1; break; }
		if (part.tag == WT_DER_CTX_CONS(0) && permitted.p == NULL) permitted = part.body;
		else if (part.tag == WT_DER_CTX_CONS(1) && excluded.p == NULL) excluded = part.body;
		else bad = 1;
	}
	if (bad || !wt_nc_well_formed(permitted) || !wt_nc_well_formed(excluded)) {
		wt_text_str(t, "the nameConstraints of ");
		wt_text_str(t, label);
		wt_text_str(t, " (");
		wt_text_dn(t, issuer_dn, issuer_dn_len);
		wt_text_str(t, ") are malformed (e.g. a wildcard in a DNS subtree, or an IP subtree that"
			" is not an address and a contiguous mask of 8 or 32 bytes)");
		return WT_ERR_NAME_CONSTRAINTS;
	}
	if (!ci->has_san) return 0;
	wt_reader r = wt_reader_of(ci->san, ci->san_len);
	wt_reader names = wt_der_expect(&r, WT_DER_SEQUENCE);
	while (names.n > 0 && !names.bad) {
		wt_der_tlv g;
		if (!wt_der_read(&names, &g)) break;
		const uint8_t *nm = g.body.p;
		size_t nlen = g.body.n;
		uint8_t norm[253];
		if (g.tag == WT_GN_EMAIL || g.tag == WT_GN_URI || g.tag == WT_GN_OTHER) {
			if (wt_nc_has_form(permitted, g.tag) || wt_nc_has_form(excluded, g.tag)) {
				wt_text_cert(t, ci_index, ci);
				wt_text_str(t, g.tag == WT_GN_EMAIL ? " has an email name" : g.tag == WT_GN_URI
					? " has a URI name" : " has an otherName");
				wt_text_str(t, " and the issuer constrains that form, which wasmtls does not check");
				return WT_ERR_UNSUPPORTED_CERTIFICATE;
			}
			continue;
		}
		if (g.tag != WT_GN_DNS && g.tag != WT_GN_IP) continue;
		int malformed = 0;
		if (g.tag == WT_GN_DNS) {
			nlen = wt_dns_normalize(g.body.p, g.body.n, norm, 1);
			nm = norm;
			malformed = nlen == 0;
		} else {
			malformed = nlen != 4 && nlen != 16;
		}
		int typed_ex = 0, typed_perm = 0, in_ex = 0, in_perm = 0;
		if (!malformed) {
			in_ex = wt_nc_list_covers(excluded, g.tag, nm, nlen, &typed_ex, bud);
			if (in_ex >= 0) in_perm = wt_nc_list_covers(permitted, g.tag, nm, nlen, &typed_perm, bud);
			if (bud->over) {
				wt_text_str(t, "nameConstraints: more than ");
				wt_text_fmt_size(t, bud->name_budget);
				wt_text_str(t, " name comparisons (the budget)");
				return WT_ERR_VERIFY_BUDGET;
			}
			if (in_ex < 0 || in_perm < 0) malformed = 1;
		}
		if (malformed && (typed_ex || typed_perm || wt_nc_has_form(permitted, g.tag)
			|| wt_nc_has_form(excluded, g.tag)))
		{
			wt_text_cert(t, ci_index, ci);
			wt_text_str(t, " has a malformed ");
			wt_text_str(t, g.tag == WT_GN_DNS ? "DNS name \"" : "IP address \"");
			wt_text_safe(t, g.body.p, g.body.n);
			wt_text_str(t, "\" under nameConstraints");
			return WT_ERR_NAME_CONSTRAINTS;
		}
		if (malformed) continue;
		if (in_ex || (typed_perm && !in_perm)) {
			wt_text_cert(t, ci_index, ci);
			wt_text_str(t, " names ");
			if (g.tag == WT_GN_DNS) {
				wt_text_str(t, "DNS:");
				wt_text_safe(t, g.body.p, g.body.n);
			} else {
				wt_text_str(t, "IP:");
				wt_text_ip(t, g.body.p, g.body.n);
			}
			wt_text_str(t, in_ex ? ", which is in an excluded subtree of the nameConstraints of "
				: ", which is outside the permitted subtrees of the nameConstraints of ");
			wt_text_str(t, label);
			wt_text_str(t, " (");
			wt_text_dn(t, issuer_dn, issuer_dn_len);
			wt_text_str(t, ")");
			return WT_ERR_NAME_CONSTRAINTS;
		}
	}
	return 0;
}
