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
    let k = keys.get(id);
    if (k) { keys.delete(id); keys.set(id, k); return k; }   // most recently used last
    if (keyType === 2) {
      const prefix = EC_SPKI_PREFIX[aux];
      if (!prefix || key.length !== EC_POINT_LEN[aux] || key[0] !== 4) return null;
      const der = new Uint8Array(prefix.length + key.length);
      der.set(prefix);
      der.set(key, prefix.length);
      k = createPublicKey({ key: B.from(der.buffer), format: 'der', type: 'spki' });
    } else if (keyType === 1) {
      if (!(aux >= 1 && aux <= 8 && aux < key.length)) return null;
      const n = B.from(key.buffer, key.byteOffset, key.length - aux);
      const e = B.from(key.buffer, key.byteOffset + key.length - aux, aux);
      k = createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') }, format: 'jwk' });
    } else {
      return null;
    }
    keys.set(id, k);
    if (keys.size > KEY_CACHE) keys.delete(keys.keys().next().value);
    return k;
  }

  return function nodeSigVerify(scheme, keyType, key, aux, msg, sig) {
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
  };
}
