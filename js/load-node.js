import { readFile } from 'node:fs/promises';
import { instantiate } from './wasm.js';

const DEFAULT_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);

/** @type {Promise<import('./wasm.js').WasmTls> | null} */
let loading = null;

/**
 * Load js/dist/wasmtls.wasm from disk and instantiate it (once per process).
 * The environment variable WASMTLS_WASM may name another build (debugging).
 * @returns {Promise<import('./wasm.js').WasmTls>}
 */
export function loadWasmNode() {
  if (!loading) {
    const file = process.env.WASMTLS_WASM || DEFAULT_WASM;
    loading = instantiate(readFile(file).catch((err) => {
      throw new Error(`wasmtls: cannot read ${file} (${err.code ?? err.message}); run \`npm run build\``, { cause: err });
    }));
    loading.catch(() => { loading = null; });
  }
  return loading;
}
