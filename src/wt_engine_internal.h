/*
 * wt_engine_internal.h — every internal layer of the engine in one include,
 * for the tests and fuzz targets. Inside src/ each file includes only the
 * layers it calls (top to bottom):
 *
 *   wt_engine.c        records, windows, dispatch, close   (wt_engine.h)
 *   wt_hs13.c wt_hs12.c  the two handshakes                (wt_hs13.h, wt_hs12.h)
 *   wt_hs_common.c     ClientHello, version decision, chain, ALPN, sessions (wt_hs_common.h)
 *   wt_out.c           fail + alerts, output queue, transcript, events (wt_out.h)
 *
 * Not public.
 */
#ifndef WT_ENGINE_INTERNAL_H
#define WT_ENGINE_INTERNAL_H

#include "wt_out.h"
#include "wt_hs_common.h"
#include "wt_hs13.h"
#include "wt_hs12.h"


#endif
