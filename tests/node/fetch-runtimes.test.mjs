// wasmtls/fetch in Deno and Bun (the binaries of the npm devDependencies): their own entries
// (js/fetch/index.deno.js, index.bun.js) run the client below against node:http2
// (20 concurrent 1 MiB downloads over h2, checksummed), node:https (gzip, POST) and an npm `ws`
// server on 127.0.0.1. A runtime that cannot run here is skipped with the reason printed.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import path from 'node:path';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import { WebSocketServer } from 'ws';
import { getPki } from './helpers/pki.mjs';
import fs from 'node:fs';
import { runtimeBinary, runtimeEnv, REPO } from './helpers/packed.mjs';

// The client each runtime runs (written next to the test PKI, removed with it).
const CLIENT = `// Run by tests/node/fetch-runtimes.test.mjs in Deno and Bun: wasmtls/fetch (the runtime's entry,
// given as argv[0]) against h2 and HTTP/1.1 servers on 127.0.0.1, and a WebSocket echo; prints
// one JSON line.
const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [entry, caFile, h2Url, h1Url, wsUrl] = args;
const { createFetch, responseInfo, WebSocket } = await import(entry);
const ca = globalThis.Deno ? await Deno.readTextFile(caFile) : await Bun.file(caFile).text();
const runtime = globalThis.Deno ? \`deno \${Deno.version.deno}\` : \`bun \${Bun.version}\`;
const f = createFetch({ tls: { ca } });
const digest = async (buf) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
const out = { runtime };
const r2 = await Promise.all(Array.from({ length: 20 }, () => f(\`\${h2Url}/big\`)));
out.h2 = { version: responseInfo(r2[0]).httpVersion, alpn: responseInfo(r2[0]).alpn, sha: [...new Set(await Promise.all(r2.map(async (r) => digest(await r.arrayBuffer()))))] };
const r1 = await f(\`\${h1Url}/gz\`, { method: 'POST', body: 'posted' });
out.h1 = { version: responseInfo(r1).httpVersion, text: await r1.text() };
const ws = new WebSocket(wsUrl, [], { tls: { ca } });
out.ws = await new Promise((resolve, reject) => {
  ws.onopen = () => ws.send('echo me');
  ws.onmessage = (e) => { resolve(e.data); ws.close(); };
  ws.onerror = (e) => reject(e.error);
});
await new Promise((r) => { ws.onclose = r; if (ws.readyState === 3) r(); });
await f.close();
console.log(JSON.stringify(out));
`;

let pki;
let h2;
let h1;
let wsSrv;
const big = crypto.randomBytes(1 << 20);
const listen = async (srv) => { srv.listen(0, '127.0.0.1'); await once(srv, 'listening'); return srv.address().port; };

before(async () => {
  pki = getPki();
  const leaf = pki.leaves.p256;
  // 20 streams x 1 MiB queued by s.end() count against Node's session memory (default 10 MB)
  h2 = http2.createSecureServer({ cert: leaf.chainPem, key: leaf.keyPem, maxSessionMemory: 256 });
  h2.on('stream', (s) => { s.on('error', () => {}); s.respond({ ':status': 200 }); s.end(big); });
  h1 = https.createServer({ cert: leaf.chainPem, key: leaf.keyPem }, async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    res.setHeader('content-encoding', 'gzip');
    res.end(zlib.gzipSync(`got ${req.method} ${body}`));
  });
  const wsHttps = https.createServer({ cert: leaf.chainPem, key: leaf.keyPem });
  new WebSocketServer({ server: wsHttps }).on('connection', (ws) => ws.on('message', (d, b) => ws.send(d, { binary: b })));
  wsSrv = wsHttps;
  await Promise.all([listen(h2), listen(h1), listen(wsHttps)]);
});
after(async () => {
  for (const s of [h2, h1, wsSrv]) { s?.closeAllConnections?.(); await new Promise((r) => (s ? s.close(() => r()) : r())); }
});

function run(bin, args) {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: REPO, env: runtimeEnv(), timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const sha = crypto.createHash('sha256').update(big).digest('hex');
for (const [name, entry, pre] of [
  ['deno', 'js/fetch/index.deno.js', ['run', '--allow-read', '--allow-net', '--allow-env']],
  ['bun', 'js/fetch/index.bun.js', ['run']],
]) {
  describe(`wasmtls/fetch in ${name}`, { timeout: 90_000 }, () => {
    it('h2 x20 concurrent, HTTP/1.1 gzip POST, WebSocket echo', async (t) => {
      const rt = runtimeBinary(name);
      if (!rt.bin) { console.log(`# SKIP ${name}: ${rt.reason}`); t.skip(rt.reason); return; }
      const caFile = path.join(pki.dir, 'root.pem');
      const clientFile = path.join(pki.dir, 'fetch-client.js');
      fs.writeFileSync(clientFile, CLIENT);
      const res = await run(rt.bin, [...pre, clientFile, path.join(REPO, entry), caFile,
        `https://127.0.0.1:${h2.address().port}`, `https://127.0.0.1:${h1.address().port}`, `wss://127.0.0.1:${wsSrv.address().port}/`]);
      assert.equal(res.code, 0, `${name} exited ${res.code}\n${res.stdout}\n${res.stderr}`);
      const out = JSON.parse(res.stdout.trim().split('\n').at(-1));
      assert.match(out.runtime, new RegExp(`^${name} `));
      assert.deepEqual(out.h2, { version: '2', alpn: 'h2', sha: [sha] });
      assert.deepEqual(out.h1, { version: '1.1', text: 'got POST posted' });
      assert.equal(out.ws, 'echo me');
    });
  });
}
