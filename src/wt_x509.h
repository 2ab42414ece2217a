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

/*
 * What wasmtls keeps of a trust anchor's certificate (the DER itself is not
 * kept): the facts the anchor checks and the pins need. Parallel to the
 * anchor array (same index); pointers point into the store's arena.
 */
typedef struct {
	uint8_t spki_sha256[32];        /* SHA-256 of the SubjectPublicKeyInfo DER (what pins name) */
	int64_t not_before, not_after;
	int version;                    /* 1..3 */
	int has_bc, is_ca, path_len;    /* basicConstraints; path_len -1: none */
	int has_ku;
	unsigned key_usage;             /* WT_KU_* mask */
	int crit_unknown;               /* an unknown critical extension is present */
	int key_type;                   /* wt_certkey_type */
	unsigned key_bits;
	const uint8_t *name_constraints;  /* NameConstraints SEQUENCE contents (NULL: none), in the arena */
	size_t name_constraints_len;
} wt_anchor_info;

typedef struct {
	br_x509_trust_anchor *anchors;  /* caller-provided array */
	size_t num, max;
	uint8_t *arena;                 /* caller-provided storage for DNs, keys, constraints */
	size_t arena_len, arena_used;
	wt_anchor_info *info;           /* optional caller-provided array of `max` (wt_trust_keep_info); NULL: not kept */
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

/**
 * \brief Keep the certificate facts of every anchor added from now on in
 * `info` (an array of the store's `max` entries, caller-owned). Without it,
 * anchors are bare keys: no anchor checks, no anchor nameConstraints, and
 * pins never match an anchor.
 */
void wt_trust_keep_info(wt_trust_store *ts, wt_anchor_info *info);

/*
 * Growing a store whose memory the caller allocates (the allocation policy
 * is the caller's; the arena layout is the store's): before wt_trust_add,
 * make room for wt_trust_arena_need() arena bytes and wt_trust_slots_need()
 * anchors; move the arena with wt_trust_move_arena (to a larger area before
 * the add, to one of arena_used bytes after it); re-point `anchors` / `info`
 * at copies of at least `num` entries with wt_trust_set_arrays.
 */
/** \brief Arena bytes the store needs for an add of `len` input bytes (PEM is decoded into the free space). */
size_t wt_trust_arena_need(const wt_trust_store *ts, size_t len);
/** \brief Anchor entries the store needs for an add of `len` input bytes (a certificate is over 64 bytes), at most `limit`. */
size_t wt_trust_slots_need(const wt_trust_store *ts, size_t len, size_t limit);
/**
 * \brief Move the arena to `to` (`cap` >= arena_used bytes, caller-owned):
 * copy it, re-point every anchor's DN, key and nameConstraints at the copy,
 * and wipe the old arena. \return the old arena, for the caller to release.
 */
uint8_t *wt_trust_move_arena(wt_trust_store *ts, uint8_t *to, size_t cap);
/** \brief The anchor (and info) arrays now live at `anchors` / `info` (copies, `max` entries each). */
void wt_trust_set_arrays(wt_trust_store *ts, br_x509_trust_anchor *anchors, wt_anchor_info *info, size_t max);

/**
 * \brief A certificate chain (PEM with one or more CERTIFICATE blocks, leaf
 * first, or one DER certificate) as a TLS certificate_list body: u24 length +
 * DER per certificate, into `out` (`cap` bytes, caller-owned); *out_len gets
 * its length. \return the number of certificates, or a negated wt_err:
 * -WT_ERR_BUFFER_TOO_SMALL, -WT_ERR_BAD_ARGUMENT (bad PEM, no certificate).
 */
int wt_pem_chain_decode(const uint8_t *data, size_t len, uint8_t *out, size_t cap, size_t *out_len);

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
	int subject_empty;              /* the subject Name has no RDN */
	int version;                    /* 1, 2 or 3 */
	const uint8_t *tbs;             /* tbsCertificate (whole TLV): what the issuer signed */
	size_t tbs_len;
	int sig_alg;                    /* WT_SIGALG_* */
	int sig_hash;                   /* br_sha*_ID of the signature's hash (0: unknown) */
	const uint8_t *sig;             /* signatureValue after the unused-bits byte */
	size_t sig_len;
	const uint8_t *spki;            /* SubjectPublicKeyInfo (whole TLV) */
	size_t spki_len;
	const uint8_t *rsa_n, *rsa_e;   /* RSA modulus / exponent (no leading zeros) */
	size_t rsa_n_len, rsa_e_len;
	int ec_curve;                   /* BR_EC_secp256r1 / 384 / 521, 0: other */
	int has_bc;                     /* basicConstraints present */
	int path_len;                   /* pathLenConstraint, -1: none */
	int has_ku;                     /* keyUsage present */
	unsigned key_usage;             /* WT_KU_* mask */
	int san_critical;
	int ski_critical, aki_critical; /* RFC 5280 §4.2.1.1/2: MUST be non-critical */
	int aia_malformed;              /* authorityInformationAccess does not parse */
	int crit_unknown;               /* a critical extension wasmtls does not process */
} wt_cert_info;

/* keyUsage bits (RFC 5280 §4.2.1.3), as a mask: bit n of the BIT STRING is 1 << n. */
#define WT_KU_DIGITAL_SIGNATURE 0x0001u
#define WT_KU_KEY_ENCIPHERMENT  0x0004u
#define WT_KU_KEY_CERT_SIGN     0x0020u

/* Signature algorithm families. */
#define WT_SIGALG_UNKNOWN 0
#define WT_SIGALG_RSA     1   /* PKCS#1 v1.5 with a hash */
#define WT_SIGALG_ECDSA   2
#define WT_SIGALG_OTHER   3   /* RSA-PSS, EdDSA, DSA, ...: not supported */

/** \brief Parse the facts above from one DER certificate. \return 0 or WT_ERR_BAD_CERTIFICATE. */
int wt_cert_parse(wt_cert_info *ci, const uint8_t *der, size_t len);

/** \brief SHA-256 of the certificate's SubjectPublicKeyInfo DER (what a pin names). \return 0 or WT_ERR_BAD_CERTIFICATE. */
int wt_cert_spki_sha256(const uint8_t *der, size_t len, uint8_t out[32]);

/** \brief A DER UTCTime or GeneralizedTime (Z, whole seconds) to Unix seconds. \return 1 ok, 0 malformed. */
int wt_der_time(const wt_der_tlv *t, int64_t *out);

/**
 * \brief Parse an IP literal (dotted IPv4 or RFC 4291 IPv6 text, no brackets).
 * \return 4 or 16 (bytes written to out), or 0 if `s` is not an IP literal.
 */
int wt_ip_parse(const char *s, size_t len, uint8_t out[16]);

/**
 * \brief The one normal form of a DNS name, used for host matching and for
 * nameConstraints alike: one trailing dot removed, ASCII lowercase, labels
 * non-empty, at most 253 bytes, printable ASCII without spaces; '*' only as a
 * whole left-most label and only if `wildcard_ok`. \return the length written
 * to `out` (>= 1), or 0 if the name is not valid.
 */
size_t wt_dns_normalize(const uint8_t *name, size_t len, uint8_t out[253], int wildcard_ok);

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
/* Work budgets for one verification (the whole path search), as webpki. */
#define WT_VERIFY_SIG_BUDGET  100      /* signature checks */
#define WT_VERIFY_NAME_BUDGET 250000   /* (name x subtree) comparisons */
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
	const wt_anchor_info *anchor_info;  /* parallel to anchors (wt_trust_keep_info), or NULL */
	unsigned sig_budget, name_budget;   /* 0: WT_VERIFY_SIG_BUDGET / WT_VERIFY_NAME_BUDGET */
	const wt_sig_native *native;        /* signature checks ask it first (wt_sig_verify.h), or NULL */
} wt_verify_params;

/** \brief What wt_chain_verify_ex reports besides the verdict. */
typedef struct {
	/* The path verified (on failure: the most useful one tried), leaf
	 * first: entries >= 0 index the chain as given, an entry < 0 is the
	 * trust anchor -(1 + k), k its index in `anchors`. */
	int path[WT_MAX_PATH + 1];
	size_t path_len;
	unsigned sig_checks, name_checks;   /* work done */
	unsigned paths_tried;
	/* Optional, caller-owned: one line per candidate path that failed
	 * ("#0 > #2 > ca[1]: CODE: detail"), NUL-terminated, truncated. */
	char *log;
	size_t log_cap;
} wt_verify_result;

/**
 * \brief Verify a chain as the server sent it (leaf first, the other
 * certificates in any order, extras allowed) and copy the leaf's public key
 * to `leaf_key` (may be NULL).
 *
 * Path building searches, depth first with backtracking: the issuer of
 * each certificate is looked for first among the trust anchors (the path
 * ends there), then among the certificates sent (subject DN = issuer DN,
 * ones valid at `now` first), each candidate taken only if its key verifies
 * the signature; a complete path that fails a check (see wt_verify.c) makes
 * the search try the next candidate. Depth WT_MAX_PATH, and the budgets.
 * On failure `detail` (if not NULL) receives a NUL-terminated sentence with
 * the specifics (e.g. the validity window and `now`, or the names in the
 * certificate and the name asked).
 * \return 0, or one of WT_ERR_EMPTY_CHAIN, CERT_EXPIRED, CERT_NOT_YET_VALID,
 * UNKNOWN_CA, MISSING_INTERMEDIATE, HOSTNAME_MISMATCH, BAD_CERTIFICATE,
 * WEAK_CERTIFICATE, UNSUPPORTED_CERTIFICATE, CERT_PURPOSE, NAME_CONSTRAINTS,
 * CERT_REVOKED (the stapled OCSP response `p->ocsp`, if any, says so; see wt_ocsp.h),
 * VERIFY_BUDGET (the chain needs more work than the budgets allow).
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

/**
 * \brief The full verification: wt_chain_verify plus the result above
 * (`res` may be NULL).
 */
int wt_chain_verify_ex(const wt_verify_params *p, const wt_span *chain, size_t n,
	wt_pubkey *leaf_key, wt_verify_result *res, char *detail, size_t detail_len);

#endif
