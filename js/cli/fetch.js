/**
 * wasmtls fetch URL [--ca FILE] [--connect-to HOST:PORT] [--http1.1 | --http2] [-X METHOD]
 *                   [-H 'Name: value']… [-d DATA | -d @FILE] [-o FILE] [--insecure] [--pin B64]… [--json]
 *
 * The body goes to stdout (or FILE). With --json, one line on stderr:
 *   {"ok":true,"status":200,"httpVersion":"2","alpn":"h2","bytes":N,"tls":{"version":…,"cipher":…,"group":…}}
 *   {"ok":false,"error":{"code":"…","message":"…"}}
 * Exit 0 when a whole response was received (whatever its status), 1 on failure, 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createFetch, responseInfo } from '../fetch/index.node.js';
import { WasmTlsError } from '../core/errors.js';
import { skipInsecureWarning } from '../core/api.js';

export const FETCH_USAGE = `usage: wasmtls fetch URL [--ca FILE] [--connect-to HOST:PORT] [--http1.1 | --http2] [-X METHOD]
                     [-H 'Name: value']... [-d DATA | -d @FILE] [-o FILE] [--insecure] [--pin B64]... [--json]
  --ca FILE              trusted CA certificate(s), PEM or DER (repeatable)
  --connect-to HOST:PORT connect there instead of the URL's host (SNI, the certificate name and Host stay the URL's)
  --http1.1 / --http2    offer only that protocol in ALPN (default: h2, then http/1.1)
  -X METHOD              request method (default GET, POST with -d)
  -H 'Name: value'       request header (repeatable)
  -d DATA | -d @FILE     request body (from FILE with @)
  -o FILE                write the body to FILE instead of stdout
  --insecure             do not verify the server certificate (tests only)
  --pin B64              SPKI SHA-256 pin, base64 (repeatable)
  --json                 print one JSON line with the result to stderr`;

class UsageError extends Error {}

function parseArgs(argv) {
  const a = { ca: [], headers: [], pins: [], json: false, insecure: false, url: undefined, protocol: undefined };
  const rest = argv.slice();
  const value = (flag) => {
    const v = rest.shift();
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (rest.length) {
    let arg = rest.shift();
    const eq = /^(--[a-z0-9.-]+)=(.*)$/s.exec(arg);
    if (eq) { arg = eq[1]; rest.unshift(eq[2]); }
    switch (arg) {
      case '--ca': a.ca.push(value(arg)); break;
      case '--connect-to': a.connectTo = value(arg); break;
      case '--http1.1': if (a.protocol === '2') throw new UsageError('--http1.1 and --http2 exclude each other'); a.protocol = '1.1'; break;
      case '--http2': if (a.protocol === '1.1') throw new UsageError('--http1.1 and --http2 exclude each other'); a.protocol = '2'; break;
      case '-X': case '--request': a.method = value(arg); break;
      case '-H': case '--header': {
        const h = value(arg);
        const m = /^([^:\s]+):\s*(.*)$/s.exec(h);
        if (!m) throw new UsageError(`-H needs 'Name: value', got ${JSON.stringify(h)}`);
        a.headers.push([m[1], m[2]]);
        break;
      }
      case '-d': case '--data': if (a.data !== undefined) throw new UsageError('-d is given twice'); a.data = value(arg); break;
      case '-o': case '--output': a.output = value(arg); break;
      case '--insecure': case '-k': a.insecure = true; break;
      case '--pin': a.pins.push(value(arg)); break;
      case '--json': a.json = true; break;
      case '-h': case '--help': return { help: true };
      default:
        if ((arg.startsWith('-') && arg !== '-') || a.url !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
        a.url = arg;
    }
  }
  if (a.url === undefined) throw new UsageError('missing URL');
  return a;
}

async function readFlagFile(flag, file) {
  try {
    return await readFile(file);
  } catch (err) {
    throw new WasmTlsError('INVALID_OPTION', `cannot read ${flag} ${file}: ${err.code ?? err.message}`);
  }
}

/** Write chunks to a Node writable with backpressure. */
async function writeTo(out, chunk) {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** @param {string[]} argv the arguments after `fetch`; resolves to the exit code */
export async function runFetch(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`wasmtls fetch: ${err.message}\n${FETCH_USAGE}\n`);
    return 2;
  }
  if (args.help) { process.stdout.write(`${FETCH_USAGE}\n`); return 0; }

  const fail = (err) => {
    const e = err instanceof WasmTlsError ? err
      : new WasmTlsError(err?.name === 'TypeError' ? 'INVALID_OPTION' : 'INTERNAL', String(err?.message ?? err), { cause: err });
    if (args.json) {
      const error = { code: e.code, message: e.message };
      if (e.httpCode) error.httpCode = e.httpCode;
      process.stderr.write(`${JSON.stringify({ ok: false, error })}\n`);
    } else {
      process.stderr.write(`wasmtls fetch: ${e.code}${e.httpCode ? ` (${e.httpCode})` : ''}: ${e.message}\n`);
    }
    return 1;
  };

  let f;
  let out;
  try {
    const ca = await Promise.all(args.ca.map(async (file) => {
      const bytes = await readFlagFile('--ca', file);
      const text = bytes.toString('latin1');
      return text.includes('-----BEGIN') ? text : new Uint8Array(bytes);
    }));
    let body;
    if (args.data !== undefined) body = args.data.startsWith('@') ? new Uint8Array(await readFlagFile('-d', args.data.slice(1))) : args.data;
    const headers = new Headers();
    for (const [n, v] of args.headers) headers.append(n, v);
    if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
    if (args.insecure) {
      skipInsecureWarning();
      if (!args.json) process.stderr.write('wasmtls fetch: --insecure: the server certificate is NOT verified\n');
    }
    const tls = {
      ca: ca.length ? ca : undefined,
      pins: args.pins.length ? args.pins : undefined,
      insecureSkipVerify: args.insecure || undefined,
    };
    f = createFetch({ tls, connectTo: args.connectTo, http: args.protocol });
    const response = await f(args.url, { method: args.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body });
    out = args.output ? createWriteStream(args.output) : process.stdout;
    if (args.output) await once(out, 'open');
    let bytes = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        bytes += chunk.byteLength;
        await writeTo(out, chunk);
      }
    }
    await finishOutput(out, args.output);
    const info = responseInfo(response);
    if (args.json) {
      process.stderr.write(`${JSON.stringify({
        ok: true, status: response.status, httpVersion: info.httpVersion, alpn: info.alpn, bytes,
        tls: { version: info.tls.version, cipher: info.tls.cipher, group: info.tls.group },
      })}\n`);
    }
    return 0;
  } catch (err) {
    if (out) await finishOutput(out, args.output).catch(() => {});
    return fail(err);
  } finally {
    await f?.close();
  }
}

function finishOutput(out, toFile) {
  if (toFile) return new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return new Promise((resolve) => out.write('', () => resolve()));
}
