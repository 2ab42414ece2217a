/**
 * `wasmtls/node`: wasmtls sockets as Node `stream.Duplex` objects, for Node
 * libraries that take a stream (e.g. npm `pg`'s `stream` option).
 *
 *   import { connectDuplex } from 'wasmtls/node';
 *   const duplex = connectDuplex('127.0.0.1:8443', { ca, serverName: 'localhost' });
 *   duplex.on('secureConnect', (info) => ...);  duplex.pipe(process.stdout);
 *
 * Backpressure both ways: the Duplex reads from the TLS socket only while
 * its own buffer has room, and a write calls back once the encrypted
 * records were handed to the transport. Errors are WasmTlsError.
 */
import { Duplex } from 'node:stream';
import { connect, upgrade } from './index.node.js';
import { socketStreams } from './transport-node-tcp.js';

/**
 * Wrap a wasmtls Socket (from connect() or upgrade()) in a Duplex. The Duplex
 * emits 'secureConnect' (with the `opened` info) and 'connect' when the
 * handshake completed; `duplex.opened` is the socket's `opened` promise.
 * Ending the writable side sends close_notify; destroy() closes the socket.
 * @param {import('./index.d.ts').Socket} socket
 * @returns {import('./node.d.ts').TlsDuplex}
 */
export function duplexFromSocket(socket) {
  const reader = socket.readable.getReader();
  const writer = socket.writable.getWriter();
  let pumping = false;
  let info = null;

  const duplex = new Duplex({
    allowHalfOpen: true,
    read() {
      if (!pumping) pump();
    },
    write(chunk, encoding, callback) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      writer.write(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).then(() => callback(), callback);
    },
    final(callback) {
      writer.close().then(() => callback(), callback);
    },
    destroy(err, callback) {
      reader.cancel(err ?? undefined).catch(() => {});
      socket.close().catch(() => {});
      callback(err);
    },
  });

  async function pump() {
    pumping = true;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) { duplex.push(null); return; }
        if (!duplex.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))) return;
      }
    } catch (err) {
      duplex.destroy(err);
    } finally {
      pumping = false;
    }
  }

  // like tls.TLSSocket's 'session' event (here the value is wasmtls's session string)
  socket.addEventListener('session', (ev) => duplex.emit('session', ev.session));
  socket.opened.then((opened) => {
    info = opened;
    duplex.emit('secureConnect', opened);
    duplex.emit('connect');
  }, (err) => duplex.destroy(err));
  socket.closed.catch((err) => { if (!duplex.destroyed) duplex.destroy(err); });

  return Object.assign(duplex, {
    opened: socket.opened,
    socket,
    /** The negotiated parameters once the handshake is done, else null. */
    get tlsInfo() { return info; },
    /**
     * net.Socket compatibility for libraries that "connect" the stream they
     * are given (e.g. pg): the TLS socket is already connecting; 'connect'
     * is emitted (again, if it already was) once the handshake is done.
     */
    connect() {
      if (info) queueMicrotask(() => duplex.emit('connect'));
      return duplex;
    },
    setNoDelay() { return duplex; },
    setKeepAlive() { return duplex; },
    setTimeout() { return duplex; },
    ref() { return duplex; },
    unref() { return duplex; },
  });
}

/**
 * `connect(address, options)` as a Duplex.
 * @param {string | { hostname: string, port: number }} address
 * @param {import('./index.d.ts').ConnectOptions} [options]
 */
export function connectDuplex(address, options) {
  return duplexFromSocket(connect(address, options));
}

/**
 * STARTTLS on a connected node:net socket (e.g. after PostgreSQL's SSLRequest
 * was answered with 'S'): returns the TLS Duplex. Do not use `netSocket`
 * directly afterwards; it is closed with the Duplex.
 * @param {import('node:net').Socket} netSocket
 * @param {import('./index.d.ts').UpgradeOptions} options
 */
export function upgradeDuplex(netSocket, options) {
  netSocket.setNoDelay?.(true);
  return duplexFromSocket(upgrade(socketStreams(netSocket), options));
}

export { connect, upgrade };
export { WasmTlsError } from './errors.js';
