/**
 * The trust policy's JS part, applied after the engine verified the chain, its path to a
 * trust anchor and the pins (all in C, before our Finished was sent), and before `opened`
 * resolves — until then nothing the server sent is readable and no application data or
 * session has left (js/core/connection.js):
 *   verify  the caller's hook verify(chain, info): `chain` is the verified path (leaf → trust
 *           anchor), `info.sentCertificates` what the server sent (unverified). May be async;
 *           throwing or returning false refuses the connection (a thrown WasmTlsError as is,
 *           anything else as BAD_CERTIFICATE).
 * spkiPin() computes the `pins` format (base64 SHA-256 of a SubjectPublicKeyInfo).
 */
import { readOne, children, expect } from '../x509/der.js';
import { WasmTlsError } from './errors.js';

const SEQUENCE = 0x30;

/** The subjectPublicKeyInfo DER of a certificate. @param {Uint8Array} der */
export function spkiOf(der) {
  const cert = expect(readOne(der), SEQUENCE, 'Certificate');
  const tbs = children(expect(children(cert)[0], SEQUENCE, 'tbsCertificate'));
  const i = tbs[0].tag === 0xA0 ? 1 : 0;          // optional [0] version
  return expect(tbs[i + 5], SEQUENCE, 'subjectPublicKeyInfo').der;
}

function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** base64(SHA-256(SPKI)) of a certificate: the pin format. @param {Uint8Array} der */
export async function spkiPin(der) {
  return base64(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', spkiOf(der))));
}

/**
 * @param {{ verify?: Function }} options
 * @param {{ verifiedChain: any[], peerCertificates: any[] }} info what `opened` will resolve with
 */
export async function applyTrustPolicy(options, info) {
  if (!options.verify) return;
  let ok;
  try {
    ok = await options.verify(info.verifiedChain, { ...info, sentCertificates: info.peerCertificates });
  } catch (err) {
    if (err instanceof WasmTlsError) throw err;
    throw new WasmTlsError('BAD_CERTIFICATE', `the verify hook refused the certificate: ${err?.message ?? err}`, { cause: err });
  }
  if (ok === false) throw new WasmTlsError('BAD_CERTIFICATE', 'the verify hook refused the certificate (returned false)');
}
