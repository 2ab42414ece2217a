/**
 * wasm loading for Deno: read the wasm next to this file — the SIMD build
 * js/dist/wasmtls-simd.wasm where Deno has wasm SIMD (always, in practice),
 * else js/dist/wasmtls.wasm (needs only --allow-read for that file).
 */
import { instantiate, readPreferringSimd } from './wasm.js';

const PLAIN_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);
const SIMD_WASM = new URL('./dist/wasmtls-simd.wasm', import.meta.url);

/** @returns {Promise<import('./wasm.js').WasmTls>} */
export function loadWasmDeno() {
  const read = (url) => globalThis.Deno.readFile(url).catch((err) => {
    throw new Error(`wasmtls: cannot read ${url.href} (${err.name}: ${err.message}); Deno needs --allow-read for it`, { cause: err });
  });
  return instantiate(readPreferringSimd(read, SIMD_WASM, PLAIN_WASM));
}
