// Small helpers for driving a wasmtls connection's web streams in tests.

import { createHash } from 'node:crypto';

/** Read from `reader` until `done(textSoFar, bytesSoFar)` is true or the stream ends. */
export async function readUntil(reader, done, { timeoutMs = 5000 } = {}) {
  const chunks = [];
  let total = 0;
  const deadline = Date.now() + timeoutMs;
  const td = new TextDecoder();
  let text = '';
  for (;;) {
    if (done(text, total)) return { text, bytes: total, ended: false };
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`readUntil: timed out after ${timeoutMs} ms; got ${total} bytes: ${JSON.stringify(text.slice(0, 200))}`);
    let timer;
    const r = await Promise.race([
      reader.read(),
      new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`readUntil: timed out after ${timeoutMs} ms; got ${total} bytes: ${JSON.stringify(text.slice(0, 200))}`)), left); }),
    ]).finally(() => clearTimeout(timer));
    if (r.done) return { text, bytes: total, ended: true };
    assertChunk(r.value);
    chunks.push(r.value);
    total += r.value.byteLength;
    text += td.decode(r.value, { stream: true });
  }
}

/** Read everything until the stream ends; returns { bytes, sha256, chunks }. */
export async function readToEnd(reader, { timeoutMs = 20000, limit = Infinity } = {}) {
  const h = createHash('sha256');
  let bytes = 0;
  let chunks = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`readToEnd: timed out after ${timeoutMs} ms with ${bytes} bytes`);
    let timer;
    const r = await Promise.race([
      reader.read(),
      new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`readToEnd: timed out after ${timeoutMs} ms with ${bytes} bytes`)), left); }),
    ]).finally(() => clearTimeout(timer));
    if (r.done) break;
    assertChunk(r.value);
    h.update(r.value);
    bytes += r.value.byteLength;
    chunks++;
    if (bytes >= limit) break;
  }
  return { bytes, chunks, sha256: h.digest('hex') };
}

function assertChunk(v) {
  if (!(v instanceof Uint8Array)) throw new TypeError(`readable produced ${Object.prototype.toString.call(v)}, expected Uint8Array`);
}

/** Deterministic pseudo-random bytes (xorshift32) so failures are reproducible. */
export function patternBytes(n, seed = 0x9e3779b9) {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

export function reverseLines(text) {
  return text.split('\n').map((l) => [...l].reverse().join('')).join('\n');
}
