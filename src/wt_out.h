/*
 * wt_out.h — the bottom layer of the engine, under both handshakes
 * (wt_out.c): failing with an alert, the output queue (handshake messages,
 * change_cipher_spec, alerts), the transcript hash and the event timeline.
 * It calls nothing above it. Not public.
 */
#ifndef WT_OUT_H
#define WT_OUT_H

#include "wt_engine.h"
#include "wt_bytes.h"

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
 * \brief Key log: append (label, generation, client_random, secret) and raise
 * WT_EV_KEYLOG, only when the caller enabled it (WT_FLAG_KEYLOG and a buffer).
 */
void wt_keylog(wt_engine *e, unsigned label, uint32_t gen, const uint8_t *secret, size_t len);

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
/** \brief The hash the transcript would have with `data` added, without adding it. */
void wt_th_hash_with(const wt_engine *e, const uint8_t *data, size_t len, uint8_t *out);
/** \brief Replace ClientHello1 by message_hash for a HelloRetryRequest (RFC 8446 §4.4.1). */
void wt_th_restart_for_hrr(wt_engine *e);


#endif
