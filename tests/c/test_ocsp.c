/*
 * test_ocsp.c — wt_ocsp_check against responses made by `openssl ocsp`
 * (tests/fixtures/make-ocsp-fixtures.sh): a P-384 issuer signing with
 * SHA-256 (valid: the hash is not bound to the curve), stale and future
 * responses, delegated responders with and without id-kp-OCSPSigning,
 * CertIDs that do not name the leaf (other serial, issuer name or key), and
 * an issuer key that could not be decoded (an error, not a skipped check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wt_ocsp.h"
#include "wt_error.h"
#include "wt_test.h"

#ifndef WT_SOURCE_DIR
#define WT_SOURCE_DIR "."
#endif

typedef struct { uint8_t b[8192]; size_t n; } blob;

static blob
load(const char *name)
{
	blob x;
	char path[512];
	snprintf(path, sizeof path, "%s/tests/fixtures/ocsp/%s", WT_SOURCE_DIR, name);
	FILE *f = fopen(path, "rb");
	x.n = 0;
	CHECKF(f != NULL, "%s", path);
	if (f) { x.n = fread(x.b, 1, sizeof x.b, f); fclose(f); }
	return x;
}

static blob leaf, other, ca;
static wt_cert_info leaf_ci, other_ci, ca_ci;
static br_x509_decoder_context ca_dc;
static int64_t made_at;
static char detail[256];

static wt_ocsp_subject
subject_of_leaf(void)
{
	wt_ocsp_subject s;
	memset(&s, 0, sizeof s);
	s.serial = leaf_ci.serial;
	s.serial_len = leaf_ci.serial_len;
	s.issuer_dn = leaf_ci.issuer;
	s.issuer_dn_len = leaf_ci.issuer_len;
	s.issuer_spki_key = ca_ci.spki_key;
	s.issuer_spki_key_len = ca_ci.spki_key_len;
	s.issuer_key = br_x509_decoder_get_pkey(&ca_dc);
	return s;
}

static int
check(const char *resp_name, const wt_ocsp_subject *s, int64_t now)
{
	blob r = load(resp_name);
	detail[0] = 0;
	return wt_ocsp_check(r.b, r.n, s, now, detail, sizeof detail);
}

int
main(void)
{
	leaf = load("leaf.der");
	other = load("other.der");
	ca = load("ca.der");
	CHECK(wt_cert_parse(&leaf_ci, leaf.b, leaf.n) == 0);
	CHECK(wt_cert_parse(&other_ci, other.b, other.n) == 0);
	CHECK(wt_cert_parse(&ca_ci, ca.b, ca.n) == 0);
	br_x509_decoder_init(&ca_dc, NULL, NULL);
	br_x509_decoder_push(&ca_dc, ca.b, ca.n);
	CHECK(br_x509_decoder_get_pkey(&ca_dc) != NULL && br_x509_decoder_get_pkey(&ca_dc)->key.ec.curve == BR_EC_secp384r1);
	char path[512];
	snprintf(path, sizeof path, "%s/tests/fixtures/ocsp/made-at", WT_SOURCE_DIR);
	FILE *f = fopen(path, "r");
	CHECK(f && fscanf(f, "%lld", (long long *)&made_at) == 1);
	if (f) fclose(f);
	int64_t now = made_at + 3600;
	wt_ocsp_subject s = subject_of_leaf();
	int rc;

	/* the issuer's P-384 key with SHA-256, and with SHA-384: valid signatures */
	rc = check("good-ca-sha256.der", &s, now);
	CHECKF(rc == 0, "P-384 + SHA-256: %d %s", rc, detail);
	rc = check("good-ca-sha384.der", &s, now);
	CHECKF(rc == 0, "P-384 + SHA-384: %d %s", rc, detail);
	rc = check("revoked-ca.der", &s, now);
	CHECKF(rc == WT_ERR_CERT_REVOKED && strstr(detail, "revoked"), "revoked by the CA: %d %s", rc, detail);

	/* validity window: nextUpdate is made-at + 1 day, 5 minutes of skew */
	rc = check("revoked-ca.der", &s, made_at + 86400 + 299);
	CHECKF(rc == WT_ERR_CERT_REVOKED, "within the skew after nextUpdate: %d %s", rc, detail);
	rc = check("good-ca-sha256.der", &s, made_at + 86400 + 301);
	CHECKF(rc == WT_ERR_BAD_CERTIFICATE && strstr(detail, "stale"), "stale: %d %s", rc, detail);
	rc = check("revoked-ca.der", &s, made_at + 2 * 86400);
	CHECKF(rc == WT_ERR_BAD_CERTIFICATE && strstr(detail, "stale"), "stale revoked: %d %s", rc, detail);
	rc = check("good-ca-sha256.der", &s, made_at - 301);
	CHECKF(rc == WT_ERR_BAD_CERTIFICATE && strstr(detail, "future"), "from the future: %d %s", rc, detail);

	/* delegated responder: with id-kp-OCSPSigning, issued by the CA, its verdict counts */
	rc = check("good-responder.der", &s, now);
	CHECKF(rc == 0, "delegated responder, good: %d %s", rc, detail);
	rc = check("revoked-responder.der", &s, now);
	CHECKF(rc == WT_ERR_CERT_REVOKED, "delegated responder, revoked: %d %s", rc, detail);
	/* without the EKU it is not authorized: the response is refused, not believed */
	rc = check("revoked-noeku.der", &s, now);
	CHECKF(rc == WT_ERR_BAD_CERTIFICATE && strstr(detail, "signature does not verify"),
		"responder without OCSPSigning: %d %s", rc, detail);

	/* CertID: a response about another certificate gives no verdict on the leaf */
	rc = check("revoked-other.der", &s, now);
	CHECKF(rc == 0, "revoked, about another serial: %d %s", rc, detail);
	wt_ocsp_subject t = s;
	t.serial = other_ci.serial;
	t.serial_len = other_ci.serial_len;
	rc = check("revoked-other.der", &t, now);
	CHECKF(rc == WT_ERR_CERT_REVOKED, "the same response for the certificate it names: %d %s", rc, detail);
	t = s;
	t.issuer_spki_key = leaf_ci.spki_key;   /* another issuer key: issuerKeyHash differs */
	t.issuer_spki_key_len = leaf_ci.spki_key_len;
	rc = check("revoked-ca.der", &t, now);
	CHECKF(rc == 0, "issuerKeyHash mismatch: %d %s", rc, detail);
	t = s;
	t.issuer_dn = leaf_ci.subject;          /* another issuer name: issuerNameHash differs */
	t.issuer_dn_len = leaf_ci.subject_len;
	rc = check("revoked-ca.der", &t, now);
	CHECKF(rc == 0, "issuerNameHash mismatch: %d %s", rc, detail);

	/* the issuer key could not be decoded: an error with its own detail, never a skipped check */
	t = s;
	t.issuer_key = NULL;
	rc = check("revoked-ca.der", &t, now);
	CHECKF(rc == WT_ERR_BAD_CERTIFICATE && strstr(detail, "cannot be decoded"), "no issuer key: %d %s", rc, detail);
	rc = check("good-ca-sha256.der", &t, now);
	CHECKF(rc == WT_ERR_BAD_CERTIFICATE, "no issuer key, good response: %d %s", rc, detail);

	/* a response signed by someone else's key (the leaf's) is refused */
	br_x509_decoder_context ldc;
	br_x509_decoder_init(&ldc, NULL, NULL);
	br_x509_decoder_push(&ldc, leaf.b, leaf.n);
	t = s;
	t.issuer_key = br_x509_decoder_get_pkey(&ldc);
	rc = check("good-ca-sha256.der", &t, now);
	CHECKF(rc == WT_ERR_BAD_CERTIFICATE, "wrong issuer key: %d %s", rc, detail);
	return WT_TEST_SUMMARY();
}
