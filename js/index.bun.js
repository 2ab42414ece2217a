/**
 * wasmtls for Bun: TLS 1.3 / 1.2 in WebAssembly over `Bun.connect`.
 *
 *   import { connect } from 'wasmtls';
 *   const socket = connect('example.com:443', { ca: pem });
 */
import { createConnect, createUpgrade, createInit } from './core/api.js';
import { bunWasmLoader, readWasmBun } from './runtimes/bun.js';
import { webSocket } from './transports/websocket.js';
import { wisp } from './transports/wisp.js';
import { bunTcpTransport } from './transports/bun-tcp.js';
import * as nodeCrypto from 'node:crypto';
import { nodeSigVerifier } from './core/native-verify.js';
import { nodeAeadNative } from './core/native-cipher.js';

export { WasmTlsError } from './core/errors.js';
export { HINTS } from './core/hints.js';
export { parseCertificate, describeCertificate } from './x509/x509.js';

// The entry owns the wasm URLs (relative to this file: what bundlers follow and copy).
const SIMD_WASM = new URL('./dist/wasmtls-simd.wasm', import.meta.url);
const PLAIN_WASM = new URL('./dist/wasmtls.wasm', import.meta.url);
const loadWasmBun = bunWasmLoader(SIMD_WASM, PLAIN_WASM);

const runtime = {
  loadWasm: loadWasmBun,
  readWasm: readWasmBun,
  transports: { tcp: bunTcpTransport },
  // 'ws://…' as webSocket(url): Bun has a global WebSocket
  urlTransport: (url) => webSocket(url),
  sigVerify: nodeSigVerifier(nodeCrypto, process.env),
  // records sealed/opened by node:crypto (`nativeCipher: false`: the wasm AEAD)
  aeadNative: nodeAeadNative(nodeCrypto, process.env),
};

/** Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`. */
export const connect = createConnect(runtime);

/** Start TLS on an already-open `{ readable, writable }` pair (STARTTLS). */
export const upgrade = createUpgrade(runtime);

/** Choose the wasm (a URL, path, bytes or a WebAssembly.Module) before the first connection. */
export const init = createInit(runtime);

export { bunTcpTransport, webSocket, wisp };
