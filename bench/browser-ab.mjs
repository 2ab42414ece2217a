// Two builds of wasmtls side by side in one Chromium run (an A/B of a change): the page of each tree
// (bench/browser-page.html, the tree's own js/ and js/dist/) served by its own static server, both
// through the same Wisp server to the same loopback TLS 1.3 P-256 server, handshake rounds
// interleaved (A B B A …) so that load from other work hits both; median latency and main-thread
// CPU per handshake (CDP TaskDuration) of each, and the ratios B / A.
//
//   node bench/browser-ab.mjs --a /path/to/other/tree [--b .] [--rounds 12] [--per 20]
// (the other tree: e.g. `git archive <commit> | tar -x -C DIR`, node_modules and .deps linked, built)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fork } from 'node:child_process';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { CHROMIUM } from '../tests/node/helpers/browser.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { startWispServer } from '../scripts/wisp-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const A = path.resolve(arg('--a', '') || process.exit(console.error('--a DIR: the tree to compare with') ?? 2));
const B = path.resolve(arg('--b', ROOT));
const ROUNDS = Number(arg('--rounds', 12)), PER = Number(arg('--per', 20));
for (const d of [A, B]) if (!fs.existsSync(path.join(d, 'js/dist/wasmtls.wasm'))) { console.error(`${d}: not built`); process.exit(2); }
const pki = getPki(); const leaf = pki.leaves.p256;
const child = fork(path.join(ROOT, 'bench/servers.mjs'), [JSON.stringify({ servers: { s: { cert: leaf.chainPem, key: leaf.keyPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } } })], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
const ports = await new Promise((res) => { let o = ''; child.stdout.on('data', (b) => { o += b; if (o.includes('\n')) res(JSON.parse(o)); }); });
const wisp = await startWispServer({ allow: [{ host: '127.0.0.1', port: ports.s }] });
const webA = await startStaticServer({ root: A });
const webB = await startStaticServer({ root: B });
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const peers = {};
for (const [name, web] of [['a', webA], ['b', webB]]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${web.url}bench/browser-page.html`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  peers[name] = { page, cdp, lat: [], task: 0, n: 0, roundCpu: [] };
}
const a = { kind: 'wisp', url: wisp.url, port: ports.s, ca: pki.rootPem };
const task = async (cdp) => (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration').value;
for (const p of Object.values(peers)) await p.page.evaluate((x) => window.wasmtlsBench.handshakes(x), { ...a, n: 0, warmup: 3 });
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r % 2 ? ['b', 'a'] : ['a', 'b']) {
    const p = peers[name];
    const t0 = await task(p.cdp);
    const res = await p.page.evaluate((x) => window.wasmtlsBench.handshakes(x), { ...a, n: PER, warmup: 0 });
    const t1 = await task(p.cdp);
    p.lat.push(...res.latencies); p.task += (t1 - t0) * 1000; p.n += PER; p.roundCpu.push((t1 - t0) * 1000 / PER);
  }
}
const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const out = {};
for (const [name, p] of Object.entries(peers)) out[name] = { n: p.n, medianMs: +med(p.lat).toFixed(2), p90Ms: +[...p.lat].sort((x, y) => x - y)[Math.floor(0.9 * p.lat.length)].toFixed(2), cpuMsPerHandshake: +(p.task / p.n).toFixed(3), medianRoundCpuMs: +med(p.roundCpu).toFixed(3) };
out.a.tree = A; out.b.tree = B;
out.ratioBA = { median: +(out.b.medianMs / out.a.medianMs).toFixed(3), cpu: +(out.b.cpuMsPerHandshake / out.a.cpuMsPerHandshake).toFixed(3),
  medianRoundCpu: +(out.b.medianRoundCpuMs / out.a.medianRoundCpuMs).toFixed(3) };
console.log(JSON.stringify(out, null, 2));
await browser.close(); await wisp.stop(); await webA.stop(); await webB.stop(); child.kill('SIGKILL'); process.exit(0);
