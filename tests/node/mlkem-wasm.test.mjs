// ML-KEM-768 and SHA-3 through the WASM build: build/wasm/test_mlkem_wasm.cjs is
// tests/c/test_mlkem.c compiled with emcc against the same wasmtls objects (src/wt_mlkem.c,
// src/wt_sha3.c) and flags as js/dist/wasmtls.wasm. Every Wycheproof ML-KEM / HMAC-SHA3 vector's
// verdict must match: zero failures, and each per-file summary line identical to the native
// build's (build/native/test_mlkem). The same for the SIMD variant (build/wasm-simd).

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const native = `${root}build/native/test_mlkem`;

const run = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (e) {
    assert.fail(`${cmd} failed: ${e.stdout}\n${e.stderr}`);
  }
};
const lines = (out) => out.split('\n').filter((l) => /\bpass\s+\d+\s+skip/.test(l));

for (const [label, dir] of [['WASM build', 'wasm'], ['WASM SIMD build', 'wasm-simd']]) {
  const wasmJs = `${root}build/${dir}/test_mlkem_wasm.cjs`;
  it(`ML-KEM-768 / SHA-3 verdicts in the ${label} match the native build`, { timeout: 120_000 }, () => {
    assert.ok(existsSync(wasmJs), `missing ${wasmJs}: run npm run build`);
    const w = run(process.execPath, [wasmJs, root]);
    const m = /(\d+) checks, (\d+) failures/.exec(w);
    assert.ok(m, `no summary in WASM output:\n${w.slice(-2000)}`);
    assert.equal(Number(m[2]), 0, w.slice(-4000));
    const wl = lines(w);
    const files = ['hmac_sha3_256_test.json', 'mlkem_768_keygen_seed_test.json', 'mlkem_768_encaps_test.json',
      'mlkem_768_test.json', 'mlkem_768_semi_expanded_decaps_test.json'];
    assert.deepEqual(wl.map((l) => l.split(/\s+/)[0]), files);
    for (const l of wl) assert.match(l, /FAIL 0$/);
    assert.match(w, /15 known answers \(FIPS 202 examples\)/);
    const total = wl.reduce((a, l) => a + Number(/pass\s+(\d+)/.exec(l)[1]), 0);
    assert.equal(total, 174 + 100 + 265 + 193 + 9);
    console.log(`mlkem (${dir}): ${wl.length} files, ${total} vectors with the expected verdict, ${m[1]} checks, 0 failures`);
    assert.ok(existsSync(native), `missing ${native}: run npm run build`);
    assert.deepEqual(wl, lines(run(native, [root])));
  });
}
