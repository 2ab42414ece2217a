/*
 * test_tables.c — the cipher-suite and key-exchange-group tables (issue 17
 * item 3): every row is consistent with the primitives it names and fits the
 * storage sized for the table; the ClientHello offers exactly the rows, in
 * table order; and the largest ClientHello wasmtls builds leaves room for
 * one more key share of a post-quantum hybrid size (X25519MLKEM768: 1184 +
 * 32 bytes), within the one-record limit of an unprotected handshake message.
 */
#include <stdio.h>
#include <string.h>
#include "wt_engine_internal.h"
#include "wt_suite.h"
#include "wt_mlkem.h"
#include "wt_test.h"

#define EXT_SUPPORTED_GROUPS 10
#define EXT_KEY_SHARE 51

/* The hybrid share of the next issue: ML-KEM-768 encapsulation key + X25519. */
#define HYBRID_SHARE (1184 + 32)

static uint64_t ctr;
static int
rng(void *ctx, uint8_t *out, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) out[i] = (uint8_t)(++ctr * 131u >> 3);
	return 0;
}

static size_t
hash_out_len(const br_hash_class *h)
{
	return (size_t)((h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
}

static void
test_suite_rows(void)
{
	CHECK(wt_num_suites == 9);
	for (size_t i = 0; i < wt_num_suites; i++) {
		const wt_suite *s = &wt_suites[i];
		CHECKF(wt_suite_find(s->id) == s, "row %zu found by its id", i);
		CHECKF(hash_out_len(s->hash) == s->hash_len, "%s: hash length", s->name);
		CHECKF(wt_aead_key_len(s->aead) == s->key_len, "%s: key length", s->name);
		CHECKF(strcmp(wt_cipher_name(s->id), s->name) == 0, "%s: name", s->name);
		CHECKF(strncmp(s->name, "TLS_", 4) == 0, "%s: IANA name", s->name);
		if (s->version == WT_VERSION_TLS13) {
			CHECKF((s->id >> 8) == 0x13 && s->iv_len == 12 && s->auth_key == 0, "%s: 1.3 row", s->name);
			int gcm = s->aead != WT_AEAD_CHACHA20_POLY1305;
			CHECKF(s->rekey_records == (gcm ? WT_AES_GCM_RECORD_LIMIT : 0), "%s: rekey limit", s->name);
		} else {
			CHECKF(s->version == WT_VERSION_TLS12, "%s: version", s->name);
			CHECKF(s->iv_len == (s->aead == WT_AEAD_CHACHA20_POLY1305 ? 12 : 4), "%s: 1.2 iv", s->name);
			CHECKF(s->auth_key == (strstr(s->name, "_ECDSA_") ? BR_KEYTYPE_EC : BR_KEYTYPE_RSA),
				"%s: server key type", s->name);
			CHECKF(s->rekey_records == 0, "%s: no KeyUpdate in 1.2", s->name);
		}
		/* preference order: TLS 1.3 rows first */
		if (i > 0) CHECK(!(wt_suites[i - 1].version == WT_VERSION_TLS12 && s->version == WT_VERSION_TLS13));
	}
	CHECK(wt_suite_find(0x1304) == NULL && strcmp(wt_cipher_name(0x1304), "unknown") == 0);
	CHECK(wt_suite_aead(0xC009) == WT_AEAD_NONE && wt_suite_hash(0xC009) == &br_sha256_vtable);
	CHECK(wt_suite_find_version(WT_TLS_AES_128_GCM_SHA256, WT_VERSION_TLS12) == NULL);
}

static void
test_group_rows(void)
{
	CHECK(wt_num_groups == 4 && wt_groups[0].id == WT_GROUP_X25519MLKEM768 && !wt_groups[0].tls12);
	for (size_t i = 0; i < wt_num_groups; i++) {
		const wt_group *g = &wt_groups[i];
		CHECKF(wt_group_find(g->id) == g && strcmp(wt_group_name(g->id), g->name) == 0, "row %zu", i);
		CHECKF(g->priv_len <= WT_KEX_PRIV_MAX && g->pub_len <= WT_KEX_PUB_MAX &&
			g->peer_len <= WT_KEX_PEER_MAX && g->shared_len <= WT_KEX_SHARED_MAX,
			"%s fits the wt_kex storage", g->name);
		/* the row's functions give the row's sizes (the KEM row: test_hybrid_row) */
		if (g->pub_len != g->peer_len) continue;
		wt_kex a, b;
		uint8_t sa[WT_KEX_SHARED_MAX], sb[WT_KEX_SHARED_MAX];
		size_t la = 0, lb = 0;
		CHECK(wt_kex_generate(&a, g->id, rng, NULL) == 0 && wt_kex_generate(&b, g->id, rng, NULL) == 0);
		CHECKF(a.pub_len == g->pub_len && a.priv_len == g->priv_len, "%s: sizes", g->name);
		CHECK(wt_kex_derive(&a, b.pub, b.pub_len, sa, &la) == 0 && wt_kex_derive(&b, a.pub, a.pub_len, sb, &lb) == 0);
		CHECKF(la == g->shared_len && lb == la && memcmp(sa, sb, la) == 0, "%s: shared secret", g->name);
		wt_kex_wipe(&a);
		wt_kex_wipe(&b);
	}
	CHECK(wt_group_find(0x0019) == NULL && strcmp(wt_group_name(0x0019), "unknown") == 0);
}

/* Find extension `type` in a ClientHello body. */
static wt_reader
ch_extension(const uint8_t *body, size_t len, uint32_t type, wt_reader *suites)
{
	wt_reader r = wt_reader_of(body, len), none = { NULL, 0, 1 };
	wt_r_u16(&r);
	wt_r_bytes(&r, 32);
	wt_r_vec(&r, 1);
	*suites = wt_r_vec(&r, 2);
	wt_r_vec(&r, 1);
	wt_reader exts = wt_r_vec(&r, 2);
	while (exts.n && !exts.bad) {
		uint32_t t = wt_r_u16(&exts);
		wt_reader b = wt_r_vec(&exts, 2);
		if (t == type) return b;
	}
	return none;
}

static uint8_t work[WT_MIN_BUFFER_SIZE];
static wt_engine e;

/* Start an engine; return the ClientHello body (in the send window) and its length. */
static const uint8_t *
client_hello(wt_config *cfg, size_t *len)
{
	*len = 0;
	if (wt_engine_init(&e, cfg, work, sizeof work) || wt_engine_start(&e)) return NULL;
	size_t n;
	const uint8_t *p = wt_engine_send_buf(&e, &n);
	if (n < 9 || p[0] != WT_CT_HANDSHAKE || p[5] != WT_HS_CLIENT_HELLO) return NULL;
	*len = ((size_t)p[6] << 16) | ((size_t)p[7] << 8) | p[8];
	return p + 9;
}

static void
test_client_hello_lists(void)
{
	wt_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.rng = rng;
	cfg.server_name = "example.com";
	size_t len;
	const uint8_t *ch = client_hello(&cfg, &len);
	CHECK(ch != NULL);
	if (!ch) return;
	wt_reader suites;
	wt_reader groups = ch_extension(ch, len, EXT_SUPPORTED_GROUPS, &suites);
	wt_reader gl = wt_r_vec(&groups, 2);
	CHECK(suites.n == 2 * wt_num_suites && gl.n == 2 * wt_num_groups);
	for (size_t i = 0; i < wt_num_suites; i++) CHECKF(wt_r_u16(&suites) == wt_suites[i].id, "suite %zu", i);
	for (size_t i = 0; i < wt_num_groups; i++) CHECKF(wt_r_u16(&gl) == wt_groups[i].id, "group %zu", i);
	wt_engine_wipe(&e);

	/* TLS 1.2 only: the 1.2 rows alone, in order */
	cfg.max_version = WT_VERSION_TLS12;
	ch = client_hello(&cfg, &len);
	CHECK(ch != NULL);
	if (!ch) return;
	ch_extension(ch, len, EXT_SUPPORTED_GROUPS, &suites);
	size_t k = 0;
	for (size_t i = 0; i < wt_num_suites; i++)
		if (wt_suites[i].version == WT_VERSION_TLS12) {
			CHECKF(wt_r_u16(&suites) == wt_suites[i].id, "1.2 suite %zu", i);
			k++;
		}
	CHECK(k == 6 && suites.n == 0);
	/* ... and no TLS 1.3-only group (X25519MLKEM768) in supported_groups */
	groups = ch_extension(ch, len, EXT_SUPPORTED_GROUPS, &suites);
	gl = wt_r_vec(&groups, 2);
	k = 0;
	for (size_t i = 0; i < wt_num_groups; i++)
		if (wt_groups[i].tls12) {
			CHECKF(wt_r_u16(&gl) == wt_groups[i].id, "1.2 group %zu", i);
			k++;
		}
	CHECK(k == 3 && gl.n == 0);
	wt_engine_wipe(&e);

	/* the default key share is the hybrid: group 0x11EC, 1216 bytes */
	cfg.max_version = 0;
	ch = client_hello(&cfg, &len);
	CHECK(ch != NULL);
	if (!ch) return;
	wt_reader ks = ch_extension(ch, len, EXT_KEY_SHARE, &suites);
	wt_reader kl = wt_r_vec(&ks, 2);
	CHECK(wt_r_u16(&kl) == WT_GROUP_X25519MLKEM768);
	wt_reader key = wt_r_vec(&kl, 2);
	CHECK(!kl.bad && key.n == 1216);
	/* ... and an x25519 share with the same X25519 key (the hybrid's last 32 bytes) */
	CHECK(wt_r_u16(&kl) == WT_GROUP_X25519);
	wt_reader key2 = wt_r_vec(&kl, 2);
	CHECK(!kl.bad && key2.n == 32 && kl.n == 0 && memcmp(key2.p, key.p + 1184, 32) == 0);
	printf("default ClientHello body (X25519MLKEM768 + x25519 shares): %zu bytes\n", len);
	wt_engine_wipe(&e);
	cfg.key_share_group = WT_GROUP_X25519;
	ch = client_hello(&cfg, &len);
	CHECK(ch != NULL);
	printf("ClientHello body with an x25519 share: %zu bytes\n", len);
	wt_engine_wipe(&e);
}

/* wt_config.groups: the order and the first share; bad lists refused */
static void
test_config_groups(void)
{
	wt_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.rng = rng;
	cfg.server_name = "example.com";
	static const uint16_t two[2] = { WT_GROUP_SECP256R1, WT_GROUP_X25519 };
	cfg.groups = two;
	cfg.num_groups = 2;
	size_t len;
	wt_reader suites;
	const uint8_t *ch = client_hello(&cfg, &len);
	CHECK(ch != NULL);
	if (!ch) return;
	wt_reader g = ch_extension(ch, len, EXT_SUPPORTED_GROUPS, &suites);
	wt_reader gl = wt_r_vec(&g, 2);
	CHECK(gl.n == 4 && wt_r_u16(&gl) == WT_GROUP_SECP256R1 && wt_r_u16(&gl) == WT_GROUP_X25519);
	wt_reader ks = ch_extension(ch, len, EXT_KEY_SHARE, &suites);
	wt_reader kl = wt_r_vec(&ks, 2);
	CHECK(wt_r_u16(&kl) == WT_GROUP_SECP256R1 && wt_r_vec(&kl, 2).n == 65 && kl.n == 0 && !kl.bad);
	wt_engine_wipe(&e);
	/* the hybrid alone: one share, no x25519 beside it */
	static const uint16_t hyb[1] = { WT_GROUP_X25519MLKEM768 };
	cfg.groups = hyb;
	cfg.num_groups = 1;
	ch = client_hello(&cfg, &len);
	CHECK(ch != NULL);
	if (!ch) return;
	ks = ch_extension(ch, len, EXT_KEY_SHARE, &suites);
	kl = wt_r_vec(&ks, 2);
	CHECK(wt_r_u16(&kl) == WT_GROUP_X25519MLKEM768 && wt_r_vec(&kl, 2).n == 1216 && kl.n == 0 && !kl.bad);
	wt_engine_wipe(&e);
	/* ... which a TLS 1.2-only hello cannot use */
	cfg.max_version = WT_VERSION_TLS12;
	CHECK(wt_engine_init(&e, &cfg, work, sizeof work) == WT_ERR_BAD_ARGUMENT);
	cfg.max_version = 0;
	/* unknown (secp521r1), repeated, too many, or a key share not in the list */
	static const uint16_t unknown[1] = { 0x0019 }, rep[2] = { WT_GROUP_X25519, WT_GROUP_X25519 };
	cfg.groups = unknown;
	cfg.num_groups = 1;
	CHECK(wt_engine_init(&e, &cfg, work, sizeof work) == WT_ERR_BAD_ARGUMENT);
	cfg.groups = rep;
	cfg.num_groups = 2;
	CHECK(wt_engine_init(&e, &cfg, work, sizeof work) == WT_ERR_BAD_ARGUMENT);
	cfg.num_groups = WT_MAX_GROUPS + 1;
	CHECK(wt_engine_init(&e, &cfg, work, sizeof work) == WT_ERR_BAD_ARGUMENT);
	cfg.groups = two;
	cfg.num_groups = 2;
	cfg.key_share_group = WT_GROUP_SECP384R1;
	CHECK(wt_engine_init(&e, &cfg, work, sizeof work) == WT_ERR_BAD_ARGUMENT);
	wt_engine_wipe(&e);
}

/*
 * X25519MLKEM768: the client row against a server built from the parts
 * (ML-KEM-768 encaps to ek, X25519 with the client's public), and the
 * share lengths and X25519 low-order point refused.
 */
static void
test_hybrid_row(void)
{
	const wt_group *g = wt_group_find(WT_GROUP_X25519MLKEM768);
	CHECK(g != NULL && strcmp(g->name, "X25519MLKEM768") == 0 && g->pub_len == 1216 &&
		g->peer_len == 1120 && g->shared_len == 64 && !g->tls12);
	if (!g) return;
	wt_kex c, s;
	CHECK(wt_kex_generate(&c, WT_GROUP_X25519MLKEM768, rng, NULL) == 0 && c.pub_len == 1216);
	CHECK(wt_kex_generate(&s, WT_GROUP_X25519, rng, NULL) == 0);
	/* the server: ct, ss_kem = Encaps(ek); ss_x = X25519(s, client X25519 public) */
	static uint8_t peer[1120 + 1];
	uint8_t expect[64], got[64], xs[64];
	size_t xl = 0, gl = 0;
	CHECK(wt_mlkem768_encaps(peer, expect, c.pub, 1184, rng, NULL) == 0);
	CHECK(wt_kex_derive(&s, c.pub + 1184, 32, xs, &xl) == 0 && xl == 32);
	memcpy(expect + 32, xs, 32);
	memcpy(peer + 1088, s.pub, 32);
	CHECK(wt_kex_derive(&c, peer, 1120, got, &gl) == 0 && gl == 64 && memcmp(got, expect, 64) == 0);
	/* a different ciphertext gives a different secret (implicit rejection), never the same */
	peer[5] ^= 1;
	CHECK(wt_kex_derive(&c, peer, 1120, got, &gl) == 0 && memcmp(got, expect, 32) != 0 &&
		memcmp(got + 32, expect + 32, 32) == 0);
	peer[5] ^= 1;
	/* any other length: illegal_parameter */
	static const size_t bad[] = { 0, 32, 1088, 1119, 1121, 1216 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECKF(wt_kex_derive(&c, peer, bad[i], got, &gl) == WT_ERR_ILLEGAL_PARAMETER, "length %zu", bad[i]);
	/* an all-zero (low-order) X25519 part: illegal_parameter */
	memset(peer + 1088, 0, 32);
	CHECK(wt_kex_derive(&c, peer, 1120, got, &gl) == WT_ERR_ILLEGAL_PARAMETER);
	/* set_private: the same seed and scalar give the same share */
	wt_kex d;
	CHECK(wt_kex_set_private(&d, WT_GROUP_X25519MLKEM768, c.priv, c.priv_len) == 0 &&
		d.pub_len == 1216 && memcmp(d.pub, c.pub, 1216) == 0);
	CHECK(wt_kex_set_private(&d, WT_GROUP_X25519MLKEM768, c.priv, 64) == WT_ERR_BAD_ARGUMENT);
	wt_kex_wipe(&c);
	wt_kex_wipe(&s);
	wt_kex_wipe(&d);
}

/*
 * The largest ClientHello: a 253-byte server name, a 256-byte ALPN list, the
 * largest TLS 1.3 session that encodes (PSK identity + binder), plus the
 * largest HelloRetryRequest cookie the engine keeps. One more key share of
 * HYBRID_SHARE bytes (and its supported_groups entry) must still fit: an
 * unprotected handshake message is one record (WT_MAX_PLAINTEXT with its
 * 4-byte header), and wt_out_scratch's area is larger than that.
 */
static void
test_client_hello_budget(void)
{
	static char name[254];
	static uint8_t alpn[256], ticket[WT_SESSION_MAX], enc[WT_SESSION_MAX];
	memset(name, 'a', 253);
	for (size_t i = 63; i < 253; i += 64) name[i] = '.';
	name[253] = 0;
	for (size_t i = 0; i < sizeof alpn; i += 64) { alpn[i] = 63; memset(alpn + i + 1, 'h', 63); }
	wt_session s;
	memset(&s, 0, sizeof s);
	s.version = WT_VERSION_TLS13;
	s.cipher = WT_TLS_AES_256_GCM_SHA384;
	s.received_at = 1000;
	s.lifetime = 3600;
	s.secret_len = 48;
	memcpy(s.server_name, name, 253);
	s.server_name_len = 253;
	s.alpn_len = 255;
	s.ticket = ticket;
	size_t enc_len = 0;
	for (s.ticket_len = sizeof ticket; s.ticket_len > 0 && !enc_len; s.ticket_len--)
		enc_len = wt_session_encode(&s, enc, sizeof enc);
	CHECK(enc_len > 0);

	wt_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.rng = rng;
	cfg.server_name = name;
	cfg.alpn = alpn;
	cfg.alpn_len = sizeof alpn;
	cfg.session = enc;
	cfg.session_len = enc_len;
	cfg.now = 1000;
	cfg.key_share_group = WT_GROUP_X25519MLKEM768;   /* the largest share (1216 bytes) */
	size_t len;
	const uint8_t *ch = client_hello(&cfg, &len);
	CHECK(ch != NULL && e.resume_offered);
	size_t cookie = 4 + 2 + sizeof e.t13.cookie;   /* extension header, length, the largest cookie kept */
	size_t hybrid = 4 + HYBRID_SHARE + 2;      /* KeyShareEntry header and key, supported_groups entry */
	size_t limit = WT_MAX_PLAINTEXT - 4;
	printf("largest ClientHello body: %zu bytes (+ cookie %zu + hybrid share %zu = %zu); limit %zu "
		"(one record)\n", len, cookie, hybrid, len + cookie + hybrid, limit);
	CHECK(len + cookie + hybrid <= limit);
	/* the output area (where wt_out_scratch builds it) holds such a record, with room to seal */
	CHECK(WT_RECORD_OUT_SIZE >= 5 + 4 + limit + WT_RECORD_OVERHEAD);
	wt_engine_wipe(&e);
}

int
main(void)
{
	test_suite_rows();
	test_group_rows();
	test_hybrid_row();
	test_config_groups();
	test_client_hello_lists();
	test_client_hello_budget();
	return WT_TEST_SUMMARY();
}
