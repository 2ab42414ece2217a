/**
 * Transport over Wisp v1 (the multiplexing WebSocket protocol of libcurl.js
 * and epoxy-tls): many TCP streams share one WebSocket to a Wisp server.
 * Packets are `type u8 | stream_id u32le | payload`:
 *   CONNECT 0x01  stream_type u8 (1 = TCP) | port u16le | hostname (UTF-8)
 *   DATA    0x02  bytes
 *   CONTINUE 0x03 buffer_remaining u32le  (server → client flow control)
 *   CLOSE   0x04  reason u8
 * The server announces the initial per-stream buffer with a CONTINUE on
 * stream 0; each DATA packet the client sends uses one slot until the server
 * sends a CONTINUE for that stream. Writes wait for a free slot (and for the
 * shared WebSocket's bufferedAmount to drain), so a slow server slows the
 * writer instead of growing memory.
 */
import { WasmTlsError } from '../core/errors.js';
import { openSocket } from './websocket.js';

const T_CONNECT = 0x01;
const T_DATA = 0x02;
const T_CONTINUE = 0x03;
const T_CLOSE = 0x04;
const STREAM_TCP = 0x01;
const REASON_VOLUNTARY = 0x02;
const READ_HIGH_WATER_MARK = 256 * 1024;
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
const WRITE_HIGH_WATER_MARK = 256 * 1024;
const DRAIN_POLL_MS = 5;
const encoder = new TextEncoder();

/** CLOSE reasons (Wisp v1 spec), for messages. */
const REASONS = {
  0x01: 'unspecified', 0x02: 'voluntary', 0x03: 'network error', 0x04: 'incompatible extensions',
  0x41: 'invalid destination', 0x42: 'destination unreachable', 0x43: 'connection timed out',
  0x44: 'connection refused', 0x47: 'TCP timeout', 0x48: 'destination blocked by the server',
  0x49: 'throttled', 0x81: 'client error',
};
/** Reasons that mean the TCP connection was never made. */
const CONNECT_REASONS = new Set([0x41, 0x42, 0x43, 0x44, 0x47, 0x48, 0x49]);

/**
 * A transport factory for `connect(address, { transport: wisp(url) })`. All
 * connections opened with the same factory share one WebSocket (opened on
 * first use, reopened after it closes).
 * @param {string | URL} url  ws:// or wss:// URL of the Wisp server (usually ending in '/')
 */
export function wisp(url) {
  const href = String(url);
  if (!/^wss?:\/\//i.test(href)) throw new TypeError(`wasmtls: wisp() needs a ws:// or wss:// URL, got ${href}`);
  /** @type {Promise<WispSession> | null} */
  let session = null;
  /** @type {WispSession | null} the open session, once `session` resolved (streams open without a wait) */
  let live = null;
  let opened = 0;
  const factory = async (address, { signal } = {}) => {
    if (live && !live.ended) return live.openStream(address.hostname, address.port);
    if (!session) {
      session = WispSession.open(href, signal);
      session.then((s) => { opened++; live = s; s.onEnd(() => { session = null; if (live === s) live = null; }); }, () => { session = null; });
    }
    const s = await session;
    return s.openStream(address.hostname, address.port);
  };
  /** The number of WebSockets this factory opened so far (diagnostics, tests). */
  factory.sessions = () => opened;
  return factory;
}

class WispSession {
  /** Open the WebSocket and wait for the server's initial CONTINUE. */
  static async open(url, signal) {
    const ws = await openSocket(url, undefined, signal);
    const session = new WispSession(ws, url);
    await session.ready;
    return session;
  }

  constructor(ws, url) {
    this.ws = ws;
    this.url = url;
    this.nextId = 1;
    /** @type {Map<number, WispStream>} */
    this.streams = new Map();
    this.initialBuffer = 0;
    this.ended = false;
    this.endCallbacks = [];
    this.ready = new Promise((resolve, reject) => { this.readyResolve = resolve; this.readyReject = reject; });
    ws.addEventListener('message', (ev) => this.onMessage(ev.data));
    ws.addEventListener('close', (ev) => this.onClose(`closed (code ${ev.code}${ev.reason ? `, ${ev.reason}` : ''})`));
    ws.addEventListener('error', () => this.onClose('failed'));
  }

  onEnd(fn) { if (this.ended) fn(); else this.endCallbacks.push(fn); }

  send(type, id, payload) {
    const packet = new Uint8Array(5 + payload.length);
    packet[0] = type;
    packet[1] = id & 0xff; packet[2] = (id >>> 8) & 0xff; packet[3] = (id >>> 16) & 0xff; packet[4] = id >>> 24; // u32le
    packet.set(payload, 5);
    this.ws.send(packet);
  }

  /** @returns {import('../core/connection.js').Transport} */
  openStream(hostname, port) {
    if (this.ended) throw new WasmTlsError('CONNECT_FAILED', `the Wisp connection to ${this.url} is closed`);
    const id = this.nextId++;
    const host = encoder.encode(hostname);
    const payload = new Uint8Array(3 + host.length);
    payload[0] = STREAM_TCP;
    payload[1] = port & 0xff;
    payload[2] = port >> 8;
    payload.set(host, 3);
    const stream = new WispStream(this, id, `${hostname}:${port}`);
    this.streams.set(id, stream);
    this.send(T_CONNECT, id, payload);
    return stream.transport();
  }

  onMessage(data) {
    if (typeof data === 'string' || data.byteLength < 5) { this.fail('sent a malformed packet'); return; }
    const bytes = new Uint8Array(data);
    const view = new DataView(data);
    const type = bytes[0];
    const id = view.getUint32(1, true);
    if (type === T_CONTINUE && data.byteLength >= 9) {
      const remaining = view.getUint32(5, true);
      if (id === 0) { this.initialBuffer = remaining; this.readyResolve(); return; }
      this.streams.get(id)?.onContinue(remaining);
    } else if (type === T_DATA) {
      this.streams.get(id)?.onData(bytes.subarray(5));
    } else if (type === T_CLOSE && data.byteLength >= 6) {
      const stream = this.streams.get(id);
      this.streams.delete(id);
      stream?.onClose(bytes[5]);
    } // other types (v2 INFO, unknown) are ignored in v1
  }

  fail(why) {
    try { this.ws.close(1002); } catch { /* ignore */ }
    this.onClose(why);
  }

  onClose(why) {
    if (this.ended) return;
    this.ended = true;
    const err = new WasmTlsError('TRANSPORT_CLOSED', `the Wisp WebSocket to ${this.url} ${why}`, { detail: 'wisp' });
    this.readyReject(new WasmTlsError('CONNECT_FAILED', err.message, { detail: 'wisp' }));
    for (const stream of this.streams.values()) stream.onBroken(err);
    this.streams.clear();
    for (const fn of this.endCallbacks) fn();
  }

  /** Close one stream from our side. */
  closeStream(id) {
    if (!this.streams.delete(id) || this.ended) return;
    this.send(T_CLOSE, id, Uint8Array.of(REASON_VOLUNTARY));
  }
}

class WispStream {
  constructor(session, id, label) {
    this.session = session;
    this.id = id;
    this.label = label;
    this.credit = session.initialBuffer;
    this.received = false;
    this.done = false;
    this.creditWaiters = [];
    this.error = null;
  }

  transport() {
    const stream = this;
    const readable = new ReadableStream({
      start(c) { stream.controller = c; },
      cancel() { stream.done = true; stream.session.closeStream(stream.id); },
    }, { highWaterMark: READ_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength });
    const writable = new WritableStream({
      write: (chunk) => this.write(chunk),
      abort: () => this.session.closeStream(this.id),
    });
    return { readable, writable, close: () => this.session.closeStream(this.id) };
  }

  async write(chunk) {
    const ws = this.session.ws;
    while (this.credit <= 0 && !this.error) await new Promise((resolve) => this.creditWaiters.push(resolve));
    if (this.error) throw this.error;
    if (this.done || !this.session.streams.has(this.id)) {
      throw new WasmTlsError('TRANSPORT_CLOSED', `the Wisp stream to ${this.label} is closed`);
    }
    this.credit--;
    this.session.send(T_DATA, this.id, chunk);
    while (ws.bufferedAmount > WRITE_HIGH_WATER_MARK && !this.error) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    if (this.error) throw this.error;
  }

  wakeWriters() {
    const waiters = this.creditWaiters;
    this.creditWaiters = [];
    for (const w of waiters) w();
  }

  onContinue(remaining) {
    this.credit = remaining;
    this.wakeWriters();
  }

  onData(bytes) {
    if (this.done) return;
    this.received = true;
    this.controller.enqueue(bytes.slice());
    if (READ_HIGH_WATER_MARK - (this.controller.desiredSize ?? 0) > MAX_QUEUED_BYTES) {
      this.onBroken(new WasmTlsError('TRANSPORT_CLOSED',
        `more than ${MAX_QUEUED_BYTES} bytes from ${this.label} are waiting to be read: the reader is too slow`, { detail: 'read buffer limit' }));
      this.session.closeStream(this.id);
    }
  }

  /** The server closed the stream. */
  onClose(reason) {
    if (reason === REASON_VOLUNTARY) { // the TCP peer closed: EOF
      if (!this.done) { this.done = true; this.controller.close(); }
      this.error = new WasmTlsError('TRANSPORT_CLOSED', `the Wisp stream to ${this.label} is closed`);
      this.wakeWriters();
      return;
    }
    const name = REASONS[reason] ?? `reason 0x${reason.toString(16)}`;
    const code = !this.received && CONNECT_REASONS.has(reason) ? 'CONNECT_FAILED' : 'TRANSPORT_CLOSED';
    this.onBroken(new WasmTlsError(code, `the Wisp server closed the stream to ${this.label}: ${name}`, { detail: `wisp 0x${reason.toString(16)}` }));
  }

  onBroken(err) {
    this.error = err;
    this.wakeWriters();
    if (this.done) return;
    this.done = true;
    this.controller.error(err);
  }
}
