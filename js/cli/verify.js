/**
 * wasmtls verify LEAF.pem [--ca FILE]... [--chain FILE] [--host NAME | --ip ADDR]
 *                [--time UNIX_SECONDS] [--purpose server|client] [--json]
 *
 * Verifies LEAF (any certificates after the first one in LEAF.pem count as
 * sent intermediates too) with the untrusted certificates of --chain in any
 * order, against the anchors of the --ca files (or the bundled Mozilla roots),
 * using the engine's own verification code. --json: one line on stdout,
 * {"ok":true} or {"ok":false,"error":{"code","message"}}; exit 0 or 1 (2: usage).
 */
import { readFile } from 'node:fs/promises';
import { init } from '../index.node.js';
import { loadedWasm } from '../core/wasm.js';
import { verifyChain } from '../x509/verify.js';
import { parseCertificate } from '../x509/x509.js';
import { WasmTlsError } from '../core/errors.js';
import { hintFor } from '../core/hints.js';

export const VERIFY_USAGE = `usage: wasmtls verify LEAF.pem [--ca FILE]... [--chain FILE] [--host NAME | --ip ADDR] [--time UNIX_SECONDS] [--purpose server|client] [--json]
  --ca FILE        trusted CA certificates, PEM (several per file) or DER (repeatable; default: the bundled Mozilla roots)
  --chain FILE     untrusted intermediates, PEM, in any order
  --host NAME      DNS name to check the certificate against
  --ip ADDR        IP address to check the certificate against
  --time SECONDS   verification time in Unix seconds (default: now)
  --purpose P      server (default: extendedKeyUsage serverAuth) or client (clientAuth)
  --json           print one JSON line on stdout`;

class UsageError extends Error {}

function parseVerifyArgs(argv) {
  const a = { ca: [], chain: [], host: undefined, ip: undefined, time: undefined, purpose: 'server', json: false, leaf: undefined };
  const rest = argv.slice();
  const value = (flag) => {
    const v = rest.shift();
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (rest.length) {
    let arg = rest.shift();
    const eq = /^(--[a-z-]+)=(.*)$/s.exec(arg);
    if (eq) { arg = eq[1]; rest.unshift(eq[2]); }
    switch (arg) {
      case '--ca': a.ca.push(value(arg)); break;
      case '--chain': a.chain.push(value(arg)); break;
      case '--host': a.host = value(arg); break;
      case '--ip': a.ip = value(arg); break;
      case '--time': {
        const v = value(arg);
        if (!/^-?\d+$/.test(v)) throw new UsageError(`--time must be Unix seconds, got ${JSON.stringify(v)}`);
        a.time = Number(v);
        break;
      }
      case '--purpose': {
        const v = value(arg);
        if (v !== 'server' && v !== 'client') throw new UsageError(`--purpose must be server or client, got ${JSON.stringify(v)}`);
        a.purpose = v;
        break;
      }
      case '--json': a.json = true; break;
      default:
        if (arg.startsWith('-') || a.leaf !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
        a.leaf = arg;
    }
  }
  if (a.leaf === undefined) throw new UsageError('missing LEAF.pem');
  if (a.host !== undefined && a.ip !== undefined) throw new UsageError('give --host or --ip, not both');
  return a;
}

/** PEM CERTIFICATE blocks (or one DER certificate) in a file, as DER. */
async function readCerts(file, what) {
  let bytes;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new WasmTlsError('INVALID_OPTION', `cannot read ${what} ${file}: ${err.code ?? err.message}`);
  }
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN')) return [new Uint8Array(bytes)];
  const certs = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)]
    .map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
  if (!certs.length) throw new WasmTlsError('INVALID_OPTION', `${what} ${file} holds no CERTIFICATE block`);
  return certs;
}

function describe(der) {
  try {
    const c = parseCertificate(der);
    return `${c.subject}\n      issuer ${c.issuer}\n      valid  ${c.validFrom.toISOString()} .. ${c.validTo.toISOString()}` +
      (c.subjectAltNames.length ? `\n      SAN    ${c.subjectAltNames.join(', ')}` : '');
  } catch {
    return '(unparsable certificate)';
  }
}

/** Run `wasmtls verify`; returns the exit code. @param {string[]} argv */
export async function runVerify(argv) {
  let args;
  try {
    args = parseVerifyArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`wasmtls verify: ${err.message}\n${VERIFY_USAGE}\n`);
    return 2;
  }
  const print = (line) => process.stdout.write(`${line}\n`);
  const fail = (e) => {
    if (args.json) print(JSON.stringify({ ok: false, error: { code: e.code, message: e.message } }));
    else {
      print(`verdict: FAILED ${e.code}: ${e.message}`);
      const hint = hintFor(e.code, { cli: true, caGiven: args.ca.length > 0 });
      if (hint) print(`hint: ${hint}`);
    }
    return 1;
  };
  try {
    const sent = await readCerts(args.leaf, 'LEAF');
    for (const f of args.chain) sent.push(...await readCerts(f, '--chain'));
    let ca = [];
    let anchorsFrom;
    if (args.ca.length) {
      for (const f of args.ca) ca.push(...await readCerts(f, '--ca'));
      anchorsFrom = `${ca.length} certificate(s) from ${args.ca.join(', ')}`;
    } else {
      const roots = await import('../roots.js');
      ca = roots.default;
      anchorsFrom = `the bundled Mozilla roots (${roots.ROOTS_COUNT}, ca-certificates ${roots.ROOTS_VERSION})`;
    }
    await init(); // the Node entry's loader (it owns the wasm URLs; WASMTLS_WASM may name another build)
    const wasm = await loadedWasm();
    const now = args.time ?? Math.floor(Date.now() / 1000);
    const res = verifyChain(wasm, { chain: sent, ca, host: args.host ?? args.ip, nowSeconds: now, purpose: args.purpose });
    if (!args.json) {
      print(`anchors: ${anchorsFrom}`);
      print(`time:    ${new Date(now * 1000).toISOString()}`);
      print(`name:    ${args.host ?? args.ip ?? '(not checked)'}; purpose: ${args.purpose}`);
      print(`path built (${res.path.length} of ${sent.length} certificate(s) sent):`);
      res.path.forEach((idx, i) => print(`  [${i}] #${idx} ${describe(sent[idx])}`));
      if (res.anchor >= 0 && ca[res.anchor]) print(`  [${res.path.length}] ca[${res.anchor}] (trust anchor) ${describe(ca[res.anchor])}`);
      if (res.tried.length) {
        print(`${res.ok ? 'other paths' : 'paths'} tried and why they failed (#N: certificate N sent, ca[K]: trust anchor K):`);
        for (const line of res.tried) print(`  ${line}`);
      }
    }
    if (!res.ok) return fail(res.error);
    if (args.json) print(JSON.stringify({ ok: true }));
    else print('verdict: OK');
    return 0;
  } catch (err) {
    return fail(err instanceof WasmTlsError ? err : new WasmTlsError('INTERNAL', String(err?.message ?? err)));
  }
}
