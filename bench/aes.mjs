// AES-GCM throughput in one run (issue 18 item 2), 16 KiB records, medians of ROUNDS repeats:
//   (a) BearSSL aes_ct64 + ghash_ctmul64 in wasm (build/wasm/test_aes_simd_wasm.cjs --bench): the plain
//       build's AEAD, and the SIMD build's before issue 18 wired (c) into the record layer
//   (b) WebCrypto crypto.subtle.encrypt per record, with a cached CryptoKey and with importKey per record
//       (sequential awaits: the async hop is included), and decrypt with a cached key
//   (c) wt_aesgcm in the wasm SIMD build (build/wasm-simd/test_aes_simd_wasm.cjs --bench): vector-permute
//       AES + the SIMD GHASH (wt_ghash), what the SIMD build's record layer runs
// Usage: node bench/aes.mjs [rounds]   (build first: npm run build)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.argv[2] || 5);
const REC = 16384;
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

function wasmBench(dir) {
  const out = execFileSync(process.execPath, [`${root}build/${dir}/test_aes_simd_wasm.cjs`, '--bench'], { encoding: 'utf8' });
  const r = {};
  for (const m of out.matchAll(/^bench (\S+) (\S+): ([\d.]+) MB\/s/gm)) r[`${m[1]} ${m[2]}`] = Number(m[3]);
  return r;
}

async function webcrypto(bits, mode) {
  const raw = crypto.getRandomValues(new Uint8Array(bits / 8));
  const data = crypto.getRandomValues(new Uint8Array(REC));
  const aad = new Uint8Array(13);
  const iv = new Uint8Array(12);
  const cached = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, cached, data));
  let n = 0;
  const t0 = performance.now();
  let t;
  do {
    for (let m = 0; m < 16; m++, n++) {
      iv[11] = n;
      if (mode === 'decrypt') {
        iv[11] = 0;
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, cached, ct);
      } else {
        const key = mode === 'import' ? await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']) : cached;
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, data);
      }
    }
    t = (performance.now() - t0) / 1000;
  } while (t < 0.4);
  return (n * REC) / t / 1e6;
}

const rows = {};
const add = (k, v) => (rows[k] ??= []).push(v);
for (let r = 0; r < ROUNDS; r++) {
  const plain = wasmBench('wasm');
  const simd = wasmBench('wasm-simd');
  for (const bits of [128, 256]) {
    add(`(a) AES-${bits}-GCM wasm, BearSSL ct64 (before)`, plain[`aes-${bits}-gcm bearssl-ct64`]);
    add(`(a') AES-${bits}-GCM wasm SIMD build, BearSSL ct64`, simd[`aes-${bits}-gcm bearssl-ct64`]);
    add(`(b) AES-${bits}-GCM WebCrypto encrypt, cached key`, await webcrypto(bits, 'cached'));
    add(`(b) AES-${bits}-GCM WebCrypto encrypt, importKey per record`, await webcrypto(bits, 'import'));
    add(`(b) AES-${bits}-GCM WebCrypto decrypt, cached key`, await webcrypto(bits, 'decrypt'));
    add(`(c) AES-${bits}-GCM wasm SIMD, wt_aesgcm`, simd[`aes-${bits}-gcm wt_aesgcm-simd`]);
  }
  add('(c) AES-256-CTR alone, wt_aesgcm SIMD', simd['aes-256-ctr wt_aesgcm']);
  add('    GHASH alone, ghash_ctmul64 (wasm SIMD build)', simd['ghash ctmul64']);
  add('(c) GHASH alone, wt_ghash SIMD', simd['ghash wt_ghash-simd']);
}
console.log(`AES-GCM, 16 KiB records, Node ${process.version}, medians of ${ROUNDS} rounds (MB/s):`);
const med = {};
const best = {};
for (const [k, v] of Object.entries(rows)) {
  med[k] = median(v.filter((x) => x !== undefined));
  best[k] = Math.max(...v.filter((x) => x !== undefined));
  console.log(`  ${k.padEnd(58)} ${med[k]?.toFixed(1)}   [${v.map((x) => x?.toFixed(0)).join(' ')}]`);
}
// (a) and (c) run in the same process one after the other, so within a round their ratio is less
// exposed to other load on the machine than either figure: the median of the per-round ratios too.
for (const bits of [128, 256]) {
  const kc = `(c) AES-${bits}-GCM wasm SIMD, wt_aesgcm`;
  const ka = `(a') AES-${bits}-GCM wasm SIMD build, BearSSL ct64`;
  const c = med[kc];
  const a = med[`(a) AES-${bits}-GCM wasm, BearSSL ct64 (before)`];
  const b = med[`(b) AES-${bits}-GCM WebCrypto encrypt, cached key`];
  const perRound = median(rows[kc].map((x, i) => x / rows[ka][i]));
  console.log(`  AES-${bits}-GCM: (c)/(a) = ${(c / a).toFixed(2)}x, (c)/(a') per round ${perRound.toFixed(2)}x, best rounds (c) ${best[kc].toFixed(0)} / (a) ${best[`(a) AES-${bits}-GCM wasm, BearSSL ct64 (before)`].toFixed(0)} MB/s; (c)/(b) = ${(c / b).toFixed(2)}x; target 150 MB/s: ${c >= 150 ? 'PASS' : 'MISS'}; 2.5x (a): ${c / a >= 2.5 ? 'PASS' : 'MISS'}`);
}
