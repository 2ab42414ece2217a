// Issue 21 item 3: the TLS key log (NSS format). A Node tls server's 'keylog' event gives its own
// lines for the same connection; the client's lines (the `keylog` option, the socket's 'keylog'
// events, SSLKEYLOGFILE through the CLI) must be exactly the same set. Off by default: no lines and
// the engine keeps no key log.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '../../js/index.node.js';
import { Engine } from '../../js/core/engine.js';
import { loadWasmNode } from '../../js/load-node.js';
import { getPki } from './helpers/pki.mjs';
import { startNodeTlsServer } from './helpers/servers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'js', 'cli.js');
let pki;
const servers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

async function server(maxVersion) {
  const lines = [];
  const srv = await startNodeTlsServer({
    cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem,
    options: { minVersion: 'TLSv1.2', maxVersion },
  });
  servers.push(srv);
  srv.server.on('keylog', (line) => lines.push(line.toString().replace(/\n$/, '')));
  return { srv, lines };
}

/** Echo `n` bytes through the socket (the server pipes them back), then close. */
async function echo(s, n) {
  const data = Buffer.alloc(n, 0x61);
  const writer = s.writable.getWriter();
  const reader = s.readable.getReader();
  await writer.write(data);
  let got = 0;
  while (got < n) got += (await reader.read()).value.length;
  await s.close();
}

const sorted = (a) => [...a].sort();
const labels = (a) => sorted(new Set(a.map((l) => l.split(' ')[0])));

describe('key log (NSS format) against Node tls', () => {
  it('TLS 1.3: the client logs exactly the server\'s lines', async () => {
    const { srv, lines } = await server('TLSv1.3');
    const viaOption = [];
    const viaEvent = [];
    const s = connect({ hostname: '127.0.0.1', port: srv.port },
      { serverName: 'localhost', ca: pki.rootPem, keylog: (line) => viaOption.push(line) });
    s.addEventListener('keylog', (ev) => viaEvent.push(ev.line));
    const info = await s.opened;
    assert.equal(info.version, 'TLSv1.3');
    await echo(s, 100);
    assert.deepEqual(labels(viaOption), ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    assert.deepEqual(sorted(viaOption), sorted(lines));
    assert.deepEqual(viaEvent, viaOption);
    for (const l of viaOption) assert.match(l, /^[A-Z_0-9]+ [0-9a-f]{64} ([0-9a-f]{64}|[0-9a-f]{96})$/);
  });

  it('TLS 1.2: CLIENT_RANDOM <client_random> <master_secret>, as the server logs it', async () => {
    const { srv, lines } = await server('TLSv1.2');
    const got = [];
    const s = connect({ hostname: '127.0.0.1', port: srv.port },
      { serverName: 'localhost', ca: pki.rootPem, keylog: (line) => got.push(line) });
    assert.equal((await s.opened).version, 'TLSv1.2');
    await echo(s, 100);
    assert.equal(got.length, 1);
    assert.match(got[0], /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    assert.deepEqual(sorted(got), sorted(lines));
  });

  it('off by default: no line, no event, and the engine keeps no key log', async () => {
    const { srv, lines } = await server('TLSv1.3');
    const saved = process.env.SSLKEYLOGFILE;
    delete process.env.SSLKEYLOGFILE;
    try {
      const events = [];
      const s = connect({ hostname: '127.0.0.1', port: srv.port }, { serverName: 'localhost', ca: pki.rootPem });
      s.addEventListener('keylog', (ev) => events.push(ev.line));
      await s.opened;
      await echo(s, 10);
      assert.ok(lines.length >= 5, 'the server did log (the connection derived secrets)');
      assert.deepEqual(events, []);
    } finally {
      if (saved !== undefined) process.env.SSLKEYLOGFILE = saved;
    }
    // the engine flag: off unless configured, on when configured
    const wasm = await loadWasmNode();
    for (const keylog of [false, true]) {
      const e = new Engine(wasm);
      e.configure({ serverName: 'localhost', ca: [], alpnWire: null, nowSeconds: Date.now() / 1000, insecureSkipVerify: true, keylog });
      e.start();
      assert.equal(e.keylogEnabled(), keylog);
      e.free();
    }
  });
});
