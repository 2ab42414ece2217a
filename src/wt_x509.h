/*
 * wt_x509.h — trust anchors, certificate facts and chain verification.
 *
 *   wt_trust.c   decode PEM/DER CA certificates into BearSSL trust anchors
 *                stored in a caller-provided arena
 *   wt_cert.c    a DER walk over one certificate for the facts BearSSL's
 *                x509_minimal does not expose or check: validity window,
 *                SANs (DNS and IP), the SPKI type and size, the signature
 *                algorithm; and RFC 6125 host name matching
 *   wt_verify.c  chain verification: br_x509_minimal (signatures, path to an
 *                anchor, basicConstraints, keyUsage, validity) plus wasmtls's
 *                own checks (names incl. IP SANs, SHA-1, RSA < 2048, key type)
 *
 * All functions are pure: no allocation, no clock (the caller passes `now`).
 */
#ifndef WT_X509_H
#define WT_X509_H

#include <stddef.h>
#include <stdint.h>
#include "bearssl.h"
#include "wt_crypto.h"
#include "wt_der.h"

/* ------------------------------------------------------------ trust store */

typedef struct {
	br_x509_trust_anchor *anchors;  /* caller-provided array */
	size_t num, max;
	uint8_t *arena;                 /* caller-provided storage for DNs and keys */
	size_t arena_len, arena_used;
} wt_trust_store;

/** \brief Prepare an empty store over caller-owned memory (which must outlive the store). */
void wt_trust_init(wt_trust_store *ts, br_x509_trust_anchor *anchors, size_t max,
	uint8_t *arena, size_t arena_len);

/**
 * \brief Add every certificate in `data` (PEM with one or more CERTIFICATE
 * blocks, or one DER certificate) as a CA trust anchor.
 * \return the number added (>= 1), or a negated wt_err: -WT_ERR_BAD_ARGUMENT
 * (no certificate / undecodable), -WT_ERR_BUFFER_TOO_SMALL (store full).
 */
int wt_trust_add(wt_trust_store *ts, const uint8_t *data, size_t len);

/* ------------------------------------------------------ certificate facts */

typedef enum {
	WT_CERTKEY_UNKNOWN = 0,
	WT_CERTKEY_RSA,        /* rsaEncryption */
	WT_CERTKEY_EC,         /* id-ecPublicKey */
	WT_CERTKEY_RSA_PSS,    /* id-RSASSA-PSS SPKI: unsupported */
	WT_CERTKEY_ED25519,    /* unsupported */
	WT_CERTKEY_ED448       /* unsupported */
} wt_certkey_type;

typedef struct {
	int64_t not_before, not_after;  /* unix seconds (UTCTime/GeneralizedTime) */
	wt_certkey_type key_type;
	unsigned key_bits;              /* RSA modulus bits, EC field bits */
	int sig_is_sha1;                /* signatureAlgorithm uses SHA-1 (or MD5) */
	int is_ca;                      /* basicConstraints cA=TRUE */
	int has_san;                    /* subjectAltName present */
	const uint8_t *san;             /* SAN extension value (GeneralNames DER), in the input */
	size_t san_len;
	const uint8_t *serial;          /* serialNumber INTEGER contents, in the input */
	size_t serial_len;
	const uint8_t *spki_key;        /* subjectPublicKey BIT STRING contents after the unused-bits byte */
	size_t spki_key_len;
	int has_eku;                    /* extendedKeyUsage present */
	int eku_server, eku_client, eku_any;  /* id-kp-serverAuth / clientAuth / anyExtendedKeyUsage listed */
	const uint8_t *name_constraints; /* NameConstraints SEQUENCE contents, in the input (NULL: none) */
	size_t name_constraints_len;
	const uint8_t *issuer;          /* issuer Name (whole DER SEQUENCE), in the input */
	size_t issuer_len;
	const uint8_t *subject;         /* subject Name (whole DER SEQUENCE), in the input */
	size_t subject_len;
} wt_cert_info;

/** \brief Parse the facts above from one DER certificate. \return 0 or WT_ERR_BAD_CERTIFICATE. */
int wt_cert_parse(wt_cert_info *ci, const uint8_t *der, size_t len);

/** \brief A DER UTCTime or GeneralizedTime (Z, whole seconds) to Unix seconds. \return 1 ok, 0 malformed. */
int wt_der_time(const wt_der_tlv *t, int64_t *out);

/**
 * \brief Parse an IP literal (dotted IPv4 or RFC 4291 IPv6 text, no brackets).
 * \return 4 or 16 (bytes written to out), or 0 if `s` is not an IP literal.
 */
int wt_ip_parse(const char *s, size_t len, uint8_t out[16]);

/**
 * \brief Does the certificate name `host`? DNS names match dNSName SANs
 * case-insensitively, a left-most "*" label covering exactly one label (never
 * a public-suffix-like "*.com" with fewer than 2 labels after it); an IP
 * literal matches iPAddress SANs only. No SAN extension: no match (the
 * subject CN is never used, as browsers do). \return 1 match, 0 no match.
 */
int wt_cert_matches_host(const wt_cert_info *ci, const char *host, size_t host_len);

/* ------------------------------------------------------------ verification */

typedef struct {
	const uint8_t *der;
	size_t len;
} wt_span;

/* What the leaf certificate is checked for (extendedKeyUsage). */
#define WT_PURPOSE_SERVER 0        /* id-kp-serverAuth (the default) */
#define WT_PURPOSE_CLIENT 1        /* id-kp-clientAuth */

/* The longest path wasmtls builds (leaf .. last certificate before the anchor). */
#define WT_MAX_PATH 10
/* The most certificates considered from one chain (extras included). */
#define WT_VERIFY_MAX_CERTS 32

typedef struct {
	const br_x509_trust_anchor *anchors;
	size_t num_anchors;
	const char *host;          /* name to check (DNS or IP literal); NULL: skip */
	size_t host_len;
	int64_t now;               /* unix seconds */
	int purpose;               /* WT_PURPOSE_SERVER (0, default) or WT_PURPOSE_CLIENT */
	const uint8_t *ocsp;       /* stapled OCSPResponse for the leaf (DER), or NULL */
	size_t ocsp_len;
} wt_verify_params;

/**
 * \brief Verify a chain as the server sent it (leaf first, the other
 * certificates in any order, extras allowed) and copy the leaf's public key
 * to `leaf_key` (may be NULL).
 *
 * Path building: starting at the leaf, the issuer of each certificate is
 * looked up first among the trust anchors (the path ends there), then among
 * the certificates sent (subject DN = issuer DN, preferring one valid at
 * `now`), until a trust anchor or a self-issued certificate is reached.
 * The path found is then checked (see wt_verify.c for the order).
 * On failure `detail` (if not NULL) receives a NUL-terminated sentence with
 * the specifics (e.g. the validity window and `now`, or the names in the
 * certificate and the name asked).
 * \return 0, or one of WT_ERR_EMPTY_CHAIN, CERT_EXPIRED, CERT_NOT_YET_VALID,
 * UNKNOWN_CA, MISSING_INTERMEDIATE, HOSTNAME_MISMATCH, BAD_CERTIFICATE,
 * WEAK_CERTIFICATE, UNSUPPORTED_CERTIFICATE, CERT_PURPOSE, NAME_CONSTRAINTS,
 * CERT_REVOKED (the stapled OCSP response `p->ocsp`, if any, says so; see wt_ocsp.h).
 */
int wt_chain_verify(const wt_verify_params *p, const wt_span *chain, size_t n,
	wt_pubkey *leaf_key, char *detail, size_t detail_len);

/**
 * \brief wt_chain_verify that also reports the path it built: `path`
 * (capacity WT_MAX_PATH) receives indexes into `chain`, leaf first, and
 * `*path_len` their number (set even on most failures, 0 if none was built).
 */
int wt_chain_verify_path(const wt_verify_params *p, const wt_span *chain, size_t n,
	wt_pubkey *leaf_key, size_t path[WT_MAX_PATH], size_t *path_len,
	char *detail, size_t detail_len);

#endif
