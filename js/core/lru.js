/**
 * Bounded caches on a Map (insertion order = use order) for the signature verifiers
 * (js/core/native-verify.js, js/core/webcrypto-verify.js): their imported public keys (lruGet) and
 * their verdicts (verdictCache).
 */

/**
 * `map.get(id)`, marked most recently used; else `make()`, kept unless null/undefined, the least
 * recently used entry dropped past `max`.
 * @template V
 * @param {Map<string, V>} map
 * @param {string} id
 * @param {number} max
 * @param {() => V} make
 * @returns {V}
 */
export function lruGet(map, id, max, make) {
  if (map.has(id)) {
    const v = /** @type {V} */ (map.get(id));
    map.delete(id);
    map.set(id, v);
    return v;
  }
  const v = make();
  if (v == null) return v;
  map.set(id, v);
  if (map.size > max) map.delete(map.keys().next().value);
  return v;
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Verdicts (1 valid, 0 invalid) remembered across connections: verifying is a pure function of the
 * public request, so a server's chain is verified once and only its CertificateVerify /
 * ServerKeyExchange each time. A remembered verdict answers only a byte-identical request: the
 * lookup string holds the scheme, key type, aux, the lengths and the signature, and the key and the
 * signed bytes are then compared in full. "Cannot" (-1) is never remembered.
 * @param {number} max
 * @param {(bytes: Uint8Array) => Uint8Array} keep what to store of a request's key and message
 *   (a copy where the caller's bytes are views into wasm memory)
 */
export function verdictCache(max, keep) {
  /** @type {Map<string, { key: Uint8Array, msg: Uint8Array, verdict: number }>} */
  const map = new Map();
  const idOf = (r) => {
    let s = `${r.scheme}:${r.keyType}:${r.aux}:${r.key.length}:${r.msg.length}:`;
    for (let i = 0; i < r.sig.length; i++) s += String.fromCharCode(r.sig[i]);
    return s;
  };
  return {
    /** @returns {number | undefined} the remembered verdict of this exact request */
    get(r) {
      const id = idOf(r);
      const seen = map.get(id);
      if (!seen || !sameBytes(seen.msg, r.msg) || !sameBytes(seen.key, r.key)) return undefined;
      map.delete(id);
      map.set(id, seen);
      return seen.verdict;
    },
    put(r, verdict) {
      if (verdict !== 0 && verdict !== 1) return;
      const id = idOf(r);
      map.delete(id);
      map.set(id, { key: keep(r.key), msg: keep(r.msg), verdict });
      if (map.size > max) map.delete(map.keys().next().value);
    },
  };
}
