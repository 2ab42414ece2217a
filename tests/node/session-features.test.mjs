// Session features against real servers:
//  - resumption: TLS 1.3 PSK (openssl s_server per suite, after a HelloRetryRequest, Node's tls
//    server) and TLS 1.2 tickets (openssl s_server -tls1_2, Node's tls server): the second
//    connection resumes, skips the certificate, and data flows; sessions are only offered to the
//    server name they were made for and within their lifetime; bad session strings are refused.
//  - KeyUpdate: s_server's `k` (update) and `K` (update and request ours) mid-stream; our own
//    updates every N bytes (keyUpdateAfterBytes) with data both ways.
//  - record_size_limit (RFC 8449): gnutls-serv --recordsize announces a small limit; 64 KiB
//    go through in both versions (GnuTLS rejects an oversized record with record_overflow).
//  - ALPN against openssl s_server -alpn; a ServerHello naming a protocol that was not offered.
//  - 0-RTT (openssl s_server -early_data): accepted with a resumed session; rejected (unknown
//    ticket, HelloRetryRequest) and sent again after the handshake; never sent without permission.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { startSServer, startGnutlsServer, startNodeTlsServer, withTimeout } from './helpers/servers.mjs';
import { startMutatingProxy } from './helpers/hostile-server.mjs';
import { readUntil } from './helpers/streams.mjs';

let pki;
before(() => { pki = getPki(); });

function open(port, opts = {}) {
  return connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 10_000, ...opts });
}

/** Connect, echo one line (the server reverses or echoes it), collect the session, close. */
async function roundTrip(port, opts = {}, { reverse = true } = {}) {
  const s = open(port, opts);
  // every 'session' event (OpenSSL sends two tickets; both may come in one read)
  const sessions = [];
  const sessionEvent = new Promise((resolve) => s.addEventListener('session', (ev) => { sessions.push(ev.session); resolve(ev.session); }));
  const info = await withTimeout(s.opened, 15_000, 's.opened');
  const w = s.writable.getWriter();
  await w.write(new TextEncoder().encode('resume me\n'));
  w.releaseLock();
  const r = s.readable.getReader();
  const { text } = await readUntil(r, (t) => t.includes('\n'), { timeoutMs: 5000 });
  r.releaseLock();
  assert.equal(text, reverse ? 'em emuser\n' : 'resume me\n');
  const session = await Promise.race([sessionEvent, new Promise((resolve) => setTimeout(() => resolve(null), 5000))]);
  if (session) assert.equal(s.session, sessions.at(-1), 'socket.session is the latest session');
  await s.close();
  return { info, session, names: info.timings.steps.map((x) => x.name) };
}

async function resumesTwice(port, opts = {}, how = {}) {
  const first = await roundTrip(port, opts, how);
  assert.equal(first.info.resumed, false);
  assert.ok(first.session, 'the server gave a session');
  assert.match(first.session, /^wtls2\.[A-Za-z0-9_-]+$/);
  const second = await roundTrip(port, { ...opts, session: first.session }, how);
  assert.equal(second.info.resumed, true, `resumed (steps: ${second.names.join(', ')})`);
  assert.ok(second.names.includes('SessionResumed'));
  assert.ok(!second.names.includes('Certificate'), 'no certificate in a resumed handshake');
  assert.deepEqual(second.info.peerCertificates, []);
  assert.equal(second.info.version, first.info.version);
  return { first, second };
}

describe('resumption', () => {
  for (const suite of ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']) {
    it(`TLS 1.3 PSK vs openssl s_server, ${suite}`, async () => {
      const srv = await startSServer({ leaf: pki.leaves.p256, ciphersuites: suite });
      try {
        const { second } = await resumesTwice(srv.port);
        assert.equal(second.info.cipher, suite);
        // psk_dhe_ke: a fresh key exchange happens on resumption too (forward secrecy)
        assert.equal(second.info.group, 'x25519');
      } finally {
        await srv.stop();
      }
    });
  }

  it('TLS 1.3 PSK after a HelloRetryRequest (server wants P-384)', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, groups: 'P-384' });
    try {
      const { second } = await resumesTwice(srv.port);
      assert.ok(second.names.includes('HelloRetryRequest'));
      assert.equal(second.info.group, 'secp384r1');
    } finally {
      await srv.stop();
    }
  });

  it('TLS 1.2 session ticket vs openssl s_server -tls1_2', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, args: ['-tls1_2'] });
    try {
      const { first, second } = await resumesTwice(srv.port);
      assert.equal(first.info.version, 'TLSv1.2');
      assert.equal(second.info.cipher, first.info.cipher);
      // the abbreviated handshake: server CCS + Finished come first
      assert.ok(!second.names.includes('ServerKeyExchange'));
    } finally {
      await srv.stop();
    }
  });

  for (const version of ['TLSv1.3', 'TLSv1.2']) {
    it(`${version} vs Node's tls server: resumed, and the server agrees`, async () => {
      const reused = [];
      const srv = await startNodeTlsServer({
        cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem,
        options: { minVersion: version, maxVersion: version },
        onSecureConnection: (sock) => { reused.push(sock.isSessionReused()); sock.pipe(sock); },
      });
      try {
        await resumesTwice(srv.port, {}, { reverse: false });
        assert.deepEqual(reused, [false, true]);
      } finally {
        await srv.stop();
      }
    });
  }

  it('a session is not offered to another server name (full handshake)', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256 });
    try {
      const first = await roundTrip(srv.port);
      // 127.0.0.1 is in the certificate's SANs too, so the handshake itself succeeds
      const other = await roundTrip(srv.port, { serverName: '127.0.0.1', session: first.session });
      assert.equal(other.info.resumed, false);
      assert.ok(other.names.includes('Certificate'));
    } finally {
      await srv.stop();
    }
  });

  it('an expired session is not offered (ticket lifetime)', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256 });
    const realNow = Date.now;
    try {
      const first = await roundTrip(srv.port);
      assert.ok(first.session, 'the server gave a session');
      // the engine reads the clock when it starts: 8 days on, past any TLS 1.3 ticket (7 days at most)
      Date.now = () => realNow() + 8 * 24 * 3600 * 1000;
      const later = open(srv.port, { session: first.session });
      const info = await withTimeout(later.opened, 15_000, 'opened');
      Date.now = realNow;
      assert.equal(info.resumed, false);
      await later.close();
    } finally {
      Date.now = realNow;
      await srv.stop();
    }
  });

  it('a session string that is not one is INVALID_OPTION', async () => {
    for (const bad of ['nope', 'wtls1.!!', 'wtls1.AAAA', 42]) {
      const s = connect({ hostname: '127.0.0.1', port: 9 }, { session: bad });
      const err = await s.opened.then(() => null, (e) => e);
      assert.ok(err instanceof WasmTlsError, String(err));
      assert.equal(err.code, 'INVALID_OPTION', String(bad));
    }
  });
});

describe('KeyUpdate', () => {
  async function plainServer(args = []) {
    return startSServer({ leaf: pki.leaves.p256, mode: 'plain', args });
  }

  for (const [cmd, what] of [['k', 'update'], ['K', 'update and request ours']]) {
    it(`openssl s_server '${cmd}' (${what}) mid-stream; data flows both ways after it`, async () => {
      const srv = await plainServer();
      try {
        const s = open(srv.port);
        const info = await withTimeout(s.opened, 15_000, 's.opened');
        const reader = s.readable.getReader();
        const writer = s.writable.getWriter();
        srv.child.stdin.write('one\n');
        await readUntil(reader, (t) => t.includes('one'), { timeoutMs: 5000 });
        srv.child.stdin.write(`${cmd}\n`);
        const until = Date.now() + 5000;
        while (!info.timings.steps.some((x) => x.dir === 'in' && x.name === 'KeyUpdate') && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 20));
        }
        srv.child.stdin.write('two\n');
        await readUntil(reader, (t) => t.includes('two'), { timeoutMs: 5000 });
        await writer.write(new TextEncoder().encode('from client after update\n'));
        const deadline = Date.now() + 5000;
        while (!srv.stdout().includes('from client after update') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.match(srv.stdout(), /from client after update/);
        const steps = info.timings.steps.map((x) => `${x.dir} ${x.name}`);
        assert.ok(steps.includes('in KeyUpdate'), steps.join(', '));
        assert.equal(steps.includes('out KeyUpdate'), cmd === 'K', 'we answer only a request');
        s.close();
      } finally {
        await srv.stop();
      }
    });
  }

  it('keyUpdateAfterBytes: our keys change every 4 KiB; openssl s_server reads 128 KiB, then answers', async () => {
    const srv = await plainServer();
    try {
      const s = open(srv.port, { keyUpdateAfterBytes: 4096 });
      const info = await withTimeout(s.opened, 15_000, 's.opened');
      const payload = Array.from({ length: 128 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(1019)}\n`).join('');
      const writer = s.writable.getWriter();
      const reader = s.readable.getReader();
      await writer.write(new TextEncoder().encode(payload));
      const deadline = Date.now() + 20_000;
      while (!srv.stdout().includes(`0127${'x'.repeat(1019)}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // s_server prints what it reads (among its own status lines: "Read BLOCK" after each KeyUpdate)
      const lines = srv.stdout().split('\n').filter((l) => /^\d{4}x+$/.test(l));
      assert.equal(lines.join('\n') + '\n', payload, 's_server read every byte, in order');
      srv.child.stdin.write('after the updates\n');
      await readUntil(reader, (t) => t.includes('after the updates'), { timeoutMs: 5000 });
      const updates = info.timings.steps.filter((x) => x.dir === 'out' && x.name === 'KeyUpdate').length;
      assert.equal(updates, 32, '128 KiB / 4 KiB');
      s.close();
    } finally {
      await srv.stop();
    }
  });

  it('keyUpdateAfterBytes with Node\'s tls server: 1 MiB both ways', async () => {
    const srv = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem });
    try {
      const s = open(srv.port, { keyUpdateAfterBytes: 65536 });
      const info = await withTimeout(s.opened, 15_000, 's.opened');
      const payload = new Uint8Array(1 << 20).map((_, i) => i * 7);
      const writer = s.writable.getWriter();
      const reader = s.readable.getReader();
      const sent = writer.write(payload);
      let got = 0;
      const all = new Uint8Array(payload.length);
      while (got < payload.length) {
        const { value, done } = await reader.read();
        if (done) break;
        all.set(value, got);
        got += value.length;
      }
      await sent;
      assert.equal(got, payload.length);
      assert.deepEqual(all, payload);
      assert.equal(info.timings.steps.filter((x) => x.dir === 'out' && x.name === 'KeyUpdate').length, 16, '1 MiB / 64 KiB');
      s.close();
    } finally {
      await srv.stop();
    }
  });

  it('keyUpdateAfterBytes below 1024 is INVALID_OPTION', async () => {
    const s = connect({ hostname: '127.0.0.1', port: 9 }, { keyUpdateAfterBytes: 10 });
    const err = await s.opened.then(() => null, (e) => e);
    assert.equal(err?.code, 'INVALID_OPTION');
  });
});

describe('record_size_limit (RFC 8449) vs gnutls-serv --recordsize', () => {
  for (const [version, priority] of [['TLSv1.3', 'NORMAL:-VERS-ALL:+VERS-TLS1.3'], ['TLSv1.2', 'NORMAL:-VERS-ALL:+VERS-TLS1.2']]) {
    it(`${version}: a 512-byte limit is honoured; 64 KiB echoed`, async () => {
      // GnuTLS 3.7 accepts 512 at the lowest
      const srv = await startGnutlsServer({ leaf: pki.leaves.p256, priority, args: ['--recordsize=512'] });
      try {
        const s = open(srv.port);
        const info = await withTimeout(s.opened, 15_000, 's.opened');
        assert.equal(info.version, version);
        const payload = `${'r'.repeat(65535)}\n`;
        const writer = s.writable.getWriter();
        const reader = s.readable.getReader();
        const sent = writer.write(new TextEncoder().encode(payload));
        const { text } = await readUntil(reader, (t) => t.length >= payload.length, { timeoutMs: 20_000 });
        await sent;
        assert.equal(text.length, payload.length);
        // GnuTLS ends the connection with record_overflow for a record over its limit; it did not
        assert.ok(s.bytesWritten >= payload.length);
        s.close();
      } finally {
        await srv.stop();
      }
    });
  }
});

describe('ALPN', () => {
  it('openssl s_server -alpn: the protocol it picks is in opened', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, alpn: ['h2', 'http/1.1'] });
    try {
      const s = open(srv.port, { alpn: ['http/1.1', 'h2'] });
      const info = await withTimeout(s.opened, 15_000, 's.opened');
      assert.equal(info.alpn, 'h2'); // the server's preference
      s.close();
      const s2 = open(srv.port, { alpn: ['http/1.1'] });
      assert.equal((await withTimeout(s2.opened, 15_000, 's.opened')).alpn, 'http/1.1');
      s2.close();
    } finally {
      await srv.stop();
    }
  });

  it('a ServerHello naming a protocol that was not offered: NO_APPLICATION_PROTOCOL', async () => {
    // TLS 1.2 carries ALPN in the clear ServerHello: rewrite "h2" to "h9" on the way
    const srv = await startSServer({ leaf: pki.leaves.p256, alpn: ['h2'], args: ['-tls1_2'] });
    const proxy = await startMutatingProxy(srv.port, (rec) => {
      if (rec.type !== 22 || rec.index !== 0) return null;
      const i = rec.body.indexOf(Buffer.from([0x02, 0x68, 0x32])); // len 2, "h2"
      if (i < 0) return null;
      const body = Buffer.from(rec.body);
      body[i + 2] = 0x39;
      return Buffer.concat([Buffer.from([22, 3, 3, body.length >> 8, body.length & 0xff]), body]);
    });
    try {
      const s = open(proxy.port, { alpn: ['h2', 'http/1.1'] });
      const err = await withTimeout(s.opened.then(() => null, (e) => e), 15_000, 's.opened');
      assert.ok(err instanceof WasmTlsError, String(err));
      assert.equal(err.code, 'NO_APPLICATION_PROTOCOL');
      assert.match(err.message, /h9/);
    } finally {
      await proxy.stop();
      await srv.stop();
    }
  });
});

describe('0-RTT early data (openssl s_server -early_data)', () => {
  const count = (hay, needle) => hay.split(needle).length - 1;
  async function run(port, opts) {
    const s = open(port, opts);
    const sessionEvent = new Promise((resolve) => s.addEventListener('session', (ev) => resolve(ev.session)));
    const info = await withTimeout(s.opened, 15_000, 's.opened');
    const session = await Promise.race([sessionEvent, new Promise((resolve) => setTimeout(() => resolve(null), 5000))]);
    return { s, info, session };
  }
  async function waitFor(srv, text) {
    const until = Date.now() + 5000;
    while (!srv.stdout().includes(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  it('accepted with a resumed session: sent before the handshake ends, delivered once', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', args: ['-early_data'] });
    try {
      const first = await run(srv.port, { earlyData: 'GET /one\n' });
      assert.equal(first.info.earlyData, 'not-sent'); // no session yet: sent after the handshake
      await waitFor(srv, 'GET /one');
      await first.s.close();
      const second = await run(srv.port, { session: first.session, earlyData: 'GET /two-early\n' });
      assert.equal(second.info.resumed, true);
      assert.equal(second.info.earlyData, 'accepted');
      const names = second.info.timings.steps.map((x) => `${x.dir} ${x.name}`);
      assert.ok(names.indexOf('out EarlyData') < names.indexOf('in ServerHello'), 'the data left before the ServerHello came');
      assert.ok(names.includes('out EndOfEarlyData'));
      const w = second.s.writable.getWriter();
      await w.write(new TextEncoder().encode('after\n'));
      await waitFor(srv, 'after');
      assert.match(srv.stdout(), /Early data received:/);
      assert.equal(count(srv.stdout(), 'GET /two-early'), 1);
      assert.ok(srv.stdout().indexOf('GET /two-early') < srv.stdout().indexOf('after'), 'early data comes first');
      await second.s.close();
    } finally {
      await srv.stop();
    }
  });

  it('rejected (the server lost its ticket key): sent again after the full handshake, once', async () => {
    const srv1 = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', args: ['-early_data'] });
    let session;
    try {
      const first = await run(srv1.port, {});
      session = first.session;
      await first.s.close();
    } finally {
      await srv1.stop();
    }
    const srv2 = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', args: ['-early_data'] });
    try {
      const again = await run(srv2.port, { session, earlyData: 'GET /retry\n' });
      assert.equal(again.info.resumed, false);
      assert.equal(again.info.earlyData, 'rejected');
      await waitFor(srv2, 'GET /retry');
      assert.equal(count(srv2.stdout(), 'GET /retry'), 1);
      await again.s.close();
    } finally {
      await srv2.stop();
    }
  });

  it('rejected after a HelloRetryRequest (CH2 carries no early data); the data is sent after the handshake', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, mode: 'plain', args: ['-early_data'], groups: 'P-384' });
    try {
      const first = await run(srv.port, {});
      await first.s.close();
      const second = await run(srv.port, { session: first.session, earlyData: 'GET /hrr\n' });
      // (OpenSSL with -early_data keeps single-use tickets for anti-replay and consumes the ticket
      // at the first ClientHello, so after its HelloRetryRequest the handshake is a full one)
      assert.ok(second.info.timings.steps.some((x) => x.name === 'HelloRetryRequest'));
      assert.equal(second.info.earlyData, 'rejected');
      await waitFor(srv, 'GET /hrr');
      assert.equal(count(srv.stdout(), 'GET /hrr'), 1);
      await second.s.close();
    } finally {
      await srv.stop();
    }
  });

  it('a server that allows no early data: nothing goes early', async () => {
    const srv = await startSServer({ leaf: pki.leaves.p256, mode: 'plain' });
    try {
      const first = await run(srv.port, {});
      await first.s.close();
      const second = await run(srv.port, { session: first.session, earlyData: 'GET /late\n' });
      assert.equal(second.info.resumed, true);
      assert.equal(second.info.earlyData, 'not-sent');
      await waitFor(srv, 'GET /late');
      assert.equal(count(srv.stdout(), 'GET /late'), 1);
      await second.s.close();
    } finally {
      await srv.stop();
    }
  });
});
