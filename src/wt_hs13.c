/*
 * wt_hs13.c — the TLS 1.3 client handshake (RFC 8446 §4) after the
 * ServerHello version decision (wt_hs_common.c): one handler per server
 * message, dispatched by state (RFC 8446 §A.1), the 0-RTT data, KeyUpdate.
 * The ClientHello, chain checks, ALPN and sessions are in wt_hs_common.c;
 * the output queue and transcript in wt_out.c.
 *
 *
 *   START --ClientHello--> WAIT_SH --HRR--> (ClientHello 2) WAIT_SH2
 *   WAIT_SH(2) --ServerHello--> WAIT_EE --EncryptedExtensions--> WAIT_CERT_CR
 *   WAIT_CERT_CR --CertificateRequest--> WAIT_CERT --Certificate--> WAIT_CV
 *   WAIT_CV --CertificateVerify--> WAIT_FINISHED --Finished--> CONNECTED
 *   CONNECTED: NewSessionTicket, KeyUpdate
 */
#include "wt_hs13.h"

/* SHA-256("HelloRetryRequest"), the ServerHello.random of an HRR (§4.1.3). */
static const uint8_t wt_hrr_random[32] = {
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C
};

#define wt_sig_schemes wt_hs_sig_schemes
#define wt_in_list wt_hs_in_list
#define WT_MAX_CHAIN 16

/* ---------------------------------------------------------- ClientHello */


/*
 * Right after the first ClientHello: the middlebox-compatibility CCS, then the
 * early data under client_early_traffic_secret (§2.3, §7.1, Appendix D.4).
 */
int
wt_hs13_send_early_data(wt_engine *e)
{
	const br_hash_class *hash = wt_suite_hash(e->resume.cipher);
	uint8_t th[WT_MAX_HASH_LEN], secret[WT_MAX_HASH_LEN];
	if (hash == &br_sha384_vtable) {
		br_sha384_context c = e->th384;
		br_sha384_out(&c, th);
	} else {
		br_sha256_context c = e->th256;
		br_sha256_out(&c, th);
	}
	wt_keysched ks;
	wt_ks_init_psk(&ks, hash, e->resume.secret, e->resume.secret_len);
	wt_ks_early_traffic(&ks, th, secret);
	wt_keylog(e, WT_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET, 0, secret, ks.hlen);
	if (e->keylog) {
		uint8_t exp[WT_MAX_HASH_LEN];
		wt_ks_early_exporter(&ks, th, exp);
		wt_keylog(e, WT_KEYLOG_EARLY_EXPORTER_SECRET, 0, exp, ks.hlen);
		wt_wipe(exp, sizeof exp);
	}
	wt_ks_wipe(&ks);
	int err = wt_send_ccs(e);
	if (err) { wt_wipe(secret, sizeof secret); return err; }
	wt_record_dir_set(&e->wr, hash, wt_suite_aead(e->resume.cipher), secret);
	wt_wipe(secret, sizeof secret);
	wt_event_push(e, WT_EV_OUT, WT_EV_KEYS, WT_KEYS_EARLY, 0);

	size_t room = wt_out_room(e);
	size_t n = e->t13.early_data_len;
	if (n > e->resume.max_early_data) n = e->resume.max_early_data;
	if (n > WT_MAX_PLAINTEXT) n = WT_MAX_PLAINTEXT;
	if (room < WT_RECORD_OVERHEAD + 1) n = 0;
	else if (n > room - WT_RECORD_OVERHEAD) n = room - WT_RECORD_OVERHEAD;
	if (n) {
		uint8_t *rec = e->out + e->out_len;
		memcpy(rec + 5, e->t13.early_data, n);
		e->out_len += wt_record_seal(&e->wr, rec, WT_CT_APPLICATION_DATA, n);
	}
	e->t13.early_sent = n;
	e->t13.early_status = WT_EARLY_PENDING;
	wt_event_push(e, WT_EV_OUT, WT_EV_EARLY, WT_EARLY_PENDING, n);
	return 0;
}

/* The server ignored our early data (no PSK, HelloRetryRequest, or no early_data in EE). */
static void
wt_early_rejected(wt_engine *e)
{
	if (e->t13.early_status != WT_EARLY_PENDING) return;
	e->t13.early_status = WT_EARLY_REJECTED;
	wt_event_push(e, WT_EV_IN, WT_EV_EARLY, WT_EARLY_REJECTED, e->t13.early_sent);
}

/* ---------------------------------------------------------- ServerHello */

typedef struct {
	uint16_t version;           /* from supported_versions, 0 if absent */
	uint16_t ks_group;          /* key_share group (SH) or selected_group (HRR) */
	const uint8_t *ks_key;
	size_t ks_key_len;
	const uint8_t *cookie;
	size_t cookie_len;
	int has_key_share;
	int has_psk;                /* pre_shared_key: the server accepted identity `psk_identity` */
	uint16_t psk_identity;
} wt_sh_exts;

static int
wt_parse_sh_extensions(wt_engine *e, wt_reader *r, int hrr, wt_sh_exts *x)
{
	uint32_t seen = 0;
	memset(x, 0, sizeof *x);
	while (r->n && !r->bad) {
		uint32_t type = wt_r_u16(r);
		wt_reader body = wt_r_vec(r, 2);
		if (r->bad) break;
		uint32_t bit = type == EXT_SUPPORTED_VERSIONS ? 1 : type == EXT_KEY_SHARE ? 2 : type == EXT_COOKIE ? 4 :
			type == EXT_PRE_SHARED_KEY ? 8 : 0;
		if (bit & seen) return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "duplicate extension %u in ServerHello", type);
		seen |= bit;
		switch (type) {
		case EXT_SUPPORTED_VERSIONS:
			x->version = (uint16_t)wt_r_u16(&body);
			break;
		case EXT_KEY_SHARE:
			x->has_key_share = 1;
			x->ks_group = (uint16_t)wt_r_u16(&body);
			if (!hrr) {
				wt_reader key = wt_r_vec(&body, 2);
				x->ks_key = key.p;
				x->ks_key_len = key.n;
				if (key.n == 0) body.bad = 1;
			}
			break;
		case EXT_PRE_SHARED_KEY:
			if (hrr || !wt_hs_resumes13(e)) goto unsupported;
			x->has_psk = 1;
			x->psk_identity = (uint16_t)wt_r_u16(&body);
			break;
		case EXT_COOKIE: {
			if (!hrr) goto unsupported;
			wt_reader c = wt_r_vec(&body, 2);
			if (c.n == 0) body.bad = 1;
			x->cookie = c.p;
			x->cookie_len = c.n;
			break;
		}
		default:
		unsupported:
			return wt_fail(e, WT_ERR_UNSUPPORTED_EXTENSION,
				"the server sent extension %u in %s, which was not offered", type,
				hrr ? "HelloRetryRequest" : "ServerHello");
		}
		if (!wt_r_done(&body))
			return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed extension %u in ServerHello", type);
	}
	if (r->bad) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed ServerHello extensions");
	return 0;
}

static int
wt_on_hello_retry_request(wt_engine *e, uint16_t suite, wt_sh_exts *x, const uint8_t *msg, size_t len)
{
	if (e->t13.hrr_seen)
		return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "a second HelloRetryRequest");
	if (!x->has_key_share && !x->cookie)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "HelloRetryRequest that would not change the ClientHello");
	if (x->has_key_share) {
		if (!wt_hs_in_list(e->groups, e->num_groups, x->ks_group) || wt_hs_sent_share(e, x->ks_group))
			return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
				"HelloRetryRequest asks for group 0x%04x, which is not offered or already sent", x->ks_group);
	}
	if (x->cookie_len > sizeof e->t13.cookie)
		return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "HelloRetryRequest cookie of %zu bytes is too long", x->cookie_len);

	e->t13.hrr_seen = 1;
	e->t13.hrr_cipher = suite;
	e->cipher = suite;
	/* a PSK is only offered again if its hash is the chosen suite's (§4.1.4) */
	if (wt_hs_resumes13(e) && wt_suite_hash(e->resume.cipher) != wt_suite_hash(suite)) {
		e->resume_offered = 0;
		wt_wipe(&e->resume, sizeof e->resume);
	}
	wt_event_push(e, WT_EV_IN, WT_EV_HRR, x->has_key_share ? x->ks_group : 0, len);

	/* transcript: message_hash(ClientHello1) || HelloRetryRequest || ClientHello2 ... */
	wt_th_restart_for_hrr(e);
	wt_th_update(e, msg, len);

	if (x->cookie_len) {
		memcpy(e->t13.cookie, x->cookie, x->cookie_len);
		e->t13.cookie_len = x->cookie_len;
	}
	if (x->has_key_share) {
		wt_kex_wipe(&e->kex);
		int err = wt_kex_generate(&e->kex, x->ks_group, e->rng, e->rng_ctx);
		if (err) return wt_fail(e, err, "key share generation failed");
	}
	/* early data is not carried over a HelloRetryRequest: CH2 goes in the clear again */
	if (e->t13.early_status == WT_EARLY_PENDING) {
		wt_record_dir_wipe(&e->wr);
		wt_early_rejected(e);
	}
	int err = e->ccs_sent ? 0 : wt_send_ccs(e);
	if (!err) err = wt_hs_send_client_hello(e);
	if (err) return err;
	e->state = WT_ST_WAIT_SH2;
	e->hs_boundary = 1;
	return 0;
}

int
wt_hs13_on_server_hello(wt_engine *e, const wt_server_hello *sh, const uint8_t *msg, size_t len)
{
	uint32_t legacy_version = sh->legacy_version;
	const uint8_t *random = sh->random;
	wt_reader sid = sh->sid;
	uint16_t suite = sh->suite;
	uint32_t compression = sh->compression;
	wt_reader exts = sh->exts;
	int hrr = memcmp(random, wt_hrr_random, 32) == 0;
	wt_sh_exts x;
	int err = wt_parse_sh_extensions(e, &exts, hrr, &x);
	if (err) return err;
	if (x.version != WT_VERSION_TLS13)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
			"the server selected version 0x%04x, which was not offered", x.version);
	if (legacy_version != 0x0303)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerHello legacy_version 0x%04x", legacy_version);
	if (sid.n != 32 || memcmp(sid.p, e->session_id, 32) != 0)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerHello does not echo the session id");
	if (compression != 0)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerHello selects compression");
	if (!wt_suite_find_version(suite, WT_VERSION_TLS13))
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "the server selected cipher suite 0x%04x, which was not offered", suite);

	if (hrr) return wt_on_hello_retry_request(e, suite, &x, msg, len);

	if (e->t13.hrr_seen && suite != e->t13.hrr_cipher)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerHello suite differs from HelloRetryRequest's");
	if (!x.has_key_share)
		return wt_fail(e, WT_ERR_MISSING_EXTENSION, "ServerHello without key_share (PSK-only is not offered)");
	if (!wt_hs_sent_share(e, x.ks_group))
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerHello key share for group 0x%04x, not the one sent", x.ks_group);

	if (x.has_psk) {
		if (x.psk_identity != 0)
			return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "the server selected PSK identity %u; one was offered", x.psk_identity);
		if (wt_suite_hash(suite) != wt_suite_hash(e->resume.cipher))
			return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
				"the server resumed a session with a suite whose hash differs from the session's");
		e->resumed = 1;
	}

	e->version = WT_VERSION_TLS13;
	e->cipher = suite;
	e->group = x.ks_group;
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_SERVER_HELLO, len);
	wt_th_update(e, msg, len);

	uint8_t shared[WT_KEX_SHARED_MAX];
	size_t shared_len;
	err = wt_kex_derive_as(&e->kex, x.ks_group, x.ks_key, x.ks_key_len, shared, &shared_len);
	wt_kex_wipe(&e->kex);
	if (err) {
		wt_wipe(shared, sizeof shared);
		return wt_fail(e, err, "the server's key share is invalid for %s", wt_group_name(x.ks_group));
	}
	uint8_t th[WT_MAX_HASH_LEN];
	const br_hash_class *hash = wt_suite_hash(suite);
	wt_th_hash(e, th);
	if (e->resumed) {
		wt_ks_init_psk(&e->t13.ks, hash, e->resume.secret, e->resume.secret_len);
		wt_event_push(e, WT_EV_IN, WT_EV_RESUMED, 0, 0);
	} else {
		wt_ks_init(&e->t13.ks, hash);
	}
	wt_wipe(e->resume.secret, sizeof e->resume.secret);   /* used once */
	wt_ks_handshake(&e->t13.ks, shared, shared_len, th);
	wt_wipe(shared, sizeof shared);
	wt_keylog(e, WT_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET, 0, e->t13.ks.c_hs, e->t13.ks.hlen);
	wt_keylog(e, WT_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET, 0, e->t13.ks.s_hs, e->t13.ks.hlen);
	wt_record_dir_set(&e->rd, hash, wt_suite_aead(suite), e->t13.ks.s_hs);
	/* with early data out, our early keys stay on until EncryptedExtensions says whether it was taken */
	if (e->t13.early_status == WT_EARLY_PENDING && !e->resumed) wt_early_rejected(e);
	if (e->t13.early_status != WT_EARLY_PENDING)
		wt_record_dir_set(&e->wr, hash, wt_suite_aead(suite), e->t13.ks.c_hs);
	wt_event_push(e, WT_EV_IN, WT_EV_KEYS, WT_KEYS_HANDSHAKE, 0);
	e->state = WT_ST_WAIT_EE;
	e->hs_boundary = 1;
	return 0;
}


/* ------------------------------------------------- EncryptedExtensions */

static int
wt_on_encrypted_extensions(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	wt_reader exts = wt_r_vec(&r, 2);
	if (!wt_r_done(&r)) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed EncryptedExtensions");
	uint64_t seen = 0;
	while (exts.n && !exts.bad) {
		uint32_t type = wt_r_u16(&exts);
		wt_reader body = wt_r_vec(&exts, 2);
		if (exts.bad) break;
		uint64_t bit = type < 64 ? (uint64_t)1 << type : 0;
		if (bit & seen) return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "duplicate extension %u in EncryptedExtensions", type);
		seen |= bit;
		switch (type) {
		case EXT_SERVER_NAME:
			if (!e->server_name_len || e->server_name_is_ip) goto unsupported;
			if (body.n) body.bad = 1;
			break;
		case EXT_SUPPORTED_GROUPS: {
			wt_reader l = wt_r_vec(&body, 2);   /* the server's preference; informational */
			if (l.n == 0 || (l.n & 1)) body.bad = 1;
			break;
		}
		case EXT_ALPN: {
			if (!e->alpn_len) goto unsupported;
			int err = wt_hs_accept_alpn(e, &body);
			if (err) return err;
			break;
		}
		case EXT_RECORD_SIZE_LIMIT: {
			int err = wt_hs_accept_record_limit(e, &body, 1);
			if (err) return err;
			break;
		}
		case EXT_EARLY_DATA:
			if (e->t13.early_status != WT_EARLY_PENDING || !e->resumed) goto unsupported;
			if (body.n) body.bad = 1;
			e->t13.early_status = WT_EARLY_ACCEPTED;
			break;
		default:
			if (type == EXT_SUPPORTED_VERSIONS || type == EXT_KEY_SHARE || type == EXT_SIGNATURE_ALGS ||
			    type == EXT_PRE_SHARED_KEY || type == EXT_COOKIE)
				return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "extension %u is not allowed in EncryptedExtensions", type);
		unsupported:
			return wt_fail(e, WT_ERR_UNSUPPORTED_EXTENSION,
				"the server sent extension %u in EncryptedExtensions, which was not offered", type);
		}
		if (!wt_r_done(&body))
			return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed extension %u in EncryptedExtensions", type);
	}
	if (exts.bad) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed EncryptedExtensions");
	if (e->t13.early_status == WT_EARLY_ACCEPTED) {
		/* the early data was protected with the session's suite: the server must have kept it (§4.2.10) */
		if (e->cipher != e->resume.cipher)
			return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
				"the server accepted early data sent with %s but selected %s",
				wt_cipher_name(e->resume.cipher), wt_cipher_name(e->cipher));
		/* the early data spoke the session's protocol: the server must not pick another (§4.2.10) */
		if (e->alpn_sel_len != e->resume.alpn_len || memcmp(e->alpn_sel, e->resume.alpn, e->alpn_sel_len) != 0)
			return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
				"the server accepted early data but chose another ALPN protocol than the session's");
		wt_event_push(e, WT_EV_IN, WT_EV_EARLY, WT_EARLY_ACCEPTED, e->t13.early_sent);
	} else if (e->t13.early_status == WT_EARLY_PENDING) {
		wt_early_rejected(e);
		wt_record_dir_set(&e->wr, e->t13.ks.hash, wt_suite_aead(e->cipher), e->t13.ks.c_hs);
	}
	wt_th_update(e, msg, len);
	/* a resumed session was authenticated when it was made: Finished follows (§2.2) */
	e->state = e->resumed ? WT_ST_WAIT_FINISHED : WT_ST_WAIT_CERT_CR;
	return 0;
}

/* ---------------------------------------------- CertificateRequest, Certificate */

static int
wt_on_certificate_request(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	wt_reader ctx = wt_r_vec(&r, 1);
	wt_reader exts = wt_r_vec(&r, 2);
	if (!wt_r_done(&r) || exts.n < 2) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed CertificateRequest");
	memcpy(e->t13.cr_context, ctx.p, ctx.n);
	e->t13.cr_context_len = ctx.n;
	e->cert_requested = 1;
	e->client_scheme = 0;
	while (exts.n && !exts.bad) {
		uint32_t type = wt_r_u16(&exts);
		wt_reader body = wt_r_vec(&exts, 2);
		if (type == EXT_SIGNATURE_ALGS && !exts.bad) {
			wt_reader list = wt_r_vec(&body, 2);
			if (!wt_r_done(&body) || list.n < 2 || (list.n & 1))
				return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed signature_algorithms in CertificateRequest");
			e->client_scheme = wt_hs_client_scheme(e, list, 1);
		}
	}
	if (exts.bad) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed CertificateRequest extensions");
	wt_th_update(e, msg, len);
	e->state = WT_ST_WAIT_CERT;
	return 0;
}

#define WT_MAX_CHAIN 16

static int
wt_on_certificate(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	wt_reader ctx = wt_r_vec(&r, 1);
	wt_reader list = wt_r_vec(&r, 3);
	if (!wt_r_done(&r) || ctx.n) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed Certificate message");

	wt_span chain[WT_MAX_CHAIN];
	size_t n = 0;
	wt_reader ocsp = { NULL, 0, 0 };           /* the leaf's stapled OCSPResponse */
	while (list.n && !list.bad) {
		wt_reader cert = wt_r_vec(&list, 3);
		wt_reader exts = wt_r_vec(&list, 2);
		if (list.bad) break;
		if (cert.n == 0)
			return wt_fail(e, WT_ERR_DECODE_ERROR, "certificate %zu in the Certificate message is empty", n);
		/* CertificateEntry extensions (RFC 8446 §4.4.2): only those we offered in the ClientHello
		 * (status_request; not signed_certificate_timestamp), each at most once, well formed */
		int seen_status = 0;
		while (exts.n && !exts.bad) {
			uint32_t type = wt_r_u16(&exts);
			wt_reader body = wt_r_vec(&exts, 2);
			if (exts.bad) break;
			if (type != EXT_STATUS_REQUEST)
				return wt_fail(e, WT_ERR_UNSUPPORTED_EXTENSION,
					"certificate %zu carries extension %u, which was not offered", n, type);
			if (seen_status++)
				return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "certificate %zu carries status_request twice", n);
			uint32_t status_type = wt_r_u8(&body);
			wt_reader resp = wt_r_vec(&body, 3);
			if (!wt_r_done(&body) || status_type != 1 || resp.n == 0)
				return wt_fail(e, WT_ERR_DECODE_ERROR,
					"malformed status_request (OCSP staple) on certificate %zu", n);
			if (n == 0) ocsp = resp;
		}
		if (exts.bad)
			return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed extensions of certificate %zu", n);
		if (n == WT_MAX_CHAIN)
			return wt_fail(e, WT_ERR_BAD_CERTIFICATE, "the server sent more than %d certificates", WT_MAX_CHAIN);
		chain[n].der = cert.p;
		chain[n].len = cert.n;
		n++;
	}
	if (list.bad) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed certificate_list");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_CERTIFICATE, len);
	int err = wt_hs_accept_chain(e, chain, n, ocsp.n ? ocsp.p : NULL, ocsp.n);
	if (err) return err;
	wt_th_update(e, msg, len);
	e->state = WT_ST_WAIT_CV;
	return 0;
}

/* ---------------------------------------------------- CertificateVerify */

static const char wt_cv_label[] = "TLS 1.3, server CertificateVerify";

/* A scheme the server may sign its CertificateVerify with (offered; no PKCS#1 v1.5 in TLS 1.3). */
static int
wt_cv_scheme_ok(uint16_t scheme)
{
	return wt_in_list(wt_sig_schemes, wt_hs_num_sig_schemes, scheme) &&
		scheme != WT_SIG_RSA_PKCS1_SHA256 && scheme != WT_SIG_RSA_PKCS1_SHA384 &&
		scheme != WT_SIG_RSA_PKCS1_SHA512;
}

/* 64 spaces || context string || 0: the start of the signed content (RFC 8446 §4.4.3). */
static void
wt_cv_content_head(uint8_t *content)
{
	memset(content, 0x20, 64);
	memcpy(content + 64, wt_cv_label, sizeof wt_cv_label);     /* includes the 0 separator */
}

void
wt_hs13_sig_prefetch(wt_engine *e, const uint8_t *msg, size_t len, const uint8_t *next, size_t next_len)
{
	if ((e->state != WT_ST_WAIT_CERT && e->state != WT_ST_WAIT_CERT_CR) ||
	    msg[0] != WT_HS_CERTIFICATE || next[0] != WT_HS_CERTIFICATE_VERIFY) return;
	/* the leaf (the first entry of the certificate_list), read as wt_on_certificate reads it */
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	wt_reader ctx = wt_r_vec(&r, 1);
	wt_reader list = wt_r_vec(&r, 3);
	wt_reader leaf = wt_r_vec(&list, 3);
	br_x509_pkey pk;
	if (!wt_r_done(&r) || ctx.n || list.bad || leaf.n == 0 || !wt_hs_leaf_pkey(leaf.p, leaf.n, &pk)) return;
	/* the CertificateVerify, read as wt_on_certificate_verify reads it */
	wt_reader v = wt_reader_of(next + 4, next_len - 4);
	uint16_t scheme = (uint16_t)wt_r_u16(&v);
	wt_reader sig = wt_r_vec(&v, 2);
	if (!wt_r_done(&v) || !wt_cv_scheme_ok(scheme)) return;
	/* Transcript-Hash(ClientHello..Certificate) on copies of the running hashes */
	uint8_t content[64 + sizeof wt_cv_label + WT_MAX_HASH_LEN];
	wt_cv_content_head(content);
	wt_th_hash_with(e, msg, len, content + 64 + sizeof wt_cv_label);
	wt_sig_prefetch(&e->sig_native, WT_SIGV_TLS13, scheme, &pk, content,
		64 + sizeof wt_cv_label + e->t13.ks.hlen, sig.p, sig.n);
}

static int
wt_on_certificate_verify(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	uint16_t scheme = (uint16_t)wt_r_u16(&r);
	wt_reader sig = wt_r_vec(&r, 2);
	if (!wt_r_done(&r)) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed CertificateVerify");
	if (!wt_cv_scheme_ok(scheme))
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
			"CertificateVerify uses signature scheme 0x%04x, which is not allowed", scheme);

	/* 64 spaces || context string || 0 || Transcript-Hash(ClientHello..Certificate) */
	uint8_t content[64 + sizeof wt_cv_label + WT_MAX_HASH_LEN];
	wt_cv_content_head(content);
	wt_th_hash(e, content + 64 + sizeof wt_cv_label);
	int err = wt_sig_verify_nv(&e->sig_native, scheme, &e->peer_key.key, content, 64 + sizeof wt_cv_label + e->t13.ks.hlen, sig.p, sig.n);
	if (err == WT_SIG_WAIT) return err;   /* nothing changed: the message is re-run with the verdict */
	if (err == WT_ERR_ILLEGAL_PARAMETER)
		return wt_fail(e, err, "CertificateVerify scheme 0x%04x does not match the certificate's key", scheme);
	if (err)
		return wt_fail(e, WT_ERR_BAD_SIGNATURE, "the server's CertificateVerify signature is invalid");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_CERTIFICATE_VERIFY, len);
	wt_th_update(e, msg, len);
	e->state = WT_ST_WAIT_FINISHED;
	return 0;
}

/* ------------------------------------------------------------- Finished */

/* Certificate (ours, or empty when we have none to offer: §4.4.2.4) and CertificateVerify. */
static int
wt_send_client_certificate13(wt_engine *e)
{
	size_t cap;
	uint8_t *body = wt_out_scratch(e, &cap);
	wt_writer w = wt_writer_of(body, cap);
	wt_w_u8(&w, (uint32_t)e->t13.cr_context_len);
	wt_w_bytes(&w, e->t13.cr_context, e->t13.cr_context_len);
	size_t list = wt_w_open(&w, 3);
	if (e->client_scheme) {
		wt_reader r = wt_reader_of(e->client_chain, e->client_chain_len);
		while (r.n) {
			wt_reader c = wt_r_vec(&r, 3);
			wt_w_u24(&w, (uint32_t)c.n);
			wt_w_bytes(&w, c.p, c.n);
			wt_w_u16(&w, 0);   /* no per-certificate extensions */
		}
	}
	wt_w_close(&w, list, 3);
	if (w.bad) return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "the client certificate chain does not fit");
	int err = wt_send_handshake(e, WT_HS_CERTIFICATE, body, w.len);
	if (err || !e->client_scheme) return err;

	static const char label[] = "TLS 1.3, client CertificateVerify";
	uint8_t content[64 + sizeof label + WT_MAX_HASH_LEN];
	memset(content, 0x20, 64);
	memcpy(content + 64, label, sizeof label);
	wt_th_hash(e, content + 64 + sizeof label);
	uint8_t cv[4 + 520];
	size_t n = wt_privkey_sign(e->client_key, e->client_scheme, content, 64 + sizeof label + e->t13.ks.hlen,
		e->rng, e->rng_ctx, cv + 4, sizeof cv - 4);
	if (n == 0) return wt_fail(e, WT_ERR_INTERNAL, "signing the client CertificateVerify failed");
	wt_put_u16(cv, e->client_scheme);
	wt_put_u16(cv + 2, (uint32_t)n);
	return wt_send_handshake(e, WT_HS_CERTIFICATE_VERIFY, cv, 4 + n);
}

static int
wt_send_client_flight(wt_engine *e)
{
	uint8_t th[WT_MAX_HASH_LEN], fin[WT_MAX_HASH_LEN];
	int err = 0;
	if (!e->ccs_sent) err = wt_send_ccs(e);
	if (!err && e->t13.early_status == WT_EARLY_ACCEPTED) {
		/* EndOfEarlyData, under the early keys; then the handshake keys (§4.5) */
		static const uint8_t none[1] = { 0 };
		err = wt_send_handshake(e, WT_HS_END_OF_EARLY_DATA, none, 0);
		if (!err) wt_record_dir_set(&e->wr, e->t13.ks.hash, wt_suite_aead(e->cipher), e->t13.ks.c_hs);
	}
	if (!err && e->cert_requested) err = wt_send_client_certificate13(e);
	if (err) return err;
	wt_th_hash(e, th);
	wt_ks_finished(&e->t13.ks, e->t13.ks.c_hs, th, fin);
	err = wt_send_handshake(e, WT_HS_FINISHED, fin, e->t13.ks.hlen);
	wt_wipe(fin, sizeof fin);
	return err;
}

static int
wt_on_finished(wt_engine *e, const uint8_t *msg, size_t len)
{
	uint8_t th[WT_MAX_HASH_LEN], expect[WT_MAX_HASH_LEN];
	if (len - 4 != e->t13.ks.hlen) return wt_fail(e, WT_ERR_DECODE_ERROR, "Finished of the wrong length");
	wt_th_hash(e, th);
	wt_ks_finished(&e->t13.ks, e->t13.ks.s_hs, th, expect);
	int ok = wt_ct_equal(expect, msg + 4, e->t13.ks.hlen);
	wt_wipe(expect, sizeof expect);
	if (!ok) return wt_fail(e, WT_ERR_BAD_FINISHED, "the server's Finished does not match the handshake");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_FINISHED, len);
	wt_th_update(e, msg, len);

	/* application secrets cover ClientHello..server Finished */
	wt_th_hash(e, th);
	wt_ks_application(&e->t13.ks, th);
	if (e->keylog) {
		uint8_t exp[WT_MAX_HASH_LEN];
		wt_ks_exporter(&e->t13.ks, th, exp);
		wt_keylog(e, WT_KEYLOG_CLIENT_TRAFFIC_SECRET, 0, e->t13.ks.c_ap, e->t13.ks.hlen);
		wt_keylog(e, WT_KEYLOG_SERVER_TRAFFIC_SECRET, 0, e->t13.ks.s_ap, e->t13.ks.hlen);
		wt_keylog(e, WT_KEYLOG_EXPORTER_SECRET, 0, exp, e->t13.ks.hlen);
		wt_wipe(exp, sizeof exp);
	}

	int err = wt_send_client_flight(e);
	if (err) return err;
	/* resumption_master_secret covers the handshake through our Finished */
	wt_th_hash(e, th);
	wt_ks_resumption(&e->t13.ks, th, e->t13.res_master);
	wt_wipe(e->t13.ks.secret, sizeof e->t13.ks.secret);   /* the master secret: nothing else derives from it */
	const br_hash_class *hash = e->t13.ks.hash;
	wt_aead_alg alg = wt_suite_aead(e->cipher);
	wt_record_dir_set(&e->rd, hash, alg, e->t13.ks.s_ap);
	wt_record_dir_set(&e->wr, hash, alg, e->t13.ks.c_ap);
	wt_wipe(e->t13.ks.c_hs, sizeof e->t13.ks.c_hs);
	wt_wipe(e->t13.ks.s_hs, sizeof e->t13.ks.s_hs);
	wt_event_push(e, WT_EV_OUT, WT_EV_KEYS, WT_KEYS_APPLICATION, 0);
	e->state = WT_ST_CONNECTED;
	e->hs_boundary = 1;
	return 0;
}

/* ------------------------------------------------ post-handshake messages */

static int
wt_on_new_session_ticket(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	uint32_t lifetime = wt_r_u32(&r);
	uint32_t age_add = wt_r_u32(&r);
	wt_reader nonce = wt_r_vec(&r, 1);
	wt_reader ticket = wt_r_vec(&r, 2);
	wt_reader exts = wt_r_vec(&r, 2);
	if (!wt_r_done(&r) || ticket.n == 0) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed NewSessionTicket");
	uint32_t max_early_data = 0;
	while (exts.n && !exts.bad) {
		uint32_t type = wt_r_u16(&exts);
		wt_reader body = wt_r_vec(&exts, 2);
		if (type == EXT_EARLY_DATA) {
			max_early_data = wt_r_u32(&body);
			if (!wt_r_done(&body)) exts.bad = 1;
		}
	}
	if (exts.bad) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed NewSessionTicket extensions");
	if (lifetime > 604800)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "NewSessionTicket lifetime of %u s is over 7 days", lifetime);
	if (++e->tickets_in > WT_MAX_TICKETS)
		return wt_fail(e, WT_ERR_TOO_MANY_MESSAGES,
			"the server sent more than %d NewSessionTickets without application data", WT_MAX_TICKETS);
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_NEW_SESSION_TICKET, len);
	if (lifetime == 0 || e->t13.ks.hash == NULL) return 0;   /* not to be used */

	/* the session for next time: PSK = HKDF-Expand-Label(res_master, "resumption", nonce) */
	wt_session s;
	memset(&s, 0, sizeof s);
	s.version = WT_VERSION_TLS13;
	s.cipher = e->cipher;
	s.received_at = e->now;
	s.lifetime = lifetime;
	s.age_add = age_add;
	s.max_early_data = max_early_data;
	s.secret_len = e->t13.ks.hlen;
	wt_ks_ticket_psk(&e->t13.ks, e->t13.res_master, nonce.p, nonce.n, s.secret);
	wt_hs_keep_session(e, &s, ticket);
	return 0;
}

int
wt_hs_send_key_update(wt_engine *e, int request_peer)
{
	uint8_t body[1] = { request_peer ? 1 : 0 };
	int err = wt_send_handshake(e, WT_HS_KEY_UPDATE, body, 1);
	if (err) return err;
	wt_ks_update(&e->t13.ks, e->t13.ks.c_ap);
	wt_keylog(e, WT_KEYLOG_CLIENT_TRAFFIC_SECRET, ++e->keylog_gen_c, e->t13.ks.c_ap, e->t13.ks.hlen);
	wt_record_dir_set(&e->wr, e->t13.ks.hash, wt_suite_aead(e->cipher), e->t13.ks.c_ap);
	e->t13.written_since_update = 0;
	wt_event_push(e, WT_EV_OUT, WT_EV_KEYS, WT_KEYS_KEY_UPDATE, 0);
	return 0;
}

static int
wt_on_key_update(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	uint32_t request = wt_r_u8(&r);
	if (!wt_r_done(&r)) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed KeyUpdate");
	if (request > 1) return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "KeyUpdate request_update %u", request);
	if (++e->key_updates_in > WT_MAX_KEY_UPDATES)
		return wt_fail(e, WT_ERR_TOO_MANY_MESSAGES,
			"the server sent more than %d KeyUpdates without application data", WT_MAX_KEY_UPDATES);
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_KEY_UPDATE, len);
	wt_aead_alg alg = wt_suite_aead(e->cipher);
	wt_ks_update(&e->t13.ks, e->t13.ks.s_ap);
	wt_keylog(e, WT_KEYLOG_SERVER_TRAFFIC_SECRET, ++e->keylog_gen_s, e->t13.ks.s_ap, e->t13.ks.hlen);
	wt_record_dir_set(&e->rd, e->t13.ks.hash, alg, e->t13.ks.s_ap);
	e->hs_boundary = 1;
	if (request == 1 && !e->write_closed) {
		int err = wt_hs_send_key_update(e, 0);
		if (err) return err;
	}
	wt_event_push(e, WT_EV_IN, WT_EV_KEYS, WT_KEYS_KEY_UPDATE, 0);
	return 0;
}

/* ------------------------------------------------------------- dispatch */

int
wt_hs13_handle(wt_engine *e, unsigned type, const uint8_t *msg, size_t len)
{
	switch (e->state) {
	case WT_ST_WAIT_EE:
		if (type == WT_HS_ENCRYPTED_EXTENSIONS) {
			wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, type, len);
			return wt_on_encrypted_extensions(e, msg, len);
		}
		break;
	case WT_ST_WAIT_CERT_CR:
		if (type == WT_HS_CERTIFICATE_REQUEST) {
			wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, type, len);
			return wt_on_certificate_request(e, msg, len);
		}
		/* fall through */
	case WT_ST_WAIT_CERT:
		if (type == WT_HS_CERTIFICATE) return wt_on_certificate(e, msg, len);
		break;
	case WT_ST_WAIT_CV:
		if (type == WT_HS_CERTIFICATE_VERIFY) return wt_on_certificate_verify(e, msg, len);
		break;
	case WT_ST_WAIT_FINISHED:
		if (type == WT_HS_FINISHED) return wt_on_finished(e, msg, len);
		break;
	case WT_ST_CONNECTED:
	case WT_ST_CLOSED:
		if (type == WT_HS_NEW_SESSION_TICKET) return wt_on_new_session_ticket(e, msg, len);
		if (type == WT_HS_KEY_UPDATE) return wt_on_key_update(e, msg, len);
		break;
	default:
		break;
	}
	return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "unexpected %s (type %u) in state %d",
		wt_hs_name(type), type, (int)e->state);
}
