/**
 * The trust-policy digest bound into every session (js/core/session.js): SHA-256
 * over everything that decides whether a server is accepted — the trust
 * anchors, the pins, insecureSkipVerify, whether a verify hook is set, and
 * the server name. Two connections resume each other's sessions only when
 * their digests are equal.
 */
const encoder = new TextEncoder();
/** Digest of a `ca` array already seen (the default trust store is the same array every time). */
const anchorDigests = new WeakMap();

/**
 * SHA-256 over each item as u32 length ‖ bytes.
 * @param {Uint8Array[]} items
 * @param {(bytes: Uint8Array) => Uint8Array} sha256
 */
function digestOfList(items, sha256) {
  const total = items.reduce((n, b) => n + 4 + b.length, 0);
  const buf = new Uint8Array(total);
  const view = new DataView(buf.buffer);
  let off = 0;
  for (const b of items) {
    view.setUint32(off, b.length);
    buf.set(b, off + 4);
    off += 4 + b.length;
  }
  return sha256(buf);
}

/**
 * The anchors' digest: over their exact bytes each time (a `ca` option is parsed into a new array
 * per connection; hashing a few KiB synchronously costs microseconds), except for an array seen
 * before — the default store, whose items are never handed out.
 * @param {Uint8Array[]} ca the anchors as given to the engine
 */
function anchorsDigest(ca, sha256) {
  let d = anchorDigests.get(ca);
  if (!d) {
    d = digestOfList(ca, sha256);
    anchorDigests.set(ca, d);
  }
  return d;
}

/**
 * @param {{ serverName: string, insecureSkipVerify: boolean, pins?: string[], verify?: Function }} options
 * @param {Uint8Array[]} ca the trust anchors in use (PEM text or DER items)
 * @param {(bytes: Uint8Array) => Uint8Array} sha256 a synchronous SHA-256 (the wasm's)
 * @returns {Uint8Array} 32 bytes
 */
export function policyDigest(options, ca, sha256) {
  const items = [
    encoder.encode('wasmtls trust policy 1'),
    encoder.encode(options.serverName),
    Uint8Array.of(options.insecureSkipVerify ? 1 : 0, options.verify ? 1 : 0),
    encoder.encode([...(options.pins ?? [])].sort().join(',')),
    options.insecureSkipVerify ? new Uint8Array(0) : anchorsDigest(ca, sha256),
  ];
  return digestOfList(items, sha256);
}

/** Constant-time-enough equality for two digests (public values). */
export function sameDigest(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
