// Page side of bench/fetch-browser.mjs: three fetch() clients in Chromium, each through the same
// Wisp server to the same nginx, with the same CA:
//   wasmtls     js/fetch/index.browser.js (+ js/index.browser.js's wisp()), createFetch({ tls: { ca }, transport })
//   epoxy-tls   npm @mercuryworkshop/epoxy-tls full/epoxy.js + epoxy.wasm (non-bundled), EpoxyClient.fetch,
//               the CA in EpoxyClientOptions.pem_files (mounted by the bench under /epoxy/)
//   libcurl.js  npm libcurl.js libcurl.mjs + libcurl.wasm (non-bundled), libcurl.fetch, mounted under /libcurl/.
//               libcurl.js has no option to add a CA (its C side points CURLOPT_CAINFO_BLOB at a PEM
//               bundle it generates in wasm memory from its built-in Mozilla roots, and there is no
//               insecure switch): giveLibcurlCa() writes our CA's PEM over the start of that in-memory
//               bundle (whole certificates only, the rest left as it was), so mbedTLS verifies the chain
//               against our CA exactly as CURLOPT_CAINFO_BLOB would. caCheck() shows each client
//               rejects nginx's chain before it has the CA.
// Nothing is imported until asked, so load() in a fresh page records what a client downloads
// (Resource Timing). Results are raw numbers; bench/fetch-browser.mjs computes rates and ratios.

const enc = new TextEncoder();
const dec = new TextDecoder();
const clients = new Map(); // name → { fetch(url, init) → Response, info(res)?, close() }
const mods = {};

/** Resource Timing entries that appeared while `fn` ran: what the page downloaded for it. */
async function fetchedDuring(fn) {
  const before = new Set(performance.getEntriesByType('resource').map((e) => e.name));
  const result = await fn();
  const resources = performance.getEntriesByType('resource').filter((e) => !before.has(e.name))
    .map((e) => ({ url: e.name, transferSize: e.transferSize, bodyBytes: e.decodedBodySize }));
  return { ...result, resources };
}

/** Read a Response body to its end, counting bytes (no copy kept). */
async function drain(res) {
  if (!res.body) return 0;
  const reader = res.body.getReader();
  let n = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return n;
    n += value.byteLength;
  }
}

// ---- libcurl.js: catch its wasm instance (for the CA store) and its verbose output --------------
let libcurlInstance = null;
let libcurlLines = null;

async function instantiateCatching(load) {
  const { instantiate, instantiateStreaming } = WebAssembly;
  const keep = (p) => p.then((r) => { libcurlInstance = r.instance ?? r; return r; });
  WebAssembly.instantiate = (...a) => keep(instantiate.apply(WebAssembly, a));
  WebAssembly.instantiateStreaming = (...a) => keep(instantiateStreaming.apply(WebAssembly, a));
  try { return await load(); } finally {
    WebAssembly.instantiate = instantiate;
    WebAssembly.instantiateStreaming = instantiateStreaming;
  }
}

/**
 * Put `pem` (one certificate) at the start of libcurl.js's in-memory CA bundle: the PEM text that
 * get_cacert() returns and CURLOPT_CAINFO_BLOB points at (CURL_BLOB_NOCOPY, parsed by mbedTLS on each
 * new connection). It replaces the first whole certificates of the bundle that it needs the room of;
 * the gap up to the next "-----BEGIN" is filled with newlines (mbedTLS skips text between PEM blocks).
 */
function giveLibcurlCa(pem) {
  const ex = libcurlInstance?.exports;
  if (!ex?.get_cacert || !ex.memory) throw new Error('libcurl.js: wasm instance or get_cacert not found');
  const ptr = ex.get_cacert();
  const heap = new Uint8Array(ex.memory.buffer);
  let end = ptr;
  while (heap[end] !== 0) end++;
  const bundle = dec.decode(heap.subarray(ptr, end));
  const ours = enc.encode(pem.trim() + '\n');
  const begin = '-----BEGIN CERTIFICATE-----';
  let at = bundle.indexOf(begin, ours.length);
  if (at < 0) throw new Error('libcurl.js: CA bundle too small for our CA');
  heap.set(ours, ptr);
  heap.fill(0x0a, ptr + ours.length, ptr + at);
  const after = dec.decode(heap.subarray(ptr, end));
  const count = (s) => s.split(begin).length - 1;
  return { bundleBytes: end - ptr, certsBefore: count(bundle), certsAfter: count(after), replaced: count(bundle.slice(0, at)) };
}

// ---- the three clients ---------------------------------------------------------------------------
const loaders = {
  async wasmtls() {
    const [f, core] = await Promise.all([import('/js/fetch/index.browser.js'), import('/js/index.browser.js')]);
    mods.wasmtls = { f, core };
  },
  async 'epoxy-tls'() {
    const m = await import('/epoxy/epoxy.js');
    await m.default({ module_or_path: new URL('/epoxy/epoxy.wasm', location.href) });
    mods['epoxy-tls'] = m;
  },
  async 'libcurl.js'() {
    const { libcurl } = await import('/libcurl/libcurl.mjs');
    libcurl.logger = () => {};
    libcurl.stderr = (line) => { libcurlLines?.push(line); };
    await instantiateCatching(() => libcurl.load_wasm('/libcurl/libcurl.wasm'));
    mods['libcurl.js'] = libcurl;
  },
};

const makers = {
  wasmtls({ wispUrl, ca }) {
    const { f, core } = mods.wasmtls;
    const fetch = f.createFetch({ tls: ca ? { ca } : {}, transport: core.wisp(wispUrl) });
    return {
      fetch: (url) => fetch(url),
      info: (res) => { const i = f.responseInfo(res); return { httpVersion: i.httpVersion, alpn: i.alpn, tls: i.tls, reused: i.reused }; },
      close: () => fetch.close(),
    };
  },
  'epoxy-tls'({ wispUrl, ca }) {
    const m = mods['epoxy-tls'];
    const o = new m.EpoxyClientOptions();
    o.wisp_v2 = false; // wasmtls's wisp() speaks Wisp v1: the same protocol for all
    o.udp_extension_required = false;
    if (ca) o.pem_files = [ca];
    const client = new m.EpoxyClient(wispUrl, o);
    return { fetch: (url) => client.fetch(url, {}), info: null, close: async () => {} };
  },
  'libcurl.js'({ wispUrl, ca }) {
    const libcurl = mods['libcurl.js'];
    libcurl.set_websocket(wispUrl);
    const caStore = ca ? giveLibcurlCa(ca) : null;
    const session = new libcurl.HTTPSession();
    return {
      caStore,
      fetch: (url, init) => session.fetch(url, init),
      // libcurl.js reports nothing on the Response: its verbose log (curl -v) on a new connection says it.
      async probe(url) {
        const s = new libcurl.HTTPSession();
        libcurlLines = [];
        try {
          const res = await s.fetch(url, { _libcurl_verbose: 1 });
          const bytes = await drain(res);
          const log = libcurlLines.join('\n');
          const tls = /(TLSv1\.[0-3]) Handshake complete, cipher is (\S+)/.exec(log) ?? /SSL connection using (\S+) \/ (\S+)/.exec(log);
          const alpn = /ALPN: server accepted (\S+)/.exec(log);
          const h = /using HTTP\/(\S+)/.exec(log);
          return { status: res.status, bytes, httpVersion: h ? h[1].replace(/^2$/, '2') : null, alpn: alpn?.[1] ?? null,
            tls: tls ? { version: tls[1], cipher: tls[2] } : null };
        } finally { libcurlLines = null; s.close(); }
      },
      close: async () => session.close(),
    };
  },
};

window.fetchBench = {
  /** import + wasm instantiation of `name`'s fetch (ms), with the files it downloaded. */
  load(name) {
    return fetchedDuring(async () => {
      const t0 = performance.now();
      await loaders[name]();
      return { ms: performance.now() - t0 };
    });
  },

  /** A client for `name` (its own pool / session) through `wispUrl`, trusting `ca` (or not, when null). */
  setup(name, { wispUrl, ca, as = name }) {
    const c = makers[name]({ wispUrl, ca });
    clients.set(as, c);
    return { caStore: c.caStore ?? null };
  },

  /** One GET: status, bytes, and what the client reports about the exchange (null where it reports nothing). */
  async get(as, url, { probe = false } = {}) {
    const c = clients.get(as);
    if (probe && c.probe) return c.probe(url);
    const res = await c.fetch(url);
    const bytes = await drain(res);
    return { status: res.status, bytes, ...(c.info ? c.info(res) : { httpVersion: null, alpn: null, tls: null }) };
  },

  /** GET that must fail (a client given no CA): the error it failed with, or { rejected: false }. */
  async mustReject(as, url) {
    try {
      const res = await clients.get(as).fetch(url);
      await drain(res);
      return { rejected: false, status: res.status };
    } catch (err) { return { rejected: true, error: String(err?.message ?? err).slice(0, 300) }; }
  },

  /** `n` GETs of `url`, one after the other or all at once: ms, and every [status, bytes]. */
  async requests(as, { url, n, concurrent }) {
    const c = clients.get(as);
    const one = async () => { const res = await c.fetch(url); return [res.status, await drain(res)]; };
    const t0 = performance.now();
    let results;
    if (concurrent) results = await Promise.all(Array.from({ length: n }, one));
    else { results = []; for (let i = 0; i < n; i++) results.push(await one()); }
    return { ms: performance.now() - t0, results };
  },

  async close(as) {
    const c = clients.get(as);
    clients.delete(as);
    await c?.close();
  },
};
document.documentElement.dataset.ready = 'true';
