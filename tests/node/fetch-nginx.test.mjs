// wasmtls/fetch against Debian nginx (helpers/nginx.mjs: test PKI, http/1.1 + http2, gzip):
// static files from 1 KiB to 64 MiB checksummed, gzip decoded, keep-alive and concurrency.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createFetch, responseInfo } from '../../js/fetch/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { NGINX, startNginx } from './helpers/nginx.mjs';

const skip = NGINX ? false : 'nginx is not installed (scripts/setup.sh installs it)';
if (skip) console.log(`# SKIP fetch-nginx: ${skip}`);

let pki;
let nginx;
before(async () => {
  if (skip) return;
  pki = getPki();
  nginx = await startNginx({ leaf: pki.leaves.p256 });
});
after(async () => { await nginx?.stop(); });

/** sha256 and length of a body, read as a stream (never all in memory at once). */
async function digest(res) {
  const h = crypto.createHash('sha256');
  let n = 0;
  for await (const chunk of res.body) { h.update(chunk); n += chunk.byteLength; }
  return { sha256: h.digest('hex'), size: n };
}

describe('wasmtls/fetch against nginx over HTTP/1.1', { skip, timeout: 180_000 }, () => {
  it('static files 1 KiB … 64 MiB: checksums match, one kept-alive connection', async () => {
    const f = createFetch({ tls: { ca: pki.rootPem }, http: '1.1' });
    const t0 = performance.now();
    let total = 0;
    for (const [name, want] of Object.entries(nginx.files)) {
      const res = await f(`${nginx.url}/${name}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), String(want.size));
      assert.deepEqual(await digest(res), { sha256: want.sha256, size: want.size }, name);
      assert.equal(responseInfo(res).httpVersion, '1.1');
      assert.equal(responseInfo(res).reused, name !== '1k.bin');
      total += want.size;
    }
    const ms = performance.now() - t0;
    console.log(`# nginx http/1.1: ${(total / 1048576).toFixed(1)} MiB in ${ms.toFixed(0)} ms = ${(total / 1048576 / (ms / 1000)).toFixed(1)} MiB/s`);
    await f.close();
  });

  it('gzip: nginx compresses text/plain, the body arrives decoded', async () => {
    const f = createFetch({ tls: { ca: pki.rootPem }, http: '1.1' });
    const res = await f(`${nginx.url}/text.txt`);
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(await res.text(), nginx.text);
    const plain = await f(`${nginx.url}/text.txt`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), nginx.text);
    await f.close();
  });

  it('40 concurrent requests through the bounded pool; 404s are responses', async () => {
    const f = createFetch({ tls: { ca: pki.rootPem }, http: '1.1', maxConnectionsPerOrigin: 4 });
    const results = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
      const res = await f(`${nginx.url}/${i % 10 === 9 ? 'missing' : '64k.bin'}`);
      return res.status === 200 ? (await digest(res)).sha256 : (await res.arrayBuffer(), res.status);
    }));
    for (let i = 0; i < 40; i++) assert.equal(results[i], i % 10 === 9 ? 404 : nginx.files['64k.bin'].sha256);
    await f.close();
  });
});

describe('wasmtls/fetch against nginx over HTTP/2', { skip: skip || (process.env.WT_NO_H2 === '1' ? 'WT_NO_H2=1' : false), timeout: 180_000 }, () => {
  it('ALPN h2 by default; static files 1 KiB … 64 MiB checksummed over one connection', async () => {
    const f = createFetch({ tls: { ca: pki.rootPem } });
    const t0 = performance.now();
    let total = 0;
    for (const [name, want] of Object.entries(nginx.files)) {
      const res = await f(`${nginx.url}/${name}`);
      assert.equal(res.status, 200);
      assert.deepEqual(await digest(res), { sha256: want.sha256, size: want.size }, name);
      const info = responseInfo(res);
      assert.equal(info.httpVersion, '2');
      assert.equal(info.alpn, 'h2');
      assert.equal(info.reused, name !== '1k.bin');
      total += want.size;
    }
    const ms = performance.now() - t0;
    console.log(`# nginx h2: ${(total / 1048576).toFixed(1)} MiB in ${ms.toFixed(0)} ms = ${(total / 1048576 / (ms / 1000)).toFixed(1)} MiB/s`);
    await f.close();
  });

  it('300 concurrent requests multiplexed on one h2 connection (nginx allows 128 streams at a time)', async () => {
    const f = createFetch({ tls: { ca: pki.rootPem } });
    const t0 = performance.now();
    const names = ['1k.bin', '64k.bin', 'missing'];
    const results = await Promise.all(Array.from({ length: 300 }, async (_, i) => {
      const res = await f(`${nginx.url}/${names[i % 3]}`);
      const info = responseInfo(res);
      return [res.status, res.status === 200 ? (await digest(res)).sha256 : (await res.arrayBuffer(), null), info.reused];
    }));
    console.log(`# nginx h2: 300 concurrent GETs in ${(performance.now() - t0).toFixed(0)} ms`);
    for (let i = 0; i < 300; i++) {
      const name = names[i % 3];
      assert.equal(results[i][0], name === 'missing' ? 404 : 200);
      if (name !== 'missing') assert.equal(results[i][1], nginx.files[name].sha256);
    }
    assert.equal(results.filter(([, , reused]) => !reused).length, 1, 'exactly one connection was opened');
    await f.close();
  });

  it('gzip over h2, and 100 sequential small GETs', async () => {
    const f = createFetch({ tls: { ca: pki.rootPem } });
    const res = await f(`${nginx.url}/text.txt`);
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(await res.text(), nginx.text);
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) assert.equal((await (await f(`${nginx.url}/1k.bin`)).arrayBuffer()).byteLength, 1024);
    console.log(`# nginx h2: 100 sequential GETs in ${(performance.now() - t0).toFixed(0)} ms`);
    await f.close();
  });
});
