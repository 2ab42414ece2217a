// Declarations for the `browser` / `default` export conditions of `wasmtls` (js/index.browser.js).
export * from './index.js';
import type { Address, CommonOptions, Socket, TransportFactory, WebSocketOptions, WispTransportFactory, WasmModule } from './index.js';

export interface ConnectOptions extends CommonOptions {
  /**
   * Required (a page has no TCP): webSocket(url), wisp(url), a 'ws://' / 'wss://' proxy URL (same as
   * webSocket(url)), or a function opening your own transport.
   */
  transport: `ws://${string}` | `wss://${string}` | TransportFactory;
}

/**
 * Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`.
 * Never throws: failures (also invalid options, INVALID_OPTION) reject `opened` and `closed`.
 */
export function connect(address: Address | string, options: ConnectOptions): Socket;

/**
 * A raw WebSocket to a TCP proxy such as websockify (binary frames carry the TCP byte stream).
 * The proxy chooses the TCP target; the address given to connect() names the server for SNI and
 * the certificate. A WebSocket closing mid-handshake or mid-stream ends in TRANSPORT_CLOSED.
 */
export function webSocket(url: string | URL, options?: WebSocketOptions): TransportFactory;

/**
 * Wisp v1 (libcurl.js / epoxy-tls protocol): all connections opened with one factory share one
 * WebSocket; the Wisp server opens the TCP connection to the address given to connect().
 */
export function wisp(url: string | URL): WispTransportFactory;

/**
 * Fetch and instantiate the wasm now (default: `./dist/wasmtls-simd.wasm` where the browser has wasm
 * SIMD, else `./dist/wasmtls.wasm`, next to the module via `new URL(…, import.meta.url)`); connect()
 * calls it on first use. Another URL or a compiled module: the same as `init({ wasm: source })`.
 */
export function loadWasmBrowser(source?: URL | string | WasmModule): Promise<unknown>;
