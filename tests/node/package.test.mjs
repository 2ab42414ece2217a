// The npm package (issue 15, item 6): what `npm pack` ships, checked from its
// own file list — every relative link of the packed README points to a file in
// the tarball (docs/, examples/ and src/ are linked absolutely, to the
// repository), no test or development files, both prebuilt wasm builds, the
// metadata npm shows; and the installed tarball works with import() and with
// require() (require(esm): what `engines` promises).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import tls from 'node:tls';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPackedCopy } from './helpers/packed.mjs';
import { getPki } from './helpers/pki.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPO_URL = 'https://github.com/wasmtls/wasmtls';
let files;
let pkg;

before(() => {
  const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  files = JSON.parse(json)[0].files.map((f) => f.path);
  pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
});

/** The link targets of a Markdown text (inline links and images), without #anchors. */
function links(markdown) {
  const text = markdown.replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

test('every relative link of the packed README points to a shipped file; repository links are absolute', () => {
  assert.ok(files.includes('README.md'));
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const all = links(readme);
  assert.ok(all.length > 10, `links found: ${all.length}`);
  const relative = all.filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#'));
  for (const l of relative) assert.ok(files.includes(l.replace(/^\.\//, '').replace(/#.*$/, '')), `README links to ${l}, which the package does not ship`);
  for (const l of all.filter((x) => /^https?:/.test(x) && x.includes('github.com/wasmtls'))) {
    assert.ok(l.startsWith(`${REPO_URL}/`) || l === REPO_URL, `repository link ${l} uses ${REPO_URL}`);
  }
  // the docs and examples it names are linked to the repository, and exist there
  for (const l of all.filter((x) => x.startsWith(`${REPO_URL}/blob/main/`) || x.startsWith(`${REPO_URL}/tree/main/`))) {
    const local = l.replace(/^.*?\/(blob|tree)\/main\//, '').replace(/#.*$/, '');
    assert.ok(fs.existsSync(path.join(ROOT, local)), `${l} names ${local}, which is not in the repository`);
  }
  // anchors within the README exist
  const slugs = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[`*]/g, '').replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
  for (const l of all.filter((x) => x.startsWith('#'))) assert.ok(slugs.has(l.slice(1)), `anchor ${l} exists`);
});

test('the README starts with install and use; the repository commands are under "Develop"', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings.slice(0, 2), ['Install', 'Use']);
  assert.ok(headings.includes('Develop'));
  const develop = readme.split('\n## Develop\n')[1];
  assert.match(develop, /npm run demo/);
  assert.match(develop, /npm test/);
  assert.doesNotMatch(readme.split('\n## Develop\n')[0], /^\s+npm (run demo|test)\b/m, 'no repository command before "Develop"');
  for (const script of ['demo', 'test', 'build', 'fuzz', 'soak', 'bench']) assert.ok(pkg.scripts[script], `npm run ${script} exists`);
});

test('no test, source or development files are shipped; both wasm builds and the CHANGELOG are', () => {
  for (const f of ['js/dist/wasmtls.wasm', 'js/dist/wasmtls-simd.wasm', 'js/dist/roots-data.js', 'CHANGELOG.md', 'LICENSE', 'THIRD_PARTY_NOTICES', 'package.json',
    'js/index.d.ts', 'js/index.node.d.ts', 'js/index.deno.d.ts', 'js/index.bun.d.ts', 'js/index.workerd.d.ts', 'js/index.browser.d.ts', 'js/node-duplex.d.ts', 'js/roots.d.ts']) {
    assert.ok(files.includes(f), `${f} is shipped`);
  }
  const bad = files.filter((f) => /^(tests|src|scripts|wasm|cmake|tools|docs|examples|bench|build|\.deps|node_modules|test-output)\//.test(f) ||
    /\.test\.|CMakeLists|\.(c|h|capnp|map|log|tgz)$|^\.|\/\./.test(f));
  assert.deepEqual(bad, []);
  for (const f of files) assert.ok(f === 'package.json' || /^(js\/|README\.md$|CHANGELOG\.md$|LICENSE$|THIRD_PARTY_NOTICES$)/.test(f), `unexpected file ${f}`);
  // every file an export or the bin names is shipped
  const leaves = (v) => (typeof v === 'string' ? [v] : Object.values(v).flatMap(leaves));   // nested conditions too
  const targets = [pkg.bin.wasmtls, pkg.types, ...Object.values(pkg.exports).flatMap(leaves)];
  for (const t of targets) assert.ok(files.includes(t.replace(/^\.\//, '')), `${t} is shipped`);
  for (const entry of ['node', 'deno', 'bun', 'workerd', 'browser']) assert.ok(files.includes(`js/index.${entry}.d.ts`), `types for ${entry}`);
});

test('package.json: repository, homepage, bugs, sideEffects, engines', () => {
  assert.deepEqual(pkg.repository, { type: 'git', url: `git+${REPO_URL}.git` });
  assert.equal(pkg.homepage, `${REPO_URL}#readme`);
  assert.deepEqual(pkg.bugs, { url: `${REPO_URL}/issues` });
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.engines.node, '^20.19.0 || >=22.12.0');
  // this very Node is inside the range the package claims (the tests prove it works here)
  const [maj, min] = process.versions.node.split('.').map(Number);
  assert.ok((maj === 20 && min >= 19) || (maj === 22 && min >= 12) || maj > 22, `node ${process.versions.node} in engines`);
});

test('the installed tarball: import() and require() of wasmtls, wasmtls/node and the wasm subpaths', () => {
  const copy = installPackedCopy();
  const script = `
    const w = require('wasmtls');
    const n = require('wasmtls/node');
    const r = require('wasmtls/roots');
    const wasm = require.resolve('wasmtls/wasmtls-simd.wasm');
    console.log(JSON.stringify({ connect: typeof w.connect, init: typeof w.init, duplex: typeof n.connectDuplex,
      roots: r.default.length, wasm: require('node:fs').statSync(wasm).size > 1024 }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: copy.dir, encoding: 'utf8' }).trim().split('\n').at(-1));
  assert.deepEqual(out, { connect: 'function', init: 'function', duplex: 'function', roots: out.roots, wasm: true });
  assert.ok(out.roots > 100);
  const esm = execFileSync(process.execPath, ['--input-type=module', '-e', "import { connect, HINTS } from 'wasmtls'; console.log(typeof connect, Object.keys(HINTS).length > 20)"], { cwd: copy.dir, encoding: 'utf8' });
  assert.equal(esm.trim(), 'function true');
  // the bundled browser build resolves and sits next to the wasm builds its new URL(…) literals name
  const bundled = execFileSync(process.execPath, ['--input-type=module', '-e', "import { connect, loadWasmBrowser } from 'wasmtls/browser.min.js'; import { createRequire } from 'node:module'; import fs from 'node:fs'; import path from 'node:path'; " +
    "const file = createRequire(import.meta.url).resolve('wasmtls/browser.min.js'); console.log(typeof connect, typeof loadWasmBrowser, path.basename(file), ['wasmtls.wasm', 'wasmtls-simd.wasm'].every((f) => fs.existsSync(path.join(path.dirname(file), f))))"], { cwd: copy.dir, encoding: 'utf8' });
  assert.equal(bundled.trim(), 'function function wasmtls.browser.min.js true');
  const version = execFileSync(path.join(copy.dir, 'node_modules', '.bin', 'wasmtls'), ['--version'], { encoding: 'utf8' });
  assert.equal(version, `wasmtls ${pkg.version}\n`);
  assert.ok(fs.existsSync(path.join(copy.dir, 'node_modules', 'wasmtls', 'CHANGELOG.md')));
});

test('Node loads the bundled build (js/dist/node/): wasmtls, wasmtls/fetch and wasmtls/node share one core, and it connects', async () => {
  const copy = installPackedCopy();
  const pki = getPki();
  const server = tls.createServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem }, (s) => { s.on('error', () => {}); s.write('bundled\n'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const script = `
      import * as w from 'wasmtls'; import * as f from 'wasmtls/fetch'; import * as n from 'wasmtls/node';
      import { createRequire } from 'node:module';
      const req = createRequire(import.meta.url);
      const where = ['wasmtls', 'wasmtls/fetch', 'wasmtls/node'].map((s) => req.resolve(s).split('node_modules/wasmtls/')[1]);
      const before = new Set(Object.keys(req.cache));
      const sock = w.connect({ hostname: '127.0.0.1', port: ${server.address().port} }, { serverName: 'localhost', ca: ${JSON.stringify(pki.rootPem)} });
      const info = await sock.opened;
      const r = sock.readable.getReader(); let text = '';
      while (!text.endsWith('\\n')) text += new TextDecoder().decode((await r.read()).value);
      r.releaseLock(); await sock.close();
      const bad = await w.connect({ hostname: '127.0.0.1', port: ${server.address().port} }, { serverName: 'localhost', ca: [] }).opened.catch((e) => e);
      console.log(JSON.stringify({ where, same: w.WasmTlsError === f.WasmTlsError && w.WasmTlsError === n.WasmTlsError,
        connectSame: w.connect === n.connect, version: info.version, text,
        typed: bad instanceof f.WasmTlsError && bad instanceof n.WasmTlsError, code: bad.code }));`;
    const out = await new Promise((resolve, reject) => execFile(process.execPath, ['--input-type=module', '-e', script],
      { cwd: copy.dir, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout))));
    assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1)), {
      where: ['js/dist/node/index.js', 'js/dist/node/fetch.js', 'js/dist/node/node-duplex.js'],
      same: true, connectSame: true, version: 'TLSv1.3', text: 'bundled\n', typed: true, code: 'UNKNOWN_CA' });
  } finally {
    server.close();
  }
});

test('the Node build is made from these sources: every module of the three Node entries is in it, and only js/roots.js is left out', () => {
  const meta = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `
    import * as esbuild from 'esbuild';
    const r = await esbuild.build({ entryPoints: ['js/index.node.js', 'js/fetch/index.node.js', 'js/node-duplex.js'], bundle: true,
      splitting: true, format: 'esm', platform: 'node', write: false, outdir: '/tmp/unused', metafile: true, logLevel: 'silent',
      external: ['../roots.js'] });
    console.log(JSON.stringify(Object.keys(r.metafile.inputs)));`], { cwd: ROOT, encoding: 'utf8' }));
  const bundled = fs.readdirSync(path.join(ROOT, 'js/dist/node')).map((f) => fs.readFileSync(path.join(ROOT, 'js/dist/node', f), 'utf8')).join('\n');
  // esbuild names each module's part "// js/…" in an unminified bundle
  for (const file of meta) assert.ok(bundled.includes(`// ${file}\n`), `${file} is not in js/dist/node/ (run npm run build)`);
  assert.ok(!bundled.includes('// js/roots.js\n') && !bundled.includes('// js/dist/roots-data.js\n'));
});

test('cold start: importing the Node entry and init() load neither node:net nor node:stream (they come with the first connection)', () => {
  // an ESM import of node:fs / node:fs/promises / node:net would pull in node:stream and the fs streams (docs/PERFORMANCE.md, item 3)
  const script = `const before = new Set(process.moduleLoadList);
    const m = await import(${JSON.stringify(path.join(ROOT, 'js/dist/node/index.js'))});
    await m.init();
    console.log(JSON.stringify(process.moduleLoadList.filter((x) => !before.has(x))));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim());
  for (const mod of ['NativeModule net', 'NativeModule stream', 'NativeModule internal/fs/streams']) assert.ok(!loaded.includes(mod), `${mod} loaded at import: ${loaded.join(', ')}`);
  // the walker is right: the same probe sees node:net once a module imports it
  const withNet = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script.replace('await m.init();', "await m.init(); await import('node:net');")], { encoding: 'utf8' }).trim());
  assert.ok(withNet.includes('NativeModule net'));
});
