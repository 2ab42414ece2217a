/**
 * `fetch()` over wasmtls: WHATWG Request / Response / Headers from the runtime, HTTP/1.1 on
 * pooled wasmtls sockets. Runtime-neutral: the runtime entry (index.node.js, …) hands in its
 * `connect()`.
 */
import { WasmTlsError } from '../core/errors.js';
import { parseAddress } from '../core/address.js';
import { HttpError, protocolError } from './errors.js';
import { H1Connection, DEFAULT_MAX_HEADER_SIZE } from './http1.js';
import { Pool } from './pool.js';
import { H2Connection, loadH2Wasm } from './http2.js';

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REQUEST_BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];
const CROSS_ORIGIN_DROPPED = ['authorization', 'proxy-authorization', 'cookie'];
const DECODINGS = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate' };
const CLIENT_KEYS = ['tls', 'transport', 'connectTo', 'maxConnectionsPerOrigin', 'idleTimeoutMs', 'maxHeaderSize', 'headers', 'http', 'h2Wasm'];
const DRAIN_LIMIT = 64 * 1024;

/** @type {WeakMap<Response, object>} */
const INFO = new WeakMap();

/**
 * What wasmtls knows about a response it made: `{ httpVersion: '1.1' | '1.0' | '2', alpn,
 * tls: { version, cipher, group }, reused, url }`, or undefined for other responses.
 * @param {Response} response
 */
export function responseInfo(response) {
  return INFO.get(response);
}

/** Identities for option objects in pool keys (the same `tls` object shares connections). */
const ids = new WeakMap();
let nextId = 1;
function idOf(value) {
  if (value === undefined || value === null) return '-';
  if (typeof value !== 'object' && typeof value !== 'function') return `s:${String(value)}`;
  let id = ids.get(value);
  if (!id) { id = nextId++; ids.set(value, id); }
  return `o:${id}`;
}

/** @type {WeakMap<object, Promise<string>>} */
const tlsKeys = new WeakMap();

/**
 * The pool key of a `tls` options object: by content, so that `fetch(url, { tls: { ca } })` with a
 * new literal each call still shares connections. Strings and bytes by their SHA-256 (a key
 * collision would let one trust policy reuse a connection verified under another), numbers and
 * booleans as they are, arrays element-wise, functions (verify) and other objects by identity.
 * Cached per object.
 */
function tlsKey(tls) {
  if (tls === undefined || tls === null) return Promise.resolve('-');
  if (typeof tls !== 'object') return Promise.resolve(idOf(tls));
  let key = tlsKeys.get(tls);
  if (!key) {
    key = computeTlsKey(tls);
    tlsKeys.set(tls, key);
  }
  return key;
}

async function computeTlsKey(tls) {
  const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((x) => x.toString(16).padStart(2, '0')).join('');
  const part = async (v) => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v}:${v}`;
    if (typeof v === 'string') return `s:${await hex(new TextEncoder().encode(v))}`;
    if (Array.isArray(v)) return `[${(await Promise.all(v.map(part))).join(',')}]`;
    if (ArrayBuffer.isView(v)) return `b:${await hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))}`;
    if (v instanceof ArrayBuffer) return `b:${await hex(new Uint8Array(v))}`;
    return idOf(v);
  };
  const keys = Object.keys(tls).sort();
  return (await Promise.all(keys.map(async (k) => `${k}=${await part(tls[k])}`))).join(';');
}

/**
 * @param {(address: { hostname: string, port: number }, options: object) => any} connect  a runtime's connect()
 * @param {{ h2Wasm?: any }} [defaults]  client options of the runtime (workerd: the imported h2 wasm Module)
 */
export function makeFetchApi(connect, defaults = {}) {
  /**
   * A fetch function that owns a connection pool. `options`: `tls` (connect() options: ca, pins,
   * cert, key, serverName, …), `transport`, `connectTo` ('HOST:PORT'), `maxConnectionsPerOrigin`
   * (6), `idleTimeoutMs` (4000), `maxHeaderSize` (65536), `headers` (sent with every request).
   * The function has `close()`: closes idle connections now and busy ones when their response ends.
   */
  function createFetch(options = {}) {
    if (!options || typeof options !== 'object') throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', 'createFetch(options): options must be an object');
    for (const key of Object.keys(options)) {
      if (!CLIENT_KEYS.includes(key)) throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', `unknown createFetch option ${JSON.stringify(key)} (known: ${CLIENT_KEYS.join(', ')})`);
    }
    if (options.http !== undefined && options.http !== '1.1' && options.http !== '2') {
      throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', `http must be '1.1' or '2' (or absent: negotiate), got ${JSON.stringify(options.http)}`);
    }
    const pool = new Pool({
      maxPerOrigin: options.maxConnectionsPerOrigin ?? 6,
      idleTimeoutMs: options.idleTimeoutMs ?? 4000,
    });
    /** h2: the connection in use per key, every one opened, keys being probed, protocols learned. */
    options = { ...defaults, ...options };
    const client = { connect, options, pool, h2: new Map(), h2All: new Set(), probing: new Map(), known: new Map() };
    const fetch = (input, init) => run(client, input, init);
    const close = async () => {
      await pool.close();
      await Promise.all([...client.h2All].map((c) => c.close()));
      client.h2All.clear();
      client.h2.clear();
    };
    fetch.close = close;
    fetch[Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')] = close;
    return fetch;
  }

  const defaultFetch = createFetch();
  /** fetch(input, init): like the runtime's fetch, plus `init.tls`, `init.transport`, `init.connectTo`. */
  const fetch = (input, init) => defaultFetch(input, init);
  return { fetch, createFetch };
}

function isStream(value) {
  return typeof globalThis.ReadableStream === 'function' && value instanceof ReadableStream;
}

async function run(client, input, init = {}) {
  init = init ?? {};
  const streamBody = isStream(init.body);
  const request = new Request(input, streamBody ? { ...init, duplex: 'half' } : init);
  const signal = init.signal ?? request.signal;
  if (signal?.aborted) throw signal.reason;
  let body = null;
  if (streamBody) body = request.body;
  else if (request.body) body = new Uint8Array(await request.arrayBuffer());
  const headers = new Headers(client.options.headers);
  for (const [name, value] of request.headers) headers.set(name, value);
  if (!headers.has('accept')) headers.set('accept', '*/*');
  if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate');
  if (!headers.has('user-agent')) headers.set('user-agent', 'wasmtls');

  const state = {
    url: new URL(request.url),
    method: request.method,
    headers,
    body,
    replayable: !streamBody,
    redirect: request.redirect,
    signal,
    tls: init.tls ?? client.options.tls,
    transport: init.transport ?? client.options.transport,
    connectTo: init.connectTo ?? client.options.connectTo,
  };
  for (let redirects = 0; ; redirects++) {
    const { response, drain } = await send(client, state);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null || state.redirect === 'manual') return response;
    if (state.redirect === 'error') {
      await drain();
      throw new HttpError('HTTP_REDIRECT', 'REDIRECT_NOT_ALLOWED', `${state.url.href} redirects (${response.status}) and redirect is 'error'`);
    }
    await drain();
    if (redirects + 1 > MAX_REDIRECTS) {
      throw new HttpError('HTTP_REDIRECT', 'TOO_MANY_REDIRECTS', `more than ${MAX_REDIRECTS} redirects, the last from ${state.url.href}`);
    }
    let next;
    try {
      next = new URL(location, state.url);
    } catch {
      throw new HttpError('HTTP_REDIRECT', 'BAD_REDIRECT', `invalid Location ${JSON.stringify(location.slice(0, 200))} from ${state.url.href}`);
    }
    if (next.protocol !== 'https:') {
      throw new HttpError('INVALID_OPTION', 'UNSUPPORTED_SCHEME', `redirect to ${next.protocol} (${next.href}): wasmtls/fetch speaks https only`);
    }
    if (next.username || next.password) {
      throw new HttpError('HTTP_REDIRECT', 'BAD_REDIRECT', `redirect to a URL with credentials (${next.host})`);
    }
    const status = response.status;
    if (state.body !== null && (status === 307 || status === 308) && !state.replayable) {
      throw new HttpError('HTTP_REDIRECT', 'BODY_NOT_REPLAYABLE', `a ${status} redirect needs the request body again, but it was a stream`);
    }
    if (((status === 301 || status === 302) && state.method === 'POST') || (status === 303 && state.method !== 'GET' && state.method !== 'HEAD')) {
      state.method = 'GET';
      state.body = null;
      for (const name of REQUEST_BODY_HEADERS) state.headers.delete(name);
    }
    if (next.origin !== state.url.origin) {
      for (const name of CROSS_ORIGIN_DROPPED) state.headers.delete(name);
    }
    state.url = next;
    state.redirected = true;
  }
}

/** The URL's host as connect() takes it (no brackets) and its port. */
function targetOf(url) {
  return { hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 443 };
}

/** ALPN to offer for the client's `http` option. */
function alpnOf(http) {
  if (http === '1.1') return ['http/1.1'];
  if (http === '2') return ['h2'];
  return ['h2', 'http/1.1'];
}

/** Open a connection for `state`: an H1Connection, or an H2Connection when the server picked h2. */
async function open(client, state, signal) {
  const target = targetOf(state.url);
  let address = target;
  if (state.connectTo !== undefined) {
    address = parseAddress(state.connectTo);
  }
  const tls = state.tls ?? {};
  if (typeof tls !== 'object') throw new HttpError('INVALID_OPTION', 'INVALID_REQUEST', 'tls must be an object of connect() options');
  const socket = client.connect(address, {
    ...tls,
    serverName: tls.serverName ?? (address === target ? undefined : target.hostname),
    alpn: alpnOf(client.options.http),
    transport: state.transport,
  });
  const onAbort = () => socket.close().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const info = await socket.opened;
    const maxHeaderSize = client.options.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
    if (info.alpn === 'h2') {
      const x = await loadH2Wasm(client.options.h2Wasm);
      if (signal?.aborted) { socket.close().catch(() => {}); throw signal.reason; }
      return new H2Connection(socket, info, x, { maxHeaderSize, idleTimeoutMs: client.pool.idleTimeoutMs });
    }
    if (client.options.http === '2') {
      socket.close().catch(() => {});
      throw new HttpError('HTTP_PROTOCOL', 'H2_NOT_NEGOTIATED', `${state.url.host} did not select h2 in ALPN (got ${JSON.stringify(info.alpn)})`);
    }
    return new H1Connection(socket, info, { maxHeaderSize });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Reject when `signal` aborts. */
function abortPromise(signal) {
  let off = () => {};
  const promise = new Promise((_, reject) => {
    if (!signal) return;
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    off = () => signal.removeEventListener('abort', onAbort);
  });
  promise.catch(() => {});
  return { promise, off };
}

/**
 * A connection for `key`: a live HTTP/2 connection with room for a stream, else one from the
 * HTTP/1.1 pool. While the protocol of an origin is unknown, one connection is opened and the
 * other requests wait for it (so that concurrent first requests share one h2 connection).
 */
async function connectionFor(client, state, key) {
  for (;;) {
    const h2 = client.h2.get(key);
    if (h2) {
      if (h2.canTake()) return h2;
      if (h2.dead || h2.goingAway) client.h2.delete(key);
      else { await h2.waitCapacity(); continue; }
    }
    const probing = client.probing.get(key);
    if (probing) { await probing.catch(() => {}); continue; }
    if (client.known.get(key) === 'http/1.1' || client.options.http === '1.1') {
      return client.pool.acquire(key, () => open(client, state, state.signal), state.signal);
    }
    if (client.pool.closed) throw new HttpError('CLOSED', 'CLIENT_CLOSED', 'this fetch client was closed');
    const p = open(client, state, state.signal);
    client.probing.set(key, p);
    let conn;
    try { conn = await p; } finally { client.probing.delete(key); }
    if (conn.multiplexed) {
      client.known.set(key, 'h2');
      client.h2.set(key, conn);
      for (const c of client.h2All) if (c.dead) client.h2All.delete(c);
      client.h2All.add(conn);
      conn.onDead = () => { if (client.h2.get(key) === conn) client.h2.delete(key); };
      return conn;
    }
    client.known.set(key, 'http/1.1');
    client.pool.adopt(key, conn);
    return conn;
  }
}

/** One request/response exchange (one retry when a reused connection was stale or an h2 stream was refused). */
async function send(client, state) {
  const key = `${state.url.host}|${state.connectTo ?? ''}|${await tlsKey(state.tls)}|${idOf(state.transport)}`;
  const abort = abortPromise(state.signal);
  for (let attempt = 0; ; attempt++) {
    let conn;
    try {
      conn = await Promise.race([connectionFor(client, state, key), abort.promise]);
    } catch (err) {
      abort.off();
      throw err;
    }
    const reused = conn.requests > 0;
    if (conn.multiplexed) {
      let exchange;
      let head;
      try {
        exchange = conn.request({
          method: state.method,
          target: `${state.url.pathname}${state.url.search}`,
          authority: state.url.host,
          headers: [...state.headers],
          body: state.body,
        });
        head = await Promise.race([exchange.head, abort.promise]);
      } catch (err) {
        if (state.signal?.aborted) { exchange?.cancel(state.signal.reason); abort.off(); throw state.signal.reason; }
        if (err?.retryable && state.replayable && attempt === 0) continue;
        abort.off();
        throw err;
      }
      abort.off();
      return makeResponse(client, state, conn, head, reused, (finish) => {
        if (head.endStream || state.method === 'HEAD' || head.status === 204 || head.status === 304) { exchange.cancel(); return null; }
        const raw = exchange.body();
        const reader = raw.getReader();
        return {
          next: async () => { const { value, done } = await reader.read(); return done ? null : value; },
          cancel: (reason) => { reader.cancel(reason).catch(() => {}); finish(false); },
        };
      });
    }
    const onAbort = () => conn.destroy();
    state.signal?.addEventListener('abort', onAbort, { once: true });
    let parsed;
    try {
      const written = conn.writeRequest({
        method: state.method,
        target: `${state.url.pathname}${state.url.search}`,
        host: state.url.host,
        headers: [...state.headers],
        body: state.body,
      });
      written.catch(() => {});
      const headP = conn.readResponseHead(state.method);
      headP.catch(() => {});
      parsed = await Promise.race([headP, written.then(() => headP), abort.promise]);
    } catch (err) {
      conn.destroy();
      state.signal?.removeEventListener('abort', onAbort);
      if (state.signal?.aborted) { abort.off(); throw state.signal.reason; }
      if (err?.noResponse && reused && state.replayable && attempt === 0) continue; // the server closed an idle connection
      abort.off();
      throw err;
    }
    abort.off();
    state.signal?.removeEventListener('abort', onAbort);
    const { head, framing, keepAlive } = parsed;
    if (head.status === 101) {
      conn.destroy();
      throw protocolError('UNEXPECTED_STATUS', 'the server switched protocols (101) without being asked to');
    }
    return makeResponse(client, state, conn, head, reused, (finish) => {
      if (framing.kind === 'none') { finish(keepAlive); return null; }
      if (NULL_BODY_STATUSES.has(head.status)) { finish(false); return null; }
      const reader = conn.bodyReader(framing);
      return {
        next: async () => {
          const chunk = await reader.next();
          if (chunk === null) finish(keepAlive);
          return chunk;
        },
        cancel: () => finish(false),
      };
    }, key);
  }
}

/**
 * The Response: `bodyOf(finish)` gives null (no body) or `{ next(), cancel() }`; `finish(ok)`
 * hands an HTTP/1.1 connection back to the pool (ok) or destroys it.
 */
function makeResponse(client, state, conn, head, reused, bodyOf, key) {
  const signal = state.signal;
  let done = false;
  let controller;
  const finish = (ok) => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', onAbort);
    if (conn.multiplexed) return;
    if (ok) client.pool.release(key, conn);
    else conn.destroy();
  };
  let source = null;
  const onAbort = () => {
    try { controller?.error(signal.reason); } catch { /* closed */ }
    source?.cancel(signal.reason);
    finish(false);
  };
  source = bodyOf(finish);
  let body = null;
  if (source) {
    body = new ReadableStream({
      start: (c) => { controller = c; },
      pull: async (c) => {
        try {
          const chunk = await source.next();
          if (done && !conn.multiplexed && chunk !== null) return;
          if (chunk === null) { c.close(); finish(true); } else c.enqueue(chunk);
        } catch (err) {
          finish(false);
          try { c.error(err); } catch { /* already errored */ }
        }
      },
      cancel: (reason) => { source.cancel(reason); finish(false); },
    }, { highWaterMark: 0 });
    signal?.addEventListener('abort', onAbort, { once: true });
    body = decode(body, head.headers);
  }
  let response;
  try {
    response = new Response(body, { status: head.status, statusText: head.statusText, headers: head.headers });
  } catch (err) {
    source?.cancel(err);
    finish(false);
    throw new HttpError('HTTP_PROTOCOL', 'MALFORMED_STATUS_LINE', `the runtime refused the response: ${err.message}`, { cause: err });
  }
  const url = new URL(state.url);
  url.hash = '';
  Object.defineProperty(response, 'url', { value: url.href, enumerable: true });
  if (state.redirected) Object.defineProperty(response, 'redirected', { value: true, enumerable: true });
  const { version, cipher, group } = conn.info;
  INFO.set(response, { httpVersion: head.version, alpn: conn.info.alpn ?? null, tls: { version, cipher, group }, reused, url: url.href });
  // Consume a small redirect body to keep the connection (at most DRAIN_LIMIT bytes), else drop the connection.
  const drain = async () => {
    if (!body) return;
    const r = response.body.getReader();
    let n = 0;
    try {
      for (;;) {
        const { value, done: end } = await r.read();
        if (end) return;
        n += value.byteLength;
        if (n > DRAIN_LIMIT) break;
      }
    } catch { return; /* the connection was destroyed by the error */ }
    await r.cancel().catch(() => {});
  };
  return { response, drain };
}

/** Content-Encoding gzip / deflate (in the order applied) through DecompressionStream; others stay as sent. */
function decode(body, headers) {
  const codings = headers.filter(([n]) => n === 'content-encoding')
    .flatMap(([, v]) => v.toLowerCase().split(',').map((t) => t.trim())).filter((t) => t && t !== 'identity');
  if (!codings.length || !codings.every((c) => Object.hasOwn(DECODINGS, c)) || typeof DecompressionStream !== 'function') return body;
  let out = body;
  for (const c of codings.reverse()) out = out.pipeThrough(new DecompressionStream(DECODINGS[c]));
  // Errors of the decoder itself become typed; errors from below (truncation, abort) pass through.
  const reader = out.getReader();
  return new ReadableStream({
    pull: async (c) => {
      try {
        const { value, done } = await reader.read();
        if (done) c.close(); else c.enqueue(value);
      } catch (err) {
        if (err instanceof WasmTlsError || err?.name === 'AbortError' || err?.name === 'TimeoutError') c.error(err);
        else c.error(new HttpError('HTTP_PROTOCOL', 'BAD_CONTENT_ENCODING', `the ${codings.join(', ')} body does not decode: ${err?.message ?? err}`, { cause: err }));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}
