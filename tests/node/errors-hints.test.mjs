// Errors that point at the fix (issue 15, item 3), through connect() against
// real node:tls servers on 127.0.0.1: without `ca`, a private CA's UNKNOWN_CA /
// MISSING_INTERMEDIATE hint leads with "pass `ca`"; with `ca` it does not;
// every code the README lists has a hint; the insecureSkipVerify warning is a
// process warning (process.emitWarning) in Node; NODE_EXTRA_CA_CERTS is read
// as Node reads it (added to the roots; a bad file is a warning).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, WasmTlsError, HINTS } from '../../js/index.node.js';
import { readExtraCaCerts } from '../../js/runtimes/node.js';
import { hintFor } from '../../js/core/hints.js';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer } from './helpers/servers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

async function server(cert) {
  const srv = await startNodeTlsServer({ cert, key: pki.leaves.p256.keyPem });
  servers.push(srv);
  return srv;
}

async function failure(port, opts) {
  const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', timeoutMs: 5000, ...opts });
  const err = await s.opened.then(() => assert.fail('the handshake must fail'), (e) => e);
  assert.ok(err instanceof WasmTlsError, String(err));
  // the same object (and so the same hint) on `closed`
  assert.equal(await s.closed.then(() => null, (e) => e), err);
  return err;
}

describe('hints', { timeout: 60_000 }, () => {
  it('no `ca`, the chain ends at a private root: UNKNOWN_CA, hint leads with "pass `ca`"', async () => {
    const srv = await server(pki.leaves.p256.chainPem);
    const err = await failure(srv.port, {});
    assert.equal(err.code, 'UNKNOWN_CA');
    assert.match(err.hint, /^no `ca` was given, so only the bundled Mozilla roots are trusted: pass `ca`/);
    const withCa = await failure(srv.port, { ca: pki.unknownRootPem });
    assert.equal(withCa.code, 'UNKNOWN_CA');
    assert.equal(withCa.hint, HINTS.UNKNOWN_CA);
  });

  it('no `ca`, the server sends its leaf alone: MISSING_INTERMEDIATE, hint names both causes, `ca` first', async () => {
    const srv = await server(pki.leaves.p256.certPem);
    const err = await failure(srv.port, {});
    assert.equal(err.code, 'MISSING_INTERMEDIATE');
    assert.match(err.hint, /^no `ca` was given[^:]*: pass `ca` .*private CA.*the server must send it/);
    const withCa = await failure(srv.port, { ca: pki.rootPem });
    assert.equal(withCa.code, 'MISSING_INTERMEDIATE');
    assert.equal(withCa.hint, HINTS.MISSING_INTERMEDIATE);
    assert.match(withCa.hint, /private CA, pass it in `ca`.*the server must send it/);
  });

  it('every code of the README error table has a hint (API and CLI wording)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.split('## Error codes')[1].split('\n## ')[0];
    const codes = [...table.matchAll(/^\| ([A-Z_, ]+) \|/gm)].flatMap((m) => m[1].split(',').map((c) => c.trim())).filter((c) => c && c !== 'code');
    for (const c of ['CLOSED', 'EMPTY_CHAIN', 'HANDSHAKE_FAILURE', 'ABORTED', 'UNEXPECTED_MESSAGE', 'TRUNCATED']) assert.ok(codes.includes(c), `${c} in the README table`);
    const noHint = ['BAD_RECORD_MAC', 'ILLEGAL_PARAMETER', 'BAD_SIGNATURE', 'BAD_FINISHED'];  // "corrupt data": nothing for the user to fix
    for (const code of codes.filter((c) => !noHint.includes(c))) {
      assert.ok(hintFor(code), `hint for ${code}`);
      assert.ok(hintFor(code, { cli: true }), `CLI hint for ${code}`);
      assert.doesNotMatch(hintFor(code, { cli: true }), /`(ca|serverName|timeoutMs|alpn|cert|key|pins|minVersion|maxVersion)`/, `CLI hint for ${code} names flags`);
    }
    assert.match(HINTS.UNEXPECTED_MESSAGE, /out of order/);
    assert.match(HINTS.TRUNCATED, /do not trust a partial response/);
  });
});

describe('Node specifics', { timeout: 60_000 }, () => {
  it('insecureSkipVerify warns once through process.emitWarning (code WASMTLS_INSECURE)', () => {
    const script = `
      import { connect } from ${JSON.stringify(path.join(ROOT, 'js', 'index.node.js'))};
      const seen = [];
      process.on('warning', (w) => seen.push([w.name, w.code, w.message]));
      connect('127.0.0.1:9', { insecureSkipVerify: true }).opened.catch(() => {});
      connect('127.0.0.1:9', { insecureSkipVerify: true }).opened.catch(() => {});
      setTimeout(() => console.log(JSON.stringify(seen)), 200);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout);
    assert.equal(seen.length, 1, r.stdout);
    assert.deepEqual(seen[0].slice(0, 2), ['Warning', 'WASMTLS_INSECURE']);
    assert.match(seen[0][2], /NOT verified/);
    assert.match(r.stderr, /Warning: wasmtls: insecureSkipVerify is set/);
  });

  it('NODE_EXTRA_CA_CERTS file: every PEM certificate of it; a missing or empty file → a warning and none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-extra-ca-'));
    try {
      const two = path.join(dir, 'two.pem');
      fs.writeFileSync(two, `# comment\n${pki.rootPem}\n${pki.unknownRootPem}`);
      const empty = path.join(dir, 'empty.pem');
      fs.writeFileSync(empty, 'no certificates here\n');
      const warnings = [];
      const onWarning = (w) => warnings.push(w);
      process.on('warning', onWarning);
      const got = await readExtraCaCerts(two);
      assert.deepEqual(got.map((b) => new TextDecoder().decode(b).trim()), [pki.rootPem.trim(), pki.unknownRootPem.trim()]);
      assert.deepEqual(await readExtraCaCerts(path.join(dir, 'missing.pem')), []);
      assert.deepEqual(await readExtraCaCerts(empty), []);
      assert.deepEqual(await readExtraCaCerts(undefined), []);
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
      assert.equal(warnings.length, 2);
      assert.ok(warnings.every((w) => w.code === 'WASMTLS_EXTRA_CA_CERTS'));
      assert.match(warnings[0].message, /Ignoring extra certs from `.*missing\.pem`, load failed: ENOENT/);
      assert.match(warnings[1].message, /no PEM CERTIFICATE block/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
