/**
 * The trust-policy digest bound into every session (js/core/session.js): SHA-256
 * over everything that decides whether a server is accepted — the trust
 * anchors, the pins, insecureSkipVerify, whether a verify hook is set, and
 * the server name. Two connections resume each other's sessions only when
 * their digests are equal.
 */
const encoder = new TextEncoder();
/** Digest of a default trust store (the same array every time): computed once. */
const anchorDigests = new WeakMap();
/**
 * Digests of small `ca` lists by their exact bytes (a `ca` option is parsed into a new array per
 * connection, so the WeakMap above misses): the key is the bytes themselves, never a hash of
 * them, so two different anchor sets can never share a digest. Bounded; oldest out first.
 */
const contentDigests = new Map();
const CONTENT_CACHE_MAX = 16;
const CONTENT_CACHE_BYTES = 64 * 1024;

/** The exact bytes of `ca` as one string key (u32 length ‖ bytes each), or null if too big. */
function contentKey(ca) {
  let total = 0;
  for (const b of ca) total += 4 + b.length;
  if (total > CONTENT_CACHE_BYTES) return null;
  let key = '';
  for (const b of ca) {
    key += String.fromCharCode(b.length >>> 16, b.length & 0xffff);
    for (let i = 0; i < b.length; i += 4096) key += String.fromCharCode.apply(null, b.subarray(i, i + 4096));
  }
  return key;
}

/** SHA-256 over each item as u32 length ‖ bytes. @param {Uint8Array[]} items */
async function digestOfList(items) {
  const total = items.reduce((n, b) => n + 4 + b.length, 0);
  const buf = new Uint8Array(total);
  const view = new DataView(buf.buffer);
  let off = 0;
  for (const b of items) {
    view.setUint32(off, b.length);
    buf.set(b, off + 4);
    off += 4 + b.length;
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', buf));
}

/** @param {Uint8Array[]} ca the anchors as given to the engine */
async function anchorsDigest(ca) {
  let d = anchorDigests.get(ca);
  if (d) return d;
  const key = contentKey(ca);
  d = key === null ? undefined : contentDigests.get(key);
  if (!d) {
    d = await digestOfList(ca);
    if (key !== null) {
      if (contentDigests.size >= CONTENT_CACHE_MAX) contentDigests.delete(contentDigests.keys().next().value);
      contentDigests.set(key, d);
    }
  }
  anchorDigests.set(ca, d);
  return d;
}

/**
 * @param {{ serverName: string, insecureSkipVerify: boolean, pins?: string[], verify?: Function }} options
 * @param {Uint8Array[]} ca the trust anchors in use (PEM text or DER items)
 * @returns {Promise<Uint8Array>} 32 bytes
 */
export async function policyDigest(options, ca) {
  const items = [
    encoder.encode('wasmtls trust policy 1'),
    encoder.encode(options.serverName),
    Uint8Array.of(options.insecureSkipVerify ? 1 : 0, options.verify ? 1 : 0),
    encoder.encode([...(options.pins ?? [])].sort().join(',')),
    options.insecureSkipVerify ? new Uint8Array(0) : await anchorsDigest(ca),
  ];
  return digestOfList(items);
}

/** Constant-time-enough equality for two digests (public values). */
export function sameDigest(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
