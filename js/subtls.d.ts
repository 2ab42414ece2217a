// Type declarations for `wasmtls/subtls`: the API `@neondatabase/serverless` calls when
// `neonConfig.subtls` is set (`neonConfig.subtls = await import('wasmtls/subtls')`).

import type { OpenedInfo, Socket, UpgradeOptions, WasmTlsError } from 'wasmtls';

export { WasmTlsError } from 'wasmtls';

/** subtls's ReadMode: CONSUME takes the bytes, PEEK leaves them queued. */
export declare const ReadMode: { readonly CONSUME: 0; readonly PEEK: 1 };

/** Trust anchors for startTls() (opaque). */
export interface RootCertsDatabase {
  /** PEM text or DER given to wasmtls as `ca`; null: the bundled Mozilla roots. */
  readonly ca: string | Uint8Array | null;
}

export declare class TrustedCert {
  /**
   * Trust anchors from PEM text; '' means wasmtls's bundled Mozilla roots. Never rejects:
   * a malformed PEM fails in startTls() with INVALID_OPTION.
   */
  static databaseFromPEM(pem: string): Promise<RootCertsDatabase>;
}

/** Buffers a WebSocket's binary frames from construction on. */
export declare class WebSocketReadQueue {
  constructor(ws: WebSocket | { addEventListener(type: string, listener: (event: any) => void): void; readyState: number });
  /** Exactly `bytes` bytes (undefined: the socket closed with fewer queued); without a count, everything queued. */
  read(bytes?: number, readMode?: 0 | 1): Promise<Uint8Array | undefined>;
  moreDataMayFollow(): boolean;
  bytesInQueue(): number;
}

export interface StartTlsOptions {
  /** Send the host in SNI (default true). false is accepted only for an IP address host (no SNI is sent for those). */
  useSNI?: boolean;
  /** Bytes the server sends before TLS (the driver's pipelineTLS: 'S'); other bytes fail with UNEXPECTED_MESSAGE. */
  expectPreData?: Uint8Array;
  /** Bytes to send before the ClientHello (e.g. an SSLRequest). */
  writePreData?: Uint8Array;
  /** Accepted for subtls compatibility; wasmtls applies its own certificate checks. */
  requireServerTlsExtKeyUsage?: boolean;
  requireDigitalSigKeyUsage?: boolean;
  commentPreData?: string;
  /** More wasmtls upgrade() options (alpn, minVersion, maxVersion, timeoutMs, cert, key, pins, …). */
  wasmtls?: Omit<UpgradeOptions, 'serverName' | 'ca'>;
}

export interface StartTlsResult {
  /** Decrypted bytes; undefined once the server closed. Rejects with the WasmTlsError when TLS failed. */
  read(): Promise<Uint8Array | undefined>;
  /** Encrypt and send, in call order (the promise is marked handled). */
  write(data: Uint8Array): Promise<void>;
  /** wasmtls: what was negotiated; rejected (and marked handled) when the handshake failed. */
  readonly opened: Promise<OpenedInfo>;
  /** wasmtls: the TLS socket (null when it could not be created). */
  readonly socket: Socket | null;
  /** wasmtls: send close_notify after pending writes. */
  close(): Promise<void>;
}

/**
 * Start TLS over subtls-style network functions. Resolves once the handshake is over; a failed
 * handshake resolves too (the driver does not handle a rejection here), with `read()` and
 * `opened` rejecting with the WasmTlsError, so pg's connect()/query() reject with it.
 */
export declare function startTls(
  host: string,
  rootCertsDatabase: RootCertsDatabase | string,
  networkRead: (bytes: number) => Promise<Uint8Array | undefined>,
  networkWrite: (data: Uint8Array) => void | Promise<void>,
  options?: StartTlsOptions,
): Promise<StartTlsResult>;
