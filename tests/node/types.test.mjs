// Honest types (issue 15, item 4): a consumer per runtime is type-checked with
// `tsc --strict` against the package's own declarations, resolved through
// package.json's export conditions exactly as TypeScript resolves them for
// that runtime (node: moduleResolution nodenext; deno / bun / workerd /
// browser: bundler + customConditions). Each consumer uses what its entry
// exports, and `@ts-expect-error` lines prove that what the entry does NOT
// export (or take) is refused — an unused @ts-expect-error fails tsc.
// Variants: lib es2022 with no @types/node at all, lib es2022 + @types/node,
// and the browser with lib dom. No DOM lib is needed anywhere but the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const TYPES_NODE = path.join(ROOT, 'node_modules', '@types', 'node');
const skip = !fs.existsSync(TSC) && 'typescript is not installed (npm ci installs the devDependency)';

/** A consumer project: node_modules/wasmtls → this repository; returns the tsc output and exit status. */
function typecheck(name, compilerOptions, source) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wasmtls-types-${name}-`));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'wasmtls'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }));
    fs.writeFileSync(path.join(dir, 'consumer.ts'), source);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', skipLibCheck: false, ...compilerOptions },
      files: ['consumer.ts'],
    }));
    try {
      const out = execFileSync(TSC, ['-p', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
      return { status: 0, out };
    } catch (err) {
      return { status: err.status ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const COMMON = `
import { connect, upgrade, init, WasmTlsError, HINTS, parseCertificate, describeCertificate } from 'wasmtls';
import type { OpenedInfo, Socket, WasmTlsErrorCode, PeerCertificate, TransportFactory } from 'wasmtls';
import roots, { ROOTS_VERSION } from 'wasmtls/roots';

export async function common(s: Socket, existing: { readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array> }) {
  const info: OpenedInfo = await s.opened;
  const version: string = info.version;
  const alpn: string | null = info.alpn;
  const sent: PeerCertificate[] = info.peerCertificates;
  const path: PeerCertificate[] | undefined = info.verifiedChain;
  await s.closed;
  await s.close();
  const tls = upgrade(existing, { serverName: 'db.internal', ca: [...roots], allowHalfOpen: true });
  // @ts-expect-error upgrade() requires serverName
  upgrade(existing, { ca: [...roots] });
  await init();
  await init({ wasm: new Uint8Array(8) });
  // @ts-expect-error init() takes no other options
  await init({ wasmUrl: 'x' });
  try { await tls.opened; } catch (err) {
    if (err instanceof WasmTlsError) { const code: WasmTlsErrorCode = err.code; const hint: string | undefined = err.hint ?? HINTS[code]; }
  }
  const aborted: WasmTlsErrorCode = 'ABORTED';
  // @ts-expect-error not a wasmtls error code
  const wrong: WasmTlsErrorCode = 'NOPE';
  parseCertificate(new Uint8Array(1)).subject.toUpperCase();
  (await describeCertificate(new Uint8Array(1))).fingerprint256.toUpperCase();
  return [version, alpn, sent, path, ROOTS_VERSION, aborted, wrong];
}
export function options(transport: TransportFactory): Socket {
  return connect('127.0.0.1:443', {
    transport,
    serverName: 'localhost', ca: [...roots], alpn: ['h2'], timeoutMs: 1000, pins: ['x'], minVersion: 'TLSv1.2',
    verify: (chain, info) => chain.length > 0 && info.sentCertificates.length > 0, allowHalfOpen: false, session: null,
  });
}
declare const pair: { readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array> };
const own: TransportFactory = async (address, { signal }) => (signal && address.port ? pair : pair);
// @ts-expect-error an unknown option
connect('127.0.0.1:443', { transport: own, caFile: 'ca.pem' });
`;

const NODE_ONLY = `
import * as node from 'wasmtls';
node.connect('127.0.0.1:443', { transport: node.nodeTcpTransport });
node.connect('127.0.0.1:443', { transport: 'tcp' });
node.connect('127.0.0.1:443', { transport: 'ws://127.0.0.1:8080/' });
node.connect('127.0.0.1:443', { transport: node.webSocket('ws://127.0.0.1:8080/', { protocols: 'binary' }) });
node.wisp('ws://127.0.0.1:8081/').sessions();
// @ts-expect-error the node entry does not export the browser loader
node.loadWasmBrowser();
// @ts-expect-error nor Deno's TCP transport
node.denoTcpTransport;
`;

const NODE_WITH_TYPES = `
import { connectDuplex, upgradeDuplex, duplexFromSocket } from 'wasmtls/node';
import type { TlsDuplex } from 'wasmtls/node';
import net from 'node:net';
export async function withNodeTypes() {
  const s = node.connect('127.0.0.1:443', { signal: AbortSignal.timeout(1000) });
  const reader = s.readable.getReader();
  const chunk = await reader.read();
  const w = s.writable.getWriter();
  await w.write(new TextEncoder().encode('hi'));
  await s[Symbol.asyncDispose]();
  const d: TlsDuplex = connectDuplex('127.0.0.1:443', { ca: 'PEM' });
  d.on('secureConnect', (info) => info.cipher.toUpperCase());
  d.on('session', (session) => session.toUpperCase());
  const cert = d.getPeerCertificate(true);
  if (cert && 'subject' in cert) { const cn = cert.subject.CN; const next = cert.issuerCertificate?.fingerprint256; }
  const alpn: string | false | null = d.alpnProtocol;
  const ok: boolean = d.authorized;
  d.setTimeout(1000, () => d.destroy());
  d.getCipher()?.standardName.toUpperCase();
  upgradeDuplex(new net.Socket(), { serverName: 'db' });
  duplexFromSocket(s, { allowHalfOpen: true });
  return [chunk.value?.byteLength, alpn, ok];
}
`;

const RUNTIME_ONLY = {
  deno: `
import * as deno from 'wasmtls';
deno.connect('127.0.0.1:443', { transport: deno.denoTcpTransport });
deno.connect('127.0.0.1:443', { transport: 'wss://proxy.example/' });
deno.connect('127.0.0.1:443', { transport: deno.wisp('wss://proxy.example/') });
deno.webSocket('ws://127.0.0.1:8080/');
// @ts-expect-error the deno entry has no node:net transport
deno.nodeTcpTransport;
// @ts-expect-error nor the browser loader
deno.loadWasmBrowser;
`,
  bun: `
import * as bun from 'wasmtls';
bun.connect('127.0.0.1:443', { transport: bun.bunTcpTransport });
bun.connect('127.0.0.1:443', { transport: bun.webSocket('ws://127.0.0.1:8080/') });
// @ts-expect-error the bun entry has no node:net transport
bun.nodeTcpTransport;
`,
  workerd: `
import * as workerd from 'wasmtls';
workerd.connect('127.0.0.1:443', { transport: workerd.workerdTcpTransport });
// @ts-expect-error workerd cannot open a 'ws://' transport by URL
workerd.connect('127.0.0.1:443', { transport: 'ws://127.0.0.1:8080/' });
// @ts-expect-error the workerd entry has no WebSocket proxy transport
workerd.webSocket;
`,
  browser: `
import * as browser from 'wasmtls';
browser.connect('localhost:8443', { transport: browser.webSocket('ws://127.0.0.1:8080/') });
browser.connect('localhost:8443', { transport: browser.wisp('wss://proxy.example/'), ca: 'PEM' });
// @ts-expect-error in a page, transport is required
browser.connect('localhost:8443', { ca: 'PEM' });
// @ts-expect-error and 'tcp' does not exist there
browser.connect('localhost:8443', { transport: 'tcp' });
// @ts-expect-error a page has no TCP transport
browser.nodeTcpTransport;
await browser.loadWasmBrowser(new URL('/wasmtls.wasm', location.href));
await browser.init({ wasm: await WebAssembly.compile(new Uint8Array(8)) });
`,
};

function assertClean(res, what) {
  assert.equal(res.status, 0, `tsc --strict failed for ${what}:\n${res.out}`);
}

test('node (nodenext, lib es2022, no @types/node): the node entry, no DOM lib', { skip }, () => {
  assertClean(typecheck('node-bare', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: [] }, COMMON + NODE_ONLY), 'node without @types/node');
});

test('node (nodenext, lib es2022 + @types/node): streams, Symbol.asyncDispose, wasmtls/node Duplex', { skip: skip || (!fs.existsSync(TYPES_NODE) && '@types/node is not in node_modules') }, () => {
  assertClean(typecheck('node-types', {
    module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')],
  }, COMMON + NODE_ONLY + NODE_WITH_TYPES), 'node with @types/node');
});

for (const runtime of ['deno', 'bun', 'workerd']) {
  test(`${runtime} (bundler, customConditions ['${runtime}'], lib es2022): its entry's names only`, { skip }, () => {
    assertClean(typecheck(runtime, {
      module: 'esnext', moduleResolution: 'bundler', customConditions: [runtime], lib: ['es2022'], types: [],
    }, COMMON + RUNTIME_ONLY[runtime]), runtime);
  });
}

test('browser (bundler, customConditions [\'browser\'], lib es2022 + dom)', { skip }, () => {
  assertClean(typecheck('browser', {
    module: 'esnext', moduleResolution: 'bundler', customConditions: ['browser'], lib: ['es2022', 'dom'], types: [],
  }, COMMON + RUNTIME_ONLY.browser), 'browser');
});

test('the checks bite: a name the node entry lacks fails tsc (no silent pass)', { skip }, () => {
  const res = typecheck('negative', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: [] },
    "import { loadWasmBrowser } from 'wasmtls';\nexport const x = loadWasmBrowser;\n");
  assert.notEqual(res.status, 0);
  assert.match(res.out, /loadWasmBrowser/);
});

/** Value names a declaration file exports (functions, consts, classes), with `export * from './index.js'` followed. */
function declaredValues(file) {
  const src = fs.readFileSync(file, 'utf8');
  const names = new Set([...src.matchAll(/^export (?:declare )?(?:function|const|class) (\w+)/gm)].map((m) => m[1]));
  if (/^export \* from '\.\/index\.js';/m.test(src)) for (const n of declaredValues(path.join(path.dirname(file), 'index.d.ts'))) names.add(n);
  return names;
}

test('every entry exports at run time exactly the values its declaration file declares', async () => {
  for (const entry of ['node', 'deno', 'bun', 'browser']) {   // workerd's entry imports a .wasm module (workerd only)
    const mod = await import(`../../js/index.${entry}.js`);
    assert.deepEqual(Object.keys(mod).sort(), [...declaredValues(path.join(ROOT, 'js', `index.${entry}.d.ts`))].sort(), entry);
  }
  const workerdSrc = fs.readFileSync(path.join(ROOT, 'js', 'index.workerd.js'), 'utf8');
  for (const name of declaredValues(path.join(ROOT, 'js', 'index.workerd.d.ts'))) assert.match(workerdSrc, new RegExp(`\\b${name}\\b`), `workerd exports ${name}`);
  const node = await import('../../js/node-duplex.js');
  assert.deepEqual(Object.keys(node).sort(), [...declaredValues(path.join(ROOT, 'js', 'node-duplex.d.ts'))].concat('WasmTlsError').sort());
});

test('EngineErrorCode lists exactly the codes of src/wt_error.h (but OK)', () => {
  const header = fs.readFileSync(path.join(ROOT, 'src', 'wt_error.h'), 'utf8');
  const engine = [...header.matchAll(/^\s*X\(([A-Z_]+),/gm)].map((m) => m[1]).filter((c) => c !== 'OK').sort();
  const dts = fs.readFileSync(path.join(ROOT, 'js', 'index.d.ts'), 'utf8');
  const union = /export type EngineErrorCode =([^;]+);/.exec(dts)[1];
  assert.deepEqual([...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]).sort(), engine);
});
