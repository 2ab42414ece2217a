// Child process for tests/node/neon.test.mjs: the Neon driver as Node >= 22 runs it, on the
// global WebSocket (Node's own, undici; `--experimental-websocket` on Node 20) with no
// webSocketConstructor set; also run by Deno and Bun from the packed-and-installed copy.
// Prints one JSON line: { rows, ws, entry, sameEntry } or { error: { name, code, message }, entry, sameEntry }.
//   NEON_WS_PORT  websockify port   NEON_PG_PORT  PostgreSQL port   NEON_CA_FILE  root CA (PEM)
//   NEON_HOST     host name in the connection string (default localhost)
import fs from 'node:fs';
import { neonConfig, Client } from '@neondatabase/serverless';

if (typeof WebSocket !== 'function') throw new Error('no global WebSocket in this runtime');
const subtls = await import('wasmtls/subtls');
const wasmtls = await import('wasmtls');
neonConfig.subtls = subtls;
// Which entry this runtime resolved 'wasmtls' to, and whether the shim uses that same module.
const entry = import.meta.resolve('wasmtls').split('/js/').pop();   // e.g. 'index.deno.js', or Node's 'dist/node/index.js'
const sameEntry = subtls.WasmTlsError === wasmtls.WasmTlsError;
neonConfig.wsProxy = () => `127.0.0.1:${process.env.NEON_WS_PORT}/`;
neonConfig.useSecureWebSocket = false;
neonConfig.forceDisablePgSSL = false;
neonConfig.pipelineConnect = false;
neonConfig.rootCerts = fs.readFileSync(process.env.NEON_CA_FILE, 'utf8');
const host = process.env.NEON_HOST || 'localhost';
const client = new Client(`postgresql://postgres@${host}:${process.env.NEON_PG_PORT}/postgres?sslmode=verify-full`);
// websockify may drop the TCP side without a WebSocket close frame once pg has closed; Deno's
// WebSocket reports that as an 'error' after the query: it is not what this checks.
client.on('error', () => {});
let out;
try {
  await client.connect();
  const { rows } = await client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  out = { rows, ws: neonConfig.webSocketConstructor === undefined ? 'global' : 'set', entry, sameEntry };
} catch (err) {
  out = { error: { name: err.name, code: err.code, message: err.message }, entry, sameEntry };
}
console.log(JSON.stringify(out));
await client.end().catch(() => {});
