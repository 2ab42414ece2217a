/*
 * test_tls12.c — the TLS 1.2 handshake and record layer against a scripted
 * server written here from the RFCs (RFC 5246, 8422, 7627, 5288, 7905):
 *
 *   - the PRF against BearSSL's own br_tls12_sha256_prf / sha384 and a
 *     published SHA-256 PRF test vector;
 *   - full handshakes (AES-128-GCM with its explicit nonce, ChaCha20-Poly1305,
 *     AES-256-GCM/SHA-384) with data both ways, HelloRequest refused with a
 *     warning no_renegotiation, close_notify;
 *   - a ServerHello carrying the RFC 8446 downgrade sentinel is rejected when
 *     TLS 1.3 was offered (and accepted when only 1.2 was);
 *   - a server Finished with a wrong verify_data is rejected;
 *   - a ServerHello without extended_master_secret is rejected by default and
 *     accepted (classic master secret) with WT_FLAG_ALLOW_NO_EMS;
 *   - a TLS 1.1 ServerHello fails with PROTOCOL_VERSION.
 *
 * The server signs ServerKeyExchange with the throw-away key in
 * tests/fixtures/tls12/ (the engine runs with chain checks off here; chain
 * verification is covered by test_x509 and the interop tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wt_engine.h"
#include "wt_keysched12.h"
#include "wt_x509.h"
#include "wt_bytes.h"
#include "wt_test.h"

#ifndef WT_SOURCE_DIR
#define WT_SOURCE_DIR "."
#endif

/* ------------------------------------------------------------- helpers */

static size_t
load(const char *name, uint8_t *buf, size_t cap)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/fixtures/tls12/%s", WT_SOURCE_DIR, name);
	FILE *f = fopen(path, "rb");
	if (!f) { perror(path); exit(2); }
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* Deterministic "RNG" for reproducible runs (the engine's randomness source is the caller's). */
static int
test_rng(void *ctx, uint8_t *out, size_t len)
{
	uint32_t *s = ctx;
	for (size_t i = 0; i < len; i++) {
		*s = *s * 1103515245u + 12345u;
		out[i] = (uint8_t)(*s >> 16);
	}
	return 0;
}

typedef struct {
	uint8_t cert[2048];
	size_t cert_len;
	uint8_t chain_cert[2048];           /* the same key, issued by the test CA */
	size_t chain_cert_len;
	uint8_t ca[2048];
	size_t ca_len;
	br_ec_private_key sk;
	uint8_t sk_buf[BR_EC_KBUF_PRIV_MAX_SIZE];
} server_identity;

static void
load_identity(server_identity *id)
{
	uint8_t der[512];
	size_t n = load("server-p256.key.der", der, sizeof der);
	br_skey_decoder_context dc;
	br_skey_decoder_init(&dc);
	br_skey_decoder_push(&dc, der, n);
	const br_ec_private_key *k = br_skey_decoder_get_ec(&dc);
	if (!k) { fprintf(stderr, "cannot decode the test key\n"); exit(2); }
	memcpy(id->sk_buf, k->x, k->xlen);
	id->sk.curve = k->curve;
	id->sk.x = id->sk_buf;
	id->sk.xlen = k->xlen;
	id->cert_len = load("server-p256.cert.der", id->cert, sizeof id->cert);
	id->chain_cert_len = load("server-p256-byca.cert.der", id->chain_cert, sizeof id->chain_cert);
	id->ca_len = load("ca-p256.cert.der", id->ca, sizeof id->ca);
}

/* The scripted server's view of one connection. */
typedef struct {
	wt_engine e;
	uint8_t buf[WT_MIN_BUFFER_SIZE + 16384];
	uint32_t rng_state;
	uint16_t suite;
	uint8_t client_random[32], server_random[32];
	wt_kex kex;                         /* server ECDHE key */
	br_sha256_context th256;            /* server-side transcript */
	br_sha384_context th384;
	uint8_t master[48];
	wt_record_dir rd, wr;               /* server's read (client→server) and write directions */
	uint8_t out[4096];                  /* server flight being built */
	size_t out_len;
	size_t msg_end[8];                  /* split: where each message of the flight ends */
	size_t num_msgs;
	uint8_t rest[4096 + 64];            /* what the engine did not take while it waited for verdicts */
	size_t rest_len;
} session;

static const br_hash_class *
suite_hash(uint16_t suite)
{
	return suite == WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 ? &br_sha384_vtable : &br_sha256_vtable;
}

static wt_aead_alg
suite_aead(uint16_t suite)
{
	switch (suite) {
	case WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: return WT_AEAD_AES_128_GCM;
	case WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: return WT_AEAD_AES_256_GCM;
	default: return WT_AEAD_CHACHA20_POLY1305;
	}
}

static void
th_add(session *s, const uint8_t *p, size_t n)
{
	br_sha256_update(&s->th256, p, n);
	br_sha384_update(&s->th384, p, n);
}

static size_t
th_out(session *s, uint8_t *out)
{
	if (suite_hash(s->suite) == &br_sha384_vtable) { br_sha384_out(&s->th384, out); return 48; }
	br_sha256_out(&s->th256, out);
	return 32;
}

/* Append a handshake message (type, body) to the server flight and the transcript. */
static void
put_msg(session *s, unsigned type, const uint8_t *body, size_t len)
{
	uint8_t *m = s->out + s->out_len;
	m[0] = (uint8_t)type;
	m[1] = (uint8_t)(len >> 16); m[2] = (uint8_t)(len >> 8); m[3] = (uint8_t)len;
	if (len) memcpy(m + 4, body, len);
	if (type != WT_HS_HELLO_REQUEST) th_add(s, m, 4 + len);
	s->out_len += 4 + len;
	if (s->num_msgs < 8) s->msg_end[s->num_msgs++] = s->out_len;
}

/* Feed bytes to the engine. \return the engine's status. */
static int
feed(session *s, const uint8_t *p, size_t n)
{
	while (n) {
		size_t room;
		uint8_t *w = wt_engine_recv_buf(&s->e, &room);
		if ((!w || room == 0) && wt_engine_sig_waiting(&s->e) && s->rest_len + n <= sizeof s->rest) {
			/* waiting for verdicts, input stopped: kept for after the resume (feed_rest) */
			memcpy(s->rest + s->rest_len, p, n);
			s->rest_len += n;
			return 0;
		}
		if (!w || room == 0) return wt_engine_error(&s->e) ? wt_engine_error(&s->e) : -1;
		if (room > n) room = n;
		memcpy(w, p, room);
		int err = wt_engine_recv_done(&s->e, room);
		if (err) return err;
		p += room;
		n -= room;
	}
	return 0;
}

/* Feed what was kept while the engine waited. */
static int
feed_rest(session *s)
{
	uint8_t tmp[sizeof s->rest];
	size_t n = s->rest_len;
	memcpy(tmp, s->rest, n);
	s->rest_len = 0;
	return feed(s, tmp, n);
}

/*
 * Wrap the pending flight into plaintext handshake records and feed them:
 * one record, or (split) one per message, messages [from, to) of it only.
 */
static int
feed_msgs(session *s, int split, size_t from, size_t to)
{
	uint8_t rec[8 * 5 + sizeof s->out];
	size_t n = 0;
	for (size_t i = from; i < to; i++) {
		size_t a = i ? s->msg_end[i - 1] : 0;
		size_t b = split ? s->msg_end[i] : s->msg_end[to - 1];
		rec[n] = 22; rec[n + 1] = 3; rec[n + 2] = 3;
		wt_put_u16(rec + n + 3, (uint32_t)(b - a));
		memcpy(rec + n + 5, s->out + a, b - a);
		n += 5 + b - a;
		if (!split) break;
	}
	return feed(s, rec, n);
}

static int
feed_flight(session *s)
{
	int err = feed_msgs(s, 0, 0, s->num_msgs);
	s->out_len = 0;
	s->num_msgs = 0;
	return err;
}

/* Take everything the engine wants to send. */
static size_t
drain(session *s, uint8_t *out, size_t cap)
{
	size_t total = 0, n;
	const uint8_t *p = wt_engine_send_buf(&s->e, &n);
	if (n > cap) n = cap;
	memcpy(out, p, n);
	wt_engine_send_done(&s->e, n);
	total += n;
	return total;
}

typedef struct {
	uint16_t min_version, max_version;
	uint32_t flags;
	uint16_t suite;
	uint16_t server_version;    /* ServerHello legacy_version */
	int downgrade_sentinel;
	int no_ems;
	int bad_finished;
	int pending;                /* the native verifier answers PENDING; then this verdict is fed (2: none) */
	int verdict;
	int corrupt_ske;            /* flip a bit of the ServerKeyExchange signature's s */
	int eof_while_waiting;      /* the transport ends while the verdict is awaited */
	int chain;                  /* verify the chain (server-p256-byca.cert.der to the CA ca-p256.cert.der) */
	int split;                  /* each server handshake message in its own record (as OpenSSL sends them) */
	int seal_after_cert;        /* split: the host takes the batch before the ServerKeyExchange's record arrives */
	int edge_verdict;           /* chain: the verdict fed for the chain's edge (request 0) */
	int alert_after_cert;       /* split: a warning alert record between the Certificate and the ServerKeyExchange */
} scenario;

static wt_sig_cache cache;   /* caller-owned, as the engine requires for PENDING */

/* A native verifier that answers every request later (asynchronous), recording what it was asked. */
static struct { int calls; uint16_t scheme; size_t msg_len, sig_len; } pend_log;
static int
pend_hook(void *ctx, uint16_t scheme, const br_x509_pkey *pk, const uint8_t *msg, size_t msg_len,
	const uint8_t *sig, size_t sig_len)
{
	(void)ctx; (void)pk; (void)msg; (void)sig;
	pend_log.calls++;
	pend_log.scheme = scheme;
	pend_log.msg_len = msg_len;
	pend_log.sig_len = sig_len;
	return WT_SIG_NATIVE_PENDING;
}

/*
 * Run a handshake. Returns the engine status after the server's last flight
 * (0 and CONNECTED on success).
 */
static int
run_handshake(session *s, const server_identity *id, const scenario *sc)
{
	memset(s, 0, sizeof *s);
	s->rng_state = 42;
	s->suite = sc->suite;
	br_sha256_init(&s->th256);
	br_sha384_init(&s->th384);

	wt_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.server_name = "localhost";
	cfg.now = 1900000000;
	cfg.rng = test_rng;
	cfg.rng_ctx = &s->rng_state;
	cfg.flags = WT_FLAG_INSECURE_SKIP_VERIFY | sc->flags;
	cfg.min_version = sc->min_version;
	cfg.max_version = sc->max_version;
	static br_x509_trust_anchor anchors[2];
	static uint8_t arena[4096];
	if (sc->chain) {
		wt_trust_store ts;
		wt_trust_init(&ts, anchors, 2, arena, sizeof arena);
		CHECK(wt_trust_add(&ts, id->ca, id->ca_len) == 1);
		cfg.flags &= ~(uint32_t)WT_FLAG_INSECURE_SKIP_VERIFY;
		cfg.anchors = anchors;
		cfg.num_anchors = ts.num;
	}
	if (sc->pending) {
		memset(&cache, 0, sizeof cache);
		cfg.sig_native.fn = pend_hook;
		cfg.sig_native.cache = &cache;
		memset(&pend_log, 0, sizeof pend_log);
	}
	CHECK(wt_engine_init(&s->e, &cfg, s->buf, sizeof s->buf) == 0);
	CHECK(wt_engine_start(&s->e) == 0);

	/* ClientHello: record header (5), handshake header (4), version (2), random (32) */
	uint8_t ch[2048];
	size_t ch_len = drain(s, ch, sizeof ch);
	CHECK(ch_len > 5 + 4 + 2 + 32 && ch[0] == 22 && ch[5] == WT_HS_CLIENT_HELLO);
	memcpy(s->client_random, ch + 11, 32);
	th_add(s, ch + 5, ch_len - 5);

	/* ServerHello */
	uint8_t body[1024];
	wt_writer w = wt_writer_of(body, sizeof body);
	wt_w_u16(&w, sc->server_version ? sc->server_version : 0x0303);
	test_rng(&s->rng_state, s->server_random, 32);
	if (sc->downgrade_sentinel) memcpy(s->server_random + 24, "DOWNGRD\001", 8);
	wt_w_bytes(&w, s->server_random, 32);
	wt_w_u8(&w, 32);
	for (int i = 0; i < 32; i++) wt_w_u8(&w, (uint32_t)(0xA0 + i));   /* a new session id */
	wt_w_u16(&w, sc->suite);
	wt_w_u8(&w, 0);
	size_t x = wt_w_open(&w, 2);
	if (!sc->no_ems) { wt_w_u16(&w, 23); wt_w_u16(&w, 0); }
	wt_w_u16(&w, 0xff01); wt_w_u16(&w, 1); wt_w_u8(&w, 0);
	wt_w_u16(&w, 11); wt_w_u16(&w, 2); wt_w_u8(&w, 1); wt_w_u8(&w, 0);
	wt_w_close(&w, x, 2);
	put_msg(s, WT_HS_SERVER_HELLO, body, w.len);

	/* Certificate */
	w = wt_writer_of(body, sizeof body);
	size_t l = wt_w_open(&w, 3);
	wt_w_u24(&w, (uint32_t)(sc->chain ? id->chain_cert_len : id->cert_len));
	wt_w_bytes(&w, sc->chain ? id->chain_cert : id->cert, sc->chain ? id->chain_cert_len : id->cert_len);
	wt_w_close(&w, l, 3);
	CHECK(!w.bad);
	put_msg(s, WT_HS_CERTIFICATE, body, w.len);

	/* ServerKeyExchange: x25519, signed with ecdsa_secp256r1_sha256 */
	CHECK(wt_kex_generate(&s->kex, WT_GROUP_X25519, test_rng, &s->rng_state) == 0);
	w = wt_writer_of(body, sizeof body);
	wt_w_u8(&w, 3);
	wt_w_u16(&w, WT_GROUP_X25519);
	wt_w_u8(&w, (uint32_t)s->kex.pub_len);
	wt_w_bytes(&w, s->kex.pub, s->kex.pub_len);
	size_t params_len = w.len;
	uint8_t signed_data[64 + 64], hash[32], sig[80];
	memcpy(signed_data, s->client_random, 32);
	memcpy(signed_data + 32, s->server_random, 32);
	memcpy(signed_data + 64, body, params_len);
	br_sha256_context hc;
	br_sha256_init(&hc);
	br_sha256_update(&hc, signed_data, 64 + params_len);
	br_sha256_out(&hc, hash);
	size_t sig_len = br_ecdsa_i31_sign_asn1(&br_ec_all_m31, &br_sha256_vtable, hash, &id->sk, sig);
	CHECK(sig_len > 0);
	if (sc->corrupt_ske) sig[sig_len - 1] ^= 0x01;
	wt_w_u16(&w, WT_SIG_ECDSA_SECP256R1_SHA256);
	wt_w_u16(&w, (uint32_t)sig_len);
	wt_w_bytes(&w, sig, sig_len);
	put_msg(s, WT_HS_SERVER_KEY_EXCHANGE, body, w.len);

	/* ServerHelloDone */
	put_msg(s, WT_HS_SERVER_HELLO_DONE, NULL, 0);
	int err;
	int two_rounds = sc->seal_after_cert || sc->alert_after_cert;
	if (sc->alert_after_cert) {
		/* the alert is not read ahead (an unprotected record of another type waits for the resume):
		 * no prefetch, two rounds; processed after the Certificate, between messages, it is harmless */
		static const uint8_t warning[7] = { 21, 3, 3, 0, 2, 1, 112 };   /* unrecognized_name */
		err = feed_msgs(s, 1, 0, 2);
		if (!err) err = feed(s, warning, sizeof warning);
		if (!err) err = feed_msgs(s, 1, 2, s->num_msgs);
		s->out_len = 0;
		s->num_msgs = 0;
	} else if (sc->seal_after_cert) {
		/* ServerHello and Certificate arrive; the host takes the batch (the chain's edge); then the rest */
		err = feed_msgs(s, 1, 0, 2);
		if (err) return err;
		CHECK(wt_engine_sig_waiting(&s->e) == 1);
		wt_sig_cache_seal(&cache);
		err = feed_msgs(s, 1, 2, s->num_msgs);
		s->out_len = 0;
		s->num_msgs = 0;
	} else if (sc->split) {
		err = feed_msgs(s, 1, 0, s->num_msgs);
		s->out_len = 0;
		s->num_msgs = 0;
	} else {
		err = feed_flight(s);
	}
	if (err) return err;
	if (sc->pending && two_rounds) {
		/* round 1: the edge only (the batch was taken before the ServerKeyExchange came, or an alert
		 * record stopped the read-ahead: not prefetched) */
		size_t n = 1;
		CHECK(wt_engine_sig_waiting(&s->e) == 1 && pend_log.calls == 1);
		CHECK(wt_engine_recv_buf(&s->e, &n) == NULL && n == 0);
		CHECK(wt_engine_state(&s->e) == WT_ST_TLS12_WAIT_CERT);
		CHECK(wt_engine_sig_verdict(&s->e, 0, sc->edge_verdict) == 0);
		err = wt_engine_sig_resume(&s->e);
		if (!err) err = feed_rest(s);
		if (err) return err;
		CHECK(wt_engine_sig_rounds(&s->e) == 1);
		/* round 2: the ServerKeyExchange, as before the prefetch */
		CHECK(wt_engine_sig_waiting(&s->e) == 1 && pend_log.calls == 2);
		CHECK(wt_engine_state(&s->e) == WT_ST_TLS12_WAIT_SKE);
	}
	if (sc->pending) {
		/* waiting: the SKE signature's request (with the chain: after the edge's, in the same
		 * batch, prefetched while the Certificate waits), nothing sent, no input taken, state unchanged */
		size_t n = 1;
		unsigned want = sc->chain && !two_rounds ? 2 : 1;
		unsigned calls = sc->chain ? 2 : 1;
		CHECKF(wt_engine_sig_waiting(&s->e) == want, "batch of %u (want %u)", wt_engine_sig_waiting(&s->e), want);
		CHECK(pend_log.calls == (int)calls && pend_log.scheme == WT_SIG_ECDSA_SECP256R1_SHA256
			&& pend_log.msg_len == 64 + params_len && pend_log.sig_len == 64);
		CHECK(wt_engine_send_buf(&s->e, &n) == NULL || n == 0);
		CHECK(wt_engine_recv_buf(&s->e, &n) == NULL && n == 0);
		CHECK(wt_engine_state(&s->e) == (sc->chain && !two_rounds ? WT_ST_TLS12_WAIT_CERT : WT_ST_TLS12_WAIT_SKE)
			&& wt_engine_error(&s->e) == 0);
		CHECK(wt_engine_sig_verdict(&s->e, want, 1) == WT_ERR_BAD_ARGUMENT);   /* no such request */
		if (want == 2) CHECK(wt_engine_sig_verdict(&s->e, 0, sc->edge_verdict) == 0);
		unsigned ske = want - 1;
		if (sc->eof_while_waiting) {
			CHECK(wt_engine_eof(&s->e) == WT_ERR_TRUNCATED);
			CHECK(wt_engine_sig_waiting(&s->e) == 0);
			CHECK(wt_engine_sig_verdict(&s->e, 0, 1) == WT_ERR_BAD_ARGUMENT);
			return wt_engine_sig_resume(&s->e);
		}
		if (sc->verdict != 2) {
			CHECK(wt_engine_sig_verdict(&s->e, ske, sc->verdict) == 0);
			CHECK(wt_engine_sig_verdict(&s->e, ske, 1) == WT_ERR_BAD_ARGUMENT);   /* once only */
		}
		unsigned rounds = wt_engine_sig_rounds(&s->e);
		err = wt_engine_sig_resume(&s->e);
		CHECK(pend_log.calls == (int)calls);    /* the re-run found the verdicts: not asked again */
		/* one round more; with the chain (prefetch) that is the handshake's only one */
		CHECK(wt_engine_sig_rounds(&s->e) == rounds + 1);
		if (sc->chain) CHECK(wt_engine_sig_rounds(&s->e) == (two_rounds ? 2u : 1u));
		if (err) return err;
		CHECK(wt_engine_sig_waiting(&s->e) == 0);
		/* records kept while the engine waited (split: up to the ServerHelloDone) */
		err = feed_rest(s);
		if (err) return err;
	}

	/* The client's flight: ClientKeyExchange (plain), CCS, Finished (protected). */
	uint8_t cf[1024];
	size_t cf_len = drain(s, cf, sizeof cf);
	wt_reader r = wt_reader_of(cf, cf_len);
	CHECK(wt_r_u8(&r) == 22);
	wt_r_u16(&r);
	wt_reader rec = wt_r_vec(&r, 2);
	const uint8_t *cke = rec.p;
	CHECK(rec.n >= 4 && cke[0] == WT_HS_CLIENT_KEY_EXCHANGE);
	th_add(s, cke, rec.n);
	wt_reader ckeb = wt_reader_of(cke + 4, rec.n - 4);
	wt_reader pub = wt_r_vec(&ckeb, 1);
	uint8_t pms[48];
	size_t pms_len;
	CHECK(wt_kex_derive(&s->kex, pub.p, pub.n, pms, &pms_len) == 0);

	const br_hash_class *h = suite_hash(s->suite);
	uint8_t th[48];
	size_t hlen = th_out(s, th);
	if (sc->no_ems)
		wt_tls12_master(h, pms, pms_len, s->client_random, s->server_random, s->master);
	else
		wt_tls12_master_ems(h, pms, pms_len, th, hlen, s->master);

	wt_aead_alg alg = suite_aead(s->suite);
	size_t klen = wt_aead_key_len(alg), ivlen = alg == WT_AEAD_CHACHA20_POLY1305 ? 12 : 4;
	uint8_t ck[32], sk[32], civ[12], siv[12];
	wt_tls12_key_block(h, s->master, s->client_random, s->server_random, klen, ivlen, ck, sk, civ, siv);
	wt_record_dir_set12(&s->rd, alg, ck, civ);
	wt_record_dir_set12(&s->wr, alg, sk, siv);

	/* CCS */
	CHECK(r.n >= 6 && r.p[0] == 20 && r.p[5] == 1);
	wt_r_bytes(&r, 6);
	/* client Finished, protected: check its verify_data */
	uint8_t frec[256];
	size_t frec_len = r.n;
	CHECK(frec_len < sizeof frec);
	memcpy(frec, r.p, frec_len);
	uint8_t type = 0;
	size_t pt_len;
	CHECK(wt_record_open(&s->rd, frec, frec_len, &type, &pt_len) == 0);
	CHECK(type == 22 && pt_len == 16 && frec[5] == WT_HS_FINISHED);
	uint8_t expect[12];
	wt_tls12_finished(h, s->master, 1, th, hlen, expect);
	CHECKF(memcmp(frec + 9, expect, 12) == 0, "client Finished verify_data");
	th_add(s, frec + 5, 16);

	/* server CCS + Finished */
	static const uint8_t ccs[6] = { 20, 3, 3, 0, 1, 1 };
	err = feed(s, ccs, 6);
	if (err) return err;
	hlen = th_out(s, th);
	uint8_t fin[5 + 16 + 8 + 16 + 1];
	fin[5] = WT_HS_FINISHED; fin[6] = 0; fin[7] = 0; fin[8] = 12;
	wt_tls12_finished(h, s->master, 0, th, hlen, fin + 9);
	if (sc->bad_finished) fin[9] ^= 0x01;
	size_t fin_len = wt_record_seal(&s->wr, fin, 22, 16);
	return feed(s, fin, fin_len);
}

/* After a successful handshake: data both ways, HelloRequest, close. */
static void
exchange_data(session *s)
{
	/* server → client */
	uint8_t rec[256];
	memcpy(rec + 5, "hello from the server", 21);
	size_t n = wt_record_seal(&s->wr, rec, 23, 21);
	CHECK(feed(s, rec, n) == 0);
	size_t got;
	const uint8_t *p = wt_engine_read_buf(&s->e, &got);
	CHECKF(p && got == 21 && memcmp(p, "hello from the server", 21) == 0, "client reads server data");
	wt_engine_read_done(&s->e, got);

	/* client → server */
	size_t room;
	uint8_t *wbuf = wt_engine_write_buf(&s->e, &room);
	CHECK(wbuf && room >= 16384);
	memcpy(wbuf, "hello from the client", 21);
	CHECK(wt_engine_write_done(&s->e, 21) == 0);
	n = drain(s, rec, sizeof rec);
	uint8_t type = 0;
	size_t pt_len;
	CHECK(wt_record_open(&s->rd, rec, n, &type, &pt_len) == 0);
	CHECKF(type == 23 && pt_len == 21 && memcmp(rec + 5, "hello from the client", 21) == 0, "server reads client data");

	/* a full-size record */
	wbuf = wt_engine_write_buf(&s->e, &room);
	CHECK(wbuf && room == 16384);
	memset(wbuf, 0x5a, 16384);
	CHECK(wt_engine_write_done(&s->e, 16384) == 0);
	static uint8_t big[16384 + 64];
	n = drain(s, big, sizeof big);
	CHECK(wt_record_open(&s->rd, big, n, &type, &pt_len) == 0);
	CHECK(type == 23 && pt_len == 16384 && big[5] == 0x5a && big[5 + 16383] == 0x5a);

	/* HelloRequest → warning no_renegotiation, connection stays up */
	uint8_t hr[5 + 4 + 8 + 16];
	hr[5] = 0; hr[6] = 0; hr[7] = 0; hr[8] = 0;
	n = wt_record_seal(&s->wr, hr, 22, 4);
	CHECK(feed(s, hr, n) == 0);
	CHECK(wt_engine_state(&s->e) == WT_ST_CONNECTED);
	n = drain(s, rec, sizeof rec);
	CHECK(n > 0 && wt_record_open(&s->rd, rec, n, &type, &pt_len) == 0);
	CHECKF(type == 21 && pt_len == 2 && rec[5] == 1 && rec[6] == 100, "warning no_renegotiation");

	/* close_notify both ways */
	CHECK(wt_engine_close(&s->e) == 0);
	n = drain(s, rec, sizeof rec);
	CHECK(wt_record_open(&s->rd, rec, n, &type, &pt_len) == 0);
	CHECK(type == 21 && rec[5] == 1 && rec[6] == 0);
	uint8_t cn[5 + 2 + 8 + 16];
	cn[5] = 1; cn[6] = 0;
	n = wt_record_seal(&s->wr, cn, 21, 2);
	CHECK(feed(s, cn, n) == 0);
	CHECK(wt_engine_state(&s->e) == WT_ST_CLOSED);
	CHECK(wt_engine_eof(&s->e) == 0);
}

/* --------------------------------------------------------------- tests */

static void
test_prf(void)
{
	/* The widely used TLS 1.2 PRF (SHA-256) test vector. */
	static const uint8_t secret[16] = {
		0x9b, 0xbe, 0x43, 0x6b, 0xa9, 0x40, 0xf0, 0x17, 0xb1, 0x76, 0x52, 0x84, 0x9a, 0x71, 0xdb, 0x35 };
	static const uint8_t seed[16] = {
		0xa0, 0xba, 0x9f, 0x93, 0x6c, 0xda, 0x31, 0x18, 0x27, 0xa6, 0xf7, 0x96, 0xff, 0xd5, 0x19, 0x8c };
	static const uint8_t expect[16] = {
		0xe3, 0xf2, 0x29, 0xba, 0x72, 0x7b, 0xe1, 0x7b, 0x8d, 0x12, 0x26, 0x20, 0x55, 0x7c, 0xd4, 0x53 };
	uint8_t out[100];
	wt_prf12(&br_sha256_vtable, secret, sizeof secret, "test label", seed, sizeof seed, NULL, 0, out, sizeof out);
	CHECKF(memcmp(out, expect, 16) == 0, "TLS 1.2 PRF SHA-256 vector");

	/* Cross-check with BearSSL's PRFs, several lengths, split seeds. */
	for (size_t len = 1; len <= 100; len += 33) {
		uint8_t ours[100], theirs[100];
		br_tls_prf_seed_chunk chunks[2] = { { seed, 7 }, { seed + 7, 9 } };
		wt_prf12(&br_sha256_vtable, secret, sizeof secret, "key expansion", seed, 7, seed + 7, 9, ours, len);
		br_tls12_sha256_prf(theirs, len, secret, sizeof secret, "key expansion", 2, chunks);
		CHECKF(memcmp(ours, theirs, len) == 0, "PRF SHA-256 matches BearSSL (len %zu)", len);
		wt_prf12(&br_sha384_vtable, secret, sizeof secret, "master secret", seed, 7, seed + 7, 9, ours, len);
		br_tls12_sha384_prf(theirs, len, secret, sizeof secret, "master secret", 2, chunks);
		CHECKF(memcmp(ours, theirs, len) == 0, "PRF SHA-384 matches BearSSL (len %zu)", len);
	}
}

static session sess;

static void
test_handshakes(const server_identity *id)
{
	static const uint16_t suites[] = {
		WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	};
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		scenario sc = { .suite = suites[i] };
		int err = run_handshake(&sess, id, &sc);
		CHECKF(err == 0 && wt_engine_state(&sess.e) == WT_ST_CONNECTED,
			"handshake with %s: err %d (%s)", wt_cipher_name(suites[i]), err, wt_engine_error_detail(&sess.e));
		if (err == 0) {
			CHECK(sess.e.version == WT_VERSION_TLS12 && sess.e.cipher == suites[i]);
			CHECK(sess.e.group == WT_GROUP_X25519 && sess.e.t12.ems == 1 && sess.e.t12.secure_renegotiation == 1);
			exchange_data(&sess);
		}
		wt_engine_wipe(&sess.e);
	}
}

/*
 * The asynchronous verifier (wt_engine_sig_*): the handshake waits for the
 * ServerKeyExchange verdict with nothing sent, then goes on; "invalid" fails
 * BAD_SIGNATURE; "cannot" or no verdict lets BearSSL decide (a corrupted
 * signature fails, a good one passes); the transport ending while waiting is
 * sticky and a late verdict is ignored.
 */
static void
test_async_verify(const server_identity *id)
{
	static const struct { int verdict, corrupt, eof, want; } cases[] = {
		{ 1, 0, 0, 0 },
		{ 0, 0, 0, WT_ERR_BAD_SIGNATURE },
		{ -1, 0, 0, 0 },
		{ -1, 1, 0, WT_ERR_BAD_SIGNATURE },
		{ 2, 0, 0, 0 },
		{ 2, 1, 0, WT_ERR_BAD_SIGNATURE },
		{ 1, 0, 1, WT_ERR_TRUNCATED },
	};
	/* mode 0: chain checks off, the ServerKeyExchange alone waits; 1: the chain verified, its edge and the
	 * prefetched ServerKeyExchange in one batch (the flight in one record); 2: the same with one record per
	 * message (read while the Certificate waits); 3: the batch taken before the ServerKeyExchange's record
	 * came: not prefetched, two rounds as before; 4: a warning alert record after the Certificate's stops the
	 * read-ahead (kept for after the resume, where it is between messages): two rounds, and it connects */
	for (int mode = 0; mode < 5; mode++)
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		scenario sc = { .suite = WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .pending = 1,
			.verdict = cases[i].verdict, .corrupt_ske = cases[i].corrupt, .eof_while_waiting = cases[i].eof,
			.chain = mode > 0, .split = mode >= 2, .seal_after_cert = mode == 3, .alert_after_cert = mode == 4,
			.edge_verdict = 1 };
		int err = run_handshake(&sess, id, &sc);
		CHECKF(err == cases[i].want, "async mode %d case %zu: err %d (%s)", mode, i, err, wt_engine_error_detail(&sess.e));
		if (cases[i].want == 0) {
			CHECK(wt_engine_state(&sess.e) == WT_ST_CONNECTED);
			exchange_data(&sess);
		} else {
			CHECK(wt_engine_state(&sess.e) == WT_ST_FAILED || wt_engine_error(&sess.e) == cases[i].want);
			if (cases[i].want == WT_ERR_BAD_SIGNATURE)
				CHECK(strstr(wt_engine_error_detail(&sess.e), "ServerKeyExchange signature is invalid") != NULL);
		}
		wt_engine_wipe(&sess.e);
	}
}

static void
test_downgrade(const server_identity *id)
{
	scenario sc = { .suite = WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .downgrade_sentinel = 1 };
	int err = run_handshake(&sess, id, &sc);
	CHECKF(err == WT_ERR_ILLEGAL_PARAMETER, "downgrade sentinel rejected (got %d)", err);
	CHECK(strstr(wt_engine_error_detail(&sess.e), "downgrade") != NULL);
	/* the fatal alert is illegal_parameter, in plaintext */
	uint8_t out[64];
	size_t n = drain(&sess, out, sizeof out);
	CHECK(n == 7 && out[0] == 21 && out[5] == 2 && out[6] == 47);

	/* offering only TLS 1.2, the sentinel means nothing */
	scenario only12 = sc;
	only12.max_version = WT_VERSION_TLS12;
	err = run_handshake(&sess, id, &only12);
	CHECKF(err == 0, "1.2-only client ignores the 1.3 sentinel (got %d: %s)", err, wt_engine_error_detail(&sess.e));
}

static void
test_bad_finished(const server_identity *id)
{
	scenario sc = { .suite = WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .bad_finished = 1 };
	int err = run_handshake(&sess, id, &sc);
	CHECKF(err == WT_ERR_BAD_FINISHED, "wrong verify_data rejected (got %d)", err);
	/* the fatal alert (decrypt_error) goes out protected */
	uint8_t out[64];
	size_t n = drain(&sess, out, sizeof out);
	uint8_t type = 0;
	size_t pt_len;
	CHECK(n > 0 && wt_record_open(&sess.rd, out, n, &type, &pt_len) == 0);
	CHECK(type == 21 && out[5] == 2 && out[6] == 51);
}

static void
test_ems_required(const server_identity *id)
{
	scenario sc = { .suite = WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .no_ems = 1 };
	int err = run_handshake(&sess, id, &sc);
	CHECKF(err == WT_ERR_HANDSHAKE_FAILURE, "no EMS rejected by default (got %d)", err);
	CHECK(strstr(wt_engine_error_detail(&sess.e), "extended master secret") != NULL);

	sc.flags = WT_FLAG_ALLOW_NO_EMS;
	err = run_handshake(&sess, id, &sc);
	CHECKF(err == 0 && sess.e.t12.ems == 0, "no EMS accepted when allowed (got %d: %s)", err, wt_engine_error_detail(&sess.e));
	if (err == 0) exchange_data(&sess);
}

static void
test_old_versions(const server_identity *id)
{
	static const uint16_t old[] = { 0x0302, 0x0301, 0x0300 };
	for (size_t i = 0; i < 3; i++) {
		scenario sc = { .suite = WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .server_version = old[i] };
		int err = run_handshake(&sess, id, &sc);
		CHECKF(err == WT_ERR_PROTOCOL_VERSION, "version 0x%04x → PROTOCOL_VERSION (got %d)", old[i], err);
	}
	/* a 1.3-only client refuses a 1.2 ServerHello */
	scenario sc = { .suite = WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .min_version = WT_VERSION_TLS13 };
	int err = run_handshake(&sess, id, &sc);
	CHECKF(err == WT_ERR_PROTOCOL_VERSION, "minVersion 1.3 refuses TLS 1.2 (got %d)", err);
}

static void
test_client_hello_offers(void)
{
	/* which versions and suites the ClientHello carries for each min/max */
	static const struct { uint16_t min, max; int has13, has12; } cases[] = {
		{ 0, 0, 1, 1 },
		{ WT_VERSION_TLS13, WT_VERSION_TLS13, 1, 0 },
		{ WT_VERSION_TLS12, WT_VERSION_TLS12, 0, 1 },
	};
	for (size_t i = 0; i < 3; i++) {
		memset(&sess, 0, sizeof sess);
		wt_config cfg;
		memset(&cfg, 0, sizeof cfg);
		cfg.rng = test_rng;
		cfg.rng_ctx = &sess.rng_state;
		cfg.min_version = cases[i].min;
		cfg.max_version = cases[i].max;
		CHECK(wt_engine_init(&sess.e, &cfg, sess.buf, sizeof sess.buf) == 0);
		CHECK(wt_engine_start(&sess.e) == 0);
		uint8_t ch[2048];
		size_t n = drain(&sess, ch, sizeof ch);
		wt_reader r = wt_reader_of(ch + 9, n - 9);
		wt_r_u16(&r);
		wt_r_bytes(&r, 32);
		wt_reader sid = wt_r_vec(&r, 1);
		wt_reader suites = wt_r_vec(&r, 2);
		int has13 = 0, has12 = 0;
		while (suites.n) {
			uint32_t cs = wt_r_u16(&suites);
			if ((cs >> 8) == 0x13) has13 = 1;
			if (cs == WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) has12 = 1;
		}
		CHECKF(has13 == cases[i].has13 && has12 == cases[i].has12, "suites offered for case %zu", i);
		CHECKF((sid.n == 32) == cases[i].has13, "session id for case %zu", i);
		wt_engine_wipe(&sess.e);
	}
	/* min above max is refused */
	wt_config bad;
	memset(&bad, 0, sizeof bad);
	bad.rng = test_rng;
	bad.rng_ctx = &sess.rng_state;
	bad.min_version = WT_VERSION_TLS13;
	bad.max_version = WT_VERSION_TLS12;
	CHECK(wt_engine_init(&sess.e, &bad, sess.buf, sizeof sess.buf) == WT_ERR_BAD_ARGUMENT);
}

int
main(void)
{
	static server_identity id;
	load_identity(&id);
	test_prf();
	test_client_hello_offers();
	test_handshakes(&id);
	test_async_verify(&id);
	test_downgrade(&id);
	test_bad_finished(&id);
	test_ems_required(&id);
	test_old_versions(&id);
	return WT_TEST_SUMMARY();
}
