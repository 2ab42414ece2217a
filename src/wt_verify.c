/*
 * wt_verify.c — certificate chain verification (RFC 5280 §6 path
 * validation, with the web PKI profile of the CA/B Forum baseline
 * requirements as rustls-webpki applies it; docs/X509.md has one row per
 * check and its source).
 *
 *   1. every certificate parses (wt_cert_parse)           → BAD_CERTIFICATE
 *   2. the leaf key is RSA or EC on a known curve          → UNSUPPORTED_CERTIFICATE
 *   3. path search (wt_search): depth first from the leaf; for each
 *      certificate the candidate issuers are the trust anchors with its
 *      issuer DN, then the certificates sent with that subject (ones valid
 *      at `now` first; never a sent copy of an anchor). A candidate is
 *      taken only if its key verifies the signature; a path that reaches
 *      an anchor is checked as a whole (wt_check_path: weak algorithms,
 *      validity, the anchor as a certificate, structure rules, the leaf's
 *      role and keyUsage, CA/keyUsage/pathLen of issuers, extendedKeyUsage,
 *      nameConstraints of intermediates and anchors), and on failure the
 *      search goes on with the next candidate. Depth WT_MAX_PATH; the
 *      signature and name-comparison budgets cover the whole search
 *      (→ VERIFY_BUDGET). The most useful failure is reported: that of the
 *      first complete path, else of the longest partial one
 *      (MISSING_INTERMEDIATE: the leaf's issuer neither trusted nor sent;
 *      UNKNOWN_CA: an untrusted root or a further issuer unknown).
 *   4. the leaf names the host (wt_cert_matches_host)      → HOSTNAME_MISMATCH
 *   5. a stapled OCSP response, if given (wt_ocsp_check)   → CERT_REVOKED,
 *      signed by the leaf's issuer on the path, fresh         BAD_CERTIFICATE
 *
 * BearSSL supplies the primitives (hashes, RSA PKCS#1 and ECDSA signature
 * verification); the X.509 logic is wasmtls's own, so critical
 * nameConstraints and extendedKeyUsage are processed rather than refused.
 */
#include "wt_fmt.h"
#include "wt_verify_internal.h"

/* ------------------------------------------------------------ path search */

#define WT_DETAIL_MAX 400

typedef struct {
	const wt_verify_params *p;
	const wt_span *chain;
	const wt_cert_info *info;
	size_t n;
	int path[WT_MAX_PATH + 1];         /* >= 0: chain index; < 0: anchor -(1 + k) */
	size_t len;
	uint8_t used[WT_VERIFY_MAX_CERTS];
	wt_budget bud;
	int best_err, best_rank;
	int best_path[WT_MAX_PATH + 1];
	size_t best_len;
	char best_detail[WT_DETAIL_MAX];
	char cur[WT_DETAIL_MAX];
	wt_text log;
	unsigned tried;
} wt_search;

#include "wt_ocsp.h"

static int
wt_budget_sig(wt_budget *b)
{
	if (b->over || ++b->sigs > b->sig_budget) { b->over = 1; return 0; }
	return 1;
}

static void
wt_text_int(wt_text *t, long v)
{
	char buf[24];
	int k = (int)wt_fmt(buf, sizeof buf, "%ld", v);
	if (k > 0) wt_text_put(t, buf, (size_t)k);
}

/* The current path as "#0 > #2 > ca[1]". */
static void
wt_text_path(wt_text *t, const int *path, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (i) wt_text_str(t, " > ");
		if (path[i] >= 0) {
			wt_text_str(t, "#");
			wt_text_int(t, path[i]);
		} else {
			wt_text_str(t, "ca[");
			wt_text_int(t, -path[i] - 1);
			wt_text_str(t, "]");
		}
	}
}

/* A failed candidate path: log it, keep it if it is the most useful so far. */
static void
wt_note(wt_search *s, int err, int complete)
{
	s->tried++;
	if (s->log.p != NULL) {
		wt_text_path(&s->log, s->path, s->len);
		wt_text_str(&s->log, ": ");
		wt_text_str(&s->log, wt_err_name(err));
		wt_text_str(&s->log, ": ");
		wt_text_str(&s->log, s->cur);
		wt_text_str(&s->log, "\n");
	}
	int rank = (complete ? 1000 : 0) + (int)s->len;
	if (rank > s->best_rank) {
		s->best_rank = rank;
		s->best_err = err;
		memcpy(s->best_path, s->path, s->len * sizeof s->path[0]);
		s->best_len = s->len;
		memcpy(s->best_detail, s->cur, sizeof s->cur);
	}
}

static wt_text
wt_cur_text(wt_search *s)
{
	wt_text t = { s->cur, sizeof s->cur, 0 };
	s->cur[0] = 0;
	return t;
}

/* RSA modulus bits of an anchor key (0 if not RSA). */
static unsigned
wt_pkey_rsa_bits(const br_x509_pkey *pk)
{
	if (pk->key_type != BR_KEYTYPE_RSA) return 0;
	const uint8_t *n = pk->key.rsa.n;
	size_t len = pk->key.rsa.nlen;
	while (len > 0 && *n == 0) { n++; len--; }
	if (len == 0) return 0;
	unsigned bits = (unsigned)(len - 1) * 8;
	for (uint8_t b = *n; b; b >>= 1) bits++;
	return bits;
}

static void
wt_text_anchor(wt_text *t, size_t u, const br_x509_trust_anchor *ta)
{
	wt_text_str(t, "the trust anchor ca[");
	wt_text_fmt_size(t, u);
	wt_text_str(t, "] (\"");
	wt_text_dn(t, ta->dn.data, ta->dn.len);
	wt_text_str(t, "\")");
}

/*
 * Every check on one complete path: s->path[0 .. len-2] certificates sent,
 * s->path[len-1] the anchor. \return 0 or the first failure (+ detail).
 */
static int
wt_check_path(wt_search *s, wt_text *t)
{
	const wt_verify_params *p = s->p;
	size_t m = s->len - 1, i;
	size_t u = (size_t)(-s->path[m] - 1);
	const br_x509_trust_anchor *ta = &p->anchors[u];
	const wt_anchor_info *ai = p->anchor_info ? &p->anchor_info[u] : NULL;
	const wt_cert_info *leaf = &s->info[0];
	br_x509_pkey lk;
	/* the leaf is itself the anchor (a self-signed certificate trusted as `ca`) */
	int direct = m == 1 && wt_cert_pkey(leaf, &lk) && wt_same_pkey(&lk, &ta->pkey)
		&& wt_same_dn(ta->dn.data, ta->dn.len, leaf->subject, leaf->subject_len);
	if (direct) ai = NULL;                         /* the leaf's own checks apply */
#define CI(k) (&s->info[s->path[k]])
#define IX(k) ((size_t)s->path[k])

	/* weak signatures and keys (every signature on the path is verified) */
	for (i = 0; i < m; i++) {
		if (CI(i)->sig_is_sha1) {
			wt_text_cert(t, IX(i), CI(i));
			wt_text_str(t, " is signed with SHA-1 or MD5");
			return WT_ERR_WEAK_CERTIFICATE;
		}
		if (CI(i)->key_type == WT_CERTKEY_RSA && CI(i)->key_bits < 2048) {
			char buf[64];
			wt_text_cert(t, IX(i), CI(i));
			int k = (int)wt_fmt(buf, sizeof buf, " has a %u-bit RSA key (minimum 2048)", CI(i)->key_bits);
			if (k > 0) wt_text_put(t, buf, (size_t)k);
			return WT_ERR_WEAK_CERTIFICATE;
		}
	}
	if (!direct && ta->pkey.key_type == BR_KEYTYPE_RSA && wt_pkey_rsa_bits(&ta->pkey) < 2048) {
		wt_text_anchor(t, u, ta);
		wt_text_str(t, " has a ");
		wt_text_fmt_size(t, wt_pkey_rsa_bits(&ta->pkey));
		wt_text_str(t, "-bit RSA key (minimum 2048)");
		return WT_ERR_WEAK_CERTIFICATE;
	}

	/* validity: the certificates sent, then the anchor itself */
	for (i = 0; i < m; i++) {
		int err = wt_check_validity(CI(i), IX(i), p->now, t);
		if (err) return err;
	}
	if (ai != NULL && (p->now > ai->not_after || p->now < ai->not_before)) {
		int expired = p->now > ai->not_after;
		wt_text_anchor(t, u, ta);
		wt_text_str(t, expired ? " itself expired on " : " itself is not valid before ");
		wt_text_time(t, expired ? ai->not_after : ai->not_before);
		wt_text_str(t, " (valid from ");
		wt_text_time(t, ai->not_before);
		wt_text_str(t, " to ");
		wt_text_time(t, ai->not_after);
		wt_text_str(t, ", now is ");
		wt_text_time(t, p->now);
		wt_text_str(t, expired ? "): an out-of-date root; update the CA bundle" : ")");
		return expired ? WT_ERR_CERT_EXPIRED : WT_ERR_CERT_NOT_YET_VALID;
	}

	/* the anchor as a certificate */
	if (ai != NULL) {
		const char *why = NULL;
		if (ai->crit_unknown) why = " has an unknown critical extension";
		else if (ai->version >= 3 && !(ai->has_bc && ai->is_ca))
			why = " is a v3 certificate without basicConstraints CA:TRUE, so it is not a CA";
		else if (ai->has_ku && !(ai->key_usage & WT_KU_KEY_CERT_SIGN))
			why = "'s keyUsage does not allow signing certificates (no keyCertSign)";
		if (why != NULL) {
			wt_text_anchor(t, u, ta);
			wt_text_str(t, why);
			return WT_ERR_BAD_CERTIFICATE;
		}
	}

	/* structure rules (RFC 5280 §4.2, webpki) */
	for (i = 0; i < m; i++) {
		const wt_cert_info *ci = CI(i);
		const char *why = NULL;
		int err = WT_ERR_BAD_CERTIFICATE;
		if (ci->ski_critical) why = " marks subjectKeyIdentifier critical (RFC 5280 4.2.1.2: MUST NOT)";
		else if (ci->aki_critical) why = " marks authorityKeyIdentifier critical (RFC 5280 4.2.1.1: MUST NOT)";
		else if (ci->aia_malformed) why = " has a malformed authorityInformationAccess extension";
		else if (ci->crit_unknown) why = " has an unknown critical extension";
		else if (i > 0 && ci->subject_empty) why = " is a CA with an empty subject (RFC 5280 4.1.2.6)";
		else if (i == 0 && ci->subject_empty && !(ci->has_san && ci->san_critical))
			why = " has an empty subject without a critical subjectAltName (RFC 5280 4.2.1.6)";
		else if (i == 0 && ci->has_bc && ci->is_ca) {
			why = " is a CA certificate (basicConstraints CA:TRUE) used as the end-entity certificate;"
				" browsers refuse this too: issue a certificate with CA:FALSE";
		} else if (i == 0 && ci->has_ku && (ci->key_usage & WT_KU_KEY_CERT_SIGN)) {
			why = " has keyUsage keyCertSign but is not a CA";
		} else if (i == 0 && ci->has_ku && !(ci->key_usage & WT_KU_DIGITAL_SIGNATURE)) {
			why = "'s keyUsage does not include digitalSignature, which the key signing the"
				" TLS handshake (CertificateVerify / ServerKeyExchange) needs";
			err = WT_ERR_CERT_PURPOSE;
		}
		if (why != NULL) {
			wt_text_cert(t, IX(i), ci);
			wt_text_str(t, why);
			return err;
		}
	}

	/* issuers: CA, keyCertSign, pathLenConstraint (self-issued certificates do not count) */
	for (i = 1; i <= m; i++) {
		int has_bc, is_ca, has_ku, plen;
		unsigned ku;
		if (i < m) {
			has_bc = CI(i)->has_bc; is_ca = CI(i)->is_ca; has_ku = CI(i)->has_ku;
			ku = CI(i)->key_usage; plen = CI(i)->path_len;
		} else if (ai != NULL) {
			has_bc = 1; is_ca = 1; has_ku = 0; ku = 0; plen = ai->path_len;   /* checked above */
		} else {
			break;
		}
		if (!(has_bc && is_ca)) {
			wt_text_str(t, "certificate #");
			wt_text_fmt_size(t, IX(i));
			wt_text_str(t, ": used as an issuer but it is not a CA (basicConstraints)");
			return WT_ERR_BAD_CERTIFICATE;
		}
		if (has_ku && !(ku & WT_KU_KEY_CERT_SIGN)) {
			wt_text_str(t, "certificate #");
			wt_text_fmt_size(t, IX(i));
			wt_text_str(t, ": its keyUsage forbids signing certificates (no keyCertSign)");
			return WT_ERR_BAD_CERTIFICATE;
		}
		if (plen >= 0) {
			long below = 0;
			for (size_t j = 1; j < i; j++) below += !wt_self_issued(CI(j));
			if (below > plen) {
				if (i < m) {
					wt_text_str(t, "certificate #");
					wt_text_fmt_size(t, IX(i));
				} else {
					wt_text_anchor(t, u, ta);
				}
				wt_text_str(t, ": its pathLenConstraint ");
				wt_text_int(t, plen);
				wt_text_str(t, " allows fewer intermediates below it than the ");
				wt_text_int(t, below);
				wt_text_str(t, " on the path (not a CA for this path: basicConstraints/pathLen)");
				return WT_ERR_BAD_CERTIFICATE;
			}
		}
	}

	/* extendedKeyUsage: when present (leaf or intermediate) it must allow the purpose */
	for (i = 0; i < m; i++) {
		const wt_cert_info *ci = CI(i);
		int ok = p->purpose == WT_PURPOSE_CLIENT ? ci->eku_client : ci->eku_server;
		if (!ci->has_eku || ok || ci->eku_any) continue;
		wt_text_cert(t, IX(i), ci);
		wt_text_str(t, p->purpose == WT_PURPOSE_CLIENT
			? "'s extendedKeyUsage does not include clientAuth (TLS client authentication)"
			: "'s extendedKeyUsage does not include serverAuth (TLS server authentication)");
		if (ci->eku_client && p->purpose != WT_PURPOSE_CLIENT) wt_text_str(t, "; it is a client certificate");
		return WT_ERR_CERT_PURPOSE;
	}

	/* nameConstraints of each intermediate and of the anchor, over the certificates below */
	for (i = 1; i <= m; i++) {
		const uint8_t *nc;
		size_t ncn, dnl;
		const uint8_t *dn;
		char label[40];
		if (i < m) {
			nc = CI(i)->name_constraints; ncn = CI(i)->name_constraints_len;
			dn = CI(i)->subject; dnl = CI(i)->subject_len;
			wt_fmt(label, sizeof label, "certificate #%zu", IX(i));
		} else if (ai != NULL) {
			nc = ai->name_constraints; ncn = ai->name_constraints_len;
			dn = ta->dn.data; dnl = ta->dn.len;
			wt_fmt(label, sizeof label, "the trust anchor ca[%zu]", u);
		} else {
			break;
		}
		if (nc == NULL) continue;
		for (size_t j = 0; j < i; j++) {
			if (j > 0 && wt_self_issued(CI(j))) continue;   /* RFC 5280 6.1.3 (b) */
			int err = wt_check_name_constraints(nc, ncn, label, dn, dnl, CI(j), IX(j), &s->bud, t);
			if (err) return err;
		}
	}
#undef CI
#undef IX
	return 0;
}

/* Is `ci` a copy of a trust anchor (same name and key)? It is never used as an intermediate. */
static int
wt_is_anchor_copy(const wt_verify_params *p, const wt_cert_info *ci)
{
	br_x509_pkey pk;
	if (!wt_cert_pkey(ci, &pk)) return 0;
	for (size_t u = 0; u < p->num_anchors; u++) {
		const br_x509_trust_anchor *ta = &p->anchors[u];
		if (wt_same_dn(ta->dn.data, ta->dn.len, ci->subject, ci->subject_len) && wt_same_pkey(&pk, &ta->pkey)) {
			return 1;
		}
	}
	return 0;
}

/* Text and code of a signature that did not verify: `top` signed by `by` (chain index, or anchor u). */
static int
wt_sig_fail(int sr, size_t top, int by, const br_x509_trust_anchor *ta, const wt_cert_info *cur, wt_text *t)
{
	if (sr == WT_SIG_UNSUPPORTED) {
		wt_text_cert(t, top, cur);
		wt_text_str(t, " is signed with an algorithm wasmtls does not verify (e.g. RSA-PSS, EdDSA)");
		return WT_ERR_UNSUPPORTED_CERTIFICATE;
	}
	if (by < 0) {
		wt_text_str(t, "the chain does not lead to a trusted root: certificate #");
		wt_text_fmt_size(t, top);
		wt_text_str(t, " was issued by \"");
		wt_text_dn(t, ta->dn.data, ta->dn.len);
		wt_text_str(t, sr == WT_SIG_WRONG_KEY ? "\", a trusted root whose key type does not fit its signature"
			: "\", a trusted root whose key does not verify it");
		return WT_ERR_UNKNOWN_CA;
	}
	wt_text_str(t, "certificate #");
	wt_text_int(t, by);
	wt_text_str(t, sr == WT_SIG_WRONG_KEY ? ": the issuer's key type does not match the signature algorithm of certificate #"
		: ": the signature of certificate #");
	wt_text_fmt_size(t, top);
	if (sr != WT_SIG_WRONG_KEY) wt_text_str(t, " does not verify with this certificate's key");
	return WT_ERR_BAD_CERTIFICATE;
}

/* Depth-first search from s->path[len-1]. \return 1 found (s->path complete), 0 none, -1 budget. */
static int
wt_search_from(wt_search *s)
{
	const wt_verify_params *p = s->p;
	size_t top = (size_t)s->path[s->len - 1];
	const wt_cert_info *cur = &s->info[top];
	int candidates = 0, err;
	wt_text t;

	/* 1. trust anchors named as the issuer */
	for (size_t u = 0; u < p->num_anchors; u++) {
		const br_x509_trust_anchor *ta = &p->anchors[u];
		if (!(ta->flags & BR_X509_TA_CA) || !wt_same_dn(ta->dn.data, ta->dn.len, cur->issuer, cur->issuer_len)) continue;
		candidates++;
		if (!wt_budget_sig(&s->bud)) return -1;
		int sr = wt_sig_check(cur, &ta->pkey, p->native);
		s->path[s->len++] = -(1 + (int)u);
		t = wt_cur_text(s);
		if (sr != WT_SIG_OK) {
			wt_note(s, wt_sig_fail(sr, top, -1, ta, cur, &t), 0);
		} else {
			err = wt_check_path(s, &t);
			if (err == 0) return 1;
			wt_note(s, err, 1);
			if (err == WT_ERR_VERIFY_BUDGET) return -1;
		}
		s->len--;
	}

	/* 2. certificates sent with that subject, valid ones first */
	if (s->len < WT_MAX_PATH) {
		for (int pass = 0; pass < 2; pass++) {
			for (size_t j = 1; j < s->n; j++) {
				const wt_cert_info *cj = &s->info[j];
				if (s->used[j] || !wt_same_dn(cj->subject, cj->subject_len, cur->issuer, cur->issuer_len)) continue;
				if ((pass == 0) != wt_valid_at(cj, p->now)) continue;
				if (wt_is_anchor_copy(p, cj)) continue;
				candidates++;
				br_x509_pkey pk;
				s->path[s->len++] = (int)j;
				t = wt_cur_text(s);
				if (!wt_cert_pkey(cj, &pk)) {
					wt_text_cert(&t, j, cj);
					wt_text_str(&t, " has ");
					wt_text_str(&t, wt_key_name(cj->key_type));
					wt_text_str(&t, " key wasmtls cannot verify signatures with");
					wt_note(s, WT_ERR_UNSUPPORTED_CERTIFICATE, 0);
					s->len--;
					continue;
				}
				if (!wt_budget_sig(&s->bud)) return -1;
				int sr = wt_sig_check(cur, &pk, p->native);
				if (sr != WT_SIG_OK) {
					wt_note(s, wt_sig_fail(sr, top, (int)j, NULL, cur, &t), 0);
					s->len--;
					continue;
				}
				s->used[j] = 1;
				int r = wt_search_from(s);
				if (r != 0) return r;
				s->used[j] = 0;
				s->len--;
			}
		}
	} else if (candidates == 0) {
		t = wt_cur_text(s);
		wt_text_str(&t, "the certificate path is longer than 10 certificates");
		wt_note(s, WT_ERR_BAD_CERTIFICATE, 0);
		return 0;
	}
	if (candidates > 0) return 0;

	/* no candidate at all */
	t = wt_cur_text(s);
	if (wt_self_issued(cur)) {
		wt_text_str(&t, "the chain does not lead to a trusted root: ");
		if (s->len > 1) {
			wt_text_str(&t, "it ends in the self-signed root \"");
			wt_text_dn(&t, cur->subject, cur->subject_len);
			wt_text_str(&t, "\", which is not trusted");
		} else {
			wt_text_str(&t, "the certificate is self-signed (\"");
			wt_text_dn(&t, cur->subject, cur->subject_len);
			wt_text_str(&t, "\") and not trusted");
		}
		wt_note(s, WT_ERR_UNKNOWN_CA, 0);
		return 0;
	}
	wt_text_str(&t, "the issuer of ");
	wt_text_cert(&t, top, cur);
	wt_text_str(&t, ", \"");
	wt_text_dn(&t, cur->issuer, cur->issuer_len);
	if (s->len == 1) {
		wt_text_str(&t, "\", is neither a trusted root nor among the certificates the server sent:"
			" either the server omitted its intermediate certificate, or \"");
		wt_text_dn(&t, cur->issuer, cur->issuer_len);
		wt_text_str(&t, "\" is a private CA that is not trusted (pass it as `ca`)");
		wt_note(s, WT_ERR_MISSING_INTERMEDIATE, 0);
	} else {
		wt_text_str(&t, "\", is not a trusted root (a private or unknown CA: pass it as `ca`;"
			" or a further intermediate is missing)");
		wt_note(s, WT_ERR_UNKNOWN_CA, 0);
	}
	return 0;
}

/* ------------------------------------------------------------ verification */

int
wt_chain_verify(const wt_verify_params *p, const wt_span *chain, size_t n,
	wt_pubkey *leaf_key, char *detail, size_t detail_len)
{
	return wt_chain_verify_ex(p, chain, n, leaf_key, NULL, detail, detail_len);
}

int
wt_chain_verify_path(const wt_verify_params *p, const wt_span *chain, size_t n,
	wt_pubkey *leaf_key, size_t path[WT_MAX_PATH], size_t *path_len,
	char *detail, size_t detail_len)
{
	wt_verify_result res;
	memset(&res, 0, sizeof res);
	int err = wt_chain_verify_ex(p, chain, n, leaf_key, &res, detail, detail_len);
	*path_len = 0;
	for (size_t i = 0; i < res.path_len && *path_len < WT_MAX_PATH; i++) {
		if (res.path[i] >= 0) path[(*path_len)++] = (size_t)res.path[i];
	}
	return err;
}

int
wt_chain_verify_ex(const wt_verify_params *p, const wt_span *chain, size_t n,
	wt_pubkey *leaf_key, wt_verify_result *res, char *detail, size_t detail_len)
{
	wt_text t = { detail, detail_len, 0 };
	wt_cert_info info[WT_VERIFY_MAX_CERTS];
	wt_search s;
	size_t i;
	int err;

	if (res != NULL) {
		res->path_len = 0;
		res->sig_checks = res->name_checks = res->paths_tried = 0;
		if (res->log != NULL && res->log_cap > 0) res->log[0] = 0;
	}
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

	/* 3. the path search */
	memset(&s, 0, sizeof s);
	s.p = p;
	s.chain = chain;
	s.info = info;
	s.n = n;
	s.path[0] = 0;
	s.len = 1;
	s.used[0] = 1;
	s.bud.sig_budget = p->sig_budget ? p->sig_budget : WT_VERIFY_SIG_BUDGET;
	s.bud.name_budget = p->name_budget ? p->name_budget : WT_VERIFY_NAME_BUDGET;
	s.best_rank = -1;
	if (res != NULL && res->log != NULL && res->log_cap > 0) {
		s.log.p = res->log;
		s.log.cap = res->log_cap;
	}
	int found = wt_search_from(&s);
	if (res != NULL) {
		res->sig_checks = s.bud.sigs > s.bud.sig_budget ? s.bud.sig_budget : s.bud.sigs;
		res->name_checks = s.bud.names > s.bud.name_budget ? s.bud.name_budget : s.bud.names;
		res->paths_tried = s.tried + (found == 1);
	}
	if (found != 1) {
		if (found < 0) {
			wt_text_str(&t, "path building stopped: the chain needs more than ");
			if (s.bud.names > s.bud.name_budget) {
				wt_text_fmt_size(&t, s.bud.name_budget);
				wt_text_str(&t, " name-constraint comparisons");
			} else {
				wt_text_fmt_size(&t, s.bud.sig_budget);
				wt_text_str(&t, " signature checks");
			}
			wt_text_str(&t, " (the budget) to verify; ");
			wt_text_fmt_size(&t, s.tried);
			wt_text_str(&t, " candidate path(s) failed before");
			err = WT_ERR_VERIFY_BUDGET;
		} else {
			wt_text_str(&t, s.best_detail);
			err = s.best_err ? s.best_err : WT_ERR_UNKNOWN_CA;
		}
		if (res != NULL) {
			memcpy(res->path, s.best_path, s.best_len * sizeof s.best_path[0]);
			res->path_len = s.best_len;
		}
		return err;
	}
	if (res != NULL) {
		memcpy(res->path, s.path, s.len * sizeof s.path[0]);
		res->path_len = s.len;
	}

	/* 4. the host name, on the leaf's SANs only */
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

	/* 5. stapled OCSP, checked against the leaf's issuer on the path (or its anchor) */
	if (p->ocsp != NULL && p->ocsp_len > 0) {
		wt_ocsp_subject os;
		br_x509_pkey ik;
		memset(&os, 0, sizeof os);
		os.serial = leaf->serial;
		os.serial_len = leaf->serial_len;
		os.issuer_dn = leaf->issuer;
		os.issuer_dn_len = leaf->issuer_len;
		os.native = p->native;
		if (s.path[1] >= 0) {
			const wt_cert_info *ic = &info[s.path[1]];
			if (wt_cert_pkey(ic, &ik)) os.issuer_key = &ik;
			os.issuer_spki_key = ic->spki_key;
			os.issuer_spki_key_len = ic->spki_key_len;
		} else {
			os.issuer_key = &p->anchors[-s.path[1] - 1].pkey;
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
		br_x509_pkey pk;
		if (!wt_cert_pkey(leaf, &pk) || wt_pubkey_copy(leaf_key, &pk) != 0) {
			wt_text_str(&t, "the leaf public key cannot be used (too large?)");
			return WT_ERR_BAD_CERTIFICATE;
		}
	}
	return 0;
}
