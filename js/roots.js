/**
 * `wasmtls/roots`: the default trust store — the Mozilla root program as
 * shipped by Debian's ca-certificates (see ROOTS_VERSION), generated at build
 * time by scripts/make-roots.mjs. A separate entry point so that users who
 * pass their own `ca` never download it:
 *
 *   import { connect } from 'wasmtls';
 *   import roots from 'wasmtls/roots';
 *   connect(addr, { ca: roots })            // or: { ca: [...roots, myPem] }
 *
 * The default export is an array of DER certificates (Uint8Array).
 */
import { ROOTS_VERSION, ROOTS_COUNT, ROOTS_BASE64 } from './dist/roots-data.js';

export { ROOTS_VERSION, ROOTS_COUNT };

function base64Bytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The blob (u24 length + DER, repeated) split into DER certificates. */
function splitRoots(blob) {
  const certs = [];
  for (let off = 0; off + 3 <= blob.length;) {
    const len = (blob[off] << 16) | (blob[off + 1] << 8) | blob[off + 2];
    certs.push(blob.subarray(off + 3, off + 3 + len));
    off += 3 + len;
  }
  return certs;
}

/** @type {Uint8Array[]} */
const roots = Object.freeze(splitRoots(base64Bytes(ROOTS_BASE64)));
export default roots;
