/**
 * wasmtls/fetch for browser: fetch() over wasmtls sockets (see js/fetch/client.js, docs/HTTP.md).
 *
 *   import { fetch, createFetch, WebSocket } from 'wasmtls/fetch';
 */
import { connect } from '../index.browser.js';
import { makeFetchApi } from './client.js';
import { makeWebSocket } from './websocket.js';

export { responseInfo } from './client.js';
export { HttpError } from './errors.js';
export { WasmTlsError } from '../core/errors.js';

export const { fetch, createFetch } = makeFetchApi(connect);

/** WHATWG-shaped WebSocket: wss:// through wasmtls; ws:// needs options.transport. */
export const WebSocket = makeWebSocket({ connect });
