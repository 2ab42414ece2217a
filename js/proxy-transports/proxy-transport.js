/**
 * `wasmtls/proxy-transport`: an @mercuryworkshop/proxy-transports ProxyTransport on
 * wasmtls/fetch over a Wisp server. The default export is the class:
 *
 *   import WasmTlsProxyTransport from 'wasmtls/proxy-transport';
 *   const client = new BareCompatibleClient(new WasmTlsProxyTransport({ wisp: 'wss://…/', tls: { ca } }));
 *
 * Headers are proxy-transports' RawHeaders, `[name, value][]`.
 */
import { WasmTlsProxyEngine } from './core.js';

export class WasmTlsProxyTransport {
  /** @param {object} options  { wisp: 'ws://…' } or { transport }, plus tls, http, … */
  constructor(options) {
    this.engine = new WasmTlsProxyEngine(options);
    this.ready = false;
  }

  async init() {
    this.engine.init();
    this.ready = true;
  }

  async request(remote, method, body, headers, signal) {
    const r = await this.engine.request(remote, method, body, headers ?? [], signal);
    return { body: r.body, headers: r.fields, status: r.status, statusText: r.statusText };
  }

  connect(url, protocols, requestHeaders, onopen, onmessage, onclose, onerror) {
    return this.engine.connect(url, protocols, requestHeaders ?? [], onopen, onmessage, onclose, onerror);
  }

  /** Close every pooled connection (not part of ProxyTransport; for tests and page unloads). */
  close() {
    return this.engine.close();
  }
}

export default WasmTlsProxyTransport;
