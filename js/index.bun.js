/**
 * wasmtls for Bun: TLS 1.3 / 1.2 in WebAssembly over `Bun.connect`.
 *
 *   import { connect } from 'wasmtls';
 *   const socket = connect('example.com:443', { ca: pem });
 */
import { createConnect, createUpgrade } from './api.js';
import { loadWasmBun } from './load-bun.js';
import { bunTcpTransport } from './transport-bun-tcp.js';

export { WasmTlsError } from './errors.js';
export { HINTS } from './hints.js';
export { parseCertificate, describeCertificate } from './x509.js';

const runtime = { loadWasm: loadWasmBun, transports: { tcp: bunTcpTransport } };

/** Open a TLS connection: `connect(address, options)` → `{ readable, writable, opened, closed, close() }`. */
export const connect = createConnect(runtime);

/** Start TLS on an already-open `{ readable, writable }` pair (STARTTLS). */
export const upgrade = createUpgrade(runtime);

export { bunTcpTransport };
