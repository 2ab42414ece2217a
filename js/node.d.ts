// Type declarations for `wasmtls/node`: wasmtls sockets as Node stream.Duplex objects.
import type { Duplex } from 'node:stream';
import type { Socket as NetSocket } from 'node:net';
import type { Address, ConnectOptions, OpenedInfo, Socket, UpgradeOptions, ExistingConnection } from 'wasmtls';

export { WasmTlsError } from 'wasmtls';

/**
 * A Duplex over a wasmtls Socket. Emits 'secureConnect' (OpenedInfo) and 'connect' when the
 * handshake completed; errors (also handshake failures) are WasmTlsError, emitted as 'error'.
 * Ending the writable side sends close_notify; destroy() closes the connection.
 */
export interface TlsDuplex extends Duplex {
  /** The socket's `opened` promise. */
  readonly opened: Promise<OpenedInfo>;
  /** The underlying wasmtls Socket (do not read or write it directly). */
  readonly socket: Socket;
  /** The negotiated parameters once the handshake is done, else null. */
  readonly tlsInfo: OpenedInfo | null;
  /** net.Socket compatibility (e.g. for npm `pg`'s `stream` option): emits 'connect' once open. */
  connect(...args: unknown[]): this;
  setNoDelay(noDelay?: boolean): this;
  setKeepAlive(enable?: boolean, initialDelay?: number): this;
  setTimeout(timeout: number, callback?: () => void): this;
  ref(): this;
  unref(): this;
  on(event: 'secureConnect', listener: (info: OpenedInfo) => void): this;
  /** The server gave a session (pass it as `session` to resume later). */
  on(event: 'session', listener: (session: string) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** Wrap a wasmtls Socket (from connect() or upgrade()) in a Duplex with backpressure both ways. */
export function duplexFromSocket(socket: Socket): TlsDuplex;
/** connect() as a Duplex. */
export function connectDuplex(address: Address | string, options?: ConnectOptions): TlsDuplex;
/** STARTTLS on a connected node:net socket (e.g. after PostgreSQL answered the SSLRequest with 'S'). */
export function upgradeDuplex(netSocket: NetSocket, options: UpgradeOptions): TlsDuplex;

export function connect(address: Address | string, options?: ConnectOptions): Socket;
export function upgrade(existing: ExistingConnection, options: UpgradeOptions): Socket;
