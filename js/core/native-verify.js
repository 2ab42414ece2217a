/**
 * Native signature verification: the JS side of the wasm import
 * env.wt_js_sig_verify (wasm/wt_wasm.c, src/wt_sig_verify.h). Verifying a
 * signature uses only public data (key, signed bytes, signature), so the
 * runtime's own crypto may do it; secret-key operations stay in wasm.
 *
 * The engine hands over a request it has already checked and normalized
 * (identically for BearSSL, so both paths differ only in the arithmetic):
 *   scheme   TLS SignatureScheme: hash in the high byte (2 SHA-1, 3 SHA-224,
 *            4 SHA-256, 5 SHA-384, 6 SHA-512), low byte 1 RSASSA-PKCS1-v1_5 or
 *            3 ECDSA; 0x0804..0x0806 RSA-PSS (MGF1 with the same hash, salt = hash length)
 *   keyType  2 EC: key = 04 || X || Y, aux = curve (23 P-256, 24 P-384, 25 P-521),
 *                  sig = r || s (IEEE P1363)
 *            1 RSA: key = n || e, aux = length of e; sig = the signature
 * The verifier returns 1 (valid), 0 (invalid) or -1 (cannot: BearSSL verifies).
 * It never returns 1 unless the runtime's verify returned exactly `true`; a
 * throw becomes -1 (wasm.js also turns a throw or any other value into -1).
 *
 * createNodeVerifier: synchronous, on `node:crypto` (Node; Bun and Deno
 * through their node:crypto). Where no node:crypto exists (browsers, workerd
 * without nodejs_compat) there is no verifier and BearSSL verifies, as before.
 */

import { lruGet, verdictCache } from './lru.js';

const HASHES = { 2: 'sha1', 3: 'sha224', 4: 'sha256', 5: 'sha384', 6: 'sha512' };
const HASH_LEN = { 2: 20, 3: 28, 4: 32, 5: 48, 6: 64 };

/** SubjectPublicKeyInfo DER up to the point, by BearSSL curve id: SEQUENCE { id-ecPublicKey, curve OID }, BIT STRING. */
const EC_SPKI_PREFIX = {
  23: hex('3059301306072a8648ce3d020106082a8648ce3d030107034200'),        // P-256, 65-byte point
  24: hex('3076301006072a8648ce3d020106052b81040022036200'),              // P-384, 97-byte point
  25: hex('30819b301006072a8648ce3d020106052b8104002303818600'),           // P-521, 133-byte point
};
const EC_POINT_LEN = { 23: 65, 24: 97, 25: 133 };

/** How many imported keys are kept (a chain has a handful; the LRU spans connections: public keys only). */
const KEY_CACHE = 64;
/**
 * How many verdicts are kept (an LRU across connections, as js/core/webcrypto-verify.js): a chain's
 * certificate signatures are the same on every connection to a server, so only the
 * CertificateVerify (or ServerKeyExchange) is verified each time. Verifying is a pure function of
 * the public request; a remembered verdict answers only a byte-identical one.
 */
const VERDICT_CACHE = 64;

function hex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * The Node-side entries' verifier: createNodeVerifier(node:crypto), unless `env`
 * (process.env where reading it needs no permission) has WASMTLS_NATIVE_VERIFY=0
 * (tests and benchmarks: BearSSL alone, as the `nativeVerify: false` option does per connection).
 * `nodeCrypto` is the module, or a function returning it, called on the first verification
 * (Node: process.getBuiltinModule, so that importing wasmtls does not load node:crypto);
 * if that fails, every answer is -1 (BearSSL).
 * @param {typeof import('node:crypto') | (() => typeof import('node:crypto'))} nodeCrypto
 * @param {Record<string, string | undefined>} [env]
 */
export function nodeSigVerifier(nodeCrypto, env) {
  if (env?.WASMTLS_NATIVE_VERIFY === '0') return null;
  if (typeof nodeCrypto !== 'function') return createNodeVerifier(nodeCrypto);
  let verifier;
  return function lazyNodeSigVerify(...request) {
    if (verifier === undefined) {
      try { verifier = createNodeVerifier(nodeCrypto()); } catch { verifier = null; }
    }
    return verifier ? verifier(...request) : -1;
  };
}

/**
 * A synchronous verifier on node:crypto (`createPublicKey` + `verify`).
 * @param {typeof import('node:crypto')} nodeCrypto
 * @returns {((scheme: number, keyType: number, key: Uint8Array, aux: number, msg: Uint8Array, sig: Uint8Array) => number) | null}
 */
export function createNodeVerifier(nodeCrypto) {
  const { createPublicKey, verify, constants } = nodeCrypto ?? {};
  if (typeof createPublicKey !== 'function' || typeof verify !== 'function' || !constants) return null;
  const { RSA_PKCS1_PADDING, RSA_PKCS1_PSS_PADDING, RSA_PSS_SALTLEN_DIGEST } = constants;
  const B = globalThis.Buffer;
  /** @type {Map<string, import('node:crypto').KeyObject>} */
  const keys = new Map();

  function importKey(keyType, key, aux) {
    // the cache key copies the bytes (the view is into wasm memory, valid for this call only)
    const id = `${keyType}:${aux}:${B.from(key.buffer, key.byteOffset, key.byteLength).toString('base64')}`;
    return lruGet(keys, id, KEY_CACHE, () => {
      if (keyType === 2) {
        const prefix = EC_SPKI_PREFIX[aux];
        if (!prefix || key.length !== EC_POINT_LEN[aux] || key[0] !== 4) return null;
        const der = new Uint8Array(prefix.length + key.length);
        der.set(prefix);
        der.set(key, prefix.length);
        return createPublicKey({ key: B.from(der.buffer), format: 'der', type: 'spki' });
      }
      if (keyType === 1) {
        if (!(aux >= 1 && aux <= 8 && aux < key.length)) return null;
        const n = B.from(key.buffer, key.byteOffset, key.length - aux);
        const e = B.from(key.buffer, key.byteOffset + key.length - aux, aux);
        return createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') }, format: 'jwk' });
      }
      return null;
    });
  }

  // Each algorithm family is used only once the runtime's verify passed a known answer test (a valid
  // signature verifies, the same with one bit flipped does not), through this very code: a runtime
  // whose node:crypto lacks an option (dsaEncoding, PSS salt length) or misreads it leaves that
  // family to BearSSL instead of refusing good signatures.
  /** @type {Record<string, boolean>} */
  const usable = {};
  const familyOf = (scheme, keyType) => (keyType === 2 ? 'ecdsa' : scheme >= 0x0804 && scheme <= 0x0806 ? 'pss' : 'pkcs1');
  function selfTest(family) {
    const t = KAT[family];
    const key = hex(t.key);
    const sig = hex(t.sig);
    const flipped = sig.slice();
    flipped[flipped.length - 1] ^= 1;
    return answer(t.scheme, t.keyType, key, t.aux, KAT_MSG, sig) === 1 &&
      answer(t.scheme, t.keyType, key, t.aux, KAT_MSG, flipped) === 0;
  }

  // key, msg and sig are views into wasm memory, valid for one call: what is kept is copied
  const verdicts = verdictCache(VERDICT_CACHE, (bytes) => bytes.slice());

  return function nodeSigVerify(scheme, keyType, key, aux, msg, sig) {
    const family = familyOf(scheme, keyType);
    usable[family] ??= selfTest(family);
    if (!usable[family]) return -1;
    const r = { scheme, keyType, aux, key, msg, sig };
    const seen = verdicts.get(r);
    if (seen !== undefined) return seen;
    const verdict = answer(scheme, keyType, key, aux, msg, sig);
    verdicts.put(r, verdict);
    return verdict;
  };

  function answer(scheme, keyType, key, aux, msg, sig) {
    const hashId = scheme >> 8;
    const low = scheme & 0xff;
    let hash, opts;
    if (scheme >= 0x0804 && scheme <= 0x0806) {
      hash = HASHES[scheme - 0x0800];
      if (keyType !== 1) return -1;
      opts = { padding: RSA_PKCS1_PSS_PADDING, saltLength: RSA_PSS_SALTLEN_DIGEST };
      // RSA_PSS_SALTLEN_DIGEST: salt length = hash length, exactly (as wt_rsa_pss_verify is called)
      if (HASH_LEN[scheme - 0x0800] === undefined) return -1;
    } else if (low === 1 && keyType === 1) {
      hash = HASHES[hashId];
      opts = { padding: RSA_PKCS1_PADDING };
    } else if (low === 3 && keyType === 2) {
      hash = HASHES[hashId];
      opts = { dsaEncoding: 'ieee-p1363' };
      if (sig.length !== 2 * ((EC_POINT_LEN[aux] - 1) / 2)) return -1;
    } else {
      return -1;
    }
    if (!hash) return -1;
    try {
      const k = importKey(keyType, key, aux);
      if (!k) return -1;
      return verify(hash, msg, { key: k, ...opts }, sig) === true ? 1 : 0;
    } catch {
      return -1;
    }
  }
}

/** Known answer tests (made once with Node's node:crypto): SHA-256 over KAT_MSG. */
const KAT_MSG = new TextEncoder().encode('wasmtls native verify self-test');
const RSA_KEY = 'c6fcc98f7fdf65ae04723b953c08ed7eb08aab9405046edbbfc5985d7cd0dc7696b55df27209c1551272a88721e7bf3375d691bc233336f18afabc6b1b6d6b6153acdfcbb73c1f4c073f9d9cb5759751eaeb274b96228d9f21552753f674b6c0ba30c09a7d77b9c09552b7428e24cd1f3c3667b6112925b759e958f01729c55f010001';
const KAT = {
  ecdsa: { scheme: 0x0403, keyType: 2, aux: 23, key: '0431b177a860527b26c46639d4ef66e4431c432c891dbb28a6e8c3d64a74b73f458b6963b6ff67be43ac00df1bdb68a03cf5ca5261a6a68da503c8e9533abe59e4',
    sig: '1126d83496ba95554c1793a04cf9be677fb6878cd6d4b1e34dc6609f5dbb9f672acfa44fa9447dafe61e8b0aa9bb4b9af1a8681b11bc64a95c414e79c6e5b37f' },
  pkcs1: { scheme: 0x0401, keyType: 1, aux: 3, key: RSA_KEY,
    sig: '84dcf8df1eda08d292b69935358b5f648181134320a749ae149142b00b2b71ba4fa8868633e7582b835e1a23c9cbec503f049f2a0a102c149d779a7c79a8fa115c2f2c158a370dd25bf8261a80063ca94ac75f8bad51d82a16723e758a8793459968c779024e6cf6b611e27e2df51d07494be683bbfd799bf6662c35348896c2' },
  pss: { scheme: 0x0804, keyType: 1, aux: 3, key: RSA_KEY,
    sig: '64a7f845a859f45e009eef84d670de3965b10c5a422f8aca112744196f897903cc947f9f99a027f3a5a720e950b47bb22fc65b0745806cbb62e06043083106c8caa75a5d1df752e96ec61e31bea60533118664c70fd920c01a9254399109a62b1ecbc6d4e7e75343dedc41ed99d101f3f63c03f3c69fa17332ad170f9bf97bb7' },
};
