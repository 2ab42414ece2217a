/*
 * wt_handshake.c — the ClientHello (offering TLS 1.3 and/or 1.2), the
 * ServerHello version decision, and the TLS 1.3 client handshake (RFC 8446
 * §4), one handler per server message, dispatched by state (RFC 8446 §A.1).
 * A ServerHello that selects TLS 1.2 continues in wt_handshake12.c.
 *
 *
 *   START --ClientHello--> WAIT_SH --HRR--> (ClientHello 2) WAIT_SH2
 *   WAIT_SH(2) --ServerHello--> WAIT_EE --EncryptedExtensions--> WAIT_CERT_CR
 *   WAIT_CERT_CR --CertificateRequest--> WAIT_CERT --Certificate--> WAIT_CV
 *   WAIT_CV --CertificateVerify--> WAIT_FINISHED --Finished--> CONNECTED
 *   CONNECTED: NewSessionTicket, KeyUpdate
 */
#include "wt_engine_internal.h"
#include "wt_x509.h"

/* ------------------------------------------------------------ constants */

#define EXT_SERVER_NAME          0
#define EXT_MAX_FRAGMENT_LENGTH  1
#define EXT_SUPPORTED_GROUPS    10
#define EXT_EC_POINT_FORMATS    11
#define EXT_EXTENDED_MASTER_SECRET 23
#define EXT_RENEGOTIATION_INFO  0xff01
#define EXT_SIGNATURE_ALGS      13
#define EXT_ALPN                16
#define EXT_PRE_SHARED_KEY      41
#define EXT_EARLY_DATA          42
#define EXT_SUPPORTED_VERSIONS  43
#define EXT_COOKIE              44
#define EXT_PSK_KEY_EXCHANGE_MODES 45
#define EXT_SESSION_TICKET      35   /* RFC 5077, TLS 1.2 */
#define EXT_RECORD_SIZE_LIMIT   28   /* RFC 8449 */
#define EXT_KEY_SHARE           51
#define EXT_STATUS_REQUEST       5   /* OCSP stapling (RFC 6066 §8, RFC 8446 §4.4.2.1) */

/* SHA-256("HelloRetryRequest"), the ServerHello.random of an HRR (§4.1.3). */
static const uint8_t wt_hrr_random[32] = {
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C
};

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
#define wt_in_list wt_hs_in_list

/* The RFC 8446 §4.1.3 downgrade sentinel a TLS 1.3 server puts at the end of
 * ServerHello.random when it negotiates TLS 1.2: "DOWNGRD" 01. */
static const uint8_t wt_downgrade_tls12[8] = { 0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01 };

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

/* ---------------------------------------------------------- ClientHello */

static int wt_offers13(const wt_engine *e) { return e->max_version >= WT_VERSION_TLS13; }
static int wt_offers12(const wt_engine *e) { return e->min_version <= WT_VERSION_TLS12; }
static int wt_resumes13(const wt_engine *e) { return e->resume_offered && e->resume.version == WT_VERSION_TLS13; }
static int wt_resumes12(const wt_engine *e) { return e->resume_offered && e->resume.version == WT_VERSION_TLS12; }

/* Is the session's ALPN protocol (if any) among those we offer? Early data must use it (§4.2.10). */
static int
wt_session_alpn_offered(const wt_engine *e)
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
static int
wt_early_possible(const wt_engine *e)
{
	return wt_resumes13(e) && !e->hrr_seen && e->early_data_len && e->resume.max_early_data &&
		wt_session_alpn_offered(e);
}

/*
 * Right after the first ClientHello: the middlebox-compatibility CCS, then the
 * early data under client_early_traffic_secret (§2.3, §7.1, Appendix D.4).
 */
static int
wt_send_early_data(wt_engine *e)
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
	wt_ks_wipe(&ks);
	int err = wt_send_ccs(e);
	if (err) { wt_wipe(secret, sizeof secret); return err; }
	wt_record_dir_set(&e->wr, hash, wt_suite_aead(e->resume.cipher), secret);
	wt_wipe(secret, sizeof secret);
	wt_event_push(e, WT_EV_OUT, WT_EV_KEYS, 1, 0);

	size_t room = wt_out_room(e);
	size_t n = e->early_data_len;
	if (n > e->resume.max_early_data) n = e->resume.max_early_data;
	if (n > WT_MAX_PLAINTEXT) n = WT_MAX_PLAINTEXT;
	if (room < WT_RECORD_OVERHEAD + 1) n = 0;
	else if (n > room - WT_RECORD_OVERHEAD) n = room - WT_RECORD_OVERHEAD;
	if (n) {
		uint8_t *rec = e->out + e->out_len;
		memcpy(rec + 5, e->early_data, n);
		e->out_len += wt_record_seal(&e->wr, rec, WT_CT_APPLICATION_DATA, n);
	}
	e->early_sent = n;
	e->early_status = WT_EARLY_PENDING;
	wt_event_push(e, WT_EV_OUT, WT_EV_EARLY, WT_EARLY_PENDING, n);
	return 0;
}

/* The server ignored our early data (no PSK, HelloRetryRequest, or no early_data in EE). */
static void
wt_early_rejected(wt_engine *e)
{
	if (e->early_status != WT_EARLY_PENDING) return;
	e->early_status = WT_EARLY_REJECTED;
	wt_event_push(e, WT_EV_IN, WT_EV_EARLY, WT_EARLY_REJECTED, e->early_sent);
}

static void
wt_put_client_hello(wt_engine *e, wt_writer *w)
{
	wt_w_u16(w, 0x0303);
	wt_w_bytes(w, e->client_random, 32);
	if (wt_offers13(e) || wt_resumes12(e)) {
		/* middlebox compatibility mode (1.3); with a 1.2 ticket, the id the server echoes to resume */
		wt_w_u8(w, 32);
		wt_w_bytes(w, e->session_id, 32);
	} else {
		wt_w_u8(w, 0);                      /* TLS 1.2 only, nothing to resume */
	}

	size_t v = wt_w_open(w, 2);
	/* the suite table, in its order: TLS 1.3 rows, then TLS 1.2 rows */
	for (size_t i = 0; i < wt_num_suites; i++)
		if (wt_suites[i].version == WT_VERSION_TLS13 ? wt_offers13(e) : wt_offers12(e))
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

	if (wt_offers13(e)) {
		int both = wt_offers12(e);
		wt_w_u16(w, EXT_SUPPORTED_VERSIONS);
		wt_w_u16(w, both ? 5 : 3);
		wt_w_u8(w, both ? 4 : 2);
		wt_w_u16(w, WT_VERSION_TLS13);
		if (both) wt_w_u16(w, WT_VERSION_TLS12);
	}
	if (wt_offers12(e)) {
		wt_w_u16(w, EXT_EXTENDED_MASTER_SECRET);   /* RFC 7627 */
		wt_w_u16(w, 0);
		wt_w_u16(w, EXT_RENEGOTIATION_INFO);       /* RFC 5746: initial handshake */
		wt_w_u16(w, 1);
		wt_w_u8(w, 0);
		wt_w_u16(w, EXT_SESSION_TICKET);           /* RFC 5077: our ticket, or empty to ask for one */
		if (wt_resumes12(e)) {
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
	for (size_t i = 0; i < wt_num_groups; i++) wt_w_u16(w, wt_groups[i].id);
	wt_w_close(w, gl, 2);
	wt_w_close(w, g, 2);

	wt_w_u16(w, EXT_SIGNATURE_ALGS);
	size_t s = wt_w_open(w, 2);
	size_t sl = wt_w_open(w, 2);
	for (size_t i = 0; i < wt_hs_num_sig_schemes; i++) wt_w_u16(w, wt_sig_schemes[i]);
	wt_w_close(w, sl, 2);
	wt_w_close(w, s, 2);

	if (wt_offers13(e)) {
		wt_w_u16(w, EXT_KEY_SHARE);
		size_t k = wt_w_open(w, 2);
		size_t kl = wt_w_open(w, 2);
		wt_w_u16(w, e->kex.group);
		wt_w_u16(w, (uint32_t)e->kex.pub_len);
		wt_w_bytes(w, e->kex.pub, e->kex.pub_len);
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
	wt_w_u16(w, wt_offers13(e) ? WT_MAX_PLAINTEXT + 1 : WT_MAX_PLAINTEXT);

	/* status_request: ocsp, no responder ids, no request extensions */
	wt_w_u16(w, EXT_STATUS_REQUEST);
	wt_w_u16(w, 5);
	wt_w_u8(w, 1);
	wt_w_u16(w, 0);
	wt_w_u16(w, 0);

	if (e->cookie_len) {
		wt_w_u16(w, EXT_COOKIE);
		wt_w_u16(w, (uint32_t)(e->cookie_len + 2));
		wt_w_u16(w, (uint32_t)e->cookie_len);
		wt_w_bytes(w, e->cookie, e->cookie_len);
	}

	if (wt_early_possible(e)) {
		wt_w_u16(w, EXT_EARLY_DATA);   /* 0-RTT data follows the ClientHello (§4.2.10) */
		wt_w_u16(w, 0);
	}

	if (wt_resumes13(e)) {
		/* resumption with (EC)DHE only (psk_dhe_ke): forward secrecy is kept */
		wt_w_u16(w, EXT_PSK_KEY_EXCHANGE_MODES);
		wt_w_u16(w, 2);
		wt_w_u8(w, 1);
		wt_w_u8(w, 1);
		/* pre_shared_key comes last (§4.2.11); its binder is filled in by wt_send_client_hello */
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

static int
wt_send_client_hello(wt_engine *e)
{
	size_t cap;
	uint8_t *body = wt_out_scratch(e, &cap);
	wt_writer w = wt_writer_of(body, cap);
	wt_put_client_hello(e, &w);
	if (w.bad) return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "ClientHello does not fit");
	if (wt_resumes13(e)) wt_put_psk_binder(e, body, w.len);
	return wt_send_handshake(e, WT_HS_CLIENT_HELLO, body, w.len);
}

int
wt_hs_build_client_hello(wt_engine *e)
{
	if (e->rng(e->rng_ctx, e->client_random, 32) || e->rng(e->rng_ctx, e->session_id, 32))
		return wt_fail(e, WT_ERR_RNG_FAILURE, "the random source failed");
	int err = 0;
	if (wt_offers13(e)) {
		err = wt_kex_generate(&e->kex, e->first_group, e->rng, e->rng_ctx);
		if (err) return wt_fail(e, err, "key share generation failed");
	}
	err = wt_send_client_hello(e);
	if (!err && wt_early_possible(e)) err = wt_send_early_data(e);
	if (err) return err;
	e->state = WT_ST_WAIT_SH;
	return 0;
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

/* Is an extension of this type in the list? (a copy of the reader is walked) */
static int
wt_has_extension(wt_reader r, uint32_t type)
{
	while (r.n && !r.bad) {
		uint32_t t = wt_r_u16(&r);
		wt_r_vec(&r, 2);
		if (!r.bad && t == type) return 1;
	}
	return 0;
}

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
			if (hrr || !wt_resumes13(e)) goto unsupported;
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
	if (e->hrr_seen)
		return wt_fail(e, WT_ERR_UNEXPECTED_MESSAGE, "a second HelloRetryRequest");
	if (!x->has_key_share && !x->cookie)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "HelloRetryRequest that would not change the ClientHello");
	if (x->has_key_share) {
		if (!wt_group_find(x->ks_group) || x->ks_group == e->kex.group)
			return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
				"HelloRetryRequest asks for group 0x%04x, which is not offered or already sent", x->ks_group);
	}
	if (x->cookie_len > sizeof e->cookie)
		return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "HelloRetryRequest cookie of %zu bytes is too long", x->cookie_len);

	e->hrr_seen = 1;
	e->hrr_cipher = suite;
	e->cipher = suite;
	/* a PSK is only offered again if its hash is the chosen suite's (§4.1.4) */
	if (wt_resumes13(e) && wt_suite_hash(e->resume.cipher) != wt_suite_hash(suite)) {
		e->resume_offered = 0;
		wt_wipe(&e->resume, sizeof e->resume);
	}
	wt_event_push(e, WT_EV_IN, WT_EV_HRR, x->has_key_share ? x->ks_group : 0, len);

	/* transcript: message_hash(ClientHello1) || HelloRetryRequest || ClientHello2 ... */
	wt_th_restart_for_hrr(e);
	wt_th_update(e, msg, len);

	if (x->cookie_len) {
		memcpy(e->cookie, x->cookie, x->cookie_len);
		e->cookie_len = x->cookie_len;
	}
	if (x->has_key_share) {
		wt_kex_wipe(&e->kex);
		int err = wt_kex_generate(&e->kex, x->ks_group, e->rng, e->rng_ctx);
		if (err) return wt_fail(e, err, "key share generation failed");
	}
	/* early data is not carried over a HelloRetryRequest: CH2 goes in the clear again */
	if (e->early_status == WT_EARLY_PENDING) {
		wt_record_dir_wipe(&e->wr);
		wt_early_rejected(e);
	}
	int err = e->ccs_sent ? 0 : wt_send_ccs(e);
	if (!err) err = wt_send_client_hello(e);
	if (err) return err;
	e->state = WT_ST_WAIT_SH2;
	e->hs_boundary = 1;
	return 0;
}

static int
wt_on_server_hello(wt_engine *e, const uint8_t *msg, size_t len)
{
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	uint32_t legacy_version = wt_r_u16(&r);
	const uint8_t *random = wt_r_bytes(&r, 32);
	wt_reader sid = wt_r_vec(&r, 1);
	uint16_t suite = (uint16_t)wt_r_u16(&r);
	uint32_t compression = wt_r_u8(&r);
	wt_reader exts = { NULL, 0, 0 };
	if (r.n) exts = wt_r_vec(&r, 2);
	if (!wt_r_done(&r)) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed ServerHello");

	/* version negotiation first: a TLS 1.2 (or older) server sends no
	 * supported_versions; its legacy_version is the version it chose */
	if (!wt_has_extension(exts, EXT_SUPPORTED_VERSIONS) || !wt_offers13(e)) {
		if (legacy_version == WT_VERSION_TLS12 && wt_offers12(e)) {
			if (e->hrr_seen)
				return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
					"the server selected TLS 1.2 after a TLS 1.3 HelloRetryRequest");
			if (wt_offers13(e) && memcmp(random + 24, wt_downgrade_tls12, 8) == 0)
				return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
					"downgrade detected: the server supports TLS 1.3 but its ServerHello selected "
					"TLS 1.2 (RFC 8446 §4.1.3 sentinel); something on the path altered the handshake");
			return wt_hs12_on_server_hello(e, random, sid, suite, compression, exts, msg, len);
		}
		return wt_fail(e, WT_ERR_PROTOCOL_VERSION,
			"the server chose %s; this client offered %s",
			legacy_version == WT_VERSION_TLS12 ? "TLS 1.2" : legacy_version == 0x0302 ? "TLS 1.1" :
			legacy_version == 0x0301 ? "TLS 1.0" : legacy_version == 0x0300 ? "SSL 3.0" :
			"an unknown protocol version",
			wt_offers12(e) && wt_offers13(e) ? "TLS 1.3 and TLS 1.2" :
			wt_offers13(e) ? "only TLS 1.3" : "only TLS 1.2");
	}
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

	if (e->hrr_seen && suite != e->hrr_cipher)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER, "ServerHello suite differs from HelloRetryRequest's");
	if (!x.has_key_share)
		return wt_fail(e, WT_ERR_MISSING_EXTENSION, "ServerHello without key_share (PSK-only is not offered)");
	if (x.ks_group != e->kex.group)
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
	err = wt_kex_derive(&e->kex, x.ks_key, x.ks_key_len, shared, &shared_len);
	wt_kex_wipe(&e->kex);
	if (err) {
		wt_wipe(shared, sizeof shared);
		return wt_fail(e, err, "the server's key share is invalid for %s", wt_group_name(x.ks_group));
	}
	uint8_t th[WT_MAX_HASH_LEN];
	const br_hash_class *hash = wt_suite_hash(suite);
	wt_th_hash(e, th);
	if (e->resumed) {
		wt_ks_init_psk(&e->ks, hash, e->resume.secret, e->resume.secret_len);
		wt_event_push(e, WT_EV_IN, WT_EV_RESUMED, 0, 0);
	} else {
		wt_ks_init(&e->ks, hash);
	}
	wt_wipe(e->resume.secret, sizeof e->resume.secret);   /* used once */
	wt_ks_handshake(&e->ks, shared, shared_len, th);
	wt_wipe(shared, sizeof shared);
	wt_record_dir_set(&e->rd, hash, wt_suite_aead(suite), e->ks.s_hs);
	/* with early data out, our early keys stay on until EncryptedExtensions says whether it was taken */
	if (e->early_status == WT_EARLY_PENDING && !e->resumed) wt_early_rejected(e);
	if (e->early_status != WT_EARLY_PENDING)
		wt_record_dir_set(&e->wr, hash, wt_suite_aead(suite), e->ks.c_hs);
	wt_event_push(e, WT_EV_IN, WT_EV_KEYS, 2, 0);
	e->state = WT_ST_WAIT_EE;
	e->hs_boundary = 1;
	return 0;
}

/* ------------------------------------------------- EncryptedExtensions */

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
			if (e->early_status != WT_EARLY_PENDING || !e->resumed) goto unsupported;
			if (body.n) body.bad = 1;
			e->early_status = WT_EARLY_ACCEPTED;
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
	if (e->early_status == WT_EARLY_ACCEPTED) {
		/* the early data was protected with the session's suite: the server must have kept it (§4.2.10) */
		if (e->cipher != e->resume.cipher)
			return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
				"the server accepted early data sent with %s but selected %s",
				wt_cipher_name(e->resume.cipher), wt_cipher_name(e->cipher));
		/* the early data spoke the session's protocol: the server must not pick another (§4.2.10) */
		if (e->alpn_sel_len != e->resume.alpn_len || memcmp(e->alpn_sel, e->resume.alpn, e->alpn_sel_len) != 0)
			return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
				"the server accepted early data but chose another ALPN protocol than the session's");
		wt_event_push(e, WT_EV_IN, WT_EV_EARLY, WT_EARLY_ACCEPTED, e->early_sent);
	} else if (e->early_status == WT_EARLY_PENDING) {
		wt_early_rejected(e);
		wt_record_dir_set(&e->wr, e->ks.hash, wt_suite_aead(e->cipher), e->ks.c_hs);
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
	memcpy(e->cr_context, ctx.p, ctx.n);
	e->cr_context_len = ctx.n;
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
		char detail[sizeof e->detail];
		detail[0] = 0;
		err = wt_chain_verify_ex(&vp, chain, n, &e->peer_key, &vr, detail, sizeof detail);
		if (err) return wt_fail(e, err, "%s", detail[0] ? detail : wt_err_text(err));
		for (size_t i = 0; i < vr.path_len; i++) e->vpath[i] = (int16_t)vr.path[i];
		e->vpath_len = vr.path_len;
		wt_event_push(e, WT_EV_IN, WT_EV_VERIFIED, 0, n);
	}
	if (e->num_pins > 0) {
		/* pins name keys on the verified path only (never an extra certificate sent) */
		size_t matched = 0;
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
		}
		if (!matched) {
			e->vpath_len = 0;
			return wt_fail(e, WT_ERR_PIN_MISMATCH, (e->flags & WT_FLAG_INSECURE_SKIP_VERIFY)
				? "none of the %zu pins matches the server certificate's key (without verification only the leaf's key counts)"
				: "none of the %zu pins matches a key on the verified path (leaf, intermediates, trust anchor; extra certificates the server sent do not count)",
				e->num_pins);
		}
	}
	return 0;
}

/* ---------------------------------------------------- CertificateVerify */

static int
wt_on_certificate_verify(wt_engine *e, const uint8_t *msg, size_t len)
{
	static const char label[] = "TLS 1.3, server CertificateVerify";
	wt_reader r = wt_reader_of(msg + 4, len - 4);
	uint16_t scheme = (uint16_t)wt_r_u16(&r);
	wt_reader sig = wt_r_vec(&r, 2);
	if (!wt_r_done(&r)) return wt_fail(e, WT_ERR_DECODE_ERROR, "malformed CertificateVerify");
	if (!wt_in_list(wt_sig_schemes, wt_hs_num_sig_schemes, scheme) ||
	    scheme == WT_SIG_RSA_PKCS1_SHA256 || scheme == WT_SIG_RSA_PKCS1_SHA384 ||
	    scheme == WT_SIG_RSA_PKCS1_SHA512)
		return wt_fail(e, WT_ERR_ILLEGAL_PARAMETER,
			"CertificateVerify uses signature scheme 0x%04x, which is not allowed", scheme);

	/* 64 spaces || context string || 0 || Transcript-Hash(ClientHello..Certificate) */
	uint8_t content[64 + sizeof label + WT_MAX_HASH_LEN];
	memset(content, 0x20, 64);
	memcpy(content + 64, label, sizeof label);     /* includes the 0 separator */
	wt_th_hash(e, content + 64 + sizeof label);
	int err = wt_sig_verify(scheme, &e->peer_key.key, content, 64 + sizeof label + e->ks.hlen, sig.p, sig.n);
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

/* Certificate (ours, or empty when we have none to offer: §4.4.2.4) and CertificateVerify. */
static int
wt_send_client_certificate13(wt_engine *e)
{
	size_t cap;
	uint8_t *body = wt_out_scratch(e, &cap);
	wt_writer w = wt_writer_of(body, cap);
	wt_w_u8(&w, (uint32_t)e->cr_context_len);
	wt_w_bytes(&w, e->cr_context, e->cr_context_len);
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
	size_t n = wt_privkey_sign(e->client_key, e->client_scheme, content, 64 + sizeof label + e->ks.hlen,
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
	if (!err && e->early_status == WT_EARLY_ACCEPTED) {
		/* EndOfEarlyData, under the early keys; then the handshake keys (§4.5) */
		static const uint8_t none[1] = { 0 };
		err = wt_send_handshake(e, WT_HS_END_OF_EARLY_DATA, none, 0);
		if (!err) wt_record_dir_set(&e->wr, e->ks.hash, wt_suite_aead(e->cipher), e->ks.c_hs);
	}
	if (!err && e->cert_requested) err = wt_send_client_certificate13(e);
	if (err) return err;
	wt_th_hash(e, th);
	wt_ks_finished(&e->ks, e->ks.c_hs, th, fin);
	err = wt_send_handshake(e, WT_HS_FINISHED, fin, e->ks.hlen);
	wt_wipe(fin, sizeof fin);
	return err;
}

static int
wt_on_finished(wt_engine *e, const uint8_t *msg, size_t len)
{
	uint8_t th[WT_MAX_HASH_LEN], expect[WT_MAX_HASH_LEN];
	if (len - 4 != e->ks.hlen) return wt_fail(e, WT_ERR_DECODE_ERROR, "Finished of the wrong length");
	wt_th_hash(e, th);
	wt_ks_finished(&e->ks, e->ks.s_hs, th, expect);
	int ok = wt_ct_equal(expect, msg + 4, e->ks.hlen);
	wt_wipe(expect, sizeof expect);
	if (!ok) return wt_fail(e, WT_ERR_BAD_FINISHED, "the server's Finished does not match the handshake");
	wt_event_push(e, WT_EV_IN, WT_EV_HANDSHAKE, WT_HS_FINISHED, len);
	wt_th_update(e, msg, len);

	/* application secrets cover ClientHello..server Finished */
	wt_th_hash(e, th);
	wt_ks_application(&e->ks, th);

	int err = wt_send_client_flight(e);
	if (err) return err;
	/* resumption_master_secret covers the handshake through our Finished */
	wt_th_hash(e, th);
	wt_ks_resumption(&e->ks, th, e->res_master);
	wt_wipe(e->ks.secret, sizeof e->ks.secret);   /* the master secret: nothing else derives from it */
	const br_hash_class *hash = e->ks.hash;
	wt_aead_alg alg = wt_suite_aead(e->cipher);
	wt_record_dir_set(&e->rd, hash, alg, e->ks.s_ap);
	wt_record_dir_set(&e->wr, hash, alg, e->ks.c_ap);
	wt_wipe(e->ks.c_hs, sizeof e->ks.c_hs);
	wt_wipe(e->ks.s_hs, sizeof e->ks.s_hs);
	wt_event_push(e, WT_EV_OUT, WT_EV_KEYS, 3, 0);
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
	if (lifetime == 0 || e->ks.hash == NULL) return 0;   /* not to be used */

	/* the session for next time: PSK = HKDF-Expand-Label(res_master, "resumption", nonce) */
	wt_session s;
	memset(&s, 0, sizeof s);
	s.version = WT_VERSION_TLS13;
	s.cipher = e->cipher;
	s.received_at = e->now;
	s.lifetime = lifetime;
	s.age_add = age_add;
	s.max_early_data = max_early_data;
	s.secret_len = e->ks.hlen;
	wt_ks_ticket_psk(&e->ks, e->res_master, nonce.p, nonce.n, s.secret);
	wt_hs_keep_session(e, &s, ticket);
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
	e->pending_session_len = wt_hs_encode_session(e, s, ticket);
}

void
wt_hs_raise_session(wt_engine *e)
{
	if (!e->pending_session_len) return;
	e->new_session_len = e->pending_session_len;
	e->pending_session_len = 0;
	wt_event_push(e, WT_EV_IN, WT_EV_SESSION, e->version, e->new_session_len);
}

int
wt_hs_send_key_update(wt_engine *e, int request_peer)
{
	uint8_t body[1] = { request_peer ? 1 : 0 };
	int err = wt_send_handshake(e, WT_HS_KEY_UPDATE, body, 1);
	if (err) return err;
	wt_ks_update(&e->ks, e->ks.c_ap);
	wt_record_dir_set(&e->wr, e->ks.hash, wt_suite_aead(e->cipher), e->ks.c_ap);
	e->written_since_update = 0;
	wt_event_push(e, WT_EV_OUT, WT_EV_KEYS, 4, 0);
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
	wt_ks_update(&e->ks, e->ks.s_ap);
	wt_record_dir_set(&e->rd, e->ks.hash, alg, e->ks.s_ap);
	e->hs_boundary = 1;
	if (request == 1 && !e->write_closed) {
		int err = wt_hs_send_key_update(e, 0);
		if (err) return err;
	}
	wt_event_push(e, WT_EV_IN, WT_EV_KEYS, 4, 0);
	return 0;
}

/* ------------------------------------------------------------- dispatch */

int
wt_hs_handle(wt_engine *e, unsigned type, const uint8_t *msg, size_t len)
{
	if (e->version == WT_VERSION_TLS12) return wt_hs12_handle(e, type, msg, len);
	switch (e->state) {
	case WT_ST_WAIT_SH:
	case WT_ST_WAIT_SH2:
		if (type == WT_HS_SERVER_HELLO) return wt_on_server_hello(e, msg, len);
		break;
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
