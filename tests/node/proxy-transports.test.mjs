// wasmtls's web-proxy transports (wasmtls/bare-transport: bare-mux's BareTransport;
// wasmtls/proxy-transport: @mercuryworkshop/proxy-transports' ProxyTransport) in headless
// Chromium, loaded unbundled from a static server, through a Wisp server (npm wisp-js) to Node
// origins with the test PKI, all on 127.0.0.1: the transport objects directly (GET / POST with
// checksummed binary bodies, raw redirects, forbidden request headers, gzip, abort, a bad
// certificate, a WebSocket echo) and then through each library's own client (bare-mux's
// SharedWorker + BareClient; proxy-transports' BareCompatibleClient).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { getPki } from './helpers/pki.mjs';
import { browserSkipReason, launchChromium } from './helpers/browser.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { startWispServer } from '../../scripts/wisp-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const skip = browserSkipReason() ?? false;
if (skip) console.log(`# SKIP proxy-transports: ${skip}`);

const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const BLOB = crypto.randomBytes(300_000);
const TEXT = 'wasmtls proxy transport gzip body\n'.repeat(2000);

let pki, origin, wsHttps, bad, wisp, web, browser;
const hanging = new Set();
const seen = { hang: 0 };

function handler(req, res) {
  const url = new URL(req.url, 'https://127.0.0.1');
  if (url.pathname === '/blob') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BLOB.length });
    res.end(BLOB);
  } else if (url.pathname === '/echo') {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-sha256': sha(body), 'x-method': req.method, 'x-length': String(body.length) });
      res.end(body);
    });
  } else if (url.pathname === '/redirect') {
    res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: '/blob?via=redirect', 'content-type': 'text/plain' });
    res.end('moved');
  } else if (url.pathname === '/headers') {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'], 'x-multi': 'one' });
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? null, referer: req.headers.referer ?? null, origin: req.headers.origin ?? null, 'x-test': req.headers['x-test'] ?? null, version: req.httpVersion }));
  } else if (url.pathname === '/gzip') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    res.end(zlib.gzipSync(TEXT));
  } else if (url.pathname === '/hang') {
    seen.hang++;
    hanging.add(res);
    req.on('close', () => hanging.delete(res));
  } else {
    res.writeHead(404);
    res.end();
  }
}

before(async () => {
  if (skip) return;
  pki = getPki();
  const leaf = pki.leaves.p256;
  origin = http2.createSecureServer({ cert: leaf.chainPem, key: leaf.keyPem, allowHTTP1: true }, handler);
  origin.listen(0, '127.0.0.1');
  await once(origin, 'listening');
  wsHttps = https.createServer({ cert: leaf.chainPem, key: leaf.keyPem });
  new WebSocketServer({ server: wsHttps, handleProtocols: (set) => (set.has('chat') ? 'chat' : false) }).on('connection', (ws, req) => {
    ws.send(JSON.stringify({ cookie: req.headers.cookie ?? null, origin: req.headers.origin ?? null, protocol: ws.protocol }));
    ws.on('message', (d, binary) => ws.send(d, { binary }));
  });
  wsHttps.listen(0, '127.0.0.1');
  await once(wsHttps, 'listening');
  bad = https.createServer({ cert: pki.unknown.chainPem, key: pki.unknown.keyPem }, (_q, r) => r.end('x'));
  bad.listen(0, '127.0.0.1');
  await once(bad, 'listening');
  wisp = await startWispServer({ allow: [origin, wsHttps, bad].map((s) => ({ host: '127.0.0.1', port: s.address().port })) });
  web = await startStaticServer({
    mounts: {
      '/bare-mux/': path.join(ROOT, 'node_modules/@mercuryworkshop/bare-mux/dist'),
      '/proxy-transports/': path.join(ROOT, 'node_modules/@mercuryworkshop/proxy-transports/dist'),
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const res of hanging) res.stream?.destroy?.() ?? res.destroy?.();
  await Promise.all([web?.stop(), wisp?.stop()]);
  for (const s of [origin, wsHttps, bad]) {
    if (!s) continue;
    s.closeAllConnections?.();
    await new Promise((r) => s.close(() => r()));
  }
});

const params = () => ({
  wispUrl: wisp.url, ca: pki.rootPem,
  base: `https://127.0.0.1:${origin.address().port}`,
  badBase: `https://127.0.0.1:${bad.address().port}`,
  wsUrl: `wss://127.0.0.1:${wsHttps.address().port}/`,
  badWs: `wss://127.0.0.1:${bad.address().port}/`,
});

/** Runs in the page: the transport object directly, as bare-mux / proxy-transports would call it. */
async function direct({ kind, http, wispUrl, ca, base, badBase, wsUrl, badWs }) {
  const mod = await import(kind === 'bare' ? '/js/proxy-transports/bare-transport.js' : '/js/proxy-transports/proxy-transport.js');
  const { WasmTlsError } = await import('/js/fetch/index.browser.js');
  const T = mod.default;
  const t = new T(http ? { wisp: wispUrl, tls: { ca }, http } : { wisp: wispUrl, tls: { ca } });
  const before = t.ready;
  await t.init();
  const hdrs = (obj) => (kind === 'bare' ? obj : Object.entries(obj).flatMap(([n, v]) => (Array.isArray(v) ? v.map((x) => [n, x]) : [[n, v]])));
  const get = (headers, name) => (kind === 'bare' ? headers[name] ?? null
    : (() => { const v = headers.filter(([n]) => n === name).map(([, x]) => x); return v.length === 0 ? null : v.length === 1 ? v[0] : v; })());
  const hex = async (buf) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const bytes = async (body) => new Uint8Array(await new Response(body).arrayBuffer());
  const random = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, i + 65536)); return b; };
  const out = { ready: [before, t.ready], meta: kind === 'bare' ? t.meta() : null };

  const g = await t.request(new URL(`${base}/blob`), 'GET', null, hdrs({ 'x-test': 'get' }), undefined);
  const gb = await bytes(g.body);
  out.get = { status: g.status, len: gb.length, sha: await hex(gb), type: get(g.headers, 'content-type'), stream: g.body instanceof ReadableStream };

  const up = random(65536 * 3 + 7);
  const p = await t.request(new URL(`${base}/echo`), 'POST', up.buffer, hdrs({ 'content-type': 'application/octet-stream' }), undefined);
  const pb = await bytes(p.body);
  out.post = { status: p.status, sent: await hex(up), got: get(p.headers, 'x-sha256'), echoed: await hex(pb), method: get(p.headers, 'x-method') };

  // a ReadableStream body, as bare-mux's BareClient hands it over
  const up2 = random(100_000);
  const rs = new ReadableStream({ start(c) { c.enqueue(up2.slice(0, 40_000)); c.enqueue(up2.slice(40_000)); c.close(); } });
  const p2 = await t.request(new URL(`${base}/echo`), 'PUT', rs, hdrs({}), undefined);
  out.postStream = { status: p2.status, sent: await hex(up2), got: get(p2.headers, 'x-sha256'), echoed: await hex(await bytes(p2.body)), method: get(p2.headers, 'x-method') };

  out.redirects = [];
  for (const status of [301, 302, 303, 307, 308]) {
    const r = await t.request(new URL(`${base}/redirect?status=${status}`), 'GET', null, hdrs({}), undefined);
    out.redirects.push({ status: r.status, location: get(r.headers, 'location'), body: new TextDecoder().decode(await bytes(r.body)) });
  }

  const h = await t.request(new URL(`${base}/headers`), 'GET', null,
    hdrs({ cookie: 'session=abc; theme=dark', referer: `${base}/page`, origin: base, 'x-test': 'headers', connection: 'close', host: 'evil.example' }), undefined);
  out.headers = { status: h.status, echo: JSON.parse(new TextDecoder().decode(await bytes(h.body))), setCookie: get(h.headers, 'set-cookie'), multi: get(h.headers, 'x-multi') };

  const z = await t.request(new URL(`${base}/gzip`), 'GET', null, hdrs({}), undefined);
  out.gzip = { text: new TextDecoder().decode(await bytes(z.body)), encoding: get(z.headers, 'content-encoding') };

  const ac = new AbortController();
  const started = performance.now();
  setTimeout(() => ac.abort(), 300);
  try {
    await t.request(new URL(`${base}/hang`), 'GET', null, hdrs({}), ac.signal);
    out.abort = 'resolved';
  } catch (err) { out.abort = { name: err.name, ms: performance.now() - started }; }

  try {
    await t.request(new URL(`${badBase}/`), 'GET', null, hdrs({}), undefined);
    out.badCert = 'resolved';
  } catch (err) { out.badCert = { code: err.code, typed: err instanceof WasmTlsError }; }

  try {
    await t.request(new URL('http://127.0.0.1:1/'), 'GET', null, hdrs({}), undefined);
    out.plainHttp = 'resolved';
  } catch (err) { out.plainHttp = { code: err.code, httpCode: err.httpCode }; }

  out.ws = await new Promise((resolve) => {
    const r = { events: [] };
    const payload = random(70_000);
    let step = 0;
    const [send, close] = t.connect(new URL(wsUrl), ['chat', 'other'], hdrs({ cookie: 'ws=1', origin: base }),
      (protocol, extensions) => { r.events.push('open'); r.protocol = protocol; r.extensions = extensions ?? null; },
      async (data) => {
        step++;
        if (step === 1) { r.hello = JSON.parse(data); send(payload.buffer.slice(0)); }
        else if (step === 2) { r.binary = { type: data instanceof ArrayBuffer ? 'ArrayBuffer' : typeof data, sha: await hex(data), sent: await hex(payload) }; send('héllo'); }
        else if (step === 3) { r.text = data; close(1000, 'bye'); }
      },
      (code, reason) => { r.events.push('close'); r.close = [code, reason]; resolve(r); },
      (error) => { r.events.push('error'); r.error = error; });
  });
  out.wsBad = await new Promise((resolve) => {
    const r = { events: [] };
    t.connect(new URL(badWs), [], hdrs({}), () => r.events.push('open'), () => r.events.push('message'),
      (code) => { r.events.push('close'); r.code = code; resolve(r); },
      (error) => { r.events.push('error'); r.error = error; });
  });
  await t.close();
  return out;
}

function checkDirect(out, kind, http) {
  assert.equal(out.headers.echo.version, http ? '1.1' : '2.0', 'the HTTP version negotiated');
  assert.deepEqual(out.ready, [false, true]);
  if (kind === 'bare') assert.deepEqual(out.meta, {});
  assert.deepEqual(out.get, { status: 200, len: BLOB.length, sha: sha(BLOB), type: 'application/octet-stream', stream: true });
  assert.equal(out.post.status, 200);
  assert.equal(out.post.got, out.post.sent, 'the server received the bytes sent');
  assert.equal(out.post.echoed, out.post.sent, 'the echoed body is the bytes sent');
  assert.equal(out.post.method, 'POST');
  assert.deepEqual([out.postStream.status, out.postStream.got, out.postStream.echoed, out.postStream.method],
    [200, out.postStream.sent, out.postStream.sent, 'PUT']);
  // redirects come back raw: the 30x itself, its Location and body; not followed
  assert.deepEqual(out.redirects, [301, 302, 303, 307, 308].map((status) => ({ status, location: '/blob?via=redirect', body: 'moved' })));
  // forbidden request headers of a browser's Request (Cookie, Referer, Origin) still reach the server;
  // Host and Connection given by the caller do not (fetch writes its own)
  assert.deepEqual(out.headers.echo.cookie, 'session=abc; theme=dark');
  assert.equal(out.headers.echo.referer, out.headers.echo.origin + '/page');
  assert.match(out.headers.echo.origin, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(out.headers.echo['x-test'], 'headers');
  assert.equal(out.headers.multi, 'one');
  // known limit (docs/PROXY-TRANSPORTS.md): a browser's Response drops Set-Cookie, and the
  // public wasmtls/fetch API hands over only that Response
  assert.equal(out.headers.setCookie, null);
  // gzip decoded by wasmtls/fetch: the encoding header that no longer describes the body is gone
  assert.deepEqual(out.gzip, { text: TEXT, encoding: null });
  assert.equal(out.abort.name, 'AbortError');
  assert.ok(out.abort.ms < 5000, `abort took ${out.abort.ms} ms`);
  assert.deepEqual(out.badCert, { code: 'UNKNOWN_CA', typed: true });
  assert.deepEqual(out.plainHttp, { code: 'INVALID_OPTION', httpCode: 'UNSUPPORTED_SCHEME' });
  assert.equal(out.ws.protocol, 'chat');
  assert.deepEqual(out.ws.hello, { cookie: 'ws=1', origin: out.headers.echo.origin, protocol: 'chat' });
  assert.equal(out.ws.binary.type, 'ArrayBuffer');
  assert.equal(out.ws.binary.sha, out.ws.binary.sent);
  assert.equal(out.ws.text, 'héllo');
  assert.deepEqual(out.ws.events, ['open', 'close']);
  assert.equal(out.ws.close[0], 1000);
  assert.deepEqual(out.wsBad.events, ['error', 'close']);
  assert.match(out.wsBad.error, /^UNKNOWN_CA: /);
  assert.equal(out.wsBad.code, 1006);
}

for (const kind of ['bare', 'proxy']) {
  for (const http of [undefined, '1.1']) {
    test(`Chromium: the ${kind === 'bare' ? 'bare-mux BareTransport' : 'proxy-transports ProxyTransport'} object directly (${http ? 'HTTP/1.1' : 'h2'}) through Wisp`, { skip, timeout: 90_000 }, async () => {
      const page = await browser.context.newPage();
      const errors = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${web.url}package.json`);
      const hangsBefore = seen.hang;
      const out = await page.evaluate(direct, { kind, http, ...params() });
      checkDirect(out, kind, http);
      assert.equal(seen.hang, hangsBefore + 1, 'the aborted request reached the server once');
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
}

/** Runs in the page: the transports through the libraries' own clients. */
async function viaLibraries({ wispUrl, ca, base, wsUrl }) {
  const hex = async (buf) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const random = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, i + 65536)); return b; };
  const wsEcho = (ws) => new Promise((resolve, reject) => {
    const payload = random(50_000);
    const r = {};
    let step = 0;
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('open', () => { r.protocol = ws.protocol ?? ws.protocols; });
    ws.addEventListener('message', async (e) => {
      step++;
      if (step === 1) { r.hello = JSON.parse(e.data); ws.send(payload); }
      else if (step === 2) { r.binary = (await hex(e.data)) === (await hex(payload)); ws.close(1000, 'bye'); }
    });
    ws.addEventListener('close', (e) => { r.close = e.code; resolve(r); });
    ws.addEventListener('error', () => reject(new Error('ws error')));
  });
  const run = async (client) => {
    const res = {};
    const g = await client.fetch(`${base}/blob`);
    res.get = [g.status, await hex(await g.arrayBuffer())];
    const up = random(123_457);
    const p = await client.fetch(`${base}/echo`, { method: 'POST', body: up.buffer.slice(0), headers: kind === 'bare' ? { 'content-type': 'application/octet-stream' } : [['content-type', 'application/octet-stream']] });
    res.post = [p.status, p.headers.get('x-sha256'), await hex(await p.arrayBuffer()), await hex(up)];
    const m = await client.fetch(`${base}/redirect?status=307`, { redirect: 'manual' });
    res.manual = [m.status, m.headers.get('location')];
    const f = await client.fetch(`${base}/redirect?status=302`);
    res.follow = [f.status, await hex(await f.arrayBuffer())];
    // bare-mux: createWebSocket(remote, protocols, __deprecated_donotuse_websocket, requestHeaders)
    res.ws = await wsEcho(kind === 'bare' ? client.createWebSocket(wsUrl, ['chat'], undefined, { cookie: 'lib=1' }) : client.createWebSocket(wsUrl, ['chat'], [['cookie', 'lib=1']]));
    return res;
  };
  let kind = 'proxy';
  const { BareCompatibleClient } = await import('/proxy-transports/index.mjs');
  const { default: ProxyT } = await import('/js/proxy-transports/proxy-transport.js');
  const out = { proxy: await run(new BareCompatibleClient(new ProxyT({ wisp: wispUrl, tls: { ca } }))) };
  kind = 'bare';
  const { BareMuxConnection, BareClient } = await import('/bare-mux/index.mjs');
  const conn = new BareMuxConnection('/bare-mux/worker.js');
  await conn.setTransport('/js/proxy-transports/bare-transport.js', [{ wisp: wispUrl, tls: { ca } }]);
  out.transportName = await conn.getTransport();
  out.bare = await run(new BareClient());
  return out;
}

test('Chromium: through proxy-transports\' BareCompatibleClient and bare-mux\'s SharedWorker + BareClient', { skip, timeout: 90_000 }, async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${web.url}package.json`);
  const out = await page.evaluate(viaLibraries, params());
  assert.equal(out.transportName, '/js/proxy-transports/bare-transport.js');
  for (const kind of ['proxy', 'bare']) {
    const r = out[kind];
    assert.deepEqual(r.get, [200, sha(BLOB)], kind);
    assert.equal(r.post[0], 200, kind);
    assert.equal(r.post[1], r.post[3], `${kind}: the server got the bytes sent`);
    assert.equal(r.post[2], r.post[3], `${kind}: the echo is the bytes sent`);
    assert.deepEqual(r.manual, [307, '/blob?via=redirect'], kind);
    // the library follows the raw 302 the transport returned
    assert.deepEqual(r.follow, [200, sha(BLOB)], kind);
    assert.deepEqual(r.ws.hello.cookie, 'lib=1', kind);
    assert.equal(r.ws.binary, true, kind);
    assert.equal(r.ws.close, 1000, kind);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('types: the classes are assignable to bare-mux\'s BareTransport and proxy-transports\' ProxyTransport (tsc --strict)', { timeout: 120_000 }, async (t) => {
  const { execFileSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  if (!fs.existsSync(tsc)) { t.skip('typescript is not installed'); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-types-proxy-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'wasmtls'), 'dir');
    fs.symlinkSync(path.join(ROOT, 'node_modules', '@mercuryworkshop'), path.join(dir, 'node_modules', '@mercuryworkshop'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer-proxy', private: true, type: 'module' }));
    fs.writeFileSync(path.join(dir, 'consumer.ts'), `
import type { BareTransport } from '@mercuryworkshop/bare-mux';
import type { ProxyTransport } from '@mercuryworkshop/proxy-transports';
import WasmTlsBareTransport from 'wasmtls/bare-transport';
import WasmTlsProxyTransport from 'wasmtls/proxy-transport';
export const bare: BareTransport = new WasmTlsBareTransport({ wisp: 'ws://127.0.0.1:1/', tls: { ca: 'pem' }, http: '1.1' });
export const proxy: ProxyTransport = new WasmTlsProxyTransport({ wisp: 'ws://127.0.0.1:1/' });
// @ts-expect-error not an option
new WasmTlsProxyTransport({ wisp: 'ws://127.0.0.1:1/', follow: true });
`);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      // bundler resolution: the libraries' own .d.ts re-export extensionless relative paths
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom', 'dom.iterable'], skipLibCheck: true },
      files: ['consumer.ts'],
    }));
    let out = '';
    let status = 0;
    try { out = execFileSync(tsc, ['-p', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 110_000 }); } catch (err) { status = err.status ?? 1; out = `${err.stdout ?? ''}${err.stderr ?? ''}`; }
    assert.equal(status, 0, out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
