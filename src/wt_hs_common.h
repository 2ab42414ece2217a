/*
 * wt_hs_common.h — what the TLS 1.3 (wt_hs13.c) and TLS 1.2 (wt_hs12.c)
 * handshakes share (wt_hs_common.c): the ClientHello offering both versions,
 * the ServerHello version decision, chain acceptance, ALPN and
 * record_size_limit checks, the client certificate scheme, sessions.
 * Above wt_out.h, below the handshakes. Not public.
 */
#ifndef WT_HS_COMMON_H
#define WT_HS_COMMON_H

#include "wt_out.h"
#include "wt_x509.h"

/* Extension types (RFC 8446 §4.2 and the RFCs named). */
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


/** \brief Is the session's ALPN protocol (if any) among those offered? */
int wt_hs_session_alpn_offered(const wt_engine *e);
/** \brief 0-RTT in the first ClientHello: data to send, a TLS 1.3 session that allows it. */
int wt_hs_early_possible(const wt_engine *e);
/** \brief Do we offer TLS 1.3 / TLS 1.2; resume a TLS 1.3 / 1.2 session? */
int wt_hs_offers13(const wt_engine *e);
/* X25519MLKEM768 first share: an x25519 share (the same X25519 key) is sent too */
int wt_hs_sends_x25519_too(const wt_engine *e);
/* a key share for this group was in the last ClientHello */
int wt_hs_sent_share(const wt_engine *e, uint16_t group);
int wt_hs_offers12(const wt_engine *e);
int wt_hs_resumes13(const wt_engine *e);
int wt_hs_resumes12(const wt_engine *e);
/** \brief Build and queue the ClientHello (the first, or the second after a HelloRetryRequest). */
int wt_hs_send_client_hello(wt_engine *e);

/** \brief A parsed ServerHello (pointers into the message). */
typedef struct {
	uint32_t legacy_version;
	const uint8_t *random;
	wt_reader sid;
	uint16_t suite;
	uint32_t compression;
	wt_reader exts;
} wt_server_hello;

/**
 * \brief Parse a ServerHello and decide the version (RFC 8446 §4.1.3, §4.2.1):
 * \return WT_VERSION_TLS13 or WT_VERSION_TLS12 for the handshake that
 * continues, or 0 when the engine failed (version not offered, downgrade).
 */
int wt_hs_server_hello_version(wt_engine *e, const uint8_t *msg, size_t len, wt_server_hello *sh);

/** \brief Is an extension of this type in the list? (a copy of the reader is walked) */
int wt_hs_has_extension(wt_reader r, uint32_t type);

/** \brief The peer's record_size_limit extension: cap what we send. \return 0 or the error. */
int wt_hs_accept_record_limit(wt_engine *e, wt_reader *body, int tls13);

/**
 * \brief Store a session from a NewSessionTicket (either version): `s` has the
 * version, suite, secret and lifetime; the server name, ALPN and `ticket` are
 * added, the encoding kept for wt_engine_session and WT_EV_SESSION raised.
 * Wipes s->secret.
 */
void wt_hs_keep_session(wt_engine *e, wt_session *s, wt_reader ticket);
/**
 * \brief TLS 1.2: as wt_hs_keep_session, but the session stays pending (not
 * visible, no event) until wt_hs_raise_session() after the server's Finished
 * verified; a failure before that wipes it.
 */
void wt_hs_keep_session_pending(wt_engine *e, wt_session *s, wt_reader ticket);
/** \brief Make the pending session visible and raise WT_EV_SESSION. */
void wt_hs_raise_session(wt_engine *e);

/* ---- shared by the TLS 1.3 (wt_hs13.c) and 1.2 (wt_hs12.c) handshakes */

/** \brief Name of a handshake message type, for error details. */
const char *wt_hs_name(unsigned type);
/** \brief Is `v` in the list? */
int wt_hs_in_list(const uint16_t *list, size_t n, uint32_t v);
/** \brief The signature schemes offered in signature_algorithms. */
extern const uint16_t wt_hs_sig_schemes[];
extern const size_t wt_hs_num_sig_schemes;

/**
 * \brief Store and verify the server's chain (leaf first) as configured
 * (anchors, name, time; or insecure mode), leaving the leaf key in
 * e->peer_key. `ocsp` is the stapled OCSPResponse for the leaf, or NULL.
 * `chain` may point into e->chain_buf at the offsets it is stored at.
 * \return 0 or the error (engine failed).
 */
int wt_hs_accept_chain(wt_engine *e, const wt_span *chain, size_t n, const uint8_t *ocsp, size_t ocsp_len);

/**
 * \brief Choose the scheme for our CertificateVerify from the server's
 * signature_algorithms list (a u16 list body), or 0 when we have no
 * certificate or no usable scheme. `tls13` selects the version's rules.
 */
uint16_t wt_hs_client_scheme(const wt_engine *e, wt_reader list, int tls13);

/**
 * \brief The public key of the certificate `der` as the path search reads the
 * leaf's (wt_cert_parse, wt_cert_pkey), pointing into `der`. \return 1, or 0
 * if it cannot be read.
 */
int wt_hs_leaf_pkey(const uint8_t *der, size_t len, br_x509_pkey *pk);

/**
 * \brief Prefetch (wt_engine.c wt_hs_sig_prefetch): `msg` (complete, at the
 * start of e->hs) waits for its verdicts and `next` follows it; if `next` is
 * the TLS 1.3 CertificateVerify after the Certificate `msg` (TLS 1.2: the
 * ServerKeyExchange after the Certificate or CertificateStatus `msg`), put
 * its signature request into the current batch (wt_sig_prefetch), built on a
 * copy of the state as the handler will build it. Changes no engine state.
 */
void wt_hs13_sig_prefetch(wt_engine *e, const uint8_t *msg, size_t len, const uint8_t *next, size_t next_len);
void wt_hs12_sig_prefetch(wt_engine *e, const uint8_t *msg, size_t len, const uint8_t *next, size_t next_len);

/** \brief Check a server's ALPN extension body against the offer and record the choice. */
int wt_hs_accept_alpn(wt_engine *e, wt_reader *body);

#endif
