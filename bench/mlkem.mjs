// ML-KEM-768 figures (issue 19 part 1): time per KeyGen / Encaps / Decaps natively and in wasm,
// and the code size ML-KEM + SHA-3 add to the wasm module.
//
//   node bench/mlkem.mjs          (after `npm run build`)
//
// Time: build/native/test_mlkem --bench (best of 5 runs of 200 operations; rdtsc cycles on x86-64)
// and the same C program compiled with emcc (build/wasm, build/wasm-simd: the flags of
// js/dist/wasmtls.wasm) run by this Node.
// Size: build/wasm's link of js/dist/wasmtls.wasm is repeated into a temporary directory, once as
// is and once exporting wt_mlkem768_keygen/encaps/decaps (so the linker keeps them and SHA-3; the
// shipped module drops them until the TLS layer calls them): the difference, raw and gzip -9.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', ...opts });

const parse = (out) => Object.fromEntries([...out.matchAll(/bench (\w+)\s+([\d.]+) us\/op(?:\s+(\d+) cycles)?/g)]
  .map((m) => [m[1], { us: Number(m[2]), cycles: m[3] ? Number(m[3]) : undefined }]));

const rows = [];
rows.push(['native', parse(sh(`${root}build/native/test_mlkem`, ['--bench']))]);
for (const dir of ['wasm', 'wasm-simd']) {
  const f = `${root}build/${dir}/test_mlkem_wasm.cjs`;
  if (existsSync(f)) rows.push([dir, parse(sh(process.execPath, [f, '--bench']))]);
}
console.log(`ML-KEM-768, us per operation (Node ${process.version})`);
console.log('build       KeyGen   Encaps   Decaps   client (KeyGen + Decaps)   X25519 (keygen + shared)');
for (const [name, r] of rows) {
  const c = (op) => r[op].us.toFixed(1).padStart(8);
  console.log(`${name.padEnd(10)} ${c('KeyGen')} ${c('Encaps')} ${c('Decaps')}   ${(r.KeyGen.us + r.Decaps.us).toFixed(1).padStart(8)}                  ${r.X25519 ? r.X25519.us.toFixed(1) : '-'}`);
  if (r.KeyGen.cycles) console.log(`${''.padEnd(10)} ${[r.KeyGen, r.Encaps, r.Decaps].map((x) => String(x.cycles).padStart(8)).join(' ')}   cycles (rdtsc)`);
}

// Size: relink build/wasm's wasmtls.wasm with and without the ML-KEM exports.
const linkTxt = `${root}build/wasm/CMakeFiles/wasmtls_wasm.dir/link.txt`;
if (existsSync(linkTxt)) {
  const tmp = mkdtempSync(join(tmpdir(), 'wt-mlkem-size-'));
  try {
    const link = readFileSync(linkTxt, 'utf8').trim();
    const size = (exports, name) => {
      const out = join(tmp, name);
      const cmd = link.replace(/-o \S+/, `-o ${out}`).replace('-sEXPORTED_FUNCTIONS=_malloc,_free', `-sEXPORTED_FUNCTIONS=_malloc,_free${exports}`);
      sh('sh', ['-c', cmd], { cwd: `${root}build/wasm`, env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
      const b = readFileSync(out);
      return { raw: b.length, gz: gzipSync(b, { level: 9 }).length };
    };
    const base = size('', 'base.wasm');
    const kem = size(',_wt_mlkem768_keygen,_wt_mlkem768_encaps,_wt_mlkem768_decaps', 'mlkem.wasm');
    console.log(`\nwasmtls.wasm (-Oz -flto) without ML-KEM: ${base.raw} B, gzip ${base.gz} B`);
    console.log(`with ML-KEM-768 + SHA-3 exported:        ${kem.raw} B, gzip ${kem.gz} B`);
    console.log(`growth: +${kem.raw - base.raw} B raw, +${kem.gz - base.gz} B gzip`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
