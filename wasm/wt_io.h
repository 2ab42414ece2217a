/*
 * wt_io.h — what a connection can do next, in one word, and where its
 * windows are, in one struct (BearSSL's br_ssl_engine_current_state plus its
 * four windows; rustls's IoState).
 *
 * Every wt_conn_* call that moves bytes returns the status word and leaves
 * the windows, the engine state and the errors in the connection's wt_io
 * (wt_conn_io), which JS reads in one pass through a DataView: thirteen
 * little-endian u32 fields, in the order below. Pointers are offsets into
 * wasm memory, valid until the next call on the same connection.
 */
#ifndef WT_IO_H
#define WT_IO_H

#include <stdint.h>
#include "wt_engine.h"

/* Status bits. */
#define WT_IO_SEND        0x0001u  /* records to send: the send window holds bytes */
#define WT_IO_RECV        0x0002u  /* room to receive records: the recv window is open */
#define WT_IO_WRITE       0x0004u  /* room for app data: the write window is open */
#define WT_IO_READ        0x0008u  /* app data to read: the read window holds bytes */
#define WT_IO_EVENTS      0x0010u  /* events wait in the events window */
#define WT_IO_CONNECTED   0x0020u  /* the handshake is done and the peer has not closed */
#define WT_IO_PEER_CLOSED 0x0040u  /* the peer's close_notify was received */
#define WT_IO_CLOSED      0x0080u  /* our side is closed: close_notify queued, or the transport ended */
#define WT_IO_FAILED      0x0100u  /* a fatal error (io.error); a fatal alert may still wait in send */
#define WT_IO_SESSION     0x0200u  /* a resumable session is available (wt_conn_session_*) */
#define WT_IO_WANT_WRITE  0x0400u  /* app data may be written once the app asks (wt_conn_want_write) */
#define WT_IO_VERIFY      0x0800u  /* signature requests wait for verdicts (wt_conn_sig_batch; input stops) */

/** \brief The connection's current windows; every field a u32 (ABI-stable, 52 bytes). */
typedef struct {
	uint32_t status;      /* WT_IO_* bits */
	uint32_t state;       /* wt_state */
	uint32_t error;       /* the sticky wt_err, 0 if none */
	uint32_t result;      /* what the last call returned (0 or a wt_err; not sticky, e.g. BAD_ARGUMENT) */
	uint32_t send_ptr, send_len;
	uint32_t recv_ptr, recv_len;
	uint32_t write_ptr, write_len;
	uint32_t read_ptr, read_len;
	uint32_t events_ptr;  /* wt_event[events_len], 8 bytes each */
	uint32_t events_len;
} wt_io;

/* Fields of wt_io, as u32 indexes (the JS side reads them by these). */
#define WT_IO_FIELDS 14

/**
 * \brief Recompute `io` from the engine's public API. `offer_write`: the
 * write window may be offered (the output area is large enough for a
 * full record); `closed`: our side was closed. `result` is stored as the
 * last call's outcome. \return the status word.
 */
uint32_t wt_io_update(wt_io *io, wt_engine *e, int offer_write, int closed, int result);

#endif
