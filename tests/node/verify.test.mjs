// `wasmtls verify` (js/cli/verify.js → wasm wt_verify_chain → wt_chain_verify_path):
// one generated PKI, one case per verification outcome, each asserting the
// stable code through the WASM build and the CLI's fixed JSON interface.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = new URL('../../js/cli.js', import.meta.url).pathname;
const NOW = Math.floor(Date.now() / 1000);
const DAY = 86400;
let dir;

function openssl(...args) {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A key: 'ec' (P-256) or 'rsa:BITS'. */
function key(name, kind = 'ec') {
  if (kind === 'ec') openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  else openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${kind.split(':')[1]}`, '-out', `${name}.key`);
}

/** Issue NAME (subject CN) signed by ISSUER (or self-signed) with the given extensions. */
function cert(name, { issuer, ext, kind = 'ec', days = 3650, md = 'sha256', cn = name, keyOf }) {
  if (keyOf) writeFileSync(path.join(dir, `${name}.key`), readFileSync(path.join(dir, `${keyOf}.key`)));
  else key(name, kind);
  writeFileSync(path.join(dir, `${name}.ext`), `${ext}\n`);
  openssl('req', '-new', '-key', `${name}.key`, '-subj', `/O=wasmtls verify test/CN=${cn}`, '-out', `${name}.csr`);
  const signer = issuer ? ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`] : ['-signkey', `${name}.key`];
  openssl('x509', '-req', '-in', `${name}.csr`, ...signer, `-${md}`, '-days', String(days),
    '-set_serial', String(Math.floor(Math.random() * 1e9)), '-extfile', `${name}.ext`, '-out', `${name}.pem`);
}

const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign';
const LEAF_EXT = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' +
  'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:*.example.test,IP:127.0.0.1';

function cat(out, ...files) {
  writeFileSync(path.join(dir, out), files.map((f) => readFileSync(path.join(dir, f), 'latin1')).join(''));
}

/** Run the CLI with --json; returns { exit, out }. */
function verify(...args) {
  const r = spawnSync(process.execPath, [CLI, 'verify', ...args, '--json'], { cwd: dir, encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON line, got: ${r.stdout}${r.stderr}`);
  return { exit: r.status, out: JSON.parse(lines[0]) };
}

function expectOk(...args) {
  const { exit, out } = verify(...args);
  assert.deepEqual(out, { ok: true });
  assert.equal(exit, 0);
}

function expectCode(code, ...args) {
  const { exit, out } = verify(...args);
  assert.equal(out.ok, false, JSON.stringify(out));
  assert.equal(out.error.code, code, out.error.message);
  assert.equal(exit, 1);
  return out.error.message;
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wasmtls-verify-'));
  cert('root', { ext: CA_EXT });
  cert('inter', { issuer: 'root', ext: CA_EXT });
  cert('leaf', { issuer: 'inter', ext: LEAF_EXT, days: 30 });
  cert('other-root', { ext: CA_EXT });
  cert('cnonly', { issuer: 'inter', ext: 'basicConstraints=CA:FALSE', cn: 'localhost' });
  cert('self', { ext: 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost' });
  cert('client', { issuer: 'inter', ext: 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:localhost' });
  cert('notca', { issuer: 'inter', ext: 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost' });
  cert('byleaf', { issuer: 'notca', ext: 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost' });
  cert('inter0', { issuer: 'root', ext: 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign' });
  cert('sub', { issuer: 'inter0', ext: CA_EXT });
  cert('deep', { issuer: 'sub', ext: 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost' });
  cert('sha1', { issuer: 'inter', ext: 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost', md: 'sha1' });
  cert('rsa1024', { issuer: 'inter', kind: 'rsa:1024', ext: 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost' });
  cert('nc', { issuer: 'root', ext: `${CA_EXT}\nnameConstraints=permitted;DNS:good.test,excluded;IP:127.0.0.0/255.0.0.0` });
  cert('nc-ok', { issuer: 'nc', ext: 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:www.good.test' });
  cert('nc-bad', { issuer: 'nc', ext: 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:www.evil.test' });
  cert('nc-ip', { issuer: 'nc', ext: 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:a.good.test,IP:127.0.0.1' });
  // cross-signing: new-root's name and key, certified by old-root
  cert('old-root', { ext: CA_EXT });
  cert('new-root', { ext: CA_EXT });
  cert('cross', { issuer: 'old-root', ext: CA_EXT, keyOf: 'new-root', cn: 'new-root' });
  cert('new-inter', { issuer: 'new-root', ext: CA_EXT });
  cert('new-leaf', { issuer: 'new-inter', ext: LEAF_EXT });
  cat('cross-chain.pem', 'cross.pem', 'new-inter.pem');
  cat('chain-shuffled.pem', 'other-root.pem', 'root.pem', 'inter.pem');
  cat('chain-unknown.pem', 'inter.pem', 'root.pem');
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('wasmtls verify (WASM chain verification)', () => {
  it('accepts a good chain, by name, wildcard and IP', () => {
    expectOk('leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--host', 'localhost');
    expectOk('leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--host', 'a.example.test');
    expectOk('leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--ip', '127.0.0.1');
    expectOk('leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem');
  });

  it('builds the path from a shuffled chain with extra certificates', () => {
    expectOk('leaf.pem', '--ca', 'root.pem', '--chain', 'chain-shuffled.pem', '--host', 'localhost');
    const r = spawnSync(process.execPath, [CLI, 'verify', 'leaf.pem', '--ca', 'root.pem', '--chain', 'chain-shuffled.pem'],
      { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /path built \(2 of 4/);
    assert.match(r.stdout, /\[1\] #3 O=wasmtls verify test, CN=inter/);
    assert.match(r.stdout, /verdict: OK/);
  });

  it('cross-signed roots: trusted through the old root or the new one', () => {
    expectOk('new-leaf.pem', '--ca', 'old-root.pem', '--chain', 'cross-chain.pem', '--host', 'localhost');
    expectOk('new-leaf.pem', '--ca', 'new-root.pem', '--chain', 'cross-chain.pem', '--host', 'localhost');
    expectCode('UNKNOWN_CA', 'new-leaf.pem', '--ca', 'old-root.pem', '--chain', 'new-inter.pem');
  });

  it('CERT_EXPIRED / CERT_NOT_YET_VALID name the window and the clock', () => {
    const m = expectCode('CERT_EXPIRED', 'leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--time', String(NOW + 60 * DAY));
    assert.match(m, /has expired: valid from .* to .*, now is /);
    expectCode('CERT_NOT_YET_VALID', 'leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--time', String(NOW - 2 * DAY));
  });

  it('HOSTNAME_MISMATCH: wrong name, wildcard depth, IP, CN-only', () => {
    const m = expectCode('HOSTNAME_MISMATCH', 'leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--host', 'example.com');
    assert.match(m, /DNS:localhost, DNS:\*\.example\.test, IP:127\.0\.0\.1; asked for example\.com/);
    expectCode('HOSTNAME_MISMATCH', 'leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--host', 'a.b.example.test');
    expectCode('HOSTNAME_MISMATCH', 'leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--ip', '127.0.0.2');
    assert.match(expectCode('HOSTNAME_MISMATCH', 'cnonly.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--host', 'localhost'),
      /no subjectAltName/);
  });

  it('UNKNOWN_CA (self-signed, unknown root) vs MISSING_INTERMEDIATE', () => {
    assert.match(expectCode('UNKNOWN_CA', 'self.pem', '--ca', 'root.pem', '--host', 'localhost'), /self-signed/);
    assert.match(expectCode('UNKNOWN_CA', 'leaf.pem', '--ca', 'other-root.pem', '--chain', 'chain-unknown.pem'),
      /self-signed root "O=wasmtls verify test, CN=root", which is not trusted/);
    assert.match(expectCode('MISSING_INTERMEDIATE', 'leaf.pem', '--ca', 'root.pem', '--host', 'localhost'),
      /"O=wasmtls verify test, CN=inter", is neither a trusted root nor among .*omitted its intermediate/);
    assert.match(expectCode('UNKNOWN_CA', 'leaf.pem', '--ca', 'other-root.pem', '--chain', 'inter.pem'),
      /"O=wasmtls verify test, CN=root", is not a trusted root/);
  });

  it('CERT_PURPOSE: a clientAuth-only certificate is no server certificate', () => {
    assert.match(expectCode('CERT_PURPOSE', 'client.pem', '--ca', 'root.pem', '--chain', 'inter.pem'), /serverAuth/);
    expectOk('client.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--purpose', 'client');
    expectCode('CERT_PURPOSE', 'leaf.pem', '--ca', 'root.pem', '--chain', 'inter.pem', '--purpose', 'client');
  });

  it('BAD_CERTIFICATE: a CA:FALSE issuer, a pathLen violation', () => {
    assert.match(expectCode('BAD_CERTIFICATE', 'byleaf.pem', '--ca', 'root.pem', '--chain', 'notca.pem', '--chain', 'inter.pem'), /not a CA/);
    assert.match(expectCode('BAD_CERTIFICATE', 'deep.pem', '--ca', 'root.pem', '--chain', 'sub.pem', '--chain', 'inter0.pem'), /pathLen/);
  });

  it('WEAK_CERTIFICATE: SHA-1 and RSA-1024', () => {
    assert.match(expectCode('WEAK_CERTIFICATE', 'sha1.pem', '--ca', 'root.pem', '--chain', 'inter.pem'), /SHA-1/);
    assert.match(expectCode('WEAK_CERTIFICATE', 'rsa1024.pem', '--ca', 'root.pem', '--chain', 'inter.pem'), /1024-bit RSA/);
  });

  it('NAME_CONSTRAINTS: permitted and excluded subtrees of an intermediate', () => {
    expectOk('nc-ok.pem', '--ca', 'root.pem', '--chain', 'nc.pem', '--host', 'www.good.test');
    assert.match(expectCode('NAME_CONSTRAINTS', 'nc-bad.pem', '--ca', 'root.pem', '--chain', 'nc.pem'),
      /DNS:www\.evil\.test, which is outside the permitted subtrees/);
    assert.match(expectCode('NAME_CONSTRAINTS', 'nc-ip.pem', '--ca', 'root.pem', '--chain', 'nc.pem'),
      /IP:127\.0\.0\.1, which is in an excluded subtree/);
  });

  it('the bundled Mozilla roots (wasmtls/roots) are the default anchors', async () => {
    const roots = await import('wasmtls/roots');
    assert.ok(roots.default.length > 100, `${roots.default.length} roots`);
    const isrg = '/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt';
    if (existsSync(isrg)) {
      // 2026-01-01: the root chains to itself in the bundle (the path is complete) and is then
      // refused only as an end-entity certificate (a CA is never a server certificate)
      assert.match(expectCode('BAD_CERTIFICATE', isrg, '--time', '1767225600'), /CA:TRUE\) used as the end-entity/);
      expectCode('UNKNOWN_CA', isrg, '--ca', 'root.pem');     // and not against a private CA alone
    }
    expectCode('MISSING_INTERMEDIATE', 'leaf.pem');           // a private chain does not verify against the bundle
  });

  it('usage errors exit 2', () => {
    const r = spawnSync(process.execPath, [CLI, 'verify', 'leaf.pem', '--purpose', 'admin'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--purpose must be server or client/);
  });
});

// Issue 16 / issue 14 items 6-7: one valid/invalid pair per rule, on the committed PKI of
// tests/fixtures/x509-path (make-x509-path-fixtures.sh), through the WASM build and the CLI.
const FIX = new URL('../fixtures/x509-path/', import.meta.url).pathname;
const fx = (name) => path.join(FIX, `${name}.pem`);
const T2030 = '1893456000';
/** LEAF [--chain C]... --ca ANCHOR... at 2030 (or `time`). */
function run(leaf, chain, ca, more = [], time = T2030) {
  return [fx(leaf), ...chain.flatMap((c) => ['--chain', fx(c)]), ...ca.flatMap((a) => ['--ca', fx(a)]),
    '--time', time, ...more];
}

describe('path validation rules (wasmtls verify on tests/fixtures/x509-path)', () => {
  it('excluded DNS subtrees: trailing dot, later SAN, upper case (issue 14 item 6)', () => {
    expectOk(...run('leaf-nc-exok', ['nc-ex'], ['root'], ['--host', 'www.good.com']));
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-nc-ex', ['nc-ex'], ['root'])), /DNS:www\.evil\.com, which is in an excluded subtree/);
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-nc-dot', ['nc-ex'], ['root'], ['--host', 'www.evil.com'])),
      /DNS:www\.evil\.com\., which is in an excluded subtree/);
    expectCode('NAME_CONSTRAINTS', ...run('leaf-nc-ex2', ['nc-ex'], ['root']));
  });

  it('the leaf keyUsage must allow digitalSignature (issue 14 item 7)', () => {
    expectOk(...run('leaf', ['inter'], ['root'], ['--host', 'localhost']));
    assert.match(expectCode('CERT_PURPOSE', ...run('leaf-ku-enc', ['inter'], ['root'])), /does not include digitalSignature/);
  });

  it('an issuer found nowhere: named, with both causes (issue 15)', () => {
    const msg = expectCode('MISSING_INTERMEDIATE', ...run('leaf', [], ['root']));
    assert.match(msg, /"O=wasmtls path test, CN=Path Inter", is neither a trusted root nor among the certificates the server sent/);
    assert.match(msg, /omitted its intermediate certificate, or .* is a private CA that is not trusted \(pass it as `ca`\)/);
  });

  it('1. nameConstraints of a trust anchor', () => {
    expectOk(...run('leaf-corp', ['inter-rootnc'], ['root-nc'], ['--host', 'www.corp.example']));
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-notcorp', ['inter-rootnc'], ['root-nc'])),
      /outside the permitted subtrees of the nameConstraints of the trust anchor ca\[0\]/);
  });

  it('2. every constraint form: IPv4/IPv6, permitted and excluded, malformed, absent forms', () => {
    expectOk(...run('leaf-ip-ok', ['nc-ip'], ['root'], ['--ip', '10.1.2.3']));
    expectOk(...run('leaf-ip-ok', ['nc-ip'], ['root'], ['--ip', 'fd00::1']));
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-ip-ex', ['nc-ip'], ['root'])), /IP:10\.9\.1\.1, which is in an excluded/);
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-ip-out', ['nc-ip'], ['root'])), /IP:11\.0\.0\.1, which is outside/);
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-ip6-out', ['nc-ip'], ['root'])), /IP:fe80::1, which is outside/);
    expectOk(...run('leaf-both-ok', ['nc-both'], ['root']));
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-both-ex', ['nc-both'], ['root'])), /x\.bad\.example\.org, which is in an excluded/);
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-wild', ['nc-wild'], ['root'])), /are malformed/);
    assert.match(expectCode('NAME_CONSTRAINTS', ...run('leaf-mask', ['nc-mask'], ['root'])), /are malformed/);
    expectOk(...run('leaf-email-none', ['nc-email'], ['root']));
    assert.match(expectCode('UNSUPPORTED_CERTIFICATE', ...run('leaf-email', ['nc-email'], ['root'])), /email name/);
  });

  it('3. budgets: a pathological chain ends in VERIFY_BUDGET', () => {
    const loops = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `loop-${i}`);
    assert.match(expectCode('VERIFY_BUDGET', ...run('leaf-loop', loops, ['root'])), /more than 100 signature checks/);
    assert.match(expectCode('UNKNOWN_CA', ...run('leaf-loop', ['loop-1'], ['root'])), /self-signed root/);
  });

  it('4. backtracking: the next candidate is tried, and the human output says why the first failed', () => {
    expectOk(...run('leaf-dup', ['dup-a', 'dup-b'], ['root']));
    expectCode('CERT_PURPOSE', ...run('leaf-dup', ['dup-a'], ['root']));
    expectOk(...run('leaf-roll', ['roll-inter', 'roll-new'], ['roll-old']));
    expectOk(...run('leaf', ['inter'], ['root-twin', 'root']));   // two anchors named "Path Root"
    assert.match(expectCode('UNKNOWN_CA', ...run('leaf-roll', ['roll-inter'], ['roll-old'])), /whose key does not verify it/);
    const r = spawnSync(process.execPath, [CLI, 'verify', ...run('leaf-dup', ['dup-a', 'dup-b'], ['root'])], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\[1\] #2 O=wasmtls path test, CN=Dup CA/);
    assert.match(r.stdout, /\[2\] ca\[0\] \(trust anchor\) O=wasmtls path test, CN=Path Root/);
    assert.match(r.stdout, /other paths tried and why they failed/);
    assert.match(r.stdout, /#0 > #1 > ca\[0\]: CERT_PURPOSE: certificate #1 .*extendedKeyUsage does not include serverAuth/);
    assert.match(r.stdout, /verdict: OK/);
  });

  it('5. trust anchors are checked as certificates', () => {
    expectOk(...run('leaf-rexp', ['inter-rexp'], ['root-expired'], [], '1104537600'));
    assert.match(expectCode('CERT_EXPIRED', ...run('leaf-rexp', ['inter-rexp'], ['root-expired'])),
      /trust anchor ca\[0\] \("O=wasmtls path test, CN=Expired Root"\) itself expired on 2010-01-01T00:00:00Z/);
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-rcrit', ['inter-rcrit'], ['root-crit'])), /unknown critical extension/);
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-rnobc', ['inter-rnobc'], ['root-nobc'])), /without basicConstraints CA:TRUE/);
    assert.match(expectCode('WEAK_CERTIFICATE', ...run('leaf-r1024', ['inter-r1024'], ['root-rsa1024'])), /1024-bit RSA key/);
  });

  it('6. structure rules', () => {
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-aki-crit', ['inter'], ['root'])), /authorityKeyIdentifier critical/);
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-ski-crit', ['inter'], ['root'])), /subjectKeyIdentifier critical/);
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-certsign', ['inter'], ['root'])), /keyCertSign but is not a CA/);
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-aia-bad', ['inter'], ['root'])), /malformed authorityInformationAccess/);
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-aia-bad-crit', ['inter'], ['root'])), /malformed authorityInformationAccess/);
    expectOk(...run('leaf-aia-ok', ['inter'], ['root']));
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-empty', ['inter'], ['root'])), /empty subject without a critical subjectAltName/);
    expectOk(...run('leaf-empty-crit', ['inter'], ['root']));
    assert.match(expectCode('BAD_CERTIFICATE', ...run('leaf-under-empty', ['ca-empty'], ['root'])), /CA with an empty subject/);
    assert.match(expectCode('BAD_CERTIFICATE', ...run('inter', [], ['root'])), /used as the end-entity certificate/);
    expectOk(...run('self-leaf', [], ['self-leaf'], ['--host', 'localhost']));
  });
});

describe('pin and verified-path exports (the C side of issue 14 item 1)', () => {
  it('wt_conn_add_pin takes 32-byte digests, at most 16; the path is empty before a handshake', async () => {
    const { loadWasmNode } = await import('./helpers/wasm.mjs');
    const wasm = await loadWasmNode();
    const x = wasm.exports;
    const conn = x.wt_conn_new();
    try {
      const BAD_ARGUMENT = 1;
      assert.equal(wasm.withBytes(new Uint8Array(31), (p, n) => x.wt_conn_add_pin(conn, p, n)), BAD_ARGUMENT);
      for (let i = 0; i < 16; i++) assert.equal(wasm.withBytes(new Uint8Array(32).fill(i), (p, n) => x.wt_conn_add_pin(conn, p, n)), 0);
      assert.equal(wasm.withBytes(new Uint8Array(32), (p, n) => x.wt_conn_add_pin(conn, p, n)), BAD_ARGUMENT);
      assert.equal(x.wt_conn_path_len(conn), 0);
      assert.equal(wasm.cstring(x.wt_error_name(40)), 'VERIFY_BUDGET');
    } finally {
      x.wt_conn_free(conn);
    }
  });
});

describe('C pins in a real handshake (WASM engine, node:tls server on 127.0.0.1)', { timeout: 60_000 }, () => {
  // The pins go in through wt_conn_add_pin (the export the JS `pins` option is to use):
  // wt_conn_start is wrapped to add them, so this exercises the C check alone.
  it('a pinned key only counts on the verified path: an appended extra certificate does not', async () => {
    const { connect } = await import('../../js/index.node.js');
    const { loadWasmNode } = await import('./helpers/wasm.mjs');
    const { spkiPin } = await import('../../js/core/trust.js');
    const { getPki } = await import('./helpers/pki.mjs');
    const { startNodeTlsServer } = await import('./helpers/servers.mjs');
    const pki = getPki();
    const derOf = (pem) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'));
    const pinOf = async (pem) => new Uint8Array(Buffer.from(await spkiPin(derOf(pem)), 'base64'));
    const wasm = await loadWasmNode();
    const orig = wasm.exports;
    let pins = [];
    let seen = null;
    wasm.exports = {
      ...orig,
      wt_conn_start(c) {
        for (const p of pins) assert.equal(wasm.withBytes(p, (ptr, n) => orig.wt_conn_add_pin(c, ptr, n)), 0);
        seen = c;
        return orig.wt_conn_start(c);
      },
    };
    // the server's real chain (leaf, intermediate) plus a correctly issued certificate carrying K
    const extra = pki.leaves.rsa2048.certPem;
    const srv = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem + extra, key: pki.leaves.p256.keyPem });
    const attempt = async (p) => {
      pins = p;
      const s = connect({ hostname: '127.0.0.1', port: srv.port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000 });
      try {
        await s.opened;
        const path = Array.from({ length: orig.wt_conn_path_len(seen) }, (_, i) => orig.wt_conn_path_at(seen, i));
        await s.close();
        return { ok: true, path };
      } catch (err) {
        return { ok: false, code: err.code, message: err.message };
      }
    };
    try {
      const k = await pinOf(extra);
      const bad = await attempt([k]);
      assert.equal(bad.ok, false);
      assert.equal(bad.code, 'PIN_MISMATCH', bad.message);
      assert.match(bad.message, /verified path/);
      const viaInter = await attempt([k, await pinOf(pki.interPem)]);
      assert.deepEqual(viaInter, { ok: true, path: [0, 1, -1] });
      assert.equal((await attempt([await pinOf(pki.leaves.p256.certPem)])).ok, true);
      assert.equal((await attempt([await pinOf(pki.rootPem)])).ok, true);
    } finally {
      wasm.exports = orig;
      await srv.stop();
    }
  });
});
