/**
 * The Bun transport: `Bun.connect` (plain TCP) as a pair of web streams.
 * Bun's socket.write() does not buffer (it returns how many bytes it took),
 * so unsent bytes wait in a queue that `drain` flushes; a write resolves only
 * when its bytes were handed to the socket (backpressure). Reads pause the
 * socket while the readable is full.
 */
import { WasmTlsError, asTransportError } from '../core/errors.js';
import { formatAddress } from '../core/address.js';

const READ_HIGH_WATER_MARK = 64 * 1024;

/**
 * @param {{ hostname: string, port: number }} address
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<import('../core/connection.js').Transport>}
 */
export async function bunTcpTransport(address, { signal } = {}) {
  const label = formatAddress(address);
  if (signal?.aborted) throw new WasmTlsError('CONNECT_FAILED', `connecting to ${label} was aborted`);
  /** @type {ReadableStreamDefaultController<Uint8Array>} */
  let rc;
  let readDone = false;
  /** @type {{ bytes: Uint8Array, resolve: () => void, reject: (e: Error) => void }[]} */
  const queue = [];
  let socket = null;
  let socketClosed = false;

  const finishRead = (fn) => { if (!readDone) { readDone = true; fn(); } };
  const failWrites = (err) => { for (const w of queue.splice(0)) w.reject(err); };
  const flush = () => {
    while (queue.length && socket && !socketClosed) {
      const w = queue[0];
      const n = socket.write(w.bytes);
      if (n < 0) { failWrites(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection is closed')); return; }
      w.bytes = w.bytes.subarray(n);
      if (w.bytes.length) return; // wait for drain
      queue.shift();
      w.resolve();
    }
  };

  const readable = new ReadableStream({
    start(c) { rc = c; },
    pull() { if (socket && typeof socket.resume === 'function') socket.resume(); },
    cancel() { readDone = true; socket?.end(); },
  }, { highWaterMark: READ_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength });

  try {
    socket = await globalThis.Bun.connect({
      hostname: address.hostname,
      port: address.port,
      allowHalfOpen: true,
      socket: {
        data(s, data) {
          if (readDone) return;
          rc.enqueue(new Uint8Array(data)); // copy: Bun may reuse its buffer
          if (rc.desiredSize <= 0 && typeof s.pause === 'function') s.pause();
        },
        drain() { flush(); },
        end() { finishRead(() => rc.close()); },
        close(_s, err) {
          socketClosed = true;
          const e = err ? asTransportError(err, 'while receiving') : new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection closed');
          failWrites(e);
          finishRead(() => (err ? rc.error(e) : rc.close()));
        },
        error(_s, err) {
          const e = asTransportError(err, 'while receiving');
          failWrites(e);
          finishRead(() => rc.error(e));
        },
        connectError() {},
      },
    });
  } catch (err) {
    throw new WasmTlsError('CONNECT_FAILED', `cannot connect to ${label}: ${err?.code ?? err?.message ?? err}`,
      { detail: err?.code, cause: err });
  }
  if (signal?.aborted) { socket.end(); throw new WasmTlsError('CONNECT_FAILED', `connecting to ${label} was aborted`); }
  socket.setNoDelay?.(true);

  const writable = new WritableStream({
    write(chunk) {
      if (socketClosed) return Promise.reject(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ bytes: chunk, resolve, reject });
        if (queue.length === 1) flush();
      });
    },
    close() {
      if (socketClosed) return;
      if (typeof socket.shutdown === 'function') socket.shutdown(); // FIN, keep reading
      else socket.end();
    },
    abort() { if (typeof socket.terminate === 'function') socket.terminate(); else socket.end(); },
  });
  return { readable, writable, close: () => { if (!socketClosed) socket.end(); } };
}
