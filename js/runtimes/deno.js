/**
 * wasm loading for Deno: Deno.readFile of the SIMD build js/dist/wasmtls-simd.wasm where
 * Deno has wasm SIMD (always, in practice), else js/dist/wasmtls.wasm (needs only
 * --allow-read for that file). The entry (js/index.deno.js) owns the two
 * `new URL('./dist/…wasm', import.meta.url)` literals and passes them here.
 */
import { instantiate, loadedWasm, readPreferringSimd, readWasmFrom } from '../core/wasm.js';

/**
 * @param {URL} simdUrl the entry's js/dist/wasmtls-simd.wasm
 * @param {URL} plainUrl the entry's js/dist/wasmtls.wasm
 * @returns {() => Promise<import('../core/wasm.js').WasmTls>}
 */
export function denoWasmLoader(simdUrl, plainUrl) {
  return function loadWasmDeno() {
    if (loadedWasm()) return loadedWasm(); // init({ wasm }) or an earlier connection
    const read = (url) => globalThis.Deno.readFile(url).catch((err) => {
      throw new Error(`wasmtls: cannot read ${url.href} (${err.name}: ${err.message}); Deno needs --allow-read for it`, { cause: err });
    });
    return instantiate(readPreferringSimd(read, simdUrl, plainUrl));
  };
}

/**
 * Read a wasm given to init({ wasm }): a file: URL or path (Deno), or an http(s)/data URL (fetched).
 * @param {URL | string} where
 */
export function readWasmDeno(where) {
  return readWasmFrom(where, (file) => globalThis.Deno.readFile(file));
}
