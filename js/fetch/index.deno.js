/**
 * wasmtls/fetch for deno: fetch() over wasmtls sockets (see js/fetch/client.js, docs/HTTP.md).
 *
 *   import { fetch, createFetch, WebSocket } from 'wasmtls/fetch';
 */
import { connect, denoTcpTransport } from '../index.deno.js';
import { makeFetchApi } from './client.js';
import { makeWebSocket } from './websocket.js';

export { responseInfo } from './client.js';
export { HttpError } from './errors.js';
export { WasmTlsError } from '../core/errors.js';

/** The h2 wasm is read from disk the first time a server selects h2. */
export const { fetch, createFetch } = makeFetchApi(connect, { h2Wasm: () => Deno.readFile(new URL('../dist/wasmtls-h2.wasm', import.meta.url)) });

/** WHATWG-shaped WebSocket: wss:// through wasmtls, ws:// over the plain TCP transport. */
export const WebSocket = makeWebSocket({ connect, plainTransport: denoTcpTransport });
