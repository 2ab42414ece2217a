// `wasmtls/subtls` under the real Neon serverless driver (npm @neondatabase/serverless):
// PostgreSQL 15 (Debian, ssl=on, a certificate from the private test CA) behind websockify
// (Debian), the driver's WebSocket unencrypted (useSecureWebSocket = false) and Postgres TLS
// end to end inside it (forceDisablePgSSL = false, sslmode=verify-full, rootCerts = the CA).
// Node 20 has no global WebSocket: the driver gets npm `ws` (neonConfig.webSocketConstructor).
//
// Also startTls() on its own over websockify to Node `tls` servers: TLS 1.2, the pipelined
// SSLRequest ('S' before the ServerHello: expectPreData), and how the import resolves.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import os from 'node:os';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { neonConfig, Client, Pool } from '@neondatabase/serverless';
import * as subtls from 'wasmtls/subtls';
import { WasmTlsError } from 'wasmtls';
import { getPki } from './helpers/pki.mjs';
import { findPostgresBin, startPostgres } from './helpers/postgres.mjs';
import { startWebsockify, browserSkipReason } from './helpers/browser.mjs';
import { withTimeout, startNodeTlsServer } from './helpers/servers.mjs';
import { startSslRequestFront } from './helpers/sslrequest-front.mjs';

const pgBin = findPostgresBin();
const skipReason = !pgBin ? 'PostgreSQL is not installed (/usr/lib/postgresql/*/bin; scripts/setup.sh installs it)'
  : browserSkipReason()?.startsWith('websockify') ? browserSkipReason() : false;
if (skipReason) console.log(`# SKIP neon: ${skipReason}`);

let pki;
let server;
let proxy;
const unhandled = [];
const onUnhandled = (err) => { unhandled.push(err); };

before(async () => {
  if (skipReason) return;
  process.on('unhandledRejection', onUnhandled);
  pki = getPki();
  server = await startPostgres({ leaf: pki.leaves.p256 });
  proxy = await startWebsockify(server.port);
  console.log(`# ${server.version} on 127.0.0.1:${server.port}, websockify on ${proxy.url}`);
  neonConfig.webSocketConstructor = WebSocket;
  // Every host name goes to the local websockify, which forwards to the local PostgreSQL:
  // the name in the connection string is only what the certificate is checked against.
  neonConfig.wsProxy = () => `127.0.0.1:${proxy.port}/`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.forceDisablePgSSL = false;
  neonConfig.pipelineConnect = false; // trust auth: no password to pipeline
  neonConfig.subtls = subtls;
  neonConfig.rootCerts = pki.rootPem;
});

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await proxy?.stop();
  await server?.stop();
});

const url = (host = 'localhost') => `postgresql://postgres@${host}:${server.port}/postgres?sslmode=verify-full`;

const SSL_QUERY = 'SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()';

/** client.connect() must reject with this WasmTlsError code; returns the error. */
async function connectFails(client, codes) {
  const err = await withTimeout(client.connect().then(() => null, (e) => e), 15000, 'driver connect');
  if (!err) await client.end().catch(() => {});
  assert.ok(err, 'the connection must fail');
  assert.ok(err instanceof WasmTlsError, `a WasmTlsError, got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(codes.includes(err.code), `code ${err.code}, expected ${codes.join(' or ')}: ${err.message}`);
  await client.end().catch(() => {});
  return err;
}

test('neon Client: verify-full through websockify, TLS 1.3 end to end, queries run', { skip: skipReason }, async () => {
  const client = new Client(url());
  await withTimeout(client.connect(), 15000, 'driver connect');
  try {
    const { rows: [ssl] } = await client.query(SSL_QUERY);
    assert.equal(ssl.ssl, true, 'pg_stat_ssl: the session is encrypted');
    assert.equal(ssl.version, 'TLSv1.3');
    assert.match(ssl.cipher, /^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/);
    const { rows } = await client.query('SELECT $1::int + 1 AS n, repeat($2, 100000) AS big', [41, 'xyz']);
    assert.equal(rows[0].n, 42);
    assert.equal(rows[0].big.length, 300000, 'a 300 kB value crosses many TLS records');
    // The proxy carried only ciphertext: the driver's socket is the TLS one.
    assert.equal(client.connection.stream.encrypted, true);
  } finally {
    await client.end();
  }
  assert.deepEqual(unhandled, []);
});

test('neon Pool: concurrent queries, each connection TLS 1.3', { skip: skipReason }, async () => {
  const pool = new Pool({ connectionString: url(), max: 3 });
  try {
    const results = await withTimeout(Promise.all(Array.from({ length: 6 }, (_, i) =>
      pool.query(`SELECT ${i} AS i, pg_backend_pid() AS pid, s.ssl, s.version FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()`))),
    20000, 'pool queries');
    results.forEach((r, i) => {
      assert.equal(r.rows[0].i, i);
      assert.equal(r.rows[0].ssl, true);
      assert.equal(r.rows[0].version, 'TLSv1.3');
    });
    const pids = new Set(results.map((r) => r.rows[0].pid));
    assert.ok(pids.size >= 2 && pids.size <= 3, `the pool used 2..3 connections (${pids.size})`);
  } finally {
    await pool.end();
  }
  assert.deepEqual(unhandled, []);
});

test('neon: a CA that did not issue the server certificate fails with UNKNOWN_CA', { skip: skipReason }, async () => {
  const client = new Client(url());
  client.neonConfig.rootCerts = pki.unknownRootPem;
  const err = await connectFails(client, ['UNKNOWN_CA', 'MISSING_INTERMEDIATE']);
  assert.ok(err.hint, 'the error carries a hint');
  // Empty rootCerts (the driver's default) means the bundled Mozilla roots: they do not know the test CA either.
  const client2 = new Client(url());
  client2.neonConfig.rootCerts = '';
  await connectFails(client2, ['UNKNOWN_CA', 'MISSING_INTERMEDIATE']);
  assert.deepEqual(unhandled, []);
});

test('neon: a host the certificate does not name fails with HOSTNAME_MISMATCH', { skip: skipReason }, async () => {
  // wrong.invalid never resolves: wsProxy sends every host to the local websockify.
  const err = await connectFails(new Client(url('wrong.invalid')), ['HOSTNAME_MISMATCH']);
  assert.match(err.message, /wrong\.invalid|name/i);
  assert.deepEqual(unhandled, []);
});

test('neon: an IP address host is checked against the IP SANs (no SNI then, so disableSNI is fine)', { skip: skipReason }, async () => {
  // The driver's net shim says no string is an IP, so pg passes even '127.0.0.1' as the servername.
  const client = new Client(url('127.0.0.1'));
  client.neonConfig.disableSNI = true;
  await withTimeout(client.connect(), 15000, 'driver connect');
  try {
    const { rows: [ssl] } = await client.query(SSL_QUERY);
    assert.equal(ssl.ssl, true);
    assert.equal(ssl.version, 'TLSv1.3');
  } finally {
    await client.end();
  }
  // 127.0.0.2 is not in the certificate (wsProxy still sends the bytes to the local websockify).
  await connectFails(new Client(url('127.0.0.2')), ['HOSTNAME_MISMATCH']);
  assert.deepEqual(unhandled, []);
});

test('neon: disableSNI with a DNS name fails closed with INVALID_OPTION (wasmtls always sends SNI for names)', { skip: skipReason }, async () => {
  const client = new Client(url());
  client.neonConfig.disableSNI = true;
  const err = await connectFails(client, ['INVALID_OPTION']);
  assert.match(err.message, /useSNI/);
  assert.deepEqual(unhandled, []);
});

test('neon pipelineTLS: SSLRequest and ClientHello sent together, the server\'s \'S\' taken as expectPreData', { skip: skipReason }, async () => {
  const front = await startSslRequestFront(server.port);
  const frontProxy = await startWebsockify(front.port);
  try {
    const client = new Client(url());
    client.neonConfig.pipelineTLS = true;
    client.neonConfig.wsProxy = () => `127.0.0.1:${frontProxy.port}/`;
    await withTimeout(client.connect(), 15000, 'driver connect');
    try {
      const { rows: [ssl] } = await client.query(SSL_QUERY);
      assert.equal(ssl.ssl, true);
      assert.equal(ssl.version, 'TLSv1.3');
    } finally {
      await client.end();
    }
    const [early] = front.early();
    assert.ok(early.length > 5 && early[0] === 0x16 && early[5] === 0x01,
      'the ClientHello reached the server before its answer to the SSLRequest (pipelined)');
  } finally {
    await frontProxy.stop();
    await front.stop();
  }
  assert.deepEqual(unhandled, []);
});

test('neon pipelineTLS: a server that answers N (no SSL) fails with UNEXPECTED_MESSAGE before any TLS', { skip: skipReason }, async () => {
  const front = await startSslRequestFront(server.port, { answer: 'N' });
  const frontProxy = await startWebsockify(front.port);
  try {
    const client = new Client(url());
    client.neonConfig.pipelineTLS = true;
    client.neonConfig.wsProxy = () => `127.0.0.1:${frontProxy.port}/`;
    const err = await connectFails(client, ['UNEXPECTED_MESSAGE']);
    assert.match(err.message, /4e.*53|53.*4e/);
  } finally {
    await frontProxy.stop();
    await front.stop();
  }
  assert.deepEqual(unhandled, []);
});

test('neon: TLS 1.2 also works (server limited to TLSv1.2 via ssl_max_protocol_version)', { skip: skipReason }, async () => {
  const admin = new Client(url());
  await admin.connect();
  try {
    await admin.query("ALTER SYSTEM SET ssl_max_protocol_version = 'TLSv1.2'");
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
  try {
    let ssl;
    for (let i = 0; i < 50; i++) { // the postmaster rereads the config asynchronously
      const client = new Client(url());
      await withTimeout(client.connect(), 15000, 'driver connect');
      try {
        ({ rows: [ssl] } = await client.query(SSL_QUERY));
      } finally {
        await client.end();
      }
      if (ssl.version === 'TLSv1.2') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(ssl.ssl, true);
    assert.equal(ssl.version, 'TLSv1.2');
    assert.match(ssl.cipher, /GCM|CHACHA20/, `an AEAD suite (${ssl.cipher})`);
  } finally {
    const admin2 = new Client(url());
    await admin2.connect();
    await admin2.query('ALTER SYSTEM RESET ssl_max_protocol_version');
    await admin2.query('SELECT pg_reload_conf()');
    await admin2.end();
  }
  assert.deepEqual(unhandled, []);
});

/* ------------------------------------------- how 'wasmtls/subtls' finds its runtime entry */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('entry resolution: Node takes its prebuilt bundle (js/dist/node/index.js); a bundler picks the browser or Node entry by target', async () => {
  assert.equal(import.meta.resolve('wasmtls/subtls'), new URL('js/subtls.js', `file://${ROOT}`).href);
  // js/subtls.js imports 'wasmtls' (the package's own name): Node's conditions pick the Node entry (its bundle).
  assert.equal(import.meta.resolve('wasmtls'), new URL('js/dist/node/index.js', `file://${ROOT}`).href);
  assert.equal(subtls.WasmTlsError, WasmTlsError, 'one WasmTlsError class: the shim uses the Node entry');
  const bun = `${ROOT}node_modules/.bin/bun`;
  if (!fs.existsSync(bun)) return;
  const dir = fs.mkdtempSync(`${os.tmpdir()}/wasmtls-neon-bundle-`);
  try {
    const build = (target) => new Promise((resolve, reject) => {
      execFile(bun, ['build', 'js/subtls.js', `--target=${target}`, `--outfile=${dir}/${target}.js`], { cwd: ROOT },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve()));
    });
    await build('browser');
    await build('node');
    const browserBundle = fs.readFileSync(`${dir}/browser.js`, 'utf8');
    const nodeBundle = fs.readFileSync(`${dir}/node.js`, 'utf8');
    assert.match(browserBundle, /loadWasmBrowser/);
    assert.doesNotMatch(browserBundle, /loadWasmNode|node:fs|node:net/, 'no Node code in a browser bundle');
    assert.match(nodeBundle, /loadWasmNode/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const chromiumSkip = skipReason || (browserSkipReason() ?? false);

test('Chromium: the Neon driver with wasmtls/subtls in a page (import map, browser entry), TLS 1.3 to PostgreSQL', { skip: chromiumSkip }, async () => {
  const { startStaticServer } = await import('../../scripts/static-server.mjs');
  const { launchChromium } = await import('./helpers/browser.mjs');
  const pageDir = fs.mkdtempSync(`${os.tmpdir()}/wasmtls-neon-page-`);
  fs.writeFileSync(`${pageDir}/index.html`, `<!doctype html><meta charset="utf-8"><title>neon</title>
<script type="importmap">${JSON.stringify({ imports: {
    'wasmtls': '/js/index.browser.js',
    'wasmtls/subtls': '/js/subtls.js',
    '@neondatabase/serverless': '/neon-driver/index.mjs',
  } })}</script>
<script type="module">
import { neonConfig, Client } from '@neondatabase/serverless';
window.runNeon = async ({ wsPort, pgPort, ca, host }) => {
  neonConfig.subtls = await import('wasmtls/subtls');
  neonConfig.wsProxy = () => '127.0.0.1:' + wsPort + '/';
  neonConfig.useSecureWebSocket = false;
  neonConfig.forceDisablePgSSL = false;
  neonConfig.pipelineConnect = false;
  neonConfig.disableWarningInBrowsers = true;
  neonConfig.rootCerts = ca;
  const client = new Client('postgresql://postgres@' + host + ':' + pgPort + '/postgres?sslmode=verify-full');
  try {
    await client.connect();
  } catch (err) {
    return { error: { name: err.name, code: err.code, message: err.message } };
  }
  try {
    const { rows } = await client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return { rows };
  } finally {
    await client.end();
  }
};
document.body.dataset.ready = 'true';
</script>`);
  const web = await startStaticServer({ mounts: {
    '/neon-page/': pageDir, '/neon-driver/': `${ROOT}node_modules/@neondatabase/serverless`,
  } });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${web.url}neon-page/`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 10000 });
    const args = { wsPort: proxy.port, pgPort: server.port, ca: pki.rootPem, host: 'localhost' };
    const ok = await page.evaluate((a) => window.runNeon(a), args);
    assert.deepEqual(ok, { rows: [{ ssl: true, version: 'TLSv1.3' }] }, JSON.stringify(ok));
    const wrongCa = await page.evaluate((a) => window.runNeon(a), { ...args, ca: pki.unknownRootPem });
    assert.equal(wrongCa.error?.name, 'WasmTlsError', JSON.stringify(wrongCa));
    assert.ok(['UNKNOWN_CA', 'MISSING_INTERMEDIATE'].includes(wrongCa.error.code), JSON.stringify(wrongCa));
    const wrongHost = await page.evaluate((a) => window.runNeon(a), { ...args, host: 'wrong.invalid' });
    assert.equal(wrongHost.error?.code, 'HOSTNAME_MISMATCH', JSON.stringify(wrongHost));
    // The page loaded the browser entry, not the Node one.
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
    assert.ok(loaded.includes('/js/index.browser.js') && loaded.includes('/js/runtimes/browser.js'), loaded.join(' '));
    assert.ok(!loaded.some((p) => /node/.test(p) && p.startsWith('/js/')), loaded.join(' '));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await web.stop();
    fs.rmSync(pageDir, { recursive: true, force: true });
  }
});

test('neon on the global WebSocket (Node >= 22 style; --experimental-websocket on Node 20), no webSocketConstructor', { skip: skipReason }, async () => {
  const major = Number(process.versions.node.split('.')[0]);
  const flags = major >= 22 ? [] : ['--experimental-websocket'];
  const caFile = `${pki.dir}/neon-root.pem`;
  fs.writeFileSync(caFile, pki.rootPem);
  const run = (host) => new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, 'tests/node/helpers/neon-global-websocket.mjs'], {
      cwd: ROOT, timeout: 20000,
      env: { ...process.env, NEON_WS_PORT: String(proxy.port), NEON_PG_PORT: String(server.port), NEON_CA_FILE: caFile, NEON_HOST: host },
    }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim().split('\n').pop()))));
  });
  assert.deepEqual(await run('localhost'), { rows: [{ ssl: true, version: 'TLSv1.3' }], ws: 'global', entry: 'dist/node/index.js', sameEntry: true });
  const wrong = await run('wrong.invalid');
  assert.equal(wrong.error?.name, 'WasmTlsError', JSON.stringify(wrong));
  assert.equal(wrong.error.code, 'HOSTNAME_MISMATCH');
});

test('types: `deno check` of the driver\'s calls against js/subtls.d.ts', async (t) => {
  const deno = `${ROOT}node_modules/.bin/deno`;
  if (!fs.existsSync(deno)) { t.skip('deno is not installed (npm ci installs it)'); return; }
  const res = await new Promise((resolve) => {
    execFile(deno, ['check', 'tests/node/helpers/subtls-typecheck.ts'], { cwd: ROOT, timeout: 60000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: `${stdout}${stderr}` }));
  });
  assert.equal(res.code, 0, `deno check failed:\n${res.out}`);
});

/* ------------------------------------------------- startTls() on its own (no driver) */

/** A WebSocket (npm ws) to websockify, open, binaryType arraybuffer, like the driver's. */
async function openWs(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => { ws.addEventListener('open', resolve); ws.addEventListener('error', reject); });
  return ws;
}

test('startTls directly: Node tls server limited to TLS 1.2, ordered writes, read() → undefined at the end', { skip: skipReason }, async () => {
  const leaf = pki.leaves.rsa2048;
  const received = [];
  let serverProtocol;
  let serverEnds = 0;
  const tlsServer = await startNodeTlsServer({
    cert: fs.readFileSync(leaf.chainFile), key: fs.readFileSync(leaf.keyFile),
    options: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' },
    onSecureConnection(sock) {
      serverProtocol = sock.getProtocol();
      sock.on('end', () => { serverEnds++; });
      sock.on('data', (d) => {
        received.push(d);
        if (Buffer.concat(received).includes('END')) sock.end(Buffer.concat(received)); // echo all, then close_notify + FIN
      });
    },
  });
  const tlsProxy = await startWebsockify(tlsServer.port);
  const ws = await openWs(tlsProxy.port);
  try {
    const db = await subtls.TrustedCert.databaseFromPEM(pki.rootPem);
    const queue = new subtls.WebSocketReadQueue(ws);
    const result = await withTimeout(subtls.startTls('localhost', db, queue.read.bind(queue), (d) => ws.send(d)), 10000, 'startTls');
    const info = await result.opened;
    assert.equal(info.version, 'TLSv1.2');
    assert.equal(serverProtocol, 'TLSv1.2');
    assert.match(info.cipher, /^TLS_ECDHE_RSA_WITH_/);
    let expected = '';
    for (let i = 0; i < 300; i++) { const s = `${i},`; expected += s; result.write(new TextEncoder().encode(s)); } // not awaited, as the driver does
    result.write(new TextEncoder().encode('END'));
    expected += 'END';
    let got = '';
    for (;;) {
      const chunk = await withTimeout(result.read(), 10000, 'read');
      if (chunk === undefined) break;
      assert.ok(chunk instanceof Uint8Array);
      got += new TextDecoder().decode(chunk);
    }
    assert.equal(got, expected, 'every write arrived, in order, and came back');
    assert.equal(await result.read(), undefined, 'read() stays at the end');
    // close(): close_notify after pending writes; the server sees a clean end.
    const ws2 = await openWs(tlsProxy.port);
    const q2 = new subtls.WebSocketReadQueue(ws2);
    const second = await subtls.startTls('localhost', db, q2.read.bind(q2), (d) => ws2.send(d));
    await second.opened;
    second.write(new TextEncoder().encode('bye'));
    const ends = serverEnds;
    await withTimeout(second.close(), 5000, 'close');
    for (let i = 0; i < 50 && serverEnds === ends; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(serverEnds, ends + 1, 'the server got close_notify (end) from close()');
    assert.ok(Buffer.concat(received).includes('bye'), 'the pending write went out before close_notify');
    ws2.close();
  } finally {
    ws.close();
    await tlsProxy.stop();
    await tlsServer.stop();
  }
  assert.deepEqual(unhandled, []);
});

test('startTls directly: a failed handshake resolves; opened and read() reject with the WasmTlsError, nothing unhandled', { skip: skipReason }, async () => {
  // websockify → the SSLRequest front → PostgreSQL: startTls sends the SSLRequest (writePreData) and,
  // without waiting, the ClientHello; stock PostgreSQL would swallow a pipelined ClientHello.
  const front = await startSslRequestFront(server.port, { delayMs: 0 });
  const frontProxy = await startWebsockify(front.port);
  const ws = await openWs(frontProxy.port);
  try {
    const queue = new subtls.WebSocketReadQueue(ws);
    const SSL_REQUEST = new Uint8Array([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    const sent = [];
    const send = (d) => { sent.push(Uint8Array.from(d)); ws.send(d); };
    const result = await withTimeout(subtls.startTls('localhost', pki.unknownRootPem, queue.read.bind(queue), send,
      { writePreData: SSL_REQUEST, expectPreData: new Uint8Array([0x53]) }), 10000, 'startTls');
    await assert.rejects(result.opened, (err) => err instanceof WasmTlsError && err.code === 'UNKNOWN_CA');
    await assert.rejects(result.read(), (err) => err instanceof WasmTlsError && err.code === 'UNKNOWN_CA');
    await assert.rejects(result.write(new Uint8Array([1, 2, 3])), (err) => err.code === 'UNKNOWN_CA');
    await new Promise((r) => setTimeout(r, 50));
    // What went out: the SSLRequest, then TLS records only (ClientHello, the alert): the write was dropped.
    assert.deepEqual(sent[0], SSL_REQUEST);
    assert.ok(sent.length >= 2, `${sent.length} writes`);
    const records = sent.slice(1);
    for (const chunk of records) assert.ok([0x14, 0x15, 0x16, 0x17].includes(chunk[0]) && chunk[1] === 3, `a TLS record: ${chunk.subarray(0, 5)}`);
    // TLS 1.3: the alert goes encrypted (type 23, 2 bytes + type + 16-byte tag); nothing else is encrypted.
    const encrypted = records.filter((c) => c[0] === 0x17);
    assert.deepEqual(encrypted.map((c) => c.length), [5 + 19], 'one encrypted record: the alert');
    // Bad arguments take the same path: INVALID_OPTION, never a throw or a rejection.
    const bad = await subtls.startTls('localhost', '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n',
      queue.read.bind(queue), (d) => ws.send(d));
    await assert.rejects(bad.read(), (err) => err instanceof WasmTlsError && err.code === 'INVALID_OPTION');
    const noHost = await subtls.startTls(undefined, pki.rootPem, queue.read.bind(queue), (d) => ws.send(d));
    await assert.rejects(noHost.opened, (err) => err.code === 'INVALID_OPTION' && /no host name/.test(err.message));
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    ws.close();
    await frontProxy.stop();
    await front.stop();
  }
  assert.deepEqual(unhandled, []);
});

test('WebSocketReadQueue: exact-size reads across frames, PEEK, read() with no count, undefined after close', { skip: skipReason }, async () => {
  // A plain TCP echo behind websockify: what goes out as frames comes back as frames.
  const echo = net.createServer((s) => { s.on('error', () => {}); s.pipe(s); });
  await new Promise((r) => echo.listen(0, '127.0.0.1', r));
  const echoProxy = await startWebsockify(echo.address().port);
  const ws = await openWs(echoProxy.port);
  try {
    const q = new subtls.WebSocketReadQueue(ws);
    const all = Uint8Array.from({ length: 1000 }, (_, i) => i & 255);
    const first = q.read(7); // asked before any byte arrived
    ws.send(all.subarray(0, 3));
    ws.send(all.subarray(3, 500));
    ws.send(all.subarray(500));
    assert.deepEqual(await first, all.subarray(0, 7));
    assert.deepEqual(await q.read(5, subtls.ReadMode.PEEK), all.subarray(7, 12), 'PEEK');
    assert.deepEqual(await q.read(600), all.subarray(7, 607), 'PEEK left the bytes; a read spans frames');
    const rest = [];
    while (rest.length < 393) rest.push(...await q.read());
    assert.deepEqual(Uint8Array.from(rest), all.subarray(607));
    const pending = q.read(10);
    ws.send(new Uint8Array([1, 2, 3]));
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    assert.equal(await pending, undefined, 'fewer than asked, then closed: undefined');
    assert.equal(q.moreDataMayFollow(), true, 'three bytes are still queued');
    assert.deepEqual(await q.read(3), new Uint8Array([1, 2, 3]));
    assert.equal(await q.read(), undefined);
    assert.equal(q.moreDataMayFollow(), false);
  } finally {
    ws.close();
    await echoProxy.stop();
    await new Promise((r) => echo.close(r));
  }
});

test('packed copy: the driver with wasmtls/subtls in Node, Deno, Bun (each on its own wasmtls entry) and workerd', { skip: skipReason, timeout: 120000 }, async (t) => {
  const { installPackedCopy, runtimeBinary, runtimeEnv } = await import('./helpers/packed.mjs');
  const pkg = installPackedCopy();
  console.log(`# npm pack ${pkg.packMs} ms, npm install --offline ${pkg.installMs} ms`);
  assert.ok(pkg.files.includes('js/subtls.js') && pkg.files.includes('js/subtls.d.ts'), 'the shim and its types are in the tarball');
  // The driver comes from this repository's node_modules (a devDependency), linked in.
  fs.symlinkSync(`${ROOT}node_modules/@neondatabase`, `${pkg.dir}/node_modules/@neondatabase`);
  fs.copyFileSync(`${ROOT}tests/node/helpers/neon-global-websocket.mjs`, `${pkg.dir}/neon.mjs`);
  fs.writeFileSync(`${pkg.dir}/ca.pem`, pki.rootPem);
  const env = { ...runtimeEnv(), NEON_WS_PORT: String(proxy.port), NEON_PG_PORT: String(server.port), NEON_CA_FILE: `${pkg.dir}/ca.pem` };
  const run = (bin, args, host = 'localhost') => new Promise((resolve) => {
    execFile(bin, [...args, 'neon.mjs'], { cwd: pkg.dir, timeout: 30000, env: { ...env, NEON_HOST: host } }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      resolve(line ? JSON.parse(line) : { failed: `${err?.message}\n${stdout}\n${stderr}` });
    });
  });
  const major = Number(process.versions.node.split('.')[0]);
  const runtimes = [
    { name: 'node', bin: process.execPath, args: major >= 22 ? [] : ['--experimental-websocket'], entry: 'dist/node/index.js' },
    { name: 'deno', args: ['run', '--allow-net', '--allow-read', '--allow-env'], entry: 'index.deno.js' },
    { name: 'bun', args: [], entry: 'index.bun.js' },
  ];
  for (const rt of runtimes) {
    if (!rt.bin) {
      const found = runtimeBinary(rt.name);
      if (!found.bin) { console.log(`# SKIP ${rt.name}: ${found.reason}`); continue; }
      rt.bin = found.bin;
    }
    await t.test(rt.name, async () => {
      const ok = await run(rt.bin, rt.args);
      assert.deepEqual(ok, { rows: [{ ssl: true, version: 'TLSv1.3' }], ws: 'global', entry: rt.entry, sameEntry: true }, JSON.stringify(ok));
      const wrong = await run(rt.bin, rt.args, 'wrong.invalid');
      assert.equal(wrong.error?.name, 'WasmTlsError', JSON.stringify(wrong));
      assert.equal(wrong.error.code, 'HOSTNAME_MISMATCH');
    });
  }

  const workerd = runtimeBinary('workerd');
  if (!workerd.bin) { console.log(`# SKIP workerd: ${workerd.reason}`); return; }
  await t.test('workerd (a Cloudflare worker)', async () => {
    const { startWorkerd } = await import('./helpers/workerd.mjs');
    fs.copyFileSync(`${ROOT}tests/node/helpers/neon-worker.js`, `${pkg.dir}/neon-worker.js`);
    fs.copyFileSync(`${ROOT}node_modules/@neondatabase/serverless/index.mjs`, `${pkg.dir}/neon-driver.mjs`);
    // workerd resolves a bare specifier relative to the importing module: what wrangler's bundler
    // does for the shim's `import 'wasmtls'` (the workerd condition) is this one module.
    const alias = 'node_modules/wasmtls/js/wasmtls';
    fs.writeFileSync(`${pkg.dir}/${alias}`, 'export * from "./index.workerd.js";\n');
    const worker = await startWorkerd({
      workerdBin: workerd.bin, projectDir: pkg.dir, workerFile: 'neon-worker.js', name: 'neon-workerd',
      extraModules: ['neon-driver.mjs', alias],
      bindings: { WS_PORT: String(proxy.port), PG_PORT: String(server.port), CA_PEM: pki.rootPem },
    });
    try {
      const get = async (host) => (await withTimeout(fetch(`${worker.url}/?host=${host}`), 15000, 'worker fetch')).json();
      assert.deepEqual(await get('localhost'), { rows: [{ ssl: true, version: 'TLSv1.3' }], sameEntry: true });
      const wrong = await get('wrong.invalid');
      assert.equal(wrong.error?.name, 'WasmTlsError', JSON.stringify(wrong));
      assert.equal(wrong.error.code, 'HOSTNAME_MISMATCH');
    } finally {
      await worker.stop();
    }
  });
});
