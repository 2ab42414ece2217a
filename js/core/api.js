/**
 * The runtime-neutral public API. Each runtime entry (index.node.js,
 * index.workerd.js, index.deno.js, index.bun.js, ...) supplies only how to load
 * the wasm and which transports exist.
 */
import { parseAddress, formatAddress } from './address.js';
import { normalizeOptions } from './options.js';
import { openConnection, failedSocket } from './connection.js';
import { WasmTlsError, invalidOption } from './errors.js';
import { hintFor } from './hints.js';
import { instantiate, setAeadNative, setAsyncSigVerifier, setSigVerifier } from './wasm.js';

const INSECURE_WARNING = 'wasmtls: insecureSkipVerify is set: server certificates are NOT verified (tests only)';
let warnedInsecure = false;

/** Skip the one-time insecureSkipVerify warning (the CLI prints its own). */
export function skipInsecureWarning() {
  warnedInsecure = true;
}

/** The one-time insecureSkipVerify warning: through runtime.warn (Node: process.emitWarning), else console.warn. */
function warnInsecure(runtime) {
  if (warnedInsecure) return;
  warnedInsecure = true;
  if (runtime.warn) runtime.warn(INSECURE_WARNING, 'WASMTLS_INSECURE');
  else console.warn(INSECURE_WARNING);
}

/**
 * Without `ca`, an unknown issuer is most likely a private CA: the hint of
 * UNKNOWN_CA / MISSING_INTERMEDIATE then leads with "pass `ca`". Runs before
 * the app's own handlers (registered first), on the one error object that
 * `opened`, `closed` and the streams share.
 */
function refineHints(socket, opts) {
  if (opts.ca.length || opts.insecureSkipVerify) return socket;
  socket.opened.catch((err) => {
    if (!(err instanceof WasmTlsError) || err.hint !== hintFor(err.code)) return;
    const hint = hintFor(err.code, { caGiven: false });
    if (hint) err.hint = hint;
  });
  return socket;
}

/**
 * @typedef {{ loadWasm: () => Promise<import('./wasm.js').WasmTls>,
 *             transports: Record<string, (address: { hostname: string, port: number }, opts: { signal?: AbortSignal }) => Promise<import('./connection.js').Transport>>,
 *             urlTransport?: (url: string) => Function,
 *             defaultCa?: () => Promise<Array<string | Uint8Array>>,
 *             warn?: (message: string, code: string) => void,
 *             sigVerify?: ((scheme: number, keyType: number, key: Uint8Array, aux: number, msg: Uint8Array, sig: Uint8Array) => number) | null,
 *             sigVerifyAsync?: ((requests: Array<{ scheme: number, keyType: number, key: Uint8Array, aux: number, msg: Uint8Array, sig: Uint8Array }>) => Promise<number[]>) | null,
 *             aeadNative?: object | null }} Runtime
 *   urlTransport: how a 'ws://…' transport string is opened; defaultCa: the trust anchors when no
 *   `ca` is given (default: the bundled roots, js/roots.js); warn: how to warn (default console.warn);
 *   sigVerify: a synchronous native signature verifier (js/core/native-verify.js), or none: BearSSL verifies;
 *   sigVerifyAsync: an asynchronous batch verifier (js/core/webcrypto-verify.js), used where sigVerify is absent;
 *   aeadNative: record protection on the runtime's AEAD (js/core/native-cipher.js), or none: wasm
 */

/** The runtime's native signature verifiers (runtime.sigVerify, runtime.sigVerifyAsync), if it has them. */
function useRuntime(runtime) {
  if (typeof runtime.sigVerify === 'function') setSigVerifier(runtime.sigVerify);
  if (typeof runtime.sigVerifyAsync === 'function') setAsyncSigVerifier(runtime.sigVerifyAsync);
  if (runtime.aeadNative) setAeadNative(runtime.aeadNative);
}

/**
 * @param {Runtime} runtime
 */
export function createConnect(runtime) {
  useRuntime(runtime);
  /**
   * Open a TLS connection. Never throws: every failure (including invalid
   * options) rejects `opened` and `closed` with a WasmTlsError.
   * @param {string | { hostname: string, port: number }} address
   * @param {object} [options]
   */
  return function connect(address, options) {
    let parsed, opts, openTransport;
    try {
      parsed = parseAddress(address);
      opts = normalizeOptions(options, parsed);
      openTransport = transportOpener(runtime, opts.transport, parsed);
    } catch (err) {
      return failedSocket(err instanceof WasmTlsError ? err : invalidOption(String(err?.message ?? err), err));
    }
    if (opts.insecureSkipVerify) warnInsecure(runtime);
    addKeylogFile(runtime, opts);
    return refineHints(openConnection({
      wasm: runtime.loadWasm(), openTransport, options: opts, label: formatAddress(parsed), defaultCa: runtime.defaultCa,
    }), opts);
  };
}

/**
 * @param {Runtime} runtime
 */
export function createUpgrade(runtime) {
  useRuntime(runtime);
  /**
   * Start TLS on an already-open byte pair (STARTTLS): `existing` is
   * `{ readable, writable, close? }` (both streams unlocked), e.g. a plain TCP
   * socket after PostgreSQL's SSLRequest was answered with 'S'. Same options
   * as connect() except `transport`; `serverName` is required (there is no
   * address to take it from). Never throws: failures reject `opened`.
   * @param {{ readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>, close?: () => void }} existing
   * @param {object} options
   */
  return function upgrade(existing, options) {
    let opts, transport;
    try {
      transport = checkExisting(existing);
      if (!options || typeof options !== 'object') throw invalidOption('upgrade() needs options with at least serverName');
      if (options.transport !== undefined) throw invalidOption('upgrade() takes no `transport`: the existing streams are the transport');
      if (typeof options.serverName !== 'string' || options.serverName === '') {
        throw invalidOption('upgrade() needs `serverName` (the name to send as SNI and to check in the certificate)');
      }
      opts = normalizeOptions(options, { hostname: options.serverName });
    } catch (err) {
      return failedSocket(err instanceof WasmTlsError ? err : invalidOption(String(err?.message ?? err), err));
    }
    if (opts.insecureSkipVerify) warnInsecure(runtime);
    addKeylogFile(runtime, opts);
    return refineHints(openConnection({
      wasm: runtime.loadWasm(), openTransport: () => transport, options: opts, label: opts.serverName, defaultCa: runtime.defaultCa,
    }), opts);
  };
}

/**
 * The runtime's key log file (Node: $SSLKEYLOGFILE), if any, joins the `keylog` option: both get
 * every line. Neither set: the engine keeps no key log.
 */
function addKeylogFile(runtime, opts) {
  const sink = runtime.keylogFile?.();
  if (!sink) return;
  const own = opts.keylog;
  opts.keylog = typeof own === 'function' ? (line) => { sink(line); own(line); } : sink;
}

/** Validate the byte pair given to upgrade(); returns it as a Transport. */
function checkExisting(existing) {
  if (!existing || typeof existing !== 'object') throw invalidOption('upgrade() needs { readable, writable } as its first argument');
  const { readable, writable } = existing;
  if (typeof readable?.getReader !== 'function' || typeof writable?.getWriter !== 'function') {
    throw invalidOption('upgrade(existing): existing.readable must be a ReadableStream and existing.writable a WritableStream');
  }
  if (readable.locked || writable.locked) {
    throw invalidOption('upgrade(existing): release the reader/writer locks (releaseLock()) before upgrading');
  }
  const close = typeof existing.close === 'function' ? () => {
    // Cloudflare's socket.close() returns a promise; a failure to close is not the app's problem.
    try { Promise.resolve(existing.close()).catch(() => {}); } catch { /* already closed */ }
  } : undefined;
  return { readable, writable, close };
}

function transportOpener(runtime, transport, address) {
  if (typeof transport === 'function') {
    return (signal) => transport(address, { signal });
  }
  if (typeof transport === 'string' && Object.hasOwn(runtime.transports, transport)) {
    const open = runtime.transports[transport];
    return (signal) => open(address, { signal });
  }
  if (typeof transport === 'string' && /^wss?:\/\//i.test(transport) && runtime.urlTransport) {
    const open = runtime.urlTransport(transport);
    return (signal) => open(address, { signal });
  }
  if (transport === 'tcp' && !runtime.transports.tcp) {
    throw invalidOption('this runtime has no TCP: pass `transport` (a WebSocket proxy URL, webSocket(url), wisp(url) or a function)');
  }
  throw invalidOption(`transport must be ${Object.keys(runtime.transports).map((t) => `'${t}'`).join(' | ')} or a function`);
}

/**
 * `init({ wasm })`: choose the wasm before the first connection — a URL (or a
 * URL/path string) the runtime reads, the bytes, or a compiled
 * `WebAssembly.Module` — for bundles that do not ship js/dist/ next to the
 * code. Without `wasm`, loads the default build now (a warm-up). The module is
 * instantiated once per process (or page): once a connection loaded it, later
 * calls change nothing. Rejects with INVALID_OPTION or the load error.
 * @param {Runtime & { readWasm?: (url: URL | string) => Promise<ArrayBuffer | Uint8Array | Response | WebAssembly.Module> }} runtime
 */
export function createInit(runtime) {
  return async function init(options) {
    if (options !== undefined && (options === null || typeof options !== 'object')) throw invalidOption('init(options): options must be an object');
    const known = ['wasm'];
    for (const key of Object.keys(options ?? {})) {
      if (!known.includes(key)) throw invalidOption(`init(): unknown option ${JSON.stringify(key)} (known: wasm)`);
    }
    const wasm = options?.wasm;
    if (wasm === undefined) { await runtime.loadWasm(); return; }
    let source;
    if (wasm instanceof WebAssembly.Module || wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm)) {
      source = wasm;
    } else if (typeof wasm === 'string' || (typeof URL !== 'undefined' && wasm instanceof URL)) {
      if (!runtime.readWasm) throw invalidOption('init({ wasm }): this runtime takes only a compiled WebAssembly.Module');
      source = runtime.readWasm(wasm);
    } else if (typeof Response !== 'undefined' && wasm instanceof Response) {
      source = wasm;
    } else {
      throw invalidOption('init({ wasm }) takes a URL, a URL or path string, the bytes (ArrayBuffer / Uint8Array) or a compiled WebAssembly.Module');
    }
    try {
      await instantiate(source);
    } catch (err) {
      if (err instanceof WasmTlsError) throw err;
      throw new WasmTlsError('INTERNAL', `cannot load the wasm given to init(): ${err?.message ?? err}`, { cause: err });
    }
  };
}
