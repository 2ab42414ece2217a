// Wycheproof through the WASM build: build/wasm/test_crypto_vectors_wasm.cjs is
// tests/c/test_crypto_vectors.c compiled with emcc against the same wasmtls + BearSSL objects as
// js/dist/wasmtls.wasm. Every vector's verdict must match: zero failures, and each per-file
// summary line (pass/skip/acceptable/FAIL counts) identical to the native build's.
// The same for the SIMD variant (build/wasm-simd: -msimd128, ChaCha20 on BearSSL's SSE2 code).

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const native = `${root}build/native/test_crypto_vectors`;

for (const [label, dir] of [['WASM build', 'wasm'], ['WASM SIMD build', 'wasm-simd']]) it(`Wycheproof verdicts in the ${label} match the native build`, { timeout: 120_000 }, () => {
  const wasmJs = `${root}build/${dir}/test_crypto_vectors_wasm.cjs`;
  assert.ok(existsSync(wasmJs), `missing ${wasmJs}: run npm run build`);
  const run = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    } catch (e) {
      assert.fail(`${cmd} failed: ${e.stdout}\n${e.stderr}`);
    }
  };
  const w = run(process.execPath, [wasmJs, root]);
  const m = /(\d+) checks, (\d+) failures/.exec(w);
  assert.ok(m, `no summary in WASM output:\n${w.slice(-2000)}`);
  assert.equal(Number(m[2]), 0, w.slice(-4000));
  const lines = (out) => out.split('\n').filter((l) => /\bpass\s+\d+\s+skip/.test(l));
  const wl = lines(w);
  assert.ok(wl.length > 10, 'too few vector files');
  const total = wl.reduce((a, l) => a + Number(/pass\s+(\d+)/.exec(l)[1]), 0);
  console.log(`wycheproof (${dir}): ${wl.length} files, ${total} vectors with the expected verdict, ${m[1]} checks, 0 failures`);
  if (existsSync(native)) assert.deepEqual(wl, lines(run(native, [root])));
});
