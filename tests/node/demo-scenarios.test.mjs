// The demo's troubleshooting scenarios (issue 21 item 4), end to end: runs
// scripts/demo.sh itself (on free loopback ports, kept running until the test
// ends, then its process group is stopped), opens the page in headless
// Chromium, picks every scenario in the picker, connects and reads the error
// code the page shows, the message, the hint and the timeline up to the
// failing step; the working server (the default) still connects.
//
// The scenario servers are real: openssl s_server with certificates from
// `openssl ca` (validity windows in the past / future, a root the page is not
// given, a revoked leaf with a stapled `openssl ocsp` response, a certificate
// for another name), s_server -tls1 and a CBC-only s_server -tls1_2, and a TCP
// listener that never answers.
//
// The untrusted root: the server sends its chain up to that self-signed root
// (as many servers do), so wasmtls sees where the chain ends and reports
// UNKNOWN_CA ("it ends in the self-signed root …, which is not trusted");
// without the root in the chain it would be MISSING_INTERMEDIATE (the leaf's
// issuer neither sent nor trusted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort } from './helpers/servers.mjs';
import { browserSkipReason, launchChromium } from './helpers/browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'test-output');
const skip = browserSkipReason()
  ?? (fs.existsSync(path.join(ROOT, 'js/dist/wasmtls.wasm')) ? null : 'js/dist/wasmtls.wasm missing (run scripts/build.sh)')
  ?? (fs.existsSync(path.join(ROOT, 'node_modules/@mercuryworkshop/wisp-js')) ? false : 'npm @mercuryworkshop/wisp-js missing (the scenarios go through the Wisp server)');

// What each scenario must show: the code, and how far the handshake got.
const EXPECTED = {
  'not-yet-valid': { code: 'CERT_NOT_YET_VALID', message: /not yet valid.*2099-12-01/, reached: 'Certificate' },
  expired: { code: 'CERT_EXPIRED', message: /expired.*2020-02-01/, reached: 'Certificate' },
  'untrusted-root': { code: 'UNKNOWN_CA', message: /wasmtls demo retired root.*not trusted/, reached: 'Certificate' },
  'tls10-only': { code: 'PROTOCOL_VERSION', message: /protocol version/, reached: 'ClientHello' },
  'cbc-only': { code: 'NO_SHARED_CIPHER', message: /AES-GCM or ChaCha20-Poly1305/, reached: 'ClientHello' },
  revoked: { code: 'CERT_REVOKED', message: /stapled OCSP response.*revoked/, reached: 'Certificate' },
  'wrong-host': { code: 'HOSTNAME_MISMATCH', message: /wrong\.wasmtls\.test.*localhost/, reached: 'Certificate' },
  silent: { code: 'HANDSHAKE_TIMEOUT', message: /timed out after 3000 ms/, reached: 'ClientHello' },
};

let demo, browser, pageUrl, config;
let demoOut = '';

/** A base port with `n` free consecutive ports after it (the demo's scenario ports). */
async function freeRange(n) {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    const ok = await Promise.all(Array.from({ length: n }, (_, i) => new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(base + i, '127.0.0.1', () => s.close(() => resolve(true)));
    })));
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

function stopDemo() {
  if (!demo || demo.exitCode !== null || demo.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => { try { process.kill(-demo.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    demo.once('exit', () => { clearTimeout(t); resolve(); });
    try { process.kill(-demo.pid, 'SIGTERM'); } catch { clearTimeout(t); resolve(); }
  });
}

before(async () => {
  if (skip) return;
  const env = {
    ...process.env, WT_SKIP_SETUP: '1', WASMTLS_DEMO_NO_BUILD: '1', // the suite built js/dist
    WASMTLS_DEMO_PORT: String(await getFreePort()), WASMTLS_DEMO_WS_PORT: String(await getFreePort()),
    WASMTLS_DEMO_WISP_PORT: String(await getFreePort()), WASMTLS_DEMO_HTTP_PORT: String(await getFreePort()),
    WASMTLS_DEMO_SCENARIO_PORT: String(await freeRange(8)),
  };
  delete env.WASMTLS_DEMO_ONCE;
  // its own process group: the servers it starts are stopped with it
  demo = spawn('bash', [path.join(ROOT, 'scripts/demo.sh')], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  process.once('exit', () => { try { process.kill(-demo.pid, 'SIGKILL'); } catch { /* gone */ } });
  demo.stdout.on('data', (d) => { demoOut += d; });
  demo.stderr.on('data', (d) => { demoOut += d; });
  pageUrl = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`demo did not start in time:\n${demoOut.slice(-3000)}`)), 120_000);
    const look = () => {
      const m = /\(Ctrl-C stops everything\)/.test(demoOut) && /== demo page: (\S+)/.exec(demoOut);
      if (m) { clearTimeout(t); resolve(m[1]); }
    };
    demo.stdout.on('data', look);
    demo.once('exit', (code) => { clearTimeout(t); reject(new Error(`demo exited (${code}):\n${demoOut.slice(-3000)}`)); });
  });
  config = await (await fetch(new URL('/demo/config.json', pageUrl))).json();
  browser = await launchChromium();
  fs.mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await stopDemo();
});

test('demo.sh: config.json lists every scenario (name, port, what it shows, the expected code), on loopback, after the working server', { skip }, () => {
  assert.equal(config.kind, 'websocket', 'the working server stays the default');
  assert.deepEqual(config.scenarios.map((s) => s.id), Object.keys(EXPECTED));
  for (const s of config.scenarios) {
    assert.equal(s.expect, EXPECTED[s.id].code, s.id);
    assert.ok(s.name && s.shows, `${s.id} has a name and a description`);
    assert.ok(Number.isInteger(s.port) && s.port !== config.port, `${s.id} port ${s.port}`);
    assert.equal(s.host, 'localhost');
  }
  assert.equal(config.scenarios.find((s) => s.id === 'silent').timeoutMs, 3000);
  assert.match(demoOut, /wasmtls connect 127\.0\.0\.1:\d+ .*\n[\s\S]*HTTP\/1\.0 200 ok/, 'the CLI check still runs');
});

test('demo page: the working server (default), then every scenario from the picker shows its code, message, hint and the timeline up to the failure', { skip, timeout: 90_000 }, async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(pageUrl);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10000 });
  const options = await page.$$eval('#scenario option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['', ...Object.keys(EXPECTED)], 'the working server first, then the scenarios');
  assert.equal(await page.inputValue('#scenario'), '', 'the working server is selected');

  const run = async () => {
    await page.click('#connect');
    await page.waitForSelector('body[data-state="open"], body[data-state="failed"]', { timeout: 15000 });
    return page.evaluate(() => ({
      state: document.body.dataset.state,
      code: document.getElementById('error-code').textContent,
      message: document.getElementById('error-message').textContent,
      hint: document.getElementById('error-hint').textContent,
      expect: document.getElementById('error-expect').className,
      errorShown: !document.getElementById('error').hidden,
      rows: [...document.querySelectorAll('#timeline tbody tr')].map((r) => ({ name: r.dataset.name, cls: r.className, text: r.textContent })),
      proxyKind: document.getElementById('proxy-kind').value,
      port: Number(document.getElementById('port').value),
    }));
  };

  // the working server, through websockify as before
  const ok = await run();
  assert.equal(ok.state, 'open', ok.message);
  assert.equal(ok.errorShown, false);
  assert.equal(ok.proxyKind, 'websocket');
  assert.equal(ok.port, config.port);
  assert.equal(await page.$eval('#params dd[data-key="version"]', (d) => d.textContent), 'TLSv1.3');

  for (const sc of config.scenarios) {
    const want = EXPECTED[sc.id];
    await page.selectOption('#scenario', sc.id);
    assert.equal(await page.$eval('#error', (e) => e.hidden), true, 'picking a scenario clears the last result');
    assert.match(await page.$eval('#scenario-about', (e) => e.textContent), new RegExp(want.code));
    const started = Date.now();
    const r = await run();
    const took = Date.now() - started;
    assert.equal(r.state, 'failed', `${sc.id}: ${r.message}`);
    assert.equal(r.proxyKind, 'wisp', `${sc.id} goes through the Wisp server`);
    assert.equal(r.port, sc.port);
    assert.equal(r.code, want.code, `${sc.id}: ${r.code} ${r.message}`);
    assert.match(r.message, want.message, sc.id);
    assert.match(r.hint, /^Hint: \S/, `${sc.id} has a hint`);
    assert.equal(r.expect, 'expect match', `${sc.id}: the page says the code is the expected one`);
    // the timeline: the ClientHello went out, the handshake got as far as `reached`, then the failure row
    const names = r.rows.map((x) => x.name);
    assert.equal(names[0], 'ClientHello', `${sc.id}: ${names}`);
    assert.ok(r.rows[0].cls.startsWith('out'));
    assert.ok(names.includes(want.reached), `${sc.id} reached ${want.reached}: ${names}`);
    assert.equal(names.at(-1), 'Failed', `${sc.id}: ${names}`);
    assert.match(r.rows.at(-1).text, new RegExp(`failed: ${want.code}`));
    if (want.reached === 'Certificate') assert.equal(names.at(-2), 'Alert', `${sc.id}: wasmtls's alert ends the steps: ${names}`);
    if (want.reached === 'ClientHello') assert.ok(!names.includes('Certificate'), `${sc.id} never saw a certificate: ${names}`);
    if (sc.id === 'silent') {
      assert.deepEqual(names, ['ClientHello', 'Failed'], 'nothing came back');
      assert.ok(took >= 2900 && took < 10000, `the page waited its 3 s timeout (${took} ms)`);
    }
    if (sc.id === 'tls10-only' || sc.id === 'cbc-only') assert.ok(names.includes('Alert'), `${sc.id}: the server's alert is shown: ${names}`);
    if (sc.id === 'wrong-host') {
      await page.screenshot({ path: path.join(OUT, 'demo-scenarios.png'), fullPage: true });
    }
  }

  // back to the working server: it still connects
  await page.selectOption('#scenario', '');
  const again = await run();
  assert.equal(again.state, 'open', again.message);
  assert.equal(again.proxyKind, 'websocket');
  assert.deepEqual(errors, []);
  await page.close();
});
