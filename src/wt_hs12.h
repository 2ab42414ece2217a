/*
 * wt_hs12.h — the TLS 1.2 client handshake (wt_hs12.c). Not public.
 */
#ifndef WT_HS12_H
#define WT_HS12_H

#include "wt_hs_common.h"

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
