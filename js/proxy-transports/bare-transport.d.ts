// `wasmtls/bare-transport`: a bare-mux v2 BareTransport on wasmtls/fetch over Wisp.
import type { WasmTlsTransportOptions } from './options.js';
export type { WasmTlsTransportOptions } from './options.js';

export type BareHeaders = Record<string, string | string[]>;
export interface BareTransferrableResponse {
  body: ReadableStream<Uint8Array> | ArrayBuffer;
  headers: BareHeaders;
  status: number;
  statusText: string;
}

/** Structurally bare-mux's `BareTransport` (npm @mercuryworkshop/bare-mux 2.x). */
export class WasmTlsBareTransport {
  constructor(options: WasmTlsTransportOptions);
  ready: boolean;
  init(): Promise<void>;
  meta(): {};
  /** One exchange; 3xx are returned as they are (redirect: 'manual'). Rejects with a WasmTlsError. */
  request(remote: URL, method: string, body: BodyInit | null, headers: BareHeaders, signal: AbortSignal | undefined | null): Promise<BareTransferrableResponse>;
  /** onerror gets "CODE: message" (e.g. "UNKNOWN_CA: …"), then onclose(1006, ''). */
  connect(url: URL, protocols: string[], requestHeaders: BareHeaders,
    onopen: (protocol: string) => void, onmessage: (data: Blob | ArrayBuffer | string) => void,
    onclose: (code: number, reason: string) => void, onerror: (error: string) => void,
  ): [(data: Blob | ArrayBuffer | ArrayBufferView | string) => void, (code?: number, reason?: string) => void];
  /** Close the pooled connections (not part of BareTransport). */
  close(): Promise<void>;
}
export default WasmTlsBareTransport;
