/**
 * The Deno transport: `Deno.connect` (plain TCP; needs --allow-net). Closing
 * our writable half-closes the connection (closeWrite), so the peer's
 * close_notify can still arrive.
 */
import { WasmTlsError, asTransportError } from '../core/errors.js';
import { formatAddress } from '../core/address.js';

/**
 * @param {{ hostname: string, port: number }} address
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<import('../core/connection.js').Transport>}
 */
export async function denoTcpTransport(address, { signal } = {}) {
  const label = formatAddress(address);
  if (signal?.aborted) throw new WasmTlsError('CONNECT_FAILED', `connecting to ${label} was aborted`);
  let conn;
  try {
    conn = await globalThis.Deno.connect({ hostname: address.hostname, port: address.port, transport: 'tcp', signal });
  } catch (err) {
    throw new WasmTlsError('CONNECT_FAILED', `cannot connect to ${label}: ${err?.name ?? ''} ${err?.message ?? err}`.trim(),
      { detail: err?.code ?? err?.name, cause: err });
  }
  try { conn.setNoDelay(true); } catch { /* not fatal */ }
  let closed = false;
  const closeConn = () => {
    if (closed) return;
    closed = true;
    try { conn.close(); } catch { /* already closed */ }
  };
  const writable = new WritableStream({
    async write(chunk) {
      try {
        for (let off = 0; off < chunk.length;) off += await conn.write(chunk.subarray(off));
      } catch (err) {
        throw asTransportError(err, 'while sending');
      }
    },
    async close() {
      try { await conn.closeWrite(); } catch { /* the peer may be gone */ }
    },
    abort() { closeConn(); },
  });
  const readable = new ReadableStream({
    async pull(controller) {
      const buf = new Uint8Array(16 * 1024 + 256);
      let n;
      try {
        n = await conn.read(buf);
      } catch (err) {
        if (closed) { controller.close(); return; }
        controller.error(asTransportError(err, 'while receiving'));
        return;
      }
      if (n === null) controller.close();
      else controller.enqueue(buf.subarray(0, n));
    },
    cancel() { closeConn(); },
  }, { highWaterMark: 0 });
  return { readable, writable, close: closeConn };
}
