// `wasmtls fetch` (js/cli.js fetch …) against a Node https server on 127.0.0.1: body to stdout
// or -o FILE, the one-line --json result, -X/-H/-d/-d @FILE, --connect-to, --insecure, typed
// failures (exit 1, ok:false) and usage errors (exit 2).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getPki } from './helpers/pki.mjs';

const CLI = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
let pki;
let srv;
let port;
let tmp;
const big = crypto.randomBytes(1024 * 1024 + 17);

function run(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'fetch', ...args], { encoding: 'buffer', maxBuffer: 16 << 20, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr: stderr.toString() });
    });
  });
}
const jsonLine = (stderr) => JSON.parse(stderr.trim().split('\n').at(-1));

before(async () => {
  pki = getPki();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-cli-fetch-'));
  const leaf = pki.leaves.p256;
  srv = https.createServer({ cert: leaf.chainPem, key: leaf.keyPem }, async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    if (req.url === '/big') { res.end(big); return; }
    if (req.url === '/404') { res.writeHead(404); res.end('nope'); return; }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, xtest: req.headers['x-test'] ?? null,
      type: req.headers['content-type'] ?? null, body: Buffer.concat(chunks).toString() }));
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  port = srv.address().port;
});
after(async () => {
  srv.closeAllConnections?.();
  await new Promise((r) => srv.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('wasmtls fetch (CLI)', { timeout: 90_000 }, () => {
  it('GET: body on stdout, one JSON line on stderr, exit 0', async () => {
    const r = await run([`https://127.0.0.1:${port}/big`, '--ca', pki.rootFile, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(crypto.createHash('sha256').update(r.stdout).digest('hex'), crypto.createHash('sha256').update(big).digest('hex'));
    const j = jsonLine(r.stderr);
    assert.deepEqual(Object.keys(j), ['ok', 'status', 'httpVersion', 'alpn', 'bytes', 'tls']);
    assert.equal(j.ok, true);
    assert.equal(j.status, 200);
    assert.equal(j.httpVersion, '1.1');
    assert.equal(j.alpn, 'http/1.1');
    assert.equal(j.bytes, big.length);
    assert.equal(j.tls.version, 'TLSv1.3');
    assert.match(j.tls.cipher, /^TLS_/);
    assert.ok(j.tls.group);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'exactly one line on stderr');
  });

  it('-X, -H, -d DATA, -d @FILE, -o FILE, --connect-to', async () => {
    let r = await run([`https://localhost:1/echo`, '--connect-to', `127.0.0.1:${port}`, '--ca', pki.rootFile,
      '-X', 'PUT', '-H', 'X-Test: yes', '-d', 'a=1', '--http1.1']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { method: 'PUT', url: '/echo', host: 'localhost:1', xtest: 'yes', type: 'application/x-www-form-urlencoded', body: 'a=1' });
    const file = path.join(tmp, 'body.txt');
    fs.writeFileSync(file, 'from a file');
    const out = path.join(tmp, 'out.json');
    r = await run([`https://127.0.0.1:${port}/p`, '--ca', pki.rootFile, '-d', `@${file}`, '-H', 'content-type: text/plain', '-o', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0);
    const body = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual([body.method, body.type, body.body], ['POST', 'text/plain', 'from a file']);
    assert.equal(jsonLine(r.stderr).bytes, fs.statSync(out).size);
  });

  it('an HTTP error status is still a completed fetch (exit 0, status in the JSON)', async () => {
    const r = await run([`https://127.0.0.1:${port}/404`, '--ca', pki.rootFile, '--json']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), 'nope');
    assert.equal(jsonLine(r.stderr).status, 404);
  });

  it('failures: exit 1 and {"ok":false,"error":{code,message}}; --insecure skips verification', async () => {
    let r = await run([`https://127.0.0.1:${port}/`, '--json']);
    assert.equal(r.code, 1);
    let j = jsonLine(r.stderr);
    assert.equal(j.ok, false);
    assert.equal(j.error.code, 'UNKNOWN_CA');
    assert.equal(typeof j.error.message, 'string');
    r = await run([`https://127.0.0.1:${port}/`, '--insecure', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLine(r.stderr).ok, true);
    r = await run([`https://127.0.0.1:${port}/`, '--ca', path.join(tmp, 'missing.pem'), '--json']);
    assert.equal(r.code, 1);
    assert.equal(jsonLine(r.stderr).error.code, 'INVALID_OPTION');
    r = await run(['https://127.0.0.1:1/', '--ca', pki.rootFile, '--json']);
    assert.equal(r.code, 1);
    j = jsonLine(r.stderr);
    assert.equal(j.ok, false);
    assert.ok(['CONNECT_FAILED', 'TRANSPORT_CLOSED'].includes(j.error.code), j.error.code);
  });

  it('--http2 against nginx (h2): httpVersion "2", alpn "h2"; --http2 against an http/1.1-only server fails', async (t) => {
    const { NGINX, startNginx } = await import('./helpers/nginx.mjs');
    if (!NGINX) { t.skip('nginx is not installed'); return; }
    const ng = await startNginx({ leaf: pki.leaves.p256, sizes: { '64k.bin': 65536 } });
    try {
      let r = await run([`${ng.url}/64k.bin`, '--ca', pki.rootFile, '--http2', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const j = jsonLine(r.stderr);
      assert.deepEqual([j.ok, j.status, j.httpVersion, j.alpn, j.bytes], [true, 200, '2', 'h2', 65536]);
      assert.equal(crypto.createHash('sha256').update(r.stdout).digest('hex'), ng.files['64k.bin'].sha256);
      r = await run([`${ng.url}/64k.bin`, '--ca', pki.rootFile, '--http1.1', '--json']);
      assert.equal(jsonLine(r.stderr).httpVersion, '1.1');
    } finally {
      await ng.stop();
    }
    const r = await run([`https://127.0.0.1:${port}/`, '--ca', pki.rootFile, '--http2', '--json']);
    assert.equal(r.code, 1);
    assert.equal(jsonLine(r.stderr).ok, false);
  });

  it('usage errors exit 2', async () => {
    for (const args of [[], ['--http1.1', '--http2', 'https://x/'], ['https://x/', '-H', 'bad'], ['https://x/', '--bogus']]) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /usage: wasmtls fetch/);
    }
  });
});
