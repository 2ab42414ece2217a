/*
 * test_x509.c — trust store, certificate facts, IP parsing, host matching
 * and chain verification against the fixture PKI in tests/fixtures/x509/
 * (made by tests/fixtures/make-x509-fixtures.sh; see its header for what
 * each certificate is). All `now` values are fixed.
 *
 * Usage: test_x509 [repo-root]   (default: WT_SOURCE_DIR)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wt_x509.h"
#include "wt_error.h"
#include "wt_engine.h"
#include "wt_engine_internal.h"
#include "wt_test.h"

#ifndef WT_SOURCE_DIR
#define WT_SOURCE_DIR "."
#endif

/* Fixed clocks (unix seconds). */
#define T_2000_06_01 INT64_C(959817600)     /* root valid, leaves not yet */
#define T_2030_01_01 INT64_C(1893456000)    /* everything but leaf-expired/-future */
#define T_2060_01_01 INT64_C(2840140800)    /* leaves (to 2049) expired, CAs valid */

static const char *root_dir;

/* ------------------------------------------------------------ fixtures */

typedef struct {
	uint8_t data[8192];
	size_t len;
} blob;

/* Load tests/fixtures/x509/NAME into b; aborts the test program on failure. */
static void
load(blob *b, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/fixtures/x509/%s", root_dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	b->len = fread(b->data, 1, sizeof b->data, f);
	fclose(f);
	if (b->len == 0 || b->len == sizeof b->data) {
		fprintf(stderr, "bad fixture %s\n", path);
		exit(2);
	}
}

static blob f_root, f_inter, f_root2, f_root3, f_bundle, f_root_pem;
static blob f_leaf_ec, f_leaf_rsa2048, f_leaf_rsa1024, f_leaf_ed25519, f_leaf_sha1;
static blob f_leaf_cnonly, f_leaf_expired, f_leaf_future, f_leaf_byleaf, f_leaf_root2;
static blob f_leaf_root3;

static void
load_all(void)
{
	load(&f_root, "root.der");
	load(&f_root_pem, "root.pem");
	load(&f_inter, "inter.der");
	load(&f_root2, "root2.der");
	load(&f_root3, "root3-sha1.der");
	load(&f_bundle, "bundle.pem");
	load(&f_leaf_ec, "leaf-ec.der");
	load(&f_leaf_rsa2048, "leaf-rsa2048.der");
	load(&f_leaf_rsa1024, "leaf-rsa1024.der");
	load(&f_leaf_ed25519, "leaf-ed25519.der");
	load(&f_leaf_sha1, "leaf-sha1.der");
	load(&f_leaf_cnonly, "leaf-cnonly.der");
	load(&f_leaf_expired, "leaf-expired.der");
	load(&f_leaf_future, "leaf-future.der");
	load(&f_leaf_byleaf, "leaf-byleaf.der");
	load(&f_leaf_root2, "leaf-root2.der");
	load(&f_leaf_root3, "leaf-root3.der");
}

/* A trust store with the given anchors (DER or PEM blobs). */
typedef struct {
	wt_trust_store ts;
	br_x509_trust_anchor anchors[8];
	wt_anchor_info info[8];
	uint8_t arena[8192];
} store;

static void
store_init(store *s)
{
	wt_trust_init(&s->ts, s->anchors, 8, s->arena, sizeof s->arena);
	wt_trust_keep_info(&s->ts, s->info);
}

/* ------------------------------------------------------------ IP parse */

static void
test_ip_parse(void)
{
	static const struct {
		const char *s;
		int ret;
		uint8_t out[16];
	} cases[] = {
		{ "127.0.0.1", 4, { 127, 0, 0, 1 } },
		{ "0.0.0.0", 4, { 0 } },
		{ "255.255.255.255", 4, { 255, 255, 255, 255 } },
		{ "10.1.2.3", 4, { 10, 1, 2, 3 } },
		{ "256.0.0.1", 0, { 0 } },
		{ "1.2.3", 0, { 0 } },
		{ "1.2.3.4.5", 0, { 0 } },
		{ "01.2.3.4", 0, { 0 } },          /* leading zero: octal ambiguity */
		{ "1.2.3.04", 0, { 0 } },
		{ "1..3.4", 0, { 0 } },
		{ "1.2.3.4.", 0, { 0 } },
		{ ".1.2.3.4", 0, { 0 } },
		{ "1.2.3.4 ", 0, { 0 } },
		{ "1234.1.1.1", 0, { 0 } },
		{ "+1.2.3.4", 0, { 0 } },
		{ "0x7f.0.0.1", 0, { 0 } },
		{ "localhost", 0, { 0 } },
		{ "", 0, { 0 } },
		{ "::", 16, { 0 } },
		{ "::1", 16, { 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1 } },
		{ "1::", 16, { 0,1 } },
		{ "0:0:0:0:0:0:0:1", 16, { 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1 } },
		{ "2001:db8::8:800:200c:417a", 16,
			{ 0x20,0x01,0x0d,0xb8,0,0,0,0,0,8,8,0,0x20,0x0c,0x41,0x7a } },
		{ "2001:DB8:0:0:8:800:200C:417A", 16,
			{ 0x20,0x01,0x0d,0xb8,0,0,0,0,0,8,8,0,0x20,0x0c,0x41,0x7a } },
		{ "fe80::1:2", 16, { 0xfe,0x80,0,0,0,0,0,0,0,0,0,0,0,1,0,2 } },
		{ "::ffff:192.0.2.1", 16, { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,192,0,2,1 } },
		{ "::192.0.2.1", 16, { 0,0,0,0,0,0,0,0,0,0,0,0,192,0,2,1 } },
		{ "1:2:3:4:5:6:1.2.3.4", 16, { 0,1,0,2,0,3,0,4,0,5,0,6,1,2,3,4 } },
		{ "1:2:3:4:5:6:7::", 16, { 0,1,0,2,0,3,0,4,0,5,0,6,0,7,0,0 } },
		{ "::2:3:4:5:6:7:8", 16, { 0,0,0,2,0,3,0,4,0,5,0,6,0,7,0,8 } },
		{ "1:2:3:4:5:6:7:8", 16, { 0,1,0,2,0,3,0,4,0,5,0,6,0,7,0,8 } },
		{ "1:2:3:4:5:6:7", 0, { 0 } },
		{ "1:2:3:4:5:6:7:8:9", 0, { 0 } },
		{ "1:2:3:4:5:6:7::8", 0, { 0 } },   /* "::" must stand for >= 1 group */
		{ "1::2::3", 0, { 0 } },
		{ ":::", 0, { 0 } },
		{ ":1::2", 0, { 0 } },
		{ "1::2:", 0, { 0 } },
		{ "1:2:3:4:5:6:7:8:", 0, { 0 } },
		{ "12345::1", 0, { 0 } },
		{ "g::1", 0, { 0 } },
		{ "::1%eth0", 0, { 0 } },
		{ "[::1]", 0, { 0 } },
		{ "1:2:3:4:5:6:7:1.2.3.4", 0, { 0 } },
		{ "::1.2.3", 0, { 0 } },
		{ "::1.2.3.4:5", 0, { 0 } },
		{ "::01.2.3.4", 0, { 0 } },
		{ ":", 0, { 0 } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t out[16];
		memset(out, 0xEE, sizeof out);
		int r = wt_ip_parse(cases[i].s, strlen(cases[i].s), out);
		CHECKF(r == cases[i].ret, "wt_ip_parse(\"%s\") = %d, want %d", cases[i].s, r, cases[i].ret);
		if (r == cases[i].ret && r > 0) {
			CHECKF(memcmp(out, cases[i].out, (size_t)r) == 0, "wt_ip_parse(\"%s\") bytes", cases[i].s);
		}
	}
	/* length is honoured: no NUL needed, nothing read past len */
	uint8_t out[16];
	CHECK(wt_ip_parse("127.0.0.1xyz", 9, out) == 4 && out[0] == 127 && out[3] == 1);
	CHECK(wt_ip_parse("::1", 0, out) == 0);
	CHECK(wt_ip_parse(NULL, 3, out) == 0);
}

/* ---------------------------------------------------------- cert facts */

static void
test_cert_parse(void)
{
	wt_cert_info ci;

	CHECK(wt_cert_parse(&ci, f_leaf_ec.data, f_leaf_ec.len) == 0);
	CHECK(ci.key_type == WT_CERTKEY_EC && ci.key_bits == 256);
	CHECK(ci.not_before == INT64_C(978307200));      /* 2001-01-01T00:00:00Z (UTCTime) */
	CHECK(ci.not_after == INT64_C(2524607999));      /* 2049-12-31T23:59:59Z (UTCTime 49) */
	CHECK(!ci.sig_is_sha1 && !ci.is_ca && ci.has_san && ci.san != NULL && ci.san_len > 0);
	CHECK(ci.issuer != NULL && ci.subject != NULL && ci.issuer_len != ci.subject_len);

	CHECK(wt_cert_parse(&ci, f_root.data, f_root.len) == 0);
	CHECK(ci.is_ca && !ci.has_san && ci.key_type == WT_CERTKEY_EC);
	CHECK(ci.not_before == INT64_C(946684800));      /* 2000-01-01 */
	CHECK(ci.not_after == INT64_C(4102444799));      /* 2099-12-31T23:59:59Z (GeneralizedTime) */
	CHECK(ci.issuer_len == ci.subject_len && memcmp(ci.issuer, ci.subject, ci.issuer_len) == 0);

	CHECK(wt_cert_parse(&ci, f_inter.data, f_inter.len) == 0 && ci.is_ca);
	CHECK(wt_cert_parse(&ci, f_root2.data, f_root2.len) == 0);
	CHECK(ci.key_type == WT_CERTKEY_RSA && ci.key_bits == 2048 && ci.is_ca);
	CHECK(wt_cert_parse(&ci, f_leaf_rsa2048.data, f_leaf_rsa2048.len) == 0);
	CHECK(ci.key_type == WT_CERTKEY_RSA && ci.key_bits == 2048);
	CHECK(wt_cert_parse(&ci, f_leaf_rsa1024.data, f_leaf_rsa1024.len) == 0);
	CHECK(ci.key_type == WT_CERTKEY_RSA && ci.key_bits == 1024);
	CHECK(wt_cert_parse(&ci, f_leaf_ed25519.data, f_leaf_ed25519.len) == 0);
	CHECK(ci.key_type == WT_CERTKEY_ED25519);
	CHECK(wt_cert_parse(&ci, f_leaf_sha1.data, f_leaf_sha1.len) == 0 && ci.sig_is_sha1);
	CHECK(wt_cert_parse(&ci, f_root3.data, f_root3.len) == 0 && ci.sig_is_sha1);
	CHECK(wt_cert_parse(&ci, f_leaf_root2.data, f_leaf_root2.len) == 0 && !ci.sig_is_sha1);
	CHECK(wt_cert_parse(&ci, f_leaf_cnonly.data, f_leaf_cnonly.len) == 0 && !ci.has_san);
	CHECK(wt_cert_parse(&ci, f_leaf_expired.data, f_leaf_expired.len) == 0);
	CHECK(ci.not_before == INT64_C(1104537600) && ci.not_after == INT64_C(1136073600));

	/* PEM is not DER; every truncation and trailing garbage is refused */
	CHECK(wt_cert_parse(&ci, f_root_pem.data, f_root_pem.len) == WT_ERR_BAD_CERTIFICATE);
	CHECK(wt_cert_parse(&ci, NULL, 10) == WT_ERR_BAD_CERTIFICATE);
	CHECK(wt_cert_parse(&ci, f_leaf_ec.data, 0) == WT_ERR_BAD_CERTIFICATE);
	int all_truncations_refused = 1;
	for (size_t k = 0; k < f_leaf_ec.len; k++) {
		if (wt_cert_parse(&ci, f_leaf_ec.data, k) != WT_ERR_BAD_CERTIFICATE) all_truncations_refused = 0;
	}
	CHECK(all_truncations_refused);
	{
		uint8_t buf[4096];
		memcpy(buf, f_leaf_ec.data, f_leaf_ec.len);
		buf[f_leaf_ec.len] = 0;
		CHECK(wt_cert_parse(&ci, buf, f_leaf_ec.len + 1) == WT_ERR_BAD_CERTIFICATE);
		/* indefinite length on the outer SEQUENCE */
		buf[1] = 0x80;
		CHECK(wt_cert_parse(&ci, buf, f_leaf_ec.len) == WT_ERR_BAD_CERTIFICATE);
		/* non-minimal length: 0x82 00 xx */
		memcpy(buf, f_leaf_ec.data, f_leaf_ec.len);
		CHECK(buf[1] == 0x82);
		uint8_t lenbuf[4096];
		lenbuf[0] = 0x30; lenbuf[1] = 0x83; lenbuf[2] = 0;
		memcpy(lenbuf + 3, buf + 2, f_leaf_ec.len - 2);
		CHECK(wt_cert_parse(&ci, lenbuf, f_leaf_ec.len + 1) == WT_ERR_BAD_CERTIFICATE);
	}
	/* single-byte flips anywhere: no crash (results vary); sanitizers watch */
	{
		uint8_t buf[4096];
		int ok = 0;
		for (size_t k = 0; k < f_leaf_ec.len; k++) {
			memcpy(buf, f_leaf_ec.data, f_leaf_ec.len);
			buf[k] ^= 0x41;
			if (wt_cert_parse(&ci, buf, f_leaf_ec.len) == 0) ok++;
			wt_cert_matches_host(&ci, "localhost", 9);
		}
		CHECK(ok < (int)f_leaf_ec.len);
	}
}

/* ------------------------------------------------------ host matching */

static void
test_matches_host(void)
{
	wt_cert_info ci;
	static const struct { const char *host; int want; } cases[] = {
		{ "localhost", 1 },
		{ "LocalHost", 1 },
		{ "localhost.", 1 },            /* trailing dot on the host is ignored */
		{ "localhost..", 0 },
		{ "a.example.test", 1 },
		{ "A.EXAMPLE.TEST", 1 },
		{ "xn--bcher-kva.example.test", 1 },
		{ "a.example.test.", 1 },
		{ "a.b.example.test", 0 },      /* exactly one label */
		{ "example.test", 0 },          /* not zero labels */
		{ ".example.test", 0 },
		{ "*.example.test", 0 },        /* a '*' in the host never matches */
		{ "a.example.tes", 0 },
		{ "a.example.testx", 0 },
		{ "localhostx", 0 },
		{ "example.com", 0 },
		{ "127.0.0.1", 1 },
		{ "::1", 1 },
		{ "0:0:0:0:0:0:0:1", 1 },
		{ "0000::0001", 1 },
		{ "127.0.0.2", 0 },
		{ "::2", 0 },
		{ "::ffff:127.0.0.1", 0 },      /* same address family/length only */
		{ "", 0 },
		{ ".", 0 },
	};
	CHECK(wt_cert_parse(&ci, f_leaf_ec.data, f_leaf_ec.len) == 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int r = wt_cert_matches_host(&ci, cases[i].host, strlen(cases[i].host));
		CHECKF(r == cases[i].want, "match(\"%s\") = %d", cases[i].host, r);
	}
	/* the RSA leaf has only DNS:localhost; IP literal never matches a dNSName */
	CHECK(wt_cert_parse(&ci, f_leaf_rsa2048.data, f_leaf_rsa2048.len) == 0);
	CHECK(wt_cert_matches_host(&ci, "localhost", 9) == 1);
	CHECK(wt_cert_matches_host(&ci, "127.0.0.1", 9) == 0);
	CHECK(wt_cert_matches_host(&ci, "a.example.test", 14) == 0);
	/* CN=localhost but no SAN: no match */
	CHECK(wt_cert_parse(&ci, f_leaf_cnonly.data, f_leaf_cnonly.len) == 0);
	CHECK(wt_cert_matches_host(&ci, "localhost", 9) == 0);
	CHECK(wt_cert_matches_host(NULL, "localhost", 9) == 0);

	/* hand-made SAN lists for the pattern rules */
	static const struct { const char *pat, *host; int want; } pats[] = {
		{ "*.example.test", "a.example.test", 1 },
		{ "*.com", "example.com", 0 },          /* fewer than 2 labels after '*' */
		{ "*.", "a.", 0 },
		{ "*", "localhost", 0 },
		{ "f*o.example.test", "foo.example.test", 0 },   /* partial wildcard */
		{ "*o.example.test", "foo.example.test", 0 },
		{ "f*.example.test", "foo.example.test", 0 },
		{ "a.*.example.test", "a.b.example.test", 0 },   /* not left-most */
		{ "*.*.example.test", "a.b.example.test", 0 },
		{ "**.example.test", "a.example.test", 0 },
		{ "*.example.test.", "a.example.test", 1 },
		{ "Example.TEST", "example.test", 1 },
		{ "example.test", "example.test.", 1 },
		{ "exa mple.test", "exa mple.test", 0 },
		{ "", "", 0 },
	};
	for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
		uint8_t san[300];
		size_t pl = strlen(pats[i].pat);
		san[0] = 0x30; san[1] = (uint8_t)(pl + 2);
		san[2] = 0x82; san[3] = (uint8_t)pl;
		memcpy(san + 4, pats[i].pat, pl);
		wt_cert_info fake;
		memset(&fake, 0, sizeof fake);
		fake.has_san = 1;
		fake.san = san;
		fake.san_len = pl + 4;
		int r = wt_cert_matches_host(&fake, pats[i].host, strlen(pats[i].host));
		CHECKF(r == pats[i].want, "pattern \"%s\" vs \"%s\" = %d", pats[i].pat, pats[i].host, r);
	}
}

/* --------------------------------------------------------- trust store */

static void
test_trust(void)
{
	store s;
	store_init(&s);
	CHECK(wt_trust_add(&s.ts, f_root.data, f_root.len) == 1);
	CHECK(s.ts.num == 1 && s.anchors[0].flags == BR_X509_TA_CA);
	CHECK(s.anchors[0].pkey.key_type == BR_KEYTYPE_EC);
	CHECK(s.anchors[0].pkey.key.ec.curve == BR_EC_secp256r1 && s.anchors[0].pkey.key.ec.qlen == 65);
	{
		wt_cert_info ci;
		wt_cert_parse(&ci, f_root.data, f_root.len);
		CHECK(s.anchors[0].dn.len == ci.subject_len
			&& memcmp(s.anchors[0].dn.data, ci.subject, ci.subject_len) == 0);
	}
	CHECK(wt_trust_add(&s.ts, f_root_pem.data, f_root_pem.len) == 1);
	CHECK(s.ts.num == 2);

	/* bundle: root2 (RSA), a foreign block, text, root */
	store_init(&s);
	CHECK(wt_trust_add(&s.ts, f_bundle.data, f_bundle.len) == 2);
	CHECK(s.ts.num == 2 && s.anchors[0].pkey.key_type == BR_KEYTYPE_RSA);
	CHECK(s.anchors[0].pkey.key.rsa.nlen >= 256 && s.anchors[1].pkey.key_type == BR_KEYTYPE_EC);
	CHECK(s.ts.arena_used > 0 && s.ts.arena_used <= sizeof s.arena);

	/* an unsupported (Ed25519) certificate in a bundle is skipped, alone it is an error */
	{
		static blob ed, both;
		load(&ed, "leaf-ed25519.pem");
		memcpy(both.data, ed.data, ed.len);
		memcpy(both.data + ed.len, f_root_pem.data, f_root_pem.len);
		both.len = ed.len + f_root_pem.len;
		store_init(&s);
		CHECK(wt_trust_add(&s.ts, ed.data, ed.len) == -WT_ERR_BAD_ARGUMENT);
		CHECK(s.ts.num == 0 && s.ts.arena_used == 0);
		CHECK(wt_trust_add(&s.ts, both.data, both.len) == 1);
		CHECK(s.ts.num == 1 && s.anchors[0].pkey.key_type == BR_KEYTYPE_EC);
		CHECK(wt_trust_add(&s.ts, f_leaf_ed25519.data, f_leaf_ed25519.len) == -WT_ERR_BAD_ARGUMENT);
	}

	/* PEM without the final newline still ends its last block */
	store_init(&s);
	{
		size_t l = f_root_pem.len;
		while (l > 0 && (f_root_pem.data[l - 1] == '\n' || f_root_pem.data[l - 1] == '\r')) l--;
		CHECK(wt_trust_add(&s.ts, f_root_pem.data, l) == 1);
	}

	/* garbage: errors, store unchanged */
	store_init(&s);
	static const char junk[] = "hello, world\n";
	static const char nocert[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
	static const char badb64[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
	static const char notder[] = "-----BEGIN CERTIFICATE-----\nSGVsbG8=\n-----END CERTIFICATE-----\n";
	static const char unterminated[] = "-----BEGIN CERTIFICATE-----\nMIIB\n";
	CHECK(wt_trust_add(&s.ts, (const uint8_t *)junk, strlen(junk)) == -WT_ERR_BAD_ARGUMENT);
	CHECK(wt_trust_add(&s.ts, (const uint8_t *)nocert, strlen(nocert)) == -WT_ERR_BAD_ARGUMENT);
	CHECK(wt_trust_add(&s.ts, (const uint8_t *)badb64, strlen(badb64)) == -WT_ERR_BAD_ARGUMENT);
	CHECK(wt_trust_add(&s.ts, (const uint8_t *)notder, strlen(notder)) == -WT_ERR_BAD_ARGUMENT);
	CHECK(wt_trust_add(&s.ts, (const uint8_t *)unterminated, strlen(unterminated)) == -WT_ERR_BAD_ARGUMENT);
	CHECK(wt_trust_add(&s.ts, f_root.data, f_root.len - 1) == -WT_ERR_BAD_ARGUMENT);
	CHECK(wt_trust_add(&s.ts, f_root.data, 0) == -WT_ERR_BAD_ARGUMENT);
	CHECK(wt_trust_add(&s.ts, NULL, 5) == -WT_ERR_BAD_ARGUMENT);
	CHECK(wt_trust_add(NULL, f_root.data, f_root.len) == -WT_ERR_BAD_ARGUMENT);
	CHECK(s.ts.num == 0 && s.ts.arena_used == 0);
	{
		/* trailing byte after DER */
		uint8_t buf[4096];
		memcpy(buf, f_root.data, f_root.len);
		buf[f_root.len] = 0;
		CHECK(wt_trust_add(&s.ts, buf, f_root.len + 1) == -WT_ERR_BAD_ARGUMENT);
	}

	/* a full store or arena: BUFFER_TOO_SMALL, and the add is rolled back */
	{
		br_x509_trust_anchor one[1];
		uint8_t arena[4096];
		wt_trust_store ts;
		wt_trust_init(&ts, one, 1, arena, sizeof arena);
		CHECK(wt_trust_add(&ts, f_bundle.data, f_bundle.len) == -WT_ERR_BUFFER_TOO_SMALL);
		CHECK(ts.num == 0 && ts.arena_used == 0);
		CHECK(wt_trust_add(&ts, f_root.data, f_root.len) == 1);
		CHECK(wt_trust_add(&ts, f_root.data, f_root.len) == -WT_ERR_BUFFER_TOO_SMALL);
		CHECK(ts.num == 1);
		br_x509_trust_anchor two[2];
		uint8_t small[100];
		wt_trust_init(&ts, two, 2, small, sizeof small);
		CHECK(wt_trust_add(&ts, f_root.data, f_root.len) == -WT_ERR_BUFFER_TOO_SMALL);
		CHECK(ts.num == 0 && ts.arena_used == 0);
		wt_trust_init(&ts, NULL, 0, NULL, 0);
		CHECK(wt_trust_add(&ts, f_root.data, f_root.len) == -WT_ERR_BUFFER_TOO_SMALL);
	}
}

/* -------------------------------------------------------- verification */

typedef struct {
	int err;
	char detail[512];
	wt_pubkey key;
	wt_verify_result res;
	char log[2048];
} vres;

/* Verify the chain c0, ... (leaf first, NULL-terminated) against `s` at `now` for `host`. */
static int
verify_at(vres *res, const store *s, const char *host, int64_t now, const blob *c0, ...)
{
	wt_span chain[8];
	size_t n = 0;
	va_list ap;
	va_start(ap, c0);
	for (const blob *b = c0; b != NULL && n < 8; b = va_arg(ap, const blob *)) {
		chain[n].der = b->data;
		chain[n].len = b->len;
		n++;
	}
	va_end(ap);
	wt_verify_params p;
	memset(&p, 0, sizeof p);
	p.anchors = s->anchors;
	p.num_anchors = s->ts.num;
	p.anchor_info = s->ts.info;
	p.host = host;
	p.host_len = host ? strlen(host) : 0;
	p.now = now;
	memset(res, 0, sizeof *res);
	res->res.log = res->log;
	res->res.log_cap = sizeof res->log;
	res->err = wt_chain_verify_ex(&p, chain, n, &res->key, &res->res, res->detail, sizeof res->detail);
	return res->err;
}

#define VERIFY(res, s, host, now, ...) verify_at((res), (s), (host), (now), __VA_ARGS__, (const blob *)NULL)

/* The host `h` against the good EC chain. */
static int
host_err(const store *s, const char *h)
{
	vres r;
	return VERIFY(&r, s, h, T_2030_01_01, &f_leaf_ec, &f_inter);
}

static void
test_verify(void)
{
	store s;
	vres r;
	store_init(&s);
	CHECK(wt_trust_add(&s.ts, f_root.data, f_root.len) == 1);

	/* the good chain, with and without the root appended */
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &f_inter) == 0, "%s", r.detail);
	CHECK(r.key.key.key_type == BR_KEYTYPE_EC && r.key.key.key.ec.curve == BR_EC_secp256r1);
	CHECK(r.key.key.key.ec.qlen == 65 && r.detail[0] == 0);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &f_inter, &f_root) == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, NULL, T_2030_01_01, &f_leaf_ec, &f_inter) == 0);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_rsa2048, &f_inter) == 0, "%s", r.detail);
	CHECK(r.key.key.key_type == BR_KEYTYPE_RSA && r.key.key.key.rsa.nlen == 256);

	/* validity */
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_expired, &f_inter) == WT_ERR_CERT_EXPIRED);
	CHECKF(strcmp(r.detail, "certificate #0 (leaf, CN=localhost) has expired: valid from "
		"2005-01-01T00:00:00Z to 2006-01-01T00:00:00Z, now is 2030-01-01T00:00:00Z") == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_future, &f_inter) == WT_ERR_CERT_NOT_YET_VALID);
	CHECKF(strstr(r.detail, "is not yet valid: valid from 2090-01-01T00:00:00Z to 2095-01-01T00:00:00Z") != NULL,
		"%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T_2060_01_01, &f_leaf_ec, &f_inter) == WT_ERR_CERT_EXPIRED);
	CHECKF(strstr(r.detail, "to 2049-12-31T23:59:59Z, now is 2060-01-01T00:00:00Z") != NULL, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T_2000_06_01, &f_leaf_ec, &f_inter) == WT_ERR_CERT_NOT_YET_VALID);
	CHECK(VERIFY(&r, &s, "localhost", INT64_C(978307200), &f_leaf_ec, &f_inter) == 0);   /* bounds inclusive */
	CHECK(VERIFY(&r, &s, "localhost", INT64_C(978307199), &f_leaf_ec, &f_inter) == WT_ERR_CERT_NOT_YET_VALID);
	CHECK(VERIFY(&r, &s, "localhost", INT64_C(2524607999), &f_leaf_ec, &f_inter) == 0);
	CHECK(VERIFY(&r, &s, "localhost", INT64_C(2524608000), &f_leaf_ec, &f_inter) == WT_ERR_CERT_EXPIRED);
	CHECK(VERIFY(&r, &s, "localhost", INT64_C(-100000000000), &f_leaf_ec, &f_inter) == WT_ERR_CERT_NOT_YET_VALID);

	/* names */
	CHECK(VERIFY(&r, &s, "example.com", T_2030_01_01, &f_leaf_ec, &f_inter) == WT_ERR_HOSTNAME_MISMATCH);
	CHECKF(strcmp(r.detail, "certificate names DNS:localhost, DNS:*.example.test, IP:127.0.0.1, "
		"IP:::1; asked for example.com") == 0, "%s", r.detail);
	CHECK(host_err(&s, "a.example.test") == 0);
	CHECK(host_err(&s, "a.b.example.test") == WT_ERR_HOSTNAME_MISMATCH);
	CHECK(host_err(&s, "example.test") == WT_ERR_HOSTNAME_MISMATCH);
	CHECK(host_err(&s, "127.0.0.1") == 0);
	CHECK(host_err(&s, "::1") == 0);
	CHECK(host_err(&s, "127.0.0.2") == WT_ERR_HOSTNAME_MISMATCH);
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_cnonly, &f_inter) == WT_ERR_HOSTNAME_MISMATCH);
	CHECKF(strstr(r.detail, "no subjectAltName") != NULL && strstr(r.detail, "asked for localhost"), "%s", r.detail);
	CHECK(VERIFY(&r, &s, NULL, T_2030_01_01, &f_leaf_cnonly, &f_inter) == 0);

	/* unknown CA / missing intermediate */
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_root2) == WT_ERR_MISSING_INTERMEDIATE);
	CHECKF(strstr(r.detail, "wasmtls Other Root") != NULL, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_root2, &f_root2) == WT_ERR_UNKNOWN_CA);
	CHECKF(strstr(r.detail, "self-signed root") != NULL, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec) == WT_ERR_MISSING_INTERMEDIATE);
	CHECKF(strstr(r.detail, "\"O=wasmtls test, CN=wasmtls Test Intermediate\", is neither a trusted root") != NULL, "%s", r.detail);
	/* out of order, with an extra unrelated certificate and the root appended */
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &f_root2, &f_root, &f_inter) == 0);
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_root2) == WT_ERR_UNKNOWN_CA);
	{
		store none;
		store_init(&none);
		CHECK(VERIFY(&r, &none, "localhost", T_2030_01_01, &f_leaf_ec, &f_inter, &f_root) == WT_ERR_UNKNOWN_CA);
	}

	/* weak and unsupported */
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_rsa1024, &f_inter) == WT_ERR_WEAK_CERTIFICATE);
	CHECKF(strstr(r.detail, "1024-bit RSA key") != NULL, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_sha1, &f_inter) == WT_ERR_WEAK_CERTIFICATE);
	CHECKF(strstr(r.detail, "SHA-1") != NULL, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ed25519, &f_inter) == WT_ERR_UNSUPPORTED_CERTIFICATE);
	CHECKF(strstr(r.detail, "Ed25519") != NULL, "%s", r.detail);

	/* structure: a leaf used as a CA, wrong order, bad signature, garbage */
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_byleaf, &f_leaf_ec, &f_inter) == WT_ERR_BAD_CERTIFICATE);
	CHECKF(strstr(r.detail, "not a CA") != NULL, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &f_root) == WT_ERR_MISSING_INTERMEDIATE);
	/* reversed: the intermediate alone chains to the root, but a CA is no end-entity certificate */
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_inter, &f_leaf_ec) == WT_ERR_BAD_CERTIFICATE);
	CHECKF(strstr(r.detail, "is a CA certificate (basicConstraints CA:TRUE) used as the end-entity") != NULL, "%s", r.detail);
	{
		blob bad = f_leaf_ec;
		bad.data[bad.len - 1] ^= 0x01;      /* last byte of ECDSA s: still DER */
		CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &bad, &f_inter) == WT_ERR_BAD_CERTIFICATE);
		CHECKF(strstr(r.detail, "signature of certificate #0") != NULL, "%s", r.detail);
		blob badi = f_inter;
		badi.data[badi.len - 1] ^= 0x01;    /* verified against the anchor at end of #1 */
		CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &badi) == WT_ERR_UNKNOWN_CA);
		CHECKF(strstr(r.detail, "whose key does not verify it") != NULL, "%s", r.detail);
		blob junk;
		memset(junk.data, 0x30, 64);
		junk.len = 64;
		CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &junk) == WT_ERR_BAD_CERTIFICATE);
		CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &junk) == WT_ERR_BAD_CERTIFICATE);
		CHECKF(strcmp(r.detail, "certificate #1 is malformed DER") == 0, "%s", r.detail);
	}
	{
		wt_verify_params p;
		memset(&p, 0, sizeof p);
		p.anchors = s.anchors;
		p.num_anchors = s.ts.num;
		p.now = T_2030_01_01;
		char d[64];
		CHECK(wt_chain_verify(&p, NULL, 0, NULL, d, sizeof d) == WT_ERR_EMPTY_CHAIN);
		CHECK(wt_chain_verify(NULL, NULL, 0, NULL, d, sizeof d) == WT_ERR_BAD_ARGUMENT);
		/* tiny detail buffer: truncated, NUL-terminated; NULL detail and key are fine */
		wt_span c[2] = { { f_leaf_ec.data, f_leaf_ec.len }, { f_inter.data, f_inter.len } };
		p.host = "example.com";
		p.host_len = 11;
		char tiny[8];
		memset(tiny, 'x', sizeof tiny);
		CHECK(wt_chain_verify(&p, c, 2, NULL, tiny, sizeof tiny) == WT_ERR_HOSTNAME_MISMATCH);
		CHECK(strcmp(tiny, "certifi") == 0);
		CHECK(wt_chain_verify(&p, c, 2, NULL, NULL, 0) == WT_ERR_HOSTNAME_MISMATCH);
	}

	/* a second root via a PEM bundle: the RSA-signed chain verifies */
	store_init(&s);
	CHECK(wt_trust_add(&s.ts, f_bundle.data, f_bundle.len) == 2);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_root2) == 0, "%s", r.detail);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_root2, &f_root2) == 0, "%s", r.detail);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &f_inter) == 0, "%s", r.detail);

	/* a SHA-1 self-signed root is fine, in the chain or not */
	store_init(&s);
	CHECK(wt_trust_add(&s.ts, f_root3.data, f_root3.len) == 1);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_root3) == 0, "%s", r.detail);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_root3, &f_root3) == 0, "%s", r.detail);
	/* ...but not as a leaf trusted through itself */
	CHECK(VERIFY(&r, &s, NULL, T_2030_01_01, &f_root3) == WT_ERR_WEAK_CERTIFICATE);

	/* an expired extra certificate after the anchor point is ignored */
	store_init(&s);
	CHECK(wt_trust_add(&s.ts, f_root.data, f_root.len) == 1);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &f_inter, &f_leaf_expired) == 0, "%s", r.detail);
	/* a CA certificate trusted as an anchor is still no server certificate (as browsers) */
	CHECK(VERIFY(&r, &s, NULL, T_2030_01_01, &f_root) == WT_ERR_BAD_CERTIFICATE);
	CHECKF(strstr(r.detail, "used as the end-entity certificate") != NULL, "%s", r.detail);
}

/* ------------------------------------------- path fixtures (x509-path/) */

/* tests/fixtures/x509-path/NAME.der, loaded once. */
static const blob *
P(const char *name)
{
	static struct { char name[40]; blob b; } cache[96];
	static size_t used;
	for (size_t i = 0; i < used; i++) {
		if (strcmp(cache[i].name, name) == 0) return &cache[i].b;
	}
	if (used == sizeof cache / sizeof cache[0]) { fprintf(stderr, "fixture cache full\n"); exit(2); }
	char file[80];
	snprintf(file, sizeof file, "../x509-path/%s.der", name);
	snprintf(cache[used].name, sizeof cache[used].name, "%s", name);
	load(&cache[used].b, file);
	return &cache[used++].b;
}

/* A store holding the x509-path anchors named (NULL-terminated). */
static void
path_store(store *s, const char *a0, ...)
{
	va_list ap;
	store_init(s);
	va_start(ap, a0);
	for (const char *a = a0; a != NULL; a = va_arg(ap, const char *)) {
		const blob *b = P(a);
		if (wt_trust_add(&s->ts, b->data, b->len) != 1) { fprintf(stderr, "anchor %s\n", a); exit(2); }
	}
	va_end(ap);
}

static int
test_rng(void *ctx, uint8_t *out, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) out[i] = (uint8_t)(i * 131 + 7);
	return 0;
}

/* wt_hs_accept_chain (the handshake's chain verdict) on a fresh engine with one pin (or none). */
static wt_engine pin_engine;
static int
pin_accept(const store *s, const uint8_t *pin, int insecure, const blob *c0, ...)
{
	static uint8_t buf[WT_MIN_BUFFER_SIZE], cbuf[32768];
	wt_config cfg;
	wt_span chain[8];
	size_t n = 0;
	va_list ap;
	va_start(ap, c0);
	for (const blob *b = c0; b != NULL && n < 8; b = va_arg(ap, const blob *)) {
		chain[n].der = b->data;
		chain[n].len = b->len;
		n++;
	}
	va_end(ap);
	memset(&cfg, 0, sizeof cfg);
	cfg.server_name = "localhost";
	cfg.anchors = s->anchors;
	cfg.num_anchors = s->ts.num;
	cfg.now = T_2030_01_01;
	cfg.rng = test_rng;
	cfg.flags = insecure ? WT_FLAG_INSECURE_SKIP_VERIFY : 0;
	cfg.chain_buf = cbuf;
	cfg.chain_cap = sizeof cbuf;
	if (wt_engine_init(&pin_engine, &cfg, buf, sizeof buf) != 0) return -1;
	if (wt_engine_set_pins(&pin_engine, pin, pin ? 1 : 0, s->ts.info) != 0) return -1;
	return wt_hs_accept_chain(&pin_engine, chain, n, NULL, 0);
}
#define PIN_ACCEPT(s, pin, insecure, ...) pin_accept((s), (pin), (insecure), __VA_ARGS__, (const blob *)NULL)

static void
spki_pin(uint8_t out[32], const char *name)
{
	const blob *b = P(name);
	CHECK(wt_cert_spki_sha256(b->data, b->len, out) == 0);
}

/* issue 14 items 1, 6, 7 and issue 15's message */
static void
test_trust_boundary(void)
{
	store s;
	vres r;
	path_store(&s, "root", (const char *)NULL);

	/* 1. pins are matched against the verified path only */
	uint8_t k_leaf[32], k_inter[32], k_root[32], k_extra[32];
	spki_pin(k_leaf, "leaf");
	spki_pin(k_inter, "inter");
	spki_pin(k_root, "root");
	spki_pin(k_extra, "leaf-dup");         /* a correctly issued certificate, but not on this path */
	CHECK(memcmp(s.info[0].spki_sha256, k_root, 32) == 0);
	/* the attack: a good chain without K, plus an appended certificate that carries K */
	CHECK(PIN_ACCEPT(&s, k_extra, 0, P("leaf"), P("inter"), P("leaf-dup")) == WT_ERR_PIN_MISMATCH);
	CHECK(pin_engine.err == WT_ERR_PIN_MISMATCH && pin_engine.vpath_len == 0);
	CHECKF(strstr(pin_engine.detail, "verified path") != NULL, "%s", pin_engine.detail);
	CHECK(PIN_ACCEPT(&s, k_extra, 0, P("leaf"), P("leaf-dup"), P("inter")) == WT_ERR_PIN_MISMATCH);
	/* K on the path: leaf, intermediate or anchor */
	CHECK(PIN_ACCEPT(&s, k_leaf, 0, P("leaf"), P("inter"), P("leaf-dup")) == 0);
	CHECK(pin_engine.vpath_len == 3 && pin_engine.vpath[0] == 0 && pin_engine.vpath[1] == 1
		&& pin_engine.vpath[2] == -1);
	CHECK(PIN_ACCEPT(&s, k_inter, 0, P("leaf"), P("leaf-dup"), P("inter")) == 0);
	CHECK(pin_engine.vpath_len == 3 && pin_engine.vpath[1] == 2 && pin_engine.vpath[2] == -1);
	CHECK(PIN_ACCEPT(&s, k_root, 0, P("leaf"), P("inter")) == 0);
	CHECK(PIN_ACCEPT(&s, NULL, 0, P("leaf"), P("inter"), P("leaf-dup")) == 0);   /* no pins */
	/* insecure: only the leaf's key counts */
	CHECK(PIN_ACCEPT(&s, k_inter, 1, P("leaf"), P("inter")) == WT_ERR_PIN_MISMATCH);
	CHECKF(strstr(pin_engine.detail, "only the leaf") != NULL, "%s", pin_engine.detail);
	CHECK(PIN_ACCEPT(&s, k_leaf, 1, P("leaf"), P("inter")) == 0);
	CHECK(pin_engine.vpath_len == 1 && pin_engine.vpath[0] == 0);
	/* a verification failure stays that failure, with no path */
	CHECK(PIN_ACCEPT(&s, k_leaf, 0, P("leaf")) == WT_ERR_MISSING_INTERMEDIATE);
	CHECK(pin_engine.vpath_len == 0);
	{
		uint8_t many[17 * 32];
		memset(many, 0, sizeof many);
		CHECK(wt_engine_set_pins(&pin_engine, many, 16, NULL) == 0);
		CHECK(wt_engine_set_pins(&pin_engine, many, 17, NULL) == WT_ERR_BAD_ARGUMENT);
	}

	/* 6. excluded DNS subtrees, also through a trailing dot, a later SAN or upper case */
	CHECKF(VERIFY(&r, &s, "www.good.com", T_2030_01_01, P("leaf-nc-exok"), P("nc-ex")) == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "www.evil.com", T_2030_01_01, P("leaf-nc-ex"), P("nc-ex")) == WT_ERR_NAME_CONSTRAINTS);
	CHECKF(strstr(r.detail, "DNS:www.evil.com, which is in an excluded subtree") != NULL, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "www.evil.com", T_2030_01_01, P("leaf-nc-dot"), P("nc-ex")) == WT_ERR_NAME_CONSTRAINTS);
	CHECKF(strstr(r.detail, "DNS:www.evil.com., which is in an excluded subtree") != NULL, "%s", r.detail);
	CHECK(VERIFY(&r, &s, NULL, T_2030_01_01, P("leaf-nc-ex2"), P("nc-ex")) == WT_ERR_NAME_CONSTRAINTS);
	CHECKF(strstr(r.detail, "www.EVIL.com") != NULL, "%s", r.detail);
	{
		/* host matching uses the same normal form: the dotted SAN does name www.evil.com */
		wt_cert_info ci;
		CHECK(wt_cert_parse(&ci, P("leaf-nc-dot")->data, P("leaf-nc-dot")->len) == 0);
		CHECK(wt_cert_matches_host(&ci, "www.evil.com", 12) == 1);
		CHECK(wt_cert_matches_host(&ci, "WWW.evil.com.", 13) == 1);
		uint8_t out[253];
		CHECK(wt_dns_normalize((const uint8_t *)"WWW.Evil.COM.", 13, out, 0) == 12 && memcmp(out, "www.evil.com", 12) == 0);
		CHECK(wt_dns_normalize((const uint8_t *)"a..b", 4, out, 0) == 0);
		CHECK(wt_dns_normalize((const uint8_t *)"a.b..", 5, out, 0) == 0);
		CHECK(wt_dns_normalize((const uint8_t *)"*.b.c", 5, out, 0) == 0);
		CHECK(wt_dns_normalize((const uint8_t *)"*.b.c", 5, out, 1) == 5);
		CHECK(wt_dns_normalize((const uint8_t *)"a*.b.c", 6, out, 1) == 0);
	}

	/* 7. the leaf's keyUsage must allow digitalSignature (the key signs the handshake) */
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, P("leaf-ku-enc"), P("inter")) == WT_ERR_CERT_PURPOSE);
	CHECKF(strstr(r.detail, "keyUsage does not include digitalSignature") != NULL, "%s", r.detail);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, P("leaf"), P("inter")) == 0, "%s", r.detail);

	/* issue 15: an issuer found nowhere — name it and say both possibilities */
	CHECK(VERIFY(&r, &s, "localhost", T_2030_01_01, P("leaf")) == WT_ERR_MISSING_INTERMEDIATE);
	CHECKF(strstr(r.detail, "\"O=wasmtls path test, CN=Path Inter\", is neither a trusted root nor among")
		&& strstr(r.detail, "omitted its intermediate") && strstr(r.detail, "private CA that is not trusted"),
		"%s", r.detail);
}

/* VERIFY with budgets (0: the defaults). */
static int
verify_budget(vres *res, const store *s, unsigned sigs, unsigned names, const blob *c0, const blob *c1)
{
	wt_span chain[2] = { { c0->data, c0->len }, { c1->data, c1->len } };
	wt_verify_params p;
	memset(&p, 0, sizeof p);
	p.anchors = s->anchors;
	p.num_anchors = s->ts.num;
	p.anchor_info = s->ts.info;
	p.now = T_2030_01_01;
	p.sig_budget = sigs;
	p.name_budget = names;
	memset(res, 0, sizeof *res);
	res->err = wt_chain_verify_ex(&p, chain, 2, NULL, &res->res, res->detail, sizeof res->detail);
	return res->err;
}

/* issue 16: one valid/invalid pair per rule */
static void
test_path_validation(void)
{
	store s;
	vres r;
#define T2030 T_2030_01_01
#define HAS(sub) CHECKF(strstr(r.detail, (sub)) != NULL, "%s", r.detail)

	/* 1. nameConstraints of a trust anchor constrain every path through it */
	path_store(&s, "root-nc", (const char *)NULL);
	CHECKF(VERIFY(&r, &s, "www.corp.example", T2030, P("leaf-corp"), P("inter-rootnc")) == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, NULL, T2030, P("leaf-notcorp"), P("inter-rootnc")) == WT_ERR_NAME_CONSTRAINTS);
	HAS("outside the permitted subtrees of the nameConstraints of the trust anchor ca[0] (O=wasmtls path test, CN=NC Root)");
	{
		/* without the anchor's facts (a bare key) the constraint cannot apply: keep_info matters */
		store bare;
		wt_trust_init(&bare.ts, bare.anchors, 8, bare.arena, sizeof bare.arena);
		CHECK(wt_trust_add(&bare.ts, P("root-nc")->data, P("root-nc")->len) == 1);
		CHECK(VERIFY(&r, &bare, NULL, T2030, P("leaf-notcorp"), P("inter-rootnc")) == 0);
	}

	/* 2. every constraint form */
	path_store(&s, "root", (const char *)NULL);
	CHECKF(VERIFY(&r, &s, "10.1.2.3", T2030, P("leaf-ip-ok"), P("nc-ip")) == 0, "%s", r.detail);
	CHECKF(VERIFY(&r, &s, "fd00::1", T2030, P("leaf-ip-ok"), P("nc-ip")) == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, NULL, T2030, P("leaf-ip-ex"), P("nc-ip")) == WT_ERR_NAME_CONSTRAINTS);
	HAS("IP:10.9.1.1, which is in an excluded subtree");
	CHECK(VERIFY(&r, &s, NULL, T2030, P("leaf-ip-out"), P("nc-ip")) == WT_ERR_NAME_CONSTRAINTS);
	HAS("IP:11.0.0.1, which is outside the permitted subtrees");
	CHECK(VERIFY(&r, &s, NULL, T2030, P("leaf-ip6-out"), P("nc-ip")) == WT_ERR_NAME_CONSTRAINTS);
	HAS("IP:fe80::1, which is outside the permitted subtrees");
	CHECKF(VERIFY(&r, &s, "www.example.org", T2030, P("leaf-both-ok"), P("nc-both")) == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "www.example.org", T2030, P("leaf-both-ex"), P("nc-both")) == WT_ERR_NAME_CONSTRAINTS);
	HAS("DNS:x.bad.example.org, which is in an excluded subtree");   /* excluded wins, second SAN */
	CHECK(VERIFY(&r, &s, NULL, T2030, P("leaf-wild"), P("nc-wild")) == WT_ERR_NAME_CONSTRAINTS);
	HAS("are malformed");
	CHECK(VERIFY(&r, &s, NULL, T2030, P("leaf-mask"), P("nc-mask")) == WT_ERR_NAME_CONSTRAINTS);
	HAS("are malformed");
	/* critical constraints of forms the certificate has no names of do not matter */
	CHECKF(VERIFY(&r, &s, "a.corp.example", T2030, P("leaf-email-none"), P("nc-email")) == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, NULL, T2030, P("leaf-email"), P("nc-email")) == WT_ERR_UNSUPPORTED_CERTIFICATE);
	HAS("has an email name and the issuer constrains that form");

	/* 3. budgets: past them a clear error, whatever the chain */
	CHECK(verify_budget(&r, &s, 2, 0, P("leaf"), P("inter")) == 0);
	CHECK(r.res.sig_checks == 2);
	CHECK(verify_budget(&r, &s, 1, 0, P("leaf"), P("inter")) == WT_ERR_VERIFY_BUDGET);
	HAS("more than 1 signature checks (the budget)");
	CHECK(verify_budget(&r, &s, 0, 4, P("leaf-both-ok"), P("nc-both")) == 0);
	CHECK(r.res.name_checks == 2);
	CHECK(verify_budget(&r, &s, 0, 3, P("leaf-both-ex"), P("nc-both")) == WT_ERR_VERIFY_BUDGET);
	HAS("more than 3 name-constraint comparisons (the budget)");
	{
		/* the pathological chain: eight untrusted self-signed CAs with one key and one name;
		   every order verifies, so without the budget the search would try 8! paths */
		wt_span c[9];
		static const char *const loop[9] = { "leaf-loop", "loop-1", "loop-2", "loop-3", "loop-4",
			"loop-5", "loop-6", "loop-7", "loop-8" };
		for (size_t i = 0; i < 9; i++) { c[i].der = P(loop[i])->data; c[i].len = P(loop[i])->len; }
		wt_verify_params p;
		memset(&p, 0, sizeof p);
		p.anchors = s.anchors;
		p.num_anchors = s.ts.num;
		p.anchor_info = s.ts.info;
		p.now = T2030;
		memset(&r, 0, sizeof r);
		CHECK(wt_chain_verify_ex(&p, c, 9, NULL, &r.res, r.detail, sizeof r.detail) == WT_ERR_VERIFY_BUDGET);
		HAS("more than 100 signature checks (the budget)");
		CHECK(r.res.sig_checks == WT_VERIFY_SIG_BUDGET);
		/* the same without the last seven: an ordinary untrusted root */
		CHECK(wt_chain_verify_ex(&p, c, 2, NULL, &r.res, r.detail, sizeof r.detail) == WT_ERR_UNKNOWN_CA);
		HAS("self-signed root");
	}

	/* 4. backtracking: the first candidate fails, the next one is tried */
	CHECKF(VERIFY(&r, &s, "localhost", T2030, P("leaf-dup"), P("dup-a"), P("dup-b")) == 0, "%s", r.detail);
	CHECK(r.res.path_len == 3 && r.res.path[1] == 2 && r.res.path[2] == -1 && r.res.paths_tried == 2);
	CHECKF(strstr(r.log, "#0 > #1 > ca[0]: CERT_PURPOSE: certificate #1") != NULL, "%s", r.log);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-dup"), P("dup-a")) == WT_ERR_CERT_PURPOSE);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-dup"), P("dup-b"), P("dup-a")) == 0);
	CHECK(r.res.paths_tried == 1);
	/* key rollover: the self-issued certificate is chosen by the key that verifies and does
	   not count toward the old root's pathLenConstraint 1 */
	path_store(&s, "roll-old", (const char *)NULL);
	CHECKF(VERIFY(&r, &s, "localhost", T2030, P("leaf-roll"), P("roll-inter"), P("roll-new")) == 0, "%s", r.detail);
	CHECK(r.res.path_len == 4 && r.res.path[1] == 1 && r.res.path[2] == 2 && r.res.path[3] == -1);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-roll"), P("roll-inter")) == WT_ERR_UNKNOWN_CA);
	HAS("whose key does not verify it");
	/* two anchors with one name: the one whose key verifies is used */
	path_store(&s, "root-twin", "root", (const char *)NULL);
	CHECKF(VERIFY(&r, &s, "localhost", T2030, P("leaf"), P("inter")) == 0, "%s", r.detail);
	CHECK(r.res.path_len == 3 && r.res.path[2] == -2);
	CHECKF(strstr(r.log, "#0 > #1 > ca[0]: UNKNOWN_CA") != NULL, "%s", r.log);
	/* an anchor reachable two ways: directly and through a sent copy of itself */
	path_store(&s, "root", (const char *)NULL);
	CHECKF(VERIFY(&r, &s, "localhost", T2030, P("leaf"), P("inter"), P("root")) == 0, "%s", r.detail);
	CHECK(r.res.path_len == 3);

	/* 5. trust anchors are checked as certificates */
	path_store(&s, "root-expired", (const char *)NULL);
	CHECKF(VERIFY(&r, &s, "localhost", INT64_C(1104537600), P("leaf-rexp"), P("inter-rexp")) == 0, "%s", r.detail);  /* 2005 */
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-rexp"), P("inter-rexp")) == WT_ERR_CERT_EXPIRED);
	HAS("the trust anchor ca[0] (\"O=wasmtls path test, CN=Expired Root\") itself expired on 2010-01-01T00:00:00Z");
	path_store(&s, "root-crit", (const char *)NULL);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-rcrit"), P("inter-rcrit")) == WT_ERR_BAD_CERTIFICATE);
	HAS("CN=Crit Root\") has an unknown critical extension");
	path_store(&s, "root-nobc", (const char *)NULL);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-rnobc"), P("inter-rnobc")) == WT_ERR_BAD_CERTIFICATE);
	HAS("without basicConstraints CA:TRUE");
	path_store(&s, "root-rsa1024", (const char *)NULL);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-r1024"), P("inter-r1024")) == WT_ERR_WEAK_CERTIFICATE);
	HAS("CN=RSA1024 Root\") has a 1024-bit RSA key");

	/* 6. structure rules */
	path_store(&s, "root", (const char *)NULL);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-aki-crit"), P("inter")) == WT_ERR_BAD_CERTIFICATE);
	HAS("marks authorityKeyIdentifier critical");
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-ski-crit"), P("inter")) == WT_ERR_BAD_CERTIFICATE);
	HAS("marks subjectKeyIdentifier critical");
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-certsign"), P("inter")) == WT_ERR_BAD_CERTIFICATE);
	HAS("keyCertSign but is not a CA");
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-aia-bad"), P("inter")) == WT_ERR_BAD_CERTIFICATE);
	HAS("malformed authorityInformationAccess");
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-aia-bad-crit"), P("inter")) == WT_ERR_BAD_CERTIFICATE);
	HAS("malformed authorityInformationAccess");
	CHECKF(VERIFY(&r, &s, "localhost", T2030, P("leaf-aia-ok"), P("inter")) == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-empty"), P("inter")) == WT_ERR_BAD_CERTIFICATE);
	HAS("(empty name)) has an empty subject without a critical subjectAltName");
	CHECKF(VERIFY(&r, &s, "localhost", T2030, P("leaf-empty-crit"), P("inter")) == 0, "%s", r.detail);
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("leaf-under-empty"), P("ca-empty")) == WT_ERR_BAD_CERTIFICATE);
	HAS("is a CA with an empty subject");
	CHECK(VERIFY(&r, &s, "localhost", T2030, P("inter")) == WT_ERR_BAD_CERTIFICATE);   /* a CA as the leaf */
	HAS("used as the end-entity certificate");
	/* a self-signed CA:FALSE certificate trusted as its own anchor still works */
	path_store(&s, "self-leaf", (const char *)NULL);
	CHECKF(VERIFY(&r, &s, "localhost", T2030, P("self-leaf")) == 0, "%s", r.detail);
	CHECK(r.res.path_len == 2 && r.res.path[0] == 0 && r.res.path[1] == -1);
#undef HAS
#undef T2030
}

/* ------------------------------------- caller-allocated growth, PEM chains */

/* Issue 17 item 5: the arena move and PEM chain decoding that wasm/ used to do, now in src/. */
static void
test_trust_growth_and_pem_chain(void)
{
	store s;
	store_init(&s);
	CHECK(wt_trust_arena_need(&s.ts, 1000) == s.ts.arena_used + 2064);
	CHECK(wt_trust_slots_need(&s.ts, 6400, 1024) == 101 && wt_trust_slots_need(&s.ts, 640000, 1024) == 1024);
	CHECK(wt_trust_add(&s.ts, f_bundle.data, f_bundle.len) == 2);
	size_t used = s.ts.arena_used;
	static uint8_t moved[8192];
	uint8_t *old = wt_trust_move_arena(&s.ts, moved, sizeof moved);
	CHECK(old == s.arena && s.ts.arena == moved && s.ts.arena_len == sizeof moved && s.ts.arena_used == used);
	int wiped = 1;
	for (size_t i = 0; i < used; i++) wiped &= s.arena[i] == 0;
	CHECKF(wiped, "the old arena is wiped");
	for (size_t i = 0; i < s.ts.num; i++) {
		const br_x509_trust_anchor *ta = &s.anchors[i];
		const uint8_t *k = ta->pkey.key_type == BR_KEYTYPE_RSA ? ta->pkey.key.rsa.n : ta->pkey.key.ec.q;
		CHECKF(ta->dn.data >= moved && ta->dn.data < moved + used && k >= moved && k < moved + used,
			"anchor %zu points into the new arena", i);
	}
	vres r;
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_root2) == 0, "moved store verifies: %s", r.detail);
	CHECKF(VERIFY(&r, &s, "localhost", T_2030_01_01, &f_leaf_ec, &f_inter) == 0, "%s", r.detail);
	br_x509_trust_anchor copy[8];
	memcpy(copy, s.anchors, sizeof copy);
	wt_trust_set_arrays(&s.ts, copy, s.info, 8);
	CHECK(s.ts.anchors == copy && s.ts.max == 8);

#define U24(p) (((size_t)(p)[0] << 16) | ((size_t)(p)[1] << 8) | (p)[2])
	/* PEM chain: the bundle holds root2, a foreign block, text and root: two certificates, in order */
	static uint8_t out[16384];
	size_t n = 0;
	CHECK(wt_pem_chain_decode(f_bundle.data, f_bundle.len, out, sizeof out, &n) == 2);
	CHECK(n == 6 + f_root2.len + f_root.len);
	CHECK(U24(out) == f_root2.len && memcmp(out + 3, f_root2.data, f_root2.len) == 0);
	CHECK(U24(out + 3 + f_root2.len) == f_root.len && memcmp(out + 6 + f_root2.len, f_root.data, f_root.len) == 0);
	CHECK(wt_pem_chain_decode(f_root.data, f_root.len, out, sizeof out, &n) == 1 && n == 3 + f_root.len);
	CHECK(wt_pem_chain_decode(f_bundle.data, f_bundle.len, out, f_root2.len + 10, &n) == -WT_ERR_BUFFER_TOO_SMALL);
	CHECK(wt_pem_chain_decode(f_root.data, f_root.len, out, f_root.len + 2, &n) == -WT_ERR_BUFFER_TOO_SMALL);
	static const char junk[] = "no certificate here\n";
	CHECK(wt_pem_chain_decode((const uint8_t *)junk, strlen(junk), out, sizeof out, &n) == -WT_ERR_BAD_ARGUMENT && n == 0);
}

int
main(int argc, char **argv)
{
	root_dir = argc > 1 ? argv[1] : WT_SOURCE_DIR;
	load_all();
	test_ip_parse();
	test_cert_parse();
	test_matches_host();
	test_trust();
	test_verify();
	test_trust_boundary();
	test_path_validation();
	test_trust_growth_and_pem_chain();
	return WT_TEST_SUMMARY();
}
