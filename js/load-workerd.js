/**
 * wasm loading for Cloudflare Workers / workerd: the .wasm is imported as a
 * compiled WebAssembly.Module (workerd forbids compiling wasm from bytes at
 * run time). wrangler's default CompiledWasm rule and a workerd config's
 * `wasm = embed "..."` module both turn this import into a Module.
 * Workers run V8, which always has wasm SIMD: the SIMD build is imported.
 */
import wasmModule from './dist/wasmtls-simd.wasm';
import { instantiate } from './core/wasm.js';

/** @returns {Promise<import('./core/wasm.js').WasmTls>} */
export function loadWasmWorkerd() {
  return instantiate(wasmModule);
}
