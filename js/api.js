/**
 * The runtime-neutral public API. Each runtime entry (index.node.js, later
 * browsers / workers) supplies only how to load the wasm and which transports
 * exist.
 */
import { parseAddress, formatAddress } from './address.js';
import { normalizeOptions } from './options.js';
import { openConnection, failedSocket } from './connection.js';
import { WasmTlsError, invalidOption } from './errors.js';

let warnedInsecure = false;

/** Skip the one-time insecureSkipVerify console warning (the CLI prints its own). */
export function skipInsecureWarning() {
  warnedInsecure = true;
}

/**
 * @param {{ loadWasm: () => Promise<import('./wasm.js').WasmTls>,
 *           transports: Record<string, (address: { hostname: string, port: number }, opts: { signal?: AbortSignal }) => Promise<import('./connection.js').Transport>>,
 *           urlTransport?: (url: string) => Function }} runtime  urlTransport: how a 'ws://…' transport string is opened
 */
export function createConnect(runtime) {
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
    if (opts.insecureSkipVerify && !warnedInsecure) {
      warnedInsecure = true;
      console.warn('wasmtls: insecureSkipVerify is set: server certificates are NOT verified (tests only)');
    }
    return openConnection({ wasm: runtime.loadWasm(), openTransport, options: opts, label: formatAddress(parsed) });
  };
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
