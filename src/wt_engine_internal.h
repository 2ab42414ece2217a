/*
 * wt_engine_internal.h — what wt_engine.c (records, windows, alerts) and
 * wt_handshake.c (the client handshake messages) share. Not public.
 */
#ifndef WT_ENGINE_INTERNAL_H
#define WT_ENGINE_INTERNAL_H

#include "wt_engine.h"
#include "wt_bytes.h"
#include "wt_x509.h"

/**
 * \brief Fail the engine: record `err` (first one wins), a printf-style
 * detail, send the code's alert if the protocol calls for one, close writes.
 * \return err, so handlers can `return wt_fail(...)`.
 */
int wt_fail(wt_engine *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * \brief The one list of secrets the engine holds: key schedules, key
 * shares, pre-master and master secrets, record keys (both directions), the
 * session offered and the session received (pending or not). Wiped by
 * wt_fail (after its alert is sealed) and by wt_engine_wipe.
 */
void wt_wipe_secrets(wt_engine *e);

/*
 * Bounds on peer-driven work: how many of each the peer may send in a row
 * without application data in between (the next one fails with
 * WT_ERR_TOO_MANY_MESSAGES). Orders of magnitude as in BoringSSL.
 */
#define WT_MAX_KEY_UPDATES   32   /* TLS 1.3 KeyUpdate; TLS 1.2 HelloRequest (each answered by an alert) */
#define WT_MAX_TICKETS       32   /* TLS 1.3 NewSessionTicket */
#define WT_MAX_EMPTY_RECORDS 32   /* zero-length application data records */
#define WT_MAX_WARNINGS       4   /* warning alerts (TLS 1.2 warnings, user_canceled) */

/*
 * Highest sequence number a record is sealed or opened with: the 64-bit
 * counter never wraps (RFC 8446 §5.3, RFC 5246 §6.1). UINT64_MAX itself is
 * never used.
 */
#define WT_SEQ_LAST (UINT64_MAX - 1)

/** \brief Record an event for the caller's timeline. */
void wt_event_push(wt_engine *e, int dir, int kind, unsigned type, size_t len);

/**
 * \brief Send one handshake message (header added here), adding it to the
 * transcript; protected with the current write keys if any.
 * `body` may point into the output area returned by wt_out_scratch().
 * \return 0 or the error (engine failed).
 */
int wt_send_handshake(wt_engine *e, unsigned type, const uint8_t *body, size_t len);

/** \brief Send a (plaintext) change_cipher_spec record. */
int wt_send_ccs(wt_engine *e);

/** \brief Queue an alert (protected when write keys are set). \return 0 or the error. */
int wt_send_alert(wt_engine *e, unsigned level, unsigned desc);

/** \brief Free bytes at the end of the output queue (sent bytes are compacted away first). */
size_t wt_out_room(wt_engine *e);

/**
 * \brief A scratch area of at least 2048 bytes that does not overlap the
 * output queue, for building a handshake body before wt_send_handshake().
 */
uint8_t *wt_out_scratch(wt_engine *e, size_t *cap);

/** \brief Transcript: add bytes / read the hash for the negotiated suite. */
void wt_th_update(wt_engine *e, const uint8_t *data, size_t len);
void wt_th_hash(const wt_engine *e, uint8_t *out);
/** \brief Replace ClientHello1 by message_hash for a HelloRetryRequest (RFC 8446 §4.4.1). */
void wt_th_restart_for_hrr(wt_engine *e);


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

/** \brief Room a KeyUpdate record takes (header, message, content type, tag), rounded up. */
#define WT_KEY_UPDATE_RECORD 32

/**
 * \brief TLS 1.3: send KeyUpdate(request_update = `request_peer`) and switch
 * to the next write keys. \return 0 or the error.
 */
int wt_hs_send_key_update(wt_engine *e, int request_peer);

/** \brief Handshake layer entry points, called by the record layer. */
int wt_hs_build_client_hello(wt_engine *e);
int wt_hs_handle(wt_engine *e, unsigned type, const uint8_t *msg, size_t len);

/* ---- shared by the TLS 1.3 (wt_handshake.c) and 1.2 (wt_handshake12.c) handshakes */

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

/** \brief Check a server's ALPN extension body against the offer and record the choice. */
int wt_hs_accept_alpn(wt_engine *e, wt_reader *body);

/* ---- TLS 1.2 (wt_handshake12.c) */

/**
 * \brief Continue with TLS 1.2 after a ServerHello that selected it (no
 * supported_versions). The fields are the parsed ServerHello.
 */
int wt_hs12_on_server_hello(wt_engine *e, const uint8_t *random, wt_reader sid,
	uint16_t suite, uint32_t compression, wt_reader exts, const uint8_t *msg, size_t len);
/** \brief One TLS 1.2 handshake message in a WT_ST_TLS12_* or connected state. */
int wt_hs12_handle(wt_engine *e, unsigned type, const uint8_t *msg, size_t len);
/** \brief The server's ChangeCipherSpec: install its write keys. */
int wt_hs12_on_change_cipher_spec(wt_engine *e);

#endif
