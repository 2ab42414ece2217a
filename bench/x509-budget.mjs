#!/usr/bin/env node
// bench/x509-budget.mjs — the work budget of path validation on pathological chains (issue 16
// item 3). Not a timed test: prints how long the WASM verifier (wt_verify_chain, the code a
// handshake runs) takes on chains built to make path search or nameConstraints checking blow up,
// with the default budget (100 signature checks, 250,000 name comparisons) and with larger
// budgets, to show the cost the budget caps. `node bench/x509-budget.mjs` or
// `node bench/run.mjs --x509`.
//
//   loop   eight self-signed "Loop CA" certificates with one key (tests/fixtures/x509-path):
//          every order verifies, so a search without a budget walks ~110,000 signature checks
//   names  a leaf with N dNSNames under an intermediate with N excluded subtrees (made here with
//          openssl): N x N comparisons
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadWasmNode } from '../tests/node/helpers/wasm.mjs';
import { verifyChain } from '../js/x509/verify.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.join(HERE, '..', 'tests', 'fixtures', 'x509-path');
const NOW = 1893456000;   // 2030-01-01

const der = (file) => new Uint8Array(fs.readFileSync(file));
function pemToDer(file) {
  const b64 = fs.readFileSync(file, 'latin1').replace(/-----[^-]+-----|\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function namesChain(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmtls-x509-budget-'));
  const ossl = (...a) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    for (const k of ['root', 'inter', 'leaf']) ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${k}.key`);
    fs.writeFileSync(path.join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n');
    const excluded = Array.from({ length: n }, (_, i) => `excluded;DNS:x${i}.test`).join(',');
    fs.writeFileSync(path.join(dir, 'inter.ext'), `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nnameConstraints=critical,${excluded}\n`);
    const sans = Array.from({ length: n }, (_, i) => `DNS:n${i}.example`).join(',');
    fs.writeFileSync(path.join(dir, 'leaf.ext'), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=${sans}\n`);
    ossl('req', '-x509', '-new', '-key', 'root.key', '-subj', '/CN=Budget Root', '-days', '36500', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-out', 'root.pem');
    for (const [k, issuer, ext] of [['inter', 'root', 'inter.ext'], ['leaf', 'inter', 'leaf.ext']]) {
      ossl('req', '-new', '-key', `${k}.key`, '-subj', `/CN=Budget ${k}`, '-out', `${k}.csr`);
      ossl('x509', '-req', '-in', `${k}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', String(k.length),
        '-days', '36500', '-sha256', '-extfile', ext, '-out', `${k}.pem`);
    }
    return { chain: [pemToDer(path.join(dir, 'leaf.pem')), pemToDer(path.join(dir, 'inter.pem'))], ca: [pemToDer(path.join(dir, 'root.pem'))] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function measure(wasm, req, sigs, names, runs = 3) {
  wasm.exports.wt_verify_set_budget(sigs, names);
  const times = [];
  let res;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    res = verifyChain(wasm, req);
    times.push(performance.now() - t);
  }
  wasm.exports.wt_verify_set_budget(0, 0);
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1], code: res.ok ? 'OK' : res.error.code, sigChecks: res.sigChecks, tried: res.tried.length };
}

export async function main() {
  const wasm = await loadWasmNode();
  const rows = [];
  const loop = {
    chain: [der(path.join(FIX, 'leaf-loop.der')), ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => der(path.join(FIX, `loop-${i}.der`)))],
    ca: [der(path.join(FIX, 'root.der'))], nowSeconds: NOW,
  };
  for (const sigs of [100, 1000, 10000]) {
    const m = measure(wasm, loop, sigs, 0, sigs > 1000 ? 1 : 3);
    rows.push({ chain: 'loop (8 same-key self-signed CAs)', budget: `${sigs} signatures${sigs === 100 ? ' (default)' : ''}`, ...m });
  }
  for (const n of [200, 1000]) {
    const req = { ...namesChain(n), nowSeconds: Math.floor(Date.now() / 1000) };
    for (const names of [250000, 10000000]) {
      const m = measure(wasm, req, 0, names, 3);
      rows.push({ chain: `names (${n} SANs x ${n} excluded subtrees)`, budget: `${names} comparisons${names === 250000 ? ' (default)' : ''}`, ...m });
    }
  }
  console.log('x509 path validation under its work budget (WASM, median ms):');
  for (const r of rows) {
    console.log(`  ${r.chain.padEnd(42)} ${r.budget.padEnd(32)} ${r.code.padEnd(14)} ${r.ms.toFixed(1).padStart(9)} ms  ` +
      `${r.sigChecks} signature checks, ${r.tried} failed paths logged`);
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
