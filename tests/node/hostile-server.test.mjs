// A hostile server: each case is a scripted raw-TCP server or a mutating proxy in front of a
// real openssl s_server (loopback). Every case must end with its precise WasmTlsError code,
// quickly, without hanging; after 10,000 failed connections (five kinds in turn) no wt_conn is left allocated and
// the wasm memory has not grown.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { loadWasmNode } from './helpers/wasm.mjs';
import { getPki } from './helpers/pki.mjs';
import { startSServer, pool, withTimeout } from './helpers/servers.mjs';
import { startScriptedServer, startMutatingProxy, record, handshake } from './helpers/hostile-server.mjs';

let pki;
let sserver;
let live = 0;       // wt_conn_new minus wt_conn_free, counted on the shared instance
let wasm;

before(async () => {
  pki = getPki();
  sserver = await startSServer({ leaf: pki.leaves.p256, groups: 'X25519' });
  // Count connection allocations: Engine reads wasm.exports at construction, so wrapping the
  // shared instance's exports object before any connection sees every new/free.
  wasm = await loadWasmNode();
  const x = wasm.exports;
  wasm.exports = Object.assign(Object.create(null), x, {
    memory: x.memory,
    wt_conn_new: () => { const p = x.wt_conn_new(); if (p) live++; return p; },
    wt_conn_free: (p) => { if (p) live--; return x.wt_conn_free(p); },
  });
});
after(async () => { await sserver?.stop(); });

const opts = () => ({ serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000 });

async function expectOpenFails(port, codes, extra = {}) {
  const s = connect({ hostname: '127.0.0.1', port }, { ...opts(), ...extra });
  const closed = s.closed.then(() => 'resolved', (e) => e);
  const err = await withTimeout(s.opened.then(() => null, (e) => e), 8000, 'opened');
  assert.ok(err, 'handshake unexpectedly succeeded');
  assert.ok(err instanceof WasmTlsError, `not a WasmTlsError: ${err}`);
  assert.ok(codes.includes(err.code), `expected ${codes.join('|')}, got ${err.code}: ${err.message}`);
  await withTimeout(closed, 3000, 'closed');
  return err;
}

/** Handshake, write a line, and expect reading to fail with one of `codes`. */
async function expectReadFails(port, codes, onOpened = () => {}) {
  const s = connect({ hostname: '127.0.0.1', port }, opts());
  s.closed.catch(() => {});
  await withTimeout(s.opened, 8000, 'opened');
  onOpened();
  const w = s.writable.getWriter();
  await w.write(new TextEncoder().encode('hello\n'));
  const r = s.readable.getReader();
  const err = await withTimeout((async () => {
    for (;;) {
      const { done } = await r.read();
      if (done) return null;
    }
  })().then(() => null, (e) => e), 8000, 'read');
  assert.ok(err, 'readable ended cleanly; expected an error');
  assert.ok(err instanceof WasmTlsError, `not a WasmTlsError: ${err}`);
  assert.ok(codes.includes(err.code), `expected ${codes.join('|')}, got ${err.code}: ${err.message}`);
  await withTimeout(s.closed.then(() => 0, () => 0), 3000, 'closed');
}

describe('hostile server', { timeout: 120_000 }, () => {
  const servers = [];
  after(async () => { await Promise.all(servers.map((s) => s.stop())); });
  const scripted = async (script) => { const s = await startScriptedServer(script); servers.push(s); return s.port; };
  const proxy = async (mutate) => { const s = await startMutatingProxy(sserver.port, mutate); servers.push(s); return s.port; };

  it('garbage instead of a ServerHello', async () => {
    const port = await scripted((sock) => sock.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await expectOpenFails(port, ['UNEXPECTED_MESSAGE']);
  });

  it('a record over the size limit', async () => {
    const port = await scripted((sock) => sock.write(Buffer.from([22, 3, 3, 0x40, 0x01, 2, 0, 0, 0])));
    await expectOpenFails(port, ['RECORD_OVERFLOW']);
  });

  it('a handshake message out of order (Certificate before ServerHello)', async () => {
    const port = await scripted((sock) => sock.write(record(22, handshake(11, [0, 0, 0, 0]))));
    await expectOpenFails(port, ['UNEXPECTED_MESSAGE']);
  });

  it('a fatal alert mid-handshake', async () => {
    const port = await scripted((sock) => sock.write(record(21, [2, 80])));
    const err = await expectOpenFails(port, ['PEER_ALERT']);
    assert.match(err.message, /internal_error/);
  });

  it('a server that never answers → HANDSHAKE_TIMEOUT', async () => {
    const port = await scripted(() => {});
    const t0 = Date.now();
    await expectOpenFails(port, ['HANDSHAKE_TIMEOUT'], { timeoutMs: 300 });
    assert.ok(Date.now() - t0 < 3000);
  });

  it('the ServerHello split into 1-byte records still connects', async () => {
    const port = await proxy((rec) => {
      if (rec.type !== 22 || rec.encrypted) return null;
      return [...rec.body].map((b) => record(22, [b]));
    });
    const s = connect({ hostname: '127.0.0.1', port }, opts());
    const info = await withTimeout(s.opened, 8000, 'opened');
    assert.equal(info.version, 'TLSv1.3');
    const w = s.writable.getWriter();
    await w.write(new TextEncoder().encode('split\n'));
    const r = s.readable.getReader();
    let got = '';
    while (!got.includes('\n')) {
      const { value, done } = await withTimeout(r.read(), 5000, 'read');
      if (done) break;
      got += new TextDecoder().decode(value);
    }
    assert.equal(got, 'tilps\n');
    r.releaseLock();
    w.releaseLock();
    await withTimeout(s.close(), 5000, 'close');
  });

  it('a corrupted encrypted record → BAD_RECORD_MAC', async () => {
    const port = await proxy((rec) => {
      if (!rec.encrypted || rec.index !== 2) return null;   // SH, CCS, then EncryptedExtensions
      rec.body[rec.body.length >> 1] ^= 0x01;
      return record(rec.type, rec.body);
    });
    await expectOpenFails(port, ['BAD_RECORD_MAC']);
  });

  it('the server closes mid-handshake without close_notify', async () => {
    const port = await proxy((rec) => (rec.index >= 2 ? 'cut' : null));
    await expectOpenFails(port, ['TRUNCATED', 'TRANSPORT_CLOSED']);
  });

  it('an unexpected change_cipher_spec after the handshake → UNEXPECTED_MESSAGE', async () => {
    let armed = false;
    const port = await proxy((rec) => (armed && rec.encrypted ? [record(20, [1]), record(rec.type, rec.body)] : null));
    await expectReadFails(port, ['UNEXPECTED_MESSAGE'], () => { armed = true; });
  });

  it('the server closes mid-data without close_notify → TRUNCATED', async () => {
    let armed = false;
    const port = await proxy((rec) => (armed && rec.encrypted ? 'cut' : null));
    await expectReadFails(port, ['TRUNCATED'], () => { armed = true; });
  });

  it('thousands of failed connections of five kinds (WT_HOSTILE_N, default 10,000) leave no connection allocated and no memory growth', async () => {
    // Each connection meets the next kind in turn: what the scripted cases above do one at a time.
    const KINDS = [
      ['UNEXPECTED_MESSAGE', (sock) => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n')],
      ['RECORD_OVERFLOW', (sock) => sock.end(Buffer.from([22, 3, 3, 0x40, 0x01, 2, 0, 0, 0]))],
      ['UNEXPECTED_MESSAGE', (sock) => sock.end(record(22, handshake(11, [0, 0, 0, 0])))],
      ['PEER_ALERT', (sock) => sock.end(record(21, [2, 80]))],
      ['TRANSPORT_CLOSED', (sock) => sock.end()],
    ];
    let next = 0;
    const port = await scripted((sock) => KINDS[next++ % KINDS.length][1](sock));
    const round = async (n) => {
      const seen = {};
      await pool(Array.from({ length: n }), 50, async () => {
        const s = connect({ hostname: '127.0.0.1', port }, opts());
        s.closed.catch(() => {});
        const err = await s.opened.then(() => null, (e) => e);
        const code = err?.code ?? 'connected';
        seen[code] = (seen[code] ?? 0) + 1;
      });
      return seen;
    };
    // warm up so the heap has its working size
    await round(200);
    const before = { live, bytes: wasm.exports.memory.buffer.byteLength };
    const N = Number(process.env.WT_HOSTILE_N ?? 10_000);
    const t0 = Date.now();
    const seen = await round(N);
    const ms = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
    const afterStats = { live, bytes: wasm.exports.memory.buffer.byteLength };
    console.log(`hostile: ${N} failed connections in ${ms} ms (${Math.round(N / (ms / 1000))}/s): ${JSON.stringify(seen)}; ` +
      `live wt_conn ${before.live} → ${afterStats.live}; wasm memory ${before.bytes} → ${afterStats.bytes} bytes`);
    // the server deals the kinds out in turn, so the counts (not the order) are known
    const expected = {};
    for (let i = 0; i < N; i++) expected[KINDS[i % KINDS.length][0]] = (expected[KINDS[i % KINDS.length][0]] ?? 0) + 1;
    assert.deepEqual(seen, expected);
    assert.equal(afterStats.live, 0);
    assert.equal(afterStats.bytes, before.bytes);
  });
});
