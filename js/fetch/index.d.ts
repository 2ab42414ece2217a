// Type declarations for `wasmtls/fetch`: fetch() over wasmtls (HTTP/1.1, and HTTP/2 on nghttp2).
import type { ConnectOptions, TransportFactory, WasmTlsError } from '../index.js';

export { WasmTlsError } from '../index.js';

/** HTTP-level failure codes (`err.httpCode`); `err.code` is the WasmTlsError-style code. */
export type HttpErrorCode =
  | 'MALFORMED_STATUS_LINE' | 'MALFORMED_HEADER' | 'BARE_LF' | 'HEADERS_TOO_LARGE' | 'INVALID_CHUNK'
  | 'INVALID_CONTENT_LENGTH' | 'CONFLICTING_LENGTH' | 'UNSUPPORTED_TRANSFER_ENCODING' | 'UNEXPECTED_STATUS'
  | 'BAD_CONTENT_ENCODING' | 'NO_RESPONSE' | 'TRUNCATED_HEAD' | 'TRUNCATED_BODY' | 'CLOSED' | 'CLIENT_CLOSED'
  | 'TOO_MANY_REDIRECTS' | 'REDIRECT_NOT_ALLOWED' | 'BAD_REDIRECT' | 'BODY_NOT_REPLAYABLE'
  | 'UNSUPPORTED_SCHEME' | 'INVALID_REQUEST'
  | 'H2_PROTOCOL_ERROR' | 'H2_STREAM_RESET' | 'H2_GOAWAY' | 'H2_NOT_NEGOTIATED'
  | 'HANDSHAKE_FAILED' | 'BAD_ACCEPT' | 'PROTOCOL_ERROR' | 'MESSAGE_TOO_BIG' | 'INVALID_UTF8' | 'TRUNCATED' | 'ABORTED';

/**
 * A failure of the HTTP layer. `code`: 'HTTP_PROTOCOL' (the server broke HTTP), 'HTTP_REDIRECT',
 * 'INVALID_OPTION', or the TLS code that ended the stream ('TRUNCATED', 'CLOSED', …).
 */
export class HttpError extends WasmTlsError {
  readonly name: 'HttpError';
  readonly httpCode: HttpErrorCode;
}

export interface FetchTlsOptions extends Omit<ConnectOptions, 'alpn' | 'transport'> {}

export interface ClientOptions {
  /** connect() options for every connection: ca, pins, cert, key, serverName, … (ALPN is set by fetch). */
  tls?: FetchTlsOptions;
  /** As connect()'s `transport`. */
  transport?: ConnectOptions['transport'];
  /** Connect to HOST:PORT instead of the URL's host; SNI, the certificate name and Host stay the URL's. */
  connectTo?: string;
  /** '1.1': offer only http/1.1; '2': only h2; default: offer h2, then http/1.1. */
  http?: '1.1' | '2';
  /** HTTP/1.1 connections per origin at most (default 6). */
  maxConnectionsPerOrigin?: number;
  /** Idle connections are closed after this many ms (default 4000). */
  idleTimeoutMs?: number;
  /** Response header block limit in bytes (default 65536). */
  maxHeaderSize?: number;
  /** Headers sent with every request. */
  headers?: HeadersInit;
  /** The nghttp2 wasm (bytes or a compiled Module), where js/dist/wasmtls-h2.wasm cannot be read (e.g. workerd). */
  h2Wasm?: BufferSource | WebAssembly.Module | Promise<BufferSource | WebAssembly.Module> | (() => Promise<BufferSource | WebAssembly.Module>);
}

export interface FetchInit extends RequestInit {
  tls?: FetchTlsOptions;
  transport?: ConnectOptions['transport'];
  connectTo?: string;
}

export interface WasmTlsFetch {
  (input: string | URL | Request, init?: FetchInit): Promise<Response>;
  /** Close idle connections now (and HTTP/2 connections); busy HTTP/1.1 ones close when their response ends. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** fetch() with a process-wide pool; `init.tls`, `init.transport`, `init.connectTo` per request. */
export const fetch: (input: string | URL | Request, init?: FetchInit) => Promise<Response>;

/** A fetch function that owns its connection pool. */
export function createFetch(options?: ClientOptions): WasmTlsFetch;

export interface ResponseInfo {
  httpVersion: '1.0' | '1.1' | '2';
  alpn: string | null;
  tls: { version: string; cipher: string; group: string };
  /** The response came over a connection that had carried an earlier request. */
  reused: boolean;
  url: string;
}

/** What wasmtls knows about a response it made (undefined for other responses). */
export function responseInfo(response: Response): ResponseInfo | undefined;

export interface WebSocketOptions {
  /** connect() options for wss:// (ALPN is http/1.1). */
  tls?: FetchTlsOptions;
  transport?: ConnectOptions['transport'];
  connectTo?: string;
  /** Largest message accepted (after reassembly), default 64 MiB; a bigger one fails the connection (close 1009). */
  maxMessageSize?: number;
  /** Extra handshake headers. */
  headers?: HeadersInit;
}

/** WHATWG-shaped WebSocket: wss:// through wasmtls, ws:// over the runtime's plain TCP (or `transport`). */
export class WebSocket extends EventTarget {
  constructor(url: string | URL, protocols?: string | string[], options?: WebSocketOptions);
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  readonly url: string;
  readonly readyState: 0 | 1 | 2 | 3;
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  binaryType: 'blob' | 'arraybuffer';
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  /** The event carries `error` (a WasmTlsError / HttpError with `httpCode`). */
  onerror: ((ev: Event & { error?: WasmTlsError }) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void;
  close(code?: number, reason?: string): void;
}
