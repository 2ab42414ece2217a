/**
 * wasm loading in Node: fs.readFile. The entry (js/index.node.js) owns the two
 * `new URL('./dist/…wasm', import.meta.url)` literals and passes them here, so
 * they stay relative to the entry (what bundlers follow).
 */

// node:fs as the CommonJS module Node loaded at boot: an ESM `import … from 'node:fs'` (or
// 'node:fs/promises') builds the ESM facade, which also loads fs/promises, node:stream, readline
// and the fs streams — ~3 ms of cold start (docs/PERFORMANCE.md).
const fs = process.getBuiltinModule('node:fs');
import { instantiate, loadedWasm, readPreferringSimd } from '../core/wasm.js';

/** @type {Promise<import('../core/wasm.js').WasmTls> | null} */
let loading = null;

/**
 * fs.readFile as a promise (see above: not node:fs/promises).
 * @param {string | URL} file
 * @param {BufferEncoding} [encoding]
 * @returns {Promise<any>}
 */
export function readFile(file, encoding) {
  return new Promise((resolve, reject) => fs.readFile(file, encoding, (err, data) => (err ? reject(err) : resolve(data))));
}

const MISSING_WASM_HELP = 'if wasmtls was bundled, copy node_modules/wasmtls/js/dist/*.wasm into a dist/ folder next to the bundle, ' +
  'set WASMTLS_WASM to the path of wasmtls.wasm, or call init({ wasm }) first; in a checkout of the repository, run `npm run build`';

/**
 * Read a wasm given to init({ wasm }): a path, a file: URL, or an http(s)/data URL (fetched).
 * @param {URL | string} where
 */
export function readWasmNode(where) {
  const href = String(where);
  if (/^(https?|data|blob):/i.test(href)) {
    return globalThis.fetch(href).then((res) => {
      if (!res.ok) throw new Error(`cannot fetch ${href}: HTTP ${res.status}`);
      return res.arrayBuffer();
    });
  }
  return readFile(/^file:/i.test(href) ? new URL(href) : href);
}

/**
 * The entry's `loadWasmNode()`: load the wasm from disk and instantiate it (once per
 * process) — the SIMD build where Node validates a SIMD module, or the plain build where
 * that is missing. The environment variable WASMTLS_WASM may name another build (tests,
 * debugging).
 * @param {URL} simdUrl the entry's js/dist/wasmtls-simd.wasm
 * @param {URL} plainUrl the entry's js/dist/wasmtls.wasm
 * @returns {() => Promise<import('../core/wasm.js').WasmTls>}
 */
export function nodeWasmLoader(simdUrl, plainUrl) {
  return function loadWasmNode() {
    if (!loading && loadedWasm()) return loadedWasm(); // init({ wasm }) chose it
    if (!loading) {
      const chosen = process.env.WASMTLS_WASM;
      const read = (file) => readFile(file).catch((err) => {
        throw new Error(`wasmtls: cannot read ${file} (${err.code ?? err.message}); ${MISSING_WASM_HELP}`, { cause: err });
      });
      loading = instantiate(chosen ? read(chosen) : readPreferringSimd(read, simdUrl, plainUrl));
      loading.catch(() => { loading = null; });
    }
    return loading;
  };
}
