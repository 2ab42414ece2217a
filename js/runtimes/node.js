/**
 * What the Node entry (js/index.node.js) needs from Node: wasm loading with fs.readFile (the entry
 * owns the two `new URL('./dist/…wasm', import.meta.url)` literals and passes them here, so they
 * stay relative to the entry: what bundlers follow), the default trust anchors (the bundled roots
 * + NODE_EXTRA_CA_CERTS) and the SSLKEYLOGFILE sink. One module: each module file costs the ESM
 * loader ~0.45 ms of cold start (docs/PERFORMANCE.md).
 */
import { instantiate, loadedWasm, readPreferringSimd, readWasmFrom } from '../core/wasm.js';

// node:fs as the CommonJS module Node loaded at boot: an ESM `import … from 'node:fs'` (or
// 'node:fs/promises') builds the ESM facade, which also loads fs/promises, node:stream, readline
// and the fs streams — ~3 ms of cold start (docs/PERFORMANCE.md).
const fs = process.getBuiltinModule('node:fs');

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
  return readWasmFrom(where, (file) => readFile(file));
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

/* ------------------------------------------------------------------ default CA
 * The default trust anchors in Node (the API and the CLI): the bundled Mozilla
 * roots (js/roots.js) plus the certificates of the PEM file named by
 * NODE_EXTRA_CA_CERTS, as Node itself does — added to the defaults (never
 * replacing them), read once per process; a missing or unreadable file, or one
 * without a CERTIFICATE block, is a process warning, not a failure.
 * An explicit `ca` replaces all of this (like Node's `ca` option).
 */
/** @type {Promise<Uint8Array[]> | null} */
let loadingCa = null;

/** @returns {Promise<Uint8Array[]>} the roots (DER) and the extra certificates (PEM text as UTF-8 bytes, as `ca` takes them) */
export function loadNodeDefaultCa() {
  loadingCa ??= (async () => {
    const [{ default: roots }, extra] = await Promise.all([import('../roots.js'), readExtraCaCerts(process.env.NODE_EXTRA_CA_CERTS)]);
    if (!extra.length) return roots;
    // a system bundle (NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt is common) repeats most roots: add only the new ones
    const known = new Set(roots.map((der) => Buffer.from(der).toString('base64')));
    const added = extra.filter((pem) => !known.has(pemBody(pem)));
    return added.length ? [...roots, ...added] : roots;
  })();
  return loadingCa;
}

/**
 * The PEM certificates of `file` (each one PEM text, as bytes), or [] with a warning.
 * @param {string | undefined} file
 * @returns {Promise<Uint8Array[]>}
 */
export async function readExtraCaCerts(file) {
  if (!file) return [];
  let text;
  try {
    text = await readFile(file, 'latin1');
  } catch (err) {
    warn(`Ignoring extra certs from \`${file}\`, load failed: ${err.code ?? ''} ${err.message}`.replace('  ', ' '));
    return [];
  }
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (!certs.length) warn(`Ignoring extra certs from \`${file}\`, load failed: no PEM CERTIFICATE block in it`);
  const encoder = new TextEncoder();
  return certs.map((pem) => encoder.encode(`${pem}\n`));
}

/** The base64 body of one PEM certificate (UTF-8 bytes), whitespace removed. */
function pemBody(pem) {
  return new TextDecoder().decode(pem).replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

function warn(message) {
  process.emitWarning(`wasmtls: ${message}`, { code: 'WASMTLS_EXTRA_CA_CERTS' });
}

/* ------------------------------------------------------------------ SSLKEYLOGFILE
 * SSLKEYLOGFILE for Node (and the CLI): when the environment variable names a file, every
 * connection's NSS key log lines are appended to it, as curl, Firefox and Chrome do. The file is
 * created with mode 0600 if missing. It holds the connections' secrets: anyone who reads it can
 * decrypt the captured traffic. Unset (the default): nothing is written.
 */
/** @returns {((line: string) => void) | null} a sink appending to $SSLKEYLOGFILE, or null when unset */
export function sslKeylogFile() {
  const file = process.env.SSLKEYLOGFILE;
  if (!file) return null;
  return (line) => {
    try {
      fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
    } catch { /* an unwritable key log file does not fail the connection (as in curl) */ }
  };
}
