#!/usr/bin/env node
/**
 * wasmtls connect HOST:PORT [--servername NAME] [--ca FILE] [--alpn a,b] [--timeout-ms T]
 *                 [--min-version V] [--max-version V] [--groups a,b] [--cert FILE --key FILE]
 *                 [--session-in FILE] [--session-out FILE] [--pin BASE64]... [--json] [--insecure]
 * wasmtls --version
 *
 * Like `openssl s_client -quiet`: stdin goes to the TLS connection, the
 * connection to stdout. End of stdin sends close_notify (after pending data);
 * the command ends when the peer closes. With --json, one JSON line on stderr
 * at the end; otherwise a short human summary.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { connect, WasmTlsError } from './index.node.js';
import { parseAddress } from './core/address.js';
import { skipInsecureWarning } from './core/api.js';
import { formatSummary, formatFailure, errorJson } from './cli/format.js';
import { runVerify, VERIFY_USAGE } from './cli/verify.js';

const USAGE = `usage: wasmtls connect HOST:PORT [--servername NAME] [--ca FILE] [--alpn a,b] [--timeout-ms T]
                       [--min-version V] [--max-version V] [--groups a,b] [--cert FILE --key FILE]
                       [--session-in FILE] [--session-out FILE] [--pin BASE64]... [--json] [--insecure]
       wasmtls --version
  HOST may be a name, an IPv4 address or [IPv6]
  --servername NAME  server name for SNI and the certificate check (default: HOST)
  --ca FILE          trusted CA certificate(s), PEM or DER (repeatable)
  --alpn a,b         ALPN protocols to offer
  --timeout-ms T     handshake timeout (default 30000)
  --min-version V    lowest version accepted: TLSv1.2 (default) or TLSv1.3
  --max-version V    highest version offered: TLSv1.3 (default) or TLSv1.2
  --groups a,b       key-exchange groups in preference order (default X25519MLKEM768,x25519,secp256r1,secp384r1)
  --cert FILE        client certificate (PEM: the leaf, then its intermediates), for servers that ask
  --key FILE         its private key (PEM or DER: PKCS#8, SEC1 EC or PKCS#1 RSA)
  --session-in FILE  resume the session saved in FILE (a full handshake if it cannot be used)
  --session-out FILE save the session the server gives (a secret: keep the file private)
  --pin BASE64       base64 SHA-256 of a SubjectPublicKeyInfo the verified chain must contain (repeatable)
  --json             print one JSON line with the result to stderr at the end
  --insecure         do not verify the server certificate (tests only)
  Without --ca the bundled Mozilla roots are trusted, plus the PEM file named by NODE_EXTRA_CA_CERTS.`;

/** The version of this package (package.json next to js/). */
function packageVersion() {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

class UsageError extends Error {}

/** Parse argv (after `node cli.js`). Throws UsageError. */
function parseArgs(argv) {
  const args = { json: false, insecure: false, ca: [], pins: [], serverName: undefined, alpn: undefined, timeoutMs: undefined, target: undefined };
  if (argv[0] === '-h' || argv[0] === '--help') return { help: true };
  if (argv[0] === '-V' || argv[0] === '--version') return { version: true };
  if (argv[0] !== 'connect') throw new UsageError(argv[0] ? `unknown command ${JSON.stringify(argv[0])}` : 'missing command');
  const rest = argv.slice(1);
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
      case '--servername': args.serverName = value(arg); break;
      case '--ca': args.ca.push(value(arg)); break;
      case '--alpn': args.alpn = value(arg).split(',').filter(Boolean); break;
      case '--timeout-ms': {
        const v = value(arg);
        if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`--timeout-ms must be a positive integer, got ${JSON.stringify(v)}`);
        args.timeoutMs = Number(v);
        break;
      }
      case '--min-version': args.minVersion = value(arg); break;
      case '--max-version': args.maxVersion = value(arg); break;
      case '--groups': args.groups = value(arg).split(',').filter(Boolean); break;
      case '--cert': args.cert = value(arg); break;
      case '--key': args.key = value(arg); break;
      case '--session-in': args.sessionIn = value(arg); break;
      case '--session-out': args.sessionOut = value(arg); break;
      case '--pin': args.pins.push(value(arg)); break;
      case '--json': args.json = true; break;
      case '--insecure': args.insecure = true; break;
      case '-h': case '--help': return { help: true };
      default:
        if (arg.startsWith('-') || args.target !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
        args.target = arg;
    }
  }
  if (args.target === undefined) throw new UsageError('missing HOST:PORT');
  if ((args.cert === undefined) !== (args.key === undefined)) throw new UsageError('--cert and --key go together');
  return args;
}

/** Read --ca files: PEM stays text, anything else is passed as DER. */
async function readCaFiles(files) {
  return Promise.all(files.map(async (file) => {
    let bytes;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new WasmTlsError('INVALID_OPTION', `cannot read --ca ${file}: ${err.code ?? err.message}`);
    }
    const text = bytes.toString('latin1');
    return text.includes('-----BEGIN') ? text : new Uint8Array(bytes);
  }));
}

/** Read a file named by a flag; a missing file is INVALID_OPTION. */
async function readFlagFile(flag, file, encoding) {
  try {
    return await readFile(file, encoding);
  } catch (err) {
    throw new WasmTlsError('INVALID_OPTION', `cannot read ${flag} ${file}: ${err.code ?? err.message}`);
  }
}

/** Write to stdout respecting backpressure. */
async function writeStdout(chunk) {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

function flushStdout() {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}

async function main() {
  if (process.argv[2] === 'verify') return runVerify(process.argv.slice(3));
  if (process.argv[2] === 'fetch') return (await import('./cli/fetch.js')).runFetch(process.argv.slice(3));
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`wasmtls: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) { process.stdout.write(`${USAGE}\n${VERIFY_USAGE}\n`); return 0; }
  if (args.version) { process.stdout.write(`wasmtls ${packageVersion()}\n`); return 0; }

  /** Print the outcome (one JSON line with --json) and return the exit code. */
  const succeed = (payload) => {
    if (args.json) process.stderr.write(`${JSON.stringify(payload)}\n`);
    return 0;
  };
  const fail = (err) => {
    const e = err instanceof WasmTlsError ? err : new WasmTlsError('INTERNAL', String(err?.stack ?? err));
    const context = { cli: true, caGiven: args.ca.length > 0 || args.insecure };
    if (args.json) process.stderr.write(`${JSON.stringify({ ok: false, error: errorJson(e, context) })}\n`);
    else process.stderr.write(formatFailure(e, context));
    return 1;
  };

  let address;
  let ca;
  let cert;
  let key;
  let session;
  try {
    address = parseAddress(args.target);
    ca = await readCaFiles(args.ca);
    if (args.cert) {
      cert = await readFlagFile('--cert', args.cert, 'latin1');
      const keyBytes = await readFlagFile('--key', args.key);
      key = keyBytes.toString('latin1').includes('-----BEGIN') ? keyBytes.toString('latin1') : new Uint8Array(keyBytes);
      if (!cert.includes('-----BEGIN')) cert = new Uint8Array(Buffer.from(cert, 'latin1'));
    }
    if (args.sessionIn) session = (await readFlagFile('--session-in', args.sessionIn, 'utf8')).trim();
  } catch (err) {
    return fail(err);
  }
  if (args.insecure) {
    skipInsecureWarning();
    if (!args.json) process.stderr.write('wasmtls: --insecure: the server certificate is NOT verified\n');
  }

  const socket = connect(address, {
    serverName: args.serverName,
    ca: ca.length ? ca : undefined,
    alpn: args.alpn?.length ? args.alpn : undefined,
    timeoutMs: args.timeoutMs,
    minVersion: args.minVersion,
    maxVersion: args.maxVersion,
    groups: args.groups,
    cert,
    key,
    session,
    pins: args.pins.length ? args.pins : undefined,
    insecureSkipVerify: args.insecure || undefined,
  });

  // --session-out: the latest session the server gives, written as it arrives (mode 0600)
  let saving = Promise.resolve();
  if (args.sessionOut) {
    socket.addEventListener('session', (ev) => {
      saving = saving.then(() => writeFile(args.sessionOut, `${ev.session}\n`, { mode: 0o600 }));
    });
  }

  let info;
  try {
    info = await socket.opened;
  } catch (err) {
    return fail(err);
  }
  if (!args.json) process.stderr.write(formatSummary(info, address));

  let bytesIn = 0;
  let bytesOut = 0;
  const writer = socket.writable.getWriter();
  // stdin → TLS. End of stdin: close_notify after pending data.
  const pumpIn = (async () => {
    for await (const chunk of process.stdin) {
      await writer.write(chunk);
      bytesOut += chunk.length;
    }
    await writer.close();
  })();
  pumpIn.catch(() => {}); // a failure shows up on the readable side too

  // TLS → stdout, until the peer closes.
  try {
    for await (const chunk of socket.readable) {
      await writeStdout(chunk);
      bytesIn += chunk.length;
    }
  } catch (err) {
    await flushStdout();
    return fail(err);
  }
  await flushStdout();
  await socket.close();
  try {
    await saving;
  } catch (err) {
    return fail(new WasmTlsError('INVALID_OPTION', `cannot write --session-out ${args.sessionOut}: ${err.code ?? err.message}`));
  }
  if (!args.json) {
    if (args.sessionOut) process.stderr.write(socket.session ? `* session saved to ${args.sessionOut}\n` : '* the server gave no session to save\n');
    process.stderr.write(`* closed: ${bytesIn} bytes in, ${bytesOut} bytes out\n`);
  }
  return succeed({
    ok: true, version: info.version, cipher: info.cipher, group: info.group, alpn: info.alpn, resumed: info.resumed,
    bytesIn, bytesOut,
  });
}

main().then(
  (code) => process.exit(code),
  (err) => { process.stderr.write(`wasmtls: internal error: ${err?.stack ?? err}\n`); process.exit(1); },
);
