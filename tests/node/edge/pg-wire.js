// A minimal PostgreSQL frontend (protocol 3.0) over Web Streams, for tests in
// any runtime (workerd has no npm pg here): the SSLRequest, a startup with
// trust auth, simple Query (RowDescription / DataRow / CommandComplete /
// ReadyForQuery) and Terminate. Enough to prove a real application protocol
// runs over wasmtls after STARTTLS; not a general client.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SSL_REQUEST_CODE = 80877103;
const PROTOCOL_3_0 = 196608;

/**
 * Send the SSLRequest on a plain connection and return the server's one-byte
 * answer ('S': go ahead with TLS, 'N': no TLS). Leaves both streams unlocked.
 */
export async function sendSslRequest({ readable, writable }) {
  const msg = new Uint8Array(8);
  const view = new DataView(msg.buffer);
  view.setInt32(0, 8);
  view.setInt32(4, SSL_REQUEST_CODE);
  const writer = writable.getWriter();
  await writer.write(msg);
  writer.releaseLock();
  const reader = readable.getReader();
  const { value, done } = await reader.read();
  reader.releaseLock();
  if (done || !value?.length) throw new Error('the server closed the connection after the SSLRequest');
  if (value.length !== 1) throw new Error(`expected one byte after the SSLRequest, got ${value.length}`);
  return String.fromCharCode(value[0]);
}

/** Reads whole backend messages from a ReadableStream. */
class MessageReader {
  constructor(readable) {
    this.reader = readable.getReader();
    this.chunks = [];
    this.buffered = 0;
  }

  async need(n) {
    while (this.buffered < n) {
      const { value, done } = await this.reader.read();
      if (done) throw new Error('the server closed the connection');
      this.chunks.push(value);
      this.buffered += value.length;
    }
  }

  take(n) {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }

  /** @returns {Promise<{ type: string, body: Uint8Array }>} */
  async next() {
    await this.need(5);
    const head = this.take(5);
    const len = new DataView(head.buffer).getInt32(1);
    await this.need(len - 4);
    return { type: String.fromCharCode(head[0]), body: this.take(len - 4) };
  }
}

function message(type, body) {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

function cstrings(...parts) {
  return encoder.encode(parts.map((p) => `${p}\0`).join(''));
}

/** Fields of an ErrorResponse as "SEVERITY CODE: message". */
function errorText(body) {
  const fields = {};
  for (let i = 0; i < body.length && body[i] !== 0;) {
    const code = String.fromCharCode(body[i]);
    const end = body.indexOf(0, i + 1);
    fields[code] = decoder.decode(body.subarray(i + 1, end));
    i = end + 1;
  }
  return `${fields.S ?? 'ERROR'} ${fields.C ?? ''}: ${fields.M ?? '(no message)'}`;
}

/** A PostgreSQL session over `{ readable, writable }` (e.g. a wasmtls socket). */
export class PgSession {
  constructor({ readable, writable }) {
    this.messages = new MessageReader(readable);
    this.writer = writable.getWriter();
    this.parameters = {};
  }

  /** Startup with trust authentication; resolves at the first ReadyForQuery. */
  async startup({ user, database }) {
    const params = cstrings('user', user, 'database', database);
    const body = new Uint8Array(4 + params.length + 1);
    new DataView(body.buffer).setInt32(0, PROTOCOL_3_0);
    body.set(params, 4);
    const msg = new Uint8Array(4 + body.length);
    new DataView(msg.buffer).setInt32(0, msg.length);
    msg.set(body, 4);
    await this.writer.write(msg);
    for (;;) {
      const { type, body: b } = await this.messages.next();
      if (type === 'R') {
        const kind = new DataView(b.buffer, b.byteOffset).getInt32(0);
        if (kind !== 0) throw new Error(`the server asks for authentication method ${kind}; the test cluster uses trust`);
      } else if (type === 'S') {
        const [name, value] = decoder.decode(b).split('\0');
        this.parameters[name] = value;
      } else if (type === 'E') {
        throw new Error(errorText(b));
      } else if (type === 'Z') {
        return;
      }
    }
  }

  /**
   * Simple Query. Resolves with the rows (each an array of Uint8Array | null)
   * and the CommandComplete tag.
   */
  async query(sql) {
    await this.writer.write(message('Q', cstrings(sql)));
    const rows = [];
    let tag = '';
    let error = null;
    for (;;) {
      const { type, body } = await this.messages.next();
      if (type === 'D') {
        const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
        const n = view.getInt16(0);
        const row = [];
        for (let i = 0, off = 2; i < n; i++) {
          const len = view.getInt32(off);
          off += 4;
          if (len < 0) { row.push(null); continue; }
          row.push(body.subarray(off, off + len));
          off += len;
        }
        rows.push(row);
      } else if (type === 'C') {
        tag = decoder.decode(body.subarray(0, body.length - 1));
      } else if (type === 'E') {
        error = new Error(errorText(body));
      } else if (type === 'Z') {
        if (error) throw error;
        return { rows, tag };
      }
    }
  }

  /** Send Terminate and close the writable side. */
  async terminate() {
    await this.writer.write(message('X', new Uint8Array(0)));
    this.writer.releaseLock();
    this.messages.reader.releaseLock();
  }
}

/** Decode a text-format column. */
export function text(bytes) {
  return bytes === null ? null : decoder.decode(bytes);
}
