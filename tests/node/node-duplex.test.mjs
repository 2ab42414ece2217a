// wasmtls/node (stream.Duplex over a wasmtls socket) and upgrade() (STARTTLS)
// against real Node TLS servers on 127.0.0.1: backpressure both ways, a
// STARTTLS text protocol, and errors as WasmTlsError.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { connectDuplex, upgradeDuplex, WasmTlsError } from '../../js/node-duplex.js';
import { upgrade } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { getFreePort, startNodeTlsServer, withTimeout } from './helpers/servers.mjs';

const MB = 1024 * 1024;
let pki;
let leaf;

before(() => {
  pki = getPki();
  leaf = pki.leaves.p256;
});

/** Deterministic pseudo-random bytes. */
function payload(size, seed = 1) {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
}

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

test('download backpressure: a paused Duplex stops reading; then all 8 MiB arrive intact', async () => {
  const data = payload(8 * MB);
  const server = await startNodeTlsServer({
    cert: leaf.chainPem, key: leaf.keyPem,
    onSecureConnection: (sock) => { sock.end(data); },
  });
  try {
    const duplex = connectDuplex({ hostname: '127.0.0.1', port: server.port }, { ca: pki.rootPem });
    duplex.pause();
    await duplex.opened;
    await new Promise((r) => setTimeout(r, 400));
    const readWhilePaused = duplex.socket.bytesRead;
    // Only the readable's queue (64 KiB) and the Duplex buffer fill; the rest waits in the kernel and the server.
    assert.ok(readWhilePaused <= MB, `a paused Duplex stops decryption (read ${readWhilePaused} bytes)`);
    const chunks = [];
    duplex.on('data', (c) => chunks.push(c));
    duplex.resume();
    await withTimeout(once(duplex, 'end'), 20000, 'end');
    const got = Buffer.concat(chunks);
    assert.equal(got.length, data.length);
    assert.equal(sha256(got), sha256(data));
    duplex.end();
    console.log(`# paused client had decrypted ${readWhilePaused} of ${data.length} bytes`);
  } finally {
    await server.stop();
  }
});

test('upload: pipeline() of 8 MiB into the Duplex (paced by write callbacks), echoed back intact', async () => {
  const data = payload(8 * MB, 7);
  const server = await startNodeTlsServer({ cert: leaf.chainPem, key: leaf.keyPem }); // echo
  try {
    const duplex = connectDuplex(`127.0.0.1:${server.port}`, { ca: pki.rootPem, serverName: 'localhost' });
    const received = [];
    let total = 0;
    const done = new Promise((resolve, reject) => {
      duplex.on('data', (c) => { received.push(c); total += c.length; if (total >= data.length) resolve(); });
      duplex.on('error', reject);
    });
    const t0 = performance.now();
    async function* source() { for (let off = 0; off < data.length; off += 100000) yield data.subarray(off, off + 100000); }
    await pipeline(Readable.from(source()), new WritableSink(duplex));
    await withTimeout(done, 30000, 'echo');
    const ms = performance.now() - t0;
    assert.equal(sha256(Buffer.concat(received)), sha256(data));
    duplex.end();
    console.log(`# 8 MiB up and back through the Duplex in ${ms.toFixed(0)} ms`);
  } finally {
    await server.stop();
  }
});

/** Writes into a Duplex without ending it (pipeline would end the Duplex and send close_notify early). */
class WritableSink extends Duplex {
  constructor(target) { super(); this.target = target; }
  _write(chunk, enc, cb) { if (this.target.write(chunk)) cb(); else this.target.once('drain', cb); }
  _read() {}
  _final(cb) { this.push(null); cb(); }
}

/** A text protocol with STARTTLS: "STARTTLS\r\n" → "OK\r\n", then TLS; over TLS each line is answered "ECHO <line>". */
async function startStartTlsServer() {
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.write('220 ready\r\n');
    sock.once('data', (line) => {
      if (line.toString() !== 'STARTTLS\r\n') { sock.end('500 expected STARTTLS\r\n'); return; }
      sock.write('220 go ahead\r\n', () => {
        const secure = new tls.TLSSocket(sock, { isServer: true, cert: leaf.chainPem, key: leaf.keyPem, minVersion: 'TLSv1.3' });
        secure.on('error', () => {});
        secure.setEncoding('utf8');
        secure.on('data', (text) => secure.write(`ECHO ${text.trim()}\r\n`));
        secure.on('end', () => secure.end());
      });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    stop: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

async function plainGreeting(sock) {
  await once(sock, 'connect');
  const [greeting] = await once(sock, 'data');
  assert.match(greeting.toString(), /^220 ready/);
  sock.write('STARTTLS\r\n');
  const [ok] = await once(sock, 'data');
  sock.pause();
  assert.match(ok.toString(), /^220 go ahead/);
}

test('upgrade(): STARTTLS on web streams of a plain socket (Duplex.toWeb)', async () => {
  const server = await startStartTlsServer();
  try {
    const sock = net.connect({ host: '127.0.0.1', port: server.port });
    await plainGreeting(sock);
    const { readable, writable } = Duplex.toWeb(sock);
    const socket = upgrade({ readable, writable, close: () => sock.destroy() }, { serverName: 'localhost', ca: pki.rootPem });
    const info = await socket.opened;
    assert.equal(info.version, 'TLSv1.3');
    assert.equal(info.peerCertificates[0].subject, 'CN=wasmtls leaf p256');
    const writer = socket.writable.getWriter();
    await writer.write('over tls\r\n');
    const reader = socket.readable.getReader();
    const { value } = await reader.read();
    assert.equal(new TextDecoder().decode(value), 'ECHO over tls\r\n');
    reader.releaseLock();
    writer.releaseLock();
    await socket.close();
  } finally {
    await server.stop();
  }
});

test('upgradeDuplex(): STARTTLS on a node:net socket', async () => {
  const server = await startStartTlsServer();
  try {
    const sock = net.connect({ host: '127.0.0.1', port: server.port });
    await plainGreeting(sock);
    const duplex = upgradeDuplex(sock, { serverName: 'localhost', ca: pki.rootPem });
    const [info] = await once(duplex, 'secureConnect');
    assert.equal(info.version, 'TLSv1.3');
    duplex.setEncoding('utf8');
    duplex.write('hello\r\n');
    const [line] = await once(duplex, 'data');
    assert.equal(line, 'ECHO hello\r\n');
    duplex.end();
    await withTimeout(once(duplex, 'close'), 5000, 'close');
    assert.ok(sock.destroyed, 'the TCP socket is closed with the Duplex');
  } finally {
    await server.stop();
  }
});

test('upgrade(): invalid input is INVALID_OPTION on `opened`, never a throw', async () => {
  const { readable, writable } = new TransformStream();
  const noName = upgrade({ readable, writable }, { ca: pki.rootPem });
  await assert.rejects(noName.opened, { name: 'WasmTlsError', code: 'INVALID_OPTION', message: /serverName/ });
  const withTransport = upgrade({ readable, writable }, { serverName: 'x', transport: 'tcp' });
  await assert.rejects(withTransport.opened, { code: 'INVALID_OPTION', message: /transport/ });
  const reader = readable.getReader();
  const locked = upgrade({ readable, writable }, { serverName: 'x' });
  await assert.rejects(locked.opened, { code: 'INVALID_OPTION', message: /releaseLock/ });
  reader.releaseLock();
  await assert.rejects(upgrade(null, { serverName: 'x' }).opened, { code: 'INVALID_OPTION' });
});

test('connectDuplex(): a refused connection is a WasmTlsError CONNECT_FAILED error event', async () => {
  const port = await getFreePort();
  const duplex = connectDuplex(`127.0.0.1:${port}`, { ca: pki.rootPem });
  const [err] = await withTimeout(once(duplex, 'error'), 5000, 'error event');
  assert.ok(err instanceof WasmTlsError);
  assert.equal(err.code, 'CONNECT_FAILED');
  await assert.rejects(duplex.opened, { code: 'CONNECT_FAILED' });
});
