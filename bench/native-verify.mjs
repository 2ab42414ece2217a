#!/usr/bin/env node
// Native signature verification on vs off (issue 18 item 1), end to end: client CPU per full
// handshake (process.cpuUsage, the servers run in their own process: bench/servers.mjs) for
// TLS 1.3 ECDSA P-256, TLS 1.3 RSA-2048 (PSS) and TLS 1.2 ECDHE-ECDSA P-256, with the same
// wasmtls once with `nativeVerify: true` (node:crypto) and once with `nativeVerify: false`
// (BearSSL in wasm). Rounds alternate on/off so that load from elsewhere hits both alike; the
// figure is the median over rounds of the CPU per handshake, with Node tls measured alongside.
//   node bench/native-verify.mjs [--rounds N] [--per-round N] [--json]
// Also the verification alone: node:crypto createPublicKey + verify and the wasm BearSSL check
// (through wt_sig_verify_probe) for one P-256 CertificateVerify-sized message.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { wasmtlsClient, nodeTlsClient } from './clients.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const ROUNDS = opt('--rounds', 7);
const PER_ROUND = opt('--per-round', 30);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const r3 = (x) => Math.round(x * 1000) / 1000;

const pki = getPki();
const tls13 = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' };
const specs = {
  'tls13-p256': { cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, ...tls13 },
  'tls13-rsa2048': { cert: pki.leaves.rsa2048.chainPem, key: pki.leaves.rsa2048.keyPem, ...tls13 },
  'tls12-p256': { cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' },
};
const child = fork(path.join(HERE, 'servers.mjs'), [JSON.stringify({ servers: specs })], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
process.once('exit', () => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
const ports = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (b) => { out += b; if (out.includes('\n')) resolve(JSON.parse(out)); });
  child.once('exit', (code) => reject(new Error(`bench servers exited (${code})`)));
});

const clients = {
  'native on': await wasmtlsClient(pki, { nativeVerify: true }),
  'native off': await wasmtlsClient(pki, { nativeVerify: false }),
  'node:tls': await nodeTlsClient(pki),
};

async function batch(client, port, version, n) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const c = client.open(port, { version });
    await c.opened;
    await c.close();
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / n;
}

const cases = [['TLS 1.3 ECDSA P-256', 'tls13-p256', 'TLSv1.3'], ['TLS 1.3 RSA-2048', 'tls13-rsa2048', 'TLSv1.3'],
  ['TLS 1.2 ECDHE-ECDSA P-256', 'tls12-p256', 'TLSv1.2']];
const result = { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, perRound: PER_ROUND, handshakeCpuMs: {} };
for (const [label, server, version] of cases) {
  const per = Object.fromEntries(Object.keys(clients).map((k) => [k, []]));
  for (const [, c] of Object.entries(clients)) await batch(c, ports[server], version, 3);   // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, c] of Object.entries(clients)) per[name].push(await batch(c, ports[server], version, PER_ROUND));
  }
  result.handshakeCpuMs[label] = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, r3(median(v))]));
}

// the verification alone (one P-256 ECDSA signature over a CertificateVerify-sized message)
{
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const msg = crypto.randomBytes(130);
  const der = crypto.sign('sha256', msg, privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const N = 2000;
  let t = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const k = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
    crypto.verify('sha256', msg, k, der);
  }
  let c = process.cpuUsage(t);
  const importVerify = (c.user + c.system) / 1000 / N;
  t = process.cpuUsage();
  for (let i = 0; i < N; i++) crypto.verify('sha256', msg, publicKey, der);
  c = process.cpuUsage(t);
  const verifyOnly = (c.user + c.system) / 1000 / N;
  const { instantiateFresh, setSigVerifier, getSigVerifier } = await import('../js/core/wasm.js');
  // wt_sig_verify_probe is a test seam: only the test build exports it (cmake/wasm.cmake)
  const { readFileSync } = await import('node:fs');
  const wasm = await instantiateFresh(readFileSync(path.join(HERE, '..', 'build', 'wasm-simd', 'wasmtls-simd-seams.wasm')));
  const point = Buffer.from(spki.subarray(spki.length - 65));
  const saved = getSigVerifier();
  const probe = (native) => wasm.withBytes(point, (kp, kn) => wasm.withBytes(msg, (mp, mn) => wasm.withBytes(der, (sp, sn) =>
    wasm.exports.wt_sig_verify_probe(native ? 1 : 0, 0x0403, 2, kp, kn, 23, mp, mn, sp, sn))));
  if (probe(false) !== 0 || probe(true) !== 0) throw new Error('probe: the signature does not verify');
  const M = 300;
  t = process.cpuUsage();
  for (let i = 0; i < M; i++) probe(false);
  c = process.cpuUsage(t);
  const bear = (c.user + c.system) / 1000 / M;
  t = process.cpuUsage();
  for (let i = 0; i < N; i++) probe(true);
  c = process.cpuUsage(t);
  const nativeThroughWasm = (c.user + c.system) / 1000 / N;
  setSigVerifier(saved);
  result.verifyCpuMs = { 'node:crypto createPublicKey+verify': r3(importVerify), 'node:crypto verify (key imported)': r3(verifyOnly),
    'BearSSL in wasm (wt_sig_verify_probe)': r3(bear), 'native through wasm (import, cached key)': r3(nativeThroughWasm) };
}
child.kill('SIGKILL');

if (args.includes('--json')) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`native signature verification — ${result.date} — Node ${result.node} — median of ${ROUNDS} rounds x ${PER_ROUND} handshakes`);
  console.log('client CPU per full handshake (ms)');
  for (const [label, row] of Object.entries(result.handshakeCpuMs)) {
    console.log(`  ${label.padEnd(28)} native on ${String(row['native on']).padStart(6)}   native off ${String(row['native off']).padStart(6)}` +
      `   (${(row['native on'] / row['native off']).toFixed(2)}x)   node:tls ${String(row['node:tls']).padStart(6)}` +
      `   on/node:tls ${(row['native on'] / row['node:tls']).toFixed(2)}x`);
  }
  console.log('one P-256 ECDSA verification (ms of CPU)');
  for (const [k, v] of Object.entries(result.verifyCpuMs)) console.log(`  ${k.padEnd(44)} ${v}`);
}
process.exit(0);
