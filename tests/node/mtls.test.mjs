// Client certificates (mutual TLS), TLS 1.3 and 1.2:
//  - openssl s_server -Verify (certificate required) with P-256, P-384 and RSA-2048 client
//    certificates, keys as PKCS#8 and as SEC1 / PKCS#1; the server must see our subject.
//  - Node's tls server with requestCert: the peer certificate it reports is ours, authorized.
//  - no certificate configured: -verify (optional) still connects (empty Certificate);
//    -Verify (required) fails with CERTIFICATE_REQUIRED in both versions.
//  - a bad key is a typed INVALID_OPTION before any byte is sent.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { getClientPki } from './helpers/client-pki.mjs';
import { startSServer, startNodeTlsServer, withTimeout } from './helpers/servers.mjs';
import { readUntil } from './helpers/streams.mjs';

let pki;
let clients;
before(() => { pki = getPki(); clients = getClientPki(); });

function open(port, opts = {}) {
  return connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 10_000, ...opts });
}

async function echoOnce(s, text) {
  const w = s.writable.getWriter();
  await w.write(new TextEncoder().encode(text));
  w.releaseLock();
  const r = s.readable.getReader();
  const got = await readUntil(r, (t) => t.length >= text.length, { timeoutMs: 5000 });
  r.releaseLock();
  return got.text;
}

const VERSIONS = [['TLSv1.3', '-tls1_3'], ['TLSv1.2', '-tls1_2']];
const KINDS = ['p256', 'p384', 'rsa2048'];

describe('client certificates vs openssl s_server -Verify', () => {
  for (const [version, flag] of VERSIONS) {
    for (const kind of KINDS) {
      for (const fmt of ['pkcs8Pem', 'legacyPem']) {
        it(`${version} / ${kind} / ${fmt === 'pkcs8Pem' ? 'PKCS#8' : kind.startsWith('p') ? 'SEC1' : 'PKCS#1'} key`, async () => {
          const srv = await startSServer({ leaf: pki.leaves.p256, args: [flag, '-Verify', '2', '-CAfile', pki.rootFile] });
          try {
            const s = open(srv.port, { cert: clients[kind].chainPem, key: clients[kind][fmt] });
            const info = await withTimeout(s.opened, 15_000, 's.opened');
            assert.equal(info.version, version);
            assert.equal(await echoOnce(s, 'mtls\n'), 'sltm\n');
            // s_server prints the chain it verified, our leaf at depth 0
            const seen = new RegExp(`depth=0 CN = wasmtls test client ${kind}\nverify return:1`);
            assert.match(await srv.waitForOutput(seen), seen);
            assert.ok(info.timings.steps.some((x) => x.dir === 'out' && x.name === 'CertificateVerify'),
              'a CertificateVerify was sent');
            s.close();
          } finally {
            await srv.stop();
          }
        });
      }
    }
  }

  for (const [version, flag] of VERSIONS) {
    it(`${version}: no certificate configured, certificate optional (-verify): an empty Certificate, connected`, async () => {
      const srv = await startSServer({ leaf: pki.leaves.p256, args: [flag, '-verify', '2', '-CAfile', pki.rootFile] });
      try {
        const s = open(srv.port);
        const info = await withTimeout(s.opened, 15_000, 's.opened');
        assert.equal(info.version, version);
        assert.equal(await echoOnce(s, 'anon\n'), 'nona\n');
        assert.ok(info.timings.steps.some((x) => x.dir === 'in' && x.name === 'CertificateRequest'));
        s.close();
      } finally {
        await srv.stop();
      }
    });

    it(`${version}: no certificate configured, certificate required (-Verify): CERTIFICATE_REQUIRED`, async () => {
      const srv = await startSServer({ leaf: pki.leaves.p256, args: [flag, '-Verify', '2', '-CAfile', pki.rootFile] });
      try {
        const s = open(srv.port);
        // TLS 1.2: the server's alert replaces its Finished, so `opened` rejects. TLS 1.3: the
        // client's handshake ends with its own Finished and the server's alert follows it
        // (RFC 8446 §4.4.2.4), so it may land after `opened` resolved — as with Node's tls
        // ('secureConnect', then 'error'); then `closed` rejects with the same code.
        const err = await withTimeout(s.opened.then(() => s.closed.then(() => null, (e) => e), (e) => e), 15_000, 's.opened / s.closed');
        assert.ok(err instanceof WasmTlsError, String(err));
        assert.equal(err.code, 'CERTIFICATE_REQUIRED');
        if (version === 'TLSv1.2') await assert.rejects(s.opened, { code: 'CERTIFICATE_REQUIRED' });
      } finally {
        await srv.stop();
      }
    });
  }
});

describe('client certificates vs Node tls server (requestCert)', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2']) {
    for (const kind of KINDS) {
      it(`${version} / ${kind}: the server sees our certificate, authorized`, async () => {
        let seen;
        const srv = await startNodeTlsServer({
          cert: pki.leaves.p256.chainPem,
          key: pki.leaves.p256.keyPem,
          options: { minVersion: version, maxVersion: version, requestCert: true, rejectUnauthorized: true, ca: pki.rootPem },
          onSecureConnection: (sock) => {
            seen = { authorized: sock.authorized, subject: sock.getPeerCertificate()?.subject?.CN };
            sock.pipe(sock);
          },
        });
        try {
          const s = open(srv.port, { cert: clients[kind].chainPem, key: clients[kind].pkcs8Pem });
          const info = await withTimeout(s.opened, 15_000, 's.opened');
          assert.equal(info.version, version);
          assert.equal(await echoOnce(s, 'ping'), 'ping');
          assert.deepEqual(seen, { authorized: true, subject: `wasmtls test client ${kind}` });
          s.close();
        } finally {
          await srv.stop();
        }
      });
    }
  }
});

it('DER cert and key whose buffers the caller wipes as soon as connect() returned: the handshake uses copies', async () => {
  const nodeCrypto = await import('node:crypto');
  const srv = await startNodeTlsServer({
    cert: pki.leaves.p256.chainPem,
    key: pki.leaves.p256.keyPem,
    // the DER `cert` option is one certificate (the leaf): the server is given the intermediate
    options: { minVersion: 'TLSv1.3', requestCert: true, rejectUnauthorized: true, ca: [pki.rootPem, clients.p256.chainPem.slice(clients.p256.certPem.length)] },
    onSecureConnection: (sock) => sock.pipe(sock),
  });
  try {
    const key = new Uint8Array(nodeCrypto.createPrivateKey(clients.p256.pkcs8Pem).export({ format: 'der', type: 'pkcs8' }));
    const cert = new Uint8Array(new nodeCrypto.X509Certificate(clients.p256.certPem).raw);
    const s = open(srv.port, { cert, key });
    key.fill(0);
    cert.fill(0);
    const info = await withTimeout(s.opened, 15_000, 's.opened');
    assert.equal(info.version, 'TLSv1.3');
    assert.equal(await echoOnce(s, 'ping'), 'ping');
    await s.close();
  } finally {
    await srv.stop();
  }
});

describe('client certificate options are checked', () => {
  it('a key that is not a key is INVALID_OPTION', async () => {
    const s = connect({ hostname: '127.0.0.1', port: 9 }, { cert: getClientPki().p256.chainPem, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' });
    const err = await s.opened.then(() => null, (e) => e);
    assert.ok(err instanceof WasmTlsError, String(err));
    assert.equal(err.code, 'INVALID_OPTION');
  });
  it('a key without a certificate (or the reverse) is INVALID_OPTION', async () => {
    const s = connect({ hostname: '127.0.0.1', port: 9 }, { key: getClientPki().p256.pkcs8Pem });
    const err = await s.opened.then(() => null, (e) => e);
    assert.equal(err?.code, 'INVALID_OPTION');
  });
});
