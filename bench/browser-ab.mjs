// Two builds of wasmtls side by side in one Chromium run (an A/B of a change): the page of each tree
// (bench/browser-page.html, the tree's own js/ and js/dist/) served by its own static server, both
// through the same Wisp server to the same loopback TLS 1.3 P-256 server, handshake rounds
// interleaved (A B B A …) so that load from other work hits both; median latency and main-thread
// CPU per handshake (CDP TaskDuration) of each, and the ratios B / A (medians of the per-round
// ratios; the pooled ones beside them).
//
//   node bench/browser-ab.mjs --a /path/to/other/tree [--b .] [--rounds 12] [--per 20]
// (the other tree: e.g. `git archive <commit> | tar -x -C DIR`, node_modules and .deps linked, built)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { startWispServer } from '../scripts/wisp-server.mjs';
import { startBenchServers, launch, openPage, mainThread, median, pct } from './browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const A = path.resolve(arg('--a', '') || process.exit(console.error('--a DIR: the tree to compare with') ?? 2));
const B = path.resolve(arg('--b', ROOT));
const ROUNDS = Number(arg('--rounds', 12)), PER = Number(arg('--per', 20));
for (const d of [A, B]) if (!fs.existsSync(path.join(d, 'js/dist/wasmtls.wasm'))) { console.error(`${d}: not built`); process.exit(2); }
const pki = getPki(); const leaf = pki.leaves.p256;
const servers = await startBenchServers({ s: { cert: leaf.chainPem, key: leaf.keyPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } });
const wisp = await startWispServer({ allow: [{ host: '127.0.0.1', port: servers.ports.s }] });
const webA = await startStaticServer({ root: A });
const webB = await startStaticServer({ root: B });
const browser = await launch();
const peers = {};
for (const [name, web] of [['a', webA], ['b', webB]]) {
  const context = await browser.newContext();
  const { page } = await openPage(context, `${web.url}bench/browser-page.html`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  peers[name] = { page, cdp, lat: [], taskMs: 0, rounds: [] };
}
// as bench/browser.mjs measures wasmtls against epoxy-tls: 30 warm-ups, each round's connections
// closed after its last handshake (inside the CPU window), the ratios as medians of per-round ratios
const a = { kind: 'wisp', url: wisp.url, port: servers.ports.s, ca: pki.rootPem };
for (const p of Object.values(peers)) await p.page.evaluate((x) => window.wasmtlsBench.handshakes(x), { ...a, n: 0, warmup: 30 });
// an older tree's page closes after every handshake whatever it is asked: then both do
const holds = [];
for (const p of Object.values(peers)) holds.push((await p.page.evaluate((x) => window.wasmtlsBench.handshakes(x), { ...a, n: 1, warmup: 0, holdOpen: true })).held === true);
const holdOpen = holds.every(Boolean);
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r % 2 ? ['b', 'a'] : ['a', 'b']) {
    const p = peers[name];
    const { result, taskMs } = await mainThread(p.cdp, () => p.page.evaluate((x) => window.wasmtlsBench.handshakes(x), { ...a, n: PER, warmup: 0, holdOpen }));
    p.lat.push(...result.latencies); p.taskMs += taskMs;
    p.rounds.push({ medianMs: median(result.latencies), cpuMs: taskMs / PER });
  }
}
const r3 = (x) => +x.toFixed(3);
const out = {};
for (const [name, p] of Object.entries(peers)) {
  out[name] = { n: p.lat.length, medianMs: r3(median(p.lat)), p90Ms: r3(pct(p.lat, 0.9)), cpuMsPerHandshake: r3(p.taskMs / p.lat.length) };
}
out.a.tree = A; out.b.tree = B; out.closedAfterRound = holdOpen;
const paired = (key) => r3(median(peers.b.rounds.map((x, i) => x[key] / peers.a.rounds[i][key])));
out.ratioBA = { median: paired('medianMs'), cpu: paired('cpuMs'),
  pooledMedian: r3(out.b.medianMs / out.a.medianMs), pooledCpu: r3(out.b.cpuMsPerHandshake / out.a.cpuMsPerHandshake) };
console.log(JSON.stringify(out, null, 2));
await browser.close(); await wisp.stop(); await webA.stop(); await webB.stop(); servers.stop(); process.exit(0);
