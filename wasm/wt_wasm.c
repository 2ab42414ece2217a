/*
 * wt_wasm.c — the C ABI that the JS package calls.
 *
 * One `wt_conn` per TLS connection: an engine plus the memory it works in,
 * allocated here (the engine itself never allocates). Every function takes
 * and returns plain i32/f64 values so the JS side needs no BigInt. Calls
 * that move bytes return a status word and leave every window in one struct
 * (wt_io.h, wt_conn_io) that JS reads in one pass.
 *
 * Randomness: the import env.wt_js_random(ptr, len) is
 * crypto.getRandomValues on the JS side.
 *
 * Native signature verification: the import env.wt_js_sig_verify (see
 * wt_conn_sig_native below for its arguments), asked first by every
 * signature check of a connection whose switch is on
 * (wt_conn_set_native_verify); -1 from it means BearSSL verifies.
 *
 * Lifetime: wt_conn_new() → configure (server name, CA, ALPN, time, flags) →
 * wt_conn_start() → windows … → wt_conn_free() (wipes secrets, frees).
 */
#include <stdlib.h>
#include <string.h>
#include <emscripten.h>
#include <emscripten/emmalloc.h>
#include "wt_engine.h"
#include "wt_x509.h"
#include "wt_bytes.h"
#include "wt_io.h"

__attribute__((import_module("env"), import_name("wt_js_random")))
extern int wt_js_random(uint8_t *out, size_t len);

/*
 * env.wt_js_sig_verify(scheme, key_type, key_ptr, key_len, aux, msg_ptr,
 * msg_len, sig_ptr, sig_len) -> 1 valid, 0 invalid, anything else: cannot
 * (BearSSL verifies). The request is the one wt_sig_verify.h describes:
 *   key_type 2 (BR_KEYTYPE_EC): key = the uncompressed point 04 || X || Y,
 *            aux = the curve (23 P-256, 24 P-384, 25 P-521);
 *            sig = r || s, each on the curve's field length (IEEE P1363)
 *   key_type 1 (BR_KEYTYPE_RSA): key = n || e (big-endian, no leading zeros),
 *            aux = the length of e (1..8); sig = the signature (as long as n)
 *   scheme   the TLS SignatureScheme: hash in the high byte (2 SHA-1,
 *            3 SHA-224, 4 SHA-256, 5 SHA-384, 6 SHA-512); low byte 1
 *            PKCS#1 v1.5, 3 ECDSA; 0x0804..0x0806 RSA-PSS, MGF1 with the same
 *            hash, salt length = hash length.
 * All of it is public data; the pointers are valid for the call only.
 */
__attribute__((import_module("env"), import_name("wt_js_sig_verify")))
extern int wt_js_sig_verify(uint32_t scheme, uint32_t key_type, const uint8_t *key, size_t key_len,
	uint32_t aux, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/* A request of the batch (wt_conn_sig_batch): nine u32, the arguments of env.wt_js_sig_verify:
 * scheme, key_type, key_ptr, key_len, aux, msg_ptr, msg_len, sig_ptr, sig_len. */
#define WT_SIG_REQ_FIELDS 9

#define WT_CONN_BUFFER   (WT_MIN_BUFFER_SIZE + 24576)
#define WT_CONN_CHAIN    32768
#define WT_CONN_ANCHORS  1024
#define WT_CONN_KEYLOG   (40 * WT_KEYLOG_RECORD_MAX)   /* malloc'd only with WT_FLAG_KEYLOG */
#define WT_CONN_RNG_POOL 256

typedef struct {
	wt_engine eng;
	wt_config cfg;
	uint16_t groups[WT_MAX_GROUPS];  /* cfg.groups, from wt_conn_add_group */
	char server_name[256];
	uint8_t alpn[256];
	size_t alpn_len;
	wt_trust_store trust;
	uint8_t *buf;
	size_t buf_len;                  /* WT_CONN_BUFFER, less after wt_conn_compact */
	uint8_t *chain;
	uint8_t *client_chain;           /* u24 + DER per certificate, malloc'd by wt_conn_set_client_cert */
	wt_privkey client_key;
	uint8_t *session;                /* session to resume, malloc'd by wt_conn_set_session */
	size_t session_len;
	uint8_t *early;                  /* 0-RTT data, malloc'd by wt_conn_set_early_data */
	size_t early_len;
	uint8_t *out;                    /* once compacted: the output area, WT_OUT_IDLE or WT_RECORD_OUT_SIZE bytes */
	uint8_t pins[WT_MAX_PINS * 32];  /* SHA-256 of SubjectPublicKeyInfo DER (wt_conn_add_pin) */
	size_t num_pins;
	struct wt_verify_out *verify;    /* results of the last wt_verify_chain on this conn, malloc'd by it */
	wt_io io;                        /* the windows and the status word (wt_conn_io; windows section) */
	uint8_t closed;                  /* our side closed: wt_conn_close, or the transport ended */
	uint8_t chain_taken;             /* JS read the handshake's results: compaction may happen */
	uint8_t want_write;              /* JS has app data to write (wt_conn_want_write) */
	uint8_t last_full;               /* the last record written was full-size */
	uint8_t *keylog;                 /* WT_CONN_KEYLOG bytes of key-log records, malloc'd with WT_FLAG_KEYLOG only; wiped once JS took them */
	/* asynchronous verification (wt_conn_set_async_verify): the requests of the batch the
	 * engine waits on, in the order the engine recorded them (wt_engine_sig_waiting) */
	uint8_t async_verify;
	uint8_t *batch;                  /* request bytes (key, msg, sig of each), malloc'd, grown */
	size_t batch_len, batch_cap;
	uint32_t *batch_tab;             /* WT_SIG_CACHE_MAX * WT_SIG_REQ_FIELDS offsets (wt_conn_sig_batch makes them pointers) */
	wt_sig_cache *sig_cache;         /* the engine's verdict cache (cfg.sig_native.cache); these three are malloc'd by
	                                    wt_conn_set_async_verify and freed once connected (compaction) or at wt_conn_free */
	unsigned batch_n;
	/* randomness: one env.wt_js_random call fills the pool, the engine's requests take from it
	 * (a handshake needs ~200 bytes: five calls became one); taken bytes are wiped at once */
	uint8_t rng_pool[WT_CONN_RNG_POOL];
	size_t rng_left;                 /* unread bytes at the end of rng_pool */
} wt_conn;

static uint32_t wt_conn_status(wt_conn *c, int result);

/* Once compacted, an idle connection keeps only this much output area (an
 * alert, a KeyUpdate answer); it grows to WT_RECORD_OUT_SIZE while the app
 * writes (wt_conn_want_write) and shrinks back when the writer is done. */
#define WT_OUT_IDLE 128

static void wt_conn_verify_release(wt_conn *c);

/* The asynchronous verifier's memory (no signature is verified once connected). */
static void
wt_conn_async_release(wt_conn *c)
{
	free(c->batch);
	free(c->batch_tab);
	free(c->sig_cache);
	c->batch = NULL;
	c->batch_tab = NULL;
	c->sig_cache = NULL;
	c->batch_len = c->batch_cap = 0;
	c->batch_n = 0;
	c->cfg.sig_native.cache = NULL;
	c->eng.sig_native.cache = NULL;
}

/*
 * The engine's RNG (wt_rng_fn): crypto.getRandomValues through env.wt_js_random,
 * WT_CONN_RNG_POOL bytes per call. A request larger than the pool goes straight
 * to JS. Bytes handed out are wiped from the pool; the rest is wiped with the conn.
 */
static int
wt_conn_rng(void *ctx, uint8_t *out, size_t len)
{
	wt_conn *c = ctx;
	if (len > WT_CONN_RNG_POOL) return wt_js_random(out, len) == 0 ? 0 : -1;
	while (len) {
		if (c->rng_left == 0) {
			if (wt_js_random(c->rng_pool, WT_CONN_RNG_POOL) != 0) return -1;
			c->rng_left = WT_CONN_RNG_POOL;
		}
		size_t n = len < c->rng_left ? len : c->rng_left;
		uint8_t *from = c->rng_pool + WT_CONN_RNG_POOL - c->rng_left;
		memcpy(out, from, n);
		wt_wipe(from, n);
		c->rng_left -= n;
		out += n;
		len -= n;
	}
	return 0;
}

/* Append bytes to the batch; \return the offset, or SIZE_MAX if out of memory. */
static size_t
wt_conn_batch_put(wt_conn *c, const uint8_t *p, size_t n)
{
	if (c->batch_len + n > c->batch_cap) {
		size_t cap = c->batch_cap ? c->batch_cap : 8192;
		while (cap < c->batch_len + n) cap *= 2;
		uint8_t *b = realloc(c->batch, cap);
		if (!b) return SIZE_MAX;
		c->batch = b;
		c->batch_cap = cap;
	}
	if (n) memcpy(c->batch + c->batch_len, p, n);
	c->batch_len += n;
	return c->batch_len - n;
}

/*
 * Asynchronous: record the request for JS (wt_conn_sig_batch) and answer
 * PENDING; the engine records its digest in the same order. CANNOT if it
 * cannot be recorded (then the engine records nothing either: BearSSL).
 */
static int
wt_conn_sig_defer(wt_conn *c, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	size_t start = c->batch_len, k, kl, m, s;
	uint32_t aux;
	if (c->batch_tab == NULL || c->batch_n >= WT_SIG_CACHE_MAX) return WT_SIG_NATIVE_CANNOT;
	if (pk->key_type == BR_KEYTYPE_EC) {
		k = wt_conn_batch_put(c, pk->key.ec.q, pk->key.ec.qlen);
		kl = pk->key.ec.qlen;
		aux = (uint32_t)pk->key.ec.curve;
	} else {
		k = wt_conn_batch_put(c, pk->key.rsa.n, pk->key.rsa.nlen);
		if (k != SIZE_MAX && wt_conn_batch_put(c, pk->key.rsa.e, pk->key.rsa.elen) == SIZE_MAX) k = SIZE_MAX;
		kl = pk->key.rsa.nlen + pk->key.rsa.elen;
		aux = (uint32_t)pk->key.rsa.elen;
	}
	m = k == SIZE_MAX ? SIZE_MAX : wt_conn_batch_put(c, msg, msg_len);
	s = m == SIZE_MAX ? SIZE_MAX : wt_conn_batch_put(c, sig, sig_len);
	if (s == SIZE_MAX) {
		c->batch_len = start;
		return WT_SIG_NATIVE_CANNOT;
	}
	uint32_t *t = c->batch_tab + WT_SIG_REQ_FIELDS * c->batch_n++;
	t[0] = scheme; t[1] = pk->key_type; t[2] = (uint32_t)k; t[3] = (uint32_t)kl; t[4] = aux;
	t[5] = (uint32_t)m; t[6] = (uint32_t)msg_len; t[7] = (uint32_t)s; t[8] = (uint32_t)sig_len;
	return WT_SIG_NATIVE_PENDING;
}

/* The hook (wt_sig_native_fn) that hands a normalized request to env.wt_js_sig_verify. */
static int
wt_conn_sig_native(void *ctx, uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	uint8_t rsa[512 + 8];   /* n || e: n at most 4096 bits, e at most 8 bytes (wt_sig_verify.h) */
	int r;
	wt_conn *c = ctx;
	if (c != NULL && c->async_verify) return wt_conn_sig_defer(c, scheme, pk, msg, msg_len, sig, sig_len);
	if (pk->key_type == BR_KEYTYPE_EC) {
		r = wt_js_sig_verify(scheme, BR_KEYTYPE_EC, pk->key.ec.q, pk->key.ec.qlen, (uint32_t)pk->key.ec.curve,
			msg, msg_len, sig, sig_len);
	} else if (pk->key_type == BR_KEYTYPE_RSA && pk->key.rsa.nlen + pk->key.rsa.elen <= sizeof rsa) {
		memcpy(rsa, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(rsa + pk->key.rsa.nlen, pk->key.rsa.e, pk->key.rsa.elen);
		r = wt_js_sig_verify(scheme, BR_KEYTYPE_RSA, rsa, pk->key.rsa.nlen + pk->key.rsa.elen,
			(uint32_t)pk->key.rsa.elen, msg, msg_len, sig, sig_len);
	} else {
		return WT_SIG_NATIVE_CANNOT;
	}
	return r == 1 ? WT_SIG_NATIVE_VALID : r == 0 ? WT_SIG_NATIVE_INVALID : WT_SIG_NATIVE_CANNOT;
}

EMSCRIPTEN_KEEPALIVE wt_conn *
wt_conn_new(void)
{
	wt_conn *c = calloc(1, sizeof *c);
	if (!c) return NULL;
	c->buf = malloc(WT_CONN_BUFFER);
	c->buf_len = WT_CONN_BUFFER;
	c->chain = malloc(WT_CONN_CHAIN);
	if (!c->buf || !c->chain) {
		free(c->buf); free(c->chain); free(c);
		return NULL;
	}
	c->cfg.rng = wt_conn_rng;
	c->cfg.rng_ctx = c;
	c->cfg.chain_buf = c->chain;
	c->cfg.chain_cap = WT_CONN_CHAIN;
	return c;
}

EMSCRIPTEN_KEEPALIVE void
wt_conn_free(wt_conn *c)
{
	if (!c) return;
	wt_engine_wipe(&c->eng);   /* wipes the output area too */
	free(c->out);
	if (c->buf) wt_wipe(c->buf, c->buf_len);
	free(c->buf);
	free(c->chain);
	free(c->trust.anchors);   /* all three malloc'd by wt_conn_add_ca (calloc'd store: NULL until then) */
	free(c->trust.info);
	free(c->trust.arena);
	free(c->client_chain);
	wt_privkey_wipe(&c->client_key);
	if (c->session) wt_wipe(c->session, c->session_len);
	free(c->session);
	if (c->early) wt_wipe(c->early, c->early_len);
	free(c->early);
	if (c->keylog) wt_wipe(c->keylog, WT_CONN_KEYLOG);
	free(c->keylog);
	wt_conn_verify_release(c);
	wt_conn_async_release(c);
	wt_wipe(c, sizeof *c);
	free(c);
}

/* ------------------------------------------------------------ configuration */

EMSCRIPTEN_KEEPALIVE int
wt_conn_set_server_name(wt_conn *c, const char *name, size_t len)
{
	if (len >= sizeof c->server_name) return WT_ERR_BAD_ARGUMENT;
	memcpy(c->server_name, name, len);
	c->server_name[len] = 0;
	c->cfg.server_name = len ? c->server_name : NULL;
	return 0;
}

/* Move the store's arena to a new allocation of `cap` bytes (>= arena_used); the layout is wt_trust.c's. */
static int
wt_conn_trust_arena(wt_trust_store *ts, size_t cap)
{
	uint8_t *arena = malloc(cap ? cap : 1);
	if (!arena) return -1;
	free(wt_trust_move_arena(ts, arena, cap));
	return 0;
}

/*
 * Returns the number of anchors added, or a negated wt_err.
 * Memory is sized to what the certificates need, not to a fixed maximum (idle
 * connections are cheap): an anchor's DN and key are slices of its DER, which
 * is no longer than the input, so the arena grows by `len` for the parse and is
 * then trimmed to what was used; the anchor array likewise.
 */
EMSCRIPTEN_KEEPALIVE int
wt_conn_add_ca(wt_conn *c, const uint8_t *data, size_t len)
{
	wt_trust_store *ts = &c->trust;
	size_t room = wt_trust_slots_need(ts, len, WT_CONN_ANCHORS);
	if (room > ts->max) {
		br_x509_trust_anchor *a = realloc(ts->anchors, room * sizeof *a);
		if (!a) return -WT_ERR_INTERNAL;
		wt_trust_set_arrays(ts, a, ts->info, ts->max);
		wt_anchor_info *in = realloc(ts->info, room * sizeof *in);
		if (!in) return -WT_ERR_INTERNAL;
		wt_trust_set_arrays(ts, a, in, room);         /* the anchors' facts, same index */
	}
	if (wt_conn_trust_arena(ts, wt_trust_arena_need(ts, len)) != 0) return -WT_ERR_INTERNAL;
	int n = wt_trust_add(ts, data, len);
	if (wt_conn_trust_arena(ts, ts->arena_used) != 0) return -WT_ERR_INTERNAL;
	if (ts->num && ts->num < ts->max) {             /* trimmed to what was used */
		br_x509_trust_anchor *a = realloc(ts->anchors, ts->num * sizeof *a);
		if (a) wt_trust_set_arrays(ts, a, ts->info, ts->max);
		wt_anchor_info *in = realloc(ts->info, ts->num * sizeof *in);
		if (in) wt_trust_set_arrays(ts, ts->anchors, in, ts->max);
		if (a && in) wt_trust_set_arrays(ts, a, in, ts->num);
	}
	c->cfg.anchors = ts->anchors;
	c->cfg.num_anchors = ts->num;
	return n;
}

#define WT_CLIENT_CHAIN_MAX 12288

/*
 * Client certificate chain: PEM with one or more CERTIFICATE blocks (leaf
 * first), or one DER certificate (decoded by wt_pem_chain_decode). Returns
 * the number of certificates, or a negated wt_err.
 */
EMSCRIPTEN_KEEPALIVE int
wt_conn_set_client_cert(wt_conn *c, const uint8_t *data, size_t len)
{
	if (!c->client_chain && !(c->client_chain = malloc(WT_CLIENT_CHAIN_MAX))) return -WT_ERR_INTERNAL;
	size_t n;
	int count = wt_pem_chain_decode(data, len, c->client_chain, WT_CLIENT_CHAIN_MAX, &n);
	if (count < 0) return count;
	c->cfg.client_chain = c->client_chain;
	c->cfg.client_chain_len = n;
	return count;
}

/* Client private key: PEM or DER (PKCS#8, SEC1 EC, PKCS#1 RSA). */
EMSCRIPTEN_KEEPALIVE int
wt_conn_set_client_key(wt_conn *c, const uint8_t *data, size_t len)
{
	int err = wt_privkey_decode(&c->client_key, data, len);
	if (err) return err;
	c->cfg.client_key = &c->client_key;
	return 0;
}

/*
 * SHA-256 of `len` bytes at `data` into `out` (32 bytes): the synchronous hash of the JS side
 * (certificate fingerprints, the trust-policy digest), where WebCrypto's digest is asynchronous
 * and costs ~25 us a call. Public data only.
 */
EMSCRIPTEN_KEEPALIVE void
wt_sha256(const uint8_t *data, size_t len, uint8_t *out)
{
	br_sha256_context h;
	br_sha256_init(&h);
	br_sha256_update(&h, data, len);
	br_sha256_out(&h, out);
}

/* Bytes of the wasm heap in use (malloc'd and not freed), for the benchmark. */
EMSCRIPTEN_KEEPALIVE size_t
wt_heap_in_use(void)
{
	return emmalloc_dynamic_heap_size() - emmalloc_free_dynamic_memory();
}

/* `list` is the ALPN ProtocolNameList contents: u8 length + name, repeated. */
EMSCRIPTEN_KEEPALIVE int
wt_conn_set_alpn(wt_conn *c, const uint8_t *list, size_t len)
{
	if (len > sizeof c->alpn) return WT_ERR_BAD_ARGUMENT;
	memcpy(c->alpn, list, len);
	c->cfg.alpn = c->alpn;
	c->cfg.alpn_len = len;
	return 0;
}

EMSCRIPTEN_KEEPALIVE void
wt_conn_set_time(wt_conn *c, double unix_seconds)
{
	c->cfg.now = (int64_t)unix_seconds;
}

EMSCRIPTEN_KEEPALIVE void
wt_conn_set_flags(wt_conn *c, uint32_t flags)
{
	/* the key log exists only when asked for */
	if ((flags & WT_FLAG_KEYLOG) && !c->keylog) c->keylog = calloc(1, WT_CONN_KEYLOG);
	if (!c->keylog) flags &= ~(uint32_t)WT_FLAG_KEYLOG;
	c->cfg.flags = flags;
	c->cfg.keylog_buf = (flags & WT_FLAG_KEYLOG) ? c->keylog : NULL;
	c->cfg.keylog_cap = (flags & WT_FLAG_KEYLOG) ? WT_CONN_KEYLOG : 0;
}

/*
 * The per-connection switch for native signature verification: with `on`
 * every signature check of the handshake (and of wt_verify_chain* on this
 * conn) asks env.wt_js_sig_verify first; off (the default): BearSSL alone.
 * Before wt_conn_start.
 */
EMSCRIPTEN_KEEPALIVE void
wt_conn_set_native_verify(wt_conn *c, int on)
{
	c->cfg.sig_native.fn = on ? wt_conn_sig_native : NULL;
	c->cfg.sig_native.ctx = on ? c : NULL;
	c->async_verify = 0;
}

/*
 * The asynchronous switch (WebCrypto): with `on`, every signature check of
 * the handshake is deferred to JS instead of env.wt_js_sig_verify. The
 * engine then waits (status bit WT_IO_VERIFY): JS reads the batch
 * (wt_conn_sig_batch / wt_conn_sig_batch_len), verifies, answers each
 * request (wt_conn_sig_verdict) and calls wt_conn_sig_resume. Before
 * wt_conn_start. (wt_verify_chain* on such a conn, not started: rounds as
 * in a handshake, WT_SIG_WAIT (-1000) while edges wait; a test seam.)
 */
EMSCRIPTEN_KEEPALIVE void
wt_conn_set_async_verify(wt_conn *c, int on)
{
	wt_conn_set_native_verify(c, on);
	if (on && !c->sig_cache) {
		c->sig_cache = calloc(1, sizeof *c->sig_cache);
		c->batch_tab = malloc(WT_SIG_CACHE_MAX * WT_SIG_REQ_FIELDS * sizeof *c->batch_tab);
		if (!c->sig_cache || !c->batch_tab) {
			wt_conn_async_release(c);   /* out of memory: BearSSL verifies */
			return;
		}
	}
	c->async_verify = on && c->sig_cache ? 1 : 0;
	c->cfg.sig_native.cache = c->async_verify ? c->sig_cache : NULL;
}

/* Requests in the batch the engine waits on (0 if it does not wait). */
EMSCRIPTEN_KEEPALIVE unsigned
wt_conn_sig_batch_len(wt_conn *c)
{
	unsigned n = wt_engine_sig_waiting(&c->eng);
	/* the engine's batch and ours are recorded together; if they ever differ, none is
	 * offered: the resume then lets BearSSL verify every one */
	return n == c->batch_n ? n : 0;
}

/*
 * The batch: wt_conn_sig_batch_len() requests of WT_SIG_REQ_FIELDS u32 each
 * (the arguments of env.wt_js_sig_verify, pointers into wasm memory), valid
 * until the next call on this conn.
 */
EMSCRIPTEN_KEEPALIVE const uint32_t *
wt_conn_sig_batch(wt_conn *c)
{
	unsigned n = wt_conn_sig_batch_len(c);
	static uint32_t out[WT_SIG_CACHE_MAX * WT_SIG_REQ_FIELDS];
	/* JS has the batch now: a prefetch (a record read while waiting) no longer joins it */
	if (n) wt_sig_cache_seal(c->sig_cache);
	for (unsigned i = 0; i < n; i++) {
		const uint32_t *t = c->batch_tab + WT_SIG_REQ_FIELDS * i;
		uint32_t *o = out + WT_SIG_REQ_FIELDS * i;
		memcpy(o, t, WT_SIG_REQ_FIELDS * sizeof *o);
		o[2] = (uint32_t)(uintptr_t)(c->batch + t[2]);
		o[5] = (uint32_t)(uintptr_t)(c->batch + t[5]);
		o[7] = (uint32_t)(uintptr_t)(c->batch + t[7]);
	}
	return out;
}

/* Verdict for request `i` of the batch: 1 valid, 0 invalid, anything else cannot (BearSSL). */
EMSCRIPTEN_KEEPALIVE int
wt_conn_sig_verdict(wt_conn *c, unsigned i, int verdict)
{
	if (i >= wt_conn_sig_batch_len(c)) return WT_ERR_BAD_ARGUMENT;
	return wt_engine_sig_verdict(&c->eng, i, verdict);
}

/* Re-run the waiting message with the verdicts given (unanswered: BearSSL). */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_sig_resume(wt_conn *c)
{
	c->batch_n = 0;
	c->batch_len = 0;
	return wt_conn_status(c, wt_engine_sig_resume(&c->eng));
}

#ifdef WT_WASM_TEST_SEAMS   /* the test build only (cmake/wasm.cmake: wasmtls(-simd)-seams.wasm) */
/*
 * A public key in the host import's layout (EC: 04 || X || Y with aux = the
 * curve; RSA: n || e with aux = the length of e) as a br_x509_pkey pointing
 * into `key`. \return 0, or WT_ERR_BAD_ARGUMENT for another layout.
 */
static int
wt_probe_key(br_x509_pkey *pk, uint32_t key_type, const uint8_t *key, size_t key_len, uint32_t aux)
{
	memset(pk, 0, sizeof *pk);
	pk->key_type = (unsigned char)key_type;
	if (key_type == BR_KEYTYPE_EC) {
		pk->key.ec.curve = (int)aux;
		pk->key.ec.q = (unsigned char *)key;
		pk->key.ec.qlen = key_len;
	} else if (key_type == BR_KEYTYPE_RSA) {
		if (aux == 0 || aux >= key_len) return WT_ERR_BAD_ARGUMENT;
		pk->key.rsa.n = (unsigned char *)key;
		pk->key.rsa.nlen = key_len - aux;
		pk->key.rsa.e = (unsigned char *)key + key_len - aux;
		pk->key.rsa.elen = aux;
	} else {
		return WT_ERR_BAD_ARGUMENT;
	}
	return 0;
}

/*
 * Test seam: one signature check through wt_sig_verify_req, with the request
 * laid out as env.wt_js_sig_verify gets it (key_type/key/aux as there; `sig`
 * as a TLS message carries it: DER for ECDSA). `how`: bit 0 set asks the
 * native verifier first (else BearSSL alone); bits 1-2 the mode
 * (0 WT_SIGV_TLS13, 1 WT_SIGV_TLS12, 2 WT_SIGV_CERT).
 * Returns 0 (valid), WT_ERR_BAD_SIGNATURE or WT_ERR_ILLEGAL_PARAMETER.
 */
EMSCRIPTEN_KEEPALIVE int
wt_sig_verify_probe(uint32_t how, uint32_t scheme, uint32_t key_type, const uint8_t *key, size_t key_len,
	uint32_t aux, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	br_x509_pkey pk;
	wt_sig_native nv = { wt_conn_sig_native, NULL, NULL };
	if (wt_probe_key(&pk, key_type, key, key_len, aux) != 0) return WT_ERR_BAD_ARGUMENT;
	return wt_sig_verify_req((how & 1) ? &nv : NULL, (how >> 1) & 3, (uint16_t)scheme, &pk,
		msg, msg_len, sig, sig_len);
}

/*
 * Test seam for the asynchronous path: one check through wt_sig_verify_req
 * with `c`'s deferring hook and its engine's verdict cache (request layout as
 * wt_sig_verify_probe; `mode` 0 TLS13, 1 TLS12, 2 CERT). A fresh request
 * starts with an empty cache; WT_SIG_WAIT (-1000) means it waits: JS reads the
 * batch (wt_conn_sig_batch), answers (wt_conn_sig_verdict) and asks again
 * with the same request, which the cache then answers (a new round).
 * `c` must have wt_conn_set_async_verify on and not be started.
 */
EMSCRIPTEN_KEEPALIVE int
wt_sig_verify_probe_async(wt_conn *c, uint32_t mode, uint32_t scheme, uint32_t key_type, const uint8_t *key,
	size_t key_len, uint32_t aux, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	br_x509_pkey pk;
	wt_sig_native nv = { wt_conn_sig_native, c, c->sig_cache };
	if (!c->async_verify || wt_engine_state(&c->eng) != WT_ST_START) return WT_ERR_BAD_ARGUMENT;
	c->eng.sig_native.cache = c->sig_cache;   /* not started: the seam drives the cache itself */
	if (wt_probe_key(&pk, key_type, key, key_len, aux) != 0) return WT_ERR_BAD_ARGUMENT;
	if (c->eng.sig_wait) {
		wt_sig_cache_next_round(c->sig_cache);   /* the verdicts are in: ask again */
	} else {
		memset(c->sig_cache, 0, sizeof *c->sig_cache);
	}
	c->eng.sig_wait = 0;
	c->batch_n = 0;
	c->batch_len = 0;
	int r = wt_sig_verify_req(&nv, mode & 3, (uint16_t)scheme, &pk, msg, msg_len, sig, sig_len);
	if (r == WT_SIG_WAIT) c->eng.sig_wait = 1;
	return r;
}
#endif /* WT_WASM_TEST_SEAMS */

/* min/max: 0x0303 (TLS 1.2) or 0x0304 (TLS 1.3); checked by wt_conn_start. */
EMSCRIPTEN_KEEPALIVE void
wt_conn_set_versions(wt_conn *c, uint32_t min_version, uint32_t max_version)
{
	c->cfg.min_version = (uint16_t)min_version;
	c->cfg.max_version = (uint16_t)max_version;
}

/* Append a group (IANA NamedGroup) to supported_groups, in preference order;
 * the first is the initial key share. 0, or WT_ERR_BAD_ARGUMENT (unknown,
 * repeated, or more than WT_MAX_GROUPS). */
EMSCRIPTEN_KEEPALIVE int
wt_conn_add_group(wt_conn *c, uint32_t group)
{
	if (group > 0xFFFF || !wt_kex_supported((uint16_t)group) || c->cfg.num_groups >= WT_MAX_GROUPS)
		return WT_ERR_BAD_ARGUMENT;
	for (size_t i = 0; i < c->cfg.num_groups; i++)
		if (c->groups[i] == group) return WT_ERR_BAD_ARGUMENT;
	c->groups[c->cfg.num_groups++] = (uint16_t)group;
	c->cfg.groups = c->groups;
	return 0;
}

EMSCRIPTEN_KEEPALIVE void
wt_conn_set_key_share(wt_conn *c, uint32_t group)
{
	c->cfg.key_share_group = (uint16_t)group;
}

/* A session from an earlier connection's wt_conn_session_ptr (copied). */
EMSCRIPTEN_KEEPALIVE int
wt_conn_set_session(wt_conn *c, const uint8_t *data, size_t len)
{
	if (len == 0 || len > WT_SESSION_MAX) return WT_ERR_BAD_ARGUMENT;
	if (c->session) { wt_wipe(c->session, c->session_len); free(c->session); }
	c->session = malloc(len);
	if (!c->session) return WT_ERR_INTERNAL;
	memcpy(c->session, data, len);
	c->session_len = len;
	c->cfg.session = c->session;
	c->cfg.session_len = len;
	return 0;
}

/* 0-RTT data to send with a resumed TLS 1.3 session (copied; at most 16 KiB go early). */
EMSCRIPTEN_KEEPALIVE int
wt_conn_set_early_data(wt_conn *c, const uint8_t *data, size_t len)
{
	if (len > WT_MAX_PLAINTEXT) len = WT_MAX_PLAINTEXT;
	if (c->early) { wt_wipe(c->early, c->early_len); free(c->early); }
	c->early = malloc(len ? len : 1);
	if (!c->early) return WT_ERR_INTERNAL;
	memcpy(c->early, data, len);
	c->early_len = len;
	c->cfg.early_data = c->early;
	c->cfg.early_data_len = len;
	return 0;
}

/* WT_EARLY_* status; the bytes sent early are wt_conn_early_sent(). */
EMSCRIPTEN_KEEPALIVE int wt_conn_early_status(wt_conn *c) { size_t n; return wt_engine_early_data(&c->eng, &n); }
EMSCRIPTEN_KEEPALIVE size_t wt_conn_early_sent(wt_conn *c) { size_t n; wt_engine_early_data(&c->eng, &n); return n; }

/* TLS 1.3: KeyUpdate after this many bytes written (0: never). */
EMSCRIPTEN_KEEPALIVE void
wt_conn_set_key_update_bytes(wt_conn *c, double bytes)
{
	c->cfg.key_update_bytes = bytes > 0 ? (uint64_t)bytes : 0;
}

EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_start(wt_conn *c)
{
	int err = wt_engine_init(&c->eng, &c->cfg, c->buf, WT_CONN_BUFFER);
	if (!err) err = wt_engine_set_pins(&c->eng, c->pins, c->num_pins, c->cfg.anchors ? c->trust.info : NULL);
	if (!err) err = wt_engine_start(&c->eng);
	return wt_conn_status(c, err);   /* the status word; the error is also in io.result */
}

/*
 * A pin: the SHA-256 (len 32) of a SubjectPublicKeyInfo DER. At most
 * WT_MAX_PINS (16). With pins the handshake fails with PIN_MISMATCH unless
 * a key on the verified path (leaf, intermediates, trust anchor; with the
 * insecure flag the leaf alone) is pinned. Before wt_conn_start.
 * Returns 0 or WT_ERR_BAD_ARGUMENT.
 */
EMSCRIPTEN_KEEPALIVE int
wt_conn_add_pin(wt_conn *c, const uint8_t *sha256, size_t len)
{
	if (len != 32 || sha256 == NULL || c->num_pins >= WT_MAX_PINS) return WT_ERR_BAD_ARGUMENT;
	memcpy(c->pins + 32 * c->num_pins, sha256, 32);
	c->num_pins++;
	return 0;
}

/*
 * The path the handshake verified, leaf first, ending with the trust
 * anchor: wt_conn_path_at(c, i) >= 0 indexes the chain the server sent (as
 * in wt_conn_chain_ptr), < 0 is the anchor -(1 + k), k counting the anchors
 * in the order wt_conn_add_ca added them (certificates it skipped, e.g. an
 * Ed25519 root in a bundle, do not count; its return value says how many
 * it added). Length 0 before the chain was accepted and when resumed; with
 * the insecure flag just the leaf, [0].
 */
EMSCRIPTEN_KEEPALIVE size_t
wt_conn_path_len(wt_conn *c)
{
	const int16_t *p;
	return wt_engine_path(&c->eng, &p);
}

EMSCRIPTEN_KEEPALIVE int
wt_conn_path_at(wt_conn *c, size_t i)
{
	const int16_t *p;
	size_t n = wt_engine_path(&c->eng, &p);
	return i < n ? p[i] : 0;
}

/* ------------------------------------------------------------------ windows */
/*
 * Every call that moves bytes returns the status word (wt_io.h) and leaves
 * the windows in c->io (wt_conn_io): JS reads the struct once, does what the
 * word allows, and calls again. The memory policy is decided here, from the
 * state: compaction once connected and JS has taken the handshake's results
 * (wt_conn_take_chain); the large output area while the app writes
 * (wt_conn_want_write), given back when the output drained and the writer
 * is done (the last record was not full-size, or JS said so).
 */

/* Swap the compacted connection's output area for one of `cap` bytes (nothing may be pending). */
static void
wt_conn_resize_out(wt_conn *c, size_t cap)
{
	uint8_t *p = malloc(cap);
	if (!p) return;   /* keep the current area: smaller records, or an idle connection a bit larger */
	if (wt_engine_set_out(&c->eng, p, cap) != 0) { free(p); return; }
	free(c->out);     /* wiped by wt_engine_set_out */
	c->out = p;
}

static int
wt_conn_out_pending(wt_conn *c)
{
	size_t n;
	wt_engine_send_buf(&c->eng, &n);
	return n != 0;
}

/* Is the output area the large one (or the work buffer's, before compaction)? */
static int
wt_conn_out_large(const wt_conn *c)
{
	return !c->out || c->eng.out_cap >= WT_RECORD_OUT_SIZE;
}

/* Give the large output area back if the connection is compacted and nothing is pending. */
static void
wt_conn_out_shrink(wt_conn *c)
{
	if (c->out && c->eng.out_cap > WT_OUT_IDLE && !wt_conn_out_pending(c)) wt_conn_resize_out(c, WT_OUT_IDLE);
}

/*
 * After the handshake (and after JS has taken the chain): give back what only
 * the handshake needed — the chain copy, the trust anchors, the tail of the
 * handshake area (shrunk in place) — and move output to its own small area,
 * grown when the app writes and shrunk again when the writer is done.
 * Returns 0 or a wt_err (not connected yet, output pending: tried again later).
 */
static int
wt_conn_compact_now(wt_conn *c)
{
	if (c->out) return 0;   /* compacted already */
	if (wt_engine_state(&c->eng) != WT_ST_CONNECTED || wt_conn_out_pending(c)) return WT_ERR_BAD_ARGUMENT;
	uint8_t *out = malloc(WT_OUT_IDLE);
	if (!out) return WT_ERR_BUFFER_TOO_SMALL;   /* stays as it is: uncompacted, still working */
	int err = wt_engine_compact(&c->eng, WT_MIN_HS_SIZE, out, WT_OUT_IDLE);
	if (err) { free(out); return err; }
	c->out = out;
	size_t keep = WT_RECORD_IN_SIZE + WT_MIN_HS_SIZE;
	if (emmalloc_realloc_try(c->buf, keep) == c->buf) c->buf_len = keep;
	if (c->chain) { wt_wipe(c->chain, WT_CONN_CHAIN); free(c->chain); c->chain = NULL; }
	/* no randomness is needed once connected: the pool's rest goes now, not at free */
	wt_wipe(c->rng_pool, sizeof c->rng_pool);
	c->rng_left = 0;
	free(c->trust.anchors);
	free(c->trust.info);
	if (c->trust.arena) { wt_wipe(c->trust.arena, c->trust.arena_used); free(c->trust.arena); }
	memset(&c->trust, 0, sizeof c->trust);
	c->cfg.anchors = NULL;
	c->cfg.num_anchors = 0;
	c->eng.anchor_info = NULL;   /* freed above; only the handshake used it */
	wt_conn_async_release(c);    /* no signature is verified once connected */
	return 0;
}

/* The memory policy, then the status word and windows. */
static uint32_t
wt_conn_status(wt_conn *c, int result)
{
	if (c->chain_taken && !c->out) wt_conn_compact_now(c);
	return wt_io_update(&c->io, &c->eng, wt_conn_out_large(c), c->closed, result);
}

/** The connection's wt_io: 14 u32 fields (wt_io.h); its address never changes. */
EMSCRIPTEN_KEEPALIVE const wt_io *
wt_conn_io(wt_conn *c)
{
	return &c->io;
}

/** The status word now (nothing moves). */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_poll(wt_conn *c)
{
	return wt_conn_status(c, 0);
}

/** `n` bytes were written at io.recv_ptr: process them. */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_recv_done(wt_conn *c, size_t n)
{
	return wt_conn_status(c, wt_engine_recv_done(&c->eng, n));
}

/** `n` bytes of io.send_ptr were handed to the transport. */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_send_done(wt_conn *c, size_t n)
{
	wt_engine_send_done(&c->eng, n);
	if (!(c->want_write && c->last_full)) wt_conn_out_shrink(c);
	return wt_conn_status(c, 0);
}

/**
 * The app has data to write (`want` 1) or none any more (0). With 1 the
 * output area grows to take a full record (once nothing is pending: else the
 * send window first), and the write window opens; with 0 it is given back.
 */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_want_write(wt_conn *c, int want)
{
	c->want_write = want ? 1 : 0;
	if (!want) wt_conn_out_shrink(c);
	else if (c->out && c->eng.out_cap < WT_RECORD_OUT_SIZE && !wt_conn_out_pending(c)) wt_conn_resize_out(c, WT_RECORD_OUT_SIZE);
	return wt_conn_status(c, 0);
}

/** `n` bytes were written at io.write_ptr: seal them as one record. */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_write_done(wt_conn *c, size_t n)
{
	c->last_full = n > 0 && n >= c->io.write_len;
	return wt_conn_status(c, wt_engine_write_done(&c->eng, n));
}

/** `n` bytes of io.read_ptr were delivered to the app. */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_read_done(wt_conn *c, size_t n)
{
	wt_engine_read_done(&c->eng, n);
	return wt_conn_status(c, 0);
}

/** Queue close_notify (io.result: 0 or the error). */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_close(wt_conn *c)
{
	int err = wt_engine_close(&c->eng);
	if (err != WT_ERR_BUFFER_TOO_SMALL) c->closed = 1;
	return wt_conn_status(c, err);
}

/** The transport ended (io.result: 0 if the peer had closed cleanly, else the error). */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_eof(wt_conn *c)
{
	int err = wt_engine_eof(&c->eng);
	if (err) c->closed = 1;
	return wt_conn_status(c, err);
}

/** TLS 1.3: send a KeyUpdate now (io.result: 0, WT_ERR_BAD_ARGUMENT or the error). */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_key_update(wt_conn *c, int request_peer)
{
	return wt_conn_status(c, wt_engine_key_update(&c->eng, request_peer));
}

/** The events at io.events_ptr were taken. */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_events_clear(wt_conn *c)
{
	wt_engine_events_clear(&c->eng);
	return wt_conn_status(c, 0);
}

/*
 * Key log (WT_FLAG_KEYLOG): records as described at WT_KEYLOG_* in
 * wt_engine.h, raised by WT_EV_KEYLOG events. Secret material: JS formats
 * them and calls wt_conn_keylog_clear, which wipes the buffer.
 */
EMSCRIPTEN_KEEPALIVE const uint8_t *wt_conn_keylog_ptr(wt_conn *c) { const uint8_t *p; wt_engine_keylog(&c->eng, &p); return p; }
EMSCRIPTEN_KEEPALIVE size_t wt_conn_keylog_len(wt_conn *c) { const uint8_t *p; return wt_engine_keylog(&c->eng, &p); }
EMSCRIPTEN_KEEPALIVE void wt_conn_keylog_clear(wt_conn *c) { wt_engine_keylog_clear(&c->eng); }
/* 1 if the engine has a key log (the flag was set before wt_conn_start), else 0. */
EMSCRIPTEN_KEEPALIVE int wt_conn_keylog_enabled(wt_conn *c) { return c->eng.keylog != NULL; }
EMSCRIPTEN_KEEPALIVE unsigned wt_conn_keylog_dropped(wt_conn *c) { return wt_engine_keylog_dropped(&c->eng); }

/**
 * JS has taken what only the handshake keeps (chain, verified path,
 * negotiated parameters): from now on the connection compacts itself as soon
 * as it is connected and nothing is pending (this call or a later one).
 */
EMSCRIPTEN_KEEPALIVE uint32_t
wt_conn_take_chain(wt_conn *c)
{
	c->chain_taken = 1;
	return wt_conn_status(c, 0);
}

/* -------------------------------------------------------------------- state */

EMSCRIPTEN_KEEPALIVE int wt_conn_state(wt_conn *c) { return (int)wt_engine_state(&c->eng); }
EMSCRIPTEN_KEEPALIVE int wt_conn_error(wt_conn *c) { return wt_engine_error(&c->eng); }
EMSCRIPTEN_KEEPALIVE const char *wt_conn_error_detail(wt_conn *c) { return wt_engine_error_detail(&c->eng); }
EMSCRIPTEN_KEEPALIVE int wt_conn_peer_alert(wt_conn *c) { return wt_engine_peer_alert(&c->eng); }
EMSCRIPTEN_KEEPALIVE int wt_conn_version(wt_conn *c) { return wt_engine_version(&c->eng); }
EMSCRIPTEN_KEEPALIVE int wt_conn_cipher(wt_conn *c) { return wt_engine_cipher(&c->eng); }
EMSCRIPTEN_KEEPALIVE int wt_conn_group(wt_conn *c) { return wt_engine_group(&c->eng); }
EMSCRIPTEN_KEEPALIVE const uint8_t *wt_conn_alpn_ptr(wt_conn *c) { const uint8_t *p; wt_engine_alpn(&c->eng, &p); return p; }
EMSCRIPTEN_KEEPALIVE size_t wt_conn_alpn_len(wt_conn *c) { const uint8_t *p; return wt_engine_alpn(&c->eng, &p); }

/* The peer chain: u24 length + DER, repeated, leaf first. */
EMSCRIPTEN_KEEPALIVE const uint8_t *wt_conn_chain_ptr(wt_conn *c) { return c->chain; }
EMSCRIPTEN_KEEPALIVE int wt_conn_resumed(wt_conn *c) { return wt_engine_resumed(&c->eng); }
EMSCRIPTEN_KEEPALIVE size_t wt_conn_session_len(wt_conn *c) { const uint8_t *p; return wt_engine_session(&c->eng, &p); }
EMSCRIPTEN_KEEPALIVE const uint8_t *wt_conn_session_ptr(wt_conn *c) { const uint8_t *p; wt_engine_session(&c->eng, &p); return p; }
EMSCRIPTEN_KEEPALIVE size_t wt_conn_chain_len(wt_conn *c) { return wt_engine_chain_len(&c->eng); }

/* --------------------------------------------------------------------- names */

EMSCRIPTEN_KEEPALIVE const char *wt_error_name(int err) { return wt_err_name(err); }
EMSCRIPTEN_KEEPALIVE const char *wt_error_text(int err) { return wt_err_text(err); }
EMSCRIPTEN_KEEPALIVE const char *wt_alert_name_of(int alert) { return wt_alert_name(alert); }
EMSCRIPTEN_KEEPALIVE const char *wt_cipher_name_of(int suite) { return wt_cipher_name((uint16_t)suite); }
EMSCRIPTEN_KEEPALIVE const char *wt_group_name_of(int group) { return wt_group_name((uint16_t)group); }

/* 1 in the SIMD build (wasmtls-simd.wasm), 0 in the plain one: tests and the bench ask which loaded. */
#ifndef WT_SIMD
#define WT_SIMD 0
#endif
EMSCRIPTEN_KEEPALIVE int wt_build_simd(void) { return WT_SIMD; }

/* ------------------------------------------------ chain verification alone */

static void
wt_w32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/*
 * The results of wt_verify_chain live in memory the conn owns (allocated on
 * its first wt_verify_chain, freed by wt_conn_free), not in static buffers.
 * The argument-less readers (wt_verify_detail, wt_verify_path_*, wt_verify_log,
 * wt_verify_sig_checks: exports kept as they were) read the conn of the
 * latest wt_verify_chain call, while it lives (the module is single-threaded);
 * wt_verify_chain_to writes everything into a caller-owned area instead.
 */
struct wt_verify_out {
	char detail[512];
	char log[4096];
	uint32_t path[WT_MAX_PATH];
	size_t path_n;
	int anchor;
	unsigned sigs;
};
static wt_conn *wt_verify_last;   /* whose results the readers show, or NULL */
static unsigned wt_verify_budget_sigs, wt_verify_budget_names;   /* settings, not results; 0: the defaults */

static void
wt_conn_verify_release(wt_conn *c)
{
	if (wt_verify_last == c) wt_verify_last = NULL;
	if (c->verify) { wt_wipe(c->verify, sizeof *c->verify); free(c->verify); c->verify = NULL; }
}

/* Parse u24 length + DER, repeated, into spans (at most WT_VERIFY_MAX_CERTS). \return the count or -1. */
static int
wt_verify_spans(const uint8_t *chain, size_t chain_len, wt_span certs[WT_VERIFY_MAX_CERTS])
{
	size_t n = 0;
	wt_reader r = wt_reader_of(chain, chain_len);
	while (r.n > 0 && n < WT_VERIFY_MAX_CERTS) {
		wt_reader der = wt_r_vec(&r, 3);
		if (r.bad) return -1;
		certs[n].der = der.p;
		certs[n].len = der.n;
		n++;
	}
	return (int)n;
}

static int
wt_verify_run(wt_conn *c, const uint8_t *chain, size_t chain_len, const char *host, size_t host_len,
	double unix_seconds, int purpose, wt_verify_result *res, char *detail, size_t detail_cap)
{
	wt_span certs[WT_VERIFY_MAX_CERTS];
	int n = wt_verify_spans(chain, chain_len, certs);
	if (n < 0) return WT_ERR_BAD_ARGUMENT;
	wt_verify_params vp;
	memset(&vp, 0, sizeof vp);
	vp.anchors = c->trust.anchors;
	vp.num_anchors = c->trust.anchors ? c->trust.num : 0;
	vp.anchor_info = c->trust.anchors ? c->trust.info : NULL;
	vp.host = host_len ? host : NULL;
	vp.host_len = host_len;
	vp.now = (int64_t)unix_seconds;
	vp.purpose = purpose;
	vp.sig_budget = wt_verify_budget_sigs;
	vp.name_budget = wt_verify_budget_names;
	vp.native = c->cfg.sig_native.fn ? &c->cfg.sig_native : NULL;
	if (!c->async_verify) return wt_chain_verify_ex(&vp, certs, (size_t)n, NULL, res, detail, detail_cap);
	/*
	 * Asynchronous (a test seam for the path search; the conn is not started): a first call
	 * starts with an empty verdict cache; WT_SIG_WAIT means edges wait for verdicts (the batch,
	 * as in a handshake); after wt_conn_sig_verdict the same call again re-runs the search.
	 */
	wt_sig_native nv = { wt_conn_sig_native, c, c->sig_cache };
	if (wt_engine_state(&c->eng) != WT_ST_START) return WT_ERR_BAD_ARGUMENT;
	c->eng.sig_native.cache = c->sig_cache;   /* not started: the seam drives the cache itself */
	if (c->eng.sig_wait) wt_sig_cache_next_round(c->sig_cache);
	else memset(c->sig_cache, 0, sizeof *c->sig_cache);
	c->eng.sig_wait = 0;
	c->batch_n = 0;
	c->batch_len = 0;
	vp.native = &nv;
	int err = wt_chain_verify_ex(&vp, certs, (size_t)n, NULL, res, detail, detail_cap);
	if (c->sig_cache->waiting) {
		c->eng.sig_wait = 1;
		return WT_SIG_WAIT;
	}
	return err;
}

#ifdef WT_WASM_TEST_SEAMS   /* wt_verify_chain and its readers: no js/ caller (js/ uses wt_verify_chain_to) */
/*
 * Verify a chain with the very code a handshake runs (wt_chain_verify_ex),
 * against the anchors added to `c` with wt_conn_add_ca. `chain` is u24
 * length + DER, repeated, leaf first (the rest in any order); `host` may be
 * empty (no name check); `purpose` is WT_PURPOSE_SERVER or _CLIENT.
 * Returns 0 or a wt_err; then wt_verify_detail() and wt_verify_path_*()
 * (results owned by `c`, shown while it lives; wt_verify_chain_to writes them
 * into a caller-owned area).
 */
EMSCRIPTEN_KEEPALIVE int
wt_verify_chain(wt_conn *c, const uint8_t *chain, size_t chain_len,
	const char *host, size_t host_len, double unix_seconds, int purpose)
{
	if (!c->verify && !(c->verify = calloc(1, sizeof *c->verify))) return WT_ERR_INTERNAL;
	struct wt_verify_out *o = c->verify;
	wt_verify_last = c;
	o->path_n = 0;
	wt_verify_result res;
	memset(&res, 0, sizeof res);
	res.log = o->log;
	res.log_cap = sizeof o->log;
	int err = wt_verify_run(c, chain, chain_len, host, host_len, unix_seconds, purpose, &res,
		o->detail, sizeof o->detail);
	/* the certificates sent on the path (the anchor, last, is not one of them) */
	for (size_t i = 0; i < res.path_len; i++) {
		if (res.path[i] >= 0 && o->path_n < WT_MAX_PATH) o->path[o->path_n++] = (uint32_t)res.path[i];
	}
	o->anchor = res.path_len > 0 && res.path[res.path_len - 1] < 0 ? -res.path[res.path_len - 1] - 1 : -1;
	o->sigs = res.sig_checks;
	return err;
}
#endif /* WT_WASM_TEST_SEAMS */

/*
 * wt_verify_chain with every result in caller-owned memory `out` (`out_cap`
 * >= WT_VERIFY_OUT_MIN bytes), little-endian:
 *   u32 path_len; i32 path[11] (leaf first, >= 0: index into `chain`,
 *   < 0: anchor -(1 + k)); u32 signature checks; u32 paths tried;
 *   then the NUL-terminated detail (at most 512 bytes with its NUL), then
 *   the NUL-terminated log of failed candidate paths (the rest, truncated).
 * Returns 0 or a wt_err (WT_ERR_BAD_ARGUMENT if `out` is too small).
 */
#define WT_VERIFY_OUT_HEAD (4 + 4 * (WT_MAX_PATH + 1) + 4 + 4)
#define WT_VERIFY_OUT_MIN  (WT_VERIFY_OUT_HEAD + 2)
EMSCRIPTEN_KEEPALIVE int
wt_verify_chain_to(wt_conn *c, const uint8_t *chain, size_t chain_len, const char *host, size_t host_len,
	double unix_seconds, int purpose, uint8_t *out, size_t out_cap)
{
	if (out == NULL || out_cap < WT_VERIFY_OUT_MIN) return WT_ERR_BAD_ARGUMENT;
	memset(out, 0, WT_VERIFY_OUT_HEAD);
	char *detail = (char *)out + WT_VERIFY_OUT_HEAD;
	size_t room = out_cap - WT_VERIFY_OUT_HEAD;
	size_t detail_cap = room / 2 < 512 ? room / 2 : 512;
	wt_verify_result res;
	memset(&res, 0, sizeof res);
	res.log = detail + detail_cap;
	res.log_cap = room - detail_cap;
	int err = wt_verify_run(c, chain, chain_len, host, host_len, unix_seconds, purpose, &res, detail, detail_cap);
	/* the detail is followed directly by the log: close the gap */
	size_t dl = strlen(detail);
	memmove(detail + dl + 1, res.log, strlen(res.log) + 1);
	wt_w32le(out, (uint32_t)res.path_len);
	for (size_t i = 0; i < res.path_len; i++) wt_w32le(out + 4 + 4 * i, (uint32_t)res.path[i]);
	wt_w32le(out + 4 + 4 * (WT_MAX_PATH + 1), res.sig_checks);
	wt_w32le(out + 8 + 4 * (WT_MAX_PATH + 1), res.paths_tried);
	return err;
}

#ifdef WT_WASM_TEST_SEAMS
static const struct wt_verify_out *wt_verify_cur(void) { return wt_verify_last ? wt_verify_last->verify : NULL; }
EMSCRIPTEN_KEEPALIVE const char *wt_verify_detail(void) { return wt_verify_cur() ? wt_verify_cur()->detail : ""; }
EMSCRIPTEN_KEEPALIVE const uint32_t *wt_verify_path_ptr(void) { return wt_verify_cur() ? wt_verify_cur()->path : NULL; }
EMSCRIPTEN_KEEPALIVE size_t wt_verify_path_len(void) { return wt_verify_cur() ? wt_verify_cur()->path_n : 0; }
#endif /* WT_WASM_TEST_SEAMS */
/* Budgets for later wt_verify_chain calls (bench/x509-budget.mjs); 0: the defaults
   (WT_VERIFY_SIG_BUDGET, WT_VERIFY_NAME_BUDGET). Handshakes always use the defaults. */
EMSCRIPTEN_KEEPALIVE void
wt_verify_set_budget(unsigned sigs, unsigned names)
{
	wt_verify_budget_sigs = sigs;
	wt_verify_budget_names = names;
}
#ifdef WT_WASM_TEST_SEAMS
/* The anchor the last wt_verify_chain path ended at (index in the order added), or -1. */
EMSCRIPTEN_KEEPALIVE int wt_verify_path_anchor(void) { return wt_verify_cur() ? wt_verify_cur()->anchor : -1; }
/* One line per candidate path that failed: "#0 > #2 > ca[1]: CODE: detail". */
EMSCRIPTEN_KEEPALIVE const char *wt_verify_log(void) { return wt_verify_cur() ? wt_verify_cur()->log : ""; }
/* Signature checks the last wt_verify_chain did (the budget is WT_VERIFY_SIG_BUDGET). */
EMSCRIPTEN_KEEPALIVE unsigned wt_verify_sig_checks(void) { return wt_verify_cur() ? wt_verify_cur()->sigs : 0; }
#endif /* WT_WASM_TEST_SEAMS */

/* ------------------------------------------------- native record protection */
/*
 * The host's AEAD (src/wt_crypto.h, wt_aead_native) as four imports, the JS
 * side in js/core/native-cipher.js (node:crypto in Node, Bun and Deno):
 *   env.wt_js_aead_init(alg, key_ptr, key_len) -> handle > 0, else cannot
 *       (alg: 1 AES-128-GCM, 2 AES-256-GCM, 3 ChaCha20-Poly1305; JS keeps a
 *       copy of the key until wt_js_aead_free, which zeroes it)
 *   env.wt_js_aead_seal(h, nonce_ptr, aad_ptr, aad_len, data_ptr, len, tag_ptr)
 *       -> 0: data encrypted in place, tag written; else cannot (nothing written)
 *   env.wt_js_aead_open(h, nonce_ptr, aad_ptr, aad_len, data_ptr, len, tag_ptr)
 *       -> 1: valid, the plaintext written over data; 0: invalid, nothing
 *       written; < 0 cannot, nothing written
 *   env.wt_js_aead_free(h)
 * The nonce is 12 bytes; pointers are valid for the call only. Whatever JS
 * cannot do, the record layer does with wt_aead (the key is expanded there too).
 */
__attribute__((import_module("env"), import_name("wt_js_aead_init")))
extern int32_t wt_js_aead_init(uint32_t alg, const uint8_t *key, size_t key_len);
__attribute__((import_module("env"), import_name("wt_js_aead_seal")))
extern int32_t wt_js_aead_seal(int32_t h, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
	uint8_t *data, size_t len, uint8_t *tag);
__attribute__((import_module("env"), import_name("wt_js_aead_open")))
extern int32_t wt_js_aead_open(int32_t h, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
	uint8_t *data, size_t len, const uint8_t *tag);
__attribute__((import_module("env"), import_name("wt_js_aead_free")))
extern void wt_js_aead_free(int32_t h);

static int32_t
wt_conn_aead_init(void *ctx, wt_aead_alg alg, const uint8_t *key, size_t key_len)
{
	(void)ctx;
	return wt_js_aead_init((uint32_t)alg, key, key_len);
}

static int
wt_conn_aead_seal(void *ctx, int32_t h, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
	uint8_t *data, size_t len, uint8_t *tag)
{
	(void)ctx;
	return wt_js_aead_seal(h, nonce, aad, aad_len, data, len, tag) == 0 ? 0 : -1;
}

static int
wt_conn_aead_open(void *ctx, int32_t h, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
	uint8_t *data, size_t len, const uint8_t *tag)
{
	(void)ctx;
	int32_t r = wt_js_aead_open(h, nonce, aad, aad_len, data, len, tag);
	return r == 1 ? 1 : r == 0 ? 0 : -1;
}

static void
wt_conn_aead_free(void *ctx, int32_t h)
{
	(void)ctx;
	wt_js_aead_free(h);
}

/*
 * The per-connection switch for record protection on the host's AEAD: with
 * `on`, every record of the connection (all epochs, both directions, TLS 1.3
 * and 1.2) is sealed and opened by env.wt_js_aead_* where JS can, else by
 * wt_aead. Off (the default): wt_aead alone. Before wt_conn_start.
 */
EMSCRIPTEN_KEEPALIVE void
wt_conn_set_native_cipher(wt_conn *c, int on)
{
	static const wt_aead_native none = { NULL, NULL, NULL, NULL, NULL };
	wt_aead_native n = { c, wt_conn_aead_init, wt_conn_aead_seal, wt_conn_aead_open, wt_conn_aead_free };
	c->cfg.aead_native = on ? n : none;
}

