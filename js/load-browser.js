/**
 * Load wasmtls.wasm in a browser (or any runtime with fetch): located next to
 * this module with `new URL(…, import.meta.url)` so it works unbundled from a
 * static origin and with bundlers that understand that pattern.
 */
import { instantiate } from './wasm.js';

const DEFAULT_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);

/** @type {Promise<import('./wasm.js').WasmTls> | null} */
let loading = null;

/**
 * Fetch and instantiate the module once per page. Uses
 * WebAssembly.compileStreaming when the server sends `application/wasm`
 * (see wasm.js), else compiles from the bytes.
 * @param {URL | string | WebAssembly.Module} [source] another URL or a precompiled module
 * @returns {Promise<import('./wasm.js').WasmTls>}
 */
export function loadWasmBrowser(source = DEFAULT_WASM) {
  if (!loading) {
    const input = source instanceof WebAssembly.Module ? source
      : globalThis.fetch(source).then((res) => {
        if (!res.ok) throw new Error(`cannot fetch ${source}: HTTP ${res.status}`);
        return res;
      });
    loading = instantiate(input);
    loading.catch(() => { loading = null; });
  }
  return loading;
}
