// TLS 1.2 interop: the same ClientHello that offers TLS 1.3 completes a TLS 1.2 handshake
// when the server stops at 1.2.
//  - openssl s_server -tls1_2: 3 ciphers × ECDSA (P-256, P-384) and RSA (2048, 4096) leaves,
//    every group on the P-256 and RSA-2048 leaves; echo both ways; clean close.
//  - gnutls-serv with TLS 1.2-only priority strings: every suite × every group.
//  - ServerKeyExchange signature schemes: RSA PKCS#1 v1.5, RSA-PSS, ECDSA with another hash.
//  - version choice (1.3 preferred, maxVersion/minVersion), TLS 1.1-only and CBC-only servers,
//    a HelloRequest refused mid-stream, 1 MiB both ways.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { startSServer, startGnutlsServer, withTimeout } from './helpers/servers.mjs';
import { readUntil, reverseLines } from './helpers/streams.mjs';

const CIPHERS = [
  { openssl: 'AES128-GCM-SHA256', gnutls: 'AES-128-GCM', iana: 'AES_128_GCM_SHA256' },
  { openssl: 'AES256-GCM-SHA384', gnutls: 'AES-256-GCM', iana: 'AES_256_GCM_SHA384' },
  { openssl: 'CHACHA20-POLY1305', gnutls: 'CHACHA20-POLY1305', iana: 'CHACHA20_POLY1305_SHA256' },
];
const GROUPS = [
  { openssl: 'X25519', gnutls: 'GROUP-X25519', name: 'x25519' },
  { openssl: 'P-256', gnutls: 'GROUP-SECP256R1', name: 'secp256r1' },
  { openssl: 'P-384', gnutls: 'GROUP-SECP384R1', name: 'secp384r1' },
];
const isEcdsa = (kind) => kind.startsWith('p');

let pki;
before(() => { pki = getPki(); });

function open(port, opts = {}) {
  return connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 10_000, ...opts });
}

async function opened(s, srv) {
  try {
    return await withTimeout(s.opened, 15_000, 's.opened');
  } catch (e) {
    throw new Error(`handshake failed (${e?.code}: ${e?.message})\nserver: ${srv.args.join(' ')}\n${srv.output()}`, { cause: e });
  }
}

/** Send `msg`, read until `expect.length` bytes, compare, then close cleanly. */
async function echoAndClose(s, msg, expect) {
  const writer = s.writable.getWriter();
  const reader = s.readable.getReader();
  await withTimeout(writer.write(new TextEncoder().encode(msg)), 5000, 'write');
  const { text } = await readUntil(reader, (t) => t.length >= expect.length, { timeoutMs: 10_000 });
  assert.equal(text, expect);
  await withTimeout(writer.close(), 5000, 'writer.close');
  return { writer, reader };
}

describe('TLS 1.2 vs openssl s_server -tls1_2', { concurrency: 4, timeout: 120_000 }, () => {
  const cases = [];
  for (const cipher of CIPHERS) {
    for (const kind of ['p256', 'p384', 'rsa2048', 'rsa4096']) {
      const groups = kind === 'p256' || kind === 'rsa2048' ? GROUPS : [GROUPS[0]];
      for (const group of groups) cases.push({ cipher, kind, group });
    }
  }
  for (const { cipher, kind, group } of cases) {
    const kx = isEcdsa(kind) ? 'ECDSA' : 'RSA';
    const suite = `TLS_ECDHE_${kx}_WITH_${cipher.iana}`;
    it(`${suite} / ${group.openssl} / ${kind}`, { timeout: 30_000 }, async () => {
      const srv = await startSServer({
        leaf: pki.leaves[kind], groups: group.openssl,
        args: ['-tls1_2', '-cipher', `ECDHE-${kx}-${cipher.openssl}`],
      });
      try {
        const s = open(srv.port);
        const info = await opened(s, srv);
        assert.equal(info.version, 'TLSv1.2');
        assert.equal(info.cipher, suite);
        assert.equal(info.group, group.name);
        assert.match(info.peerCertificates[0].issuer, /wasmtls Test Intermediate CA/);
        const steps = info.timings.steps.map((x) => x.name).join(',');
        assert.match(steps, /ServerKeyExchange/, `timeline shows ServerKeyExchange: ${steps}`);
        const msg = `tls 1.2 ${suite}\n${'x'.repeat(5000)}\nbye\n`;
        const { reader } = await echoAndClose(s, msg, reverseLines(msg));
        const end = await readUntil(reader, () => false, { timeoutMs: 5000 });
        assert.equal(end.ended, true);
        await withTimeout(s.closed, 5000, 's.closed');
      } finally {
        await srv.stop();
      }
    });
  }
});

describe('TLS 1.2 vs gnutls-serv', { concurrency: 4, timeout: 120_000 }, () => {
  for (const cipher of CIPHERS) {
    for (const kind of ['p256', 'rsa2048']) {
      for (const group of GROUPS) {
        const kx = isEcdsa(kind) ? 'ECDSA' : 'RSA';
        const suite = `TLS_ECDHE_${kx}_WITH_${cipher.iana}`;
        it(`${suite} / ${group.name} / ${kind}`, { timeout: 30_000 }, async () => {
          const priority = `NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+${cipher.gnutls}:-GROUP-ALL:+${group.gnutls}:-KX-ALL:+ECDHE-${kx}`;
          const srv = await startGnutlsServer({ leaf: pki.leaves[kind], priority });
          try {
            const s = open(srv.port);
            const info = await opened(s, srv);
            assert.equal(info.version, 'TLSv1.2');
            assert.equal(info.cipher, suite);
            assert.equal(info.group, group.name);
            const msg = `gnutls ${suite} ${group.name}\n${'y'.repeat(20000)}\n`;
            await echoAndClose(s, msg, msg);
            await withTimeout(s.closed.catch(() => {}), 5000, 's.closed');
          } finally {
            await srv.stop();
          }
        });
      }
    }
  }
});

describe('TLS 1.2 details', { concurrency: 2, timeout: 120_000 }, () => {
  for (const [kind, sigalgs] of [['rsa2048', 'RSA+SHA256'], ['rsa2048', 'RSA+SHA512'], ['rsa2048', 'rsa_pss_rsae_sha384'],
    ['p256', 'ECDSA+SHA384'], ['p384', 'ECDSA+SHA256']]) {
    it(`ServerKeyExchange signed with ${sigalgs} (${kind} leaf)`, async () => {
      const srv = await startSServer({ leaf: pki.leaves[kind], args: ['-tls1_2', '-sigalgs', sigalgs] });
      try {
        const s = open(srv.port);
        const info = await opened(s, srv);
        assert.equal(info.version, 'TLSv1.2');
        await echoAndClose(s, 'sig ok\n', reverseLines('sig ok\n'));
      } finally {
        await srv.stop();
      }
    });
  }

  it('a server with TLS 1.2 and 1.3 → TLS 1.3; maxVersion TLSv1.2 → TLS 1.2', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, args: ['-no_tls1_1'] });
    try {
      const a = open(srv.port);
      assert.equal((await opened(a, srv)).version, 'TLSv1.3');
      a.close();
      const b = open(srv.port, { maxVersion: 'TLSv1.2' });
      const info = await opened(b, srv);
      assert.equal(info.version, 'TLSv1.2');
      assert.equal(info.cipher, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ChaCha20 preferred by the client');
      await echoAndClose(b, 'max 1.2\n', reverseLines('max 1.2\n'));
    } finally {
      await srv.stop();
    }
  });

  it('minVersion TLSv1.3 against a TLS 1.2-only server → PROTOCOL_VERSION', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, args: ['-tls1_2'] });
    try {
      const s = open(srv.port, { minVersion: 'TLSv1.3' });
      const err = await s.opened.then(() => null, (e) => e);
      s.closed.catch(() => {});
      assert.ok(err instanceof WasmTlsError);
      assert.equal(err.code, 'PROTOCOL_VERSION', err.message);
    } finally {
      await srv.stop();
    }
  });

  it('a TLS 1.0/1.1-only server → PROTOCOL_VERSION with a hint', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, args: ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'] });
    try {
      const s = open(srv.port);
      const err = await s.opened.then(() => null, (e) => e);
      s.closed.catch(() => {});
      assert.ok(err instanceof WasmTlsError);
      assert.equal(err.code, 'PROTOCOL_VERSION', err.message);
      assert.match(err.hint, /TLS 1\.0\/1\.1/);
    } finally {
      await srv.stop();
    }
  });

  it('a server with only CBC suites → NO_SHARED_CIPHER naming what was offered', async () => {
    const srv = await startSServer({ leaf: pki.leaves.rsa2048, args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA256:AES128-SHA'] });
    try {
      const s = open(srv.port);
      const err = await s.opened.then(() => null, (e) => e);
      s.closed.catch(() => {});
      assert.ok(err instanceof WasmTlsError);
      assert.equal(err.code, 'NO_SHARED_CIPHER', err.message);
      assert.equal(err.alert, 'handshake_failure');
      assert.match(err.message, /AES-GCM or ChaCha20-Poly1305/);
      assert.ok(err.hint);
    } finally {
      await srv.stop();
    }
  });

  it('1 MiB each way over TLS 1.2 AES-128-GCM (full-size records, explicit nonces)', async () => {
    const srv = await startSServer({ leaf: pki.leaves.rsa2048, mode: 'plain', args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256'] });
    try {
      const s = open(srv.port);
      const info = await opened(s, srv);
      assert.equal(info.cipher, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
      // the server's stdin is relayed to us; what we send appears on its stdout
      const line = 'z'.repeat(1023) + '\n';
      const mib = line.repeat(1024);
      srv.child.stdin.write(mib);
      const reader = s.readable.getReader();
      const writer = s.writable.getWriter();
      const sent = writer.write(new TextEncoder().encode(mib));
      const { text } = await readUntil(reader, (t) => t.length >= mib.length, { timeoutMs: 20_000 });
      assert.equal(text.length, mib.length);
      assert.equal(text, mib);
      await sent;
      const deadline = Date.now() + 20_000;
      const received = () => srv.stdout().split(line).length - 1;
      while (received() < 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(received(), 1024, 'the server received the whole MiB');
      s.close();
    } finally {
      await srv.stop();
    }
  });

  it('a HelloRequest is refused with a no_renegotiation warning (OpenSSL then ends the connection)', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', args: ['-tls1_2'] });
    try {
      const s = open(srv.port);
      const info = await opened(s, srv);
      const reader = s.readable.getReader();
      srv.child.stdin.write('before\n');
      await readUntil(reader, (t) => t.includes('before'), { timeoutMs: 5000 });
      srv.child.stdin.write('r\n'); // s_server: renegotiate, i.e. send a HelloRequest
      const err = await withTimeout(s.closed.then(() => null, (e) => e), 5000, 's.closed');
      const tail = info.timings.steps.slice(-3).map((x) => `${x.dir} ${x.name} ${x.detail ?? ''}`.trim());
      assert.deepEqual(tail, ['in HelloRequest', 'out Alert warning no_renegotiation', 'in Alert fatal handshake_failure']);
      // s_server prints its error line when its process gets to it: poll, do not sample once
      const until = Date.now() + 5000;
      while (!/no renegotiation/.test(srv.output()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      assert.match(srv.output(), /no renegotiation/);
      // OpenSSL's server answers a refused renegotiation with a fatal handshake_failure
      assert.equal(err?.code, 'PEER_ALERT');
      assert.equal(err.alert, 'handshake_failure');
    } finally {
      await srv.stop();
    }
  });

});
