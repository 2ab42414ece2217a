#!/usr/bin/env node
// A/B of the client's CPU per full TLS 1.3 handshake between two checkouts of wasmtls, in one run:
// the same loopback server (bench/servers.mjs, Node tls in its own process, the test PKI's ECDSA
// P-256 chain and an RSA-2048 leaf), fresh client processes alternated A, B, A, B… so that machine
// load falls on both sides alike. Each client process warms up, then does N sequential
// handshakes and reports process.cpuUsage() per handshake; the figure is the median over rounds.
//
//   node bench/ab.mjs /path/to/old/checkout [--rounds 7] [--n 40]
//
// Both checkouts must be built (js/dist/*.wasm). Variants of this checkout ("B") are run with
// the `groups` option as given (default, and x25519 only), to separate the cost of the hybrid
// post-quantum share from the rest, and with WASMTLS_NATIVE_VERIFY=0 (signatures verified in wasm,
// as older checkouts do), to separate the native verifier from the rest. Prints a table; --json prints the raw figures.
import { fork, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPki } from '../tests/node/helpers/pki.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const OLD = args.find((a, i) => !a.startsWith('--') && !/^--/.test(args[i - 1] ?? ''));
if (!OLD) {
  console.error('usage: node bench/ab.mjs /path/to/old/checkout [--rounds R] [--n N] [--json]');
  process.exit(2);
}
const ROUNDS = opt('--rounds', 7);
const N = opt('--n', 40);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const CHILD = `
const [root, port, n, groups, ca] = [process.argv[1], +process.argv[2], +process.argv[3], process.argv[4], process.argv[5]];
const { connect } = await import(root + '/js/index.node.js');
const o = { serverName: 'localhost', ca, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' };
if (groups) o.groups = groups.split(',');
const one = async () => { const s = connect({ hostname: '127.0.0.1', port }, o); await s.opened; await s.close().catch(() => {}); };
for (let i = 0; i < 5; i++) await one();
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < n; i++) await one();
const c = process.cpuUsage(c0); const t = performance.now() - t0;
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000 / n, wall: t / n }));
`;

function runClient(root, port, groups, ca, env = {}) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, root, String(port), String(N), groups ?? '', ca],
    { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, ...env } });
  return JSON.parse(out.trim().split('\n').pop());
}

const pki = getPki();
const servers = {
  p256: { cert: pki.leaves.p256.chainPem, key: pki.leaves.p256.keyPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' },
  rsa2048: { cert: pki.leaves.rsa2048.chainPem, key: pki.leaves.rsa2048.keyPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' },
};
const child = fork(path.join(HERE, 'servers.mjs'), [JSON.stringify({ servers })], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
const ports = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (b) => { out += b; if (out.includes('\n')) resolve(JSON.parse(out)); });
  child.once('exit', (code) => reject(new Error(`bench servers exited (${code})`)));
});

const variants = [
  { name: 'A: ' + path.basename(path.resolve(OLD)), root: path.resolve(OLD) },
  { name: 'B: this checkout, default groups', root: ROOT },
  { name: 'B: this checkout, groups x25519', root: ROOT, groups: 'x25519' },
  // the same engine with every signature verified by BearSSL in wasm, as A does
  { name: 'B: default groups, BearSSL verify', root: ROOT, env: { WASMTLS_NATIVE_VERIFY: '0' } },
];
const results = {};
try {
  for (const [server, port] of Object.entries(ports)) {
    for (const v of variants) results[`${server} ${v.name}`] = { cpu: [], wall: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const v of variants) {
        const x = runClient(v.root, port, v.groups, pki.rootPem, v.env);
        results[`${server} ${v.name}`].cpu.push(x.cpu);
        results[`${server} ${v.name}`].wall.push(x.wall);
      }
    }
  }
} finally {
  child.kill('SIGKILL');
}

if (args.includes('--json')) console.log(JSON.stringify(results));
let load = '';
try { load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' '); } catch { /* not Linux */ }
console.log(`full TLS 1.3 handshakes, client CPU and wall per handshake, median of ${ROUNDS} rounds × ${N} (load ${load})`);
for (const server of Object.keys(ports)) {
  const base = median(results[`${server} ${variants[0].name}`].cpu);
  for (const v of variants) {
    const r = results[`${server} ${v.name}`];
    const cpu = median(r.cpu);
    console.log(`  ${server.padEnd(8)} ${v.name.padEnd(36)} CPU ${cpu.toFixed(2).padStart(6)} ms  wall ${median(r.wall).toFixed(2).padStart(6)} ms  ${(cpu / base).toFixed(2)}× A`);
  }
}
