/**
 * wasm loading in a browser (or any runtime with fetch). The entry
 * (js/index.browser.js) owns the two `new URL('./dist/…wasm', import.meta.url)`
 * literals and passes them here, so they stay relative to the entry: that is
 * what works unbundled from a static origin and what bundlers follow.
 */
import { instantiate, loadedWasm, readPreferringSimd } from '../core/wasm.js';

/** @type {Promise<import('../core/wasm.js').WasmTls> | null} */
let loading = null;

/**
 * The entry's `loadWasmBrowser(source?)`: fetch and instantiate the module once per
 * page — by default the SIMD build where the browser has wasm SIMD (falling back to the
 * plain build if it cannot be fetched), else the plain build. Uses
 * WebAssembly.compileStreaming when the server sends `application/wasm` (see
 * core/wasm.js), else compiles from the bytes.
 * @param {URL} simdUrl the entry's js/dist/wasmtls-simd.wasm
 * @param {URL} plainUrl the entry's js/dist/wasmtls.wasm
 * @returns {(source?: URL | string | WebAssembly.Module) => Promise<import('../core/wasm.js').WasmTls>}
 */
export function browserWasmLoader(simdUrl, plainUrl) {
  /**
   * @param {URL | string | WebAssembly.Module} [source] another URL or a precompiled module
   *   (the same as `init({ wasm: source })`)
   */
  return function loadWasmBrowser(source) {
    if (source === undefined && !loading && loadedWasm()) return loadedWasm(); // init({ wasm }) chose it
    if (!loading) {
      const help = source === undefined ? ' (a bundle? copy node_modules/wasmtls/js/dist/*.wasm into dist/ next to it, or pass the wasm with init({ wasm }): see the README, "Bundlers")' : '';
      const get = (url) => globalThis.fetch(url).then((res) => {
        if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}${help}`);
        return res;
      });
      const input = source instanceof WebAssembly.Module ? source
        : source !== undefined ? get(source) : readPreferringSimd(get, simdUrl, plainUrl);
      loading = instantiate(input);
      loading.catch(() => { loading = null; });
    }
    return loading;
  };
}

