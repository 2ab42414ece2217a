// The two wasm builds — js/dist/wasmtls.wasm (plain) and js/dist/wasmtls-simd.wasm (-msimd128,
// ChaCha20 on BearSSL's SSE2 code) — each through real handshakes and 1 MiB echoed both ways per
// AEAD against Node's tls server (OpenSSL), and which one each loader picks.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createConnect } from '../../js/core/api.js';
import { nodeTcpTransport } from '../../js/transports/node-tcp.js';
import { instantiateFresh, hasWasmSimd } from '../../js/core/wasm.js';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer, withTimeout } from './helpers/servers.mjs';
import { readToEnd, patternBytes, sha256 } from './helpers/streams.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILDS = { plain: `${ROOT}js/dist/wasmtls.wasm`, simd: `${ROOT}js/dist/wasmtls-simd.wasm` };
const CASES = [
  { version: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' },
  { version: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' },
  { version: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' },
  { version: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' },
  { version: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
];

let pki;
const servers = {};
before(async () => {
  pki = getPki();
  for (const c of CASES) {
    servers[c.ciphers] = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem,
      options: { minVersion: c.version, maxVersion: c.version, ciphers: c.ciphers } });
  }
});
after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

test('this Node validates wasm SIMD, so the SIMD build is the default', () => {
  assert.equal(hasWasmSimd(), true);
});

test('the Node loader picks the SIMD build, WASMTLS_WASM can name the plain one', () => {
  const probe = `import { loadWasmNode } from ${JSON.stringify(`${ROOT}tests/node/helpers/wasm.mjs`)};
    const w = await loadWasmNode(); console.log(w.exports.wt_build_simd());`;
  const run = (wasmFile) => {
    const env = { ...process.env };
    delete env.WASMTLS_WASM;
    if (wasmFile) env.WASMTLS_WASM = wasmFile;
    return execFileSync(process.execPath, ['--input-type=module', '-e', probe], { env, encoding: 'utf8' }).trim();
  };
  assert.equal(run(), '1');
  assert.equal(run(BUILDS.plain), '0');
  assert.equal(run(BUILDS.simd), '1');
});

for (const [name, file] of Object.entries(BUILDS)) {
  test(`${name} build: every AEAD, TLS 1.3 and 1.2, 1 MiB echoed and checksummed`, { timeout: 120_000 }, async (t) => {
    assert.ok(fs.existsSync(file), `${file} missing: npm run build`);
    const wasm = await instantiateFresh(fs.readFileSync(file));
    assert.equal(wasm.exports.wt_build_simd(), name === 'simd' ? 1 : 0);
    const connect = createConnect({ loadWasm: async () => wasm, transports: { tcp: nodeTcpTransport } });
    for (const c of CASES) {
      await t.test(`${c.version} ${c.ciphers}`, async () => {
        const s = connect({ hostname: '127.0.0.1', port: servers[c.ciphers].port },
          { serverName: 'localhost', ca: pki.rootPem, minVersion: c.version, maxVersion: c.version, timeoutMs: 8000 });
        const info = await withTimeout(s.opened, 8000, 'opened');
        assert.equal(info.version, c.version);
        const aead = /CHACHA/.test(c.ciphers) ? /CHACHA20_POLY1305/ : /AES_?128/.test(c.ciphers) ? /AES_128_GCM/ : /AES_256_GCM/;
        assert.match(info.cipher, aead);
        const total = 1 << 20;
        const data = patternBytes(total, 4242);
        const reader = s.readable.getReader();
        const writer = s.writable.getWriter();
        const reading = readToEnd(reader, { timeoutMs: 30_000, limit: total });
        for (let off = 0; off < total; off += 50_000) await writer.write(data.subarray(off, Math.min(total, off + 50_000)));
        const got = await reading;
        assert.equal(got.bytes, total);
        assert.equal(got.sha256, sha256(data));
        writer.releaseLock();
        reader.releaseLock();
        await withTimeout(s.close(), 5000, 'close');
      });
    }
  });
}

test('an idle connection holds at most 40 KiB of wasm heap; a burst of writes borrows 17 KiB and gives it back', { timeout: 60_000 }, async () => {
  const wasm = await instantiateFresh(fs.readFileSync(BUILDS.simd));
  const x = wasm.exports;
  const connect = createConnect({ loadWasm: async () => wasm, transports: { tcp: nodeTcpTransport } });
  const used = () => x.wt_heap_in_use() >>> 0;
  const settle = () => new Promise((r) => setTimeout(r, 20));
  const open = () => connect({ hostname: '127.0.0.1', port: servers.TLS_CHACHA20_POLY1305_SHA256.port },
    { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 8000 });
  const warm = open(); // the allocator's first region bookkeeping is not the connection's
  await withTimeout(warm.opened, 8000, 'opened');
  await warm.close();
  await settle();
  const base = used();
  const s = open();
  await withTimeout(s.opened, 8000, 'opened');
  await settle();
  const idle = used() - base;
  const reader = s.readable.getReader();
  const writer = s.writable.getWriter();
  const data = patternBytes(256 * 1024, 7);
  const reading = readToEnd(reader, { timeoutMs: 20_000, limit: data.length });
  await writer.write(data);
  const busy = used() - base;
  const got = await reading;
  assert.equal(got.sha256, sha256(data));
  await settle();
  const after = used() - base;
  console.log(`wasm heap per connection: idle ${(idle / 1024).toFixed(1)} KiB, while writing ${(busy / 1024).toFixed(1)} KiB, idle again ${(after / 1024).toFixed(1)} KiB`);
  assert.ok(idle <= 40 * 1024, `idle connection uses ${idle} B`);
  assert.ok(busy >= idle + 16 * 1024, `the large output area while writing (${busy} B)`);
  assert.ok(after <= idle + 64, `back to idle size (${after} B, was ${idle} B; emmalloc's block headers may differ by a few bytes)`);
  writer.releaseLock();
  reader.releaseLock();
  await withTimeout(s.close(), 5000, 'close');
  await withTimeout(s.closed, 5000, 'closed');
  await settle();
  assert.equal(used(), base, 'everything is freed at close');
});
