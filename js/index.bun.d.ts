// Declarations for the `bun` export condition of `wasmtls` (js/index.bun.js).
export * from './index.js';
import type { Address, CommonOptions, Socket, TransportFactory, WebSocketOptions, WispTransportFactory, WasmModule } from './index.js';

export interface ConnectOptions extends CommonOptions {
  /** 'tcp' (default: Bun.connect), a 'ws://' / 'wss://' proxy URL (same as webSocket(url)), or your own transport. */
  transport?: 'tcp' | `ws://${string}` | `wss://${string}` | TransportFactory;
}

/**
 * Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`.
 * Never throws: failures (also invalid options, INVALID_OPTION) reject `opened` and `closed`.
 */
export function connect(address: Address | string, options?: ConnectOptions): Socket;

/** The default transport: TCP through `Bun.connect`. */
export const bunTcpTransport: TransportFactory;

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
