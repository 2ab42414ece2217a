// wasmtls against Node's own tls.createServer (OpenSSL inside Node), TLS 1.3 only:
// echo, ALPN, CA option forms, 4 MiB both ways, and backpressure in both directions.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer, withTimeout } from './helpers/servers.mjs';
import { readUntil, readToEnd, patternBytes, sha256 } from './helpers/streams.mjs';

let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

async function server(opts = {}) {
  const leaf = pki.leaves[opts.leaf ?? 'p256'];
  const srv = await startNodeTlsServer({ cert: leaf.chainPem, key: leaf.keyPem, ...opts });
  servers.push(srv);
  return srv;
}

function open(port, opts = {}) {
  return connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 5000, ...opts });
}

async function echoOnce(s, msg) {
  const writer = s.writable.getWriter();
  const reader = s.readable.getReader();
  await withTimeout(writer.write(new TextEncoder().encode(msg)), 5000, 'write');
  const { text } = await readUntil(reader, (t) => t.length >= msg.length);
  writer.releaseLock();
  reader.releaseLock();
  return text;
}

describe('against node:tls server', { timeout: 90_000 }, () => {
  it('echo and clean close via s.close()', async () => {
    const srv = await server();
    const s = open(srv.port);
    const info = await withTimeout(s.opened, 8000, 'opened');
    assert.equal(info.version, 'TLSv1.3');
    assert.equal(info.group, 'x25519');
    assert.equal(info.alpn, null);
    assert.equal(await echoOnce(s, 'ping\n'), 'ping\n');
    assert.equal(await echoOnce(s, 'x'.repeat(20000)), 'x'.repeat(20000));
    await withTimeout(s.close(), 5000, 's.close');
    await withTimeout(s.closed, 5000, 's.closed');
  });

  it('echo with an RSA-2048 leaf; peerCertificates carries the chain', async () => {
    const srv = await server({ leaf: 'rsa2048' });
    const s = open(srv.port);
    const info = await withTimeout(s.opened, 8000, 'opened');
    assert.match(info.peerCertificates[0].subject, /wasmtls leaf rsa2048/);
    assert.match(info.peerCertificates[0].issuer, /wasmtls Test Intermediate CA/);
    assert.equal(await echoOnce(s, 'rsa\n'), 'rsa\n');
    await withTimeout(s.close(), 5000, 's.close');
  });

  for (const [label, caOf] of [
    ['PEM array', (p) => [p.unknownRootPem, p.rootPem]],
    ['DER Uint8Array', (p) => p.rootDer],
    ['bundle of PEMs in one string', (p) => p.unknownRootPem + p.rootPem],
  ]) {
    it(`ca option as ${label}`, async () => {
      const srv = await server();
      const s = open(srv.port, { ca: caOf(pki) });
      const info = await withTimeout(s.opened, 8000, 'opened');
      assert.equal(info.version, 'TLSv1.3');
      await withTimeout(s.close(), 5000, 's.close');
    });
  }

  describe('ALPN', () => {
    it('server supports h2 and http/1.1, client offers http/1.1 → http/1.1', async () => {
      const srv = await server({ ALPNProtocols: ['h2', 'http/1.1'] });
      const s = open(srv.port, { alpn: ['http/1.1'] });
      const info = await withTimeout(s.opened, 8000, 'opened');
      assert.equal(info.alpn, 'http/1.1');
      await withTimeout(s.close(), 5000, 's.close');
    });

    it('server preference wins among several offered', async () => {
      const srv = await server({ ALPNProtocols: ['h2', 'http/1.1'] });
      let serverSaw = null;
      srv.server.on('secureConnection', (sock) => { serverSaw = sock.alpnProtocol; });
      const s = open(srv.port, { alpn: ['http/1.1', 'h2'] });
      const info = await withTimeout(s.opened, 8000, 'opened');
      assert.equal(info.alpn, 'h2');
      assert.equal(await echoOnce(s, 'a\n'), 'a\n');
      assert.equal(serverSaw, 'h2');
      await withTimeout(s.close(), 5000, 's.close');
    });

    it('client offers ALPN, server has none → alpn null', async () => {
      const srv = await server();
      const s = open(srv.port, { alpn: ['http/1.1'] });
      const info = await withTimeout(s.opened, 8000, 'opened');
      assert.equal(info.alpn, null);
      await withTimeout(s.close(), 5000, 's.close');
    });

    it('no overlap → server alert no_application_protocol → PEER_ALERT', async () => {
      const srv = await server({ ALPNProtocols: ['h2'] });
      const s = open(srv.port, { alpn: ['http/1.1'] });
      s.closed.catch(() => {});
      const err = await withTimeout(s.opened.then(() => null, (e) => e), 8000, 'opened');
      assert.ok(err instanceof WasmTlsError, `expected WasmTlsError, got ${err}`);
      assert.equal(err.code, 'PEER_ALERT', `code=${err.code} message=${err.message}`);
      assert.match(`${err.message} ${JSON.stringify(err.detail)}`, /no_application_protocol|120/);
    });
  });

  it('4 MiB both ways, checksummed (client writes while reading the echo)', async () => {
    const srv = await server();
    const s = open(srv.port);
    await withTimeout(s.opened, 8000, 'opened');
    const total = 4 * 1024 * 1024;
    const data = patternBytes(total, 12345);
    const writer = s.writable.getWriter();
    const reader = s.readable.getReader();
    const reading = readToEnd(reader, { timeoutMs: 30_000, limit: total });
    // Uneven chunk sizes, crossing record boundaries.
    const sizes = [1, 100, 16384, 16385, 65536, 7, 100_000];
    let off = 0;
    for (let i = 0; off < total; i++) {
      const n = Math.min(sizes[i % sizes.length], total - off);
      await withTimeout(writer.write(data.subarray(off, off + n)), 10_000, `write at ${off}`);
      off += n;
    }
    const got = await reading;
    assert.equal(got.bytes, total);
    assert.equal(got.sha256, sha256(data));
    writer.releaseLock();
    reader.releaseLock();
    await withTimeout(s.close(), 5000, 's.close');
    await withTimeout(s.closed, 5000, 's.closed');
  });

  it('server pushes 4 MiB then closes; client reads it all and sees a clean end', async () => {
    const total = 4 * 1024 * 1024;
    const data = patternBytes(total, 777);
    const srv = await server({ onSecureConnection: (sock) => { sock.end(data); } });
    const s = open(srv.port);
    await withTimeout(s.opened, 8000, 'opened');
    const got = await readToEnd(s.readable.getReader(), { timeoutMs: 30_000 });
    assert.equal(got.bytes, total);
    assert.equal(got.sha256, sha256(data));
    await withTimeout(s.closed, 5000, 's.closed');
  });

  it('backpressure: writes stall while the server does not read, then all data arrives', async () => {
    const total = 32 * 1024 * 1024;
    const chunk = patternBytes(64 * 1024, 99);
    let serverSock;
    let received = 0;
    let resolveAll;
    const gotAll = new Promise((resolve) => { resolveAll = resolve; });
    const srv = await server({
      onSecureConnection: (sock) => {
        serverSock = sock;
        sock.pause();
        sock.on('data', (d) => { received += d.length; if (received >= total) resolveAll(); });
      },
    });
    const s = open(srv.port);
    await withTimeout(s.opened, 8000, 'opened');
    const writer = s.writable.getWriter();
    let written = 0;
    const writing = (async () => {
      while (written < total) {
        await writer.write(chunk);
        written += chunk.length;
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    const stalledAt = written;
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(serverSock, 'server accepted');
    assert.ok(stalledAt < total,
      `all ${total} bytes were accepted by writer.write() while the server read nothing: no backpressure`);
    assert.equal(written, stalledAt, 'writes kept completing while the server read nothing');
    serverSock.resume();
    await withTimeout(writing, 30_000, 'writes after resume');
    await withTimeout(gotAll, 30_000, 'server receiving everything');
    assert.equal(received, total);
    writer.releaseLock();
    await withTimeout(s.close(), 5000, 's.close');
    process.stderr.write(`# backpressure: ${stalledAt} bytes accepted before stall\n`);
  });

  it('backpressure: an unread readable does not drain the socket without bound', async () => {
    const total = 32 * 1024 * 1024;
    const chunk = patternBytes(256 * 1024, 5);
    let serverSock;
    const srv = await server({
      onSecureConnection: (sock) => {
        serverSock = sock;
        for (let off = 0; off < total; off += chunk.length) sock.write(chunk);
      },
    });
    const s = open(srv.port);
    await withTimeout(s.opened, 8000, 'opened');
    await new Promise((r) => setTimeout(r, 1000)); // nobody reads s.readable
    assert.ok(serverSock, 'server accepted');
    const pending = serverSock.writableLength;
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(pending > 0,
      `server flushed all ${total} bytes although the client never read: client buffers without bound`);
    assert.equal(serverSock.writableLength, pending,
      'the client kept consuming from the socket although nobody read s.readable');
    const got = await readToEnd(s.readable.getReader(), { timeoutMs: 30_000, limit: total });
    assert.equal(got.bytes, total);
    await withTimeout(s.close(), 5000, 's.close');
    process.stderr.write(`# read backpressure: server still had ${pending} bytes queued\n`);
  });
});
