// Issue 14: the wiping claim, checked on the real wasm memory. A Node tls server logs the
// connection's secrets (its 'keylog' event: the same secrets wasmtls derives); the client writes
// and reads known plaintext. While the connection is open the scan must find the application
// traffic secrets in wasm memory (the scan works); after it closed, the memory holds none of the
// secrets, none of the traffic keys derived from them, and none of the plaintext.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { connect } from '../../js/index.node.js';
import { loadWasmNode } from './helpers/wasm.mjs';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer } from './helpers/servers.mjs';

let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

/** Every offset of `needle` in `hay`. */
function find(hay, needle) {
  const hits = [];
  for (let i = hay.indexOf(needle[0]); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(needle[0], i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) hits.push(i);
  }
  return hits;
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context. */
function expandLabel(hash, secret, label, length) {
  const full = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  const out = [];
  let t = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    t = crypto.createHmac(hash, secret).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}

/** GHASH key H = AES_K(0^128). */
function ghashKey(key) {
  const c = crypto.createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()]);
}

async function run({ maxVersion, cipher }) {
  const keylog = [];
  const srv = await startNodeTlsServer({
    cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem,
    options: { minVersion: 'TLSv1.2', maxVersion, ...(cipher ? { ciphers: cipher } : {}) },
  });
  servers.push(srv);
  srv.server.on('keylog', (line) => keylog.push(line.toString().trim()));
  const wasm = await loadWasmNode();
  const memory = () => new Uint8Array(wasm.exports.memory.buffer);

  const plainOut = Buffer.from(`CLIENT-PLAINTEXT-${crypto.randomBytes(24).toString('hex')}`);
  const s = connect({ hostname: '127.0.0.1', port: srv.port }, { serverName: 'localhost', ca: pki.rootPem, maxVersion });
  const info = await s.opened;
  const writer = s.writable.getWriter();
  await writer.write(plainOut);
  const reader = s.readable.getReader();
  let echoed = Buffer.alloc(0);
  while (echoed.length < plainOut.length) echoed = Buffer.concat([echoed, (await reader.read()).value]);
  assert.deepEqual(echoed, plainOut);

  const secrets = keylog.map((l) => l.split(' ')).map(([label, , hex]) => ({ label, bytes: Buffer.from(hex, 'hex') }));
  assert.ok(secrets.length >= 1, 'the server logged secrets');
  const hash = info.cipher.endsWith('SHA384') ? 'sha384' : 'sha256';
  const keyLen = /AES_128|AES128/.test(info.cipher) ? 16 : 32;
  const aes = /AES/.test(info.cipher);
  const derived = info.version === 'TLSv1.3'
    ? secrets.filter((x) => x.label.endsWith('TRAFFIC_SECRET_0')).flatMap((x) => {
      const key = expandLabel(hash, x.bytes, 'key', keyLen);
      const out = [
        { label: `${x.label} key`, bytes: key },
        { label: `${x.label} iv`, bytes: expandLabel(hash, x.bytes, 'iv', 12) },
      ];
      if (aes) {
        // the AES-GCM key as the SIMD build stores it (wt_aesgcm_key): round key 0 (the key's
        // first 16 bytes, the whole AES-256 key is not contiguous there) and the GHASH key H = E_K(0^128)
        out.push({ label: `${x.label} key[0..16]`, bytes: key.subarray(0, 16) });
        out.push({ label: `${x.label} H`, bytes: ghashKey(key) });
      }
      return out;
    })
    : [];
  // the scan works: while open, the engine keeps the secret it needs for what comes next
  const liveLabel = info.version === 'TLSv1.3' ? 'CLIENT_TRAFFIC_SECRET_0' : null;
  if (liveLabel) {
    const live = secrets.find((x) => x.label === liveLabel);
    assert.ok(find(memory(), live.bytes).length > 0, `${liveLabel} is in wasm memory while the connection is open`);
    if (aes && wasm.exports.wt_build_simd()) {
      // ... and so is the expanded AES-GCM key of the record layer (wt_aesgcm in the SIMD build)
      const h = derived.find((x) => x.label === `${liveLabel} H`);
      assert.ok(find(memory(), h.bytes).length > 0, `${h.label} is in wasm memory while the connection is open`);
    }
  }

  await writer.close().catch(() => {});
  await s.close();
  await s.closed.catch(() => {});
  const mem = memory();
  const left = [...secrets, ...derived].filter((x) => find(mem, x.bytes).length > 0).map((x) => x.label);
  assert.deepEqual(left, [], `secrets still in wasm memory after close: ${left.join(', ')}`);
  assert.deepEqual(find(mem, plainOut), [], 'plaintext still in wasm memory after close');
  return { version: info.version, cipher: info.cipher, secrets: secrets.length + derived.length, memoryMiB: mem.length / 1048576 };
}

describe('wiping, checked in wasm memory', { timeout: 60_000 }, () => {
  it('TLS 1.3: no traffic secret, traffic key or plaintext is left after close', async (t) => {
    for (const cipher of [undefined, 'TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256']) {
      const r = await run({ maxVersion: 'TLSv1.3', cipher });
      t.diagnostic(`${r.version} ${r.cipher}: ${r.secrets} secrets/keys checked in ${r.memoryMiB} MiB`);
    }
  });

  it('TLS 1.2: the master secret and the plaintext are gone after close', async (t) => {
    const r = await run({ maxVersion: 'TLSv1.2' });
    assert.equal(r.version, 'TLSv1.2');
    t.diagnostic(`${r.version} ${r.cipher}: ${r.secrets} secrets checked in ${r.memoryMiB} MiB`);
  });
});
