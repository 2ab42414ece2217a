/*
 * wt_verify_internal.h — what the chain verification (wt_verify.c) shares
 * with its detail text and per-certificate checks (wt_verify_util.c) and
 * the nameConstraints processing (wt_name_constraints.c). Not public.
 */
#ifndef WT_VERIFY_INTERNAL_H
#define WT_VERIFY_INTERNAL_H

#include "wt_x509.h"
#include "wt_der.h"
#include "wt_error.h"

/* A truncating text sink over the caller's detail buffer. */
typedef struct {
	char *p;
	size_t cap, len;
} wt_text;

/* Work counters shared by the whole search. */
typedef struct {
	unsigned sigs, names, sig_budget, name_budget;
	int over;              /* a budget ran out: the search stops */
} wt_budget;

/* wt_sig_check results */
#define WT_SIG_OK          0
#define WT_SIG_BAD         1   /* does not verify with this key */
#define WT_SIG_UNSUPPORTED 2   /* algorithm wasmtls does not verify (RSA-PSS, EdDSA, ...) */
#define WT_SIG_WRONG_KEY   3   /* key type does not fit the algorithm */

/* ---- wt_verify_util.c: detail text, per-certificate checks */
void wt_text_put(wt_text *t, const char *s, size_t n);
void wt_text_str(wt_text *t, const char *s);
void wt_text_fmt_size(wt_text *t, size_t v);
void wt_text_safe(wt_text *t, const uint8_t *s, size_t n);
void wt_text_time(wt_text *t, int64_t unix_s);
const char * wt_attr_name(const wt_reader *oid);
void wt_text_dn(wt_text *t, const uint8_t *dn, size_t len);
void wt_text_ip(wt_text *t, const uint8_t *ip, size_t n);
void wt_text_cert(wt_text *t, size_t i, const wt_cert_info *ci);
int wt_self_issued(const wt_cert_info *ci);
int wt_same_dn(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
int wt_valid_at(const wt_cert_info *ci, int64_t now);
int wt_check_validity(const wt_cert_info *ci, size_t i, int64_t now, wt_text *t);
void wt_text_sans(wt_text *t, const wt_cert_info *ci);
const char * wt_key_name(wt_certkey_type k);
int wt_cert_pkey(const wt_cert_info *ci, br_x509_pkey *pk);
int wt_same_pkey(const br_x509_pkey *a, const br_x509_pkey *b);
int wt_sig_check(const wt_cert_info *ci, const br_x509_pkey *key, const wt_sig_native *nv);

/* ---- wt_name_constraints.c */
int wt_dns_within(const uint8_t *name, size_t nlen, const uint8_t *base, size_t blen);
int wt_ip_within(const uint8_t *ip, size_t ilen, const uint8_t *base, size_t blen);
int wt_ip_constraint_ok(const uint8_t *b, size_t n);
long wt_dns_constraint(const uint8_t *b, size_t n, uint8_t out[253]);
int wt_budget_names(wt_budget *b);
int wt_nc_list_covers(wt_reader list, unsigned tag, const uint8_t *name, size_t nlen, int *typed,
	wt_budget *bud);
int wt_nc_has_form(wt_reader list, unsigned tag);
int wt_nc_well_formed(wt_reader list);
int wt_check_name_constraints(const uint8_t *ncp, size_t ncn, const char *label,
	const uint8_t *issuer_dn, size_t issuer_dn_len, const wt_cert_info *ci, size_t ci_index,
	wt_budget *bud, wt_text *t);

#endif
