// js/x509/x509.js: the display parser for opened.peerCertificates, checked against
// node:crypto's X509Certificate on certificates made with openssl.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { parseCertificate, describeCertificate, formatIp } from '../../js/x509/x509.js';
import { readOne, DerError } from '../../js/x509/der.js';

let dir;
const certs = {};

function openssl(...args) {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** DER bytes of a PEM file in dir. */
function der(file) {
  return new Uint8Array(openssl('x509', '-in', file, '-outform', 'DER'));
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wasmtls-x509-'));
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30',
    '-subj', '/C=DE/O=wasmtls test/CN=wasmtls Test Root', '-keyout', 'ca.key', '-out', 'ca.pem');
  writeFileSync(path.join(dir, 'leaf.ext'),
    'basicConstraints=critical,CA:FALSE\n' +
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,IP:2001:db8::8:800:200c:417a,email:a@example.org,URI:https://example.org/\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost/O=wasmtls test, Inc.',
    '-keyout', 'leaf.key', '-out', 'leaf.csr');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '0x00ff0102',
    '-days', '10', '-extfile', 'leaf.ext', '-out', 'leaf.pem');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes',
    '-subj', '/CN=p384 \u00e9t\u00e9', '-utf8', '-days', '15000',
    '-keyout', 'p384.key', '-out', 'p384.pem');
  for (const name of ['ca', 'leaf', 'p384']) certs[name] = der(`${name}.pem`);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('x509 parser', () => {
  it('parses a leaf: subject, issuer, serial, validity, SANs, key', async () => {
    const c = await describeCertificate(certs.leaf);
    const ref = new X509Certificate(readFileSync(path.join(dir, 'leaf.pem')));
    assert.equal(c.subject, 'CN=localhost, O=wasmtls test\\, Inc.');
    assert.equal(c.issuer, 'C=DE, O=wasmtls test, CN=wasmtls Test Root');
    assert.equal(c.serialNumber, ref.serialNumber.toUpperCase());
    assert.equal(c.serialNumber, 'FF0102');
    assert.equal(c.validFrom.getTime(), new Date(ref.validFrom).getTime());
    assert.equal(c.validTo.getTime(), new Date(ref.validTo).getTime());
    assert.deepEqual(c.subjectAltNames, [
      'DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:::1', 'IP Address:2001:db8::8:800:200c:417a',
      'email:a@example.org', 'URI:https://example.org/',
    ]);
    assert.equal(c.isCA, false);
    assert.deepEqual(c.publicKey, { type: 'RSA', bits: 2048 });
    assert.equal(c.signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.equal(c.fingerprint256, ref.fingerprint256);
    assert.equal(c.der, certs.leaf);
  });

  it('parses a CA and a P-384 self-signed cert with UTF-8 and GeneralizedTime', async () => {
    const ca = parseCertificate(certs.ca);
    assert.equal(ca.isCA, true);
    assert.deepEqual(ca.publicKey, { type: 'EC', bits: 256, curve: 'P-256' });
    assert.equal(ca.subject, ca.issuer);
    const p = parseCertificate(certs.p384);
    assert.equal(p.subject, 'CN=p384 \u00e9t\u00e9');
    assert.deepEqual(p.publicKey, { type: 'EC', bits: 384, curve: 'P-384' });
    assert.equal(p.signatureAlgorithm, 'ecdsa-with-SHA256');
    const ref = new X509Certificate(readFileSync(path.join(dir, 'p384.pem')));
    assert.ok(p.validTo.getUTCFullYear() >= 2050, 'validTo is a GeneralizedTime');
    assert.equal(p.validTo.getTime(), new Date(ref.validTo).getTime());
    assert.deepEqual(p.subjectAltNames, []);
  });

  it('rejects malformed DER strictly', () => {
    const leaf = certs.leaf;
    assert.throws(() => parseCertificate(leaf.subarray(0, leaf.length - 1)), DerError);
    assert.throws(() => parseCertificate(new Uint8Array([...leaf, 0])), DerError);
    assert.throws(() => parseCertificate(new Uint8Array([0x30, 0x80, 0, 0])), /indefinite/);
    assert.throws(() => readOne(new Uint8Array([0x04, 0x81, 0x05, 1, 2, 3, 4, 5])), /non-minimal length/);
    assert.throws(() => parseCertificate(new Uint8Array([0x30, 0x00])), DerError);
    assert.throws(() => parseCertificate(new Uint8Array()), DerError);
    // Flip the tag of tbsCertificate.
    const bad = leaf.slice();
    bad[4] = 0x31;
    assert.throws(() => parseCertificate(bad), DerError);
  });

  it('formats IP addresses like RFC 5952', () => {
    assert.equal(formatIp(new Uint8Array([10, 0, 0, 1])), '10.0.0.1');
    assert.equal(formatIp(new Uint8Array(16)), '::');
    const v6 = new Uint8Array(16); v6[15] = 1;
    assert.equal(formatIp(v6), '::1');
    const one0 = new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    assert.equal(formatIp(one0), '2001:db8:0:1:1:1:1:1');
  });
});

describe('opened.peerCertificates / verifiedChain: parsed for display on first read (issue 18 item 3)', () => {
  let server;
  let pki;
  before(async () => {
    const { getPki } = await import('./helpers/pki.mjs');
    const { startNodeTlsServer } = await import('./helpers/servers.mjs');
    pki = getPki();
    server = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, onSecureConnection: (s) => s.end() });
  });
  after(async () => { await server?.stop(); });

  it('accessors until read, then plain values equal to describeCertificate(); JSON, spread and structuredClone see them', async () => {
    const { connect } = await import('../../js/index.node.js');
    const socket = connect(`127.0.0.1:${server.port}`, { ca: pki.rootPem, serverName: 'localhost' });
    const info = await socket.opened;
    // nothing read them yet: still the lazy accessors, in the documented key order
    for (const key of ['peerCertificates', 'verifiedChain']) {
      const d = Object.getOwnPropertyDescriptor(info, key);
      assert.equal(typeof d.get, 'function', `${key} is not parsed before it is read`);
      assert.equal(d.enumerable, true);
    }
    const keys = Object.keys(info);
    assert.ok(keys.indexOf('serverName') < keys.indexOf('peerCertificates') && keys.indexOf('verifiedChain') < keys.indexOf('timings'), keys.join());
    const sent = info.peerCertificates;
    assert.equal(sent.length, 2, 'leaf + intermediate');
    assert.equal(info.peerCertificates, sent, 'parsed once');
    for (const cert of sent) assert.deepEqual(cert, await describeCertificate(cert.der));
    assert.match(sent[0].subject, /CN=wasmtls leaf p256/);
    // the path: the two sent certificates (the same objects) and the root from `ca`
    assert.equal(info.verifiedChain.length, 3);
    assert.equal(info.verifiedChain[0], sent[0]);
    assert.equal(info.verifiedChain[1], sent[1]);
    assert.deepEqual(info.verifiedChain[2], await describeCertificate(info.verifiedChain[2].der));
    assert.equal(info.verifiedChain[2].subject, info.verifiedChain[2].issuer, 'a self-signed root');
    const json = JSON.parse(JSON.stringify(info));
    assert.equal(json.peerCertificates[0].subject, sent[0].subject);
    assert.equal(structuredClone(info).verifiedChain[2].fingerprint256, info.verifiedChain[2].fingerprint256);
    assert.equal({ ...info }.peerCertificates, sent);
    info.peerCertificates = ['replaced'];
    assert.deepEqual(info.peerCertificates, ['replaced'], 'assignable like a data property');
    await socket.close();
  });

  it('a verify hook reads them (parsed then) and sees the same chain', async () => {
    const { connect } = await import('../../js/index.node.js');
    let seen = null;
    const socket = connect(`127.0.0.1:${server.port}`, { ca: pki.rootPem, serverName: 'localhost',
      verify: (chain, info) => { seen = { chain: chain.map((c) => c.subject), sent: info.sentCertificates.length }; return true; } });
    const info = await socket.opened;
    assert.deepEqual(seen, { chain: info.verifiedChain.map((c) => c.subject), sent: 2 });
    await socket.close();
  });
});
