/**
 * A bounded cache on a Map (insertion order = use order): the imported public keys of the
 * signature verifiers (js/core/native-verify.js, js/core/webcrypto-verify.js).
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
