// wasmtls/fetch over HTTP/1.1 against Node's `https` server and raw TLS servers on 127.0.0.1:
// framing (Content-Length, chunked, close-delimited), keep-alive reuse and the pool bound, idle
// timeout, request bodies of every BodyInit kind, gzip/deflate, redirects, AbortSignal,
// HEAD/204/304, truncation, and malformed responses (typed errors, no hang, no reuse).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import tls from 'node:tls';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { once } from 'node:events';
import { fetch, createFetch, responseInfo, HttpError } from '../../js/fetch/index.node.js';
import { WasmTlsError } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';

let pki;
const closers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(closers.map((c) => c())); });

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

/** Node https server on 127.0.0.1; counts TLS connections. */
async function httpsServer(handler) {
  const leaf = pki.leaves.p256;
  const srv = https.createServer({ cert: leaf.chainPem, key: leaf.keyPem, keepAliveTimeout: 30_000 }, handler);
  const sockets = new Set();
  let connections = 0;
  srv.on('secureConnection', (s) => { connections++; sockets.add(s); s.on('close', () => sockets.delete(s)); });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const stop = () => new Promise((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); });
  closers.push(stop);
  const { port } = srv.address();
  return { port, url: `https://127.0.0.1:${port}`, get connections() { return connections; }, sockets, stop };
}

/** A raw TLS server: `onRequest(socket, requestText)` answers with whatever bytes it likes. */
async function rawServer(onRequest) {
  const leaf = pki.leaves.p256;
  const sockets = new Set();
  let connections = 0;
  const srv = tls.createServer({ cert: leaf.chainPem, key: leaf.keyPem }, (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let text = '';
    s.on('data', (d) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0) { const req = text.slice(0, end); text = text.slice(end + 4); onRequest(s, req); }
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const stop = () => new Promise((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); });
  closers.push(stop);
  const { port } = srv.address();
  return { port, url: `https://127.0.0.1:${port}`, get connections() { return connections; }, stop };
}

const tlsOpts = () => ({ ca: pki.rootPem, timeoutMs: 5000 });

describe('wasmtls/fetch HTTP/1.1', { timeout: 120_000 }, () => {
  it('GET with Content-Length: status, headers, body, responseInfo', async () => {
    const srv = await httpsServer((req, res) => {
      res.setHeader('x-path', req.url);
      res.setHeader('x-host', req.headers.host);
      res.end('hello over wasmtls');
    });
    const f = createFetch({ tls: tlsOpts() });
    const res = await f(`${srv.url}/a/b?c=d#frag`);
    assert.equal(res.status, 200);
    assert.equal(res.statusText, 'OK');
    assert.equal(res.headers.get('x-path'), '/a/b?c=d');
    assert.equal(res.headers.get('x-host'), `127.0.0.1:${srv.port}`);
    assert.equal(res.url, `${srv.url}/a/b?c=d#frag`.replace('#frag', ''));
    assert.equal(res.redirected, false);
    assert.equal(await res.text(), 'hello over wasmtls');
    const info = responseInfo(res);
    assert.equal(info.httpVersion, '1.1');
    assert.equal(info.alpn, 'http/1.1');
    assert.equal(info.tls.version, 'TLSv1.3');
    assert.ok(info.tls.cipher && info.tls.group);
    await f.close();
  });

  it('the default fetch takes tls per request', async () => {
    const srv = await httpsServer((req, res) => res.end('ok'));
    const res = await fetch(srv.url, { tls: tlsOpts() });
    assert.equal(await res.text(), 'ok');
    // a new literal `tls` object with the same content shares the pooled connection
    const again = await fetch(srv.url, { tls: tlsOpts() });
    assert.equal(await again.text(), 'ok');
    assert.equal(responseInfo(again).reused, true);
    assert.equal(srv.connections, 1);
    // without the test CA the default roots apply: the chain is refused with a typed code
    await assert.rejects(fetch(srv.url, { tls: { timeoutMs: 5000 } }), (e) => e instanceof WasmTlsError && e.code === 'UNKNOWN_CA');
  });

  it('connectTo: the URL names the host, the connection goes to HOST:PORT (SNI and Host from the URL)', async () => {
    const srv = await httpsServer((req, res) => res.end(`${req.headers.host}|${req.socket.servername}`));
    const f = createFetch({ tls: tlsOpts(), connectTo: `127.0.0.1:${srv.port}` });
    const res = await f('https://localhost:8443/');
    assert.equal(await res.text(), 'localhost:8443|localhost');
    await f.close();
  });

  it('chunked responses stream: the first chunk arrives before the server has finished', async () => {
    let finish;
    const gate = new Promise((r) => { finish = r; });
    const srv = await httpsServer(async (req, res) => {
      res.write('first;');
      await gate;
      res.end('second');
    });
    const f = createFetch({ tls: tlsOpts() });
    const res = await f(srv.url);
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    const reader = res.body.getReader();
    const first = await withTimeout(reader.read(), 5000, 'first chunk');
    assert.equal(new TextDecoder().decode(first.value), 'first;');
    finish();
    let rest = '';
    for (;;) { const { value, done } = await reader.read(); if (done) break; rest += new TextDecoder().decode(value); }
    assert.equal(rest, 'second');
    await f.close();
  });

  it('keep-alive: sequential requests reuse one connection', async () => {
    const srv = await httpsServer((req, res) => res.end(`n=${req.url}`));
    const f = createFetch({ tls: tlsOpts() });
    for (let i = 0; i < 5; i++) {
      const res = await f(`${srv.url}/${i}`);
      assert.equal(await res.text(), `n=/${i}`);
      assert.equal(responseInfo(res).reused, i > 0);
    }
    assert.equal(srv.connections, 1);
    await f.close();
  });

  it('the pool is bounded per origin: 8 concurrent requests over at most 2 connections', async () => {
    let active = 0;
    let peak = 0;
    const srv = await httpsServer(async (req, res) => {
      active++; peak = Math.max(peak, active);
      await sleep(50);
      active--;
      res.end(req.url);
    });
    const f = createFetch({ tls: tlsOpts(), maxConnectionsPerOrigin: 2 });
    const texts = await Promise.all(Array.from({ length: 8 }, (_, i) => f(`${srv.url}/${i}`).then((r) => r.text())));
    assert.deepEqual(texts, Array.from({ length: 8 }, (_, i) => `/${i}`));
    assert.equal(srv.connections, 2);
    assert.ok(peak <= 2, `peak ${peak}`);
    await f.close();
  });

  it('idle timeout: an idle connection is closed and the next request opens a new one', async () => {
    const srv = await httpsServer((req, res) => res.end('x'));
    const f = createFetch({ tls: tlsOpts(), idleTimeoutMs: 150 });
    await (await f(srv.url)).text();
    assert.equal(srv.sockets.size, 1);
    await sleep(500);
    assert.equal(srv.sockets.size, 0, 'the client closed its idle connection');
    await (await f(srv.url)).text();
    assert.equal(srv.connections, 2);
    await f.close();
  });

  it('a server that closed an idle connection: the request goes out on a new one', async () => {
    const srv = await httpsServer((req, res) => res.end('y'));
    const f = createFetch({ tls: tlsOpts() });
    await (await f(srv.url)).text();
    for (const s of srv.sockets) s.end();
    await sleep(100);
    assert.equal(await (await f(srv.url)).text(), 'y');
    assert.equal(srv.connections, 2);
    await f.close();
  });

  it('request bodies of every BodyInit kind', async () => {
    const srv = await httpsServer(async (req, res) => {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        method: req.method, sha: sha256(body), len: body.length, text: body.length < 2000 ? body.toString('latin1') : '',
        type: req.headers['content-type'] ?? null, cl: req.headers['content-length'] ?? null, te: req.headers['transfer-encoding'] ?? null,
      }));
    });
    const f = createFetch({ tls: tlsOpts() });
    const post = async (body, extra = {}) => (await f(srv.url, { method: 'POST', body, ...extra })).json();
    let r = await post('héllo');
    assert.deepEqual([r.text, r.type, r.cl, r.te], [Buffer.from('héllo').toString('latin1'), 'text/plain;charset=UTF-8', '6', null]);
    const big = crypto.randomBytes(300_000);
    r = await post(new Uint8Array(big));
    assert.deepEqual([r.sha, r.len, r.cl], [sha256(big), big.length, String(big.length)]);
    r = await post(big.buffer.slice(big.byteOffset, big.byteOffset + 1000));
    assert.equal(r.sha, sha256(big.subarray(0, 1000)));
    r = await post(new DataView(big.buffer, big.byteOffset, 10));
    assert.equal(r.sha, sha256(big.subarray(0, 10)));
    r = await post(new Blob(['ab', 'cd'], { type: 'application/x-test' }));
    assert.deepEqual([r.text, r.type], ['abcd', 'application/x-test']);
    r = await post(new URLSearchParams({ a: '1', b: 'x y' }));
    assert.deepEqual([r.text, r.type], ['a=1&b=x+y', 'application/x-www-form-urlencoded;charset=UTF-8']);
    const fd = new FormData();
    fd.append('field', 'value');
    r = await post(fd);
    assert.match(r.type, /^multipart\/form-data; boundary=/);
    assert.match(r.text, /name="field"\r\n\r\nvalue\r\n/);
    const parts = [big.subarray(0, 70_000), big.subarray(70_000)];
    r = await post(new ReadableStream({ pull(c) { const p = parts.shift(); if (p) c.enqueue(new Uint8Array(p)); else c.close(); } }));
    assert.deepEqual([r.sha, r.te, r.cl], [sha256(big), 'chunked', null]);
    r = await post(undefined, { method: 'PUT' });
    assert.deepEqual([r.method, r.len, r.cl], ['PUT', 0, '0']);
    assert.equal(srv.connections, 1, 'all over one kept-alive connection');
    await f.close();
  });

  it('gzip and deflate bodies are decoded (DecompressionStream); Accept-Encoding is sent', async () => {
    const payload = Buffer.from('compressible '.repeat(20_000));
    const srv = await httpsServer((req, res) => {
      const enc = req.url.slice(1);
      res.setHeader('x-accept-encoding', req.headers['accept-encoding']);
      if (enc === 'bad') { res.setHeader('content-encoding', 'gzip'); res.end('not gzip at all'); return; }
      res.setHeader('content-encoding', enc);
      res.end(enc === 'gzip' ? zlib.gzipSync(payload) : zlib.deflateSync(payload));
    });
    const f = createFetch({ tls: tlsOpts() });
    for (const enc of ['gzip', 'deflate']) {
      const res = await f(`${srv.url}/${enc}`);
      assert.equal(res.headers.get('x-accept-encoding'), 'gzip, deflate');
      assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(payload), enc);
    }
    const bad = await f(`${srv.url}/bad`);
    await assert.rejects(bad.arrayBuffer(), (e) => e instanceof HttpError && e.httpCode === 'BAD_CONTENT_ENCODING');
    await f.close();
  });

  it('redirects: a chain, 303 → GET, 307 keeps the body, credentials dropped across origins, 20 max, manual, error', async () => {
    let other;
    const seen = [];
    const srv = await httpsServer(async (req, res) => {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks).toString();
      seen.push({ url: req.url, method: req.method, body, auth: req.headers.authorization ?? null, type: req.headers['content-type'] ?? null });
      const m = /^\/chain\/(\d+)$/.exec(req.url);
      if (m) {
        const n = Number(m[1]);
        res.writeHead(n > 0 ? 302 : 200, n > 0 ? { location: `/chain/${n - 1}` } : {});
        res.end(n > 0 ? 'redirecting' : 'end of chain');
        return;
      }
      if (req.url === '/303') { res.writeHead(303, { location: '/final' }); res.end(); return; }
      if (req.url === '/307') { res.writeHead(307, { location: '/final' }); res.end(); return; }
      if (req.url === '/cross') { res.writeHead(301, { location: `${other.url}/final` }); res.end(); return; }
      if (req.url === '/loop') { res.writeHead(302, { location: '/loop' }); res.end(); return; }
      if (req.url === '/to-http') { res.writeHead(302, { location: 'http://127.0.0.1/' }); res.end(); return; }
      res.end(JSON.stringify(seen.at(-1)));
    });
    other = await httpsServer((req, res) => res.end(JSON.stringify({ auth: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null })));
    const f = createFetch({ tls: tlsOpts() });

    let res = await f(`${srv.url}/chain/5`);
    assert.equal(await res.text(), 'end of chain');
    assert.equal(res.redirected, true);
    assert.equal(res.url, `${srv.url}/chain/0`);
    assert.equal(srv.connections, 1, 'redirect bodies are drained and the connection reused');

    res = await f(`${srv.url}/303`, { method: 'POST', body: 'data', headers: { 'content-type': 'text/x-test' } });
    assert.deepEqual(await res.json(), { url: '/final', method: 'GET', body: '', auth: null, type: null });

    res = await f(`${srv.url}/307`, { method: 'POST', body: 'again', headers: { 'content-type': 'text/x-test' } });
    assert.deepEqual(await res.json(), { url: '/final', method: 'POST', body: 'again', auth: null, type: 'text/x-test' });

    res = await f(`${srv.url}/cross`, { headers: { authorization: 'Bearer secret', cookie: 'a=b' } });
    assert.deepEqual(await res.json(), { auth: null, cookie: null });
    res = await f(`${srv.url}/307`, { headers: { authorization: 'Bearer same-origin' } });
    assert.equal((await res.json()).auth, 'Bearer same-origin', 'same origin keeps Authorization');

    await assert.rejects(f(`${srv.url}/307`, { method: 'POST', body: new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1])); c.close(); } }) }),
      (e) => e.httpCode === 'BODY_NOT_REPLAYABLE');

    const before = seen.length;
    await assert.rejects(f(`${srv.url}/loop`), (e) => e instanceof HttpError && e.code === 'HTTP_REDIRECT' && e.httpCode === 'TOO_MANY_REDIRECTS');
    assert.equal(seen.length - before, 21, 'the first request and 20 redirects');
    res = await f(`${srv.url}/chain/20`);
    assert.equal(await res.text(), 'end of chain', 'exactly 20 redirects are followed');

    res = await f(`${srv.url}/chain/1`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/chain/0');
    assert.equal(await res.text(), 'redirecting');
    await assert.rejects(f(`${srv.url}/chain/1`, { redirect: 'error' }), (e) => e.httpCode === 'REDIRECT_NOT_ALLOWED');
    await assert.rejects(f(`${srv.url}/to-http`), (e) => e.httpCode === 'UNSUPPORTED_SCHEME');
    await f.close();
  });

  it('HEAD, 204 and 304 have no body and leave the connection reusable', async () => {
    const srv = await httpsServer((req, res) => {
      if (req.url === '/204') { res.writeHead(204); res.end(); return; }
      if (req.url === '/304') { res.writeHead(304, { etag: '"x"' }); res.end(); return; }
      res.setHeader('content-length', '11');
      res.end(req.method === 'HEAD' ? undefined : 'hello world');
    });
    const f = createFetch({ tls: tlsOpts() });
    let res = await f(srv.url, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '11');
    assert.equal(res.body, null);
    res = await f(`${srv.url}/204`);
    assert.equal(res.status, 204);
    assert.equal(res.body, null);
    res = await f(`${srv.url}/304`);
    assert.equal(res.status, 304);
    assert.equal(res.body, null);
    res = await f(srv.url);
    assert.equal(await res.text(), 'hello world');
    assert.equal(srv.connections, 1);
    await f.close();
  });

  it('AbortSignal: before the response, during the body, and already aborted', async () => {
    const srv = await httpsServer(async (req, res) => {
      if (req.url === '/stall') return; // never answers
      res.write('part');
      // the rest never comes
    });
    const f = createFetch({ tls: tlsOpts() });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(withTimeout(f(`${srv.url}/stall`, { signal: ac.signal }), 5000, 'abort'), (e) => e.name === 'AbortError');
    const ac2 = new AbortController();
    const res = await f(`${srv.url}/body`, { signal: ac2.signal });
    const reader = res.body.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'part');
    setTimeout(() => ac2.abort(), 50);
    await assert.rejects(withTimeout(reader.read(), 5000, 'abort body'), (e) => e.name === 'AbortError');
    await assert.rejects(f(srv.url, { signal: AbortSignal.abort() }), (e) => e.name === 'AbortError');
    await assert.rejects(f(`${srv.url}/stall`, { signal: AbortSignal.timeout(100) }), (e) => e.name === 'TimeoutError');
    await f.close();
  });

  it('a server that closes mid-body (no close_notify) errors the body: TRUNCATED, never a short body', async () => {
    const srv = await httpsServer((req, res) => {
      res.setHeader('content-length', '100000');
      res.write(Buffer.alloc(30_000, 0x61), () => setTimeout(() => res.socket.destroy(), 20));
    });
    const f = createFetch({ tls: tlsOpts() });
    const res = await f(srv.url);
    await assert.rejects(withTimeout(res.arrayBuffer(), 5000, 'truncated body'),
      (e) => e instanceof HttpError && e.code === 'TRUNCATED' && e.httpCode === 'TRUNCATED_BODY');
    await f.close();
  });

  it('close-delimited bodies: complete with close_notify, an error without it', async () => {
    const srv = await rawServer((s, req) => {
      s.write('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nthe whole body');
      if (req.startsWith('GET /clean')) s.end(); // close_notify, then FIN
      else setTimeout(() => s.destroy(), 50);   // FIN without close_notify
    });
    const f = createFetch({ tls: tlsOpts() });
    const res = await f(`${srv.url}/clean`);
    assert.equal(await res.text(), 'the whole body');
    const cut = await f(`${srv.url}/cut`);
    await assert.rejects(withTimeout(cut.text(), 5000, 'cut'), (e) => e.code === 'TRUNCATED' && e.httpCode === 'TRUNCATED_BODY');
    await f.close();
  });

  // Malformed responses: each must reject (head) or error the body, with a typed code, while the
  // server keeps the connection open (so a lenient or waiting parser would hang), and the next
  // request must open a new connection.
  const BAD = [
    ['MALFORMED_STATUS_LINE', 'HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n'],
    ['MALFORMED_STATUS_LINE', 'HTTP/2.0 200 OK\r\ncontent-length: 0\r\n\r\n'],
    ['MALFORMED_STATUS_LINE', 'ICY 200 OK\r\n\r\n'],
    ['MALFORMED_HEADER', 'HTTP/1.1 200 OK\r\ncontent-length : 0\r\n\r\n'],
    ['MALFORMED_HEADER', 'HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\ncontent-length: 0\r\n\r\n'],
    ['MALFORMED_HEADER', 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'],
    ['MALFORMED_HEADER', 'HTTP/1.1 200 OK\r\nx-a: a\rb\r\n\r\n'],
    ['BARE_LF', 'HTTP/1.1 200 OK\ncontent-length: 0\n\n'],
    ['HEADERS_TOO_LARGE', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}\r\n\r\n`],
    ['CONFLICTING_LENGTH', 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
    ['INVALID_CONTENT_LENGTH', 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!'],
    ['INVALID_CONTENT_LENGTH', 'HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n'],
    ['UNSUPPORTED_TRANSFER_ENCODING', 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nxx'],
    ['UNSUPPORTED_TRANSFER_ENCODING', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked, chunked\r\n\r\n'],
    ['INVALID_CHUNK', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', 'body'],
    ['INVALID_CHUNK', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n', 'body'],
    ['INVALID_CHUNK', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1000000000000\r\nhello', 'body'],
    ['INVALID_CHUNK', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n', 'body'],
    ['INVALID_CHUNK', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n', 'body'],
    ['UNEXPECTED_STATUS', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\n\r\n'],
  ];
  it(`malformed responses (${BAD.length} cases) fail typed, without hanging, and the connection is not reused`, async () => {
    let current = 0;
    const srv = await rawServer((s) => { s.write(BAD[current][1]); /* and keep the connection open */ });
    const f = createFetch({ tls: tlsOpts() });
    for (let i = 0; i < BAD.length; i++) {
      current = i;
      const [httpCode, , where] = BAD[i];
      const check = (e) => {
        assert.ok(e instanceof HttpError, `case ${i}: ${e}`);
        assert.equal(e.httpCode, httpCode, `case ${i}: ${e.message}`);
        assert.equal(e.code, 'HTTP_PROTOCOL', `case ${i}`);
        return true;
      };
      if (where === 'body') {
        const res = await withTimeout(f(srv.url), 5000, `case ${i} head`);
        await assert.rejects(withTimeout(res.arrayBuffer(), 5000, `case ${i} body`), check);
      } else {
        await assert.rejects(withTimeout(f(srv.url), 5000, `case ${i}`), check);
      }
      assert.equal(srv.connections, i + 1, `case ${i}: a new connection for every request`);
    }
    await f.close();
  });
});
