/*
 * wt_fuzz_engine.h — shared pieces of the engine fuzz targets (and of the
 * corpus capture tool): a deterministic RNG, an engine configured the same
 * way every run, and a loop that keeps the engine's output windows drained.
 *
 * Deterministic means replayable: with the same RNG stream the ClientHello
 * carries the same key share, so a server flight captured once decrypts
 * again in every later run (see capture_flight.c).
 */
#ifndef WT_FUZZ_ENGINE_H
#define WT_FUZZ_ENGINE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "wt_engine.h"

/** Fixed time for certificate checks: 2026-01-01T00:00:00Z. */
#define WT_FUZZ_NOW 1767225600

/** \brief RNG used by every fuzz target: a counter through SHA-256. Not random; replayable. */
static int
wt_fuzz_rng(void *ctx, uint8_t *out, size_t len)
{
	uint64_t *ctr = ctx;
	while (len) {
		uint8_t block[32];
		br_sha256_context h;
		br_sha256_init(&h);
		br_sha256_update(&h, "wasmtls-fuzz", 12);
		br_sha256_update(&h, ctr, sizeof *ctr);
		br_sha256_out(&h, block);
		(*ctr)++;
		size_t n = len < sizeof block ? len : sizeof block;
		memcpy(out, block, n);
		out += n;
		len -= n;
	}
	return 0;
}

/*
 * The initial key share, bits 1-2 of every engine target's control byte:
 * 0 = X25519MLKEM768 (the default: the ClientHello carries the hybrid share
 * and an x25519 share with the same X25519 key, so a ServerHello may answer
 * either, and a 0x11EC share of any length meets the hybrid's parser), then
 * x25519, secp256r1, secp384r1 alone.
 */
static const uint16_t wt_fuzz_groups[4] = {
	WT_GROUP_X25519MLKEM768, WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1
};

/** \brief One engine with its work buffer and RNG state. */
typedef struct {
	wt_engine e;
	uint64_t rng_ctr;
	int compact;                 /* compact once connected, as the WASM build does (set by the target) */
	uint8_t buf[WT_MIN_BUFFER_SIZE + 24576];
	uint8_t chain[32768];
	uint8_t out_idle[128];       /* the compacted connection's output area, as in the WASM build */
} wt_fuzz_conn;

/**
 * \brief Configure and start an engine like the WASM build does (SNI
 * "localhost", ALPN h2/http/1.1). `insecure` skips chain checks so a fuzz
 * input can reach CertificateVerify/Finished without a trusted chain.
 * \return 0 or the engine's error.
 */
/* Sessions to resume, so inputs reach the PSK, 0-RTT and ticket paths (`session`: WT_FUZZ_SESSION_*). */
#define WT_FUZZ_SESSION_NONE   0
#define WT_FUZZ_SESSION_TLS13  1
#define WT_FUZZ_SESSION_EARLY  2   /* TLS 1.3 session that allows early data, and early data to send */
#define WT_FUZZ_SESSION_TLS12  3

static inline size_t
wt_fuzz_session(int kind, uint8_t *out, size_t cap)
{
	static const uint8_t ticket[] = "wasmtls fuzz ticket";
	wt_session s;
	memset(&s, 0, sizeof s);
	s.version = kind == WT_FUZZ_SESSION_TLS12 ? WT_VERSION_TLS12 : WT_VERSION_TLS13;
	s.cipher = kind == WT_FUZZ_SESSION_TLS12 ? WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 : WT_TLS_CHACHA20_POLY1305_SHA256;
	s.received_at = WT_FUZZ_NOW - 10;
	s.lifetime = 3600;
	s.age_add = 0x01020304;
	s.max_early_data = kind == WT_FUZZ_SESSION_EARLY ? 16384 : 0;
	s.flags = WT_SESSION_EMS;
	s.secret_len = kind == WT_FUZZ_SESSION_TLS12 ? 48 : 32;
	memset(s.secret, 0x5a, s.secret_len);
	memcpy(s.server_name, "localhost", 9);
	s.server_name_len = 9;
	s.ticket = ticket;
	s.ticket_len = sizeof ticket - 1;
	return wt_session_encode(&s, out, cap);
}

static int
wt_fuzz_conn_start_with(wt_fuzz_conn *c, int insecure, uint16_t group, int session)
{
	static uint8_t blob[256];
	static const uint8_t early[] = "GET / HTTP/1.0\r\n\r\n";
	static const uint8_t alpn[] = { 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
	wt_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.server_name = "localhost";
	cfg.now = WT_FUZZ_NOW;
	cfg.rng = wt_fuzz_rng;
	c->rng_ctr = 0;
	cfg.rng_ctx = &c->rng_ctr;
	cfg.alpn = alpn;
	cfg.alpn_len = sizeof alpn;
	cfg.key_share_group = group;
	cfg.flags = insecure ? WT_FLAG_INSECURE_SKIP_VERIFY : 0;
	cfg.chain_buf = c->chain;
	cfg.chain_cap = sizeof c->chain;
	if (session != WT_FUZZ_SESSION_NONE) {
		cfg.session = blob;
		cfg.session_len = wt_fuzz_session(session, blob, sizeof blob);
		if (session == WT_FUZZ_SESSION_EARLY) {
			cfg.early_data = early;
			cfg.early_data_len = sizeof early - 1;
		}
	}
	if (wt_engine_init(&c->e, &cfg, c->buf, sizeof c->buf) != 0) return -1;
	return wt_engine_start(&c->e);
}

static inline int
wt_fuzz_conn_start(wt_fuzz_conn *c, int insecure, uint16_t group)
{
	return wt_fuzz_conn_start_with(c, insecure, group, WT_FUZZ_SESSION_NONE);
}

/**
 * \brief Empty the send window (discarding it, or appending it to `sink`
 * when not NULL) and the read window; once connected, also write one small
 * application record so the sealing path runs too.
 */
static void
wt_fuzz_conn_drain(wt_fuzz_conn *c, void (*sink)(void *, const uint8_t *, size_t), void *sink_ctx)
{
	for (int guard = 0; guard < 64; guard++) {
		size_t n = 0;
		const uint8_t *p = wt_engine_send_buf(&c->e, &n);
		if (p && n) {
			if (sink) sink(sink_ctx, p, n);
			wt_engine_send_done(&c->e, n);
			continue;
		}
		p = wt_engine_read_buf(&c->e, &n);
		if (p && n) {
			wt_engine_read_done(&c->e, n);
			continue;
		}
		break;
	}
	/* the production layout after the handshake: in | hs, output in a small area of its own */
	if (c->compact && wt_engine_state(&c->e) == WT_ST_CONNECTED && c->e.out != c->out_idle)
		wt_engine_compact(&c->e, WT_MIN_HS_SIZE, c->out_idle, sizeof c->out_idle);
}

/**
 * \brief Feed `len` server bytes through the receive window, in chunks no
 * larger than `chunk` (0: as large as the window allows), draining between
 * (outgoing bytes go to `sink` as in wt_fuzz_conn_drain).
 * \return 0, or the engine's sticky error.
 */
static int
wt_fuzz_conn_feed(wt_fuzz_conn *c, const uint8_t *data, size_t len, size_t chunk,
	void (*sink)(void *, const uint8_t *, size_t), void *sink_ctx)
{
	while (len) {
		size_t room = 0;
		uint8_t *w = wt_engine_recv_buf(&c->e, &room);
		if (!w || !room) {
			wt_fuzz_conn_drain(c, sink, sink_ctx);
			w = wt_engine_recv_buf(&c->e, &room);
			if (!w || !room) return wt_engine_error(&c->e) ? wt_engine_error(&c->e) : -1;
		}
		size_t n = len < room ? len : room;
		if (chunk && n > chunk) n = chunk;
		memcpy(w, data, n);
		data += n;
		len -= n;
		int rc = wt_engine_recv_done(&c->e, n);
		wt_fuzz_conn_drain(c, sink, sink_ctx);
		if (rc) return rc;
	}
	return 0;
}

#endif
