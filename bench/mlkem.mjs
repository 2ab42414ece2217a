// ML-KEM-768 figures (issue 19 part 1): time per KeyGen / Encaps / Decaps / dk_from_seed natively and in wasm,
// (the code size ML-KEM + SHA-3 add to the wasm module: bench/pq.mjs).
//
//   node bench/mlkem.mjs          (after `npm run build`)
//
// Time: build/native/test_mlkem --bench (best of 5 runs of 200 operations; rdtsc cycles on x86-64)
// and the same C program compiled with emcc (build/wasm, build/wasm-simd: the flags of
// js/dist/wasmtls.wasm) run by this Node.
// Size: bench/pq.mjs (the shipped module calls ML-KEM now, so it relinks with those calls stubbed).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
// The client's hybrid work per handshake: KeyGen (ClientHello), then dk from the seed and the ek it
// sent (wt_mlkem768_dk_from_seed, "DkSeed") and Decaps (ServerHello); HybDerive is the whole
// ServerHello step through wt_kex_derive (dk from seed + Decaps + X25519).
console.log('build       KeyGen   Encaps   Decaps   DkSeed   client (KeyGen + DkSeed + Decaps)   HybDerive   X25519 (keygen + shared)');
for (const [name, r] of rows) {
  const c = (op) => (r[op] ? r[op].us.toFixed(1) : '-').padStart(8);
  const client = r.KeyGen.us + (r.DkSeed ?? r.KeyGen).us + r.Decaps.us;
  console.log(`${name.padEnd(10)} ${c('KeyGen')} ${c('Encaps')} ${c('Decaps')} ${c('DkSeed')}   ${client.toFixed(1).padStart(8)}                          ${c('HybDerive')}    ${r.X25519 ? r.X25519.us.toFixed(1) : '-'}`);
  if (r.KeyGen.cycles) console.log(`${''.padEnd(10)} ${[r.KeyGen, r.Encaps, r.Decaps, r.DkSeed].filter(Boolean).map((x) => String(x.cycles).padStart(8)).join(' ')}   cycles (rdtsc)`);
}

// Size: the shipped module calls ML-KEM from the X25519MLKEM768 row, so a relink with or without
// ML-KEM exports no longer measures its cost; bench/pq.mjs relinks with the two calls stubbed.
console.log('\nwasm size growth of ML-KEM-768 + SHA-3: see `node bench/pq.mjs` (relinks with the TLS layer\'s calls stubbed)');
