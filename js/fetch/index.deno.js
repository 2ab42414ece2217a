/**
 * wasmtls/fetch for deno: fetch() over wasmtls sockets (see js/fetch/client.js, docs/HTTP.md).
 *
 *   import { fetch, createFetch } from 'wasmtls/fetch';
 */
import { connect } from '../index.deno.js';
import { makeFetchApi } from './client.js';

export { responseInfo } from './client.js';
export { HttpError } from './errors.js';
export { WasmTlsError } from '../errors.js';

export const { fetch, createFetch } = makeFetchApi(connect);
