/**
 * wasm loading for Bun: read the wasm next to this file with Bun.file — the
 * SIMD build js/dist/wasmtls-simd.wasm where Bun has wasm SIMD, else
 * js/dist/wasmtls.wasm.
 */
import { instantiate, readPreferringSimd } from './wasm.js';

const PLAIN_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);
const SIMD_WASM = new URL('./dist/wasmtls-simd.wasm', import.meta.url);

/** @returns {Promise<import('./wasm.js').WasmTls>} */
export function loadWasmBun() {
  const read = (url) => globalThis.Bun.file(url).arrayBuffer().catch((err) => {
    throw new Error(`wasmtls: cannot read ${url.href} (${err.message}); run \`npm run build\``, { cause: err });
  });
  return instantiate(readPreferringSimd(read, SIMD_WASM, PLAIN_WASM));
}
