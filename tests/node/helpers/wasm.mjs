// The wasm instance the Node entry uses: init() runs the entry's own loader (js/index.node.js
// owns the wasm URLs; WASMTLS_WASM may name another build), then the shared instance.
import { init } from '../../../js/index.node.js';
import { loadedWasm } from '../../../js/core/wasm.js';

/** @returns {Promise<import('../../../js/core/wasm.js').WasmTls>} */
export async function loadWasmNode() {
  await init();
  return loadedWasm();
}
