/**
 * A WebSocket client (RFC 6455) with the WHATWG shape, over a wasmtls socket for wss:// and
 * over the runtime's plain transport for ws://. Handshake with the Sec-WebSocket-Accept check,
 * masked frames, fragmented messages reassembled up to `maxMessageSize`, ping answered with
 * pong, close codes. No extensions are offered (no permessage-deflate).
 */
import { H1Connection } from './http1.js';
import { HttpError } from './errors.js';
import { parseAddress } from '../core/address.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024;
const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const encoder = new TextEncoder();

function b64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

async function acceptFor(key) {
  const digest = await crypto.subtle.digest('SHA-1', encoder.encode(key + GUID));
  return b64(new Uint8Array(digest));
}

function wsError(httpCode, message) {
  return new HttpError('WEBSOCKET', httpCode, message);
}

class MessageEventShim extends Event {
  constructor(type, init) { super(type); this.data = init.data; this.origin = init.origin ?? ''; }
}
class CloseEventShim extends Event {
  constructor(type, init) { super(type); this.code = init.code; this.reason = init.reason; this.wasClean = init.wasClean; }
}
const makeMessageEvent = (init) => (typeof MessageEvent === 'function' ? new MessageEvent('message', init) : new MessageEventShim('message', init));
const makeCloseEvent = (init) => (typeof CloseEvent === 'function' ? new CloseEvent('close', init) : new CloseEventShim('close', init));

/**
 * @param {{ connect: Function, plainTransport?: Function }} runtime
 */
export function makeWebSocket(runtime) {
  class WebSocket extends EventTarget {
    static CONNECTING = CONNECTING;
    static OPEN = OPEN;
    static CLOSING = CLOSING;
    static CLOSED = CLOSED;

    /**
     * @param {string | URL} url  wss:// (TLS through wasmtls) or ws://
     * @param {string | string[]} [protocols]
     * @param {{ tls?: object, transport?: any, connectTo?: string, maxMessageSize?: number, headers?: HeadersInit }} [options]
     */
    constructor(url, protocols = [], options = {}) {
      super();
      const u = new URL(url);
      if (u.protocol === 'https:') u.protocol = 'wss:';
      if (u.protocol === 'http:') u.protocol = 'ws:';
      if (u.protocol !== 'wss:' && u.protocol !== 'ws:') throw new DOMException(`unsupported scheme ${u.protocol}`, 'SyntaxError');
      if (u.hash) throw new DOMException('a WebSocket URL has no fragment', 'SyntaxError');
      const list = typeof protocols === 'string' ? [protocols] : [...protocols];
      if (new Set(list).size !== list.length || list.some((p) => !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p))) {
        throw new DOMException('invalid or duplicate subprotocols', 'SyntaxError');
      }
      this.url = u.href;
      this.readyState = CONNECTING;
      this.protocol = '';
      this.extensions = '';
      this.bufferedAmount = 0;
      this.binaryType = 'blob';
      this.onopen = null;
      this.onmessage = null;
      this.onclose = null;
      this.onerror = null;
      this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE;
      this.closeSent = false;
      this.closeReceived = null;
      this.sending = Promise.resolve();
      this.start(u, list, options).catch((err) => this.failConnection(err, 1006));
    }

    dispatch(event) {
      const handler = this[`on${event.type}`];
      if (typeof handler === 'function') { try { handler.call(this, event); } catch (err) { queueMicrotask(() => { throw err; }); } }
      this.dispatchEvent(event);
    }

    async start(u, protocols, options) {
      const secure = u.protocol === 'wss:';
      const hostname = u.hostname.replace(/^\[|\]$/g, '');
      const port = u.port ? Number(u.port) : secure ? 443 : 80;
      const address = options.connectTo ? parseAddress(options.connectTo) : { hostname, port };
      let socket;
      let info = { alpn: null };
      if (secure) {
        const tls = options.tls ?? {};
        socket = runtime.connect(address, { ...tls, serverName: tls.serverName ?? (options.connectTo ? hostname : undefined), alpn: ['http/1.1'], transport: options.transport });
        info = await socket.opened;
      } else {
        const open = typeof options.transport === 'function' ? options.transport : runtime.plainTransport;
        if (!open) throw wsError('UNSUPPORTED_SCHEME', 'ws:// needs a plain transport here (pass `transport`)');
        const t = await open(address, {});
        socket = { readable: t.readable, writable: t.writable, close: async () => { try { t.close?.(); } catch { /* closed */ } } };
      }
      this.socket = socket;
      const conn = new H1Connection(socket, info, { maxHeaderSize: 64 * 1024 });
      this.conn = conn;
      const key = b64(crypto.getRandomValues(new Uint8Array(16)));
      const headers = new Headers(options.headers);
      const fields = [['host', u.host], ['upgrade', 'websocket'], ['sec-websocket-key', key], ['sec-websocket-version', '13']];
      if (protocols.length) fields.push(['sec-websocket-protocol', protocols.join(', ')]);
      for (const [n, v] of headers) fields.push([n, v]);
      // writeRequest leaves out Connection/Upgrade (hop-by-hop): write the head ourselves
      let head = `GET ${u.pathname}${u.search} HTTP/1.1\r\nconnection: Upgrade\r\n`;
      for (const [n, v] of fields) head += `${n}: ${v}\r\n`;
      await conn.writer.write(encoder.encode(`${head}\r\n`));
      const { head: res } = await conn.readResponseHead('GET');
      const get = (n) => res.headers.filter(([k]) => k === n).map(([, v]) => v).join(', ');
      if (res.status !== 101) throw wsError('HANDSHAKE_FAILED', `the server answered the WebSocket handshake with ${res.status}`);
      if (get('upgrade').toLowerCase() !== 'websocket' || !get('connection').toLowerCase().split(',').map((t) => t.trim()).includes('upgrade')) {
        throw wsError('HANDSHAKE_FAILED', 'the 101 response lacks Upgrade: websocket / Connection: Upgrade');
      }
      if (get('sec-websocket-accept') !== await acceptFor(key)) throw wsError('BAD_ACCEPT', 'Sec-WebSocket-Accept does not match the key');
      if (get('sec-websocket-extensions')) throw wsError('HANDSHAKE_FAILED', 'the server chose an extension that was not offered');
      const proto = get('sec-websocket-protocol');
      if (proto && !protocols.includes(proto)) throw wsError('HANDSHAKE_FAILED', `the server chose subprotocol ${JSON.stringify(proto)}, not offered`);
      this.protocol = proto;
      this.readyState = OPEN;
      this.dispatch(new Event('open'));
      await this.readFrames();
    }

    /** Read frames until the close handshake or an error. */
    async readFrames() {
      const conn = this.conn;
      const need = async (n) => {
        while (conn.buf.length < n) {
          if (!(await conn.more())) throw wsError('TRUNCATED', 'the connection ended inside a WebSocket frame');
        }
        const out = conn.buf.subarray(0, n);
        conn.buf = conn.buf.subarray(n);
        return out;
      };
      let fragments = null;
      let fragmentType = 0;
      let fragmentSize = 0;
      for (;;) {
        if (conn.buf.length === 0) {
          let more;
          try { more = await conn.more(); } catch (err) { throw err; }
          if (!more) {
            if (this.closeReceived) return this.finish(true);
            throw wsError('TRUNCATED', 'the connection ended without a close frame');
          }
        }
        const h = await need(2);
        const fin = (h[0] & 0x80) !== 0;
        const opcode = h[0] & 0x0f;
        if (h[0] & 0x70) throw wsError('PROTOCOL_ERROR', 'a frame has RSV bits set (no extension was negotiated)');
        if (h[1] & 0x80) throw wsError('PROTOCOL_ERROR', 'the server masked a frame');
        let len = h[1] & 0x7f;
        if (len === 126) { const b = await need(2); len = (b[0] << 8) | b[1]; if (len < 126) throw wsError('PROTOCOL_ERROR', 'non-minimal length'); }
        else if (len === 127) {
          const b = await need(8);
          const hi = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
          const lo = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
          if (hi & 0x80000000) throw wsError('PROTOCOL_ERROR', 'frame length with the top bit set');
          len = hi * 2 ** 32 + lo;
          if (len < 65536) throw wsError('PROTOCOL_ERROR', 'non-minimal length');
        }
        const control = opcode >= 8;
        if (control && (len > 125 || !fin)) throw wsError('PROTOCOL_ERROR', 'a control frame is fragmented or over 125 bytes');
        if (!control && fragmentSize + len > this.maxMessageSize) {
          this.closeWith(1009, 'message too big');
          throw wsError('MESSAGE_TOO_BIG', `a message is over maxMessageSize (${this.maxMessageSize} bytes)`);
        }
        const payload = len ? (await need(len)).slice() : new Uint8Array(0);
        if (opcode === 0x8) { await this.onClose(payload); if (this.closeSent) return this.finish(true); continue; }
        if (opcode === 0x9) { this.sendFrame(0xA, payload); continue; }
        if (opcode === 0xA) continue;
        if (opcode === 0x0) {
          if (!fragments) throw wsError('PROTOCOL_ERROR', 'a continuation frame without a message');
          fragments.push(payload);
          fragmentSize += len;
        } else if (opcode === 0x1 || opcode === 0x2) {
          if (fragments) throw wsError('PROTOCOL_ERROR', 'a new message inside a fragmented one');
          fragments = [payload];
          fragmentType = opcode;
          fragmentSize = len;
        } else {
          throw wsError('PROTOCOL_ERROR', `unknown opcode ${opcode}`);
        }
        if (!fin) continue;
        const parts = fragments;
        fragments = null;
        const data = parts.length === 1 ? parts[0] : concatAll(parts, fragmentSize);
        fragmentSize = 0;
        if (this.readyState !== OPEN) continue;
        if (fragmentType === 0x1) {
          let text;
          try { text = new TextDecoder('utf-8', { fatal: true }).decode(data); } catch {
            this.closeWith(1007, 'invalid UTF-8');
            throw wsError('INVALID_UTF8', 'a text message is not valid UTF-8');
          }
          this.dispatch(makeMessageEvent({ data: text, origin: new URL(this.url).origin }));
        } else {
          const ab = data.buffer.byteLength === data.byteLength && data.byteOffset === 0 ? data.buffer : data.slice().buffer;
          this.dispatch(makeMessageEvent({ data: this.binaryType === 'arraybuffer' ? ab : new Blob([ab]), origin: new URL(this.url).origin }));
        }
      }
    }

    async onClose(payload) {
      let code = 1005;
      let reason = '';
      if (payload.length === 1) throw wsError('PROTOCOL_ERROR', 'a close frame with a 1-byte body');
      if (payload.length >= 2) {
        code = (payload[0] << 8) | payload[1];
        try { reason = new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(2)); } catch { throw wsError('INVALID_UTF8', 'the close reason is not valid UTF-8'); }
      }
      this.closeReceived = { code, reason };
      if (!this.closeSent) {
        this.readyState = CLOSING;
        const echo = code === 1005 ? new Uint8Array(0) : payload.subarray(0, 2);
        this.sendFrame(0x8, echo);
        this.closeSent = true;
      }
    }

    /** Mask and send one frame (in order). */
    sendFrame(opcode, payload) {
      const len = payload.length;
      const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
      const frame = new Uint8Array(headerLen + 4 + len);
      frame[0] = 0x80 | opcode;
      if (len < 126) frame[1] = 0x80 | len;
      else if (len < 65536) { frame[1] = 0x80 | 126; frame[2] = len >> 8; frame[3] = len & 0xff; }
      else {
        frame[1] = 0x80 | 127;
        const hi = Math.floor(len / 2 ** 32);
        const v = new DataView(frame.buffer);
        v.setUint32(2, hi);
        v.setUint32(6, len >>> 0);
      }
      const mask = crypto.getRandomValues(new Uint8Array(4));
      frame.set(mask, headerLen);
      const off = headerLen + 4;
      for (let i = 0; i < len; i++) frame[off + i] = payload[i] ^ mask[i & 3];
      this.bufferedAmount += len;
      this.sending = this.sending.then(() => this.conn.writer.write(frame)).then(
        () => { this.bufferedAmount -= len; },
        () => { this.bufferedAmount -= len; },
      );
    }

    /** @param {string | ArrayBuffer | ArrayBufferView | Blob} data */
    send(data) {
      if (this.readyState === CONNECTING) throw new DOMException('the WebSocket is still connecting', 'InvalidStateError');
      if (this.readyState !== OPEN) return;
      if (typeof data === 'string') { this.sendFrame(0x1, encoder.encode(data)); return; }
      if (data instanceof ArrayBuffer) { this.sendFrame(0x2, new Uint8Array(data)); return; }
      if (ArrayBuffer.isView(data)) { this.sendFrame(0x2, new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()); return; }
      if (typeof Blob === 'function' && data instanceof Blob) {
        const p = data.arrayBuffer();
        this.bufferedAmount += data.size;
        this.sending = this.sending.then(async () => {
          const bytes = new Uint8Array(await p);
          this.bufferedAmount -= data.size;
          this.sendFrame(0x2, bytes);
        });
        return;
      }
      this.sendFrame(0x1, encoder.encode(String(data)));
    }

    closeWith(code, reason) {
      if (this.closeSent || !this.conn) return;
      const r = encoder.encode(reason);
      const p = new Uint8Array(2 + r.length);
      p[0] = code >> 8;
      p[1] = code & 0xff;
      p.set(r, 2);
      this.sendFrame(0x8, p);
      this.closeSent = true;
    }

    /** @param {number} [code] 1000 or 3000–4999 @param {string} [reason] at most 123 bytes */
    close(code, reason = '') {
      if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
        throw new DOMException(`close code must be 1000 or 3000-4999, got ${code}`, 'InvalidAccessError');
      }
      if (encoder.encode(reason).length > 123) throw new DOMException('close reason over 123 bytes', 'SyntaxError');
      if (this.readyState === CLOSING || this.readyState === CLOSED) return;
      if (this.readyState === CONNECTING) { this.failConnection(wsError('ABORTED', 'closed before the handshake'), 1006); return; }
      this.readyState = CLOSING;
      if (code === undefined) { this.sendFrame(0x8, new Uint8Array(0)); this.closeSent = true; } else this.closeWith(code, reason);
      // the server answers with its close frame; readFrames() then finishes. Give up after 5 s.
      this.closeTimer = setTimeout(() => this.finish(false), 5000);
      this.closeTimer?.unref?.();
    }

    async finish(clean) {
      if (this.readyState === CLOSED) return;
      clearTimeout(this.closeTimer);
      this.readyState = CLOSED;
      await this.sending.catch(() => {});
      try { await this.conn?.close(); } catch { /* gone */ }
      const { code, reason } = this.closeReceived ?? { code: 1006, reason: '' };
      this.dispatch(makeCloseEvent({ code: clean ? code : 1006, reason: clean ? reason : '', wasClean: clean }));
    }

    failConnection(err, code) {
      if (this.readyState === CLOSED) return;
      clearTimeout(this.closeTimer);
      const wasClosing = this.closeReceived && this.closeSent;
      this.readyState = CLOSED;
      this.error = err;
      this.conn?.destroy();
      if (!this.conn) this.socket?.close?.().catch?.(() => {});
      if (!wasClosing) {
        const ev = new Event('error');
        ev.error = err;
        this.dispatch(ev);
      }
      this.dispatch(makeCloseEvent({ code: wasClosing ? this.closeReceived.code : code, reason: '', wasClean: !!wasClosing }));
    }
  }
  return WebSocket;
}

function concatAll(parts, total) {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}
