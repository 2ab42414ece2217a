/**
 * wasmtls for Cloudflare Workers / workerd: TLS 1.3 / 1.2 in WebAssembly over
 * a plain `cloudflare:sockets` TCP socket. No `node:` imports, no
 * nodejs_compat needed.
 *
 *   import { connect } from 'wasmtls';
 *   const socket = connect('db.example.com:5432', { ca: env.CA_PEM });
 */
import { createConnect, createUpgrade, createInit } from './core/api.js';
import wasmModule from './dist/wasmtls-simd.wasm'; // a compiled WebAssembly.Module in workerd (V8 always has wasm SIMD)
import { webCryptoSigVerifier } from './core/webcrypto-verify.js';
import { workerdWasmLoader } from './runtimes/workerd.js';
import { workerdTcpTransport } from './transports/workerd-tcp.js';

export { WasmTlsError } from './core/errors.js';
export { HINTS } from './core/hints.js';
export { parseCertificate, describeCertificate } from './x509/x509.js';

const runtime = {
  loadWasm: workerdWasmLoader(wasmModule),
  transports: { tcp: workerdTcpTransport },
  // signatures verified by WebCrypto, the engine waiting for the verdicts
  sigVerifyAsync: webCryptoSigVerifier(globalThis.crypto?.subtle),
};

/** Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`. */
export const connect = createConnect(runtime);

/** Start TLS on an already-open `{ readable, writable }` pair (STARTTLS). */
export const upgrade = createUpgrade(runtime);

/** Choose the wasm before the first connection: workerd compiles no wasm at run time, so only a WebAssembly.Module. */
export const init = createInit(runtime);

export { workerdTcpTransport };
