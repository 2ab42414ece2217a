// Type declarations for `wasmtls/node`: wasmtls sockets as Node stream.Duplex objects shaped like tls.TLSSocket.
// Needs @types/node (node:stream, node:net) in the consumer, as any Node stream API does.
import type { Duplex } from 'node:stream';
import type { Socket as NetSocket, AddressInfo } from 'node:net';
import type { Address, ConnectOptions, OpenedInfo, Socket, UpgradeOptions, ExistingConnection } from './index.node.js';

export { WasmTlsError } from './index.node.js';

/** A certificate in Node's `tls.TLSSocket#getPeerCertificate()` shape (from `crypto.X509Certificate#toLegacyObject()`). */
export interface PeerCertificateObject {
  subject: Record<string, string | string[]>;
  issuer: Record<string, string | string[]>;
  subjectaltname?: string;
  ca: boolean;
  bits?: number;
  modulus?: string;
  exponent?: string;
  pubkey?: Buffer;
  asn1Curve?: string;
  nistCurve?: string;
  /** e.g. 'Jan  1 00:00:00 2030 GMT' */
  valid_from: string;
  valid_to: string;
  fingerprint: string;
  fingerprint256: string;
  fingerprint512: string;
  ext_key_usage?: string[];
  serialNumber: string;
  raw: Buffer;
  /** With getPeerCertificate(true): the next certificate of the path; a root links to itself. */
  issuerCertificate?: PeerCertificateObject;
}

/**
 * A Duplex over a wasmtls Socket, shaped like `tls.TLSSocket`. Events in Node's order: 'connect',
 * 'secureConnect' (OpenedInfo), 'session' (the session string), 'data', 'end' / 'finish', 'close';
 * 'timeout' after setTimeout(). Errors (also handshake failures) are WasmTlsError, emitted as
 * 'error'. Ending the writable side sends close_notify; destroy() closes the connection. Without
 * `allowHalfOpen: true` the Duplex ends its side when the server ends (as tls.connect()).
 */
export interface TlsDuplex extends Duplex {
  /** The socket's `opened` promise. */
  readonly opened: Promise<OpenedInfo>;
  /** The underlying wasmtls Socket (do not read or write it directly). */
  readonly socket: Socket;
  /** The negotiated parameters once the handshake is done, else null (live). */
  readonly tlsInfo: OpenedInfo | null;
  /** Always true. */
  readonly encrypted: true;
  /** True once the handshake verified the server; false before, after a failure and with insecureSkipVerify. */
  readonly authorized: boolean;
  /** Why `authorized` is false: the WasmTlsError code, or 'INSECURE_SKIP_VERIFY'; null when authorized or before the handshake. */
  readonly authorizationError: string | null;
  /** The negotiated ALPN protocol; false when none was; null before the handshake (as in Node). */
  readonly alpnProtocol: string | false | null;
  /** The server name sent and checked, once connected. */
  readonly servername: string | null;
  /** Of the TCP connection (connectDuplex over TCP, upgradeDuplex); undefined over another transport. */
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly remoteFamily: string | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  /** Application bytes received / sent. */
  readonly bytesRead: number;
  readonly bytesWritten: number;
  /** The setTimeout() idle time in ms, undefined when off. */
  readonly timeout: number | undefined;
  /** 'TLSv1.3' / 'TLSv1.2', or null before the handshake. */
  getProtocol(): 'TLSv1.3' | 'TLSv1.2' | null;
  /** As Node: name (OpenSSL's name; for TLS 1.3 the IANA one), standardName (IANA), version. */
  getCipher(): { name: string; standardName: string; version: string } | null;
  /** As Node: the key-exchange group, e.g. { type: 'ECDH', name: 'X25519', size: 253 }. */
  getEphemeralKeyInfo(): { type: string; name: string; size: number } | null;
  /**
   * The server certificate as Node shows it; with `detailed`, issuerCertificate links along the
   * chain. `{}` when the server sent none (a resumed session); null before the handshake.
   */
  getPeerCertificate(detailed?: boolean): PeerCertificateObject | Record<string, never> | null;
  /** The latest session string ("wtls1.…", pass it as `session` to resume), or undefined. Unlike Node, not a Buffer. */
  getSession(): string | undefined;
  isSessionReused(): boolean;
  /** net.Socket compatibility (e.g. for npm `pg`'s `stream` option): emits 'connect' once open. */
  connect(...args: unknown[]): this;
  /** Emit 'timeout' after `ms` without reads or writes (0: off); the connection stays open, as in Node. */
  setTimeout(ms: number, callback?: () => void): this;
  setNoDelay(noDelay?: boolean): this;
  setKeepAlive(enable?: boolean, initialDelay?: number): this;
  ref(): this;
  unref(): this;
  address(): AddressInfo | {};
  on(event: 'secureConnect', listener: (info: OpenedInfo) => void): this;
  /** The server gave a session (pass it as `session` to resume later). */
  on(event: 'session', listener: (session: string) => void): this;
  on(event: 'connect' | 'timeout' | 'end' | 'finish', listener: () => void): this;
  on(event: 'close', listener: (hadError: boolean) => void): this;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** Options of the Duplex constructors: connect()'s, plus the Duplex's own `allowHalfOpen`. */
export interface DuplexOptions {
  /** Keep our side open after the server ended (default false, as tls.connect()). */
  allowHalfOpen?: boolean;
  /** Passed to connect(): `authorized` is then false. */
  insecureSkipVerify?: boolean;
}

/** Wrap a wasmtls Socket (from connect() or upgrade()) in a TLSSocket-like Duplex, backpressure both ways. */
export function duplexFromSocket(socket: Socket, options?: DuplexOptions): TlsDuplex;
/** connect() as a TLSSocket-like Duplex. */
export function connectDuplex(address: Address | string, options?: ConnectOptions): TlsDuplex;
/** STARTTLS on a connected node:net socket (e.g. after PostgreSQL answered the SSLRequest with 'S'). */
export function upgradeDuplex(netSocket: NetSocket, options: UpgradeOptions): TlsDuplex;

export function connect(address: Address | string, options?: ConnectOptions): Socket;
export function upgrade(existing: ExistingConnection, options: UpgradeOptions): Socket;
