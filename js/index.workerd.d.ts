// Declarations for the `workerd` export condition of `wasmtls` (js/index.workerd.js): Cloudflare Workers.
export * from './index.js';
import type { Address, CommonOptions, Socket, TransportFactory, WebSocketOptions, WispTransportFactory, WasmModule } from './index.js';

export interface ConnectOptions extends CommonOptions {
  /** 'tcp' (default: `connect()` of cloudflare:sockets) or a function opening your own transport. */
  transport?: 'tcp' | TransportFactory;
}

/**
 * Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`.
 * Never throws: failures (also invalid options, INVALID_OPTION) reject `opened` and `closed`.
 */
export function connect(address: Address | string, options?: ConnectOptions): Socket;

/** The default transport: a plain TCP socket of `cloudflare:sockets`. */
export const workerdTcpTransport: TransportFactory;
