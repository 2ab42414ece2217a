// The asynchronous signature path (WebCrypto) in headless Chromium, on vs off (issue 18 item 1):
// wasmtls handshakes through Wisp to openssl s_server on loopback, in alternating rounds
// (on, off, on, off, …) in one page; per round the main-thread CPU (CDP TaskDuration delta over the
// round's handshakes / N, close included) and the handshake latency (connect() → opened).
//   node bench/webcrypto-verify.mjs [--rounds 8] [--per-round 20]   → JSON on stdout
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { startSServer } from '../tests/node/helpers/servers.mjs';
import { launchChromium } from '../tests/node/helpers/browser.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { startWispServer } from '../scripts/wisp-server.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const ROUNDS = arg('--rounds', 8);
const PER = arg('--per-round', 20);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const r2 = (x) => Math.round(x * 100) / 100;

const pki = getPki();
const kinds = { 'TLS 1.3 ECDSA P-256': [pki.leaves.p256, []], 'TLS 1.3 RSA-2048 (PSS)': [pki.leaves.rsa2048, []],
  'TLS 1.2 ECDHE-ECDSA P-256': [pki.leaves.p256, ['-tls1_2']] };
const servers = {};
for (const [k, [leaf, args]] of Object.entries(kinds)) servers[k] = await startSServer({ leaf, args });
const wisp = await startWispServer({ allow: Object.values(servers).map((s) => ({ host: '127.0.0.1', port: s.port })) });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-wcb-'));
fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench</title>\n');
const web = await startStaticServer({ mounts: { '/wcb/': dir } });
const browser = await launchChromium();
const out = { chromium: null, rounds: ROUNDS, perRound: PER, load: os.loadavg().map(r2), results: {} };
try {
  const page = await browser.context.newPage();
  await page.goto(`${web.url}wcb/index.html`);
  out.chromium = browser.context.browser()?.version() ?? null;
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await page.evaluate(async () => {
    const { connect, wisp } = await import('/js/index.browser.js');
    const w = await import('/js/core/wasm.js');
    window.bench = {
      async run({ url, port, ca, n, nativeVerify, tls12 }) {
        const transport = window.transport ??= wisp(url);
        const lat = [];
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, transport, nativeVerify, maxVersion: tls12 ? 'TLSv1.2' : undefined });
          await s.opened;
          lat.push(performance.now() - t0);
          await s.close();
        }
        return lat;
      },
      hasAsync: () => typeof w.getAsyncSigVerifier() === 'function',
    };
  });
  out.asyncVerifierInstalled = await page.evaluate(() => window.bench.hasAsync());
  for (const [k, s] of Object.entries(servers)) {
    const args = { url: wisp.url, port: s.port, ca: pki.rootPem, tls12: k.includes('1.2') };
    await page.evaluate((a) => window.bench.run(a), { ...args, n: 3, nativeVerify: true });
    await page.evaluate((a) => window.bench.run(a), { ...args, n: 3, nativeVerify: false });
    const acc = { on: { cpu: [], lat: [] }, off: { cpu: [], lat: [] } };
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of r % 2 ? ['off', 'on'] : ['on', 'off']) {
        const t0 = await task();
        const lat = await page.evaluate((a) => window.bench.run(a), { ...args, n: PER, nativeVerify: mode === 'on' });
        const t1 = await task();
        acc[mode].cpu.push(((t1 - t0) * 1000) / PER);
        acc[mode].lat.push(...lat);
      }
    }
    const on = { cpuMsPerHandshake: r2(median(acc.on.cpu)), medianMs: r2(median(acc.on.lat)) };
    const off = { cpuMsPerHandshake: r2(median(acc.off.cpu)), medianMs: r2(median(acc.off.lat)) };
    out.results[k] = { on, off, cpuOnOff: r2(on.cpuMsPerHandshake / off.cpuMsPerHandshake), rounds: { on: acc.on.cpu.map(r2), off: acc.off.cpu.map(r2) } };
    process.stderr.write(`${k}: on ${JSON.stringify(on)} off ${JSON.stringify(off)}\n`);
  }
  out.loadAfter = os.loadavg().map(r2);
} finally {
  await browser.close();
  await Promise.all([web.stop(), wisp.stop(), ...Object.values(servers).map((s) => s.stop())]);
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out, null, 1));
