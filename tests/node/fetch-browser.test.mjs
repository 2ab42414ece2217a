// wasmtls/fetch and its WebSocket in headless Chromium, loaded unbundled from a static server,
// through a Wisp server (npm @mercuryworkshop/wisp-js) to Debian nginx (h2 and HTTP/1.1) and an
// npm `ws` server over https, all on 127.0.0.1. Also: the browser fetch entry imports nothing
// from node: (its h2 wasm comes by fetch()).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { getPki } from './helpers/pki.mjs';
import { browserSkipReason, launchChromium } from './helpers/browser.mjs';
import { NGINX, startNginx } from './helpers/nginx.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { startWispServer } from '../../scripts/wisp-server.mjs';

const skip = browserSkipReason() ?? (NGINX ? false : 'nginx is not installed');
if (skip) console.log(`# SKIP fetch-browser: ${skip}`);

let pki, nginx, wsHttps, wisp, web, browser;
before(async () => {
  if (skip) return;
  pki = getPki();
  nginx = await startNginx({ leaf: pki.leaves.p256, sizes: { '1k.bin': 1024, '4m.bin': 4 << 20 } });
  const leaf = pki.leaves.p256;
  wsHttps = https.createServer({ cert: leaf.chainPem, key: leaf.keyPem });
  new WebSocketServer({ server: wsHttps }).on('connection', (ws) => ws.on('message', (d, b) => ws.send(d, { binary: b })));
  wsHttps.listen(0, '127.0.0.1');
  await once(wsHttps, 'listening');
  wisp = await startWispServer({ allow: [{ host: '127.0.0.1', port: nginx.port }, { host: '127.0.0.1', port: wsHttps.address().port }] });
  web = await startStaticServer();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await Promise.all([web?.stop(), wisp?.stop(), nginx?.stop()]);
  if (wsHttps) { wsHttps.closeAllConnections?.(); await new Promise((r) => wsHttps.close(() => r())); }
});

test('the browser fetch entry imports only relative modules (no node:, no bare specifiers)', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const seen = new Set();
  const bad = [];
  const queue = [path.join(root, 'js/fetch/index.browser.js')];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const src = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
    for (const re of [/\bimport\s+(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g, /\bexport\s+(?:\*|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
      for (const m of src.matchAll(re)) {
        if (!m[1].startsWith('./') && !m[1].startsWith('../')) bad.push(`${path.relative(root, file)}: ${m[1]}`);
        else queue.push(path.resolve(path.dirname(file), m[1]));
      }
    }
  }
  assert.deepEqual(bad, []);
  assert.ok([...seen].some((f) => f.endsWith('js/fetch/http2.js')) && [...seen].some((f) => f.endsWith('js/fetch/websocket.js')));
  // and the core entry's graph does not contain js/fetch/ (its size does not grow)
  const core = fs.readFileSync(path.join(root, 'js/index.browser.js'), 'utf8');
  assert.doesNotMatch(core, /fetch\//);
});

test('Chromium: fetch over h2 and HTTP/1.1 and a WebSocket, through Wisp', { skip, timeout: 90_000 }, async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${web.url}package.json`);
  const out = await page.evaluate(async ({ wispUrl, base, wsUrl, ca }) => {
    const { createFetch, responseInfo, WebSocket } = await import('/js/fetch/index.browser.js');
    const { wisp } = await import('/js/index.browser.js');
    const transport = wisp(wispUrl);
    const hex = async (buf) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const f = createFetch({ tls: { ca }, transport });
    const many = await Promise.all(Array.from({ length: 20 }, () => f(`${base}/1k.bin`)));
    const big = await f(`${base}/4m.bin`);
    const h2 = { version: responseInfo(big).httpVersion, alpn: responseInfo(big).alpn, sha: await hex(await big.arrayBuffer()),
      small: [...new Set(await Promise.all(many.map(async (r) => hex(await r.arrayBuffer()))))], reused: many.filter((r) => responseInfo(r).reused).length };
    const gz = await f(`${base}/text.txt`);
    const text = await gz.text();
    await f.close();
    const f1 = createFetch({ tls: { ca }, transport, http: '1.1' });
    const r1 = await f1(`${base}/4m.bin`);
    const h1 = { version: responseInfo(r1).httpVersion, sha: await hex(await r1.arrayBuffer()) };
    await f1.close();
    const ws = new WebSocket(wsUrl, [], { tls: { ca }, transport });
    ws.binaryType = 'arraybuffer';
    const echo = await new Promise((resolve, reject) => {
      ws.onopen = () => ws.send(new Uint8Array(100000).fill(7));
      ws.onmessage = (e) => resolve(e.data.byteLength);
      ws.onerror = (e) => reject(new Error(e.error?.message ?? 'ws error'));
    });
    const closed = await new Promise((resolve) => { ws.onclose = (e) => resolve([e.code, e.wasClean]); ws.close(1000); });
    return { h2, gzip: { encoding: gz.headers.get('content-encoding'), length: text.length }, h1, ws: { echo, closed } };
  }, { wispUrl: wisp.url, base: `https://127.0.0.1:${nginx.port}`, wsUrl: `wss://127.0.0.1:${wsHttps.address().port}/`, ca: pki.rootPem });
  assert.deepEqual(out.h2, { version: '2', alpn: 'h2', sha: nginx.files['4m.bin'].sha256, small: [nginx.files['1k.bin'].sha256], reused: 19 });
  assert.deepEqual(out.gzip, { encoding: 'gzip', length: nginx.text.length });
  assert.deepEqual(out.h1, { version: '1.1', sha: nginx.files['4m.bin'].sha256 });
  assert.deepEqual(out.ws, { echo: 100000, closed: [1000, true] });
  assert.deepEqual(errors, []);
  await page.close();
});
