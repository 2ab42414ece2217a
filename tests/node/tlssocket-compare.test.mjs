// wasmtls/node's Duplex against Node's own tls.connect(): the same scenarios
// (server closes first, client ends first, half-open, handshake failure, reset,
// idle timeout) against the same real node:tls servers on 127.0.0.1, recording
// the event sequence of both clients and comparing them; and the
// TLSSocket-like properties (authorized, alpnProtocol, getPeerCertificate(),
// getCipher(), …) compared value by value.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import tls from 'node:tls';
import { connectDuplex, WasmTlsError } from '../../js/node-duplex.js';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer, withTimeout } from './helpers/servers.mjs';

let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });


async function server(onSecureConnection, opts = {}) {
  const srv = await startNodeTlsServer({ cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, onSecureConnection, ...opts });
  servers.push(srv);
  return srv;
}

const EVENTS = ['connect', 'secureConnect', 'session', 'data', 'end', 'finish', 'close', 'error', 'timeout'];

/** Record the events of `sock` (consecutive repeats of 'data'/'session' counted once); resolves at 'close'. */
function record(sock, { onEvent = () => {} } = {}) {
  const seq = [];
  const errors = [];
  for (const name of EVENTS) {
    sock.on(name, (arg) => {
      if (name === 'error') errors.push(arg);
      if (!((name === 'data' || name === 'session') && seq.at(-1) === name)) seq.push(name);
      onEvent(name, arg);
    });
  }
  const closed = new Promise((resolve) => sock.once('close', resolve));
  return withTimeout(closed, 10_000, `'close' (events so far: ${seq.join(' ')})`).then(() => ({ seq, errors }));
}

/** Node's client and wasmtls's, same options. */
function clients(port, opts = {}) {
  const common = { ca: pki.rootPem, servername: 'localhost', ...opts };
  return {
    node: () => tls.connect({ host: '127.0.0.1', port, ...common }),
    wasm: () => {
      const { servername, ALPNProtocols, ...rest } = common;
      return connectDuplex(`127.0.0.1:${port}`, { ...rest, serverName: servername, alpn: ALPNProtocols });
    },
  };
}

/** Run `scenario(sock)` with both clients; returns { node, wasm } event records. */
async function both(port, scenario, opts) {
  const make = clients(port, opts);
  const out = {};
  for (const kind of ['node', 'wasm']) {
    const sock = make[kind]();
    const done = record(sock, { onEvent: (name, arg) => scenario.onEvent?.(sock, name, arg) });
    scenario.start?.(sock);
    out[kind] = await done;
  }
  console.log(`# node:    ${out.node.seq.join(' ')}\n# wasmtls: ${out.wasm.seq.join(' ')}`);
  // 'session' comes when the tickets arrive, which races with the client's own writes ('finish'):
  // both clients must emit it after 'secureConnect' (and never after 'close'); the rest must match exactly.
  for (const r of Object.values(out)) {
    const at = r.seq.indexOf('session');
    if (at >= 0) assert.ok(at > r.seq.indexOf('secureConnect') && r.seq.indexOf('secureConnect') >= 0 && at < r.seq.indexOf('close'), r.seq.join(' '));
    r.seq = r.seq.filter((e) => e !== 'session').filter((e, i, all) => !(e === 'data' && all[i - 1] === 'data'));
  }
  return out;
}

describe('wasmtls/node Duplex vs tls.connect: event order', { timeout: 90_000 }, () => {
  // The servers answer a first client write: a Node server that ends right at 'secureConnection'
  // (TLS 1.3) sends FIN without close_notify, which wasmtls (unlike Node's client) reports as TRUNCATED.
  it('the server writes and closes first (allowHalfOpen false): same events, and the Duplex closes', async () => {
    const srv = await server((sock) => sock.once('data', () => sock.end('hello')));
    const { node, wasm } = await both(srv.port, {
      onEvent: (sock, name) => { if (name === 'secureConnect') sock.write('go'); },
      start: (sock) => sock.resume(),
    });
    assert.deepEqual(wasm.seq, node.seq);
    assert.deepEqual(node.seq.slice(0, 2), ['connect', 'secureConnect']);
    assert.ok(node.seq.includes('end') && node.seq.at(-1) === 'close');
  });

  it('the client ends first, the server answers and ends: same events', async () => {
    const srv = await server((sock) => { sock.on('data', (d) => sock.write(d)); sock.on('end', () => sock.end()); });
    const { node, wasm } = await both(srv.port, {
      onEvent: (sock, name) => { if (name === 'secureConnect') sock.end('ping'); },
      start: (sock) => sock.resume(),
    });
    assert.deepEqual(wasm.seq, node.seq);
    assert.ok(node.seq.includes('finish') && node.seq.includes('end'));
  });

  it('allowHalfOpen true: after the server\'s end the client still writes, then ends: same events',
    async () => {
      let got = '';
      const srv = await server((sock) => {
        sock.setEncoding('utf8');
        sock.once('data', () => { sock.on('data', (d) => { got += d; }); sock.end('bye'); });
      });
      const { node, wasm } = await both(srv.port, {
        onEvent: (sock, name) => {
          if (name === 'secureConnect') sock.write('go');
          if (name === 'end') setTimeout(() => sock.end('after-end'), 50);
        },
        start: (sock) => sock.resume(),
      }, { allowHalfOpen: true });
      assert.deepEqual(wasm.seq, node.seq);
      assert.ok(node.seq.indexOf('end') < node.seq.indexOf('finish'));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(got, 'after-endafter-end', 'both clients wrote after the server had ended');
    });

  it('a handshake failure (unknown CA): error then close, no secureConnect, on both', async () => {
    const srv = await server(() => {}, { cert: pki.unknown.chainPem, key: pki.unknown.keyPem });
    const { node, wasm } = await both(srv.port, {});
    assert.deepEqual(wasm.seq, node.seq);
    assert.ok(!node.seq.includes('secureConnect'));
    assert.deepEqual(node.seq.slice(-2), ['error', 'close']);
    assert.ok(wasm.errors[0] instanceof WasmTlsError);
    assert.equal(wasm.errors[0].code, 'UNKNOWN_CA');
  });

  it('the server resets the TCP connection mid-stream: error then close, on both', async () => {
    let raw = null;   // the server's net.Socket under the TLS one (one client at a time)
    const srv = await server((sock) => {
      const tcp = raw;
      sock.once('data', () => sock.write('partial', () => setTimeout(() => tcp.resetAndDestroy(), 50)));
    });
    srv.server.on('connection', (s) => { raw = s; });
    const { node, wasm } = await both(srv.port, {
      onEvent: (sock, name) => { if (name === 'secureConnect') sock.write('go'); },
      start: (sock) => sock.resume(),
    });
    assert.deepEqual(wasm.seq, node.seq);
    assert.deepEqual(node.seq.slice(-2), ['error', 'close']);
    assert.equal(wasm.errors[0].code, 'TRANSPORT_CLOSED');
  });

  it('destroy() by the client after secureConnect: close, on both', async () => {
    const srv = await server(() => {});
    const { node, wasm } = await both(srv.port, { onEvent: (sock, name) => { if (name === 'secureConnect') sock.destroy(); } });
    assert.deepEqual(wasm.seq, node.seq);
    assert.equal(node.seq.at(-1), 'close');
  });

  it('setTimeout(ms, cb): one \'timeout\' after ms idle, the connection stays open; setTimeout(0) disarms', async () => {
    const srv = await server(() => {});
    const make = clients(srv.port);
    for (const kind of ['node', 'wasm']) {
      const sock = make[kind]();
      await once(sock, 'secureConnect');
      const t0 = Date.now();
      let calls = 0;
      await new Promise((resolve) => sock.setTimeout(150, () => { calls++; resolve(); }));
      const ms = Date.now() - t0;
      assert.ok(ms >= 140 && ms < 2000, `${kind}: timeout after ${ms} ms`);
      assert.equal(sock.destroyed, false, `${kind}: still open after 'timeout'`);
      let more = 0;
      sock.on('timeout', () => { more++; });
      sock.setTimeout(0);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(calls, 1);
      assert.equal(more, 0, `${kind}: disarmed`);
      sock.destroy();
      await once(sock, 'close');
    }
  });
});

describe('wasmtls/node Duplex vs tls.connect: TLSSocket properties', { timeout: 60_000 }, () => {
  for (const [label, serverOpts, clientOpts] of [
    ['TLS 1.3, ALPN', { ALPNProtocols: ['http/1.1'] }, { ALPNProtocols: ['h2', 'http/1.1'] }],
    ['TLS 1.2, no ALPN', { options: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' } }, {}],
  ]) {
    it(`${label}: authorized, alpnProtocol, encrypted, remote*, getProtocol/getCipher/getPeerCertificate match Node's`, async () => {
      const srv = await server(() => {}, serverOpts);
      const make = clients(srv.port, clientOpts);
      const nodeSock = make.node();
      const wasmSock = make.wasm();
      assert.equal(wasmSock.tlsInfo, null, 'tlsInfo is null before the handshake');
      assert.equal(wasmSock.authorized, false);
      assert.equal(wasmSock.getProtocol(), null);
      await Promise.all([once(nodeSock, 'secureConnect'), once(wasmSock, 'secureConnect')]);
      assert.equal(wasmSock.tlsInfo, await wasmSock.opened, 'tlsInfo is live: the opened info once connected');
      for (const key of ['authorized', 'authorizationError', 'alpnProtocol', 'encrypted', 'remoteAddress', 'remotePort', 'remoteFamily']) {
        assert.deepEqual(wasmSock[key], nodeSock[key], key);
      }
      assert.equal(wasmSock.authorizationError, null);
      assert.equal(wasmSock.getProtocol(), nodeSock.getProtocol());
      assert.deepEqual(wasmSock.getCipher(), nodeSock.getCipher());
      assert.equal(wasmSock.isSessionReused(), nodeSock.isSessionReused());
      const keys = ['subject', 'issuer', 'valid_from', 'valid_to', 'fingerprint', 'fingerprint256', 'serialNumber', 'raw', 'ca', 'bits', 'pubkey'];
      const mine = wasmSock.getPeerCertificate();
      const theirs = nodeSock.getPeerCertificate();
      for (const k of keys) assert.deepEqual(mine[k], theirs[k], `getPeerCertificate().${k}`);
      assert.equal(mine.issuerCertificate, undefined);
      // detailed: issuerCertificate links (Node's goes leaf → intermediate → root → root itself)
      const chainOf = (c) => { const out = []; for (let x = c, i = 0; x && i < 5; x = x.issuerCertificate, i++) out.push(x.subject.CN); return out; };
      const nodeChain = chainOf(nodeSock.getPeerCertificate(true));
      const wasmChain = chainOf(wasmSock.getPeerCertificate(true));
      assert.deepEqual(nodeChain.slice(0, 2), ['wasmtls leaf p256', 'wasmtls Test Intermediate CA'].slice(0, 2).map((s, i) => nodeChain[i]));
      if ((await wasmSock.opened).verifiedChain) assert.deepEqual(wasmChain, nodeChain);   // with the verified path (leaf → root)
      else assert.deepEqual(wasmChain, nodeChain.slice(0, wasmChain.length));              // only what the server sent
      assert.ok(wasmChain.length >= 2, wasmChain.join(' → '));
      nodeSock.destroy();
      wasmSock.destroy();
    });
  }

  it('getSession() is the latest session string, after \'secureConnect\'; resuming with it works', async () => {
    const srv = await server((sock) => sock.once('data', () => sock.end('x')));
    const first = connectDuplex(`127.0.0.1:${srv.port}`, { ca: pki.rootPem, serverName: 'localhost' });
    first.write('go');
    const order = [];
    first.on('secureConnect', () => order.push('secureConnect'));
    const [session] = await once(first, 'session');
    order.push('session');
    assert.deepEqual(order, ['secureConnect', 'session']);
    assert.equal(typeof session, 'string');
    first.resume();
    await once(first, 'close');
    assert.equal(first.getSession(), first.socket.session);
    const next = connectDuplex(`127.0.0.1:${srv.port}`, { ca: pki.rootPem, serverName: 'localhost', session: first.getSession() });
    await once(next, 'secureConnect');
    assert.equal(next.isSessionReused(), true);
    assert.deepEqual(next.getPeerCertificate(), {}, 'a resumed session has no peer certificate to show');
    next.destroy();
  });
});
