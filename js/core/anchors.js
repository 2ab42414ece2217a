/**
 * Which certificate a trust anchor came from. The engine keeps anchors as
 * name + key only (no DER), numbered in the order they were added; the
 * verified path names its anchor by that number. This maps it back to the
 * DER of the `ca` item that produced it, for `opened.verifiedChain`.
 */
import { readOne, children, expect, decodeOid } from '../x509/der.js';

const decoder = new TextDecoder();
const PEM_CERT = /-----BEGIN (?:X509 )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 )?CERTIFICATE-----/g;
/** Key types the engine loads as anchors (others, e.g. Ed25519 roots in a bundle, it skips). */
const ANCHOR_KEY_OIDS = new Set(['1.2.840.10045.2.1', '1.2.840.113549.1.1.1']);

/** @param {Uint8Array} item PEM text or DER @returns {Uint8Array[]} the certificates in it, in order */
function certificatesOf(item) {
  if (item[0] === 0x30) return [item];
  const out = [];
  for (const m of decoder.decode(item).matchAll(PEM_CERT)) {
    const bin = atob(m[1].replace(/[^A-Za-z0-9+/=]/g, ''));
    const der = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) der[i] = bin.charCodeAt(i);
    out.push(der);
  }
  return out;
}

/** Would the engine load this certificate as an anchor (an EC or RSA key)? */
function loadable(der) {
  try {
    const tbs = children(expect(children(expect(readOne(der), 0x30, 'Certificate'))[0], 0x30, 'tbs'));
    const spki = children(tbs[(tbs[0].tag === 0xA0 ? 1 : 0) + 5]);
    return ANCHOR_KEY_OIDS.has(decodeOid(children(spki[0])[0].bytes));
  } catch {
    return false;
  }
}

/**
 * @param {Uint8Array[]} ca the `ca` items in the order given to the engine
 * @param {number[]} counts how many anchors the engine added from each item
 * @param {number} k the anchor's number
 * @returns {Uint8Array | null} its DER, or null if it cannot be told
 */
export function anchorCertificate(ca, counts, k) {
  for (let i = 0; i < ca.length; i++) {
    if (k >= counts[i]) { k -= counts[i]; continue; }
    let certs = certificatesOf(ca[i]);
    if (certs.length !== counts[i]) certs = certs.filter(loadable);
    return certs.length === counts[i] ? certs[k] : null;
  }
  return null;
}
