/**
 * verifyChain(): the engine's certificate chain verification on its own, for
 * `wasmtls verify` and for tests. It runs the very C code a handshake runs
 * (wt_chain_verify_path through the wasm export wt_verify_chain).
 */
import { WasmTlsError } from './errors.js';

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
 * @param {import('./wasm.js').WasmTls} wasm
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
    const now = req.nowSeconds ?? Math.floor(Date.now() / 1000);
    const purpose = PURPOSE[req.purpose ?? 'server'];
    const err = wasm.withBytes(chainBlob(req.chain), (cp, cn) =>
      wasm.withBytes(req.host ?? '', (hp, hn) => x.wt_verify_chain(conn, cp, cn, hp, hn, now, purpose)));
    const n = x.wt_verify_path_len();
    const ptr = x.wt_verify_path_ptr() >>> 0;
    const view = new DataView(x.memory.buffer);
    const path = Array.from({ length: n }, (_, i) => view.getUint32(ptr + 4 * i, true));
    const anchor = x.wt_verify_path_anchor ? x.wt_verify_path_anchor() : -1;
    const tried = x.wt_verify_log ? wasm.cstring(x.wt_verify_log()).split('\n').filter(Boolean) : [];
    const sigChecks = x.wt_verify_sig_checks ? x.wt_verify_sig_checks() : 0;
    if (err === 0) return { ok: true, path, anchor, tried, sigChecks };
    const code = wasm.cstring(x.wt_error_name(err));
    const detail = wasm.cstring(x.wt_verify_detail()) || wasm.cstring(x.wt_error_text(err));
    return { ok: false, error: new WasmTlsError(code, detail), path, anchor, tried, sigChecks };
  } finally {
    x.wt_conn_free(conn);
  }
}
