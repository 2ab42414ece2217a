/*
 * test_engine_rules.c — the engine's protocol rules against a scripted
 * server (issue 14). The server side is written here message by message:
 * its key share is real (wt_kex), later records are sealed with the
 * engine's own read keys and Finished is computed from the engine's
 * transcript and key schedule, so each check under test is the one that must
 * catch the fault, not a MAC or signature failure. Resumption (a PSK, or a
 * TLS 1.2 ticket) reaches the connected state without certificates.
 *
 * Covered: HelloRetryRequest rules, the X25519MLKEM768 server share (every
 * length 0..1300, random content), session-id echo, PSK identity, duplicate
 * and unsolicited extensions, CCS rules (second, after protected records,
 * inside a fragment), an alert inside a fragment, 0-RTT suite, TLS 1.3
 * Certificate entries, peer-driven work limits, sequence numbers near 2^64,
 * KeyUpdate at the AES-GCM record limit, TLS 1.2 sessions only after the
 * server Finished, and wiping (after wt_fail and after wt_engine_wipe).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../fuzz/wt_fuzz_engine.h"
#include "wt_engine_internal.h"
#include "wt_keysched12.h"
#include "wt_error.h"
#include "wt_mlkem.h"
#include "wt_test.h"

#ifndef WT_SOURCE_DIR
#define WT_SOURCE_DIR "."
#endif

#define EXT_STATUS_REQUEST 5
#define EXT_ALPN 16
#define EXT_SCT 18
#define EXT_EMS 23
#define EXT_RECORD_SIZE_LIMIT 28
#define EXT_SESSION_TICKET 35
#define EXT_PRE_SHARED_KEY 41
#define EXT_EARLY_DATA 42
#define EXT_SUPPORTED_VERSIONS 43
#define EXT_COOKIE 44
#define EXT_KEY_SHARE 51

static const uint8_t hrr_random[32] = {
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C
};

static wt_fuzz_conn c;
static uint8_t rec[5 + WT_MAX_CIPHERTEXT + 64];
static uint64_t srv_ctr = 1000;
static wt_kex skex;                  /* the server's key share */

/* what the engine sent, for inspection */
static uint8_t sent[65536];
static size_t sent_len;
static void
sink(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	if (sent_len + n <= sizeof sent) { memcpy(sent + sent_len, p, n); sent_len += n; }
}

static int
start(int session)
{
	sent_len = 0;
	c.compact = 0;
	if (wt_fuzz_conn_start_with(&c, 1, 0, session)) return -1;
	wt_fuzz_conn_drain(&c, sink, NULL);
	return 0;
}

static int
feed_plain(uint8_t type, const uint8_t *body, size_t len)
{
	rec[0] = type; rec[1] = 3; rec[2] = 3;
	rec[3] = (uint8_t)(len >> 8); rec[4] = (uint8_t)len;
	memcpy(rec + 5, body, len);
	return wt_fuzz_conn_feed(&c, rec, 5 + len, 0, sink, NULL);
}

/* Seal with (a copy of) the engine's read keys: the record authenticates. */
static int
feed_sealed(uint8_t type, const uint8_t *body, size_t len)
{
	wt_record_dir copy = c.e.rd;
	if (len) memcpy(rec + 5, body, len);
	size_t n = wt_record_seal(&copy, rec, type, len);
	return wt_fuzz_conn_feed(&c, rec, n, 0, sink, NULL);
}

/* ---- message builders */

typedef struct { uint8_t b[8192]; size_t n; } msg;

static wt_writer
hs_open(msg *m, uint8_t type, size_t *at)
{
	wt_writer w = wt_writer_of(m->b, sizeof m->b);
	wt_w_u8(&w, type);
	*at = wt_w_open(&w, 3);
	return w;
}

static void
hs_close(msg *m, wt_writer *w, size_t at)
{
	wt_w_close(w, at, 3);
	m->n = w->len;
}

typedef struct {
	int hrr;
	int sid;                  /* 0 echo, 1 another id, 2 empty */
	uint16_t suite;
	int key_share;            /* SH: our key share for the client's group; HRR: ks_group only */
	uint16_t ks_group;        /* HRR */
	int psk;
	uint16_t psk_id;
	const uint8_t *cookie;
	size_t cookie_len;
	int dup_versions;
	uint16_t extra_ext;       /* an empty extension of this type, 0: none */
	int ks_delta;             /* SH: the key share this many bytes longer (> 0) or shorter (< 0) */
	uint16_t sh_group;        /* SH: answer this group's share (default: the client's first) */
} sh_opts;

static msg
server_hello(const sh_opts *o)
{
	msg m;
	size_t at;
	wt_writer w = hs_open(&m, WT_HS_SERVER_HELLO, &at);
	wt_w_u16(&w, 0x0303);
	if (o->hrr) {
		wt_w_bytes(&w, hrr_random, 32);
	} else {
		uint8_t r[32];
		wt_fuzz_rng(&srv_ctr, r, 32);
		wt_w_bytes(&w, r, 32);
	}
	if (o->sid == 2) {
		wt_w_u8(&w, 0);
	} else {
		uint8_t sid[32];
		memcpy(sid, c.e.session_id, 32);
		if (o->sid == 1) sid[0] ^= 1;
		wt_w_u8(&w, 32);
		wt_w_bytes(&w, sid, 32);
	}
	wt_w_u16(&w, o->suite ? o->suite : WT_TLS_CHACHA20_POLY1305_SHA256);
	wt_w_u8(&w, 0);
	size_t exts = wt_w_open(&w, 2);
	for (int i = 0; i < 1 + o->dup_versions; i++) {
		wt_w_u16(&w, EXT_SUPPORTED_VERSIONS); wt_w_u16(&w, 2); wt_w_u16(&w, WT_VERSION_TLS13);
	}
	if (o->key_share && o->hrr) {
		wt_w_u16(&w, EXT_KEY_SHARE); wt_w_u16(&w, 2); wt_w_u16(&w, o->ks_group);
	} else if (o->key_share) {
		static uint8_t share[WT_KEX_PEER_MAX + 16];
		size_t share_len;
		wt_kex_wipe(&skex);
		uint16_t grp = o->sh_group ? o->sh_group : c.e.kex.group;
		if (grp == WT_GROUP_X25519MLKEM768) {
			/* the server's hybrid share: ML-KEM ct to the client's ek || an X25519 public */
			uint8_t ss[WT_MLKEM768_SS_LEN];
			wt_kex_generate(&skex, WT_GROUP_X25519, wt_fuzz_rng, &srv_ctr);
			wt_mlkem768_encaps(share, ss, c.e.kex.pub, WT_MLKEM768_EK_LEN, wt_fuzz_rng, &srv_ctr);
			memcpy(share + WT_MLKEM768_CT_LEN, skex.pub, 32);
			share_len = WT_MLKEM768_CT_LEN + 32;
		} else {
			wt_kex_generate(&skex, grp, wt_fuzz_rng, &srv_ctr);
			memcpy(share, skex.pub, skex.pub_len);
			share_len = skex.pub_len;
		}
		share_len = (size_t)((long)share_len + o->ks_delta);
		wt_w_u16(&w, EXT_KEY_SHARE);
		size_t x = wt_w_open(&w, 2);
		wt_w_u16(&w, grp);
		wt_w_u16(&w, (uint32_t)share_len);
		wt_w_bytes(&w, share, share_len);
		wt_w_close(&w, x, 2);
	}
	if (o->cookie) {
		wt_w_u16(&w, EXT_COOKIE);
		wt_w_u16(&w, (uint32_t)o->cookie_len + 2);
		wt_w_u16(&w, (uint32_t)o->cookie_len);
		wt_w_bytes(&w, o->cookie, o->cookie_len);
	}
	if (o->psk) { wt_w_u16(&w, EXT_PRE_SHARED_KEY); wt_w_u16(&w, 2); wt_w_u16(&w, o->psk_id); }
	if (o->extra_ext) { wt_w_u16(&w, o->extra_ext); wt_w_u16(&w, 0); }
	wt_w_close(&w, exts, 2);
	hs_close(&m, &w, at);
	return m;
}

static int
send_sh(const sh_opts *o)
{
	msg m = server_hello(o);
	return feed_plain(WT_CT_HANDSHAKE, m.b, m.n);
}

/* EncryptedExtensions with these raw extension bytes. */
static msg
encrypted_extensions(const uint8_t *exts, size_t n)
{
	msg m;
	size_t at;
	wt_writer w = hs_open(&m, WT_HS_ENCRYPTED_EXTENSIONS, &at);
	wt_w_u16(&w, (uint32_t)n);
	if (n) wt_w_bytes(&w, exts, n);
	hs_close(&m, &w, at);
	return m;
}

static int
send_ee(const uint8_t *exts, size_t n)
{
	msg m = encrypted_extensions(exts, n);
	return feed_sealed(WT_CT_HANDSHAKE, m.b, m.n);
}

/* The server Finished the engine expects (TLS 1.3). */
static int
send_finished13(void)
{
	uint8_t th[WT_MAX_HASH_LEN], fin[4 + WT_MAX_HASH_LEN];
	wt_th_hash(&c.e, th);
	fin[0] = WT_HS_FINISHED; fin[1] = 0; fin[2] = 0; fin[3] = (uint8_t)c.e.t13.ks.hlen;
	wt_ks_finished(&c.e.t13.ks, c.e.t13.ks.s_hs, th, fin + 4);
	return feed_sealed(WT_CT_HANDSHAKE, fin, 4 + c.e.t13.ks.hlen);
}

/* A resumed TLS 1.3 handshake to the connected state, with this suite. */
static int
connect13(int session, uint16_t suite)
{
	if (start(session)) return -1;
	sh_opts o = { .suite = suite, .key_share = 1, .psk = 1 };
	int rc = send_sh(&o);
	if (!rc) rc = send_ee(NULL, 0);
	if (!rc) rc = send_finished13();
	if (!rc && wt_engine_state(&c.e) != WT_ST_CONNECTED) rc = -2;
	return rc;
}

static msg
new_session_ticket13(uint32_t lifetime)
{
	msg m;
	size_t at;
	wt_writer w = hs_open(&m, WT_HS_NEW_SESSION_TICKET, &at);
	wt_w_u32(&w, lifetime);
	wt_w_u32(&w, 0x11223344);
	wt_w_u8(&w, 1); wt_w_u8(&w, 7);          /* nonce */
	wt_w_u16(&w, 16);
	for (int i = 0; i < 16; i++) wt_w_u8(&w, 0xa0 + i);
	wt_w_u16(&w, 0);
	hs_close(&m, &w, at);
	return m;
}

static int
has_event(int dir, int kind, int type)
{
	unsigned n;
	const wt_event *ev = wt_engine_events(&c.e, &n);
	for (unsigned i = 0; i < n; i++)
		if (ev[i].dir == dir && ev[i].kind == kind && (type < 0 || ev[i].type == type)) return 1;
	return 0;
}

static int
all_zero(const void *p, size_t n)
{
	const uint8_t *q = p;
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++) acc |= q[i];
	return acc == 0;
}

/* Does the engine's memory (struct, work buffer, chain buffer: all of `c`) hold these bytes? */
static int
memory_holds(const uint8_t *secret, size_t n)
{
	const uint8_t *p = (const uint8_t *)&c;
	for (size_t i = 0; i + n <= sizeof c; i++)
		if (p[i] == secret[0] && memcmp(p + i, secret, n) == 0) return 1;
	return 0;
}

/* ================================================================ tests */

static void
test_hello_retry_request(void)
{
	static const uint8_t cookie[] = "a cookie the server wants back, 40 bytes";
	/* a valid HRR: another offered group and a cookie; CH2 carries both */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	size_t ch1 = sent_len;
	sh_opts hrr = { .hrr = 1, .key_share = 1, .ks_group = WT_GROUP_SECP256R1,
		.cookie = cookie, .cookie_len = sizeof cookie - 1 };
	CHECK(send_sh(&hrr) == 0);
	CHECKF(wt_engine_state(&c.e) == WT_ST_WAIT_SH2 && c.e.kex.group == WT_GROUP_SECP256R1, "HRR taken: %s", c.e.detail);
	uint8_t pat[6 + sizeof cookie];
	size_t cl = sizeof cookie - 1;
	pat[0] = 0; pat[1] = EXT_COOKIE; pat[2] = (uint8_t)((cl + 2) >> 8); pat[3] = (uint8_t)(cl + 2);
	pat[4] = (uint8_t)(cl >> 8); pat[5] = (uint8_t)cl;
	memcpy(pat + 6, cookie, cl);
	int echoed = 0;
	for (size_t i = ch1; i + 6 + cl <= sent_len; i++)
		if (memcmp(sent + i, pat, 6 + cl) == 0) echoed = 1;
	CHECKF(echoed, "the cookie is echoed in ClientHello 2");
	int cookie_in_ch1 = 0;
	for (size_t i = 0; i + cl <= ch1; i++)
		if (memcmp(sent + i, cookie, cl) == 0) cookie_in_ch1 = 1;
	CHECK(!cookie_in_ch1);
	/* a second HRR */
	int rc = send_sh(&hrr);
	CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE, "second HRR: %d %s", rc, c.e.detail);
	/* after a valid HRR, the real ServerHello completes the key exchange for the new group */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(send_sh(&hrr) == 0);
	sh_opts sh = { .key_share = 1 };
	rc = send_sh(&sh);
	CHECKF(rc == 0 && wt_engine_state(&c.e) == WT_ST_WAIT_EE && c.e.group == WT_GROUP_SECP256R1,
		"ServerHello after HRR: %d %s", rc, c.e.detail);

	/* a group not offered (secp521r1), the group already sent (X25519MLKEM768), neither group nor cookie */
	static const uint16_t bad_groups[2] = { 0x0019, WT_GROUP_X25519MLKEM768 };
	for (int i = 0; i < 2; i++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		sh_opts o = { .hrr = 1, .key_share = 1, .ks_group = bad_groups[i] };
		rc = send_sh(&o);
		CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER, "HRR group 0x%04x: %d %s", bad_groups[i], rc, c.e.detail);
	}
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	sh_opts none = { .hrr = 1 };
	rc = send_sh(&none);
	CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER, "HRR changing nothing: %d %s", rc, c.e.detail);
}

/*
 * X25519MLKEM768: the default first share (1216 bytes). A real hybrid
 * ServerHello (ct || X25519) is taken; a share one byte short or long, or
 * with only the X25519 part, is illegal_parameter and the alert goes out.
 * The x25519 share sent beside it (same X25519 key) may be answered
 * instead; an HRR asking for x25519 (already sent) is refused, one for
 * secp384r1 regenerates a single share and completes.
 */
static void
test_hybrid_key_share(void)
{
	int rc;
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(c.e.kex.group == WT_GROUP_X25519MLKEM768 && c.e.kex.pub_len == 1216);
	sh_opts sh = { .key_share = 1 };
	rc = send_sh(&sh);
	CHECKF(rc == 0 && wt_engine_state(&c.e) == WT_ST_WAIT_EE && c.e.group == WT_GROUP_X25519MLKEM768,
		"hybrid ServerHello: %d %s", rc, c.e.detail);
	static const int deltas[3] = { -1, 1, -1088 };
	for (int i = 0; i < 3; i++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		sh_opts bad = { .key_share = 1, .ks_delta = deltas[i] };
		sent_len = 0;
		rc = send_sh(&bad);
		CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER, "hybrid share %+d bytes: %d %s", deltas[i], rc, c.e.detail);
		CHECKF(sent_len == 7 && sent[0] == WT_CT_ALERT && sent[5] == 2 && sent[6] == WT_ALERT_ILLEGAL_PARAMETER,
			"illegal_parameter alert sent (%zu bytes)", sent_len);
	}
	/* the server takes the x25519 share */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	sh_opts shx = { .key_share = 1, .sh_group = WT_GROUP_X25519 };
	rc = send_sh(&shx);
	CHECKF(rc == 0 && wt_engine_state(&c.e) == WT_ST_WAIT_EE && c.e.group == WT_GROUP_X25519,
		"x25519 ServerHello to the two shares: %d %s", rc, c.e.detail);
	/* a group with no share sent (secp256r1) in a ServerHello */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	sh_opts shp = { .key_share = 1, .sh_group = WT_GROUP_SECP256R1 };
	rc = send_sh(&shp);
	CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER, "ServerHello for an unsent share: %d %s", rc, c.e.detail);
	/* HRR to x25519: a share was sent for it */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	sh_opts hrrx = { .hrr = 1, .key_share = 1, .ks_group = WT_GROUP_X25519 };
	rc = send_sh(&hrrx);
	CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER, "HRR to x25519 after sending it: %d %s", rc, c.e.detail);
	/* HRR from the hybrid to secp384r1 */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	sh_opts hrr = { .hrr = 1, .key_share = 1, .ks_group = WT_GROUP_SECP384R1 };
	CHECK(send_sh(&hrr) == 0);
	CHECKF(wt_engine_state(&c.e) == WT_ST_WAIT_SH2 && c.e.kex.group == WT_GROUP_SECP384R1 && c.e.kex.pub_len == 97,
		"HRR to secp384r1: %s", c.e.detail);
	rc = send_sh(&sh);
	CHECKF(rc == 0 && c.e.group == WT_GROUP_SECP384R1, "ServerHello after HRR to secp384r1: %d %s", rc, c.e.detail);
}

/*
 * The server's X25519MLKEM768 share (issue 19 "fuzz"): a ServerHello for
 * 0x11EC (answering the hybrid share the ClientHello sent first) whose
 * key_exchange has every length 0..1300 with random content. Only 1120
 * (ct 1088 || X25519 32) is a hybrid share: every other non-empty length is
 * illegal_parameter, an empty one is decode_error (key_exchange<1..2^16-1>,
 * RFC 8446 §4.2.8), each with its alert out and the engine failed, never a
 * crash (this program also runs under ASan+UBSan in build/asan). At 1120,
 * random content is taken (ML-KEM decapsulation rejects implicitly: a
 * garbage ciphertext gives a pseudo-random secret, so the handshake fails
 * later, at the server's Finished), except an X25519 part that gives the
 * all-zero secret (u = 0, u = 1), which is illegal_parameter.
 */
static msg
hybrid_server_hello(const uint8_t *share, size_t share_len)
{
	msg m;
	size_t at;
	uint8_t r[32];
	wt_writer w = hs_open(&m, WT_HS_SERVER_HELLO, &at);
	wt_w_u16(&w, 0x0303);
	wt_fuzz_rng(&srv_ctr, r, 32);
	wt_w_bytes(&w, r, 32);
	wt_w_u8(&w, 32);
	wt_w_bytes(&w, c.e.session_id, 32);
	wt_w_u16(&w, WT_TLS_CHACHA20_POLY1305_SHA256);
	wt_w_u8(&w, 0);
	size_t exts = wt_w_open(&w, 2);
	wt_w_u16(&w, EXT_SUPPORTED_VERSIONS); wt_w_u16(&w, 2); wt_w_u16(&w, WT_VERSION_TLS13);
	wt_w_u16(&w, EXT_KEY_SHARE);
	size_t x = wt_w_open(&w, 2);
	wt_w_u16(&w, WT_GROUP_X25519MLKEM768);
	wt_w_u16(&w, (uint32_t)share_len);
	if (share_len) wt_w_bytes(&w, share, share_len);
	wt_w_close(&w, x, 2);
	wt_w_close(&w, exts, 2);
	hs_close(&m, &w, at);
	return m;
}

static void
test_hybrid_share_lengths(void)
{
	static uint8_t share[1300];
	int bad = 0;
	for (size_t len = 0; len <= 1300; len++) {
		if (len == WT_MLKEM768_CT_LEN + 32) continue;
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		wt_fuzz_rng(&srv_ctr, share, len);
		msg m = hybrid_server_hello(share, len);
		sent_len = 0;
		int rc = feed_plain(WT_CT_HANDSHAKE, m.b, m.n);
		int want = len == 0 ? WT_ERR_DECODE_ERROR : WT_ERR_ILLEGAL_PARAMETER;
		uint8_t alert = len == 0 ? WT_ALERT_DECODE_ERROR : WT_ALERT_ILLEGAL_PARAMETER;
		int ok = rc == want && wt_engine_error(&c.e) == want && wt_engine_state(&c.e) == WT_ST_FAILED &&
			sent_len == 7 && sent[0] == WT_CT_ALERT && sent[5] == 2 && sent[6] == alert;
		if (!ok && bad++ < 5)
			fprintf(stderr, "hybrid share of %zu bytes: rc %d, state %d, %zu bytes out: %s\n",
				len, rc, wt_engine_state(&c.e), sent_len, c.e.detail);
		CHECK(ok);
	}
	CHECKF(bad == 0, "%d of 1300 wrong-length hybrid shares not refused with their alert", bad);

	/* the right length, random content: taken (implicit rejection), the handshake keys set */
	int taken = 0;
	for (int i = 0; i < 64; i++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		wt_fuzz_rng(&srv_ctr, share, 1120);
		msg m = hybrid_server_hello(share, 1120);
		int rc = feed_plain(WT_CT_HANDSHAKE, m.b, m.n);
		taken += rc == 0 && wt_engine_state(&c.e) == WT_ST_WAIT_EE && c.e.group == WT_GROUP_X25519MLKEM768 && c.e.rd.on;
	}
	CHECKF(taken == 64, "%d of 64 random 1120-byte hybrid shares taken", taken);
	/* ... and ciphertexts of all-zero and all-one bytes */
	for (int fill = 0; fill < 2; fill++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		memset(share, fill ? 0xff : 0x00, WT_MLKEM768_CT_LEN);
		wt_fuzz_rng(&srv_ctr, share + WT_MLKEM768_CT_LEN, 32);
		msg m = hybrid_server_hello(share, 1120);
		int rc = feed_plain(WT_CT_HANDSHAKE, m.b, m.n);
		CHECKF(rc == 0 && wt_engine_state(&c.e) == WT_ST_WAIT_EE, "ct of 0x%02x bytes: %d %s", fill ? 0xff : 0, rc, c.e.detail);
	}
	/* an X25519 part that gives the all-zero shared secret: u = 0 and u = 1 (low order) */
	for (int u = 0; u < 2; u++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		wt_fuzz_rng(&srv_ctr, share, WT_MLKEM768_CT_LEN);
		memset(share + WT_MLKEM768_CT_LEN, 0, 32);
		share[WT_MLKEM768_CT_LEN] = (uint8_t)u;
		msg m = hybrid_server_hello(share, 1120);
		sent_len = 0;
		int rc = feed_plain(WT_CT_HANDSHAKE, m.b, m.n);
		CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER && sent_len == 7 && sent[6] == WT_ALERT_ILLEGAL_PARAMETER,
			"X25519 part u = %d: %d %s", u, rc, c.e.detail);
	}
}

static void
test_server_hello_fields(void)
{
	int rc;
	/* legacy_session_id_echo must be ours */
	for (int mode = 1; mode <= 2; mode++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		sh_opts o = { .sid = mode, .key_share = 1 };
		rc = send_sh(&o);
		CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER && strstr(c.e.detail, "session id"), "sid mode %d: %d %s", mode, rc, c.e.detail);
	}
	/* one PSK identity offered: only 0 may be selected */
	CHECK(start(WT_FUZZ_SESSION_TLS13) == 0);
	sh_opts p = { .key_share = 1, .psk = 1, .psk_id = 1 };
	rc = send_sh(&p);
	CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER, "PSK identity 1: %d %s", rc, c.e.detail);
	CHECK(start(WT_FUZZ_SESSION_TLS13) == 0);
	p.psk_id = 0;
	rc = send_sh(&p);
	CHECKF(rc == 0 && c.e.resumed, "PSK identity 0: %d %s", rc, c.e.detail);
	/* pre_shared_key when none was offered */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	rc = send_sh(&p);
	CHECKF(rc == WT_ERR_UNSUPPORTED_EXTENSION, "unsolicited pre_shared_key: %d %s", rc, c.e.detail);
	/* duplicate supported_versions; unsolicited ALPN / status_request in ServerHello */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	sh_opts d = { .key_share = 1, .dup_versions = 1 };
	rc = send_sh(&d);
	CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER && strstr(c.e.detail, "duplicate"), "duplicate in SH: %d %s", rc, c.e.detail);
	static const uint16_t extra[2] = { EXT_ALPN, EXT_STATUS_REQUEST };
	for (int i = 0; i < 2; i++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		sh_opts u = { .key_share = 1, .extra_ext = extra[i] };
		rc = send_sh(&u);
		CHECKF(rc == WT_ERR_UNSUPPORTED_EXTENSION, "extension %u in SH: %d %s", extra[i], rc, c.e.detail);
	}
}

static void
test_encrypted_extensions(void)
{
	sh_opts o = { .key_share = 1 };
	int rc;
	/* duplicates: ALPN twice, record_size_limit twice, early_data twice (early data offered and taken) */
	static const uint8_t alpn2[] = { 0, 16, 0, 5, 0, 3, 2, 'h', '2', 0, 16, 0, 5, 0, 3, 2, 'h', '2' };
	static const uint8_t rsl2[] = { 0, 28, 0, 2, 0x40, 0, 0, 28, 0, 2, 0x40, 0 };
	static const uint8_t early2[] = { 0, 42, 0, 0, 0, 42, 0, 0 };
	const uint8_t *dups[3] = { alpn2, rsl2, early2 };
	size_t dup_len[3] = { sizeof alpn2, sizeof rsl2, sizeof early2 };
	for (int i = 0; i < 3; i++) {
		CHECK(start(i == 2 ? WT_FUZZ_SESSION_EARLY : WT_FUZZ_SESSION_NONE) == 0);
		sh_opts r = o;
		r.psk = i == 2;
		CHECK(send_sh(&r) == 0);
		rc = send_ee(dups[i], dup_len[i]);
		CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER && strstr(c.e.detail, "duplicate"), "duplicate %d in EE: %d %s", i, rc, c.e.detail);
	}
	/* unsolicited: an unknown type, early_data without an offer; forbidden: key_share */
	static const uint8_t unknown[] = { 0x12, 0x34, 0, 0 };
	static const uint8_t early[] = { 0, 42, 0, 0 };
	static const uint8_t ks[] = { 0, 51, 0, 2, 0, 0x1d };
	const uint8_t *bad[3] = { unknown, early, ks };
	size_t bad_len[3] = { sizeof unknown, sizeof early, sizeof ks };
	int want[3] = { WT_ERR_UNSUPPORTED_EXTENSION, WT_ERR_UNSUPPORTED_EXTENSION, WT_ERR_ILLEGAL_PARAMETER };
	for (int i = 0; i < 3; i++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		CHECK(send_sh(&o) == 0);
		rc = send_ee(bad[i], bad_len[i]);
		CHECKF(rc == want[i], "extension %d in EE: %d %s", i, rc, c.e.detail);
	}
	/* a plain EncryptedExtensions passes */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(send_sh(&o) == 0);
	rc = send_ee(alpn2, sizeof alpn2 / 2);
	CHECKF(rc == 0 && wt_engine_state(&c.e) == WT_ST_WAIT_CERT_CR, "EE with ALPN: %d %s", rc, c.e.detail);
}

static void
test_ccs_and_alert_rules(void)
{
	static const uint8_t ccs[1] = { 1 };
	sh_opts o = { .key_share = 1 };
	int rc;
	/* one middlebox CCS is ignored; a second one is not */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(send_sh(&o) == 0);
	CHECKF(feed_plain(WT_CT_CHANGE_CIPHER_SPEC, ccs, 1) == 0, "first CCS: %s", c.e.detail);
	rc = feed_plain(WT_CT_CHANGE_CIPHER_SPEC, ccs, 1);
	CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE && strstr(c.e.detail, "second"), "second CCS: %d %s", rc, c.e.detail);
	/* a (first) CCS after protected records */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(send_sh(&o) == 0);
	CHECK(send_ee(NULL, 0) == 0);
	rc = feed_plain(WT_CT_CHANGE_CIPHER_SPEC, ccs, 1);
	CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE && strstr(c.e.detail, "after protected"), "CCS after EE: %d %s", rc, c.e.detail);
	/* a CCS inside a fragmented (protected) handshake message */
	msg ee = encrypted_extensions(NULL, 0);
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(send_sh(&o) == 0);
	CHECK(feed_sealed(WT_CT_HANDSHAKE, ee.b, 3) == 0 && c.e.hs_len == 3);
	rc = feed_plain(WT_CT_CHANGE_CIPHER_SPEC, ccs, 1);
	CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE && strstr(c.e.detail, "fragmented"), "CCS in a fragment: %d %s", rc, c.e.detail);
	/* ... and in a fragmented plaintext ServerHello */
	msg sh = server_hello(&o);
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(feed_plain(WT_CT_HANDSHAKE, sh.b, 20) == 0);
	rc = feed_plain(WT_CT_CHANGE_CIPHER_SPEC, ccs, 1);
	CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE, "CCS in a ServerHello fragment: %d %s", rc, c.e.detail);
	/* an alert inside a fragmented handshake message */
	static const uint8_t warning[2] = { 1, WT_ALERT_USER_CANCELED };
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(send_sh(&o) == 0);
	CHECK(feed_sealed(WT_CT_HANDSHAKE, ee.b, 3) == 0);
	rc = feed_sealed(WT_CT_ALERT, warning, 2);
	CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE && strstr(c.e.detail, "alert inside"), "alert in a fragment: %d %s", rc, c.e.detail);
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	CHECK(feed_plain(WT_CT_HANDSHAKE, sh.b, 20) == 0);
	rc = feed_plain(WT_CT_ALERT, warning, 2);
	CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE, "alert in a ServerHello fragment: %d %s", rc, c.e.detail);
}

static void
test_early_data_suite(void)
{
	static const uint8_t early[] = { 0, 42, 0, 0 };
	int rc;
	/* the session's suite is ChaCha20 (SHA-256): AES-128-GCM has the same hash but is not the session's */
	CHECK(start(WT_FUZZ_SESSION_EARLY) == 0);
	CHECK(c.e.t13.early_status == WT_EARLY_PENDING);
	sh_opts o = { .key_share = 1, .psk = 1, .suite = WT_TLS_AES_128_GCM_SHA256 };
	CHECK(send_sh(&o) == 0);
	rc = send_ee(early, sizeof early);
	CHECKF(rc == WT_ERR_ILLEGAL_PARAMETER && strstr(c.e.detail, "early data"), "0-RTT with another suite: %d %s", rc, c.e.detail);
	/* the same suite: accepted, and the handshake completes */
	CHECK(start(WT_FUZZ_SESSION_EARLY) == 0);
	o.suite = WT_TLS_CHACHA20_POLY1305_SHA256;
	CHECK(send_sh(&o) == 0);
	rc = send_ee(early, sizeof early);
	CHECKF(rc == 0 && c.e.t13.early_status == WT_EARLY_ACCEPTED, "0-RTT with the session's suite: %d %s", rc, c.e.detail);
	rc = send_finished13();
	CHECKF(rc == 0 && wt_engine_state(&c.e) == WT_ST_CONNECTED, "connected after 0-RTT: %d %s", rc, c.e.detail);
	/* without early data the server may pick another suite of the same hash */
	CHECK(start(WT_FUZZ_SESSION_TLS13) == 0);
	o.suite = WT_TLS_AES_128_GCM_SHA256;
	CHECK(send_sh(&o) == 0);
	rc = send_ee(NULL, 0);
	CHECKF(rc == 0, "resumption with another suite, no early data: %d %s", rc, c.e.detail);
}

/* One TLS 1.3 Certificate message: the leaf with `exts` raw extension bytes, then optionally an empty entry. */
static msg
certificate13(const uint8_t *der, size_t der_len, const uint8_t *exts, size_t exts_len, int exts_vec_len, int empty_second)
{
	msg m;
	size_t at;
	wt_writer w = hs_open(&m, WT_HS_CERTIFICATE, &at);
	wt_w_u8(&w, 0);
	size_t list = wt_w_open(&w, 3);
	wt_w_u24(&w, (uint32_t)der_len);
	wt_w_bytes(&w, der, der_len);
	wt_w_u16(&w, exts_vec_len >= 0 ? (uint32_t)exts_vec_len : (uint32_t)exts_len);
	if (exts_len) wt_w_bytes(&w, exts, exts_len);
	if (empty_second) { wt_w_u24(&w, 0); wt_w_u16(&w, 0); }
	wt_w_close(&w, list, 3);
	hs_close(&m, &w, at);
	return m;
}

static void
test_certificate_entries(void)
{
	static uint8_t der[4096];
	char path[512];
	snprintf(path, sizeof path, "%s/tests/fixtures/x509/leaf-ec.der", WT_SOURCE_DIR);
	FILE *f = fopen(path, "rb");
	CHECKF(f != NULL, "%s", path);
	if (!f) return;
	size_t der_len = fread(der, 1, sizeof der, f);
	fclose(f);
	sh_opts o = { .key_share = 1 };
	static const uint8_t staple[] = { 0, 5, 0, 8, 1, 0, 0, 4, 0x30, 0x02, 0x0a, 0x00 };  /* ocsp, a tiny OCSPResponse */
	static const uint8_t staple_type2[] = { 0, 5, 0, 8, 2, 0, 0, 4, 0x30, 0x02, 0x0a, 0x00 };
	static const uint8_t staple_short[] = { 0, 5, 0, 4, 1, 0, 0, 9 };            /* response length past the end */
	static const uint8_t staple_empty[] = { 0, 5, 0, 4, 1, 0, 0, 0 };
	static const uint8_t staple_twice[] = { 0, 5, 0, 8, 1, 0, 0, 4, 0x30, 0x02, 0x0a, 0x00,
		0, 5, 0, 8, 1, 0, 0, 4, 0x30, 0x02, 0x0a, 0x00 };
	static const uint8_t sct[] = { 0, EXT_SCT, 0, 0 };
	static const uint8_t truncated[] = { 0, 5, 0, 10, 1, 0 };                     /* extension longer than the block */
	struct { const uint8_t *exts; size_t n; int vec; int empty2; int want; const char *what; } cases[] = {
		{ NULL, 0, -1, 0, 0, "plain leaf" },
		{ staple, sizeof staple, -1, 0, 0, "leaf with a staple" },
		{ NULL, 0, -1, 1, WT_ERR_DECODE_ERROR, "a zero-length cert_data after the leaf" },
		{ truncated, sizeof truncated, -1, 0, WT_ERR_DECODE_ERROR, "a malformed extensions block" },
		{ staple, sizeof staple, (int)sizeof staple + 3, 0, WT_ERR_DECODE_ERROR, "extensions length past the entry" },
		{ staple_type2, sizeof staple_type2, -1, 0, WT_ERR_DECODE_ERROR, "status_type 2" },
		{ staple_short, sizeof staple_short, -1, 0, WT_ERR_DECODE_ERROR, "a truncated OCSPResponse" },
		{ staple_empty, sizeof staple_empty, -1, 0, WT_ERR_DECODE_ERROR, "an empty OCSPResponse" },
		{ staple_twice, sizeof staple_twice, -1, 0, WT_ERR_ILLEGAL_PARAMETER, "status_request twice" },
		{ sct, sizeof sct, -1, 0, WT_ERR_UNSUPPORTED_EXTENSION, "signed_certificate_timestamp (not offered)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
		CHECK(send_sh(&o) == 0);
		CHECK(send_ee(NULL, 0) == 0);
		msg m = certificate13(der, der_len, cases[i].exts, cases[i].n, cases[i].vec, cases[i].empty2);
		int rc = feed_sealed(WT_CT_HANDSHAKE, m.b, m.n);
		CHECKF(rc == cases[i].want, "%s: %d %s", cases[i].what, rc, c.e.detail);
		if (cases[i].want == 0) CHECKF(wt_engine_state(&c.e) == WT_ST_WAIT_CV, "%s: state", cases[i].what);
	}
}

static void
test_limits(void)
{
	int rc;
	static const uint8_t ku[5] = { WT_HS_KEY_UPDATE, 0, 0, 1, 0 };
	static const uint8_t data[4] = { 'd', 'a', 't', 'a' };
	/* KeyUpdate: 32 in a row pass, application data resets the count, the 33rd in a row fails */
	CHECKF(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0, "connect: %s", c.e.detail);
	for (int i = 0; i < WT_MAX_KEY_UPDATES; i++) CHECKF(feed_sealed(WT_CT_HANDSHAKE, ku, 5) == 0, "KeyUpdate %d: %s", i, c.e.detail);
	CHECK(feed_sealed(WT_CT_APPLICATION_DATA, data, 4) == 0);
	for (int i = 0; i < WT_MAX_KEY_UPDATES; i++) CHECK(feed_sealed(WT_CT_HANDSHAKE, ku, 5) == 0);
	rc = feed_sealed(WT_CT_HANDSHAKE, ku, 5);
	CHECKF(rc == WT_ERR_TOO_MANY_MESSAGES && strstr(c.e.detail, "KeyUpdate"), "33rd KeyUpdate: %d %s", rc, c.e.detail);
	CHECK(wt_err_alert(rc) == WT_ALERT_UNEXPECTED_MESSAGE);

	/* NewSessionTicket */
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0);
	msg nst = new_session_ticket13(3600);
	for (int i = 0; i < WT_MAX_TICKETS; i++) CHECKF(feed_sealed(WT_CT_HANDSHAKE, nst.b, nst.n) == 0, "NST %d: %s", i, c.e.detail);
	CHECK(feed_sealed(WT_CT_APPLICATION_DATA, data, 4) == 0);
	for (int i = 0; i < WT_MAX_TICKETS; i++) CHECK(feed_sealed(WT_CT_HANDSHAKE, nst.b, nst.n) == 0);
	rc = feed_sealed(WT_CT_HANDSHAKE, nst.b, nst.n);
	CHECKF(rc == WT_ERR_TOO_MANY_MESSAGES && strstr(c.e.detail, "NewSessionTicket"), "33rd NST: %d %s", rc, c.e.detail);

	/* empty application data records */
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0);
	for (int i = 0; i < WT_MAX_EMPTY_RECORDS; i++) CHECK(feed_sealed(WT_CT_APPLICATION_DATA, NULL, 0) == 0);
	CHECK(feed_sealed(WT_CT_APPLICATION_DATA, data, 4) == 0);
	for (int i = 0; i < WT_MAX_EMPTY_RECORDS; i++) CHECK(feed_sealed(WT_CT_APPLICATION_DATA, NULL, 0) == 0);
	rc = feed_sealed(WT_CT_APPLICATION_DATA, NULL, 0);
	CHECKF(rc == WT_ERR_TOO_MANY_MESSAGES && strstr(c.e.detail, "empty"), "33rd empty record: %d %s", rc, c.e.detail);
	/* an empty handshake record is refused at once (RFC 8446 §5.1) */
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0);
	rc = feed_sealed(WT_CT_HANDSHAKE, NULL, 0);
	CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE, "empty handshake record: %d %s", rc, c.e.detail);

	/* user_canceled warnings (TLS 1.3) count too */
	static const uint8_t cancel[2] = { 1, WT_ALERT_USER_CANCELED };
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0);
	for (int i = 0; i < WT_MAX_WARNINGS; i++) CHECK(feed_sealed(WT_CT_ALERT, cancel, 2) == 0);
	rc = feed_sealed(WT_CT_ALERT, cancel, 2);
	CHECKF(rc == WT_ERR_TOO_MANY_MESSAGES, "5th user_canceled: %d %s", rc, c.e.detail);
}

static void
test_sequence_limits13(void)
{
	static const uint8_t data[4] = { 'd', 'a', 't', 'a' };
	int rc;
	/* read: the record numbered 2^64 - 2 is the last one taken */
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0);
	c.e.rd.seq = WT_SEQ_LAST;
	CHECKF(feed_sealed(WT_CT_APPLICATION_DATA, data, 4) == 0, "last sequence number: %s", c.e.detail);
	rc = feed_sealed(WT_CT_APPLICATION_DATA, data, 4);
	CHECKF(rc == WT_ERR_SEQUENCE_LIMIT, "read sequence number 2^64 - 1: %d %s", rc, c.e.detail);

	/* write, ChaCha20: a KeyUpdate before the counter runs out */
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0);
	c.e.wr.seq = WT_SEQ_LAST - 2;
	wt_engine_events_clear(&c.e);
	size_t n = 0;
	uint8_t *w = wt_engine_write_buf(&c.e, &n);
	CHECK(w && n > 0);
	if (w) { memcpy(w, data, 4); rc = wt_engine_write_done(&c.e, 4); CHECKF(rc == 0, "write: %s", c.e.detail); }
	CHECKF(c.e.wr.seq == 0 && has_event(WT_EV_OUT, WT_EV_KEYS, 4), "KeyUpdate near 2^64: seq %llu", (unsigned long long)c.e.wr.seq);

	/* write, AES-128-GCM: a KeyUpdate after 2^24 records, not before */
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, WT_TLS_AES_128_GCM_SHA256) == 0);
	CHECK(c.e.cipher == WT_TLS_AES_128_GCM_SHA256);
	c.e.wr.seq = WT_AES_GCM_RECORD_LIMIT - 2;
	wt_fuzz_conn_drain(&c, NULL, NULL);
	wt_engine_events_clear(&c.e);
	w = wt_engine_write_buf(&c.e, &n);
	if (w) { memcpy(w, data, 4); CHECK(wt_engine_write_done(&c.e, 4) == 0); }
	CHECKF(c.e.wr.seq == WT_AES_GCM_RECORD_LIMIT - 1 && !has_event(WT_EV_OUT, WT_EV_KEYS, 4), "no KeyUpdate yet");
	wt_fuzz_conn_drain(&c, NULL, NULL);
	w = wt_engine_write_buf(&c.e, &n);
	CHECK(w && n > 0);
	if (w) { memcpy(w, data, 4); CHECK(wt_engine_write_done(&c.e, 4) == 0); }
	size_t out = 0;
	wt_engine_send_buf(&c.e, &out);
	CHECKF(c.e.wr.seq == 0 && has_event(WT_EV_OUT, WT_EV_KEYS, 4), "KeyUpdate at 2^24 AES-GCM records: seq %llu",
		(unsigned long long)c.e.wr.seq);
	CHECKF(out == (5 + 4 + 1 + 16) + (5 + 5 + 1 + 16), "the data record and the KeyUpdate record: %zu bytes", out);
	/* and the new keys are the next generation of the client secret */
	uint8_t next[WT_MAX_HASH_LEN];
	memcpy(next, c.e.t13.ks.c_ap, sizeof next);
	CHECK(c.e.wr.on && c.e.state == WT_ST_CONNECTED);
}

/* TLS 1.2: the resumed (abbreviated) handshake up to the server's CCS, with a NewSessionTicket. */
static int
start12_to_ccs(void)
{
	if (start(WT_FUZZ_SESSION_TLS12)) return -1;
	msg m;
	size_t at;
	wt_writer w = hs_open(&m, WT_HS_SERVER_HELLO, &at);
	wt_w_u16(&w, 0x0303);
	uint8_t r[32];
	memset(r, 0x11, 32);
	wt_w_bytes(&w, r, 32);
	wt_w_u8(&w, 32);
	wt_w_bytes(&w, c.e.session_id, 32);
	wt_w_u16(&w, WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
	wt_w_u8(&w, 0);
	size_t exts = wt_w_open(&w, 2);
	wt_w_u16(&w, EXT_EMS); wt_w_u16(&w, 0);
	wt_w_u16(&w, EXT_SESSION_TICKET); wt_w_u16(&w, 0);
	wt_w_u16(&w, 0xff01); wt_w_u16(&w, 1); wt_w_u8(&w, 0);
	wt_w_close(&w, exts, 2);
	hs_close(&m, &w, at);
	int rc = feed_plain(WT_CT_HANDSHAKE, m.b, m.n);
	if (rc) return rc;
	w = hs_open(&m, WT_HS_NEW_SESSION_TICKET, &at);
	wt_w_u32(&w, 3600);
	wt_w_u16(&w, 12);
	wt_w_bytes(&w, "new ticket!!", 12);
	hs_close(&m, &w, at);
	rc = feed_plain(WT_CT_HANDSHAKE, m.b, m.n);
	if (rc) return rc;
	static const uint8_t ccs[1] = { 1 };
	return feed_plain(WT_CT_CHANGE_CIPHER_SPEC, ccs, 1);
}

static int
send_finished12(int correct)
{
	uint8_t th[WT_MAX_HASH_LEN], fin[4 + WT_TLS12_VERIFY_LEN] = { WT_HS_FINISHED, 0, 0, WT_TLS12_VERIFY_LEN };
	wt_th_hash(&c.e, th);
	wt_tls12_finished(&br_sha256_vtable, c.e.t12.master, 0, th, 32, fin + 4);
	if (!correct) fin[4] ^= 1;
	return feed_sealed(WT_CT_HANDSHAKE, fin, sizeof fin);
}

static void
test_tls12_session_after_finished(void)
{
	uint8_t master[48];
	memset(master, 0x5a, sizeof master);   /* the fuzz session's master secret */
	const uint8_t *sess = NULL;
	int rc = start12_to_ccs();
	CHECKF(rc == 0 && wt_engine_state(&c.e) == WT_ST_TLS12_WAIT_FINISHED && c.e.resumed, "TLS 1.2 resumption: %d %s", rc, c.e.detail);
	/* the ticket arrived, but the server is not verified yet: no session */
	CHECK(wt_engine_session(&c.e, &sess) == 0 && sess == NULL);
	CHECK(!has_event(WT_EV_IN, WT_EV_SESSION, -1));
	rc = send_finished12(0);
	CHECKF(rc == WT_ERR_BAD_FINISHED, "wrong Finished: %d %s", rc, c.e.detail);
	CHECK(wt_engine_session(&c.e, &sess) == 0 && !has_event(WT_EV_IN, WT_EV_SESSION, -1));
	CHECKF(all_zero(c.e.new_session, sizeof c.e.new_session), "the session buffer is wiped");
	CHECKF(!memory_holds(master, sizeof master), "no master secret left after wt_fail");

	/* the right Finished: the session is raised then, and the master secret lives only in it */
	rc = start12_to_ccs();
	CHECK(rc == 0);
	CHECK(wt_engine_session(&c.e, &sess) == 0);
	rc = send_finished12(1);
	CHECKF(rc == 0 && wt_engine_state(&c.e) == WT_ST_CONNECTED, "right Finished: %d %s", rc, c.e.detail);
	size_t n = wt_engine_session(&c.e, &sess);
	CHECKF(n > 0 && has_event(WT_EV_IN, WT_EV_SESSION, WT_VERSION_TLS12), "session after Finished");
	wt_session s;
	CHECK(n && wt_session_decode(&s, sess, n) == 0 && s.secret_len == 48 && memcmp(s.secret, master, 48) == 0 &&
		s.ticket_len == 12 && memcmp(s.ticket, "new ticket!!", 12) == 0);
	CHECKF(all_zero(c.e.t12.master, sizeof c.e.t12.master), "master12 wiped once both Finished are done");

	/* TLS 1.2 warnings: 4 in a row pass, the 5th fails */
	static const uint8_t unrecognized[2] = { 1, 112 };
	static const uint8_t data[4] = { 'd', 'a', 't', 'a' };
	for (int i = 0; i < WT_MAX_WARNINGS; i++) CHECKF(feed_sealed(WT_CT_ALERT, unrecognized, 2) == 0, "warning %d: %s", i, c.e.detail);
	CHECK(feed_sealed(WT_CT_APPLICATION_DATA, data, 4) == 0);
	for (int i = 0; i < WT_MAX_WARNINGS; i++) CHECK(feed_sealed(WT_CT_ALERT, unrecognized, 2) == 0);
	rc = feed_sealed(WT_CT_ALERT, unrecognized, 2);
	CHECKF(rc == WT_ERR_TOO_MANY_MESSAGES && strstr(c.e.detail, "warning"), "5th warning: %d %s", rc, c.e.detail);

	/* HelloRequests (each answered with a no_renegotiation warning): 32 in a row pass, the 33rd fails */
	static const uint8_t hello_request[4] = { WT_HS_HELLO_REQUEST, 0, 0, 0 };
	CHECK(start12_to_ccs() == 0 && send_finished12(1) == 0);
	for (int i = 0; i < WT_MAX_KEY_UPDATES; i++) CHECKF(feed_sealed(WT_CT_HANDSHAKE, hello_request, 4) == 0, "HelloRequest %d: %s", i, c.e.detail);
	CHECK(feed_sealed(WT_CT_APPLICATION_DATA, data, 4) == 0);
	for (int i = 0; i < WT_MAX_KEY_UPDATES; i++) CHECK(feed_sealed(WT_CT_HANDSHAKE, hello_request, 4) == 0);
	rc = feed_sealed(WT_CT_HANDSHAKE, hello_request, 4);
	CHECKF(rc == WT_ERR_TOO_MANY_MESSAGES && strstr(c.e.detail, "HelloRequest"), "33rd HelloRequest: %d %s", rc, c.e.detail);

	/* TLS 1.2 write sequence number: the connection fails before it would wrap */
	CHECK(start12_to_ccs() == 0 && send_finished12(1) == 0);
	c.e.wr.seq = WT_SEQ_LAST - 1;
	size_t wn = 0;
	uint8_t *w = wt_engine_write_buf(&c.e, &wn);
	CHECK(w && wn > 0);
	if (w) {
		memcpy(w, data, 4);
		rc = wt_engine_write_done(&c.e, 4);
		CHECKF(rc == WT_ERR_SEQUENCE_LIMIT && wt_engine_state(&c.e) == WT_ST_FAILED, "TLS 1.2 write at 2^64 - 2: %d", rc);
	}
	CHECK(wt_engine_write_buf(&c.e, &wn) == NULL);
	/* and the read one */
	CHECK(start12_to_ccs() == 0 && send_finished12(1) == 0);
	c.e.rd.seq = WT_SEQ_LAST;
	CHECK(feed_sealed(WT_CT_APPLICATION_DATA, data, 4) == 0);
	rc = feed_sealed(WT_CT_APPLICATION_DATA, data, 4);
	CHECKF(rc == WT_ERR_SEQUENCE_LIMIT, "TLS 1.2 read sequence number 2^64 - 1: %d %s", rc, c.e.detail);
}

/* TLS 1.2 full handshake with status_request acknowledged: the chain waits for its staple. */
static void
test_tls12_staple_kept(void)
{
	static uint8_t der[4096];
	char path[512];
	snprintf(path, sizeof path, "%s/tests/fixtures/x509/leaf-ec.der", WT_SOURCE_DIR);
	FILE *f = fopen(path, "rb");
	CHECKF(f != NULL, "%s", path);
	if (!f) return;
	size_t der_len = fread(der, 1, sizeof der, f);
	fclose(f);
	for (int small = 0; small < 2; small++) {
		sent_len = 0;
		CHECK(wt_fuzz_conn_start_with(&c, 0, 0, WT_FUZZ_SESSION_NONE) == 0);   /* verifying */
		wt_fuzz_conn_drain(&c, sink, NULL);
		if (small) c.e.chain_cap = der_len;   /* one certificate does not fit with its length prefix */
		msg m;
		size_t at;
		wt_writer w = hs_open(&m, WT_HS_SERVER_HELLO, &at);
		wt_w_u16(&w, 0x0303);
		uint8_t r[32];
		memset(r, 0x22, 32);
		wt_w_bytes(&w, r, 32);
		wt_w_u8(&w, 0);
		wt_w_u16(&w, WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
		wt_w_u8(&w, 0);
		size_t exts = wt_w_open(&w, 2);
		wt_w_u16(&w, EXT_EMS); wt_w_u16(&w, 0);
		wt_w_u16(&w, EXT_STATUS_REQUEST); wt_w_u16(&w, 0);
		wt_w_close(&w, exts, 2);
		hs_close(&m, &w, at);
		CHECKF(feed_plain(WT_CT_HANDSHAKE, m.b, m.n) == 0 && c.e.t12.status, "TLS 1.2 ServerHello: %s", c.e.detail);
		w = hs_open(&m, WT_HS_CERTIFICATE, &at);
		size_t list = wt_w_open(&w, 3);
		wt_w_u24(&w, (uint32_t)der_len);
		wt_w_bytes(&w, der, der_len);
		wt_w_close(&w, list, 3);
		hs_close(&m, &w, at);
		int rc = feed_plain(WT_CT_HANDSHAKE, m.b, m.n);
		if (small)
			CHECKF(rc == WT_ERR_BUFFER_TOO_SMALL && strstr(c.e.detail, "CertificateStatus"),
				"chain buffer too small for the deferred check: %d %s", rc, c.e.detail);
		else
			CHECKF(rc == 0 && c.e.t12.chain_pending && wt_engine_state(&c.e) == WT_ST_TLS12_WAIT_SKE,
				"chain kept for its staple: %d %s", rc, c.e.detail);
	}
}

/* The secrets of a connected TLS 1.3 engine, as copies. */
typedef struct {
	uint8_t c_ap[32], s_ap[32], res_master[32], psk[32];
	uint8_t ckey[32], civ[12], skey[32], siv[12];
} secrets13;

static void
capture13(secrets13 *k)
{
	memcpy(k->c_ap, c.e.t13.ks.c_ap, 32);
	memcpy(k->s_ap, c.e.t13.ks.s_ap, 32);
	memcpy(k->res_master, c.e.t13.res_master, 32);
	wt_ks_traffic_key(&br_sha256_vtable, k->c_ap, 32, k->ckey, k->civ);
	wt_ks_traffic_key(&br_sha256_vtable, k->s_ap, 32, k->skey, k->siv);
	const uint8_t *sess = NULL;
	size_t n = wt_engine_session(&c.e, &sess);
	wt_session s;
	memset(k->psk, 0, sizeof k->psk);
	if (n && wt_session_decode(&s, sess, n) == 0) memcpy(k->psk, s.secret, 32);
}

static int
memory_holds_any(const secrets13 *k, const char *when)
{
	struct { const uint8_t *p; size_t n; const char *name; } list[] = {
		{ k->c_ap, 32, "client_application_traffic_secret" }, { k->s_ap, 32, "server_application_traffic_secret" },
		{ k->res_master, 32, "resumption_master_secret" }, { k->psk, 32, "the ticket's PSK" },
		{ k->ckey, 32, "the client write key" }, { k->civ, 12, "the client write IV" },
		{ k->skey, 32, "the server write key" }, { k->siv, 12, "the server write IV" },
	};
	int found = 0;
	for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
		if (memory_holds(list[i].p, list[i].n)) {
			fprintf(stderr, "%s: the engine memory still holds %s\n", when, list[i].name);
			found = 1;
		}
	}
	return found;
}

static void
test_wiping(void)
{
	secrets13 k;
	/* the master secret is gone once the resumption secret is derived */
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0);
	CHECKF(all_zero(c.e.t13.ks.secret, sizeof c.e.t13.ks.secret), "TLS 1.3 master secret wiped after res_master");
	CHECK(all_zero(c.e.t13.ks.c_hs, sizeof c.e.t13.ks.c_hs) && all_zero(c.e.t13.ks.s_hs, sizeof c.e.t13.ks.s_hs));

	/* after wt_fail (a forged record): no traffic secret, record key, resumption secret or session */
	msg nst = new_session_ticket13(3600);
	CHECK(feed_sealed(WT_CT_HANDSHAKE, nst.b, nst.n) == 0);
	capture13(&k);
	CHECK(!all_zero(k.psk, 32) && memory_holds(k.c_ap, 32) && memory_holds(k.ckey, 32) && memory_holds(k.psk, 32));
	{
		static const uint8_t data[4] = { 'd', 'a', 't', 'a' };
		wt_record_dir copy = c.e.rd;
		memcpy(rec + 5, data, 4);
		size_t n = wt_record_seal(&copy, rec, WT_CT_APPLICATION_DATA, 4);
		rec[n - 1] ^= 1;
		int rc = wt_fuzz_conn_feed(&c, rec, n, 0, sink, NULL);
		CHECKF(rc == WT_ERR_BAD_RECORD_MAC, "forged record: %d", rc);
	}
	const uint8_t *sess = NULL;
	CHECK(wt_engine_session(&c.e, &sess) == 0);
	CHECKF(!memory_holds_any(&k, "after wt_fail"), "after wt_fail the engine holds no secret");

	/* after wt_engine_wipe of a healthy connection: nothing either */
	CHECK(connect13(WT_FUZZ_SESSION_TLS13, 0) == 0);
	CHECK(feed_sealed(WT_CT_HANDSHAKE, nst.b, nst.n) == 0);
	capture13(&k);
	CHECK(memory_holds(k.s_ap, 32) && memory_holds(k.skey, 32));
	wt_engine_wipe(&c.e);
	CHECKF(!memory_holds_any(&k, "after wt_engine_wipe"), "after wt_engine_wipe the engine holds no secret");

	/* during the handshake: after a failure at EncryptedExtensions, no handshake secret or key */
	CHECK(start(WT_FUZZ_SESSION_NONE) == 0);
	sh_opts o = { .key_share = 1 };
	CHECK(send_sh(&o) == 0);
	memset(&k, 0, sizeof k);
	memcpy(k.c_ap, c.e.t13.ks.c_hs, 32);      /* the handshake traffic secrets, in the same slots */
	memcpy(k.s_ap, c.e.t13.ks.s_hs, 32);
	memcpy(k.res_master, c.e.t13.ks.secret, 32);   /* the handshake secret */
	wt_ks_traffic_key(&br_sha256_vtable, k.c_ap, 32, k.ckey, k.civ);
	wt_ks_traffic_key(&br_sha256_vtable, k.s_ap, 32, k.skey, k.siv);
	memset(k.psk, 0xff, sizeof k.psk);
	CHECK(memory_holds(k.s_ap, 32) && memory_holds(k.skey, 32) && memory_holds(k.ckey, 32));
	static const uint8_t unknown[] = { 0x12, 0x34, 0, 0 };
	CHECK(send_ee(unknown, sizeof unknown) == WT_ERR_UNSUPPORTED_EXTENSION);
	CHECKF(!memory_holds_any(&k, "after wt_fail in the handshake"), "no handshake secret after wt_fail");

	/* TLS 1.2: after a failure once connected, the session (holding the master secret) is gone */
	uint8_t master[48];
	memset(master, 0x5a, sizeof master);
	CHECK(start12_to_ccs() == 0 && send_finished12(1) == 0);
	CHECK(memory_holds(master, 48));   /* in the session encoding */
	static const uint8_t bad_alert[3] = { 2, 0, 0 };
	int rc = feed_sealed(WT_CT_ALERT, bad_alert, 3);
	CHECKF(rc == WT_ERR_DECODE_ERROR, "malformed alert: %d", rc);
	CHECKF(!memory_holds(master, 48), "TLS 1.2: no master secret after wt_fail");
}

int
main(void)
{
	test_hello_retry_request();
	test_hybrid_key_share();
	test_hybrid_share_lengths();
	test_server_hello_fields();
	test_encrypted_extensions();
	test_ccs_and_alert_rules();
	test_early_data_suite();
	test_certificate_entries();
	test_limits();
	test_sequence_limits13();
	test_tls12_session_after_finished();
	test_tls12_staple_kept();
	test_wiping();
	wt_engine_wipe(&c.e);
	wt_kex_wipe(&skex);
	return WT_TEST_SUMMARY();
}
