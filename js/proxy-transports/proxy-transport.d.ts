// `wasmtls/proxy-transport`: an @mercuryworkshop/proxy-transports ProxyTransport on wasmtls/fetch over Wisp.
import type { WasmTlsTransportOptions } from './options.js';
export type { WasmTlsTransportOptions } from './options.js';

export type RawHeaders = [string, string][];
export interface RawTransferrableResponse {
  body: ReadableStream<Uint8Array> | ArrayBuffer;
  headers: RawHeaders;
  status: number;
  statusText: string;
}

/** Structurally proxy-transports' `ProxyTransport` (npm @mercuryworkshop/proxy-transports 1.x). */
export class WasmTlsProxyTransport {
  constructor(options: WasmTlsTransportOptions);
  ready: boolean;
  init(): Promise<void>;
  /** One exchange; 3xx are returned as they are (redirect: 'manual'). Rejects with a WasmTlsError. */
  request(remote: URL, method: string, body: BodyInit | null, headers: RawHeaders, signal: AbortSignal | undefined | null): Promise<RawTransferrableResponse>;
  /** onerror gets "CODE: message" (e.g. "UNKNOWN_CA: …"), then onclose(1006, ''). */
  connect(url: URL, protocols: string[], requestHeaders: RawHeaders,
    onopen: (protocol: string, extensions: string) => void, onmessage: (data: Blob | ArrayBuffer | string) => void,
    onclose: (code: number, reason: string) => void, onerror: (error: string) => void,
  ): [(data: Blob | ArrayBuffer | ArrayBufferView | string) => void, (code?: number, reason?: string) => void];
  close(): Promise<void>;
}
export default WasmTlsProxyTransport;
