/**
 * verifyChain(): the engine's certificate chain verification on its own, for
 * `wasmtls verify` and for tests. It runs the very C code a handshake runs
 * (wt_chain_verify_ex through the wasm export wt_verify_chain_to, whose results land
 * in memory this call owns, not in module-static buffers).
 */
import { WasmTlsError } from '../core/errors.js';

export const PURPOSE = Object.freeze({ server: 0, client: 1 });

/** u24 length + DER, repeated. @param {Uint8Array[]} certs */
function chainBlob(certs) {
  const out = new Uint8Array(certs.reduce((n, c) => n + 3 + c.length, 0));
  let off = 0;
  for (const c of certs) {
    out[off] = c.length >> 16; out[off + 1] = (c.length >> 8) & 0xff; out[off + 2] = c.length & 0xff;
    out.set(c, off + 3);
    off += 3 + c.length;
  }
  return out;
}

/**
 * @param {import('../core/wasm.js').WasmTls} wasm
 * @param {{ chain: Uint8Array[], ca: (Uint8Array|string)[], host?: string,
 *           nowSeconds?: number, purpose?: 'server'|'client' }} req
 * `path` lists the certificates sent on the path verified (on failure: the
 * most useful path tried), as indexes into `chain`; `anchor` is the index in
 * `ca` of the trust anchor it ended at (or -1); `tried` has one line per
 * candidate path that failed ("#0 > #2 > ca[1]: CODE: detail"), and
 * `sigChecks` the signature checks done (the budget is 100).
 * @returns {{ ok: boolean, error?: WasmTlsError, path: number[], anchor: number, tried: string[], sigChecks: number }}
 */
export function verifyChain(wasm, req) {
  const x = wasm.exports;
  const conn = x.wt_conn_new();
  if (!conn) throw new WasmTlsError('INTERNAL', 'out of wasm memory');
  try {
    req.ca.forEach((cert, i) => {
      const added = wasm.withBytes(cert, (p, n) => x.wt_conn_add_ca(conn, p, n));
      if (added <= 0) {
        const why = added < 0 ? wasm.cstring(x.wt_error_name(-added)) : 'no certificate found';
        throw new WasmTlsError('INVALID_OPTION', `ca[${i}] could not be loaded as a trust anchor (${why})`);
      }
    });
    if (req.nativeVerify) x.wt_conn_set_native_verify?.(conn, 1);   // signatures: the native verifier first (wasm.js)
    const now = req.nowSeconds ?? Math.floor(Date.now() / 1000);
    const purpose = PURPOSE[req.purpose ?? 'server'];
    const OUT = 8192;   // wt_verify_chain_to's caller-owned result area (header, detail, log)
    const r = wasm.withBytes(chainBlob(req.chain), (cp, cn) =>
      wasm.withBytes(req.host ?? '', (hp, hn) =>
        wasm.withBytes(new Uint8Array(OUT), (op) => {
          const err = x.wt_verify_chain_to(conn, cp, cn, hp, hn, now, purpose, op, OUT);
          const view = new DataView(x.memory.buffer, op >>> 0, OUT);
          const len = view.getUint32(0, true);
          const full = Array.from({ length: len }, (_, i) => view.getInt32(4 + 4 * i, true));
          const head = 4 + 4 * 11 + 8;
          const detail = wasm.cstring((op >>> 0) + head);
          const log = wasm.cstring((op >>> 0) + head + new TextEncoder().encode(detail).length + 1);
          return { err, full, sigChecks: view.getUint32(4 + 4 * 11, true), detail, log };
        })));
    const path = r.full.filter((i) => i >= 0);
    const last = r.full[r.full.length - 1];
    const anchor = last !== undefined && last < 0 ? -last - 1 : -1;
    const tried = r.log.split('\n').filter(Boolean);
    if (r.err === 0) return { ok: true, path, anchor, tried, sigChecks: r.sigChecks };
    const code = wasm.cstring(x.wt_error_name(r.err));
    const detail = r.detail || wasm.cstring(x.wt_error_text(r.err));
    return { ok: false, error: new WasmTlsError(code, detail), path, anchor, tried, sigChecks: r.sigChecks };
  } finally {
    x.wt_conn_free(conn);
  }
}
