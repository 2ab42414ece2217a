/**
 * wasm loading for Cloudflare Workers / workerd: the entry (js/index.workerd.js) imports
 * the .wasm as a compiled WebAssembly.Module (workerd forbids compiling wasm from bytes at
 * run time; wrangler's default CompiledWasm rule and a workerd config's
 * `wasm = embed "..."` module both turn that import into a Module) and passes it here.
 * Workers run V8, which always has wasm SIMD: the entry imports the SIMD build.
 */
import { instantiate } from '../core/wasm.js';

/**
 * @param {WebAssembly.Module} wasmModule
 * @returns {() => Promise<import('../core/wasm.js').WasmTls>}
 */
export function workerdWasmLoader(wasmModule) {
  return function loadWasmWorkerd() {
    return instantiate(wasmModule);
  };
}
