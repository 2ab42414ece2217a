// wasmtls/fetch in workerd (the npm `workerd` binary), from the packed package: a worker imports
// the package's js/fetch/index.workerd.js (the h2 wasm comes in as a compiled Module) and fetches,
// over cloudflare:sockets + wasmtls, from node:http2 (10 concurrent 1 MiB downloads over h2,
// checksummed) and node:https (HTTP/1.1, gzip, POST) on 127.0.0.1.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { getPki } from './helpers/pki.mjs';
import { installPackedCopy, runtimeBinary } from './helpers/packed.mjs';
import { startWorkerd } from './helpers/workerd.mjs';

const WORKER = `import { createFetch, responseInfo } from './node_modules/wasmtls/js/fetch/index.workerd.js';
const hex = async (buf) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
export default {
  async fetch(request, env) {
    const f = createFetch({ tls: { ca: env.CA, timeoutMs: 10000 } });
    try {
      const r2 = await Promise.all(Array.from({ length: 10 }, () => f(env.H2 + '/big')));
      const shas = await Promise.all(r2.map(async (r) => hex(await r.arrayBuffer())));
      const r1 = await f(env.H1 + '/gz', { method: 'POST', body: 'posted' });
      const out = {
        h2: { version: responseInfo(r2[0]).httpVersion, alpn: responseInfo(r2[0]).alpn, sha: [...new Set(shas)] },
        h1: { version: responseInfo(r1).httpVersion, text: await r1.text() },
      };
      return Response.json(out);
    } catch (err) {
      return Response.json({ error: { code: err.code, httpCode: err.httpCode, message: err.message, stack: err.stack } }, { status: 500 });
    } finally {
      await f.close();
    }
  },
};
`;

let pki;
let pkg;
let h2;
let h1;
const big = crypto.randomBytes(1 << 20);
const listen = async (srv) => { srv.listen(0, '127.0.0.1'); await once(srv, 'listening'); return srv.address().port; };

before(async () => {
  pki = getPki();
  const leaf = pki.leaves.p256;
  h2 = http2.createSecureServer({ cert: leaf.chainPem, key: leaf.keyPem, maxSessionMemory: 256 });
  h2.on('stream', (s) => { s.on('error', () => {}); s.respond({ ':status': 200 }); s.end(big); });
  h1 = https.createServer({ cert: leaf.chainPem, key: leaf.keyPem }, async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    res.setHeader('content-encoding', 'gzip');
    res.end(zlib.gzipSync(`got ${req.method} ${body}`));
  });
  await Promise.all([listen(h2), listen(h1)]);
});
after(async () => {
  for (const s of [h2, h1]) { s?.closeAllConnections?.(); await new Promise((r) => (s ? s.close(() => r()) : r())); }
});

test('workerd: wasmtls/fetch over h2 and HTTP/1.1 from a worker', { timeout: 120_000 }, async (t) => {
  const rt = runtimeBinary('workerd');
  if (!rt.bin) { console.log(`# SKIP workerd: ${rt.reason}`); t.skip(rt.reason); return; }
  pkg = installPackedCopy();
  fs.writeFileSync(path.join(pkg.dir, 'fetch-worker.js'), WORKER);
  const worker = await startWorkerd({
    workerdBin: rt.bin, projectDir: pkg.dir, workerFile: 'fetch-worker.js', name: 'workerd-fetch',
    bindings: { CA: pki.rootPem, H2: `https://127.0.0.1:${h2.address().port}`, H1: `https://127.0.0.1:${h1.address().port}` },
  });
  try {
    const res = await fetch(worker.url);
    const out = await res.json();
    assert.equal(res.status, 200, `${JSON.stringify(out)}\n${worker.output()}`);
    assert.deepEqual(out.h2, { version: '2', alpn: 'h2', sha: [crypto.createHash('sha256').update(big).digest('hex')] });
    assert.deepEqual(out.h1, { version: '1.1', text: 'got POST posted' });
  } finally {
    await worker.stop();
  }
});
