/*
 * test_crypto_vectors.c — Wycheproof vectors through the wasmtls crypto
 * wrappers (wt_hkdf.c, wt_aead.c, wt_kex.c, wt_sig_verify.c), plus a few direct
 * checks of behaviour the vectors do not cover (key generation, RNG
 * failure, argument validation, DER strictness).
 *
 * Verdicts: "valid" must be accepted, "invalid" must be rejected,
 * "acceptable" may go either way (counted and printed, never a failure).
 * Vectors outside what the wrappers implement (e.g. AES-192, IVs other
 * than 96 bits) are counted as skipped.
 *
 * Vectors are read from <root>/tests/vectors/wycheproof, where <root> is
 * argv[1] if given (a repo root or the vectors directory itself), else
 * the compile-time WT_SOURCE_DIR (a string literal).
 *
 * Test-only code: it reads whole files into heap buffers and keeps big
 * scratch buffers static to stay light on the (WASM) stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wt_crypto.h"
#include "wt_bytes.h"
#include "wt_error.h"
#include "wt_json.h"
#include "wt_test.h"

/* ------------------------------------------------------------ plumbing */

static char vec_dir[1024];

typedef struct {
	const char *name;
	int pass;        /* valid/invalid vectors with the expected verdict */
	int fail;        /* mismatches */
	int skip;        /* not applicable to our wrappers */
	int acc_yes;     /* "acceptable", and we accepted */
	int acc_no;      /* "acceptable", and we rejected */
} stats;

enum { R_VALID, R_INVALID, R_ACCEPTABLE, R_UNKNOWN };

static int
result_of(wt_json t)
{
	wt_json r;

	if (wt_json_get(t, "result", &r) != 0) return R_UNKNOWN;
	if (wt_json_is(r, "valid")) return R_VALID;
	if (wt_json_is(r, "invalid")) return R_INVALID;
	if (wt_json_is(r, "acceptable")) return R_ACCEPTABLE;
	return R_UNKNOWN;
}

static long
tc_id(wt_json t)
{
	wt_json v;
	long id = -1;

	if (wt_json_get(t, "tcId", &v) == 0) wt_json_int(v, &id);
	return id;
}

/* Record one verdict: `accepted` is what our code did. */
static void
verdict(stats *st, wt_json t, int accepted)
{
	int r = result_of(t);

	switch (r) {
	case R_VALID:
	case R_INVALID:
		if (accepted == (r == R_VALID)) {
			st->pass ++;
		} else {
			st->fail ++;
			fprintf(stderr, "  %s tcId %ld: expected %s, got %s\n",
				st->name, tc_id(t), r == R_VALID ? "valid" : "invalid",
				accepted ? "accept" : "reject");
		}
		break;
	case R_ACCEPTABLE:
		if (accepted) st->acc_yes ++; else st->acc_no ++;
		break;
	default:
		st->fail ++;
		fprintf(stderr, "  %s tcId %ld: unknown result\n", st->name, tc_id(t));
		break;
	}
}

static void
report(const stats *st)
{
	printf("%-40s pass %4d  skip %4d  acceptable %3d (accepted %d, rejected %d)  FAIL %d\n",
		st->name, st->pass, st->skip, st->acc_yes + st->acc_no,
		st->acc_yes, st->acc_no, st->fail);
	CHECKF(st->fail == 0, "%s: %d mismatches", st->name, st->fail);
	CHECKF(st->pass > 0, "%s: no vector ran", st->name);
}

/* Read a whole vector file; NULL (and a failed CHECK) if unreadable. */
static char *
load(const char *name, size_t *len)
{
	char path[1200];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/%s", vec_dir, name);
	f = fopen(path, "rb");
	CHECKF(f != NULL, "cannot open %s", path);
	if (f == NULL) return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = n > 0 ? malloc((size_t)n) : NULL;
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		CHECKF(0, "cannot read %s", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * Open a vector file and return its "testGroups" array. The caller frees
 * *text when done.
 */
static int
open_groups(const char *name, char **text, wt_json *groups)
{
	size_t len;
	wt_json root;

	*text = load(name, &len);
	if (*text == NULL) return -1;
	if (wt_json_parse(*text, len, &root) != 0
		|| wt_json_get(root, "testGroups", groups) != 0
		|| groups->type != WT_JSON_ARRAY)
	{
		CHECKF(0, "%s: malformed JSON", name);
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

/* Hex field `key` of object `o` into buf; -1 (and a failed CHECK) if absent. */
static long
hexf(wt_json o, const char *key, uint8_t *buf, size_t cap)
{
	wt_json v;
	long n = -1;

	if (wt_json_get(o, key, &v) == 0) n = wt_json_hex(v, buf, cap);
	CHECKF(n >= 0, "field %s (tcId %ld)", key, tc_id(o));
	return n;
}

static long
intf(wt_json o, const char *key)
{
	wt_json v;
	long n = -1;

	if (wt_json_get(o, key, &v) != 0 || wt_json_int(v, &n) != 0) n = -1;
	return n;
}

static const br_hash_class *
hash_by_name(wt_json o, const char *key)
{
	wt_json v;

	if (wt_json_get(o, key, &v) != 0) return NULL;
	if (wt_json_is(v, "SHA-256")) return &br_sha256_vtable;
	if (wt_json_is(v, "SHA-384")) return &br_sha384_vtable;
	if (wt_json_is(v, "SHA-512")) return &br_sha512_vtable;
	return NULL;
}

static size_t
hash_len(const br_hash_class *hf)
{
	return (size_t)((hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
}

static void
hash_msg(const br_hash_class *hf, const uint8_t *m, size_t n, uint8_t *out)
{
	br_hash_compat_context hc;

	hf->init(&hc.vtable);
	hf->update(&hc.vtable, m, n);
	hf->out(&hc.vtable, out);
}

/* Scratch buffers (large enough for every vector field used). */
#define BUFSZ 16384
static uint8_t b_key[BUFSZ], b_iv[BUFSZ], b_aad[BUFSZ], b_msg[BUFSZ];
static uint8_t b_ct[BUFSZ], b_tag[BUFSZ], b_out[BUFSZ], b_exp[BUFSZ];

/* ---------------------------------------------------------------- AEAD */

static void
test_aead(const char *file, int chacha)
{
	stats st = { file, 0, 0, 0, 0, 0 };
	char *text;
	wt_json groups, g, tests, t;
	wt_json_iter gi, ti;

	if (open_groups(file, &text, &groups) != 0) return;
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		long iv_bits = intf(g, "ivSize"), tag_bits = intf(g, "tagSize");
		long key_bits = intf(g, "keySize");
		wt_aead_alg alg = chacha ? WT_AEAD_CHACHA20_POLY1305
			: key_bits == 128 ? WT_AEAD_AES_128_GCM
			: key_bits == 256 ? WT_AEAD_AES_256_GCM : WT_AEAD_NONE;
		int applicable = iv_bits == 96 && tag_bits == 128 && alg != WT_AEAD_NONE;

		if (wt_json_get(g, "tests", &tests) != 0) continue;
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long kl, ivl, al, ml, cl, tl;
			wt_aead_key k;
			uint8_t tag[WT_AEAD_TAG_LEN];
			int ok_seal, ok_open;

			if (!applicable) {
				st.skip ++;
				continue;
			}
			kl = hexf(t, "key", b_key, BUFSZ);
			ivl = hexf(t, "iv", b_iv, BUFSZ);
			al = hexf(t, "aad", b_aad, BUFSZ);
			ml = hexf(t, "msg", b_msg, BUFSZ);
			cl = hexf(t, "ct", b_ct, BUFSZ);
			tl = hexf(t, "tag", b_tag, BUFSZ);
			if (kl < 0 || ivl != 12 || al < 0 || ml < 0 || cl != ml || tl != 16) {
				st.fail ++;
				continue;
			}
			if (wt_aead_init(&k, alg, b_key, (size_t)kl) != 0) {
				st.fail ++;
				continue;
			}
			/* Seal msg: must reproduce ct || tag (only meaningful for valid). */
			memcpy(b_out, b_msg, (size_t)ml);
			wt_aead_seal(&k, b_iv, al ? b_aad : NULL, (size_t)al, b_out, (size_t)ml, tag);
			ok_seal = memcmp(b_out, b_ct, (size_t)ml) == 0 && memcmp(tag, b_tag, 16) == 0;
			/* Open ct with the vector's tag. */
			memcpy(b_out, b_ct, (size_t)cl);
			ok_open = wt_aead_open(&k, b_iv, al ? b_aad : NULL, (size_t)al,
				b_out, (size_t)cl, b_tag);
			if (ok_open) {
				CHECKF(memcmp(b_out, b_msg, (size_t)ml) == 0,
					"%s tcId %ld: wrong plaintext", file, tc_id(t));
			}
			if (result_of(t) == R_VALID) {
				CHECKF(ok_seal, "%s tcId %ld: seal mismatch", file, tc_id(t));
			}
			wt_aead_wipe(&k);
			verdict(&st, t, ok_open);
		}
	}
	free(text);
	report(&st);
}

/* -------------------------------------------------------------- X25519 */

static void
test_x25519(void)
{
	stats st = { "x25519_test.json", 0, 0, 0, 0, 0 };
	char *text;
	wt_json groups, g, tests, t;
	wt_json_iter gi, ti;

	if (open_groups(st.name, &text, &groups) != 0) return;
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		wt_json c;

		if (wt_json_get(g, "curve", &c) != 0 || !wt_json_is(c, "curve25519")
			|| wt_json_get(g, "tests", &tests) != 0)
		{
			continue;
		}
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long pl, ql, sl;
			wt_kex kx;
			uint8_t shared[64];
			size_t shared_len = 0;
			int rc, ok;

			pl = hexf(t, "private", b_key, BUFSZ);
			ql = hexf(t, "public", b_msg, BUFSZ);
			sl = hexf(t, "shared", b_exp, BUFSZ);
			if (pl < 0 || ql < 0 || sl < 0) {
				st.fail ++;
				continue;
			}
			rc = wt_kex_set_private(&kx, WT_GROUP_X25519, b_key, (size_t)pl);
			if (rc != 0) {
				verdict(&st, t, 0);
				continue;
			}
			rc = wt_kex_derive(&kx, b_msg, (size_t)ql, shared, &shared_len);
			CHECK(rc == 0 || rc == WT_ERR_ILLEGAL_PARAMETER);
			ok = rc == 0;
			if (ok) {
				/* When we accept, the value must be the right one. */
				CHECKF(shared_len == (size_t)sl && memcmp(shared, b_exp, (size_t)sl) == 0,
					"x25519 tcId %ld: wrong shared secret", tc_id(t));
			}
			wt_kex_wipe(&kx);
			verdict(&st, t, ok);
		}
	}
	free(text);
	report(&st);
}

/* ---------------------------------------------------- ECDH (NIST, raw) */

static void
test_ecdh_point(const char *file, uint16_t group, size_t flen)
{
	stats st = { file, 0, 0, 0, 0, 0 };
	char *text;
	wt_json groups, g, tests, t;
	wt_json_iter gi, ti;

	if (open_groups(file, &text, &groups) != 0) return;
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		if (wt_json_get(g, "tests", &tests) != 0) continue;
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long pl, ql, sl;
			uint8_t priv[48], shared[64];
			size_t shared_len = 0, off = 0;
			wt_kex kx;
			int rc, ok;

			pl = hexf(t, "private", b_key, BUFSZ);
			ql = hexf(t, "public", b_msg, BUFSZ);
			sl = hexf(t, "shared", b_exp, BUFSZ);
			if (pl < 0 || ql < 0 || sl < 0) {
				st.fail ++;
				continue;
			}
			/* Wycheproof scalars are ASN.1-style: strip/pad to flen. */
			while (off < (size_t)pl && b_key[off] == 0) off ++;
			if ((size_t)pl - off > flen) {
				st.skip ++;
				continue;
			}
			memset(priv, 0, sizeof priv);
			memcpy(priv + flen - ((size_t)pl - off), b_key + off, (size_t)pl - off);
			rc = wt_kex_set_private(&kx, group, priv, flen);
			CHECKF(rc == 0, "%s tcId %ld: private key refused", file, tc_id(t));
			if (rc != 0) {
				st.fail ++;
				continue;
			}
			rc = wt_kex_derive(&kx, b_msg, (size_t)ql, shared, &shared_len);
			CHECK(rc == 0 || rc == WT_ERR_ILLEGAL_PARAMETER);
			ok = rc == 0;
			if (ok) {
				CHECKF(shared_len == (size_t)sl && memcmp(shared, b_exp, (size_t)sl) == 0,
					"%s tcId %ld: wrong shared secret", file, tc_id(t));
			}
			wt_kex_wipe(&kx);
			verdict(&st, t, ok);
		}
	}
	free(text);
	report(&st);
}

/* --------------------------------------------------------------- ECDSA */

static void
test_ecdsa(const char *file, int curve, uint16_t scheme)
{
	stats st = { file, 0, 0, 0, 0, 0 };
	char *text;
	wt_json groups, g, tests, t, pkj;
	wt_json_iter gi, ti;
	static uint8_t q[160];

	if (open_groups(file, &text, &groups) != 0) return;
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		br_x509_pkey pk;
		long qlen;

		if (wt_json_get(g, "publicKey", &pkj) != 0
			|| wt_json_get(g, "tests", &tests) != 0)
		{
			continue;
		}
		qlen = hexf(pkj, "uncompressed", q, sizeof q);
		if (qlen <= 0) continue;
		pk.key_type = BR_KEYTYPE_EC;
		pk.key.ec.curve = curve;
		pk.key.ec.q = q;
		pk.key.ec.qlen = (size_t)qlen;
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long ml = hexf(t, "msg", b_msg, BUFSZ);
			long sl = hexf(t, "sig", b_ct, BUFSZ);
			int rc;

			if (ml < 0 || sl < 0) {
				st.fail ++;
				continue;
			}
			rc = wt_sig_verify(scheme, &pk, b_msg, (size_t)ml, b_ct, (size_t)sl);
			CHECK(rc == 0 || rc == WT_ERR_BAD_SIGNATURE);
			verdict(&st, t, rc == 0);
		}
	}
	free(text);
	report(&st);
}

/* ----------------------------------------------------------------- RSA */

/* Build an RSA key from a group's publicKey {modulus, publicExponent}. */
static int
rsa_key(wt_json g, br_rsa_public_key *pk, uint8_t *nbuf, uint8_t *ebuf)
{
	wt_json pkj;
	long nl, el;

	if (wt_json_get(g, "publicKey", &pkj) != 0) return -1;
	nl = hexf(pkj, "modulus", nbuf, 1100);
	el = hexf(pkj, "publicExponent", ebuf, 16);
	if (nl <= 0 || el <= 0) return -1;
	pk->n = nbuf;
	pk->nlen = (size_t)nl;
	pk->e = ebuf;
	pk->elen = (size_t)el;
	return 0;
}

static void
test_rsa_pss(const char *file)
{
	stats st = { file, 0, 0, 0, 0, 0 };
	char *text;
	wt_json groups, g, tests, t, mgf;
	wt_json_iter gi, ti;
	static uint8_t nbuf[1100], ebuf[16];

	if (open_groups(file, &text, &groups) != 0) return;
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		br_x509_pkey xk;
		const br_hash_class *hf = hash_by_name(g, "sha");
		const br_hash_class *mf = hash_by_name(g, "mgfSha");
		long slen = intf(g, "sLen");
		uint16_t scheme = 0;
		size_t hl;

		if (wt_json_get(g, "tests", &tests) != 0) continue;
		if (hf == NULL || mf != hf || slen < 0
			|| wt_json_get(g, "mgf", &mgf) != 0 || !wt_json_is(mgf, "MGF1")
			|| rsa_key(g, &xk.key.rsa, nbuf, ebuf) != 0)
		{
			ti = wt_json_iter_of(tests);
			while (wt_json_next(&ti, NULL, &t)) st.skip ++;
			continue;
		}
		xk.key_type = BR_KEYTYPE_RSA;
		hl = hash_len(hf);
		/* TLS 1.3 fixes sLen = hLen: cross-check wt_sig_verify too. */
		if ((size_t)slen == hl) {
			scheme = hf == &br_sha256_vtable ? WT_SIG_RSA_PSS_RSAE_SHA256
				: hf == &br_sha384_vtable ? WT_SIG_RSA_PSS_RSAE_SHA384
				: WT_SIG_RSA_PSS_RSAE_SHA512;
		}
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long ml = hexf(t, "msg", b_msg, BUFSZ);
			long sl = hexf(t, "sig", b_ct, BUFSZ);
			uint8_t h[WT_MAX_HASH_LEN];
			int ok;

			if (ml < 0 || sl < 0) {
				st.fail ++;
				continue;
			}
			hash_msg(hf, b_msg, (size_t)ml, h);
			ok = wt_rsa_pss_verify(&xk.key.rsa, hf, h, hl, (size_t)slen,
				b_ct, (size_t)sl);
			CHECK(ok == 0 || ok == 1);
			if (scheme) {
				int rc = wt_sig_verify(scheme, &xk, b_msg, (size_t)ml,
					b_ct, (size_t)sl);
				CHECKF((rc == 0) == ok, "%s tcId %ld: wt_sig_verify disagrees",
					file, tc_id(t));
			}
			verdict(&st, t, ok);
		}
	}
	free(text);
	report(&st);
}

static void
test_rsa_pkcs1(const char *file)
{
	stats st = { file, 0, 0, 0, 0, 0 };
	char *text;
	wt_json groups, g, tests, t;
	wt_json_iter gi, ti;
	static uint8_t nbuf[1100], ebuf[16];

	if (open_groups(file, &text, &groups) != 0) return;
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		br_x509_pkey xk;

		if (wt_json_get(g, "tests", &tests) != 0) continue;
		if (hash_by_name(g, "sha") != &br_sha256_vtable
			|| rsa_key(g, &xk.key.rsa, nbuf, ebuf) != 0)
		{
			ti = wt_json_iter_of(tests);
			while (wt_json_next(&ti, NULL, &t)) st.skip ++;
			continue;
		}
		xk.key_type = BR_KEYTYPE_RSA;
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long ml = hexf(t, "msg", b_msg, BUFSZ);
			long sl = hexf(t, "sig", b_ct, BUFSZ);
			int rc;

			if (ml < 0 || sl < 0) {
				st.fail ++;
				continue;
			}
			rc = wt_sig_verify(WT_SIG_RSA_PKCS1_SHA256, &xk, b_msg, (size_t)ml,
				b_ct, (size_t)sl);
			CHECK(rc == 0 || rc == WT_ERR_BAD_SIGNATURE);
			verdict(&st, t, rc == 0);
		}
	}
	free(text);
	report(&st);
}

/* ---------------------------------------------------------- HKDF, HMAC */

static void
test_hkdf(const char *file, const br_hash_class *hf)
{
	stats st = { file, 0, 0, 0, 0, 0 };
	char *text;
	wt_json groups, g, tests, t;
	wt_json_iter gi, ti;

	if (open_groups(file, &text, &groups) != 0) return;
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		if (wt_json_get(g, "tests", &tests) != 0) continue;
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long il = hexf(t, "ikm", b_key, BUFSZ);
			long sl = hexf(t, "salt", b_iv, BUFSZ);
			long nl = hexf(t, "info", b_aad, BUFSZ);
			long ol = hexf(t, "okm", b_exp, BUFSZ);
			long size = intf(t, "size");
			uint8_t prk[WT_MAX_HASH_LEN];
			int rc, ok;

			if (il < 0 || sl < 0 || nl < 0 || ol < 0 || size < 0 || size > BUFSZ) {
				st.fail ++;
				continue;
			}
			wt_hkdf_extract(hf, sl ? b_iv : NULL, (size_t)sl, b_key, (size_t)il, prk);
			memset(b_out, 0xA5, (size_t)size);
			rc = wt_hkdf_expand(hf, prk, hash_len(hf), b_aad, (size_t)nl,
				b_out, (size_t)size);
			CHECK(rc == 0 || rc == -1);
			if (rc != 0) {
				/* Nothing may have been written. */
				size_t i;
				int untouched = 1;
				for (i = 0; i < (size_t)size; i ++) untouched &= b_out[i] == 0xA5;
				CHECKF(untouched, "%s tcId %ld: output written on error", file, tc_id(t));
			}
			ok = rc == 0 && size == ol && memcmp(b_out, b_exp, (size_t)ol) == 0;
			verdict(&st, t, ok);
		}
	}
	free(text);
	report(&st);
}

static void
test_hmac(const char *file, const br_hash_class *hf)
{
	stats st = { file, 0, 0, 0, 0, 0 };
	char *text;
	wt_json groups, g, tests, t;
	wt_json_iter gi, ti;

	if (open_groups(file, &text, &groups) != 0) return;
	gi = wt_json_iter_of(groups);
	while (wt_json_next(&gi, NULL, &g)) {
		long tag_bits = intf(g, "tagSize");

		if (wt_json_get(g, "tests", &tests) != 0) continue;
		ti = wt_json_iter_of(tests);
		while (wt_json_next(&ti, NULL, &t)) {
			long kl = hexf(t, "key", b_key, BUFSZ);
			long ml = hexf(t, "msg", b_msg, BUFSZ);
			long tl = hexf(t, "tag", b_tag, BUFSZ);
			uint8_t mac[WT_MAX_HASH_LEN];

			if (kl < 0 || ml < 0 || tl < 0 || tag_bits <= 0 || tag_bits % 8
				|| (size_t)tag_bits / 8 > hash_len(hf))
			{
				st.skip ++;
				continue;
			}
			wt_hmac(hf, kl ? b_key : NULL, (size_t)kl, ml ? b_msg : NULL,
				(size_t)ml, mac);
			/* Truncated tags: compare the prefix. */
			verdict(&st, t, tl == tag_bits / 8
				&& wt_ct_equal(mac, b_tag, (size_t)tl));
		}
	}
	free(text);
	report(&st);
}

/* ----------------------------------------------- direct (non-vector) */

/* Deterministic test RNG: SHA-256 in counter mode over a seed. */
typedef struct {
	uint8_t seed;
	uint32_t ctr;
	int fail;       /* return failure */
	int constant;   /* -1: real output; else every byte = constant */
} test_rng;

static int
rng_fn(void *ctx, uint8_t *out, size_t len)
{
	test_rng *r = ctx;

	if (r->fail) return -1;
	while (len) {
		uint8_t blk[32], in[5];
		size_t n = len < 32 ? len : 32;

		if (r->constant >= 0) {
			memset(out, r->constant, n);
		} else {
			in[0] = r->seed;
			in[1] = (uint8_t)(r->ctr >> 24); in[2] = (uint8_t)(r->ctr >> 16);
			in[3] = (uint8_t)(r->ctr >> 8);  in[4] = (uint8_t)r->ctr;
			r->ctr ++;
			hash_msg(&br_sha256_vtable, in, 5, blk);
			memcpy(out, blk, n);
		}
		out += n;
		len -= n;
	}
	return 0;
}

static void
test_kex_direct(void)
{
	static const uint16_t groups[] = {
		WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1
	};
	size_t i;

	CHECK(!wt_kex_supported(0x0019));   /* secp521r1: not offered */
	CHECK(!wt_kex_supported(0x001e));   /* x448 */
	for (i = 0; i < sizeof groups / sizeof groups[0]; i ++) {
		test_rng ra = { 1, 0, 0, -1 }, rb = { 2, 0, 0, -1 };
		wt_kex a, b;
		uint8_t sa[64], sb[64], bad[97];
		size_t la = 0, lb = 0;

		CHECK(wt_kex_supported(groups[i]));
		CHECK(wt_kex_generate(&a, groups[i], rng_fn, &ra) == 0);
		CHECK(wt_kex_generate(&b, groups[i], rng_fn, &rb) == 0);
		CHECK(a.pub_len == (groups[i] == WT_GROUP_X25519 ? 32u
			: groups[i] == WT_GROUP_SECP256R1 ? 65u : 97u));
		CHECK(wt_kex_derive(&a, b.pub, b.pub_len, sa, &la) == 0);
		CHECK(wt_kex_derive(&b, a.pub, a.pub_len, sb, &lb) == 0);
		CHECK(la == lb && la == (groups[i] == WT_GROUP_SECP384R1 ? 48u : 32u));
		CHECK(memcmp(sa, sb, la) == 0);
		/* Truncated and over-long peer values. */
		CHECK(wt_kex_derive(&a, b.pub, b.pub_len - 1, sa, &la) == WT_ERR_ILLEGAL_PARAMETER);
		memset(bad, 0, sizeof bad);
		memcpy(bad, b.pub, b.pub_len);
		if (b.pub_len < sizeof bad) {
			CHECK(wt_kex_derive(&a, bad, b.pub_len + 1, sa, &la) == WT_ERR_ILLEGAL_PARAMETER);
		}
		if (groups[i] != WT_GROUP_X25519) {
			/* Compressed / hybrid prefixes and an off-curve point. */
			bad[0] = 0x02;
			CHECK(wt_kex_derive(&a, bad, b.pub_len, sa, &la) == WT_ERR_ILLEGAL_PARAMETER);
			bad[0] = 0x04;
			bad[b.pub_len - 1] ^= 1;
			CHECK(wt_kex_derive(&a, bad, b.pub_len, sa, &la) == WT_ERR_ILLEGAL_PARAMETER);
		} else {
			/* u = 0 is low order: all-zero shared secret, rejected. */
			memset(bad, 0, 32);
			CHECK(wt_kex_derive(&a, bad, 32, sa, &la) == WT_ERR_ILLEGAL_PARAMETER);
		}
		/* A failing RNG. */
		{
			test_rng rf = { 3, 0, 1, -1 };
			CHECK(wt_kex_generate(&a, groups[i], rng_fn, &rf) == WT_ERR_RNG_FAILURE);
		}
		/* NIST: scalars 0 and 0xFF..FF (>= n) are redrawn, then give up. */
		if (groups[i] != WT_GROUP_X25519) {
			test_rng r0 = { 4, 0, 0, 0x00 }, r1 = { 5, 0, 0, 0xFF };
			uint8_t z[48];
			size_t fl = groups[i] == WT_GROUP_SECP256R1 ? 32 : 48;

			CHECK(wt_kex_generate(&a, groups[i], rng_fn, &r0) == WT_ERR_RNG_FAILURE);
			CHECK(wt_kex_generate(&a, groups[i], rng_fn, &r1) == WT_ERR_RNG_FAILURE);
			memset(z, 0, sizeof z);
			CHECK(wt_kex_set_private(&a, groups[i], z, fl) == WT_ERR_BAD_ARGUMENT);
			memset(z, 0xFF, sizeof z);
			CHECK(wt_kex_set_private(&a, groups[i], z, fl) == WT_ERR_BAD_ARGUMENT);
			z[fl - 1] = 0;
			CHECK(wt_kex_set_private(&a, groups[i], z, fl - 1) == WT_ERR_BAD_ARGUMENT);
		}
		wt_kex_wipe(&a);
		wt_kex_wipe(&b);
	}
	{
		test_rng r = { 6, 0, 0, -1 };
		wt_kex a;
		uint8_t k[32] = { 1 };
		CHECK(wt_kex_generate(&a, 0x0019, rng_fn, &r) == WT_ERR_BAD_ARGUMENT);
		CHECK(wt_kex_set_private(&a, WT_GROUP_X25519, k, 31) == WT_ERR_BAD_ARGUMENT);
	}
	/* RFC 7748 §6.1 test vector (Alice and Bob). */
	{
		static const uint8_t a_priv[32] = {
			0x77,0x07,0x6d,0x0a,0x73,0x18,0xa5,0x7d,0x3c,0x16,0xc1,0x72,0x51,0xb2,0x66,0x45,
			0xdf,0x4c,0x2f,0x87,0xeb,0xc0,0x99,0x2a,0xb1,0x77,0xfb,0xa5,0x1d,0xb9,0x2c,0x2a };
		static const uint8_t a_pub[32] = {
			0x85,0x20,0xf0,0x09,0x89,0x30,0xa7,0x54,0x74,0x8b,0x7d,0xdc,0xb4,0x3e,0xf7,0x5a,
			0x0d,0xbf,0x3a,0x0d,0x26,0x38,0x1a,0xf4,0xeb,0xa4,0xa9,0x8e,0xaa,0x9b,0x4e,0x6a };
		wt_kex a;
		CHECK(wt_kex_set_private(&a, WT_GROUP_X25519, a_priv, 32) == 0);
		CHECK(a.pub_len == 32 && memcmp(a.pub, a_pub, 32) == 0);
		wt_kex_wipe(&a);
	}
}

static void
test_der_direct(void)
{
	uint8_t raw[64];
	/* r = 1, s = 0x80 (needs the 0x00 sign byte). */
	static const uint8_t good[] = { 0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80 };
	static const uint8_t nonmin_int[] = { 0x30, 0x08, 0x02, 0x02, 0x00, 0x01, 0x02, 0x02, 0x00, 0x80 };
	static const uint8_t negative[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x80 };
	static const uint8_t long_len[] = { 0x30, 0x81, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80 };
	static const uint8_t trailing[] = { 0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80, 0x00 };
	static const uint8_t inner_trailing[] = { 0x30, 0x08, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80, 0x00 };
	static const uint8_t empty_int[] = { 0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01 };
	static const uint8_t indefinite[] = { 0x30, 0x80, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00, 0x00 };
	static const uint8_t wrong_tag[] = { 0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };

	CHECK(wt_ecdsa_der_to_raw(good, sizeof good, raw, 32) == 64);
	CHECK(raw[31] == 1 && raw[63] == 0x80 && raw[62] == 0 && raw[0] == 0);
	CHECK(wt_ecdsa_der_to_raw(good, sizeof good, raw, 1) == 2);
	CHECK(wt_ecdsa_der_to_raw(nonmin_int, sizeof nonmin_int, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(negative, sizeof negative, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(long_len, sizeof long_len, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(trailing, sizeof trailing, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(inner_trailing, sizeof inner_trailing, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(empty_int, sizeof empty_int, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(indefinite, sizeof indefinite, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(wrong_tag, sizeof wrong_tag, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(good, sizeof good - 1, raw, 32) == 0);
	CHECK(wt_ecdsa_der_to_raw(good, 0, raw, 32) == 0);
}

static void
test_misc_direct(void)
{
	wt_aead_key k;
	uint8_t key[32] = { 0 }, prk[WT_MAX_HASH_LEN], out[8];
	br_x509_pkey xk;
	wt_pubkey pk;
	static uint8_t big[WT_RSA_MAX_BYTES + 2];

	CHECK(wt_aead_key_len(WT_AEAD_AES_128_GCM) == 16);
	CHECK(wt_aead_key_len(WT_AEAD_AES_256_GCM) == 32);
	CHECK(wt_aead_key_len(WT_AEAD_CHACHA20_POLY1305) == 32);
	CHECK(wt_aead_key_len(WT_AEAD_NONE) == 0);
	CHECK(wt_aead_init(&k, WT_AEAD_AES_128_GCM, key, 32) == -1);
	CHECK(wt_aead_init(&k, WT_AEAD_AES_256_GCM, key, 24) == -1);
	CHECK(wt_aead_init(&k, WT_AEAD_CHACHA20_POLY1305, key, 16) == -1);
	CHECK(wt_aead_init(&k, WT_AEAD_NONE, key, 0) == -1);
	/* Empty plaintext and AAD round trip. */
	{
		uint8_t tag[16], nonce[12] = { 0 };
		static const wt_aead_alg algs[] = {
			WT_AEAD_AES_128_GCM, WT_AEAD_AES_256_GCM, WT_AEAD_CHACHA20_POLY1305
		};
		size_t i;
		for (i = 0; i < 3; i ++) {
			CHECK(wt_aead_init(&k, algs[i], key, wt_aead_key_len(algs[i])) == 0);
			wt_aead_seal(&k, nonce, NULL, 0, NULL, 0, tag);
			CHECK(wt_aead_open(&k, nonce, NULL, 0, NULL, 0, tag) == 1);
			tag[0] ^= 1;
			CHECK(wt_aead_open(&k, nonce, NULL, 0, NULL, 0, tag) == 0);
			wt_aead_wipe(&k);
		}
	}
	/* HKDF: RFC 5869 A.3 (no salt, no info) and the output limit. */
	{
		static const uint8_t ikm[22] = {
			0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,
			0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b,0x0b };
		static const uint8_t okm8[8] = { 0x8d,0xa4,0xe7,0x75,0xa5,0x63,0xc1,0x8f };
		wt_hkdf_extract(&br_sha256_vtable, NULL, 0, ikm, sizeof ikm, prk);
		CHECK(wt_hkdf_expand(&br_sha256_vtable, prk, 32, NULL, 0, out, 8) == 0);
		CHECK(memcmp(out, okm8, 8) == 0);
		CHECK(wt_hkdf_expand(&br_sha256_vtable, prk, 32, NULL, 0, b_out, 255 * 32) == 0);
		CHECK(wt_hkdf_expand(&br_sha256_vtable, prk, 32, NULL, 0, b_out, 255 * 32 + 1) == -1);
	}
	/* Scheme table and key/scheme mismatches. */
	CHECK(wt_sig_hash(0x0804) == &br_sha256_vtable);
	CHECK(wt_sig_hash(0x0503) == &br_sha384_vtable);
	CHECK(wt_sig_hash(0x0601) == &br_sha512_vtable);
	CHECK(wt_sig_hash(0x0201) == NULL);   /* rsa_pkcs1_sha1: not offered */
	CHECK(wt_sig_hash(0x0807) == NULL);   /* ed25519 */
	memset(&xk, 0, sizeof xk);
	xk.key_type = BR_KEYTYPE_EC;
	xk.key.ec.curve = BR_EC_secp384r1;
	xk.key.ec.q = big;
	xk.key.ec.qlen = 97;
	CHECK(wt_sig_verify(WT_SIG_ECDSA_SECP256R1_SHA256, &xk, out, 8, out, 8) == WT_ERR_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify(WT_SIG_RSA_PSS_RSAE_SHA256, &xk, out, 8, out, 8) == WT_ERR_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify(0x0807, &xk, out, 8, out, 8) == WT_ERR_ILLEGAL_PARAMETER);
	/* Key copy: EC, RSA (leading zeros stripped), too large. */
	CHECK(wt_pubkey_copy(&pk, &xk) == 0);
	CHECK(pk.key.key.ec.q == pk.buf && pk.key.key.ec.qlen == 97 && pk.key.key.ec.curve == BR_EC_secp384r1);
	memset(big, 0x11, sizeof big);
	big[0] = 0;
	xk.key_type = BR_KEYTYPE_RSA;
	xk.key.rsa.n = big;
	xk.key.rsa.nlen = 257;
	xk.key.rsa.e = big + 300;
	xk.key.rsa.elen = 3;
	CHECK(wt_pubkey_copy(&pk, &xk) == 0);
	CHECK(pk.key.key.rsa.n == pk.buf && pk.key.key.rsa.nlen == 256 && pk.key.key.rsa.elen == 3);
	CHECK(memcmp(pk.key.key.rsa.e, big + 300, 3) == 0);
	xk.key.rsa.n = big + 1;
	xk.key.rsa.nlen = WT_RSA_MAX_BYTES + 1;
	CHECK(wt_pubkey_copy(&pk, &xk) == WT_ERR_BAD_CERTIFICATE);
}


/*
 * RSA-PSS on freshly generated keys of every modulus size mod 8 (the
 * Wycheproof files only have 2048/3072/4096-bit keys): covers the
 * emLen = k - 1 case (modBits = 1 mod 8) and the leading-bits masks.
 * Signing is EMSA-PSS-ENCODE (RFC 8017 §9.1.1) written here for the test,
 * with BearSSL's RSA private-key operation.
 *
 * Needs BearSSL's RSA keygen/private code and HMAC_DRBG, which the WASM
 * subset of BearSSL omits: define WT_TEST_NO_RSA_KEYGEN to leave it out.
 */
#ifndef WT_TEST_NO_RSA_KEYGEN
static void
test_mgf1_xor(uint8_t *d, size_t len, const br_hash_class *hf, const uint8_t *seed, size_t sl)
{
	uint8_t t[WT_MAX_HASH_LEN], in[WT_MAX_HASH_LEN + 4];
	size_t hl = hash_len(hf), u = 0, k;
	uint32_t c;

	memcpy(in, seed, sl);
	for (c = 0; u < len; c ++) {
		in[sl] = (uint8_t)(c >> 24); in[sl + 1] = (uint8_t)(c >> 16);
		in[sl + 2] = (uint8_t)(c >> 8); in[sl + 3] = (uint8_t)c;
		hash_msg(hf, in, sl + 4, t);
		for (k = 0; k < hl && u < len; k ++, u ++) d[u] ^= t[k];
	}
}

/* EM (emLen bytes, right-aligned in a k-byte buffer `x`). */
static void
pss_encode(const br_hash_class *hf, const uint8_t *mhash, const uint8_t *salt,
	size_t slen, size_t mod_bits, uint8_t *x, size_t k)
{
	size_t hl = hash_len(hf), em_bits = mod_bits - 1;
	size_t em_len = (em_bits + 7) / 8, db_len = em_len - hl - 1;
	uint8_t mp[8 + 2 * WT_MAX_HASH_LEN], *em = x + (k - em_len);

	memset(x, 0, k);
	memset(mp, 0, 8);
	memcpy(mp + 8, mhash, hl);
	memcpy(mp + 8 + hl, salt, slen);
	hash_msg(hf, mp, 8 + hl + slen, em + db_len);           /* H */
	em[db_len - slen - 1] = 0x01;                           /* PS || 01 */
	memcpy(em + db_len - slen, salt, slen);                 /* salt */
	test_mgf1_xor(em, db_len, hf, em + db_len, hl);         /* mask */
	em[0] &= (uint8_t)(0xFF >> (8 * em_len - em_bits));
	em[em_len - 1] = 0xBC;
}

/* ------------------------------------------------ the native verifier hook (wt_sig_verify.h) */

struct hook_log {
	int answer;           /* what the hook returns */
	int calls;
	uint16_t scheme;
	size_t qlen, sig_len, msg_len;
	int curve;
};

static int
test_hook(void *ctx, uint16_t scheme, const br_x509_pkey *pk, const uint8_t *msg, size_t msg_len,
	const uint8_t *sig, size_t sig_len)
{
	struct hook_log *h = ctx;
	(void)msg; (void)sig;
	h->calls ++;
	h->scheme = scheme;
	h->qlen = pk->key_type == BR_KEYTYPE_EC ? pk->key.ec.qlen : pk->key.rsa.nlen;
	h->curve = pk->key_type == BR_KEYTYPE_EC ? pk->key.ec.curve : 0;
	h->sig_len = sig_len;
	h->msg_len = msg_len;
	return h->answer;
}

static void
test_sig_hook_direct(void)
{
	static const uint8_t msg[] = "the signed bytes";
	br_ec_private_key sk;
	br_ec_public_key pub;
	uint8_t kbuf[32], pbuf[65];
	uint8_t h[32], sig[80], bad[80], ber[82];
	br_x509_pkey xk;
	struct hook_log log;
	wt_sig_native nv = { test_hook, &log, NULL };
	size_t sl;
	static const int others[] = { WT_SIG_NATIVE_CANNOT, WT_SIG_NATIVE_PENDING, 7, -5 };
	size_t i;

	/* a fixed key (the wasm test build has no br_ec_keygen): x = 01 02 .. 20, Q = x * G */
	for (i = 0; i < 32; i ++) kbuf[i] = (uint8_t)(i + 1);
	sk.curve = BR_EC_secp256r1;
	sk.x = kbuf;
	sk.xlen = 32;
	CHECK(br_ec_all_m31.mulgen(pbuf, kbuf, 32, BR_EC_secp256r1) == 65);
	pub.curve = BR_EC_secp256r1;
	pub.q = pbuf;
	pub.qlen = 65;
	hash_msg(&br_sha256_vtable, msg, sizeof msg, h);
	sl = br_ecdsa_i31_sign_asn1(&br_ec_all_m31, &br_sha256_vtable, h, &sk, sig);
	CHECK(sl > 0 && sl <= 72);
	memcpy(bad, sig, sl);
	bad[sl - 1] ^= 1;
	xk.key_type = BR_KEYTYPE_EC;
	xk.key.ec = pub;

	/* no hook: BearSSL */
	CHECK(wt_sig_verify_req(NULL, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
	CHECK(wt_sig_verify_req(NULL, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE);

	/* the request as documented: scheme, the uncompressed point, r || s on 32 bytes each, the message */
	memset(&log, 0, sizeof log);
	log.answer = WT_SIG_NATIVE_CANNOT;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
	CHECK(log.calls == 1 && log.scheme == 0x0403 && log.qlen == 65 && log.curve == BR_EC_secp256r1
		&& log.sig_len == 64 && log.msg_len == sizeof msg);

	/* the hook's 1 and 0 are final */
	log.answer = WT_SIG_NATIVE_INVALID;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == WT_ERR_BAD_SIGNATURE);
	log.answer = WT_SIG_NATIVE_VALID;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == 0);

	/* anything else (cannot, pending, garbage): BearSSL decides */
	for (i = 0; i < sizeof others / sizeof others[0]; i ++) {
		log.answer = others[i];
		log.calls = 0;
		CHECKF(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0, "answer %d", others[i]);
		CHECKF(wt_sig_verify_req(&nv, WT_SIGV_TLS12, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE,
			"answer %d", others[i]);
		CHECKF(wt_sig_verify_req(&nv, WT_SIGV_CERT, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE,
			"answer %d", others[i]);
		CHECK(log.calls == 3);
	}

	/* refused before the hook, whatever it would say: BER in a TLS message, a curve the scheme does not bind */
	log.answer = WT_SIG_NATIVE_VALID;
	log.calls = 0;
	ber[0] = 0x30;
	ber[1] = 0x81;
	memcpy(ber + 2, sig + 1, sl - 1);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, ber, sl + 1) == WT_ERR_BAD_SIGNATURE);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0503, &xk, msg, sizeof msg, sig, sl) == WT_ERR_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0201, &xk, msg, sizeof msg, sig, sl) == WT_ERR_ILLEGAL_PARAMETER);
	CHECK(log.calls == 0);
	/* certificates read ECDSA as BearSSL always did: the BER form verifies there (hook asked, r || s) */
	log.answer = WT_SIG_NATIVE_CANNOT;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_CERT, 0x0403, &xk, msg, sizeof msg, ber, sl + 1) == 0);
	CHECK(log.calls == 1 && log.sig_len == 64);
	/* a short r and a 121-byte s: BearSSL's reading expands it to 242 bytes; refused (s >= n), no overflow */
	{
		uint8_t wide[128];
		wide[0] = 0x30; wide[1] = 0x7E;
		wide[2] = 0x02; wide[3] = 0x01; wide[4] = 0x01;
		wide[5] = 0x02; wide[6] = 0x79;
		memset(wide + 7, 0x01, 121);
		log.calls = 0;
		CHECK(wt_sig_verify_req(&nv, WT_SIGV_CERT, 0x0403, &xk, msg, sizeof msg, wide, sizeof wide) == WT_ERR_BAD_SIGNATURE);
		CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS12, 0x0403, &xk, msg, sizeof msg, wide, sizeof wide) == WT_ERR_BAD_SIGNATURE);
		CHECK(log.calls == 0);
	}
}

/*
 * The asynchronous path's verdict cache (wt_sig_verify.h): PENDING records the
 * request and answers WT_SIG_WAIT; a verdict answers exactly that request
 * (another message, signature, key or scheme asks the hook again); "cannot"
 * and unanswered requests fall to BearSSL; the cache and rounds are bounded.
 */
static void
test_sig_cache(void)
{
	static const uint8_t msg[] = "the signed bytes";
	static const uint8_t msg2[] = "the signed bytez";
	static wt_sig_cache sc;
	br_ec_private_key sk;
	br_ec_public_key pub, pub2;
	uint8_t kbuf[32], kbuf2[32], pbuf[65], pbuf2[65];
	uint8_t h[32], sig[80], bad[80];
	br_x509_pkey xk, xk2;
	struct hook_log log;
	wt_sig_native nv = { test_hook, &log, &sc };
	size_t sl, i;

	for (i = 0; i < 32; i ++) { kbuf[i] = (uint8_t)(i + 1); kbuf2[i] = (uint8_t)(i + 7); }
	sk.curve = BR_EC_secp256r1;
	sk.x = kbuf;
	sk.xlen = 32;
	CHECK(br_ec_all_m31.mulgen(pbuf, kbuf, 32, BR_EC_secp256r1) == 65);
	CHECK(br_ec_all_m31.mulgen(pbuf2, kbuf2, 32, BR_EC_secp256r1) == 65);
	pub.curve = pub2.curve = BR_EC_secp256r1;
	pub.q = pbuf; pub2.q = pbuf2;
	pub.qlen = pub2.qlen = 65;
	hash_msg(&br_sha256_vtable, msg, sizeof msg, h);
	sl = br_ecdsa_i31_sign_asn1(&br_ec_all_m31, &br_sha256_vtable, h, &sk, sig);
	CHECK(sl > 0 && sl <= 72);
	memcpy(bad, sig, sl);
	bad[sl - 1] ^= 1;
	xk.key_type = xk2.key_type = BR_KEYTYPE_EC;
	xk.key.ec = pub;
	xk2.key.ec = pub2;

	/* PENDING: recorded, WT_SIG_WAIT, waiting set; the same request again in the run: no second slot */
	memset(&sc, 0, sizeof sc);
	memset(&log, 0, sizeof log);
	log.answer = WT_SIG_NATIVE_PENDING;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_SIG_WAIT);
	CHECK(sc.waiting == 1 && sc.n == 1 && wt_sig_cache_batch(&sc) == 1 && log.calls == 1);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_SIG_WAIT);
	CHECK(sc.n == 1 && log.calls == 1);
	/* verdicts: only for requests of the batch, once */
	CHECK(wt_sig_cache_verdict(&sc, 1, 1) == -1);
	CHECK(wt_sig_cache_verdict(&sc, 0, 1) == 0);    /* "valid" for the corrupted signature (the host's word) */
	CHECK(wt_sig_cache_verdict(&sc, 0, 0) == -1);
	wt_sig_cache_next_round(&sc);
	CHECK(sc.waiting == 0 && wt_sig_cache_batch(&sc) == 0 && sc.rounds == 1);

	/* the verdict answers that exact request from the cache, the hook not asked */
	log.calls = 0;
	log.answer = WT_SIG_NATIVE_INVALID;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == 0);
	CHECK(log.calls == 0);
	/* ... and nothing else: the valid signature, another message, another key, another scheme
	 * (TLS 1.2 reads the same DER for SHA-384) each ask the hook, which says invalid here */
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg2, sizeof msg2, bad, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk2, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS12, 0x0503, &xk, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(log.calls == 4 && sc.n == 1);

	/* "cannot" and unanswered: BearSSL decides (never "valid" for the corrupted one) */
	memset(&sc, 0, sizeof sc);
	log.answer = WT_SIG_NATIVE_PENDING;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_SIG_WAIT);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == WT_SIG_WAIT);
	CHECK(wt_sig_cache_batch(&sc) == 2);
	CHECK(wt_sig_cache_verdict(&sc, 0, 7) == 0);    /* garbage: cannot */
	wt_sig_cache_next_round(&sc);                   /* request 1 unanswered: cannot */
	log.calls = 0;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
	CHECK(log.calls == 0);

	/* PENDING without a cache: cannot (BearSSL) */
	{
		wt_sig_native nc = { test_hook, &log, NULL };
		CHECK(wt_sig_verify_req(&nc, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE);
		CHECK(wt_sig_verify_req(&nc, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
	}

	/* round bound: after WT_SIG_ROUNDS_MAX rounds the hook is no longer asked, BearSSL verifies */
	memset(&sc, 0, sizeof sc);
	for (i = 0; i < WT_SIG_ROUNDS_MAX; i ++) {
		uint8_t m[4] = { 'r', (uint8_t)i, 0, 0 };
		CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, m, sizeof m, bad, sl) == WT_SIG_WAIT);
		wt_sig_cache_next_round(&sc);
	}
	log.calls = 0;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(log.calls == 0 && sc.waiting == 0);

	/* cache bound: WT_SIG_CACHE_MAX requests in one round, then BearSSL without asking */
	memset(&sc, 0, sizeof sc);
	for (i = 0; i < WT_SIG_CACHE_MAX; i ++) {
		uint8_t m[4] = { 'c', (uint8_t)i, (uint8_t)(i >> 8), 0 };
		CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, m, sizeof m, bad, sl) == WT_SIG_WAIT);
	}
	CHECK(wt_sig_cache_batch(&sc) == WT_SIG_CACHE_MAX);
	log.calls = 0;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, bad, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(log.calls == 0 && sc.n == WT_SIG_CACHE_MAX);
}

/*
 * Prefetch (wt_sig_prefetch, the next message's signature put into the batch
 * while the current message waits): it records the request like a check that
 * waits, but decides nothing (no verdict, BearSSL never runs, the run's
 * `waiting` untouched); a prefetched verdict answers only the very request
 * that was prefetched: a "invalid" given for it does not answer another
 * message, which waits for its own verdict; nothing joins a sealed batch (the
 * host took it); the bounds hold.
 */
static void
test_sig_prefetch(void)
{
	static const uint8_t msg[] = "CertificateVerify content A";
	static const uint8_t msg2[] = "CertificateVerify content B";
	static wt_sig_cache sc;
	br_ec_private_key sk;
	br_ec_public_key pub;
	uint8_t kbuf[32], pbuf[65], h[32], sig[80];
	br_x509_pkey xk;
	struct hook_log log;
	wt_sig_native nv = { test_hook, &log, &sc };
	size_t sl, i;

	for (i = 0; i < 32; i ++) kbuf[i] = (uint8_t)(i + 3);
	sk.curve = BR_EC_secp256r1;
	sk.x = kbuf;
	sk.xlen = 32;
	CHECK(br_ec_all_m31.mulgen(pbuf, kbuf, 32, BR_EC_secp256r1) == 65);
	pub.curve = BR_EC_secp256r1;
	pub.q = pbuf;
	pub.qlen = 65;
	xk.key_type = BR_KEYTYPE_EC;
	xk.key.ec = pub;
	hash_msg(&br_sha256_vtable, msg, sizeof msg, h);
	sl = br_ecdsa_i31_sign_asn1(&br_ec_all_m31, &br_sha256_vtable, h, &sk, sig);
	CHECK(sl > 0);

	/* the prefetch joins the batch; the run's `waiting` is the run's own */
	memset(&sc, 0, sizeof sc);
	memset(&log, 0, sizeof log);
	log.answer = WT_SIG_NATIVE_PENDING;
	CHECK(wt_sig_prefetch(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 1);
	CHECK(sc.n == 1 && wt_sig_cache_batch(&sc) == 1 && sc.waiting == 0 && log.calls == 1);
	/* prefetched twice: one slot */
	CHECK(wt_sig_prefetch(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 1);
	CHECK(sc.n == 1 && log.calls == 1);
	/* a hook that cannot answer: nothing recorded, and no BearSSL verdict either (nothing is decided) */
	log.answer = WT_SIG_NATIVE_CANNOT;
	CHECK(wt_sig_prefetch(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg2, sizeof msg2, sig, sl) == 0);
	CHECK(sc.n == 1);
	/* sealed (the host took the batch): nothing joins it, the hook is not asked */
	log.answer = WT_SIG_NATIVE_PENDING;
	log.calls = 0;
	wt_sig_cache_seal(&sc);
	CHECK(wt_sig_prefetch(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg2, sizeof msg2, sig, sl) == 0);
	CHECK(sc.n == 1 && log.calls == 0);
	/* a real check still records (the seal is about prefetches only); then the host says
	 * "invalid" for the prefetched request (its signature is in fact valid: the host's word) */
	CHECK(wt_sig_cache_verdict(&sc, 0, 0) == 0);
	wt_sig_cache_next_round(&sc);
	CHECK(sc.sealed == 0);

	/* the handler's own request, identical: the prefetched verdict answers it, the hook not asked */
	log.calls = 0;
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(log.calls == 0);
	/* a different message (the handler built another request): the "invalid" is not applied to it;
	 * it misses and waits for its own verdict (one more round) */
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg2, sizeof msg2, sig, sl) == WT_SIG_WAIT);
	CHECK(log.calls == 1 && sc.waiting == 1 && wt_sig_cache_batch(&sc) == 1);
	CHECK(wt_sig_cache_verdict(&sc, 0, -1) == 0);   /* cannot: BearSSL decides on the re-run */
	wt_sig_cache_next_round(&sc);
	CHECK(wt_sig_verify_req(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg2, sizeof msg2, sig, sl) == WT_ERR_BAD_SIGNATURE);
	CHECK(log.calls == 1);

	/* the bounds: a full cache or the last round takes no prefetch */
	memset(&sc, 0, sizeof sc);
	sc.n = WT_SIG_CACHE_MAX;
	sc.base = WT_SIG_CACHE_MAX;
	log.calls = 0;
	CHECK(wt_sig_prefetch(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
	memset(&sc, 0, sizeof sc);
	sc.rounds = WT_SIG_ROUNDS_MAX;
	CHECK(wt_sig_prefetch(&nv, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
	CHECK(log.calls == 0 && sc.n == 0);
	/* no cache (a synchronous verifier): never */
	{
		wt_sig_native nc = { test_hook, &log, NULL };
		CHECK(wt_sig_prefetch(&nc, WT_SIGV_TLS13, 0x0403, &xk, msg, sizeof msg, sig, sl) == 0);
		CHECK(log.calls == 0);
	}
	/* a request the check itself refuses (scheme unusable with this key): not prefetched */
	CHECK(wt_sig_prefetch(&nv, WT_SIGV_TLS13, 0x0503, &xk, msg, sizeof msg, sig, sl) == 0);
	CHECK(log.calls == 0 && sc.n == 0);
}

#ifndef WT_TEST_NO_RSA_KEYGEN
/* RSA PKCS#1 v1.5 is encode-and-compare: a DigestInfo without its NULL parameters is refused. */
static void
test_pkcs1_strict(void)
{
	static uint8_t kpriv[BR_RSA_KBUF_PRIV_SIZE(2048)], kpub[BR_RSA_KBUF_PUB_SIZE(2048)];
	static const uint8_t di_null[] = { 0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
		0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
	static const uint8_t di_nonull[] = { 0x30, 0x2F, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
		0x03, 0x04, 0x02, 0x01, 0x04, 0x20 };
	static const uint8_t msg[] = "pkcs1";
	uint8_t h[32], x[256];
	br_hmac_drbg_context drbg;
	br_rsa_private_key sk;
	br_x509_pkey xk;
	int pass;

	br_hmac_drbg_init(&drbg, &br_sha256_vtable, "wasmtls-pkcs1", 13);
	CHECK(br_rsa_i31_keygen(&drbg.vtable, &sk, kpriv, &xk.key.rsa, kpub, 2048, 65537) == 1);
	xk.key_type = BR_KEYTYPE_RSA;
	hash_msg(&br_sha256_vtable, msg, sizeof msg, h);
	for (pass = 0; pass < 2; pass ++) {
		const uint8_t *di = pass ? di_nonull : di_null;
		size_t dl = pass ? sizeof di_nonull : sizeof di_null, ps = 256 - 3 - dl - 32;
		x[0] = 0;
		x[1] = 1;
		memset(x + 2, 0xFF, ps);
		x[2 + ps] = 0;
		memcpy(x + 3 + ps, di, dl);
		memcpy(x + 3 + ps + dl, h, 32);
		CHECK(br_rsa_i31_private(x, &sk) == 1);
		CHECKF(wt_sig_verify_tls12(WT_SIG_RSA_PKCS1_SHA256, &xk, msg, sizeof msg, x, 256)
			== (pass ? WT_ERR_BAD_SIGNATURE : 0), "DigestInfo %s NULL", pass ? "without" : "with");
		/* BearSSL's own br_rsa_i31_pkcs1_vrfy accepts both; wasmtls (and OpenSSL) only the first */
		{
			uint8_t got[32];
			CHECK(br_rsa_i31_pkcs1_vrfy(x, 256, BR_HASH_OID_SHA256, 32, &xk.key.rsa, got) == 1);
		}
	}
}
#endif

static void
test_pss_generated(void)
{
	static uint8_t kpriv[BR_RSA_KBUF_PRIV_SIZE(1040)], kpub[BR_RSA_KBUF_PUB_SIZE(1040)];
	static uint8_t x[136], y[136];
	br_hmac_drbg_context drbg;
	unsigned bits;
	int odd_case_done = 0;

	br_hmac_drbg_init(&drbg, &br_sha256_vtable, "wasmtls-pss", 11);
	for (bits = 1024; bits <= 1032; bits ++) {
		br_rsa_private_key sk;
		br_x509_pkey xk;
		const br_hash_class *hf = &br_sha256_vtable;
		uint8_t mh[32], salt[32];
		size_t k = (bits + 7) / 8;
		int tries;

		CHECK(br_rsa_i31_keygen(&drbg.vtable, &sk, kpriv, &xk.key.rsa, kpub, bits, 65537) == 1);
		xk.key_type = BR_KEYTYPE_RSA;
		CHECK(xk.key.rsa.nlen == k);
		hash_msg(hf, (const uint8_t *)"msg", 3, mh);
		br_hmac_drbg_generate(&drbg, salt, sizeof salt);

		pss_encode(hf, mh, salt, 32, bits, x, k);
		CHECK(br_rsa_i31_private(x, &sk) == 1);
		CHECKF(wt_rsa_pss_verify(&xk.key.rsa, hf, mh, 32, 32, x, k) == 1, "%u bits", bits);
		CHECKF(wt_sig_verify(WT_SIG_RSA_PSS_RSAE_SHA256, &xk, (const uint8_t *)"msg", 3, x, k) == 0,
			"%u bits", bits);
		CHECK(wt_rsa_pss_verify(&xk.key.rsa, hf, mh, 32, 31, x, k) == 0);
		CHECK(wt_rsa_pss_verify(&xk.key.rsa, hf, mh, 32, 33, x, k) == 0);
		CHECK(wt_sig_verify(WT_SIG_RSA_PSS_RSAE_SHA256, &xk, (const uint8_t *)"msh", 3, x, k)
			== WT_ERR_BAD_SIGNATURE);
		/* With a leading zero byte prepended: wrong length. */
		memmove(y + 1, x, k);
		y[0] = 0;
		CHECK(wt_rsa_pss_verify(&xk.key.rsa, hf, mh, 32, 32, y, k + 1) == 0);
		/* Empty salt works too. */
		pss_encode(hf, mh, salt, 0, bits, x, k);
		CHECK(br_rsa_i31_private(x, &sk) == 1);
		CHECK(wt_rsa_pss_verify(&xk.key.rsa, hf, mh, 32, 0, x, k) == 1);

		/*
		 * modBits = 1 mod 8: emLen = k - 1, so I2OSP(m, emLen) must
		 * fail when m has its top byte set. Build m = 2^(8(k-1)) + EM
		 * (with EM otherwise valid), keeping m < n, and sign it.
		 */
		if (bits % 8 == 1) {
			for (tries = 0; tries < 64; tries ++) {
				br_hmac_drbg_generate(&drbg, salt, sizeof salt);
				pss_encode(hf, mh, salt, 32, bits, x, k);
				x[0] = 1;
				if (memcmp(x, xk.key.rsa.n, k) < 0) break;
			}
			CHECK(tries < 64);
			CHECK(br_rsa_i31_private(x, &sk) == 1);
			CHECK(wt_rsa_pss_verify(&xk.key.rsa, hf, mh, 32, 32, x, k) == 0);
			odd_case_done = 1;
		}
	}
	CHECK(odd_case_done);
}
#endif /* WT_TEST_NO_RSA_KEYGEN */

/* ---------------------------------------------------------------- main */

static int
dir_ok(const char *dir)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof path, "%s/SOURCE_COMMIT.txt", dir);
	f = fopen(path, "rb");
	if (f) fclose(f);
	return f != NULL;
}

int
main(int argc, char **argv)
{
	const char *root = NULL;

#ifdef WT_SOURCE_DIR
	root = WT_SOURCE_DIR;
#endif
	if (argc > 1) root = argv[1];
	if (root == NULL) {
		fprintf(stderr, "usage: %s <repo root or vectors dir>\n", argv[0]);
		return 2;
	}
	snprintf(vec_dir, sizeof vec_dir, "%s/tests/vectors/wycheproof", root);
	if (!dir_ok(vec_dir)) snprintf(vec_dir, sizeof vec_dir, "%s", root);
	if (!dir_ok(vec_dir)) {
		fprintf(stderr, "no Wycheproof vectors under %s\n", root);
		return 2;
	}

	test_misc_direct();
	test_der_direct();
	test_kex_direct();
	test_sig_hook_direct();
	test_sig_cache();
	test_sig_prefetch();
#ifndef WT_TEST_NO_RSA_KEYGEN
	test_pss_generated();
	test_pkcs1_strict();
#endif

	test_aead("aes_gcm_test.json", 0);
	test_aead("chacha20_poly1305_test.json", 1);
	test_x25519();
	test_ecdh_point("ecdh_secp256r1_ecpoint_test.json", WT_GROUP_SECP256R1, 32);
	test_ecdh_point("ecdh_secp384r1_ecpoint_test.json", WT_GROUP_SECP384R1, 48);
	test_ecdsa("ecdsa_secp256r1_sha256_test.json", BR_EC_secp256r1,
		WT_SIG_ECDSA_SECP256R1_SHA256);
	test_ecdsa("ecdsa_secp384r1_sha384_test.json", BR_EC_secp384r1,
		WT_SIG_ECDSA_SECP384R1_SHA384);
	test_rsa_pss("rsa_pss_2048_sha256_mgf1_32_test.json");
	test_rsa_pss("rsa_pss_2048_sha384_mgf1_48_test.json");
	test_rsa_pss("rsa_pss_3072_sha256_mgf1_32_test.json");
	test_rsa_pss("rsa_pss_4096_sha256_mgf1_32_test.json");
	test_rsa_pss("rsa_pss_4096_sha384_mgf1_48_test.json");
	test_rsa_pss("rsa_pss_4096_sha512_mgf1_64_test.json");
	test_rsa_pkcs1("rsa_signature_2048_sha256_test.json");
	test_hkdf("hkdf_sha256_test.json", &br_sha256_vtable);
	test_hkdf("hkdf_sha384_test.json", &br_sha384_vtable);
	test_hmac("hmac_sha256_test.json", &br_sha256_vtable);
	test_hmac("hmac_sha384_test.json", &br_sha384_vtable);

	return WT_TEST_SUMMARY();
}
