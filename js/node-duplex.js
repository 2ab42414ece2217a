/**
 * `wasmtls/node`: wasmtls sockets as Node `stream.Duplex` objects shaped like
 * `tls.TLSSocket`, for Node libraries that take a stream (e.g. npm `pg`'s
 * `stream` option) and code written against `tls.connect()`.
 *
 *   import { connectDuplex } from 'wasmtls/node';
 *   const duplex = connectDuplex('127.0.0.1:8443', { ca, serverName: 'localhost' });
 *   duplex.on('secureConnect', () => console.log(duplex.getProtocol(), duplex.authorized));
 *   duplex.pipe(process.stdout);
 *
 * Backpressure both ways: the Duplex reads from the TLS socket only while
 * its own buffer has room, and a write calls back once the encrypted
 * records were handed to the transport. Errors are WasmTlsError.
 *
 * Events in Node's order: 'connect' (TCP connected; for a socket given to
 * duplexFromSocket, right before 'secureConnect'), 'secureConnect', then
 * 'session' for each ticket, 'data', 'end' / 'finish', 'close'. Like
 * `tls.connect()`, the Duplex does not allow half-open connections unless
 * `allowHalfOpen: true`: when the server ends, the Duplex ends its side too.
 */
import net from 'node:net';
import { X509Certificate } from 'node:crypto';
import { Duplex } from 'node:stream';
import { connect, upgrade } from './index.node.js';
import { socketStreams } from './transports/node-tcp.js';
import { WasmTlsError } from './core/errors.js';
import { formatAddress } from './core/address.js';

/** OpenSSL's names of the TLS 1.2 suites wasmtls has (getCipher().name, as Node reports them). */
const OPENSSL_CIPHER_NAMES = Object.freeze({
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
});

/** getEphemeralKeyInfo() by group, as Node reports it. */
const EPHEMERAL_KEYS = Object.freeze({
  x25519: { type: 'ECDH', name: 'X25519', size: 253 },
  secp256r1: { type: 'ECDH', name: 'prime256v1', size: 256 },
  secp384r1: { type: 'ECDH', name: 'secp384r1', size: 384 },
});

/**
 * Wrap a wasmtls Socket (from connect() or upgrade()) in a TLSSocket-like Duplex.
 * `duplex.opened` is the socket's `opened` promise; ending the writable side sends
 * close_notify; destroy() closes the socket.
 * @param {import('./index.d.ts').Socket} socket
 * @param {{ allowHalfOpen?: boolean, insecureSkipVerify?: boolean }} [options]  as given to connect()
 * @returns {import('./node-duplex.d.ts').TlsDuplex}
 */
export function duplexFromSocket(socket, options = {}) {
  return wrap(socket, options, null);
}

/**
 * @param {import('./index.d.ts').Socket} socket
 * @param {{ allowHalfOpen?: boolean, insecureSkipVerify?: boolean }} options
 * @param {{ onTcp: (fn: (netSocket: net.Socket | null, connected: boolean) => void) => void } | null} tcp
 *   tells over which net.Socket, and when (connected: true) TCP connected
 */
function wrap(socket, options, tcp) {
  const reader = socket.readable.getReader();
  const writer = socket.writable.getWriter();
  let pumping = false;
  /** @type {import('./index.d.ts').OpenedInfo | null} */
  let info = null;
  /** @type {net.Socket | null} */
  let netSocket = null;
  let connectEmitted = false;
  let secure = false;
  let authorizationError = null;
  const pendingSessions = [];
  let idleMs = 0;
  let idleTimer = null;

  const duplex = new Duplex({
    allowHalfOpen: options.allowHalfOpen === true,
    read() {
      if (!pumping) pump();
    },
    write(chunk, encoding, callback) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      touch();
      writer.write(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).then(() => callback(), callback);
    },
    final(callback) {
      // A socket that already finished cleanly (the server's close_notify was answered) is no error.
      writer.close().then(() => callback(), (err) => socket.closed.then(() => callback(), () => callback(err)));
    },
    destroy(err, callback) {
      clearTimeout(idleTimer);
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
        touch();
        if (!duplex.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))) return;
      }
    } catch (err) {
      duplex.destroy(err);
    } finally {
      pumping = false;
    }
  }

  /** Activity: restart the setTimeout() idle timer. */
  function touch() {
    if (!idleMs) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => { idleTimer = null; if (!duplex.destroyed) duplex.emit('timeout'); }, idleMs);
    idleTimer.unref?.();
  }

  function emitConnect() {
    if (connectEmitted || duplex.destroyed) return;
    connectEmitted = true;
    duplex.emit('connect');
  }

  if (tcp) tcp.onTcp((s, connected) => { netSocket = s; if (connected) emitConnect(); });

  // like tls.TLSSocket's 'session' event (here the value is wasmtls's session string), after 'secureConnect'
  socket.addEventListener('session', (ev) => {
    if (duplex.destroyed) return;
    if (secure) duplex.emit('session', ev.session);
    else pendingSessions.push(ev.session);
  });
  socket.opened.then((opened) => {
    if (duplex.destroyed) return;
    info = opened;
    secure = true;
    if (options.insecureSkipVerify) authorizationError = 'INSECURE_SKIP_VERIFY';
    emitConnect();
    duplex.emit('secureConnect', opened);
    for (const s of pendingSessions.splice(0)) if (!duplex.destroyed) duplex.emit('session', s);
  }, (err) => {
    authorizationError = err?.code ?? String(err);
    duplex.destroy(err);
  });
  socket.closed.catch((err) => { if (!duplex.destroyed) duplex.destroy(err); });

  const peerCertificate = (detailed) => {
    const chain = info ? (info.verifiedChain ?? info.peerCertificates) : [];
    if (!chain.length) return info ? {} : null;
    const objects = chain.map((c) => legacyCertificate(c.der));
    if (!detailed) return objects[0];
    objects.forEach((o, i) => {
      // the last one links to itself when it is self-issued (a root), as in Node
      o.issuerCertificate = objects[i + 1] ?? (o.raw && isSelfIssued(chain[i]) ? o : undefined);
      if (o.issuerCertificate === undefined) delete o.issuerCertificate;
    });
    return objects[0];
  };

  Object.defineProperties(duplex, {
    opened: { value: socket.opened, enumerable: true },
    socket: { value: socket, enumerable: true },
    /** The negotiated parameters once the handshake is done, else null (live). */
    tlsInfo: { get: () => info, enumerable: true },
    encrypted: { value: true, enumerable: true },
    /** true once the handshake verified the server (false before, on failure and with insecureSkipVerify). */
    authorized: { get: () => secure && !options.insecureSkipVerify, enumerable: true },
    /** Why `authorized` is false: the error code, or 'INSECURE_SKIP_VERIFY'; null otherwise. */
    authorizationError: { get: () => authorizationError, enumerable: true },
    /** The ALPN protocol: null before the handshake, false if none was negotiated (as in Node). */
    alpnProtocol: { get: () => (info ? info.alpn ?? false : null), enumerable: true },
    servername: { get: () => info?.serverName ?? null, enumerable: true },
    remoteAddress: { get: () => netSocket?.remoteAddress, enumerable: true },
    remotePort: { get: () => netSocket?.remotePort, enumerable: true },
    remoteFamily: { get: () => netSocket?.remoteFamily, enumerable: true },
    localAddress: { get: () => netSocket?.localAddress, enumerable: true },
    localPort: { get: () => netSocket?.localPort, enumerable: true },
    bytesRead: { get: () => socket.bytesRead, enumerable: true },
    bytesWritten: { get: () => socket.bytesWritten, enumerable: true },
    timeout: { get: () => idleMs || undefined, enumerable: true },
  });

  return Object.assign(duplex, {
    /** 'TLSv1.3' / 'TLSv1.2' once the handshake is done, else null. */
    getProtocol() { return info?.version ?? null; },
    /** { name (OpenSSL's), standardName (IANA), version } as in Node, or null before the handshake. */
    getCipher() {
      if (!info) return null;
      const version = info.cipher in OPENSSL_CIPHER_NAMES ? 'TLSv1.2' : 'TLSv1.3';
      return { name: OPENSSL_CIPHER_NAMES[info.cipher] ?? info.cipher, standardName: info.cipher, version };
    },
    /** The key-exchange group ({ type: 'ECDH', name, size }), as Node's getEphemeralKeyInfo(). */
    getEphemeralKeyInfo() {
      if (!info) return null;
      return { ...(EPHEMERAL_KEYS[info.group] ?? { type: 'ECDH', name: info.group, size: 0 }) };
    },
    /**
     * The server certificate in Node's shape (subject/issuer objects, valid_from/valid_to,
     * fingerprint, fingerprint256, serialNumber, raw, …); with `detailed`, `issuerCertificate`
     * links through the verified path (the root links to itself). `{}` when the server sent
     * none (a resumed session); null before the handshake.
     */
    getPeerCertificate(detailed = false) { return peerCertificate(detailed); },
    /** The latest session ("wtls1.…" string, pass it as `session`) or undefined. */
    getSession() { return socket.session ?? undefined; },
    /** Resumed with `options.session`? */
    isSessionReused() { return info?.resumed ?? false; },
    /**
     * net.Socket compatibility for libraries that "connect" the stream they
     * are given (e.g. pg): the TLS socket is already connecting; 'connect'
     * is emitted (again, if it already was) once the handshake is done.
     */
    connect() {
      if (info) queueMicrotask(() => duplex.emit('connect'));
      else if (!duplex.destroyed) duplex.once('secureConnect', () => queueMicrotask(() => duplex.emit('connect')));
      return duplex;
    },
    /** Emit 'timeout' after `ms` without reads or writes (0: off); the connection stays open, as in Node. */
    setTimeout(ms, callback) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`setTimeout: ms must be a finite number >= 0, got ${ms}`);
      idleMs = ms;
      clearTimeout(idleTimer);
      idleTimer = null;
      if (ms === 0) {
        if (callback) duplex.removeListener('timeout', callback);
      } else {
        if (callback) duplex.once('timeout', callback);
        touch();
      }
      return duplex;
    },
    setNoDelay(noDelay) { netSocket?.setNoDelay(noDelay); return duplex; },
    setKeepAlive(enable, initialDelay) { netSocket?.setKeepAlive(enable, initialDelay); return duplex; },
    ref() { netSocket?.ref(); return duplex; },
    unref() { netSocket?.unref(); return duplex; },
    address() { return netSocket?.address() ?? {}; },
  });
}

/** Node's legacy certificate object (tls getPeerCertificate()), from DER. */
function legacyCertificate(der) {
  try {
    return new X509Certificate(der).toLegacyObject();
  } catch {
    return { raw: Buffer.from(der) };
  }
}

function isSelfIssued(cert) {
  return cert.subject !== '' && cert.subject === cert.issuer;
}

/** The transport option wrapped so that the Duplex learns when TCP connected (and over which socket). */
function tcpTransportFor(transport) {
  let notify = () => {};
  const onTcp = (fn) => { notify = fn; };
  let open;
  if (transport === undefined || transport === 'tcp') {
    open = (address, { signal } = {}) => openTcp(address, signal).then((sock) => { notify(sock, true); return socketStreams(sock); });
  } else if (typeof transport === 'function') {
    open = (address, opts) => Promise.resolve(transport(address, opts)).then((t) => { notify(null, true); return t; });
  } else {
    return { transport, tcp: null }; // invalid: connect() reports INVALID_OPTION
  }
  return { transport: open, tcp: { onTcp } };
}

/** A connected node:net socket, or CONNECT_FAILED (the errors of nodeTcpTransport). */
function openTcp(address, signal) {
  const label = formatAddress(address);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new WasmTlsError('CONNECT_FAILED', `connecting to ${label} was aborted`)); return; }
    const sock = net.connect({ host: address.hostname, port: address.port, allowHalfOpen: true });
    sock.setNoDelay(true);
    const onAbort = () => sock.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    const onError = (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new WasmTlsError('CONNECT_FAILED', `cannot connect to ${label}: ${err.code ?? err.message}`, { detail: err.code, cause: err }));
    };
    sock.once('error', onError);
    sock.once('close', () => onError(Object.assign(new Error('socket closed'), { code: 'ECONNABORTED' })));
    sock.once('connect', () => {
      sock.removeAllListeners('error');
      sock.removeAllListeners('close');
      signal?.removeEventListener('abort', onAbort);
      resolve(sock);
    });
  });
}

/**
 * `connect(address, options)` as a TLSSocket-like Duplex.
 * @param {string | { hostname: string, port: number }} address
 * @param {import('./index.d.ts').ConnectOptions} [options]
 */
export function connectDuplex(address, options) {
  const o = options ?? {};
  const { transport, tcp } = tcpTransportFor(o.transport);
  return wrap(connect(address, { ...o, transport }), o, tcp);
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
  // already connected: no 'connect' before 'secureConnect' (as tls.connect({ socket }))
  const tcp = { onTcp: (fn) => fn(netSocket, false) };
  return wrap(upgrade(socketStreams(netSocket), options), options ?? {}, tcp);
}

export { connect, upgrade };
export { WasmTlsError } from './core/errors.js';
