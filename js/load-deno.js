/**
 * wasm loading for Deno: read js/dist/wasmtls.wasm next to this file
 * (needs only --allow-read for that file).
 */
import { instantiate } from './wasm.js';

const WASM_URL = new URL('./dist/wasmtls.wasm', import.meta.url);

/** @returns {Promise<import('./wasm.js').WasmTls>} */
export function loadWasmDeno() {
  return instantiate(globalThis.Deno.readFile(WASM_URL).catch((err) => {
    throw new Error(`wasmtls: cannot read ${WASM_URL.href} (${err.name}: ${err.message}); Deno needs --allow-read for it`, { cause: err });
  }));
}
