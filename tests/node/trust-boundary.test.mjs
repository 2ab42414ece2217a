// Issue 14: the trust boundary, each attack through connect() against a real node:tls server.
// - pins match the path the engine verified, not every certificate the server sent;
// - the verify hook sees the verified path (leaf → trust anchor) and the sent list apart;
// - no session, no server plaintext and no (re-sent) early data before the verdict;
// - a session is resumed only under the trust policy that made it.
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

const derOf = (pem) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function server(cert, extra = {}) {
  const srv = await startNodeTlsServer({ cert, key: pki.leaves.p256.keyPem, ...extra });
  servers.push(srv);
  return srv;
}

async function outcome(port, opts = {}) {
  const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000, ...opts });
  try {
    const info = await s.opened;
    await s.close();
    return { ok: true, info, socket: s };
  } catch (err) {
    assert.ok(err instanceof WasmTlsError, String(err));
    return { ok: false, err, socket: s };
  }
}

/** A session from a first connection (waits for the server's ticket). */
async function sessionFrom(port, opts = {}) {
  const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000, ...opts });
  const got = new Promise((resolve) => s.addEventListener('session', (ev) => resolve(ev.session), { once: true }));
  await s.opened;
  const session = await got;
  await s.close();
  return session;
}

describe('trust boundary (issue 14)', { timeout: 90_000 }, () => {
  it('pins: a pinned key on an extra certificate outside the verified path is PIN_MISMATCH', async () => {
    // The server's real chain (leaf, intermediate) verifies; it appends a certificate carrying key K.
    const extra = pki.leaves.rsa2048.certPem;
    const srv = await server(pki.leaves.p256.chainPem + extra);
    const k = await spkiPin(derOf(extra));
    const attack = await outcome(srv.port, { pins: [k] });
    assert.equal(attack.ok, false, 'a pin on an unverified extra certificate must not be accepted');
    assert.equal(attack.err.code, 'PIN_MISMATCH');
    // keys on the path pass: leaf, intermediate and the trust anchor itself
    for (const pem of [pki.leaves.p256.certPem, pki.interPem, pki.rootPem]) {
      const r = await outcome(srv.port, { pins: [await spkiPin(derOf(pem))] });
      assert.equal(r.ok, true, `pin of a certificate on the path: ${r.err?.message}`);
    }
  });

  it('pins with insecureSkipVerify: only the leaf (the key that signed the handshake) counts', async () => {
    const srv = await server(pki.leaves.p256.chainPem);
    const inter = await outcome(srv.port, { ca: undefined, insecureSkipVerify: true, pins: [await spkiPin(derOf(pki.interPem))] });
    assert.equal(inter.err?.code, 'PIN_MISMATCH');
    const leaf = await outcome(srv.port, { ca: undefined, insecureSkipVerify: true, pins: [await spkiPin(derOf(pki.leaves.p256.certPem))] });
    assert.equal(leaf.ok, true, leaf.err?.message);
  });

  it('verify hook: `chain` is the verified path to the anchor, `info.sentCertificates` what was sent', async () => {
    const extra = pki.leaves.rsa2048.certPem;
    const srv = await server(pki.leaves.p256.chainPem + extra);
    let seen;
    const r = await outcome(srv.port, { verify: (chain, info) => { seen = { chain, info }; return true; } });
    assert.equal(r.ok, true, r.err?.message);
    const fp = (pem) => Buffer.from(derOf(pem)).toString('hex');
    assert.deepEqual(seen.chain.map((c) => Buffer.from(c.der).toString('hex')),
      [fp(pki.leaves.p256.certPem), fp(pki.interPem), fp(pki.rootPem)]);
    assert.equal(seen.info.sentCertificates.length, 3);
    assert.equal(Buffer.from(seen.info.sentCertificates[2].der).toString('hex'), fp(extra));
    assert.deepEqual(r.info.verifiedChain.map((c) => c.fingerprint256), seen.chain.map((c) => c.fingerprint256));
    assert.equal(r.info.peerCertificates.length, 3);
  });

  it('no session before the verdict; none at all when the verify hook refuses', async () => {
    const srv = await server(pki.leaves.p256.chainPem);
    // refused after the server's tickets arrived: no 'session' event, socket.session stays null
    const events = [];
    const s = connect({ hostname: '127.0.0.1', port: srv.port }, {
      serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000,
      verify: async () => { await sleep(300); events.push('verdict'); return false; },
    });
    s.addEventListener('session', () => events.push('session'));
    await assert.rejects(s.opened, (e) => e.code === 'BAD_CERTIFICATE');
    await s.closed.catch(() => {});
    await sleep(50);
    assert.deepEqual(events, ['verdict']);
    assert.equal(s.session, null);
    // accepted after a delay: the session comes after `opened`, never before
    const order = [];
    const t = connect({ hostname: '127.0.0.1', port: srv.port }, {
      serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000,
      verify: async () => { await sleep(300); return true; },
    });
    const gotSession = new Promise((resolve) => t.addEventListener('session', () => { order.push('session'); resolve(); }, { once: true }));
    await t.opened.then(() => order.push('opened'));
    await gotSession;
    assert.deepEqual(order.slice(0, 2), ['opened', 'session']);
    assert.match(t.session, /^wtls2\./);
    await t.close();
  });

  it('no server plaintext is readable before the verdict, and none after a refusal', async () => {
    const srv = await server(pki.leaves.p256.chainPem, { onSecureConnection: (sock) => sock.write('SERVER-SECRET') });
    const s = connect({ hostname: '127.0.0.1', port: srv.port }, {
      serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000,
      verify: async () => { await sleep(300); return false; },
    });
    const reader = s.readable.getReader();
    const read = reader.read();
    await assert.rejects(read, (e) => e.code === 'BAD_CERTIFICATE', 'the first read must fail, not yield the data');
    await assert.rejects(s.opened, (e) => e.code === 'BAD_CERTIFICATE');
  });

  it('early data that was not taken is not sent again before the verdict (refused: never)', async () => {
    let received = '';
    const srv = await server(pki.leaves.p256.chainPem, {
      onSecureConnection: (sock) => sock.on('data', (d) => { received += d; }),
    });
    const s = connect({ hostname: '127.0.0.1', port: srv.port }, {
      serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000, earlyData: 'EARLY-SECRET',
      verify: async () => { await sleep(200); return false; },
    });
    await assert.rejects(s.opened, (e) => e.code === 'BAD_CERTIFICATE');
    await s.closed.catch(() => {});
    await sleep(200);
    assert.equal(received, '', 'the server must not receive the early data');
    // accepted: the same bytes arrive after the verdict
    const t = connect({ hostname: '127.0.0.1', port: srv.port }, {
      serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000, earlyData: 'EARLY-OK', verify: () => true,
    });
    await t.opened;
    for (let i = 0; i < 50 && !received.includes('EARLY-OK'); i++) await sleep(20);
    assert.equal(received, 'EARLY-OK');
    await t.close();
  });

  it('sessions are bound to the trust policy: an insecure session does not resume a verifying connection', async () => {
    // The server's certificate is NOT issued by the CA of the verifying connection (`unknown` PKI).
    const srv = await server(pki.unknown.chainPem, { key: pki.unknown.keyPem });
    const insecure = await sessionFrom(srv.port, { ca: undefined, insecureSkipVerify: true });
    // the attack: reuse it under a verifying policy
    const r = await outcome(srv.port, { session: insecure });
    assert.equal(r.ok, false, 'the insecure session must not authenticate a verifying connection');
    assert.equal(r.err.code, 'UNKNOWN_CA');
    // the same policy still resumes it
    const again = await outcome(srv.port, { ca: undefined, insecureSkipVerify: true, session: insecure });
    assert.equal(again.ok, true, again.err?.message);
    assert.equal(again.info.resumed, true);
  });

  it('sessions are bound to the trust policy: another ca, other pins, a verify hook, another serverName', async () => {
    const srv = await server(pki.leaves.p256.chainPem);
    const leafPin = await spkiPin(derOf(pki.leaves.p256.certPem));
    const base = await sessionFrom(srv.port);
    assert.equal((await outcome(srv.port, { session: base })).info.resumed, true, 'same policy resumes');
    const variants = {
      'another ca (root and an extra anchor)': { ca: [pki.rootPem, pki.unknownRootPem] },
      pins: { pins: [leafPin] },
      'a verify hook': { verify: () => true },
      'another serverName': { serverName: '127.0.0.1' },
    };
    for (const [what, opts] of Object.entries(variants)) {
      const r = await outcome(srv.port, { session: base, ...opts });
      assert.equal(r.ok, true, `${what}: ${r.err?.message}`);
      assert.equal(r.info.resumed, false, `${what}: a full handshake, not a resumption`);
    }
    // a 0.1-format session (no policy digest) is never resumed either
    const b64url = (b) => b.toString('base64').replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    const old = 'wtls1.' + b64url(Buffer.from(base.slice('wtls2.'.length), 'base64url').subarray(32));
    const r = await outcome(srv.port, { session: old });
    assert.equal(r.ok, true, r.err?.message);
    assert.equal(r.info.resumed, false);
  });
});
