// How a connection ends (issues 14 and 15), against real node:tls servers:
// - truncation after our own close_notify: the server cuts TCP without its close_notify → TRUNCATED
//   (through the API and the CLI), with a message that says it once;
// - allowHalfOpen: false (default) answers the server's close_notify and settles `closed` even when
//   the server keeps TCP open; true leaves `writable` to the app;
// - `signal` (AbortSignal) and Symbol.asyncDispose.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer, startRawServer } from './helpers/servers.mjs';

const CLI = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

const enc = new TextEncoder();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function server(onSecureConnection, options = {}) {
  const srv = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, onSecureConnection, options });
  servers.push(srv);
  return srv;
}

/** A server that, once the client's close_notify arrives, writes `tail` and drops TCP without close_notify. */
const cutsAfterOurClose = () => server((sock) => {
  sock.on('data', () => {});
  sock.on('end', () => { sock.write('tail'); setTimeout(() => sock.destroy(), 50); });
}, { allowHalfOpen: true });

/** A TCP proxy to `port` that forwards bytes both ways but never passes the server's FIN on. */
async function finSwallowingProxy(port) {
  const sockets = new Set();
  const counts = { fromClient: 0 };
  const proxy = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => {}); }
    // by hand, not pipe(): an upstream that closes must not pause the client side
    client.on('data', (d) => { counts.fromClient += d.length; if (!upstream.destroyed) upstream.write(d); });
    client.on('end', () => upstream.end());
    upstream.pipe(client, { end: false });
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  const stop = () => new Promise((r) => { for (const s of sockets) s.destroy(); proxy.close(() => r()); });
  servers.push({ stop });
  return { port: proxy.address().port, counts };
}

const open = (port, opts = {}) => connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000, ...opts });

async function readAll(readable) {
  let text = '';
  for await (const c of readable) text += Buffer.from(c).toString();
  return text;
}

const settledWithin = (p, ms) => Promise.race([p.then(() => 'resolved', () => 'rejected'), sleep(ms).then(() => 'pending')]);

describe('how connections end', { timeout: 60_000 }, () => {
  it('after our close_notify, a server that cuts TCP without its close_notify gives TRUNCATED', async () => {
    const srv = await cutsAfterOurClose();
    const s = open(srv.port);
    await s.opened;
    const w = s.writable.getWriter();
    await w.write(enc.encode('hi'));
    await w.close();
    const chunks = [];
    const err = await (async () => {
      try { for await (const c of s.readable) chunks.push(Buffer.from(c).toString()); } catch (e) { return e; }
      return null;
    })();
    assert.deepEqual(chunks, ['tail'], 'data before the cut is delivered');
    assert.ok(err instanceof WasmTlsError, 'readable must fail, not end cleanly');
    assert.equal(err.code, 'TRUNCATED');
    assert.equal((err.message.match(/close_notify/g) ?? []).length, 1, `one clear sentence: ${err.message}`);
    await assert.rejects(s.closed, (e) => e.code === 'TRUNCATED');
  });

  it('the CLI: `echo … | wasmtls connect --json` against such a server is ok:false TRUNCATED, exit ≠ 0', async () => {
    const srv = await cutsAfterOurClose();
    const caFile = pki.rootFile;
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, 'connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', caFile, '--json']);
      let stdout = ''; let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end('hello\n');
    });
    assert.equal(r.stdout, 'tail');
    const line = JSON.parse(r.stderr.trim().split('\n').pop());
    assert.equal(line.ok, false, r.stderr);
    assert.equal(line.error.code, 'TRUNCATED');
    assert.notEqual(r.code, 0);
  });

  it('a server that closes cleanly after our close_notify: readable ends, closed resolves', async () => {
    const srv = await server((sock) => { sock.on('data', () => {}); sock.on('end', () => sock.end('bye')); }, { allowHalfOpen: true });
    const s = open(srv.port);
    await s.opened;
    const w = s.writable.getWriter();
    await w.close();
    assert.equal(await readAll(s.readable), 'bye');
    await s.closed;
  });

  it('allowHalfOpen false (default): the server\'s close_notify is answered and `closed` settles though TCP stays open', async () => {
    let serverEnded = false;
    const srv = await server((sock) => {
      sock.on('data', () => {});
      sock.on('end', () => { serverEnded = true; });
      // (Node's tls sends no close_notify for an end() right in 'secureConnection')
      setTimeout(() => sock.end('goodbye'), 100);
    }, { allowHalfOpen: true });
    const { port } = await finSwallowingProxy(srv.port);
    const s = open(port);
    await s.opened;
    assert.equal(await readAll(s.readable), 'goodbye');
    assert.equal(await settledWithin(s.closed, 3000), 'resolved', '`closed` must settle without the app closing writable');
    await assert.rejects(s.writable.getWriter().write(enc.encode('late')), (e) => e.code === 'CLOSED');
    for (let i = 0; i < 50 && !serverEnded; i++) await sleep(20);
    assert.equal(serverEnded, true, 'the server saw our close_notify');
  });

  it('allowHalfOpen true: after the server\'s close_notify the app may still write, and closes writable itself', async () => {
    const srv = await server((sock) => {
      sock.on('data', () => {});
      setTimeout(() => sock.end('half'), 100);
    }, { allowHalfOpen: true });
    const { port, counts } = await finSwallowingProxy(srv.port);
    const s = open(port, { allowHalfOpen: true });
    await s.opened;
    assert.equal(await readAll(s.readable), 'half');
    assert.equal(await settledWithin(s.closed, 300), 'pending', 'writable is the app\'s to close');
    const before = counts.fromClient;
    const w = s.writable.getWriter();
    await w.write(enc.encode('still here'));
    await w.close();
    assert.equal(await settledWithin(s.closed, 3000), 'resolved');
    // one application record (10 bytes + 22 of framing) and our close_notify (24) went out after
    for (let i = 0; i < 50 && counts.fromClient - before < 56; i++) await sleep(20);
    assert.equal(counts.fromClient - before, 10 + 22 + 24);
    assert.equal(s.bytesWritten, 10);
  });

  it('signal: aborted before, during the handshake and while open → ABORTED', async () => {
    const before = open(1, { signal: AbortSignal.abort() });
    await assert.rejects(before.opened, (e) => e.code === 'ABORTED');
    const silent = await startRawServer('silent');
    servers.push(silent);
    const ac = new AbortController();
    const during = open(silent.port, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user went away')), 100);
    await assert.rejects(during.opened, (e) => e.code === 'ABORTED' && /user went away/.test(e.message));
    const srv = await server((sock) => sock.on('data', () => {}));
    const ac2 = new AbortController();
    const s = open(srv.port, { signal: ac2.signal });
    await s.opened;
    const reading = s.readable.getReader().read();
    ac2.abort();
    await assert.rejects(reading, (e) => e.code === 'ABORTED');
    await assert.rejects(s.closed, (e) => e.code === 'ABORTED');
    await assert.rejects(open(srv.port, { signal: {} }).opened, (e) => e.code === 'INVALID_OPTION');
  });

  it('Symbol.asyncDispose closes the socket', async () => {
    const srv = await server((sock) => sock.pipe(sock));
    const s = open(srv.port);
    await s.opened;
    assert.equal(typeof s[Symbol.asyncDispose], 'function');
    await s[Symbol.asyncDispose]();
    await s.closed;
  });
});
