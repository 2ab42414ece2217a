/*
 * wt_hs12.c — the TLS 1.2 client handshake (RFC 5246 §7.3 with
 * RFC 8422 ECDHE, RFC 7627 extended master secret, RFC 5746
 * renegotiation_info), entered when the ServerHello selects TLS 1.2.
 * One handler per server message:
 *
 *   ServerHello ─→ TLS12_WAIT_CERT ─Certificate→ TLS12_WAIT_SKE
 *   ─ServerKeyExchange→ TLS12_WAIT_SHD ─[CertificateRequest]→ TLS12_WAIT_SHD
 *   ─ServerHelloDone→ ([Certificate], ClientKeyExchange, CCS, Finished sent)
 *   TLS12_WAIT_CCS ─CCS (record layer)→ TLS12_WAIT_FINISHED ─Finished→ CONNECTED
 *   CONNECTED: HelloRequest → warning no_renegotiation (never renegotiates)
 *
 * Shared with TLS 1.3 (wt_hs_common.c): the ClientHello, chain verification
 * (wt_hs_accept_chain), ALPN checks, the transcript and the record layer.
 */
#include "wt_hs12.h"
#include "wt_keysched12.h"


/* ---------------------------------------------------------- ServerHello */

int
wt_hs12_on_server_hello(wt_engine *e, const uint8_t *random, wt_reader sid,
	uint16_t suite, uint32_t compression, wt_reader exts, const uint8_t *msg, size_t len)
{
	if (compression != 0)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerHello selects compression");
	const wt_suite *row = wt_suite_find_version(suite, WT_VERSION_TLS12);
	if (!row)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
			"the server selected TLS 1.2 cipher suite 0x%04x, which was not offered", suite);
	/* our session id is random: an echo accepts our ticket (RFC 5077 §3.4), or is a resumption we did not offer */
	int offered12 = e->resume_offered && e->resume.version == WT_VERSION_TLS12;
	int echoed = sid.n == 32 && memcmp(sid.p, e->session_id, 32) == 0 &&
		(e->max_version >= WT_VERSION_TLS13 || offered12);
	if (sid.n > 32 || (echoed && !offered12))
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerHello resumes a session that was not offered");
	if (echoed && suite != e->resume.cipher)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "the server resumed our session with another cipher suite");

	uint32_t seen = 0;
	int point_formats_ok = 1;
	while (exts.n && !exts.bad) {
		uint32_t type = wt_r_u16(&exts);
		wt_reader body = wt_r_vec(&exts, 2);
		if (exts.bad) break;
		uint32_t bit = type == EXT_SERVER_NAME ? 1 : type == EXT_EC_POINT_FORMATS ? 2 : type == EXT_ALPN ? 4 :
			type == EXT_EXTENDED_MASTER_SECRET ? 8 : type == EXT_RENEGOTIATION_INFO ? 16 :
			type == EXT_STATUS_REQUEST ? 32 : type == EXT_SESSION_TICKET ? 64 :
			type == EXT_RECORD_SIZE_LIMIT ? 128 : 0;
		if (bit & seen) return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "duplicate extension %u in ServerHello", type);
		seen |= bit;
		switch (type) {
		case EXT_SERVER_NAME:
			if (!e->server_name_len || e->server_name_is_ip) goto unsupported;
			if (body.n) body.bad = 1;
			break;
		case EXT_EC_POINT_FORMATS: {
			wt_reader list = wt_r_vec(&body, 1);
			point_formats_ok = 0;
			while (list.n && !list.bad)
				if (wt_r_u8(&list) == 0) point_formats_ok = 1;   /* uncompressed */
			break;
		}
		case EXT_ALPN: {
			if (!e->alpn_len) goto unsupported;
			int err = wt_hs_accept_alpn(e, &body);
			if (err) return err;
			break;
		}
		case EXT_EXTENDED_MASTER_SECRET:
			if (body.n) body.bad = 1;
			e->t12.ems = 1;
			break;
		case EXT_RECORD_SIZE_LIMIT: {
			int err = wt_hs_accept_record_limit(e, &body, 0);
			if (err) return err;
			break;
		}
		case EXT_SESSION_TICKET:   /* RFC 5077: a NewSessionTicket comes before the server's CCS */
			if (body.n) body.bad = 1;
			e->t12.ticket = 1;
			break;
		case EXT_STATUS_REQUEST:   /* RFC 6066 §8: a CertificateStatus may follow the Certificate */
			if (body.n) body.bad = 1;
			e->t12.status = 1;
			break;
		case EXT_RENEGOTIATION_INFO: {
			wt_reader rc = wt_r_vec(&body, 1);
			if (rc.n) return wt_fail(e, WT_ERR_HANDSHAKE_FAILURE,
				"renegotiation_info carries data in an initial handshake (RFC 5746)");
			e->t12.secure_renegotiation = 1;
			break;
		}
		default:
		unsupported:
			return wt_fail(e, WT_ERR_UNSUPPORTED_EXTENSION,
				"the server sent extension %u in its TLS 1.2 ServerHello, which was not offered", type);
		}
		if (!wt_r_done(&body))
			return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed extension %u in ServerHello", type);
	}
	if (exts.bad) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed ServerHello extensions");
	if (!point_formats_ok)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "the server does not accept uncompressed EC points");
	if (!e->t12.ems && !(e->flags & WT_FLAG_ALLOW_NO_EMS))
		return wt_fail(e, WT_ERR_HANDSHAKE_FAILURE,
			"the server negotiated TLS 1.2 without the extended master secret (RFC 7627), "
			"which wasmtls requires to prevent triple-handshake attacks");

	e->version = WT_VERSION_TLS12;
	e->cipher = suite;
	memcpy(e->server_random, random, 32);
	wt_kex_wipe(&e->kex);   /* the TLS 1.3 key share is not used */
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_SERVER_HELLO, len);
	wt_th_update(e, msg, len);
	if (echoed) {
		/* abbreviated handshake: [NewSessionTicket], CCS and Finished from the server, then ours */
		if (!e->t12.ems)
			return wt_fail(e, WT_ERR_HANDSHAKE_FAILURE,
				"the server resumed a session without the extended master secret (RFC 7627 §5.3)");
		memcpy(e->t12.master, e->resume.secret, 48);
		wt_wipe(e->resume.secret, sizeof e->resume.secret);
		wt_keylog(e, WT_KEYLOG_CLIENT_RANDOM, 0, e->t12.master, WT_TLS12_MASTER_LEN);
		e->resumed = 1;
		wt_event_push(e, WT_EV_IN, WT_EV_RESUMED, 0, 0);
		e->state = WT_ST_TLS12_WAIT_CCS;
		return 0;
	}
	e->state = WT_ST_TLS12_WAIT_CERT;
	return 0;
}

/* ---------------------------------------------------------- Certificate */

#define WT_MAX_CHAIN12 16

static int wt_accept_chain12(wt_engine *e, const wt_span *chain, size_t n, const uint8_t *ocsp, size_t ocsp_len);

static int
wt_on_certificate12(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	wt_reader list = wt_r_vec(&r, 3);
	if (!wt_r_done(&r)) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed Certificate message");
	wt_span chain[WT_MAX_CHAIN12];
	size_t n = 0;
	while (list.n && !list.bad) {
		wt_reader cert = wt_r_vec(&list, 3);
		if (list.bad || cert.n == 0) { list.bad = 1; break; }
		if (n == WT_MAX_CHAIN12)
			return wt_fail(e, WT_ERR_BAD_CERTIFICATE, "the server sent more than %d certificates", WT_MAX_CHAIN12);
		chain[n].der = cert.p;
		chain[n].len = cert.n;
		n++;
	}
	if (list.bad) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed certificate_list");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_CERTIFICATE, len);
	if (e->t12.status && !(e->flags & WT_FLAG_INSECURE_SKIP_VERIFY) && n > 0) {
		/* keep the chain; verify it once we know whether an OCSP response is stapled */
		size_t need = 0;
		for (size_t i = 0; i < n; i++) need += 3 + chain[i].len;
		if (need <= e->chain_cap) {
			e->chain_len = 0;
			for (size_t i = 0; i < n; i++) {
				wt_put_u24(e->chain_buf + e->chain_len, (uint32_t)chain[i].len);
				memcpy(e->chain_buf + e->chain_len + 3, chain[i].der, chain[i].len);
				e->chain_len += 3 + chain[i].len;
			}
			e->t12.chain_pending = 1;
			wt_th_update(e, msg, len);
			e->state = WT_ST_TLS12_WAIT_SKE;
			return 0;
		}
		/* verifying now would drop the staple that may follow: refuse rather than skip the OCSP check */
		return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL,
			"the server's chain (%zu bytes) does not fit the %zu-byte chain buffer, which must hold it "
			"until its stapled OCSP response (CertificateStatus) is checked", need, e->chain_cap);
	}
	/* verified before the transcript and the state move: a verification that waits
	 * (WT_SIG_WAIT) leaves nothing changed, and the message is re-run */
	int err = wt_accept_chain12(e, chain, n, NULL, 0);
	if (err) return err;
	wt_th_update(e, msg, len);
	e->state = WT_ST_TLS12_WAIT_SKE;
	return 0;
}

/* Verify the chain (as in TLS 1.3) and check that its key fits the suite. */
static int
wt_accept_chain12(wt_engine *e, const wt_span *chain, size_t n, const uint8_t *ocsp, size_t ocsp_len)
{
	int err = wt_hs_accept_chain(e, chain, n, ocsp, ocsp_len);
	if (err) return err;
	int want = wt_suite_find(e->cipher)->auth_key;
	if (e->peer_key.key.key_type != want)
		return wt_fail(e, WT_ERR_UNSUPPORTED_CERTIFICATE,
			"the server's certificate has an %s key but the suite it chose, %s, needs %s",
			e->peer_key.key.key_type == BR_KEYTYPE_EC ? "EC" : "RSA", wt_cipher_name(e->cipher),
			want == BR_KEYTYPE_EC ? "ECDSA" : "RSA");
	return 0;
}

/* The chain stored at Certificate, verified now with the stapled response (or none). */
static int
wt_accept_pending_chain12(wt_engine *e, const uint8_t *ocsp, size_t ocsp_len)
{
	wt_span chain[WT_MAX_CHAIN12];
	size_t n = 0;
	wt_reader r = wt_reader_of(e->chain_buf, e->chain_len);
	while (r.n && n < WT_MAX_CHAIN12) {
		wt_reader c = wt_r_vec(&r, 3);
		chain[n].der = c.p;
		chain[n].len = c.n;
		n++;
	}
	int err = wt_accept_chain12(e, chain, n, ocsp, ocsp_len);
	if (err != WT_SIG_WAIT) e->t12.chain_pending = 0;   /* waiting: kept, verified again on the re-run */
	return err;
}

/* CertificateStatus (RFC 6066 §8): status_type ocsp (1), then an OCSPResponse. */
static int
wt_on_certificate_status12(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	uint32_t type = wt_r_u8(&r);
	wt_reader resp = wt_r_vec(&r, 3);
	if (!wt_r_done(&r) || type != 1 || resp.n == 0)
		return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed CertificateStatus");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_CERTIFICATE_STATUS, len);
	int err = e->t12.chain_pending ? wt_accept_pending_chain12(e, resp.p, resp.n) : 0;
	if (err) return err;
	e->t12.status = 0;   /* at most one */
	wt_th_update(e, msg, len);
	return 0;
}

/* ---------------------------------------------------- ServerKeyExchange */

/*
 * ServerKeyExchange (RFC 8422 §5.4): ServerECDHParams then the signature, as
 * read by both its handler and the prefetch; `ok` when it parsed whole with a
 * non-empty point. Pointers are into `msg`.
 */
typedef struct {
	uint32_t curve_type;
	uint16_t group;
	wt_reader point;
	size_t params_len;   /* ServerECDHParams: msg + 4, params_len bytes */
	uint16_t scheme;
	wt_reader sig;
	int ok;
} wt_ske;

static wt_ske
wt_ske_read(const uint8_t *msg, size_t len)
{
	wt_ske s;
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	s.curve_type = wt_r_u8(&r);
	s.group = (uint16_t)wt_r_u16(&r);
	s.point = wt_r_vec(&r, 1);
	s.params_len = (size_t)(r.p - (msg + 4));
	s.scheme = (uint16_t)wt_r_u16(&r);
	s.sig = wt_r_vec(&r, 2);
	s.ok = wt_r_done(&r) && s.point.n != 0;
	return s;
}

/* The signed bytes: client_random || server_random || ServerECDHParams; \return their length. */
static size_t
wt_ske_content(const wt_engine *e, const uint8_t *msg, const wt_ske *s, uint8_t content[64 + 4 + 255])
{
	memcpy(content, e->client_random, 32);
	memcpy(content + 32, e->server_random, 32);
	memcpy(content + 64, msg + 4, s->params_len);
	return 64 + s->params_len;
}

/*
 * The ServerKeyExchange signature's request with the leaf certificate
 * `leaf` as the key, into the batch (wt_sig_prefetch): read as
 * wt_on_server_key_exchange reads it, nothing stored.
 */
static void
wt_ske_prefetch(wt_engine *e, const uint8_t *msg, size_t len, const uint8_t *leaf, size_t leaf_len)
{
	br_x509_pkey pk;
	if (!wt_hs_leaf_pkey(leaf, leaf_len, &pk) || pk.key_type != wt_suite_find(e->cipher)->auth_key) return;
	wt_ske s = wt_ske_read(msg, len);
	const wt_group *g = wt_group_find(s.group);
	if (!s.ok || s.curve_type != 3 || !g || !g->tls12 ||
	    !wt_hs_in_list(e->groups, e->num_groups, s.group) ||
	    !wt_hs_in_list(wt_hs_sig_schemes, wt_hs_num_sig_schemes, s.scheme)) return;
	uint8_t content[64 + 4 + 255];
	size_t n = wt_ske_content(e, msg, &s, content);
	wt_sig_prefetch(&e->sig_native, WT_SIGV_TLS12, s.scheme, &pk, content, n, s.sig.p, s.sig.n);
}

/* The first certificate of the chain stored for a deferred check (wt_accept_pending_chain12). */
static wt_reader
wt_pending_leaf12(const wt_engine *e)
{
	wt_reader r = wt_reader_of(e->chain_buf, e->chain_len);
	return wt_r_vec(&r, 3);
}

void
wt_hs12_sig_prefetch(wt_engine *e, const uint8_t *msg, size_t len, const uint8_t *next, size_t next_len)
{
	if (next[0] != WT_HS_SERVER_KEY_EXCHANGE) return;
	if (e->state == WT_ST_TLS12_WAIT_CERT && msg[0] == WT_HS_CERTIFICATE) {
		wt_reader r = wt_reader_of(msg + 4, len - 4);
		wt_reader list = wt_r_vec(&r, 3);
		wt_reader leaf = wt_r_vec(&list, 3);
		if (wt_r_done(&r) && !list.bad && leaf.n) wt_ske_prefetch(e, next, next_len, leaf.p, leaf.n);
	} else if (e->state == WT_ST_TLS12_WAIT_SKE && msg[0] == WT_HS_CERTIFICATE_STATUS && e->t12.chain_pending) {
		wt_reader leaf = wt_pending_leaf12(e);
		if (!leaf.bad && leaf.n) wt_ske_prefetch(e, next, next_len, leaf.p, leaf.n);
	}
}

static int
wt_on_server_key_exchange(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_ske s = wt_ske_read(msg, len);
	uint32_t curve_type = s.curve_type;
	uint16_t group = s.group, scheme = s.scheme;
	wt_reader point = s.point, sig = s.sig;
	if (!s.ok)
		return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed ServerKeyExchange");
	if (curve_type != 3)   /* named_curve */
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerKeyExchange curve type %u (only named curves)", curve_type);
	const wt_group *g = wt_group_find(group);
	if (!g || !g->tls12 || !wt_hs_in_list(e->groups, e->num_groups, group))
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
			"the server chose group 0x%04x for ECDHE, which was not offered", group);
	if (!wt_hs_in_list(wt_hs_sig_schemes, wt_hs_num_sig_schemes, scheme))
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
			"ServerKeyExchange uses signature scheme 0x%04x, which was not offered", scheme);

	/* signed: client_random || server_random || ServerECDHParams */
	uint8_t content[64 + 4 + 255];
	size_t content_len = wt_ske_content(e, msg, &s, content);
	if (!(e->flags & WT_FLAG_INSECURE_SKIP_VERIFY) || e->peer_key.key.key_type) {
		int err = wt_sig_verify_tls12_nv(&e->sig_native, scheme, &e->peer_key.key, content, content_len, sig.p, sig.n);
		if (err == WT_SIG_WAIT) return err;   /* nothing changed: the message is re-run with the verdict */
		if (err == WT_ERR_ILLEGAL_PARAMETER)
			return wt_fail(e, err, "ServerKeyExchange scheme 0x%04x does not match the certificate's key", scheme);
		if (err)
			return wt_fail(e, WT_ERR_BAD_SIGNATURE, "the server's ServerKeyExchange signature is invalid");
	}

	int err = wt_kex_generate(&e->kex, group, e->rng, e->rng_ctx);
	if (err) return wt_fail(e, err, "key share generation failed");
	err = wt_kex_derive(&e->kex, point.p, point.n, e->t12.pms, &e->t12.pms_len);
	if (err) return wt_fail(e, err, "the server's ECDHE public key is invalid for %s", wt_group_name(group));
	e->group = group;
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_SERVER_KEY_EXCHANGE, len);
	wt_th_update(e, msg, len);
	e->state = WT_ST_TLS12_WAIT_SHD;
	return 0;
}

/* --------------------------------------------------- CertificateRequest */

static int
wt_on_certificate_request12(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	wt_reader types = wt_r_vec(&r, 1);
	wt_reader algs = wt_r_vec(&r, 2);
	wt_r_vec(&r, 2);   /* certificate_authorities: we have one certificate at most, sent regardless */
	if (!wt_r_done(&r) || types.n == 0 || algs.n < 2 || (algs.n & 1))
		return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed CertificateRequest");
	if (e->cert_requested) return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "a second CertificateRequest");
	e->cert_requested = 1;
	/* the certificate type must be allowed: rsa_sign (1) or ecdsa_sign (64) */
	int type_ok = 0;
	while (types.n) {
		unsigned t = wt_r_u8(&types);
		if (e->client_key && t == (e->client_key->type == BR_KEYTYPE_EC ? 64u : 1u)) type_ok = 1;
	}
	e->client_scheme = type_ok ? wt_hs_client_scheme(e, algs, 0) : 0;
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_CERTIFICATE_REQUEST, len);
	wt_th_update(e, msg, len);
	return 0;
}

/* ------------------------------------- ServerHelloDone and the client flight */

/* Install one direction's TLS 1.2 keys from the key block. */
static void
wt_install_keys12(wt_engine *e, int client)
{
	const wt_suite *s = wt_suite_find(e->cipher);
	wt_aead_alg alg = s->aead;
	size_t key_len = s->key_len, iv_len = s->iv_len;
	uint8_t ck[32], sk[32], civ[12], siv[12];
	wt_tls12_key_block(s->hash, e->t12.master, e->client_random, e->server_random,
		key_len, iv_len, ck, sk, civ, siv);
	if (client)
		wt_record_dir_set12(&e->wr, alg, ck, civ);
	else
		wt_record_dir_set12(&e->rd, alg, sk, siv);
	wt_wipe(ck, sizeof ck);
	wt_wipe(sk, sizeof sk);
	wt_wipe(civ, sizeof civ);
	wt_wipe(siv, sizeof siv);
}

/* Our ChangeCipherSpec, the switch to our write keys, and our Finished. */
static int
wt_send_ccs_finished12(wt_engine *e)
{
	int err = wt_send_ccs(e);
	if (err) return err;
	wt_install_keys12(e, 1);
	wt_event_push(e, WT_EV_OUT, WT_EV_KEYS, WT_KEYS_APPLICATION, 0);
	const br_hash_class *hash = wt_suite_hash(e->cipher);
	size_t hlen = (size_t)((hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
	uint8_t th[WT_MAX_HASH_LEN], fin[WT_TLS12_VERIFY_LEN];
	wt_th_hash(e, th);
	wt_tls12_finished(hash, e->t12.master, 1, th, hlen, fin);
	err = wt_send_handshake(e, WT_HS_FINISHED, fin, sizeof fin);
	wt_wipe(fin, sizeof fin);
	return err;
}

static int
wt_on_server_hello_done(wt_engine *e, const uint8_t *msg, size_t len)
{
	if (len != 4) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed ServerHelloDone");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_SERVER_HELLO_DONE, len);
	wt_th_update(e, msg, len);

	int err = 0;
	if (e->cert_requested) {
		/* our chain, or an empty Certificate when we have none to offer (RFC 5246 §7.4.6) */
		size_t cap;
		uint8_t *body = wt_out_scratch(e, &cap);
		wt_writer w = wt_writer_of(body, cap);
		size_t l = wt_w_open(&w, 3);
		if (e->client_scheme) wt_w_bytes(&w, e->client_chain, e->client_chain_len);
		wt_w_close(&w, l, 3);
		if (w.bad) return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "the client certificate chain does not fit");
		err = wt_send_handshake(e, WT_HS_CERTIFICATE, body, w.len);
		if (err) return err;
	}
	uint8_t cke[1 + sizeof e->kex.pub];
	cke[0] = (uint8_t)e->kex.pub_len;
	memcpy(cke + 1, e->kex.pub, e->kex.pub_len);
	err = wt_send_handshake(e, WT_HS_CLIENT_KEY_EXCHANGE, cke, 1 + e->kex.pub_len);
	wt_kex_wipe(&e->kex);
	if (err) return err;

	const br_hash_class *hash = wt_suite_hash(e->cipher);
	size_t hlen = (size_t)((hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
	uint8_t th[WT_MAX_HASH_LEN];
	wt_th_hash(e, th);   /* session_hash: ClientHello .. ClientKeyExchange */
	if (e->t12.ems)
		wt_tls12_master_ems(hash, e->t12.pms, e->t12.pms_len, th, hlen, e->t12.master);
	else
		wt_tls12_master(hash, e->t12.pms, e->t12.pms_len, e->client_random, e->server_random, e->t12.master);
	wt_wipe(e->t12.pms, sizeof e->t12.pms);
	wt_keylog(e, WT_KEYLOG_CLIENT_RANDOM, 0, e->t12.master, WT_TLS12_MASTER_LEN);

	if (e->cert_requested && e->client_scheme) {
		/* CertificateVerify: a signature over the hash of every handshake message so far */
		uint8_t h[48], cv[4 + 520];
		size_t h_len = 32;
		if (wt_sig_hash(e->client_scheme) == &br_sha384_vtable) {
			br_sha384_out(&e->th384, h);
			h_len = 48;
		} else {
			br_sha256_out(&e->th256, h);
		}
		size_t n = wt_privkey_sign_hash(e->client_key, e->client_scheme, h, h_len, e->rng, e->rng_ctx,
			cv + 4, sizeof cv - 4);
		if (n == 0) return wt_fail(e, WT_ERR_INTERNAL, "signing the client CertificateVerify failed");
		wt_put_u16(cv, e->client_scheme);
		wt_put_u16(cv + 2, (uint32_t)n);
		err = wt_send_handshake(e, WT_HS_CERTIFICATE_VERIFY, cv, 4 + n);
		if (err) return err;
	}

	err = wt_send_ccs_finished12(e);
	if (err) return err;
	e->state = WT_ST_TLS12_WAIT_CCS;
	return 0;
}

int
wt_hs12_on_change_cipher_spec(wt_engine *e)
{
	wt_install_keys12(e, 0);
	wt_event_push(e, WT_EV_IN, WT_EV_KEYS, WT_KEYS_APPLICATION, 0);
	e->state = WT_ST_TLS12_WAIT_FINISHED;
	return 0;
}

static int
wt_on_finished12(wt_engine *e, const uint8_t *msg, size_t len)
{
	if (len != 4 + WT_TLS12_VERIFY_LEN)
		return wt_fail(e, WT_ERR_DECODE_ERROR, "Finished of the wrong length");
	const br_hash_class *hash = wt_suite_hash(e->cipher);
	size_t hlen = (size_t)((hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK);
	uint8_t th[WT_MAX_HASH_LEN], expect[WT_TLS12_VERIFY_LEN];
	wt_th_hash(e, th);
	wt_tls12_finished(hash, e->t12.master, 0, th, hlen, expect);
	int ok = wt_ct_equal(expect, msg + 4, WT_TLS12_VERIFY_LEN);
	wt_wipe(expect, sizeof expect);
	if (!ok) return wt_fail(e, WT_ERR_BAD_FINISHED, "the server's Finished does not match the handshake");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_FINISHED, len);
	wt_th_update(e, msg, len);
	if (e->resumed) {
		/* abbreviated handshake: our CCS and Finished come last */
		int err = wt_send_ccs_finished12(e);
		if (err) return err;
	}
	/* both directions have their keys and both Finished are done: the master secret lives on only
	 * in the session encoding (if the server gave a ticket), raised now that the server is verified */
	wt_wipe(e->t12.master, sizeof e->t12.master);
	wt_hs_raise_session(e);
	e->state = WT_ST_CONNECTED;
	return 0;
}

/* NewSessionTicket (RFC 5077 §3.3): lifetime hint and an opaque ticket, before the server's CCS. */
static int
wt_on_new_session_ticket12(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	uint32_t hint = wt_r_u32(&r);
	wt_reader ticket = wt_r_vec(&r, 2);
	if (!wt_r_done(&r)) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed NewSessionTicket");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_NEW_SESSION_TICKET, len);
	wt_th_update(e, msg, len);
	e->t12.ticket = 0;   /* at most one */
	if (ticket.n == 0 || !e->t12.ems) return 0;   /* no ticket after all; no resumption without EMS */

	wt_session s;
	memset(&s, 0, sizeof s);
	s.version = WT_VERSION_TLS12;
	s.cipher = e->cipher;
	s.received_at = e->now;
	s.lifetime = hint == 0 || hint > 604800 ? 7200 : hint;   /* 0: unspecified */
	s.flags = WT_SESSION_EMS;
	memcpy(s.secret, e->t12.master, 48);
	s.secret_len = 48;
	/* kept, not raised: the server's Finished has not been verified yet */
	wt_hs_keep_session_pending(e, &s, ticket);
	return 0;
}

/* ------------------------------------------------------------- dispatch */

int
wt_hs12_handle(wt_engine *e, unsigned type, const uint8_t *msg, size_t len)
{
	if (type == WT_HS_HELLO_REQUEST) {
		/* never part of the transcript; ignored while negotiating (RFC 5246 §7.4.1.1) */
		if (len != 4) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed HelloRequest");
		if (++e->key_updates_in > WT_MAX_KEY_UPDATES)   /* each one makes us send an alert */
			return wt_fail(e, WT_ERR_TOO_MANY_MESSAGES,
				"the server sent more than %d HelloRequests without application data", WT_MAX_KEY_UPDATES);
		wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, type, len);
		if (e->state == WT_ST_CONNECTED)
			return wt_send_alert(e, 1, WT_ALERT_NO_RENEGOTIATION);   /* warning: we do not renegotiate */
		return 0;
	}
	switch (e->state) {
	case WT_ST_TLS12_WAIT_CERT:
		if (type == WT_HS_CERTIFICATE) return wt_on_certificate12(e, msg, len);
		break;
	case WT_ST_TLS12_WAIT_SKE:
		if (type == WT_HS_CERTIFICATE_STATUS && e->t12.status) return wt_on_certificate_status12(e, msg, len);
		if (type == WT_HS_SERVER_KEY_EXCHANGE) {
			/* no CertificateStatus came (the server may omit it): verify without one */
			int err = e->t12.chain_pending ? wt_accept_pending_chain12(e, NULL, 0) : 0;
			if (err == WT_SIG_WAIT) {
				/* the chain waits: this message's own signature joins the batch (one round) */
				wt_reader leaf = wt_pending_leaf12(e);
				if (!leaf.bad && leaf.n) wt_ske_prefetch(e, msg, len, leaf.p, leaf.n);
			}
			if (err) return err;
			return wt_on_server_key_exchange(e, msg, len);
		}
		break;
	case WT_ST_TLS12_WAIT_SHD:
		if (type == WT_HS_CERTIFICATE_REQUEST) return wt_on_certificate_request12(e, msg, len);
		if (type == WT_HS_SERVER_HELLO_DONE) return wt_on_server_hello_done(e, msg, len);
		break;
	case WT_ST_TLS12_WAIT_CCS:
		if (type == WT_HS_NEW_SESSION_TICKET && e->t12.ticket) return wt_on_new_session_ticket12(e, msg, len);
		break;
	case WT_ST_TLS12_WAIT_FINISHED:
		if (type == WT_HS_FINISHED) return wt_on_finished12(e, msg, len);
		break;
	default:
		break;
	}
	return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "unexpected %s (type %u) in a TLS 1.2 handshake, state %d",
		wt_hs_name(type), type, (int)e->state);
}
