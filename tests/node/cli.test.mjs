// The CLI: `node js/cli.js connect HOST:PORT [--servername N] [--ca FILE] [--alpn a,b] [--timeout-ms T] [--json]`
// pipes stdin↔connection; with --json prints exactly one JSON line to stderr at the end.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPki } from './helpers/pki.mjs';
import { getClientPki } from './helpers/client-pki.mjs';
import fs from 'node:fs';
import os from 'node:os';
import { startSServer, startRawServer, getFreePort } from './helpers/servers.mjs';
import { reverseLines } from './helpers/streams.mjs';
import { spkiPin } from '../../js/core/trust.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'js', 'cli.js');

let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

/** Run the CLI with `input` on stdin; resolves { code, signal, stdout, stderr, ms }. Kills it after timeoutMs. */
function runCli(args, input = '', { timeoutMs = 15_000, keepStdinOpenMs = 0, env } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const childEnv = { ...process.env, ...env };
    delete childEnv.NODE_EXTRA_CA_CERTS;
    if (env?.NODE_EXTRA_CA_CERTS) childEnv.NODE_EXTRA_CA_CERTS = env.NODE_EXTRA_CA_CERTS;
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: childEnv });
    let stdout = Buffer.alloc(0);
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => { stdout = Buffer.concat([stdout, d]); });
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', reject);
    let stdinTimer;
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(stdinTimer);
      if (killed) {
        reject(new Error(`CLI ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      resolve({ code, signal, stdout: stdout.toString('utf8'), stdoutBytes: stdout.length, stderr, ms: Date.now() - t0 });
    });
    if (input) child.stdin.write(input);
    if (keepStdinOpenMs) stdinTimer = setTimeout(() => child.stdin.end(), keepStdinOpenMs);
    else child.stdin.end();
  });
}

function jsonLine(stderr) {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `expected exactly one stderr line with --json, got:\n${stderr}`);
  try {
    return { line: lines[0], obj: JSON.parse(lines[0]) };
  } catch (e) {
    assert.fail(`stderr line is not JSON: ${lines[0]}`);
  }
}

async function sserver(opts = {}) {
  const srv = await startSServer({ leaf: pki.leaves.p256, groups: 'X25519', ciphersuites: 'TLS_AES_128_GCM_SHA256', ...opts });
  servers.push(srv);
  return srv;
}

describe('cli.js connect', { timeout: 90_000 }, () => {
  it('--json: echoes stdin through s_server -rev, one JSON line with exact keys', async () => {
    const srv = await sserver();
    const input = 'hello\nwasmtls cli\n' + 'z'.repeat(5000) + '\n';
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile, '--json'], input);
    assert.equal(r.code, 0, `exit ${r.code}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, reverseLines(input));
    const { obj } = jsonLine(r.stderr);
    assert.deepEqual(Object.keys(obj), ['ok', 'version', 'cipher', 'group', 'alpn', 'resumed', 'bytesIn', 'bytesOut']);
    assert.equal(obj.resumed, false);
    assert.equal(obj.ok, true);
    assert.equal(obj.version, 'TLSv1.3');
    assert.equal(obj.cipher, 'TLS_AES_128_GCM_SHA256');
    assert.equal(obj.group, 'x25519');
    assert.equal(obj.alpn, null);
    assert.equal(obj.bytesOut, Buffer.byteLength(input));
    assert.equal(obj.bytesIn, r.stdoutBytes);
  });

  it('--json reflects the negotiated suite, HRR group and ALPN', async () => {
    const srv = await sserver({ leaf: pki.leaves.rsa2048, groups: 'P-384', ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256', alpn: ['http/1.1'] });
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile,
      '--alpn', 'h2,http/1.1', '--json'], 'abc\n');
    assert.equal(r.code, 0, `exit ${r.code}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, 'cba\n');
    const { obj } = jsonLine(r.stderr);
    assert.deepEqual(obj, { ok: true, version: 'TLSv1.3', cipher: 'TLS_CHACHA20_POLY1305_SHA256', group: 'secp384r1', alpn: 'http/1.1', resumed: false, bytesIn: 4, bytesOut: 4 });
  });

  it('--json reports TLSv1.2 and the IANA suite name against a TLS 1.2 server', async () => {
    const srv = await sserver({ leaf: pki.leaves.rsa2048, groups: 'P-256', ciphersuites: undefined,
      args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384'] });
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile, '--json'], 'tls12\n');
    assert.equal(r.code, 0, `exit ${r.code}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, '21slt\n');
    const { obj } = jsonLine(r.stderr);
    assert.deepEqual(obj, { ok: true, version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', group: 'secp256r1', alpn: null, resumed: false, bytesIn: 6, bytesOut: 6 });
  });

  it('--max-version TLSv1.2 against a TLS 1.3 server gives TLS 1.2', async () => {
    const srv = await sserver({ ciphersuites: undefined, args: ['-no_tls1_1'] });
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile,
      '--max-version', 'TLSv1.2', '--json'], 'x\n');
    assert.equal(r.code, 0, `exit ${r.code}\nstderr: ${r.stderr}`);
    assert.equal(jsonLine(r.stderr).obj.version, 'TLSv1.2');
  });

  it('--json failure: wrong server name → HOSTNAME_MISMATCH, exit 1', async () => {
    const srv = await sserver();
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'wrong.example', '--ca', pki.rootFile, '--json'], 'x\n');
    assert.equal(r.code, 1, `exit ${r.code}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const { line, obj } = jsonLine(r.stderr);
    assert.ok(line.startsWith('{"ok":false,"error":{"code":"HOSTNAME_MISMATCH","message":'), line);
    assert.deepEqual(Object.keys(obj), ['ok', 'error']);
    assert.equal(obj.ok, false);
    assert.deepEqual(Object.keys(obj.error).slice(0, 2), ['code', 'message']);
    assert.equal(obj.error.code, 'HOSTNAME_MISMATCH');
    assert.equal(typeof obj.error.message, 'string');
    assert.ok(obj.error.message.length > 0);
  });

  it('--json failure: expired certificate → CERT_EXPIRED, exit 1', async () => {
    const srv = await sserver({ leaf: pki.expired });
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile, '--json'], 'x\n');
    assert.equal(r.code, 1, `exit ${r.code}\nstderr: ${r.stderr}`);
    const { obj } = jsonLine(r.stderr);
    assert.equal(obj.ok, false);
    assert.equal(obj.error.code, 'CERT_EXPIRED');
  });

  it('--json failure: connection refused → CONNECT_FAILED, exit 1', async () => {
    const port = await getFreePort();
    const r = await runCli(['connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', pki.rootFile, '--json'], '');
    assert.equal(r.code, 1, `exit ${r.code}\nstderr: ${r.stderr}`);
    const { obj } = jsonLine(r.stderr);
    assert.equal(obj.error.code, 'CONNECT_FAILED');
  });

  it('--timeout-ms: silent server → HANDSHAKE_TIMEOUT, exit 1, promptly', async () => {
    const srv = await startRawServer('silent');
    servers.push(srv);
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile,
      '--timeout-ms', '300', '--json'], '', { keepStdinOpenMs: 5000 });
    assert.equal(r.code, 1, `exit ${r.code}\nstderr: ${r.stderr}`);
    const { obj } = jsonLine(r.stderr);
    assert.equal(obj.error.code, 'HANDSHAKE_TIMEOUT');
    assert.ok(r.ms < 4000, `took ${r.ms} ms`);
  });

  it('without --json: stdout is only the data, stderr has a human summary', async () => {
    const srv = await sserver();
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile], 'human\n');
    assert.equal(r.code, 0, `exit ${r.code}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, 'namuh\n');
    assert.match(r.stderr, /TLSv1\.3/);
    assert.match(r.stderr, /TLS_AES_128_GCM_SHA256/);
    assert.ok(!r.stderr.split('\n').some((l) => l.trim().startsWith('{')), `no JSON without --json:\n${r.stderr}`);
  });

  it('without --json, a failure exits 1 with the error code on stderr', async () => {
    const srv = await sserver({ leaf: pki.unknown });
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile], 'x\n');
    assert.equal(r.code, 1, `exit ${r.code}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /UNKNOWN_CA/);
  });

  it('bad usage exits non-zero without hanging', async () => {
    const r = await runCli(['connect'], '', { timeoutMs: 10_000 });
    assert.notEqual(r.code, 0);
  });

  it('--cert/--key: a client certificate for s_server -Verify (chain file, PKCS#1 key)', async () => {
    const client = getClientPki().rsa2048;
    const srv = await sserver({ args: ['-Verify', '2', '-CAfile', pki.rootFile] });
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile,
      '--cert', client.chainFile, '--key', client.legacyKeyFile, '--json'], 'mtls\n');
    assert.equal(r.code, 0, `exit ${r.code}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, 'sltm\n');
    assert.equal(jsonLine(r.stderr).obj.ok, true);
    assert.match(await srv.waitForOutput(/depth=0 CN = wasmtls test client rsa2048/), /depth=0 CN = wasmtls test client rsa2048/);
    const none = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile, '--json'], 'x\n');
    assert.equal(none.code, 1);
    assert.equal(jsonLine(none.stderr).obj.error.code, 'CERTIFICATE_REQUIRED');
  });

  for (const version of ['-tls1_3', '-tls1_2']) {
    it(`--session-out then --session-in: the second run resumes (${version})`, async () => {
      const srv = await sserver({ args: [version] });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-cli-session-'));
      const file = path.join(dir, 'session');
      try {
        const common = ['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile, '--json'];
        const a = await runCli([...common, '--session-out', file], 'first\n');
        assert.equal(a.code, 0, `exit ${a.code}\nstderr: ${a.stderr}`);
        assert.equal(jsonLine(a.stderr).obj.resumed, false);
        assert.match(fs.readFileSync(file, 'utf8'), /^wtls2\.[A-Za-z0-9_-]+\n$/);
        assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the session file is private');
        const b = await runCli([...common, '--session-in', file], 'second\n');
        assert.equal(b.code, 0, `exit ${b.code}\nstderr: ${b.stderr}`);
        assert.equal(b.stdout, 'dnoces\n');
        assert.equal(jsonLine(b.stderr).obj.resumed, true);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('--session-in with a missing file: INVALID_OPTION, exit 1', async () => {
    const r = await runCli(['connect', '127.0.0.1:9', '--session-in', '/nonexistent/session', '--json']);
    assert.equal(r.code, 1);
    assert.equal(jsonLine(r.stderr).obj.error.code, 'INVALID_OPTION');
  });

  it('--cert without --key is a usage error', async () => {
    const r = await runCli(['connect', '127.0.0.1:9', '--cert', 'x.pem']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--cert and --key go together/);
  });
});

/** The DER of the first PEM certificate in `pem`. */
function derOf(pem) {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

/** Does js/core/connection.js (the lead's part) call the runtime's defaultCa hook yet? */

describe('cli.js: --version, --pin, hints, NODE_EXTRA_CA_CERTS', { timeout: 90_000 }, () => {
  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const r = await runCli(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `wasmtls ${version}\n`);
  });

  it('--help shows --insecure, --pin and --version in the synopsis', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    const synopsis = r.stdout.split('\n  HOST')[0];
    for (const flag of ['--insecure', '--pin BASE64', '--version', '--json']) assert.ok(synopsis.includes(flag), `${flag} in:\n${synopsis}`);
  });

  it('--pin: the leaf SPKI pin passes; a wrong pin fails with PIN_MISMATCH on the --json line, hint naming --pin', async () => {
    const srv = await sserver();
    const leafPin = await spkiPin(derOf(pki.leaves.p256.certPem));
    const common = ['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.rootFile, '--json'];
    const good = await runCli([...common, '--pin', 'A'.repeat(43) + '=', '--pin', leafPin], 'pinned\n');
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, 'dennip\n');
    assert.equal(jsonLine(good.stderr).obj.ok, true);
    const bad = await runCli([...common, '--pin', 'A'.repeat(43) + '='], 'x\n');
    assert.equal(bad.code, 1, bad.stderr);
    assert.equal(bad.stdout, '');
    const { line, obj } = jsonLine(bad.stderr);
    assert.ok(line.startsWith('{"ok":false,"error":{"code":"PIN_MISMATCH","message":'), line);
    assert.deepEqual(Object.keys(obj.error), ['code', 'message', 'hint']);
    assert.match(obj.error.hint, /--pin/);
  });

  it('--json failures carry the CLI hint (flags, not option names) after code and message', async () => {
    const srv = await sserver();
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'wrong.example', '--ca', pki.rootFile, '--json'], 'x\n');
    assert.equal(r.code, 1);
    const { obj } = jsonLine(r.stderr);
    assert.deepEqual(Object.keys(obj.error), ['code', 'message', 'hint']);
    assert.equal(obj.error.code, 'HOSTNAME_MISMATCH');
    assert.match(obj.error.hint, /--servername/);
    assert.doesNotMatch(obj.error.hint, /`serverName`/);
    // a usage-level failure: the CLI hint points at --help, not at the README's connect() options
    const bad = await runCli(['connect', '127.0.0.1:9', '--session-in', '/nonexistent/session', '--json']);
    assert.equal(jsonLine(bad.stderr).obj.error.hint, 'see `wasmtls --help` for the flags');
  });

  for (const [what, leaf, code] of [['UNKNOWN_CA', () => pki.leaves.p256, 'UNKNOWN_CA'], ['the leaf alone', () => ({ ...pki.leaves.p256, issuersFile: null }), 'MISSING_INTERMEDIATE']]) {
    it(`no --ca and a private CA (${what}): the hint leads with "--ca FILE"; with --ca given it does not`, async () => {
      const l = leaf();
      const srv = await sserver(l.issuersFile ? { leaf: l } : { leaf: { ...l, issuersFile: pki.leaves.p256.certFile } });
      const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--json'], 'x\n');
      assert.equal(r.code, 1, r.stderr);
      const { obj } = jsonLine(r.stderr);
      assert.equal(obj.error.code, code);
      assert.match(obj.error.hint, /^no --ca was given, .*pass --ca FILE/);
      const human = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost'], 'x\n');
      assert.match(human.stderr, new RegExp(`${code}[\\s\\S]*hint: no --ca was given`));
      const withCa = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', pki.unknownRootFile, '--json'], 'x\n');
      assert.equal(jsonLine(withCa.stderr).obj.error.code, code);
      assert.doesNotMatch(jsonLine(withCa.stderr).obj.error.hint, /^no --ca/);
    });
  }

  it('NODE_EXTRA_CA_CERTS names a missing file: a process warning, not a crash', async () => {
    const srv = await sserver();
    const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--json'], 'x\n',
      { env: { NODE_EXTRA_CA_CERTS: '/nonexistent/extra-ca.pem' } });
    assert.equal(r.code, 1, r.stderr);   // only the bundled roots: the private CA is unknown
    const lines = r.stderr.trim().split('\n');
    const obj = JSON.parse(lines.at(-1));
    assert.equal(obj.error.code, 'UNKNOWN_CA');
    assert.match(r.stderr, /Warning: wasmtls: Ignoring extra certs from `\/nonexistent\/extra-ca.pem`, load failed: ENOENT/);
  });

  it('NODE_EXTRA_CA_CERTS adds its certificates to the bundled roots (no --ca needed)',
    async () => {
      const srv = await sserver();
      const r = await runCli(['connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--json'], 'extra\n',
        { env: { NODE_EXTRA_CA_CERTS: pki.rootFile } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'artxe\n');
      assert.equal(jsonLine(r.stderr).obj.ok, true);
    });
});
