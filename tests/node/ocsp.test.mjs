// OCSP stapling: wasmtls sends status_request; openssl s_server -status_file
// staples a response made by `openssl ocsp` (signed by the issuing
// intermediate); a revoked leaf fails with CERT_REVOKED, a good one connects,
// a response signed by someone else fails.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { startSServer } from './helpers/servers.mjs';

let pki;
let dir;
const servers = [];

function openssl(...args) {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** An OCSP response for the p256 leaf with status 'V' (good) or 'R' (revoked), signed by signer. */
function ocspResponse(name, status, signer = { cert: path.join(pki.dir, 'inter.pem'), key: path.join(pki.dir, 'inter.key') }) {
  const leaf = pki.leaves.p256.certFile;
  const serial = openssl('x509', '-in', leaf, '-noout', '-serial').trim().split('=')[1];
  const subject = openssl('x509', '-in', leaf, '-noout', '-subject', '-nameopt', 'compat').trim().replace(/^subject=\s*/, '');
  const revoked = status === 'R' ? '240101000000Z' : '';
  writeFileSync(path.join(dir, `${name}.idx`), `${status}\t491231235959Z\t${revoked}\t${serial}\tunknown\t${subject}\n`);
  openssl('ocsp', '-issuer', path.join(pki.dir, 'inter.pem'), '-cert', leaf, '-no_nonce', '-reqout', `${name}.req`);
  openssl('ocsp', '-index', `${name}.idx`, '-rsigner', signer.cert, '-rkey', signer.key,
    '-CA', path.join(pki.dir, 'inter.pem'), '-reqin', `${name}.req`, '-respout', `${name}.der`, '-ndays', '2');
  return path.join(dir, `${name}.der`);
}

async function stapled(respFile, version = '-tls1_3') {
  const srv = await startSServer({ leaf: pki.leaves.p256, args: [version, '-status_file', respFile] });
  servers.push(srv);
  const s = connect({ hostname: '127.0.0.1', port: srv.port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000 });
  try {
    const info = await s.opened;
    await s.close();
    return { ok: true, info };
  } catch (err) {
    assert.ok(err instanceof WasmTlsError, String(err));
    return { ok: false, err };
  }
}

before(() => {
  pki = getPki();
  dir = mkdtempSync(path.join(tmpdir(), 'wasmtls-ocsp-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

for (const [version, flag] of [['TLS 1.3', '-tls1_3'], ['TLS 1.2', '-tls1_2']]) {
describe(`OCSP stapling, ${version} (openssl s_server -status_file)`, { timeout: 60_000 }, () => {
  it('a good stapled response connects', async () => {
    const r = await stapled(ocspResponse('good', 'V'), flag);
    assert.equal(r.ok, true, r.err?.message);
    // TLS 1.2 carries the response in its own message (RFC 6066 §8), TLS 1.3 in the Certificate entry
    const names = r.info.timings.steps.map((x) => x.name);
    assert.equal(names.includes('CertificateStatus'), flag === '-tls1_2');
  });

  it('a revoked leaf fails with CERT_REVOKED', async () => {
    const r = await stapled(ocspResponse('revoked', 'R'), flag);
    assert.equal(r.err?.code, 'CERT_REVOKED', r.err?.message);
    assert.match(r.err.message, /revoked/);
    assert.ok(r.err.hint);
  });

  it('a response signed by an unrelated key is refused', async () => {
    const other = { cert: pki.unknownRootFile, key: path.join(pki.dir, 'unknown-root.key') };
    const r = await stapled(ocspResponse('forged', 'R', other), flag);
    assert.equal(r.err?.code, 'BAD_CERTIFICATE', r.err?.message);
    assert.match(r.err.message, /stapled OCSP response: its signature does not verify/);
  });
});
}
