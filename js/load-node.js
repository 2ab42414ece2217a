import { readFile } from 'node:fs/promises';
import { instantiate, readPreferringSimd } from './wasm.js';

const PLAIN_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);
const SIMD_WASM = new URL('./dist/wasmtls-simd.wasm', import.meta.url);

/** @type {Promise<import('./wasm.js').WasmTls> | null} */
let loading = null;

/**
 * Load the wasm from disk and instantiate it (once per process): the SIMD
 * build js/dist/wasmtls-simd.wasm (Node has wasm SIMD), or js/dist/wasmtls.wasm
 * where it is missing. The environment variable WASMTLS_WASM may name another
 * build (tests, debugging).
 * @returns {Promise<import('./wasm.js').WasmTls>}
 */
export function loadWasmNode() {
  if (!loading) {
    const chosen = process.env.WASMTLS_WASM;
    const read = (file) => readFile(file).catch((err) => {
      throw new Error(`wasmtls: cannot read ${file} (${err.code ?? err.message}); run \`npm run build\``, { cause: err });
    });
    loading = instantiate(chosen ? read(chosen) : readPreferringSimd(read, SIMD_WASM, PLAIN_WASM));
    loading.catch(() => { loading = null; });
  }
  return loading;
}
