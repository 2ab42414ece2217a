// The WebSocket transports outside the browser (issue 15, item 4: every entry
// exports what its runtime can do). Node (global WebSocket: Node 22+, or 20 with
// --experimental-websocket), Deno and Bun each open `transport: 'ws://…'` (and
// webSocket(url)) through websockify to a Node TLS echo server on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer } from './helpers/servers.mjs';
import { startWebsockify } from './helpers/browser.mjs';
import { runtimeBinary, runtimeEnv, REPO } from './helpers/packed.mjs';

const noWebsockify = !(process.env.PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, 'websockify'))) && 'websockify is missing (apt websockify)';
let pki, echo, proxy, dir;

before(async () => {
  if (noWebsockify) return;
  pki = getPki();
  echo = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem });
  proxy = await startWebsockify(echo.port);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-ws-runtimes-'));
});
after(async () => {
  await proxy?.stop();
  await echo?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function script(entry) {
  return `
import { connect, webSocket, wisp } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'js', entry)).href)};
const [url, caB64, how] = globalThis.Deno?.args ?? process.argv.slice(2);
const ca = atob(caB64);
try {
  const s = connect('localhost:443', { ca, transport: how === 'string' ? url : webSocket(url) });
  const info = await s.opened;
  const w = s.writable.getWriter();
  await w.write('over a websocket');
  const r = s.readable.getReader();
  let text = '';
  while (text.length < 16) { const { value, done } = await r.read(); if (done) break; text += new TextDecoder().decode(value); }
  r.releaseLock();
  w.releaseLock();
  await s.close();
  console.log(JSON.stringify({ ok: true, version: info.version, text, wisp: typeof wisp }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, code: err.code, message: err.message }));
}
`;
}

function run(cmd, args) {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: dir, env: runtimeEnv(), timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const RUNTIMES = {
  node: { entry: 'index.node.js', cmd: () => ({ bin: process.execPath, version: process.version }), args: (file) => (Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket', '--no-warnings', file] : [file]) },
  deno: { entry: 'index.deno.js', cmd: () => runtimeBinary('deno'), args: (file) => ['run', '--allow-read', '--allow-net', file] },
  bun: { entry: 'index.bun.js', cmd: () => runtimeBinary('bun'), args: (file) => [file] },
};

for (const [name, rt] of Object.entries(RUNTIMES)) {
  for (const how of ['string', 'webSocket()']) {
    test(`${name}: transport ${how === 'string' ? "'ws://…'" : 'webSocket(url)'} through websockify`, { skip: noWebsockify }, async (t) => {
      const bin = rt.cmd();
      if (!bin.bin) { t.skip(bin.reason); return; }
      const file = path.join(dir, `${name}.mjs`);
      fs.writeFileSync(file, script(rt.entry));
      const res = await run(bin.bin, [...rt.args(file), proxy.url, Buffer.from(pki.rootPem).toString('base64'), how === 'string' ? 'string' : 'factory']);
      const line = res.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
      assert.ok(line, `no result from ${name}: exit ${res.code}\n${res.stdout}\n${res.stderr}`);
      assert.deepEqual(JSON.parse(line), { ok: true, version: 'TLSv1.3', text: 'over a websocket', wisp: 'function' }, res.stderr);
    });
  }
}
