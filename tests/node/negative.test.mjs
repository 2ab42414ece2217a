// Failure cases: each must reject `opened` with a WasmTlsError carrying a precise code,
// quickly, and leave nothing running.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { startSServer, startRawServer, getFreePort, withTimeout } from './helpers/servers.mjs';

let pki;
before(() => { pki = getPki(); });

/**
 * Connect and expect `opened` to reject with one of `codes` within `withinMs`.
 * Returns the error. `closed` must settle too (rejecting or resolving) and never hang.
 */
async function expectFailure(port, opts, codes, { withinMs = 8000, server } = {}) {
  const t0 = Date.now();
  const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000, ...opts });
  // Avoid unhandled-rejection noise from `closed` while we wait on `opened`.
  const closedSettled = s.closed.then(() => 'resolved', (e) => e);
  let err;
  try {
    const info = await withTimeout(s.opened, withinMs, 's.opened');
    assert.fail(`handshake unexpectedly succeeded: ${JSON.stringify({ ...info, peerCertificates: undefined, timings: undefined })}`);
  } catch (e) {
    err = e;
  }
  const ms = Date.now() - t0;
  const ctx = `got ${err?.name} code=${err?.code} message=${JSON.stringify(err?.message)} detail=${JSON.stringify(err?.detail)} after ${ms} ms` +
    (server?.args ? `\nserver: openssl ${server.args.join(' ')}\nserver output:\n${server.output()}` : '');
  assert.ok(!/timed out after/.test(err?.message ?? '') || err instanceof WasmTlsError, `opened did not settle: ${ctx}`);
  assert.ok(err instanceof WasmTlsError, `expected WasmTlsError, ${ctx}`);
  assert.ok(codes.includes(err.code), `expected code in ${codes.join('|')}, ${ctx}`);
  assert.equal(typeof err.message, 'string');
  assert.ok(err.message.length > 0);
  // `closed` must settle as well (not hang) once the handshake failed.
  await withTimeout(closedSettled, 3000, 's.closed after failed handshake');
  return err;
}

describe('negative cases', { timeout: 60_000 }, () => {
  const servers = [];
  after(async () => { await Promise.all(servers.map((s) => s.stop())); });

  it('expired leaf → CERT_EXPIRED', async () => {
    const srv = await startSServer({ leaf: pki.expired, groups: 'X25519' });
    servers.push(srv);
    await expectFailure(srv.port, {}, ['CERT_EXPIRED'], { server: srv });
  });

  it('wrong host name → HOSTNAME_MISMATCH', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, groups: 'X25519' });
    servers.push(srv);
    await expectFailure(srv.port, { serverName: 'wrong.example' }, ['HOSTNAME_MISMATCH'], { server: srv });
  });

  it('leaf from an unknown CA → UNKNOWN_CA', async () => {
    const srv = await startSServer({ leaf: pki.unknown, groups: 'X25519' });
    servers.push(srv);
    await expectFailure(srv.port, {}, ['UNKNOWN_CA'], { server: srv });
  });

  it('trusting only the unknown CA rejects our real chain → UNKNOWN_CA', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, groups: 'X25519' });
    servers.push(srv);
    await expectFailure(srv.port, { ca: pki.unknownRootPem }, ['UNKNOWN_CA'], { server: srv });
  });

  it('TLS 1.1-only server → PROTOCOL_VERSION', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, args: ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'] });
    servers.push(srv);
    await expectFailure(srv.port, {}, ['PROTOCOL_VERSION'], { server: srv });
  });

  it('server closes mid-handshake → TRUNCATED or TRANSPORT_CLOSED', async () => {
    const srv = await startRawServer('close-after-hello');
    servers.push(srv);
    const t0 = Date.now();
    await expectFailure(srv.port, { timeoutMs: 5000 }, ['TRUNCATED', 'TRANSPORT_CLOSED']);
    assert.ok(Date.now() - t0 < 4000, 'reported promptly, not by the handshake timeout');
    // It really was a TLS ClientHello: record type 22, version 3.x, handshake type 1.
    const hello = srv.received();
    assert.ok(hello.length > 5, 'server received bytes');
    assert.equal(hello[0], 22);
    assert.equal(hello[1], 3);
    assert.equal(hello[5], 1);
  });

  it('server never answers → HANDSHAKE_TIMEOUT', async () => {
    const srv = await startRawServer('silent');
    servers.push(srv);
    const t0 = Date.now();
    await expectFailure(srv.port, { timeoutMs: 300 }, ['HANDSHAKE_TIMEOUT'], { withinMs: 3000 });
    const ms = Date.now() - t0;
    assert.ok(ms >= 250, `timed out too early (${ms} ms)`);
    assert.ok(ms < 2000, `timed out too late (${ms} ms)`);
    assert.equal(srv.connections(), 1);
  });

  it('connection refused → CONNECT_FAILED', async () => {
    const port = await getFreePort(); // nothing listens there now
    await expectFailure(port, {}, ['CONNECT_FAILED'], { withinMs: 5000 });
  });

  it('non-TLS reply → a WasmTlsError (not a hang or a TypeError)', async () => {
    const srv = await startRawServer('garbage');
    servers.push(srv);
    const err = await expectFailure(srv.port, {}, ['DECODE_ERROR', 'UNEXPECTED_MESSAGE', 'PROTOCOL_VERSION',
      'RECORD_OVERFLOW', 'TRUNCATED', 'TRANSPORT_CLOSED', 'HANDSHAKE_FAILURE']);
    assert.ok(err.code);
  });

  it('insecureSkipVerify accepts an unknown CA (positive control)', async () => {
    const srv = await startSServer({ leaf: pki.unknown, groups: 'X25519' });
    servers.push(srv);
    const s = connect({ hostname: '127.0.0.1', port: srv.port },
      { serverName: 'localhost', ca: pki.rootPem, insecureSkipVerify: true, timeoutMs: 5000 });
    const info = await withTimeout(s.opened, 8000, 's.opened');
    assert.equal(info.version, 'TLSv1.3');
    assert.match(info.peerCertificates[0].subject, /wasmtls leaf unknown-ca/);
    await withTimeout(s.close(), 5000, 's.close');
    await withTimeout(s.closed, 5000, 's.closed');
  });
});
