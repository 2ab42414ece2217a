// Run in Bun or Deno (tests/node/native-verify.test.mjs spawns it): the runtime's node:crypto as the
// native verifier, through the wasm test seam wt_sig_verify_probe, on the Wycheproof files given as
// arguments. Each verdict of the native path must be Wycheproof's ("acceptable": the BearSSL path's,
// computed here too); prints one JSON line { checks, mismatches: [...], answers }.
import * as nodeCrypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { instantiateFresh, setSigVerifier } from '../../../js/core/wasm.js';
import { createNodeVerifier } from '../../../js/core/native-verify.js';

const root = new URL('../../../', import.meta.url);
const BAD_SIGNATURE = 15;
const HASH_BYTE = { 'SHA-256': 4, 'SHA-384': 5, 'SHA-512': 6 };
const CURVE = { secp256r1: 23, secp384r1: 24, secp521r1: 25 };
const hex = (s) => Uint8Array.from(s.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
const strip = (b) => { let i = 0; while (i < b.length - 1 && b[i] === 0) i++; return b.subarray(i); };

const wasm = await instantiateFresh(readFileSync(new URL('build/wasm/wasmtls-seams.wasm', root)));
const verifier = createNodeVerifier(nodeCrypto);
const answers = { 1: 0, 0: 0, '-1': 0 };
setSigVerifier((...a) => { const v = verifier(...a); answers[v]++; return v; });
const probe = (native, r) => wasm.withBytes(r.key, (kp, kn) => wasm.withBytes(r.msg, (mp, mn) => wasm.withBytes(r.sig, (sp, sn) =>
  wasm.exports.wt_sig_verify_probe((native ? 1 : 0) | (r.mode << 1), r.scheme, r.keyType, kp, kn, r.aux, mp, mn, sp, sn))));

let checks = 0;
const mismatches = [];
for (const file of process.argv.slice(2)) {
  const d = JSON.parse(readFileSync(new URL(`tests/vectors/wycheproof/${file}`, root), 'utf8'));
  for (const g of d.testGroups) {
    let base;
    if (d.schema.startsWith('ecdsa_verify')) {
      base = { keyType: 2, aux: CURVE[g.publicKey.curve], key: hex(g.publicKey.uncompressed), scheme: HASH_BYTE[g.sha] << 8 | 3, mode: 0 };
    } else {
      const n = strip(hex(g.publicKey.modulus));
      const e = strip(hex(g.publicKey.publicExponent));
      const key = new Uint8Array(n.length + e.length);
      key.set(n); key.set(e, n.length);
      const pss = d.schema.startsWith('rsassa_pss');
      base = { keyType: 1, aux: e.length, key, scheme: pss ? 0x0800 + HASH_BYTE[g.sha] : HASH_BYTE[g.sha] << 8 | 1, mode: pss ? 0 : 1 };
    }
    for (const t of g.tests) {
      const r = { ...base, msg: hex(t.msg), sig: hex(t.sig) };
      const got = probe(true, r);
      const want = t.result === 'valid' ? 0 : t.result === 'invalid' ? BAD_SIGNATURE : probe(false, r);
      checks++;
      if (got !== want) mismatches.push(`${file} #${t.tcId} ${t.flags}: native ${got}, expected ${want}`);
    }
  }
}
console.log(JSON.stringify({ checks, mismatches, answers }));
