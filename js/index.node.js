/**
 * wasmtls for Node.js: TLS 1.3 / 1.2 in WebAssembly, over TCP by default.
 *
 *   import { connect } from 'wasmtls';
 *   const socket = connect('example.com:443', { ca: pem });
 *   const info = await socket.opened;
 */
import { createConnect, createUpgrade, createInit } from './core/api.js';
import { nodeWasmLoader, readWasmNode, loadNodeDefaultCa, sslKeylogFile } from './runtimes/node.js';
import { webSocket } from './transports/websocket.js';
import { wisp } from './transports/wisp.js';
import { nodeTcpTransport } from './transports/node-tcp.js';
import { nodeSigVerifier } from './core/native-verify.js';
import { nodeAeadNative } from './core/native-cipher.js';
import { webCryptoSigVerifier } from './core/webcrypto-verify.js';

export { WasmTlsError } from './core/errors.js';
export { HINTS } from './core/hints.js';
export { parseCertificate, describeCertificate } from './x509/x509.js';

// The entry owns the wasm URLs (relative to this file: what bundlers follow and copy).
const SIMD_WASM = new URL('./dist/wasmtls-simd.wasm', import.meta.url);
const PLAIN_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);
const loadWasmNode = nodeWasmLoader(SIMD_WASM, PLAIN_WASM);

/**
 * Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`.
 * See index.d.ts for the options and the shape of `opened`.
 */
const runtime = {
  loadWasm: loadWasmNode,
  transports: { tcp: nodeTcpTransport },
  // 'ws://…' / webSocket() / wisp(): need a global WebSocket (Node 22 and later)
  urlTransport: (url) => webSocket(url),
  readWasm: readWasmNode,
  // no `ca`: the bundled roots plus NODE_EXTRA_CA_CERTS, as Node does
  defaultCa: loadNodeDefaultCa,
  warn: (message, code) => process.emitWarning(message, { code }),
  // SSLKEYLOGFILE=path: append the NSS key log lines there (secret material; unset by default)
  keylogFile: sslKeylogFile,
  // signatures verified by node:crypto (WASMTLS_NATIVE_VERIFY=0 or `nativeVerify: false`: BearSSL in wasm)
  sigVerify: process.env.WASMTLS_NATIVE_VERIFY === 'webcrypto' ? null
    : nodeSigVerifier(() => process.getBuiltinModule('node:crypto'), process.env),
  // WASMTLS_NATIVE_VERIFY=webcrypto (tests, benchmarks): the browsers' asynchronous path on crypto.subtle instead
  sigVerifyAsync: process.env.WASMTLS_NATIVE_VERIFY === 'webcrypto' ? webCryptoSigVerifier(globalThis.crypto?.subtle) : null,
  // records sealed/opened by node:crypto (WASMTLS_NATIVE_CIPHER=0 or `nativeCipher: false`: the wasm AEAD)
  aeadNative: nodeAeadNative(() => process.getBuiltinModule('node:crypto'), process.env),
};

export const connect = createConnect(runtime);

/**
 * Start TLS on an already-open `{ readable, writable }` pair (STARTTLS), e.g.
 * after PostgreSQL answered an SSLRequest with 'S'. Same socket shape as connect().
 */
export const upgrade = createUpgrade(runtime);

/** Choose the wasm (a path, URL, bytes or a WebAssembly.Module) before the first connection; see README "Bundlers". */
export const init = createInit(runtime);

export { nodeTcpTransport, webSocket, wisp };
