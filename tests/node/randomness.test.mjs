// Randomness: every random byte of a connection comes from crypto.getRandomValues, one call per
// connection filling the engine's pool (wasm/wt_wasm.c wt_conn_rng), and no byte is handed out
// twice: in real ClientHellos the random, the legacy session id and the X25519 key share differ
// from each other and from every other connection's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { connect } from '../../js/index.node.js';

/** A TCP server that keeps the first ClientHello record of each connection and closes it. */
async function helloCatcher() {
  const hellos = [];
  const server = net.createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (b) => {
      buf = Buffer.concat([buf, b]);
      if (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) { hellos.push(buf.subarray(0, 5 + buf.readUInt16BE(3))); s.destroy(); }
    });
    s.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { hellos, port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

/** random, session id and the x25519 key share of a ClientHello record. */
function fields(rec) {
  const random = rec.subarray(11, 43).toString('hex');
  const sidLen = rec[43];
  const sid = rec.subarray(44, 44 + sidLen).toString('hex');
  let p = 44 + sidLen;
  p += 2 + rec.readUInt16BE(p);        // cipher suites
  p += 1 + rec[p];                     // compression
  const end = p + 2 + rec.readUInt16BE(p);
  p += 2;
  let x25519 = null;
  while (p < end) {
    const type = rec.readUInt16BE(p), len = rec.readUInt16BE(p + 2);
    if (type === 51) {                 // key_share
      let q = p + 6;
      while (q < p + 4 + len) {
        const group = rec.readUInt16BE(q), klen = rec.readUInt16BE(q + 2);
        if (group === 0x001d) x25519 = rec.subarray(q + 4, q + 4 + klen).toString('hex');
        q += 4 + klen;
      }
    }
    p += 4 + len;
  }
  return { random, sid, x25519 };
}

test('one getRandomValues call per connection; random, session id and key share differ between connections, and no 8-byte run of the random reappears in the session id', async () => {
  const catcher = await helloCatcher();
  const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
  let calls = 0;
  globalThis.crypto.getRandomValues = (a) => { calls++; return real(a); };
  try {
    await connect({ hostname: '127.0.0.1', port: catcher.port }, { serverName: 'localhost', ca: [] }).opened.catch(() => {});  // loads the wasm
    const N = 20;
    calls = 0;
    for (let i = 0; i < N; i++) {
      await connect({ hostname: '127.0.0.1', port: catcher.port }, { serverName: 'localhost', ca: [], groups: ['x25519'] }).opened.catch(() => {});
    }
    assert.equal(calls, N, `getRandomValues calls for ${N} connections`);
    const all = catcher.hellos.slice(1).map(fields);
    assert.equal(all.length, N);
    const seen = new Set();
    for (const f of all) {
      assert.equal(f.random.length, 64);
      assert.equal(f.sid.length, 64);
      assert.equal(f.x25519?.length, 64);
      for (const v of [f.random, f.sid, f.x25519]) {
        assert.ok(!seen.has(v), 'a random value seen twice');
        seen.add(v);
      }
      // nothing repeats inside the pool either: no 8-byte run of the random reappears in the session id
      for (let k = 0; k + 16 <= 64; k += 16) assert.ok(!f.sid.includes(f.random.slice(k, k + 16)));
    }
  } finally {
    globalThis.crypto.getRandomValues = real;
    await catcher.close();
  }
});
