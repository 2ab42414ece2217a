// A real application over wasmtls: PostgreSQL (Debian) with ssl=on and a
// certificate from the private test CA. The client sends the SSLRequest on a
// plain TCP connection, gets 'S', then starts TLS with wasmtls's upgrade():
//  - from Node, npm `pg` rides on the `wasmtls/node` Duplex (pg's `stream` option, ssl:false
//    because the stream is already TLS);
//  - from workerd, a worker speaks the wire protocol by hand over cloudflare:sockets + upgrade()
//    (packed-and-installed copy of wasmtls).
//  - from Deno and Bun, the same wire-protocol code over the transport their wasmtls entry exports.
// Each runs `SELECT 1` and a query that returns 4 MB, and checks pg_stat_ssl on the server side.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { upgradeDuplex } from '../../js/node-duplex.js';
import { getPki } from './helpers/pki.mjs';
import { findPostgresBin, startPostgres } from './helpers/postgres.mjs';
import { execFile } from 'node:child_process';
import { installPackedCopy, runtimeBinary, runtimeEnv, REPO } from './helpers/packed.mjs';
import { startWorkerd } from './helpers/workerd.mjs';
import { withTimeout } from './helpers/servers.mjs';

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const MB = 1000000;
const ROWS = 4;

const pgBin = findPostgresBin();
const skipReason = pgBin ? false : 'PostgreSQL is not installed (/usr/lib/postgresql/*/bin; scripts/setup.sh installs it)';
if (skipReason) console.log(`# SKIP postgres: ${skipReason}`);

let pki;
let server;
let packed = null;

/** The packed tarball installed into a temp project, with the test's wire-protocol files beside it. */
function installed() {
  if (!packed) {
    packed = installPackedCopy();
    for (const f of ['pg-worker.js', 'pg-wire.js', 'pg-client.js']) {
      fs.copyFileSync(path.join(REPO, 'tests/node/edge', f), path.join(packed.dir, f));
    }
    fs.writeFileSync(path.join(packed.dir, 'ca.pem'), pki.rootPem);
  }
  return packed;
}

before(async () => {
  if (skipReason) return;
  pki = getPki();
  server = await startPostgres({ leaf: pki.leaves.p256 });
  console.log(`# ${server.version} on 127.0.0.1:${server.port}`);
});

after(async () => { await server?.stop(); });

/** Plain TCP, SSLRequest, 'S', then wasmtls: a Duplex that npm pg can use as its stream. */
async function startTlsToPostgres(options = {}) {
  const sock = net.connect({ host: '127.0.0.1', port: server.port });
  await once(sock, 'connect');
  sock.write(SSL_REQUEST);
  const [answer] = await once(sock, 'data');
  sock.pause();
  assert.equal(answer.toString('latin1'), 'S', 'the server accepts the SSLRequest');
  return upgradeDuplex(sock, { ca: pki.rootPem, serverName: 'localhost', ...options });
}

test('node: npm pg over wasmtls/node after the SSLRequest: SELECT 1 and 4 MB of rows', { skip: skipReason }, async () => {
  const duplex = await startTlsToPostgres();
  const client = new pg.Client({
    host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres',
    ssl: false, // the stream is already TLS: pg must not send its own SSLRequest
    stream: () => duplex,
  });
  await withTimeout(client.connect(), 10000, 'pg connect');
  try {
    const info = await duplex.opened;
    assert.equal(info.version, 'TLSv1.3');
    const one = await client.query('SELECT 1 AS one');
    assert.deepEqual(one.rows, [{ one: 1 }]);

    const t0 = performance.now();
    const big = await client.query(`SELECT repeat('x', ${MB}) AS s FROM generate_series(1, ${ROWS})`);
    const ms = performance.now() - t0;
    assert.equal(big.rowCount, ROWS);
    for (const row of big.rows) {
      assert.equal(row.s.length, MB);
      assert.ok(/^x+$/.test(row.s));
    }
    const ssl = await client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    assert.deepEqual(ssl.rows, [{ ssl: true, version: 'TLSv1.3' }], 'the server sees a TLS 1.3 connection');
    console.log(`# node pg: ${ROWS} MB in ${ms.toFixed(0)} ms (${(ROWS * MB / 1e6 / (ms / 1000)).toFixed(1)} MB/s), ` +
      `${info.cipher}, ${duplex.socket.bytesRead} plaintext bytes read`);
  } finally {
    await client.end();
  }
});

test('node: a wrong CA fails the upgrade with UNKNOWN_CA as a stream error', { skip: skipReason }, async () => {
  const duplex = await startTlsToPostgres({ ca: pki.unknownRootPem });
  const [err] = await withTimeout(once(duplex, 'error'), 10000, 'error event');
  assert.equal(err.name, 'WasmTlsError');
  assert.equal(err.code, 'UNKNOWN_CA');
});

test('workerd: cloudflare:sockets + SSLRequest + upgrade() from the installed package', { skip: skipReason }, async (t) => {
  const rt = runtimeBinary('workerd');
  if (!rt.bin) {
    console.log(`# SKIP workerd: ${rt.reason}`);
    t.skip(rt.reason);
    return;
  }
  const pkg = installed();
  const worker = await startWorkerd({
    workerdBin: rt.bin, projectDir: pkg.dir, workerFile: 'pg-worker.js', extraModules: ['pg-wire.js'], name: 'workerd-pg',
    bindings: { PG_HOST: '127.0.0.1', PG_PORT: String(server.port), CA_PEM: pki.rootPem },
  });
  try {
    const t0 = Date.now();
    const res = await withTimeout(fetch(`${worker.url}/?rows=${ROWS}`), 30000, 'worker request');
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body) + worker.output());
    assert.equal(body.tlsVersion, 'TLSv1.3');
    assert.equal(body.select1, '1');
    assert.equal(body.select1Tag, 'SELECT 1');
    assert.equal(body.bigTag, `SELECT ${ROWS}`);
    assert.deepEqual(body.bigLengths, Array(ROWS).fill(MB));
    assert.equal(body.allX, true);
    assert.deepEqual(body.serverSsl.slice(0, 2), ['t', 'TLSv1.3']);
    console.log(`# workerd pg: ${ROWS} MB query in ${body.bigMs} ms, request ${Date.now() - t0} ms, ${body.serverSsl[2]}`);
  } finally {
    await worker.stop();
  }
});

for (const name of ['deno', 'bun']) {
  test(`${name}: the runtime's TCP transport + SSLRequest + upgrade() (installed package)`, { skip: skipReason }, async (t) => {
    const rt = runtimeBinary(name);
    if (!rt.bin) {
      console.log(`# SKIP ${name}: ${rt.reason}`);
      t.skip(rt.reason);
      return;
    }
    const pkg = installed();
    const pre = name === 'deno' ? ['run', '--allow-read', '--allow-net'] : [];
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile(rt.bin, [...pre, 'pg-client.js', String(server.port), 'ca.pem', String(ROWS)],
        { cwd: pkg.dir, env: runtimeEnv(), timeout: 30000 },
        (err, out, errOut) => resolve({ code: err ? (err.code ?? 1) : 0, stdout: out, stderr: errOut }));
    });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    const body = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.equal(body.tlsVersion, 'TLSv1.3');
    assert.equal(body.select1, '1');
    assert.deepEqual(body.bigLengths, Array(ROWS).fill(MB));
    assert.equal(body.allX, true);
    assert.deepEqual(body.serverSsl, ['t', 'TLSv1.3']);
    console.log(`# ${name} pg: ${ROWS} MB query in ${body.ms} ms`);
  });
}
