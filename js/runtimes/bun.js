/**
 * wasm loading for Bun: Bun.file of the SIMD build js/dist/wasmtls-simd.wasm where Bun has
 * wasm SIMD, else js/dist/wasmtls.wasm. The entry (js/index.bun.js) owns the two
 * `new URL('./dist/…wasm', import.meta.url)` literals and passes them here.
 */
import { instantiate, loadedWasm, readPreferringSimd, readWasmFrom } from '../core/wasm.js';

/**
 * @param {URL} simdUrl the entry's js/dist/wasmtls-simd.wasm
 * @param {URL} plainUrl the entry's js/dist/wasmtls.wasm
 * @returns {() => Promise<import('../core/wasm.js').WasmTls>}
 */
export function bunWasmLoader(simdUrl, plainUrl) {
  return function loadWasmBun() {
    if (loadedWasm()) return loadedWasm(); // init({ wasm }) or an earlier connection
    const read = (url) => globalThis.Bun.file(url).arrayBuffer().catch((err) => {
      throw new Error(`wasmtls: cannot read ${url.href} (${err.message}); if wasmtls was bundled, copy node_modules/wasmtls/js/dist/*.wasm into a dist/ folder next to the bundle or call init({ wasm }) first`, { cause: err });
    });
    return instantiate(readPreferringSimd(read, simdUrl, plainUrl));
  };
}

/**
 * Read a wasm given to init({ wasm }): a file: URL or path (Bun), or an http(s)/data URL (fetched).
 * @param {URL | string} where
 */
export function readWasmBun(where) {
  return readWasmFrom(where, (file) => globalThis.Bun.file(file).arrayBuffer());
}
