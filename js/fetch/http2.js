/**
 * HTTP/2 over one wasmtls socket, on nghttp2 compiled to its own wasm (js/dist/wasmtls-h2.wasm,
 * wasm/h2/wt_h2.c). Loaded only when a server picks h2 in ALPN. nghttp2 does framing, HPACK,
 * SETTINGS (push disabled), flow control, GOAWAY and RST_STREAM; this file moves bytes and
 * turns nghttp2's events into per-stream responses. Received DATA is handed back to nghttp2
 * (wt_h2_consume, which opens the windows again) only when the application reads it.
 */
import { WasmTlsError } from '../core/errors.js';
import { HttpError, protocolError } from './errors.js';

const WINDOW = 1 << 20;           // our per-stream and connection receive window
const MAX_BODY_BUFFER = 256 * 1024; // request body bytes queued in nghttp2 per stream before we wait
const DEFAULT_MAX_STREAMS = 100;
const NGHTTP2_CANCEL = 8;
const NGHTTP2_REFUSED_STREAM = 7;
const H2_ERRORS = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];
/** Not sent over h2: connection-specific fields (RFC 9113 §8.2.2), Host (→ :authority), and content-length (set from the body). */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'te', 'content-length']);
const encoder = new TextEncoder();
const decoder = new TextDecoder('latin1');
const errorName = (code) => H2_ERRORS[code] ?? `0x${code.toString(16)}`;

let loading = null;

/**
 * The nghttp2 wasm, instantiated once per process. `source`: bytes, a Module, a promise of them,
 * or a function returning one (default: fetch() it from next to this package).
 */
export function loadH2Wasm(source) {
  if (!loading) {
    loading = instantiate(source);
    loading.catch(() => { loading = null; });
  }
  return loading;
}

/** Default: fetch() the file next to this package (browsers); the runtime entries pass their own reader. */
async function readDefault() {
  const url = new URL('../dist/wasmtls-h2.wasm', import.meta.url);
  const res = await globalThis.fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

async function instantiate(source) {
  const bytes = typeof source === 'function' ? await source() : source ? await source : await readDefault();
  const module = bytes instanceof WebAssembly.Module ? bytes : await WebAssembly.compile(bytes);
  let memory;
  const imports = {
    wasi_snapshot_preview1: {
      clock_time_get: (id, precision, out) => {
        const ns = BigInt(Math.round((id === 0 ? Date.now() : globalThis.performance.now()) * 1e6));
        new DataView(memory.buffer).setBigUint64(out, ns, true);
        return 0;
      },
      proc_exit: (code) => { throw new Error(`wasmtls-h2 exited (${code})`); },
    },
    env: { emscripten_notify_memory_growth: () => {} },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const x = instance.exports;
  memory = x.memory;
  x._initialize?.();
  return x;
}

function h2Error(code, message, extra) {
  return new HttpError('HTTP_PROTOCOL', code, message, extra);
}

/**
 * One HTTP/2 connection: many concurrent streams over one wasmtls socket.
 */
export class H2Connection {
  /**
   * @param {object} socket a wasmtls socket (ALPN h2)
   * @param {object} info socket.opened
   * @param {object} x the nghttp2 wasm exports
   * @param {{ maxHeaderSize: number, idleTimeoutMs: number }} options
   */
  constructor(socket, info, x, options) {
    this.socket = socket;
    this.info = info;
    this.x = x;
    this.maxHeaderSize = options.maxHeaderSize;
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.multiplexed = true;
    this.requests = 0;
    this.dead = false;
    this.goingAway = false;
    /** @type {Map<number, any>} */
    this.streams = new Map();
    this.capacityWaiters = [];
    this.bodyWaiters = [];
    this.onDead = null;
    this.h = x.wt_h2_new(WINDOW, this.maxHeaderSize);
    if (!this.h) throw new WasmTlsError('INTERNAL', 'nghttp2 session creation failed');
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
    this.writing = Promise.resolve();
    this.idleTimer = null;
    this.flush();
    this.readLoop();
    this.armIdle();
  }

  /** Room for another stream now. */
  canTake() {
    if (this.dead || this.goingAway) return false;
    const max = Math.min(this.x.wt_h2_remote_max_streams(this.h) >>> 0, DEFAULT_MAX_STREAMS);
    return this.streams.size < max;
  }

  /** Resolves when a stream closed (or the connection ended). */
  waitCapacity() {
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  wakeCapacity() {
    for (const w of this.capacityWaiters.splice(0)) w();
  }

  armIdle() {
    clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.streams.size || this.dead) return;
    this.idleTimer = setTimeout(() => this.close(), this.idleTimeoutMs);
    this.idleTimer?.unref?.();
  }

  /** Copy bytes into wasm memory for the call `fn(ptr, len)`. */
  withBytes(bytes, fn) {
    const ptr = this.x.malloc(Math.max(bytes.length, 1));
    if (!ptr) throw new WasmTlsError('INTERNAL', 'wasmtls-h2: out of memory');
    try {
      new Uint8Array(this.x.memory.buffer, ptr, bytes.length).set(bytes);
      return fn(ptr, bytes.length);
    } finally {
      this.x.free(ptr);
    }
  }

  /**
   * Send what nghttp2 has queued at the end of this turn: requests started together (100 fetch()
   * calls in one loop) go out as one write, so one TLS record, not one record per HEADERS frame.
   */
  flushSoon() {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => { this.flushQueued = false; this.flush(); });
  }

  /** Send whatever nghttp2 has queued. */
  flush() {
    if (this.dead) return;
    const parts = [];
    let total = 0;
    for (;;) {
      const n = this.x.wt_h2_send(this.h);
      if (n < 0) { this.fail(h2Error('H2_PROTOCOL_ERROR', `nghttp2: ${this.strerror(n)}`)); return; }
      if (n === 0) break;
      const ptr = this.x.wt_h2_send_data(this.h);
      parts.push(new Uint8Array(this.x.memory.buffer, ptr, n).slice());
      total += n;
    }
    if (total) {
      const out = parts.length === 1 ? parts[0] : concatAll(parts, total);
      this.writing = this.writing.then(() => this.writer.write(out)).catch((err) => this.fail(err));
    }
    // Sending can close streams too (a RST_STREAM nghttp2 queued for a malformed response).
    if (!this.inEvents) this.processEvents();
  }

  strerror(code) {
    const p = this.x.wt_h2_strerror(code);
    const mem = new Uint8Array(this.x.memory.buffer);
    let end = p;
    while (mem[end]) end++;
    return decoder.decode(mem.subarray(p, end));
  }

  async readLoop() {
    for (;;) {
      let chunk;
      try {
        const { value, done } = await this.reader.read();
        if (done) {
          if (!this.dead) this.fail(new HttpError(this.streams.size ? 'TRUNCATED' : 'CLOSED', this.streams.size ? 'TRUNCATED_BODY' : 'CLOSED',
            'the server closed the HTTP/2 connection'));
          return;
        }
        chunk = value;
      } catch (err) {
        this.fail(err instanceof WasmTlsError ? new HttpError(err.code, 'TRUNCATED_BODY', `the HTTP/2 connection failed: ${err.message}`, { cause: err }) : err);
        return;
      }
      if (this.dead) return;
      const rv = this.withBytes(chunk, (p, n) => this.x.wt_h2_recv(this.h, p, n));
      this.processEvents();
      if (rv < 0) {
        this.flush(); // nghttp2 queued a GOAWAY describing the error
        this.fail(h2Error('H2_PROTOCOL_ERROR', `HTTP/2 protocol error from the server: ${this.strerror(rv)}`));
        return;
      }
      this.flush();
      for (const w of this.bodyWaiters.splice(0)) w();
      if (this.dead) return;
      if (this.goingAway && this.streams.size === 0) { this.close(); return; }
      if ((this.x.wt_h2_want(this.h) & 3) === 0) {
        // nghttp2 ended the session itself (it sent GOAWAY for a connection error of the server)
        this.fail(h2Error('H2_PROTOCOL_ERROR', 'HTTP/2 protocol error from the server: nghttp2 terminated the session'));
        return;
      }
    }
  }

  processEvents() {
    if (this.dead) return;
    const len = this.x.wt_h2_events_len(this.h);
    if (!len) return;
    this.inEvents = true;
    try { this.processEventBytes(len); } finally { this.inEvents = false; }
  }

  processEventBytes(len) {
    const base = this.x.wt_h2_events_ptr(this.h);
    const buf = new Uint8Array(this.x.memory.buffer, base, len).slice();
    this.x.wt_h2_events_clear(this.h);
    const dv = new DataView(buf.buffer);
    let off = 0;
    while (off < len) {
      const type = buf[off];
      const stream = dv.getUint32(off + 1, true);
      const a = dv.getUint32(off + 5, true);
      const l1 = dv.getUint32(off + 9, true);
      const d1 = buf.subarray(off + 13, off + 13 + l1);
      const l2 = dv.getUint32(off + 13 + l1, true);
      const d2 = buf.subarray(off + 17 + l1, off + 17 + l1 + l2);
      off += 17 + l1 + l2;
      this.onEvent(type, stream, a, d1, d2);
    }
  }

  onEvent(type, id, a, d1, d2) {
    if (type === 6) { this.onGoaway(id, a); return; }
    const st = this.streams.get(id);
    if (!st) return;
    switch (type) {
      case 1: { // HEADER
        st.headerBytes += d1.length + d2.length + 32;
        if (st.headerBytes > this.maxHeaderSize) {
          this.failStream(st, h2Error('HEADERS_TOO_LARGE', `the response header block is over ${this.maxHeaderSize} bytes`), NGHTTP2_CANCEL);
          return;
        }
        st.headers.push([decoder.decode(d1), decoder.decode(d2)]);
        break;
      }
      case 2: { // HEADERS_END
        if (!st.head) {
          const status = st.headers.find(([n]) => n === ':status')?.[1];
          if (!/^[1-5][0-9]{2}$/.test(status ?? '')) {
            this.failStream(st, protocolError('MALFORMED_STATUS_LINE', `invalid :status ${JSON.stringify(status)}`), 1);
            return;
          }
          if (status[0] === '1') { st.headers = []; st.headerBytes = 0; break; }
          st.head = { version: '2', status: Number(status), statusText: '', headers: st.headers.filter(([n]) => n[0] !== ':'), endStream: a === 1 };
          st.resolveHead(st.head);
        }
        if (a === 1) this.endStream(st);
        break;
      }
      case 3: // DATA
        if (st.cancelled) { this.x.wt_h2_consume(this.h, id, d1.length); break; }
        st.queue.push(d1.slice());
        st.wake();
        break;
      case 4: // STREAM_END
        this.endStream(st);
        break;
      case 5: // CLOSE
        if (a !== 0 && !st.ended) {
          const err = h2Error('H2_STREAM_RESET', `the stream was reset (RST_STREAM ${errorName(a)}): by the server, or by nghttp2 for a malformed response`);
          if (a === NGHTTP2_REFUSED_STREAM && !st.head) err.retryable = true;
          this.failStream(st, err, null);
        } else if (!st.ended) {
          this.endStream(st);
        }
        this.removeStream(st);
        break;
      default:
    }
  }

  onGoaway(lastStreamId, code) {
    this.goingAway = true;
    this.onDead?.(); // no new streams on this connection: the client opens another
    this.onDead = null;
    for (const st of [...this.streams.values()]) {
      if (st.id > lastStreamId) {
        const err = h2Error('H2_GOAWAY', `the server is going away (GOAWAY ${errorName(code)}) and did not process the request`);
        err.retryable = !st.head;
        this.failStream(st, err, null);
        this.removeStream(st);
      }
    }
    this.wakeCapacity();
  }

  endStream(st) {
    if (st.ended) return;
    st.ended = true;
    st.wake();
  }

  /** A stream failed: reject its head or error its body; `rst`: an error code to send, or null. */
  failStream(st, err, rst) {
    if (st.error || (st.ended && st.head && !st.queue.length && st.done)) return;
    st.error = err;
    if (!st.head) st.rejectHead(err);
    st.wake();
    if (rst !== null && !this.dead) { this.x.wt_h2_rst(this.h, st.id, rst); this.flush(); }
  }

  removeStream(st) {
    if (!this.streams.delete(st.id)) return;
    this.wakeCapacity();
    for (const w of this.bodyWaiters.splice(0)) w();
    this.armIdle();
  }

  /** The whole connection failed: every stream fails with `err`. */
  fail(err) {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.idleTimer);
    for (const st of this.streams.values()) {
      st.error ??= err;
      if (!st.head) st.rejectHead(err);
      st.wake();
    }
    this.streams.clear();
    this.wakeCapacity();
    for (const w of this.bodyWaiters.splice(0)) w();
    this.onDead?.();
    this.onDead = null;
    this.reader.cancel().catch(() => {});
    this.writer.abort().catch(() => {});
    this.socket.close().catch(() => {});
    this.x.wt_h2_free(this.h);
    this.h = 0;
  }

  destroy() { this.fail(new HttpError('CLOSED', 'CLOSED', 'the HTTP/2 connection was closed')); }

  /** GOAWAY, close_notify, done. */
  async close() {
    if (this.dead) return;
    this.goingAway = true;
    this.x.wt_h2_goaway(this.h, 0);
    this.flush();
    const writing = this.writing;
    this.dead = true;
    clearTimeout(this.idleTimer);
    this.onDead?.();
    this.onDead = null;
    for (const st of this.streams.values()) { st.error ??= new HttpError('CLOSED', 'CLOSED', 'the HTTP/2 connection was closed'); if (!st.head) st.rejectHead(st.error); st.wake(); }
    this.streams.clear();
    await writing.catch(() => {});
    this.writer.releaseLock();
    this.reader.releaseLock();
    this.x.wt_h2_free(this.h);
    this.h = 0;
    await this.socket.close().catch(() => {});
  }

  /**
   * Start a request. Resolves `head` with { version, status, statusText, headers, endStream };
   * `body()` is the response body stream (call once head resolved).
   * @param {{ method: string, target: string, authority: string, headers: Array<[string, string]>,
   *           body: null | Uint8Array | ReadableStream<Uint8Array> }} req
   */
  request(req) {
    if (this.dead || this.goingAway) {
      const err = h2Error('H2_GOAWAY', 'the HTTP/2 connection is closing');
      err.retryable = true;
      throw err;
    }
    this.requests++;
    const fields = [[':method', req.method], [':scheme', 'https'], [':authority', req.authority], [':path', req.target]];
    for (const [name, value] of req.headers) {
      const n = name.toLowerCase();
      if (CONNECTION_HEADERS.has(n) && !(n === 'te' && value.toLowerCase() === 'trailers')) continue;
      fields.push([n, value]);
    }
    const body = req.body;
    if (body instanceof Uint8Array) fields.push(['content-length', String(body.length)]);
    const hasBody = body instanceof Uint8Array ? body.length > 0 : !!body;
    const nv = encodeFields(fields);
    const id = this.withBytes(nv, (p, n) => this.x.wt_h2_request(this.h, p, n, hasBody ? 1 : 0));
    if (id < 0) throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', `nghttp2 refused the request: ${this.strerror(id)}`);
    let resolveHead;
    let rejectHead;
    const headP = new Promise((res, rej) => { resolveHead = res; rejectHead = rej; });
    headP.catch(() => {});
    const st = {
      id, headers: [], headerBytes: 0, head: null, queue: [], ended: false, error: null, cancelled: false, done: false,
      resolveHead, rejectHead, waiter: null,
      wake() { const w = this.waiter; this.waiter = null; w?.(); },
    };
    this.streams.set(id, st);
    clearTimeout(this.idleTimer);
    if (body instanceof Uint8Array && body.length) {
      this.withBytes(body, (p, n) => this.x.wt_h2_body(this.h, id, p, n, 1));
    } else if (hasBody) {
      this.pumpBody(st, body).catch((err) => this.failStream(st, err, NGHTTP2_CANCEL));
    }
    this.flushSoon();
    return { id, head: headP, body: () => this.bodyStream(st), cancel: (reason) => this.cancel(st, reason) };
  }

  async pumpBody(st, body) {
    const reader = body.getReader();
    try {
      for (;;) {
        while (!this.dead && this.streams.has(st.id) && this.x.wt_h2_body_pending(this.h, st.id) > MAX_BODY_BUFFER) {
          await new Promise((r) => this.bodyWaiters.push(r));
        }
        if (this.dead || !this.streams.has(st.id) || st.error) { reader.cancel().catch(() => {}); return; }
        const { value, done } = await reader.read();
        if (this.dead || !this.streams.has(st.id)) { if (!done) reader.cancel().catch(() => {}); return; }
        const bytes = done ? new Uint8Array(0) : toBytes(value);
        const rv = this.withBytes(bytes, (p, n) => this.x.wt_h2_body(this.h, st.id, p, n, done ? 1 : 0));
        if (rv < 0 && rv !== -510 /* NGHTTP2_ERR_STREAM_CLOSED */) throw h2Error('H2_PROTOCOL_ERROR', `nghttp2: ${this.strerror(rv)}`);
        this.flush();
        if (done) return;
      }
    } catch (err) {
      reader.cancel(err).catch(() => {});
      throw err;
    }
  }

  /** The application does not want the rest: RST_STREAM(CANCEL), give the window back. */
  cancel(st, reason) {
    if (st.cancelled) return;
    st.cancelled = true;
    st.error ??= reason ?? new HttpError('CLOSED', 'CLOSED', 'cancelled');
    if (!st.head) st.rejectHead(st.error);
    if (this.dead) return;
    let queued = 0;
    for (const c of st.queue) queued += c.length;
    st.queue = [];
    if (queued) this.x.wt_h2_consume(this.h, st.id, queued);
    if (this.streams.has(st.id) && !st.ended) this.x.wt_h2_rst(this.h, st.id, NGHTTP2_CANCEL);
    this.flush();
    st.wake();
  }

  bodyStream(st) {
    return new ReadableStream({
      pull: async (c) => {
        for (;;) {
          if (st.queue.length) {
            const chunk = st.queue.shift();
            c.enqueue(chunk);
            if (!this.dead) { this.x.wt_h2_consume(this.h, st.id, chunk.length); this.flush(); }
            return;
          }
          if (st.error) { c.error(st.error); return; }
          if (st.ended) { st.done = true; c.close(); return; }
          await new Promise((r) => { st.waiter = r; });
        }
      },
      cancel: (reason) => this.cancel(st, reason),
    }, { highWaterMark: 0 });
  }
}

function encodeFields(fields) {
  const encoded = fields.map(([n, v]) => [latin1(n), latin1(v)]);
  let total = 4;
  for (const [n, v] of encoded) total += 8 + n.length + v.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, encoded.length, true);
  let off = 4;
  for (const [n, v] of encoded) {
    dv.setUint32(off, n.length, true);
    dv.setUint32(off + 4, v.length, true);
    out.set(n, off + 8);
    out.set(v, off + 8 + n.length);
    off += 8 + n.length + v.length;
  }
  return out;
}

function latin1(text) {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return encoder.encode(text);
    out[i] = c;
  }
  return out;
}

function concatAll(parts, total) {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

function toBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', 'a request body stream must yield bytes (Uint8Array)');
}
