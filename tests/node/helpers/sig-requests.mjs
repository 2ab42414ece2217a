// ECDSA P-256 signature requests for the verifier tests (js/core/native-verify.js,
// js/core/webcrypto-verify.js), in the layout the engine hands over: key = 04 || X || Y, sig = r || s.
import crypto from 'node:crypto';

/** The uncompressed point of a P-256 public KeyObject. */
export function pointOf(publicKey) {
  const j = publicKey.export({ format: 'jwk' });
  return new Uint8Array(Buffer.concat([Buffer.of(4), Buffer.from(j.x, 'base64url'), Buffer.from(j.y, 'base64url')]));
}

/** A fresh P-256 key: its point, `text` and its ECDSA-SHA-256 signature (IEEE P1363). */
export function p256Request(text) {
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const msg = new TextEncoder().encode(text);
  return { point: pointOf(ec.publicKey), msg, sig: new Uint8Array(crypto.sign('sha256', msg, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })) };
}
