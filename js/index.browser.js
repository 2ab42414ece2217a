/**
 * wasmtls for browsers: TLS 1.3 in WebAssembly over a WebSocket proxy
 * (websockify-style raw bytes, or Wisp v1). The proxy only sees ciphertext.
 * Only relative imports and no Node built-ins, so it loads unbundled from a
 * static origin.
 *
 *   import { connect, webSocket } from 'wasmtls';
 *   const socket = connect('example.com:443', { transport: webSocket('wss://proxy.example/') });
 *   const info = await socket.opened;
 */
import { createConnect, createUpgrade, createInit } from './core/api.js';
import { browserWasmLoader } from './runtimes/browser.js';
import { webSocket } from './transports/websocket.js';
import { wisp } from './transports/wisp.js';
import { webCryptoSigVerifier } from './core/webcrypto-verify.js';

export { WasmTlsError } from './core/errors.js';
export { HINTS } from './core/hints.js';
export { parseCertificate, describeCertificate } from './x509/x509.js';
export { webSocket, wisp, loadWasmBrowser };

// The entry owns the wasm URLs (relative to this file: what bundlers follow and copy).
const SIMD_WASM = new URL('./dist/wasmtls-simd.wasm', import.meta.url);
const PLAIN_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);
/** Fetch and instantiate the wasm once per page (the SIMD build where the browser has wasm SIMD), or `source`: another URL or a WebAssembly.Module. */
const loadWasmBrowser = browserWasmLoader(SIMD_WASM, PLAIN_WASM);

/**
 * Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`.
 * `options.transport` is required here: `webSocket(url)`, `wisp(url)`, a ws:// URL
 * (raw WebSocket) or your own factory.
 */
const runtime = {
  loadWasm: () => loadWasmBrowser(),
  transports: {},
  urlTransport: (url) => webSocket(url),
  readWasm: (url) => globalThis.fetch(url).then((res) => {
    if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}`);
    return res;
  }),
  // signatures verified by WebCrypto (secure contexts; elsewhere BearSSL in wasm), the engine waiting for the verdicts
  sigVerifyAsync: webCryptoSigVerifier(globalThis.crypto?.subtle),
};

/**
 * Choose the wasm before the first connection: a URL (e.g. what a bundler gives for
 * `wasmtls/wasmtls-simd.wasm`), the bytes or a compiled WebAssembly.Module.
 */
export const init = createInit(runtime);

export const connect = createConnect(runtime);

/**
 * Start TLS on an already-open `{ readable, writable }` pair (STARTTLS), e.g. a
 * WebSocket transport after a plaintext protocol exchange. Same socket shape as connect().
 */
export const upgrade = createUpgrade(runtime);
