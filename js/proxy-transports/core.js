/**
 * The shared engine of wasmtls's web-proxy transports (bare-mux's BareTransport and
 * @mercuryworkshop/proxy-transports' ProxyTransport): HTTP requests through `wasmtls/fetch`
 * with `redirect: 'manual'`, WebSockets through its WebSocket, both over one Wisp connection.
 * TLS ends in the page (or worker): the Wisp server relays only ciphertext.
 *
 * Only public APIs are used: `wasmtls/fetch` (createFetch, WebSocket, HttpError) and the
 * browser entry's `wisp()`; imports are relative so that bare-mux's SharedWorker can load the
 * module from its URL without a bundler or an import map.
 */
import { createFetch, WebSocket as TlsWebSocket, HttpError } from '../fetch/index.browser.js';
import { wisp as wispTransport } from '../index.browser.js';

const OPTION_KEYS = ['wisp', 'transport', 'tls', 'http', 'maxConnectionsPerOrigin', 'idleTimeoutMs', 'maxHeaderSize', 'h2Wasm', 'maxClients'];
/** Request headers a browser's Request constructor drops (Fetch "forbidden request-header names"). */
const FORBIDDEN = new Set(['accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive', 'origin', 'referer',
  'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via']);
/** Headers that describe the message framing or the connection; fetch sets its own. */
const HOP = new Set(['connection', 'content-length', 'host', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings']);
const DECODED = new Set(['gzip', 'x-gzip', 'deflate']);

/** A plain Error-free check of the options; throws a TypeError naming the problem. */
function checkOptions(options) {
  if (options === null || typeof options !== 'object') throw new TypeError('wasmtls transport: options must be an object ({ wisp: "ws://…" })');
  for (const k of Object.keys(options)) if (!OPTION_KEYS.includes(k)) throw new TypeError(`wasmtls transport: unknown option ${JSON.stringify(k)}`);
  if (options.wisp === undefined && options.transport === undefined) throw new TypeError('wasmtls transport: needs `wisp` (a ws:// or wss:// Wisp server URL) or `transport`');
  if (options.wisp !== undefined && options.transport !== undefined) throw new TypeError('wasmtls transport: give `wisp` or `transport`, not both');
}

/**
 * Split caller headers into those that survive a browser's Request constructor and the
 * forbidden ones (Cookie, Referer, Origin, …) that must travel as client-level headers.
 * Hop-by-hop and framing headers are dropped (fetch writes its own).
 * @param {Iterable<[string, string]>} entries
 */
function splitHeaders(entries) {
  const plain = new Headers();
  /** @type {[string, string][]} */
  const forbidden = [];
  for (const [rawName, value] of entries) {
    const name = String(rawName).toLowerCase();
    if (HOP.has(name)) continue;
    if (FORBIDDEN.has(name) || name.startsWith('proxy-') || name.startsWith('sec-')) forbidden.push([name, String(value)]);
    else plain.append(name, String(value));
  }
  forbidden.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { plain, forbidden };
}

/** Was the body decoded by wasmtls/fetch (every coding gzip / x-gzip / deflate)? Mirrors its rule. */
function wasDecoded(headers) {
  const v = headers.get('content-encoding');
  if (v === null || typeof DecompressionStream !== 'function') return false;
  const codings = v.toLowerCase().split(',').map((t) => t.trim()).filter((t) => t && t !== 'identity');
  return codings.length > 0 && codings.every((c) => DECODED.has(c));
}

/**
 * The response's header fields as [name, value] pairs (names lower case, as Headers gives them).
 * When wasmtls/fetch decoded the body, Content-Encoding and Content-Length no longer describe it
 * and are left out (the body handed over is the decoded one).
 */
function responseFields(response) {
  const decoded = wasDecoded(response.headers);
  const out = [];
  for (const [name, value] of response.headers) {
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    if (name === 'set-cookie') continue;
    out.push([name, value]);
  }
  for (const c of response.headers.getSetCookie?.() ?? []) out.push(['set-cookie', c]);
  return out;
}

/** The engine both transport classes delegate to. */
export class WasmTlsProxyEngine {
  /**
   * @param {object} options  { wisp: 'ws://…' } or { transport }, plus tls, http, … (see the .d.ts)
   */
  constructor(options) {
    checkOptions(options);
    this.options = { ...options };
    this.transport = null;
    this.fetch = null;
    /** Clients that carry forbidden headers (Cookie, Referer, …) as client headers, most recent last. */
    this.clients = new Map();
    this.maxClients = options.maxClients ?? 8;
  }

  clientOptions(headers) {
    const o = this.options;
    const out = { transport: this.transport };
    for (const k of ['tls', 'http', 'maxConnectionsPerOrigin', 'idleTimeoutMs', 'maxHeaderSize', 'h2Wasm']) if (o[k] !== undefined) out[k] = o[k];
    if (headers) out.headers = headers;
    return out;
  }

  init() {
    if (!this.transport) {
      this.transport = this.options.transport ?? wispTransport(this.options.wisp);
      this.fetch = createFetch(this.clientOptions());
    }
  }

  /** The fetch client for a set of forbidden headers (a small LRU; each has its own pool). */
  clientFor(forbidden) {
    if (!forbidden.length) return this.fetch;
    const key = JSON.stringify(forbidden);
    let client = this.clients.get(key);
    if (client) { this.clients.delete(key); this.clients.set(key, client); return client; }
    client = createFetch(this.clientOptions(forbidden));
    this.clients.set(key, client);
    while (this.clients.size > this.maxClients) {
      const [oldKey, old] = this.clients.entries().next().value;
      this.clients.delete(oldKey);
      old.close().catch(() => {});
    }
    return client;
  }

  /**
   * One HTTP exchange, redirects returned as they came (`redirect: 'manual'`).
   * @param {URL} remote
   * @param {string} method
   * @param {BodyInit | null} body
   * @param {Iterable<[string, string]>} headerEntries
   * @param {AbortSignal | undefined | null} signal
   * @returns {Promise<{ body: ReadableStream | ArrayBuffer, fields: [string, string][], status: number, statusText: string }>}
   */
  async request(remote, method, body, headerEntries, signal) {
    this.init();
    const url = new URL(String(remote));
    if (url.protocol !== 'https:') {
      throw new HttpError('INVALID_OPTION', 'UNSUPPORTED_SCHEME', `${url.protocol} (${url.href}): the wasmtls transport speaks https only (TLS ends in the page)`);
    }
    const { plain, forbidden } = splitHeaders(headerEntries);
    const client = this.clientFor(forbidden);
    const init = { method, headers: plain, redirect: 'manual' };
    if (body !== null && body !== undefined && method !== 'GET' && method !== 'HEAD') init.body = body;
    if (signal) init.signal = signal;
    const response = await client(url, init);
    return {
      body: response.body ?? new ArrayBuffer(0),
      fields: responseFields(response),
      status: response.status,
      statusText: response.statusText,
    };
  }

  /**
   * A WebSocket through wasmtls (wss://) or over the Wisp stream in the clear (ws://).
   * @returns {[(data: Blob | ArrayBuffer | ArrayBufferView | string) => void, (code?: number, reason?: string) => void]}
   */
  connect(url, protocols, headerEntries, onopen, onmessage, onclose, onerror) {
    this.init();
    const headers = new Headers();
    for (const [name, value] of headerEntries) {
      const n = String(name).toLowerCase();
      if (HOP.has(n) || n.startsWith('sec-websocket-')) continue;
      headers.append(n, String(value));
    }
    const options = { transport: this.transport, headers };
    if (this.options.tls !== undefined) options.tls = this.options.tls;
    let ws;
    let failed = false;
    let closed = false;
    const fail = (message) => {
      if (failed || closed) return;
      failed = true;
      try { onerror(message); } catch { /* the caller's handler */ }
    };
    try {
      ws = new TlsWebSocket(String(url), [...(protocols ?? [])], options);
    } catch (err) {
      queueMicrotask(() => { fail(describe(err)); closed = true; try { onclose(1006, ''); } catch { /* the caller's */ } });
      return [() => {}, () => {}];
    }
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => onopen(ws.protocol, ws.extensions);
    ws.onmessage = (e) => onmessage(e.data);
    ws.onerror = (e) => fail(describe(e.error));
    ws.onclose = (e) => { if (closed) return; closed = true; onclose(e.code, e.reason); };
    const send = (data) => ws.send(data);
    const close = (code, reason) => {
      if (code === undefined || code === null) ws.close();
      else ws.close(code, reason ?? '');
    };
    return [send, close];
  }

  async close() {
    const all = [this.fetch, ...this.clients.values()].filter(Boolean);
    this.clients.clear();
    await Promise.all(all.map((f) => f.close()));
  }
}

/** An error as a one-line string for the transports' `onerror(string)`: "CODE: message". */
export function describe(err) {
  if (!err) return 'WebSocket error';
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? err);
}
