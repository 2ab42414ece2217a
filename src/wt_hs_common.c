/*
 * wt_hs_common.c — what the TLS 1.3 and TLS 1.2 handshakes share: the
 * ClientHello (offering TLS 1.3 and/or 1.2, the PSK binder), the ServerHello
 * version decision (with the downgrade sentinel), storing and verifying the
 * server's chain with pins, the client certificate scheme, the ALPN and
 * record_size_limit checks, and keeping sessions. Calls wt_out.c below it,
 * never a handshake above it.
 */
#include "wt_hs_common.h"
#include "wt_verify_internal.h"   /* wt_cert_pkey: the leaf key as the path search reads it */

/* Signature schemes offered; in TLS 1.3 the PKCS#1 ones are for certificates
 * only, in TLS 1.2 they also sign ServerKeyExchange. */
const uint16_t wt_hs_sig_schemes[] = {
	WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_ECDSA_SECP384R1_SHA384, WT_SIG_ECDSA_SECP521R1_SHA512,
	WT_SIG_RSA_PSS_RSAE_SHA256, WT_SIG_RSA_PSS_RSAE_SHA384, WT_SIG_RSA_PSS_RSAE_SHA512,
	WT_SIG_RSA_PKCS1_SHA256, WT_SIG_RSA_PKCS1_SHA384, WT_SIG_RSA_PKCS1_SHA512
};
const size_t wt_hs_num_sig_schemes = 9;

#define WT_COUNT(a) (sizeof (a) / sizeof (a)[0])
#define wt_sig_schemes wt_hs_sig_schemes

/* The RFC 8446 §4.1.3 downgrade sentinel a TLS 1.3 server puts at the end of
 * ServerHello.random when it negotiates TLS 1.2: "DOWNGRD" 01. */
static const uint8_t wt_downgrade_tls12[8] = { 0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01 };

int wt_hs_offers13(const wt_engine *e) { return e->max_version >= WT_VERSION_TLS13; }

/* The ClientHello's key_share has an x25519 entry besides the X25519MLKEM768 one. */
int
wt_hs_sends_x25519_too(const wt_engine *e)
{
	/* after a HelloRetryRequest, the one share it asked for (RFC 8446 §4.1.2) */
	return e->kex.group == WT_GROUP_X25519MLKEM768 && !e->t13.hrr_seen &&
		wt_hs_in_list(e->groups, e->num_groups, WT_GROUP_X25519);
}

/* A key share for `group` was in the last ClientHello. */
int
wt_hs_sent_share(const wt_engine *e, uint16_t group)
{
	return group == e->kex.group || (group == WT_GROUP_X25519 && wt_hs_sends_x25519_too(e));
}
int wt_hs_offers12(const wt_engine *e) { return e->min_version <= WT_VERSION_TLS12; }
int wt_hs_resumes13(const wt_engine *e) { return e->resume_offered && e->resume.version == WT_VERSION_TLS13; }
int wt_hs_resumes12(const wt_engine *e) { return e->resume_offered && e->resume.version == WT_VERSION_TLS12; }

int
wt_hs_in_list(const uint16_t *list, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v) return 1;
	return 0;
}

const char *
wt_hs_name(unsigned type)
{
	switch (type) {
	case WT_HS_CLIENT_HELLO: return "ClientHello";
	case WT_HS_SERVER_HELLO: return "ServerHello";
	case WT_HS_NEW_SESSION_TICKET: return "NewSessionTicket";
	case WT_HS_ENCRYPTED_EXTENSIONS: return "EncryptedExtensions";
	case WT_HS_CERTIFICATE: return "Certificate";
	case WT_HS_CERTIFICATE_REQUEST: return "CertificateRequest";
	case WT_HS_CERTIFICATE_VERIFY: return "CertificateVerify";
	case WT_HS_FINISHED: return "Finished";
	case WT_HS_KEY_UPDATE: return "KeyUpdate";
	case WT_HS_SERVER_KEY_EXCHANGE: return "ServerKeyExchange";
	case WT_HS_SERVER_HELLO_DONE: return "ServerHelloDone";
	case WT_HS_CERTIFICATE_STATUS: return "CertificateStatus";
	case WT_HS_HELLO_REQUEST: return "HelloRequest";
	default: return "an unknown handshake message";
	}
}

/* Is the session's ALPN protocol (if any) among those we offer? Early data must use it (§4.2.10). */
int
wt_hs_session_alpn_offered(const wt_engine *e)
{
	if (e->resume.alpn_len == 0) return 1;
	wt_reader r = wt_reader_of(e->alpn, e->alpn_len);
	while (r.n) {
		wt_reader p = wt_r_vec(&r, 1);
		if (p.n == e->resume.alpn_len && memcmp(p.p, e->resume.alpn, p.n) == 0) return 1;
	}
	return 0;
}

/* 0-RTT in the first ClientHello: data to send, a TLS 1.3 session that allows it. */
int
wt_hs_early_possible(const wt_engine *e)
{
	return wt_hs_resumes13(e) && !e->t13.hrr_seen && e->t13.early_data_len && e->resume.max_early_data &&
		wt_hs_session_alpn_offered(e);
}

static void
wt_put_client_hello(wt_engine *e, wt_writer *w)
{
	wt_w_u16(w, 0x0303);
	wt_w_bytes(w, e->client_random, 32);
	if (wt_hs_offers13(e) || wt_hs_resumes12(e)) {
		/* middlebox compatibility mode (1.3); with a 1.2 ticket, the id the server echoes to resume */
		wt_w_u8(w, 32);
		wt_w_bytes(w, e->session_id, 32);
	} else {
		wt_w_u8(w, 0);                      /* TLS 1.2 only, nothing to resume */
	}

	size_t v = wt_w_open(w, 2);
	/* the suite table, in its order: TLS 1.3 rows, then TLS 1.2 rows */
	for (size_t i = 0; i < wt_num_suites; i++)
		if (wt_suites[i].version == WT_VERSION_TLS13 ? wt_hs_offers13(e) : wt_hs_offers12(e))
			wt_w_u16(w, wt_suites[i].id);
	wt_w_close(w, v, 2);
	wt_w_u8(w, 1);
	wt_w_u8(w, 0);      /* null compression */

	size_t exts = wt_w_open(w, 2);

	if (e->server_name_len && !e->server_name_is_ip) {
		/* RFC 6066: no trailing dot in SNI, never an IP literal */
		size_t n = e->server_name_len;
		if (e->server_name[n - 1] == '.') n--;
		wt_w_u16(w, EXT_SERVER_NAME);
		size_t x = wt_w_open(w, 2);
		size_t l = wt_w_open(w, 2);
		wt_w_u8(w, 0);  /* host_name */
		wt_w_u16(w, (uint32_t)n);
		wt_w_bytes(w, e->server_name, n);
		wt_w_close(w, l, 2);
		wt_w_close(w, x, 2);
	}

	if (wt_hs_offers13(e)) {
		int both = wt_hs_offers12(e);
		wt_w_u16(w, EXT_SUPPORTED_VERSIONS);
		wt_w_u16(w, both ? 5 : 3);
		wt_w_u8(w, both ? 4 : 2);
		wt_w_u16(w, WT_VERSION_TLS13);
		if (both) wt_w_u16(w, WT_VERSION_TLS12);
	}
	if (wt_hs_offers12(e)) {
		wt_w_u16(w, EXT_EXTENDED_MASTER_SECRET);   /* RFC 7627 */
		wt_w_u16(w, 0);
		wt_w_u16(w, EXT_RENEGOTIATION_INFO);       /* RFC 5746: initial handshake */
		wt_w_u16(w, 1);
		wt_w_u8(w, 0);
		wt_w_u16(w, EXT_SESSION_TICKET);           /* RFC 5077: our ticket, or empty to ask for one */
		if (wt_hs_resumes12(e)) {
			wt_w_u16(w, (uint32_t)e->resume.ticket_len);
			wt_w_bytes(w, e->resume.ticket, e->resume.ticket_len);
		} else {
			wt_w_u16(w, 0);
		}
		wt_w_u16(w, EXT_EC_POINT_FORMATS);         /* RFC 8422: uncompressed only */
		wt_w_u16(w, 2);
		wt_w_u8(w, 1);
		wt_w_u8(w, 0);
	}

	wt_w_u16(w, EXT_SUPPORTED_GROUPS);
	size_t g = wt_w_open(w, 2);
	size_t gl = wt_w_open(w, 2);
	for (size_t i = 0; i < e->num_groups; i++) {
		/* a TLS 1.2-only hello never offers a TLS 1.3-only group (X25519MLKEM768) */
		if (wt_group_find(e->groups[i])->tls12 || wt_hs_offers13(e)) wt_w_u16(w, e->groups[i]);
	}
	wt_w_close(w, gl, 2);
	wt_w_close(w, g, 2);

	wt_w_u16(w, EXT_SIGNATURE_ALGS);
	size_t s = wt_w_open(w, 2);
	size_t sl = wt_w_open(w, 2);
	for (size_t i = 0; i < wt_hs_num_sig_schemes; i++) wt_w_u16(w, wt_sig_schemes[i]);
	wt_w_close(w, sl, 2);
	wt_w_close(w, s, 2);

	if (wt_hs_offers13(e)) {
		wt_w_u16(w, EXT_KEY_SHARE);
		size_t k = wt_w_open(w, 2);
		size_t kl = wt_w_open(w, 2);
		wt_w_u16(w, e->kex.group);
		wt_w_u16(w, (uint32_t)e->kex.pub_len);
		wt_w_bytes(w, e->kex.pub, e->kex.pub_len);
		if (wt_hs_sends_x25519_too(e)) {
			/* the hybrid's X25519 key is also the x25519 share (as the browsers do) */
			wt_w_u16(w, WT_GROUP_X25519);
			wt_w_u16(w, 32);
			wt_w_bytes(w, e->kex.pub + e->kex.pub_len - 32, 32);
		}
		wt_w_close(w, kl, 2);
		wt_w_close(w, k, 2);
	}

	if (e->alpn_len) {
		wt_w_u16(w, EXT_ALPN);
		size_t a = wt_w_open(w, 2);
		wt_w_u16(w, (uint32_t)e->alpn_len);
		wt_w_bytes(w, e->alpn, e->alpn_len);
		wt_w_close(w, a, 2);
	}

	/* record_size_limit: we take full records (2^14, plus the inner type byte of 1.3); this lets
	 * a constrained server announce its own limit */
	wt_w_u16(w, EXT_RECORD_SIZE_LIMIT);
	wt_w_u16(w, 2);
	wt_w_u16(w, wt_hs_offers13(e) ? WT_MAX_PLAINTEXT + 1 : WT_MAX_PLAINTEXT);

	/* status_request: ocsp, no responder ids, no request extensions */
	wt_w_u16(w, EXT_STATUS_REQUEST);
	wt_w_u16(w, 5);
	wt_w_u8(w, 1);
	wt_w_u16(w, 0);
	wt_w_u16(w, 0);

	if (e->t13.cookie_len) {
		wt_w_u16(w, EXT_COOKIE);
		wt_w_u16(w, (uint32_t)(e->t13.cookie_len + 2));
		wt_w_u16(w, (uint32_t)e->t13.cookie_len);
		wt_w_bytes(w, e->t13.cookie, e->t13.cookie_len);
	}

	if (wt_hs_early_possible(e)) {
		wt_w_u16(w, EXT_EARLY_DATA);   /* 0-RTT data follows the ClientHello (§4.2.10) */
		wt_w_u16(w, 0);
	}

	if (wt_hs_resumes13(e)) {
		/* resumption with (EC)DHE only (psk_dhe_ke): forward secrecy is kept */
		wt_w_u16(w, EXT_PSK_KEY_EXCHANGE_MODES);
		wt_w_u16(w, 2);
		wt_w_u8(w, 1);
		wt_w_u8(w, 1);
		/* pre_shared_key comes last (§4.2.11); its binder is filled in by wt_hs_send_client_hello */
		int64_t age_s = e->now - e->resume.received_at;
		uint32_t age_ms = age_s > 0 ? (uint32_t)(age_s * 1000) : 0;
		wt_w_u16(w, EXT_PRE_SHARED_KEY);
		size_t x = wt_w_open(w, 2);
		size_t ids = wt_w_open(w, 2);
		wt_w_u16(w, (uint32_t)e->resume.ticket_len);
		wt_w_bytes(w, e->resume.ticket, e->resume.ticket_len);
		wt_w_u32(w, age_ms + e->resume.age_add);   /* obfuscated_ticket_age, mod 2^32 */
		wt_w_close(w, ids, 2);
		size_t binders = wt_w_open(w, 2);
		wt_w_u8(w, (uint32_t)e->resume.secret_len);
		uint8_t *binder = wt_w_reserve(w, e->resume.secret_len);
		if (binder) memset(binder, 0, e->resume.secret_len);
		wt_w_close(w, binders, 2);
		wt_w_close(w, x, 2);
	}

	wt_w_close(w, exts, 2);
}

/*
 * Fill in the PSK binder of the ClientHello body `ch` (`len` bytes, binder
 * last): an HMAC over the transcript so far plus the ClientHello up to the
 * binders list (§4.2.11.2).
 */
static void
wt_put_psk_binder(wt_engine *e, uint8_t *ch, size_t len)
{
	size_t hlen = e->resume.secret_len;
	size_t binders_len = 2 + 1 + hlen;
	uint8_t hdr[4] = { WT_HS_CLIENT_HELLO, (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len };
	uint8_t th[WT_MAX_HASH_LEN];
	const br_hash_class *hash = wt_suite_hash(e->resume.cipher);
	if (hash == &br_sha384_vtable) {
		br_sha384_context c = e->th384;
		br_sha384_update(&c, hdr, 4);
		br_sha384_update(&c, ch, len - binders_len);
		br_sha384_out(&c, th);
	} else {
		br_sha256_context c = e->th256;
		br_sha256_update(&c, hdr, 4);
		br_sha256_update(&c, ch, len - binders_len);
		br_sha256_out(&c, th);
	}
	wt_keysched ks;
	wt_ks_init_psk(&ks, hash, e->resume.secret, hlen);
	wt_ks_binder(&ks, th, ch + len - hlen);
	wt_ks_wipe(&ks);
}

int
wt_hs_send_client_hello(wt_engine *e)
{
	size_t cap;
	uint8_t *body = wt_out_scratch(e, &cap);
	wt_writer w = wt_writer_of(body, cap);
	wt_put_client_hello(e, &w);
	if (w.bad) return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "ClientHello does not fit");
	if (wt_hs_resumes13(e)) wt_put_psk_binder(e, body, w.len);
	return wt_send_handshake(e, WT_HS_CLIENT_HELLO, body, w.len);
}

/* Is an extension of this type in the list? (a copy of the reader is walked) */
int
wt_hs_has_extension(wt_reader r, uint32_t type)
{
	while (r.n && !r.bad) {
		uint32_t t = wt_r_u16(&r);
		wt_r_vec(&r, 2);
		if (!r.bad && t == type) return 1;
	}
	return 0;
}

static int
wt_alpn_offered(const wt_engine *e, const uint8_t *name, size_t n)
{
	wt_reader r = wt_reader_of(e->alpn, e->alpn_len);
	while (r.n) {
		wt_reader p = wt_r_vec(&r, 1);
		if (p.n == n && memcmp(p.p, name, n) == 0) return 1;
	}
	return 0;
}

int
wt_hs_accept_record_limit(wt_engine *e, wt_reader *body, int tls13)
{
	uint32_t limit = wt_r_u16(body);
	if (body->bad) return 0;
	if (limit < 64)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "record_size_limit of %u is below 64 (RFC 8449)", limit);
	/* in TLS 1.3 the limit counts the inner content type byte */
	size_t max = tls13 ? limit - 1 : limit;
	e->peer_limit = max < WT_MAX_PLAINTEXT ? max : WT_MAX_PLAINTEXT;
	return 0;
}

int
wt_hs_accept_alpn(wt_engine *e, wt_reader *body)
{
	wt_reader list = wt_r_vec(body, 2);
	wt_reader name = wt_r_vec(&list, 1);
	if (list.bad || list.n || name.n == 0) { body->bad = 1; return 0; }
	if (!wt_alpn_offered(e, name.p, name.n))
		return wt_fail(e, WT_ERR_NO_APPLICATION_PROTOCOL,
			"the server selected ALPN protocol \"%.*s\", which was not offered",
			(int)(name.n > 64 ? 64 : name.n), (const char *)name.p);
	memcpy(e->alpn_sel, name.p, name.n);
	e->alpn_sel_len = name.n;
	return 0;
}

int
wt_hs_leaf_pkey(const uint8_t *der, size_t len, br_x509_pkey *pk)
{
	wt_cert_info ci;
	return wt_cert_parse(&ci, der, len) == 0 && wt_cert_pkey(&ci, pk);
}

/* Leaf key without any verification (insecureSkipVerify). */
static int
wt_leaf_key_unverified(wt_engine *e, const wt_span *leaf)
{
	br_x509_decoder_context dc;
	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, leaf->der, leaf->len);
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
	if (!pk) return wt_fail(e, WT_ERR_UNSUPPORTED_CERTIFICATE, "the server certificate's key cannot be decoded");
	if (wt_pubkey_copy(&e->peer_key, pk)) return wt_fail(e, WT_ERR_BAD_CERTIFICATE, "the server key is too large");
	return 0;
}

int
wt_hs_accept_chain(wt_engine *e, const wt_span *chain, size_t n, const uint8_t *ocsp, size_t ocsp_len)
{
	int err;
	e->vpath_len = 0;
	if (n == 0) return wt_fail(e, WT_ERR_EMPTY_CHAIN, "the server sent an empty certificate chain");
	e->chain_len = 0;
	for (size_t i = 0; i < n; i++) {
		if (e->chain_len + 3 + chain[i].len > e->chain_cap) break;
		uint8_t *q = e->chain_buf + e->chain_len;
		q[0] = (uint8_t)(chain[i].len >> 16); q[1] = (uint8_t)(chain[i].len >> 8); q[2] = (uint8_t)chain[i].len;
		memmove(q + 3, chain[i].der, chain[i].len);   /* may be in place (TLS 1.2 deferred check) */
		e->chain_len += 3 + chain[i].len;
	}
	if (e->flags & WT_FLAG_INSECURE_SKIP_VERIFY) {
		err = wt_leaf_key_unverified(e, &chain[0]);
		if (err) return err;
		e->vpath[0] = 0;                            /* unverified: only the key that signs counts */
		e->vpath_len = 1;
	} else {
		wt_verify_params vp;
		wt_verify_result vr;
		memset(&vp, 0, sizeof vp);
		memset(&vr, 0, sizeof vr);
		vp.anchors = e->anchors;
		vp.num_anchors = e->num_anchors;
		vp.anchor_info = e->anchor_info;
		vp.host = e->server_name_len ? e->server_name : NULL;
		vp.host_len = e->server_name_len;
		vp.now = e->now;
		vp.ocsp = ocsp;
		vp.ocsp_len = ocsp_len;
		vp.native = &e->sig_native;
		char detail[sizeof e->detail];
		detail[0] = 0;
		wt_sig_cache *sc = e->sig_native.cache;
		if (sc) sc->waiting = 0;
		err = wt_chain_verify_ex(&vp, chain, n, &e->peer_key, &vr, detail, sizeof detail);
		/* a signature check waits for its verdict: this run assumed it valid (collecting the
		 * next edges), so its outcome, success or failure, is not used; the message is re-run */
		if (sc && sc->waiting) return WT_SIG_WAIT;
		if (err) return wt_fail(e, err, "%s", detail[0] ? detail : wt_err_text(err));
		for (size_t i = 0; i < vr.path_len; i++) e->vpath[i] = (int16_t)vr.path[i];
		e->vpath_len = vr.path_len;
		wt_event_push(e, WT_EV_IN, WT_EV_VERIFIED, 0, n);
	}
	if (e->num_pins > 0) {
		/* pins name keys on the verified path only (never an extra certificate sent) */
		size_t matched = 0;
		char have[4 * 46 + 1];        /* the path's pins (base64), for the message: up to four */
		size_t have_len = 0;
		have[0] = 0;
		for (size_t i = 0; i < e->vpath_len && !matched; i++) {
			uint8_t h[32];
			int at = e->vpath[i];
			if (at >= 0) {
				if (wt_cert_spki_sha256(chain[at].der, chain[at].len, h) != 0) continue;
			} else if (e->anchor_info != NULL) {
				memcpy(h, e->anchor_info[-at - 1].spki_sha256, 32);
			} else {
				continue;
			}
			for (size_t k = 0; k < e->num_pins; k++) {
				if (memcmp(h, e->pins + 32 * k, 32) == 0) matched = 1;
			}
			if (have_len + 46 < sizeof have) {
				if (have_len) { have[have_len++] = ','; have[have_len++] = ' '; }
				have_len += wt_base64(h, 32, have + have_len);
				have[have_len] = 0;
			}
		}
		if (!matched) {
			e->vpath_len = 0;
			return wt_fail(e, WT_ERR_PIN_MISMATCH, (e->flags & WT_FLAG_INSECURE_SKIP_VERIFY)
				? "none of the %zu pins matches the leaf's key %s (without verification only the leaf counts)"
				: "none of the %zu pins matches a key on the verified path: %s (extra certificates sent do not count)",
				e->num_pins, have);
		}
	}
	return 0;
}

uint16_t
wt_hs_client_scheme(const wt_engine *e, wt_reader list, int tls13)
{
	/* our preference; TLS 1.2 signs a running transcript hash, which exists for SHA-256/384 only */
	static const uint16_t prefs[] = {
		WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_ECDSA_SECP384R1_SHA384,
		WT_SIG_RSA_PSS_RSAE_SHA256, WT_SIG_RSA_PSS_RSAE_SHA384,
		WT_SIG_RSA_PKCS1_SHA256, WT_SIG_RSA_PKCS1_SHA384,
	};
	if (!e->client_key || !e->client_chain_len) return 0;
	for (size_t i = 0; i < WT_COUNT(prefs); i++) {
		if (!wt_privkey_scheme_ok(e->client_key, prefs[i], tls13)) continue;
		wt_reader r = list;
		while (r.n >= 2)
			if (wt_r_u16(&r) == prefs[i]) return prefs[i];
	}
	return 0;
}

/* Encode the session into new_session; 0 if it does not fit (the previous one is then kept). */
static size_t
wt_hs_encode_session(wt_engine *e, wt_session *s, wt_reader ticket)
{
	memcpy(s->server_name, e->server_name, e->server_name_len);
	s->server_name_len = e->server_name_len;
	memcpy(s->alpn, e->alpn_sel, e->alpn_sel_len);
	s->alpn_len = e->alpn_sel_len;
	s->ticket = ticket.p;
	s->ticket_len = ticket.n;
	uint8_t enc[WT_SESSION_MAX];
	size_t n = wt_session_encode(s, enc, sizeof enc);
	wt_wipe(s->secret, sizeof s->secret);
	if (n) {
		wt_wipe(e->new_session, sizeof e->new_session);
		memcpy(e->new_session, enc, n);
	}
	wt_wipe(enc, sizeof enc);
	return n;
}

void
wt_hs_keep_session(wt_engine *e, wt_session *s, wt_reader ticket)
{
	size_t n = wt_hs_encode_session(e, s, ticket);
	if (n) {   /* a ticket too large to keep is skipped; the previous session stays */
		e->new_session_len = n;
		wt_event_push(e, WT_EV_IN, WT_EV_SESSION, s->version, n);
	}
}

void
wt_hs_keep_session_pending(wt_engine *e, wt_session *s, wt_reader ticket)
{
	e->new_session_len = 0;
	e->t12.pending_session_len = wt_hs_encode_session(e, s, ticket);
}

void
wt_hs_raise_session(wt_engine *e)
{
	if (!e->t12.pending_session_len) return;
	e->new_session_len = e->t12.pending_session_len;
	e->t12.pending_session_len = 0;
	wt_event_push(e, WT_EV_IN, WT_EV_SESSION, e->version, e->new_session_len);
}

int
wt_hs_server_hello_version(wt_engine *e, const uint8_t *msg, size_t len, wt_server_hello *sh)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	uint32_t legacy_version = wt_r_u16(&r);
	const uint8_t *random = wt_r_bytes(&r, 32);
	wt_reader sid = wt_r_vec(&r, 1);
	uint16_t suite = (uint16_t)wt_r_u16(&r);
	uint32_t compression = wt_r_u8(&r);
	wt_reader exts = { NULL, 0, 0 };
	if (r.n) exts = wt_r_vec(&r, 2);
	if (!wt_r_done(&r)) { wt_fail(e, WT_ERR_DECODE_ERROR, "malformed ServerHello"); return 0; }
	sh->legacy_version = legacy_version;
	sh->random = random;
	sh->sid = sid;
	sh->suite = suite;
	sh->compression = compression;
	sh->exts = exts;

	/* version negotiation first: a TLS 1.2 (or older) server sends no
	 * supported_versions; its legacy_version is the version it chose */
	if (!wt_hs_has_extension(exts, EXT_SUPPORTED_VERSIONS) || !wt_hs_offers13(e)) {
		if (legacy_version == WT_VERSION_TLS12 && wt_hs_offers12(e)) {
			if (e->t13.hrr_seen) {
				wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
					"the server selected TLS 1.2 after a TLS 1.3 HelloRetryRequest");
				return 0;
			}
			if (wt_hs_offers13(e) && memcmp(random + 24, wt_downgrade_tls12, 8) == 0) {
				wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
					"downgrade detected: the server supports TLS 1.3 but its ServerHello selected "
					"TLS 1.2 (RFC 8446 §4.1.3 sentinel); something on the path altered the handshake");
				return 0;
			}
			return WT_VERSION_TLS12;
		}
		wt_fail(e, WT_ERR_PROTOCOL_VERSION,
			"the server chose %s; this client offered %s",
			legacy_version == WT_VERSION_TLS12 ? "TLS 1.2" : legacy_version == 0x0302 ? "TLS 1.1" :
			legacy_version == 0x0301 ? "TLS 1.0" : legacy_version == 0x0300 ? "SSL 3.0" :
			"an unknown protocol version",
			wt_hs_offers12(e) && wt_hs_offers13(e) ? "TLS 1.3 and TLS 1.2" :
			wt_hs_offers13(e) ? "only TLS 1.3" : "only TLS 1.2");
		return 0;
	}
	(void)len;
	return WT_VERSION_TLS13;
}
