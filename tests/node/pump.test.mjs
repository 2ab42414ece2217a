// The pump (js/core/connection.js) over scripted in-memory transports, no sockets: the server is Node's own
// tls.TLSSocket over an in-memory Duplex, the client's transport a pair of web streams in front of it
// whose delivery is scripted — as written, one byte at a time, 7-byte pieces (records split anywhere),
// whole flights coalesced into one chunk. Backpressure both ways (a reader that does not read; a
// transport whose writes do not resolve), close in every state, and the wasm crossings per record.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createConnect } from '../../js/core/api.js';
import { instantiateFresh } from '../../js/core/wasm.js';
import { getPki } from './helpers/pki.mjs';
import { withTimeout } from './helpers/servers.mjs';
import { readUntil, readToEnd, patternBytes, sha256 } from './helpers/streams.mjs';

const WASM = fileURLToPath(new URL('../../js/dist/wasmtls.wasm', import.meta.url));
const RECORD = 16384;
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

let pki;
let wasm;
/** wasm export calls, by name (the exports object is instrumented) */
const calls = new Map();
let counting = false;
before(async () => {
  pki = getPki();
  wasm = await instantiateFresh(fs.readFileSync(WASM));
  const orig = wasm.exports;
  const counted = { memory: orig.memory };
  for (const [name, value] of Object.entries(orig)) {
    if (typeof value !== 'function') { counted[name] = value; continue; }
    counted[name] = (...args) => {
      if (counting) calls.set(name, (calls.get(name) ?? 0) + 1);
      return value(...args);
    };
  }
  wasm.exports = counted;
});

const connect = createConnect({ loadWasm: async () => wasm, transports: {} });

/**
 * A TLS server (node:tls) on one end of an in-memory byte pipe and a wasmtls transport on the other.
 * @param {{ deliver?: 'as-is' | 'bytes' | 'pieces' | '4k' | 'coalesce', hangWrites?: boolean, tlsOptions?: object }} script
 */
function pipe(script = {}) {
  const deliver = script.deliver ?? 'as-is';
  const stats = { toClient: 0, pulled: 0, toServer: 0, writes: 0 };
  /** chunks the server sent that the client's readable has not pulled */
  const queue = [];
  let ended = false;
  let waiting = null;
  const wakeReader = () => { const w = waiting; waiting = null; w?.(); };
  let pending = [];
  const flushCoalesced = () => {
    if (!pending.length) return;
    queue.push(Buffer.concat(pending));
    pending = [];
    wakeReader();
  };
  const serverEnd = new Duplex({
    read() {},
    write(chunk, _enc, cb) {
      stats.toClient += chunk.length;
      if (deliver === 'bytes') for (const b of chunk) queue.push(Uint8Array.of(b));
      else if (deliver === 'pieces') for (let i = 0; i < chunk.length; i += 7) queue.push(chunk.subarray(i, i + 7));
      else if (deliver === '4k') for (let i = 0; i < chunk.length; i += 4096) queue.push(chunk.subarray(i, i + 4096));
      else if (deliver === 'coalesce') { pending.push(Buffer.from(chunk)); setTimeout(flushCoalesced, 5); }
      else queue.push(chunk);
      wakeReader();
      cb();
    },
    final(cb) { flushCoalesced(); ended = true; wakeReader(); cb(); },
  });
  /** end the byte stream to the client without anything TLS (a FIN) */
  const fin = () => { flushCoalesced(); ended = true; wakeReader(); };
  const readable = new ReadableStream({
    async pull(c) {
      while (!queue.length && !ended) await new Promise((r) => { waiting = r; });
      if (queue.length) {
        const chunk = queue.shift();
        stats.pulled += chunk.length;
        c.enqueue(new Uint8Array(chunk));
      } else c.close();
    },
  }, { highWaterMark: 0 });
  /** resolvers of transport writes held back (hangWrites) */
  const held = [];
  const writable = new WritableStream({
    write(chunk) {
      stats.writes++;
      stats.toServer += chunk.length;
      serverEnd.push(Buffer.from(chunk));
      if (script.hangWrites) return new Promise((resolve) => held.push(resolve));
      return undefined;
    },
    close() { serverEnd.push(null); },
  });
  const server = new tls.TLSSocket(serverEnd, {
    isServer: true,
    secureContext: tls.createSecureContext({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, ...script.tlsOptions }),
  });
  server.on('error', () => {});
  const release = () => { script.hangWrites = false; for (const r of held.splice(0)) r(); };
  return { transport: { readable, writable, close() {} }, server, stats, fin, release, held };
}

function open(p, opts = {}) {
  return connect({ hostname: 'localhost', port: 443 }, {
    serverName: 'localhost', ca: pki.rootPem, timeoutMs: 8000, transport: () => p.transport, ...opts,
  });
}

function echo(server) {
  server.on('data', (d) => server.write(d));
  server.on('end', () => server.end());
}

async function exchange(s, text) {
  const writer = s.writable.getWriter();
  const reader = s.readable.getReader();
  await withTimeout(writer.write(new TextEncoder().encode(text)), 5000, 'write');
  const got = await readUntil(reader, (t) => t.length >= text.length);
  writer.releaseLock();
  reader.releaseLock();
  return got.text;
}

describe('the pump over scripted in-memory transports (no sockets)', { timeout: 120_000 }, () => {
  for (const deliver of ['as-is', 'bytes', 'pieces', 'coalesce']) {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2']) {
      it(`${maxVersion}, server bytes delivered ${deliver}: handshake, echo, clean close`, async () => {
        const p = pipe({ deliver, tlsOptions: { maxVersion, minVersion: maxVersion } });
        echo(p.server);
        const s = open(p);
        const info = await withTimeout(s.opened, 8000, 'opened');
        assert.equal(info.version, maxVersion);
        assert.equal(await exchange(s, 'hello over memory\n'), 'hello over memory\n');
        // a record split over many chunks and several records in one chunk both arrive whole
        const big = patternBytes(3 * RECORD + 123, 5);
        const writer = s.writable.getWriter();
        const reader = s.readable.getReader();
        const reading = readToEnd(reader, { limit: big.length, timeoutMs: 20_000 });
        await writer.write(big);
        const got = await reading;
        assert.equal(got.sha256, sha256(big));
        writer.releaseLock();
        reader.releaseLock();
        const ended = new Promise((r) => p.server.once('end', r));
        await withTimeout(s.close(), 5000, 'close');
        await withTimeout(ended, 5000, 'server saw close_notify');
        await withTimeout(s.closed, 5000, 'closed');
      });
    }
  }

  it('backpressure from the app: a reader that does not read stops the transport being read', async () => {
    const p = pipe({ deliver: '4k' });
    const data = patternBytes(1024 * 1024, 9);
    p.server.on('secure', () => p.server.write(data));
    const s = open(p);
    await withTimeout(s.opened, 8000, 'opened');
    await tick(300);
    // the readable's queue (64 KiB), one record in the engine and one chunk in the inbox at most
    const bound = 64 * 1024 + 2 * (RECORD + 256) + 4096;
    assert.ok(p.stats.toClient > bound, `the server wrote ahead (${p.stats.toClient} B)`);
    assert.ok(p.stats.pulled <= bound, `pulled ${p.stats.pulled} B from the transport while the app read nothing`);
    const before = p.stats.pulled;
    await tick(200);
    assert.equal(p.stats.pulled, before, 'nothing more is pulled while the app does not read');
    const got = await readToEnd(s.readable.getReader(), { limit: data.length, timeoutMs: 20_000 });
    assert.equal(got.sha256, sha256(data));
    await s.close();
  });

  it('backpressure from the transport: writes that do not resolve hold the next record back', async () => {
    const script = {};
    const p = pipe(script);
    let received = 0;
    p.server.on('data', (d) => { received += d.length; });
    const s = open(p);
    await withTimeout(s.opened, 8000, 'opened');
    await tick(50);
    script.hangWrites = true; // from now on the transport takes bytes but never says it is done
    const w0 = p.stats.writes;
    const b0 = p.stats.toServer;
    const data = patternBytes(256 * 1024, 3);
    let settled = false;
    const writeP = s.writable.getWriter().write(data);
    writeP.then(() => { settled = true; }, () => { settled = true; });
    await tick(200);
    assert.equal(p.stats.writes - w0, 1, 'one record handed to the transport, then the pump waits');
    assert.ok(p.stats.toServer - b0 <= RECORD + 256, `${p.stats.toServer - b0} B handed over`);
    assert.equal(settled, false, 'the write waits for the transport');
    p.release();
    await withTimeout(writeP, 10_000, 'write');
    await tick(100);
    assert.equal(received, data.length);
    await s.close();
  });

  it('close before the handshake: opened rejects CLOSED', async () => {
    const p = pipe();
    const s = open(p);
    s.close();
    await assert.rejects(s.opened, (e) => e.code === 'CLOSED');
    await assert.rejects(s.closed, (e) => e.code === 'CLOSED');
  });

  it('the transport is asked for before connect() returns (a proxy connects while the ClientHello is made); a transport that throws gives CONNECT_FAILED', async () => {
    const p = pipe();
    echo(p.server);
    let asked = 0;
    const s = open(p, { transport: () => { asked++; return p.transport; } });
    assert.equal(asked, 1, 'the transport function ran inside connect()');
    await withTimeout(s.opened, 8000, 'opened');
    assert.equal(await exchange(s, 'ping'), 'ping');
    await s.close();
    assert.equal(asked, 1);

    const bad = open(pipe(), { transport: () => { throw new Error('no route'); } });
    await assert.rejects(bad.opened, (e) => e.code === 'CONNECT_FAILED' && /no route/.test(e.message));
    await assert.rejects(bad.closed, (e) => e.code === 'CONNECT_FAILED');
  });

  it('a transport that connected before the connection failed (here: the wasm does not load) is closed; the key copy is wiped', async () => {
    const brokenWasm = createConnect({ loadWasm: () => Promise.reject(new Error('no wasm here')), transports: {} });
    let closed = 0;
    const key = new TextEncoder().encode(pki.leaves.p256.keyPem);
    const s = brokenWasm({ hostname: 'localhost', port: 443 }, {
      serverName: 'localhost', ca: pki.rootPem, cert: pki.leaves.p256.chainPem, key,
      transport: () => ({ readable: new ReadableStream(), writable: new WritableStream(), close() { closed++; } }),
    });
    await assert.rejects(s.opened, (e) => e.code === 'INTERNAL' && /no wasm here/.test(e.message));
    await assert.rejects(s.closed);
    await tick(10);
    assert.equal(closed, 1, 'the transport was closed once');
    assert.ok(key.some((b) => b !== 0), "the caller's own buffer is left alone (it was copied)");
  });

  it("verifiedChain ends at the `ca` anchor's own DER (found when first read); a DER `ca` buffer reused right after connect() does not matter", async () => {
    const p = pipe();
    echo(p.server);
    const s = open(p);
    const info = await withTimeout(s.opened, 8000, 'opened');
    // the verified path ends at the `ca` anchor, whose DER is found only when the key is read
    const chain = info.verifiedChain;
    assert.equal(chain.length, 3);
    assert.equal(chain[2].subject, chain[2].issuer, 'the root, from the ca option');
    assert.equal(chain[1].issuer, chain[2].subject);
    const rootDigest = crypto.createHash('sha256').update(pki.rootDer).digest('hex');
    assert.equal(chain[2].fingerprint256.replaceAll(':', '').toLowerCase(), rootDigest, "the anchor's own DER");
    await s.close();

    // a DER `ca` whose buffer the caller reuses as soon as connect() returned: the copy is what counts
    const p2 = pipe();
    echo(p2.server);
    const der = new Uint8Array(pki.rootDer);
    const s2 = open(p2, { ca: der });
    der.fill(0);
    const info2 = await withTimeout(s2.opened, 8000, 'opened (DER ca, buffer reused)');
    assert.equal(info2.verifiedChain[2].fingerprint256.replaceAll(':', '').toLowerCase(), rootDigest);
    await s2.close();
  });

  it('the transport ends during the handshake: TRANSPORT_CLOSED', async () => {
    const p = pipe();
    p.server.once('data', () => {}); // never reached: the server end closes after the ClientHello
    const orig = p.transport.writable;
    let first = true;
    p.transport.writable = new WritableStream({
      write(chunk) {
        if (first) { first = false; p.fin(); return; } // ClientHello swallowed, then FIN
        return orig.getWriter().write(chunk);
      },
    });
    const s = open(p);
    await assert.rejects(s.opened, (e) => e.code === 'TRANSPORT_CLOSED');
  });

  it('close during verifying: nothing the server sent is readable, opened rejects', async () => {
    const p = pipe();
    p.server.on('secure', () => p.server.write('server plaintext before the verdict'));
    let hookCalled;
    const hook = new Promise((r) => { hookCalled = r; });
    const s = open(p, { verify: () => { hookCalled(); return new Promise(() => {}); } });
    await withTimeout(hook, 8000, 'verify hook');
    await tick(100);
    assert.equal(s.bytesRead, 0, 'no plaintext before the verdict');
    s.close();
    await assert.rejects(s.opened, (e) => e.code === 'CLOSED');
    const r = s.readable.getReader();
    await assert.rejects(r.read());
    assert.equal(s.bytesRead, 0);
  });

  it("the server's close_notify ends the readable and our side answers (no allowHalfOpen)", async () => {
    const p = pipe();
    p.server.on('secure', () => { p.server.end('last words'); });
    const ended = new Promise((r) => p.server.once('end', r));
    const s = open(p);
    await withTimeout(s.opened, 8000, 'opened');
    const got = await readUntil(s.readable.getReader(), () => false, { timeoutMs: 5000 });
    assert.equal(got.ended, true);
    assert.equal(got.text, 'last words');
    await withTimeout(ended, 5000, 'server saw our close_notify');
    await withTimeout(s.closed, 5000, 'closed');
  });

  it('half-closed: our close_notify first, the server still sends, then closes', async () => {
    const p = pipe();
    p.server.on('end', () => p.server.end('after your close_notify'));
    const s = open(p);
    await withTimeout(s.opened, 8000, 'opened');
    const reader = s.readable.getReader();
    await s.writable.getWriter().close();
    const got = await readUntil(reader, () => false, { timeoutMs: 5000 });
    assert.equal(got.ended, true);
    assert.equal(got.text, 'after your close_notify');
    await withTimeout(s.closed, 5000, 'closed');
  });

  it('half-closed the other way (allowHalfOpen): the server closed, we still write', async () => {
    const p = pipe();
    let received = '';
    p.server.on('data', (d) => { received += d; });
    p.server.on('secure', () => p.server.end());
    const s = open(p, { allowHalfOpen: true });
    await withTimeout(s.opened, 8000, 'opened');
    const reader = s.readable.getReader();
    assert.equal((await withTimeout(reader.read(), 5000, 'read')).done, true);
    const writer = s.writable.getWriter();
    await writer.write(new TextEncoder().encode('still writing'));
    await tick(100);
    assert.equal(received, 'still writing');
    await writer.close();
    await withTimeout(s.closed, 5000, 'closed');
  });

  it('EOF without close_notify after data: TRUNCATED', async () => {
    const p = pipe();
    p.server.on('secure', () => { p.server.write('partial'); setTimeout(() => p.fin(), 50); });
    const s = open(p);
    await withTimeout(s.opened, 8000, 'opened');
    const reader = s.readable.getReader();
    await readUntil(reader, (t) => t.includes('partial'));
    await assert.rejects(reader.read(), (e) => e.code === 'TRUNCATED');
    await assert.rejects(s.closed, (e) => e.code === 'TRUNCATED');
  });

  it('wasm crossings per record written and per record read', async () => {
    const p = pipe();
    const N = 64;
    let received = 0;
    let allIn;
    const gotAll = new Promise((r) => { allIn = r; });
    p.server.on('data', (d) => { received += d.length; if (received === N * RECORD) allIn(); });
    const s = open(p);
    await withTimeout(s.opened, 8000, 'opened');
    await tick(50);
    const writer = s.writable.getWriter();
    calls.clear();
    counting = true;
    for (let i = 0; i < N; i++) await writer.write(patternBytes(RECORD, i));
    await withTimeout(gotAll, 10_000, 'server got everything');
    counting = false;
    const written = [...calls.values()].reduce((a, b) => a + b, 0);
    const writeDetail = Object.fromEntries(calls);
    // reading: the server sends N full records
    const reader = s.readable.getReader();
    calls.clear();
    counting = true;
    for (let i = 0; i < N; i++) p.server.write(patternBytes(RECORD, 100 + i));
    const got = await readToEnd(reader, { limit: N * RECORD, timeoutMs: 10_000 });
    counting = false;
    assert.equal(got.bytes, N * RECORD);
    const read = [...calls.values()].reduce((a, b) => a + b, 0);
    const readDetail = Object.fromEntries(calls);
    console.log(`wasm crossings: ${(written / N).toFixed(2)} per record written ${JSON.stringify(writeDetail)}; ` +
      `${(read / N).toFixed(2)} per record read ${JSON.stringify(readDetail)}`);
    assert.ok(written / N <= 3, `${written / N} crossings per record written`);
    assert.ok(read / N <= 4, `${read / N} crossings per record read`);
    reader.releaseLock();
    writer.releaseLock();
    await s.close();
  });
});
