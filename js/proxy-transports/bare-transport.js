/**
 * `wasmtls/bare-transport`: a bare-mux (npm @mercuryworkshop/bare-mux v2) BareTransport on
 * wasmtls/fetch over a Wisp server. The default export is the class, as bare-mux's
 * `setTransport(path, [options])` expects:
 *
 *   await new BareMuxConnection('/bare-mux/worker.js')
 *     .setTransport('/node_modules/wasmtls/js/proxy-transports/bare-transport.js', [{ wisp: 'wss://…/', tls: { ca } }]);
 *
 * Headers are bare-mux's `Record<string, string | string[]>`.
 */
import { WasmTlsProxyEngine } from './core.js';

/** @param {Record<string, string | string[]> | undefined | null} headers */
function* recordEntries(headers) {
  if (!headers) return;
  if (typeof headers[Symbol.iterator] === 'function') { yield* headers; return; }
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) yield [name, v];
    else if (value !== undefined && value !== null) yield [name, value];
  }
}

export class WasmTlsBareTransport {
  /** @param {object} options  { wisp: 'ws://…' } or { transport }, plus tls, http, … */
  constructor(options) {
    this.engine = new WasmTlsProxyEngine(options);
    this.ready = false;
  }

  async init() {
    this.engine.init();
    this.ready = true;
  }

  meta() {
    return {};
  }

  async request(remote, method, body, headers, signal) {
    const r = await this.engine.request(remote, method, body, recordEntries(headers), signal);
    /** @type {Record<string, string | string[]>} */
    const out = {};
    for (const [name, value] of r.fields) {
      if (name === 'set-cookie') out[name] = [...(out[name] ?? []), value];
      else out[name] = name in out ? `${out[name]}, ${value}` : value;
    }
    return { body: r.body, headers: out, status: r.status, statusText: r.statusText };
  }

  connect(url, protocols, requestHeaders, onopen, onmessage, onclose, onerror) {
    return this.engine.connect(url, protocols, recordEntries(requestHeaders), (protocol) => onopen(protocol), onmessage, onclose, onerror);
  }

  /** Close every pooled connection (not part of BareTransport; for tests and page unloads). */
  close() {
    return this.engine.close();
  }
}

export default WasmTlsBareTransport;
