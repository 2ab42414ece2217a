/**
 * wasmtls/fetch for workerd: fetch() over wasmtls sockets (see js/fetch/client.js, docs/HTTP.md).
 *
 *   import { fetch, createFetch, WebSocket } from 'wasmtls/fetch';
 */
import { connect, workerdTcpTransport } from '../index.workerd.js';
import { makeFetchApi } from './client.js';
import { makeWebSocket } from './websocket.js';
// workerd compiles no wasm at run time: the h2 wasm is imported as a Module (like js/runtimes/workerd.js)
import h2Module from '../dist/wasmtls-h2.wasm';

export { responseInfo } from './client.js';
export { HttpError } from './errors.js';
export { WasmTlsError } from '../core/errors.js';

export const { fetch, createFetch } = makeFetchApi(connect, { h2Wasm: h2Module });

/** WHATWG-shaped WebSocket: wss:// through wasmtls, ws:// over the plain TCP transport. */
export const WebSocket = makeWebSocket({ connect, plainTransport: workerdTcpTransport });
