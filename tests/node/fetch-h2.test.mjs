// wasmtls/fetch over HTTP/2 (nghttp2 in js/dist/wasmtls-h2.wasm) against Node's
// http2.createSecureServer on 127.0.0.1: ALPN, many concurrent streams on one connection,
// small flow-control windows both ways, request bodies, GOAWAY (mid-stream and for unprocessed
// streams), RST_STREAM, large header blocks, push disabled, and a server speaking garbage.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import tls from 'node:tls';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { createFetch, responseInfo, HttpError } from '../../js/fetch/index.node.js';
import { getPki } from './helpers/pki.mjs';

// WT_NO_H2=1 builds without the h2 wasm (scripts/build.sh): then these tests cannot run.
const noH2 = process.env.WT_NO_H2 === '1' ? 'WT_NO_H2=1: js/dist/wasmtls-h2.wasm not built' : false;
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

async function h2Server(onStream, settings = {}, extra = {}) {
  const leaf = pki.leaves.p256;
  const srv = http2.createSecureServer({ cert: leaf.chainPem, key: leaf.keyPem, allowHTTP1: true, settings, maxSessionMemory: 64, ...extra });
  const sessions = new Set();
  let remoteSettings = null;
  srv.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('remoteSettings', (rs) => { remoteSettings = rs; });
    s.on('error', () => {});
  });
  srv.on('stream', (stream, headers) => { stream.on('error', () => {}); onStream(stream, headers, stream.session); });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const stop = () => new Promise((r) => { for (const s of sessions) s.destroy(); srv.close(() => r()); });
  closers.push(stop);
  return { url: `https://127.0.0.1:${srv.address().port}`, sessions, get remoteSettings() { return remoteSettings; }, get sessionCount() { return srv._sessionCount ?? null; }, stop, srv };
}

const client = (extra = {}) => createFetch({ tls: { ca: pki.rootPem, timeoutMs: 5000 }, ...extra });

describe('wasmtls/fetch HTTP/2 against node:http2', { skip: noH2, timeout: 90_000 }, () => {
  it('ALPN h2, status, headers, body, push disabled in our SETTINGS', { timeout: 20_000 }, async () => {
    const srv = await h2Server((stream, headers) => {
      stream.respond({ ':status': 200, 'x-path': headers[':path'], 'x-authority': headers[':authority'], 'x-ua': headers['user-agent'] });
      stream.end('hello h2');
    });
    srv.srv.on('request', (req, res) => { if (req.httpVersionMajor === 1) res.end('over http/1.1'); });
    const f = client();
    const res = await withTimeout(f(`${srv.url}/p?q=1`), 5000, 'first h2 request');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-path'), '/p?q=1');
    assert.equal(res.headers.get('x-authority'), srv.url.slice('https://'.length));
    assert.equal(res.headers.get('x-ua'), 'wasmtls');
    assert.equal(await res.text(), 'hello h2');
    const info = responseInfo(res);
    assert.equal(info.httpVersion, '2');
    assert.equal(info.alpn, 'h2');
    assert.equal(srv.remoteSettings.enablePush, false);
    // http: '1.1' offers only http/1.1: the same server answers over HTTP/1.1
    const f1 = client({ http: '1.1' });
    const r1 = await withTimeout(f1(`${srv.url}/`), 5000, 'http/1.1 request');
    assert.equal(responseInfo(r1).httpVersion, '1.1');
    assert.equal(await r1.text(), 'over http/1.1');
    await f1.close();
    await f.close();
  });

  it('100 concurrent requests share one connection', { timeout: 20_000 }, async () => {
    let connections = 0;
    const srv = await h2Server((stream, headers) => {
      setTimeout(() => { stream.respond({ ':status': 200 }); stream.end(headers[':path']); }, 5);
    });
    srv.srv.on('secureConnection', () => connections++);
    const f = client();
    const texts = await Promise.all(Array.from({ length: 100 }, (_, i) => f(`${srv.url}/${i}`).then((r) => r.text())));
    assert.deepEqual(texts, Array.from({ length: 100 }, (_, i) => `/${i}`));
    assert.equal(connections, 1);
    await f.close();
  });

  it('small server windows: a 1 MiB upload flows under a 16 KiB server window; a 4 MiB download checksummed', { timeout: 20_000 }, async () => {
    const big = crypto.randomBytes(4 << 20);
    const srv = await h2Server(async (stream, headers) => {
      if (headers[':method'] === 'POST') {
        const h = crypto.createHash('sha256');
        let n = 0;
        for await (const c of stream) { h.update(c); n += c.length; }
        stream.respond({ ':status': 200 });
        stream.end(JSON.stringify({ n, sha: h.digest('hex'), cl: headers['content-length'] ?? null }));
        return;
      }
      stream.respond({ ':status': 200 });
      stream.end(big);
    }, { initialWindowSize: 16384, maxFrameSize: 16384 });
    const f = client();
    const up = crypto.randomBytes(1 << 20);
    let r = await f(srv.url, { method: 'POST', body: up });
    assert.deepEqual(await r.json(), { n: up.length, sha: sha256(up), cl: String(up.length) });
    const parts = [up.subarray(0, 300_000), up.subarray(300_000)];
    r = await f(srv.url, { method: 'POST', body: new ReadableStream({ pull(c) { const p = parts.shift(); if (p) c.enqueue(new Uint8Array(p)); else c.close(); } }) });
    assert.deepEqual(await r.json(), { n: up.length, sha: sha256(up), cl: null });
    r = await f(`${srv.url}/big`);
    assert.equal(sha256(Buffer.from(await r.arrayBuffer())), sha256(big));
    await f.close();
  });

  it('our window holds a slow reader back: the server cannot send more than the window ahead', { timeout: 20_000 }, async () => {
    let sent = 0;
    const srv = await h2Server((stream) => {
      stream.respond({ ':status': 200 });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (sent < (8 << 20)) {
          sent += chunk.length;
          if (!stream.write(chunk)) { stream.once('drain', pump); return; }
        }
        stream.end();
      };
      pump();
    });
    const f = client();
    const res = await f(srv.url);
    const reader = res.body.getReader();
    await reader.read();
    await sleep(300);
    // 1 MiB window plus what Node buffers in its own socket and stream queues
    assert.ok(sent < 4 << 20, `the server sent ${sent} bytes ahead of a reader that stopped`);
    let total = 0;
    for (;;) { const { value, done } = await reader.read(); if (done) break; total += value.length; }
    assert.ok(total > (8 << 20) - (256 << 10));
    await f.close();
  });

  it('RST_STREAM from the server, and a body short of its content-length, error that stream only, typed', { timeout: 20_000 }, async () => {
    const srv = await h2Server((stream, headers) => {
      if (headers[':path'] === '/reset-before') { stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR); return; }
      if (headers[':path'] === '/short') {
        // END_STREAM after 7 of 1000 announced bytes: nghttp2 resets the stream (a short body is an error)
        stream.respond({ ':status': 200, 'content-length': '1000' });
        stream.end('partial');
        return;
      }
      stream.respond({ ':status': 200 });
      stream.end('fine');
    });
    const f = client();
    await assert.rejects(withTimeout(f(`${srv.url}/reset-before`), 5000, 'rst'),
      (e) => e instanceof HttpError && e.httpCode === 'H2_STREAM_RESET' && /INTERNAL_ERROR/.test(e.message));
    const res = await f(`${srv.url}/short`);
    await assert.rejects(withTimeout(res.text(), 5000, 'short'), (e) => e.httpCode === 'H2_STREAM_RESET' && /PROTOCOL_ERROR/.test(e.message));
    assert.equal(await (await f(`${srv.url}/ok`)).text(), 'fine', 'the connection still serves other streams');
    await f.close();
  });

  it('GOAWAY: streams above last-stream-id are retried on a new connection; a GOAWAY with error mid-stream errors the body', { timeout: 20_000 }, async () => {
    let connections = 0;
    let first = true;
    const srv = await h2Server((stream, headers, session) => {
      if (headers[':path'] === '/goaway' && first) {
        first = false;
        // GOAWAY with last-stream-id 1 (the first request): this stream (3) was not processed
        session.goaway(http2.constants.NGHTTP2_NO_ERROR, 1);
        return;
      }
      if (headers[':path'] === '/goaway-mid') {
        stream.respond({ ':status': 200 });
        stream.write('some', () => setTimeout(() => session.destroy(new Error('x'), http2.constants.NGHTTP2_INTERNAL_ERROR), 20));
        return;
      }
      stream.respond({ ':status': 200 });
      stream.end(`served ${headers[':path']}`);
    });
    srv.srv.on('secureConnection', () => connections++);
    const f = client();
    assert.equal(await (await f(`${srv.url}/first`)).text(), 'served /first');
    const res = await withTimeout(f(`${srv.url}/goaway`), 5000, 'goaway retry');
    assert.equal(await res.text(), 'served /goaway');
    assert.equal(connections, 2, 'retried on a second connection');
    const mid = await f(`${srv.url}/goaway-mid`);
    await assert.rejects(withTimeout(mid.text(), 5000, 'goaway mid'), (e) => e instanceof HttpError);
    assert.equal(await (await f(`${srv.url}/after`)).text(), 'served /after');
    await f.close();
  });

  it('large header blocks: 40 KiB arrive (CONTINUATION), over maxHeaderSize is HEADERS_TOO_LARGE', { timeout: 20_000 }, async () => {
    const srv = await h2Server((stream, headers) => {
      const size = Number(headers[':path'].slice(1));
      const h = { ':status': 200 };
      for (let i = 0; i < size / 1024; i++) h[`x-h${i}`] = 'v'.repeat(1000);
      stream.respond(h);
      stream.end('ok');
    }, { maxHeaderListSize: 1 << 20 }, { maxSendHeaderBlockLength: 1 << 20 });
    const f = client({ maxHeaderSize: 64 * 1024 });
    const res = await f(`${srv.url}/40960`);
    assert.equal(res.headers.get('x-h39'), 'v'.repeat(1000));
    assert.equal(await res.text(), 'ok');
    await assert.rejects(withTimeout(f(`${srv.url}/102400`), 5000, 'big headers'), (e) => e.httpCode === 'HEADERS_TOO_LARGE');
    assert.equal(await (await f(`${srv.url}/1024`)).text(), 'ok');
    await f.close();
  });

  it('gzip, HEAD, 204, redirects and AbortSignal over h2', { timeout: 20_000 }, async () => {
    const srv = await h2Server((stream, headers) => {
      const p = headers[':path'];
      if (p === '/gz') { stream.respond({ ':status': 200, 'content-encoding': 'gzip' }); stream.end(zlib.gzipSync('zipped h2')); return; }
      if (p === '/204') { stream.respond({ ':status': 204 }, { endStream: true }); return; }
      if (p === '/redir') { stream.respond({ ':status': 302, location: '/final' }); stream.end(); return; }
      if (p === '/stall') { return; }
      stream.respond({ ':status': 200, 'content-length': '5' });
      stream.end(headers[':method'] === 'HEAD' ? undefined : 'final');
    });
    const f = client();
    assert.equal(await (await f(`${srv.url}/gz`)).text(), 'zipped h2');
    const head = await f(`${srv.url}/x`, { method: 'HEAD' });
    assert.equal(head.body, null);
    assert.equal(head.headers.get('content-length'), '5');
    assert.equal((await f(`${srv.url}/204`)).body, null);
    const r = await f(`${srv.url}/redir`);
    assert.equal(r.redirected, true);
    assert.equal(await r.text(), 'final');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(withTimeout(f(`${srv.url}/stall`, { signal: ac.signal }), 5000, 'abort'), (e) => e.name === 'AbortError');
    assert.equal(await (await f(`${srv.url}/x`)).text(), 'final');
    await f.close();
  });

  it('a server that picks h2 and then sends garbage: H2_PROTOCOL_ERROR, no hang', { timeout: 20_000 }, async () => {
    const leaf = pki.leaves.p256;
    const srv = tls.createServer({ cert: leaf.chainPem, key: leaf.keyPem, ALPNProtocols: ['h2'] }, (s) => {
      s.on('error', () => {});
      s.once('data', () => s.write(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'))); // not an h2 frame
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    closers.push(() => new Promise((r) => srv.close(() => r())));
    const f = client();
    await assert.rejects(withTimeout(f(`https://127.0.0.1:${srv.address().port}/`), 5000, 'garbage'),
      (e) => e instanceof HttpError && e.code === 'HTTP_PROTOCOL' && e.httpCode === 'H2_PROTOCOL_ERROR');
    await f.close();
  });
});
