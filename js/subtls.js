/**
 * `wasmtls/subtls`: the API that `@neondatabase/serverless` calls when
 * `neonConfig.subtls` is set, with wasmtls underneath (TLS 1.3 and 1.2, the
 * full certificate checks of the engine, typed WasmTlsError failures):
 *
 *   import { neonConfig, Client } from '@neondatabase/serverless';
 *   neonConfig.subtls = await import('wasmtls/subtls');
 *   neonConfig.rootCerts = caPem;            // PEM; '' = the bundled Mozilla roots
 *   neonConfig.useSecureWebSocket = false;   // TLS runs end to end inside the WebSocket
 *   neonConfig.forceDisablePgSSL = false;
 *
 * What the driver calls (its Socket.startTls):
 *   db = await TrustedCert.databaseFromPEM(rootCerts)
 *   q = new WebSocketReadQueue(ws)                        // after the driver stops reading ws
 *   { read, write } = await startTls(host, db, q.read.bind(q), rawWrite, { useSNI, expectPreData })
 *   read() → Uint8Array | undefined (end);  write(bytes) (not awaited)
 *
 * Runtime-neutral: `upgrade` comes from the package's own entry (`import … from 'wasmtls'`),
 * so Node picks index.node.js, a bundler targeting browsers index.browser.js, Deno, Bun and
 * workerd their own entries (package.json "exports" conditions).
 */
import { upgrade, WasmTlsError } from 'wasmtls';

export { WasmTlsError };

/** subtls's ReadMode: CONSUME takes the bytes, PEEK leaves them queued. */
export const ReadMode = Object.freeze({ CONSUME: 0, PEEK: 1 });

const EMPTY = new Uint8Array(0);

function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

/**
 * The trust anchors for startTls(): what `TrustedCert.databaseFromPEM()` returns.
 * Opaque; holds the PEM text that becomes wasmtls's `ca` option.
 */
class RootCertsDatabase {
  /** @param {string | Uint8Array} source */
  constructor(source) {
    /** PEM text (or DER bytes) given to wasmtls as `ca`; null = wasmtls's default roots. */
    this.ca = typeof source === 'string' && source.trim() === '' ? null : source;
  }
}

/** subtls's TrustedCert, reduced to what the Neon driver uses. */
export class TrustedCert {
  /**
   * Trust anchors from PEM text (one or more certificates). An empty string means
   * wasmtls's bundled Mozilla roots (`wasmtls/roots`). The PEM is checked when
   * startTls() runs (a bad one fails there with INVALID_OPTION), so this never
   * rejects: the driver awaits it where a rejection would be unhandled.
   * Synchronous work only, so no WebSocket message can slip past between the
   * driver's `await` on this and its `new WebSocketReadQueue(ws)`.
   * @param {string} pem
   * @returns {Promise<RootCertsDatabase>}
   */
  static databaseFromPEM(pem) {
    return Promise.resolve(new RootCertsDatabase(pem ?? ''));
  }
}

/**
 * Buffers what a WebSocket receives (binary frames) for startTls(). Listens from
 * construction on; `read(n)` resolves with exactly n bytes (subtls semantics), or
 * with undefined once the socket closed with fewer queued. `read()` without a
 * count resolves with everything queued (at least one byte). Reads are served in order.
 */
export class WebSocketReadQueue {
  /** @param {WebSocket} ws  a WHATWG WebSocket (or npm `ws`), binaryType 'arraybuffer' (Blob also works) */
  constructor(ws) {
    /** @type {Uint8Array[]} */
    this.queue = [];
    this.queued = 0;
    this.ended = false;
    /** @type {{ bytes: number | undefined, mode: number, resolve: (v: Uint8Array | undefined) => void }[]} */
    this.requests = [];
    this.socket = ws;
    // Blob frames are read asynchronously; this chain keeps frames in arrival order.
    let order = Promise.resolve();
    const push = (bytes) => { if (!this.ended && bytes.length) { this.queue.push(bytes); this.queued += bytes.length; this.serve(); } };
    const end = () => { order = order.then(() => { this.ended = true; this.serve(); }); };
    ws.addEventListener('message', (event) => {
      const data = event.data;
      const bytes = toBytes(data);
      if (bytes) {
        order = order.then(() => push(bytes));
      } else if (typeof Blob !== 'undefined' && data instanceof Blob) {
        const buf = data.arrayBuffer();
        order = order.then(() => buf).then((b) => push(new Uint8Array(b)), end);
      } else {
        end(); // a text frame is not part of a byte stream: the stream is broken here
      }
    });
    ws.addEventListener('close', end);
    ws.addEventListener('error', end);
    if (ws.readyState === 2 || ws.readyState === 3) end(); // CLOSING / CLOSED already
  }

  /** subtls: whether read() may still get more bytes. */
  moreDataMayFollow() {
    return !this.ended || this.queued > 0;
  }

  /** Bytes queued and not yet read. */
  bytesInQueue() {
    return this.queued;
  }

  /**
   * @param {number} [bytes]  exactly this many (omit: whatever is queued)
   * @param {number} [readMode]  ReadMode.CONSUME (default) or ReadMode.PEEK
   * @returns {Promise<Uint8Array | undefined>}
   */
  read(bytes, readMode = ReadMode.CONSUME) {
    if (bytes !== undefined && (!Number.isInteger(bytes) || bytes < 0)) {
      return Promise.reject(new RangeError(`WebSocketReadQueue.read: bad byte count ${bytes}`));
    }
    return new Promise((resolve) => {
      this.requests.push({ bytes, mode: readMode, resolve });
      this.serve();
    });
  }

  serve() {
    while (this.requests.length) {
      const req = this.requests[0];
      const want = req.bytes === undefined ? (this.queued || 1) : req.bytes;
      if (want === 0) { this.requests.shift(); req.resolve(EMPTY); continue; }
      if (this.queued < want) {
        if (!this.ended) return;
        this.requests.shift();
        req.resolve(undefined);
        continue;
      }
      this.requests.shift();
      req.resolve(this.take(want, req.mode === ReadMode.PEEK));
    }
  }

  take(n, peek) {
    const first = this.queue[0];
    let out;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (!peek) {
        if (first.length === n) this.queue.shift(); else this.queue[0] = first.subarray(n);
      }
    } else {
      out = new Uint8Array(n);
      let off = 0;
      let i = 0;
      while (off < n) {
        const chunk = this.queue[i];
        const k = Math.min(chunk.length, n - off);
        out.set(chunk.subarray(0, k), off);
        off += k;
        if (peek) { i++; continue; }
        if (k === chunk.length) this.queue.shift(); else this.queue[0] = chunk.subarray(k);
      }
    }
    if (!peek) this.queued -= n;
    return out;
  }
}

/**
 * Reads exactly-sized pieces from a subtls-style network read function (which may
 * also hand back more than asked for: the surplus is kept).
 */
function exactReader(networkRead) {
  let buffered = [];
  let have = 0;
  /** @returns {Promise<Uint8Array | undefined>} exactly n bytes, or undefined at the end */
  return async function need(n) {
    while (have < n) {
      const got = await networkRead(n - have);
      if (got === undefined || got === null) return undefined;
      const bytes = toBytes(got);
      if (!bytes) throw new TypeError('startTls: the network read function must resolve with a Uint8Array or undefined');
      if (bytes.length) { buffered.push(bytes); have += bytes.length; }
    }
    const all = buffered.length === 1 ? buffered[0] : concat(buffered, have);
    buffered = all.length > n ? [all.subarray(n)] : [];
    have -= n;
    return all.length > n ? all.subarray(0, n) : all;
  };
}

function concat(chunks, total) {
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
function isIpLiteral(name) {
  return IPV4.test(name) || name.includes(':');
}

/** A promise that rejects with err without counting as unhandled when nobody awaits it. */
function quietRejection(err) {
  const p = Promise.reject(err);
  p.catch(() => {});
  return p;
}

/**
 * Start TLS over a subtls-style pair of network functions. Resolves when the
 * handshake is over, with `{ read, write }`: `read()` → decrypted bytes, or undefined
 * at the end; `write(bytes)` encrypts and sends (in call order).
 *
 * A failed handshake does NOT reject: the driver calls this without awaiting the
 * outcome, so a rejection would end a Node process as an unhandled rejection and
 * never reach the caller. Instead it resolves, and `read()` rejects with the
 * WasmTlsError (UNKNOWN_CA, HOSTNAME_MISMATCH, …), which the driver emits as its
 * socket's 'error': pg's connect()/query() reject with it. `opened` (rejected then)
 * and `write()` rejections are marked handled. Check `await tls.opened` when calling
 * this directly.
 *
 * @param {string} host  name to check in the certificate (and the SNI, when useSNI)
 * @param {RootCertsDatabase | string} rootCertsDatabase  from TrustedCert.databaseFromPEM(), or PEM text
 * @param {(bytes: number) => Promise<Uint8Array | undefined>} networkRead
 * @param {(data: Uint8Array) => void | Promise<void>} networkWrite
 * @param {{ useSNI?: boolean, expectPreData?: Uint8Array, writePreData?: Uint8Array,
 *           requireServerTlsExtKeyUsage?: boolean, requireDigitalSigKeyUsage?: boolean, commentPreData?: string,
 *           wasmtls?: object }} [options]
 *   `wasmtls`: more wasmtls upgrade() options (alpn, minVersion, timeoutMs, cert/key, …)
 */
export async function startTls(host, rootCertsDatabase, networkRead, networkWrite, options = {}) {
  const { useSNI = true, expectPreData, writePreData, wasmtls: extra } = options ?? {};
  const setup = () => {
    if (typeof networkRead !== 'function' || typeof networkWrite !== 'function') {
      throw new WasmTlsError('INVALID_OPTION', 'startTls(host, roots, read, write): read and write must be functions');
    }
    if (typeof host !== 'string' || host === '') {
      // pg passes no servername when the host is an IP address: there is nothing to check the certificate against.
      throw new WasmTlsError('INVALID_OPTION', 'startTls: no host name to check the certificate against (pg gives none for an IP address host: connect by name)');
    }
    if (useSNI === false && !isIpLiteral(host)) {
      throw new WasmTlsError('INVALID_OPTION',
        'startTls: useSNI = false (neonConfig.disableSNI) is not supported: wasmtls always sends the server name in SNI for a DNS name');
    }
    if (expectPreData !== undefined && !toBytes(expectPreData)) {
      throw new WasmTlsError('INVALID_OPTION', 'startTls: expectPreData must be a Uint8Array');
    }
    if (writePreData !== undefined && !toBytes(writePreData)) {
      throw new WasmTlsError('INVALID_OPTION', 'startTls: writePreData must be a Uint8Array');
    }
    if (extra !== undefined && (typeof extra !== 'object' || extra === null)) {
      throw new WasmTlsError('INVALID_OPTION', 'startTls: options.wasmtls must be an object of upgrade() options');
    }
    const ca = rootCertsDatabase instanceof RootCertsDatabase ? rootCertsDatabase.ca
      : new RootCertsDatabase(rootCertsDatabase ?? '').ca;
    return ca === null ? {} : { ca };
  };

  let caOption;
  try {
    caOption = setup();
  } catch (err) {
    return failed(err);
  }

  const need = exactReader(networkRead);
  let preDataChecked = expectPreData === undefined;
  const pre = expectPreData === undefined ? null : toBytes(expectPreData);
  let bodyLeft = 0;

  // The network side as a byte pair for upgrade(), read record by record (5-byte header,
  // then the body it announces), so a read function that returns exactly what it is
  // asked for (subtls's ReadQueue) never waits for bytes the server has no reason to send.
  const readable = new ReadableStream({
    async pull(controller) {
      if (!preDataChecked) {
        const got = await need(pre.length);
        if (got === undefined) {
          controller.error(new WasmTlsError('TRANSPORT_CLOSED', `the connection ended before the expected ${pre.length} byte(s) of pre-TLS data`));
          return;
        }
        if (!got.every((b, i) => b === pre[i])) {
          controller.error(new WasmTlsError('UNEXPECTED_MESSAGE',
            `the server answered ${hex(got)} before TLS where ${hex(pre)} was expected`,
            { detail: 'expectPreData mismatch',
              hint: "PostgreSQL answers 'N' when it does not do SSL: check the server's ssl setting, the port, and neonConfig.pipelineTLS" }));
          return;
        }
        preDataChecked = true;
      }
      if (bodyLeft > 0) {
        const body = await need(bodyLeft);
        if (body === undefined) { controller.close(); return; } // the engine reports the cut record
        bodyLeft = 0;
        controller.enqueue(body.slice());
        return;
      }
      const header = await need(5);
      if (header === undefined) { controller.close(); return; }
      // The header goes to the engine at once: it rejects a bad type, version or length
      // (with an alert) without waiting for a body that may never come.
      bodyLeft = (header[3] << 8) | header[4];
      controller.enqueue(header.slice());
    },
  }, { highWaterMark: 0 });
  const writable = new WritableStream({
    write(chunk) { return networkWrite(chunk); },
  });

  if (writePreData !== undefined) {
    try {
      await networkWrite(toBytes(writePreData));
    } catch (err) {
      return failed(new WasmTlsError('TRANSPORT_CLOSED', `startTls: writing the pre-TLS data failed: ${err?.message ?? err}`, { cause: err }));
    }
  }

  const socket = upgrade({ readable, writable }, { ...extra, ...caOption, serverName: host });
  socket.closed.catch(() => {});
  let info;
  try {
    info = await socket.opened;
  } catch (err) {
    return failed(err, socket);
  }

  const reader = socket.readable.getReader();
  const writer = socket.writable.getWriter();
  return {
    /** @returns {Promise<Uint8Array | undefined>} decrypted bytes; undefined once the server closed */
    async read() {
      const { value, done } = await reader.read();
      return done ? undefined : value;
    },
    /** Encrypt and send; in call order. The promise is marked handled (the driver does not await it). */
    write(data) {
      const p = writer.write(data);
      p.catch(() => {});
      return p;
    },
    /** wasmtls: what was negotiated ({ version, cipher, group, peerCertificates, … }). */
    opened: Promise.resolve(info),
    /** wasmtls: the TLS socket itself (closed, bytesRead, steps, session, …). */
    socket,
    /** wasmtls: send close_notify after pending writes. */
    close: () => socket.close(),
  };
}

/** The failure result: see startTls() on why it resolves. */
function failed(err, socket = null) {
  const error = err instanceof WasmTlsError ? err
    : new WasmTlsError('INVALID_OPTION', String(err?.message ?? err), { cause: err });
  return {
    read: () => quietRejection(error),
    write: () => quietRejection(error),
    opened: quietRejection(error),
    socket,
    close: () => Promise.resolve(),
  };
}
