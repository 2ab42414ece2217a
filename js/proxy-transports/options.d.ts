// Options shared by wasmtls/bare-transport and wasmtls/proxy-transport.
import type { ClientOptions, FetchTlsOptions } from '../fetch/index.js';
import type { ConnectOptions } from '../index.js';

export interface WasmTlsTransportOptions {
  /** The Wisp server (ws:// or wss://) that relays the TCP streams; TLS ends in the page or worker. */
  wisp?: string;
  /** Instead of `wisp`: any connect() transport factory (e.g. `wisp(url)` of the browser entry). */
  transport?: ConnectOptions['transport'];
  /** connect() options for every connection: ca, pins, serverName, … (ALPN is set by fetch). */
  tls?: FetchTlsOptions;
  /** '1.1' offers only http/1.1, '2' only h2; default h2 then http/1.1. */
  http?: ClientOptions['http'];
  maxConnectionsPerOrigin?: number;
  idleTimeoutMs?: number;
  maxHeaderSize?: number;
  h2Wasm?: ClientOptions['h2Wasm'];
  /**
   * Requests that carry browser-forbidden headers (Cookie, Referer, Origin, Sec-…) go through a
   * fetch client of their own per distinct set of those values; at most this many are kept (default 8).
   */
  maxClients?: number;
}
