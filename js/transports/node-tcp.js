/**
 * The default Node transport: a node:net TCP socket as a pair of web streams,
 * with backpressure both ways (pause/resume on reads, 'drain' on writes).
 */
import { WasmTlsError, asTransportError } from '../core/errors.js';
import { formatAddress } from '../core/address.js';

const READ_HIGH_WATER_MARK = 64 * 1024;

/** node:net, loaded on the first connection: importing it costs ~3 ms of cold start (docs/PERFORMANCE.md). */
let net = null;

/**
 * Open a TCP connection.
 * @param {{ hostname: string, port: number }} address
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<import('../core/connection.js').Transport>}
 */
export function nodeTcpTransport(address, { signal } = {}) {
  const label = formatAddress(address);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new WasmTlsError('CONNECT_FAILED', `connecting to ${label} was aborted`)); return; }
    net ??= process.getBuiltinModule('node:net');
    const socket = net.connect({ host: address.hostname, port: address.port, allowHalfOpen: true });
    socket.setNoDelay(true);
    const onAbort = () => socket.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    const onConnectError = (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new WasmTlsError('CONNECT_FAILED', `cannot connect to ${label}: ${err.code ?? err.message}`,
        { detail: err.code, cause: err }));
    };
    socket.once('error', onConnectError);
    socket.once('close', () => onConnectError(Object.assign(new Error('socket closed'), { code: 'ECONNABORTED' })));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      signal?.removeEventListener('abort', onAbort);
      resolve(socketStreams(socket));
    });
  });
}

/**
 * A connected node:net (or any net.Socket-like) socket as a Transport; used
 * by nodeTcpTransport and by wasmtls/node's upgradeDuplex (STARTTLS).
 * @param {import('node:net').Socket} socket
 */
export function socketStreams(socket) {
  let readableDone = false;
  const readable = new ReadableStream({
    start(controller) {
      socket.on('data', (buf) => {
        if (readableDone) return;
        controller.enqueue(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        if (controller.desiredSize <= 0) socket.pause();
      });
      socket.on('end', () => {
        if (readableDone) return;
        readableDone = true;
        controller.close();
      });
      socket.on('error', (err) => {
        if (readableDone) return;
        readableDone = true;
        controller.error(asTransportError(err, 'while receiving'));
      });
      socket.on('close', () => {
        if (readableDone) return;
        readableDone = true;
        controller.error(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection closed'));
      });
    },
    pull() { socket.resume(); },
    cancel() { readableDone = true; socket.destroy(); },
  }, { highWaterMark: READ_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength });

  const writable = new WritableStream({
    write(chunk) {
      return new Promise((resolve, reject) => {
        if (socket.destroyed || socket.writableEnded) {
          reject(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection is closed'));
          return;
        }
        const onClose = () => reject(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection closed while sending'));
        const flushed = socket.write(chunk, (err) => {
          if (err) reject(asTransportError(err, 'while sending'));
        });
        if (flushed) { resolve(); return; }
        socket.once('close', onClose);
        socket.once('drain', () => { socket.off('close', onClose); resolve(); });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (socket.destroyed || socket.writableEnded) { resolve(); return; }
        socket.end(resolve);
        socket.once('close', resolve);
      });
    },
    abort() { socket.destroy(); },
  });

  return { readable, writable, close: () => socket.destroy() };
}
