/*
 * wt_ocsp.h — checking a stapled OCSP response (RFC 6960) for the leaf.
 */
#ifndef WT_OCSP_H
#define WT_OCSP_H

#include "wt_x509.h"

/* What the response is checked against: the leaf and its (verified) issuer. */
typedef struct {
	const uint8_t *serial;            /* leaf serialNumber INTEGER contents */
	size_t serial_len;
	const uint8_t *issuer_dn;         /* the leaf's issuer Name (DER) */
	size_t issuer_dn_len;
	const uint8_t *issuer_spki_key;   /* issuer subjectPublicKey bits, or NULL (an anchor: not compared) */
	size_t issuer_spki_key_len;
	const br_x509_pkey *issuer_key;   /* the issuer's public key; NULL (undecodable) is an error */
	const wt_sig_native *native;      /* signature checks ask it first (wt_sig_verify.h), or NULL */
} wt_ocsp_subject;

/**
 * \brief Check a stapled OCSPResponse for the leaf described by `s` at `now`.
 * Signature by the issuer or by a delegated responder (id-kp-OCSPSigning,
 * issued by the issuer) in the response's `certs`; CertID (SHA-1 or SHA-256)
 * must match; thisUpdate/nextUpdate must bracket `now` (5 minutes skew; at
 * most 4 days old without nextUpdate). A non-successful responseStatus, a
 * response about other certificates, or status "unknown" give no verdict (0).
 * \return 0 (good or no verdict), WT_ERR_CERT_REVOKED, or
 * WT_ERR_BAD_CERTIFICATE (malformed, badly signed, stale), with `detail`.
 */
int wt_ocsp_check(const uint8_t *resp, size_t len, const wt_ocsp_subject *s, int64_t now,
	char *detail, size_t detail_len);

#endif
