/**
 * Asynchronous native signature verification on WebCrypto (crypto.subtle), for
 * browsers and workerd (no synchronous native verify there). The engine waits
 * (status bit IO.VERIFY) with a batch of requests, each normalized in C exactly
 * as for the synchronous path (js/core/native-verify.js describes the fields):
 *   { scheme, keyType, key, aux, msg, sig }
 * The pump (js/core/connection.js) hands the batch to the verifier below, which
 * verifies every request in parallel and resolves to one verdict each:
 * 1 valid, 0 invalid, -1 cannot (BearSSL verifies that one in wasm). A verdict
 * is 1 only when crypto.subtle.verify resolved to exactly `true`; a rejection,
 * a throw or an algorithm WebCrypto lacks (SHA-224, an exotic RSA exponent the
 * browser refuses to import) is -1, never "valid".
 *
 *   ECDSA P-256/P-384/P-521  importKey('raw', 04||X||Y), verify with r||s (IEEE P1363,
 *                            WebCrypto's own format)
 *   RSASSA-PKCS1-v1_5        importKey('jwk', { n, e }), hash bound at import
 *   RSA-PSS (rsae)           importKey('jwk'), saltLength = hash length, MGF1 same hash
 *
 * Imported keys are cached (public keys only, across connections) so an
 * intermediate seen again costs one verify. Verdicts are remembered too
 * (bounded, across connections): verifying is a pure function of the public
 * request (scheme, key, signed bytes, signature), so the same request again
 * (a chain's certificate signatures, seen on every connection to a server)
 * takes its verdict without WebCrypto; a remembered verdict answers only a
 * request equal to it byte for byte (scheme, key type, aux, key, msg, sig);
 * only 1 and 0 are remembered, never "cannot".
 */

import { lruGet, verdictCache } from './lru.js';

const HASHES = { 2: 'SHA-1', 4: 'SHA-256', 5: 'SHA-384', 6: 'SHA-512' };
const HASH_LEN = { 2: 20, 4: 32, 5: 48, 6: 64 };
const CURVES = { 23: 'P-256', 24: 'P-384', 25: 'P-521' };
const EC_POINT_LEN = { 23: 65, 24: 97, 25: 133 };
const PSS = { 0x0804: 4, 0x0805: 5, 0x0806: 6 };

/** How many imported keys are kept (an LRU across connections). */
const KEY_CACHE = 64;
/** How many verdicts are kept (an LRU across connections; a chain's edges are a few per server). */
const VERDICT_CACHE = 64;

function base64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function cacheKey(kind, hash, keyType, aux, key) {
  let s = `${kind}:${hash}:${keyType}:${aux}:`;
  for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]);
  return s;
}

/**
 * The algorithm parameters for a request, or null (cannot: BearSSL verifies).
 * @returns {{ kind: string, hash: string, importAlg: object, verifyAlg: object } | null}
 */
function algorithmOf(scheme, keyType, key, aux) {
  if (PSS[scheme] !== undefined) {
    if (keyType !== 1) return null;
    const h = PSS[scheme];
    return { kind: 'pss', hash: HASHES[h], importAlg: { name: 'RSA-PSS', hash: HASHES[h] },
      verifyAlg: { name: 'RSA-PSS', saltLength: HASH_LEN[h] } };
  }
  const hash = HASHES[scheme >> 8];
  if (!hash) return null;
  const alg = scheme & 0xff;
  if (alg === 3 && keyType === 2) {
    const namedCurve = CURVES[aux];
    if (!namedCurve || key.length !== EC_POINT_LEN[aux] || key[0] !== 4) return null;
    return { kind: 'ecdsa', hash, importAlg: { name: 'ECDSA', namedCurve }, verifyAlg: { name: 'ECDSA', hash } };
  }
  if (alg === 1 && keyType === 1) {
    return { kind: 'pkcs1', hash, importAlg: { name: 'RSASSA-PKCS1-v1_5', hash }, verifyAlg: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  return null;
}

/**
 * A batch verifier on `subtle` (crypto.subtle), or null without one (then BearSSL verifies).
 * @param {SubtleCrypto | undefined | null} subtle
 * @returns {((requests: Array<{ scheme: number, keyType: number, key: Uint8Array, aux: number, msg: Uint8Array, sig: Uint8Array }>) => Promise<number[]>) | null}
 */
export function webCryptoSigVerifier(subtle) {
  if (!subtle || typeof subtle.verify !== 'function' || typeof subtle.importKey !== 'function') return null;
  /** @type {Map<string, Promise<CryptoKey>>} */
  const keys = new Map();
  // the request's bytes are the batch's own copies (js/core/engine.js sigBatch): kept as they are
  const verdicts = verdictCache(VERDICT_CACHE, (bytes) => bytes);

  function importKey(a, keyType, key, aux) {
    const id = cacheKey(a.kind, a.hash, keyType, aux, key);
    return lruGet(keys, id, KEY_CACHE, () => {
      let p;
      if (keyType === 2) {
        p = subtle.importKey('raw', key, a.importAlg, false, ['verify']);
      } else if (aux < 1 || aux >= key.length) {
        p = Promise.reject(new Error('bad RSA key'));
      } else {
        const n = key.subarray(0, key.length - aux), e = key.subarray(key.length - aux);
        p = subtle.importKey('jwk', { kty: 'RSA', n: base64url(n), e: base64url(e), ext: true },
          a.importAlg, false, ['verify']);
      }
      p.catch(() => keys.delete(id)); // a refused key is not remembered as such (BearSSL takes it each time)
      return p;
    });
  }

  async function verifyOne(r) {
    const a = algorithmOf(r.scheme, r.keyType, r.key, r.aux);
    if (!a) return -1;
    const seen = verdicts.get(r);
    if (seen !== undefined) return seen;
    const k = await importKey(a, r.keyType, r.key, r.aux);
    const ok = await subtle.verify(a.verifyAlg, k, r.sig, r.msg);
    const verdict = ok === true ? 1 : ok === false ? 0 : -1;
    verdicts.put(r, verdict);
    return verdict;
  }

  return function webCryptoVerifyBatch(requests) {
    return Promise.all(requests.map((r) => {
      try {
        return verifyOne(r).catch(() => -1);
      } catch {
        return -1;
      }
    }));
  };
}
