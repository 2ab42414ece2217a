// The browser build in real headless Chromium: the demo page (examples/browser/)
// served by scripts/static-server.mjs, TLS through websockify and through a
// Wisp server (npm @mercuryworkshop/wisp-js) to openssl s_server on loopback.
// Plus a static check that the browser entry's import graph has no Node import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPki } from './helpers/pki.mjs';
import { startSServer, startRawServer, startNodeTlsServer } from './helpers/servers.mjs';
import { browserSkipReason, launchChromium, startWebsockify } from './helpers/browser.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { startWispServer } from '../../scripts/wisp-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'test-output');
const skip = browserSkipReason() ?? false;

/* ------------------------------------------------ import graph (no browser) */

/** Every module specifier imported (statically or dynamically) by `file`. */
function importsOf(file) {
  const src = fs.readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')          // block comments (JSDoc types mention import('…'))
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');  // line comments
  const specs = [];
  const patterns = [
    /\bimport\s+(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:\*|\{[^}]*\})(?:\s+as\s+\w+)?\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of src.matchAll(re)) specs.push(m[1]);
  if (/\bimport\s*\(\s*[^'"\s)]/.test(src)) specs.push('<dynamic import with a computed specifier>');
  if (/\brequire\s*\(/.test(src)) specs.push('<require()>');
  return specs;
}

test('the browser entry imports nothing from node: (static walk of its import graph)', () => {
  const entry = path.join(ROOT, 'js/index.browser.js');
  const seen = new Set();
  const bad = [];
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('./') && !spec.startsWith('../')) { bad.push(`${path.relative(ROOT, file)}: ${spec}`); continue; }
      queue.push(path.resolve(path.dirname(file), spec));
    }
  }
  assert.deepEqual(bad, [], 'only relative imports are allowed on the browser path');
  const files = [...seen].map((f) => path.relative(ROOT, f)).sort();
  for (const f of ['js/core/api.js', 'js/core/connection.js', 'js/runtimes/browser.js', 'js/transports/websocket.js', 'js/transports/wisp.js', 'js/core/wasm.js']) {
    assert.ok(files.includes(f), `${f} is in the graph (${files.join(', ')})`);
  }
  for (const f of files) assert.doesNotMatch(f, /node/, `${f} looks Node-specific`);
  // The walker itself sees a node: import where there is one.
  assert.ok(importsOf(path.join(ROOT, 'js/node-duplex.js')).includes('node:net'));
  // package.json sends browsers and bundlers (default) to this entry.
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['.'].browser, './js/index.browser.js');
  assert.equal(pkg.exports['.'].default, './js/index.browser.js');
});

/* ------------------------------------------------------------ real Chromium */

let pki, sserver, websockify, wisp, web, browser, demoDir, closer, closerProxy, bulk, bulkProxy;
const BULK_BYTES = 24 * 1024 * 1024;

before(async () => {
  if (skip) return;
  pki = getPki();
  sserver = await startSServer({ leaf: pki.leaves.p256, mode: 'www' });
  // A server that reads the ClientHello and hangs up: the WebSocket closes mid-handshake.
  closer = await startRawServer('close-after-hello');
  // A server that sends BULK_BYTES (byte i = i & 255): for backpressure.
  const leaf = pki.leaves.p256;
  bulk = await startNodeTlsServer({
    cert: fs.readFileSync(leaf.chainFile), key: fs.readFileSync(leaf.keyFile),
    onSecureConnection(sock) {
      const block = Uint8Array.from({ length: 65536 }, (_, i) => i & 255);
      let sent = 0;
      const pump = () => {
        while (sent < BULK_BYTES) {
          sent += block.length;
          if (!sock.write(block)) { sock.once('drain', pump); return; }
        }
        // No end(): websockify 0.10 drops frames still queued for a slow client when its target
        // closes, so the client reads exactly BULK_BYTES and closes instead.
      };
      pump();
    },
  });
  [websockify, closerProxy, bulkProxy] = await Promise.all([
    startWebsockify(sserver.port), startWebsockify(closer.port), startWebsockify(bulk.port)]);
  wisp = await startWispServer({ allow: [{ host: '127.0.0.1', port: sserver.port }] });
  demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-demo-www-'));
  fs.writeFileSync(path.join(demoDir, 'config.json'), JSON.stringify({
    host: '127.0.0.1', port: sserver.port, serverName: 'localhost',
    proxy: websockify.url, wispProxy: wisp.url, kind: 'websocket', ca: pki.rootPem,
  }));
  web = await startStaticServer({ mounts: { '/demo/': demoDir } });
  browser = await launchChromium();
  fs.mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await Promise.all([web?.stop(), wisp?.stop(), websockify?.stop(), closerProxy?.stop(), bulkProxy?.stop(),
    sserver?.stop(), closer?.stop(), bulk?.stop()]);
  if (demoDir) fs.rmSync(demoDir, { recursive: true, force: true });
});

const PAGE = () => `${web.url}examples/browser/`;

async function openDemo() {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(PAGE());
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10000 });
  return { page, errors };
}

async function connectAndWait(page) {
  await page.click('#connect');
  await page.waitForSelector('body[data-state="open"], body[data-state="failed"]', { timeout: 15000 });
}

async function timelineRows(page) {
  return page.$$eval('#timeline tbody tr', (rows) => rows.map((r) => ({
    name: r.dataset.name, cls: r.className, cells: [...r.cells].map((c) => c.textContent.trim()),
  })));
}

async function sendAndReadReply(page) {
  await page.click('#send');
  await page.waitForFunction(() => document.body.dataset.state === 'closed' && /<\/HTML>/i.test(document.getElementById('reply').textContent), null, { timeout: 10000 });
  return page.$eval('#reply', (el) => el.textContent);
}

function assertHandshakeRows(rows) {
  const names = rows.map((r) => r.name);
  for (const n of ['ClientHello', 'ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'ChainVerified', 'Finished']) {
    assert.ok(names.includes(n), `timeline has ${n}: ${names.join(', ')}`);
  }
  const row = (name, cls) => rows.find((r) => r.name === name && r.cls.startsWith(cls));
  assert.ok(row('ClientHello', 'out'), 'ClientHello goes out');
  assert.ok(row('ServerHello', 'in'), 'ServerHello comes in');
  assert.ok(row('Finished', 'in') && row('Finished', 'out'), 'a Finished each way');
  assert.ok(names.indexOf('ClientHello') < names.indexOf('ServerHello'));
  assert.ok(names.indexOf('CertificateVerify') < names.lastIndexOf('Finished'));
  const ch = row('ClientHello', 'out');
  assert.ok(Number(ch.cells[2]) > 100, `ClientHello size ${ch.cells[2]}`);
  const ms = rows.map((r) => Number(r.cells[3]));
  assert.ok(ms.every((m, i) => Number.isFinite(m) && (i === 0 || m >= ms[i - 1])), `times rise: ${ms}`);
}

test('demo page: TLS 1.3 through websockify to openssl s_server, timeline, parameters, HTTP reply', { skip }, async () => {
  const { page, errors } = await openDemo();
  await page.setViewportSize({ width: 1100, height: 900 });
  await connectAndWait(page);
  assert.equal(await page.$eval('body', (b) => b.dataset.state), 'open', await page.$eval('#error', (e) => e.textContent));
  assertHandshakeRows(await timelineRows(page));
  const params = await page.$$eval('#params dd', (dds) => Object.fromEntries(dds.map((d) => [d.dataset.key, d.textContent])));
  assert.equal(params.version, 'TLSv1.3');
  assert.match(params['cipher suite'], /^TLS_(CHACHA20_POLY1305_SHA256|AES_(128|256)_GCM_SHA(256|384))$/);
  assert.equal(params['key exchange group'], 'x25519');
  assert.equal(params['server name'], 'localhost');
  const chain = await page.$$eval('#chain > li', (lis) => lis.map((li) => li.textContent));
  assert.ok(chain.length >= 2, 'leaf and intermediate shown');
  assert.match(chain[0], /CN=wasmtls leaf p256/);
  assert.match(chain[0], /localhost/);
  assert.match(chain[0], /127\.0\.0\.1/);
  const reply = await sendAndReadReply(page);
  assert.match(reply, /^HTTP\/1\.0 200 ok/);
  assert.match(reply, /TLSv1\.3/); // s_server -www reports the session
  await page.screenshot({ path: path.join(OUT, 'browser-demo.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 }); // a phone
  await page.screenshot({ path: path.join(OUT, 'browser-demo-phone.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow}px)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('demo page: a wrong server name shows HOSTNAME_MISMATCH with its hint', { skip }, async () => {
  const { page } = await openDemo();
  await page.fill('#servername', 'wrong.example');
  await connectAndWait(page);
  assert.equal(await page.$eval('body', (b) => b.dataset.state), 'failed');
  assert.equal(await page.$eval('#error-code', (e) => e.textContent), 'HOSTNAME_MISMATCH');
  assert.match(await page.$eval('#error-message', (e) => e.textContent), /wrong\.example/);
  assert.match(await page.$eval('#error-hint', (e) => e.textContent), /^Hint: .*serverName/);
  const names = (await timelineRows(page)).map((r) => r.name);
  assert.ok(names.includes('Certificate') && names.includes('Alert'), `rows up to the failure: ${names}`);
  await page.screenshot({ path: path.join(OUT, 'browser-demo-error.png'), fullPage: true });
  await page.close();
});

test('demo page and API: Wisp v1, several TLS connections at once over one WebSocket', { skip }, async () => {
  const { page, errors } = await openDemo();
  await page.selectOption('#proxy-kind', 'wisp');
  assert.equal(await page.inputValue('#proxy'), wisp.url);
  await connectAndWait(page);
  assert.equal(await page.$eval('body', (b) => b.dataset.state), 'open', await page.$eval('#error', (e) => e.textContent));
  assertHandshakeRows(await timelineRows(page));
  assert.match(await sendAndReadReply(page), /^HTTP\/1\.0 200 ok/);

  const result = await page.evaluate(async ({ url, port, ca }) => {
    const { connect, wisp } = await import('/js/index.browser.js');
    const transport = wisp(url);
    const one = async (i) => {
      const socket = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, transport });
      const info = await socket.opened;
      const writer = socket.writable.getWriter();
      await writer.write(new TextEncoder().encode(`GET /?n=${i} HTTP/1.0\r\n\r\n`));
      writer.releaseLock();
      let text = '';
      let allBytes = true;
      for await (const chunk of socket.readable) {
        allBytes &&= chunk instanceof Uint8Array;
        text += new TextDecoder().decode(chunk);
      }
      await socket.close(); // after the server closed: allowed
      return { version: info.version, status: text.split('\r\n')[0], allBytes };
    };
    const results = await Promise.all([0, 1, 2, 3, 4].map(one));
    // On the open session a new stream's CONNECT leaves inside connect(), before the wasm makes the
    // ClientHello (the Wisp server's TCP connect overlaps the key shares).
    const types = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (d) { types.push(new Uint8Array(d.buffer ?? d, d.byteOffset ?? 0, 1)[0]); return send.call(this, d); };
    let atReturn;
    try {
      const socket = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, transport });
      atReturn = [...types];
      await socket.opened;
      await socket.close();
    } finally { WebSocket.prototype.send = send; }
    return { results, sessions: transport.sessions(), atReturn, after: types };
  }, { url: wisp.url, port: sserver.port, ca: pki.rootPem });
  assert.equal(result.results.length, 5);
  for (const r of result.results) assert.deepEqual(r, { version: 'TLSv1.3', status: 'HTTP/1.0 200 ok', allBytes: true });
  assert.equal(result.sessions, 1, 'one WebSocket carried all five connections');
  assert.deepEqual(result.atReturn, [1], 'the CONNECT (0x01) was sent before connect() returned, nothing else');
  assert.equal(result.after[1], 2, 'then the ClientHello (DATA)');
  assert.equal(result.after.at(-1), 4, 'and the stream ends with a CLOSE');
  assert.deepEqual(errors, []);
  await page.close();
});

test('API in Chromium: ws:// URL transport, typed errors for a closing WebSocket, a refused Wisp stream, no proxy', { skip }, async () => {
  const { page } = await openDemo();
  const r = await page.evaluate(async ({ ws, closerWs, wispUrl, port, ca }) => {
    const { connect, wisp, WasmTlsError } = await import('/js/index.browser.js');
    const outcome = async (socket) => {
      try { const info = await socket.opened; return { ok: info.version }; } catch (err) {
        return { code: err.code, typed: err instanceof WasmTlsError, message: err.message, hint: err.hint ?? null };
      }
    };
    // A ws:// URL string as the transport.
    const s = connect(`127.0.0.1:${port}`, { serverName: 'localhost', ca, transport: ws });
    const urlOk = await outcome(s);
    await s.close();
    return {
      urlOk,
      // websockify's target reads the ClientHello and hangs up: the WebSocket closes mid-handshake.
      midHandshake: await outcome(connect('127.0.0.1:1', { serverName: 'localhost', ca, transport: closerWs })),
      // Nothing listens here: the WebSocket never opens.
      noProxy: await outcome(connect('127.0.0.1:1', { ca, transport: 'ws://127.0.0.1:9/' })),
      // The Wisp server's allow-list refuses this port.
      wispRefused: await outcome(connect({ hostname: '127.0.0.1', port: port + 1 }, { ca, transport: wisp(wispUrl) })),
      // Browsers have no TCP.
      noTransport: await outcome(connect('127.0.0.1:443')),
    };
  }, { ws: websockify.url, closerWs: closerProxy.url, wispUrl: wisp.url, port: sserver.port, ca: pki.rootPem });
  assert.deepEqual(r.urlOk, { ok: 'TLSv1.3' });
  assert.equal(r.midHandshake.code, 'TRANSPORT_CLOSED', JSON.stringify(r.midHandshake));
  assert.ok(r.midHandshake.typed);
  assert.match(r.midHandshake.message, /during the TLS handshake/);
  assert.equal(r.noProxy.code, 'CONNECT_FAILED', JSON.stringify(r.noProxy));
  assert.ok(r.noProxy.hint);
  assert.equal(r.wispRefused.code, 'CONNECT_FAILED', JSON.stringify(r.wispRefused));
  assert.match(r.wispRefused.message, /blocked/);
  assert.equal(r.noTransport.code, 'INVALID_OPTION');
  assert.match(r.noTransport.message, /no TCP/);
  await page.close();
});

test('backpressure: a paused reader, with WebSocketStream (all bytes arrive) and a plain WebSocket (bounded, typed error)', { skip }, async () => {
  const { page } = await openDemo();
  const run = (stream, pauseMs) => page.evaluate(async ({ url, ca, stream, pauseMs, total }) => {
    const { connect, webSocket } = await import('/js/index.browser.js');
    const socket = connect('127.0.0.1:1', { serverName: 'localhost', ca, transport: webSocket(url, { stream }) });
    await socket.opened;
    await new Promise((r) => setTimeout(r, pauseMs)); // the app does not read
    let n = 0;
    let bad = 0;
    const t0 = performance.now();
    try {
      for await (const chunk of socket.readable) {
        for (let i = 0; i < chunk.length; i += 4099) if (chunk[i] !== ((n + i) & 255)) bad++;
        n += chunk.length;
        if (n >= total) break;
      }
      await socket.close();
      return { n, bad, ms: performance.now() - t0, total };
    } catch (err) {
      return { n, bad, code: err.code, message: err.message };
    }
  }, { url: bulkProxy.url, ca: pki.rootPem, stream, pauseMs, total: BULK_BYTES });
  const streamed = await run(true, 1500);
  assert.equal(streamed.code, undefined, `${streamed.message} after ${streamed.n} bytes`);
  assert.equal(streamed.n, BULK_BYTES);
  assert.equal(streamed.bad, 0);
  console.log(`# ${BULK_BYTES / 1048576} MiB through websockify (WebSocketStream) in ${streamed.ms.toFixed(0)} ms after the pause`);
  const plain = await run(false, 4000);
  assert.equal(plain.code, 'TRANSPORT_CLOSED', JSON.stringify(plain));
  assert.match(plain.message, /reader is too slow/);
  assert.equal(plain.bad, 0);
  await page.close();
});

test('the bundled, minified build (js/dist/wasmtls.browser.min.js, `wasmtls/browser.min.js`): one module, its wasm next to it, the roots only when asked', { skip }, async () => {
  const bundle = path.join(ROOT, 'js', 'dist', 'wasmtls.browser.min.js');
  assert.ok(fs.existsSync(bundle), 'scripts/build.sh wrote the bundle');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['./browser.min.js'].default, './js/dist/wasmtls.browser.min.js');
  // the two wasm URLs are literals relative to the bundle (what bundlers follow); no module imports but the root store
  const src = fs.readFileSync(bundle, 'utf8');
  assert.match(src, /new URL\("\.\/wasmtls-simd\.wasm",import\.meta\.url\)/);
  assert.match(src, /new URL\("\.\/wasmtls\.wasm",import\.meta\.url\)/);
  assert.deepEqual([...src.matchAll(/\bimport\s*\(\s*"([^"]+)"\s*\)|\bfrom\s*"([^"]+)"/g)].map((m) => m[1] ?? m[2]), ['../roots.js']);
  fs.writeFileSync(path.join(demoDir, 'bundle.html'), '<!doctype html><meta charset="utf-8"><title>bundle</title>\n');
  const page = await browser.context.newPage();
  const errors = [];
  const requested = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('request', (req) => requested.push(new URL(req.url()).pathname));
  await page.goto(`${web.url}demo/bundle.html`);
  const r = await page.evaluate(async ({ url, port, ca }) => {
    const { connect, webSocket, loadWasmBrowser, parseCertificate, HINTS } = await import('/js/dist/wasmtls.browser.min.js');
    const socket = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, transport: webSocket(url) });
    const info = await socket.opened;
    const writer = socket.writable.getWriter();
    await writer.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    writer.releaseLock();
    let text = '';
    for await (const chunk of socket.readable) text += new TextDecoder().decode(chunk);
    const afterOne = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    // no `ca`: the bundled Mozilla roots (js/roots.js, outside the bundle) are loaded and do not trust the test CA
    const untrusted = await connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', transport: webSocket(url) })
      .opened.then(() => null, (err) => err.code);
    return { version: info.version, status: text.split('\r\n')[0], leaf: info.peerCertificates[0].subject,
      parsed: parseCertificate(info.peerCertificates[0].der).subject, hints: Object.keys(HINTS).length,
      loader: typeof loadWasmBrowser, afterOne, untrusted };
  }, { url: websockify.url, port: sserver.port, ca: pki.rootPem });
  assert.equal(r.version, 'TLSv1.3');
  assert.equal(r.status, 'HTTP/1.0 200 ok');
  assert.match(r.leaf, /CN=wasmtls leaf p256/);
  assert.equal(r.parsed, r.leaf);
  assert.ok(r.hints > 20);
  assert.equal(r.loader, 'function');
  assert.equal(r.untrusted, 'UNKNOWN_CA');
  // before the root store was asked for: the bundle and the SIMD wasm next to it, no other module
  const scripts = r.afterOne.filter((p) => p.startsWith('/js/'));
  assert.deepEqual(scripts.sort(), ['/js/dist/wasmtls-simd.wasm', '/js/dist/wasmtls.browser.min.js']);
  assert.ok(requested.includes('/js/roots.js') && requested.includes('/js/dist/roots-data.js'), requested.join(' '));
  assert.ok(!requested.some((p) => p.startsWith('/js/core/') || p === '/js/index.browser.js'), requested.join(' '));
  assert.deepEqual(errors, []);
  await page.close();
});
