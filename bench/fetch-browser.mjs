// The HTTP bench in the browser (issue 20): three fetch() clients in headless Chromium (playwright-core,
// /usr/bin/chromium), in one page (bench/fetch-page.html, served from the repo root by
// scripts/static-server.mjs), through ONE Wisp server (scripts/wisp-server.mjs) on 127.0.0.1 to the SAME
// Debian nginx (tests/node/helpers/nginx.mjs: h2 + http/1.1, TLS with the test PKI's P-256 leaf), all
// three given the same CA (the test PKI's root), in one run:
//   wasmtls     wasmtls/fetch (js/fetch/index.browser.js, nghttp2 wasm for h2)
//   epoxy-tls   npm @mercuryworkshop/epoxy-tls, EpoxyClient.fetch (rustls + hyper in wasm)
//   libcurl.js  npm libcurl.js, libcurl.fetch (curl + mbedTLS + nghttp2 in wasm); the CA goes into its
//               in-memory CA bundle (it has no option for one: see bench/fetch-page.js giveLibcurlCa)
//
// Measured per client: requests/s for N sequential and N concurrent 1 KiB GETs over one warm client
// (its pool already holds the connection the warm-up GET opened), download MB/s (10^6 bytes/s, request
// to last byte) of one large file, and how many TCP connections each phase opened through the Wisp
// server (counted at the server: one Wisp stream = one TCP connection to nginx; 0 in a phase = the warm
// connection carried every request). The clients run interleaved in rounds (the order rotating), so load
// from other work on the machine hits all of them; figures are medians over the rounds. Every response
// is checked: status 200 and the file's exact byte count. Also: what each client says it negotiated
// (HTTP version, ALPN, TLS version / cipher; null where the client does not report it), that each
// client rejects nginx's chain without the CA (the CA is really in effect), and the size of each
// client's fetch entry: the JS + wasm files the page downloaded in a fresh context to load the client
// and make one h2 request with the CA and one without (Resource Timing), raw and gzip -9. The Wisp
// server (in this process) is tapped: it counts the TCP connections it opens and reads the plaintext
// hellos (the client's ALPN offer, nginx's version / suite / group), a view that does not depend on
// what each client reports.
//
//   fetchBrowserBench({ quick, clients, log }) → plain JSON (or { skipped }); formatFetchBrowser(R) → text.
// Used by bench/run.mjs; `node bench/fetch-browser.mjs [--quick] [--json]` runs it alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { server as wispInternals } from '@mercuryworkshop/wisp-js/server';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { CHROMIUM } from '../tests/node/helpers/browser.mjs';
import { NGINX, startNginx } from '../tests/node/helpers/nginx.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { startWispServer } from '../scripts/wisp-server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const PAGE = 'bench/fetch-page.html';
const EPOXY_PKG = path.join(ROOT, 'node_modules/@mercuryworkshop/epoxy-tls');
const LIBCURL_PKG = path.join(ROOT, 'node_modules/libcurl.js');
const MOUNTS = { '/epoxy/': path.join(EPOXY_PKG, 'full'), '/libcurl/': LIBCURL_PKG };
export const CLIENTS = ['wasmtls', 'epoxy-tls', 'libcurl.js'];
const STEP_TIMEOUT_MS = 5 * 60 * 1000;
const SMALL = '1k.bin';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : null; };
const r2 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

function withTimeout(promise, what, ms = STEP_TIMEOUT_MS) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms);
  })]).finally(() => clearTimeout(timer));
}

/** Why this bench cannot run here, or null. */
export function fetchBrowserSkipReason(clients = CLIENTS) {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} missing (apt chromium; scripts/setup.sh installs it)`;
  if (!NGINX) return 'nginx is not installed (scripts/setup.sh installs it)';
  if (!fs.existsSync(path.join(ROOT, 'js/dist/wasmtls-h2.wasm'))) return 'js/dist/wasmtls-h2.wasm missing (npm run build)';
  if (clients.includes('epoxy-tls') && !fs.existsSync(path.join(MOUNTS['/epoxy/'], 'epoxy.wasm'))) return 'npm @mercuryworkshop/epoxy-tls missing (npm install)';
  if (clients.includes('libcurl.js') && !fs.existsSync(path.join(LIBCURL_PKG, 'libcurl.wasm'))) return 'npm libcurl.js missing (npm install)';
  return null;
}

/** The files a fresh page fetched for one client (Resource Timing URLs → files served), sized. */
function entrySize(resources) {
  const files = [];
  for (const r of resources) {
    const p = new URL(r.url).pathname;
    if (p.startsWith('/bench/') || !/\.(m?js|wasm)$/.test(p)) continue; // the bench page itself, favicon.ico
    const mount = Object.keys(MOUNTS).find((m) => p.startsWith(m));
    const file = mount ? path.join(MOUNTS[mount], p.slice(mount.length)) : path.join(ROOT, p);
    const buf = fs.readFileSync(file);
    files.push({ file: path.relative(ROOT, file), bytes: buf.length, gzip: gz(buf) });
  }
  const sum = (k, f = () => true) => files.filter(f).reduce((a, x) => a + x[k], 0);
  const isWasm = (x) => x.file.endsWith('.wasm');
  return { files, bytes: sum('bytes'), gzip: sum('gzip'), jsGzip: sum('gzip', (x) => !isWasm(x)), wasmGzip: sum('gzip', isWasm) };
}

const SUITE_NAMES = {
  0x1301: 'TLS_AES_128_GCM_SHA256', 0x1302: 'TLS_AES_256_GCM_SHA384', 0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0xc02b: 'ECDHE-ECDSA-AES128-GCM-SHA256', 0xc02c: 'ECDHE-ECDSA-AES256-GCM-SHA384', 0xcca9: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};
const GROUP_NAMES = { 0x001d: 'x25519', 0x0017: 'secp256r1', 0x0018: 'secp384r1', 0x11ec: 'X25519MLKEM768' };
const VERSION_NAMES = { 0x0304: 'TLSv1.3', 0x0303: 'TLSv1.2' };
const hex4 = (x) => `0x${x.toString(16).padStart(4, '0')}`;

/**
 * The first handshake message of a TLS byte stream, if its record is complete: the ServerHello's
 * version (supported_versions, else legacy_version), suite and key-share group, or the ClientHello's
 * ALPN list. undefined: more bytes needed; null: not a hello (or malformed). Bounds-checked throughout.
 */
export function parseHello(buf, want) {
  if (buf.length < 5) return undefined;
  if (buf[0] !== 22) return null;
  const recLen = buf.readUInt16BE(3);
  if (buf.length < 5 + recLen) return undefined;
  const b = buf.subarray(5, 5 + recLen);
  try {
    let o = 0;
    const need = (n) => { if (o + n > b.length) throw new RangeError('short hello'); };
    const u8 = () => { need(1); return b[o++]; };
    const u16 = () => { need(2); const v = b.readUInt16BE(o); o += 2; return v; };
    const skip = (n) => { need(n); o += n; };
    const type = u8();
    if (type !== (want === 'server' ? 2 : 1)) return null;
    skip(3); // handshake length
    const legacy = u16();
    skip(32); // random
    skip(u8()); // session id
    const out = {};
    if (want === 'server') { out.suite = u16(); skip(1); } else { skip(u16()); skip(u8()); }
    if (o === b.length) return want === 'server' ? { version: VERSION_NAMES[legacy] ?? hex4(legacy), cipher: SUITE_NAMES[out.suite] ?? hex4(out.suite) } : { alpn: [] };
    const end = o + 2 + u16();
    if (end > b.length) return null;
    let version = legacy;
    let group = null;
    let alpn = [];
    while (o + 4 <= end) {
      const et = u16();
      const len = u16();
      need(len);
      const e = b.subarray(o, o + len);
      o += len;
      if (want === 'server' && et === 43 && len === 2) version = e.readUInt16BE(0);
      if (want === 'server' && et === 51 && len >= 2) group = e.readUInt16BE(0);
      if (want === 'client' && et === 16 && len >= 2) {
        alpn = [];
        for (let i = 2; i < len;) { const n = e[i]; if (i + 1 + n > len) return null; alpn.push(e.subarray(i + 1, i + 1 + n).toString('latin1')); i += 1 + n; }
      }
    }
    if (want === 'client') return { alpn };
    return { version: VERSION_NAMES[version] ?? hex4(version), cipher: SUITE_NAMES[out.suite] ?? hex4(out.suite),
      group: group == null ? null : (GROUP_NAMES[group] ?? hex4(group)) };
  } catch { return null; }
}

/**
 * A tap on the Wisp server in this process (npm wisp-js's ServerStream): counts the streams it opened
 * (one per TCP connection to nginx) and reads the plaintext hellos passing through each: the ALPN list
 * the client offered (ClientHello) and the version / suite / group nginx chose (ServerHello). The
 * server's ALPN answer is encrypted in TLS 1.3, so it is not seen here.
 */
function tapWisp() {
  const proto = wispInternals.ServerStream.prototype;
  const setup = proto.setup;
  const tap = { n: 0, hellos: [], restore: () => { proto.setup = setup; } };
  proto.setup = function tappedSetup(...a) {
    tap.n++;
    const hello = { client: null, server: null };
    tap.hellos.push(hello);
    const sock = this.socket;
    const watch = (method, want) => {
      const orig = sock[method].bind(sock);
      let buf = Buffer.alloc(0);
      sock[method] = async (...args) => {
        const data = method === 'send' ? args[0] : await orig(...args);
        if (buf && data) {
          buf = Buffer.concat([buf, Buffer.from(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength ?? data.length)]);
          const r = parseHello(buf, want);
          if (r !== undefined || buf.length > 1 << 16) { hello[want] = r ?? null; buf = null; }
        }
        return method === 'send' ? orig(...args) : data;
      };
    };
    if (sock && typeof sock.send === 'function' && typeof sock.recv === 'function') { watch('send', 'client'); watch('recv', 'server'); }
    return setup.apply(this, a);
  };
  return tap;
}

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
  const call = (fn, ...args) => withTimeout(page.evaluate(([f, a]) => window.fetchBench[f](...a), [fn, args]), `page ${fn}(${args[0] ?? ''})`);
  return { page, errors, call };
}

/** [status, bytes] pairs → { n, status200, rightBytes } (every one must be 200 with `size` bytes). */
function check(results, size) {
  return { n: results.length, status200: results.filter(([s]) => s === 200).length, rightBytes: results.filter(([, b]) => b === size).length };
}
const allRight = (c) => c.n > 0 && c.status200 === c.n && c.rightBytes === c.n;

/**
 * @param {{ quick?: boolean, clients?: string[], log?: (...a: string[]) => void }} [o]
 * @returns {Promise<object>} plain JSON-able results, or { skipped }
 */
export async function fetchBrowserBench({ quick = false, clients = CLIENTS, log = () => {} } = {}) {
  const skip = fetchBrowserSkipReason(clients);
  if (skip) return { skipped: skip };
  const N = quick ? 10 : 100;
  const BULK = quick ? 1 << 20 : 32 << 20;
  const BULK_NAME = quick ? '1m.bin' : '32m.bin';
  const ROUNDS = quick ? 1 : 5;

  const pki = getPki();
  const ca = pki.rootPem;
  const stops = [];
  let browser = null;
  const wispCount = tapWisp();
  stops.push(() => wispCount.restore());
  try {
    const nginx = await startNginx({ leaf: pki.leaves.p256, sizes: { [SMALL]: 1024, [BULK_NAME]: BULK } });
    stops.push(() => nginx.stop());
    const wisp = await startWispServer({ allow: [{ host: '127.0.0.1', port: nginx.port }] });
    stops.push(() => wisp.stop());
    const web = await startStaticServer({ mounts: MOUNTS });
    stops.push(() => web.stop());
    const pageUrl = `${web.url}${PAGE}`;
    const base = nginx.url; // https://127.0.0.1:<port>: the leaf has IP SAN 127.0.0.1 (and DNS localhost)
    const smallUrl = `${base}/${SMALL}`;
    const bulkUrl = `${base}/${BULK_NAME}`;
    const version = (pkg) => { try { return JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).version; } catch { return null; } };

    browser = await launch();
    const R = {
      date: new Date().toISOString(),
      chromium: browser.version(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavgStart: os.loadavg().map(r2) },
      params: { requests: N, smallBytes: 1024, bulkBytes: BULK, rounds: ROUNDS, target: `nginx ${base} (h2 + http/1.1, TLS 1.2/1.3, test PKI P-256 leaf)`, transport: 'one Wisp server (v1) on 127.0.0.1' },
      versions: { wasmtls: version(ROOT), 'epoxy-tls': version(EPOXY_PKG), 'libcurl.js': version(LIBCURL_PKG) },
      clients: {},
      notes: 'req/s: N GETs of 1 KiB over one warm client (after a warm-up GET), sequential (each awaited, body read) or all at once; ' +
        'MB/s: 10^6 bytes/s from fetch() to the last body byte; medians over the rounds (clients interleaved, order rotating). ' +
        'Each round begins with an untimed warm-up GET per client (its pool keeps the connection, or reconnects when its idle timeout ' +
        'closed it while the others ran: wasmtls/fetch closes idle connections after 4 s by default). ' +
        'wispStreams: TCP connections the Wisp server opened for that phase, summed over the rounds (0: the warm connection carried it all). ' +
        'wire: the ALPN list in the ClientHello and the version / suite / group in nginx\'s ServerHello, read at the Wisp server. ' +
        'size: JS + wasm a fresh page downloaded to load the client, make one h2 request with our CA and one without (the public ' +
        'roots: built into epoxy-tls\'s and libcurl.js\'s wasm, js/dist/roots-data.js for wasmtls), gzip -9 of each file; ' +
        'size.withCaOnly: the files before the request without a CA (what a page that always passes `ca` downloads). ' +
        'loadMs: import (+ wasm init for epoxy-tls and libcurl.js; wasmtls fetches its wasm at the first connection), unbundled. ' +
        'libcurl.js has no CA option: our CA replaces the first certificates of its in-memory CA bundle (bench/fetch-page.js).',
    };
    for (const name of clients) R.clients[name] = { version: R.versions[name] };

    // 1. Each client alone in a fresh context: load it (what it downloads), reject the chain without
    //    the CA, then with the CA one h2 GET (loads wasmtls's h2 wasm) and what it reports.
    for (const name of clients) {
      const C = R.clients[name];
      const context = await browser.newContext();
      try {
        const { call, errors } = await openPage(context, pageUrl);
        log(`fetch browser: ${name}: load, CA check, first request`);
        const loaded = await call('load', name);
        C.loadMs = r2(loaded.ms);
        const resources = () => context.pages()[0].evaluate(() => performance.getEntriesByType('resource').map((e) => ({ url: e.name })));
        const noCa = async () => {
          await call('setup', name, { wispUrl: wisp.url, ca: null, as: 'noca' });
          C.caCheck = await call('mustReject', 'noca', smallUrl);
          await call('close', 'noca');
        };
        // libcurl.js's CA bundle is global to its wasm instance: the check without our CA comes first.
        // The others: with the CA first, so that the files a page with a `ca` needs are seen alone
        // (wasmtls loads its default roots, js/dist/roots-data.js, only when given no `ca`).
        if (name === 'libcurl.js') await noCa();
        C.caStore = (await call('setup', name, { wispUrl: wisp.url, ca, as: 'first' })).caStore;
        const h0 = wispCount.hellos.length;
        const first = await call('get', 'first', smallUrl, { probe: true });
        const wire = wispCount.hellos.slice(h0);
        C.wire = wire.length === 1 ? { alpnOffered: wire[0].client?.alpn ?? null, ...(wire[0].server ?? {}) } : { connections: wire.length };
        C.negotiated = { status: first.status, bytes: first.bytes, httpVersion: first.httpVersion ?? null, alpn: first.alpn ?? null, tls: first.tls ?? null };
        await call('close', 'first');
        const withCa = entrySize(await resources());
        if (name !== 'libcurl.js') await noCa();
        C.size = entrySize(await resources());
        C.size.withCaOnly = { bytes: withCa.bytes, gzip: withCa.gzip, files: withCa.files.length };
        if (errors.length) C.pageErrors = errors;
      } catch (err) {
        log(`  ${name}: FAILED ${err.message}`);
        C.error = String(err.message ?? err);
      } finally { await context.close(); }
    }

    // 2. All clients in one page, interleaved rounds: N sequential, N concurrent, one download each.
    const context = await browser.newContext();
    try {
      const { call, errors } = await openPage(context, pageUrl);
      const live = clients.filter((n) => !R.clients[n].error);
      for (const name of live) {
        await call('load', name);
        await call('setup', name, { wispUrl: wisp.url, ca });
        const C = R.clients[name];
        C.rounds = [];
        C.checks = { sequential: { n: 0, status200: 0, rightBytes: 0 }, concurrent: { n: 0, status200: 0, rightBytes: 0 }, download: { n: 0, status200: 0, rightBytes: 0 } };
        C.wispStreams = { warmup: 0, sequential: 0, concurrent: 0, download: 0 };
      }
      const add = (into, c) => { for (const k of Object.keys(into)) into[k] += c[k]; };
      for (let r = 0; r < ROUNDS; r++) {
        const order = live.map((_, i) => live[(i + r) % live.length]);
        for (const name of order) {
          const C = R.clients[name];
          log(`fetch browser: round ${r + 1}/${ROUNDS} ${name}: ${N} sequential, ${N} concurrent, ${BULK / 2 ** 20} MiB`);
          const round = {};
          const w0 = wispCount.n;
          try {
            // Warm: one GET right before the timed phases (the pool keeps its connection, or reconnects
            // if its idle timeout closed it while the other clients ran; wasmtls's default is 4 s).
            let w = wispCount.n;
            const warm = await call('get', name, smallUrl);
            C.wispStreams.warmup += wispCount.n - w;
            C.warm = { status: warm.status, bytes: warm.bytes };
            if (warm.status !== 200 || warm.bytes !== 1024) throw new Error(`warm-up GET: ${warm.status}, ${warm.bytes} bytes`);
            w = wispCount.n;
            const seq = await call('requests', name, { url: smallUrl, n: N, concurrent: false });
            C.wispStreams.sequential += wispCount.n - w;
            add(C.checks.sequential, check(seq.results, 1024));
            round.seqRps = r2(N / (seq.ms / 1000));
            w = wispCount.n;
            const conc = await call('requests', name, { url: smallUrl, n: N, concurrent: true });
            C.wispStreams.concurrent += wispCount.n - w;
            add(C.checks.concurrent, check(conc.results, 1024));
            round.concRps = r2(N / (conc.ms / 1000));
            w = wispCount.n;
            const dl = await call('requests', name, { url: bulkUrl, n: 1, concurrent: false });
            C.wispStreams.download += wispCount.n - w;
            add(C.checks.download, check(dl.results, BULK));
            round.downMBps = r2(BULK / 1e6 / (dl.ms / 1000));
            round.connectionsOpened = wispCount.n - w0;
          } catch (err) {
            log(`  ${name}: FAILED ${err.message}`);
            round.error = String(err.message ?? err);
          }
          C.rounds.push(round);
        }
      }
      for (const name of live) {
        const C = R.clients[name];
        const ok = C.rounds.filter((x) => !x.error);
        C.seqRps = r2(median(ok.map((x) => x.seqRps)));
        C.concRps = r2(median(ok.map((x) => x.concRps)));
        C.downMBps = r2(median(ok.map((x) => x.downMBps)));
        C.allOk = ok.length === ROUNDS && Object.values(C.checks).every(allRight) && C.warm?.status === 200 && C.warm?.bytes === 1024;
        await call('close', name).catch(() => {});
      }
      if (errors.length) R.pageErrors = errors;
    } finally { await context.close(); }
    R.machine.loadavgEnd = os.loadavg().map(r2);
    R.comparison = compare(R);
    return R;
  } finally {
    await browser?.close().catch(() => {});
    for (const stop of stops.reverse()) await Promise.resolve().then(stop).catch(() => {});
  }
}

/** wasmtls / peer for every figure; "ahead" when wasmtls is better (more req/s or MB/s, fewer bytes). */
function compare(R) {
  const ours = R.clients.wasmtls;
  const out = [];
  if (!ours) return out;
  const figures = [
    ['100 sequential 1 KiB GETs (req/s)', (c) => c.seqRps, true],
    ['100 concurrent 1 KiB GETs (req/s)', (c) => c.concRps, true],
    [`download ${R.params.bulkBytes / 2 ** 20} MiB (MB/s)`, (c) => c.downMBps, true],
    ['fetch entry JS + wasm, gzip -9 (bytes)', (c) => c.size?.gzip, false],
  ];
  for (const [peer, C] of Object.entries(R.clients)) {
    if (peer === 'wasmtls') continue;
    for (const [label, get, higherIsBetter] of figures) {
      const a = get(ours);
      const b = get(C);
      const value = a != null && b ? r2(a / b) : null;
      out.push({ name: `${label.replace(/^100 /, `${R.params.requests} `)} vs ${peer}`, value, wasmtls: a ?? null, peer: b ?? null,
        verdict: value == null ? 'n/a' : (higherIsBetter ? value >= 1 : value <= 1) ? 'ahead' : 'behind' });
    }
  }
  return out;
}

/** The results as text, in the style of bench/run.mjs: a table, then each ratio marked ahead / behind. */
export function formatFetchBrowser(R) {
  const lines = ['\nBrowser fetch (issue 20): Chromium, one Wisp server, the same nginx (h2 + http/1.1), the same CA'];
  if (!R || R.skipped || R.error) { lines.push(`  ${R?.skipped ? `skipped: ${R.skipped}` : `FAILED: ${R?.error}`}`); return lines.join('\n'); }
  const names = Object.keys(R.clients);
  lines.push(`  Chromium ${R.chromium}; ${R.params.requests} GETs of 1 KiB, ${R.params.bulkBytes / 2 ** 20} MiB download; median of ${R.params.rounds} interleaved rounds; ` +
    `load ${R.machine.loadavgStart.join(' ')} → ${R.machine.loadavgEnd?.join(' ')} (${R.machine.cpus} CPU)`);
  const W = 30;
  const fmt = (v) => (v == null ? '–' : String(v));
  const ratio = (a, b) => (a == null || !b ? '' : ` (${(a / b).toFixed(2)}×)`);
  const row = (label, get, withRatio = true) => {
    const ours = get(R.clients.wasmtls ?? {});
    lines.push(`  ${label.padEnd(34)}` + names.map((n) => {
      const v = get(R.clients[n]);
      const cell = fmt(v) + (withRatio && n !== 'wasmtls' && typeof v === 'number' && typeof ours === 'number' ? ratio(ours, v) : '');
      return ` ${cell.padStart(W - 1)}`;
    }).join(''));
  };
  lines.push(`  ${''.padEnd(34)}${names.map((n) => `${n} ${R.clients[n].version ?? ''}`.padStart(W)).join('')}`);
  row(`${R.params.requests} sequential GETs (req/s)`, (c) => c.seqRps);
  row(`${R.params.requests} concurrent GETs (req/s)`, (c) => c.concRps);
  row(`download (MB/s)`, (c) => c.downMBps);
  row('entry JS + wasm raw (KB)', (c) => (c.size ? r2(c.size.bytes / 1000) : null));
  row('entry JS + wasm gzip -9 (KB)', (c) => (c.size ? r2(c.size.gzip / 1000) : null));
  row('  given a CA: gzip -9 (KB)', (c) => (c.size?.withCaOnly ? r2(c.size.withCaOnly.gzip / 1000) : null));
  row('HTTP version (client says)', (c) => c.negotiated?.httpVersion ?? 'not reported', false);
  row('ALPN (client says)', (c) => c.negotiated?.alpn ?? 'not reported', false);
  row('TLS (client says)', (c) => (c.negotiated?.tls ? `${c.negotiated.tls.version} ${c.negotiated.tls.cipher.replace(/^TLS_/, '').replace(/_SHA(256|384)$/, '')}` : 'not reported'), false);
  row('ALPN offered (ClientHello)', (c) => c.wire?.alpnOffered?.join(',') ?? '–', false);
  row('nginx chose (ServerHello)', (c) => (c.wire?.cipher ? `${c.wire.version} ${c.wire.cipher.replace(/^TLS_/, '').replace(/_SHA(256|384)$/, '')}` : '–'), false);
  row('  key share group', (c) => c.wire?.group ?? '–', false);
  row('TCP conns via Wisp: warm-ups', (c) => c.wispStreams?.warmup, false);
  row('  sequential / concurrent', (c) => (c.wispStreams ? `${c.wispStreams.sequential} / ${c.wispStreams.concurrent}` : null), false);
  row('  download', (c) => c.wispStreams?.download, false);
  row('without the CA', (c) => (c.caCheck ? (c.caCheck.rejected ? 'rejected' : 'ACCEPTED') : null), false);
  row('every response 200, right bytes', (c) => (c.allOk ? 'yes' : c.error ? 'FAILED' : 'NO'), false);
  lines.push('  (ratios × are wasmtls / that client; the TCP connection counts are summed over the rounds; hellos as seen at the Wisp server)');
  for (const n of names) {
    const C = R.clients[n];
    if (!C.negotiated?.httpVersion && C.wispStreams && C.wispStreams.concurrent === 0 && C.checks?.concurrent?.n > R.params.rounds) {
      lines.push(`  ${n} reports no HTTP version: it ran ${R.params.requests} concurrent GETs on its one warm connection (0 new TCP connections), which HTTP/1.1 cannot: h2`);
    }
  }
  for (const n of names) {
    const C = R.clients[n];
    if (C.error) lines.push(`  ${n} FAILED: ${C.error}`);
    for (const x of C.rounds ?? []) if (x.error) lines.push(`  ${n} round FAILED: ${x.error}`);
    if (C.size) lines.push(`    ${n}: ${C.size.files.map((f) => `${f.file} ${f.bytes} B (gzip ${f.gzip})`).join(', ')}`);
  }
  lines.push('  wasmtls / peer (the issue sets no target for fetch: "next to theirs")');
  for (const t of R.comparison ?? []) lines.push(`  ${t.verdict.toUpperCase().padEnd(6)}  ${t.name.padEnd(58)} ${t.value ?? '–'}× (${t.wasmtls ?? '–'} / ${t.peer ?? '–'})`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const r = await fetchBrowserBench({ quick, log: (...a) => process.stderr.write(a.join(' ') + '\n') });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else console.log(formatFetchBrowser(r));
  process.exit(0);
}
