// Child process for tests/node/neon.test.mjs: the Neon driver as Node >= 22 runs it, on the
// global WebSocket (Node's own, undici; `--experimental-websocket` on Node 20) with no
// webSocketConstructor set. Prints one JSON line: { rows } or { error: { name, code, message } }.
//   NEON_WS_PORT  websockify port   NEON_PG_PORT  PostgreSQL port   NEON_CA_FILE  root CA (PEM)
//   NEON_HOST     host name in the connection string (default localhost)
import fs from 'node:fs';
import { neonConfig, Client } from '@neondatabase/serverless';

if (typeof WebSocket !== 'function') throw new Error('no global WebSocket in this Node');
neonConfig.subtls = await import('wasmtls/subtls');
neonConfig.wsProxy = () => `127.0.0.1:${process.env.NEON_WS_PORT}/`;
neonConfig.useSecureWebSocket = false;
neonConfig.forceDisablePgSSL = false;
neonConfig.pipelineConnect = false;
neonConfig.rootCerts = fs.readFileSync(process.env.NEON_CA_FILE, 'utf8');
const host = process.env.NEON_HOST || 'localhost';
const client = new Client(`postgresql://postgres@${host}:${process.env.NEON_PG_PORT}/postgres?sslmode=verify-full`);
let out;
try {
  await client.connect();
  const { rows } = await client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  out = { rows, ws: neonConfig.webSocketConstructor === undefined ? 'global' : 'set' };
  await client.end();
} catch (err) {
  out = { error: { name: err.name, code: err.code, message: err.message } };
}
console.log(JSON.stringify(out));
