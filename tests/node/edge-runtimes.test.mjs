// The packed package in every runtime: `npm pack` → install the tarball into an
// empty project (offline) → the same `import { connect } from 'wasmtls'` client
// runs in Node, Deno and Bun, and the example Cloudflare worker runs in workerd,
// each against openssl s_server with a private CA on 127.0.0.1.
// A runtime whose binary cannot run here is skipped with a printed reason.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer, startSServer } from './helpers/servers.mjs';
import { installPackedCopy, runtimeBinary, runtimeEnv, REPO } from './helpers/packed.mjs';
import { startWorkerd } from './helpers/workerd.mjs';

let pkg;
let server;
let echo;
let pki;
// 16 MiB overflows the loopback socket buffers, so Bun's partial write() + drain path runs
// (seen with a counter added by hand: 1 partial write and 1 drain per run).
const BULK = 16 * 1024 * 1024;

before(async () => {
  pki = getPki();
  pkg = installPackedCopy();
  server = await startSServer({ leaf: pki.leaves.p256 });
  echo = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem });
  fs.copyFileSync(path.join(REPO, 'tests/node/edge/bulk.js'), path.join(pkg.dir, 'bulk.js'));
  fs.copyFileSync(path.join(REPO, 'examples/deno/client.js'), path.join(pkg.dir, 'client.js'));
  fs.copyFileSync(path.join(REPO, 'examples/cloudflare-worker/worker.js'), path.join(pkg.dir, 'worker.js'));
  fs.writeFileSync(path.join(pkg.dir, 'ca.pem'), pki.rootPem);
  console.log(`# npm pack ${pkg.packMs} ms, npm install --offline ${pkg.installMs} ms, ${pkg.files.length} files`);
});

after(async () => { await server?.stop(); await echo?.stop(); });

/** Run a command in the installed project; resolves { code, stdout, stderr, ms }. */
function run(cmd, args, { timeout = 30000 } = {}) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: pkg.dir, env: runtimeEnv(), timeout, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

function lastJsonLine(text) {
  const lines = text.trim().split('\n').filter((l) => l.startsWith('{'));
  return JSON.parse(lines.at(-1));
}

/** Skip (with the reason printed) when the runtime cannot run here. */
function requireRuntime(t, name) {
  const rt = runtimeBinary(name);
  if (!rt.bin) {
    console.log(`# SKIP ${name}: ${rt.reason}`);
    t.skip(rt.reason);
  }
  return rt;
}

function assertClientResult(res, runtime) {
  assert.equal(res.code, 0, `${runtime} exited with ${res.code}\n${res.stdout}\n${res.stderr}`);
  const out = lastJsonLine(res.stdout);
  assert.match(out.runtime, new RegExp(`^${runtime} `));
  assert.equal(out.version, 'TLSv1.3');
  assert.equal(out.reply, 'sltmsaw morf olleh'); // s_server -rev reverses the line
  return out;
}

test('npm pack: the tarball has the prebuilt wasm, JS, types, README, LICENSE and notices, and nothing else', () => {
  const files = pkg.files;
  for (const f of ['js/dist/wasmtls.wasm', 'js/dist/wasmtls-simd.wasm', 'js/index.d.ts', 'js/node-duplex.d.ts', 'js/node-duplex.js', 'js/cli.js', 'README.md', 'LICENSE',
    'THIRD_PARTY_NOTICES', 'package.json', 'js/index.node.js', 'js/index.workerd.js', 'js/index.deno.js', 'js/index.bun.js']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  const stray = files.filter((f) => /^(tests|src|scripts|wasm|cmake|tools|docs|examples|build|\.deps|node_modules)\/|CMakeLists|\.capnp$|\.c$|\.h$/.test(f));
  assert.deepEqual(stray, [], 'no sources, tests or build files in the tarball');
  const installed = JSON.parse(fs.readFileSync(path.join(pkg.dir, 'node_modules/wasmtls/package.json'), 'utf8'));
  assert.deepEqual(Object.keys(installed.exports['.']), ['workerd', 'deno', 'bun', 'browser', 'node', 'default']);   // types: the .d.ts next to each entry
  assert.equal(installed.exports['./node'].types, './js/node-duplex.d.ts');
  assert.equal(installed.types, './js/index.d.ts');
  assert.ok(installed.bin.wasmtls);
  assert.ok(installed.engines.node);
  assert.equal(installed.license, 'MIT');
  assert.match(fs.readFileSync(path.join(pkg.dir, 'node_modules/wasmtls/THIRD_PARTY_NOTICES'), 'utf8'), /Thomas Pornin/);
  assert.ok(fs.existsSync(path.join(pkg.dir, 'node_modules/.bin/wasmtls')), 'the CLI is linked into node_modules/.bin');
});

test('node: `import { connect } from "wasmtls"` works in the installed copy', async () => {
  const res = await run(process.execPath, ['client.js', `127.0.0.1:${server.port}`, 'ca.pem', 'localhost']);
  const out = assertClientResult(res, 'node');
  console.log(`# node: ${out.version} ${out.cipher} in ${res.ms} ms (process)`);
});

test('node: wasmtls/node Duplex from the installed copy', async () => {
  const script = `
    import { connectDuplex, WasmTlsError } from 'wasmtls/node';
    import fs from 'node:fs';
    const d = connectDuplex('127.0.0.1:${server.port}', { ca: fs.readFileSync('ca.pem', 'utf8'), serverName: 'localhost' });
    const info = await d.opened;
    d.write('duplex line\\n');
    let text = '';
    for await (const chunk of d) { text += chunk; if (text.includes('\\n')) break; }
    console.log(JSON.stringify({ version: info.version, reply: text.trim(), isError: typeof WasmTlsError }));`;
  const res = await run(process.execPath, ['--input-type=module', '-e', script]);
  assert.equal(res.code, 0, res.stderr);
  const out = lastJsonLine(res.stdout);
  assert.equal(out.version, 'TLSv1.3');
  assert.equal(out.reply, 'enil xelpud');
});

test('deno: the same client, `deno run --allow-read --allow-net`', async (t) => {
  const rt = requireRuntime(t, 'deno');
  if (!rt.bin) return;
  const res = await run(rt.bin, ['run', '--allow-read', '--allow-net', 'client.js', `127.0.0.1:${server.port}`, 'ca.pem', 'localhost']);
  const out = assertClientResult(res, 'deno');
  console.log(`# ${rt.version.split('\n')[0]}: ${out.version} ${out.cipher} in ${res.ms} ms (process)`);
});

/** 16 MiB up and echoed back at once: the transport's backpressure and partial writes. */
async function bulk(bin, pre) {
  const res = await run(bin, [...pre, 'bulk.js', `127.0.0.1:${echo.port}`, 'ca.pem', String(BULK)]);
  assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
  const out = lastJsonLine(res.stdout);
  assert.equal(out.version, 'TLSv1.3');
  assert.equal(out.got, BULK);
  assert.equal(out.same, true, 'the echo matches what was sent (SHA-256)');
  return out;
}

test('deno: 16 MiB echoed through Deno.connect', async (t) => {
  const rt = requireRuntime(t, 'deno');
  if (!rt.bin) return;
  const out = await bulk(rt.bin, ['run', '--allow-read', '--allow-net']);
  console.log(`# deno bulk: 16 MiB up and back in ${out.ms} ms`);
});

test('bun: 16 MiB echoed through Bun.connect', async (t) => {
  const rt = requireRuntime(t, 'bun');
  if (!rt.bin) return;
  const out = await bulk(rt.bin, []);
  console.log(`# bun bulk: 16 MiB up and back in ${out.ms} ms`);
});

test('types: `deno check` of a TypeScript consumer of wasmtls and wasmtls/node (installed copy)', async (t) => {
  const rt = requireRuntime(t, 'deno');
  if (!rt.bin) return;
  fs.copyFileSync(path.join(REPO, 'tests/node/edge/typecheck.ts'), path.join(pkg.dir, 'typecheck.ts'));
  // node: types (for wasmtls/node) come from this repo's @types/node, linked in.
  const types = path.join(REPO, 'node_modules/@types');
  if (fs.existsSync(types)) fs.symlinkSync(types, path.join(pkg.dir, 'node_modules/@types'));
  const res = await run(rt.bin, ['check', 'typecheck.ts']);
  assert.equal(res.code, 0, `deno check failed:\n${res.stdout}\n${res.stderr}`);
});

test('bun: the same client', async (t) => {
  const rt = requireRuntime(t, 'bun');
  if (!rt.bin) return;
  const res = await run(rt.bin, ['client.js', `127.0.0.1:${server.port}`, 'ca.pem', 'localhost']);
  const out = assertClientResult(res, 'bun');
  console.log(`# bun ${rt.version}: ${out.version} ${out.cipher} in ${res.ms} ms (process)`);
});

test('workerd: the example Cloudflare worker connects through wasmtls over cloudflare:sockets', async (t) => {
  const rt = requireRuntime(t, 'workerd');
  if (!rt.bin) return;
  const worker = await startWorkerd({
    workerdBin: rt.bin, projectDir: pkg.dir, workerFile: 'worker.js',
    bindings: { TARGET: `127.0.0.1:${server.port}`, CA_PEM: pki.rootPem, SERVER_NAME: 'localhost' },
  });
  try {
    const t0 = Date.now();
    const res = await fetch(`${worker.url}/?message=${encodeURIComponent('hello workerd')}`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body) + worker.output());
    assert.equal(body.ok, true);
    assert.equal(body.reply, 'drekrow olleh');
    assert.equal(body.version, 'TLSv1.3');
    assert.equal(body.peer, 'CN=wasmtls leaf p256');
    console.log(`# ${rt.version}: ${body.version} ${body.cipher}, handshake ${body.handshakeMs} ms, request ${Date.now() - t0} ms`);

    // The private CA is what makes it work: a worker trusting another CA gets UNKNOWN_CA.
    const wrong = await startWorkerd({
      workerdBin: rt.bin, projectDir: pkg.dir, workerFile: 'worker.js', name: 'workerd-wrong-ca',
      bindings: { TARGET: `127.0.0.1:${server.port}`, CA_PEM: pki.unknownRootPem, SERVER_NAME: 'localhost' },
    });
    try {
      const bad = await fetch(`${wrong.url}/`);
      const badBody = await bad.json();
      assert.equal(bad.status, 502);
      assert.equal(badBody.error.code, 'UNKNOWN_CA');
    } finally {
      await wrong.stop();
    }
  } finally {
    await worker.stop();
  }
});
