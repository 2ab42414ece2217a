// The README's examples run as printed (issue 15, item 1). Every ```js block
// that follows a `<!-- readme-example: NAME -->` line in README.md is saved,
// unchanged but for one documented substitution — the address 127.0.0.1:8443
// becomes the test server's — as NAME.mjs in a fresh directory that has the
// test CA as ca.pem and node_modules/wasmtls (this repository). It runs with
// `node NAME.mjs` (stdin: an HTTP request) against real loopback servers —
// Node's tls, and openssl s_server -www (which sends close_notify and then
// waits for ours) — and must print the server's reply and EXIT BY ITSELF.
// The s_server runs need connect()'s allowHalfOpen default (false: on the
// server's close_notify wasmtls answers and `closed` settles).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer, startSServer } from './helpers/servers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PLACEHOLDER = '127.0.0.1:8443';
const REQUEST = 'GET / HTTP/1.0\r\n\r\n';

/** The runnable examples: { name, code } for each marked block. */
export function readmeExamples(markdown) {
  const out = [];
  const re = /^<!-- readme-example: ([\w-]+) -->\n```js\n([\s\S]*?)\n```$/gm;
  for (const m of markdown.matchAll(re)) out.push({ name: m[1], code: `${m[2]}\n` });
  return out;
}


let pki;
let dir;
const servers = {};
before(async () => {
  pki = getPki();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-readme-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'wasmtls'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'readme-examples', private: true, type: 'module' }));
  fs.writeFileSync(path.join(dir, 'ca.pem'), pki.rootPem);
  servers.node = await startNodeTlsServer({
    cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem,
    onSecureConnection: (sock) => sock.once('data', () => sock.end('HTTP/1.0 200 ok\r\n\r\nhello from node tls\n')),
  });
  servers.sserver = await startSServer({ leaf: pki.leaves.p256, mode: 'www' });
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Run `node file` with `input` on stdin; a run that does not exit in time is killed and fails. */
function run(file, input, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, exited: !killed });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

const markdown = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const examples = readmeExamples(markdown);

describe('README examples, as printed', { timeout: 120_000 }, () => {
  it('the marked blocks are found, and each names the placeholder address once', () => {
    assert.deepEqual(examples.map((e) => e.name), ['node-streams', 'node-duplex']);
    for (const e of examples) assert.equal(e.code.split(PLACEHOLDER).length, 2, `${e.name} has ${PLACEHOLDER} once`);
    // the first example of the README (section "Use") is one of them
    const firstJs = /```js\n([\s\S]*?)\n```/.exec(markdown)[1];
    assert.equal(`${firstJs}\n`, examples[0].code);
  });

  for (const [server, reply] of [
    ['node', /^HTTP\/1\.0 200 ok\r\n\r\nhello from node tls\n$/],
    ['sserver', /^HTTP\/1\.0 200 ok\r\n[\s\S]*TLSv1\.3/],
  ]) {
    for (const e of examples) {
      it(`${e.name} against ${server === 'node' ? 'Node tls' : 'openssl s_server -www'}: prints the reply and exits by itself`, async () => {
        const file = path.join(dir, `${e.name}-${server}.mjs`);
        fs.writeFileSync(file, e.code.replace(PLACEHOLDER, `127.0.0.1:${servers[server].port}`));
        const r = await run(file, REQUEST);
        assert.ok(r.exited, `${e.name} did not exit within 20 s\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
        assert.equal(r.code, 0, `exit ${r.code}\nstderr: ${r.stderr}`);
        assert.match(r.stdout.replace(/^TLSv1\.3 TLS_\w+\n/, ''), reply, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
        assert.match(e.name === 'node-duplex' ? r.stderr : r.stdout, /TLSv1\.3 TLS_\w+/);
      });
    }
  }
});
