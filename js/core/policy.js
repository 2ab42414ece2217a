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
  if (!d) {
    d = await digestOfList(ca);
    anchorDigests.set(ca, d);
  }
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
