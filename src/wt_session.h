/*
 * wt_session.h — a resumable session as the bytes a caller keeps between
 * connections (TLS 1.3 ticket + PSK, RFC 8446 §4.6.1; TLS 1.2 ticket +
 * master secret, RFC 5077).
 *
 * The encoding is ours and versioned ("wts" 1); it holds a secret, so the
 * caller must store it like a key. wt_session_decode() points `ticket` into
 * the input, which must outlive the decoded struct.
 */
#ifndef WT_SESSION_H
#define WT_SESSION_H

#include <stddef.h>
#include <stdint.h>

/** \brief Largest encoded session the engine produces; bigger tickets are not kept. */
#define WT_SESSION_MAX 2048

#define WT_SESSION_EMS 0x01   /* TLS 1.2: the session has an extended master secret */

typedef struct {
	uint16_t version;          /* WT_VERSION_TLS13 or WT_VERSION_TLS12 */
	uint16_t cipher;           /* suite of the connection that made it */
	int64_t received_at;       /* unix seconds, when the ticket arrived */
	uint32_t lifetime;         /* seconds the server allows it to be used */
	uint32_t age_add;          /* TLS 1.3 ticket_age_add */
	uint32_t max_early_data;   /* TLS 1.3 early_data extension, 0 if none */
	uint8_t flags;             /* WT_SESSION_* */
	uint8_t secret[48];        /* TLS 1.3: the PSK; TLS 1.2: the master secret */
	size_t secret_len;
	char server_name[256];     /* the name it was made for (NUL-terminated) */
	size_t server_name_len;
	uint8_t alpn[256];         /* the protocol negotiated, if any */
	size_t alpn_len;
	const uint8_t *ticket;     /* opaque to us; points into the encoding */
	size_t ticket_len;
} wt_session;

/**
 * \brief Encode `s` into `out`. \return the length, or 0 if it does not fit
 * in `cap` bytes (or the ticket is empty).
 */
size_t wt_session_encode(const wt_session *s, uint8_t *out, size_t cap);

/**
 * \brief Decode `len` bytes. `s->ticket` points into `in`.
 * \return 0, or -1 if malformed or of another encoding version.
 */
int wt_session_decode(wt_session *s, const uint8_t *in, size_t len);

/**
 * \brief May the session be offered to `server_name` at `now` (unix seconds)?
 * Same name (ASCII case-insensitive), not expired, not from the future
 * beyond a minute's clock skew. \return 1 or 0.
 */
int wt_session_usable(const wt_session *s, const char *server_name, size_t server_name_len, int64_t now);

#endif
