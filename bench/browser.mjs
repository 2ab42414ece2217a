// Browser variant of the benchmark: wasmtls in headless Chromium (playwright-core, /usr/bin/chromium),
// in a page (bench/browser-page.html) served from the repo root by scripts/static-server.mjs,
// through websockify and through a Wisp server (scripts/wisp-server.mjs) to the same loopback
// Node TLS servers as the Node bench (bench/servers.mjs, a forked process).
//
//   browserBench({ quick, log }) → { chromium, transports: { websockify: {...}, wisp: {...} }, coldStart, ... }
//                                 or { skipped: reason } when Chromium or websockify is missing.
//
// Per transport: full handshake latency (connect() → opened; median, p90 over HS_N sequential
// connects after 2 warm-ups) and download MB/s (10^6 bytes / s, connect() to last byte, like the
// Node bench) for ChaCha20-Poly1305 and AES-128-GCM, and as a baseline the same download over the
// bare transport from a plain TCP server (no TLS: what the proxy path itself allows). Cold start: import of js/index.browser.js +
// loadWasmBrowser() in a fresh browser context (no HTTP cache: the static server sends no-store).
// Used by bench/run.mjs; `node bench/browser.mjs [--quick]` runs it alone and prints JSON.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { CHROMIUM, browserSkipReason, startWebsockify } from '../tests/node/helpers/browser.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { startWispServer } from '../scripts/wisp-server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const WASM = path.join(ROOT, 'js/dist/wasmtls.wasm');
const PAGE = 'bench/browser-page.html';
const STEP_TIMEOUT_MS = 5 * 60 * 1000;

const SUITES = {
  'CHACHA20-POLY1305': 'TLS_CHACHA20_POLY1305_SHA256',
  'AES-128-GCM': 'TLS_AES_128_GCM_SHA256',
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const r2 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);

function withTimeout(promise, what, ms = STEP_TIMEOUT_MS) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms);
  })]).finally(() => clearTimeout(timer));
}

/** bench/servers.mjs in its own process (as bench/run.mjs starts it): { ports, stop() }. */
async function startBenchServers(specs) {
  const child = fork(path.join(HERE, 'servers.mjs'), [JSON.stringify({ servers: specs })],
    { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  const kill = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.once('exit', kill);
  try {
    const ports = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b) => { out += b; if (out.includes('\n')) resolve(JSON.parse(out)); });
      child.once('exit', (code) => reject(new Error(`bench servers exited (${code})`)));
    });
    return { ports, stop: kill };
  } catch (err) { kill(); throw err; }
}

/** Headless Chromium with the browser tests' flags; a new context = a fresh page with no shared renderer. */
async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function openPage(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 15000 });
  return { page, errors };
}

/**
 * @param {{ quick?: boolean, log?: (...a: string[]) => void }} [o]
 * @returns {Promise<object>} plain JSON-able results, or { skipped }
 */
export async function browserBench({ quick = false, log = () => {} } = {}) {
  const skip = browserSkipReason();
  if (skip) return { skipped: skip };
  if (!fs.existsSync(WASM)) return { skipped: 'js/dist/wasmtls.wasm missing (npm run build)' };

  const HS_N = quick ? 5 : 40;
  const BULK = quick ? 4 << 20 : 32 << 20;
  const BULK_RUNS = quick ? 1 : 3;
  const COLD_RUNS = 3;

  const pki = getPki();
  const leaf = pki.leaves.p256;
  const tls13 = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' };
  const specs = { 'tls13-p256': { cert: leaf.chainPem, key: leaf.keyPem, ...tls13 } };
  for (const [name, suite] of Object.entries(SUITES)) specs[`bulk13-${name}`] = { cert: leaf.chainPem, key: leaf.keyPem, ...tls13, ciphers: suite };
  specs.plain = { plain: true };

  const stops = [];
  let browser = null;
  try {
    const servers = await startBenchServers(specs);
    stops.push(async () => servers.stop());
    const P = servers.ports;
    // websockify takes one fixed target: one per server. Wisp: one server, an allow-list of them all.
    const ws = {};
    for (const name of Object.keys(specs)) {
      ws[name] = await startWebsockify(P[name]);
      stops.push(() => ws[name].stop());
    }
    const wisp = await startWispServer({ allow: Object.keys(specs).map((name) => ({ host: '127.0.0.1', port: P[name] })) });
    stops.push(() => wisp.stop());
    const web = await startStaticServer();
    stops.push(() => web.stop());
    const pageUrl = `${web.url}${PAGE}`;

    browser = await launch();
    const R = {
      chromium: browser.version(),
      params: { handshakes: HS_N, warmups: 2, bulkBytes: BULK, bulkRuns: BULK_RUNS, coldRuns: COLD_RUNS },
      transports: {},
      coldStart: null,
      notes: 'latency = connect() → opened in the page; websockify: a new WebSocket (and proxy-side TCP connection) per ' +
        'connect; wisp: one shared WebSocket, a new Wisp stream per connect (transportOpenMedianMs: the part of the latency ' +
        'until the proxy connection was open). MB/s = 10^6 bytes / s from connect() to the last byte; ' +
        'rawDownMBps: the same download from a plain TCP server over the bare transport (no TLS).',
    };

    // Cold start first, each in its own context (no renderer, memory cache or compiled code shared).
    log('browser: cold start (fresh context: import + loadWasmBrowser)');
    const cold = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const context = await browser.newContext();
      try {
        const { page } = await openPage(context, pageUrl);
        cold.push(await withTimeout(page.evaluate(() => window.wasmtlsBench.coldStart()), 'cold start'));
      } finally { await context.close(); }
    }
    R.coldStart = {
      runs: COLD_RUNS,
      medianMs: r2(median(cold.map((c) => c.totalMs))),
      importMedianMs: r2(median(cold.map((c) => c.importMs))),
      instantiateMedianMs: r2(median(cold.map((c) => c.instantiateMs))),
      allMs: cold.map((c) => r2(c.totalMs)),
      wasmBuild: cold.every((c) => c.simd) ? 'js/dist/wasmtls-simd.wasm' : 'js/dist/wasmtls.wasm',
    };

    const context = await browser.newContext();
    const { page, errors } = await openPage(context, pageUrl);
    const ca = pki.rootPem;
    const targets = {
      websockify: (name) => ({ kind: 'websocket', url: ws[name].url, port: P[name] }),
      wisp: (name) => ({ kind: 'wisp', url: wisp.url, port: P[name] }),
    };
    for (const [transport, target] of Object.entries(targets)) {
      const T = (R.transports[transport] = {});
      log(`browser ${transport}: ${HS_N} handshakes (TLS 1.3 P-256)`);
      try {
        const hs = await withTimeout(page.evaluate((a) => window.wasmtlsBench.handshakes(a),
          { ...target('tls13-p256'), ca, n: HS_N, warmup: 2 }), `${transport} handshakes`);
        T.handshake = { n: HS_N, medianMs: r2(median(hs.latencies)), p90Ms: r2(pct(hs.latencies, 0.9)),
          transportOpenMedianMs: r2(median(hs.transportMs)),
          wallMsPerHandshake: r2(hs.wallMs / HS_N), version: hs.version, cipher: hs.cipher, group: hs.group };
        if (transport === 'websockify') T.webSocketStream = hs.webSocketStream;
      } catch (err) { log(`  ${transport} handshakes: FAILED ${err.message}`); T.handshake = { error: String(err.message ?? err) }; }
      T.downMBps = {};
      for (const [suite, cipher] of Object.entries(SUITES)) {
        log(`browser ${transport}: download ${BULK / 2 ** 20} MiB ${suite}`);
        try {
          const rates = [];
          for (let i = 0; i < BULK_RUNS; i++) {
            const d = await withTimeout(page.evaluate((a) => window.wasmtlsBench.download(a),
              { ...target(`bulk13-${suite}`), ca, bytes: BULK, cipher }), `${transport} download ${suite}`);
            rates.push(d.bytes / 1e6 / (d.ms / 1000));
          }
          T.downMBps[suite] = r2(median(rates));
        } catch (err) { log(`  ${transport} download ${suite}: FAILED ${err.message}`); T.downMBps[suite] = { error: String(err.message ?? err) }; }
      }
      log(`browser ${transport}: download ${BULK / 2 ** 20} MiB without TLS (transport baseline)`);
      try {
        const rates = [];
        for (let i = 0; i < BULK_RUNS; i++) {
          const d = await withTimeout(page.evaluate((a) => window.wasmtlsBench.rawDownload(a),
            { ...target('plain'), bytes: BULK }), `${transport} raw download`);
          rates.push(d.bytes / 1e6 / (d.ms / 1000));
        }
        T.rawDownMBps = r2(median(rates));
      } catch (err) { log(`  ${transport} raw download: FAILED ${err.message}`); T.rawDownMBps = { error: String(err.message ?? err) }; }
    }
    if (errors.length) R.pageErrors = errors;
    await context.close();
    return R;
  } finally {
    await browser?.close().catch(() => {});
    for (const stop of stops.reverse()) await Promise.resolve().then(stop).catch(() => {});
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const r = await browserBench({ quick, log: (...a) => process.stderr.write(a.join(' ') + '\n') });
  console.log(JSON.stringify(r, null, 2));
  process.exit(0);
}
