/**
 * wasmtls for Deno: TLS 1.3 / 1.2 in WebAssembly over `Deno.connect`.
 * Needs only `--allow-read` (the .wasm next to this file) and `--allow-net`.
 *
 *   import { connect } from 'wasmtls';   // or 'npm:wasmtls'
 *   const socket = connect('example.com:443', { ca: pem });
 */
import { createConnect, createUpgrade } from './api.js';
import { loadWasmDeno } from './load-deno.js';
import { denoTcpTransport } from './transport-deno-tcp.js';

export { WasmTlsError } from './errors.js';
export { HINTS } from './hints.js';
export { parseCertificate, describeCertificate } from './x509.js';

const runtime = { loadWasm: loadWasmDeno, transports: { tcp: denoTcpTransport } };

/** Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`. */
export const connect = createConnect(runtime);

/** Start TLS on an already-open `{ readable, writable }` pair (STARTTLS). */
export const upgrade = createUpgrade(runtime);

export { denoTcpTransport };
