// Soak: many concurrent wasmtls connections in one Node process against a local Node TLS echo
// server (in a child process), each exchanging data; JS heap and wasm memory are measured before, at the peak (all
// connections open at once) and after everything closed, and no wt_conn may remain allocated.
// WT_SOAK_N sets the count (default 1,000, as in `npm run soak`).

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../js/index.node.js';
import { loadWasmNode } from './helpers/wasm.mjs';
import { getPki } from './helpers/pki.mjs';
import { withTimeout } from './helpers/servers.mjs';
import { spawn } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

/** The echo server runs in a child process: its handshakes must not compete with ours. */
async function startEchoProcess(leaf) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./helpers/tls-echo-process.mjs', import.meta.url)),
    leaf.chainFile, leaf.keyFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = /PORT (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    child.once('exit', (c) => reject(new Error(`echo server exited (${c})`)));
  });
  return { port, stop: () => new Promise((r) => { if (child.exitCode !== null || child.signalCode !== null) { r(); return; } child.once('exit', r); child.kill('SIGKILL'); }) };
}

const N = Number(process.env.WT_SOAK_N ?? 1_000);
// A full GC before each sample, without needing `node --expose-gc` (npm test runs plain `node --test`).
v8.setFlagsFromString('--expose-gc');
const gc = globalThis.gc ?? vm.runInNewContext('gc');
const mb = (n) => `${(n / 1048576).toFixed(1)} MiB`;

it(`soak: ${N} concurrent connections exchange data and memory settles`, { timeout: 240_000 }, async () => {
  const pki = getPki();
  const leaf = pki.leaves.p256;
  const srv = await startEchoProcess(leaf);
  const wasm = await loadWasmNode();
  const x = wasm.exports;
  let live = 0;
  let peakLive = 0;
  wasm.exports = Object.assign(Object.create(null), x, {
    memory: x.memory,
    wt_conn_new: () => { const p = x.wt_conn_new(); if (p) { live++; peakLive = Math.max(peakLive, live); } return p; },
    wt_conn_free: (p) => { if (p) live--; return x.wt_conn_free(p); },
  });
  const sample = () => ({ js: process.memoryUsage().heapUsed, wasm: wasm.exports.memory.buffer.byteLength });
  gc();
  const base = sample();
  const t0 = Date.now();
  try {
    // Phase 1: open all N (the server accepts them all at once).
    const socks = await Promise.all(Array.from({ length: N }, async () => {
      const s = connect({ hostname: '127.0.0.1', port: srv.port },
        { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 120_000 });
      s.closed.catch(() => {});
      await s.opened;
      return s;
    }));
    const tOpen = Date.now() - t0;
    const peak = sample();
    // Phase 2: every connection sends 4 KiB and reads its echo; then closes.
    const payload = new Uint8Array(4096).map((_, i) => i & 0xff);
    await Promise.all(socks.map(async (s, k) => {
      const w = s.writable.getWriter();
      const r = s.readable.getReader();
      const msg = payload.map((b) => b ^ (k & 0xff));
      await w.write(msg);
      let got = 0;
      while (got < msg.length) {
        const { value, done } = await r.read();
        assert.ok(!done, 'echo ended early');
        for (let i = 0; i < value.length; i++) assert.equal(value[i], msg[got + i]);
        got += value.length;
      }
      r.releaseLock();
      w.releaseLock();
      await s.close();
    }));
    const tAll = Date.now() - t0;
    socks.length = 0; // the application lets go of its closed sockets
    await new Promise((r) => setTimeout(r, 200));
    gc();
    const settled = sample();
    console.log(`soak: ${N} connections open at once after ${tOpen} ms, all exchanged 4 KiB and closed after ${tAll} ms; ` +
      `peak live wt_conn ${peakLive}, now ${live}; JS heap ${mb(base.js)} → peak ${mb(peak.js)} → settled ${mb(settled.js)}; ` +
      `wasm memory ${mb(base.wasm)} → peak ${mb(peak.wasm)} → settled ${mb(settled.wasm)} ` +
      '(wasm memory never shrinks; its malloc reuses the freed space)');
    assert.equal(peakLive, N);
    assert.equal(live, 0);
    // JS heap returns close to baseline (GC permitting): within 32 MiB of the start.
    assert.ok(settled.js - base.js < 32 * 1048576, `JS heap did not settle: ${mb(base.js)} → ${mb(settled.js)}`);
    // A second, smaller round must fit in the memory the first one grew to (freed memory is reused).
    const before2 = wasm.exports.memory.buffer.byteLength;
    await Promise.all(Array.from({ length: Math.min(N, 50) }, async () => {
      const s = connect({ hostname: '127.0.0.1', port: srv.port }, { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 60_000 });
      s.closed.catch(() => {});
      await withTimeout(s.opened, 60_000, 'opened');
      await s.close();
    }));
    assert.equal(live, 0);
    assert.equal(wasm.exports.memory.buffer.byteLength, before2, 'wasm memory grew again: freed connections were not reused');
  } finally {
    await srv.stop();
  }
});
