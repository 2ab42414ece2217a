/**
 * Load wasmtls.wasm in a browser (or any runtime with fetch): located next to
 * this module with `new URL(…, import.meta.url)` so it works unbundled from a
 * static origin and with bundlers that understand that pattern.
 */
import { instantiate, loadedWasm, readPreferringSimd } from './core/wasm.js';

// Two literal `new URL(…, import.meta.url)` so bundlers see (and copy) both builds.
const PLAIN_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);
const SIMD_WASM = new URL('./dist/wasmtls-simd.wasm', import.meta.url);

/** @type {Promise<import('./core/wasm.js').WasmTls> | null} */
let loading = null;

/**
 * Fetch and instantiate the module once per page: by default the SIMD build
 * where the browser has wasm SIMD (falling back to the plain build if it
 * cannot be fetched), else the plain build. Uses
 * WebAssembly.compileStreaming when the server sends `application/wasm`
 * (see wasm.js), else compiles from the bytes.
 * @param {URL | string | WebAssembly.Module} [source] another URL or a precompiled module
 *   (the same as `init({ wasm: source })`)
 * @returns {Promise<import('./core/wasm.js').WasmTls>}
 */
export function loadWasmBrowser(source) {
  if (source === undefined && !loading && loadedWasm()) return loadedWasm(); // init({ wasm }) chose it
  if (!loading) {
    const help = source === undefined ? ' (a bundle? copy node_modules/wasmtls/js/dist/*.wasm into dist/ next to it, or pass the wasm with init({ wasm }): see the README, "Bundlers")' : '';
    const get = (url) => globalThis.fetch(url).then((res) => {
      if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}${help}`);
      return res;
    });
    const input = source instanceof WebAssembly.Module ? source
      : source !== undefined ? get(source) : readPreferringSimd(get, SIMD_WASM, PLAIN_WASM);
    loading = instantiate(input);
    loading.catch(() => { loading = null; });
  }
  return loading;
}
