// Native signature verification in real handshakes (issue 18 item 1), against openssl s_server on
// loopback: with the native path on, node:crypto verifies the CertificateVerify (TLS 1.3 P-256,
// P-384, RSA-2048 PSS), the ServerKeyExchange (TLS 1.2) and each chain edge; `nativeVerify: false`
// leaves BearSSL alone; a chain that needs backtracking gives the same results either way; and a
// corrupted CertificateVerify (TLS 1.3: the proxy decrypts the server's handshake records with the
// server's key log, flips a signature bit and re-encrypts) or ServerKeyExchange signature (TLS 1.2)
// still fails with BAD_SIGNATURE, the native verifier having said "invalid".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { loadWasmNode } from './helpers/wasm.mjs';
import { getSigVerifier, setSigVerifier } from '../../js/core/wasm.js';
import { verifyChain } from '../../js/x509/verify.js';
import { getPki } from './helpers/pki.mjs';
import { startSServer, withTimeout } from './helpers/servers.mjs';
import { handshakeInfo, handshakeError } from './helpers/sig-handshake.mjs';
import { startMutatingProxy, record } from './helpers/hostile-server.mjs';

let pki;
let dir;
let nodeVerifier;
/** every request the native verifier got in the current case: [scheme, answer] */
let asked = [];
const servers = [];

before(async () => {
  pki = getPki();
  dir = mkdtempSync(path.join(tmpdir(), 'wasmtls-nverify-'));
  await loadWasmNode();
  nodeVerifier = getSigVerifier();
  assert.equal(typeof nodeVerifier, 'function', 'index.node.js installs the node:crypto verifier');
  setSigVerifier((scheme, ...rest) => {
    const answer = nodeVerifier(scheme, ...rest);
    asked.push([scheme, answer]);
    return answer;
  });
});
after(async () => {
  setSigVerifier(nodeVerifier);
  await Promise.all(servers.map((s) => s.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function server(leaf, args = []) {
  const s = await startSServer({ leaf, args });
  servers.push(s);
  return s;
}

async function handshake(port, extra = {}) {
  asked = [];
  const info = await handshakeInfo(port, pki.rootPem, extra);
  return { info, asked: asked.slice() };
}

async function handshakeFails(port, extra = {}) {
  asked = [];
  const err = await handshakeError(port, pki.rootPem, extra);
  return { err, asked: asked.slice() };
}

const hexs = (schemes) => schemes.map(([s, a]) => `0x${s.toString(16).padStart(4, '0')}=${a}`).join(' ');

describe('handshakes with the native verifier (openssl s_server, loopback)', { timeout: 120_000 }, () => {
  for (const [kind, cvScheme] of [['p256', 0x0403], ['p384', 0x0503], ['rsa2048', 0x0804]]) {
    it(`TLS 1.3 ${kind}: CertificateVerify and both chain edges verified natively; off: none`, async () => {
      const s = await server(pki.leaves[kind]);
      const on = await handshake(s.port);
      assert.equal(on.info.version, 'TLSv1.3');
      // leaf <- intermediate <- root are ECDSA P-256 SHA-256 signatures; the CertificateVerify is the leaf's scheme
      assert.deepEqual(on.asked.map(([sc]) => sc).sort(), [0x0403, 0x0403, cvScheme].sort(), hexs(on.asked));
      assert.ok(on.asked.every(([, a]) => a === 1), hexs(on.asked));
      const off = await handshake(s.port, { nativeVerify: false });
      assert.equal(off.info.version, 'TLSv1.3');
      assert.deepEqual(off.asked, [], 'nativeVerify: false: BearSSL alone');
    });
  }

  for (const [kind, schemes] of [['p256', [0x0403]], ['rsa2048', [0x0804, 0x0401]]]) {
    it(`TLS 1.2 ${kind}: the ServerKeyExchange signature is verified natively`, async () => {
      const s = await server(pki.leaves[kind], ['-tls1_2']);
      const on = await handshake(s.port, { maxVersion: 'TLSv1.2' });
      assert.equal(on.info.version, 'TLSv1.2');
      assert.equal(on.asked.length, 3, hexs(on.asked));
      assert.ok(on.asked.every(([, a]) => a === 1), hexs(on.asked));
      const ske = on.asked.map(([sc]) => sc).filter((sc) => sc !== 0x0403);
      if (kind === 'p256') assert.deepEqual(on.asked.map(([sc]) => sc), [0x0403, 0x0403, 0x0403]);
      else assert.ok(ske.length === 1 && schemes.includes(ske[0]), hexs(on.asked));
      const off = await handshake(s.port, { maxVersion: 'TLSv1.2', nativeVerify: false });
      assert.equal(off.info.version, 'TLSv1.2');
      assert.deepEqual(off.asked, []);
    });
  }

  it('TLS 1.2: a corrupted ServerKeyExchange signature → BAD_SIGNATURE, the native verifier said invalid', async () => {
    const s = await server(pki.leaves.p256, ['-tls1_2']);
    let flipped = 0;
    const p = await startMutatingProxy(s.port, (rec) => {
      if (rec.type !== 22 || flipped) return null;
      // walk the handshake messages of this record: flip the last byte of the ServerKeyExchange (12)
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
    const { err, asked: got } = await handshakeFails(p.port, { maxVersion: 'TLSv1.2' });
    assert.equal(flipped, 1, 'the proxy found the ServerKeyExchange');
    assert.equal(err.code, 'BAD_SIGNATURE', err.message);
    assert.match(err.message, /ServerKeyExchange signature is invalid/);
    assert.deepEqual(got.at(-1), [0x0403, 0], `the native verifier refused it: ${hexs(got)}`);
  });

  // TLS 1.3 hides the CertificateVerify in records under the server's handshake key: the proxy takes
  // that key from s_server's key log, decrypts, flips one signature bit (or, for the control case,
  // nothing) and encrypts again with the same nonce, so only the signature differs.
  for (const [kind, scheme] of [['p256', 0x0403], ['rsa2048', 0x0804]]) {
    for (const flip of [false, true]) {
      it(`TLS 1.3 ${kind}: ${flip ? 'a corrupted CertificateVerify → BAD_SIGNATURE' : 'control: re-encrypted unchanged → connects'}`, async () => {
        const keylog = path.join(dir, `keylog-${kind}-${flip}.txt`);
        const s = await server(pki.leaves[kind], ['-keylogfile', keylog, '-ciphersuites', 'TLS_AES_128_GCM_SHA256']);
        let seq = 0;
        let seen = 0;         // CertificateVerify messages found (one per connection)
        let done = false;
        let keys = null;
        const p = await startMutatingProxy(s.port, (rec) => {
          if (rec.index === 0) { seq = 0; done = false; keys = null; }   // a new connection through the proxy
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
              if (flip) inner[off + 4 + len - 1] ^= 0x01;   // the signature's last byte
              found = true;
            }
            off += 4 + len;
          }
          if (!found) return null;
          seen++;
          done = true;
          const c = crypto.createCipheriv('aes-128-gcm', keys.key, nonce);
          c.setAAD(header);
          const body = Buffer.concat([c.update(inner), c.final(), c.getAuthTag()]);
          return Buffer.concat([header, body]);
        });
        servers.push(p);
        if (!flip) {
          const ok = await handshake(p.port);
          assert.equal(seen, 1, 'the proxy found the CertificateVerify');
          assert.equal(ok.info.version, 'TLSv1.3');
          return;
        }
        const { err, asked: got } = await handshakeFails(p.port);
        assert.equal(seen, 1, 'the proxy found the CertificateVerify');
        assert.equal(err.code, 'BAD_SIGNATURE', err.message);
        assert.match(err.message, /CertificateVerify signature is invalid/);
        assert.deepEqual(got.at(-1), [scheme, 0], `the native verifier refused it: ${hexs(got)}`);
        // and with BearSSL alone, the same
        const bear = await handshakeFails(p.port, { nativeVerify: false });
        assert.equal(seen, 2);
        assert.equal(bear.err.code, 'BAD_SIGNATURE');
        assert.deepEqual(bear.asked, []);
      });
    }
  }
});

/** TLS_AES_128_GCM_SHA256 server handshake key and IV from the last SERVER_HANDSHAKE_TRAFFIC_SECRET line. */
function handshakeKeys(log) {
  const line = log.split('\n').filter((l) => l.startsWith('SERVER_HANDSHAKE_TRAFFIC_SECRET ')).at(-1);
  assert.ok(line, `no SERVER_HANDSHAKE_TRAFFIC_SECRET in the key log:\n${log}`);
  const secret = Buffer.from(line.split(' ')[2], 'hex');
  return { key: expandLabel(secret, 'key', 16), iv: expandLabel(secret, 'iv', 12) };
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with SHA-256, empty context, length <= 32. */
function expandLabel(secret, label, length) {
  const full = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  return crypto.createHmac('sha256', secret).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
}

describe('path search with the native verifier (tests/fixtures/x509-path)', () => {
  const FIX = new URL('../fixtures/x509-path/', import.meta.url);
  const der = (name) => new Uint8Array(readFileSync(new URL(`${name}.der`, FIX)));
  const T2030 = 1893456000;
  const cases = [
    ['leaf-dup', ['dup-a', 'dup-b'], ['root']],            // backtracking: the first candidate fails (EKU)
    ['leaf-dup', ['dup-a'], ['root']],
    ['leaf-roll', ['roll-inter', 'roll-new'], ['roll-old']], // key rollover: a self-issued link
    ['leaf-roll', ['roll-inter'], ['roll-old']],             // the key does not verify it: UNKNOWN_CA
    ['leaf', ['inter'], ['root-twin', 'root']],              // two anchors with one name, the first wrong
    ['leaf-loop', ['loop-1', 'loop-2', 'loop-3', 'loop-4', 'loop-5', 'loop-6', 'loop-7', 'loop-8'], ['root']],  // budget
    ['leaf-r1024', ['inter-r1024'], ['root-rsa1024']],
  ];
  for (const [leaf, chain, ca] of cases) {
    it(`${leaf} via ${chain.join(',') || '-'} to ${ca.join(',')}: same verdict, path, log and count either way`, async () => {
      const wasm = await loadWasmNode();
      const req = { chain: [leaf, ...chain].map(der), ca: ca.map(der), nowSeconds: T2030 };
      asked = [];
      const native = verifyChain(wasm, { ...req, nativeVerify: true });
      const nativeAsked = asked.length;
      asked = [];
      const bear = verifyChain(wasm, req);
      assert.equal(asked.length, 0, 'without nativeVerify the verifier is not asked');
      assert.ok(nativeAsked > 0, 'the native verifier checked the edges');
      const view = (r) => ({ ok: r.ok, code: r.error?.code, detail: r.error?.message, path: r.path, anchor: r.anchor, tried: r.tried, sigChecks: r.sigChecks });
      assert.deepEqual(view(native), view(bear));
      if (leaf === 'leaf-dup' && chain.length === 2) {
        assert.ok(native.ok && native.tried.length >= 1, 'found after a failed candidate');
      }
      if (leaf === 'leaf-loop') assert.equal(native.error?.code, 'VERIFY_BUDGET');
    });
  }
});
