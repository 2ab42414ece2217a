// Issue 21 item 3: the TLS key log (NSS format). A Node tls server's 'keylog' event gives its own
// lines for the same connection; the client's lines (the `keylog` option, the socket's 'keylog'
// events, SSLKEYLOGFILE through the CLI) must be exactly the same set. Off by default: no lines and
// the engine keeps no key log.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '../../js/index.node.js';
import { Engine } from '../../js/core/engine.js';
import { loadWasmNode } from './helpers/wasm.mjs';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer, startSServer } from './helpers/servers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'js', 'cli.js');
let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

async function server(maxVersion) {
  const lines = [];
  const srv = await startNodeTlsServer({
    cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem,
    options: { minVersion: 'TLSv1.2', maxVersion },
  });
  servers.push(srv);
  srv.server.on('keylog', (line) => lines.push(line.toString().replace(/\n$/, '')));
  return { srv, lines };
}

/** Echo `n` bytes through the socket (the server pipes them back), then close. */
async function echo(s, n) {
  const data = Buffer.alloc(n, 0x61);
  const writer = s.writable.getWriter();
  const reader = s.readable.getReader();
  await writer.write(data);
  let got = 0;
  while (got < n) got += (await reader.read()).value.length;
  await s.close();
}

const sorted = (a) => [...a].sort();
/**
 * OpenSSL 3.0 (Node's and openssl s_server's) logs every secret after a KeyUpdate as
 * `CLIENT_TRAFFIC_SECRET_N` / `SERVER_TRAFFIC_SECRET_N` literally; NSS numbers them _1, _2 … in
 * order, as wasmtls does. The k-th `_N` line of a direction is _k.
 */
function numbered(lines) {
  const count = { CLIENT: 0, SERVER: 0 };
  return lines.map((l) => l.replace(/^(CLIENT|SERVER)_TRAFFIC_SECRET_N /, (_, d) => `${d}_TRAFFIC_SECRET_${++count[d]} `));
}
const labels = (a) => sorted(new Set(a.map((l) => l.split(' ')[0])));

describe('key log (NSS format) against Node tls', () => {
  it('TLS 1.3: the client logs exactly the server\'s lines', async () => {
    const { srv, lines } = await server('TLSv1.3');
    const viaOption = [];
    const viaEvent = [];
    const s = connect({ hostname: '127.0.0.1', port: srv.port },
      { serverName: 'localhost', ca: pki.rootPem, keylog: (line) => viaOption.push(line) });
    s.addEventListener('keylog', (ev) => viaEvent.push(ev.line));
    const info = await s.opened;
    assert.equal(info.version, 'TLSv1.3');
    await echo(s, 100);
    assert.deepEqual(labels(viaOption), ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    assert.deepEqual(sorted(viaOption), sorted(lines));
    assert.deepEqual(viaEvent, viaOption);
    for (const l of viaOption) assert.match(l, /^[A-Z_0-9]+ [0-9a-f]{64} ([0-9a-f]{64}|[0-9a-f]{96})$/);
  });

  it('TLS 1.3 after our KeyUpdates: CLIENT_TRAFFIC_SECRET_1, _2 … _290 match what the server derived', async () => {
    const { srv, lines } = await server('TLSv1.3');
    const got = [];
    const s = connect({ hostname: '127.0.0.1', port: srv.port },
      { serverName: 'localhost', ca: pki.rootPem, keylog: (line) => got.push(line), keyUpdateAfterBytes: 1024 });
    await s.opened;
    await echo(s, 300 * 1024);   // ~300 KeyUpdates: N goes past 255
    assert.ok(got.some((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_2 ')), got.join('\n'));
    assert.ok(got.some((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_290 ')), `${got.length} lines`);
    assert.ok(lines.filter((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_N ')).length >= 290, 'the server logged the updated secrets');
    assert.deepEqual(sorted(got), sorted(numbered(lines)));
  });

  it('TLS 1.3 KeyUpdate both ways (openssl s_server "K"): SERVER_ and CLIENT_TRAFFIC_SECRET_1 match its -keylogfile', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wt-keylog-')), 'server.keylog');
    const srv = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', args: ['-keylogfile', file] });
    servers.push(srv);
    const got = [];
    const s = connect({ hostname: '127.0.0.1', port: srv.port },
      { serverName: 'localhost', ca: pki.rootPem, keylog: (line) => got.push(line) });
    await s.opened;
    const writer = s.writable.getWriter();
    const reader = s.readable.getReader();
    await writer.write(Buffer.from('ping\n'));
    while (!srv.stdout().includes('ping')) await new Promise((r) => setTimeout(r, 20));
    srv.child.stdin.write('K\n');   // KeyUpdate with update_requested: we answer with our own
    await new Promise((r) => setTimeout(r, 100));
    srv.child.stdin.write('pong\n');
    let text = '';
    while (!text.includes('pong')) text += Buffer.from((await reader.read()).value).toString();
    await writer.write(Buffer.from('after\n'));   // under our updated keys: the server reads it
    while (!srv.stdout().includes('after')) await new Promise((r) => setTimeout(r, 20));
    await s.close();
    const theirs = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(got.some((l) => l.startsWith('SERVER_TRAFFIC_SECRET_1 ')), got.join('\n'));
    assert.ok(got.some((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_1 ')), got.join('\n'));
    assert.deepEqual(sorted(got), sorted(numbered(theirs)));
  });

  it('TLS 1.3 0-RTT (openssl s_server -early_data): CLIENT_EARLY_TRAFFIC_SECRET too, as its -keylogfile', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wt-keylog-')), 'server.keylog');
    const srv = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', args: ['-early_data', '-keylogfile', file] });
    servers.push(srv);
    const waitFor = async (text) => { while (!srv.stdout().includes(text)) await new Promise((r) => setTimeout(r, 20)); };
    const opts = { serverName: 'localhost', ca: pki.rootPem };
    const first = connect({ hostname: '127.0.0.1', port: srv.port }, opts);
    const session = await new Promise((resolve) => first.addEventListener('session', (ev) => resolve(ev.session)));
    await first.close();
    const before = fs.readFileSync(file, 'utf8');
    const got = [];
    const second = connect({ hostname: '127.0.0.1', port: srv.port },
      { ...opts, session, earlyData: 'GET /early\n', keylog: (line) => got.push(line) });
    const info = await second.opened;
    assert.equal(info.earlyData, 'accepted');
    await waitFor('GET /early');
    const w = second.writable.getWriter();
    await w.write(Buffer.from('after\n'));
    await waitFor('after');
    await second.close();
    const theirs = fs.readFileSync(file, 'utf8').slice(before.length).split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(got.some((l) => l.startsWith('CLIENT_EARLY_TRAFFIC_SECRET ')), got.join('\n'));
    assert.deepEqual(sorted(got), sorted(numbered(theirs)));
  });

  it('SSLKEYLOGFILE through the CLI: the same lines, in a file created with mode 0600', async () => {
    const { srv, lines } = await server('TLSv1.3');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wt-keylog-')), 'sslkeys.log');
    const env = { ...process.env, SSLKEYLOGFILE: file };
    delete env.NODE_EXTRA_CA_CERTS;
    const code = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile],
        { cwd: ROOT, stdio: ['pipe', 'ignore', 'ignore'], env });
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('CLI did not exit')); }, 20_000);
      child.on('close', (c) => { clearTimeout(timer); resolve(c); });
      child.stdin.end('hello\n');
    });
    assert.equal(code, 0);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const written = fs.readFileSync(file, 'utf8');
    assert.ok(written.endsWith('\n'));
    assert.deepEqual(sorted(written.trimEnd().split('\n')), sorted(lines));
  });

  it('TLS 1.2: CLIENT_RANDOM <client_random> <master_secret>, as the server logs it', async () => {
    const { srv, lines } = await server('TLSv1.2');
    const got = [];
    const s = connect({ hostname: '127.0.0.1', port: srv.port },
      { serverName: 'localhost', ca: pki.rootPem, keylog: (line) => got.push(line) });
    assert.equal((await s.opened).version, 'TLSv1.2');
    await echo(s, 100);
    assert.equal(got.length, 1);
    assert.match(got[0], /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    assert.deepEqual(sorted(got), sorted(lines));
  });

  it('off by default: no line, no event, and the engine keeps no key log', async () => {
    const { srv, lines } = await server('TLSv1.3');
    const saved = process.env.SSLKEYLOGFILE;
    delete process.env.SSLKEYLOGFILE;
    try {
      const events = [];
      const s = connect({ hostname: '127.0.0.1', port: srv.port }, { serverName: 'localhost', ca: pki.rootPem });
      s.addEventListener('keylog', (ev) => events.push(ev.line));
      await s.opened;
      await echo(s, 10);
      assert.ok(lines.length >= 5, 'the server did log (the connection derived secrets)');
      assert.deepEqual(events, []);
    } finally {
      if (saved !== undefined) process.env.SSLKEYLOGFILE = saved;
    }
    // the engine flag: off unless configured, on when configured
    const wasm = await loadWasmNode();
    for (const keylog of [false, true]) {
      const e = new Engine(wasm);
      e.configure({ serverName: 'localhost', ca: [], alpnWire: null, nowSeconds: Date.now() / 1000, insecureSkipVerify: true, keylog });
      e.start();
      assert.equal(e.keylogEnabled(), keylog);
      e.free();
    }
  });
});
