// Page side of bench/browser.mjs: measurements run here, in Chromium, on the browser entry
// (js/index.browser.js) through a WebSocket proxy (websockify) or a Wisp server. Nothing is
// imported until asked, so coldStart() in a fresh page times the import and the wasm load.
// Results are raw numbers; bench/browser.mjs computes the medians.

const ENTRY = '/js/index.browser.js';
const enc = new TextEncoder();
/** One transport factory per proxy: a wisp() factory shares one WebSocket between connections. */
const factories = new Map();
/** ms the last transport took to open (WebSocket to websockify; Wisp stream, or session + stream). */
let lastTransportMs = null;

function transportFor(m, kind, url) {
  const key = `${kind} ${url}`;
  if (!factories.has(key)) {
    const factory = kind === 'wisp' ? m.wisp(url) : m.webSocket(url);
    factories.set(key, async (address, opts) => {
      const t0 = performance.now();
      const transport = await factory(address, opts);
      lastTransportMs = performance.now() - t0;
      return transport;
    });
  }
  return factories.get(key);
}

function open(m, { kind, url, port, ca }) {
  return m.connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, transport: transportFor(m, kind, url) });
}

async function closeSocket(socket) {
  await socket.close().catch(() => {});
  await socket.closed.catch(() => {});
}

/** Send "d<bytes>\n" on a `{ readable, writable }` pair and read until `bytes` arrived (or the end). */
async function requestBytes(pair, bytes) {
  const w = pair.writable.getWriter();
  await w.write(enc.encode(`d${bytes}\n`));
  w.releaseLock();
  const reader = pair.readable.getReader();
  let got = 0;
  while (got < bytes) {
    const { value, done } = await reader.read();
    if (done) break;
    got += value.length;
  }
  return { got, reader };
}

window.wasmtlsBench = {
  /** import of the browser entry, then its first wasm fetch + compile + instantiate (ms). */
  async coldStart() {
    const t0 = performance.now();
    const m = await import(ENTRY);
    const t1 = performance.now();
    const wasm = await m.loadWasmBrowser();
    const t2 = performance.now();
    return { importMs: t1 - t0, instantiateMs: t2 - t1, totalMs: t2 - t0, simd: wasm.exports.wt_build_simd() === 1 };
  },

  /** `warmup` then `n` sequential full handshakes: connect() → opened (ms each), then close. */
  async handshakes({ kind, url, port, ca, n, warmup = 2 }) {
    const m = await import(ENTRY);
    let info = null;
    for (let i = 0; i < warmup; i++) { const s = open(m, { kind, url, port, ca }); info = await s.opened; await closeSocket(s); }
    const latencies = [];
    const transportMs = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      const s = open(m, { kind, url, port, ca });
      info = await s.opened;
      latencies.push(performance.now() - start);
      transportMs.push(lastTransportMs);
      await closeSocket(s);
    }
    const wallMs = performance.now() - t0;
    return { latencies, transportMs, wallMs, version: info?.version, cipher: info?.cipher, group: info?.group,
      webSocketStream: typeof globalThis.WebSocketStream === 'function' };
  },

  /**
   * "d<bytes>\n" to the bench server (it sends <bytes> and keeps the connection open: websockify 0.10
   * drops data still queued for the page when the server closes), read until `bytes` arrived, close;
   * ms from connect() to the last byte.
   */
  async download({ kind, url, port, ca, bytes, cipher }) {
    const m = await import(ENTRY);
    const start = performance.now();
    const s = open(m, { kind, url, port, ca });
    const info = await s.opened;
    if (cipher && !info.cipher.includes(cipher)) { await closeSocket(s); throw new Error(`negotiated ${info.cipher}, expected ${cipher}`); }
    const { got, reader } = await requestBytes(s, bytes);
    const ms = performance.now() - start;
    reader.releaseLock();
    await closeSocket(s);
    if (got !== bytes) throw new Error(`${kind} download: got ${got} of ${bytes}`);
    return { ms, bytes: got, cipher: info.cipher };
  },

  /** The same download over the bare transport (a plain TCP server, no TLS): what the proxy path allows. */
  async rawDownload({ kind, url, port, bytes }) {
    const m = await import(ENTRY);
    const start = performance.now();
    const t = await transportFor(m, kind, url)({ hostname: '127.0.0.1', port });
    const { got, reader } = await requestBytes(t, bytes);
    const ms = performance.now() - start;
    await reader.cancel().catch(() => {});
    t.close?.();
    if (got !== bytes) throw new Error(`${kind} raw download: got ${got} of ${bytes}`);
    return { ms, bytes: got };
  },
};
document.documentElement.dataset.ready = 'true';
