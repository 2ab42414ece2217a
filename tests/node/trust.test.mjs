// Trust through connect() against a real node:tls server: pins (PIN_MISMATCH),
// the verify hook, an omitted intermediate (MISSING_INTERMEDIATE), an
// intermediate sent out of order with an extra certificate, and `wasmtls/roots`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { spkiPin } from '../../js/core/trust.js';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer } from './helpers/servers.mjs';

let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

async function server(cert) {
  const srv = await startNodeTlsServer({ cert, key: pki.leaves.p256.keyPem });
  servers.push(srv);
  return srv;
}

async function outcome(port, opts = {}) {
  const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000, ...opts });
  try {
    const info = await s.opened;
    await s.close();
    return { ok: true, info };
  } catch (err) {
    assert.ok(err instanceof WasmTlsError, String(err));
    return { ok: false, err };
  }
}

function derOf(pem) {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'));
}

describe('trust options through connect()', { timeout: 60_000 }, () => {
  it('pins: a matching intermediate or leaf pin passes, others fail with PIN_MISMATCH', async () => {
    const srv = await server(pki.leaves.p256.chainPem);
    const leafPin = await spkiPin(derOf(pki.leaves.p256.certPem));
    const interPin = await spkiPin(derOf(pki.interPem));
    assert.equal((await outcome(srv.port, { pins: [leafPin] })).ok, true);
    assert.equal((await outcome(srv.port, { pins: ['A'.repeat(43) + '=', interPin] })).ok, true);
    const bad = await outcome(srv.port, { pins: ['A'.repeat(43) + '='] });
    assert.equal(bad.err.code, 'PIN_MISMATCH');
    assert.ok(bad.err.message.includes(leafPin), bad.err.message);
    assert.ok(bad.err.hint);
  });

  it('verify hook: sees the chain, can refuse (sync or async)', async () => {
    const srv = await server(pki.leaves.p256.chainPem);
    let seen;
    const ok = await outcome(srv.port, { verify: (chain, info) => { seen = { chain, info }; return true; } });
    assert.equal(ok.ok, true);
    assert.equal(seen.chain.length, 3, 'the verified path: leaf, intermediate, trust anchor');
    assert.equal(seen.info.version, 'TLSv1.3');
    const refused = await outcome(srv.port, { verify: async () => false });
    assert.equal(refused.err.code, 'BAD_CERTIFICATE');
    const thrown = await outcome(srv.port, { verify: () => { throw new WasmTlsError('PIN_MISMATCH', 'custom'); } });
    assert.equal(thrown.err.code, 'PIN_MISMATCH');
  });

  it('MISSING_INTERMEDIATE when the server sends only its leaf', async () => {
    const srv = await server(pki.leaves.p256.certPem);
    const r = await outcome(srv.port);
    assert.equal(r.err.code, 'MISSING_INTERMEDIATE', r.err.message);
    assert.match(r.err.hint, /intermediate/);
  });

  it('accepts a chain sent out of order with an extra certificate', async () => {
    const srv = await server(pki.leaves.p256.certPem + pki.unknownRootPem + pki.rootPem + pki.interPem);
    const r = await outcome(srv.port);
    assert.equal(r.ok, true, r.err?.message);
  });

  it('wasmtls/roots as `ca`, plus a private root', async () => {
    const { default: roots } = await import('wasmtls/roots');
    const srv = await server(pki.leaves.p256.chainPem);
    const publicOnly = await outcome(srv.port, { ca: roots });
    // the private root is not among the Mozilla roots
    assert.equal(publicOnly.err.code, 'UNKNOWN_CA', publicOnly.err.message);
    const plus = await outcome(srv.port, { ca: [...roots, pki.rootPem] });
    assert.equal(plus.ok, true, plus.err?.message);
    // no `ca` at all: connect() loads the same roots itself
    const byDefault = await outcome(srv.port, { ca: undefined });
    assert.equal(byDefault.err.code, 'UNKNOWN_CA', byDefault.err.message);
  });
});
