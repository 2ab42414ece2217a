/*
 * wt_engine.c — the sans-IO engine, the top layer: buffers and windows,
 * record framing, record-type and handshake dispatch (the ServerHello's
 * version decides between wt_hs13.c and wt_hs12.c), peer alerts, close and
 * EOF. It calls down only: the handshakes, wt_hs_common.c, wt_out.c.
 */
#include "wt_hs13.h"
#include "wt_hs12.h"

/* ------------------------------------------------------------------ setup */

int
wt_engine_init(wt_engine *e, const wt_config *cfg, uint8_t *buf, size_t buf_len)
{
	if (!e || !cfg || !buf || buf_len < WT_MIN_BUFFER_SIZE || !cfg->rng)
		return WT_ERR_BAD_ARGUMENT;
	memset(e, 0, sizeof *e);
	e->peer_alert = -1;
	e->state = WT_ST_START;

	if (cfg->server_name) {
		size_t n = strlen(cfg->server_name);
		uint8_t ip[16];
		if (n == 0 || n >= sizeof e->server_name) return WT_ERR_BAD_ARGUMENT;
		memcpy(e->server_name, cfg->server_name, n + 1);
		e->server_name_len = n;
		e->server_name_is_ip = wt_ip_parse(e->server_name, n, ip) != 0;
	}
	if (cfg->alpn_len) {
		/* a well-formed ProtocolNameList body: non-empty names */
		wt_reader r = wt_reader_of(cfg->alpn, cfg->alpn_len);
		if (cfg->alpn_len > sizeof e->alpn) return WT_ERR_BAD_ARGUMENT;
		while (r.n && !r.bad) {
			wt_reader name = wt_r_vec(&r, 1);
			if (name.n == 0) return WT_ERR_BAD_ARGUMENT;
		}
		if (r.bad) return WT_ERR_BAD_ARGUMENT;
		memcpy(e->alpn, cfg->alpn, cfg->alpn_len);
		e->alpn_len = cfg->alpn_len;
	}
	if (cfg->num_groups) {
		if (cfg->groups == NULL || cfg->num_groups > WT_MAX_GROUPS) return WT_ERR_BAD_ARGUMENT;
		for (size_t i = 0; i < cfg->num_groups; i++) {
			if (!wt_kex_supported(cfg->groups[i]) || wt_hs_in_list(e->groups, e->num_groups, cfg->groups[i]))
				return WT_ERR_BAD_ARGUMENT;
			e->groups[e->num_groups++] = cfg->groups[i];
		}
	} else {
		for (size_t i = 0; i < wt_num_groups && i < WT_MAX_GROUPS; i++) e->groups[e->num_groups++] = wt_groups[i].id;
	}
	e->first_group = cfg->key_share_group ? cfg->key_share_group : e->groups[0];
	if (!wt_hs_in_list(e->groups, e->num_groups, e->first_group)) return WT_ERR_BAD_ARGUMENT;
	e->min_version = cfg->min_version ? cfg->min_version : WT_VERSION_TLS12;
	e->max_version = cfg->max_version ? cfg->max_version : WT_VERSION_TLS13;
	if (e->min_version < WT_VERSION_TLS12 || e->max_version > WT_VERSION_TLS13 ||
	    e->min_version > e->max_version)
		return WT_ERR_BAD_ARGUMENT;
	if (e->max_version < WT_VERSION_TLS13) {
		/* a TLS 1.2-only hello needs a TLS 1.2 (ECDHE) group */
		int any = 0;
		for (size_t i = 0; i < e->num_groups; i++) any |= wt_group_find(e->groups[i])->tls12;
		if (!any) return WT_ERR_BAD_ARGUMENT;
	}

	if (cfg->client_chain_len) {
		/* a well-formed certificate_list body with a key to go with it */
		wt_reader r = wt_reader_of(cfg->client_chain, cfg->client_chain_len);
		if (!cfg->client_key || !cfg->client_key->type || cfg->client_chain_len > 12288) return WT_ERR_BAD_ARGUMENT;
		while (r.n && !r.bad) {
			wt_reader c = wt_r_vec(&r, 3);
			if (c.n == 0) return WT_ERR_BAD_ARGUMENT;
		}
		if (r.bad) return WT_ERR_BAD_ARGUMENT;
		e->client_chain = cfg->client_chain;
		e->client_chain_len = cfg->client_chain_len;
		e->client_key = cfg->client_key;
	}
	e->anchors = cfg->anchors;
	e->num_anchors = cfg->num_anchors;
	e->now = cfg->now;
	e->rng = cfg->rng;
	e->rng_ctx = cfg->rng_ctx;
	e->sig_native = cfg->sig_native;   /* .cache: caller-owned (asynchronous verifiers only) */
	e->rd.native = cfg->aead_native;   /* kept across key changes and wt_record_dir_wipe */
	e->wr.native = cfg->aead_native;
	e->flags = cfg->flags;
	e->chain_buf = cfg->chain_buf;
	e->chain_cap = cfg->chain_buf ? cfg->chain_cap : 0;
	e->t13.key_update_bytes = cfg->key_update_bytes;
	if ((cfg->flags & WT_FLAG_KEYLOG) && cfg->keylog_buf && cfg->keylog_cap) {
		e->keylog = cfg->keylog_buf;
		e->keylog_cap = cfg->keylog_cap;
	}
	e->t13.early_data = cfg->early_data;
	e->t13.early_data_len = cfg->early_data ? cfg->early_data_len : 0;
	e->peer_limit = WT_MAX_PLAINTEXT;

	/* a session to resume: offered only where it can be used (else a full handshake) */
	if (cfg->session_len && wt_session_decode(&e->resume, cfg->session, cfg->session_len) == 0 &&
	    wt_session_usable(&e->resume, e->server_name, e->server_name_len, e->now) &&
	    e->resume.version >= e->min_version && e->resume.version <= e->max_version &&
	    (e->resume.version == WT_VERSION_TLS13
		? wt_suite_find_version(e->resume.cipher, WT_VERSION_TLS13) &&
		  e->resume.secret_len == wt_suite_find(e->resume.cipher)->hash_len
		: wt_suite_find_version(e->resume.cipher, WT_VERSION_TLS12) && e->resume.secret_len == 48 &&
		  (e->resume.flags & WT_SESSION_EMS)))
		e->resume_offered = 1;
	else
		wt_wipe(&e->resume, sizeof e->resume);

	e->in = buf;
	e->out = buf + WT_RECORD_IN_SIZE;
	e->out_cap = WT_RECORD_OUT_SIZE;
	e->hs = e->out + WT_RECORD_OUT_SIZE;
	e->hs_cap = buf_len - WT_RECORD_IN_SIZE - WT_RECORD_OUT_SIZE;

	br_sha256_init(&e->th256);
	br_sha384_init(&e->th384);
	return 0;
}

static int
wt_build_client_hello(wt_engine *e)
{
	if (e->rng(e->rng_ctx, e->client_random, 32) || e->rng(e->rng_ctx, e->session_id, 32))
		return wt_fail(e, WT_ERR_RNG_FAILURE, "the random source failed");
	int err = 0;
	if (wt_hs_offers13(e)) {
		err = wt_kex_generate(&e->kex, e->first_group, e->rng, e->rng_ctx);
		if (err) return wt_fail(e, err, "key share generation failed");
	}
	err = wt_hs_send_client_hello(e);
	if (!err && wt_hs_early_possible(e)) err = wt_hs13_send_early_data(e);
	if (err) return err;
	e->state = WT_ST_WAIT_SH;
	return 0;
}

int
wt_engine_start(wt_engine *e)
{
	if (e->state != WT_ST_START) return e->err ? e->err : WT_ERR_BAD_ARGUMENT;
	return wt_build_client_hello(e);
}

/* ----------------------------------------------------------------- errors */

wt_state wt_engine_state(const wt_engine *e) { return e->state; }
int wt_engine_error(const wt_engine *e) { return e->err; }
const char *wt_engine_error_detail(const wt_engine *e) { return e->detail[0] ? e->detail : wt_err_text(e->err); }
int wt_engine_peer_alert(const wt_engine *e) { return e->peer_alert; }
uint16_t wt_engine_version(const wt_engine *e) { return e->version; }
uint16_t wt_engine_cipher(const wt_engine *e) { return e->cipher; }
uint16_t wt_engine_group(const wt_engine *e) { return e->group; }
size_t wt_engine_chain_len(const wt_engine *e) { return e->chain_len; }
size_t wt_engine_out_cap(const wt_engine *e) { return e->out_cap; }

size_t
wt_engine_alpn(const wt_engine *e, const uint8_t **name)
{
	*name = e->alpn_sel;
	return e->alpn_sel_len;
}

/* ----------------------------------------------------------------- events */

size_t
wt_engine_keylog(const wt_engine *e, const uint8_t **p)
{
	*p = e->keylog;
	return e->keylog ? e->keylog_len : 0;
}

void
wt_engine_keylog_clear(wt_engine *e)
{
	if (e->keylog) wt_wipe(e->keylog, e->keylog_cap);
	e->keylog_len = 0;
}

unsigned
wt_engine_keylog_dropped(const wt_engine *e)
{
	return e->keylog_dropped;
}

const wt_event *
wt_engine_events(const wt_engine *e, unsigned *count)
{
	*count = e->num_events;
	return e->events;
}

void
wt_engine_events_clear(wt_engine *e)
{
	e->num_events = 0;
}

/* ------------------------------------------------------------- transcript */

/* ----------------------------------------------------------- output side */

const uint8_t *
wt_engine_send_buf(wt_engine *e, size_t *len)
{
	*len = e->out_len - e->out_sent;
	return e->out + e->out_sent;
}

void
wt_engine_send_done(wt_engine *e, size_t n)
{
	size_t pending = e->out_len - e->out_sent;
	e->out_sent += n < pending ? n : pending;
	if (e->out_sent == e->out_len) e->out_sent = e->out_len = 0;
}

/*
 * TLS 1.3: the write sequence number at which the keys are refreshed with a
 * KeyUpdate: AES-GCM after WT_AES_GCM_RECORD_LIMIT records (RFC 8446 §5.5);
 * otherwise just before the counter would run out (the KeyUpdate and an
 * alert still get numbers of their own).
 */
static uint64_t
wt_rekey_seq(const wt_engine *e)
{
	const wt_suite *s = wt_suite_find(e->cipher);
	if (s && s->rekey_records) return s->rekey_records;
	return WT_SEQ_LAST - 1;
}

/* Will the record written next be followed by our own KeyUpdate? (TLS 1.3) */
static int
wt_key_update_may_follow(const wt_engine *e)
{
	return e->version == WT_VERSION_TLS13 && (e->t13.key_update_bytes || e->wr.seq + 1 >= wt_rekey_seq(e));
}

uint8_t *
wt_engine_write_buf(wt_engine *e, size_t *len)
{
	*len = 0;
	if ((e->state != WT_ST_CONNECTED && e->state != WT_ST_CLOSED) || e->write_closed)
		return NULL;
	if (e->wr.seq >= WT_SEQ_LAST) return NULL;   /* TLS 1.2: the last number is kept for an alert */
	size_t room = wt_out_room(e);
	size_t reserve = wt_key_update_may_follow(e) ? WT_KEY_UPDATE_RECORD : 0;   /* a KeyUpdate may follow */
	reserve += WT_RECORD_OVERHEAD + 2;                                 /* and an alert */
	if (room < WT_RECORD_OVERHEAD + 1 + reserve) return NULL;
	size_t n = room - WT_RECORD_OVERHEAD - reserve;
	if (n > e->peer_limit) n = e->peer_limit;
	if (e->t13.key_update_bytes && e->version == WT_VERSION_TLS13) {
		/* a record never straddles the update point: keys change after exactly key_update_bytes */
		uint64_t left = e->t13.key_update_bytes - e->t13.written_since_update;
		if (n > left) n = (size_t)left;
	}
	*len = n;
	return e->out + e->out_len + 5;
}

int
wt_engine_write_done(wt_engine *e, size_t n)
{
	if (e->err) return e->err;
	size_t max;
	if (!wt_engine_write_buf(e, &max) || n > max) return WT_ERR_BAD_ARGUMENT;
	if (n == 0) return 0;
	e->out_len += wt_record_seal(&e->wr, e->out + e->out_len, WT_CT_APPLICATION_DATA, n);
	e->t13.written_since_update += n;
	if (e->version == WT_VERSION_TLS13) {
		if ((e->t13.key_update_bytes && e->t13.written_since_update >= e->t13.key_update_bytes) || e->wr.seq >= wt_rekey_seq(e))
			return wt_hs_send_key_update(e, 0);
	} else if (e->wr.seq >= WT_SEQ_LAST) {
		/* TLS 1.2 has no KeyUpdate: the connection ends before its write sequence number would wrap */
		return wt_fail(e, WT_ERR_SEQUENCE_LIMIT,
			"%llu records were written under one TLS 1.2 key: the sequence number would wrap",
			(unsigned long long)e->wr.seq);
	}
	return 0;
}

size_t
wt_engine_session(const wt_engine *e, const uint8_t **session)
{
	*session = e->new_session_len ? e->new_session : NULL;
	return e->new_session_len;
}

int
wt_engine_compact(wt_engine *e, size_t hs_cap, uint8_t *out, size_t out_cap)
{
	if (e->state != WT_ST_CONNECTED || e->hs_len || e->out_len != e->out_sent || !out ||
	    out_cap < WT_MIN_OUT_SIZE || hs_cap < WT_MIN_HS_SIZE || hs_cap > e->hs_cap)
		return WT_ERR_BAD_ARGUMENT;
	/* in | out | hs  becomes  in | hs, with output elsewhere; nothing is half received or unsent */
	uint8_t *end = e->hs + e->hs_cap;
	e->hs = e->in + WT_RECORD_IN_SIZE;
	e->hs_cap = hs_cap;
	wt_wipe(e->hs, (size_t)(end - e->hs));
	e->out = out;
	e->out_cap = out_cap;
	e->out_len = e->out_sent = 0;
	e->chain_buf = NULL;
	e->chain_cap = 0;
	e->chain_len = 0;
	e->anchors = NULL;
	e->num_anchors = 0;
	e->anchor_info = NULL;   /* the anchors' facts go with them */
	return 0;
}

int
wt_engine_set_out(wt_engine *e, uint8_t *out, size_t cap)
{
	if (!out || cap < WT_MIN_OUT_SIZE || e->out_len != e->out_sent) return WT_ERR_BAD_ARGUMENT;
	if (e->out) wt_wipe(e->out, e->out_cap);
	e->out = out;
	e->out_cap = cap;
	e->out_len = e->out_sent = 0;
	return 0;
}

int
wt_engine_early_data(const wt_engine *e, size_t *sent)
{
	*sent = e->t13.early_sent;
	return e->t13.early_status;
}

int
wt_engine_resumed(const wt_engine *e)
{
	return e->resumed;
}

int
wt_engine_key_update(wt_engine *e, int request_peer)
{
	if (e->err) return e->err;
	if (e->version != WT_VERSION_TLS13 || e->state != WT_ST_CONNECTED || e->write_closed)
		return WT_ERR_BAD_ARGUMENT;
	if (wt_out_room(e) < WT_KEY_UPDATE_RECORD) return WT_ERR_BUFFER_TOO_SMALL;
	return wt_hs_send_key_update(e, request_peer);
}

int
wt_engine_close(wt_engine *e)
{
	if (e->err) return e->err;
	if (e->write_closed) return 0;
	if (wt_out_room(e) < WT_RECORD_OVERHEAD + 2) return WT_ERR_BUFFER_TOO_SMALL;
	int err = wt_send_alert(e, 1, WT_ALERT_CLOSE_NOTIFY);   /* warning */
	e->write_closed = 1;
	return err;
}

/* ------------------------------------------------------------ input side */

static int
wt_handshaking(const wt_engine *e)
{
	return e->state != WT_ST_START && e->state != WT_ST_CONNECTED &&
		e->state != WT_ST_CLOSED && e->state != WT_ST_FAILED;
}

/* Length the record under assembly will have once complete (header included). */
static size_t
wt_in_target(const wt_engine *e)
{
	if (e->in_len < 5) return 5;
	return 5 + wt_get_u16(e->in + 3);
}

static int wt_hs_sig_read_ahead(const wt_engine *e);

uint8_t *
wt_engine_recv_buf(wt_engine *e, size_t *len)
{
	*len = 0;
	if (e->err || e->read_closed || e->in_ready || (e->sig_wait && !wt_hs_sig_read_ahead(e)) ||
	    e->state == WT_ST_START) return NULL;
	*len = wt_in_target(e) - e->in_len;
	return e->in + e->in_len;
}

/* One complete handshake message: the ServerHello decides which handshake takes the rest. */
static int
wt_hs_handle(wt_engine *e, unsigned type, const uint8_t *msg, size_t len)
{
	if (e->version == WT_VERSION_TLS12) return wt_hs12_handle(e, type, msg, len);
	if ((e->state == WT_ST_WAIT_SH || e->state == WT_ST_WAIT_SH2) && type == WT_HS_SERVER_HELLO) {
		wt_server_hello sh;
		int v = wt_hs_server_hello_version(e, msg, len, &sh);
		if (v == WT_VERSION_TLS12)
			return wt_hs12_on_server_hello(e, sh.random, sh.sid, sh.suite, sh.compression, sh.exts, msg, len);
		if (v == WT_VERSION_TLS13) return wt_hs13_on_server_hello(e, &sh, msg, len);
		return e->err;
	}
	return wt_hs13_handle(e, type, msg, len);
}

/* Length (header included) of the complete handshake message at `off` in e->hs, or 0. */
static size_t
wt_hs_complete_at(const wt_engine *e, size_t off)
{
	if (e->hs_len < off + 4) return 0;
	size_t len = 4 + (((size_t)e->hs[off + 1] << 16) | ((size_t)e->hs[off + 2] << 8) | e->hs[off + 3]);
	return e->hs_len - off >= len ? len : 0;
}

/*
 * One round instead of two (prefetch): while the message at the start of
 * e->hs waits for its verdicts and the next complete message is the one
 * whose signature comes next (TLS 1.3 Certificate -> CertificateVerify;
 * TLS 1.2 Certificate or CertificateStatus -> ServerKeyExchange), that
 * signature's request joins the same batch, computed on a copy of the state
 * (wt_hs13_sig_prefetch / wt_hs12_sig_prefetch change nothing). It is never
 * an answer: the real handler re-runs after the resume and finds the verdict
 * only if it builds the very same request (its digest), else it waits again.
 */
static void
wt_hs_sig_prefetch(wt_engine *e)
{
	size_t l0 = wt_hs_complete_at(e, 0), l1 = l0 ? wt_hs_complete_at(e, l0) : 0;
	if (!e->sig_wait || !l1 || !e->sig_native.cache || e->sig_native.cache->sealed) return;
	if (e->version == WT_VERSION_TLS12)
		wt_hs12_sig_prefetch(e, e->hs, l0, e->hs + l0, l1);
	else
		wt_hs13_sig_prefetch(e, e->hs, l0, e->hs + l0, l1);
}

/*
 * While a Certificate (or a TLS 1.2 CertificateStatus) waits, the records
 * that follow it may still be read, so that a next message sent in its own
 * record (OpenSSL sends one record per handshake message) is there for the
 * prefetch: their handshake bytes are appended to e->hs, not dispatched
 * (wt_on_handshake_bytes), until the message after the waiting one is
 * complete. Never a record that would not fit e->hs beside the waiting
 * message, nor a record of another outer type (its header is kept, the rest
 * read after the resume); no key changes before the waiting message is re-run (TLS 1.3:
 * the server's handshake key protects everything up to its Finished; TLS
 * 1.2: the flight before ServerHelloDone is unprotected).
 */
static int
wt_hs_sig_read_ahead(const wt_engine *e)
{
	const wt_sig_cache *sc = e->sig_native.cache;
	size_t l0 = wt_hs_complete_at(e, 0);
	/* not stopped by the seal: the host's view of the window (wt_io) may be older than it */
	if (!sc || !l0 || wt_hs_complete_at(e, l0)) return 0;
	if (e->hs[0] != WT_HS_CERTIFICATE &&
	    !(e->hs[0] == WT_HS_CERTIFICATE_STATUS && e->version == WT_VERSION_TLS12)) return 0;
	if (e->in_len >= 5) {
		/* a protected record (TLS 1.3: its inner type is known once opened; an alert then fails the
		 * connection as it would after the resume) or an unprotected handshake record; anything
		 * else (a change_cipher_spec, an unprotected alert) waits for the resume */
		if (e->in[0] != (e->rd.on ? WT_CT_APPLICATION_DATA : WT_CT_HANDSHAKE)) return 0;
		if (e->hs_len + wt_get_u16(e->in + 3) > e->hs_cap) return 0;
	}
	return e->hs_len < e->hs_cap;
}

/*
 * Dispatch every complete handshake message in e->hs. A message whose
 * signature checks wait for asynchronous verdicts (WT_SIG_WAIT) stays at the
 * start of e->hs with what follows it: the events it raised are withdrawn,
 * nothing else changed (its handler returns before any state moves), input
 * stops (wt_engine_recv_buf) until wt_engine_sig_resume re-runs it.
 */
static int
wt_hs_dispatch(wt_engine *e)
{
	size_t off = 0;
	while (e->hs_len - off >= 4) {
		const uint8_t *m = e->hs + off;
		size_t mlen = ((size_t)m[1] << 16) | ((size_t)m[2] << 8) | m[3];
		if (4 + mlen > e->hs_cap)
			return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL,
				"handshake message of %zu bytes exceeds the %zu-byte handshake buffer", mlen, e->hs_cap);
		if (e->hs_len - off < 4 + mlen) break;
		unsigned ev = e->num_events;
		wt_sig_cache *sc = e->sig_native.cache;
		if (sc) sc->waiting = 0;
		int err = wt_hs_handle(e, m[0], m, 4 + mlen);
		if (err == WT_SIG_WAIT && !e->err) {
			e->num_events = ev;
			e->sig_wait = 1;
			if (off) {
				memmove(e->hs, e->hs + off, e->hs_len - off);
				e->hs_len -= off;
			}
			wt_hs_sig_prefetch(e);
			return 0;
		}
		if (err == WT_SIG_WAIT || (!err && sc && sc->waiting))
			/* a check that waited was taken as an answer: never proceed on it */
			return wt_fail(e, WT_ERR_INTERNAL, "a signature verdict was pending when the handshake moved on");
		if (err) return err;
		off += 4 + mlen;
		/* the record layer must not carry the rest of a flight across a key change */
		if (e->hs_boundary && off != e->hs_len)
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE,
				"handshake data after a key change in the same record");
		e->hs_boundary = 0;
	}
	if (off == e->hs_len) {
		e->hs_len = 0;
	} else if (off) {
		memmove(e->hs, e->hs + off, e->hs_len - off);
		e->hs_len -= off;
	}
	return 0;
}

/* Append handshake bytes and dispatch every complete message. */
static int
wt_on_handshake_bytes(wt_engine *e, const uint8_t *p, size_t n)
{
	if (n == 0) return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "empty handshake record");
	if (e->hs_len + n > e->hs_cap)
		return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL,
			"handshake message larger than the %zu-byte handshake buffer", e->hs_cap);
	memcpy(e->hs + e->hs_len, p, n);
	e->hs_len += n;
	if (e->sig_wait) {
		/* read ahead while a message waits (wt_hs_sig_read_ahead): kept for the re-run */
		wt_hs_sig_prefetch(e);
		return 0;
	}
	return wt_hs_dispatch(e);
}

unsigned
wt_engine_sig_waiting(const wt_engine *e)
{
	return e->sig_wait && !e->err ? wt_sig_cache_batch(e->sig_native.cache) : 0;
}

unsigned
wt_engine_sig_rounds(const wt_engine *e)
{
	return e->sig_native.cache ? e->sig_native.cache->rounds : 0;
}

int
wt_engine_sig_verdict(wt_engine *e, unsigned i, int verdict)
{
	if (!e->sig_wait || e->err) return WT_ERR_BAD_ARGUMENT;
	return wt_sig_cache_verdict(e->sig_native.cache, i, verdict) == 0 ? 0 : WT_ERR_BAD_ARGUMENT;
}

int
wt_engine_sig_resume(wt_engine *e)
{
	if (e->err) return e->err;
	if (!e->sig_wait) return 0;
	if (e->sig_native.cache) wt_sig_cache_next_round(e->sig_native.cache);
	e->sig_wait = 0;
	return wt_hs_dispatch(e);
}

static int
wt_on_alert(wt_engine *e, const uint8_t *p, size_t n)
{
	if (n != 2) return wt_fail(e, WT_ERR_DECODE_ERROR, "alert record of %zu bytes", n);
	/* (read ahead while a message waits for verdicts, wt_hs_sig_read_ahead: e->hs holds that
	 * complete message, and an alert after it is between messages, as it would be after the resume) */
	if (e->hs_len && !(e->sig_wait && wt_hs_complete_at(e, 0) == e->hs_len))
		return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "alert inside a fragmented handshake message");
	unsigned level = p[0], desc = p[1];
	wt_event_push(e, WT_EV_IN, WT_EV_ALERT, (level << 8) | desc, 2);
	if (desc == WT_ALERT_CLOSE_NOTIFY) {
		e->read_closed = 1;
		if (wt_handshaking(e)) {
			e->peer_alert = (int)desc;
			return wt_fail(e, WT_ERR_PEER_ALERT, "the server sent close_notify during the handshake");
		}
		e->state = WT_ST_CLOSED;
		return 0;
	}
	if (desc == WT_ALERT_USER_CANCELED || (level == 1 && e->version == WT_VERSION_TLS12)) {
		/* informational (user_canceled is followed by close_notify; TLS 1.2 warnings such as
		 * unrecognized_name after SNI), but bounded */
		if (++e->warnings_in > WT_MAX_WARNINGS)
			return wt_fail(e, WT_ERR_TOO_MANY_MESSAGES,
				"the server sent more than %d warning alerts in a row (the last: %s)",
				WT_MAX_WARNINGS, wt_alert_name((int)desc));
		return 0;
	}
	if (e->cert_requested && !e->client_scheme && level == 2 &&
	    (desc == WT_ALERT_CERTIFICATE_REQUIRED || desc == WT_ALERT_HANDSHAKE_FAILURE || desc == WT_ALERT_BAD_CERTIFICATE)) {
		e->peer_alert = (int)desc;
		e->write_closed = 1;
		return wt_fail(e, WT_ERR_CERTIFICATE_REQUIRED,
			"the server asked for a client certificate and rejected the handshake without one (alert %s)%s",
			wt_alert_name((int)desc), e->client_key ? ": the configured certificate did not match its request" : "");
	}
	e->peer_alert = (int)desc;
	e->write_closed = 1;   /* never answer a fatal alert */
	if (desc == WT_ALERT_PROTOCOL_VERSION && wt_handshaking(e))
		return wt_fail(e, WT_ERR_PROTOCOL_VERSION,
			"the server rejected the offered protocol versions (alert protocol_version)");
	if ((desc == WT_ALERT_HANDSHAKE_FAILURE || desc == WT_ALERT_INSUFFICIENT_SECURITY) &&
	    (e->state == WT_ST_WAIT_SH || e->state == WT_ST_WAIT_SH2))
		return wt_fail(e, WT_ERR_NO_SHARED_CIPHER,
			"the server rejected the ClientHello (alert %s). wasmtls offers %s"
			"ECDHE with AES-GCM or ChaCha20-Poly1305 on x25519, P-256, P-384",
			wt_alert_name((int)desc),
			e->max_version < WT_VERSION_TLS13 ? "TLS 1.2 " :
			e->min_version > WT_VERSION_TLS12 ? "TLS 1.3 " : "TLS 1.3 and 1.2 ");
	return wt_fail(e, WT_ERR_PEER_ALERT, "the server sent a fatal alert: %s (%u)",
		wt_alert_name((int)desc), desc);
}

static int
wt_process_record(wt_engine *e)
{
	uint8_t *rec = e->in;
	size_t rec_len = e->in_len;
	uint8_t type = rec[0];
	uint8_t *p = rec + 5;
	size_t n = rec_len - 5;

	if (type == WT_CT_CHANGE_CIPHER_SPEC && e->version == WT_VERSION_TLS12) {
		/* TLS 1.2: the server's CCS switches on its write keys, once, after our flight */
		if (e->state != WT_ST_TLS12_WAIT_CCS || n != 1 || p[0] != 1 || e->hs_len)
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "unexpected change_cipher_spec");
		wt_event_push(e, WT_EV_IN, WT_EV_CCS, 0, n);
		e->in_len = 0;
		return wt_hs12_on_change_cipher_spec(e);
	}
	if (type == WT_CT_CHANGE_CIPHER_SPEC) {
		/* middlebox compatibility: one unprotected CCS during the handshake, ignored; never inside
		 * a fragmented handshake message, never a second one, never after a protected record */
		if (e->hs_len)
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "change_cipher_spec inside a fragmented handshake message");
		if (e->ccs_seen || e->t13.rd_used)
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "%s",
				e->ccs_seen ? "a second change_cipher_spec" : "change_cipher_spec after protected records");
		if (!wt_handshaking(e) || e->state == WT_ST_WAIT_SH || n != 1 || p[0] != 1)
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "unexpected change_cipher_spec");
		e->ccs_seen = 1;
		wt_event_push(e, WT_EV_IN, WT_EV_CCS, 0, n);
		e->in_len = 0;
		return 0;
	}
	if (e->rd.on) {
		if (type != WT_CT_APPLICATION_DATA && !e->rd.tls12)
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE,
				"unprotected record of type %u after keys were set", type);
		if (e->rd.seq > WT_SEQ_LAST)
			return wt_fail(e, WT_ERR_SEQUENCE_LIMIT,
				"the server sent 2^64 - 1 records under one key: the read sequence number would wrap");
		int err = wt_record_open(&e->rd, rec, rec_len, &type, &n);
		if (err) {
			return wt_fail(e, err, err == WT_ERR_BAD_RECORD_MAC
				? "a record failed authentication (corrupted or forged data)"
				: "invalid protected record");
		}
		if (!e->rd.tls12) e->t13.rd_used = 1;
	} else if (type != WT_CT_HANDSHAKE && type != WT_CT_ALERT) {
		if (e->state == WT_ST_WAIT_SH && type != WT_CT_APPLICATION_DATA)
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE,
				"the server's reply is not a TLS record (first byte 0x%02x): is this a TLS port?", type);
		return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "unexpected record of type %u", type);
	}

	switch (type) {
	case WT_CT_HANDSHAKE:
		e->in_len = 0;
		return wt_on_handshake_bytes(e, p, n);
	case WT_CT_ALERT:
		e->in_len = 0;
		return wt_on_alert(e, p, n);
	case WT_CT_APPLICATION_DATA:
		if (e->state != WT_ST_CONNECTED || e->hs_len)
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "application data before the handshake completed");
		if (n == 0) {
			if (++e->empty_in > WT_MAX_EMPTY_RECORDS)
				return wt_fail(e, WT_ERR_TOO_MANY_MESSAGES,
					"the server sent more than %d empty records in a row", WT_MAX_EMPTY_RECORDS);
			e->in_len = 0;
			return 0;
		}
		/* application data: the peer is not just making us work */
		e->key_updates_in = e->tickets_in = e->empty_in = e->warnings_in = 0;
		e->app_off = 5;
		e->app_len = n;
		e->in_ready = 1;
		return 0;
	default:
		return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "unexpected inner content type %u", type);
	}
}

int
wt_engine_recv_done(wt_engine *e, size_t n)
{
	if (e->err) return e->err;
	size_t max;
	if (!wt_engine_recv_buf(e, &max) || n > max) return n ? WT_ERR_BAD_ARGUMENT : 0;
	e->in_len += n;
	if (e->in_len == 5) {
		uint8_t type = e->in[0];
		size_t len = wt_get_u16(e->in + 3);
		if (e->state == WT_ST_WAIT_SH && (type < 20 || type > 23 || e->in[1] != 3))
			return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE,
				"the server's reply is not a TLS record (starts with %02x %02x %02x): is this a TLS port?",
				e->in[0], e->in[1], e->in[2]);
		if (len > (e->rd.on ? WT_MAX_CIPHERTEXT : WT_MAX_PLAINTEXT))
			return wt_fail(e, WT_ERR_RECORD_OVERFLOW, "record of %zu bytes exceeds the limit", len);
		if (len == 0 && type != WT_CT_APPLICATION_DATA)
			return wt_fail(e, WT_ERR_DECODE_ERROR, "empty record of type %u", type);
	}
	if (e->in_len >= 5 && e->in_len == wt_in_target(e))
		return wt_process_record(e);
	return 0;
}

const uint8_t *
wt_engine_read_buf(wt_engine *e, size_t *len)
{
	*len = e->in_ready ? e->app_len : 0;
	return e->in_ready ? e->in + e->app_off : NULL;
}

void
wt_engine_read_done(wt_engine *e, size_t n)
{
	if (!e->in_ready) return;
	if (n > e->app_len) n = e->app_len;
	e->app_off += n;
	e->app_len -= n;
	if (e->app_len == 0) {
		e->in_ready = 0;
		e->in_len = 0;
	}
}

int
wt_engine_eof(wt_engine *e)
{
	if (e->err) return e->err;
	if (e->read_closed) return 0;
	e->write_closed = 1;   /* the transport is gone; nothing more can be sent */
	if (wt_handshaking(e) || e->state == WT_ST_START)
		return wt_fail(e, WT_ERR_TRUNCATED,
			"the server closed the connection during the handshake (after %s)",
			e->state == WT_ST_WAIT_SH || e->state == WT_ST_WAIT_SH2 ? "ClientHello" : "ServerHello");
	return wt_fail(e, WT_ERR_TRUNCATED, "the connection ended without close_notify; data may be truncated");
}

void
wt_engine_wipe(wt_engine *e)
{
	wt_wipe_secrets(e);
	if (e->in) wt_wipe(e->in, WT_RECORD_IN_SIZE);
	if (e->out) wt_wipe(e->out, e->out_cap);
	if (e->hs) wt_wipe(e->hs, e->hs_cap);
	if (e->keylog) wt_wipe(e->keylog, e->keylog_cap);
	wt_wipe(e, sizeof *e);
}
