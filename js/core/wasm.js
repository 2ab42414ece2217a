/**
 * Runtime-neutral loading of wasmtls.wasm (Emscripten STANDALONE_WASM, no JS
 * glue) and the small helpers every caller needs to move bytes across the
 * boundary. The module instance is shared by the whole process (one memory,
 * one malloc); each connection lives in its own malloc'd `wt_conn`.
 */

const MAX_RANDOM_CHUNK = 65536;
const WASI_ENOSYS = 52;
const WASI_BADF = 8;

/** @type {Promise<WasmTls> | null} */
let shared = null;

/** The smallest module with a SIMD128 instruction: (func (result v128) i32.const 0 i32x4.splat). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 65, 0, 253, 17, 11]);

/** @type {boolean | null} */
let simd = null;

/**
 * Whether this runtime runs wasm SIMD128, i.e. can use js/dist/wasmtls-simd.wasm
 * (same code and exports, built with -msimd128). Checked once, by validation only.
 * @returns {boolean}
 */
export function hasWasmSimd() {
  if (simd === null) {
    try { simd = WebAssembly.validate(SIMD_PROBE); } catch { simd = false; }
  }
  return simd;
}

/**
 * What every loader does: `read` the SIMD build where the runtime has SIMD,
 * falling back to the plain build if that fails; else the plain build.
 * @template T
 * @param {(url: URL) => Promise<T>} read
 * @param {URL} simdUrl
 * @param {URL} plainUrl
 * @returns {Promise<T>}
 */
export function readPreferringSimd(read, simdUrl, plainUrl) {
  return hasWasmSimd() ? read(simdUrl).catch(() => read(plainUrl)) : read(plainUrl);
}

/**
 * Read a wasm given to init({ wasm }) in a runtime with a file system: an http(s)/data/blob URL
 * is fetched, anything else (a file: URL or a path) is read with `readLocal`.
 * @param {URL | string} where
 * @param {(file: URL | string) => Promise<ArrayBuffer | Uint8Array>} readLocal
 */
export function readWasmFrom(where, readLocal) {
  const href = String(where);
  if (/^(https?|data|blob):/i.test(href)) {
    return globalThis.fetch(href).then((res) => {
      if (!res.ok) throw new Error(`cannot fetch ${href}: HTTP ${res.status}`);
      return res.arrayBuffer();
    });
  }
  return readLocal(/^file:/i.test(href) ? new URL(href) : href);
}

/**
 * The shared instance if one is loaded or loading (init({ wasm }) or an earlier
 * connection), else null: loaders then skip reading their default build.
 * @returns {Promise<WasmTls> | null}
 */
export function loadedWasm() {
  return shared;
}

/**
 * Instantiate the module once per process; later calls return the same instance
 * (the `source` of later calls is ignored).
 * @param {WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response | PromiseLike<WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response>} source
 * @returns {Promise<WasmTls>}
 */
export function instantiate(source) {
  if (!shared) {
    shared = instantiateFresh(source);
    shared.catch(() => { shared = null; }); // allow a retry after a failed load
  }
  return shared;
}

/**
 * Instantiate a new, unshared instance (tests, isolation).
 * @returns {Promise<WasmTls>}
 */
export async function instantiateFresh(source) {
  const module = await compile(await source);
  let instance;
  const imports = buildImports(module, () => instance.exports.memory);
  instance = await WebAssembly.instantiate(module, imports);
  return new WasmTls(instance);
}

async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  // bytes first: in Node, merely reading the global `Response` loads undici (~30 ms of cold start)
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (typeof WebAssembly.compileStreaming === 'function' &&
        (source.headers.get('content-type') || '').startsWith('application/wasm')) {
      return WebAssembly.compileStreaming(source);
    }
    return WebAssembly.compile(await source.arrayBuffer());
  }
  throw new TypeError('wasmtls: unsupported wasm source (expected a WebAssembly.Module, bytes or a Response)');
}

/**
 * The native signature verifier the import env.wt_js_sig_verify calls (js/core/native-verify.js),
 * or null: then it answers -1 and BearSSL verifies. Process-wide, like the instance; each
 * connection decides whether its checks ask it (wt_conn_set_native_verify).
 * @type {((scheme: number, keyType: number, key: Uint8Array, aux: number, msg: Uint8Array, sig: Uint8Array) => number) | null}
 */
let sigVerifier = null;

/** Install (or with null remove) the native signature verifier. */
export function setSigVerifier(fn) {
  sigVerifier = typeof fn === 'function' ? fn : null;
}

/** The installed native signature verifier, or null. */
export function getSigVerifier() {
  return sigVerifier;
}

/**
 * The asynchronous native verifier (js/core/webcrypto-verify.js): a batch of requests in, a
 * promise of one verdict each (1 valid, 0 invalid, -1 cannot) out. Used by connections only
 * where there is no synchronous one (wt_conn_set_async_verify; the pump feeds the verdicts back).
 * @type {((requests: Array<{ scheme: number, keyType: number, key: Uint8Array, aux: number, msg: Uint8Array, sig: Uint8Array }>) => Promise<number[]>) | null}
 */
let asyncSigVerifier = null;

/** Install (or with null remove) the asynchronous signature verifier. */
export function setAsyncSigVerifier(fn) {
  asyncSigVerifier = typeof fn === 'function' ? fn : null;
}

/** The installed asynchronous signature verifier, or null. */
export function getAsyncSigVerifier() {
  return asyncSigVerifier;
}

/**
 * The runtime's AEAD for record protection (js/core/native-cipher.js), or null: then the
 * imports env.wt_js_aead_* answer "cannot" and the wasm AEAD protects every record.
 * Process-wide; each connection decides whether its records ask it (wt_conn_set_native_cipher).
 * @type {{ init(alg: number, key: Uint8Array): number, seal(h: number, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array, tag: Uint8Array): number,
 *          open(h: number, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array, tag: Uint8Array): number, free(h: number): void } | null}
 */
let aeadNative = null;

/** Install (or with null remove) the runtime's AEAD. */
export function setAeadNative(cipher) {
  aeadNative = cipher && typeof cipher.init === 'function' ? cipher : null;
}

/** The installed runtime AEAD, or null. */
export function getAeadNative() {
  return aeadNative;
}

/** Fill `len` bytes at `ptr` with CSPRNG output. */
function fillRandom(memory, ptr, len) {
  for (let off = 0; off < len; off += MAX_RANDOM_CHUNK) {
    const n = Math.min(MAX_RANDOM_CHUNK, len - off);
    globalThis.crypto.getRandomValues(new Uint8Array(memory().buffer, ptr + off, n));
  }
}

/** Host functions the module may import, by module and name. */
function hostFunctions(memory) {
  const dv = () => new DataView(memory().buffer);
  return {
    env: {
      wt_js_random(ptr, len) {
        try { fillRandom(memory, ptr >>> 0, len >>> 0); return 0; } catch { return -1; }
      },
      // 1 valid, 0 invalid, -1 cannot (BearSSL verifies): never 1 unless the verifier said exactly 1
      wt_js_sig_verify(scheme, keyType, keyPtr, keyLen, aux, msgPtr, msgLen, sigPtr, sigLen) {
        const verifier = sigVerifier;
        if (!verifier) return -1;
        try {
          const buf = memory().buffer;
          const view = (ptr, len) => new Uint8Array(buf, ptr >>> 0, len >>> 0);
          const r = verifier(scheme >>> 0, keyType >>> 0, view(keyPtr, keyLen), aux >>> 0,
            view(msgPtr, msgLen), view(sigPtr, sigLen));
          return r === 1 ? 1 : r === 0 ? 0 : -1;
        } catch {
          return -1;
        }
      },
      // record protection on the runtime's AEAD: anything but the documented answers is "cannot" (wasm)
      wt_js_aead_init(alg, keyPtr, keyLen) {
        const cipher = aeadNative;
        if (!cipher) return -1;
        try {
          const h = cipher.init(alg >>> 0, new Uint8Array(memory().buffer, keyPtr >>> 0, keyLen >>> 0));
          return Number.isInteger(h) && h > 0 && h <= 0x7fffffff ? h : -1;
        } catch {
          return -1;
        }
      },
      wt_js_aead_seal(h, noncePtr, aadPtr, aadLen, dataPtr, len, tagPtr) {
        const cipher = aeadNative;
        if (!cipher) return -1;
        try {
          const buf = memory().buffer;
          return cipher.seal(h, new Uint8Array(buf, noncePtr >>> 0, 12), new Uint8Array(buf, aadPtr >>> 0, aadLen >>> 0),
            new Uint8Array(buf, dataPtr >>> 0, len >>> 0), new Uint8Array(buf, tagPtr >>> 0, 16)) === 0 ? 0 : -1;
        } catch {
          return -1;
        }
      },
      wt_js_aead_open(h, noncePtr, aadPtr, aadLen, dataPtr, len, tagPtr) {
        const cipher = aeadNative;
        if (!cipher) return -1;
        try {
          const buf = memory().buffer;
          const r = cipher.open(h, new Uint8Array(buf, noncePtr >>> 0, 12), new Uint8Array(buf, aadPtr >>> 0, aadLen >>> 0),
            new Uint8Array(buf, dataPtr >>> 0, len >>> 0), new Uint8Array(buf, tagPtr >>> 0, 16));
          return r === 1 ? 1 : r === 0 ? 0 : -1;
        } catch {
          return -1;
        }
      },
      wt_js_aead_free(h) {
        try { aeadNative?.free(h); } catch { /* nothing to give back */ }
      },
      emscripten_notify_memory_growth() {},
    },
    wasi_snapshot_preview1: {
      random_get(ptr, len) {
        try { fillRandom(memory, ptr >>> 0, len >>> 0); return 0; } catch { return WASI_ENOSYS; }
      },
      proc_exit(code) { throw new Error(`wasmtls.wasm called proc_exit(${code}) (abort in the engine)`); },
      fd_write(fd, iovs, iovsLen, nwrittenPtr) {
        // Count the bytes as written (stdout/stderr of the engine go nowhere).
        const view = dv();
        let total = 0;
        for (let i = 0; i < iovsLen; i++) total += view.getUint32(iovs + i * 8 + 4, true);
        view.setUint32(nwrittenPtr, total, true);
        return 0;
      },
      fd_close() { return WASI_BADF; },
      fd_seek() { return WASI_BADF; },
      fd_read() { return WASI_BADF; },
      fd_fdstat_get() { return WASI_BADF; },
      environ_sizes_get(countPtr, sizePtr) { const v = dv(); v.setUint32(countPtr, 0, true); v.setUint32(sizePtr, 0, true); return 0; },
      environ_get() { return 0; },
      args_sizes_get(countPtr, sizePtr) { const v = dv(); v.setUint32(countPtr, 0, true); v.setUint32(sizePtr, 0, true); return 0; },
      args_get() { return 0; },
      clock_time_get(_id, _precision, outPtr) {
        dv().setBigUint64(outPtr, BigInt(Date.now()) * 1000000n, true);
        return 0;
      },
    },
  };
}

/** The import object for `module`; throws a clear error for an import we cannot provide. */
function buildImports(module, memory) {
  const available = hostFunctions(memory);
  /** @type {Record<string, Record<string, Function>>} */
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const fn = available[imp.module]?.[imp.name];
    if (imp.kind !== 'function' || !fn) {
      throw new Error(`wasmtls.wasm needs an import this JS does not provide: ${imp.module}.${imp.name} (${imp.kind}); ` +
        'the .wasm and the JS package are out of step: rebuild with `npm run build`');
    }
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  return imports;
}

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** An instantiated module plus helpers for its linear memory. */
export class WasmTls {
  /** @param {WebAssembly.Instance} instance */
  constructor(instance) {
    /** @type {Record<string, Function> & { memory: WebAssembly.Memory }} */
    this.exports = /** @type {any} */ (instance.exports);
    const missing = ['memory', 'malloc', 'free', 'wt_conn_new', 'wt_conn_free', 'wt_error_name']
      .filter((name) => !(name in this.exports));
    if (missing.length) throw new Error(`wasmtls.wasm lacks exports: ${missing.join(', ')}`);
    if (typeof this.exports._initialize === 'function') this.exports._initialize();
  }

  /** A fresh view of all of memory (call after every wasm call: growth detaches old views). */
  get heap() {
    return new Uint8Array(this.exports.memory.buffer);
  }

  /** Read a NUL-terminated UTF-8 string at `ptr` ('' for NULL). */
  cstring(ptr) {
    if (!ptr) return '';
    const heap = this.heap;
    let end = ptr >>> 0;
    while (end < heap.length && heap[end] !== 0) end++;
    return decoder.decode(heap.subarray(ptr >>> 0, end));
  }

  /** Copy `len` bytes at `ptr` out of wasm memory into a new Uint8Array. */
  copyOut(ptr, len) {
    return this.heap.slice(ptr >>> 0, (ptr >>> 0) + len);
  }

  /** Copy `bytes` into wasm memory at `ptr`. */
  copyIn(ptr, bytes) {
    this.heap.set(bytes, ptr >>> 0);
  }

  /**
   * SHA-256 of public bytes, synchronously (wt_sha256 in wasm): fingerprints and the trust-policy
   * digest, where crypto.subtle.digest would be asynchronous and cost more than the hash.
   * @param {Uint8Array} bytes
   * @returns {Uint8Array} 32 bytes
   */
  sha256(bytes) {
    const x = this.exports;
    const out = x.malloc(32);
    if (!out) throw new Error('wasmtls: out of wasm memory');
    try {
      this.withBytes(bytes, (p, n) => x.wt_sha256(p, n, out));
      return this.copyOut(out, 32);
    } finally {
      x.free(out);
    }
  }

  /**
   * Call `fn(ptr, len)` with `bytes` (or a string, as UTF-8) in a temporary
   * malloc'd buffer, wiped and freed afterwards.
   * @template T
   * @param {Uint8Array | string} bytes
   * @param {(ptr: number, len: number) => T} fn
   * @returns {T}
   */
  withBytes(bytes, fn) {
    const data = typeof bytes === 'string' ? encoder.encode(bytes) : bytes;
    const ptr = this.exports.malloc(Math.max(1, data.length));
    if (!ptr) throw new Error('wasmtls: out of wasm memory');
    try {
      this.copyIn(ptr, data);
      return fn(ptr, data.length);
    } finally {
      this.heap.fill(0, ptr, ptr + data.length);
      this.exports.free(ptr);
    }
  }
}
