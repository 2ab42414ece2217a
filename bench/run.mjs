#!/usr/bin/env node
// wasmtls benchmark: wasmtls vs Node tls (OpenSSL), subtls and node-forge, measured in one run
// against loopback servers this script starts (a separate Node process, so the client CPU time
// measured here excludes the server). `npm run bench`; `node bench/run.mjs --quick` for a smoke run.
// Prints a table with ratios against Node tls and each target with PASS/MISS; writes JSON to
// bench/results/latest.json (or --out FILE). Then the browser variant (bench/browser.mjs: Chromium,
// through websockify and Wisp); --no-browser skips it.
import { fork, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { wasmtlsClient, nodeTlsClient, subtlsClient, forgeClient } from './clients.mjs';
import { browserBench } from './browser.mjs';
import { pqBench, pqLines } from './pq.mjs';
import { fetchBrowserBench, formatFetchBrowser } from './fetch-browser.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const args = process.argv.slice(2);
if (args.includes('--x509')) {          // the path-validation budget bench alone (bench/x509-budget.mjs)
  await (await import('./x509-budget.mjs')).main();
  process.exit(0);
}
const QUICK = args.includes('--quick');
const BROWSER = !args.includes('--no-browser');
// --bulk: the bulk rows alone (download/upload per suite; the native-cipher comparison), printed, no JSON written
const BULK_ONLY = args.includes('--bulk');
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1] : path.join(HERE, 'results', QUICK ? 'quick.json' : 'latest.json');
const HS_N = QUICK ? 5 : 60;
// warm-up handshakes per client before a case is measured, and the interleaved rounds (handshakeCase)
const HS_WARM = QUICK ? 2 : 60;
const HS_ROUNDS = QUICK ? 1 : 4;
const BULK = QUICK ? 1 << 20 : 32 << 20;
// node-forge moves ~2 MB/s: 4 MiB is enough to measure it.
const FORGE_BULK = QUICK ? 1 << 20 : 4 << 20;
const BULK_RUNS = QUICK ? 1 : 3;
const IDLE_CONNS = QUICK ? 20 : 1000;
const COLD_RUNS = QUICK ? 2 : 7;

const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const r2 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);

// ---- servers ---------------------------------------------------------------------------------
const pki = getPki();
const p256 = pki.leaves.p256;
const rsa = pki.leaves.rsa2048;
// node-forge parses RSA certificates only (the test PKI's CAs are ECDSA): a self-signed RSA-2048 one.
function forgeCert() {
  const key = path.join(pki.dir, 'forge-rsa.key');
  const cert = path.join(pki.dir, 'forge-rsa.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-subj', '/CN=localhost', '-days', '30', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
}
const forgeRsa = forgeCert();
const tls13 = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' };
const SUITES = {
  'CHACHA20-POLY1305': { tls13: 'TLS_CHACHA20_POLY1305_SHA256', tls12: 'ECDHE-ECDSA-CHACHA20-POLY1305' },
  'AES-128-GCM': { tls13: 'TLS_AES_128_GCM_SHA256', tls12: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
  'AES-256-GCM': { tls13: 'TLS_AES_256_GCM_SHA384', tls12: 'ECDHE-ECDSA-AES256-GCM-SHA384' },
};
const serverSpecs = {
  'tls13-p256': { cert: p256.chainPem, key: p256.keyPem, ...tls13 },
  'tls13-rsa2048': { cert: rsa.chainPem, key: rsa.keyPem, ...tls13 },
  'tls12-p256': { cert: p256.chainPem, key: p256.keyPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
    ciphers: SUITES['AES-128-GCM'].tls12 },
  // node-forge: TLS 1.1, RSA key exchange, AES-128-CBC; OpenSSL 3 needs security level 0 for it.
  'forge-tls11-rsa': { ...forgeRsa, minVersion: 'TLSv1', maxVersion: 'TLSv1.1',
    ciphers: 'AES128-SHA:@SECLEVEL=0' },
};
for (const [name, s] of Object.entries(SUITES)) {
  // Node takes TLS 1.3 suites in `ciphers` (there is no `ciphersuites` option); one suite: forced.
  serverSpecs[`bulk13-${name}`] = { cert: p256.chainPem, key: p256.keyPem, ...tls13, ciphers: s.tls13 };
}

async function startServers() {
  const child = fork(path.join(HERE, 'servers.mjs'), [JSON.stringify({ servers: serverSpecs })],
    { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  process.once('exit', () => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
  const ports = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b) => { out += b; if (out.includes('\n')) resolve(JSON.parse(out)); });
    child.once('exit', (code) => reject(new Error(`bench servers exited (${code})`)));
  });
  return { ports, stop: () => child.kill('SIGKILL') };
}

// ---- measurements --------------------------------------------------------------------------
/**
 * The order of the clients in round `round`: a Williams design (rows 0 1 n-1 2 n-2 …, shifted by
 * the round; mirrored every other block of n rounds when n is odd), so that over the rounds every
 * client follows every other one equally often — a rotation (A B C, B C A, …) would leave each
 * client always behind the same neighbour, whose garbage and closing sockets then fall into its
 * `process.cpuUsage()` window every round.
 * @param {number} n @param {number} round @returns {number[]}
 */
function roundOrder(n, round) {
  const row = [];
  for (let j = 0; j < n; j++) row.push(((j % 2 ? (j + 1) / 2 : n - j / 2) + round) % n);
  return n % 2 && Math.floor(round / n) % 2 ? row.reverse() : row;
}

/**
 * N sequential full handshakes per client, the clients of one case interleaved: HS_ROUNDS rounds,
 * each client's share of a round in the order of roundOrder(), so that load from other work on
 * the machine and each client's leftovers fall on every client alike; each client first does HS_WARM handshakes
 * (JIT and wasm tier-up, so the rows compare steady states rather than who ran first and warmed
 * Node's shared net/stream code for the others). Per client: latency median/p90 (ms) and client
 * CPU per handshake (ms, `process.cpuUsage()` summed over its rounds).
 * @returns {Promise<Record<string, object>>} by client name (or { error })
 */
async function handshakeCase(clients, port, opts, names, n = HS_N) {
  const acc = Object.fromEntries(names.map((name) => [name, { lat: [], cpu: 0, wall: 0, error: null }]));
  for (const name of names) {
    try {
      for (let i = 0; i < HS_WARM; i++) { const c = clients[name].open(port, opts); await c.opened; await c.close(); }
    } catch (err) { acc[name].error = err; }
  }
  const per = Math.ceil(n / HS_ROUNDS);
  for (let round = 0; round < HS_ROUNDS; round++) {
    for (const k of roundOrder(names.length, round)) {
      const name = names[k];
      const a = acc[name];
      if (a.error) continue;
      try {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < per; i++) {
          const s = performance.now();
          const c = clients[name].open(port, opts);
          await c.opened;
          a.lat.push(performance.now() - s);
          await c.close();
        }
        a.wall += performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        a.cpu += (cpu.user + cpu.system) / 1000;
      } catch (err) { a.error = err; }
    }
  }
  return Object.fromEntries(names.map((name) => {
    const a = acc[name];
    if (a.error) { log(`  ${name} failed: ${a.error?.message ?? a.error}`); return [name, { error: String(a.error?.message ?? a.error) }]; }
    const k = a.lat.length;
    return [name, { n: k, warmUp: HS_WARM, rounds: HS_ROUNDS, medianMs: r2(median(a.lat)), p90Ms: r2(pct(a.lat, 0.9)),
      cpuMsPerHandshake: r2(a.cpu / k), wallMsPerHandshake: r2(a.wall / k) }];
  }));
}

/**
 * Resumed handshakes (TLS 1.3 session tickets), for clients with open(port, { session }) and
 * ticket(): measured as the full ones (handshakeCase): HS_WARM resumed warm-ups per client, then
 * HS_ROUNDS interleaved rounds in roundOrder(); each connection resumes the previous one's
 * ticket. Per client: latency median/p90, CPU per handshake, and how many did resume.
 */
async function resumedCase(clients, port, names, n = HS_N) {
  const st = {};
  const one = async (name, waitMs = 0) => {
    const a = st[name];
    const s = performance.now();
    const c = clients[name].open(port, a.ticket ? { session: a.ticket } : {});
    const info = await c.opened;
    info.ms = performance.now() - s;   // connect() -> opened, as in the full rows
    await new Promise((r) => (waitMs ? setTimeout(r, waitMs) : setImmediate(r)));
    a.ticket = c.ticket() ?? a.ticket;
    await c.close();
    return info;
  };
  for (const name of names) {
    st[name] = { ticket: null, lat: [], cpu: 0, resumed: 0, error: null };
    try {
      await one(name, 20);   // the first full handshake: its tickets follow it
      for (let i = 0; i < HS_WARM; i++) await one(name);
    } catch (err) { st[name].error = err; }
  }
  const per = Math.ceil(n / HS_ROUNDS);
  for (let round = 0; round < HS_ROUNDS; round++) {
    for (const k of roundOrder(names.length, round)) {
      const name = names[k];
      const a = st[name];
      if (a.error) continue;
      try {
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < per; i++) {
          const info = await one(name);
          a.lat.push(info.ms);   // the close is in the CPU figure, not in the latency
          if (info.resumed) a.resumed++;
        }
        const cpu = process.cpuUsage(cpu0);
        a.cpu += (cpu.user + cpu.system) / 1000;
      } catch (err) { a.error = err; }
    }
  }
  return Object.fromEntries(names.map((name) => {
    const a = st[name];
    if (a.error) { log(`  ${name} failed: ${a.error?.message ?? a.error}`); return [name, { error: String(a.error?.message ?? a.error) }]; }
    const k = a.lat.length;
    return [name, { n: k, resumed: a.resumed, medianMs: r2(median(a.lat)), p90Ms: r2(pct(a.lat, 0.9)), cpuMsPerHandshake: r2(a.cpu / k) }];
  }));
}

/** Median MB/s (10^6 bytes) of BULK_RUNS transfers of BULK bytes. */
async function bulk(client, dir, port, opts = {}, bytes = BULK) {
  const rates = [];
  for (let i = 0; i < BULK_RUNS; i++) {
    const s = performance.now();
    await client[dir](port, bytes, opts);
    rates.push(bytes / 1e6 / ((performance.now() - s) / 1000));
  }
  return r2(median(rates));
}

/**
 * WASM heap of open, idle wasmtls connections: bytes malloc'd (the wt_heap_in_use export) per
 * connection with one and with IDLE_CONNS open, and the growth of memory.buffer for IDLE_CONNS.
 */
async function wasmHeap(client, port) {
  const { loadWasmNode } = await import('../tests/node/helpers/wasm.mjs');
  const wasm = await loadWasmNode();
  const x = wasm.exports;
  const memory = () => x.memory.buffer.byteLength;
  const inUse = () => (typeof x.wt_heap_in_use === 'function' ? x.wt_heap_in_use() >>> 0 : null);
  const conns = [];
  const openMany = async (k) => {
    for (let i = 0; i < k; i += 25) {
      const batch = [];
      for (let j = i; j < Math.min(k, i + 25); j++) batch.push(client.open(port));
      await Promise.all(batch.map((c) => c.opened));
      conns.push(...batch);
    }
  };
  const mem0 = memory();
  const used0 = inUse();
  await openMany(1);
  const used1 = inUse();
  await openMany(IDLE_CONNS - 1);
  const usedN = inUse();
  const memN = memory();
  await Promise.all(conns.map((c) => c.close()));
  const perConn = (a, b, k) => (a == null ? null : r2((b - a) / 1024 / k));
  return { connections: IDLE_CONNS, heapInUseBefore: used0,
    kibPerConnection: perConn(used0, used1, 1), kibPerConnectionAtN: perConn(used0, usedN, IDLE_CONNS),
    memoryBefore: mem0, memoryAtN: memN, memoryGrowthMiB: r2((memN - mem0) / 2 ** 20),
    heapInUseAfterClose: inUse() };
}

const NODE_ENTRY = fileURLToPath(import.meta.resolve('wasmtls'));
/** Cold start in a fresh process: import + instantiate (ms), median of COLD_RUNS. */
function coldStart(what) {
  const scripts = {
    // what `import 'wasmtls'` loads in Node (the package's `node` condition: js/dist/node/index.js)
    wasmtls: `const t=performance.now();const m=await import(${JSON.stringify(NODE_ENTRY)});` +
      'await m.init();console.log(performance.now()-t)',
    'node:tls': 'const t=performance.now();await import("node:tls");console.log(performance.now()-t)',
    subtls: `const t=performance.now();await import(${JSON.stringify(path.join(ROOT, 'node_modules/subtls/index.js'))});console.log(performance.now()-t)`,
    'node-forge': `const t=performance.now();await import(${JSON.stringify(path.join(ROOT, 'node_modules/node-forge/lib/index.js'))});console.log(performance.now()-t)`,
  };
  const runs = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    runs.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', scripts[what]], { encoding: 'utf8' }).trim()));
  }
  return r2(median(runs));
}

/** Static ESM import graph from `entry` (relative specifiers only). */
function importGraph(entry, skip = new Set()) {
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file) || skip.has(path.basename(file))) return;
    seen.add(file);
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      walk(path.resolve(path.dirname(file), m[1] ?? m[2]));
    }
  };
  walk(entry);
  return [...seen];
}

const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

/** What a browser downloads: the .wasm (the SIMD build: every current browser has wasm SIMD) plus the browser entry's JS graph, gzip -9 per file. */
function browserSize() {
  const browserEntry = path.join(ROOT, 'js/index.browser.js');
  let entry = browserEntry;
  // the root store (js/roots.js, a dynamic import made only when `ca` is not given) is not counted
  let note = 'js/index.browser.js import graph, without the root store (js/roots.js)';
  let skip = new Set(['roots.js']);
  if (!fs.existsSync(browserEntry)) {
    entry = path.join(ROOT, 'js/index.node.js');
    skip = new Set(['node.js', 'node-tcp.js', 'roots.js']);
    note = 'js/index.browser.js absent: js/index.node.js import graph minus runtimes/node*.js and transports/node-tcp.js';
  }
  const files = importGraph(entry, skip);
  const plainBytes = fs.readFileSync(path.join(ROOT, 'js/dist/wasmtls.wasm'));
  const simdFile = path.join(ROOT, 'js/dist/wasmtls-simd.wasm');
  const wasmBytes = fs.existsSync(simdFile) ? fs.readFileSync(simdFile) : plainBytes;
  const js = files.map((f) => ({ file: path.relative(ROOT, f), bytes: fs.statSync(f).size, gzip: gz(fs.readFileSync(f)) }));
  const jsGzip = js.reduce((a, f) => a + f.gzip, 0);
  const jsConcatGzip = gz(Buffer.concat(files.map((f) => fs.readFileSync(f))));
  const subtlsFile = path.join(ROOT, 'node_modules/subtls/index.js');
  // The bundled, minified browser build (scripts/bundle-browser.mjs; `wasmtls/browser.min.js`): one file + the wasm.
  const bundleFile = path.join(ROOT, 'js/dist/wasmtls.browser.min.js');
  const bundle = fs.existsSync(bundleFile) ? fs.readFileSync(bundleFile) : null;
  return {
    note,
    wasmBytes: wasmBytes.length, wasmGzip: gz(wasmBytes), plainWasmBytes: plainBytes.length, plainWasmGzip: gz(plainBytes),
    jsBytes: js.reduce((a, f) => a + f.bytes, 0), jsGzipPerFile: jsGzip, jsGzipBundled: jsConcatGzip,
    totalGzip: gz(wasmBytes) + jsGzip, files: js,
    subtlsGzip: gz(fs.readFileSync(subtlsFile)),
    bundleFile: bundle ? path.relative(ROOT, bundleFile) : null, bundleBytes: bundle?.length ?? null, bundleGzip: bundle ? gz(bundle) : null,
    bundleTotalGzip: bundle ? gz(wasmBytes) + gz(bundle) : null,
  };
}

async function guard(label, fn) {
  try { return await fn(); } catch (err) { log(`  ${label}: FAILED ${err.message}`); return { error: String(err.message ?? err) }; }
}

// ---- main ----------------------------------------------------------------------------------
async function main() {
  const servers = await startServers();
  const P = servers.ports;
  const clients = {
    wasmtls: await wasmtlsClient(pki),
    'node:tls': await nodeTlsClient(pki),
    subtls: await subtlsClient(pki),
    'node-forge': await forgeClient(),
  };
  // the same wasmtls with every signature verified by BearSSL in wasm (nativeVerify: false), for the
  // native-verification comparison (issue 18 item 1) in the handshake rows
  const hsClients = { ...clients, 'wasmtls/bearssl': await wasmtlsClient(pki, { nativeVerify: false }) };
  // the same wasmtls with every record protected by the wasm (SIMD) AEAD (nativeCipher: false), for the
  // node:crypto record-protection comparison (issue 18 item 2) in the bulk rows
  const bulkClients = { ...clients, 'wasmtls/wasm': await wasmtlsClient(pki, { nativeCipher: false }) };
  const R = { date: new Date().toISOString(), quick: QUICK,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, platform: `${os.type()} ${os.release()}`,
      loadavg: os.loadavg().map(r2) },
    params: { handshakes: HS_N, handshakeWarmUp: HS_WARM, handshakeRounds: HS_ROUNDS, bulkBytes: BULK, forgeBulkBytes: FORGE_BULK, bulkRuns: BULK_RUNS, idleConnections: IDLE_CONNS, coldRuns: COLD_RUNS },
    handshake: {}, resumed: {}, bulk: {}, heap: null, coldStartMs: {}, size: null, browser: null };
  // Which wasm build the Node loader picked (the SIMD one where it validates; WASMTLS_WASM overrides).
  const { loadWasmNode } = await import('../tests/node/helpers/wasm.mjs');
  R.wasmBuild = (await loadWasmNode()).exports.wt_build_simd() ? 'js/dist/wasmtls-simd.wasm' : 'js/dist/wasmtls.wasm';

  if (BULK_ONLY) {
    await bulkRows(R, bulkClients, P);
    servers.stop();
    console.log(`bulk, ${BULK / 2 ** 20} MiB per transfer, median of ${BULK_RUNS} (MB/s, download / upload) — ${R.date}, load ${R.machine.loadavg.join(' ')}`);
    for (const [suite, row] of Object.entries(R.bulk)) {
      for (const [name, v] of Object.entries(row)) console.log(`  ${suite.padEnd(20)} ${name.padEnd(13)} ${v.downMBps} / ${v.upMBps}`);
    }
    process.exit(0);
  }
  const hsCases = [
    ['TLS 1.3 ECDSA P-256', 'tls13-p256', { version: 'TLSv1.3' }, ['wasmtls', 'wasmtls/bearssl', 'node:tls', 'subtls']],
    ['TLS 1.3 RSA-2048', 'tls13-rsa2048', { version: 'TLSv1.3' }, ['wasmtls', 'wasmtls/bearssl', 'node:tls', 'subtls']],
    ['TLS 1.2 ECDHE-ECDSA P-256', 'tls12-p256', { version: 'TLSv1.2' }, ['wasmtls', 'wasmtls/bearssl', 'node:tls']],
    ['TLS 1.1 RSA kx AES-128-CBC (forge)', 'forge-tls11-rsa', { version: 'TLSv1.1' }, ['node-forge']],
  ];
  for (const [label, server, opts, names] of hsCases) {
    log(`handshake ${label}: ${names.join(', ')} (interleaved)`);
    R.handshake[label] = await handshakeCase(hsClients, P[server], opts, names);
  }
  log('resumed: node:tls, wasmtls (interleaved)');
  R.resumed['TLS 1.3 ECDSA P-256'] = {
    ...await guard('resumed', () => resumedCase(clients, P['tls13-p256'], ['node:tls', 'wasmtls'])),
    subtls: { na: 'subtls has no resumption' },
  };

  await bulkRows(R, bulkClients, P);
  log('bulk forge (TLS 1.1 AES-128-CBC)');
  R.bulk['AES-128-CBC-SHA (TLS 1.1)'] = { 'node-forge': {
    downMBps: await guard('forge down', () => bulk(clients['node-forge'], 'download', P['forge-tls11-rsa'], {}, FORGE_BULK)),
    upMBps: await guard('forge up', () => bulk(clients['node-forge'], 'upload', P['forge-tls11-rsa'], {}, FORGE_BULK)),
  } };
  log(`heap: ${IDLE_CONNS} idle wasmtls connections`);
  R.heap = await guard('heap', () => wasmHeap(clients.wasmtls, P['tls13-p256']));
  for (const name of Object.keys(clients)) { log(`cold start: ${name}`); R.coldStartMs[name] = await guard(name, () => coldStart(name)); }
  R.size = browserSize();
  servers.stop();
  if (BROWSER) {
    log('browser: Chromium through websockify and Wisp');
    R.browser = await guard('browser', () => browserBench({ quick: QUICK, log }));
  } else R.browser = { skipped: '--no-browser' };
  // HTTP in Chromium: wasmtls/fetch vs epoxy-tls's and libcurl.js's fetch (bench/fetch-browser.mjs).
  R.fetchBrowser = BROWSER ? await guard('fetch browser', () => fetchBrowserBench({ quick: QUICK, log })) : { skipped: '--no-browser' };
  R.targets = targets(R);
  R.pq = await guard('pq', () => pqBench({ quick: QUICK, log })); R.targets.push(...(R.pq.targets ?? []));
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(R, null, 2) + '\n');
  print(R);
  console.log(formatFetchBrowser(R.fetchBrowser));
  log(`\nJSON written to ${path.relative(process.cwd(), OUT)}`);
  process.exit(0);
}

/** The bulk rows: per TLS 1.3 suite, wasmtls (node:crypto records), wasmtls/wasm (the wasm SIMD AEAD), node:tls, subtls. */
async function bulkRows(R, clients, P) {
  for (const suite of Object.keys(SUITES)) {
    R.bulk[suite] = {};
    const names = suite === 'AES-128-GCM' ? ['wasmtls', 'wasmtls/wasm', 'node:tls', 'subtls'] : ['wasmtls', 'wasmtls/wasm', 'node:tls'];
    for (const name of names) {
      log(`bulk ${suite}: ${name}`);
      // one untimed transfer first: otherwise the first rows measure JIT warm-up and the wasm load
      // (a 32 MiB ChaCha20 download measured 191, 220, then 365-630 MB/s in one process)
      await guard(`${name} warm-up`, () => clients[name].download(P[`bulk13-${suite}`], BULK, {}));
      R.bulk[suite][name] = {
        downMBps: await guard(`${name} down`, () => bulk(clients[name], 'download', P[`bulk13-${suite}`], { cipher: SUITES[suite].tls13 })),
        upMBps: await guard(`${name} up`, () => bulk(clients[name], 'upload', P[`bulk13-${suite}`])),
      };
    }
  }
}

function targets(R) {
  const hs = R.handshake['TLS 1.3 ECDSA P-256'];
  const cpu = (n) => hs[n]?.cpuMsPerHandshake;
  const down = (s, n) => R.bulk[s]?.[n]?.downMBps;
  const t = [];
  const add = (name, value, ok, detail) => t.push({ name, value: r2(value), pass: value != null && ok, detail });
  add('handshake CPU <= 1.2x Node tls (TLS 1.3 P-256)', cpu('wasmtls') / cpu('node:tls'), cpu('wasmtls') / cpu('node:tls') <= 1.2, 'ratio');
  add('handshake CPU <= 0.25x subtls', cpu('wasmtls') / cpu('subtls'), cpu('wasmtls') / cpu('subtls') <= 0.25, 'ratio');
  add('download ChaCha20-Poly1305 >= 150 MB/s', down('CHACHA20-POLY1305', 'wasmtls'), down('CHACHA20-POLY1305', 'wasmtls') >= 150, 'MB/s');
  // subtls has no ChaCha20: compare against its best (AES-128-GCM) download.
  const vsSub = down('CHACHA20-POLY1305', 'wasmtls') / down('AES-128-GCM', 'subtls');
  add('download ChaCha20 >= 2.5x subtls (its AES-128-GCM)', vsSub, vsSub >= 2.5, 'ratio');
  add('download AES-128-GCM >= 60 MB/s', down('AES-128-GCM', 'wasmtls'), down('AES-128-GCM', 'wasmtls') >= 60, 'MB/s');
  // issue 18's bulk targets
  for (const suite of ['AES-128-GCM', 'AES-256-GCM']) {
    add(`download ${suite} >= 150 MB/s`, down(suite, 'wasmtls'), down(suite, 'wasmtls') >= 150, 'MB/s');
  }
  const aesVsSub = down('AES-128-GCM', 'wasmtls') / down('AES-128-GCM', 'subtls');
  add('download AES-128-GCM >= 1.3x subtls', aesVsSub, aesVsSub >= 1.3, 'ratio');
  // subtls has no AES-256-GCM: against its AES-128-GCM download
  const aes256VsSub = down('AES-256-GCM', 'wasmtls') / down('AES-128-GCM', 'subtls');
  add('download AES-256-GCM >= 1.3x subtls (its AES-128-GCM)', aes256VsSub, aes256VsSub >= 1.3, 'ratio');
  // no regression on the other handshakes: held to the same bar as the full TLS 1.3 one
  const h12 = R.handshake['TLS 1.2 ECDHE-ECDSA P-256'] ?? {};
  const tls12 = h12.wasmtls?.cpuMsPerHandshake / h12['node:tls']?.cpuMsPerHandshake;
  add('TLS 1.2 handshake CPU <= 1.2x Node tls', tls12, tls12 <= 1.2, 'ratio');
  const res = R.resumed['TLS 1.3 ECDSA P-256'] ?? {};
  const resumed = res.wasmtls?.cpuMsPerHandshake / res['node:tls']?.cpuMsPerHandshake;
  // only a run in which every connection did resume counts
  const allResumed = ['node:tls', 'wasmtls'].every((k) => res[k]?.n > 0 && res[k].resumed === res[k].n);
  add('resumed handshake CPU <= 1.2x Node tls', resumed, allResumed && resumed <= 1.2, allResumed ? 'ratio' : 'ratio (not every connection resumed)');
  add('download ChaCha20-Poly1305 >= 250 MB/s', down('CHACHA20-POLY1305', 'wasmtls'), down('CHACHA20-POLY1305', 'wasmtls') >= 250, 'MB/s');
  // the wasm SIMD AEAD alone (nativeCipher: false: browsers and workerd always take this path)
  add('download ChaCha20-Poly1305 (wasm SIMD) >= 250 MB/s', down('CHACHA20-POLY1305', 'wasmtls/wasm'),
    down('CHACHA20-POLY1305', 'wasmtls/wasm') >= 250, 'MB/s (nativeCipher: false; informational: the browsers\' path)');
  // against the bundled, minified build (wasm + js/dist/wasmtls.browser.min.js); the unbundled graph alongside
  const bundled = R.size.bundleTotalGzip ?? R.size.totalGzip;
  add('browser WASM+JS <= 60 KB gzip (minified bundle)', bundled / 1000, bundled <= 60000,
    `KB (wasm ${r2(R.size.wasmGzip / 1000)} + bundle ${R.size.bundleGzip == null ? 'absent' : r2(R.size.bundleGzip / 1000)}; unbundled graph ${r2(R.size.totalGzip / 1000)} KB)`);
  add('cold start <= 15 ms', R.coldStartMs.wasmtls, R.coldStartMs.wasmtls <= 15, 'ms');
  add('WASM heap per idle connection <= 40 KiB', R.heap?.kibPerConnection, R.heap?.kibPerConnection <= 40, 'KiB');
  // Chromium over Wisp, against epoxy-tls in the same run (bench/browser.mjs computes them).
  for (const x of R.browser?.epoxy?.targets ?? []) t.push(x);
  return t;
}

function print(R) {
  const fmt = (v, unit = '') => (v == null || typeof v === 'object' ? (v?.na ? 'N/A' : '–') : `${v}${unit}`);
  const ratio = (a, b) => (a == null || b == null || typeof a === 'object' || typeof b === 'object' || !b ? '' : ` (${(a / b).toFixed(2)}×)`);
  const lines = [];
  lines.push(`wasmtls benchmark — ${R.date} — ${R.machine.cpus} CPU ${R.machine.model} — Node ${R.machine.node} — load ${R.machine.loadavg.join(' ')}`);
  lines.push(`wasmtls build: ${R.wasmBuild}. Ratios (×) are against Node tls measured in this run.\n`);
  lines.push('Full handshake (median / p90 latency, client CPU per handshake)');
  for (const [label, row] of Object.entries(R.handshake)) {
    const base = row['node:tls'];
    for (const [name, v] of Object.entries(row)) {
      if (v.error) { lines.push(`  ${label.padEnd(36)} ${name.padEnd(15)} FAILED: ${v.error}`); continue; }
      lines.push(`  ${label.padEnd(36)} ${name.padEnd(15)} ${fmt(v.medianMs, ' ms').padStart(9)}${ratio(v.medianMs, base?.medianMs).padEnd(9)} / ${fmt(v.p90Ms, ' ms').padStart(9)}   CPU ${fmt(v.cpuMsPerHandshake, ' ms').padStart(9)}${ratio(v.cpuMsPerHandshake, base?.cpuMsPerHandshake)}`);
    }
  }
  lines.push('\nResumed handshake (TLS 1.3 ticket)');
  for (const [name, v] of Object.entries(R.resumed['TLS 1.3 ECDSA P-256'])) {
    const full = R.handshake['TLS 1.3 ECDSA P-256']?.[name]?.cpuMsPerHandshake;
    const vsFull = full && v.cpuMsPerHandshake ? ` (${(v.cpuMsPerHandshake / full).toFixed(2)}x the CPU of a full handshake)` : '';
    lines.push(`  ${name.padEnd(11)} ${v.na ? `N/A (${v.na})` : v.error ? `FAILED ${v.error}` : `${v.medianMs} ms median, ${v.p90Ms} ms p90, CPU ${v.cpuMsPerHandshake} ms${vsFull}, ${v.resumed}/${v.n} resumed`}`);
  }
  lines.push(`\nBulk, ${R.params.bulkBytes / 2 ** 20} MiB per transfer, median of ${R.params.bulkRuns} (MB/s, download / upload)`);
  for (const [suite, row] of Object.entries(R.bulk)) {
    const base = row['node:tls'];
    for (const [name, v] of Object.entries(row)) {
      lines.push(`  ${suite.padEnd(28)} ${name.padEnd(13)} ${fmt(v.downMBps).padStart(8)}${ratio(v.downMBps, base?.downMBps).padEnd(9)} / ${fmt(v.upMBps).padStart(8)}${ratio(v.upMBps, base?.upMBps)}`);
    }
  }
  lines.push('  wasmtls: records sealed/opened by node:crypto (nativeCipher, the default in Node); wasmtls/wasm: nativeCipher: false, the wasm SIMD AEAD (the browsers\' path).');
  lines.push(`  subtls: AES-128-GCM only (no ChaCha20, no AES-256); node-forge: TLS 1.1 AES-128-CBC only (${R.params.forgeBulkBytes / 2 ** 20} MiB).`);
  const h = R.heap;
  lines.push(`\nWASM heap per open idle connection: ${h.kibPerConnection} KiB (one), ${h.kibPerConnectionAtN} KiB each with ${h.connections} open; ` +
    `memory.buffer grew ${h.memoryGrowthMiB} MiB for ${h.connections} (from ${(h.memoryBefore / 2 ** 20).toFixed(0)} MiB); heap in use after closing all: ${h.heapInUseAfterClose} B (before: ${h.heapInUseBefore} B)`);
  lines.push(`\nCold start (fresh process, import + instantiate, median of ${R.params.coldRuns}): ` +
    Object.entries(R.coldStartMs).map(([n, v]) => `${n} ${fmt(v, ' ms')}`).join(', '));
  const s = R.size;
  lines.push(`\nBrowser download (gzip -9): wasm ${s.wasmGzip} B (raw ${s.wasmBytes}; the plain build ${s.plainWasmGzip} B) + JS ${s.jsGzipPerFile} B per file (${s.jsGzipBundled} B bundled) = ${(s.totalGzip / 1000).toFixed(1)} KB unbundled; ` +
    `minified bundle ${s.bundleGzip ?? 'absent'} B (raw ${s.bundleBytes ?? '–'}) + wasm = ${s.bundleTotalGzip == null ? '–' : (s.bundleTotalGzip / 1000).toFixed(1)} KB; subtls ${(s.subtlsGzip / 1000).toFixed(1)} KB`);
  lines.push(`  (${s.note})`);
  const b = R.browser;
  lines.push('\nBrowser (Chromium, in a page)');
  if (!b || b.skipped || b.error) lines.push(`  ${b?.skipped ? `skipped: ${b.skipped}` : `FAILED: ${b?.error}`}`);
  else {
    lines.push(`  Chromium ${b.chromium}; ${b.params.handshakes} handshakes (TLS 1.3 P-256); download ${b.params.bulkBytes / 2 ** 20} MiB, median of ${b.params.bulkRuns} (MB/s)`);
    for (const [name, t] of Object.entries(b.transports)) {
      const hs = t.handshake?.error ? `FAILED: ${t.handshake.error}` : `${fmt(t.handshake?.medianMs, ' ms').padStart(9)} / ${fmt(t.handshake?.p90Ms, ' ms').padStart(9)} (proxy open ${fmt(t.handshake?.transportOpenMedianMs, ' ms')}; main-thread CPU ${fmt(t.handshake?.cpuMsPerHandshake, ' ms')})`;
      const dl = Object.entries(t.downMBps ?? {}).map(([s, v]) => `${s} ${v?.error ? `FAILED: ${v.error}` : fmt(v)}`).join(', ');
      const raw = t.rawDownMBps?.error ? 'FAILED' : fmt(t.rawDownMBps);
      lines.push(`  ${name.padEnd(11)} handshake median / p90 ${hs}   down ${dl} (no TLS: ${raw})`);
    }
    const c = b.coldStart;
    lines.push(`  cold start (fresh context, import + loadWasmBrowser, median of ${c.runs}): ${c.medianMs} ms (import ${c.importMedianMs} + wasm ${c.instantiateMedianMs}; ${c.wasmBuild})`);
    const cb = b.coldStartBundle;
    if (cb) lines.push(`  cold start of the minified bundle (${cb.entry}): ${cb.medianMs} ms (import ${cb.importMedianMs} + wasm ${cb.instantiateMedianMs})`);
    printEpoxy(b, lines, fmt, ratio);
  }
  lines.push(...pqLines(R.pq));
  lines.push('\nTargets');
  for (const t of R.targets) lines.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name.padEnd(52)} measured ${t.value ?? '–'} ${t.detail}`);
  console.log(lines.join('\n'));
}

/** wasmtls next to epoxy-tls (Chromium, the same Wisp server and TLS servers; bench/browser.mjs vsEpoxy). */
function printEpoxy(b, lines, fmt, ratio) {
  const E = b.epoxy;
  lines.push('\nBrowser: wasmtls vs epoxy-tls (Chromium, same Wisp server, same TLS servers, same CA); ratios are wasmtls / epoxy-tls');
  if (!E || E.skipped || E.error) { lines.push(`  ${E?.skipped ? `skipped: ${E.skipped}` : `FAILED: ${E?.error}`}`); return; }
  lines.push(`  ${E.package} ${E.version} (${E.build}); CA given as pem_files — without it epoxy ${E.caCheck?.rejected ? 'rejects the chain' : 'ACCEPTED the chain (CA not in effect!)'}`);
  const ours = E.handshake.wasmtls;
  const theirs = E.handshake['epoxy-tls'];
  const row = (label, a, b, unit) => lines.push(`  ${label.padEnd(34)} ${fmt(a, unit).padStart(10)} ${fmt(b, unit).padStart(10)}${ratio(a, b)}`);
  lines.push(`  ${''.padEnd(34)} ${'wasmtls'.padStart(10)} ${'epoxy-tls'.padStart(10)}`);
  row(`handshake median (n=${ours?.n}, ${b.params.epoxyRounds} rounds)`, ours?.medianMs, theirs?.medianMs, ' ms');
  row('handshake p90', ours?.p90Ms, theirs?.p90Ms, ' ms');
  row('main-thread CPU per handshake', ours?.cpuMsPerHandshake, theirs?.cpuMsPerHandshake, ' ms');
  row('  of which script', ours?.scriptMsPerHandshake, theirs?.scriptMsPerHandshake, ' ms');
  for (const [suite, v] of Object.entries(E.downMBps)) {
    const e = (x) => (x?.error ? null : x);
    row(`download ${suite} (MB/s)`, e(v.wasmtls), e(v['epoxy-tls']), '');
    for (const [n, x] of Object.entries(v)) if (x?.error) lines.push(`    ${n} FAILED: ${x.error}`);
  }
  row(`cold start (median of ${E.coldStart?.runs})`, b.coldStart?.medianMs, E.coldStart?.medianMs, ' ms');
  if (b.coldStartBundle) row('cold start, minified bundle', b.coldStartBundle.medianMs, E.coldStart?.medianMs, ' ms');
  const kb = (x) => (x == null ? null : Math.round(x / 100) / 10);
  row('downloaded JS + wasm, raw (KB)', kb(b.download?.bytes), kb(E.download?.bytes), '');
  row('downloaded JS + wasm, gzip -9 (KB)', kb(b.download?.gzip), kb(E.download?.gzip), '');
  lines.push(`    wasmtls: ${(b.download?.files ?? []).map((f) => `${f.file} ${f.bytes} B`).join(', ')}`);
  lines.push(`    epoxy-tls: ${(E.download?.files ?? []).map((f) => `${f.file} ${f.bytes} B`).join(', ')}`);
  lines.push('  negotiated (as the server reports it):');
  for (const [n, v] of Object.entries(E.negotiated)) {
    lines.push(`    ${n.padEnd(10)} ${Object.entries(v).map(([srv, x]) => `${srv}: ${x?.error ? `FAILED ${x.error}` : x}`).join('; ')}`);
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
