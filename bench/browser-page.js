// Page side of bench/browser.mjs: measurements run here, in Chromium, on the browser entry
// (js/index.browser.js) through a WebSocket proxy (websockify) or a Wisp server. Nothing is
// imported until asked, so coldStart() in a fresh page times the import and the wasm load.
// Results are raw numbers; bench/browser.mjs computes the medians.
// window.epoxyBench runs the same measurements on npm @mercuryworkshop/epoxy-tls (rustls in wasm,
// its own Wisp client), served by bench/browser.mjs under /epoxy/ (the package's full/ directory:
// epoxy.js + epoxy.wasm, the non-bundled build, so the wasm is fetched and compiled like ours).

const ENTRY = '/js/index.browser.js';
const EPOXY = '/epoxy/epoxy.js';
const enc = new TextEncoder();
const dec = new TextDecoder();
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
    got += value.byteLength;
  }
  return { got, reader };
}

/** Resource Timing entries that appeared while `fn` ran: what the page downloaded for it. */
async function fetchedDuring(fn) {
  const before = new Set(performance.getEntriesByType('resource').map((e) => e.name));
  const result = await fn();
  const resources = performance.getEntriesByType('resource').filter((e) => !before.has(e.name))
    .map((e) => ({ url: e.name, transferSize: e.transferSize, bodyBytes: e.decodedBodySize }));
  return { ...result, resources };
}

/** Read a `{ readable }` (or epoxy's `{ read }`) stream to its end as text. */
async function readAllText(readable) {
  const reader = readable.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value instanceof Uint8Array ? value : new Uint8Array(value), { stream: true });
  }
  return text + dec.decode();
}

window.wasmtlsBench = {
  /**
   * import of the browser entry (or of `entry`: the minified bundle js/dist/wasmtls.browser.min.js),
   * then its first wasm fetch + compile + instantiate (ms).
   */
  async coldStart(entry = ENTRY) {
    return fetchedDuring(async () => {
      const t0 = performance.now();
      const m = await import(entry);
      const t1 = performance.now();
      const wasm = await m.loadWasmBrowser();
      const t2 = performance.now();
      return { importMs: t1 - t0, instantiateMs: t2 - t1, totalMs: t2 - t0, simd: wasm.exports.wt_build_simd() === 1 };
    });
  },

  /** The suite the server says it negotiated with us ("i0\n" → "<protocol> <suite>"), and our own view. */
  async serverView({ kind, url, port, ca }) {
    const m = await import(ENTRY);
    const s = open(m, { kind, url, port, ca });
    const info = await s.opened;
    const w = s.writable.getWriter();
    await w.write(enc.encode('i0\n'));
    w.releaseLock();
    const line = (await readAllText(s.readable)).trim();
    await closeSocket(s);
    return { server: line, client: `${info.version} ${info.cipher}` };
  },

  /**
   * `warmup` then `n` sequential full handshakes: connect() → opened (ms each), then close. With
   * `holdOpen` the connections are closed together after the n-th (still inside this call): a
   * close_notify + Wisp CLOSE just before the next connect makes the relay and the server tear the
   * old connection down while the next ClientHello arrives (epoxy-tls's close sends nothing).
   */
  async handshakes({ kind, url, port, ca, n, warmup = 2, holdOpen = false }) {
    const m = await import(ENTRY);
    let info = null;
    for (let i = 0; i < warmup; i++) { const s = open(m, { kind, url, port, ca }); info = await s.opened; await closeSocket(s); }
    const latencies = [];
    const transportMs = [];
    const held = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      const s = open(m, { kind, url, port, ca });
      info = await s.opened;
      latencies.push(performance.now() - start);
      transportMs.push(lastTransportMs);
      if (holdOpen) held.push(s);
      else await closeSocket(s);
    }
    for (const s of held) await closeSocket(s);
    const wallMs = performance.now() - t0;
    return { latencies, transportMs, wallMs, held: holdOpen, version: info?.version, cipher: info?.cipher, group: info?.group,
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

/** One EpoxyClient (one Wisp WebSocket, a new stream per connect) per Wisp URL + CA. */
const epoxyClients = new Map();
async function epoxyClient(wispUrl, ca) {
  const key = `${wispUrl} ${ca ?? ''}`;
  if (!epoxyClients.has(key)) {
    const m = await import(EPOXY);
    await m.default({ module_or_path: new URL('/epoxy/epoxy.wasm', location.href) });
    const o = new m.EpoxyClientOptions();
    o.wisp_v2 = false; // wasmtls's wisp() speaks Wisp v1; the same protocol for both
    o.udp_extension_required = false;
    // The bench CA as epoxy's only extra root (rustls verifies the chain against it: the same CA
    // wasmtls is given). Without it the chain must fail: see rejectsWithoutCa().
    if (ca) o.pem_files = [ca];
    epoxyClients.set(key, new m.EpoxyClient(wispUrl, o));
  }
  return epoxyClients.get(key);
}

/** connect_tls resolves once rustls finished the handshake (the stream can carry data). */
const epoxyConnect = (client, port) => client.connect_tls(`tls://127.0.0.1:${port}`);

// Cancel the readable, then abort the writable (epoxy 2.1.19-1: write.close() on a TLS stream takes
// the whole headless Chromium down here, so the graceful close is not used).
async function epoxyClose(s) {
  await s.read.cancel().catch(() => {});
  await s.write.abort().catch(() => {});
}

window.epoxyBench = {
  /** import of epoxy.js, then its init(): fetch + compile + instantiate epoxy.wasm (ms). */
  async coldStart() {
    return fetchedDuring(async () => {
      const t0 = performance.now();
      const m = await import(EPOXY);
      const t1 = performance.now();
      await m.default({ module_or_path: new URL('/epoxy/epoxy.wasm', location.href) });
      const t2 = performance.now();
      return { importMs: t1 - t0, instantiateMs: t2 - t1, totalMs: t2 - t0, version: m.info.version };
    });
  },

  /** The same `warmup` + `n` sequential handshakes as wasmtlsBench.handshakes: connect_tls() → resolved. */
  async handshakes({ url, port, ca, n, warmup = 2, holdOpen = false }) {
    const client = await epoxyClient(url, ca);
    for (let i = 0; i < warmup; i++) await epoxyClose(await epoxyConnect(client, port));
    const latencies = [];
    const held = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      const s = await epoxyConnect(client, port);
      latencies.push(performance.now() - start);
      if (holdOpen) held.push(s);
      else await epoxyClose(s);
    }
    for (const s of held) await epoxyClose(s);
    return { latencies, wallMs: performance.now() - t0 };
  },

  /** The suite the server negotiated with epoxy (epoxy's API does not report it). */
  async serverView({ url, port, ca }) {
    const client = await epoxyClient(url, ca);
    const s = await epoxyConnect(client, port);
    const w = s.write.getWriter();
    await w.write(enc.encode('i0\n'));
    w.releaseLock();
    const line = (await readAllText(s.read)).trim();
    await epoxyClose(s);
    return { server: line };
  },

  /** Without the bench CA (epoxy's built-in roots only) the handshake must fail: the CA is really used. */
  async rejectsWithoutCa({ url, port }) {
    const client = await epoxyClient(url, null);
    try {
      const s = await epoxyConnect(client, port);
      await epoxyClose(s);
      return { rejected: false };
    } catch (err) { return { rejected: true, error: String(err?.message ?? err) }; }
  },

  /** "d<bytes>\n", read until `bytes` arrived; ms from connect_tls() to the last byte. */
  async download({ url, port, ca, bytes }) {
    const client = await epoxyClient(url, ca);
    const start = performance.now();
    const s = await epoxyConnect(client, port);
    const { got, reader } = await requestBytes({ readable: s.read, writable: s.write }, bytes);
    const ms = performance.now() - start;
    reader.releaseLock();
    await epoxyClose(s);
    if (got !== bytes) throw new Error(`epoxy download: got ${got} of ${bytes}`);
    return { ms, bytes: got };
  },
};
document.documentElement.dataset.ready = 'true';
