// Record protection on the runtime's AEAD (js/core/native-cipher.js; issue 18 item 2 (b)): node:crypto
// seals and opens the records, the record layer (framing, sequence numbers, nonces, AAD, padding, the
// key schedule) stays in C. Against real servers on loopback, every case with `nativeCipher` on and off,
// asserting through the counters of native-cipher.js that the native path really ran (or did not):
//   - Node tls servers forcing each TLS 1.3 suite and TLS 1.2 ECDHE-ECDSA AES-128/256-GCM, ChaCha20:
//     4 MiB each way, byte-exact (SHA-256)
//   - KeyUpdate from openssl s_server ('k', 'K'): new keys handed over, old ones freed, data flows
//   - 0-RTT with a resumed session (openssl s_server -early_data): the early key goes native too
//   - a flipped ciphertext / tag bit from the server (mutating proxy): BAD_RECORD_MAC from the native
//     open, no byte of that record reaches the reader
//   - a node:crypto that fails its known-answer test, or throws: wasm protects the records, still works
//   - Bun and Deno: a download through their node:crypto
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { nativeCipherStats, createNodeCipher } from '../../js/core/native-cipher.js';
import { getAeadNative, setAeadNative } from '../../js/core/wasm.js';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer, startSServer, withTimeout } from './helpers/servers.mjs';
import { startMutatingProxy, record } from './helpers/hostile-server.mjs';
import { readUntil, patternBytes, sha256 } from './helpers/streams.mjs';
import { runtimeBinary, runtimeEnv } from './helpers/packed.mjs';

let pki;
before(() => { pki = getPki(); });

const MiB = 1 << 20;
const snap = () => ({ ...nativeCipherStats, kat: { ...nativeCipherStats.kat } });
const delta = (a, b) => Object.fromEntries(['seal', 'open', 'bad', 'init', 'free', 'live'].map((k) => [k, b[k] - a[k]]));

function open(port, opts = {}) {
  return connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 15_000, ...opts });
}

/** Wait until every key handed over since `base` was freed again (the conn is freed after close). */
async function keysFreed(base) {
  const until = Date.now() + 3000;
  while (nativeCipherStats.live !== base.live && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return nativeCipherStats.live === base.live;
}

/** Write `n` pattern bytes and read the echo; returns the sha256 of both sides. */
async function echo(s, n) {
  const data = patternBytes(n, n ^ 0x5eed);
  const w = s.writable.getWriter();
  const r = s.readable.getReader();
  const writing = (async () => { for (let o = 0; o < n; o += 256 * 1024) await w.write(data.subarray(o, o + 256 * 1024)); })();
  const h = nodeCrypto.createHash('sha256');
  let got = 0;
  while (got < n) {
    const { value, done } = await r.read();
    if (done) break;
    h.update(value);
    got += value.length;
  }
  await writing;
  w.releaseLock();
  r.releaseLock();
  return { got, sent: sha256(data), received: h.digest('hex') };
}

const SUITES = [
  ['TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'aes-128-gcm'],
  ['TLSv1.3', 'TLS_AES_256_GCM_SHA384', 'aes-256-gcm'],
  ['TLSv1.3', 'TLS_CHACHA20_POLY1305_SHA256', 'chacha20-poly1305'],
  ['TLSv1.2', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'aes-128-gcm'],
  ['TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'aes-256-gcm'],
  ['TLSv1.2', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'chacha20-poly1305'],
];
const serverOptions = (version, suite) => (version === 'TLSv1.3'
  ? { ciphers: suite }
  : { ciphers: suite, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });

describe('node:crypto record protection: 4 MiB each way, every suite', { timeout: 300_000 }, () => {
  for (const [version, suite, alg] of SUITES) {
    for (const nativeCipher of [true, false]) {
      it(`${version} ${suite}, nativeCipher ${nativeCipher}`, async () => {
        const srv = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, options: serverOptions(version, suite) });
        try {
          const base = snap();
          const s = open(srv.port, { nativeCipher });
          const info = await withTimeout(s.opened, 15_000, 'opened');
          assert.equal(info.version, version);
          assert.match(info.cipher, new RegExp(alg === 'chacha20-poly1305' ? 'CHACHA20' : alg === 'aes-128-gcm' ? 'AES_128_GCM' : 'AES_256_GCM'));
          const r = await withTimeout(echo(s, 4 * MiB), 120_000, 'echo');
          assert.equal(r.got, 4 * MiB);
          assert.equal(r.received, r.sent, 'byte-exact both ways');
          await s.close();
          const d = delta(base, snap());
          if (nativeCipher) {
            assert.equal(nativeCipherStats.kat[alg], true, `${alg} passed its known-answer test`);
            // 4 MiB in 16 KiB records is 256 each way, plus the handshake's
            assert.ok(d.seal >= 256 && d.open >= 256, JSON.stringify(d));
            assert.equal(d.init, version === 'TLSv1.3' ? 4 : 2, `keys handed over: ${JSON.stringify(d)}`);
          } else {
            assert.deepEqual([d.seal, d.open, d.init], [0, 0, 0], 'nativeCipher: false never reaches node:crypto');
          }
          assert.ok(await keysFreed(base), `every key copy freed (live ${nativeCipherStats.live}, was ${base.live})`);
        } finally {
          await srv.stop();
        }
      });
    }
  }
});

describe('KeyUpdate from openssl s_server', { timeout: 120_000 }, () => {
  for (const [cmd, what, newKeys] of [['k', 'update', 1], ['K', 'update and request ours', 2]]) {
    for (const nativeCipher of [true, false]) {
      it(`'${cmd}' (${what}), nativeCipher ${nativeCipher}: data both ways after it${nativeCipher ? '; new keys native, old ones freed' : ''}`, async () => {
        const srv = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', ciphersuites: 'TLS_AES_128_GCM_SHA256' });
        try {
          const base = snap();
          const s = open(srv.port, { nativeCipher });
          const info = await withTimeout(s.opened, 15_000, 'opened');
          const reader = s.readable.getReader();
          const writer = s.writable.getWriter();
          srv.child.stdin.write('one\n');
          await readUntil(reader, (t) => t.includes('one'), { timeoutMs: 5000 });
          const mid = snap();
          srv.child.stdin.write(`${cmd}\n`);
          const until = Date.now() + 5000;
          while (!info.timings.steps.some((x) => x.dir === 'in' && x.name === 'KeyUpdate') && Date.now() < until) {
            await new Promise((r) => setTimeout(r, 20));
          }
          assert.ok(info.timings.steps.some((x) => x.dir === 'in' && x.name === 'KeyUpdate'), 'the KeyUpdate arrived');
          const big = 'x'.repeat(100_000);
          srv.child.stdin.write(`two${big}\n`);
          await readUntil(reader, (t) => t.includes(`two${big}`), { timeoutMs: 10_000 });
          await writer.write(new TextEncoder().encode('from client after update\n'));
          await srv.waitForOutput(/from client after update/);
          assert.match(srv.stdout(), /from client after update/);
          const d = delta(mid, snap());
          if (nativeCipher) {
            assert.equal(d.init, newKeys, `new keys handed over: ${JSON.stringify(d)}`);
            assert.equal(d.free, newKeys, 'the old keys were freed');
            assert.ok(d.open >= 7, `records after the update opened natively: ${JSON.stringify(d)}`);
            assert.ok(d.seal >= 1);
          } else {
            assert.deepEqual([d.seal, d.open, d.init], [0, 0, 0]);
          }
          s.close();
          assert.ok(await keysFreed(base));
        } finally {
          await srv.stop();
        }
      });
    }
  }
});

describe('0-RTT early data (openssl s_server -early_data)', { timeout: 60_000 }, () => {
  for (const nativeCipher of [true, false]) {
    it(`accepted, nativeCipher ${nativeCipher}${nativeCipher ? ': the early key is handed over too' : ''}`, async () => {
      const srv = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', args: ['-early_data'] });
      try {
        const first = open(srv.port, { nativeCipher });
        const sessionEvent = new Promise((resolve) => first.addEventListener('session', (ev) => resolve(ev.session)));
        await withTimeout(first.opened, 15_000, 'opened');
        const session = await withTimeout(sessionEvent, 5000, 'session');
        await first.close();
        const base = snap();
        const s = open(srv.port, { nativeCipher, session, earlyData: 'GET /early-native\n' });
        const info = await withTimeout(s.opened, 15_000, 'opened');
        assert.equal(info.earlyData, 'accepted');
        const w = s.writable.getWriter();
        await w.write(new TextEncoder().encode('after\n'));
        await srv.waitForOutput(/after/);
        assert.equal(srv.stdout().split('GET /early-native').length - 1, 1, 'early data delivered once');
        const d = delta(base, snap());
        // early write key, handshake read + write, application read + write
        if (nativeCipher) assert.equal(d.init, 5, JSON.stringify(d));
        else assert.equal(d.init, 0);
        await s.close();
        assert.ok(await keysFreed(base));
      } finally {
        await srv.stop();
      }
    });
  }
});

describe('a tampered record from the server', { timeout: 120_000 }, () => {
  // the server sends 64 KiB once it reads a line; the proxy flips one bit of the first full-size
  // record (the handshake records are far smaller)
  const sendOnLine = (sock) => { sock.once('data', () => sock.write(patternBytes(64 * 1024, 7))); };
  const cases = [
    ['TLSv1.3', 'TLS_AES_128_GCM_SHA256'], ['TLSv1.3', 'TLS_CHACHA20_POLY1305_SHA256'],
    ['TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384'], ['TLSv1.2', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ];
  for (const [version, suite] of cases) {
    for (const where of ['ciphertext', 'tag']) {
      for (const nativeCipher of [true, false]) {
        it(`${version} ${suite}: a flipped ${where} bit → BAD_RECORD_MAC, nothing of it read (nativeCipher ${nativeCipher})`, async () => {
          const srv = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem,
            options: serverOptions(version, suite), onSecureConnection: sendOnLine });
          let flipped = 0;
          const proxy = await startMutatingProxy(srv.port, (rec) => {
            if (rec.type !== 23 || rec.body.length < 8000 || flipped++) return null;
            rec.body[where === 'tag' ? rec.body.length - 3 : rec.body.length >> 1] ^= 0x04;
            return record(rec.type, rec.body);
          });
          try {
            const base = snap();
            const s = open(proxy.port, { nativeCipher });
            s.closed.catch(() => {});
            await withTimeout(s.opened, 15_000, 'opened');
            const w = s.writable.getWriter();
            await w.write(new TextEncoder().encode('go\n'));
            const r = s.readable.getReader();
            let bytes = 0;
            const err = await withTimeout((async () => {
              try {
                for (;;) {
                  const { value, done } = await r.read();
                  if (done) return null;
                  bytes += value.length;
                }
              } catch (e) {
                return e;
              }
            })(), 10_000, 'read');
            assert.equal(flipped >= 1, true, 'the proxy saw the record');
            assert.ok(err instanceof WasmTlsError, `expected BAD_RECORD_MAC, got ${err}`);
            assert.equal(err.code, 'BAD_RECORD_MAC');
            assert.equal(bytes, 0, 'no plaintext of the tampered record (the first one) reached the reader');
            const d = delta(base, snap());
            if (nativeCipher) assert.equal(d.bad, 1, `node:crypto refused the tag: ${JSON.stringify(d)}`);
            else assert.deepEqual([d.bad, d.open, d.init], [0, 0, 0]);
            assert.ok(await keysFreed(base));
          } finally {
            await proxy.stop();
            await srv.stop();
          }
        });
      }
    }
  }
});

describe('known-answer tests and fallbacks', () => {
  it('the real node:crypto passes every KAT; a handle seals and opens; free zeroes the key copy', () => {
    // node:crypto itself, recording the key Buffers it is given (the cipher's own copies)
    const seen = new Set();
    const c = createNodeCipher({
      createCipheriv: (n, k, ...a) => { seen.add(k); return nodeCrypto.createCipheriv(n, k, ...a); },
      createDecipheriv: (n, k, ...a) => { seen.add(k); return nodeCrypto.createDecipheriv(n, k, ...a); },
    });
    for (const [alg, n] of [[1, 16], [2, 32], [3, 32]]) {
      const key = nodeCrypto.randomBytes(n);
      const h = c.init(alg, key);
      assert.ok(h > 0);
      const nonce = nodeCrypto.randomBytes(12);
      const aad = Uint8Array.of(23, 3, 3, 0, 100);
      const data = patternBytes(100, alg);
      const tag = new Uint8Array(16);
      assert.equal(c.seal(h, nonce, aad, data, tag), 0);
      const name = { 1: 'aes-128-gcm', 2: 'aes-256-gcm', 3: 'chacha20-poly1305' }[alg];
      const ref = nodeCrypto.createDecipheriv(name, key, nonce, { authTagLength: 16 });
      ref.setAAD(aad);
      ref.setAuthTag(tag);
      assert.deepEqual(new Uint8Array(Buffer.concat([ref.update(data), ref.final()])), patternBytes(100, alg));
      const bad = tag.slice();
      bad[0] ^= 0x80;
      const copy = data.slice();
      assert.equal(c.open(h, nonce, aad, copy, bad), 0);
      assert.deepEqual(copy, data, 'a refused record is left as it was (C wipes it)');
      assert.equal(c.open(h, nonce, aad, data, tag), 1);
      assert.deepEqual(data, patternBytes(100, alg));
      const copies = [...seen].filter((k) => k.length === n && Buffer.compare(k, key) === 0);
      assert.equal(copies.length, 1, 'one copy of the key, used for every record');
      assert.notEqual(copies[0].buffer, key.buffer, 'a copy, not the caller\'s bytes (a view into wasm memory)');
      c.free(h);
      assert.ok(copies[0].every((b) => b === 0), 'free zeroed the copy');
      assert.equal(c.seal(h, nonce, aad, data, tag), -1, 'a freed handle cannot seal');
      assert.equal(c.open(h, nonce, aad, data, tag), -1, 'nor open');
    }
    assert.deepEqual(nativeCipherStats.kat, { 'aes-128-gcm': true, 'aes-256-gcm': true, 'chacha20-poly1305': true });
  });

  // a node:crypto whose AES-128-GCM tag is wrong (one bit), or whose cipher throws
  const brokenTag = {
    createDecipheriv: nodeCrypto.createDecipheriv,
    createCipheriv: (...a) => {
      const c = nodeCrypto.createCipheriv(...a);
      const get = c.getAuthTag.bind(c);
      c.getAuthTag = () => { const t = get(); t[5] ^= 1; return t; };
      return c;
    },
  };
  const throwing = {
    createCipheriv: () => { throw new Error('unsupported'); },
    createDecipheriv: () => { throw new Error('unsupported'); },
  };
  for (const [what, stub] of [['a wrong tag', brokenTag], ['a throw', throwing]]) {
    it(`a node:crypto that fails its KAT (${what}): init answers "cannot", the records go through wasm and still work`, async () => {
      assert.equal(createNodeCipher(stub).init(1, new Uint8Array(16)), -1);
      const saved = getAeadNative();
      const srv = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, options: { ciphers: 'TLS_AES_128_GCM_SHA256' } });
      try {
        setAeadNative(createNodeCipher(stub));
        const base = snap();
        const s = open(srv.port);
        const info = await withTimeout(s.opened, 15_000, 'opened');
        assert.equal(info.cipher, 'TLS_AES_128_GCM_SHA256');
        const r = await withTimeout(echo(s, MiB), 60_000, 'echo');
        assert.equal(r.received, r.sent);
        await s.close();
        assert.equal(nativeCipherStats.kat['aes-128-gcm'], false);
        assert.deepEqual(delta(base, snap()), { seal: 0, open: 0, bad: 0, init: 0, free: 0, live: 0 });
      } finally {
        setAeadNative(saved);
        await srv.stop();
        nativeCipherStats.kat['aes-128-gcm'] = true;
      }
    });
  }

  it('no node:crypto: no cipher', () => {
    assert.equal(createNodeCipher(undefined), null);
    assert.equal(createNodeCipher({}), null);
  });

  it('WASMTLS_NATIVE_CIPHER=0: the Node entry installs none', async () => {
    const out = await new Promise((resolve, reject) => execFile(process.execPath, ['--input-type=module', '-e',
      "const w = await import(new URL('../../js/core/wasm.js', process.argv[1]).href); await import(new URL('../../js/index.node.js', process.argv[1]).href); console.log(w.getAeadNative() === null ? 'none' : 'some')",
      import.meta.url], { env: { ...process.env, WASMTLS_NATIVE_CIPHER: '0' } }, (e, o, se) => (e ? reject(new Error(se)) : resolve(o))));
    assert.equal(out.trim(), 'none');
  });

  // the sources, and the prebuilt bundle that `import 'wasmtls'` loads in Node (package.json)
  for (const entry of ['js/index.node.js', 'js/dist/node/index.js']) {
    it(`importing ${entry} does not load node:crypto`, async () => {
      const out = await new Promise((resolve, reject) => execFile(process.execPath, ['--input-type=module', '-e',
        `await import(new URL('../../${entry}', process.argv[1]).href); console.log(process.moduleLoadList.includes('NativeModule crypto') ? 'loaded' : 'lazy')`,
        import.meta.url], (e, o, se) => (e ? reject(new Error(se)) : resolve(o))));
      assert.equal(out.trim(), 'lazy');
    });
  }
});

// Bun and Deno: the same download through their node:crypto (BoringSSL in Bun, Rust crates in Deno)
describe('Bun and Deno', { timeout: 120_000 }, () => {
  let srv;
  before(async () => {
    srv = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem,
      options: { ciphers: 'TLS_AES_256_GCM_SHA384' },
      onSecureConnection: (sock) => sock.once('data', () => sock.end(patternBytes(4 * MiB, 11))) });
  });
  after(async () => { await srv?.stop(); });
  for (const [name, entry, args] of [['bun', 'index.bun.js', []], ['deno', 'index.deno.js', ['run', '--allow-read', '--allow-net', '--allow-env']]]) {
    const rt = runtimeBinary(name);
    it(`${name}: a 4 MiB download with node:crypto record protection`, { skip: rt.bin ? false : rt.reason }, async () => {
      const script = new URL('helpers/native-cipher-runtime.mjs', import.meta.url).pathname;
      const out = await new Promise((resolve, reject) => execFile(rt.bin, [...args, script, entry, String(srv.port), pki.rootPem],
        { env: runtimeEnv(), timeout: 100_000, encoding: 'utf8', maxBuffer: 1 << 20 }, (e, o, se) => (e ? reject(new Error(`${e.message}\n${se}`)) : resolve(o))));
      const r = JSON.parse(out.trim().split('\n').at(-1));
      for (const res of [r.native, r.wasm]) {
        assert.equal(res.bytes, 4 * MiB);
        assert.equal(res.sha256, sha256(patternBytes(4 * MiB, 11)));
      }
      assert.ok(r.native.open >= 256, `${name} opened the records with its node:crypto: ${JSON.stringify(r.native)}`);
      assert.equal(r.wasm.open, 0);
      console.log(`${name} ${rt.version.split('\n')[0]}: 4 MiB AES-256-GCM, native ${r.native.ms} ms, wasm ${r.wasm.ms} ms`);
    });
  }
});
