// AES-GCM primitive (src/wt_aes_simd.c) in wasm: build/wasm-simd/test_aes_simd_wasm.cjs runs the
// vector-permute AES (i8x16.swizzle) on every Wycheproof AES-GCM vector with a 128/256-bit key and
// 96-bit IV, a differential test against BearSSL's aes_ct64 GCM (lengths 0..70000, tampered tags and
// ciphertexts rejected) and one of wt_ghash (the SIMD GHASH) against br_ghash_ctmul64; build/wasm runs
// the same program on the BearSSL fallback.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

for (const [dir, impl] of [['wasm-simd', 'SIMD'], ['wasm', 'fallback']]) it(`AES-GCM vectors and differential test in build/${dir} (${impl})`, { timeout: 120_000 }, () => {
  const js = `${root}build/${dir}/test_aes_simd_wasm.cjs`;
  assert.ok(existsSync(js), `missing ${js}: run npm run build`);
  let out;
  try {
    out = execFileSync(process.execPath, [js, root], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`${js} failed: ${e.stdout}\n${e.stderr}`);
  }
  const v = /aes_gcm_test\.json \((\w+)\): pass (\d+) \(AES-128 (\d+), AES-256 (\d+)\).*FAIL (\d+)/.exec(out);
  assert.ok(v, out);
  assert.equal(v[1], impl);
  assert.equal(Number(v[5]), 0);
  assert.ok(Number(v[3]) > 0 && Number(v[4]) > 0);
  assert.match(out, /differential vs BearSSL aes_ct64 GCM: 600 runs \(lengths 0\.\.70000\), 0 mismatches/);
  assert.match(out, new RegExp(`ghash differential vs br_ghash_ctmul64 \\(${impl}\\): 400 runs \\(lengths 0\\.\\.70000\\), 0 mismatches`));
  assert.match(out, /\d+ checks, 0 failures/);
  console.log(out.trim());
});
