// The asynchronous signature path (issue 18 item 1, phase 2): the engine waits (IO.VERIFY) with a
// batch of requests, WebCrypto (js/core/webcrypto-verify.js) verifies them in parallel, the verdicts
// go back into the engine's cache (bound to each request's digest) and the message is re-run.
// Here in Node with the WebCrypto verifier forced (WASMTLS_NATIVE_VERIFY=webcrypto; the browser and
// workerd entries install it by default):
//   - Wycheproof ECDSA / RSA PKCS#1 / RSA-PSS: the verdict through the async seam
//     (wt_sig_verify_probe_async: WAIT, batch, WebCrypto, verdict, re-ask) equals BearSSL's;
//   - handshakes against openssl s_server: TLS 1.3 P-256 / P-384 / RSA-2048 and TLS 1.2, every
//     signature verified by WebCrypto (none with nativeVerify: false); a corrupted CertificateVerify
//     or ServerKeyExchange fails BAD_SIGNATURE with WebCrypto having said "invalid"; a verifier that
//     throws or rejects leaves BearSSL to decide; closing while verdicts are pending neither hangs
//     nor throws when they arrive;
//   - the x509-path fixtures (backtracking, rollover, twin anchors, the budget): the path search in
//     rounds gives the same verdict, path, log and count as BearSSL alone.
process.env.WASMTLS_NATIVE_VERIFY = 'webcrypto';

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { p256Request } from './helpers/sig-requests.mjs';

const { connect, WasmTlsError } = await import('../../js/index.node.js');
const { instantiateFresh, getAsyncSigVerifier, setAsyncSigVerifier, getSigVerifier } = await import('../../js/core/wasm.js');
const { webCryptoSigVerifier } = await import('../../js/core/webcrypto-verify.js');
const { verifyChain } = await import('../../js/x509/verify.js');
const { loadWasmNode } = await import('./helpers/wasm.mjs');
const { getPki } = await import('./helpers/pki.mjs');
const { startSServer, withTimeout } = await import('./helpers/servers.mjs');
const { handshakeInfo, handshakeError } = await import('./helpers/sig-handshake.mjs');
const { startMutatingProxy, record } = await import('./helpers/hostile-server.mjs');

const root = new URL('../..', import.meta.url);
const VECTORS = new URL('tests/vectors/wycheproof/', root);
const WAIT = -1000;            // WT_SIG_WAIT
const BAD_SIGNATURE = 15;
const EC = 2;
const RSA = 1;
const CURVE = { secp256r1: 23, secp384r1: 24, secp521r1: 25 };
const HASH_BYTE = { 'SHA-1': 2, 'SHA-224': 3, 'SHA-256': 4, 'SHA-384': 5, 'SHA-512': 6 };
const MODE = { tls13: 0, tls12: 1, cert: 2 };
const SIG_REQ_FIELDS = 9;

const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
const strip = (b) => { let i = 0; while (i < b.length - 1 && b[i] === 0) i++; return b.subarray(i); };
const concat = (...parts) => { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; };

function* requests(file) {
  const d = JSON.parse(readFileSync(new URL(file, VECTORS), 'utf8'));
  for (const g of d.testGroups) {
    let scheme, keyType, key, aux, modes;
    if (d.schema.startsWith('ecdsa_verify')) {
      keyType = EC;
      aux = CURVE[g.publicKey.curve];
      key = hex(g.publicKey.uncompressed);
      scheme = HASH_BYTE[g.sha] << 8 | 3;
      modes = ['tls13', 'cert'];
    } else {
      keyType = RSA;
      const n = strip(hex(g.publicKey?.modulus ?? g.n));
      const e = strip(hex(g.publicKey?.publicExponent ?? g.e));
      key = concat(n, e);
      aux = e.length;
      if (d.schema.startsWith('rsassa_pss')) {
        scheme = 0x0800 + HASH_BYTE[g.sha];
        if (g.mgfSha !== g.sha) continue;
        modes = ['tls13'];
      } else {
        scheme = HASH_BYTE[g.sha] << 8 | 1;
        modes = ['tls12', 'cert'];
      }
    }
    for (const t of g.tests) {
      yield { name: `${file} #${t.tcId}`, scheme, modes, keyType, key, aux, msg: hex(t.msg), sig: hex(t.sig), flags: t.flags };
    }
  }
}

const FILES = ['ecdsa_secp256r1_sha256_test.json', 'ecdsa_secp384r1_sha384_test.json', 'ecdsa_secp521r1_sha512_test.json',
  'rsa_signature_2048_sha256_test.json', 'rsa_pss_2048_sha256_mgf1_32_test.json', 'rsa_pss_2048_sha384_mgf1_48_test.json',
  'rsa_pss_4096_sha512_mgf1_64_test.json'];

/** The batch the conn waits on, copied out of wasm memory (as js/core/engine.js sigBatch does). */
function batchOf(wasm, conn) {
  const x = wasm.exports;
  const n = x.wt_conn_sig_batch_len(conn) >>> 0;
  const tab = new Uint32Array(x.memory.buffer, x.wt_conn_sig_batch(conn) >>> 0, n * SIG_REQ_FIELDS);
  const copy = (p, l) => new Uint8Array(x.memory.buffer, p, l).slice();
  return Array.from({ length: n }, (_, i) => {
    const t = tab.subarray(i * SIG_REQ_FIELDS);
    return { scheme: t[0], keyType: t[1], key: copy(t[2], t[3]), aux: t[4], msg: copy(t[5], t[6]), sig: copy(t[7], t[8]) };
  });
}

const webcrypto = webCryptoSigVerifier(globalThis.crypto.subtle);

for (const [label, file] of [['plain', 'build/wasm/wasmtls-seams.wasm'], ['SIMD', 'build/wasm-simd/wasmtls-simd-seams.wasm']]) {
  describe(`WebCrypto (async) vs BearSSL verdicts (${label} build)`, () => {
    let wasm, conn;
    before(async () => {
      assert.ok(existsSync(new URL(file, root)), `missing ${file}: npm run build`);
      wasm = await instantiateFresh(readFileSync(new URL(file, root)));
      conn = wasm.exports.wt_conn_new();
      wasm.exports.wt_conn_set_async_verify(conn, 1);
    });
    after(() => wasm.exports.wt_conn_free(conn));

    const call = (fn, mode, r) => wasm.withBytes(r.key, (kp, kn) => wasm.withBytes(r.msg, (mp, mn) => wasm.withBytes(r.sig, (sp, sn) =>
      fn(mode, r.scheme, r.keyType, kp, kn, r.aux, mp, mn, sp, sn))));

    for (const f of FILES) {
      it(`${f}: identical verdicts through WAIT → WebCrypto → verdict → re-run`, async () => {
        const x = wasm.exports;
        const answers = { 1: 0, 0: 0, '-1': 0 };
        const mismatches = [];
        let n = 0, waited = 0;
        for (const r of requests(f)) {
          for (const mode of r.modes) {
            const bear = call((m, ...a) => x.wt_sig_verify_probe(MODE[m] << 1, ...a), mode, r);
            let got = call((m, ...a) => x.wt_sig_verify_probe_async(conn, MODE[m], ...a), mode, r);
            if (got === WAIT) {
              waited++;
              const batch = batchOf(wasm, conn);
              assert.equal(batch.length, 1);
              assert.equal(batch[0].scheme, r.scheme);
              const [v] = await webcrypto(batch);
              answers[v]++;
              assert.equal(x.wt_conn_sig_verdict(conn, 0, v), 0);
              assert.notEqual(x.wt_conn_sig_verdict(conn, 0, 1), 0, 'a verdict is given once');
              got = call((m, ...a) => x.wt_sig_verify_probe_async(conn, MODE[m], ...a), mode, r);
            }
            n++;
            if (got !== bear) mismatches.push(`${r.name} [${mode}] ${r.flags}: BearSSL ${bear}, WebCrypto ${got}`);
          }
        }
        assert.deepEqual(mismatches, [], `${mismatches.length} verdicts differ`);
        assert.ok(n > 100 && waited > n / 3, `${n} checks, ${waited} through WebCrypto`);
        assert.ok(answers[1] > 0 && answers[0] > 0, JSON.stringify(answers));
        assert.equal(answers['-1'], 0, `WebCrypto could not answer ${answers['-1']}: ${JSON.stringify(answers)}`);
      });
    }

    it('the re-run takes the verdict for that request only: a different signature waits again', async () => {
      const x = wasm.exports;
      const good = [...requests('ecdsa_secp256r1_sha256_test.json')].find((r) => r.flags.includes('ValidSignature') || r.name.endsWith('#1'));
      const bad = { ...good, sig: good.sig.slice() };
      bad.sig[bad.sig.length - 1] ^= 1;
      const probeA = (r) => call((m, ...a) => x.wt_sig_verify_probe_async(conn, MODE[m], ...a), 'tls13', r);
      assert.equal(probeA(bad), WAIT);
      assert.equal(x.wt_conn_sig_verdict(conn, 0, 1), 0);    // "valid" for the corrupted one
      // asked again with another request (the good signature): the verdict does not answer it
      assert.equal(probeA(good), WAIT);
      assert.equal(batchOf(wasm, conn).length, 1);
      assert.equal(x.wt_conn_sig_verdict(conn, 0, -1), 0);   // cannot: BearSSL
      assert.equal(probeA(good), 0);
      // "cannot" never becomes valid
      assert.equal(probeA(bad), WAIT);
      assert.equal(x.wt_conn_sig_verdict(conn, 0, 7), 0);
      assert.equal(probeA(bad), BAD_SIGNATURE);
    });
  });
}

it('the WebCrypto verifier: unsupported algorithms and rejections are "cannot", never valid', async () => {
  const v = webCryptoSigVerifier(globalThis.crypto.subtle);
  const { point, msg, sig } = p256Request('hello');
  const flipped = sig.slice(); flipped[63] ^= 1;
  const req = { scheme: 0x0403, keyType: EC, key: point, aux: 23, msg, sig };
  assert.deepEqual(await v([req, { ...req, sig: flipped }]), [1, 0]);
  assert.deepEqual(await v([{ ...req, scheme: 0x0303 }]), [-1], 'SHA-224: WebCrypto has none');
  assert.deepEqual(await v([{ ...req, aux: 99 }]), [-1], 'unknown curve');
  assert.deepEqual(await v([{ ...req, key: point.slice(0, 33) }]), [-1], 'not an uncompressed point');
  const throwing = webCryptoSigVerifier({ importKey: () => { throw new Error('boom'); }, verify: () => true });
  assert.deepEqual(await throwing([req]), [-1]);
  const rejecting = webCryptoSigVerifier({ importKey: async () => ({}), verify: async () => { throw new Error('no'); } });
  assert.deepEqual(await rejecting([req]), [-1]);
  const truthy = webCryptoSigVerifier({ importKey: async () => ({}), verify: async () => 1 });
  assert.deepEqual(await truthy([req]), [-1], 'only `true` is valid');
  assert.equal(webCryptoSigVerifier(undefined), null);
});

it('the WebCrypto verifier remembers verdicts: the same request again skips WebCrypto, nothing else does', async () => {
  // crypto.subtle itself, its verify calls counted (every verdict below is WebCrypto's own)
  let verifies = 0;
  const subtle = globalThis.crypto.subtle;
  const counted = { importKey: (...a) => subtle.importKey(...a), verify: (...a) => { verifies++; return subtle.verify(...a); } };
  const v = webCryptoSigVerifier(counted);
  const { point, msg, sig } = p256Request('a certificate to be signed');
  const otherPoint = p256Request('another key').point;
  const req = { scheme: 0x0403, keyType: EC, key: point, aux: 23, msg, sig };
  const flipped = sig.slice(); flipped[10] ^= 1;
  assert.deepEqual(await v([req, { ...req, sig: flipped }]), [1, 0]);
  assert.equal(verifies, 2);
  // the same requests (fresh copies, as each batch brings): remembered, WebCrypto not asked
  const copy = (r) => ({ ...r, key: r.key.slice(), msg: r.msg.slice(), sig: r.sig.slice() });
  assert.deepEqual(await v([copy(req), copy({ ...req, sig: flipped })]), [1, 0]);
  assert.equal(verifies, 2);
  // equal signature, anything else different: asked, and WebCrypto's answer is "invalid" each time
  const msg2 = msg.slice(); msg2[0] ^= 1;
  assert.deepEqual(await v([{ ...req, msg: msg2 }]), [0], 'another message');
  assert.deepEqual(await v([{ ...req, key: otherPoint }]), [0], 'another key');
  assert.deepEqual(await v([{ ...req, scheme: 0x0503 }]), [0], 'another hash');
  assert.equal(verifies, 5);
  // "cannot" is never remembered
  let fail = true;
  const flaky = webCryptoSigVerifier({ importKey: (...a) => subtle.importKey(...a),
    verify: (...a) => (fail ? Promise.reject(new Error('busy')) : subtle.verify(...a)) });
  assert.deepEqual(await flaky([copy(req)]), [-1]);
  fail = false;
  assert.deepEqual(await flaky([copy(req)]), [1]);
});

// ------------------------------------------------------------------ handshakes

let pki;
let dir;
let baseVerifier;
/** the batches of the current case: [[scheme, verdict], ...] per round */
let rounds = [];
const servers = [];

before(async () => {
  pki = getPki();
  dir = mkdtempSync(path.join(tmpdir(), 'wasmtls-wcverify-'));
  await loadWasmNode();
  assert.equal(getSigVerifier(), null, 'WASMTLS_NATIVE_VERIFY=webcrypto: no synchronous verifier');
  baseVerifier = getAsyncSigVerifier();
  assert.equal(typeof baseVerifier, 'function', 'index.node.js installed the WebCrypto verifier');
  setAsyncSigVerifier(async (batch) => {
    const v = await baseVerifier(batch);
    rounds.push(batch.map((r, i) => [r.scheme, v[i]]));
    return v;
  });
});
after(async () => {
  setAsyncSigVerifier(baseVerifier);
  await Promise.all(servers.map((s) => s.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function server(leaf, args = []) {
  const s = await startSServer({ leaf, args });
  servers.push(s);
  return s;
}

async function handshake(port, extra = {}) {
  rounds = [];
  const info = await handshakeInfo(port, pki.rootPem, extra);
  return { info, rounds: rounds.slice() };
}

async function handshakeFails(port, extra = {}) {
  rounds = [];
  const err = await handshakeError(port, pki.rootPem, extra);
  return { err, rounds: rounds.slice() };
}

const show = (rs) => JSON.stringify(rs.map((b) => b.map(([s, v]) => `0x${s.toString(16)}=${v}`)));

describe('handshakes with the WebCrypto verifier (openssl s_server, loopback)', { timeout: 120_000 }, () => {
  for (const [kind, cvScheme] of [['p256', 0x0403], ['p384', 0x0503], ['rsa2048', 0x0804]]) {
    it(`TLS 1.3 ${kind}: one round: the chain and the prefetched CertificateVerify in one batch; off: none`, async () => {
      const s = await server(pki.leaves[kind]);
      const on = await handshake(s.port);
      assert.equal(on.info.version, 'TLSv1.3');
      // one batch: both chain edges (collected in one run of the path search) and the CertificateVerify
      // (OpenSSL sends it in its own record: read while the Certificate waits, its request prefetched);
      // before: two rounds, [[edge, edge], [CertificateVerify]]
      assert.deepEqual(on.rounds, [[[0x0403, 1], [0x0403, 1], [cvScheme, 1]]], show(on.rounds));
      const off = await handshake(s.port, { nativeVerify: false });
      assert.equal(off.info.version, 'TLSv1.3');
      assert.deepEqual(off.rounds, [], 'nativeVerify: false: BearSSL alone');
    });
  }

  for (const kind of ['p256', 'rsa2048']) {
    it(`TLS 1.2 ${kind}: one round: the chain and the prefetched ServerKeyExchange`, async () => {
      const s = await server(pki.leaves[kind], ['-tls1_2']);
      const on = await handshake(s.port, { maxVersion: 'TLSv1.2' });
      assert.equal(on.info.version, 'TLSv1.2');
      assert.equal(on.rounds.length, 1, show(on.rounds));
      assert.deepEqual(on.rounds[0].slice(0, 2), [[0x0403, 1], [0x0403, 1]], show(on.rounds));
      assert.equal(on.rounds[0].length, 3);
      assert.equal(on.rounds[0][2][1], 1);
    });
  }

  it('a verifier that throws, rejects or answers garbage: BearSSL decides (connects)', async () => {
    const s = await server(pki.leaves.p256);
    const installed = getAsyncSigVerifier();
    try {
      for (const fn of [() => { throw new Error('boom'); }, async () => { throw new Error('no'); }, async () => 'yes', async (b) => b.map(() => 2)]) {
        setAsyncSigVerifier(fn);
        const r = await handshake(s.port);
        assert.equal(r.info.version, 'TLSv1.3');
      }
    } finally {
      setAsyncSigVerifier(installed);
    }
  });

  it('close while verdicts are pending: closed settles, the late verdicts are ignored', async () => {
    const s = await server(pki.leaves.p256);
    const installed = getAsyncSigVerifier();
    let release;
    let asked = 0;
    setAsyncSigVerifier((batch) => { asked++; return new Promise((resolve) => { release = () => resolve(batch.map(() => 1)); }); });
    try {
      const sock = connect({ hostname: '127.0.0.1', port: s.port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 8000 });
      sock.opened.catch(() => {});
      for (let i = 0; i < 200 && !asked; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(asked, 1, 'the engine waits on a batch');
      await withTimeout(sock.close().catch(() => {}), 5000, 'close while waiting');
      const err = await sock.opened.then(() => null, (e) => e);
      assert.ok(err instanceof WasmTlsError, `opened rejects: ${err}`);
      release();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(asked, 1, 'nothing more was asked after close');
    } finally {
      setAsyncSigVerifier(installed);
    }
  });

  it('TLS 1.2: a corrupted ServerKeyExchange signature → BAD_SIGNATURE, WebCrypto said invalid', async () => {
    const s = await server(pki.leaves.p256, ['-tls1_2']);
    let flipped = 0;
    const p = await startMutatingProxy(s.port, (rec) => {
      if (rec.type !== 22 || flipped) return null;
      for (let off = 0; off + 4 <= rec.body.length;) {
        const type = rec.body[off];
        const len = rec.body.readUIntBE(off + 1, 3);
        if (type === 12 && off + 4 + len <= rec.body.length) {
          rec.body[off + 4 + len - 1] ^= 0x01;
          flipped++;
          return record(22, rec.body);
        }
        off += 4 + len;
      }
      return null;
    });
    servers.push(p);
    const { err, rounds: got } = await handshakeFails(p.port, { maxVersion: 'TLSv1.2' });
    assert.equal(flipped, 1);
    assert.equal(err.code, 'BAD_SIGNATURE', err.message);
    assert.match(err.message, /ServerKeyExchange signature is invalid/);
    // one round: the prefetched ServerKeyExchange request, refused by WebCrypto, is the one the handler finds
    assert.deepEqual(got, [[[0x0403, 1], [0x0403, 1], [0x0403, 0]]], show(got));
  });

  for (const [kind, scheme] of [['p256', 0x0403], ['rsa2048', 0x0804]]) {
    for (const flip of [false, true]) {
      it(`TLS 1.3 ${kind}: ${flip ? 'a corrupted CertificateVerify → BAD_SIGNATURE' : 'control: re-encrypted unchanged → connects'}`, async () => {
        const keylog = path.join(dir, `keylog-${kind}-${flip}.txt`);
        const s = await server(pki.leaves[kind], ['-keylogfile', keylog, '-ciphersuites', 'TLS_AES_128_GCM_SHA256']);
        let seq = 0, seen = 0, done = false, keys = null;
        const p = await startMutatingProxy(s.port, (rec) => {
          if (rec.index === 0) { seq = 0; done = false; keys = null; }
          if (rec.type !== 23 || done) return null;
          keys ??= handshakeKeys(readFileSync(keylog, 'utf8'));
          const nonce = Buffer.from(keys.iv);
          nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
          seq++;
          const header = Buffer.from([23, 3, 3, rec.body.length >> 8, rec.body.length & 0xff]);
          const d = crypto.createDecipheriv('aes-128-gcm', keys.key, nonce);
          d.setAAD(header);
          d.setAuthTag(rec.body.subarray(-16));
          const inner = Buffer.concat([d.update(rec.body.subarray(0, -16)), d.final()]);
          let end = inner.length - 1;
          while (inner[end] === 0) end--;
          if (inner[end] !== 22) return null;
          let found = false;
          for (let off = 0; off + 4 <= end;) {
            const type = inner[off];
            const len = inner.readUIntBE(off + 1, 3);
            if (type === 15 && off + 4 + len <= end) {
              if (flip) inner[off + 4 + len - 1] ^= 0x01;
              found = true;
            }
            off += 4 + len;
          }
          if (!found) return null;
          seen++;
          done = true;
          const c = crypto.createCipheriv('aes-128-gcm', keys.key, nonce);
          c.setAAD(header);
          return Buffer.concat([header, c.update(inner), c.final(), c.getAuthTag()]);
        });
        servers.push(p);
        if (!flip) {
          const ok = await handshake(p.port);
          assert.equal(seen, 1);
          assert.equal(ok.info.version, 'TLSv1.3');
          return;
        }
        const { err, rounds: got } = await handshakeFails(p.port);
        assert.equal(seen, 1, 'the proxy found the CertificateVerify');
        assert.equal(err.code, 'BAD_SIGNATURE', err.message);
        assert.match(err.message, /CertificateVerify signature is invalid/);
        // one round: WebCrypto refused the prefetched CertificateVerify request, the handler's own
        assert.deepEqual(got, [[[0x0403, 1], [0x0403, 1], [scheme, 0]]], `WebCrypto refused it: ${show(got)}`);
      });
    }
  }
});

function handshakeKeys(log) {
  const line = log.split('\n').filter((l) => l.startsWith('SERVER_HANDSHAKE_TRAFFIC_SECRET ')).at(-1);
  assert.ok(line, `no SERVER_HANDSHAKE_TRAFFIC_SECRET in the key log:\n${log}`);
  const secret = Buffer.from(line.split(' ')[2], 'hex');
  return { key: expandLabel(secret, 'key', 16), iv: expandLabel(secret, 'iv', 12) };
}

function expandLabel(secret, label, length) {
  const full = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  return crypto.createHmac('sha256', secret).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
}

// ------------------------------------------------------------------ path search in rounds

describe('path search through the async path (tests/fixtures/x509-path)', () => {
  const FIX = new URL('../fixtures/x509-path/', import.meta.url);
  const der = (name) => new Uint8Array(readFileSync(new URL(`${name}.der`, FIX)));
  const T2030 = 1893456000;
  const cases = [
    ['leaf-dup', ['dup-a', 'dup-b'], ['root']],
    ['leaf-dup', ['dup-a'], ['root']],
    ['leaf-roll', ['roll-inter', 'roll-new'], ['roll-old']],
    ['leaf-roll', ['roll-inter'], ['roll-old']],
    ['leaf', ['inter'], ['root-twin', 'root']],
    ['leaf-loop', ['loop-1', 'loop-2', 'loop-3', 'loop-4', 'loop-5', 'loop-6', 'loop-7', 'loop-8'], ['root']],
    ['leaf-r1024', ['inter-r1024'], ['root-rsa1024']],
  ];

  /** verifyChain's reading of wt_verify_chain_to, with the conn in async mode: rounds until no WAIT. */
  async function verifyAsync(wasm, req) {
    const x = wasm.exports;
    const conn = x.wt_conn_new();
    try {
      for (const c of req.ca) assert.ok(wasm.withBytes(c, (p, n) => x.wt_conn_add_ca(conn, p, n)) > 0);
      x.wt_conn_set_async_verify(conn, 1);
      const blob = concat(...req.chain.map((d) => concat(Uint8Array.of(d.length >> 16, (d.length >> 8) & 0xff, d.length & 0xff), d)));
      const OUT = 8192;
      let batches = 0, requestsN = 0;
      for (;;) {
        const r = wasm.withBytes(blob, (cp, cn) => wasm.withBytes('', (hp, hn) => wasm.withBytes(new Uint8Array(OUT), (op) => {
          const err = x.wt_verify_chain_to(conn, cp, cn, hp, hn, req.nowSeconds, 0, op, OUT);
          const view = new DataView(x.memory.buffer, op >>> 0, OUT);
          const len = view.getUint32(0, true);
          const full = Array.from({ length: len }, (_, i) => view.getInt32(4 + 4 * i, true));
          const head = 4 + 4 * 11 + 8;
          const detail = wasm.cstring((op >>> 0) + head);
          const log = wasm.cstring((op >>> 0) + head + new TextEncoder().encode(detail).length + 1);
          return { err, full, sigChecks: view.getUint32(4 + 4 * 11, true), detail, log };
        })));
        if (r.err !== WAIT) {
          const path = r.full.filter((i) => i >= 0);
          const last = r.full[r.full.length - 1];
          const anchor = last !== undefined && last < 0 ? -last - 1 : -1;
          const tried = r.log.split('\n').filter(Boolean);
          const code = r.err ? wasm.cstring(x.wt_error_name(r.err)) : undefined;
          const detail = r.err ? (r.detail || wasm.cstring(x.wt_error_text(r.err))) : undefined;
          return { ok: r.err === 0, code, detail, path, anchor, tried, sigChecks: r.sigChecks, batches, requests: requestsN };
        }
        const batch = batchOf(wasm, conn);
        assert.ok(batch.length > 0);
        batches++;
        requestsN += batch.length;
        const verdicts = await webcrypto(batch);
        verdicts.forEach((v, i) => assert.equal(x.wt_conn_sig_verdict(conn, i, v), 0));
        assert.ok(batches <= 16, 'rounds are bounded');
      }
    } finally {
      x.wt_conn_free(conn);
    }
  }

  for (const [leaf, chain, ca] of cases) {
    it(`${leaf} via ${chain.join(',')} to ${ca.join(',')}: same verdict, path, log and count as BearSSL`, async () => {
      const wasm = await loadWasmNode();
      const req = { chain: [leaf, ...chain].map(der), ca: ca.map(der), nowSeconds: T2030 };
      const a = await verifyAsync(wasm, req);
      const b = verifyChain(wasm, req);
      const view = (r) => ({ ok: r.ok, code: r.code ?? r.error?.code, detail: r.detail ?? r.error?.message, path: r.path, anchor: r.anchor, tried: r.tried, sigChecks: r.sigChecks });
      assert.deepEqual(view(a), view(b));
      assert.ok(a.batches >= 1 && a.requests >= 1, 'the edges went through WebCrypto');
      if (leaf === 'leaf-dup' && chain.length === 2) assert.ok(a.ok && a.tried.length >= 1, 'found after a failed candidate');
      if (leaf === 'leaf-loop') assert.equal(a.code, 'VERIFY_BUDGET');
    });
  }
});
