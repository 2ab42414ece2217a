/**
 * HTTP/1.1 over one wasmtls socket: request serialisation and a strict, incremental response
 * parser (RFC 9112). Anything ambiguous is refused instead of guessed: bare LF, obs-fold,
 * whitespace before a colon, both Transfer-Encoding and Content-Length, differing
 * Content-Length values, a transfer coding other than a final `chunked`, chunk sizes that are
 * not 1–12 hex digits, a head over `maxHeaderSize`. Every refusal is an HttpError and the
 * connection is never used again after it. Runtime-neutral: Web Streams only.
 */
import { protocolError, truncated, HttpError } from './errors.js';

export const DEFAULT_MAX_HEADER_SIZE = 64 * 1024;
const MAX_CHUNK_LINE = 4096;
const CR = 13;
const LF = 10;
const encoder = new TextEncoder();
const latin1 = new TextDecoder('latin1');

const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9][0-9]{2})(?: ([\t \x21-\x7e\x80-\xff]*))?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t \x21-\x7e\x80-\xff]*$/;
const CHUNK_LINE = /^([0-9A-Fa-f]{1,12})((?:[\t ]*;[\t \x21-\x7e\x80-\xff]*)?)$/;
/** Request headers the client sets itself (framing and connection management). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'te', 'proxy-connection']);

function concat(a, b) {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Parse a response head (status line and fields, without the final CRLF CRLF), latin1 text.
 * Exported for the table test. Throws HttpError.
 * @returns {{ version: '1.0' | '1.1', status: number, statusText: string, headers: Array<[string, string]> }}
 */
export function parseHead(text) {
  const lines = text.split('\r\n');
  const m = STATUS_LINE.exec(lines[0]);
  if (!m) throw protocolError('MALFORMED_STATUS_LINE', `malformed status line ${JSON.stringify(lines[0].slice(0, 80))}`);
  const headers = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.includes('\r') || line.includes('\0')) throw protocolError('MALFORMED_HEADER', 'a header line holds CR or NUL');
    if (line[0] === ' ' || line[0] === '\t') throw protocolError('MALFORMED_HEADER', 'obsolete line folding in the response headers');
    const colon = line.indexOf(':');
    if (colon <= 0) throw protocolError('MALFORMED_HEADER', `malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw protocolError('MALFORMED_HEADER', `invalid header name ${JSON.stringify(name.slice(0, 80))}`);
    const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, '');
    if (!FIELD_VALUE.test(value)) throw protocolError('MALFORMED_HEADER', `invalid characters in header ${name}`);
    headers.push([name.toLowerCase(), value]);
  }
  return { version: m[1] === '1' ? '1.1' : '1.0', status: Number(m[2]), statusText: m[3] ?? '', headers };
}

/**
 * How the body of a response is delimited (RFC 9112 §6.3), or an HttpError.
 * @returns {{ kind: 'none' } | { kind: 'length', length: number } | { kind: 'chunked' } | { kind: 'close' }}
 */
export function framingOf(method, head) {
  const te = head.headers.filter(([n]) => n === 'transfer-encoding').map(([, v]) => v);
  const cl = head.headers.filter(([n]) => n === 'content-length').map(([, v]) => v);
  if (te.length && cl.length) {
    throw protocolError('CONFLICTING_LENGTH', 'the response has both Transfer-Encoding and Content-Length');
  }
  let length = null;
  if (cl.length) {
    // One field with one decimal value: lists ("5, 5") and repeated fields are refused, as llhttp does.
    const values = cl;
    if (values.length !== 1 || !/^[0-9]{1,15}$/.test(values[0])) {
      throw protocolError('INVALID_CONTENT_LENGTH', `invalid Content-Length ${JSON.stringify(cl.join(', ').slice(0, 80))}`);
    }
    length = Number(values[0]);
  }
  let chunked = false;
  if (te.length) {
    const codings = te.join(',').split(',').map((v) => v.trim().toLowerCase());
    if (head.version === '1.0' || codings.length !== 1 || codings[0] !== 'chunked') {
      throw protocolError('UNSUPPORTED_TRANSFER_ENCODING', `unsupported Transfer-Encoding ${JSON.stringify(te.join(', ').slice(0, 80))}`);
    }
    chunked = true;
  }
  if (method === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return { kind: 'none' };
  if (chunked) return { kind: 'chunked' };
  if (length !== null) return { kind: 'length', length };
  return { kind: 'close' };
}

/** Whether the connection may carry another request after this response. */
function keepAliveOf(head) {
  const tokens = head.headers.filter(([n]) => n === 'connection')
    .flatMap(([, v]) => v.toLowerCase().split(',').map((t) => t.trim()));
  if (tokens.includes('close')) return false;
  return head.version === '1.1' || tokens.includes('keep-alive');
}

/**
 * One HTTP/1.1 connection: a wasmtls socket, its reader and writer, and the bytes read ahead.
 */
export class H1Connection {
  /**
   * @param {{ readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>, close(): Promise<void> }} socket
   * @param {object} info  socket.opened
   * @param {{ maxHeaderSize?: number }} [options]
   */
  constructor(socket, info, options = {}) {
    this.socket = socket;
    this.info = info;
    this.maxHeaderSize = options.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
    this.buf = new Uint8Array(0);
    this.pendingRead = null;
    this.dead = false;
    this.requests = 0;
    /** @type {(() => void) | null} */
    this.onDead = null;
  }

  /** Next bytes from the socket, or null at a clean end (close_notify). Throws the socket's error. */
  async read() {
    const p = this.pendingRead ?? this.reader.read();
    this.pendingRead = null;
    const { value, done } = await p;
    return done ? null : value;
  }

  /**
   * The connection sits in the pool: keep a read pending so that a close (or unsolicited bytes)
   * from the server marks it dead at once, instead of failing the next request.
   */
  watchIdle() {
    if (this.buf.length) { this.destroy(); return; }
    const p = this.reader.read();
    this.pendingRead = p;
    p.then(({ done, value }) => {
      if (this.pendingRead === p && (done || value)) this.destroy();
    }, () => { if (this.pendingRead === p) this.destroy(); });
  }

  destroy() {
    if (this.dead) return;
    this.dead = true;
    this.pendingRead?.catch(() => {});
    this.reader.cancel().catch(() => {});
    this.writer.abort().catch(() => {});
    this.socket.close().catch(() => {});
    this.onDead?.();
  }

  /** Close politely (close_notify) when the pool lets the connection go. */
  close() {
    if (this.dead) return Promise.resolve();
    this.dead = true;
    this.pendingRead?.catch(() => {});
    this.onDead?.();
    return this.socket.close().catch(() => {});
  }

  /**
   * Send one request. `body` is null, bytes (sent with Content-Length) or a ReadableStream
   * (sent chunked). Resolves when the whole request is written.
   * @param {{ method: string, target: string, host: string, headers: Array<[string, string]>,
   *           body: null | Uint8Array | ReadableStream<Uint8Array> }} req
   */
  async writeRequest(req) {
    this.requests++;
    let head = `${req.method} ${req.target} HTTP/1.1\r\n`;
    let hasHost = false;
    for (const [name, value] of req.headers) {
      const n = name.toLowerCase();
      if (HOP_BY_HOP.has(n)) continue;
      if (n === 'host') hasHost = true;
      head += `${name}: ${value}\r\n`;
    }
    if (!hasHost) head = head.replace('\r\n', `\r\nhost: ${req.host}\r\n`);
    const body = req.body;
    if (body instanceof Uint8Array) {
      if (body.length || !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(req.method)) head += `content-length: ${body.length}\r\n`;
    } else if (body) {
      head += 'transfer-encoding: chunked\r\n';
    } else if (['POST', 'PUT', 'PATCH'].includes(req.method)) {
      head += 'content-length: 0\r\n';
    }
    head += '\r\n';
    const headBytes = latin1Bytes(head);
    if (body instanceof Uint8Array && body.length && body.length <= 16384) {
      await this.writer.write(concat(headBytes, body));
      return;
    }
    await this.writer.write(headBytes);
    if (body instanceof Uint8Array) {
      if (body.length) await this.writer.write(body);
      return;
    }
    if (!body) return;
    const reader = body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const bytes = toBytes(value);
        if (!bytes.length) continue;
        await this.writer.write(concat(encoder.encode(`${bytes.length.toString(16)}\r\n`), bytes));
        await this.writer.write(encoder.encode('\r\n'));
      }
    } catch (err) {
      reader.cancel(err).catch(() => {});
      throw err;
    }
    await this.writer.write(encoder.encode('0\r\n\r\n'));
  }

  /** Fill the buffer with at least one more chunk; false at a clean end. */
  async more() {
    const chunk = await this.read();
    if (chunk === null) return false;
    this.buf = concat(this.buf, chunk);
    return true;
  }

  /**
   * Read the head of the next final response (1xx responses are skipped).
   * @param {string} method
   * @returns {Promise<{ head: ReturnType<typeof parseHead>, framing: ReturnType<typeof framingOf>, keepAlive: boolean }>}
   */
  async readResponseHead(method) {
    for (;;) {
      const text = await this.readHeadBlock();
      const head = parseHead(text);
      if (head.status >= 100 && head.status < 200 && head.status !== 101) continue;
      const framing = framingOf(method, head);
      return { head, framing, keepAlive: keepAliveOf(head) && framing.kind !== 'close' };
    }
  }

  /** Bytes up to CRLF CRLF (consumed), as latin1 text; rejects bare LF and heads over the limit. */
  async readHeadBlock() {
    let scan = 0;
    let received = this.buf.length > 0;
    for (;;) {
      const buf = this.buf;
      for (let i = scan; i < buf.length; i++) {
        if (buf[i] === LF) {
          if (i === 0 || buf[i - 1] !== CR) throw protocolError('BARE_LF', 'a line of the response head ends in a bare LF');
          if (i >= 3 && buf[i - 2] === LF && buf[i - 3] === CR) {
            if (i + 1 > this.maxHeaderSize) break;
            const text = latin1.decode(buf.subarray(0, i - 3));
            this.buf = buf.subarray(i + 1);
            return text;
          }
        } else if (i > 0 && buf[i - 1] === CR) {
          throw protocolError('MALFORMED_HEADER', 'a CR in the response head is not followed by LF');
        }
      }
      if (buf.length > this.maxHeaderSize) {
        throw protocolError('HEADERS_TOO_LARGE', `the response head is over ${this.maxHeaderSize} bytes`);
      }
      // Resume where the scan stopped: a CRLF split across chunks is still checked (buf[i - 1]).
      scan = buf.length;
      let got;
      try {
        got = await this.more();
      } catch (err) {
        if (!received) throw Object.assign(truncated('NO_RESPONSE', 'the connection ended before a response', err), { noResponse: true });
        throw truncated('TRUNCATED_HEAD', 'the connection ended inside the response head', err);
      }
      if (!got) {
        if (!received) throw Object.assign(new HttpError('CLOSED', 'NO_RESPONSE', 'the server closed the connection without a response'), { noResponse: true });
        throw new HttpError('TRUNCATED', 'TRUNCATED_HEAD', 'the connection ended inside the response head');
      }
      received = this.buf.length > 0;
    }
  }

  /**
   * A reader of the body: `next()` gives the next bytes or null at the end (throws HttpError).
   * @param {ReturnType<typeof framingOf>} framing
   */
  bodyReader(framing) {
    if (framing.kind === 'none') return { next: async () => null };
    if (framing.kind === 'length') return this.lengthReader(framing.length);
    if (framing.kind === 'chunked') return this.chunkedReader();
    return this.closeReader();
  }

  /** Take up to `n` buffered bytes, reading more when the buffer is empty; null at a clean end. */
  async take(n, what) {
    if (this.buf.length === 0) {
      let got;
      try { got = await this.more(); } catch (err) { throw truncated('TRUNCATED_BODY', `the connection ended inside ${what}`, err); }
      if (!got) throw new HttpError('TRUNCATED', 'TRUNCATED_BODY', `the server closed the connection inside ${what}`);
    }
    const out = this.buf.subarray(0, Math.min(n, this.buf.length));
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  lengthReader(length) {
    let left = length;
    return {
      next: async () => {
        if (left === 0) return null;
        const bytes = await this.take(left, `the body (${length - left} of ${length} bytes received)`);
        left -= bytes.length;
        return bytes;
      },
    };
  }

  closeReader() {
    return {
      next: async () => {
        if (this.buf.length) {
          const out = this.buf;
          this.buf = new Uint8Array(0);
          return out;
        }
        let chunk;
        try {
          chunk = await this.read();
        } catch (err) {
          throw truncated('TRUNCATED_BODY', 'the connection ended without close_notify inside a close-delimited body', err);
        }
        return chunk;
      },
    };
  }

  /** One CRLF-terminated line of at most `limit` bytes (without the CRLF), as latin1 text. */
  async readLine(limit, what) {
    let scan = 0;
    for (;;) {
      const buf = this.buf;
      for (let i = scan; i < buf.length; i++) {
        if (buf[i] === LF) {
          if (i === 0 || buf[i - 1] !== CR) throw protocolError('INVALID_CHUNK', `bare LF in ${what}`);
          if (i - 1 > limit) throw protocolError('INVALID_CHUNK', `${what} is longer than ${limit} bytes`);
          const text = latin1.decode(buf.subarray(0, i - 1));
          this.buf = buf.subarray(i + 1);
          return text;
        }
      }
      if (buf.length > limit) throw protocolError('INVALID_CHUNK', `${what} is longer than ${limit} bytes`);
      scan = buf.length;
      let got;
      try { got = await this.more(); } catch (err) { throw truncated('TRUNCATED_BODY', `the connection ended inside ${what}`, err); }
      if (!got) throw new HttpError('TRUNCATED', 'TRUNCATED_BODY', `the server closed the connection inside ${what}`);
    }
  }

  chunkedReader() {
    let left = 0;
    let state = 'size'; // size | data | end
    let trailerBytes = 0;
    return {
      next: async () => {
        for (;;) {
          if (state === 'end') return null;
          if (state === 'data') {
            if (left > 0) {
              const bytes = await this.take(left, 'a chunk');
              left -= bytes.length;
              return bytes;
            }
            const crlf = await this.readLine(2, 'the CRLF after a chunk');
            if (crlf !== '') throw protocolError('INVALID_CHUNK', 'a chunk is not followed by CRLF');
            state = 'size';
          }
          const line = await this.readLine(MAX_CHUNK_LINE, 'a chunk-size line');
          const m = CHUNK_LINE.exec(line);
          if (!m) throw protocolError('INVALID_CHUNK', `invalid chunk-size line ${JSON.stringify(line.slice(0, 40))}`);
          left = parseInt(m[1], 16);
          if (left === 0) {
            // trailer section: fields until an empty line, within the header size limit (ignored, as fetch does)
            for (;;) {
              const t = await this.readLine(this.maxHeaderSize, 'the trailer section');
              trailerBytes += t.length + 2;
              if (trailerBytes > this.maxHeaderSize) throw protocolError('HEADERS_TOO_LARGE', 'the trailer section is too large');
              if (t === '') break;
              parseHead(`HTTP/1.1 200 OK\r\n${t}`);
            }
            state = 'end';
            return null;
          }
          state = 'data';
        }
      },
    };
  }
}

function latin1Bytes(text) {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', 'a request header holds a character above U+00FF');
    out[i] = c;
  }
  return out;
}

/** Chunks of a request body stream: Uint8Array, any ArrayBuffer view or ArrayBuffer. */
function toBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', 'a request body stream must yield bytes (Uint8Array)');
}
