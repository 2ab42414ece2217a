// The asynchronous (WebCrypto) signature path in real headless Chromium (issue 18 item 1, phase 2):
// the browser entry installs it (a localhost page is a secure context: crypto.subtle exists).
//   - Wycheproof ECDSA P-256/P-384/P-521 through the async seam (wt_sig_verify_probe_async: WAIT,
//     batch, Chromium's crypto.subtle.verify, verdict, re-run): identical to BearSSL's verdicts;
//   - handshakes through Wisp to openssl s_server on loopback: TLS 1.3 P-256 / P-384 / RSA-2048 and
//     TLS 1.2, every signature verified by Chromium's WebCrypto in one round (one batch: the chain's
//     edges and the CertificateVerify / ServerKeyExchange, prefetched while the Certificate waits;
//     two rounds before), none with nativeVerify: false.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getPki } from './helpers/pki.mjs';
import { startSServer } from './helpers/servers.mjs';
import { browserSkipReason, launchChromium } from './helpers/browser.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { startWispServer } from '../../scripts/wisp-server.mjs';

const skip = browserSkipReason() ?? false;
let pki, servers = {}, wisp, web, browser, dir;

before(async () => {
  if (skip) return;
  pki = getPki();
  servers = {
    p256: await startSServer({ leaf: pki.leaves.p256 }),
    p384: await startSServer({ leaf: pki.leaves.p384 }),
    rsa2048: await startSServer({ leaf: pki.leaves.rsa2048 }),
    tls12: await startSServer({ leaf: pki.leaves.p256, args: ['-tls1_2'] }),
  };
  wisp = await startWispServer({ allow: Object.values(servers).map((s) => ({ host: '127.0.0.1', port: s.port })) });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-wc-www-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>webcrypto</title>\n');
  web = await startStaticServer({ mounts: { '/wc/': dir } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.all([web?.stop(), wisp?.stop(), ...Object.values(servers).map((s) => s.stop())]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function page() {
  const p = await browser.context.newPage();
  const errors = [];
  p.on('pageerror', (err) => errors.push(err.message));
  await p.goto(`${web.url}wc/index.html`);
  return { p, errors };
}

test('Chromium: Wycheproof ECDSA through the async path (WebCrypto verdicts) = BearSSL', { skip, timeout: 180_000 }, async () => {
  const { p, errors } = await page();
  const r = await p.evaluate(async () => {
    const { instantiateFresh } = await import('/js/core/wasm.js');
    const { webCryptoSigVerifier } = await import('/js/core/webcrypto-verify.js');
    const verify = webCryptoSigVerifier(crypto.subtle);
    const out = {};
    for (const build of ['wasm/wasmtls-seams.wasm', 'wasm-simd/wasmtls-simd-seams.wasm']) {
      const wasm = await instantiateFresh(await (await fetch(`/build/${build}`)).arrayBuffer());
      const x = wasm.exports;
      const conn = x.wt_conn_new();
      x.wt_conn_set_async_verify(conn, 1);
      const hex = (s) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
      const res = { checks: 0, waited: 0, mismatches: [], answers: { 1: 0, 0: 0, '-1': 0 } };
      for (const [file, curve, scheme] of [['ecdsa_secp256r1_sha256_test.json', 23, 0x0403],
        ['ecdsa_secp384r1_sha384_test.json', 24, 0x0503], ['ecdsa_secp521r1_sha512_test.json', 25, 0x0603]]) {
        const d = await (await fetch(`/tests/vectors/wycheproof/${file}`)).json();
        for (const g of d.testGroups) {
          const key = hex(g.publicKey.uncompressed);
          for (const t of g.tests) {
            const msg = hex(t.msg), sig = hex(t.sig);
            for (const mode of [0, 2]) {
              const call = (fn) => wasm.withBytes(key, (kp, kn) => wasm.withBytes(msg, (mp, mn) => wasm.withBytes(sig, (sp, sn) =>
                fn(kp, kn, mp, mn, sp, sn))));
              const bear = call((kp, kn, mp, mn, sp, sn) => x.wt_sig_verify_probe(mode << 1, scheme, 2, kp, kn, curve, mp, mn, sp, sn));
              const probe = () => call((kp, kn, mp, mn, sp, sn) => x.wt_sig_verify_probe_async(conn, mode, scheme, 2, kp, kn, curve, mp, mn, sp, sn));
              let got = probe();
              if (got === -1000) {
                res.waited++;
                const n = x.wt_conn_sig_batch_len(conn);
                const tab = new Uint32Array(x.memory.buffer, x.wt_conn_sig_batch(conn), 9 * n);
                const copy = (ptr, len) => new Uint8Array(x.memory.buffer, ptr, len).slice();
                const batch = [{ scheme: tab[0], keyType: tab[1], key: copy(tab[2], tab[3]), aux: tab[4], msg: copy(tab[5], tab[6]), sig: copy(tab[7], tab[8]) }];
                const [v] = await verify(batch);
                res.answers[v]++;
                x.wt_conn_sig_verdict(conn, 0, v);
                got = probe();
              }
              res.checks++;
              if (got !== bear) res.mismatches.push(`${file} #${t.tcId} mode ${mode}: BearSSL ${bear}, WebCrypto ${got}`);
            }
          }
        }
      }
      x.wt_conn_free(conn);
      out[build] = res;
    }
    return out;
  });
  for (const [build, res] of Object.entries(r)) {
    assert.deepEqual(res.mismatches, [], `${build}: ${res.mismatches.length} verdicts differ`);
    assert.ok(res.checks > 1500 && res.waited > res.checks / 3, `${build}: ${res.checks} checks, ${res.waited} through WebCrypto`);
    assert.equal(res.answers['-1'], 0, `${build}: Chromium could not answer ${res.answers['-1']}`);
    assert.ok(res.answers[1] > 100 && res.answers[0] > 100, JSON.stringify(res.answers));
  }
  assert.deepEqual(errors, []);
  await p.close();
});

test('Chromium over Wisp: TLS 1.3 P-256 / P-384 / RSA-2048 and TLS 1.2 verified by WebCrypto; off: none', { skip, timeout: 60_000 }, async () => {
  const { p, errors } = await page();
  const ports = Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.port]));
  const r = await p.evaluate(async ({ url, ports, ca }) => {
    const { connect, wisp } = await import('/js/index.browser.js');
    const w = await import('/js/core/wasm.js');
    const installed = w.getAsyncSigVerifier();
    if (typeof installed !== 'function') return { error: 'the browser entry installed no WebCrypto verifier' };
    let rounds = [];
    w.setAsyncSigVerifier(async (batch) => { const v = await installed(batch); rounds.push(batch.map((q, i) => [q.scheme, v[i]])); return v; });
    const transport = wisp(url);
    const out = {};
    for (const [kind, port] of Object.entries(ports)) {
      for (const nativeVerify of [true, false]) {
        rounds = [];
        const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, transport, nativeVerify,
          maxVersion: kind === 'tls12' ? 'TLSv1.2' : undefined });
        try {
          const info = await s.opened;
          out[`${kind}/${nativeVerify}`] = { version: info.version, rounds };
        } catch (err) {
          out[`${kind}/${nativeVerify}`] = { error: `${err.code}: ${err.message}` };
        }
        await s.close().catch(() => {});
      }
    }
    w.setAsyncSigVerifier(installed);
    return out;
  }, { url: wisp.url, ports, ca: pki.rootPem });
  assert.equal(r.error, undefined, r.error);
  const cv = { p256: 0x0403, p384: 0x0503, rsa2048: 0x0804 };
  for (const kind of ['p256', 'p384', 'rsa2048']) {
    assert.deepEqual(r[`${kind}/true`], { version: 'TLSv1.3', rounds: [[[0x0403, 1], [0x0403, 1], [cv[kind], 1]]] }, JSON.stringify(r[`${kind}/true`]));
    assert.deepEqual(r[`${kind}/false`], { version: 'TLSv1.3', rounds: [] });
  }
  assert.deepEqual(r['tls12/true'], { version: 'TLSv1.2', rounds: [[[0x0403, 1], [0x0403, 1], [0x0403, 1]]] }, JSON.stringify(r['tls12/true']));
  assert.deepEqual(r['tls12/false'], { version: 'TLSv1.2', rounds: [] });
  assert.deepEqual(errors, []);
  await p.close();
});
