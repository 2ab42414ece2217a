/**
 * Record protection on the runtime's AEAD: the JS side of the wasm imports
 * env.wt_js_aead_init/seal/open/free (wasm/wt_wasm.c, src/wt_crypto.h wt_aead_native).
 *
 * The record layer stays in C (framing, sequence numbers, nonces, AAD, padding and
 * inner type, the key schedule); only the AEAD call itself comes here. node:crypto's
 * AES-GCM and ChaCha20-Poly1305 are OpenSSL's constant-time code (AES-NI + PCLMULQDQ
 * where the CPU has them), measured at 1.6-2.0 GB/s per 16 KiB record against ~0.5 GB/s
 * for the wasm SIMD primitives (docs/PERFORMANCE.md, "record protection").
 *
 * Contract (what C relies on):
 *   init(alg, key)   alg 1 AES-128-GCM, 2 AES-256-GCM, 3 ChaCha20-Poly1305; keeps a
 *                    copy of the key in a Buffer -> handle > 0, or -1: cannot (wasm)
 *   seal(h, nonce, aad, data, tag)  writes the ciphertext over data and the tag -> 0,
 *                    or -1 having written nothing
 *   open(h, nonce, aad, data, tag)  decrypts into a JS buffer, checks the tag
 *                    (final()); only then copies the plaintext over data -> 1;
 *                    a bad tag -> 0 (the JS buffer is zeroed, data untouched);
 *                    -1 cannot, nothing written
 *   free(h)          zeroes the key copy and forgets the handle
 * Each algorithm is used only after a known-answer test passed through this very code
 * (NIST GCM spec test cases 4 and 16, RFC 8439 §2.8.2): seal gives the expected
 * ciphertext and tag, open gives the plaintext back, a flipped tag bit is refused.
 * An algorithm that fails it, or a node:crypto that throws, answers -1 (wasm).
 */

const NAMES = { 1: 'aes-128-gcm', 2: 'aes-256-gcm', 3: 'chacha20-poly1305' };
const KEY_LEN = { 1: 16, 2: 32, 3: 32 };

/**
 * Counters (tests, benchmarks): records sealed and opened by the runtime's AEAD, keys
 * handed over and freed (`live` = handed over and not yet freed), KAT results by algorithm.
 */
export const nativeCipherStats = { seal: 0, open: 0, bad: 0, init: 0, free: 0, live: 0, kat: /** @type {Record<string, boolean>} */ ({}) };

/**
 * The Node-side entries' cipher: createNodeCipher(node:crypto), unless `env` has
 * WASMTLS_NATIVE_CIPHER=0 (wasm only, as the `nativeCipher: false` option does per
 * connection). `nodeCrypto` is the module, or a function returning it, called on the first
 * key (Node: process.getBuiltinModule, so that importing wasmtls does not load node:crypto);
 * if that fails, every key stays in wasm.
 * @param {typeof import('node:crypto') | (() => typeof import('node:crypto'))} nodeCrypto
 * @param {Record<string, string | undefined>} [env]
 */
export function nodeAeadNative(nodeCrypto, env) {
  if (env?.WASMTLS_NATIVE_CIPHER === '0') return null;
  if (typeof nodeCrypto !== 'function') return createNodeCipher(nodeCrypto);
  /** @type {ReturnType<typeof createNodeCipher> | undefined} */
  let cipher;
  const get = () => {
    if (cipher === undefined) {
      try { cipher = createNodeCipher(nodeCrypto()); } catch { cipher = null; }
    }
    return cipher;
  };
  return {
    init: (alg, key) => get()?.init(alg, key) ?? -1,
    seal: (h, nonce, aad, data, tag) => cipher ? cipher.seal(h, nonce, aad, data, tag) : -1,
    open: (h, nonce, aad, data, tag) => cipher ? cipher.open(h, nonce, aad, data, tag) : -1,
    free: (h) => { cipher?.free(h); },
  };
}

/**
 * A synchronous AEAD on node:crypto (createCipheriv / createDecipheriv per record), or
 * null when the module lacks them.
 * @param {typeof import('node:crypto')} nodeCrypto
 */
export function createNodeCipher(nodeCrypto) {
  const { createCipheriv, createDecipheriv } = nodeCrypto ?? {};
  if (typeof createCipheriv !== 'function' || typeof createDecipheriv !== 'function') return null;
  const B = globalThis.Buffer;
  if (typeof B?.from !== 'function') return null;
  /** @type {Map<number, { alg: number, key: Buffer }>} */
  const keys = new Map();
  let next = 1;
  /** @type {Record<number, boolean>} */
  const usable = {};

  function sealWith(alg, key, nonce, aad, data, tag) {
    const c = createCipheriv(NAMES[alg], key, nonce, { authTagLength: 16 });
    c.setAAD(aad);   // (plaintextLength is CCM's: no options object per record)
    const out = c.update(data);
    const fin = c.final();
    const t = c.getAuthTag();
    if (out.length + fin.length !== data.length || t.length !== 16) return -1;
    data.set(out);
    if (fin.length) data.set(fin, out.length);
    tag.set(t);
    return 0;
  }

  function openWith(alg, key, nonce, aad, data, tag) {
    let d;
    try {
      d = createDecipheriv(NAMES[alg], key, nonce, { authTagLength: 16 });
      d.setAuthTag(tag);
      d.setAAD(aad);
    } catch {
      return -1;
    }
    const out = d.update(data);
    try {
      const fin = d.final();   // throws on a bad tag
      if (fin.length || out.length !== data.length) { out.fill(0); return -1; }
    } catch {
      out.fill(0);             // unauthenticated plaintext never leaves this function
      return 0;
    }
    data.set(out);
    return 1;
  }

  function selfTest(alg) {
    const t = KAT[alg];
    const key = B.from(hex(t.key));
    const data = hex(t.pt);
    const tag = new Uint8Array(16);
    const aad = hex(t.aad);
    const nonce = hex(t.iv);
    if (sealWith(alg, key, nonce, aad, data, tag) !== 0) return false;
    if (toHex(data) !== t.ct || toHex(tag) !== t.tag) return false;
    const bad = tag.slice();
    bad[15] ^= 1;
    const copy = data.slice();
    if (openWith(alg, key, nonce, aad, copy, bad) !== 0 || toHex(copy) !== t.ct) return false;
    if (openWith(alg, key, nonce, aad, data, tag) !== 1) return false;
    return toHex(data) === t.pt;
  }

  return {
    init(alg, key) {
      if (!NAMES[alg] || key.length !== KEY_LEN[alg]) return -1;
      try { usable[alg] ??= selfTest(alg); } catch { usable[alg] = false; }
      nativeCipherStats.kat[NAMES[alg]] = usable[alg];
      if (!usable[alg]) return -1;
      const h = next;
      next = next >= 0x7ffffffe ? 1 : next + 1;
      keys.set(h, { alg, key: B.from(key) });   // a copy: the view is into wasm memory
      nativeCipherStats.init++;
      nativeCipherStats.live++;
      return h;
    },
    seal(h, nonce, aad, data, tag) {
      const k = keys.get(h);
      if (!k) return -1;
      try {
        const r = sealWith(k.alg, k.key, nonce, aad, data, tag);
        if (r === 0) nativeCipherStats.seal++;
        return r;
      } catch {
        return -1;
      }
    },
    open(h, nonce, aad, data, tag) {
      const k = keys.get(h);
      if (!k) return -1;
      try {
        const r = openWith(k.alg, k.key, nonce, aad, data, tag);
        if (r === 1) nativeCipherStats.open++;
        else if (r === 0) nativeCipherStats.bad++;
        return r;
      } catch {
        return -1;
      }
    },
    free(h) {
      const k = keys.get(h);
      if (!k) return;
      k.key.fill(0);
      keys.delete(h);
      nativeCipherStats.free++;
      nativeCipherStats.live--;
    },
  };
}

function hex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(u8) {
  let s = '';
  for (const b of u8) s += b.toString(16).padStart(2, '0');
  return s;
}

// Known answers. AES-GCM: "The Galois/Counter Mode of Operation (GCM)" (McGrew, Viega),
// test cases 4 (AES-128) and 16 (AES-256): 60-byte plaintext, 20-byte AAD, 96-bit IV.
// ChaCha20-Poly1305: RFC 8439 §2.8.2.
const GCM_PT = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
const GCM_AAD = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const GCM_IV = 'cafebabefacedbaddecaf888';
const KAT = {
  1: { key: 'feffe9928665731c6d6a8f9467308308', iv: GCM_IV, aad: GCM_AAD, pt: GCM_PT,
    ct: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    tag: '5bc94fbc3221a5db94fae95ae7121a47' },
  2: { key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308', iv: GCM_IV, aad: GCM_AAD, pt: GCM_PT,
    ct: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b' },
  3: { key: '808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f', iv: '070000004041424344454647',
    aad: '50515253c0c1c2c3c4c5c6c7',
    pt: '4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a204966204920636f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73637265656e20776f756c642062652069742e',
    ct: 'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116',
    tag: '1ae10b594f09e26a7e902ecbd0600691' },
};
