// PostgreSQL over wasmtls's upgrade() from Deno, Bun or Node (run in the
// project where the packed tarball is installed): the runtime's own TCP
// transport as exported by its wasmtls entry, SSLRequest, 'S', upgrade(),
// `SELECT 1` and ROWS rows of 1 MB. Usage: pg-client.js PORT CA.pem ROWS
import * as wasmtls from 'wasmtls';
import { sendSslRequest, PgSession, text } from './pg-wire.js';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [port, caFile, rowsText] = args;
const ca = globalThis.Deno ? await Deno.readTextFile(caFile)
  : globalThis.Bun ? await Bun.file(caFile).text()
  : (await import('node:fs')).readFileSync(caFile, 'utf8');
const openTcp = wasmtls.denoTcpTransport ?? wasmtls.bunTcpTransport ?? wasmtls.nodeTcpTransport;

const plain = await openTcp({ hostname: '127.0.0.1', port: Number(port) });
const answer = await sendSslRequest(plain);
if (answer !== 'S') throw new Error(`the server answered ${answer} to the SSLRequest`);
const tls = wasmtls.upgrade(plain, { serverName: 'localhost', ca });
const info = await tls.opened;
const pg = new PgSession(tls);
await pg.startup({ user: 'postgres', database: 'postgres' });
const one = await pg.query('SELECT 1');
const t0 = performance.now();
const big = await pg.query(`SELECT repeat('x', 1000000) FROM generate_series(1, ${Number(rowsText)})`);
const ms = performance.now() - t0;
const ssl = await pg.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
await pg.terminate();
await tls.close();
console.log(JSON.stringify({
  tlsVersion: info.version,
  select1: text(one.rows[0][0]),
  bigLengths: big.rows.map(([c]) => c.length),
  allX: big.rows.every(([c]) => c.every((b) => b === 0x78)),
  serverSsl: ssl.rows[0].map(text),
  ms: Math.round(ms),
}));
