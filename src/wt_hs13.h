/*
 * wt_hs13.h — the TLS 1.3 client handshake (wt_hs13.c). Not public.
 */
#ifndef WT_HS13_H
#define WT_HS13_H

#include "wt_hs_common.h"

/** \brief Room a KeyUpdate record takes (header, message, content type, tag), rounded up. */
#define WT_KEY_UPDATE_RECORD 32

/**
 * \brief TLS 1.3: send KeyUpdate(request_update = `request_peer`) and switch
 * to the next write keys. \return 0 or the error.
 */
int wt_hs_send_key_update(wt_engine *e, int request_peer);

/** \brief The 0-RTT data right after the first ClientHello (CCS, early keys, the data). */
int wt_hs13_send_early_data(wt_engine *e);
/** \brief The rest of a ServerHello that selected TLS 1.3 (or a HelloRetryRequest). */
int wt_hs13_on_server_hello(wt_engine *e, const wt_server_hello *sh, const uint8_t *msg, size_t len);
/** \brief One TLS 1.3 handshake message after the ServerHello. */
int wt_hs13_handle(wt_engine *e, unsigned type, const uint8_t *msg, size_t len);

#endif
