/** wasm loading for Bun: read js/dist/wasmtls.wasm next to this file with Bun.file. */
import { instantiate } from './wasm.js';

const WASM_URL = new URL('./dist/wasmtls.wasm', import.meta.url);

/** @returns {Promise<import('./wasm.js').WasmTls>} */
export function loadWasmBun() {
  return instantiate(globalThis.Bun.file(WASM_URL).arrayBuffer().catch((err) => {
    throw new Error(`wasmtls: cannot read ${WASM_URL.href} (${err.message}); run \`npm run build\``, { cause: err });
  }));
}
