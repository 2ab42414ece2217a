// Native signature verification (issue 18 item 1): every signature check asks the runtime's verifier
// (node:crypto here, js/core/native-verify.js) through the wasm import env.wt_js_sig_verify before
// BearSSL. The two paths must give IDENTICAL verdicts: the Wycheproof ECDSA P-256/P-384/P-521,
// RSA PKCS#1 v1.5 and RSA-PSS vectors go through the test seam wt_sig_verify_probe (exported by the
// test builds build/wasm/wasmtls-seams.wasm and build/wasm-simd/wasmtls-simd-seams.wasm only) once with the
// native verifier and once with BearSSL alone, in the plain and the SIMD build, and each vector's
// verdict must also be Wycheproof's. A verifier that throws (or answers anything but 1/0) never
// makes a signature valid.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import * as nodeCrypto from 'node:crypto';
import { instantiateFresh, setSigVerifier, getSigVerifier } from '../../js/core/wasm.js';
import { createNodeVerifier } from '../../js/core/native-verify.js';
import { p256Request } from './helpers/sig-requests.mjs';
import { execFileSync } from 'node:child_process';
import { runtimeBinary, runtimeEnv } from './helpers/packed.mjs';

const root = new URL('../..', import.meta.url);
const VECTORS = new URL('tests/vectors/wycheproof/', root);
const BAD_SIGNATURE = 15;   // wt_error.h value, checked below by name
const EC = 2;
const RSA = 1;
const CURVE = { secp256r1: 23, 'P-256': 23, secp384r1: 24, 'P-384': 24, secp521r1: 25, 'P-521': 25 };
const HASH_BYTE = { 'SHA-1': 2, 'SHA-224': 3, 'SHA-256': 4, 'SHA-384': 5, 'SHA-512': 6 };
const MODE = { tls13: 0, tls12: 1, cert: 2 };

const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
const strip = (b) => { let i = 0; while (i < b.length - 1 && b[i] === 0) i++; return b.subarray(i); };
const concat = (...parts) => { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; };

/** One file's requests: { name, scheme, modes, keyType, key, aux, msg, sig, result, flags }. */
function* requests(file) {
  const d = JSON.parse(readFileSync(new URL(file, VECTORS), 'utf8'));
  for (const g of d.testGroups) {
    let scheme, keyType, key, aux, modes;
    if (d.schema.startsWith('ecdsa_verify')) {
      keyType = EC;
      aux = CURVE[g.publicKey.curve];
      key = hex(g.publicKey.uncompressed);
      scheme = HASH_BYTE[g.sha] << 8 | 3;
      modes = ['tls13', 'cert'];   // tls12 reads the signature as tls13 does (only the curve binding differs: below)
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
    // TLS's PSS: salt length = hash length (what the scheme means); other salt lengths must fail on both paths
    const saltIsHash = !d.schema.startsWith('rsassa_pss') || g.sLen === { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[g.sha];
    for (const t of g.tests) {
      yield { name: `${file} #${t.tcId}`, scheme, modes, keyType, key, aux, msg: hex(t.msg), sig: hex(t.sig),
        result: saltIsHash ? t.result : 'invalid', flags: t.flags };
    }
  }
}

const FILES = ['ecdsa_secp256r1_sha256_test.json', 'ecdsa_secp384r1_sha384_test.json', 'ecdsa_secp521r1_sha512_test.json',
  'rsa_signature_2048_sha256_test.json', 'rsa_pss_2048_sha256_mgf1_32_test.json', 'rsa_pss_2048_sha384_mgf1_48_test.json',
  'rsa_pss_3072_sha256_mgf1_32_test.json', 'rsa_pss_4096_sha256_mgf1_32_test.json', 'rsa_pss_4096_sha384_mgf1_48_test.json',
  'rsa_pss_4096_sha512_mgf1_64_test.json'];

/** Call the probe: `native` asks the installed verifier first. */
function probe(wasm, native, mode, r, sig = r.sig) {
  return wasm.withBytes(r.key, (kp, kn) => wasm.withBytes(r.msg, (mp, mn) => wasm.withBytes(sig, (sp, sn) =>
    wasm.exports.wt_sig_verify_probe((native ? 1 : 0) | MODE[mode] << 1, r.scheme, r.keyType, kp, kn, r.aux, mp, mn, sp, sn))));
}

// The seams are in the test builds only: the shipped modules export exactly the test builds' exports
// without them (cmake/wasm.cmake, wasm/wt_wasm.c WT_WASM_TEST_SEAMS).
describe('test seams: only in the test builds', () => {
  const SEAMS = ['wt_sig_verify_probe', 'wt_sig_verify_probe_async', 'wt_verify_chain', 'wt_verify_detail',
    'wt_verify_path_ptr', 'wt_verify_path_len', 'wt_verify_path_anchor', 'wt_verify_log', 'wt_verify_sig_checks'];
  for (const [shipped, test] of [['js/dist/wasmtls.wasm', 'build/wasm/wasmtls-seams.wasm'],
    ['js/dist/wasmtls-simd.wasm', 'build/wasm-simd/wasmtls-simd-seams.wasm']]) {
    it(`${shipped} = ${test} without ${SEAMS.join(', ')}`, () => {
      const names = (f) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(new URL(f, root)))).map((e) => e.name).sort();
      const a = names(shipped), b = names(test);
      for (const s of SEAMS) {
        assert.ok(!a.includes(s), `${shipped} exports ${s}`);
        assert.ok(b.includes(s), `${test} lacks ${s}`);
      }
      assert.deepEqual(a, b.filter((n) => !SEAMS.includes(n)));
    });
  }
  // wt_verify_chain (the argument-less readers show its results) still works in the test builds
  it('wt_verify_chain + readers in the test builds: a P-256 chain to the test root, then a wrong host', async () => {
    const { getPki } = await import('./helpers/pki.mjs');
    const pki = getPki();
    const ders = (pem) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)]
      .map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
    const chain = ders(pki.leaves.p256.chainPem);
    const [root0] = ders(pki.rootPem);
    const blob = new Uint8Array(chain.reduce((n, d) => n + 3 + d.length, 0));
    let at = 0;
    for (const d of chain) { blob.set([d.length >> 16, (d.length >> 8) & 0xff, d.length & 0xff], at); blob.set(d, at + 3); at += 3 + d.length; }
    for (const f of ['build/wasm/wasmtls-seams.wasm', 'build/wasm-simd/wasmtls-simd-seams.wasm']) {
      const wasm = await instantiateFresh(readFileSync(new URL(f, root)));
      const x = wasm.exports;
      const conn = x.wt_conn_new();
      try {
        assert.ok(wasm.withBytes(root0, (p, n) => x.wt_conn_add_ca(conn, p, n)) > 0);
        const run = (host) => wasm.withBytes(blob, (cp, cn) => wasm.withBytes(host, (hp, hn) =>
          x.wt_verify_chain(conn, cp, cn, hp, hn, Date.now() / 1000, 0)));
        assert.equal(run('localhost'), 0, `${f}: ${wasm.cstring(x.wt_verify_detail())}`);
        assert.equal(x.wt_verify_path_len(), chain.length);
        assert.deepEqual([...new Uint32Array(x.memory.buffer, x.wt_verify_path_ptr() >>> 0, chain.length)], chain.map((_, i) => i));
        assert.equal(x.wt_verify_path_anchor(), 0);
        assert.ok(x.wt_verify_sig_checks() >= chain.length);
        const err = run('other.example');
        assert.notEqual(err, 0);
        assert.equal(wasm.cstring(x.wt_error_name(err)), 'HOSTNAME_MISMATCH');
        assert.match(wasm.cstring(x.wt_verify_detail()), /other\.example/);
      } finally {
        x.wt_conn_free(conn);
      }
    }
  });
});

const verifier = createNodeVerifier(nodeCrypto);
let previous;
before(() => { previous = getSigVerifier(); });
after(() => setSigVerifier(previous));

for (const [label, file] of [['plain', 'build/wasm/wasmtls-seams.wasm'], ['SIMD', 'build/wasm-simd/wasmtls-simd-seams.wasm']]) {
  describe(`native vs BearSSL verdicts (${label} build)`, () => {
    let wasm;
    before(async () => {
      assert.ok(existsSync(new URL(file, root)), `missing ${file}: npm run build`);
      wasm = await instantiateFresh(readFileSync(new URL(file, root)));
      assert.equal(typeof wasm.exports.wt_sig_verify_probe, 'function');
      assert.equal(wasm.cstring(wasm.exports.wt_error_name(BAD_SIGNATURE)), 'BAD_SIGNATURE');
    });

    for (const f of FILES) {
      it(`${f}: identical verdicts, each Wycheproof's`, () => {
        const answers = { 1: 0, 0: 0, '-1': 0 };
        let calls = 0;
        // count what the native verifier answered, to show the native path decided
        setSigVerifier((...a) => { calls++; const v = verifier(...a); answers[v]++; return v; });
        let n = 0;
        const mismatches = [];
        for (const r of requests(f)) {
          for (const mode of r.modes) {
            const bear = probe(wasm, false, mode, r);
            const native = probe(wasm, true, mode, r);
            n++;
            if (bear !== native) mismatches.push(`${r.name} [${mode}] ${r.flags}: BearSSL ${bear}, native ${native}`);
            assert.ok(bear === 0 || bear === BAD_SIGNATURE, `${r.name}: unexpected ${bear}`);
            // certificates read ECDSA signatures as BearSSL always did (BER tolerated): only the verdict on
            // the math is Wycheproof's there; the TLS modes are strict DER
            if (mode === 'cert' && r.flags.some((fl) => /Ber|InvalidEncoding|MissingZero|ModifiedInteger/.test(fl))) continue;
            if (r.result === 'valid') assert.equal(native, 0, `${r.name} [${mode}] ${r.flags}: valid, refused`);
            if (r.result === 'invalid') assert.equal(native, BAD_SIGNATURE, `${r.name} [${mode}] ${r.flags}: invalid, accepted`);
          }
        }
        setSigVerifier(null);
        assert.deepEqual(mismatches, [], `${mismatches.length} verdicts differ`);
        assert.ok(n > 100, `only ${n} checks`);
        // the native verifier answered (not "cannot") every request it got, and it got most of them
        assert.equal(answers['-1'], 0, `native verifier could not answer ${answers['-1']} of ${calls}`);
        // (malformed encodings, r or s zero, a modulus length mismatch are refused before either path)
        assert.ok(calls > n / 3, `native verifier asked only ${calls} times for ${n} checks`);
        assert.ok(answers[1] > 0 && answers[0] > 0, `answers: ${JSON.stringify(answers)}`);
      });
    }

    it('a throwing or misbehaving verifier never makes a signature valid; a missing one leaves BearSSL', () => {
      const rs = [...requests('ecdsa_secp256r1_sha256_test.json')];
      const good = rs.find((r) => r.result === 'valid');
      const flipLast = (r) => { const sig = r.sig.slice(); sig[sig.length - 1] ^= 1; return { ...r, sig }; };
      const bad = flipLast(good);   // still DER, s off by one bit: the verifier is asked
      const rgood = [...requests('rsa_pss_2048_sha256_mgf1_32_test.json')].find((r) => r.result === 'valid');
      const rbad = flipLast(rgood);
      const cases = {
        throws: () => { throw new Error('boom'); },
        'throws a non-Error': () => { throw 1; }, // eslint-disable-line no-throw-literal
        'returns true': () => true,
        'returns "1"': () => '1',
        'returns 2 (pending)': () => 2,
        'returns undefined': () => undefined,
        none: null,
      };
      for (const [what, fn] of Object.entries(cases)) {
        let asked = 0;
        setSigVerifier(fn && ((...a) => { asked++; return fn(...a); }));
        for (const [r, mode] of [[good, 'tls13'], [good, 'cert'], [rgood, 'tls13']]) {
          assert.equal(probe(wasm, true, mode, r), 0, `${what}: a valid signature (BearSSL decides)`);
        }
        for (const [r, mode] of [[bad, 'tls13'], [bad, 'cert'], [rbad, 'tls13']]) {
          assert.equal(probe(wasm, true, mode, r), BAD_SIGNATURE, `${what}: an invalid signature stays invalid`);
        }
        if (fn) assert.equal(asked, 6, `${what}: the verifier was asked`);
      }
      // the seam is real: the verifier's 0 is final even for a signature BearSSL accepts
      setSigVerifier(() => 0);
      assert.equal(probe(wasm, true, 'tls13', good), BAD_SIGNATURE);
      assert.equal(probe(wasm, false, 'tls13', good), 0);
      setSigVerifier(null);
    });

    it('requests the C side refuses never reach the verifier (same verdict on both paths)', () => {
      let asked = 0;
      setSigVerifier((...a) => { asked++; return verifier(...a); });
      const good = [...requests('ecdsa_secp256r1_sha256_test.json')].find((r) => r.result === 'valid');
      // TLS 1.3 binds the curve: a P-256 key under ecdsa_secp384r1_sha384 is ILLEGAL_PARAMETER on both paths
      const mismatch = { ...good, scheme: 0x0503 };
      const ILLEGAL_PARAMETER = probe(wasm, false, 'tls13', mismatch);
      assert.equal(wasm.cstring(wasm.exports.wt_error_name(ILLEGAL_PARAMETER)), 'ILLEGAL_PARAMETER');
      assert.equal(probe(wasm, true, 'tls13', mismatch), ILLEGAL_PARAMETER);
      // TLS 1.2: the scheme names the hash only: SHA-384 over a P-256 key is verified (and fails here: wrong hash)
      assert.equal(probe(wasm, true, 'tls12', mismatch), BAD_SIGNATURE);
      assert.equal(probe(wasm, false, 'tls12', mismatch), BAD_SIGNATURE);
      const before = asked;
      // a compressed point: not the documented layout: BearSSL decides (and refuses)
      const compressed = { ...good, key: concat(Uint8Array.of(2 + (good.key[64] & 1)), good.key.subarray(1, 33)) };
      assert.equal(probe(wasm, true, 'tls13', compressed), BAD_SIGNATURE);
      assert.equal(probe(wasm, false, 'tls13', compressed), BAD_SIGNATURE);
      // a BER signature (long-form length) in a TLS message: refused before either path
      const ber = concat(Uint8Array.of(0x30, 0x81, good.sig[1]), good.sig.subarray(2));
      assert.equal(probe(wasm, true, 'tls13', good, ber), BAD_SIGNATURE);
      assert.equal(asked, before, 'the verifier was not asked');
      setSigVerifier(null);
    });
  });
}

it('nativeVerify takes a boolean only', async () => {
  const { connect } = await import('../../js/index.node.js');
  const s = connect('127.0.0.1:1', { nativeVerify: 'yes' });
  const err = await s.opened.then(() => null, (e) => e);
  assert.equal(err?.code, 'INVALID_OPTION');
  assert.match(err.message, /nativeVerify/);
});

it('verdicts are remembered across calls for byte-identical requests only (a chain is verified once per server)', () => {
  const { point, msg, sig } = p256Request('the signed bytes of a certificate');
  let calls = 0;
  const counting = { ...nodeCrypto, verify: (...a) => { calls++; return nodeCrypto.verify(...a); } };
  const v = createNodeVerifier(counting);
  assert.equal(v(0x0403, EC, point, 23, msg, sig), 1);
  const afterFirst = calls; // the known answer test's two calls, then this one
  // the same request again, in fresh buffers (as from wasm memory): answered without node:crypto
  assert.equal(v(0x0403, EC, point.slice(), 23, msg.slice(), sig.slice()), 1);
  assert.equal(calls, afterFirst);
  // one bit of the message, of the key, or another hash: verified again, and refused
  const m2 = msg.slice(); m2[3] ^= 1;
  assert.equal(v(0x0403, EC, point, 23, m2, sig), 0);
  const point2 = p256Request('another key').point;
  assert.equal(v(0x0403, EC, point2, 23, msg, sig), 0);
  assert.equal(v(0x0503, EC, point, 23, msg, sig), 0);
  assert.equal(calls, afterFirst + 3);
  // a refused request is remembered as refused, never turned into a valid one
  assert.equal(v(0x0503, EC, point, 23, msg, sig), 0);
  assert.equal(calls, afterFirst + 3);
  // the buffers handed in may be reused by the caller (wasm memory): the kept copies do not change
  const reused = msg.slice();
  assert.equal(v(0x0403, EC, point, 23, reused, sig), 1);
  reused[0] ^= 0xff;
  assert.equal(v(0x0403, EC, point, 23, reused, sig), 0);
});

it('a runtime whose node:crypto misreads a request (known answer test fails) leaves that family to BearSSL', () => {
  const { point, msg, sig } = p256Request('hello');
  assert.equal(createNodeVerifier(nodeCrypto)(0x0403, EC, point, 23, msg, sig), 1);
  // verify() that ignores dsaEncoding (reads DER): the ECDSA self-test fails -> -1, never a wrong 0
  const noP1363 = { ...nodeCrypto, verify: (h, m, o, s) => nodeCrypto.verify(h, m, o.key, s) };
  assert.equal(createNodeVerifier(noP1363)(0x0403, EC, point, 23, msg, sig), -1);
  // verify() that says yes to everything: the flipped-bit half of the self-test fails -> -1
  const yes = { ...nodeCrypto, verify: () => true };
  assert.equal(createNodeVerifier(yes)(0x0403, EC, point, 23, msg, sig), -1);
  assert.equal(createNodeVerifier(yes)(0x0804, RSA, concat(new Uint8Array(128).fill(0xff), Uint8Array.of(1, 0, 1)), 3, msg, new Uint8Array(128)), -1);
  // no node:crypto at all: no verifier
  assert.equal(createNodeVerifier(undefined), null);
  assert.equal(createNodeVerifier({}), null);
});

// Bun and Deno verify through their own node:crypto (BoringSSL in Bun, Rust crates in Deno): the same
// vectors through the same seam in that runtime (tests/node/helpers/native-verify-runtime.mjs)
for (const [name, args] of [['bun', []], ['deno', ['run', '--allow-read']]]) {
  const rt = runtimeBinary(name);
  it(`${name}: the native path's verdicts are Wycheproof's (and BearSSL's)`, { skip: rt.bin ? false : rt.reason, timeout: 300_000 }, () => {
    const out = execFileSync(rt.bin, [...args, new URL('helpers/native-verify-runtime.mjs', import.meta.url).pathname, ...FILES],
      { encoding: 'utf8', env: runtimeEnv(), timeout: 280_000, maxBuffer: 16 << 20 });
    const r = JSON.parse(out.trim().split('\n').at(-1));
    const version = `${name} ${rt.version.split('\n')[0].replace(/^(bun|deno) /, '')}`;
    assert.deepEqual(r.mismatches, [], version);
    assert.ok(r.checks > 2500, `${r.checks} checks`);
    assert.equal(r.answers['-1'], 0, `${name} could not answer ${r.answers['-1']}`);
    assert.ok(r.answers[1] > 500 && r.answers[0] > 500, JSON.stringify(r.answers));
    console.log(`${version}: ${r.checks} Wycheproof checks through its node:crypto, 0 mismatches`);
  });
}
