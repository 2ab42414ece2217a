// A CDP CPU profile of the browser bench's handshake loop (Chromium over Wisp, TLS 1.3 P-256, the
// same page, servers and CA as bench/browser.mjs): Profiler.start, N sequential handshakes of
// window.wasmtlsBench (or window.epoxyBench with --epoxy), Profiler.stop; then the self time of each
// function (sampled, main thread of the page's renderer) in µs per handshake, the largest first, and
// the total by category (wasm, WebCrypto/GC/native, JS by file).
//
//   node bench/browser-profile.mjs [--n 200] [--epoxy] [--top 40] [--json out.json]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { startWispServer } from '../scripts/wisp-server.mjs';
import { startBenchServers, launch, openPage, mainThread, median } from './browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EPOXY_DIR = path.join(ROOT, 'node_modules/@mercuryworkshop/epoxy-tls/full');
const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const N = Number(arg('--n', 200));
const TOP = Number(arg('--top', 40));
const EPOXY = process.argv.includes('--epoxy');

/** Self time per function node (µs), from a CDP Profile (samples + timeDeltas). */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const rows = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const file = f.url ? f.url.replace(/^.*\/(js|bench|epoxy)\//, '$1/') : '';
    const key = `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    rows.set(key, (rows.get(key) ?? 0) + us);
  }
  return rows;
}

function category(key) {
  if (/^\((program|idle|garbage collector|root)\)/.test(key)) return key.split(' ')[0];
  if (/wasm:\/\/|\.wasm|^\$?wt_|^\$?br_|wasm-function/.test(key)) return 'wasm';
  const m = key.match(/ ((js|bench|epoxy)\/[^:]+)/);
  return m ? m[1] : '(native / builtins)';
}

const pki = getPki();
const leaf = pki.leaves.p256;
const servers = await startBenchServers({ 'tls13-p256': { cert: leaf.chainPem, key: leaf.keyPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } });
const wisp = await startWispServer({ allow: [{ host: '127.0.0.1', port: servers.ports['tls13-p256'] }] });
const web = await startStaticServer(fs.existsSync(EPOXY_DIR) ? { mounts: { '/epoxy/': EPOXY_DIR } } : {});
const browser = await launch();
try {
  const context = await browser.newContext();
  const { page } = await openPage(context, `${web.url}bench/browser-page.html`);
  const cdp = await context.newCDPSession(page);
  const bench = EPOXY ? 'epoxyBench' : 'wasmtlsBench';
  const a = { kind: 'wisp', url: wisp.url, port: servers.ports['tls13-p256'], ca: pki.rootPem };
  // as bench/browser.mjs measures the comparison: 30 warm-ups, the connections closed after the run
  await page.evaluate(([b, x]) => window[b].handshakes(x), [bench, { ...a, n: 0, warmup: 30 }]);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const { result: r, taskMs } = await mainThread(cdp, () => page.evaluate(([b, x]) => window[b].handshakes(x), [bench, { ...a, n: N, warmup: 0, holdOpen: true }]));
  const { profile } = await cdp.send('Profiler.stop');
  const rows = [...selfTimes(profile)].map(([k, us]) => [k, us / N]).sort((x, y) => y[1] - x[1]);
  const cats = new Map();
  for (const [k, us] of rows) cats.set(category(k), (cats.get(category(k)) ?? 0) + us);
  const out = {
    peer: EPOXY ? 'epoxy-tls' : 'wasmtls', n: N, medianMs: median(r.latencies),
    taskMsPerHandshake: taskMs / N,
    sampledUsPerHandshake: rows.filter(([k]) => !k.startsWith('(idle)')).reduce((s, [, us]) => s + us, 0),
    byCategory: Object.fromEntries([...cats].sort((x, y) => y[1] - x[1]).map(([k, v]) => [k, Math.round(v)])),
    top: rows.slice(0, TOP).map(([k, us]) => [k, Math.round(us)]),
  };
  if (arg('--json')) fs.writeFileSync(arg('--json'), JSON.stringify({ ...out, profile }, null, 1));
  console.log(JSON.stringify(out, null, 2));
  await context.close();
} finally {
  await browser.close();
  await wisp.stop();
  await web.stop();
  servers.stop();
}
process.exit(0);
